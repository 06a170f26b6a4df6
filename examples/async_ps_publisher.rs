//! Publish-subscribe, the publisher, on async sockets: a PUB socket sends `message0` ...
//! `message9`, one a second, optionally after a synchronised start (`--sync`). Same arguments
//! and output as `ps_publisher`.
//!
//! ```text
//! cargo run --features tokio --example async_ps_publisher -- --sync tcp://*:5557 --subscribers 1
//! cargo run --example ps_subscriber -- --sync tcp://localhost:5557    # elsewhere
//! ```

#[path = "common/mod.rs"]
mod common;

use std::process::ExitCode;
use std::time::Duration;

use common::roles::ps_publisher::{parse, Config, USAGE};
use common::{aio, async_sync, cli, sync};

async fn run(config: Config) -> cli::Outcome {
    let ctx = zmq::Context::new();
    let publisher = aio::socket(&ctx, zmq::PUB)?;
    println!("READY {}", aio::bind(&publisher, &config.bind)?);
    let token = sync::new_token();
    if let Some(endpoint) = &config.sync {
        let rep = aio::socket(&ctx, zmq::REP)?;
        println!("SYNC {}", aio::bind(&rep, endpoint)?);
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
    aio::main(&USAGE.text(cli::Runtime::Tokio), parse, run)
}
