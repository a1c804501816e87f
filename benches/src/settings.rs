//! Quick or full run, the parameter grids, and the Criterion configuration.
//!
//! `APPSYNC_BENCH_QUICK=1` selects the quick run (CI: under 10 minutes):
//! groups of 2, 8 and 32 members, states of 16 B and 1 KiB, RustCrypto
//! only, and short Criterion settings. Without it the full grid runs: groups
//! up to 512 members, states up to 1 MiB, every compiled provider. Criterion
//! flags (`--sample-size`, `--measurement-time`, `--warm-up-time`, a filter)
//! override these settings. For a targeted run, `APPSYNC_BENCH_MEMBERS`,
//! `APPSYNC_BENCH_STATES` and `APPSYNC_BENCH_MESSAGE_STATES` (comma-separated
//! numbers; states in bytes) replace the grids, whatever the mode.

use std::time::Duration;

use criterion::Criterion;

/// Whether `APPSYNC_BENCH_QUICK` is set to anything but `0` or empty.
pub fn quick() -> bool {
    std::env::var("APPSYNC_BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// The list in environment variable `name`, else `quick` or `full` by mode.
fn grid(name: &str, quick_grid: &[usize], full_grid: &[usize]) -> Vec<usize> {
    match std::env::var(name) {
        Ok(list) if !list.trim().is_empty() => list
            .split(',')
            .map(|v| {
                v.trim()
                    .parse()
                    .unwrap_or_else(|_| panic!("{name}: `{v}` is not a number"))
            })
            .collect(),
        _ if quick() => quick_grid.to_vec(),
        _ => full_grid.to_vec(),
    }
}

/// Group sizes of the commit benchmarks.
pub fn group_sizes() -> Vec<usize> {
    grid("APPSYNC_BENCH_MEMBERS", &[2, 8, 32], &[2, 8, 32, 128, 512])
}

/// Total state bytes a commit replaces (split over its AppSyncs).
pub fn state_sizes() -> Vec<usize> {
    grid(
        "APPSYNC_BENCH_STATES",
        &[16, 1024],
        &[16, 1024, 64 * 1024, 1024 * 1024],
    )
}

/// AppSync proposals per commit.
pub const APP_SYNCS_PER_COMMIT: [usize; 3] = [1, 4, 16];

/// State bytes held in `application_states` for the message tax.
pub fn message_state_sizes() -> Vec<usize> {
    grid(
        "APPSYNC_BENCH_MESSAGE_STATES",
        &[0, 1024],
        &[0, 1024, 64 * 1024, 1024 * 1024],
    )
}

/// Largest group for which every member is kept, so that the whole round
/// (commit, then processing at every other member) is measured. Above it
/// only the committer and one receiver exist and no round is reported.
pub const ROUND_MAX_MEMBERS: usize = 32;

/// `16B`, `1KiB`, `64KiB`, `1MiB`: sizes as they appear in benchmark ids.
pub fn size_label(bytes: usize) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{}MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{}KiB", b >> 10),
        b => format!("{b}B"),
    }
}

/// The Criterion configuration of the current mode; command-line flags
/// still override it.
pub fn criterion() -> Criterion {
    let base = Criterion::default();
    let tuned = if quick() {
        // Plots take longer to draw than the quick measurements take to run.
        base.sample_size(10)
            .warm_up_time(Duration::from_millis(200))
            .measurement_time(Duration::from_millis(500))
            .without_plots()
    } else {
        base.sample_size(20)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3))
    };
    tuned.configure_from_args()
}
