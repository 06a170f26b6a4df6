//! Throughput of the safe layer against raw `zmq_sys` calls, measured in one run so the ratio
//! means something on a shared, noisy machine. Prints figures; asserts nothing about speed.
//!
//! `cargo bench --bench throughput` (or `-- <count> [<size>...]` to change the message count
//! and sizes). Under `valgrind --tool=callgrind` the `safe_round`/`raw_round` totals give an
//! instruction-count ratio that machine load does not disturb.

use std::os::raw::c_void;
use std::time::{Duration, Instant};

const SIZES: [usize; 3] = [16, 1024, 65_536];

fn pair(ctx: &zmq::Context, name: &str) -> (zmq::Socket, zmq::Socket) {
    let a = ctx.socket(zmq::PUSH).unwrap();
    let b = ctx.socket(zmq::PULL).unwrap();
    // Room for every message, so the sender never waits on the receiver.
    a.set_sndhwm(0).unwrap();
    b.set_rcvhwm(0).unwrap();
    a.bind(name).unwrap();
    b.connect(name).unwrap();
    (a, b)
}

#[inline(never)]
fn safe_round(ctx: &zmq::Context, name: &str, size: usize, count: usize) -> Duration {
    let (push, pull) = pair(ctx, name);
    let payload = vec![7u8; size];
    let mut msg = zmq::Message::new();
    let start = Instant::now();
    for _ in 0..count {
        push.send(&payload[..], 0).unwrap();
        pull.recv(&mut msg, 0).unwrap();
    }
    start.elapsed()
}

#[inline(never)]
fn raw_round(ctx: &zmq::Context, name: &str, size: usize, count: usize) -> Duration {
    let (mut push, mut pull) = pair(ctx, name);
    let (push, pull) = (push.as_mut_ptr(), pull.as_mut_ptr());
    let payload = vec![7u8; size];
    let mut msg = zmq_sys::zmq_msg_t::default();
    let start = Instant::now();
    // SAFETY: both handles live until the end of this function (the sockets are borrowed
    // above), and the message is initialised before use and closed at the end.
    unsafe {
        zmq_sys::zmq_msg_init(&mut msg);
        for _ in 0..count {
            let mut out = zmq_sys::zmq_msg_t::default();
            assert_eq!(zmq_sys::zmq_msg_init_size(&mut out, size), 0);
            std::ptr::copy_nonoverlapping(
                payload.as_ptr(),
                zmq_sys::zmq_msg_data(&mut out) as *mut u8,
                size,
            );
            assert!(zmq_sys::zmq_msg_send(&mut out, push as *mut c_void, 0) >= 0);
            assert!(zmq_sys::zmq_msg_recv(&mut msg, pull as *mut c_void, 0) >= 0);
        }
        zmq_sys::zmq_msg_close(&mut msg);
    }
    start.elapsed()
}

fn main() {
    // Arguments: [count [size...]]; cargo's own flags (e.g. --bench) are skipped.
    let numbers: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let count = numbers.first().copied().unwrap_or(200_000);
    let sizes: Vec<usize> = if numbers.len() > 1 {
        numbers[1..].to_vec()
    } else {
        SIZES.to_vec()
    };
    let ctx = zmq::Context::new();
    let (major, minor, patch) = zmq::version();
    println!("libzmq {major}.{minor}.{patch}; {count} send+recv pairs over inproc per figure");
    println!(
        "{:>8} {:>14} {:>14} {:>8}",
        "bytes", "safe msg/s", "raw msg/s", "safe/raw"
    );
    for (i, size) in sizes.into_iter().enumerate() {
        let n = if size > 4096 { count / 10 } else { count };
        // Alternate and take the best of three each, so drift hits both sides alike.
        let (mut safe, mut raw) = (Duration::MAX, Duration::MAX);
        for round in 0..3 {
            let name = format!("inproc://bench-{i}-{round}");
            safe = safe.min(safe_round(&ctx, &format!("{name}-s"), size, n));
            raw = raw.min(raw_round(&ctx, &format!("{name}-r"), size, n));
        }
        let rate = |d: Duration| n as f64 / d.as_secs_f64();
        println!(
            "{size:>8} {:>14.0} {:>14.0} {:>8.3}",
            rate(safe),
            rate(raw),
            raw.as_secs_f64() / safe.as_secs_f64()
        );
    }
}
