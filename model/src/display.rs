//! The model in its own words: actors named `m0`, `m1`, `adv`, `ext`, `nm`,
//! messages, outcomes, a configuration and a whole state as short text. The
//! Explorer, the command line's traces and the message-sequence charts all
//! print through here, so a state reads the same everywhere.
//!
//! `State` and `Action` print this way through `Debug` too, because
//! stateright's Explorer shows a state as its `{:#?}` and the progress of a
//! search as the `{:?}` of its actions.

use std::fmt::{self, Write};

use crate::config::{AppSyncConfig, DeliveryPolicy};
use crate::model::Action;
use crate::presets::PRESETS;
use crate::semantics::{GcePolicy, Item, Proposal, Sender, StatesDefect, UnknownIdPolicy};
use crate::state::{Commit, Ghost, Message, Outcome, State};

/// The name of a sender. Leaf `members` (one past the honest members) is the
/// adversary: only its forged commits name it.
pub fn sender_name(sender: Sender, members: usize) -> String {
    match sender {
        Sender::Member(m) if m as usize == members => "adv".into(),
        Sender::Member(m) => format!("m{m}"),
        Sender::External => "ext".into(),
        Sender::NonMember => "nm".into(),
    }
}

/// A proposal's content: `app2:=1` for an AppSync, or which GCE.
pub fn proposal_text(proposal: Proposal) -> String {
    match proposal {
        Proposal::AppSync(a) => format!("app{}:={}", a.application_id, a.new_state),
        Proposal::Gce => "GCE(initial states)".into(),
        Proposal::IllFormedGce(StatesDefect::Undecodable) => "GCE(undecodable states)".into(),
        Proposal::IllFormedGce(StatesDefect::RepeatedId) => "GCE(one id twice)".into(),
        Proposal::UndecodableAppSync(defect) => format!("AppSync(undecodable: {defect})"),
    }
}

fn item_text(item: &Item, members: usize) -> String {
    let content = proposal_text(item.proposal);
    if item.by_value {
        content
    } else {
        format!("{} {content}", sender_name(item.sender, members))
    }
}

/// A commit: its epoch, committer, what it carries and the state it claims.
pub fn commit_text(c: &Commit, members: usize) -> String {
    let committer = sender_name(Sender::Member(c.committer), members);
    let items: Vec<String> = c
        .proposals()
        .as_slice()
        .iter()
        .map(|i| item_text(i, members))
        .collect();
    let forged = c
        .forgery
        .map(|f| format!("forged ({f}) "))
        .unwrap_or_default();
    format!(
        "{forged}commit e{} by {committer} [{}] claims {:?}",
        c.epoch,
        items.join(", "),
        c.claimed
    )
}

/// The newest commit in `state`'s log: the one a commit action just sent.
pub fn newest_commit(state: &State) -> Option<&Commit> {
    state.log.iter().rev().find_map(|m| match m {
        Message::Commit(c) => Some(c),
        Message::Proposal { .. } => None,
    })
}

/// A message of the delivery service's log.
pub fn message_text(msg: &Message, members: usize) -> String {
    match msg {
        Message::Proposal {
            sender,
            epoch,
            proposal,
            ..
        } => format!(
            "proposal e{epoch} from {} {}",
            sender_name(*sender, members),
            proposal_text(*proposal)
        ),
        Message::Commit(c) => commit_text(c, members),
    }
}

/// What a member did with the last message it processed.
pub fn outcome_text(outcome: Outcome) -> String {
    match outcome {
        Outcome::Nothing => "-".into(),
        Outcome::AcceptedProposal => "accepted a proposal".into(),
        Outcome::AcceptedCommit {
            app_syncs,
            external,
        } => {
            let from_ext = if external { ", one from ext" } else { "" };
            let plural = if app_syncs == 1 { "" } else { "s" };
            format!("applied a commit ({app_syncs} AppSync{plural}{from_ext})")
        }
        Outcome::Rejected(reason) => format!("rejected ({reason:?})"),
    }
}

/// Who has yet to process log entry `position`: every member whose cursor
/// has not passed it, except the sender of a proposal (members never receive
/// their own proposals).
pub fn waiting_for(state: &State, position: usize) -> Vec<usize> {
    let own = match state.log.get(position) {
        Some(Message::Proposal {
            sender: Sender::Member(s),
            ..
        }) => Some(*s as usize),
        _ => None,
    };
    (0..state.members.len())
        .filter(|&m| state.members[m].cursor as usize <= position && own != Some(m))
        .collect()
}

/// One line per honest member: epoch, `application_states`, cache, pending
/// commit, last outcome, and the update its application still wants.
pub fn member_line(state: &State, m: usize) -> String {
    let member = &state.members[m];
    let n = state.members.len();
    let mut line = format!(
        "m{m}  epoch {}  {:?}",
        member.epoch, member.application_states
    );
    if !member.cache.is_empty() {
        let cache: Vec<String> = member.cache.iter().map(|i| item_text(&i, n)).collect();
        let _ = write!(line, "  cache [{}]", cache.join(", "));
    }
    if member.pending {
        line.push_str("  pending commit");
    }
    let _ = write!(line, "  last: {}", outcome_text(member.last));
    if let Some(intent) = member.intent {
        let read = match intent.read {
            Some(v) => format!("app{}={v}", intent.app_sync.application_id),
            None => format!("no app{}", intent.app_sync.application_id),
        };
        let _ = write!(
            line,
            "  wants {} (read {read})",
            proposal_text(Proposal::AppSync(intent.app_sync))
        );
    }
    line
}

/// The group's newest epoch and the outside actors' counters, omitting
/// counters still at zero (a state alone does not say which actors exist).
pub fn group_line(state: &State) -> String {
    let mut line = format!(
        "group  epoch {}  {:?}",
        state.group_epoch, state.group_states
    );
    if state.external_sent > 0 {
        let epoch = state
            .external_last_epoch
            .map_or("-".into(), |e| e.to_string());
        let _ = write!(
            line,
            "  ext sent {} (last in e{epoch})",
            state.external_sent
        );
    }
    if state.injected > 0 {
        let _ = write!(line, "  nm injected {}", state.injected);
    }
    if state.forged > 0 {
        let _ = write!(line, "  adv forged {}", state.forged);
    }
    if !state.adversary_cache.is_empty() {
        let _ = write!(line, "  adv cache {:?}", state.adversary_cache);
    }
    line
}

/// The log entries not yet processed by everyone, oldest first, each with
/// the members still to process it.
pub fn in_flight_lines(state: &State) -> Vec<String> {
    let n = state.members.len();
    (0..state.log.len())
        .filter_map(|p| {
            let waiting = waiting_for(state, p);
            (!waiting.is_empty()).then(|| {
                let to: Vec<String> = waiting.iter().map(|m| format!("m{m}")).collect();
                format!("{} -> {}", message_text(&state.log[p], n), to.join(", "))
            })
        })
        .collect()
}

/// The ghost facts set so far, by name.
pub fn ghost_names(ghost: Ghost) -> Vec<&'static str> {
    [
        (
            Ghost::INVALID_LIST_APPLIED,
            "an invalid proposal list was applied",
        ),
        (Ghost::FORGED_COMMIT_APPLIED, "a forged commit was applied"),
        (Ghost::UNAUTHENTIC_VALUE, "an unauthentic value entered"),
        (
            Ghost::COMMITTED_APP_SYNC_INVISIBLE,
            "a committed AppSync is not visible",
        ),
        (
            Ghost::WRITE_WITHOUT_APP_SYNC,
            "application_states changed without AppSync",
        ),
    ]
    .into_iter()
    .filter(|(bit, _)| ghost.has(*bit))
    .map(|(_, name)| name)
    .collect()
}

/// The whole state, one fact per line: members, the group, in-flight
/// messages and ghost facts. Lines are stable, so two states can be
/// compared line by line (the Explorer marks the lines a step changed).
pub fn state_lines(state: &State) -> Vec<String> {
    let mut lines: Vec<String> = (0..state.members.len())
        .map(|m| member_line(state, m))
        .collect();
    lines.push(group_line(state));
    let in_flight = in_flight_lines(state);
    if in_flight.is_empty() {
        lines.push("in flight: nothing".into());
    } else {
        lines.push("in flight (oldest first):".into());
        lines.extend(in_flight.into_iter().map(|l| format!("  {l}")));
    }
    let ghosts = ghost_names(state.ghost);
    if !ghosts.is_empty() {
        lines.push(format!("history: {}", ghosts.join("; ")));
    }
    lines
}

/// `after`'s lines, each marked `>` if `before` has no such line: the
/// change a step made.
pub fn changed_lines(before: &State, after: &State) -> Vec<String> {
    let old = state_lines(before);
    state_lines(after)
        .into_iter()
        .map(|line| {
            let mark = if old.contains(&line) { ' ' } else { '>' };
            format!("{mark} {line}")
        })
        .collect()
}

impl fmt::Debug for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines = state_lines(self);
        f.write_str(&lines.join(if f.alternate() { "\n" } else { " | " }))
    }
}

/// Actions print as the path encoding (`propose(m0,app1=1)`), which is also
/// what `appsync replay` reads.
impl fmt::Debug for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The preset whose configuration `cfg` is, if any.
pub fn preset_name(cfg: &AppSyncConfig) -> Option<&'static str> {
    PRESETS.iter().find(|p| p.config() == *cfg).map(|p| p.name)
}

/// A configuration in one line of words: its preset (if it is one), the
/// actors, the bounds, the delivery policy, the readings, and any fault
/// that is on.
pub fn config_text(cfg: &AppSyncConfig) -> String {
    let mut parts = vec![
        format!("{} members", cfg.members),
        format!("application ids 1..={}", cfg.application_ids),
        format!("max epoch {}", cfg.max_epoch),
        format!("{} proposal(s) in flight", cfg.max_in_flight),
        format!("{} AppSync(s) by value per commit", cfg.max_by_value),
    ];
    let actors = [
        (cfg.external_proposals, "external sender"),
        (cfg.injections, "non-member proposal"),
        (cfg.external_commits, "non-member external commit"),
        (cfg.forgeries, "adversary"),
    ];
    for (count, actor) in actors.into_iter().filter(|(c, _)| *c > 0) {
        parts.push(format!("{actor} (at most {count})"));
    }
    if cfg.propose_unknown_id {
        parts.push("unknown id proposed".into());
    }
    if cfg.by_value_unknown_ids {
        parts.push("two new ids by value".into());
    }
    if cfg.gce_proposals {
        parts.push("GCE proposals".into());
    }
    if cfg.by_value_refusals {
        parts.push("by-value lists to refuse".into());
    }
    if cfg.undecodable_app_syncs {
        parts.push("undecodable AppSyncs forged".into());
    }
    if cfg.retry == crate::config::RetryPolicy::ReRead {
        parts.push("applications re-read before re-sending".into());
    }
    parts.push(
        match cfg.delivery {
            DeliveryPolicy::Relay => "relay",
            DeliveryPolicy::Sequencer => "sequencer",
            DeliveryPolicy::Unordered => "unordered delivery",
        }
        .into(),
    );
    parts.push(
        match cfg.unknown_id {
            UnknownIdPolicy::Reject => "unknown ids rejected",
            UnknownIdPolicy::Create => "unknown ids created",
        }
        .into(),
    );
    parts.push(
        match cfg.gce {
            GcePolicy::MayRewrite => "GCE may rewrite",
            GcePolicy::MustNotChange => "GCE must not change states",
        }
        .into(),
    );
    parts.extend(fault_names(cfg).into_iter().map(|f| format!("FAULT {f}")));
    if let Some(m) = cfg.faulty_member {
        parts.push(format!("faults in m{m} only"));
    }
    let text = parts.join(", ");
    match preset_name(cfg) {
        Some(name) => format!("preset {name}: {text}"),
        None => text,
    }
}

/// The seeded faults that are on, by field name.
pub fn fault_names(cfg: &AppSyncConfig) -> Vec<&'static str> {
    let f = cfg.faults;
    [
        (f.accept_app_sync_with_gce, "accept_app_sync_with_gce"),
        (f.accept_duplicate_ids, "accept_duplicate_ids"),
        (f.skip_apply, "skip_apply"),
        (f.skip_sender_check, "skip_sender_check"),
        (f.accept_ill_formed_states, "accept_ill_formed_states"),
        (f.skip_confirmation, "skip_confirmation"),
        (f.committer_skips_apply, "committer_skips_apply"),
        (f.accept_unknown_id, "accept_unknown_id"),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, name)| name)
    .collect()
}
