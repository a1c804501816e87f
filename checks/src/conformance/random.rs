//! Random conformance: long traces drawn from the model with
//! proptest-state-machine, the model as the reference machine, replayed on
//! real groups. A failing trace shrinks to a minimal one.
//!
//! proptest-state-machine's traits have no `self`, so the model and the
//! rules of a run sit in a thread-local, set by [`run`] before the runner
//! starts (proptest runs cases on the calling thread).

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};

use appsync_model::{Action, AppSyncConfig, AppSyncModel, State};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use proptest_state_machine::{ReferenceStateMachine, StateMachineTest};
use stateright::Model;

use super::step::{ConformanceError, Divergence, Move, compare_at, enabled, step_and_compare};
use super::view::Difference;
use super::world::{RealWorld, RulesFactory};

thread_local! {
    static CONTEXT: RefCell<Option<(AppSyncModel, AppSyncConfig, RulesFactory)>> =
        const { RefCell::new(None) };
}

fn with_model<T>(f: impl FnOnce(&AppSyncModel) -> T) -> T {
    CONTEXT.with(|c| {
        let context = c.borrow();
        let (model, _, _) = context
            .as_ref()
            .expect("random conformance context is set by `run`");
        f(model)
    })
}

/// The random-trace configuration: the model's `random` preset (this
/// name stays for `appsync conform` and the tests that call it).
pub fn random_config() -> AppSyncConfig {
    AppSyncConfig::random()
}

/// The model as proptest's reference state machine.
pub struct ModelMachine;

impl ReferenceStateMachine for ModelMachine {
    type State = State;
    type Transition = Action;

    fn init_state() -> BoxedStrategy<State> {
        Just(with_model(|m| m.initial_state())).boxed()
    }

    fn transitions(state: &State) -> BoxedStrategy<Action> {
        let mut actions = Vec::new();
        with_model(|m| m.actions(state, &mut actions));
        if actions.is_empty() {
            // Terminal (every bound reached): a Deliver that the
            // preconditions refuse ends the trace early.
            return Just(Action::Deliver { member: 0 }).boxed();
        }
        proptest::sample::select(actions).boxed()
    }

    fn apply(state: State, action: &Action) -> State {
        with_model(|m| m.next_state(&state, *action).unwrap_or(state))
    }

    fn preconditions(state: &State, action: &Action) -> bool {
        with_model(|m| matches!(enabled(m, state, action), Move::To(_)))
    }
}

/// The real groups under test, with the model state they were last
/// compared with and the path so far (for reports).
pub struct Replay {
    world: RealWorld,
    before: State,
    path: Vec<Action>,
}

/// Replays a trace on real groups and compares after every step.
pub struct RealMachine;

impl StateMachineTest for RealMachine {
    type SystemUnderTest = Replay;
    type Reference = ModelMachine;

    fn init_test(initial: &State) -> Replay {
        let world = CONTEXT.with(|c| {
            let context = c.borrow();
            let (_, cfg, rules) = context.as_ref().expect("context set");
            RealWorld::new(cfg, rules)
        });
        let world = world.unwrap_or_else(|e| panic!("real world setup failed: {e}"));
        Replay {
            world,
            before: initial.clone(),
            path: Vec::new(),
        }
    }

    fn apply(mut replay: Replay, after: &State, action: Action) -> Replay {
        replay.path.push(action);
        let outcome = with_model(|m| {
            step_and_compare(
                m,
                &replay.before,
                &action,
                after,
                &mut replay.world,
                &replay.path,
            )
        });
        if let Err(error) = outcome {
            panic!("{error}");
        }
        replay.before = after.clone();
        replay
    }

    fn check_invariants(replay: &Replay, state: &State) {
        if let Err(divergence) = with_model(|m| compare_at(m, state, &replay.world, &replay.path)) {
            panic!("{divergence}");
        }
    }
}

/// What a random run covered.
#[derive(Clone, Copy, Debug, Default)]
pub struct RandomReport {
    /// Traces replayed.
    pub traces: u32,
    /// Steps per trace, at least.
    pub min_steps: usize,
}

/// Replays `traces` random traces of `min_steps..=max_steps` steps of `cfg`
/// on real groups, calling `progress` with the number of traces started so
/// far (shrinking a failure counts no further). On a disagreement, proptest
/// shrinks the trace and the error carries the minimal one.
pub fn run(
    cfg: &AppSyncConfig,
    rules: &RulesFactory,
    traces: u32,
    min_steps: usize,
    max_steps: usize,
    seed: Option<u64>,
    progress: &dyn Fn(u32),
) -> Result<RandomReport, ConformanceError> {
    super::world::supported(cfg)?;
    CONTEXT.with(|c| {
        *c.borrow_mut() = Some((cfg.clone().into_model(), cfg.clone(), rules.clone()));
    });
    let config = Config {
        cases: traces,
        failure_persistence: None,
        // Shrinking replays real groups: keep it bounded.
        max_shrink_iters: 2048,
        ..Config::default()
    };
    let mut runner = match seed {
        Some(seed) => TestRunner::new_with_rng(
            config.clone(),
            proptest::test_runner::TestRng::from_seed(
                proptest::test_runner::RngAlgorithm::ChaCha,
                &seed_bytes(seed),
            ),
        ),
        None => TestRunner::new(config.clone()),
    };
    let strategy = ModelMachine::sequential_strategy(min_steps..=max_steps);
    // Every failing trace tried while shrinking panics; keep the output to
    // the final report.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let started = std::cell::Cell::new(0u32);
    let result = runner.run(&strategy, |(initial, transitions, seen)| {
        started.set(started.get().saturating_add(1).min(traces));
        progress(started.get());
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            RealMachine::test_sequential(config.clone(), initial, transitions, seen)
        }));
        outcome.map_err(|panic| {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "panic".into());
            TestCaseError::fail(message)
        })
    });
    std::panic::set_hook(hook);
    CONTEXT.with(|c| *c.borrow_mut() = None);
    match result {
        Ok(()) => Ok(RandomReport { traces, min_steps }),
        Err(TestError::Fail(reason, (_, transitions, _))) => {
            // Replay the minimal trace once more for a clean report.
            match super::replay::replay(cfg, rules, &transitions)? {
                (_, Some(divergence)) => Err(divergence.into()),
                (_, None) => {
                    let detail = format!("failed only inside the random run: {reason}");
                    Err(Divergence::new(&transitions, Difference::Step { detail }).into())
                }
            }
        }
        Err(TestError::Abort(reason)) => Err(ConformanceError::World(
            super::world::WorldError::Setup(format!("random run aborted: {reason}")),
        )),
    }
}

fn seed_bytes(seed: u64) -> [u8; 32] {
    let mut bytes = [0u8; 32];
    for (i, chunk) in bytes.chunks_mut(8).enumerate() {
        chunk.copy_from_slice(&(seed.wrapping_add(i as u64)).to_le_bytes());
    }
    bytes
}
