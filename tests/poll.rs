//! `zmq::poll`, `PollItem` and `Socket::poll`, over sockets and raw file descriptors.

use std::time::{Duration, Instant};

use zmq::{Context, PollEvents, PollItem, Socket, DONTWAIT, POLLERR, POLLIN, POLLOUT};

/// How long a test waits for something that should happen at once.
const WAIT_MS: i64 = 5000;

/// A connected PUSH → PULL pair over a fresh inproc name.
fn push_pull(ctx: &Context, name: &str) -> (Socket, Socket) {
    let pull = ctx.socket(zmq::PULL).unwrap();
    pull.bind(&format!("inproc://poll-{name}")).unwrap();
    let push = ctx.socket(zmq::PUSH).unwrap();
    push.connect(&format!("inproc://poll-{name}")).unwrap();
    (push, pull)
}

#[test]
fn socket_poll_times_out_then_reports_input() {
    let ctx = Context::new();
    let (push, pull) = push_pull(&ctx, "socket-poll");

    let start = Instant::now();
    assert_eq!(pull.poll(POLLIN, 50).unwrap(), 0);
    assert!(
        start.elapsed() >= Duration::from_millis(40),
        "returned before the timeout"
    );
    assert_eq!(pull.poll(POLLIN, 0).unwrap(), 0);

    push.send("one", 0).unwrap();
    assert_eq!(pull.poll(POLLIN, WAIT_MS).unwrap(), 1);
    // Polling does not consume the message.
    assert_eq!(pull.poll(POLLIN, 0).unwrap(), 1);
    assert_eq!(pull.recv_bytes(DONTWAIT).unwrap(), b"one");
    assert_eq!(pull.poll(POLLIN, 0).unwrap(), 0);
}

#[test]
fn socket_poll_timeout_takes_a_duration() {
    let ctx = Context::new();
    let (push, pull) = push_pull(&ctx, "socket-poll-timeout");
    let start = Instant::now();
    assert_eq!(
        pull.poll_timeout(POLLIN, Some(Duration::from_millis(30)))
            .unwrap(),
        0
    );
    assert!(start.elapsed() >= Duration::from_millis(25));
    // A sub-millisecond wait is rounded up, not turned into a zero-time poll; either way
    // nothing is there.
    assert_eq!(
        pull.poll_timeout(POLLIN, Some(Duration::from_micros(10)))
            .unwrap(),
        0
    );

    push.send("x", 0).unwrap();
    // `None` waits forever, but the message is (or is about to be) there.
    assert_eq!(pull.poll_timeout(POLLIN, None).unwrap(), 1);
    assert_eq!(push.poll_timeout(POLLOUT, Some(Duration::ZERO)).unwrap(), 1);
}

#[test]
fn poll_items_report_revents_for_req_rep() {
    let ctx = Context::new();
    let receiver = ctx.socket(zmq::REP).unwrap();
    receiver.bind("inproc://poll-req-rep").unwrap();
    let sender = ctx.socket(zmq::REQ).unwrap();
    sender.connect("inproc://poll-req-rep").unwrap();

    let mut items = vec![receiver.as_poll_item(POLLIN | POLLOUT)];
    assert_eq!(items[0].get_revents(), PollEvents::empty());
    // A REP socket that has not received cannot send, and nothing is there yet.
    assert_eq!(zmq::poll(&mut items, 0).unwrap(), 0);
    assert_eq!(items[0].get_revents(), PollEvents::empty());

    sender.send("foo", 0).unwrap();
    assert_eq!(zmq::poll(&mut items, WAIT_MS).unwrap(), 1);
    assert_eq!(items[0].get_revents(), POLLIN);
    assert!(items[0].is_readable());
    assert!(!items[0].is_writable());
    assert!(!items[0].is_error());
    assert!(items[0].has_socket(&receiver));
    assert!(!items[0].has_socket(&sender));
    assert!(!items[0].has_fd(0));

    assert_eq!(receiver.recv_bytes(DONTWAIT).unwrap(), b"foo");
    // Now it may send (and has nothing to read).
    assert_eq!(zmq::poll(&mut items, 0).unwrap(), 1);
    assert_eq!(items[0].get_revents(), POLLOUT);

    // set_events replaces the mask: only POLLIN, which is not ready.
    items[0].set_events(POLLIN);
    assert_eq!(zmq::poll(&mut items, 0).unwrap(), 0);
    assert!(!items[0].is_writable());
}

#[test]
fn poll_counts_only_ready_items_and_works_on_sub_slices() {
    let ctx = Context::new();
    let (push_a, pull_a) = push_pull(&ctx, "multi-a");
    let (push_b, pull_b) = push_pull(&ctx, "multi-b");
    let _keep = push_a;

    push_b.send("b", 0).unwrap();
    let mut items = [pull_a.as_poll_item(POLLIN), pull_b.as_poll_item(POLLIN)];
    assert_eq!(zmq::poll(&mut items, WAIT_MS).unwrap(), 1);
    assert!(!items[0].is_readable());
    assert!(items[1].is_readable());
    assert!(items[1].has_socket(&pull_b));

    // Only the first item: nothing is ready there.
    assert_eq!(zmq::poll(&mut items[0..1], 0).unwrap(), 0);
    // An empty slice is fine too.
    assert_eq!(zmq::poll(&mut [], 0).unwrap(), 0);
    assert_eq!(
        zmq::poll_timeout(&mut items[1..], Some(Duration::ZERO)).unwrap(),
        1
    );
    // Huge and negative timeouts (forever) return at once when an item is ready.
    assert_eq!(zmq::poll(&mut items[1..], i64::MAX).unwrap(), 1);
    assert_eq!(zmq::poll(&mut items[1..], i64::MIN).unwrap(), 1);
    assert_eq!(zmq::poll(&mut items[1..], -1).unwrap(), 1);
    assert_eq!(
        zmq::poll_timeout(&mut items[1..], Some(Duration::MAX)).unwrap(),
        1
    );
}

#[test]
fn poll_after_context_shutdown_is_eterm() {
    let ctx = Context::new();
    let (_push, pull) = push_pull(&ctx, "eterm");
    ctx.shutdown().unwrap();
    assert_eq!(
        zmq::poll(&mut [pull.as_poll_item(POLLIN)], WAIT_MS),
        Err(zmq::Error::ETERM)
    );
    assert_eq!(pull.poll(POLLIN, 0), Err(zmq::Error::ETERM));
}

/// An OS pipe, closed on drop.
struct Pipe {
    read: i32,
    write: i32,
}

impl Pipe {
    fn new() -> Pipe {
        let mut fds = [0; 2];
        // SAFETY: `fds` has room for the two descriptors pipe(2) writes.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        Pipe {
            read: fds[0],
            write: fds[1],
        }
    }
}

impl Pipe {
    fn close_read(&mut self) {
        // SAFETY: the descriptor is ours; it is marked closed so drop skips it.
        unsafe { libc::close(self.read) };
        self.read = -1;
    }
}

impl Drop for Pipe {
    fn drop(&mut self) {
        for fd in [self.read, self.write] {
            if fd >= 0 {
                // SAFETY: each descriptor is ours and closed exactly once.
                unsafe { libc::close(fd) };
            }
        }
    }
}

#[test]
fn poll_a_pipe_fd_written_by_another_thread() {
    let pipe = Pipe::new();
    let mut items = [PollItem::from_fd(pipe.read, POLLIN)];
    assert!(items[0].has_fd(pipe.read));
    assert!(!items[0].has_fd(pipe.write));
    let ctx = Context::new();
    let socket = ctx.socket(zmq::PAIR).unwrap();
    assert!(!items[0].has_socket(&socket));

    assert_eq!(zmq::poll(&mut items, 0).unwrap(), 0);
    assert_eq!(items[0].get_revents(), PollEvents::empty());

    let write_fd = pipe.write;
    let writer = std::thread::spawn(move || {
        // SAFETY: writes one byte from a valid buffer to an open pipe.
        unsafe { libc::write(write_fd, b"x".as_ptr() as *const libc::c_void, 1) }
    });
    assert_eq!(zmq::poll(&mut items, WAIT_MS).unwrap(), 1);
    assert_eq!(writer.join().unwrap(), 1);
    assert_eq!(items[0].get_revents(), POLLIN);
    assert!(items[0].is_readable());
    assert!(!items[0].is_error());

    // The write end of a pipe is writable; both kinds of item in one call.
    let (push, pull) = push_pull(&ctx, "fd-mixed");
    push.send("m", 0).unwrap();
    let mut mixed = [
        PollItem::from_fd(pipe.write, POLLOUT),
        pull.as_poll_item(POLLIN),
        PollItem::from_fd(pipe.read, POLLIN),
    ];
    assert_eq!(zmq::poll(&mut mixed, WAIT_MS).unwrap(), 3);
    assert!(mixed[0].is_writable() && !mixed[0].is_readable());
    assert!(mixed[1].is_readable() && mixed[1].has_socket(&pull));
    assert!(mixed[2].is_readable());
}

#[test]
fn poll_reports_an_error_condition_on_a_broken_pipe() {
    let mut pipe = Pipe::new();
    // Close the read end: the write end now reports POLLERR.
    pipe.close_read();
    let mut items = [PollItem::from_fd(pipe.write, POLLOUT | POLLERR)];
    assert_eq!(zmq::poll(&mut items, WAIT_MS).unwrap(), 1);
    assert!(items[0].is_error());
}

#[test]
fn huge_timeouts_wait_instead_of_returning_early() {
    let ctx = Context::new();
    for (i, timeout) in [i64::MAX, i64::from(i32::MAX) + 1].into_iter().enumerate() {
        let (push, pull) = push_pull(&ctx, &format!("huge-{i}"));
        let sender = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            push.send("late", 0).unwrap();
            push
        });
        assert_eq!(
            zmq::poll(&mut [pull.as_poll_item(POLLIN)], timeout).unwrap(),
            1
        );
        let _push = sender.join().unwrap();
    }
    let (push, pull) = push_pull(&ctx, "huge-duration");
    let sender = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        push.send("late", 0).unwrap();
        push
    });
    assert_eq!(pull.poll_timeout(POLLIN, Some(Duration::MAX)).unwrap(), 1);
    let _push = sender.join().unwrap();
}

#[test]
fn poll_over_no_items_sleeps_for_the_timeout_or_refuses_forever() {
    use std::time::{Duration, Instant};
    assert_eq!(zmq::poll(&mut [], 0), Ok(0));
    let start = Instant::now();
    assert_eq!(zmq::poll(&mut [], 30), Ok(0));
    assert!(start.elapsed() >= Duration::from_millis(30));
    // Infinite: an error at once, not a hang (or libzmq's wrapped ~72-minute sleep).
    assert_eq!(zmq::poll(&mut [], -1), Err(zmq::Error::EINVAL));
    assert_eq!(zmq::poll_timeout(&mut [], None), Err(zmq::Error::EINVAL));
    let start = Instant::now();
    assert_eq!(
        zmq::poll_timeout(&mut [], Some(Duration::from_millis(20))),
        Ok(0)
    );
    assert!(start.elapsed() >= Duration::from_millis(20));
}

#[test]
fn poll_items_print_with_debug() {
    let ctx = Context::new();
    let (push, pull) = push_pull(&ctx, "debug");
    push.send("x", 0).unwrap();
    let mut items = [pull.as_poll_item(POLLIN)];
    assert_eq!(zmq::poll(&mut items, WAIT_MS).unwrap(), 1);
    let text = format!("{:?}", items[0]);
    assert!(text.starts_with("PollItem {"), "{text}");
    assert!(text.contains("events: POLLIN"), "{text}");
    assert!(text.contains("revents: POLLIN"), "{text}");
    let fd_item = PollItem::from_fd(0, POLLIN | POLLOUT);
    let text = format!("{fd_item:?}");
    assert!(text.contains("fd: 0"), "{text}");
    assert!(text.contains("socket: None"), "{text}");
}
