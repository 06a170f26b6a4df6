#![no_main]
//! Messages: every constructor with arbitrary bytes (copying and zero-copy), writes through
//! `DerefMut`, property lookups with arbitrary names (NUL bytes included), and a multipart
//! round trip over an inproc PAIR: what `recv_multipart` returns must be exactly the frames
//! sent.
//!
//! Input: `[mode][frame count][length][frame]...[property name]`.

use std::sync::{Mutex, OnceLock};

use libfuzzer_sys::fuzz_target;

mod common;

/// A connected inproc PAIR, made once: (sender, receiver).
fn pair() -> &'static Mutex<(zmq::Socket, zmq::Socket)> {
    static PAIR: OnceLock<Mutex<(zmq::Socket, zmq::Socket)>> = OnceLock::new();
    PAIR.get_or_init(|| {
        let ctx = common::context();
        let a = ctx.socket(zmq::PAIR).expect("socket");
        let b = ctx.socket(zmq::PAIR).expect("socket");
        b.bind("inproc://fuzz-message").expect("bind");
        a.connect("inproc://fuzz-message").expect("connect");
        Mutex::new((a, b))
    })
}

/// Builds a message from `frame` in the way `mode` picks; its bytes must be `frame`'s.
#[allow(deprecated)]
fn construct(frame: &[u8], mode: u8) -> zmq::Message {
    let msg = match mode % 7 {
        0 => zmq::Message::from(frame.to_vec()),
        1 => zmq::Message::from(frame),
        2 => zmq::Message::from_slice(frame),
        3 => zmq::Message::from(frame.to_vec().into_boxed_slice()),
        4 => {
            // A Vec with spare capacity: zero-copy must free it with its real capacity.
            let mut v = Vec::with_capacity(frame.len() * 2 + 1);
            v.extend_from_slice(frame);
            zmq::Message::from(v)
        }
        5 => {
            let mut m = zmq::Message::with_size(frame.len());
            assert!(m.iter().all(|&b| b == 0), "with_size is not zeroed");
            m.copy_from_slice(frame);
            m
        }
        _ => {
            let mut m = zmq::Message::try_with_size(frame.len()).expect("small size");
            m.copy_from_slice(frame);
            m
        }
    };
    assert_eq!(
        &msg[..],
        frame,
        "constructor {} changed the bytes",
        mode % 7
    );
    msg
}

/// Receives with `DONTWAIT`, trying again until the frames are there. A blocking receive would
/// fail with `EINTR` whenever libFuzzer's timeout alarm (SIGALRM, every few seconds with
/// `-timeout`) lands while it waits, which is no fault of the code under test; a non-blocking
/// one never waits, so never sees it.
fn until_ready<T>(mut receive: impl FnMut() -> zmq::Result<T>) -> T {
    loop {
        match receive() {
            Ok(value) => return value,
            Err(zmq::Error::EAGAIN) => std::thread::yield_now(),
            Err(e) => panic!("receive failed: {e:?}"),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = common::Reader::new(data);
    let mode = input.u8();
    let count = usize::from(input.u8() % 16);
    let frames: Vec<&[u8]> = (0..count).map(|_| input.chunk()).collect();
    let name_bytes = input.rest();
    let name = String::from_utf8_lossy(name_bytes);

    // Text and sizes.
    let text = String::from_utf8_lossy(frames.first().copied().unwrap_or_default()).into_owned();
    assert_eq!(
        zmq::Message::from(text.as_str()).as_str(),
        Some(text.as_str())
    );
    assert_eq!(&zmq::Message::from(&text)[..], text.as_bytes());
    let size = u16::from_le_bytes([mode, count as u8]) as usize;
    assert_eq!(zmq::Message::with_size(size).len(), size);
    // Sizes no allocator gives are refused before libzmq sees them.
    let huge = usize::MAX - usize::from(mode);
    assert_eq!(
        zmq::Message::try_with_size(huge).err(),
        Some(zmq::Error::ENOMEM)
    );

    // Every constructor, a write through DerefMut, and property lookups on a local frame.
    let mut built: Vec<zmq::Message> = Vec::new();
    for (i, frame) in frames.iter().enumerate() {
        let mut msg = construct(frame, mode.wrapping_add(i as u8));
        let copy = msg.to_vec();
        if let Some(first) = msg.first_mut() {
            *first ^= 0xff;
            *first ^= 0xff;
        }
        assert_eq!(&msg[..], &copy[..]);
        assert!(!msg.get_more());
        assert_eq!(msg.property(&name).is_err(), name.contains('\0'));
        let _ = msg.gets(&name);
        built.push(msg);
    }

    // Multipart round trip, without blocking (see `until_ready`).
    let guard = pair().lock().unwrap_or_else(|e| e.into_inner());
    let (sender, receiver) = &*guard;
    let use_msgs = mode & 0x80 != 0;
    if use_msgs {
        sender
            .send_multipart(built, zmq::DONTWAIT)
            .expect("send_multipart");
    } else {
        sender
            .send_multipart(frames.iter().copied(), zmq::DONTWAIT)
            .expect("send_multipart");
    }
    if !frames.is_empty() {
        if mode & 0x40 != 0 {
            let got = until_ready(|| receiver.recv_multipart_msgs(zmq::DONTWAIT));
            assert_eq!(got.len(), frames.len());
            for (i, (mut msg, frame)) in got.into_iter().zip(&frames).enumerate() {
                assert_eq!(&msg[..], *frame);
                assert_eq!(msg.get_more(), i + 1 < frames.len());
                assert_eq!(msg.property(&name).is_err(), name.contains('\0'));
                let _ = msg.gets(&name);
                let _ = msg.gets("Socket-Type");
                // Copy-on-write keeps the flags and properties.
                if let Some(first) = msg.first_mut() {
                    *first = first.wrapping_add(1);
                }
                assert_eq!(msg.get_more(), i + 1 < frames.len());
            }
        } else {
            let got = until_ready(|| receiver.recv_multipart(zmq::DONTWAIT));
            assert_eq!(
                got, frames,
                "recv_multipart did not give back the frames sent"
            );
        }
    }
    // Nothing more than what was sent arrived.
    assert_eq!(
        receiver.recv_bytes(zmq::DONTWAIT).err(),
        Some(zmq::Error::EAGAIN)
    );
});
