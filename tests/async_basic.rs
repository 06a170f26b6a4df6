//! The async socket's basic operations on both tokio runtimes.
#![cfg(feature = "tokio")]

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use zmq::tokio::AsyncSocket;

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
