//! Rule-path coverage: the counts come from a real replay, and a required
//! path that no run takes is reported.

use appsync_checks::conformance::coverage::{Coverage, Place, REQUIRED, RulePath};
use appsync_checks::conformance::{exhaustive, honest_rules};
use appsync_model::{AppSyncConfig, Reason, presets};

fn path(place: Place, reason: Option<Reason>) -> RulePath {
    RulePath { place, reason }
}

#[test]
fn an_empty_coverage_reaches_no_required_path() {
    let coverage = Coverage::default();
    assert_eq!(coverage.unreached().len(), REQUIRED.len());
}

#[test]
fn a_recorded_refusal_is_no_longer_unreached() {
    let mut coverage = Coverage::default();
    coverage.record_refusal(Reason::AppSyncWithGce);
    let refused = path(Place::Refused, Some(Reason::AppSyncWithGce));
    assert_eq!(coverage.count(&refused), 1);
    assert!(!coverage.unreached().iter().any(|(_, p)| *p == refused));
    assert_eq!(coverage.unreached().len(), REQUIRED.len() - 1);
}

#[test]
fn the_committers_drops_are_counted_from_a_real_replay() {
    // One id, one epoch, cached GroupContextExtensions and unknown-id
    // proposals: every by-reference drop the rules make happens here.
    let cfg = AppSyncConfig {
        application_ids: 1,
        max_by_value: 0,
        max_in_flight: 1,
        ..presets::RULE_PATHS.config()
    };
    let report = exhaustive::run(&cfg, &honest_rules(), |_| {}).unwrap_or_else(|e| panic!("{e}"));
    let coverage = &report.coverage;
    for reason in [
        Reason::UnknownApplicationId,
        Reason::AppSyncWithGce,
        Reason::DuplicateApplicationId,
    ] {
        assert!(
            coverage.count(&path(Place::Dropped, Some(reason))) > 0,
            "{reason:?} never dropped: {coverage:?}"
        );
    }
    assert!(coverage.count(&path(Place::AppliedByReference, None)) > 0);
    // Nothing by value in this configuration, so nothing counted there.
    assert_eq!(coverage.count(&path(Place::AppliedByValue, None)), 0);
    assert_eq!(
        coverage.count(&path(Place::Refused, Some(Reason::AppSyncWithGce))),
        0
    );
}

#[test]
fn a_rejection_for_a_by_reference_proposal_is_counted_from_a_real_replay() {
    // `by-reference`: the adversary commits a cached AppSync for an id
    // without an entry by reference; honest mls-rs receivers reject the
    // commit (R3), as the model does, and the path is told apart from a
    // rejection for a by-value proposal.
    let report = exhaustive::run(&presets::BY_REFERENCE.config(), &honest_rules(), |_| {})
        .unwrap_or_else(|e| panic!("{e}"));
    let coverage = &report.coverage;
    let unknown = Some(Reason::UnknownApplicationId);
    assert!(
        coverage.count(&path(Place::RejectedByReference, unknown)) > 0,
        "{coverage:?}"
    );
    assert!(
        coverage.count(&path(Place::RejectedCommit, unknown)) > 0,
        "{coverage:?}"
    );
    // Every other forgery carries its proposals by value.
    for reason in [Reason::AppSyncWithGce, Reason::DuplicateApplicationId] {
        assert_eq!(
            coverage.count(&path(Place::RejectedByReference, Some(reason))),
            0
        );
    }
}
