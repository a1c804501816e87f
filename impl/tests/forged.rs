//! Honest receivers reject commits and proposals that break the rules, made
//! by a forging adversary that skips the Send-side rules. After each
//! rejection the receivers' state is unchanged and the group goes on.

mod common;

use common::{Members, group, group_with_rules, snapshot, states};
use mls_appsync::constants::DEFAULT_CIPHER_SUITE;
use mls_appsync::forge::{
    ForgedSender, ForgeryKind, external_commit_with_app_sync, forge_commit, forge_commit_pending,
    unauthorized_app_sync_proposal,
};
use mls_appsync::mls_rs::group::Sender;
use mls_appsync::{
    AppSync, AppSyncClient, AppSyncError, AppSyncGroupExt, AppSyncRules, ExternalSender,
    RejectionReason, WireFormatPolicy, app_sync_error,
};

/// The group still works: member 1 commits a valid AppSync, everyone
/// (including the forger, whose forged commit was never applied) follows.
fn next_valid_commit_works(m: &mut Members) {
    let before = m.assert_agree();
    let commit = m.groups[1]
        .commit_app_syncs(&[AppSync::new(1, b"valid".to_vec())])
        .unwrap();
    m.deliver(1, &commit.output.commit_message);
    let after = m.assert_agree();
    assert_eq!(after.epoch, before.epoch + 1);
    assert_eq!(
        after.states[0],
        mls_appsync::ApplicationState::new(1, b"valid".to_vec())
    );
}

fn reject_forgery(kind: ForgeryKind, reason: RejectionReason, policy: WireFormatPolicy) {
    let mut m = group(3, states(&[(1, b"a"), (2, b"b")]));
    m.set_wire_format(policy);
    let forged = forge_commit(m.clients[0].rules(), &mut m.groups[0], kind).unwrap();
    m.all_reject(0, &forged, reason);
    next_valid_commit_works(&mut m);
}

#[test]
fn app_sync_with_gce_is_rejected() {
    for policy in [WireFormatPolicy::Public, WireFormatPolicy::Private] {
        reject_forgery(
            ForgeryKind::AppSyncWithGce,
            RejectionReason::AppSyncWithGce,
            policy,
        );
    }
}

#[test]
fn two_app_syncs_for_one_id_are_rejected() {
    for policy in [WireFormatPolicy::Public, WireFormatPolicy::Private] {
        reject_forgery(
            ForgeryKind::DuplicateId,
            RejectionReason::DuplicateApplicationId,
            policy,
        );
    }
}

#[test]
fn unknown_id_is_rejected() {
    for policy in [WireFormatPolicy::Public, WireFormatPolicy::Private] {
        reject_forgery(
            ForgeryKind::UnknownId,
            RejectionReason::UnknownApplicationId,
            policy,
        );
    }
}

#[test]
fn app_sync_the_committer_did_not_apply_is_rejected() {
    for policy in [WireFormatPolicy::Public, WireFormatPolicy::Private] {
        reject_forgery(
            ForgeryKind::UnappliedAppSync,
            RejectionReason::StateMismatch,
            policy,
        );
    }
}

#[test]
fn malformed_app_sync_body_is_rejected() {
    reject_forgery(
        ForgeryKind::MalformedBody,
        RejectionReason::MalformedAppSync,
        WireFormatPolicy::Public,
    );
}

#[test]
fn rejection_carries_the_typed_error() {
    let mut m = group(3, states(&[(1, b"a")]));
    let forged = forge_commit(
        m.clients[0].rules(),
        &mut m.groups[0],
        ForgeryKind::UnknownId,
    )
    .unwrap();
    let rejected = m.groups[1].process(forged).unwrap_err();
    assert_eq!(
        app_sync_error(&rejected.error),
        Some(AppSyncError::UnknownApplicationId { application_id: 0 })
    );
}

#[test]
fn groups_differing_only_in_application_states_have_different_keys() {
    // R9. Two copies of one member commit the same AppSync from the same
    // state; one applies it, the other (forging) does not. The commits have
    // the same content and signature, so the two next GroupContexts differ
    // only in application_states.
    let m = group(3, states(&[(1, b"a")]));
    m.set_wire_format(WireFormatPolicy::Public);
    let mut honest = m.groups[0].clone();
    let mut forger = m.groups[0].clone();
    let payload = ForgeryKind::UnappliedAppSync
        .payload(&honest.application_states().unwrap())
        .unwrap();
    let honest_commit = honest.commit_app_syncs(&payload).unwrap();
    let forged = forge_commit_pending(
        m.clients[0].rules(),
        &mut forger,
        ForgeryKind::UnappliedAppSync,
    )
    .unwrap();
    forger.apply_pending_commit().unwrap();
    // Same framed content (same proposals, no path) up to the signature.
    let (hb, fb) = (
        honest_commit.output.commit_message.to_bytes().unwrap(),
        forged.to_bytes().unwrap(),
    );
    let tags = 2 * (1 + 32); // confirmation tag and membership tag, 32-byte MACs
    assert_eq!(hb.len(), fb.len());
    assert_eq!(hb[..hb.len() - tags], fb[..fb.len() - tags]);

    let (h, f) = (honest.context(), forger.context());
    assert_eq!(h.group_id, f.group_id);
    assert_eq!(h.epoch, f.epoch);
    assert_eq!(h.tree_hash, f.tree_hash);
    assert_eq!(h.confirmed_transcript_hash, f.confirmed_transcript_hash);
    assert_ne!(h.extensions, f.extensions);
    assert_eq!(
        honest.application_states().unwrap(),
        states(&[(1, b"forged-unapplied")])
    );
    assert_eq!(forger.application_states().unwrap(), states(&[(1, b"a")]));
    assert_ne!(
        honest.epoch_authenticator_bytes().unwrap(),
        forger.epoch_authenticator_bytes().unwrap()
    );
}

#[test]
fn proposal_from_unlisted_external_sender_is_rejected() {
    let listed = ExternalSender::new("listed", AppSyncRules::new(), DEFAULT_CIPHER_SUITE).unwrap();
    let rules = || AppSyncRules::new();
    let mut m = group_with_rules(
        vec![rules(), rules(), rules()],
        states(&[(1, b"a")]),
        vec![listed.signing_identity().clone()],
    );
    let group_id = m.groups[0].group_id().to_vec();
    let epoch = m.groups[0].current_epoch();
    // Claims to be external_senders[0] (listed) but signs with another key:
    // the signature fails. Claims an index past the list: no key to check
    // against. Neither is authenticated, so neither is blamed on a sender.
    // Claims to be a prospective member: RFC 9420 lets that sender propose
    // only Add, so the framing itself is invalid.
    for (sender, reason) in [
        (
            ForgedSender::External(0),
            RejectionReason::AuthenticationFailure,
        ),
        (
            ForgedSender::External(7),
            RejectionReason::AuthenticationFailure,
        ),
        (
            ForgedSender::NewMemberProposal,
            RejectionReason::MalformedMessage,
        ),
    ] {
        let app_sync = AppSync::new(1, b"evil".to_vec());
        let forged = unauthorized_app_sync_proposal(
            &group_id,
            epoch,
            DEFAULT_CIPHER_SUITE,
            sender,
            &app_sync,
        )
        .unwrap();
        m.all_reject(usize::MAX, &forged, reason);
        assert!(m.groups[0].get_cached_proposals().is_empty());
    }
    next_valid_commit_works(&mut m);
}

#[test]
fn unlisted_external_sender_cannot_even_build_a_proposal_with_mls_rs() {
    let unlisted =
        ExternalSender::new("unlisted", AppSyncRules::new(), DEFAULT_CIPHER_SUITE).unwrap();
    let m = group(3, states(&[(1, b"a")]));
    let mut observer = unlisted
        .observe(m.groups[0].group_info_message(true).unwrap())
        .unwrap();
    let result = mls_appsync::external::propose_app_sync_external(
        &mut observer,
        &AppSync::new(1, b"x".to_vec()),
    );
    assert!(result.is_err());
}

#[test]
fn external_commit_carrying_app_sync_is_rejected() {
    let mut m = group(3, states(&[(1, b"a")]));
    m.set_wire_format(WireFormatPolicy::Public);
    let outsider = common::client("outsider", AppSyncRules::new());
    let group_info = m.groups[0]
        .group_info_message_allowing_ext_commit(true)
        .unwrap();
    let (_, commit) =
        external_commit_with_app_sync(&outsider, group_info, &AppSync::new(1, b"mine".to_vec()))
            .unwrap();
    m.all_reject(usize::MAX, &commit, RejectionReason::UnauthorizedSender);
    let rejected = m.groups[0].process(commit).unwrap_err();
    assert_eq!(
        app_sync_error(&rejected.error),
        Some(AppSyncError::UnauthorizedSender {
            sender: Sender::NewMemberCommit
        })
    );
    next_valid_commit_works(&mut m);
}

#[test]
fn honest_outsider_cannot_commit_app_sync_externally() {
    // Without forging, the outsider's own rules refuse (R7 on Send).
    let m = group(3, states(&[(1, b"a")]));
    let outsider = AppSyncClient::new("outsider").unwrap();
    let group_info = m.groups[0]
        .group_info_message_allowing_ext_commit(true)
        .unwrap();
    let proposal =
        mls_appsync::proposal::to_custom_proposal(&AppSync::new(1, b"x".to_vec())).unwrap();
    let error = outsider
        .mls_client()
        .external_commit_builder()
        .unwrap()
        .with_custom_proposal(proposal)
        .build(group_info)
        .err()
        .expect("must fail");
    assert_eq!(
        app_sync_error(&error),
        Some(AppSyncError::UnauthorizedSender {
            sender: Sender::NewMemberCommit
        })
    );
}

#[test]
fn message_from_an_old_epoch_is_a_wrong_epoch() {
    let mut m = group(3, states(&[(1, b"a")]));
    m.set_wire_format(WireFormatPolicy::Public);
    let stale = m.groups[2].clone();
    let first = m.groups[0]
        .commit_app_syncs(&[AppSync::new(1, b"b".to_vec())])
        .unwrap();
    m.deliver(0, &first.output.commit_message);
    let mut stale = stale;
    let old = stale
        .commit_app_syncs(&[AppSync::new(1, b"c".to_vec())])
        .unwrap();
    let before = snapshot(&m.groups[1]);
    let rejected = m.groups[1].process(old.output.commit_message).unwrap_err();
    assert_eq!(
        rejected.reason,
        RejectionReason::WrongEpoch,
        "{}",
        rejected.error
    );
    assert_eq!(snapshot(&m.groups[1]), before);
}

fn custom(app_syncs: &[AppSync]) -> Vec<mls_appsync::mls_rs::group::proposal::CustomProposal> {
    app_syncs
        .iter()
        .map(|a| mls_appsync::proposal::to_custom_proposal(a).unwrap())
        .collect()
}

#[test]
fn first_violated_rule_is_reported() {
    use mls_appsync::forge::{ForgedCommit, forge_custom_commit};
    let cases = [
        // Duplicate id before unknown id.
        (
            ForgedCommit {
                proposals: custom(&[AppSync::new(5, vec![]), AppSync::new(5, vec![1])]),
                group_context_extensions: None,
                apply: true,
                create_unknown_ids: true,
                by_reference: None,
            },
            RejectionReason::DuplicateApplicationId,
        ),
        // Unknown id before GroupContextExtensions.
        (
            ForgedCommit {
                proposals: custom(&[AppSync::new(5, vec![])]),
                group_context_extensions: Some(Default::default()),
                apply: true,
                create_unknown_ids: true,
                by_reference: None,
            },
            RejectionReason::UnknownApplicationId,
        ),
        // Malformed body before everything else.
        (
            ForgedCommit {
                proposals: {
                    let mut p = custom(&[AppSync::new(1, vec![]), AppSync::new(1, vec![])]);
                    p.push(mls_appsync::mls_rs::group::proposal::CustomProposal::new(
                        mls_appsync::constants::APP_SYNC_PROPOSAL_TYPE,
                        vec![],
                    ));
                    p
                },
                group_context_extensions: None,
                apply: true,
                create_unknown_ids: true,
                by_reference: None,
            },
            RejectionReason::MalformedAppSync,
        ),
    ];
    let mut m = group(3, states(&[(1, b"a")]));
    for (forgery, reason) in cases {
        let forged = forge_custom_commit(m.clients[0].rules(), &mut m.groups[0], &forgery).unwrap();
        m.all_reject(0, &forged, reason);
    }
    next_valid_commit_works(&mut m);
}

#[test]
fn forged_commit_the_rules_would_accept_is_accepted() {
    // Control for the forging committer: a valid AppSync, applied, passes.
    use mls_appsync::forge::{ForgedCommit, forge_custom_commit_pending};
    let mut m = group(3, states(&[(1, b"a")]));
    let forgery = ForgedCommit {
        proposals: custom(&[AppSync::new(1, b"ok".to_vec())]),
        group_context_extensions: None,
        apply: true,
        create_unknown_ids: true,
        by_reference: None,
    };
    let forged =
        forge_custom_commit_pending(m.clients[0].rules(), &mut m.groups[0], &forgery).unwrap();
    m.groups[0].apply_pending_commit().unwrap();
    m.deliver(0, &forged);
    assert_eq!(m.assert_agree().states, states(&[(1, b"ok")]));
}
