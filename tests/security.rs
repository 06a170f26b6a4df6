//! Z85 encoding, `CurveKeyPair`, and a CURVE-secured exchange.

use zmq::{
    z85_decode, z85_encode, Context, CurveKeyPair, DecodeError, EncodeError, ProtocolError, Socket,
    SocketEvent, DONTWAIT, POLLIN,
};

/// How long a test waits for something that should happen at once.
const WAIT_MS: i64 = 5000;

/// A 40-character Z85 key (the CURVE test vector from libzmq's documentation).
const KEY_Z85: &str = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";

/// CURVE is required in both link modes (the vendored build has it through libsodium, and so
/// does Debian's libzmq); a build without it must fail these tests, not skip them.
fn require_curve() {
    assert_eq!(
        zmq::has("curve"),
        Some(true),
        "the linked libzmq has no CURVE support"
    );
}

#[test]
fn z85_known_vector_and_empty_input() {
    assert_eq!(z85_encode(&[0x86, 0x4F, 0xD2, 0x6F]).unwrap(), "Hello");
    assert_eq!(z85_decode("Hello").unwrap(), [0x86, 0x4F, 0xD2, 0x6F]);
    assert_eq!(z85_encode(&[]).unwrap(), "");
    assert_eq!(z85_decode("").unwrap(), Vec::<u8>::new());
    let eight = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B];
    assert_eq!(z85_encode(&eight).unwrap(), "HelloWorld");
    assert_eq!(z85_decode("HelloWorld").unwrap(), eight);
}

#[test]
fn z85_key_round_trips() {
    let key = z85_decode(KEY_Z85).unwrap();
    assert_eq!(key.len(), 32);
    assert_eq!(z85_encode(&key).unwrap(), KEY_Z85);
}

#[test]
fn z85_length_and_nul_errors() {
    assert!(matches!(z85_decode("/AB8"), Err(DecodeError::BadLength)));
    assert!(matches!(z85_decode("Hello!"), Err(DecodeError::BadLength)));
    assert!(matches!(
        z85_decode("Hell\0"),
        Err(DecodeError::NulError(_))
    ));
    assert!(matches!(
        z85_encode(&[1, 2, 3, 4, 5]),
        Err(EncodeError::BadLength)
    ));
    assert!(matches!(z85_encode(&[1]), Err(EncodeError::BadLength)));
}

#[test]
fn z85_invalid_characters_are_errors_not_zeros() {
    for text in [
        "\"\"\"\"\"", // outside the alphabet
        "~~~~~",      // outside the alphabet
        "Hell ",      // space
        "Hel\u{e9}",  // non-ASCII (5 bytes: "Hel" + 2-byte é)
        "#####",      // all valid characters, but above 0xFFFFFFFF
        "HelloWorl~", // a bad character in the second group
    ] {
        assert!(
            matches!(z85_decode(text), Err(DecodeError::InvalidInput)),
            "{text:?} gave {:?}",
            z85_decode(text)
        );
    }
    // The largest 32-bit value is the last valid group.
    assert_eq!(z85_decode("%nSc0").unwrap(), [0xff, 0xff, 0xff, 0xff]);
    assert!(matches!(
        z85_decode("%nSc1"),
        Err(DecodeError::InvalidInput)
    ));
}

#[test]
fn z85_error_texts_and_traits() {
    assert_eq!(
        EncodeError::BadLength.to_string(),
        "Invalid data length. Should be multiple of 4."
    );
    assert_eq!(
        DecodeError::BadLength.to_string(),
        "Invalid data length. Should be multiple of 5."
    );
    let nul = std::ffi::CString::new("a\0b").unwrap_err();
    let nul_text = nul.to_string();
    let err = DecodeError::from(nul);
    assert_eq!(err.to_string(), format!("Nul byte error: {nul_text}"));
    let utf8 = String::from_utf8(vec![0xff]).unwrap_err();
    let utf8_text = utf8.to_string();
    let err = EncodeError::from(utf8);
    assert_eq!(
        err.to_string(),
        format!("UTF8 conversion error: {utf8_text}")
    );
    assert!(DecodeError::InvalidInput.to_string().contains("Z85"));

    // Both are std errors, usable with `?` into `Box<dyn Error>`.
    fn decode_boxed(text: &str) -> Result<Vec<u8>, Box<dyn std::error::Error + Send + Sync>> {
        Ok(z85_decode(text)?)
    }
    fn encode_boxed(data: &[u8]) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
        Ok(z85_encode(data)?)
    }
    assert!(decode_boxed("abc").is_err());
    assert_eq!(encode_boxed(&[0x86, 0x4F, 0xD2, 0x6F]).unwrap(), "Hello");
}

/// A small deterministic generator (xorshift), so the fuzz loop needs no extra crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn z85_never_panics_and_round_trips() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    // Characters: the alphabet, some outside it, NUL and a multi-byte one.
    let pool: Vec<char> =
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#~ \"\\\0é"
            .chars()
            .collect();
    let mut valid = 0;
    for _ in 0..20_000 {
        let len = (rng.next() % 26) as usize;
        let text: String = (0..len)
            .map(|_| pool[(rng.next() % pool.len() as u64) as usize])
            .collect();
        match z85_decode(&text) {
            Ok(bytes) => {
                valid += 1;
                assert_eq!(bytes.len(), text.len() / 5 * 4);
                assert_eq!(z85_encode(&bytes).unwrap(), text);
            }
            Err(DecodeError::BadLength) => assert_ne!(text.len() % 5, 0),
            Err(DecodeError::NulError(_)) => assert!(text.contains('\0')),
            Err(DecodeError::InvalidInput) => {}
        }

        let data: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        match z85_encode(&data) {
            Ok(text) => assert_eq!(z85_decode(&text).unwrap(), data),
            Err(e) => {
                assert!(matches!(e, EncodeError::BadLength));
                assert_ne!(data.len() % 4, 0);
            }
        }
    }
    assert!(
        valid > 100,
        "the loop must also exercise valid text ({valid})"
    );
}

#[test]
fn curve_keypair_has_32_byte_keys_and_derives_its_public_key() {
    require_curve();
    let pair = CurveKeyPair::new().unwrap();
    assert_eq!(pair.public_key.len(), 32);
    assert_eq!(pair.secret_key.len(), 32);
    assert_ne!(pair.public_key, pair.secret_key);
    let other = CurveKeyPair::new().unwrap();
    assert_ne!(pair.secret_key, other.secret_key);

    let again = CurveKeyPair::from_secret_key(&pair.secret_key).unwrap();
    assert_eq!(again.public_key, pair.public_key);
    assert_eq!(again.secret_key, pair.secret_key);

    assert_eq!(pair.public_key_z85().len(), 40);
    assert_eq!(z85_decode(&pair.public_key_z85()).unwrap(), pair.public_key);
    assert_eq!(z85_decode(&pair.secret_key_z85()).unwrap(), pair.secret_key);

    // A pair built from its fields works the same way.
    let literal = CurveKeyPair {
        public_key: pair.public_key,
        secret_key: pair.secret_key,
    };
    assert_eq!(literal.public_key_z85(), pair.public_key_z85());
}

#[test]
fn curve_keypair_debug_hides_the_secret() {
    require_curve();
    let pair = CurveKeyPair::new().unwrap();
    let debug = format!("{pair:?}");
    assert!(debug.contains(&pair.public_key_z85()), "{debug}");
    assert!(!debug.contains(&pair.secret_key_z85()), "{debug}");
    assert!(
        !debug.contains(&format!("{:?}", pair.secret_key)),
        "{debug}"
    );
    assert!(
        !debug.contains(&format!("{:?}", &pair.secret_key[..4])),
        "{debug}"
    );
    assert!(debug.contains("redacted"), "{debug}");
    let pretty = format!("{pair:#?}");
    assert!(!pretty.contains(&pair.secret_key_z85()), "{pretty}");
}

/// Receives one frame, failing the test instead of blocking forever.
fn recv(socket: &Socket) -> Vec<u8> {
    assert_eq!(
        socket.poll(POLLIN, WAIT_MS).unwrap(),
        1,
        "nothing arrived in time"
    );
    socket.recv_bytes(DONTWAIT).unwrap()
}

/// A CURVE REP server bound to a free tcp port; returns it and its endpoint.
fn curve_server(ctx: &Context, keys: &CurveKeyPair) -> (Socket, String) {
    let server = ctx.socket(zmq::REP).unwrap();
    server.set_linger(0).unwrap();
    server.set_curve_server(true).unwrap();
    server.set_curve_secretkey(&keys.secret_key).unwrap();
    server.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = server.get_last_endpoint().unwrap().unwrap();
    (server, endpoint)
}

fn curve_client(ctx: &Context, keys: &CurveKeyPair, server_public: &[u8; 32]) -> Socket {
    let client = ctx.socket(zmq::REQ).unwrap();
    client.set_linger(0).unwrap();
    client.set_curve_serverkey(server_public).unwrap();
    client.set_curve_publickey(&keys.public_key).unwrap();
    client.set_curve_secretkey(&keys.secret_key).unwrap();
    client
}

#[test]
fn curve_req_rep_exchange() {
    require_curve();
    let server_keys = CurveKeyPair::new().unwrap();
    let client_keys = CurveKeyPair::new().unwrap();
    let ctx = Context::new();
    let (server, endpoint) = curve_server(&ctx, &server_keys);
    assert!(server.is_curve_server().unwrap());
    let client = curve_client(&ctx, &client_keys, &server_keys.public_key);
    client.connect(&endpoint).unwrap();

    client.send("secret question", 0).unwrap();
    assert_eq!(server.poll(POLLIN, WAIT_MS).unwrap(), 1);
    let mut request = server.recv_msg(DONTWAIT).unwrap();
    assert_eq!(&request[..], b"secret question");
    // With no ZAP handler the server learns nothing about the client, but the frame did
    // come over CURVE.
    assert_eq!(request.gets("Socket-Type"), Some("REQ"));
    server.send("secret answer", 0).unwrap();
    assert_eq!(recv(&client), b"secret answer");
    assert_eq!(client.get_mechanism().unwrap(), zmq::Mechanism::ZMQ_CURVE);
}

#[test]
fn curve_with_the_wrong_server_key_fails_the_handshake() {
    require_curve();
    let server_keys = CurveKeyPair::new().unwrap();
    let impostor = CurveKeyPair::new().unwrap();
    let client_keys = CurveKeyPair::new().unwrap();
    let ctx = Context::new();
    let (server, endpoint) = curve_server(&ctx, &server_keys);
    server
        .monitor(
            "inproc://security-wrong-key",
            SocketEvent::HANDSHAKE_FAILED_PROTOCOL as i32,
        )
        .unwrap();
    let monitor = ctx.socket(zmq::PAIR).unwrap();
    monitor.connect("inproc://security-wrong-key").unwrap();

    // The client trusts the wrong server key: the server cannot read its HELLO.
    let client = curve_client(&ctx, &client_keys, &impostor.public_key);
    client.connect(&endpoint).unwrap();
    client.send("let me in", 0).unwrap();

    assert_eq!(monitor.poll(POLLIN, WAIT_MS).unwrap(), 1);
    let event = monitor.recv_monitor_event(DONTWAIT).unwrap();
    assert_eq!(event.event(), Some(SocketEvent::HANDSHAKE_FAILED_PROTOCOL));
    assert_eq!(
        event.protocol_error(),
        Some(ProtocolError::ZMTP_CRYPTOGRAPHIC)
    );
    assert_eq!(event.error(), None);
    assert_eq!(server.poll(POLLIN, 0).unwrap(), 0, "nothing got through");
}

#[test]
fn from_secret_key_accepts_any_32_bytes() {
    require_curve();
    let pair = CurveKeyPair::from_secret_key(&[7u8; 32]).unwrap();
    assert_eq!(pair.secret_key, [7u8; 32]);
    assert_ne!(pair.public_key, [0u8; 32]);
    // Deterministic: the same secret gives the same public key.
    let again = CurveKeyPair::from_secret_key(&[7u8; 32]).unwrap();
    assert_eq!(again.public_key, pair.public_key);
}
