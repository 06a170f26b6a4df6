//! Async sockets on tokio (feature `tokio`, Unix).
//!
//! [`AsyncSocket`] wraps a [`Socket`] and waits for it through tokio's reactor instead of
//! blocking a thread:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use zmq::asyncio::AsyncSocket;
//!
//! let ctx = zmq::Context::new();
//! let server = AsyncSocket::new(ctx.socket(zmq::REP)?)?;
//! server.socket().bind("tcp://127.0.0.1:*")?;
//! let endpoint = server.socket().get_last_endpoint()?.unwrap();
//!
//! let client = AsyncSocket::new(ctx.socket(zmq::REQ)?)?;
//! client.socket().connect(&endpoint)?;
//!
//! client.send("ping", 0).await?;
//! assert_eq!(server.recv_bytes().await?, b"ping");
//! server.send("pong", 0).await?;
//! assert_eq!(client.recv_string().await?.unwrap(), "pong");
//! # Ok(()) }
//! ```
//!
//! # How readiness works
//!
//! libzmq's `ZMQ_FD` is not the socket's data channel: it is a descriptor that becomes
//! readable when *something may have changed* in [`Socket::get_events`], and it is
//! edge-triggered — any libzmq call on the socket (a send, a receive, even a failed one, or
//! reading `ZMQ_EVENTS`) may consume the signal. So every operation here:
//!
//! 1. tries the operation with `DONTWAIT` first: while messages flow, no readiness system call
//!    is made at all;
//! 2. only on `EAGAIN` registers the task's waker, reads `ZMQ_EVENTS` (the truth after the
//!    signal was consumed) and retries if the socket is ready after all;
//! 3. otherwise sleeps until tokio reports the descriptor readable.
//!
//! Because one direction's call may consume the signal the other direction waits for, every
//! completed operation wakes the tasks waiting on the same socket (if any), and a failed one
//! wakes those whose direction `ZMQ_EVENTS` shows ready (a task only sleeps while its own
//! direction is not ready, so that is a change it may have missed). One socket's sending and
//! receiving may therefore run in two tasks (share the socket with `Arc` or by reference):
//! neither can miss the other's wake-up, and neither holds anything while it waits. The
//! socket's lock is held for one attempt (a message, its frames, and reading `ZMQ_EVENTS`) and
//! never waited for on an executor thread: an operation that finds it taken registers and is
//! woken when it is released.
//!
//! When libzmq reports the socket ready but the operation keeps failing with `EAGAIN` — a
//! ROUTER with `ROUTER_MANDATORY` sending to a peer that is full while another is not, an
//! XPUB with `XPUB_NODROP` — the operation returns `Err(EAGAIN)` after a few retries instead
//! of waiting: `ZMQ_FD` cannot tell which peer became writable, so a wait could miss it and
//! waking on every change would spin. Back off and retry in that case (a blocking
//! [`Socket::send`] would wait for that peer).
//!
//! An idle socket costs nothing: no timer, no polling loop; the task sleeps in tokio's reactor.
//! Operations take part in tokio's cooperative scheduling budget, so a receive loop on a
//! socket that always has messages still lets other tasks on the same runtime run.
//!
//! # Cancellation
//!
//! Every receive completes inside a single poll, under the socket's lock: a receive future
//! that is dropped before it completes has taken nothing. A multipart message is received
//! whole or not at all (libzmq delivers the frames of one message together; should a frame
//! ever be missing, the frames already taken stay with the socket for the next receive).
//!
//! A send future dropped before it completes has sent nothing: a message, multipart or not,
//! is handed to libzmq within one poll (libzmq's high-water mark counts whole messages, so
//! once the first frame is in, the rest cannot be refused for lack of room). Should the peer
//! disappear between two frames, libzmq discards the message and the send reports
//! `Err(ECONNRESET)`; its tail is never sent on its own to another peer.
//!
//! # Dropping
//!
//! Dropping an `AsyncSocket` closes the socket as [`Socket`]'s drop does: messages libzmq
//! accepted are delivered in the background for the socket's `LINGER` period, and dropping
//! the last handle of the [`Context`](crate::Context) waits for that (in the dropping thread,
//! which may be a runtime worker). Set `LINGER` to bound it.
//!
//! # Platforms
//!
//! Unix only: tokio's `AsyncFd` takes a Unix file descriptor. On Windows libzmq's `ZMQ_FD` is
//! a `SOCKET` (a select-able signaler socket, not an event object), which tokio can only wait
//! on through its own socket types; this module is not built there, and the rest of the crate
//! is unaffected by the feature.

use std::collections::VecDeque;
use std::fmt;
use std::future::poll_fn;
use std::io;
use std::mem::ManuallyDrop;
use std::ops::Deref;
use std::os::unix::io::{AsRawFd, RawFd};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, TryLockError};
use std::task::{ready, Context as TaskContext, Poll, Wake, Waker};

use ::tokio::io::unix::AsyncFd;
use ::tokio::io::Interest;
use futures_core::Stream;
use futures_sink::Sink;

use crate::{Error, Message, PollEvents, Result, Socket, DONTWAIT, SNDMORE};

/// How many times an operation is retried in one poll when `ZMQ_EVENTS` says the socket is
/// ready but the operation still reports `EAGAIN` (a REQ socket dropping a stale reply, a
/// ROUTER with `ROUTER_MANDATORY` whose one addressed peer is full while others are not).
/// Past it the operation returns `Err(EAGAIN)` (see `poll_io`).
const READY_RETRIES: u32 = 16;

/// `lock()` that survives poisoning: nothing here panics while holding a lock, and the data
/// behind it (a socket and two queues) has no invariant a panic could break.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// An I/O error from tokio as a `zmq::Error`: the OS error when there is one, `EIO` for
/// tokio's own (e.g. its runtime shut down).
fn from_io(error: io::Error) -> Error {
    error.raw_os_error().map_or(Error::EIO, Error::from_raw)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dir {
    Recv = 0,
    Send = 1,
}

impl Dir {
    fn event(self) -> PollEvents {
        match self {
            Dir::Recv => PollEvents::POLLIN,
            Dir::Send => PollEvents::POLLOUT,
        }
    }
}

/// The tasks waiting on one socket, per direction.
///
/// tokio keeps a single waker per `AsyncFd` for `poll_read_ready`, and both directions wait on
/// the descriptor's readability. So tokio is always handed the same waker — this object — and
/// it wakes every registered task when the descriptor fires.
struct Waiters {
    lists: Mutex<[Vec<Waker>; 2]>,
    /// Whether any list is non-empty: the hot path reads only this.
    any: AtomicBool,
    /// Set when tokio reports the descriptor readable (it calls the `Wake` impl below): tokio
    /// then holds a readiness that the next operation consumes in libzmq. `poll_io` clears it
    /// before that operation, so the wait after it does not find it set, stale.
    edge: AtomicBool,
}

impl Waiters {
    fn register(&self, dir: Dir, waker: &Waker) {
        let mut lists = lock(&self.lists);
        let list = &mut lists[dir as usize];
        if !list.iter().any(|w| w.will_wake(waker)) {
            list.push(waker.clone());
        }
        // SeqCst pairs with the load in `after_op`; the socket lock orders the rest (see there).
        self.any.store(true, Ordering::SeqCst);
    }

    fn has_waiters(&self) -> bool {
        self.any.load(Ordering::SeqCst)
    }

    /// Whether a task waits in `dir`.
    fn waiting(&self, dir: Dir) -> bool {
        self.has_waiters() && !lock(&self.lists)[dir as usize].is_empty()
    }

    /// Wakes (and forgets) the tasks waiting in the given directions.
    fn wake_dirs(&self, recv: bool, send: bool) {
        let mut woken = Vec::new();
        {
            let mut lists = lock(&self.lists);
            if recv {
                woken.append(&mut lists[Dir::Recv as usize]);
            }
            if send {
                woken.append(&mut lists[Dir::Send as usize]);
            }
            let left = lists.iter().any(|l| !l.is_empty());
            self.any.store(left, Ordering::SeqCst);
        }
        for waker in woken {
            waker.wake();
        }
    }
}

impl Wake for Waiters {
    fn wake(self: Arc<Self>) {
        self.edge.store(true, Ordering::Relaxed);
        self.wake_dirs(true, true);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.edge.store(true, Ordering::Relaxed);
        self.wake_dirs(true, true);
    }
}

/// `ZMQ_FD` as tokio registers it. libzmq owns the descriptor; it stays open until the socket
/// is closed, which happens only after the `AsyncFd` is dropped (field order in
/// [`AsyncSocket`]).
struct ZmqFd(RawFd);

impl AsRawFd for ZmqFd {
    fn as_raw_fd(&self) -> RawFd {
        self.0
    }
}

/// The socket and what the async layer keeps with it, behind one lock.
struct Inner {
    socket: Socket,
    /// Whole messages the [`Sink`] accepted and libzmq has not taken yet, oldest first.
    out: VecDeque<Vec<Message>>,
    /// The failure of a message the Sink had accepted, for its next `poll_flush`/`poll_ready`.
    sink_error: Option<Error>,
    /// Frames of a multipart message received in part (libzmq's atomic delivery makes this
    /// practically unreachable); the next receive continues from them.
    partial: VecDeque<Message>,
}

/// Whether libzmq routes this type's messages through its load balancer (`lb.cpp`), which,
/// when a later frame fails, drops the frames after it (with success) until the end of the
/// message: the rest must be pushed through, or the next message would be eaten instead.
fn is_load_balanced(socket: &Socket) -> bool {
    matches!(
        socket.get_socket_type(),
        Ok(crate::PUSH | crate::DEALER | crate::REQ)
    )
}

/// Sends `frames` as one message (all but the last with `SNDMORE`), without blocking, all in
/// this call. If libzmq cannot take the first frame the error comes back and `frames` is
/// untouched: nothing was sent. Once the first frame is in, libzmq's high-water mark (which
/// counts whole messages) cannot refuse the rest; a later frame fails only when the pipe is
/// being torn down (the peer left mid-message), and libzmq then discards the message — it is
/// reported as an error and `frames` is emptied, because sending its tail later would
/// deliver a torn message to the next peer. That case is reported as `Err(ECONNRESET)` (the
/// message was lost with the connection), so that it is not mistaken for "try again".
fn send_whole(socket: &Socket, frames: &mut Vec<Message>, flags: i32) -> Result<()> {
    let last = match frames.len() {
        0 => return Ok(()),
        n => n - 1,
    };
    let flags_of = |i: usize| if i < last { flags | SNDMORE } else { flags } | DONTWAIT;
    socket.send_message(&mut frames[0], flags_of(0))?;
    for i in 1..=last {
        if let Err(mut e) = socket.send_message(&mut frames[i], flags_of(i)) {
            if e == Error::EAGAIN {
                e = Error::ECONNRESET;
            }
            if i < last && is_load_balanced(socket) {
                for (j, frame) in frames.iter_mut().enumerate().skip(i + 1) {
                    // Dropped by libzmq, which returns success.
                    let _ = socket.send_message(frame, flags_of(j));
                }
            }
            frames.clear();
            return Err(e);
        }
    }
    frames.clear();
    Ok(())
}

impl Inner {
    /// Hands the Sink's queued messages to libzmq without blocking: `Err(EAGAIN)` while it
    /// cannot take the next one, else `Ok`. A message that fails otherwise is removed and its
    /// error kept for the Sink (a direct send that flushes the queue first never sees it).
    #[inline]
    fn flush_out(&mut self) -> Result<()> {
        // Every send comes through here, and the queue is almost always empty.
        if self.out.is_empty() {
            return Ok(());
        }
        self.flush_queued()
    }

    #[inline(never)]
    fn flush_queued(&mut self) -> Result<()> {
        while let Some(frames) = self.out.front_mut() {
            match send_whole(&self.socket, frames, 0) {
                Err(Error::EAGAIN) => return Err(Error::EAGAIN),
                Err(e) => {
                    self.out.pop_front();
                    self.sink_error.get_or_insert(e);
                }
                Ok(()) => {
                    self.out.pop_front();
                }
            }
        }
        Ok(())
    }

    /// The Sink's flush: everything queued taken by libzmq, then the first failure, if any.
    fn flush_sink(&mut self) -> Result<()> {
        self.flush_out()?;
        self.sink_error.take().map_or(Ok(()), Err)
    }

    fn recv_frame(&mut self, msg: &mut Message) -> Result<()> {
        if let Some(frame) = self.partial.pop_front() {
            *msg = frame;
            return Ok(());
        }
        self.socket.recv(msg, DONTWAIT)
    }

    fn recv_multipart(&mut self) -> Result<Vec<Message>> {
        // Frames left over from an interrupted message come first.
        if self.partial.back().is_some_and(|m| !m.get_more()) {
            return Ok(self.partial.drain(..).collect());
        }
        loop {
            let mut frame = Message::new();
            self.socket.recv(&mut frame, DONTWAIT)?;
            let more = frame.get_more();
            if !more && self.partial.is_empty() {
                return Ok(vec![frame]);
            }
            self.partial.push_back(frame);
            if !more {
                return Ok(self.partial.drain(..).collect());
            }
        }
    }
}

/// Why a [`Socket`] could not become an [`AsyncSocket`]; gives the socket back.
#[derive(thiserror::Error)]
#[error("cannot register the socket with tokio: {error}")]
pub struct AttachError {
    #[source]
    error: io::Error,
    socket: Socket,
}

impl AttachError {
    /// The cause: no tokio runtime in this thread, a runtime without I/O, a socket without
    /// `ZMQ_FD` (libzmq's thread-safe DRAFT types), or the reactor's own error.
    pub fn error(&self) -> &io::Error {
        &self.error
    }

    /// The socket, unchanged.
    pub fn into_socket(self) -> Socket {
        self.socket
    }
}

impl fmt::Debug for AttachError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AttachError")
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

impl From<AttachError> for io::Error {
    fn from(e: AttachError) -> io::Error {
        e.error
    }
}

/// A [`Socket`] whose sends and receives are `async`, on tokio.
///
/// `Send + Sync`: share one between tasks with `Arc` (or by reference in `join!`), for example
/// a sending task and a receiving task on one DEALER socket. Options, bind and connect go
/// through [`AsyncSocket::socket`]. It is also a [`Stream`] of received multipart messages and
/// a [`Sink`] of multipart messages to send (both also implemented for `&AsyncSocket`).
///
/// See the [module documentation](self) for how waiting, cancellation and dropping work.
pub struct AsyncSocket {
    // Field order matters: the descriptor is deregistered from tokio before the socket (which
    // owns it) is closed.
    fd: AsyncFd<ZmqFd>,
    inner: Mutex<Inner>,
    /// Set by an operation that found the lock taken (it registered and returned `Pending`);
    /// whoever releases the lock next wakes the waiters.
    contended: AtomicBool,
    waiters: Arc<Waiters>,
    /// `waiters` as a `Waker`: what tokio is given for the descriptor.
    broadcast: Waker,
}

impl fmt::Debug for AsyncSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncSocket")
            .field("fd", &self.fd.get_ref().0)
            .finish_non_exhaustive()
    }
}

/// Exclusive access to the [`Socket`] inside an [`AsyncSocket`], for options, bind, connect and
/// the like. Not `Send`, so it cannot be held across an `.await` in a task that must be
/// `Send`; while it lives, the async operations of other tasks on this socket wait for it.
/// Do not make blocking calls through it (a `recv` with flags `0` would block the thread and
/// every other user of the socket).
///
/// Any call through it may consume the `ZMQ_FD` signal a waiting task needs (reading
/// `get_events`, a `poll`, a direct `send`), so dropping the guard wakes the tasks waiting on
/// the socket, which then check again.
pub struct SocketGuard<'a> {
    inner: MutexGuard<'a, Inner>,
    waiters: &'a Waiters,
}

impl Deref for SocketGuard<'_> {
    type Target = Socket;

    fn deref(&self) -> &Socket {
        &self.inner.socket
    }
}

impl Drop for SocketGuard<'_> {
    fn drop(&mut self) {
        // Woken tasks wait for the socket lock (released right after this) and check again.
        if self.waiters.has_waiters() {
            self.waiters.wake_dirs(true, true);
        }
    }
}

impl Socket {
    /// Turns this socket into an [`AsyncSocket`] (same as [`AsyncSocket::new`]); must be called
    /// inside a tokio runtime with I/O enabled.
    pub fn into_async(self) -> std::result::Result<AsyncSocket, AttachError> {
        AsyncSocket::new(self)
    }
}

impl AsyncSocket {
    /// Registers `socket`'s `ZMQ_FD` with the current tokio runtime. Call it inside a runtime
    /// (with I/O enabled); the socket then belongs to that runtime's reactor. On failure the
    /// socket comes back inside the error.
    ///
    /// A runtime built without I/O is detected by catching the panic tokio raises for it:
    /// the panic hook still prints tokio's message, and in a program built with
    /// `panic = "abort"` that case aborts (tokio offers no way to ask beforehand).
    pub fn new(socket: Socket) -> std::result::Result<AsyncSocket, AttachError> {
        let fd = match socket.get_fd() {
            Ok(fd) => ZmqFd(fd),
            Err(e) => {
                return Err(AttachError {
                    error: e.into(),
                    socket,
                })
            }
        };
        match Self::register(fd) {
            Ok(fd) => {
                let waiters = Arc::new(Waiters {
                    lists: Mutex::new([Vec::new(), Vec::new()]),
                    any: AtomicBool::new(false),
                    edge: AtomicBool::new(false),
                });
                Ok(AsyncSocket {
                    fd,
                    inner: Mutex::new(Inner {
                        socket,
                        out: VecDeque::new(),
                        sink_error: None,
                        partial: VecDeque::new(),
                    }),
                    contended: AtomicBool::new(false),
                    broadcast: Waker::from(waiters.clone()),
                    waiters,
                })
            }
            Err(error) => Err(AttachError { error, socket }),
        }
    }

    fn register(fd: ZmqFd) -> io::Result<AsyncFd<ZmqFd>> {
        if ::tokio::runtime::Handle::try_current().is_err() {
            return Err(io::Error::other(
                "no tokio runtime in this thread: create async sockets inside one",
            ));
        }
        // tokio panics (instead of returning an error) when the runtime was built without
        // I/O; that panic is turned into an error here. Nothing is lost on that path: only the
        // descriptor number is inside.
        //
        // `with_interest` is deprecated in recent tokio for taking any `AsRawFd` in a safe
        // function; it is used because it exists in every tokio 1.x this crate accepts, and
        // its requirement holds: the descriptor stays open and the same until the `AsyncFd`
        // is dropped, which happens before the socket that owns it is closed.
        #[allow(deprecated)]
        let registered =
            std::panic::catch_unwind(move || AsyncFd::with_interest(fd, Interest::READABLE));
        registered.unwrap_or_else(|_| {
            Err(io::Error::other(
                "the tokio runtime has no I/O driver: build it with `enable_io()` or `enable_all()`",
            ))
        })
    }

    /// The socket, for options, bind, connect, monitor and the like. See [`SocketGuard`].
    pub fn socket(&self) -> SocketGuard<'_> {
        SocketGuard {
            inner: lock(&self.inner),
            waiters: &self.waiters,
        }
    }

    /// Deregisters from tokio and gives the socket back. Messages the [`Sink`] queued are
    /// handed to libzmq first, without blocking (what it cannot take now is dropped); frames of
    /// a partly received message are dropped.
    pub fn into_inner(self) -> Socket {
        let this = ManuallyDrop::new(self);
        // SAFETY: every field of `this` that owns something is read exactly once (`contended`,
        // a plain atomic, owns nothing), and `this` is never dropped or used again, so nothing
        // is dropped twice.
        let (fd, inner, waiters, broadcast) = unsafe {
            (
                std::ptr::read(&this.fd),
                std::ptr::read(&this.inner),
                std::ptr::read(&this.waiters),
                std::ptr::read(&this.broadcast),
            )
        };
        drop(fd);
        drop(broadcast);
        waiters.wake_dirs(true, true);
        let mut inner = inner.into_inner().unwrap_or_else(PoisonError::into_inner);
        let _ = inner.flush_out();
        inner.socket
    }

    /// Wakes the waiting tasks after an operation that completed: it may have consumed the
    /// descriptor's signal they wait for.
    ///
    /// Ordering: a task registers (and sets `any`) before it reads `ZMQ_EVENTS` under the
    /// socket lock. If that read came after this operation, it saw the operation's effects; if
    /// it came before, the registration happened before this operation took the lock, so this
    /// load sees `any == true`.
    #[inline]
    fn after_op(&self) {
        if self.waiters.has_waiters() {
            self.waiters.wake_dirs(true, true);
        }
    }

    /// Releases the socket lock; if an operation found it taken meanwhile (and went to sleep
    /// registered), wakes the waiters so that it tries again.
    #[inline]
    fn unlock(&self, inner: MutexGuard<'_, Inner>) {
        drop(inner);
        // SeqCst: either the sleeper's flag is seen here, or its second `try_lock` (after
        // setting the flag) came after this release and succeeded.
        if self.contended.load(Ordering::SeqCst) && self.contended.swap(false, Ordering::SeqCst) {
            self.waiters.wake_dirs(true, true);
        }
    }

    /// Takes the socket lock without blocking the thread: the holder may be this very thread
    /// (a [`SocketGuard`] kept across an `.await` on a current-thread runtime), and an
    /// executor thread must never block. `None`: registered to be woken at the release.
    fn try_lock(&self, cx: &TaskContext<'_>, dir: Dir) -> Option<MutexGuard<'_, Inner>> {
        let attempt = || match self.inner.try_lock() {
            Ok(inner) => Some(inner),
            Err(TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
            Err(TryLockError::WouldBlock) => None,
        };
        if let Some(inner) = attempt() {
            return Some(inner);
        }
        self.waiters.register(dir, cx.waker());
        self.contended.store(true, Ordering::SeqCst);
        attempt()
    }

    /// The one readiness loop every operation goes through. `op` makes one non-blocking
    /// attempt; `wait == false` returns its `EAGAIN` instead of waiting.
    fn poll_io<R>(
        &self,
        cx: &mut TaskContext<'_>,
        dir: Dir,
        wait: bool,
        mut op: impl FnMut(&mut Inner) -> Result<R>,
    ) -> Poll<Result<R>> {
        let coop = ready!(::tokio::task::coop::poll_proceed(cx));
        if self.waiters.edge.load(Ordering::Relaxed) {
            // tokio woke us for an edge that the operation below consumes: forget that
            // readiness before it does (only if no newer edge came in meanwhile), or the next
            // wait would find it set, stale, and go round once more for nothing.
            self.waiters.edge.store(false, Ordering::Relaxed);
            let mut broadcast = TaskContext::from_waker(&self.broadcast);
            if let Poll::Ready(Ok(mut guard)) = self.fd.poll_read_ready(&mut broadcast) {
                guard.clear_ready();
            }
        }
        let mut registered = false;
        let mut retries = 0;
        loop {
            let Some(mut inner) = self.try_lock(cx, dir) else {
                return Poll::Pending;
            };
            match op(&mut inner) {
                Err(Error::EAGAIN) if wait => {}
                done => {
                    self.unlock(inner);
                    self.after_op();
                    coop.made_progress();
                    return Poll::Ready(done);
                }
            }
            if !registered {
                self.waiters.register(dir, cx.waker());
                registered = true;
            }
            // A receive that failed with EAGAIN has just processed the socket's commands itself
            // (libzmq does that on every non-blocking miss), under this lock: from here on any
            // change signals the descriptor, and ZMQ_EVENTS would tell nothing new — unless a
            // sender waits for a change this receive consumed. (A send processes commands only
            // now and then, so a failed send always reads ZMQ_EVENTS.)
            if dir == Dir::Recv && retries < READY_RETRIES && !self.waiters.waiting(Dir::Send) {
                self.unlock(inner);
                ready!(self.wait_fd())?;
                retries += 1;
                continue;
            }
            // The operation (or someone else's) may have consumed the descriptor's signal:
            // ZMQ_EVENTS is the truth now, and from here on any change signals the descriptor.
            let events = inner.socket.get_events();
            self.unlock(inner);
            let events = match events {
                Ok(events) => events,
                Err(Error::EINTR) => continue,
                Err(e) => {
                    // ETERM and the like: the signal it consumed may be what others wait for.
                    self.waiters.wake_dirs(true, true);
                    return Poll::Ready(Err(e));
                }
            };
            // Tasks waiting for a direction that is ready now were asleep when it was not, and
            // this call (or the failed operation) may have consumed the signal of the change:
            // wake them. (Tasks of this direction too: ROUTER_MANDATORY's POLLOUT may be for
            // another task's peer.)
            let (recv_ready, send_ready) = (
                events.contains(PollEvents::POLLIN),
                events.contains(PollEvents::POLLOUT),
            );
            if (recv_ready || send_ready) && self.waiters.has_waiters() {
                self.waiters.wake_dirs(recv_ready, send_ready);
            }
            if events.contains(dir.event()) {
                if retries < READY_RETRIES {
                    retries += 1;
                    continue;
                }
                // libzmq says ready but the operation keeps failing (ROUTER_MANDATORY with
                // this message's peer full while another is not, XPUB_NODROP): the change
                // that would unblock it cannot be told apart from others, so sleeping could
                // miss it and waking on every change would spin. Report it instead.
                return Poll::Ready(Err(Error::EAGAIN));
            }
            ready!(self.wait_fd())?;
        }
    }

    /// Sleeps on the descriptor: `Pending` (tokio will wake the broadcast waker), or
    /// `Ready(Ok)` when tokio still held a readiness seen earlier and possibly consumed since —
    /// forgotten now (only if no newer edge came in meanwhile), so the caller checks again —
    /// or `Ready(Err)` from the reactor (everyone is woken: nobody can wait on it any more).
    fn wait_fd(&self) -> Poll<Result<()>> {
        let mut broadcast = TaskContext::from_waker(&self.broadcast);
        match self.fd.poll_read_ready(&mut broadcast) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Ok(mut guard)) => {
                guard.clear_ready();
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => {
                self.waiters.wake_dirs(true, true);
                Poll::Ready(Err(from_io(e)))
            }
        }
    }

    /// Polls to send one frame from `msg` (see [`AsyncSocket::send_message`]).
    pub fn poll_send_message(
        &self,
        cx: &mut TaskContext<'_>,
        msg: &mut Message,
        flags: i32,
    ) -> Poll<Result<()>> {
        let wait = flags & DONTWAIT == 0;
        self.poll_io(cx, Dir::Send, wait, |inner| {
            inner.flush_out()?;
            inner.socket.send_message(msg, flags | DONTWAIT)
        })
    }

    /// Polls to receive one frame into `msg` (see [`AsyncSocket::recv`]).
    pub fn poll_recv(&self, cx: &mut TaskContext<'_>, msg: &mut Message) -> Poll<Result<()>> {
        self.poll_io(cx, Dir::Recv, true, |inner| inner.recv_frame(msg))
    }

    /// Polls to receive every frame of one message (see [`AsyncSocket::recv_multipart_msgs`]).
    pub fn poll_recv_multipart(&self, cx: &mut TaskContext<'_>) -> Poll<Result<Vec<Message>>> {
        self.poll_io(cx, Dir::Recv, true, Inner::recv_multipart)
    }

    /// Polls until every message queued by the [`Sink`] is in libzmq's hands; then reports
    /// the first of them that failed, if any.
    pub fn poll_flush_queued(&self, cx: &mut TaskContext<'_>) -> Poll<Result<()>> {
        self.poll_io(cx, Dir::Send, true, Inner::flush_sink)
    }

    /// Sends one frame; `flags` may hold [`SNDMORE`]. Waits while libzmq cannot take the frame
    /// (high-water mark, no peer yet); with [`DONTWAIT`] in `flags` it returns `Err(EAGAIN)`
    /// instead.
    ///
    /// Cancel-safe: if the future is dropped before it completes, nothing was sent.
    pub async fn send<T: Into<Message>>(&self, data: T, flags: i32) -> Result<()> {
        let mut msg = data.into();
        poll_fn(|cx| self.poll_send_message(cx, &mut msg, flags)).await
    }

    /// Sends one frame from `msg`, leaving `msg` empty on success and untouched on failure or
    /// cancellation, so the caller can retry with it.
    ///
    /// Cancel-safe: if the future is dropped before it completes, nothing was sent and the
    /// frame is still in `msg`.
    pub async fn send_message(&self, msg: &mut Message, flags: i32) -> Result<()> {
        poll_fn(|cx| self.poll_send_message(cx, msg, flags)).await
    }

    /// Sends every item as one frame of a single multipart message (all but the last with
    /// `flags | SNDMORE`), all frames in one go. An empty iterator sends nothing. With
    /// [`DONTWAIT`] in `flags` it returns `Err(EAGAIN)` when the message cannot be sent now.
    ///
    /// Cancel-safe: a dropped future has sent nothing. If the peer disappears between two
    /// frames, libzmq discards the message and this returns `Err(ECONNRESET)`.
    pub async fn send_multipart<I, T>(&self, iter: I, flags: i32) -> Result<()>
    where
        I: IntoIterator<Item = T>,
        T: Into<Message>,
    {
        let mut frames: Vec<Message> = iter.into_iter().map(Into::into).collect();
        let wait = flags & DONTWAIT == 0;
        poll_fn(|cx| {
            self.poll_io(cx, Dir::Send, wait, |inner| {
                inner.flush_out()?;
                send_whole(&inner.socket, &mut frames, flags)
            })
        })
        .await
    }

    /// Receives one frame into `msg`, replacing its content (no allocation for a reused
    /// `Message`). Check [`Message::get_more`] for further frames of the same message.
    ///
    /// Cancel-safe: a dropped future has received nothing.
    pub async fn recv(&self, msg: &mut Message) -> Result<()> {
        poll_fn(|cx| self.poll_recv(cx, msg)).await
    }

    /// Receives one frame as a new [`Message`]. Cancel-safe.
    pub async fn recv_msg(&self) -> Result<Message> {
        let mut msg = Message::new();
        self.recv(&mut msg).await?;
        Ok(msg)
    }

    /// Receives one frame and copies it into a `Vec`. Cancel-safe.
    pub async fn recv_bytes(&self) -> Result<Vec<u8>> {
        Ok(self.recv_msg().await?.to_vec())
    }

    /// Receives one frame as a `String`; the inner `Err` carries the bytes when they are not
    /// UTF-8. Cancel-safe.
    pub async fn recv_string(&self) -> Result<std::result::Result<String, Vec<u8>>> {
        let bytes = self.recv_bytes().await?;
        Ok(String::from_utf8(bytes).map_err(|e| e.into_bytes()))
    }

    /// Receives every frame of one multipart message, copied into `Vec`s. Cancel-safe: all
    /// frames or none.
    pub async fn recv_multipart(&self) -> Result<Vec<Vec<u8>>> {
        let frames = self.recv_multipart_msgs().await?;
        Ok(frames.iter().map(|f| f.to_vec()).collect())
    }

    /// Receives every frame of one multipart message as [`Message`]s (no copies).
    /// Cancel-safe: all frames or none.
    pub async fn recv_multipart_msgs(&self) -> Result<Vec<Message>> {
        poll_fn(|cx| self.poll_recv_multipart(cx)).await
    }

    fn poll_next_message(&self, cx: &mut TaskContext<'_>) -> Poll<Option<Result<Vec<Message>>>> {
        match ready!(self.poll_recv_multipart(cx)) {
            Err(Error::ETERM) => Poll::Ready(None),
            other => Poll::Ready(Some(other)),
        }
    }

    fn start_send_frames(&self, item: Multipart) {
        let mut inner = lock(&self.inner);
        inner.out.push_back(item.0);
        // Hand it over now if libzmq can take it; if not, poll_flush will (errors are kept).
        let _ = inner.flush_out();
        self.unlock(inner);
        self.after_op();
    }
}

impl Drop for AsyncSocket {
    fn drop(&mut self) {
        // Messages the Sink accepted but did not flush are handed to libzmq (without
        // blocking), which delivers them within LINGER.
        let _ = lock(&self.inner).flush_out();
        self.waiters.wake_dirs(true, true);
    }
}

/// Received multipart messages; ends when the context is terminated (`ETERM`).
impl Stream for AsyncSocket {
    type Item = Result<Vec<Message>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        self.poll_next_message(cx)
    }
}

/// Received multipart messages; ends when the context is terminated (`ETERM`).
impl Stream for &AsyncSocket {
    type Item = Result<Vec<Message>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        self.poll_next_message(cx)
    }
}

/// One multipart message for the [`Sink`] side of an [`AsyncSocket`]: its frames in order.
///
/// Made from any `Vec` or array of frames (`Vec<Vec<u8>>`, `[&str; 2]`, `Vec<Message>`, ...)
/// or one [`Message`]:
///
/// ```
/// let m = zmq::asyncio::Multipart::from(["topic", "payload"]);
/// assert_eq!(m.0.len(), 2);
/// ```
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Multipart(pub Vec<Message>);

impl<T: Into<Message>> From<Vec<T>> for Multipart {
    fn from(frames: Vec<T>) -> Multipart {
        Multipart(frames.into_iter().map(Into::into).collect())
    }
}

impl<T: Into<Message>, const N: usize> From<[T; N]> for Multipart {
    fn from(frames: [T; N]) -> Multipart {
        Multipart(frames.into_iter().map(Into::into).collect())
    }
}

impl From<Message> for Multipart {
    fn from(frame: Message) -> Multipart {
        Multipart(vec![frame])
    }
}

impl IntoIterator for Multipart {
    type Item = Message;
    type IntoIter = std::vec::IntoIter<Message>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

macro_rules! sink_impl {
    ($($target:ty),*) => {$(
        /// Multipart messages to send. `start_send` queues the message and hands it to libzmq
        /// at once when it can; `poll_ready` waits until no earlier message is queued, and
        /// `poll_flush` until libzmq has taken everything. (With `futures::SinkExt` in scope,
        /// the inherent [`AsyncSocket::send`] still wins for `socket.send(..)`; write
        /// `SinkExt::send(&mut socket, ..)` for the sink's.)
        impl Sink<Multipart> for $target {
            type Error = Error;

            fn poll_ready(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Result<()>> {
                self.poll_flush_queued(cx)
            }

            fn start_send(self: Pin<&mut Self>, item: Multipart) -> Result<()> {
                self.start_send_frames(item);
                Ok(())
            }

            fn poll_flush(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Result<()>> {
                self.poll_flush_queued(cx)
            }

            fn poll_close(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Result<()>> {
                self.poll_flush_queued(cx)
            }
        }
    )*};
}

sink_impl!(AsyncSocket, &AsyncSocket);
