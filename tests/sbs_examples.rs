//! The example programs themselves against the pyzmq scripts of the same roles, and their
//! command lines. `cargo test` builds the examples before it runs this file; run
//! `cargo build --examples` first when running it on its own.

#[path = "common/py.rs"]
mod py;

use std::path::PathBuf;

use py::{values, PyProc, TempDir};

/// The built example `name`, next to this test's own binary (`<target>/<profile>/examples/`).
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("own path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("test binary lives in <target>/<profile>/deps");
    let path = profile_dir.join("examples").join(name);
    assert!(
        path.is_file(),
        "example `{name}` is not built at {}: run `cargo build --examples` (plain `cargo test` \
         builds them too)",
        path.display()
    );
    path
}

fn run_example<S: AsRef<str>>(name: &str, args: &[S]) -> PyProc {
    PyProc::spawn_program(&example(name), args)
}

#[test]
fn rr_examples_talk_to_python() {
    // Rust server, Python client.
    let mut server = run_example(
        "rr_server",
        &[
            "--bind",
            "tcp://127.0.0.1:*",
            "--count",
            "2",
            "--reply",
            "ack:{}",
            "--timeout-ms",
            "20000",
        ],
    );
    let endpoint = server.ready();
    let mut client = PyProc::spawn("rr_client.py", &["--connect", &endpoint, "--count", "2"]);
    let lines = client.finish_ok();
    assert_eq!(
        values(&lines, "Received reply: "),
        ["ack:Are you OK?", "ack:Are you OK?"]
    );
    let lines = server.finish_ok();
    assert_eq!(
        values(&lines, "Received request: "),
        ["Are you OK?", "Are you OK?"]
    );
    assert_eq!(values(&lines, "DONE "), ["2"]);

    // Python server, Rust client, the defaults' texts.
    let dir = TempDir::new("ex");
    let mut server = PyProc::spawn("rr_server.py", &["--bind", &dir.ipc("rr.ipc")]);
    let endpoint = server.ready();
    let mut client = run_example("rr_client", &["--connect", &endpoint]);
    let lines = client.finish_ok();
    assert_eq!(values(&lines, "Sending request: "), ["Are you OK?"]);
    assert_eq!(values(&lines, "Received reply: "), ["I am OK!"]);
    server.finish_ok();
}

#[test]
fn ps_examples_talk_to_python_without_loss() {
    let dir = TempDir::new("ex");
    // Rust publisher, a Python and a Rust subscriber (the latter filtering by topic).
    let mut publisher = run_example(
        "ps_publisher",
        &[
            "--bind",
            &dir.ipc("pub.ipc"),
            "--sync",
            &dir.ipc("sync.ipc"),
            "--subscribers",
            "2",
            "--interval-ms",
            "0",
            "--count",
            "12",
        ],
    );
    let endpoint = publisher.ready();
    let sync = publisher.expect_line("SYNC ");
    let mut py_sub = PyProc::spawn(
        "ps_subscriber.py",
        &["--connect", &endpoint, "--sync", &sync],
    );
    let mut rust_sub = run_example(
        "ps_subscriber",
        &["--connect", &endpoint, "--sync", &sync, "message1"],
    );
    let all: Vec<String> = (0..12).map(|i| format!("message{i}")).collect();
    assert_eq!(values(&py_sub.finish_ok(), "Received: "), all);
    assert_eq!(
        values(&rust_sub.finish_ok(), "Received: "),
        ["message1", "message10", "message11"]
    );
    assert_eq!(values(&publisher.finish_ok(), "Sent: "), all);

    // Python publisher, Rust subscriber.
    let mut publisher = PyProc::spawn(
        "ps_publisher.py",
        &[
            "--bind",
            "tcp://127.0.0.1:*",
            "--sync",
            "tcp://127.0.0.1:*",
            "--interval-ms",
            "0",
        ],
    );
    let endpoint = publisher.ready();
    let sync = publisher.expect_line("SYNC ");
    let mut rust_sub = run_example("ps_subscriber", &["--connect", &endpoint, "--sync", &sync]);
    let lines = rust_sub.finish_ok();
    assert_eq!(values(&lines, "Received: "), all[..10]);
    assert_eq!(values(&lines, "DONE "), ["10"]);
    publisher.finish_ok();
}

#[test]
fn pl_examples_share_work_with_python() {
    let dir = TempDir::new("ex");
    let mut sink = PyProc::spawn(
        "pl_sink.py",
        &["--bind", &dir.ipc("sink.ipc"), "--tasks", "20"],
    );
    let sink_endpoint = sink.ready();
    let mut ventilator = run_example(
        "pl_ventilator",
        &[
            "--bind",
            "tcp://127.0.0.1:*",
            "--tasks",
            "20",
            "--workers",
            "2",
        ],
    );
    let endpoint = ventilator.ready();
    let worker_args = |name: &str| {
        [
            "--pull",
            &endpoint,
            "--push",
            &sink_endpoint,
            "--name",
            name,
        ]
        .map(str::to_owned)
    };
    let mut rust_worker = run_example("pl_worker", &worker_args("rust"));
    let mut py_worker = PyProc::spawn("pl_worker.py", &worker_args("python"));

    assert_eq!(
        values(&ventilator.finish_ok(), "WORKER-CONNECTED ").len(),
        2
    );
    assert_eq!(values(&rust_worker.finish_ok(), "DONE "), ["rust 10"]);
    assert_eq!(values(&py_worker.finish_ok(), "DONE "), ["python 10"]);
    let lines = sink.finish_ok();
    assert_eq!(values(&lines, "COUNT "), ["python 10", "rust 10"]);
    assert_eq!(values(&lines, "DONE "), ["20"]);
}

#[test]
fn patterns_runs_all_three_and_exits_zero() {
    let mut patterns = run_example::<&str>("patterns", &[]);
    let lines = patterns.finish_ok();
    let text = lines.join("\n");
    for expected in [
        "  client <- \"I am OK!\"",
        "  subscriber to everything <- message0 message1 message2 message3 message4 message5 \
         message6 message7 message8 message9 (10 messages)",
        "  subscriber to \"message1\" <- message1 (1 message)",
        "  sink <- 12 results from 3 workers",
        "All three patterns ran to the end.",
    ] {
        assert!(
            lines.iter().any(|l| l == expected),
            "missing {expected:?} in:\n{text}"
        );
    }
}

#[test]
fn examples_explain_bad_arguments_instead_of_panicking() {
    for name in [
        "rr_server",
        "rr_client",
        "ps_publisher",
        "ps_subscriber",
        "pl_ventilator",
        "pl_worker",
        "pl_sink",
        "patterns",
    ] {
        let mut help = run_example(name, &["--help"]);
        let lines = help.finish_ok();
        assert!(
            lines[0].starts_with(&format!("Usage: {name}")),
            "{name}: {lines:?}"
        );
    }
    let bad: [(&str, &[&str], &str); 6] = [
        ("rr_client", &["--count", "many"], "--count needs a number"),
        ("rr_server", &["--bind"], "--bind needs a value"),
        ("ps_subscriber", &["--bogus"], "unknown option"),
        (
            "ps_subscriber",
            &["topic-a", "topic-b"],
            "unexpected argument",
        ),
        (
            "pl_ventilator",
            &["--workers=0"],
            "--workers must be at least 1",
        ),
        (
            "pl_worker",
            &["--name", "two words"],
            "--name must be one word",
        ),
    ];
    for (name, args, message) in bad {
        let mut run = run_example(name, args);
        let (status, _) = run.finish();
        let stderr = run.stderr().to_owned();
        assert_eq!(status.code(), Some(2), "{name} {args:?}: {stderr}");
        assert!(stderr.contains(message), "{name} {args:?}: {stderr}");
        assert!(stderr.contains("Usage:"), "{name} {args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name} {args:?}: {stderr}");
    }
    // A failure while running is an error message and status 1, not a panic.
    let mut run = run_example("rr_client", &["--connect", "no-such-transport://x"]);
    let (status, _) = run.finish();
    let stderr = run.stderr().to_owned();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("error: cannot connect"), "{stderr}");
}
