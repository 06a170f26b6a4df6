//! Pipeline, the ventilator: a PUSH socket hands tasks to the workers, round robin.
//!
//! ```text
//! cargo run --example pl_sink &
//! cargo run --example pl_ventilator -- --workers 2 &
//! cargo run --example pl_worker & cargo run --example pl_worker
//! ```

#[path = "common/cli.rs"]
mod cli;
#[path = "common/pipeline.rs"]
mod pipeline;

use std::process::ExitCode;

const USAGE: &str = "\
Usage: pl_ventilator [--bind ENDPOINT] [--tasks N] [--workers K] [--timeout-ms MS]

The PUSH side of the pipeline: waits until K workers are connected, deals the tasks
task0 ... task<N-1> out among them, round robin, and then one END to each worker.

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

fn run(config: Config) -> cli::Outcome {
    let ctx = zmq::Context::new();
    let push = cli::socket(&ctx, zmq::PUSH, config.timeout_ms)?;
    push.set_linger(5_000)?;
    let monitor = pipeline::watch(&ctx, &push, config.timeout_ms)?;
    println!("READY {}", cli::bind(&push, &config.bind)?);
    pipeline::wait_for_workers(&push, &monitor, config.workers, |k| {
        println!("WORKER-CONNECTED {k}")
    })?;
    for i in 0..config.tasks {
        let task = format!("task{i}");
        push.send(task.as_str(), 0)
            .map_err(cli::waiting_for("a worker to take a task"))?;
        println!("Sent: {task}");
    }
    for _ in 0..config.workers {
        push.send("END", 0)
            .map_err(cli::waiting_for("a worker to take END"))?;
    }
    println!("DONE {}", config.tasks);
    Ok(())
}

fn main() -> ExitCode {
    cli::main(USAGE, parse, run)
}
