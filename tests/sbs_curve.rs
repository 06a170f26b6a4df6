//! CURVE between Rust and pyzmq: keys made on one side travel to the other in Z85 (argv or
//! a printed line), the handshake succeeds and messages flow; a wrong key or no security at
//! all gets nothing through.

#[path = "common/py.rs"]
mod py;
#[path = "common/sbs.rs"]
mod sbs;

use py::{values, PyProc, TempDir, Transport};

fn assert_curve_available() {
    assert_eq!(
        zmq::has("curve"),
        Some(true),
        "the linked libzmq has no CURVE support; the CURVE side-by-side tests need it"
    );
}

fn z85(key: &[u8]) -> String {
    zmq::z85_encode(key).expect("32-byte key encodes")
}

/// `--flag=<key in Z85>`: one argument, because a Z85 key may start with `-`, which a
/// separate argument would turn into an option.
fn key_arg(flag: &str, key: &[u8]) -> String {
    format!("{flag}={}", z85(key))
}

/// A REQ socket with a fresh client key pair, trusting `server_key` (binary or Z85).
fn curve_client(ctx: &zmq::Context, server_key: &[u8]) -> zmq::Socket {
    let keys = zmq::CurveKeyPair::new().expect("client key pair");
    let req = sbs::socket(ctx, zmq::REQ);
    req.set_linger(0).unwrap();
    req.set_curve_serverkey(server_key).unwrap();
    req.set_curve_publickey(&keys.public_key).unwrap();
    req.set_curve_secretkey(&keys.secret_key).unwrap();
    req
}

fn exchange(req: &zmq::Socket, count: usize) {
    for i in 0..count {
        let text = format!("hello {i}");
        req.send(text.as_str(), 0).unwrap();
        assert_eq!(sbs::recv_text(req, "reply"), format!("secret:{text}"));
    }
    assert_eq!(req.get_mechanism().unwrap(), zmq::Mechanism::ZMQ_CURVE);
}

fn rust_keys_python_server(transport: Transport) {
    assert_curve_available();
    let dir = TempDir::new("curve");
    let server_keys = zmq::CurveKeyPair::new().expect("server key pair");
    let bind = transport.bind_endpoint(&dir, "curve.ipc");
    let mut server = PyProc::spawn(
        "curve_server.py",
        &[
            "--bind",
            &bind,
            "--count",
            "2",
            &key_arg("--public", &server_keys.public_key),
            &key_arg("--secret", &server_keys.secret_key),
        ],
    );
    let endpoint = server.ready();
    let ctx = zmq::Context::new();
    let req = curve_client(&ctx, &server_keys.public_key);
    req.connect(&endpoint).unwrap();
    exchange(&req, 2);
    let lines = server.finish_ok();
    assert_eq!(values(&lines, "MECHANISM "), ["CURVE"]);
    assert_eq!(values(&lines, "Received request: "), ["hello 0", "hello 1"]);
}

#[test]
fn rust_client_with_rust_keys_to_python_server_tcp() {
    rust_keys_python_server(Transport::Tcp);
}

#[test]
fn rust_client_with_rust_keys_to_python_server_ipc() {
    rust_keys_python_server(Transport::Ipc);
}

/// The server key is made by pyzmq and reaches Rust as Z85 text; Rust uses it decoded
/// (32 bytes) on one client and as the 40-character text on another.
#[test]
fn rust_client_with_python_server_key() {
    assert_curve_available();
    let mut server = PyProc::spawn(
        "curve_server.py",
        &["--bind", "tcp://127.0.0.1:*", "--count", "2"],
    );
    let server_key = server.expect_line("SERVERKEY ").trim().to_owned();
    let endpoint = server.ready();
    let binary = zmq::z85_decode(&server_key).expect("valid Z85");
    assert_eq!(binary.len(), 32);
    assert_eq!(z85(&binary), server_key);

    let ctx = zmq::Context::new();
    let first = curve_client(&ctx, &binary);
    first.connect(&endpoint).unwrap();
    exchange(&first, 1);
    let second = curve_client(&ctx, server_key.as_bytes());
    second.connect(&endpoint).unwrap();
    exchange(&second, 1);
    server.finish_ok();
}

fn rust_curve_server(
    ctx: &zmq::Context,
    endpoint: &str,
) -> (zmq::Socket, String, zmq::CurveKeyPair) {
    let keys = zmq::CurveKeyPair::new().expect("server key pair");
    let rep = sbs::socket(ctx, zmq::REP);
    rep.set_curve_server(true).unwrap();
    rep.set_curve_publickey(&keys.public_key).unwrap();
    rep.set_curve_secretkey(&keys.secret_key).unwrap();
    assert!(rep.is_curve_server().unwrap());
    let endpoint = sbs::bind(&rep, endpoint);
    (rep, endpoint, keys)
}

fn python_client_rust_server(transport: Transport) {
    assert_curve_available();
    let dir = TempDir::new("curve");
    let ctx = zmq::Context::new();
    let (rep, endpoint, keys) = rust_curve_server(&ctx, &transport.bind_endpoint(&dir, "c.ipc"));
    let mut client = PyProc::spawn(
        "curve_client.py",
        &[
            "--connect",
            &endpoint,
            &key_arg("--serverkey", &keys.public_key),
            "--count",
            "3",
        ],
    );
    for i in 0..3 {
        let request = sbs::recv_text(&rep, "request");
        assert_eq!(request, format!("hello {i}"));
        rep.send(format!("secret:{request}").as_str(), 0).unwrap();
    }
    assert_eq!(rep.get_mechanism().unwrap(), zmq::Mechanism::ZMQ_CURVE);
    let lines = client.finish_ok();
    assert_eq!(
        values(&lines, "Received reply: "),
        ["secret:hello 0", "secret:hello 1", "secret:hello 2"]
    );
}

#[test]
fn python_client_to_rust_server_with_rust_keys_tcp() {
    python_client_rust_server(Transport::Tcp);
}

#[test]
fn python_client_to_rust_server_with_rust_keys_ipc() {
    python_client_rust_server(Transport::Ipc);
}

/// Security is enforced across the languages: a Python client that trusts the wrong server
/// key, and a Rust client without CURVE, both get nothing through.
#[test]
fn wrong_key_or_no_curve_gets_nothing_through() {
    assert_curve_available();
    let ctx = zmq::Context::new();
    let (rep, endpoint, _keys) = rust_curve_server(&ctx, "tcp://127.0.0.1:*");
    let stranger = zmq::CurveKeyPair::new().expect("another key pair");
    let mut client = PyProc::spawn(
        "curve_client.py",
        &[
            "--connect",
            &endpoint,
            &key_arg("--serverkey", &stranger.public_key),
            "--timeout-ms",
            "1500",
        ],
    );
    let (status, lines) = client.finish();
    assert_eq!(status.code(), Some(3), "Python must time out: {lines:?}");
    assert!(values(&lines, "Received reply: ").is_empty());
    assert_eq!(rep.recv_msg(zmq::DONTWAIT), Err(zmq::Error::EAGAIN));

    let mut server = PyProc::spawn(
        "curve_server.py",
        &["--bind", "tcp://127.0.0.1:*", "--timeout-ms", "3000"],
    );
    let endpoint = server.ready();
    let plain = sbs::socket(&ctx, zmq::REQ);
    plain.set_linger(0).unwrap();
    plain.set_rcvtimeo(1500).unwrap();
    plain.connect(&endpoint).unwrap();
    plain.send("let me in", 0).unwrap();
    assert_eq!(plain.recv_msg(0), Err(zmq::Error::EAGAIN));
    let (status, lines) = server.finish();
    assert_eq!(
        status.code(),
        Some(3),
        "the server heard nothing: {lines:?}"
    );
    assert!(values(&lines, "Received request: ").is_empty());
}
