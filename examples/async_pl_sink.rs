//! Pipeline, the sink, on async sockets: a PULL socket collects the results of all workers,
//! read as a `Stream` of messages. Same arguments and output as `pl_sink`.

#[path = "common/aio.rs"]
mod aio;
#[path = "common/cli.rs"]
mod cli;

use std::collections::BTreeMap;
use std::process::ExitCode;

use futures::StreamExt;

const USAGE: &str = "\
Usage: async_pl_sink [--bind ENDPOINT] [--tasks N] [--timeout-ms MS]

The PULL end of the pipeline, on a tokio runtime: collects N results (`<worker> <task>`)
and reports how many each worker did.

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

/// Runs on a tokio runtime of its own (`#[tokio::main]` works on any function).
#[tokio::main]
async fn run(config: Config) -> cli::Outcome {
    let ctx = zmq::Context::new();
    let sink = aio::socket(&ctx, zmq::PULL)?;
    println!("READY {}", cli::bind(&sink.socket(), &config.bind)?);
    // The socket is also a Stream of received messages (each a Vec of frames).
    let mut results = &sink;
    let mut per_worker: BTreeMap<String, u64> = BTreeMap::new();
    for i in 0..config.tasks {
        let what = format!("result {} of {}", i + 1, config.tasks);
        let next = tokio::time::timeout(aio::millis(config.timeout_ms), results.next());
        let frames = match next.await {
            Ok(Some(Ok(frames))) => frames,
            Ok(Some(Err(e))) => return Err(format!("{what}: {e}").into()),
            Ok(None) => return Err(format!("{what}: the context was terminated").into()),
            Err(_elapsed) => return Err(format!("timed out waiting for {what}").into()),
        };
        let result = match frames.as_slice() {
            [frame] => String::from_utf8_lossy(frame).into_owned(),
            _ => return Err(format!("{what}: {} frames, not 1", frames.len()).into()),
        };
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
