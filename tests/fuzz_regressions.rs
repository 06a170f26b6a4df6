//! Inputs the fuzz targets in `fuzz/` found the crate getting wrong, one test each (the fix is
//! named in the test).

use zmq::auth::{CertError, Certificate};

const PUBLIC_KEY: &str = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID";

/// `certificate` target: a bare (unquoted) metadata value holding both `"` and `'` was read,
/// but no quoting can write it, so the saved certificate failed to load ("text after the
/// closing quote"). `parse` now applies `set_metadata`'s rules and refuses it.
#[test]
fn certificate_metadata_that_cannot_be_written_back_is_refused() {
    let text = format!(
        "metadata\n    email = a'b\"c@example.com\ncurve\n    public-key = \"{PUBLIC_KEY}\"\n"
    );
    let err = Certificate::parse(&text).unwrap_err();
    assert!(
        matches!(&err, CertError::BadMetadata { name, .. } if name == "email"),
        "{err:?}"
    );

    // One kind of quote in a bare value still reads, and what is written reads back the same.
    let text = format!("metadata\n    email = it's\ncurve\n    public-key = \"{PUBLIC_KEY}\"\n");
    let cert = Certificate::parse(&text).unwrap();
    assert_eq!(cert.get_metadata("email"), Some("it's"));
    assert_eq!(Certificate::parse(&cert.to_public_text()).unwrap(), cert);
}
