//! Command-line handling shared by the examples: std only, and no panics on any input.
//!
//! Each example has a usage text, a `parse` function that turns the arguments into its
//! settings, and a `run` function; [`main`] ties them together: `--help` prints the usage,
//! a bad argument prints the problem and the usage and exits with status 2, a failure while
//! running prints the error and exits with status 1.
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
