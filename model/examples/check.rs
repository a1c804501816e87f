//! Checks a configuration and reports unique states per second.
//!
//! ```text
//! CARGO_TARGET_DIR=/work/main/target-model cargo run --release -p appsync-model \
//!     --example check -- [dfs|sym|bfs|explore] [default|adversarial|sequencer|large|full|gce|create|create_order] [threads] [key=value...]
//! ```
//! Prints the state count, the time, unique states per second, and every
//! discovery (counterexamples of `always` properties, `sometimes` witnesses).

use appsync_model::{AppSyncConfig, DeliveryPolicy, GcePolicy, UnknownIdPolicy, properties};
use stateright::{Checker, Model};
use std::time::Instant;

fn preset(name: &str) -> AppSyncConfig {
    let d = AppSyncConfig::default();
    match name {
        "default" => d,
        "sequencer" => AppSyncConfig {
            delivery: DeliveryPolicy::Sequencer,
            ..d
        },
        "adversarial" => AppSyncConfig::adversarial(),
        "large" => AppSyncConfig::large(),
        "full" => AppSyncConfig::full(),
        "create_order" => AppSyncConfig::create_order(),
        "gce" => AppSyncConfig {
            gce_proposals: true,
            gce: GcePolicy::MustNotChange,
            ..d
        },
        "create" => AppSyncConfig {
            propose_unknown_id: true,
            unknown_id: UnknownIdPolicy::Create,
            ..d
        },
        other => panic!("unknown preset {other}"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = args.first().map(String::as_str).unwrap_or("dfs");
    let mut cfg = preset(args.get(1).map(String::as_str).unwrap_or("default"));
    let threads: usize = args.get(2).and_then(|t| t.parse().ok()).unwrap_or(1);
    // Further `key=value` arguments override numeric fields (and flags: 0 or 1).
    for kv in args.iter().skip(3) {
        let (k, v) = kv.split_once('=').expect("key=value");
        let v: u8 = v.parse().expect("number");
        match k {
            "members" => cfg.members = v,
            "ids" => cfg.application_ids = v,
            "max_epoch" => cfg.max_epoch = v,
            "in_flight" => cfg.max_in_flight = v,
            "by_value" => cfg.max_by_value = v,
            "external" => cfg.external_proposals = v,
            "injections" => cfg.injections = v,
            "forgeries" => cfg.forgeries = v,
            "propose_unknown_id" => cfg.propose_unknown_id = v != 0,
            "by_value_unknown_ids" => cfg.by_value_unknown_ids = v != 0,
            "gce_proposals" => cfg.gce_proposals = v != 0,
            _ => panic!("unknown key {k}"),
        }
    }
    println!("{mode} threads={threads} {cfg:?}");
    if let Err(e) = cfg.validate() {
        eprintln!("{e}");
        std::process::exit(2);
    }
    let builder = cfg.into_model().checker().threads(threads);
    let start = Instant::now();
    let (unique, total, depth, discoveries) = match mode {
        "dfs" => {
            let c = builder.spawn_dfs().join();
            (
                c.unique_state_count(),
                c.state_count(),
                c.max_depth(),
                c.discoveries(),
            )
        }
        "sym" => {
            let c = builder.symmetry().spawn_dfs().join();
            (
                c.unique_state_count(),
                c.state_count(),
                c.max_depth(),
                c.discoveries(),
            )
        }
        "report" => {
            let c = builder
                .spawn_bfs()
                .report(&mut stateright::report::WriteReporter::new(
                    &mut std::io::stdout(),
                ));
            (
                c.unique_state_count(),
                c.state_count(),
                c.max_depth(),
                c.discoveries(),
            )
        }
        "bfs" => {
            let c = builder.spawn_bfs().join();
            (
                c.unique_state_count(),
                c.state_count(),
                c.max_depth(),
                c.discoveries(),
            )
        }
        "explore" => {
            println!("Explorer on http://127.0.0.1:3000");
            builder.serve("127.0.0.1:3000");
            return;
        }
        other => panic!("unknown mode {other}"),
    };
    let secs = start.elapsed().as_secs_f64();
    println!(
        "unique={unique} total={total} max_depth={depth} time={secs:.3}s unique/s={:.0}",
        unique as f64 / secs
    );
    let mut names: Vec<_> = discoveries.keys().copied().collect();
    names.sort();
    for name in names {
        let kind = if properties::ALWAYS.contains(&name) {
            "VIOLATED"
        } else {
            "witness "
        };
        let path = &discoveries[name];
        println!("{kind} {name}: {} steps", path.clone().into_actions().len());
    }
    for name in properties::SOMETIMES {
        if !discoveries.contains_key(name) {
            println!("MISSING  {name}");
        }
    }
}
