//! The typed request-reply wrappers: the happy path blocking and async, a wrong socket type,
//! and a timed-out receive that keeps the request outstanding.

use zmq::reqrep::{Replier, Requester};

mod common;

#[test]
fn blocking_round_trips() {
    let ctx = zmq::Context::new();
    let (rep, req) = common::bound_pair(&ctx, zmq::REP, zmq::REQ);
    let (mut requester, mut replier) = (Requester::new(req).unwrap(), Replier::new(rep).unwrap());
    for i in 0..10 {
        let waiting = requester
            .send_multipart([format!("q{i}").as_str(), "tail"])
            .unwrap();
        let (request, replying) = replier.recv().unwrap();
        assert_eq!(request.len(), 2);
        assert_eq!(request[0].as_str(), Some(format!("q{i}").as_str()));
        replier = replying.send(format!("a{i}").as_str()).unwrap();
        let (reply, next) = waiting.recv().unwrap();
        assert_eq!(reply.len(), 1);
        assert_eq!(reply[0].as_str(), Some(format!("a{i}").as_str()));
        requester = next;
    }
}

#[test]
fn wrong_socket_type_is_einval_with_the_socket_back() {
    let ctx = zmq::Context::new();
    let err = Requester::new(ctx.socket(zmq::DEALER).unwrap()).unwrap_err();
    assert_eq!(err.error, zmq::Error::EINVAL);
    assert_eq!(err.state.get_socket_type().unwrap(), zmq::DEALER);
    let err = Replier::new(ctx.socket(zmq::REQ).unwrap()).unwrap_err();
    assert_eq!(err.error, zmq::Error::EINVAL);
    // `?` turns it into a plain zmq::Error.
    let plain: zmq::Error = err.into();
    assert_eq!(plain, zmq::Error::EINVAL);
}

#[test]
fn a_timed_out_receive_keeps_the_request_outstanding() {
    let ctx = zmq::Context::new();
    let (rep, req) = common::bound_pair(&ctx, zmq::REP, zmq::REQ);
    req.set_rcvtimeo(50).unwrap();
    let waiting = Requester::new(req).unwrap().send("slow question").unwrap();
    let (request, replying) = Replier::new(rep).unwrap().recv().unwrap();
    // No reply yet: the receive times out, and the error hands back the waiting state.
    let err = waiting.recv().unwrap_err();
    assert_eq!(err.error, zmq::Error::EAGAIN);
    let waiting = err.state;
    assert_eq!(request[0].as_str(), Some("slow question"));
    replying.send("late answer").unwrap();
    let (reply, _requester) = waiting.recv().unwrap();
    assert_eq!(reply[0].as_str(), Some("late answer"));
}

#[cfg(feature = "tokio")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_round_trips_on_another_task() {
    let ctx = zmq::Context::new();
    let (rep, req) = common::bound_pair(&ctx, zmq::REP, zmq::REQ);
    let replier = Replier::new(rep.into_async().unwrap()).unwrap();
    let server = tokio::spawn(async move {
        let mut replier = replier;
        for _ in 0..10 {
            let (request, replying) = replier.recv().await.unwrap();
            let text = request[0].as_str().unwrap().to_uppercase();
            replier = replying.send(text.as_str()).await.unwrap();
        }
    });
    let mut requester = Requester::new(req.into_async().unwrap()).unwrap();
    for i in 0..10 {
        let waiting = requester.send(format!("hello {i}").as_str()).await.unwrap();
        let (reply, next) = waiting.recv().await.unwrap();
        assert_eq!(reply[0].as_str(), Some(format!("HELLO {i}").as_str()));
        requester = next;
    }
    tokio::time::timeout(std::time::Duration::from_secs(10), server)
        .await
        .unwrap()
        .unwrap();
}

/// A bounded wait keeps the socket: the request stays outstanding and its reply is received
/// later; the same for a replier waiting for a request.
#[cfg(feature = "tokio")]
#[tokio::test(flavor = "current_thread")]
async fn async_recv_until_gives_the_state_back() {
    use std::time::Duration;
    let ctx = zmq::Context::new();
    let (rep, req) = common::bound_pair(&ctx, zmq::REP, zmq::REQ);
    let replier = Replier::new(rep.into_async().unwrap()).unwrap();
    let err = replier
        .recv_until(tokio::time::sleep(Duration::from_millis(20)))
        .await
        .unwrap_err();
    assert_eq!(err.error, zmq::Error::EAGAIN);
    let replier = err.state;

    let requester = Requester::new(req.into_async().unwrap()).unwrap();
    let waiting = requester.send("question").await.unwrap();
    let err = waiting
        .recv_until(tokio::time::sleep(Duration::from_millis(20)))
        .await
        .unwrap_err();
    assert_eq!(err.error, zmq::Error::EAGAIN);
    let waiting = err.state;

    let (request, replying) = replier.recv().await.unwrap();
    assert_eq!(request[0].as_str(), Some("question"));
    replying.send("answer").await.unwrap();
    let (reply, _requester) = waiting
        .recv_until(tokio::time::sleep(Duration::from_secs(5)))
        .await
        .unwrap();
    assert_eq!(reply[0].as_str(), Some("answer"));
}
