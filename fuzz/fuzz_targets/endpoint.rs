#![no_main]
//! Endpoints: `bind`, `connect`, `unbind` and `disconnect` with fuzzed endpoint text on
//! sockets of every type. Any `Err` is fine; a panic, crash or leak is not.
//!
//! The fuzzer must not make this machine listen on, or connect to, anything outside it, so
//! each endpoint goes through [`confine`] first:
//! - `inproc://...` passes unchanged;
//! - `ipc://...` keeps its name but lives in a private directory under `$TMPDIR`;
//! - `tcp://...` always means 127.0.0.1: a bind gets an ephemeral port (a port with digits
//!   becomes `*`), a connect goes to a listener of this process that never accepts; what
//!   follows the port is kept, so libzmq still parses the fuzzer's tail;
//! - any other transport that could reach a network (pgm, epgm, norm, udp, ws, wss, tipc,
//!   vmci) is not called at all;
//! - everything else (no `://`, unknown transports, NUL bytes) passes unchanged for libzmq
//!   (or this crate) to reject.
//!
//! Input: `[socket type][op byte][endpoint chunk]...`; op 0..=3 = bind, connect, unbind,
//! disconnect on the first socket, 4..=7 the same on the second (which shares the context, so
//! inproc pairs can meet).

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

mod common;

/// Transports that would reach beyond this machine; never handed to libzmq here.
const NETWORK: &[&str] = &["pgm", "epgm", "norm", "udp", "ws", "wss", "tipc", "vmci"];

/// The private directory ipc endpoints are confined to.
fn ipc_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("zmq-fuzz-endpoint-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the ipc directory");
        dir
    })
}

/// A loopback port of ours that never accepts: the only tcp peer a connect may reach.
fn sink_port() -> u16 {
    static SINK: OnceLock<TcpListener> = OnceLock::new();
    SINK.get_or_init(|| TcpListener::bind("127.0.0.1:0").expect("loopback listener"))
        .local_addr()
        .expect("listener address")
        .port()
}

/// The endpoint to hand to libzmq, or `None` when it must not be used (see the module docs).
fn confine(endpoint: &str, binding: bool) -> Option<String> {
    let Some((transport, address)) = endpoint.split_once("://") else {
        return Some(endpoint.to_string());
    };
    let lower = transport.to_ascii_lowercase();
    if NETWORK.contains(&lower.as_str()) {
        return None;
    }
    match lower.as_str() {
        "inproc" => Some(endpoint.to_string()),
        "ipc" => {
            // One path component of the fuzzer's choosing (no `/`, so it cannot leave the
            // directory; libzmq still sees over-long names and odd bytes).
            let name: String = address
                .chars()
                .map(|c| if c == '/' { '_' } else { c })
                .collect();
            Some(format!("{transport}://{}/{name}", ipc_dir().display()))
        }
        "tcp" => {
            // What follows the host's port: libzmq's source-address form (`src;dst`) and
            // anything else the fuzzer wrote after the first `:` are reduced to the tail after
            // the port, which cannot name a host.
            let tail = address.split_once(':').map_or("", |(_, port)| port);
            let (port, rest) = match tail.find(|c: char| !c.is_ascii_digit() && c != '*') {
                Some(i) => tail.split_at(i),
                None => (tail, ""),
            };
            // A rest that could be read as another host (`;`, `:` or a digit) is dropped.
            let rest = if rest.contains([';', ':', '@']) || rest.chars().any(|c| c.is_ascii_digit())
            {
                ""
            } else {
                rest
            };
            let port = if binding {
                if port.chars().any(|c| c.is_ascii_digit()) {
                    "*".to_string()
                } else {
                    port.to_string()
                }
            } else {
                sink_port().to_string()
            };
            Some(format!("{transport}://127.0.0.1:{port}{rest}"))
        }
        _ => Some(endpoint.to_string()),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = common::Reader::new(data);
    let (Some(first), Some(second)) = (
        common::socket_type(input.u8()),
        common::socket_type(input.u8()),
    ) else {
        return;
    };
    let ctx = common::context();
    let sockets = [
        ctx.socket(first).expect("socket"),
        ctx.socket(second).expect("socket"),
    ];
    for socket in &sockets {
        // Closing must not wait for a peer that never comes.
        socket.set_linger(0).expect("linger");
    }
    let mut ops = 0;
    while !input.is_empty() && ops < 16 {
        ops += 1;
        let op = input.u8();
        let text = String::from_utf8_lossy(input.chunk()).into_owned();
        let socket = &sockets[usize::from(op >> 2 & 1)];
        let binding = op & 3 == 0;
        let Some(endpoint) = confine(&text, binding) else {
            continue;
        };
        let _ = match op & 3 {
            0 => socket.bind(&endpoint),
            1 => socket.connect(&endpoint),
            2 => socket.unbind(&endpoint),
            _ => socket.disconnect(&endpoint),
        };
        // The name libzmq reports for what it bound must read without a panic.
        let _ = socket.get_last_endpoint();
    }
});
