//! Model checking a configuration and judging the result: which `always`
//! properties hold, which are violated (and whether the violation is the
//! expected finding of a draft weak spot), and which `sometimes` witnesses
//! were reached. Which is which comes from each property's stateright
//! `Expectation`; what is expected, and why, from the model's
//! [`Claim`](appsync_model::properties::Claim)s.

use std::time::{Duration, Instant};

use appsync_model::{AppSyncConfig, format_trace, properties};
use serde::Serialize;
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
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
}

/// One property's result.
#[derive(Clone, Debug, Serialize)]
pub struct PropertyResult {
    /// The property's name.
    pub name: &'static str,
    /// `always` or `sometimes` (as `kind` in JSON).
    #[serde(rename = "kind", serialize_with = "serialize_kind")]
    pub expectation: Expectation,
    /// The verdict.
    pub verdict: Verdict,
    /// The counterexample or witness path, as readable steps.
    pub trace: Option<String>,
    /// The same path in the encoding `appsync replay` takes.
    pub path: Option<String>,
    /// Its length in actions.
    pub steps: Option<usize>,
}

/// The result of checking a configuration.
#[derive(Clone, Debug, Serialize)]
pub struct CheckReport {
    /// The configuration, as Debug text.
    pub config: String,
    /// Per property.
    pub properties: Vec<PropertyResult>,
    /// Unique states (after symmetry reduction, if on).
    pub unique_states: usize,
    /// States generated, counting duplicates.
    pub total_states: usize,
    /// Longest path explored.
    pub max_depth: usize,
    /// Wall-clock time.
    #[serde(serialize_with = "seconds")]
    pub elapsed: Duration,
}

/// How reports name an expectation: `always`, `eventually` or `sometimes`.
pub fn kind(expectation: &Expectation) -> &'static str {
    match expectation {
        Expectation::Always => "always",
        Expectation::Eventually => "eventually",
        Expectation::Sometimes => "sometimes",
    }
}

fn serialize_kind<S: serde::Serializer>(e: &Expectation, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(kind(e))
}

fn seconds<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
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
    let mut results = Vec::new();
    // The model's properties are exactly the properties of these claims.
    for claim in properties::claims(cfg) {
        let Property {
            name, expectation, ..
        } = claim.property;
        let discovery = checker.discovery(name);
        let (trace, path, steps) = match &discovery {
            Some(found) => {
                let actions = found.clone().into_actions();
                (
                    format_trace(model, &actions).ok(),
                    Some(appsync_model::encode_path(&actions)),
                    Some(actions.len()),
                )
            }
            None => (None, None, None),
        };
        let excuse = (claim.excuse)(cfg).map(str::to_string);
        // A discovery fails an `always` (or `eventually`) property and is the
        // witness of a `sometimes` one.
        let verdict = match (expectation.discovery_is_failure(), discovery.is_some()) {
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
        results.push(PropertyResult {
            name,
            expectation,
            verdict,
            trace,
            path,
            steps,
        });
    }
    CheckReport {
        config: format!("{cfg:?}"),
        properties: results,
        unique_states: checker.unique_state_count(),
        total_states: checker.state_count(),
        max_depth: checker.max_depth(),
        elapsed,
    }
}
