//! `appsync check`: model-check a configuration, print the property table,
//! and (on the default configuration, or with `--conform`) run exhaustive
//! conformance on mls-rs.

use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use stateright::Expectation;

use appsync_model::AppSyncConfig;
use appsync_model::presets::PRESETS;

use super::config::ConfigArgs;
use crate::conformance::{ConformanceError, exhaustive, honest_rules};
use crate::modelcheck::{self, CheckOptions, CheckReport, Verdict, kind};

/// Flags of `appsync check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The configuration.
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Checker threads.
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// Symmetry reduction over member ids (depth-first search).
    #[arg(long)]
    pub symmetry: bool,
    /// Breadth-first search: shortest counterexamples, more memory.
    #[arg(long, conflicts_with = "symmetry")]
    pub bfs: bool,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also replay every transition on mls-rs (on by default for the
    /// default configuration).
    #[arg(long)]
    pub conform: bool,
    /// Skip conformance, even on the default configuration.
    #[arg(long, conflicts_with = "conform")]
    pub no_conform: bool,
    /// Print every counterexample and witness path in full.
    #[arg(long)]
    pub traces: bool,
}

pub(crate) fn spinner(json: bool, what: &'static str) -> ProgressBar {
    if json {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(what);
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// Prints the property table and the counts.
pub fn print_report(report: &CheckReport, traces: bool, replay_flags: &str) {
    println!("{:<44} {:<10} result", "property", "kind");
    for p in &report.properties {
        let steps = p.steps.map(|s| format!(" ({s} steps)")).unwrap_or_default();
        let result = match &p.verdict {
            Verdict::Holds => "holds".to_string(),
            Verdict::ExpectedViolation { why } => format!("violated, as expected{steps}: {why}"),
            Verdict::Violated => format!("VIOLATED{steps}"),
            Verdict::WitnessFound => format!("witness found{steps}"),
            Verdict::WitnessMissing => "WITNESS MISSING".to_string(),
            Verdict::NotApplicable { why } => format!("not applicable ({why})"),
        };
        println!("{:<44} {:<10} {result}", p.name, kind(&p.expectation));
    }
    println!(
        "unique states {}, total {}, max depth {}, {:.2} s, {:.0} states/s",
        report.unique_states,
        report.total_states,
        report.max_depth,
        report.elapsed.as_secs_f64(),
        report.states_per_second()
    );
    for p in &report.properties {
        let show = traces
            || matches!(
                p.verdict,
                Verdict::Violated | Verdict::ExpectedViolation { .. }
            );
        if let (true, Some(trace), Some(path)) = (show, &p.trace, &p.path) {
            println!("\n{} ({}):\n{trace}", p.name, kind(&p.expectation));
            println!("replay: appsync replay {replay_flags}'{path}'");
        }
    }
}

/// One configuration's model check and (optional) conformance run.
struct Run {
    name: String,
    /// Flags that select this configuration for `appsync replay`.
    replay_flags: String,
    report: CheckReport,
    conformance: Option<Result<exhaustive::ExhaustiveReport, ConformanceError>>,
}

fn run_one(name: &str, cfg: &AppSyncConfig, args: &CheckArgs, conform: bool) -> Run {
    let options = CheckOptions {
        threads: args.threads,
        symmetry: args.symmetry,
        bfs: args.bfs,
    };
    let bar = spinner(args.json, "model checking");
    let report = modelcheck::check(cfg, options, |states| {
        bar.set_message(format!("{name}: model checking, {states} unique states"));
    });
    bar.finish_and_clear();
    let conformance = conform.then(|| {
        let bar = spinner(args.json, "conformance");
        let result = exhaustive::run(cfg, &honest_rules(), |r| {
            if r.transitions % 1000 == 0 {
                bar.set_message(format!(
                    "{name}: conformance, {} transitions replayed on mls-rs",
                    r.transitions
                ));
            }
        });
        bar.finish_and_clear();
        result
    });
    Run {
        name: name.to_string(),
        replay_flags: match name {
            "configuration" => "<the same configuration flags> ".into(),
            preset => format!("--preset {preset} "),
        },
        report,
        conformance,
    }
}

fn print_run(run: &Run, traces: bool) {
    println!("== {}: {}", run.name, run.report.config);
    print_report(&run.report, traces, &run.replay_flags);
    match &run.conformance {
        None => {}
        Some(Ok(r)) => println!("\nconformance: {r}"),
        Some(Err(e)) => println!("\nconformance FAILED:\n{e}"),
    }
    println!();
}

fn run_json(run: &Run) -> Result<serde_json::Value, serde_json::Error> {
    let conformance = match &run.conformance {
        None => serde_json::Value::Null,
        Some(Ok(r)) => serde_json::json!({
            "states": r.states,
            "transitions": r.transitions,
            "terminal_paths": r.terminal_paths,
            "max_depth": r.max_depth,
            "seconds": r.elapsed.as_secs_f64(),
            "transitions_per_second": r.transitions_per_second(),
        }),
        Some(Err(e)) => serde_json::json!({ "error": e.to_string() }),
    };
    let mut value = serde_json::to_value(&run.report)?;
    value["name"] = serde_json::json!(run.name);
    value["states_per_second"] = serde_json::json!(run.report.states_per_second());
    value["conformance"] = conformance;
    Ok(value)
}

/// Runs `appsync check`. With no flags it checks the main job's presets (the
/// model's presets marked `main_job`: `default`, `adversarial` and
/// `create-order`, which together reach every witness), and replays every
/// transition of each on mls-rs.
pub fn run(args: CheckArgs) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let main_job = args.config.is_empty();
    let configs: Vec<(String, AppSyncConfig)> = if main_job {
        PRESETS
            .iter()
            .filter(|p| p.main_job)
            .map(|p| (p.name.to_string(), p.config()))
            .collect()
    } else {
        vec![("configuration".into(), args.config.config())]
    };
    for (_, cfg) in &configs {
        super::config::validate(cfg)?;
    }
    let conform = args.conform || (main_job && !args.no_conform);
    let runs: Vec<Run> = configs
        .iter()
        .map(|(name, cfg)| run_one(name, cfg, &args, conform))
        .collect();

    let mut failed = runs
        .iter()
        .any(|r| r.report.failed() || matches!(r.conformance, Some(Err(_))));
    // Every witness must be reached by at least one configuration run.
    let unreached: Vec<&str> = runs
        .iter()
        .flat_map(|r| r.report.properties.iter())
        .filter(|p| p.expectation == Expectation::Sometimes)
        .map(|p| p.name)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .filter(|name| {
            !runs.iter().any(|r| {
                r.report
                    .properties
                    .iter()
                    .any(|p| p.name == *name && p.verdict == Verdict::WitnessFound)
            })
        })
        .collect();
    if main_job && !unreached.is_empty() {
        failed = true;
    }

    if args.json {
        let values = runs.iter().map(run_json).collect::<Result<Vec<_>, _>>()?;
        let out = serde_json::json!({ "runs": values, "unreached_witnesses": unreached, "failed": failed });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        for run in &runs {
            print_run(run, args.traces);
        }
        if main_job {
            if unreached.is_empty() {
                println!("every sometimes witness was reached");
            } else {
                println!("witnesses not reached by any configuration run: {unreached:?}");
            }
        }
        println!(
            "{}",
            if failed {
                "FAILED"
            } else {
                "all checks passed"
            }
        );
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
