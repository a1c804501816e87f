//! The rules every benchmark client runs.
//!
//! The no-op baseline is a custom proposal of type [`NOOP_PROPOSAL_TYPE`]
//! that nobody interprets. `AppSyncRules::filter_proposals` returns a bundle
//! without AppSync untouched, but `AppSyncRules::custom_proposal_requires_update_path`
//! keeps the mls-rs default (`true`) for every type other than AppSync. A
//! no-op commit would then carry an UpdatePath and measure path crypto, not
//! AppSync. [`BenchRules`] delegates everything to `AppSyncRules` except that
//! one answer for the no-op type, so AppSync and the baseline go through the
//! same rules and differ only in what AppSync itself does. The wrapper is
//! `mls_appsync::Wrapped`, the same one the test-only forger uses.

use mls_appsync::{AppSyncRules, RulesWrapper, Wrapped};
use mls_rs::MlsRules;
use mls_rs::group::proposal::CustomProposal;
use mls_rs_core::group::ProposalType;

/// Custom proposal type of the no-op baseline (private use range, next to
/// AppSync's 0xF0A6). Registered on every benchmark client.
pub const NOOP_PROPOSAL_TYPE: ProposalType = ProposalType::new(0xF0A7);

/// The one change to the AppSync rules: the no-op proposal type needs no
/// UpdatePath.
#[derive(Clone, Debug, Default)]
pub struct NoopException {
    inner: AppSyncRules,
}

impl RulesWrapper for NoopException {
    fn app_sync_rules(&self) -> &AppSyncRules {
        &self.inner
    }

    fn custom_proposal_requires_update_path(&self, proposal: &CustomProposal) -> bool {
        proposal.proposal_type() != NOOP_PROPOSAL_TYPE
            && self.inner.custom_proposal_requires_update_path(proposal)
    }
}

/// `AppSyncRules` (PrivateMessage handshakes, unknown ids rejected), except
/// that the no-op proposal type needs no UpdatePath.
pub type BenchRules = Wrapped<NoopException>;

/// The rules every benchmark client runs.
pub fn bench_rules() -> BenchRules {
    Wrapped(NoopException::default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use mls_appsync::AppSync;
    use mls_appsync::proposal::to_custom_proposal;

    #[test]
    fn only_app_sync_and_the_no_op_skip_the_update_path() {
        let rules = bench_rules();
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
