//! Pipeline, a worker: PULLs tasks from the ventilator, PUSHes results to the sink.

#[path = "common/cli.rs"]
mod cli;

use std::process::ExitCode;

const USAGE: &str = "\
Usage: pl_worker [--pull ENDPOINT] [--push ENDPOINT] [--name NAME] [--timeout-ms MS]

A worker of the pipeline: takes tasks from the ventilator and sends `<name> <task>` to the
sink for each, until it receives END.

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

fn run(config: Config) -> cli::Outcome {
    let ctx = zmq::Context::new();
    let tasks = cli::socket(&ctx, zmq::PULL, config.timeout_ms)?;
    let results = cli::socket(&ctx, zmq::PUSH, config.timeout_ms)?;
    results.set_linger(5_000)?;
    tasks
        .connect(&config.pull)
        .map_err(|e| format!("cannot connect {}: {e}", config.pull))?;
    results
        .connect(&config.push)
        .map_err(|e| format!("cannot connect {}: {e}", config.push))?;
    println!("READY {}", config.name);
    let mut done = 0;
    loop {
        let what = format!("a task (after {done})");
        let task = cli::recv_text(&tasks, &what)?;
        if task == "END" {
            break;
        }
        println!("Received task: {task}");
        results
            .send(format!("{} {task}", config.name).as_str(), 0)
            .map_err(cli::waiting_for("the sink to take a result"))?;
        done += 1;
    }
    println!("DONE {} {done}", config.name);
    Ok(())
}

fn main() -> ExitCode {
    cli::main(USAGE, parse, run)
}
