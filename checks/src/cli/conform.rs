//! `appsync conform`: exhaustive and random conformance for a configuration,
//! with progress bars, and a pasteable replay command for a divergence.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Args;

use appsync_model::display::preset_name;
use appsync_model::presets::{self, RANDOM};
use appsync_model::{AppSyncConfig, encode_path};

use super::config::ConfigArgs;
use super::flags::{config_flags, replay_command};
use super::progress::bar;
use crate::conformance::partitioned::{self, Split};
use crate::conformance::{ConformanceError, exhaustive, honest_rules, random, sampled};
use crate::modelcheck::count_transitions;

/// Flags of `appsync conform`.
#[derive(Debug, Args)]
pub struct ConformArgs {
    /// The configuration of the exhaustive run.
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Skip the exhaustive run.
    #[arg(long)]
    pub no_exhaustive: bool,
    /// Skip the random run.
    #[arg(long)]
    pub no_random: bool,
    /// Random traces to replay (on the random preset: 5 members and the
    /// adversary, every actor on); at least 1 (`--no-random` skips them).
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..))]
    pub traces: u32,
    /// Shortest random trace, in steps (at least 1).
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u16).range(1..))]
    pub min_steps: u16,
    /// Longest random trace, in steps (at least --min-steps).
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u16).range(1..))]
    pub max_steps: u16,
    /// Seed of the random run (default: fresh).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Replay the exhaustive run on this many threads (the state graph is
    /// cut into parts; see `conformance/partitioned.rs`).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: u16,
    /// Replay only shard K of N of the exhaustive run (`K/N`, 1-based), for
    /// N machines; `appsync merge` combines their `--json` reports.
    #[arg(long, value_parser = super::shard::parse_shard)]
    pub shard: Option<(usize, usize)>,
    /// Print the exhaustive run's shard report as JSON (implies
    /// `--no-random`).
    #[arg(long)]
    pub json: bool,
    /// Also replay this many random maximal paths of the configuration,
    /// each on fresh groups, so that states are checked along several
    /// histories (`--seed` draws them).
    #[arg(long, default_value_t = 0)]
    pub sample: usize,
}

/// After a failed run: the command that replays its divergence.
pub(crate) fn print_replay_hint(
    out: &mut impl Write,
    flags: &Result<Vec<String>, String>,
    error: &ConformanceError,
) -> io::Result<()> {
    let ConformanceError::Divergence(d) = error else {
        return Ok(());
    };
    match flags {
        Ok(flags) => writeln!(
            out,
            "  replay: {}",
            replay_command(flags, &encode_path(&d.path))
        ),
        Err(e) => writeln!(
            out,
            "  replay: no command line makes this configuration ({e})"
        ),
    }
}

/// A failed run, and the command that replays its divergence.
fn print_failure(
    out: &mut impl Write,
    what: &str,
    args: &ConformArgs,
    cfg: &AppSyncConfig,
    error: &ConformanceError,
) -> io::Result<()> {
    writeln!(out, "{what}: FAILED\n{error}")?;
    let base = args
        .config
        .preset
        .or_else(|| preset_name(cfg).and_then(presets::find));
    print_replay_hint(out, &config_flags(base, cfg), error)
}

/// Runs `appsync conform`.
pub fn run(args: ConformArgs) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let cfg = args.config.config();
    super::config::validate(&cfg)?;
    if args.min_steps > args.max_steps {
        return Err(format!(
            "--min-steps {} is above --max-steps {}",
            args.min_steps, args.max_steps
        )
        .into());
    }
    if args.no_exhaustive && args.no_random && args.sample == 0 {
        return Err(
            "--no-exhaustive and --no-random (and no --sample) leave nothing to run".into(),
        );
    }
    let mut out = io::stdout().lock();
    let mut ok = true;
    let partitioned =
        !args.no_exhaustive && (args.threads > 1 || args.shard.is_some() || args.json);
    if args.json && args.no_exhaustive {
        return Err("--json reports the exhaustive run, which --no-exhaustive skips".into());
    }
    if partitioned {
        let split = Split {
            shard: args.shard.unwrap_or((1, 1)),
            threads: usize::from(args.threads),
        };
        let progress = bar(false, 0, "exhaustive".into(), "transitions");
        let result = partitioned::run(&cfg, &honest_rules(), split, |done, total| {
            progress.set_length(total as u64);
            progress.set_position(done as u64);
        });
        progress.finish_and_clear();
        match &result {
            Ok(r) if args.json => {
                serde_json::to_writer_pretty(&mut out, &super::shard::to_json(r))?;
                writeln!(out)?;
            }
            Ok(r) => writeln!(out, "exhaustive: {r}")?,
            Err(e) => {
                ok = false;
                print_failure(&mut out, "exhaustive", &args, &cfg, e)?;
            }
        }
    } else if !args.no_exhaustive {
        let total = count_transitions(&cfg) as u64;
        let progress = bar(false, total, "exhaustive".into(), "transitions");
        let result = exhaustive::run(&cfg, &honest_rules(), |done| {
            if done % 256 == 0 {
                progress.set_length(total.max(done as u64));
                progress.set_position(done as u64);
            }
        });
        progress.finish_and_clear();
        match &result {
            Ok(r) => writeln!(out, "exhaustive: {r}")?,
            Err(e) => {
                ok = false;
                print_failure(&mut out, "exhaustive", &args, &cfg, e)?;
            }
        }
    }
    if args.sample > 0 && !args.json {
        let seed = args.seed.unwrap_or(1);
        match sampled::run(&cfg, &honest_rules(), args.sample, seed) {
            Ok(r) => writeln!(out, "sampled (seed {seed}): {r}")?,
            Err(e) => {
                ok = false;
                print_failure(&mut out, &format!("sampled (seed {seed})"), &args, &cfg, &e)?;
            }
        }
    }
    if !args.no_random && !args.json {
        let random_cfg = random::random_config();
        let progress = bar(false, u64::from(args.traces), "random".into(), "traces");
        let start = std::time::Instant::now();
        let result = random::run(
            &random_cfg,
            &honest_rules(),
            args.traces,
            usize::from(args.min_steps),
            usize::from(args.max_steps),
            args.seed,
            &|done| progress.set_position(u64::from(done)),
        );
        progress.finish_and_clear();
        match &result {
            Ok(r) => writeln!(
                out,
                "random: {} traces of {}..={} steps on {} members + adversary: all agree ({:.2} s)",
                r.traces,
                args.min_steps,
                args.max_steps,
                random_cfg.members,
                start.elapsed().as_secs_f64()
            )?,
            Err(e) => {
                ok = false;
                writeln!(out, "random: FAILED\n{e}")?;
                print_replay_hint(&mut out, &config_flags(Some(&RANDOM), &random_cfg), e)?;
            }
        }
    }
    out.flush()?;
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
