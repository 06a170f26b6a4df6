//! Bounded waits on async sockets, used by the `async_*` examples (the async counterpart of
//! the socket helpers in `cli.rs`).
//!
//! A [`zmq::asyncio::AsyncSocket`] never blocks inside libzmq: it sends and receives with
//! `DONTWAIT` and waits in tokio's reactor. The socket timeouts `RCVTIMEO` and `SNDTIMEO`,
//! which bound every wait of the blocking examples, therefore never fire for it; here a tokio
//! timer bounds each wait instead, and a timeout reads like the blocking examples' one
//! (`timed out waiting for ...`).
//!
//! [`main`] is `cli::main` with a tokio runtime around `run`.
#![allow(dead_code)]

use std::future::Future;
use std::process::ExitCode;
use std::time::Duration;

use zmq::asyncio::AsyncSocket;

use super::cli;

/// [`cli::main`] for an async example: `run` is awaited on a multi-threaded tokio runtime of
/// its own (what `#[tokio::main]` would build), which is dropped with any task still running
/// (only after an error) when `run` returns.
pub fn main<C, F>(
    usage: &str,
    parse: impl FnOnce(&mut cli::Args) -> Result<C, String>,
    run: impl FnOnce(C) -> F,
) -> ExitCode
where
    F: Future<Output = cli::Outcome>,
{
    cli::main(usage, parse, |config| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start a tokio runtime: {e}"))?;
        runtime.block_on(run(config))
    })
}

/// `ms` milliseconds as a `Duration` (a negative value as zero).
pub fn millis(ms: i32) -> Duration {
    Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}

/// Awaits `op` for at most `timeout_ms`. A timeout says what was awaited; any other failure
/// is named after it too.
pub async fn within<T>(
    timeout_ms: i32,
    what: &str,
    op: impl Future<Output = zmq::Result<T>>,
) -> Result<T, String> {
    match tokio::time::timeout(millis(timeout_ms), op).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(format!("{what}: {e}")),
        Err(_elapsed) => Err(format!("timed out waiting for {what}")),
    }
}

/// A new async socket whose close is bounded (`LINGER` 2 s, as `cli::socket` sets it); its
/// sends and receives are bounded by [`within`]. Must be called inside the tokio runtime.
pub fn socket(ctx: &zmq::Context, kind: zmq::SocketType) -> Result<AsyncSocket, String> {
    let sock = ctx
        .socket(kind)
        .map_err(|e| format!("cannot create a {kind:?} socket: {e}"))?;
    sock.set_linger(2_000)
        .map_err(|e| format!("cannot set LINGER on a {kind:?} socket: {e}"))?;
    sock.into_async()
        .map_err(|e| format!("{kind:?} socket: {e}"))
}

/// Binds and returns the endpoint actually bound, as [`cli::bind`] does.
pub fn bind(sock: &AsyncSocket, endpoint: &str) -> Result<String, String> {
    cli::bind(&sock.socket(), endpoint)
}

/// Connects, with a readable error, as [`cli::connect`] does.
pub fn connect(sock: &AsyncSocket, endpoint: &str) -> Result<(), String> {
    cli::connect(&sock.socket(), endpoint)
}

/// Receives one frame as text (invalid UTF-8 replaced), waiting at most `timeout_ms`.
pub async fn recv_text(sock: &AsyncSocket, timeout_ms: i32, what: &str) -> Result<String, String> {
    let bytes = within(timeout_ms, what, sock.recv_bytes()).await?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Sends one frame of text, waiting at most `timeout_ms` for libzmq to take it (no peer yet,
/// or the high-water mark reached); `what` names the wait in the error.
pub async fn send_text(
    sock: &AsyncSocket,
    text: &str,
    timeout_ms: i32,
    what: &str,
) -> Result<(), String> {
    within(timeout_ms, what, sock.send(text, 0)).await
}
