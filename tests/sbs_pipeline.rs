//! Pipeline side by side with pyzmq: a ventilator (PUSH) feeds four workers, two Rust
//! threads and two Python processes, which push results to a sink (PULL). Once every
//! worker is connected, PUSH hands out tasks strictly round robin, so each worker must get
//! exactly a quarter of them, every fourth task; the sink must collect each task once.

#[path = "common/py.rs"]
mod py;
#[path = "common/sbs.rs"]
mod sbs;
#[path = "common/scripts.rs"]
mod scripts;

use std::collections::BTreeMap;

use py::{PyProc, TempDir, Transport};

const TASKS: usize = 40;
const WORKERS: usize = 4;

enum Side {
    Rust,
    Python,
}

fn run_pipeline(transport: Transport, ventilator_side: Side) {
    let dir = TempDir::new("pl");
    let ctx = zmq::Context::new();

    // The sink lives on the other side from the ventilator.
    let sink_bind = transport.bind_endpoint(&dir, "sink.ipc");
    let vent_bind = transport.bind_endpoint(&dir, "vent.ipc");
    let (mut py_sink, rust_sink, sink_endpoint) = match ventilator_side {
        Side::Rust => {
            let (sink, endpoint) = scripts::sink(&sink_bind, TASKS);
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
            let (vent, endpoint) = scripts::ventilator(&vent_bind, TASKS, WORKERS);
            (Some(vent), None, endpoint)
        }
    };

    let mut py_workers: Vec<PyProc> = (0..WORKERS / 2)
        .map(|i| scripts::worker(&vent_endpoint, &sink_endpoint, &format!("py-w{i}")))
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
        (None, Some(sink)) => scripts::sink_results(&sink.finish_ok()),
        (None, None) => unreachable!(),
    };
    if let Some(vent) = &mut py_vent {
        scripts::assert_ventilator_sent(&vent.finish_ok(), WORKERS, TASKS);
    }

    // Each worker's own count agrees with what the sink saw from it; every worker, Rust or
    // Python, got exactly its share.
    let mut reported = BTreeMap::new();
    for handle in rust_workers {
        let (name, done) = handle.join().expect("Rust worker");
        reported.insert(name, done);
    }
    for worker in &mut py_workers {
        let (name, done) = scripts::worker_done(&worker.finish_ok());
        reported.insert(name, done);
    }
    scripts::assert_fair_round_robin(&by_worker, &reported, WORKERS, TASKS);
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
