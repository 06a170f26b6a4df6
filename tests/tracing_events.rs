//! Feature `tracing`: the events bind/connect, option changes, close, send/recv and monitor
//! events emit, with their fields, seen through a small capturing subscriber.
#![cfg(feature = "tracing")]

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};
use zmq::{Context, POLLIN};

/// One recorded event: its level, target and fields (`message` included), as text.
#[derive(Clone, Debug)]
struct Captured {
    level: Level,
    target: String,
    fields: BTreeMap<String, String>,
}

impl Captured {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

/// Records every event up to `max` (and ignores spans, which this crate does not make).
struct Capture {
    max: Level,
    events: Arc<Mutex<Vec<Captured>>>,
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl Subscriber for Capture {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        *metadata.level() <= self.max
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        self.events.lock().unwrap().push(Captured {
            level: *event.metadata().level(),
            target: event.metadata().target().to_owned(),
            fields,
        });
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

/// Runs `f` with a capturing subscriber (this thread only) that records events up to
/// `max`; returns the events of target `zmq`.
fn capture(max: Level, f: impl FnOnce()) -> Vec<Captured> {
    let events = Arc::new(Mutex::new(Vec::new()));
    let subscriber = Capture {
        max,
        events: events.clone(),
    };
    tracing::subscriber::with_default(subscriber, f);
    let events = events.lock().unwrap().clone();
    events.into_iter().filter(|e| e.target == "zmq").collect()
}

fn with_message<'a>(events: &'a [Captured], message: &str) -> Vec<&'a Captured> {
    events
        .iter()
        .filter(|e| e.field("message") == Some(message))
        .collect()
}

/// `"Ok(())"`, or `"Err"` after checking that the `errno` field matches the text.
fn result_of(e: &Captured) -> &'static str {
    let result = e.field("result").unwrap();
    match e.field("errno") {
        None => {
            assert_eq!(result, "Ok(())");
            "Ok(())"
        }
        Some(errno) => {
            let error = zmq::Error::from_raw(errno.parse().unwrap());
            assert_eq!(result, format!("Err({error:?})"));
            assert!(matches!(error, zmq::Error::ENOENT | zmq::Error::EINVAL));
            "Err"
        }
    }
}

#[test]
fn bind_connect_disconnect_unbind_carry_endpoint_and_socket_type() {
    let events = capture(Level::TRACE, || {
        let ctx = Context::new();
        let server = ctx.socket(zmq::ROUTER).unwrap();
        server.bind("inproc://tracing-endpoints").unwrap();
        let client = ctx.socket(zmq::DEALER).unwrap();
        client.connect("inproc://tracing-endpoints").unwrap();
        client.disconnect("inproc://tracing-endpoints").unwrap();
        server.unbind("inproc://tracing-endpoints").unwrap();
        assert_eq!(
            server.unbind("inproc://tracing-endpoints"),
            Err(zmq::Error::ENOENT)
        );
    });
    let expect = [
        ("bind", "Some(ROUTER)", "Ok(())"),
        ("connect", "Some(DEALER)", "Ok(())"),
        ("disconnect", "Some(DEALER)", "Ok(())"),
        ("unbind", "Some(ROUTER)", "Ok(())"),
        ("unbind", "Some(ROUTER)", "Err"),
    ];
    let seen: Vec<_> = events
        .iter()
        .filter(|e| e.field("op").is_some())
        .map(|e| {
            assert_eq!(e.level, Level::DEBUG);
            assert_eq!(e.field("endpoint"), Some("inproc://tracing-endpoints"));
            (
                e.field("op").unwrap(),
                e.field("socket_type").unwrap(),
                result_of(e),
            )
        })
        .collect();
    assert_eq!(seen, expect);
}

#[test]
fn option_setters_name_the_option_and_the_result() {
    let events = capture(Level::DEBUG, || {
        let ctx = Context::new();
        let socket = ctx.socket(zmq::SUB).unwrap();
        socket.set_linger(0).unwrap();
        socket
            .set_rcvtimeo_duration(Some(std::time::Duration::from_millis(5)))
            .unwrap();
        socket.set_subscribe(b"topic").unwrap();
        assert_eq!(socket.set_identity(&[1; 300]), Err(zmq::Error::EINVAL));
    });
    let set: Vec<_> = with_message(&events, "set option")
        .into_iter()
        .map(|e| {
            assert_eq!(e.level, Level::DEBUG);
            assert_eq!(e.field("socket_type"), Some("Some(SUB)"));
            (
                e.field("option").unwrap(),
                e.field("setter").unwrap(),
                result_of(e),
            )
        })
        .collect();
    assert_eq!(
        set,
        [
            ("ZMQ_LINGER", "set_linger", "Ok(())"),
            ("ZMQ_RCVTIMEO", "set_rcvtimeo_duration", "Ok(())"),
            ("ZMQ_SUBSCRIBE", "set_subscribe", "Ok(())"),
            ("ZMQ_ROUTING_ID", "set_identity", "Err"),
        ]
    );
    // No option value is recorded (keys and passwords are options too).
    assert!(events.iter().all(|e| e.field("value").is_none()));
}

#[test]
fn closing_a_socket_is_an_event() {
    let events = capture(Level::DEBUG, || {
        let ctx = Context::new();
        drop(ctx.socket(zmq::PUSH).unwrap());
    });
    let closed = with_message(&events, "close");
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0].field("socket_type"), Some("Some(PUSH)"));
}

#[test]
fn every_frame_sent_and_received_is_a_trace_event() {
    let run = || {
        let ctx = Context::new();
        let a = ctx.socket(zmq::PAIR).unwrap();
        a.bind("inproc://tracing-frames").unwrap();
        let b = ctx.socket(zmq::PAIR).unwrap();
        b.connect("inproc://tracing-frames").unwrap();
        a.send_multipart(["head", "body!"], 0).unwrap();
        assert_eq!(b.poll(POLLIN, 5000).unwrap(), 1);
        assert_eq!(b.recv_multipart(0).unwrap().len(), 2);
        a.send("x", 0).unwrap();
        let mut buffer = [0u8; 8];
        assert_eq!(b.recv_into(&mut buffer, 0).unwrap(), 1);
    };
    let events = capture(Level::TRACE, run);
    let fields = |message: &str, name: &str| -> Vec<String> {
        with_message(&events, message)
            .into_iter()
            .map(|e| {
                assert_eq!(e.level, Level::TRACE);
                e.field(name).unwrap_or("-").to_owned()
            })
            .collect()
    };
    assert_eq!(fields("send", "len"), ["4", "5", "1"]);
    assert_eq!(fields("send", "flags"), ["2", "0", "0"]); // SNDMORE on the first frame
    assert_eq!(fields("recv", "len"), ["4", "5", "1"]);
    assert_eq!(fields("recv", "more"), ["true", "false", "-"]);

    // At DEBUG the per-frame events are not recorded (and their fields not computed).
    let events = capture(Level::DEBUG, run);
    assert!(with_message(&events, "send").is_empty());
    assert!(with_message(&events, "recv").is_empty());
    assert!(!with_message(&events, "bind").is_empty());
}

#[test]
fn nothing_is_recorded_at_info() {
    let events = capture(Level::INFO, || {
        let ctx = Context::new();
        let a = ctx.socket(zmq::PAIR).unwrap();
        a.set_linger(0).unwrap();
        a.bind("inproc://tracing-info").unwrap();
        a.send("dropped", zmq::DONTWAIT).unwrap_or(());
    });
    assert!(events.is_empty(), "{events:?}");
}

#[test]
fn decoded_monitor_events_are_events() {
    let mut endpoint = String::new();
    let events = capture(Level::DEBUG, || {
        let ctx = Context::new();
        let socket = ctx.socket(zmq::PULL).unwrap();
        socket
            .monitor(
                "inproc://tracing-monitor",
                zmq::SocketEvent::LISTENING as i32,
            )
            .unwrap();
        let monitor = ctx.socket(zmq::PAIR).unwrap();
        monitor.connect("inproc://tracing-monitor").unwrap();
        socket.bind("tcp://127.0.0.1:*").unwrap();
        endpoint = socket.get_last_endpoint().unwrap().unwrap();
        assert_eq!(monitor.poll(POLLIN, 5000).unwrap(), 1);
        let event = monitor.recv_monitor_event(0).unwrap();
        assert_eq!(event.event(), Some(zmq::SocketEvent::LISTENING));
    });
    let monitored = with_message(&events, "monitor event");
    assert_eq!(monitored.len(), 1);
    let event = monitored[0];
    assert_eq!(event.level, Level::DEBUG);
    assert_eq!(event.field("event"), Some("Some(LISTENING)"));
    assert_eq!(
        event.field("raw_event"),
        Some(zmq::SocketEvent::LISTENING.to_raw().to_string().as_str())
    );
    assert_eq!(event.field("endpoint"), Some(endpoint.as_str()));
}
