#![no_main]
//! Z85: decoding any text is `Ok` or `Err`, never a panic; encoding then decoding gives the
//! input back.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Arbitrary text (lossy, so every input reaches the decoder).
    let text = String::from_utf8_lossy(data);
    if let Ok(decoded) = zmq::z85_decode(&text) {
        // What decodes is canonical Z85: encoding it again gives the same text.
        let again = zmq::z85_encode(&decoded).expect("decoded length is a multiple of 4");
        assert_eq!(again, text, "decode then encode changed the text");
    }

    // The input as binary: a multiple of 4 must encode, and decode back to itself.
    match zmq::z85_encode(data) {
        Ok(encoded) => {
            assert_eq!(
                data.len() % 4,
                0,
                "encode accepted a length not a multiple of 4"
            );
            assert_eq!(encoded.len(), data.len() / 4 * 5);
            let decoded = zmq::z85_decode(&encoded).expect("our own encoding decodes");
            assert_eq!(decoded, data, "encode then decode changed the bytes");
        }
        Err(_) => assert_ne!(data.len() % 4, 0, "encode refused a multiple-of-4 length"),
    }
});
