//! The `appsync` command as a user runs it: JSON, replay, the Explorer's
//! start-up, vectors, charts, and replay commands that reproduce the run
//! when pasted into a shell. Errors and exit codes: `cli_errors.rs`.
use std::io::{BufRead, BufReader, Read, Write};
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
    assert_eq!(verdict("known application ids only"), "expected_violation");
    assert_eq!(json["failed"], false);
}

#[test]
fn check_the_successor_profile() {
    let run = |preset: &str| {
        let out = appsync()
            .args([
                "check",
                "--profile",
                "app-data-update",
                "--app-data-preset",
                preset,
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let cas = run("cas");
    assert!(cas.contains("23609 unique states"), "{cas}");
    assert!(cas.contains("holds        no lost update"), "{cas}");
    assert!(cas.contains("reached      cas refusal"), "{cas}");
    let replace = run("replace");
    assert!(replace.contains("32721 unique states"), "{replace}");
    assert!(
        replace.contains(
            "finding      no lost update (4 steps: propose(m0,Update(1)) deliver(m0) \
             commit(m0,TwoUpdates(1)) deliver(m0))"
        ),
        "{replace}"
    );
    assert!(replace.ends_with("all checks passed\n"), "{replace}");
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
    // The model's side in full: the step in words, the state it left, what
    // is in flight to whom.
    assert!(
        text.contains("step 1: forge(adv,dup): adv forges two AppSyncs for one id (breaks R5)")
    );
    assert!(text.contains(
        ">   forged (dup) commit e0 by adv [app1:=8, app1:=8] claims {app1=8,app2=0} -> m0, m1"
    ));
    assert!(
        text.contains("> m0  epoch 0  {app1=0,app2=0}  last: rejected (DuplicateApplicationId)")
    );
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
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // The start-up line names the configuration.
    // (The reader stays open while the Explorer runs: it prints more.)
    let mut first = String::new();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    reader.read_line(&mut first).unwrap();
    assert!(
        first.starts_with("Explorer for preset create-order: 2 members, application ids 1..=1"),
        "{first}"
    );
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
    drop(reader);
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

/// The replay command `check` prints is complete: pasted into a shell, it
/// replays the counterexample on mls-rs with the same configuration, for a
/// preset and for a configuration made of flags.
#[test]
fn printed_replay_commands_reproduce_the_run() {
    for args in [
        vec!["check", "--preset", "default", "--no-conform"],
        vec![
            "check",
            "--apps",
            "1",
            "--max-epoch",
            "1",
            "--external",
            "0",
            "--no-conform",
            "--traces",
        ],
    ] {
        let out = appsync().args(&args).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let command = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("replay: "))
            .unwrap_or_else(|| panic!("no replay line: {text}"));
        assert!(!command.contains("the same configuration"), "{command}");
        let replayed = Command::new("sh").args(["-c", command]).output().unwrap();
        let replay_text = String::from_utf8_lossy(&replayed.stdout);
        assert!(replayed.status.success(), "{command}\n{replay_text}");
        assert!(replay_text.contains(" steps agree"), "{replay_text}");
        if args.contains(&"--apps") {
            assert!(
                command.contains(" replay --apps 1 --max-epoch 1 --external 0 '"),
                "{command}"
            );
        }
    }
}

/// Runs `appsync WORDS PATH`: space-separated words, then a flag's value
/// that is a file or folder.
fn appsync_then_path(words: &str, path: &std::path::Path) -> std::process::Output {
    appsync().args(words.split(' ')).arg(path).output().unwrap()
}

/// The lines of text a chart shows, after parsing it as XML (which fails
/// on SVG that is not well-formed).
fn svg_texts(file: &std::path::Path) -> Vec<String> {
    let svg = std::fs::read_to_string(file).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let mut lines = Vec::new();
    for node in doc.descendants().filter(|n| n.has_tag_name("text")) {
        lines.push(node.text().unwrap_or_default().to_string());
    }
    lines
}

/// `check --svg DIR` writes one chart per counterexample and witness, each
/// well-formed SVG naming every step of its path and marking the last.
#[test]
fn check_writes_a_chart_per_counterexample_and_witness() {
    let dir = std::env::temp_dir().join(format!("appsync-charts-{}", std::process::id()));
    let out = appsync_then_path("check --preset default --no-conform --json --svg", &dir);
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut charts = 0;
    for p in json["runs"][0]["properties"].as_array().unwrap() {
        let Some(file) = p["chart"].as_str() else {
            assert!(p["path"].is_null(), "{p}");
            continue;
        };
        charts += 1;
        let texts = svg_texts(std::path::Path::new(file));
        let path = appsync_model::decode_path(p["path"].as_str().unwrap()).unwrap();
        for (i, action) in path.iter().enumerate() {
            let step = format!("{}  {action}", i + 1);
            assert!(texts.contains(&step), "{file}: {step}");
        }
        let word = if p["kind"] == "always" {
            "violates"
        } else {
            "witnesses"
        };
        assert!(
            texts.contains(&format!("{word}: {}", p["name"].as_str().unwrap())),
            "{file}"
        );
    }
    assert_eq!(
        charts, 4,
        "lost update + three witnesses of the default preset"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// `replay --svg FILE` draws the replayed path and says mls-rs agreed.
#[test]
fn replay_draws_its_path() {
    let file = std::env::temp_dir().join(format!("appsync-replay-{}.svg", std::process::id()));
    // (`;` separates actions too, so the path is one word here.)
    let words = "replay --preset adversarial forge(adv,dup);deliver(m0) --svg";
    let out = appsync_then_path(words, &file);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let texts = svg_texts(&file).join("\n");
    assert!(
        texts.contains("1  forge(adv,dup)") && texts.contains("2  deliver(m0)"),
        "{texts}"
    );
    assert!(texts.contains("mls-rs agrees"), "{texts}");
    assert!(
        texts.contains("This state witnesses 'forged duplicate id rejected'"),
        "{texts}"
    );
    let _ = std::fs::remove_file(file);
}
