//! What the `tracing` feature costs per message, in instructions: N send/receive pairs of a
//! 16-byte frame over `inproc://`, to be run under `valgrind --tool=callgrind` (see
//! `.ci/callgrind-tracing`, which runs it with the feature off, on with no subscriber, and on
//! with a subscriber at INFO, and prints instructions per message for each).
//!
//! `cargo bench --bench tracing_overhead [--features tracing] -- <count> [--subscriber-info]`
//! runs it directly (it also prints the wall time, which on a shared machine says little).

use std::time::Instant;

/// A subscriber that wants events up to INFO and drops them: what an application logging
/// at INFO installs, minus the output.
#[cfg(feature = "tracing")]
mod info_subscriber {
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Level, Metadata, Subscriber};

    pub struct Info;

    impl Subscriber for Info {
        fn enabled(&self, metadata: &Metadata<'_>) -> bool {
            *metadata.level() <= Level::INFO
        }
        fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
            Some(tracing::level_filters::LevelFilter::INFO)
        }
        fn new_span(&self, _: &Attributes<'_>) -> Id {
            Id::from_u64(1)
        }
        fn record(&self, _: &Id, _: &Record<'_>) {}
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            std::hint::black_box(event);
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }
}

#[inline(never)]
fn round_trips(a: &zmq::Socket, b: &zmq::Socket, count: usize) {
    let payload = [7u8; 16];
    let mut msg = zmq::Message::new();
    for _ in 0..count {
        a.send(&payload[..], 0).expect("send");
        b.recv(&mut msg, 0).expect("recv");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let count = args
        .iter()
        .find_map(|a| a.parse::<usize>().ok())
        .unwrap_or(100_000);
    let with_subscriber = args.iter().any(|a| a == "--subscriber-info");

    #[cfg(feature = "tracing")]
    if with_subscriber {
        tracing::subscriber::set_global_default(info_subscriber::Info).expect("subscriber");
    }
    #[cfg(not(feature = "tracing"))]
    if with_subscriber {
        eprintln!("--subscriber-info needs --features tracing");
        std::process::exit(2);
    }

    let ctx = zmq::Context::new();
    let a = ctx.socket(zmq::PAIR).expect("socket");
    let b = ctx.socket(zmq::PAIR).expect("socket");
    a.bind("inproc://tracing-overhead").expect("bind");
    b.connect("inproc://tracing-overhead").expect("connect");
    let start = Instant::now();
    round_trips(&a, &b, count);
    let elapsed = start.elapsed();
    println!(
        "tracing_overhead: {count} messages, feature tracing {}, subscriber {}: {:.0} ns/msg",
        if cfg!(feature = "tracing") {
            "on"
        } else {
            "off"
        },
        if with_subscriber { "INFO" } else { "none" },
        elapsed.as_nanos() as f64 / count.max(1) as f64
    );
}
