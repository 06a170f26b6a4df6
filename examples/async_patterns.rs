//! The three classic ZeroMQ patterns in one process, on async sockets: request-reply,
//! publish-subscribe and pipeline, each role a tokio task, on free local TCP ports.
//!
//! ```text
//! cargo run --features tokio --example async_patterns
//! ```
//!
//! The same conversation as the `patterns` example, which runs each role on a thread of its
//! own with blocking sockets. Each role also exists as an async program of its own
//! (`async_rr_server`, `async_rr_client`, `async_ps_publisher`, `async_ps_subscriber`,
//! `async_pl_ventilator`, `async_pl_worker`, `async_pl_sink`).

#[path = "common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::Duration;

use common::{aio, async_pipeline, async_sync, cli, sync, tour};
use tokio::task::JoinHandle;
use tour::{ANY_PORT, TIMEOUT_MS};
use zmq::asyncio::AsyncSocket;

const USAGE: &str = "\
Usage: async_patterns

Runs request-reply, publish-subscribe and pipeline in one process on async sockets, each
role a tokio task, on free ports of 127.0.0.1, and prints the conversation. Takes no
arguments.
";

/// Runs on a tokio runtime of its own (see `aio::main`). Tasks still running when it returns
/// (only after an error) are dropped with the runtime.
async fn run((): ()) -> cli::Outcome {
    let ctx = zmq::Context::new();
    request_reply(&ctx).await?;
    publish_subscribe(&ctx).await?;
    pipeline(&ctx).await?;
    println!("\nAll three patterns ran to the end (async).");
    Ok(())
}

/// Waits for a role's task and hands back its result.
async fn join<T>(handle: JoinHandle<Result<T, String>>, role: &str) -> Result<T, String> {
    handle
        .await
        .map_err(|e| format!("the {role} task failed: {e}"))?
}

/// A bound async socket and the endpoint it got.
fn bound(ctx: &zmq::Context, kind: zmq::SocketType) -> Result<(AsyncSocket, String), String> {
    let sock = aio::socket(ctx, kind)?;
    let endpoint = aio::bind(&sock, ANY_PORT)?;
    Ok((sock, endpoint))
}

/// An async socket connected to `endpoint`.
fn connected(
    ctx: &zmq::Context,
    kind: zmq::SocketType,
    endpoint: &str,
) -> Result<AsyncSocket, String> {
    let sock = aio::socket(ctx, kind)?;
    aio::connect(&sock, endpoint)?;
    Ok(sock)
}

async fn request_reply(ctx: &zmq::Context) -> Result<(), String> {
    let (server, endpoint) = bound(ctx, zmq::REP)?;
    tour::request_reply_header(&endpoint);

    let client = connected(ctx, zmq::REQ, &endpoint)?;
    aio::send_text(&client, tour::QUESTION, TIMEOUT_MS, "the request to go out").await?;
    tour::asked();
    // Strictly one question, one answer: asking again before the answer is an error, and
    // an async send reports it at once instead of waiting.
    match client.send(tour::QUESTION, 0).await {
        Err(e) if e == zmq::Error::EFSM => tour::asked_again(e),
        other => return Err(tour::not_efsm(&other)),
    }

    let server_task = tokio::spawn(async move {
        let request = aio::recv_text(&server, TIMEOUT_MS, "a request").await?;
        aio::send_text(&server, tour::ANSWER, TIMEOUT_MS, "the reply to go out").await?;
        Ok(request)
    });
    let reply = aio::recv_text(&client, TIMEOUT_MS, "the reply").await?;
    let request = join(server_task, "server").await?;
    tour::request_reply_done(&request, &reply);
    Ok(())
}

async fn publish_subscribe(ctx: &zmq::Context) -> Result<(), String> {
    let (publisher, endpoint) = bound(ctx, zmq::PUB)?;
    let (sync_socket, sync_endpoint) = bound(ctx, zmq::REP)?;
    tour::publish_subscribe_header(&endpoint, &sync_endpoint);

    let subscribers: Vec<_> = tour::TOPICS
        .iter()
        .map(|&topic| {
            let (ctx, endpoint, sync_endpoint) =
                (ctx.clone(), endpoint.clone(), sync_endpoint.clone());
            tokio::spawn(async move { subscribe(&ctx, &endpoint, &sync_endpoint, topic).await })
        })
        .collect();

    let token = sync::new_token();
    async_sync::wait_for_subscribers(
        &publisher,
        &sync_socket,
        &token,
        tour::TOPICS.len(),
        TIMEOUT_MS,
        |_| {},
    )
    .await?;
    let sent = tour::messages();
    for text in &sent {
        aio::send_text(&publisher, text, TIMEOUT_MS, "a message to go out").await?;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let end = sync::end_marker(&token);
    aio::send_text(&publisher, &end, TIMEOUT_MS, "the end marker to go out").await?;
    tour::published(&sent);

    for (topic, handle) in tour::TOPICS.iter().zip(subscribers) {
        tour::subscriber_got(topic, &join(handle, "subscriber").await?);
    }
    Ok(())
}

/// A subscriber task: receives everything under `topic` until the publisher ends.
async fn subscribe(
    ctx: &zmq::Context,
    endpoint: &str,
    sync_endpoint: &str,
    topic: &str,
) -> Result<Vec<String>, String> {
    let sub = aio::socket(ctx, zmq::SUB)?;
    {
        let sock = sub.socket();
        sock.set_linger(0).map_err(|e| e.to_string())?;
        sock.set_subscribe(topic.as_bytes())
            .map_err(|e| e.to_string())?;
        sock.connect(endpoint).map_err(|e| e.to_string())?;
    }
    let mut handshake =
        async_sync::Subscription::start(ctx, &sub, &[sync_endpoint.to_owned()], TIMEOUT_MS).await?;
    let mut got = Vec::new();
    while !handshake.all_ended() {
        let text = aio::recv_text(&sub, TIMEOUT_MS, "a published message").await?;
        if !handshake.handle(&text).await?.0 {
            got.push(text);
        }
    }
    Ok(got)
}

async fn pipeline(ctx: &zmq::Context) -> Result<(), String> {
    use tour::{TASKS, WORKERS};
    let (sink, sink_endpoint) = bound(ctx, zmq::PULL)?;
    let ventilator = aio::socket(ctx, zmq::PUSH)?;
    let monitor = async_pipeline::watch(ctx, &ventilator, TIMEOUT_MS)?;
    let endpoint = aio::bind(&ventilator, ANY_PORT)?;
    tour::pipeline_header(&endpoint, &sink_endpoint);

    let sink_task = tokio::spawn(async move {
        let mut by_worker = BTreeMap::new();
        for _ in 0..TASKS {
            let result = aio::recv_text(&sink, TIMEOUT_MS, "a result").await?;
            tour::record(&mut by_worker, &result)?;
        }
        Ok(by_worker)
    });
    let workers: Vec<_> = (1..=WORKERS)
        .map(|n| {
            let (ctx, pull, push) = (ctx.clone(), endpoint.clone(), sink_endpoint.clone());
            tokio::spawn(async move { work(&ctx, &pull, &push, &format!("worker-{n}")).await })
        })
        .collect();

    // Only when every worker is connected does round robin share the tasks evenly.
    async_pipeline::wait_for_workers(&ventilator, &monitor, WORKERS, TIMEOUT_MS, |_| {}).await?;
    for i in 0..TASKS {
        let task = format!("task{i}");
        aio::send_text(&ventilator, &task, TIMEOUT_MS, "a worker to take a task").await?;
    }
    for _ in 0..WORKERS {
        aio::send_text(&ventilator, "END", TIMEOUT_MS, "a worker to take END").await?;
    }
    tour::ventilated();

    let mut done = 0;
    for handle in workers {
        done += join(handle, "worker").await?;
    }
    tour::pipeline_done(&join(sink_task, "sink").await?, done);
    Ok(())
}

/// A worker task: takes tasks until END, sends `<name> <task>` to the sink.
async fn work(ctx: &zmq::Context, pull: &str, push: &str, name: &str) -> Result<usize, String> {
    let tasks = connected(ctx, zmq::PULL, pull)?;
    let results = connected(ctx, zmq::PUSH, push)?;
    let mut done = 0;
    loop {
        let task = aio::recv_text(&tasks, TIMEOUT_MS, "a task").await?;
        if task == "END" {
            return Ok(done);
        }
        let result = format!("{name} {task}");
        aio::send_text(&results, &result, TIMEOUT_MS, "the sink").await?;
        done += 1;
    }
}

fn main() -> ExitCode {
    aio::main(USAGE, tour::parse, run)
}
