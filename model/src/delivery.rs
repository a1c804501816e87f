//! The delivery service and the members' queues: one log of messages not yet
//! processed by every member, and per member which of them it has processed
//! (a cursor, and the positions after it taken out of order). What a member
//! does with one message is the effect of `Deliver` / `DeliverAt`. Every send
//! appends to the log here, and the group's newest epoch (the branch the
//! delivery service's order makes) advances with the first valid commit for
//! it.
//!
//! With the ordered and sequencer policies every member takes the log in
//! order, so no one is ever offered a commit before its proposals, and no
//! two members apply different commits for one epoch. With the unordered
//! policy both happen, and seeded faults can fork the group too; the branch
//! of each member (the last commit it applied) then tells a fork apart from
//! agreement.

use crate::compact::{ApplicationStates, ProposalSet};
use crate::config::{AppSyncConfig, DeliveryPolicy};
use crate::rules::{accept_proposal, process_commit};
use crate::semantics::{Faults, Proposal, Reason, Rules, Sender};
use crate::state::{Commit, Intent, Message, Outcome, State};

/// The longest log the model keeps (positions are bits of a `u64`, the cursor at most 63); a send
/// that would make it longer is not offered.
pub(crate) const MAX_LOG: usize = 63;

/// Appends a message to every queue and advances the group's newest epoch if
/// it is the first valid commit for that epoch on the group's branch. A
/// member's own proposal counts as processed by it at once (it never
/// receives it). With an `adversary`, it takes the message at once too: a
/// proposal of the group's newest epoch and branch from a member or the
/// external sender enters its cache (a non-member's fails its signature),
/// and a commit that advances the group empties it.
pub(crate) fn append(rules: &Rules, adversary: bool, state: &mut State, msg: Message) {
    let position = state.log.len();
    state.log.push(msg);
    if let Message::Proposal {
        sender: Sender::Member(s),
        ..
    } = msg
    {
        mark_processed(state, s as usize, position);
    }
    if adversary
        && let Message::Proposal {
            sender,
            epoch,
            proposal,
            branch,
        } = msg
        && sender != Sender::NonMember
        && epoch == state.group_epoch
        && branch == state.group_branch
    {
        state.adversary_cache.insert(sender, proposal);
    }
    if let Message::Commit(c) = msg
        && c.epoch == state.group_epoch
        && c.parent == state.group_branch
        && let Ok(next) = process_commit(&c.proposals(), &c.claimed, &state.group_states, rules)
    {
        state.group_epoch += 1;
        state.group_states = next;
        state.group_branch = c.id;
        state.adversary_cache = ProposalSet::default();
    }
}

/// Member `m` processes the message at log position `at` with its `rules`;
/// `correct` (the rules without faults) judges it in the ghost audit. A
/// commit that names a proposal `m` has not received stays in its queue.
pub(crate) fn deliver(rules: &Rules, correct: &Rules, state: &mut State, m: usize, at: usize) {
    let msg = state.log[at];
    let member = state.members[m];
    let mut processed = true;
    let outcome = match msg {
        Message::Proposal { epoch, .. } if epoch != member.epoch => Err(Reason::WrongEpoch),
        Message::Proposal { branch, .. } if branch != member.branch => {
            Err(Reason::AuthenticationFailure)
        }
        Message::Proposal {
            sender, proposal, ..
        } => match accept_proposal(sender, rules) {
            Ok(()) => {
                state.members[m].cache.insert(sender, proposal);
                Ok(())
            }
            // A non-member signs with a key the group does not know: the
            // signature check fails before any AppSync rule could object.
            Err(_) if sender == Sender::NonMember => Err(Reason::AuthenticationFailure),
            Err(reason) => Err(reason),
        },
        Message::Commit(c) if c.committer as usize == m && c.forgery.is_none() && !c.outsider => {
            // Our own commit: apply it if still pending, else it lost the epoch.
            if member.pending && c.epoch == member.epoch {
                apply(correct, state, m, &c, c.claimed);
                Ok(())
            } else {
                Err(Reason::WrongEpoch)
            }
        }
        Message::Commit(c) if c.epoch != member.epoch => Err(Reason::WrongEpoch),
        Message::Commit(c) if c.parent != member.branch => Err(Reason::AuthenticationFailure),
        Message::Commit(c) if !covers(&member.cache, &c.by_reference) => {
            processed = false;
            Err(Reason::UnknownProposal)
        }
        Message::Commit(c) => {
            let list = c.proposals();
            match process_commit(&list, &c.claimed, &member.application_states, rules) {
                Ok(next) => {
                    apply(correct, state, m, &c, next);
                    Ok(())
                }
                // A member that does not check the confirmation tag keeps what
                // it computed (seeded fault `skip_confirmation`).
                Err(Reason::StateMismatch) if rules.faults.skip_confirmation => {
                    let own =
                        crate::rules::r5_apply_in_order(&list, &member.application_states, rules);
                    apply(correct, state, m, &c, own);
                    Ok(())
                }
                Err(reason) => Err(reason),
            }
        }
    };
    if processed {
        mark_processed(state, m, at);
    }
    let member = &mut state.members[m];
    member.last = match (outcome, msg) {
        (Err(r), _) => Outcome::Rejected(r),
        (Ok(()), Message::Proposal { .. }) => Outcome::AcceptedProposal,
        (Ok(()), Message::Commit(_)) => member.last, // set by `apply`
    };
}

/// Whether `cache` holds every proposal of `by_reference`.
fn covers(cache: &ProposalSet, by_reference: &ProposalSet) -> bool {
    by_reference
        .iter()
        .all(|item| cache.contains(item.sender, item.proposal))
}

/// Member `m` has processed log position `at`.
fn mark_processed(state: &mut State, m: usize, at: usize) {
    let member = &mut state.members[m];
    if at == member.cursor as usize {
        member.cursor += 1;
        while member.seen_ahead & (1 << member.cursor) != 0 {
            member.seen_ahead &= !(1 << member.cursor);
            member.cursor += 1;
        }
    } else {
        member.seen_ahead |= 1 << at;
    }
}

/// Member `m` moves to the next epoch with `next` as its `application_states`.
fn apply(correct: &Rules, state: &mut State, m: usize, commit: &Commit, next: ApplicationStates) {
    let list = commit.proposals();
    let member = &mut state.members[m];
    state
        .ghost
        .audit(&list, commit, &member.application_states, &next, correct);
    member.epoch += 1;
    member.branch = commit.id;
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

/// Drops the log prefix every member has processed.
pub(crate) fn normalize(state: &mut State) {
    let done = state.members.iter().map(|m| m.cursor).min().unwrap_or(0);
    if done > 0 {
        state.log.drain(..done as usize);
        for member in &mut state.members {
            member.cursor -= done;
            member.seen_ahead >>= done;
        }
    }
}

/// Whether commits get ids and members branches: only where the group can
/// fork (an unordered delivery service, or seeded faults). Elsewhere every
/// member applies the same commit for each epoch, and counting ids would
/// only multiply equal states.
pub(crate) fn tracks_branches(cfg: &AppSyncConfig) -> bool {
    cfg.delivery == DeliveryPolicy::Unordered || cfg.faults != Faults::default()
}

/// The next commit id (0 where branches are not tracked).
pub(crate) fn next_commit_id(cfg: &AppSyncConfig, state: &mut State) -> u8 {
    if tracks_branches(cfg) {
        state.commits += 1;
        state.commits
    } else {
        0
    }
}
