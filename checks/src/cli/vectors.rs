//! `appsync vectors ...`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use crate::vectors::rfc9420::{self, Provider};

/// Test-vector commands.
#[derive(Debug, Subcommand)]
pub enum VectorsCommand {
    /// Run an RFC 9420 passive-client vector file (the MLS working group's
    /// `passive-client-*.json` format) through the AppSync client.
    Rfc9420 {
        /// The vector files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The crypto provider (run both to cover suites 1, 2, 3, 5, 7).
        #[arg(long, value_enum, default_value = "rust-crypto")]
        provider: Provider,
    },
}

/// Runs a vectors command.
pub fn run(command: VectorsCommand) -> Result<ExitCode, Box<dyn std::error::Error>> {
    match command {
        VectorsCommand::Rfc9420 { files, provider } => {
            let mut ok = true;
            for file in files {
                let report = rfc9420::run_file(&file, provider)?;
                println!("{} ({})", file.display(), provider.name());
                print!("{}", report.table());
                for (index, error) in &report.failures {
                    println!("  FAILED case {index}: {error}");
                }
                ok &= report.failures.is_empty();
            }
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}
