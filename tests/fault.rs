//! Fault tests (issue 8): peers that die, come back, freeze, or fall behind.
//!
//! The peers are real processes (`tests/py/fault_peer.py`, a pyzmq REP or PULL) bound on a
//! fixed loopback port that the test picked free, so that a restarted peer is found at the
//! same address and the Rust side's reconnection is what is tested. Every wait is bounded
//! (receive timeouts, polls with a timeout, the helper's line deadline); every process is
//! killed and reaped when its `PyProc` drops, also when a test panics.

#[path = "common/py.rs"]
mod py;

use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use py::{values, PyProc};
use zmq::{MonitorEvent, SocketEvent, SocketEventMask};

/// Receive/send timeout of the test's sockets: a broken exchange fails instead of hanging.
const TIMEOUT_MS: i32 = 10_000;
/// How long an awaited monitor event may take.
const EVENT_WAIT: Duration = Duration::from_secs(10);

/// A loopback port that was free a moment ago (the OS picked it; the peer binds it next).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("pick a free port")
        .port()
}

fn fixed_endpoint() -> String {
    format!("tcp://127.0.0.1:{}", free_port())
}

/// Starts `fault_peer.py` and waits for its READY line, which must name `endpoint`.
fn spawn_peer(endpoint: &str, args: &[&str]) -> PyProc {
    let mut all = vec!["--bind", endpoint];
    all.extend_from_slice(args);
    let mut peer = PyProc::spawn("fault_peer.py", &all);
    assert_eq!(peer.ready(), endpoint, "the peer bound the fixed endpoint");
    peer
}

/// A socket whose events are published to a monitor reader.
///
/// Field order matters: the socket drops (and sends its last events) while the reader still
/// exists; the other way round libzmq's blocking event send would wait for a reader forever.
struct Watched {
    socket: zmq::Socket,
    reader: zmq::Socket,
}

impl Watched {
    fn new(ctx: &zmq::Context, kind: zmq::SocketType, events: SocketEventMask) -> Watched {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let endpoint = format!(
            "inproc://fault-monitor-{}",
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let socket = ctx.socket(kind).expect("socket");
        socket.set_rcvtimeo(TIMEOUT_MS).expect("RCVTIMEO");
        socket.set_sndtimeo(TIMEOUT_MS).expect("SNDTIMEO");
        socket.set_linger(0).expect("LINGER");
        socket.monitor_events(&endpoint, events).expect("monitor");
        let reader = ctx.socket(zmq::PAIR).expect("monitor reader");
        reader.set_linger(0).expect("LINGER");
        reader.connect(&endpoint).expect("connect monitor reader");
        Watched { socket, reader }
    }

    /// The next `event` concerning `endpoint`, skipping others; `None` if none comes within
    /// `within`.
    fn next(&self, event: SocketEvent, endpoint: &str, within: Duration) -> Option<MonitorEvent> {
        let deadline = Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let ready = self
                .reader
                .poll_timeout(zmq::POLLIN, Some(left))
                .expect("poll monitor");
            if ready == 0 {
                return None;
            }
            let seen = self.reader.recv_monitor_event(0).expect("monitor event");
            if seen.event() == Some(event) && seen.endpoint() == endpoint.as_bytes() {
                return Some(seen);
            }
        }
    }

    /// Fails the test unless `event` for `endpoint` arrives within [`EVENT_WAIT`].
    fn expect(&self, event: SocketEvent, endpoint: &str) -> MonitorEvent {
        self.next(event, endpoint, EVENT_WAIT)
            .unwrap_or_else(|| panic!("no {event:?} event for {endpoint} within {EVENT_WAIT:?}"))
    }
}

/// Stops a process with SIGSTOP; SIGCONT when dropped, also on panic, so that the process
/// can then be killed and reaped normally.
struct Frozen(libc::pid_t);

impl Frozen {
    fn freeze(pid: u32) -> Frozen {
        let pid = libc::pid_t::try_from(pid).expect("pid fits pid_t");
        // SAFETY: kill(2) with a pid of our own live child process; no memory is involved.
        let rc = unsafe { libc::kill(pid, libc::SIGSTOP) };
        assert_eq!(rc, 0, "SIGSTOP: {}", std::io::Error::last_os_error());
        Frozen(pid)
    }
}

impl Drop for Frozen {
    fn drop(&mut self) {
        // SAFETY: as above; the child is not reaped before this guard drops (the PyProc that
        // reaps it outlives the guard), so the pid cannot have been reused.
        unsafe {
            libc::kill(self.0, libc::SIGCONT);
        }
    }
}

// ---------------------------------------------------------------------------------------
// A peer killed and restarted.

/// A REQ socket with `REQ_RELAXED` and `REQ_CORRELATE` survives the death of its REP peer
/// in the middle of a request: the request the dead peer took is lost (exactly one), the
/// REQ may send again without waiting for that reply, and a restarted peer on the same port
/// answers the resent request and every later one.
#[test]
fn req_relaxed_correlate_recovers_from_a_killed_and_restarted_peer() {
    const N: usize = 20;
    const K: usize = 8;
    let endpoint = fixed_endpoint();
    let k = K.to_string();
    let mut first = spawn_peer(&endpoint, &["--type", "rep", "--stop-after", &k]);

    let ctx = zmq::Context::new();
    let mask = SocketEventMask::DISCONNECTED | SocketEventMask::HANDSHAKE_SUCCEEDED;
    let req = Watched::new(&ctx, zmq::REQ, mask);
    req.socket.set_req_relaxed(true).expect("REQ_RELAXED");
    req.socket.set_req_correlate(true).expect("REQ_CORRELATE");
    req.socket.set_reconnect_ivl(20).expect("RECONNECT_IVL");
    req.socket.connect(&endpoint).expect("connect");

    let ask = |i: usize| {
        req.socket
            .send(format!("req-{i}").as_str(), 0)
            .unwrap_or_else(|e| panic!("send req-{i}: {e}"));
    };
    let answer = |i: usize| {
        let reply = req
            .socket
            .recv_string(0)
            .unwrap_or_else(|e| panic!("reply to req-{i}: {e}"))
            .expect("UTF-8 reply");
        assert_eq!(
            reply,
            format!("re:req-{i}"),
            "the reply belongs to its request"
        );
    };

    for i in 0..K {
        ask(i);
        answer(i);
    }
    // The peer takes request K and dies without answering it.
    ask(K);
    assert_eq!(first.expect_line("STOPPED "), format!("req-{K}"));
    let answered_first: Vec<String> = values(first.lines(), "GOT ");
    let expected: Vec<String> = (0..K).map(|i| format!("req-{i}")).collect();
    assert_eq!(answered_first, expected, "the first peer answered 0..{K}");
    drop(first); // SIGKILL and reap
    req.expect(SocketEvent::DISCONNECTED, &endpoint);

    // A strict REQ would now be stuck waiting for a reply that cannot come (a second send is
    // EFSM); the relaxed one sends the request again. It waits in the connection's queue
    // until the peer is back.
    let mut second = spawn_peer(&endpoint, &["--type", "rep"]);
    ask(K);
    answer(K);
    for i in K + 1..N {
        ask(i);
        answer(i);
    }
    req.socket.send("END", 0).expect("send END");
    assert_eq!(req.socket.recv_bytes(0).expect("reply to END"), b"re:END");
    let lines = second.finish_ok();
    let answered_second = values(&lines, "GOT ");
    let expected: Vec<String> = (K..N).map(|i| format!("req-{i}")).collect();
    assert_eq!(
        answered_second, expected,
        "the restarted peer answered K..N"
    );
    assert_eq!(values(&lines, "END "), [(N - K).to_string()]);
    // Every one of the N requests was answered once; peers received N + 1 requests in all,
    // the one extra being the copy of request K that died with the first peer.
    assert_eq!(answered_first.len() + answered_second.len(), N);
}

/// Payload size of the PUSH→PULL test's messages (the id comes first, as text).
const PUSH_MSG_LEN: usize = 1000;

fn push_msg(i: usize) -> Vec<u8> {
    let mut msg = format!("{i:06} ").into_bytes();
    msg.resize(PUSH_MSG_LEN, b'.');
    msg
}

/// PUSH→PULL across a killed and restarted PULL peer: what the PUSH socket still queued when
/// the peer died, and everything sent while it was down, reaches the restarted peer; only
/// what sat in the dead connection is lost, and that is bounded.
#[test]
fn push_queue_survives_a_killed_and_restarted_pull_peer() {
    const K: usize = 30; // read by the first peer before it stops reading
    const F: usize = 300; // sent while the first peer no longer reads
    const D: usize = 100; // sent while no peer runs
    const A: usize = 100; // sent after the restart
    const RCVHWM: usize = 10;
    const BUF: usize = 4096; // SO_SNDBUF of the PUSH side, SO_RCVBUF of the PULL side
                             // What the dead connection can hold, in messages, and so the most that can be lost.
                             // A message is 1009 bytes on the wire (1000 payload + a 9-byte long-frame header):
                             // - the peer's receive queue (RCVHWM messages) and the one message its engine decoded
                             //   but could not queue;
                             // - the peer engine's input buffer (libzmq's in_batch_size, 8192 bytes) and the sending
                             //   engine's output buffer (out_batch_size, 8192 bytes);
                             // - the kernel's receive buffer of the peer and send buffer of the PUSH side: Linux
                             //   doubles the requested SO_RCVBUF/SO_SNDBUF for its bookkeeping, so at most 2 * 4096
                             //   bytes of payload each.
                             // Each of the four byte buffers holds at most ceil(8192 / 1009) = 9 messages, counting a
                             // partial one; one more each for the kernel's rounding and for a message cut in two
                             // between buffers gives 10. Messages still in the PUSH socket's own queue (SNDHWM 1000)
                             // are not in the connection: they survive the reconnect.
    const WIRE: usize = PUSH_MSG_LEN + 9;
    const PER_BUFFER: usize = 8192usize.div_ceil(WIRE) + 1;
    const MAX_LOST: usize = RCVHWM + 1 + 4 * PER_BUFFER;

    let endpoint = fixed_endpoint();
    let (k, hwm, buf) = (K.to_string(), RCVHWM.to_string(), BUF.to_string());
    let peer_args = ["--type", "pull", "--rcvhwm", &hwm, "--rcvbuf", &buf];
    let mut first_args = peer_args.to_vec();
    first_args.extend_from_slice(&["--stop-after", &k]);
    let mut first = spawn_peer(&endpoint, &first_args);

    let ctx = zmq::Context::new();
    let push = Watched::new(&ctx, zmq::PUSH, SocketEventMask::DISCONNECTED);
    push.socket.set_sndbuf(BUF as i32).expect("SNDBUF");
    push.socket.set_reconnect_ivl(20).expect("RECONNECT_IVL");
    assert_eq!(push.socket.get_sndhwm().expect("SNDHWM"), 1000);
    push.socket.connect(&endpoint).expect("connect");

    for i in 0..K {
        push.socket.send(push_msg(i), 0).expect("send");
    }
    assert_eq!(first.expect_line("STOPPED "), k);
    let got_first = values(first.lines(), "GOT ");
    let ids = |got: &[String]| -> Vec<usize> {
        got.iter()
            .map(|l| l.split(' ').next().and_then(|id| id.parse().ok()))
            .collect::<Option<Vec<usize>>>()
            .unwrap_or_else(|| panic!("malformed GOT lines {got:?}"))
    };
    assert_eq!(ids(&got_first), (0..K).collect::<Vec<_>>());

    // The first peer reads no more: these fill the connection, the rest waits in the PUSH
    // socket's queue (F is below SNDHWM, so none of the sends can block).
    for i in K..K + F {
        push.socket
            .send(push_msg(i), zmq::DONTWAIT)
            .unwrap_or_else(|e| panic!("queue message {i}: {e}"));
    }
    drop(first); // SIGKILL and reap
    push.expect(SocketEvent::DISCONNECTED, &endpoint);

    // Queued while no peer runs.
    for i in K + F..K + F + D {
        push.socket
            .send(push_msg(i), zmq::DONTWAIT)
            .unwrap_or_else(|e| panic!("queue message {i} while the peer is down: {e}"));
    }
    let mut second = spawn_peer(&endpoint, &peer_args);
    let total = K + F + D + A;
    for i in K + F + D..total {
        push.socket
            .send(push_msg(i), 0)
            .expect("send after restart");
    }
    push.socket.send("END", 0).expect("send END");
    let lines = second.finish_ok();
    let got_second = ids(&values(&lines, "GOT "));
    assert_eq!(
        values(&lines, "END "),
        [got_second.len().to_string()],
        "END counts what the second peer received"
    );

    // The second peer sees one gap-free run that ends with the last message: nothing is
    // reordered or duplicated, and everything queued while it was down or sent after the
    // restart arrived. What is missing between the two peers is the dead connection's.
    let first_id = *got_second
        .first()
        .expect("the second peer received messages");
    assert_eq!(got_second, (first_id..total).collect::<Vec<_>>());
    assert!(first_id >= K, "nothing the first peer read is repeated");
    let lost = first_id - K;
    println!(
        "PUSH→PULL: {K} read by the first peer, {lost} lost with its connection (bound \
         {MAX_LOST}), {} delivered to the restarted peer ({D} queued while it was down)",
        got_second.len()
    );
    assert!(
        lost <= MAX_LOST,
        "{lost} messages lost, more than the dead connection could hold ({MAX_LOST})"
    );
}

// ---------------------------------------------------------------------------------------
// A frozen peer and heartbeats.

/// With `HEARTBEAT_IVL` and `HEARTBEAT_TIMEOUT`, a socket notices a peer that stopped
/// (SIGSTOP, so its TCP connection stays open) and the monitor reports DISCONNECTED for the
/// peer's endpoint; a socket without heartbeats connected to the same peer notices nothing.
#[test]
fn heartbeat_timeout_detects_a_frozen_peer() {
    const IVL_MS: i32 = 100;
    const TIMEOUT: Duration = Duration::from_millis(1000);
    let endpoint = fixed_endpoint();
    let peer = spawn_peer(&endpoint, &["--type", "pull"]);

    let ctx = zmq::Context::new();
    let mask = SocketEventMask::DISCONNECTED | SocketEventMask::HANDSHAKE_SUCCEEDED;
    let beating = Watched::new(&ctx, zmq::PUSH, mask);
    beating
        .socket
        .set_heartbeat_ivl(IVL_MS)
        .expect("HEARTBEAT_IVL");
    beating
        .socket
        .set_heartbeat_timeout_duration(TIMEOUT)
        .expect("HEARTBEAT_TIMEOUT");
    let silent = Watched::new(&ctx, zmq::PUSH, mask);
    assert_eq!(silent.socket.get_heartbeat_ivl().expect("HEARTBEAT_IVL"), 0);
    beating.socket.connect(&endpoint).expect("connect");
    silent.socket.connect(&endpoint).expect("connect");
    beating.expect(SocketEvent::HANDSHAKE_SUCCEEDED, &endpoint);
    silent.expect(SocketEvent::HANDSHAKE_SUCCEEDED, &endpoint);

    // While the peer runs, it answers every PING: several timeouts pass without a
    // disconnect.
    let alive = beating.next(SocketEvent::DISCONNECTED, &endpoint, 2 * TIMEOUT);
    assert!(alive.is_none(), "disconnected from a live peer: {alive:?}");

    let frozen = Frozen::freeze(peer.id());
    let since = Instant::now();
    beating.expect(SocketEvent::DISCONNECTED, &endpoint);
    let took = since.elapsed();
    // The timeout runs from a PING that got no answer, so no earlier than TIMEOUT after the
    // freeze (less a little for a PING sent just before it), and about IVL later at most.
    assert!(
        took >= TIMEOUT - Duration::from_millis(100),
        "disconnected after {took:?}, before the heartbeat timeout {TIMEOUT:?}"
    );
    assert!(took < Duration::from_secs(5), "detection took {took:?}");
    let noticed = silent.next(SocketEvent::DISCONNECTED, &endpoint, Duration::ZERO);
    assert!(
        noticed.is_none(),
        "the socket without heartbeats noticed the frozen peer: {noticed:?}"
    );
    println!("heartbeat timeout: frozen peer detected after {took:?}");
    drop(frozen); // SIGCONT, then the PyProc's drop kills and reaps it
}

/// `HEARTBEAT_TTL` set on the peer travels in its PINGs: a socket with no heartbeat options
/// of its own drops the connection when the frozen peer's PINGs stop for longer than that.
#[test]
fn heartbeat_ttl_of_a_frozen_peer_expires() {
    const TTL: Duration = Duration::from_millis(1500);
    let endpoint = fixed_endpoint();
    let ttl_ms = TTL.as_millis().to_string();
    let peer = spawn_peer(
        &endpoint,
        &[
            "--type",
            "pull",
            "--heartbeat-ivl",
            "100",
            "--heartbeat-ttl",
            &ttl_ms,
        ],
    );

    let ctx = zmq::Context::new();
    let mask = SocketEventMask::DISCONNECTED | SocketEventMask::HANDSHAKE_SUCCEEDED;
    let push = Watched::new(&ctx, zmq::PUSH, mask);
    assert_eq!(push.socket.get_heartbeat_ivl().expect("HEARTBEAT_IVL"), 0);
    assert_eq!(push.socket.get_heartbeat_ttl().expect("HEARTBEAT_TTL"), 0);
    push.socket.connect(&endpoint).expect("connect");
    push.expect(SocketEvent::HANDSHAKE_SUCCEEDED, &endpoint);

    // The peer's PINGs arm the TTL and each one renews it: twice the TTL passes without a
    // disconnect. (This wait also makes sure PINGs arrived before the freeze; nothing
    // outside libzmq can observe that sooner.)
    let alive = push.next(SocketEvent::DISCONNECTED, &endpoint, 2 * TTL);
    assert!(alive.is_none(), "disconnected from a live peer: {alive:?}");

    let frozen = Frozen::freeze(peer.id());
    let since = Instant::now();
    push.expect(SocketEvent::DISCONNECTED, &endpoint);
    let took = since.elapsed();
    // The TTL runs from the last PING that arrived, at most one interval (100 ms) before the
    // freeze.
    assert!(
        took >= TTL - Duration::from_millis(150),
        "disconnected after {took:?}, before the TTL {TTL:?}"
    );
    assert!(took < Duration::from_secs(6), "detection took {took:?}");
    println!("heartbeat TTL: frozen peer detected after {took:?}");
    drop(frozen);
}

// ---------------------------------------------------------------------------------------
// A full high-water mark.

/// Over inproc the queue between PUSH and PULL holds exactly SNDHWM + RCVHWM messages; the
/// next non-blocking send is `EAGAIN` (and a blocking one times out with `EAGAIN`), the
/// message is not lost, and once the reader drains the queue sending works again.
#[test]
fn full_hwm_gives_eagain_with_dontwait_inproc() {
    const SNDHWM: i32 = 5;
    const RCVHWM: i32 = 7;
    let ctx = zmq::Context::new();
    let pull = ctx.socket(zmq::PULL).expect("PULL");
    pull.set_rcvhwm(RCVHWM).expect("RCVHWM");
    pull.set_rcvtimeo(TIMEOUT_MS).expect("RCVTIMEO");
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let endpoint = format!(
        "inproc://fault-hwm-{}",
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    pull.bind(&endpoint).expect("bind");
    let push = ctx.socket(zmq::PUSH).expect("PUSH");
    push.set_sndhwm(SNDHWM).expect("SNDHWM");
    push.set_linger(0).expect("LINGER");
    push.connect(&endpoint).expect("connect");

    let capacity = (SNDHWM + RCVHWM) as usize;
    for i in 0..capacity {
        push.send(format!("m{i}").as_str(), zmq::DONTWAIT)
            .unwrap_or_else(|e| panic!("send {i} of {capacity}: {e}"));
    }
    let mut extra = zmq::Message::from("extra");
    assert_eq!(
        push.send_message(&mut extra, zmq::DONTWAIT),
        Err(zmq::Error::EAGAIN)
    );
    assert_eq!(
        &extra[..],
        b"extra",
        "a refused message stays with the caller"
    );
    push.set_sndtimeo(50).expect("SNDTIMEO");
    assert_eq!(push.send("blocked", 0), Err(zmq::Error::EAGAIN));

    for i in 0..capacity {
        assert_eq!(
            pull.recv_bytes(0).expect("recv"),
            format!("m{i}").as_bytes()
        );
    }
    assert_eq!(pull.recv_bytes(zmq::DONTWAIT), Err(zmq::Error::EAGAIN));
    push.send_message(&mut extra, zmq::DONTWAIT)
        .expect("room again after the reader drained the queue");
    assert_eq!(pull.recv_bytes(0).expect("recv"), b"extra");
}

/// Over tcp, a reader that does not read fills its own queue, the connection and then the
/// sender's: non-blocking sends end in a lasting `EAGAIN` after at least SNDHWM + RCVHWM
/// messages and at most that plus what the connection's buffers hold, and nothing is lost.
#[test]
fn full_hwm_gives_eagain_with_dontwait_tcp() {
    const HWM: i32 = 20;
    const LEN: usize = 1000;
    const BUF: i32 = 4096;
    // Buffers between the two queues (see the PUSH→PULL test): two batch buffers of 8192
    // bytes and two kernel buffers of 2 * 4096 bytes, 10 messages of 1009 wire bytes each at
    // most, and the one message the receiving engine decoded but could not queue.
    const IN_BUFFERS: usize = 4 * (8192usize.div_ceil(LEN + 9) + 1) + 1;
    let ctx = zmq::Context::new();
    let pull = ctx.socket(zmq::PULL).expect("PULL");
    pull.set_rcvhwm(HWM).expect("RCVHWM");
    pull.set_rcvbuf(BUF).expect("RCVBUF");
    pull.set_rcvtimeo(TIMEOUT_MS).expect("RCVTIMEO");
    pull.bind("tcp://127.0.0.1:*").expect("bind");
    let endpoint = pull
        .get_last_endpoint()
        .expect("LAST_ENDPOINT")
        .expect("UTF-8");
    let push = Watched::new(&ctx, zmq::PUSH, SocketEventMask::HANDSHAKE_SUCCEEDED);
    push.socket.set_sndhwm(HWM).expect("SNDHWM");
    push.socket.set_sndbuf(BUF).expect("SNDBUF");
    push.socket.connect(&endpoint).expect("connect");
    push.expect(SocketEvent::HANDSHAKE_SUCCEEDED, &endpoint);

    let msg = |i: usize| {
        let mut m = format!("{i:06} ").into_bytes();
        m.resize(LEN, b'.');
        m
    };
    let mut sent = 0;
    loop {
        match push.socket.send(msg(sent), zmq::DONTWAIT) {
            Ok(()) => sent += 1,
            Err(zmq::Error::EAGAIN) => {
                // The I/O thread may still be moving messages into the connection (a queue
                // looks full until the reader's "room again" notice arrives): the EAGAIN
                // counts once the socket stays unwritable for a while.
                let writable = push.socket.poll(zmq::POLLOUT, 300).expect("poll POLLOUT");
                if writable == 0 {
                    break;
                }
            }
            Err(e) => panic!("send {sent}: {e}"),
        }
        assert!(sent < 10_000, "the sender never filled up");
    }
    let queues = (2 * HWM) as usize;
    println!("tcp HWM {HWM}+{HWM}: EAGAIN after {sent} messages (queues {queues}, buffers at most {IN_BUFFERS})");
    assert!(
        (queues..=queues + IN_BUFFERS).contains(&sent),
        "EAGAIN after {sent} messages, expected {queues}..={}",
        queues + IN_BUFFERS
    );
    assert_eq!(
        push.socket.send("more", zmq::DONTWAIT),
        Err(zmq::Error::EAGAIN)
    );
    for i in 0..sent {
        assert_eq!(pull.recv_bytes(0).expect("recv"), msg(i), "message {i}");
    }
    push.socket
        .send("after", 0)
        .expect("room again after the reader drained everything");
    assert_eq!(pull.recv_bytes(0).expect("recv"), b"after");
}

// ---------------------------------------------------------------------------------------
// Many clients.

/// 50 REQ clients, each in its own thread, make 200 round trips each through one ROUTER:
/// every request reaches the ROUTER in its client's order and every reply its client.
#[test]
fn many_clients_through_one_router_lose_nothing() {
    const CLIENTS: usize = 50;
    const ROUNDS: usize = 200;
    let ctx = zmq::Context::new();
    let router = ctx.socket(zmq::ROUTER).expect("ROUTER");
    router.set_rcvtimeo(TIMEOUT_MS).expect("RCVTIMEO");
    router.set_sndtimeo(TIMEOUT_MS).expect("SNDTIMEO");
    router.set_linger(0).expect("LINGER");
    // An unroutable reply is an error instead of silently dropped.
    router.set_router_mandatory(true).expect("ROUTER_MANDATORY");
    router.bind("tcp://127.0.0.1:*").expect("bind");
    let endpoint = router
        .get_last_endpoint()
        .expect("LAST_ENDPOINT")
        .expect("UTF-8");

    let started = Instant::now();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let ctx = ctx.clone();
            let endpoint = endpoint.clone();
            std::thread::spawn(move || -> Result<usize, String> {
                let req = ctx.socket(zmq::REQ).map_err(|e| e.to_string())?;
                req.set_rcvtimeo(TIMEOUT_MS).map_err(|e| e.to_string())?;
                req.set_sndtimeo(TIMEOUT_MS).map_err(|e| e.to_string())?;
                req.set_linger(0).map_err(|e| e.to_string())?;
                req.set_identity(format!("client-{c}").as_bytes())
                    .map_err(|e| e.to_string())?;
                req.connect(&endpoint).map_err(|e| e.to_string())?;
                for i in 0..ROUNDS {
                    let request = format!("{c} {i}");
                    req.send(request.as_str(), 0)
                        .map_err(|e| format!("client {c} send {i}: {e}"))?;
                    let reply = req
                        .recv_bytes(0)
                        .map_err(|e| format!("client {c} reply {i}: {e}"))?;
                    if reply != format!("ok {request}").as_bytes() {
                        return Err(format!("client {c} round {i}: reply {reply:?}"));
                    }
                }
                Ok(ROUNDS)
            })
        })
        .collect();

    let mut per_client = vec![0usize; CLIENTS];
    for n in 0..CLIENTS * ROUNDS {
        let frames = router
            .recv_multipart(0)
            .unwrap_or_else(|e| panic!("request {n}: {e} (per client so far: {per_client:?})"));
        let [id, empty, body] = &frames[..] else {
            panic!("request {n}: frames {frames:?}");
        };
        assert!(empty.is_empty(), "REQ envelope delimiter");
        let text = std::str::from_utf8(body).expect("UTF-8 request");
        let (c, i) = text.split_once(' ').expect("'<client> <round>'");
        let (c, i): (usize, usize) = (c.parse().expect("client"), i.parse().expect("round"));
        assert_eq!(id, format!("client-{c}").as_bytes(), "routing id");
        assert_eq!(per_client[c], i, "client {c}'s requests arrive in order");
        per_client[c] += 1;
        let reply = format!("ok {text}");
        router
            .send_multipart([&id[..], &b""[..], reply.as_bytes()], 0)
            .unwrap_or_else(|e| panic!("reply {n}: {e}"));
    }
    for (c, client) in clients.into_iter().enumerate() {
        let done = client.join().expect("client thread");
        assert_eq!(done, Ok(ROUNDS), "client {c}");
    }
    assert!(per_client.iter().all(|&n| n == ROUNDS));
    println!(
        "{CLIENTS} clients x {ROUNDS} round trips through one ROUTER in {:?}",
        started.elapsed()
    );
}
