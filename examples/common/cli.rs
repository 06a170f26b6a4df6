//! Command-line handling shared by the examples: std only, and no panics on any input.
//!
//! Each example has a usage text, a `parse` function that turns the arguments into its
//! settings, and a `run` function; [`main`] ties them together: `--help` prints the usage,
//! a bad argument prints the problem and the usage and exits with status 2, a failure while
//! running prints the error and exits with status 1. A role's usage text is a [`Usage`],
//! written once for the role's blocking example and its async one (`roles.rs` has them).
#![allow(dead_code)]

use std::error::Error;
use std::process::ExitCode;
use std::str::FromStr;

/// What an example's `run` returns.
pub type Outcome = Result<(), Box<dyn Error + Send + Sync>>;

/// The arguments after the program name, consumed flag by flag.
pub struct Args {
    items: std::vec::IntoIter<String>,
    /// The value of a `--flag=value` argument, until [`Args::value`] takes it.
    inline: Option<(String, String)>,
}

impl Args {
    /// The next argument; `--flag=value` comes back as `--flag` (the value is kept for
    /// [`Args::value`]).
    pub fn next(&mut self) -> Result<Option<String>, String> {
        if let Some((flag, _)) = self.inline.take() {
            return Err(format!("{flag} does not take a value"));
        }
        let Some(arg) = self.items.next() else {
            return Ok(None);
        };
        if arg.starts_with("--") {
            if let Some((flag, value)) = arg.split_once('=') {
                self.inline = Some((flag.to_owned(), value.to_owned()));
                return Ok(Some(flag.to_owned()));
            }
        }
        Ok(Some(arg))
    }

    /// The value that follows `flag`.
    pub fn value(&mut self, flag: &str) -> Result<String, String> {
        if let Some((_, value)) = self.inline.take() {
            return Ok(value);
        }
        self.items
            .next()
            .ok_or_else(|| format!("{flag} needs a value"))
    }

    /// The value that follows `flag`, as a number.
    pub fn number<T: FromStr>(&mut self, flag: &str) -> Result<T, String> {
        let text = self.value(flag)?;
        text.parse()
            .map_err(|_| format!("{flag} needs a number, not {text:?}"))
    }

    /// The value that follows `flag`, as a number of at least `min`.
    pub fn number_from<T: FromStr + PartialOrd + std::fmt::Display>(
        &mut self,
        flag: &str,
        min: T,
    ) -> Result<T, String> {
        let n: T = self.number(flag)?;
        if n < min {
            return Err(format!("{flag} must be at least {min}, not {n}"));
        }
        Ok(n)
    }
}

/// How an example drives its sockets. Each role has a blocking example (`rr_server`) and an
/// async one (`async_rr_server`) with the same arguments; only the usage text tells them apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Runtime {
    /// Blocking sockets, bounded by their timeouts.
    Blocking,
    /// Async sockets (`zmq::asyncio`) on a tokio runtime.
    Tokio,
}

/// The usage text of a role, written once for its blocking and its async example.
pub struct Usage {
    /// The blocking example's name; the async example is `async_<name>`.
    pub name: &'static str,
    /// What follows `Usage: <program>`, a line each; the later lines are indented under the
    /// first option.
    pub synopsis: &'static [&'static str],
    /// What the role does, as the blocking example says it. The async example says
    /// `, on a tokio runtime` before the first colon, and wraps the paragraph anew.
    pub about: &'static str,
    /// Options and output, the same for both.
    pub details: &'static str,
}

/// The width the async examples' usage paragraphs are wrapped to.
const WRAP_WIDTH: usize = 90;

impl Usage {
    /// The program name for `runtime`.
    pub fn program(&self, runtime: Runtime) -> String {
        match runtime {
            Runtime::Blocking => self.name.to_owned(),
            Runtime::Tokio => format!("async_{}", self.name),
        }
    }

    /// The text `--help` prints.
    pub fn text(&self, runtime: Runtime) -> String {
        let program = self.program(runtime);
        let indent = " ".repeat("Usage: ".len() + program.chars().count() + 1);
        let synopsis = self.synopsis.join(&format!("\n{indent}"));
        let about = match runtime {
            Runtime::Blocking => self.about.to_owned(),
            Runtime::Tokio => wrap(
                &self.about.replacen(':', ", on a tokio runtime:", 1),
                WRAP_WIDTH,
            ),
        };
        format!("Usage: {program} {synopsis}\n\n{about}\n\n{}", self.details)
    }
}

/// `text` with its words refilled into lines of at most `width` characters.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line_len = 0;
    for word in text.split_whitespace() {
        let word_len = word.chars().count();
        if line_len > 0 && line_len + 1 + word_len > width {
            out.push('\n');
            line_len = 0;
        } else if line_len > 0 {
            out.push(' ');
            line_len += 1;
        }
        out.push_str(word);
        line_len += word_len;
    }
    out
}

/// The error for an argument nobody expected.
pub fn unexpected(arg: &str) -> String {
    if arg.starts_with('-') {
        format!("unknown option {arg:?}")
    } else {
        format!("unexpected argument {arg:?}")
    }
}

/// Parses the command line with `parse` and runs `run` with the result.
pub fn main<C>(
    usage: &str,
    parse: impl FnOnce(&mut Args) -> Result<C, String>,
    run: impl FnOnce(C) -> Outcome,
) -> ExitCode {
    let mut items = Vec::new();
    for arg in std::env::args_os().skip(1) {
        match arg.into_string() {
            Ok(arg) => items.push(arg),
            Err(arg) => {
                eprintln!("error: argument {arg:?} is not valid UTF-8\n\n{usage}");
                return ExitCode::from(2);
            }
        }
    }
    if items.iter().any(|a| a == "--help" || a == "-h") {
        print!("{usage}");
        return ExitCode::SUCCESS;
    }
    let mut args = Args {
        items: items.into_iter(),
        inline: None,
    };
    let config = match parse(&mut args) {
        Ok(config) => config,
        Err(problem) => {
            eprintln!("error: {problem}\n\n{usage}");
            return ExitCode::from(2);
        }
    };
    match run(config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Turns a failed receive or send into a readable error: a timeout (`EAGAIN` after
/// RCVTIMEO/SNDTIMEO) says what was awaited.
pub fn waiting_for(what: &str) -> impl FnOnce(zmq::Error) -> String + '_ {
    move |e| {
        if e == zmq::Error::EAGAIN {
            format!("timed out waiting for {what}")
        } else {
            format!("{what}: {e}")
        }
    }
}

/// A socket whose receives, sends and close all have an end.
pub fn socket(
    ctx: &zmq::Context,
    kind: zmq::SocketType,
    timeout_ms: i32,
) -> zmq::Result<zmq::Socket> {
    let sock = ctx.socket(kind)?;
    sock.set_rcvtimeo(timeout_ms)?;
    sock.set_sndtimeo(timeout_ms)?;
    sock.set_linger(2_000)?;
    Ok(sock)
}

/// Connects, with a readable error.
pub fn connect(sock: &zmq::Socket, endpoint: &str) -> Result<(), String> {
    sock.connect(endpoint)
        .map_err(|e| format!("cannot connect {endpoint}: {e}"))
}

/// Binds and returns the endpoint actually bound, with a wildcard port (`tcp://host:*`)
/// resolved.
pub fn bind(sock: &zmq::Socket, endpoint: &str) -> Result<String, String> {
    sock.bind(endpoint)
        .map_err(|e| format!("cannot bind {endpoint}: {e}"))?;
    match sock.get_last_endpoint() {
        Ok(Ok(bound)) => Ok(bound),
        Ok(Err(_)) => Err(format!("bound {endpoint}, but its name is not UTF-8")),
        Err(e) => Err(format!("bound {endpoint}, but cannot read it back: {e}")),
    }
}

/// Receives one frame as text (invalid UTF-8 replaced), with a readable error.
pub fn recv_text(sock: &zmq::Socket, what: &str) -> Result<String, String> {
    let bytes = sock.recv_bytes(0).map_err(waiting_for(what))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Replaces every `{}` in `template` with `value`.
pub fn fill(template: &str, value: &str) -> String {
    template.replace("{}", value)
}
