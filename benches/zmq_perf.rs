//! The safe layer against raw libzmq, in the same run: ZeroMQ's own perf-tool workloads, one
//! process, sender and receiver on two threads. Prints a table and writes a CSV of every
//! round and an SVG chart of the throughput medians (MB/s by message size, log scales, one
//! panel per transport; `plotters`, used by this bench only) beside it; fails nothing on
//! speed (issue 11).
//!
//! ```sh
//! cargo bench --features tokio --bench zmq_perf
//! ```
//!
//! - Throughput: PUSH → PULL, 1 B, 64 B, 1 KiB, 64 KiB and 1 MiB over inproc, ipc and tcp on
//!   127.0.0.1; messages/s and MB/s, timed by the receiver from the start signal to its last
//!   message. Default high-water marks and one I/O thread (libzmq's defaults).
//! - Latency: REQ ↔ REP round trips of 1 B and 1 KiB; mean and p99 one way (round trip / 2).
//! - The physical limit beside the tcp rows: a plain `std::net` loopback pair writing 64 KiB
//!   and 1 MiB chunks, in GB/s.
//! - Heap allocations per message of our layer's steady-state paths, counted by a global
//!   allocator on the calling thread.
//!
//! Columns, each a ratio to (a) measured in the same round; the order of the columns is
//! rotated from round to round; the table shows the median of the per-round ratios and their
//! range:
//! - (a) raw FFI through `zmq_sys` with libzmq's perf-tool call sequence: per message
//!   `zmq_msg_init_size` + memcpy + `zmq_msg_send`; the receiver reuses one `zmq_msg_t` with
//!   `zmq_msg_recv`;
//! - (a') the same code again: the A/A noise floor;
//! - (b) the safe API as a user writes it: `send(&[u8], 0)` and `recv_bytes(0)`;
//! - (c) the fastest safe path: a reused `Message` with `recv` (the REP side echoes it with
//!   `send_message`); from 64 KiB up each message is sent as an owned `Vec` (zero-copy; the
//!   vector is filled per message, as a producer would fill it);
//! - (d) the async layer (`zmq::asyncio::AsyncSocket`): (c)'s calls awaited, each side on a
//!   tokio current-thread runtime in its own thread;
//! - peers, each a process of its own per run: (a0) (a)'s loops in C
//!   (`benches/zmq_perf_c.c`, built now against the same libzmq), pyzmq
//!   (`benches/pyzmq_perf.py`, the same workloads as a Python user writes them, copying and
//!   with `copy=False`; from `target/pyzmq-deps`, where the tests install the pinned version,
//!   or the Python installation), and zmq.rs (`benches/zmqrs-peer`, the pure-Rust `zeromq`
//!   crate on tokio's multi-thread runtime, built now with cargo into `<target>/zmqrs-peer`;
//!   tcp and ipc only, "n/a" on inproc). A peer that cannot run is named in the output with
//!   the reason, and its column says "not run".
//!
//! Environment (as in `async_perf`): `ZMQ_BENCH_QUICK=1` (3 rounds of short cells, for CI),
//! `ZMQ_BENCH_ROUNDS=<n>` (default 9), `ZMQ_BENCH_CELLS=<text>` (only the cells whose name
//! contains the text, e.g. `thr-tcp`, `lat-`, `-65536`), `ZMQ_BENCH_ZMQRS=skip` (no zmq.rs
//! column, so nothing builds its dependency tree).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::mem::MaybeUninit;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use plotters::style::RGBColor;
use zmq::asyncio::AsyncSocket;

#[path = "common/perf.rs"]
mod perf;
use perf::*;

#[path = "common/callgrind.rs"]
mod callgrind;

#[path = "common/peers.rs"]
mod peers;
use peers::*;

const THR_SIZES: [usize; 5] = [1, 64, 1024, 65_536, 1_048_576];
const LAT_SIZES: [usize; 2] = [1, 1024];
/// The zmq_perf tables list inproc first (the cheapest transport shows the layer's cost best).
const ORDER: [Transport; 3] = [Transport::Inproc, Transport::Ipc, Transport::Tcp];
/// From this size up, column (c) sends owned vectors without a copy.
const ZERO_COPY_FROM: usize = 65_536;

// ---------------------------------------------------------------------------------------------
// A counting allocator: heap allocations made by the current thread.

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn count_one() {
    // `try_with`: the allocator may run while the thread-local is being torn down.
    let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
}

// SAFETY: every call is forwarded unchanged to the system allocator; counting touches only a
// const-initialised thread-local `Cell`, which never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        System.alloc(layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_one();
        System.alloc_zeroed(layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        System.realloc(ptr, layout, new_size)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_here() -> u64 {
    ALLOCATIONS.with(|c| c.get())
}

// ---------------------------------------------------------------------------------------------
// The columns.

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Col {
    Raw,
    RawAgain,
    Safe,
    Fast,
    /// Raw loopback TCP through `std::net` (throughput over tcp, 64 KiB and up only).
    Tcp,
    /// (a)'s loops in C (`benches/zmq_perf_c.c`), a process of its own per run.
    C,
    /// pyzmq copying (`benches/pyzmq_perf.py`), a process of its own per run.
    Py,
    /// pyzmq with `copy=False` both ways.
    PyZeroCopy,
    /// The pure-Rust `zeromq` crate (`benches/zmqrs-peer`), a process of its own per run.
    ZmqRs,
    /// (d) the async layer (`zmq::asyncio`), (c)'s calls awaited, each side on a tokio
    /// current-thread runtime in its own thread.
    Async,
}

impl Col {
    const ZMQ: [Col; 5] = [Col::Raw, Col::RawAgain, Col::Safe, Col::Fast, Col::Async];
    /// How many columns there are (the per-column vectors' length).
    const COUNT: usize = Col::Async as usize + 1;

    fn name(self) -> &'static str {
        match self {
            Col::Raw => "a",
            Col::RawAgain => "a'",
            Col::Safe => "b",
            Col::Fast => "c",
            Col::Tcp => "tcp",
            Col::C => "a0",
            Col::Py => "pyzmq",
            Col::PyZeroCopy => "pyzmq-zc",
            Col::ZmqRs => "zmq.rs",
            Col::Async => "d",
        }
    }
}

/// `rc`, or a panic naming the call and libzmq's error when it is -1.
fn check(rc: i32, what: &str) -> i32 {
    if rc == -1 {
        // SAFETY: zmq_errno only reads the calling thread's errno.
        let errno = unsafe { zmq_sys::zmq_errno() };
        panic!("{what} failed: {}", zmq::Error::from_raw(errno));
    }
    rc
}

// ---------------------------------------------------------------------------------------------
// Throughput: one sender and one receiver function per column, run on two threads.

type Sender = fn(&mut zmq::Socket, &[u8], usize);
type Receiver = fn(&mut zmq::Socket, usize, usize);

fn thr_fns(col: Col) -> (Sender, Receiver) {
    match col {
        Col::Raw | Col::RawAgain => (raw_send, raw_recv),
        Col::Safe => (safe_send, safe_recv),
        Col::Fast => (fast_send, fast_recv),
        Col::Tcp | Col::C | Col::Py | Col::PyZeroCopy | Col::ZmqRs | Col::Async => {
            unreachable!("{col:?} has no blocking Rust loop")
        }
    }
}

/// `zmq_msg_init_size` + memcpy + `zmq_msg_send` per message, as libzmq's perf tools do.
#[inline(never)]
fn raw_send(push: &mut zmq::Socket, payload: &[u8], n: usize) {
    let socket = push.as_mut_ptr();
    for _ in 0..n {
        let mut msg = MaybeUninit::<zmq_sys::zmq_msg_t>::uninit();
        // SAFETY: init_size initialises the message before anything reads it; its data has
        // room for `payload.len()` bytes; a successful send takes the message over.
        unsafe {
            check(
                zmq_sys::zmq_msg_init_size(msg.as_mut_ptr(), payload.len()),
                "zmq_msg_init_size",
            );
            std::ptr::copy_nonoverlapping(
                payload.as_ptr(),
                zmq_sys::zmq_msg_data(msg.as_mut_ptr()) as *mut u8,
                payload.len(),
            );
            check(
                zmq_sys::zmq_msg_send(msg.as_mut_ptr(), socket, 0),
                "zmq_msg_send",
            );
        }
    }
}

/// One `zmq_msg_t` reused for every `zmq_msg_recv`.
#[inline(never)]
fn raw_recv(pull: &mut zmq::Socket, size: usize, n: usize) {
    let socket = pull.as_mut_ptr();
    let mut msg = MaybeUninit::<zmq_sys::zmq_msg_t>::uninit();
    // SAFETY: the message is initialised before the first receive and closed once at the end;
    // each receive replaces (and releases) the previous content.
    unsafe {
        check(zmq_sys::zmq_msg_init(msg.as_mut_ptr()), "zmq_msg_init");
        for _ in 0..n {
            let len = check(
                zmq_sys::zmq_msg_recv(msg.as_mut_ptr(), socket, 0),
                "zmq_msg_recv",
            );
            assert_eq!(len as usize, size);
        }
        zmq_sys::zmq_msg_close(msg.as_mut_ptr());
    }
}

#[inline(never)]
fn safe_send(push: &mut zmq::Socket, payload: &[u8], n: usize) {
    for _ in 0..n {
        push.send(payload, 0).unwrap();
    }
}

#[inline(never)]
fn safe_recv(pull: &mut zmq::Socket, size: usize, n: usize) {
    for _ in 0..n {
        let bytes = pull.recv_bytes(0).unwrap();
        assert_eq!(bytes.len(), size);
    }
}

#[inline(never)]
fn fast_send(push: &mut zmq::Socket, payload: &[u8], n: usize) {
    if payload.len() >= ZERO_COPY_FROM {
        for _ in 0..n {
            // The producer fills its own buffer, which then goes to libzmq without a copy.
            let owned = vec![7u8; payload.len()];
            push.send(owned, 0).unwrap();
        }
    } else {
        for _ in 0..n {
            push.send(payload, 0).unwrap();
        }
    }
}

#[inline(never)]
fn fast_recv(pull: &mut zmq::Socket, size: usize, n: usize) {
    let mut msg = zmq::Message::new();
    for _ in 0..n {
        pull.recv(&mut msg, 0).unwrap();
        assert_eq!(msg.len(), size);
    }
}

/// The receiver's time from the start signal to its last message.
fn thr_run(
    col: Col,
    ctx: &zmq::Context,
    eps: &mut Endpoints,
    t: Transport,
    size: usize,
    n: usize,
) -> Duration {
    if col == Col::Tcp {
        return raw_tcp(size, n);
    }
    if col == Col::Async {
        return thr_async(ctx, eps, t, size, n);
    }
    let (sender, receiver) = thr_fns(col);
    let (mut push, mut pull) = push_pull(ctx, eps, t);
    let go = Arc::new(Barrier::new(2));
    let go2 = go.clone();
    let sending = thread::spawn(move || {
        let payload = vec![7u8; size];
        go2.wait();
        sender(&mut push, &payload, n);
        push
    });
    let receiving = thread::spawn(move || {
        go.wait();
        let start = Instant::now();
        receiver(&mut pull, size, n);
        (start.elapsed(), pull)
    });
    // The sender's socket stays open until the receiver has everything.
    let (elapsed, _pull) = receiving.join().unwrap();
    let _push = sending.join().unwrap();
    elapsed
}

fn current_thread_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap()
}

/// Column (d): (c)'s loops on `zmq::asyncio`, each side on its own current-thread runtime.
fn thr_async(
    ctx: &zmq::Context,
    eps: &mut Endpoints,
    t: Transport,
    size: usize,
    n: usize,
) -> Duration {
    let (push, pull) = push_pull(ctx, eps, t);
    let go = Arc::new(Barrier::new(2));
    let go2 = go.clone();
    let sending = thread::spawn(move || {
        current_thread_runtime().block_on(async move {
            let push = AsyncSocket::new(push).unwrap();
            let payload = vec![7u8; size];
            go2.wait();
            for _ in 0..n {
                if size >= ZERO_COPY_FROM {
                    push.send(vec![7u8; size], 0).await.unwrap();
                } else {
                    push.send(&payload[..], 0).await.unwrap();
                }
            }
            push.into_inner()
        })
    });
    let receiving = thread::spawn(move || {
        current_thread_runtime().block_on(async move {
            let pull = AsyncSocket::new(pull).unwrap();
            let mut msg = zmq::Message::new();
            go.wait();
            let start = Instant::now();
            for _ in 0..n {
                pull.recv(&mut msg).await.unwrap();
                assert_eq!(msg.len(), size);
            }
            (start.elapsed(), pull.into_inner())
        })
    });
    let (elapsed, _pull) = receiving.join().unwrap();
    let _push = sending.join().unwrap();
    elapsed
}

// ---------------------------------------------------------------------------------------------
// Latency: the client times every round trip; the server echoes the request.

type Client = fn(&mut zmq::Socket, &[u8], usize) -> Vec<u64>;
type Server = fn(&mut zmq::Socket, usize, usize);

fn lat_fns(col: Col) -> (Client, Server) {
    match col {
        Col::Raw | Col::RawAgain => (raw_client, raw_server),
        Col::Safe => (safe_client, safe_server),
        Col::Fast => (fast_client, fast_server),
        Col::Tcp | Col::C | Col::Py | Col::PyZeroCopy | Col::ZmqRs | Col::Async => {
            unreachable!("no blocking Rust latency loop for {col:?}")
        }
    }
}

#[inline(never)]
fn raw_client(req: &mut zmq::Socket, payload: &[u8], n: usize) -> Vec<u64> {
    let socket = req.as_mut_ptr();
    let mut samples = Vec::with_capacity(n);
    let mut reply = MaybeUninit::<zmq_sys::zmq_msg_t>::uninit();
    // SAFETY: as in raw_send and raw_recv: every message is initialised before use, a sent
    // one belongs to libzmq, the reply message is reused and closed once.
    unsafe {
        check(zmq_sys::zmq_msg_init(reply.as_mut_ptr()), "zmq_msg_init");
        for _ in 0..n {
            let start = Instant::now();
            let mut msg = MaybeUninit::<zmq_sys::zmq_msg_t>::uninit();
            check(
                zmq_sys::zmq_msg_init_size(msg.as_mut_ptr(), payload.len()),
                "zmq_msg_init_size",
            );
            std::ptr::copy_nonoverlapping(
                payload.as_ptr(),
                zmq_sys::zmq_msg_data(msg.as_mut_ptr()) as *mut u8,
                payload.len(),
            );
            check(
                zmq_sys::zmq_msg_send(msg.as_mut_ptr(), socket, 0),
                "zmq_msg_send",
            );
            let len = check(
                zmq_sys::zmq_msg_recv(reply.as_mut_ptr(), socket, 0),
                "zmq_msg_recv",
            );
            samples.push(nanos(start.elapsed()));
            assert_eq!(len as usize, payload.len());
        }
        zmq_sys::zmq_msg_close(reply.as_mut_ptr());
    }
    samples
}

/// Receives into one `zmq_msg_t` and sends that same message back (libzmq empties it).
#[inline(never)]
fn raw_server(rep: &mut zmq::Socket, _size: usize, n: usize) {
    let socket = rep.as_mut_ptr();
    let mut msg = MaybeUninit::<zmq_sys::zmq_msg_t>::uninit();
    // SAFETY: initialised once; a successful send leaves it an initialised empty message,
    // which the next receive fills; closed once at the end.
    unsafe {
        check(zmq_sys::zmq_msg_init(msg.as_mut_ptr()), "zmq_msg_init");
        for _ in 0..n {
            check(
                zmq_sys::zmq_msg_recv(msg.as_mut_ptr(), socket, 0),
                "zmq_msg_recv",
            );
            check(
                zmq_sys::zmq_msg_send(msg.as_mut_ptr(), socket, 0),
                "zmq_msg_send",
            );
        }
        zmq_sys::zmq_msg_close(msg.as_mut_ptr());
    }
}

#[inline(never)]
fn safe_client(req: &mut zmq::Socket, payload: &[u8], n: usize) -> Vec<u64> {
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        let start = Instant::now();
        req.send(payload, 0).unwrap();
        let reply = req.recv_bytes(0).unwrap();
        samples.push(nanos(start.elapsed()));
        assert_eq!(reply.len(), payload.len());
    }
    samples
}

#[inline(never)]
fn safe_server(rep: &mut zmq::Socket, _size: usize, n: usize) {
    for _ in 0..n {
        let request = rep.recv_bytes(0).unwrap();
        rep.send(&request[..], 0).unwrap();
    }
}

#[inline(never)]
fn fast_client(req: &mut zmq::Socket, payload: &[u8], n: usize) -> Vec<u64> {
    let mut samples = Vec::with_capacity(n);
    let mut reply = zmq::Message::new();
    for _ in 0..n {
        let start = Instant::now();
        req.send(payload, 0).unwrap();
        req.recv(&mut reply, 0).unwrap();
        samples.push(nanos(start.elapsed()));
        assert_eq!(reply.len(), payload.len());
    }
    samples
}

#[inline(never)]
fn fast_server(rep: &mut zmq::Socket, _size: usize, n: usize) {
    let mut msg = zmq::Message::new();
    for _ in 0..n {
        rep.recv(&mut msg, 0).unwrap();
        rep.send_message(&mut msg, 0).unwrap();
    }
}

/// Round-trip times in nanoseconds.
fn lat_run(
    col: Col,
    ctx: &zmq::Context,
    eps: &mut Endpoints,
    t: Transport,
    size: usize,
    n: usize,
) -> Vec<u64> {
    if col == Col::Async {
        return lat_async(ctx, eps, t, size, n);
    }
    let (client, server) = lat_fns(col);
    let (mut req, mut rep) = req_rep(ctx, eps, t);
    let go = Arc::new(Barrier::new(2));
    let go2 = go.clone();
    let serving = thread::spawn(move || {
        go2.wait();
        server(&mut rep, size, n);
        rep
    });
    let asking = thread::spawn(move || {
        let payload = vec![7u8; size];
        go.wait();
        (client(&mut req, &payload, n), req)
    });
    let (samples, _req) = asking.join().unwrap();
    let _rep = serving.join().unwrap();
    samples
}

/// Column (d)'s round trips: (c)'s loops awaited, each side on its own current-thread runtime.
fn lat_async(
    ctx: &zmq::Context,
    eps: &mut Endpoints,
    t: Transport,
    size: usize,
    n: usize,
) -> Vec<u64> {
    let (req, rep) = req_rep(ctx, eps, t);
    let go = Arc::new(Barrier::new(2));
    let go2 = go.clone();
    let serving = thread::spawn(move || {
        current_thread_runtime().block_on(async move {
            let rep = AsyncSocket::new(rep).unwrap();
            let mut msg = zmq::Message::new();
            go2.wait();
            for _ in 0..n {
                rep.recv(&mut msg).await.unwrap();
                rep.send_message(&mut msg, 0).await.unwrap();
            }
            rep.into_inner()
        })
    });
    let asking = thread::spawn(move || {
        current_thread_runtime().block_on(async move {
            let req = AsyncSocket::new(req).unwrap();
            let payload = vec![7u8; size];
            let mut reply = zmq::Message::new();
            let mut samples = Vec::with_capacity(n);
            go.wait();
            for _ in 0..n {
                let start = Instant::now();
                req.send(&payload[..], 0).await.unwrap();
                req.recv(&mut reply).await.unwrap();
                samples.push(nanos(start.elapsed()));
                assert_eq!(reply.len(), payload.len());
            }
            (samples, req.into_inner())
        })
    });
    let (samples, _req) = asking.join().unwrap();
    let _rep = serving.join().unwrap();
    samples
}

// ---------------------------------------------------------------------------------------------
// Column (a0): the C program, built here against the libzmq this crate links.

/// Compiles `benches/zmq_perf_c.c` with `$CC` (default `cc`) against the linked libzmq (the
/// vendored static library, or the system one); the program's path, or why there is none.
fn build_c() -> Result<PathBuf, String> {
    let (include, libdir, sodium) = (
        env!("ZMQ_LINK_INCLUDE"),
        env!("ZMQ_LINK_LIBDIR"),
        env!("ZMQ_LINK_SODIUM_LIBDIR"),
    );
    let vendored = env!("ZMQ_LINK_MODE") == "vendored";
    if vendored && libdir.is_empty() {
        return Err("zmq-sys did not report the vendored library's directory".into());
    }
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/zmq_perf_c.c");
    let dir = target_dir().join("zmq_perf");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let program = dir.join("zmq_perf_c");
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let mut cmd = Command::new(&cc);
    cmd.arg("-O2").arg(&source).arg("-o").arg(&program);
    if !include.is_empty() {
        cmd.arg(format!("-I{include}"));
    }
    if !libdir.is_empty() {
        // The vendored directory holds only libzmq.a, so -lzmq is the static library.
        cmd.arg(format!("-L{libdir}"));
        if !vendored {
            cmd.arg(format!("-Wl,-rpath,{libdir}"));
        }
    }
    cmd.arg("-lzmq");
    if vendored {
        if !sodium.is_empty() {
            cmd.arg(format!("-L{sodium}")).arg("-lsodium");
        }
        cmd.arg("-lstdc++");
    }
    cmd.arg("-lpthread");
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run the C compiler `{cc}`: {e}"))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first = stderr.lines().take(3).collect::<Vec<_>>().join(" / ");
        return Err(format!("`{cc}` failed: {first}"));
    }
    Ok(program)
}

/// One run of the C program; the numbers it prints.
fn c_run(program: &Path, workload: &str, endpoint: &str, size: usize, n: usize) -> Vec<f64> {
    let mut cmd = Command::new(program);
    cmd.args([workload, endpoint, &size.to_string(), &n.to_string()]);
    peer_numbers(cmd, "the C program")
}

// ---------------------------------------------------------------------------------------------
// The pyzmq columns: benches/pyzmq_perf.py, the same workloads as a Python user writes them.

/// pyzmq runs this fraction of (a)'s message count (at least 50): Python is an order of
/// magnitude slower, and the table compares time per message, so a shorter run is scaled up.
const PY_THR_DIVISOR: usize = 10;
const PY_LAT_DIVISOR: usize = 2;

struct Pyzmq {
    script: PathBuf,
    /// `PYTHONPATH` for the pinned pyzmq the tests install, when they did.
    path: Option<PathBuf>,
    version: String,
}

/// The `python3` (or `$SBS_PYTHON`, as in the tests) command with pyzmq on its path.
fn python(py: Option<&Pyzmq>) -> Command {
    let mut cmd = Command::new(std::env::var_os("SBS_PYTHON").unwrap_or_else(|| "python3".into()));
    if let Some(path) = py.and_then(|p| p.path.as_ref()) {
        cmd.env("PYTHONPATH", path);
    }
    cmd
}

/// pyzmq from `target/pyzmq-deps` (where the side-by-side tests install the pinned version)
/// or from the Python installation; its versions, or why it cannot run.
fn find_pyzmq() -> Result<Pyzmq, String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let deps = root.join("target").join("pyzmq-deps");
    let mut py = Pyzmq {
        script: root.join("benches").join("pyzmq_perf.py"),
        path: deps.join("zmq").is_dir().then_some(deps),
        version: String::new(),
    };
    let out = python(Some(&py))
        .arg(&py.script)
        .arg("version")
        .output()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "`import zmq` failed ({}); `cargo test` installs the pinned pyzmq into \
             target/pyzmq-deps, or `pip install pyzmq`",
            stderr.lines().last().unwrap_or("no output")
        ));
    }
    py.version = String::from_utf8_lossy(&out.stdout).trim().to_string();
    Ok(py)
}

/// One run of the pyzmq script; the numbers it prints.
fn py_run(py: &Pyzmq, col: Col, workload: &str, endpoint: &str, size: usize, n: usize) -> Vec<f64> {
    let mode = if col == Col::PyZeroCopy {
        "zerocopy"
    } else {
        "copy"
    };
    let mut cmd = python(Some(py));
    cmd.arg(&py.script)
        .args([workload, endpoint, &size.to_string(), &n.to_string(), mode]);
    peer_numbers(cmd, "the pyzmq script")
}

/// The peers a table runs besides the four Rust columns.
struct Peers<'a> {
    c: Option<&'a Path>,
    py: Option<&'a Pyzmq>,
    zmqrs: Option<&'a ZmqRs>,
}

impl Peers<'_> {
    /// The columns a cell over `t` runs: zmq.rs has no inproc transport.
    fn columns(&self, t: Transport) -> Vec<Col> {
        let mut cols = Col::ZMQ.to_vec();
        if self.c.is_some() {
            cols.push(Col::C);
        }
        if self.py.is_some() {
            cols.extend([Col::Py, Col::PyZeroCopy]);
        }
        if self.zmqrs.is_some() && t != Transport::Inproc {
            cols.push(Col::ZmqRs);
        }
        cols
    }

    /// The zmq.rs column's text: its ratios, "n/a" on inproc, or "not run".
    fn zmqrs_text(&self, t: Transport, ratios: &[f64]) -> String {
        if t == Transport::Inproc {
            "n/a".to_string()
        } else {
            peer_text(self.zmqrs.is_some(), ratios)
        }
    }
}

/// A column's ratios to (a), or why the column did not run.
fn peer_text(ran: bool, ratios: &[f64]) -> String {
    if ran {
        ratio_text(ratios)
    } else {
        "not run".to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// The CSV of every round.

struct Csv {
    path: PathBuf,
    out: BufWriter<File>,
}

impl Csv {
    fn create() -> Csv {
        let dir = target_dir().join("zmq_perf");
        std::fs::create_dir_all(&dir).expect("cannot create target/zmq_perf");
        let stamp = utc_now()
            .replace([' ', ':'], "-")
            .trim_end_matches("-UTC")
            .to_string();
        let path = dir.join(format!("rounds-{stamp}.csv"));
        let mut out = BufWriter::new(File::create(&path).expect("cannot create the CSV file"));
        writeln!(
            out,
            "workload,transport,size,round,position,column,count,seconds,msgs_per_s,mb_per_s,mean_one_way_us,p99_one_way_us"
        )
        .unwrap();
        Csv { path, out }
    }

    #[allow(clippy::too_many_arguments)]
    fn row(
        &mut self,
        workload: &str,
        t: Transport,
        size: usize,
        round: usize,
        position: usize,
        col: Col,
        count: usize,
        seconds: f64,
        latency: Option<(f64, f64)>,
    ) {
        let (rate, mbs) = if latency.is_none() {
            let rate = count as f64 / seconds;
            (
                format!("{rate:.1}"),
                format!("{:.3}", rate * size as f64 / 1e6),
            )
        } else {
            (String::new(), String::new())
        };
        let (mean, p99) = latency.map_or((String::new(), String::new()), |(m, p)| {
            (format!("{m:.3}"), format!("{p:.3}"))
        });
        writeln!(
            self.out,
            "{workload},{},{size},{round},{position},{},{count},{seconds:.6},{rate},{mbs},{mean},{p99}",
            t.name(),
            col.name()
        )
        .unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// The tables.

/// Per-round ratios `f(x, a)` of column `x` against (a).
fn ratios(a: &[f64], x: &[f64], f: impl Fn(f64, f64) -> f64) -> Vec<f64> {
    a.iter().zip(x).map(|(&a, &x)| f(x, a)).collect()
}

/// Issue 11's targets, judged from this run's per-round ratios (medians) and listed at the
/// end: each cell that misses, with its figure and the A/A column's spread in the same cell,
/// so a miss inside the noise floor reads as such.
#[derive(Default)]
struct Targets {
    /// (target, cells judged, misses as "cell figure (A/A range)").
    rows: Vec<(&'static str, usize, Vec<String>)>,
}

impl Targets {
    /// Records one judged cell of `target`; `figure` is the median ratio, `pass` the verdict.
    fn judge(&mut self, target: &'static str, cell: &str, figure: f64, pass: bool, aa: &[f64]) {
        let row = match self.rows.iter_mut().position(|r| r.0 == target) {
            Some(i) => &mut self.rows[i],
            None => {
                self.rows.push((target, 0, Vec::new()));
                self.rows.last_mut().unwrap()
            }
        };
        row.1 += 1;
        if !pass {
            let lo = aa.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = aa.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            row.2
                .push(format!("{cell} {figure:.3} (A/A {lo:.2}–{hi:.2})"));
        }
    }

    fn print(&self) {
        println!();
        println!("Targets (issue 11), from this run's medians of per-round ratios:");
        if self.rows.is_empty() {
            println!("  none judged (no cell ran with the peers a target needs)");
        }
        for (target, judged, misses) in &self.rows {
            let verdict = if misses.is_empty() { "PASS" } else { "MISS" };
            println!(
                "  {verdict} {target}: {} of {judged} cells pass",
                judged - misses.len()
            );
            for m in misses {
                println!("       miss: {m}");
            }
        }
    }
}

/// One point of the chart: a column's median throughput in one cell.
struct Point {
    t: Transport,
    size: usize,
    col: Col,
    mb_per_s: f64,
}

/// Prints the throughput table; the median MB/s of every column in every cell, for the chart.
fn throughput_table(
    cfg: &Config,
    ctx: &zmq::Context,
    eps: &mut Endpoints,
    csv: &mut Csv,
    peers: &Peers,
    targets: &mut Targets,
) -> Vec<Point> {
    let mut points = Vec::new();
    println!();
    println!("Throughput, PUSH -> PULL (sender and receiver on two threads, default HWM).");
    println!("(a) msg/s and MB/s: medians over the rounds; the other columns: rate / rate of (a)");
    println!("in the same round, median [min–max] (above 1 = faster than raw FFI). raw TCP: the");
    println!("std::net loopback limit in GB/s (median) and (a)'s rate as a fraction of it.");
    println!(
        "{:<14} {:>8} | {:>8} {:>9} | {:>20} {:>20} {:>20} {:>20} {:>20} | {:>20} {:>20} {:>20} | {:>7} {:>7}",
        "cell",
        "msgs",
        "(a) m/s",
        "(a) MB/s",
        "(a0) C",
        "(a') A/A",
        "(b) safe",
        "(c) fastest",
        "(d) async",
        "pyzmq",
        "pyzmq copy=False",
        "zmq.rs",
        "TCP GB/s",
        "(a)/TCP"
    );
    for t in ORDER {
        for size in THR_SIZES {
            let cell = format!("thr-{}-{}", t.name(), size);
            if !cfg.wants(&cell) {
                continue;
            }
            let start = if size > 4096 { 200 } else { 20_000 };
            let n = calibrate(cfg, start, |n| {
                thr_run(Col::Raw, ctx, eps, t, size, n).as_secs_f64()
            });
            let mut cols = peers.columns(t);
            if t == Transport::Tcp && size >= 65_536 {
                cols.push(Col::Tcp);
            }
            let n_py = (n / PY_THR_DIVISOR).max(50);
            // Seconds for `n` messages (pyzmq's shorter runs scaled up to `n`).
            let mut secs: Vec<Vec<f64>> = vec![Vec::new(); Col::COUNT];
            for round in 0..cfg.rounds {
                for (position, col) in rotated_order(&cols, round).into_iter().enumerate() {
                    let (count, d) = match (col, peers.c, peers.py, peers.zmqrs) {
                        (Col::C, Some(program), _, _) => {
                            (n, c_run(program, "thr", &eps.fresh(t), size, n)[0])
                        }
                        (Col::Py | Col::PyZeroCopy, _, Some(py), _) => {
                            (n_py, py_run(py, col, "thr", &eps.fresh(t), size, n_py)[0])
                        }
                        (Col::ZmqRs, _, _, Some(peer)) => {
                            (n, zmqrs_run(peer, "thr", &eps.fresh(t), size, n)[0])
                        }
                        _ => (n, thr_run(col, ctx, eps, t, size, n).as_secs_f64()),
                    };
                    csv.row("throughput", t, size, round, position, col, count, d, None);
                    secs[col as usize].push(d * n as f64 / count as f64);
                }
            }
            for &col in &cols {
                let v = &secs[col as usize];
                if !v.is_empty() {
                    let mb_per_s = n as f64 * size as f64 / median(v) / 1e6;
                    points.push(Point {
                        t,
                        size,
                        col,
                        mb_per_s,
                    });
                }
            }
            let a = &secs[Col::Raw as usize];
            let rate = median(a).recip() * n as f64;
            let faster = |x: f64, a: f64| a / x;
            let tcp = &secs[Col::Tcp as usize];
            let (tcp_gbs, frac) = if tcp.is_empty() {
                ("-".to_string(), "-".to_string())
            } else {
                let gbs = n as f64 * size as f64 / median(tcp) / 1e9;
                let frac = median(&ratios(a, tcp, |x, a| x / a));
                (format!("{gbs:.2}"), format!("{frac:.3}"))
            };
            let cell_name = format!("{} {}", t.name(), size_text(size));
            let aa = ratios(a, &secs[Col::RawAgain as usize], faster);
            let c0 = &secs[Col::C as usize];
            if !c0.is_empty() {
                for (col, target) in [
                    (Col::Raw, "throughput (a)/(a0) >= 0.97"),
                    (Col::Safe, "throughput (b)/(a0) >= 0.97"),
                    (Col::Fast, "throughput (c)/(a0) >= 0.97"),
                ] {
                    let r = median(&ratios(c0, &secs[col as usize], faster));
                    targets.judge(target, &cell_name, r, r >= 0.97, &aa);
                }
            }
            if !secs[Col::Py as usize].is_empty() {
                let r = median(&ratios(&secs[Col::Py as usize], a, faster));
                targets.judge(
                    "throughput (a) ahead of pyzmq (copying)",
                    &cell_name,
                    r,
                    r > 1.0,
                    &aa,
                );
            }
            if !secs[Col::ZmqRs as usize].is_empty() && size >= 1024 {
                let r = median(&ratios(
                    &secs[Col::ZmqRs as usize],
                    &secs[Col::Fast as usize],
                    faster,
                ));
                targets.judge(
                    "throughput (c) ahead of zmq.rs from 1 KiB (default settings; see zmq_tuning)",
                    &cell_name,
                    r,
                    r > 1.0,
                    &aa,
                );
            }
            if !tcp.is_empty() {
                let r = median(&ratios(tcp, &secs[Col::Fast as usize], faster));
                targets.judge(
                    "throughput (c) >= 0.85 x raw TCP",
                    &cell_name,
                    r,
                    r >= 0.85,
                    &aa,
                );
            }
            if t == Transport::Inproc && size == 1_048_576 {
                let r = median(&ratios(
                    &secs[Col::Safe as usize],
                    &secs[Col::Fast as usize],
                    faster,
                ));
                targets.judge(
                    "zero-copy 1 MiB inproc: (c) beats copying (b)",
                    &cell_name,
                    r,
                    r > 1.0,
                    &aa,
                );
            }
            let peer =
                |col: Col, ran: bool| peer_text(ran, &ratios(a, &secs[col as usize], faster));
            println!(
                "{:<14} {:>8} | {:>8} {:>9.1} | {:>20} {:>20} {:>20} {:>20} {:>20} | {:>20} {:>20} {:>20} | {:>7} {:>7}",
                format!("{} {}", t.name(), size_text(size)),
                n,
                rate_text(rate),
                rate * size as f64 / 1e6,
                peer(Col::C, peers.c.is_some()),
                ratio_text(&ratios(a, &secs[Col::RawAgain as usize], faster)),
                ratio_text(&ratios(a, &secs[Col::Safe as usize], faster)),
                ratio_text(&ratios(a, &secs[Col::Fast as usize], faster)),
                ratio_text(&ratios(a, &secs[Col::Async as usize], faster)),
                peer(Col::Py, peers.py.is_some()),
                peer(Col::PyZeroCopy, peers.py.is_some()),
                peers.zmqrs_text(t, &ratios(a, &secs[Col::ZmqRs as usize], faster)),
                tcp_gbs,
                frac,
            );
        }
    }
    points
}

fn latency_table(
    cfg: &Config,
    ctx: &zmq::Context,
    eps: &mut Endpoints,
    csv: &mut Csv,
    peers: &Peers,
    targets: &mut Targets,
) {
    println!();
    println!("Latency, REQ <-> REP round trips (client and server on two threads); one way =");
    println!("round trip / 2 in µs, (a)'s mean and p99 are medians over the rounds; the other");
    println!("columns: their mean (and p99) / (a)'s in the same round, median [min–max]");
    println!("(below 1 = faster than raw FFI).");
    println!(
        "{:<12} {:>6} | {:>7} {:>7} | {:>20} {:>20} {:>20} {:>20} {:>20} | {:>20} {:>20} {:>20} | {:>20} {:>20} | {:>20} {:>20}",
        "cell",
        "trips",
        "(a) µs",
        "a p99",
        "(a0) C mean",
        "(a') mean",
        "(b) mean",
        "(c) mean",
        "(d) async mean",
        "(a0) C p99",
        "(b) p99",
        "(c) p99",
        "pyzmq mean",
        "pyzmq copy=False",
        "zmq.rs mean",
        "zmq.rs p99"
    );
    for t in ORDER {
        for size in LAT_SIZES {
            let cell = format!("lat-{}-{}", t.name(), size);
            if !cfg.wants(&cell) {
                continue;
            }
            let n = calibrate(cfg, 1_000, |n| {
                let samples = lat_run(Col::Raw, ctx, eps, t, size, n);
                samples.iter().sum::<u64>() as f64 / 1e9
            });
            // [column] -> per-round (mean, p99)
            let mut means: Vec<Vec<f64>> = vec![Vec::new(); Col::COUNT];
            let mut p99s: Vec<Vec<f64>> = vec![Vec::new(); Col::COUNT];
            let cols = peers.columns(t);
            let n_py = (n / PY_LAT_DIVISOR).max(50);
            for round in 0..cfg.rounds {
                for (position, col) in rotated_order(&cols, round).into_iter().enumerate() {
                    let count = if matches!(col, Col::Py | Col::PyZeroCopy) {
                        n_py
                    } else {
                        n
                    };
                    let (total, mean, p99) = match (col, peers.c, peers.py, peers.zmqrs) {
                        (Col::C, Some(program), _, _) => {
                            let v = c_run(program, "lat", &eps.fresh(t), size, n);
                            (v[0], v[1], v[2])
                        }
                        (Col::Py | Col::PyZeroCopy, _, Some(py), _) => {
                            let v = py_run(py, col, "lat", &eps.fresh(t), size, n_py);
                            (v[0], v[1], v[2])
                        }
                        (Col::ZmqRs, _, _, Some(peer)) => {
                            let v = zmqrs_run(peer, "lat", &eps.fresh(t), size, n);
                            (v[0], v[1], v[2])
                        }
                        _ => {
                            let mut samples = lat_run(col, ctx, eps, t, size, n);
                            let total = samples.iter().sum::<u64>() as f64 / 1e9;
                            let (mean, p99) = one_way_us(&mut samples);
                            (total, mean, p99)
                        }
                    };
                    csv.row(
                        "latency",
                        t,
                        size,
                        round,
                        position,
                        col,
                        count,
                        total,
                        Some((mean, p99)),
                    );
                    means[col as usize].push(mean);
                    p99s[col as usize].push(p99);
                }
            }
            let slower = |x: f64, a: f64| x / a;
            let (am, ap) = (&means[Col::Raw as usize], &p99s[Col::Raw as usize]);
            let peer = |v: &[Vec<f64>], a: &[f64], col: Col, ran: bool| {
                peer_text(ran, &ratios(a, &v[col as usize], slower))
            };
            let (has_c, has_py) = (peers.c.is_some(), peers.py.is_some());
            let cell_name = format!("{} {}", t.name(), size_text(size));
            let aa = ratios(am, &means[Col::RawAgain as usize], slower);
            let c0 = &means[Col::C as usize];
            if !c0.is_empty() {
                for (col, target) in [
                    (Col::Raw, "latency (a)/(a0) <= 1.03"),
                    (Col::Safe, "latency (b)/(a0) <= 1.03"),
                    (Col::Fast, "latency (c)/(a0) <= 1.03"),
                ] {
                    let r = median(&ratios(c0, &means[col as usize], slower));
                    targets.judge(target, &cell_name, r, r <= 1.03, &aa);
                }
            }
            if has_py {
                let r = median(&ratios(am, &means[Col::Py as usize], slower));
                targets.judge(
                    "latency (a) ahead of pyzmq (copying)",
                    &cell_name,
                    r,
                    r > 1.0,
                    &aa,
                );
            }
            println!(
                "{:<12} {:>6} | {:>7.2} {:>7.2} | {:>20} {:>20} {:>20} {:>20} {:>20} | {:>20} {:>20} {:>20} | {:>20} {:>20} | {:>20} {:>20}",
                format!("{} {}", t.name(), size_text(size)),
                n,
                median(am),
                median(ap),
                peer(&means, am, Col::C, has_c),
                ratio_text(&ratios(am, &means[Col::RawAgain as usize], slower)),
                ratio_text(&ratios(am, &means[Col::Safe as usize], slower)),
                ratio_text(&ratios(am, &means[Col::Fast as usize], slower)),
                ratio_text(&ratios(am, &means[Col::Async as usize], slower)),
                peer(&p99s, ap, Col::C, has_c),
                ratio_text(&ratios(ap, &p99s[Col::Safe as usize], slower)),
                ratio_text(&ratios(ap, &p99s[Col::Fast as usize], slower)),
                peer(&means, am, Col::Py, has_py),
                peer(&means, am, Col::PyZeroCopy, has_py),
                peers.zmqrs_text(t, &ratios(am, &means[Col::ZmqRs as usize], slower)),
                peers.zmqrs_text(t, &ratios(ap, &p99s[Col::ZmqRs as usize], slower)),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Heap allocations per message on our layer's steady-state paths.

/// Allocations the current thread makes per call of `step`, over `n` calls.
fn per_message(n: usize, mut step: impl FnMut()) -> f64 {
    let before = allocations_here();
    for _ in 0..n {
        step();
    }
    (allocations_here() - before) as f64 / n as f64
}

fn allocation_counts(ctx: &zmq::Context, eps: &mut Endpoints) {
    const N: usize = 2_000;
    println!();
    println!("Heap allocations per message made through Rust's allocator on the calling thread");
    println!("(our layer and the caller; libzmq's own malloc calls are C and not counted), over");
    println!("{N} messages after a warm-up, inproc PUSH -> PULL on one thread (unlimited HWM):");
    let (push, pull) = push_pull(ctx, eps, Transport::Inproc);
    push.set_sndhwm(0).unwrap();
    pull.set_rcvhwm(0).unwrap();
    let mut msg = zmq::Message::new();
    let mut buf = vec![0u8; 2048];
    for size in [1usize, 64, 1024] {
        let payload = vec![7u8; size];
        // Warm-up: one pass of every path, so lazily built state is not counted.
        push.send(&payload[..], 0).unwrap();
        pull.recv(&mut msg, 0).unwrap();
        let send = per_message(N, || push.send(&payload[..], 0).unwrap());
        let recv_msg = per_message(N, || pull.recv(&mut msg, 0).unwrap());
        for _ in 0..N {
            push.send(&payload[..], 0).unwrap();
        }
        let recv_into = per_message(N, || {
            pull.recv_into(&mut buf, 0).unwrap();
        });
        for _ in 0..N {
            push.send(&payload[..], 0).unwrap();
        }
        let recv_bytes = per_message(N, || {
            pull.recv_bytes(0).unwrap();
        });
        println!(
            "  {:>5}: send(&[u8]) {send:.2}   recv(&mut Message) {recv_msg:.2}   recv_into {recv_into:.2}   \
             recv_bytes {recv_bytes:.2} (its Vec)",
            size_text(size)
        );
    }
    let payload = vec![7u8; 65_536];
    let zero_copy = per_message(200, || push.send(payload.clone(), 0).unwrap());
    for _ in 0..200 {
        pull.recv(&mut msg, 0).unwrap();
    }
    println!(
        "  64KiB: send(Vec) zero-copy {zero_copy:.2} (the caller's own Vec; none in our layer)"
    );
}

// ---------------------------------------------------------------------------------------------
// The chart: throughput by message size, one line per column, one panel per transport.

/// The chart's colour of a column (fixed, so charts of different runs compare at a glance).
fn colour(col: Col) -> RGBColor {
    match col {
        Col::Raw => RGBColor(0, 0, 0),
        Col::RawAgain => RGBColor(150, 150, 150),
        Col::C => RGBColor(140, 86, 75),
        Col::Safe => RGBColor(31, 119, 180),
        Col::Fast => RGBColor(44, 160, 44),
        Col::Py => RGBColor(255, 127, 14),
        Col::PyZeroCopy => RGBColor(188, 189, 34),
        Col::ZmqRs => RGBColor(214, 39, 40),
        Col::Tcp => RGBColor(148, 103, 189),
        Col::Async => RGBColor(23, 190, 207),
    }
}

/// The legend's name of a column.
fn label(col: Col) -> &'static str {
    match col {
        Col::Raw => "(a) raw FFI",
        Col::RawAgain => "(a') raw FFI again",
        Col::C => "(a0) C",
        Col::Safe => "(b) safe API",
        Col::Fast => "(c) fastest safe path",
        Col::Py => "pyzmq",
        Col::PyZeroCopy => "pyzmq copy=False",
        Col::ZmqRs => "zmq.rs (zeromq crate)",
        Col::Tcp => "raw loopback TCP (std::net)",
        Col::Async => "(d) async (zmq::asyncio)",
    }
}

/// 1, 1k, 1M: the x axis's labels (bytes).
fn bytes_label(x: f64) -> String {
    let x = x.round();
    if x >= 1e6 {
        format!("{}M", x / 1e6)
    } else if x >= 1e3 {
        format!("{}k", x / 1e3)
    } else {
        format!("{x}")
    }
}

/// Writes the SVG chart of `points` (medians of the throughput table) to `path`: MB/s on a log
/// scale by message size, one line per column, one panel per transport, one y range for all.
fn chart(path: &Path, points: &[Point], date: &str) -> Result<(), Box<dyn std::error::Error>> {
    use plotters::prelude::*;
    if points.is_empty() {
        return Ok(());
    }
    let (lo, hi) = points.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| {
        (lo.min(p.mb_per_s), hi.max(p.mb_per_s))
    });
    let root = SVGBackend::new(path, (1500, 560)).into_drawing_area();
    root.fill(&WHITE)?;
    let root = root.titled(
        &format!(
            "zmq_perf: PUSH -> PULL throughput by message size (medians; {date}; libzmq {} {})",
            {
                let (major, minor, patch) = zmq::version();
                format!("{major}.{minor}.{patch}")
            },
            env!("ZMQ_LINK_MODE")
        ),
        ("sans-serif", 20),
    )?;
    let panels = root.split_evenly((1, ORDER.len()));
    for (panel, t) in panels.iter().zip(ORDER) {
        let mut chart = ChartBuilder::on(panel)
            .caption(t.name(), ("sans-serif", 18))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(
                (0.7f64..1.5e6).log_scale(),
                (lo / 2.0..hi * 2.0).log_scale(),
            )?;
        chart
            .configure_mesh()
            .x_desc("message size (bytes)")
            .y_desc("MB/s")
            .x_label_formatter(&|x| bytes_label(*x))
            .y_label_formatter(&|y| format!("{y}"))
            .draw()?;
        let mut cols: Vec<Col> = Vec::new();
        for p in points.iter().filter(|p| p.t == t) {
            if !cols.contains(&p.col) {
                cols.push(p.col);
            }
        }
        for col in cols {
            let line: Vec<(f64, f64)> = points
                .iter()
                .filter(|p| p.t == t && p.col == col)
                .map(|p| (p.size as f64, p.mb_per_s))
                .collect();
            let style = colour(col).stroke_width(2);
            chart
                .draw_series(LineSeries::new(line.clone(), style))?
                .label(label(col))
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], style));
            chart.draw_series(
                line.iter()
                    .map(|&xy| Circle::new(xy, 3, colour(col).filled())),
            )?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font(("sans-serif", 13))
            .draw()?;
    }
    root.present()?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------

fn fraction(divisor: usize) -> String {
    format!("1/{divisor}")
}

// ---------------------------------------------------------------------------------------------
// Instructions per message under callgrind (see common/callgrind.rs).

/// The child side: `zmq_perf --one <a|b|c> <thr|lat> <transport> <size> <count>` runs one
/// column's loop once in this process and exits (the parent counts it under callgrind).
fn one(args: &[String]) {
    let [col, workload, transport, size, n] = args else {
        panic!("usage: zmq_perf --one <a|b|c> <thr|lat> <transport> <size> <count>");
    };
    let col = match col.as_str() {
        "a" => Col::Raw,
        "b" => Col::Safe,
        "c" => Col::Fast,
        other => panic!("no column {other:?} for --one"),
    };
    let t = Transport::parse(transport).expect("transport: tcp, ipc or inproc");
    let (size, n) = (size.parse().expect("size"), n.parse().expect("count"));
    let ctx = zmq::Context::new();
    let mut eps = Endpoints::new("zmq-perf-one");
    match workload.as_str() {
        "thr" => drop(thr_run(col, &ctx, &mut eps, t, size, n)),
        "lat" => drop(lat_run(col, &ctx, &mut eps, t, size, n)),
        other => panic!("no workload {other:?}"),
    }
}

/// Instructions per message for (a0), (a), (b) and (c), and (b) and (c) as ratios to (a0)
/// and to (a); `None` where a column could not be counted.
fn instruction_table(quick: bool, c: Option<&Path>) -> Vec<(String, [Option<f64>; 4])> {
    println!();
    println!("Instructions per message (callgrind, every thread of the process, start-up and");
    println!("warm-up cancelled out by counting two runs of different length); steady under load,");
    println!("unlike the rates above. Ratios: the column's count / (a0)'s (below 1 = fewer).");
    let mut rows = Vec::new();
    let valgrind = match callgrind::valgrind() {
        Ok(v) => v,
        Err(why) => {
            println!("not run — {why}");
            return rows;
        }
    };
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => {
            println!("not run — cannot find this program: {e}");
            return rows;
        }
    };
    println!("({valgrind})");
    println!(
        "{:<18} | {:>9} {:>9} {:>9} {:>9} | {:>8} {:>8} {:>8}",
        "cell", "(a0) C", "(a) raw", "(b) safe", "(c) fast", "(a)/(a0)", "(b)/(a0)", "(c)/(a0)"
    );
    let cells = if quick {
        &callgrind::CELLS[..1]
    } else {
        &callgrind::CELLS[..]
    };
    for (i, cell) in cells.iter().enumerate() {
        let name = format!(
            "{} {} {}",
            cell.workload,
            cell.transport,
            size_text(cell.size)
        );
        let endpoint = match cell.transport {
            "tcp" => "tcp://127.0.0.1:*".to_string(),
            _ => format!("inproc://zmq-perf-callgrind-{i}"),
        };
        let mut counts = [None; 4];
        let mut failures = Vec::new();
        let mut note = |what: &str, r: Result<f64, String>| match r {
            Ok(v) => Some(v),
            Err(e) => {
                failures.push(format!("{what}: {e}"));
                None
            }
        };
        if let Some(program) = c {
            counts[0] = note(
                "(a0)",
                callgrind::per_message(cell, |n| {
                    let args = [
                        cell.workload,
                        &endpoint,
                        &cell.size.to_string(),
                        &n.to_string(),
                    ];
                    callgrind::instructions(program, &args.map(String::from))
                }),
            );
        }
        for (slot, col) in [(1, "a"), (2, "b"), (3, "c")] {
            counts[slot] = note(
                col,
                callgrind::per_message(cell, |n| {
                    let args = [
                        "--one",
                        col,
                        cell.workload,
                        cell.transport,
                        &cell.size.to_string(),
                        &n.to_string(),
                    ];
                    callgrind::instructions(&exe, &args.map(String::from))
                }),
            );
        }
        let text = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.0}"));
        let ratio = |v: Option<f64>| match (v, counts[0]) {
            (Some(v), Some(base)) if base > 0.0 => format!("{:.3}", v / base),
            _ => "-".to_string(),
        };
        println!(
            "{name:<18} | {:>9} {:>9} {:>9} {:>9} | {:>8} {:>8} {:>8}",
            text(counts[0]),
            text(counts[1]),
            text(counts[2]),
            text(counts[3]),
            ratio(counts[1]),
            ratio(counts[2]),
            ratio(counts[3])
        );
        for f in failures {
            println!("    {f}");
        }
        rows.push((name, counts));
    }
    rows
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).is_some_and(|a| a == "--one") {
        one(&args[2..]);
        return;
    }
    let quick = std::env::var("ZMQ_BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0");
    let mut cfg = Config::from_env();
    // Shorter cells than async_perf's: up to ten columns per round and 21 cells; 0.25 s per
    // (a) cell-round keeps a full run (9 rounds, every peer, the callgrind table) under 10
    // minutes on 2 cores (0.3 s took 635 s).
    (cfg.target, cfg.calibrate_min) = if quick { (0.02, 0.005) } else { (0.25, 0.05) };
    let ctx = zmq::Context::new();
    let mut eps = Endpoints::new("zmq-perf");
    let mut csv = Csv::create();
    let (major, minor, patch) = zmq::version();
    let cores = thread::available_parallelism().map_or(0, |n| n.get());
    println!("zmq_perf: the safe layer against raw libzmq calls, same process, same run");
    let date = utc_now();
    println!("date:    {date}");
    println!("machine: nproc {cores}, {}", cpu_model());
    println!(
        "libzmq:  {major}.{minor}.{patch} ({} build)",
        env!("ZMQ_LINK_MODE")
    );
    println!(
        "rounds:  {} (column order rotated each round), ~{:.2} s per (a) cell-round{}",
        cfg.rounds,
        cfg.target,
        if quick { " (quick mode)" } else { "" }
    );
    println!("columns: (a) raw zmq_sys, perf-tool sequence; (a') the same again (A/A noise);");
    println!("         (b) safe API as written by users (send(&[u8]), recv_bytes);");
    println!("         (c) fastest safe path (reused Message; owned Vec zero-copy from 64 KiB);");
    println!("         (d) async layer: (c) awaited on zmq::asyncio, current-thread runtimes");
    let c = build_c();
    match &c {
        Ok(program) => println!(
            "(a0) C: (a)'s loops in C, {} (built now, linked to the same libzmq)",
            program.display()
        ),
        Err(why) => println!("(a0) C: not built — {why}"),
    }
    let c = c.ok();
    let py = find_pyzmq();
    match &py {
        Ok(py) => println!(
            "pyzmq:  {}, copy and copy=False, {} of (a)'s messages per throughput run and {} \
             of its round trips per latency run (at least 50), scaled",
            py.version,
            fraction(PY_THR_DIVISOR),
            fraction(PY_LAT_DIVISOR)
        ),
        Err(why) => println!("pyzmq:  not run — {why}"),
    }
    let py = py.ok();
    let zmqrs = build_zmqrs();
    match &zmqrs {
        Ok(peer) => println!(
            "zmq.rs: {} (pure Rust, tokio multi-thread runtime), {} (built now from \
             benches/zmqrs-peer); no inproc transport, so n/a there",
            peer.version,
            peer.program.display()
        ),
        Err(why) => println!("zmq.rs: not run — {why}"),
    }
    let zmqrs = zmqrs.ok();
    let peers = Peers {
        c: c.as_deref(),
        py: py.as_ref(),
        zmqrs: zmqrs.as_ref(),
    };
    let started = Instant::now();
    let mut targets = Targets::default();
    let points = throughput_table(&cfg, &ctx, &mut eps, &mut csv, &peers, &mut targets);
    latency_table(&cfg, &ctx, &mut eps, &mut csv, &peers, &mut targets);
    allocation_counts(&ctx, &mut eps);
    if std::env::var("ZMQ_BENCH_CALLGRIND").is_ok_and(|v| v == "skip") {
        println!();
        println!("Instructions per message: skipped (ZMQ_BENCH_CALLGRIND=skip)");
    } else {
        instruction_table(quick, peers.c);
    }
    targets.print();
    csv.out.flush().unwrap();
    println!();
    println!("every round: {}", csv.path.display());
    let svg = csv.path.with_file_name(
        csv.path
            .file_name()
            .map_or("rounds.csv".into(), |f| f.to_string_lossy())
            .replace("rounds-", "throughput-")
            .replace(".csv", ".svg"),
    );
    match chart(&svg, &points, &date) {
        Ok(()) if points.is_empty() => println!("chart: none (no throughput cell ran)"),
        Ok(()) => println!("chart:       {}", svg.display()),
        Err(e) => println!("chart: not written — {e}"),
    }
    println!("total time {:.0} s", started.elapsed().as_secs_f64());
}
