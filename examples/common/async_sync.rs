//! The synchronised start of publish-subscribe (see `sync.rs` for the protocol) on async
//! sockets, used by `async_ps_publisher`, `async_ps_subscriber` and `async_patterns`.
//!
//! Message for message the same as `sync.rs`, so async and blocking peers (and the pyzmq
//! scripts in `tests/py/`) mix freely. Where the blocking publisher alternates a beacon and a
//! 10 ms poll of its REP socket, the async one waits for both at once: a request is answered
//! as soon as it arrives, and a beacon goes out every 10 ms meanwhile.
#![allow(dead_code)]

use std::time::Duration;

use zmq::asyncio::AsyncSocket;

use super::aio;
use super::sync::{answer, beacon, not_synchronised, Progress, BEACON_INTERVAL_MS};

/// The publisher's side up to the data: beacons on `publisher` and answers on `sync` until
/// `subscribers` subscribers said `ready`, within `timeout_ms` in all; calls `on_ready` with
/// the count after each.
pub async fn wait_for_subscribers(
    publisher: &AsyncSocket,
    sync: &AsyncSocket,
    token: &str,
    subscribers: usize,
    timeout_ms: i32,
    mut on_ready: impl FnMut(usize),
) -> Result<(), String> {
    let deadline = tokio::time::sleep(aio::millis(timeout_ms));
    tokio::pin!(deadline);
    let interval = Duration::from_millis(u64::try_from(BEACON_INTERVAL_MS).unwrap_or(10));
    let mut beacons = tokio::time::interval(interval);
    beacons.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let beacon_text = beacon(token);
    let mut ready = 0;
    while ready < subscribers {
        tokio::select! {
            () = &mut deadline => {
                return Err(not_synchronised(ready, subscribers, timeout_ms));
            }
            _ = beacons.tick() => {
                // A PUB socket never waits: without subscribers the beacon is dropped.
                aio::send_text(publisher, &beacon_text, timeout_ms, "the beacon to go out").await?;
            }
            // A receive that loses this race has taken nothing (the futures of AsyncSocket
            // are cancel-safe), so no request is lost between two beacons.
            request = sync.recv_bytes() => {
                let request = request.map_err(|e| format!("sync request: {e}"))?;
                let (reply, is_ready) = answer(&request, token);
                if is_ready {
                    ready += 1;
                    on_ready(ready);
                }
                aio::send_text(sync, reply, timeout_ms, "the sync answer to go out").await?;
            }
        }
    }
    Ok(())
}

/// The subscriber's side: one REQ socket per publisher's sync endpoint.
pub struct Subscription {
    requesters: Vec<(String, AsyncSocket)>,
    progress: Progress,
    timeout_ms: i32,
}

impl Subscription {
    /// Subscribes `sub` (already subscribed to its data topic) to the control prefix and
    /// says `hello` to every sync endpoint.
    pub async fn start(
        ctx: &zmq::Context,
        sub: &AsyncSocket,
        sync_endpoints: &[String],
        timeout_ms: i32,
    ) -> Result<Subscription, String> {
        sub.socket()
            .set_subscribe(b"!")
            .map_err(|e| format!("subscribe: {e}"))?;
        let mut requesters = Vec::new();
        for endpoint in sync_endpoints {
            let req = aio::socket(ctx, zmq::REQ)?;
            req.socket()
                .set_linger(0)
                .map_err(|e| format!("REQ socket: {e}"))?;
            aio::connect(&req, endpoint)?;
            aio::send_text(&req, "hello", timeout_ms, "the sync socket").await?;
            let token = aio::recv_text(&req, timeout_ms, "the publisher's token").await?;
            requesters.push((token, req));
        }
        let progress = Progress::new(requesters.iter().map(|(t, _)| t.clone()).collect());
        Ok(Subscription {
            requesters,
            progress,
            timeout_ms,
        })
    }

    /// Handles one received message. Returns whether `text` was a control message (not
    /// data), and `Some(token)` of a publisher that just synchronised.
    pub async fn handle(&mut self, text: &str) -> Result<(bool, Option<String>), String> {
        let (control, synced) = self.progress.handle(text);
        if let Some(token) = synced {
            if let Some((_, req)) = self.requesters.iter().find(|(t, _)| t == token) {
                aio::send_text(req, "ready", self.timeout_ms, "the sync socket").await?;
                aio::recv_text(req, self.timeout_ms, "go").await?;
            }
        }
        Ok((control, synced.map(str::to_owned)))
    }

    /// Whether every publisher sent its end marker.
    pub fn all_ended(&self) -> bool {
        self.progress.all_ended()
    }
}
