//! Turns zmq-sys's link metadata (`DEP_ZMQ_*`) into cfgs and env vars for this crate:
//! - `cfg(zmq_draft)`: the linked libzmq has the DRAFT API, so DRAFT socket types, options and
//!   functions are compiled in (and only then: a non-DRAFT system library still links);
//! - `ZMQ_LINK_MODE` / `ZMQ_LINK_VERSION` (for `env!`): `system` or `vendored`, and the
//!   version the build found.

use std::env;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(zmq_draft)");
    for var in [
        "DEP_ZMQ_DRAFT",
        "DEP_ZMQ_CURVE",
        "DEP_ZMQ_MODE",
        "DEP_ZMQ_VERSION",
    ] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    println!("cargo:rerun-if-changed=build.rs");

    let flag = |name: &str| env::var(name).map(|v| v == "1").unwrap_or(false);
    if flag("DEP_ZMQ_DRAFT") {
        println!("cargo:rustc-cfg=zmq_draft");
    }
    let mode = env::var("DEP_ZMQ_MODE").unwrap_or_else(|_| "unknown".into());
    let version = env::var("DEP_ZMQ_VERSION").unwrap_or_else(|_| "unknown".into());
    println!("cargo:rustc-env=ZMQ_LINK_MODE={mode}");
    println!("cargo:rustc-env=ZMQ_LINK_VERSION={version}");
}
