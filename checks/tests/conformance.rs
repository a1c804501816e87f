//! Exhaustive and random conformance on the default configuration.
use appsync_checks::conformance::{exhaustive, honest_rules};
use appsync_model::AppSyncConfig;

#[test]
fn every_transition_of_a_small_configuration_conforms() {
    let cfg = AppSyncConfig {
        members: 2,
        application_ids: 1,
        max_epoch: 1,
        max_in_flight: 1,
        external_proposals: 0,
        injections: 0,
        forgeries: 0,
        ..AppSyncConfig::default()
    };
    let report = exhaustive::run(&cfg, &honest_rules(), |_| {}).unwrap_or_else(|e| panic!("{e}"));
    eprintln!("{report:?} {:.0}/s", report.transitions_per_second());
    assert!(report.transitions > 0);
}

#[test]
fn every_transition_of_the_default_configuration_conforms() {
    let report = exhaustive::run(&AppSyncConfig::default(), &honest_rules(), |_| {})
        .unwrap_or_else(|e| panic!("{e}"));
    eprintln!("{report:?} {:.0}/s", report.transitions_per_second());
    assert!(report.transitions > 0);
}

#[test]
fn random_traces_of_six_members_conform() {
    // Five honest members plus the adversary: six leaves; 30 to 60 steps.
    let cfg = appsync_checks::conformance::random::random_config();
    assert_eq!(cfg.members + 1, 6);
    let report = appsync_checks::conformance::random::run(
        &cfg,
        &honest_rules(),
        32,
        30,
        60,
        Some(7),
        &|_| {},
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.traces, 32);
}
