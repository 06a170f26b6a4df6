//! Request-reply, the server: a REP socket answers each request.
//!
//! ```text
//! cargo run --example rr_server                    # then, elsewhere: cargo run --example rr_client
//! ```

#[path = "common/cli.rs"]
mod cli;

use std::process::ExitCode;

const USAGE: &str = "\
Usage: rr_server [--bind ENDPOINT] [--count N] [--reply TEXT] [--timeout-ms MS]

The REP side of request-reply: binds, then answers N requests, one at a time.

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
    cli::main(USAGE, parse, run)
}
