//! The `appsync` command line: argument types and dispatch.

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
    /// Test vectors: RFC 9420 passive-client files and AppSync vectors.
    #[command(subcommand)]
    Vectors(vectors::VectorsCommand),
}

/// Runs a parsed command line; the exit code says whether every check held.
pub fn run(cli: Cli) -> Result<ExitCode, Box<dyn std::error::Error>> {
    match cli.command {
        Command::Vectors(command) => vectors::run(command),
    }
}
