//! Exhaustive conformance: every transition of the model's state graph,
//! replayed on real mls-rs groups.
//!
//! A depth-first search walks the model from its initial state. At each
//! newly reached state it takes every enabled action, plays it on a clone of
//! the real world that reached the state, and compares the two. The real
//! world is cloned rather than rebuilt, so every path shares the work of its
//! prefix. A state reached again is not expanded again: every transition out
//! of every reachable state is replayed exactly once.

use std::collections::HashSet;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::time::{Duration, Instant};

use appsync_model::{Action, AppSyncConfig, AppSyncModel, Reason, State};
use stateright::Model;

use super::coverage::Coverage;
use super::step::{ConformanceError, Divergence, Move, compare_at, enabled, step_and_compare};
use super::view::{Difference, reason_class};
use super::world::{RealWorld, RulesFactory, WorldError};
use mls_appsync::{app_sync_error, app_sync_reason};

/// What an exhaustive run covered.
#[derive(Clone, Debug, Default)]
pub struct ExhaustiveReport {
    /// Unique model states reached (each compared with a real world).
    pub states: usize,
    /// Transitions replayed on mls-rs (each compared after the step).
    pub transitions: usize,
    /// Maximal paths: states with no enabled transition inside the bounds.
    pub terminal_paths: usize,
    /// Commits that the model's committer refuses and the real committer was
    /// checked to refuse too, for the same reason.
    pub refusals: usize,
    /// Longest path, in actions.
    pub max_depth: usize,
    /// The rule paths the replay took (see `coverage.rs`).
    pub coverage: Coverage,
    /// Wall-clock time.
    pub elapsed: Duration,
}

impl ExhaustiveReport {
    /// Transitions replayed per second.
    pub fn transitions_per_second(&self) -> f64 {
        self.transitions as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

impl std::fmt::Display for ExhaustiveReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "mls-rs agrees with the model on all {} transitions and {} committer refusals ({} states, {} maximal paths, depth {}) in {:.2} s, {:.0} transitions/s",
            self.transitions,
            self.refusals,
            self.states,
            self.terminal_paths,
            self.max_depth,
            self.elapsed.as_secs_f64(),
            self.transitions_per_second()
        )
    }
}

pub(crate) type Fingerprint = u64;

/// A model state's hash: what the replays remember of a state they have seen.
pub(crate) fn fingerprint(state: &State) -> Fingerprint {
    BuildHasherDefault::<DefaultHasher>::default().hash_one(state)
}

/// Replays every transition of `cfg`'s model on real groups whose honest
/// members use `rules`. `progress` is called after each transition with the
/// number replayed so far.
pub fn run(
    cfg: &AppSyncConfig,
    rules: &RulesFactory,
    mut progress: impl FnMut(usize),
) -> Result<ExhaustiveReport, ConformanceError> {
    let start = Instant::now();
    let model = cfg.clone().into_model();
    let mut report = ExhaustiveReport::default();
    let initial = model.initial_state();
    let world = RealWorld::new(cfg, rules)?;
    compare_at(&model, &initial, &world, &[])?;

    let mut seen: HashSet<Fingerprint> = HashSet::from([fingerprint(&initial)]);
    let mut stack: Vec<(State, RealWorld, Vec<Action>)> = vec![(initial, world, Vec::new())];
    while let Some((state, world, path)) = stack.pop() {
        report.states += 1;
        report.max_depth = report.max_depth.max(path.len());
        let mut transitions = report.transitions;
        let tally = replay_out_of(
            &model,
            &state,
            world,
            &path,
            &mut report.coverage,
            |action, next, next_world| {
                transitions += 1;
                progress(transitions);
                if seen.insert(fingerprint(&next)) {
                    let mut next_path = path.clone();
                    next_path.push(action);
                    stack.push((next, next_world, next_path));
                }
            },
        )?;
        report.transitions = transitions;
        report.refusals += tally.refusals;
        if tally.successors == 0 {
            report.terminal_paths += 1;
        }
    }
    report.elapsed = start.elapsed();
    Ok(report)
}

/// What replaying the transitions out of one state counted.
pub(crate) struct Tally {
    /// Transitions replayed (successors inside the bounds).
    pub successors: usize,
    /// Commits the model refuses, checked to be refused by mls-rs.
    pub refusals: usize,
}

/// Replays every transition out of `state`, which `path` reached and whose
/// real groups are `world`: each action the model takes is played on its
/// own copy of `world` (the last one on `world` itself, which saves about
/// half of the clones, since most states have two successors or fewer) and
/// compared; each commit the model refuses is checked to be refused.
/// `each(action, next, next_world)` receives every successor, in the order
/// of the model's actions; the rule paths go into `coverage`. The one loop
/// of the exhaustive replay, whole (`run`) or in parts (`partitioned.rs`).
pub(crate) fn replay_out_of(
    model: &AppSyncModel,
    state: &State,
    world: RealWorld,
    path: &[Action],
    coverage: &mut Coverage,
    mut each: impl FnMut(Action, State, RealWorld),
) -> Result<Tally, ConformanceError> {
    let mut tally = Tally {
        successors: 0,
        refusals: 0,
    };
    let mut actions = Vec::new();
    model.actions(state, &mut actions);
    let with_path = |action: Action| {
        let mut next_path = path.to_vec();
        next_path.push(action);
        next_path
    };
    // Refusals first: each probes a copy of `world`, which must still be
    // whole when the last successor takes it.
    let mut successors = Vec::new();
    for action in actions {
        match enabled(model, state, &action) {
            Move::To(next) => successors.push((action, next)),
            Move::Refused => {
                if let Some(reason) = refuse(model, state, &action, &world, &with_path(action))? {
                    tally.refusals += 1;
                    coverage.record_refusal(reason);
                }
            }
            Move::Disabled => {}
        }
    }
    tally.successors = successors.len();
    let last = successors.pop();
    let mut play = |action: Action, next: State, mut next_world: RealWorld| {
        step_and_compare(
            model,
            state,
            &action,
            &next,
            &mut next_world,
            &with_path(action),
        )?;
        coverage.record_step(model, state, &action, &next);
        each(action, next, next_world);
        Ok::<(), ConformanceError>(())
    };
    for (action, next) in successors {
        play(action, next, world.clone())?;
    }
    if let Some((action, next)) = last {
        play(action, next, world)?;
    }
    Ok(tally)
}

/// The model refuses `action` (only commits can be refused: the send rules
/// reject a by-value list, or the commit would be empty). A conforming
/// committer must refuse to build it too, for the same reason (the same
/// rejection class), and stay as it was.
fn refuse(
    model: &AppSyncModel,
    state: &State,
    action: &Action,
    world: &RealWorld,
    path: &[Action],
) -> Result<Option<Reason>, ConformanceError> {
    let Action::Commit { member, by_value } = action else {
        return Ok(None);
    };
    if by_value.is_empty() {
        // An empty commit is a modelling choice, not a rule: mls-rs would
        // build one (with a path). Nothing to compare.
        return Ok(None);
    }
    let refusal = model.commit_refusal(state, *member as usize, *by_value);
    let expected = refusal.map(reason_class);
    let mut probe = world.clone();
    let built = probe.commit(&model.cfg, *member as usize, *by_value);
    match built {
        Err(WorldError::Mls { source, .. }) => {
            let actual = app_sync_error(&source).map(|e| app_sync_reason(&e));
            if actual != expected {
                let detail = format!(
                    "the model's committer refuses this commit as {expected:?}; mls-rs refuses it as {actual:?} ({source})"
                );
                return Err(Divergence::new(path, Difference::Step { detail }).into());
            }
            compare_at(model, state, &probe, path)?;
            Ok(refusal)
        }
        Ok(_) => {
            let detail = format!(
                "the model's committer refuses this commit ({expected:?}); mls-rs builds it"
            );
            Err(Divergence::new(path, Difference::Step { detail }).into())
        }
        Err(other) => Err(other.into()),
    }
}
