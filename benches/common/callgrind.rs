//! zmq_perf's instruction counts: each Rust column's loop (and the C program's) run in a
//! process of its own under `valgrind --tool=callgrind`, twice with different message counts;
//! the difference of the two totals over the difference of the counts is the instructions one
//! message costs, every thread included (sender, receiver, libzmq's I/O threads), start-up and
//! warm-up cancelled out. Unlike wall-clock rates these counts do not move with the load of a
//! shared 2-vCPU machine, so they say where a wall-clock gap is the program's own work.

use std::path::Path;
use std::process::Command;

/// One counted cell: workload (`thr` or `lat`), transport, message size, and the two counts
/// (messages or round trips) whose difference is measured.
pub struct Cell {
    pub workload: &'static str,
    pub transport: &'static str,
    pub size: usize,
    pub counts: (usize, usize),
}

/// The cells of a full run; a quick run takes the first only.
pub const CELLS: [Cell; 8] = [
    Cell {
        workload: "thr",
        transport: "inproc",
        size: 64,
        counts: (4_000, 24_000),
    },
    Cell {
        workload: "thr",
        transport: "inproc",
        size: 1,
        counts: (4_000, 24_000),
    },
    Cell {
        workload: "thr",
        transport: "inproc",
        size: 1024,
        counts: (4_000, 24_000),
    },
    Cell {
        workload: "thr",
        transport: "inproc",
        size: 65_536,
        counts: (400, 2_400),
    },
    Cell {
        workload: "thr",
        transport: "tcp",
        size: 64,
        counts: (4_000, 24_000),
    },
    Cell {
        workload: "thr",
        transport: "tcp",
        size: 1024,
        counts: (4_000, 24_000),
    },
    Cell {
        workload: "lat",
        transport: "inproc",
        size: 1,
        counts: (1_000, 6_000),
    },
    Cell {
        workload: "lat",
        transport: "tcp",
        size: 1,
        counts: (1_000, 6_000),
    },
];

/// `valgrind --version`, or why callgrind cannot run.
pub fn valgrind() -> Result<String, String> {
    let out = Command::new("valgrind")
        .arg("--version")
        .output()
        .map_err(|e| format!("valgrind not found ({e}); `apt-get install valgrind`"))?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The instructions callgrind counted for `program args...` (every thread), or why it failed.
pub fn instructions(program: &Path, args: &[String]) -> Result<u64, String> {
    let out = Command::new("valgrind")
        .args([
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            // libzmq's threads block in poll/epoll; let a blocked thread yield at once.
            "--fair-sched=yes",
        ])
        .arg(program)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run valgrind: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        let tail: Vec<&str> = stderr.lines().rev().take(4).collect();
        return Err(format!(
            "{} failed under callgrind: {}",
            program.display(),
            tail.join(" / ")
        ));
    }
    stderr
        .lines()
        .find_map(|l| l.split("Collected :").nth(1))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| "callgrind printed no `Collected :` total".to_string())
}

/// Instructions per message of one column in one cell: `run(count)` is the process total.
pub fn per_message(
    cell: &Cell,
    mut run: impl FnMut(usize) -> Result<u64, String>,
) -> Result<f64, String> {
    let (few, many) = cell.counts;
    let low = run(few)?;
    let high = run(many)?;
    Ok(high.saturating_sub(low) as f64 / (many - few) as f64)
}
