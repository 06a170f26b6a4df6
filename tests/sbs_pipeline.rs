//! Pipeline side by side with pyzmq: a ventilator (PUSH) feeds four workers, two Rust
//! threads and two Python processes, which push results to a sink (PULL). Once every
//! worker is connected, PUSH hands out tasks strictly round robin, so each worker must get
//! exactly a quarter of them, every fourth task; the sink must collect each task once.

#[path = "common/py.rs"]
mod py;
#[path = "common/sbs.rs"]
mod sbs;

use std::collections::BTreeMap;

use py::{values, PyProc, TempDir, Transport};

const TASKS: usize = 40;
const WORKERS: usize = 4;

enum Side {
    Rust,
    Python,
}

fn run_pipeline(transport: Transport, ventilator_side: Side) {
    let dir = TempDir::new("pl");
    let ctx = zmq::Context::new();
    let tasks = TASKS.to_string();
    let workers = WORKERS.to_string();

    // The sink lives on the other side from the ventilator.
    let sink_bind = transport.bind_endpoint(&dir, "sink.ipc");
    let vent_bind = transport.bind_endpoint(&dir, "vent.ipc");
    let (mut py_sink, rust_sink, sink_endpoint) = match ventilator_side {
        Side::Rust => {
            let mut sink = PyProc::spawn("pl_sink.py", &["--bind", &sink_bind, "--tasks", &tasks]);
            let endpoint = sink.ready();
            (Some(sink), None, endpoint)
        }
        Side::Python => {
            let pull = sbs::socket(&ctx, zmq::PULL);
            let endpoint = sbs::bind(&pull, &sink_bind);
            (None, Some(pull), endpoint)
        }
    };
    let (mut py_vent, rust_vent, vent_endpoint) = match ventilator_side {
        Side::Rust => {
            let vent = sbs::Ventilator::bind(&ctx, &vent_bind);
            let endpoint = vent.endpoint.clone();
            (None, Some(vent), endpoint)
        }
        Side::Python => {
            let mut vent = PyProc::spawn(
                "pl_ventilator.py",
                &[
                    "--bind",
                    &vent_bind,
                    "--tasks",
                    &tasks,
                    "--workers",
                    &workers,
                ],
            );
            let endpoint = vent.ready();
            (Some(vent), None, endpoint)
        }
    };

    let mut py_workers: Vec<PyProc> = (0..WORKERS / 2)
        .map(|i| {
            let name = format!("py-w{i}");
            PyProc::spawn(
                "pl_worker.py",
                &[
                    "--pull",
                    &vent_endpoint,
                    "--push",
                    &sink_endpoint,
                    "--name",
                    &name,
                ],
            )
        })
        .collect();
    let rust_workers: Vec<_> = (0..WORKERS / 2)
        .map(|i| {
            let (ctx, pull, push) = (ctx.clone(), vent_endpoint.clone(), sink_endpoint.clone());
            let name = format!("rs-w{i}");
            std::thread::spawn(move || (name.clone(), sbs::work(&ctx, &pull, &push, &name)))
        })
        .collect();

    if let Some(vent) = &rust_vent {
        vent.run(WORKERS, TASKS);
    }
    let by_worker: BTreeMap<String, Vec<String>> = match (&rust_sink, &mut py_sink) {
        (Some(pull), _) => sbs::collect_results(pull, TASKS),
        (None, Some(sink)) => {
            let lines = sink.finish_ok();
            let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for result in values(&lines, "Result: ") {
                let (task, worker) = result
                    .split_once(" from ")
                    .unwrap_or_else(|| panic!("malformed sink line {result:?}"));
                map.entry(worker.to_owned())
                    .or_default()
                    .push(task.to_owned());
            }
            let counts: Vec<String> = map
                .iter()
                .map(|(w, t)| format!("{w} {}", t.len()))
                .collect();
            assert_eq!(values(&lines, "COUNT "), counts);
            map
        }
        (None, None) => unreachable!(),
    };
    if let Some(vent) = &mut py_vent {
        let lines = vent.finish_ok();
        assert_eq!(values(&lines, "WORKER-CONNECTED ").len(), WORKERS);
        assert_eq!(values(&lines, "Sent: "), sbs::numbered("task", TASKS));
    }

    // Each worker's own count agrees with what the sink saw from it.
    let mut reported = BTreeMap::new();
    for handle in rust_workers {
        let (name, done) = handle.join().expect("Rust worker");
        reported.insert(name, done);
    }
    for worker in &mut py_workers {
        let lines = worker.finish_ok();
        let done = values(&lines, "DONE ");
        let (name, n) = done[0].split_once(' ').expect("DONE <name> <n>");
        reported.insert(name.to_owned(), n.parse::<usize>().expect("count"));
        assert_eq!(values(&lines, "Received task: ").len(), reported[name]);
    }
    let seen: BTreeMap<String, usize> = by_worker
        .iter()
        .map(|(w, t)| (w.clone(), t.len()))
        .collect();
    assert_eq!(seen, reported, "sink's view vs workers' own counts");

    // Fair: every worker, Rust or Python, got exactly its share, and round robin means
    // every WORKERS-th task, a different residue for each.
    assert_eq!(by_worker.len(), WORKERS, "{by_worker:?}");
    let mut residues = Vec::new();
    let mut all = Vec::new();
    for (worker, tasks) in &by_worker {
        assert_eq!(tasks.len(), TASKS / WORKERS, "{worker}: {tasks:?}");
        let numbers: Vec<usize> = tasks
            .iter()
            .map(|t| {
                t.strip_prefix("task")
                    .and_then(|n| n.parse().ok())
                    .expect("taskN")
            })
            .collect();
        let residue = numbers[0] % WORKERS;
        assert!(
            numbers.iter().all(|n| n % WORKERS == residue),
            "{worker}: {numbers:?}"
        );
        residues.push(residue);
        all.extend(numbers);
    }
    residues.sort_unstable();
    assert_eq!(residues, (0..WORKERS).collect::<Vec<_>>());
    all.sort_unstable();
    assert_eq!(
        all,
        (0..TASKS).collect::<Vec<_>>(),
        "each task exactly once"
    );
}

#[test]
fn rust_ventilator_mixed_workers_python_sink_tcp() {
    run_pipeline(Transport::Tcp, Side::Rust);
}

#[test]
fn rust_ventilator_mixed_workers_python_sink_ipc() {
    run_pipeline(Transport::Ipc, Side::Rust);
}

#[test]
fn python_ventilator_mixed_workers_rust_sink_tcp() {
    run_pipeline(Transport::Tcp, Side::Python);
}

#[test]
fn python_ventilator_mixed_workers_rust_sink_ipc() {
    run_pipeline(Transport::Ipc, Side::Python);
}
