//! `Vec<u8>` against `bytes::Bytes` (feature `bytes`) for sending and receiving, over
//! `inproc://`, at 64 B, 64 KiB and 1 MiB. Every variant runs in the same process, in
//! interleaved rounds (each round measures every variant once, in turn), and the table gives
//! each variant's median time per message and its median ratio to the baseline of its group,
//! the ratios taken round by round so that a noisy machine moves both sides alike.
//!
//! `cargo bench --features bytes --bench conveniences_perf` (full: 9 rounds), or
//! `... --bench conveniences_perf -- --quick` (3 short rounds, a few seconds) to check that it
//! works. Prints figures; asserts nothing about speed.
//!
//! Send variants (one thread sends a frame and receives it back as a `Message`, so each
//! figure covers one send and one receive; the same payload is sent every time):
//! - `send &[u8]` (baseline): `socket.send(&data[..], 0)`, libzmq copies the bytes;
//! - `send Vec clone`: `socket.send(data.clone(), 0)`, Rust copies into a new vector which
//!   libzmq then takes without a copy;
//! - `send Bytes clone`: `socket.send(bytes.clone(), 0)`, no copy at all above 33 bytes.
//!
//! Receive variants (the sender sends `Bytes` clones, so the frames arrive without a copy):
//! - `recv_bytes` (baseline): copies each frame into a new `Vec<u8>`;
//! - `recv_bytes_shared`: the frame as `Bytes`, no copy above 33 bytes.

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::Bytes;

const SIZES: [usize; 3] = [64, 64 * 1024, 1024 * 1024];

/// Messages per measurement: about 64 MiB moved per variant (at least 20 000 small ones) in
/// a full run, a tenth of that in a quick one.
fn count(size: usize, quick: bool) -> usize {
    let full = (64 * 1024 * 1024 / size).clamp(64, 20_000);
    if quick {
        (full / 10).max(16)
    } else {
        full
    }
}

fn pair(ctx: &zmq::Context, name: &str) -> (zmq::Socket, zmq::Socket) {
    let a = ctx.socket(zmq::PAIR).unwrap();
    let b = ctx.socket(zmq::PAIR).unwrap();
    a.bind(name).unwrap();
    b.connect(name).unwrap();
    (a, b)
}

#[derive(Clone, Copy, PartialEq)]
enum Variant {
    SendSlice,
    SendVecClone,
    SendBytesClone,
    RecvBytes,
    RecvBytesShared,
}

impl Variant {
    const ALL: [Variant; 5] = [
        Variant::SendSlice,
        Variant::SendVecClone,
        Variant::SendBytesClone,
        Variant::RecvBytes,
        Variant::RecvBytesShared,
    ];

    fn name(self) -> &'static str {
        match self {
            Variant::SendSlice => "send &[u8]",
            Variant::SendVecClone => "send Vec clone",
            Variant::SendBytesClone => "send Bytes clone",
            Variant::RecvBytes => "recv_bytes",
            Variant::RecvBytesShared => "recv_bytes_shared",
        }
    }

    /// The variant this one is compared with.
    fn baseline(self) -> Variant {
        match self {
            Variant::SendSlice | Variant::SendVecClone | Variant::SendBytesClone => {
                Variant::SendSlice
            }
            Variant::RecvBytes | Variant::RecvBytesShared => Variant::RecvBytes,
        }
    }
}

/// One measurement: `count` frames of `size` bytes sent and received on one PAIR pair.
#[inline(never)]
fn measure(
    a: &zmq::Socket,
    b: &zmq::Socket,
    variant: Variant,
    size: usize,
    count: usize,
) -> Duration {
    let vec = vec![7u8; size];
    let bytes = Bytes::from(vec.clone());
    let mut msg = zmq::Message::new();
    let start = Instant::now();
    for _ in 0..count {
        match variant {
            Variant::SendSlice => a.send(&vec[..], 0).unwrap(),
            Variant::SendVecClone => a.send(vec.clone(), 0).unwrap(),
            Variant::SendBytesClone | Variant::RecvBytes | Variant::RecvBytesShared => {
                a.send(bytes.clone(), 0).unwrap()
            }
        }
        match variant {
            Variant::RecvBytes => {
                black_box(b.recv_bytes(0).unwrap());
            }
            Variant::RecvBytesShared => {
                black_box(b.recv_bytes_shared(0).unwrap());
            }
            _ => {
                b.recv(&mut msg, 0).unwrap();
                black_box(&msg);
            }
        }
    }
    start.elapsed()
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let rounds = if quick { 3 } else { 9 };
    let ctx = zmq::Context::new();
    let (a, b) = pair(&ctx, "inproc://conveniences-perf");

    // times[size][variant][round], in nanoseconds per message.
    let mut times = vec![vec![Vec::new(); Variant::ALL.len()]; SIZES.len()];
    // Warm-up: one short pass of everything.
    for &size in &SIZES {
        for variant in Variant::ALL {
            measure(&a, &b, variant, size, 16);
        }
    }
    for _ in 0..rounds {
        for (s, &size) in SIZES.iter().enumerate() {
            let n = count(size, quick);
            for (v, variant) in Variant::ALL.into_iter().enumerate() {
                let elapsed = measure(&a, &b, variant, size, n);
                times[s][v].push(elapsed.as_nanos() as f64 / n as f64);
            }
        }
    }

    println!(
        "conveniences_perf: inproc, {rounds} interleaved rounds{}; ns per message (median), ratio = variant / baseline (median of per-round ratios; < 1 is faster)",
        if quick { " (quick)" } else { "" }
    );
    println!(
        "{:>8}  {:<18} {:>12} {:>8}",
        "size", "variant", "ns/msg", "ratio"
    );
    for (s, &size) in SIZES.iter().enumerate() {
        for (v, variant) in Variant::ALL.into_iter().enumerate() {
            let base = Variant::ALL
                .iter()
                .position(|&x| x == variant.baseline())
                .unwrap_or(v);
            let mut ratios: Vec<f64> = times[s][v]
                .iter()
                .zip(&times[s][base])
                .map(|(t, b)| t / b)
                .collect();
            let ratio = median(&mut ratios);
            let ns = median(&mut times[s][v].clone());
            let label = match size {
                n if n >= 1024 * 1024 => format!("{} MiB", n / (1024 * 1024)),
                n if n >= 1024 => format!("{} KiB", n / 1024),
                n => format!("{n} B"),
            };
            println!("{label:>8}  {:<18} {ns:>12.0} {ratio:>8.3}", variant.name());
        }
    }
}
