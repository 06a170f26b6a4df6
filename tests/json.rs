//! `Socket::send_json` / `recv_json` in one process: the wire text, typed round trips, and
//! every malformed message an error that keeps the frames (feature `serde`).

mod common;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Reading {
    sensor: String,
    values: Vec<f64>,
    meta: BTreeMap<String, Option<i64>>,
}

fn push_pull(name: &str) -> (zmq::Context, zmq::Socket, zmq::Socket) {
    let ctx = zmq::Context::new();
    let endpoint = common::inproc(name);
    let pull = common::socket(&ctx, zmq::PULL);
    pull.bind(&endpoint).unwrap();
    let push = common::socket(&ctx, zmq::PUSH);
    push.connect(&endpoint).unwrap();
    (ctx, push, pull)
}

#[test]
fn typed_round_trip_and_compact_utf8_on_the_wire() {
    let (_ctx, push, pull) = push_pull("json-typed");
    let reading = Reading {
        sensor: "Außen ☀".into(),
        values: vec![1.5, -0.25],
        meta: [("a".to_owned(), Some(-3)), ("b".to_owned(), None)].into(),
    };
    push.send_json(&reading, 0).unwrap();
    // One frame of compact JSON, non-ASCII as raw UTF-8.
    let frame = pull.recv_multipart(0).unwrap();
    assert_eq!(
        frame,
        [
            r#"{"sensor":"Außen ☀","values":[1.5,-0.25],"meta":{"a":-3,"b":null}}"#
                .as_bytes()
                .to_vec()
        ]
    );
    push.send_json(&reading, 0).unwrap();
    assert_eq!(pull.recv_json::<Reading>(0).unwrap(), reading);
    // Unsized values work too.
    push.send_json("text", 0).unwrap();
    push.send_json(&[1, 2, 3][..], 0).unwrap();
    assert_eq!(pull.recv_json::<String>(0).unwrap(), "text");
    assert_eq!(pull.recv_json::<Vec<u8>>(0).unwrap(), [1, 2, 3]);
    // Not-a-number and infinities have no JSON form: serde_json writes null.
    push.send_json(&[f64::NAN, f64::INFINITY], 0).unwrap();
    assert_eq!(pull.recv_bytes(0).unwrap(), b"[null,null]");
}

#[test]
fn malformed_frames_are_errors_that_keep_the_bytes() {
    let (_ctx, push, pull) = push_pull("json-malformed");
    push.send(&b"\xc3\x28"[..], 0).unwrap();
    push.send("[1, 2,", 0).unwrap();
    push.send("{\"sensor\": 1}", 0).unwrap();
    push.send("", 0).unwrap();
    push.send_multipart(["{}", "[]", "3"], 0).unwrap();
    push.send_json(&json!({"after": "all that"}), 0).unwrap();

    match pull.recv_json::<Value>(0) {
        Err(zmq::JsonError::NotUtf8 { frame, error }) => {
            assert_eq!(frame, b"\xc3\x28");
            assert_eq!(error.valid_up_to(), 0);
        }
        other => panic!("expected NotUtf8, got {other:?}"),
    }
    let err = pull.recv_json::<Value>(0).unwrap_err();
    assert!(matches!(&err, zmq::JsonError::Json { error, .. } if error.is_eof()));
    assert_eq!(err.frames(), [b"[1, 2,".to_vec()]);
    assert_eq!(err.zmq_error(), None);

    let err = pull.recv_json::<Reading>(0).unwrap_err();
    assert!(matches!(&err, zmq::JsonError::Json { error, .. } if error.is_data()));
    assert!(err.to_string().contains("invalid type"), "{err}");
    assert_eq!(err.into_frames(), [b"{\"sensor\": 1}".to_vec()]);

    let err = pull.recv_json::<Value>(0).unwrap_err();
    assert_eq!(err.frames(), [Vec::<u8>::new()]);

    let err = pull.recv_json::<Value>(0).unwrap_err();
    assert!(matches!(err, zmq::JsonError::Multipart { .. }));
    assert_eq!(
        err.to_string(),
        "received a message of 3 frames where one JSON frame was expected"
    );
    assert_eq!(
        err.into_frames(),
        [b"{}".to_vec(), b"[]".to_vec(), b"3".to_vec()]
    );
    // Nothing was lost and nothing is left over: the next message is the next one sent.
    assert_eq!(
        pull.recv_json::<Value>(0).unwrap(),
        json!({"after": "all that"})
    );
}

#[test]
fn socket_errors_come_through_as_zmq_errors() {
    let (_ctx, _push, pull) = push_pull("json-eagain");
    let err = pull.recv_json::<Value>(zmq::DONTWAIT).unwrap_err();
    assert_eq!(err.zmq_error(), Some(zmq::Error::EAGAIN));
    assert!(err.frames().is_empty());
    let io: std::io::Error = err.into();
    assert_eq!(io.kind(), std::io::ErrorKind::WouldBlock);

    // A REP socket may not send first: EFSM, as for `send`.
    let ctx = zmq::Context::new();
    let rep = ctx.socket(zmq::REP).unwrap();
    let err = rep.send_json(&1, 0).unwrap_err();
    assert_eq!(err.zmq_error(), Some(zmq::Error::EFSM));
}

#[test]
fn a_value_serde_json_cannot_write_is_an_encode_error_and_nothing_is_sent() {
    let (_ctx, push, pull) = push_pull("json-encode");
    // JSON object keys must be strings.
    let map: BTreeMap<(i32, i32), i32> = [((1, 2), 3)].into();
    let err = push.send_json(&map, 0).unwrap_err();
    assert!(matches!(err, zmq::JsonError::Encode(_)), "{err:?}");
    let io: std::io::Error = err.into();
    assert_eq!(io.kind(), std::io::ErrorKind::InvalidInput);
    assert_eq!(
        pull.recv_bytes(zmq::DONTWAIT),
        Err(zmq::Error::EAGAIN),
        "nothing was sent"
    );
}
