//! The verdicts of `appsync check`: the main job's presets reach every
//! witness with no unexpected violation, a seeded model fault is reported as
//! a failure (so the verdict logic can fail), and each verdict follows the
//! property's stateright `Expectation` and the model's excuse for it.
use std::collections::BTreeSet;

use appsync_checks::modelcheck::{CheckOptions, Verdict, check};
use appsync_model::presets::PRESETS;
use appsync_model::{AppSyncConfig, Faults, properties};
use stateright::Expectation;

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
    let every: BTreeSet<&str> = properties::all()
        .into_iter()
        .filter(|c| c.property.expectation == Expectation::Sometimes)
        .map(|c| c.property.name)
        .collect();
    assert_eq!(found, every);
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

/// Each verdict follows the property's stateright `Expectation`, a witness
/// whose actor is off is excused, and each discovery is a shortest path
/// with its explanation.
#[test]
fn verdicts_follow_each_property_s_expectation() {
    let report = check(&AppSyncConfig::default(), CheckOptions::default(), |_| {});
    for p in &report.properties {
        let judged_as_always = matches!(
            p.verdict,
            Verdict::Holds | Verdict::Violated | Verdict::ExpectedViolation { .. }
        );
        assert_eq!(
            judged_as_always,
            p.expectation == Expectation::Always,
            "{}",
            p.name
        );
    }
    let forged = report
        .properties
        .iter()
        .find(|p| p.name == properties::FORGED_GCE_REJECTED)
        .unwrap();
    assert_eq!(
        forged.verdict,
        Verdict::NotApplicable {
            why: "needs an adversary".into()
        }
    );
    for p in report.properties.iter().filter(|p| p.actions.is_some()) {
        assert!(p.shortest, "{}", p.name);
        assert!(p.explanation.is_some() && p.trace.is_some(), "{}", p.name);
    }
    let lost = report
        .properties
        .iter()
        .find(|p| p.name == properties::NO_LOST_UPDATE)
        .unwrap();
    assert_eq!(lost.steps, Some(8));
}
