//! Raw FFI bindings to libzmq.
//!
//! Everything here is `unsafe` and one-to-one with `zmq.h` (libzmq 4.3.5, DRAFT declarations
//! included). The safe API lives in the `zmq` crate. The build script links either the system
//! libzmq (found by pkg-config, or named by `ZMQ_SYS_LIB_DIR`/`ZMQ_SYS_INCLUDE_DIR`) or a
//! vendored libzmq 4.3.5 built from source; see the README.
//!
//! The DRAFT functions are declared unconditionally, but only exist in a library built with
//! the DRAFT API: `DEP_ZMQ_DRAFT=1` (this crate's `draft` link metadata) says whether the
//! linked one was. Calling one that is missing fails at link time, not at run time.
//!
//! This crate is a superset of zmq-sys 0.12's public surface: the same constants (`u32`,
//! except the two `*_DFLT` priorities, `i32`), the `errno` module (`i32`), `RawFd`, the
//! `zmq_msg_t` and `zmq_pollitem_t` types and every function.
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]
#![allow(clippy::all)]

// Kept exactly as bindgen wrote it, so CI can compare it with a fresh generation. The items
// whose type or layout depends on the target are left out of the generation (see build.rs)
// and defined below, per platform; the generated declarations use those.
#[cfg(not(feature = "bindgen"))]
mod bindings {
    use super::{iovec, zmq_fd_t, zmq_msg_t, zmq_poller_event_t, zmq_pollitem_t};
    include!("bindings.rs");
}
#[cfg(feature = "bindgen")]
mod bindings {
    use super::{iovec, zmq_fd_t, zmq_msg_t, zmq_poller_event_t, zmq_pollitem_t};
    include!(concat!(env!("OUT_DIR"), "/bindings.rs"));
}

pub use bindings::*;

use std::os::raw::{c_int, c_long, c_short, c_uchar, c_void};

/// The OS handle libzmq takes for a plain socket or file descriptor (`ZMQ_FD`, poll items):
/// a C `int` on Unix; on Windows a `SOCKET`, which is pointer-sized (`u64` on 64-bit
/// Windows, the same type as `std::os::windows::io::RawSocket`; `u32` on 32-bit Windows).
#[cfg(not(windows))]
pub type zmq_fd_t = c_int;
/// The OS handle libzmq takes for a plain socket or file descriptor (`ZMQ_FD`, poll items):
/// a C `int` on Unix; on Windows a `SOCKET`, which is pointer-sized (`u64` on 64-bit
/// Windows, the same type as `std::os::windows::io::RawSocket`; `u32` on 32-bit Windows).
#[cfg(all(windows, target_pointer_width = "64"))]
pub type zmq_fd_t = u64;
/// The OS handle libzmq takes for a plain socket or file descriptor (`ZMQ_FD`, poll items):
/// a C `int` on Unix; on Windows a `SOCKET`, which is pointer-sized (`u64` on 64-bit
/// Windows, the same type as `std::os::windows::io::RawSocket`; `u32` on 32-bit Windows).
#[cfg(all(windows, not(target_pointer_width = "64")))]
pub type zmq_fd_t = u32;

/// A message as libzmq stores it: 64 opaque bytes, aligned like a pointer (zmq.h asks the C
/// compiler for `sizeof (void *)` alignment, so 8 on 64-bit targets and 4 on 32-bit ones).
/// Initialise it with one of the `zmq_msg_init*` functions before any other use.
#[repr(C)]
#[cfg_attr(target_pointer_width = "64", repr(align(8)))]
#[cfg_attr(target_pointer_width = "32", repr(align(4)))]
#[derive(Debug, Copy, Clone)]
pub struct zmq_msg_t {
    pub __: [c_uchar; 64usize],
}

impl Default for zmq_msg_t {
    /// All zero bytes (not yet a valid message: pass it to a `zmq_msg_init*` function).
    fn default() -> Self {
        zmq_msg_t { __: [0; 64] }
    }
}

/// One entry of a `zmq_poll` set: a ZeroMQ socket (`socket`) or, when that is null, a plain
/// OS socket or descriptor (`fd`); `events` asked for, `revents` reported (`ZMQ_POLL*` bits).
#[repr(C)]
#[derive(Debug, Copy, Clone)]
pub struct zmq_pollitem_t {
    pub socket: *mut c_void,
    pub fd: zmq_fd_t,
    pub events: c_short,
    pub revents: c_short,
}

impl Default for zmq_pollitem_t {
    /// A null socket, descriptor 0 and no events.
    fn default() -> Self {
        zmq_pollitem_t {
            socket: std::ptr::null_mut(),
            fd: 0,
            events: 0,
            revents: 0,
        }
    }
}

/// One event `zmq_poller_wait`/`zmq_poller_wait_all` report (DRAFT API): the socket or
/// descriptor, the user data it was added with, and the events that occurred.
#[repr(C)]
#[derive(Debug, Copy, Clone)]
pub struct zmq_poller_event_t {
    pub socket: *mut c_void,
    pub fd: zmq_fd_t,
    pub user_data: *mut c_void,
    pub events: c_short,
}

impl Default for zmq_poller_event_t {
    /// Null pointers, descriptor 0 and no events.
    fn default() -> Self {
        zmq_poller_event_t {
            socket: std::ptr::null_mut(),
            fd: 0,
            user_data: std::ptr::null_mut(),
            events: 0,
        }
    }
}

/// The scatter/gather element `zmq_sendiov` and `zmq_recviov` take: the platform's own
/// `struct iovec` (`libc::iovec`) on Unix; on other platforms, the two-field struct libzmq
/// defines for itself there (`iov_base`, `iov_len`).
#[cfg(unix)]
pub use libc::iovec;
/// The scatter/gather element `zmq_sendiov` and `zmq_recviov` take: the platform's own
/// `struct iovec` (`libc::iovec`) on Unix; on other platforms, the two-field struct libzmq
/// defines for itself there (`iov_base`, `iov_len`).
#[cfg(not(unix))]
#[repr(C)]
#[derive(Debug, Copy, Clone)]
pub struct iovec {
    /// Start of the buffer.
    pub iov_base: *mut c_void,
    /// Length of the buffer in bytes.
    pub iov_len: usize,
}

/// The platform's signal set (`libc::sigset_t`), as `zmq_ppoll` takes it.
#[cfg(unix)]
pub use libc::sigset_t;

unsafe extern "C" {
    /// `zmq_poll` with a signal mask applied while it waits (DRAFT API; see the crate docs).
    #[cfg(unix)]
    pub fn zmq_ppoll(
        items_: *mut zmq_pollitem_t,
        nitems_: c_int,
        timeout_: c_long,
        sigmask_: *const sigset_t,
    ) -> c_int;
    /// `zmq_poll` with a signal mask (DRAFT API). Windows has no signal sets: zmq.h declares
    /// the mask there as `const void *`.
    #[cfg(windows)]
    pub fn zmq_ppoll(
        items_: *mut zmq_pollitem_t,
        nitems_: c_int,
        timeout_: c_long,
        sigmask_: *const c_void,
    ) -> c_int;
}

/// The OS handle type libzmq reports for `ZMQ_FD` and takes in poll items.
#[cfg(unix)]
pub use std::os::unix::io::RawFd;
/// The OS handle type libzmq reports for `ZMQ_FD` and takes in poll items.
#[cfg(windows)]
pub use std::os::windows::io::RawSocket as RawFd;

/// Error numbers libzmq can report through `zmq_errno()`, as `i32`.
///
/// The POSIX ones are the platform's own values (on Windows, the C runtime's `errno.h`, which
/// defines every one of them, so libzmq uses those values and not its fallbacks); the four
/// libzmq-specific ones (`EFSM`, `ENOCOMPATPROTO`, `ETERM`, `EMTHREAD`) and the `*_ALT`
/// fallbacks (the values zmq.h gives a code when `errno.h` lacks it) are offsets from
/// `ZMQ_HAUSNUMERO`.
pub mod errno {
    #[cfg(any(unix, windows))]
    pub use libc::{
        EACCES, EADDRINUSE, EADDRNOTAVAIL, EAFNOSUPPORT, EAGAIN, EBUSY, ECONNABORTED, ECONNREFUSED,
        ECONNRESET, EFAULT, EHOSTUNREACH, EINPROGRESS, EINTR, EINVAL, EMFILE, EMSGSIZE,
        ENAMETOOLONG, ENETDOWN, ENETRESET, ENETUNREACH, ENOBUFS, ENODEV, ENOENT, ENOMEM, ENOTCONN,
        ENOTDIR, ENOTSOCK, ENOTSUP, EPERM, EPROTO, EPROTONOSUPPORT, ETIMEDOUT,
    };

    const ZMQ_HAUSNUMERO: i32 = 156_384_712;

    /// The socket's state does not allow this operation (e.g. a REQ socket sending twice).
    pub const EFSM: i32 = ZMQ_HAUSNUMERO + 51;
    /// The transport does not fit the socket type.
    pub const ENOCOMPATPROTO: i32 = ZMQ_HAUSNUMERO + 52;
    /// The context was terminated.
    pub const ETERM: i32 = ZMQ_HAUSNUMERO + 53;
    /// No I/O thread is available.
    pub const EMTHREAD: i32 = ZMQ_HAUSNUMERO + 54;

    /// Fallback for `ENOTSUP`.
    pub const ENOTSUP_ALT: i32 = ZMQ_HAUSNUMERO + 1;
    /// Fallback for `EPROTONOSUPPORT`.
    pub const EPROTONOSUPPORT_ALT: i32 = ZMQ_HAUSNUMERO + 2;
    /// Fallback for `ENOBUFS`.
    pub const ENOBUFS_ALT: i32 = ZMQ_HAUSNUMERO + 3;
    /// Fallback for `ENETDOWN`.
    pub const ENETDOWN_ALT: i32 = ZMQ_HAUSNUMERO + 4;
    /// Fallback for `EADDRINUSE`.
    pub const EADDRINUSE_ALT: i32 = ZMQ_HAUSNUMERO + 5;
    /// Fallback for `EADDRNOTAVAIL`.
    pub const EADDRNOTAVAIL_ALT: i32 = ZMQ_HAUSNUMERO + 6;
    /// Fallback for `ECONNREFUSED`.
    pub const ECONNREFUSED_ALT: i32 = ZMQ_HAUSNUMERO + 7;
    /// Fallback for `EINPROGRESS`.
    pub const EINPROGRESS_ALT: i32 = ZMQ_HAUSNUMERO + 8;
    /// Fallback for `ENOTSOCK`.
    pub const ENOTSOCK_ALT: i32 = ZMQ_HAUSNUMERO + 9;
    /// Fallback for `EMSGSIZE`.
    pub const EMSGSIZE_ALT: i32 = ZMQ_HAUSNUMERO + 10;
    /// Fallback for `EAFNOSUPPORT`.
    pub const EAFNOSUPPORT_ALT: i32 = ZMQ_HAUSNUMERO + 11;
    /// Fallback for `ENETUNREACH`.
    pub const ENETUNREACH_ALT: i32 = ZMQ_HAUSNUMERO + 12;
    /// Fallback for `ECONNABORTED`.
    pub const ECONNABORTED_ALT: i32 = ZMQ_HAUSNUMERO + 13;
    /// Fallback for `ECONNRESET`.
    pub const ECONNRESET_ALT: i32 = ZMQ_HAUSNUMERO + 14;
    /// Fallback for `ENOTCONN`.
    pub const ENOTCONN_ALT: i32 = ZMQ_HAUSNUMERO + 15;
    /// Fallback for `ETIMEDOUT`.
    pub const ETIMEDOUT_ALT: i32 = ZMQ_HAUSNUMERO + 16;
    /// Fallback for `EHOSTUNREACH`.
    pub const EHOSTUNREACH_ALT: i32 = ZMQ_HAUSNUMERO + 17;
    /// Fallback for `ENETRESET`.
    pub const ENETRESET_ALT: i32 = ZMQ_HAUSNUMERO + 18;
}
