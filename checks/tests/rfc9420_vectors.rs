//! The working group's passive-client vectors through the AppSync client.
use std::path::PathBuf;

use appsync_checks::vectors::rfc9420::run_file;

fn vector(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors/rfc9420").join(name)
}

fn check(name: &str) {
    let report = run_file(&vector(name)).expect("vector file loads");
    for (index, error) in &report.failures {
        eprintln!("case {index}: {error}");
    }
    let total = report.total();
    eprintln!("{name}: {:?} by suite {:?}", total, report.by_suite);
    assert!(report.failures.is_empty());
    assert!(total.passed > 0);
}

#[test]
fn passive_client_welcome() {
    check("passive-client-welcome.json");
}

#[test]
fn passive_client_handling_commit() {
    check("passive-client-handling-commit.json");
}
