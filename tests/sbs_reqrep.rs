//! Request-reply side by side with pyzmq: a Rust REQ against a Python REP and the other way
//! round, over tcp and ipc, with contents and counts checked on both sides.

#[path = "common/py.rs"]
mod py;
#[path = "common/sbs.rs"]
mod sbs;

use py::{values, PyProc, TempDir, Transport};

const REQUESTS: usize = 5;

fn rust_client_python_server(transport: Transport) {
    let dir = TempDir::new("rr");
    let count = REQUESTS.to_string();
    let bind = transport.bind_endpoint(&dir, "rr.ipc");
    let mut server = PyProc::spawn(
        "rr_server.py",
        &["--bind", &bind, "--count", &count, "--reply", "ack:{}"],
    );
    let endpoint = server.ready();

    let ctx = zmq::Context::new();
    let req = sbs::socket(&ctx, zmq::REQ);
    req.connect(&endpoint).unwrap();
    for i in 0..REQUESTS {
        let question = format!("Are you OK? #{i}");
        req.send(question.as_str(), 0).unwrap();
        assert_eq!(sbs::recv_text(&req, "reply"), format!("ack:{question}"));
    }

    let lines = server.finish_ok();
    let expected: Vec<String> = (0..REQUESTS).map(|i| format!("Are you OK? #{i}")).collect();
    assert_eq!(values(&lines, "Received request: "), expected);
    assert_eq!(values(&lines, "DONE "), [count]);
}

fn python_client_rust_server(transport: Transport) {
    let dir = TempDir::new("rr");
    let ctx = zmq::Context::new();
    let rep = sbs::socket(&ctx, zmq::REP);
    let endpoint = sbs::bind(&rep, &transport.bind_endpoint(&dir, "rr.ipc"));

    let count = REQUESTS.to_string();
    let mut client = PyProc::spawn(
        "rr_client.py",
        &[
            "--connect",
            &endpoint,
            "--count",
            &count,
            "--request",
            "question {}",
        ],
    );
    for i in 0..REQUESTS {
        let request = sbs::recv_text(&rep, "request");
        assert_eq!(request, format!("question {i}"));
        rep.send(format!("I am OK! ({request})").as_str(), 0)
            .unwrap();
    }

    let lines = client.finish_ok();
    let expected: Vec<String> = (0..REQUESTS)
        .map(|i| format!("I am OK! (question {i})"))
        .collect();
    assert_eq!(values(&lines, "Received reply: "), expected);
    assert_eq!(values(&lines, "DONE "), [count]);
    // Nothing more was sent: the REP socket has no further request.
    assert_eq!(rep.recv_msg(zmq::DONTWAIT), Err(zmq::Error::EAGAIN));
}

#[test]
fn rust_req_to_python_rep_tcp() {
    rust_client_python_server(Transport::Tcp);
}

#[test]
fn rust_req_to_python_rep_ipc() {
    rust_client_python_server(Transport::Ipc);
}

#[test]
fn python_req_to_rust_rep_tcp() {
    python_client_rust_server(Transport::Tcp);
}

#[test]
fn python_req_to_rust_rep_ipc() {
    python_client_rust_server(Transport::Ipc);
}

/// The snippet's exact words, as the default arguments of the scripts produce them.
#[test]
fn default_texts_match_the_snippet() {
    let ctx = zmq::Context::new();
    let rep = sbs::socket(&ctx, zmq::REP);
    let endpoint = sbs::bind(&rep, "tcp://127.0.0.1:*");
    let mut client = PyProc::spawn("rr_client.py", &["--connect", &endpoint]);
    assert_eq!(sbs::recv_text(&rep, "request"), "Are you OK?");
    rep.send("I am OK!", 0).unwrap();
    let lines = client.finish_ok();
    assert_eq!(values(&lines, "Received reply: "), ["I am OK!"]);

    let mut server = PyProc::spawn("rr_server.py", &["--bind", "tcp://127.0.0.1:*"]);
    let endpoint = server.ready();
    let req = sbs::socket(&ctx, zmq::REQ);
    req.connect(&endpoint).unwrap();
    req.send("Are you OK?", 0).unwrap();
    assert_eq!(sbs::recv_text(&req, "reply"), "I am OK!");
    let lines = server.finish_ok();
    assert_eq!(values(&lines, "Received request: "), ["Are you OK?"]);
}
