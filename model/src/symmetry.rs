//! Symmetry reduction: honest members are interchangeable, so a state and
//! the same state with members renamed are one. [`State`]'s
//! [`Representative`] sorts the members and renames them everywhere a member
//! id hides: member slots, cache and commit bit blocks, log senders and
//! committers, and writer-tagged values (member `m` writes `m+1`). Only
//! stateright's `spawn_dfs` uses it.
//!
//! Caveat (also in `model/README.md`): the model is symmetric except for one
//! tie-break. Duplicate ids in a cache keep the proposal of the lowest leaf
//! index (the send rule), so renaming members can change which of two same-id
//! proposals wins; the tests check that the verdicts agree with and without
//! symmetry.

use crate::compact::{ApplicationStates, ProposalSet};
use crate::semantics::{AppSync, MAX_MEMBERS, SECOND_VALUE_OFFSET, Sender};
use crate::state::{Commit, Intent, Member, Message, State};
use stateright::{Representative, Rewrite, RewritePlan};

/// A member id as stateright's symmetry machinery wants it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MemberId(pub u8);

impl From<usize> for MemberId {
    fn from(i: usize) -> Self {
        MemberId(i as u8)
    }
}

impl From<MemberId> for usize {
    fn from(m: MemberId) -> usize {
        m.0 as usize
    }
}

impl Rewrite<MemberId> for ProposalSet {
    fn rewrite<S>(&self, plan: &RewritePlan<MemberId, S>) -> Self {
        self.rename_members(|m| plan.rewrite(&MemberId(m)).0)
    }
}

impl Rewrite<MemberId> for Message {
    fn rewrite<S>(&self, plan: &RewritePlan<MemberId, S>) -> Self {
        match *self {
            Message::Proposal {
                sender: Sender::Member(m),
                epoch,
                proposal,
                branch,
            } => Message::Proposal {
                sender: Sender::Member(plan.rewrite(&MemberId(m)).0),
                epoch,
                proposal,
                branch,
            },
            Message::Proposal { .. } => *self,
            Message::Commit(c) => Message::Commit(Commit {
                // The adversary is not permuted: only honest members are symmetric.
                committer: match (c.forgery, c.outsider) {
                    (None, false) => plan.rewrite(&MemberId(c.committer)).0,
                    _ => c.committer,
                },
                by_reference: c.by_reference.rewrite(plan),
                by_value: c.by_value.map(|a| rewrite_app_sync(a, plan)),
                claimed: rewrite_states(&c.claimed, plan),
                ..c
            }),
        }
    }
}

/// Renames a member's writer values (`m+1`, and `m+17` when writers have
/// two); other values are fixed.
fn rewrite_value<S>(v: u8, plan: &RewritePlan<MemberId, S>) -> u8 {
    let firsts = 1..=MAX_MEMBERS as u8;
    let seconds = firsts.start() + SECOND_VALUE_OFFSET..=firsts.end() + SECOND_VALUE_OFFSET;
    if firsts.contains(&v) {
        plan.rewrite(&MemberId(v - 1)).0 + 1
    } else if seconds.contains(&v) {
        plan.rewrite(&MemberId(v - SECOND_VALUE_OFFSET - 1)).0 + SECOND_VALUE_OFFSET + 1
    } else {
        v
    }
}

fn rewrite_states<S>(s: &ApplicationStates, plan: &RewritePlan<MemberId, S>) -> ApplicationStates {
    s.map_values(|v| rewrite_value(v, plan))
}

fn rewrite_app_sync<S>(a: AppSync, plan: &RewritePlan<MemberId, S>) -> AppSync {
    AppSync {
        new_state: rewrite_value(a.new_state, plan),
        ..a
    }
}

impl Rewrite<MemberId> for Member {
    fn rewrite<S>(&self, plan: &RewritePlan<MemberId, S>) -> Self {
        Member {
            application_states: rewrite_states(&self.application_states, plan),
            cache: self.cache.rewrite(plan),
            intent: self.intent.map(|i| Intent {
                app_sync: rewrite_app_sync(i.app_sync, plan),
                read: i.read.map(|v| rewrite_value(v, plan)),
            }),
            ..*self
        }
    }
}

impl Representative for State {
    /// Sorts honest members by the parts of their state that name no other
    /// member, then renames member ids everywhere (caches, log senders).
    fn representative(&self) -> Self {
        let keys: Vec<_> = self
            .members
            .iter()
            .enumerate()
            .map(|(i, m)| {
                (
                    m.epoch,
                    m.application_states,
                    m.pending,
                    m.cursor,
                    m.seen_ahead,
                    m.branch,
                    m.last,
                    m.intent,
                    m.cache.member_block(i),
                    m.cache.outsider_blocks(),
                )
            })
            .collect();
        let plan = RewritePlan::<MemberId, _>::from_values_to_sort(&keys);
        State {
            members: plan.reindex(&self.members),
            log: self.log.iter().map(|m| m.rewrite(&plan)).collect(),
            group_states: rewrite_states(&self.group_states, &plan),
            adversary_cache: self.adversary_cache.rewrite(&plan),
            ..*self
        }
    }
}
