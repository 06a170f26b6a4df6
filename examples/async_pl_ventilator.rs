//! Pipeline, the ventilator, on async sockets: a PUSH socket hands tasks to the workers,
//! round robin. Same arguments and output as `pl_ventilator`.
//!
//! ```text
//! cargo run --features tokio --example async_pl_sink &
//! cargo run --features tokio --example async_pl_ventilator -- --workers 2 &
//! cargo run --features tokio --example async_pl_worker & cargo run --example pl_worker
//! ```

#[path = "common/mod.rs"]
mod common;

use std::process::ExitCode;

use common::roles::pl_ventilator::{parse, Config, USAGE};
use common::{aio, async_pipeline, cli};

async fn run(config: Config) -> cli::Outcome {
    let ctx = zmq::Context::new();
    let push = aio::socket(&ctx, zmq::PUSH)?;
    push.socket().set_linger(5_000)?;
    let monitor = async_pipeline::watch(&ctx, &push, config.timeout_ms)?;
    println!("READY {}", aio::bind(&push, &config.bind)?);
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
    aio::main(&USAGE.text(cli::Runtime::Tokio), parse, run)
}
