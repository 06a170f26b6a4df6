#![no_main]
//! Monitor events: `MonitorEvent::from_frames` and `MonitorEvent::decode` with arbitrary
//! frames. `Ok` or `Err(EPROTO)`, never a panic; every accessor of an `Ok` answers.
//!
//! Input: `[frame count][length][frame]...` for `decode`; the first two frames also go to
//! `from_frames`.

use libfuzzer_sys::fuzz_target;

mod common;

fn check(event: &zmq::MonitorEvent, first: &[u8], second: &[u8]) {
    // The decoding is the documented one: u16 event and u32 value, native byte order.
    assert_eq!(first.len(), 6, "accepted a first frame that is not 6 bytes");
    assert_eq!(event.raw_event(), u16::from_ne_bytes([first[0], first[1]]));
    assert_eq!(
        event.value(),
        u32::from_ne_bytes([first[2], first[3], first[4], first[5]])
    );
    assert_eq!(event.endpoint(), second);
    assert_eq!(event.endpoint_str(), std::str::from_utf8(second).ok());
    if let Some(known) = event.event() {
        assert_eq!(known.to_raw(), event.raw_event());
    }
    let _ = std::hint::black_box((
        event.error(),
        event.protocol_error(),
        event.retry_interval(),
        format!("{event:?}"),
        event.clone() == *event,
    ));
}

fuzz_target!(|data: &[u8]| {
    let mut input = common::Reader::new(data);
    let count = usize::from(input.u8() % 5);
    let frames: Vec<&[u8]> = (0..count).map(|_| input.chunk()).collect();

    let first = frames.first().copied().unwrap_or_default();
    let second = frames.get(1).copied().unwrap_or_default();
    match zmq::MonitorEvent::from_frames(first, second) {
        Ok(event) => check(&event, first, second),
        Err(e) => assert_eq!(e, zmq::Error::EPROTO),
    }

    let messages: Vec<zmq::Message> = frames.iter().map(|f| zmq::Message::from(*f)).collect();
    match zmq::MonitorEvent::decode(&messages) {
        Ok(event) => {
            assert_eq!(frames.len(), 2, "decode accepted {} frames", frames.len());
            check(&event, first, second);
        }
        Err(e) => assert_eq!(e, zmq::Error::EPROTO),
    }

    // Any raw event number maps to a known event or none, and back.
    let raw = u16::from_ne_bytes([
        first.first().copied().unwrap_or(0),
        second.first().copied().unwrap_or(0),
    ]);
    if let Ok(event) = zmq::SocketEvent::try_from(raw) {
        assert_eq!(event.to_raw(), raw);
    }
    let _ = zmq::SocketEvent::from_raw(raw);
    let _ = zmq::ProtocolError::try_from(u32::from(raw) | (u32::from(raw) << 16));
});
