//! `zmq::proxy`, `proxy_with_capture`, `proxy_steerable` and `proxy_steerable_with_capture`.

use std::thread::{self, JoinHandle};

use zmq::{Context, Error, Socket, DONTWAIT, POLLIN};

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

/// Receives one whole multipart message, failing the test instead of blocking forever.
fn recv_multipart(socket: &Socket) -> Vec<Vec<u8>> {
    assert_eq!(
        socket.poll(POLLIN, WAIT_MS).unwrap(),
        1,
        "nothing arrived in time"
    );
    socket.recv_multipart(DONTWAIT).unwrap()
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

/// A REQ client talking through the proxy to a REP worker: one round trip.
fn round_trip(client: &Socket, worker: &Socket, request: &str, reply: &str) {
    client.send(request, 0).unwrap();
    assert_eq!(recv(worker), request.as_bytes());
    worker.send(reply, 0).unwrap();
    assert_eq!(recv(client), reply.as_bytes());
}

/// Stops a plain proxy the only way it stops: by shutting its context down.
fn stop(ctx: &Context, proxy: JoinHandle<zmq::Result<()>>) {
    ctx.shutdown().unwrap();
    assert_eq!(proxy.join().unwrap(), Err(Error::ETERM));
}

#[test]
fn proxy_forwards_req_router_dealer_rep() {
    let ctx = Context::new();
    let frontend = bound(&ctx, zmq::ROUTER, "inproc://proxy-plain-front");
    let backend = bound(&ctx, zmq::DEALER, "inproc://proxy-plain-back");
    let proxy = thread::spawn(move || zmq::proxy(&frontend, &backend));

    let worker = connected(&ctx, zmq::REP, "inproc://proxy-plain-back");
    let client = connected(&ctx, zmq::REQ, "inproc://proxy-plain-front");
    round_trip(&client, &worker, "hello", "world");
    round_trip(&client, &worker, "second", "answer");

    stop(&ctx, proxy);
}

#[test]
fn proxy_with_capture_copies_every_message() {
    let ctx = Context::new();
    let mut frontend = bound(&ctx, zmq::ROUTER, "inproc://proxy-capture-front");
    let mut backend = bound(&ctx, zmq::DEALER, "inproc://proxy-capture-back");
    let mut capture = bound(&ctx, zmq::PUSH, "inproc://proxy-capture-tap");
    let tap = connected(&ctx, zmq::PULL, "inproc://proxy-capture-tap");
    let proxy =
        thread::spawn(move || zmq::proxy_with_capture(&mut frontend, &mut backend, &mut capture));

    let worker = connected(&ctx, zmq::REP, "inproc://proxy-capture-back");
    let client = connected(&ctx, zmq::REQ, "inproc://proxy-capture-front");
    round_trip(&client, &worker, "request", "reply");

    // The capture socket sees the request (routing envelope, empty delimiter, body) and then
    // the reply, each as a multipart message whose last frame is the body.
    let request = recv_multipart(&tap);
    assert_eq!(request.last().unwrap(), b"request");
    assert!(
        request.len() >= 2,
        "the ROUTER envelope is captured too: {request:?}"
    );
    let reply = recv_multipart(&tap);
    assert_eq!(reply.last().unwrap(), b"reply");
    assert_eq!(tap.poll(POLLIN, 0).unwrap(), 0, "nothing else was captured");

    stop(&ctx, proxy);
}

/// Sends a command to a steerable proxy and waits until it has been handled: a STATISTICS
/// request sent behind it is answered only after every earlier command (libzmq 4.3.5 also
/// answers other commands with an empty frame, which is skipped here). Returns the eight
/// counters.
fn steer(control: &Socket, command: &str) -> Vec<u64> {
    control.send(command, 0).unwrap();
    control.send("STATISTICS", 0).unwrap();
    loop {
        let reply = recv_multipart(control);
        if reply.len() == 1 && reply[0].is_empty() {
            continue;
        }
        assert_eq!(reply.len(), 8, "STATISTICS answers with eight frames");
        return reply
            .iter()
            .map(|frame| u64::from_ne_bytes(frame[..].try_into().unwrap()))
            .collect();
    }
}

#[test]
fn proxy_steerable_pauses_resumes_and_terminates() {
    let ctx = Context::new();
    let mut frontend = bound(&ctx, zmq::PULL, "inproc://steer-front");
    let mut backend = bound(&ctx, zmq::PUSH, "inproc://steer-back");
    let mut control = bound(&ctx, zmq::PAIR, "inproc://steer-control");
    let proxy =
        thread::spawn(move || zmq::proxy_steerable(&mut frontend, &mut backend, &mut control));
    let input = connected(&ctx, zmq::PUSH, "inproc://steer-front");
    let output = connected(&ctx, zmq::PULL, "inproc://steer-back");
    let steering = connected(&ctx, zmq::PAIR, "inproc://steer-control");

    // libzmq 4.3.5 has PAUSE and RESUME swapped (a bug of that release); older releases do
    // what the names say.
    let (pause, resume) = if zmq::version() == (4, 3, 5) {
        ("RESUME", "PAUSE")
    } else {
        ("PAUSE", "RESUME")
    };

    input.send("first", 0).unwrap();
    assert_eq!(recv(&output), b"first");
    let stats = steer(&steering, resume);
    assert_eq!(stats[0], 1, "frontend received one message: {stats:?}");
    assert_eq!(stats[1], 5, "frontend received five bytes: {stats:?}");
    assert_eq!(stats[6], 1, "backend sent one message: {stats:?}");

    steer(&steering, pause);
    input.send("held back", 0).unwrap();
    assert_eq!(
        output.poll(POLLIN, 300).unwrap(),
        0,
        "a paused proxy forwards nothing"
    );
    steer(&steering, resume);
    assert_eq!(recv(&output), b"held back");

    steering.send("TERMINATE", 0).unwrap();
    assert_eq!(proxy.join().unwrap(), Ok(()));
}

#[test]
fn proxy_steerable_with_capture_captures_and_terminates() {
    let ctx = Context::new();
    let mut frontend = bound(&ctx, zmq::PULL, "inproc://steer-cap-front");
    let mut backend = bound(&ctx, zmq::PUSH, "inproc://steer-cap-back");
    let mut capture = bound(&ctx, zmq::PUSH, "inproc://steer-cap-tap");
    let mut control = bound(&ctx, zmq::PAIR, "inproc://steer-cap-control");
    let tap = connected(&ctx, zmq::PULL, "inproc://steer-cap-tap");
    let proxy = thread::spawn(move || {
        zmq::proxy_steerable_with_capture(&mut frontend, &mut backend, &mut capture, &mut control)
    });
    let input = connected(&ctx, zmq::PUSH, "inproc://steer-cap-front");
    let output = connected(&ctx, zmq::PULL, "inproc://steer-cap-back");
    let steering = connected(&ctx, zmq::PAIR, "inproc://steer-cap-control");

    input.send_multipart(["two", "parts"], 0).unwrap();
    assert_eq!(
        recv_multipart(&output),
        [b"two".to_vec(), b"parts".to_vec()]
    );
    assert_eq!(recv_multipart(&tap), [b"two".to_vec(), b"parts".to_vec()]);

    steering.send("TERMINATE", 0).unwrap();
    assert_eq!(proxy.join().unwrap(), Ok(()));
}

#[test]
fn proxy_steerable_without_commands_stops_on_shutdown() {
    let ctx = Context::new();
    let mut frontend = bound(&ctx, zmq::PULL, "inproc://steer-eterm-front");
    let mut backend = bound(&ctx, zmq::PUSH, "inproc://steer-eterm-back");
    let mut control = bound(&ctx, zmq::PAIR, "inproc://steer-eterm-control");
    let proxy =
        thread::spawn(move || zmq::proxy_steerable(&mut frontend, &mut backend, &mut control));
    stop(&ctx, proxy);
}
