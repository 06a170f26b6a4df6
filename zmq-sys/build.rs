//! Decides which libzmq this crate links, and says which with a cargo warning.
//!
//! Order of decision:
//! 0. `ZMQ_SYS_CHECK_ONLY=1` finds, builds and links nothing (see [`check_only`]): for
//!    `cargo check`, `cargo clippy` and `cargo doc` on targets without a C toolchain;
//! 1. an explicit request: feature `vendored` or `ZMQ_SYS_VENDORED=1` builds libzmq 4.3.5 from
//!    source; `ZMQ_SYS_LIB_DIR` links the libzmq in that directory without asking pkg-config
//!    (see [`from_lib_dir`]); `ZMQ_SYS_SYSTEM=1` demands the system library and fails clearly
//!    without one, and fails together with feature `draft` (see [`DRAFT_NEEDS_VENDORED`]);
//! 2. feature `draft` builds the vendored library, because a packaged libzmq rarely carries
//!    the DRAFT API;
//! 3. pkg-config `libzmq >= 4.1` links the system library dynamically;
//! 4. otherwise the vendored build, so a fresh machine needs no set-up step.
//!
//! The override for machines without pkg-config (or with a libzmq pkg-config does not know):
//! - `ZMQ_SYS_LIB_DIR=<dir>`: the directory holding the libzmq to link (`libzmq.so`,
//!   `libzmq.dylib`, `libzmq.a`, `zmq.lib`, ...);
//! - `ZMQ_SYS_INCLUDE_DIR=<dir>`: the directory holding its `zmq.h`, read for the version
//!   (default: `<ZMQ_SYS_LIB_DIR>/../include`);
//! - `ZMQ_SYS_STATIC=1`: link it statically (default: dynamically). The C++ runtime (and on
//!   Windows the socket libraries) are linked with it; what the static library itself needs
//!   beyond that (libsodium for CURVE, for one) is the user's to add, see the README.
//!
//! Cross-compiling (`TARGET` differs from `HOST`): each of those three is read first in its
//! per-target form, `ZMQ_SYS_LIB_DIR_<target>` (as `ZMQ_SYS_LIB_DIR_aarch64-unknown-linux-gnu`
//! or `..._aarch64_unknown_linux_gnu`), so one environment can describe both machines; the
//! pkg-config crate refuses to answer for another target unless it is set up for it
//! (`PKG_CONFIG_SYSROOT_DIR`, `PKG_CONFIG_ALLOW_CROSS`, ...), and then the build falls back
//! to the vendored libzmq, compiled for the target; and no host directory (`/usr/include`)
//! is ever reported as the target's include directory.
//!
//! Metadata for dependents (`DEP_ZMQ_*`): `version`, `draft` (0/1), `curve` (0/1), `include`
//! (absent in check-only mode, or when a cross build's pkg-config names none), `mode`
//! (system/vendored/check-only), `origin` (pkg-config/lib-dir/vendored/check-only) and
//! `linkage` (dynamic/static).

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

/// Every environment variable this script reads, echoed with `rerun-if-env-changed`. Those in
/// [`PER_TARGET_ENV_VARS`] are declared in their per-target forms too.
const ENV_VARS: &[&str] = &[
    "ZMQ_SYS_VENDORED",
    "ZMQ_SYS_SYSTEM",
    "ZMQ_SYS_CHECK_ONLY",
    "ZMQ_SYS_BINDINGS_OUT",
    "ZMQ_SYS_LIB_DIR",
    "ZMQ_SYS_INCLUDE_DIR",
    "ZMQ_SYS_STATIC",
    "CXXFLAGS",
    // Read to explain a vendored CURVE build without libsodium (see `sodium_location`).
    "SODIUM_LIB_DIR",
    "SODIUM_USE_PKG_CONFIG",
];

/// The variables that describe the library for one target, read as `NAME_<target>` (dashes or
/// underscores) before `NAME`.
const PER_TARGET_ENV_VARS: &[&str] = &["ZMQ_SYS_LIB_DIR", "ZMQ_SYS_INCLUDE_DIR", "ZMQ_SYS_STATIC"];

/// Why feature `draft` and `ZMQ_SYS_SYSTEM=1` cannot go together, and what to do. An error,
/// not a warning: cargo shows no warnings of a dependency that is not a path dependency, so a
/// warning would leave the user silently without the DRAFT API they asked for.
const DRAFT_NEEDS_VENDORED: &str = "feature `draft` needs a libzmq built with the DRAFT API, \
     and ZMQ_SYS_SYSTEM=1 demands the system libzmq, which these bindings never use for DRAFT \
     (packaged builds rarely have it, and a DRAFT API other than 4.3.5's would not match the \
     declarations). Either unset ZMQ_SYS_SYSTEM, so the vendored libzmq 4.3.5 is built with \
     DRAFT, or turn off feature `draft` (`cargo tree -e features -i zmq-sys` shows which \
     crate enables it).";

/// The same for `ZMQ_SYS_LIB_DIR`: whether a library built elsewhere has the DRAFT API cannot
/// be told from its zmq.h, and guessing wrong fails at link time or, worse, at run time.
const DRAFT_WITH_LIB_DIR: &str = "feature `draft` needs the vendored libzmq 4.3.5 built with \
     the DRAFT API, and ZMQ_SYS_LIB_DIR asks for the libzmq in that directory instead, whose \
     DRAFT API (if any) these bindings cannot check. Either unset ZMQ_SYS_LIB_DIR (and \
     ZMQ_SYS_INCLUDE_DIR, ZMQ_SYS_STATIC), so the vendored libzmq is built with DRAFT, or turn \
     off feature `draft` (`cargo tree -e features -i zmq-sys` shows which crate enables it).";

/// The oldest system libzmq we accept.
const MIN_SYSTEM_VERSION: &str = "4.1";

/// What the build found or built.
struct Linked {
    mode: &'static str,
    /// How it was found: `pkg-config`, `lib-dir`, `vendored` or `check-only`.
    origin: &'static str,
    /// Whether libzmq is linked statically (the vendored build; `ZMQ_SYS_STATIC=1`).
    statik: bool,
    version: String,
    draft: bool,
    /// Whether CURVE is available: exact for the vendored build, a guess for a system one,
    /// unknown (`None`) for a library named by `ZMQ_SYS_LIB_DIR`.
    curve: Option<bool>,
    /// Where zmq.h is; `None` when nothing was found or built (check-only mode), or when a
    /// cross build's pkg-config did not say.
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
    for var in PER_TARGET_ENV_VARS {
        for name in per_target_names(var) {
            println!("cargo:rerun-if-env-changed={name}");
        }
    }
    println!("cargo:rerun-if-changed=build.rs");

    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets this"));
    let draft_feature = env::var_os("CARGO_FEATURE_DRAFT").is_some();
    let vendored_feature = env::var_os("CARGO_FEATURE_VENDORED").is_some();
    let want_vendored = vendored_feature || env_flag("ZMQ_SYS_VENDORED");
    let want_system = env_flag("ZMQ_SYS_SYSTEM");
    let lib_dir = target_env("ZMQ_SYS_LIB_DIR");
    let include_dir = target_env("ZMQ_SYS_INCLUDE_DIR");
    let want_static = target_env("ZMQ_SYS_STATIC").is_some_and(|(_, v)| is_yes(&v));

    if want_vendored && want_system {
        fail(
            "both a vendored and a system libzmq were requested \
             (feature `vendored` or ZMQ_SYS_VENDORED=1, and ZMQ_SYS_SYSTEM=1). \
             Unset one of them.",
        );
    }
    if want_vendored && lib_dir.is_some() {
        fail(
            "both a vendored libzmq and the one in ZMQ_SYS_LIB_DIR were requested \
             (feature `vendored` or ZMQ_SYS_VENDORED=1, and ZMQ_SYS_LIB_DIR). Unset \
             ZMQ_SYS_LIB_DIR to build the vendored libzmq, or turn the vendored request off.",
        );
    }
    if lib_dir.is_none() && (include_dir.is_some() || want_static) {
        fail(
            "ZMQ_SYS_INCLUDE_DIR and ZMQ_SYS_STATIC describe the library named by \
             ZMQ_SYS_LIB_DIR, which is not set. Set ZMQ_SYS_LIB_DIR to the directory holding \
             libzmq (e.g. ZMQ_SYS_LIB_DIR=/usr/lib/x86_64-linux-gnu), or unset them (for a \
             static link through pkg-config, the pkg-config crate reads LIBZMQ_STATIC=1).",
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
    } else if let Some(lib_dir) = &lib_dir {
        if draft_feature {
            fail(DRAFT_WITH_LIB_DIR);
        }
        from_lib_dir(lib_dir, include_dir.as_ref(), want_static)
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
                 PKG_CONFIG_PATH at its libzmq.pc, name its directories with ZMQ_SYS_LIB_DIR \
                 and ZMQ_SYS_INCLUDE_DIR, or unset ZMQ_SYS_SYSTEM to build the vendored \
                 libzmq 4.3.5 instead."
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
            "feature `bindgen` needs a zmq.h, and this build has none (ZMQ_SYS_CHECK_ONLY=1, \
             or a cross build whose pkg-config names no include directory): build without \
             feature `bindgen`, or name the directory with ZMQ_SYS_INCLUDE_DIR and \
             ZMQ_SYS_LIB_DIR",
        ),
    }

    if linked.origin != "check-only" {
        let from = match linked.origin {
            "lib-dir" => match &lib_dir {
                Some((var, dir)) => format!(" from {var}={dir}"),
                None => String::new(),
            },
            _ => String::new(),
        };
        println!(
            "cargo:warning=zmq-sys: linking {} libzmq {}{from} ({}; DRAFT API: {}, CURVE: {})",
            linked.mode,
            linked.version,
            if linked.statik { "static" } else { "dynamic" },
            if linked.draft { "yes" } else { "no" },
            match linked.curve {
                Some(true) => "yes",
                Some(false) => "no",
                None => "unknown until run time, see zmq::has(\"curve\")",
            },
        );
    }
    println!("cargo:mode={}", linked.mode);
    println!("cargo:origin={}", linked.origin);
    println!(
        "cargo:linkage={}",
        if linked.statik { "static" } else { "dynamic" }
    );
    println!("cargo:version={}", linked.version);
    println!("cargo:draft={}", u8::from(linked.draft));
    println!("cargo:curve={}", u8::from(linked.curve == Some(true)));
    if let Some(include) = &linked.include {
        println!("cargo:include={}", include.display());
        // The same directory for this package's own tests (tests/layout.rs compiles C with it).
        println!(
            "cargo:rustc-env=ZMQ_SYS_LINKED_INCLUDE={}",
            include.display()
        );
    }
    if let Some(libdir) = &linked.libdir {
        println!("cargo:libdir={}", libdir.display());
    }
    if let Some(libdir) = &linked.sodium_libdir {
        println!("cargo:sodium_libdir={}", libdir.display());
    }
}

/// The names a per-target variable is read under, most specific first: `NAME_<target>`,
/// `NAME_<target with underscores>`, `NAME` (the same order as the pkg-config and cc crates).
fn per_target_names(name: &str) -> Vec<String> {
    let target = env::var("TARGET").unwrap_or_default();
    let mut names = Vec::new();
    if !target.is_empty() {
        names.push(format!("{name}_{target}"));
        let underscored = target.replace('-', "_");
        if underscored != target {
            names.push(format!("{name}_{underscored}"));
        }
    }
    names.push(name.to_string());
    names
}

/// A per-target variable's value, with the name it was found under, for messages (see
/// [`per_target_names`]); empty counts as unset.
fn target_env(name: &str) -> Option<(String, String)> {
    per_target_names(name).into_iter().find_map(|n| {
        let value = env::var(&n).ok()?.trim().to_string();
        (!value.is_empty()).then_some((n, value))
    })
}

/// Whether this build is for another machine than the one running it.
fn cross_compiling() -> bool {
    env::var("TARGET").ok() != env::var("HOST").ok()
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
        origin: "check-only",
        statik: false,
        version: conf.libzmq_version,
        draft,
        curve: Some(env::var_os("CARGO_FEATURE_CURVE").is_some()),
        include: None,
        libdir: None,
        sodium_libdir: None,
    }
}

fn env_flag(name: &str) -> bool {
    env::var(name).is_ok_and(|v| is_yes(&v))
}

fn is_yes(value: &str) -> bool {
    matches!(value.trim(), "1" | "true" | "yes" | "on")
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
    // Re-decide when the library found is upgraded or removed. The pkg-config crate runs the
    // same (possibly per-target) pkg-config as for the probe.
    if let Ok(dir) = pkg_config::get_variable("libzmq", "pcfiledir") {
        let pc = Path::new(dir.trim()).join("libzmq.pc");
        if pc.is_file() {
            println!("cargo:rerun-if-changed={}", pc.display());
        }
    }
    // pkg-config leaves out the compiler's default directories. For a native build that is the
    // host's /usr/include (or whatever `includedir` says); for a cross build it is the
    // target's sysroot, which only the cross pkg-config knows: no host directory is reported
    // as the target's, and without a directory from pkg-config none is reported at all.
    let include = lib.include_paths.first().cloned().or_else(|| {
        if cross_compiling() {
            return None;
        }
        let dir = pkg_config::get_variable("libzmq", "includedir").ok()?;
        let dir = PathBuf::from(dir.trim());
        Some(if dir.join("zmq.h").is_file() {
            dir
        } else {
            PathBuf::from("/usr/include")
        })
    });
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
        origin: "pkg-config",
        statik: false,
        version: lib.version,
        draft: false,
        curve: Some(curve),
        include,
        libdir: lib.link_paths.first().cloned(),
        sodium_libdir: None,
    })
}

/// `ZMQ_SYS_LIB_DIR` (and `ZMQ_SYS_INCLUDE_DIR`, `ZMQ_SYS_STATIC`): links the libzmq in that
/// directory, for machines without pkg-config or with a libzmq it does not know. Everything
/// is checked before cargo is told to link: the directory, a library file of the kind asked
/// for, and a zmq.h whose version is at least [`MIN_SYSTEM_VERSION`]; each failure names the
/// variable to fix.
fn from_lib_dir(
    (lib_var, lib_dir): &(String, String),
    include_dir: Option<&(String, String)>,
    statik: bool,
) -> Linked {
    let lib_dir = PathBuf::from(lib_dir);
    if !lib_dir.is_dir() {
        fail(&format!(
            "{lib_var}={} is not a directory. Set it to the directory holding libzmq \
             (the one with libzmq.so, libzmq.dylib, libzmq.a or zmq.lib), or unset it to let \
             pkg-config look (or the vendored libzmq 4.3.5 be built).",
            lib_dir.display()
        ));
    }
    let target_os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let target_env = env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    let candidates = library_files(&target_os, &target_env, statik);
    let Some((file, link_name)) = candidates
        .iter()
        .find(|(file, _)| lib_dir.join(file).exists())
    else {
        let names: Vec<&str> = candidates.iter().map(|(f, _)| *f).collect();
        fail(&format!(
            "{lib_var}={} holds no {} libzmq for this target (looked for {}). Point it at \
             the directory that does, {}",
            lib_dir.display(),
            if statik { "static" } else { "shared" },
            names.join(", "),
            if statik {
                "or unset ZMQ_SYS_STATIC to link a shared libzmq."
            } else {
                "or set ZMQ_SYS_STATIC=1 to link a static one (Debian: the shared libzmq.so \
                 comes with libzmq3-dev, not libzmq5)."
            }
        ));
    };
    println!("cargo:rerun-if-changed={}", lib_dir.join(file).display());
    check_elf_machine(&lib_dir.join(file));

    let include = match include_dir {
        Some((_, dir)) => PathBuf::from(dir),
        None => lib_dir.join("..").join("include"),
    };
    let header = include.join("zmq.h");
    println!("cargo:rerun-if-changed={}", header.display());
    let Some(version) = header_version(&header) else {
        fail(&format!(
            "no readable zmq.h with a version in {} ({}). Set ZMQ_SYS_INCLUDE_DIR to the \
             directory holding the zmq.h of the libzmq in {lib_var}={} (Debian: \
             /usr/include, from libzmq3-dev).",
            include.display(),
            match include_dir {
                Some((var, _)) => format!("from {var}"),
                None => format!("guessed from {lib_var}, as ZMQ_SYS_INCLUDE_DIR is unset"),
            },
            lib_dir.display()
        ))
    };
    if version_below(&version, MIN_SYSTEM_VERSION) {
        fail(&format!(
            "the zmq.h in {} is libzmq {version}; these bindings need {MIN_SYSTEM_VERSION} or \
             newer. Point ZMQ_SYS_LIB_DIR and ZMQ_SYS_INCLUDE_DIR at a newer libzmq, or unset \
             them to build the vendored libzmq 4.3.5.",
            include.display()
        ));
    }

    println!("cargo:rustc-link-search=native={}", lib_dir.display());
    if statik {
        println!("cargo:rustc-link-lib=static={link_name}");
        for dep in static_runtime_libs(&target_os, &target_env) {
            println!("cargo:rustc-link-lib={dep}");
        }
    } else {
        println!("cargo:rustc-link-lib={link_name}");
    }
    Linked {
        mode: "system",
        origin: "lib-dir",
        statik,
        version,
        draft: false,
        curve: None,
        include: Some(include),
        libdir: Some(lib_dir),
        sodium_libdir: None,
    }
}

/// Stops the build when a shared ELF library is for another CPU than the target's: most often
/// a host directory in a plain `ZMQ_SYS_LIB_DIR` while cross-compiling, which would otherwise
/// fail later with a linker message that names neither the variable nor the fix. Files that
/// are not ELF (archives, Mach-O, PE) or CPUs not listed here are not judged.
fn check_elf_machine(file: &Path) {
    let Ok(bytes) = fs::read(file) else { return };
    if bytes.len() < 20 || &bytes[..4] != b"\x7fELF" {
        return;
    }
    // e_machine, in the file's own byte order (EI_DATA: 1 little, 2 big endian).
    let raw = [bytes[18], bytes[19]];
    let machine = if bytes[5] == 2 {
        u16::from_be_bytes(raw)
    } else {
        u16::from_le_bytes(raw)
    };
    let arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let expected: u16 = match arch.as_str() {
        "x86" => 3,
        "x86_64" => 62,
        "arm" => 40,
        "aarch64" => 183,
        "riscv64" | "riscv32" => 243,
        "powerpc64" => 21,
        "s390x" => 22,
        _ => return,
    };
    if machine != expected {
        let target = env::var("TARGET").unwrap_or_default();
        fail(&format!(
            "{} is built for another CPU (ELF machine {machine}) than the target {target} \
             ({arch}, ELF machine {expected}). When cross-compiling, name the target's \
             libzmq with ZMQ_SYS_LIB_DIR_{target} and ZMQ_SYS_INCLUDE_DIR_{target} (a plain \
             ZMQ_SYS_LIB_DIR is read for every target), or unset ZMQ_SYS_LIB_DIR to build \
             the vendored libzmq for the target.",
            file.display()
        ));
    }
}

/// The files a libzmq of the asked-for kind can be in, for a target, with the name to link.
fn library_files(
    target_os: &str,
    target_env: &str,
    statik: bool,
) -> Vec<(&'static str, &'static str)> {
    match (target_os, target_env, statik) {
        ("windows", "msvc", _) => vec![("zmq.lib", "zmq"), ("libzmq.lib", "libzmq")],
        ("windows", _, true) => vec![("libzmq.a", "zmq")],
        ("windows", _, false) => vec![
            ("libzmq.dll.a", "zmq"),
            ("zmq.lib", "zmq"),
            ("libzmq.lib", "libzmq"),
        ],
        (_, _, true) => vec![("libzmq.a", "zmq")],
        ("macos" | "ios", _, false) => vec![("libzmq.dylib", "zmq")],
        (_, _, false) => vec![("libzmq.so", "zmq")],
    }
}

/// What a static libzmq needs linked after it on every build: the C++ runtime it is written
/// against, and on Windows the system libraries it calls. Optional parts (libsodium, GnuTLS,
/// ...) depend on how that libzmq was configured; the README says how to add them.
fn static_runtime_libs(target_os: &str, target_env: &str) -> Vec<&'static str> {
    match (target_os, target_env) {
        ("windows", "msvc") => vec!["ws2_32", "iphlpapi", "advapi32"],
        ("windows", _) => vec!["stdc++", "ws2_32", "iphlpapi", "advapi32"],
        ("macos" | "ios" | "freebsd" | "openbsd" | "netbsd" | "dragonfly", _) => vec!["c++"],
        ("android", _) => vec!["c++_shared"],
        _ => vec!["stdc++"],
    }
}

/// Whether version text `a` ("4.0.10") is below `b` ("4.1").
fn version_below(a: &str, b: &str) -> bool {
    let parse = |v: &str| -> Vec<u32> { v.split('.').map(|p| p.parse().unwrap_or(0)).collect() };
    parse(a) < parse(b)
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
    // (the cc crate would repeat each one as a cargo warning). The platform defines are ones
    // libzmq's own configure/CMake would set and zeromq-src does not (see
    // [`peercred_define`] and [`platform_defines`]).
    let mut cxxflags = env::var("CXXFLAGS").unwrap_or_default();
    cxxflags.push_str(" -w");
    let target_os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    for define in peercred_define(&target_os)
        .into_iter()
        .chain(platform_defines(&target_os).iter().copied())
    {
        if define.contains('=') {
            cxxflags.push_str(&format!(" -D{define}"));
        } else {
            cxxflags.push_str(&format!(" -D{define}=1"));
        }
    }
    env::set_var("CXXFLAGS", cxxflags.trim());
    let mut build = zeromq_src::Build::new();
    build.enable_draft(draft).build_debug(conf.debug);
    let curve = env::var_os("CARGO_FEATURE_CURVE").is_some();
    let sodium = curve.then(sodium_location);
    if let Some((lib, include)) = &sodium {
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
        origin: "vendored",
        statik: true,
        version: found,
        draft,
        curve: Some(curve),
        include: Some(include),
        libdir: Some(libdir),
        sodium_libdir: sodium.map(|(lib, _)| lib),
    }
}

/// Where the libsodium for the vendored CURVE build is: its library directory and include
/// directory. Normally libsodium-sys-stable built it and says where (`DEP_SODIUM_LIB`,
/// `DEP_SODIUM_INCLUDE`). With `SODIUM_USE_PKG_CONFIG` it found a system libsodium instead and
/// leaves out what is in the compiler's default directories; pkg-config fills those in here.
/// zeromq-src links libsodium statically, so that directory needs its `libsodium.a`. With
/// `SODIUM_LIB_DIR` it reports nothing at all, and the build stops naming the ways out.
fn sodium_location() -> (PathBuf, PathBuf) {
    let reported = |name: &str| env::var_os(name).map(PathBuf::from);
    let (lib, include) = (reported("DEP_SODIUM_LIB"), reported("DEP_SODIUM_INCLUDE"));
    if let (Some(lib), Some(include)) = (&lib, &include) {
        return (lib.clone(), include.clone());
    }
    let ways_out = "unset it so libsodium-sys-stable builds libsodium from source, or turn off \
                    feature `curve` to build the vendored libzmq without CURVE";
    if env::var_os("SODIUM_USE_PKG_CONFIG").is_some() {
        let variable = |name: &str| {
            pkg_config::get_variable("libsodium", name)
                .ok()
                .map(|v| PathBuf::from(v.trim()))
                .filter(|p| !p.as_os_str().is_empty())
        };
        let lib = lib.or_else(|| variable("libdir"));
        let include = include.or_else(|| variable("includedir"));
        let (Some(lib), Some(include)) = (lib, include) else {
            fail(&format!(
                "SODIUM_USE_PKG_CONFIG is set, and pkg-config does not say where libsodium's \
                 library and headers are (`pkg-config --variable=libdir libsodium`); {ways_out}"
            ))
        };
        let archive = lib.join("libsodium.a");
        if !archive.is_file() {
            fail(&format!(
                "SODIUM_USE_PKG_CONFIG is set, so the vendored libzmq's CURVE uses the system \
                 libsodium, which it links statically, and {} does not exist (Debian: \
                 libsodium-dev ships it); {ways_out}",
                archive.display()
            ));
        }
        return (lib, include);
    }
    if env::var_os("SODIUM_LIB_DIR").is_some() {
        fail(&format!(
            "SODIUM_LIB_DIR is set, so libsodium-sys-stable neither builds libsodium nor says \
             where its headers are, and the vendored libzmq cannot be built with CURVE; use \
             SODIUM_USE_PKG_CONFIG=1 instead (a system libsodium with libsodium.a), or {ways_out}"
        ));
    }
    fail(
        "libsodium-sys-stable did not report where it built libsodium \
         (DEP_SODIUM_LIB/DEP_SODIUM_INCLUDE are unset); turn off feature `curve` to build the \
         vendored libzmq without CURVE",
    )
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

/// What libzmq's configure/CMake probes find on a Linux system (a bare name is defined as 1) (glibc or musl, every
/// architecture; all in the kernel and C library since well before Linux 3.2 / glibc 2.17) and
/// zeromq-src's recipe leaves undefined. Without them the vendored libzmq silently differs from
/// a distribution's libzmq in ways a user notices, each checked by tests/platform.rs:
///
/// - `ZMQ_HAVE_SO_KEEPALIVE`, `ZMQ_HAVE_TCP_KEEPCNT/KEEPIDLE/KEEPINTVL`: without them the
///   `TCP_KEEPALIVE*` socket options are accepted and then ignored — no keepalives, so idle
///   connections through NATs and firewalls die unnoticed;
/// - `HAVE_CLOCK_GETTIME`: without it libzmq's clock is `gettimeofday`, not monotonic, so
///   timeouts, heartbeats and reconnect intervals jump with the wall clock;
/// - `ZMQ_HAVE_IFADDRS`, `HAVE_IF_NAMETOINDEX`: endpoints that name an interface
///   (`tcp://lo:5555`) and IPv6 scope ids;
/// - `ZMQ_HAVE_EVENTFD(_CLOEXEC)`: one eventfd per mailbox instead of a socketpair (one
///   descriptor and fewer syscalls per socket and I/O thread);
/// - `ZMQ_HAVE_SOCK_CLOEXEC`, `ZMQ_HAVE_O_CLOEXEC`, `HAVE_ACCEPT4`: descriptors created
///   close-on-exec atomically (else with a later fcntl, racing a concurrent fork+exec);
/// - `HAVE_MKDTEMP`: `ipc://*` binds in a private directory;
/// - `HAVE_POSIX_MEMALIGN` with `ZMQ_CACHELINE_SIZE=64` (what CMake detects on x86-64 and
///   most aarch64; only an alignment): commands and pipe chunks on cache lines of their own;
/// - `ZMQ_HAVE_SO_PRIORITY`, `ZMQ_HAVE_SO_BINDTODEVICE`, `ZMQ_HAVE_BUSY_POLL`: the
///   `PRIORITY`, `BINDTODEVICE` and `BUSY_POLL` options take effect;
/// - `ZMQ_HAVE_PTHREAD_SETNAME_2`, `ZMQ_HAVE_PTHREAD_SET_AFFINITY`: I/O thread names
///   (`ZMQ_THREAD_NAME_PREFIX`) and CPU affinity (`ZMQ_THREAD_AFFINITY_CPU_ADD`);
/// - `ZMQ_HAVE_PPOLL`: `zmq_ppoll` (DRAFT).
///
/// Left out on purpose: `HAVE_FORK`, libzmq's fork detection, which makes every mailbox
/// signal and wait call `getpid()` (a real syscall since glibc 2.25: 18 per tcp round trip
/// measured with Debian's libzmq, which has it); a child process must not use its parent's
/// context either way. Android (bionic lacks some of these before API 24) and other systems
/// keep the recipe's defaults until someone builds and runs them.
fn platform_defines(target_os: &str) -> &'static [&'static str] {
    match target_os {
        "linux" => &[
            "ZMQ_HAVE_SO_KEEPALIVE",
            "ZMQ_HAVE_TCP_KEEPCNT",
            "ZMQ_HAVE_TCP_KEEPIDLE",
            "ZMQ_HAVE_TCP_KEEPINTVL",
            "HAVE_CLOCK_GETTIME",
            "ZMQ_HAVE_IFADDRS",
            "HAVE_IF_NAMETOINDEX",
            "ZMQ_HAVE_EVENTFD",
            "ZMQ_HAVE_EVENTFD_CLOEXEC",
            "ZMQ_HAVE_SOCK_CLOEXEC",
            "ZMQ_HAVE_O_CLOEXEC",
            "HAVE_ACCEPT4",
            "HAVE_MKDTEMP",
            "HAVE_POSIX_MEMALIGN",
            "ZMQ_CACHELINE_SIZE=64",
            "ZMQ_HAVE_SO_PRIORITY",
            "ZMQ_HAVE_SO_BINDTODEVICE",
            "ZMQ_HAVE_BUSY_POLL",
            "ZMQ_HAVE_PTHREAD_SETNAME_2",
            "ZMQ_HAVE_PTHREAD_SET_AFFINITY",
            "ZMQ_HAVE_PPOLL",
        ],
        _ => &[],
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
        // Their type or layout differs between targets, and this generation runs on one:
        // src/lib.rs defines them per platform (tests/layout.rs checks them against C).
        .blocklist_type("zmq_fd_t|zmq_msg_t|zmq_pollitem_t|zmq_poller_event_t")
        .blocklist_type("iovec|sigset_t|__sigset_t")
        .blocklist_function("zmq_ppoll")
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
