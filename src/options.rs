//! [`SocketOptions`], a second expansion of the socket option table (feature `serde`): the
//! struct, its serde impls, and applying it to / reading it from a socket.

// The deprecated libzmq options have fields too; their uses here are not the user's.
#![allow(deprecated)]

use std::fmt;

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Error;
use crate::socket::Socket;
// For the intra-doc links of the table's row docs, which the fields repeat.
#[allow(unused_imports)]
use crate::sockopt::MAX_TOPIC_LEN;

/// The field type of each option kind (see the table in `SocketOptions`' docs).
macro_rules! field_type {
    (i32) => { i32 };
    (u32) => { u32 };
    (i64) => { i64 };
    (u64) => { u64 };
    (bool) => { bool };
    (ms) => { i32 };
    (ms_opt) => { i32 };
    (bytes) => { Vec<u8> };
    (cstr) => { String };
    (ocstr) => { String };
    (obin) => { String };
    (key) => { String };
}

/// The doc line a field adds after its row's docs, by kind.
macro_rules! field_kind_doc {
    (ms) => {
        "In milliseconds."
    };
    (ms_opt) => {
        "In milliseconds; -1 is infinite."
    };
    (bytes) => {
        "In a configuration file: a string (its UTF-8 bytes) or a list of byte values."
    };
    (key) => {
        "The key as its 40-character Z85 text."
    };
    ($kind:ident) => {
        ""
    };
}

/// Sets one option from its field: `(kind socket setter value)`.
macro_rules! apply_value {
    (bytes $s:ident $set:ident $v:ident) => {
        $s.$set($v.as_slice())
    };
    (cstr $s:ident $set:ident $v:ident) => {
        $s.$set($v.as_str())
    };
    (ocstr $s:ident $set:ident $v:ident) => {
        $s.$set(Some($v.as_str()))
    };
    (obin $s:ident $set:ident $v:ident) => {
        $s.$set(Some($v.as_str()))
    };
    (key $s:ident $set:ident $v:ident) => {
        $s.$set($v.as_bytes())
    };
    ($kind:ident $s:ident $set:ident $v:ident) => {
        $s.$set(*$v)
    };
}

/// Reads one option back for its field: `(kind socket getter [typed_getter typed_setter])`,
/// giving `Result<Option<field type>>`; `-` (write-only) gives `Ok(None)`.
macro_rules! read_value {
    ($kind:ident $s:ident - [$($typed:tt)*]) => {
        Ok(None)
    };
    (key $s:ident $get:ident [$dget:ident $dset:tt]) => {
        $s.$dget().map(Some)
    };
    (cstr $s:ident $get:ident [$($typed:tt)*]) => {
        $s.$get().map(|text| text.ok())
    };
    (ocstr $s:ident $get:ident [$($typed:tt)*]) => {
        $s.$get().map(|text| text.ok())
    };
    ($kind:ident $s:ident $get:ident [$($typed:tt)*]) => {
        $s.$get().map(Some)
    };
}

/// How one field is written by `Serialize`: `(kind value)`.
macro_rules! ser_value {
    (bytes $v:expr) => {
        &BytesOut($v)
    };
    ($kind:ident $v:expr) => {
        $v
    };
}

/// How one field is read by `Deserialize`: `(kind map)`.
macro_rules! de_value {
    (bytes $map:ident) => {
        $map.next_value::<BytesIn>()?.0
    };
    ($kind:ident $map:ident) => {
        $map.next_value()?
    };
}

/// Keeps the rows of the table that have a setter, then hands them to
/// `socket_options_struct!` (read-only options such as `ZMQ_EVENTS` have no field).
macro_rules! settable_rows {
    // Two rows a step (each kept or skipped), so the recursion stays well inside the
    // default `recursion_limit` as the table grows.
    (@keep [$($kept:tt)*]
        [$($a1:tt)*] $i1:ident $k1:ident $g1:tt - [$($t1:tt)*] ;
        [$($a2:tt)*] $i2:ident $k2:ident $g2:tt - [$($t2:tt)*] ;
        $($rest:tt)*) => {
        settable_rows! { @keep [$($kept)*] $($rest)* }
    };
    (@keep [$($kept:tt)*]
        [$($a1:tt)*] $i1:ident $k1:ident $g1:tt - [$($t1:tt)*] ;
        [$($a2:tt)*] $i2:ident $k2:ident $g2:tt $s2:ident [$($t2:tt)*] ;
        $($rest:tt)*) => {
        settable_rows! {
            @keep [$($kept)* [$($a2)*] $i2 $k2 $g2 $s2 [$($t2)*] ;] $($rest)*
        }
    };
    (@keep [$($kept:tt)*]
        [$($a1:tt)*] $i1:ident $k1:ident $g1:tt $s1:ident [$($t1:tt)*] ;
        [$($a2:tt)*] $i2:ident $k2:ident $g2:tt - [$($t2:tt)*] ;
        $($rest:tt)*) => {
        settable_rows! {
            @keep [$($kept)* [$($a1)*] $i1 $k1 $g1 $s1 [$($t1)*] ;] $($rest)*
        }
    };
    (@keep [$($kept:tt)*]
        [$($a1:tt)*] $i1:ident $k1:ident $g1:tt $s1:ident [$($t1:tt)*] ;
        [$($a2:tt)*] $i2:ident $k2:ident $g2:tt $s2:ident [$($t2:tt)*] ;
        $($rest:tt)*) => {
        settable_rows! {
            @keep [
                $($kept)*
                [$($a1)*] $i1 $k1 $g1 $s1 [$($t1)*] ;
                [$($a2)*] $i2 $k2 $g2 $s2 [$($t2)*] ;
            ] $($rest)*
        }
    };
    // The last row of an odd count, and the end.
    (@keep [$($kept:tt)*] [$($attr:tt)*] $id:ident $kind:ident $get:tt - [$($typed:tt)*] ;) => {
        settable_rows! { @keep [$($kept)*] }
    };
    (@keep [$($kept:tt)*] [$($attr:tt)*] $id:ident $kind:ident $get:tt $set:ident
        [$($typed:tt)*] ;) => {
        settable_rows! { @keep [$($kept)* [$($attr)*] $id $kind $get $set [$($typed)*] ;] }
    };
    (@keep [$($kept:tt)*]) => {
        socket_options_struct! { $($kept)* }
    };
    ($($rows:tt)*) => {
        settable_rows! { @keep [] $($rows)* }
    };
}

/// Emits a row's statements under its `#[cfg(...)]` attribute, if it has one (its other
/// attributes, docs and `#[deprecated]`, are dropped): `([attributes] statements...)`.
macro_rules! under_row_cfg {
    ([] $($body:tt)*) => {
        $($body)*
    };
    ([#[cfg $($cfg:tt)*] $($rest:tt)*] $($body:tt)*) => {
        #[cfg $($cfg)*]
        let () = {
            $($body)*
        };
    };
    ([#[$($other:tt)*] $($rest:tt)*] $($body:tt)*) => {
        under_row_cfg!([$($rest)*] $($body)*)
    };
}

/// The struct, its serde impls, `apply_to` and `read_from`, from the settable rows.
macro_rules! socket_options_struct {
    ($( [$($attr:tt)*] $id:ident $kind:ident $get:tt $set:ident [$($typed:tt)*] ; )*) => {
        pastey::paste! {
            /// Every settable socket option, each `None` (leave as is) or a value, for serde to read from
            /// and write to configuration files (feature `serde`); applied to a socket in one call with
            /// [`Socket::apply_options`], read back with [`SocketOptions::read_from`].
            ///
            /// The struct is generated from the socket option table in `sockopt.rs`, like the accessors:
            /// one `Option` field per settable option, named after its setter without `set_`
            /// (`set_sndhwm` gives `sndhwm`, `set_curve_serverkey` gives `curve_serverkey`). `None`
            /// leaves the socket's value as it is. DRAFT options are fields only when the linked libzmq
            /// has the DRAFT API (`cfg(zmq_draft)`).
            ///
            /// ```
            /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
            /// let opts: zmq::SocketOptions = serde_json::from_str(
            ///     r#"{ "sndhwm": 5000, "linger": 0, "rcvtimeo": 250, "routing_id": "worker-1" }"#,
            /// )?;
            /// let ctx = zmq::Context::new();
            /// let socket = ctx.socket(zmq::DEALER)?;
            /// socket.apply_options(&opts)?;
            /// assert_eq!(socket.get_sndhwm()?, 5000);
            /// assert_eq!(socket.get_rcvtimeo()?, 250);
            ///
            /// // Unknown keys are rejected, naming the key.
            /// let err = serde_json::from_str::<zmq::SocketOptions>(r#"{ "sndhvm": 1 }"#).unwrap_err();
            /// assert!(err.to_string().contains("unknown socket option `sndhvm`"));
            /// # Ok(())
            /// # }
            /// ```
            ///
            /// # Values in configuration files
            ///
            /// | option kind | field type | written as |
            /// |---|---|---|
            /// | integers, flags | `Option<i32>`, `u32`, `i64`, `u64`, `bool` | numbers, `true`/`false` |
            /// | durations (`linger`, `rcvtimeo`, `heartbeat_ivl`, ...) | `Option<i32>` | **milliseconds**, as libzmq takes them; -1 is infinite where libzmq allows it |
            /// | binary values (`routing_id`, `subscribe`, ...) | `Option<Vec<u8>>` | a string (its UTF-8 bytes) or a list of byte values; written back as a string when UTF-8 |
            /// | text (`zap_domain`, `socks_proxy`, ...) | `Option<String>` | a string |
            /// | CURVE keys | `Option<String>` | the 40-character Z85 text |
            ///
            /// An option that adds to a list in libzmq (`subscribe`, the accept filters, `metadata`)
            /// takes one value here; call its setter for more. Options whose setter clears them with
            /// `None` (`socks_proxy`, ...) can be set from here, not cleared. Two keys for the same
            /// libzmq option (`identity` is zmq 0.10's name of `routing_id`) in one document are an
            /// error.
            ///
            /// # Secrets
            ///
            /// `curve_secretkey`, `plain_password` and the other options whose name says `secret`,
            /// `password` or `key_pem` print as `<redacted>` in `Debug` and `Display` and in an
            /// [`ApplyError`]'s value, so logging a `SocketOptions` does not leak them. `Serialize` writes
            /// them in full: that is how a configuration file is written.
            ///
            /// `Debug` and `Display` show only the options that are set, secrets redacted.
            #[derive(Clone, Default, PartialEq, Eq)]
            #[non_exhaustive]
            pub struct SocketOptions {
                $(
                    $($attr)*
                    #[doc = ""]
                    #[doc = concat!("`", stringify!($id), "`. ", field_kind_doc!($kind))]
                    pub [<$set:replace("set_", "")>]: Option<field_type!($kind)>,
                )*
            }

            /// Every field (DRAFT ones too): its key and libzmq's name of the option, in
            /// table order.
            const FIELDS: &[(&str, &str)] = &[
                $( (stringify!([<$set:replace("set_", "")>]), stringify!($id)), )*
            ];

            impl SocketOptions {
                /// Applies every option that is `Some` to `socket`, in the table's order
                /// (libzmq's option id order), stopping at the first one libzmq refuses.
                ///
                /// The [`ApplyError`] names that option and its value and lists the options
                /// applied before it (which stay applied).
                pub fn apply_to(&self, socket: &Socket) -> Result<(), ApplyError> {
                    let mut applied: Vec<&'static str> = Vec::new();
                    $(
                        under_row_cfg!([$($attr)*]
                            if let Some(value) = &self.[<$set:replace("set_", "")>] {
                                let key = stringify!([<$set:replace("set_", "")>]);
                                if let Err(error) = apply_value!($kind socket $set value) {
                                    return Err(ApplyError {
                                        option: key,
                                        zmq_name: stringify!($id),
                                        value: shown(key, &DisplayValue(value)),
                                        error,
                                        applied,
                                    });
                                }
                                applied.push(key);
                            }
                        );
                    )*
                    Ok(())
                }

                /// Reads back every option of `socket` that libzmq can read, for logging
                /// (print it with `{}` or `{:?}`: secrets are redacted).
                ///
                /// Write-only options, options this libzmq cannot read (`EINVAL`, e.g.
                /// `router_mandatory`, or GSSAPI options without GSSAPI) and text that is not
                /// UTF-8 stay `None`; of two fields for one option (`identity`,
                /// `routing_id`) only the later is filled. Other errors (`ETERM`, ...) are
                /// returned.
                ///
                /// The result describes the socket; it is not a recipe to clone it with
                /// [`SocketOptions::apply_to`]: it holds every default too, and some of those
                /// change a socket when set (the unset `curve_serverkey` reads back as zeros,
                /// and setting any server key makes a socket a CURVE client).
                pub fn read_from(socket: &Socket) -> Result<SocketOptions, Error> {
                    let mut options = SocketOptions::default();
                    $(
                        under_row_cfg!([$($attr)*]
                            if !superseded(stringify!([<$set:replace("set_", "")>])) {
                                let value: Result<Option<field_type!($kind)>, Error> =
                                    read_value!($kind socket $get [$($typed)*]);
                                options.[<$set:replace("set_", "")>] = unreadable_is_none(value)?;
                            }
                        );
                    )*
                    Ok(options)
                }

                /// Calls `f(key, value)` for every option that is set, in table order.
                fn for_each_set(&self, mut f: impl FnMut(&'static str, &dyn fmt::Display)) {
                    $(
                        under_row_cfg!([$($attr)*]
                            if let Some(value) = &self.[<$set:replace("set_", "")>] {
                                f(stringify!([<$set:replace("set_", "")>]), &DisplayValue(value));
                            }
                        );
                    )*
                }
            }

            impl Serialize for SocketOptions {
                /// A map of the options that are set, in table order, secrets included.
                fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    let mut map = serializer.serialize_map(None)?;
                    $(
                        under_row_cfg!([$($attr)*]
                            if let Some(value) = &self.[<$set:replace("set_", "")>] {
                                map.serialize_entry(
                                    stringify!([<$set:replace("set_", "")>]),
                                    ser_value!($kind value),
                                )?;
                            }
                        );
                    )*
                    map.end()
                }
            }

            impl<'de> Visitor<'de> for OptionsVisitor {
                type Value = SocketOptions;

                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a map of socket options")
                }

                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SocketOptions, A::Error> {
                    let mut options = SocketOptions::default();
                    let mut seen: Vec<(&'static str, &'static str)> = Vec::new();
                    'keys: while let Some(key) = map.next_key::<String>()? {
                        let key = key.as_str();
                        $(
                            under_row_cfg!([$($attr)*]
                                if key == stringify!([<$set:replace("set_", "")>]) {
                                    let this = (stringify!([<$set:replace("set_", "")>]), stringify!($id));
                                    if let Some(other) = seen.iter().find(|seen| seen.1 == this.1) {
                                        return Err(de::Error::custom(format_args!(
                                            "socket option {} given twice (as `{}` and `{}`)",
                                            this.1, other.0, this.0
                                        )));
                                    }
                                    seen.push(this);
                                    options.[<$set:replace("set_", "")>] = Some(de_value!($kind map));
                                    continue 'keys;
                                }
                            );
                        )*
                        return Err(de::Error::custom(format_args!(
                            "unknown socket option `{key}`"
                        )));
                    }
                    Ok(options)
                }
            }
        }
    };
}

crate::sockopt::socket_option_rows!(settable_rows);

/// Whether a later field sets the same libzmq option as `key` (zmq 0.10's `identity` and
/// `routing_id` both set `ZMQ_ROUTING_ID`).
fn superseded(key: &str) -> bool {
    match FIELDS.iter().position(|field| field.0 == key) {
        Some(at) => FIELDS[at + 1..].iter().any(|later| later.1 == FIELDS[at].1),
        None => false,
    }
}

/// `Ok(None)` for an option libzmq cannot read back (`EINVAL`, or not supported).
fn unreadable_is_none<T>(value: Result<Option<T>, Error>) -> Result<Option<T>, Error> {
    match value {
        Err(Error::EINVAL) | Err(Error::ENOTSUP) | Err(Error::ENOPROTOOPT) => Ok(None),
        other => other,
    }
}

/// Whether an option's value is a secret, which `Debug`, `Display` and [`ApplyError`] hide.
fn is_secret(key: &str) -> bool {
    key.contains("secret") || key.contains("password") || key.contains("key_pem")
}

/// The value as it may be shown: itself, or `<redacted>` for a secret.
fn shown(key: &str, value: &dyn fmt::Display) -> String {
    if is_secret(key) {
        "<redacted>".to_owned()
    } else {
        value.to_string()
    }
}

/// A field's value for humans: numbers and flags as they are, text quoted, bytes as text
/// when UTF-8 (else as a byte list).
struct DisplayValue<'a, T: ?Sized>(&'a T);

macro_rules! display_plain {
    ($($t:ty),*) => {$(
        impl fmt::Display for DisplayValue<'_, $t> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    )*};
}
display_plain!(i32, u32, i64, u64, bool);

impl fmt::Display for DisplayValue<'_, String> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl fmt::Display for DisplayValue<'_, Vec<u8>> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match std::str::from_utf8(self.0) {
            Ok(text) => write!(f, "{text:?}"),
            Err(_) => write!(f, "{:?}", self.0),
        }
    }
}

impl fmt::Debug for SocketOptions {
    /// `SocketOptions { sndhwm: 1000, curve_secretkey: <redacted> }`: the options that are
    /// set, secrets redacted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut entries = Vec::new();
        self.for_each_set(|key, value| entries.push((key, shown(key, value))));
        f.write_str("SocketOptions {")?;
        for (i, (key, value)) in entries.iter().enumerate() {
            let sep = if i == 0 { " " } else { ", " };
            write!(f, "{sep}{key}: {value}")?;
        }
        f.write_str(if entries.is_empty() { "}" } else { " }" })
    }
}

impl fmt::Display for SocketOptions {
    /// `sndhwm=1000 curve_secretkey=<redacted>`: the options that are set, secrets redacted;
    /// empty when none is.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut result = Ok(());
        let mut first = true;
        self.for_each_set(|key, value| {
            if result.is_ok() {
                let sep = if first { "" } else { " " };
                first = false;
                result = write!(f, "{sep}{key}={}", shown(key, value));
            }
        });
        result
    }
}

struct OptionsVisitor;

impl<'de> Deserialize<'de> for SocketOptions {
    /// A map from option keys to values; an unknown key, or two keys for one libzmq option,
    /// is an error naming the key.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<SocketOptions, D::Error> {
        deserializer.deserialize_map(OptionsVisitor)
    }
}

/// A binary value as it is written: a string when UTF-8, else a list of byte values.
struct BytesOut<'a>(&'a [u8]);

impl Serialize for BytesOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(self.0) {
            Ok(text) => serializer.serialize_str(text),
            Err(_) => self.0.serialize(serializer),
        }
    }
}

/// A binary value as it is read: a string (its UTF-8 bytes), bytes, or a list of byte values.
struct BytesIn(Vec<u8>);

impl<'de> Deserialize<'de> for BytesIn {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<BytesIn, D::Error> {
        struct BytesVisitor;
        impl<'de> Visitor<'de> for BytesVisitor {
            type Value = BytesIn;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a list of byte values")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<BytesIn, E> {
                Ok(BytesIn(v.as_bytes().to_vec()))
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<BytesIn, E> {
                Ok(BytesIn(v.to_vec()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<BytesIn, A::Error> {
                let mut bytes = Vec::new();
                while let Some(byte) = seq.next_element::<u8>()? {
                    bytes.push(byte);
                }
                Ok(BytesIn(bytes))
            }
        }
        deserializer.deserialize_any(BytesVisitor)
    }
}

/// Why [`SocketOptions::apply_to`] (or [`Socket::apply_options`]) stopped: the option libzmq
/// refused, the value it refused (`<redacted>` for a secret), libzmq's error, and the
/// options applied before it, which stay applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplyError {
    /// The refused option's key, e.g. `"sndhwm"`.
    pub option: &'static str,
    /// libzmq's name of the option, e.g. `"ZMQ_SNDHWM"`.
    pub zmq_name: &'static str,
    /// The refused value as text (`<redacted>` for a secret).
    pub value: String,
    /// What libzmq said (usually `EINVAL`).
    pub error: Error,
    /// The keys of the options applied before, in the order they were applied.
    pub applied: Vec<&'static str>,
}

impl ApplyError {
    /// The libzmq error behind it.
    pub fn zmq_error(&self) -> Error {
        self.error
    }
}

impl fmt::Display for ApplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "socket option `{}` ({}) = {} refused: {}",
            self.option, self.zmq_name, self.value, self.error
        )?;
        if self.applied.is_empty() {
            write!(f, "; no option was applied before it")
        } else {
            write!(f, "; applied before it: {}", self.applied.join(", "))
        }
    }
}

impl std::error::Error for ApplyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl From<ApplyError> for Error {
    /// Just the libzmq error, for functions that return [`crate::Result`].
    fn from(e: ApplyError) -> Error {
        e.error
    }
}

impl From<ApplyError> for std::io::Error {
    /// The kind libzmq's error converts to, with the [`ApplyError`] (and its message) inside.
    fn from(e: ApplyError) -> std::io::Error {
        let kind = std::io::Error::from(e.error).kind();
        std::io::Error::new(kind, e)
    }
}

/// Socket options from a [`SocketOptions`] (feature `serde`).
impl Socket {
    /// Applies every option of `options` that is set; see [`SocketOptions::apply_to`].
    pub fn apply_options(&self, options: &SocketOptions) -> Result<(), ApplyError> {
        options.apply_to(self)
    }
}
