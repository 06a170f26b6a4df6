//! Issue 11's tuning study and latency anatomy: what a user can set to move our layer's
//! numbers, measured against the default settings in the same run (ratios per round, the
//! variants' order rotated from round to round), next to zmq.rs and the raw loopback TCP
//! limit. Fails nothing on speed; prints tables.
//!
//! ```sh
//! cargo bench --features tokio --bench zmq_tuning              # stable options
//! cargo bench --features tokio,draft --bench zmq_tuning        # + IN/OUT_BATCH_SIZE (DRAFT)
//! ```
//!
//! - Throughput, PUSH → PULL over ipc and tcp at 1 KiB, 64 KiB and 1 MiB, every variant on
//!   zmq_perf's column (c) path (a reused `Message` on the receiver; owned `Vec`s sent without
//!   a copy from 64 KiB up, copied below). Variants: libzmq's defaults; 2 I/O threads; 4 MiB
//!   kernel socket buffers (`SNDBUF`/`RCVBUF`); 256 KiB batches (`IN_BATCH_SIZE` and
//!   `OUT_BATCH_SIZE`, DRAFT options); all of those together. Beside them zmq.rs (the same
//!   workload in `benches/zmqrs-peer`) and, on tcp from 64 KiB, raw `std::net` loopback TCP.
//! - Latency, REQ ↔ REP 1 B over inproc, ipc and tcp: the defaults; 2 I/O threads; a bounded
//!   spin (polling with `DONTWAIT` for up to 50 µs before a blocking receive) by the client
//!   alone and by both sides; zmq.rs.
//!   Each with the CPU it burns: process CPU time (every thread: ours and libzmq's) over wall
//!   time, in cores.
//!
//! Environment: `ZMQ_BENCH_QUICK=1`, `ZMQ_BENCH_ROUNDS=<n>` (default 5 here),
//! `ZMQ_BENCH_CELLS=<text>`, `ZMQ_BENCH_ZMQRS=skip`, as in zmq_perf.

use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

#[path = "common/perf.rs"]
mod perf;
use perf::*;

#[path = "common/peers.rs"]
mod peers;
use peers::*;

const THR_SIZES: [usize; 3] = [1024, 65_536, 1_048_576];
const ZERO_COPY_FROM: usize = 65_536;
const SPIN: Duration = Duration::from_micros(50);

/// A set of settings, applied to a fresh context and to both sockets before bind/connect.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Variant {
    Default,
    IoThreads2,
    Buffers4M,
    /// DRAFT options; "n/a" on builds without the DRAFT API.
    Batch256K,
    /// Everything above that the build has.
    All,
    /// Latency only: both sides poll with DONTWAIT for up to `SPIN` before blocking.
    Spin,
    /// Latency only: the client alone spins (the server blocks as usual).
    SpinClient,
    /// A process of its own (benches/zmqrs-peer).
    ZmqRs,
    /// Throughput over tcp only: std::net loopback.
    RawTcp,
}

impl Variant {
    fn label(self) -> &'static str {
        match self {
            Variant::Default => "default",
            Variant::IoThreads2 => "2 I/O threads",
            Variant::Buffers4M => "4 MiB buffers",
            Variant::Batch256K => "256 KiB batches",
            Variant::All => "all of these",
            Variant::Spin => "both spin 50µs",
            Variant::SpinClient => "client spins",
            Variant::ZmqRs => "zmq.rs",
            Variant::RawTcp => "raw TCP",
        }
    }

    fn io_threads(self) -> i32 {
        match self {
            Variant::IoThreads2 | Variant::All => 2,
            _ => 1,
        }
    }

    /// Socket options of the variant; `Err` when this build cannot set them.
    fn apply(self, socket: &zmq::Socket) -> Result<(), String> {
        if matches!(self, Variant::Buffers4M | Variant::All) {
            socket.set_sndbuf(4 << 20).map_err(|e| e.to_string())?;
            socket.set_rcvbuf(4 << 20).map_err(|e| e.to_string())?;
        }
        if self == Variant::Batch256K || (self == Variant::All && HAS_BATCH) {
            set_batch(socket, 256 << 10)?;
        }
        Ok(())
    }
}

const HAS_BATCH: bool = cfg!(zmq_draft);

#[cfg(zmq_draft)]
fn set_batch(socket: &zmq::Socket, bytes: i32) -> Result<(), String> {
    socket.set_in_batch_size(bytes).map_err(|e| e.to_string())?;
    socket.set_out_batch_size(bytes).map_err(|e| e.to_string())
}

#[cfg(not(zmq_draft))]
fn set_batch(_socket: &zmq::Socket, _bytes: i32) -> Result<(), String> {
    Err("needs the DRAFT API (--features draft)".into())
}

/// A context with the variant's I/O threads, and a bound + connected socket pair with the
/// variant's options, one message (or round trip) already through.
fn pair(
    v: Variant,
    eps: &mut Endpoints,
    t: Transport,
    bound: zmq::SocketType,
    connected: zmq::SocketType,
) -> (zmq::Context, zmq::Socket, zmq::Socket) {
    let ctx = zmq::Context::new();
    ctx.set_io_threads(v.io_threads()).unwrap();
    let a = ctx.socket(bound).unwrap();
    let b = ctx.socket(connected).unwrap();
    v.apply(&a).unwrap();
    v.apply(&b).unwrap();
    a.bind(&eps.fresh(t)).unwrap();
    b.connect(&a.get_last_endpoint().unwrap().unwrap()).unwrap();
    (ctx, a, b)
}

/// Process CPU time so far (user + system, every thread).
fn cpu_time() -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes the struct it is given; RUSAGE_SELF is always valid.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        usage.assume_init()
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

// ---------------------------------------------------------------------------------------------
// Throughput.

fn thr_run(v: Variant, eps: &mut Endpoints, t: Transport, size: usize, n: usize) -> f64 {
    let (_ctx, pull, push) = pair(v, eps, t, zmq::PULL, zmq::PUSH);
    push.send("warm-up", 0).unwrap();
    pull.recv_bytes(0).unwrap();
    let go = Arc::new(Barrier::new(2));
    let go2 = go.clone();
    let sending = thread::spawn(move || {
        let payload = vec![7u8; size];
        go2.wait();
        for _ in 0..n {
            if size >= ZERO_COPY_FROM {
                push.send(vec![7u8; size], 0).unwrap();
            } else {
                push.send(&payload[..], 0).unwrap();
            }
        }
        push
    });
    go.wait();
    let start = Instant::now();
    let mut msg = zmq::Message::new();
    for _ in 0..n {
        pull.recv(&mut msg, 0).unwrap();
        assert_eq!(msg.len(), size);
    }
    let secs = start.elapsed().as_secs_f64();
    drop(sending.join().unwrap());
    secs
}

fn throughput(cfg: &Config, eps: &mut Endpoints, zmqrs: Option<&ZmqRs>) {
    println!();
    println!(
        "Throughput, PUSH -> PULL, column (c)'s path. default: MB/s (median over the rounds);"
    );
    println!("the others: rate / default's rate in the same round, median [min–max]; raw TCP");
    println!("also in GB/s. Above 1 = faster than the defaults.");
    let mut variants = vec![
        Variant::Default,
        Variant::IoThreads2,
        Variant::Buffers4M,
        Variant::Batch256K,
        Variant::All,
    ];
    if !HAS_BATCH {
        variants.retain(|&v| v != Variant::Batch256K);
        println!(
            "(256 KiB batches: not run — IN/OUT_BATCH_SIZE need the DRAFT API, --features draft)"
        );
    }
    let mut head = format!("{:<12} {:>7} | {:>9}", "cell", "msgs", "default");
    for v in &variants[1..] {
        head += &format!(" {:>20}", v.label());
    }
    head += &format!(" | {:>20} {:>20} {:>9}", "zmq.rs", "raw TCP", "TCP GB/s");
    println!("{head}");
    for t in [Transport::Ipc, Transport::Tcp] {
        for size in THR_SIZES {
            let cell = format!("thr-{}-{}", t.name(), size);
            if !cfg.wants(&cell) {
                continue;
            }
            let start = if size > 4096 { 200 } else { 20_000 };
            let n = calibrate(cfg, start, |n| thr_run(Variant::Default, eps, t, size, n));
            let mut cols = variants.clone();
            if zmqrs.is_some() {
                cols.push(Variant::ZmqRs);
            }
            if t == Transport::Tcp && size >= 65_536 {
                cols.push(Variant::RawTcp);
            }
            let mut secs: Vec<(Variant, Vec<f64>)> = cols.iter().map(|&v| (v, vec![])).collect();
            for round in 0..cfg.rounds {
                for v in rotated_order(&cols, round) {
                    let s = match v {
                        Variant::ZmqRs => {
                            zmqrs_run(zmqrs.unwrap(), "thr", &eps.fresh(t), size, n)[0]
                        }
                        Variant::RawTcp => raw_tcp(size, n).as_secs_f64(),
                        _ => thr_run(v, eps, t, size, n),
                    };
                    secs.iter_mut().find(|(c, _)| *c == v).unwrap().1.push(s);
                }
            }
            let base = &secs[0].1;
            let mb = |s: f64| (n * size) as f64 / s / 1e6;
            let mut line = format!(
                "{:<12} {:>7} | {:>9.1}",
                format!("{} {}", t.name(), size_text(size)),
                n,
                median(&base.iter().map(|&s| mb(s)).collect::<Vec<_>>())
            );
            let ratio = |v: Variant| {
                secs.iter().find(|(c, _)| *c == v).map(|(_, x)| {
                    ratio_text(&base.iter().zip(x).map(|(b, x)| b / x).collect::<Vec<_>>())
                })
            };
            for v in &variants[1..] {
                line += &format!(" {:>20}", ratio(*v).unwrap_or_default());
            }
            let zmqrs_text = if zmqrs.is_some() {
                ratio(Variant::ZmqRs).unwrap_or_default()
            } else {
                "not run".into()
            };
            line += &format!(" | {:>20}", zmqrs_text);
            match secs.iter().find(|(c, _)| *c == Variant::RawTcp) {
                Some((_, x)) => {
                    let gbs = median(&x.iter().map(|&s| mb(s) / 1e3).collect::<Vec<_>>());
                    line += &format!(
                        " {:>20} {:>9.2}",
                        ratio(Variant::RawTcp).unwrap_or_default(),
                        gbs
                    );
                }
                None => line += &format!(" {:>20} {:>9}", "-", "-"),
            }
            println!("{line}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Latency.

/// Receives into `msg`, polling with DONTWAIT for up to `spin` first.
fn recv_spinning(socket: &zmq::Socket, msg: &mut zmq::Message, spin: Option<Duration>) {
    if let Some(spin) = spin {
        let start = Instant::now();
        loop {
            match socket.recv(msg, zmq::DONTWAIT) {
                Ok(()) => return,
                Err(zmq::Error::EAGAIN) if start.elapsed() < spin => std::hint::spin_loop(),
                Err(zmq::Error::EAGAIN) => break,
                Err(e) => panic!("recv: {e}"),
            }
        }
    }
    socket.recv(msg, 0).unwrap();
}

/// Round-trip samples in ns, and the cores the process kept busy meanwhile.
fn lat_run(
    v: Variant,
    eps: &mut Endpoints,
    t: Transport,
    size: usize,
    n: usize,
) -> (Vec<u64>, f64) {
    let (_ctx, rep, req) = pair(v, eps, t, zmq::REP, zmq::REQ);
    req.send("warm-up", 0).unwrap();
    rep.recv_bytes(0).unwrap();
    rep.send("warm-up", 0).unwrap();
    req.recv_bytes(0).unwrap();
    let spin = matches!(v, Variant::Spin | Variant::SpinClient).then_some(SPIN);
    let server_spin = (v == Variant::Spin).then_some(SPIN);
    let go = Arc::new(Barrier::new(2));
    let go2 = go.clone();
    let serving = thread::spawn(move || {
        let mut msg = zmq::Message::new();
        go2.wait();
        for _ in 0..n {
            recv_spinning(&rep, &mut msg, server_spin);
            rep.send_message(&mut msg, 0).unwrap();
        }
        rep
    });
    let payload = vec![7u8; size];
    let mut reply = zmq::Message::new();
    let mut samples = Vec::with_capacity(n);
    go.wait();
    let (wall, cpu) = (Instant::now(), cpu_time());
    for _ in 0..n {
        let start = Instant::now();
        req.send(&payload[..], 0).unwrap();
        recv_spinning(&req, &mut reply, spin);
        samples.push(nanos(start.elapsed()));
    }
    let cores = (cpu_time() - cpu).as_secs_f64() / wall.elapsed().as_secs_f64();
    drop(serving.join().unwrap());
    (samples, cores)
}

fn latency(cfg: &Config, eps: &mut Endpoints, zmqrs: Option<&ZmqRs>) {
    println!();
    println!("Latency, REQ <-> REP 1 B: mean one-way µs (round trip / 2), median over the rounds,");
    println!("and the cores the process kept busy while it ran (CPU time of every thread / wall");
    println!("time; zmq.rs: its process's, as it reports nothing, so '-').");
    let size = 1;
    let mut head = format!("{:<10} {:>7}", "cell", "trips");
    let variants = [
        Variant::Default,
        Variant::IoThreads2,
        Variant::SpinClient,
        Variant::Spin,
    ];
    for v in variants {
        head += &format!(" | {:>15} {:>5}", v.label(), "cores");
    }
    head += &format!(" | {:>9}", "zmq.rs");
    println!("{head}");
    for t in [Transport::Inproc, Transport::Ipc, Transport::Tcp] {
        let cell = format!("lat-{}-{}", t.name(), size);
        if !cfg.wants(&cell) {
            continue;
        }
        let n = calibrate(cfg, 2_000, |n| {
            let (samples, _) = lat_run(Variant::Default, eps, t, size, n);
            samples.iter().sum::<u64>() as f64 / 1e9
        });
        let mut cols = variants.to_vec();
        if zmqrs.is_some() && t != Transport::Inproc {
            cols.push(Variant::ZmqRs);
        }
        let mut results: Vec<(Variant, Vec<f64>, Vec<f64>)> =
            cols.iter().map(|&v| (v, vec![], vec![])).collect();
        for round in 0..cfg.rounds {
            for v in rotated_order(&cols, round) {
                let (us, cores) = if v == Variant::ZmqRs {
                    let out = zmqrs_run(zmqrs.unwrap(), "lat", &eps.fresh(t), size, n);
                    (out[1], f64::NAN)
                } else {
                    let (mut samples, cores) = lat_run(v, eps, t, size, n);
                    (one_way_us(&mut samples).0, cores)
                };
                let slot = results.iter_mut().find(|(c, _, _)| *c == v).unwrap();
                slot.1.push(us);
                slot.2.push(cores);
            }
        }
        let mut line = format!("{:<10} {:>7}", format!("{} 1B", t.name()), n);
        for v in variants {
            let (_, us, cores) = results.iter().find(|(c, _, _)| *c == v).unwrap();
            line += &format!(" | {:>15.1} {:>5.2}", median(us), median(cores));
        }
        match results.iter().find(|(c, _, _)| *c == Variant::ZmqRs) {
            Some((_, us, _)) => line += &format!(" | {:>9.1}", median(us)),
            None if t == Transport::Inproc => line += &format!(" | {:>9}", "n/a"),
            None => line += &format!(" | {:>9}", "not run"),
        }
        println!("{line}");
    }
}

fn main() {
    let mut cfg = Config::from_env();
    if std::env::var_os("ZMQ_BENCH_ROUNDS").is_none() && cfg.rounds == 9 {
        cfg.rounds = 5;
    }
    let mut eps = Endpoints::new("zmq-tuning");
    let (major, minor, patch) = zmq::version();
    println!("zmq_tuning: settings against libzmq's defaults, same run (issue 11)");
    println!("date:    {}", utc_now());
    println!(
        "machine: nproc {}, {}; load average {}",
        thread::available_parallelism().map_or(0, |n| n.get()),
        cpu_model(),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!(
        "libzmq:  {major}.{minor}.{patch} ({} build, DRAFT API: {})",
        env!("ZMQ_LINK_MODE"),
        if HAS_BATCH { "yes" } else { "no" }
    );
    println!("rounds:  {} (variant order rotated each round)", cfg.rounds);
    let zmqrs = build_zmqrs();
    match &zmqrs {
        Ok(peer) => println!("zmq.rs:  {} ({})", peer.version, peer.program.display()),
        Err(why) => println!("zmq.rs:  not run — {why}"),
    }
    let started = Instant::now();
    throughput(&cfg, &mut eps, zmqrs.as_ref().ok());
    latency(&cfg, &mut eps, zmqrs.as_ref().ok());
    println!();
    println!("total time {:.0} s", started.elapsed().as_secs_f64());
}
