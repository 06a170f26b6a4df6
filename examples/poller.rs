//! One poll loop over two sockets and a heartbeat timer, written twice: with
//! `zmq::PollSet` (pyzmq-style, any libzmq) and, when the linked libzmq has the DRAFT API,
//! with `zmq::Poller` (libzmq's `zmq_poller`, a typed value per socket).
//!
//! ```text
//! cargo run --example poller                     # PollSet (and Poller if the libzmq has DRAFT)
//! cargo run --example poller --features draft    # both, on the vendored libzmq with DRAFT
//! ```
//!
//! A producer thread sends three jobs to a `jobs` socket and says on a `control` socket how
//! many it sent; the loop ends once it has handled that many. Meanwhile a timer (where the
//! libzmq has `zmq_timers`, i.e. 4.3 or newer) counts heartbeats: the loop waits for at most
//! the time until the next one is due.

use std::thread;
use std::time::Duration;

/// How long the loop may wait for anything at all before it gives up.
const GIVE_UP: Duration = Duration::from_secs(10);

/// Sends `count` jobs on `jobs_endpoint`, then the count on `control_endpoint`.
fn spawn_producer(
    ctx: &zmq::Context,
    jobs_endpoint: String,
    control_endpoint: String,
    count: usize,
) -> thread::JoinHandle<zmq::Result<()>> {
    let ctx = ctx.clone();
    thread::spawn(move || {
        let jobs = ctx.socket(zmq::PUSH)?;
        jobs.connect(&jobs_endpoint)?;
        let control = ctx.socket(zmq::PUSH)?;
        control.connect(&control_endpoint)?;
        for i in 1..=count {
            // Paced, so that the loop also waits and the heartbeat has time to beat.
            thread::sleep(Duration::from_millis(10));
            jobs.send(format!("job {i}").as_str(), 0)?;
        }
        control.send(count.to_string().as_str(), 0)?;
        Ok(())
    })
}

/// Two PULL sockets bound on fresh inproc names: (jobs, control).
fn bind_pair(ctx: &zmq::Context, tag: &str) -> zmq::Result<(zmq::Socket, zmq::Socket)> {
    let jobs = ctx.socket(zmq::PULL)?;
    jobs.bind(&format!("inproc://{tag}-jobs"))?;
    let control = ctx.socket(zmq::PULL)?;
    control.bind(&format!("inproc://{tag}-control"))?;
    Ok((jobs, control))
}

/// The loop's state: jobs handled, and how many the producer said it sent.
#[derive(Default)]
struct Progress {
    handled: usize,
    expected: Option<usize>,
}

impl Progress {
    fn job(&mut self, socket: &zmq::Socket) -> zmq::Result<()> {
        while let Ok(bytes) = socket.recv_bytes(zmq::DONTWAIT) {
            println!("  handled {}", String::from_utf8_lossy(&bytes));
            self.handled += 1;
        }
        Ok(())
    }

    fn control(&mut self, socket: &zmq::Socket) -> zmq::Result<()> {
        let text = socket.recv_bytes(0)?;
        let count = String::from_utf8_lossy(&text).parse().unwrap_or(0);
        println!("  control: {count} jobs were sent");
        self.expected = Some(count);
        Ok(())
    }

    fn done(&self) -> bool {
        self.expected.is_some_and(|n| self.handled >= n)
    }
}

/// A heartbeat every 5 ms, where the linked libzmq has the timers.
#[cfg(zmq_timers)]
struct Heartbeat<'a> {
    timers: zmq::Timers<'a>,
}

#[cfg(zmq_timers)]
impl<'a> Heartbeat<'a> {
    fn new(beats: &'a std::cell::Cell<usize>) -> zmq::Result<Heartbeat<'a>> {
        let mut timers = zmq::Timers::new()?;
        timers.add(Duration::from_millis(5), move || beats.set(beats.get() + 1))?;
        Ok(Heartbeat { timers })
    }

    fn timeout(&mut self) -> Option<Duration> {
        self.timers
            .timeout()
            .map(|t| t.min(GIVE_UP))
            .or(Some(GIVE_UP))
    }

    fn run(&mut self) -> zmq::Result<()> {
        self.timers.execute().map(drop)
    }
}

/// Without `zmq_timers` the loop just waits with the give-up timeout.
#[cfg(not(zmq_timers))]
struct Heartbeat;

#[cfg(not(zmq_timers))]
impl Heartbeat {
    fn new(_beats: &std::cell::Cell<usize>) -> zmq::Result<Heartbeat> {
        Ok(Heartbeat)
    }

    fn timeout(&mut self) -> Option<Duration> {
        Some(GIVE_UP)
    }

    fn run(&mut self) -> zmq::Result<()> {
        Ok(())
    }
}

/// The loop with `zmq::PollSet`: ask the result which socket is ready.
fn with_pollset(ctx: &zmq::Context) -> Result<(), Box<dyn std::error::Error>> {
    println!("PollSet (zmq_poll):");
    let (jobs, control) = bind_pair(ctx, "pollset")?;
    let producer = spawn_producer(
        ctx,
        "inproc://pollset-jobs".into(),
        "inproc://pollset-control".into(),
        3,
    );
    let beats = std::cell::Cell::new(0);
    let mut heartbeat = Heartbeat::new(&beats)?;

    let mut set = zmq::PollSet::new();
    set.register(&jobs, zmq::POLLIN);
    set.register(&control, zmq::POLLIN);
    let mut progress = Progress::default();
    let mut idle = Duration::ZERO;
    while !progress.done() && idle < GIVE_UP {
        let timeout = heartbeat.timeout();
        let ready = set.poll(timeout)?;
        if ready.is_empty() {
            idle += timeout.unwrap_or(GIVE_UP);
        }
        if ready.events(&jobs).contains(zmq::POLLIN) {
            progress.job(&jobs)?;
        }
        if ready.events(&control).contains(zmq::POLLIN) {
            progress.control(&control)?;
        }
        heartbeat.run()?;
    }
    producer
        .join()
        .map_err(|_| "the producer thread panicked")??;
    println!(
        "  done: {} jobs, {} heartbeats",
        progress.handled,
        beats.get()
    );
    Ok(())
}

/// The loop with `zmq::Poller`: each socket comes back with its role.
#[cfg(zmq_draft)]
fn with_poller(ctx: &zmq::Context) -> Result<(), Box<dyn std::error::Error>> {
    #[derive(Clone, Copy)]
    enum Role {
        Jobs,
        Control,
    }

    println!("Poller (zmq_poller, DRAFT):");
    let (jobs, control) = bind_pair(ctx, "poller")?;
    let producer = spawn_producer(
        ctx,
        "inproc://poller-jobs".into(),
        "inproc://poller-control".into(),
        3,
    );
    let beats = std::cell::Cell::new(0);
    let mut heartbeat = Heartbeat::new(&beats)?;

    let mut poller = zmq::Poller::new()?;
    poller.add(&jobs, zmq::POLLIN, Role::Jobs)?;
    poller.add(&control, zmq::POLLIN, Role::Control)?;
    let mut progress = Progress::default();
    let mut idle = Duration::ZERO;
    while !progress.done() && idle < GIVE_UP {
        let timeout = heartbeat.timeout();
        let mut any = false;
        for event in poller.wait(timeout)? {
            any = true;
            let Some(socket) = event.socket() else {
                continue;
            };
            match event.value() {
                Role::Jobs => progress.job(socket)?,
                Role::Control => progress.control(socket)?,
            }
        }
        if !any {
            idle += timeout.unwrap_or(GIVE_UP);
        }
        heartbeat.run()?;
    }
    producer
        .join()
        .map_err(|_| "the producer thread panicked")??;
    println!(
        "  done: {} jobs, {} heartbeats",
        progress.handled,
        beats.get()
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let ctx = zmq::Context::new();
    with_pollset(&ctx)?;
    #[cfg(zmq_draft)]
    with_poller(&ctx)?;
    #[cfg(not(zmq_draft))]
    println!("Poller: skipped, the linked libzmq has no DRAFT API");
    Ok(())
}
