//! `appsync explore`: stateright's Explorer for a configuration on
//! 127.0.0.1, showing the model's own words (see the model's
//! `explorer.rs`). The start-up lines name the configuration and link the
//! shortest counterexample and witness of each property, since the
//! Explorer's own discoveries are not the shortest.

use std::io::Write;
use std::net::TcpListener;
use std::process::ExitCode;

use clap::Args;
use stateright::Model;

use appsync_model::display::config_text;
use appsync_model::{Action, AppSyncModel, shortest_discoveries};

use super::config::ConfigArgs;

/// Flags of `appsync explore`.
#[derive(Debug, Args)]
pub struct ExploreArgs {
    /// The configuration.
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Port on 127.0.0.1 (1 to 65535).
    #[arg(long, default_value_t = 3000, value_parser = clap::value_parser!(u16).range(1..))]
    pub port: u16,
}

/// Unique states the start-up search for shortest paths may visit.
const LINK_BUDGET: usize = 1_000_000;

/// The Explorer's address of `path`: the index of each action among the
/// actions the model offers at that state (stateright's URL scheme).
pub fn explorer_link(model: &AppSyncModel, base: &str, path: &[Action]) -> Option<String> {
    let mut link = format!("{base}#/steps/0");
    let mut state = model.initial_state();
    let mut offered = Vec::new();
    for action in path {
        offered.clear();
        model.actions(&state, &mut offered);
        let index = offered.iter().position(|a| a == action)?;
        link.push_str(&format!("/{index}"));
        state = model.next_state(&state, *action)?;
    }
    Some(link)
}

/// Runs `appsync explore` (serves until interrupted).
pub fn run(args: ExploreArgs) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let cfg = args.config.config();
    super::config::validate(&cfg)?;
    // stateright's server panics on a port it cannot bind: find out first.
    // (Another program could still take the port in between.)
    let probe = TcpListener::bind(("127.0.0.1", args.port))
        .map_err(|e| format!("cannot serve on 127.0.0.1:{}: {e}", args.port))?;
    drop(probe);
    let model = cfg.clone().into_model();
    let base = format!("http://127.0.0.1:{}/", args.port);
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Explorer for {} on {base}#/steps/0 (Ctrl-C to stop)",
        config_text(&cfg)
    )?;
    let names: Vec<&str> = model.properties().iter().map(|p| p.name).collect();
    let shortest = shortest_discoveries(&model, &names, LINK_BUDGET);
    for (name, path) in &shortest.paths {
        if let Some(link) = explorer_link(&model, &base, path) {
            writeln!(out, "  {name}: {} steps: {link}", path.len())?;
        }
    }
    out.flush()?;
    drop(out);
    model
        .for_explorer()
        .checker()
        .serve(("127.0.0.1", args.port));
    Ok(ExitCode::SUCCESS)
}
