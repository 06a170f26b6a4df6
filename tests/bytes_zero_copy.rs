//! Feature `bytes`: `bytes::Bytes` into and out of messages, without copies.
#![cfg(feature = "bytes")]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use zmq::{Context, Message, Socket, DONTWAIT, POLLIN};

/// How long a test waits for something that should happen at once.
const WAIT_MS: i64 = 5000;

fn pair(ctx: &Context, name: &str) -> (Socket, Socket) {
    let endpoint = format!("inproc://{name}");
    let a = ctx.socket(zmq::PAIR).unwrap();
    a.bind(&endpoint).unwrap();
    let b = ctx.socket(zmq::PAIR).unwrap();
    b.connect(&endpoint).unwrap();
    (a, b)
}

fn wait_readable(socket: &Socket) {
    assert_eq!(socket.poll(POLLIN, WAIT_MS).unwrap(), 1, "nothing arrived");
}

/// A buffer that counts how often it is dropped.
struct Counted {
    data: Vec<u8>,
    drops: Arc<AtomicUsize>,
}

impl AsRef<[u8]> for Counted {
    fn as_ref(&self) -> &[u8] {
        &self.data
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::SeqCst);
    }
}

/// A `Bytes` over `len` bytes of `fill` whose buffer reports its drops to the counter.
fn counted(len: usize, fill: u8) -> (Bytes, Arc<AtomicUsize>) {
    let drops = Arc::new(AtomicUsize::new(0));
    let data = Bytes::from_owner(Counted {
        data: vec![fill; len],
        drops: drops.clone(),
    });
    (data, drops)
}

#[test]
fn a_large_bytes_travels_through_inproc_without_a_copy() {
    let ctx = Context::new();
    let (a, b) = pair(&ctx, "bytes-zero-copy");
    for len in [34, 64 * 1024, 1024 * 1024] {
        let payload = Bytes::from(vec![0xA5; len]);
        let sent_at = payload.as_ptr();
        a.send(payload.clone(), 0).unwrap();
        wait_readable(&b);
        let received = b.recv_bytes_shared(DONTWAIT).unwrap();
        assert_eq!(received.len(), len);
        assert_eq!(received, payload);
        assert_eq!(
            received.as_ptr(),
            sent_at,
            "{len} bytes: the receiver sees the sender's buffer"
        );
    }
}

#[test]
fn small_frames_are_copied_both_ways() {
    let ctx = Context::new();
    let (a, b) = pair(&ctx, "bytes-small");
    for len in [0, 1, 33] {
        let payload = Bytes::from(vec![7; len]);
        let msg = Message::from(payload.clone());
        assert_eq!(&msg[..], &payload[..]);
        if len > 0 {
            assert_ne!(msg.as_ptr(), payload.as_ptr(), "{len} bytes are copied");
        }
        a.send(msg, 0).unwrap();
        wait_readable(&b);
        assert_eq!(b.recv_bytes_shared(DONTWAIT).unwrap(), payload);
    }
}

#[test]
fn a_sent_buffer_is_dropped_exactly_once_after_the_receiver_is_done() {
    let ctx = Context::new();
    let (a, b) = pair(&ctx, "bytes-drop-once");
    let (payload, drops) = counted(4096, 1);
    let sent_at = payload.as_ptr();
    a.send(payload, 0).unwrap();
    wait_readable(&b);
    let received = b.recv_bytes_shared(DONTWAIT).unwrap();
    assert_eq!(received.as_ptr(), sent_at);
    let clone = received.slice(10..20);
    drop(received);
    assert_eq!(drops.load(Ordering::SeqCst), 0, "a slice still holds it");
    assert_eq!(&clone[..], &[1; 10]);
    drop(clone);
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}

#[test]
fn one_buffer_sent_twice_is_dropped_once_after_both_messages() {
    let ctx = Context::new();
    let (a, b) = pair(&ctx, "bytes-twice");
    let (payload, drops) = counted(1000, 2);
    a.send(&payload, 0).unwrap(); // `&Bytes` sends a clone: a second handle, no copy
    a.send(payload, 0).unwrap();
    wait_readable(&b);
    let first = b.recv_msg(DONTWAIT).unwrap();
    wait_readable(&b);
    let second = b.recv_msg(DONTWAIT).unwrap();
    assert_eq!(first.as_ptr(), second.as_ptr());
    drop(first);
    assert_eq!(drops.load(Ordering::SeqCst), 0);
    drop(second);
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}

#[test]
fn a_failed_send_drops_the_buffer_once() {
    let ctx = Context::new();
    let push = ctx.socket(zmq::PUSH).unwrap();
    let (payload, drops) = counted(100, 3);
    // Nobody is connected: a non-blocking send cannot complete.
    assert_eq!(push.send(payload, DONTWAIT), Err(zmq::Error::EAGAIN));
    assert_eq!(drops.load(Ordering::SeqCst), 1);

    // `send_message` keeps the message on failure; dropping it frees the buffer once.
    let (payload, drops) = counted(100, 4);
    let mut msg = Message::from(payload);
    assert_eq!(
        push.send_message(&mut msg, DONTWAIT),
        Err(zmq::Error::EAGAIN)
    );
    assert_eq!(&msg[..], &[4; 100]);
    assert_eq!(drops.load(Ordering::SeqCst), 0);
    drop(msg);
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}

#[test]
fn a_message_becomes_bytes_that_keep_it_alive() {
    let msg = Message::from(vec![9u8; 500]);
    let data_at = msg.as_ptr();
    let bytes = Bytes::from(msg);
    assert_eq!(bytes.as_ptr(), data_at, "no copy");
    let moved = std::thread::spawn(move || bytes).join().unwrap();
    assert_eq!(&moved[..], &[9; 500][..]);
}

#[test]
fn bytes_mut_and_multipart() {
    let ctx = Context::new();
    let (a, b) = pair(&ctx, "bytes-multipart");
    let mut head = BytesMut::with_capacity(64);
    head.extend_from_slice(&[5; 40]);
    let head_at = head.as_ptr();
    a.send_multipart(
        [
            Message::from(head),
            Message::from(Bytes::from_static(b"tail")),
        ],
        0,
    )
    .unwrap();
    wait_readable(&b);
    let parts = b.recv_multipart_bytes_shared(DONTWAIT).unwrap();
    assert_eq!(parts.len(), 2);
    assert_eq!(&parts[0][..], &[5; 40]);
    assert_eq!(parts[0].as_ptr(), head_at);
    assert_eq!(&parts[1][..], b"tail");
}

#[test]
fn bytes_over_tcp_arrive_intact() {
    let ctx = Context::new();
    let server = ctx.socket(zmq::PULL).unwrap();
    server.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = server.get_last_endpoint().unwrap().unwrap();
    let client = ctx.socket(zmq::PUSH).unwrap();
    client.connect(&endpoint).unwrap();
    let (payload, drops) = counted(256 * 1024, 6);
    let expected = payload.clone();
    client.send(payload, 0).unwrap();
    wait_readable(&server);
    let received = server.recv_bytes_shared(DONTWAIT).unwrap();
    assert_eq!(received, expected);
    drop(expected);
    // Once the context is gone, libzmq's I/O thread has let go of the buffer: dropped once.
    drop((client, server, received));
    let mut ctx = ctx;
    ctx.destroy().unwrap();
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}
