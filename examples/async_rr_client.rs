//! Request-reply, the client, on async sockets: a REQ socket asks, and the task waits for
//! each answer in tokio's reactor. Same arguments and output as `rr_client`.
//!
//! ```text
//! cargo run --features tokio --example async_rr_client -- --connect tcp://localhost:5555 --count 3
//! ```

#[path = "common/mod.rs"]
mod common;

use std::process::ExitCode;

use common::roles::rr_client::{parse, Config, USAGE};
use common::{aio, cli};

async fn run(config: Config) -> cli::Outcome {
    let ctx = zmq::Context::new();
    let client = aio::socket(&ctx, zmq::REQ)?;
    aio::connect(&client, &config.connect)?;
    for i in 0..config.count {
        let request = cli::fill(&config.request, &i.to_string());
        println!("Sending request: {request}");
        aio::send_text(
            &client,
            &request,
            config.timeout_ms,
            "the request to go out",
        )
        .await?;
        let reply = aio::recv_text(&client, config.timeout_ms, "the reply").await?;
        println!("Received reply: {reply}");
    }
    println!("DONE {}", config.count);
    Ok(())
}

fn main() -> ExitCode {
    aio::main(&USAGE.text(cli::Runtime::Tokio), parse, run)
}
