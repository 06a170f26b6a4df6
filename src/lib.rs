//! Safe Rust bindings over libzmq, the native ZeroMQ library.
//!
//! A drop-in replacement for the crates.io crate `zmq` 0.10 (same names, signatures and
//! behaviour; see the README's migration section for the few intentional differences), and
//! a superset of it: every libzmq 4.3.5 socket option and type, zero-copy messages, decoded
//! monitor events, CURVE helpers.
//!
//! ```
//! let ctx = zmq::Context::new();
//! let server = ctx.socket(zmq::REP).unwrap();
//! server.bind("tcp://127.0.0.1:*").unwrap();
//! let endpoint = server.get_last_endpoint().unwrap().unwrap();
//!
//! let client = ctx.socket(zmq::REQ).unwrap();
//! client.connect(&endpoint).unwrap();
//! client.send("Are you OK?", 0).unwrap();
//! assert_eq!(server.recv_string(0).unwrap().unwrap(), "Are you OK?");
//! server.send("I am OK!", 0).unwrap();
//! assert_eq!(client.recv_bytes(0).unwrap(), b"I am OK!");
//!
//! // Out-of-order calls are errors, as in libzmq: a REQ socket must wait for the answer.
//! client.send("again", 0).unwrap();
//! assert_eq!(client.send("too soon", 0), Err(zmq::Error::EFSM));
//! ```
//!
//! Which libzmq is linked (the system's, or a vendored 4.3.5 built from source) is decided by
//! the `zmq-sys` build script; [`version`] and [`has`] tell at run time.
#![warn(missing_docs)]

#[macro_use]
mod trace;

#[cfg(all(feature = "tokio", unix))]
pub mod asyncio;
pub mod auth;
mod context;
mod error;
mod flags;
#[cfg(feature = "serde")]
mod json;
mod library;
mod message;
mod monitor;
#[cfg(feature = "serde")]
mod options;
mod poll;
pub mod poller;
mod proxy;
mod proxy_thread;
pub mod reqrep;
mod security;
#[cfg(feature = "bytes")]
mod shared_bytes;
mod socket;
mod sockopt;
#[cfg(zmq_timers)]
pub mod timers;

pub use crate::context::Context;
pub use crate::error::{Error, Result};
pub use crate::flags::{
    PollEvents, RecvFlags, SendFlags, DONTWAIT, POLLERR, POLLIN, POLLOUT, SNDMORE,
};
#[cfg(feature = "serde")]
pub use crate::json::JsonError;
pub use crate::library::{check_library, has, has_capability, version};
pub use crate::message::Message;
#[cfg(feature = "serde")]
pub use crate::options::*;
pub use crate::poller::PollSet;
#[cfg(zmq_draft)]
pub use crate::poller::Poller;
pub use crate::socket::{Sendable, Socket, SocketType};
#[cfg(zmq_timers)]
pub use crate::timers::{TimerId, Timers};
pub use crate::SocketType::*;

pub use crate::monitor::*;
pub use crate::poll::*;
pub use crate::proxy::*;
pub use crate::proxy_thread::{ProxyHandle, ProxySideStatistics, ProxySockets, ProxyStatistics};
pub use crate::security::*;
pub use crate::sockopt::*;
