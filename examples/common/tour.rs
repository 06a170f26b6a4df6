//! What `patterns` and `async_patterns` share: their command line (no arguments), the
//! settings of their run, and how they tell each conversation (the same lines from both,
//! whether the roles are threads or tasks).
#![allow(dead_code)]

use std::collections::BTreeMap;

use super::cli;

/// Accepts no arguments.
pub fn parse(args: &mut cli::Args) -> Result<(), String> {
    match args.next()? {
        Some(arg) => Err(cli::unexpected(&arg)),
        None => Ok(()),
    }
}

/// Every receive and send gives up after this long, so a fault ends the run with an error.
pub const TIMEOUT_MS: i32 = 5_000;
/// Where every socket binds: a free port of the loopback interface.
pub const ANY_PORT: &str = "tcp://127.0.0.1:*";

/// The REQ client's question; the REP server answers [`ANSWER`].
pub const QUESTION: &str = "Are you OK?";
pub const ANSWER: &str = "I am OK!";

/// The topics of the two subscribers: everything, and a prefix.
pub const TOPICS: [&str; 2] = ["", "message1"];

/// The workers and tasks of the pipeline.
pub const WORKERS: usize = 3;
pub const TASKS: usize = 12;

pub fn request_reply_header(endpoint: &str) {
    println!("== Request-reply: a REQ client asks a REP server on {endpoint}");
}

/// The client's question has gone out.
pub fn asked() {
    println!("  client -> {QUESTION:?}");
}

/// A second send before the answer failed, as it must, with EFSM.
pub fn asked_again(e: zmq::Error) {
    println!("  client -> {QUESTION:?} again, before the answer: EFSM ({e})");
}

/// The error when that second send did something else (`other` is its outcome).
pub fn not_efsm(other: &dyn std::fmt::Debug) -> String {
    format!("a second send on REQ gave {other:?}, not EFSM")
}

pub fn request_reply_done(request: &str, reply: &str) {
    println!("  server <- {request:?}");
    println!("  server -> {ANSWER:?}");
    println!("  client <- {reply:?}");
}

pub fn publish_subscribe_header(endpoint: &str, sync_endpoint: &str) {
    println!("\n== Publish-subscribe: a PUB on {endpoint}, two SUBs");
    println!("   (start synchronised through {sync_endpoint}, so no subscriber misses a message)");
}

/// What the publisher sends: `message0` ... `message9`.
pub fn messages() -> Vec<String> {
    (0..10).map(|i| format!("message{i}")).collect()
}

pub fn published(sent: &[String]) {
    println!("  publisher -> {}", sent.join(" "));
}

/// What the subscriber to `topic` got.
pub fn subscriber_got(topic: &str, got: &[String]) {
    let label = if topic.is_empty() {
        "everything".to_owned()
    } else {
        format!("{topic:?}")
    };
    let count = match got.len() {
        1 => "1 message".to_owned(),
        n => format!("{n} messages"),
    };
    println!("  subscriber to {label} <- {} ({count})", got.join(" "));
}

pub fn pipeline_header(endpoint: &str, sink_endpoint: &str) {
    println!(
        "\n== Pipeline: a PUSH ventilator on {endpoint}, {WORKERS} workers, a PULL sink on \
         {sink_endpoint}"
    );
}

/// Files one result (`<worker> <task>`) under its worker.
pub fn record(by_worker: &mut BTreeMap<String, Vec<String>>, result: &str) -> Result<(), String> {
    let (worker, task) = result
        .split_once(' ')
        .ok_or_else(|| format!("malformed result {result:?}"))?;
    by_worker
        .entry(worker.to_owned())
        .or_default()
        .push(task.to_owned());
    Ok(())
}

pub fn ventilated() {
    println!(
        "  ventilator -> task0 ... task{} round robin, then END to each worker",
        TASKS - 1
    );
}

/// What each worker did, and what the sink got (`done`: the workers' own count).
pub fn pipeline_done(by_worker: &BTreeMap<String, Vec<String>>, done: usize) {
    for (worker, tasks) in by_worker {
        println!("  {worker} did {}", tasks.join(" "));
    }
    println!("  sink <- {done} results from {} workers", by_worker.len());
}
