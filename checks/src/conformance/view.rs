//! The abstraction function: what the harness compares of a member, taken
//! once from the model's state and once from a real mls-rs group.

use std::fmt;

use appsync_model::{AppSyncModel, LastOutcome, Reason, State};
use mls_appsync::{AppSyncGroupExt, RejectionReason};

use super::world::{Observed, RealWorld};

/// The model's reason class, in the implementation's vocabulary.
pub fn reason_class(reason: Reason) -> RejectionReason {
    match reason {
        Reason::AppSyncWithGce => RejectionReason::AppSyncWithGce,
        Reason::DuplicateApplicationId => RejectionReason::DuplicateApplicationId,
        Reason::UnknownApplicationId => RejectionReason::UnknownApplicationId,
        Reason::UnauthorizedSender => RejectionReason::UnauthorizedSender,
        Reason::InvalidApplicationStates => RejectionReason::InvalidApplicationStates,
        Reason::StateMismatch => RejectionReason::StateMismatch,
        Reason::WrongEpoch => RejectionReason::WrongEpoch,
        Reason::UnknownProposal => RejectionReason::UnknownProposal,
        Reason::AuthenticationFailure => RejectionReason::AuthenticationFailure,
        Reason::MalformedAppSync => RejectionReason::MalformedAppSync,
        // Model-only variant; `world::supported` refuses it.
        Reason::GceChangesApplicationStates => RejectionReason::Other,
    }
}

/// One member as the harness compares it.
#[derive(Clone, Debug)]
pub struct View {
    /// Epoch, counted from the model's epoch 0.
    pub epoch: u64,
    /// `(application_id, value)` in list order. A real blob that is not one
    /// byte (no model value) shows as `None`.
    pub application_states: Vec<(u32, Option<u8>)>,
    /// Leaf indexes in the group.
    pub members: Vec<u32>,
    /// The outcome of the last message.
    pub last: Observed,
    /// A commit of this member's own waits for the delivery service.
    pub pending: bool,
    /// The implementation's error behind a rejection (reports only; not
    /// compared).
    pub detail: Option<String>,
}

impl PartialEq for View {
    fn eq(&self, other: &Self) -> bool {
        self.epoch == other.epoch
            && self.application_states == other.application_states
            && self.members == other.members
            && self.last == other.last
            && self.pending == other.pending
    }
}

impl Eq for View {}

impl fmt::Display for View {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "epoch {} {{", self.epoch)?;
        for (i, (id, value)) in self.application_states.iter().enumerate() {
            let sep = if i == 0 { "" } else { "," };
            match value {
                Some(v) => write!(f, "{sep}app{id}={v}")?,
                None => write!(f, "{sep}app{id}=?")?,
            }
        }
        write!(f, "}} members {:?} last {}", self.members, self.last)?;
        if self.pending {
            f.write_str(" pending-commit")?;
        }
        match &self.detail {
            Some(detail) => write!(f, " ({detail})"),
            None => Ok(()),
        }
    }
}

/// The model's view of member `m`.
pub fn model_view(model: &AppSyncModel, state: &State, m: usize) -> View {
    let view = model.member_view(state, m);
    View {
        epoch: u64::from(view.epoch),
        application_states: view
            .application_states
            .into_iter()
            .map(|(id, v)| (id, Some(v)))
            .collect(),
        members: view.members,
        last: match view.last {
            LastOutcome::None => Observed::Nothing,
            LastOutcome::Accepted => Observed::Accepted,
            LastOutcome::Rejected(r) => Observed::Rejected(reason_class(r)),
        },
        pending: state.members[m].pending,
        detail: None,
    }
}

/// The real view of member `m` (the abstraction function).
pub fn real_view(world: &RealWorld, m: usize) -> View {
    let group = &world.members[m];
    let application_states = match group.application_states() {
        Ok(states) => states
            .iter()
            .map(|s| {
                let value = match s.state() {
                    [v] => Some(*v),
                    _ => None,
                };
                (s.application_id(), value)
            })
            .collect(),
        // An undecodable extension matches no model state.
        Err(_) => vec![(u32::MAX, None)],
    };
    View {
        epoch: world.epoch(m),
        application_states,
        members: group.member_indexes(),
        last: world.last[m],
        pending: group.has_pending_commit(),
        detail: world.last_error[m].clone(),
    }
}

/// What differs between the model and the implementation after a step.
#[derive(Clone, Debug)]
pub enum Difference {
    /// A member's views differ.
    View {
        /// The member.
        member: usize,
        /// What the model says.
        model: Box<View>,
        /// What the real group shows.
        real: Box<View>,
    },
    /// Two real members in the same epoch hold different keys (epoch
    /// authenticators) although the model has them on one branch, or the
    /// same keys although the model has forked them.
    Authenticator {
        /// The members.
        members: (usize, usize),
        /// Their common epoch.
        epoch: u64,
        /// Whether the model has them on different branches.
        forked_in_model: bool,
    },
    /// A member applied a commit whose AppSyncs (order, senders, by value or
    /// by reference) differ from the model's commit.
    Carried {
        /// The member.
        member: usize,
        /// The model commit's AppSyncs.
        model: Vec<String>,
        /// The AppSyncs the real member applied.
        real: Vec<String>,
    },
    /// The model takes a step that the implementation refuses, or the
    /// other way round.
    Step {
        /// What happened.
        detail: String,
    },
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::View {
                member,
                model,
                real,
            } => write!(f, "member {member}:\n    model: {model}\n    real:  {real}"),
            Difference::Authenticator {
                members,
                epoch,
                forked_in_model,
            } => match forked_in_model {
                false => write!(
                    f,
                    "members {} and {} are both in epoch {epoch} with different epoch authenticators",
                    members.0, members.1
                ),
                true => write!(
                    f,
                    "members {} and {} are in epoch {epoch} on different branches of a fork in the model, but share one epoch authenticator",
                    members.0, members.1
                ),
            },
            Difference::Carried {
                member,
                model,
                real,
            } => write!(
                f,
                "member {member} applied a commit that carried:\n    model: {model:?}\n    real:  {real:?}"
            ),
            Difference::Step { detail } => f.write_str(detail),
        }
    }
}

/// Checks that real members in one epoch share one epoch authenticator
/// exactly when the model has them on one branch (no fork), then compares
/// every member of `world` with the model's `state`. Keys first: a member
/// with the wrong keys explains every later difference.
pub fn compare(model: &AppSyncModel, state: &State, world: &RealWorld) -> Result<(), Difference> {
    // Every real participant that holds keys: the honest members on the
    // model's branch of each, and the adversary (a member too) on the
    // group's newest branch.
    let mut keys: Vec<(u64, u8, Option<Vec<u8>>)> = world
        .members
        .iter()
        .enumerate()
        .map(|(m, g)| {
            let branch = state.members[m].branch;
            (world.epoch(m), branch, g.epoch_authenticator_bytes().ok())
        })
        .collect();
    keys.extend(
        world
            .adversary_keys()
            .map(|(epoch, auth)| (epoch, state.group_branch, auth)),
    );
    for (i, (epoch_i, branch_i, auth_i)) in keys.iter().enumerate() {
        for (j, (epoch_j, branch_j, auth_j)) in keys.iter().enumerate().skip(i + 1) {
            if epoch_i != epoch_j {
                continue;
            }
            let forked_in_model = branch_i != branch_j;
            let same_keys = auth_i.is_some() && auth_i == auth_j;
            if same_keys == forked_in_model {
                return Err(Difference::Authenticator {
                    members: (i, j),
                    epoch: *epoch_i,
                    forked_in_model,
                });
            }
        }
    }
    for m in 0..world.members.len() {
        let expected = model_view(model, state, m);
        let actual = real_view(world, m);
        if expected != actual {
            return Err(Difference::View {
                member: m,
                model: Box::new(expected),
                real: Box::new(actual),
            });
        }
    }
    Ok(())
}
