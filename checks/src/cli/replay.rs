//! `appsync replay`: one model path on mls-rs, step by step: what the step
//! did and the model's whole state after it, then both views of every
//! member. A path the model cannot take is the user's input
//! error (exit 2, before anything runs), not a divergence; a divergence
//! (exit 1) means mls-rs and the model really differ. `--svg` draws the
//! path as a message-sequence chart.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use appsync_model::chart::{Chart, Highlight, render};
use appsync_model::display::{changed_lines, config_text, preset_name, state_lines};
use appsync_model::explain::{describe_step, verdict_notes};
use appsync_model::presets;
use appsync_model::{decode_path, encode_path, replay as model_replay};
use clap::Args;

use super::config::ConfigArgs;
use super::flags::{config_flags, replay_command};
use crate::conformance::{Divergence, honest_rules, replay};

/// Flags of `appsync replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The path, as printed with counterexamples (actions separated by
    /// spaces, e.g. `propose(m0,app1=1) deliver(m1) commit(m1,[])`).
    pub path: String,
    /// The configuration the path belongs to.
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Write the path as a message-sequence chart (SVG) to this file.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
}

/// The chart of a replayed path: the diverging step in red, else the last
/// step with what its state violates or witnesses.
fn chart(
    cfg: &appsync_model::AppSyncConfig,
    actions: &[appsync_model::Action],
    divergence: Option<&Divergence>,
) -> Result<String, appsync_model::ReplayError> {
    let model = cfg.clone().into_model();
    let states = model_replay(&model, actions)?;
    let highlight = match divergence {
        Some(d) => Highlight {
            step: d.path.len(),
            label: "mls-rs diverges here".into(),
            note: format!(
                "mls-rs and the model differ after this step: {}",
                d.difference
            ),
            bad: true,
        },
        None => Highlight {
            step: actions.len(),
            label: "mls-rs agrees".into(),
            note: format!(
                "mls-rs agrees with the model on all {} steps. {}",
                actions.len(),
                verdict_notes(&model, &states, actions).join(" ")
            ),
            bad: false,
        },
    };
    render(&Chart {
        title: format!("appsync replay: {} steps on mls-rs", actions.len()),
        model: &model,
        actions,
        highlight: Some(highlight),
    })
}

/// Runs `appsync replay`.
pub fn run(args: ReplayArgs) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let cfg = args.config.config();
    super::config::validate(&cfg)?;
    let actions = decode_path(&args.path)?;
    // The whole path must be one the model can take: check before playing
    // anything on mls-rs.
    let states = model_replay(&cfg.clone().into_model(), &actions)
        .map_err(|e| format!("{e} (configuration: {})", config_text(&cfg)))?;
    let (steps, divergence) = replay::replay(&cfg, &honest_rules(), &actions)?;
    let mut out = std::io::stdout().lock();
    for (i, step) in steps.iter().enumerate() {
        // The model's side in full: what the step did, then its state
        // (caches, pending commits, what each proposer read, what is in
        // flight), the lines it changed marked `>`.
        let model_lines = match &step.action {
            None => {
                writeln!(out, "initial state")?;
                let lines = state_lines(&states[0]).into_iter();
                lines.map(|l| format!("  {l}")).collect()
            }
            Some(action) => {
                let said = describe_step(&states[i - 1], action, &states[i]);
                writeln!(out, "step {i}: {action}: {said}")?;
                changed_lines(&states[i - 1], &states[i])
            }
        };
        for line in model_lines {
            writeln!(out, "      {line}")?;
        }
        for (m, (model, real)) in step.views.iter().enumerate() {
            let mark = if model == real { " " } else { "!" };
            writeln!(out, "  {mark} m{m} model: {model}")?;
            writeln!(out, "  {mark} m{m} real:  {real}")?;
        }
    }
    if let Some(file) = &args.svg {
        let svg = chart(&cfg, &actions, divergence.as_ref())?;
        std::fs::write(file, svg)
            .map_err(|e| format!("cannot write the chart to {}: {e}", file.display()))?;
        writeln!(out, "chart: {}", file.display())?;
    }
    let code = match divergence {
        None => {
            writeln!(out, "all {} steps agree", actions.len())?;
            ExitCode::SUCCESS
        }
        Some(d) => {
            writeln!(out, "{d}")?;
            let base = args
                .config
                .preset
                .or_else(|| preset_name(&cfg).and_then(presets::find));
            if let Ok(flags) = config_flags(base, &cfg) {
                let command = replay_command(&flags, &encode_path(&d.path));
                writeln!(out, "  replay: {command}")?;
            }
            ExitCode::FAILURE
        }
    };
    out.flush()?;
    Ok(code)
}
