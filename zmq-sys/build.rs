//! Decides which libzmq this crate links, and says which with a cargo warning.
//!
//! Order of decision:
//! 0. `ZMQ_SYS_CHECK_ONLY=1` finds, builds and links nothing (see [`check_only`]): for
//!    `cargo check`, `cargo clippy` and `cargo doc` on targets without a C toolchain;
//! 1. an explicit request: feature `vendored` or `ZMQ_SYS_VENDORED=1` builds libzmq 4.3.5 from
//!    source; `ZMQ_SYS_SYSTEM=1` demands the system library and fails clearly without one, and
//!    fails together with feature `draft` (see [`DRAFT_NEEDS_VENDORED`]);
//! 2. feature `draft` builds the vendored library, because a packaged libzmq rarely carries
//!    the DRAFT API;
//! 3. pkg-config `libzmq >= 4.1` links the system library dynamically;
//! 4. otherwise the vendored build, so a fresh machine needs no set-up step.
//!
//! Metadata for dependents (`DEP_ZMQ_*`): `version`, `draft` (0/1), `curve` (0/1), `include`
//! (absent in check-only mode), `mode` (system/vendored/check-only).

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

/// Every environment variable this script reads, echoed with `rerun-if-env-changed`.
const ENV_VARS: &[&str] = &[
    "ZMQ_SYS_VENDORED",
    "ZMQ_SYS_SYSTEM",
    "ZMQ_SYS_CHECK_ONLY",
    "ZMQ_SYS_BINDINGS_OUT",
    "CXXFLAGS",
];

/// Why feature `draft` and `ZMQ_SYS_SYSTEM=1` cannot go together, and what to do. An error,
/// not a warning: cargo shows no warnings of a dependency that is not a path dependency, so a
/// warning would leave the user silently without the DRAFT API they asked for.
const DRAFT_NEEDS_VENDORED: &str = "feature `draft` needs a libzmq built with the DRAFT API, \
     and ZMQ_SYS_SYSTEM=1 demands the system libzmq, which these bindings never use for DRAFT \
     (packaged builds rarely have it, and a DRAFT API other than 4.3.5's would not match the \
     declarations). Either unset ZMQ_SYS_SYSTEM, so the vendored libzmq 4.3.5 is built with \
     DRAFT, or turn off feature `draft` (`cargo tree -e features -i zmq-sys` shows which \
     crate enables it).";

/// The oldest system libzmq we accept.
const MIN_SYSTEM_VERSION: &str = "4.1";

/// What the build found or built.
struct Linked {
    mode: &'static str,
    version: String,
    draft: bool,
    curve: bool,
    /// Where zmq.h is; `None` when nothing was found or built (check-only mode).
    include: Option<PathBuf>,
    /// The directory holding the libzmq linked (the static one of the vendored build), when
    /// known; with the vendored CURVE build also libsodium's. For dependents that build C code
    /// against the same library (the zmq_perf bench's C column).
    libdir: Option<PathBuf>,
    sodium_libdir: Option<PathBuf>,
}

fn main() {
    for var in ENV_VARS {
        println!("cargo:rerun-if-env-changed={var}");
    }
    println!("cargo:rerun-if-changed=build.rs");

    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets this"));
    let draft_feature = env::var_os("CARGO_FEATURE_DRAFT").is_some();
    let vendored_feature = env::var_os("CARGO_FEATURE_VENDORED").is_some();
    let want_vendored = vendored_feature || env_flag("ZMQ_SYS_VENDORED");
    let want_system = env_flag("ZMQ_SYS_SYSTEM");

    if want_vendored && want_system {
        fail(
            "both a vendored and a system libzmq were requested \
             (feature `vendored` or ZMQ_SYS_VENDORED=1, and ZMQ_SYS_SYSTEM=1). \
             Unset one of them.",
        );
    }

    let linked = if env_flag("ZMQ_SYS_CHECK_ONLY") {
        check_only(&manifest_dir, draft_feature)
    } else if want_vendored {
        let why = if vendored_feature {
            "feature `vendored`"
        } else {
            "ZMQ_SYS_VENDORED=1"
        };
        build_vendored(&manifest_dir, draft_feature, why)
    } else if want_system {
        if draft_feature {
            fail(DRAFT_NEEDS_VENDORED);
        }
        match probe_system() {
            Ok(linked) => linked,
            Err(e) => fail(&format!(
                "ZMQ_SYS_SYSTEM=1 demands a system libzmq >= {MIN_SYSTEM_VERSION}, but pkg-config \
                 found none ({e}). Install it (Debian/Ubuntu: `apt-get install libzmq3-dev`; \
                 Fedora: `dnf install zeromq-devel`; macOS: `brew install zeromq`), point \
                 PKG_CONFIG_PATH at its libzmq.pc, or unset ZMQ_SYS_SYSTEM to build the \
                 vendored libzmq 4.3.5 instead."
            )),
        }
    } else if draft_feature {
        build_vendored(&manifest_dir, true, "feature `draft`")
    } else {
        match probe_system() {
            Ok(linked) => linked,
            Err(e) => {
                let why = format!("no system libzmq >= {MIN_SYSTEM_VERSION} found ({e})");
                build_vendored(&manifest_dir, false, &why)
            }
        }
    };

    if env::var_os("ZMQ_SYS_BINDINGS_OUT").is_some() && !cfg!(feature = "bindgen") {
        println!(
            "cargo:warning=zmq-sys: ZMQ_SYS_BINDINGS_OUT is ignored without feature `bindgen`"
        );
    }
    #[cfg(feature = "bindgen")]
    match &linked.include {
        Some(include) => generate_bindings(&include.join("zmq.h")),
        None => fail(
            "feature `bindgen` needs a zmq.h, and ZMQ_SYS_CHECK_ONLY=1 provides none: build \
             without one of them",
        ),
    }

    if linked.include.is_some() {
        println!(
            "cargo:warning=zmq-sys: linking {} libzmq {} (DRAFT API: {}, CURVE: {})",
            linked.mode,
            linked.version,
            if linked.draft { "yes" } else { "no" },
            if linked.curve { "yes" } else { "no" },
        );
    }
    println!("cargo:mode={}", linked.mode);
    println!("cargo:version={}", linked.version);
    println!("cargo:draft={}", u8::from(linked.draft));
    println!("cargo:curve={}", u8::from(linked.curve));
    if let Some(include) = &linked.include {
        println!("cargo:include={}", include.display());
    }
    if let Some(libdir) = &linked.libdir {
        println!("cargo:libdir={}", libdir.display());
    }
    if let Some(libdir) = &linked.sodium_libdir {
        println!("cargo:sodium_libdir={}", libdir.display());
    }
}

/// `ZMQ_SYS_CHECK_ONLY=1`: no libzmq is looked for, built or linked, so `cargo check`,
/// `cargo clippy` and `cargo doc` work for any target, including ones this machine has no C
/// compiler or libzmq for. The Rust code is the same as in a real build (the DRAFT API
/// follows feature `draft`, as a vendored build would have it); anything this mode builds
/// that needs linking (a test, an example, a program) fails to link. Feature `curve` still
/// makes `libsodium-sys-stable` build libsodium for the target: turn `curve` off for such a
/// check, or set `SODIUM_LIB_DIR` (to any directory), which makes that crate skip its build.
fn check_only(manifest_dir: &Path, draft: bool) -> Linked {
    let conf = read_vendor_conf(manifest_dir);
    println!(
        "cargo:warning=zmq-sys: ZMQ_SYS_CHECK_ONLY=1: no libzmq is built or linked (for cargo \
         check/clippy/doc only; linking anything fails)"
    );
    Linked {
        mode: "check-only",
        version: conf.libzmq_version,
        draft,
        curve: env::var_os("CARGO_FEATURE_CURVE").is_some(),
        include: None,
        libdir: None,
        sodium_libdir: None,
    }
}

fn env_flag(name: &str) -> bool {
    matches!(
        env::var(name).as_deref().map(str::trim),
        Ok("1") | Ok("true") | Ok("yes") | Ok("on")
    )
}

/// Stops the build with a message that says what to do.
fn fail(message: &str) -> ! {
    eprintln!("\nzmq-sys build error: {message}\n");
    println!("cargo:warning=zmq-sys: {message}");
    std::process::exit(1);
}

fn probe_system() -> Result<Linked, String> {
    let lib = pkg_config::Config::new()
        .atleast_version(MIN_SYSTEM_VERSION)
        .probe("libzmq")
        .map_err(|e| first_line(&e.to_string()))?;
    // Re-decide when the library found is upgraded or removed.
    if let Some(pc) = pc_file() {
        println!("cargo:rerun-if-changed={}", pc.display());
    }
    let include = lib
        .include_paths
        .first()
        .cloned()
        .unwrap_or_else(|| PathBuf::from("/usr/include"));
    // CURVE depends on how the system library was configured; the build can only guess (from
    // a libsodium dependency in its pkg-config data). At run time `zmq::has("curve")` is exact.
    let curve = pkg_config::Config::new()
        .cargo_metadata(false)
        .statik(true)
        .probe("libzmq")
        .map(|l| l.libs.iter().any(|name| name.contains("sodium")))
        .unwrap_or(false);
    Ok(Linked {
        mode: "system",
        version: lib.version,
        draft: false,
        curve,
        include: Some(include),
        libdir: lib.link_paths.first().cloned(),
        sodium_libdir: None,
    })
}

/// Where pkg-config found libzmq.pc, if it says.
fn pc_file() -> Option<PathBuf> {
    let pkg_config = env::var_os("PKG_CONFIG").unwrap_or_else(|| "pkg-config".into());
    let out = std::process::Command::new(pkg_config)
        .args(["--variable=pcfiledir", "libzmq"])
        .output()
        .ok()?;
    let dir = String::from_utf8(out.stdout).ok()?;
    let pc = Path::new(dir.trim()).join("libzmq.pc");
    (out.status.success() && pc.is_file()).then_some(pc)
}

fn first_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("pkg-config failed")
        .to_string()
}

/// The settings in `zmq-sys/vendor/libzmq.conf`. The file lives inside this package, so it
/// travels with `cargo package`, a publish and `cargo vendor`: the vendored build is the one
/// that runs on machines without libzmq, and must not depend on anything outside the package.
struct VendorConf {
    libzmq_version: String,
    debug: bool,
}

fn read_vendor_conf(manifest_dir: &Path) -> VendorConf {
    let path = manifest_dir.join("vendor").join("libzmq.conf");
    println!("cargo:rerun-if-changed={}", path.display());
    let text = fs::read_to_string(&path).unwrap_or_else(|e| {
        fail(&format!(
            "cannot read {} ({e}); it holds the vendored build's settings and is part of the \
             zmq-sys package: restore it with `git checkout zmq-sys/vendor/libzmq.conf` (a \
             packaged zmq-sys without it is broken: report it)",
            path.display()
        ))
    });
    let mut conf = VendorConf {
        libzmq_version: String::new(),
        debug: false,
    };
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            fail(&format!(
                "{}:{}: expected `key = value`",
                path.display(),
                n + 1
            ))
        };
        let (key, value) = (key.trim(), value.trim());
        let on_off = |v: &str| match v {
            "on" => true,
            "off" => false,
            _ => fail(&format!(
                "{}:{}: `{key}` must be `on` or `off`, not `{v}`",
                path.display(),
                n + 1
            )),
        };
        match key {
            "libzmq_version" => conf.libzmq_version = value.to_string(),
            "debug" => conf.debug = on_off(value),
            // Pins are informative here: cargo enforces them through Cargo.toml.
            "zeromq_src" | "libsodium_sys_stable" => {}
            _ => fail(&format!(
                "{}:{}: unknown setting `{key}`",
                path.display(),
                n + 1
            )),
        }
    }
    if conf.libzmq_version.is_empty() {
        fail(&format!("{}: `libzmq_version` is missing", path.display()));
    }
    conf
}

/// Reads `ZMQ_VERSION_MAJOR/MINOR/PATCH` out of a zmq.h.
fn header_version(header: &Path) -> Option<String> {
    let text = fs::read_to_string(header).ok()?;
    let field = |name: &str| {
        text.lines().find_map(|l| {
            let rest = l.trim().strip_prefix("#define")?.trim();
            let value = rest.strip_prefix(name)?;
            value.trim().parse::<u32>().ok()
        })
    };
    Some(format!(
        "{}.{}.{}",
        field("ZMQ_VERSION_MAJOR")?,
        field("ZMQ_VERSION_MINOR")?,
        field("ZMQ_VERSION_PATCH")?
    ))
}

fn build_vendored(manifest_dir: &Path, draft: bool, why: &str) -> Linked {
    let conf = read_vendor_conf(manifest_dir);
    println!(
        "cargo:warning=zmq-sys: building the vendored libzmq {} from source ({why})",
        conf.libzmq_version
    );

    // zeromq-src's recipe takes no extra defines, but its `cc` build reads CXXFLAGS. libzmq's
    // sources are not ours to fix: `-w` keeps their compiler warnings out of the build log
    // (the cc crate would repeat each one as a cargo warning). The peer-credential define is
    // one libzmq's own configure/CMake would set and zeromq-src does not (see
    // [`peercred_define`]).
    let mut cxxflags = env::var("CXXFLAGS").unwrap_or_default();
    cxxflags.push_str(" -w");
    let target_os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if let Some(define) = peercred_define(&target_os) {
        cxxflags.push_str(&format!(" -D{define}=1"));
    }
    env::set_var("CXXFLAGS", cxxflags.trim());
    let mut build = zeromq_src::Build::new();
    build.enable_draft(draft).build_debug(conf.debug);
    let curve = env::var_os("CARGO_FEATURE_CURVE").is_some();
    if curve {
        let (Some(lib), Some(include)) = (
            env::var_os("DEP_SODIUM_LIB"),
            env::var_os("DEP_SODIUM_INCLUDE"),
        ) else {
            fail(
                "libsodium-sys-stable did not report where it built libsodium \
                 (DEP_SODIUM_LIB/DEP_SODIUM_INCLUDE are unset); turn off feature `curve` to \
                 build the vendored libzmq without CURVE",
            )
        };
        build.with_libsodium(Some(zeromq_src::LibLocation::new(lib, include)));
    } else {
        println!(
            "cargo:warning=zmq-sys: the vendored libzmq is built without CURVE \
             (feature `curve` is off)"
        );
    }
    build.build();

    // zeromq-src copies the headers it compiled with into OUT_DIR/source/include.
    let include = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("source")
        .join("include");
    let header = include.join("zmq.h");
    let found = header_version(&header).unwrap_or_else(|| {
        fail(&format!(
            "cannot read the libzmq version from {}; the zeromq-src package looks damaged: \
             run `cargo clean -p zeromq-src` and build again",
            header.display()
        ))
    });
    if found != conf.libzmq_version {
        fail(&format!(
            "the zeromq-src package carries libzmq {found}, but zmq-sys/vendor/libzmq.conf \
             pins {}; make zmq-sys/Cargo.toml's zeromq-src pin and the conf agree",
            conf.libzmq_version
        ));
    }
    // zeromq-src puts the static library it built in OUT_DIR/lib.
    let libdir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("lib");
    Linked {
        mode: "vendored",
        version: found,
        draft,
        curve,
        include: Some(include),
        libdir: Some(libdir),
        sodium_libdir: if curve {
            env::var_os("DEP_SODIUM_LIB").map(PathBuf::from)
        } else {
            None
        },
    }
}

/// The libzmq define that turns on IPC peer-credential checks (`ZMQ_IPC_FILTER_UID/GID/PID`,
/// and the peer's uid:gid:pid in a message's `Peer-Address` property) for a target OS, as
/// libzmq's configure and CMake would find it by probing the system headers; zeromq-src's
/// recipe sets neither, and without one libzmq answers those options with `EINVAL`.
///
/// - Linux and Android declare `SO_PEERCRED` and `struct ucred`: `ZMQ_HAVE_SO_PEERCRED`
///   (uid, gid and pid filters). Built and tested here (tests/ipc_filter.rs).
/// - macOS, iOS and FreeBSD have `LOCAL_PEERCRED` (`struct xucred`, uid and gid only), which
///   libzmq supports as `ZMQ_HAVE_LOCAL_PEERCRED`; left off for now: nobody has compiled or
///   run the vendored build there with it, and libzmq's own probes look for the constant in
///   `<sys/socket.h>` while those systems declare it in `<sys/un.h>`, so their packaged
///   libzmq likely lacks it too. Enabling it means returning that define for them here.
/// - Everything else (Windows included): no peer credentials on `AF_UNIX` sockets.
fn peercred_define(target_os: &str) -> Option<&'static str> {
    match target_os {
        "linux" | "android" => Some("ZMQ_HAVE_SO_PEERCRED"),
        _ => None,
    }
}

/// Regenerates the bindings from the linked library's zmq.h (libzmq 4.3.5's for the vendored
/// build, which is what the checked-in file comes from) with the DRAFT declarations, into
/// `OUT_DIR/bindings.rs` (used by src/lib.rs under feature `bindgen`), and copies them to
/// `ZMQ_SYS_BINDINGS_OUT` when that is set (the CI check diffs that copy with the checked-in
/// `src/bindings.rs`).
#[cfg(feature = "bindgen")]
fn generate_bindings(header: &Path) {
    let bindings = bindgen::Builder::default()
        .header(header.to_string_lossy())
        .clang_arg("-DZMQ_BUILD_DRAFT_API=1")
        .allowlist_function("zmq_.*")
        .allowlist_type("zmq_.*")
        .allowlist_var("ZMQ_.*")
        .derive_default(true)
        .derive_debug(true)
        .layout_tests(false)
        .generate_comments(false)
        .raw_line("// Generated by bindgen from libzmq's zmq.h with ZMQ_BUILD_DRAFT_API defined.")
        .raw_line("// Do not edit: regenerate with the `bindgen` feature (see README).")
        .generate()
        .unwrap_or_else(|e| {
            fail(&format!(
                "bindgen failed on {} ({e}); it needs libclang (Debian: `apt-get install \
                 libclang-dev`), or build without feature `bindgen` to use the checked-in \
                 bindings",
                header.display()
            ))
        });
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("bindings.rs");
    bindings
        .write_to_file(&out)
        .unwrap_or_else(|e| fail(&format!("cannot write {} ({e})", out.display())));
    if let Some(copy) = env::var_os("ZMQ_SYS_BINDINGS_OUT") {
        fs::copy(&out, &copy).unwrap_or_else(|e| {
            fail(&format!(
                "cannot copy the bindings to ZMQ_SYS_BINDINGS_OUT={} ({e})",
                Path::new(&copy).display()
            ))
        });
    }
}
