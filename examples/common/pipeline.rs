//! Waiting for pipeline workers, used by `pl_ventilator` and `patterns`; the async twins
//! (`async_pipeline.rs`) share the decoding of the events.
//!
//! A PUSH socket deals messages round robin over the peers connected at that moment, so a
//! ventilator that starts before all its workers are there gives the early ones everything.
//! The ventilator therefore watches its own socket (libzmq's socket monitor) and starts only
//! when the expected number of workers finished their handshake.
#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};

/// Starts watching `push` for completed handshakes. Call it before `bind`, so that no
/// connection goes unseen; returns the socket the events arrive on.
pub fn watch(
    ctx: &zmq::Context,
    push: &zmq::Socket,
    timeout_ms: i32,
) -> Result<zmq::Socket, String> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let endpoint = format!("inproc://ventilator-monitor-{n}");
    push.monitor(&endpoint, zmq::SocketEvent::HANDSHAKE_SUCCEEDED as i32)
        .map_err(|e| format!("cannot monitor the PUSH socket: {e}"))?;
    let monitor = super::cli::socket(ctx, zmq::PAIR, timeout_ms)
        .map_err(|e| format!("monitor socket: {e}"))?;
    monitor
        .connect(&endpoint)
        .map_err(|e| format!("cannot connect the monitor: {e}"))?;
    Ok(monitor)
}

/// Whether a monitor event (its frames) is a completed handshake, that is, one more worker.
pub fn is_handshake(frames: &[Vec<u8>]) -> Result<bool, String> {
    // First frame: the event as a native-endian u16, then a 32-bit value.
    let event = match frames.first() {
        Some(f) if f.len() >= 2 => u16::from_ne_bytes([f[0], f[1]]),
        _ => return Err("malformed monitor event".to_owned()),
    };
    Ok(event == zmq::SocketEvent::HANDSHAKE_SUCCEEDED as u16)
}

/// What a wait for workers says while `connected` of `workers` are there.
pub fn awaiting(connected: usize, workers: usize) -> String {
    format!("workers ({connected} of {workers} connected)")
}

/// Makes `push` take in the connections it has been told of. libzmq adds a new connection
/// to the socket when the socket next processes its commands; reading ZMQ_EVENTS makes it
/// do so now, before the first task goes out.
pub fn attach_workers(push: &zmq::Socket) -> Result<(), String> {
    push.get_events()
        .map_err(|e| format!("cannot read the PUSH socket's events: {e}"))?;
    Ok(())
}

/// Returns once `workers` peers of `push` finished their handshake; calls `on_connect`
/// with the count after each.
pub fn wait_for_workers(
    push: &zmq::Socket,
    monitor: &zmq::Socket,
    workers: usize,
    mut on_connect: impl FnMut(usize),
) -> Result<(), String> {
    let mut connected = 0;
    while connected < workers {
        let frames = monitor
            .recv_multipart(0)
            .map_err(super::cli::waiting_for(&awaiting(connected, workers)))?;
        if is_handshake(&frames)? {
            connected += 1;
            on_connect(connected);
        }
    }
    attach_workers(push)
}
