//! Ironhouse: a CURVE server that admits only the clients whose certificates it holds.
//!
//! Makes a server certificate and two client certificates, puts the public file of one
//! client (`client.key`) in a directory the authenticator reads, and lets both clients try.
//! The known client talks and the server sees its User-Id; the stranger is refused, and the
//! server's monitor reports the refusal. Runs in one process over loopback TCP.
//!
//! ```text
//! cargo run --example ironhouse [-- --certs DIR]
//! ```
//! `--certs DIR` keeps the certificate files in DIR (created; default: a temporary directory
//! removed at the end).

use std::error::Error;
use std::path::PathBuf;
use std::time::Duration;

use zmq::auth::{Authenticator, Certificate};
use zmq::{Context, Socket, SocketEvent};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// How long the server waits for any one thing to happen.
const WAIT: Duration = Duration::from_secs(5);

fn certs_dir() -> Result<(PathBuf, bool)> {
    let mut args = std::env::args().skip(1);
    match (args.next().as_deref(), args.next()) {
        (None, _) => Ok((private_temp_dir()?, true)),
        (Some("--certs"), Some(dir)) => Ok((PathBuf::from(dir), false)),
        _ => Err("usage: ironhouse [--certs DIR]".into()),
    }
}

/// A new directory only this user can enter. Created exclusively: a directory that already
/// exists under that name (someone else's, perhaps planted) is an error, never reused.
fn private_temp_dir() -> Result<PathBuf> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .subsec_nanos();
    let dir = std::env::temp_dir().join(format!("ironhouse-{}-{nanos}", std::process::id()));
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(&dir)?;
    Ok(dir)
}

fn client(ctx: &Context, endpoint: &str, server: &Certificate, me: &Certificate) -> Result<Socket> {
    let socket = ctx.socket(zmq::PUSH)?;
    socket.set_linger(0)?;
    socket.set_curve_serverkey(server.public_key())?;
    socket.set_curve_publickey(me.public_key())?;
    let secret = me.secret_key().ok_or("a client needs its secret key")?;
    socket.set_curve_secretkey(secret)?;
    socket.connect(endpoint)?;
    Ok(socket)
}

/// The next handshake outcome the server's monitor reports.
fn handshake(events: &Socket) -> Result<String> {
    let event = events.recv_monitor_event(0)?;
    Ok(match event.event() {
        Some(SocketEvent::HANDSHAKE_SUCCEEDED) => "admitted".to_owned(),
        Some(SocketEvent::HANDSHAKE_FAILED_AUTH) => {
            format!("refused (ZAP status {})", event.value())
        }
        other => format!("handshake event {other:?}"),
    })
}

fn run(dir: &std::path::Path) -> Result<()> {
    let allowed = dir.join("allowed");
    std::fs::create_dir_all(&allowed)?;
    let server_cert = Certificate::new()?;
    let mut known = Certificate::new()?;
    known.set_metadata("name", "known client")?;
    let stranger = Certificate::new()?;
    known.save(dir.join("client"))?;
    known.save_public(allowed.join("client.key"))?;
    server_cert.save(dir.join("server"))?;

    let ctx = Context::new();
    let auth = Authenticator::new(&ctx)?;
    auth.allow("127.0.0.1")?;
    let keys = auth.curve_directory("*", &allowed)?;
    println!(
        "authenticator: {keys} allowed key(s) from {}",
        allowed.display()
    );

    let server = ctx.socket(zmq::PULL)?;
    server.set_linger(0)?;
    server.set_rcvtimeo(WAIT.as_millis() as i32)?;
    server.set_curve_server(true)?;
    let server_secret = Certificate::load_secret(dir.join("server.key_secret"))?;
    server.set_curve_secretkey(server_secret.secret_key().ok_or("no secret key")?)?;
    server.monitor(
        "inproc://ironhouse-monitor",
        SocketEvent::HANDSHAKE_SUCCEEDED as i32 | SocketEvent::HANDSHAKE_FAILED_AUTH as i32,
    )?;
    let events = ctx.socket(zmq::PAIR)?;
    events.set_linger(0)?;
    events.set_rcvtimeo(WAIT.as_millis() as i32)?;
    events.connect("inproc://ironhouse-monitor")?;
    server.bind("tcp://127.0.0.1:*")?;
    let endpoint = server
        .get_last_endpoint()?
        .map_err(|_| "endpoint is not UTF-8")?;

    let _stranger = client(&ctx, &endpoint, &server_cert, &stranger)?;
    println!("stranger: {}", handshake(&events)?);

    let known_client = client(&ctx, &endpoint, &server_cert, &known)?;
    known_client.send("hello from the known client", 0)?;
    println!("known client: {}", handshake(&events)?);
    let mut msg = server.recv_msg(0)?;
    let user = msg.gets("User-Id").unwrap_or("<none>").to_owned();
    println!(
        "server received {:?} from User-Id {user}",
        msg.as_str().unwrap_or("<binary>"),
    );
    let stats = auth.stats();
    println!(
        "authenticator: {} allowed, {} denied, {} errors",
        stats.allowed, stats.denied, stats.errors
    );
    auth.stop()?;
    Ok(())
}

fn main() {
    let outcome = certs_dir().and_then(|(dir, temporary)| {
        let result = run(&dir);
        if temporary {
            let _ = std::fs::remove_dir_all(&dir);
        }
        result
    });
    if let Err(e) = outcome {
        eprintln!("ironhouse: {e}");
        std::process::exit(1);
    }
}
