//! Pipeline, the ventilator, on async sockets: a PUSH socket hands tasks to the workers,
//! round robin. Same arguments and output as `pl_ventilator`.
//!
//! ```text
//! cargo run --features tokio --example async_pl_sink &
//! cargo run --features tokio --example async_pl_ventilator -- --workers 2 &
//! cargo run --features tokio --example async_pl_worker & cargo run --example pl_worker
//! ```

#[path = "common/aio.rs"]
mod aio;
#[path = "common/async_pipeline.rs"]
mod async_pipeline;
#[path = "common/cli.rs"]
mod cli;
#[path = "common/pipeline.rs"]
mod pipeline;

use std::process::ExitCode;

const USAGE: &str = "\
Usage: async_pl_ventilator [--bind ENDPOINT] [--tasks N] [--workers K] [--timeout-ms MS]

The PUSH side of the pipeline, on a tokio runtime: waits until K workers are connected,
deals the tasks task0 ... task<N-1> out among them, round robin, and then one END to each
worker.

Options:
  --bind ENDPOINT   where the workers connect (default tcp://*:5557)
  --tasks N         tasks to hand out (default 100)
  --workers K       workers to wait for (default 2)
  --timeout-ms MS   how long to wait for them (default 60000)
  -h, --help        print this help

Prints `READY <endpoint>` once bound, `WORKER-CONNECTED <k>`, `Sent: <task>`, `DONE <n>`.
";

struct Config {
    bind: String,
    tasks: u64,
    workers: usize,
    timeout_ms: i32,
}

fn parse(args: &mut cli::Args) -> Result<Config, String> {
    let mut config = Config {
        bind: "tcp://*:5557".to_owned(),
        tasks: 100,
        workers: 2,
        timeout_ms: 60_000,
    };
    while let Some(arg) = args.next()? {
        match arg.as_str() {
            "--bind" => config.bind = args.value(&arg)?,
            "--tasks" => config.tasks = args.number(&arg)?,
            "--workers" => config.workers = args.number_from(&arg, 1)?,
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
    let push = aio::socket(&ctx, zmq::PUSH)?;
    push.socket().set_linger(5_000)?;
    let monitor = async_pipeline::watch(&ctx, &push, config.timeout_ms)?;
    println!("READY {}", cli::bind(&push.socket(), &config.bind)?);
    async_pipeline::wait_for_workers(&push, &monitor, config.workers, config.timeout_ms, |k| {
        println!("WORKER-CONNECTED {k}")
    })
    .await?;
    for i in 0..config.tasks {
        let task = format!("task{i}");
        aio::send_text(&push, &task, config.timeout_ms, "a worker to take a task").await?;
        println!("Sent: {task}");
    }
    for _ in 0..config.workers {
        aio::send_text(&push, "END", config.timeout_ms, "a worker to take END").await?;
    }
    println!("DONE {}", config.tasks);
    Ok(())
}

fn main() -> ExitCode {
    cli::main(USAGE, parse, run)
}
