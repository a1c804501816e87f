//! Rejection reasons say what went wrong: a tampered message is an
//! authentication failure (never an unauthorized sender), a message of another
//! group is a wrong group, a commit that names a proposal the member never
//! received is an unknown proposal, bytes that are no message are a malformed
//! message, and an oversized state names its size and the limit.

mod common;

use common::{Members, fingerprint, group, states};
use mls_appsync::codec::{self, MAX_OPAQUE_LEN};
use mls_appsync::constants::APP_SYNC_PROPOSAL_TYPE;
use mls_appsync::mls_rs::MlsMessage;
use mls_appsync::mls_rs::group::proposal::CustomProposal;
use mls_appsync::{AppSync, AppSyncGroupExt, WireFormatPolicy};

fn fresh(policy: WireFormatPolicy) -> Members {
    let m = group(3, states(&[(1, b"a"), (2, b"b")]));
    m.set_wire_format(policy);
    m
}

/// Member 1's reason for `bytes`, which must be rejected, with its state
/// unchanged.
fn reason_for(m: &mut Members, bytes: &[u8]) -> &'static str {
    let before = fingerprint(&m.clients[1], &m.groups[1]);
    let rejected = m.groups[1]
        .process_bytes(bytes)
        .expect_err("must be rejected");
    assert_eq!(fingerprint(&m.clients[1], &m.groups[1]), before);
    rejected.reason.name()
}

fn commit_bytes(m: &mut Members) -> Vec<u8> {
    let commit = m.groups[0]
        .commit_app_syncs(&[AppSync::new(1, b"next".to_vec())])
        .unwrap();
    commit.output.commit_message.to_bytes().unwrap()
}

#[test]
fn a_flipped_bit_in_a_public_commit_is_an_authentication_failure() {
    let mut m = fresh(WireFormatPolicy::Public);
    let mut bytes = commit_bytes(&mut m);
    // A byte of the AppSync's new_state, inside the signed content.
    let at = bytes
        .windows(4)
        .position(|w| w == b"next")
        .expect("the state is in the clear");
    bytes[at] ^= 1;
    assert_eq!(reason_for(&mut m, &bytes), "authentication_failure");
}

#[test]
fn a_flipped_aead_tag_is_an_authentication_failure() {
    let mut m = fresh(WireFormatPolicy::Private);
    let mut bytes = commit_bytes(&mut m);
    *bytes.last_mut().unwrap() ^= 1;
    assert_eq!(reason_for(&mut m, &bytes), "authentication_failure");
}

#[test]
fn a_message_of_another_group_is_a_wrong_group() {
    let mut m = fresh(WireFormatPolicy::Public);
    let mut other = fresh(WireFormatPolicy::Public);
    let bytes = commit_bytes(&mut other);
    assert_eq!(reason_for(&mut m, &bytes), "wrong_group");
}

#[test]
fn a_commit_naming_a_proposal_never_received_is_an_unknown_proposal() {
    let mut m = fresh(WireFormatPolicy::Public);
    // Member 0 proposes, but the proposal never reaches member 1.
    m.groups[0]
        .propose_app_sync(&AppSync::new(2, b"lost".to_vec()))
        .unwrap();
    let commit = m.groups[0].commit_app_syncs(&[]).unwrap();
    let bytes = commit.output.commit_message.to_bytes().unwrap();
    assert_eq!(reason_for(&mut m, &bytes), "unknown_proposal");
}

#[test]
fn bytes_that_are_no_message_are_a_malformed_message() {
    let mut m = fresh(WireFormatPolicy::Public);
    let mut bytes = commit_bytes(&mut m);
    bytes.truncate(bytes.len() / 2);
    assert_eq!(reason_for(&mut m, &bytes), "malformed_message");
    assert_eq!(reason_for(&mut m, &[0xff; 3]), "malformed_message");
    // A key package is a message, but not one a group processes.
    let key_package = m.clients[0].key_package().unwrap().to_bytes().unwrap();
    assert_eq!(reason_for(&mut m, &key_package), "malformed_message");
}

#[test]
fn a_malformed_app_sync_proposal_is_rejected_on_arrival() {
    for policy in [WireFormatPolicy::Public, WireFormatPolicy::Private] {
        let mut m = fresh(policy);
        // A uint32 id and no state: not an AppSync.
        let proposal = m.groups[0]
            .propose_custom(
                CustomProposal::new(APP_SYNC_PROPOSAL_TYPE, vec![0, 0, 0, 1]),
                Vec::new(),
            )
            .unwrap();
        let bytes = proposal.to_bytes().unwrap();
        assert_eq!(
            reason_for(&mut m, &bytes),
            "malformed_app_sync",
            "{policy:?}"
        );
        // The sender's commit covers it by reference (mls-rs always commits
        // the committer's own cached proposals): the honest committer drops
        // it on Send, so its commit is empty, and every member follows.
        let commit = m.groups[0].commit_app_syncs(&[]).unwrap();
        assert!(commit.app_syncs.is_empty());
        m.deliver(0, &commit.output.commit_message);
        m.assert_agree();
    }
}

#[test]
fn a_forged_commit_covering_a_rejected_proposal_is_rejected_by_everyone() {
    use mls_appsync::forge::{ForgedCommit, forge_custom_commit};
    let mut m = fresh(WireFormatPolicy::Public);
    let proposal = m.groups[0]
        .propose_custom(
            CustomProposal::new(APP_SYNC_PROPOSAL_TYPE, vec![0, 0, 0, 1]),
            Vec::new(),
        )
        .unwrap();
    for i in 1..3 {
        assert!(m.groups[i].process(proposal.clone()).is_err());
    }
    // A forging committer keeps its own malformed proposal by reference.
    let forged = forge_custom_commit(
        m.clients[0].rules(),
        &mut m.groups[0],
        &ForgedCommit::default(),
    )
    .unwrap();
    let bytes = forged.to_bytes().unwrap();
    for i in 1..3 {
        let rejected = m.groups[i].process_bytes(&bytes).expect_err("rejected");
        assert_eq!(rejected.reason.name(), "unknown_proposal", "member {i}");
    }
}

#[test]
fn an_oversized_state_names_its_size_and_the_limit() {
    // calloc'd and never touched: the check must come before any copy.
    let size = MAX_OPAQUE_LEN + 1;
    let sync = AppSync::new(1, vec![0u8; size]);
    let error = codec::encode(&sync).expect_err("too large for opaque<V>");
    let text = error.to_string();
    assert!(text.contains(&size.to_string()), "{text}");
    assert!(text.contains(&MAX_OPAQUE_LEN.to_string()), "{text}");
}

#[test]
fn no_rejection_of_a_member_message_blames_an_unauthorized_sender() {
    // Every single-bit flip of the first 64 bytes (framing, group id, epoch,
    // sender) of a public commit: whatever the reason, never the sender's.
    let mut m = fresh(WireFormatPolicy::Public);
    let bytes = commit_bytes(&mut m);
    for bit in 0..64 * 8 {
        let mut tampered = bytes.clone();
        tampered[bit / 8] ^= 1 << (bit % 8);
        if let Ok(rejected) = m.groups[1].clone().process_bytes(&tampered).map(|_| ()) {
            panic!("bit {bit}: tampered commit accepted: {rejected:?}");
        }
        let reason = m.groups[1]
            .clone()
            .process_bytes(&tampered)
            .expect_err("rejected")
            .reason
            .name();
        assert_ne!(reason, "unauthorized_sender", "bit {bit}");
    }
    let _ = MlsMessage::from_bytes(&bytes).unwrap();
}
