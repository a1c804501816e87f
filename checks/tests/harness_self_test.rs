//! The harness is only trusted once it has caught seeded faults: each test
//! makes every honest member's rules wrong in one rule and asserts that
//! exhaustive conformance reports a divergence.
use std::sync::Arc;

use appsync_checks::conformance::RulesFactory;
use appsync_checks::conformance::exhaustive::{self, ConformanceError};
use appsync_model::AppSyncConfig;
use mls_appsync::AppSyncRules;
use mls_appsync::fault::Fault;

fn faulty(fault: Fault) -> RulesFactory {
    Arc::new(move |_, policy| {
        AppSyncRules::new()
            .with_unknown_id_policy(policy)
            .with_fault(fault)
    })
}

fn assert_caught(cfg: AppSyncConfig, fault: Fault) {
    match exhaustive::run(&cfg, &faulty(fault), |_| {}) {
        Err(ConformanceError::Divergence(d)) => eprintln!("{fault:?} caught:\n{d}"),
        Err(other) => panic!("{fault:?}: harness error {other}"),
        Ok(report) => panic!("{fault:?} not caught after {report:?}"),
    }
}

#[test]
fn skip_apply_is_caught() {
    assert_caught(AppSyncConfig::default(), Fault::SkipApply);
}
