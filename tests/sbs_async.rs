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

#[path = "common/py.rs"]
mod py;
#[path = "common/sbs.rs"]
mod sbs;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use py::{values, PyProc, TempDir, Transport};
use sbs::numbered;
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
    let count = REQUESTS.to_string();
    let bind_at = transport.bind_endpoint(&dir, "rr.ipc");
    let mut server = blocking(|| {
        PyProc::spawn(
            "rr_server.py",
            &["--bind", &bind_at, "--count", &count, "--reply", "ack:{}"],
        )
    });
    let endpoint = blocking(|| server.ready());

    let ctx = zmq::Context::new();
    let req = async_socket(&ctx, zmq::REQ);
    connect(&req, &endpoint);
    for i in 0..REQUESTS {
        let question = format!("Are you OK? #{i}");
        send_text(&req, &question, "request").await;
        if i == 0 {
            // Like pyzmq: a second request before the answer is EFSM, at once, not a wait.
            assert_eq!(req.send("too early", 0).await, Err(zmq::Error::EFSM));
        }
        assert_eq!(recv_text(&req, "reply").await, format!("ack:{question}"));
    }

    let lines = blocking(|| server.finish_ok());
    let expected: Vec<String> = (0..REQUESTS).map(|i| format!("Are you OK? #{i}")).collect();
    assert_eq!(values(&lines, "Received request: "), expected);
    assert_eq!(values(&lines, "DONE "), [count]);
}

async fn python_client_async_server(transport: Transport) {
    let dir = TempDir::new("arr");
    let ctx = zmq::Context::new();
    let rep = async_socket(&ctx, zmq::REP);
    let endpoint = bind(&rep, &transport.bind_endpoint(&dir, "rr.ipc"));

    let count = REQUESTS.to_string();
    let mut client = blocking(|| {
        PyProc::spawn(
            "rr_client.py",
            &[
                "--connect",
                &endpoint,
                "--count",
                &count,
                "--request",
                "question {}",
            ],
        )
    });
    for i in 0..REQUESTS {
        let request = recv_text(&rep, "request").await;
        assert_eq!(request, format!("question {i}"));
        send_text(&rep, &format!("I am OK! ({request})"), "reply").await;
    }

    let lines = blocking(|| client.finish_ok());
    let sent: Vec<String> = (0..REQUESTS).map(|i| format!("question {i}")).collect();
    assert_eq!(values(&lines, "Sending request: "), sent);
    let expected: Vec<String> = (0..REQUESTS)
        .map(|i| format!("I am OK! (question {i})"))
        .collect();
    assert_eq!(values(&lines, "Received reply: "), expected);
    assert_eq!(values(&lines, "DONE "), [count]);
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
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let publisher = async_socket(ctx, zmq::PUB);
        let endpoint = bind(&publisher, endpoint);
        let sync = async_socket(ctx, zmq::REP);
        let sync_endpoint = bind(&sync, sync_endpoint);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        AsyncPublisher {
            publisher,
            sync,
            endpoint,
            sync_endpoint,
            token: format!("rust-async-{}-{n}", std::process::id()),
        }
    }

    /// Beacons every 10 ms and answers each sync request as soon as it arrives, until
    /// `subscribers` subscribers said "ready"; then publishes `<prefix>0 .. <prefix><count-1>`
    /// and the end marker.
    async fn run(&self, subscribers: usize, count: usize, prefix: &str) {
        let beacon = format!("!sync {}", self.token);
        let mut beacons = tokio::time::interval(Duration::from_millis(10));
        let deadline = tokio::time::sleep(LIMIT);
        tokio::pin!(deadline);
        let (mut hellos, mut ready) = (0, 0);
        while ready < subscribers {
            tokio::select! {
                () = &mut deadline => {
                    panic!("only {ready} of {subscribers} subscribers synchronised in {LIMIT:?}")
                }
                _ = beacons.tick() => send_text(&self.publisher, &beacon, "beacon").await,
                request = self.sync.recv_bytes() => {
                    let answer = match request.expect("sync request").as_slice() {
                        b"hello" => {
                            hellos += 1;
                            self.token.as_str()
                        }
                        b"ready" => {
                            ready += 1;
                            "go"
                        }
                        other => panic!("unexpected sync request {other:?}"),
                    };
                    send_text(&self.sync, answer, "sync answer").await;
                }
            }
        }
        assert_eq!(hellos, subscribers, "one hello per subscriber");
        for i in 0..count {
            send_text(&self.publisher, &format!("{prefix}{i}"), "publish").await;
        }
        let end = format!("!end {}", self.token);
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
    let mut pending: HashSet<String> = requesters.keys().cloned().collect();
    let mut ended = HashSet::new();
    let mut received = Vec::new();
    while ended.len() < requesters.len() {
        let text = recv_text(&sub, &format!("message after {received:?}")).await;
        if let Some(token) = text.strip_prefix("!sync ") {
            if pending.remove(token) {
                let req = &requesters[token];
                send_text(req, "ready", "ready").await;
                assert_eq!(recv_text(req, "go").await, "go");
            }
        } else if let Some(token) = text.strip_prefix("!end ") {
            if requesters.contains_key(token) {
                assert!(
                    !pending.contains(token),
                    "end before the handshake finished"
                );
                ended.insert(token.to_owned());
            }
        } else if !text.starts_with('!') {
            received.push(text);
        }
    }
    received
}

/// Starts ps_publisher.py with the synchronised start; returns it, its endpoint and its
/// sync endpoint.
fn python_publisher(
    transport: Transport,
    dir: &TempDir,
    name: &str,
    count: usize,
    subscribers: usize,
) -> (PyProc, String, String) {
    let count = count.to_string();
    let subscribers = subscribers.to_string();
    let bind_at = transport.bind_endpoint(dir, &format!("{name}.ipc"));
    let sync_at = transport.bind_endpoint(dir, &format!("{name}-sync.ipc"));
    let mut publisher = PyProc::spawn(
        "ps_publisher.py",
        &[
            "--bind",
            &bind_at,
            "--sync",
            &sync_at,
            "--subscribers",
            &subscribers,
            "--count",
            &count,
            "--interval-ms",
            "0",
        ],
    );
    let endpoint = publisher.ready();
    let sync_endpoint = publisher.expect_line("SYNC ").trim().to_owned();
    (publisher, endpoint, sync_endpoint)
}

async fn python_pub_to_async_sub(transport: Transport, topic: &str, expected: &[String]) {
    let dir = TempDir::new("aps");
    let count = 12;
    let (mut publisher, endpoint, sync) =
        blocking(|| python_publisher(transport, &dir, "pub", count, 1));
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
    let mut subscriber = blocking(|| {
        PyProc::spawn(
            "ps_subscriber.py",
            &[
                "--connect",
                &publisher.endpoint,
                "--sync",
                &publisher.sync_endpoint,
            ],
        )
    });
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
        PyProc::spawn(
            "ps_subscriber.py",
            &[
                "--connect",
                &publisher.endpoint,
                "--sync",
                &publisher.sync_endpoint,
                "message1",
            ],
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
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let monitor_endpoint = format!("inproc://sbs-async-ventilator-monitor-{n}");
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
            let event = u16::from_ne_bytes([frames[0][0], frames[0][1]]);
            if event == zmq::SocketEvent::HANDSHAKE_SUCCEEDED as u16 {
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
    let mut by_worker: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for i in 0..tasks {
        let frames = next_message(pull, &format!("result {} of {tasks}", i + 1)).await;
        assert_eq!(frames.len(), 1, "a result is one frame");
        let result = String::from_utf8(frames[0].to_vec()).expect("UTF-8 result");
        let (worker, task) = result
            .split_once(' ')
            .unwrap_or_else(|| panic!("malformed result {result:?}"));
        by_worker
            .entry(worker.to_owned())
            .or_default()
            .push(task.to_owned());
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
    let tasks = TASKS.to_string();
    let workers = WORKERS.to_string();
    let sink_bind = transport.bind_endpoint(&dir, "sink.ipc");
    let vent_bind = transport.bind_endpoint(&dir, "vent.ipc");

    let (mut py_sink, rust_sink, sink_endpoint) = match ventilator_side {
        Side::Rust => {
            let mut sink = blocking(|| {
                PyProc::spawn("pl_sink.py", &["--bind", &sink_bind, "--tasks", &tasks])
            });
            let endpoint = blocking(|| sink.ready());
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
            let mut vent = blocking(|| {
                PyProc::spawn(
                    "pl_ventilator.py",
                    &[
                        "--bind",
                        &vent_bind,
                        "--tasks",
                        &tasks,
                        "--workers",
                        &workers,
                    ],
                )
            });
            let endpoint = blocking(|| vent.ready());
            (Some(vent), None, endpoint)
        }
    };

    let mut py_workers: Vec<PyProc> = (0..WORKERS / 2)
        .map(|i| {
            let name = format!("py-w{i}");
            blocking(|| {
                PyProc::spawn(
                    "pl_worker.py",
                    &[
                        "--pull",
                        &vent_endpoint,
                        "--push",
                        &sink_endpoint,
                        "--name",
                        &name,
                    ],
                )
            })
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
            let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for result in values(&lines, "Result: ") {
                let (task, worker) = result
                    .split_once(" from ")
                    .unwrap_or_else(|| panic!("malformed sink line {result:?}"));
                map.entry(worker.to_owned())
                    .or_default()
                    .push(task.to_owned());
            }
            let counts: Vec<String> = map
                .iter()
                .map(|(w, t)| format!("{w} {}", t.len()))
                .collect();
            assert_eq!(values(&lines, "COUNT "), counts);
            assert_eq!(values(&lines, "DONE "), [tasks.as_str()]);
            map
        }
        (None, None) => unreachable!("one side has the sink"),
    };
    if let Some(vent) = &mut py_vent {
        let lines = blocking(|| vent.finish_ok());
        assert_eq!(values(&lines, "WORKER-CONNECTED ").len(), WORKERS);
        assert_eq!(values(&lines, "Sent: "), numbered("task", TASKS));
    }

    // Each worker's own count agrees with what the sink saw from it.
    let mut reported = BTreeMap::new();
    for (name, task) in rust_workers {
        let done = join(task, &format!("async worker {name}")).await;
        reported.insert(name, done);
    }
    for worker in &mut py_workers {
        let lines = blocking(|| worker.finish_ok());
        let done = values(&lines, "DONE ");
        let (name, n) = done[0].split_once(' ').expect("DONE <name> <n>");
        reported.insert(name.to_owned(), n.parse::<usize>().expect("count"));
        assert_eq!(values(&lines, "Received task: ").len(), reported[name]);
    }
    let seen: BTreeMap<String, usize> = by_worker
        .iter()
        .map(|(w, t)| (w.clone(), t.len()))
        .collect();
    assert_eq!(seen, reported, "sink's view vs workers' own counts");

    // Fair: every worker, async Rust or Python, got exactly its share, and round robin
    // means every WORKERS-th task, a different residue for each.
    assert_eq!(by_worker.len(), WORKERS, "{by_worker:?}");
    let mut residues = Vec::new();
    let mut all = Vec::new();
    for (worker, tasks) in &by_worker {
        assert_eq!(tasks.len(), TASKS / WORKERS, "{worker}: {tasks:?}");
        let numbers: Vec<usize> = tasks
            .iter()
            .map(|t| {
                t.strip_prefix("task")
                    .and_then(|n| n.parse().ok())
                    .expect("taskN")
            })
            .collect();
        let residue = numbers[0] % WORKERS;
        assert!(
            numbers.iter().all(|n| n % WORKERS == residue),
            "{worker}: {numbers:?}"
        );
        residues.push(residue);
        all.extend(numbers);
    }
    residues.sort_unstable();
    assert_eq!(residues, (0..WORKERS).collect::<Vec<_>>());
    all.sort_unstable();
    assert_eq!(
        all,
        (0..TASKS).collect::<Vec<_>>(),
        "each task exactly once"
    );
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
    let count = MULTIPART.to_string();
    let bind_at = transport.bind_endpoint(&dir, "router.ipc");
    let mut router =
        blocking(|| PyProc::spawn("router_echo.py", &["--bind", &bind_at, "--count", &count]));
    let endpoint = blocking(|| router.ready());

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
    assert_eq!(values(&lines, "DONE "), [count]);
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
    let count = MULTIPART.to_string();
    let mut dealer = blocking(|| {
        PyProc::spawn(
            "mp_dealer.py",
            &[
                "--connect",
                &endpoint,
                "--count",
                &count,
                "--identity",
                "py-dealer",
            ],
        )
    });
    let mut echo = &router;
    for i in 0..MULTIPART {
        let frames = next_message(echo, &format!("message {i}")).await;
        assert_eq!(&frames[0][..], b"py-dealer", "routing id of message {i}");
        assert_eq!(to_vecs(&frames[1..]), sbs::dealer_frames(i), "message {i}");
        bounded("echo", SinkExt::send(&mut echo, Multipart(frames))).await;
    }

    let lines = blocking(|| dealer.finish_ok());
    let expected: Vec<String> = (0..MULTIPART).map(|i| format!("{i} 4")).collect();
    assert_eq!(values(&lines, "OK "), expected);
    assert_eq!(values(&lines, "DONE "), [count]);
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

/// The built example `name`, next to this test's own binary (`<target>/<profile>/examples/`).
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("own path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("test binary lives in <target>/<profile>/deps");
    let path = profile_dir.join("examples").join(name);
    assert!(
        path.is_file(),
        "example `{name}` is not built at {}: run `cargo build --features tokio --examples` \
         (a plain `cargo test --features tokio` builds them too)",
        path.display()
    );
    path
}

fn run_example<S: AsRef<str>>(name: &str, args: &[S]) -> PyProc {
    PyProc::spawn_program(&example(name), args)
}

/// Stdout without the lines that name a bound endpoint (which differs from run to run).
fn without_endpoints(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .filter(|l| !l.starts_with("READY "))
        .cloned()
        .collect()
}

#[test]
fn async_rr_examples_talk_to_python_like_the_blocking_ones() {
    // Server: the blocking and the async example each answer a Python client, and print
    // the same lines.
    let mut outputs = Vec::new();
    for name in ["rr_server", "async_rr_server"] {
        let mut server = run_example(
            name,
            &[
                "--bind",
                "tcp://127.0.0.1:*",
                "--count",
                "2",
                "--reply",
                "ack:{}",
                "--timeout-ms",
                "20000",
            ],
        );
        let endpoint = server.ready();
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
    let mut server = PyProc::spawn("rr_server.py", &["--bind", "tcp://127.0.0.1:*"]);
    let endpoint = server.ready();
    let lines = run_example("async_rr_client", &["--connect", &endpoint]).finish_ok();
    assert_eq!(
        lines,
        [
            "Sending request: Are you OK?",
            "Received reply: I am OK!",
            "DONE 1"
        ]
    );
    server.finish_ok();
}

#[test]
fn async_ps_examples_talk_to_python_without_loss() {
    let dir = TempDir::new("aex");
    // Async publisher, a Python and an async subscriber (the latter filtering by topic).
    let mut publisher = run_example(
        "async_ps_publisher",
        &[
            "--bind",
            &dir.ipc("pub.ipc"),
            "--sync",
            &dir.ipc("sync.ipc"),
            "--subscribers",
            "2",
            "--interval-ms",
            "0",
            "--count",
            "12",
        ],
    );
    let endpoint = publisher.ready();
    let sync = publisher.expect_line("SYNC ");
    let mut py_sub = PyProc::spawn(
        "ps_subscriber.py",
        &["--connect", &endpoint, "--sync", &sync],
    );
    let mut rust_sub = run_example(
        "async_ps_subscriber",
        &["--connect", &endpoint, "--sync", &sync, "message1"],
    );
    let all = numbered("message", 12);
    let py_lines = py_sub.finish_ok();
    assert_eq!(values(&py_lines, "Received: "), all);
    assert_eq!(values(&py_lines, "DONE "), ["12"]);
    let rust_lines = rust_sub.finish_ok();
    assert_eq!(
        values(&rust_lines, "Received: "),
        ["message1", "message10", "message11"]
    );
    assert_eq!(values(&rust_lines, "DONE "), ["3"]);
    let pub_lines = publisher.finish_ok();
    assert_eq!(values(&pub_lines, "SUBSCRIBER-READY "), ["1", "2"]);
    assert_eq!(values(&pub_lines, "Sent: "), all);
    assert_eq!(values(&pub_lines, "DONE "), ["12"]);
    // Both subscribers synchronised with that one publisher, whose token they both saw.
    let token = values(&py_lines, "SYNCED ");
    assert_eq!(token.len(), 1);
    assert_eq!(values(&rust_lines, "SYNCED "), token);

    // Python publisher, async subscriber.
    let mut publisher = PyProc::spawn(
        "ps_publisher.py",
        &[
            "--bind",
            "tcp://127.0.0.1:*",
            "--sync",
            "tcp://127.0.0.1:*",
            "--interval-ms",
            "0",
        ],
    );
    let endpoint = publisher.ready();
    let sync = publisher.expect_line("SYNC ");
    let mut rust_sub = run_example(
        "async_ps_subscriber",
        &["--connect", &endpoint, "--sync", &sync],
    );
    let lines = rust_sub.finish_ok();
    assert_eq!(values(&lines, "Received: "), all[..10]);
    assert_eq!(values(&lines, "DONE "), ["10"]);
    let lines = publisher.finish_ok();
    assert_eq!(values(&lines, "Sent: "), all[..10]);
}

#[test]
fn async_pl_examples_share_work_with_python() {
    let dir = TempDir::new("aex");
    let worker_args = |pull: &str, push: &str, name: &str| {
        ["--pull", pull, "--push", push, "--name", name].map(str::to_owned)
    };

    // Async ventilator, an async and a Python worker, a Python sink.
    let mut sink = PyProc::spawn(
        "pl_sink.py",
        &["--bind", &dir.ipc("sink.ipc"), "--tasks", "20"],
    );
    let sink_endpoint = sink.ready();
    let mut ventilator = run_example(
        "async_pl_ventilator",
        &[
            "--bind",
            "tcp://127.0.0.1:*",
            "--tasks",
            "20",
            "--workers",
            "2",
        ],
    );
    let endpoint = ventilator.ready();
    let mut rust_worker = run_example(
        "async_pl_worker",
        &worker_args(&endpoint, &sink_endpoint, "rust"),
    );
    let mut py_worker = PyProc::spawn(
        "pl_worker.py",
        &worker_args(&endpoint, &sink_endpoint, "python"),
    );
    let lines = ventilator.finish_ok();
    assert_eq!(values(&lines, "WORKER-CONNECTED "), ["1", "2"]);
    assert_eq!(values(&lines, "Sent: "), numbered("task", 20));
    assert_eq!(values(&lines, "DONE "), ["20"]);
    let lines = rust_worker.finish_ok();
    assert_eq!(values(&lines, "READY "), ["rust"]);
    assert_eq!(values(&lines, "Received task: ").len(), 10);
    assert_eq!(values(&lines, "DONE "), ["rust 10"]);
    assert_eq!(values(&py_worker.finish_ok(), "DONE "), ["python 10"]);
    let lines = sink.finish_ok();
    assert_eq!(values(&lines, "COUNT "), ["python 10", "rust 10"]);
    assert_eq!(values(&lines, "DONE "), ["20"]);

    // Python ventilator, an async and a Python worker, an async sink.
    let mut sink = run_example(
        "async_pl_sink",
        &["--bind", "tcp://127.0.0.1:*", "--tasks", "20"],
    );
    let sink_endpoint = sink.ready();
    let mut ventilator = PyProc::spawn(
        "pl_ventilator.py",
        &[
            "--bind",
            &dir.ipc("vent.ipc"),
            "--tasks",
            "20",
            "--workers",
            "2",
        ],
    );
    let endpoint = ventilator.ready();
    let mut rust_worker = run_example(
        "async_pl_worker",
        &worker_args(&endpoint, &sink_endpoint, "rust"),
    );
    let mut py_worker = PyProc::spawn(
        "pl_worker.py",
        &worker_args(&endpoint, &sink_endpoint, "python"),
    );
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
    let text = lines.join("\n");
    for expected in [
        "  client -> \"Are you OK?\"",
        "  server <- \"Are you OK?\"",
        "  client <- \"I am OK!\"",
        "  publisher -> message0 message1 message2 message3 message4 message5 message6 \
         message7 message8 message9",
        "  subscriber to everything <- message0 message1 message2 message3 message4 message5 \
         message6 message7 message8 message9 (10 messages)",
        "  subscriber to \"message1\" <- message1 (1 message)",
        "  sink <- 12 results from 3 workers",
        "All three patterns ran to the end (async).",
    ] {
        assert!(
            lines.iter().any(|l| l == expected),
            "missing {expected:?} in:\n{text}"
        );
    }
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("  client -> \"Are you OK?\" again, before the answer: EFSM")),
        "no EFSM line in:\n{text}"
    );
    // Round robin over three connected workers: four tasks each, every third one.
    let mut did: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("  worker-"))
        .collect();
    did.sort_unstable();
    assert_eq!(did.len(), 3, "{text}");
    let mut residues = Vec::new();
    for line in did {
        let numbers: Vec<usize> = line
            .split_once(" did ")
            .map(|(_, tasks)| tasks)
            .unwrap_or_else(|| panic!("malformed line {line:?}"))
            .split(' ')
            .map(|t| {
                t.strip_prefix("task")
                    .and_then(|n| n.parse().ok())
                    .expect("taskN")
            })
            .collect();
        assert_eq!(numbers.len(), 4, "{line}");
        assert!(numbers.iter().all(|n| n % 3 == numbers[0] % 3), "{line}");
        residues.push(numbers[0] % 3);
    }
    residues.sort_unstable();
    assert_eq!(residues, [0, 1, 2], "{text}");
}

#[test]
fn async_examples_explain_bad_arguments_and_give_up_in_time() {
    for name in [
        "async_rr_server",
        "async_rr_client",
        "async_ps_publisher",
        "async_ps_subscriber",
        "async_pl_ventilator",
        "async_pl_worker",
        "async_pl_sink",
        "async_patterns",
    ] {
        let lines = run_example(name, &["--help"]).finish_ok();
        assert!(
            lines[0].starts_with(&format!("Usage: {name}")),
            "{name}: {lines:?}"
        );
    }
    let bad: [(&str, &[&str], &str); 5] = [
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
    ];
    for (name, args, message) in bad {
        let mut run = run_example(name, args);
        let (status, _) = run.finish();
        let stderr = run.stderr().to_owned();
        assert_eq!(status.code(), Some(2), "{name} {args:?}: {stderr}");
        assert!(stderr.contains(message), "{name} {args:?}: {stderr}");
        assert!(stderr.contains("Usage:"), "{name} {args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name} {args:?}: {stderr}");
    }

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
    let mut run = run_example("async_rr_client", &["--connect", "no-such-transport://x"]);
    let (status, _) = run.finish();
    let stderr = run.stderr().to_owned();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("error: cannot connect"), "{stderr}");
}
