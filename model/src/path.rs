//! Text encoding of actions and paths, and replay, so that a counterexample
//! can be printed, stored, and replayed by the conformance harness.
//!
//! Grammar (one action per token; tokens separated by whitespace or `;`):
//! `propose(m1,app2=1)` `propose_gce(m0)` `commit(m0,[])` `commit(m0,[app1=1])`
//! `external(app1=1)` `inject(app1=1)` `external_commit(app1=7)` `forge(adv,gce|dup|unknown|mismatch|gce-bytes|gce-dup)`
//! `deliver(m2)` `deliver(m2,@3)` (log position 3, out of order).

use crate::compact::ByValue;
use crate::config::AppSyncConfig;
use crate::model::{Action, AppSyncModel};
use crate::semantics::AppSync;
use crate::state::{Forgery, Outcome, State};
use stateright::{Checker, HasDiscoveries, Model};
use std::fmt::{self, Write};
use std::str::FromStr;

impl fmt::Display for Forgery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Forgery::AppSyncWithGce => "gce",
            Forgery::DuplicateId => "dup",
            Forgery::UnknownId => "unknown",
            Forgery::StateMismatch => "mismatch",
            Forgery::UndecodableStates => "gce-bytes",
            Forgery::RepeatedIdStates => "gce-dup",
        })
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Propose { member, app_sync } => write!(f, "propose(m{member},{app_sync})"),
            Action::ProposeGce { member } => write!(f, "propose_gce(m{member})"),
            Action::Commit { member, by_value } => write!(f, "commit(m{member},{by_value:?})"),
            Action::External { app_sync } => write!(f, "external({app_sync})"),
            Action::Inject { app_sync } => write!(f, "inject({app_sync})"),
            Action::ExternalCommit { app_sync } => write!(f, "external_commit({app_sync})"),
            Action::Forge { forgery } => write!(f, "forge(adv,{forgery})"),
            Action::Deliver { member } => write!(f, "deliver(m{member})"),
            Action::DeliverAt { member, at } => write!(f, "deliver(m{member},@{at})"),
        }
    }
}

/// Why a token is not an action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseActionError(pub String);

impl fmt::Display for ParseActionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot parse action `{}`", self.0)
    }
}

impl std::error::Error for ParseActionError {}

fn member(s: &str) -> Option<u8> {
    s.strip_prefix('m')?.parse().ok()
}

fn app_sync(s: &str) -> Option<AppSync> {
    let (id, v) = s.strip_prefix("app")?.split_once('=')?;
    Some(AppSync {
        application_id: id.parse().ok()?,
        new_state: v.parse().ok()?,
    })
}

fn parse(s: &str) -> Option<Action> {
    let (name, rest) = s.split_once('(')?;
    let args = rest.strip_suffix(')')?;
    Some(match name {
        "propose" => {
            let (m, a) = args.split_once(',')?;
            Action::Propose {
                member: member(m)?,
                app_sync: app_sync(a)?,
            }
        }
        "propose_gce" => Action::ProposeGce {
            member: member(args)?,
        },
        "commit" => {
            let (m, list) = args.split_once(',')?;
            let inner = list.strip_prefix('[')?.strip_suffix(']')?;
            let tokens: Vec<&str> = inner.split(',').filter(|t| !t.is_empty()).collect();
            let gce = tokens.last() == Some(&"gce");
            let app_syncs = &tokens[..tokens.len() - usize::from(gce)];
            let items: Option<Vec<AppSync>> = app_syncs.iter().map(|t| app_sync(t)).collect();
            let items = items?;
            if items.len() > 2 {
                return None;
            }
            let by_value = ByValue::new(&items);
            Action::Commit {
                member: member(m)?,
                by_value: if gce { by_value.with_gce() } else { by_value },
            }
        }
        "external" => Action::External {
            app_sync: app_sync(args)?,
        },
        "external_commit" => Action::ExternalCommit {
            app_sync: app_sync(args)?,
        },
        "inject" => Action::Inject {
            app_sync: app_sync(args)?,
        },
        "forge" => {
            let forgery = match args.strip_prefix("adv,")? {
                "gce" => Forgery::AppSyncWithGce,
                "dup" => Forgery::DuplicateId,
                "unknown" => Forgery::UnknownId,
                "mismatch" => Forgery::StateMismatch,
                "gce-bytes" => Forgery::UndecodableStates,
                "gce-dup" => Forgery::RepeatedIdStates,
                _ => return None,
            };
            Action::Forge { forgery }
        }
        "deliver" => match args.split_once(',') {
            None => Action::Deliver {
                member: member(args)?,
            },
            Some((m, at)) => Action::DeliverAt {
                member: member(m)?,
                at: at.strip_prefix('@')?.parse().ok()?,
            },
        },
        _ => return None,
    })
}

impl FromStr for Action {
    type Err = ParseActionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s.trim()).ok_or_else(|| ParseActionError(s.to_string()))
    }
}

/// A path (actions from the unique initial state) as one line of text.
pub fn encode_path(actions: &[Action]) -> String {
    actions
        .iter()
        .map(Action::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Parses a path written by [`encode_path`] (also accepts `;` and newlines).
pub fn decode_path(text: &str) -> Result<Vec<Action>, ParseActionError> {
    text.split(|c: char| c.is_whitespace() || c == ';')
        .filter(|t| !t.is_empty())
        .map(str::parse)
        .collect()
}

/// Why a path does not replay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplayError {
    /// 0-based index of the first action that is not enabled.
    pub step: usize,
    pub action: Action,
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "step {}: `{}` is not enabled", self.step, self.action)
    }
}

impl std::error::Error for ReplayError {}

/// Replays a path from the initial state, checking that each action is enabled.
/// Returns every state along the way (initial state first).
pub fn replay(model: &AppSyncModel, actions: &[Action]) -> Result<Vec<State>, ReplayError> {
    let mut states = vec![model.initial_state()];
    let mut enabled = Vec::new();
    for (step, action) in actions.iter().enumerate() {
        let last = states.last().expect("non-empty");
        enabled.clear();
        model.actions(last, &mut enabled);
        let next = enabled
            .contains(action)
            .then(|| model.next_state(last, *action))
            .flatten()
            .ok_or(ReplayError {
                step,
                action: *action,
            })?;
        states.push(next);
    }
    Ok(states)
}

/// One line per member: `m0 e1 {app1=1,app2=0} pending last=...`.
pub fn describe_members(model: &AppSyncModel, state: &State) -> String {
    let mut out = String::new();
    for (i, m) in state.members.iter().enumerate() {
        let view = model.member_view(state, i);
        let apps: Vec<String> = view
            .application_states
            .iter()
            .map(|(id, v)| format!("app{id}={v}"))
            .collect();
        let last = match m.last {
            Outcome::Nothing => "-".to_string(),
            Outcome::AcceptedProposal => "accepted proposal".to_string(),
            Outcome::AcceptedCommit { app_syncs, .. } => {
                format!("applied commit ({app_syncs} AppSync)")
            }
            Outcome::Rejected(r) => format!("rejected {r:?}"),
        };
        let pending = if m.pending { " pending-commit" } else { "" };
        let _ = write!(
            out,
            "m{i}: epoch {} {{{}}}{pending}; last: {last}",
            view.epoch,
            apps.join(",")
        );
        if i + 1 < state.members.len() {
            out.push_str(" | ");
        }
    }
    out
}

/// A numbered, readable trace: each action followed by the members afterwards.
pub fn format_trace(model: &AppSyncModel, actions: &[Action]) -> Result<String, ReplayError> {
    let states = replay(model, actions)?;
    let mut out = String::new();
    let _ = writeln!(out, "0. initial: {}", describe_members(model, &states[0]));
    for (i, (action, state)) in actions.iter().zip(&states[1..]).enumerate() {
        let _ = writeln!(
            out,
            "{}. {action}: {}",
            i + 1,
            describe_members(model, state)
        );
    }
    Ok(out)
}

/// A shortest path to a discovery of `property` (a counterexample of an
/// `always`, a witness of a `sometimes`), by stateright's BFS.
///
/// Stateright 0.31 overwrites a property's discovery each time a later state
/// also satisfies it, so a plain BFS run can report a longer path than the
/// shortest. We deepen the bound one level at a time instead: the first depth
/// at which BFS finds anything yields a shortest path.
pub fn shortest_discovery(
    cfg: &AppSyncConfig,
    property: &'static str,
    max_len: usize,
) -> Option<Vec<Action>> {
    for len in 1..=max_len {
        let checker = cfg
            .clone()
            .into_model()
            .checker()
            .finish_when(HasDiscoveries::AnyOf([property].into()))
            // Depth d checks paths of at most d-2 actions.
            .target_max_depth(len + 2)
            .spawn_bfs()
            .join();
        if let Some(path) = checker.discovery(property) {
            return Some(path.into_actions());
        }
    }
    None
}
