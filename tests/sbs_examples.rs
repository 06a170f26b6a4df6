//! The example programs themselves against the pyzmq scripts of the same roles, and their
//! command lines. `cargo test` builds the examples before it runs this file; run
//! `cargo build --examples` first when running it on its own.

#[path = "common/examples.rs"]
mod examples;
#[path = "common/py.rs"]
mod py;
#[path = "common/scripts.rs"]
mod scripts;

use examples::run_example;
use py::{values, PyProc, TempDir};

#[test]
fn rr_examples_talk_to_python() {
    // Rust server, Python client.
    let (mut server, endpoint) = examples::rr_server_answering_two("rr_server");
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
    examples::rr_client_says_the_default_texts("rr_client", &dir.ipc("rr.ipc"));
}

#[test]
fn ps_examples_talk_to_python_without_loss() {
    examples::ps_examples_talk_to_python_without_loss("ps_publisher", "ps_subscriber");
}

#[test]
fn pl_examples_share_work_with_python() {
    examples::pl_examples_share_work_with_python("pl_ventilator", "pl_worker");
}

#[test]
fn patterns_runs_all_three_and_exits_zero() {
    let lines = run_example::<&str>("patterns", &[]).finish_ok();
    examples::assert_patterns_told_all_three(&lines, "All three patterns ran to the end.");
}

#[test]
fn ironhouse_admits_the_known_client_and_writes_files_pyzmq_reads() {
    let dir = TempDir::new("ironhouse");
    let certs = dir.path().join("certs");
    let lines = run_example("ironhouse", &["--certs", certs.to_str().unwrap()]).finish_ok();
    let user = values(
        &lines,
        "server received \"hello from the known client\" from User-Id ",
    );
    assert_eq!(user.len(), 1, "{lines:?}");
    assert_eq!(values(&lines, "stranger: "), ["refused (ZAP status 400)"]);
    assert_eq!(values(&lines, "known client: "), ["admitted"]);
    assert_eq!(
        values(&lines, "authenticator: "),
        [
            format!("1 allowed key(s) from {}", certs.join("allowed").display()),
            "1 allowed, 1 denied, 0 errors".to_owned()
        ]
    );
    // The client's secret file is pyzmq's format: its public key is the User-Id the server saw.
    let secret = certs.join("client.key_secret");
    let read = PyProc::spawn("certs.py", &["load", secret.to_str().unwrap()]).finish_ok();
    assert_eq!(values(&read, "PUBLIC "), user);
}

#[test]
fn examples_explain_bad_arguments_instead_of_panicking() {
    examples::assert_help_is_usage(&[
        "rr_server",
        "rr_client",
        "ps_publisher",
        "ps_subscriber",
        "pl_ventilator",
        "pl_worker",
        "pl_sink",
        "patterns",
    ]);
    examples::assert_bad_arguments_explained(&[
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
    ]);
    // A failure while running is an error message and status 1, not a panic.
    examples::assert_connect_failure_reported("rr_client");
}
