//! Security side by side with pyzmq: our authenticator in front of pyzmq clients, pyzmq's
//! `ThreadAuthenticator` in front of Rust clients, and certificate files written by one side
//! and read by the other. The allowed client talks; the others get nothing, and the server
//! sees each refusal. Every wait is bounded.

#[path = "common/auth_server.rs"]
mod auth_server;
#[path = "common/py.rs"]
mod py;
#[path = "common/sbs.rs"]
mod sbs;

use auth_server::{require_curve, server, Server};
use py::{values, PyProc, TempDir};
use zmq::auth::{load_directory, Authenticator, Certificate};
use zmq::{Context, SocketType, REP};

/// How long a pyzmq client that should be refused waits for a reply (it must get none).
const REFUSED_MS: &str = "--timeout-ms=1000";

/// Answers one request on a REP server with `user:<User-Id>`, as auth_server.py does.
fn serve_one(srv: &Server) -> String {
    let mut msg = srv.recv();
    let user = msg.gets("User-Id").unwrap_or("").to_owned();
    srv.socket.send(format!("user:{user}").as_str(), 0).unwrap();
    String::from_utf8(msg.to_vec()).unwrap()
}

/// A pyzmq client that must be refused: its REFUSED line, then a clean exit.
fn py_refused(args: &[&str]) -> PyProc {
    let mut args = args.to_vec();
    args.extend(["--expect", "refused", REFUSED_MS]);
    PyProc::spawn("auth_client.py", &args)
}

fn finish_refused(mut client: PyProc) {
    client.expect_line("REFUSED");
    client.finish_ok();
}

#[test]
fn rust_authenticator_curve_with_pyzmq_clients() {
    require_curve();
    let dir = TempDir::new("auth-curve");
    // The allowed client's certificate pair is made by pyzmq; our authenticator reads its
    // public file from the directory.
    let mut made = PyProc::spawn(
        "certs.py",
        &["create", dir.path().to_str().unwrap(), "client"],
    );
    let client_public = made.expect_line("PUBLIC ");
    made.finish_ok();
    let ctx = Context::new();
    let auth = Authenticator::new(&ctx).unwrap();
    assert_eq!(auth.curve_directory("*", dir.path()).unwrap(), 1);
    let server_cert = Certificate::new().unwrap();
    let srv = server(&ctx, REP, |s| {
        s.set_curve_server(true).unwrap();
        s.set_curve_secretkey(server_cert.secret_key().unwrap())
            .unwrap();
    });
    let server_key = format!("--serverkey={}", server_cert.public_key_z85());

    // A key nobody listed: ZAP refuses it with 400.
    let stranger = py_refused(&[
        "--connect",
        &srv.endpoint,
        "--mechanism",
        "curve",
        &server_key,
    ]);
    srv.expect_refused(400);
    finish_refused(stranger);

    // A client that expects another server key: the CURVE handshake fails before ZAP.
    let other_server = format!(
        "--serverkey={}",
        Certificate::new().unwrap().public_key_z85()
    );
    let wrong = py_refused(&[
        "--connect",
        &srv.endpoint,
        "--mechanism",
        "curve",
        &other_server,
    ]);
    let event = srv.event();
    assert_ne!(
        event.event(),
        Some(zmq::SocketEvent::HANDSHAKE_SUCCEEDED),
        "{event:?}"
    );
    finish_refused(wrong);

    let cert = dir.path().join("client.key_secret");
    let mut allowed = PyProc::spawn(
        "auth_client.py",
        &[
            "--connect",
            &srv.endpoint,
            "--mechanism",
            "curve",
            &server_key,
            "--cert",
            cert.to_str().unwrap(),
        ],
    );
    assert_eq!(allowed.expect_line("CLIENTKEY "), client_public);
    srv.expect_admitted();
    assert_eq!(serve_one(&srv), "hello");
    assert_eq!(
        allowed.expect_line("Received reply: "),
        format!("user:{client_public}")
    );
    allowed.finish_ok();
    let stats = auth.stats();
    assert_eq!((stats.allowed, stats.denied), (1, 1), "{stats:?}");
}

#[test]
fn rust_authenticator_plain_and_addresses_with_pyzmq_clients() {
    let ctx = Context::new();
    let auth = Authenticator::new(&ctx).unwrap();
    auth.plain("*", [("admin", "secret")]);
    // Loopback has many addresses: 127.0.0.1 is allowed, 127.0.0.2 is not.
    auth.allow("127.0.0.1").unwrap();
    let srv = server(&ctx, REP, |s| s.set_plain_server(true).unwrap());
    let plain = |user: &'static str, pass: &'static str| {
        vec![
            "--connect",
            srv.endpoint.as_str(),
            "--mechanism",
            "plain",
            "--username",
            user,
            "--password",
            pass,
        ]
    };

    let wrong = py_refused(&plain("admin", "guess"));
    srv.expect_refused(400);
    finish_refused(wrong);

    let mut from_elsewhere = plain("admin", "secret");
    from_elsewhere.extend(["--source", "127.0.0.2"]);
    let denied = py_refused(&from_elsewhere);
    srv.expect_refused(400);
    finish_refused(denied);

    let mut right = PyProc::spawn("auth_client.py", &plain("admin", "secret"));
    srv.expect_admitted();
    assert_eq!(serve_one(&srv), "hello");
    assert_eq!(right.expect_line("Received reply: "), "user:admin");
    right.finish_ok();
    assert_eq!(auth.stats().denied, 2);
}

/// A Rust REQ client that sends "hello" and either gets the reply or (refused) nothing
/// within `auth_server::REFUSED_WAIT`.
fn rust_request(ctx: &Context, endpoint: &str, setup: impl FnOnce(&zmq::Socket)) -> Option<String> {
    let req = sbs::socket(ctx, SocketType::REQ);
    req.set_linger(0).unwrap();
    req.set_reconnect_ivl(10_000).unwrap();
    setup(&req);
    req.connect(endpoint).unwrap();
    req.send("hello", 0).unwrap();
    let wait = auth_server::REFUSED_WAIT.max(std::time::Duration::from_millis(1000));
    req.set_rcvtimeo(wait.as_millis() as i32).unwrap();
    match req.recv_string(0) {
        Ok(reply) => Some(reply.unwrap()),
        Err(zmq::Error::EAGAIN) => None,
        Err(e) => panic!("recv: {e}"),
    }
}

#[test]
fn pyzmq_thread_authenticator_with_rust_clients_and_rust_certificates() {
    require_curve();
    let dir = TempDir::new("auth-pyserver");
    let allowed_dir = dir.path().join("allowed");
    std::fs::create_dir(&allowed_dir).unwrap();
    // All certificates are ours: pyzmq reads the server's secret file and the client's
    // public file.
    let server_cert = Certificate::new().unwrap();
    let (server_public, server_secret) = server_cert.save(dir.path().join("server")).unwrap();
    let mut client_cert = Certificate::new().unwrap();
    client_cert.set_metadata("name", "rust client").unwrap();
    client_cert
        .save_public(allowed_dir.join("client.key"))
        .unwrap();
    let mut pyserver = PyProc::spawn(
        "auth_server.py",
        &[
            "--mechanism",
            "curve",
            "--cert",
            server_secret.to_str().unwrap(),
            "--allow-dir",
            allowed_dir.to_str().unwrap(),
            "--count",
            "1",
        ],
    );
    let endpoint = pyserver.ready();
    // The server key comes from the public file, as a client deployment would read it.
    let server_key = *Certificate::load(&server_public).unwrap().public_key();
    let ctx = Context::new();
    let curve = |me: &Certificate| {
        let me = me.clone();
        move |s: &zmq::Socket| {
            s.set_curve_serverkey(&server_key).unwrap();
            s.set_curve_publickey(me.public_key()).unwrap();
            s.set_curve_secretkey(me.secret_key().unwrap()).unwrap();
        }
    };

    let stranger = Certificate::new().unwrap();
    assert_eq!(rust_request(&ctx, &endpoint, curve(&stranger)), None);
    assert_eq!(pyserver.expect_line("REFUSED "), "400");
    let reply = rust_request(&ctx, &endpoint, curve(&client_cert));
    assert_eq!(
        reply,
        Some(format!("user:{}", client_cert.public_key_z85()))
    );
    let lines = pyserver.finish_ok();
    assert_eq!(values(&lines, "REFUSED "), ["400"]);
    assert_eq!(
        values(&lines, "Received request: "),
        [format!("hello user={}", client_cert.public_key_z85())]
    );
}

#[test]
fn pyzmq_thread_authenticator_plain_with_rust_clients() {
    let mut pyserver = PyProc::spawn(
        "auth_server.py",
        &[
            "--mechanism",
            "plain",
            "--user",
            "admin:secret",
            "--count",
            "1",
        ],
    );
    let endpoint = pyserver.ready();
    let ctx = Context::new();
    let plain = |user: &'static str, pass: &'static str| {
        move |s: &zmq::Socket| {
            s.set_plain_username(Some(user)).unwrap();
            s.set_plain_password(Some(pass)).unwrap();
        }
    };
    assert_eq!(rust_request(&ctx, &endpoint, plain("admin", "guess")), None);
    assert_eq!(pyserver.expect_line("REFUSED "), "400");
    assert_eq!(
        rust_request(&ctx, &endpoint, plain("admin", "secret")),
        Some("user:admin".to_owned())
    );
    let lines = pyserver.finish_ok();
    assert_eq!(values(&lines, "Received request: "), ["hello user=admin"]);
}

#[test]
fn certificates_written_by_one_side_are_read_by_the_other() {
    require_curve();
    let dir = TempDir::new("auth-certs");
    // Ours, read by pyzmq.
    let mut ours = Certificate::new().unwrap();
    ours.set_metadata("email", "ops@example.com").unwrap();
    let (public, secret) = ours.save(dir.path().join("rust")).unwrap();
    let mut read = PyProc::spawn(
        "certs.py",
        &["load", public.to_str().unwrap(), secret.to_str().unwrap()],
    );
    let lines = read.finish_ok();
    let key = ours.public_key_z85();
    assert_eq!(values(&lines, "PUBLIC "), [key.clone(), key.clone()]);
    assert_eq!(
        values(&lines, "SECRET "),
        ["None".to_owned(), ours.secret_key_z85().unwrap()]
    );

    // pyzmq's, read by us (public and secret file, and through the directory loader).
    let mut made = PyProc::spawn(
        "certs.py",
        &["create", dir.path().to_str().unwrap(), "python"],
    );
    let py_public = made.expect_line("PUBLIC ");
    let py_secret = made.expect_line("SECRET ");
    made.finish_ok();
    let theirs = Certificate::load_secret(dir.path().join("python.key_secret")).unwrap();
    assert_eq!(theirs.public_key_z85(), py_public);
    assert_eq!(theirs.secret_key_z85().unwrap(), py_secret);
    let theirs_public = Certificate::load(dir.path().join("python.key")).unwrap();
    assert_eq!(theirs_public.public_key_z85(), py_public);
    assert_eq!(theirs_public.secret_key(), None);

    // Both directory loaders see the same keys.
    let mut ours_dir: Vec<String> = load_directory(dir.path())
        .unwrap()
        .iter()
        .map(Certificate::public_key_z85)
        .collect();
    ours_dir.sort();
    let mut listed = PyProc::spawn("certs.py", &["dir", dir.path().to_str().unwrap()]);
    let lines = listed.finish_ok();
    assert_eq!(values(&lines, "KEY "), ours_dir);
    assert_eq!(ours_dir.len(), 2);
}
