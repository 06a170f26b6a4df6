//! `zmq::SocketOptions` (feature `serde`): generated from the option table, read from TOML,
//! JSON and YAML, applied to sockets in one call, read back for logging with secrets hidden.

mod common;

use std::collections::BTreeSet;

use serde_json::{json, Value};
use zmq::SocketOptions;

/// The key of a table row's field: its setter's name without `set_`.
fn key(row: &zmq::OptionInfo) -> Option<&'static str> {
    row.setter.map(|s| s.strip_prefix("set_").unwrap_or(s))
}

/// A value of the right form for a row's kind, as JSON.
fn sample(kind: &str) -> Value {
    match kind {
        "bool" => json!(true),
        "bytes" | "cstr" | "ocstr" | "obin" => json!("x"),
        "key" => json!("Z1%cwfpF3s:zd=w8(6zh@:mNM>!ii&qxBszB7Z}T"),
        _ => json!(1),
    }
}

#[test]
fn every_settable_option_in_the_table_is_a_field() {
    let mut keys = BTreeSet::new();
    for row in zmq::SOCKET_OPTIONS {
        let Some(key) = key(row) else { continue };
        let doc = json!({ key: sample(row.kind) });
        let parsed = serde_json::from_value::<SocketOptions>(doc.clone());
        if row.draft && !cfg!(zmq_draft) {
            let err = parsed.unwrap_err().to_string();
            assert!(
                err.contains(&format!("unknown socket option `{key}`")),
                "{err}"
            );
            continue;
        }
        let opts = parsed.unwrap_or_else(|e| panic!("{} ({key}): {e}", row.name));
        // The field holds the value: it is written back, and only it.
        assert_eq!(serde_json::to_value(&opts).unwrap(), doc, "{}", row.name);
        assert_ne!(opts, SocketOptions::default());
        keys.insert(key);
    }
    // Read-only options have no field.
    for row in zmq::SOCKET_OPTIONS.iter().filter(|r| r.setter.is_none()) {
        let getter = row.getter.unwrap();
        let name = getter.trim_start_matches("get_").trim_start_matches("is_");
        assert!(!keys.contains(name), "{}", row.name);
        let doc = json!({ name: 1 });
        assert!(serde_json::from_value::<SocketOptions>(doc).is_err());
    }
    // DRAFT options are fields exactly when the linked libzmq has the DRAFT API.
    assert_eq!(keys.contains("hello_msg"), cfg!(zmq_draft));
    assert_eq!(Some(cfg!(zmq_draft)), zmq::has("draft"));
    // A sanity floor: libzmq 4.3.5 has over 70 settable stable options.
    assert!(keys.len() > 70, "{}", keys.len());
}

#[test]
fn unknown_keys_are_rejected_in_every_format_naming_the_key() {
    let toml_err = toml::from_str::<SocketOptions>("sndhwm = 1\nsndhvm = 2\n").unwrap_err();
    assert!(
        toml_err
            .to_string()
            .contains("unknown socket option `sndhvm`"),
        "{toml_err}"
    );
    let json_err = serde_json::from_str::<SocketOptions>(r#"{"rcvtimeout": 5}"#).unwrap_err();
    assert!(
        json_err
            .to_string()
            .contains("unknown socket option `rcvtimeout`"),
        "{json_err}"
    );
    let yaml_err =
        serde_yaml_ng::from_str::<SocketOptions>("linger: 0\nZMQ_LINGER: 0\n").unwrap_err();
    assert!(
        yaml_err
            .to_string()
            .contains("unknown socket option `ZMQ_LINGER`"),
        "{yaml_err}"
    );
    // A value of the wrong type is an error too.
    assert!(serde_json::from_str::<SocketOptions>(r#"{"sndhwm": "many"}"#).is_err());
    assert!(serde_json::from_str::<SocketOptions>(r#"{"immediate": 1}"#).is_err());
}

#[test]
fn two_keys_for_one_libzmq_option_are_rejected() {
    let err =
        toml::from_str::<SocketOptions>("identity = \"a\"\nrouting_id = \"b\"\n").unwrap_err();
    assert!(
        err.to_string()
            .contains("ZMQ_ROUTING_ID given twice (as `identity` and `routing_id`)"),
        "{err}"
    );
}

/// Options of every value form, as a user would fill them in code.
fn populated() -> SocketOptions {
    let mut o = SocketOptions::default();
    o.sndhwm = Some(5000);
    o.rcvhwm = Some(0);
    o.linger = Some(-1);
    o.rcvtimeo = Some(1500);
    o.maxmsgsize = Some(1 << 40);
    o.affinity = Some(u64::MAX);
    o.immediate = Some(true);
    o.ipv6 = Some(false);
    o.routing_id = Some(vec![0xff, 0, 7]); // not UTF-8: written as a list of bytes
    o.subscribe = Some(b"topic/".to_vec());
    o.zap_domain = Some("global ☃".into());
    o.socks_proxy = Some("127.0.0.1:1080".into());
    o.curve_serverkey = Some("Z1%cwfpF3s:zd=w8(6zh@:mNM>!ii&qxBszB7Z}T".into());
    o
}

#[test]
fn round_trips_through_toml_json_and_yaml() {
    let opts = populated();

    let text = toml::to_string(&opts).unwrap();
    assert!(text.contains("sndhwm = 5000"), "{text}");
    assert!(text.contains("subscribe = \"topic/\""), "{text}");
    assert!(
        text.contains("routing_id = [\n    255,\n    0,\n    7,\n]")
            || text.contains("routing_id = [255, 0, 7]"),
        "{text}"
    );
    assert_eq!(toml::from_str::<SocketOptions>(&text).unwrap(), opts);

    let text = serde_json::to_string(&opts).unwrap();
    assert!(
        text.starts_with(r#"{"affinity":18446744073709551615,"routing_id":[255,0,7],"#),
        "{text}"
    );
    assert_eq!(serde_json::from_str::<SocketOptions>(&text).unwrap(), opts);

    let text = serde_yaml_ng::to_string(&opts).unwrap();
    assert!(text.contains("zap_domain: global ☃"), "{text}");
    assert_eq!(
        serde_yaml_ng::from_str::<SocketOptions>(&text).unwrap(),
        opts
    );

    // Hand-written forms: bytes as text or as a list, in each format.
    let yaml = "routing_id: [104, 105]\nsubscribe: news\nlinger: 0\n";
    let from_yaml = serde_yaml_ng::from_str::<SocketOptions>(yaml).unwrap();
    assert_eq!(from_yaml.routing_id.as_deref(), Some(&b"hi"[..]));
    assert_eq!(from_yaml.subscribe.as_deref(), Some(&b"news"[..]));
    assert_eq!(from_yaml.linger, Some(0));
    assert_eq!(from_yaml.sndhwm, None);

    // Nothing set: an empty map.
    assert_eq!(
        serde_json::to_string(&SocketOptions::default()).unwrap(),
        "{}"
    );
    assert_eq!(toml::to_string(&SocketOptions::default()).unwrap(), "");
}

#[test]
fn a_refused_value_names_the_option_the_value_and_what_was_applied() {
    let ctx = zmq::Context::new();
    let socket = ctx.socket(zmq::DEALER).unwrap();
    let opts: SocketOptions =
        toml::from_str("sndhwm = 10\nlinger = 0\nrcvhwm = -5\nrcvtimeo = 100\n").unwrap();
    let err = socket.apply_options(&opts).unwrap_err();
    assert_eq!(err.option, "rcvhwm");
    assert_eq!(err.zmq_name, "ZMQ_RCVHWM");
    assert_eq!(err.value, "-5");
    assert_eq!(err.error, zmq::Error::EINVAL);
    assert_eq!(err.zmq_error(), zmq::Error::EINVAL);
    // Applied in table (libzmq id) order: LINGER (17) and SNDHWM (23) before RCVHWM (24).
    assert_eq!(err.applied, ["linger", "sndhwm"]);
    assert_eq!(
        err.to_string(),
        format!(
            "socket option `rcvhwm` (ZMQ_RCVHWM) = -5 refused: {}; applied before it: linger, sndhwm",
            zmq::Error::EINVAL
        )
    );
    // What was applied stays applied; what comes after was not.
    assert_eq!(socket.get_sndhwm().unwrap(), 10);
    assert_eq!(socket.get_linger().unwrap(), 0);
    assert_eq!(socket.get_rcvhwm().unwrap(), 1000);
    assert_eq!(socket.get_rcvtimeo().unwrap(), -1);

    let io: std::io::Error = err.clone().into();
    assert_eq!(io.kind(), std::io::Error::from(zmq::Error::EINVAL).kind());
    assert!(io.to_string().contains("rcvhwm"));
    assert_eq!(zmq::Error::from(err), zmq::Error::EINVAL);

    // A refused secret is not shown; a text value is quoted.
    let mut secret = SocketOptions::default();
    secret.curve_secretkey = Some("this is not forty characters of Z85".into());
    let err = secret.apply_to(&socket).unwrap_err();
    assert_eq!(
        (err.option, err.value.as_str()),
        ("curve_secretkey", "<redacted>")
    );
    assert!(err.applied.is_empty());
    assert!(err.to_string().ends_with("no option was applied before it"));
    let mut text = SocketOptions::default();
    text.zap_domain = Some(String::new());
    let err = text.apply_to(&socket).unwrap_err();
    assert_eq!((err.option, err.value.as_str()), ("zap_domain", "\"\""));
}

#[test]
fn read_from_gives_back_what_was_applied_and_never_prints_secrets() {
    let ctx = zmq::Context::new();
    let socket = ctx.socket(zmq::DEALER).unwrap();
    let keys = zmq::CurveKeyPair::new().unwrap();
    let secret_z85 = zmq::z85_encode(&keys.secret_key).unwrap();
    let public_z85 = zmq::z85_encode(&keys.public_key).unwrap();
    let mut opts = populated();
    opts.curve_serverkey = None;
    opts.subscribe = None; // set-only (and DEALER has no subscriptions)
    opts.curve_server = Some(true);
    opts.curve_publickey = Some(public_z85.clone());
    opts.curve_secretkey = Some(secret_z85.clone());
    opts.plain_password = None;
    socket.apply_options(&opts).unwrap();

    let back = SocketOptions::read_from(&socket).unwrap();
    assert_eq!(back.sndhwm, Some(5000));
    assert_eq!(back.rcvhwm, Some(0));
    assert_eq!(back.linger, Some(-1));
    assert_eq!(back.rcvtimeo, Some(1500));
    assert_eq!(back.maxmsgsize, Some(1 << 40));
    assert_eq!(back.affinity, Some(u64::MAX));
    assert_eq!(back.immediate, Some(true));
    assert_eq!(back.ipv6, Some(false));
    assert_eq!(back.zap_domain.as_deref(), Some("global ☃"));
    assert_eq!(back.socks_proxy.as_deref(), Some("127.0.0.1:1080"));
    assert_eq!(back.curve_server, Some(true));
    assert_eq!(back.curve_publickey.as_deref(), Some(public_z85.as_str()));
    assert_eq!(back.curve_secretkey.as_deref(), Some(secret_z85.as_str()));
    // Of the two fields for ZMQ_ROUTING_ID only `routing_id` is filled.
    assert_eq!(back.routing_id.as_deref(), Some(&[0xff, 0, 7][..]));
    assert_eq!(back.identity, None);
    // Untouched options read back as libzmq's defaults.
    assert_eq!(back.sndtimeo, Some(-1));
    assert_eq!(back.backlog, Some(100));
    // Write-only and unreadable options stay None.
    assert_eq!(back.subscribe, None);
    assert_eq!(back.router_mandatory, None);
    assert_eq!(back.req_relaxed, None);

    // Logging it shows values, but not the secret key.
    let debug = format!("{back:?}");
    let display = back.to_string();
    for shown in [&debug, &display] {
        assert!(!shown.contains(&secret_z85), "{shown}");
        assert!(shown.contains(&public_z85), "{shown}");
    }
    assert!(debug.contains("curve_secretkey: <redacted>"), "{debug}");
    assert!(debug.starts_with("SocketOptions { "), "{debug}");
    assert!(display.contains("curve_secretkey=<redacted>"), "{display}");
    assert!(display.contains("sndhwm=5000"), "{display}");
    assert_eq!(
        format!("{:?}", SocketOptions::default()),
        "SocketOptions {}"
    );
    assert_eq!(SocketOptions::default().to_string(), "");

    // Every secret-looking option is redacted, whatever its value.
    let mut all = SocketOptions::default();
    all.plain_password = Some("hunter2".into());
    all.curve_secretkey = Some(secret_z85.clone());
    all.plain_username = Some("admin".into());
    let shown = format!("{all:?} {all}");
    assert!(
        !shown.contains("hunter2") && !shown.contains(&secret_z85),
        "{shown}"
    );
    assert!(shown.contains("admin"), "{shown}");

    // The read-back serializes and parses again (e.g. to log it as JSON).
    let text = serde_json::to_string(&back).unwrap();
    assert_eq!(serde_json::from_str::<SocketOptions>(&text).unwrap(), back);
}

/// A unique file in the temporary directory, removed when dropped.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn new(name: &str, contents: &str) -> TempFile {
        let path = std::env::temp_dir().join(format!("zmq-opts-{}-{name}", std::process::id()));
        std::fs::write(&path, contents).unwrap();
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn a_toml_file_with_hwms_timeouts_and_curve_makes_a_working_curve_server() {
    let server_keys = zmq::CurveKeyPair::new().unwrap();
    let client_keys = zmq::CurveKeyPair::new().unwrap();
    let z85 = |k: &[u8; 32]| zmq::z85_encode(k).unwrap();

    let server_file = TempFile::new(
        "server.toml",
        &format!(
            "# a REP server speaking CURVE\n\
             sndhwm = 200\n\
             rcvhwm = 300\n\
             linger = 0\n\
             rcvtimeo = 5000\n\
             sndtimeo = 5000\n\
             handshake_ivl = 4000\n\
             curve_server = true\n\
             curve_secretkey = \"{}\"\n",
            z85(&server_keys.secret_key)
        ),
    );
    let client_file = TempFile::new(
        "client.toml",
        &format!(
            "linger = 0\nrcvtimeo = 5000\nsndtimeo = 5000\n\
             curve_serverkey = \"{}\"\ncurve_publickey = \"{}\"\ncurve_secretkey = \"{}\"\n",
            z85(&server_keys.public_key),
            z85(&client_keys.public_key),
            z85(&client_keys.secret_key)
        ),
    );
    let read = |f: &TempFile| -> SocketOptions {
        toml::from_str(&std::fs::read_to_string(&f.0).unwrap()).unwrap()
    };
    let (server_opts, client_opts) = (read(&server_file), read(&client_file));

    let ctx = zmq::Context::new();
    let server = ctx.socket(zmq::REP).unwrap();
    server.apply_options(&server_opts).unwrap();
    server.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = server.get_last_endpoint().unwrap().unwrap();
    let client = ctx.socket(zmq::REQ).unwrap();
    client_opts.apply_to(&client).unwrap();
    client.connect(&endpoint).unwrap();

    assert_eq!(server.get_mechanism().unwrap(), zmq::Mechanism::ZMQ_CURVE);
    assert!(server.is_curve_server().unwrap());
    assert_eq!(server.get_sndhwm().unwrap(), 200);
    assert_eq!(server.get_rcvhwm().unwrap(), 300);
    assert_eq!(server.get_handshake_ivl().unwrap(), 4000);
    assert_eq!(client.get_mechanism().unwrap(), zmq::Mechanism::ZMQ_CURVE);
    assert!(!client.is_curve_server().unwrap());

    client.send("hello over curve", 0).unwrap();
    assert_eq!(server.recv_bytes(0).unwrap(), b"hello over curve");
    server.send("welcome", 0).unwrap();
    assert_eq!(client.recv_bytes(0).unwrap(), b"welcome");

    // The handshake really is CURVE: a client that trusts another server key gets nowhere.
    let mut wrong = client_opts.clone();
    wrong.curve_serverkey = Some(z85(&client_keys.public_key));
    wrong.rcvtimeo = Some(300);
    let stranger = ctx.socket(zmq::REQ).unwrap();
    stranger.apply_options(&wrong).unwrap();
    stranger.connect(&endpoint).unwrap();
    stranger.send("let me in", 0).unwrap();
    assert_eq!(stranger.recv_bytes(0), Err(zmq::Error::EAGAIN));
}
