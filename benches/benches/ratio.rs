//! The AppSync/no-op regression guard: what AppSync costs over the no-op
//! custom proposal carrying the same bytes (target: at most 1.05), at the
//! four points of issue 14, and what all-or-nothing processing costs over
//! plain processing, all measured side by side in one run and printed.
//!
//! ```sh
//! cargo bench -p appsync-benches --bench ratio
//! ```
//!
//! Each row times two operations, A and B, on the same group and the same
//! point, exactly as `benches/commit.rs` does (the receiver is cloned and
//! the result dropped outside the timed region). The two alternate in
//! rounds (A B, then B A, ...), so load that drifts during the run hits
//! both alike; each round gives one ratio A/B, and the row reports the
//! median over the rounds. It prints; it never fails: timings stay out of
//! the tests, and a shared machine makes any threshold flaky. Read the
//! `verdict` column.
//!
//! Environment:
//!
//! * `APPSYNC_RATIO_ROUNDS` (default 15): rounds per row;
//! * `APPSYNC_RATIO_GRID=1`: instead of the four points, every point of the
//!   commit benchmark's grid (members, state and `n` as in
//!   `benches/commit.rs`, so `APPSYNC_BENCH_MEMBERS` and
//!   `APPSYNC_BENCH_STATES` narrow it), create and process;
//! * `APPSYNC_RATIO_PROFILE=<row>/<side>` (e.g. `process-512/appsync`): run
//!   only that side of that row, `APPSYNC_RATIO_ITERS` times (default 20),
//!   untimed, for a profiler. Every timed operation runs inside the
//!   never-inlined function `ratio_measured`, so that
//!   `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*ratio_measured*'`
//!   counts exactly the timed region.

use std::hint::black_box;
use std::time::{Duration, Instant};

use appsync_benches::session::{Point, Session};
use appsync_benches::settings::{self, APP_SYNCS_PER_COMMIT, size_label};
use appsync_benches::{BenchGroup, CommitKind};
use mls_appsync::AppSyncGroupExt;
use mls_rs::MlsMessage;
use mls_rs_crypto_rustcrypto::RustCryptoProvider;

type P = RustCryptoProvider;

/// One timed operation on the prepared point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    /// The committer builds a commit of this kind and clears it.
    Create(CommitKind),
    /// The receiver processes the commit of this kind with mls-rs.
    Process(CommitKind),
    /// The receiver processes the AppSync commit with
    /// `AppSyncGroupExt::process` (all or nothing).
    AllOrNothing,
}

impl Op {
    fn kind(self) -> CommitKind {
        match self {
            Op::Create(kind) | Op::Process(kind) => kind,
            Op::AllOrNothing => CommitKind::AppSync,
        }
    }

    fn side(self) -> &'static str {
        match self {
            Op::Create(kind) | Op::Process(kind) => kind.label(),
            Op::AllOrNothing => "all_or_nothing",
        }
    }
}

/// A row: A/B at one point.
struct Row {
    id: String,
    what: String,
    point: Point,
    a: Op,
    b: Op,
}

impl Row {
    fn new(id: &str, what: &str, point: Point, a: Op, b: Op) -> Self {
        let (id, what) = (id.to_string(), what.to_string());
        Self {
            id,
            what,
            point,
            a,
            b,
        }
    }
}

const KIB: usize = 1024;
const MIB: usize = 1024 * KIB;

/// The rows of issue 14, ordered so that each group size is built once.
fn rows() -> Vec<Row> {
    let point = |size, state, n| Point { size, state, n };
    let (appsync, noop) = (CommitKind::AppSync, CommitKind::Noop);
    let (process, create) = (Op::Process, Op::Create);
    vec![
        Row::new(
            "process-n16",
            "process, 8 members, 16 B, n=16",
            point(8, 16, 16),
            process(appsync),
            process(noop),
        ),
        Row::new(
            "process-1MiB",
            "process, 8 members, 1 MiB, n=1",
            point(8, MIB, 1),
            process(appsync),
            process(noop),
        ),
        Row::new(
            "create-1MiB",
            "create, 8 members, 1 MiB, n=1",
            point(8, MIB, 1),
            create(appsync),
            create(noop),
        ),
        Row::new(
            "aon-8",
            "all-or-nothing / process, 8 members, 16 B, n=1",
            point(8, 16, 1),
            Op::AllOrNothing,
            process(appsync),
        ),
        Row::new(
            "process-512",
            "process, 512 members, 16 B, n=1",
            point(512, 16, 1),
            process(appsync),
            process(noop),
        ),
        Row::new(
            "aon-512",
            "all-or-nothing / process, 512 members, 16 B, n=1",
            point(512, 16, 1),
            Op::AllOrNothing,
            process(appsync),
        ),
    ]
}

/// Every point of the commit benchmark's grid, create and process.
fn grid_rows() -> Vec<Row> {
    let mut rows = Vec::new();
    for size in settings::group_sizes() {
        for state in settings::state_sizes() {
            for n in APP_SYNCS_PER_COMMIT {
                let point = Point { size, state, n };
                let label = format!("members={size}/state={}/n={n}", size_label(state));
                for (op, a, b) in [
                    (
                        "process",
                        Op::Process(CommitKind::AppSync),
                        Op::Process(CommitKind::Noop),
                    ),
                    (
                        "create",
                        Op::Create(CommitKind::AppSync),
                        Op::Create(CommitKind::Noop),
                    ),
                ] {
                    let id = format!("{op}/{label}");
                    rows.push(Row::new(&id, &id, point, a, b));
                }
            }
        }
    }
    rows
}

/// What one operation needs: its starting group and message.
struct Prepared {
    op: Op,
    committer: BenchGroup<P>,
    receiver: BenchGroup<P>,
    message: MlsMessage,
    session_point: Point,
}

fn prepare(session: &mut Session<P>, point: Point, op: Op) -> Prepared {
    let (members, _, message) = session.prepare(point, op.kind());
    Prepared {
        op,
        committer: members.committer().clone(),
        receiver: members.receiver().clone(),
        message,
        session_point: point,
    }
}

/// The timed region of every operation (see the module documentation).
#[inline(never)]
fn ratio_measured<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// Run `prepared.op` `iters` times; the time spent inside the timed region.
fn run(session: &mut Session<P>, prepared: &Prepared, iters: u32) -> Duration {
    let mut total = Duration::ZERO;
    match prepared.op {
        Op::Create(kind) => {
            let (_, workload, _) = session.prepare(prepared.session_point, kind);
            let mut committer = prepared.committer.clone();
            for _ in 0..iters {
                let start = Instant::now();
                let message = ratio_measured(|| {
                    let message = workload.build_commit(&mut committer, kind);
                    committer.clear_pending_commit();
                    message
                });
                total += start.elapsed();
                drop(black_box(message));
            }
        }
        Op::Process(_) => {
            for _ in 0..iters {
                let (mut receiver, message) = (prepared.receiver.clone(), prepared.message.clone());
                let start = Instant::now();
                let described = ratio_measured(|| {
                    receiver
                        .process_incoming_message(message)
                        .expect("verified commit rejected")
                });
                total += start.elapsed();
                drop(black_box((receiver, described)));
            }
        }
        Op::AllOrNothing => {
            for _ in 0..iters {
                let (mut receiver, message) = (prepared.receiver.clone(), prepared.message.clone());
                let start = Instant::now();
                let processed =
                    ratio_measured(|| receiver.process(message).expect("verified commit rejected"));
                total += start.elapsed();
                drop(black_box((receiver, processed)));
            }
        }
    }
    total
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

fn show(seconds: f64) -> String {
    match seconds {
        s if s >= 1e-3 => format!("{:.2} ms", s * 1e3),
        s => format!("{:.1} µs", s * 1e6),
    }
}

fn env_number(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map(|v| {
            v.trim()
                .parse()
                .unwrap_or_else(|_| panic!("{name}: `{v}` is not a number"))
        })
        .unwrap_or(default)
}

/// `APPSYNC_RATIO_PROFILE=<row>/<side>`: that side only, untimed.
fn profile(target: &str) {
    let iters = env_number("APPSYNC_RATIO_ITERS", 20);
    let (row_id, side) = target
        .rsplit_once('/')
        .unwrap_or_else(|| panic!("APPSYNC_RATIO_PROFILE: `{target}` is not <row>/<side>"));
    let rows = rows().into_iter().chain(grid_rows()).collect::<Vec<_>>();
    let row = rows
        .iter()
        .find(|r| r.id == row_id)
        .unwrap_or_else(|| panic!("no row `{row_id}`"));
    let op = [row.a, row.b]
        .into_iter()
        .find(|op| op.side() == side)
        .unwrap_or_else(|| panic!("row `{row_id}` has no side `{side}`"));
    let mut session = Session::<P>::new();
    let prepared = prepare(&mut session, row.point, op);
    run(&mut session, &prepared, iters);
    println!("profiled {row_id}/{side}: {iters} iterations");
}

fn main() {
    // `cargo bench` passes `--bench` (and any filter); this guard takes its
    // settings from the environment only.
    if let Ok(target) = std::env::var("APPSYNC_RATIO_PROFILE") {
        profile(&target);
        return;
    }
    let rounds = env_number("APPSYNC_RATIO_ROUNDS", 15).max(1);
    let started = Instant::now();
    let mut session = Session::<P>::new();
    println!(
        "{:<50} {:>14} {:>14} {:>8}  verdict (A/B; RustCrypto; median of {rounds} rounds)",
        "row", "A", "B", "A/B"
    );
    let grid = std::env::var("APPSYNC_RATIO_GRID").is_ok_and(|v| !v.is_empty() && v != "0");
    let (mut worst, mut over) = (0.0f64, 0usize);
    for row in if grid { grid_rows() } else { rows() } {
        let a = prepare(&mut session, row.point, row.a);
        let b = prepare(&mut session, row.point, row.b);
        // Warm up, and size a batch to about 40 ms of the slower side.
        let one = run(&mut session, &a, 1).max(run(&mut session, &b, 1));
        let iters = (Duration::from_millis(40).as_secs_f64() / one.as_secs_f64().max(1e-9))
            .clamp(1.0, 10_000.0) as u32;
        let (mut ta, mut tb, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..rounds {
            let (x, y) = if round % 2 == 0 {
                let x = run(&mut session, &a, iters);
                (x, run(&mut session, &b, iters))
            } else {
                let y = run(&mut session, &b, iters);
                (run(&mut session, &a, iters), y)
            };
            let (x, y) = (
                x.as_secs_f64() / f64::from(iters),
                y.as_secs_f64() / f64::from(iters),
            );
            ta.push(x);
            tb.push(y);
            ratios.push(x / y);
        }
        let ratio = median(&mut ratios);
        if row.a != Op::AllOrNothing {
            worst = worst.max(ratio);
            over += usize::from(ratio > 1.05);
        }
        let verdict = match (row.a, ratio) {
            (Op::AllOrNothing, _) => "(cost of the copy)",
            (_, r) if r <= 1.05 => "ok (<= 1.05)",
            _ => "OVER 1.05",
        };
        println!(
            "{:<50} {:>14} {:>14} {:>8.3}  {verdict}  [{} vs {}, {iters} iters/batch]",
            row.what,
            show(median(&mut ta)),
            show(median(&mut tb)),
            ratio,
            row.a.side(),
            row.b.side(),
        );
    }
    println!(
        "worst AppSync/no-op ratio {worst:.3}; {over} rows over 1.05; total {:.0} s",
        started.elapsed().as_secs_f64()
    );
}
