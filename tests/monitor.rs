//! `Socket::monitor`, `SocketEvent` and the `MonitorEvent` decoder.

use std::time::Duration;

use zmq::{
    Context, Error, Message, MonitorEvent, ProtocolError, Socket, SocketEvent, SocketEventMask,
    DONTWAIT, POLLIN,
};

/// How long a test waits for something that should happen at once.
const WAIT_MS: i64 = 5000;

/// Starts monitoring `socket` with `events` and returns the connected PAIR reading them.
fn monitor(ctx: &Context, socket: &Socket, name: &str, events: i32) -> Socket {
    let endpoint = format!("inproc://monitor-{name}");
    socket.monitor(&endpoint, events).unwrap();
    let reader = ctx.socket(zmq::PAIR).unwrap();
    reader.connect(&endpoint).unwrap();
    reader
}

/// The next event, failing the test instead of blocking forever.
fn next_event(reader: &Socket) -> MonitorEvent {
    assert_eq!(
        reader.poll(POLLIN, WAIT_MS).unwrap(),
        1,
        "no monitor event in time"
    );
    reader.recv_monitor_event(DONTWAIT).unwrap()
}

/// The next event's kind, skipping events in `skip`.
fn next_kind_skipping(reader: &Socket, skip: &[SocketEvent]) -> MonitorEvent {
    loop {
        let event = next_event(reader);
        match event.event() {
            Some(kind) if skip.contains(&kind) => continue,
            _ => return event,
        }
    }
}

fn header(event: u16, value: u32) -> Vec<u8> {
    let mut frame = event.to_ne_bytes().to_vec();
    frame.extend_from_slice(&value.to_ne_bytes());
    frame
}

#[test]
fn monitor_endpoint_must_be_inproc() {
    let ctx = Context::new();
    let socket = ctx.socket(zmq::DEALER).unwrap();
    assert_eq!(
        socket.monitor("tcp://127.0.0.1:*", 0),
        Err(Error::EPROTONOSUPPORT)
    );
    assert_eq!(
        socket.monitor("inproc://monitor-\0nul", SocketEvent::ALL as i32),
        Err(Error::EINVAL)
    );
    socket
        .monitor("inproc://monitor-inproc-ok", SocketEvent::ALL as i32)
        .unwrap();
    // A second monitor on the same name is a second bind of that name.
    let other = ctx.socket(zmq::DEALER).unwrap();
    assert_eq!(
        other.monitor("inproc://monitor-inproc-ok", SocketEvent::ALL as i32),
        Err(Error::EADDRINUSE)
    );
}

#[test]
fn tcp_dealer_pair_reports_the_connection_lifecycle() {
    let ctx = Context::new();
    let server = ctx.socket(zmq::DEALER).unwrap();
    let client = ctx.socket(zmq::DEALER).unwrap();
    server.set_linger(0).unwrap();
    client.set_linger(0).unwrap();
    let server_mon = monitor(&ctx, &server, "lifecycle-server", SocketEvent::ALL as i32);
    let client_mon = monitor(&ctx, &client, "lifecycle-client", SocketEvent::ALL as i32);

    server.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = server.get_last_endpoint().unwrap().unwrap();
    client.connect(&endpoint).unwrap();

    // Server: listening on the bound endpoint, then the accepted connection.
    let listening = next_event(&server_mon);
    assert_eq!(listening.event(), Some(SocketEvent::LISTENING));
    assert_eq!(listening.endpoint_str(), Some(endpoint.as_str()));
    assert_eq!(listening.raw_event(), SocketEvent::LISTENING.to_raw());
    assert_eq!(listening.error(), None);
    let accepted = next_event(&server_mon);
    assert_eq!(accepted.event(), Some(SocketEvent::ACCEPTED));
    assert_eq!(
        next_event(&server_mon).event(),
        Some(SocketEvent::HANDSHAKE_SUCCEEDED)
    );

    // Client: maybe "delayed", then connected (to the server's endpoint) and the handshake.
    let connected = next_kind_skipping(&client_mon, &[SocketEvent::CONNECT_DELAYED]);
    assert_eq!(connected.event(), Some(SocketEvent::CONNECTED));
    assert_eq!(connected.endpoint(), endpoint.as_bytes());
    assert_eq!(
        next_event(&client_mon).event(),
        Some(SocketEvent::HANDSHAKE_SUCCEEDED)
    );

    // The connection works.
    client.send("ping", 0).unwrap();
    assert_eq!(server.poll(POLLIN, WAIT_MS).unwrap(), 1);
    assert_eq!(server.recv_bytes(DONTWAIT).unwrap(), b"ping");

    // Closing the client ends its monitoring (it may first report the connection closing).
    drop(client);
    let stopped = next_kind_skipping(
        &client_mon,
        &[SocketEvent::CLOSED, SocketEvent::DISCONNECTED],
    );
    assert_eq!(stopped.event(), Some(SocketEvent::MONITOR_STOPPED));

    // The server sees the peer go away, then its own close.
    assert_eq!(
        next_event(&server_mon).event(),
        Some(SocketEvent::DISCONNECTED)
    );
    drop(server);
    let closed = next_event(&server_mon);
    assert_eq!(closed.event(), Some(SocketEvent::CLOSED));
    assert_eq!(closed.endpoint_str(), Some(endpoint.as_str()));
    assert_eq!(
        next_event(&server_mon).event(),
        Some(SocketEvent::MONITOR_STOPPED)
    );
    assert_eq!(server_mon.poll(POLLIN, 0).unwrap(), 0);
}

#[test]
fn event_mask_selects_events() {
    let ctx = Context::new();
    let server = ctx.socket(zmq::DEALER).unwrap();
    server.set_linger(0).unwrap();
    server.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = server.get_last_endpoint().unwrap().unwrap();

    let client = ctx.socket(zmq::DEALER).unwrap();
    client.set_linger(0).unwrap();
    client
        .monitor_events(
            "inproc://monitor-mask",
            SocketEventMask::HANDSHAKE_SUCCEEDED | SocketEventMask::MONITOR_STOPPED,
        )
        .unwrap();
    let reader = ctx.socket(zmq::PAIR).unwrap();
    reader.connect("inproc://monitor-mask").unwrap();
    client.connect(&endpoint).unwrap();

    // No CONNECT_DELAYED or CONNECTED: only what the mask asked for.
    assert_eq!(
        next_event(&reader).event(),
        Some(SocketEvent::HANDSHAKE_SUCCEEDED)
    );
    drop(client);
    assert_eq!(
        next_event(&reader).event(),
        Some(SocketEvent::MONITOR_STOPPED)
    );
}

#[test]
fn bind_failure_is_reported_with_its_errno() {
    let ctx = Context::new();
    let first = ctx.socket(zmq::DEALER).unwrap();
    first.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = first.get_last_endpoint().unwrap().unwrap();

    let second = ctx.socket(zmq::DEALER).unwrap();
    assert_eq!(second.bind(&endpoint), Err(Error::EADDRINUSE));
    let reader = monitor(
        &ctx,
        &second,
        "bind-failed",
        SocketEvent::BIND_FAILED as i32,
    );
    // With a monitor attached, libzmq (4.3.4 and 4.3.5) still fails the bind, but sending the
    // event can overwrite errno (seen: EAGAIN), so only the event's value is exact.
    let err = second.bind(&endpoint).unwrap_err();
    assert!(matches!(err, Error::EADDRINUSE | Error::EAGAIN), "{err:?}");
    let failed = next_event(&reader);
    assert_eq!(failed.event(), Some(SocketEvent::BIND_FAILED));
    assert_eq!(failed.error(), Some(Error::EADDRINUSE));
    assert_eq!(failed.value() as i32, Error::EADDRINUSE.to_raw());
}

#[test]
fn refused_connection_is_retried_with_an_interval() {
    let ctx = Context::new();
    // A port that was just free: bind, read it back, close.
    let endpoint = {
        let probe = ctx.socket(zmq::DEALER).unwrap();
        probe.set_linger(0).unwrap();
        probe.bind("tcp://127.0.0.1:*").unwrap();
        probe.get_last_endpoint().unwrap().unwrap()
    };
    let client = ctx.socket(zmq::DEALER).unwrap();
    client.set_linger(0).unwrap();
    client.set_reconnect_ivl(50).unwrap();
    let reader = monitor(
        &ctx,
        &client,
        "retried",
        SocketEventMask::CONNECT_RETRIED.bits(),
    );
    client.connect(&endpoint).unwrap();
    let retried = next_event(&reader);
    assert_eq!(retried.event(), Some(SocketEvent::CONNECT_RETRIED));
    let interval = retried.retry_interval().unwrap();
    assert!(
        interval >= Duration::from_millis(50) && interval < Duration::from_secs(5),
        "{interval:?}"
    );
    assert_eq!(retried.error(), None);
}

#[test]
fn socket_event_values_are_libzmqs() {
    let expected: [(SocketEvent, u16); 16] = [
        (SocketEvent::CONNECTED, 1),
        (SocketEvent::CONNECT_DELAYED, 2),
        (SocketEvent::CONNECT_RETRIED, 4),
        (SocketEvent::LISTENING, 8),
        (SocketEvent::BIND_FAILED, 16),
        (SocketEvent::ACCEPTED, 32),
        (SocketEvent::ACCEPT_FAILED, 64),
        (SocketEvent::CLOSED, 128),
        (SocketEvent::CLOSE_FAILED, 256),
        (SocketEvent::DISCONNECTED, 512),
        (SocketEvent::MONITOR_STOPPED, 1024),
        (SocketEvent::HANDSHAKE_FAILED_NO_DETAIL, 2048),
        (SocketEvent::HANDSHAKE_SUCCEEDED, 4096),
        (SocketEvent::HANDSHAKE_FAILED_PROTOCOL, 8192),
        (SocketEvent::HANDSHAKE_FAILED_AUTH, 16384),
        (SocketEvent::ALL, 65535),
    ];
    for (event, raw) in expected {
        assert_eq!(event.to_raw(), raw);
        assert_eq!(event as i32, i32::from(raw));
        assert_eq!(SocketEvent::from_raw(raw), event);
        assert_eq!(SocketEvent::try_from(raw), Ok(event));
        assert_eq!(
            SocketEventMask::from(event).bits(),
            i32::from(raw),
            "{event:?}"
        );
    }
    assert_eq!(
        format!("{:?}", SocketEvent::HANDSHAKE_SUCCEEDED),
        "HANDSHAKE_SUCCEEDED"
    );
}

#[test]
fn unknown_event_values_do_not_panic() {
    for raw in [0u16, 3, 5, 96, 0x8000, 0xfffe] {
        assert_eq!(SocketEvent::from_raw(raw), SocketEvent::ALL, "{raw}");
        assert_eq!(SocketEvent::try_from(raw), Err(Error::EINVAL), "{raw}");
    }
    // Every u16: from_raw never panics, and agrees with try_from where that succeeds.
    for raw in 0..=u16::MAX {
        let lossy = SocketEvent::from_raw(raw);
        match SocketEvent::try_from(raw) {
            Ok(event) => assert_eq!(event, lossy),
            Err(_) => assert_eq!(lossy, SocketEvent::ALL),
        }
    }
}

#[test]
fn decoder_reads_both_frames() {
    let event = MonitorEvent::from_frames(
        &header(SocketEvent::BIND_FAILED.to_raw(), libc::EADDRINUSE as u32),
        b"tcp://127.0.0.1:1",
    )
    .unwrap();
    assert_eq!(event.event(), Some(SocketEvent::BIND_FAILED));
    assert_eq!(event.error(), Some(Error::EADDRINUSE));
    assert_eq!(event.protocol_error(), None);
    assert_eq!(event.endpoint(), b"tcp://127.0.0.1:1");

    // An event number this crate does not know is kept, not lost or turned into ALL.
    let unknown = MonitorEvent::from_frames(&header(0x8000, 9), b"").unwrap();
    assert_eq!(unknown.event(), None);
    assert_eq!(unknown.raw_event(), 0x8000);
    assert_eq!(unknown.value(), 9);
    assert_eq!(unknown.error(), None);
    assert_eq!(unknown.retry_interval(), None);
    assert!(format!("{unknown:?}").contains("32768"));

    let protocol = MonitorEvent::from_frames(
        &header(
            SocketEvent::HANDSHAKE_FAILED_PROTOCOL.to_raw(),
            zmq_sys::ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH,
        ),
        b"tcp://127.0.0.1:2",
    )
    .unwrap();
    assert_eq!(
        protocol.protocol_error(),
        Some(ProtocolError::ZMTP_MECHANISM_MISMATCH)
    );
    assert_eq!(
        ProtocolError::ZMTP_MECHANISM_MISMATCH.to_raw(),
        zmq_sys::ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH
    );
    assert_eq!(ProtocolError::try_from(0x1234), Err(zmq::Error::EINVAL));
    // A non-UTF-8 endpoint is kept as bytes.
    let binary = MonitorEvent::from_frames(&header(1, 0), &[0xff, 0xfe]).unwrap();
    assert_eq!(binary.endpoint_str(), None);
    assert_eq!(binary.endpoint(), [0xff, 0xfe]);

    // `decode` takes the frames as messages.
    let frames = [
        Message::from(&header(SocketEvent::CLOSED.to_raw(), 12)[..]),
        Message::from("ipc:///tmp/x"),
    ];
    let closed = MonitorEvent::decode(&frames).unwrap();
    assert_eq!(closed.event(), Some(SocketEvent::CLOSED));
    assert_eq!(closed.value(), 12);
    assert_eq!(closed.endpoint_str(), Some("ipc:///tmp/x"));
}

#[test]
fn decoder_rejects_malformed_frames() {
    let good = header(1, 2);
    for len in (0..=16).filter(|&len| len != 6) {
        let frame = vec![0xa5u8; len];
        assert_eq!(
            MonitorEvent::from_frames(&frame, b"x"),
            Err(Error::EPROTO),
            "len {len}"
        );
    }
    assert_eq!(MonitorEvent::decode(&[]), Err(Error::EPROTO));
    assert_eq!(
        MonitorEvent::decode(&[Message::from(&good[..])]),
        Err(Error::EPROTO)
    );
    assert_eq!(
        MonitorEvent::decode(&[
            Message::from(&good[..]),
            Message::from("a"),
            Message::from("b")
        ]),
        Err(Error::EPROTO)
    );
}

#[test]
fn recv_monitor_event_rejects_other_messages() {
    let ctx = Context::new();
    let reader = ctx.socket(zmq::PAIR).unwrap();
    reader.bind("inproc://monitor-not-events").unwrap();
    let sender = ctx.socket(zmq::PAIR).unwrap();
    sender.connect("inproc://monitor-not-events").unwrap();

    // One frame only.
    sender.send(&header(1, 2)[..], 0).unwrap();
    assert_eq!(reader.poll(POLLIN, WAIT_MS).unwrap(), 1);
    assert_eq!(reader.recv_monitor_event(DONTWAIT), Err(Error::EPROTO));
    // Two frames, but a short header.
    sender.send_multipart([&b"abc"[..], b"tcp://x"], 0).unwrap();
    assert_eq!(reader.poll(POLLIN, WAIT_MS).unwrap(), 1);
    assert_eq!(reader.recv_monitor_event(DONTWAIT), Err(Error::EPROTO));
    // Three frames: rejected and consumed whole, so the next message decodes.
    sender
        .send_multipart([&header(1, 2)[..], b"tcp://x", b"extra"], 0)
        .unwrap();
    sender
        .send_multipart([&header(8, 3)[..], b"tcp://y"], 0)
        .unwrap();
    assert_eq!(reader.poll(POLLIN, WAIT_MS).unwrap(), 1);
    assert_eq!(reader.recv_monitor_event(DONTWAIT), Err(Error::EPROTO));
    let next = reader.recv_monitor_event(DONTWAIT).unwrap();
    assert_eq!(next.event(), Some(SocketEvent::LISTENING));
    assert_eq!(next.endpoint_str(), Some("tcp://y"));
    // Nothing there: the flags reach the first receive.
    assert_eq!(reader.recv_monitor_event(DONTWAIT), Err(Error::EAGAIN));
}
