//! `appsync check`: model-check a configuration, print the property table,
//! and (on the default configuration, or with `--conform`) run exhaustive
//! conformance on mls-rs.

use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use super::config::ConfigArgs;
use crate::conformance::{exhaustive, honest_rules};
use crate::modelcheck::{self, CheckOptions, CheckReport, Verdict};

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
pub fn print_report(report: &CheckReport, traces: bool) {
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
        println!("{:<44} {:<10} {result}", p.name, p.kind);
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
            println!("\n{} ({}):\n{trace}", p.name, p.kind);
            println!("replay: appsync replay '{path}'");
        }
    }
}

/// Runs `appsync check`.
pub fn run(args: CheckArgs) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let cfg = args.config.config();
    super::config::validate(&cfg)?;
    let options = CheckOptions {
        threads: args.threads,
        symmetry: args.symmetry,
        bfs: args.bfs,
    };
    let bar = spinner(args.json, "model checking");
    let report = modelcheck::check(&cfg, options, |states| {
        bar.set_message(format!("model checking: {states} unique states"));
    });
    bar.finish_and_clear();
    let mut failed = report.failed();
    let conform = args.conform || (args.config.is_default() && !args.no_conform);
    let conformance = if conform {
        let bar = spinner(args.json, "conformance");
        let result = exhaustive::run(&cfg, &honest_rules(), |r| {
            if r.transitions % 1000 == 0 {
                bar.set_message(format!(
                    "conformance: {} transitions replayed on mls-rs",
                    r.transitions
                ));
            }
        });
        bar.finish_and_clear();
        Some(result)
    } else {
        None
    };

    if args.json {
        let conformance_json = match &conformance {
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
        let mut value = serde_json::to_value(&report)?;
        value["states_per_second"] = serde_json::json!(report.states_per_second());
        value["conformance"] = conformance_json;
        println!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        print_report(&report, args.traces);
        match &conformance {
            None => {}
            Some(Ok(r)) => println!(
                "\nconformance: mls-rs agrees with the model on all {} transitions ({} states, {} maximal paths, depth {}) in {:.2} s, {:.0} transitions/s",
                r.transitions,
                r.states,
                r.terminal_paths,
                r.max_depth,
                r.elapsed.as_secs_f64(),
                r.transitions_per_second()
            ),
            Some(Err(e)) => println!("\nconformance FAILED:\n{e}"),
        }
    }
    if matches!(conformance, Some(Err(_))) {
        failed = true;
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
