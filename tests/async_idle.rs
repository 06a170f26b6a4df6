//! An idle async socket costs nothing: its waiting tasks are not polled and the process uses
//! (next to) no CPU while they wait. Alone in its own test binary, so no other test's work
//! shows up in the process's CPU time.
#![cfg(feature = "tokio")]

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use zmq::asyncio::AsyncSocket;

mod common;

/// A future that counts how often it is polled.
struct Counted<F> {
    inner: Pin<Box<F>>,
    polls: Arc<AtomicUsize>,
}

impl<F: Future> Future for Counted<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.polls.fetch_add(1, Ordering::Relaxed);
        self.inner.as_mut().poll(cx)
    }
}

fn counted<F: Future + Send + 'static>(f: F, polls: &Arc<AtomicUsize>) -> Counted<F> {
    Counted {
        inner: Box::pin(f),
        polls: polls.clone(),
    }
}

/// User + system CPU time of this whole process (every thread: tokio's and libzmq's).
fn process_cpu() -> Duration {
    // SAFETY: getrusage only writes the struct we pass.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        assert_eq!(libc::getrusage(libc::RUSAGE_SELF, &mut usage), 0);
        usage
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

fn async_socket(ctx: &zmq::Context, kind: zmq::SocketType) -> Arc<AsyncSocket> {
    let s = ctx.socket(kind).unwrap();
    s.set_linger(0).unwrap();
    s.set_sndhwm(2).unwrap();
    s.set_rcvhwm(2).unwrap();
    Arc::new(s.into_async().unwrap())
}

/// Every kind of wait at once: a REP and a SUB waiting for a message, a PUSH waiting for a
/// peer, and one DEALER whose send waits (its peer never reads, the high-water mark is
/// reached) while its receive waits too. Returns (polls, CPU) over one idle second.
async fn idle_second() -> (usize, Duration) {
    let ctx = zmq::Context::new();
    let polls = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();

    let rep = async_socket(&ctx, zmq::REP);
    rep.socket().bind("tcp://127.0.0.1:*").unwrap();
    tasks.push(tokio::spawn(counted(
        async move { rep.recv_bytes().await.map(drop) },
        &polls,
    )));

    let publisher = ctx.socket(zmq::PUB).unwrap();
    publisher.bind("tcp://127.0.0.1:*").unwrap();
    let sub = async_socket(&ctx, zmq::SUB);
    sub.socket().set_subscribe(b"").unwrap();
    sub.socket()
        .connect(&publisher.get_last_endpoint().unwrap().unwrap())
        .unwrap();
    tasks.push(tokio::spawn(counted(
        async move { sub.recv_bytes().await.map(drop) },
        &polls,
    )));

    let push = async_socket(&ctx, zmq::PUSH);
    tasks.push(tokio::spawn(counted(
        async move { push.send("nobody", 0).await },
        &polls,
    )));

    // inproc: no kernel socket buffers to fill, so the sender reaches the high-water mark
    // after a handful of messages.
    let sink = ctx.socket(zmq::DEALER).unwrap();
    sink.set_rcvhwm(2).unwrap();
    sink.bind(&common::inproc("idle-sink")).unwrap();
    let dealer = async_socket(&ctx, zmq::DEALER);
    dealer
        .socket()
        .connect(&sink.get_last_endpoint().unwrap().unwrap())
        .unwrap();
    let d = dealer.clone();
    tasks.push(tokio::spawn(counted(
        async move {
            // Fills the pipe and the peer's queue, then waits for good.
            loop {
                d.send(&[0u8; 64][..], 0).await?;
            }
        },
        &polls,
    )));
    tasks.push(tokio::spawn(counted(
        async move { dealer.recv_bytes().await.map(drop) },
        &polls,
    )));

    // Let connections form and the sender fill up; then measure.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let polls_before = polls.load(Ordering::Relaxed);
    let cpu_before = process_cpu();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let cpu = process_cpu() - cpu_before;
    let idle_polls = polls.load(Ordering::Relaxed) - polls_before;
    for task in &tasks {
        assert!(
            !task.is_finished(),
            "a waiting task finished: the setup is wrong"
        );
    }
    for task in tasks {
        task.abort();
    }
    drop((publisher, sink));
    (idle_polls, cpu)
}

fn check(name: &str, (polls, cpu): (usize, Duration)) {
    eprintln!("{name}: {polls} polls and {cpu:?} of CPU in one idle second");
    assert_eq!(polls, 0, "{name}: waiting tasks were polled while idle");
    // Waking up the timer for the measurement itself costs microseconds; a polling loop of
    // any kind would cost far more than this.
    assert!(
        cpu < Duration::from_millis(50),
        "{name}: {cpu:?} of CPU while idle"
    );
}

#[test]
fn idle_sockets_cost_nothing() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    check("current_thread", rt.block_on(idle_second()));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    check("multi_thread", rt.block_on(idle_second()));
}
