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

// Kept exactly as bindgen wrote it, so CI can compare it with a fresh generation.
#[cfg(not(feature = "bindgen"))]
#[rustfmt::skip]
mod bindings;
#[cfg(feature = "bindgen")]
mod bindings {
    include!(concat!(env!("OUT_DIR"), "/bindings.rs"));
}

pub use bindings::*;

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
