//! The partitioned replay covers exactly what the depth-first replay does,
//! however it is cut: on threads, in shards, or both.

use appsync_checks::conformance::partitioned::{self, PartitionedReport, Split};
use appsync_checks::conformance::{exhaustive, honest_rules};
use appsync_model::{AppSyncConfig, presets};

/// `create-order` with the by-value lists a committer must refuse: small,
/// with refusals, drops and applied commits.
fn config() -> AppSyncConfig {
    AppSyncConfig {
        by_value_refusals: true,
        ..presets::CREATE_ORDER.config()
    }
}

fn shard(k: usize, n: usize, threads: usize) -> PartitionedReport {
    let split = Split {
        shard: (k, n),
        threads,
    };
    partitioned::run(&config(), &honest_rules(), split, |_, _| {})
        .unwrap_or_else(|e| panic!("shard {k}/{n}: {e}"))
}

#[test]
fn threads_replay_what_the_depth_first_search_replays() {
    let reference =
        exhaustive::run(&config(), &honest_rules(), |_| {}).unwrap_or_else(|e| panic!("{e}"));
    assert!(reference.refusals > 0 && reference.transitions > 1000);
    let whole = shard(1, 1, 3);
    assert_eq!(whole.transitions, reference.transitions);
    assert_eq!(whole.whole_transitions, reference.transitions);
    assert_eq!(whole.states, reference.states);
    assert_eq!(whole.refusals, reference.refusals);
    assert_eq!(whole.terminal_states, reference.terminal_paths);
    assert_eq!(whole.coverage, reference.coverage);
}

#[test]
fn shards_are_disjoint_and_together_the_whole() {
    let whole = shard(1, 1, 1);
    let shards: Vec<PartitionedReport> = (1..=3).map(|k| shard(k, 3, 2)).collect();
    for s in &shards {
        assert!(s.transitions > 0, "an empty shard: {s}");
        assert!(s.transitions < whole.transitions);
    }
    let merged = partitioned::merge(&shards).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(merged.transitions, whole.transitions);
    assert_eq!(merged.states, whole.states);
    assert_eq!(merged.refusals, whole.refusals);
    assert_eq!(merged.coverage, whole.coverage);
    // A missing or repeated shard is refused.
    let missing = partitioned::merge(&shards[..2]).unwrap_err();
    assert!(missing.contains("3/3 is missing"), "{missing}");
    let twice = [shards[0].clone(), shards[0].clone(), shards[2].clone()];
    let repeated = partitioned::merge(&twice).unwrap_err();
    assert!(repeated.contains("given twice"), "{repeated}");
}

#[test]
fn the_command_line_shards_and_merges() {
    let dir = std::env::temp_dir().join(format!("appsync-shards-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let appsync = env!("CARGO_BIN_EXE_appsync");
    let mut files = Vec::new();
    for k in 1..=2 {
        let out = std::process::Command::new(appsync)
            .args(["conform", "--preset", "create-order", "--json"])
            .arg(format!("--shard={k}/2"))
            .output()
            .expect("appsync runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let file = dir.join(format!("shard{k}.json"));
        std::fs::write(&file, &out.stdout).expect("write shard report");
        files.push(file);
    }
    let merge = |files: &[std::path::PathBuf]| {
        std::process::Command::new(appsync)
            .arg("merge")
            .args(files)
            .output()
            .expect("appsync runs")
    };
    let whole = merge(&files);
    let text = String::from_utf8_lossy(&whole.stdout);
    assert!(whole.status.success(), "{text}");
    let reference = partitioned::run(
        &presets::CREATE_ORDER.config(),
        &honest_rules(),
        Split::threads(1),
        |_, _| {},
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        text.contains(&format!("all {} transitions", reference.transitions)),
        "{text}"
    );
    let partial = merge(&files[..1]);
    assert_eq!(partial.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&partial.stdout).contains("2/2 is missing"));
    std::fs::remove_dir_all(&dir).ok();
}
