//! Progress as a user sees it: on a terminal, a bar with the known total
//! (the exhaustive replay's transition count), a rate and the time left; in
//! a pipe, nothing at all.

use std::process::Command;

/// Progress bars are for terminals: with standard error a pipe, a run with
/// model checking and conformance writes nothing there.
#[test]
fn progress_is_silent_when_not_a_terminal() {
    let out = Command::new(env!("CARGO_BIN_EXE_appsync"))
        .args(["check", "--preset", "create-order", "--conform"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("conformance: mls-rs agrees with the model on all 5546 transitions"));
}

/// On a terminal (util-linux `script` gives the command one), the replay
/// shows its position against the transition count the model check found,
/// with a rate and the time left.
#[test]
fn progress_on_a_terminal_knows_the_total() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: util-linux `script` is not installed, no terminal to test on");
        return;
    }
    let command = format!(
        "{} check --preset create-order --conform",
        env!("CARGO_BIN_EXE_appsync")
    );
    let out = Command::new("script")
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let screen = String::from_utf8_lossy(&out.stdout).replace('\r', "\n");
    // A bar that has moved: `] 256/5,546 transitions 1,953/s, 2s left`.
    let moved = |l: &&str| {
        l.split_once("] ")
            .is_some_and(|(_, rest)| rest.starts_with(|c: char| ('1'..='9').contains(&c)))
    };
    let bar = screen
        .lines()
        .filter(|l| l.contains("create-order: replaying on mls-rs ["))
        .find(moved)
        .unwrap_or_else(|| panic!("no moving progress bar: {screen}"));
    assert!(bar.contains("/5,546 transitions "), "{bar}");
    assert!(bar.contains("/s, ") && bar.contains(" left"), "{bar}");
    assert!(screen.contains("create-order: model checking"), "{screen}");
}
