//! Shared setup of the AppSync benchmarks (`benches/commit.rs`,
//! `benches/message_tax.rs`, `benches/checkers.rs`, `benches/apply.rs`,
//! `benches/app_data.rs`).
//!
//! * [`settings`]: quick or full run (`APPSYNC_BENCH_QUICK=1`), the
//!   parameter grids and the Criterion configuration;
//! * [`rules`]: [`BenchRules`], the AppSync rules plus a no-op custom
//!   proposal type that needs no UpdatePath (the fair baseline);
//! * [`provider`]: the crypto providers (RustCrypto, and aws-lc with the
//!   `awslc` feature) and client construction;
//! * [`members`]: building a group once per size, keeping only the members
//!   a benchmark needs;
//! * [`receiver`]: one receiver processing one commit, checked once and
//!   then timed;
//! * [`session`]: one parameter point of the commit benchmarks and the
//!   group and commits it needs, built lazily (shared by `commit` and the
//!   `ratio` guard);
//! * [`workload`]: what a parameter point commits (AppSync or a baseline),
//!   and the one-time correctness check done before any timing.
//!
//! Setup may panic: a benchmark whose commit does not process correctly
//! must not report a number.

pub mod members;
pub mod provider;
pub mod receiver;
pub mod rules;
pub mod session;
pub mod settings;
pub mod workload;

pub use members::Members;
pub use provider::{BenchGroup, Provider};
pub use rules::{BenchRules, NOOP_PROPOSAL_TYPE, bench_rules};
pub use workload::{CommitKind, Workload};
