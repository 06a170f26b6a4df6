//! The Rust definitions of zmq.h's types against what a C compiler makes of the header itself:
//! size, alignment and field offsets of every struct the bindings expose, and the width and
//! signedness of `zmq_fd_t` (in the spirit of git2's systest).
//!
//! - `layout_matches_the_c_compiler`: compiles a small C program against the very zmq.h this
//!   build used (its directory comes from build.rs as `ZMQ_SYS_LINKED_INCLUDE`) with the host C
//!   compiler (`ZMQ_SYS_LAYOUT_CC`, else `CC`, else `cc`), runs it, and compares each number
//!   it prints with the Rust one. No compiler or no header is a failure, not a skip.
//! - `windows_x64_layout_matches_mingw` and `windows_x86_layout_matches_mingw` (run with
//!   `--ignored`; CI does): the same C expressions as `_Static_assert`s with the 64-bit and
//!   32-bit Windows numbers of the table below, compiled by `x86_64-w64-mingw32-gcc` and
//!   `i686-w64-mingw32-gcc` against the same zmq.h. The Rust side of those numbers is checked
//!   by `cargo check -p zmq-sys --tests --target x86_64-pc-windows-gnu` (and
//!   `i686-pc-windows-gnu`), which evaluates the `const` assertions this file makes there.

use std::collections::BTreeMap;
use std::mem::{align_of, offset_of, size_of};
use std::path::{Path, PathBuf};
use std::process::Command;

use zmq_sys::{zmq_fd_t, zmq_free_fn, zmq_msg_t, zmq_poller_event_t, zmq_pollitem_t};
use zmq_sys::{zmq_thread_fn, zmq_timer_fn};

/// One number both languages can compute: a C expression over zmq.h's declarations, the
/// Rust value for the target this test is built for, and the values on 64-bit and 32-bit
/// Windows.
struct Row {
    c: &'static str,
    rust: usize,
    win64: usize,
    win32: usize,
}

/// Builds [`TABLE`] from `C expression => Rust expression, win64 = number, win32 = number;`
/// rows, and on Windows asserts at compile time that each Rust expression equals its number.
macro_rules! layout_table {
    ($( $c:literal => $rust:expr, win64 = $win64:literal, win32 = $win32:literal; )*) => {
        const TABLE: &[Row] = &[$(Row { c: $c, rust: $rust, win64: $win64, win32: $win32 }),*];

        #[cfg(all(windows, target_pointer_width = "64"))]
        const _: () = { $( assert!($rust == $win64, $c); )* };
        #[cfg(all(windows, target_pointer_width = "32"))]
        const _: () = { $( assert!($rust == $win32, $c); )* };
    };
}

layout_table! {
    "sizeof(zmq_fd_t)" => size_of::<zmq_fd_t>(), win64 = 8, win32 = 4;
    "_Alignof(zmq_fd_t)" => align_of::<zmq_fd_t>(), win64 = 8, win32 = 4;
    "(size_t)((zmq_fd_t)-1 < 0)" => (zmq_fd_t::MIN != 0) as usize, win64 = 0, win32 = 0;

    "sizeof(zmq_msg_t)" => size_of::<zmq_msg_t>(), win64 = 64, win32 = 64;
    "_Alignof(zmq_msg_t)" => align_of::<zmq_msg_t>(), win64 = 8, win32 = 4;

    "sizeof(zmq_pollitem_t)" => size_of::<zmq_pollitem_t>(), win64 = 24, win32 = 12;
    "_Alignof(zmq_pollitem_t)" => align_of::<zmq_pollitem_t>(), win64 = 8, win32 = 4;
    "offsetof(zmq_pollitem_t, socket)" => offset_of!(zmq_pollitem_t, socket), win64 = 0, win32 = 0;
    "offsetof(zmq_pollitem_t, fd)" => offset_of!(zmq_pollitem_t, fd), win64 = 8, win32 = 4;
    "offsetof(zmq_pollitem_t, events)" => offset_of!(zmq_pollitem_t, events), win64 = 16, win32 = 8;
    "offsetof(zmq_pollitem_t, revents)" => offset_of!(zmq_pollitem_t, revents), win64 = 18, win32 = 10;

    "sizeof(zmq_poller_event_t)" => size_of::<zmq_poller_event_t>(), win64 = 32, win32 = 16;
    "_Alignof(zmq_poller_event_t)" => align_of::<zmq_poller_event_t>(), win64 = 8, win32 = 4;
    "offsetof(zmq_poller_event_t, socket)" => offset_of!(zmq_poller_event_t, socket), win64 = 0, win32 = 0;
    "offsetof(zmq_poller_event_t, fd)" => offset_of!(zmq_poller_event_t, fd), win64 = 8, win32 = 4;
    "offsetof(zmq_poller_event_t, user_data)" =>
        offset_of!(zmq_poller_event_t, user_data), win64 = 16, win32 = 8;
    "offsetof(zmq_poller_event_t, events)" => offset_of!(zmq_poller_event_t, events), win64 = 24, win32 = 12;

    // The callback typedefs are function types in C; Rust has nullable function pointers.
    "sizeof(zmq_free_fn *)" => size_of::<zmq_free_fn>(), win64 = 8, win32 = 4;
    "sizeof(zmq_timer_fn *)" => size_of::<zmq_timer_fn>(), win64 = 8, win32 = 4;
    "sizeof(zmq_thread_fn *)" => size_of::<zmq_thread_fn>(), win64 = 8, win32 = 4;
}

/// What `zmq_sendiov`/`zmq_recviov` and `zmq_ppoll` take on Unix: the system's own
/// `struct iovec` and `sigset_t` (zmq.h only forward-declares the first and includes
/// `<signal.h>` for the second), compared with `<sys/uio.h>` and `<signal.h>`.
#[cfg(unix)]
fn unix_rows() -> Vec<(&'static str, usize)> {
    use zmq_sys::{iovec, sigset_t};
    vec![
        ("sizeof(struct iovec)", size_of::<iovec>()),
        ("_Alignof(struct iovec)", align_of::<iovec>()),
        (
            "offsetof(struct iovec, iov_base)",
            offset_of!(iovec, iov_base),
        ),
        (
            "offsetof(struct iovec, iov_len)",
            offset_of!(iovec, iov_len),
        ),
        ("sizeof(sigset_t)", size_of::<sigset_t>()),
        ("_Alignof(sigset_t)", align_of::<sigset_t>()),
    ]
}

#[cfg(not(unix))]
fn unix_rows() -> Vec<(&'static str, usize)> {
    Vec::new()
}

/// The directory of the zmq.h this build compiled or linked against, with a copy of zmq.h
/// alone in `dir` (so a cross compiler sees no host system headers from that directory).
fn header_copy(dir: &Path) -> PathBuf {
    let include = option_env!("ZMQ_SYS_LINKED_INCLUDE").unwrap_or_else(|| {
        panic!(
            "zmq-sys's build script exported no include directory (ZMQ_SYS_LINKED_INCLUDE): \
             was this built with ZMQ_SYS_CHECK_ONLY=1? The layout test needs the zmq.h of a \
             real build"
        )
    });
    let header = Path::new(include).join("zmq.h");
    let text = std::fs::read(&header)
        .unwrap_or_else(|e| panic!("cannot read the build's zmq.h at {}: {e}", header.display()));
    let copy_dir = dir.join("include");
    std::fs::create_dir_all(&copy_dir).expect("create the header copy's directory");
    std::fs::write(copy_dir.join("zmq.h"), text).expect("copy zmq.h");
    copy_dir
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("zmq-sys-layout-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the scratch directory");
    dir
}

/// Runs a C compiler, failing the test with its output (or the reason it could not start).
fn compile(compiler: &str, args: &[&std::ffi::OsStr]) {
    let out = Command::new(compiler)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run the C compiler `{compiler}` ({e}); the layout test needs one \
             (Debian: `apt-get install gcc`; or set ZMQ_SYS_LAYOUT_CC)"
            )
        });
    assert!(
        out.status.success(),
        "`{compiler}` failed on the layout program:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn layout_matches_the_c_compiler() {
    let dir = scratch_dir("host");
    let include = header_copy(&dir);

    let mut rows: Vec<(&str, usize)> = TABLE.iter().map(|r| (r.c, r.rust)).collect();
    rows.extend(unix_rows());

    let mut program = String::from("#include <stddef.h>\n#include <stdio.h>\n");
    if cfg!(unix) {
        program.push_str("#include <signal.h>\n#include <sys/uio.h>\n");
    }
    program.push_str(
        "#include <zmq.h>\n\nint main(void)\n{\n    printf(\"version=%d\\n\", ZMQ_VERSION);\n",
    );
    for (c, _) in &rows {
        program.push_str(&format!(
            "    printf(\"%s=%lu\\n\", \"{c}\", (unsigned long) ({c}));\n"
        ));
    }
    program.push_str("    return 0;\n}\n");
    let source = dir.join("layout.c");
    std::fs::write(&source, &program).expect("write the C program");

    let compiler = std::env::var("ZMQ_SYS_LAYOUT_CC")
        .or_else(|_| std::env::var("CC"))
        .unwrap_or_else(|_| "cc".to_string());
    let exe = dir.join("layout");
    compile(
        &compiler,
        &[
            "-std=gnu11".as_ref(),
            "-Wall".as_ref(),
            "-Werror".as_ref(),
            "-DZMQ_BUILD_DRAFT_API".as_ref(),
            "-I".as_ref(),
            include.as_os_str(),
            "-o".as_ref(),
            exe.as_os_str(),
            source.as_os_str(),
        ],
    );
    let out = Command::new(&exe)
        .output()
        .expect("run the compiled layout program");
    assert!(out.status.success(), "the layout program failed: {out:?}");
    let stdout = String::from_utf8(out.stdout).expect("the layout program prints ASCII");
    let c: BTreeMap<&str, usize> = stdout
        .lines()
        .map(|line| {
            let (name, value) = line.rsplit_once('=').expect("`name=value` lines");
            (name, value.parse().expect("a decimal number"))
        })
        .collect();

    // Only a header with these exact declarations is worth comparing with: the test is
    // about zmq.h 4.3.x (the vendored 4.3.5, or a system 4.3.x).
    let version = c["version"];
    assert!(
        (40300..40400).contains(&version),
        "the build's zmq.h is version {version}, not 4.3.x"
    );
    assert_eq!(c.len(), rows.len() + 1, "one line per row: {stdout}");
    let mismatches: Vec<String> = rows
        .iter()
        .filter(|(name, rust)| c[name] != *rust)
        .map(|(name, rust)| format!("{name}: C says {}, Rust {rust}", c[name]))
        .collect();
    assert!(
        mismatches.is_empty(),
        "Rust and C disagree:\n{}",
        mismatches.join("\n")
    );
    // The checks really ran over the structs: a zmq_pollitem_t holds at least a pointer, an
    // fd and two shorts, a message is 64 bytes.
    assert_eq!(c["sizeof(zmq_msg_t)"], 64);
    assert!(c["sizeof(zmq_pollitem_t)"] >= size_of::<usize>() + size_of::<zmq_fd_t>() + 4);
}

/// The Windows numbers of [`TABLE`] as `_Static_assert`s, compiled (`-fsyntax-only`) by a
/// mingw-w64 C compiler against the build's zmq.h.
fn check_with_mingw(name: &str, default_compiler: &str, win64: bool) {
    let dir = scratch_dir(name);
    let include = header_copy(&dir);

    let (guard, pointer) = if win64 {
        ("!defined _WIN64", 8)
    } else {
        ("!defined _WIN32 || defined _WIN64", 4)
    };
    let mut program = format!(
        "#include <stddef.h>\n#include <zmq.h>\n\n\
         #if {guard}\n#error \"not the expected Windows compiler\"\n#endif\n\
         _Static_assert(sizeof(void *) == {pointer}, \"pointer width\");\n"
    );
    for row in TABLE {
        let expected = if win64 { row.win64 } else { row.win32 };
        program.push_str(&format!(
            "_Static_assert(({}) == {expected}, \"{}\");\n",
            row.c, row.c
        ));
    }
    let source = dir.join(format!("{name}.c"));
    std::fs::write(&source, &program).expect("write the C program");

    let variable = format!("ZMQ_SYS_LAYOUT_{}_CC", name.to_uppercase());
    let compiler = std::env::var(&variable).unwrap_or_else(|_| default_compiler.to_string());
    compile(
        &compiler,
        &[
            "-std=gnu11".as_ref(),
            "-fsyntax-only".as_ref(),
            "-Wall".as_ref(),
            "-Werror".as_ref(),
            "-DZMQ_BUILD_DRAFT_API".as_ref(),
            "-DZMQ_STATIC".as_ref(),
            "-I".as_ref(),
            include.as_os_str(),
            source.as_os_str(),
        ],
    );
}

/// The 64-bit Windows numbers of [`TABLE`], as mingw-w64's C compiler sees zmq.h. Run with
/// `cargo test -p zmq-sys --test layout -- --ignored`; needs `x86_64-w64-mingw32-gcc`
/// (Debian: `gcc-mingw-w64-x86-64`), or the compiler named by `ZMQ_SYS_LAYOUT_WIN64_CC`.
#[test]
#[ignore = "needs x86_64-w64-mingw32-gcc; CI runs it with --ignored"]
fn windows_x64_layout_matches_mingw() {
    check_with_mingw("win64", "x86_64-w64-mingw32-gcc", true);
}

/// The 32-bit Windows numbers of [`TABLE`], as mingw-w64's C compiler sees zmq.h; needs
/// `i686-w64-mingw32-gcc` (Debian: `gcc-mingw-w64-i686`), or `ZMQ_SYS_LAYOUT_WIN32_CC`.
#[test]
#[ignore = "needs i686-w64-mingw32-gcc; CI runs it with --ignored"]
fn windows_x86_layout_matches_mingw() {
    check_with_mingw("win32", "i686-w64-mingw32-gcc", false);
}
