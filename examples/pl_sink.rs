//! Pipeline, the sink: a PULL socket collects the results of all workers.

#[path = "common/mod.rs"]
mod common;

use std::process::ExitCode;

use common::cli;
use common::roles::pl_sink::{parse, Config, Tally, USAGE};

fn run(config: Config) -> cli::Outcome {
    let ctx = zmq::Context::new();
    let sink = cli::socket(&ctx, zmq::PULL, config.timeout_ms)?;
    println!("READY {}", cli::bind(&sink, &config.bind)?);
    let mut tally = Tally::default();
    for i in 0..config.tasks {
        let what = format!("result {} of {}", i + 1, config.tasks);
        let result = cli::recv_text(&sink, &what)?;
        tally.add(&result)?;
    }
    tally.print_counts();
    println!("DONE {}", config.tasks);
    Ok(())
}

fn main() -> ExitCode {
    cli::main(&USAGE.text(cli::Runtime::Blocking), parse, run)
}
