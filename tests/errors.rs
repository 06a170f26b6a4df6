//! The errno mirror, and the out-of-order REQ/REP calls that must come back as EFSM.

use std::io;

mod common;
use common::bound_pair;

#[test]
fn req_send_twice_is_efsm() {
    let ctx = zmq::Context::new();
    let (rep, req) = bound_pair(&ctx, zmq::REP, zmq::REQ);
    req.send("first", 0).unwrap();
    assert_eq!(req.send("second", 0), Err(zmq::Error::EFSM));
    // The socket is still usable in its correct order.
    assert_eq!(rep.recv_bytes(0).unwrap(), b"first");
    rep.send("answer", 0).unwrap();
    assert_eq!(req.recv_bytes(0).unwrap(), b"answer");
    req.send("third", 0).unwrap();
}

#[test]
fn req_recv_before_send_is_efsm() {
    let ctx = zmq::Context::new();
    let req = ctx.socket(zmq::REQ).unwrap();
    assert_eq!(req.recv_bytes(0), Err(zmq::Error::EFSM));
    let mut msg = zmq::Message::new();
    assert_eq!(req.recv(&mut msg, zmq::DONTWAIT), Err(zmq::Error::EFSM));
}

#[test]
fn rep_send_before_recv_is_efsm() {
    let ctx = zmq::Context::new();
    let rep = ctx.socket(zmq::REP).unwrap();
    let err = rep.send("too early", 0).unwrap_err();
    assert_eq!(err, zmq::Error::EFSM);
    // Display, Debug and message() are all libzmq's text, as in zmq 0.10.
    assert_eq!(
        err.message(),
        "Operation cannot be accomplished in current state"
    );
    assert_eq!(err.to_string(), err.message());
    assert_eq!(format!("{err:?}"), err.message());
    assert_eq!(
        format!("{:?}", Some(err)),
        format!("Some({})", err.message())
    );
}

#[test]
fn efsm_is_libzmqs_code() {
    assert_eq!(zmq::Error::EFSM.to_raw(), zmq_sys::errno::EFSM);
    assert_eq!(zmq::Error::EFSM as i32, 156_384_712 + 51);
    assert_eq!(zmq::Error::ETERM.to_raw(), 156_384_712 + 53);
    assert_eq!(
        zmq::Error::from_raw(zmq_sys::errno::EINTR),
        zmq::Error::EINTR
    );
}

#[test]
fn every_variant_round_trips_through_its_errno() {
    for &e in zmq::Error::ALL {
        assert_eq!(e as i32, e.to_raw());
        if e.to_raw() < 0 {
            // A code this platform does not have: a placeholder libzmq never reports.
            assert_eq!(zmq::Error::from_raw(e.to_raw()), zmq::Error::EUNKNOWN);
            continue;
        }
        assert_eq!(zmq::Error::from_raw(e.to_raw()), e, "{}", e.name());
        assert_eq!(e as i32, e.to_raw());
        assert!(!e.message().is_empty());
    }
}

#[test]
fn unknown_codes_never_panic() {
    for raw in [0, -5, 4095, 999_999, i32::MIN, i32::MAX, 156_384_712 + 99] {
        assert_eq!(zmq::Error::from_raw(raw), zmq::Error::EUNKNOWN, "{raw}");
        // The checked form gives the number back instead of losing it.
        assert_eq!(zmq::Error::try_from(raw), Err(raw));
    }
    assert_eq!(zmq::Error::try_from(libc::ENOTDIR), Ok(zmq::Error::ENOTDIR));
    assert_eq!(
        zmq::Error::try_from(zmq_sys::errno::ENOTSUP_ALT),
        Ok(zmq::Error::ENOTSUP)
    );
    // Codes zmq 0.10 panicked on are variants now.
    assert_eq!(
        zmq::Error::from_raw(libc::ECONNRESET),
        zmq::Error::ECONNRESET
    );
    assert_eq!(zmq::Error::from_raw(libc::ETIMEDOUT), zmq::Error::ETIMEDOUT);
    assert_eq!(zmq::Error::from_raw(libc::ENOTDIR), zmq::Error::ENOTDIR);
    assert_eq!(zmq::Error::EUNKNOWN.to_raw(), -1);
    assert_eq!(zmq::Error::EUNKNOWN.to_string(), "Unknown error");
}

#[test]
fn alt_codes_map_to_their_base_variant() {
    use zmq_sys::errno::*;
    let pairs = [
        (ENOTSUP_ALT, zmq::Error::ENOTSUP),
        (EPROTONOSUPPORT_ALT, zmq::Error::EPROTONOSUPPORT),
        (EMSGSIZE_ALT, zmq::Error::EMSGSIZE),
        (ECONNRESET_ALT, zmq::Error::ECONNRESET),
        (ENETRESET_ALT, zmq::Error::ENETRESET),
    ];
    for (raw, e) in pairs {
        assert_eq!(zmq::Error::from_raw(raw), e);
    }
}

#[test]
fn messages_are_libzmqs() {
    assert_eq!(
        zmq::Error::EAGAIN.message(),
        "Resource temporarily unavailable"
    );
    assert_eq!(zmq::Error::ETERM.message(), "Context was terminated");
    assert_eq!(
        zmq::Error::ENOCOMPATPROTO.message(),
        "The protocol is not compatible with the socket type"
    );
    assert_eq!(zmq::Error::EMTHREAD.message(), "No thread available");
    assert_eq!(zmq::Error::EINVAL.message(), "Invalid argument");
}

#[test]
fn io_error_conversion() {
    let cases = [
        (zmq::Error::ENOENT, io::ErrorKind::NotFound),
        (zmq::Error::EACCES, io::ErrorKind::PermissionDenied),
        (zmq::Error::ECONNREFUSED, io::ErrorKind::ConnectionRefused),
        (zmq::Error::ENOTCONN, io::ErrorKind::NotConnected),
        (zmq::Error::EADDRINUSE, io::ErrorKind::AddrInUse),
        (zmq::Error::EADDRNOTAVAIL, io::ErrorKind::AddrNotAvailable),
        (zmq::Error::EAGAIN, io::ErrorKind::WouldBlock),
        (zmq::Error::EINVAL, io::ErrorKind::InvalidInput),
        (zmq::Error::EINTR, io::ErrorKind::Interrupted),
        (zmq::Error::EFSM, io::ErrorKind::Other),
    ];
    for (e, kind) in cases {
        let io_err = io::Error::from(e);
        assert_eq!(io_err.kind(), kind);
        assert_eq!(io_err.to_string(), e.message());
        let inner = io_err.get_ref().unwrap().downcast_ref::<zmq::Error>();
        assert_eq!(inner, Some(&e));
    }
    fn uses_question_mark() -> io::Result<()> {
        let ctx = zmq::Context::new();
        let s = ctx.socket(zmq::REP)?;
        s.send("x", 0)?;
        Ok(())
    }
    assert_eq!(
        uses_question_mark().unwrap_err().kind(),
        io::ErrorKind::Other
    );
}

#[test]
fn os_errors_pass_through_without_panic() {
    let ctx = zmq::Context::new();
    let s = ctx.socket(zmq::PAIR).unwrap();
    // zmq 0.10 panicked here ("unknown error [20]").
    assert_eq!(s.bind("ipc:///etc/passwd/sock"), Err(zmq::Error::ENOTDIR));
}

#[test]
fn bad_endpoints_are_errors_not_panics() {
    let ctx = zmq::Context::new();
    let s = ctx.socket(zmq::PAIR).unwrap();
    for call in [
        zmq::Socket::bind,
        zmq::Socket::connect,
        zmq::Socket::unbind,
        zmq::Socket::disconnect,
    ] {
        assert_eq!(call(&s, "tcp://127.0.0.1:\0"), Err(zmq::Error::EINVAL));
        assert!(call(&s, "").is_err());
        assert!(call(&s, "nonsense").is_err());
    }
    assert_eq!(s.bind("bogus://x"), Err(zmq::Error::EPROTONOSUPPORT));
    assert_eq!(s.connect("tcp://"), Err(zmq::Error::EINVAL));
    assert_eq!(s.unbind("tcp://127.0.0.1:1"), Err(zmq::Error::ENOENT));
    assert_eq!(s.disconnect("tcp://127.0.0.1:1"), Err(zmq::Error::ENOENT));
    // ENOCOMPATPROTO: a transport the socket type cannot use.
    let radio_like = ctx.socket(zmq::PUB).unwrap();
    assert_eq!(
        radio_like.bind("udp://127.0.0.1:*"),
        Err(zmq::Error::ENOCOMPATPROTO)
    );
}

#[test]
fn eagain_on_nonblocking_miss() {
    let ctx = zmq::Context::new();
    let pull = ctx.socket(zmq::PULL).unwrap();
    assert_eq!(pull.recv_bytes(zmq::DONTWAIT), Err(zmq::Error::EAGAIN));
    let push = ctx.socket(zmq::PUSH).unwrap();
    assert_eq!(push.send("nobody", zmq::DONTWAIT), Err(zmq::Error::EAGAIN));
}

#[test]
fn send_message_keeps_the_message_on_failure() {
    let ctx = zmq::Context::new();
    let push = ctx.socket(zmq::PUSH).unwrap();
    let mut msg = zmq::Message::from("keep me");
    assert_eq!(
        push.send_message(&mut msg, zmq::DONTWAIT),
        Err(zmq::Error::EAGAIN)
    );
    assert_eq!(&msg[..], b"keep me");
}

#[test]
#[cfg(any(target_os = "linux", target_os = "macos", target_os = "netbsd"))]
fn every_code_exists_on_this_platform() {
    // Placeholders exist only for Windows, FreeBSD, DragonFly and OpenBSD.
    for &e in zmq::Error::ALL {
        assert!(e.to_raw() > 0, "{}", e.name());
    }
}

/// The codes some platform lacks are variants everywhere, usable in patterns.
#[test]
fn platform_dependent_codes_are_variants_everywhere() {
    fn lacking_somewhere(e: zmq::Error) -> bool {
        matches!(
            e,
            zmq::Error::EDQUOT
                | zmq::Error::EHOSTDOWN
                | zmq::Error::EMULTIHOP
                | zmq::Error::ESTALE
                | zmq::Error::ENODATA
                | zmq::Error::ENOSR
                | zmq::Error::ENOSTR
                | zmq::Error::ETIME
                | zmq::Error::ENOLINK
        )
    }
    let lacking: Vec<_> = zmq::Error::ALL
        .iter()
        .copied()
        .filter(|&e| lacking_somewhere(e))
        .collect();
    assert_eq!(lacking.len(), 9);
    for e in lacking {
        assert!(!format!("{e:?}").is_empty());
        assert!(!e.name().is_empty());
    }
}
