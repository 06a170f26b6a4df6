//! Which libzmq the build linked, checked against what the build script said it linked.

use std::process::Command;

/// `system`, `vendored`: what zmq-sys's build script decided (its `DEP_ZMQ_MODE`).
const MODE: &str = env!("ZMQ_LINK_MODE");
/// The version the build script found (pkg-config's, `ZMQ_SYS_INCLUDE_DIR`'s zmq.h's, or the
/// vendored zmq.h's).
const BUILD_VERSION: &str = env!("ZMQ_LINK_VERSION");
/// How the build script found it: `pkg-config`, `lib-dir` (`ZMQ_SYS_LIB_DIR`) or `vendored`.
const ORIGIN: &str = env!("ZMQ_LINK_ORIGIN");
/// `dynamic` or `static`.
const LINKAGE: &str = env!("ZMQ_LINK_LINKAGE");

fn runtime_version() -> String {
    let (major, minor, patch) = zmq::version();
    format!("{major}.{minor}.{patch}")
}

/// Whether a shared libzmq is mapped into this process.
fn shared_libzmq_mapped() -> bool {
    let maps = std::fs::read_to_string("/proc/self/maps").expect("read /proc/self/maps");
    maps.lines().any(|l| l.contains("/libzmq.so"))
}

#[test]
fn runtime_version_is_the_one_the_build_linked() {
    assert_eq!(runtime_version(), BUILD_VERSION, "link mode {MODE}");
}

#[test]
fn the_link_mode_is_the_one_ci_asked_for() {
    // CI sets ZMQ_TEST_EXPECT_MODE for each of its two runs, so a run that silently fell
    // back to the other mode fails here.
    if let Ok(expected) = std::env::var("ZMQ_TEST_EXPECT_MODE") {
        assert_eq!(MODE, expected);
    }
    assert!(
        MODE == "system" || MODE == "vendored",
        "unexpected mode {MODE}"
    );
}

#[test]
fn vendored_build_is_4_3_5_with_curve_and_static() {
    if MODE != "vendored" {
        return;
    }
    assert_eq!(zmq::version(), (4, 3, 5));
    assert_eq!(
        zmq::has("curve"),
        Some(true),
        "vendored build must have CURVE"
    );
    assert!(zmq::has_capability("ipc"));
    assert!(
        !shared_libzmq_mapped(),
        "vendored libzmq must be linked statically"
    );
    // A real CURVE key pair proves libsodium is linked in, not only compiled against.
    assert!(zmq::CurveKeyPair::new().is_ok());
}

#[test]
fn the_origin_and_linkage_match_the_mode() {
    match MODE {
        "vendored" => assert_eq!((ORIGIN, LINKAGE), ("vendored", "static")),
        _ => assert!(
            ORIGIN == "pkg-config" || ORIGIN == "lib-dir",
            "origin {ORIGIN}"
        ),
    }
    // CI's ZMQ_SYS_LIB_DIR step says which it asked for, so a build that quietly went
    // through pkg-config instead fails here.
    if let Ok(expected) = std::env::var("ZMQ_TEST_EXPECT_ORIGIN") {
        assert_eq!(ORIGIN, expected);
    }
    assert_eq!(
        shared_libzmq_mapped(),
        LINKAGE == "dynamic",
        "linkage {LINKAGE} (origin {ORIGIN})"
    );
}

#[test]
fn system_build_links_the_shared_system_library() {
    if MODE != "system" || ORIGIN != "pkg-config" {
        return;
    }
    assert!(
        shared_libzmq_mapped(),
        "system libzmq must be linked dynamically"
    );
    let out = Command::new("pkg-config")
        .args(["--modversion", "libzmq"])
        .output()
        .expect("pkg-config must be runnable when the build linked the system libzmq");
    assert!(
        out.status.success(),
        "pkg-config --modversion libzmq failed"
    );
    let pkg_version = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_eq!(runtime_version(), pkg_version);
}

#[test]
fn draft_feature_gives_the_draft_api() {
    if !cfg!(feature = "draft") {
        return;
    }
    assert_eq!(
        MODE, "vendored",
        "feature `draft` builds the vendored libzmq"
    );
    assert_eq!(zmq::has("draft"), Some(true));
    assert_eq!(zmq::version(), (4, 3, 5));
}

#[test]
fn library_check_passes() {
    assert_eq!(zmq::check_library(), Ok(()));
}

#[test]
fn has_always_answers_some() {
    assert_eq!(zmq::has("ipc"), Some(true));
    assert_eq!(zmq::has("surely-not-a-capability"), Some(false));
    assert_eq!(zmq::has("cu\0rve"), Some(false));
    assert!(zmq::has("gssapi").is_some());
}
