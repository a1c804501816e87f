//! Whole-model tests: pinned state counts, every property on the presets,
//! the lost-update counterexample, open-question variants, seeded faults.

use appsync_model::properties::{self, *};
use appsync_model::*;
use stateright::{Checker, Model};
use std::collections::BTreeSet;

/// Checks `cfg` exhaustively with DFS (optionally with symmetry) and returns
/// (unique states, names of discovered properties).
fn check(cfg: AppSyncConfig, symmetry: bool) -> (usize, BTreeSet<&'static str>) {
    let builder = cfg.into_model().checker();
    let builder = if symmetry { builder.symmetry() } else { builder };
    let checker = builder.spawn_dfs().join();
    assert!(checker.is_done());
    (checker.unique_state_count(), checker.discoveries().keys().copied().collect())
}

/// The `always` properties violated among `found`.
fn violated(found: &BTreeSet<&'static str>) -> BTreeSet<&'static str> {
    found.iter().copied().filter(|p| ALWAYS.contains(p)).collect()
}

fn set(names: &[&'static str]) -> BTreeSet<&'static str> {
    names.iter().copied().collect()
}

const DEFAULT_WITNESSES: [&str; 3] =
    [TWO_APP_SYNCS_APPLIED, EXTERNAL_APP_SYNC_APPLIED, CONCURRENT_COMMITS_ONE_WINS];

const ADVERSARIAL_WITNESSES: [&str; 7] = [
    TWO_APP_SYNCS_APPLIED,
    FORGED_GCE_REJECTED,
    FORGED_DUPLICATE_REJECTED,
    FORGED_UNKNOWN_REJECTED,
    FORGED_MISMATCH_REJECTED,
    NON_MEMBER_REJECTED,
    CONCURRENT_COMMITS_ONE_WINS,
];

#[test]
fn default_config_holds_every_always_but_lost_update_and_finds_its_witnesses() {
    let (unique, found) = check(AppSyncConfig::default(), false);
    assert_eq!(unique, 122_985);
    assert_eq!(violated(&found), set(&[NO_LOST_UPDATE]));
    for w in DEFAULT_WITNESSES {
        assert!(found.contains(w), "missing witness {w}");
    }
}

#[test]
fn default_config_with_symmetry() {
    let (unique, found) = check(AppSyncConfig::default(), true);
    assert_eq!(unique, 65_863);
    assert_eq!(violated(&found), set(&[NO_LOST_UPDATE]));
    for w in DEFAULT_WITNESSES {
        assert!(found.contains(w), "missing witness {w}");
    }
}

#[test]
fn adversarial_config_rejects_every_forgery_and_finds_its_witnesses() {
    for (symmetry, expected) in [(false, 65_570), (true, 37_519)] {
        let (unique, found) = check(AppSyncConfig::adversarial(), symmetry);
        assert_eq!(unique, expected, "symmetry={symmetry}");
        assert_eq!(violated(&found), set(&[]), "symmetry={symmetry}");
        for w in ADVERSARIAL_WITNESSES {
            assert!(found.contains(w), "missing witness {w} (symmetry={symmetry})");
        }
    }
}

/// Every `sometimes` witness is reached by one of the two presets.
#[test]
fn presets_cover_every_witness() {
    let covered: BTreeSet<_> = DEFAULT_WITNESSES.iter().chain(&ADVERSARIAL_WITNESSES).copied().collect();
    assert_eq!(covered, SOMETIMES.iter().copied().collect());
}

/// The shortest lost update (BFS), pinned as text: it goes into the README.
#[test]
fn lost_update_shortest_counterexample() {
    let actions = path::shortest_discovery(&AppSyncConfig::default(), NO_LOST_UPDATE, 20).unwrap();
    let text = encode_path(&actions);
    let model = AppSyncConfig::default().into_model();
    println!("{text}\n{}", format_trace(&model, &actions).unwrap());
    assert_eq!(decode_path(&text).unwrap(), actions);
    let states = replay(&model, &actions).unwrap();
    assert!(properties::lost_update(states.last().unwrap()).is_some());
    assert!(states[..states.len() - 1].iter().all(|s| properties::lost_update(s).is_none()));
    assert_eq!(
        text,
        "propose(m0,app2=1) deliver(m1) propose(m1,app2=2) deliver(m0) commit(m1,[]) \
         deliver(m1) propose(m1,app2=2) commit(m1,[])"
    );
}
