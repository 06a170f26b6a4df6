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
//! inproc pairs can meet); at most 16 operations.
//!
//! Each input gets its own context, terminated before the input ends, and the ipc directory is
//! emptied after it: a socket that connected to an inproc name nobody bound cannot finish
//! closing while its context lives (libzmq keeps the pending connection, and the socket waits
//! for it, until a bind of that name or `zmq_ctx_term`). With one context for the whole run
//! each such socket stayed behind with its descriptors and its slot in the context, until
//! `zmq_socket` failed with `EMFILE` (the context's 1023-socket limit) after some 10^4-10^5
//! inputs. Terminating the context per input also keeps inputs independent of each other
//! (no inproc name or ipc file of an earlier input is still there), so a crash replays.
//! After each input the target checks that the process holds at most [`MAX_FDS`] descriptors.

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

mod common;

/// How many descriptors the process may hold between inputs: libFuzzer's and the sink
/// listener's, with room to spare. Every descriptor of an input's sockets is closed once its
/// context is terminated, so more means something leaks them.
const MAX_FDS: usize = 64;

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

/// Removes what the input's ipc binds left in the ipc directory: libzmq 4.3.5 leaves a bound
/// socket file in place when its listener closes (it removes a stale one at the next bind of
/// that path instead; only `ipc://*`'s temporary files go with their listener), so without
/// this every name the fuzzer binds stays, and a later input's connect would find it.
fn clear_ipc_dir() {
    let Ok(entries) = std::fs::read_dir(ipc_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = std::fs::remove_dir_all(path);
        } else {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Aborts the run when the process holds more than [`MAX_FDS`] descriptors.
fn check_fds() {
    let Ok(entries) = std::fs::read_dir("/proc/self/fd") else {
        return; // not Linux: no check
    };
    let open = entries.count();
    assert!(
        open <= MAX_FDS,
        "{open} descriptors open between inputs (at most {MAX_FDS}): the target leaks them"
    );
}

fuzz_target!(|data: &[u8]| {
    let mut input = common::Reader::new(data);
    let (Some(first), Some(second)) = (
        common::socket_type(input.u8()),
        common::socket_type(input.u8()),
    ) else {
        return;
    };
    // This input's own context (see the module docs), not `common::context()`.
    let mut ctx = zmq::Context::new();
    let sockets = [
        ctx.socket(first).expect("socket"),
        ctx.socket(second).expect("socket"),
    ];
    for socket in &sockets {
        // Closing (and so the termination below) must not wait for a peer that never comes.
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
    drop(sockets);
    // zmq_ctx_term returns once every socket has finished closing (pending inproc
    // connections included); libFuzzer's SIGALRM may interrupt it, then it is called again.
    loop {
        match ctx.destroy() {
            Err(zmq::Error::EINTR) => continue,
            result => break result.expect("terminate the context"),
        }
    }
    clear_ipc_dir();
    check_fds();
});
