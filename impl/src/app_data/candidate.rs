//! One AppDataUpdate of a commit's bundle as the rules see it
//! ([`Candidate`]), and what breaking a rule does with it on Send and
//! Receive ([`on_violation`]).

use mls_rs::group::Sender;
use mls_rs::group::proposal::CustomProposal;
use mls_rs::mls_rules::{CommitDirection, ProposalSource};
use std::sync::Arc;

use super::codec::{AppDataOperation, AppDataUpdate};
use super::component::Component;
use super::error::AppDataError;

/// An AppDataUpdate of the bundle, decoded, with its component and how it
/// got into the bundle.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub(super) update: AppDataUpdate,
    pub(super) component: Arc<dyn Component>,
    pub(super) sender: Sender,
    pub(super) source: ProposalSource,
    pub(super) proposal: CustomProposal,
}

impl Candidate {
    pub(super) fn by_reference(&self) -> bool {
        matches!(self.source, ProposalSource::ByReference(_))
    }

    pub(super) fn is_remove(&self) -> bool {
        matches!(self.update.operation(), AppDataOperation::Remove)
    }

    /// The decoded proposal.
    pub fn update(&self) -> &AppDataUpdate {
        &self.update
    }
}

/// Whether a proposal that breaks a rule is left out rather than fatal:
/// only on Send (the committer chooses what to commit) and only when it
/// came by reference (someone else's cached proposal), so that one bad
/// cached proposal never blocks a commit.
pub fn dropped_on_send(direction: CommitDirection, source: &ProposalSource) -> bool {
    direction == CommitDirection::Send && matches!(source, ProposalSource::ByReference(_))
}

/// The disposition of a proposal that breaks a rule: `Ok` (drop it) when
/// [`dropped_on_send`], else `error` (on Receive the commit is rejected; on
/// Send a by-value proposal fails commit building).
pub fn on_violation(
    direction: CommitDirection,
    source: &ProposalSource,
    error: AppDataError,
) -> Result<(), AppDataError> {
    if dropped_on_send(direction, source) {
        Ok(())
    } else {
        Err(error)
    }
}
