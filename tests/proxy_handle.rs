//! `zmq::ProxyHandle`: the steerable proxy on its own thread.

use std::time::{Duration, Instant};

use zmq::{Context, Error, ProxyHandle, Socket, DONTWAIT, POLLIN};

/// How long a test waits for something that should happen at once.
const WAIT_MS: i64 = 5000;

/// Receives one frame, failing the test instead of blocking forever.
fn recv(socket: &Socket) -> Vec<u8> {
    assert_eq!(
        socket.poll(POLLIN, WAIT_MS).unwrap(),
        1,
        "nothing arrived in time"
    );
    socket.recv_bytes(DONTWAIT).unwrap()
}

fn bound(ctx: &Context, kind: zmq::SocketType, endpoint: &str) -> Socket {
    let socket = ctx.socket(kind).unwrap();
    socket.bind(endpoint).unwrap();
    socket
}

fn connected(ctx: &Context, kind: zmq::SocketType, endpoint: &str) -> Socket {
    let socket = ctx.socket(kind).unwrap();
    socket.connect(endpoint).unwrap();
    socket
}

/// A PULL→PUSH proxy on `inproc://{name}-in` / `-out`, with a PUSH input and a PULL output.
fn streamer(ctx: &Context, name: &str) -> (ProxyHandle, Socket, Socket) {
    let (front, back) = (
        format!("inproc://{name}-in"),
        format!("inproc://{name}-out"),
    );
    let proxy = ProxyHandle::spawn(
        bound(ctx, zmq::PULL, &front),
        bound(ctx, zmq::PUSH, &back),
        None,
    )
    .unwrap();
    let input = connected(ctx, zmq::PUSH, &front);
    let output = connected(ctx, zmq::PULL, &back);
    (proxy, input, output)
}

#[test]
fn forwards_requests_and_replies_both_ways() {
    let ctx = Context::new();
    let proxy = ProxyHandle::spawn(
        bound(&ctx, zmq::ROUTER, "inproc://ph-rr-front"),
        bound(&ctx, zmq::DEALER, "inproc://ph-rr-back"),
        None,
    )
    .unwrap();
    let worker = connected(&ctx, zmq::REP, "inproc://ph-rr-back");
    let client = connected(&ctx, zmq::REQ, "inproc://ph-rr-front");
    for (request, reply) in [("one", "1"), ("two", "2")] {
        client.send(request, 0).unwrap();
        assert_eq!(recv(&worker), request.as_bytes());
        worker.send(reply, 0).unwrap();
        assert_eq!(recv(&client), reply.as_bytes());
    }
    let sockets = proxy.terminate().unwrap();
    assert_eq!(sockets.frontend.get_socket_type().unwrap(), zmq::ROUTER);
    assert_eq!(sockets.backend.get_socket_type().unwrap(), zmq::DEALER);
    assert!(sockets.capture.is_none());
}

#[test]
fn pause_holds_messages_back_until_resume() {
    let ctx = Context::new();
    let (mut proxy, input, output) = streamer(&ctx, "ph-pause");
    input.send("before", 0).unwrap();
    assert_eq!(recv(&output), b"before");

    proxy.pause().unwrap();
    input.send("while paused", 0).unwrap();
    assert_eq!(
        output.poll(POLLIN, 300).unwrap(),
        0,
        "a paused proxy forwards nothing (libzmq {:?})",
        zmq::version()
    );
    // Pausing twice is still paused.
    proxy.pause().unwrap();
    assert_eq!(output.poll(POLLIN, 50).unwrap(), 0);
    assert_eq!(proxy.statistics().unwrap().frontend.messages_received, 1);

    proxy.resume().unwrap();
    assert_eq!(recv(&output), b"while paused");
    proxy.resume().unwrap();
    input.send("after", 0).unwrap();
    assert_eq!(recv(&output), b"after");
}

#[test]
fn statistics_count_messages_and_bytes_per_side() {
    let ctx = Context::new();
    let (mut proxy, input, output) = streamer(&ctx, "ph-stats");
    assert_eq!(proxy.statistics().unwrap(), zmq::ProxyStatistics::default());

    input.send("abc", 0).unwrap();
    input.send_multipart(["de", "fghij"], 0).unwrap();
    assert_eq!(recv(&output), b"abc");
    assert_eq!(recv(&output), b"de");
    assert_eq!(recv(&output), b"fghij");

    let stats = proxy.statistics().unwrap();
    // libzmq 4.3.5 counts frames; earlier releases count whole (multipart) messages.
    let messages = if zmq::version() >= (4, 3, 5) { 3 } else { 2 };
    let ten_bytes_in = zmq::ProxySideStatistics {
        messages_received: messages,
        bytes_received: 10,
        messages_sent: 0,
        bytes_sent: 0,
    };
    let ten_bytes_out = zmq::ProxySideStatistics {
        messages_received: 0,
        bytes_received: 0,
        messages_sent: messages,
        bytes_sent: 10,
    };
    assert_eq!(stats.frontend, ten_bytes_in);
    assert_eq!(stats.backend, ten_bytes_out);
}

#[test]
fn capture_gets_a_copy_and_comes_back_on_terminate() {
    let ctx = Context::new();
    let capture = bound(&ctx, zmq::PUSH, "inproc://ph-cap-tap");
    let tap = connected(&ctx, zmq::PULL, "inproc://ph-cap-tap");
    let proxy = ProxyHandle::spawn(
        bound(&ctx, zmq::PULL, "inproc://ph-cap-in"),
        bound(&ctx, zmq::PUSH, "inproc://ph-cap-out"),
        Some(capture),
    )
    .unwrap();
    let input = connected(&ctx, zmq::PUSH, "inproc://ph-cap-in");
    let output = connected(&ctx, zmq::PULL, "inproc://ph-cap-out");
    input.send("copied", 0).unwrap();
    assert_eq!(recv(&output), b"copied");
    assert_eq!(recv(&tap), b"copied");

    let mut proxy = proxy;
    proxy.pause().unwrap();
    let sockets = proxy.terminate().unwrap();
    if zmq::version() < (4, 3, 5) {
        // Earlier releases copy the control commands to the capture socket as well.
        assert_eq!(recv(&tap), b"PAUSE");
        assert_eq!(recv(&tap), b"STATISTICS");
        assert_eq!(recv(&tap), b"TERMINATE");
    }
    let capture = sockets.capture.expect("the capture socket comes back");
    // The returned sockets still work: the capture socket sends on its own now.
    capture.send("direct", 0).unwrap();
    assert_eq!(recv(&tap), b"direct");
}

#[test]
fn terminate_stops_forwarding_and_the_sockets_can_be_reused() {
    let ctx = Context::new();
    let (proxy, input, output) = streamer(&ctx, "ph-term");
    assert!(proxy.is_running());
    let sockets = proxy.terminate().unwrap();
    input.send("nobody forwards this", 0).unwrap();
    // The frontend (a PULL) now holds the message itself.
    assert_eq!(recv(&sockets.frontend), b"nobody forwards this");
    assert_eq!(output.poll(POLLIN, 0).unwrap(), 0);
}

/// Terminates `ctx` on another thread: `Ok` once done, `Err` if it is still waiting for an
/// open socket after five seconds.
fn destroy_within_bound(
    ctx: &Context,
) -> Result<zmq::Result<()>, std::sync::mpsc::RecvTimeoutError> {
    let mut ctx = ctx.clone();
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || done.send(ctx.destroy()));
    finished.recv_timeout(Duration::from_secs(5))
}

#[test]
fn drop_terminates_and_joins_the_thread() {
    let ctx = Context::new();
    let (proxy, input, output) = streamer(&ctx, "ph-drop");
    input.send("x", 0).unwrap();
    assert_eq!(recv(&output), b"x");
    drop(proxy);
    drop((input, output));
    // Context termination waits for every socket of the context: the proxy's four (the
    // proxied pair and the control pair) were closed by the drop.
    assert_eq!(destroy_within_bound(&ctx), Ok(Ok(())));
}

#[test]
fn terminate_after_a_timed_out_wait_still_works() {
    let ctx = Context::new();
    let (mut proxy, input, output) = streamer(&ctx, "ph-timeout");
    // A zero bound cannot be met: the wait gives up at once, and the answer comes later.
    proxy.set_timeout(Duration::ZERO);
    assert_eq!(proxy.statistics(), Err(Error::EAGAIN));
    proxy.set_timeout(Duration::from_secs(5));
    input.send("x", 0).unwrap();
    assert_eq!(recv(&output), b"x");
    // The late answer to the first request is skipped: these counters are current.
    assert_eq!(proxy.statistics().unwrap().frontend.messages_received, 1);
    proxy.terminate().unwrap();
}

#[test]
fn context_shutdown_ends_the_proxy_and_every_call_reports_eterm() {
    let ctx = Context::new();
    let (mut proxy, input, output) = streamer(&ctx, "ph-shutdown");
    input.send("x", 0).unwrap();
    assert_eq!(recv(&output), b"x");
    ctx.shutdown().unwrap();

    let started = Instant::now();
    assert_eq!(proxy.pause(), Err(Error::ETERM));
    assert_eq!(proxy.resume(), Err(Error::ETERM));
    assert_eq!(proxy.statistics(), Err(Error::ETERM));
    assert!(!proxy.is_running());
    assert_eq!(proxy.terminate().map(drop), Err(Error::ETERM));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "no call waits for an answer that cannot come"
    );
}

#[test]
fn dropping_after_context_shutdown_does_not_hang() {
    let ctx = Context::new();
    let (proxy, _input, _output) = streamer(&ctx, "ph-shutdown-drop");
    ctx.shutdown().unwrap();
    drop(proxy);
}

#[test]
fn a_proxy_over_sockets_of_another_context_gets_the_control_pair_there() {
    let ctx = Context::new();
    let other = Context::new();
    let (mut proxy, input, output) = streamer(&other, "ph-other-ctx");
    input.send("x", 0).unwrap();
    assert_eq!(recv(&output), b"x");
    assert_eq!(proxy.statistics().unwrap().frontend.messages_received, 1);
    // Shutting another context down does not disturb it.
    ctx.shutdown().unwrap();
    assert_eq!(proxy.statistics().unwrap().backend.messages_sent, 1);
}

#[test]
fn many_handles_get_distinct_control_endpoints() {
    let ctx = Context::new();
    let handles: Vec<_> = (0..4)
        .map(|i| streamer(&ctx, &format!("ph-many-{i}")))
        .collect();
    for (i, (_, input, output)) in handles.iter().enumerate() {
        input.send(format!("{i}").as_str(), 0).unwrap();
        assert_eq!(recv(output), format!("{i}").as_bytes());
    }
    for (proxy, _, _) in handles {
        proxy.terminate().unwrap();
    }
}

#[test]
fn sockets_without_a_context_are_einval() {
    // SAFETY: a context and two sockets made here through libzmq itself; the sockets are
    // adopted once each (and closed by `spawn`'s failure) before the context is terminated.
    unsafe {
        let raw_ctx = zmq_sys::zmq_ctx_new();
        assert!(!raw_ctx.is_null());
        let front = Socket::from_raw(zmq_sys::zmq_socket(raw_ctx, zmq_sys::ZMQ_PULL as i32));
        let back = Socket::from_raw(zmq_sys::zmq_socket(raw_ctx, zmq_sys::ZMQ_PUSH as i32));
        assert!(front.context().is_none() && back.context().is_none());
        assert_eq!(
            ProxyHandle::spawn(front, back, None).map(drop),
            Err(Error::EINVAL)
        );
        assert_eq!(zmq_sys::zmq_ctx_term(raw_ctx), 0);
    }
}
