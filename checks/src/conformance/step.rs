//! One step of conformance: whether the model can take an action, playing
//! it on the real world, comparing the two views after it, and saying how
//! they disagree. Exhaustive, random and single-path replay all step through
//! here, so an enabled action and a divergence mean the same thing whichever
//! search met them.

use appsync_model::{
    Action, AppSync as ModelAppSync, AppSyncDefect, AppSyncModel, Commit, Message, Outcome,
    Proposal, Reason, Sender, State,
};
use mls_appsync::{AppSyncError, CodecError};
use stateright::Model;

use super::view::{Difference, compare};
use super::world::{RealWorld, WorldError};

/// A disagreement, with the path that leads to it.
#[derive(Debug)]
pub struct Divergence {
    /// The actions from the initial state, the last one being the step that
    /// diverged (empty: the initial states already differ).
    pub path: Vec<Action>,
    /// What differs.
    pub difference: Difference,
}

impl Divergence {
    /// The one place a divergence is made, so that every search reports the
    /// path it followed in the same form.
    pub(crate) fn new(path: &[Action], difference: Difference) -> Self {
        Self {
            path: path.to_vec(),
            difference,
        }
    }
}

impl std::fmt::Display for Divergence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "model and implementation diverge after {} steps:",
            self.path.len()
        )?;
        for (i, action) in self.path.iter().enumerate() {
            writeln!(f, "  {:>3}. {action}", i + 1)?;
        }
        // The command that replays it needs the configuration's flags,
        // which only the command line knows: it prints that line.
        write!(f, "  {}", self.difference)
    }
}

/// Why a conformance run stopped.
#[derive(Debug, thiserror::Error)]
pub enum ConformanceError {
    /// The model and the implementation disagree.
    #[error("{0}")]
    Divergence(Box<Divergence>),
    /// The real world could not be built or stepped for a reason that is not
    /// a disagreement (setup, unsupported configuration).
    #[error(transparent)]
    World(#[from] WorldError),
}

/// A divergence ends a run: `?` makes it the run's error.
impl From<Divergence> for ConformanceError {
    fn from(divergence: Divergence) -> Self {
        Self::Divergence(Box::new(divergence))
    }
}

/// Compares `world` with the model's `state`, which `path` reached.
pub(crate) fn compare_at(
    model: &AppSyncModel,
    state: &State,
    world: &RealWorld,
    path: &[Action],
) -> Result<(), Divergence> {
    compare(model, state, world).map_err(|difference| Divergence::new(path, difference))
}

/// What the model does with an action in a state.
pub(crate) enum Move {
    /// It takes the action, to a state within its bounds.
    To(State),
    /// It offers the action but its committer refuses to build it (the send
    /// rules reject a by-value AppSync, or the commit would be empty).
    Refused,
    /// It does not offer the action here, or the action leads past its
    /// bounds.
    Disabled,
}

/// Whether the model can take `action` in `state`: the harness's one
/// enabled-action check, for the exhaustive search, proptest's
/// preconditions and `appsync replay` alike.
pub(crate) fn enabled(model: &AppSyncModel, state: &State, action: &Action) -> Move {
    // `next_state` assumes the action's guards hold (a Deliver with nothing
    // queued would read past the log), so an action the model does not
    // offer, as a replayed or shrunk path may hold, stops here.
    let mut offered = Vec::new();
    model.actions(state, &mut offered);
    if !offered.contains(action) {
        return Move::Disabled;
    }
    match model.next_state(state, *action) {
        None => Move::Refused,
        Some(next) if model.within_boundary(&next) => Move::To(next),
        // stateright's checker explores nothing past the bounds; neither
        // does the harness.
        Some(_) => Move::Disabled,
    }
}

/// Plays one model step on `world` and compares; `path` ends with `action`.
pub(crate) fn step_and_compare(
    model: &AppSyncModel,
    before: &State,
    action: &Action,
    after: &State,
    world: &mut RealWorld,
    path: &[Action],
) -> Result<(), ConformanceError> {
    match world.step(model, before, action, after) {
        Ok(()) => {}
        // mls-rs refusing a step the model takes is a disagreement too.
        Err(WorldError::Mls { step, source }) => {
            let detail = format!("the model takes this step; mls-rs refuses it ({step}: {source})");
            return Err(Divergence::new(path, Difference::Step { detail }).into());
        }
        Err(other) => return Err(other.into()),
    }
    compare_at(model, after, world, path)?;
    compare_codec_error(before, action, after, world, path)?;
    Ok(compare_carried(before, action, after, world, path)?)
}

/// After a delivery the model rejects for an AppSync whose bytes do not
/// decode (R2), the real member must have rejected it for the codec error
/// the defect makes: the views compare only the class (`MalformedAppSync`),
/// this compares which error path of the codec's reader was taken.
fn compare_codec_error(
    before: &State,
    action: &Action,
    after: &State,
    world: &RealWorld,
    path: &[Action],
) -> Result<(), Divergence> {
    let Some((m, commit)) = delivered_commit(before, action) else {
        return Ok(());
    };
    let (Outcome::Rejected(Reason::MalformedAppSync), Some(defect)) =
        (after.members[m].last, commit.undecodable_by_value)
    else {
        return Ok(());
    };
    let real = &world.last_app_sync_error[m];
    let agrees = match real {
        Some(AppSyncError::MalformedAppSync(error)) => codec_error_of(defect, error),
        _ => false,
    };
    if agrees {
        return Ok(());
    }
    let detail = format!(
        "member {m} rejects an AppSync whose bytes do not decode ({defect:?}); mls-rs reports {real:?}"
    );
    Err(Divergence::new(path, Difference::Step { detail }))
}

/// For a delivery of a commit in `before`: the member that processes it,
/// and the commit. `None` for any other step.
fn delivered_commit<'s>(before: &'s State, action: &Action) -> Option<(usize, &'s Commit)> {
    let (m, at) = action.delivery(before)?;
    match before.log.get(at) {
        Some(Message::Commit(commit)) => Some((m, commit)),
        _ => None,
    }
}

/// Whether `error` is the codec error that bytes with `defect` make.
pub fn codec_error_of(defect: AppSyncDefect, error: &CodecError) -> bool {
    match defect {
        AppSyncDefect::Truncated => *error == CodecError::Truncated,
        AppSyncDefect::TrailingBytes => matches!(error, CodecError::TrailingBytes { count: 1 }),
        AppSyncDefect::NonMinimalLength | AppSyncDefect::TooLongLength => {
            *error == CodecError::InvalidLength
        }
    }
}

/// After a delivery that applied a commit, the AppSyncs the real member
/// applied must be the model commit's, in the same order, from the same
/// senders, each by value or by reference as in the model: the view alone
/// would only see their effect.
fn compare_carried(
    before: &State,
    action: &Action,
    after: &State,
    world: &RealWorld,
    path: &[Action],
) -> Result<(), Divergence> {
    let Some((m, commit)) = delivered_commit(before, action) else {
        return Ok(());
    };
    if after.members[m].epoch <= before.members[m].epoch {
        return Ok(());
    }
    let expected: Vec<String> = commit
        .proposals()
        .as_slice()
        .iter()
        .filter_map(|item| match item.proposal {
            Proposal::AppSync(a) => Some(carried_text(item.sender, a, item.by_value)),
            _ => None,
        })
        .collect();
    let actual: Vec<String> = world.last_carried[m]
        .iter()
        .flatten()
        .map(|c| {
            let sender = match c.sender {
                mls_rs::group::Sender::Member(leaf) => Sender::Member(leaf as u8),
                mls_rs::group::Sender::External(_) => Sender::External,
                _ => Sender::NonMember,
            };
            let app_sync = ModelAppSync {
                application_id: c.app_sync.application_id() as u8,
                new_state: c.app_sync.new_state().first().copied().unwrap_or(u8::MAX),
            };
            carried_text(sender, app_sync, !c.by_reference)
        })
        .collect();
    if expected == actual {
        return Ok(());
    }
    Err(Divergence::new(
        path,
        Difference::Carried {
            member: m,
            model: expected,
            real: actual,
        },
    ))
}

/// One carried AppSync as reports print it: `m1:app2=2(ref)`.
fn carried_text(sender: Sender, app_sync: ModelAppSync, by_value: bool) -> String {
    let who = match sender {
        Sender::Member(m) => format!("m{m}"),
        Sender::External => "ext".into(),
        Sender::NonMember => "outsider".into(),
    };
    let how = if by_value { "value" } else { "ref" };
    format!("{who}:{app_sync}({how})")
}
