//! Turns zmq-sys's link metadata (`DEP_ZMQ_*`) into cfgs and env vars for this crate:
//! - `cfg(zmq_draft)`: the linked libzmq has the DRAFT API, so DRAFT socket types, options and
//!   functions are compiled in (and only then: a non-DRAFT system library still links);
//! - `cfg(zmq_curve_public)`: the linked libzmq is 4.2.1 or newer and so has
//!   `zmq_curve_public`; below that `CurveKeyPair::from_secret_key` never references it (a
//!   4.1 library still links) and returns `Err(ENOTSUP)`;
//! - `cfg(zmq_timers)`: the linked libzmq has `zmq_timers_*` (stable since 4.3.0, DRAFT in
//!   4.2), so `zmq::timers` is compiled in;
//! - `ZMQ_LINK_MODE` / `ZMQ_LINK_VERSION` (for `env!`): `system` or `vendored`, and the
//!   version the build found;
//! - `ZMQ_LINK_ORIGIN` / `ZMQ_LINK_LINKAGE` (for `env!`): how it was found (`pkg-config`,
//!   `lib-dir` for `ZMQ_SYS_LIB_DIR`, `vendored`) and how it is linked (`dynamic`/`static`);
//! - `ZMQ_LINK_INCLUDE` / `ZMQ_LINK_LIBDIR` / `ZMQ_LINK_SODIUM_LIBDIR` (for `env!`, empty
//!   when unknown): zmq.h's directory, the directory of the libzmq linked (the vendored static
//!   one) and of the vendored libsodium, so the zmq_perf bench can build its C column against
//!   the same library.

use std::env;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(zmq_draft)");
    println!("cargo::rustc-check-cfg=cfg(zmq_curve_public)");
    println!("cargo::rustc-check-cfg=cfg(zmq_timers)");
    for var in [
        "DEP_ZMQ_DRAFT",
        "DEP_ZMQ_CURVE",
        "DEP_ZMQ_MODE",
        "DEP_ZMQ_ORIGIN",
        "DEP_ZMQ_LINKAGE",
        "DEP_ZMQ_VERSION",
        "DEP_ZMQ_INCLUDE",
        "DEP_ZMQ_LIBDIR",
        "DEP_ZMQ_SODIUM_LIBDIR",
    ] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    println!("cargo:rerun-if-changed=build.rs");

    let flag = |name: &str| env::var(name).map(|v| v == "1").unwrap_or(false);
    if flag("DEP_ZMQ_DRAFT") {
        println!("cargo:rustc-cfg=zmq_draft");
    }
    let linked = env::var("DEP_ZMQ_VERSION")
        .ok()
        .and_then(|v| parse_version(&v));
    if linked.is_some_and(|v| v >= (4, 2, 1)) {
        println!("cargo:rustc-cfg=zmq_curve_public");
    }
    // The timers came in 4.2.0 as DRAFT and became stable in 4.3.0.
    if linked.is_some_and(|v| v >= (4, 3, 0) || (v >= (4, 2, 0) && flag("DEP_ZMQ_DRAFT"))) {
        println!("cargo:rustc-cfg=zmq_timers");
    }
    let mode = env::var("DEP_ZMQ_MODE").unwrap_or_else(|_| "unknown".into());
    let version = env::var("DEP_ZMQ_VERSION").unwrap_or_else(|_| "unknown".into());
    println!("cargo:rustc-env=ZMQ_LINK_MODE={mode}");
    println!("cargo:rustc-env=ZMQ_LINK_VERSION={version}");
    for (from, to) in [
        ("DEP_ZMQ_ORIGIN", "ZMQ_LINK_ORIGIN"),
        ("DEP_ZMQ_LINKAGE", "ZMQ_LINK_LINKAGE"),
        ("DEP_ZMQ_INCLUDE", "ZMQ_LINK_INCLUDE"),
        ("DEP_ZMQ_LIBDIR", "ZMQ_LINK_LIBDIR"),
        ("DEP_ZMQ_SODIUM_LIBDIR", "ZMQ_LINK_SODIUM_LIBDIR"),
    ] {
        let dir = env::var(from).unwrap_or_default();
        println!("cargo:rustc-env={to}={dir}");
    }
}

/// `"4.3.5"` (or `"4.2"`) as `(4, 3, 5)`; `None` when it is not a version.
fn parse_version(text: &str) -> Option<(u32, u32, u32)> {
    let mut parts = text.trim().split('.').map(|p| p.parse::<u32>().ok());
    let major = parts.next()??;
    let minor = parts.next().unwrap_or(Some(0))?;
    let patch = parts.next().unwrap_or(Some(0))?;
    Some((major, minor, patch))
}
