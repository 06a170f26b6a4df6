//! `zmq::Timers` (`zmq_timers_*`, stable since libzmq 4.3.0): firing, cancelling (which
//! frees the closure), errors for unknown ids, panics in callbacks, and driving the timers
//! from both pollers. Firing counts are asserted as lower bounds reached within generous
//! deadlines, never as exact timings.
#![cfg(zmq_timers)]

mod common;

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::time::{Duration, Instant};

use common::inproc;
use zmq::{Context, PollSet, TimerId, Timers, POLLIN};

/// The longest any test waits for timers that should fire within milliseconds.
const DEADLINE: Duration = Duration::from_secs(10);

/// A counter closures can share.
#[derive(Clone, Default)]
struct Count(Rc<Cell<usize>>);

impl Count {
    fn bump(&self) {
        self.0.set(self.0.get() + 1);
    }

    fn get(&self) -> usize {
        self.0.get()
    }
}

/// Counts its own drops, for closures that capture it.
struct DropFlag(Count);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.bump();
    }
}

/// Runs `timers` (sleeping until the next one is due) until `done` or the deadline.
fn run_until(timers: &mut Timers<'_>, done: impl Fn() -> bool) {
    let start = Instant::now();
    while !done() && start.elapsed() < DEADLINE {
        if let Some(wait) = timers.timeout() {
            std::thread::sleep(wait);
        }
        timers.execute().unwrap();
    }
}

#[test]
fn timers_fire_repeatedly_when_executed() {
    let fast = Count::default();
    let slow = Count::default();
    let mut timers = Timers::new().unwrap();
    let (f, s) = (fast.clone(), slow.clone());
    timers
        .add(Duration::from_millis(2), move || f.bump())
        .unwrap();
    timers
        .add(Duration::from_secs(3600), move || s.bump())
        .unwrap();
    assert_eq!(timers.len(), 2);

    let mut reported = 0;
    let start = Instant::now();
    while fast.get() < 5 && start.elapsed() < DEADLINE {
        if let Some(wait) = timers.timeout() {
            std::thread::sleep(wait);
        }
        reported += timers.execute().unwrap();
    }
    assert!(fast.get() >= 5, "the 2 ms timer fired {} times", fast.get());
    assert_eq!(slow.get(), 0, "the one-hour timer fired");
    assert_eq!(
        reported,
        fast.get(),
        "execute reports how many callbacks ran"
    );
}

#[test]
fn nothing_fires_before_it_is_due() {
    let count = Count::default();
    let mut timers = Timers::new().unwrap();
    let c = count.clone();
    timers
        .add(Duration::from_secs(3600), move || c.bump())
        .unwrap();
    assert_eq!(timers.execute().unwrap(), 0);
    assert_eq!(count.get(), 0);
    let left = timers.timeout().unwrap();
    assert!(
        left > Duration::from_secs(1800) && left <= Duration::from_secs(3600),
        "{left:?}"
    );
}

#[test]
fn timeout_is_none_without_timers() {
    let mut timers = Timers::new().unwrap();
    assert_eq!(timers.timeout(), None);
    assert!(timers.is_empty());
    let id = timers.add(Duration::from_secs(60), || {}).unwrap();
    assert!(timers.timeout().is_some());
    timers.cancel(id).unwrap();
    assert_eq!(timers.timeout(), None);
    assert_eq!(timers.execute().unwrap(), 0);
}

#[test]
fn cancel_drops_the_closure_and_stops_the_timer() {
    let drops = Count::default();
    let fired = Count::default();
    let mut timers = Timers::new().unwrap();
    let (flag, f) = (DropFlag(drops.clone()), fired.clone());
    let id = timers
        .add(Duration::from_millis(1), move || {
            let _keep = &flag;
            f.bump();
        })
        .unwrap();
    assert!(timers.contains(id));
    timers.cancel(id).unwrap();
    assert_eq!(drops.get(), 1, "cancel frees the closure");
    assert!(!timers.contains(id));
    assert!(timers.is_empty());

    // Even once it would have been due, the cancelled timer does not fire.
    let other = Count::default();
    let o = other.clone();
    timers
        .add(Duration::from_millis(5), move || o.bump())
        .unwrap();
    run_until(&mut timers, || other.get() >= 1);
    assert!(other.get() >= 1);
    assert_eq!(fired.get(), 0);
    drop(timers);
    assert_eq!(drops.get(), 1, "dropped exactly once");
}

#[test]
fn cancelled_and_unknown_ids_are_einval() {
    let mut timers = Timers::new().unwrap();
    let id = timers.add(Duration::from_secs(60), || {}).unwrap();
    timers.cancel(id).unwrap();
    assert_eq!(timers.cancel(id), Err(zmq::Error::EINVAL));
    assert_eq!(timers.reset(id), Err(zmq::Error::EINVAL));
    assert_eq!(
        timers.set_interval(id, Duration::from_millis(1)),
        Err(zmq::Error::EINVAL)
    );

    // An id this set never issued (here: the third of another set) is unknown here.
    let mut other = Timers::new().unwrap();
    let mut foreign: Option<TimerId> = None;
    for _ in 0..3 {
        foreign = Some(other.add(Duration::from_secs(60), || {}).unwrap());
    }
    let foreign = foreign.unwrap();
    let mine = timers.add(Duration::from_secs(60), || {}).unwrap();
    assert!(foreign > mine, "{foreign:?} vs {mine:?}");
    assert_eq!(timers.cancel(foreign), Err(zmq::Error::EINVAL));
    assert_eq!(timers.reset(foreign), Err(zmq::Error::EINVAL));
    assert!(other.contains(foreign) && timers.contains(mine));
}

#[test]
fn bad_intervals_are_einval_and_drop_the_closure() {
    let drops = Count::default();
    let mut timers = Timers::new().unwrap();
    let flag = DropFlag(drops.clone());
    let refused = timers.add(Duration::ZERO, move || {
        let _keep = &flag;
    });
    assert_eq!(refused, Err(zmq::Error::EINVAL));
    assert_eq!(drops.get(), 1);
    assert_eq!(timers.add(Duration::MAX, || {}), Err(zmq::Error::EINVAL));
    assert!(timers.is_empty());

    let id = timers.add(Duration::from_secs(60), || {}).unwrap();
    assert_eq!(
        timers.set_interval(id, Duration::ZERO),
        Err(zmq::Error::EINVAL)
    );
    // Sub-millisecond intervals round up instead of becoming zero.
    assert!(timers.add(Duration::from_nanos(1), || {}).is_ok());
}

#[test]
fn set_interval_reschedules_and_reset_restarts() {
    let count = Count::default();
    let mut timers = Timers::new().unwrap();
    let c = count.clone();
    let id = timers
        .add(Duration::from_secs(3600), move || c.bump())
        .unwrap();
    timers.set_interval(id, Duration::from_millis(3)).unwrap();
    assert!(timers.timeout().unwrap() <= Duration::from_millis(3));
    run_until(&mut timers, || count.get() >= 2);
    assert!(count.get() >= 2, "fired {} times", count.get());

    timers.set_interval(id, Duration::from_secs(3600)).unwrap();
    timers.reset(id).unwrap();
    assert!(timers.timeout().unwrap() > Duration::from_secs(1800));
}

#[test]
fn dropping_the_timers_drops_every_closure_once() {
    let drops = Count::default();
    {
        let mut timers = Timers::new().unwrap();
        for _ in 0..3 {
            let flag = DropFlag(drops.clone());
            timers
                .add(Duration::from_secs(60), move || {
                    let _keep = &flag;
                })
                .unwrap();
        }
        assert_eq!(drops.get(), 0);
    }
    assert_eq!(drops.get(), 3);
}

#[test]
fn closures_may_borrow_local_state() {
    let ticks = Cell::new(0u32);
    let mut timers = Timers::new().unwrap();
    timers
        .add(Duration::from_millis(1), || ticks.set(ticks.get() + 1))
        .unwrap();
    run_until(&mut timers, || ticks.get() >= 2);
    drop(timers);
    assert!(ticks.get() >= 2);
}

#[test]
fn a_panicking_callback_resumes_after_the_round() {
    let survivor = Count::default();
    let mut timers = Timers::new().unwrap();
    let s = survivor.clone();
    let id = timers
        .add(Duration::from_millis(1), || panic!("timer callback failed"))
        .unwrap();
    timers
        .add(Duration::from_millis(1), move || s.bump())
        .unwrap();

    // Both are due 1 ms after they were added; wait well past that, then run one round.
    std::thread::sleep(Duration::from_millis(20));
    let payload = catch_unwind(AssertUnwindSafe(|| timers.execute())).unwrap_err();
    assert_eq!(
        payload.downcast_ref::<&str>(),
        Some(&"timer callback failed")
    );
    assert_eq!(survivor.get(), 1, "the other due timer still ran");

    // The set stays usable; the panicking timer stays registered until cancelled.
    assert!(timers.contains(id));
    timers.cancel(id).unwrap();
    run_until(&mut timers, || survivor.get() >= 2);
    assert!(survivor.get() >= 2);
}

#[test]
fn timers_drive_a_pollset_loop() {
    let ctx = Context::new();
    let endpoint = inproc("timers-pollset");
    let pull = common::socket(&ctx, zmq::PULL);
    pull.bind(&endpoint).unwrap();
    let push = common::socket(&ctx, zmq::PUSH);
    push.connect(&endpoint).unwrap();

    // A heartbeat timer sends a message every 2 ms; the loop receives them through the set.
    let heartbeats = Count::default();
    let mut timers = Timers::new().unwrap();
    let h = heartbeats.clone();
    timers
        .add(Duration::from_millis(2), move || {
            push.send("beat", 0).unwrap();
            h.bump();
        })
        .unwrap();
    let mut set = PollSet::new();
    set.register(&pull, POLLIN);

    let mut received = 0;
    let start = Instant::now();
    while received < 5 && start.elapsed() < DEADLINE {
        let readable = !set.poll(timers.timeout()).unwrap().is_empty();
        if readable {
            while pull.recv_bytes(zmq::DONTWAIT).is_ok() {
                received += 1;
            }
        }
        timers.execute().unwrap();
    }
    assert!(received >= 5, "received {received} heartbeats");
    assert!(heartbeats.get() >= received);
}

#[cfg(zmq_draft)]
#[test]
fn timers_drive_a_poller_loop() {
    let ctx = Context::new();
    let endpoint = inproc("timers-poller");
    let pull = common::socket(&ctx, zmq::PULL);
    pull.bind(&endpoint).unwrap();
    let push = common::socket(&ctx, zmq::PUSH);
    push.connect(&endpoint).unwrap();

    let heartbeats = Count::default();
    let mut timers = Timers::new().unwrap();
    let h = heartbeats.clone();
    timers
        .add(Duration::from_millis(2), move || {
            push.send("beat", 0).unwrap();
            h.bump();
        })
        .unwrap();
    let mut poller = zmq::Poller::new().unwrap();
    poller.add(&pull, POLLIN, "heartbeats").unwrap();

    let mut received = 0;
    let start = Instant::now();
    while received < 5 && start.elapsed() < DEADLINE {
        for event in poller.wait(timers.timeout()).unwrap() {
            assert_eq!(*event.value(), "heartbeats");
            let socket = event.socket().unwrap();
            while socket.recv_bytes(zmq::DONTWAIT).is_ok() {
                received += 1;
            }
        }
        timers.execute().unwrap();
    }
    assert!(received >= 5, "received {received} heartbeats");
    assert!(heartbeats.get() >= received);
}
