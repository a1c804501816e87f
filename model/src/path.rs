//! Text encoding of actions and paths, and replay, so that a counterexample
//! can be printed, stored, and replayed by the conformance harness. A path
//! that cannot be replayed says which step fails and what was enabled there.
//!
//! Grammar (one action per token; tokens separated by whitespace or `;`):
//! `propose(m1,app2=1)` `propose_gce(m0)` `commit(m0,[])` `commit(m0,[app1=1])`
//! `external(app1=1)` `inject(app1=1)` `external_commit(app1=7)`
//! `forge(adv,gce|dup|unknown|mismatch|gce-bytes|gce-dup|unknown-ref)`
//! `forge(adv,app-truncated|app-trailing|app-nonminimal|app-toolong)`
//! `deliver(m2)` `deliver(m2,@3)` (log position 3, out of order).

use crate::compact::ByValue;
use crate::model::{Action, AppSyncModel};
use crate::semantics::{AppSync, AppSyncDefect};
use crate::state::{Forgery, State};
use stateright::Model;
use std::fmt;
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
            Forgery::UnknownIdByReference => "unknown-ref",
            Forgery::UndecodableAppSync(defect) => return write!(f, "app-{defect}"),
        })
    }
}

impl fmt::Display for AppSyncDefect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AppSyncDefect::Truncated => "truncated",
            AppSyncDefect::TrailingBytes => "trailing",
            AppSyncDefect::NonMinimalLength => "nonminimal",
            AppSyncDefect::TooLongLength => "toolong",
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
                "unknown-ref" => Forgery::UnknownIdByReference,
                other => {
                    let defect = other.strip_prefix("app-")?;
                    let defect = AppSyncDefect::ALL
                        .into_iter()
                        .find(|d| d.to_string() == defect)?;
                    Forgery::UndecodableAppSync(defect)
                }
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

/// Why a path does not replay: the first step the model cannot take, and
/// what it could have taken there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplayError {
    /// 0-based index of the first action that cannot be taken.
    pub step: usize,
    pub action: Action,
    /// Why not, in words.
    pub why: &'static str,
    /// The actions the model can take in that state (those that lead
    /// somewhere within its bounds), in the model's order.
    pub enabled: Vec<Action>,
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "step {} ({}) cannot be taken: {}; enabled there: ",
            self.step + 1,
            self.action,
            self.why
        )?;
        if self.enabled.is_empty() {
            return f.write_str("nothing");
        }
        f.write_str(&encode_path(&self.enabled))
    }
}

impl std::error::Error for ReplayError {}

/// The actions `model` can take in `state`: offered by its guards, built by
/// the committer, and leading to a state within the bounds (what the
/// checker explores).
pub fn enabled_actions(model: &AppSyncModel, state: &State) -> Vec<Action> {
    let mut offered = Vec::new();
    model.actions(state, &mut offered);
    offered.retain(|a| {
        model
            .next_state(state, *a)
            .is_some_and(|next| model.within_boundary(&next))
    });
    offered
}

/// Replays a path from the initial state, checking that each action can be
/// taken. Returns every state along the way (initial state first).
pub fn replay(model: &AppSyncModel, actions: &[Action]) -> Result<Vec<State>, ReplayError> {
    let mut states = vec![model.initial_state()];
    let mut offered = Vec::new();
    for (step, action) in actions.iter().enumerate() {
        let last = states.last().expect("starts with the initial state");
        offered.clear();
        model.actions(last, &mut offered);
        let next = offered
            .contains(action)
            .then(|| model.next_state(last, *action))
            .flatten();
        let why = match &next {
            _ if !offered.contains(action) => "the model does not offer it in this state",
            None => "the committer refuses to build it (empty, or the send rules drop it)",
            Some(s) if !model.within_boundary(s) => "it leads past the configuration's bounds",
            Some(_) => "",
        };
        match next {
            Some(next) if why.is_empty() => states.push(next),
            _ => {
                return Err(ReplayError {
                    step,
                    action: *action,
                    why,
                    enabled: enabled_actions(model, last),
                });
            }
        }
    }
    Ok(states)
}
