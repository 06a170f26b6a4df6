//! Waiting for pipeline workers on async sockets, used by `async_pl_ventilator` and
//! `async_patterns` (see `pipeline.rs` for why a ventilator waits for its workers).
#![allow(dead_code)]

use zmq::asyncio::AsyncSocket;

use super::{aio, pipeline};

/// Starts watching `push` for completed handshakes. Call it before `bind`, so that no
/// connection goes unseen; returns the async socket the events arrive on.
pub fn watch(
    ctx: &zmq::Context,
    push: &AsyncSocket,
    timeout_ms: i32,
) -> Result<AsyncSocket, String> {
    let monitor = pipeline::watch(ctx, &push.socket(), timeout_ms)?;
    monitor
        .into_async()
        .map_err(|e| format!("monitor socket: {e}"))
}

/// Returns once `workers` peers of `push` finished their handshake, waiting at most
/// `timeout_ms` for each; calls `on_connect` with the count after each.
pub async fn wait_for_workers(
    push: &AsyncSocket,
    monitor: &AsyncSocket,
    workers: usize,
    timeout_ms: i32,
    mut on_connect: impl FnMut(usize),
) -> Result<(), String> {
    let mut connected = 0;
    while connected < workers {
        let what = pipeline::awaiting(connected, workers);
        let frames = aio::within(timeout_ms, &what, monitor.recv_multipart()).await?;
        if pipeline::is_handshake(&frames)? {
            connected += 1;
            on_connect(connected);
        }
    }
    // A non-blocking call, fine inside a task; made through the guard, it wakes nobody,
    // which is fine here because no other task waits on `push`.
    pipeline::attach_workers(&push.socket())
}
