//! The zmq.rs column of `benches/zmq_perf.rs`: the pure-Rust `zeromq` crate running the
//! harness's workloads on tokio's default multi-thread runtime, with the command line and output
//! of `benches/zmq_perf_c.c`:
//!
//! ```text
//! zmqrs-peer thr <endpoint> <size> <count>   prints the receiver's seconds
//! zmqrs-peer lat <endpoint> <size> <count>   prints total seconds, mean and p99 one-way µs
//! ```
//!
//! `<endpoint>` is bound by the receiving side (PULL or REP) and connected to by the other side
//! through the endpoint `bind` resolved (a tcp port of `*` means any free port). zmq.rs has no
//! inproc transport: an inproc endpoint is refused with exit status 3. One message (or round
//! trip) passes before timing starts, and both sides start together on a barrier.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::Barrier;
use zeromq::{
    PullSocket, PushSocket, RepSocket, ReqSocket, Socket, SocketRecv, SocketSend, ZmqMessage,
};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// zmq.rs spells "any free port" as port 0.
fn bindable(endpoint: &str) -> String {
    match endpoint.strip_suffix(":*") {
        Some(host) if endpoint.starts_with("tcp://") => format!("{host}:0"),
        _ => endpoint.to_string(),
    }
}

/// The length of a single-frame message, or an error naming what arrived instead.
fn frame_len(msg: &ZmqMessage, size: usize) -> Result<()> {
    match (msg.len(), msg.get(0)) {
        (1, Some(frame)) if frame.len() == size => Ok(()),
        (frames, first) => Err(format!(
            "got {frames} frame(s), the first of {} bytes; expected one of {size}",
            first.map_or(0, |f| f.len())
        )
        .into()),
    }
}

/// The receiver's seconds for `count` messages, timed from the start barrier.
async fn throughput(endpoint: &str, size: usize, count: usize) -> Result<f64> {
    let mut pull = PullSocket::new();
    let bound = pull.bind(&bindable(endpoint)).await?;
    let mut push = PushSocket::new();
    push.connect(&bound.to_string()).await?;
    push.send(ZmqMessage::from("warm-up")).await?;
    pull.recv().await?;

    let start = Arc::new(Barrier::new(2));
    let go = start.clone();
    let sender = tokio::spawn(async move {
        let payload = vec![7u8; size];
        go.wait().await;
        for _ in 0..count {
            // One fresh buffer per message, filled from the payload (the perf tools' copy).
            push.send(ZmqMessage::from(payload.clone())).await?;
        }
        Ok::<_, zeromq::ZmqError>(push)
    });
    start.wait().await;
    let t0 = Instant::now();
    for _ in 0..count {
        frame_len(&pull.recv().await?, size)?;
    }
    let seconds = t0.elapsed().as_secs_f64();
    drop(sender.await??);
    Ok(seconds)
}

/// Round-trip nanoseconds of `count` REQ → REP → REQ trips, the REP side echoing.
async fn latency(endpoint: &str, size: usize, count: usize) -> Result<Vec<u64>> {
    let mut rep = RepSocket::new();
    let bound = rep.bind(&bindable(endpoint)).await?;
    let mut req = ReqSocket::new();
    req.connect(&bound.to_string()).await?;
    req.send(ZmqMessage::from("warm-up")).await?;
    let request = rep.recv().await?;
    rep.send(request).await?;
    req.recv().await?;

    let start = Arc::new(Barrier::new(2));
    let go = start.clone();
    let server = tokio::spawn(async move {
        go.wait().await;
        for _ in 0..count {
            let request = rep.recv().await?;
            rep.send(request).await?;
        }
        Ok::<_, zeromq::ZmqError>(rep)
    });
    let payload = vec![7u8; size];
    let mut samples = Vec::with_capacity(count);
    start.wait().await;
    for _ in 0..count {
        let t0 = Instant::now();
        req.send(ZmqMessage::from(payload.clone())).await?;
        let reply = req.recv().await?;
        samples.push(u64::try_from(t0.elapsed().as_nanos()).unwrap_or(u64::MAX));
        frame_len(&reply, size)?;
    }
    drop(server.await??);
    Ok(samples)
}

/// Total seconds, mean and p99 one-way µs (round trip / 2), as the C program prints them.
fn summary(mut samples: Vec<u64>) -> String {
    samples.sort_unstable();
    let total: f64 = samples.iter().map(|&s| s as f64).sum();
    let n = samples.len().max(1);
    let p99 = samples
        .get((samples.len() * 99).div_ceil(100).saturating_sub(1))
        .copied()
        .unwrap_or(0);
    format!(
        "{:.9} {:.3} {:.3}",
        total / 1e9,
        total / n as f64 / 2000.0,
        p99 as f64 / 2000.0
    )
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parsed = match &args[..] {
        [workload, endpoint, size, count] if workload == "thr" || workload == "lat" => size
            .parse::<usize>()
            .ok()
            .zip(count.parse::<usize>().ok())
            .map(|(size, count)| (workload.as_str(), endpoint.as_str(), size, count)),
        _ => None,
    };
    let Some((workload, endpoint, size, count)) = parsed else {
        eprintln!("usage: zmqrs-peer thr|lat <endpoint> <size> <count>");
        return ExitCode::from(2);
    };
    if endpoint.starts_with("inproc://") {
        eprintln!("zmqrs-peer: zmq.rs has no inproc transport");
        return ExitCode::from(3);
    }
    let result = if workload == "thr" {
        throughput(endpoint, size, count)
            .await
            .map(|s| format!("{s:.9}"))
    } else {
        latency(endpoint, size, count).await.map(summary)
    };
    match result {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("zmqrs-peer: {workload} {endpoint}: {e}");
            ExitCode::FAILURE
        }
    }
}
