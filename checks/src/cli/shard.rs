//! Shard reports: `appsync conform --shard K/N --json` prints one, `appsync
//! merge` reads N of them, checks that they are shards 1..=N of one
//! configuration that together cover its state graph exactly, and prints
//! the whole.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use serde_json::{Value, json};

use crate::conformance::coverage::RulePath;
use crate::conformance::partitioned::{self, PartitionedReport};

/// `K/N`: shard K (1-based) of N.
pub(crate) fn parse_shard(text: &str) -> Result<(usize, usize), String> {
    let (k, n) = text
        .split_once('/')
        .ok_or_else(|| format!("{text:?} is not K/N"))?;
    let k: usize = k.parse().map_err(|_| format!("{k:?} is not a number"))?;
    let n: usize = n.parse().map_err(|_| format!("{n:?} is not a number"))?;
    if n == 0 || !(1..=n).contains(&k) {
        return Err(format!("shard {k}/{n}: K must be in 1..=N"));
    }
    Ok((k, n))
}

/// A shard report as JSON.
pub(crate) fn to_json(r: &PartitionedReport) -> Value {
    let rule_paths: serde_json::Map<String, Value> = r
        .coverage
        .iter()
        .map(|(path, n)| (path.describe(), json!(n)))
        .collect();
    json!({
        "shard": [r.shard.0, r.shard.1],
        "states": r.states,
        "transitions": r.transitions,
        "refusals": r.refusals,
        "terminal_states": r.terminal_states,
        "whole_states": r.whole_states,
        "whole_transitions": r.whole_transitions,
        "max_depth": r.max_depth,
        "explore_seconds": r.explore_time.as_secs_f64(),
        "seconds": r.elapsed.as_secs_f64(),
        "rule_paths": rule_paths,
    })
}

/// A shard report read back from [`to_json`]'s form.
pub(crate) fn from_json(value: &Value) -> Result<PartitionedReport, String> {
    let count = |key: &str| {
        value[key]
            .as_u64()
            .map(|n| n as usize)
            .ok_or_else(|| format!("no count {key:?}"))
    };
    let seconds = |key: &str| {
        value[key]
            .as_f64()
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(Duration::from_secs_f64)
            .ok_or_else(|| format!("no time {key:?}"))
    };
    let shard = match value["shard"].as_array().map(Vec::as_slice) {
        Some([k, n]) => match (k.as_u64(), n.as_u64()) {
            (Some(k), Some(n)) => (k as usize, n as usize),
            _ => return Err("\"shard\" is not [K, N]".into()),
        },
        _ => return Err("\"shard\" is not [K, N]".into()),
    };
    let mut report = PartitionedReport {
        shard,
        states: count("states")?,
        transitions: count("transitions")?,
        refusals: count("refusals")?,
        terminal_states: count("terminal_states")?,
        whole_states: count("whole_states")?,
        whole_transitions: count("whole_transitions")?,
        max_depth: count("max_depth")?,
        explore_time: seconds("explore_seconds")?,
        elapsed: seconds("seconds")?,
        ..Default::default()
    };
    let paths = value["rule_paths"]
        .as_object()
        .ok_or("no \"rule_paths\" object")?;
    for (text, n) in paths {
        let path = RulePath::from_description(text)
            .ok_or_else(|| format!("unknown rule path {text:?}"))?;
        let n = n.as_u64().ok_or_else(|| format!("count of {text:?}"))?;
        report.coverage.insert(path, n as usize);
    }
    Ok(report)
}

/// Flags of `appsync merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shard reports (`appsync conform --shard K/N --json` output), one
    /// per shard.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Print the merged report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs `appsync merge`: exit 0 when the shards cover the graph exactly.
pub fn run(args: MergeArgs) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let mut reports = Vec::new();
    for file in &args.files {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let value: Value = serde_json::from_str(&text)
            .map_err(|e| format!("{} is not JSON: {e}", file.display()))?;
        reports.push(from_json(&value).map_err(|e| format!("{}: {e}", file.display()))?);
    }
    let mut out = std::io::stdout().lock();
    match partitioned::merge(&reports) {
        Ok(merged) if args.json => {
            serde_json::to_writer_pretty(&mut out, &to_json(&merged))?;
            writeln!(out)?;
            Ok(ExitCode::SUCCESS)
        }
        Ok(merged) => {
            writeln!(
                out,
                "{} shards together: mls-rs agrees with the model on all {} transitions and {} committer refusals ({} states); slowest shard {:.2} s",
                reports.len(),
                merged.transitions,
                merged.refusals,
                merged.states,
                merged.elapsed.as_secs_f64()
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Err(why) => {
            writeln!(out, "FAILED: {why}")?;
            Ok(ExitCode::FAILURE)
        }
    }
}
