//! Commit benchmarks: creating an AppSync commit, processing it at one
//! receiver, and the whole round, against group size, state size and
//! AppSyncs per commit, next to three baselines (see `Workload`).
//!
//! Ids: `commit/{create,process,round}/{kind}/members=M/state=S/n=N/provider=P`.
//! `state` is the total state replaced, split over the `n` AppSyncs. The
//! `gce` and `empty` baselines do not depend on `n` and run at `n=1` only.
//!
//! * create: build the commit and clear it on the committer, so its state
//!   never changes and iterations are independent;
//! * process: the receiver (last leaf) is cloned outside the timed region
//!   and processes the commit inside it (mls-rs's `process_incoming_message`);
//! * process_all_or_nothing (AppSync only): the same through
//!   `AppSyncGroupExt::process`, which processes on a copy of the group and
//!   keeps it only on success: the price of all-or-nothing processing;
//! * round: committer clone builds and applies the commit, then every other
//!   member processes it. Measured only where every member is in memory
//!   (groups up to `ROUND_MAX_MEMBERS`), never extrapolated.

use appsync_benches::session::{Point, Session};
use appsync_benches::settings::{self, APP_SYNCS_PER_COMMIT, ROUND_MAX_MEMBERS, size_label};
use appsync_benches::{CommitKind, Provider};
use criterion::{BatchSize, BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use mls_appsync::AppSyncGroupExt;

/// Baselines that do not depend on `n` run once, at `n=1`.
fn kinds(n: usize) -> &'static [CommitKind] {
    if n == 1 {
        &CommitKind::ALL
    } else {
        &CommitKind::ALL[..2]
    }
}

fn id<P: Provider>(kind: CommitKind, p: Point) -> BenchmarkId {
    let param = format!(
        "members={}/state={}/n={}/provider={}",
        p.size,
        size_label(p.state),
        p.n,
        P::NAME
    );
    BenchmarkId::new(kind.label(), param)
}

/// Heavy points (milliseconds per iteration) sample flat: Criterion's
/// linear sampling would need 210 iterations for 20 samples.
fn sampling(p: Point) -> SamplingMode {
    if p.size >= 128 || p.state >= 64 * 1024 {
        SamplingMode::Flat
    } else {
        SamplingMode::Auto
    }
}

fn bench_point<P: Provider>(c: &mut Criterion, session: &mut Session<P>, p: Point) {
    let mut group = c.benchmark_group("commit/create");
    group.sampling_mode(sampling(p));
    for &kind in kinds(p.n) {
        group.bench_function(id::<P>(kind, p), |b| {
            let (members, workload, _) = session.prepare(p, kind);
            let mut committer = members.committer().clone();
            b.iter(|| {
                let message = workload.build_commit(&mut committer, kind);
                committer.clear_pending_commit();
                message
            });
        });
    }
    group.finish();

    let mut group = c.benchmark_group("commit/process");
    group.sampling_mode(sampling(p));
    for &kind in kinds(p.n) {
        group.bench_function(id::<P>(kind, p), |b| {
            let (members, _, message) = session.prepare(p, kind);
            b.iter_batched(
                || (members.receiver().clone(), message.clone()),
                |(mut receiver, message)| {
                    let described = receiver
                        .process_incoming_message(message)
                        .expect("verified commit rejected");
                    (receiver, described)
                },
                BatchSize::LargeInput,
            );
        });
    }
    group.finish();

    // What an application calls: `AppSyncGroupExt::process`, which keeps a
    // copy of the group so that a rejected message leaves no trace. Next to
    // `commit/process/appsync` it shows what all-or-nothing costs.
    let mut group = c.benchmark_group("commit/process_all_or_nothing");
    group.sampling_mode(sampling(p));
    group.bench_function(id::<P>(CommitKind::AppSync, p), |b| {
        let (members, _, message) = session.prepare(p, CommitKind::AppSync);
        b.iter_batched(
            || (members.receiver().clone(), message.clone()),
            |(mut receiver, message)| {
                let processed = receiver.process(message).expect("verified commit rejected");
                (receiver, processed)
            },
            BatchSize::LargeInput,
        );
    });
    group.finish();

    if p.size > ROUND_MAX_MEMBERS {
        return;
    }
    let mut group = c.benchmark_group("commit/round");
    group.sampling_mode(sampling(p));
    for &kind in kinds(p.n) {
        group.bench_function(id::<P>(kind, p), |b| {
            let (members, workload, _) = session.prepare(p, kind);
            assert!(members.all_kept(), "a round needs every member");
            b.iter_batched(
                || (members.committer().clone(), members.receivers().to_vec()),
                |(mut committer, mut receivers)| {
                    let message = workload.build_commit(&mut committer, kind);
                    committer
                        .apply_pending_commit()
                        .expect("applying own commit");
                    for receiver in receivers.iter_mut() {
                        receiver
                            .process_incoming_message(message.clone())
                            .expect("verified commit rejected");
                    }
                    (committer, receivers)
                },
                BatchSize::LargeInput,
            );
        });
    }
    group.finish();
}

fn commit_benches<P: Provider>(c: &mut Criterion) {
    let mut session = Session::<P>::new();
    for size in settings::group_sizes() {
        for state in settings::state_sizes() {
            for n in APP_SYNCS_PER_COMMIT {
                bench_point(c, &mut session, Point { size, state, n });
            }
        }
    }
}

fn benches(c: &mut Criterion) {
    commit_benches::<mls_rs_crypto_rustcrypto::RustCryptoProvider>(c);
    // The quick run keeps to one provider to stay within its time budget.
    #[cfg(feature = "awslc")]
    if !settings::quick() {
        commit_benches::<mls_rs_crypto_awslc::AwsLcCryptoProvider>(c);
    }
}

criterion_group! {
    name = commit;
    config = settings::criterion();
    targets = benches
}
criterion_main!(commit);
