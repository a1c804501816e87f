//! Path sampling: random maximal paths of the model, each replayed on fresh
//! real groups, so that a model state is checked along several histories.
//!
//! The exhaustive replay expands each model state once, on the real world
//! of the first path that reached it. Real state that the model does not
//! track (key material, caches, the order of a map) is then only ever seen
//! along that one history. Here each walk starts from a new world, picks one
//! of the enabled actions at random at every step until none is left, and
//! compares after every step as the exhaustive replay does. The report
//! counts, per model state, how many distinct histories (paths) reached it.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::{Duration, Instant};

use appsync_model::{Action, AppSyncConfig, State};
use proptest::prelude::Rng;
use proptest::test_runner::{RngAlgorithm, TestRng};
use stateright::Model;

use super::exhaustive::{Fingerprint, fingerprint};
use super::step::{ConformanceError, Move, compare_at, enabled, step_and_compare};
use super::world::{RealWorld, RulesFactory};

/// A walk stops here even if the model could go on (the presets' graphs
/// are acyclic and much shallower).
const MAX_STEPS: usize = 200;

/// What a sampling run checked.
#[derive(Clone, Debug, Default)]
pub struct SampledReport {
    /// Walks replayed.
    pub walks: usize,
    /// Steps replayed, all walks together.
    pub steps: usize,
    /// Distinct model states reached.
    pub states: usize,
    /// Distinct (state, history) pairs: each a real world compared with
    /// the model.
    pub histories: usize,
    /// States reached along at least two distinct histories.
    pub states_with_several_histories: usize,
    /// The most distinct histories any one state was reached by.
    pub max_histories: usize,
    /// Wall-clock time.
    pub elapsed: Duration,
}

impl std::fmt::Display for SampledReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "mls-rs agrees with the model along {} random maximal paths ({} steps): {} states checked along {} distinct histories, {} of them along two or more (at most {}), in {:.2} s",
            self.walks,
            self.steps,
            self.states,
            self.histories,
            self.states_with_several_histories,
            self.max_histories,
            self.elapsed.as_secs_f64()
        )
    }
}

/// Replays `walks` random maximal paths of `cfg`'s model, drawn with `seed`.
pub fn run(
    cfg: &AppSyncConfig,
    rules: &RulesFactory,
    walks: usize,
    seed: u64,
) -> Result<SampledReport, ConformanceError> {
    let start = Instant::now();
    let model = cfg.clone().into_model();
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes);
    let mut histories: HashMap<Fingerprint, HashSet<u64>> = HashMap::new();
    let mut report = SampledReport::default();
    let mut actions = Vec::new();
    for _ in 0..walks {
        let mut state = model.initial_state();
        let mut world = RealWorld::new(cfg, rules)?;
        compare_at(&model, &state, &world, &[])?;
        let mut path: Vec<Action> = Vec::new();
        let mut history = DefaultHasher::new();
        while path.len() < MAX_STEPS {
            actions.clear();
            model.actions(&state, &mut actions);
            let successors: Vec<(Action, State)> = actions
                .iter()
                .filter_map(|a| match enabled(&model, &state, a) {
                    Move::To(next) => Some((*a, next)),
                    _ => None,
                })
                .collect();
            if successors.is_empty() {
                break;
            }
            let pick = (rng.next_u64() % successors.len() as u64) as usize;
            let (action, next) = successors[pick].clone();
            path.push(action);
            step_and_compare(&model, &state, &action, &next, &mut world, &path)?;
            action.hash(&mut history);
            histories
                .entry(fingerprint(&next))
                .or_default()
                .insert(history.finish());
            report.steps += 1;
            state = next;
        }
        report.walks += 1;
    }
    report.states = histories.len();
    report.histories = histories.values().map(HashSet::len).sum();
    report.states_with_several_histories = histories.values().filter(|h| h.len() > 1).count();
    report.max_histories = histories.values().map(HashSet::len).max().unwrap_or(0);
    report.elapsed = start.elapsed();
    Ok(report)
}
