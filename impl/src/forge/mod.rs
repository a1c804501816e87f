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

use std::sync::{Arc, Mutex, PoisonError};

use mls_rs::MlsRules;
use mls_rs::group::proposal::Proposal;
use mls_rs::group::{GroupContext, Roster, Sender};
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
    /// No validation; apply every AppSync in bundle order unless a
    /// GroupContextExtensions proposal is present (see
    /// [`Forging::create_unknown_ids`] for an id without an entry).
    PassThroughApply,
    /// No validation and no application: the commit carries AppSyncs that
    /// the committer's own next GroupContext does not reflect.
    PassThroughSkip,
}

/// What the Send side does while one forgery is built.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Forging {
    pub(crate) mode: ForgeMode,
    /// Under [`ForgeMode::PassThroughApply`], whether an AppSync for an id
    /// without an entry creates one (else it changes nothing).
    pub(crate) create_unknown_ids: bool,
    /// The cached proposals kept by reference, each named by its sender
    /// and content; `None` keeps every cached proposal, as mls-rs does.
    pub(crate) by_reference: Option<Vec<(Sender, Proposal)>>,
}

impl Forging {
    /// Apply every AppSync (creating ids without an entry) and keep every
    /// cached proposal.
    pub(crate) fn applying() -> Self {
        Self {
            mode: ForgeMode::PassThroughApply,
            create_unknown_ids: true,
            by_reference: None,
        }
    }
}

/// Shared switch read by [`ForgingRules`] on Send.
#[derive(Clone, Debug, Default)]
pub(crate) struct ForgeSwitch(Arc<Mutex<Option<Forging>>>);

impl ForgeSwitch {
    fn forging(&self) -> Option<Forging> {
        // A panic while the lock was held leaves a value that is still whole.
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn set(&self, forging: Option<Forging>) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = forging;
    }
}

/// Turns forging on for as long as it lives; back to honest on drop, even
/// if commit building fails.
pub(crate) struct ForgeGuard<'a>(&'a ForgeSwitch);

impl<'a> ForgeGuard<'a> {
    pub(crate) fn new(switch: &'a ForgeSwitch, forging: Forging) -> Self {
        switch.set(Some(forging));
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
        match (direction, self.switch.forging()) {
            (CommitDirection::Send, Some(forging)) => {
                forged_send(&forging, &source, context, bundle)
            }
            _ => self
                .honest
                .filter_proposals(direction, source, roster, context, bundle),
        }
    }
}

/// The Send side of a forging committer.
fn forged_send(
    forging: &Forging,
    source: &CommitSource,
    context: &GroupContext,
    bundle: ProposalBundle,
) -> Result<ProposalBundle, AppSyncError> {
    let mut bundle = match &forging.by_reference {
        None => bundle,
        Some(keep) => keep_by_reference(bundle, keep),
    };
    if forging.mode == ForgeMode::PassThroughSkip {
        return Ok(bundle);
    }
    let policy = match forging.create_unknown_ids {
        true => UnknownIdPolicy::Create,
        false => UnknownIdPolicy::Reject,
    };
    let mut states = r10_well_formed_application_states(&context.extensions)?;
    let mut any = false;
    for info in bundle
        .custom_proposals()
        .iter()
        .filter(|p| is_app_sync(&p.proposal))
    {
        if let Ok(app_sync) = read_app_sync(info.proposal.data()) {
            // Under "reject", an id without an entry leaves `states` as it
            // was: the forger claims the state its other AppSyncs make.
            if r3_apply_app_sync(&mut states, app_sync, policy).is_ok() {
                any = true;
            }
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

/// `bundle` with only the cached proposals that `keep` names (by sender and
/// content); by-value and local proposals all stay.
fn keep_by_reference(bundle: ProposalBundle, keep: &[(Sender, Proposal)]) -> ProposalBundle {
    bundle
        .into_proposals()
        .filter(|p| {
            !matches!(p.source, ProposalSource::ByReference(_))
                || keep
                    .iter()
                    .any(|(sender, proposal)| *sender == p.sender && *proposal == p.proposal)
        })
        .map(|p| (p.proposal, p.sender, p.source))
        .collect()
}
