//! Request-reply, the client: a REQ socket asks, and waits for each answer.
//!
//! ```text
//! cargo run --example rr_client -- --connect tcp://localhost:5555 --count 3
//! ```

#[path = "common/mod.rs"]
mod common;

use std::process::ExitCode;

use common::cli;
use common::roles::rr_client::{parse, Config, USAGE};

fn run(config: Config) -> cli::Outcome {
    let ctx = zmq::Context::new();
    let client = cli::socket(&ctx, zmq::REQ, config.timeout_ms)?;
    cli::connect(&client, &config.connect)?;
    for i in 0..config.count {
        let request = cli::fill(&config.request, &i.to_string());
        println!("Sending request: {request}");
        client
            .send(request.as_str(), 0)
            .map_err(cli::waiting_for("the request to go out"))?;
        let reply = cli::recv_text(&client, "the reply")?;
        println!("Received reply: {reply}");
    }
    println!("DONE {}", config.count);
    Ok(())
}

fn main() -> ExitCode {
    cli::main(&USAGE.text(cli::Runtime::Blocking), parse, run)
}
