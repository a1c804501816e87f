//! The Explorer as a user sees it: `appsync explore` serves it, headless
//! Chromium opens the link the start-up lines print for the shortest lost
//! update (a state eight steps deep), runs the page's scripts, and the test
//! reads the page it rendered. Skipped, saying so, where no Chromium is
//! installed (`apt-get install chromium`; `.ci/run` installs it). With
//! `APPSYNC_EXPLORER_SCREENSHOT=FILE` it also saves a screenshot (the
//! README's).

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The Chromium to drive: `APPSYNC_CHROMIUM`, else `chromium` or
/// `chromium-browser` on the PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("APPSYNC_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| [dir.join("chromium"), dir.join("chromium-browser")])
        .find(|candidate| candidate.is_file())
}

/// A running `appsync explore`, stopped when dropped.
struct Explorer {
    child: Child,
    _stdout: BufReader<ChildStdout>,
    /// The start-up lines.
    lines: Vec<String>,
}

impl Drop for Explorer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn explore(preset: &str) -> Explorer {
    let port = TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_appsync"))
        .args(["explore", "--preset", preset, "--port", &port.to_string()])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    // The start-up lines come before the server starts.
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(start.elapsed() < Duration::from_secs(60), "no Explorer");
        std::thread::sleep(Duration::from_millis(100));
    }
    let mut line = String::new();
    // Four witnesses and one counterexample on `default`; fewer elsewhere.
    while lines.len() < 5 && stdout.read_line(&mut line).unwrap_or(0) > 0 {
        lines.push(std::mem::take(&mut line));
        if preset != "default" {
            break;
        }
    }
    Explorer {
        child,
        _stdout: stdout,
        lines,
    }
}

/// Runs headless Chromium with the flags this machine needs (no sandbox as
/// root, no background network, a fresh profile) and `extra`.
fn run_chromium(chromium: &PathBuf, extra: &[String]) -> String {
    // One fresh profile per run: Chromium locks its profile.
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let profile = std::env::temp_dir().join(format!(
        "appsync-chromium-{}-{}",
        std::process::id(),
        RUNS.fetch_add(1, Ordering::Relaxed)
    ));
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            // Let the page's fetches and scripts finish before the dump.
            "--virtual-time-budget=8000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = String::new();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stdout, &mut text);
        text
    });
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            panic!("chromium did not finish in 90 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    out.push_str(&reader.join().unwrap());
    let _ = std::fs::remove_dir_all(profile);
    out
}

#[test]
fn the_explorer_shows_a_state_in_the_model_s_words() {
    let Some(chromium) = chromium() else {
        eprintln!(
            "skipped: no chromium on PATH (apt-get install chromium, or set APPSYNC_CHROMIUM)"
        );
        return;
    };
    let explorer = explore("default");
    let first = &explorer.lines[0];
    assert!(
        first.starts_with("Explorer for preset default: 2 members"),
        "{first}"
    );
    let link = explorer
        .lines
        .iter()
        .find_map(|l| l.trim().strip_prefix("no lost update: 8 steps: "))
        .unwrap_or_else(|| panic!("no link: {:?}", explorer.lines))
        .to_string();
    let page = run_chromium(&chromium, &["--dump-dom".into(), link.clone()]);
    assert!(page.contains("<html"), "chromium rendered nothing: {page}");
    // The step, in words, with the configuration.
    assert!(
        page.contains("step commit(m1,[]): m1 sends commit e1 by m1 [m1 app1:=2]"),
        "{page}"
    );
    assert!(page.contains("configuration: preset default: 2 members"));
    // The state: the lines this step changed are marked.
    assert!(page.contains("&gt; m1  epoch 1  {app1=1,app2=0}  cache [m1 app1:=2]  pending commit"));
    assert!(page.contains("  m0  epoch 0  {app1=0,app2=0}  cache [m0 app1:=1, m1 app1:=2]"));
    assert!(
        page.contains("&gt;   commit e1 by m1 [m1 app1:=2] claims {app1=2,app2=0} -&gt; m0, m1")
    );
    // The chart beside it, with why the state violates the property.
    assert!(page.contains("<svg") && page.contains("8  commit(m1,[])"));
    assert!(page.contains("This state violates 'no lost update'"));
    // Properties that cannot apply say so; the finding is marked expected.
    assert!(page.contains("forged AppSync+GCE rejected (not applicable here: needs an adversary)"));
    assert!(page.contains("no lost update (expected to fail: a finding)"));
    assert!(!page.contains("Member {") && !page.contains("committer:"));
    if let Some(file) = std::env::var_os("APPSYNC_EXPLORER_SCREENSHOT") {
        let shot = PathBuf::from(file);
        run_chromium(
            &chromium,
            &[
                "--window-size=1500,1900".into(),
                format!("--screenshot={}", shot.display()),
                link,
            ],
        );
        assert!(shot.is_file());
    }
}

/// Two configurations' first states differ on the page: each names its
/// own configuration.
#[test]
fn the_explorer_names_its_configuration() {
    let Some(chromium) = chromium() else {
        eprintln!("skipped: no chromium on PATH (apt-get install chromium)");
        return;
    };
    for (preset, words) in [
        ("default", "external sender (at most 1)"),
        ("adversarial", "adversary (at most 1)"),
    ] {
        let explorer = explore(preset);
        let url = explorer.lines[0]
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap()
            .to_string();
        assert!(url.ends_with("#/steps/0"), "{url}");
        let page = run_chromium(&chromium, &["--dump-dom".into(), url]);
        assert!(
            page.contains(&format!("configuration: preset {preset}: ")),
            "{page}"
        );
        assert!(page.contains(words), "{preset}");
    }
}
