//! A monitored server socket for the authentication tests (`tests/auth.rs`,
//! `tests/sbs_auth.rs`): it reports each handshake's outcome and waits for messages with
//! bounds. Include with `#[path = "common/auth_server.rs"] mod auth_server;`.
#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use zmq::{Context, Error, Message, MonitorEvent, Socket, SocketEvent, SocketType};

/// How long a refused client is given to get a message through (it must not).
pub const REFUSED_WAIT: Duration = Duration::from_millis(400);
/// Upper bound for anything that should happen.
pub const DEADLINE: Duration = Duration::from_secs(10);

static NEXT: AtomicUsize = AtomicUsize::new(0);

pub fn unique(tag: &str) -> String {
    format!(
        "{tag}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

pub struct Server {
    pub socket: Socket,
    pub endpoint: String,
    pub events: Socket,
}

/// A server socket of `kind` on loopback tcp with a monitor on handshake events; `setup`
/// configures security before the bind.
pub fn server(ctx: &Context, kind: SocketType, setup: impl FnOnce(&Socket)) -> Server {
    let socket = ctx.socket(kind).unwrap();
    socket.set_linger(0).unwrap();
    setup(&socket);
    let monitor = format!("inproc://{}", unique("auth-mon"));
    socket
        .monitor(
            &monitor,
            SocketEvent::HANDSHAKE_SUCCEEDED as i32
                | SocketEvent::HANDSHAKE_FAILED_AUTH as i32
                | SocketEvent::HANDSHAKE_FAILED_PROTOCOL as i32
                | SocketEvent::HANDSHAKE_FAILED_NO_DETAIL as i32,
        )
        .unwrap();
    let events = ctx.socket(SocketType::PAIR).unwrap();
    events.set_linger(0).unwrap();
    events.connect(&monitor).unwrap();
    socket.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = socket.get_last_endpoint().unwrap().unwrap();
    Server {
        socket,
        endpoint,
        events,
    }
}

impl Server {
    /// The next handshake event (bounded).
    pub fn event(&self) -> MonitorEvent {
        self.events
            .set_rcvtimeo(DEADLINE.as_millis() as i32)
            .unwrap();
        self.events
            .recv_monitor_event(0)
            .expect("a handshake event within the deadline")
    }

    /// Asserts the next handshake was refused by ZAP with `status`.
    pub fn expect_refused(&self, status: u32) {
        let event = self.event();
        assert_eq!(
            event.event(),
            Some(SocketEvent::HANDSHAKE_FAILED_AUTH),
            "{event:?}"
        );
        assert_eq!(event.value(), status, "{event:?}");
    }

    /// Asserts the next handshake succeeded.
    pub fn expect_admitted(&self) {
        let event = self.event();
        assert_eq!(
            event.event(),
            Some(SocketEvent::HANDSHAKE_SUCCEEDED),
            "{event:?}"
        );
    }

    /// The next message, within the deadline.
    pub fn recv(&self) -> Message {
        self.socket
            .set_rcvtimeo(DEADLINE.as_millis() as i32)
            .unwrap();
        self.socket
            .recv_msg(0)
            .expect("a message from the admitted client")
    }

    /// Asserts nothing arrives for a while.
    pub fn expect_nothing(&self) {
        self.socket
            .set_rcvtimeo(REFUSED_WAIT.as_millis() as i32)
            .unwrap();
        match self.socket.recv_msg(0) {
            Err(Error::EAGAIN) => {}
            other => panic!("a refused client got a message through: {other:?}"),
        }
    }
}

/// Fails the test when the linked libzmq has no CURVE (both link modes here have it).
pub fn require_curve() {
    assert_eq!(
        zmq::has("curve"),
        Some(true),
        "the linked libzmq has no CURVE support; the authentication tests need it"
    );
}
