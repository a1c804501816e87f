//! `appsync replay`: one model path on mls-rs, step by step.

use std::process::ExitCode;

use appsync_model::decode_path;
use clap::Args;

use super::config::ConfigArgs;
use crate::conformance::{honest_rules, replay};

/// Flags of `appsync replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The path, as printed with counterexamples (actions separated by
    /// spaces, e.g. `propose(m0,app1=1) deliver(m1) commit(m1,[])`).
    pub path: String,
    /// The configuration the path belongs to.
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// Runs `appsync replay`.
pub fn run(args: ReplayArgs) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let cfg = args.config.config();
    super::config::validate(&cfg)?;
    let actions = decode_path(&args.path)?;
    let (steps, divergence) = replay::replay(&cfg, &honest_rules(), &actions)?;
    for (i, step) in steps.iter().enumerate() {
        match &step.action {
            None => println!("initial state"),
            Some(action) => println!("step {i}: {action}"),
        }
        for (m, (model, real)) in step.views.iter().enumerate() {
            let mark = if model == real { " " } else { "!" };
            println!("  {mark} m{m} model: {model}");
            println!("  {mark} m{m} real:  {real}");
        }
    }
    match divergence {
        None => {
            println!("all {} steps agree", actions.len());
            Ok(ExitCode::SUCCESS)
        }
        Some(d) => {
            println!("{d}");
            Ok(ExitCode::FAILURE)
        }
    }
}
