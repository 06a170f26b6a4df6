//! The errno mirror: every failure of a libzmq call as a `zmq::Error`.

use std::ffi::CStr;
use std::fmt;
use std::io;
use std::os::raw::c_int;
use std::sync::OnceLock;

use zmq_sys::errno as zerrno;

/// `std::result::Result` with [`Error`] as its error type.
pub type Result<T> = std::result::Result<T, Error>;

/// The errno value behind each variant, on the platform being compiled for.
///
/// Most are the C library's own values (through `libc`; on Windows the C runtime's
/// `errno.h`, whose values libzmq uses there too). A few codes do not exist on every
/// platform; there the variant still exists (code matching on it compiles everywhere) with a
/// negative placeholder value that no operating system or libzmq reports, so libzmq can never
/// produce it and [`Error::from_raw`] never returns it.
mod code {
    pub(super) use libc::{
        E2BIG, EACCES, EADDRINUSE, EADDRNOTAVAIL, EAFNOSUPPORT, EAGAIN, EALREADY, EBADF, EBADMSG,
        EBUSY, ECANCELED, ECHILD, ECONNABORTED, ECONNREFUSED, ECONNRESET, EDEADLK, EDESTADDRREQ,
        EDOM, EEXIST, EFAULT, EFBIG, EHOSTUNREACH, EIDRM, EILSEQ, EINPROGRESS, EINTR, EINVAL, EIO,
        EISCONN, EISDIR, ELOOP, EMFILE, EMLINK, EMSGSIZE, ENAMETOOLONG, ENETDOWN, ENETRESET,
        ENETUNREACH, ENFILE, ENOBUFS, ENODEV, ENOENT, ENOEXEC, ENOLCK, ENOMEM, ENOMSG, ENOPROTOOPT,
        ENOSPC, ENOSYS, ENOTCONN, ENOTDIR, ENOTEMPTY, ENOTRECOVERABLE, ENOTSOCK, ENOTSUP, ENOTTY,
        ENXIO, EOVERFLOW, EOWNERDEAD, EPERM, EPIPE, EPROTO, EPROTONOSUPPORT, EPROTOTYPE, ERANGE,
        EROFS, ESPIPE, ESRCH, ETIMEDOUT, ETXTBSY, EXDEV,
    };

    /// `NAME = placeholder` under the cfg of the platforms that define `NAME`.
    macro_rules! where_defined {
        ($( #[cfg($($has:tt)*)] $name:ident = $absent:literal, )*) => {
            $(
                #[cfg($($has)*)]
                pub(super) use libc::$name;
                #[cfg(not($($has)*))]
                pub(super) const $name: i32 = $absent;
            )*
        };
    }

    where_defined! {
        // Not in the Windows C runtime.
        #[cfg(not(windows))]
        EDQUOT = -2,
        #[cfg(not(windows))]
        EHOSTDOWN = -3,
        #[cfg(not(windows))]
        ESTALE = -4,
        // Not on Windows nor OpenBSD.
        #[cfg(not(any(windows, target_os = "openbsd")))]
        EMULTIHOP = -5,
        // Not on OpenBSD.
        #[cfg(not(target_os = "openbsd"))]
        ENOLINK = -6,
        // The STREAMS and `ENODATA` codes: not on FreeBSD, DragonFly or OpenBSD.
        #[cfg(not(any(target_os = "freebsd", target_os = "dragonfly", target_os = "openbsd")))]
        ENODATA = -7,
        #[cfg(not(any(target_os = "freebsd", target_os = "dragonfly", target_os = "openbsd")))]
        ENOSR = -8,
        #[cfg(not(any(target_os = "freebsd", target_os = "dragonfly", target_os = "openbsd")))]
        ENOSTR = -9,
        #[cfg(not(any(target_os = "freebsd", target_os = "dragonfly", target_os = "openbsd")))]
        ETIME = -10,
    }
}

macro_rules! define_errors {
    ($( $(#[$doc:meta])* $name:ident = $value:expr, )*) => {
        /// An error reported by libzmq, named after its errno.
        ///
        /// Each variant's discriminant is the errno value itself, so `err as i32 ==
        /// err.to_raw()`. `Display` and `Debug` both print libzmq's own text for the code
        /// (`zmq_strerror`), as zmq 0.10 did; `{:?}` therefore shows the message, not the
        /// variant name.
        ///
        /// Besides the 28 codes zmq 0.10 listed, every POSIX errno is a variant, because
        /// libzmq passes the operating system's errors through (e.g. `ENOTDIR` from
        /// `bind("ipc:///etc/passwd/x")`). A code that is still unknown becomes
        /// [`Error::EUNKNOWN`] instead of a panic.
        ///
        /// Every variant exists on every platform, so a `match` compiles everywhere; the few
        /// codes a platform does not define (`EDQUOT` on Windows, `ENODATA` on FreeBSD, ...)
        /// have a negative placeholder value there, which libzmq never reports.
        #[derive(Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
        #[error("{}", self.message())]
        #[repr(i32)]
        pub enum Error {
            $( $(#[$doc])* #[allow(missing_docs)] $name = $value, )*
            /// A code not in this table (`to_raw()` gives -1). Reached only through an errno
            /// that neither POSIX nor libzmq defines.
            EUNKNOWN = -1,
        }

        impl Error {
            /// Every variant except [`Error::EUNKNOWN`], in declaration order.
            pub const ALL: &'static [Error] = &[$(Error::$name,)*];

            const fn from_known(raw: i32) -> Option<Error> {
                $( if raw == $value { return Some(Error::$name); } )*
                None
            }

            /// The variant's name, e.g. `"EFSM"`.
            pub const fn name(self) -> &'static str {
                match self {
                    $( Error::$name => stringify!($name), )*
                    Error::EUNKNOWN => "EUNKNOWN",
                }
            }
        }
    };
}

define_errors! {
    // The 28 codes zmq 0.10 listed, in its order.
    EACCES = code::EACCES,
    EADDRINUSE = code::EADDRINUSE,
    EAGAIN = code::EAGAIN,
    EBUSY = code::EBUSY,
    ECONNREFUSED = code::ECONNREFUSED,
    EFAULT = code::EFAULT,
    EINTR = code::EINTR,
    EHOSTUNREACH = code::EHOSTUNREACH,
    EINPROGRESS = code::EINPROGRESS,
    EINVAL = code::EINVAL,
    EMFILE = code::EMFILE,
    EMSGSIZE = code::EMSGSIZE,
    ENAMETOOLONG = code::ENAMETOOLONG,
    ENODEV = code::ENODEV,
    ENOENT = code::ENOENT,
    ENOMEM = code::ENOMEM,
    ENOTCONN = code::ENOTCONN,
    ENOTSOCK = code::ENOTSOCK,
    EPROTO = code::EPROTO,
    EPROTONOSUPPORT = code::EPROTONOSUPPORT,
    ENOTSUP = code::ENOTSUP,
    ENOBUFS = code::ENOBUFS,
    ENETDOWN = code::ENETDOWN,
    EADDRNOTAVAIL = code::EADDRNOTAVAIL,
    /// The socket's state machine does not allow this call now (REQ sending twice, REQ
    /// receiving before sending, REP sending before receiving).
    EFSM = zerrno::EFSM,
    /// The transport is not compatible with the socket type.
    ENOCOMPATPROTO = zerrno::ENOCOMPATPROTO,
    /// The context was terminated.
    ETERM = zerrno::ETERM,
    /// No I/O thread available.
    EMTHREAD = zerrno::EMTHREAD,
    // The rest of POSIX, which libzmq hands through from the OS.
    E2BIG = code::E2BIG,
    EAFNOSUPPORT = code::EAFNOSUPPORT,
    EALREADY = code::EALREADY,
    EBADF = code::EBADF,
    EBADMSG = code::EBADMSG,
    ECANCELED = code::ECANCELED,
    ECHILD = code::ECHILD,
    ECONNABORTED = code::ECONNABORTED,
    ECONNRESET = code::ECONNRESET,
    EDEADLK = code::EDEADLK,
    EDESTADDRREQ = code::EDESTADDRREQ,
    EDOM = code::EDOM,
    EDQUOT = code::EDQUOT,
    EEXIST = code::EEXIST,
    EFBIG = code::EFBIG,
    EHOSTDOWN = code::EHOSTDOWN,
    EIDRM = code::EIDRM,
    EILSEQ = code::EILSEQ,
    EIO = code::EIO,
    EISCONN = code::EISCONN,
    EISDIR = code::EISDIR,
    ELOOP = code::ELOOP,
    EMLINK = code::EMLINK,
    EMULTIHOP = code::EMULTIHOP,
    ENETRESET = code::ENETRESET,
    ENETUNREACH = code::ENETUNREACH,
    ENFILE = code::ENFILE,
    ENODATA = code::ENODATA,
    ENOEXEC = code::ENOEXEC,
    ENOLCK = code::ENOLCK,
    ENOLINK = code::ENOLINK,
    ENOMSG = code::ENOMSG,
    ENOPROTOOPT = code::ENOPROTOOPT,
    ENOSPC = code::ENOSPC,
    ENOSR = code::ENOSR,
    ENOSTR = code::ENOSTR,
    ENOSYS = code::ENOSYS,
    ENOTDIR = code::ENOTDIR,
    ENOTEMPTY = code::ENOTEMPTY,
    ENOTRECOVERABLE = code::ENOTRECOVERABLE,
    ENOTTY = code::ENOTTY,
    ENXIO = code::ENXIO,
    EOVERFLOW = code::EOVERFLOW,
    EOWNERDEAD = code::EOWNERDEAD,
    EPERM = code::EPERM,
    EPIPE = code::EPIPE,
    EPROTOTYPE = code::EPROTOTYPE,
    ERANGE = code::ERANGE,
    EROFS = code::EROFS,
    ESPIPE = code::ESPIPE,
    ESRCH = code::ESRCH,
    ESTALE = code::ESTALE,
    ETIME = code::ETIME,
    ETIMEDOUT = code::ETIMEDOUT,
    ETXTBSY = code::ETXTBSY,
    EXDEV = code::EXDEV,
}

/// libzmq's fallback codes (used where the platform lacks a POSIX code) and the variant each
/// one stands for.
const ALT_CODES: &[(i32, Error)] = &[
    (zerrno::ENOTSUP_ALT, Error::ENOTSUP),
    (zerrno::EPROTONOSUPPORT_ALT, Error::EPROTONOSUPPORT),
    (zerrno::ENOBUFS_ALT, Error::ENOBUFS),
    (zerrno::ENETDOWN_ALT, Error::ENETDOWN),
    (zerrno::EADDRINUSE_ALT, Error::EADDRINUSE),
    (zerrno::EADDRNOTAVAIL_ALT, Error::EADDRNOTAVAIL),
    (zerrno::ECONNREFUSED_ALT, Error::ECONNREFUSED),
    (zerrno::EINPROGRESS_ALT, Error::EINPROGRESS),
    (zerrno::ENOTSOCK_ALT, Error::ENOTSOCK),
    (zerrno::EMSGSIZE_ALT, Error::EMSGSIZE),
    (zerrno::EAFNOSUPPORT_ALT, Error::EAFNOSUPPORT),
    (zerrno::ENETUNREACH_ALT, Error::ENETUNREACH),
    (zerrno::ECONNABORTED_ALT, Error::ECONNABORTED),
    (zerrno::ECONNRESET_ALT, Error::ECONNRESET),
    (zerrno::ENOTCONN_ALT, Error::ENOTCONN),
    (zerrno::ETIMEDOUT_ALT, Error::ETIMEDOUT),
    (zerrno::EHOSTUNREACH_ALT, Error::EHOSTUNREACH),
    (zerrno::ENETRESET_ALT, Error::ENETRESET),
];

impl Error {
    /// The error for an errno value. Never panics: libzmq's `*_ALT` fallback codes map to
    /// their base variant, and a value that is not an errno at all gives
    /// [`Error::EUNKNOWN`].
    pub fn from_raw(raw: i32) -> Error {
        // Negative values are no errno (and are the placeholders of codes this platform
        // lacks, see `code`).
        if raw < 0 {
            return Error::EUNKNOWN;
        }
        if let Some(e) = Error::from_known(raw) {
            return e;
        }
        ALT_CODES
            .iter()
            .find(|(code, _)| *code == raw)
            .map_or(Error::EUNKNOWN, |(_, e)| *e)
    }

    /// The errno value (the platform's, or libzmq's own for `EFSM`, `ETERM`, ...); -1 for
    /// [`Error::EUNKNOWN`], and a negative placeholder for a code the platform does not have
    /// (`EDQUOT` on Windows, `ENODATA` on FreeBSD, ...), which libzmq never reports there.
    pub fn to_raw(self) -> i32 {
        self as i32
    }

    /// libzmq's text for this error (`zmq_strerror`), e.g. "Operation cannot be accomplished
    /// in current state" for `EFSM`. The same text pyzmq shows for the same code.
    pub fn message(self) -> &'static str {
        static CACHE: OnceLock<Vec<OnceLock<&'static str>>> = OnceLock::new();
        if self.to_raw() < 0 {
            // EUNKNOWN, or a code this platform does not have.
            return "Unknown error";
        }
        let Some(index) = Error::ALL.iter().position(|e| *e == self) else {
            return "Unknown error";
        };
        let cache = CACHE.get_or_init(|| Error::ALL.iter().map(|_| OnceLock::new()).collect());
        cache[index].get_or_init(|| {
            // SAFETY: zmq_strerror accepts any int and returns a pointer to a NUL-terminated
            // string (libzmq's own static text, or the C library's strerror text), which we
            // copy out at once.
            let text = unsafe { CStr::from_ptr(zmq_sys::zmq_strerror(self.to_raw())) };
            // Leaked once per variant at most (bounded by the table): the text must be
            // `'static`, and the C library does not promise its buffer outlives the call.
            Box::leak(text.to_string_lossy().into_owned().into_boxed_str())
        })
    }
}

impl TryFrom<i32> for Error {
    type Error = i32;

    /// The checked form of [`Error::from_raw`]: the variant for an errno value (libzmq's
    /// `*_ALT` fallback codes included), or the number itself back when it is none of them,
    /// where `from_raw` gives [`Error::EUNKNOWN`] and the number is lost.
    fn try_from(raw: i32) -> std::result::Result<Error, i32> {
        match Error::from_raw(raw) {
            Error::EUNKNOWN => Err(raw),
            known => Ok(known),
        }
    }
}

impl fmt::Debug for Error {
    /// Prints the message, as zmq 0.10 does (its own tests assert `{:?}` == `{}`). Use
    /// [`Error::name`] for the variant name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl From<Error> for io::Error {
    fn from(error: Error) -> io::Error {
        let kind = match error {
            Error::ENOENT => io::ErrorKind::NotFound,
            Error::EACCES => io::ErrorKind::PermissionDenied,
            Error::ECONNREFUSED => io::ErrorKind::ConnectionRefused,
            Error::ENOTCONN => io::ErrorKind::NotConnected,
            Error::EADDRINUSE => io::ErrorKind::AddrInUse,
            Error::EADDRNOTAVAIL => io::ErrorKind::AddrNotAvailable,
            Error::EAGAIN => io::ErrorKind::WouldBlock,
            Error::EINVAL => io::ErrorKind::InvalidInput,
            Error::EINTR => io::ErrorKind::Interrupted,
            _ => io::ErrorKind::Other,
        };
        io::Error::new(kind, error)
    }
}

/// The error libzmq reported for the last failed call on this thread.
#[cold]
pub(crate) fn last_error() -> Error {
    // SAFETY: zmq_errno only reads the calling thread's errno.
    Error::from_raw(unsafe { zmq_sys::zmq_errno() })
}

/// A user string (endpoint, group, property name, ...) as a C string; an interior NUL byte,
/// which would silently cut it short in libzmq, is `EINVAL`.
pub(crate) fn c_string(s: &str) -> Result<std::ffi::CString> {
    std::ffi::CString::new(s).map_err(|_| Error::EINVAL)
}

/// Turns a libzmq return code into a `Result`: -1 means failure, with the cause in errno.
#[inline]
pub(crate) fn check(rc: c_int) -> Result<c_int> {
    if rc == -1 {
        Err(last_error())
    } else {
        Ok(rc)
    }
}
