//! Request-reply whose order of calls the compiler checks.
//!
//! A REQ socket must alternate send, receive, send...; a REP socket receive, send, receive...
//! libzmq answers an out-of-order call with `EFSM` at run time (and [`Socket`] passes that on
//! unchanged). The types here make the out-of-order call impossible to write instead: sending
//! consumes a [`Requester`] and returns an [`AwaitingReply`], which can only receive, which
//! gives the `Requester` back; a [`Replier`] can only receive, and gives a [`Replying`] that
//! can only send.
//!
//! ```
//! use zmq::reqrep::{Replier, Requester};
//!
//! let ctx = zmq::Context::new();
//! let rep = ctx.socket(zmq::REP).unwrap();
//! rep.bind("inproc://typed-doc").unwrap();
//! let req = ctx.socket(zmq::REQ).unwrap();
//! req.connect("inproc://typed-doc").unwrap();
//!
//! let (requester, replier) = (Requester::new(req).unwrap(), Replier::new(rep).unwrap());
//! let waiting = requester.send("ping").unwrap();
//! let (request, replying) = replier.recv().unwrap();
//! assert_eq!(&request[0][..], b"ping");
//! let _replier = replying.send("pong").unwrap();
//! let (reply, _requester) = waiting.recv().unwrap();
//! assert_eq!(&reply[0][..], b"pong");
//! ```
//!
//! Sending twice does not compile (`AwaitingReply` has no `send`):
//!
//! ```compile_fail,E0599
//! # let ctx = zmq::Context::new();
//! let requester = zmq::reqrep::Requester::new(ctx.socket(zmq::REQ).unwrap()).unwrap();
//! let waiting = requester.send("one").unwrap();
//! waiting.send("two");
//! ```
//!
//! Nor does reusing the requester after it sent (it was moved):
//!
//! ```compile_fail,E0382
//! # let ctx = zmq::Context::new();
//! let requester = zmq::reqrep::Requester::new(ctx.socket(zmq::REQ).unwrap()).unwrap();
//! let _waiting = requester.send("one").unwrap();
//! requester.send("two");
//! ```
//!
//! Nor does a replier that sends before it received:
//!
//! ```compile_fail,E0599
//! # let ctx = zmq::Context::new();
//! let replier = zmq::reqrep::Replier::new(ctx.socket(zmq::REP).unwrap()).unwrap();
//! replier.send("unasked");
//! ```
//!
//! Nor a reply sent twice:
//!
//! ```compile_fail,E0599
//! # let ctx = zmq::Context::new();
//! # let replier = zmq::reqrep::Replier::new(ctx.socket(zmq::REP).unwrap()).unwrap();
//! let (_request, replying) = replier.recv().unwrap();
//! let replier = replying.send("one").unwrap();
//! replier.send("two");
//! ```
//!
//! With feature `tokio` the same types wrap an `zmq::asyncio::AsyncSocket` and
//! their `send`/`recv` are `async`; the calls that do not compile are the same.
//!
//! A failed call (a timeout from `RCVTIMEO`/`SNDTIMEO`, `ETERM`, ...) returns a
//! [`ReqRepError`] that carries the socket back in the state it was in, so a timed-out
//! request can still wait for its reply.

use std::fmt;

use crate::{Error, Message, Result, Socket, SocketType};

mod sealed {
    /// The sockets the typed wrappers accept: [`Socket`](crate::Socket) and, with feature
    /// `tokio`, `zmq::asyncio::AsyncSocket`.
    pub trait Sealed {
        fn kind(&self) -> crate::Result<crate::SocketType>;
    }
}

/// A socket the typed request-reply wrappers can hold: [`Socket`] (blocking calls) or, with
/// feature `tokio`, `zmq::asyncio::AsyncSocket` (`async` calls). Sealed.
pub trait ReqRepSocket: sealed::Sealed {}

impl sealed::Sealed for Socket {
    fn kind(&self) -> Result<SocketType> {
        self.get_socket_type()
    }
}
impl ReqRepSocket for Socket {}

#[cfg(all(feature = "tokio", unix))]
impl sealed::Sealed for crate::asyncio::AsyncSocket {
    fn kind(&self) -> Result<SocketType> {
        self.socket().get_socket_type()
    }
}
#[cfg(all(feature = "tokio", unix))]
impl ReqRepSocket for crate::asyncio::AsyncSocket {}

/// A failed typed call: the libzmq error and the socket, back in the state it was in.
pub struct ReqRepError<T> {
    /// What libzmq reported (`EAGAIN` after a send/receive timeout, `ETERM`, ...).
    pub error: Error,
    /// The wrapper the call consumed, unchanged: retry with it, or take the socket out.
    pub state: T,
}

impl<T> fmt::Debug for ReqRepError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReqRepError")
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

impl<T> fmt::Display for ReqRepError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl<T> std::error::Error for ReqRepError<T> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// Lets `?` turn a typed failure into a plain [`Error`] (dropping the socket).
impl<T> From<ReqRepError<T>> for Error {
    fn from(e: ReqRepError<T>) -> Error {
        e.error
    }
}

macro_rules! state_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        pub struct $name<S: ReqRepSocket = Socket> {
            socket: S,
        }

        impl<S: ReqRepSocket> $name<S> {
            /// The socket, for options (not for sending or receiving: that is what the typed
            /// calls are for).
            pub fn get_ref(&self) -> &S {
                &self.socket
            }

            /// Gives up the typing and returns the socket.
            pub fn into_inner(self) -> S {
                self.socket
            }
        }

        impl<S: ReqRepSocket> fmt::Debug for $name<S> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(stringify!($name))
            }
        }
    };
}

state_type! {
    /// A REQ socket ready to send a request. Sending consumes it and returns an
    /// [`AwaitingReply`].
    Requester
}
state_type! {
    /// A REQ socket that sent a request: it can only receive the reply, which gives the
    /// [`Requester`] back.
    AwaitingReply
}
state_type! {
    /// A REP socket ready to receive a request. Receiving consumes it and returns a
    /// [`Replying`].
    Replier
}
state_type! {
    /// A REP socket that received a request: it can only send the reply, which gives the
    /// [`Replier`] back.
    Replying
}

/// Wraps `socket` if it has the expected type; otherwise `EINVAL` with the socket back.
fn typed<S: ReqRepSocket, T>(
    socket: S,
    expected: SocketType,
    wrap: impl FnOnce(S) -> T,
) -> std::result::Result<T, ReqRepError<S>> {
    match socket.kind() {
        Ok(kind) if kind == expected => Ok(wrap(socket)),
        Ok(_) => Err(ReqRepError {
            error: Error::EINVAL,
            state: socket,
        }),
        Err(error) => Err(ReqRepError {
            error,
            state: socket,
        }),
    }
}

impl<S: ReqRepSocket> Requester<S> {
    /// Wraps a REQ socket that has not sent yet. Another socket type is `Err(EINVAL)`.
    pub fn new(socket: S) -> std::result::Result<Requester<S>, ReqRepError<S>> {
        typed(socket, SocketType::REQ, |socket| Requester { socket })
    }
}

impl<S: ReqRepSocket> Replier<S> {
    /// Wraps a REP socket that is waiting for a request. Another socket type is
    /// `Err(EINVAL)`.
    pub fn new(socket: S) -> std::result::Result<Replier<S>, ReqRepError<S>> {
        typed(socket, SocketType::REP, |socket| Replier { socket })
    }
}

/// `Ok(next)` or the error with the unchanged state.
fn step<V, T, N>(result: Result<V>, state: T, next: impl FnOnce(T, V) -> N) -> StepResult<N, T> {
    match result {
        Ok(value) => Ok(next(state, value)),
        Err(error) => Err(ReqRepError { error, state }),
    }
}

type StepResult<N, T> = std::result::Result<N, ReqRepError<T>>;

impl Requester<Socket> {
    /// Sends a one-frame request (blocking, subject to `SNDTIMEO`).
    pub fn send<T: Into<Message>>(self, data: T) -> StepResult<AwaitingReply, Requester> {
        self.send_multipart([data])
    }

    /// Sends a multipart request (blocking, subject to `SNDTIMEO`).
    pub fn send_multipart<I, T>(self, parts: I) -> StepResult<AwaitingReply, Requester>
    where
        I: IntoIterator<Item = T>,
        T: Into<Message>,
    {
        let sent = self.socket.send_multipart(parts, 0);
        step(sent, self, |s, ()| AwaitingReply { socket: s.socket })
    }
}

impl AwaitingReply<Socket> {
    /// Receives the reply, all frames (blocking, subject to `RCVTIMEO`: on `EAGAIN` the
    /// request is still outstanding and the error carries the `AwaitingReply` back).
    pub fn recv(self) -> std::result::Result<(Vec<Message>, Requester), ReqRepError<Self>> {
        let received = self.socket.recv_multipart_msgs(0);
        step(received, self, |s, reply| {
            (reply, Requester { socket: s.socket })
        })
    }
}

impl Replier<Socket> {
    /// Receives a request, all frames (blocking, subject to `RCVTIMEO`).
    pub fn recv(self) -> std::result::Result<(Vec<Message>, Replying), ReqRepError<Self>> {
        let received = self.socket.recv_multipart_msgs(0);
        step(received, self, |s, request| {
            (request, Replying { socket: s.socket })
        })
    }
}

impl Replying<Socket> {
    /// Sends a one-frame reply (blocking, subject to `SNDTIMEO`).
    pub fn send<T: Into<Message>>(self, data: T) -> StepResult<Replier, Replying> {
        self.send_multipart([data])
    }

    /// Sends a multipart reply (blocking, subject to `SNDTIMEO`).
    pub fn send_multipart<I, T>(self, parts: I) -> StepResult<Replier, Replying>
    where
        I: IntoIterator<Item = T>,
        T: Into<Message>,
    {
        let sent = self.socket.send_multipart(parts, 0);
        step(sent, self, |s, ()| Replier { socket: s.socket })
    }
}

#[cfg(all(feature = "tokio", unix))]
mod async_impls {
    use std::future::{poll_fn, Future};
    use std::task::Poll;

    use super::*;
    use crate::asyncio::AsyncSocket;

    impl Requester<AsyncSocket> {
        /// Sends a one-frame request. Dropping the future before it completes drops the
        /// socket with it (it was moved in); nothing was sent then.
        pub async fn send<T: Into<Message>>(
            self,
            data: T,
        ) -> StepResult<AwaitingReply<AsyncSocket>, Requester<AsyncSocket>> {
            self.send_multipart([data]).await
        }

        /// Sends a multipart request.
        pub async fn send_multipart<I, T>(
            self,
            parts: I,
        ) -> StepResult<AwaitingReply<AsyncSocket>, Requester<AsyncSocket>>
        where
            I: IntoIterator<Item = T>,
            T: Into<Message>,
        {
            let sent = self.socket.send_multipart(parts, 0).await;
            step(sent, self, |s, ()| AwaitingReply { socket: s.socket })
        }
    }

    /// Receives a whole multipart message from `socket`, unless `cancel` completes first
    /// (`Err(EAGAIN)`). Cancel-safe like every receive of [`AsyncSocket`]: nothing is taken
    /// then.
    async fn recv_unless<C: Future>(socket: &AsyncSocket, cancel: C) -> Result<Vec<Message>> {
        let mut cancel = std::pin::pin!(cancel);
        poll_fn(|cx| {
            if let Poll::Ready(received) = socket.poll_recv_multipart(cx) {
                return Poll::Ready(received);
            }
            cancel.as_mut().poll(cx).map(|_| Err(Error::EAGAIN))
        })
        .await
    }

    impl AwaitingReply<AsyncSocket> {
        /// Receives the reply, all frames.
        ///
        /// Dropping this future drops the socket with it (it was moved in). To bound the
        /// wait and keep the socket, use [`AwaitingReply::recv_until`].
        pub async fn recv(
            self,
        ) -> std::result::Result<(Vec<Message>, Requester<AsyncSocket>), ReqRepError<Self>>
        {
            self.recv_until(std::future::pending::<()>()).await
        }

        /// Receives the reply unless `cancel` completes first (a timer, a shutdown signal):
        /// then `Err` with `EAGAIN` and this `AwaitingReply` back, the request still
        /// outstanding.
        ///
        /// ```
        /// # #[tokio::main(flavor = "current_thread")]
        /// # async fn main() {
        /// # let ctx = zmq::Context::new();
        /// # let rep = ctx.socket(zmq::REP).unwrap();
        /// # rep.bind("inproc://recv-until").unwrap();
        /// # let req = ctx.socket(zmq::REQ).unwrap().into_async().unwrap();
        /// # req.socket().connect("inproc://recv-until").unwrap();
        /// let requester = zmq::reqrep::Requester::new(req).unwrap();
        /// let waiting = requester.send("anyone?").await.unwrap();
        /// let timer = tokio::time::sleep(std::time::Duration::from_millis(10));
        /// let err = waiting.recv_until(timer).await.unwrap_err();
        /// assert_eq!(err.error, zmq::Error::EAGAIN);
        /// let waiting = err.state; // still waiting for that reply
        /// # drop(waiting);
        /// # }
        /// ```
        pub async fn recv_until<C: Future>(
            self,
            cancel: C,
        ) -> std::result::Result<(Vec<Message>, Requester<AsyncSocket>), ReqRepError<Self>>
        {
            let received = recv_unless(&self.socket, cancel).await;
            step(received, self, |s, reply| {
                (reply, Requester { socket: s.socket })
            })
        }
    }

    impl Replier<AsyncSocket> {
        /// Receives a request, all frames. Dropping this future drops the socket with it; to
        /// bound the wait and keep the socket, use [`Replier::recv_until`].
        pub async fn recv(
            self,
        ) -> std::result::Result<(Vec<Message>, Replying<AsyncSocket>), ReqRepError<Self>> {
            self.recv_until(std::future::pending::<()>()).await
        }

        /// Receives a request unless `cancel` completes first: then `Err` with `EAGAIN` and
        /// this `Replier` back.
        pub async fn recv_until<C: Future>(
            self,
            cancel: C,
        ) -> std::result::Result<(Vec<Message>, Replying<AsyncSocket>), ReqRepError<Self>> {
            let received = recv_unless(&self.socket, cancel).await;
            step(received, self, |s, request| {
                (request, Replying { socket: s.socket })
            })
        }
    }

    impl Replying<AsyncSocket> {
        /// Sends a one-frame reply.
        pub async fn send<T: Into<Message>>(
            self,
            data: T,
        ) -> StepResult<Replier<AsyncSocket>, Replying<AsyncSocket>> {
            self.send_multipart([data]).await
        }

        /// Sends a multipart reply.
        pub async fn send_multipart<I, T>(
            self,
            parts: I,
        ) -> StepResult<Replier<AsyncSocket>, Replying<AsyncSocket>>
        where
            I: IntoIterator<Item = T>,
            T: Into<Message>,
        {
            let sent = self.socket.send_multipart(parts, 0).await;
            step(sent, self, |s, ()| Replier { socket: s.socket })
        }
    }
}
