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

#[path = "common/aio.rs"]
mod aio;
#[path = "common/async_pipeline.rs"]
mod async_pipeline;
#[path = "common/async_sync.rs"]
mod async_sync;
#[path = "common/cli.rs"]
mod cli;
#[path = "common/pipeline.rs"]
mod pipeline;
#[path = "common/sync.rs"]
mod sync;

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::Duration;

use tokio::task::JoinHandle;
use zmq::asyncio::AsyncSocket;

const USAGE: &str = "\
Usage: async_patterns

Runs request-reply, publish-subscribe and pipeline in one process on async sockets, each
role a tokio task, on free ports of 127.0.0.1, and prints the conversation. Takes no
arguments.
";

/// Every receive and send gives up after this long, so a fault ends the run with an error.
const TIMEOUT_MS: i32 = 5_000;
const ANY_PORT: &str = "tcp://127.0.0.1:*";

fn parse(args: &mut cli::Args) -> Result<(), String> {
    match args.next()? {
        Some(arg) => Err(cli::unexpected(&arg)),
        None => Ok(()),
    }
}

/// Runs on a tokio runtime of its own (`#[tokio::main]` works on any function). Tasks still
/// running when it returns (only after an error) are dropped with the runtime.
#[tokio::main]
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
    let endpoint = cli::bind(&sock.socket(), ANY_PORT)?;
    Ok((sock, endpoint))
}

/// An async socket connected to `endpoint`.
fn connected(
    ctx: &zmq::Context,
    kind: zmq::SocketType,
    endpoint: &str,
) -> Result<AsyncSocket, String> {
    let sock = aio::socket(ctx, kind)?;
    sock.socket()
        .connect(endpoint)
        .map_err(|e| format!("cannot connect {endpoint}: {e}"))?;
    Ok(sock)
}

async fn request_reply(ctx: &zmq::Context) -> Result<(), String> {
    let (server, endpoint) = bound(ctx, zmq::REP)?;
    println!("== Request-reply: a REQ client asks a REP server on {endpoint}");

    let client = connected(ctx, zmq::REQ, &endpoint)?;
    let question = "Are you OK?";
    aio::send_text(&client, question, TIMEOUT_MS, "the request to go out").await?;
    println!("  client -> {question:?}");
    // Strictly one question, one answer: asking again before the answer is an error, and
    // an async send reports it at once instead of waiting.
    match client.send(question, 0).await {
        Err(e) if e == zmq::Error::EFSM => {
            println!("  client -> {question:?} again, before the answer: EFSM ({e})")
        }
        other => return Err(format!("a second send on REQ gave {other:?}, not EFSM")),
    }

    let server_task = tokio::spawn(async move {
        let request = aio::recv_text(&server, TIMEOUT_MS, "a request").await?;
        aio::send_text(&server, "I am OK!", TIMEOUT_MS, "the reply to go out").await?;
        Ok(request)
    });
    let reply = aio::recv_text(&client, TIMEOUT_MS, "the reply").await?;
    let request = join(server_task, "server").await?;
    println!("  server <- {request:?}");
    println!("  server -> \"I am OK!\"");
    println!("  client <- {reply:?}");
    Ok(())
}

async fn publish_subscribe(ctx: &zmq::Context) -> Result<(), String> {
    let (publisher, endpoint) = bound(ctx, zmq::PUB)?;
    let (sync_socket, sync_endpoint) = bound(ctx, zmq::REP)?;
    println!("\n== Publish-subscribe: a PUB on {endpoint}, two SUBs");
    println!("   (start synchronised through {sync_endpoint}, so no subscriber misses a message)");

    let topics = ["", "message1"];
    let subscribers: Vec<_> = topics
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
        topics.len(),
        TIMEOUT_MS,
        |_| {},
    )
    .await?;
    let sent: Vec<String> = (0..10).map(|i| format!("message{i}")).collect();
    for text in &sent {
        aio::send_text(&publisher, text, TIMEOUT_MS, "a message to go out").await?;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let end = sync::end_marker(&token);
    aio::send_text(&publisher, &end, TIMEOUT_MS, "the end marker to go out").await?;
    println!("  publisher -> {}", sent.join(" "));

    for (topic, handle) in topics.iter().zip(subscribers) {
        let got = join(handle, "subscriber").await?;
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
    const WORKERS: usize = 3;
    const TASKS: usize = 12;
    let (sink, sink_endpoint) = bound(ctx, zmq::PULL)?;
    let ventilator = aio::socket(ctx, zmq::PUSH)?;
    let monitor = async_pipeline::watch(ctx, &ventilator, TIMEOUT_MS)?;
    let endpoint = cli::bind(&ventilator.socket(), ANY_PORT)?;
    println!(
        "\n== Pipeline: a PUSH ventilator on {endpoint}, {WORKERS} workers, a PULL sink on \
         {sink_endpoint}"
    );

    let sink_task = tokio::spawn(async move {
        let mut by_worker: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for _ in 0..TASKS {
            let result = aio::recv_text(&sink, TIMEOUT_MS, "a result").await?;
            let (worker, task) = result
                .split_once(' ')
                .ok_or_else(|| format!("malformed result {result:?}"))?;
            by_worker
                .entry(worker.to_owned())
                .or_default()
                .push(task.to_owned());
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
    println!(
        "  ventilator -> task0 ... task{} round robin, then END to each worker",
        TASKS - 1
    );

    let mut done = 0;
    for handle in workers {
        done += join(handle, "worker").await?;
    }
    let by_worker = join(sink_task, "sink").await?;
    for (worker, tasks) in &by_worker {
        println!("  {worker} did {}", tasks.join(" "));
    }
    println!("  sink <- {done} results from {} workers", by_worker.len());
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
    cli::main(USAGE, parse, run)
}
