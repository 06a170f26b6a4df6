//! What the benchmarks share (included with `#[path]` by `async_perf.rs` and `zmq_perf.rs`):
//! transports and fresh endpoints, connected socket pairs with the pipe already up, the run
//! configuration from the environment (`ZMQ_BENCH_QUICK`, `ZMQ_BENCH_ROUNDS`,
//! `ZMQ_BENCH_CELLS`), calibration, medians and per-round ratios, the round order, and the
//! machine and date lines. Each bench uses a different part, hence `allow(dead_code)`.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub const TRANSPORTS: [Transport; 3] = [Transport::Tcp, Transport::Ipc, Transport::Inproc];

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Tcp,
    Ipc,
    Inproc,
}

impl Transport {
    pub fn name(self) -> &'static str {
        match self {
            Transport::Tcp => "tcp",
            Transport::Ipc => "ipc",
            Transport::Inproc => "inproc",
        }
    }

    pub fn parse(s: &str) -> Option<Transport> {
        TRANSPORTS.into_iter().find(|t| t.name() == s)
    }
}

/// Hands out fresh endpoints; the ipc ones live in a private directory under /tmp that is
/// removed when this is dropped.
pub struct Endpoints {
    name: &'static str,
    dir: PathBuf,
    seq: u32,
}

impl Endpoints {
    /// `name` (the bench's) goes into the ipc directory's and the inproc endpoints' names.
    pub fn new(name: &'static str) -> Endpoints {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir = PathBuf::from(format!("/tmp/zmq-{name}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("cannot create the ipc directory");
        Endpoints { name, dir, seq: 0 }
    }

    /// A new endpoint to bind to (tcp: `127.0.0.1:*`, so the bound socket's
    /// `LAST_ENDPOINT` says where to connect; the same is true of the others).
    pub fn fresh(&mut self, transport: Transport) -> String {
        self.seq += 1;
        match transport {
            Transport::Tcp => "tcp://127.0.0.1:*".to_string(),
            Transport::Ipc => {
                let path = self.dir.join(format!("{}.sock", self.seq));
                format!("ipc://{}", path.display())
            }
            Transport::Inproc => format!("inproc://{}-{}", self.name, self.seq),
        }
    }

    /// A socket of type `bound` bound to a new endpoint and one of type `connected` connected
    /// to it, with one message passed from `first` to `second` so the pipe is up before any
    /// timing starts.
    pub fn pair(
        &mut self,
        ctx: &zmq::Context,
        transport: Transport,
        bound: zmq::SocketType,
        connected: zmq::SocketType,
    ) -> (zmq::Socket, zmq::Socket) {
        let a = ctx.socket(bound).unwrap();
        let b = ctx.socket(connected).unwrap();
        a.bind(&self.fresh(transport)).unwrap();
        let endpoint = a.get_last_endpoint().unwrap().unwrap();
        b.connect(&endpoint).unwrap();
        (a, b)
    }
}

impl Drop for Endpoints {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A PUSH and a PULL socket, connected, with one message already through.
pub fn push_pull(
    ctx: &zmq::Context,
    eps: &mut Endpoints,
    t: Transport,
) -> (zmq::Socket, zmq::Socket) {
    let (pull, push) = eps.pair(ctx, t, zmq::PULL, zmq::PUSH);
    push.send("warm-up", 0).unwrap();
    pull.recv_bytes(0).unwrap();
    (push, pull)
}

/// A REQ and a REP socket, connected, with one round trip already done.
pub fn req_rep(
    ctx: &zmq::Context,
    eps: &mut Endpoints,
    t: Transport,
) -> (zmq::Socket, zmq::Socket) {
    let (rep, req) = eps.pair(ctx, t, zmq::REP, zmq::REQ);
    req.send("warm-up", 0).unwrap();
    rep.recv_bytes(0).unwrap();
    rep.send("warm-up", 0).unwrap();
    req.recv_bytes(0).unwrap();
    (req, rep)
}

pub fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// Mean and p99 of round-trip samples, in one-way microseconds.
pub fn one_way_us(samples: &mut [u64]) -> (f64, f64) {
    samples.sort_unstable();
    let n = samples.len().max(1);
    let mean = samples.iter().map(|&s| s as f64).sum::<f64>() / n as f64;
    let p99 = samples
        .get((samples.len() * 99).div_ceil(100).saturating_sub(1))
        .copied()
        .unwrap_or(0) as f64;
    (mean / 2000.0, p99 / 2000.0)
}

// ---------------------------------------------------------------------------------------------
// Rounds, ratios, the table.

pub struct Config {
    pub rounds: usize,
    /// Seconds one cell-round of the blocking variant should take.
    pub target: f64,
    /// The shortest calibration run from which a rate is extrapolated.
    pub calibrate_min: f64,
    pub filter: Option<String>,
}

impl Config {
    pub fn from_env() -> Config {
        let quick = std::env::var("ZMQ_BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0");
        let rounds = std::env::var("ZMQ_BENCH_ROUNDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|&r: &usize| r > 0)
            .unwrap_or(if quick { 3 } else { 9 });
        let (target, calibrate_min) = if quick { (0.03, 0.01) } else { (0.3, 0.06) };
        let filter = std::env::var("ZMQ_BENCH_CELLS")
            .ok()
            .filter(|f| !f.is_empty());
        Config {
            rounds,
            target,
            calibrate_min,
            filter,
        }
    }

    pub fn wants(&self, cell: &str) -> bool {
        self.filter
            .as_ref()
            .is_none_or(|f| cell.contains(f.as_str()))
    }
}

/// A count that makes `run` take about `cfg.target` seconds, rounded to two significant
/// digits. `run(n)` returns the seconds `n` messages took.
pub fn calibrate(cfg: &Config, start: usize, mut run: impl FnMut(usize) -> f64) -> usize {
    let mut n = start;
    loop {
        let secs = run(n);
        if secs >= cfg.calibrate_min || n >= 100_000_000 {
            let want = (n as f64 * cfg.target / secs.max(1e-6)).max(200.0);
            let digits = 10f64.powi(want.log10().floor() as i32 - 1);
            return ((want / digits).round() * digits) as usize;
        }
        n = n.saturating_mul(if secs * 20.0 < cfg.calibrate_min {
            8
        } else {
            3
        });
    }
}

pub fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        len if len % 2 == 1 => v[len / 2],
        len => (v[len / 2 - 1] + v[len / 2]) / 2.0,
    }
}

/// `median [min–max]` of per-round ratios.
pub fn ratio_text(ratios: &[f64]) -> String {
    let min = ratios.iter().copied().fold(f64::INFINITY, f64::min);
    let max = ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    format!("{:.3} [{:.2}–{:.2}]", median(ratios), min, max)
}

pub fn rate_text(per_sec: f64) -> String {
    if per_sec >= 1e6 {
        format!("{:.2}M", per_sec / 1e6)
    } else {
        format!("{:.1}k", per_sec / 1e3)
    }
}

pub fn size_text(size: usize) -> String {
    if size >= 1024 && size % 1024 == 0 {
        format!("{}KiB", size / 1024)
    } else {
        format!("{size}B")
    }
}

/// The order of the variants in `round`: as listed on even rounds, reversed on odd ones.
pub fn round_order<T: Copy>(all: &[T], round: usize) -> Vec<T> {
    let mut order = all.to_vec();
    if round % 2 == 1 {
        order.reverse();
    }
    order
}

// ---------------------------------------------------------------------------------------------
// The machine and the date.

pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".to_string())
}

/// Today's date and time in UTC (days-to-civil conversion on the Unix time).
pub fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Shift the epoch to 0000-03-01 so leap days fall at the end of a 400-year era.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let mut s = String::new();
    let _ = write!(
        s,
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    );
    s
}

/// The order of the variants in `round`: the list rotated left by `round` places, so each
/// variant takes every position in turn (first, second, ...) over consecutive rounds.
pub fn rotated_order<T: Copy>(all: &[T], round: usize) -> Vec<T> {
    let mut order = all.to_vec();
    if !order.is_empty() {
        let k = round % order.len();
        order.rotate_left(k);
    }
    order
}
