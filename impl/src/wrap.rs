//! Wrapping [`AppSyncRules`]: a test or a benchmark changes one answer of
//! the rules and keeps every other. A [`RulesWrapper`] overrides what it
//! changes (the forger its Send side, the benchmarks the UpdatePath of their
//! no-op proposal); [`Wrapped`] is the `MlsRules` that asks the wrapper and
//! otherwise the AppSync rules inside. The rules a user installs are
//! `AppSyncRules` itself; nothing in them knows about any wrapper.

use std::fmt::Debug;

use mls_rs::MlsRules;
use mls_rs::group::proposal::CustomProposal;
use mls_rs::group::{GroupContext, Roster};
use mls_rs::mls_rules::{
    CommitDirection, CommitOptions, CommitSource, EncryptionOptions, ProposalBundle,
};

use crate::app_sync_rules::AppSyncRules;
use crate::error::AppSyncError;

/// What a wrapper around the AppSync rules changes. Every method but
/// [`app_sync_rules`](RulesWrapper::app_sync_rules) defaults to asking the
/// AppSync rules.
pub trait RulesWrapper: Clone + Debug + Send + Sync {
    /// The AppSync rules inside.
    fn app_sync_rules(&self) -> &AppSyncRules;

    /// `MlsRules::filter_proposals`.
    fn filter_proposals(
        &self,
        direction: CommitDirection,
        source: CommitSource,
        roster: &Roster,
        context: &GroupContext,
        bundle: ProposalBundle,
    ) -> Result<ProposalBundle, AppSyncError> {
        self.app_sync_rules()
            .filter_proposals(direction, source, roster, context, bundle)
    }

    /// `MlsRules::custom_proposal_requires_update_path`.
    fn custom_proposal_requires_update_path(&self, proposal: &CustomProposal) -> bool {
        self.app_sync_rules()
            .custom_proposal_requires_update_path(proposal)
    }
}

/// The `MlsRules` of a [`RulesWrapper`].
#[derive(Clone, Debug, Default)]
pub struct Wrapped<W>(pub W);

impl<W: RulesWrapper> MlsRules for Wrapped<W> {
    type Error = AppSyncError;

    fn filter_proposals(
        &self,
        direction: CommitDirection,
        source: CommitSource,
        roster: &Roster,
        context: &GroupContext,
        bundle: ProposalBundle,
    ) -> Result<ProposalBundle, AppSyncError> {
        self.0
            .filter_proposals(direction, source, roster, context, bundle)
    }

    fn commit_options(
        &self,
        roster: &Roster,
        context: &GroupContext,
        bundle: &ProposalBundle,
    ) -> Result<CommitOptions, AppSyncError> {
        self.0
            .app_sync_rules()
            .commit_options(roster, context, bundle)
    }

    fn encryption_options(
        &self,
        roster: &Roster,
        context: &GroupContext,
    ) -> Result<EncryptionOptions, AppSyncError> {
        self.0.app_sync_rules().encryption_options(roster, context)
    }

    fn custom_proposal_requires_update_path(&self, proposal: &CustomProposal) -> bool {
        self.0.custom_proposal_requires_update_path(proposal)
    }
}
