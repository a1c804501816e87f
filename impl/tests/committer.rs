//! A conforming committer refuses to build an invalid commit from its own
//! (by-value) proposals, and drops invalid by-reference proposals without
//! blocking the valid ones.

mod common;

use common::{Members, group, snapshot, states};
use mls_appsync::constants::APP_SYNC_PROPOSAL_TYPE;
use mls_appsync::mls_rs::ExtensionList;
use mls_appsync::mls_rs::error::MlsError;
use mls_appsync::mls_rs::group::proposal::CustomProposal;
use mls_appsync::proposal::to_custom_proposal;
use mls_appsync::{
    AppSync, AppSyncError, AppSyncGroupExt, AppSyncRules, RejectionReason, app_sync_error,
};

fn refused(
    m: &mut Members,
    build: impl FnOnce(&mut common::Group) -> Result<(), MlsError>,
) -> AppSyncError {
    let before = snapshot(&m.groups[0]);
    let error = build(&mut m.groups[0]).expect_err("commit must be refused");
    assert!(!m.groups[0].has_pending_commit());
    assert_eq!(snapshot(&m.groups[0]), before);
    app_sync_error(&error).unwrap_or_else(|| panic!("not an AppSync error: {error}"))
}

#[test]
fn by_value_app_sync_with_gce_is_refused() {
    let mut m = group(3, states(&[(1, b"a")]));
    let error = refused(&mut m, |g| {
        let extensions: ExtensionList = g.context().extensions.clone();
        g.commit_builder()
            .custom_proposal(to_custom_proposal(&AppSync::new(1, b"b".to_vec())).unwrap())
            .set_group_context_ext(extensions)?
            .build()
            .map(|_| ())
    });
    assert_eq!(error, AppSyncError::AppSyncWithGroupContextExtensions);
}

#[test]
fn by_value_duplicate_id_is_refused() {
    let mut m = group(3, states(&[(1, b"a")]));
    let error = refused(&mut m, |g| {
        g.commit_app_syncs(&[
            AppSync::new(1, b"b".to_vec()),
            AppSync::new(1, b"c".to_vec()),
        ])
        .map(|_| ())
    });
    assert_eq!(
        error,
        AppSyncError::DuplicateApplicationId { application_id: 1 }
    );
}

#[test]
fn by_value_unknown_id_is_refused() {
    let mut m = group(3, states(&[(1, b"a")]));
    let error = refused(&mut m, |g| {
        g.commit_app_syncs(&[AppSync::new(2, b"b".to_vec())])
            .map(|_| ())
    });
    assert_eq!(
        error,
        AppSyncError::UnknownApplicationId { application_id: 2 }
    );
}

#[test]
fn by_value_malformed_body_is_refused() {
    let mut m = group(3, states(&[(1, b"a")]));
    let error = refused(&mut m, |g| {
        g.commit_builder()
            .custom_proposal(CustomProposal::new(APP_SYNC_PROPOSAL_TYPE, vec![0, 0, 1]))
            .build()
            .map(|_| ())
    });
    assert!(matches!(error, AppSyncError::MalformedAppSync(_)));
}

#[test]
fn group_without_the_extension_has_no_known_ids() {
    let client = mls_appsync::AppSyncClient::new("solo").unwrap();
    // A plain group with no application_states extension at all.
    let mut g = client
        .mls_client()
        .create_group(ExtensionList::new(), ExtensionList::new(), None)
        .unwrap();
    assert_eq!(g.application_states().unwrap(), vec![]);
    let error = g
        .commit_app_syncs(&[AppSync::new(1, b"x".to_vec())])
        .unwrap_err();
    assert_eq!(
        app_sync_error(&error),
        Some(AppSyncError::UnknownApplicationId { application_id: 1 })
    );

    // Under the "create" reading the first AppSync adds the extension.
    let client = mls_appsync::AppSyncClient::builder("solo-create")
        .rules(AppSyncRules::new().with_unknown_id_policy(mls_appsync::UnknownIdPolicy::Create))
        .build()
        .unwrap();
    let mut g = client
        .mls_client()
        .create_group(ExtensionList::new(), ExtensionList::new(), None)
        .unwrap();
    g.commit_app_syncs(&[AppSync::new(1, b"x".to_vec())])
        .unwrap();
    assert_eq!(g.application_states().unwrap(), states(&[(1, b"x")]));
}

/// Member `from` proposes `app_sync` by reference; everyone caches it.
fn cache(m: &mut Members, from: usize, app_sync: AppSync) {
    let proposal = m.groups[from].propose_app_sync(&app_sync).unwrap();
    m.deliver(from, &proposal);
}

#[test]
fn invalid_by_reference_proposals_are_dropped_and_the_valid_one_committed() {
    let mut m = group(4, states(&[(1, b"a"), (2, b"b")]));
    cache(&mut m, 1, AppSync::new(99, b"unknown".to_vec()));
    cache(&mut m, 2, AppSync::new(2, b"valid".to_vec()));
    // A malformed AppSync is rejected on arrival: it never enters a cache
    // but its sender's.
    let malformed = m.groups[3]
        .propose_custom(
            CustomProposal::new(APP_SYNC_PROPOSAL_TYPE, vec![1, 2, 3]),
            vec![],
        )
        .unwrap();
    for outcome in m.try_deliver(3, &malformed) {
        let rejected = outcome.expect_err("rejected on arrival");
        assert_eq!(rejected.reason, RejectionReason::MalformedAppSync);
    }

    let commit = m.groups[0].commit_app_syncs(&[]).unwrap();
    assert_eq!(commit.app_syncs, vec![AppSync::new(2, b"valid".to_vec())]);
    assert_eq!(commit.output.unused_proposals().len(), 1);
    m.deliver(0, &commit.output.commit_message);
    assert_eq!(m.assert_agree().states, states(&[(1, b"a"), (2, b"valid")]));
}

#[test]
fn own_malformed_proposal_is_dropped_by_its_sender_when_committing() {
    let mut m = group(3, states(&[(1, b"a")]));
    m.groups[2]
        .propose_custom(CustomProposal::new(APP_SYNC_PROPOSAL_TYPE, vec![1]), vec![])
        .unwrap();
    let commit = m.groups[2]
        .commit_app_syncs(&[AppSync::new(1, b"ok".to_vec())])
        .unwrap();
    assert_eq!(commit.app_syncs, vec![AppSync::new(1, b"ok".to_vec())]);
    assert_eq!(commit.output.unused_proposals().len(), 1);
    m.deliver(2, &commit.output.commit_message);
    assert_eq!(m.assert_agree().states, states(&[(1, b"ok")]));
}

#[test]
fn duplicate_by_reference_ids_keep_the_lowest_sender() {
    let mut m = group(4, states(&[(1, b"a")]));
    cache(&mut m, 3, AppSync::new(1, b"from-3".to_vec()));
    cache(&mut m, 2, AppSync::new(1, b"from-2".to_vec()));
    let commit = m.groups[1].commit_app_syncs(&[]).unwrap();
    assert_eq!(commit.app_syncs, vec![AppSync::new(1, b"from-2".to_vec())]);
    m.deliver(1, &commit.output.commit_message);
    assert_eq!(m.assert_agree().states, states(&[(1, b"from-2")]));
}

#[test]
fn own_by_value_app_sync_wins_over_cached_one_for_the_same_id() {
    let mut m = group(3, states(&[(1, b"a"), (2, b"b")]));
    cache(&mut m, 1, AppSync::new(1, b"cached".to_vec()));
    cache(&mut m, 2, AppSync::new(2, b"other".to_vec()));
    let commit = m.groups[0]
        .commit_app_syncs(&[AppSync::new(1, b"own".to_vec())])
        .unwrap();
    assert_eq!(
        commit.app_syncs,
        vec![
            AppSync::new(2, b"other".to_vec()),
            AppSync::new(1, b"own".to_vec())
        ]
    );
    m.deliver(0, &commit.output.commit_message);
    assert_eq!(
        m.assert_agree().states,
        states(&[(1, b"own"), (2, b"other")])
    );
}

#[test]
fn cached_gce_is_dropped_next_to_an_app_sync() {
    let mut m = group(3, states(&[(1, b"a")]));
    let extensions = m.groups[1].context().extensions.clone();
    let gce = m.groups[1]
        .propose_group_context_extensions(extensions, vec![])
        .unwrap();
    m.deliver(1, &gce);
    cache(&mut m, 2, AppSync::new(1, b"b".to_vec()));
    let commit = m.groups[0].commit_app_syncs(&[]).unwrap();
    assert_eq!(commit.app_syncs, vec![AppSync::new(1, b"b".to_vec())]);
    assert_eq!(commit.output.unused_proposals().len(), 1);
    m.deliver(0, &commit.output.commit_message);
    assert_eq!(m.assert_agree().states, states(&[(1, b"b")]));
}

#[test]
fn own_gce_wins_over_cached_app_syncs() {
    let mut m = group(3, states(&[(1, b"a")]));
    cache(&mut m, 2, AppSync::new(1, b"cached".to_vec()));
    let before = m.assert_agree();
    let extensions = m.groups[0].context().extensions.clone();
    let output = common::commit_extensions(&mut m.groups[0], extensions);
    assert_eq!(output.unused_proposals().len(), 1);
    let outcomes = m.deliver(0, &output.commit_message);
    assert_eq!(common::committed(&outcomes), vec![vec![]; 2]);
    let after = m.assert_agree();
    assert_eq!(after.epoch, before.epoch + 1);
    assert_eq!(after.states, states(&[(1, b"a")]));
}

#[test]
fn a_proposal_dropped_now_does_not_block_later_commits() {
    let mut m = group(3, states(&[(1, b"a")]));
    cache(&mut m, 1, AppSync::new(5, b"unknown".to_vec()));
    for round in 0..2u8 {
        let commit = m.groups[2]
            .commit_app_syncs(&[AppSync::new(1, vec![round])])
            .unwrap();
        m.deliver(2, &commit.output.commit_message);
        assert_eq!(m.assert_agree().states, states(&[(1, &[round])]));
    }
}

#[test]
fn cached_gce_survives_when_the_app_sync_next_to_it_is_dropped() {
    // R4 only weighs AppSyncs that go into the commit: the unknown-id AppSync
    // is dropped first, so the cached GroupContextExtensions proposal stays.
    let mut m = group(3, states(&[(1, b"a")]));
    let mut extensions = m.groups[1].context().extensions.clone();
    extensions
        .set_from(mls_appsync::ApplicationStatesExtension::new(states(&[(
            1, b"by-gce",
        )])))
        .unwrap();
    let gce = m.groups[1]
        .propose_group_context_extensions(extensions, vec![])
        .unwrap();
    m.deliver(1, &gce);
    cache(&mut m, 2, AppSync::new(42, b"unknown".to_vec()));
    let commit = m.groups[0].commit_app_syncs(&[]).unwrap();
    assert_eq!(commit.app_syncs, vec![]);
    assert_eq!(commit.output.unused_proposals().len(), 1);
    m.deliver(0, &commit.output.commit_message);
    assert_eq!(m.assert_agree().states, states(&[(1, b"by-gce")]));
}

#[test]
fn own_gce_wins_over_a_cached_gce() {
    // RFC 9420, section 12.2: a proposal list is invalid if "It contains
    // multiple GroupContextExtensions proposals". No AppSync in the commit:
    // the committer's own by-value one is kept and the cached one dropped
    // (mls-rs 0.57 refused to build the commit before).
    let mut m = group(3, states(&[(1, b"a")]));
    let mut cached = m.groups[1].context().extensions.clone();
    cached
        .set_from(mls_appsync::ApplicationStatesExtension::new(states(&[(
            1, b"cached",
        )])))
        .unwrap();
    let gce = m.groups[1]
        .propose_group_context_extensions(cached, vec![])
        .unwrap();
    m.deliver(1, &gce);
    let mut own = m.groups[0].context().extensions.clone();
    own.set_from(mls_appsync::ApplicationStatesExtension::new(states(&[(
        1, b"own",
    )])))
    .unwrap();
    let output = common::commit_extensions(&mut m.groups[0], own);
    assert_eq!(output.unused_proposals().len(), 1);
    m.deliver(0, &output.commit_message);
    assert_eq!(m.assert_agree().states, states(&[(1, b"own")]));
}

#[test]
fn own_gce_wins_over_a_cached_gce_and_cached_app_syncs() {
    let mut m = group(3, states(&[(1, b"a")]));
    let extensions = m.groups[1].context().extensions.clone();
    let gce = m.groups[1]
        .propose_group_context_extensions(extensions, vec![])
        .unwrap();
    m.deliver(1, &gce);
    cache(&mut m, 2, AppSync::new(1, b"cached".to_vec()));
    let mut own = m.groups[0].context().extensions.clone();
    own.set_from(mls_appsync::ApplicationStatesExtension::new(states(&[(
        1, b"own",
    )])))
    .unwrap();
    let output = common::commit_extensions(&mut m.groups[0], own);
    assert_eq!(output.unused_proposals().len(), 2);
    let outcomes = m.deliver(0, &output.commit_message);
    assert_eq!(common::committed(&outcomes), vec![vec![]; 2]);
    assert_eq!(m.assert_agree().states, states(&[(1, b"own")]));
}
