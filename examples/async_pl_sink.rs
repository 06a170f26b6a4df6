//! Pipeline, the sink, on async sockets: a PULL socket collects the results of all workers,
//! read as a `Stream` of messages. Same arguments and output as `pl_sink`.

#[path = "common/mod.rs"]
mod common;

use std::process::ExitCode;

use common::roles::pl_sink::{parse, Config, Tally, USAGE};
use common::{aio, cli};
use futures::StreamExt;

async fn run(config: Config) -> cli::Outcome {
    let ctx = zmq::Context::new();
    let sink = aio::socket(&ctx, zmq::PULL)?;
    println!("READY {}", aio::bind(&sink, &config.bind)?);
    // The socket is also a Stream of received messages (each a Vec of frames).
    let mut results = &sink;
    let mut tally = Tally::default();
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
        tally.add(&result)?;
    }
    tally.print_counts();
    println!("DONE {}", config.tasks);
    Ok(())
}

fn main() -> ExitCode {
    aio::main(&USAGE.text(cli::Runtime::Tokio), parse, run)
}
