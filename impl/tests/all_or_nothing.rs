//! All or nothing: a message a member rejects leaves it exactly as it was
//! (its whole mls-rs state, consumed message keys included), and the genuine
//! message that follows is processed as if the tampered one had never come.
//!
//! Each test tampers with one message of a three-member group in one of four
//! ways (flip the last byte, which is the AEAD tag of a PrivateMessage and the
//! membership tag of a member's PublicMessage; flip a byte in the middle;
//! drop the last byte; append a byte), delivers it to member 1, then delivers
//! the genuine message.

mod common;

use common::{Kind, fingerprint, genuine, group, snapshot, states};
use mls_appsync::mls_rs::MlsMessage;
use mls_appsync::{AppSync, AppSyncGroupExt, Processed, WireFormatPolicy};

/// The ways a message is tampered with on the network path.
const TAMPERS: [Tamper; 4] = [
    Tamper::FlipLastByte,
    Tamper::FlipMiddleByte,
    Tamper::Truncate,
    Tamper::Append,
];

#[derive(Clone, Copy, Debug)]
enum Tamper {
    FlipLastByte,
    FlipMiddleByte,
    Truncate,
    Append,
}

impl Tamper {
    fn apply(self, bytes: &[u8]) -> Vec<u8> {
        let mut out = bytes.to_vec();
        let last = out.len() - 1;
        match self {
            Tamper::FlipLastByte => out[last] ^= 0x01,
            Tamper::FlipMiddleByte => out[last / 2] ^= 0x80,
            Tamper::Truncate => {
                out.pop();
            }
            Tamper::Append => out.push(0),
        }
        out
    }
}

/// Delivers the tampered copy of a genuine message to member 1, checks that
/// nothing changed, then checks that the genuine message is processed and
/// the group goes on.
fn tampered_then_genuine(policy: WireFormatPolicy, kind: Kind, tamper: Tamper) {
    let mut m = group(3, states(&[(1, b"a"), (2, b"b")]));
    m.set_wire_format(policy);
    let message = genuine(&mut m, kind);
    let bytes = message.to_bytes().unwrap();
    let case = format!("{policy:?} {kind:?} {tamper:?}");

    let before = fingerprint(&m.clients[1], &m.groups[1]);
    if let Ok(tampered) = MlsMessage::from_bytes(&tamper.apply(&bytes)) {
        let rejected = m.groups[1].process(tampered);
        assert!(rejected.is_err(), "{case}: tampered message accepted");
    }
    assert_eq!(
        fingerprint(&m.clients[1], &m.groups[1]),
        before,
        "{case}: a rejected message changed the member"
    );

    let processed = m.groups[1].process(message.clone());
    let processed = processed.unwrap_or_else(|e| panic!("{case}: genuine message lost: {e}"));
    match kind {
        Kind::Commit => {
            assert!(matches!(processed, Processed::Commit { .. }), "{case}");
            m.groups[2].process(message).unwrap();
            m.assert_agree();
        }
        Kind::Proposal => {
            assert!(matches!(processed, Processed::Proposal { .. }), "{case}");
            m.groups[2].process(message).unwrap();
            // Member 1 commits the cached proposal; everyone follows.
            let commit = m.groups[1].commit_app_syncs(&[]).unwrap();
            assert_eq!(commit.app_syncs, vec![AppSync::new(1, b"genuine".to_vec())]);
            m.deliver(1, &commit.output.commit_message);
            let after = m.assert_agree();
            assert_eq!(after.states[0].state(), b"genuine", "{case}");
        }
        Kind::Application => {
            assert!(matches!(processed, Processed::Other), "{case}");
            assert_eq!(snapshot(&m.groups[1]), snapshot(&m.groups[0]), "{case}");
        }
    }
}

#[test]
fn tampered_private_commit_costs_nothing() {
    for tamper in TAMPERS {
        tampered_then_genuine(WireFormatPolicy::Private, Kind::Commit, tamper);
    }
}

#[test]
fn tampered_private_proposal_costs_nothing() {
    for tamper in TAMPERS {
        tampered_then_genuine(WireFormatPolicy::Private, Kind::Proposal, tamper);
    }
}

#[test]
fn tampered_application_message_costs_nothing() {
    for tamper in TAMPERS {
        tampered_then_genuine(WireFormatPolicy::Private, Kind::Application, tamper);
    }
}

#[test]
fn tampered_public_commit_costs_nothing() {
    for tamper in TAMPERS {
        tampered_then_genuine(WireFormatPolicy::Public, Kind::Commit, tamper);
    }
}

#[test]
fn tampered_public_proposal_costs_nothing() {
    for tamper in TAMPERS {
        tampered_then_genuine(WireFormatPolicy::Public, Kind::Proposal, tamper);
    }
}
