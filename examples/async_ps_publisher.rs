//! Publish-subscribe, the publisher, on async sockets: a PUB socket sends `message0` ...
//! `message9`, one a second, optionally after a synchronised start (`--sync`). Same arguments
//! and output as `ps_publisher`.
//!
//! ```text
//! cargo run --features tokio --example async_ps_publisher -- --sync tcp://*:5557 --subscribers 1
//! cargo run --example ps_subscriber -- --sync tcp://localhost:5557    # elsewhere
//! ```

#[path = "common/aio.rs"]
mod aio;
#[path = "common/async_sync.rs"]
mod async_sync;
#[path = "common/cli.rs"]
mod cli;
#[path = "common/sync.rs"]
mod sync;

use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "\
Usage: async_ps_publisher [--bind ENDPOINT] [--count N] [--interval-ms MS] [--prefix TEXT]
                          [--sync ENDPOINT [--subscribers K]] [--timeout-ms MS]

The PUB side of publish-subscribe, on a tokio runtime: publishes <prefix>0 ...
<prefix><N-1>. Without --sync it does not wait for anybody, so subscribers that connect
late miss the first messages.

Options:
  --bind ENDPOINT     where to publish (default tcp://*:5556)
  --count N           messages to publish (default 10)
  --interval-ms MS    pause between two messages (default 1000)
  --prefix TEXT       text before the message number (default \"message\")
  --sync ENDPOINT     also bind a REP socket here, and publish only after K subscribers
                      went through the start handshake: then nothing is lost
  --subscribers K     how many subscribers --sync waits for (default 1)
  --timeout-ms MS     how long --sync waits for them (default 60000)
  -h, --help          print this help

Prints `READY <endpoint>` (and `SYNC <endpoint>`) once bound, `SUBSCRIBER-READY <k>`,
`Sent: <text>` per message, `DONE <n>`.
";

struct Config {
    bind: String,
    count: u64,
    interval_ms: u64,
    prefix: String,
    sync: Option<String>,
    subscribers: usize,
    timeout_ms: i32,
}

fn parse(args: &mut cli::Args) -> Result<Config, String> {
    let mut config = Config {
        bind: "tcp://*:5556".to_owned(),
        count: 10,
        interval_ms: 1000,
        prefix: "message".to_owned(),
        sync: None,
        subscribers: 1,
        timeout_ms: 60_000,
    };
    while let Some(arg) = args.next()? {
        match arg.as_str() {
            "--bind" => config.bind = args.value(&arg)?,
            "--count" => config.count = args.number(&arg)?,
            "--interval-ms" => config.interval_ms = args.number(&arg)?,
            "--prefix" => config.prefix = args.value(&arg)?,
            "--sync" => config.sync = Some(args.value(&arg)?),
            "--subscribers" => config.subscribers = args.number_from(&arg, 1)?,
            "--timeout-ms" => config.timeout_ms = args.number_from(&arg, 1)?,
            other => return Err(cli::unexpected(other)),
        }
    }
    Ok(config)
}

/// Runs on a tokio runtime of its own (`#[tokio::main]` works on any function).
#[tokio::main]
async fn run(config: Config) -> cli::Outcome {
    let ctx = zmq::Context::new();
    let publisher = aio::socket(&ctx, zmq::PUB)?;
    println!("READY {}", cli::bind(&publisher.socket(), &config.bind)?);
    let token = sync::new_token();
    if let Some(endpoint) = &config.sync {
        let rep = aio::socket(&ctx, zmq::REP)?;
        println!("SYNC {}", cli::bind(&rep.socket(), endpoint)?);
        async_sync::wait_for_subscribers(
            &publisher,
            &rep,
            &token,
            config.subscribers,
            config.timeout_ms,
            |k| println!("SUBSCRIBER-READY {k}"),
        )
        .await?;
    }
    for i in 0..config.count {
        let text = format!("{}{i}", config.prefix);
        // A PUB socket never waits (it drops what a slow subscriber cannot take), so this
        // completes at once; the bound is there all the same.
        aio::send_text(&publisher, &text, config.timeout_ms, "a message to go out").await?;
        println!("Sent: {text}");
        if config.interval_ms > 0 && i + 1 < config.count {
            tokio::time::sleep(Duration::from_millis(config.interval_ms)).await;
        }
    }
    if config.sync.is_some() {
        let end = sync::end_marker(&token);
        aio::send_text(
            &publisher,
            &end,
            config.timeout_ms,
            "the end marker to go out",
        )
        .await?;
    }
    println!("DONE {}", config.count);
    Ok(())
}

fn main() -> ExitCode {
    cli::main(USAGE, parse, run)
}
