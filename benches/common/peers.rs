//! What zmq_perf and zmq_tuning share besides common/perf.rs: the target directory, peer
//! processes and the numbers they print, the zmq.rs peer (benches/zmqrs-peer, built on first
//! use), and the raw loopback TCP limit.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
}

/// Runs a peer process to its end; the numbers it prints (a failed run panics with its
/// error output).
pub fn peer_numbers(mut cmd: Command, who: &str) -> Vec<f64> {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot start {who}: {e}"));
    assert!(
        out.status.success(),
        "{who} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{who} printed a non-number: {v:?}"))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The zmq.rs peer: benches/zmqrs-peer, the pure-Rust `zeromq` crate on tokio.

pub struct ZmqRs {
    pub program: PathBuf,
    /// The `zeromq` version its Cargo.lock pins.
    pub version: String,
}

/// Builds `benches/zmqrs-peer` (a workspace of its own, so the main workspace's tests and lints
/// never compile zeromq's dependency tree) with the cargo running this bench, into
/// `<target>/zmqrs-peer` (a directory of its own: the bench's own build directory stays locked
/// while it runs); the program, or why there is none. `ZMQ_BENCH_ZMQRS=skip` leaves it out.
pub fn build_zmqrs() -> Result<ZmqRs, String> {
    if std::env::var("ZMQ_BENCH_ZMQRS").is_ok_and(|v| v == "skip") {
        return Err("skipped (ZMQ_BENCH_ZMQRS=skip)".into());
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/zmqrs-peer");
    let target = target_dir().join("zmqrs-peer");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(&cargo)
        .args(["build", "--release", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .map_err(|e| format!("cannot run cargo ({}): {e}", Path::new(&cargo).display()))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let last: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        let why = last[last.len().saturating_sub(3)..].join(" / ");
        return Err(format!(
            "`cargo build` of benches/zmqrs-peer failed ({}): {why}",
            out.status
        ));
    }
    let lock = std::fs::read_to_string(dir.join("Cargo.lock")).unwrap_or_default();
    let version = lock
        .split("[[package]]")
        .find(|p| p.contains("name = \"zeromq\""))
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = ")))
        .map_or("zeromq (version unknown)".to_string(), |v| {
            format!("zeromq {}", v.trim_matches('"'))
        });
    Ok(ZmqRs {
        program: target.join("release").join("zmqrs-peer"),
        version,
    })
}

/// One run of the zmq.rs program (same command line and output as the C program).
pub fn zmqrs_run(peer: &ZmqRs, workload: &str, endpoint: &str, size: usize, n: usize) -> Vec<f64> {
    let mut cmd = Command::new(&peer.program);
    cmd.args([workload, endpoint, &size.to_string(), &n.to_string()]);
    peer_numbers(cmd, "the zmq.rs program")
}

// ---------------------------------------------------------------------------------------------
// The physical limit.

/// `n` chunks of `chunk` bytes through a plain loopback TCP connection (`std::net`).
pub fn raw_tcp(chunk: usize, n: usize) -> Duration {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let go = Arc::new(Barrier::new(2));
    let go2 = go.clone();
    let sending = thread::spawn(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.set_nodelay(true).unwrap();
        let payload = vec![7u8; chunk];
        go2.wait();
        for _ in 0..n {
            stream.write_all(&payload).unwrap();
        }
        stream
    });
    let (mut stream, _) = listener.accept().unwrap();
    let mut buf = vec![0u8; chunk];
    let total = chunk * n;
    go.wait();
    let start = Instant::now();
    let mut got = 0;
    while got < total {
        let k = stream.read(&mut buf).unwrap();
        assert!(k > 0, "raw TCP: the sender closed early");
        got += k;
    }
    let elapsed = start.elapsed();
    drop(sending.join().unwrap());
    elapsed
}
