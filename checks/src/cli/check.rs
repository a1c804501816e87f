//! `appsync check`: model-check a configuration (or the main job's
//! presets), find the shortest counterexample and witness of each property,
//! and (on the main job, or with `--conform`) replay every transition on
//! mls-rs. Printing is in `report.rs` (text) and `json.rs` (`--json`).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use stateright::Expectation;

use appsync_model::AppSyncConfig;
use appsync_model::chart::{Chart, Highlight, render};
use appsync_model::display::preset_name;
use appsync_model::presets::{self, PRESETS, Preset};

use super::config::{ConfigArgs, ProfileArg, app_data_preset_parser};
use super::flags::config_flags;
use super::progress::{bar, spinner};
use super::report::{exit_code, verdict_line};
use super::run::Run;
use crate::conformance::coverage::Coverage;
use crate::conformance::{exhaustive, honest_rules};
use crate::modelcheck::{self, CheckOptions, PropertyResult, Verdict};

/// Flags of `appsync check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Which draft to model: the seed draft's AppSync (default) or the
    /// successor's AppDataUpdate (model check only, its own presets).
    #[arg(long, value_enum, default_value_t = ProfileArg::Appsync)]
    pub profile: ProfileArg,
    /// With `--profile app-data-update`: the one preset to check (default:
    /// all of them).
    #[arg(long, value_parser = app_data_preset_parser())]
    pub app_data_preset: Option<&'static appsync_model::app_data::Preset>,
    /// The configuration.
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Checker threads (at least 1).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: u16,
    /// Symmetry reduction over member ids (depth-first search).
    #[arg(long)]
    pub symmetry: bool,
    /// Breadth-first search in the checker (reported paths are shortest
    /// either way: a breadth-first pass finds them after the check).
    #[arg(long, conflicts_with = "symmetry")]
    pub bfs: bool,
    /// Print the result as JSON (schema: docs/check-output.schema.json).
    #[arg(long)]
    pub json: bool,
    /// Also replay every transition on mls-rs (on by default for the
    /// main job).
    #[arg(long)]
    pub conform: bool,
    /// Skip conformance, even on the main job.
    #[arg(long, conflicts_with = "conform")]
    pub no_conform: bool,
    /// Print every witness path in full too (counterexamples always are).
    #[arg(long)]
    pub traces: bool,
    /// Write a message-sequence chart (SVG) of every counterexample and
    /// witness into this folder, one file per run and property.
    #[arg(long, value_name = "DIR")]
    pub svg: Option<PathBuf>,
}

/// A property name as a file name: `no lost update` gives `no-lost-update`.
fn slug(name: &str) -> String {
    let words: Vec<String> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    words.join("-")
}

/// Writes one chart per discovered property of `run` into `dir`.
fn write_charts(run: &mut Run, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let model = run.report.config.clone().into_model();
    for p in &run.report.properties {
        let (Some(actions), Some(note)) = (&p.actions, &p.explanation) else {
            continue;
        };
        let bad = p.expectation != Expectation::Sometimes;
        let (word, what) = if bad {
            ("violates", "counterexample")
        } else {
            ("witnesses", "witness")
        };
        let chart = Chart {
            title: format!("{} ({}): {what}, {} steps", p.name, run.name, actions.len()),
            model: &model,
            actions,
            highlight: Some(Highlight {
                step: actions.len(),
                label: format!("{word}: {}", p.name),
                note: note.clone(),
                bad,
            }),
        };
        let svg = render(&chart).map_err(std::io::Error::other)?;
        let file = dir.join(format!("{}-{}.svg", run.name, slug(p.name)));
        std::fs::write(&file, svg)?;
        run.charts.push((p.name, file));
    }
    Ok(())
}

fn run_one(
    preset: Option<&'static Preset>,
    cfg: &AppSyncConfig,
    args: &CheckArgs,
    conform: bool,
) -> Run {
    let name = preset_name(cfg).unwrap_or("custom").to_string();
    let options = CheckOptions {
        threads: usize::from(args.threads),
        symmetry: args.symmetry,
        bfs: args.bfs,
    };
    let spin = spinner(args.json, format!("{name}: model checking"));
    let start = std::time::Instant::now();
    let report = modelcheck::check(cfg, options, |states| {
        let rate = states as f64 / start.elapsed().as_secs_f64().max(1e-3);
        spin.set_message(format!(
            "{name}: model checking, {states} unique states, {rate:.0} states/s"
        ));
    });
    spin.finish_and_clear();
    let conformance = conform.then(|| {
        let total = report
            .transitions()
            .unwrap_or_else(|| modelcheck::count_transitions(cfg));
        let progress = bar(
            args.json,
            total as u64,
            format!("{name}: replaying on mls-rs"),
            "transitions",
        );
        let result = exhaustive::run(cfg, &honest_rules(), |done| {
            if done % 256 == 0 {
                progress.set_length(progress.length().unwrap_or(0).max(done as u64));
                progress.set_position(done as u64);
            }
        });
        progress.finish_and_clear();
        result
    });
    Run {
        flags: config_flags(preset, cfg),
        name,
        report,
        conformance,
        charts: Vec::new(),
    }
}

/// Sometimes-properties no run reached. On the main job, every witness must
/// be reached by one of the presets; on one configuration, only a witness
/// the configuration could reach counts (a not-applicable one does not).
fn unreached(runs: &[Run], main_job: bool) -> Vec<&'static str> {
    let results = || runs.iter().flat_map(|r| r.report.properties.iter());
    let found = |name: &str| {
        results().any(|p: &PropertyResult| p.name == name && p.verdict == Verdict::WitnessFound)
    };
    results()
        .filter(|p| p.expectation == Expectation::Sometimes)
        .filter(|p| main_job || p.verdict == Verdict::WitnessMissing)
        .map(|p| p.name)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter(|name| !found(name))
        .collect()
}

/// Runs `appsync check`. With no flags it checks the main job's presets (the
/// model's presets marked `main_job`: `default`, `adversarial` and
/// `create-order`, which together reach every witness), and replays every
/// transition of each on mls-rs.
pub fn run(args: CheckArgs) -> Result<ExitCode, Box<dyn std::error::Error>> {
    if args.profile == ProfileArg::AppDataUpdate {
        let appsync_only = !args.config.is_empty()
            || args.symmetry
            || args.json
            || args.conform
            || args.svg.is_some();
        if appsync_only {
            return Err(
                "--profile app-data-update takes --app-data-preset and --threads; \
                        the other flags describe the AppSync model"
                    .into(),
            );
        }
        return super::app_data::run(args.app_data_preset, args.threads);
    }
    if args.app_data_preset.is_some() {
        return Err("--app-data-preset needs --profile app-data-update".into());
    }
    let main_job = args.config.is_empty();
    let configs: Vec<(Option<&'static Preset>, AppSyncConfig)> = if main_job {
        PRESETS
            .iter()
            .filter(|p| p.main_job)
            .map(|p| (Some(p), p.config()))
            .collect()
    } else {
        let cfg = args.config.config();
        let base = args
            .config
            .preset
            .or_else(|| preset_name(&cfg).and_then(presets::find));
        vec![(base, cfg)]
    };
    for (_, cfg) in &configs {
        super::config::validate(cfg)?;
    }
    let conform = args.conform || (main_job && !args.no_conform);
    let mut runs: Vec<Run> = configs
        .iter()
        .map(|(preset, cfg)| run_one(*preset, cfg, &args, conform))
        .collect();
    if let Some(dir) = &args.svg {
        for run in &mut runs {
            write_charts(run, dir)
                .map_err(|e| format!("cannot write charts into {}: {e}", dir.display()))?;
        }
    }
    let unreached = unreached(&runs, main_job);
    // The rule paths every conformance run took, together; the main job
    // must take every required one.
    let mut coverage = Coverage::default();
    for run in &runs {
        if let Some(Ok(report)) = &run.conformance {
            coverage.merge(&report.coverage);
        }
    }
    let coverage = conform.then_some(coverage);
    let unreached_paths = match (&coverage, main_job) {
        (Some(coverage), true) => coverage.unreached(),
        _ => Vec::new(),
    };
    let failed = !unreached.is_empty()
        || !unreached_paths.is_empty()
        || runs
            .iter()
            .any(|r| r.report.failed() || matches!(r.conformance, Some(Err(_))));
    let mut out = std::io::stdout().lock();
    if args.json {
        let value = super::json::output(&runs, &unreached, coverage.as_ref(), failed);
        serde_json::to_writer_pretty(&mut out, &value).map_err(std::io::Error::from)?;
        writeln!(out)?;
    } else {
        for run in &runs {
            super::report::print_run(&mut out, run, args.traces)?;
        }
        if let Some(coverage) = &coverage {
            super::report::print_coverage(&mut out, coverage)?;
        }
        if !unreached_paths.is_empty() {
            let names: Vec<String> = unreached_paths
                .iter()
                .map(|(rule, path)| format!("{rule} {}", path.describe()))
                .collect();
            writeln!(
                out,
                "rule paths not replayed by any configuration run: {}",
                names.join("; ")
            )?;
        }
        if main_job && unreached.is_empty() {
            writeln!(out, "every sometimes witness was reached")?;
        }
        if !unreached.is_empty() {
            writeln!(
                out,
                "witnesses not reached by any configuration run: {}",
                unreached.join(", ")
            )?;
        }
        writeln!(out, "{}", verdict_line(failed))?;
    }
    out.flush()?;
    Ok(exit_code(failed))
}
