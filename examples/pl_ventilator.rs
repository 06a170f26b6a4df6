//! Pipeline, the ventilator: a PUSH socket hands tasks to the workers, round robin.
//!
//! ```text
//! cargo run --example pl_sink &
//! cargo run --example pl_ventilator -- --workers 2 &
//! cargo run --example pl_worker & cargo run --example pl_worker
//! ```

#[path = "common/mod.rs"]
mod common;

use std::process::ExitCode;

use common::roles::pl_ventilator::{parse, Config, USAGE};
use common::{cli, pipeline};

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
    cli::main(&USAGE.text(cli::Runtime::Blocking), parse, run)
}
