//! Paths that explain themselves: what each step did in words (who sent
//! what, what a proposer had read, what a member did with a message), and
//! why a path's last state violates or witnesses a property. Traces on the
//! command line, the charts and the Explorer use these sentences.

use std::fmt::Write;

use crate::display::{
    changed_lines, commit_text, message_text, newest_commit, proposal_text, state_lines,
};
use crate::model::{Action, AppSyncModel};
use crate::path::{ReplayError, replay};
use crate::properties::{self as p, lost_update};
use crate::semantics::{AppSyncDefect, MAX_MEMBERS, Proposal, Reason};
use crate::state::{Forgery, Ghost, Message, Outcome, State};
use stateright::{Expectation, Model};

/// Who writes value `v` (values are writer tags, see `semantics`).
pub fn writer_of(v: u8) -> String {
    match v {
        0 => "the initial value".into(),
        v if (v as usize) <= MAX_MEMBERS => format!("m{}", v - 1),
        v if v as usize == MAX_MEMBERS + 1 => "ext".into(),
        v if v as usize == MAX_MEMBERS + 2 => "nm".into(),
        _ => "adv".into(),
    }
}

fn forgery_text(f: Forgery) -> &'static str {
    match f {
        Forgery::AppSyncWithGce => "an AppSync next to a GCE (breaks R4)",
        Forgery::DuplicateId => "two AppSyncs for one id (breaks R5)",
        Forgery::UnknownId => "an AppSync for an unknown id (breaks R3)",
        Forgery::StateMismatch => "a claimed state its proposals do not produce (R9)",
        Forgery::UndecodableStates => "a GCE whose application_states does not decode (R10)",
        Forgery::RepeatedIdStates => "a GCE whose application_states names an id twice (R10)",
        Forgery::UnknownIdByReference => {
            "a cached AppSync for an unknown id, by reference (breaks R3)"
        }
        Forgery::UndecodableAppSync(AppSyncDefect::Truncated) => {
            "an AppSync whose new_state is shorter than its length (breaks R2)"
        }
        Forgery::UndecodableAppSync(AppSyncDefect::TrailingBytes) => {
            "an AppSync followed by a stray byte (breaks R2)"
        }
        Forgery::UndecodableAppSync(AppSyncDefect::NonMinimalLength) => {
            "an AppSync whose length prefix is not minimal (breaks R2)"
        }
        Forgery::UndecodableAppSync(AppSyncDefect::TooLongLength) => {
            "an AppSync whose length prefix announces 2^30 bytes (breaks R2)"
        }
    }
}

/// One sentence on what `action` did, from `before` to `after`.
pub fn describe_step(before: &State, action: &Action, after: &State) -> String {
    let n = before.members.len();
    match *action {
        Action::Propose { member, app_sync } => {
            let m = &before.members[member as usize];
            let id = app_sync.application_id;
            let shown = |v: Option<u8>| v.map_or("absent".into(), |v| v.to_string());
            let now = shown(m.application_states.get(id));
            let what = proposal_text(Proposal::AppSync(app_sync));
            match m.intent {
                Some(intent) => format!(
                    "m{member} re-sends its update {what} for epoch {}: chosen when app{id} was {}, \
                     app{id} is now {now}",
                    m.epoch,
                    shown(intent.read)
                ),
                None => format!(
                    "m{member} sends AppSync {what} by reference for epoch {}; its application \
                     read app{id}={now}",
                    m.epoch
                ),
            }
        }
        Action::ProposeGce { member } => format!(
            "m{member} sends a GroupContextExtensions proposal (application_states back to the \
             initial list) for epoch {}",
            before.members[member as usize].epoch
        ),
        Action::Commit { member, .. } => match newest_commit(after) {
            Some(c) => format!("m{member} sends {}", commit_text(c, n)),
            None => format!("m{member} commits"),
        },
        Action::External { app_sync } => format!(
            "ext (a listed external sender) sends AppSync {} for the group's epoch {}",
            proposal_text(Proposal::AppSync(app_sync)),
            before.group_epoch
        ),
        Action::Inject { app_sync } => format!(
            "nm (not a member) sends AppSync {} for epoch {}",
            proposal_text(Proposal::AppSync(app_sync)),
            before.group_epoch
        ),
        Action::ExternalCommit { app_sync } => format!(
            "nm (not a member) joins by external commit carrying AppSync {} at epoch {}",
            proposal_text(Proposal::AppSync(app_sync)),
            before.group_epoch
        ),
        Action::Forge { forgery } => match newest_commit(after) {
            Some(c) => format!(
                "adv forges {}: {}",
                forgery_text(forgery),
                commit_text(c, n)
            ),
            None => format!("adv forges {}", forgery_text(forgery)),
        },
        Action::Deliver { member } | Action::DeliverAt { member, .. } => {
            let m = member as usize;
            let at = action.delivery(before).map(|(_, at)| at);
            let Some(msg) = at.and_then(|at| before.log.get(at)) else {
                return format!("m{member} has nothing to process");
            };
            let result = match after.members[m].last {
                Outcome::Rejected(reason) => format!("rejected ({reason:?})"),
                Outcome::AcceptedProposal => "cached".into(),
                Outcome::AcceptedCommit { .. } => format!(
                    "applied, now epoch {} {:?}",
                    after.members[m].epoch, after.members[m].application_states
                ),
                Outcome::Nothing => "nothing".into(),
            };
            format!("m{member} processes {}: {result}", message_text(msg, n))
        }
    }
}

/// The ghost bit behind each ghost-checked property.
fn ghost_bit(property: &str) -> Option<(u8, &'static str)> {
    Some(match property {
        p::NO_INVALID_LIST_APPLIED => (
            Ghost::INVALID_LIST_APPLIED,
            "an honest member applied a proposal list our rules call invalid",
        ),
        p::FORGED_COMMITS_REJECTED => (
            Ghost::FORGED_COMMIT_APPLIED,
            "an honest member applied a forged commit",
        ),
        p::AUTHENTICITY => (
            Ghost::UNAUTHENTIC_VALUE,
            "a value entered application_states without an AppSync from an authorized sender",
        ),
        p::COMMITTED_APP_SYNC_VISIBLE => (
            Ghost::COMMITTED_APP_SYNC_INVISIBLE,
            "an applied AppSync's new_state is not in the result",
        ),
        p::ONLY_APP_SYNC_WRITES => (
            Ghost::WRITE_WITHOUT_APP_SYNC,
            "a value changed without an AppSync for its id",
        ),
        _ => return None,
    })
}

/// Why the lost update in `s` is one, and what delivering it does.
fn why_lost_update(model: &AppSyncModel, s: &State) -> Option<String> {
    let (committer, proposer) = lost_update(s)?;
    let n = s.members.len();
    let c = s.log.iter().find_map(|m| match m {
        Message::Commit(c) if c.committer == committer && c.forgery.is_none() => Some(c),
        _ => None,
    })?;
    let intent = s.members[proposer as usize].intent?;
    let id = intent.app_sync.application_id;
    let now = s.members[committer as usize].application_states.get(id)?;
    let read = intent
        .read
        .map_or("absent".to_string(), |v| format!("was {v}"));
    let mut text = format!(
        "The {}: it is the first commit of epoch {} in the log, so every member will apply it. \
         It carries m{proposer}'s AppSync {}, which m{proposer}'s application chose when \
         app{id} {read}; app{id} is now {now} ({}'s update). Applying it overwrites {now} with {}: \
         an update m{proposer} never saw is lost, and since every member applies the same commit, \
         no MLS check can object.",
        commit_text(c, n),
        c.epoch,
        proposal_text(Proposal::AppSync(intent.app_sync)),
        writer_of(now),
        intent.app_sync.new_state,
    );
    // What follows: every member processes everything in flight.
    let mut after = s.clone();
    while let Some(m) = (0..n).find(|&m| after.next_message(m).is_some()) {
        let Some(next) = model.next_state(&after, Action::Deliver { member: m as u8 }) else {
            break;
        };
        after = next;
    }
    let values: Vec<String> = (0..n)
        .map(|m| {
            let v = after.members[m].application_states.get(id);
            format!("m{m} app{id}={}", v.map_or("-".into(), |v| v.to_string()))
        })
        .collect();
    let _ = write!(
        text,
        " Once everything in flight is processed: {}.",
        values.join(", ")
    );
    Some(text)
}

/// Two members in one epoch with different `application_states`, if any.
fn disagreeing_pair(s: &State, same_epoch: bool) -> Option<(usize, usize)> {
    let n = s.members.len();
    (0..n)
        .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
        .find(|&(a, b)| {
            let (x, y) = (&s.members[a], &s.members[b]);
            let differ = x.application_states != y.application_states;
            if same_epoch {
                x.epoch == y.epoch && differ
            } else {
                x.epoch != y.epoch || differ
            }
        })
}

/// Why the last of `states` (reached by `actions`) violates (an `always`
/// property) or witnesses (a `sometimes` one) `property`.
pub fn why(model: &AppSyncModel, property: &str, states: &[State], actions: &[Action]) -> String {
    let Some(s) = states.last() else {
        return String::new();
    };
    let member = |m: usize| &s.members[m];
    let rejected_by = |pred: &dyn Fn(Outcome) -> bool| {
        (0..s.members.len())
            .find(|&m| pred(member(m).last))
            .map(|m| format!("m{m} {}", crate::display::outcome_text(member(m).last)))
    };
    if let Some((bit, meaning)) = ghost_bit(property) {
        let first = states.iter().position(|st| st.ghost.has(bit));
        return match first {
            Some(k) if k > 0 => format!(
                "{meaning}: at step {k}, {}",
                describe_step(&states[k - 1], &actions[k - 1], &states[k])
            ),
            _ => meaning.to_string(),
        };
    }
    let text = match property {
        p::NO_LOST_UPDATE => why_lost_update(model, s),
        p::AGREEMENT => disagreeing_pair(s, true).map(|(a, b)| {
            format!(
                "m{a} and m{b} are both in epoch {} but hold {:?} and {:?}: they would derive \
                 different keys",
                member(a).epoch,
                member(a).application_states,
                member(b).application_states
            )
        }),
        p::CONVERGENCE => disagreeing_pair(s, false).map(|(a, b)| {
            format!(
                "nothing is in flight, yet m{a} is in epoch {} {:?} and m{b} in epoch {} {:?}",
                member(a).epoch,
                member(a).application_states,
                member(b).epoch,
                member(b).application_states
            )
        }),
        p::KNOWN_IDS_ONLY => (0..s.members.len()).find_map(|m| {
            let k = model.cfg.application_ids;
            member(m)
                .application_states
                .entries()
                .find(|e| e.application_id > k)
                .map(|e| {
                    format!(
                        "m{m} holds an entry for app{}, outside the initial ids 1..={k}",
                        e.application_id
                    )
                })
        }),
        p::TWO_APP_SYNCS_APPLIED => Some(format!(
            "every member applied a commit with two AppSyncs and all are in epoch {}",
            member(0).epoch
        )),
        p::EXTERNAL_APP_SYNC_APPLIED => {
            rejected_by(&|o| matches!(o, Outcome::AcceptedCommit { external: true, .. }))
                .map(|t| format!("{t}: the external sender's AppSync is in the group state"))
        }
        p::FORGED_GCE_REJECTED
        | p::FORGED_DUPLICATE_REJECTED
        | p::FORGED_UNKNOWN_REJECTED
        | p::FORGED_MISMATCH_REJECTED
        | p::FORGED_ILL_FORMED_REJECTED
        | p::FORGED_UNDECODABLE_REJECTED
        | p::NON_MEMBER_REJECTED => {
            rejected_by(&|o| matches!(o, Outcome::Rejected(r) if r != Reason::WrongEpoch))
                .map(|t| format!("{t}: the message is refused and its state unchanged"))
        }
        p::CONCURRENT_COMMITS_ONE_WINS => {
            let ahead = (0..s.members.len()).max_by_key(|&m| member(m).epoch);
            ahead.map(|m| {
                format!(
                    "two honest commits for one epoch are in the log and m{m} has already moved \
                     to epoch {}: the first wins, the second will be rejected as WrongEpoch",
                    member(m).epoch
                )
            })
        }
        p::OWN_OTHER_VALUE_REPLACED => Some(
            "an honest member applied an AppSync that replaced its writer's other value: \
             that writer's id went from one of its values to the other"
                .to_string(),
        ),
        p::LIST_ORDER_NOT_ID_ORDER => (0..s.members.len())
            .find(|&m| !member(m).application_states.in_id_order())
            .map(|m| {
                format!(
                    "m{m}'s application_states is {:?}: not in id order, and the order enters \
                     the GroupContext",
                    member(m).application_states
                )
            }),
        _ => None,
    };
    text.unwrap_or_else(|| format!("{property}: decided by the last state"))
}

/// One sentence per property that the last of `states` violates (an
/// `always` one) or witnesses (a `sometimes` one), with why.
pub fn verdict_notes(model: &AppSyncModel, states: &[State], actions: &[Action]) -> Vec<String> {
    let Some(last) = states.last() else {
        return Vec::new();
    };
    let mut notes = Vec::new();
    for claim in crate::properties::claims(&model.cfg) {
        let property = claim.property;
        let holds = (property.condition)(model, last);
        let word = match (property.expectation, holds) {
            (Expectation::Sometimes, true) => "witnesses",
            (Expectation::Always | Expectation::Eventually, false) => "violates",
            _ => continue,
        };
        let why = why(model, property.name, states, actions);
        let stop = if why.ends_with('.') { "" } else { "." };
        notes.push(format!(
            "This state {word} '{}': {why}{stop}",
            property.name
        ));
    }
    notes
}

/// A numbered trace of `actions`: each step's sentence, then the state after
/// it with the lines it changed marked `>` (members with their caches,
/// pending commits and the value each proposer read; what is in flight).
pub fn format_trace(model: &AppSyncModel, actions: &[Action]) -> Result<String, ReplayError> {
    let states = replay(model, actions)?;
    let mut out = String::from("  0. initial state\n");
    for line in state_lines(&states[0]) {
        let _ = writeln!(out, "         {line}");
    }
    for (i, action) in actions.iter().enumerate() {
        let (before, after) = (&states[i], &states[i + 1]);
        let _ = writeln!(
            out,
            "{:>3}. {action}: {}",
            i + 1,
            describe_step(before, action, after)
        );
        for line in changed_lines(before, after) {
            let _ = writeln!(out, "       {line}");
        }
    }
    Ok(out)
}
