//! Rule-path coverage: the counts come from a real replay, and a required
//! path that no run takes is reported.

use appsync_checks::conformance::coverage::{Coverage, Place, REQUIRED, RulePath};
use appsync_checks::conformance::{exhaustive, honest_rules};
use appsync_model::{AppSyncConfig, Reason, presets};

fn path(place: Place, reason: Option<Reason>) -> RulePath {
    RulePath::new(place, reason)
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

#[test]
fn each_undecodable_app_sync_takes_its_own_codec_error_path() {
    // The adversary's bytes for each defect (the harness's `Forge`) fail
    // the codec's in-place reader with the error the harness expects of
    // that defect, and with no other defect's error; the four use the four
    // sizes of the length prefix (1, 2, 4 and 8 bytes).
    use appsync_checks::conformance::step::codec_error_of;
    use appsync_checks::conformance::world::undecodable_app_sync;
    use appsync_model::AppSyncDefect;
    use mls_appsync::codec::read_app_sync;
    let mut prefix_sizes = Vec::new();
    for defect in AppSyncDefect::ALL {
        let bytes = undecodable_app_sync(defect);
        let error = read_app_sync(&bytes).expect_err("does not decode");
        assert!(codec_error_of(defect, &error), "{defect:?}: {error:?}");
        let same_kind = |other: AppSyncDefect| {
            matches!(
                (defect, other),
                (
                    AppSyncDefect::NonMinimalLength | AppSyncDefect::TooLongLength,
                    AppSyncDefect::NonMinimalLength | AppSyncDefect::TooLongLength
                )
            ) || defect == other
        };
        for other in AppSyncDefect::ALL.into_iter().filter(|o| !same_kind(*o)) {
            assert!(!codec_error_of(other, &error), "{defect:?} as {other:?}");
        }
        // The id, then the length prefix: its top two bits give its size.
        prefix_sizes.push(1usize << (bytes[4] >> 6));
    }
    prefix_sizes.sort_unstable();
    assert_eq!(prefix_sizes, [1, 2, 4, 8]);
}

#[test]
fn the_undecodable_app_syncs_are_counted_per_codec_error_from_a_real_replay() {
    // `by-reference`: the adversary forges an AppSync whose bytes do not
    // decode, one forgery per defect; honest mls-rs receivers reject the
    // commit (R2) with the codec error of that defect, as checked at every
    // step, and each defect is its own path.
    use appsync_model::AppSyncDefect;
    let report = exhaustive::run(&presets::BY_REFERENCE.config(), &honest_rules(), |_| {})
        .unwrap_or_else(|e| panic!("{e}"));
    for defect in AppSyncDefect::ALL {
        let path = RulePath::undecodable(defect);
        assert!(report.coverage.count(&path) > 0, "{defect:?}");
        assert_eq!(RulePath::from_description(&path.describe()), Some(path));
    }
    // Every rejection for R2 is counted with its defect.
    assert_eq!(
        report
            .coverage
            .count(&path(Place::RejectedCommit, Some(Reason::MalformedAppSync))),
        0
    );
}

#[test]
fn the_committers_own_gce_drops_cached_app_syncs_in_a_real_replay() {
    // `rule-paths` offers a member's own GroupContextExtensions proposal by
    // value, alone: next to cached AppSyncs the committer drops them (R4),
    // next to a cached GroupContextExtensions proposal it is the commit's
    // one (RFC 9420), on mls-rs as in the model.
    let cfg = AppSyncConfig {
        application_ids: 1,
        max_in_flight: 1,
        ..presets::RULE_PATHS.config()
    };
    let report = exhaustive::run(&cfg, &honest_rules(), |_| {}).unwrap_or_else(|e| panic!("{e}"));
    let own_gce = path(Place::DroppedForOwnGce, Some(Reason::AppSyncWithGce));
    assert!(report.coverage.count(&own_gce) > 0, "{:?}", report.coverage);
    assert_eq!(
        RulePath::from_description(&own_gce.describe()),
        Some(own_gce)
    );
}
