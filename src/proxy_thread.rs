//! [`ProxyHandle`]: the steerable proxy on a thread of its own, steered through methods.
//!
//! Sugar over [`proxy_steerable`](crate::proxy_steerable): the handle owns the proxied
//! sockets, the thread, and both ends of a PAIR control pair; it sends the control commands
//! and reads the replies, so a caller never speaks the command protocol (or works around
//! the releases that got it wrong) by hand.

use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::context::Context;
use crate::error::{Error, Result};
use crate::socket::{Socket, SocketType};

/// How long one wait on the control socket lasts before the proxy thread is checked again.
const SLICE: Duration = Duration::from_millis(20);

/// The default bound on a wait for the proxy's answer (see [`ProxyHandle::set_timeout`]).
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// The sockets a proxy forwarded between, handed back by [`ProxyHandle::terminate`].
#[derive(Debug)]
pub struct ProxySockets {
    /// The first socket given to [`ProxyHandle::spawn`].
    pub frontend: Socket,
    /// The second socket given to [`ProxyHandle::spawn`].
    pub backend: Socket,
    /// The capture socket, if one was given.
    pub capture: Option<Socket>,
}

/// The counters of one side of a proxy (see [`ProxyStatistics`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ProxySideStatistics {
    /// Frames received on this side's socket (every frame of a multipart message counts).
    pub messages_received: u64,
    /// Payload bytes of those frames.
    pub bytes_received: u64,
    /// Frames sent on this side's socket.
    pub messages_sent: u64,
    /// Payload bytes of those frames.
    pub bytes_sent: u64,
}

/// What a running proxy has forwarded so far: the eight counters of libzmq's `STATISTICS`
/// command, per side.
///
/// A message that enters at the frontend counts as received there and as sent at the
/// backend, and the other way round. libzmq 4.3.5 counts frames (a two-part message counts
/// two); earlier releases count whole messages. Bytes are payload bytes either way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ProxyStatistics {
    /// The frontend socket's counters.
    pub frontend: ProxySideStatistics,
    /// The backend socket's counters.
    pub backend: ProxySideStatistics,
}

impl ProxyStatistics {
    /// The counters in the order libzmq sends them (frontend received messages, bytes, sent
    /// messages, bytes; then the same for the backend).
    fn from_counters(c: [u64; 8]) -> ProxyStatistics {
        let side = |i: usize| ProxySideStatistics {
            messages_received: c[i],
            bytes_received: c[i + 1],
            messages_sent: c[i + 2],
            bytes_sent: c[i + 3],
        };
        ProxyStatistics {
            frontend: side(0),
            backend: side(4),
        }
    }
}

/// What the proxy thread hands back when `zmq_proxy_steerable` returns: its result, the
/// proxied sockets and the proxy's end of the control pair.
type Outcome = (Result<()>, ProxySockets, Socket);

/// A steerable proxy (`zmq_proxy_steerable`) running on a thread this handle owns.
///
/// [`ProxyHandle::spawn`] takes the frontend, backend and optional capture socket, creates a
/// PAIR control pair on a fresh `inproc://` endpoint in the frontend's context, and starts
/// the proxy. The methods steer it: [`pause`](ProxyHandle::pause),
/// [`resume`](ProxyHandle::resume), [`statistics`](ProxyHandle::statistics) and
/// [`terminate`](ProxyHandle::terminate), which joins the thread and gives the sockets back.
/// Dropping the handle terminates the proxy and joins its thread too.
///
/// Each command waits until the proxy has handled it (a `STATISTICS` request follows every
/// command, and its answer comes after), so `pause()` returning `Ok` means nothing more is
/// forwarded. `pause()` pauses on every libzmq release: libzmq 4.3.5 has the `PAUSE` and
/// `RESUME` commands swapped, and the handle sends the one that release understands.
///
/// With a capture socket, libzmq releases before 4.3.5 also copy every control command the
/// handle sends (`STATISTICS`, `PAUSE`, `RESUME`, `TERMINATE`) to it, as single frames;
/// 4.3.5 does not.
///
/// If the proxy ended on its own (its context was terminated or shut down: `ETERM`), the
/// methods return its error instead of waiting; no wait lasts longer than the
/// [timeout](ProxyHandle::set_timeout) (5 s unless set), after which `Err(EAGAIN)` comes back.
///
/// ```
/// let ctx = zmq::Context::new();
/// let frontend = ctx.socket(zmq::PULL).unwrap();
/// frontend.bind("inproc://proxy-handle-doc-in").unwrap();
/// let backend = ctx.socket(zmq::PUSH).unwrap();
/// backend.bind("inproc://proxy-handle-doc-out").unwrap();
/// let mut proxy = zmq::ProxyHandle::spawn(frontend, backend, None).unwrap();
///
/// let input = ctx.socket(zmq::PUSH).unwrap();
/// input.connect("inproc://proxy-handle-doc-in").unwrap();
/// let output = ctx.socket(zmq::PULL).unwrap();
/// output.connect("inproc://proxy-handle-doc-out").unwrap();
/// input.send("hello", 0).unwrap();
/// assert_eq!(output.recv_bytes(0).unwrap(), b"hello");
///
/// let stats = proxy.statistics().unwrap();
/// assert_eq!(stats.frontend.messages_received, 1);
/// assert_eq!(stats.backend.bytes_sent, 5);
///
/// let sockets = proxy.terminate().unwrap(); // the proxy stopped; the sockets are back
/// assert_eq!(sockets.frontend.get_socket_type().unwrap(), zmq::PULL);
/// ```
#[derive(Debug)]
pub struct ProxyHandle {
    /// Our end of the control pair.
    control: Socket,
    /// The proxy thread, until it is joined.
    thread: Option<JoinHandle<Outcome>>,
    /// How the proxy ended, once the thread is joined (the sockets are dropped then).
    ended: Option<Error>,
    /// `STATISTICS` requests sent whose answers have not been read yet (a wait that timed
    /// out leaves one behind; its late answer is skipped).
    unanswered: usize,
    /// The bound on one wait for an answer.
    timeout: Duration,
}

/// A fresh `inproc://` name for a control pair: unique in this process.
fn control_endpoint() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("inproc://zmq-rs-proxy-handle-{}-{n}", std::process::id())
}

/// A PAIR socket with `LINGER` 0, so a command nobody read never delays context termination.
fn control_socket(ctx: &Context) -> Result<Socket> {
    let socket = ctx.socket(SocketType::PAIR)?;
    socket.set_linger(0)?;
    Ok(socket)
}

/// The command libzmq's proxy understands as "pause" (`pause == true`) or "resume": 4.3.5
/// reads them the wrong way round.
fn command(pause: bool) -> &'static str {
    let swapped = crate::version() == (4, 3, 5);
    if pause != swapped {
        "PAUSE"
    } else {
        "RESUME"
    }
}

impl ProxyHandle {
    /// Starts `zmq_proxy_steerable` between `frontend` and `backend` (and `capture`, which
    /// gets a copy of every message, if given) on a new thread.
    ///
    /// The control pair is made in the frontend's context (the backend's if the frontend
    /// came from [`Socket::from_raw`]); `Err(EINVAL)` if neither socket knows its context.
    /// Errors creating the control pair or the thread are returned, and the sockets are
    /// dropped.
    pub fn spawn(
        frontend: Socket,
        backend: Socket,
        capture: Option<Socket>,
    ) -> Result<ProxyHandle> {
        let ctx = frontend
            .context()
            .or(backend.context())
            .cloned()
            .ok_or(Error::EINVAL)?;
        let mut peer = control_socket(&ctx)?;
        let control = control_socket(&ctx)?;
        // A name taken by someone else (`EADDRINUSE`) just means trying the next one.
        let mut endpoint = control_endpoint();
        let mut attempts = 0;
        while let Err(e) = peer.bind(&endpoint) {
            attempts += 1;
            if e != Error::EADDRINUSE || attempts >= 16 {
                return Err(e);
            }
            endpoint = control_endpoint();
        }
        control.connect(&endpoint)?;

        let mut sockets = ProxySockets {
            frontend,
            backend,
            capture,
        };
        let thread = std::thread::Builder::new()
            .name("zmq-proxy".into())
            .spawn(move || {
                let s = &mut sockets;
                let result = match &mut s.capture {
                    Some(capture) => crate::proxy_steerable_with_capture(
                        &mut s.frontend,
                        &mut s.backend,
                        capture,
                        &mut peer,
                    ),
                    None => crate::proxy_steerable(&mut s.frontend, &mut s.backend, &mut peer),
                };
                (result, sockets, peer)
            })
            .map_err(|e| e.raw_os_error().map_or(Error::ENOMEM, Error::from_raw))?;
        Ok(ProxyHandle {
            control,
            thread: Some(thread),
            ended: None,
            unanswered: 0,
            timeout: DEFAULT_TIMEOUT,
        })
    }

    /// Sets the bound on each wait for the proxy's answer (5 s by default). A wait that runs
    /// out returns `Err(EAGAIN)`; the proxy is still running then (e.g. stuck in a send
    /// whose peer does not read) and the command may still take effect.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// Stops forwarding: messages stay queued in the sockets until [`resume`](Self::resume).
    /// Returns once the proxy has paused.
    pub fn pause(&mut self) -> Result<()> {
        self.steer(command(true)).map(drop)
    }

    /// Starts forwarding again after [`pause`](Self::pause); returns once the proxy has
    /// resumed. Resuming a running proxy changes nothing.
    pub fn resume(&mut self) -> Result<()> {
        self.steer(command(false)).map(drop)
    }

    /// The proxy's message and byte counters (`STATISTICS`).
    pub fn statistics(&mut self) -> Result<ProxyStatistics> {
        self.request().map(ProxyStatistics::from_counters)
    }

    /// Whether the proxy thread is still running (it stops on [`terminate`](Self::terminate)
    /// or when its context is terminated or shut down).
    pub fn is_running(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    /// Stops the proxy (`TERMINATE`), joins its thread and hands back the sockets.
    ///
    /// If the proxy had already ended with an error (e.g. `ETERM` after its context was
    /// shut down), that error is returned and the sockets are closed.
    pub fn terminate(mut self) -> Result<ProxySockets> {
        let (result, sockets, _peer) = self.stop()?;
        result.map(|()| sockets)
    }

    /// Sends `TERMINATE` (unless the proxy is gone) and joins the thread.
    fn stop(&mut self) -> Result<Outcome> {
        let thread = match self.thread.take() {
            Some(thread) => thread,
            None => return Err(self.ended.unwrap_or(Error::ETERM)),
        };
        if !thread.is_finished() {
            // A failure here (ETERM) means the proxy is ending by itself.
            let _ = self.control.send("TERMINATE", crate::DONTWAIT);
        }
        thread.join().map_err(|_| Error::EFAULT)
    }

    /// Joins a finished proxy thread and remembers its error; returns that error.
    fn reap(&mut self) -> Error {
        let error = match self.thread.take().map(JoinHandle::join) {
            Some(Ok((Err(e), _, _))) => e,
            // The proxy returns `Ok` only after a `TERMINATE`, which only `stop` sends.
            Some(Ok((Ok(()), _, _))) => Error::ETERM,
            Some(Err(_)) => Error::EFAULT,
            None => self.ended.unwrap_or(Error::ETERM),
        };
        self.ended = Some(error);
        error
    }

    /// Sends a command followed by `STATISTICS`, and returns the counters once the answer
    /// came (so the command was handled).
    fn steer(&mut self, command: &str) -> Result<[u64; 8]> {
        self.check_alive()?;
        let sent = self.control.send(command, crate::DONTWAIT);
        sent.map_err(|e| self.failed(e))?;
        self.request()
    }

    /// What a failed call on the control socket returns: after `ETERM` (the context was
    /// terminated or shut down) the proxy is ending too, so its thread is joined and its own
    /// error returned.
    fn failed(&mut self, error: Error) -> Error {
        if error == Error::ETERM {
            self.reap()
        } else {
            error
        }
    }

    /// `Err` with the proxy's error if its thread has ended.
    fn check_alive(&mut self) -> Result<()> {
        match &self.thread {
            Some(thread) if !thread.is_finished() => Ok(()),
            _ => Err(self.reap()),
        }
    }

    /// Sends `STATISTICS` and waits (bounded) for its answer.
    fn request(&mut self) -> Result<[u64; 8]> {
        self.check_alive()?;
        let sent = self.control.send("STATISTICS", crate::DONTWAIT);
        sent.map_err(|e| self.failed(e))?;
        self.unanswered += 1;
        let deadline = Instant::now() + self.timeout;
        loop {
            let now = Instant::now();
            if now >= deadline {
                return Err(Error::EAGAIN);
            }
            let slice = SLICE.min(deadline - now);
            let ready = self.control.poll_timeout(crate::POLLIN, Some(slice));
            if ready.map_err(|e| self.failed(e))? == 0 {
                self.check_alive()?;
                continue;
            }
            let frames = self.control.recv_multipart_msgs(crate::DONTWAIT);
            let frames = frames.map_err(|e| self.failed(e))?;
            // libzmq 4.3.5 answers every other command with one empty frame: skip those.
            if frames.len() != 8 {
                continue;
            }
            self.unanswered -= 1;
            if self.unanswered > 0 {
                continue; // the late answer to a request that timed out
            }
            let mut counters = [0u64; 8];
            for (counter, frame) in counters.iter_mut().zip(&frames) {
                let bytes: [u8; 8] = frame[..].try_into().map_err(|_| Error::EPROTO)?;
                *counter = u64::from_ne_bytes(bytes);
            }
            return Ok(counters);
        }
    }
}

impl Drop for ProxyHandle {
    /// Terminates the proxy and joins its thread (the sockets are closed afterwards).
    fn drop(&mut self) {
        let _ = self.stop();
    }
}
