//! Publish-subscribe, the publisher: a PUB socket sends `message0` ... `message9`, one a
//! second, to whoever is subscribed, optionally after a synchronised start (`--sync`).
//!
//! ```text
//! cargo run --example ps_publisher -- --sync tcp://*:5557 --subscribers 1
//! cargo run --example ps_subscriber -- --sync tcp://localhost:5557    # elsewhere
//! ```

#[path = "common/mod.rs"]
mod common;

use std::process::ExitCode;
use std::time::Duration;

use common::roles::ps_publisher::{parse, Config, USAGE};
use common::{cli, sync};

fn run(config: Config) -> cli::Outcome {
    let ctx = zmq::Context::new();
    let publisher = cli::socket(&ctx, zmq::PUB, config.timeout_ms)?;
    println!("READY {}", cli::bind(&publisher, &config.bind)?);
    let token = sync::new_token();
    if let Some(endpoint) = &config.sync {
        let rep = cli::socket(&ctx, zmq::REP, config.timeout_ms)?;
        println!("SYNC {}", cli::bind(&rep, endpoint)?);
        sync::wait_for_subscribers(
            &publisher,
            &rep,
            &token,
            config.subscribers,
            config.timeout_ms,
            |k| println!("SUBSCRIBER-READY {k}"),
        )?;
    }
    for i in 0..config.count {
        let text = format!("{}{i}", config.prefix);
        publisher.send(text.as_str(), 0)?;
        println!("Sent: {text}");
        if config.interval_ms > 0 && i + 1 < config.count {
            std::thread::sleep(Duration::from_millis(config.interval_ms));
        }
    }
    if config.sync.is_some() {
        publisher.send(sync::end_marker(&token).as_str(), 0)?;
    }
    println!("DONE {}", config.count);
    Ok(())
}

fn main() -> ExitCode {
    cli::main(&USAGE.text(cli::Runtime::Blocking), parse, run)
}
