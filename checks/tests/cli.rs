//! The `appsync` command as a user runs it.
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn appsync() -> Command {
    Command::new(env!("CARGO_BIN_EXE_appsync"))
}

#[test]
fn check_json_reports_every_property_of_a_preset() {
    let out = appsync()
        .args(["check", "--preset", "create-order", "--json", "--conform"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &json["runs"][0];
    assert_eq!(run["unique_states"], 3298);
    assert_eq!(run["conformance"]["transitions"], 5546);
    let verdict = |name: &str| {
        run["properties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .map(|p| p["verdict"].clone())
            .unwrap()
    };
    assert_eq!(verdict("agreement"), "holds");
    assert_eq!(verdict("list order differs from id order"), "witness_found");
    assert!(verdict("known application ids only")["expected_violation"].is_object());
    assert_eq!(json["failed"], false);
}

#[test]
fn check_exits_non_zero_on_an_invalid_configuration() {
    let out = appsync()
        .args(["check", "--members", "9"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("members"));
}

#[test]
fn replay_prints_both_views_and_agrees() {
    let out = appsync()
        .args([
            "replay",
            "--preset",
            "adversarial",
            "forge(adv,dup) deliver(m0)",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("m0 real:  epoch 0 {app1=0,app2=0} members [0, 1, 2] last rejected(DuplicateApplicationId)"), "{text}");
    assert!(text.contains("all 2 steps agree"));
}

#[test]
fn replay_refuses_a_path_the_model_cannot_take() {
    let out = appsync().args(["replay", "deliver(m0)"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("cannot take"));
}

#[test]
fn explore_serves_the_explorer_on_loopback() {
    let port = 38000 + (std::process::id() % 1000) as u16;
    let mut child = appsync()
        .args([
            "explore",
            "--preset",
            "create-order",
            "--port",
            &port.to_string(),
        ])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let body = loop {
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) {
            stream
                .write_all(b"GET /.states HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                .unwrap();
            let mut body = String::new();
            stream.read_to_string(&mut body).unwrap();
            break body;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "explorer did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(body.starts_with("HTTP/1"), "{body}");
    assert!(body.contains("app1"), "{body}");
}

#[test]
fn vectors_verify_the_committed_files() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../vectors");
    let out = appsync()
        .args([
            "vectors",
            "verify",
            &format!("{dir}/appsync-codec.json"),
            &format!("{dir}/appsync-processing.json"),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("17 values encode and decode exactly, 12 invalid encodings refused"));
    assert_eq!(text.matches(": passed (6 epochs)").count(), 4);
}
