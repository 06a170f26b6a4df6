//! The async layer (`zmq::asyncio::AsyncSocket`) against the blocking safe API, measured in the
//! same run. Prints figures and a PASS/MISS per target; fails nothing on speed.
//!
//! ```sh
//! cargo bench --features tokio --bench async_perf
//! ```
//!
//! - Throughput: PUSH → PULL, 64 B, 1 KiB and 64 KiB over tcp, ipc and inproc, sender and
//!   receiver on two threads. Blocking: two std threads. Async: each side on its own
//!   current-thread runtime in its own thread, and both tasks on one 2-worker runtime.
//! - Latency: REQ ↔ REP round trips of 1 B and 1 KiB; mean and p99 one way (round trip / 2).
//!
//! The machine may be shared and noisy, so every async figure is a ratio to the blocking one
//! measured in the same round, back to back, the order alternating from round to round; the
//! table shows the median of the per-round ratios and their range.
//!
//! Environment:
//! - `ZMQ_BENCH_QUICK=1`: 3 rounds of short cells (for CI).
//! - `ZMQ_BENCH_ROUNDS=<n>`: the number of rounds (default 9, quick 3).
//! - `ZMQ_BENCH_CELLS=<text>`: only the cells whose name contains the text (`tcp-64`, `lat`).
//! - `ZMQ_BENCH_ONLY=<cell>`: run one cell once, with no calibration and nothing else around it,
//!   and print its message count and the process's CPU time, page faults and context switches
//!   per message — for dividing `strace -f -c` (or `perf trace -s`) counts by the message
//!   count, and for callgrind. `<cell>` is `[thr-|lat-]<tcp|ipc|inproc>-<bytes>-<variant>` with
//!   variant `blocking`, `async` or (throughput) `async-mt`, e.g. `tcp-64-async` or
//!   `lat-tcp-1-blocking`; `ZMQ_BENCH_COUNT=<n>` sets its message count (a latency "message" is
//!   a round trip).

use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use zmq::asyncio::AsyncSocket;

#[path = "common/perf.rs"]
mod perf;
use perf::*;

const THR_SIZES: [usize; 3] = [64, 1024, 65_536];
const LAT_SIZES: [usize; 2] = [1, 1024];

fn current_thread_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap()
}

// ---------------------------------------------------------------------------------------------
// Throughput: the receiver's time from the start signal to its last message.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Thr {
    Blocking,
    /// Each side on its own current-thread runtime in its own thread.
    AsyncCt,
    /// Both sides as tasks on one multi-thread runtime with 2 workers.
    AsyncMt,
}

impl Thr {
    const ALL: [Thr; 3] = [Thr::Blocking, Thr::AsyncCt, Thr::AsyncMt];

    fn name(self) -> &'static str {
        match self {
            Thr::Blocking => "blocking",
            Thr::AsyncCt => "async",
            Thr::AsyncMt => "async-mt",
        }
    }
}

fn thr_run(kind: Thr, push: zmq::Socket, pull: zmq::Socket, size: usize, n: usize) -> Duration {
    match kind {
        Thr::Blocking => thr_blocking(push, pull, size, n),
        Thr::AsyncCt => thr_async_ct(push, pull, size, n),
        Thr::AsyncMt => thr_async_mt(push, pull, size, n),
    }
}

#[inline(never)]
fn thr_blocking(push: zmq::Socket, pull: zmq::Socket, size: usize, n: usize) -> Duration {
    let go = Arc::new(Barrier::new(2));
    let go2 = go.clone();
    let sender = thread::spawn(move || {
        let payload = vec![7u8; size];
        go2.wait();
        for _ in 0..n {
            push.send(&payload[..], 0).unwrap();
        }
        push
    });
    let receiver = thread::spawn(move || {
        let mut msg = zmq::Message::new();
        go.wait();
        let start = Instant::now();
        for _ in 0..n {
            pull.recv(&mut msg, 0).unwrap();
        }
        (start.elapsed(), pull)
    });
    // The sender's socket stays open until the receiver has everything.
    let (elapsed, _pull) = receiver.join().unwrap();
    let _push = sender.join().unwrap();
    elapsed
}

#[inline(never)]
fn thr_async_ct(push: zmq::Socket, pull: zmq::Socket, size: usize, n: usize) -> Duration {
    let go = Arc::new(Barrier::new(2));
    let go2 = go.clone();
    let sender = thread::spawn(move || {
        current_thread_runtime().block_on(async move {
            let push = AsyncSocket::new(push).unwrap();
            let payload = vec![7u8; size];
            go2.wait();
            for _ in 0..n {
                push.send(&payload[..], 0).await.unwrap();
            }
            push.into_inner()
        })
    });
    let receiver = thread::spawn(move || {
        current_thread_runtime().block_on(async move {
            let pull = AsyncSocket::new(pull).unwrap();
            let mut msg = zmq::Message::new();
            go.wait();
            let start = Instant::now();
            for _ in 0..n {
                pull.recv(&mut msg).await.unwrap();
            }
            (start.elapsed(), pull.into_inner())
        })
    });
    let (elapsed, _pull) = receiver.join().unwrap();
    let _push = sender.join().unwrap();
    elapsed
}

#[inline(never)]
fn thr_async_mt(push: zmq::Socket, pull: zmq::Socket, size: usize, n: usize) -> Duration {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_io()
        .build()
        .unwrap();
    rt.block_on(async move {
        let push = AsyncSocket::new(push).unwrap();
        let pull = AsyncSocket::new(pull).unwrap();
        let go = Arc::new(tokio::sync::Barrier::new(2));
        let go2 = go.clone();
        let sender = tokio::spawn(async move {
            let payload = vec![7u8; size];
            go2.wait().await;
            for _ in 0..n {
                push.send(&payload[..], 0).await.unwrap();
            }
            push
        });
        let receiver = tokio::spawn(async move {
            let mut msg = zmq::Message::new();
            go.wait().await;
            let start = Instant::now();
            for _ in 0..n {
                pull.recv(&mut msg).await.unwrap();
            }
            (start.elapsed(), pull)
        });
        let (elapsed, pull) = receiver.await.unwrap();
        let push = sender.await.unwrap();
        drop((push.into_inner(), pull.into_inner()));
        elapsed
    })
}

// ---------------------------------------------------------------------------------------------
// Latency: the client times every round trip; the server echoes the request back.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Lat {
    Blocking,
    /// Client and server each on its own current-thread runtime in its own thread.
    Async,
}

impl Lat {
    const ALL: [Lat; 2] = [Lat::Blocking, Lat::Async];

    fn name(self) -> &'static str {
        match self {
            Lat::Blocking => "blocking",
            Lat::Async => "async",
        }
    }
}

/// Round-trip times of one run, in nanoseconds.
fn lat_run(kind: Lat, req: zmq::Socket, rep: zmq::Socket, size: usize, n: usize) -> Vec<u64> {
    match kind {
        Lat::Blocking => lat_blocking(req, rep, size, n),
        Lat::Async => lat_async(req, rep, size, n),
    }
}

#[inline(never)]
fn lat_blocking(req: zmq::Socket, rep: zmq::Socket, size: usize, n: usize) -> Vec<u64> {
    let go = Arc::new(Barrier::new(2));
    let go2 = go.clone();
    let server = thread::spawn(move || {
        let mut msg = zmq::Message::new();
        go2.wait();
        for _ in 0..n {
            rep.recv(&mut msg, 0).unwrap();
            rep.send_message(&mut msg, 0).unwrap();
        }
        rep
    });
    let client = thread::spawn(move || {
        let payload = vec![7u8; size];
        let mut reply = zmq::Message::new();
        let mut samples = Vec::with_capacity(n);
        go.wait();
        for _ in 0..n {
            let start = Instant::now();
            req.send(&payload[..], 0).unwrap();
            req.recv(&mut reply, 0).unwrap();
            samples.push(nanos(start.elapsed()));
        }
        (samples, req)
    });
    let (samples, _req) = client.join().unwrap();
    let _rep = server.join().unwrap();
    samples
}

#[inline(never)]
fn lat_async(req: zmq::Socket, rep: zmq::Socket, size: usize, n: usize) -> Vec<u64> {
    let go = Arc::new(Barrier::new(2));
    let go2 = go.clone();
    let server = thread::spawn(move || {
        current_thread_runtime().block_on(async move {
            let rep = AsyncSocket::new(rep).unwrap();
            let mut msg = zmq::Message::new();
            go2.wait();
            for _ in 0..n {
                rep.recv(&mut msg).await.unwrap();
                rep.send_message(&mut msg, 0).await.unwrap();
            }
            rep.into_inner()
        })
    });
    let client = thread::spawn(move || {
        current_thread_runtime().block_on(async move {
            let req = AsyncSocket::new(req).unwrap();
            let payload = vec![7u8; size];
            let mut reply = zmq::Message::new();
            let mut samples = Vec::with_capacity(n);
            go.wait();
            for _ in 0..n {
                let start = Instant::now();
                req.send(&payload[..], 0).await.unwrap();
                req.recv(&mut reply).await.unwrap();
                samples.push(nanos(start.elapsed()));
            }
            (samples, req.into_inner())
        })
    });
    let (samples, _req) = client.join().unwrap();
    let _rep = server.join().unwrap();
    samples
}

/// The throughput target for a cell, if it has one.
fn thr_target(t: Transport, size: usize) -> Option<f64> {
    match (t, size) {
        (Transport::Inproc, s) if s < 1024 => None,
        (_, s) if s < 1024 => Some(0.90),
        _ => Some(0.95),
    }
}

const LAT_TARGET: f64 = 1.2;

fn verdict(ok: bool) -> &'static str {
    if ok {
        "PASS"
    } else {
        "MISS"
    }
}

fn throughput_table(cfg: &Config, ctx: &zmq::Context, eps: &mut Endpoints) -> Vec<String> {
    let mut misses = Vec::new();
    println!();
    println!("Throughput, PUSH -> PULL (sender and receiver on two threads; default HWM 1000).");
    println!("msg/s and MB/s are medians over the rounds; ratio = async rate / blocking rate");
    println!("in the same round: median [min–max]. async = each side on its own current-thread");
    println!("runtime in its own thread; async-mt = both tasks on one 2-worker runtime.");
    println!(
        "{:<13} {:>9} | {:>8} {:>8} | {:>8} {:>8} {:>20} {:>4} {:<4} | {:>8} {:>8} {:>20} {:<4}",
        "cell",
        "msgs",
        "blk m/s",
        "blk MB/s",
        "async",
        "MB/s",
        "ratio [min–max]",
        "tgt",
        "",
        "async-mt",
        "MB/s",
        "ratio [min–max]",
        ""
    );
    for t in TRANSPORTS {
        for size in THR_SIZES {
            let cell = format!("thr-{}-{}", t.name(), size);
            if !cfg.wants(&cell) {
                continue;
            }
            let start = if size > 4096 { 2_000 } else { 20_000 };
            let n = calibrate(cfg, start, |n| {
                let (push, pull) = push_pull(ctx, eps, t);
                thr_blocking(push, pull, size, n).as_secs_f64()
            });
            let mut secs = [Vec::new(), Vec::new(), Vec::new()];
            for round in 0..cfg.rounds {
                for kind in round_order(&Thr::ALL, round) {
                    let (push, pull) = push_pull(ctx, eps, t);
                    let d = thr_run(kind, push, pull, size, n).as_secs_f64();
                    secs[kind as usize].push(d);
                }
            }
            let rate = |v: &[f64]| n as f64 / median(v);
            let mbs = |v: &[f64]| rate(v) * size as f64 / 1e6;
            let ratios = |k: Thr| -> Vec<f64> {
                secs[Thr::Blocking as usize]
                    .iter()
                    .zip(&secs[k as usize])
                    .map(|(b, a)| b / a)
                    .collect()
            };
            let (ct, mt) = (ratios(Thr::AsyncCt), ratios(Thr::AsyncMt));
            let target = thr_target(t, size);
            let judge = |r: &[f64]| match target {
                Some(goal) => verdict(median(r) >= goal),
                None => "-",
            };
            for (name, r) in [("async", &ct), ("async-mt", &mt)] {
                if let Some(goal) = target.filter(|&g| median(r) < g) {
                    misses.push(format!("{cell} {name}: {:.3} < {goal}", median(r)));
                }
            }
            let b = &secs[Thr::Blocking as usize];
            let a = &secs[Thr::AsyncCt as usize];
            let m = &secs[Thr::AsyncMt as usize];
            println!(
                "{:<13} {:>9} | {:>8} {:>8.1} | {:>8} {:>8.1} {:>20} {:>4} {:<4} | {:>8} {:>8.1} {:>20} {:<4}",
                format!("{} {}", t.name(), size_text(size)),
                n,
                rate_text(rate(b)),
                mbs(b),
                rate_text(rate(a)),
                mbs(a),
                ratio_text(&ct),
                target.map_or("-".to_string(), |g| format!("{g:.2}")),
                judge(&ct),
                rate_text(rate(m)),
                mbs(m),
                ratio_text(&mt),
                judge(&mt),
            );
        }
    }
    misses
}

fn latency_table(cfg: &Config, ctx: &zmq::Context, eps: &mut Endpoints) -> Vec<String> {
    let mut misses = Vec::new();
    println!();
    println!("Latency, REQ <-> REP round trips (client and server on two threads), one way =");
    println!("round trip / 2, in µs: medians over the rounds of each round's mean and p99.");
    println!("ratio = async / blocking in the same round: median [min–max]; target on the mean.");
    println!(
        "{:<13} {:>7} | {:>8} {:>8} | {:>8} {:>8} | {:>20} {:>20} {:>4} {:<4}",
        "cell",
        "trips",
        "blk mean",
        "blk p99",
        "as mean",
        "as p99",
        "mean ratio",
        "p99 ratio",
        "tgt",
        ""
    );
    for t in TRANSPORTS {
        for size in LAT_SIZES {
            let cell = format!("lat-{}-{}", t.name(), size);
            if !cfg.wants(&cell) {
                continue;
            }
            let n = calibrate(cfg, 2_000, |n| {
                let (req, rep) = req_rep(ctx, eps, t);
                let samples = lat_blocking(req, rep, size, n);
                samples.iter().sum::<u64>() as f64 / 1e9
            });
            // [variant] -> per-round (mean, p99)
            let mut stats: [Vec<(f64, f64)>; 2] = [Vec::new(), Vec::new()];
            for round in 0..cfg.rounds {
                for kind in round_order(&Lat::ALL, round) {
                    let (req, rep) = req_rep(ctx, eps, t);
                    let mut samples = lat_run(kind, req, rep, size, n);
                    stats[kind as usize].push(one_way_us(&mut samples));
                }
            }
            let (b, a) = (&stats[Lat::Blocking as usize], &stats[Lat::Async as usize]);
            let mean_ratio: Vec<f64> = b.iter().zip(a).map(|(b, a)| a.0 / b.0).collect();
            let p99_ratio: Vec<f64> = b.iter().zip(a).map(|(b, a)| a.1 / b.1).collect();
            let med = |v: &[(f64, f64)], p99: bool| {
                median(
                    &v.iter()
                        .map(|s| if p99 { s.1 } else { s.0 })
                        .collect::<Vec<_>>(),
                )
            };
            let ok = median(&mean_ratio) <= LAT_TARGET;
            if !ok {
                misses.push(format!(
                    "{cell} async: {:.3} > {LAT_TARGET}",
                    median(&mean_ratio)
                ));
            }
            println!(
                "{:<13} {:>7} | {:>8.2} {:>8.2} | {:>8.2} {:>8.2} | {:>20} {:>20} {:>4.2} {:<4}",
                format!("{} {}", t.name(), size_text(size)),
                n,
                med(b, false),
                med(b, true),
                med(a, false),
                med(a, true),
                ratio_text(&mean_ratio),
                ratio_text(&p99_ratio),
                LAT_TARGET,
                verdict(ok),
            );
        }
    }
    misses
}

// ---------------------------------------------------------------------------------------------
// One cell once (for strace and callgrind).

/// CPU seconds (user, system), minor page faults and context switches (voluntary,
/// involuntary) of the whole process so far.
fn rusage_now() -> (f64, f64, i64, i64, i64) {
    // SAFETY: `getrusage` only writes the struct it is given, which is zeroed and ours.
    let ru = unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut ru);
        ru
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    (
        secs(ru.ru_utime),
        secs(ru.ru_stime),
        ru.ru_minflt,
        ru.ru_nvcsw,
        ru.ru_nivcsw,
    )
}

/// What the process spent on `n` messages since `before`, per message.
fn usage_text(before: (f64, f64, i64, i64, i64), n: usize) -> String {
    let after = rusage_now();
    let per = |x: f64| x / n as f64;
    format!(
        "per message: {:.2} µs user, {:.2} µs system, {:.3} page faults, {:.3} voluntary and \
         {:.3} involuntary context switches",
        per(after.0 - before.0) * 1e6,
        per(after.1 - before.1) * 1e6,
        per((after.2 - before.2) as f64),
        per((after.3 - before.3) as f64),
        per((after.4 - before.4) as f64),
    )
}

fn run_only(spec: &str, ctx: &zmq::Context, eps: &mut Endpoints) {
    let usage = "ZMQ_BENCH_ONLY=[thr-|lat-]<tcp|ipc|inproc>-<bytes>-<blocking|async|async-mt>";
    let (latency, rest) = match spec.split_once('-') {
        Some(("lat", rest)) => (true, rest),
        Some(("thr", rest)) => (false, rest),
        _ => (false, spec),
    };
    let mut parts = rest.splitn(3, '-');
    let transport = parts.next().and_then(Transport::parse).expect(usage);
    let size: usize = parts.next().and_then(|s| s.parse().ok()).expect(usage);
    let variant = parts.next().expect(usage);
    let count = std::env::var("ZMQ_BENCH_COUNT")
        .ok()
        .and_then(|c| c.parse().ok());
    if latency {
        let kind = Lat::ALL
            .into_iter()
            .find(|k| k.name() == variant)
            .expect(usage);
        let n = count.unwrap_or(20_000);
        let (req, rep) = req_rep(ctx, eps, transport);
        let before = rusage_now();
        let mut samples = lat_run(kind, req, rep, size, n);
        let spent = usage_text(before, n);
        let (mean, p99) = one_way_us(&mut samples);
        println!(
            "only lat-{}-{size}-{variant}: {n} round trips, one way mean {mean:.2} µs, p99 {p99:.2} µs",
            transport.name()
        );
        println!("  {spent} (a message = a round trip)");
    } else {
        let kind = Thr::ALL
            .into_iter()
            .find(|k| k.name() == variant)
            .expect(usage);
        let n = count.unwrap_or(if size > 4096 { 20_000 } else { 200_000 });
        let (push, pull) = push_pull(ctx, eps, transport);
        let before = rusage_now();
        let d = thr_run(kind, push, pull, size, n);
        let spent = usage_text(before, n);
        println!(
            "only thr-{}-{size}-{variant}: {n} messages in {:.3} s, {} msg/s",
            transport.name(),
            d.as_secs_f64(),
            rate_text(n as f64 / d.as_secs_f64())
        );
        println!("  {spent}");
    }
}

fn main() {
    let ctx = zmq::Context::new();
    let mut eps = Endpoints::new("async-perf");
    if let Ok(spec) = std::env::var("ZMQ_BENCH_ONLY") {
        run_only(&spec, &ctx, &mut eps);
        return;
    }
    let cfg = Config::from_env();
    let (major, minor, patch) = zmq::version();
    let cores = thread::available_parallelism().map_or(0, |n| n.get());
    println!("async_perf: zmq::asyncio::AsyncSocket against the blocking Socket API");
    println!("date:    {}", utc_now());
    println!("machine: {cores} CPUs (available), {}", cpu_model());
    println!("libzmq:  {major}.{minor}.{patch}");
    println!(
        "rounds:  {} (order alternated each round), ~{:.2} s per blocking cell-round",
        cfg.rounds, cfg.target
    );
    let started = Instant::now();
    let mut misses = throughput_table(&cfg, &ctx, &mut eps);
    misses.extend(latency_table(&cfg, &ctx, &mut eps));
    println!();
    if misses.is_empty() {
        println!("all targets met");
    } else {
        println!("targets missed ({}):", misses.len());
        for miss in &misses {
            println!("  {miss}");
        }
    }
    println!("total time {:.0} s", started.elapsed().as_secs_f64());
}
