//! What one parameter point commits, and the correctness check done once
//! before timing it.
//!
//! A point is (group size, total state bytes, AppSyncs per commit `n`). The
//! group holds `n` application ids whose states add up to the state size;
//! the AppSync commit replaces all `n` of them. Everything a commit carries
//! is encoded here, ahead of time, so a timed loop only clones it.
//!
//! The four kinds of commit, all made by leaf 0 with the same rules:
//!
//! * `appsync`: `n` AppSync proposals by value, no UpdatePath (R6);
//! * `noop`: `n` custom proposals of [`NOOP_PROPOSAL_TYPE`] carrying the
//!   same bytes as the AppSyncs (same wire size, same rules, no path), which
//!   nobody interprets: what AppSync adds is the difference;
//! * `gce`: one GroupContextExtensions proposal producing the same
//!   `application_states` as the AppSync commit (what an application does
//!   without the draft); mls-rs requires an UpdatePath for it;
//! * `empty`: no proposal; mls-rs requires an UpdatePath.

use mls_appsync::extension::with_application_states;
use mls_appsync::proposal::to_custom_proposal;
use mls_appsync::{AppSync, AppSyncGroupExt, ApplicationState};
use mls_rs::group::proposal::CustomProposal;
use mls_rs::{ExtensionList, MlsMessage};

use crate::members::Members;
use crate::provider::{BenchGroup, Provider};
use crate::rules::NOOP_PROPOSAL_TYPE;

/// A kind of commit; see the module documentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CommitKind {
    /// AppSync proposals by value.
    AppSync,
    /// The same bytes in a custom proposal type nobody interprets.
    Noop,
    /// A GroupContextExtensions proposal replacing the same state.
    GroupContextExtensions,
    /// No proposal at all.
    Empty,
}

impl CommitKind {
    /// Every kind, AppSync first.
    pub const ALL: [CommitKind; 4] = [
        CommitKind::AppSync,
        CommitKind::Noop,
        CommitKind::GroupContextExtensions,
        CommitKind::Empty,
    ];

    /// Name in benchmark ids.
    pub fn label(self) -> &'static str {
        match self {
            CommitKind::AppSync => "appsync",
            CommitKind::Noop => "noop",
            CommitKind::GroupContextExtensions => "gce",
            CommitKind::Empty => "empty",
        }
    }

    /// Whether mls-rs puts an UpdatePath in this commit.
    pub fn has_path(self) -> bool {
        matches!(self, CommitKind::GroupContextExtensions | CommitKind::Empty)
    }
}

/// The commits of one parameter point, encoded ahead of time.
pub struct Workload {
    before: Vec<ApplicationState>,
    after: Vec<ApplicationState>,
    app_syncs: Vec<CustomProposal>,
    noops: Vec<CustomProposal>,
    gce: ExtensionList,
}

/// `total` bytes split over `n` parts as evenly as possible.
fn split(total: usize, n: usize) -> impl Iterator<Item = usize> {
    (0..n).map(move |i| total / n + usize::from(i < total % n))
}

impl Workload {
    /// `n` application ids (1..=n) holding `state_bytes` bytes in total,
    /// all replaced by the commit. `base` is the committer's current
    /// GroupContext extension list (the GCE baseline keeps its other
    /// extensions).
    pub fn new(base: &ExtensionList, state_bytes: usize, n: usize) -> Self {
        assert!(n >= 1, "at least one AppSync per commit");
        let ids = 1..=n as u32;
        let before: Vec<ApplicationState> = ids
            .clone()
            .zip(split(state_bytes, n))
            .map(|(id, len)| ApplicationState::new(id, vec![0xA0; len]))
            .collect();
        let syncs: Vec<AppSync> = ids
            .zip(split(state_bytes, n))
            .map(|(id, len)| AppSync::new(id, vec![0x5B; len]))
            .collect();
        let after = syncs
            .iter()
            .map(|s| ApplicationState::new(s.application_id(), s.new_state().to_vec()))
            .collect::<Vec<_>>();
        let app_syncs: Vec<CustomProposal> = syncs
            .iter()
            .map(|s| to_custom_proposal(s).expect("encoding an AppSync"))
            .collect();
        let noops = app_syncs
            .iter()
            .map(|p| CustomProposal::new(NOOP_PROPOSAL_TYPE, p.data().to_vec()))
            .collect();
        let gce = with_application_states(base, after.clone()).expect("encoding the GCE baseline");
        Self {
            before,
            after,
            app_syncs,
            noops,
            gce,
        }
    }

    /// The states the group must hold before the commit.
    pub fn initial_states(&self) -> Vec<ApplicationState> {
        self.before.clone()
    }

    /// The states the group holds after a commit of `kind`.
    pub fn expected_states(&self, kind: CommitKind) -> &[ApplicationState] {
        match kind {
            CommitKind::AppSync | CommitKind::GroupContextExtensions => &self.after,
            CommitKind::Noop | CommitKind::Empty => &self.before,
        }
    }

    /// Build a commit of `kind` on `group` and return its message. The
    /// commit is left pending: the caller applies or clears it. This is the
    /// timed part of "create".
    pub fn build_commit<P: Provider>(
        &self,
        group: &mut BenchGroup<P>,
        kind: CommitKind,
    ) -> MlsMessage {
        let mut builder = group.commit_builder();
        match kind {
            CommitKind::AppSync => {
                for p in &self.app_syncs {
                    builder = builder.custom_proposal(p.clone());
                }
            }
            CommitKind::Noop => {
                for p in &self.noops {
                    builder = builder.custom_proposal(p.clone());
                }
            }
            CommitKind::GroupContextExtensions => {
                builder = builder
                    .set_group_context_ext(self.gce.clone())
                    .expect("adding the GCE proposal");
            }
            CommitKind::Empty => {}
        }
        builder.build().expect("building the commit").commit_message
    }

    /// A commit of `kind` from the committer of `members`, checked once
    /// (outside any timing, on clones) at every receiver in memory: it is
    /// accepted, every receiver ends in the committer's epoch with the same
    /// epoch authenticator and the expected `application_states`, and the
    /// ratchet tree changes exactly when the kind carries an UpdatePath.
    /// Panics otherwise.
    pub fn verified_commit<P: Provider>(
        &self,
        members: &Members<P>,
        kind: CommitKind,
    ) -> MlsMessage {
        let mut committer = members.committer().clone();
        let tree_before = committer
            .export_tree()
            .to_bytes()
            .expect("exporting the tree");
        let message = self.build_commit(&mut committer, kind);
        committer
            .apply_pending_commit()
            .unwrap_or_else(|e| panic!("{}: committer cannot apply: {e:?}", kind.label()));
        let tree_after = committer
            .export_tree()
            .to_bytes()
            .expect("exporting the tree");
        assert_eq!(
            tree_before != tree_after,
            kind.has_path(),
            "{}: UpdatePath present = {}, expected {}",
            kind.label(),
            tree_before != tree_after,
            kind.has_path()
        );
        let expected = self.expected_states(kind);
        let authenticator = committer
            .epoch_authenticator_bytes()
            .expect("authenticator");
        for (i, receiver) in members.receivers().iter().enumerate() {
            let mut receiver = receiver.clone();
            receiver
                .process_incoming_message(message.clone())
                .unwrap_or_else(|e| {
                    panic!("{}: receiver {i} rejected the commit: {e:?}", kind.label())
                });
            assert_eq!(
                receiver.current_epoch(),
                committer.current_epoch(),
                "{}: epochs differ",
                kind.label()
            );
            assert_eq!(
                receiver
                    .application_states()
                    .expect("decoding application_states"),
                expected,
                "{}: receiver {i} holds unexpected application_states",
                kind.label()
            );
            assert_eq!(
                receiver.epoch_authenticator_bytes().expect("authenticator"),
                authenticator,
                "{}: receiver {i} disagrees on the epoch authenticator",
                kind.label()
            );
        }
        message
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mls_rs_crypto_rustcrypto::RustCryptoProvider;

    #[test]
    fn split_is_even_and_exact() {
        assert_eq!(split(16, 16).collect::<Vec<_>>(), vec![1; 16]);
        assert_eq!(split(10, 4).collect::<Vec<_>>(), vec![3, 3, 2, 2]);
        assert_eq!(split(1024, 4).sum::<usize>(), 1024);
    }

    /// Every kind passes the pre-timing check, with all members kept and
    /// with only the committer and the receiver kept.
    #[test]
    fn every_kind_verifies() {
        for (size, keep_all) in [(3, true), (5, false)] {
            let mut members = Members::<RustCryptoProvider>::build(size, keep_all, Vec::new());
            assert_eq!(members.all_kept(), keep_all);
            let base = members.committer().context().extensions.clone();
            let workload = Workload::new(&base, 64, 4);
            members.set_states(workload.initial_states());
            for kind in CommitKind::ALL {
                workload.verified_commit(&members, kind);
            }
        }
    }
}
