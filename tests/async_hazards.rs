//! The hazards of waiting on `ZMQ_FD`, tested where they bite: one socket's sending and
//! receiving in two tasks (any operation may consume the edge the other task waits for), on
//! both tokio runtimes and every transport; and cancellation under `select!` over 100,000
//! multipart messages, which must arrive exactly once, in order and whole.
#![cfg(feature = "tokio")]

use std::sync::Arc;
use std::time::Duration;

use zmq::asyncio::AsyncSocket;

mod common;

/// Per repetition: a lost wake-up shows as a repetition that does not finish in this time.
const REP_LIMIT: Duration = Duration::from_secs(2);

#[derive(Clone, Copy, Debug)]
enum Transport {
    Tcp,
    Ipc,
    Inproc,
}

fn endpoint(transport: Transport, tag: &str) -> String {
    match transport {
        Transport::Tcp => "tcp://127.0.0.1:*".to_string(),
        // Unique per call: the tests of this file run in parallel in one process.
        Transport::Ipc => {
            use std::sync::atomic::{AtomicUsize, Ordering};
            static N: AtomicUsize = AtomicUsize::new(0);
            format!(
                "ipc:///tmp/zmq-rs-hazard-{}-{tag}-{}.ipc",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            )
        }
        Transport::Inproc => common::inproc(tag),
    }
}

fn async_socket(ctx: &zmq::Context, kind: zmq::SocketType, hwm: i32) -> Arc<AsyncSocket> {
    let s = ctx.socket(kind).unwrap();
    s.set_sndhwm(hwm).unwrap();
    s.set_rcvhwm(hwm).unwrap();
    s.set_linger(0).unwrap();
    Arc::new(s.into_async().unwrap())
}

/// Sends `n` numbered frames and receives `n` from the peer, in two tasks on one socket.
fn duplex(
    socket: Arc<AsyncSocket>,
    n: u32,
) -> (tokio::task::JoinHandle<()>, tokio::task::JoinHandle<()>) {
    let tx = socket.clone();
    let sender = tokio::spawn(async move {
        for i in 0..n {
            tx.send(&i.to_le_bytes()[..], 0).await.unwrap();
        }
    });
    let receiver = tokio::spawn(async move {
        let mut msg = zmq::Message::new();
        for i in 0..n {
            socket.recv(&mut msg).await.unwrap();
            assert_eq!(&msg[..], &i.to_le_bytes(), "frame out of order");
        }
    });
    (sender, receiver)
}

/// `reps` fresh socket pairs; on each, both ends send and receive `n` frames at once, each
/// direction in its own task, with a high-water mark small enough that senders wait for
/// receivers all the time. The bound end's tasks start before the peer connects (its first
/// send waits for the peer to attach). Returns the repetitions that stalled.
async fn duplex_reps(transport: Transport, reps: u32, n: u32) -> u32 {
    let mut stalls = 0;
    for rep in 0..reps {
        let ctx = zmq::Context::new();
        let a = async_socket(&ctx, zmq::DEALER, 4);
        a.socket()
            .bind(&endpoint(transport, &format!("d{rep}")))
            .unwrap();
        let ep = a.socket().get_last_endpoint().unwrap().unwrap();
        let a_probe = a.clone();
        let (a_send, a_recv) = duplex(a, n);
        tokio::task::yield_now().await;
        let b = async_socket(&ctx, zmq::DEALER, 4);
        b.socket().connect(&ep).unwrap();
        let b_probe = b.clone();
        let (b_send, b_recv) = duplex(b, n);
        let mut tasks = [a_send, a_recv, b_send, b_recv];
        let deadline = tokio::time::Instant::now() + REP_LIMIT;
        let _ = tokio::time::timeout_at(deadline, async {
            for t in tasks.iter_mut() {
                let _ = t.await;
            }
        })
        .await;
        if !tasks.iter().all(|t| t.is_finished()) {
            stalls += 1;
            let done: Vec<bool> = tasks.iter().map(|t| t.is_finished()).collect();
            eprintln!("{transport:?}: repetition {rep} stalled; finished a_send a_recv b_send b_recv = {done:?}");
            // What the sockets would say now (this read may itself wake the tasks).
            eprintln!(
                "  events a={:?} b={:?}",
                a_probe.socket().get_events(),
                b_probe.socket().get_events()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
            let done: Vec<bool> = tasks.iter().map(|t| t.is_finished()).collect();
            eprintln!("  after the probe: {done:?}");
        }
        for t in tasks {
            t.abort();
        }
        if let Transport::Ipc = transport {
            let _ = std::fs::remove_file(ep.trim_start_matches("ipc://"));
        }
    }
    stalls
}

fn run_duplex(runtime: tokio::runtime::Runtime, name: &str) {
    // 3 transports x 150 repetitions x 2 sockets x 2 directions x 200 frames.
    for transport in [Transport::Inproc, Transport::Ipc, Transport::Tcp] {
        let stalls = runtime.block_on(duplex_reps(transport, 150, 200));
        assert_eq!(stalls, 0, "{name}, {transport:?}: lost wake-ups");
    }
}

#[test]
fn duplex_tasks_never_lose_a_wakeup_current_thread() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    run_duplex(rt, "current_thread");
}

#[test]
fn duplex_tasks_never_lose_a_wakeup_multi_thread() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    run_duplex(rt, "multi_thread");
}

/// Frame `part` of message `seq`: distinct per message and part, so a duplicate, a loss, a
/// reordering or a torn message is visible.
fn frame(seq: u64, part: u8) -> Vec<u8> {
    let mut f = seq.to_le_bytes().to_vec();
    f.push(part);
    f.resize(8 + 1 + (seq % 7) as usize, part);
    f
}

const MESSAGES: u64 = 100_000;

/// The sender races every `send_multipart` against a yield and a short sleep, and resends a
/// message whose future lost the race; the receiver races every `recv_multipart` the same
/// way. Every message must arrive exactly once, in order, with all three parts.
async fn cancel_storm() {
    let ctx = zmq::Context::new();
    let pull = async_socket(&ctx, zmq::PULL, 100);
    pull.socket().bind("tcp://127.0.0.1:*").unwrap();
    let ep = pull.socket().get_last_endpoint().unwrap().unwrap();
    let push = async_socket(&ctx, zmq::PUSH, 100);
    push.socket().connect(&ep).unwrap();

    let sender = tokio::spawn(async move {
        let mut cancelled = 0u64;
        let mut seq = 0;
        while seq < MESSAGES {
            let parts = [frame(seq, 0), frame(seq, 1), frame(seq, 2)];
            tokio::select! {
                r = push.send_multipart(parts, 0) => { r.unwrap(); seq += 1; }
                _ = tokio::task::yield_now(), if seq % 3 != 0 => cancelled += 1,
                _ = tokio::time::sleep(Duration::from_micros(100)), if seq % 3 == 0 => cancelled += 1,
            }
        }
        cancelled
    });

    let mut cancelled = 0u64;
    let mut expected = 0u64;
    while expected < MESSAGES {
        tokio::select! {
            r = pull.recv_multipart() => {
                let parts = r.unwrap();
                assert_eq!(parts.len(), 3, "message {expected} torn: {parts:?}");
                for (i, part) in parts.iter().enumerate() {
                    assert_eq!(part, &frame(expected, i as u8), "message {expected}, part {i}");
                }
                expected += 1;
            }
            _ = tokio::task::yield_now(), if expected % 2 == 0 => cancelled += 1,
            _ = tokio::time::sleep(Duration::from_micros(50)), if expected % 2 == 1 => cancelled += 1,
        }
    }
    let send_cancelled = sender.await.unwrap();
    // Nothing more arrives: no duplicates after the last one either.
    let extra = tokio::time::timeout(Duration::from_millis(200), pull.recv_multipart()).await;
    assert!(extra.is_err(), "an extra message arrived: {extra:?}");
    eprintln!("cancelled: {cancelled} receives, {send_cancelled} sends");
    assert!(
        cancelled > 1000,
        "the receive side was hardly ever cancelled ({cancelled}): the test tests nothing"
    );
    assert!(
        send_cancelled > 1000,
        "the send side was hardly ever cancelled ({send_cancelled}): the test tests nothing"
    );
}

#[test]
fn select_cancellation_loses_nothing_current_thread() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        tokio::time::timeout(Duration::from_secs(120), cancel_storm())
            .await
            .expect("the cancellation storm stalled");
    });
}

#[test]
fn select_cancellation_loses_nothing_multi_thread() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        tokio::time::timeout(Duration::from_secs(120), cancel_storm())
            .await
            .expect("the cancellation storm stalled");
    });
}
