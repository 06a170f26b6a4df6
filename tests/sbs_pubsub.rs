//! Publish-subscribe side by side with pyzmq. Every case uses the synchronised start of
//! ps_publisher.py (a REQ/REP handshake plus beacons), so nothing may be lost: the
//! subscribers must see exactly what was published, in order, filtered by their topic.

#[path = "common/py.rs"]
mod py;
#[path = "common/sbs.rs"]
mod sbs;
#[path = "common/scripts.rs"]
mod scripts;

use py::{values, TempDir, Transport};
use scripts::numbered;

const COUNT: usize = 10;

fn python_to_rust(transport: Transport) {
    let dir = TempDir::new("ps");
    let (mut publisher, endpoint, sync) =
        scripts::publisher(transport, &dir, "pub", COUNT, "message", 1);
    let ctx = zmq::Context::new();
    let got = sbs::subscribe_synced(&ctx, &[endpoint], &[sync], "", None);
    assert_eq!(got, numbered("message", COUNT));
    let lines = publisher.finish_ok();
    assert_eq!(values(&lines, "Sent: "), numbered("message", COUNT));
}

fn rust_to_python(transport: Transport) {
    let dir = TempDir::new("ps");
    let ctx = zmq::Context::new();
    let publisher = sbs::SyncPublisher::bind(
        &ctx,
        &transport.bind_endpoint(&dir, "pub.ipc"),
        &transport.bind_endpoint(&dir, "sync.ipc"),
    );
    let mut subscriber =
        scripts::subscriber(&[(&publisher.endpoint, &publisher.sync_endpoint)], None);
    publisher.run(1, COUNT, "message");
    let lines = subscriber.finish_ok();
    assert_eq!(values(&lines, "Received: "), numbered("message", COUNT));
    assert_eq!(values(&lines, "DONE "), [COUNT.to_string()]);
}

#[test]
fn python_pub_to_rust_sub_tcp() {
    python_to_rust(Transport::Tcp);
}

#[test]
fn python_pub_to_rust_sub_ipc() {
    python_to_rust(Transport::Ipc);
}

#[test]
fn rust_pub_to_python_sub_tcp() {
    rust_to_python(Transport::Tcp);
}

#[test]
fn rust_pub_to_python_sub_ipc() {
    rust_to_python(Transport::Ipc);
}

/// A subscription is a prefix: "message1" takes message1 and message10, message11, but
/// nothing else, whichever side filters.
#[test]
fn topic_prefix_filtering_both_ways() {
    let expected = ["message1", "message10", "message11"];
    let dir = TempDir::new("ps");

    // Python publishes, Rust subscribes (tcp).
    let (mut publisher, endpoint, sync) =
        scripts::publisher(Transport::Tcp, &dir, "pub", 12, "message", 1);
    let ctx = zmq::Context::new();
    let got = sbs::subscribe_synced(&ctx, &[endpoint], &[sync], "message1", None);
    assert_eq!(got, expected);
    publisher.finish_ok();

    // Rust publishes, Python subscribes (ipc).
    let publisher = sbs::SyncPublisher::bind(&ctx, &dir.ipc("rpub.ipc"), &dir.ipc("rsync.ipc"));
    let mut subscriber = scripts::subscriber(
        &[(&publisher.endpoint, &publisher.sync_endpoint)],
        Some("message1"),
    );
    publisher.run(1, 12, "message");
    let lines = subscriber.finish_ok();
    assert_eq!(values(&lines, "Received: "), expected);
}

/// Splits the messages of several publishers by prefix, keeping the order of each.
fn by_prefix(got: &[String], prefix: &str) -> Vec<String> {
    got.iter()
        .filter(|m| m.starts_with(prefix))
        .cloned()
        .collect()
}

/// One Rust SUB connected to a Python PUB and a Rust PUB gets everything from both, each
/// publisher's messages in order.
#[test]
fn rust_sub_to_python_and_rust_pubs() {
    let dir = TempDir::new("ps");
    let (mut py_pub, py_endpoint, py_sync) =
        scripts::publisher(Transport::Ipc, &dir, "pypub", COUNT, "py-", 1);
    let ctx = zmq::Context::new();
    let rust_pub = sbs::SyncPublisher::bind(&ctx, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*");
    let connects = [py_endpoint, rust_pub.endpoint.clone()];
    let syncs = [py_sync, rust_pub.sync_endpoint.clone()];
    let rust_thread = std::thread::spawn(move || rust_pub.run(1, COUNT, "rs-"));

    let got = sbs::subscribe_synced(&ctx, &connects, &syncs, "", None);
    rust_thread.join().expect("Rust publisher");
    py_pub.finish_ok();
    assert_eq!(got.len(), 2 * COUNT, "{got:?}");
    assert_eq!(by_prefix(&got, "py-"), numbered("py-", COUNT));
    assert_eq!(by_prefix(&got, "rs-"), numbered("rs-", COUNT));
}

/// One Python SUB connected to a Rust PUB and a Python PUB, the mirror image.
#[test]
fn python_sub_to_rust_and_python_pubs() {
    let dir = TempDir::new("ps");
    let (mut py_pub, py_endpoint, py_sync) =
        scripts::publisher(Transport::Tcp, &dir, "pypub", COUNT, "py-", 1);
    let ctx = zmq::Context::new();
    let rust_pub = sbs::SyncPublisher::bind(&ctx, &dir.ipc("rpub.ipc"), &dir.ipc("rsync.ipc"));
    let mut subscriber = scripts::subscriber(
        &[
            (&py_endpoint, &py_sync),
            (&rust_pub.endpoint, &rust_pub.sync_endpoint),
        ],
        None,
    );
    rust_pub.run(1, COUNT, "rs-");
    let lines = subscriber.finish_ok();
    py_pub.finish_ok();
    let got = values(&lines, "Received: ");
    assert_eq!(got.len(), 2 * COUNT, "{got:?}");
    assert_eq!(by_prefix(&got, "py-"), numbered("py-", COUNT));
    assert_eq!(by_prefix(&got, "rs-"), numbered("rs-", COUNT));
}

/// A Python PUB waits for two subscribers, one Rust and one Python; both get everything.
#[test]
fn python_pub_to_rust_and_python_subs() {
    let dir = TempDir::new("ps");
    let (mut publisher, endpoint, sync) =
        scripts::publisher(Transport::Tcp, &dir, "pub", COUNT, "message", 2);
    let mut py_sub = scripts::subscriber(&[(&endpoint, &sync)], None);
    let ctx = zmq::Context::new();
    let got = sbs::subscribe_synced(&ctx, &[endpoint], &[sync], "", None);
    assert_eq!(got, numbered("message", COUNT));
    let lines = py_sub.finish_ok();
    assert_eq!(values(&lines, "Received: "), numbered("message", COUNT));
    let lines = publisher.finish_ok();
    assert_eq!(values(&lines, "SUBSCRIBER-READY "), ["1", "2"]);
}
