//! `zmq::PollSet` (and, with DRAFT, `zmq::Poller`) side by side with pyzmq: the same
//! registration sequence gives what pyzmq's `zmq.Poller` gives (poller_semantics.py), and a
//! poll loop with a timer drains a pyzmq ventilator (pl_ventilator.py) over TCP; and the
//! `poller` example runs to its end (`cargo test` builds the examples first).

#[path = "common/examples.rs"]
mod examples;
#[path = "common/py.rs"]
mod py;
#[path = "common/sbs.rs"]
mod sbs;
#[path = "common/scripts.rs"]
mod scripts;

use std::time::{Duration, Instant};

use py::{values, PyProc, TempDir, Transport};
use zmq::{PollEvents, PollSet, POLLIN, POLLOUT};

const WAIT: Option<Duration> = Some(Duration::from_secs(5));
const TASKS: usize = 20;

/// poller_semantics.py's sequence, with `PollSet`; the lines it prints.
fn rust_steps() -> Vec<String> {
    let ctx = zmq::Context::new();
    let a = sbs::socket(&ctx, zmq::PAIR);
    a.bind("inproc://poller-semantics").unwrap();
    let b = sbs::socket(&ctx, zmq::PAIR);
    b.connect("inproc://poller-semantics").unwrap();
    b.send("x", 0).unwrap();

    let mut steps = Vec::new();
    let mut step = |name: &str, value: String| steps.push(format!("{name} {value}"));
    let mut set = PollSet::new();
    set.register(&a, POLLIN | POLLOUT);
    step("len-after-register", set.len().to_string());
    step(
        "events-in-out",
        set.poll(WAIT).unwrap().events(&a).bits().to_string(),
    );
    set.register(&a, POLLIN);
    step("len-after-reregister", set.len().to_string());
    step(
        "events-in",
        set.poll(WAIT).unwrap().events(&a).bits().to_string(),
    );
    set.register(&b, PollEvents::empty());
    step("len-after-zero-unknown", set.len().to_string());
    set.register(&a, PollEvents::empty());
    step("len-after-zero", set.len().to_string());
    let unregistered = match set.unregister(&a) {
        Err(zmq::Error::EINVAL) => "error",
        Err(other) => panic!("unregister of an unknown socket: {other:?}"),
        Ok(()) => "ok",
    };
    step("unregister-unknown", unregistered.to_string());

    set.register(&a, POLLOUT);
    set.register(&b, POLLIN);
    let ready: Vec<String> = set
        .poll(WAIT)
        .unwrap()
        .iter()
        .map(|(source, events)| {
            let name = if source.is_socket(&a) { "a" } else { "b" };
            format!("{name}:{}", events.bits())
        })
        .collect();
    step("ready", ready.join(","));
    set.unregister(&a).unwrap();
    let timed_out = set.poll(Some(Duration::from_millis(10))).unwrap().len();
    step("timeout-ready", timed_out.to_string());
    let empty = PollSet::new()
        .poll(Some(Duration::from_millis(10)))
        .unwrap()
        .len();
    step("empty-timeout", empty.to_string());
    steps
}

#[test]
fn pollset_registrations_behave_like_pyzmq_poller() {
    let mut probe = PyProc::spawn::<&str>("poller_semantics.py", &[]);
    let lines = probe.finish_ok();
    assert_eq!(values(&lines, "DONE "), ["10"]);
    let python = values(&lines, "STEP ");
    assert_eq!(python.len(), 10, "{lines:?}");
    assert_eq!(rust_steps(), python);
}

/// Connects a PULL socket to pl_ventilator.py (one worker) and runs `wait` with a fresh
/// timer set; checks that it returns every task, in order.
fn drain_ventilator(wait: impl FnOnce(&zmq::Socket, &mut zmq::Timers) -> Vec<String>) {
    let dir = TempDir::new("poller");
    let bind = Transport::Tcp.bind_endpoint(&dir, "vent.ipc");
    let (mut ventilator, endpoint) = scripts::ventilator(&bind, TASKS, 1);
    let ctx = zmq::Context::new();
    let pull = sbs::socket(&ctx, zmq::PULL);
    pull.connect(&endpoint).unwrap();

    let mut timers = zmq::Timers::new().unwrap();
    let got = wait(&pull, &mut timers);
    assert_eq!(got, scripts::numbered("task", TASKS));
    let lines = ventilator.finish_ok();
    assert_eq!(values(&lines, "DONE "), [TASKS.to_string()]);
}

/// One bounded receive loop: `poll` waits for at most the timers' timeout and says whether
/// `pull` is readable; then the timers run.
fn poll_loop(
    pull: &zmq::Socket,
    timers: &mut zmq::Timers,
    mut poll: impl FnMut(Option<Duration>) -> bool,
) -> Vec<String> {
    // A heartbeat keeps every wait short: the loop alternates polls and timer rounds.
    timers.add(Duration::from_millis(2), || {}).unwrap();
    let mut got = Vec::new();
    let start = Instant::now();
    loop {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no END within a minute"
        );
        if poll(timers.timeout()) {
            while let Ok(bytes) = pull.recv_bytes(zmq::DONTWAIT) {
                let text = String::from_utf8(bytes).unwrap();
                if text == "END" {
                    return got;
                }
                got.push(text);
            }
        }
        timers.execute().unwrap();
    }
}

#[test]
fn a_pollset_loop_drains_a_python_ventilator_with_a_timer_running() {
    drain_ventilator(|pull, timers| {
        let mut set = PollSet::new();
        set.register(pull, POLLIN);
        poll_loop(pull, timers, |timeout| {
            set.poll(timeout).unwrap().events(pull) == POLLIN
        })
    });
}

#[cfg(zmq_draft)]
#[test]
fn a_poller_loop_drains_a_python_ventilator_with_a_timer_running() {
    drain_ventilator(|pull, timers| {
        let mut poller = zmq::Poller::new().unwrap();
        poller.add(pull, POLLIN, "tasks").unwrap();
        poll_loop(pull, timers, |timeout| {
            let mut ready = false;
            for event in poller.wait(timeout).unwrap() {
                assert_eq!((*event.value(), event.events()), ("tasks", POLLIN));
                ready = true;
            }
            ready
        })
    });
}

#[test]
fn the_poller_example_handles_every_job_with_each_poller() {
    let lines = examples::run_example::<&str>("poller", &[]).finish_ok();
    // A title line per poller, then its indented report.
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();
    for line in lines {
        match sections.last_mut() {
            Some((_, body)) if line.starts_with(' ') => body.push(line),
            _ => sections.push((line, Vec::new())),
        }
    }
    let titles: Vec<&str> = sections.iter().map(|(title, _)| title.as_str()).collect();
    let second = if cfg!(zmq_draft) {
        "Poller (zmq_poller, DRAFT):"
    } else {
        "Poller: skipped, the linked libzmq has no DRAFT API"
    };
    assert_eq!(titles, ["PollSet (zmq_poll):", second]);
    for (title, body) in &sections {
        if title.contains("skipped") {
            assert!(body.is_empty(), "{body:?}");
            continue;
        }
        assert_eq!(values(body, "  handled "), ["job 1", "job 2", "job 3"]);
        assert_eq!(values(body, "  control: "), ["3 jobs were sent"]);
        assert!(
            body.iter().any(|line| line.starts_with("  done: 3 jobs, ")),
            "{body:?}"
        );
    }
}
