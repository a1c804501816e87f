//! `appsync check`'s text output: per run, the configuration in words, the
//! property table, the counts, and each counterexample (each witness too,
//! with `--traces`) as an explained trace with why its last state violates
//! the property, a complete replay command and its chart.

use std::io::{self, Write};
use std::process::ExitCode;

use appsync_model::display::config_text;

use super::flags::replay_command;
use super::run::Run;
use crate::conformance::coverage::{Coverage, REQUIRED};
use crate::modelcheck::{PropertyResult, Verdict, kind};

/// The result column of the property table.
fn result_text(p: &PropertyResult) -> String {
    let steps = p
        .steps
        .map(|s| {
            let shortest = if p.shortest { "shortest, " } else { "" };
            format!(" ({shortest}{s} steps)")
        })
        .unwrap_or_default();
    match &p.verdict {
        Verdict::Holds => "holds".to_string(),
        Verdict::ExpectedViolation { why } => format!("violated, as expected{steps}: {why}"),
        Verdict::Violated => format!("VIOLATED{steps}"),
        Verdict::WitnessFound => format!("witness found{steps}"),
        Verdict::WitnessMissing => "WITNESS MISSING".to_string(),
        Verdict::NotApplicable { why } => format!("not applicable ({why})"),
    }
}

/// One counterexample or witness: trace, why, replay command, chart.
fn print_path(out: &mut impl Write, run: &Run, p: &PropertyResult) -> io::Result<()> {
    let (Some(trace), Some(path), Some(steps)) = (&p.trace, &p.path, p.steps) else {
        return Ok(());
    };
    let what = match p.verdict {
        Verdict::WitnessFound => "witness",
        _ => "counterexample",
    };
    let shortest = if p.shortest {
        "shortest "
    } else {
        "(not shown to be shortest) "
    };
    writeln!(
        out,
        "\n{} ({}): {shortest}{what}, {steps} steps, ending at the first state that {}",
        p.name,
        kind(&p.expectation),
        if what == "witness" {
            "witnesses it"
        } else {
            "violates it"
        }
    )?;
    write!(out, "{trace}")?;
    if let Some(why) = &p.explanation {
        writeln!(out, "  why: {why}")?;
    }
    match &run.flags {
        Ok(flags) => writeln!(out, "  replay: {}", replay_command(flags, path))?,
        Err(e) => writeln!(
            out,
            "  replay: no command line makes this configuration ({e})"
        )?,
    }
    if let Some((_, file)) = run.charts.iter().find(|(name, _)| *name == p.name) {
        writeln!(out, "  chart: {}", file.display())?;
    }
    Ok(())
}

/// Prints one run.
pub(crate) fn print_run(out: &mut impl Write, run: &Run, traces: bool) -> io::Result<()> {
    let report = &run.report;
    let words = config_text(&report.config);
    if run.name == "custom" {
        writeln!(out, "== custom configuration: {words}")?;
    } else {
        writeln!(out, "== {words}")?;
    }
    writeln!(out, "{:<46} {:<10} result", "property", "kind")?;
    for p in &report.properties {
        writeln!(
            out,
            "{:<46} {:<10} {}",
            p.name,
            kind(&p.expectation),
            result_text(p)
        )?;
    }
    writeln!(
        out,
        "unique states {}, total {}, max depth {}, {:.2} s, {:.0} states/s; shortest paths in {:.2} s",
        report.unique_states,
        report.total_states,
        report.max_depth,
        report.elapsed.as_secs_f64(),
        report.states_per_second(),
        report.shortest_elapsed.as_secs_f64()
    )?;
    for p in &report.properties {
        let violated = matches!(
            p.verdict,
            Verdict::Violated | Verdict::ExpectedViolation { .. }
        );
        if violated || traces {
            print_path(out, run, p)?;
        }
    }
    match &run.conformance {
        None => {}
        Some(Ok(r)) => writeln!(out, "\nconformance: {r}")?,
        Some(Err(e)) => {
            writeln!(out, "\nconformance FAILED:\n{e}")?;
            super::conform::print_replay_hint(out, &run.flags, e)?;
        }
    }
    writeln!(out)
}

/// The rule paths the conformance runs took on mls-rs, required ones first
/// (a required path with no count is what fails the main job).
pub(crate) fn print_coverage(out: &mut impl Write, coverage: &Coverage) -> io::Result<()> {
    writeln!(out, "rule paths replayed on mls-rs (all conformance runs):")?;
    writeln!(out, "  {:<5} {:<72} {:>10}", "rule", "path", "times")?;
    for (rule, path) in REQUIRED {
        let n = coverage.count(path);
        let mark = if n == 0 { "  NOT REACHED" } else { "" };
        writeln!(out, "  {rule:<5} {:<72} {n:>10}{mark}", path.describe())?;
    }
    for (path, n) in coverage.iter() {
        if !REQUIRED.iter().any(|(_, p)| p == path) {
            writeln!(out, "  {:<5} {:<72} {n:>10}", "", path.describe())?;
        }
    }
    Ok(())
}

/// The last line of `check` (either profile): whether everything passed.
pub fn verdict_line(failed: bool) -> &'static str {
    if failed {
        "FAILED"
    } else {
        "all checks passed"
    }
}

/// The exit status of `check` (either profile): 1 when something failed.
pub fn exit_code(failed: bool) -> ExitCode {
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
