//! Context lifetime: sharing, sockets keeping it alive, destroy and every drop order.

use std::thread;
use std::time::{Duration, Instant};

mod common;

#[test]
fn io_threads_option() {
    let ctx = zmq::Context::new();
    assert_eq!(
        ctx.get_io_threads().unwrap(),
        zmq_sys::ZMQ_IO_THREADS_DFLT as i32
    );
    ctx.set_io_threads(0).unwrap();
    assert_eq!(ctx.get_io_threads().unwrap(), 0);
    ctx.set_io_threads(7).unwrap();
    assert_eq!(ctx.get_io_threads().unwrap(), 7);
    assert_eq!(ctx.set_io_threads(-1), Err(zmq::Error::EINVAL));
}

#[test]
fn clones_share_one_context() {
    let ctx = zmq::Context::new();
    let clone = ctx.clone();
    clone.set_io_threads(3).unwrap();
    assert_eq!(ctx.get_io_threads().unwrap(), 3);
    // inproc endpoints are per context: a bind on one handle is visible through the other.
    let a = ctx.socket(zmq::PAIR).unwrap();
    a.bind("inproc://shared-ctx").unwrap();
    let b = clone.socket(zmq::PAIR).unwrap();
    b.connect("inproc://shared-ctx").unwrap();
    b.send("via clone", 0).unwrap();
    assert_eq!(a.recv_bytes(0).unwrap(), b"via clone");
}

#[test]
fn separate_contexts_do_not_share_inproc() {
    let one = zmq::Context::new();
    let two = zmq::Context::new();
    let a = one.socket(zmq::PAIR).unwrap();
    a.bind("inproc://per-context").unwrap();
    let b = two.socket(zmq::PAIR).unwrap();
    b.connect("inproc://per-context").unwrap();
    // libzmq queues for a not-yet-bound inproc endpoint of *its own* context; the bind in
    // the other context never sees the message.
    b.send("lost", zmq::DONTWAIT).unwrap();
    a.set_rcvtimeo(100).unwrap();
    assert_eq!(a.recv_bytes(0), Err(zmq::Error::EAGAIN));
}

#[test]
fn socket_outlives_its_context_handle_without_hanging() {
    let start = Instant::now();
    let socket = {
        let ctx = zmq::Context::new();
        ctx.socket(zmq::REQ).unwrap()
    };
    // The socket keeps the context alive: it still works.
    assert_eq!(socket.get_socket_type().unwrap(), zmq::REQ);
    socket.bind("inproc://outlived").unwrap();
    drop(socket);
    assert!(start.elapsed() < Duration::from_secs(5));
}

#[test]
fn destroy_twice_and_drop_afterwards_are_harmless() {
    let mut ctx = zmq::Context::new();
    let clone = ctx.clone();
    ctx.destroy().unwrap();
    assert!(ctx.is_terminated());
    assert!(clone.is_terminated());
    // Never reaches libzmq again (zmq 0.10 read freed memory here).
    ctx.destroy().unwrap();
    assert_eq!(clone.socket(zmq::PAIR).err(), Some(zmq::Error::ETERM));
    assert_eq!(clone.get_io_threads(), Err(zmq::Error::ETERM));
    assert_eq!(clone.set_io_threads(2), Err(zmq::Error::ETERM));
    assert_eq!(clone.shutdown(), Err(zmq::Error::ETERM));
    drop(clone);
    drop(ctx);
}

#[test]
fn destroy_wakes_blocked_sockets_in_other_threads() {
    let mut ctx = zmq::Context::new();
    let socket = ctx.socket(zmq::PULL).unwrap();
    socket.bind("inproc://blocked").unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let worker = thread::spawn(move || {
        tx.send(()).unwrap();
        // No timeout: only the termination can end this wait.
        let result = socket.recv_bytes(0);
        drop(socket);
        result
    });
    rx.recv().unwrap();
    ctx.destroy().unwrap();
    assert_eq!(worker.join().unwrap(), Err(zmq::Error::ETERM));
}

#[test]
fn shutdown_interrupts_then_drop_terminates() {
    let ctx = zmq::Context::new();
    let socket = ctx.socket(zmq::PULL).unwrap();
    let waiter = {
        let ctx = ctx.clone();
        thread::spawn(move || {
            let r = socket.recv_bytes(0);
            drop(socket);
            drop(ctx);
            r
        })
    };
    // Whether the thread is already blocked or not, the receive ends with ETERM.
    ctx.shutdown().unwrap();
    assert_eq!(waiter.join().unwrap(), Err(zmq::Error::ETERM));
    assert_eq!(ctx.socket(zmq::PAIR).err(), Some(zmq::Error::ETERM));
}

#[test]
fn drop_orders_are_all_sound() {
    // context first, then socket
    let ctx = zmq::Context::new();
    let s = ctx.socket(zmq::PUB).unwrap();
    drop(ctx);
    drop(s);
    // socket first, then context
    let ctx = zmq::Context::new();
    let s = ctx.socket(zmq::PUB).unwrap();
    drop(s);
    drop(ctx);
    // many sockets, clones, shuffled
    let ctx = zmq::Context::new();
    let sockets: Vec<_> = (0..16).map(|_| ctx.socket(zmq::DEALER).unwrap()).collect();
    let clone = ctx.clone();
    drop(ctx);
    let (even, odd): (Vec<_>, Vec<_>) = sockets
        .into_iter()
        .enumerate()
        .partition(|(i, _)| i % 2 == 0);
    drop(odd);
    drop(clone);
    drop(even);
}

#[test]
fn context_moves_and_is_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<zmq::Context>();
    let ctx = zmq::Context::default();
    let receiver = ctx.socket(zmq::PULL).unwrap();
    receiver.bind("inproc://threads").unwrap();
    receiver.set_rcvtimeo(common::TIMEOUT_MS).unwrap();
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let ctx = ctx.clone();
            thread::spawn(move || {
                let s = ctx.socket(zmq::PUSH).unwrap();
                s.connect("inproc://threads").unwrap();
                s.send(format!("from {i}").as_bytes(), 0).unwrap();
            })
        })
        .collect();
    let mut got: Vec<String> = (0..4)
        .map(|_| receiver.recv_string(0).unwrap().unwrap())
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    got.sort();
    assert_eq!(got, ["from 0", "from 1", "from 2", "from 3"]);
}

#[test]
fn into_raw_keeps_the_context_alive_and_from_raw_takes_it_back() {
    let start = Instant::now();
    let raw = {
        let ctx = zmq::Context::new();
        let mut s = ctx.socket(zmq::PAIR).unwrap();
        let ptr = s.as_mut_ptr();
        let raw = s.into_raw();
        assert_eq!(raw, ptr);
        raw
        // the last Context handle drops here; zmq 0.10 hung in zmq_ctx_term
    };
    assert!(start.elapsed() < Duration::from_secs(5));
    // SAFETY: `raw` is a live socket nothing else owns, and its context was kept alive.
    let s = unsafe { zmq::Socket::from_raw(raw) };
    assert_eq!(s.get_socket_type().unwrap(), zmq::PAIR);
    // The handle kept for the raw socket comes back with it (it used to be leaked for good,
    // a definitely-lost block under memcheck): the socket can make siblings in its context,
    // and dropping it closes the socket, then terminates the context, without waiting.
    let ctx = s
        .context()
        .expect("the context handle kept by into_raw")
        .clone();
    let sibling = ctx.socket(zmq::PAIR).unwrap();
    let endpoint = "inproc://raw-round-trip";
    s.bind(endpoint).unwrap();
    sibling.connect(endpoint).unwrap();
    sibling.send("via the kept context", 0).unwrap();
    s.set_rcvtimeo(5_000).unwrap();
    assert_eq!(s.recv_bytes(0).unwrap(), b"via the kept context");
    drop((sibling, ctx));
    let start = Instant::now();
    drop(s);
    assert!(start.elapsed() < Duration::from_secs(5));

    // A raw socket that did not come from into_raw holds no context handle.
    let ctx = zmq::Context::new();
    // SAFETY: a live context; the socket is adopted once and closed by its `Socket`.
    let raw = unsafe { zmq_sys::zmq_socket(ctx.as_raw(), zmq_sys::ZMQ_PAIR as i32) };
    assert!(!raw.is_null());
    // SAFETY: `raw` is live, owned by nothing else, and `ctx` outlives it.
    let adopted = unsafe { zmq::Socket::from_raw(raw) };
    assert!(adopted.context().is_none());
}

#[test]
fn thread_sched_policy_of_a_fresh_context_is_minus_one() {
    // libzmq's default (-1, "leave as is") comes back from zmq_ctx_get as a value, not an
    // error.
    let ctx = zmq::Context::new();
    assert_eq!(ctx.get_thread_sched_policy(), Ok(-1));
    ctx.set_thread_sched_policy(0).unwrap();
    assert_eq!(ctx.get_thread_sched_policy(), Ok(0));
}

/// A PAIR socket made with the raw C API, closed on drop (stands in for a C library).
struct RawPair(*mut std::os::raw::c_void);

impl RawPair {
    fn new(ctx: *mut std::os::raw::c_void) -> RawPair {
        // SAFETY: `ctx` is a live libzmq context.
        let raw = unsafe { zmq_sys::zmq_socket(ctx, zmq_sys::ZMQ_PAIR as i32) };
        assert!(!raw.is_null());
        let timeout: i32 = 5_000;
        // SAFETY: a live socket and an int option of the right size.
        let rc = unsafe {
            zmq_sys::zmq_setsockopt(
                raw,
                zmq_sys::ZMQ_RCVTIMEO as i32,
                &timeout as *const i32 as *const _,
                std::mem::size_of::<i32>(),
            )
        };
        assert_eq!(rc, 0);
        RawPair(raw)
    }

    fn bind(&self, endpoint: &str) {
        let endpoint = std::ffi::CString::new(endpoint).unwrap();
        // SAFETY: a live socket and a C string.
        assert_eq!(unsafe { zmq_sys::zmq_bind(self.0, endpoint.as_ptr()) }, 0);
    }

    fn connect(&self, endpoint: &str) {
        let endpoint = std::ffi::CString::new(endpoint).unwrap();
        // SAFETY: a live socket and a C string.
        assert_eq!(
            unsafe { zmq_sys::zmq_connect(self.0, endpoint.as_ptr()) },
            0
        );
    }

    fn send(&self, data: &[u8]) {
        // SAFETY: a live socket and a buffer of `data.len()` bytes.
        let n = unsafe { zmq_sys::zmq_send(self.0, data.as_ptr() as *const _, data.len(), 0) };
        assert_eq!(n, data.len() as i32);
    }

    fn recv(&self) -> Vec<u8> {
        let mut buf = [0u8; 64];
        // SAFETY: a live socket and a writable buffer of 64 bytes.
        let n = unsafe { zmq_sys::zmq_recv(self.0, buf.as_mut_ptr() as *mut _, buf.len(), 0) };
        assert!(n >= 0, "raw recv failed");
        buf[..n as usize].to_vec()
    }
}

impl Drop for RawPair {
    fn drop(&mut self) {
        // SAFETY: closed once, here.
        unsafe { zmq_sys::zmq_close(self.0) };
    }
}

#[test]
fn a_c_socket_on_the_raw_context_shares_inproc_endpoints() {
    let ctx = zmq::Context::new();
    let raw_ctx = ctx.as_raw();
    assert!(!raw_ctx.is_null());
    let rust = common::socket(&ctx, zmq::PAIR);
    rust.bind("inproc://shared-with-c").unwrap();
    let c = RawPair::new(raw_ctx);
    c.connect("inproc://shared-with-c");
    rust.send("from rust", 0).unwrap();
    assert_eq!(c.recv(), b"from rust");
    c.send(b"from c");
    assert_eq!(rust.recv_bytes(0).unwrap(), b"from c");
    drop(c); // a C library closes its sockets before the context goes

    // A terminated context hands out no pointer.
    let mut ctx = zmq::Context::new();
    ctx.destroy().unwrap();
    assert!(ctx.as_raw().is_null());
}

#[test]
fn a_raw_context_adopted_with_from_raw_is_owned_and_terminated() {
    // SAFETY: zmq_ctx_new has no preconditions.
    let raw_ctx = unsafe { zmq_sys::zmq_ctx_new() };
    assert!(!raw_ctx.is_null());
    let c = RawPair::new(raw_ctx);
    c.bind("inproc://made-in-c");
    // SAFETY: a live context from zmq_ctx_new that nobody else terminates.
    let ctx = unsafe { zmq::Context::from_raw(raw_ctx) };
    assert_eq!(ctx.as_raw(), raw_ctx);
    let rust = common::socket(&ctx, zmq::PAIR);
    rust.connect("inproc://made-in-c").unwrap();
    c.send(b"hello");
    assert_eq!(rust.recv_bytes(0).unwrap(), b"hello");
    drop(c);
    drop(rust);
    // The last handle terminates it (this would hang if a socket were left open).
    drop(ctx);

    // SAFETY: NULL is allowed and gives a context that refuses every call.
    let null = unsafe { zmq::Context::from_raw(std::ptr::null_mut()) };
    assert!(matches!(null.socket(zmq::PAIR), Err(zmq::Error::EFAULT)));
    assert!(null.as_raw().is_null());
}
