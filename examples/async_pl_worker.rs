//! Pipeline, a worker, on async sockets: PULLs tasks from the ventilator, PUSHes results to
//! the sink. Same arguments and output as `pl_worker`.

#[path = "common/aio.rs"]
mod aio;
#[path = "common/cli.rs"]
mod cli;

use std::process::ExitCode;

const USAGE: &str = "\
Usage: async_pl_worker [--pull ENDPOINT] [--push ENDPOINT] [--name NAME] [--timeout-ms MS]

A worker of the pipeline, on a tokio runtime: takes tasks from the ventilator and sends
`<name> <task>` to the sink for each, until it receives END.

Options:
  --pull ENDPOINT   the ventilator (default tcp://localhost:5557)
  --push ENDPOINT   the sink (default tcp://localhost:5558)
  --name NAME       reported with each result (default worker-<process id>)
  --timeout-ms MS   give up when no task arrives for this long (default 60000)
  -h, --help        print this help

Prints `READY <name>`, `Received task: <task>` per task, `DONE <name> <n>`.
";

struct Config {
    pull: String,
    push: String,
    name: String,
    timeout_ms: i32,
}

fn parse(args: &mut cli::Args) -> Result<Config, String> {
    let mut config = Config {
        pull: "tcp://localhost:5557".to_owned(),
        push: "tcp://localhost:5558".to_owned(),
        name: format!("worker-{}", std::process::id()),
        timeout_ms: 60_000,
    };
    while let Some(arg) = args.next()? {
        match arg.as_str() {
            "--pull" => config.pull = args.value(&arg)?,
            "--push" => config.push = args.value(&arg)?,
            "--name" => config.name = args.value(&arg)?,
            "--timeout-ms" => config.timeout_ms = args.number_from(&arg, 1)?,
            other => return Err(cli::unexpected(other)),
        }
    }
    if config.name.is_empty() || config.name.contains(char::is_whitespace) {
        return Err(format!("--name must be one word, not {:?}", config.name));
    }
    Ok(config)
}

/// Runs on a tokio runtime of its own (`#[tokio::main]` works on any function).
#[tokio::main]
async fn run(config: Config) -> cli::Outcome {
    let ctx = zmq::Context::new();
    let tasks = aio::socket(&ctx, zmq::PULL)?;
    let results = aio::socket(&ctx, zmq::PUSH)?;
    results.socket().set_linger(5_000)?;
    tasks
        .socket()
        .connect(&config.pull)
        .map_err(|e| format!("cannot connect {}: {e}", config.pull))?;
    results
        .socket()
        .connect(&config.push)
        .map_err(|e| format!("cannot connect {}: {e}", config.push))?;
    println!("READY {}", config.name);
    let mut done = 0;
    loop {
        let what = format!("a task (after {done})");
        let task = aio::recv_text(&tasks, config.timeout_ms, &what).await?;
        if task == "END" {
            break;
        }
        println!("Received task: {task}");
        let result = format!("{} {task}", config.name);
        aio::send_text(
            &results,
            &result,
            config.timeout_ms,
            "the sink to take a result",
        )
        .await?;
        done += 1;
    }
    println!("DONE {} {done}", config.name);
    Ok(())
}

fn main() -> ExitCode {
    cli::main(USAGE, parse, run)
}
