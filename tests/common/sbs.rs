//! The Rust side of the side-by-side tests: the same roles and wire protocols as the pyzmq
//! scripts in `tests/py/`, written with this crate.
//!
//! Include it with `#[path = "common/sbs.rs"] mod sbs;`.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Receive/send timeout of every socket here: an exchange that breaks fails the test
/// instead of hanging it.
pub const TIMEOUT_MS: i32 = 20_000;

/// A socket with bounded receive, send and close.
pub fn socket(ctx: &zmq::Context, kind: zmq::SocketType) -> zmq::Socket {
    let sock = ctx.socket(kind).expect("create socket");
    sock.set_rcvtimeo(TIMEOUT_MS).expect("set RCVTIMEO");
    sock.set_sndtimeo(TIMEOUT_MS).expect("set SNDTIMEO");
    sock.set_linger(2_000).expect("set LINGER");
    sock
}

/// Binds and returns the endpoint actually bound (the wildcard port resolved).
pub fn bind(sock: &zmq::Socket, endpoint: &str) -> String {
    sock.bind(endpoint)
        .unwrap_or_else(|e| panic!("bind {endpoint}: {e}"));
    sock.get_last_endpoint()
        .expect("get_last_endpoint")
        .expect("endpoint is UTF-8")
}

/// Receives one UTF-8 frame, failing the test with `what` on a timeout or error.
pub fn recv_text(sock: &zmq::Socket, what: &str) -> String {
    match sock.recv_string(0) {
        Ok(Ok(text)) => text,
        Ok(Err(bytes)) => panic!("{what}: not UTF-8: {bytes:?}"),
        Err(e) => panic!("{what}: {e}"),
    }
}

/// CRC-32 (IEEE 802.3, the one zlib and Python's `zlib.crc32` compute).
pub fn crc32(data: &[u8]) -> u32 {
    static TABLE: std::sync::OnceLock<[u32; 256]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut table = [0u32; 256];
        for (n, slot) in table.iter_mut().enumerate() {
            let mut c = n as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
            *slot = c;
        }
        table
    });
    let mut crc = !0u32;
    for &byte in data {
        crc = table[((crc ^ u32::from(byte)) & 0xFF) as usize] ^ (crc >> 8);
    }
    !crc
}

/// `"<len> <crc32 as 8 hex digits>"`, the payload description both sides exchange.
pub fn describe(data: &[u8]) -> String {
    format!("{} {:08x}", data.len(), crc32(data))
}

/// `len` pseudo-random bytes from `seed` (xorshift64*), so no frame is a repeated pattern.
pub fn pseudo_random(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed ^ 0x9E37_79B9_7F4A_7C15;
    if state == 0 {
        state = 1;
    }
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        out.extend_from_slice(&state.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
    }
    out.truncate(len);
    out
}

// ---------------------------------------------------------------------------------------
// Publish-subscribe with the synchronised start of ps_publisher.py / ps_subscriber.py.

/// A token unique to one publisher: `<tag>-<process id>-<n>`.
pub fn new_token(tag: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{tag}-{}-{n}", std::process::id())
}

/// What the publisher with `token` repeats on its PUB socket while it waits.
pub fn beacon(token: &str) -> String {
    format!("!sync {token}")
}

/// What the publisher with `token` sends after its data.
pub fn end_marker(token: &str) -> String {
    format!("!end {token}")
}

/// The publisher's side of the start handshake, apart from its sockets: the answers to the
/// subscribers' requests, counted.
pub struct SyncAnswers<'t> {
    token: &'t str,
    hellos: usize,
    ready: usize,
}

impl<'t> SyncAnswers<'t> {
    pub fn new(token: &'t str) -> SyncAnswers<'t> {
        SyncAnswers {
            token,
            hellos: 0,
            ready: 0,
        }
    }

    /// The answer to one request on the REP socket: the token to `hello`, `go` to `ready`.
    /// Anything else fails the test.
    pub fn answer(&mut self, request: &[u8]) -> &'t str {
        match request {
            b"hello" => {
                self.hellos += 1;
                self.token
            }
            b"ready" => {
                self.ready += 1;
                "go"
            }
            other => panic!("unexpected sync request {other:?}"),
        }
    }

    /// How many subscribers said `ready`.
    pub fn ready(&self) -> usize {
        self.ready
    }

    /// Every one of `subscribers` subscribers said `hello` once before its `ready`.
    pub fn assert_one_hello_each(&self, subscribers: usize) {
        assert_eq!(self.hellos, subscribers, "one hello per subscriber");
    }
}

/// A PUB socket plus the REP socket of the start handshake.
pub struct SyncPublisher {
    pub publisher: zmq::Socket,
    pub sync: zmq::Socket,
    pub endpoint: String,
    pub sync_endpoint: String,
    token: String,
}

impl SyncPublisher {
    pub fn bind(ctx: &zmq::Context, endpoint: &str, sync_endpoint: &str) -> SyncPublisher {
        let publisher = socket(ctx, zmq::PUB);
        let endpoint = bind(&publisher, endpoint);
        let sync = socket(ctx, zmq::REP);
        let sync_endpoint = bind(&sync, sync_endpoint);
        SyncPublisher {
            publisher,
            sync,
            endpoint,
            sync_endpoint,
            token: new_token("rust"),
        }
    }

    /// Beacons until `subscribers` subscribers said "ready", then publishes
    /// `<prefix>0 .. <prefix><count-1>` and the end marker.
    pub fn run(&self, subscribers: usize, count: usize, prefix: &str) {
        let deadline = Instant::now() + Duration::from_millis(TIMEOUT_MS as u64);
        let beacon = beacon(&self.token);
        let mut answers = SyncAnswers::new(&self.token);
        while answers.ready() < subscribers {
            assert!(
                Instant::now() < deadline,
                "only {} of {subscribers} subscribers synchronised",
                answers.ready()
            );
            self.publisher
                .send(beacon.as_str(), 0)
                .expect("send beacon");
            if self.sync.poll(zmq::POLLIN, 10).expect("poll sync socket") == 0 {
                continue;
            }
            let request = self.sync.recv_bytes(0).expect("sync request");
            let answer = answers.answer(&request);
            self.sync.send(answer, 0).expect("answer sync request");
        }
        answers.assert_one_hello_each(subscribers);
        for i in 0..count {
            self.publisher
                .send(format!("{prefix}{i}").as_str(), 0)
                .expect("publish");
        }
        self.publisher
            .send(end_marker(&self.token).as_str(), 0)
            .expect("publish end marker");
    }
}

/// What a subscriber makes of one message, in the start handshake.
pub enum Heard<'t> {
    /// Data, to keep.
    Data,
    /// A control message that asks nothing of the subscriber.
    Control,
    /// The first beacon of the publisher with this token: say `ready` to it now.
    Beacon(&'t str),
}

/// A subscriber's side of the start handshake, apart from its sockets: whose beacon it
/// still awaits, and which publishers have ended.
pub struct SyncProgress {
    tokens: HashSet<String>,
    pending: HashSet<String>,
    ended: HashSet<String>,
}

impl SyncProgress {
    /// Awaits the beacons of the publishers with these tokens.
    pub fn new(tokens: impl IntoIterator<Item = String>) -> SyncProgress {
        let tokens: HashSet<String> = tokens.into_iter().collect();
        SyncProgress {
            pending: tokens.clone(),
            tokens,
            ended: HashSet::new(),
        }
    }

    /// Takes one received message. A publisher's end marker before its handshake finished
    /// fails the test.
    pub fn hear<'t>(&mut self, text: &'t str) -> Heard<'t> {
        if let Some(token) = text.strip_prefix("!sync ") {
            if self.pending.remove(token) {
                return Heard::Beacon(token);
            }
        } else if let Some(token) = text.strip_prefix("!end ") {
            if self.tokens.contains(token) {
                assert!(
                    !self.pending.contains(token),
                    "end before the handshake finished"
                );
                self.ended.insert(token.to_owned());
            }
        } else if !text.starts_with('!') {
            return Heard::Data;
        }
        Heard::Control
    }

    /// Whether every publisher sent its end marker.
    pub fn all_ended(&self) -> bool {
        self.ended.len() == self.tokens.len()
    }
}

/// Subscribes to `topic` on every publisher in `connects`, synchronises with every sync
/// endpoint in `syncs`, and returns the data messages received until every publisher sent
/// its end marker (or `max` messages, if given).
pub fn subscribe_synced(
    ctx: &zmq::Context,
    connects: &[String],
    syncs: &[String],
    topic: &str,
    max: Option<usize>,
) -> Vec<String> {
    let sub = socket(ctx, zmq::SUB);
    // Nothing outgoing matters at the end; without this, closing waits while the SUB socket
    // keeps its subscriptions for a reconnect to a publisher that is gone.
    sub.set_linger(0).expect("set LINGER");
    // Data topic first, control prefix second: once a control message arrives, the data
    // subscription has reached the publisher too.
    sub.set_subscribe(topic.as_bytes())
        .expect("subscribe topic");
    sub.set_subscribe(b"!").expect("subscribe control");
    for endpoint in connects {
        sub.connect(endpoint).expect("connect SUB");
    }
    let mut requesters = HashMap::new();
    for endpoint in syncs {
        let req = socket(ctx, zmq::REQ);
        req.set_linger(0).expect("set LINGER");
        req.connect(endpoint).expect("connect REQ");
        req.send("hello", 0).expect("send hello");
        let token = recv_text(&req, "sync token");
        requesters.insert(token, req);
    }
    let mut progress = SyncProgress::new(requesters.keys().cloned());
    let mut received = Vec::new();
    loop {
        if max.is_some_and(|m| received.len() >= m) || progress.all_ended() {
            return received;
        }
        let text = recv_text(&sub, &format!("message after {received:?}"));
        match progress.hear(&text) {
            Heard::Beacon(token) => {
                let req = &requesters[token];
                req.send("ready", 0).expect("send ready");
                assert_eq!(recv_text(req, "go"), "go");
            }
            Heard::Control => {}
            Heard::Data => received.push(text),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Pipeline, as pl_ventilator.py / pl_worker.py / pl_sink.py.

/// Whether a socket monitor event (its frames) is a completed handshake.
pub fn is_handshake(frames: &[Vec<u8>]) -> bool {
    let event = u16::from_ne_bytes([frames[0][0], frames[0][1]]);
    event == zmq::SocketEvent::HANDSHAKE_SUCCEEDED as u16
}

/// Where a ventilator's socket monitor publishes: a fresh inproc endpoint with `tag` in
/// its name.
pub fn monitor_endpoint(tag: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("inproc://{tag}-ventilator-monitor-{n}")
}

/// A bound PUSH socket that can wait until a number of workers connected.
pub struct Ventilator {
    pub push: zmq::Socket,
    monitor: zmq::Socket,
    pub endpoint: String,
}

impl Ventilator {
    pub fn bind(ctx: &zmq::Context, endpoint: &str) -> Ventilator {
        let monitor_endpoint = monitor_endpoint("sbs");
        let push = socket(ctx, zmq::PUSH);
        // Watch before binding, so that no connection goes unseen.
        push.monitor(
            &monitor_endpoint,
            zmq::SocketEvent::HANDSHAKE_SUCCEEDED as i32,
        )
        .expect("monitor PUSH");
        let monitor = socket(ctx, zmq::PAIR);
        monitor.connect(&monitor_endpoint).expect("connect monitor");
        let endpoint = bind(&push, endpoint);
        Ventilator {
            push,
            monitor,
            endpoint,
        }
    }

    /// Waits until `workers` peers completed their handshake, then sends `task0 ..` round
    /// robin and one `END` per worker.
    pub fn run(&self, workers: usize, tasks: usize) {
        let mut connected = 0;
        while connected < workers {
            let frames = self
                .monitor
                .recv_multipart(0)
                .unwrap_or_else(|e| panic!("{connected} of {workers} workers connected: {e}"));
            if is_handshake(&frames) {
                connected += 1;
            }
        }
        // A new connection joins the socket when the socket processes its commands;
        // reading ZMQ_EVENTS makes it do so before the first task goes out.
        self.push.get_events().expect("get_events");
        for i in 0..tasks {
            self.push
                .send(format!("task{i}").as_str(), 0)
                .expect("send task");
        }
        for _ in 0..workers {
            self.push.send("END", 0).expect("send END");
        }
    }
}

/// A worker: pulls tasks until `END`, pushes `<name> <task>`; returns how many it did.
pub fn work(ctx: &zmq::Context, pull_endpoint: &str, push_endpoint: &str, name: &str) -> usize {
    let pull = socket(ctx, zmq::PULL);
    let push = socket(ctx, zmq::PUSH);
    pull.connect(pull_endpoint).expect("connect PULL");
    push.connect(push_endpoint).expect("connect PUSH");
    let mut done = 0;
    loop {
        let task = recv_text(&pull, &format!("{name}: task after {done}"));
        if task == "END" {
            return done;
        }
        push.send(format!("{name} {task}").as_str(), 0)
            .expect("push result");
        done += 1;
    }
}

/// Files one result, `<worker> <task>`, under its worker.
pub fn file_result(by_worker: &mut BTreeMap<String, Vec<String>>, result: &str) {
    let (worker, task) = result
        .split_once(' ')
        .unwrap_or_else(|| panic!("malformed result {result:?}"));
    by_worker
        .entry(worker.to_owned())
        .or_default()
        .push(task.to_owned());
}

/// A sink: collects `tasks` results and returns the tasks each worker did.
pub fn collect_results(pull: &zmq::Socket, tasks: usize) -> BTreeMap<String, Vec<String>> {
    let mut by_worker = BTreeMap::new();
    for i in 0..tasks {
        let result = recv_text(pull, &format!("result {} of {tasks}", i + 1));
        file_result(&mut by_worker, &result);
    }
    by_worker
}

// ---------------------------------------------------------------------------------------
// Multipart, as mp_dealer.py.

/// The frames of message `i` in mp_dealer.py.
pub fn dealer_frames(i: usize) -> Vec<Vec<u8>> {
    vec![
        format!("msg{i}").into_bytes(),
        Vec::new(),
        (0..=255u8).collect(),
        vec![(i % 256) as u8; i * 1000],
    ]
}
