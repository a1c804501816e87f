//! Honest errors: every input the command cannot act on is one line on
//! standard error and exit code 2, never a panic (exit 101) or a report of a
//! bug found.

use std::net::TcpListener;
use std::process::{Command, Output, Stdio};

fn appsync(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_appsync"))
        .args(args)
        .output()
        .unwrap()
}

/// Exit code 2, nothing on standard output, one `error:` line on standard
/// error; returns that line.
fn one_line_error(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

/// A path the model cannot take (a step that is not enabled, a path from
/// another preset, a member that does not exist) is an input error naming
/// the step and the actions enabled there, not a divergence.
#[test]
fn a_path_the_model_cannot_take_is_an_input_error() {
    let from_another_preset = one_line_error(&appsync(&[
        "replay",
        "--preset",
        "default",
        "forge(adv,dup) deliver(m0)",
    ]));
    assert!(
        from_another_preset.starts_with(
            "error: step 1 (forge(adv,dup)) cannot be taken: the model does not offer it"
        ),
        "{from_another_preset}"
    );
    assert!(from_another_preset.contains(
        "enabled there: propose(m0,app1=1) propose(m0,app2=1) propose(m1,app1=2) \
         propose(m1,app2=2) external(app1=6) external(app2=6)"
    ));
    assert!(from_another_preset.contains("configuration: preset default"));
    let no_such_member = one_line_error(&appsync(&[
        "replay",
        "propose(m0,app1=1) propose(m7,app1=1)",
    ]));
    assert!(no_such_member.contains("step 2 (propose(m7,app1=1)) cannot be taken"));
    assert!(no_such_member.contains("enabled there: commit(m0,[]) deliver(m1)"));
    let not_parsed = one_line_error(&appsync(&["replay", "propose(m0)"]));
    assert!(
        not_parsed.contains("cannot parse action `propose(m0)`"),
        "{not_parsed}"
    );
}

/// Zero values and inconsistent bounds are refused before anything runs.
#[test]
fn zero_values_and_inconsistent_bounds_are_one_line_errors() {
    let cases: [(&[&str], &str); 10] = [
        (
            &["check", "--threads", "0"],
            "'--threads <THREADS>': 0 is not in 1..=",
        ),
        (
            &["check", "--in-flight", "0"],
            "'--in-flight <IN_FLIGHT>': 0 is not in 1..=",
        ),
        (&["check", "--members", "9"], "members = 9, must be 2 to 5"),
        (
            &["conform", "--traces", "0"],
            "'--traces <TRACES>': 0 is not in 1..=",
        ),
        (
            &[
                "conform",
                "--min-steps",
                "50",
                "--max-steps",
                "10",
                "--no-exhaustive",
            ],
            "--min-steps 50 is above --max-steps 10",
        ),
        (
            &["conform", "--no-exhaustive", "--no-random"],
            "leave nothing to run",
        ),
        (
            &["explore", "--port", "0"],
            "'--port <PORT>': 0 is not in 1..=",
        ),
        (
            &["check", "--preset", "nonesuch"],
            "invalid value 'nonesuch' for '--preset",
        ),
        (
            &[
                "check",
                "--profile",
                "app-data-update",
                "--preset",
                "default",
            ],
            "--profile app-data-update takes --app-data-preset and --threads",
        ),
        (
            &["check", "--app-data-preset", "cas"],
            "--app-data-preset needs --profile app-data-update",
        ),
    ];
    for (args, expected) in cases {
        let line = one_line_error(&appsync(args));
        assert!(line.contains(expected), "{args:?}: {line}");
    }
}

/// A port already in use is reported before any URL is announced.
#[test]
fn a_busy_port_is_a_one_line_error() {
    let taken = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let line = one_line_error(&appsync(&["explore", "--port", &port]));
    assert!(
        line.contains(&format!("cannot serve on 127.0.0.1:{port}")),
        "{line}"
    );
}

/// `appsync check --json | head` : the reader goes away, the command
/// ends with one line, not a panic.
#[test]
fn a_closed_pipe_is_a_one_line_error() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_appsync"))
        .args(["check", "--preset", "default", "--no-conform", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr.trim_end(),
        "error: standard output was closed before the output was complete"
    );
}
