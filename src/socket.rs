//! `Socket`: socket types, bind/connect, and the send/recv families.

use std::os::raw::{c_int, c_void};

use crate::context::Context;
use crate::error::{c_string, check, last_error, Error, Result};
use crate::message::Message;

macro_rules! socket_types {
    ($( $(#[doc = $doc:literal])* $(#[cfg($cfg:meta)])? $name:ident = $raw:path, )*) => {
        /// The kind of a socket, which fixes its messaging pattern.
        ///
        /// `as i32` gives libzmq's value (`zmq::REQ as i32 == 3`). The DRAFT types exist only
        /// when the linked libzmq has the DRAFT API (`cfg(zmq_draft)`, e.g. feature `draft`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[allow(clippy::upper_case_acronyms)]
        pub enum SocketType {
            $( $(#[doc = $doc])* $(#[cfg($cfg)])? $name = $raw as isize, )*
        }

        impl SocketType {
            /// libzmq's value for this type (`ZMQ_REQ`, ...).
            pub fn to_raw(self) -> i32 {
                self as i32
            }

        }

        impl TryFrom<i32> for SocketType {
            type Error = Error;

            /// The type for a libzmq value (`ZMQ_REQ`, ...); `Err(EINVAL)` for a value this
            /// build does not know (a DRAFT type without `cfg(zmq_draft)`, or no type at all).
            fn try_from(raw: i32) -> Result<SocketType> {
                $( $(#[cfg($cfg)])? { if raw == $raw as i32 { return Ok(SocketType::$name); } } )*
                Err(Error::EINVAL)
            }
        }
    };
}

socket_types! {
    /// Exclusive pair: one peer, both directions.
    PAIR = zmq_sys::ZMQ_PAIR,
    /// Publisher: sends to every matching subscriber, never receives.
    PUB = zmq_sys::ZMQ_PUB,
    /// Subscriber: receives the topics it subscribed to.
    SUB = zmq_sys::ZMQ_SUB,
    /// Requester: strictly send, receive, send, receive...
    REQ = zmq_sys::ZMQ_REQ,
    /// Replier: strictly receive, send, receive, send...
    REP = zmq_sys::ZMQ_REP,
    /// Asynchronous requester: load-balances outgoing, fair-queues incoming.
    DEALER = zmq_sys::ZMQ_DEALER,
    /// Asynchronous replier: addresses peers by routing id (first frame).
    ROUTER = zmq_sys::ZMQ_ROUTER,
    /// Pipeline sink end: receives, fair-queued.
    PULL = zmq_sys::ZMQ_PULL,
    /// Pipeline source end: sends, load-balanced.
    PUSH = zmq_sys::ZMQ_PUSH,
    /// Publisher that also receives subscription messages.
    XPUB = zmq_sys::ZMQ_XPUB,
    /// Subscriber that subscribes by sending subscription messages.
    XSUB = zmq_sys::ZMQ_XSUB,
    /// Raw TCP: exchanges bytes with non-ZeroMQ peers, framed by a routing id.
    STREAM = zmq_sys::ZMQ_STREAM,
    /// Thread-safe replier addressed by routing id (DRAFT).
    #[cfg(zmq_draft)]
    SERVER = zmq_sys::ZMQ_SERVER,
    /// Thread-safe requester (DRAFT).
    #[cfg(zmq_draft)]
    CLIENT = zmq_sys::ZMQ_CLIENT,
    /// Group publisher (DRAFT).
    #[cfg(zmq_draft)]
    RADIO = zmq_sys::ZMQ_RADIO,
    /// Group subscriber (DRAFT).
    #[cfg(zmq_draft)]
    DISH = zmq_sys::ZMQ_DISH,
    /// Thread-safe pipeline sink (DRAFT).
    #[cfg(zmq_draft)]
    GATHER = zmq_sys::ZMQ_GATHER,
    /// Thread-safe pipeline source (DRAFT).
    #[cfg(zmq_draft)]
    SCATTER = zmq_sys::ZMQ_SCATTER,
    /// UDP datagrams (DRAFT).
    #[cfg(zmq_draft)]
    DGRAM = zmq_sys::ZMQ_DGRAM,
    /// Thread-safe peer-to-peer (DRAFT).
    #[cfg(zmq_draft)]
    PEER = zmq_sys::ZMQ_PEER,
    /// Thread-safe exclusive pair (DRAFT).
    #[cfg(zmq_draft)]
    CHANNEL = zmq_sys::ZMQ_CHANNEL,
}

/// A value that can be sent as one frame by [`Socket::send`].
///
/// Implemented for everything that converts into a [`Message`] (`&[u8]`, `&str`, `Vec<u8>`,
/// `Box<[u8]>`, `Message`, ...); implement it for your own types to send them directly.
pub trait Sendable {
    /// Sends `self` on `socket` as one frame with `flags` (`0`, `DONTWAIT`, `SNDMORE`).
    fn send(self, socket: &Socket, flags: i32) -> Result<()>;
}

impl<T: Into<Message>> Sendable for T {
    #[inline]
    fn send(self, socket: &Socket, flags: i32) -> Result<()> {
        // A successful zmq_msg_send leaves an empty message behind, and closing that would
        // be a no-op libzmq call on the hot path, so only a failed send closes the message
        // (dropping what the caller handed over, as documented on `Socket::send`).
        // `ManuallyDrop` rather than `mem::forget` after the send: forgetting takes the
        // message by value, which costs a 64-byte copy per message.
        let mut msg = std::mem::ManuallyDrop::new(self.into());
        let sent = socket.send_msg_raw(&mut msg, flags);
        if sent.is_err() {
            // SAFETY: dropped once, here, and `msg` is not used again.
            unsafe { std::mem::ManuallyDrop::drop(&mut msg) };
        }
        sent
    }
}

/// A ZeroMQ socket.
///
/// `Send` but not `Sync`: a libzmq socket may move between threads but must not be used from
/// two at once, so `&Socket` cannot cross threads:
///
/// ```compile_fail,E0277
/// let ctx = zmq::Context::new();
/// let socket = ctx.socket(zmq::PAIR).unwrap();
/// let socket_ref: &'static zmq::Socket = Box::leak(Box::new(socket));
/// std::thread::spawn(move || socket_ref.bind("inproc://x"));
/// ```
///
/// Moving the socket itself is fine:
///
/// ```
/// let ctx = zmq::Context::new();
/// let socket = ctx.socket(zmq::PAIR).unwrap();
/// std::thread::spawn(move || socket.bind("inproc://moved").unwrap()).join().unwrap();
/// ```
pub struct Socket {
    raw: *mut c_void,
    /// Keeps the context alive while the socket is; `None` for a socket adopted with
    /// [`Socket::from_raw`]. Dropped after the socket is closed (see `Drop`).
    context: Option<Context>,
    /// False after `into_raw`, when someone else owns the handle.
    owned: bool,
}

// SAFETY: libzmq sockets may be used from any thread as long as only one thread uses them at
// a time. `Socket` is not `Sync`, and every method takes `&self` or `&mut self` of the one
// owner, so moving the owner to another thread is sound.
unsafe impl Send for Socket {}

impl std::fmt::Debug for Socket {
    /// The raw handle and the socket type, e.g. `Socket { handle: 0x55d0…, socket_type:
    /// Some(DEALER) }` (`None` when libzmq cannot say, e.g. after the context was
    /// terminated).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Socket")
            .field("handle", &self.raw)
            .field("socket_type", &self.get_socket_type().ok())
            .finish()
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        if self.owned {
            zmq_event!(
                debug,
                socket_type = ?self.get_socket_type().ok(),
                socket = ?self.raw,
                "close"
            );
            // SAFETY: we own the handle and close it exactly once. The result is ignored:
            // close fails only for an invalid handle (ENOTSOCK), and panicking in Drop would
            // abort during unwinding.
            unsafe {
                zmq_sys::zmq_close(self.raw);
            }
        }
        // `context` drops after this, so the context outlives its socket.
    }
}

impl Context {
    /// Creates a socket of the given type (`zmq_socket`). The socket keeps this context alive.
    ///
    /// ```
    /// let ctx = zmq::Context::new();
    /// let socket = ctx.socket(zmq::REQ).unwrap();
    /// assert_eq!(socket.get_socket_type().unwrap(), zmq::REQ);
    /// ```
    pub fn socket(&self, socket_type: SocketType) -> Result<Socket> {
        let raw = self.with_raw(|ctx| {
            // SAFETY: the context pointer is live for this closure; zmq_socket returns NULL
            // (checked) or a new socket that we own.
            let raw = unsafe { zmq_sys::zmq_socket(ctx, socket_type.to_raw()) };
            if raw.is_null() {
                Err(crate::error::last_error())
            } else {
                Ok(raw)
            }
        })?;
        Ok(Socket {
            raw,
            context: Some(self.clone()),
            owned: true,
        })
    }
}

/// The context handles of sockets given away with [`Socket::into_raw`], by raw address.
fn raw_contexts() -> std::sync::MutexGuard<'static, std::collections::HashMap<usize, Context>> {
    static TABLE: std::sync::OnceLock<std::sync::Mutex<std::collections::HashMap<usize, Context>>> =
        std::sync::OnceLock::new();
    TABLE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

impl Socket {
    /// The raw handle, for the crate's own libzmq calls. Valid while `self` lives.
    pub(crate) fn raw(&self) -> *mut c_void {
        self.raw
    }

    /// Gives up ownership and returns the raw `void*` socket handle; the socket is not closed.
    ///
    /// Unlike zmq 0.10, the raw socket keeps its context alive: the socket's context handle
    /// is kept in a process-wide table, so dropping the last `Context` afterwards cannot hang
    /// waiting for a socket nobody will close. The price: that context is not terminated by
    /// Rust unless the handle comes back through [`Socket::from_raw`].
    pub fn into_raw(mut self) -> *mut c_void {
        self.owned = false;
        if let Some(context) = self.context.take() {
            let previous = raw_contexts().insert(self.raw as usize, context);
            // A stale entry: its socket was closed by C code and the address reused. Its
            // context may still have open sockets, so dropping the handle could wait for
            // them: keep it alive instead, as before.
            std::mem::forget(previous);
        }
        self.raw
    }

    /// Takes ownership of a raw socket handle; it is closed when the `Socket` drops.
    ///
    /// A handle that came from [`Socket::into_raw`] gets its context handle back (the
    /// socket holds its context alive again, and `context()` returns it); any other handle
    /// holds none. If that was the last handle of the context, dropping the socket then
    /// terminates the context, which waits for the socket's unsent messages as `LINGER` says
    /// (0.10's adopted socket only closed): set `set_linger(0)` first when that matters. The
    /// handle is found by the socket's address, so C code must not `zmq_close` a socket it
    /// got from `into_raw` and hand a new one at the same address to `from_raw`.
    ///
    /// # Safety
    /// `raw` must be a live libzmq socket handle that nothing else closes or uses from another
    /// thread while this `Socket` exists, and its context must outlive it (unless the handle
    /// came from `into_raw`, whose context is kept).
    pub unsafe fn from_raw(raw: *mut c_void) -> Socket {
        let context = raw_contexts().remove(&(raw as usize));
        Socket {
            raw,
            context,
            owned: true,
        }
    }

    /// The raw handle, for passing to `zmq_sys` functions; ownership stays here.
    pub fn as_mut_ptr(&mut self) -> *mut c_void {
        self.raw
    }

    /// The context this socket was made from (`None` for one adopted with `from_raw`).
    pub fn context(&self) -> Option<&Context> {
        self.context.as_ref()
    }

    /// The `debug` event of a bind, unbind, connect or disconnect (feature `tracing`).
    #[inline]
    fn trace_endpoint(&self, op: &'static str, endpoint: &str, result: &Result<()>) {
        #[cfg(not(feature = "tracing"))]
        let _ = (op, endpoint, result);
        zmq_event!(
            debug,
            op,
            endpoint,
            socket_type = ?self.get_socket_type().ok(),
            socket = ?self.raw,
            result = ?result,
            errno = result.as_ref().err().map(|e| e.to_raw()),
            "{op}"
        );
    }

    fn endpoint_call(
        &self,
        endpoint: &str,
        call: unsafe extern "C" fn(*mut c_void, *const std::os::raw::c_char) -> c_int,
    ) -> Result<()> {
        let endpoint = c_string(endpoint)?;
        // SAFETY: the socket handle is live and the endpoint a valid C string for the call.
        check(unsafe { call(self.raw, endpoint.as_ptr()) }).map(drop)
    }

    /// Accepts connections on an endpoint (`zmq_bind`), e.g. `tcp://127.0.0.1:5555`,
    /// `tcp://*:*` (any free port; read it back with `get_last_endpoint`), `ipc:///tmp/x`,
    /// `inproc://name`. An endpoint with a NUL byte is `Err(EINVAL)`.
    pub fn bind(&self, endpoint: &str) -> Result<()> {
        let result = self.endpoint_call(endpoint, zmq_sys::zmq_bind);
        self.trace_endpoint("bind", endpoint, &result);
        result
    }

    /// Stops accepting on an endpoint (`zmq_unbind`); `Err(ENOENT)` if it was not bound.
    pub fn unbind(&self, endpoint: &str) -> Result<()> {
        let result = self.endpoint_call(endpoint, zmq_sys::zmq_unbind);
        self.trace_endpoint("unbind", endpoint, &result);
        result
    }

    /// Connects to an endpoint (`zmq_connect`); the connection is made in the background.
    ///
    /// An `inproc://` connect to a name nobody has bound yet waits for the bind, and the
    /// socket keeps waiting after it is dropped: it holds one of the context's sockets
    /// (`MAX_SOCKETS`, 1023 by default) and its descriptors until that name is bound or the
    /// context terminates. A long-lived context that connects to many never-bound names runs
    /// out of sockets (`EMFILE`).
    pub fn connect(&self, endpoint: &str) -> Result<()> {
        let result = self.endpoint_call(endpoint, zmq_sys::zmq_connect);
        self.trace_endpoint("connect", endpoint, &result);
        result
    }

    /// Disconnects from an endpoint (`zmq_disconnect`); `Err(ENOENT)` if not connected.
    pub fn disconnect(&self, endpoint: &str) -> Result<()> {
        let result = self.endpoint_call(endpoint, zmq_sys::zmq_disconnect);
        self.trace_endpoint("disconnect", endpoint, &result);
        result
    }

    /// Connects a PEER socket and returns the peer's routing id (DRAFT).
    #[cfg(zmq_draft)]
    pub fn connect_peer(&self, endpoint: &str) -> Result<u32> {
        let endpoint = c_string(endpoint)?;
        // SAFETY: live handle, valid C string.
        let id = unsafe { zmq_sys::zmq_connect_peer(self.raw, endpoint.as_ptr()) };
        if id == 0 {
            Err(crate::error::last_error())
        } else {
            Ok(id)
        }
    }

    /// Joins a group on a DISH socket (DRAFT); at most `ZMQ_GROUP_MAX_LENGTH` bytes (255 in
    /// libzmq 4.3.5) and no NUL, otherwise `Err(EINVAL)`.
    #[cfg(zmq_draft)]
    pub fn join(&self, group: &str) -> Result<()> {
        self.endpoint_call(group, zmq_sys::zmq_join)
    }

    /// Leaves a group on a DISH socket (DRAFT).
    #[cfg(zmq_draft)]
    pub fn leave(&self, group: &str) -> Result<()> {
        self.endpoint_call(group, zmq_sys::zmq_leave)
    }

    /// Sends a message, leaving it empty on success; on failure it keeps its content so the
    /// caller can retry.
    #[inline]
    fn send_msg_raw(&self, msg: &mut Message, flags: i32) -> Result<()> {
        // The length is gone once libzmq took the message: read it first, when wanted.
        #[cfg(feature = "tracing")]
        let len = zmq_trace_enabled!().then(|| msg.len());
        // SAFETY: live handle; the message is initialised and exclusively borrowed. On success
        // libzmq takes the content and leaves an empty message, which `msg`'s drop closes.
        check(unsafe { zmq_sys::zmq_msg_send(msg.raw_mut_ptr(), self.raw, flags) })?;
        msg.content_replaced();
        #[cfg(feature = "tracing")]
        if let Some(len) = len {
            zmq_event!(trace, socket = ?self.raw, len, flags, "send");
        }
        Ok(())
    }

    /// Sends one frame. `flags` is `0`, [`DONTWAIT`](crate::DONTWAIT),
    /// [`SNDMORE`](crate::SNDMORE) or both OR-ed. The value is consumed: on failure it is
    /// dropped; use [`Socket::send_message`] to keep it for a retry.
    ///
    /// ```
    /// let ctx = zmq::Context::new();
    /// let (a, b) = (ctx.socket(zmq::PAIR).unwrap(), ctx.socket(zmq::PAIR).unwrap());
    /// a.bind("inproc://send-doc").unwrap();
    /// b.connect("inproc://send-doc").unwrap();
    /// a.send("hello", 0).unwrap();
    /// assert_eq!(b.recv_string(0).unwrap().unwrap(), "hello");
    /// ```
    #[inline]
    pub fn send<T: Sendable>(&self, data: T, flags: i32) -> Result<()> {
        data.send(self, flags)
    }

    /// Sends a message; on failure (e.g. `EAGAIN` with `DONTWAIT`) the message is left
    /// untouched in `msg`, so nothing the caller handed over is lost. On success `msg` is
    /// empty.
    pub fn send_message(&self, msg: &mut Message, flags: i32) -> Result<()> {
        self.send_msg_raw(msg, flags)
    }

    /// [`Socket::send`] with typed flags.
    ///
    /// ```
    /// let ctx = zmq::Context::new();
    /// let push = ctx.socket(zmq::PUSH).unwrap();
    /// // Nobody is connected: a non-blocking send cannot complete.
    /// assert_eq!(push.send_with("x", zmq::SendFlags::DONTWAIT), Err(zmq::Error::EAGAIN));
    /// ```
    pub fn send_with<T: Sendable>(&self, data: T, flags: crate::SendFlags) -> Result<()> {
        data.send(self, flags.bits())
    }

    /// Same as `send(msg, flags)`.
    #[deprecated(since = "0.9.0", note = "use `send`")]
    pub fn send_msg(&self, msg: Message, flags: i32) -> Result<()> {
        self.send(msg, flags)
    }

    /// Same as `send(data, flags)`.
    #[deprecated(since = "0.9.0", note = "use `send`")]
    pub fn send_str(&self, data: &str, flags: i32) -> Result<()> {
        self.send(data, flags)
    }

    /// Sends every item as one frame of a multipart message: all but the last with
    /// `flags | SNDMORE`. An empty iterator sends nothing. Stops at the first error; frames
    /// sent before it stay queued as the start of an unfinished message, which the next send
    /// on this socket continues (libzmq delivers messages whole, so the peer sees nothing
    /// until it is finished). `EINTR` can come even with `DONTWAIT`: libzmq reads its command
    /// queue at the start of every send, and a signal can interrupt that.
    pub fn send_multipart<I, T>(&self, iter: I, flags: i32) -> Result<()>
    where
        I: IntoIterator<Item = T>,
        T: Into<Message>,
    {
        let mut iter = iter.into_iter().peekable();
        while let Some(part) = iter.next() {
            let part_flags = if iter.peek().is_some() {
                flags | crate::SNDMORE
            } else {
                flags
            };
            self.send(part.into(), part_flags)?;
        }
        Ok(())
    }

    /// Receives one frame into `msg`, replacing its content (`zmq_msg_recv`).
    ///
    /// On failure (`EAGAIN`, `EFSM`, `ETERM`, ...) `msg` is left an empty frame: it no longer
    /// answers [`Message::get_more`] or the properties for the frame it held before (libzmq
    /// itself empties it on some failures and leaves it untouched on others).
    #[inline]
    pub fn recv(&self, msg: &mut Message, flags: i32) -> Result<()> {
        // SAFETY: live handle; the message is initialised and exclusively borrowed; libzmq
        // closes its old content before writing the new frame.
        let rc = unsafe { zmq_sys::zmq_msg_recv(msg.raw_mut_ptr(), self.raw, flags) };
        if rc == -1 {
            let error = last_error();
            *msg = Message::new();
            return Err(error);
        }
        msg.content_replaced();
        zmq_event!(
            trace,
            socket = ?self.raw,
            len = rc,
            more = msg.get_more(),
            "recv"
        );
        Ok(())
    }

    /// Receives one frame into `bytes` (`zmq_recv`) and returns the frame's **full** length,
    /// which is larger than `bytes.len()` when the frame was cut off (libzmq reports at most
    /// `i32::MAX` for frames of 2 GiB or more).
    pub fn recv_into(&self, bytes: &mut [u8], flags: i32) -> Result<usize> {
        // SAFETY: live handle; libzmq writes at most `bytes.len()` bytes into the buffer.
        let n = check(unsafe {
            zmq_sys::zmq_recv(
                self.raw,
                bytes.as_mut_ptr() as *mut c_void,
                bytes.len(),
                flags,
            )
        })?;
        zmq_event!(trace, socket = ?self.raw, len = n, "recv");
        Ok(n as usize)
    }

    /// Receives one frame as a new [`Message`].
    #[inline]
    pub fn recv_msg(&self, flags: i32) -> Result<Message> {
        let mut msg = Message::new();
        self.recv(&mut msg, flags)?;
        Ok(msg)
    }

    /// [`Socket::recv_msg`] with typed flags.
    pub fn recv_msg_with(&self, flags: crate::RecvFlags) -> Result<Message> {
        self.recv_msg(flags.bits())
    }

    /// Receives one frame and copies it into a `Vec`.
    pub fn recv_bytes(&self, flags: i32) -> Result<Vec<u8>> {
        self.recv_msg(flags).map(|msg| msg.to_vec())
    }

    /// Receives one frame as a `String`; the inner `Err` carries the bytes when they are not
    /// UTF-8, so nothing is lost.
    pub fn recv_string(&self, flags: i32) -> Result<std::result::Result<String, Vec<u8>>> {
        self.recv_bytes(flags)
            .map(|bytes| String::from_utf8(bytes).map_err(|e| e.into_bytes()))
    }

    /// Receives every frame of one multipart message. The same `flags` apply to each frame.
    pub fn recv_multipart(&self, flags: i32) -> Result<Vec<Vec<u8>>> {
        let parts = self.recv_multipart_msgs(flags)?;
        Ok(parts.iter().map(|part| part.to_vec()).collect())
    }

    /// Receives every frame of one multipart message as [`Message`]s (no copies).
    pub fn recv_multipart_msgs(&self, flags: i32) -> Result<Vec<Message>> {
        let mut parts = Vec::new();
        loop {
            let msg = match self.recv_msg(flags) {
                Ok(msg) => msg,
                // Once the first frame is here the rest are too (messages arrive whole), so
                // an interrupted call is retried rather than dropping the frames taken so far
                // and leaving the rest to look like a message of their own.
                Err(Error::EINTR) if !parts.is_empty() => continue,
                Err(e) => return Err(e),
            };
            let more = msg.get_more();
            parts.push(msg);
            if !more {
                return Ok(parts);
            }
        }
    }
}
