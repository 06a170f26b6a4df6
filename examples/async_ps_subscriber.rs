//! Publish-subscribe, the subscriber, on async sockets: a SUB socket connects to one or more
//! publishers and prints what matches its topic prefix. Same arguments and output as
//! `ps_subscriber`.
//!
//! ```text
//! cargo run --features tokio --example async_ps_subscriber               # everything from tcp://localhost:5556
//! cargo run --features tokio --example async_ps_subscriber -- message1   # only message1, message10, ...
//! ```

#[path = "common/mod.rs"]
mod common;

use std::process::ExitCode;

use common::roles::ps_subscriber::{parse, show, Config, USAGE};
use common::{aio, async_sync, cli};

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
            cli::connect(&sock, endpoint)?;
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
    while !(config.count.is_some_and(|n| received >= n)
        || handshake.as_ref().is_some_and(|h| h.all_ended()))
    {
        let what = format!("a message (after {received})");
        let text = aio::recv_text(&subscriber, config.timeout_ms, &what).await?;
        let handled = match &mut handshake {
            Some(handshake) => handshake.handle(&text).await?,
            None => (false, None),
        };
        show(&mut received, &text, handled);
    }
    println!("DONE {received}");
    Ok(())
}

fn main() -> ExitCode {
    aio::main(&USAGE.text(cli::Runtime::Tokio), parse, run)
}
