//! The `appsync` command line: argument types and dispatch. Exit codes: 0
//! when every check held, 1 when one failed (a violation, a missing
//! witness, a divergence between mls-rs and the model), 2 when the command
//! could not run as asked (bad flags or input, a path the model cannot
//! take, a busy port, closed output); errors are one line on standard
//! error.

pub mod app_data;
pub mod check;
pub mod config;
pub mod conform;
pub mod explore;
pub mod flags;
mod json;
mod progress;
pub mod replay;
mod report;
mod run;
pub mod shard;
pub mod vectors;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Check the AppSync design of draft-barnes-mls-appsync: the model, the
/// mls-rs implementation, and their agreement.
#[derive(Debug, Parser)]
#[command(name = "appsync", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Model-check a configuration and print which properties hold; with no
    /// flags, also replay every transition on mls-rs (the main job).
    Check(check::CheckArgs),
    /// Exhaustive and random conformance of mls-rs against the model.
    Conform(conform::ConformArgs),
    /// Serve stateright's Explorer for a configuration on 127.0.0.1.
    Explore(explore::ExploreArgs),
    /// Replay one model path on mls-rs, step by step, with both views.
    Replay(replay::ReplayArgs),
    /// Combine the shard reports of `conform --shard K/N --json` runs.
    Merge(shard::MergeArgs),
    /// Test vectors: RFC 9420 passive-client files and AppSync vectors.
    #[command(subcommand)]
    Vectors(vectors::VectorsCommand),
}

/// Runs a parsed command line; the exit code says whether every check held.
pub fn run(cli: Cli) -> Result<ExitCode, Box<dyn std::error::Error>> {
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Conform(args) => conform::run(args),
        Command::Explore(args) => explore::run(args),
        Command::Replay(args) => replay::run(args),
        Command::Merge(args) => shard::run(args),
        Command::Vectors(command) => vectors::run(command),
    }
}
