//! Authentication: a ZAP handler (RFC 27) that runs on its own thread, and CURVE
//! certificates.
//!
//! A server socket with `set_plain_server(true)`, `set_curve_server(true)` or a ZAP domain
//! asks "may this client in?" for every connecting client, over `inproc://zeromq.zap.01` in
//! its context. Without a handler there, libzmq lets everyone in. An [`Authenticator`] is that
//! handler: it answers from policies — addresses to allow or deny (single addresses and CIDR
//! ranges), PLAIN user names and passwords, CURVE public keys (any key, a set of keys, or a
//! directory of certificate files), and a callback for everything else — per ZAP domain.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # if !zmq::has("curve").unwrap_or(false) { return Ok(()); }
//! use zmq::auth::{Authenticator, Certificate};
//!
//! let ctx = zmq::Context::new();
//! let server_cert = Certificate::new()?;
//! let client_cert = Certificate::new()?;
//!
//! // Only this client key may connect, from loopback only.
//! let auth = Authenticator::new(&ctx)?;
//! auth.allow("127.0.0.0/8")?;
//! auth.curve_keys("*", [*client_cert.public_key()]);
//!
//! let server = ctx.socket(zmq::REP)?;
//! server.set_curve_server(true)?;
//! server.set_curve_secretkey(server_cert.secret_key().unwrap())?;
//! server.bind("tcp://127.0.0.1:*")?;
//! let endpoint = server.get_last_endpoint()?.unwrap();
//!
//! let client = ctx.socket(zmq::REQ)?;
//! client.set_curve_serverkey(server_cert.public_key())?;
//! client.set_curve_publickey(client_cert.public_key())?;
//! client.set_curve_secretkey(client_cert.secret_key().unwrap())?;
//! client.connect(&endpoint)?;
//!
//! client.send("hello", 0)?;
//! let mut msg = server.recv_msg(0)?;
//! // The authenticator's User-Id for CURVE clients is their public key in Z85.
//! assert_eq!(msg.gets("User-Id"), Some(client_cert.public_key_z85().as_str()));
//! # Ok(()) }
//! ```
//!
//! ## How a request is decided
//!
//! 1. **Address.** A client whose IP address matches a [`deny`](Authenticator::deny) entry
//!    is refused. If any [`allow`](Authenticator::allow) entry exists, a client that matches
//!    none is refused (also clients without an IP address: IPC and inproc).
//! 2. **Domain.** The policies of the request's ZAP domain apply, else those of domain
//!    `"*"`; with neither, only NULL clients are let in.
//! 3. **Mechanism.** NULL: let in. PLAIN: the user name and password must be in the
//!    domain's [`plain`](Authenticator::plain) table (User-Id: the user name). CURVE: the key
//!    must pass the domain's CURVE policy (User-Id: the key in Z85). A mechanism the domain
//!    has no built-in policy for goes to its [`callback`](Authenticator::callback), which may
//!    also take NULL clients; with no callback it is refused.
//!
//! Every request is answered: refusals with status 400 and a reason, malformed requests and
//! failing callbacks with 500. The server sees a refusal as a `HANDSHAKE_FAILED_AUTH` monitor
//! event whose value is the status code.
//!
//! NULL clients are asked about only when the server socket has a ZAP domain
//! (`set_zap_domain`): without one libzmq lets them in without a request, so address lists
//! cannot apply to them. A NULL client let in gets no User-Id (pyzmq's authenticator says
//! `"anonymous"`; a callback can return that).
//!
//! PLAIN passwords are compared in a time that does not depend on where they differ. A
//! PLAIN user name that is not UTF-8 is refused (a User-Id is text; a lossy conversion would
//! give two users the same one).
//!
//! ## While no handler runs
//!
//! The handler keeps answering through failing callbacks (500) and errors of libzmq; it ends
//! only on [`stop`](Authenticator::stop), on drop and when the context terminates. At stop,
//! requests already queued are answered with 500. After that, **libzmq lets clients in
//! without asking**, as it does when no handler was ever started. A server that must refuse
//! then sets `set_zap_enforce_domain(true)` (a DRAFT option, feature `draft`): with no handler
//! its handshakes fail instead.
//!
//! A context has at most one ZAP handler: a second `Authenticator::new` on the same context
//! is `Err(EADDRINUSE)`. The authenticator holds a socket of the context, like any other:
//! drop it before `Context::destroy`, or the destroy waits for it.

mod cert;
mod zap;

pub use self::cert::{load_directory, CertError, Certificate};
pub use self::zap::{
    Credentials, Verdict, ZapError, ZapReply, ZapRequest, ZapStatus, ZAP_ENDPOINT, ZAP_VERSION,
};

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::net::IpAddr;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};

use crate::{poll, Context, Error, Message, PollEvents, Socket, SocketType};

/// The domain whose policies apply to requests of a domain that has none of its own.
pub const ANY_DOMAIN: &str = "*";

/// An IP address or a CIDR range (`10.0.0.0/8`, `::1`, `fe80::/10`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IpRange {
    network: IpAddr,
    prefix: u8,
}

/// A text that is not an IP address or CIDR range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an IP address or CIDR range (like 192.168.0.0/16 or ::1)")]
pub struct AddressError(pub String);

/// Addresses as libzmq reports them may be IPv4 mapped into IPv6 (`::ffff:1.2.3.4`) when a
/// server listens on IPv6: treat those as the IPv4 address they are.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn bits(ip: IpAddr) -> (u128, u8) {
    match ip {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32),
        IpAddr::V6(v6) => (u128::from(v6), 128),
    }
}

impl IpRange {
    /// Whether `ip` lies in this range. An IPv4 address, also one reported mapped into IPv6
    /// (`::ffff:1.2.3.4`), lies only in IPv4 ranges: `::/0` means every IPv6 client, not
    /// every client.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        if ip.is_ipv4() != self.network.is_ipv4() {
            return false;
        }
        let (a, width) = bits(ip);
        let (b, _) = bits(self.network);
        let shift = u32::from(width - self.prefix);
        // A shift of the full width (prefix 0) matches everything of the family.
        a.checked_shr(shift).unwrap_or(0) == b.checked_shr(shift).unwrap_or(0)
    }
}

impl FromStr for IpRange {
    type Err = AddressError;

    /// An address or `address/prefix`. An IPv4-mapped IPv6 address is the IPv4 address or
    /// range it maps (`::ffff:10.0.0.0/104` is `10.0.0.0/8`); with a prefix under 96 it would
    /// reach beyond the mapped addresses, which is refused as ambiguous.
    fn from_str(text: &str) -> Result<IpRange, AddressError> {
        let bad = || AddressError(text.to_owned());
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let written = addr.parse::<IpAddr>().map_err(|_| bad())?;
        let width = bits(written).1;
        let prefix = match prefix {
            None => width,
            Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= width)
                .ok_or_else(bad)?,
            Some(_) => return Err(bad()),
        };
        Ok(match canonical(written) {
            IpAddr::V4(v4) if written.is_ipv6() => IpRange {
                network: IpAddr::V4(v4),
                prefix: prefix.checked_sub(96).ok_or_else(bad)?,
            },
            _ => IpRange {
                network: written,
                prefix,
            },
        })
    }
}

impl fmt::Display for IpRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

type Callback = dyn Fn(&ZapRequest) -> Verdict + Send + Sync;

enum CurvePolicy {
    Any,
    Keys(HashSet<[u8; 32]>),
    Directory {
        path: PathBuf,
        keys: HashSet<[u8; 32]>,
        /// Unique per read of the directory: a reload applies its keys only where the policy
        /// is still the one it started from.
        generation: u64,
    },
}

/// A fresh [`CurvePolicy::Directory`] generation.
fn next_generation() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

#[derive(Default)]
struct DomainPolicy {
    plain: Option<HashMap<Vec<u8>, Vec<u8>>>,
    curve: Option<CurvePolicy>,
    callback: Option<Arc<Callback>>,
}

#[derive(Default)]
struct Policies {
    allow: Vec<IpRange>,
    deny: Vec<IpRange>,
    domains: HashMap<String, DomainPolicy>,
}

/// Counts of what the authenticator answered, since it started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AuthStats {
    /// Requests answered with 200.
    pub allowed: u64,
    /// Requests answered with 300 or 400.
    pub denied: u64,
    /// Requests answered with 500 (malformed requests, failing callbacks).
    pub errors: u64,
}

#[derive(Default)]
struct Shared {
    policies: Mutex<Policies>,
    allowed: AtomicU64,
    denied: AtomicU64,
    errors: AtomicU64,
    /// Set by `stop`/drop before STOP is sent; read by the loop after every request, which
    /// is how a handler dropped by its own callback learns of it.
    stopping: AtomicBool,
}

impl Shared {
    /// The policies, also after a callback panicked while another thread held them (the
    /// handler never panics while holding the lock, but a poisoned lock is no reason to
    /// stop answering).
    fn policies(&self) -> MutexGuard<'_, Policies> {
        self.policies.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// What to do with one request, decided under the policy lock; a callback runs after the
/// lock is released.
enum Decision {
    Done(Verdict),
    Ask(Arc<Callback>),
}

fn decide(policies: &Policies, req: &ZapRequest) -> Decision {
    // libzmq reports IPv6 link-local peers with their zone (`fe80::1%eth0`): the zone is
    // not part of the address the lists match.
    let bare = req.address.split('%').next().unwrap_or("");
    let ip = bare.parse::<IpAddr>().ok();
    if ip.is_none() && !req.address.is_empty() && !policies.deny.is_empty() {
        // An address we cannot read cannot be shown not to be denied: fail closed.
        return Decision::Done(Verdict::deny(format!(
            "address {:?} cannot be checked against the deny list",
            req.address
        )));
    }
    if let Some(ip) = ip {
        if policies.deny.iter().any(|r| r.contains(ip)) {
            return Decision::Done(Verdict::deny(format!("address {ip} is denied")));
        }
    }
    if !policies.allow.is_empty()
        && !ip.is_some_and(|ip| policies.allow.iter().any(|r| r.contains(ip)))
    {
        return Decision::Done(Verdict::deny(format!(
            "address {:?} is not on the allow list",
            req.address
        )));
    }
    let domain = policies
        .domains
        .get(&req.domain)
        .or_else(|| policies.domains.get(ANY_DOMAIN));
    let builtin = match (&req.credentials, domain) {
        (
            Credentials::Plain { username, password },
            Some(DomainPolicy {
                plain: Some(table), ..
            }),
        ) => Some(plain_verdict(table, username, password)),
        (
            Credentials::Curve { public_key },
            Some(DomainPolicy {
                curve: Some(rule), ..
            }),
        ) => {
            let known = match rule {
                CurvePolicy::Any => true,
                CurvePolicy::Keys(keys) | CurvePolicy::Directory { keys, .. } => {
                    keys.contains(public_key)
                }
            };
            let z85 = crate::security::key_to_z85(public_key);
            Some(if known {
                Verdict::allow(z85)
            } else {
                Verdict::deny(format!("CURVE key {z85} is not allowed"))
            })
        }
        _ => None,
    };
    if let Some(verdict) = builtin {
        return Decision::Done(verdict);
    }
    match (domain.and_then(|d| d.callback.clone()), &req.credentials) {
        (Some(callback), _) => Decision::Ask(callback),
        (None, Credentials::Null) => Decision::Done(Verdict::allow("")),
        (None, _) => Decision::Done(Verdict::deny(format!(
            "no {} policy for ZAP domain {:?}",
            req.mechanism, req.domain
        ))),
    }
}

/// PLAIN: the user must be in the table with this password. A user name that is not UTF-8
/// is refused: it could only become a User-Id by a lossy conversion, which would give two
/// different users the same User-Id.
fn plain_verdict(table: &HashMap<Vec<u8>, Vec<u8>>, username: &[u8], password: &[u8]) -> Verdict {
    let refused = || Verdict::deny("unknown user name or wrong password");
    let Ok(name) = std::str::from_utf8(username) else {
        return refused();
    };
    match table.get(username) {
        Some(expected) if same_secret(expected, password) => Verdict::allow(name),
        Some(_) => refused(),
        None => {
            // The same work as for a known user, so the time does not tell which names exist.
            let _ = same_secret(password, password);
            refused()
        }
    }
}

/// Compares two secrets in a time that depends on their lengths only, not on where they
/// first differ, so a client cannot find a password byte by byte by timing refusals.
fn same_secret(expected: &[u8], given: &[u8]) -> bool {
    let mut diff = u8::from(expected.len() != given.len());
    for i in 0..expected.len().max(given.len()) {
        let a = expected.get(i).copied().unwrap_or(0);
        let b = given.get(i).copied().unwrap_or(0);
        diff |= a ^ b;
    }
    // Keeps the compiler from ending the loop at the first difference.
    std::hint::black_box(diff) == 0
}

/// Drops something of the user's on the handler thread: a callback's panic payload, or the
/// last handle of a callback replaced while it ran. Its destructor may panic, which would end
/// the handler thread and leave the context without a handler (libzmq then lets everyone
/// in): that panic is caught, and its payload, whose destructor is as little to be trusted,
/// is kept for the life of the process instead of dropped (one small entry per such panic).
fn drop_quietly<T: Send + 'static>(value: T) {
    static KEPT: Mutex<Vec<Box<dyn std::any::Any + Send>>> = Mutex::new(Vec::new());
    if let Err(again) = catch_unwind(AssertUnwindSafe(|| drop(value))) {
        KEPT.lock().unwrap_or_else(|e| e.into_inner()).push(again);
    }
}

/// The verdict for a request's frames, with every failure turned into a 500 answer (also a
/// panic of the handler's own code, so that nothing ends the handler thread).
fn answer(shared: &Shared, frames: &[Message]) -> ZapReply {
    let request_id = frames.get(1).map(|f| f.to_vec()).unwrap_or_default();
    let verdict = catch_unwind(AssertUnwindSafe(|| decide_request(shared, frames))).unwrap_or_else(
        |payload| {
            drop_quietly(payload);
            Verdict::error("the authenticator failed on this request")
        },
    );
    let counter = match verdict.status {
        ZapStatus::Success => &shared.allowed,
        ZapStatus::TemporaryError | ZapStatus::Denied => &shared.denied,
        ZapStatus::InternalError => &shared.errors,
    };
    counter.fetch_add(1, Ordering::Relaxed);
    ZapReply::new(request_id, verdict)
}

fn decide_request(shared: &Shared, frames: &[Message]) -> Verdict {
    let frames: Vec<&[u8]> = frames.iter().map(|m| &**m).collect();
    match ZapRequest::parse(&frames) {
        Err(e) => Verdict::error(format!("malformed ZAP request: {e}")),
        Ok(req) => {
            let decision = decide(&shared.policies(), &req);
            match decision {
                Decision::Done(verdict) => verdict,
                Decision::Ask(callback) => {
                    let verdict = match catch_unwind(AssertUnwindSafe(|| callback(&req))) {
                        Ok(verdict) => verdict,
                        Err(payload) => {
                            drop_quietly(payload);
                            Verdict::error("the authentication callback panicked")
                        }
                    };
                    // Possibly the last handle, if the callback was replaced while it ran.
                    drop_quietly(callback);
                    verdict
                }
            }
        }
    }
}

/// The handler thread: answers requests until a message on the control socket or the
/// context's termination.
fn serve(zap: Socket, control: Socket, shared: Arc<Shared>) {
    if answer_until_stopped(&zap, &control, &shared) == Ended::Stopped {
        refuse_pending(&zap, &shared);
    }
    // Closing a socket frees its inproc endpoint later, on libzmq's reaper thread; unbinding
    // frees it now, so a new authenticator can start as soon as `stop` returns. (During
    // termination this fails with ETERM, and no new handler can start anyway.)
    let _ = zap.unbind(ZAP_ENDPOINT);
}

#[derive(PartialEq, Eq)]
enum Ended {
    Stopped,
    Terminated,
}

/// What the loop does after an error of libzmq: only termination ends it. Any other error
/// is counted and retried after a pause, because a handler that left would leave the
/// context without one, and libzmq then lets every client in.
fn after_error(e: Error, shared: &Shared) -> Option<Ended> {
    match e {
        Error::ETERM => Some(Ended::Terminated),
        Error::EINTR | Error::EAGAIN => None,
        _ => {
            shared.errors.fetch_add(1, Ordering::Relaxed);
            thread::sleep(std::time::Duration::from_millis(10));
            None
        }
    }
}

fn answer_until_stopped(zap: &Socket, control: &Socket, shared: &Shared) -> Ended {
    loop {
        if shared.stopping.load(Ordering::Acquire) {
            return Ended::Stopped;
        }
        let mut items = [
            zap.as_poll_item(PollEvents::POLLIN),
            control.as_poll_item(PollEvents::POLLIN),
        ];
        if let Err(e) = poll(&mut items, -1) {
            match after_error(e, shared) {
                Some(ended) => return ended,
                None => continue,
            }
        }
        if items[1].is_readable() {
            return Ended::Stopped;
        }
        if !items[0].is_readable() {
            continue;
        }
        match zap.recv_multipart_msgs(crate::DONTWAIT) {
            Ok(frames) => {
                if let Some(ended) = reply(zap, shared, answer(shared, &frames)) {
                    return ended;
                }
            }
            Err(e) => {
                if let Some(ended) = after_error(e, shared) {
                    return ended;
                }
            }
        }
    }
}

/// Sends a reply; `Some` if the context is terminating. The REP socket must answer before
/// it can read the next request; a failed send means the client's session is gone.
fn reply(zap: &Socket, shared: &Shared, reply: ZapReply) -> Option<Ended> {
    let frames = reply.to_frames().unwrap_or_else(|e| {
        shared.errors.fetch_add(1, Ordering::Relaxed);
        // A verdict whose metadata cannot be encoded: refuse rather than drop.
        ZapReply::new(
            reply.request_id.clone(),
            Verdict::error(format!("bad reply: {e}")),
        )
        .to_frames()
        .unwrap_or_default()
    });
    // Frame by frame, each retried on EINTR (a signal can interrupt even a send that does
    // not block): a reply left half-sent would keep the REP socket from reading any further
    // request, and every later handshake of the context would wait for an answer.
    let last = frames.len().saturating_sub(1);
    for (i, frame) in frames.iter().enumerate() {
        let flags = if i < last { crate::SNDMORE } else { 0 };
        loop {
            match zap.send(&frame[..], flags) {
                Ok(()) => break,
                Err(Error::EINTR) => continue,
                Err(Error::ETERM) => return Some(Ended::Terminated),
                // The client's session is gone (the reply is dropped by libzmq).
                Err(_) => return None,
            }
        }
    }
    None
}

/// At stop, the requests already queued get an answer (500, "stopped") instead of leaving
/// their handshakes waiting for one until they time out.
fn refuse_pending(zap: &Socket, shared: &Shared) {
    while let Ok(frames) = zap.recv_multipart_msgs(crate::DONTWAIT) {
        let request_id = frames.get(1).map(|f| f.to_vec()).unwrap_or_default();
        shared.errors.fetch_add(1, Ordering::Relaxed);
        let verdict = Verdict::error("the authenticator stopped");
        if reply(zap, shared, ZapReply::new(request_id, verdict)).is_some() {
            return;
        }
    }
}

static NEXT_ID: AtomicUsize = AtomicUsize::new(0);

/// A ZAP handler for one context, on a thread it owns; stopped and joined when dropped.
///
/// See the [module docs](self) for how requests are decided. All configuration methods take
/// `&self` and apply to the next request.
pub struct Authenticator {
    shared: Arc<Shared>,
    control: Mutex<Socket>,
    thread: Option<JoinHandle<()>>,
    /// Held for a whole `reload_certificates`, so that reloads apply in the order they read.
    reloading: Mutex<()>,
}

impl fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authenticator")
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

impl Authenticator {
    /// Starts answering ZAP requests of `ctx`'s sockets. `Err(EADDRINUSE)` when the context
    /// already has a ZAP handler.
    ///
    /// With no policy configured it lets NULL clients in and refuses PLAIN and CURVE ones.
    pub fn new(ctx: &Context) -> crate::Result<Authenticator> {
        let zap = ctx.socket(SocketType::REP)?;
        zap.set_linger(0)?;
        zap.bind(ZAP_ENDPOINT)?;
        let endpoint = format!(
            "inproc://zmq-rs-auth-control-{}-{}",
            std::process::id(),
            NEXT_ID.fetch_add(1, Ordering::Relaxed)
        );
        let inside = ctx.socket(SocketType::PAIR)?;
        inside.set_linger(0)?;
        inside.bind(&endpoint)?;
        let control = ctx.socket(SocketType::PAIR)?;
        control.set_linger(0)?;
        control.connect(&endpoint)?;
        let shared = Arc::new(Shared::default());
        let thread = thread::Builder::new()
            .name("zmq-auth".to_owned())
            .spawn({
                let shared = Arc::clone(&shared);
                move || serve(zap, inside, shared)
            })
            .map_err(|_| Error::ENOMEM)?;
        Ok(Authenticator {
            shared,
            control: Mutex::new(control),
            thread: Some(thread),
            reloading: Mutex::new(()),
        })
    }

    fn edit<R>(&self, f: impl FnOnce(&mut Policies) -> R) -> R {
        f(&mut self.shared.policies())
    }

    fn edit_domain<R>(&self, domain: &str, f: impl FnOnce(&mut DomainPolicy) -> R) -> R {
        self.edit(|p| f(p.domains.entry(domain.to_owned()).or_default()))
    }

    /// Adds an address or CIDR range to the allow list: once it has an entry, clients from
    /// elsewhere are refused. (NULL clients are checked only on server sockets with a ZAP
    /// domain: see the [module docs](self).)
    pub fn allow(&self, range: &str) -> Result<(), AddressError> {
        let range = range.parse()?;
        self.edit(|p| p.allow.push(range));
        Ok(())
    }

    /// Adds an address or CIDR range to the deny list (checked before the allow list; NULL
    /// clients only on server sockets with a ZAP domain).
    pub fn deny(&self, range: &str) -> Result<(), AddressError> {
        let range = range.parse()?;
        self.edit(|p| p.deny.push(range));
        Ok(())
    }

    /// Empties the allow and deny lists.
    pub fn clear_addresses(&self) {
        self.edit(|p| {
            p.allow.clear();
            p.deny.clear();
        });
    }

    /// Sets the PLAIN user names and passwords of `domain` (`"*"`: every domain without its
    /// own), replacing the previous table. A user name that is not UTF-8 never logs in (a
    /// User-Id is text).
    pub fn plain<I, U, P>(&self, domain: &str, users: I)
    where
        I: IntoIterator<Item = (U, P)>,
        U: Into<Vec<u8>>,
        P: Into<Vec<u8>>,
    {
        let table = users
            .into_iter()
            .map(|(u, p)| (u.into(), p.into()))
            .collect();
        self.edit_domain(domain, |d| d.plain = Some(table));
    }

    /// Lets any CURVE client of `domain` in (encryption without client authentication).
    pub fn curve_any(&self, domain: &str) {
        self.edit_domain(domain, |d| d.curve = Some(CurvePolicy::Any));
    }

    /// Lets CURVE clients of `domain` in whose public key is one of `keys`.
    pub fn curve_keys<I: IntoIterator<Item = [u8; 32]>>(&self, domain: &str, keys: I) {
        let keys = keys.into_iter().collect();
        self.edit_domain(domain, |d| d.curve = Some(CurvePolicy::Keys(keys)));
    }

    /// Lets CURVE clients of `domain` in whose public key is in one of the `*.key`
    /// certificate files in `dir`, and returns how many keys it read. The directory is read
    /// now and again on [`reload_certificates`](Self::reload_certificates); on error the
    /// previous policy stays.
    pub fn curve_directory(&self, domain: &str, dir: impl AsRef<Path>) -> Result<usize, CertError> {
        let path = dir.as_ref().to_path_buf();
        let keys = read_keys(&path)?;
        let count = keys.len();
        let generation = next_generation();
        self.edit_domain(domain, |d| {
            d.curve = Some(CurvePolicy::Directory {
                path,
                keys,
                generation,
            })
        });
        Ok(count)
    }

    /// Re-reads the certificate directory of every domain that has one (files added or
    /// removed since take effect for the next handshake) and returns how many keys are
    /// allowed in all.
    ///
    /// Removals always take effect, also when something cannot be read: the keys are those
    /// of the files that read cleanly, a malformed file lets nobody in, and a directory that
    /// cannot be read lets no CURVE client of its domain in. The first such problem is then
    /// returned as `Err`, after the rest was applied. A domain whose CURVE policy was
    /// replaced while the files were read keeps the newer policy.
    pub fn reload_certificates(&self) -> Result<usize, CertError> {
        let _one_at_a_time = self.reloading.lock().unwrap_or_else(|e| e.into_inner());
        let dirs: Vec<(String, PathBuf, u64)> = self.edit(|p| {
            p.domains
                .iter()
                .filter_map(|(name, d)| match &d.curve {
                    Some(CurvePolicy::Directory {
                        path, generation, ..
                    }) => Some((name.clone(), path.clone(), *generation)),
                    _ => None,
                })
                .collect()
        });
        let mut problem = None;
        let mut fresh = Vec::with_capacity(dirs.len());
        for (domain, path, generation) in dirs {
            let (keys, trouble) = read_keys_leniently(&path);
            if let Some(e) = trouble {
                problem.get_or_insert(e);
            }
            fresh.push((domain, path, generation, keys));
        }
        let total = self.edit(|p| apply_reload(p, fresh));
        match problem {
            Some(e) => Err(e),
            None => Ok(total),
        }
    }

    /// Decides the requests of `domain` that no built-in policy covers (other mechanisms,
    /// NULL clients, PLAIN or CURVE when the domain has no table or key policy). A panic in
    /// `callback` is answered with status 500.
    pub fn callback<F>(&self, domain: &str, callback: F)
    where
        F: Fn(&ZapRequest) -> Verdict + Send + Sync + 'static,
    {
        let callback: Arc<Callback> = Arc::new(callback);
        self.edit_domain(domain, |d| d.callback = Some(callback));
    }

    /// Forgets every policy of `domain`.
    pub fn remove_domain(&self, domain: &str) {
        self.edit(|p| p.domains.remove(domain));
    }

    /// How many requests were allowed, denied and answered with an error so far.
    pub fn stats(&self) -> AuthStats {
        AuthStats {
            allowed: self.shared.allowed.load(Ordering::Relaxed),
            denied: self.shared.denied.load(Ordering::Relaxed),
            errors: self.shared.errors.load(Ordering::Relaxed),
        }
    }

    /// Stops the handler and waits for its thread. Dropping does the same; this form tells
    /// whether the thread ended cleanly (`Err(EFAULT)` if it panicked). Called (or dropped)
    /// from the authenticator's own callback it cannot wait for itself: it returns at once,
    /// and the thread ends, freeing the ZAP endpoint, when the callback returns.
    pub fn stop(mut self) -> crate::Result<()> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> crate::Result<()> {
        let Some(thread) = self.thread.take() else {
            return Ok(());
        };
        self.shared.stopping.store(true, Ordering::Release);
        {
            let control = self.control.lock().unwrap_or_else(|e| e.into_inner());
            // ETERM: the context is terminating and the thread ends on its own.
            // DONTWAIT: if the thread already ended, nobody reads the control socket and a
            // blocking send would wait forever.
            match control.send("STOP", crate::DONTWAIT) {
                Ok(()) | Err(Error::ETERM) | Err(Error::EAGAIN) => {}
                Err(e) => return Err(e),
            }
        }
        if thread.thread().id() == thread::current().id() {
            // Dropped by its own callback: the thread cannot wait for itself. It ends when
            // the callback returns and the loop sees `stopping`.
            return Ok(());
        }
        thread.join().map_err(|_| Error::EFAULT)
    }
}

impl Drop for Authenticator {
    fn drop(&mut self) {
        // Nothing to report from a destructor; `stop` reports.
        let _ = self.shutdown();
    }
}

/// The keys of the `*.key` files in `dir` that read cleanly, and the first problem: a
/// malformed file, or a directory that cannot be read (then no keys at all).
fn read_keys_leniently(dir: &Path) -> (HashSet<[u8; 32]>, Option<CertError>) {
    let mut keys = HashSet::new();
    let mut problem = None;
    match cert::scan_directory(dir) {
        Ok(files) => {
            for file in files {
                match file {
                    Ok(cert) => {
                        keys.insert(*cert.public_key());
                    }
                    Err(e) => {
                        problem.get_or_insert(e);
                    }
                }
            }
        }
        Err(e) => problem = Some(e),
    }
    (keys, problem)
}

/// Applies what a reload read, where the domain's policy is still the directory read it
/// started from (not replaced by another policy, another `curve_directory` or a later
/// reload meanwhile); returns how many keys are allowed by the policies it replaced.
fn apply_reload(p: &mut Policies, fresh: Vec<(String, PathBuf, u64, HashSet<[u8; 32]>)>) -> usize {
    let mut total = 0;
    for (domain, path, read_from, keys) in fresh {
        let Some(d) = p.domains.get_mut(&domain) else {
            continue;
        };
        if let Some(CurvePolicy::Directory { generation, .. }) = &d.curve {
            if *generation == read_from {
                total += keys.len();
                d.curve = Some(CurvePolicy::Directory {
                    path,
                    keys,
                    generation: next_generation(),
                });
            }
        }
    }
    total
}

fn read_keys(dir: &Path) -> Result<HashSet<[u8; 32]>, CertError> {
    Ok(load_directory(dir)?
        .iter()
        .map(|c| *c.public_key())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_and_match() {
        let r: IpRange = "10.0.0.0/8".parse().unwrap();
        assert!(r.contains("10.200.3.4".parse().unwrap()));
        assert!(!r.contains("11.0.0.1".parse().unwrap()));
        assert!(
            r.contains("::ffff:10.1.2.3".parse().unwrap()),
            "IPv4-mapped"
        );
        let one: IpRange = "127.0.0.1".parse().unwrap();
        assert!(one.contains("127.0.0.1".parse().unwrap()));
        assert!(!one.contains("127.0.0.2".parse().unwrap()));
        let all: IpRange = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains("203.0.113.9".parse().unwrap()));
        assert!(!all.contains("::1".parse().unwrap()));
        let v6: IpRange = "fe80::/10".parse().unwrap();
        assert!(v6.contains("fe80::1".parse().unwrap()));
        assert!(!v6.contains("fec0::1".parse().unwrap()));
        // IPv4-mapped ranges: from /96 on they are the IPv4 range they map.
        let mapped: IpRange = "::ffff:10.0.0.0/104".parse().unwrap();
        assert_eq!(mapped, "10.0.0.0/8".parse().unwrap());
        let every_v4: IpRange = "::ffff:0:0/96".parse().unwrap();
        assert_eq!(every_v4.to_string(), "0.0.0.0/0");
        assert!(every_v4.contains("192.0.2.1".parse().unwrap()));
        assert!(!every_v4.contains("::1".parse().unwrap()));
        let single: IpRange = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(single, "192.0.2.1".parse().unwrap());
        // IPv6 ranges never hold IPv4 clients, also those reported mapped.
        let any_v6: IpRange = "::/0".parse().unwrap();
        assert!(!any_v6.contains("198.51.100.7".parse().unwrap()));
        assert!(!any_v6.contains("::ffff:198.51.100.7".parse().unwrap()));
        assert!(any_v6.contains("2001:db8::1".parse().unwrap()));
        for bad in [
            "::ffff:1.2.3.4/129",
            // Reaches beyond the mapped addresses: ambiguous, refused.
            "::ffff:10.0.0.0/8",
            "::ffff:0:0/95",
            "",
            "10.0.0.0/33",
            "::1/129",
            "10.0.0.0/",
            "10.0.0.0/+8",
            "host",
            "1.2.3.4/8/8",
        ] {
            assert_eq!(
                bad.parse::<IpRange>(),
                Err(AddressError(bad.to_owned())),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_reload_applies_only_over_the_policy_it_read_from() {
        let mut p = Policies::default();
        let dir = PathBuf::from("/certs");
        let generation = next_generation();
        p.domains.entry("d".into()).or_default().curve = Some(CurvePolicy::Directory {
            path: dir.clone(),
            keys: [[1; 32]].into(),
            generation,
        });
        let read = |keys: &[[u8; 32]]| {
            vec![(
                "d".to_string(),
                dir.clone(),
                generation,
                keys.iter().copied().collect(),
            )]
        };
        let keys_now = |p: &Policies| match &p.domains["d"].curve {
            Some(CurvePolicy::Directory { keys, .. }) => Some(keys.clone()),
            _ => None,
        };
        // The first reload read from this generation applies and starts a new one ...
        assert_eq!(apply_reload(&mut p, read(&[[2; 32]])), 1);
        assert_eq!(keys_now(&p), Some([[2; 32]].into()));
        // ... so an older read of the same directory, applied late, changes nothing: a key
        // removed since cannot come back.
        assert_eq!(apply_reload(&mut p, read(&[[1; 32], [2; 32]])), 0);
        assert_eq!(keys_now(&p), Some([[2; 32]].into()));
        // Nor over a policy replaced while the directory was read.
        p.domains.get_mut("d").unwrap().curve = Some(CurvePolicy::Keys([[3; 32]].into()));
        assert_eq!(apply_reload(&mut p, read(&[[1; 32]])), 0);
        assert_eq!(keys_now(&p), None);
    }

    #[test]
    fn plain_passwords_compare_whole_and_names_must_be_utf8() {
        let table: HashMap<Vec<u8>, Vec<u8>> = [
            (b"admin".to_vec(), b"secret".to_vec()),
            (b"\xffadmin".to_vec(), b"secret".to_vec()),
        ]
        .into_iter()
        .collect();
        let ok = |u: &[u8], p: &[u8]| plain_verdict(&table, u, p).status == ZapStatus::Success;
        assert!(ok(b"admin", b"secret"));
        assert_eq!(plain_verdict(&table, b"admin", b"secret").user_id, "admin");
        for wrong in [&b"secre"[..], b"secret\0", b"Secret", b"", b"secretsecret"] {
            assert!(!ok(b"admin", wrong), "{wrong:?}");
        }
        // In the table, but no User-Id could tell it from "\u{fffd}admin".
        assert!(!ok(b"\xffadmin", b"secret"));
        assert!(same_secret(b"", b""));
        assert!(!same_secret(b"a", b""));
        assert!(!same_secret(b"", b"\0"));
    }

    fn req(address: &str, domain: &str, credentials: Credentials) -> ZapRequest {
        let mechanism = match credentials {
            Credentials::Null => "NULL",
            Credentials::Plain { .. } => "PLAIN",
            Credentials::Curve { .. } => "CURVE",
            Credentials::Gssapi { .. } => "GSSAPI",
            Credentials::Other { .. } => "X",
        };
        ZapRequest {
            request_id: b"1".to_vec(),
            domain: domain.to_owned(),
            address: address.to_owned(),
            routing_id: Vec::new(),
            mechanism: mechanism.to_owned(),
            credentials,
        }
    }

    fn verdict(p: &Policies, r: &ZapRequest) -> Verdict {
        match decide(p, r) {
            Decision::Done(v) => v,
            Decision::Ask(cb) => cb(r),
        }
    }

    #[test]
    fn decisions_follow_the_documented_order() {
        let mut p = Policies::default();
        let null = |addr| req(addr, "", Credentials::Null);
        assert!(verdict(&p, &null("1.2.3.4")).is_allowed());
        p.deny.push("1.2.3.0/24".parse().unwrap());
        assert_eq!(verdict(&p, &null("1.2.3.4")).status, ZapStatus::Denied);
        assert!(verdict(&p, &null("1.2.4.4")).is_allowed());
        p.allow.push("127.0.0.1".parse().unwrap());
        assert_eq!(verdict(&p, &null("1.2.4.4")).status, ZapStatus::Denied);
        assert_eq!(
            verdict(&p, &null("")).status,
            ZapStatus::Denied,
            "no address"
        );
        assert!(verdict(&p, &null("127.0.0.1")).is_allowed());
        // A zone id does not hide a link-local client from the lists.
        p.allow.push("fe80::/10".parse().unwrap());
        assert!(verdict(&p, &null("fe80::1%eth0")).is_allowed());
        p.deny.push("fe80::1".parse().unwrap());
        assert_eq!(verdict(&p, &null("fe80::1%eth0")).status, ZapStatus::Denied);
        assert_eq!(verdict(&p, &null("not-an-ip")).status, ZapStatus::Denied);

        let plain = |user: &str, pass: &str, domain: &str| {
            req(
                "127.0.0.1",
                domain,
                Credentials::Plain {
                    username: user.into(),
                    password: pass.into(),
                },
            )
        };
        assert_eq!(
            verdict(&p, &plain("a", "b", "x")).status,
            ZapStatus::Denied,
            "no policy"
        );
        let star = DomainPolicy {
            plain: Some([(b"admin".to_vec(), b"pw".to_vec())].into_iter().collect()),
            ..Default::default()
        };
        p.domains.insert(ANY_DOMAIN.to_owned(), star);
        let ok = verdict(&p, &plain("admin", "pw", "x"));
        assert!(ok.is_allowed());
        assert_eq!(ok.user_id, "admin");
        assert_eq!(
            verdict(&p, &plain("admin", "bad", "x")).status,
            ZapStatus::Denied
        );
        let own = DomainPolicy {
            callback: Some(Arc::new(|r: &ZapRequest| {
                Verdict::allow(format!("cb:{}", r.mechanism))
            })),
            ..Default::default()
        };
        p.domains.insert("x".to_owned(), own);
        assert_eq!(
            verdict(&p, &plain("admin", "pw", "x")).user_id,
            "cb:PLAIN",
            "own domain first"
        );
        assert_eq!(
            verdict(&p, &req("127.0.0.1", "x", Credentials::Null)).user_id,
            "cb:NULL"
        );

        let key = [7u8; 32];
        let curve = |domain: &str| req("127.0.0.1", domain, Credentials::Curve { public_key: key });
        assert_eq!(verdict(&p, &curve("y")).status, ZapStatus::Denied);
        p.domains.get_mut(ANY_DOMAIN).unwrap().curve = Some(CurvePolicy::Keys([key].into()));
        assert_eq!(
            verdict(&p, &curve("y")).user_id,
            crate::z85_encode(&key).unwrap()
        );
        p.domains.get_mut(ANY_DOMAIN).unwrap().curve = Some(CurvePolicy::Keys(HashSet::new()));
        assert_eq!(verdict(&p, &curve("y")).status, ZapStatus::Denied);
        p.domains.get_mut(ANY_DOMAIN).unwrap().curve = Some(CurvePolicy::Any);
        assert!(verdict(&p, &curve("y")).is_allowed());
    }
}
