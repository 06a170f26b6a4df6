#![no_main]
//! CURVE certificates in ZPL text (`zmq::auth::Certificate::parse`): any text is `Ok` or
//! `Err`, never a panic; a certificate that parses writes out as text that parses back to the
//! same certificate (public text to its public part, secret text to the whole).

use libfuzzer_sys::fuzz_target;
use zmq::auth::Certificate;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(cert) = Certificate::parse(&text) else {
        return;
    };
    let _ = std::hint::black_box((
        format!("{cert:?}"),
        cert.public_key_z85(),
        cert.secret_key_z85(),
        cert.keypair(),
        cert.metadata().len(),
    ));
    for (name, value) in cert.metadata() {
        assert!(
            cert.get_metadata(name).is_some(),
            "metadata {name:?} = {value:?} not found"
        );
    }
    let public = Certificate::parse(&cert.to_public_text())
        .unwrap_or_else(|e| panic!("public text of {cert:?} does not parse: {e}"));
    assert_eq!(public, cert.public_part(), "public text does not read back");
    if let Some(secret_text) = cert.to_secret_text() {
        let secret = Certificate::parse(&secret_text)
            .unwrap_or_else(|e| panic!("secret text of {cert:?} does not parse: {e}"));
        assert!(secret == cert, "secret text does not read back");
    }
});
