//! `appsync check --json`: one document in the shape
//! `docs/check-output.schema.json` describes (a test validates it):
//! configurations as fields, every verdict a name with an optional reason,
//! conformance as one object, and `failed` true whenever
//! `unreached_witnesses` is not empty.

use serde_json::{Value, json};

use crate::conformance::coverage::{Coverage, REQUIRED};

use appsync_model::AppSyncConfig;
use appsync_model::display::fault_names;
use appsync_model::{DeliveryPolicy, GcePolicy, RetryPolicy, UnknownIdPolicy};

use super::flags::replay_command;
use super::run::Run;
use crate::modelcheck::kind;

/// A configuration as fields; seeded faults only by the names of those on.
pub fn config_json(cfg: &AppSyncConfig) -> Value {
    json!({
        "members": cfg.members,
        "application_ids": cfg.application_ids,
        "max_epoch": cfg.max_epoch,
        "max_in_flight": cfg.max_in_flight,
        "max_by_value": cfg.max_by_value,
        "propose_unknown_id": cfg.propose_unknown_id,
        "by_value_unknown_ids": cfg.by_value_unknown_ids,
        "gce_proposals": cfg.gce_proposals,
        "by_value_refusals": cfg.by_value_refusals,
        "external_proposals": cfg.external_proposals,
        "injections": cfg.injections,
        "external_commits": cfg.external_commits,
        "forgeries": cfg.forgeries,
        "undecodable_app_syncs": cfg.undecodable_app_syncs,
        "delivery": match cfg.delivery {
            DeliveryPolicy::Relay => "relay",
            DeliveryPolicy::Sequencer => "sequencer",
            DeliveryPolicy::Unordered => "unordered",
        },
        "retry": match cfg.retry {
            RetryPolicy::StaleRetry => "stale",
            RetryPolicy::ReRead => "re_read",
        },
        "faulty_member": cfg.faulty_member,
        "values_per_writer": cfg.values_per_writer,
        "unknown_id": match cfg.unknown_id {
            UnknownIdPolicy::Reject => "reject",
            UnknownIdPolicy::Create => "create",
        },
        "gce": match cfg.gce {
            GcePolicy::MayRewrite => "may_rewrite",
            GcePolicy::MustNotChange => "must_not_change",
        },
        "faults": fault_names(cfg),
    })
}

fn run_json(run: &Run) -> Value {
    let report = &run.report;
    let properties: Vec<Value> = report
        .properties
        .iter()
        .map(|p| {
            let replay = match (&run.flags, &p.path) {
                (Ok(flags), Some(path)) => Some(replay_command(flags, path)),
                _ => None,
            };
            let chart = run
                .charts
                .iter()
                .find(|(name, _)| *name == p.name)
                .map(|(_, file)| file.display().to_string());
            json!({
                "name": p.name,
                "kind": kind(&p.expectation),
                "verdict": p.verdict.code(),
                "why": p.verdict.why(),
                "steps": p.steps,
                "shortest": p.steps.map(|_| p.shortest),
                "path": p.path,
                "explanation": p.explanation,
                "replay": replay,
                "chart": chart,
            })
        })
        .collect();
    let conformance = match &run.conformance {
        None => Value::Null,
        Some(Ok(r)) => json!({
            "agrees": true,
            "states": r.states,
            "transitions": r.transitions,
            "terminal_paths": r.terminal_paths,
            "max_depth": r.max_depth,
            "seconds": r.elapsed.as_secs_f64(),
            "transitions_per_second": r.transitions_per_second(),
            "error": null,
        }),
        Some(Err(e)) => json!({
            "agrees": false,
            "states": null,
            "transitions": null,
            "terminal_paths": null,
            "max_depth": null,
            "seconds": null,
            "transitions_per_second": null,
            "error": e.to_string(),
        }),
    };
    json!({
        "name": run.name,
        "config": config_json(&report.config),
        "flags": run.flags.as_ref().ok(),
        "properties": properties,
        "unique_states": report.unique_states,
        "total_states": report.total_states,
        "max_depth": report.max_depth,
        "seconds": report.elapsed.as_secs_f64(),
        "states_per_second": report.states_per_second(),
        "conformance": conformance,
    })
}

/// The whole document.
pub(crate) fn output(
    runs: &[Run],
    unreached: &[&str],
    coverage: Option<&Coverage>,
    failed: bool,
) -> Value {
    json!({
        "runs": runs.iter().map(run_json).collect::<Vec<_>>(),
        "unreached_witnesses": unreached,
        "rule_paths": coverage.map(coverage_json),
        "failed": failed,
    })
}

/// Every required rule path and every other path taken, with its count.
fn coverage_json(coverage: &Coverage) -> Value {
    let required = REQUIRED.iter().map(|(rule, path)| {
        json!({
            "rule": rule,
            "path": path.describe(),
            "count": coverage.count(path),
            "required": true,
        })
    });
    let others = coverage
        .iter()
        .filter(|(path, _)| !REQUIRED.iter().any(|(_, p)| p == *path))
        .map(|(path, n)| {
            json!({
                "rule": null,
                "path": path.describe(),
                "count": n,
                "required": false,
            })
        });
    Value::Array(required.chain(others).collect())
}
