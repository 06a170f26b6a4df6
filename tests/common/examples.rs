//! The example programs of `examples/` against the pyzmq scripts: where the built programs
//! are, and the scenarios the blocking examples (`sbs_examples.rs`) and their async twins
//! (`sbs_async.rs`) share, each run with the names of the one or the other (`ps_publisher`
//! or `async_ps_publisher`, ...). The two print the same, so the checks are the same.
//!
//! Include it next to `py.rs` and `scripts.rs`: `#[path = "common/examples.rs"] mod examples;`.
#![allow(dead_code)]

use std::path::PathBuf;

use super::py::{values, PyProc, TempDir, Transport};
use super::scripts::{self, numbered};

/// The built example `name`, next to this test's own binary (`<target>/<profile>/examples/`).
pub fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("own path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("test binary lives in <target>/<profile>/deps");
    let path = profile_dir.join("examples").join(name);
    let features = if name.starts_with("async_") {
        " --features tokio"
    } else {
        ""
    };
    assert!(
        path.is_file(),
        "example `{name}` is not built at {}: run `cargo build{features} --examples` (a plain \
         `cargo test{features}` builds them too)",
        path.display()
    );
    path
}

pub fn run_example<S: AsRef<str>>(name: &str, args: &[S]) -> PyProc {
    PyProc::spawn_program(&example(name), args)
}

/// Stdout without the lines that name a bound endpoint (which differs from run to run).
pub fn without_endpoints(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .filter(|l| !l.starts_with("READY "))
        .cloned()
        .collect()
}

/// The request-reply server example `server` on a free port, answering two requests with
/// `ack:<request>`; returns it and its endpoint.
pub fn rr_server_answering_two(server: &str) -> (PyProc, String) {
    let mut server = run_example(
        server,
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
    (server, endpoint)
}

/// The request-reply client `client`, with its default texts, against rr_server.py with its
/// own, bound at `server_bind`.
pub fn rr_client_says_the_default_texts(client: &str, server_bind: &str) {
    let mut server = PyProc::spawn("rr_server.py", &["--bind", server_bind]);
    let endpoint = server.ready();
    let lines = run_example(client, &["--connect", &endpoint]).finish_ok();
    assert_eq!(
        lines,
        [
            "Sending request: Are you OK?",
            "Received reply: I am OK!",
            "DONE 1"
        ]
    );
    server.finish_ok();
}

/// The examples `publisher` and `subscriber` with the synchronised start: first the Rust
/// publisher with a Python and a Rust subscriber (the latter filtering by topic), then a
/// Python publisher with the Rust subscriber. Nobody misses a message.
pub fn ps_examples_talk_to_python_without_loss(publisher: &str, subscriber: &str) {
    let dir = TempDir::new("ex");
    let mut rust_pub = run_example(
        publisher,
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
    let endpoint = rust_pub.ready();
    let sync = rust_pub.expect_line("SYNC ");
    let mut py_sub = scripts::subscriber(&[(&endpoint, &sync)], None);
    let mut rust_sub = run_example(
        subscriber,
        &["--connect", &endpoint, "--sync", &sync, "message1"],
    );
    let all = numbered("message", 12);
    let py_lines = py_sub.finish_ok();
    assert_eq!(values(&py_lines, "Received: "), all);
    assert_eq!(values(&py_lines, "DONE "), ["12"]);
    let rust_lines = rust_sub.finish_ok();
    assert_eq!(
        values(&rust_lines, "Received: "),
        ["message1", "message10", "message11"]
    );
    assert_eq!(values(&rust_lines, "DONE "), ["3"]);
    let pub_lines = rust_pub.finish_ok();
    assert_eq!(values(&pub_lines, "SUBSCRIBER-READY "), ["1", "2"]);
    assert_eq!(values(&pub_lines, "Sent: "), all);
    assert_eq!(values(&pub_lines, "DONE "), ["12"]);
    // Both subscribers synchronised with that one publisher, whose token they both saw.
    let token = values(&py_lines, "SYNCED ");
    assert_eq!(token.len(), 1);
    assert_eq!(values(&rust_lines, "SYNCED "), token);

    let (mut py_pub, endpoint, sync) =
        scripts::publisher(Transport::Tcp, &dir, "pypub", 10, "message", 1);
    let mut rust_sub = run_example(subscriber, &["--connect", &endpoint, "--sync", &sync]);
    let lines = rust_sub.finish_ok();
    assert_eq!(values(&lines, "Received: "), all[..10]);
    assert_eq!(values(&lines, "DONE "), ["10"]);
    let lines = py_pub.finish_ok();
    assert_eq!(values(&lines, "Sent: "), all[..10]);
}

/// The arguments of a pipeline worker example or script.
pub fn worker_args(pull: &str, push: &str, name: &str) -> [String; 6] {
    ["--pull", pull, "--push", push, "--name", name].map(str::to_owned)
}

/// The examples `ventilator` and `worker` with a Python worker and a Python sink: the
/// ventilator waits for both workers, which get half the tasks each.
pub fn pl_examples_share_work_with_python(ventilator: &str, worker: &str) {
    let dir = TempDir::new("ex");
    let (mut sink, sink_endpoint) = scripts::sink(&dir.ipc("sink.ipc"), 20);
    let mut ventilator = run_example(
        ventilator,
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
    let mut rust_worker = run_example(worker, &worker_args(&endpoint, &sink_endpoint, "rust"));
    let mut py_worker = scripts::worker(&endpoint, &sink_endpoint, "python");
    let lines = ventilator.finish_ok();
    assert_eq!(values(&lines, "WORKER-CONNECTED "), ["1", "2"]);
    assert_eq!(values(&lines, "Sent: "), numbered("task", 20));
    assert_eq!(values(&lines, "DONE "), ["20"]);
    let lines = rust_worker.finish_ok();
    assert_eq!(values(&lines, "READY "), ["rust"]);
    assert_eq!(values(&lines, "Received task: ").len(), 10);
    assert_eq!(values(&lines, "DONE "), ["rust 10"]);
    assert_eq!(values(&py_worker.finish_ok(), "DONE "), ["python 10"]);
    let lines = sink.finish_ok();
    assert_eq!(values(&lines, "COUNT "), ["python 10", "rust 10"]);
    assert_eq!(values(&lines, "DONE "), ["20"]);
}

/// What `patterns` (or `async_patterns`) printed: every conversation, ending with `last`;
/// round robin over the three pipeline workers, four tasks each, every third one.
pub fn assert_patterns_told_all_three(lines: &[String], last: &str) {
    let text = lines.join("\n");
    for expected in [
        "  client -> \"Are you OK?\"",
        "  server <- \"Are you OK?\"",
        "  client <- \"I am OK!\"",
        "  publisher -> message0 message1 message2 message3 message4 message5 message6 \
         message7 message8 message9",
        "  subscriber to everything <- message0 message1 message2 message3 message4 message5 \
         message6 message7 message8 message9 (10 messages)",
        "  subscriber to \"message1\" <- message1 (1 message)",
        "  sink <- 12 results from 3 workers",
        last,
    ] {
        assert!(
            lines.iter().any(|l| l == expected),
            "missing {expected:?} in:\n{text}"
        );
    }
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("  client -> \"Are you OK?\" again, before the answer: EFSM")),
        "no EFSM line in:\n{text}"
    );
    let mut did: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("  worker-"))
        .collect();
    did.sort_unstable();
    assert_eq!(did.len(), 3, "{text}");
    let mut residues = Vec::new();
    for line in did {
        let numbers: Vec<usize> = line
            .split_once(" did ")
            .map(|(_, tasks)| tasks)
            .unwrap_or_else(|| panic!("malformed line {line:?}"))
            .split(' ')
            .map(|t| {
                t.strip_prefix("task")
                    .and_then(|n| n.parse().ok())
                    .expect("taskN")
            })
            .collect();
        assert_eq!(numbers.len(), 4, "{line}");
        assert!(numbers.iter().all(|n| n % 3 == numbers[0] % 3), "{line}");
        residues.push(numbers[0] % 3);
    }
    residues.sort_unstable();
    assert_eq!(residues, [0, 1, 2], "{text}");
}

/// `--help` prints the usage, starting with `Usage: <name>`.
pub fn assert_help_is_usage(names: &[&str]) {
    for &name in names {
        let lines = run_example(name, &["--help"]).finish_ok();
        assert!(
            lines[0].starts_with(&format!("Usage: {name}")),
            "{name}: {lines:?}"
        );
    }
}

/// Each (example, arguments, problem): the problem and the usage on stderr, status 2, no
/// panic.
pub fn assert_bad_arguments_explained(cases: &[(&str, &[&str], &str)]) {
    for &(name, args, message) in cases {
        let mut run = run_example(name, args);
        let (status, _) = run.finish();
        let stderr = run.stderr().to_owned();
        assert_eq!(status.code(), Some(2), "{name} {args:?}: {stderr}");
        assert!(stderr.contains(message), "{name} {args:?}: {stderr}");
        assert!(stderr.contains("Usage:"), "{name} {args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name} {args:?}: {stderr}");
    }
}

/// A failure while running (the client `name` cannot connect) is an error message and
/// status 1, not a panic.
pub fn assert_connect_failure_reported(name: &str) {
    let mut run = run_example(name, &["--connect", "no-such-transport://x"]);
    let (status, _) = run.finish();
    let stderr = run.stderr().to_owned();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("error: cannot connect"), "{stderr}");
}
