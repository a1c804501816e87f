//! What a processed commit applied: its AppSyncs in order, each with who
//! sent it and whether it came by value or by reference. The local
//! GroupContextExtensions proposal that carries the new `application_states`
//! never went on the wire and is left out.

use mls_rs::group::proposal::Proposal;
use mls_rs::group::{CommitEffect, CommitMessageDescription, Sender};
use mls_rs::mls_rules::ProposalSource;

use crate::codec::AppSync;
use crate::proposal::{decode_app_sync, is_app_sync};

/// One AppSync a commit applied: what, who sent it, and whether it came by
/// reference (a cached proposal) or by value (inside the commit).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommittedAppSync {
    /// The AppSync.
    pub app_sync: AppSync,
    /// Who sent it.
    pub sender: Sender,
    /// By reference (else by value).
    pub by_reference: bool,
}

/// The AppSyncs a processed commit applied, in order.
pub fn committed_app_syncs(description: &CommitMessageDescription) -> Vec<AppSync> {
    committed_app_syncs_carried(description)
        .into_iter()
        .map(|c| c.app_sync)
        .collect()
}

/// The AppSyncs a processed commit applied, in order, each with its sender
/// and how it was carried.
///
/// `NewEpoch::applied_proposals` also lists the local GroupContextExtensions
/// proposal that carries the new `application_states`; it never went on the
/// wire, so it is left out here.
pub fn committed_app_syncs_carried(
    description: &CommitMessageDescription,
) -> Vec<CommittedAppSync> {
    let new_epoch = match &description.effect {
        CommitEffect::NewEpoch(new_epoch) => new_epoch,
        CommitEffect::Removed { new_epoch, .. } => new_epoch,
        CommitEffect::ReInit(_) => return Vec::new(),
    };
    new_epoch
        .applied_proposals
        .iter()
        .filter_map(|info| match &info.proposal {
            Proposal::Custom(custom) if is_app_sync(custom) => {
                decode_app_sync(custom)
                    .ok()
                    .map(|app_sync| CommittedAppSync {
                        app_sync,
                        sender: info.sender,
                        by_reference: matches!(info.source, ProposalSource::ByReference(_)),
                    })
            }
            _ => None,
        })
        .collect()
}
