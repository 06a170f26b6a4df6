//! Side by side with pyzmq on async sockets (`zmq::asyncio`): async Rust peers, running as
//! tokio tasks, against the pyzmq scripts of `tests/py/`, in both directions, for
//! request-reply, publish-subscribe, pipeline and multipart; then the `async_*` example
//! programs against the same scripts. Contents and counts are checked on both sides.
//!
//! Every async wait is bounded by [`LIMIT`], every wait for a script by the deadlines of
//! `common/py.rs`, and the scripts bound themselves. The example tests need the examples
//! built with the feature: a plain `cargo test --features tokio` builds them; with
//! `--test sbs_async`, run `cargo build --features tokio --examples` first.
#![cfg(feature = "tokio")]

#[path = "common/examples.rs"]
mod examples;
#[path = "common/py.rs"]
mod py;
#[path = "common/sbs.rs"]
mod sbs;
#[path = "common/scripts.rs"]
mod scripts;

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use examples::{run_example, without_endpoints};
use futures::{SinkExt, StreamExt};
use py::{values, PyProc, TempDir, Transport};
use sbs::{Heard, SyncAnswers, SyncProgress};
use scripts::numbered;
use zmq::asyncio::{AsyncSocket, Multipart};

/// Upper bound for any one async wait; a lost wake-up or a missing peer fails the test.
const LIMIT: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------------------
// Helpers: bounded async operations, and blocking waits for the scripts.

/// Awaits `op` for at most [`LIMIT`]; fails the test naming `what` on a timeout or error.
async fn bounded<T>(what: &str, op: impl Future<Output = zmq::Result<T>>) -> T {
    match tokio::time::timeout(LIMIT, op).await {
        Ok(Ok(value)) => value,
        Ok(Err(e)) => panic!("{what}: {e}"),
        Err(_) => panic!("{what}: nothing within {LIMIT:?}"),
    }
}

/// Runs a blocking wait for a script (bounded by `common/py.rs`) so that the runtime's other
/// tasks (the Rust peers) keep running meanwhile. Needs the multi-thread runtime.
fn blocking<T>(wait: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(wait)
}

/// Waits (bounded) for a spawned Rust peer and hands back its result; its panic fails the
/// test with the peer's own message.
async fn join<T>(task: tokio::task::JoinHandle<T>, what: &str) -> T {
    match tokio::time::timeout(LIMIT, task).await {
        Ok(Ok(value)) => value,
        Ok(Err(e)) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Ok(Err(e)) => panic!("{what}: {e}"),
        Err(_) => panic!("{what}: not finished within {LIMIT:?}"),
    }
}

/// An async socket with a bounded close.
fn async_socket(ctx: &zmq::Context, kind: zmq::SocketType) -> AsyncSocket {
    let sock = ctx.socket(kind).expect("create socket");
    sock.set_linger(2_000).expect("set LINGER");
    sock.into_async().expect("register the socket with tokio")
}

/// Binds and returns the endpoint actually bound.
fn bind(sock: &AsyncSocket, endpoint: &str) -> String {
    sbs::bind(&sock.socket(), endpoint)
}

fn connect(sock: &AsyncSocket, endpoint: &str) {
    sock.socket()
        .connect(endpoint)
        .unwrap_or_else(|e| panic!("connect {endpoint}: {e}"));
}

async fn send_text(sock: &AsyncSocket, text: &str, what: &str) {
    bounded(what, sock.send(text, 0)).await;
}

async fn recv_text(sock: &AsyncSocket, what: &str) -> String {
    let bytes = bounded(what, sock.recv_bytes()).await;
    String::from_utf8(bytes).unwrap_or_else(|e| panic!("{what}: not UTF-8: {:?}", e.as_bytes()))
}

/// The next message of `stream` (an async socket as a `Stream`), bounded.
async fn next_message(mut stream: &AsyncSocket, what: &str) -> Vec<zmq::Message> {
    match tokio::time::timeout(LIMIT, stream.next()).await {
        Ok(Some(Ok(frames))) => frames,
        Ok(Some(Err(e))) => panic!("{what}: {e}"),
        Ok(None) => panic!("{what}: the stream ended"),
        Err(_) => panic!("{what}: nothing within {LIMIT:?}"),
    }
}

fn to_vecs(frames: &[zmq::Message]) -> Vec<Vec<u8>> {
    frames.iter().map(|f| f.to_vec()).collect()
}

// ---------------------------------------------------------------------------------------
// Request-reply: rr_server.py / rr_client.py.

const REQUESTS: usize = 5;

async fn async_client_python_server(transport: Transport) {
    let dir = TempDir::new("arr");
    let (mut server, endpoint) = blocking(|| scripts::rr_server(transport, &dir, REQUESTS));

    let ctx = zmq::Context::new();
    let req = async_socket(&ctx, zmq::REQ);
    connect(&req, &endpoint);
    for i in 0..REQUESTS {
        let question = scripts::question(i);
        send_text(&req, &question, "request").await;
        if i == 0 {
            // Like pyzmq: a second request before the answer is EFSM, at once, not a wait.
            assert_eq!(req.send("too early", 0).await, Err(zmq::Error::EFSM));
        }
        assert_eq!(recv_text(&req, "reply").await, scripts::acked(&question));
    }

    blocking(|| scripts::assert_rr_server_saw(&server.finish_ok(), REQUESTS));
}

async fn python_client_async_server(transport: Transport) {
    let dir = TempDir::new("arr");
    let ctx = zmq::Context::new();
    let rep = async_socket(&ctx, zmq::REP);
    let endpoint = bind(&rep, &transport.bind_endpoint(&dir, "rr.ipc"));

    let mut client = blocking(|| scripts::rr_client(&endpoint, REQUESTS));
    for i in 0..REQUESTS {
        let request = recv_text(&rep, "request").await;
        assert_eq!(request, scripts::client_request(i));
        send_text(&rep, &scripts::reply_to(&request), "reply").await;
    }

    blocking(|| scripts::assert_rr_client_got(&client.finish_ok(), REQUESTS));
    // Nothing more was sent: the REP socket has no further request.
    assert_eq!(
        rep.socket().recv_msg(zmq::DONTWAIT),
        Err(zmq::Error::EAGAIN)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_req_to_python_rep_tcp() {
    async_client_python_server(Transport::Tcp).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_req_to_python_rep_ipc() {
    async_client_python_server(Transport::Ipc).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_req_to_async_rep_tcp() {
    python_client_async_server(Transport::Tcp).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_req_to_async_rep_ipc() {
    python_client_async_server(Transport::Ipc).await;
}

// ---------------------------------------------------------------------------------------
// Publish-subscribe with the synchronised start of ps_publisher.py / ps_subscriber.py.

const COUNT: usize = 10;

/// An async PUB socket plus the REP socket of the start handshake.
struct AsyncPublisher {
    publisher: AsyncSocket,
    sync: AsyncSocket,
    endpoint: String,
    sync_endpoint: String,
    token: String,
}

impl AsyncPublisher {
    fn bind(ctx: &zmq::Context, endpoint: &str, sync_endpoint: &str) -> AsyncPublisher {
        let publisher = async_socket(ctx, zmq::PUB);
        let endpoint = bind(&publisher, endpoint);
        let sync = async_socket(ctx, zmq::REP);
        let sync_endpoint = bind(&sync, sync_endpoint);
        AsyncPublisher {
            publisher,
            sync,
            endpoint,
            sync_endpoint,
            token: sbs::new_token("rust-async"),
        }
    }

    /// Beacons every 10 ms and answers each sync request as soon as it arrives, until
    /// `subscribers` subscribers said "ready"; then publishes `<prefix>0 .. <prefix><count-1>`
    /// and the end marker.
    async fn run(&self, subscribers: usize, count: usize, prefix: &str) {
        let beacon = sbs::beacon(&self.token);
        let mut beacons = tokio::time::interval(Duration::from_millis(10));
        let deadline = tokio::time::sleep(LIMIT);
        tokio::pin!(deadline);
        let mut answers = SyncAnswers::new(&self.token);
        while answers.ready() < subscribers {
            tokio::select! {
                () = &mut deadline => {
                    panic!(
                        "only {} of {subscribers} subscribers synchronised in {LIMIT:?}",
                        answers.ready()
                    )
                }
                _ = beacons.tick() => send_text(&self.publisher, &beacon, "beacon").await,
                request = self.sync.recv_bytes() => {
                    let answer = answers.answer(&request.expect("sync request"));
                    send_text(&self.sync, answer, "sync answer").await;
                }
            }
        }
        answers.assert_one_hello_each(subscribers);
        for i in 0..count {
            send_text(&self.publisher, &format!("{prefix}{i}"), "publish").await;
        }
        let end = sbs::end_marker(&self.token);
        send_text(&self.publisher, &end, "end marker").await;
    }
}

/// An async subscriber: subscribes to `topic` on every publisher in `connects`, runs the
/// start handshake with every sync endpoint in `syncs`, and returns the data messages
/// received until every publisher sent its end marker.
async fn subscribe_synced(
    ctx: &zmq::Context,
    connects: &[String],
    syncs: &[String],
    topic: &str,
) -> Vec<String> {
    assert!(
        !syncs.is_empty(),
        "the synchronised start needs a sync endpoint"
    );
    let sub = async_socket(ctx, zmq::SUB);
    {
        let sock = sub.socket();
        sock.set_linger(0).expect("set LINGER");
        // Data topic first, control prefix second: once a control message arrives, the
        // data subscription has reached the publisher too.
        sock.set_subscribe(topic.as_bytes())
            .expect("subscribe topic");
        sock.set_subscribe(b"!").expect("subscribe control");
        for endpoint in connects {
            sock.connect(endpoint).expect("connect SUB");
        }
    }
    let mut requesters = HashMap::new();
    for endpoint in syncs {
        let req = async_socket(ctx, zmq::REQ);
        req.socket().set_linger(0).expect("set LINGER");
        connect(&req, endpoint);
        send_text(&req, "hello", "hello").await;
        let token = recv_text(&req, "sync token").await;
        requesters.insert(token, req);
    }
    let mut progress = SyncProgress::new(requesters.keys().cloned());
    let mut received = Vec::new();
    while !progress.all_ended() {
        let text = recv_text(&sub, &format!("message after {received:?}")).await;
        match progress.hear(&text) {
            Heard::Beacon(token) => {
                let req = &requesters[token];
                send_text(req, "ready", "ready").await;
                assert_eq!(recv_text(req, "go").await, "go");
            }
            Heard::Control => {}
            Heard::Data => received.push(text),
        }
    }
    received
}

async fn python_pub_to_async_sub(transport: Transport, topic: &str, expected: &[String]) {
    let dir = TempDir::new("aps");
    let count = 12;
    let (mut publisher, endpoint, sync) =
        blocking(|| scripts::publisher(transport, &dir, "pub", count, "message", 1));
    let ctx = zmq::Context::new();
    let got = subscribe_synced(&ctx, &[endpoint], &[sync], topic).await;
    assert_eq!(got, expected);
    let lines = blocking(|| publisher.finish_ok());
    assert_eq!(values(&lines, "SUBSCRIBER-READY "), ["1"]);
    assert_eq!(values(&lines, "Sent: "), numbered("message", count));
    assert_eq!(values(&lines, "DONE "), [count.to_string()]);
}

async fn async_pub_to_python_sub(transport: Transport) {
    let dir = TempDir::new("aps");
    let ctx = zmq::Context::new();
    let publisher = AsyncPublisher::bind(
        &ctx,
        &transport.bind_endpoint(&dir, "pub.ipc"),
        &transport.bind_endpoint(&dir, "sync.ipc"),
    );
    let mut subscriber =
        blocking(|| scripts::subscriber(&[(&publisher.endpoint, &publisher.sync_endpoint)], None));
    publisher.run(1, COUNT, "message").await;
    let lines = blocking(|| subscriber.finish_ok());
    assert_eq!(values(&lines, "SYNCED "), [publisher.token.as_str()]);
    assert_eq!(values(&lines, "Received: "), numbered("message", COUNT));
    assert_eq!(values(&lines, "DONE "), [COUNT.to_string()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_pub_to_async_sub_tcp() {
    python_pub_to_async_sub(Transport::Tcp, "", &numbered("message", 12)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_pub_to_async_sub_ipc() {
    python_pub_to_async_sub(Transport::Ipc, "", &numbered("message", 12)).await;
}

/// A subscription is a prefix: "message1" takes message1, message10 and message11 only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_pub_to_async_sub_filtered_by_topic() {
    let expected = ["message1", "message10", "message11"].map(str::to_owned);
    python_pub_to_async_sub(Transport::Tcp, "message1", &expected).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_pub_to_python_sub_tcp() {
    async_pub_to_python_sub(Transport::Tcp).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_pub_to_python_sub_ipc() {
    async_pub_to_python_sub(Transport::Ipc).await;
}

/// An async publisher waits for two subscribers at once, a Python one filtering by topic and
/// an async Rust task taking everything; each gets exactly its share, in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_pub_to_python_and_async_subs() {
    let dir = TempDir::new("aps");
    let ctx = zmq::Context::new();
    let publisher = AsyncPublisher::bind(&ctx, &dir.ipc("pub.ipc"), "tcp://127.0.0.1:*");
    let mut py_sub = blocking(|| {
        scripts::subscriber(
            &[(&publisher.endpoint, &publisher.sync_endpoint)],
            Some("message1"),
        )
    });
    let rust_sub = {
        let (ctx, connect, sync) = (
            ctx.clone(),
            publisher.endpoint.clone(),
            publisher.sync_endpoint.clone(),
        );
        tokio::spawn(async move { subscribe_synced(&ctx, &[connect], &[sync], "").await })
    };
    publisher.run(2, 12, "message").await;
    assert_eq!(
        join(rust_sub, "async subscriber").await,
        numbered("message", 12)
    );
    let lines = blocking(|| py_sub.finish_ok());
    assert_eq!(
        values(&lines, "Received: "),
        ["message1", "message10", "message11"]
    );
    assert_eq!(values(&lines, "DONE "), ["3"]);
}

// ---------------------------------------------------------------------------------------
// Pipeline: pl_ventilator.py / pl_worker.py / pl_sink.py, with two async Rust workers and
// two Python workers sharing the tasks.

const TASKS: usize = 40;
const WORKERS: usize = 4;

/// A bound async PUSH socket that can wait until a number of workers connected.
struct AsyncVentilator {
    push: AsyncSocket,
    monitor: AsyncSocket,
    endpoint: String,
}

impl AsyncVentilator {
    fn bind(ctx: &zmq::Context, endpoint: &str) -> AsyncVentilator {
        let monitor_endpoint = sbs::monitor_endpoint("sbs-async");
        let push = async_socket(ctx, zmq::PUSH);
        // Watch before binding, so that no connection goes unseen.
        push.socket()
            .monitor(
                &monitor_endpoint,
                zmq::SocketEvent::HANDSHAKE_SUCCEEDED as i32,
            )
            .expect("monitor PUSH");
        let monitor = async_socket(ctx, zmq::PAIR);
        connect(&monitor, &monitor_endpoint);
        let endpoint = bind(&push, endpoint);
        AsyncVentilator {
            push,
            monitor,
            endpoint,
        }
    }

    /// Waits until `workers` peers completed their handshake, then sends `task0 ..` round
    /// robin and one `END` per worker.
    async fn run(&self, workers: usize, tasks: usize) {
        let mut connected = 0;
        while connected < workers {
            let what = format!("{connected} of {workers} workers connected");
            let frames = bounded(&what, self.monitor.recv_multipart()).await;
            if sbs::is_handshake(&frames) {
                connected += 1;
            }
        }
        // A new connection joins the socket when the socket processes its commands;
        // reading ZMQ_EVENTS makes it do so before the first task goes out.
        self.push.socket().get_events().expect("get_events");
        for i in 0..tasks {
            send_text(&self.push, &format!("task{i}"), "send task").await;
        }
        for _ in 0..workers {
            send_text(&self.push, "END", "send END").await;
        }
    }
}

/// An async worker: pulls tasks until `END`, pushes `<name> <task>`; returns how many it did.
async fn work(
    ctx: zmq::Context,
    pull_endpoint: String,
    push_endpoint: String,
    name: String,
) -> usize {
    let pull = async_socket(&ctx, zmq::PULL);
    let push = async_socket(&ctx, zmq::PUSH);
    connect(&pull, &pull_endpoint);
    connect(&push, &push_endpoint);
    let mut done = 0;
    loop {
        let task = recv_text(&pull, &format!("{name}: task after {done}")).await;
        if task == "END" {
            return done;
        }
        send_text(&push, &format!("{name} {task}"), "push result").await;
        done += 1;
    }
}

/// An async sink reading its PULL socket as a `Stream`: collects `tasks` results and
/// returns the tasks each worker did.
async fn collect_results(pull: &AsyncSocket, tasks: usize) -> BTreeMap<String, Vec<String>> {
    let mut by_worker = BTreeMap::new();
    for i in 0..tasks {
        let frames = next_message(pull, &format!("result {} of {tasks}", i + 1)).await;
        assert_eq!(frames.len(), 1, "a result is one frame");
        let result = String::from_utf8(frames[0].to_vec()).expect("UTF-8 result");
        sbs::file_result(&mut by_worker, &result);
    }
    by_worker
}

#[derive(Clone, Copy)]
enum Side {
    Rust,
    Python,
}

/// The ventilator on `ventilator_side`, the sink on the other; two async Rust workers (tokio
/// tasks) and two Python workers between them.
async fn run_pipeline(transport: Transport, ventilator_side: Side) {
    let dir = TempDir::new("apl");
    let ctx = zmq::Context::new();
    let sink_bind = transport.bind_endpoint(&dir, "sink.ipc");
    let vent_bind = transport.bind_endpoint(&dir, "vent.ipc");

    let (mut py_sink, rust_sink, sink_endpoint) = match ventilator_side {
        Side::Rust => {
            let (sink, endpoint) = blocking(|| scripts::sink(&sink_bind, TASKS));
            (Some(sink), None, endpoint)
        }
        Side::Python => {
            let pull = async_socket(&ctx, zmq::PULL);
            let endpoint = bind(&pull, &sink_bind);
            (None, Some(pull), endpoint)
        }
    };
    let (mut py_vent, rust_vent, vent_endpoint) = match ventilator_side {
        Side::Rust => {
            let vent = AsyncVentilator::bind(&ctx, &vent_bind);
            let endpoint = vent.endpoint.clone();
            (None, Some(vent), endpoint)
        }
        Side::Python => {
            let (vent, endpoint) = blocking(|| scripts::ventilator(&vent_bind, TASKS, WORKERS));
            (Some(vent), None, endpoint)
        }
    };

    let mut py_workers: Vec<PyProc> = (0..WORKERS / 2)
        .map(|i| {
            let name = format!("py-w{i}");
            blocking(|| scripts::worker(&vent_endpoint, &sink_endpoint, &name))
        })
        .collect();
    let rust_workers: Vec<_> = (0..WORKERS / 2)
        .map(|i| {
            let name = format!("rs-w{i}");
            let task = work(
                ctx.clone(),
                vent_endpoint.clone(),
                sink_endpoint.clone(),
                name.clone(),
            );
            (name, tokio::spawn(task))
        })
        .collect();

    if let Some(vent) = &rust_vent {
        vent.run(WORKERS, TASKS).await;
    }
    let by_worker: BTreeMap<String, Vec<String>> = match (&rust_sink, &mut py_sink) {
        (Some(pull), _) => collect_results(pull, TASKS).await,
        (None, Some(sink)) => {
            let lines = blocking(|| sink.finish_ok());
            let by_worker = scripts::sink_results(&lines);
            assert_eq!(values(&lines, "DONE "), [TASKS.to_string()]);
            by_worker
        }
        (None, None) => unreachable!("one side has the sink"),
    };
    if let Some(vent) = &mut py_vent {
        let lines = blocking(|| vent.finish_ok());
        scripts::assert_ventilator_sent(&lines, WORKERS, TASKS);
    }

    // Each worker's own count agrees with what the sink saw from it; every worker, async
    // Rust or Python, got exactly its share.
    let mut reported = BTreeMap::new();
    for (name, task) in rust_workers {
        let done = join(task, &format!("async worker {name}")).await;
        reported.insert(name, done);
    }
    for worker in &mut py_workers {
        let (name, done) = scripts::worker_done(&blocking(|| worker.finish_ok()));
        reported.insert(name, done);
    }
    scripts::assert_fair_round_robin(&by_worker, &reported, WORKERS, TASKS);
    if let Some(pull) = &rust_sink {
        // Every worker has finished: no result beyond the TASKS counted.
        assert_eq!(
            pull.socket().recv_msg(zmq::DONTWAIT),
            Err(zmq::Error::EAGAIN)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_ventilator_mixed_workers_python_sink_tcp() {
    run_pipeline(Transport::Tcp, Side::Rust).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_ventilator_mixed_workers_python_sink_ipc() {
    run_pipeline(Transport::Ipc, Side::Rust).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_ventilator_mixed_workers_async_sink_tcp() {
    run_pipeline(Transport::Tcp, Side::Python).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_ventilator_mixed_workers_async_sink_ipc() {
    run_pipeline(Transport::Ipc, Side::Python).await;
}

// ---------------------------------------------------------------------------------------
// Multipart through the Sink and Stream impls: router_echo.py / mp_dealer.py.

const MULTIPART: usize = 6;

/// An async DEALER sends through its `Sink` in one task while another task receives the
/// echoes through its `Stream`, on the same socket.
async fn async_dealer_python_router(transport: Transport) {
    let dir = TempDir::new("amp");
    let (mut router, endpoint) = blocking(|| scripts::router_echo(transport, &dir, MULTIPART));

    let ctx = zmq::Context::new();
    let dealer = {
        let sock = ctx.socket(zmq::DEALER).expect("create DEALER");
        sock.set_identity(b"rs-dealer").expect("set routing id");
        sock.set_linger(2_000).expect("set LINGER");
        Arc::new(sock.into_async().expect("register with tokio"))
    };
    connect(&dealer, &endpoint);
    let tx = Arc::clone(&dealer);
    let sender = tokio::spawn(async move {
        let mut sink = &*tx;
        for i in 0..MULTIPART {
            let message = Multipart::from(sbs::dealer_frames(i));
            bounded("send through the Sink", SinkExt::send(&mut sink, message)).await;
        }
        bounded("close the Sink", sink.close()).await;
    });
    for i in 0..MULTIPART {
        let echo = next_message(&dealer, &format!("echo {i}")).await;
        assert_eq!(to_vecs(&echo), sbs::dealer_frames(i), "echo {i}");
    }
    join(sender, "sender").await;

    let lines = blocking(|| router.finish_ok());
    assert_eq!(values(&lines, "FROM "), vec!["rs-dealer 4"; MULTIPART]);
    assert_eq!(values(&lines, "DONE "), [MULTIPART.to_string()]);
}

/// An async ROUTER echoes what mp_dealer.py sends: read from its `Stream`, written to its
/// `Sink`, routing id first.
async fn python_dealer_async_router(transport: Transport) {
    let dir = TempDir::new("amp");
    let ctx = zmq::Context::new();
    let router = async_socket(&ctx, zmq::ROUTER);
    router
        .socket()
        .set_router_mandatory(true)
        .expect("set ROUTER_MANDATORY");
    let endpoint = bind(&router, &transport.bind_endpoint(&dir, "router.ipc"));
    let mut dealer = blocking(|| scripts::mp_dealer(&endpoint, MULTIPART));
    let mut echo = &router;
    for i in 0..MULTIPART {
        let frames = next_message(echo, &format!("message {i}")).await;
        assert_eq!(&frames[0][..], b"py-dealer", "routing id of message {i}");
        assert_eq!(to_vecs(&frames[1..]), sbs::dealer_frames(i), "message {i}");
        bounded("echo", SinkExt::send(&mut echo, Multipart(frames))).await;
    }

    let lines = blocking(|| dealer.finish_ok());
    scripts::assert_dealer_echoed(&lines, MULTIPART);
    assert_eq!(values(&lines, "DONE "), [MULTIPART.to_string()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_dealer_to_python_router_tcp() {
    async_dealer_python_router(Transport::Tcp).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_dealer_to_python_router_ipc() {
    async_dealer_python_router(Transport::Ipc).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_dealer_to_async_router_tcp() {
    python_dealer_async_router(Transport::Tcp).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_dealer_to_async_router_ipc() {
    python_dealer_async_router(Transport::Ipc).await;
}

// ---------------------------------------------------------------------------------------
// The async example programs against the Python scripts (no runtime needed here: these
// tests only drive processes).

#[test]
fn async_rr_examples_talk_to_python_like_the_blocking_ones() {
    // Server: the blocking and the async example each answer a Python client, and print
    // the same lines.
    let mut outputs = Vec::new();
    for name in ["rr_server", "async_rr_server"] {
        let (mut server, endpoint) = examples::rr_server_answering_two(name);
        let mut client = PyProc::spawn(
            "rr_client.py",
            &["--connect", &endpoint, "--count", "2", "--request", "q{}"],
        );
        let lines = client.finish_ok();
        assert_eq!(values(&lines, "Received reply: "), ["ack:q0", "ack:q1"]);
        outputs.push(without_endpoints(&server.finish_ok()));
    }
    assert_eq!(
        outputs[1],
        ["Received request: q0", "Received request: q1", "DONE 2"]
    );
    assert_eq!(outputs[0], outputs[1], "rr_server vs async_rr_server");

    // Client: one Python server over ipc answers the blocking client, then the async one.
    let dir = TempDir::new("aex");
    let mut server = PyProc::spawn(
        "rr_server.py",
        &[
            "--bind",
            &dir.ipc("rr.ipc"),
            "--count",
            "4",
            "--reply",
            "ack:{}",
        ],
    );
    let endpoint = server.ready();
    let mut outputs = Vec::new();
    for name in ["rr_client", "async_rr_client"] {
        let mut client = run_example(
            name,
            &["--connect", &endpoint, "--count", "2", "--request", "q{}"],
        );
        outputs.push(client.finish_ok());
    }
    assert_eq!(
        outputs[1],
        [
            "Sending request: q0",
            "Received reply: ack:q0",
            "Sending request: q1",
            "Received reply: ack:q1",
            "DONE 2"
        ]
    );
    assert_eq!(outputs[0], outputs[1], "rr_client vs async_rr_client");
    let lines = server.finish_ok();
    assert_eq!(
        values(&lines, "Received request: "),
        ["q0", "q1", "q0", "q1"]
    );

    // The defaults' texts.
    examples::rr_client_says_the_default_texts("async_rr_client", "tcp://127.0.0.1:*");
}

#[test]
fn async_ps_examples_talk_to_python_without_loss() {
    examples::ps_examples_talk_to_python_without_loss("async_ps_publisher", "async_ps_subscriber");
}

#[test]
fn async_pl_examples_share_work_with_python() {
    // Async ventilator, an async and a Python worker, a Python sink.
    examples::pl_examples_share_work_with_python("async_pl_ventilator", "async_pl_worker");

    // Python ventilator, an async and a Python worker, an async sink.
    let dir = TempDir::new("aex");
    let mut sink = run_example(
        "async_pl_sink",
        &["--bind", "tcp://127.0.0.1:*", "--tasks", "20"],
    );
    let sink_endpoint = sink.ready();
    let (mut ventilator, endpoint) = scripts::ventilator(&dir.ipc("vent.ipc"), 20, 2);
    let mut rust_worker = run_example(
        "async_pl_worker",
        &examples::worker_args(&endpoint, &sink_endpoint, "rust"),
    );
    let mut py_worker = scripts::worker(&endpoint, &sink_endpoint, "python");
    assert_eq!(
        values(&ventilator.finish_ok(), "Sent: "),
        numbered("task", 20)
    );
    assert_eq!(values(&rust_worker.finish_ok(), "DONE "), ["rust 10"]);
    assert_eq!(values(&py_worker.finish_ok(), "DONE "), ["python 10"]);
    let lines = sink.finish_ok();
    let mut results = values(&lines, "Result: ");
    assert_eq!(results.len(), 20, "{results:?}");
    results.sort_unstable_by_key(|r| {
        r.strip_prefix("task")
            .and_then(|r| r.split_once(' '))
            .and_then(|(n, _)| n.parse::<usize>().ok())
            .unwrap_or_else(|| panic!("malformed result line {r:?}"))
    });
    let tasks: Vec<&str> = results
        .iter()
        .map(|r| r.split(' ').next().unwrap())
        .collect();
    assert_eq!(tasks, numbered("task", 20), "each task exactly once");
    assert_eq!(values(&lines, "COUNT "), ["python 10", "rust 10"]);
    assert_eq!(values(&lines, "DONE "), ["20"]);
}

#[test]
fn async_patterns_runs_all_three_and_exits_zero() {
    let lines = run_example::<&str>("async_patterns", &[]).finish_ok();
    examples::assert_patterns_told_all_three(&lines, "All three patterns ran to the end (async).");
}

#[test]
fn async_examples_explain_bad_arguments_and_give_up_in_time() {
    examples::assert_help_is_usage(&[
        "async_rr_server",
        "async_rr_client",
        "async_ps_publisher",
        "async_ps_subscriber",
        "async_pl_ventilator",
        "async_pl_worker",
        "async_pl_sink",
        "async_patterns",
    ]);
    examples::assert_bad_arguments_explained(&[
        (
            "async_rr_client",
            &["--count", "many"],
            "--count needs a number",
        ),
        ("async_rr_server", &["--bind"], "--bind needs a value"),
        (
            "async_ps_subscriber",
            &["topic-a", "topic-b"],
            "unexpected argument",
        ),
        (
            "async_pl_ventilator",
            &["--workers=0"],
            "--workers must be at least 1",
        ),
        ("async_patterns", &["--bogus"], "unknown option"),
    ]);

    // A missing peer: each role gives up after its --timeout-ms with an error message and
    // status 1 (an async socket ignores RCVTIMEO, so this is the examples' own timer).
    let dir = TempDir::new("aex");
    let nobody = dir.ipc("nobody.ipc");
    let cases: [(&str, Vec<String>, &str); 4] = [
        (
            "async_rr_client",
            vec!["--connect".into(), nobody.clone()],
            "timed out waiting for the reply",
        ),
        (
            "async_rr_server",
            vec!["--bind".into(), "tcp://127.0.0.1:*".into()],
            "timed out waiting for a request",
        ),
        (
            "async_pl_ventilator",
            vec!["--bind".into(), "tcp://127.0.0.1:*".into()],
            "timed out waiting for workers (0 of 2 connected)",
        ),
        (
            "async_ps_subscriber",
            vec!["--connect".into(), nobody.clone()],
            "timed out waiting for a message (after 0)",
        ),
    ];
    for (name, mut args, message) in cases {
        args.extend(["--timeout-ms".to_owned(), "300".to_owned()]);
        let started = Instant::now();
        let mut run = run_example(name, &args);
        let (status, _) = run.finish();
        let stderr = run.stderr().to_owned();
        assert_eq!(status.code(), Some(1), "{name}: {stderr}");
        assert_eq!(stderr.trim(), format!("error: {message}"), "{name}");
        // 300 ms of waiting plus at most the 2 s LINGER of a queued request, and start-up.
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{name} took {:?}",
            started.elapsed()
        );
    }
    examples::assert_connect_failure_reported("async_rr_client");
}
