//! The rules every benchmark client runs.
//!
//! The no-op baseline is a custom proposal of type [`NOOP_PROPOSAL_TYPE`]
//! that nobody interprets. `AppSyncRules::filter_proposals` returns a bundle
//! without AppSync untouched, but `AppSyncRules::custom_proposal_requires_update_path`
//! keeps the mls-rs default (`true`) for every type other than AppSync. A
//! no-op commit would then carry an UpdatePath and measure path crypto, not
//! AppSync. [`BenchRules`] delegates everything to `AppSyncRules` except that
//! one answer for the no-op type, so AppSync and the baseline go through the
//! same rules and differ only in what AppSync itself does.

use mls_appsync::{AppSyncError, AppSyncRules, WrapsAppSyncRules};
use mls_rs::MlsRules;
use mls_rs::group::proposal::CustomProposal;
use mls_rs::group::{GroupContext, Roster};
use mls_rs::mls_rules::{
    CommitDirection, CommitOptions, CommitSource, EncryptionOptions, ProposalBundle,
};
use mls_rs_core::group::ProposalType;

/// Custom proposal type of the no-op baseline (private use range, next to
/// AppSync's 0xF0A6). Registered on every benchmark client.
pub const NOOP_PROPOSAL_TYPE: ProposalType = ProposalType::new(0xF0A7);

/// `AppSyncRules`, except that the no-op proposal type needs no UpdatePath.
#[derive(Clone, Debug, Default)]
pub struct BenchRules {
    inner: AppSyncRules,
}

impl BenchRules {
    /// The default AppSync rules (PrivateMessage handshakes, unknown ids
    /// rejected) with the no-op exception.
    pub fn new() -> Self {
        Self::default()
    }
}

impl WrapsAppSyncRules for BenchRules {
    fn app_sync_rules(&self) -> &AppSyncRules {
        &self.inner
    }
}

impl MlsRules for BenchRules {
    type Error = AppSyncError;

    fn filter_proposals(
        &self,
        direction: CommitDirection,
        source: CommitSource,
        roster: &Roster,
        context: &GroupContext,
        bundle: ProposalBundle,
    ) -> Result<ProposalBundle, AppSyncError> {
        self.inner
            .filter_proposals(direction, source, roster, context, bundle)
    }

    fn commit_options(
        &self,
        roster: &Roster,
        context: &GroupContext,
        bundle: &ProposalBundle,
    ) -> Result<CommitOptions, AppSyncError> {
        self.inner.commit_options(roster, context, bundle)
    }

    fn encryption_options(
        &self,
        roster: &Roster,
        context: &GroupContext,
    ) -> Result<EncryptionOptions, AppSyncError> {
        self.inner.encryption_options(roster, context)
    }

    fn custom_proposal_requires_update_path(&self, proposal: &CustomProposal) -> bool {
        proposal.proposal_type() != NOOP_PROPOSAL_TYPE
            && self.inner.custom_proposal_requires_update_path(proposal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mls_appsync::AppSync;
    use mls_appsync::proposal::to_custom_proposal;

    #[test]
    fn only_app_sync_and_the_no_op_skip_the_update_path() {
        let rules = BenchRules::new();
        let app_sync = to_custom_proposal(&AppSync::new(1, vec![0; 4])).unwrap();
        let noop = CustomProposal::new(NOOP_PROPOSAL_TYPE, vec![0; 4]);
        let other = CustomProposal::new(ProposalType::new(0xF0FF), vec![]);
        assert!(!rules.custom_proposal_requires_update_path(&app_sync));
        assert!(!rules.custom_proposal_requires_update_path(&noop));
        assert!(rules.custom_proposal_requires_update_path(&other));
        // The reason the wrapper exists: AppSyncRules alone wants a path.
        assert!(AppSyncRules::new().custom_proposal_requires_update_path(&noop));
    }
}
