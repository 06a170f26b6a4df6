//! Pipeline, a worker: PULLs tasks from the ventilator, PUSHes results to the sink.

#[path = "common/mod.rs"]
mod common;

use std::process::ExitCode;

use common::cli;
use common::roles::pl_worker::{parse, Config, USAGE};

fn run(config: Config) -> cli::Outcome {
    let ctx = zmq::Context::new();
    let tasks = cli::socket(&ctx, zmq::PULL, config.timeout_ms)?;
    let results = cli::socket(&ctx, zmq::PUSH, config.timeout_ms)?;
    results.set_linger(5_000)?;
    cli::connect(&tasks, &config.pull)?;
    cli::connect(&results, &config.push)?;
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
    cli::main(&USAGE.text(cli::Runtime::Blocking), parse, run)
}
