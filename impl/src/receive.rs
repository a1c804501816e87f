//! Processing an incoming message all or nothing, with arrival verdicts.
//!
//! mls-rs 0.57 takes a PrivateMessage's key out of the secret tree before it
//! checks the AEAD tag, so a tampered PrivateMessage that is rejected still
//! costs the receiver the key, and the genuine message that follows fails
//! with `KeyMissing`: anyone on the network path could push a member out of
//! the group with one flipped bit. [`process`] therefore processes every
//! message that can change state on failure on a copy of the group (mls-rs
//! groups are `Clone`) and keeps the copy only when the message is accepted.
//!
//! The one exception is a PublicMessage commit: mls-rs checks it completely
//! (membership tag, signature, the AppSync rules, confirmation tag) on a
//! provisional state and changes the group only when it accepts, and a
//! commit is the message whose copy costs the most (the whole tree).
//! `impl/tests/hostile.rs` checks that exception with every single-bit flip
//! and truncation of real commits.
//!
//! A proposal is also judged on arrival ([`arrival_verdict`]): a malformed
//! AppSync, an AppSync from a sender that may not send one, or a
//! GroupContextExtensions proposal that would make `application_states`
//! ill-formed is rejected with its reason and never enters the cache.

use mls_rs::client_builder::MlsConfig;
use mls_rs::error::{IntoAnyError, MlsError};
use mls_rs::group::proposal::Proposal;
use mls_rs::group::{ContentType, ProposalSender, ReceivedMessage, Sender};

use crate::codec::AppSync;
use mls_rs::{Group, MlsMessage, MlsMessageDescription, WireFormat};

use crate::committed::{CommittedAppSync, committed_app_syncs_carried};
use crate::error::{RejectionReason, rejection_reason};
use crate::proposal::{decode_app_sync, is_app_sync};
use crate::rules::arrival_verdict;

/// What processing an incoming message did.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Processed {
    /// A commit was accepted; the group is now at `epoch`.
    Commit {
        /// The new epoch.
        epoch: u64,
        /// Leaf index of the committer.
        committer: u32,
        /// The AppSyncs the commit applied, in application order.
        app_syncs: Vec<AppSync>,
        /// The same AppSyncs with who sent each and how it was carried.
        carried: Vec<CommittedAppSync>,
    },
    /// A proposal was accepted and cached for a later commit.
    Proposal {
        /// Who sent it.
        sender: ProposalSender,
        /// The AppSync it carries, if it is one.
        app_sync: Option<AppSync>,
    },
    /// Any other message (application data, ...).
    Other,
}

/// A message the group refused; the group state is unchanged.
#[derive(Debug, thiserror::Error)]
#[error("message rejected ({reason:?}): {error}")]
pub struct Rejected {
    /// The class of the rejection.
    pub reason: RejectionReason,
    /// The error mls-rs returned.
    pub error: MlsError,
}

/// Process `message` for `group`; on rejection `group` is exactly as before.
///
/// Only protocol messages (PublicMessage, PrivateMessage) are processed: a
/// Welcome, GroupInfo or KeyPackage is not a message to a group, and is
/// rejected as [`RejectionReason::MalformedMessage`].
pub fn process<C: MlsConfig>(
    group: &mut Group<C>,
    message: MlsMessage,
) -> Result<Processed, Rejected> {
    if !matches!(
        message.wire_format(),
        WireFormat::PublicMessage | WireFormat::PrivateMessage
    ) {
        return Err(Rejected {
            reason: RejectionReason::MalformedMessage,
            error: MlsError::UnexpectedMessageType,
        });
    }
    if is_public_commit(&message) {
        return process_once(group, message);
    }
    let mut copy = group.clone();
    let processed = process_once(&mut copy, message)?;
    *group = copy;
    Ok(processed)
}

/// Decode `bytes` as an MLS message and [`process`] it; bytes that are no
/// message are rejected as [`RejectionReason::MalformedMessage`].
pub fn process_bytes<C: MlsConfig>(
    group: &mut Group<C>,
    bytes: &[u8],
) -> Result<Processed, Rejected> {
    let message = MlsMessage::from_bytes(bytes).map_err(|error| Rejected {
        reason: RejectionReason::MalformedMessage,
        error,
    })?;
    process(group, message)
}

fn is_public_commit(message: &MlsMessage) -> bool {
    matches!(
        message.description(),
        MlsMessageDescription::PublicProtocolMessage {
            content_type: ContentType::Commit,
            ..
        }
    )
}

/// One attempt on `group`, which may be left changed when it fails.
fn process_once<C: MlsConfig>(
    group: &mut Group<C>,
    message: MlsMessage,
) -> Result<Processed, Rejected> {
    let reject = |error: MlsError| Rejected {
        reason: rejection_reason(&error),
        error,
    };
    match group.process_incoming_message(message).map_err(reject)? {
        ReceivedMessage::Commit(description) => {
            let carried = committed_app_syncs_carried(&description);
            Ok(Processed::Commit {
                epoch: group.current_epoch(),
                committer: description.committer,
                app_syncs: carried.iter().map(|c| c.app_sync.clone()).collect(),
                carried,
            })
        }
        ReceivedMessage::Proposal(description) => {
            let sender = match description.sender {
                ProposalSender::Member(index) => Sender::Member(index),
                ProposalSender::External(index) => Sender::External(index),
                ProposalSender::NewMember => Sender::NewMemberProposal,
            };
            arrival_verdict(
                &description.proposal,
                &sender,
                &group.roster(),
                group.context(),
            )
            .map_err(|e| reject(MlsError::MlsRulesError(e.into_any_error())))?;
            Ok(Processed::Proposal {
                sender: description.sender,
                app_sync: match &description.proposal {
                    Proposal::Custom(custom) if is_app_sync(custom) => decode_app_sync(custom).ok(),
                    _ => None,
                },
            })
        }
        _ => Ok(Processed::Other),
    }
}
