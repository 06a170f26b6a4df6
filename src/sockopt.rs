//! Socket and context options: one declarative table each, from which every accessor is
//! generated.
//!
//! The socket table lists every option of libzmq 4.3.5's `zmq.h` (the DRAFT ones under
//! `cfg(zmq_draft)`), each with its accessor names, its libzmq id and its value kind. The kind
//! fixes how the value travels to and from libzmq and which Rust types the accessors use:
//!
//! | kind        | getter returns                               | setter takes        | on the wire                     |
//! |-------------|----------------------------------------------|---------------------|---------------------------------|
//! | `i32`       | `i32`                                        | `i32`               | C `int`                         |
//! | `u32`       | `u32`                                        | `u32`               | 32-bit unsigned                 |
//! | `i64`/`u64` | `i64`/`u64`                                  | `i64`/`u64`         | 64-bit integer                  |
//! | `bool`      | `bool` (`!= 0`)                              | `bool` (1 or 0)     | C `int`                         |
//! | `ms`        | `i32`; typed: `Duration`                     | same                | C `int` milliseconds            |
//! | `ms_opt`    | `i32`; typed: `Option<Duration>` (-1 = None) | same                | C `int` milliseconds            |
//! | `bytes`     | `Vec<u8>`                                    | `&[u8]`             | bytes with their length         |
//! | `cstr`      | `Result<String, Vec<u8>>`                    | `&str` (no NUL)     | bytes; read back NUL-terminated |
//! | `ocstr`     | `Result<String, Vec<u8>>`                    | `Option<&str>`      | `None` = NULL pointer, clears   |
//! | `obin`      | —                                            | `Option<&str>`      | `None` = NULL pointer, clears   |
//! | `key`       | 32-byte binary key; extra Z85 text getter    | `&[u8]` (32 or 40)  | CURVE key                       |
//! | `fd`, `events`, `socktype`, `mechanism` | `RawFd`, [`PollEvents`], [`SocketType`], [`Mechanism`] | — | C `int` |
//!
//! Values libzmq rejects come back as `Err(EINVAL)` from libzmq itself; the few checks made
//! here (a NUL byte in a C-string option, a `Duration` that does not fit a C `int` of
//! milliseconds) give `Err(EINVAL)` too. Nothing here panics.

use std::os::raw::{c_int, c_void};
use std::time::Duration;

use crate::context::Context;
use crate::error::{check, Error, Result};
use crate::flags::PollEvents;
use crate::socket::{Socket, SocketType};

/// The security mechanism of a socket, as [`Socket::get_mechanism`] reports it.
///
/// Setting PLAIN, CURVE or GSSAPI options switches the mechanism; the discriminants are
/// libzmq's values (`Mechanism::ZMQ_CURVE as i32 == 2`).
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mechanism {
    /// No security (`ZMQ_NULL`), the default.
    ZMQ_NULL = zmq_sys::ZMQ_NULL as isize,
    /// Clear-text user name and password (`ZMQ_PLAIN`).
    ZMQ_PLAIN = zmq_sys::ZMQ_PLAIN as isize,
    /// CurveZMQ encryption and authentication (`ZMQ_CURVE`).
    ZMQ_CURVE = zmq_sys::ZMQ_CURVE as isize,
    /// Kerberos through GSSAPI (`ZMQ_GSSAPI`).
    ZMQ_GSSAPI = zmq_sys::ZMQ_GSSAPI as isize,
}

impl TryFrom<i32> for Mechanism {
    type Error = Error;

    /// The mechanism for a libzmq value (`ZMQ_NULL`, ...); `Err(EINVAL)` for another value.
    fn try_from(raw: i32) -> Result<Mechanism> {
        [
            Mechanism::ZMQ_NULL,
            Mechanism::ZMQ_PLAIN,
            Mechanism::ZMQ_CURVE,
            Mechanism::ZMQ_GSSAPI,
        ]
        .into_iter()
        .find(|m| *m as i32 == raw)
        .ok_or(Error::EINVAL)
    }
}

/// The descriptor type `ZMQ_FD` hands out on this platform.
#[cfg(unix)]
type Fd = std::os::unix::io::RawFd;
/// The descriptor type `ZMQ_FD` hands out on this platform.
#[cfg(windows)]
type Fd = std::os::windows::io::RawSocket;

mod private {
    /// Plain integers that travel to and from libzmq by address and size.
    pub trait Scalar: Copy + Default {}
    impl Scalar for i32 {}
    impl Scalar for u32 {}
    impl Scalar for i64 {}
    impl Scalar for u64 {}
}
use private::Scalar;

/// First buffer size for variable-length getters; enough for nearly every value.
const FIRST_BUFFER: usize = 256;
/// Largest buffer a variable-length getter grows to before giving up with `EINVAL`.
const MAX_BUFFER: usize = 64 * 1024;
/// A CURVE key in binary form.
const CURVE_KEY_LEN: usize = 32;
/// A CURVE key as Z85 text plus the terminating NUL libzmq writes.
const CURVE_Z85_BUFFER: usize = 41;

/// `zmq_setsockopt` with a value libzmq copies from `value` (`None`: a NULL pointer, length 0,
/// which clears string and filter options).
fn set_raw(socket: &Socket, option: u32, value: Option<&[u8]>) -> Result<()> {
    let (ptr, len) = match value {
        Some(bytes) => (bytes.as_ptr() as *const c_void, bytes.len()),
        None => (std::ptr::null(), 0),
    };
    // SAFETY: the socket handle is live while `socket` is borrowed; `ptr` is either NULL with
    // length 0 or points to `len` readable bytes borrowed for the call. libzmq only reads them
    // (and copies what it keeps) during the call.
    check(unsafe { zmq_sys::zmq_setsockopt(socket.raw(), option as c_int, ptr, len) }).map(drop)
}

/// `zmq_setsockopt` with a plain integer value.
fn set_scalar<T: Scalar>(socket: &Socket, option: u32, value: T) -> Result<()> {
    let ptr = &value as *const T as *const c_void;
    // SAFETY: live handle; `ptr` points to a `T` on our stack, readable for size_of::<T>()
    // bytes during the call, which is all libzmq reads.
    check(unsafe {
        zmq_sys::zmq_setsockopt(socket.raw(), option as c_int, ptr, std::mem::size_of::<T>())
    })
    .map(drop)
}

/// `zmq_getsockopt` of a plain integer value. libzmq must report exactly `size_of::<T>()`.
fn get_scalar<T: Scalar>(socket: &Socket, option: u32) -> Result<T> {
    let mut value = T::default();
    let mut len = std::mem::size_of::<T>();
    // SAFETY: live handle; libzmq writes at most `len` bytes into `value` (a plain integer, for
    // which every bit pattern is valid) and updates `len`.
    check(unsafe {
        zmq_sys::zmq_getsockopt(
            socket.raw(),
            option as c_int,
            &mut value as *mut T as *mut c_void,
            &mut len,
        )
    })?;
    if len == std::mem::size_of::<T>() {
        Ok(value)
    } else {
        Err(Error::EINVAL)
    }
}

/// `zmq_getsockopt` into a buffer of exactly `size` bytes; returns what libzmq wrote.
fn get_buffer(socket: &Socket, option: u32, size: usize) -> Result<Vec<u8>> {
    let mut buffer = vec![0u8; size];
    let mut len = buffer.len();
    // SAFETY: live handle; `buffer` has `len` writable bytes, libzmq writes at most that many
    // and stores the number written in `len`.
    check(unsafe {
        zmq_sys::zmq_getsockopt(
            socket.raw(),
            option as c_int,
            buffer.as_mut_ptr() as *mut c_void,
            &mut len,
        )
    })?;
    buffer.truncate(len.min(size));
    Ok(buffer)
}

/// A variable-length value: tries a small buffer first, and while libzmq says `EINVAL` (its
/// answer to a buffer that is too small) doubles it, up to [`MAX_BUFFER`]. With `strip_nul`
/// the terminating NUL of a string value is removed.
fn get_growing(socket: &Socket, option: u32, strip_nul: bool) -> Result<Vec<u8>> {
    let mut size = FIRST_BUFFER;
    loop {
        match get_buffer(socket, option, size) {
            Ok(mut bytes) => {
                if strip_nul && bytes.last() == Some(&0) {
                    bytes.pop();
                }
                return Ok(bytes);
            }
            Err(Error::EINVAL) if size < MAX_BUFFER => size *= 2,
            Err(e) => return Err(e),
        }
    }
}

/// A NUL-terminated string value as `Ok(String)`, or its bytes when they are not UTF-8.
fn get_string(socket: &Socket, option: u32) -> Result<std::result::Result<String, Vec<u8>>> {
    let bytes = get_growing(socket, option, true)?;
    Ok(String::from_utf8(bytes).map_err(|e| e.into_bytes()))
}

/// A CURVE key in binary form (libzmq answers a 32-byte buffer with the raw key).
fn get_curve_key(socket: &Socket, option: u32) -> Result<Vec<u8>> {
    get_buffer(socket, option, CURVE_KEY_LEN)
}

/// A CURVE key as its 40-character Z85 text (libzmq answers a 41-byte buffer that way).
fn get_curve_key_z85(socket: &Socket, option: u32) -> Result<String> {
    let mut bytes = get_buffer(socket, option, CURVE_Z85_BUFFER)?;
    if bytes.last() == Some(&0) {
        bytes.pop();
    }
    String::from_utf8(bytes).map_err(|_| Error::EINVAL)
}

/// A string for a text option. libzmq stores it by length, but then uses most of them as C
/// strings (device names, proxy addresses, GSSAPI principals, ...), where a NUL byte would
/// silently cut the value short; so a NUL is `EINVAL` up front.
fn c_text(value: &str) -> Result<&[u8]> {
    if value.as_bytes().contains(&0) {
        Err(Error::EINVAL)
    } else {
        Ok(value.as_bytes())
    }
}

/// A CURVE key value for libzmq: 40 (or 40 and a NUL, which libzmq also takes) bytes must be
/// Z85 text, checked here. libzmq decodes them as a C string, so a NUL inside the text made
/// it accept a key cut short (`Ok`, with the rest of the key left as it was), and releases
/// before 4.2.2 read outside their decoding table for bytes above 0x7F. Other lengths go to
/// libzmq as they are (32 is the binary key, anything else its `EINVAL`).
fn curve_key(value: &[u8]) -> Result<&[u8]> {
    let text = match value {
        [text @ .., 0] if text.len() == CURVE_Z85_BUFFER - 1 => text,
        text if text.len() == CURVE_Z85_BUFFER - 1 => text,
        _ => return Ok(value),
    };
    if crate::security::is_valid_z85(text) {
        Ok(value)
    } else {
        Err(Error::EINVAL)
    }
}

/// Milliseconds for libzmq's C `int`: sub-millisecond parts round up (so a non-zero duration
/// never becomes 0, which often means "disabled"); too large is `EINVAL`.
fn duration_to_ms(value: Duration) -> Result<i32> {
    i32::try_from(ceil_millis(value)).map_err(|_| Error::EINVAL)
}

/// Whole milliseconds, rounded up, so a non-zero duration never becomes 0 (which libzmq
/// often reads as "disabled" or "don't wait"). Shared with `poll`.
pub(crate) fn ceil_millis(value: Duration) -> u128 {
    value.as_nanos().div_ceil(1_000_000)
}

/// A non-negative millisecond value as a `Duration`; negative is `EINVAL`.
fn ms_to_duration(ms: i32) -> Result<Duration> {
    u64::try_from(ms)
        .map(Duration::from_millis)
        .map_err(|_| Error::EINVAL)
}

/// A millisecond value where a negative number (libzmq's -1) means "infinite" / "never".
fn ms_to_opt_duration(ms: i32) -> Option<Duration> {
    u64::try_from(ms).ok().map(Duration::from_millis)
}

/// The `i32` form of an optional duration: `None` is -1.
fn opt_duration_to_ms(value: Option<Duration>) -> Result<i32> {
    value.map_or(Ok(-1), duration_to_ms)
}

/// One marker type per value kind of the option tables (named as the tables name the kinds).
/// Each kind's `impl` block below is the only place its values are read and written.
#[allow(non_camel_case_types)]
mod kinds {
    pub(super) struct i32;
    pub(super) struct u32;
    pub(super) struct i64;
    pub(super) struct u64;
    pub(super) struct bool;
    pub(super) struct ms;
    pub(super) struct ms_opt;
    pub(super) struct bytes;
    pub(super) struct cstr;
    pub(super) struct ocstr;
    pub(super) struct obin;
    pub(super) struct key;
    pub(super) struct fd;
    pub(super) struct events;
    pub(super) struct socktype;
    pub(super) struct mechanism;
}

/// Text as an option getter hands it out: `Ok` when UTF-8, else the bytes.
type Text = std::result::Result<String, Vec<u8>>;

impl kinds::i32 {
    fn get(s: &Socket, id: u32) -> Result<i32> {
        get_scalar::<c_int>(s, id)
    }
    fn set(s: &Socket, id: u32, v: i32) -> Result<()> {
        set_scalar::<c_int>(s, id, v)
    }
}

impl kinds::u32 {
    // No `u32` option of libzmq 4.3.5 is readable (the IPC filters are set-only).
    #[allow(dead_code)]
    fn get(s: &Socket, id: u32) -> Result<u32> {
        get_scalar::<u32>(s, id)
    }
    fn set(s: &Socket, id: u32, v: u32) -> Result<()> {
        set_scalar::<u32>(s, id, v)
    }
}

impl kinds::i64 {
    fn get(s: &Socket, id: u32) -> Result<i64> {
        get_scalar::<i64>(s, id)
    }
    fn set(s: &Socket, id: u32, v: i64) -> Result<()> {
        set_scalar::<i64>(s, id, v)
    }
}

impl kinds::u64 {
    fn get(s: &Socket, id: u32) -> Result<u64> {
        get_scalar::<u64>(s, id)
    }
    fn set(s: &Socket, id: u32, v: u64) -> Result<()> {
        set_scalar::<u64>(s, id, v)
    }
}

impl kinds::bool {
    fn get(s: &Socket, id: u32) -> Result<bool> {
        get_scalar::<c_int>(s, id).map(|v| v != 0)
    }
    fn set(s: &Socket, id: u32, v: bool) -> Result<()> {
        set_scalar::<c_int>(s, id, c_int::from(v))
    }
}

/// Milliseconds in a C `int`; the typed accessors take and give a `Duration`.
impl kinds::ms {
    fn get(s: &Socket, id: u32) -> Result<i32> {
        kinds::i32::get(s, id)
    }
    fn set(s: &Socket, id: u32, v: i32) -> Result<()> {
        kinds::i32::set(s, id, v)
    }
    fn dget(s: &Socket, id: u32) -> Result<Duration> {
        kinds::i32::get(s, id).and_then(ms_to_duration)
    }
    fn dset(s: &Socket, id: u32, v: Duration) -> Result<()> {
        kinds::i32::set(s, id, duration_to_ms(v)?)
    }
}

/// Milliseconds in a C `int` where -1 means infinite / never; typed: `Option<Duration>`.
impl kinds::ms_opt {
    fn get(s: &Socket, id: u32) -> Result<i32> {
        kinds::i32::get(s, id)
    }
    fn set(s: &Socket, id: u32, v: i32) -> Result<()> {
        kinds::i32::set(s, id, v)
    }
    fn dget(s: &Socket, id: u32) -> Result<Option<Duration>> {
        kinds::i32::get(s, id).map(ms_to_opt_duration)
    }
    fn dset(s: &Socket, id: u32, v: Option<Duration>) -> Result<()> {
        kinds::i32::set(s, id, opt_duration_to_ms(v)?)
    }
}

/// The longest topic [`Socket::set_subscribe`] and [`Socket::set_unsubscribe`] pass to
/// libzmq; a longer one is `Err(EINVAL)`.
///
/// libzmq 4.3 keeps a SUB or XSUB socket's subscriptions in a trie that it walks
/// recursively, one call per topic byte: on the caller's thread when a topic is added or
/// removed and whenever a connection (re)attaches and every subscription is re-sent, and on
/// libzmq's reaper thread when the socket is closed. A topic of about 15 KB overflowed a
/// 2 MiB thread stack here, which aborts the whole process. At this bound the walk needs
/// about 600 KiB of stack with libzmq built without optimisation (less when optimised):
/// fine for Rust's and tokio's 2 MiB threads and glibc's 8 MiB, not for threads of 512 KiB
/// or less. Topics are prefixes and short in practice (zmq 0.10 passed any length on).
///
/// XSUB sockets subscribe by sending `\x01topic` messages, which are not checked: keep
/// those under the same bound.
pub const MAX_TOPIC_LEN: usize = 4096;

impl kinds::bytes {
    fn get(s: &Socket, id: u32) -> Result<Vec<u8>> {
        get_growing(s, id, false)
    }
    fn set(s: &Socket, id: u32, v: &[u8]) -> Result<()> {
        let topic = id == zmq_sys::ZMQ_SUBSCRIBE || id == zmq_sys::ZMQ_UNSUBSCRIBE;
        if topic && v.len() > MAX_TOPIC_LEN {
            return Err(Error::EINVAL);
        }
        set_raw(s, id, Some(v))
    }
}

impl kinds::cstr {
    fn get(s: &Socket, id: u32) -> Result<Text> {
        get_string(s, id)
    }
    fn set(s: &Socket, id: u32, v: &str) -> Result<()> {
        set_raw(s, id, Some(c_text(v)?))
    }
}

/// A C string that can also be cleared (a NULL pointer).
impl kinds::ocstr {
    fn get(s: &Socket, id: u32) -> Result<Text> {
        kinds::cstr::get(s, id)
    }
    fn set(s: &Socket, id: u32, v: Option<&str>) -> Result<()> {
        set_raw(s, id, v.map(c_text).transpose()?)
    }
}

/// Binary data given as text, or cleared (a NULL pointer); write-only.
impl kinds::obin {
    fn set(s: &Socket, id: u32, v: Option<&str>) -> Result<()> {
        set_raw(s, id, v.map(str::as_bytes))
    }
}

impl kinds::key {
    fn get(s: &Socket, id: u32) -> Result<Vec<u8>> {
        get_curve_key(s, id)
    }
    fn set(s: &Socket, id: u32, v: &[u8]) -> Result<()> {
        set_raw(s, id, Some(curve_key(v)?))
    }
    fn dget(s: &Socket, id: u32) -> Result<String> {
        get_curve_key_z85(s, id)
    }
}

impl kinds::fd {
    fn get(s: &Socket, id: u32) -> Result<Fd> {
        get_scalar::<Fd>(s, id)
    }
}

impl kinds::events {
    fn get(s: &Socket, id: u32) -> Result<PollEvents> {
        get_scalar::<c_int>(s, id).map(|v| PollEvents::from_bits_truncate(v as i16))
    }
}

impl kinds::socktype {
    fn get(s: &Socket, id: u32) -> Result<SocketType> {
        get_scalar::<c_int>(s, id).and_then(SocketType::try_from)
    }
}

impl kinds::mechanism {
    fn get(s: &Socket, id: u32) -> Result<Mechanism> {
        get_scalar::<c_int>(s, id).and_then(Mechanism::try_from)
    }
}

/// The Rust type an accessor of a kind takes or gives: `(role kind)`, roles as in
/// [`sockopt_accessor!`]. (The kinds' `impl` blocks spell the same types; the compiler checks
/// that they agree.)
macro_rules! sockopt_type {
    (get i32) => { i32 };
    (get ms) => { i32 };
    (get ms_opt) => { i32 };
    (get u32) => { u32 };
    (get i64) => { i64 };
    (get u64) => { u64 };
    (get bool) => { bool };
    (get bytes) => { Vec<u8> };
    (get key) => { Vec<u8> };
    (get cstr) => { std::result::Result<String, Vec<u8>> };
    (get ocstr) => { std::result::Result<String, Vec<u8>> };
    (get fd) => { Fd };
    (get events) => { PollEvents };
    (get socktype) => { SocketType };
    (get mechanism) => { Mechanism };
    (set i32) => { i32 };
    (set ms) => { i32 };
    (set ms_opt) => { i32 };
    (set u32) => { u32 };
    (set i64) => { i64 };
    (set u64) => { u64 };
    (set bool) => { bool };
    (set bytes) => { &[u8] };
    (set key) => { &[u8] };
    (set cstr) => { &str };
    (set ocstr) => { Option<&str> };
    (set obin) => { Option<&str> };
    (dget ms) => { Duration };
    (dget ms_opt) => { Option<Duration> };
    (dget key) => { String };
    (dset ms) => { Duration };
    (dset ms_opt) => { Option<Duration> };
}

/// The doc sentence an accessor of a kind adds after its row's docs (`""` for none).
macro_rules! sockopt_kind_doc {
    (get ms) => {
        "In milliseconds (a C `int`)."
    };
    (set ms) => {
        "In milliseconds (a C `int`)."
    };
    (get ms_opt) => {
        "In milliseconds (a C `int`); -1 means infinite / never."
    };
    (set ms_opt) => {
        "In milliseconds (a C `int`); -1 means infinite / never."
    };
    (get cstr) => {
        "The inner `Err` carries the bytes when they are not UTF-8; unset is `\"\"`."
    };
    (get ocstr) => {
        "The inner `Err` carries the bytes when they are not UTF-8; unset is `\"\"`."
    };
    (get key) => {
        "The 32-byte binary key ([`z85_encode`](crate::z85_encode) gives its text); \
         `Err(EINVAL)` when the linked libzmq has no CURVE."
    };
    (get socktype) => {
        "A type this build does not know (e.g. a DRAFT type without `cfg(zmq_draft)`) is \
         `Err(EINVAL)`."
    };
    (get mechanism) => {
        "An unknown mechanism value is `Err(EINVAL)`."
    };
    (set key) => {
        "Takes the 32-byte binary key, its 40-character Z85 text, or that text with its \
         terminating NUL (41 bytes, as C code passes it); Z85 text with a character outside \
         the alphabet (a NUL inside included) or any other length is `Err(EINVAL)`, as is a \
         libzmq without CURVE."
    };
    (set cstr) => {
        "A string with a NUL byte is `Err(EINVAL)`."
    };
    (set ocstr) => {
        "`None` clears the value; a string with a NUL byte is `Err(EINVAL)`."
    };
    (set obin) => {
        "`None` clears the value; the text is passed as bytes."
    };
    (dget ms) => {
        "The typed form of the `i32` milliseconds getter."
    };
    (dget ms_opt) => {
        "The typed form of the `i32` milliseconds getter: `None` stands for libzmq's -1 \
         (infinite / never)."
    };
    (dget key) => {
        "The key as its 40-character Z85 text; `Err(EINVAL)` without CURVE."
    };
    (dset ms) => {
        "The typed form of the `i32` milliseconds setter. Sub-millisecond parts round up; more \
         than `i32::MAX` milliseconds is `Err(EINVAL)`."
    };
    (dset ms_opt) => {
        "The typed form of the `i32` milliseconds setter: `None` is libzmq's -1 (infinite / \
         never). Sub-millisecond parts round up; more than `i32::MAX` milliseconds is \
         `Err(EINVAL)`."
    };
    ($role:ident $kind:ident) => {
        ""
    };
}

/// A "see also" doc line pointing at the sibling accessor (nothing for `-`).
macro_rules! sockopt_see_also {
    (-) => {
        ""
    };
    ($sib:ident) => {
        concat!("See also [`Socket::", stringify!($sib), "`].")
    };
}

/// The `debug` event of an option setter (feature `tracing`; nothing without it): the option
/// and setter names and the outcome, never the value (some options are keys or passwords).
macro_rules! sockopt_set_event {
    ($socket:ident, $id:ident, $name:ident, $result:ident) => {
        zmq_event!(
            debug,
            option = stringify!($id),
            setter = stringify!($name),
            socket_type = ?$socket.get_socket_type().ok(),
            socket = ?$socket.raw(),
            result = ?$result,
            errno = $result.as_ref().err().map(|e| e.to_raw()),
            "set option"
        );
    };
}

/// One accessor of one socket option: `(role kind [attributes] ZMQ_ID name sibling)`.
/// Roles: `get`/`set` (zmq 0.10-style types), `dget`/`dset` (the typed extras). A name of `-`
/// generates nothing. The kind's `impl` block does the work.
macro_rules! sockopt_accessor {
    ($role:ident $kind:ident [$($attr:tt)*] $id:ident - $sib:tt) => {};
    (get $kind:ident [$($attr:tt)*] $id:ident $name:ident $sib:tt) => {
        #[doc = concat!("Reads `", stringify!($id), "` (`zmq_getsockopt`).")]
        #[doc = ""]
        $($attr)*
        #[doc = ""]
        #[doc = sockopt_kind_doc!(get $kind)]
        #[doc = ""]
        #[doc = sockopt_see_also!($sib)]
        pub fn $name(&self) -> Result<sockopt_type!(get $kind)> {
            kinds::$kind::get(self, zmq_sys::$id)
        }
    };
    (dget $kind:ident [$($attr:tt)*] $id:ident $name:ident $sib:tt) => {
        #[doc = concat!("Reads `", stringify!($id), "` (`zmq_getsockopt`).")]
        #[doc = ""]
        $($attr)*
        #[doc = ""]
        #[doc = sockopt_kind_doc!(dget $kind)]
        #[doc = ""]
        #[doc = sockopt_see_also!($sib)]
        pub fn $name(&self) -> Result<sockopt_type!(dget $kind)> {
            kinds::$kind::dget(self, zmq_sys::$id)
        }
    };
    (set $kind:ident [$($attr:tt)*] $id:ident $name:ident $sib:tt) => {
        #[doc = concat!("Sets `", stringify!($id), "` (`zmq_setsockopt`).")]
        #[doc = ""]
        $($attr)*
        #[doc = ""]
        #[doc = sockopt_kind_doc!(set $kind)]
        #[doc = ""]
        #[doc = sockopt_see_also!($sib)]
        pub fn $name(&self, value: sockopt_type!(set $kind)) -> Result<()> {
            let result = kinds::$kind::set(self, zmq_sys::$id, value);
            sockopt_set_event!(self, $id, $name, result);
            result
        }
    };
    (dset $kind:ident [$($attr:tt)*] $id:ident $name:ident $sib:tt) => {
        #[doc = concat!("Sets `", stringify!($id), "` (`zmq_setsockopt`).")]
        #[doc = ""]
        $($attr)*
        #[doc = ""]
        #[doc = sockopt_kind_doc!(dset $kind)]
        #[doc = ""]
        #[doc = sockopt_see_also!($sib)]
        pub fn $name(&self, value: sockopt_type!(dset $kind)) -> Result<()> {
            let result = kinds::$kind::dset(self, zmq_sys::$id, value);
            sockopt_set_event!(self, $id, $name, result);
            result
        }
    };
}

/// One table row: its two or four accessors.
macro_rules! sockopt_row {
    ([$($attr:tt)*] $id:ident $kind:ident $get:tt $set:tt []) => {
        sockopt_accessor!(get $kind [$($attr)*] $id $get -);
        sockopt_accessor!(set $kind [$($attr)*] $id $set -);
    };
    ([$($attr:tt)*] $id:ident $kind:ident $get:tt $set:tt [$dget:tt $dset:tt]) => {
        sockopt_accessor!(get $kind [$($attr)*] $id $get $dget);
        sockopt_accessor!(set $kind [$($attr)*] $id $set $dset);
        sockopt_accessor!(dget $kind [$($attr)*] $id $dget $get);
        sockopt_accessor!(dset $kind [$($attr)*] $id $dset $set);
    };
}

/// One row of an option table as data: what [`SOCKET_OPTIONS`] and [`CONTEXT_OPTIONS`] hold.
/// For tests and tools that walk the tables (e.g. to check every accessor is tested); not part
/// of the supported API, and its fields may change.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OptionInfo {
    /// libzmq's name of the option, e.g. `"ZMQ_LINGER"`.
    pub name: &'static str,
    /// libzmq's option number (`zmq_sys::ZMQ_LINGER`).
    pub id: i32,
    /// The value kind, as the table names it (`"i32"`, `"ms_opt"`, `"cstr"`, ...; see the
    /// kinds in this module's docs).
    pub kind: &'static str,
    /// The getter's name; `None` for a write-only option.
    pub getter: Option<&'static str>,
    /// The setter's name; `None` for a read-only option.
    pub setter: Option<&'static str>,
    /// The typed getter's name (a `Duration` or Z85 text form), if the row has one.
    pub typed_getter: Option<&'static str>,
    /// The typed setter's name, if the row has one.
    pub typed_setter: Option<&'static str>,
    /// A DRAFT option: its accessors exist only with the DRAFT API (`cfg(zmq_draft)`).
    pub draft: bool,
    /// Deprecated by libzmq (its accessors carry `#[deprecated]`).
    pub deprecated: bool,
}

/// `Some("name")` for an accessor name, `None` for `-` or no name.
macro_rules! option_accessor_name {
    () => {
        None
    };
    (-) => {
        None
    };
    ($name:ident) => {
        Some(stringify!($name))
    };
}

/// Whether a row's attributes (`[#[...] ...]`) include `#[cfg(zmq_draft)]` (`draft`) or a
/// `#[deprecated...]` (`deprecated`).
macro_rules! option_row_has {
    ($what:ident []) => {
        false
    };
    (draft [#[cfg(zmq_draft)] $($rest:tt)*]) => {
        true
    };
    (deprecated [#[deprecated $($args:tt)*] $($rest:tt)*]) => {
        true
    };
    ($what:ident [#[$($other:tt)*] $($rest:tt)*]) => {
        option_row_has!($what [$($rest)*])
    };
}

/// One table row as an [`OptionInfo`].
macro_rules! option_info {
    ([$($attr:tt)*] $id:ident $kind:ident $get:tt $set:tt $($dget:tt $dset:tt)?) => {
        OptionInfo {
            name: stringify!($id),
            id: zmq_sys::$id as i32,
            kind: stringify!($kind),
            getter: option_accessor_name!($get),
            setter: option_accessor_name!($set),
            typed_getter: option_accessor_name!($($dget)?),
            typed_setter: option_accessor_name!($($dset)?),
            draft: option_row_has!(draft [$($attr)*]),
            deprecated: option_row_has!(deprecated [$($attr)*]),
        }
    };
}

/// The socket option table. Each row:
///
/// ```text
/// /// docs, #[cfg(zmq_draft)], #[deprecated]...
/// ZMQ_ID: kind => getter, setter [, typed(typed_getter, typed_setter)];
/// ```
///
/// `-` marks an accessor libzmq does not allow (read-only or write-only options).
macro_rules! socket_options {
    ($(
        $(#[$($meta:tt)*])*
        $id:ident : $kind:ident => $get:tt, $set:tt $(, typed($dget:tt, $dset:tt))? ;
    )*) => {
        /// Socket options, generated from the option table in `sockopt.rs`.
        impl Socket {
            $( sockopt_row!([$(#[$($meta)*])*] $id $kind $get $set [$($dget $dset)?]); )*
        }

        /// Every row of the socket option table, in table order (DRAFT rows included, marked
        /// `draft`). Not part of the supported API.
        #[doc(hidden)]
        pub const SOCKET_OPTIONS: &[OptionInfo] = &[
            $( option_info!([$(#[$($meta)*])*] $id $kind $get $set $($dget $dset)?), )*
        ];

        socket_option_rows_macro!($( [$(#[$($meta)*])*] $id $kind $get $set [$($dget $dset)?] ; )*);
    };
}

/// Defines `socket_option_rows!(callback)`, which hands the whole socket option table to
/// `callback! { [attributes] ZMQ_ID kind getter setter [typed_getter typed_setter]; ... }`,
/// for a second expansion of the same table outside this module (feature `serde`'s
/// `SocketOptions`). Kept apart from the accessor macros above.
macro_rules! socket_option_rows_macro {
    ($($row:tt)*) => {
        #[cfg(feature = "serde")]
        macro_rules! socket_option_rows {
            ($callback:ident) => {
                $callback! { $($row)* }
            };
        }
        #[cfg(feature = "serde")]
        pub(crate) use socket_option_rows;
    };
}

socket_options! {
    // ---- stable options, in libzmq id order ----------------------------------------------
    /// I/O thread affinity of new connections: bit N set = I/O thread N may serve them; 0
    /// (default) = any.
    ZMQ_AFFINITY: u64 => get_affinity, set_affinity;
    /// The routing id ("identity") ROUTER peers see for this socket: 1 to 255 bytes (other
    /// lengths are `Err(EINVAL)`); empty when unset. zmq 0.10's name.
    ZMQ_ROUTING_ID: bytes => get_identity, set_identity;
    /// The routing id ROUTER peers see for this socket: 1 to 255 bytes; empty when unset.
    /// Same option as [`Socket::get_identity`], under libzmq's current name.
    ZMQ_ROUTING_ID: bytes => get_routing_id, set_routing_id;
    /// Adds a message filter (prefix match) on a SUB socket; an empty prefix matches every
    /// message. At most [`MAX_TOPIC_LEN`] bytes (`Err(EINVAL)` beyond).
    ZMQ_SUBSCRIBE: bytes => -, set_subscribe;
    /// Removes one earlier [`Socket::set_subscribe`] filter of a SUB socket.
    ZMQ_UNSUBSCRIBE: bytes => -, set_unsubscribe;
    /// Multicast (PGM) data rate, in kilobits per second (default 100).
    ZMQ_RATE: i32 => get_rate, set_rate;
    /// Multicast recovery interval (default 10 s).
    ZMQ_RECOVERY_IVL: ms => get_recovery_ivl, set_recovery_ivl,
        typed(get_recovery_ivl_duration, set_recovery_ivl_duration);
    /// Kernel send buffer size in bytes (`SO_SNDBUF`); -1 (default) leaves the OS default.
    ZMQ_SNDBUF: i32 => get_sndbuf, set_sndbuf;
    /// Kernel receive buffer size in bytes (`SO_RCVBUF`); -1 (default) leaves the OS default.
    ZMQ_RCVBUF: i32 => get_rcvbuf, set_rcvbuf;
    /// Whether more frames of the current multipart message wait to be received (read as a
    /// C `int`, so it is right on every byte order).
    ZMQ_RCVMORE: bool => get_rcvmore, -;
    /// The descriptor that signals (edge-triggered) when [`Socket::get_events`] may have
    /// changed, for integration with an external event loop.
    ZMQ_FD: fd => get_fd, -;
    /// Whether a message can be received (`POLLIN`) or sent (`POLLOUT`) now without blocking.
    ZMQ_EVENTS: events => get_events, -;
    /// The socket's type.
    ZMQ_TYPE: socktype => get_socket_type, -;
    /// How long pending outgoing messages are kept after close (default -1: forever, which
    /// can make context termination wait).
    ZMQ_LINGER: ms_opt => get_linger, set_linger, typed(get_linger_duration, set_linger_duration);
    /// Initial reconnection interval (default 100 ms); -1 disables reconnection.
    ZMQ_RECONNECT_IVL: ms_opt => get_reconnect_ivl, set_reconnect_ivl,
        typed(get_reconnect_ivl_duration, set_reconnect_ivl_duration);
    /// Maximum length of the queue of pending connections (default 100).
    ZMQ_BACKLOG: i32 => get_backlog, set_backlog;
    /// Upper bound of the exponential reconnection back-off; 0 (default) keeps
    /// `ZMQ_RECONNECT_IVL` fixed.
    ZMQ_RECONNECT_IVL_MAX: ms => get_reconnect_ivl_max, set_reconnect_ivl_max,
        typed(get_reconnect_ivl_max_duration, set_reconnect_ivl_max_duration);
    /// Largest inbound message in bytes; a peer sending more is disconnected. -1 (default):
    /// no limit.
    ZMQ_MAXMSGSIZE: i64 => get_maxmsgsize, set_maxmsgsize;
    /// Send high-water mark, in messages (default 1000; 0 = no limit; negative is
    /// `Err(EINVAL)`).
    ZMQ_SNDHWM: i32 => get_sndhwm, set_sndhwm;
    /// Receive high-water mark, in messages (default 1000; 0 = no limit; negative is
    /// `Err(EINVAL)`).
    ZMQ_RCVHWM: i32 => get_rcvhwm, set_rcvhwm;
    /// Multicast hops (TTL) of outgoing multicast packets (default 1).
    ZMQ_MULTICAST_HOPS: i32 => get_multicast_hops, set_multicast_hops;
    /// How long a receive waits before `Err(EAGAIN)` (default -1: forever).
    ZMQ_RCVTIMEO: ms_opt => get_rcvtimeo, set_rcvtimeo, typed(get_rcvtimeo_duration, set_rcvtimeo_duration);
    /// How long a send waits before `Err(EAGAIN)` (default -1: forever).
    ZMQ_SNDTIMEO: ms_opt => get_sndtimeo, set_sndtimeo, typed(get_sndtimeo_duration, set_sndtimeo_duration);
    /// IPv4 only (deprecated in libzmq: the inverse of `ZMQ_IPV6`, which is what to use).
    #[deprecated(note = "libzmq deprecates ZMQ_IPV4ONLY; use `set_ipv6`/`is_ipv6`")]
    ZMQ_IPV4ONLY: bool => is_ipv4only, set_ipv4only;
    /// The endpoint last bound or connected, with the real port after a `*` wildcard bind
    /// (`""` before any). Long values (e.g. long `inproc://` names) are read in full.
    ZMQ_LAST_ENDPOINT: cstr => get_last_endpoint, -;
    /// ROUTER: an unroutable message is an error (`EHOSTUNREACH`) instead of being dropped.
    /// libzmq cannot read this option back, so the getter (zmq 0.10 has it) always gives
    /// `Err(EINVAL)`.
    ZMQ_ROUTER_MANDATORY: bool => is_router_mandatory, set_router_mandatory;
    /// TCP keep-alive (`SO_KEEPALIVE`): -1 (default) OS default, 0 off, 1 on.
    ZMQ_TCP_KEEPALIVE: i32 => get_tcp_keepalive, set_tcp_keepalive;
    /// TCP keep-alive probe count (`TCP_KEEPCNT`); -1 (default) OS default.
    ZMQ_TCP_KEEPALIVE_CNT: i32 => get_tcp_keepalive_cnt, set_tcp_keepalive_cnt;
    /// TCP keep-alive idle time in seconds (`TCP_KEEPIDLE`); -1 (default) OS default.
    ZMQ_TCP_KEEPALIVE_IDLE: i32 => get_tcp_keepalive_idle, set_tcp_keepalive_idle;
    /// TCP keep-alive probe interval in seconds (`TCP_KEEPINTVL`); -1 (default) OS default.
    ZMQ_TCP_KEEPALIVE_INTVL: i32 => get_tcp_keepalive_intvl, set_tcp_keepalive_intvl;
    /// Adds a TCP accept filter (an IP address or CIDR mask); `None` clears all filters.
    /// Deprecated in libzmq in favour of ZAP authentication.
    #[deprecated(note = "libzmq deprecates ZMQ_TCP_ACCEPT_FILTER; use ZAP authentication")]
    ZMQ_TCP_ACCEPT_FILTER: ocstr => -, set_tcp_accept_filter;
    /// Queue messages only to completed connections (default false).
    ZMQ_IMMEDIATE: bool => is_immediate, set_immediate;
    /// XPUB: pass every subscription message up, not only new topics.
    ZMQ_XPUB_VERBOSE: bool => -, set_xpub_verbose;
    /// ROUTER: raw mode (talk to non-ZeroMQ TCP peers); deprecated in libzmq in favour of
    /// STREAM sockets.
    ZMQ_ROUTER_RAW: bool => -, set_router_raw;
    /// Use IPv6 as well as IPv4 (default false).
    ZMQ_IPV6: bool => is_ipv6, set_ipv6;
    /// The security mechanism in effect.
    ZMQ_MECHANISM: mechanism => get_mechanism, -;
    /// Act as PLAIN server (switches the mechanism to PLAIN; false switches back to NULL).
    ZMQ_PLAIN_SERVER: bool => is_plain_server, set_plain_server;
    /// PLAIN user name (at most 255 bytes). `Some` switches the mechanism to PLAIN (client),
    /// `None` back to NULL.
    ZMQ_PLAIN_USERNAME: ocstr => get_plain_username, set_plain_username;
    /// PLAIN password (at most 255 bytes). `Some` switches the mechanism to PLAIN (client),
    /// `None` back to NULL.
    ZMQ_PLAIN_PASSWORD: ocstr => get_plain_password, set_plain_password;
    /// Act as CURVE server; `Err(EINVAL)` when the linked libzmq has no CURVE.
    ZMQ_CURVE_SERVER: bool => is_curve_server, set_curve_server;
    /// This socket's long-term CURVE public key.
    ZMQ_CURVE_PUBLICKEY: key => get_curve_publickey, set_curve_publickey,
        typed(get_curve_publickey_z85, -);
    /// This socket's long-term CURVE secret key.
    ZMQ_CURVE_SECRETKEY: key => get_curve_secretkey, set_curve_secretkey,
        typed(get_curve_secretkey_z85, -);
    /// The server's long-term CURVE public key (set on clients; makes the socket a client).
    ZMQ_CURVE_SERVERKEY: key => get_curve_serverkey, set_curve_serverkey,
        typed(get_curve_serverkey_z85, -);
    /// ROUTER/DEALER: send an empty message to each new peer. libzmq cannot read this option
    /// back, so the getter (zmq 0.10 has it) always gives `Err(EINVAL)`.
    ZMQ_PROBE_ROUTER: bool => is_probe_router, set_probe_router;
    /// REQ: match replies to requests (prefixes a request id).
    ZMQ_REQ_CORRELATE: bool => -, set_req_correlate;
    /// REQ: allow sending a new request before the reply arrived (use with
    /// `ZMQ_REQ_CORRELATE`).
    ZMQ_REQ_RELAXED: bool => -, set_req_relaxed;
    /// Keep only the last message in each queue (default false).
    ZMQ_CONFLATE: bool => is_conflate, set_conflate;
    /// ZAP domain for authentication (1 to 255 bytes; `""` is `Err(EINVAL)`).
    ZMQ_ZAP_DOMAIN: cstr => get_zap_domain, set_zap_domain;
    /// ROUTER: a new connection with a routing id already in use takes it over. libzmq
    /// cannot read this option back, so the getter (zmq 0.10 has it) always gives
    /// `Err(EINVAL)`.
    ZMQ_ROUTER_HANDOVER: bool => is_router_handover, set_router_handover;
    /// IP type-of-service (DSCP) byte of outgoing packets (default 0).
    ZMQ_TOS: i32 => get_tos, set_tos;
    /// Adds a process id to the IPC accept filter (Linux); deprecated in libzmq in favour of
    /// ZAP authentication.
    #[deprecated(note = "libzmq deprecates ZMQ_IPC_FILTER_PID; use ZAP authentication")]
    ZMQ_IPC_FILTER_PID: i32 => -, set_ipc_filter_pid;
    /// Adds a user id to the IPC accept filter; deprecated in libzmq in favour of ZAP
    /// authentication.
    #[deprecated(note = "libzmq deprecates ZMQ_IPC_FILTER_UID; use ZAP authentication")]
    ZMQ_IPC_FILTER_UID: u32 => -, set_ipc_filter_uid;
    /// Adds a group id to the IPC accept filter; deprecated in libzmq in favour of ZAP
    /// authentication.
    #[deprecated(note = "libzmq deprecates ZMQ_IPC_FILTER_GID; use ZAP authentication")]
    ZMQ_IPC_FILTER_GID: u32 => -, set_ipc_filter_gid;
    /// ROUTER/STREAM: the routing id to give the peer of the next `connect`.
    ZMQ_CONNECT_ROUTING_ID: bytes => -, set_connect_routing_id;
    /// Act as GSSAPI server; `Err(EINVAL)` when the linked libzmq has no GSSAPI.
    ZMQ_GSSAPI_SERVER: bool => is_gssapi_server, set_gssapi_server;
    /// GSSAPI principal name (switches the mechanism to GSSAPI); needs GSSAPI.
    ZMQ_GSSAPI_PRINCIPAL: cstr => get_gssapi_principal, set_gssapi_principal;
    /// GSSAPI service principal name (client side); needs GSSAPI.
    ZMQ_GSSAPI_SERVICE_PRINCIPAL: cstr => get_gssapi_service_principal, set_gssapi_service_principal;
    /// GSSAPI without encryption; needs GSSAPI.
    ZMQ_GSSAPI_PLAINTEXT: bool => is_gssapi_plaintext, set_gssapi_plaintext;
    /// Maximum time for the ZMTP handshake (default 30 s); 0 = no limit.
    ZMQ_HANDSHAKE_IVL: ms => get_handshake_ivl, set_handshake_ivl,
        typed(get_handshake_ivl_duration, set_handshake_ivl_duration);
    /// SOCKS5 proxy address (`host:port`) for TCP connections; `None` clears it (an empty
    /// text is `Err(EINVAL)`).
    ZMQ_SOCKS_PROXY: ocstr => get_socks_proxy, set_socks_proxy;
    /// XPUB: block (`EAGAIN`) at the high-water mark instead of dropping.
    ZMQ_XPUB_NODROP: bool => -, set_xpub_nodrop;
    /// XPUB: manual subscription handling (subscribe with `set_subscribe` on the XPUB).
    ZMQ_XPUB_MANUAL: bool => -, set_xpub_manual;
    /// XPUB: message sent to each new subscriber; `None` clears it.
    ZMQ_XPUB_WELCOME_MSG: obin => -, set_xpub_welcome_msg;
    /// STREAM: deliver empty connect/disconnect notification frames (default true).
    ZMQ_STREAM_NOTIFY: bool => -, set_stream_notify;
    /// PUB/SUB/XPUB/XSUB: invert topic matching (deliver what does *not* match).
    ZMQ_INVERT_MATCHING: bool => is_invert_matching, set_invert_matching;
    /// Interval of ZMTP heartbeat PINGs; 0 (default) = no heartbeats.
    ZMQ_HEARTBEAT_IVL: ms => get_heartbeat_ivl, set_heartbeat_ivl,
        typed(get_heartbeat_ivl_duration, set_heartbeat_ivl_duration);
    /// Time-to-live the peer should apply to our heartbeats; stored in tenths of a second
    /// (so it reads back rounded down to 100 ms), at most 6553.5 s.
    ZMQ_HEARTBEAT_TTL: ms => get_heartbeat_ttl, set_heartbeat_ttl,
        typed(get_heartbeat_ttl_duration, set_heartbeat_ttl_duration);
    /// How long to wait for any traffic after a PING before closing; 0 (default) = the
    /// heartbeat interval.
    ZMQ_HEARTBEAT_TIMEOUT: ms => get_heartbeat_timeout, set_heartbeat_timeout,
        typed(get_heartbeat_timeout_duration, set_heartbeat_timeout_duration);
    /// XPUB: pass every subscribe *and* unsubscribe message up.
    ZMQ_XPUB_VERBOSER: bool => -, set_xpub_verboser;
    /// Timeout of a TCP connect attempt; 0 (default) = the OS's.
    ZMQ_CONNECT_TIMEOUT: ms => get_connect_timeout, set_connect_timeout,
        typed(get_connect_timeout_duration, set_connect_timeout_duration);
    /// Maximum TCP retransmit timeout (`TCP_MAXRT`/`TCP_USER_TIMEOUT`); 0 (default) = the OS's.
    ZMQ_TCP_MAXRT: ms => get_tcp_maxrt, set_tcp_maxrt, typed(get_tcp_maxrt_duration, set_tcp_maxrt_duration);
    /// Whether the socket type is thread-safe (the DRAFT SERVER, CLIENT, ... types).
    ZMQ_THREAD_SAFE: bool => is_thread_safe, -;
    /// Maximum multicast transport data unit in bytes (default 1500).
    ZMQ_MULTICAST_MAXTPDU: i32 => get_multicast_maxtpdu, set_multicast_maxtpdu;
    /// VMCI buffer size in bytes; needs a libzmq with VMCI (otherwise `Err(EINVAL)`), which
    /// cannot read it back.
    ZMQ_VMCI_BUFFER_SIZE: u64 => -, set_vmci_buffer_size;
    /// VMCI minimum buffer size in bytes; needs VMCI.
    ZMQ_VMCI_BUFFER_MIN_SIZE: u64 => -, set_vmci_buffer_min_size;
    /// VMCI maximum buffer size in bytes; needs VMCI.
    ZMQ_VMCI_BUFFER_MAX_SIZE: u64 => -, set_vmci_buffer_max_size;
    /// VMCI connect timeout (-1: none); needs VMCI.
    ZMQ_VMCI_CONNECT_TIMEOUT: ms_opt => -, set_vmci_connect_timeout,
        typed(-, set_vmci_connect_timeout_duration);
    /// Use this already-bound/connected descriptor for the next `bind`/`connect` instead of
    /// making one (-1, the default: make one).
    ZMQ_USE_FD: i32 => get_use_fd, set_use_fd;
    /// How the GSSAPI principal name is interpreted (`ZMQ_GSSAPI_NT_*`); needs GSSAPI.
    ZMQ_GSSAPI_PRINCIPAL_NAMETYPE: i32 => get_gssapi_principal_nametype, set_gssapi_principal_nametype;
    /// How the GSSAPI service principal name is interpreted (`ZMQ_GSSAPI_NT_*`); needs GSSAPI.
    ZMQ_GSSAPI_SERVICE_PRINCIPAL_NAMETYPE: i32 =>
        get_gssapi_service_principal_nametype, set_gssapi_service_principal_nametype;
    /// Bind the underlying sockets to this network interface (`SO_BINDTODEVICE`, 1 to 15
    /// bytes; empty or longer is `Err(EINVAL)`); using it needs privileges.
    ZMQ_BINDTODEVICE: cstr => get_bindtodevice, set_bindtodevice;

    // ---- DRAFT options (ids 93..=124), only with a DRAFT libzmq ---------------------------
    /// Fail ZAP authentication when no ZAP handler exists (DRAFT).
    #[cfg(zmq_draft)]
    ZMQ_ZAP_ENFORCE_DOMAIN: bool => is_zap_enforce_domain, set_zap_enforce_domain;
    /// Windows loopback fast path for TCP (DRAFT; no effect elsewhere).
    #[cfg(zmq_draft)]
    ZMQ_LOOPBACK_FASTPATH: bool => is_loopback_fastpath, set_loopback_fastpath;
    /// Adds application metadata `"X-key:value"` sent in the handshake (DRAFT).
    #[cfg(zmq_draft)]
    ZMQ_METADATA: cstr => -, set_metadata;
    /// Multicast loopback of UDP (RADIO/DISH) messages (DRAFT; default true).
    #[cfg(zmq_draft)]
    ZMQ_MULTICAST_LOOP: bool => is_multicast_loop, set_multicast_loop;
    /// ROUTER: deliver connect/disconnect notifications (`ZMQ_NOTIFY_*` bits) (DRAFT).
    #[cfg(zmq_draft)]
    ZMQ_ROUTER_NOTIFY: i32 => get_router_notify, set_router_notify;
    /// XPUB manual mode that also remembers the last value per subscriber (DRAFT).
    #[cfg(zmq_draft)]
    ZMQ_XPUB_MANUAL_LAST_VALUE: bool => -, set_xpub_manual_last_value;
    /// User name for the SOCKS5 proxy (DRAFT); `None` clears it.
    #[cfg(zmq_draft)]
    ZMQ_SOCKS_USERNAME: ocstr => get_socks_username, set_socks_username;
    /// Password for the SOCKS5 proxy (DRAFT); `None` clears it.
    #[cfg(zmq_draft)]
    ZMQ_SOCKS_PASSWORD: ocstr => get_socks_password, set_socks_password;
    /// Messages read from the network in one batch (DRAFT; default 8192; must be > 0).
    #[cfg(zmq_draft)]
    ZMQ_IN_BATCH_SIZE: i32 => get_in_batch_size, set_in_batch_size;
    /// Messages written to the network in one batch (DRAFT; default 8192; must be > 0).
    #[cfg(zmq_draft)]
    ZMQ_OUT_BATCH_SIZE: i32 => get_out_batch_size, set_out_batch_size;
    /// WSS private key in PEM (DRAFT; needs a libzmq with WSS).
    #[cfg(zmq_draft)]
    ZMQ_WSS_KEY_PEM: cstr => -, set_wss_key_pem;
    /// WSS certificate in PEM (DRAFT; needs WSS).
    #[cfg(zmq_draft)]
    ZMQ_WSS_CERT_PEM: cstr => -, set_wss_cert_pem;
    /// WSS trusted certificate in PEM (DRAFT; needs WSS).
    #[cfg(zmq_draft)]
    ZMQ_WSS_TRUST_PEM: cstr => -, set_wss_trust_pem;
    /// WSS host name to verify (DRAFT; needs WSS).
    #[cfg(zmq_draft)]
    ZMQ_WSS_HOSTNAME: cstr => -, set_wss_hostname;
    /// Trust the system's certificate store for WSS (DRAFT; needs WSS).
    #[cfg(zmq_draft)]
    ZMQ_WSS_TRUST_SYSTEM: bool => -, set_wss_trust_system;
    /// XPUB/XSUB: only the first part of a multipart message can be a subscription (DRAFT).
    #[cfg(zmq_draft)]
    ZMQ_ONLY_FIRST_SUBSCRIBE: bool => -, set_only_first_subscribe;
    /// When to stop reconnecting (`ZMQ_RECONNECT_STOP_*` bits) (DRAFT).
    #[cfg(zmq_draft)]
    ZMQ_RECONNECT_STOP: i32 => get_reconnect_stop, set_reconnect_stop;
    /// Message sent to each new peer on connect; empty clears it (DRAFT).
    #[cfg(zmq_draft)]
    ZMQ_HELLO_MSG: bytes => -, set_hello_msg;
    /// Message the peer receives when this side disconnects; empty clears it (DRAFT).
    #[cfg(zmq_draft)]
    ZMQ_DISCONNECT_MSG: bytes => -, set_disconnect_msg;
    /// `SO_PRIORITY` of the underlying sockets (DRAFT; default 0).
    #[cfg(zmq_draft)]
    ZMQ_PRIORITY: i32 => get_priority, set_priority;
    /// `SO_BUSY_POLL` on the underlying sockets (DRAFT). Set-only: libzmq 4.3.5's getter for
    /// it always fails with `EINVAL`.
    #[cfg(zmq_draft)]
    ZMQ_BUSY_POLL: bool => -, set_busy_poll;
    /// Message received locally when a connected peer goes away and is reconnected (DRAFT).
    #[cfg(zmq_draft)]
    ZMQ_HICCUP_MSG: bytes => -, set_hiccup_msg;
    /// XSUB: pass every unsubscribe message up (DRAFT).
    #[cfg(zmq_draft)]
    ZMQ_XSUB_VERBOSE_UNSUBSCRIBE: bool => -, set_xsub_verbose_unsubscribe;
    /// XPUB/XSUB: how many distinct topics are subscribed (DRAFT).
    #[cfg(zmq_draft)]
    ZMQ_TOPICS_COUNT: i32 => get_topics_count, -;
    /// NORM congestion-control mode (`ZMQ_NORM_*`) (DRAFT; needs NORM).
    #[cfg(zmq_draft)]
    ZMQ_NORM_MODE: i32 => get_norm_mode, set_norm_mode;
    /// NORM unicast NACKs (DRAFT; needs NORM).
    #[cfg(zmq_draft)]
    ZMQ_NORM_UNICAST_NACK: bool => is_norm_unicast_nack, set_norm_unicast_nack;
    /// NORM buffer size in kilobytes (DRAFT; needs NORM).
    #[cfg(zmq_draft)]
    ZMQ_NORM_BUFFER_SIZE: i32 => get_norm_buffer_size, set_norm_buffer_size;
    /// NORM segment size in bytes (DRAFT; needs NORM).
    #[cfg(zmq_draft)]
    ZMQ_NORM_SEGMENT_SIZE: i32 => get_norm_segment_size, set_norm_segment_size;
    /// NORM block size (DRAFT; needs NORM).
    #[cfg(zmq_draft)]
    ZMQ_NORM_BLOCK_SIZE: i32 => get_norm_block_size, set_norm_block_size;
    /// NORM parity segments per block (DRAFT; needs NORM).
    #[cfg(zmq_draft)]
    ZMQ_NORM_NUM_PARITY: i32 => get_norm_num_parity, set_norm_num_parity;
    /// NORM proactive parity segments (DRAFT; needs NORM).
    #[cfg(zmq_draft)]
    ZMQ_NORM_NUM_AUTOPARITY: i32 => get_norm_num_autoparity, set_norm_num_autoparity;
    /// NORM push mode (DRAFT; needs NORM).
    #[cfg(zmq_draft)]
    ZMQ_NORM_PUSH: bool => is_norm_push, set_norm_push;
}

#[cfg(unix)]
impl std::os::unix::io::AsRawFd for Socket {
    /// The `ZMQ_FD` descriptor, or -1 (an invalid descriptor) when libzmq cannot report it
    /// (e.g. `ETERM` after the context was terminated). [`Socket::get_fd`] is the form that
    /// reports the error.
    fn as_raw_fd(&self) -> std::os::unix::io::RawFd {
        self.get_fd().unwrap_or(-1)
    }
}

#[cfg(windows)]
impl std::os::windows::io::AsRawSocket for Socket {
    /// The `ZMQ_FD` socket, or `INVALID_SOCKET` (`!0`) when libzmq cannot report it.
    /// [`Socket::get_fd`] is the form that reports the error.
    fn as_raw_socket(&self) -> std::os::windows::io::RawSocket {
        self.get_fd().unwrap_or(!0)
    }
}

/// One accessor of one context option: `(role kind [attributes] ZMQ_ID name)`.
macro_rules! ctxopt_accessor {
    ($role:ident $kind:ident [$($attr:tt)*] $id:ident -) => {};
    (get i32 [$($attr:tt)*] $id:ident $name:ident) => {
        #[doc = concat!("Reads the context option `", stringify!($id), "` (`zmq_ctx_get`).")]
        #[doc = ""]
        $($attr)*
        pub fn $name(&self) -> Result<i32> {
            self.get_option(zmq_sys::$id)
        }
    };
    (get bool [$($attr:tt)*] $id:ident $name:ident) => {
        #[doc = concat!("Reads the context option `", stringify!($id), "` (`zmq_ctx_get`).")]
        #[doc = ""]
        $($attr)*
        pub fn $name(&self) -> Result<bool> {
            self.get_option(zmq_sys::$id).map(|v| v != 0)
        }
    };
    (set i32 [$($attr:tt)*] $id:ident $name:ident) => {
        #[doc = concat!("Sets the context option `", stringify!($id), "` (`zmq_ctx_set`).")]
        #[doc = ""]
        $($attr)*
        pub fn $name(&self, value: i32) -> Result<()> {
            self.set_option(zmq_sys::$id, value)
        }
    };
    (set bool [$($attr:tt)*] $id:ident $name:ident) => {
        #[doc = concat!("Sets the context option `", stringify!($id), "` (`zmq_ctx_set`).")]
        #[doc = ""]
        $($attr)*
        pub fn $name(&self, value: bool) -> Result<()> {
            self.set_option(zmq_sys::$id, c_int::from(value))
        }
    };
}

/// The context option table; rows as in `socket_options!` (no typed extras).
macro_rules! context_options {
    ($(
        $(#[$($meta:tt)*])*
        $id:ident : $kind:ident => $get:tt, $set:tt ;
    )*) => {
        /// Context options, generated from the option table in `sockopt.rs`.
        impl Context {
            $(
                ctxopt_accessor!(get $kind [$(#[$($meta)*])*] $id $get);
                ctxopt_accessor!(set $kind [$(#[$($meta)*])*] $id $set);
            )*
        }

        /// Every row of the context option table, in table order (DRAFT rows included,
        /// marked `draft`). Not part of the supported API.
        #[doc(hidden)]
        pub const CONTEXT_OPTIONS: &[OptionInfo] = &[
            $( option_info!([$(#[$($meta)*])*] $id $kind $get $set), )*
        ];
    };
}

context_options! {
    /// Number of I/O threads (default 1); only effective before the first socket is made.
    /// Negative values are `Err(EINVAL)`.
    ZMQ_IO_THREADS: i32 => get_io_threads, set_io_threads;
    /// Maximum number of sockets (default 1023); only effective before the first socket.
    ZMQ_MAX_SOCKETS: i32 => get_max_sockets, set_max_sockets;
    /// The largest value `ZMQ_MAX_SOCKETS` accepts on this system.
    ZMQ_SOCKET_LIMIT: i32 => get_socket_limit, -;
    /// Scheduling priority of the I/O threads (OS-specific; -1 = leave as is); libzmq cannot
    /// read it back (its id is shared with `ZMQ_SOCKET_LIMIT`).
    ZMQ_THREAD_PRIORITY: i32 => -, set_thread_priority;
    /// Scheduling policy of the I/O threads (e.g. `SCHED_OTHER`). The getter says -1 until
    /// one is set (libzmq leaves the threads' policy alone); setting -1 is `Err(EINVAL)`.
    ZMQ_THREAD_SCHED_POLICY: i32 => get_thread_sched_policy, set_thread_sched_policy;
    /// Largest message size the context allows, in bytes (default `i32::MAX`).
    ZMQ_MAX_MSGSZ: i32 => get_max_msgsz, set_max_msgsz;
    /// The size of libzmq's `zmq_msg_t` in bytes.
    ZMQ_MSG_T_SIZE: i32 => get_msg_t_size, -;
    /// Adds a CPU to the affinity set of I/O threads created after this call.
    ZMQ_THREAD_AFFINITY_CPU_ADD: i32 => -, add_thread_affinity_cpu;
    /// Removes a CPU from the affinity set (`Err(EINVAL)` if it was not added).
    ZMQ_THREAD_AFFINITY_CPU_REMOVE: i32 => -, remove_thread_affinity_cpu;
    /// Numeric prefix of the I/O threads' names (libzmq 4.3 takes an integer here).
    ZMQ_THREAD_NAME_PREFIX: i32 => get_thread_name_prefix, set_thread_name_prefix;
    /// Default of `ZMQ_IPV6` for sockets created afterwards.
    ZMQ_IPV6: bool => is_ipv6, set_ipv6;
    /// Whether terminating the context waits for unsent messages of sockets whose linger is
    /// infinite (default true).
    ZMQ_BLOCKY: bool => is_blocky, set_blocky;
    /// Decode received messages in place without copying (DRAFT; default true).
    #[cfg(zmq_draft)]
    ZMQ_ZERO_COPY_RECV: bool => is_zero_copy_recv, set_zero_copy_recv;
}
