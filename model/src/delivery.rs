//! The delivery service and the members' queues: one log in one total order,
//! a read cursor per member, and what a member does with the message at its
//! cursor (the effect of `Deliver`). Every send appends to the log here, and
//! the group's newest epoch advances with the first valid commit for it.

use crate::compact::{ApplicationStates, ProposalSet};
use crate::rules::{accept_proposal, process_commit};
use crate::semantics::{Proposal, Reason, Rules, Sender};
use crate::state::{Commit, Intent, Message, Outcome, State};

/// Appends a message to every queue (one total order) and advances the
/// group's newest epoch if it is the first valid commit for that epoch.
pub(crate) fn append(rules: &Rules, state: &mut State, msg: Message) {
    assert!(state.log.len() < u8::MAX as usize, "DS log overflow");
    state.log.push(msg);
    if let Message::Commit(c) = msg
        && c.epoch == state.group_epoch
        && let Ok(next) = process_commit(&c.proposals(), &c.claimed, &state.group_states, rules)
    {
        state.group_epoch += 1;
        state.group_states = next;
    }
}

/// Member `m` processes the head of its queue with the honest `rules`;
/// `correct` (the same rules without faults) judges it in the ghost audit.
pub(crate) fn deliver(rules: &Rules, correct: &Rules, state: &mut State, m: usize) {
    let msg = state.log[state.members[m].cursor as usize];
    state.members[m].cursor += 1;
    let member = state.members[m];
    let outcome = match msg {
        Message::Proposal { epoch, .. } if epoch != member.epoch => Err(Reason::WrongEpoch),
        Message::Proposal {
            sender, proposal, ..
        } => {
            accept_proposal(sender, rules).map(|()| state.members[m].cache.insert(sender, proposal))
        }
        Message::Commit(c) if c.committer as usize == m && c.forgery.is_none() => {
            // Our own commit: apply it if still pending, else it lost the epoch.
            if member.pending && c.epoch == member.epoch {
                apply(correct, state, m, &c, c.claimed);
                Ok(())
            } else {
                Err(Reason::WrongEpoch)
            }
        }
        Message::Commit(c) if c.epoch != member.epoch => Err(Reason::WrongEpoch),
        Message::Commit(c) => process_commit(
            &c.proposals(),
            &c.claimed,
            &member.application_states,
            rules,
        )
        .map(|next| apply(correct, state, m, &c, next)),
    };
    let member = &mut state.members[m];
    member.last = match (outcome, msg) {
        (Err(r), _) => Outcome::Rejected(r),
        (Ok(()), Message::Proposal { .. }) => Outcome::AcceptedProposal,
        (Ok(()), Message::Commit(_)) => member.last, // set by `apply`
    };
}

/// Member `m` moves to the next epoch with `next` as its `application_states`.
fn apply(correct: &Rules, state: &mut State, m: usize, commit: &Commit, next: ApplicationStates) {
    let list = commit.proposals();
    let member = &mut state.members[m];
    state
        .ghost
        .audit(&list, commit, &member.application_states, &next, correct);
    member.epoch += 1;
    member.application_states = next;
    member.cache = ProposalSet::default();
    member.pending = false;
    let own = |i: &Intent| Proposal::AppSync(i.app_sync);
    if member.intent.is_some_and(|i| {
        commit
            .by_reference
            .contains(Sender::Member(m as u8), own(&i))
    }) {
        member.intent = None;
    }
    member.last = Outcome::AcceptedCommit {
        app_syncs: list.app_syncs().count() as u8,
        external: list.app_syncs().any(|(s, _)| s == Sender::External),
    };
}

/// Skips each member's own proposals (it never receives them) and drops the
/// log prefix every member has processed.
pub(crate) fn normalize(state: &mut State) {
    for (i, member) in state.members.iter_mut().enumerate() {
        while let Some(Message::Proposal {
            sender: Sender::Member(s),
            ..
        }) = state.log.get(member.cursor as usize)
        {
            if *s as usize != i {
                break;
            }
            member.cursor += 1;
        }
    }
    let done = state.members.iter().map(|m| m.cursor).min().unwrap_or(0);
    if done > 0 {
        state.log.drain(..done as usize);
        for member in &mut state.members {
            member.cursor -= done;
        }
    }
}
