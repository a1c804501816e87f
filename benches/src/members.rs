//! Building a benchmark group once per group size.
//!
//! Building is the expensive part at 512 members, so it happens once per
//! size: leaf 0 creates the group and adds everyone else in a single
//! commit. Joining validates the whole ratchet tree, so only the members a
//! benchmark uses join: all of them when the whole round is measured
//! (`keep_all`), otherwise only the last leaf, the receiver whose
//! processing is timed. The key packages of the others were consumed by the
//! add, so they stay in the tree as real leaves; their groups just never
//! exist.
//!
//! The tree is left as a single batch add makes it: apart from the
//! committer's own direct path, parent nodes are blank. An UpdatePath from
//! leaf 0 is then encrypted to every other leaf (n - 1 HPKE encryptions),
//! the worst case for the baselines that need a path; AppSync and the no-op
//! baseline carry no path and are unaffected.

use mls_appsync::extension::with_application_states;
use mls_appsync::{AppSyncGroupExt, ApplicationState, create_members_joining};

use crate::provider::{BenchGroup, Provider, client};

/// The members of one group that exist in memory.
#[derive(Clone)]
pub struct Members<P: Provider> {
    size: usize,
    /// `groups[0]` is leaf 0, the committer; the last one is the receiver.
    groups: Vec<BenchGroup<P>>,
}

impl<P: Provider> Members<P> {
    /// A group of `size` members (at least 2) whose `application_states`
    /// holds `initial`, made by `mls_appsync::create_members_joining` (so it
    /// requires the AppSync code points of every member). With `keep_all`
    /// every member joins; otherwise only leaves 0 and `size - 1` exist.
    pub fn build(size: usize, keep_all: bool, initial: Vec<ApplicationState>) -> Self {
        assert!(
            size >= 2,
            "a benchmark group needs a committer and a receiver"
        );
        let clients: Vec<_> = (0..size)
            .map(|i| client::<P>(&format!("member-{i}")))
            .collect();
        let created = create_members_joining(&clients, &[], initial, Vec::new(), |leaf| {
            keep_all || leaf == size - 1
        })
        .expect("creating the group, adding everyone in one commit, joining");
        let groups = created.groups.into_iter().flatten().collect();
        Self { size, groups }
    }

    /// Number of members of the group (not all of them may be in memory).
    pub fn size(&self) -> usize {
        self.size
    }

    /// Whether every member's group is in memory.
    pub fn all_kept(&self) -> bool {
        self.groups.len() == self.size
    }

    /// Leaf 0, which makes every commit.
    pub fn committer(&self) -> &BenchGroup<P> {
        &self.groups[0]
    }

    /// The last leaf, whose processing is timed.
    pub fn receiver(&self) -> &BenchGroup<P> {
        self.groups.last().expect("at least two groups")
    }

    /// Every member in memory but the committer.
    pub fn receivers(&self) -> &[BenchGroup<P>] {
        &self.groups[1..]
    }

    /// Replace the whole `application_states` with `states` by a
    /// GroupContextExtensions commit of leaf 0, processed by every member in
    /// memory. Used to move a group from one parameter point to the next
    /// without rebuilding it.
    pub fn set_states(&mut self, states: Vec<ApplicationState>) {
        let (committer, receivers) = self.groups.split_first_mut().expect("a committer");
        let extensions = with_application_states(&committer.context().extensions, states.clone())
            .expect("encoding application_states");
        let output = committer
            .commit_builder()
            .set_group_context_ext(extensions)
            .and_then(|b| b.build())
            .expect("building the GroupContextExtensions commit");
        committer.apply_pending_commit().expect("applying it");
        for group in receivers.iter_mut() {
            group
                .process_incoming_message(output.commit_message.clone())
                .expect("a member refused the GroupContextExtensions commit");
        }
        for group in &self.groups {
            assert_eq!(
                group
                    .application_states()
                    .expect("decoding application_states"),
                states,
                "a member disagrees on application_states after set_states"
            );
        }
    }
}
