//! The vendored libzmq behaves like a distribution's libzmq on Linux: the platform features
//! libzmq's configure would detect (zmq-sys/build.rs `platform_defines`) are on, so options and
//! endpoints that depend on them work the same in both link modes. Each test fails on a
//! vendored build made without those defines (checked by building without them).
#![cfg(target_os = "linux")]

use std::fs;
use std::time::{Duration, Instant};

/// The `tr` (timer) field of the /proc/net/tcp{,6} rows whose remote port is `port`: 2 means
/// the keepalive timer runs (0 none, 1 retransmit, 4 zero-window probe).
fn timers_towards(port: u16) -> Vec<u32> {
    let mut timers = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = fs::read_to_string(table) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when ...
            let (Some(remote), Some(state), Some(timer)) =
                (fields.get(2), fields.get(3), fields.get(5))
            else {
                continue;
            };
            let remote_port = remote
                .rsplit(':')
                .next()
                .and_then(|p| u16::from_str_radix(p, 16).ok());
            // 01 = ESTABLISHED.
            if remote_port == Some(port) && *state == "01" {
                let tr = timer.split(':').next().unwrap_or("");
                timers.push(u32::from_str_radix(tr, 16).unwrap());
            }
        }
    }
    timers
}

/// A connected tcp PAIR; `keepalive` set on the connecting side before it connects. Returns
/// the sockets and the bound port.
fn tcp_pair(ctx: &zmq::Context, keepalive: bool) -> (zmq::Socket, zmq::Socket, u16) {
    let server = ctx.socket(zmq::PAIR).unwrap();
    server.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = server.get_last_endpoint().unwrap().unwrap();
    let port: u16 = endpoint.rsplit(':').next().unwrap().parse().unwrap();
    let client = ctx.socket(zmq::PAIR).unwrap();
    if keepalive {
        client.set_tcp_keepalive(1).unwrap();
        client.set_tcp_keepalive_idle(30).unwrap();
        client.set_tcp_keepalive_intvl(5).unwrap();
        client.set_tcp_keepalive_cnt(3).unwrap();
    }
    client.set_rcvtimeo(5_000).unwrap();
    server.set_rcvtimeo(5_000).unwrap();
    client.connect(&endpoint).unwrap();
    client.send("up", 0).unwrap();
    assert_eq!(server.recv_bytes(0).unwrap(), b"up");
    (server, client, port)
}

#[test]
fn tcp_keepalive_options_arm_the_kernels_keepalive_timer() {
    let ctx = zmq::Context::new();
    let (_server, _client, port) = tcp_pair(&ctx, true);
    // The connection is idle now: with SO_KEEPALIVE set, the kernel's keepalive timer runs on
    // the client's end (the only established socket whose remote port is the server's).
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let timers = timers_towards(port);
        if timers == [2] {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "expected one established connection to port {port} with the keepalive timer (2), \
             /proc/net/tcp says {timers:?}: the TCP_KEEPALIVE options did not reach the socket"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn without_tcp_keepalive_no_keepalive_timer_runs() {
    // The control for the test above: the field does say 0 when keepalive is off.
    let ctx = zmq::Context::new();
    let (_server, _client, port) = tcp_pair(&ctx, false);
    assert_eq!(timers_towards(port), [0]);
}

#[test]
fn an_endpoint_may_name_a_network_interface() {
    let ctx = zmq::Context::new();
    let server = ctx.socket(zmq::PAIR).unwrap();
    server.bind("tcp://lo:*").unwrap();
    let endpoint = server.get_last_endpoint().unwrap().unwrap();
    assert!(
        endpoint.starts_with("tcp://127.0.0.1:"),
        "bound by interface name `lo`: {endpoint}"
    );
    let client = ctx.socket(zmq::PAIR).unwrap();
    client.set_rcvtimeo(5_000).unwrap();
    client.connect(&endpoint).unwrap();
    server.send("over lo", 0).unwrap();
    assert_eq!(client.recv_bytes(0).unwrap(), b"over lo");
}

#[test]
fn mailboxes_use_eventfds() {
    let ctx = zmq::Context::new();
    let _socket = ctx.socket(zmq::PAIR).unwrap();
    let eventfds = fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| fs::read_link(e.ok()?.path()).ok())
        .filter(|target| target.to_string_lossy() == "anon_inode:[eventfd]")
        .count();
    assert!(
        eventfds > 0,
        "no eventfd open in this process: libzmq's mailboxes fell back to socketpairs"
    );
}

#[test]
fn io_threads_carry_their_names() {
    let ctx = zmq::Context::new();
    // The I/O thread and the reaper start with the first socket and name themselves once
    // running (until then they carry the creating thread's name), so look for a while.
    let _socket = ctx.socket(zmq::PAIR).unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let names: Vec<String> = fs::read_dir("/proc/self/task")
            .unwrap()
            .filter_map(|e| fs::read_to_string(e.ok()?.path().join("comm")).ok())
            .map(|n| n.trim().to_string())
            .collect();
        if names.iter().any(|n| n.starts_with("ZMQbg/IO/")) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no thread named ZMQbg/IO/* within 5 s: {names:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn ipc_wildcard_binds_in_a_private_directory() {
    let ctx = zmq::Context::new();
    let server = ctx.socket(zmq::PAIR).unwrap();
    server.bind("ipc://*").unwrap();
    let endpoint = server.get_last_endpoint().unwrap().unwrap();
    let path = endpoint.strip_prefix("ipc://").unwrap();
    // mkdtemp: a fresh 0700 directory holding the socket.
    assert!(path.ends_with("/socket"), "{endpoint}");
    let dir = std::path::Path::new(path).parent().unwrap();
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(dir).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "{}", dir.display());
    let client = ctx.socket(zmq::PAIR).unwrap();
    client.set_rcvtimeo(5_000).unwrap();
    client.connect(&endpoint).unwrap();
    server.send("through ipc://*", 0).unwrap();
    assert_eq!(client.recv_bytes(0).unwrap(), b"through ipc://*");
}
