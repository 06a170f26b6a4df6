#![no_main]
//! Messages: every constructor with arbitrary bytes (copying and zero-copy), writes through
//! `DerefMut`, property lookups with arbitrary names (NUL bytes included), and a multipart
//! round trip over an inproc PAIR: what `recv_multipart` returns must be exactly the frames
//! sent.
//!
//! Input: `[mode][frame count][length][frame]...[property name]`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use libfuzzer_sys::fuzz_target;

mod common;

/// The connected inproc PAIR of the round trips, (sender, receiver); `None` until the first
/// input, and again after an interrupted call left it mid-message (see [`Interrupted`]).
static PAIR: Mutex<Option<(zmq::Socket, zmq::Socket)>> = Mutex::new(None);

/// A fresh connected PAIR, on an inproc name of its own (a replaced pair's name is released
/// only once libzmq has finished closing it).
fn new_pair() -> (zmq::Socket, zmq::Socket) {
    static MADE: AtomicU64 = AtomicU64::new(0);
    let endpoint = format!(
        "inproc://fuzz-message-{}",
        MADE.fetch_add(1, Ordering::Relaxed)
    );
    let ctx = common::context();
    let a = ctx.socket(zmq::PAIR).expect("socket");
    let b = ctx.socket(zmq::PAIR).expect("socket");
    for socket in [&a, &b] {
        socket.set_linger(0).expect("linger");
    }
    b.bind(&endpoint).expect("bind");
    a.connect(&endpoint).expect("connect");
    (a, b)
}

/// A send or receive failed with `EINTR`: libFuzzer's timeout alarm (SIGALRM, every few
/// seconds with `-timeout`) landed in it. `DONTWAIT` does not rule that out, because libzmq
/// polls its command mailbox at the start of every send and receive, and that poll is
/// interrupted too. It is no fault of the code under test, but a multipart call is left half
/// done (frames sent with `SNDMORE` still open a message, frames of a message still wait), so
/// the pair is replaced and the rest of the input skipped.
struct Interrupted;

/// What a send or receive of the round trip gives, with `EINTR` told apart; any other error
/// is a failure.
fn sent_or_received<T>(what: &str, result: zmq::Result<T>) -> Result<Option<T>, Interrupted> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(zmq::Error::EAGAIN) => Ok(None),
        Err(zmq::Error::EINTR) => Err(Interrupted),
        Err(e) => panic!("{what} failed: {e:?}"),
    }
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
/// fail with `EINTR` whenever libFuzzer's timeout alarm lands while it waits; a non-blocking
/// one waits for nothing, so it sees the alarm only in the rare case of [`Interrupted`].
fn until_ready<T>(mut receive: impl FnMut() -> zmq::Result<T>) -> Result<T, Interrupted> {
    loop {
        match sent_or_received("receive", receive())? {
            Some(value) => return Ok(value),
            None => std::thread::yield_now(),
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
    let mut pair = PAIR.lock().unwrap_or_else(|e| e.into_inner());
    let (sender, receiver) = pair.get_or_insert_with(new_pair);
    if round_trip(sender, receiver, mode, &frames, built, &name).is_err() {
        *pair = None;
    }
});

/// Sends `frames` (as `built` when `mode` says so) and receives them back, checking what
/// arrives; `Err` when libFuzzer's alarm interrupted a call (see [`Interrupted`]).
fn round_trip(
    sender: &zmq::Socket,
    receiver: &zmq::Socket,
    mode: u8,
    frames: &[&[u8]],
    built: Vec<zmq::Message>,
    name: &str,
) -> Result<(), Interrupted> {
    let sent = if mode & 0x80 != 0 {
        sender.send_multipart(built, zmq::DONTWAIT)
    } else {
        sender.send_multipart(frames.iter().copied(), zmq::DONTWAIT)
    };
    // An inproc PAIR with an empty pipe always takes the message.
    sent_or_received("send_multipart", sent)?.expect("send_multipart: EAGAIN");
    if !frames.is_empty() {
        if mode & 0x40 != 0 {
            let got = until_ready(|| receiver.recv_multipart_msgs(zmq::DONTWAIT))?;
            assert_eq!(got.len(), frames.len());
            for (i, (mut msg, frame)) in got.into_iter().zip(frames).enumerate() {
                assert_eq!(&msg[..], *frame);
                assert_eq!(msg.get_more(), i + 1 < frames.len());
                assert_eq!(msg.property(name).is_err(), name.contains('\0'));
                let _ = msg.gets(name);
                let _ = msg.gets("Socket-Type");
                // Copy-on-write keeps the flags and properties.
                if let Some(first) = msg.first_mut() {
                    *first = first.wrapping_add(1);
                }
                assert_eq!(msg.get_more(), i + 1 < frames.len());
            }
        } else {
            let got = until_ready(|| receiver.recv_multipart(zmq::DONTWAIT))?;
            assert_eq!(
                got, frames,
                "recv_multipart did not give back the frames sent"
            );
        }
    }
    // Nothing more than what was sent arrived.
    let more = sent_or_received("the last receive", receiver.recv_bytes(zmq::DONTWAIT))?;
    assert_eq!(more, None, "more arrived than was sent");
    Ok(())
}
