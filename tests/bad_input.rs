//! Bad input (issue 8): every public entry point that takes user data, fed what it should
//! refuse, returns the documented error — never a panic, a hang or a leak.
//!
//! One table: each row names the entry point, the input, and the expected outcome, written
//! as the crate documents it (the doc comments in `src/`), or where the crate says nothing,
//! as libzmq's manual (`zmq_bind(3)`, `zmq_setsockopt(3)`, ...) and source say. The test
//! runs every row under `catch_unwind` (a panic is a failed row, not an aborted run) and a
//! watchdog (a row that does not return within 20 s aborts the run naming it), then runs the
//! whole table again several times and checks that open descriptors stay the same and the
//! resident memory does not grow. It prints how many inputs it tried.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use zmq::Error::*;

/// An outcome in the form the table compares: `"Ok"`, an error variant's name (`"EINVAL"`),
/// or a short description for results that are not `zmq::Result`s.
type Outcome = String;

const OK: &str = "Ok";

fn z<T>(result: zmq::Result<T>) -> Outcome {
    match result {
        Ok(_) => OK.to_owned(),
        Err(e) => e.name().to_owned(),
    }
}

fn e(error: zmq::Error) -> Outcome {
    error.name().to_owned()
}

fn decode(result: Result<Vec<u8>, zmq::DecodeError>) -> Outcome {
    match result {
        Ok(_) => OK.to_owned(),
        Err(zmq::DecodeError::BadLength) => "BadLength".to_owned(),
        Err(zmq::DecodeError::NulError(_)) => "NulError".to_owned(),
        Err(zmq::DecodeError::InvalidInput) => "InvalidInput".to_owned(),
    }
}

/// What a row runs against: a live context, and a context that was shut down (with a
/// socket made before), for the `ETERM` rows. Sockets drop before their contexts.
struct Fx {
    dead_push: zmq::Socket,
    dead_pull: zmq::Socket,
    dead: zmq::Context,
    ctx: zmq::Context,
}

impl Fx {
    fn new() -> Fx {
        let dead = zmq::Context::new();
        let dead_push = dead.socket(zmq::PUSH).expect("socket");
        let dead_pull = dead.socket(zmq::PULL).expect("socket");
        dead_push.set_linger(0).expect("LINGER");
        dead_pull.set_linger(0).expect("LINGER");
        dead.shutdown().expect("shutdown");
        Fx {
            dead_push,
            dead_pull,
            dead,
            ctx: zmq::Context::new(),
        }
    }

    /// A socket with bounded waits and no linger.
    fn sock(&self, kind: zmq::SocketType) -> zmq::Socket {
        let s = self.ctx.socket(kind).expect("socket");
        s.set_linger(0).expect("LINGER");
        s.set_rcvtimeo(1000).expect("RCVTIMEO");
        s.set_sndtimeo(1000).expect("SNDTIMEO");
        s
    }

    /// A connected inproc pair of sockets.
    fn pair(&self, a: zmq::SocketType, b: zmq::SocketType) -> (zmq::Socket, zmq::Socket) {
        let (x, y) = (self.sock(a), self.sock(b));
        let endpoint = unique("inproc://bad-input-pair");
        x.bind(&endpoint).expect("bind");
        y.connect(&endpoint).expect("connect");
        (x, y)
    }
}

fn unique(prefix: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!("{prefix}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

struct Row {
    entry: &'static str,
    input: String,
    expect: Outcome,
    run: Box<dyn Fn(&Fx) -> Outcome>,
}

struct Table(Vec<Row>);

impl Table {
    fn row(
        &mut self,
        entry: &'static str,
        input: impl Into<String>,
        expect: impl Into<Outcome>,
        run: impl Fn(&Fx) -> Outcome + 'static,
    ) {
        self.0.push(Row {
            entry,
            input: input.into(),
            expect: expect.into(),
            run: Box::new(run),
        });
    }
}

/// The Z85 text of a valid 32-byte key.
const Z85_KEY: &str = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";

fn has_curve() -> bool {
    zmq::has("curve") == Some(true)
}

fn long_ipc(len: usize) -> String {
    format!("ipc:///tmp/{}", "x".repeat(len))
}

/// Every row. Grouped by entry point; each group says where its expectations come from.
fn table() -> Table {
    let mut t = Table(Vec::new());
    endpoints_rows(&mut t);
    monitor_rows(&mut t);
    int_options_rows(&mut t);
    byte_options_rows(&mut t);
    curve_keys_rows(&mut t);
    wrong_type_rows(&mut t);
    send_recv_rows(&mut t);
    poll_rows(&mut t);
    context_rows(&mut t);
    messages_rows(&mut t);
    z85_rows(&mut t);
    free_functions_rows(&mut t);
    #[cfg(zmq_draft)]
    draft_rows(&mut t);
    // zmq::auth (certificates, ZAP replies): see auth_rows.
    auth_rows(&mut t);
    t
}

fn endpoints_rows(t: &mut Table) {
    // ---- endpoints: bind / connect / unbind / disconnect ------------------------------
    // zmq_bind(3)/zmq_connect(3): EINVAL for an invalid endpoint, EPROTONOSUPPORT for an
    // unknown transport, ENOCOMPATPROTO for one the socket type cannot use, EADDRINUSE,
    // EADDRNOTAVAIL, ENODEV; libzmq's ipc transport answers a path longer than sun_path
    // (108 bytes on Linux) with ENAMETOOLONG. The crate: a NUL byte is EINVAL.
    let bad_endpoints: &[(&str, zmq::Error)] = &[
        ("", EINVAL),
        ("tcp://", EINVAL),
        ("tcp:/127.0.0.1:5555", EINVAL),
        ("127.0.0.1:5555", EINVAL),
        ("nosuch://x", EPROTONOSUPPORT),
        ("TCP://127.0.0.1:5555", EPROTONOSUPPORT),
        ("tcp://127.0.0.1", EINVAL),
        ("tcp://127.0.0.1:", EINVAL),
        ("tcp://127.0.0.1:port", EINVAL),
        ("inproc://", EINVAL),
        ("ipc://", EINVAL),
        ("tcp://127.0.0.1:5555\0", EINVAL),
        ("inproc://a\0b", EINVAL),
        ("\0", EINVAL),
    ];
    for &(endpoint, error) in bad_endpoints {
        t.row("Socket::bind", endpoint, e(error), move |f| {
            z(f.sock(zmq::PUSH).bind(endpoint))
        });
        t.row("Socket::connect", endpoint, e(error), move |f| {
            z(f.sock(zmq::PUSH).connect(endpoint))
        });
    }
    t.row(
        "Socket::bind",
        "ipc:// + 200-byte path",
        e(ENAMETOOLONG),
        |f| z(f.sock(zmq::PULL).bind(&long_ipc(200))),
    );
    t.row(
        "Socket::connect",
        "ipc:// + 200-byte path",
        e(ENAMETOOLONG),
        |f| z(f.sock(zmq::PUSH).connect(&long_ipc(200))),
    );
    t.row(
        "Socket::bind",
        "ipc:// + 64 KiB path",
        e(ENAMETOOLONG),
        |f| z(f.sock(zmq::PULL).bind(&long_ipc(65536))),
    );
    t.row(
        "Socket::bind",
        "tcp://no-such-interface-xq:5555",
        e(ENODEV),
        |f| z(f.sock(zmq::PULL).bind("tcp://no-such-interface-xq:5555")),
    );
    t.row(
        "Socket::bind",
        "tcp://192.0.2.1:5555 (not local)",
        e(EADDRNOTAVAIL),
        |f| z(f.sock(zmq::PULL).bind("tcp://192.0.2.1:5555")),
    );
    t.row("Socket::bind", "udp:// on PUSH", e(ENOCOMPATPROTO), |f| {
        z(f.sock(zmq::PUSH).bind("udp://127.0.0.1:5555"))
    });
    t.row(
        "Socket::connect",
        "udp:// on PUSH",
        e(ENOCOMPATPROTO),
        |f| z(f.sock(zmq::PUSH).connect("udp://127.0.0.1:5555")),
    );
    let pgm = if zmq::has("pgm") == Some(true) {
        ENOCOMPATPROTO
    } else {
        EPROTONOSUPPORT
    };
    t.row("Socket::bind", "pgm:// on PUSH", e(pgm), |f| {
        z(f.sock(zmq::PUSH).bind("pgm://127.0.0.1;239.192.1.1:5555"))
    });
    t.row(
        "Socket::bind",
        "inproc name bound twice",
        e(EADDRINUSE),
        |f| {
            let endpoint = unique("inproc://bad-input-twice");
            let first = f.sock(zmq::PULL);
            first.bind(&endpoint).expect("first bind");
            z(f.sock(zmq::PULL).bind(&endpoint))
        },
    );
    t.row("Socket::bind", "tcp port bound twice", e(EADDRINUSE), |f| {
        let first = f.sock(zmq::PULL);
        first.bind("tcp://127.0.0.1:*").expect("first bind");
        let endpoint = first.get_last_endpoint().unwrap().unwrap();
        z(f.sock(zmq::PULL).bind(&endpoint))
    });
    t.row("Socket::unbind", "never bound", e(ENOENT), |f| {
        z(f.sock(zmq::PULL).unbind("tcp://127.0.0.1:5555"))
    });
    t.row("Socket::unbind", "NUL byte", e(EINVAL), |f| {
        z(f.sock(zmq::PULL).unbind("inproc://a\0"))
    });
    t.row("Socket::disconnect", "never connected", e(ENOENT), |f| {
        z(f.sock(zmq::PUSH).disconnect("tcp://127.0.0.1:5555"))
    });
    t.row("Socket::disconnect", "NUL byte", e(EINVAL), |f| {
        z(f.sock(zmq::PUSH).disconnect("tcp://\0"))
    });
    t.row("Socket::bind", "context shut down", e(ETERM), |f| {
        z(f.dead_pull.bind("inproc://bad-input-dead"))
    });
    t.row("Socket::connect", "context shut down", e(ETERM), |f| {
        z(f.dead_push.connect("inproc://bad-input-dead"))
    });
}

fn monitor_rows(t: &mut Table) {
    // ---- monitor -------------------------------------------------------------------------
    // The crate: the endpoint must be inproc:// (else EPROTONOSUPPORT), a NUL is EINVAL.
    // libzmq: an empty endpoint is invalid; the (version 1) event mask has 16 bits, others
    // are EINVAL.
    t.row(
        "Socket::monitor",
        "tcp:// endpoint",
        e(EPROTONOSUPPORT),
        |f| {
            z(f.sock(zmq::PUSH)
                .monitor("tcp://127.0.0.1:5555", zmq::SocketEvent::ALL as i32))
        },
    );
    t.row("Socket::monitor", "NUL byte", e(EINVAL), |f| {
        z(f.sock(zmq::PUSH)
            .monitor("inproc://m\0", zmq::SocketEvent::ALL as i32))
    });
    t.row("Socket::monitor", "\"\"", e(EINVAL), |f| {
        z(f.sock(zmq::PUSH).monitor("", zmq::SocketEvent::ALL as i32))
    });
    t.row("Socket::monitor", "events = -1", e(EINVAL), |f| {
        z(f.sock(zmq::PUSH)
            .monitor(&unique("inproc://bad-input-mon"), -1))
    });
    t.row("Socket::monitor", "events = 1 << 16", e(EINVAL), |f| {
        z(f.sock(zmq::PUSH)
            .monitor(&unique("inproc://bad-input-mon"), 1 << 16))
    });
    t.row("Socket::monitor", "context shut down", e(ETERM), |f| {
        z(f.dead_push
            .monitor(&unique("inproc://bad-input-mon"), 0xFFFF))
    });

    // MonitorEvent::from_frames / decode: anything but a 6-byte first frame (and two
    // frames) is EPROTO. SocketEvent::try_from: not a variant is EINVAL; from_raw never
    // panics (ALL for unknown values).
    for len in [0usize, 1, 5, 7, 64] {
        t.row(
            "MonitorEvent::from_frames",
            format!("{len}-byte first frame"),
            e(EPROTO),
            move |_| z(zmq::MonitorEvent::from_frames(&vec![0xFF; len], b"tcp://x")),
        );
    }
    t.row(
        "MonitorEvent::from_frames",
        "unknown event 0x8000, non-UTF-8 endpoint",
        "Ok None None",
        |_| match zmq::MonitorEvent::from_frames(
            &[&0x8000u16.to_ne_bytes()[..], &[0xFF; 4]].concat(),
            &[0xFF, 0xFE],
        ) {
            Ok(ev) => format!("Ok {:?} {:?}", ev.event(), ev.endpoint_str()),
            Err(err) => e(err),
        },
    );
    for frames in [0usize, 1, 3] {
        t.row(
            "MonitorEvent::decode",
            format!("{frames} frames"),
            e(EPROTO),
            move |_| {
                let msgs: Vec<zmq::Message> = (0..frames)
                    .map(|_| zmq::Message::from(&[0u8; 6][..]))
                    .collect();
                z(zmq::MonitorEvent::decode(&msgs))
            },
        );
    }
    t.row("SocketEvent::try_from", "0", e(EINVAL), |_| {
        z(zmq::SocketEvent::try_from(0u16))
    });
    t.row(
        "SocketEvent::try_from",
        "0x0003 (two bits)",
        e(EINVAL),
        |_| z(zmq::SocketEvent::try_from(3u16)),
    );
    t.row("SocketEvent::from_raw", "0x8000", "ALL", |_| {
        format!("{:?}", zmq::SocketEvent::from_raw(0x8000))
    });
    t.row(
        "Socket::recv_monitor_event",
        "a one-frame message",
        e(EPROTO),
        |f| {
            let (a, b) = f.pair(zmq::PAIR, zmq::PAIR);
            a.send("not an event", 0).expect("send");
            z(b.recv_monitor_event(0))
        },
    );
    t.row(
        "Socket::recv_monitor_event",
        "a three-frame message",
        "EPROTO, then the next message",
        |f| {
            let (a, b) = f.pair(zmq::PAIR, zmq::PAIR);
            a.send_multipart([&[0u8; 6][..], b"x", b"y"], 0)
                .expect("send");
            a.send("next", 0).expect("send");
            let first = z(b.recv_monitor_event(0));
            let next = b
                .recv_bytes(0)
                .map(|m| String::from_utf8_lossy(&m).into_owned());
            format!(
                "{first}, then the {}",
                next.unwrap_or_default() + " message"
            )
        },
    );
}

fn int_options_rows(t: &mut Table) {
    // ---- socket options: out of range ------------------------------------------------
    // zmq_setsockopt(3): EINVAL for an invalid value; the ranges are libzmq's (options.cpp).
    type SetI32 = fn(&zmq::Socket, i32) -> zmq::Result<()>;
    let int_rows: &[(&str, SetI32, i32)] = &[
        ("set_sndhwm", zmq::Socket::set_sndhwm, -1),
        ("set_rcvhwm", zmq::Socket::set_rcvhwm, -1),
        ("set_sndhwm", zmq::Socket::set_sndhwm, i32::MIN),
        ("set_linger", zmq::Socket::set_linger, -2),
        ("set_rcvtimeo", zmq::Socket::set_rcvtimeo, -2),
        ("set_sndtimeo", zmq::Socket::set_sndtimeo, -2),
        ("set_reconnect_ivl", zmq::Socket::set_reconnect_ivl, -2),
        (
            "set_reconnect_ivl_max",
            zmq::Socket::set_reconnect_ivl_max,
            -1,
        ),
        ("set_backlog", zmq::Socket::set_backlog, -1),
        ("set_rate", zmq::Socket::set_rate, 0),
        ("set_recovery_ivl", zmq::Socket::set_recovery_ivl, -1),
        ("set_sndbuf", zmq::Socket::set_sndbuf, -2),
        ("set_rcvbuf", zmq::Socket::set_rcvbuf, -2),
        ("set_multicast_hops", zmq::Socket::set_multicast_hops, 0),
        (
            "set_multicast_maxtpdu",
            zmq::Socket::set_multicast_maxtpdu,
            0,
        ),
        ("set_tos", zmq::Socket::set_tos, -1),
        ("set_tcp_keepalive", zmq::Socket::set_tcp_keepalive, 2),
        ("set_tcp_keepalive", zmq::Socket::set_tcp_keepalive, -2),
        (
            "set_tcp_keepalive_cnt",
            zmq::Socket::set_tcp_keepalive_cnt,
            -2,
        ),
        (
            "set_tcp_keepalive_idle",
            zmq::Socket::set_tcp_keepalive_idle,
            -2,
        ),
        (
            "set_tcp_keepalive_intvl",
            zmq::Socket::set_tcp_keepalive_intvl,
            -2,
        ),
        ("set_connect_timeout", zmq::Socket::set_connect_timeout, -1),
        ("set_tcp_maxrt", zmq::Socket::set_tcp_maxrt, -1),
        ("set_handshake_ivl", zmq::Socket::set_handshake_ivl, -1),
        ("set_heartbeat_ivl", zmq::Socket::set_heartbeat_ivl, -1),
        (
            "set_heartbeat_timeout",
            zmq::Socket::set_heartbeat_timeout,
            -1,
        ),
        // stored in tenths of a second, at most u16::MAX of them
        ("set_heartbeat_ttl", zmq::Socket::set_heartbeat_ttl, -100),
        (
            "set_heartbeat_ttl",
            zmq::Socket::set_heartbeat_ttl,
            6_553_600,
        ),
        ("set_use_fd", zmq::Socket::set_use_fd, -2),
    ];
    for &(name, set, value) in int_rows {
        t.row(name, value.to_string(), e(EINVAL), move |f| {
            z(set(&f.sock(zmq::DEALER), value))
        });
        t.row(
            name,
            format!("{value}, context shut down"),
            e(ETERM),
            move |f| z(set(&f.dead_push, value)),
        );
    }
    // Typed millisecond setters: more than i32::MAX ms is EINVAL (the crate's check).
    let huge = Duration::from_secs(u64::MAX);
    t.row(
        "set_rcvtimeo_duration",
        "Some(u64::MAX s)",
        e(EINVAL),
        move |f| z(f.sock(zmq::PULL).set_rcvtimeo_duration(Some(huge))),
    );
    t.row("set_linger_duration", "Some(2^31 ms)", e(EINVAL), |f| {
        z(f.sock(zmq::PULL)
            .set_linger_duration(Some(Duration::from_millis(1 << 31))))
    });
    t.row(
        "set_heartbeat_ivl_duration",
        "Duration::MAX",
        e(EINVAL),
        |f| z(f.sock(zmq::PULL).set_heartbeat_ivl_duration(Duration::MAX)),
    );
    t.row("set_heartbeat_ttl_duration", "6553.6 s", e(EINVAL), |f| {
        z(f.sock(zmq::PULL)
            .set_heartbeat_ttl_duration(Duration::from_millis(6_553_600)))
    });
}

fn byte_options_rows(t: &mut Table) {
    // ---- socket options: byte strings ---------------------------------------------------
    // Routing ids are 1 to 255 bytes (the crate's doc); text options refuse a NUL (the
    // crate's doc); ZAP domain 1 to 255 bytes, "" is EINVAL (the crate's doc); PLAIN names
    // at most 255 bytes; the strict string options (SOCKS proxy, bind-to-device) refuse an
    // empty value that is not None (libzmq: only a NULL pointer clears them).
    type SetBytes = fn(&zmq::Socket, &[u8]) -> zmq::Result<()>;
    let byte_rows: &[(&str, SetBytes, usize)] = &[
        ("set_identity", zmq::Socket::set_identity, 0),
        ("set_identity", zmq::Socket::set_identity, 256),
        ("set_routing_id", zmq::Socket::set_routing_id, 0),
        ("set_routing_id", zmq::Socket::set_routing_id, 256),
        ("set_routing_id", zmq::Socket::set_routing_id, 1 << 20),
    ];
    for &(name, set, len) in byte_rows {
        t.row(name, format!("{len} bytes"), e(EINVAL), move |f| {
            z(set(&f.sock(zmq::DEALER), &vec![7u8; len]))
        });
    }
    t.row("set_connect_routing_id", "0 bytes", e(EINVAL), |f| {
        z(f.sock(zmq::ROUTER).set_connect_routing_id(b""))
    });
    type SetStr = fn(&zmq::Socket, &str) -> zmq::Result<()>;
    let long = "z".repeat(256);
    let str_rows: Vec<(&str, SetStr, String)> = vec![
        ("set_zap_domain", zmq::Socket::set_zap_domain, String::new()),
        ("set_zap_domain", zmq::Socket::set_zap_domain, long.clone()),
        (
            "set_zap_domain",
            zmq::Socket::set_zap_domain,
            "global\0".into(),
        ),
        (
            "set_bindtodevice",
            zmq::Socket::set_bindtodevice,
            String::new(),
        ),
        (
            "set_bindtodevice",
            zmq::Socket::set_bindtodevice,
            "x".repeat(17),
        ),
        (
            "set_bindtodevice",
            zmq::Socket::set_bindtodevice,
            "lo\0".into(),
        ),
        (
            "set_gssapi_principal",
            zmq::Socket::set_gssapi_principal,
            "p\0".into(),
        ),
    ];
    for (name, set, value) in str_rows {
        let input = format!(
            "{:?}",
            if value.len() > 20 {
                format!("{} bytes", value.len())
            } else {
                value.clone()
            }
        );
        t.row(name, input, e(EINVAL), move |f| {
            z(set(&f.sock(zmq::DEALER), &value))
        });
    }
    type SetOptStr = fn(&zmq::Socket, Option<&str>) -> zmq::Result<()>;
    let opt_rows: Vec<(&str, SetOptStr, String)> = vec![
        (
            "set_plain_username",
            zmq::Socket::set_plain_username,
            String::new(),
        ),
        (
            "set_plain_username",
            zmq::Socket::set_plain_username,
            long.clone(),
        ),
        (
            "set_plain_username",
            zmq::Socket::set_plain_username,
            "a\0b".into(),
        ),
        (
            "set_plain_password",
            zmq::Socket::set_plain_password,
            String::new(),
        ),
        (
            "set_plain_password",
            zmq::Socket::set_plain_password,
            long.clone(),
        ),
        (
            "set_plain_password",
            zmq::Socket::set_plain_password,
            "\0".into(),
        ),
        (
            "set_socks_proxy",
            zmq::Socket::set_socks_proxy,
            String::new(),
        ),
        (
            "set_socks_proxy",
            zmq::Socket::set_socks_proxy,
            "host:1\0".into(),
        ),
    ];
    for (name, set, value) in opt_rows {
        let input = format!(
            "Some({:?})",
            if value.len() > 20 {
                format!("{} bytes", value.len())
            } else {
                value.clone()
            }
        );
        t.row(name, input, e(EINVAL), move |f| {
            z(set(&f.sock(zmq::DEALER), Some(&value)))
        });
    }
    #[allow(deprecated)]
    {
        t.row(
            "set_tcp_accept_filter",
            "Some(\"not an address\")",
            e(EINVAL),
            |f| {
                z(f.sock(zmq::PULL)
                    .set_tcp_accept_filter(Some("not an address")))
            },
        );
        t.row(
            "set_tcp_accept_filter",
            "Some(\"10.0.0.0/99\")",
            e(EINVAL),
            |f| z(f.sock(zmq::PULL).set_tcp_accept_filter(Some("10.0.0.0/99"))),
        );
    }
}

fn curve_keys_rows(t: &mut Table) {
    let curve = has_curve();
    let not_without_curve = |outcome: &str| {
        if curve {
            outcome.to_owned()
        } else {
            e(EINVAL)
        }
    };
    // ---- CURVE keys -------------------------------------------------------------------
    // The crate's doc: 32 binary bytes or 40 Z85 characters, anything else EINVAL (as is a
    // libzmq without CURVE). Not Z85: a character outside the alphabet, a group above
    // 0xFFFFFFFF, a NUL.
    type SetKey = fn(&zmq::Socket, &[u8]) -> zmq::Result<()>;
    let key_setters: &[(&str, SetKey)] = &[
        ("set_curve_serverkey", zmq::Socket::set_curve_serverkey),
        ("set_curve_publickey", zmq::Socket::set_curve_publickey),
        ("set_curve_secretkey", zmq::Socket::set_curve_secretkey),
    ];
    let mut nul_inside = Z85_KEY.as_bytes().to_vec();
    nul_inside[35] = 0;
    let mut nul_inside_41 = nul_inside.clone();
    nul_inside_41.push(0);
    let bad_keys: Vec<(String, Vec<u8>)> = vec![
        ("0 bytes".into(), Vec::new()),
        ("31 bytes".into(), vec![1; 31]),
        ("33 bytes".into(), vec![1; 33]),
        (
            "39 Z85 characters".into(),
            Z85_KEY.as_bytes()[..39].to_vec(),
        ),
        (
            "41 characters, no NUL".into(),
            [Z85_KEY.as_bytes(), b"0"].concat(),
        ),
        ("40 characters, '~' (not Z85)".into(), vec![b'~'; 40]),
        ("40 characters, space".into(), vec![b' '; 40]),
        ("40 bytes 0xFF".into(), vec![0xFF; 40]),
        ("40 characters, '#' groups > 2^32".into(), vec![b'#'; 40]),
        ("40 characters, NUL at 35".into(), nul_inside),
        ("41 characters, NUL at 35 and 40".into(), nul_inside_41),
    ];
    for &(name, set) in key_setters {
        for (input, key) in &bad_keys {
            let key = key.clone();
            t.row(name, input.clone(), e(EINVAL), move |f| {
                z(set(&f.sock(zmq::DEALER), &key))
            });
        }
        t.row(
            name,
            "40 Z85 characters (valid)",
            not_without_curve(OK),
            move |f| z(set(&f.sock(zmq::DEALER), Z85_KEY.as_bytes())),
        );
        t.row(
            name,
            "41 bytes: 40 Z85 characters and their NUL (zmq_setsockopt(3))",
            not_without_curve(OK),
            move |f| {
                let mut key = Z85_KEY.as_bytes().to_vec();
                key.push(0);
                z(set(&f.sock(zmq::DEALER), &key))
            },
        );
    }
}

fn wrong_type_rows(t: &mut Table) {
    // ---- options that do not apply to the socket type ------------------------------------
    // zmq_setsockopt(3): an option the socket type does not know is EINVAL.
    type SetBool = fn(&zmq::Socket, bool) -> zmq::Result<()>;
    let wrong_type: &[(&str, SetBool, zmq::SocketType)] = &[
        (
            "set_req_correlate",
            zmq::Socket::set_req_correlate,
            zmq::PUSH,
        ),
        ("set_req_relaxed", zmq::Socket::set_req_relaxed, zmq::REP),
        (
            "set_router_mandatory",
            zmq::Socket::set_router_mandatory,
            zmq::DEALER,
        ),
        (
            "set_router_handover",
            zmq::Socket::set_router_handover,
            zmq::PUB,
        ),
        ("set_probe_router", zmq::Socket::set_probe_router, zmq::PULL),
        ("set_xpub_verbose", zmq::Socket::set_xpub_verbose, zmq::SUB),
        ("set_xpub_nodrop", zmq::Socket::set_xpub_nodrop, zmq::SUB),
        ("set_xpub_manual", zmq::Socket::set_xpub_manual, zmq::PUSH),
        (
            "set_stream_notify",
            zmq::Socket::set_stream_notify,
            zmq::ROUTER,
        ),
        ("set_router_raw", zmq::Socket::set_router_raw, zmq::DEALER),
    ];
    for &(name, set, kind) in wrong_type {
        t.row(name, format!("true on {kind:?}"), e(EINVAL), move |f| {
            z(set(&f.sock(kind), true))
        });
    }
    t.row("set_subscribe", "on PUSH", e(EINVAL), |f| {
        z(f.sock(zmq::PUSH).set_subscribe(b"topic"))
    });
    t.row("set_unsubscribe", "on PULL", e(EINVAL), |f| {
        z(f.sock(zmq::PULL).set_unsubscribe(b"topic"))
    });
    t.row("set_xpub_welcome_msg", "on SUB", e(EINVAL), |f| {
        z(f.sock(zmq::SUB).set_xpub_welcome_msg(Some("hi")))
    });
    // Large but legal: a 4 KiB topic, and unsubscribing what was never subscribed. (Not
    // 1 MiB: libzmq's subscription trie recurses once per byte, and a topic of some 20 KB
    // overflows a 2 MiB thread stack in a debug build of libzmq, aborting the process.)
    t.row("set_subscribe", "4 KiB topic on SUB", OK, |f| {
        z(f.sock(zmq::SUB).set_subscribe(&vec![b'x'; 4096]))
    });
    t.row("set_unsubscribe", "never subscribed, on SUB", OK, |f| {
        z(f.sock(zmq::SUB).set_unsubscribe(b"never"))
    });
}

fn send_recv_rows(t: &mut Table) {
    // ---- send / receive -----------------------------------------------------------------
    // zmq_msg_send(3)/zmq_msg_recv(3): ENOTSUP for a direction the type lacks, EFSM out of
    // order, EAGAIN with DONTWAIT, EHOSTUNREACH for an unroutable ROUTER message with
    // ROUTER_MANDATORY, ETERM after the context ended. Unknown flag bits are ignored by
    // libzmq (only DONTWAIT and SNDMORE are read).
    t.row("Socket::send", "on PULL", e(ENOTSUP), |f| {
        z(f.sock(zmq::PULL).send("x", zmq::DONTWAIT))
    });
    t.row("Socket::recv_bytes", "on PUSH", e(ENOTSUP), |f| {
        z(f.sock(zmq::PUSH).recv_bytes(zmq::DONTWAIT))
    });
    t.row("Socket::recv_string", "on PUB", e(ENOTSUP), |f| {
        z(f.sock(zmq::PUB).recv_string(zmq::DONTWAIT))
    });
    t.row("Socket::send", "REQ twice", e(EFSM), |f| {
        let (_rep, req) = f.pair(zmq::REP, zmq::REQ);
        req.send("one", 0).expect("first request");
        z(req.send("two", zmq::DONTWAIT))
    });
    t.row("Socket::send", "REP before a request", e(EFSM), |f| {
        z(f.sock(zmq::REP).send("x", zmq::DONTWAIT))
    });
    t.row("Socket::recv_msg", "REQ before a request", e(EFSM), |f| {
        z(f.sock(zmq::REQ).recv_msg(zmq::DONTWAIT))
    });
    t.row(
        "Socket::send",
        "flags -1 (DONTWAIT set), no peer",
        e(EAGAIN),
        |f| z(f.sock(zmq::PUSH).send("x", -1)),
    );
    t.row(
        "Socket::send",
        "flags 0x7F00 (unknown bits)",
        "Ok: \"x\"",
        |f| {
            let (a, b) = f.pair(zmq::PAIR, zmq::PAIR);
            match a.send("x", 0x7F00) {
                Ok(()) => format!(
                    "Ok: {:?}",
                    b.recv_string(0)
                        .map(|s| s.unwrap_or_default())
                        .unwrap_or_default()
                ),
                Err(err) => e(err),
            }
        },
    );
    t.row(
        "Socket::send",
        "ROUTER_MANDATORY, unknown peer",
        e(EHOSTUNREACH),
        |f| {
            let router = f.sock(zmq::ROUTER);
            router.set_router_mandatory(true).expect("ROUTER_MANDATORY");
            z(router.send_multipart([&b"nobody"[..], b"x"], zmq::DONTWAIT))
        },
    );
    t.row(
        "Socket::send_message",
        "EAGAIN keeps the message",
        "EAGAIN, kept",
        |f| {
            let mut msg = zmq::Message::from("keep me");
            let outcome = z(f.sock(zmq::PUSH).send_message(&mut msg, zmq::DONTWAIT));
            let kept = if &msg[..] == b"keep me" {
                "kept"
            } else {
                "lost"
            };
            format!("{outcome}, {kept}")
        },
    );
    t.row("Socket::send_multipart", "no parts", OK, |f| {
        z(f.sock(zmq::PUSH)
            .send_multipart(Vec::<Vec<u8>>::new(), zmq::DONTWAIT))
    });
    t.row("Socket::send", "context shut down", e(ETERM), |f| {
        z(f.dead_push.send("x", 0))
    });
    t.row("Socket::recv_msg", "context shut down", e(ETERM), |f| {
        z(f.dead_pull.recv_msg(0))
    });
    t.row("Socket::recv_into", "context shut down", e(ETERM), |f| {
        z(f.dead_pull.recv_into(&mut [0u8; 4], 0))
    });
    t.row(
        "Socket::recv_into",
        "empty buffer: full length reported",
        "Ok(5)",
        |f| {
            let (a, b) = f.pair(zmq::PAIR, zmq::PAIR);
            a.send("hello", 0).expect("send");
            match b.recv_into(&mut [], 0) {
                Ok(n) => format!("Ok({n})"),
                Err(err) => e(err),
            }
        },
    );
    // The crate's doc: the inner Err of recv_string carries the bytes.
    t.row(
        "Socket::recv_string",
        "non-UTF-8 frame",
        "Ok(Err([255, 254, 0, 65]))",
        |f| {
            let (a, b) = f.pair(zmq::PAIR, zmq::PAIR);
            a.send(&[0xFFu8, 0xFE, 0, b'A'][..], 0).expect("send");
            match b.recv_string(0) {
                Ok(inner) => format!("Ok({inner:?})"),
                Err(err) => e(err),
            }
        },
    );
}

fn poll_rows(t: &mut Table) {
    // ---- poll ---------------------------------------------------------------------------
    // The crate's doc: no items and an infinite timeout is EINVAL; no items and a finite
    // one sleeps and returns 0; a socket of a terminated context is ETERM. A descriptor
    // that is not open comes back as an error event (POLLERR) rather than a failure;
    // a negative one is ignored, as poll(2) does.
    t.row("zmq::poll", "no items, timeout -1", e(EINVAL), |_| {
        z(zmq::poll(&mut [], -1))
    });
    t.row("zmq::poll", "no items, timeout i64::MIN", e(EINVAL), |_| {
        z(zmq::poll(&mut [], i64::MIN))
    });
    t.row("zmq::poll", "no items, timeout 0", "Ok(0)", |_| {
        format!("{:?}", zmq::poll(&mut [], 0))
    });
    t.row("zmq::poll_timeout", "no items, None", e(EINVAL), |_| {
        z(zmq::poll_timeout(&mut [], None))
    });
    t.row(
        "zmq::poll",
        "socket of a shut-down context",
        e(ETERM),
        |f| z(zmq::poll(&mut [f.dead_pull.as_poll_item(zmq::POLLIN)], 0)),
    );
    t.row("zmq::poll", "fd -1", "Ok(0)", |_| {
        format!(
            "{:?}",
            zmq::poll(&mut [zmq::PollItem::from_fd(-1, zmq::POLLIN)], 0)
        )
    });
    t.row(
        "zmq::poll",
        "fd not open (1000000)",
        "Ok(1) POLLERR",
        |_| {
            let mut items = [zmq::PollItem::from_fd(1_000_000, zmq::POLLIN)];
            match zmq::poll(&mut items, 0) {
                Ok(n) => format!("Ok({n}) {:?}", items[0].get_revents()),
                Err(err) => e(err),
            }
        },
    );
    t.row("zmq::poll", "no events asked", "Ok(0)", |f| {
        let s = f.sock(zmq::PUSH);
        format!(
            "{:?}",
            zmq::poll(&mut [s.as_poll_item(zmq::PollEvents::empty())], 0)
        )
    });
    t.row("Socket::poll", "context shut down", e(ETERM), |f| {
        z(f.dead_push.poll(zmq::POLLOUT, 0))
    });
}

fn context_rows(t: &mut Table) {
    // ---- context ------------------------------------------------------------------------
    // zmq_ctx_set(3) and libzmq's ranges: IO_THREADS >= 0, MAX_SOCKETS >= 1, MAX_MSGSZ >= 0,
    // the thread scheduling options >= 0 (-1 is only their "unset" default, it cannot be
    // set), removing a CPU never added is EINVAL. A context made from a NULL pointer answers
    // EFAULT (the crate's doc); a destroyed one ETERM.
    type CtxSet = fn(&zmq::Context, i32) -> zmq::Result<()>;
    let ctx_rows: &[(&str, CtxSet, i32)] = &[
        ("Context::set_io_threads", zmq::Context::set_io_threads, -1),
        ("Context::set_max_sockets", zmq::Context::set_max_sockets, 0),
        (
            "Context::set_max_sockets",
            zmq::Context::set_max_sockets,
            -1,
        ),
        ("Context::set_max_msgsz", zmq::Context::set_max_msgsz, -1),
        (
            "Context::set_thread_sched_policy",
            zmq::Context::set_thread_sched_policy,
            -1,
        ),
        (
            "Context::set_thread_priority",
            zmq::Context::set_thread_priority,
            -1,
        ),
        (
            "Context::add_thread_affinity_cpu",
            zmq::Context::add_thread_affinity_cpu,
            -1,
        ),
        (
            "Context::remove_thread_affinity_cpu",
            zmq::Context::remove_thread_affinity_cpu,
            3,
        ),
    ];
    for &(name, set, value) in ctx_rows {
        t.row(name, value.to_string(), e(EINVAL), move |_| {
            z(set(&zmq::Context::new(), value))
        });
    }
    t.row("Context::socket", "destroyed context", e(ETERM), |_| {
        let mut ctx = zmq::Context::new();
        ctx.destroy().expect("destroy");
        z(ctx.socket(zmq::PAIR))
    });
    t.row(
        "Context::set_io_threads",
        "destroyed context",
        e(ETERM),
        |_| {
            let mut ctx = zmq::Context::new();
            ctx.destroy().expect("destroy");
            z(ctx.set_io_threads(2))
        },
    );
    t.row("Context::socket", "context shut down", e(ETERM), |f| {
        z(f.dead.socket(zmq::PAIR))
    });
    t.row(
        "Context::from_raw",
        "NULL, then socket()",
        e(EFAULT),
        |_| {
            // SAFETY: a NULL pointer is allowed (documented: every call answers EFAULT).
            let ctx = unsafe { zmq::Context::from_raw(std::ptr::null_mut()) };
            z(ctx.socket(zmq::PAIR))
        },
    );
    t.row(
        "Context::from_raw",
        "NULL, then get_io_threads()",
        e(EFAULT),
        |_| {
            // SAFETY: as above.
            let ctx = unsafe { zmq::Context::from_raw(std::ptr::null_mut()) };
            z(ctx.get_io_threads())
        },
    );
}

fn messages_rows(t: &mut Table) {
    // ---- messages -------------------------------------------------------------------------
    // The crate's doc: gets() is None for an absent property or a name with NUL; property()
    // is Ok(None) / Err(EINVAL) for those; try_with_size answers ENOMEM.
    t.row(
        "Message::gets",
        "\"no-such-prop\" on a received frame",
        "None",
        |f| {
            let (a, b) = f.pair(zmq::PAIR, zmq::PAIR);
            a.send("x", 0).expect("send");
            let mut msg = b.recv_msg(0).expect("recv");
            format!("{:?}", msg.gets("no-such-prop"))
        },
    );
    t.row(
        "Message::gets",
        "\"Socket-Type\" on a fresh message",
        "None",
        |_| format!("{:?}", zmq::Message::from("x").gets("Socket-Type")),
    );
    t.row("Message::gets", "name with NUL", "None", |f| {
        let (a, b) = f.pair(zmq::PAIR, zmq::PAIR);
        a.send("x", 0).expect("send");
        let mut msg = b.recv_msg(0).expect("recv");
        format!("{:?}", msg.gets("Socket-Type\0"))
    });
    t.row("Message::property", "name with NUL", e(EINVAL), |_| {
        z(zmq::Message::from("x").property("a\0b"))
    });
    t.row("Message::property", "\"no-such-prop\"", "Ok(None)", |_| {
        format!("{:?}", zmq::Message::from("x").property("no-such-prop"))
    });
    t.row("Message::try_with_size", "usize::MAX", e(ENOMEM), |_| {
        z(zmq::Message::try_with_size(usize::MAX))
    });
    t.row(
        "Message::try_with_size",
        "isize::MAX + 1",
        e(ENOMEM),
        |_| z(zmq::Message::try_with_size(isize::MAX as usize + 1)),
    );
    t.row("Message::as_str", "non-UTF-8", "None", |_| {
        format!("{:?}", zmq::Message::from(&[0xC3u8, 0x28][..]).as_str())
    });
}

fn z85_rows(t: &mut Table) {
    // ---- Z85 and CURVE helpers --------------------------------------------------------
    // The crate's doc for z85_decode: length not a multiple of 5 is BadLength, a NUL is
    // NulError, a character outside the alphabet or a group above 32 bits InvalidInput;
    // z85_encode: a length not a multiple of 4 is BadLength.
    let z85_rows: &[(&str, &str)] = &[
        ("abcd", "BadLength"),
        ("abcdef", "BadLength"),
        ("abcd\0", "NulError"),
        ("\0\0\0\0\0", "NulError"),
        ("Hell~", "InvalidInput"),
        ("     ", "InvalidInput"),
        ("#####", "InvalidInput"),
        ("%nSc0", "Ok"),
        ("%nSc1", "InvalidInput"),
        ("ééééé", "InvalidInput"),
        ("Hello\"", "BadLength"),
        ("HelloHell\"", "InvalidInput"),
    ];
    for &(text, expect) in z85_rows {
        t.row("z85_decode", format!("{text:?}"), expect, move |_| {
            decode(zmq::z85_decode(text))
        });
    }
    t.row("z85_decode", "1 MB of '~'", "InvalidInput", |_| {
        decode(zmq::z85_decode(&"~".repeat(1_000_000)))
    });
    for len in [1usize, 3, 5, 31] {
        t.row(
            "z85_encode",
            format!("{len} bytes"),
            "BadLength",
            move |_| match zmq::z85_encode(&vec![0u8; len]) {
                Ok(_) => OK.to_owned(),
                Err(zmq::EncodeError::BadLength) => "BadLength".to_owned(),
                Err(other) => format!("{other:?}"),
            },
        );
    }
    let curve_ok = if has_curve() {
        OK.to_owned()
    } else {
        e(ENOTSUP)
    };
    for (input, key) in [("all zero", [0u8; 32]), ("all 0xFF", [0xFF; 32])] {
        t.row(
            "CurveKeyPair::from_secret_key",
            input,
            curve_ok.clone(),
            move |_| z(zmq::CurveKeyPair::from_secret_key(&key)),
        );
    }
}

fn free_functions_rows(t: &mut Table) {
    // ---- other free functions ------------------------------------------------------------
    t.row("zmq::has", "\"cur\\0ve\"", "Some(false)", |_| {
        format!("{:?}", zmq::has("cur\0ve"))
    });
    t.row("zmq::has", "\"\"", "Some(false)", |_| {
        format!("{:?}", zmq::has(""))
    });
    t.row("Error::from_raw", "-5", "EUNKNOWN", |_| {
        zmq::Error::from_raw(-5).name().to_owned()
    });
    t.row("Error::from_raw", "i32::MAX", "EUNKNOWN", |_| {
        zmq::Error::from_raw(i32::MAX).name().to_owned()
    });
    t.row("zmq::proxy", "context shut down", e(ETERM), |f| {
        z(zmq::proxy(&f.dead_pull, &f.dead_push))
    });
    t.row(
        "reqrep::Requester::new",
        "a DEALER socket",
        e(EINVAL),
        |f| match zmq::reqrep::Requester::new(f.sock(zmq::DEALER)) {
            Ok(_) => OK.to_owned(),
            Err(err) => e(err.error),
        },
    );
    t.row(
        "reqrep::Replier::new",
        "a REQ socket",
        e(EINVAL),
        |f| match zmq::reqrep::Replier::new(f.sock(zmq::REQ)) {
            Ok(_) => OK.to_owned(),
            Err(err) => e(err.error),
        },
    );
}

// ---- zmq::auth (certificates, ZAP requests and replies) --------------------------------
// The auth module's docs: CertError::Syntax for text that is not ZPL, MissingPublicKey,
// BadKey for a key that is not 40 characters of Z85, DuplicateKey, KeyMismatch (where libzmq
// can derive public keys), BadMetadata for a name or value ZPL cannot hold, Io for files,
// InFile wrapping a parse error of a file; ZapError::TooFewFrames / TooManyFrames /
// BadVersion / NotUtf8 / BadCredentials / BadStatus / BadMetadata; an address that is not
// an IP or CIDR range is an AddressError.

/// The variant name of an error's `Debug` form (`Syntax { .. }` -> `Syntax`).
fn variant<E: std::fmt::Debug>(error: &E) -> String {
    let text = format!("{error:?}");
    text.split(|c: char| !c.is_alphanumeric() && c != '_')
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn variant_of<T, E: std::fmt::Debug>(result: Result<T, E>) -> Outcome {
    match result {
        Ok(_) => OK.to_owned(),
        Err(err) => variant(&err),
    }
}

fn cert_text(public: &str, secret: Option<&str>) -> String {
    let mut text = format!("curve\n    public-key = \"{public}\"\n");
    if let Some(secret) = secret {
        text.push_str(&format!("    secret-key = \"{secret}\"\n"));
    }
    text
}

fn auth_rows(t: &mut Table) {
    use zmq::auth::{Certificate, IpRange, Verdict, ZapReply, ZapRequest};

    let mut nul_key = Z85_KEY.to_owned();
    nul_key.replace_range(35..36, "\0");
    let certs: Vec<(&str, String, &str)> = vec![
        ("empty text", String::new(), "MissingPublicKey"),
        (
            "no curve section",
            "metadata\n    a = \"b\"\n".into(),
            "MissingPublicKey",
        ),
        (
            "39-character key",
            cert_text(&Z85_KEY[..39], None),
            "BadKey",
        ),
        (
            "41-character key",
            cert_text(&format!("{Z85_KEY}0"), None),
            "BadKey",
        ),
        (
            "'~' key (not Z85)",
            cert_text(&"~".repeat(40), None),
            "BadKey",
        ),
        (
            "'#' key (group > 2^32)",
            cert_text(&"#".repeat(40), None),
            "BadKey",
        ),
        ("key with a NUL", cert_text(&nul_key, None), "BadKey"),
        ("non-ASCII key", cert_text(&"é".repeat(20), None), "BadKey"),
        (
            "public key twice",
            format!(
                "{}    public-key = \"{Z85_KEY}\"\n",
                cert_text(Z85_KEY, None)
            ),
            "DuplicateKey",
        ),
        (
            "bad secret key",
            cert_text(Z85_KEY, Some("short")),
            "BadKey",
        ),
        (
            "3-space indent",
            format!("curve\n   public-key = \"{Z85_KEY}\"\n"),
            "Syntax",
        ),
        (
            "unclosed quote",
            format!("curve\n    public-key = \"{Z85_KEY}\n"),
            "Syntax",
        ),
        ("a NUL line", "\0\n".into(), "Syntax"),
        ("a name with a space", "cur ve\n".into(), "Syntax"),
    ];
    for (input, text, expect) in certs {
        t.row("auth::Certificate::parse", input, expect, move |_| {
            variant_of(Certificate::parse(&text))
        });
    }
    if has_curve() && zmq::version() >= (4, 2, 1) {
        t.row(
            "auth::Certificate::parse",
            "secret key of another pair",
            "KeyMismatch",
            |_| {
                let other = zmq::CurveKeyPair::new().expect("key pair");
                let text = cert_text(Z85_KEY, Some(&other.secret_key_z85()));
                variant_of(Certificate::parse(&text))
            },
        );
    }
    t.row("auth::Certificate::load", "a missing file", "Io", |_| {
        variant_of(Certificate::load("/nonexistent/bad-input/cert"))
    });
    t.row("auth::Certificate::load", "a directory", "Io", |_| {
        variant_of(Certificate::load("/"))
    });
    t.row("auth::Certificate::load", "non-UTF-8 file", "Io", |_| {
        let path = std::env::temp_dir().join(unique(&format!("bad-input-{}", std::process::id())));
        std::fs::write(&path, [0xFFu8, 0xFE, b'\n']).expect("write");
        let outcome = variant_of(Certificate::load(&path));
        let _ = std::fs::remove_file(&path);
        outcome
    });
    t.row(
        "auth::Certificate::load",
        "a file with a bad key",
        "InFile",
        move |_| {
            let path =
                std::env::temp_dir().join(unique(&format!("bad-input-{}", std::process::id())));
            std::fs::write(&path, cert_text("short", None)).expect("write");
            let outcome = variant_of(Certificate::load(&path));
            let _ = std::fs::remove_file(&path);
            outcome
        },
    );
    t.row(
        "auth::Certificate::load_secret",
        "a public certificate",
        "NoSecretKey",
        |_| {
            let path =
                std::env::temp_dir().join(unique(&format!("bad-input-{}", std::process::id())));
            std::fs::write(&path, cert_text(Z85_KEY, None)).expect("write");
            let outcome = match Certificate::load_secret(&path) {
                Err(zmq::auth::CertError::InFile { source, .. }) => variant(&source),
                other => variant_of(other),
            };
            let _ = std::fs::remove_file(&path);
            outcome
        },
    );
    for (name, value) in [
        ("", "v"),
        ("bad name", "v"),
        ("n", "two\nlines"),
        ("n", "both \" and '"),
    ] {
        t.row(
            "auth::Certificate::set_metadata",
            format!("{name:?} = {value:?}"),
            "BadMetadata",
            move |_| {
                let mut cert = Certificate::from_public_key([7; 32]);
                variant_of(cert.set_metadata(name, value))
            },
        );
    }

    // ZAP replies: version, request id, status code, status text, user id, metadata.
    let reply = |version: &[u8], status: &[u8], text: &[u8], metadata: &[u8]| -> Vec<Vec<u8>> {
        vec![
            version.to_vec(),
            b"1".to_vec(),
            status.to_vec(),
            text.to_vec(),
            b"user".to_vec(),
            metadata.to_vec(),
        ]
    };
    let replies: Vec<(&str, Vec<Vec<u8>>, &str)> = vec![
        ("no frames", Vec::new(), "TooFewFrames"),
        (
            "4 frames",
            reply(b"1.0", b"200", b"OK", b"")[..4].to_vec(),
            "TooFewFrames",
        ),
        (
            "7 frames",
            [reply(b"1.0", b"200", b"OK", b""), vec![b"x".to_vec()]].concat(),
            "TooManyFrames",
        ),
        (
            "version 2.0",
            reply(b"2.0", b"200", b"OK", b""),
            "BadVersion",
        ),
        (
            "version \"1.0\\0\"",
            reply(b"1.0\0", b"200", b"OK", b""),
            "BadVersion",
        ),
        ("status 201", reply(b"1.0", b"201", b"OK", b""), "BadStatus"),
        ("status \"\"", reply(b"1.0", b"", b"OK", b""), "BadStatus"),
        (
            "status 2000",
            reply(b"1.0", b"2000", b"OK", b""),
            "BadStatus",
        ),
        (
            "status text not UTF-8",
            reply(b"1.0", b"200", &[0xFF], b""),
            "NotUtf8",
        ),
        (
            "metadata cut short",
            reply(b"1.0", b"200", b"OK", &[5, b'a']),
            "BadMetadata",
        ),
        (
            "metadata, empty name",
            reply(b"1.0", b"200", b"OK", &[0, 0, 0, 0, 0]),
            "BadMetadata",
        ),
        (
            "metadata, value length past the end",
            reply(b"1.0", b"200", b"OK", &[1, b'a', 0xFF, 0xFF, 0xFF, 0xFF]),
            "BadMetadata",
        ),
    ];
    for (input, frames, expect) in replies {
        t.row("auth::ZapReply::parse", input, expect, move |_| {
            variant_of(ZapReply::parse(&frames))
        });
    }
    // ZAP requests: version, request id, domain, address, routing id, mechanism, credentials.
    let request = |version: &[u8], domain: &[u8], mechanism: &[u8], credentials: &[&[u8]]| {
        let mut frames = vec![
            version.to_vec(),
            b"1".to_vec(),
            domain.to_vec(),
            b"127.0.0.1".to_vec(),
            b"id".to_vec(),
            mechanism.to_vec(),
        ];
        frames.extend(credentials.iter().map(|c| c.to_vec()));
        frames
    };
    let requests: Vec<(&str, Vec<Vec<u8>>, &str)> = vec![
        (
            "5 frames",
            request(b"1.0", b"d", b"NULL", &[])[..5].to_vec(),
            "TooFewFrames",
        ),
        (
            "version 0.9",
            request(b"0.9", b"d", b"NULL", &[]),
            "BadVersion",
        ),
        (
            "domain not UTF-8",
            request(b"1.0", &[0xC3, 0x28], b"NULL", &[]),
            "NotUtf8",
        ),
        (
            "CURVE, 31-byte key",
            request(b"1.0", b"d", b"CURVE", &[&[1; 31]]),
            "BadCredentials",
        ),
        (
            "CURVE, no key",
            request(b"1.0", b"d", b"CURVE", &[]),
            "BadCredentials",
        ),
        (
            "PLAIN, user only",
            request(b"1.0", b"d", b"PLAIN", &[b"user"]),
            "BadCredentials",
        ),
        (
            "NULL with a credential",
            request(b"1.0", b"d", b"NULL", &[b"x"]),
            "BadCredentials",
        ),
    ];
    for (input, frames, expect) in requests {
        t.row("auth::ZapRequest::parse", input, expect, move |_| {
            variant_of(ZapRequest::parse(&frames))
        });
    }
    for (input, name) in [
        ("empty metadata name", String::new()),
        ("256-byte metadata name", "n".repeat(256)),
    ] {
        t.row(
            "auth::ZapReply::to_frames",
            input,
            "BadMetadata",
            move |_| {
                let verdict = Verdict::allow("user").with_metadata(name.clone(), b"v".to_vec());
                variant_of(ZapReply::new(b"1".to_vec(), verdict).to_frames())
            },
        );
    }
    for range in [
        "",
        "not an address",
        "10.0.0.0/33",
        "::1/129",
        "1.2.3",
        "10.0.0.1/",
        "10.0.0.1\0",
    ] {
        t.row(
            "auth::IpRange::from_str",
            format!("{range:?}"),
            "AddressError",
            move |_| variant_of(range.parse::<IpRange>()),
        );
    }
}

#[cfg(zmq_draft)]
fn draft_rows(t: &mut Table) {
    // The crate's doc: groups are at most 255 bytes without NUL (EINVAL); a routing id of 0
    // is EINVAL. libzmq: join/leave on a type that has no groups is ENOTSUP, like
    // connect_peer on a type that is not PEER; multipart data on a thread-safe type is
    // EINVAL (zmq_msg_send(3)); batch sizes must be positive; metadata must be "X-key:value".
    let group = "g".repeat(256);
    t.row(
        "Socket::join",
        "256-byte group on DISH",
        e(EINVAL),
        move |f| z(f.sock(zmq::DISH).join(&group)),
    );
    t.row("Socket::join", "NUL byte on DISH", e(EINVAL), |f| {
        z(f.sock(zmq::DISH).join("g\0"))
    });
    t.row("Socket::join", "on SUB", e(ENOTSUP), |f| {
        z(f.sock(zmq::SUB).join("g"))
    });
    t.row("Socket::leave", "never joined, on DISH", e(EINVAL), |f| {
        z(f.sock(zmq::DISH).leave("g"))
    });
    t.row("Socket::connect_peer", "on DEALER", e(ENOTSUP), |f| {
        z(f.sock(zmq::DEALER).connect_peer("inproc://bad-input-peer"))
    });
    t.row("Socket::connect_peer", "NUL byte on PEER", e(EINVAL), |f| {
        z(f.sock(zmq::PEER).connect_peer("inproc://a\0"))
    });
    t.row("Socket::send", "SNDMORE on CLIENT", e(EINVAL), |f| {
        z(f.sock(zmq::CLIENT).send("x", zmq::SNDMORE | zmq::DONTWAIT))
    });
    t.row("Message::set_group", "256 bytes", e(EINVAL), |_| {
        z(zmq::Message::new().set_group(&"g".repeat(256)))
    });
    t.row("Message::set_group", "NUL byte", e(EINVAL), |_| {
        z(zmq::Message::new().set_group("g\0"))
    });
    t.row("Message::set_routing_id", "0", e(EINVAL), |_| {
        z(zmq::Message::new().set_routing_id(0))
    });
    t.row("set_in_batch_size", "0", e(EINVAL), |f| {
        z(f.sock(zmq::DEALER).set_in_batch_size(0))
    });
    t.row("set_out_batch_size", "-1", e(EINVAL), |f| {
        z(f.sock(zmq::DEALER).set_out_batch_size(-1))
    });
    for value in ["nocolon", "Foo:bar", "X-key:", ":value", "X-a\0:b"] {
        t.row("set_metadata", format!("{value:?}"), e(EINVAL), move |f| {
            z(f.sock(zmq::DEALER).set_metadata(value))
        });
    }
}

/// How many rows have run, in all runs: the count the test reports.
static TRIED: AtomicUsize = AtomicUsize::new(0);

/// Runs every row once; returns the failures (row description and what happened).
fn run_table(rows: &[Row], current: &Mutex<Option<(String, Instant)>>) -> Vec<String> {
    let fx = Fx::new();
    let mut failures = Vec::new();
    for row in rows {
        let label = format!("{}({})", row.entry, row.input);
        *current.lock().unwrap() = Some((label.clone(), Instant::now()));
        if std::env::var_os("BAD_INPUT_TRACE").is_some() {
            eprintln!("row {label}");
        }
        let got = catch_unwind(AssertUnwindSafe(|| (row.run)(&fx)))
            .unwrap_or_else(|_| "PANICKED".to_owned());
        TRIED.fetch_add(1, Ordering::Relaxed);
        if got != row.expect {
            failures.push(format!("{label}: expected {}, got {got}", row.expect));
        }
    }
    *current.lock().unwrap() = None;
    failures
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|dir| dir.count())
        .unwrap_or(0)
}

fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4)
}

#[test]
fn every_entry_point_refuses_bad_input_with_the_documented_error() {
    let rows = table().0;
    // A row that hangs aborts the run with its name instead of hanging the suite.
    let current: Arc<Mutex<Option<(String, Instant)>>> = Arc::new(Mutex::new(None));
    let watched = Arc::clone(&current);
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let finished = Arc::clone(&done);
    let watchdog = std::thread::spawn(move || {
        while !finished.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(100));
            if let Some((label, since)) = &*watched.lock().unwrap_or_else(|p| p.into_inner()) {
                if since.elapsed() > Duration::from_secs(20) {
                    eprintln!("bad_input: {label} did not return within 20 s");
                    std::process::abort();
                }
            }
        }
    });

    let started = Instant::now();
    let failures = run_table(&rows, &current);
    let mut runs = 1;
    assert!(
        failures.is_empty(),
        "{} of {} inputs did not give the documented outcome:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
    // Leaks: once warmed up, more runs of the whole table keep the descriptors and (within
    // allocator noise) the resident memory where they were.
    for _ in 0..2 {
        let _ = run_table(&rows, &current);
        runs += 1;
    }
    let (fds_before, rss_before) = (open_fds(), resident_kib());
    const REPEAT: usize = 20;
    for _ in 0..REPEAT {
        let failures = run_table(&rows, &current);
        assert!(failures.is_empty(), "a repeated run differs: {failures:?}");
        runs += 1;
    }
    let (fds_after, rss_after) = (open_fds(), resident_kib());
    done.store(true, Ordering::Relaxed);
    watchdog.join().expect("watchdog");

    let tried = TRIED.load(Ordering::Relaxed);
    println!(
        "bad input: {tried} inputs tried ({} distinct rows x {runs} runs) in {:?}; open fds \
         {fds_before} -> {fds_after}, RSS {rss_before} -> {rss_after} KiB over the last \
         {REPEAT} runs",
        rows.len(),
        started.elapsed()
    );
    assert_eq!(tried, rows.len() * runs, "every row ran in every run");
    assert!(rows.len() >= 250, "the table has {} rows", rows.len());
    assert_eq!(fds_after, fds_before, "descriptors leaked");
    assert!(
        rss_after <= rss_before + 4 * 1024,
        "resident memory grew by {} KiB over {REPEAT} runs",
        rss_after.saturating_sub(rss_before)
    );
}
