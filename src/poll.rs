//! Waiting for several sockets and file descriptors at once: [`poll`] over [`PollItem`]s.

use std::fmt;
use std::marker::PhantomData;
use std::os::raw::{c_int, c_long, c_short, c_void};
use std::ptr;
use std::time::Duration;

use zmq_sys::RawFd;

use crate::error::{check, Error, Result};
use crate::flags::PollEvents;
use crate::socket::Socket;

/// One entry of a [`poll`] call: a socket or an OS file descriptor, the events to wait for,
/// and (after the call) the events that occurred.
///
/// Laid out exactly like libzmq's `zmq_pollitem_t`, so a slice of them is handed to
/// `zmq_poll` as is. An item made with [`Socket::as_poll_item`] borrows its socket, so it
/// cannot outlive it:
///
/// ```compile_fail,E0597
/// let ctx = zmq::Context::new();
/// let item = {
///     let socket = ctx.socket(zmq::PAIR).unwrap();
///     socket.as_poll_item(zmq::POLLIN)
/// };
/// drop(item);
/// ```
///
/// A `PollItem` is neither `Send` nor `Sync` (like the socket reference it holds), nor
/// `Clone`:
///
/// ```compile_fail,E0277
/// fn assert_send<T: Send>() {}
/// assert_send::<zmq::PollItem<'static>>();
/// ```
///
/// ```
/// let ctx = zmq::Context::new();
/// let (a, b) = (ctx.socket(zmq::PAIR).unwrap(), ctx.socket(zmq::PAIR).unwrap());
/// a.bind("inproc://pollitem-doc").unwrap();
/// b.connect("inproc://pollitem-doc").unwrap();
/// b.send("ping", 0).unwrap();
///
/// let mut items = [a.as_poll_item(zmq::POLLIN | zmq::POLLOUT)];
/// assert_eq!(zmq::poll(&mut items, 1000).unwrap(), 1);
/// assert!(items[0].is_readable() && items[0].is_writable());
/// assert!(items[0].has_socket(&a));
/// ```
#[repr(C)]
pub struct PollItem<'a> {
    socket: *mut c_void,
    fd: RawFd,
    events: c_short,
    revents: c_short,
    marker: PhantomData<&'a Socket>,
}

// The layout must match `zmq_pollitem_t`, whose `fd` is zmq-sys's per-platform `zmq_fd_t`: a
// C `int` on Unix (`RawFd`), a 64-bit `SOCKET` on 64-bit Windows (`RawSocket`). Not on 32-bit
// Windows, where `SOCKET` is 32 bits but `RawSocket` (this type's `fd`, as in zmq 0.10) is 64.
#[cfg(not(all(windows, target_pointer_width = "32")))]
const _: () = {
    assert!(std::mem::size_of::<PollItem<'_>>() == std::mem::size_of::<zmq_sys::zmq_pollitem_t>());
    assert!(
        std::mem::align_of::<PollItem<'_>>() == std::mem::align_of::<zmq_sys::zmq_pollitem_t>()
    );
    assert!(
        std::mem::offset_of!(PollItem<'_>, fd) == std::mem::offset_of!(zmq_sys::zmq_pollitem_t, fd)
    );
    assert!(
        std::mem::offset_of!(PollItem<'_>, events)
            == std::mem::offset_of!(zmq_sys::zmq_pollitem_t, events)
    );
    assert!(
        std::mem::offset_of!(PollItem<'_>, revents)
            == std::mem::offset_of!(zmq_sys::zmq_pollitem_t, revents)
    );
};

impl fmt::Debug for PollItem<'_> {
    /// The socket handle (`None` for a file descriptor item), the descriptor, and the events
    /// asked for and last reported.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PollItem")
            .field("socket", &(!self.socket.is_null()).then_some(self.socket))
            .field("fd", &self.fd)
            .field("events", &PollEvents::from_bits_truncate(self.events))
            .field("revents", &self.get_revents())
            .finish()
    }
}

impl<'a> PollItem<'a> {
    /// An item for an OS file descriptor (on Windows, a `SOCKET`), e.g. a pipe or a TCP
    /// socket not managed by ZeroMQ. `events` may include `POLLIN`, `POLLOUT`, `POLLERR` and
    /// `POLLPRI`. The item does not own the descriptor.
    pub fn from_fd(fd: RawFd, events: PollEvents) -> PollItem<'a> {
        PollItem {
            socket: ptr::null_mut(),
            fd,
            events: events.bits(),
            revents: 0,
            marker: PhantomData,
        }
    }

    /// Replaces the events to wait for.
    pub fn set_events(&mut self, events: PollEvents) {
        self.events = events.bits();
    }

    /// The events that occurred in the last [`poll`] (empty before the first).
    pub fn get_revents(&self) -> PollEvents {
        PollEvents::from_bits_truncate(self.revents)
    }

    /// Whether the last [`poll`] reported `POLLIN`.
    pub fn is_readable(&self) -> bool {
        self.get_revents().contains(PollEvents::POLLIN)
    }

    /// Whether the last [`poll`] reported `POLLOUT`.
    pub fn is_writable(&self) -> bool {
        self.get_revents().contains(PollEvents::POLLOUT)
    }

    /// Whether the last [`poll`] reported `POLLERR` (file descriptors only).
    pub fn is_error(&self) -> bool {
        self.get_revents().contains(PollEvents::POLLERR)
    }

    /// Whether this item polls `socket`.
    pub fn has_socket(&self, socket: &Socket) -> bool {
        self.socket == socket.raw()
    }

    /// Whether this item polls the file descriptor `fd` (always false for a socket item).
    pub fn has_fd(&self, fd: RawFd) -> bool {
        self.socket.is_null() && self.fd == fd
    }
}

impl Socket {
    /// A [`PollItem`] for this socket, waiting for `events`; it borrows the socket.
    pub fn as_poll_item(&self, events: PollEvents) -> PollItem<'_> {
        PollItem {
            socket: self.raw(),
            fd: 0,
            events: events.bits(),
            revents: 0,
            marker: PhantomData,
        }
    }

    /// Waits up to `timeout_ms` milliseconds (`-1`: forever, `0`: not at all) until this
    /// socket is ready for one of `events`; returns 1 if it is, 0 on timeout.
    /// [`Socket::poll_timeout`] takes a `Duration` instead.
    ///
    /// ```
    /// let ctx = zmq::Context::new();
    /// let socket = ctx.socket(zmq::PULL).unwrap();
    /// socket.bind("inproc://socket-poll-doc").unwrap();
    /// assert_eq!(socket.poll(zmq::POLLIN, 10).unwrap(), 0);
    /// ```
    pub fn poll(&self, events: PollEvents, timeout_ms: i64) -> Result<i32> {
        poll(&mut [self.as_poll_item(events)], timeout_ms)
    }

    /// [`Socket::poll`] with a typed timeout: `None` waits forever. Not in zmq 0.10.
    pub fn poll_timeout(&self, events: PollEvents, timeout: Option<Duration>) -> Result<i32> {
        poll_timeout(&mut [self.as_poll_item(events)], timeout)
    }
}

/// Waits until at least one item is ready for its events, or until `timeout` milliseconds
/// pass (`zmq_poll`). `-1` (any negative value) waits forever, `0` returns at once; a timeout
/// too large for the platform's C `long` also waits forever. Returns the number of items with
/// events and sets each item's revents. [`poll_timeout`] takes a `Duration` instead.
///
/// With no items at all it just sleeps for the timeout and returns 0; with no items and an
/// infinite timeout it returns `Err(EINVAL)` at once (nothing could end the wait).
///
/// `Err(EINVAL)` for more than `i32::MAX` items; `Err(ETERM)` if a socket's context was
/// terminated; `Err(EINTR)` if a signal interrupted the wait.
///
/// ```
/// let ctx = zmq::Context::new();
/// let receiver = ctx.socket(zmq::PULL).unwrap();
/// receiver.bind("inproc://poll-doc").unwrap();
/// let sender = ctx.socket(zmq::PUSH).unwrap();
/// sender.connect("inproc://poll-doc").unwrap();
///
/// let mut items = [receiver.as_poll_item(zmq::POLLIN)];
/// assert_eq!(zmq::poll(&mut items, 0).unwrap(), 0);
/// sender.send("work", 0).unwrap();
/// assert_eq!(zmq::poll(&mut items, 1000).unwrap(), 1);
/// assert_eq!(items[0].get_revents(), zmq::POLLIN);
/// ```
pub fn poll(items: &mut [PollItem], timeout: i64) -> Result<i32> {
    if items.is_empty() {
        return sleep_without_items(timeout);
    }
    let count = c_int::try_from(items.len()).map_err(|_| Error::EINVAL)?;
    let timeout = c_long::try_from(timeout).unwrap_or(-1);
    // SAFETY: `PollItem` has `zmq_pollitem_t`'s layout (checked above); the slice is valid and
    // exclusively borrowed for `count` items, libzmq only writes their `revents`; every socket
    // pointer comes from a `Socket` the item borrows, so it is live for the call.
    check(unsafe {
        zmq_sys::zmq_poll(
            items.as_mut_ptr() as *mut zmq_sys::zmq_pollitem_t,
            count,
            timeout,
        )
    })
}

/// `poll` over no items: libzmq would sleep for a timeout it first squeezes into 32 bits of
/// microseconds (so "forever" became about 72 minutes, and large values wrapped), so the wait
/// is done here: a finite timeout sleeps and returns 0; an infinite one could never end and is
/// `Err(EINVAL)`.
fn sleep_without_items(timeout: i64) -> Result<i32> {
    let Ok(ms) = u64::try_from(timeout) else {
        return Err(Error::EINVAL);
    };
    if ms > 0 {
        std::thread::sleep(Duration::from_millis(ms));
    }
    Ok(0)
}

/// [`poll`] with a typed timeout: `None` waits forever, `Some(d)` at most `d` (rounded up to
/// whole milliseconds, so a short non-zero wait never becomes a busy poll). Not in zmq 0.10.
///
/// ```
/// use std::time::Duration;
/// let ctx = zmq::Context::new();
/// let socket = ctx.socket(zmq::PULL).unwrap();
/// let mut items = [socket.as_poll_item(zmq::POLLIN)];
/// assert_eq!(zmq::poll_timeout(&mut items, Some(Duration::from_millis(5))).unwrap(), 0);
/// ```
pub fn poll_timeout(items: &mut [PollItem], timeout: Option<Duration>) -> Result<i32> {
    poll(items, timeout.map_or(-1, duration_to_ms))
}

/// Whole milliseconds, rounded up; saturates (a huge value then means "forever" in `poll`).
fn duration_to_ms(timeout: Duration) -> i64 {
    i64::try_from(crate::sockopt::ceil_millis(timeout)).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::duration_to_ms;
    use std::time::Duration;

    #[test]
    fn durations_round_up() {
        assert_eq!(duration_to_ms(Duration::ZERO), 0);
        assert_eq!(duration_to_ms(Duration::from_nanos(1)), 1);
        assert_eq!(duration_to_ms(Duration::from_millis(7)), 7);
        assert_eq!(duration_to_ms(Duration::from_micros(7001)), 8);
        assert_eq!(duration_to_ms(Duration::MAX), i64::MAX);
    }
}
