//! Publish-subscribe, the subscriber: a SUB socket connects to one or more publishers and
//! prints what matches its topic prefix.
//!
//! ```text
//! cargo run --example ps_subscriber                      # everything from tcp://localhost:5556
//! cargo run --example ps_subscriber -- message1          # only message1, message10, ...
//! ```

#[path = "common/mod.rs"]
mod common;

use std::process::ExitCode;

use common::roles::ps_subscriber::{parse, show, Config, USAGE};
use common::{cli, sync};

fn run(config: Config) -> cli::Outcome {
    let ctx = zmq::Context::new();
    let subscriber = cli::socket(&ctx, zmq::SUB, config.timeout_ms)?;
    // Nothing outgoing matters at the end (a SUB socket would otherwise keep its
    // subscriptions for a reconnect to a publisher that is gone, delaying the exit).
    subscriber.set_linger(0)?;
    // The topic first: with --sync, the control prefix follows it on the same connection.
    subscriber.set_subscribe(config.topic.as_bytes())?;
    for endpoint in &config.connect {
        cli::connect(&subscriber, endpoint)?;
    }
    let mut handshake = if config.sync.is_empty() {
        None
    } else {
        Some(sync::Subscription::start(
            &ctx,
            &subscriber,
            &config.sync,
            config.timeout_ms,
        )?)
    };

    let mut received = 0;
    while !(config.count.is_some_and(|n| received >= n)
        || handshake.as_ref().is_some_and(|h| h.all_ended()))
    {
        let what = format!("a message (after {received})");
        let text = cli::recv_text(&subscriber, &what)?;
        let handled = match &mut handshake {
            Some(handshake) => handshake.handle(&text)?,
            None => (false, None),
        };
        show(&mut received, &text, handled);
    }
    println!("DONE {received}");
    Ok(())
}

fn main() -> ExitCode {
    cli::main(&USAGE.text(cli::Runtime::Blocking), parse, run)
}
