//! CURVE certificates in the files czmq and pyzmq use.
//!
//! A certificate is a CURVE key pair (or only its public half) plus text metadata, stored as
//! ZPL (ZeroMQ Property Language, RFC 4) text:
//!
//! ```text
//! metadata
//!     name = "server-1"
//! curve
//!     public-key = "<40 characters of Z85>"
//!     secret-key = "<40 characters of Z85>"
//! ```
//!
//! [`Certificate::save`] writes the pair of files czmq and pyzmq's `create_certificates` write:
//! `<name>.key` with the public key only, to hand out, and `<name>.key_secret` with both keys,
//! created readable by its owner only (mode 0600 on Unix).

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::security::{key_to_z85, z85_decode, CurveKeyPair};

/// Why a certificate could not be read, made or written.
#[derive(Debug, thiserror::Error)]
pub enum CertError {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// The text is not valid ZPL (bad indentation, a bad name, an unclosed quote, ...).
    #[error("line {line}: {reason}")]
    Syntax {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// There is no `curve` section with a `public-key`.
    #[error("no curve/public-key in the certificate")]
    MissingPublicKey,
    /// A key is not 40 characters of Z85 encoding 32 bytes.
    #[error("curve/{which} is not a 40-character Z85 key")]
    BadKey {
        /// `public-key` or `secret-key`.
        which: &'static str,
    },
    /// A key appears twice.
    #[error("curve/{0} appears twice")]
    DuplicateKey(&'static str),
    /// The secret key does not belong to the public key.
    #[error("the secret key does not belong to the public key")]
    KeyMismatch,
    /// A metadata name or value that ZPL cannot hold (see [`Certificate::set_metadata`]).
    #[error("metadata {name:?}: {reason}")]
    BadMetadata {
        /// The name given.
        name: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// A file given to a loader of secret certificates holds no secret key.
    #[error("the certificate has no secret key")]
    NoSecretKey,
    /// libzmq refused (e.g. `ENOTSUP` making keys without CURVE support).
    #[error(transparent)]
    Zmq(#[from] Error),
    /// An error in a named file (wraps the others with the path).
    #[error("{path}: {source}")]
    InFile {
        /// The file.
        path: PathBuf,
        /// What was wrong in it.
        source: Box<CertError>,
    },
}

impl CertError {
    fn in_file(self, path: &Path) -> CertError {
        match self {
            already @ (CertError::Io { .. } | CertError::InFile { .. }) => already,
            other => CertError::InFile {
                path: path.to_path_buf(),
                source: Box::new(other),
            },
        }
    }
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> CertError + '_ {
    move |source| CertError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A CURVE certificate: a public key, maybe its secret key, and metadata.
#[derive(Clone, PartialEq, Eq)]
pub struct Certificate {
    public_key: [u8; 32],
    secret_key: Option<[u8; 32]>,
    metadata: Vec<(String, String)>,
}

impl fmt::Debug for Certificate {
    /// Shows the public key and metadata; the secret key only as present or not.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("public_key", &self.public_key_z85())
            .field(
                "secret_key",
                &format_args!(
                    "{}",
                    if self.secret_key.is_some() {
                        "<redacted>"
                    } else {
                        "None"
                    }
                ),
            )
            .field("metadata", &self.metadata)
            .finish()
    }
}

impl Drop for Certificate {
    fn drop(&mut self) {
        if let Some(secret) = self.secret_key.as_mut() {
            for byte in secret.iter_mut() {
                // SAFETY: `byte` is a valid, aligned, exclusive reference; the volatile write
                // only keeps the compiler from dropping the wipe as a dead store.
                unsafe { std::ptr::write_volatile(byte, 0) };
            }
        }
    }
}

fn key_from_text(text: &str, which: &'static str) -> Result<[u8; 32], CertError> {
    if text.len() != 40 {
        return Err(CertError::BadKey { which });
    }
    let bytes = z85_decode(text).map_err(|_| CertError::BadKey { which })?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| CertError::BadKey { which })
}

/// A metadata entry the ZPL writer can write so that it reads back the same: the name a ZPL
/// name, the value one line that does not hold both kinds of quote.
fn check_metadata(name: &str, value: &str) -> Result<(), CertError> {
    let bad = |reason| CertError::BadMetadata {
        name: name.to_owned(),
        reason,
    };
    if name.is_empty() || !name.chars().all(is_name_char) {
        return Err(bad("a name is letters, digits and $-_@.&+/ only"));
    }
    if value.contains(['\n', '\r']) {
        return Err(bad("a value is one line"));
    }
    if value.contains('"') && value.contains('\'') {
        return Err(bad("a value cannot hold both \" and '"));
    }
    Ok(())
}

/// The characters a ZPL name may hold (RFC 4).
fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "$-_@.&+/".contains(c)
}

impl Certificate {
    /// A new certificate with a fresh key pair (`zmq_curve_keypair`). `Err(Zmq(ENOTSUP))`
    /// when libzmq has no CURVE.
    pub fn new() -> Result<Certificate, CertError> {
        Ok(Certificate::from_keypair(&CurveKeyPair::new()?))
    }

    /// A certificate holding both halves of `pair`.
    pub fn from_keypair(pair: &CurveKeyPair) -> Certificate {
        Certificate {
            public_key: pair.public_key,
            secret_key: Some(pair.secret_key),
            metadata: Vec::new(),
        }
    }

    /// A public certificate: the key of a peer, without a secret.
    pub fn from_public_key(public_key: [u8; 32]) -> Certificate {
        Certificate {
            public_key,
            secret_key: None,
            metadata: Vec::new(),
        }
    }

    /// The public key.
    pub fn public_key(&self) -> &[u8; 32] {
        &self.public_key
    }

    /// The public key as Z85 text.
    pub fn public_key_z85(&self) -> String {
        key_to_z85(&self.public_key)
    }

    /// The secret key, if this certificate has it.
    pub fn secret_key(&self) -> Option<&[u8; 32]> {
        self.secret_key.as_ref()
    }

    /// The secret key as Z85 text, if this certificate has it.
    pub fn secret_key_z85(&self) -> Option<String> {
        self.secret_key.as_ref().map(key_to_z85)
    }

    /// The key pair, if this certificate has the secret key.
    pub fn keypair(&self) -> Option<CurveKeyPair> {
        self.secret_key.map(|secret_key| CurveKeyPair {
            public_key: self.public_key,
            secret_key,
        })
    }

    /// The same certificate without its secret key (what a peer may be given).
    pub fn public_part(&self) -> Certificate {
        Certificate {
            public_key: self.public_key,
            secret_key: None,
            metadata: self.metadata.clone(),
        }
    }

    /// The metadata, in file order.
    pub fn metadata(&self) -> &[(String, String)] {
        &self.metadata
    }

    /// The value of one metadata entry.
    pub fn get_metadata(&self, name: &str) -> Option<&str> {
        self.metadata
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Sets (or replaces) a metadata entry. The name must be a ZPL name (letters, digits and
    /// `$-_@.&+/`), the value one line that does not hold both kinds of quote.
    pub fn set_metadata(&mut self, name: &str, value: &str) -> Result<(), CertError> {
        check_metadata(name, value)?;
        match self.metadata.iter_mut().find(|(n, _)| n == name) {
            Some(entry) => entry.1 = value.to_owned(),
            None => self.metadata.push((name.to_owned(), value.to_owned())),
        }
        Ok(())
    }

    /// Reads a certificate from ZPL text. A secret key, when present, must belong to the
    /// public key (checked where libzmq can derive public keys, i.e. has CURVE and is 4.2.1
    /// or newer). Metadata follows [`Certificate::set_metadata`]'s rules (a value that holds
    /// both kinds of quote is `Err(BadMetadata)`), so every certificate read can be written
    /// out and read back.
    pub fn parse(text: &str) -> Result<Certificate, CertError> {
        let tree = zpl::parse(text)?;
        let mut public_key = None;
        let mut secret_key = None;
        let mut metadata = Vec::new();
        for section in &tree {
            match section.name.as_str() {
                "curve" => {
                    for entry in &section.children {
                        let (slot, which) = match entry.name.as_str() {
                            "public-key" => (&mut public_key, "public-key"),
                            "secret-key" => (&mut secret_key, "secret-key"),
                            _ => continue,
                        };
                        if slot.is_some() {
                            return Err(CertError::DuplicateKey(which));
                        }
                        let value = entry.value.as_deref().unwrap_or("");
                        *slot = Some(key_from_text(value, which)?);
                    }
                }
                "metadata" => {
                    for entry in &section.children {
                        let value = entry.value.clone().unwrap_or_default();
                        // The rules `set_metadata` applies, so that what was read can be
                        // written out again (a bare value may hold both kinds of quote,
                        // which no quoted value can).
                        check_metadata(&entry.name, &value)?;
                        metadata.push((entry.name.clone(), value));
                    }
                }
                // Other sections (czmq leaves room for them) are not ours to judge.
                _ => {}
            }
        }
        let public_key = public_key.ok_or(CertError::MissingPublicKey)?;
        if let Some(secret) = &secret_key {
            match CurveKeyPair::from_secret_key(secret) {
                Ok(pair) if pair.public_key != public_key => return Err(CertError::KeyMismatch),
                Ok(_) | Err(Error::ENOTSUP) => {}
                Err(other) => return Err(other.into()),
            }
        }
        Ok(Certificate {
            public_key,
            secret_key,
            metadata,
        })
    }

    fn to_zpl(&self, with_secret: bool) -> String {
        let mut out = String::new();
        out.push_str("#   ****  Generated by the Rust zmq crate  ****\n");
        if with_secret {
            out.push_str("#   ZeroMQ CURVE **Secret** Certificate\n");
            out.push_str("#   Keep this file private: it holds the secret key.\n");
        } else {
            out.push_str("#   ZeroMQ CURVE Public Certificate\n");
            out.push_str("#   Hand this file out; check its contents after the exchange.\n");
        }
        out.push('\n');
        out.push_str("metadata\n");
        for (name, value) in &self.metadata {
            let quote = if value.contains('"') { '\'' } else { '"' };
            out.push_str(&format!("    {name} = {quote}{value}{quote}\n"));
        }
        out.push_str("curve\n");
        out.push_str(&format!("    public-key = \"{}\"\n", self.public_key_z85()));
        if with_secret {
            if let Some(secret) = self.secret_key_z85() {
                out.push_str(&format!("    secret-key = \"{secret}\"\n"));
            }
        }
        out
    }

    /// The public certificate as ZPL text (never the secret key).
    pub fn to_public_text(&self) -> String {
        self.to_zpl(false)
    }

    /// The secret certificate as ZPL text (both keys), or `None` without a secret key.
    pub fn to_secret_text(&self) -> Option<String> {
        self.secret_key.map(|_| self.to_zpl(true))
    }

    /// Reads a certificate file (public or secret).
    pub fn load(path: impl AsRef<Path>) -> Result<Certificate, CertError> {
        use std::io::Read;
        let path = path.as_ref();
        let mut text = String::new();
        fs::File::open(path)
            .and_then(|f| f.take(MAX_FILE_LEN + 1).read_to_string(&mut text))
            .map_err(io_error(path))?;
        if text.len() as u64 > MAX_FILE_LEN {
            let too_big = io::Error::new(
                io::ErrorKind::InvalidData,
                format!("larger than {MAX_FILE_LEN} bytes, not a certificate"),
            );
            return Err(io_error(path)(too_big));
        }
        Certificate::parse(&text).map_err(|e| e.in_file(path))
    }

    /// Reads a secret certificate file; `Err(NoSecretKey)` if it holds only a public key.
    pub fn load_secret(path: impl AsRef<Path>) -> Result<Certificate, CertError> {
        let path = path.as_ref();
        let cert = Certificate::load(path)?;
        if cert.secret_key.is_none() {
            return Err(CertError::NoSecretKey.in_file(path));
        }
        Ok(cert)
    }

    /// Writes the public certificate to `path`, replacing the file as
    /// [`save_secret`](Self::save_secret) does (a new file renamed into place: a symbolic link
    /// is not followed, and a reader such as `reload_certificates` never sees half a file).
    pub fn save_public(&self, path: impl AsRef<Path>) -> Result<(), CertError> {
        let path = path.as_ref();
        replace_file(path, self.to_public_text().as_bytes(), |_| {}).map_err(io_error(path))
    }

    /// Writes the secret certificate to `path`, readable by its owner only (mode 0600 on
    /// Unix, also when a file with wider permissions was there). The file is replaced, not
    /// written in place: a symbolic link at `path` is not followed, and a process that held
    /// the old file open does not see the new secret. `Err(NoSecretKey)` without a secret
    /// key.
    pub fn save_secret(&self, path: impl AsRef<Path>) -> Result<(), CertError> {
        let path = path.as_ref();
        let text = self.to_secret_text().ok_or(CertError::NoSecretKey)?;
        write_private(path, text.as_bytes()).map_err(io_error(path))
    }

    /// Writes `<base>.key` (public) and `<base>.key_secret` (secret, mode 0600), the pair
    /// czmq and pyzmq's `create_certificates` write, and returns both paths.
    pub fn save(&self, base: impl AsRef<Path>) -> Result<(PathBuf, PathBuf), CertError> {
        let base = base.as_ref();
        let public = with_suffix(base, ".key");
        let secret = with_suffix(base, ".key_secret");
        self.save_public(&public)?;
        self.save_secret(&secret)?;
        Ok((public, secret))
    }
}

/// The largest certificate file read (a certificate is a few hundred bytes; metadata
/// included, a few KiB): a bigger file is refused without reading it all.
const MAX_FILE_LEN: u64 = 64 * 1024;

fn with_suffix(base: &Path, suffix: &str) -> PathBuf {
    let mut name = base.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Writes the secret file by replacing it: a new file next to `path`, created exclusively
/// (no symbolic link or existing file is followed into) and readable by its owner only from
/// the start, is filled, synced and renamed over `path`. A symbolic link at `path` is thus
/// replaced, not written through, and whoever held the old file open does not see the new
/// secret.
#[cfg(unix)]
fn write_private(path: &Path, data: &[u8]) -> io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    replace_file(path, data, |options| {
        options.mode(0o600);
    })
}

#[cfg(not(unix))]
fn write_private(path: &Path, data: &[u8]) -> io::Result<()> {
    replace_file(path, data, |_| {})
}

/// Writes `data` to a fresh temporary file beside `path` (opened with `create_new` after
/// `configure`), then renames it over `path`; on failure the temporary file is removed.
fn replace_file(
    path: &Path,
    data: &[u8],
    configure: impl FnOnce(&mut fs::OpenOptions),
) -> io::Result<()> {
    use std::io::Write;
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file path"))?;
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    configure(&mut options);
    // A name someone else already took (by accident or to make this fail) is skipped.
    let mut attempt = 0;
    let (temp, mut file) = loop {
        let mut temp_name = std::ffi::OsString::from(".");
        temp_name.push(name);
        temp_name.push(format!(
            ".tmp-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let temp = path.with_file_name(temp_name);
        match options.open(&temp) {
            Ok(file) => break (temp, file),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(e) => return Err(e),
        }
    };
    let written = file
        .write_all(data)
        .and_then(|()| file.sync_all())
        .and_then(|()| fs::rename(&temp, path));
    if written.is_err() {
        let _ = fs::remove_file(&temp);
        return written;
    }
    // The rename itself survives a crash once the directory is synced (Unix; elsewhere
    // directories cannot be opened for that).
    #[cfg(unix)]
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// Loads the public keys of every `*.key` file in `dir` (the files czmq and pyzmq hand
/// out; `*.key_secret` files are not read), sorted by file name. A malformed file is an
/// error naming it, not skipped.
pub fn load_directory(dir: impl AsRef<Path>) -> Result<Vec<Certificate>, CertError> {
    scan_directory(dir.as_ref())?.into_iter().collect()
}

/// The public parts of the `*.key` files in `dir`, sorted by file name, each loaded or its
/// error; `Err` when the directory itself cannot be read.
pub(crate) fn scan_directory(dir: &Path) -> Result<Vec<Result<Certificate, CertError>>, CertError> {
    let mut paths = Vec::new();
    for entry in fs::read_dir(dir).map_err(io_error(dir))? {
        let entry = entry.map_err(io_error(dir))?;
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "key") && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    Ok(paths
        .iter()
        .map(|p| Certificate::load(p).map(|c| c.public_part()))
        .collect())
}

/// A small ZPL reader: the tree of names and values, nothing else.
mod zpl {
    use super::{is_name_char, CertError};

    pub(super) struct Node {
        pub(super) name: String,
        pub(super) value: Option<String>,
        pub(super) children: Vec<Node>,
    }

    fn syntax(line: usize, reason: impl Into<String>) -> CertError {
        CertError::Syntax {
            line,
            reason: reason.into(),
        }
    }

    /// The value after `=`: quoted with `"` or `'` (no escapes), or bare up to a comment.
    fn value(rest: &str, line: usize) -> Result<String, CertError> {
        let rest = rest.trim_start_matches([' ', '\t']);
        if let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') {
            let body = &rest[1..];
            let end = body
                .find(quote)
                .ok_or_else(|| syntax(line, format!("unclosed {quote} quote")))?;
            let after = body[end + 1..].trim_start_matches([' ', '\t']);
            if !(after.is_empty() || after.starts_with('#')) {
                return Err(syntax(line, "text after the closing quote"));
            }
            return Ok(body[..end].to_owned());
        }
        // A bare value (pyzmq writes metadata this way) ends at a comment.
        let end = rest
            .find(" #")
            .or_else(|| rest.find("\t#"))
            .unwrap_or(rest.len());
        Ok(rest[..end].trim_end().to_owned())
    }

    pub(super) fn parse(text: &str) -> Result<Vec<Node>, CertError> {
        let mut roots: Vec<Node> = Vec::new();
        // The chain of nodes the current line may nest under: indices into children lists.
        let mut open: Vec<usize> = Vec::new();
        // A byte order mark, as some Windows editors put at the start of a UTF-8 file.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for (index, raw) in text.split('\n').enumerate() {
            let line = index + 1;
            let raw = raw.strip_suffix('\r').unwrap_or(raw);
            let body = raw.trim_start_matches(' ');
            if body.trim().is_empty() || body.starts_with('#') {
                continue;
            }
            if body.starts_with('\t') {
                return Err(syntax(line, "indentation must be spaces, not tabs"));
            }
            let indent = raw.len() - body.len();
            if indent % 4 != 0 {
                return Err(syntax(line, "indentation must be a multiple of 4 spaces"));
            }
            let level = indent / 4;
            if level > open.len() {
                return Err(syntax(line, "indented deeper than the line above allows"));
            }
            open.truncate(level);
            let name_end = body.find(|c: char| !is_name_char(c)).unwrap_or(body.len());
            if name_end == 0 {
                return Err(syntax(line, "a line must start with a name"));
            }
            let name = body[..name_end].to_owned();
            let rest = body[name_end..].trim_start_matches([' ', '\t']);
            let value = if let Some(after) = rest.strip_prefix('=') {
                Some(value(after, line)?)
            } else if rest.is_empty() || rest.starts_with('#') {
                None
            } else {
                return Err(syntax(line, format!("unexpected text after {name:?}")));
            };
            let mut siblings = &mut roots;
            for &i in &open {
                siblings = &mut siblings[i].children;
            }
            siblings.push(Node {
                name,
                value,
                children: Vec::new(),
            });
            open.push(siblings.len() - 1);
        }
        Ok(roots)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PUBLIC: &str = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";

    #[test]
    fn reads_the_public_file_pyzmq_writes() {
        let text = format!(
            "#   ****  Generated on 2026-12-02 by pyzmq  ****\n\
             #   ZeroMQ CURVE Public Certificate\n\nmetadata\n    name = a b c\ncurve\n    \
             public-key = \"{PUBLIC}\"\n"
        );
        let cert = Certificate::parse(&text).unwrap();
        assert_eq!(cert.public_key_z85(), PUBLIC);
        assert_eq!(cert.secret_key(), None);
        assert_eq!(cert.get_metadata("name"), Some("a b c"));
        // The same file saved by an editor that starts UTF-8 files with a byte order mark.
        assert_eq!(
            Certificate::parse(&format!("\u{feff}{text}")).unwrap(),
            cert
        );
    }

    #[test]
    fn rejects_malformed_text_with_a_line_number() {
        let key_line = format!("curve\n    public-key = \"{PUBLIC}\"\n");
        let cases: Vec<(String, &str)> = vec![
            ("curve\n".to_owned(), "no curve/public-key"),
            (
                "curve\n    public-key = \"short\"\n".to_owned(),
                "not a 40-character",
            ),
            (
                format!("{key_line}    public-key = \"{PUBLIC}\"\n"),
                "twice",
            ),
            (
                "curve\n   public-key = \"x\"\n".to_owned(),
                "line 2: indentation must be a multiple",
            ),
            (
                "curve\n\tpublic-key = \"x\"\n".to_owned(),
                "line 2: indentation must be spaces",
            ),
            (
                "curve\n        public-key = \"x\"\n".to_owned(),
                "line 2: indented deeper",
            ),
            (
                "curve\n    public-key = \"abc\n".to_owned(),
                "line 2: unclosed",
            ),
            (
                "curve\n    public-key = \"a\" b\n".to_owned(),
                "text after the closing quote",
            ),
            ("=x\n".to_owned(), "line 1: a line must start with a name"),
            ("curve x\n".to_owned(), "unexpected text"),
        ];
        for (text, want) in cases {
            let err = Certificate::parse(&text).unwrap_err().to_string();
            assert!(err.contains(want), "{text:?}: {err}");
        }
    }

    #[test]
    fn metadata_rules() {
        let mut cert = Certificate::from_public_key([1; 32]);
        cert.set_metadata("name", "it's \"quoted\"").unwrap_err();
        cert.set_metadata("bad name", "x").unwrap_err();
        cert.set_metadata("", "x").unwrap_err();
        cert.set_metadata("name", "two\nlines").unwrap_err();
        cert.set_metadata("name", "say \"hi\"").unwrap();
        cert.set_metadata("name", "it's").unwrap();
        cert.set_metadata("email", "a@b.c").unwrap();
        assert_eq!(cert.metadata().len(), 2);
        let back = Certificate::parse(&cert.to_public_text()).unwrap();
        assert_eq!(back, cert);
    }
}
