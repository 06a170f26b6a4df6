//! Pollers that remember what they watch: [`PollSet`], a pyzmq-style set over the stable
//! `zmq_poll`, and (when the linked libzmq has the DRAFT API) `Poller`, libzmq's own
//! `zmq_poller_*` object with a typed value per registration.
//!
//! Both borrow the sockets they watch, so a socket cannot be dropped (closed) while it is
//! registered; both take `Option<Duration>` timeouts (`None` waits forever) and report a
//! timeout as `Ok` with nothing ready, never as an error. Which one to use:
//!
//! | | [`PollSet`] | `Poller` (DRAFT) |
//! |---|---|---|
//! | libzmq call | `zmq_poll` (any libzmq) | `zmq_poller_wait_all` (DRAFT builds only) |
//! | per registration | an entry in two `Vec`s: libzmq's poll item (16 bytes on 64-bit Unix) and its [`Source`] | one `Box` holding your value (its address is libzmq's `user_data`), a map entry, and libzmq's own record |
//! | per wait | libzmq rebuilds its `pollfd` array from the items (on its stack for up to 16 items, heap above) and asks every socket for `ZMQ_FD` | libzmq reuses the `pollfd` array it built at registration time |
//! | finding the ready items | a scan over all items | only the ready ones are returned, each with its value |
//! | thread-safe (DRAFT) sockets | supported (libzmq switches to a temporary poller) | supported, plus `Poller::fd` for other event loops |
//!
//! For a handful of sockets the two cost about the same; the `Poller` pays off with many
//! registrations and few ready at a time, and when each ready item should come with its own
//! state (a handler, a peer record, ...).
//!
//! `zmq::Timers` (libzmq 4.3 or newer) plug into either: wait for at most
//! `timers.timeout()`, then call `timers.execute()`.

use std::time::Duration;

use zmq_sys::RawFd;

use crate::error::Result;
use crate::flags::PollEvents;
use crate::poll::{poll_timeout, PollItem};
use crate::socket::Socket;

#[cfg(zmq_draft)]
pub use self::draft::{Event, Events, Poller};

/// What a registration watches: a socket it borrows, or an OS file descriptor (a `SOCKET` on
/// Windows) it does not own.
#[derive(Clone, Copy, Debug)]
pub enum Source<'s> {
    /// A ZeroMQ socket.
    Socket(&'s Socket),
    /// An OS file descriptor, e.g. a pipe or a TCP socket not managed by ZeroMQ.
    Fd(RawFd),
}

impl<'s> Source<'s> {
    /// The socket, if this is a socket.
    pub fn socket(&self) -> Option<&'s Socket> {
        match *self {
            Source::Socket(socket) => Some(socket),
            Source::Fd(_) => None,
        }
    }

    /// The file descriptor, if this is one.
    pub fn fd(&self) -> Option<RawFd> {
        match *self {
            Source::Socket(_) => None,
            Source::Fd(fd) => Some(fd),
        }
    }

    /// Whether this is `socket` (the same libzmq socket, not merely an equal one).
    pub fn is_socket(&self, socket: &Socket) -> bool {
        matches!(*self, Source::Socket(s) if s.raw() == socket.raw())
    }

    /// Whether this is the file descriptor `fd`.
    pub fn is_fd(&self, fd: RawFd) -> bool {
        matches!(*self, Source::Fd(f) if f == fd)
    }
}

/// A set of sockets and file descriptors to wait on, the way pyzmq's `zmq.Poller` works, over
/// the stable `zmq_poll` (so it works with every libzmq, DRAFT or not).
///
/// [`register`](PollSet::register) adds a socket or, when it is already there, replaces its
/// events (registering with no events removes it, as in pyzmq);
/// [`unregister`](PollSet::unregister) removes it; [`poll`](PollSet::poll) waits and returns
/// what is ready. The set borrows its sockets, so none of them can be dropped while the set
/// lives.
///
/// Cost: the set is a `Vec` of poll items laid out as libzmq's `zmq_pollitem_t`, handed to
/// `zmq_poll` as is; a poll call allocates nothing on the Rust side. Registering and
/// unregistering are linear in the number of items (like pyzmq's). libzmq itself builds a
/// `pollfd` array per call: on its stack for up to 16 items, on the heap above that.
///
/// ```
/// use std::time::Duration;
/// let ctx = zmq::Context::new();
/// let (jobs, control) = (ctx.socket(zmq::PULL).unwrap(), ctx.socket(zmq::PULL).unwrap());
/// jobs.bind("inproc://pollset-doc-jobs").unwrap();
/// control.bind("inproc://pollset-doc-control").unwrap();
/// let feeder = ctx.socket(zmq::PUSH).unwrap();
/// feeder.connect("inproc://pollset-doc-control").unwrap();
/// feeder.send("stop", 0).unwrap();
///
/// let mut set = zmq::PollSet::new();
/// set.register(&jobs, zmq::POLLIN);
/// set.register(&control, zmq::POLLIN);
/// let ready = set.poll(Some(Duration::from_secs(5))).unwrap();
/// assert_eq!(ready.len(), 1);
/// assert_eq!(ready.events(&control), zmq::POLLIN);
/// assert!(ready.events(&jobs).is_empty());
/// for (source, events) in &ready {
///     assert!(source.is_socket(&control) && events == zmq::POLLIN);
/// }
/// ```
///
/// A registered socket cannot be dropped while the set may still poll it:
///
/// ```compile_fail,E0505
/// let ctx = zmq::Context::new();
/// let socket = ctx.socket(zmq::PULL).unwrap();
/// let mut set = zmq::PollSet::new();
/// set.register(&socket, zmq::POLLIN);
/// drop(socket);
/// set.poll(None).unwrap();
/// ```
#[derive(Debug, Default)]
pub struct PollSet<'s> {
    items: Vec<PollItem<'s>>,
    sources: Vec<Source<'s>>,
}

impl<'s> PollSet<'s> {
    /// An empty set.
    pub fn new() -> PollSet<'s> {
        PollSet::default()
    }

    /// An empty set with room for `capacity` registrations before it reallocates.
    pub fn with_capacity(capacity: usize) -> PollSet<'s> {
        PollSet {
            items: Vec::with_capacity(capacity),
            sources: Vec::with_capacity(capacity),
        }
    }

    /// How many sockets and file descriptors are registered.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether nothing is registered.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Watches `socket` for `events` (`POLLIN`, `POLLOUT`); if it is already registered, its
    /// events become `events`. Empty `events` unregisters it (and does nothing if it was not
    /// registered), as pyzmq's `register(socket, 0)` does.
    pub fn register(&mut self, socket: &'s Socket, events: PollEvents) {
        let at = self.items.iter().position(|item| item.has_socket(socket));
        self.upsert(at, events, || {
            (socket.as_poll_item(events), Source::Socket(socket))
        });
    }

    /// Watches the file descriptor `fd` (a `SOCKET` on Windows) for `events` (`POLLIN`,
    /// `POLLOUT`, `POLLERR`, `POLLPRI`); re-registering replaces its events, empty `events`
    /// unregisters it. The set does not own `fd`: keep it open while it is registered (a
    /// closed descriptor makes the poll report it or fail, depending on the platform).
    pub fn register_fd(&mut self, fd: RawFd, events: PollEvents) {
        let at = self.items.iter().position(|item| item.has_fd(fd));
        self.upsert(at, events, || {
            (PollItem::from_fd(fd, events), Source::Fd(fd))
        });
    }

    fn upsert(
        &mut self,
        at: Option<usize>,
        events: PollEvents,
        new: impl FnOnce() -> (PollItem<'s>, Source<'s>),
    ) {
        match at {
            Some(i) if events.is_empty() => {
                self.items.remove(i);
                self.sources.remove(i);
            }
            Some(i) => {
                if let Some(item) = self.items.get_mut(i) {
                    item.set_events(events);
                }
            }
            None if events.is_empty() => {}
            None => {
                let (item, source) = new();
                self.items.push(item);
                self.sources.push(source);
            }
        }
    }

    /// Stops watching `socket`; `Err(EINVAL)` if it was not registered (libzmq's errno for
    /// an unknown registration; pyzmq raises `KeyError`).
    pub fn unregister(&mut self, socket: &Socket) -> Result<()> {
        let at = self.items.iter().position(|item| item.has_socket(socket));
        self.remove_at(at)
    }

    /// Stops watching the file descriptor `fd`; `Err(EINVAL)` if it was not registered.
    pub fn unregister_fd(&mut self, fd: RawFd) -> Result<()> {
        let at = self.items.iter().position(|item| item.has_fd(fd));
        self.remove_at(at)
    }

    fn remove_at(&mut self, at: Option<usize>) -> Result<()> {
        let i = at.ok_or(crate::Error::EINVAL)?;
        self.items.remove(i);
        self.sources.remove(i);
        Ok(())
    }

    /// Waits until at least one registration is ready, or for at most `timeout` (`None`:
    /// forever; rounded up to whole milliseconds), and returns what is ready — nothing on a
    /// timeout.
    ///
    /// An empty set just sleeps for `timeout` and returns nothing; an empty set with no
    /// timeout would never wake up and is `Err(EINVAL)` at once (as [`crate::poll`] does).
    /// `Err(ETERM)` if a socket's context was terminated, `Err(EINTR)` if a signal
    /// interrupted the wait.
    pub fn poll(&mut self, timeout: Option<Duration>) -> Result<Ready<'_, 's>> {
        let count = poll_timeout(&mut self.items, timeout)?;
        Ok(Ready {
            items: &self.items,
            sources: &self.sources,
            count: usize::try_from(count).unwrap_or(0),
        })
    }
}

/// What one [`PollSet::poll`] found ready: iterate it for `(Source, PollEvents)` pairs in
/// registration order, or ask for one socket's events with [`Ready::events`].
#[derive(Debug)]
pub struct Ready<'a, 's> {
    items: &'a [PollItem<'s>],
    sources: &'a [Source<'s>],
    count: usize,
}

impl<'a, 's> Ready<'a, 's> {
    /// How many registrations are ready.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether nothing is ready (the wait timed out).
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The events `socket` is ready for; empty if it is not ready or not registered (like
    /// `dict(poller.poll()).get(socket, 0)` in pyzmq).
    pub fn events(&self, socket: &Socket) -> PollEvents {
        self.items
            .iter()
            .find(|item| item.has_socket(socket))
            .map_or(PollEvents::empty(), PollItem::get_revents)
    }

    /// The events the file descriptor `fd` is ready for; empty if none.
    pub fn events_fd(&self, fd: RawFd) -> PollEvents {
        self.items
            .iter()
            .find(|item| item.has_fd(fd))
            .map_or(PollEvents::empty(), PollItem::get_revents)
    }

    /// The ready registrations and their events, in registration order.
    pub fn iter(&self) -> ReadyIter<'a, 's> {
        ReadyIter {
            items: self.items.iter(),
            sources: self.sources.iter(),
        }
    }
}

impl<'a, 's> IntoIterator for Ready<'a, 's> {
    type Item = (Source<'s>, PollEvents);
    type IntoIter = ReadyIter<'a, 's>;

    fn into_iter(self) -> ReadyIter<'a, 's> {
        self.iter()
    }
}

impl<'a, 's> IntoIterator for &Ready<'a, 's> {
    type Item = (Source<'s>, PollEvents);
    type IntoIter = ReadyIter<'a, 's>;

    fn into_iter(self) -> ReadyIter<'a, 's> {
        self.iter()
    }
}

/// Iterator over the ready registrations of a [`Ready`].
#[derive(Debug, Clone)]
pub struct ReadyIter<'a, 's> {
    items: std::slice::Iter<'a, PollItem<'s>>,
    sources: std::slice::Iter<'a, Source<'s>>,
}

impl<'s> Iterator for ReadyIter<'_, 's> {
    type Item = (Source<'s>, PollEvents);

    fn next(&mut self) -> Option<(Source<'s>, PollEvents)> {
        loop {
            let item = self.items.next()?;
            let source = self.sources.next()?;
            let events = item.get_revents();
            if !events.is_empty() {
                return Some((*source, events));
            }
        }
    }
}

#[cfg(zmq_draft)]
mod draft {
    use std::collections::HashMap;
    use std::fmt;
    use std::marker::PhantomData;
    use std::os::raw::{c_int, c_long, c_void};
    use std::time::Duration;

    use zmq_sys::{zmq_fd_t, zmq_poller_event_t, RawFd};

    use super::Source;
    use crate::error::{check, last_error, Error, Result};
    use crate::flags::PollEvents;
    use crate::socket::Socket;

    /// What libzmq's `user_data` points to: one per registration, boxed so its address is
    /// stable from `add` to `remove` (or the poller's drop).
    struct Slot<'s, T> {
        source: Source<'s>,
        events: PollEvents,
        value: T,
    }

    /// How the poller finds a registration again for `modify`/`remove`.
    #[derive(Clone, Copy, PartialEq, Eq, Hash)]
    enum Key {
        Socket(usize),
        Fd(RawFd),
    }

    impl Key {
        fn of(socket: &Socket) -> Key {
            Key::Socket(socket.raw() as usize)
        }
    }

    /// libzmq's own poller (`zmq_poller_*`, DRAFT in libzmq 4.3.5, so only with
    /// `cfg(zmq_draft)`, e.g. feature `draft`), with a value of type `T` per registration.
    ///
    /// Register sockets (borrowed for `'s`, so none can be dropped while the poller lives) and
    /// file descriptors, each with its own `T` (a handler, a name, a peer record, ...);
    /// [`wait`](Poller::wait) returns only the ready ones, each as an [`Event`] with its value,
    /// its events and its socket or descriptor.
    ///
    /// The values live in one `Box` each whose address is libzmq's `user_data`, so finding a
    /// ready item's value costs nothing; [`remove`](Poller::remove) hands the value back, and
    /// dropping the poller drops the values still registered. `wait` writes into an event
    /// buffer the poller keeps and reuses, one entry per registration (so no registration is
    /// starved, as libzmq's manual advises); it allocates only when the poller has grown since
    /// the last wait. Unlike `zmq_poll`, libzmq builds its `pollfd` array once per change of
    /// registrations, not once per wait.
    ///
    /// ```
    /// use std::time::Duration;
    /// let ctx = zmq::Context::new();
    /// let (jobs, control) = (ctx.socket(zmq::PULL).unwrap(), ctx.socket(zmq::PULL).unwrap());
    /// jobs.bind("inproc://poller-doc-jobs").unwrap();
    /// control.bind("inproc://poller-doc-control").unwrap();
    /// let feeder = ctx.socket(zmq::PUSH).unwrap();
    /// feeder.connect("inproc://poller-doc-jobs").unwrap();
    /// feeder.send("job 1", 0).unwrap();
    ///
    /// let mut poller = zmq::Poller::new().unwrap();
    /// poller.add(&jobs, zmq::POLLIN, "jobs").unwrap();
    /// poller.add(&control, zmq::POLLIN, "control").unwrap();
    /// let mut handled = Vec::new();
    /// for event in poller.wait(Some(Duration::from_secs(5))).unwrap() {
    ///     let socket = event.socket().unwrap();
    ///     handled.push((*event.value(), socket.recv_string(0).unwrap().unwrap()));
    /// }
    /// assert_eq!(handled, [("jobs", "job 1".to_string())]);
    /// assert_eq!(poller.remove(&control), Ok("control"));
    /// assert_eq!(poller.remove(&control), Err(zmq::Error::EINVAL));
    /// ```
    ///
    /// A registered socket cannot be dropped (closed) while the poller lives, which libzmq
    /// requires (closing a registered socket is undefined behaviour there):
    ///
    /// ```compile_fail,E0505
    /// let ctx = zmq::Context::new();
    /// let socket = ctx.socket(zmq::PULL).unwrap();
    /// let mut poller = zmq::Poller::new().unwrap();
    /// poller.add(&socket, zmq::POLLIN, ()).unwrap();
    /// drop(socket);
    /// drop(poller);
    /// ```
    ///
    /// Like a socket reference, a poller stays on its thread (libzmq's poller is not
    /// thread-safe):
    ///
    /// ```compile_fail,E0277
    /// fn assert_send<T: Send>() {}
    /// assert_send::<zmq::Poller<'static, ()>>();
    /// ```
    ///
    /// The same socket may be registered in two pollers (or a poller and a
    /// [`PollSet`](super::PollSet)) on the same thread; libzmq's manual reserves registering a
    /// socket in several pollers to thread-safe sockets, but since a poller here never leaves
    /// its thread, the pollers only ever take turns on the socket, as `zmq_poll` itself does.
    pub struct Poller<'s, T = ()> {
        raw: *mut c_void,
        slots: HashMap<Key, *mut Slot<'s, T>>,
        /// How many registrations wait for at least one event.
        enabled: usize,
        buffer: Vec<zmq_poller_event_t>,
        /// Borrows the sockets for `'s`; owns the boxed values (for drop checking).
        marker: PhantomData<(&'s Socket, Box<Slot<'s, T>>)>,
    }

    impl<T> fmt::Debug for Poller<'_, T> {
        /// The raw handle and the number of registrations.
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("Poller")
                .field("handle", &self.raw)
                .field("len", &self.slots.len())
                .finish()
        }
    }

    impl<T> Drop for Poller<'_, T> {
        fn drop(&mut self) {
            // SAFETY: `raw` is the poller `zmq_poller_new` gave us, destroyed exactly once,
            // here; the result is ignored (it fails only for an invalid handle). Destroying
            // first means libzmq holds no `user_data` pointer when the slots are freed below.
            unsafe {
                zmq_sys::zmq_poller_destroy(&mut self.raw);
            }
            for (_, slot) in self.slots.drain() {
                // SAFETY: every slot pointer came from `Box::into_raw` in `register` and is
                // freed only here or in `unregister`, which took it out of the map.
                drop(unsafe { Box::from_raw(slot) });
            }
        }
    }

    /// `RawFd` as libzmq's `zmq_fd_t` (the same type except on 32-bit Windows, where a value
    /// too large for a `SOCKET` is `EINVAL`).
    #[allow(clippy::useless_conversion, clippy::unnecessary_fallible_conversions)]
    fn to_zmq_fd(fd: RawFd) -> Result<zmq_fd_t> {
        zmq_fd_t::try_from(fd).map_err(|_| Error::EINVAL)
    }

    /// libzmq's `zmq_fd_t` as a `RawFd` (never narrower).
    #[allow(clippy::useless_conversion)]
    fn from_zmq_fd(fd: zmq_fd_t) -> RawFd {
        RawFd::from(fd)
    }

    impl<'s, T> Poller<'s, T> {
        /// A new, empty poller (`zmq_poller_new`); `Err(ENOMEM)` if libzmq cannot allocate
        /// one.
        pub fn new() -> Result<Poller<'s, T>> {
            // SAFETY: no arguments; the result is a new poller we own, or NULL (checked).
            let raw = unsafe { zmq_sys::zmq_poller_new() };
            if raw.is_null() {
                return Err(last_error());
            }
            Ok(Poller {
                raw,
                slots: HashMap::new(),
                enabled: 0,
                buffer: Vec::new(),
                marker: PhantomData,
            })
        }

        /// How many sockets and file descriptors are registered.
        pub fn len(&self) -> usize {
            self.slots.len()
        }

        /// Whether nothing is registered.
        pub fn is_empty(&self) -> bool {
            self.slots.is_empty()
        }

        /// Watches `socket` for `events` (`POLLIN`, `POLLOUT`; empty is allowed, to enable
        /// later with [`modify`](Poller::modify)), with `value` as its user value
        /// (`zmq_poller_add`). `Err(EINVAL)` if the socket is already registered here;
        /// `Err(ENOTSOCK)` if libzmq no longer takes it as a socket (e.g. its context was
        /// terminated). On an error `value` is dropped.
        pub fn add(&mut self, socket: &'s Socket, events: PollEvents, value: T) -> Result<()> {
            self.register(Key::of(socket), Source::Socket(socket), events, value)
        }

        /// Watches the file descriptor `fd` (a `SOCKET` on Windows) for `events` (`POLLIN`,
        /// `POLLOUT`, `POLLERR`, `POLLPRI`) with `value` as its user value
        /// (`zmq_poller_add_fd`). The poller does not own `fd`: keep it open while it is
        /// registered. `Err(EINVAL)` if `fd` is already registered, `Err(EBADF)` for `-1`; on
        /// an error `value` is dropped.
        pub fn add_fd(&mut self, fd: RawFd, events: PollEvents, value: T) -> Result<()> {
            self.register(Key::Fd(fd), Source::Fd(fd), events, value)
        }

        fn register(
            &mut self,
            key: Key,
            source: Source<'s>,
            events: PollEvents,
            value: T,
        ) -> Result<()> {
            if self.slots.contains_key(&key) {
                return Err(Error::EINVAL);
            }
            let fd = match source {
                Source::Fd(fd) => to_zmq_fd(fd)?,
                Source::Socket(_) => zmq_fd_t::default(),
            };
            // Room first, so nothing can fail between libzmq's add and our bookkeeping.
            self.slots.reserve(1);
            let slot = Box::into_raw(Box::new(Slot {
                source,
                events,
                value,
            }));
            let rc = match source {
                // SAFETY: `raw` is our live poller; the socket is live for `'s`, which outlives
                // the poller; `slot` is a live heap pointer that stays valid until it leaves
                // the map (after `zmq_poller_remove`) or the poller is destroyed.
                Source::Socket(socket) => unsafe {
                    zmq_sys::zmq_poller_add(self.raw, socket.raw(), slot.cast(), events.bits())
                },
                // SAFETY: as above; libzmq only polls the descriptor, it does not own it.
                Source::Fd(_) => unsafe {
                    zmq_sys::zmq_poller_add_fd(self.raw, fd, slot.cast(), events.bits())
                },
            };
            if let Err(error) = check(rc) {
                // SAFETY: libzmq refused the registration, so it holds no copy of `slot`,
                // which came from `Box::into_raw` just above and is freed once, here.
                drop(unsafe { Box::from_raw(slot) });
                return Err(error);
            }
            self.slots.insert(key, slot);
            if !events.is_empty() {
                self.enabled += 1;
            }
            Ok(())
        }

        /// Replaces the events `socket` is watched for (`zmq_poller_modify`); empty events
        /// pause it without unregistering. `Err(EINVAL)` if it is not registered here.
        pub fn modify(&mut self, socket: &Socket, events: PollEvents) -> Result<()> {
            self.change(Key::of(socket), events)
        }

        /// Replaces the events the file descriptor `fd` is watched for
        /// (`zmq_poller_modify_fd`). `Err(EINVAL)` if it is not registered here.
        pub fn modify_fd(&mut self, fd: RawFd, events: PollEvents) -> Result<()> {
            self.change(Key::Fd(fd), events)
        }

        fn change(&mut self, key: Key, events: PollEvents) -> Result<()> {
            let slot = *self.slots.get(&key).ok_or(Error::EINVAL)?;
            // SAFETY: pointers in the map are live slots (see `register`); no reference to
            // any slot exists now, since every borrow of a slot borrows `self`.
            let slot = unsafe { &mut *slot };
            check(match slot.source {
                // SAFETY: our live poller and a socket registered in it (live for `'s`).
                Source::Socket(socket) => unsafe {
                    zmq_sys::zmq_poller_modify(self.raw, socket.raw(), events.bits())
                },
                // SAFETY: our live poller and a descriptor registered in it.
                Source::Fd(fd) => unsafe {
                    zmq_sys::zmq_poller_modify_fd(self.raw, to_zmq_fd(fd)?, events.bits())
                },
            })?;
            match (slot.events.is_empty(), events.is_empty()) {
                (true, false) => self.enabled += 1,
                (false, true) => self.enabled = self.enabled.saturating_sub(1),
                _ => {}
            }
            slot.events = events;
            Ok(())
        }

        /// Stops watching `socket` (`zmq_poller_remove`) and returns its user value.
        /// `Err(EINVAL)` if it is not registered here.
        pub fn remove(&mut self, socket: &Socket) -> Result<T> {
            self.unregister(Key::of(socket))
        }

        /// Stops watching the file descriptor `fd` (`zmq_poller_remove_fd`) and returns its
        /// user value. `Err(EINVAL)` if it is not registered here.
        pub fn remove_fd(&mut self, fd: RawFd) -> Result<T> {
            self.unregister(Key::Fd(fd))
        }

        fn unregister(&mut self, key: Key) -> Result<T> {
            let slot = *self.slots.get(&key).ok_or(Error::EINVAL)?;
            // SAFETY: a live slot (see `change`); only its `Copy` source is read.
            let source = unsafe { (*slot).source };
            check(match source {
                // SAFETY: our live poller and a socket registered in it (live for `'s`).
                Source::Socket(socket) => unsafe {
                    zmq_sys::zmq_poller_remove(self.raw, socket.raw())
                },
                // SAFETY: our live poller and a descriptor registered in it.
                Source::Fd(fd) => unsafe {
                    zmq_sys::zmq_poller_remove_fd(self.raw, to_zmq_fd(fd)?)
                },
            })?;
            self.slots.remove(&key);
            // SAFETY: libzmq dropped its copy of the pointer and the map no longer holds it,
            // so this is the one owner of the `Box::into_raw` allocation made in `register`.
            let slot = unsafe { Box::from_raw(slot) };
            if !slot.events.is_empty() {
                self.enabled = self.enabled.saturating_sub(1);
            }
            Ok(slot.value)
        }

        /// Waits until at least one registration is ready, or for at most `timeout` (`None`:
        /// forever; rounded up to whole milliseconds), and returns the ready ones
        /// (`zmq_poller_wait_all`). A timeout is `Ok` with no events (libzmq's `EAGAIN`).
        ///
        /// With nothing registered, or every registration paused with empty events, nothing
        /// can wake the wait: a finite `timeout` then just sleeps and returns no events, and
        /// `None` is `Err(EINVAL)` at once instead of hanging (libzmq itself says `EFAULT`
        /// there, and would cut sleeps beyond about 71 minutes short).
        ///
        /// `Err(ETERM)` if a socket's context was terminated, `Err(EINTR)` if a signal
        /// interrupted the wait.
        pub fn wait(&mut self, timeout: Option<Duration>) -> Result<Events<'_, 's, T>> {
            if self.enabled == 0 {
                let Some(timeout) = timeout else {
                    return Err(Error::EINVAL);
                };
                std::thread::sleep(timeout);
                return Ok(self.events(0));
            }
            let count = c_int::try_from(self.slots.len()).map_err(|_| Error::EINVAL)?;
            // The buffer only grows; resizing within its capacity does not allocate.
            self.buffer
                .resize(self.slots.len(), zmq_poller_event_t::default());
            // SAFETY: `raw` is our live poller; the buffer holds `count` writable events;
            // every registered socket and descriptor is live (borrowed for `'s`).
            let rc = unsafe {
                zmq_sys::zmq_poller_wait_all(
                    self.raw,
                    self.buffer.as_mut_ptr(),
                    count,
                    timeout_ms(timeout),
                )
            };
            match check(rc) {
                Ok(ready) => Ok(self.events(usize::try_from(ready).unwrap_or(0))),
                Err(Error::EAGAIN) => Ok(self.events(0)),
                Err(error) => Err(error),
            }
        }

        fn events(&self, ready: usize) -> Events<'_, 's, T> {
            Events {
                events: self.buffer.get(..ready).unwrap_or(&[]).iter(),
                marker: PhantomData,
            }
        }

        /// The file descriptor that signals this poller (`zmq_poller_fd`), for plugging it
        /// into another event loop; libzmq has one only while a thread-safe (DRAFT) socket
        /// is registered, and says `Err(EINVAL)` otherwise.
        pub fn fd(&self) -> Result<RawFd> {
            let mut fd: zmq_fd_t = Default::default();
            // SAFETY: `raw` is our live poller; `fd` is a writable `zmq_fd_t`.
            check(unsafe { zmq_sys::zmq_poller_fd(self.raw, &mut fd) })?;
            Ok(from_zmq_fd(fd))
        }
    }

    /// A timeout for libzmq: `-1` for forever (or beyond a C `long` of milliseconds).
    fn timeout_ms(timeout: Option<Duration>) -> c_long {
        timeout.map_or(-1, |t| {
            c_long::try_from(crate::sockopt::ceil_millis(t)).unwrap_or(-1)
        })
    }

    /// The ready registrations of one [`Poller::wait`], as an iterator of [`Event`]s.
    pub struct Events<'a, 's, T> {
        events: std::slice::Iter<'a, zmq_poller_event_t>,
        marker: PhantomData<&'a Slot<'s, T>>,
    }

    impl<T> fmt::Debug for Events<'_, '_, T> {
        /// How many events are left.
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("Events")
                .field("remaining", &self.events.len())
                .finish()
        }
    }

    impl<'a, 's, T> Iterator for Events<'a, 's, T> {
        type Item = Event<'a, 's, T>;

        fn next(&mut self) -> Option<Event<'a, 's, T>> {
            let event = self.events.next()?;
            // SAFETY: libzmq returns the `user_data` given at registration, always one of our
            // live slots (from `Box::into_raw`); they cannot be freed while this iterator
            // borrows the poller, and nothing borrows them mutably meanwhile.
            let slot = unsafe { &*event.user_data.cast::<Slot<'s, T>>() };
            Some(Event {
                slot,
                events: PollEvents::from_bits_truncate(event.events),
            })
        }

        fn size_hint(&self) -> (usize, Option<usize>) {
            self.events.size_hint()
        }
    }

    impl<T> ExactSizeIterator for Events<'_, '_, T> {}

    /// One ready registration: its user value, its socket or descriptor, and its events.
    pub struct Event<'a, 's, T> {
        slot: &'a Slot<'s, T>,
        events: PollEvents,
    }

    impl<T: fmt::Debug> fmt::Debug for Event<'_, '_, T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("Event")
                .field("source", &self.slot.source)
                .field("events", &self.events)
                .field("value", &self.slot.value)
                .finish()
        }
    }

    impl<'a, 's, T> Event<'a, 's, T> {
        /// The user value given when this socket or descriptor was added.
        pub fn value(&self) -> &'a T {
            &self.slot.value
        }

        /// The events it is ready for.
        pub fn events(&self) -> PollEvents {
            self.events
        }

        /// The socket or descriptor that is ready.
        pub fn source(&self) -> Source<'s> {
            self.slot.source
        }

        /// The ready socket, if it is a socket.
        pub fn socket(&self) -> Option<&'s Socket> {
            self.slot.source.socket()
        }

        /// The ready file descriptor, if it is one.
        pub fn fd(&self) -> Option<RawFd> {
            self.slot.source.fd()
        }
    }
}
