//! The ZAP authenticator (`zmq::auth`) against real handshakes: every policy lets the right
//! client in and keeps the others out, the server sees each refusal as a
//! `HANDSHAKE_FAILED_AUTH` event carrying the status code, and nothing waits unbounded.
//!
//! CURVE tests need a libzmq with CURVE (both link modes here have it; the test fails if not).

#[path = "common/auth_server.rs"]
mod auth_server;

use std::fs;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use auth_server::{require_curve, server, unique, Server, DEADLINE};
use zmq::auth::{
    load_directory, Authenticator, CertError, Certificate, Credentials, Verdict, ZapRequest,
};
use zmq::{Context, Error, Socket, SocketEvent, SocketType, PULL};

/// A PUSH client that configures itself, connects and queues one message.
fn client(ctx: &Context, endpoint: &str, setup: impl FnOnce(&Socket)) -> Socket {
    let socket = ctx.socket(SocketType::PUSH).unwrap();
    socket.set_linger(0).unwrap();
    // A refused handshake is retried after the reconnect interval: no retries (-1), so a
    // slow run (valgrind) cannot see a second, unexpected handshake of the same client.
    socket.set_reconnect_ivl(-1).unwrap();
    setup(&socket);
    socket.connect(endpoint).unwrap();
    // The pipe exists from `connect` on, until a refused handshake (no retries) removes it:
    // a client refused that fast has nowhere to queue the message, which is fine.
    match socket.send("hello", zmq::DONTWAIT) {
        Ok(()) | Err(Error::EAGAIN) => {}
        Err(e) => panic!("queueing the client's message: {e}"),
    }
    socket
}

fn curve_client(ctx: &Context, endpoint: &str, server: &Certificate, me: &Certificate) -> Socket {
    client(ctx, endpoint, |s| {
        s.set_curve_serverkey(server.public_key()).unwrap();
        s.set_curve_publickey(me.public_key()).unwrap();
        s.set_curve_secretkey(me.secret_key().unwrap()).unwrap();
    })
}

fn curve_server(ctx: &Context, cert: &Certificate) -> Server {
    server(ctx, PULL, |s| {
        s.set_curve_server(true).unwrap();
        s.set_curve_secretkey(cert.secret_key().unwrap()).unwrap();
    })
}

#[test]
fn curve_keys_admit_only_the_listed_client() {
    require_curve();
    let ctx = Context::new();
    let (server_cert, good, stranger) = (
        Certificate::new().unwrap(),
        Certificate::new().unwrap(),
        Certificate::new().unwrap(),
    );
    let auth = Authenticator::new(&ctx).unwrap();
    auth.curve_keys("*", [*good.public_key()]);
    let srv = curve_server(&ctx, &server_cert);

    let _refused = curve_client(&ctx, &srv.endpoint, &server_cert, &stranger);
    srv.expect_refused(400);
    srv.expect_nothing();

    let _admitted = curve_client(&ctx, &srv.endpoint, &server_cert, &good);
    srv.expect_admitted();
    let mut msg = srv.recv();
    assert_eq!(&msg[..], b"hello");
    assert_eq!(msg.gets("User-Id"), Some(good.public_key_z85().as_str()));
    let stats = auth.stats();
    assert_eq!(
        (stats.allowed, stats.denied, stats.errors),
        (1, 1, 0),
        "{stats:?}"
    );
}

#[test]
fn curve_any_admits_every_key_but_not_the_wrong_server_key() {
    require_curve();
    let ctx = Context::new();
    let (server_cert, impostor, someone) = (
        Certificate::new().unwrap(),
        Certificate::new().unwrap(),
        Certificate::new().unwrap(),
    );
    let auth = Authenticator::new(&ctx).unwrap();
    auth.curve_any("*");
    let srv = curve_server(&ctx, &server_cert);

    // A client that expects another server key fails the CURVE handshake itself; ZAP is never
    // asked.
    let _wrong = curve_client(&ctx, &srv.endpoint, &impostor, &someone);
    let event = srv.event();
    assert_ne!(
        event.event(),
        Some(SocketEvent::HANDSHAKE_SUCCEEDED),
        "{event:?}"
    );
    srv.expect_nothing();

    let _right = curve_client(&ctx, &srv.endpoint, &server_cert, &someone);
    srv.expect_admitted();
    assert_eq!(&srv.recv()[..], b"hello");
    assert_eq!(auth.stats().allowed, 1);
}

#[test]
fn plain_passwords_and_user_id() {
    let ctx = Context::new();
    let auth = Authenticator::new(&ctx).unwrap();
    auth.plain("*", [("admin", "secret"), ("guest", "guest")]);
    let srv = server(&ctx, PULL, |s| s.set_plain_server(true).unwrap());
    let plain = |user: &str, pass: &str| {
        client(&ctx, &srv.endpoint, |s| {
            s.set_plain_username(Some(user)).unwrap();
            s.set_plain_password(Some(pass)).unwrap();
        })
    };

    let _wrong = plain("admin", "guess");
    srv.expect_refused(400);
    let _unknown = plain("mallory", "secret");
    srv.expect_refused(400);
    srv.expect_nothing();

    let _right = plain("admin", "secret");
    srv.expect_admitted();
    let mut msg = srv.recv();
    assert_eq!(msg.gets("User-Id"), Some("admin"));
    assert_eq!(auth.stats().denied, 2);
}

#[test]
fn addresses_are_checked_for_null_clients_with_a_zap_domain() {
    let ctx = Context::new();
    let auth = Authenticator::new(&ctx).unwrap();
    auth.deny("127.0.0.0/8").unwrap();
    let srv = server(&ctx, PULL, |s| s.set_zap_domain("global").unwrap());

    let _denied = client(&ctx, &srv.endpoint, |_| {});
    srv.expect_refused(400);
    srv.expect_nothing();

    // The allow list alone: loopback is on it, so a new client gets in.
    auth.clear_addresses();
    auth.allow("10.0.0.0/8").unwrap();
    auth.allow("127.0.0.1").unwrap();
    let _allowed = client(&ctx, &srv.endpoint, |_| {});
    srv.expect_admitted();
    assert_eq!(&srv.recv()[..], b"hello");

    // An allow list that misses loopback refuses.
    auth.clear_addresses();
    auth.allow("192.0.2.0/24").unwrap();
    let _outside = client(&ctx, &srv.endpoint, |_| {});
    srv.expect_refused(400);

    for bad in ["localhost", "127.0.0.1/40", ""] {
        let err = auth.allow(bad).unwrap_err();
        assert!(
            err.to_string().contains("not an IP address"),
            "{bad:?}: {err}"
        );
    }
}

#[test]
fn callback_decides_per_domain_and_its_metadata_reaches_the_messages() {
    let ctx = Context::new();
    let auth = Authenticator::new(&ctx).unwrap();
    let seen = Arc::new(std::sync::Mutex::new(Vec::<ZapRequest>::new()));
    let log = Arc::clone(&seen);
    auth.callback("tenants", move |req| {
        log.lock().unwrap().push(req.clone());
        match &req.credentials {
            // A password check the built-in table cannot do (here: a per-tenant rule).
            Credentials::Plain { username, password }
                if username == b"tenant-a" && password == b"pw-a" =>
            {
                Verdict::allow("tenant-a").with_metadata("Tenant-Plan", "gold")
            }
            _ => Verdict::deny("unknown tenant"),
        }
    });
    auth.callback("broken", |_| panic!("a bug in the user's callback"));
    let srv = server(&ctx, PULL, |s| {
        s.set_plain_server(true).unwrap();
        s.set_zap_domain("tenants").unwrap();
    });
    let tenant = |user: &str, pass: &str| {
        client(&ctx, &srv.endpoint, |s| {
            s.set_plain_username(Some(user)).unwrap();
            s.set_plain_password(Some(pass)).unwrap();
        })
    };

    let _b = tenant("tenant-b", "pw-a");
    srv.expect_refused(400);
    let _a = tenant("tenant-a", "pw-a");
    srv.expect_admitted();
    let mut msg = srv.recv();
    assert_eq!(msg.gets("User-Id"), Some("tenant-a"));
    assert_eq!(msg.gets("Tenant-Plan"), Some("gold"));
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 2);
        assert!(seen
            .iter()
            .all(|r| r.domain == "tenants" && r.mechanism == "PLAIN"));
        assert!(seen.iter().all(|r| r.address == "127.0.0.1"), "{seen:?}");
    }

    // A panicking callback is answered with 500 and the handler keeps serving.
    let broken = server(&ctx, PULL, |s| s.set_zap_domain("broken").unwrap());
    let _c = client(&ctx, &broken.endpoint, |_| {});
    broken.expect_refused(500);
    let _d = tenant("tenant-a", "pw-a");
    srv.expect_admitted();
    assert_eq!(auth.stats().errors, 1);
}

#[test]
fn null_clients_without_a_zap_domain_are_not_asked_about() {
    // libzmq only consults ZAP for NULL when the socket has a domain: the deny list cannot
    // apply to these clients, and the docs say so.
    let ctx = Context::new();
    let auth = Authenticator::new(&ctx).unwrap();
    auth.deny("0.0.0.0/0").unwrap();
    let srv = server(&ctx, PULL, |_| {});
    let _c = client(&ctx, &srv.endpoint, |_| {});
    srv.expect_admitted();
    assert_eq!(&srv.recv()[..], b"hello");
    assert_eq!(auth.stats(), Default::default());
}

#[test]
fn one_handler_per_context_and_drop_stops_it() {
    let ctx = Context::new();
    let first = Authenticator::new(&ctx).unwrap();
    assert_eq!(Authenticator::new(&ctx).unwrap_err(), Error::EADDRINUSE);
    // Another context has its own.
    let other = Context::new();
    let _theirs = Authenticator::new(&other).unwrap();
    let started = Instant::now();
    first.stop().unwrap();
    assert!(started.elapsed() < DEADLINE);
    let again = Authenticator::new(&ctx).unwrap();
    drop(again);
    let _third = Authenticator::new(&ctx).unwrap();
}

#[test]
fn context_shutdown_ends_the_handler_thread() {
    let mut ctx = Context::new();
    let auth = Authenticator::new(&ctx).unwrap();
    // The thread sees ETERM and ends on its own; stopping afterwards neither hangs nor fails,
    // and the context can then be terminated (no socket of the authenticator is left).
    ctx.shutdown().unwrap();
    let started = Instant::now();
    auth.stop().unwrap();
    ctx.destroy().unwrap();
    assert!(started.elapsed() < DEADLINE);
}

/// A value whose destructor panics: as a panic payload, or captured by a callback.
struct PanicsOnDrop;

impl Drop for PanicsOnDrop {
    fn drop(&mut self) {
        panic!("a value that panics when dropped");
    }
}

#[test]
fn a_panic_payload_that_panics_on_drop_does_not_end_the_handler() {
    // Had the handler thread ended, libzmq would find no ZAP handler and let every client in.
    let ctx = Context::new();
    let auth = Authenticator::new(&ctx).unwrap();
    auth.callback("bomb", |_| std::panic::panic_any(PanicsOnDrop));
    auth.plain("*", [("admin", "secret")]);
    let srv = server(&ctx, PULL, |s| s.set_zap_domain("bomb").unwrap());
    let _first = client(&ctx, &srv.endpoint, |_| {});
    srv.expect_refused(500);
    let _second = client(&ctx, &srv.endpoint, |_| {});
    srv.expect_refused(500);
    // Still answering, and still refusing what it should.
    let plain = server(&ctx, PULL, |s| s.set_plain_server(true).unwrap());
    let _wrong = client(&ctx, &plain.endpoint, |s| {
        s.set_plain_username(Some("admin")).unwrap();
        s.set_plain_password(Some("guess")).unwrap();
    });
    plain.expect_refused(400);
    assert_eq!(auth.stats().errors, 2);
    auth.stop().unwrap();
}

#[test]
fn an_authenticator_dropped_by_its_own_callback_stops() {
    let ctx = Context::new();
    let auth = Arc::new(std::sync::Mutex::new(None::<Authenticator>));
    let handle = Authenticator::new(&ctx).unwrap();
    let inside = Arc::clone(&auth);
    handle.callback("*", move |_| {
        // Dropping it here must neither panic (a thread cannot join itself) nor hang.
        drop(inside.lock().unwrap().take());
        Verdict::allow("last")
    });
    *auth.lock().unwrap() = Some(handle);
    let srv = server(&ctx, PULL, |s| s.set_zap_domain("any").unwrap());
    let _c = client(&ctx, &srv.endpoint, |_| {});
    srv.expect_admitted();
    assert!(auth.lock().unwrap().is_none());
    // The thread ended and gave up the ZAP endpoint: a new handler can start.
    let started = Instant::now();
    loop {
        match Authenticator::new(&ctx) {
            Ok(_) => break,
            Err(Error::EADDRINUSE) if started.elapsed() < DEADLINE => {
                std::thread::sleep(std::time::Duration::from_millis(20))
            }
            Err(e) => panic!("the old handler kept the endpoint: {e}"),
        }
    }
}

/// A callback that says when it starts deciding, then holds the handler until released
/// (bounded by the deadline) and answers `verdict`; with the receiver of "entered" and the
/// sender of "release".
#[allow(clippy::type_complexity)]
fn held_callback(
    verdict: Verdict,
) -> (
    std::sync::mpsc::Receiver<()>,
    std::sync::mpsc::Sender<()>,
    impl Fn(&ZapRequest) -> Verdict + Send + Sync + 'static,
) {
    let (entered_tx, entered_rx) = std::sync::mpsc::channel::<()>();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let release_rx = std::sync::Mutex::new(release_rx);
    let entered_tx = std::sync::Mutex::new(entered_tx);
    let callback = move |_: &ZapRequest| {
        let _ = entered_tx.lock().unwrap().send(());
        let _ = release_rx.lock().unwrap().recv_timeout(DEADLINE);
        verdict.clone()
    };
    (entered_rx, release_tx, callback)
}

#[test]
fn requests_queued_at_stop_are_answered() {
    let ctx = Context::new();
    let auth = Authenticator::new(&ctx).unwrap();
    let (entered_rx, release_tx, held) = held_callback(Verdict::allow("first"));
    auth.callback("*", held);
    let srv = server(&ctx, PULL, |s| s.set_zap_domain("any").unwrap());
    let _first = client(&ctx, &srv.endpoint, |_| {});
    entered_rx.recv_timeout(DEADLINE).unwrap();
    // The second client's request waits in the handler's queue while the first is decided.
    let _second = client(&ctx, &srv.endpoint, |_| {});
    // Not observable from here: give the handshake ample time (valgrind included) to reach
    // the handler's queue; a request arriving after stop would be let in unasked and fail
    // the assertion below, not pass it.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let stopper = std::thread::spawn(move || auth.stop());
    std::thread::sleep(std::time::Duration::from_millis(200));
    release_tx.send(()).unwrap();
    stopper.join().unwrap().unwrap();
    srv.expect_admitted();
    // Answered with 500 at stop, not left waiting for an answer that never comes.
    srv.expect_refused(500);
}

#[test]
fn saving_a_secret_replaces_the_file_instead_of_writing_through_it() {
    require_curve();
    let dir = Dir::new("replace");
    let cert = Certificate::new().unwrap();
    let secret = dir.0.join("server.key_secret");

    // An old secret file someone still has open does not receive the new secret.
    fs::write(&secret, "old secret\n").unwrap();
    let held = fs::File::open(&secret).unwrap();
    cert.save_secret(&secret).unwrap();
    let mut old = String::new();
    std::io::Read::read_to_string(&mut &held, &mut old).unwrap();
    assert_eq!(old, "old secret\n");
    assert_eq!(Certificate::load_secret(&secret).unwrap(), cert);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // A symbolic link planted at the secret's path is replaced, not written through.
        let victim = dir.0.join("victim");
        fs::write(&victim, "untouched\n").unwrap();
        fs::set_permissions(&victim, fs::Permissions::from_mode(0o644)).unwrap();
        fs::remove_file(&secret).unwrap();
        std::os::unix::fs::symlink(&victim, &secret).unwrap();
        cert.save_secret(&secret).unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "untouched\n");
        let meta = fs::symlink_metadata(&secret).unwrap();
        assert!(meta.file_type().is_file(), "{meta:?}");
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    }
    // No temporary file is left behind.
    let names: Vec<String> = fs::read_dir(&dir.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains(".tmp-")), "{names:?}");
}

struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str) -> Dir {
        let path = std::env::temp_dir().join(unique(&format!("zmq-auth-{tag}")));
        fs::create_dir_all(&path).unwrap();
        Dir(path)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
fn certificate_directory_is_reread_on_demand() {
    require_curve();
    let dir = Dir::new("certs");
    let ctx = Context::new();
    let server_cert = Certificate::new().unwrap();
    let (alice, bob) = (Certificate::new().unwrap(), Certificate::new().unwrap());
    alice.save(dir.0.join("alice")).unwrap();
    let auth = Authenticator::new(&ctx).unwrap();
    assert_eq!(auth.curve_directory("*", &dir.0).unwrap(), 1);
    let srv = curve_server(&ctx, &server_cert);

    let _bob = curve_client(&ctx, &srv.endpoint, &server_cert, &bob);
    srv.expect_refused(400);
    bob.save(dir.0.join("bob")).unwrap();
    // Not yet: the directory is read on demand only.
    let _bob2 = curve_client(&ctx, &srv.endpoint, &server_cert, &bob);
    srv.expect_refused(400);
    assert_eq!(auth.reload_certificates().unwrap(), 2);
    let _bob3 = curve_client(&ctx, &srv.endpoint, &server_cert, &bob);
    srv.expect_admitted();
    let _alice = curve_client(&ctx, &srv.endpoint, &server_cert, &alice);
    srv.expect_admitted();
    assert_eq!(srv.recv().gets("User-Id").map(str::len), Some(40));

    // A malformed file makes the reload fail and names the file; it lets nobody in, the
    // readable files still count, and a removed file is revoked all the same (a broken
    // file must not keep a revoked key alive).
    fs::write(
        dir.0.join("broken.key"),
        "curve\n    public-key = \"short\"\n",
    )
    .unwrap();
    fs::remove_file(dir.0.join("alice.key")).unwrap();
    let err = auth.reload_certificates().unwrap_err().to_string();
    assert!(
        err.contains("broken.key") && err.contains("public-key"),
        "{err}"
    );
    let _bob4 = curve_client(&ctx, &srv.endpoint, &server_cert, &bob);
    srv.expect_admitted();
    let _alice2 = curve_client(&ctx, &srv.endpoint, &server_cert, &alice);
    srv.expect_refused(400);
    fs::remove_file(dir.0.join("broken.key")).unwrap();
    assert_eq!(auth.reload_certificates().unwrap(), 1);

    // A directory that cannot be read any more lets no CURVE client in.
    fs::remove_dir_all(&dir.0).unwrap();
    assert!(auth.reload_certificates().is_err());
    let _bob5 = curve_client(&ctx, &srv.endpoint, &server_cert, &bob);
    srv.expect_refused(400);

    // A domain whose CURVE policy is no longer a directory is left alone by a reload.
    auth.curve_keys("*", [*alice.public_key()]);
    assert_eq!(auth.reload_certificates().unwrap(), 0, "no directory left");
    let _alice3 = curve_client(&ctx, &srv.endpoint, &server_cert, &alice);
    srv.expect_admitted();
}

#[test]
fn certificate_files_round_trip_and_the_secret_file_is_private() {
    require_curve();
    let dir = Dir::new("files");
    let mut cert = Certificate::new().unwrap();
    cert.set_metadata("name", "server one").unwrap();
    let (public, secret) = cert.save(dir.0.join("server")).unwrap();
    assert!(public.ends_with("server.key") && secret.ends_with("server.key_secret"));
    let public_text = fs::read_to_string(&public).unwrap();
    assert!(!public_text.contains(&cert.secret_key_z85().unwrap()));

    let loaded = Certificate::load_secret(&secret).unwrap();
    assert_eq!(loaded, cert);
    let public_only = Certificate::load(&public).unwrap();
    assert_eq!(public_only, cert.public_part());
    assert_eq!(public_only.get_metadata("name"), Some("server one"));
    let err = Certificate::load_secret(&public).unwrap_err();
    assert!(matches!(err, CertError::InFile { .. }) && err.to_string().contains("no secret key"));

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &PathBuf| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&secret), 0o600);
        // Also when the file was there before with wider permissions.
        fs::set_permissions(&secret, fs::Permissions::from_mode(0o644)).unwrap();
        cert.save_secret(&secret).unwrap();
        assert_eq!(mode(&secret), 0o600);
    }

    // The directory loader reads the public files only.
    let certs = load_directory(&dir.0).unwrap();
    assert_eq!(certs.len(), 1);
    assert_eq!(certs[0].secret_key(), None);

    // A secret key that belongs to another public key is refused.
    let other = Certificate::new().unwrap();
    let forged = cert
        .to_secret_text()
        .unwrap()
        .replace(&cert.public_key_z85(), &other.public_key_z85());
    assert!(matches!(
        Certificate::parse(&forged),
        Err(CertError::KeyMismatch)
    ));
    let missing = Certificate::load(dir.0.join("nope.key")).unwrap_err();
    assert!(matches!(missing, CertError::Io { .. }), "{missing}");
}

#[test]
fn a_callback_replaced_while_it_runs_is_dropped_without_ending_the_handler() {
    // The handler thread holds the last handle of a callback replaced while it runs; dropping
    // it there ran a panicking destructor outside any catch, ended the thread, and libzmq
    // then let every client in (found by review).
    let ctx = Context::new();
    let auth = Arc::new(Authenticator::new(&ctx).unwrap());
    let (entered_rx, release_tx, held) = held_callback(Verdict::deny("first callback"));
    let captured = PanicsOnDrop;
    auth.callback("*", move |req| {
        let _keep = &captured;
        held(req)
    });
    let srv = server(&ctx, PULL, |s| s.set_zap_domain("any").unwrap());
    let _first = client(&ctx, &srv.endpoint, |_| {});
    entered_rx.recv_timeout(DEADLINE).unwrap();
    auth.callback("*", |_| Verdict::deny("second callback"));
    release_tx.send(()).unwrap();
    srv.expect_refused(400);
    // Still answering: the next client is refused by the new callback, not let in.
    let _second = client(&ctx, &srv.endpoint, |_| {});
    srv.expect_refused(400);
    Arc::try_unwrap(auth).unwrap().stop().unwrap();
}

#[test]
fn public_files_are_replaced_too_and_huge_files_are_refused() {
    require_curve();
    let dir = Dir::new("public");
    let cert = Certificate::new().unwrap();
    #[cfg(unix)]
    {
        let victim = dir.0.join("victim");
        fs::write(&victim, "untouched\n").unwrap();
        std::os::unix::fs::symlink(&victim, dir.0.join("client.key")).unwrap();
        cert.save_public(dir.0.join("client.key")).unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "untouched\n");
        fs::remove_file(&victim).unwrap();
    }
    cert.save_public(dir.0.join("client.key")).unwrap();
    assert_eq!(
        Certificate::load(dir.0.join("client.key")).unwrap(),
        cert.public_part()
    );
    // A file far larger than any certificate is refused without being read whole.
    let big = dir.0.join("big.key");
    fs::write(&big, vec![b'#'; 1 << 20]).unwrap();
    let err = Certificate::load(&big).unwrap_err().to_string();
    assert!(err.contains("larger than"), "{err}");
}
