//! The ZAP wire format (RFC 27): requests libzmq sends to a handler, and the replies it
//! expects back.
//!
//! libzmq sends a request for every handshake on a server socket that authenticates (PLAIN,
//! CURVE, GSSAPI, and NULL when the socket has a `ZMQ_ZAP_DOMAIN`), to whatever socket is
//! bound at [`ZAP_ENDPOINT`] in the same context. [`ZapRequest::parse`] and
//! [`ZapReply::to_frames`] are what [`Authenticator`](super::Authenticator) uses; they are
//! public for handlers written by hand and for tests.

use std::fmt;

use crate::security::key_to_z85;

/// The endpoint libzmq sends ZAP requests to, in the server socket's context.
pub const ZAP_ENDPOINT: &str = "inproc://zeromq.zap.01";

/// The only ZAP version libzmq speaks (frame 1 of requests and replies).
pub const ZAP_VERSION: &str = "1.0";

/// Why a ZAP request or reply could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZapError {
    /// Fewer frames than the format needs (requests: 6; replies: 5, or 6 with metadata).
    #[error("ZAP message has {got} frames, needs at least {needed}")]
    TooFewFrames {
        /// Frames present.
        got: usize,
        /// Frames the format needs.
        needed: usize,
    },
    /// A reply with more frames than the format has (6, without the REQ envelope).
    #[error("ZAP reply has {0} frames, at most 6 are defined")]
    TooManyFrames(usize),
    /// The version frame is not `1.0`.
    #[error("unsupported ZAP version {0:?} (only \"1.0\" is defined)")]
    BadVersion(Vec<u8>),
    /// A text frame (domain, address, mechanism, status text, user id) is not UTF-8.
    #[error("ZAP {0} frame is not UTF-8")]
    NotUtf8(&'static str),
    /// The credential frames do not fit the mechanism (PLAIN needs username and password,
    /// CURVE one 32-byte key, GSSAPI one principal, NULL none).
    #[error("{mechanism} request with malformed credentials: {reason}")]
    BadCredentials {
        /// The mechanism named by the request.
        mechanism: String,
        /// What is wrong with the credential frames.
        reason: &'static str,
    },
    /// A status code other than 200, 300, 400 and 500.
    #[error("ZAP status code {0:?} is not one of 200, 300, 400, 500")]
    BadStatus(Vec<u8>),
    /// The metadata frame is not a sequence of (name, value) properties, or a name is empty
    /// or longer than 255 bytes.
    #[error("ZAP metadata is malformed: {0}")]
    BadMetadata(&'static str),
}

/// What a client presented, by mechanism.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// The NULL mechanism: nothing.
    Null,
    /// PLAIN: a user name and a password (bytes as the client sent them).
    Plain {
        /// The user name.
        username: Vec<u8>,
        /// The password.
        password: Vec<u8>,
    },
    /// CURVE: the client's long-term public key.
    Curve {
        /// The client's public key, 32 bytes.
        public_key: [u8; 32],
    },
    /// GSSAPI: the client's principal.
    Gssapi {
        /// The principal name.
        principal: Vec<u8>,
    },
    /// A mechanism this crate does not know; its credential frames as they came.
    Other {
        /// The credential frames.
        frames: Vec<Vec<u8>>,
    },
}

impl fmt::Debug for Credentials {
    /// Shows user names and keys but never a PLAIN password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Null => f.write_str("Null"),
            Credentials::Plain { username, .. } => f
                .debug_struct("Plain")
                .field("username", &String::from_utf8_lossy(username))
                .field("password", &format_args!("<redacted>"))
                .finish(),
            Credentials::Curve { public_key } => f
                .debug_struct("Curve")
                .field("public_key", &key_to_z85(public_key))
                .finish(),
            Credentials::Gssapi { principal } => f
                .debug_struct("Gssapi")
                .field("principal", &String::from_utf8_lossy(principal))
                .finish(),
            Credentials::Other { frames } => f
                .debug_struct("Other")
                .field("frames", &frames.len())
                .finish(),
        }
    }
}

/// One ZAP request: who is connecting, to which domain, and what they presented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZapRequest {
    /// Opaque id the reply must echo.
    pub request_id: Vec<u8>,
    /// The server socket's `ZMQ_ZAP_DOMAIN` (empty when it has none).
    pub domain: String,
    /// The client's address as libzmq reports it: an IP address in text for TCP, empty for
    /// IPC and inproc.
    pub address: String,
    /// The "identity" frame. libzmq 4.3 sends the *server* socket's own `ZMQ_ROUTING_ID`
    /// here (usually empty), not the client's: do not decide on it.
    pub routing_id: Vec<u8>,
    /// The mechanism name as sent: `NULL`, `PLAIN`, `CURVE`, `GSSAPI`.
    pub mechanism: String,
    /// The credentials, decoded for the mechanisms libzmq 4.3 has.
    pub credentials: Credentials,
}

fn text(frame: &[u8], what: &'static str) -> Result<String, ZapError> {
    String::from_utf8(frame.to_vec()).map_err(|_| ZapError::NotUtf8(what))
}

fn check_version(frame: &[u8]) -> Result<(), ZapError> {
    if frame == ZAP_VERSION.as_bytes() {
        Ok(())
    } else {
        Err(ZapError::BadVersion(frame.to_vec()))
    }
}

impl ZapRequest {
    /// Reads a request from its frames as a REP socket receives them (no envelope): version,
    /// request id, domain, address, routing id, mechanism, then the credential frames.
    pub fn parse<T: AsRef<[u8]>>(frames: &[T]) -> Result<ZapRequest, ZapError> {
        if frames.len() < 6 {
            return Err(ZapError::TooFewFrames {
                got: frames.len(),
                needed: 6,
            });
        }
        check_version(frames[0].as_ref())?;
        let mechanism = text(frames[5].as_ref(), "mechanism")?;
        let creds: Vec<&[u8]> = frames[6..].iter().map(|f| f.as_ref()).collect();
        let bad = |reason| ZapError::BadCredentials {
            mechanism: mechanism.clone(),
            reason,
        };
        let credentials = match (mechanism.as_str(), creds.as_slice()) {
            ("NULL", []) => Credentials::Null,
            ("NULL", _) => return Err(bad("NULL carries no credential frames")),
            ("PLAIN", [user, pass]) => Credentials::Plain {
                username: user.to_vec(),
                password: pass.to_vec(),
            },
            ("PLAIN", _) => return Err(bad("PLAIN needs a username and a password frame")),
            ("CURVE", [key]) => Credentials::Curve {
                public_key: <[u8; 32]>::try_from(*key)
                    .map_err(|_| bad("the CURVE key is not 32 bytes"))?,
            },
            ("CURVE", _) => return Err(bad("CURVE needs exactly one key frame")),
            ("GSSAPI", [principal]) => Credentials::Gssapi {
                principal: principal.to_vec(),
            },
            ("GSSAPI", _) => return Err(bad("GSSAPI needs exactly one principal frame")),
            (_, frames) => Credentials::Other {
                frames: frames.iter().map(|f| f.to_vec()).collect(),
            },
        };
        Ok(ZapRequest {
            request_id: frames[1].as_ref().to_vec(),
            domain: text(frames[2].as_ref(), "domain")?,
            address: text(frames[3].as_ref(), "address")?,
            routing_id: frames[4].as_ref().to_vec(),
            mechanism,
            credentials,
        })
    }

    /// The frames of this request, as libzmq would send them (the inverse of
    /// [`parse`](Self::parse)); useful to test a handler without a handshake.
    pub fn to_frames(&self) -> Vec<Vec<u8>> {
        let mut frames = vec![
            ZAP_VERSION.as_bytes().to_vec(),
            self.request_id.clone(),
            self.domain.as_bytes().to_vec(),
            self.address.as_bytes().to_vec(),
            self.routing_id.clone(),
            self.mechanism.as_bytes().to_vec(),
        ];
        match &self.credentials {
            Credentials::Null => {}
            Credentials::Plain { username, password } => {
                frames.push(username.clone());
                frames.push(password.clone());
            }
            Credentials::Curve { public_key } => frames.push(public_key.to_vec()),
            Credentials::Gssapi { principal } => frames.push(principal.clone()),
            Credentials::Other { frames: extra } => frames.extend(extra.iter().cloned()),
        }
        frames
    }
}

/// A ZAP status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ZapStatus {
    /// 200: the client is let in.
    Success,
    /// 300: a temporary failure; the client may retry.
    TemporaryError,
    /// 400: the client is refused.
    Denied,
    /// 500: the handler failed; the client is refused.
    InternalError,
}

impl ZapStatus {
    /// The numeric code (200, 300, 400, 500), also what libzmq puts in the value of the
    /// server's `HANDSHAKE_FAILED_AUTH` monitor event.
    pub fn code(self) -> u16 {
        match self {
            ZapStatus::Success => 200,
            ZapStatus::TemporaryError => 300,
            ZapStatus::Denied => 400,
            ZapStatus::InternalError => 500,
        }
    }
}

impl TryFrom<i32> for ZapStatus {
    type Error = ZapError;

    fn try_from(code: i32) -> Result<ZapStatus, ZapError> {
        match code {
            200 => Ok(ZapStatus::Success),
            300 => Ok(ZapStatus::TemporaryError),
            400 => Ok(ZapStatus::Denied),
            500 => Ok(ZapStatus::InternalError),
            other => Err(ZapError::BadStatus(other.to_string().into_bytes())),
        }
    }
}

/// What a policy decides about one request: a status, a text for the log and (when allowed)
/// the User-Id and metadata the server's messages will carry (`Message::gets`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The status code.
    pub status: ZapStatus,
    /// A short human-readable reason.
    pub text: String,
    /// The User-Id libzmq attaches to the connection (empty: none).
    pub user_id: String,
    /// Extra properties for the connection's messages (name up to 255 bytes).
    pub metadata: Vec<(String, Vec<u8>)>,
}

impl Verdict {
    /// Let the client in, with this User-Id.
    pub fn allow(user_id: impl Into<String>) -> Verdict {
        Verdict {
            status: ZapStatus::Success,
            text: "OK".to_owned(),
            user_id: user_id.into(),
            metadata: Vec::new(),
        }
    }

    /// Refuse the client (status 400) with a reason.
    pub fn deny(text: impl Into<String>) -> Verdict {
        Verdict::refuse(ZapStatus::Denied, text)
    }

    /// Refuse because the handler failed (status 500) with a reason.
    pub fn error(text: impl Into<String>) -> Verdict {
        Verdict::refuse(ZapStatus::InternalError, text)
    }

    /// Refuse for now (status 300): the client may try again later.
    pub fn temporary(text: impl Into<String>) -> Verdict {
        Verdict::refuse(ZapStatus::TemporaryError, text)
    }

    fn refuse(status: ZapStatus, text: impl Into<String>) -> Verdict {
        Verdict {
            status,
            text: text.into(),
            user_id: String::new(),
            metadata: Vec::new(),
        }
    }

    /// Adds a property the server's messages from this client will carry. A name that is
    /// empty or longer than 255 bytes makes the reply fail to encode: the authenticator then
    /// answers 500 instead.
    pub fn with_metadata(mut self, name: impl Into<String>, value: impl Into<Vec<u8>>) -> Verdict {
        self.metadata.push((name.into(), value.into()));
        self
    }

    /// Whether this lets the client in.
    pub fn is_allowed(&self) -> bool {
        self.status == ZapStatus::Success
    }
}

/// One ZAP reply: the request id it answers and the verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZapReply {
    /// The id of the request this answers.
    pub request_id: Vec<u8>,
    /// The decision.
    pub verdict: Verdict,
}

fn encode_metadata(metadata: &[(String, Vec<u8>)]) -> Result<Vec<u8>, ZapError> {
    let mut out = Vec::new();
    for (name, value) in metadata {
        let name_len = u8::try_from(name.len())
            .map_err(|_| ZapError::BadMetadata("a name is over 255 bytes"))?;
        if name_len == 0 {
            return Err(ZapError::BadMetadata("a name is empty"));
        }
        let value_len = u32::try_from(value.len())
            .map_err(|_| ZapError::BadMetadata("a value is over 4 GiB"))?;
        out.push(name_len);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&value_len.to_be_bytes());
        out.extend_from_slice(value);
    }
    Ok(out)
}

fn decode_metadata(mut data: &[u8]) -> Result<Vec<(String, Vec<u8>)>, ZapError> {
    let mut out = Vec::new();
    while let Some((&name_len, rest)) = data.split_first() {
        let name_len = usize::from(name_len);
        if name_len == 0 {
            return Err(ZapError::BadMetadata("a name is empty"));
        }
        let (name, rest) = split(rest, name_len)?;
        let (len, rest) = split(rest, 4)?;
        let value_len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]);
        let value_len = usize::try_from(value_len)
            .map_err(|_| ZapError::BadMetadata("a value is longer than memory"))?;
        let (value, rest) = split(rest, value_len)?;
        let name = String::from_utf8(name.to_vec())
            .map_err(|_| ZapError::BadMetadata("a name is not UTF-8"))?;
        out.push((name, value.to_vec()));
        data = rest;
    }
    Ok(out)
}

fn split(data: &[u8], len: usize) -> Result<(&[u8], &[u8]), ZapError> {
    if data.len() < len {
        Err(ZapError::BadMetadata(
            "a property runs past the end of the frame",
        ))
    } else {
        Ok(data.split_at(len))
    }
}

impl ZapReply {
    /// The reply to `request` with `verdict`.
    pub fn new(request_id: impl Into<Vec<u8>>, verdict: Verdict) -> ZapReply {
        ZapReply {
            request_id: request_id.into(),
            verdict,
        }
    }

    /// The six frames a REP socket sends back (libzmq sees seven: the envelope's empty
    /// delimiter first): version, request id, status code, status text, user id, metadata. `Err(BadMetadata)` when a metadata name cannot be encoded.
    pub fn to_frames(&self) -> Result<Vec<Vec<u8>>, ZapError> {
        let v = &self.verdict;
        Ok(vec![
            ZAP_VERSION.as_bytes().to_vec(),
            self.request_id.clone(),
            v.status.code().to_string().into_bytes(),
            v.text.as_bytes().to_vec(),
            v.user_id.as_bytes().to_vec(),
            encode_metadata(&v.metadata)?,
        ])
    }

    /// Reads a reply from its frames (without the REQ envelope). The metadata frame may be
    /// missing (RFC 27 makes it optional); libzmq 4.3 itself always wants it.
    pub fn parse<T: AsRef<[u8]>>(frames: &[T]) -> Result<ZapReply, ZapError> {
        if frames.len() < 5 {
            return Err(ZapError::TooFewFrames {
                got: frames.len(),
                needed: 5,
            });
        }
        if frames.len() > 6 {
            return Err(ZapError::TooManyFrames(frames.len()));
        }
        check_version(frames[0].as_ref())?;
        let code = frames[2].as_ref();
        let status = std::str::from_utf8(code)
            .ok()
            .filter(|c| c.len() == 3)
            .and_then(|c| c.parse::<i32>().ok())
            .ok_or_else(|| ZapError::BadStatus(code.to_vec()))
            .and_then(|c| ZapStatus::try_from(c).map_err(|_| ZapError::BadStatus(code.to_vec())))?;
        let metadata = match frames.get(5) {
            Some(frame) => decode_metadata(frame.as_ref())?,
            None => Vec::new(),
        };
        Ok(ZapReply {
            request_id: frames[1].as_ref().to_vec(),
            verdict: Verdict {
                status,
                text: text(frames[3].as_ref(), "status text")?,
                user_id: text(frames[4].as_ref(), "user id")?,
                metadata,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(mechanism: &str, creds: &[&[u8]]) -> Vec<Vec<u8>> {
        let mut frames: Vec<Vec<u8>> = vec![
            b"1.0".to_vec(),
            b"7".to_vec(),
            b"global".to_vec(),
            b"127.0.0.1".to_vec(),
            Vec::new(),
            mechanism.as_bytes().to_vec(),
        ];
        frames.extend(creds.iter().map(|c| c.to_vec()));
        frames
    }

    #[test]
    fn requests_round_trip_per_mechanism() {
        let key = [9u8; 32];
        for frames in [
            request("NULL", &[]),
            request("PLAIN", &[b"admin", b"secret"]),
            request("CURVE", &[&key]),
            request("GSSAPI", &[b"host/x"]),
            request("X-NEW", &[b"a", b"b", b"c"]),
        ] {
            let parsed = ZapRequest::parse(&frames).unwrap();
            assert_eq!(parsed.to_frames(), frames);
            assert_eq!(parsed.domain, "global");
            assert_eq!(parsed.address, "127.0.0.1");
        }
        let plain = ZapRequest::parse(&request("PLAIN", &[b"admin", b"secret"])).unwrap();
        assert!(!format!("{plain:?}").contains("secret"), "{plain:?}");
    }

    #[test]
    fn malformed_requests_say_why() {
        assert_eq!(
            ZapRequest::parse(&request("NULL", &[])[..5]),
            Err(ZapError::TooFewFrames { got: 5, needed: 6 })
        );
        let mut bad_version = request("NULL", &[]);
        bad_version[0] = b"2.0".to_vec();
        assert_eq!(
            ZapRequest::parse(&bad_version),
            Err(ZapError::BadVersion(b"2.0".to_vec()))
        );
        for (mech, creds) in [
            ("PLAIN", vec![&b"only-user"[..]]),
            ("CURVE", vec![&[1u8; 31][..]]),
            ("CURVE", vec![]),
            ("NULL", vec![&b"x"[..]]),
            ("GSSAPI", vec![]),
        ] {
            let err = ZapRequest::parse(&request(mech, &creds)).unwrap_err();
            assert!(
                matches!(err, ZapError::BadCredentials { .. }),
                "{mech}: {err}"
            );
        }
        let mut not_utf8 = request("NULL", &[]);
        not_utf8[2] = vec![0xff, 0xfe];
        assert_eq!(
            ZapRequest::parse(&not_utf8),
            Err(ZapError::NotUtf8("domain"))
        );
    }

    #[test]
    fn replies_round_trip_with_metadata() {
        let reply = ZapReply::new(
            b"id-1".to_vec(),
            Verdict::allow("alice").with_metadata("Role", b"admin".to_vec()),
        );
        let frames = reply.to_frames().unwrap();
        assert_eq!(frames[2], b"200");
        assert_eq!(frames[5], b"\x04Role\x00\x00\x00\x05admin");
        assert_eq!(ZapReply::parse(&frames).unwrap(), reply);

        let denied = ZapReply::new(b"id-2".to_vec(), Verdict::deny("no"));
        assert_eq!(
            ZapReply::parse(&denied.to_frames().unwrap()).unwrap(),
            denied
        );
    }

    #[test]
    fn malformed_replies_say_why() {
        let long = Verdict::allow("x").with_metadata("n".repeat(256), Vec::new());
        assert!(matches!(
            ZapReply::new(Vec::new(), long).to_frames(),
            Err(ZapError::BadMetadata(_))
        ));
        let ok = ZapReply::new(b"1".to_vec(), Verdict::allow("u"))
            .to_frames()
            .unwrap();
        for code in [&b"201"[..], b"20", b"2000", b"abc", b"600"] {
            let mut frames = ok.clone();
            frames[2] = code.to_vec();
            assert_eq!(
                ZapReply::parse(&frames),
                Err(ZapError::BadStatus(code.to_vec()))
            );
        }
        let mut truncated = ok.clone();
        truncated[5] = b"\x04Role\x00\x00".to_vec();
        assert!(matches!(
            ZapReply::parse(&truncated),
            Err(ZapError::BadMetadata(_))
        ));
        assert!(ZapReply::parse(&ok[..4]).is_err());
    }
}
