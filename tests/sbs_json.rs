//! Side by side with pyzmq: `send_json`/`recv_json` against pyzmq's `send_json`/`recv_json`
//! in both directions, the exact bytes pyzmq sends, and pyzmq sending malformed JSON.

#[path = "common/py.rs"]
mod py;
#[path = "common/sbs.rs"]
mod sbs;

use py::{values, PyProc};
use serde::Deserialize;
use serde_json::{json, Value};

/// Values with nested objects, unicode (keys too, and above U+FFFF), numbers at the edges of
/// i64/u64, floats, lists, null and booleans.
fn samples() -> Vec<Value> {
    vec![
        json!({"name": "größe ☃ 😀", "count": 3, "ratio": 0.25, "tags": ["a", "b"], "ok": true}),
        json!({"outer": {"inner": {"list": [1, [2, [3, []]], {}], "none": null}},
               "ключ": "значение"}),
        json!([i64::MAX, i64::MIN, u64::MAX, 1e-7, -2.5e300, 0]),
        json!("just a string with \"quotes\", a tab\t and a newline\n"),
        json!(42),
        json!({"emoji key 🎉": [true, false, null], "empty": {}, "e": 1.5e10}),
    ]
}

#[test]
fn rust_send_json_to_python_recv_json_and_back() {
    let samples = samples();
    let count = samples.len().to_string();
    let mut echo = PyProc::spawn("json_peer.py", &["--role", "echo", "--count", &count]);
    let endpoint = echo.ready();

    let ctx = zmq::Context::new();
    let req = sbs::socket(&ctx, zmq::REQ);
    req.connect(&endpoint).unwrap();
    for value in &samples {
        req.send_json(value, 0).unwrap();
        // pyzmq's recv_json decoded our text and its send_json re-encoded it: we read back
        // the same value.
        let back: Value = req.recv_json(0).unwrap();
        assert_eq!(&back, value);
    }
    let lines = echo.finish_ok();
    // What Python itself decoded, printed by the script, is the value we sent.
    let got = values(&lines, "GOT ");
    assert_eq!(got.len(), samples.len());
    for (text, value) in got.iter().zip(&samples) {
        let python_saw: Value = serde_json::from_str(text).unwrap();
        assert_eq!(&python_saw, value, "as Python decoded it");
    }
}

/// The first message json_peer.py's sender sends, as Rust types.
#[derive(Deserialize, Debug, PartialEq)]
struct First {
    name: String,
    count: u32,
    ratio: f64,
    tags: Vec<String>,
    ok: bool,
}

/// A shape the malformed `{"name": 5}` does not fit.
#[derive(Deserialize, Debug, PartialEq)]
struct Named {
    name: String,
}

#[test]
fn python_send_json_to_rust_recv_json_with_malformed_messages() {
    let ctx = zmq::Context::new();
    let pull = sbs::socket(&ctx, zmq::PULL);
    let endpoint = sbs::bind(&pull, "tcp://127.0.0.1:*");
    let mut sender = PyProc::spawn("json_peer.py", &["--role", "send", "--connect", &endpoint]);

    // The exact bytes pyzmq's send_json puts on the wire: Python's json.dumps defaults, i.e.
    // ", " and ": " separators and non-ASCII escaped (a surrogate pair above U+FFFF).
    let raw = pull.recv_bytes(0).unwrap();
    assert_eq!(
        String::from_utf8(raw.clone()).unwrap(),
        r#"{"name": "gr\u00f6\u00dfe \u2603 \ud83d\ude00", "count": 3, "ratio": 0.25, "tags": ["a", "b"], "ok": true}"#
    );
    // ... which serde_json decodes, into a typed struct too.
    let first: First = serde_json::from_slice(&raw).unwrap();
    assert_eq!(
        first,
        First {
            name: "größe ☃ 😀".into(),
            count: 3,
            ratio: 0.25,
            tags: vec!["a".into(), "b".into()],
            ok: true,
        }
    );

    // The other samples through recv_json.
    let nested: Value = pull.recv_json(0).unwrap();
    assert_eq!(nested, samples()[1]);
    let numbers: (i64, i64, u64, f64, f64, i32) = pull.recv_json(0).unwrap();
    assert_eq!(numbers, (i64::MAX, i64::MIN, u64::MAX, 1e-7, -2.5e300, 0));
    let text: String = pull.recv_json(0).unwrap();
    assert_eq!(
        text,
        "just a string with \"quotes\", a tab\t and a newline\n"
    );
    let number: u8 = pull.recv_json(0).unwrap();
    assert_eq!(number, 42);

    // Malformed messages: each an error that holds what arrived, none a panic.
    let err = pull.recv_json::<Value>(0).unwrap_err();
    assert!(
        matches!(&err, zmq::JsonError::Json { error, .. } if error.is_eof()),
        "{err:?}"
    );
    assert_eq!(err.frames(), [b"{\"unterminated\": [1, 2".to_vec()]);

    let err = pull.recv_json::<Value>(0).unwrap_err();
    assert!(matches!(err, zmq::JsonError::NotUtf8 { .. }), "{err:?}");
    assert_eq!(err.into_frames(), [b"\xff\xfe not utf-8".to_vec()]);

    let err = pull.recv_json::<Value>(0).unwrap_err();
    assert!(matches!(err, zmq::JsonError::Multipart { .. }), "{err:?}");
    assert_eq!(
        err.into_frames(),
        [b"{\"part\": 1}".to_vec(), b"{\"part\": 2}".to_vec()]
    );

    // Python writes NaN for a float NaN, which is not JSON.
    let err = pull.recv_json::<Value>(0).unwrap_err();
    assert!(
        matches!(&err, zmq::JsonError::Json { error, .. } if error.is_syntax()),
        "{err:?}"
    );
    assert_eq!(err.frames(), [b"{\"value\": NaN}".to_vec()]);

    // JSON, but not the shape asked for.
    let err = pull.recv_json::<Named>(0).unwrap_err();
    assert!(
        matches!(&err, zmq::JsonError::Json { error, .. } if error.is_data()),
        "{err:?}"
    );
    assert_eq!(err.frames(), [b"{\"name\": 5}".to_vec()]);
    let io: std::io::Error = err.into();
    assert_eq!(io.kind(), std::io::ErrorKind::InvalidData);

    // The stream goes on: the message after the malformed ones arrives intact.
    let end: Value = pull.recv_json(0).unwrap();
    assert_eq!(end, json!({"end": true}));
    let lines = sender.finish_ok();
    assert_eq!(values(&lines, "SENT "), ["11"]);
}
