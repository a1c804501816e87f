//! One receiver processing one commit, as an application does it
//! (`AppSyncGroupExt::process`, all or nothing): the check done once before
//! timing, and the timed loop, shared by `benches/apply.rs` and
//! `benches/app_data.rs`.

use std::fmt::Debug;

use criterion::measurement::WallTime;
use criterion::{BatchSize, BenchmarkGroup, BenchmarkId};
use mls_appsync::mls_rs::MlsMessage;
use mls_appsync::{AppSyncGroupExt, Processed};

/// Checks, before any timing, that `receiver` applies `message` as a commit
/// and then reads (`read`) what the `committer` reads. Returns what
/// processing said. Panics otherwise: a benchmark of a commit that does not
/// process correctly must not report a number.
pub fn check_applies<G, T>(
    receiver: &G,
    message: &MlsMessage,
    committer: &G,
    read: impl Fn(&G) -> T,
) -> Processed
where
    G: AppSyncGroupExt + Clone,
    T: PartialEq + Debug,
{
    let mut check = receiver.clone();
    let processed = check.process(message.clone());
    let Ok(processed @ Processed::Commit { .. }) = processed else {
        panic!("the benchmark commit was not applied: {processed:?}");
    };
    assert_eq!(read(&check), read(committer));
    processed
}

/// Times `receiver` processing `message` under `id`: the receiver and the
/// message are cloned outside the timed region.
pub fn time_process<G: AppSyncGroupExt + Clone>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    id: BenchmarkId,
    receiver: &G,
    message: &MlsMessage,
) {
    group.bench_function(id, |b| {
        b.iter_batched(
            || (receiver.clone(), message.clone()),
            |(mut receiver, message)| {
                receiver.process(message).expect("checked before timing");
                receiver
            },
            BatchSize::LargeInput,
        );
    });
}
