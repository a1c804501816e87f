//! Each seeded fault really changes behaviour: a faulty member decides
//! differently from an honest one on the same message.
#![cfg(feature = "fault-injection")]

mod common;

use common::{Members, group_with_rules, snapshot, states};
use mls_appsync::fault::Fault;
use mls_appsync::forge::{ForgeryKind, external_commit_with_app_sync, forge_commit};
use mls_appsync::mls_rs::MlsMessage;
use mls_appsync::{
    AppSync, AppSyncGroupExt, AppSyncRules, RejectionReason, UnknownIdPolicy, WireFormatPolicy,
    WrapsAppSyncRules,
};

const HONEST: usize = 1;
const FAULTY: usize = 2;

/// Member 0 (forger or committer), member 1 honest, member 2 with `fault`.
fn members(fault: Fault, policy: UnknownIdPolicy) -> Members {
    let rules = || AppSyncRules::new().with_unknown_id_policy(policy);
    let m = group_with_rules(
        vec![rules(), rules(), rules().with_fault(fault)],
        states(&[(1, b"a"), (2, b"b")]),
        vec![],
    );
    assert_eq!(
        m.clients[FAULTY].rules().app_sync_rules().fault(),
        Some(fault)
    );
    m.set_wire_format(WireFormatPolicy::Public);
    m
}

/// The honest member rejects with `reason`; the faulty one accepts.
fn honest_rejects_faulty_accepts(m: &mut Members, message: &MlsMessage, reason: RejectionReason) {
    let before = snapshot(&m.groups[HONEST]);
    let rejected = m.groups[HONEST].process(message.clone()).unwrap_err();
    assert_eq!(rejected.reason, reason, "{}", rejected.error);
    assert_eq!(snapshot(&m.groups[HONEST]), before);
    m.groups[FAULTY]
        .process(message.clone())
        .expect("faulty member accepts");
    assert_eq!(m.groups[FAULTY].current_epoch(), before.epoch + 1);
}

/// The honest member accepts; the faulty one rejects with `reason`.
fn honest_accepts_faulty_rejects(m: &mut Members, message: &MlsMessage, reason: RejectionReason) {
    m.groups[HONEST]
        .process(message.clone())
        .expect("honest member accepts");
    let before = snapshot(&m.groups[FAULTY]);
    let rejected = m.groups[FAULTY].process(message.clone()).unwrap_err();
    assert_eq!(rejected.reason, reason, "{}", rejected.error);
    assert_eq!(snapshot(&m.groups[FAULTY]), before);
}

#[test]
fn accept_app_sync_with_gce() {
    let mut m = members(Fault::AcceptAppSyncWithGce, UnknownIdPolicy::Reject);
    let forged = forge_commit(
        m.clients[0].rules(),
        &mut m.groups[0],
        ForgeryKind::AppSyncWithGce,
    )
    .unwrap();
    honest_rejects_faulty_accepts(&mut m, &forged, RejectionReason::AppSyncWithGce);
}

#[test]
fn accept_duplicate_ids() {
    let mut m = members(Fault::AcceptDuplicateIds, UnknownIdPolicy::Reject);
    let forged = forge_commit(
        m.clients[0].rules(),
        &mut m.groups[0],
        ForgeryKind::DuplicateId,
    )
    .unwrap();
    honest_rejects_faulty_accepts(&mut m, &forged, RejectionReason::DuplicateApplicationId);
    assert_eq!(
        m.groups[FAULTY].application_states().unwrap(),
        states(&[(1, b"forged-second"), (2, b"b")])
    );
}

#[test]
fn accept_unknown_id() {
    let mut m = members(Fault::AcceptUnknownId, UnknownIdPolicy::Reject);
    let forged = forge_commit(
        m.clients[0].rules(),
        &mut m.groups[0],
        ForgeryKind::UnknownId,
    )
    .unwrap();
    honest_rejects_faulty_accepts(&mut m, &forged, RejectionReason::UnknownApplicationId);
    assert_eq!(m.groups[FAULTY].application_states().unwrap().len(), 3);
}

#[test]
fn apply_in_reverse_order() {
    // Order only shows when it changes the result: new entries are appended.
    let mut m = members(Fault::ApplyInReverseOrder, UnknownIdPolicy::Create);
    let commit = m.groups[0]
        .commit_app_syncs(&[
            AppSync::new(10, b"x".to_vec()),
            AppSync::new(11, b"y".to_vec()),
        ])
        .unwrap();
    honest_accepts_faulty_rejects(
        &mut m,
        &commit.output.commit_message,
        RejectionReason::StateMismatch,
    );
    assert_eq!(
        m.groups[HONEST].application_states().unwrap(),
        states(&[(1, b"a"), (2, b"b"), (10, b"x"), (11, b"y")])
    );
}

#[test]
fn accept_unauthorized_sender() {
    let mut m = members(Fault::AcceptUnauthorizedSender, UnknownIdPolicy::Reject);
    let outsider = common::client("outsider", AppSyncRules::new());
    let group_info = m.groups[0]
        .group_info_message_allowing_ext_commit(true)
        .unwrap();
    let (_, commit) = external_commit_with_app_sync(
        &outsider,
        group_info,
        &AppSync::new(2, b"outsider".to_vec()),
    )
    .unwrap();
    honest_rejects_faulty_accepts(&mut m, &commit, RejectionReason::UnauthorizedSender);
    assert_eq!(
        m.groups[FAULTY].application_states().unwrap(),
        states(&[(1, b"a"), (2, b"outsider")])
    );
}

#[test]
fn skip_apply() {
    let mut m = members(Fault::SkipApply, UnknownIdPolicy::Reject);
    let commit = m.groups[0]
        .commit_app_syncs(&[AppSync::new(1, b"z".to_vec())])
        .unwrap();
    honest_accepts_faulty_rejects(
        &mut m,
        &commit.output.commit_message,
        RejectionReason::StateMismatch,
    );
}

#[test]
fn faulty_committer_is_caught_by_honest_receivers() {
    // Send side: a committer with SkipApply produces commits honest members reject.
    let rules = || AppSyncRules::new();
    let mut m = group_with_rules(
        vec![rules().with_fault(Fault::SkipApply), rules(), rules()],
        states(&[(1, b"a")]),
        vec![],
    );
    let commit = m.groups[0]
        .commit_app_syncs(&[AppSync::new(1, b"b".to_vec())])
        .unwrap();
    m.all_reject(
        0,
        &commit.output.commit_message,
        RejectionReason::StateMismatch,
    );
}
