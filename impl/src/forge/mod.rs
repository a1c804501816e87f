//! A forging adversary for tests and the conformance harness (cargo feature
//! `forge`).
//!
//! [`ForgingRules`] wraps [`AppSyncRules`] the way the benchmarks' rules
//! do: it delegates everything, except that while a forgery is being built
//! its Send side lets every proposal through. The rules a user ships never
//! see it. Honest members must reject what this module builds:
//!
//! * [`forge_commit`] makes a member commit a [`ForgeryKind`] while its rules
//!   let everything through on Send (the receive side stays honest);
//! * [`external_commit_with_app_sync`] makes a non-member join by external
//!   commit carrying an AppSync (a NewMemberCommit sender, R7);
//! * [`unauthorized_app_sync_proposal`] hand-builds a PublicMessage AppSync
//!   proposal signed by a key the group does not list (R7, R9).
//!
//! This file holds the wrapper and its switch; `commits.rs` the forged
//! commits, `unauthorized.rs` the hand-built proposal.

mod commits;
mod unauthorized;

pub use commits::{
    ForgeError, ForgedCommit, ForgeryKind, external_commit_with_app_sync, forge_commit,
    forge_commit_pending, forge_custom_commit, forge_custom_commit_pending,
};
pub use unauthorized::{ForgedSender, unauthorized_app_sync_proposal};

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use mls_rs::MlsRules;
use mls_rs::group::{GroupContext, Roster};
use mls_rs::mls_rules::{CommitDirection, CommitSource, ProposalBundle, ProposalSource};

use crate::app_sync_rules::AppSyncRules;
use crate::codec::read_app_sync;
use crate::error::AppSyncError;
use crate::proposal::is_app_sync;
use crate::rules::{
    UnknownIdPolicy, committer_sender, next_extensions, r3_apply_app_sync,
    r9_inject_application_states, r10_well_formed_application_states,
};
use crate::wrap::{RulesWrapper, Wrapped};

/// How the Send side behaves while forging.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ForgeMode {
    /// No validation; apply every AppSync in bundle order (creating unknown
    /// ids) unless a GroupContextExtensions proposal is present.
    PassThroughApply = 1,
    /// No validation and no application: the commit carries AppSyncs that
    /// the committer's own next GroupContext does not reflect.
    PassThroughSkip = 2,
}

/// Shared switch read by [`ForgingRules`] on Send.
#[derive(Clone, Debug, Default)]
pub(crate) struct ForgeSwitch(Arc<AtomicU8>);

impl ForgeSwitch {
    fn mode(&self) -> Option<ForgeMode> {
        match self.0.load(Ordering::SeqCst) {
            1 => Some(ForgeMode::PassThroughApply),
            2 => Some(ForgeMode::PassThroughSkip),
            _ => None,
        }
    }

    fn set(&self, mode: Option<ForgeMode>) {
        self.0.store(mode.map_or(0, |m| m as u8), Ordering::SeqCst);
    }
}

/// Turns forging on for as long as it lives; back to honest on drop, even
/// if commit building fails.
pub(crate) struct ForgeGuard<'a>(&'a ForgeSwitch);

impl<'a> ForgeGuard<'a> {
    pub(crate) fn new(switch: &'a ForgeSwitch, mode: ForgeMode) -> Self {
        switch.set(Some(mode));
        Self(switch)
    }
}

impl Drop for ForgeGuard<'_> {
    fn drop(&mut self) {
        self.0.set(None);
    }
}

/// The forging part of [`ForgingRules`]: the honest rules and a switch that,
/// while a forgery is built, replaces their Send side. Clones share the
/// switch (mls-rs clones the rules into every group of the client).
#[derive(Clone, Debug, Default)]
pub struct Forger {
    honest: AppSyncRules,
    pub(crate) switch: ForgeSwitch,
}

/// [`AppSyncRules`] that can be made to forge. Install them with
/// `AppSyncClient::builder(name).rules(ForgingRules::new(rules))`.
pub type ForgingRules = Wrapped<Forger>;

impl ForgingRules {
    /// `honest` rules that can be made to forge.
    pub fn new(honest: AppSyncRules) -> Self {
        Wrapped(Forger {
            honest,
            switch: ForgeSwitch::default(),
        })
    }
}

impl RulesWrapper for Forger {
    fn app_sync_rules(&self) -> &AppSyncRules {
        &self.honest
    }

    fn filter_proposals(
        &self,
        direction: CommitDirection,
        source: CommitSource,
        roster: &Roster,
        context: &GroupContext,
        bundle: ProposalBundle,
    ) -> Result<ProposalBundle, AppSyncError> {
        match (direction, self.switch.mode()) {
            (CommitDirection::Send, Some(mode)) => forged_send(mode, &source, context, bundle),
            _ => self
                .honest
                .filter_proposals(direction, source, roster, context, bundle),
        }
    }
}

/// The Send side of a forging committer.
fn forged_send(
    mode: ForgeMode,
    source: &CommitSource,
    context: &GroupContext,
    mut bundle: ProposalBundle,
) -> Result<ProposalBundle, AppSyncError> {
    if mode == ForgeMode::PassThroughSkip {
        return Ok(bundle);
    }
    let mut states = r10_well_formed_application_states(&context.extensions)?;
    let mut any = false;
    for info in bundle
        .custom_proposals()
        .iter()
        .filter(|p| is_app_sync(&p.proposal))
    {
        if let Ok(app_sync) = read_app_sync(info.proposal.data()) {
            r3_apply_app_sync(&mut states, app_sync, UnknownIdPolicy::Create)?;
            any = true;
        }
    }
    let has_gce = bundle
        .group_context_ext_proposals()
        .iter()
        .any(|p| p.source != ProposalSource::Local);
    if any && !has_gce {
        let extensions = next_extensions(&states, context)?;
        r9_inject_application_states(&mut bundle, committer_sender(source), extensions);
    }
    Ok(bundle)
}
