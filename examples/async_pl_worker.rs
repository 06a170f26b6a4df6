//! Pipeline, a worker, on async sockets: PULLs tasks from the ventilator, PUSHes results to
//! the sink. Same arguments and output as `pl_worker`.

#[path = "common/mod.rs"]
mod common;

use std::process::ExitCode;

use common::roles::pl_worker::{parse, Config, USAGE};
use common::{aio, cli};

async fn run(config: Config) -> cli::Outcome {
    let ctx = zmq::Context::new();
    let tasks = aio::socket(&ctx, zmq::PULL)?;
    let results = aio::socket(&ctx, zmq::PUSH)?;
    results.socket().set_linger(5_000)?;
    aio::connect(&tasks, &config.pull)?;
    aio::connect(&results, &config.push)?;
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
    aio::main(&USAGE.text(cli::Runtime::Tokio), parse, run)
}
