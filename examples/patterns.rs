//! The three classic ZeroMQ patterns in one process: request-reply, publish-subscribe and
//! pipeline, each role on its own thread, on free local TCP ports.
//!
//! ```text
//! cargo run --example patterns
//! ```
//!
//! Each role also exists as a program of its own (`rr_server`, `rr_client`, `ps_publisher`,
//! `ps_subscriber`, `pl_ventilator`, `pl_worker`, `pl_sink`), to run in separate terminals
//! or against the pyzmq scripts in `tests/py/`.

#[path = "common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use common::{cli, pipeline, sync, tour};
use tour::{ANY_PORT, TIMEOUT_MS};

const USAGE: &str = "\
Usage: patterns

Runs request-reply, publish-subscribe and pipeline in one process, each role on its own
thread, on free ports of 127.0.0.1, and prints the conversation. Takes no arguments.
";

fn run((): ()) -> cli::Outcome {
    let ctx = zmq::Context::new();
    request_reply(&ctx)?;
    publish_subscribe(&ctx)?;
    pipeline(&ctx)?;
    println!("\nAll three patterns ran to the end.");
    Ok(())
}

/// Waits for a role's thread and hands back its result.
fn join<T>(handle: JoinHandle<Result<T, String>>, role: &str) -> Result<T, String> {
    handle
        .join()
        .map_err(|_| format!("the {role} thread panicked"))?
}

fn request_reply(ctx: &zmq::Context) -> Result<(), String> {
    let server = cli::socket(ctx, zmq::REP, TIMEOUT_MS).map_err(|e| e.to_string())?;
    let endpoint = cli::bind(&server, ANY_PORT)?;
    tour::request_reply_header(&endpoint);

    let client = cli::socket(ctx, zmq::REQ, TIMEOUT_MS).map_err(|e| e.to_string())?;
    client.connect(&endpoint).map_err(|e| e.to_string())?;
    client
        .send(tour::QUESTION, 0)
        .map_err(cli::waiting_for("the request to go out"))?;
    tour::asked();
    // Strictly one question, one answer: asking again before the answer is an error.
    match client.send(tour::QUESTION, 0) {
        Err(e) if e == zmq::Error::EFSM => tour::asked_again(e),
        other => return Err(tour::not_efsm(&other)),
    }

    let server_thread = thread::spawn(move || -> Result<String, String> {
        let request = cli::recv_text(&server, "a request")?;
        server
            .send(tour::ANSWER, 0)
            .map_err(cli::waiting_for("the reply to go out"))?;
        Ok(request)
    });
    let reply = cli::recv_text(&client, "the reply")?;
    let request = join(server_thread, "server")?;
    tour::request_reply_done(&request, &reply);
    Ok(())
}

fn publish_subscribe(ctx: &zmq::Context) -> Result<(), String> {
    let publisher = cli::socket(ctx, zmq::PUB, TIMEOUT_MS).map_err(|e| e.to_string())?;
    let endpoint = cli::bind(&publisher, ANY_PORT)?;
    let sync_socket = cli::socket(ctx, zmq::REP, TIMEOUT_MS).map_err(|e| e.to_string())?;
    let sync_endpoint = cli::bind(&sync_socket, ANY_PORT)?;
    tour::publish_subscribe_header(&endpoint, &sync_endpoint);

    let subscribers: Vec<_> = tour::TOPICS
        .iter()
        .map(|&topic| {
            let (ctx, endpoint, sync_endpoint) =
                (ctx.clone(), endpoint.clone(), sync_endpoint.clone());
            thread::spawn(move || subscribe(&ctx, &endpoint, &sync_endpoint, topic))
        })
        .collect();

    let token = sync::new_token();
    sync::wait_for_subscribers(
        &publisher,
        &sync_socket,
        &token,
        tour::TOPICS.len(),
        TIMEOUT_MS,
        |_| {},
    )?;
    let sent = tour::messages();
    for text in &sent {
        publisher
            .send(text.as_str(), 0)
            .map_err(|e| e.to_string())?;
        thread::sleep(Duration::from_millis(50));
    }
    publisher
        .send(sync::end_marker(&token).as_str(), 0)
        .map_err(|e| e.to_string())?;
    tour::published(&sent);

    for (topic, handle) in tour::TOPICS.iter().zip(subscribers) {
        tour::subscriber_got(topic, &join(handle, "subscriber")?);
    }
    Ok(())
}

/// A subscriber thread: receives everything under `topic` until the publisher ends.
fn subscribe(
    ctx: &zmq::Context,
    endpoint: &str,
    sync_endpoint: &str,
    topic: &str,
) -> Result<Vec<String>, String> {
    let sub = cli::socket(ctx, zmq::SUB, TIMEOUT_MS).map_err(|e| e.to_string())?;
    sub.set_linger(0).map_err(|e| e.to_string())?;
    sub.set_subscribe(topic.as_bytes())
        .map_err(|e| e.to_string())?;
    sub.connect(endpoint).map_err(|e| e.to_string())?;
    let mut handshake =
        sync::Subscription::start(ctx, &sub, &[sync_endpoint.to_owned()], TIMEOUT_MS)?;
    let mut got = Vec::new();
    while !handshake.all_ended() {
        let text = cli::recv_text(&sub, "a published message")?;
        if !handshake.handle(&text)?.0 {
            got.push(text);
        }
    }
    Ok(got)
}

fn pipeline(ctx: &zmq::Context) -> Result<(), String> {
    use tour::{TASKS, WORKERS};
    let sink = cli::socket(ctx, zmq::PULL, TIMEOUT_MS).map_err(|e| e.to_string())?;
    let sink_endpoint = cli::bind(&sink, ANY_PORT)?;
    let ventilator = cli::socket(ctx, zmq::PUSH, TIMEOUT_MS).map_err(|e| e.to_string())?;
    let monitor = pipeline::watch(ctx, &ventilator, TIMEOUT_MS)?;
    let endpoint = cli::bind(&ventilator, ANY_PORT)?;
    tour::pipeline_header(&endpoint, &sink_endpoint);

    let sink_thread = thread::spawn(move || -> Result<BTreeMap<String, Vec<String>>, String> {
        let mut by_worker = BTreeMap::new();
        for _ in 0..TASKS {
            tour::record(&mut by_worker, &cli::recv_text(&sink, "a result")?)?;
        }
        Ok(by_worker)
    });
    let workers: Vec<_> = (1..=WORKERS)
        .map(|n| {
            let (ctx, pull, push) = (ctx.clone(), endpoint.clone(), sink_endpoint.clone());
            thread::spawn(move || work(&ctx, &pull, &push, &format!("worker-{n}")))
        })
        .collect();

    // Only when every worker is connected does round robin share the tasks evenly.
    pipeline::wait_for_workers(&ventilator, &monitor, WORKERS, |_| {})?;
    for i in 0..TASKS {
        ventilator
            .send(format!("task{i}").as_str(), 0)
            .map_err(|e| e.to_string())?;
    }
    for _ in 0..WORKERS {
        ventilator.send("END", 0).map_err(|e| e.to_string())?;
    }
    tour::ventilated();

    let mut done = 0;
    for handle in workers {
        done += join(handle, "worker")?;
    }
    tour::pipeline_done(&join(sink_thread, "sink")?, done);
    Ok(())
}

/// A worker thread: takes tasks until END, sends `<name> <task>` to the sink.
fn work(ctx: &zmq::Context, pull: &str, push: &str, name: &str) -> Result<usize, String> {
    let tasks = cli::socket(ctx, zmq::PULL, TIMEOUT_MS).map_err(|e| e.to_string())?;
    let results = cli::socket(ctx, zmq::PUSH, TIMEOUT_MS).map_err(|e| e.to_string())?;
    tasks.connect(pull).map_err(|e| e.to_string())?;
    results.connect(push).map_err(|e| e.to_string())?;
    let mut done = 0;
    loop {
        let task = cli::recv_text(&tasks, "a task")?;
        if task == "END" {
            return Ok(done);
        }
        results
            .send(format!("{name} {task}").as_str(), 0)
            .map_err(cli::waiting_for("the sink"))?;
        done += 1;
    }
}

fn main() -> ExitCode {
    cli::main(USAGE, tour::parse, run)
}
