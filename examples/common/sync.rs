//! The synchronised start of publish-subscribe, used by `ps_publisher`, `ps_subscriber` and
//! `patterns` (and, message for message, by the pyzmq scripts in `tests/py/`). The messages
//! and the subscriber's bookkeeping ([`Progress`]) serve `async_sync.rs` as well.
//!
//! A PUB socket sends to whoever is subscribed at that moment; a subscriber that is still
//! connecting (a few milliseconds) misses what goes out meanwhile, the "slow joiner". To
//! lose nothing, the publisher binds a REP socket next to its PUB socket and:
//!
//! 1. each subscriber subscribes to its topic and to the control prefix `!`, then asks the
//!    REP socket `hello` and gets the publisher's token back;
//! 2. the publisher repeats the beacon `!sync <token>` on its PUB socket;
//! 3. a subscriber that receives the beacon knows its subscriptions have arrived (they
//!    travel in order on the one connection), and says `ready` (answer: `go`);
//! 4. once the expected number of subscribers said `ready`, the publisher sends its data,
//!    then `!end <token>`.
#![allow(dead_code)]

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Time between two beacons while the publisher waits for subscribers.
pub const BEACON_INTERVAL_MS: i64 = 10;

/// A token unique to one publisher, so that a subscriber of several publishers can tell
/// their beacons apart.
pub fn new_token() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{}-{n}-{nanos:08x}", std::process::id())
}

/// The beacon a waiting publisher repeats on its PUB socket (step 2).
pub fn beacon(token: &str) -> String {
    format!("!sync {token}")
}

/// The error of a publisher whose subscribers did not all synchronise in time.
pub fn not_synchronised(ready: usize, subscribers: usize, timeout_ms: i32) -> String {
    format!("only {ready} of {subscribers} subscribers synchronised within {timeout_ms} ms")
}

/// The publisher's answer to a request on its REP socket (steps 1 and 3), and whether the
/// request was a subscriber's `ready`.
pub fn answer<'t>(request: &[u8], token: &'t str) -> (&'t str, bool) {
    match request {
        b"hello" => (token, false),
        b"ready" => ("go", true),
        _ => ("?", false),
    }
}

/// The publisher's side of steps 1 to 4 (up to the data): beacons on `publisher` and answers
/// on `sync` until `subscribers` subscribers said `ready`; calls `on_ready` with the count
/// after each.
pub fn wait_for_subscribers(
    publisher: &zmq::Socket,
    sync: &zmq::Socket,
    token: &str,
    subscribers: usize,
    timeout_ms: i32,
    mut on_ready: impl FnMut(usize),
) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_millis(timeout_ms.max(0) as u64);
    let beacon_text = beacon(token);
    let mut ready = 0;
    while ready < subscribers {
        if Instant::now() > deadline {
            return Err(not_synchronised(ready, subscribers, timeout_ms));
        }
        publisher
            .send(beacon_text.as_str(), 0)
            .map_err(|e| format!("beacon: {e}"))?;
        let events = sync
            .poll(zmq::POLLIN, BEACON_INTERVAL_MS)
            .map_err(|e| format!("poll: {e}"))?;
        if events == 0 {
            continue;
        }
        let request = sync
            .recv_bytes(0)
            .map_err(|e| format!("sync request: {e}"))?;
        let (reply, is_ready) = answer(&request, token);
        if is_ready {
            ready += 1;
            on_ready(ready);
        }
        sync.send(reply, 0)
            .map_err(|e| format!("sync answer: {e}"))?;
    }
    Ok(())
}

/// The marker a synchronised publisher sends after its data.
pub fn end_marker(token: &str) -> String {
    format!("!end {token}")
}

/// What a subscriber knows of its publishers' handshakes (steps 3 and 4), apart from the
/// sockets: whose beacon it still awaits, and who has ended.
pub struct Progress {
    tokens: Vec<String>,
    pending: HashSet<String>,
    ended: HashSet<String>,
}

impl Progress {
    /// Awaits the beacons of the publishers with these tokens.
    pub fn new(tokens: Vec<String>) -> Progress {
        let pending = tokens.iter().cloned().collect();
        Progress {
            tokens,
            pending,
            ended: HashSet::new(),
        }
    }

    /// Takes one received message. Returns whether `text` was a control message (not
    /// data), and `Some(token)` of a publisher whose first beacon this is: the subscriber
    /// says `ready` to that one now.
    pub fn handle<'t>(&mut self, text: &'t str) -> (bool, Option<&'t str>) {
        if let Some(token) = text.strip_prefix("!sync ") {
            return (true, self.pending.remove(token).then_some(token));
        }
        if let Some(token) = text.strip_prefix("!end ") {
            if self.tokens.iter().any(|t| t == token) {
                self.ended.insert(token.to_owned());
            }
            return (true, None);
        }
        (text.starts_with('!'), None)
    }

    /// Whether every publisher sent its end marker.
    pub fn all_ended(&self) -> bool {
        !self.tokens.is_empty() && self.ended.len() == self.tokens.len()
    }
}

/// The subscriber's side: one REQ socket per publisher's sync endpoint.
pub struct Subscription {
    requesters: Vec<(String, zmq::Socket)>,
    progress: Progress,
}

impl Subscription {
    /// Step 1, for `sub` (already subscribed to its data topic) and every sync endpoint.
    pub fn start(
        ctx: &zmq::Context,
        sub: &zmq::Socket,
        sync_endpoints: &[String],
        timeout_ms: i32,
    ) -> Result<Subscription, String> {
        sub.set_subscribe(b"!")
            .map_err(|e| format!("subscribe: {e}"))?;
        let mut requesters = Vec::new();
        for endpoint in sync_endpoints {
            let req = super::cli::socket(ctx, zmq::REQ, timeout_ms)
                .map_err(|e| format!("REQ socket: {e}"))?;
            req.set_linger(0).map_err(|e| format!("REQ socket: {e}"))?;
            super::cli::connect(&req, endpoint)?;
            req.send("hello", 0)
                .map_err(super::cli::waiting_for("the sync socket"))?;
            let token = super::cli::recv_text(&req, "the publisher's token")?;
            requesters.push((token, req));
        }
        let progress = Progress::new(requesters.iter().map(|(t, _)| t.clone()).collect());
        Ok(Subscription {
            requesters,
            progress,
        })
    }

    /// Steps 3 and 4 for one received message. Returns `Some(token)` of a publisher that
    /// just synchronised, and whether `text` was a control message (not data).
    pub fn handle(&mut self, text: &str) -> Result<(bool, Option<String>), String> {
        let (control, synced) = self.progress.handle(text);
        if let Some(token) = synced {
            if let Some((_, req)) = self.requesters.iter().find(|(t, _)| t == token) {
                req.send("ready", 0)
                    .map_err(super::cli::waiting_for("the sync socket"))?;
                super::cli::recv_text(req, "go")?;
            }
        }
        Ok((control, synced.map(str::to_owned)))
    }

    /// Whether every publisher sent its end marker.
    pub fn all_ended(&self) -> bool {
        self.progress.all_ended()
    }
}
