//! One basic exchange per socket type, and the type read back from each socket.

use std::io::{Read, Write};

mod common;
use common::{bound_pair, inproc, socket};

#[test]
fn every_stable_type_reports_itself() {
    let ctx = zmq::Context::new();
    let types = [
        zmq::PAIR,
        zmq::PUB,
        zmq::SUB,
        zmq::REQ,
        zmq::REP,
        zmq::DEALER,
        zmq::ROUTER,
        zmq::PULL,
        zmq::PUSH,
        zmq::XPUB,
        zmq::XSUB,
        zmq::STREAM,
    ];
    for (i, t) in types.into_iter().enumerate() {
        let s = ctx.socket(t).unwrap();
        assert_eq!(s.get_socket_type().unwrap(), t);
        assert_eq!(t as i32, i as i32, "{t:?} keeps libzmq's value");
        assert_eq!(t.to_raw(), i as i32);
        assert_eq!(zmq::SocketType::try_from(i as i32), Ok(t));
    }
    assert_eq!(zmq::SocketType::try_from(-1), Err(zmq::Error::EINVAL));
    assert_eq!(zmq::SocketType::try_from(4096), Err(zmq::Error::EINVAL));
}

#[test]
fn pair_both_directions() {
    let ctx = zmq::Context::new();
    let (a, b) = bound_pair(&ctx, zmq::PAIR, zmq::PAIR);
    b.send("ping", 0).unwrap();
    assert_eq!(a.recv_bytes(0).unwrap(), b"ping");
    a.send("pong", 0).unwrap();
    assert_eq!(b.recv_bytes(0).unwrap(), b"pong");
}

#[test]
fn req_rep_round_trip_over_inproc_ipc_and_tcp() {
    let dir = std::env::temp_dir().join(format!("zmq-rs-types-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ipc = format!("ipc://{}/rr.sock", dir.display());
    for endpoint in [inproc("rr"), ipc, "tcp://127.0.0.1:*".to_string()] {
        let ctx = zmq::Context::new();
        let rep = socket(&ctx, zmq::REP);
        rep.bind(&endpoint).unwrap();
        let actual = rep.get_last_endpoint().unwrap().unwrap();
        let req = socket(&ctx, zmq::REQ);
        req.connect(&actual).unwrap();
        for i in 0..3 {
            req.send(format!("question {i}").as_str(), 0).unwrap();
            assert_eq!(
                rep.recv_string(0).unwrap().unwrap(),
                format!("question {i}")
            );
            rep.send(format!("answer {i}").as_str(), 0).unwrap();
            assert_eq!(req.recv_string(0).unwrap().unwrap(), format!("answer {i}"));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn pub_sub_with_topic_filter() {
    let ctx = zmq::Context::new();
    let publisher = socket(&ctx, zmq::PUB);
    let endpoint = inproc("pubsub");
    publisher.bind(&endpoint).unwrap();
    let subscriber = socket(&ctx, zmq::SUB);
    subscriber.set_subscribe(b"weather").unwrap();
    subscriber.connect(&endpoint).unwrap();
    // inproc subscriptions are delivered synchronously on connect, so no message is lost.
    publisher.send("sports 1-0", 0).unwrap();
    publisher.send("weather sunny", 0).unwrap();
    assert_eq!(subscriber.recv_bytes(0).unwrap(), b"weather sunny");
    assert_eq!(
        subscriber.recv_bytes(zmq::DONTWAIT),
        Err(zmq::Error::EAGAIN)
    );
    assert_eq!(
        publisher.recv_bytes(zmq::DONTWAIT),
        Err(zmq::Error::ENOTSUP)
    );
}

#[test]
fn xpub_xsub_see_subscriptions() {
    let ctx = zmq::Context::new();
    let (xpub, xsub) = bound_pair(&ctx, zmq::XPUB, zmq::XSUB);
    xsub.send(&b"\x01news"[..], 0).unwrap();
    assert_eq!(xpub.recv_bytes(0).unwrap(), b"\x01news");
    xpub.send("news today", 0).unwrap();
    xpub.send("other", 0).unwrap();
    assert_eq!(xsub.recv_bytes(0).unwrap(), b"news today");
}

#[test]
fn dealer_router_multipart_with_routing_id() {
    let ctx = zmq::Context::new();
    let (router, dealer) = bound_pair(&ctx, zmq::ROUTER, zmq::DEALER);
    let ctx2 = zmq::Context::new();
    let named = socket(&ctx2, zmq::DEALER);
    named.set_identity(b"dealer-1").unwrap();
    let router2 = socket(&ctx2, zmq::ROUTER);
    router2.bind("tcp://127.0.0.1:*").unwrap();
    named
        .connect(&router2.get_last_endpoint().unwrap().unwrap())
        .unwrap();
    named.send("named", 0).unwrap();
    assert_eq!(
        router2.recv_multipart(0).unwrap(),
        [b"dealer-1".to_vec(), b"named".to_vec()]
    );

    dealer.send_multipart(["hello", "world"], 0).unwrap();
    let parts = router.recv_multipart(0).unwrap();
    assert_eq!(parts.len(), 3);
    assert_eq!(&parts[1..], [b"hello".to_vec(), b"world".to_vec()]);
    router
        .send_multipart([parts[0].clone(), b"reply".to_vec()], 0)
        .unwrap();
    assert_eq!(dealer.recv_multipart(0).unwrap(), [b"reply".to_vec()]);
}

#[test]
fn push_pull_load_balances() {
    let ctx = zmq::Context::new();
    let push = socket(&ctx, zmq::PUSH);
    let endpoint = inproc("pipeline");
    push.bind(&endpoint).unwrap();
    let pulls: Vec<_> = (0..2)
        .map(|_| {
            let p = socket(&ctx, zmq::PULL);
            p.connect(&endpoint).unwrap();
            p
        })
        .collect();
    for i in 0..10 {
        push.send(format!("task {i}").as_str(), 0).unwrap();
    }
    let counts: Vec<usize> = pulls
        .iter()
        .map(|p| {
            let mut n = 0;
            while p.recv_bytes(zmq::DONTWAIT).is_ok() {
                n += 1;
            }
            n
        })
        .collect();
    assert_eq!(counts, [5, 5]);
}

#[test]
fn stream_talks_to_a_plain_tcp_peer() {
    let ctx = zmq::Context::new();
    let stream = socket(&ctx, zmq::STREAM);
    stream.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = stream.get_last_endpoint().unwrap().unwrap();
    assert!(endpoint.starts_with("tcp://"));
    let addr = endpoint.trim_start_matches("tcp://");
    let mut tcp = std::net::TcpStream::connect(addr).unwrap();
    tcp.set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    // The connection is announced by an empty frame behind the peer's routing id.
    let hello = stream.recv_multipart(0).unwrap();
    assert_eq!(hello.len(), 2);
    assert!(hello[1].is_empty());
    let id = hello[0].clone();
    tcp.write_all(b"raw bytes").unwrap();
    let data = stream.recv_multipart(0).unwrap();
    assert_eq!(data, [id.clone(), b"raw bytes".to_vec()]);
    stream
        .send_multipart([id, b"raw reply".to_vec()], 0)
        .unwrap();
    let mut buf = [0u8; 9];
    tcp.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"raw reply");
}

#[cfg(feature = "draft")]
mod draft {
    use super::*;

    #[test]
    fn draft_types_report_themselves() {
        let ctx = zmq::Context::new();
        for t in [
            zmq::SERVER,
            zmq::CLIENT,
            zmq::RADIO,
            zmq::DISH,
            zmq::GATHER,
            zmq::SCATTER,
            zmq::DGRAM,
            zmq::PEER,
            zmq::CHANNEL,
        ] {
            let s = ctx.socket(t).unwrap();
            assert_eq!(s.get_socket_type().unwrap(), t);
            assert_eq!(zmq::SocketType::try_from(t as i32), Ok(t));
        }
    }

    #[test]
    fn client_server_with_routing_ids() {
        let ctx = zmq::Context::new();
        let (server, client) = bound_pair(&ctx, zmq::SERVER, zmq::CLIENT);
        client.send("hi server", 0).unwrap();
        let msg = server.recv_msg(0).unwrap();
        assert_eq!(&msg[..], b"hi server");
        let id = msg.routing_id().expect("SERVER frames carry a routing id");
        let mut reply = zmq::Message::from("hi client");
        reply.set_routing_id(id).unwrap();
        server.send(reply, 0).unwrap();
        assert_eq!(client.recv_bytes(0).unwrap(), b"hi client");
        let mut bad = zmq::Message::from("x");
        assert_eq!(bad.set_routing_id(0), Err(zmq::Error::EINVAL));
    }

    #[test]
    fn radio_dish_groups() {
        let ctx = zmq::Context::new();
        let dish = socket(&ctx, zmq::DISH);
        let endpoint = inproc("radio");
        dish.bind(&endpoint).unwrap();
        dish.join("weather").unwrap();
        let too_long = "g".repeat(zmq_sys::ZMQ_GROUP_MAX_LENGTH as usize + 1);
        assert_eq!(dish.join(&too_long), Err(zmq::Error::EINVAL));
        let mut msg = zmq::Message::new();
        assert_eq!(msg.set_group(&too_long), Err(zmq::Error::EINVAL));
        assert_eq!(msg.set_group("a\0b"), Err(zmq::Error::EINVAL));
        assert_eq!(dish.join("nul\0"), Err(zmq::Error::EINVAL));
        let radio = socket(&ctx, zmq::RADIO);
        radio.connect(&endpoint).unwrap();
        // The dish's JOIN reaches the radio only once the dish has processed the new
        // connection (a slow joiner): publish until the dish polls readable, boundedly.
        let mut delivered = false;
        for _ in 0..50 {
            let mut other = zmq::Message::from("goal");
            other.set_group("sports").unwrap();
            radio.send(other, 0).unwrap();
            let mut msg = zmq::Message::from("sunny");
            msg.set_group("weather").unwrap();
            radio.send(msg, 0).unwrap();
            if dish.poll(zmq::POLLIN, 100).unwrap() == 1 {
                delivered = true;
                break;
            }
        }
        assert!(delivered, "the dish never received its group");
        let got = dish.recv_msg(0).unwrap();
        assert_eq!(&got[..], b"sunny");
        assert_eq!(got.group(), Some("weather"));
        dish.leave("weather").unwrap();
    }

    #[test]
    fn scatter_gather_and_channel_and_peer() {
        let ctx = zmq::Context::new();
        let (gather, scatter) = bound_pair(&ctx, zmq::GATHER, zmq::SCATTER);
        scatter.send("work", 0).unwrap();
        assert_eq!(gather.recv_bytes(0).unwrap(), b"work");

        let (a, b) = bound_pair(&ctx, zmq::CHANNEL, zmq::CHANNEL);
        b.send("over the channel", 0).unwrap();
        assert_eq!(a.recv_bytes(0).unwrap(), b"over the channel");

        let listener = socket(&ctx, zmq::PEER);
        listener.bind("tcp://127.0.0.1:*").unwrap();
        let endpoint = listener.get_last_endpoint().unwrap().unwrap();
        let dialer = socket(&ctx, zmq::PEER);
        let id = dialer.connect_peer(&endpoint).unwrap();
        let mut msg = zmq::Message::from("to my peer");
        msg.set_routing_id(id).unwrap();
        dialer.send(msg, 0).unwrap();
        assert_eq!(listener.recv_bytes(0).unwrap(), b"to my peer");
    }
}

#[test]
fn one_sub_is_served_fairly_by_several_pubs() {
    let ctx = zmq::Context::new();
    let sub = socket(&ctx, zmq::SUB);
    sub.set_subscribe(b"").unwrap();
    let pubs: Vec<_> = ["a", "b", "c"]
        .iter()
        .map(|name| {
            let p = socket(&ctx, zmq::PUB);
            let endpoint = inproc(&format!("fair-{name}"));
            p.bind(&endpoint).unwrap();
            sub.connect(&endpoint).unwrap();
            (name.to_string(), p)
        })
        .collect();
    // Every publisher queues all its messages before the subscriber reads any.
    for (name, p) in &pubs {
        for i in 0..20 {
            p.send(format!("{name}{i}").as_str(), 0).unwrap();
        }
    }
    let mut counts = std::collections::HashMap::new();
    for n in 0..60 {
        let msg = sub.recv_string(0).unwrap().unwrap();
        *counts.entry(msg[..1].to_string()).or_insert(0) += 1;
        // Fair queueing: at every point no publisher is more than one message ahead.
        let (min, max) = (
            ["a", "b", "c"]
                .iter()
                .map(|k| counts.get(*k).copied().unwrap_or(0))
                .min()
                .unwrap(),
            counts.values().copied().max().unwrap(),
        );
        assert!(max - min <= 1, "after {} messages: {counts:?}", n + 1);
    }
    assert_eq!(counts.values().sum::<usize>(), 60);
}

#[test]
fn sockets_print_their_type_with_debug() {
    let ctx = zmq::Context::new();
    let socket = ctx.socket(zmq::DEALER).unwrap();
    let text = format!("{socket:?}");
    assert!(text.starts_with("Socket {"), "{text}");
    assert!(text.contains("DEALER"), "{text}");
    // A struct holding a socket can derive Debug.
    #[derive(Debug)]
    #[allow(dead_code)]
    struct Holder {
        socket: zmq::Socket,
    }
    assert!(format!("{:?}", Holder { socket }).contains("DEALER"));
}
