//! `appsync`: model-check, conformance-check, explore and replay the AppSync
//! design, and run test vectors. `appsync --help` lists the commands; exit
//! codes are in `cli/mod.rs`.

use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

/// A clap error as one line: its message without the usage and help
/// lines that follow it.
fn one_line(error: &clap::Error) -> String {
    let text = error.render().to_string();
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .filter(|l| !l.is_empty())
        .collect();
    lines.join(" ")
}

/// An error as users read it: a closed standard output says so.
fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    match error.downcast_ref::<std::io::Error>() {
        Some(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            "standard output was closed before the output was complete".into()
        }
        _ => error.to_string(),
    }
}

fn main() -> ExitCode {
    let cli = match appsync_checks::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            // Help and version go to standard output; a closed pipe there
            // is no error worth reporting.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("{}", one_line(&e));
            return ExitCode::from(2);
        }
    };
    match appsync_checks::cli::run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {}", describe(error.as_ref()));
            ExitCode::from(2)
        }
    }
}
