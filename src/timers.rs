//! Repeating timers with Rust closures over libzmq's `zmq_timers_*`, to drive from a poll
//! loop: wait for at most [`Timers::timeout`], then call [`Timers::execute`].
//!
//! Available when the linked libzmq has the timers (`cfg(zmq_timers)`: libzmq 4.3.0 or newer,
//! where they are stable, or a 4.2 built with DRAFT): the vendored 4.3.5 and Debian's
//! system 4.3.4 both do.
//!
//! Cost: one `Box` per timer holding the closure (its address is libzmq's callback argument,
//! so firing a timer is one indirect call, no lookup); libzmq keeps the timers in an ordered
//! map, so `add`, `timeout` and `execute` are logarithmic, while `cancel`, `reset` and
//! `set_interval` scan libzmq's map (linear in the number of timers). No thread is involved:
//! nothing fires unless you call [`Timers::execute`].

use std::any::Any;
use std::cell::Cell;
use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::os::raw::{c_int, c_long, c_void};
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::time::Duration;

use crate::error::{check, last_error, Error, Result};

/// Identifies one timer of a [`Timers`] set (libzmq's timer id).
///
/// Ids count up from 1 in each set and are never reused within it; they mean nothing to
/// another set (the same number may name a different timer there).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimerId(c_int);

impl TimerId {
    /// libzmq's id for this timer.
    pub fn to_raw(self) -> i32 {
        self.0
    }
}

/// What the callbacks of one `execute` report back: how many ran, and the first panic.
#[derive(Default)]
struct Round {
    fired: Cell<usize>,
    panic: Cell<Option<Box<dyn Any + Send>>>,
}

/// One timer's closure and the round it reports to; boxed so its address (libzmq's callback
/// argument) is stable until the timer is cancelled or the set dropped.
struct Entry<F: ?Sized> {
    round: Rc<Round>,
    callback: F,
}

/// A set of repeating timers whose callbacks are Rust closures (`zmq_timers_*`).
///
/// Each timer fires every `interval` after it was added (or last reset), but only when
/// [`execute`](Timers::execute) is called: it runs the callbacks of every timer that is due,
/// on the calling thread. [`timeout`](Timers::timeout) says how long a poll loop may wait
/// before the next one is due. Closures may borrow from the surrounding scope (for `'a`).
///
/// A panicking callback does not unwind through libzmq: `execute` catches it, lets libzmq
/// finish the round (the other due timers still run), and then resumes the first panic from
/// `execute` itself, with its original payload. The timer stays registered.
///
/// A timer set stays on its thread (libzmq's timers are not thread-safe, and the closures
/// need not be `Send`):
///
/// ```compile_fail,E0277
/// fn assert_send<T: Send>() {}
/// assert_send::<zmq::Timers<'static>>();
/// ```
///
/// ```
/// use std::cell::Cell;
/// use std::time::Duration;
/// let ctx = zmq::Context::new();
/// let socket = ctx.socket(zmq::PULL).unwrap();
/// socket.bind("inproc://timers-doc").unwrap();
///
/// let ticks = Cell::new(0);
/// let mut timers = zmq::Timers::new().unwrap();
/// timers.add(Duration::from_millis(5), || ticks.set(ticks.get() + 1)).unwrap();
///
/// let mut set = zmq::PollSet::new();
/// set.register(&socket, zmq::POLLIN);
/// while ticks.get() < 3 {
///     // Nothing is sent, so each poll returns when the next timer is due.
///     let ready = set.poll(timers.timeout()).unwrap();
///     assert!(ready.is_empty());
///     timers.execute().unwrap();
/// }
/// ```
pub struct Timers<'a> {
    raw: *mut c_void,
    entries: HashMap<c_int, *mut Entry<dyn FnMut() + 'a>>,
    round: Rc<Round>,
    /// Owns the boxed closures (for drop checking).
    marker: PhantomData<Box<dyn FnMut() + 'a>>,
}

impl fmt::Debug for Timers<'_> {
    /// The raw handle and the number of timers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timers")
            .field("handle", &self.raw)
            .field("len", &self.entries.len())
            .finish()
    }
}

impl Drop for Timers<'_> {
    fn drop(&mut self) {
        // SAFETY: `raw` is the set `zmq_timers_new` gave us, destroyed exactly once, here;
        // the result is ignored (it fails only for an invalid handle). Destroying first
        // means libzmq holds no closure pointer when they are freed below.
        unsafe {
            zmq_sys::zmq_timers_destroy(&mut self.raw);
        }
        for (_, entry) in self.entries.drain() {
            // SAFETY: every entry pointer came from `Box::into_raw` in `add` and is freed
            // only here or in `cancel`, which took it out of the map.
            drop(unsafe { Box::from_raw(entry) });
        }
    }
}

/// The C callback for closures of type `F`: runs the closure, catching a panic.
unsafe extern "C" fn trampoline<F: FnMut()>(_timer_id: c_int, arg: *mut c_void) {
    // SAFETY: `arg` is the `Box::into_raw` pointer `add` registered with this very
    // instantiation, so it is an `Entry<F>`; libzmq calls it only from `execute`, which
    // holds `&mut Timers`, and only for timers that are not cancelled (a cancelled timer's
    // entry is freed, and libzmq never calls it again), so the entry is live and nothing else
    // refers to it during the call.
    let entry = unsafe { &mut *arg.cast::<Entry<F>>() };
    let round = Rc::clone(&entry.round);
    round.fired.set(round.fired.get().saturating_add(1));
    let callback = &mut entry.callback;
    if let Err(payload) = catch_unwind(AssertUnwindSafe(callback)) {
        let first = round.panic.take();
        round.panic.set(Some(first.unwrap_or(payload)));
    }
}

/// An interval in libzmq's milliseconds, rounded up. Zero is `EINVAL` (libzmq would run a
/// zero-interval timer again and again within one `execute`, never returning), and so is an
/// interval beyond a C `long` of milliseconds (libzmq's timeout arithmetic would overflow).
fn interval_ms(interval: Duration) -> Result<usize> {
    let ms = crate::sockopt::ceil_millis(interval);
    if ms == 0 || ms > c_long::MAX as u128 {
        return Err(Error::EINVAL);
    }
    usize::try_from(ms).map_err(|_| Error::EINVAL)
}

impl<'a> Timers<'a> {
    /// A new, empty set of timers (`zmq_timers_new`).
    pub fn new() -> Result<Timers<'a>> {
        // SAFETY: no arguments; the result is a new timer set we own, or NULL (checked).
        let raw = unsafe { zmq_sys::zmq_timers_new() };
        if raw.is_null() {
            return Err(last_error());
        }
        Ok(Timers {
            raw,
            entries: HashMap::new(),
            round: Rc::default(),
            marker: PhantomData,
        })
    }

    /// How many timers are registered (cancelled ones are gone).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no timer is registered.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether `id` is a timer of this set that has not been cancelled.
    pub fn contains(&self, id: TimerId) -> bool {
        self.entries.contains_key(&id.0)
    }

    /// Adds a timer that calls `callback` every `interval` (rounded up to whole
    /// milliseconds), the first time `interval` from now (`zmq_timers_add`).
    ///
    /// `Err(EINVAL)` for a zero interval (libzmq would call it forever within one
    /// [`execute`](Timers::execute)) or one beyond a C `long` of milliseconds.
    pub fn add<F>(&mut self, interval: Duration, callback: F) -> Result<TimerId>
    where
        F: FnMut() + 'a,
    {
        let ms = interval_ms(interval)?;
        // Room first, so nothing can fail between libzmq's add and our bookkeeping.
        self.entries.reserve(1);
        let entry: *mut Entry<F> = Box::into_raw(Box::new(Entry {
            round: Rc::clone(&self.round),
            callback,
        }));
        // SAFETY: `raw` is our live set; `trampoline::<F>` matches `entry`'s type, and the
        // entry stays valid until `cancel` or our drop, after which libzmq never calls it.
        let rc =
            unsafe { zmq_sys::zmq_timers_add(self.raw, ms, Some(trampoline::<F>), entry.cast()) };
        match check(rc) {
            Ok(id) => {
                self.entries
                    .insert(id, entry as *mut Entry<dyn FnMut() + 'a>);
                Ok(TimerId(id))
            }
            Err(error) => {
                // SAFETY: libzmq refused the timer, so it holds no copy of `entry`, which came
                // from `Box::into_raw` just above and is freed once, here.
                drop(unsafe { Box::from_raw(entry) });
                Err(error)
            }
        }
    }

    /// Cancels the timer `id` and drops its closure (`zmq_timers_cancel`). `Err(EINVAL)` if
    /// `id` is not a timer of this set or was already cancelled.
    pub fn cancel(&mut self, id: TimerId) -> Result<()> {
        let entry = *self.entries.get(&id.0).ok_or(Error::EINVAL)?;
        // SAFETY: `raw` is our live set and `id` one of its live timers.
        check(unsafe { zmq_sys::zmq_timers_cancel(self.raw, id.0) })?;
        self.entries.remove(&id.0);
        // SAFETY: libzmq keeps the cancelled timer's argument only until it purges the timer
        // and never calls it again; the map no longer holds it, so this is the one owner of
        // the `Box::into_raw` allocation made in `add`.
        drop(unsafe { Box::from_raw(entry) });
        Ok(())
    }

    /// Changes the interval of timer `id` to `interval` and restarts it: it is next due
    /// `interval` from now (`zmq_timers_set_interval`). `Err(EINVAL)` for an unknown or
    /// cancelled `id`, or an interval [`add`](Timers::add) would refuse.
    pub fn set_interval(&mut self, id: TimerId, interval: Duration) -> Result<()> {
        let ms = interval_ms(interval)?;
        self.known(id)?;
        // SAFETY: `raw` is our live set and `id` one of its live timers.
        check(unsafe { zmq_sys::zmq_timers_set_interval(self.raw, id.0, ms) }).map(drop)
    }

    /// Restarts timer `id`: it is next due one interval from now (`zmq_timers_reset`).
    /// `Err(EINVAL)` for an unknown or cancelled `id`.
    pub fn reset(&mut self, id: TimerId) -> Result<()> {
        self.known(id)?;
        // SAFETY: `raw` is our live set and `id` one of its live timers.
        check(unsafe { zmq_sys::zmq_timers_reset(self.raw, id.0) }).map(drop)
    }

    /// `Ok` if `id` is a live timer of this set. libzmq itself would accept a cancelled id
    /// here until it purges it, and then re-arm a timer whose closure is gone.
    fn known(&self, id: TimerId) -> Result<()> {
        if self.entries.contains_key(&id.0) {
            Ok(())
        } else {
            Err(Error::EINVAL)
        }
    }

    /// How long until the next timer is due (`zmq_timers_timeout`): `Some(Duration::ZERO)`
    /// if one is due already, `None` when there are no timers — ready to pass as a poll
    /// timeout, where `None` waits forever.
    ///
    /// Takes `&mut self` because libzmq tidies cancelled timers away here.
    pub fn timeout(&mut self) -> Option<Duration> {
        if self.entries.is_empty() {
            return None;
        }
        // SAFETY: `raw` is our live set; no callback runs here.
        let ms = unsafe { zmq_sys::zmq_timers_timeout(self.raw) };
        u64::try_from(ms).ok().map(Duration::from_millis)
    }

    /// Runs the callbacks of every timer that is due (`zmq_timers_execute`) and returns how
    /// many ran; each runs once per call however late it is, and is next due one interval
    /// after this call.
    ///
    /// If a callback panics, the other due callbacks still run, and then the first panic is
    /// resumed from here (with its payload, as [`std::panic::resume_unwind`] does).
    pub fn execute(&mut self) -> Result<usize> {
        self.round.fired.set(0);
        // SAFETY: `raw` is our live set; the callbacks it runs are our trampolines, which
        // never unwind, over entries that are live (see `trampoline`); `&mut self` keeps
        // anyone from changing the set while they run.
        let rc = unsafe { zmq_sys::zmq_timers_execute(self.raw) };
        if let Some(payload) = self.round.panic.take() {
            resume_unwind(payload);
        }
        check(rc)?;
        Ok(self.round.fired.get())
    }
}
