//! Security helpers: Z85 text encoding and CURVE key pairs.
//!
//! [`z85_encode`] / [`z85_decode`] convert between binary data and ZeroMQ's Z85 text form
//! (the form CURVE keys take in configuration files); [`CurveKeyPair`] makes and derives CURVE
//! keys. Everything here wraps one libzmq utility call each.

use std::ffi::{CString, NulError};
use std::fmt;
use std::os::raw::c_char;
use std::string::FromUtf8Error;

use crate::error::{check, Error, Result};

/// Length of a CURVE key in binary form.
const KEY_LEN: usize = 32;
/// Length of a CURVE key in Z85 form, without the C string's NUL.
const KEY_Z85_LEN: usize = 40;

/// Why [`z85_encode`] failed.
#[derive(Debug)]
pub enum EncodeError {
    /// The input's length is not a multiple of 4.
    BadLength,
    /// The encoded text was not UTF-8. libzmq only writes ASCII, so this is not expected in
    /// practice; it is kept because zmq 0.10 had it.
    FromUtf8Error(FromUtf8Error),
}

impl From<FromUtf8Error> for EncodeError {
    fn from(err: FromUtf8Error) -> Self {
        EncodeError::FromUtf8Error(err)
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::BadLength => f.write_str("Invalid data length. Should be multiple of 4."),
            EncodeError::FromUtf8Error(e) => write!(f, "UTF8 conversion error: {e}"),
        }
    }
}

impl std::error::Error for EncodeError {}

/// Why [`z85_decode`] failed.
///
/// Adding [`DecodeError::InvalidInput`] (zmq 0.10 had only the first two variants) means an
/// exhaustive `match` written for 0.10 needs one more arm.
#[derive(Debug)]
pub enum DecodeError {
    /// The input's length is not a multiple of 5.
    BadLength,
    /// The input contains a NUL character.
    NulError(NulError),
    /// The input is not valid Z85: a character outside the Z85 alphabet, or a 5-character
    /// group whose value does not fit in 32 bits. (zmq 0.10 returned `Ok` with zero or garbage
    /// bytes here.)
    InvalidInput,
}

impl From<NulError> for DecodeError {
    fn from(err: NulError) -> Self {
        DecodeError::NulError(err)
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::BadLength => f.write_str("Invalid data length. Should be multiple of 5."),
            DecodeError::NulError(e) => write!(f, "Nul byte error: {e}"),
            DecodeError::InvalidInput => f.write_str(
                "Invalid Z85 text: a character outside the Z85 alphabet or a group above 0xFFFFFFFF.",
            ),
        }
    }
}

impl std::error::Error for DecodeError {}

/// The value of one Z85 character, `None` outside the alphabet.
fn z85_digit(c: u8) -> Option<u32> {
    const ALPHABET: &[u8; 85] =
        b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
    ALPHABET.iter().position(|&a| a == c).map(|i| i as u32)
}

/// Whether every 5-character group is made of Z85 characters and fits in 32 bits.
///
/// libzmq 4.3.5 checks the same, but older releases (which a system library may be) read
/// outside their decoding table for bytes above 0x7F and wrap silently on overflow; checking
/// first gives the same answer with every libzmq.
pub(crate) fn is_valid_z85(text: &[u8]) -> bool {
    text.chunks(5).all(|group| {
        group
            .iter()
            .try_fold(0u32, |acc, &c| {
                let digit = z85_digit(c)?;
                acc.checked_mul(85)?.checked_add(digit)
            })
            .is_some()
    })
}

/// Encodes binary data as Z85 text (`zmq_z85_encode`): 5 characters for every 4 bytes.
///
/// The length must be a multiple of 4, else `Err(EncodeError::BadLength)`.
///
/// ```
/// assert_eq!(zmq::z85_encode(&[0x86, 0x4F, 0xD2, 0x6F]).unwrap(), "Hello");
/// assert!(matches!(zmq::z85_encode(b"abc"), Err(zmq::EncodeError::BadLength)));
/// ```
pub fn z85_encode(data: &[u8]) -> std::result::Result<String, EncodeError> {
    if data.len() % 4 != 0 {
        return Err(EncodeError::BadLength);
    }
    if data.is_empty() {
        return Ok(String::new());
    }
    // 5 characters per 4 bytes, plus the NUL libzmq writes.
    let mut dest = vec![0u8; data.len() / 4 * 5 + 1];
    // SAFETY: `dest` has room for the whole encoding and its NUL; `data` is readable for
    // `data.len()` bytes. libzmq returns NULL only for a length that is not a multiple of 4,
    // which we excluded.
    let rc = unsafe {
        zmq_sys::zmq_z85_encode(dest.as_mut_ptr() as *mut c_char, data.as_ptr(), data.len())
    };
    if rc.is_null() {
        return Err(EncodeError::BadLength);
    }
    dest.pop(); // the NUL
    Ok(String::from_utf8(dest)?)
}

/// Decodes Z85 text into binary data (`zmq_z85_decode`): 4 bytes for every 5 characters.
///
/// Errors: a length that is not a multiple of 5 is `BadLength`; a NUL character is
/// `NulError`; any other character outside the Z85 alphabet, or a group whose value exceeds
/// 32 bits, is [`DecodeError::InvalidInput`] (zmq 0.10 returned zeros instead). `""` decodes
/// to an empty vector.
///
/// ```
/// assert_eq!(zmq::z85_decode("Hello").unwrap(), [0x86, 0x4F, 0xD2, 0x6F]);
/// assert!(matches!(zmq::z85_decode("Hell~"), Err(zmq::DecodeError::InvalidInput)));
/// assert!(matches!(zmq::z85_decode("Hell"), Err(zmq::DecodeError::BadLength)));
/// ```
pub fn z85_decode(data: &str) -> std::result::Result<Vec<u8>, DecodeError> {
    if data.len() % 5 != 0 {
        return Err(DecodeError::BadLength);
    }
    let text = CString::new(data)?;
    if data.is_empty() {
        // libzmq rejects an empty string; zmq 0.10 answered `Ok(vec![])`.
        return Ok(Vec::new());
    }
    if !is_valid_z85(data.as_bytes()) {
        return Err(DecodeError::InvalidInput);
    }
    let mut dest = vec![0u8; data.len() / 5 * 4];
    // SAFETY: `text` is a NUL-terminated string of `data.len()` characters that we keep owning
    // (no leak); `dest` has room for the 4 bytes per 5 characters libzmq writes.
    let rc = unsafe { zmq_sys::zmq_z85_decode(dest.as_mut_ptr(), text.as_ptr()) };
    if rc.is_null() {
        return Err(DecodeError::InvalidInput);
    }
    Ok(dest)
}

/// A CURVE key pair in binary (32-byte) form.
///
/// The fields are public, so a pair can also be built from stored keys. Use
/// [`CurveKeyPair::public_key_z85`] and [`CurveKeyPair::secret_key_z85`] for the text form.
///
/// `Debug` prints the public key (as Z85) but **not** the secret key, unlike zmq 0.10, whose
/// derived `Debug` put the secret into every log line that printed the pair.
///
/// ```
/// # if !zmq::has("curve").unwrap() { return; }
/// let server = zmq::CurveKeyPair::new().unwrap();
/// let again = zmq::CurveKeyPair::from_secret_key(&server.secret_key).unwrap();
/// assert_eq!(again.public_key, server.public_key);
/// assert!(!format!("{server:?}").contains(&server.secret_key_z85()));
/// ```
pub struct CurveKeyPair {
    /// The public key, 32 bytes.
    pub public_key: [u8; 32],
    /// The secret key, 32 bytes.
    pub secret_key: [u8; 32],
}

/// Decodes a 40-character Z85 key that libzmq wrote (NUL-terminated in `z85`).
fn key_from_z85(z85: &[u8; KEY_Z85_LEN + 1]) -> Result<[u8; KEY_LEN]> {
    let text = std::str::from_utf8(&z85[..KEY_Z85_LEN]).map_err(|_| Error::EPROTO)?;
    let bytes = z85_decode(text).map_err(|_| Error::EPROTO)?;
    <[u8; KEY_LEN]>::try_from(bytes.as_slice()).map_err(|_| Error::EPROTO)
}

impl CurveKeyPair {
    /// Makes a new random key pair (`zmq_curve_keypair`).
    ///
    /// `Err(ENOTSUP)` when the linked libzmq has no CURVE support (`zmq::has("curve")`).
    pub fn new() -> Result<CurveKeyPair> {
        let mut public = [0u8; KEY_Z85_LEN + 1];
        let mut secret = [0u8; KEY_Z85_LEN + 1];
        // SAFETY: both buffers have the 41 bytes (40 characters and a NUL) libzmq writes.
        check(unsafe {
            zmq_sys::zmq_curve_keypair(
                public.as_mut_ptr() as *mut c_char,
                secret.as_mut_ptr() as *mut c_char,
            )
        })?;
        Ok(CurveKeyPair {
            public_key: key_from_z85(&public)?,
            secret_key: key_from_z85(&secret)?,
        })
    }

    /// Rebuilds a key pair from its secret key, deriving the public key
    /// (`zmq_curve_public`). Not in zmq 0.10.
    ///
    /// `Err(ENOTSUP)` when the linked libzmq has no CURVE support, or is older than 4.2.1
    /// (the first release with `zmq_curve_public`; the crate still builds and links against
    /// 4.1, this function is then compiled without the call).
    pub fn from_secret_key(secret_key: &[u8; 32]) -> Result<CurveKeyPair> {
        if !has_curve_public(crate::library::version()) {
            return Err(Error::ENOTSUP);
        }
        let public = curve_public(secret_key)?;
        Ok(CurveKeyPair {
            public_key: key_from_z85(&public)?,
            secret_key: *secret_key,
        })
    }

    /// The public key as 40 characters of Z85 text. Not in zmq 0.10.
    pub fn public_key_z85(&self) -> String {
        key_to_z85(&self.public_key)
    }

    /// The secret key as 40 characters of Z85 text. Not in zmq 0.10.
    pub fn secret_key_z85(&self) -> String {
        key_to_z85(&self.secret_key)
    }
}

/// The Z85 text of a 32-byte key. Encoding 32 bytes cannot fail (32 is a multiple of 4), so
/// the impossible error case yields an empty string rather than a panic.
pub(crate) fn key_to_z85(key: &[u8; KEY_LEN]) -> String {
    z85_encode(key).unwrap_or_default()
}

impl fmt::Debug for CurveKeyPair {
    /// Prints the public key as Z85 text and hides the secret key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CurveKeyPair")
            .field("public_key", &self.public_key_z85())
            .field("secret_key", &format_args!("<redacted>"))
            .finish()
    }
}

/// Whether a libzmq of this version has `zmq_curve_public` (4.2.1 and newer).
fn has_curve_public(version: (i32, i32, i32)) -> bool {
    version >= (4, 2, 1)
}

/// The Z85 public key for a secret key (`zmq_curve_public`), NUL-terminated.
#[cfg(zmq_curve_public)]
fn curve_public(secret_key: &[u8; KEY_LEN]) -> Result<[u8; KEY_Z85_LEN + 1]> {
    let secret_z85 = crate::error::c_string(&key_to_z85(secret_key))?;
    let mut public = [0u8; KEY_Z85_LEN + 1];
    // SAFETY: `public` has room for 40 characters and a NUL; `secret_z85` is a valid
    // 40-character Z85 C string that outlives the call.
    check(unsafe {
        zmq_sys::zmq_curve_public(public.as_mut_ptr() as *mut c_char, secret_z85.as_ptr())
    })?;
    Ok(public)
}

/// Built against a libzmq older than 4.2.1: the symbol is not referenced, so the program links.
#[cfg(not(zmq_curve_public))]
fn curve_public(_secret_key: &[u8; KEY_LEN]) -> Result<[u8; KEY_Z85_LEN + 1]> {
    Err(Error::ENOTSUP)
}

#[cfg(test)]
mod tests {
    #[test]
    fn curve_public_needs_libzmq_4_2_1() {
        assert!(!super::has_curve_public((4, 1, 8)));
        assert!(!super::has_curve_public((4, 2, 0)));
        assert!(super::has_curve_public((4, 2, 1)));
        assert!(super::has_curve_public((4, 3, 5)));
        assert!(super::has_curve_public((5, 0, 0)));
    }
}
