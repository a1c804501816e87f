//! `appsync conform`: exhaustive and random conformance for a configuration.

use std::process::ExitCode;

use clap::Args;

use super::check::spinner;
use super::config::ConfigArgs;
use crate::conformance::{exhaustive, honest_rules, random};

/// Flags of `appsync conform`.
#[derive(Debug, Args)]
pub struct ConformArgs {
    /// The configuration of the exhaustive run.
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Skip the exhaustive run.
    #[arg(long)]
    pub no_exhaustive: bool,
    /// Random traces to replay (on the random configuration: 5 members and
    /// the adversary, every actor on); 0 skips the random run.
    #[arg(long, default_value_t = 256)]
    pub traces: u32,
    /// Shortest random trace, in steps.
    #[arg(long, default_value_t = 30)]
    pub min_steps: usize,
    /// Longest random trace, in steps.
    #[arg(long, default_value_t = 60)]
    pub max_steps: usize,
    /// Seed of the random run (default: fresh).
    #[arg(long)]
    pub seed: Option<u64>,
}

/// Runs `appsync conform`.
pub fn run(args: ConformArgs) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let cfg = args.config.config();
    super::config::validate(&cfg)?;
    let mut ok = true;
    if !args.no_exhaustive {
        let bar = spinner(false, "exhaustive conformance");
        let result = exhaustive::run(&cfg, &honest_rules(), |r| {
            if r.transitions % 1000 == 0 {
                bar.set_message(format!(
                    "exhaustive conformance: {} transitions",
                    r.transitions
                ));
            }
        });
        bar.finish_and_clear();
        match result {
            Ok(r) => println!("exhaustive: {r}"),
            Err(e) => {
                ok = false;
                println!("exhaustive: FAILED\n{e}");
            }
        }
    }
    if args.traces > 0 {
        let random_cfg = random::random_config();
        let bar = spinner(false, "random conformance");
        let start = std::time::Instant::now();
        let result = random::run(
            &random_cfg,
            &honest_rules(),
            args.traces,
            args.min_steps,
            args.max_steps,
            args.seed,
        );
        bar.finish_and_clear();
        match result {
            Ok(r) => println!(
                "random: {} traces of {}..={} steps on {} members + adversary: all agree ({:.2} s)",
                r.traces,
                args.min_steps,
                args.max_steps,
                random_cfg.members,
                start.elapsed().as_secs_f64()
            ),
            Err(e) => {
                ok = false;
                println!("random: FAILED\n{e}");
            }
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
