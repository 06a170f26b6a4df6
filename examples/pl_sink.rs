//! Pipeline, the sink: a PULL socket collects the results of all workers.

#[path = "common/cli.rs"]
mod cli;

use std::collections::BTreeMap;
use std::process::ExitCode;

const USAGE: &str = "\
Usage: pl_sink [--bind ENDPOINT] [--tasks N] [--timeout-ms MS]

The PULL end of the pipeline: collects N results (`<worker> <task>`) and reports how many
each worker did.

Options:
  --bind ENDPOINT   where the workers connect (default tcp://*:5558)
  --tasks N         results to collect (default 100)
  --timeout-ms MS   give up when no result arrives for this long (default 60000)
  -h, --help        print this help

Prints `READY <endpoint>` once bound, `Result: <task> from <worker>` per result, one
`COUNT <worker> <n>` per worker, `DONE <n>`.
";

struct Config {
    bind: String,
    tasks: u64,
    timeout_ms: i32,
}

fn parse(args: &mut cli::Args) -> Result<Config, String> {
    let mut config = Config {
        bind: "tcp://*:5558".to_owned(),
        tasks: 100,
        timeout_ms: 60_000,
    };
    while let Some(arg) = args.next()? {
        match arg.as_str() {
            "--bind" => config.bind = args.value(&arg)?,
            "--tasks" => config.tasks = args.number(&arg)?,
            "--timeout-ms" => config.timeout_ms = args.number_from(&arg, 1)?,
            other => return Err(cli::unexpected(other)),
        }
    }
    Ok(config)
}

fn run(config: Config) -> cli::Outcome {
    let ctx = zmq::Context::new();
    let sink = cli::socket(&ctx, zmq::PULL, config.timeout_ms)?;
    println!("READY {}", cli::bind(&sink, &config.bind)?);
    let mut per_worker: BTreeMap<String, u64> = BTreeMap::new();
    for i in 0..config.tasks {
        let what = format!("result {} of {}", i + 1, config.tasks);
        let result = cli::recv_text(&sink, &what)?;
        let (worker, task) = result
            .split_once(' ')
            .ok_or_else(|| format!("malformed result {result:?}"))?;
        println!("Result: {task} from {worker}");
        *per_worker.entry(worker.to_owned()).or_default() += 1;
    }
    for (worker, n) in &per_worker {
        println!("COUNT {worker} {n}");
    }
    println!("DONE {}", config.tasks);
    Ok(())
}

fn main() -> ExitCode {
    cli::main(USAGE, parse, run)
}
