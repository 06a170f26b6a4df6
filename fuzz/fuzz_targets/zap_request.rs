#![no_main]
//! ZAP (RFC 27) messages as a handler receives and sends them: `ZapRequest::parse` and
//! `ZapReply::parse` with any frames, and `IpRange` parsing of the address. `Ok` or `Err`,
//! never a panic; what parses writes back to frames that parse to the same value.
//!
//! Input: `[frame count][length][frame]...`; the address frame (index 3) also goes to
//! `IpRange::from_str`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use libfuzzer_sys::fuzz_target;
use zmq::auth::{IpRange, ZapReply, ZapRequest};

mod common;

fuzz_target!(|data: &[u8]| {
    let mut input = common::Reader::new(data);
    let count = usize::from(input.u8() % 10);
    let frames: Vec<&[u8]> = (0..count).map(|_| input.chunk()).collect();

    if let Ok(request) = ZapRequest::parse(&frames) {
        let _ = format!("{request:?}");
        let again = ZapRequest::parse(&request.to_frames())
            .unwrap_or_else(|e| panic!("{request:?} does not read back: {e}"));
        assert_eq!(again, request, "request frames do not read back");
    }

    if let Ok(reply) = ZapReply::parse(&frames) {
        let _ = format!("{reply:?}");
        let _ = reply.verdict.is_allowed();
        let out = reply
            .to_frames()
            .unwrap_or_else(|e| panic!("{reply:?} cannot be written: {e}"));
        let again =
            ZapReply::parse(&out).unwrap_or_else(|e| panic!("{reply:?} does not read back: {e}"));
        assert_eq!(again, reply, "reply frames do not read back");
    }

    let address = String::from_utf8_lossy(frames.get(3).copied().unwrap_or_default());
    if let Ok(range) = address.parse::<IpRange>() {
        let shown = range.to_string();
        let again: IpRange = shown.parse().unwrap_or_else(|e| panic!("{shown:?}: {e}"));
        assert_eq!(again, range, "{shown:?} does not read back");
        for ip in [
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V4(Ipv4Addr::new(10, 1, 2, 3)),
            IpAddr::V6(Ipv6Addr::LOCALHOST),
            IpAddr::V6(Ipv4Addr::new(10, 1, 2, 3).to_ipv6_mapped()),
        ] {
            let _ = range.contains(ip);
        }
    }
});
