//! `appsync explore`: stateright's Explorer web UI for a configuration.

use std::process::ExitCode;

use clap::Args;
use stateright::Model;

use super::config::ConfigArgs;

/// Flags of `appsync explore`.
#[derive(Debug, Args)]
pub struct ExploreArgs {
    /// The configuration.
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Port on 127.0.0.1.
    #[arg(long, default_value_t = 3000)]
    pub port: u16,
}

/// Runs `appsync explore` (serves until interrupted).
pub fn run(args: ExploreArgs) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let cfg = args.config.config();
    super::config::validate(&cfg)?;
    println!(
        "Explorer on http://127.0.0.1:{}/ (Ctrl-C to stop)",
        args.port
    );
    cfg.into_model().checker().serve(("127.0.0.1", args.port));
    Ok(ExitCode::SUCCESS)
}
