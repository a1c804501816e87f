//! `appsync check --profile app-data-update`: model-check the successor
//! profile (AppDataUpdate, `appsync_model::app_data`) on its own presets,
//! and print, per preset, the unique states, each property's verdict and
//! the shortest path to each discovery. Model only: the conformance
//! harness replays the AppSync profile.

use std::collections::BTreeSet;
use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use stateright::{Checker, Expectation, Model};

use appsync_model::app_data::properties::{SOMETIMES, finding};
use appsync_model::app_data::{PRESETS, Preset, format_path};
use appsync_model::shortest_discoveries;

use super::report::{exit_code, verdict_line};

/// Checks `presets` (all of them when `None`) with `threads` checker
/// threads; fails on an `always` property a preset does not list among its
/// findings, and, when every preset runs, on a witness none reaches.
pub fn run(
    preset: Option<&'static Preset>,
    threads: u16,
) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let presets: Vec<&Preset> = match preset {
        Some(p) => vec![p],
        None => PRESETS.iter().collect(),
    };
    let mut out = std::io::stdout().lock();
    let mut failed = false;
    let mut reached: BTreeSet<&str> = BTreeSet::new();
    for p in &presets {
        let cfg = p.config();
        let model = cfg.clone().into_model();
        let started = Instant::now();
        let checker = model
            .clone()
            .checker()
            .threads(usize::from(threads))
            .spawn_bfs()
            .join();
        let elapsed = started.elapsed();
        let found: Vec<&'static str> = checker.discoveries().keys().copied().collect();
        let paths = shortest_discoveries(&model, &found, usize::MAX).paths;
        writeln!(
            out,
            "{} (app-data-update: {}): {} unique states in {:.2?}",
            p.name,
            cfg.describe(),
            checker.unique_state_count(),
            elapsed
        )?;
        for property in model.properties() {
            let name = property.name;
            let path = paths.get(name);
            let steps = |path: &Vec<_>| format!("{} steps: {}", path.len(), format_path(path));
            match (property.expectation, path) {
                (Expectation::Sometimes, None) => writeln!(out, "  not reached  {name}")?,
                (Expectation::Sometimes, Some(path)) => {
                    reached.insert(name);
                    writeln!(out, "  reached      {name} ({})", steps(path))?;
                }
                (_, None) => writeln!(out, "  holds        {name}")?,
                (_, Some(path)) => {
                    let finding = finding(&cfg, name).is_some();
                    failed |= !finding;
                    let word = if finding { "finding" } else { "FAILS" };
                    writeln!(out, "  {word:<12} {name} ({})", steps(path))?;
                }
            }
        }
    }
    if preset.is_none() {
        let missing: Vec<&str> = SOMETIMES
            .iter()
            .copied()
            .filter(|w| !reached.contains(w))
            .collect();
        if missing.is_empty() {
            writeln!(out, "every sometimes witness was reached")?;
        } else {
            failed = true;
            writeln!(
                out,
                "witnesses not reached by any preset: {}",
                missing.join(", ")
            )?;
        }
    }
    writeln!(out, "{}", verdict_line(failed))?;
    out.flush()?;
    Ok(exit_code(failed))
}
