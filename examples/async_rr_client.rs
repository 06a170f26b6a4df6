//! Request-reply, the client, on async sockets: a REQ socket asks, and the task waits for
//! each answer in tokio's reactor. Same arguments and output as `rr_client`.
//!
//! ```text
//! cargo run --features tokio --example async_rr_client -- --connect tcp://localhost:5555 --count 3
//! ```

#[path = "common/aio.rs"]
mod aio;
#[path = "common/cli.rs"]
mod cli;

use std::process::ExitCode;

const USAGE: &str = "\
Usage: async_rr_client [--connect ENDPOINT] [--count N] [--request TEXT] [--timeout-ms MS]

The REQ side of request-reply, on a tokio runtime: sends N requests, each only after the
previous answer (a REQ socket that sends twice in a row gets EFSM).

Options:
  --connect ENDPOINT  the server (default tcp://localhost:5555)
  --count N           requests to send (default 1)
  --request TEXT      the request; {} stands for its number 0, 1, ... (default \"Are you OK?\")
  --timeout-ms MS     give up when an answer takes longer (default 10000)
  -h, --help          print this help

Prints `Sending request: <text>` and `Received reply: <text>` per request, then `DONE <n>`.
";

struct Config {
    connect: String,
    count: u64,
    request: String,
    timeout_ms: i32,
}

fn parse(args: &mut cli::Args) -> Result<Config, String> {
    let mut config = Config {
        connect: "tcp://localhost:5555".to_owned(),
        count: 1,
        request: "Are you OK?".to_owned(),
        timeout_ms: 10_000,
    };
    while let Some(arg) = args.next()? {
        match arg.as_str() {
            "--connect" => config.connect = args.value(&arg)?,
            "--count" => config.count = args.number(&arg)?,
            "--request" => config.request = args.value(&arg)?,
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
    let client = aio::socket(&ctx, zmq::REQ)?;
    client
        .socket()
        .connect(&config.connect)
        .map_err(|e| format!("cannot connect {}: {e}", config.connect))?;
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
    cli::main(USAGE, parse, run)
}
