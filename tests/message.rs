//! Messages: construction, conversions, equality, Debug, properties, copy-on-write.

mod common;
use common::{bound_pair, inproc, socket};

#[test]
fn constructors() {
    let empty = zmq::Message::new();
    assert_eq!(empty.len(), 0);
    assert_eq!(&empty[..], b"");
    let zeros = zmq::Message::with_size(16);
    assert_eq!(&zeros[..], &[0u8; 16]);
    #[allow(deprecated)]
    {
        assert_eq!(zmq::Message::with_capacity(3).len(), 3);
        assert_eq!(&zmq::Message::from_slice(b"abc")[..], b"abc");
    }
    assert_eq!(zmq::Message::default().len(), 0);
}

#[test]
fn conversions_agree() {
    let bytes = b"some bytes".to_vec();
    let from_vec = zmq::Message::from(bytes.clone());
    let from_ref_vec = zmq::Message::from(&bytes);
    let from_slice = zmq::Message::from(&bytes[..]);
    let from_box = zmq::Message::from(bytes.clone().into_boxed_slice());
    let from_str = zmq::Message::from("some bytes");
    let from_string = zmq::Message::from(&String::from("some bytes"));
    for m in [
        &from_ref_vec,
        &from_slice,
        &from_box,
        &from_str,
        &from_string,
    ] {
        assert_eq!(*m, from_vec);
    }
    assert_ne!(from_vec, zmq::Message::from("other"));
    assert_eq!(zmq::Message::from(Vec::new()).len(), 0);
    assert_eq!(zmq::Message::from(Vec::<u8>::with_capacity(64)).len(), 0);
    assert_eq!(zmq::Message::from(Box::<[u8]>::default()).len(), 0);
}

#[test]
fn debug_is_a_byte_list_and_as_str_checks_utf8() {
    let msg = zmq::Message::from("foo");
    assert_eq!(format!("{msg:?}"), "[102, 111, 111]");
    assert_eq!(msg.as_str(), Some("foo"));
    assert_eq!(zmq::Message::from(&[0xffu8, 0xb7][..]).as_str(), None);
}

#[test]
fn deref_mut_writes_the_frame() {
    let mut msg = zmq::Message::with_size(4);
    msg.copy_from_slice(b"abcd");
    msg[0] = b'z';
    assert_eq!(&msg[..], b"zbcd");
}

#[test]
fn zero_copy_vec_keeps_its_buffer() {
    let mut v = Vec::with_capacity(4096);
    v.extend_from_slice(&[7u8; 100]);
    let ptr = v.as_ptr();
    let msg = zmq::Message::from(v);
    assert_eq!(
        msg.as_ptr(),
        ptr,
        "the Vec's buffer is used as it is, without a copy"
    );
    assert_eq!(msg.len(), 100);
    let boxed: Box<[u8]> = vec![1u8; 1000].into_boxed_slice();
    let ptr = boxed.as_ptr();
    let msg = zmq::Message::from(boxed);
    assert_eq!(msg.as_ptr(), ptr);
}

#[test]
fn zero_copy_message_survives_the_send() {
    let ctx = zmq::Context::new();
    let (pull, push) = bound_pair(&ctx, zmq::PULL, zmq::PUSH);
    let payload: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
    push.send(payload.clone(), 0).unwrap();
    assert_eq!(pull.recv_bytes(0).unwrap(), payload);
}

#[test]
fn recv_variants() {
    let ctx = zmq::Context::new();
    let (pull, push) = bound_pair(&ctx, zmq::PULL, zmq::PUSH);
    push.send("a longer frame than the buffer", 0).unwrap();
    let mut buf = [0u8; 10];
    assert_eq!(pull.recv_into(&mut buf, 0).unwrap(), 30);
    assert_eq!(&buf, b"a longer f");

    push.send(&[0xffu8, 0xb7][..], 0).unwrap();
    assert_eq!(pull.recv_string(0).unwrap(), Err(vec![0xff, 0xb7]));
    push.send("bäz", 0).unwrap();
    assert_eq!(pull.recv_string(0).unwrap(), Ok("bäz".to_string()));

    let mut reused = zmq::Message::from("old content");
    push.send("new", 0).unwrap();
    pull.recv(&mut reused, 0).unwrap();
    assert_eq!(&reused[..], b"new");
}

#[test]
fn multipart_more_flags() {
    let ctx = zmq::Context::new();
    let (pull, push) = bound_pair(&ctx, zmq::PULL, zmq::PUSH);
    push.send("first", zmq::SNDMORE).unwrap();
    push.send("last", 0).unwrap();
    let first = pull.recv_msg(0).unwrap();
    assert!(first.get_more());
    assert!(pull.get_rcvmore().unwrap());
    let last = pull.recv_msg(0).unwrap();
    assert!(!last.get_more());
    assert!(!pull.get_rcvmore().unwrap());

    // The borrowed form is what 0.10 users write; it must keep compiling.
    #[allow(clippy::needless_borrows_for_generic_args)]
    push.send_multipart(&["foo", "bar"], 0).unwrap();
    assert_eq!(
        pull.recv_multipart(0).unwrap(),
        [b"foo".to_vec(), b"bar".to_vec()]
    );
    push.send_multipart(vec![vec![1u8], vec![], vec![2u8, 3]], 0)
        .unwrap();
    let msgs = pull.recv_multipart_msgs(0).unwrap();
    assert_eq!(msgs.len(), 3);
    assert!(msgs[1].is_empty());
    // An empty iterator sends nothing.
    push.send_multipart(Vec::<Vec<u8>>::new(), 0).unwrap();
    assert_eq!(pull.recv_bytes(zmq::DONTWAIT), Err(zmq::Error::EAGAIN));
}

#[test]
fn properties_of_received_frames() {
    let ctx = zmq::Context::new();
    let (rep, req) = bound_pair(&ctx, zmq::REP, zmq::REQ);
    req.send("hi", 0).unwrap();
    let mut msg = rep.recv_msg(0).unwrap();
    assert_eq!(msg.gets("Socket-Type"), Some("REQ"));
    assert_eq!(msg.gets("Peer-Address"), Some("127.0.0.1"));
    assert_eq!(msg.gets("No-Such-Property"), None);
    assert_eq!(msg.gets("Socket\0Type"), None);
    assert_eq!(msg.property("Socket\0Type"), Err(zmq::Error::EINVAL));
    assert_eq!(msg.property("Socket-Type"), Ok(Some(&b"REQ"[..])));
    assert_eq!(msg.property("User-Id"), Ok(None));
}

/// A PUB over inproc with two SUBs subscribed to everything: libzmq shares the buffer of each
/// large published frame between the two receivers.
fn publisher_with_two_subscribers(
    ctx: &zmq::Context,
    name: &str,
) -> (zmq::Socket, Vec<zmq::Socket>) {
    let publisher = socket(ctx, zmq::PUB);
    let endpoint = inproc(name);
    publisher.bind(&endpoint).unwrap();
    let subs = (0..2)
        .map(|_| {
            let s = socket(ctx, zmq::SUB);
            s.set_subscribe(b"").unwrap();
            s.connect(&endpoint).unwrap();
            s
        })
        .collect();
    (publisher, subs)
}

#[test]
fn shared_frames_are_copied_before_writing() {
    // One large frame published to two inproc subscribers shares one buffer in libzmq.
    let ctx = zmq::Context::new();
    let (publisher, subs) = publisher_with_two_subscribers(&ctx, "cow");
    publisher.send(vec![b'x'; 4096], 0).unwrap();
    let mut first = subs[0].recv_msg(0).unwrap();
    let second = subs[1].recv_msg(0).unwrap();
    first[0] = b'y';
    assert_eq!(first[0], b'y');
    assert_eq!(
        second[0], b'x',
        "writing one received frame must not change another"
    );
}

#[test]
fn message_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<zmq::Message>();
}

/// A user type that is not `Into<Message>` but knows how to send itself (0.10 allowed this).
struct Twice(&'static str);

impl zmq::Sendable for Twice {
    fn send(self, socket: &zmq::Socket, flags: i32) -> zmq::Result<()> {
        socket.send(self.0, flags | zmq::SNDMORE)?;
        socket.send(self.0, flags)
    }
}

#[test]
fn every_send_form() {
    let ctx = zmq::Context::new();
    let (pull, push) = bound_pair(&ctx, zmq::PULL, zmq::PUSH);
    let owned = String::from("string ref");
    let vec = b"vec ref".to_vec();
    push.send(&b"slice"[..], 0).unwrap();
    push.send("str", 0).unwrap();
    push.send(&owned, 0).unwrap();
    push.send(&vec, 0).unwrap();
    push.send(vec.clone(), 0).unwrap();
    push.send(zmq::Message::from("message"), 0).unwrap();
    #[allow(deprecated)]
    {
        push.send_msg(zmq::Message::from("send_msg"), 0).unwrap();
        push.send_str("send_str", 0).unwrap();
    }
    push.send_with("typed", zmq::SendFlags::empty()).unwrap();
    push.send_with("typed more", zmq::SendFlags::SNDMORE)
        .unwrap();
    push.send_with("typed last", zmq::SendFlags::DONTWAIT)
        .unwrap();
    push.send(Twice("user type"), 0).unwrap();

    let expect: [&[u8]; 9] = [
        b"slice",
        b"str",
        b"string ref",
        b"vec ref",
        b"vec ref",
        b"message",
        b"send_msg",
        b"send_str",
        b"typed",
    ];
    for e in expect {
        assert_eq!(pull.recv_bytes(0).unwrap(), e);
    }
    assert_eq!(
        pull.recv_multipart(0).unwrap(),
        [b"typed more".to_vec(), b"typed last".to_vec()]
    );
    let msg = pull.recv_msg_with(zmq::RecvFlags::empty()).unwrap();
    assert_eq!((&msg[..], msg.get_more()), (&b"user type"[..], true));
    assert_eq!(pull.recv_bytes(0).unwrap(), b"user type");
    assert_eq!(
        pull.recv_msg_with(zmq::RecvFlags::DONTWAIT),
        Err(zmq::Error::EAGAIN)
    );
    assert_eq!(zmq::SendFlags::DONTWAIT.bits(), zmq::DONTWAIT);
    assert_eq!(zmq::SendFlags::SNDMORE.bits(), zmq::SNDMORE);
}

#[test]
fn raw_message_pointer_works_with_zmq_sys() {
    let mut msg = zmq::Message::from("raw");
    // SAFETY: the pointer is to the live, initialised message owned by `msg`.
    let size = unsafe { zmq_sys::zmq_msg_size(msg.as_zmq_msg_ptr()) };
    assert_eq!(size, 3);
    // `as_mut_ptr` stays the data pointer, as in zmq 0.10.
    assert_eq!(msg.as_mut_ptr() as *const u8, msg[..].as_ptr());
}

#[test]
fn copy_on_write_keeps_the_more_flag_and_metadata() {
    // Two inproc subscribers share the frames of one published message.
    let ctx = zmq::Context::new();
    let (publisher, subs) = publisher_with_two_subscribers(&ctx, "cow-more");
    publisher.send(vec![b'h'; 100], zmq::SNDMORE).unwrap();
    publisher.send("tail", 0).unwrap();

    let mut head = subs[0].recv_msg(0).unwrap();
    assert!(head.get_more());
    let socket_type = head.gets("Socket-Type").map(str::to_owned);
    head[0] = b'!'; // copy-on-write
    assert_eq!(head[0], b'!');
    assert!(head.get_more(), "the copy still says more frames follow");
    assert_eq!(head.gets("Socket-Type").map(str::to_owned), socket_type);
    assert_eq!(subs[0].recv_bytes(0).unwrap(), b"tail");

    // Receiving into the copied message replaces everything, flags included.
    publisher.send("single", 0).unwrap();
    subs[0].recv(&mut head, 0).unwrap();
    assert_eq!(&head[..], b"single");
    assert!(!head.get_more());

    let other = subs[1].recv_msg(0).unwrap();
    assert_eq!(other[0], b'h');
    assert!(other.get_more());
}

#[test]
fn a_failed_recv_leaves_no_trace_of_the_previous_frame() {
    let ctx = zmq::Context::new();
    let (pull, push) = bound_pair(&ctx, zmq::PULL, zmq::PUSH);
    push.send("head", zmq::SNDMORE).unwrap();
    push.send("tail", 0).unwrap();
    let mut msg = zmq::Message::new();
    pull.recv(&mut msg, 0).unwrap();
    assert!(msg.get_more());
    assert_eq!(msg.gets("Socket-Type"), Some("PUSH"));

    // A REQ socket refuses to receive before it sent (EFSM) without touching the message in
    // libzmq; the message must still not answer for the frame it held before.
    let req = socket(&ctx, zmq::REQ);
    assert_eq!(req.recv(&mut msg, zmq::DONTWAIT), Err(zmq::Error::EFSM));
    assert!(!msg.get_more(), "a failed recv keeps the old more flag");
    assert_eq!(msg.gets("Socket-Type"), None);
    assert!(msg.is_empty());
    assert_eq!(pull.recv_bytes(0).unwrap(), b"tail");
}

#[test]
fn a_failed_recv_into_a_copied_frame_forgets_its_origin() {
    // Copy-on-write keeps the received frame's flags; an EAGAIN afterwards must drop them.
    let ctx = zmq::Context::new();
    let (publisher, subs) = publisher_with_two_subscribers(&ctx, "cow-eagain");
    publisher.send(vec![b'h'; 100], zmq::SNDMORE).unwrap();
    publisher.send("tail", 0).unwrap();
    let mut head = subs[0].recv_msg(0).unwrap();
    head[0] = b'!'; // copy-on-write
    assert!(head.get_more());
    assert_eq!(subs[0].recv_bytes(0).unwrap(), b"tail");
    assert_eq!(
        subs[0].recv(&mut head, zmq::DONTWAIT),
        Err(zmq::Error::EAGAIN)
    );
    assert!(!head.get_more(), "EAGAIN kept the copied frame's more flag");
    assert_eq!(head.gets("Socket-Type"), None);
}
