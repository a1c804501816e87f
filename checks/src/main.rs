//! `appsync`: model-check, conformance-check, explore and replay the AppSync
//! design, and run test vectors. `appsync --help` lists the commands.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = appsync_checks::cli::Cli::parse();
    match appsync_checks::cli::run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}
