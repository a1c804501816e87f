//! Model checking a configuration and judging the result: which `always`
//! properties hold, which are violated (and whether the violation is the
//! expected finding of a draft weak spot), and which `sometimes` witnesses
//! were reached. Which is which comes from each property's stateright
//! `Expectation`; what is expected, and why, from the model's
//! [`Claim`](appsync_model::properties::Claim)s. Every discovery is then
//! replaced by a shortest one (one breadth-first pass, within a state
//! budget) that ends at the first violating or witnessing state, and
//! explained step by step.

use std::time::{Duration, Instant};

use appsync_model::explain::why;
use appsync_model::{
    Action, AppSyncConfig, cut_at_first_discovery, encode_path, format_trace, properties, replay,
    shortest_discoveries,
};
use stateright::{Checker, Expectation, Model, Property};

/// How to run the checker.
#[derive(Clone, Copy, Debug)]
pub struct CheckOptions {
    /// Worker threads.
    pub threads: usize,
    /// Symmetry reduction over member ids (depth-first search only).
    pub symmetry: bool,
    /// Breadth-first search (shortest counterexamples) instead of
    /// depth-first (less memory, and the only one with symmetry).
    pub bfs: bool,
}

impl Default for CheckOptions {
    fn default() -> Self {
        Self {
            threads: 1,
            symmetry: false,
            bfs: false,
        }
    }
}

/// The verdict on one property.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// An `always` property held on every reachable state.
    Holds,
    /// An `always` property was violated, and that is a known finding.
    ExpectedViolation {
        /// Why it is expected.
        why: String,
    },
    /// An `always` property was violated unexpectedly.
    Violated,
    /// A `sometimes` witness was reached.
    WitnessFound,
    /// A `sometimes` witness was not reached although the configuration
    /// has what it needs: the property may hold vacuously.
    WitnessMissing,
    /// A `sometimes` witness that this configuration cannot reach (the
    /// actor it needs is off).
    NotApplicable {
        /// What is missing.
        why: String,
    },
}

impl Verdict {
    /// Whether this verdict fails the check.
    pub fn is_failure(&self) -> bool {
        matches!(self, Verdict::Violated | Verdict::WitnessMissing)
    }

    /// The verdict's name in machine output (`expected_violation`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            Verdict::Holds => "holds",
            Verdict::ExpectedViolation { .. } => "expected_violation",
            Verdict::Violated => "violated",
            Verdict::WitnessFound => "witness_found",
            Verdict::WitnessMissing => "witness_missing",
            Verdict::NotApplicable { .. } => "not_applicable",
        }
    }

    /// Why a violation is expected, or why a witness cannot apply.
    pub fn why(&self) -> Option<&str> {
        match self {
            Verdict::ExpectedViolation { why } | Verdict::NotApplicable { why } => Some(why),
            _ => None,
        }
    }
}

/// Searching for shortest discoveries stops after this many unique states;
/// the checker's own paths are kept for what it has not found by then.
pub const SHORTEST_STATE_BUDGET: usize = 3_000_000;

/// One property's result.
#[derive(Clone, Debug)]
pub struct PropertyResult {
    /// The property's name.
    pub name: &'static str,
    /// `always` or `sometimes`.
    pub expectation: Expectation,
    /// The verdict.
    pub verdict: Verdict,
    /// The counterexample or witness, from the initial state to the first
    /// state that violates or witnesses the property.
    pub actions: Option<Vec<Action>>,
    /// Whether `actions` is known to be a shortest such path.
    pub shortest: bool,
    /// The path step by step, each step explained, with the state after it.
    pub trace: Option<String>,
    /// The same path in the encoding `appsync replay` takes.
    pub path: Option<String>,
    /// Its length in actions.
    pub steps: Option<usize>,
    /// Why the path's last state violates (or witnesses) the property.
    pub explanation: Option<String>,
}

/// The result of checking a configuration.
#[derive(Clone, Debug)]
pub struct CheckReport {
    /// The configuration.
    pub config: AppSyncConfig,
    /// Per property.
    pub properties: Vec<PropertyResult>,
    /// Unique states (after symmetry reduction, if on).
    pub unique_states: usize,
    /// States generated, counting duplicates.
    pub total_states: usize,
    /// Longest path explored.
    pub max_depth: usize,
    /// Wall-clock time of the model check.
    pub elapsed: Duration,
    /// Whether symmetry reduction was on (then `total_states` does not
    /// count the transitions of the full state graph).
    pub symmetry: bool,
    /// Wall-clock time of the search for shortest paths.
    pub shortest_elapsed: Duration,
}

/// How reports name an expectation: `always`, `eventually` or `sometimes`.
pub fn kind(expectation: &Expectation) -> &'static str {
    match expectation {
        Expectation::Always => "always",
        Expectation::Eventually => "eventually",
        Expectation::Sometimes => "sometimes",
    }
}

impl CheckReport {
    /// Unique states per second.
    pub fn states_per_second(&self) -> f64 {
        self.unique_states as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Whether any property failed (an unexpected violation, or a witness
    /// missing although reachable).
    pub fn failed(&self) -> bool {
        self.properties.iter().any(|p| p.verdict.is_failure())
    }

    /// The transitions of the full state graph, which the exhaustive
    /// replay on mls-rs plays one by one: every state the checker generated
    /// but the initial one (known without symmetry reduction).
    pub fn transitions(&self) -> Option<usize> {
        (!self.symmetry).then(|| self.total_states.saturating_sub(1))
    }
}

/// The transitions of `cfg`'s state graph (a depth-first check without
/// symmetry), for a progress bar of the exhaustive replay.
pub fn count_transitions(cfg: &AppSyncConfig) -> usize {
    let checker = cfg.clone().into_model().checker().spawn_dfs().join();
    checker.state_count().saturating_sub(1)
}

/// Model-checks `cfg`; `progress` is called about every 200 ms with the
/// unique states so far.
pub fn check(
    cfg: &AppSyncConfig,
    options: CheckOptions,
    mut progress: impl FnMut(usize),
) -> CheckReport {
    let start = Instant::now();
    let model = cfg.clone().into_model();
    let builder = model.checker().threads(options.threads.max(1));
    let checker: Box<dyn Checker<_>> = match (options.bfs, options.symmetry) {
        (true, _) => Box::new(builder.spawn_bfs()),
        (false, true) => Box::new(builder.symmetry().spawn_dfs()),
        (false, false) => Box::new(builder.spawn_dfs()),
    };
    // Poll finely, so that small configurations are timed to the
    // millisecond, and report progress about every 200 ms.
    let mut polls = 0u32;
    while !checker.is_done() {
        if polls.is_multiple_of(20) {
            progress(checker.unique_state_count());
        }
        polls += 1;
        std::thread::sleep(Duration::from_millis(10));
    }
    let elapsed = start.elapsed();
    let model = checker.model();
    let claims = properties::claims(cfg);
    let found: Vec<&'static str> = claims
        .iter()
        .map(|c| c.property.name)
        .filter(|name| checker.discovery(name).is_some())
        .collect();
    let shortest_start = Instant::now();
    let shortest = shortest_discoveries(model, &found, SHORTEST_STATE_BUDGET);
    let shortest_elapsed = shortest_start.elapsed();
    let mut results = Vec::new();
    // The model's properties are exactly the properties of these claims.
    for claim in claims {
        let Property {
            name, expectation, ..
        } = claim.property;
        let (actions, is_shortest) = match shortest.paths.get(name) {
            Some(path) => (Some(path.clone()), true),
            None => {
                let found = checker.discovery(name).map(|d| d.into_actions());
                let cut = found.map(|path| cut_at_first_discovery(model, name, &path));
                (cut, false)
            }
        };
        let excuse = (claim.excuse)(cfg).map(str::to_string);
        // A discovery fails an `always` (or `eventually`) property and is the
        // witness of a `sometimes` one.
        let verdict = match (expectation.discovery_is_failure(), actions.is_some()) {
            (true, false) => Verdict::Holds,
            (true, true) => match excuse {
                Some(why) => Verdict::ExpectedViolation { why },
                None => Verdict::Violated,
            },
            (false, true) => Verdict::WitnessFound,
            (false, false) => match excuse {
                Some(why) => Verdict::NotApplicable { why },
                None => Verdict::WitnessMissing,
            },
        };
        let explanation = actions.as_ref().and_then(|path| {
            let states = replay(model, path).ok()?;
            Some(why(model, name, &states, path))
        });
        results.push(PropertyResult {
            name,
            expectation,
            verdict,
            trace: actions.as_ref().and_then(|a| format_trace(model, a).ok()),
            path: actions.as_deref().map(encode_path),
            steps: actions.as_ref().map(Vec::len),
            shortest: is_shortest,
            explanation,
            actions,
        });
    }
    CheckReport {
        config: cfg.clone(),
        properties: results,
        unique_states: checker.unique_state_count(),
        total_states: checker.state_count(),
        max_depth: checker.max_depth(),
        elapsed,
        symmetry: options.symmetry && !options.bfs,
        shortest_elapsed,
    }
}
