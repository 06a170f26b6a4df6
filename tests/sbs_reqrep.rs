//! Request-reply side by side with pyzmq: a Rust REQ against a Python REP and the other way
//! round, over tcp and ipc, with contents and counts checked on both sides.

#[path = "common/py.rs"]
mod py;
#[path = "common/sbs.rs"]
mod sbs;
#[path = "common/scripts.rs"]
mod scripts;

use py::{values, PyProc, TempDir, Transport};

const REQUESTS: usize = 5;

fn rust_client_python_server(transport: Transport) {
    let dir = TempDir::new("rr");
    let (mut server, endpoint) = scripts::rr_server(transport, &dir, REQUESTS);

    let ctx = zmq::Context::new();
    let req = sbs::socket(&ctx, zmq::REQ);
    req.connect(&endpoint).unwrap();
    for i in 0..REQUESTS {
        let question = scripts::question(i);
        req.send(question.as_str(), 0).unwrap();
        assert_eq!(sbs::recv_text(&req, "reply"), scripts::acked(&question));
    }

    scripts::assert_rr_server_saw(&server.finish_ok(), REQUESTS);
}

fn python_client_rust_server(transport: Transport) {
    let dir = TempDir::new("rr");
    let ctx = zmq::Context::new();
    let rep = sbs::socket(&ctx, zmq::REP);
    let endpoint = sbs::bind(&rep, &transport.bind_endpoint(&dir, "rr.ipc"));

    let mut client = scripts::rr_client(&endpoint, REQUESTS);
    for i in 0..REQUESTS {
        let request = sbs::recv_text(&rep, "request");
        assert_eq!(request, scripts::client_request(i));
        rep.send(scripts::reply_to(&request).as_str(), 0).unwrap();
    }

    scripts::assert_rr_client_got(&client.finish_ok(), REQUESTS);
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
