//! Request-reply, the server, on async sockets: a REP socket answers each request while the
//! task waits in tokio's reactor instead of blocking its thread. Same arguments and output
//! as `rr_server`.
//!
//! ```text
//! cargo run --features tokio --example async_rr_server    # then: cargo run --example rr_client
//! ```

#[path = "common/mod.rs"]
mod common;

use std::process::ExitCode;

use common::roles::rr_server::{parse, Config, USAGE};
use common::{aio, cli};

async fn run(config: Config) -> cli::Outcome {
    let ctx = zmq::Context::new();
    let server = aio::socket(&ctx, zmq::REP)?;
    println!("READY {}", aio::bind(&server, &config.bind)?);
    for _ in 0..config.count {
        let request = aio::recv_text(&server, config.timeout_ms, "a request").await?;
        println!("Received request: {request}");
        let reply = cli::fill(&config.reply, &request);
        aio::send_text(&server, &reply, config.timeout_ms, "the reply to go out").await?;
    }
    println!("DONE {}", config.count);
    Ok(())
}

fn main() -> ExitCode {
    aio::main(&USAGE.text(cli::Runtime::Tokio), parse, run)
}
