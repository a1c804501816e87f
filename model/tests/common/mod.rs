//! What the whole-model test files share.

use appsync_model::AppSyncConfig;
use stateright::{Checker, Model};
use std::collections::BTreeSet;

/// Checks `cfg` exhaustively with DFS (optionally with symmetry) and returns
/// (unique states, names of discovered properties).
pub fn check(cfg: AppSyncConfig, symmetry: bool) -> (usize, BTreeSet<&'static str>) {
    let builder = cfg.into_model().checker();
    let builder = if symmetry {
        builder.symmetry()
    } else {
        builder
    };
    let checker = builder.spawn_dfs().join();
    assert!(checker.is_done());
    (
        checker.unique_state_count(),
        checker.discoveries().keys().copied().collect(),
    )
}
