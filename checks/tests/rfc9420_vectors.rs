//! The working group's passive-client vectors through the AppSync client:
//! installing the AppSync rules must not change how ordinary commits are
//! processed. Each crypto provider runs the suites it implements; the counts
//! are pinned so that a silently skipped suite fails the test.
use std::path::PathBuf;

use appsync_checks::vectors::rfc9420::{Provider, SuiteTally, run_file};

fn vector(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../vectors/rfc9420")
        .join(name)
}

/// Runs a file and checks, per suite, that the supported ones all passed
/// and the others were skipped.
fn check(name: &str, provider: Provider, per_suite: usize, supported: &[u16]) {
    let report = run_file(&vector(name), provider).expect("vector file loads");
    for (index, error) in &report.failures {
        eprintln!("case {index}: {error}");
    }
    print!("{name} ({}):\n{}", provider.name(), report.table());
    for suite in 1..=7u16 {
        let expected = if supported.contains(&suite) {
            SuiteTally {
                run: per_suite,
                passed: per_suite,
                failed: 0,
                skipped: 0,
            }
        } else {
            SuiteTally {
                skipped: per_suite,
                ..SuiteTally::default()
            }
        };
        assert_eq!(
            report.by_suite.get(&suite),
            Some(&expected),
            "suite {suite}"
        );
    }
}

const RUSTCRYPTO: &[u16] = &[1, 2, 3, 7];
const AWSLC: &[u16] = &[1, 2, 3, 5, 7];

#[test]
fn passive_client_welcome_rustcrypto() {
    check(
        "passive-client-welcome.json",
        Provider::RustCrypto,
        8,
        RUSTCRYPTO,
    );
}

#[test]
fn passive_client_handling_commit_rustcrypto() {
    check(
        "passive-client-handling-commit.json",
        Provider::RustCrypto,
        13,
        RUSTCRYPTO,
    );
}

#[test]
fn passive_client_welcome_awslc() {
    check("passive-client-welcome.json", Provider::AwsLc, 8, AWSLC);
}

#[test]
fn passive_client_handling_commit_awslc() {
    check(
        "passive-client-handling-commit.json",
        Provider::AwsLc,
        13,
        AWSLC,
    );
}
