//! Feature `tracing`: prints the events of a short session (bind, connect, an option, one
//! frame each way, close) through a minimal subscriber that writes every event to stdout.
//! Applications would install `tracing_subscriber::fmt()` or similar instead.
//!
//! `cargo run --example tracing_events --features tracing`
use std::fmt;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Writes each event as `LEVEL target: field=value ...`.
struct Print;

struct Line(String);

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.push_str(&format!(" {}={value:?}", field.name()));
    }
}

impl Subscriber for Print {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut line = Line(format!(
            "{} {}:",
            event.metadata().level(),
            event.metadata().target()
        ));
        event.record(&mut line);
        println!("{}", line.0);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

fn main() -> Result<(), zmq::Error> {
    tracing::subscriber::with_default(Print, || {
        let ctx = zmq::Context::new();
        let server = ctx.socket(zmq::REP)?;
        server.set_linger(0)?;
        server.bind("inproc://example-tracing")?;
        let client = ctx.socket(zmq::REQ)?;
        client.connect("inproc://example-tracing")?;
        client.send("ping", 0)?;
        server.recv_msg(0)?;
        Ok(())
    })
}
