//! Speed of the checkers, on the model's `default` preset ([`PRESET`], from
//! the model's table of presets).
//!
//! * `checkers/model/{dfs,symmetry}/threads=T`: one full stateright DFS of
//!   the preset, with and without symmetry reduction, on 1 and 2 threads.
//!   The throughput is the unique-state count of that run (counted once
//!   beforehand), so Criterion reports unique states per second.
//! * `checkers/harness/exhaustive` (feature `harness`): the conformance
//!   harness replaying every transition of the preset on real mls-rs
//!   groups; the throughput is the transition count, so Criterion reports
//!   transitions replayed per second.
//!
//! One iteration is a whole check (seconds), so sampling is flat with the
//! fewest samples Criterion allows.

use std::time::Duration;

use appsync_benches::settings;
use appsync_model::presets::{self, Preset};
use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use stateright::{Checker, Model};

/// The preset every checker here runs on.
const PRESET: Preset = presets::DEFAULT;

/// Runs one full DFS and returns its unique-state count.
fn check(threads: usize, symmetry: bool) -> usize {
    let builder = PRESET.config().into_model().checker().threads(threads);
    let checker = if symmetry {
        builder.symmetry().spawn_dfs().join()
    } else {
        builder.spawn_dfs().join()
    };
    checker.unique_state_count()
}

fn model_checker(c: &mut Criterion) {
    let mut group = c.benchmark_group("checkers/model");
    group.sampling_mode(SamplingMode::Flat).sample_size(10);
    if settings::quick() {
        // Room for ten whole checks (about 150 ms each here).
        group
            .warm_up_time(Duration::from_millis(100))
            .measurement_time(Duration::from_secs(3));
    }
    for symmetry in [false, true] {
        for threads in [1, 2] {
            let name = if symmetry { "symmetry" } else { "dfs" };
            let id = BenchmarkId::new(name, format!("threads={threads}"));
            // Multi-threaded DFS may visit a slightly different number of
            // states; the single count taken here sets the throughput.
            group.throughput(Throughput::Elements(check(threads, symmetry) as u64));
            group.bench_function(id, |b| b.iter(|| check(threads, symmetry)));
        }
    }
    group.finish();
}

#[cfg(feature = "harness")]
fn harness(c: &mut Criterion) {
    use appsync_checks::conformance::{exhaustive, honest_rules};

    let cfg = PRESET.config();
    let rules = honest_rules();
    let replay = || {
        exhaustive::run(&cfg, &rules, |_| {})
            .unwrap_or_else(|e| panic!("the harness found a disagreement: {e}"))
    };
    let first = replay();
    // The harness's own count, for the record next to Criterion's estimate.
    eprintln!(
        "harness: {} transitions, {} states, {:.1} s: {:.0} transitions/s",
        first.transitions,
        first.states,
        first.elapsed.as_secs_f64(),
        first.transitions_per_second()
    );
    let mut group = c.benchmark_group("checkers/harness");
    group.sampling_mode(SamplingMode::Flat).sample_size(10);
    group.throughput(Throughput::Elements(first.transitions as u64));
    group.bench_function("exhaustive", |b| b.iter(|| replay().transitions));
    group.finish();
}

#[cfg(not(feature = "harness"))]
fn harness(_: &mut Criterion) {}

criterion_group! {
    name = checkers;
    config = settings::criterion();
    targets = model_checker, harness
}
criterion_main!(checkers);
