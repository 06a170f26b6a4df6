//! Publish-subscribe, the subscriber, on async sockets: a SUB socket connects to one or more
//! publishers and prints what matches its topic prefix. Same arguments and output as
//! `ps_subscriber`.
//!
//! ```text
//! cargo run --features tokio --example async_ps_subscriber               # everything from tcp://localhost:5556
//! cargo run --features tokio --example async_ps_subscriber -- message1   # only message1, message10, ...
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

const USAGE: &str = "\
Usage: async_ps_subscriber [--connect ENDPOINT]... [--sync ENDPOINT]... [--count N]
                           [--timeout-ms MS] [TOPIC]

The SUB side of publish-subscribe, on a tokio runtime: receives what starts with TOPIC
(default: everything) from every publisher it connects to.

Options:
  --connect ENDPOINT  a publisher; repeat for several (default tcp://localhost:5556)
  --sync ENDPOINT     a publisher's --sync endpoint; repeat per publisher. Runs the start
                      handshake, so nothing published is missed, and stops when every
                      publisher has finished
  --count N           stop after N messages (default 10; with --sync, no limit)
  --timeout-ms MS     give up when no message arrives for this long (default 10000)
  -h, --help          print this help

Prints `SYNCED <token>` per synchronised publisher, `Received: <text>` per message,
`DONE <n>`.
";

struct Config {
    connect: Vec<String>,
    sync: Vec<String>,
    count: Option<u64>,
    timeout_ms: i32,
    topic: String,
}

fn parse(args: &mut cli::Args) -> Result<Config, String> {
    let mut config = Config {
        connect: Vec::new(),
        sync: Vec::new(),
        count: None,
        timeout_ms: 10_000,
        topic: String::new(),
    };
    let mut topic = None;
    while let Some(arg) = args.next()? {
        match arg.as_str() {
            "--connect" => config.connect.push(args.value(&arg)?),
            "--sync" => config.sync.push(args.value(&arg)?),
            "--count" => config.count = Some(args.number(&arg)?),
            "--timeout-ms" => config.timeout_ms = args.number_from(&arg, 1)?,
            other if other.starts_with('-') => return Err(cli::unexpected(other)),
            other if topic.is_none() => topic = Some(other.to_owned()),
            other => return Err(cli::unexpected(other)),
        }
    }
    if config.connect.is_empty() {
        config.connect.push("tcp://localhost:5556".to_owned());
    }
    if config.count.is_none() && config.sync.is_empty() {
        config.count = Some(10);
    }
    config.topic = topic.unwrap_or_default();
    Ok(config)
}

/// Runs on a tokio runtime of its own (`#[tokio::main]` works on any function).
#[tokio::main]
async fn run(config: Config) -> cli::Outcome {
    let ctx = zmq::Context::new();
    let subscriber = aio::socket(&ctx, zmq::SUB)?;
    {
        let sock = subscriber.socket();
        // Nothing outgoing matters at the end (a SUB socket would otherwise keep its
        // subscriptions for a reconnect to a publisher that is gone, delaying the exit).
        sock.set_linger(0)?;
        // The topic first: with --sync, the control prefix follows it on the same connection.
        sock.set_subscribe(config.topic.as_bytes())?;
        for endpoint in &config.connect {
            sock.connect(endpoint)
                .map_err(|e| format!("cannot connect {endpoint}: {e}"))?;
        }
        // The guard goes out of scope here: it must not be held across an `.await`.
    }
    let mut handshake = if config.sync.is_empty() {
        None
    } else {
        Some(
            async_sync::Subscription::start(&ctx, &subscriber, &config.sync, config.timeout_ms)
                .await?,
        )
    };

    let mut received = 0;
    loop {
        if config.count.is_some_and(|n| received >= n)
            || handshake.as_ref().is_some_and(|h| h.all_ended())
        {
            break;
        }
        let what = format!("a message (after {received})");
        let text = aio::recv_text(&subscriber, config.timeout_ms, &what).await?;
        if let Some(handshake) = &mut handshake {
            let (control, synced) = handshake.handle(&text).await?;
            if let Some(token) = synced {
                println!("SYNCED {token}");
            }
            if control {
                continue;
            }
        }
        received += 1;
        println!("Received: {text}");
    }
    println!("DONE {received}");
    Ok(())
}

fn main() -> ExitCode {
    cli::main(USAGE, parse, run)
}
