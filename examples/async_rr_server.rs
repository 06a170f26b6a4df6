//! Request-reply, the server, on async sockets: a REP socket answers each request while the
//! task waits in tokio's reactor instead of blocking its thread. Same arguments and output
//! as `rr_server`.
//!
//! ```text
//! cargo run --features tokio --example async_rr_server    # then: cargo run --example rr_client
//! ```

#[path = "common/aio.rs"]
mod aio;
#[path = "common/cli.rs"]
mod cli;

use std::process::ExitCode;

const USAGE: &str = "\
Usage: async_rr_server [--bind ENDPOINT] [--count N] [--reply TEXT] [--timeout-ms MS]

The REP side of request-reply, on a tokio runtime: binds, then answers N requests, one at
a time.

Options:
  --bind ENDPOINT   where to listen (default tcp://*:5555; tcp://127.0.0.1:* picks a free port)
  --count N         requests to answer before exiting (default 1)
  --reply TEXT      the answer; {} stands for the request text (default \"I am OK!\")
  --timeout-ms MS   give up when no request arrives for this long (default 60000)
  -h, --help        print this help

Prints `READY <endpoint>` once bound, `Received request: <text>` per request, `DONE <n>`.
";

struct Config {
    bind: String,
    count: u64,
    reply: String,
    timeout_ms: i32,
}

fn parse(args: &mut cli::Args) -> Result<Config, String> {
    let mut config = Config {
        bind: "tcp://*:5555".to_owned(),
        count: 1,
        reply: "I am OK!".to_owned(),
        timeout_ms: 60_000,
    };
    while let Some(arg) = args.next()? {
        match arg.as_str() {
            "--bind" => config.bind = args.value(&arg)?,
            "--count" => config.count = args.number(&arg)?,
            "--reply" => config.reply = args.value(&arg)?,
            "--timeout-ms" => config.timeout_ms = args.number_from(&arg, 1)?,
            other => return Err(cli::unexpected(other)),
        }
    }
    Ok(config)
}

/// `#[tokio::main]` on a function other than `main` gives it a runtime of its own for the
/// duration of the call, so the argument handling in `cli::main` stays the same.
#[tokio::main]
async fn run(config: Config) -> cli::Outcome {
    let ctx = zmq::Context::new();
    let server = aio::socket(&ctx, zmq::REP)?;
    println!("READY {}", cli::bind(&server.socket(), &config.bind)?);
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
    cli::main(USAGE, parse, run)
}
