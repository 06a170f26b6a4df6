//! Helpers shared by the integration tests.
#![allow(dead_code)]

/// Receive/send timeout every test socket gets, so a broken exchange fails instead of hanging.
pub const TIMEOUT_MS: i32 = 5_000;

/// A socket with bounded send/receive waits and no linger.
pub fn socket(ctx: &zmq::Context, kind: zmq::SocketType) -> zmq::Socket {
    let s = ctx.socket(kind).unwrap();
    s.set_rcvtimeo(TIMEOUT_MS).unwrap();
    s.set_sndtimeo(TIMEOUT_MS).unwrap();
    s.set_linger(0).unwrap();
    s
}

/// `server` bound to a free loopback TCP port, `client` connected to it.
pub fn bound_pair(
    ctx: &zmq::Context,
    server: zmq::SocketType,
    client: zmq::SocketType,
) -> (zmq::Socket, zmq::Socket) {
    let s = socket(ctx, server);
    s.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = s.get_last_endpoint().unwrap().unwrap();
    let c = socket(ctx, client);
    c.connect(&endpoint).unwrap();
    (s, c)
}

/// A unique inproc endpoint name for this test.
pub fn inproc(name: &str) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    format!("inproc://{name}-{}", N.fetch_add(1, Ordering::Relaxed))
}
