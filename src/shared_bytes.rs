//! `bytes::Bytes` in and out of messages (feature `bytes`), without copies where libzmq
//! allows.
//!
//! Sending: `Bytes` and `BytesMut` convert into a [`Message`] that borrows their buffer; the
//! `Bytes` handle is kept alive until libzmq is done with the bytes (possibly after the send
//! completed in an I/O thread) and dropped then, once. Receiving: a [`Message`] converts
//! into a `Bytes` that owns the message and points at its bytes, so a frame that came
//! through `inproc://` from a zero-copy send is the very buffer the sender handed over.
//! Frames of at most 33 bytes are copied both ways: libzmq keeps those inside the message
//! itself, and one small copy costs less than the allocations that sharing them would take.

use bytes::{Bytes, BytesMut};

use crate::error::Result;
use crate::message::{Message, INLINE_MAX};
use crate::socket::Socket;

impl From<Bytes> for Message {
    /// Zero-copy above 33 bytes: libzmq reads the `Bytes`' buffer in place and drops the
    /// handle when done (smaller payloads are copied, as for `Vec<u8>`).
    ///
    /// ```
    /// let data = bytes::Bytes::from(vec![7u8; 1000]);
    /// let msg = zmq::Message::from(data.clone());
    /// assert_eq!(msg.as_ptr(), data.as_ptr()); // the same bytes, not a copy
    /// ```
    fn from(data: Bytes) -> Message {
        Message::from_owner(data)
    }
}

impl From<BytesMut> for Message {
    /// Freezes the buffer, then as `From<Bytes>` (zero-copy above 33 bytes).
    fn from(data: BytesMut) -> Message {
        Message::from(data.freeze())
    }
}

/// A received message as the owner of a `Bytes` (`Bytes::from_owner` needs `AsRef<[u8]>`).
struct Frame(Message);

impl AsRef<[u8]> for Frame {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Message> for Bytes {
    /// The frame's bytes as `Bytes`. Above 33 bytes without a copy: the `Bytes` owns the
    /// message and points into it, and the message is closed when the last clone of the
    /// `Bytes` is dropped. Smaller frames, which libzmq stores inside the message itself,
    /// are copied into a plain `Bytes` (one small copy, no allocation kept around).
    ///
    /// Metadata (`get_more`, `gets`, routing id, ...) is not carried over: read it from the
    /// [`Message`] first.
    fn from(msg: Message) -> Bytes {
        if msg.len() <= INLINE_MAX {
            Bytes::copy_from_slice(&msg)
        } else {
            Bytes::from_owner(Frame(msg))
        }
    }
}

impl Socket {
    /// Receives one frame as `bytes::Bytes` (feature `bytes`), without copying frames larger
    /// than 33 bytes (see `From<Message> for Bytes`); the cheap-to-clone counterpart of
    /// [`Socket::recv_bytes`], which always copies into a `Vec`.
    ///
    /// ```
    /// let ctx = zmq::Context::new();
    /// let (a, b) = (ctx.socket(zmq::PAIR).unwrap(), ctx.socket(zmq::PAIR).unwrap());
    /// a.bind("inproc://recv-bytes-shared-doc").unwrap();
    /// b.connect("inproc://recv-bytes-shared-doc").unwrap();
    ///
    /// let payload = bytes::Bytes::from(vec![1u8; 4096]);
    /// a.send(payload.clone(), 0).unwrap();
    /// let received = b.recv_bytes_shared(0).unwrap();
    /// assert_eq!(received, payload);
    /// // Over inproc libzmq passes the buffer itself along: nothing was copied.
    /// assert_eq!(received.as_ptr(), payload.as_ptr());
    /// ```
    pub fn recv_bytes_shared(&self, flags: i32) -> Result<Bytes> {
        self.recv_msg(flags).map(Bytes::from)
    }

    /// Receives every frame of one multipart message as `bytes::Bytes` (feature `bytes`),
    /// each as [`Socket::recv_bytes_shared`] gives it.
    pub fn recv_multipart_bytes_shared(&self, flags: i32) -> Result<Vec<Bytes>> {
        let parts = self.recv_multipart_msgs(flags)?;
        Ok(parts.into_iter().map(Bytes::from).collect())
    }
}
