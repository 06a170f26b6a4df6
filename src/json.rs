//! JSON messages: [`Socket::send_json`] and [`Socket::recv_json`] (feature `serde`), with
//! [`JsonError`].

use std::fmt;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::Error;
use crate::message::Message;
use crate::socket::Socket;

/// Why [`Socket::send_json`] or [`Socket::recv_json`] failed.
///
/// A message that arrived but could not be decoded is never dropped: [`JsonError::frames`]
/// (or [`JsonError::into_frames`]) gives back every frame of it. It converts into a
/// `std::io::Error` (socket failures through [`Error`]'s own conversion, undecodable
/// messages as `InvalidData`), so `?` works in functions returning `io::Result`.
#[derive(Debug)]
#[non_exhaustive]
pub enum JsonError {
    /// The socket call failed (`EAGAIN`, `EFSM`, `ETERM`, ...); nothing was sent or received.
    Zmq(Error),
    /// The value could not be written as JSON (e.g. a map whose keys are not strings);
    /// nothing was sent.
    Encode(serde_json::Error),
    /// The frame received is not UTF-8 text.
    NotUtf8 {
        /// The frame as received.
        frame: Vec<u8>,
        /// Where the UTF-8 decoding failed.
        error: std::str::Utf8Error,
    },
    /// The frame received is not JSON, or JSON of another shape than the type asked for
    /// ([`serde_json::Error::classify`] tells which).
    Json {
        /// The frame as received.
        frame: Vec<u8>,
        /// What `serde_json` said, with line and column.
        error: serde_json::Error,
    },
    /// A multipart message arrived where one frame was expected; every frame was received
    /// and is kept here.
    Multipart {
        /// All frames of the message, in order.
        frames: Vec<Vec<u8>>,
    },
}

impl JsonError {
    /// The socket error, when the failure was the socket's (not the data's).
    pub fn zmq_error(&self) -> Option<Error> {
        match self {
            JsonError::Zmq(e) => Some(*e),
            _ => None,
        }
    }

    /// The frames of a message that arrived but did not decode (one for [`JsonError::NotUtf8`]
    /// and [`JsonError::Json`], all of them for [`JsonError::Multipart`]); empty otherwise.
    pub fn frames(&self) -> Vec<Vec<u8>> {
        match self {
            JsonError::NotUtf8 { frame, .. } | JsonError::Json { frame, .. } => {
                vec![frame.clone()]
            }
            JsonError::Multipart { frames } => frames.clone(),
            JsonError::Zmq(_) | JsonError::Encode(_) => Vec::new(),
        }
    }

    /// Like [`JsonError::frames`], without copying.
    pub fn into_frames(self) -> Vec<Vec<u8>> {
        match self {
            JsonError::NotUtf8 { frame, .. } | JsonError::Json { frame, .. } => vec![frame],
            JsonError::Multipart { frames } => frames,
            JsonError::Zmq(_) | JsonError::Encode(_) => Vec::new(),
        }
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonError::Zmq(e) => write!(f, "{e}"),
            JsonError::Encode(e) => write!(f, "cannot encode the value as JSON: {e}"),
            JsonError::NotUtf8 { frame, error } => write!(
                f,
                "received a {}-byte frame that is not UTF-8 text: {error}",
                frame.len()
            ),
            JsonError::Json { frame, error } => write!(
                f,
                "received a {}-byte frame that does not decode as the expected JSON: {error}",
                frame.len()
            ),
            JsonError::Multipart { frames } => write!(
                f,
                "received a message of {} frames where one JSON frame was expected",
                frames.len()
            ),
        }
    }
}

impl std::error::Error for JsonError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            JsonError::Zmq(e) => Some(e),
            JsonError::Encode(e) | JsonError::Json { error: e, .. } => Some(e),
            JsonError::NotUtf8 { error, .. } => Some(error),
            JsonError::Multipart { .. } => None,
        }
    }
}

impl From<Error> for JsonError {
    fn from(e: Error) -> JsonError {
        JsonError::Zmq(e)
    }
}

impl From<JsonError> for std::io::Error {
    /// A socket failure converts as [`Error`] does; anything else is `InvalidData` (encoding
    /// failures `InvalidInput`) with the [`JsonError`] as its inner error.
    fn from(e: JsonError) -> std::io::Error {
        match e {
            JsonError::Zmq(e) => e.into(),
            JsonError::Encode(_) => std::io::Error::new(std::io::ErrorKind::InvalidInput, e),
            _ => std::io::Error::new(std::io::ErrorKind::InvalidData, e),
        }
    }
}

/// JSON messages (feature `serde`); [`Socket::send_json`] describes the wire format.
impl Socket {
    /// Sends `value` as one frame of compact UTF-8 JSON (pyzmq's `recv_json` reads it).
    ///
    /// `flags` are those of [`Socket::send`] (`DONTWAIT`, `SNDMORE`). A value `serde_json`
    /// cannot write is [`JsonError::Encode`], and nothing is sent.
    ///
    /// A JSON message is one frame holding a JSON text in UTF-8, which is what pyzmq's
    /// `send_json`/`recv_json` put on the wire, so the two interoperate in both directions:
    ///
    /// ```
    /// # fn main() -> Result<(), zmq::JsonError> {
    /// use serde::{Deserialize, Serialize};
    ///
    /// #[derive(Serialize, Deserialize, Debug, PartialEq)]
    /// struct Job {
    ///     id: u32,
    ///     tags: Vec<String>,
    /// }
    ///
    /// let ctx = zmq::Context::new();
    /// let pull = ctx.socket(zmq::PULL)?;
    /// pull.bind("inproc://json-doc")?;
    /// let push = ctx.socket(zmq::PUSH)?;
    /// push.connect("inproc://json-doc")?;
    ///
    /// let job = Job { id: 7, tags: vec!["größe".into()] };
    /// push.send_json(&job, 0)?;
    /// assert_eq!(pull.recv_json::<Job>(0)?, job);
    ///
    /// // What does not decode is an error that still holds the frame.
    /// push.send("{\"id\": \"seven\"}", 0)?;
    /// let err = pull.recv_json::<Job>(0).unwrap_err();
    /// assert_eq!(err.frames(), [b"{\"id\": \"seven\"}".to_vec()]);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Byte-for-byte differences from pyzmq
    ///
    /// Both sides parse each other's output; the texts differ only in spelling. pyzmq 27's
    /// `send_json` sends `json.dumps(obj).encode("utf-8")` with Python's defaults, while
    /// this method sends `serde_json`'s compact form:
    ///
    /// | | pyzmq `send_json` | `Socket::send_json` |
    /// |---|---|---|
    /// | separators | `", "` and `": "` | `","` and `":"` (no spaces) |
    /// | non-ASCII text | escaped (`ensure_ascii`): `"\u00e9"`, and a surrogate pair `"\ud83d\ude00"` above U+FFFF | raw UTF-8 bytes |
    /// | key order | the dict's insertion order | the struct's field order (a map's own order) |
    /// | NaN, ±infinity | `NaN`, `Infinity`, `-Infinity` (not JSON) | `null` |
    ///
    /// So `{"a": [1, "é"]}` from pyzmq is `{"a":[1,"é"]}` from here. Python's `json.loads`
    /// accepts raw UTF-8; `serde_json` decodes `\uXXXX` escapes and surrogate pairs. The one
    /// value that does not cross: a float NaN or infinity sent by pyzmq makes
    /// [`Socket::recv_json`] fail with [`JsonError::Json`] (the frame kept), since `NaN` is not
    /// JSON.
    pub fn send_json<T: Serialize + ?Sized>(&self, value: &T, flags: i32) -> Result<(), JsonError> {
        let text = serde_json::to_vec(value).map_err(JsonError::Encode)?;
        self.send(Message::from(text), flags)?;
        Ok(())
    }

    /// Receives one message that must be a single frame of UTF-8 JSON decoding as `T`
    /// (what pyzmq's `send_json` sends; [`Socket::send_json`] compares the two encodings).
    ///
    /// `flags` are those of [`Socket::recv_bytes`]. Whatever arrives is received whole; a
    /// message that does not decode is an error holding its frames: [`JsonError::Multipart`]
    /// for more than one frame, [`JsonError::NotUtf8`], or [`JsonError::Json`] for text that
    /// is not JSON or not JSON of `T`'s shape. Use `serde_json::Value` as `T` to take any
    /// JSON.
    pub fn recv_json<T: DeserializeOwned>(&self, flags: i32) -> Result<T, JsonError> {
        let mut parts = self.recv_multipart_msgs(flags)?;
        if parts.len() != 1 {
            return Err(JsonError::Multipart {
                frames: parts.iter().map(|part| part.to_vec()).collect(),
            });
        }
        let frame = parts.pop().map(|part| part.to_vec()).unwrap_or_default();
        let text = match std::str::from_utf8(&frame) {
            Ok(text) => text,
            Err(error) => return Err(JsonError::NotUtf8 { frame, error }),
        };
        match serde_json::from_str(text) {
            Ok(value) => Ok(value),
            Err(error) => Err(JsonError::Json { frame, error }),
        }
    }
}
