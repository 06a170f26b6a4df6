//! The async socket's basic operations on both tokio runtimes.
#![cfg(feature = "tokio")]

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use zmq::asyncio::AsyncSocket;

mod common;

const LIMIT: Duration = Duration::from_secs(20);

fn pair(ctx: &zmq::Context, a: zmq::SocketType, b: zmq::SocketType) -> (AsyncSocket, AsyncSocket) {
    let (s, c) = common::bound_pair(ctx, a, b);
    (s.into_async().unwrap(), c.into_async().unwrap())
}

async fn req_rep_roundtrips() {
    let ctx = zmq::Context::new();
    let (rep, req) = pair(&ctx, zmq::REP, zmq::REQ);
    for i in 0..100 {
        req.send(format!("q{i}").as_str(), 0).await.unwrap();
        assert_eq!(rep.recv_string().await.unwrap().unwrap(), format!("q{i}"));
        // REP may not receive twice, REQ may not send twice: libzmq's EFSM comes through.
        assert_eq!(rep.recv_msg().await.unwrap_err(), zmq::Error::EFSM);
        assert_eq!(req.send("again", 0).await, Err(zmq::Error::EFSM));
        rep.send_multipart(["a", "b"], 0).await.unwrap();
        assert_eq!(
            req.recv_multipart().await.unwrap(),
            [b"a".to_vec(), b"b".to_vec()]
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn req_rep_current_thread() {
    tokio::time::timeout(LIMIT, req_rep_roundtrips())
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn req_rep_multi_thread() {
    tokio::time::timeout(LIMIT, req_rep_roundtrips())
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_and_sink() {
    let ctx = zmq::Context::new();
    let (pull, push) = pair(&ctx, zmq::PULL, zmq::PUSH);
    let mut push = push;
    let sender = tokio::spawn(async move {
        for i in 0..1000u32 {
            SinkExt::send(
                &mut push,
                vec![i.to_le_bytes().to_vec(), b"tail".to_vec()].into(),
            )
            .await
            .unwrap();
        }
        push.close().await.unwrap();
        push
    });
    let mut pull = pull;
    for i in 0..1000u32 {
        let frames = tokio::time::timeout(LIMIT, pull.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        assert_eq!(frames.len(), 2);
        assert_eq!(&frames[0][..], &i.to_le_bytes());
        assert_eq!(&frames[1][..], b"tail");
    }
    drop(sender.await.unwrap());
}

/// A call through `socket()` (here `get_events`) can consume the descriptor's signal a waiting
/// receiver sleeps on; releasing the guard must wake that receiver.
#[tokio::test(flavor = "current_thread")]
async fn guard_calls_do_not_strand_a_waiting_task() {
    let ctx = zmq::Context::new();
    let (pull, push) = common::bound_pair(&ctx, zmq::PULL, zmq::PUSH);
    let fd = pull.get_fd().unwrap();
    let pull = std::sync::Arc::new(pull.into_async().unwrap());
    push.send("warm-up", 0).unwrap();
    assert_eq!(pull.recv_bytes().await.unwrap(), b"warm-up");
    let waiting = pull.clone();
    let waiter = tokio::spawn(async move { waiting.recv_bytes().await });
    tokio::task::yield_now().await; // the receiver finds nothing and sleeps on ZMQ_FD
    push.send("x", 0).unwrap();
    // Wait (without the reactor, which does not run while this thread is busy here) until
    // the signal is pending on ZMQ_FD, so that get_events through the guard consumes it.
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd; poll does not consume the signal.
    let ready = unsafe { libc::poll(&mut pfd, 1, 5_000) };
    assert_eq!(ready, 1, "the message never signalled ZMQ_FD");
    assert!(pull.socket().get_events().unwrap().contains(zmq::POLLIN));
    let got = tokio::time::timeout(Duration::from_secs(5), waiter)
        .await
        .expect("the waiting receiver was never woken");
    assert_eq!(got.unwrap().unwrap(), b"x");
}

#[test]
fn attaching_outside_a_runtime_gives_the_socket_back() {
    let ctx = zmq::Context::new();
    let socket = ctx.socket(zmq::PAIR).unwrap();
    socket.set_identity(b"kept").unwrap();
    let err = socket.into_async().unwrap_err();
    assert!(err.to_string().contains("no tokio runtime"), "{err}");
    let socket = err.into_socket();
    assert_eq!(socket.get_identity().unwrap(), b"kept");
}

#[test]
fn attaching_on_a_runtime_without_io_is_an_error() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let ctx = zmq::Context::new();
    let socket = ctx.socket(zmq::PAIR).unwrap();
    let err = rt.block_on(async { socket.into_async().unwrap_err() });
    assert!(err.to_string().contains("no I/O driver"), "{err}");
    assert_eq!(err.into_socket().get_socket_type().unwrap(), zmq::PAIR);
}

/// libzmq's thread-safe DRAFT sockets have no `ZMQ_FD`.
#[cfg(zmq_draft)]
#[tokio::test(flavor = "current_thread")]
async fn thread_safe_draft_sockets_cannot_attach() {
    let ctx = zmq::Context::new();
    let err = ctx.socket(zmq::SERVER).unwrap().into_async().unwrap_err();
    let cause = err
        .error()
        .get_ref()
        .and_then(|e| e.downcast_ref::<zmq::Error>());
    assert_eq!(cause, Some(&zmq::Error::EINVAL), "{err}");
}

#[tokio::test(flavor = "current_thread")]
async fn dontwait_is_honoured_and_send_message_keeps_the_frame() {
    let ctx = zmq::Context::new();
    let push = ctx.socket(zmq::PUSH).unwrap().into_async().unwrap();
    // No peer: a waiting send would wait forever, a DONTWAIT one fails at once.
    assert_eq!(push.send("x", zmq::DONTWAIT).await, Err(zmq::Error::EAGAIN));
    assert_eq!(
        push.send_multipart(["a", "b"], zmq::DONTWAIT).await,
        Err(zmq::Error::EAGAIN)
    );
    let mut msg = zmq::Message::from("kept");
    assert_eq!(
        push.send_message(&mut msg, zmq::DONTWAIT).await,
        Err(zmq::Error::EAGAIN)
    );
    assert_eq!(&msg[..], b"kept");
    // A waiting send that is cancelled leaves the frame in place too.
    let r = tokio::time::timeout(Duration::from_millis(20), push.send_message(&mut msg, 0)).await;
    assert!(r.is_err());
    assert_eq!(&msg[..], b"kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_ends_when_the_context_is_terminated() {
    let ctx = zmq::Context::new();
    let pull = ctx.socket(zmq::PULL).unwrap();
    pull.bind(&common::inproc("eterm")).unwrap();
    let mut pull = pull.into_async().unwrap();
    let reader = tokio::spawn(async move {
        let next = pull.next().await.map(|r| r.map(|_| ()));
        (next, pull)
    });
    tokio::task::yield_now().await;
    // zmq_ctx_term waits for the socket to be closed, so run it beside the runtime.
    let mut term_ctx = ctx.clone();
    drop(ctx);
    let terminator = std::thread::spawn(move || term_ctx.destroy());
    let (next, pull) = tokio::time::timeout(LIMIT, reader).await.unwrap().unwrap();
    assert!(next.is_none(), "{next:?}");
    drop(pull);
    terminator.join().unwrap().unwrap();
}

#[test]
fn futures_and_socket_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<AsyncSocket>();
    fn send<F: std::future::Future + Send>(_: F) {}
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let _guard = rt.enter();
    let ctx = zmq::Context::new();
    let s = ctx.socket(zmq::DEALER).unwrap().into_async().unwrap();
    let mut msg = zmq::Message::new();
    send(s.send("x", 0));
    send(s.send_multipart(vec![vec![1u8]], 0));
    send(s.recv_bytes());
    send(s.recv_multipart());
    send(s.recv_string());
    send(s.recv(&mut msg));
}

/// zmq 0.10 code often starts with `use zmq::*;`. With the `tokio` feature on, that glob must
/// not bring in a name that makes the `tokio` crate ambiguous (a module called `tokio` would).
mod glob_import {
    use tokio::runtime::Builder;
    use zmq::*;

    #[test]
    fn leaves_the_tokio_crate_reachable() {
        let rt = Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let ctx = Context::new();
            let socket = ctx.socket(PAIR).unwrap().into_async().unwrap();
            socket.socket().bind("inproc://glob").unwrap();
            assert_eq!(tokio::spawn(async { 7 }).await.unwrap(), 7);
        });
    }
}
