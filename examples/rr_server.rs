//! Request-reply, the server: a REP socket answers each request.
//!
//! ```text
//! cargo run --example rr_server                    # then, elsewhere: cargo run --example rr_client
//! ```

#[path = "common/mod.rs"]
mod common;

use std::process::ExitCode;

use common::cli;
use common::roles::rr_server::{parse, Config, USAGE};

fn run(config: Config) -> cli::Outcome {
    let ctx = zmq::Context::new();
    let server = cli::socket(&ctx, zmq::REP, config.timeout_ms)?;
    println!("READY {}", cli::bind(&server, &config.bind)?);
    for _ in 0..config.count {
        let request = cli::recv_text(&server, "a request")?;
        println!("Received request: {request}");
        let reply = cli::fill(&config.reply, &request);
        server
            .send(reply.as_str(), 0)
            .map_err(cli::waiting_for("the reply to go out"))?;
    }
    println!("DONE {}", config.count);
    Ok(())
}

fn main() -> ExitCode {
    cli::main(&USAGE.text(cli::Runtime::Blocking), parse, run)
}
