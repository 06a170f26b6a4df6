//! The corners of waiting on `ZMQ_FD`: sockets whose `ZMQ_EVENTS` says "ready" when the next
//! message still cannot go (ROUTER_MANDATORY), context termination while several tasks wait,
//! the socket guard held across an `.await`, and peers vanishing in the middle of multipart
//! messages.
#![cfg(feature = "tokio")]

use std::sync::Arc;
use std::time::Duration;

use zmq::asyncio::AsyncSocket;

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// A ROUTER_MANDATORY socket with two peers, "A" and "B", both of whose queues are full
/// (high-water mark 1 on both sides). Returns the router and the peers (plain sockets).
async fn router_with_two_full_peers(
    ctx: &zmq::Context,
    endpoint: &str,
) -> (Arc<AsyncSocket>, Vec<zmq::Socket>) {
    let router = ctx.socket(zmq::ROUTER).unwrap();
    router.set_router_mandatory(true).unwrap();
    router.set_sndhwm(1).unwrap();
    router.set_linger(0).unwrap();
    router.bind(endpoint).unwrap();
    let mut peers = Vec::new();
    for id in [b"A", b"B"] {
        let peer = ctx.socket(zmq::DEALER).unwrap();
        peer.set_identity(id).unwrap();
        peer.set_rcvhwm(1).unwrap();
        peer.set_linger(0).unwrap();
        peer.connect(endpoint).unwrap();
        peer.send("hello", 0).unwrap();
        peers.push(peer);
    }
    let router = Arc::new(router.into_async().unwrap());
    for _ in 0..2 {
        router.recv_multipart().await.unwrap();
    }
    for id in ["A", "B"] {
        let mut sent = 0;
        while router
            .send_multipart([id, "x"], zmq::DONTWAIT)
            .await
            .is_ok()
        {
            sent += 1;
            assert!(sent < 100, "peer {id} never filled up");
        }
    }
    (router, peers)
}

/// With one peer full and the other not, ROUTER_MANDATORY reports POLLOUT although a send to
/// the full peer cannot complete. Waiting for it would either miss the change or spin; the
/// send reports `EAGAIN` instead, promptly, even when the same task also waits to receive.
#[test]
fn router_mandatory_send_to_a_full_peer_reports_eagain() {
    current_thread().block_on(async {
        let ctx = zmq::Context::new();
        let (router, peers) = router_with_two_full_peers(&ctx, "inproc://mandatory-1").await;
        // B drains: the router can send again (to B), but not to A.
        while peers[1].recv_bytes(zmq::DONTWAIT).is_ok() {}
        let outcome = tokio::time::timeout(Duration::from_secs(5), async {
            tokio::select! {
                biased;
                sent = router.send_multipart(["A", "y"], 0) => sent,
                got = router.recv_multipart() => panic!("nothing was sent to the router: {got:?}"),
            }
        })
        .await
        .expect("the send neither completed nor failed");
        assert_eq!(outcome, Err(zmq::Error::EAGAIN));
        // And B, which has room, takes a message.
        router.send_multipart(["B", "z"], 0).await.unwrap();
    });
}

/// Two tasks sending on one ROUTER_MANDATORY socket, to different peers: the one for B
/// waits; the other keeps trying A (full for good). When B drains, the first must be woken
/// even though the other task's attempts are what consumed the signal.
#[test]
fn a_send_for_another_peer_does_not_swallow_the_wakeup() {
    for trial in 0..40 {
        current_thread().block_on(async {
            let ctx = zmq::Context::new();
            let endpoint = format!("inproc://mandatory-2-{trial}");
            let (router, peers) = router_with_two_full_peers(&ctx, &endpoint).await;
            let r = router.clone();
            // B is full too right now, so this send sleeps.
            let to_b = tokio::spawn(async move { r.send_multipart(["B", "y"], 0).await });
            let r = router.clone();
            let to_a = tokio::spawn(async move {
                loop {
                    tokio::select! {
                        biased;
                        sent = r.send_multipart(["A", "z"], 0) => {
                            if sent.is_ok() { return; }
                            tokio::task::yield_now().await;
                        }
                        _ = tokio::task::yield_now() => {}
                    }
                }
            });
            tokio::task::yield_now().await;
            while peers[1].recv_bytes(zmq::DONTWAIT).is_ok() {}
            let woken = tokio::time::timeout(Duration::from_secs(5), to_b).await;
            to_a.abort();
            woken
                .unwrap_or_else(|_| panic!("trial {trial}: the send to B was never woken"))
                .unwrap()
                .unwrap();
        });
    }
}

/// The context is terminated while one task waits to send and another keeps polling a
/// receive (select! against a yield): whoever sees ETERM first must not leave the other
/// asleep, or the termination itself waits forever for the socket to close.
#[test]
fn termination_wakes_every_waiting_task() {
    for trial in 0..200u64 {
        let rt = current_thread();
        let ctx = zmq::Context::new();
        let socket = ctx.socket(zmq::DEALER).unwrap();
        socket.set_linger(0).unwrap();
        let socket = rt.block_on(async { Arc::new(socket.into_async().unwrap()) });
        let (sent, received, term) = rt.block_on(async {
            let s = socket.clone();
            let sender = tokio::spawn(async move { s.send("x", 0).await });
            let s = socket.clone();
            let receiver = tokio::spawn(async move {
                loop {
                    tokio::select! {
                        r = s.recv_msg() => return r.map(drop),
                        _ = tokio::task::yield_now() => {}
                    }
                }
            });
            tokio::task::yield_now().await;
            let mut ctx = ctx.clone();
            let term = std::thread::spawn(move || {
                std::thread::sleep(Duration::from_micros(trial % 50 * 20));
                ctx.destroy()
            });
            let limit = Duration::from_secs(5);
            let received = tokio::time::timeout(limit, receiver).await;
            let sent = tokio::time::timeout(limit, sender).await;
            (sent, received, term)
        });
        let sent = sent.unwrap_or_else(|_| panic!("trial {trial}: the sender was never woken"));
        assert_eq!(sent.unwrap(), Err(zmq::Error::ETERM), "trial {trial}");
        let received = received.unwrap_or_else(|_| panic!("trial {trial}: receiver stuck"));
        assert_eq!(received.unwrap(), Err(zmq::Error::ETERM), "trial {trial}");
        drop(socket);
        drop(rt);
        drop(ctx);
        term.join().unwrap().unwrap();
    }
}

/// A guard kept across an `.await` (fine on a current-thread runtime, where nothing needs
/// `Send`) must not block the thread when another task on it uses the socket: that task
/// waits (asleep) until the guard is released.
#[test]
fn a_guard_held_across_an_await_does_not_block_the_thread() {
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let runner = std::thread::spawn(move || {
        current_thread().block_on(async {
            let ctx = zmq::Context::new();
            let pull = Arc::new(ctx.socket(zmq::PULL).unwrap().into_async().unwrap());
            let push = ctx.socket(zmq::PUSH).unwrap();
            let p = pull.clone();
            let receiver = tokio::spawn(async move { p.recv_bytes().await });
            let guard = pull.socket();
            guard.bind("inproc://guard-await").unwrap();
            push.connect("inproc://guard-await").unwrap();
            push.send("through", 0).unwrap();
            for _ in 0..10 {
                tokio::task::yield_now().await; // the receiver runs and finds the lock taken
            }
            assert!(!receiver.is_finished());
            drop(guard);
            let got = tokio::time::timeout(Duration::from_secs(5), receiver)
                .await
                .expect("the receiver was not woken when the guard was released");
            assert_eq!(got.unwrap().unwrap(), b"through");
        });
        let _ = done_tx.send(());
    });
    done_rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the runtime thread blocked");
    runner.join().unwrap();
}

/// Peers come and go (connect, read a little, vanish with LINGER 0) while an async PUSH sends
/// three-part messages as fast as it can: whatever any peer receives is a whole message, never
/// a tail whose head went to a previous peer (PUSH goes through libzmq's load balancer, which
/// discards a message whose pipe dies mid-way and then drops its remaining frames).
#[test]
fn vanishing_peers_never_receive_a_torn_message() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let ctx = zmq::Context::new();
        let sender = ctx.socket(zmq::PUSH).unwrap();
        sender.set_linger(0).unwrap();
        sender.set_sndhwm(10).unwrap();
        sender.bind("tcp://127.0.0.1:*").unwrap();
        let endpoint = sender.get_last_endpoint().unwrap().unwrap();
        let sender = Arc::new(sender.into_async().unwrap());
        let stop = Arc::new(AtomicBool::new(false));
        let (s, halt) = (sender.clone(), stop.clone());
        let producer = tokio::spawn(async move {
            let (mut ok, mut failed) = (0u64, 0u64);
            let mut seq = 0u64;
            while !halt.load(Ordering::Relaxed) {
                let head = seq.to_le_bytes();
                let sent = tokio::time::timeout(
                    Duration::from_millis(50),
                    s.send_multipart([&head[..], b"middle", &head[..]], 0),
                )
                .await;
                match sent {
                    Ok(Ok(())) => ok += 1,
                    Ok(Err(_)) => failed += 1,
                    Err(_) => {} // no peer at the moment: cancelled, nothing sent
                }
                seq += 1;
            }
            (ok, failed)
        });
        let mut whole = 0;
        for _ in 0..100 {
            let peer = ctx.socket(zmq::PULL).unwrap();
            peer.set_linger(0).unwrap();
            peer.set_rcvtimeo(5_000).unwrap();
            peer.set_rcvhwm(10).unwrap();
            peer.connect(&endpoint).unwrap();
            let peer = tokio::task::spawn_blocking(move || {
                for _ in 0..5 {
                    let parts = peer.recv_multipart(0).expect("a message from the sender");
                    assert_eq!(parts.len(), 3, "torn message: {parts:?}");
                    assert_eq!(parts[0], parts[2], "mixed message: {parts:?}");
                    assert_eq!(parts[1], b"middle");
                }
                peer
            })
            .await
            .unwrap();
            whole += 5;
            drop(peer);
        }
        stop.store(true, Ordering::Relaxed);
        let (ok, failed) = tokio::time::timeout(Duration::from_secs(10), producer)
            .await
            .unwrap()
            .unwrap();
        eprintln!("{whole} whole messages checked; sender: {ok} sent, {failed} failed");
    });
}
