//! The built-in proxy: forwards messages between two sockets in the calling thread.
//!
//! [`proxy`] runs `zmq_proxy`, [`proxy_steerable`] runs `zmq_proxy_steerable`; the
//! `_with_capture` forms also copy every message to a third socket (e.g. a PUB or PUSH for
//! logging). They block the calling thread: run them in a thread of their own.

use std::os::raw::c_void;
use std::ptr;

use crate::error::{check, Result};
use crate::socket::Socket;

/// Starts the built-in proxy (`zmq_proxy`) between `frontend` and `backend`, in this thread.
///
/// It forwards every message from each socket to the other until the sockets' context is
/// terminated (or shut down with [`Context::shutdown`](crate::Context::shutdown)); it then
/// returns `Err(ETERM)`. It never returns `Ok`. Typical pairs: ROUTER/DEALER (a request
/// broker), XSUB/XPUB (a pub-sub forwarder), PULL/PUSH (a streamer).
///
/// ```
/// let ctx = zmq::Context::new();
/// let frontend = ctx.socket(zmq::PULL).unwrap();
/// frontend.bind("inproc://proxy-doc-in").unwrap();
/// let backend = ctx.socket(zmq::PUSH).unwrap();
/// backend.bind("inproc://proxy-doc-out").unwrap();
/// let proxy = std::thread::spawn(move || zmq::proxy(&frontend, &backend));
///
/// let (input, output) = (ctx.socket(zmq::PUSH).unwrap(), ctx.socket(zmq::PULL).unwrap());
/// input.connect("inproc://proxy-doc-in").unwrap();
/// output.connect("inproc://proxy-doc-out").unwrap();
/// input.send("through the proxy", 0).unwrap();
/// assert_eq!(output.recv_bytes(0).unwrap(), b"through the proxy");
///
/// ctx.shutdown().unwrap(); // makes the proxy return
/// assert_eq!(proxy.join().unwrap(), Err(zmq::Error::ETERM));
/// ```
pub fn proxy(frontend: &Socket, backend: &Socket) -> Result<()> {
    run(frontend.raw(), backend.raw(), ptr::null_mut())
}

/// [`proxy`], and every message passed either way is also sent to `capture`.
pub fn proxy_with_capture(
    frontend: &mut Socket,
    backend: &mut Socket,
    capture: &mut Socket,
) -> Result<()> {
    run(frontend.raw(), backend.raw(), capture.raw())
}

/// [`proxy`], steered by commands received on `control` (`zmq_proxy_steerable`).
///
/// Commands are single frames: `PAUSE` stops forwarding, `RESUME` resumes it, `TERMINATE`
/// makes this function return `Ok(())`, and `STATISTICS` replies with eight `u64` frames
/// (message and byte counts). A PAIR control socket works with every libzmq release; libzmq
/// 4.3.5 also answers every other command with an empty frame (so a REP socket works there),
/// which older releases do not. libzmq 4.3.5 has `PAUSE` and `RESUME` swapped (a bug of that
/// release, fixed upstream later): check [`version`](crate::version) if you rely on them.
///
/// ```
/// let ctx = zmq::Context::new();
/// let mut frontend = ctx.socket(zmq::PULL).unwrap();
/// frontend.bind("inproc://steerable-doc-in").unwrap();
/// let mut backend = ctx.socket(zmq::PUSH).unwrap();
/// backend.bind("inproc://steerable-doc-out").unwrap();
/// let mut control = ctx.socket(zmq::PAIR).unwrap();
/// control.bind("inproc://steerable-doc-control").unwrap();
/// let proxy = std::thread::spawn(move || {
///     zmq::proxy_steerable(&mut frontend, &mut backend, &mut control)
/// });
///
/// let steer = ctx.socket(zmq::PAIR).unwrap();
/// steer.connect("inproc://steerable-doc-control").unwrap();
/// steer.send("TERMINATE", 0).unwrap();
/// assert_eq!(proxy.join().unwrap(), Ok(()));
/// ```
pub fn proxy_steerable(
    frontend: &mut Socket,
    backend: &mut Socket,
    control: &mut Socket,
) -> Result<()> {
    run_steerable(
        frontend.raw(),
        backend.raw(),
        ptr::null_mut(),
        control.raw(),
    )
}

/// [`proxy_steerable`] with a `capture` socket, as in [`proxy_with_capture`].
pub fn proxy_steerable_with_capture(
    frontend: &mut Socket,
    backend: &mut Socket,
    capture: &mut Socket,
    control: &mut Socket,
) -> Result<()> {
    run_steerable(frontend.raw(), backend.raw(), capture.raw(), control.raw())
}

/// `Err(ETERM)` (or another error) unless libzmq can still report `ZMQ_FD` for every
/// non-NULL socket. libzmq's proxy asserts (aborting the process) when that query fails
/// while it builds its poller, which it does for sockets whose context was already shut down
/// or terminated; asking first turns that into the error the proxy would otherwise return.
/// (A shutdown that lands between this check and the proxy's first poll still reaches the
/// assertion: that race is libzmq's.)
fn check_usable(sockets: &[*mut c_void]) -> Result<()> {
    for &socket in sockets.iter().filter(|s| !s.is_null()) {
        let mut fd: zmq_sys::RawFd = 0;
        let mut len = std::mem::size_of::<zmq_sys::RawFd>();
        // SAFETY: `socket` is the live handle of a borrowed `Socket` (see `run`); libzmq
        // writes at most `len` bytes into `fd`, a plain integer of that size.
        check(unsafe {
            zmq_sys::zmq_getsockopt(
                socket,
                zmq_sys::ZMQ_FD as std::os::raw::c_int,
                &mut fd as *mut zmq_sys::RawFd as *mut c_void,
                &mut len,
            )
        })?;
    }
    Ok(())
}

/// `zmq_proxy`; a NULL `capture` means none.
fn run(frontend: *mut c_void, backend: *mut c_void, capture: *mut c_void) -> Result<()> {
    check_usable(&[frontend, backend, capture])?;
    // SAFETY: every non-NULL pointer is the live handle of a `Socket` that the caller's
    // borrow keeps alive (and, being `!Sync`, unused by other threads) for the whole call;
    // libzmq accepts NULL for the optional capture socket.
    check(unsafe { zmq_sys::zmq_proxy(frontend, backend, capture) }).map(drop)
}

/// `zmq_proxy_steerable`; a NULL `capture` means none.
fn run_steerable(
    frontend: *mut c_void,
    backend: *mut c_void,
    capture: *mut c_void,
    control: *mut c_void,
) -> Result<()> {
    check_usable(&[frontend, backend, capture, control])?;
    // SAFETY: as in `run`; `control` is a live socket handle as well.
    check(unsafe { zmq_sys::zmq_proxy_steerable(frontend, backend, capture, control) }).map(drop)
}
