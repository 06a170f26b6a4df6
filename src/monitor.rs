//! Socket monitoring: [`Socket::monitor`] publishes a socket's connection events on an
//! `inproc://` PAIR endpoint; [`MonitorEvent`] decodes what arrives there.
//!
//! ```
//! use zmq::{SocketEvent, POLLIN};
//!
//! let ctx = zmq::Context::new();
//! let server = ctx.socket(zmq::DEALER).unwrap();
//! server.monitor("inproc://monitor-module-doc", SocketEvent::ALL as i32).unwrap();
//! let monitor = ctx.socket(zmq::PAIR).unwrap();
//! monitor.connect("inproc://monitor-module-doc").unwrap();
//!
//! server.bind("tcp://127.0.0.1:*").unwrap();
//! assert_eq!(monitor.poll(POLLIN, 5000).unwrap(), 1);
//! let event = monitor.recv_monitor_event(0).unwrap();
//! assert_eq!(event.event(), Some(SocketEvent::LISTENING));
//! assert!(event.endpoint_str().unwrap().starts_with("tcp://127.0.0.1:"));
//! ```

use std::fmt;
use std::time::Duration;

use crate::error::c_string;
use crate::error::{check, Error, Result};
use crate::message::Message;
use crate::socket::Socket;

macro_rules! socket_events {
    ($( $(#[doc = $doc:literal])* $name:ident = $raw:path, )*) => {
        /// A socket event reported by a monitor, or (as a bit) part of the event mask given to
        /// [`Socket::monitor`].
        ///
        /// Each discriminant is libzmq's `ZMQ_EVENT_*` bit, so `SocketEvent::ALL as i32` is
        /// the mask of every event.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        pub enum SocketEvent {
            $( $(#[doc = $doc])* $name = $raw as isize, )*
        }

        impl SocketEvent {
            /// The event for a libzmq value, if it is one of the variants.
            fn known(raw: u16) -> Option<SocketEvent> {
                $( if u32::from(raw) == $raw { return Some(SocketEvent::$name); } )*
                None
            }
        }

        bitflags::bitflags! {
            /// A set of [`SocketEvent`]s to monitor: the typed form of the `i32` mask that
            /// [`Socket::monitor`] takes, used by [`Socket::monitor_events`]. Not in zmq 0.10.
            ///
            /// ```
            /// use zmq::{SocketEvent, SocketEventMask};
            /// let mask = SocketEventMask::CONNECTED | SocketEventMask::DISCONNECTED;
            /// assert_eq!(mask.bits(), SocketEvent::CONNECTED as i32 | SocketEvent::DISCONNECTED as i32);
            /// assert_eq!(SocketEventMask::from(SocketEvent::LISTENING), SocketEventMask::LISTENING);
            /// ```
            pub struct SocketEventMask: i32 {
                $(
                    #[doc = concat!("[`SocketEvent::", stringify!($name), "`]")]
                    const $name = $raw as i32;
                )*
            }
        }
    };
}

socket_events! {
    /// Connected to a peer; the value is the connection's file descriptor.
    CONNECTED = zmq_sys::ZMQ_EVENT_CONNECTED,
    /// A connect is pending (the peer was not reachable at once).
    CONNECT_DELAYED = zmq_sys::ZMQ_EVENT_CONNECT_DELAYED,
    /// A connect failed and will be retried; the value is the retry interval in milliseconds.
    CONNECT_RETRIED = zmq_sys::ZMQ_EVENT_CONNECT_RETRIED,
    /// Bound and listening; the value is the listening file descriptor.
    LISTENING = zmq_sys::ZMQ_EVENT_LISTENING,
    /// A bind failed; the value is the errno.
    BIND_FAILED = zmq_sys::ZMQ_EVENT_BIND_FAILED,
    /// Accepted a connection; the value is its file descriptor.
    ACCEPTED = zmq_sys::ZMQ_EVENT_ACCEPTED,
    /// Failed to accept a connection; the value is the errno.
    ACCEPT_FAILED = zmq_sys::ZMQ_EVENT_ACCEPT_FAILED,
    /// A listening or connected descriptor was closed; the value is the descriptor.
    CLOSED = zmq_sys::ZMQ_EVENT_CLOSED,
    /// Closing a descriptor failed (IPC only); the value is the errno.
    CLOSE_FAILED = zmq_sys::ZMQ_EVENT_CLOSE_FAILED,
    /// A connection was broken; the value is its file descriptor.
    DISCONNECTED = zmq_sys::ZMQ_EVENT_DISCONNECTED,
    /// Monitoring stopped (the socket was closed, or its monitor replaced).
    MONITOR_STOPPED = zmq_sys::ZMQ_EVENT_MONITOR_STOPPED,
    /// The security handshake failed with no more detail; the value is an errno.
    HANDSHAKE_FAILED_NO_DETAIL = zmq_sys::ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL,
    /// The security handshake succeeded (for every mechanism, NULL included).
    HANDSHAKE_SUCCEEDED = zmq_sys::ZMQ_EVENT_HANDSHAKE_SUCCEEDED,
    /// The security handshake failed on a protocol error; the value is a
    /// [`ProtocolError`] code.
    HANDSHAKE_FAILED_PROTOCOL = zmq_sys::ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL,
    /// Authentication failed; the value is the ZAP handler's status code (300, 400, 500).
    HANDSHAKE_FAILED_AUTH = zmq_sys::ZMQ_EVENT_HANDSHAKE_FAILED_AUTH,
    /// Every event: a mask for [`Socket::monitor`], never reported itself.
    ALL = zmq_sys::ZMQ_EVENT_ALL,
}

impl SocketEvent {
    /// libzmq's value for this event (its `ZMQ_EVENT_*` bit).
    pub fn to_raw(self) -> u16 {
        self as u16
    }

    /// The event for a libzmq value.
    ///
    /// Never panics (zmq 0.10 panicked): a value that is not one of the variants — a
    /// combination of bits, or an event newer than this crate — gives [`SocketEvent::ALL`].
    /// Use `SocketEvent::try_from(raw)` to tell those apart, or [`MonitorEvent::raw_event`]
    /// to keep the exact value.
    pub fn from_raw(raw: u16) -> SocketEvent {
        SocketEvent::known(raw).unwrap_or(SocketEvent::ALL)
    }
}

impl TryFrom<u16> for SocketEvent {
    type Error = Error;

    /// The event for a libzmq value; `Err(EINVAL)` for a value that is not one of the
    /// variants.
    fn try_from(raw: u16) -> Result<SocketEvent> {
        SocketEvent::known(raw).ok_or(Error::EINVAL)
    }
}

impl From<SocketEvent> for SocketEventMask {
    fn from(event: SocketEvent) -> SocketEventMask {
        SocketEventMask::from_bits_truncate(i32::from(event.to_raw()))
    }
}

impl Socket {
    /// Starts publishing this socket's events on a new PAIR socket bound to
    /// `monitor_endpoint` (`zmq_socket_monitor`); connect a PAIR socket there and read them
    /// with [`Socket::recv_monitor_event`].
    ///
    /// `events` is a mask of [`SocketEvent`] bits, e.g. `SocketEvent::ALL as i32`;
    /// [`Socket::monitor_events`] takes a typed [`SocketEventMask`] instead. The endpoint must
    /// be `inproc://` (else `Err(EPROTONOSUPPORT)`); a NUL byte in it is `Err(EINVAL)`.
    /// Calling it again replaces the previous monitor.
    ///
    /// Connect a reader before the monitored socket produces events, and keep reading (or
    /// stop the monitor with `monitor(endpoint, 0)`) until the socket is closed: libzmq
    /// publishes the events, `MONITOR_STOPPED` last, with blocking sends, so a monitor nobody
    /// reads can stall the context's later socket closes.
    pub fn monitor(&self, monitor_endpoint: &str, events: i32) -> Result<()> {
        let endpoint = c_string(monitor_endpoint)?;
        // SAFETY: live socket handle, valid C string that outlives the call.
        check(unsafe { zmq_sys::zmq_socket_monitor(self.raw(), endpoint.as_ptr(), events) })
            .map(drop)
    }

    /// [`Socket::monitor`] with a typed event set (a [`SocketEventMask`], or a single
    /// [`SocketEvent`]). Not in zmq 0.10.
    ///
    /// ```
    /// use zmq::{SocketEvent, SocketEventMask};
    /// let ctx = zmq::Context::new();
    /// let socket = ctx.socket(zmq::DEALER).unwrap();
    /// socket
    ///     .monitor_events("inproc://monitor-events-doc", SocketEventMask::CONNECTED | SocketEventMask::DISCONNECTED)
    ///     .unwrap();
    /// socket.monitor_events("inproc://monitor-events-doc-2", SocketEvent::LISTENING).unwrap();
    /// ```
    pub fn monitor_events(
        &self,
        monitor_endpoint: &str,
        events: impl Into<SocketEventMask>,
    ) -> Result<()> {
        self.monitor(monitor_endpoint, events.into().bits())
    }

    /// Receives one event from a monitor PAIR socket (one connected to the endpoint given to
    /// [`Socket::monitor`]): both of its frames, decoded. Not in zmq 0.10.
    ///
    /// `flags` apply to the first frame (e.g. [`DONTWAIT`](crate::DONTWAIT)); the second is
    /// part of the same message and arrives with it. `Err(EPROTO)` if what arrives is not a
    /// monitor event (the frames read are consumed).
    pub fn recv_monitor_event(&self, flags: i32) -> Result<MonitorEvent> {
        let first = self.recv_msg(flags)?;
        if !first.get_more() {
            return Err(Error::EPROTO);
        }
        let second = self.recv_msg(flags)?;
        if second.get_more() {
            // Drain the rest so the next call starts at a message boundary.
            while self.recv_msg(crate::DONTWAIT)?.get_more() {}
            return Err(Error::EPROTO);
        }
        MonitorEvent::from_frames(&first, &second)
    }
}

/// One event read from a monitor socket: which event, its value, and the endpoint it
/// concerns. Not in zmq 0.10 (which left the frames to the user).
///
/// The event number is kept exactly as libzmq sent it ([`MonitorEvent::raw_event`]), so
/// events newer than this crate are not lost; [`MonitorEvent::event`] gives the typed form.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct MonitorEvent {
    raw_event: u16,
    value: u32,
    endpoint: Vec<u8>,
}

impl MonitorEvent {
    /// Decodes the two frames of a monitor message: the first is the event number (`u16`)
    /// followed by its value (`u32`), both in native byte order, exactly 6 bytes; the second
    /// is the endpoint. `Err(EPROTO)` for anything else.
    ///
    /// ```
    /// let mut first = zmq::SocketEvent::CONNECTED.to_raw().to_ne_bytes().to_vec();
    /// first.extend_from_slice(&7u32.to_ne_bytes());
    /// let event = zmq::MonitorEvent::from_frames(&first, b"tcp://127.0.0.1:5555").unwrap();
    /// assert_eq!(event.event(), Some(zmq::SocketEvent::CONNECTED));
    /// assert_eq!(event.value(), 7);
    /// assert_eq!(event.endpoint_str(), Some("tcp://127.0.0.1:5555"));
    ///
    /// assert_eq!(zmq::MonitorEvent::from_frames(&first[..5], b""), Err(zmq::Error::EPROTO));
    /// ```
    pub fn from_frames(first: &[u8], second: &[u8]) -> Result<MonitorEvent> {
        let header: &[u8; 6] = first.try_into().map_err(|_| Error::EPROTO)?;
        let [e0, e1, v0, v1, v2, v3] = *header;
        let event = MonitorEvent {
            raw_event: u16::from_ne_bytes([e0, e1]),
            value: u32::from_ne_bytes([v0, v1, v2, v3]),
            endpoint: second.to_vec(),
        };
        zmq_event!(
            debug,
            event = ?event.event(),
            raw_event = event.raw_event,
            value = event.value,
            endpoint = %String::from_utf8_lossy(&event.endpoint),
            "monitor event"
        );
        Ok(event)
    }

    /// Decodes a whole monitor message (as from
    /// [`recv_multipart_msgs`](crate::Socket::recv_multipart_msgs)): exactly two frames, see
    /// [`MonitorEvent::from_frames`]. `Err(EPROTO)` for any other shape.
    pub fn decode(frames: &[Message]) -> Result<MonitorEvent> {
        match frames {
            [first, second] => MonitorEvent::from_frames(first, second),
            _ => Err(Error::EPROTO),
        }
    }

    /// The event, or `None` for an event number this crate does not know (see
    /// [`MonitorEvent::raw_event`]).
    pub fn event(&self) -> Option<SocketEvent> {
        SocketEvent::known(self.raw_event)
    }

    /// The event number exactly as libzmq sent it.
    pub fn raw_event(&self) -> u16 {
        self.raw_event
    }

    /// The event's value; what it means depends on the event (a file descriptor, an errno,
    /// an interval, a protocol error or ZAP status code, see [`SocketEvent`]'s variants).
    pub fn value(&self) -> u32 {
        self.value
    }

    /// The endpoint the event concerns, as bytes.
    pub fn endpoint(&self) -> &[u8] {
        &self.endpoint
    }

    /// The endpoint as text; `None` if it is not UTF-8.
    pub fn endpoint_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.endpoint).ok()
    }

    /// The error an event reports through an errno: `BIND_FAILED`, `ACCEPT_FAILED`,
    /// `CLOSE_FAILED`, `HANDSHAKE_FAILED_NO_DETAIL`. `None` for other events.
    pub fn error(&self) -> Option<Error> {
        match self.event()? {
            SocketEvent::BIND_FAILED
            | SocketEvent::ACCEPT_FAILED
            | SocketEvent::CLOSE_FAILED
            | SocketEvent::HANDSHAKE_FAILED_NO_DETAIL => {
                Some(Error::from_raw(i32::try_from(self.value).unwrap_or(-1)))
            }
            _ => None,
        }
    }

    /// The protocol error of a `HANDSHAKE_FAILED_PROTOCOL` event; `None` for other events, or
    /// for a code this crate does not know (see [`MonitorEvent::value`]).
    pub fn protocol_error(&self) -> Option<ProtocolError> {
        match self.event()? {
            SocketEvent::HANDSHAKE_FAILED_PROTOCOL => ProtocolError::try_from(self.value).ok(),
            _ => None,
        }
    }

    /// The reconnect interval of a `CONNECT_RETRIED` event; `None` for other events.
    pub fn retry_interval(&self) -> Option<Duration> {
        match self.event()? {
            SocketEvent::CONNECT_RETRIED => Some(Duration::from_millis(u64::from(self.value))),
            _ => None,
        }
    }
}

impl fmt::Debug for MonitorEvent {
    /// Prints the event's name (or its number when unknown), value and endpoint.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("MonitorEvent");
        match self.event() {
            Some(event) => s.field("event", &event),
            None => s.field("event", &self.raw_event),
        };
        s.field("value", &self.value);
        match self.endpoint_str() {
            Some(endpoint) => s.field("endpoint", &endpoint),
            None => s.field("endpoint", &self.endpoint),
        };
        s.finish()
    }
}

macro_rules! protocol_errors {
    ($( $(#[doc = $doc:literal])* $name:ident = $raw:path, )*) => {
        /// Why a security handshake failed: the value of a `HANDSHAKE_FAILED_PROTOCOL` monitor
        /// event (libzmq's `ZMQ_PROTOCOL_ERROR_*` codes). Not in zmq 0.10.
        ///
        /// `as u32` gives libzmq's code. Codes a newer libzmq may add are not variants
        /// (`ProtocolError::try_from` is `Err(EINVAL)` for them), and more variants may be
        /// added here.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        #[non_exhaustive]
        pub enum ProtocolError {
            $( $(#[doc = $doc])* $name = $raw as isize, )*
        }

        impl TryFrom<u32> for ProtocolError {
            type Error = Error;

            /// The error for a libzmq code (`ZMQ_PROTOCOL_ERROR_*`); `Err(EINVAL)` for a code
            /// this crate does not know.
            fn try_from(raw: u32) -> Result<ProtocolError> {
                $( if raw == $raw { return Ok(ProtocolError::$name); } )*
                Err(Error::EINVAL)
            }
        }
    };
}

protocol_errors! {
    /// A ZMTP error with no more detail.
    ZMTP_UNSPECIFIED = zmq_sys::ZMQ_PROTOCOL_ERROR_ZMTP_UNSPECIFIED,
    /// The peer sent a command that was not expected at this point.
    ZMTP_UNEXPECTED_COMMAND = zmq_sys::ZMQ_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND,
    /// Bad message sequence (e.g. a CURVE nonce out of order).
    ZMTP_INVALID_SEQUENCE = zmq_sys::ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE,
    /// The key exchange failed.
    ZMTP_KEY_EXCHANGE = zmq_sys::ZMQ_PROTOCOL_ERROR_ZMTP_KEY_EXCHANGE,
    /// A malformed command of unspecified kind.
    ZMTP_MALFORMED_COMMAND_UNSPECIFIED = zmq_sys::ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED,
    /// A malformed MESSAGE command.
    ZMTP_MALFORMED_COMMAND_MESSAGE = zmq_sys::ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_MESSAGE,
    /// A malformed HELLO command.
    ZMTP_MALFORMED_COMMAND_HELLO = zmq_sys::ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO,
    /// A malformed INITIATE command.
    ZMTP_MALFORMED_COMMAND_INITIATE = zmq_sys::ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_INITIATE,
    /// A malformed ERROR command.
    ZMTP_MALFORMED_COMMAND_ERROR = zmq_sys::ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_ERROR,
    /// A malformed READY command.
    ZMTP_MALFORMED_COMMAND_READY = zmq_sys::ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_READY,
    /// A malformed WELCOME command.
    ZMTP_MALFORMED_COMMAND_WELCOME = zmq_sys::ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_WELCOME,
    /// Invalid metadata in a handshake command.
    ZMTP_INVALID_METADATA = zmq_sys::ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_METADATA,
    /// A cryptographic check failed (e.g. the peer used the wrong CURVE server key).
    ZMTP_CRYPTOGRAPHIC = zmq_sys::ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC,
    /// The two peers use different security mechanisms.
    ZMTP_MECHANISM_MISMATCH = zmq_sys::ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH,
    /// A ZAP error with no more detail.
    ZAP_UNSPECIFIED = zmq_sys::ZMQ_PROTOCOL_ERROR_ZAP_UNSPECIFIED,
    /// The ZAP handler's reply was malformed.
    ZAP_MALFORMED_REPLY = zmq_sys::ZMQ_PROTOCOL_ERROR_ZAP_MALFORMED_REPLY,
    /// The ZAP handler's reply had the wrong request id.
    ZAP_BAD_REQUEST_ID = zmq_sys::ZMQ_PROTOCOL_ERROR_ZAP_BAD_REQUEST_ID,
    /// The ZAP handler's reply had the wrong version.
    ZAP_BAD_VERSION = zmq_sys::ZMQ_PROTOCOL_ERROR_ZAP_BAD_VERSION,
    /// The ZAP handler's reply had an invalid status code.
    ZAP_INVALID_STATUS_CODE = zmq_sys::ZMQ_PROTOCOL_ERROR_ZAP_INVALID_STATUS_CODE,
    /// The ZAP handler's reply had invalid metadata.
    ZAP_INVALID_METADATA = zmq_sys::ZMQ_PROTOCOL_ERROR_ZAP_INVALID_METADATA,
    /// A WebSocket transport error with no more detail.
    WS_UNSPECIFIED = zmq_sys::ZMQ_PROTOCOL_ERROR_WS_UNSPECIFIED,
}

impl ProtocolError {
    /// libzmq's code for this error.
    pub fn to_raw(self) -> u32 {
        self as u32
    }
}
