//! A forging committer for the successor profile (cargo feature `forge`,
//! test-only): [`AppDataForgingRules`] wrap [`AppDataUpdateRules`] and,
//! while [`forge_app_data_commit`] builds a commit, let every proposal
//! through on Send without applying any. Honest receivers must reject what
//! it builds; the rules a user ships never see it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use mls_rs::client_builder::MlsConfig;
use mls_rs::error::MlsError;
use mls_rs::group::proposal::{CustomProposal, Proposal};
use mls_rs::group::{GroupContext, Roster};
use mls_rs::mls_rules::{
    CommitDirection, CommitOptions, CommitSource, EncryptionOptions, ProposalBundle,
};
use mls_rs::{ExtensionList, Group, MlsMessage, MlsRules};
use mls_rs_core::extension::ExtensionType;
use mls_rs_core::group::ProposalType;

use super::error::AppDataError;
use super::mls_rules::{AppDataUpdateRules, WrapsAppDataRules};
use crate::app_sync_rules::WireFormatPolicy;
use crate::client::ProfileRules;

/// [`AppDataUpdateRules`] whose Send side can be switched off while a
/// forgery is built. Clones share the switch.
#[derive(Clone, Debug, Default)]
pub struct AppDataForgingRules {
    honest: AppDataUpdateRules,
    forging: Arc<AtomicBool>,
}

impl AppDataForgingRules {
    /// `honest` rules that can be made to forge.
    pub fn new(honest: AppDataUpdateRules) -> Self {
        Self {
            honest,
            forging: Arc::default(),
        }
    }
}

/// Forging on while it lives; honest again on drop, even if building fails.
struct Forging<'a>(&'a AtomicBool);

impl<'a> Forging<'a> {
    fn start(switch: &'a AtomicBool) -> Self {
        switch.store(true, Ordering::SeqCst);
        Self(switch)
    }
}

impl Drop for Forging<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

impl MlsRules for AppDataForgingRules {
    type Error = AppDataError;

    fn filter_proposals(
        &self,
        direction: CommitDirection,
        source: CommitSource,
        roster: &Roster,
        context: &GroupContext,
        bundle: ProposalBundle,
    ) -> Result<ProposalBundle, AppDataError> {
        if direction == CommitDirection::Send && self.forging.load(Ordering::SeqCst) {
            return Ok(bundle);
        }
        self.honest
            .filter_proposals(direction, source, roster, context, bundle)
    }

    fn commit_options(
        &self,
        roster: &Roster,
        context: &GroupContext,
        bundle: &ProposalBundle,
    ) -> Result<CommitOptions, AppDataError> {
        self.honest.commit_options(roster, context, bundle)
    }

    fn encryption_options(
        &self,
        roster: &Roster,
        context: &GroupContext,
    ) -> Result<EncryptionOptions, AppDataError> {
        self.honest.encryption_options(roster, context)
    }

    fn custom_proposal_requires_update_path(&self, proposal: &CustomProposal) -> bool {
        self.honest.custom_proposal_requires_update_path(proposal)
    }
}

impl ProfileRules for AppDataForgingRules {
    fn extension_types(&self) -> Vec<ExtensionType> {
        self.honest.extension_types()
    }

    fn proposal_types(&self) -> Vec<ProposalType> {
        self.honest.proposal_types()
    }

    fn set_wire_format(&self, policy: WireFormatPolicy) {
        self.honest.set_wire_format(policy);
    }

    fn check_joined(&self, extensions: &ExtensionList) -> Result<(), MlsError> {
        self.honest.check_joined(extensions)
    }
}

impl WrapsAppDataRules for AppDataForgingRules {
    fn app_data_rules(&self) -> &AppDataUpdateRules {
        &self.honest
    }
}

/// Build, as the member owning `group` (whose client runs `rules`), a
/// commit carrying `proposals` by value (any bytes; build AppDataUpdates
/// with [`to_custom_proposal`](super::proposal::to_custom_proposal)) and,
/// if given, a by-value GroupContextExtensions proposal, skipping the
/// Send-side rules and applying nothing. The group is left as it was.
pub fn forge_app_data_commit<C: MlsConfig>(
    rules: &AppDataForgingRules,
    group: &mut Group<C>,
    proposals: &[CustomProposal],
    group_context_extensions: Option<ExtensionList>,
) -> Result<MlsMessage, MlsError> {
    let _forging = Forging::start(&rules.forging);
    let mut builder = group.commit_builder();
    for proposal in proposals {
        builder = builder.custom_proposal(proposal.clone());
    }
    if let Some(extensions) = group_context_extensions {
        builder = builder.raw_proposal(Proposal::GroupContextExtensions(extensions));
    }
    let message = builder.build()?.commit_message;
    group.clear_pending_commit();
    Ok(message)
}
