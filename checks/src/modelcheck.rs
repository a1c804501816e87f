//! Model checking a configuration and judging the result: which `always`
//! properties hold, which are violated (and whether the violation is the
//! expected finding of a draft weak spot), and which `sometimes` witnesses
//! were reached.

use std::time::{Duration, Instant};

use appsync_model::{
    AppSyncConfig, DeliveryPolicy, GcePolicy, UnknownIdPolicy, format_trace, properties,
};
use serde::Serialize;
use stateright::{Checker, Model};

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
    /// `always` or `sometimes`.
    pub kind: &'static str,
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

/// Why a violation of `name` under `cfg` is an expected finding, if it is.
pub fn expected_violation(cfg: &AppSyncConfig, name: &str) -> Option<String> {
    match name {
        properties::NO_LOST_UPDATE => Some(
            "whole-blob replacement has no compare-and-swap: a later commit overwrites an \
             update its proposer never saw"
                .into(),
        ),
        properties::KNOWN_IDS_ONLY if cfg.unknown_id == UnknownIdPolicy::Create => {
            Some("under the 'create' reading an AppSync for an unknown id creates it".into())
        }
        properties::ONLY_APP_SYNC_WRITES
            if cfg.gce == GcePolicy::MayRewrite && cfg.gce_proposals =>
        {
            Some(
                "the draft forbids GCE only next to AppSync: a GCE in a later commit rewrites \
                 application_states"
                    .into(),
            )
        }
        _ => None,
    }
}

/// Why `cfg` cannot reach the witness `name`, if it cannot.
pub fn unreachable_witness(cfg: &AppSyncConfig, name: &str) -> Option<String> {
    let need = |on: bool, what: &str| (!on).then(|| format!("needs {what}"));
    match name {
        properties::EXTERNAL_APP_SYNC_APPLIED => {
            need(cfg.external_proposals > 0, "an external sender")
        }
        properties::NON_MEMBER_REJECTED => need(cfg.injections > 0, "a non-member injector"),
        properties::FORGED_GCE_REJECTED
        | properties::FORGED_DUPLICATE_REJECTED
        | properties::FORGED_MISMATCH_REJECTED => need(cfg.forgeries > 0, "an adversary"),
        properties::CONCURRENT_COMMITS_ONE_WINS => need(
            cfg.delivery == DeliveryPolicy::Relay,
            "the relay delivery service (the sequencer refuses the second commit)",
        ),
        properties::LIST_ORDER_NOT_ID_ORDER => need(
            cfg.unknown_id == UnknownIdPolicy::Create
                && (cfg.by_value_unknown_ids || cfg.propose_unknown_id),
            "the 'create' reading with unknown ids proposed",
        ),
        properties::FORGED_UNKNOWN_REJECTED => {
            need(cfg.forgeries > 0, "an adversary").or_else(|| {
                need(
                    cfg.unknown_id == UnknownIdPolicy::Reject,
                    "the 'reject' reading of unknown ids",
                )
            })
        }
        _ => None,
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
    let always: Vec<&str> = properties::ALWAYS.to_vec();
    let mut results = Vec::new();
    for property in model.properties() {
        let name = property.name;
        let is_always = always.contains(&name);
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
        let verdict = match (is_always, discovery.is_some()) {
            (true, false) => Verdict::Holds,
            (true, true) => match expected_violation(cfg, name) {
                Some(why) => Verdict::ExpectedViolation { why },
                None => Verdict::Violated,
            },
            (false, true) => Verdict::WitnessFound,
            (false, false) => match unreachable_witness(cfg, name) {
                Some(why) => Verdict::NotApplicable { why },
                None => Verdict::WitnessMissing,
            },
        };
        results.push(PropertyResult {
            name,
            kind: if is_always { "always" } else { "sometimes" },
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
