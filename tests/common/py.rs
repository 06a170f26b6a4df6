//! Runs the pyzmq peer scripts of `tests/py/` for the side-by-side tests.
//!
//! Include it with `#[path = "common/py.rs"] mod py;`. It is self-contained:
//!
//! - [`pyzmq_path`] provisions pyzmq on first use: `python3 -m pip install --target
//!   <repo>/target/pyzmq-deps pyzmq==PYZMQ_VERSION`, under a file lock so that parallel test
//!   processes do not race, and reused afterwards. If Python 3 or pip is missing, or the
//!   install fails, the calling test fails with a message saying so; it never skips.
//! - [`PyProc`] runs one script as a child process, reads its stdout line by line with a
//!   deadline, and kills and reaps it when dropped (also when the test panics).
//! - [`TempDir`] gives each test its own directory for `ipc://` endpoints.
//!
//! `SBS_PYTHON` names another interpreter than `python3`.
#![allow(dead_code)]

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, ErrorKind, Read};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

/// The pyzmq release the scripts are tested with (its wheels bundle libzmq 4.3.5 with CURVE).
pub const PYZMQ_VERSION: &str = "27.1.0";

/// How long a script may take to print an awaited line.
pub const LINE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a script may take to finish once the test waits for its end.
pub const EXIT_TIMEOUT: Duration = Duration::from_secs(60);
/// Upper bound for one `pip install` (a download from the package index).
const INSTALL_TIMEOUT: Duration = Duration::from_secs(600);
/// Upper bound for a quick interpreter check (`python3 -c ...`).
const PROBE_TIMEOUT: Duration = Duration::from_secs(60);

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/py/`, where the scripts live.
pub fn scripts_dir() -> PathBuf {
    manifest_dir().join("tests").join("py")
}

/// Where pyzmq is installed: `<repo>/target/pyzmq-deps`, whatever `CARGO_TARGET_DIR` says,
/// so that every build directory shares one installation.
pub fn deps_dir() -> PathBuf {
    manifest_dir().join("target").join("pyzmq-deps")
}

fn python() -> OsString {
    std::env::var_os("SBS_PYTHON").unwrap_or_else(|| OsString::from("python3"))
}

/// A command that runs `program`, a binary built for the target (an example, this test
/// itself), through `ZMQ_TEST_RUNNER` when that is set: cargo starts the test binaries of a
/// cross build through the target's runner (`CARGO_TARGET_<triple>_RUNNER`, e.g. qemu-user),
/// but what a test starts itself would meet the host kernel, which cannot execute it. The
/// value is split at whitespace: the runner program, then its arguments.
pub fn target_command(program: &Path) -> Command {
    let runner = std::env::var("ZMQ_TEST_RUNNER").unwrap_or_default();
    let mut words = runner.split_whitespace();
    match words.next() {
        Some(runner) => {
            let mut cmd = Command::new(runner);
            cmd.args(words).arg(program);
            cmd
        }
        None => Command::new(program),
    }
}

/// The directory to put on `PYTHONPATH` so that `import zmq` finds the pinned pyzmq.
///
/// Installs it the first time (in this process: once; across processes: under a lock).
/// Panics with an explanation when that is impossible.
pub fn pyzmq_path() -> &'static Path {
    static DEPS: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match DEPS.get_or_init(provision) {
        Ok(path) => path,
        Err(why) => panic!(
            "side-by-side tests need Python 3 with pyzmq {PYZMQ_VERSION}, and it could not be \
             provided: {why}"
        ),
    }
}

/// What one bounded run of a helper command produced.
struct Ran {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

/// Runs `cmd` to completion, killing it if it takes longer than `timeout`.
fn run_bounded(mut cmd: Command, timeout: Duration) -> Result<Ran, String> {
    let what = format!("{cmd:?}");
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            if e.kind() == ErrorKind::NotFound {
                format!(
                    "{:?} was not found; install Python 3 (or point SBS_PYTHON at an interpreter)",
                    python()
                )
            } else {
                format!("cannot start {what}: {e}")
            }
        })?;
    let stdout = collect(child.stdout.take());
    let stderr = collect(child.stderr.take());
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(20)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{what} did not finish within {timeout:?}"));
            }
            Err(e) => return Err(format!("waiting for {what}: {e}")),
        }
    };
    let text = |h: thread::JoinHandle<String>| h.join().unwrap_or_default();
    Ok(Ran {
        status,
        stdout: text(stdout),
        stderr: text(stderr),
    })
}

/// Reads a pipe to its end on a thread of its own.
fn collect<R: Read + Send + 'static>(pipe: Option<R>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            text = String::from_utf8_lossy(&bytes).into_owned();
        }
        text
    })
}

/// Holds an exclusive `flock` on a file until dropped (closing the file releases it).
struct FileLock(File);

impl FileLock {
    fn acquire(path: &Path) -> Result<FileLock, String> {
        let file = OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(false)
            .open(path)
            .map_err(|e| format!("cannot open lock file {}: {e}", path.display()))?;
        loop {
            // SAFETY: the descriptor belongs to `file`, which is open for the whole call.
            let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) };
            if rc == 0 {
                return Ok(FileLock(file));
            }
            let err = std::io::Error::last_os_error();
            if err.kind() != ErrorKind::Interrupted {
                return Err(format!("cannot lock {}: {err}", path.display()));
            }
        }
    }
}

/// Whether `deps` already holds an importable pyzmq of the pinned version.
fn pyzmq_ready(deps: &Path) -> Result<bool, String> {
    let mut cmd = Command::new(python());
    cmd.arg("-c")
        .arg(format!(
            "import sys, zmq; sys.exit(0 if zmq.__version__ == '{PYZMQ_VERSION}' else 1)"
        ))
        .env("PYTHONPATH", deps)
        .env("PYTHONDONTWRITEBYTECODE", "1");
    Ok(run_bounded(cmd, PROBE_TIMEOUT)?.status.success())
}

fn provision() -> Result<PathBuf, String> {
    // Python 3 itself first, for a clear message when it is missing or too old.
    let mut cmd = Command::new(python());
    cmd.arg("-c")
        .arg("import sys; print(sys.version_info[0], sys.version_info[1])");
    let ran = run_bounded(cmd, PROBE_TIMEOUT)?;
    let version = ran.stdout.trim().to_owned();
    if !ran.status.success() || !version.starts_with("3 ") {
        return Err(format!(
            "{:?} is not a working Python 3 (printed {version:?}, stderr {:?})",
            python(),
            ran.stderr.trim()
        ));
    }

    let deps = deps_dir();
    let parent = deps.parent().unwrap_or(&deps).to_path_buf();
    fs::create_dir_all(&parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    let _lock = FileLock::acquire(&parent.join("pyzmq-deps.lock"))?;
    if pyzmq_ready(&deps)? {
        return Ok(deps);
    }

    // Missing, another version, or a half-finished install: start afresh.
    if deps.exists() {
        fs::remove_dir_all(&deps)
            .map_err(|e| format!("cannot remove stale {}: {e}", deps.display()))?;
    }
    let mut cmd = Command::new(python());
    cmd.args([
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        "--no-input",
    ])
    .args(["--no-warn-script-location", "--target"])
    .arg(&deps)
    .arg(format!("pyzmq=={PYZMQ_VERSION}"))
    .env("PIP_ROOT_USER_ACTION", "ignore")
    .env("PIP_REQUIRE_VIRTUALENV", "0");
    let ran = run_bounded(cmd, INSTALL_TIMEOUT)?;
    if !ran.status.success() {
        let hint = if ran.stderr.contains("No module named pip") {
            " (pip is missing: install it, e.g. the python3-pip package)"
        } else {
            ""
        };
        return Err(format!(
            "`pip install --target {} pyzmq=={PYZMQ_VERSION}` failed with {}{hint}\n\
             stdout:\n{}\nstderr:\n{}",
            deps.display(),
            ran.status,
            ran.stdout,
            ran.stderr
        ));
    }
    if !pyzmq_ready(&deps)? {
        return Err(format!(
            "pyzmq {PYZMQ_VERSION} was installed into {} but cannot be imported",
            deps.display()
        ));
    }
    Ok(deps)
}

/// A running child process, usually a pyzmq script. Dropping it kills and reaps the process.
pub struct PyProc {
    label: String,
    child: Child,
    lines: Receiver<String>,
    stdout: Vec<String>,
    stdout_done: bool,
    stderr: Option<thread::JoinHandle<String>>,
    stderr_text: String,
}

impl PyProc {
    /// Starts `tests/py/<script>` with `args` and the pinned pyzmq on `PYTHONPATH`.
    pub fn spawn<S: AsRef<str>>(script: &str, args: &[S]) -> PyProc {
        let deps = pyzmq_path();
        let args: Vec<&str> = args.iter().map(|a| a.as_ref()).collect();
        let mut cmd = Command::new(python());
        cmd.arg("-u")
            .arg(scripts_dir().join(script))
            .args(&args)
            .current_dir(scripts_dir())
            .env("PYTHONPATH", deps)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env("PYTHONUNBUFFERED", "1");
        PyProc::start(format!("python {script} {}", args.join(" ")), cmd)
    }

    /// Starts another program (e.g. one of the Rust examples) under the same supervision,
    /// through [`target_command`].
    pub fn spawn_program<S: AsRef<str>>(program: &Path, args: &[S]) -> PyProc {
        let args: Vec<&str> = args.iter().map(|a| a.as_ref()).collect();
        let mut cmd = target_command(program);
        cmd.args(&args);
        let name = program.file_name().unwrap_or(program.as_os_str());
        PyProc::start(
            format!("{} {}", name.to_string_lossy(), args.join(" ")),
            cmd,
        )
    }

    fn start(label: String, mut cmd: Command) -> PyProc {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start `{label}`: {e}"));
        let (tx, lines) = mpsc::channel();
        let out = child.stdout.take();
        thread::spawn(move || {
            if let Some(out) = out {
                for line in BufReader::new(out).lines() {
                    let Ok(line) = line else { break };
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            }
        });
        let stderr = Some(collect(child.stderr.take()));
        PyProc {
            label,
            child,
            lines,
            stdout: Vec::new(),
            stdout_done: false,
            stderr,
            stderr_text: String::new(),
        }
    }

    /// The process id, e.g. to tell workers apart.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Waits (at most [`LINE_TIMEOUT`]) for the next line that starts with `prefix`, and
    /// returns the rest of it. Lines before it are kept (see [`PyProc::lines`]).
    pub fn expect_line(&mut self, prefix: &str) -> String {
        let deadline = Instant::now() + LINE_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let rest = line.strip_prefix(prefix).map(str::to_owned);
                    self.stdout.push(line);
                    if let Some(rest) = rest {
                        return rest;
                    }
                }
                Err(RecvTimeoutError::Timeout) => self.fail(&format!(
                    "no line starting with {prefix:?} within {LINE_TIMEOUT:?}"
                )),
                Err(RecvTimeoutError::Disconnected) => {
                    self.stdout_done = true;
                    self.fail(&format!(
                        "ended without printing a line starting with {prefix:?}"
                    ))
                }
            }
        }
    }

    /// Waits for `READY <endpoint>` and returns the endpoint.
    pub fn ready(&mut self) -> String {
        self.expect_line("READY ").trim().to_owned()
    }

    /// Reads stdout to its end and waits for the exit (each at most [`EXIT_TIMEOUT`]).
    /// Returns the exit status and every stdout line, from the first.
    pub fn finish(&mut self) -> (ExitStatus, Vec<String>) {
        let deadline = Instant::now() + EXIT_TIMEOUT;
        while !self.stdout_done {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.stdout.push(line),
                Err(RecvTimeoutError::Disconnected) => self.stdout_done = true,
                Err(RecvTimeoutError::Timeout) => {
                    self.fail(&format!("still running after {EXIT_TIMEOUT:?}"))
                }
            }
        }
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(10)),
                Ok(None) => self.fail(&format!("did not exit within {EXIT_TIMEOUT:?}")),
                Err(e) => self.fail(&format!("cannot wait for the process: {e}")),
            }
        };
        self.take_stderr();
        (status, self.stdout.clone())
    }

    /// Like [`PyProc::finish`], and fails the test unless the exit status is 0.
    pub fn finish_ok(&mut self) -> Vec<String> {
        let (status, lines) = self.finish();
        if !status.success() {
            self.fail(&format!("exited with {status}"));
        }
        lines
    }

    /// Every stdout line read so far.
    pub fn lines(&self) -> &[String] {
        &self.stdout
    }

    /// What the script wrote on stderr (complete only after [`PyProc::finish`]).
    pub fn stderr(&self) -> &str {
        &self.stderr_text
    }

    fn take_stderr(&mut self) {
        if let Some(handle) = self.stderr.take() {
            self.stderr_text = handle.join().unwrap_or_default();
        }
    }

    /// Fails the test with everything the script said so far.
    pub fn fail(&mut self, what: &str) -> ! {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.take_stderr();
        panic!(
            "`{}`: {what}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.label,
            self.stdout.join("\n"),
            self.stderr_text
        );
    }
}

impl Drop for PyProc {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// The values after `prefix` of every line that starts with it, in order.
pub fn values(lines: &[String], prefix: &str) -> Vec<String> {
    lines
        .iter()
        .filter_map(|l| l.strip_prefix(prefix).map(str::to_owned))
        .collect()
}

/// A fresh directory for one test's `ipc://` endpoints, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        // Kept short: a unix socket path has room for about 100 bytes.
        let dir = std::env::temp_dir().join(format!("zsbs-{tag}-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// `ipc://<dir>/<name>`.
    pub fn ipc(&self, name: &str) -> String {
        format!("ipc://{}", self.0.join(name).display())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The two transports every side-by-side case runs over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    Tcp,
    Ipc,
}

impl Transport {
    /// An endpoint to bind: a wildcard loopback port for tcp, a fresh path in `dir` for ipc.
    /// Read the actual endpoint back after binding (`get_last_endpoint`, or a READY line).
    pub fn bind_endpoint(self, dir: &TempDir, name: &str) -> String {
        match self {
            Transport::Tcp => "tcp://127.0.0.1:*".to_owned(),
            Transport::Ipc => dir.ipc(name),
        }
    }
}
