//! The committed AppDataUpdate vectors run through OpenMLS 0.9: the verdict
//! of every step is pinned, so that a change in OpenMLS, in the vectors or
//! in the runner shows up here. The README's findings cite these rows.
use std::path::PathBuf;

use appsync_checks::cli::vectors::{APP_DATA_CODEC_FILE, APP_DATA_PROCESSING_FILE};
use appsync_checks::vectors::openmls_runner::{Report, Verdict, run_file};

fn committed(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../vectors")
        .join(name)
}

/// A row's step without the suite, the scenario shortened and an epoch
/// step's description dropped.
fn key(case: &str, suite: u16) -> String {
    let case = case
        .replace(&format!("suite {suite}, "), "")
        .replace(
            "a group with app_data_dictionary and app_data_update required",
            "dictionary group",
        )
        .replace(
            "a group without app_data_dictionary, app_data_update not required",
            "appended group",
        );
    let order = case.ends_with(", extension order");
    match (case.contains(": epoch "), case.find(" (")) {
        (true, Some(at)) => format!("{}{}", &case[..at], if order { ", order" } else { "" }),
        _ => case,
    }
}

/// `verdict|step` for every row of `suite`.
fn pins(report: &Report, suite: u16) -> Vec<String> {
    report
        .rows
        .iter()
        .filter(|r| r.case.contains(&format!("suite {suite},")))
        .map(|r| format!("{}|{}", r.outcome.verdict.label(), key(&r.case, suite)))
        .collect()
}

const SUITE_1: &str = "\
agrees|dictionary group: join
agrees|dictionary group: epoch 0 proposal 0
agrees|dictionary group: epoch 0 invalid 0
agrees|dictionary group: epoch 0 commit
DISAGREES|dictionary group: epoch 1 commit
not run|dictionary group: epoch 2 commit
not run|dictionary group: epoch 3 proposal 0
not run|dictionary group: epoch 3 commit
not run|dictionary group: epoch 4 commit
not run|dictionary group: epoch 5 proposal 0
not run|dictionary group: epoch 5 commit
not run|dictionary group: epoch 6 invalid 0
not run|dictionary group: epoch 6 invalid 1
not run|dictionary group: epoch 6 invalid 2
not run|dictionary group: epoch 6 invalid 3
not run|dictionary group: epoch 6 invalid 4
not run|dictionary group: epoch 6 invalid 5
not run|dictionary group: epoch 6 invalid 6
not run|dictionary group: epoch 6 invalid 7
not run|dictionary group: epoch 6 invalid 8
not run|dictionary group: epoch 6 invalid 9
not run|dictionary group: epoch 6 commit
not run|dictionary group: epoch 7 proposal 0
not run|dictionary group: epoch 7 commit
agrees|appended group: join
agrees|appended group: epoch 0 invalid 0
DISAGREES|appended group: epoch 0 commit
not run|appended group: epoch 1 commit
not run|appended group: epoch 2 commit
not run|appended group: epoch 3 proposal 0
not run|appended group: epoch 3 invalid 0
not run|appended group: epoch 3 commit
not run|appended group: epoch 4 invalid 0
not run|appended group: epoch 4 commit
agrees|replay, dictionary group: epoch 0 invalid 0
agrees|replay, dictionary group: epoch 0 commit, order
agrees|replay, dictionary group: epoch 0 commit
DISAGREES|replay, dictionary group: epoch 1 commit, order
agrees|replay, dictionary group: epoch 1 commit
DISAGREES|replay, dictionary group: epoch 2 commit, order
agrees|replay, dictionary group: epoch 2 commit
DISAGREES|replay, dictionary group: epoch 3 commit, order
agrees|replay, dictionary group: epoch 3 commit
DISAGREES|replay, dictionary group: epoch 4 commit, order
agrees|replay, dictionary group: epoch 4 commit
DISAGREES|replay, dictionary group: epoch 5 commit, order
agrees|replay, dictionary group: epoch 5 commit
DISAGREES|replay, dictionary group: epoch 6 invalid 0
DISAGREES|replay, dictionary group: epoch 6 invalid 1
DISAGREES|replay, dictionary group: epoch 6 invalid 2
DISAGREES|replay, dictionary group: epoch 6 invalid 3
DISAGREES|replay, dictionary group: epoch 6 invalid 4
agrees|replay, dictionary group: epoch 6 invalid 5
agrees|replay, dictionary group: epoch 6 invalid 6
DISAGREES|replay, dictionary group: epoch 6 invalid 7
agrees|replay, dictionary group: epoch 6 invalid 8
DISAGREES|replay, dictionary group: epoch 6 commit, order
agrees|replay, dictionary group: epoch 6 commit
DISAGREES|replay, dictionary group: epoch 7 commit, order
agrees|replay, dictionary group: epoch 7 commit
DISAGREES|replay, dictionary group: probe, two removes of 0x0000 by reference from Alice and Bob
agrees|replay, dictionary group: probe, two removes of 0x0000 by reference from Alice and Bob next to a GroupContextExtensions proposal that leaves the dictionary
DISAGREES|replay, dictionary group: probe, an update of 0x0000 by reference and a GroupContextExtensions proposal by value that leaves the dictionary
DISAGREES|replay, dictionary group: probe, the committer's application supplies data for 0x0001, which no proposal names
agrees|replay, appended group: epoch 0 invalid 0
agrees|replay, appended group: epoch 0 commit, order
agrees|replay, appended group: epoch 0 commit
agrees|replay, appended group: epoch 1 commit, order
agrees|replay, appended group: epoch 1 commit
agrees|replay, appended group: epoch 2 commit, order
agrees|replay, appended group: epoch 2 commit
agrees|replay, appended group: epoch 3 invalid 0
agrees|replay, appended group: epoch 3 commit, order
DISAGREES|replay, appended group: epoch 3 commit
not run|replay, appended group: epoch 4 invalid 0
not run|replay, appended group: epoch 4 commit";

#[test]
fn openmls_verdicts_on_the_processing_vectors_are_pinned() {
    let report = run_file(&committed(APP_DATA_PROCESSING_FILE)).unwrap();
    let expected: Vec<&str> = SUITE_1.lines().collect();
    assert_eq!(pins(&report, 1), expected);
    // Suites 2 and 3 give the same verdicts; OpenMLS's RustCrypto provider
    // lacks suite 7 (P-384).
    assert_eq!(pins(&report, 2), expected);
    assert_eq!(pins(&report, 3), expected);
    let suite_7 = pins(&report, 7);
    assert_eq!(suite_7.len(), 4, "{suite_7:?}");
    assert!(suite_7.iter().all(|p| p.starts_with("not run|")));
}

#[test]
fn openmls_disagreements_say_what_openmls_did() {
    let report = run_file(&committed(APP_DATA_PROCESSING_FILE)).unwrap();
    // The first suite-1 row of the passive run (or the replay) whose step
    // holds `fragment`: what OpenMLS did.
    let did = |replay: bool, fragment: &str| -> String {
        let row = report
            .rows
            .iter()
            .find(|r| {
                r.case.starts_with("replay") == replay
                    && r.case.contains("suite 1,")
                    && r.case.contains(fragment)
                    && (r.case.ends_with("extension order")
                        == fragment.ends_with("extension order"))
            })
            .unwrap_or_else(|| panic!("no row {fragment}"));
        row.outcome.openmls.clone()
    };
    // The framing: this project's AppDataUpdate messages do not decode.
    assert!(did(false, "epoch 1 commit (one update").contains("does not decode"));
    // The dictionary moves to the end of the GroupContext extensions.
    assert_eq!(
        did(
            true,
            "epoch 1 commit (one update by value (PrivateMessage)), extension order"
        ),
        "extension order [3, 6], the vector's [6, 3]"
    );
    assert_eq!(did(true, "remove of 3, which has no entry"), "accepts it");
    assert!(
        did(true, "probe, an update of 0x0000 by reference")
            .contains("occur before GroupContextExtensions")
    );
    // A GroupContextExtensions proposal's dictionary is lost under the
    // AppDataUpdates of the same commit.
    assert!(
        did(true, "an update of 6 by value applies to what it leaves").starts_with("dictionary ")
    );
}

#[test]
fn openmls_agrees_on_every_codec_vector() {
    let report = run_file(&committed(APP_DATA_CODEC_FILE)).unwrap();
    assert_eq!(report.rows.len(), 50);
    let disagreeing: Vec<_> = report
        .rows
        .iter()
        .filter(|r| r.outcome.verdict != Verdict::Agrees)
        .collect();
    assert!(disagreeing.is_empty(), "{disagreeing:#?}");
}
