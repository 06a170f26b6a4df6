//! `zmq::PollSet` (pyzmq-style, over `zmq_poll`) and, with the DRAFT API, `zmq::Poller` (over
//! `zmq_poller_*`): readiness, registration bookkeeping, timeouts, empty sets, user values
//! dropped exactly once, and no allocation per wait.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::Duration;

use common::inproc;
use zmq::{Context, PollEvents, PollSet, Socket, POLLIN, POLLOUT};

/// How long a test waits for something that should happen at once.
const WAIT: Option<Duration> = Some(Duration::from_secs(5));

/// Counts the allocations each thread makes, so a test can prove a loop allocates nothing.
struct CountingAlloc;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards every call to the system allocator unchanged; the counter is a
// const-initialised thread-local `Cell`, which never allocates.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

#[test]
fn the_allocation_counter_counts() {
    let before = allocations();
    let boxed = std::hint::black_box(Box::new(1u64));
    assert!(allocations() > before);
    drop(boxed);
}

/// A connected PUSH → PULL pair over a fresh inproc name.
fn push_pull(ctx: &Context, name: &str) -> (Socket, Socket) {
    let endpoint = inproc(name);
    let pull = common::socket(ctx, zmq::PULL);
    pull.bind(&endpoint).unwrap();
    let push = common::socket(ctx, zmq::PUSH);
    push.connect(&endpoint).unwrap();
    (push, pull)
}

/// Two connected PAIR sockets over a fresh inproc name.
fn pair(ctx: &Context, name: &str) -> (Socket, Socket) {
    let endpoint = inproc(name);
    let a = common::socket(ctx, zmq::PAIR);
    a.bind(&endpoint).unwrap();
    let b = common::socket(ctx, zmq::PAIR);
    b.connect(&endpoint).unwrap();
    (a, b)
}

#[test]
fn pollset_reports_only_the_ready_sockets_with_their_events() {
    let ctx = Context::new();
    let (push_a, pull_a) = push_pull(&ctx, "ps-ready-a");
    let (_push_b, pull_b) = push_pull(&ctx, "ps-ready-b");
    let mut set = PollSet::new();
    set.register(&pull_a, POLLIN);
    set.register(&pull_b, POLLIN);
    assert_eq!(set.len(), 2);

    push_a.send("job", 0).unwrap();
    let ready = set.poll(WAIT).unwrap();
    assert_eq!(ready.len(), 1);
    assert_eq!(ready.events(&pull_a), POLLIN);
    assert!(ready.events(&pull_b).is_empty());
    let pairs: Vec<_> = ready.iter().collect();
    assert_eq!(pairs.len(), 1);
    assert!(pairs[0].0.is_socket(&pull_a) && !pairs[0].0.is_socket(&pull_b));
    assert_eq!(pairs[0].1, POLLIN);
    // The ready socket is handed back for use.
    let socket = pairs[0].0.socket().unwrap();
    assert_eq!(socket.recv_bytes(0).unwrap(), b"job");
}

#[test]
fn pollset_timeout_is_ok_with_nothing_ready() {
    let ctx = Context::new();
    let (_push, pull) = push_pull(&ctx, "ps-timeout");
    let mut set = PollSet::new();
    set.register(&pull, POLLIN);
    let ready = set.poll(Some(Duration::from_millis(20))).unwrap();
    assert!(ready.is_empty());
    assert_eq!(ready.iter().count(), 0);
    assert!(set.poll(Some(Duration::ZERO)).unwrap().is_empty());
}

#[test]
fn pollset_reregistering_replaces_the_events() {
    let ctx = Context::new();
    let (a, b) = pair(&ctx, "ps-rereg");
    b.send("x", 0).unwrap();
    let mut set = PollSet::new();
    set.register(&a, POLLIN | POLLOUT);
    assert_eq!(set.poll(WAIT).unwrap().events(&a), POLLIN | POLLOUT);

    set.register(&a, POLLIN);
    assert_eq!(set.len(), 1, "re-registering must not add a second entry");
    assert_eq!(set.poll(WAIT).unwrap().events(&a), POLLIN);

    set.register(&a, POLLOUT);
    assert_eq!(set.poll(WAIT).unwrap().events(&a), POLLOUT);
}

#[test]
fn pollset_registering_no_events_unregisters() {
    let ctx = Context::new();
    let (a, b) = pair(&ctx, "ps-noevents");
    let mut set = PollSet::new();
    set.register(&a, POLLOUT);
    set.register(&b, PollEvents::empty());
    assert_eq!(set.len(), 1, "no events for an unknown socket adds nothing");
    set.register(&a, PollEvents::empty());
    assert!(set.is_empty());
    assert_eq!(set.unregister(&a), Err(zmq::Error::EINVAL));
}

#[test]
fn pollset_unregistering_what_is_not_there_is_einval() {
    let ctx = Context::new();
    let (a, b) = pair(&ctx, "ps-unreg");
    let mut set = PollSet::new();
    set.register(&a, POLLOUT);
    assert_eq!(set.unregister(&b), Err(zmq::Error::EINVAL));
    assert_eq!(set.unregister_fd(0), Err(zmq::Error::EINVAL));
    assert_eq!(set.unregister(&a), Ok(()));
    assert_eq!(set.unregister(&a), Err(zmq::Error::EINVAL));
    assert!(set.is_empty());
    // Unregistered sockets are no longer reported.
    set.register(&b, POLLOUT);
    let ready = set.poll(WAIT).unwrap();
    assert!(ready.events(&a).is_empty());
    assert_eq!(ready.events(&b), POLLOUT);
}

#[test]
fn pollset_empty_sleeps_for_a_timeout_and_refuses_to_wait_forever() {
    let mut set = PollSet::new();
    assert!(set.poll(Some(Duration::from_millis(5))).unwrap().is_empty());
    assert_eq!(set.poll(None).unwrap_err(), zmq::Error::EINVAL);
}

#[cfg(unix)]
#[test]
fn pollset_watches_file_descriptors_next_to_sockets() {
    use std::io::Write;
    use std::os::unix::io::AsRawFd;
    use std::os::unix::net::UnixStream;

    let ctx = Context::new();
    let (push, pull) = push_pull(&ctx, "ps-fd");
    let (mut writer, reader) = UnixStream::pair().unwrap();
    let mut set = PollSet::new();
    set.register(&pull, POLLIN);
    set.register_fd(reader.as_raw_fd(), POLLIN);
    assert!(set.poll(Some(Duration::ZERO)).unwrap().is_empty());

    writer.write_all(b"!").unwrap();
    push.send("job", 0).unwrap();
    let mut seen = Vec::new();
    // Both may not be ready in the same call; collect within a bounded number of polls.
    for _ in 0..100 {
        for (source, events) in &set.poll(WAIT).unwrap() {
            assert_eq!(events, POLLIN);
            if source.is_fd(reader.as_raw_fd()) && !seen.contains(&"fd") {
                seen.push("fd");
            } else if source.is_socket(&pull) && !seen.contains(&"socket") {
                seen.push("socket");
            }
        }
        if seen.len() == 2 {
            break;
        }
    }
    seen.sort_unstable();
    assert_eq!(seen, ["fd", "socket"]);
    assert_eq!(
        set.poll(Some(Duration::ZERO))
            .unwrap()
            .events_fd(reader.as_raw_fd()),
        POLLIN
    );
    set.unregister_fd(reader.as_raw_fd()).unwrap();
    assert_eq!(set.len(), 1);
}

#[test]
fn pollset_poll_allocates_nothing() {
    let ctx = Context::new();
    let (a, b) = pair(&ctx, "ps-alloc");
    let (_push, pull) = push_pull(&ctx, "ps-alloc-idle");
    let mut set = PollSet::new();
    set.register(&a, POLLOUT);
    set.register(&pull, POLLIN);
    set.register(&b, POLLIN);
    assert_eq!(set.poll(WAIT).unwrap().len(), 1);

    let before = allocations();
    for _ in 0..100 {
        let ready = set.poll(WAIT).unwrap();
        assert_eq!(ready.events(&a), POLLOUT);
        assert_eq!(ready.iter().count(), 1);
    }
    assert_eq!(allocations() - before, 0, "PollSet::poll allocated");
}

#[cfg(zmq_draft)]
mod draft {
    use std::rc::Rc;

    use super::*;
    use zmq::Poller;

    /// Counts how often values made by one `DropCounter` are dropped.
    #[derive(Clone, Default)]
    struct DropCounter(Rc<Cell<usize>>);

    struct Tracked(&'static str, Rc<Cell<usize>>);

    impl Drop for Tracked {
        fn drop(&mut self) {
            self.1.set(self.1.get() + 1);
        }
    }

    impl DropCounter {
        fn value(&self, name: &'static str) -> Tracked {
            Tracked(name, self.0.clone())
        }

        fn drops(&self) -> usize {
            self.0.get()
        }
    }

    #[test]
    fn poller_returns_the_ready_items_with_their_values() {
        let ctx = Context::new();
        let (push_a, pull_a) = push_pull(&ctx, "pl-ready-a");
        let (_push_b, pull_b) = push_pull(&ctx, "pl-ready-b");
        let (push_c, pull_c) = push_pull(&ctx, "pl-ready-c");
        let mut poller = Poller::new().unwrap();
        poller.add(&pull_a, POLLIN, "a").unwrap();
        poller.add(&pull_b, POLLIN, "b").unwrap();
        poller.add(&pull_c, POLLIN, "c").unwrap();
        assert_eq!(poller.len(), 3);

        push_a.send("to a", 0).unwrap();
        push_c.send("to c", 0).unwrap();
        let mut got = Vec::new();
        // Both inproc pipes are ready at once, but allow a second wait if libzmq saw one late.
        for _ in 0..100 {
            for event in poller.wait(WAIT).unwrap() {
                assert_eq!(event.events(), POLLIN);
                assert!(event.fd().is_none());
                let text = event.socket().unwrap().recv_string(0).unwrap().unwrap();
                got.push((*event.value(), text));
            }
            if got.len() == 2 {
                break;
            }
        }
        got.sort();
        assert_eq!(got, [("a", "to a".to_string()), ("c", "to c".to_string())]);
        // Nothing left: the next wait times out.
        assert_eq!(poller.wait(Some(Duration::ZERO)).unwrap().len(), 0);
    }

    #[test]
    fn poller_timeout_is_ok_with_no_events() {
        let ctx = Context::new();
        let (_push, pull) = push_pull(&ctx, "pl-timeout");
        let mut poller = Poller::new().unwrap();
        poller.add(&pull, POLLIN, ()).unwrap();
        assert_eq!(
            poller
                .wait(Some(Duration::from_millis(20)))
                .unwrap()
                .count(),
            0
        );
        assert_eq!(poller.wait(Some(Duration::ZERO)).unwrap().count(), 0);
    }

    #[test]
    fn poller_with_nothing_to_wait_for_sleeps_or_refuses_to_hang() {
        let ctx = Context::new();
        let (a, _b) = pair(&ctx, "pl-paused");
        let mut poller: Poller<'_, ()> = Poller::new().unwrap();
        assert!(poller.is_empty());
        assert_eq!(
            poller.wait(Some(Duration::from_millis(5))).unwrap().count(),
            0
        );
        assert_eq!(poller.wait(None).unwrap_err(), zmq::Error::EINVAL);

        // Every registration paused: the same.
        poller.add(&a, PollEvents::empty(), ()).unwrap();
        assert_eq!(poller.wait(None).unwrap_err(), zmq::Error::EINVAL);
        assert_eq!(
            poller.wait(Some(Duration::from_millis(5))).unwrap().count(),
            0
        );
        // Re-enabled, it waits (and `a` is writable at once).
        poller.modify(&a, POLLOUT).unwrap();
        assert_eq!(poller.wait(None).unwrap().count(), 1);
        poller.modify(&a, PollEvents::empty()).unwrap();
        assert_eq!(poller.wait(None).unwrap_err(), zmq::Error::EINVAL);
    }

    #[test]
    fn poller_modify_changes_what_is_reported() {
        let ctx = Context::new();
        let (a, _b) = pair(&ctx, "pl-modify");
        let mut poller = Poller::new().unwrap();
        poller.add(&a, POLLIN, 7u32).unwrap();
        assert_eq!(poller.wait(Some(Duration::ZERO)).unwrap().count(), 0);
        poller.modify(&a, POLLIN | POLLOUT).unwrap();
        let events: Vec<_> = poller
            .wait(WAIT)
            .unwrap()
            .map(|e| (*e.value(), e.events(), e.source().is_socket(&a)))
            .collect();
        assert_eq!(events, [(7, POLLOUT, true)]);
    }

    #[test]
    fn poller_bookkeeping_errors_are_einval() {
        let ctx = Context::new();
        let (a, b) = pair(&ctx, "pl-einval");
        let mut poller = Poller::new().unwrap();
        poller.add(&a, POLLIN, "a").unwrap();
        assert_eq!(poller.add(&a, POLLOUT, "again"), Err(zmq::Error::EINVAL));
        assert_eq!(poller.modify(&b, POLLIN), Err(zmq::Error::EINVAL));
        assert_eq!(poller.remove(&b), Err(zmq::Error::EINVAL));
        assert_eq!(poller.modify_fd(0, POLLIN), Err(zmq::Error::EINVAL));
        assert_eq!(poller.remove_fd(0), Err(zmq::Error::EINVAL));
        assert_eq!(poller.len(), 1);
        assert_eq!(poller.remove(&a), Ok("a"));
        assert_eq!(poller.remove(&a), Err(zmq::Error::EINVAL));
        assert!(poller.is_empty());
        // Removed, it can be added again.
        poller.add(&a, POLLOUT, "back").unwrap();
        let values: Vec<_> = poller.wait(WAIT).unwrap().map(|e| *e.value()).collect();
        assert_eq!(values, ["back"]);
    }

    #[test]
    fn poller_values_are_dropped_exactly_once_on_remove() {
        let ctx = Context::new();
        let (a, b) = pair(&ctx, "pl-drop-remove");
        let counter = DropCounter::default();
        let mut poller = Poller::new().unwrap();
        poller.add(&a, POLLIN, counter.value("a")).unwrap();
        poller.add(&b, POLLIN, counter.value("b")).unwrap();
        let removed = poller.remove(&a).unwrap();
        assert_eq!(removed.0, "a");
        assert_eq!(counter.drops(), 0, "remove hands the value back");
        drop(removed);
        assert_eq!(counter.drops(), 1);
        drop(poller);
        assert_eq!(counter.drops(), 2);
    }

    #[test]
    fn poller_values_are_dropped_exactly_once_with_the_poller() {
        let ctx = Context::new();
        let (a, b) = pair(&ctx, "pl-drop-poller");
        let counter = DropCounter::default();
        {
            let mut poller = Poller::new().unwrap();
            poller.add(&a, POLLIN, counter.value("a")).unwrap();
            poller.add(&b, POLLOUT, counter.value("b")).unwrap();
            poller.modify(&a, POLLOUT).unwrap();
            assert!(poller.wait(WAIT).unwrap().count() >= 1);
            assert_eq!(counter.drops(), 0);
        }
        assert_eq!(counter.drops(), 2);
    }

    #[test]
    fn poller_values_of_failed_adds_are_dropped_exactly_once() {
        let ctx = Context::new();
        let (a, _b) = pair(&ctx, "pl-drop-fail");
        let counter = DropCounter::default();
        let mut poller = Poller::new().unwrap();
        poller.add(&a, POLLIN, counter.value("first")).unwrap();
        // Refused by the poller's own bookkeeping: already registered.
        assert_eq!(
            poller.add(&a, POLLIN, counter.value("dup")).map(drop),
            Err(zmq::Error::EINVAL)
        );
        assert_eq!(counter.drops(), 1);
        // Refused by libzmq: -1 is its retired descriptor.
        #[cfg(unix)]
        {
            assert_eq!(
                poller.add_fd(-1, POLLIN, counter.value("bad fd")).map(drop),
                Err(zmq::Error::EBADF)
            );
            assert_eq!(counter.drops(), 2);
        }
        assert_eq!(poller.len(), 1);
        let first = poller.remove(&a).unwrap();
        assert_eq!(first.0, "first");
        let before = counter.drops();
        drop(first);
        assert_eq!(counter.drops(), before + 1);
    }

    #[cfg(unix)]
    #[test]
    fn poller_watches_file_descriptors() {
        use std::io::Write;
        use std::os::unix::io::AsRawFd;
        use std::os::unix::net::UnixStream;

        let (mut writer, reader) = UnixStream::pair().unwrap();
        let mut poller = Poller::new().unwrap();
        poller.add_fd(reader.as_raw_fd(), POLLIN, "pipe").unwrap();
        assert_eq!(
            poller.add_fd(reader.as_raw_fd(), POLLIN, "again"),
            Err(zmq::Error::EINVAL)
        );
        assert_eq!(poller.wait(Some(Duration::ZERO)).unwrap().count(), 0);
        writer.write_all(b"!").unwrap();
        let events: Vec<_> = poller
            .wait(WAIT)
            .unwrap()
            .map(|e| (*e.value(), e.fd(), e.socket().is_none(), e.events()))
            .collect();
        assert_eq!(events, [("pipe", Some(reader.as_raw_fd()), true, POLLIN)]);
        poller.modify_fd(reader.as_raw_fd(), POLLOUT).unwrap();
        let events: Vec<_> = poller.wait(WAIT).unwrap().map(|e| e.events()).collect();
        assert_eq!(events, [POLLOUT]);
        assert_eq!(poller.remove_fd(reader.as_raw_fd()), Ok("pipe"));
    }

    #[test]
    fn poller_handles_thread_safe_sockets_and_has_an_fd_only_then() {
        let ctx = Context::new();
        let endpoint = inproc("pl-threadsafe");
        let server = ctx.socket(zmq::SERVER).unwrap();
        server.bind(&endpoint).unwrap();
        let client = ctx.socket(zmq::CLIENT).unwrap();
        client.connect(&endpoint).unwrap();
        let (_push, pull) = push_pull(&ctx, "pl-threadsafe-pull");

        let mut poller = Poller::new().unwrap();
        poller.add(&pull, POLLIN, "pull").unwrap();
        assert_eq!(poller.fd(), Err(zmq::Error::EINVAL));
        poller.add(&server, POLLIN, "server").unwrap();
        assert!(poller.fd().is_ok());

        client.send("hello", 0).unwrap();
        let values: Vec<_> = poller.wait(WAIT).unwrap().map(|e| *e.value()).collect();
        assert_eq!(values, ["server"]);
        let mut msg = zmq::Message::new();
        server.recv(&mut msg, 0).unwrap();
        assert_eq!(&msg[..], b"hello");
    }

    #[test]
    fn poller_wait_allocates_nothing_once_warm() {
        let ctx = Context::new();
        let (a, b) = pair(&ctx, "pl-alloc");
        let (_push, pull) = push_pull(&ctx, "pl-alloc-idle");
        let mut poller = Poller::new().unwrap();
        poller.add(&a, POLLOUT, 1).unwrap();
        poller.add(&pull, POLLIN, 2).unwrap();
        poller.add(&b, POLLIN, 3).unwrap();
        assert_eq!(poller.wait(WAIT).unwrap().count(), 1);

        let before = allocations();
        for _ in 0..100 {
            let mut events = poller.wait(WAIT).unwrap();
            let event = events.next().unwrap();
            assert_eq!((*event.value(), event.events()), (1, POLLOUT));
            assert!(events.next().is_none());
        }
        assert_eq!(allocations() - before, 0, "Poller::wait allocated");
    }
}
