//! The verdicts of `appsync check`: the main job's presets reach every
//! witness with no unexpected violation, and a seeded model fault is
//! reported as a failure (so the verdict logic can fail).
use std::collections::BTreeSet;

use appsync_checks::modelcheck::{CheckOptions, Verdict, check};
use appsync_model::presets::PRESETS;
use appsync_model::{AppSyncConfig, Faults, properties};

#[test]
fn the_main_job_presets_pass_and_reach_every_witness() {
    let mut found = BTreeSet::new();
    for preset in PRESETS.iter().filter(|p| p.main_job) {
        let report = check(&preset.config(), CheckOptions::default(), |_| {});
        assert!(!report.failed(), "{report:#?}");
        found.extend(
            report
                .properties
                .iter()
                .filter(|p| p.verdict == Verdict::WitnessFound)
                .map(|p| p.name),
        );
        // The lost update is the expected finding wherever it is reachable.
        let lost = report
            .properties
            .iter()
            .find(|p| p.name == properties::NO_LOST_UPDATE)
            .unwrap();
        assert!(matches!(
            lost.verdict,
            Verdict::Holds | Verdict::ExpectedViolation { .. }
        ));
    }
    let mut all: BTreeSet<&str> = properties::SOMETIMES.into_iter().collect();
    all.insert(properties::LIST_ORDER_NOT_ID_ORDER);
    assert_eq!(found, all);
}

#[test]
fn a_seeded_model_fault_fails_the_check() {
    let cfg = AppSyncConfig {
        faults: Faults {
            skip_apply: true,
            ..Faults::default()
        },
        ..AppSyncConfig::default()
    };
    let report = check(&cfg, CheckOptions::default(), |_| {});
    assert!(report.failed());
    let visible = report
        .properties
        .iter()
        .find(|p| p.name == properties::COMMITTED_APP_SYNC_VISIBLE)
        .unwrap();
    assert_eq!(visible.verdict, Verdict::Violated);
    assert!(visible.trace.is_some() && visible.path.is_some());
}
