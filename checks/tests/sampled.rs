//! Path sampling checks states along several histories, and catches what
//! the exhaustive replay catches.

use std::sync::Arc;

use appsync_checks::conformance::{ConformanceError, honest_rules, sampled};
use appsync_model::presets;
use mls_appsync::AppSyncRules;
use mls_appsync::fault::Fault;

#[test]
fn states_are_checked_along_several_histories() {
    let cfg = presets::CREATE_ORDER.config();
    let report = sampled::run(&cfg, &honest_rules(), 60, 7).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.walks, 60);
    assert!(report.histories > report.states, "{report}");
    assert!(report.states_with_several_histories > 0, "{report}");
    assert!(report.max_histories >= 2, "{report}");
}

#[test]
fn a_seeded_fault_is_caught_by_sampling() {
    let faulty = Arc::new(|_, policy| {
        AppSyncRules::new()
            .with_unknown_id_policy(policy)
            .with_fault(Fault::SkipApply)
    });
    match sampled::run(&presets::DEFAULT.config(), &(faulty as _), 20, 7) {
        Err(ConformanceError::Divergence(d)) => eprintln!("{d}"),
        other => panic!("not caught: {other:?}"),
    }
}
