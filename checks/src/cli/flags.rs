//! Command lines that reproduce a run: the flags that select a
//! configuration, and a complete `appsync replay` command, quoted for a
//! POSIX shell, so that every command a report prints can be pasted as it
//! is.

use appsync_model::presets::Preset;
use appsync_model::{AppSyncConfig, DeliveryPolicy, GcePolicy, RetryPolicy, UnknownIdPolicy};

/// The flags that turn `base` (the default configuration when `None`) into
/// `cfg`: `--preset NAME` and one flag per field that differs. Fails for a
/// configuration no flags can make (a seeded fault, or a switch a preset
/// sets that no flag clears).
pub fn config_flags(base: Option<&Preset>, cfg: &AppSyncConfig) -> Result<Vec<String>, String> {
    let from = base.map_or_else(AppSyncConfig::default, Preset::config);
    let mut flags = Vec::new();
    if let Some(preset) = base {
        flags.extend(["--preset".to_string(), preset.name.to_string()]);
    }
    let numbers = [
        ("--members", from.members, cfg.members),
        ("--apps", from.application_ids, cfg.application_ids),
        ("--max-epoch", from.max_epoch, cfg.max_epoch),
        ("--in-flight", from.max_in_flight, cfg.max_in_flight),
        ("--by-value", from.max_by_value, cfg.max_by_value),
        (
            "--external",
            from.external_proposals,
            cfg.external_proposals,
        ),
        ("--injections", from.injections, cfg.injections),
        (
            "--external-commits",
            from.external_commits,
            cfg.external_commits,
        ),
        ("--forgeries", from.forgeries, cfg.forgeries),
        (
            "--values-per-writer",
            from.values_per_writer,
            cfg.values_per_writer,
        ),
    ];
    for (flag, old, new) in numbers {
        if old != new {
            flags.extend([flag.to_string(), new.to_string()]);
        }
    }
    for (flag, old, new) in [
        (
            "--propose-unknown-id",
            from.propose_unknown_id,
            cfg.propose_unknown_id,
        ),
        ("--gce-proposals", from.gce_proposals, cfg.gce_proposals),
        ("--refusals", from.by_value_refusals, cfg.by_value_refusals),
        (
            "--undecodable-app-syncs",
            from.undecodable_app_syncs,
            cfg.undecodable_app_syncs,
        ),
    ] {
        match (old, new) {
            (false, true) => flags.push(flag.to_string()),
            (true, false) => return Err(format!("no flag turns {flag} off")),
            _ => {}
        }
    }
    if from.by_value_unknown_ids != cfg.by_value_unknown_ids {
        return Err("by_value_unknown_ids has no flag (preset create-order sets it)".into());
    }
    if cfg.faults != Default::default() || cfg.faulty_member.is_some() {
        return Err("seeded faults have no flag".into());
    }
    if from.unknown_id != cfg.unknown_id {
        let value = match cfg.unknown_id {
            UnknownIdPolicy::Reject => "reject",
            UnknownIdPolicy::Create => "create",
        };
        flags.extend(["--unknown-id".to_string(), value.to_string()]);
    }
    if from.gce != cfg.gce {
        let value = match cfg.gce {
            GcePolicy::MayRewrite => "may-rewrite",
            GcePolicy::MustNotChange => "must-not-change",
        };
        flags.extend(["--gce".to_string(), value.to_string()]);
    }
    if from.delivery != cfg.delivery {
        let value = match cfg.delivery {
            DeliveryPolicy::Relay => "relay",
            DeliveryPolicy::Sequencer => "sequencer",
            DeliveryPolicy::Unordered => "unordered",
        };
        flags.extend(["--delivery".to_string(), value.to_string()]);
    }
    if from.retry != cfg.retry {
        let value = match cfg.retry {
            RetryPolicy::StaleRetry => "stale",
            RetryPolicy::ReRead => "re-read",
        };
        flags.extend(["--retry".to_string(), value.to_string()]);
    }
    Ok(flags)
}

/// `word` as a POSIX shell reads it back: unchanged when it holds only
/// characters the shell leaves alone, else in single quotes.
pub fn shell_quote(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./=:,+@%".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        return word.to_string();
    }
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// How this program was started (its path as typed, so that the command
/// works from the same directory), falling back to `appsync`.
pub fn program() -> String {
    std::env::args().next().unwrap_or_else(|| "appsync".into())
}

/// The complete command that replays `path` on `flags`' configuration.
pub fn replay_command(flags: &[String], path: &str) -> String {
    let mut words = vec![program(), "replay".into()];
    words.extend(flags.iter().cloned());
    words.push(path.to_string());
    words
        .iter()
        .map(|w| shell_quote(w))
        .collect::<Vec<_>>()
        .join(" ")
}
