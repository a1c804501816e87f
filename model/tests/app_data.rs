//! The successor model (`app_data`): pinned state counts per preset, the
//! verdict on every property per preset (profile x component), seeded
//! faults that break each `always` property, and the rule twins.

use appsync_model::app_data::config::{self, AduConfig, PRESETS};
use appsync_model::app_data::properties::*;
use appsync_model::app_data::rules::Faults;
use appsync_model::app_data::{format_path, shortest_discoveries};
use stateright::{Checker, Model};
use std::collections::BTreeSet;

/// Unique states and the discovered properties of `cfg` (BFS).
fn check(cfg: AduConfig) -> (usize, BTreeSet<&'static str>) {
    let checker = cfg.into_model().checker().spawn_bfs().join();
    assert!(checker.is_done());
    (
        checker.unique_state_count(),
        checker.discoveries().keys().copied().collect(),
    )
}

#[test]
#[ignore]
fn survey() {
    for p in &PRESETS {
        let t = std::time::Instant::now();
        let (n, found) = check(p.config());
        println!("{} {} {:?} {:?}", p.name, n, found, t.elapsed());
        let model = p.config().into_model();
        let wanted: Vec<&str> = found.iter().copied().collect();
        let (paths, _) = shortest_discoveries(&model, &wanted);
        for (name, path) in paths {
            if ALWAYS.contains(&name) {
                println!("  {name}: {}", format_path(&path));
            }
        }
    }
    let _ = (config::find, Faults::default());
}

#[test]
#[ignore]
fn probe() {
    let e = |k: &str| std::env::var(k).map(|v| v == "1").unwrap_or(false);
    let n = |k: &str, d: u8| std::env::var(k).ok().and_then(|v| v.parse().ok()).unwrap_or(d);
    let cfg = AduConfig {
        max_epoch: n("EPOCH", 1),
        components: n("C", 2),
        removes: e("REM"),
        retry: e("RETRY"),
        gce: e("GCE"),
        required: !e("OPEN"),
        external_commit: e("XC"),
        initial: if n("C", 2) == 1 { vec![(1, 0)] } else { vec![(2, 0)] },
        component: if e("CAS") { appsync_model::app_data::types::ComponentKind::Cas } else { appsync_model::app_data::types::ComponentKind::Replace },
        by_value: if e("BV") { vec![appsync_model::app_data::model::ByValue::TwoUpdates(1)] } else { vec![] },
        external_sender: e("EXT"),
        ..config::find("replace").unwrap().config()
    };
    let t = std::time::Instant::now();
    let checker = cfg.into_model().checker().target_state_count(3_000_000).spawn_bfs().join();
    println!("{} {:?} {:?}", checker.unique_state_count(), checker.discoveries().keys().collect::<Vec<_>>(), t.elapsed());
}
