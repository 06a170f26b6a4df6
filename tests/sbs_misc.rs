//! Side by side with pyzmq: multipart messages through ROUTER/DEALER, large messages with
//! checksums, and the errors of out-of-order calls (EFSM), compared with what pyzmq raises.

#[path = "common/py.rs"]
mod py;
#[path = "common/sbs.rs"]
mod sbs;
#[path = "common/scripts.rs"]
mod scripts;

use std::collections::BTreeMap;

use py::{values, PyProc, TempDir, Transport};

const MESSAGES: usize = 3;

fn rust_dealer_python_router(transport: Transport) {
    let dir = TempDir::new("mp");
    let (mut router, endpoint) = scripts::router_echo(transport, &dir, MESSAGES);

    let ctx = zmq::Context::new();
    let dealer = sbs::socket(&ctx, zmq::DEALER);
    dealer.set_identity(b"rust-dealer").unwrap();
    dealer.connect(&endpoint).unwrap();
    // All messages first, then the echoes: several multipart messages in flight at once.
    for i in 0..MESSAGES {
        dealer.send_multipart(sbs::dealer_frames(i), 0).unwrap();
    }
    for i in 0..MESSAGES {
        assert_eq!(
            dealer.recv_multipart(0).unwrap(),
            sbs::dealer_frames(i),
            "echo {i}"
        );
    }
    let lines = router.finish_ok();
    assert_eq!(
        values(&lines, "FROM "),
        vec!["rust-dealer 4".to_owned(); MESSAGES]
    );
}

fn python_dealer_rust_router(transport: Transport) {
    let dir = TempDir::new("mp");
    let ctx = zmq::Context::new();
    let router = sbs::socket(&ctx, zmq::ROUTER);
    let endpoint = sbs::bind(&router, &transport.bind_endpoint(&dir, "router.ipc"));
    let mut dealer = scripts::mp_dealer(&endpoint, MESSAGES);
    for i in 0..MESSAGES {
        let frames = router.recv_multipart(0).unwrap();
        assert_eq!(frames[0], b"py-dealer", "routing id of message {i}");
        assert_eq!(
            frames[1..],
            sbs::dealer_frames(i)[..],
            "frames of message {i}"
        );
        router.send_multipart(frames, 0).unwrap();
    }
    scripts::assert_dealer_echoed(&dealer.finish_ok(), MESSAGES);
}

#[test]
fn rust_dealer_to_python_router_tcp() {
    rust_dealer_python_router(Transport::Tcp);
}

#[test]
fn rust_dealer_to_python_router_ipc() {
    rust_dealer_python_router(Transport::Ipc);
}

#[test]
fn python_dealer_to_rust_router_tcp() {
    python_dealer_rust_router(Transport::Tcp);
}

#[test]
fn python_dealer_to_rust_router_ipc() {
    python_dealer_rust_router(Transport::Ipc);
}

const SIZES: [usize; 3] = [0, 1 << 20, 16 << 20];

/// Rust sends payloads of 0 B, 1 MiB and 16 MiB, Python checks their CRC-32; then Python
/// sends payloads of the same sizes with their CRC-32, Rust checks them.
fn big_messages(transport: Transport) {
    let dir = TempDir::new("big");
    let ctx = zmq::Context::new();
    let req = sbs::socket(&ctx, zmq::REQ);
    // Over tcp Python binds; over ipc Rust binds and Python connects.
    let mut peer = match transport {
        Transport::Tcp => {
            let mut peer = PyProc::spawn("bulk.py", &["--bind", "tcp://127.0.0.1:*"]);
            req.connect(&peer.ready()).unwrap();
            peer
        }
        Transport::Ipc => {
            let endpoint = sbs::bind(&req, &dir.ipc("bulk.ipc"));
            let mut peer = PyProc::spawn("bulk.py", &["--connect", &endpoint]);
            peer.expect_line("CONNECTED ");
            peer
        }
    };

    let mut sent = Vec::new();
    for (n, &size) in SIZES.iter().enumerate() {
        let payload = sbs::pseudo_random(size, 1000 + n as u64);
        let header = sbs::describe(&payload);
        req.send_multipart(
            vec![b"PUT".to_vec(), header.clone().into_bytes(), payload],
            0,
        )
        .unwrap();
        let reply = req.recv_multipart(0).unwrap();
        assert_eq!(
            reply,
            [b"OK".to_vec(), header.clone().into_bytes()],
            "PUT {size}"
        );
        sent.push(format!("{header} OK"));
    }
    let mut received = Vec::new();
    for (n, &size) in SIZES.iter().enumerate() {
        let (len, seed) = (size.to_string(), (2000 + n).to_string());
        req.send_multipart(["GET", len.as_str(), seed.as_str()], 0)
            .unwrap();
        let mut reply = req.recv_multipart(0).unwrap();
        assert_eq!(reply.len(), 2, "GET {size}: two frames");
        let payload = reply.pop().unwrap();
        let header = String::from_utf8(reply.pop().unwrap()).unwrap();
        assert_eq!(payload.len(), size);
        assert_eq!(header, sbs::describe(&payload), "GET {size}: checksum");
        received.push(header);
    }
    req.send_multipart(["QUIT"], 0).unwrap();
    assert_eq!(req.recv_multipart(0).unwrap(), [b"BYE".to_vec()]);

    let lines = peer.finish_ok();
    assert_eq!(
        values(&lines, "PUT "),
        sent,
        "Python's view of what Rust sent"
    );
    assert_eq!(
        values(&lines, "GET "),
        received,
        "what Python sent vs Rust's checksums"
    );
}

#[test]
fn big_messages_with_checksums_tcp() {
    big_messages(Transport::Tcp);
}

#[test]
fn big_messages_with_checksums_ipc() {
    big_messages(Transport::Ipc);
}

/// The out-of-order calls of efsm_probe.py, made with this crate.
fn rust_cases() -> Vec<(&'static str, zmq::Result<()>)> {
    let ctx = zmq::Context::new();
    let rep = sbs::socket(&ctx, zmq::REP);
    rep.bind("inproc://efsm-probe").unwrap();
    let req = sbs::socket(&ctx, zmq::REQ);
    req.connect("inproc://efsm-probe").unwrap();
    req.send("first", 0).unwrap();
    let twice = req.send("second", 0);

    let fresh_req = sbs::socket(&ctx, zmq::REQ);
    fresh_req.connect("inproc://efsm-probe").unwrap();
    let recv_first = fresh_req.recv_msg(0).map(drop);

    let fresh_rep = sbs::socket(&ctx, zmq::REP);
    let send_first = fresh_rep.send("unasked", 0);

    let pull = sbs::socket(&ctx, zmq::PULL);
    let empty = pull.recv_msg(zmq::DONTWAIT).map(drop);
    vec![
        ("req_send_twice", twice),
        ("req_recv_first", recv_first),
        ("rep_send_first", send_first),
        ("dontwait_recv_empty", empty),
    ]
}

/// The same wrong call gives the same error on both sides: `Err(Error::EFSM)` in Rust and
/// `ZMQError` with errno EFSM in pyzmq, with equal errno numbers and equal message texts.
#[test]
fn out_of_order_calls_fail_like_pyzmq() {
    let mut probe = PyProc::spawn::<&str>("efsm_probe.py", &[]);
    let lines = probe.finish_ok();
    let mut python = BTreeMap::new();
    for case in values(&lines, "CASE ") {
        let mut parts = case.splitn(3, ' ');
        let (name, errno, message) = (parts.next(), parts.next(), parts.next());
        python.insert(
            name.expect("case name").to_owned(),
            (
                errno.expect("errno").to_owned(),
                message.expect("message").to_owned(),
            ),
        );
    }
    let consts: BTreeMap<String, String> = values(&lines, "CONST ")
        .iter()
        .filter_map(|c| c.split_once(' ').map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect();
    assert_eq!(consts["EFSM"], zmq::Error::EFSM.to_raw().to_string());
    assert_eq!(consts["EAGAIN"], zmq::Error::EAGAIN.to_raw().to_string());

    let expected_error = |name: &str| {
        if name == "dontwait_recv_empty" {
            zmq::Error::EAGAIN
        } else {
            zmq::Error::EFSM
        }
    };
    let cases = rust_cases();
    assert_eq!(cases.len(), python.len(), "{python:?}");
    for (name, result) in cases {
        let err = match result {
            Err(err) => err,
            Ok(()) => panic!("{name}: succeeded in Rust"),
        };
        assert_eq!(err, expected_error(name), "{name}");
        let (py_errno, py_message) = python
            .get(name)
            .unwrap_or_else(|| panic!("{name}: no line from Python"));
        assert_eq!(py_errno, &err.to_raw().to_string(), "{name}: errno");
        assert_eq!(py_message, &err.to_string(), "{name}: message");
    }
    assert_eq!(
        python["req_send_twice"].1,
        "Operation cannot be accomplished in current state"
    );
}
