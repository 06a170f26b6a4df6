//! The pyzmq scripts of `tests/py/` in the roles the side-by-side tests give them, for the
//! blocking tests (`sbs_*.rs`) and the async ones (`sbs_async.rs`) alike: each started with
//! the arguments those tests use, and what its output must then say.
//!
//! Include it next to `py.rs`: `#[path = "common/scripts.rs"] mod scripts;`.
#![allow(dead_code)]

use std::collections::BTreeMap;

use super::py::{values, PyProc, TempDir, Transport};

/// `<prefix>0 .. <prefix><count-1>`.
pub fn numbered(prefix: &str, count: usize) -> Vec<String> {
    (0..count).map(|i| format!("{prefix}{i}")).collect()
}

// ---------------------------------------------------------------------------------------
// Request-reply: rr_server.py / rr_client.py.

/// What a Rust client asks rr_server.py the `i`th time.
pub fn question(i: usize) -> String {
    format!("Are you OK? #{i}")
}

/// rr_server.py bound on `transport`, answering `count` requests with `ack:<request>`;
/// returns it and its endpoint.
pub fn rr_server(transport: Transport, dir: &TempDir, count: usize) -> (PyProc, String) {
    let count = count.to_string();
    let bind = transport.bind_endpoint(dir, "rr.ipc");
    let mut server = PyProc::spawn(
        "rr_server.py",
        &["--bind", &bind, "--count", &count, "--reply", "ack:{}"],
    );
    let endpoint = server.ready();
    (server, endpoint)
}

/// The answer rr_server.py gives to `request`.
pub fn acked(request: &str) -> String {
    format!("ack:{request}")
}

/// rr_server.py, finished, received `count` questions ([`question`]) and said so.
pub fn assert_rr_server_saw(lines: &[String], count: usize) {
    let expected: Vec<String> = (0..count).map(question).collect();
    assert_eq!(values(lines, "Received request: "), expected);
    assert_eq!(values(lines, "DONE "), [count.to_string()]);
}

/// rr_client.py sending `count` requests `question 0`, `question 1`, ... to `endpoint`.
pub fn rr_client(endpoint: &str, count: usize) -> PyProc {
    let count = count.to_string();
    PyProc::spawn(
        "rr_client.py",
        &[
            "--connect",
            endpoint,
            "--count",
            &count,
            "--request",
            "question {}",
        ],
    )
}

/// The `i`th request of [`rr_client`].
pub fn client_request(i: usize) -> String {
    format!("question {i}")
}

/// What a Rust server answers to `request`.
pub fn reply_to(request: &str) -> String {
    format!("I am OK! ({request})")
}

/// rr_client.py, finished, sent `count` requests and got [`reply_to`] each.
pub fn assert_rr_client_got(lines: &[String], count: usize) {
    let sent: Vec<String> = (0..count).map(client_request).collect();
    assert_eq!(values(lines, "Sending request: "), sent);
    let expected: Vec<String> = sent.iter().map(|r| reply_to(r)).collect();
    assert_eq!(values(lines, "Received reply: "), expected);
    assert_eq!(values(lines, "DONE "), [count.to_string()]);
}

// ---------------------------------------------------------------------------------------
// Publish-subscribe with the synchronised start: ps_publisher.py / ps_subscriber.py.

/// ps_publisher.py publishing `<prefix>0 ..` at once after `subscribers` synchronised;
/// returns it, its endpoint and its sync endpoint.
pub fn publisher(
    transport: Transport,
    dir: &TempDir,
    name: &str,
    count: usize,
    prefix: &str,
    subscribers: usize,
) -> (PyProc, String, String) {
    let count = count.to_string();
    let subscribers = subscribers.to_string();
    let bind = transport.bind_endpoint(dir, &format!("{name}.ipc"));
    let sync = transport.bind_endpoint(dir, &format!("{name}-sync.ipc"));
    let mut publisher = PyProc::spawn(
        "ps_publisher.py",
        &[
            "--bind",
            &bind,
            "--sync",
            &sync,
            "--subscribers",
            &subscribers,
            "--count",
            &count,
            "--interval-ms",
            "0",
            "--prefix",
            prefix,
        ],
    );
    let endpoint = publisher.ready();
    let sync_endpoint = publisher.expect_line("SYNC ").trim().to_owned();
    (publisher, endpoint, sync_endpoint)
}

/// ps_subscriber.py synchronised with every publisher of `publishers` (endpoint, sync
/// endpoint), taking `topic` (everything without one).
pub fn subscriber(publishers: &[(&str, &str)], topic: Option<&str>) -> PyProc {
    let mut args = Vec::new();
    for (endpoint, sync) in publishers {
        args.extend(["--connect", endpoint, "--sync", sync]);
    }
    args.extend(topic);
    PyProc::spawn("ps_subscriber.py", &args)
}

// ---------------------------------------------------------------------------------------
// Pipeline: pl_ventilator.py / pl_worker.py / pl_sink.py.

/// pl_sink.py bound at `bind`, collecting `tasks` results; returns it and its endpoint.
pub fn sink(bind: &str, tasks: usize) -> (PyProc, String) {
    let tasks = tasks.to_string();
    let mut sink = PyProc::spawn("pl_sink.py", &["--bind", bind, "--tasks", &tasks]);
    let endpoint = sink.ready();
    (sink, endpoint)
}

/// pl_ventilator.py bound at `bind`, dealing `tasks` tasks once `workers` workers are
/// there; returns it and its endpoint.
pub fn ventilator(bind: &str, tasks: usize, workers: usize) -> (PyProc, String) {
    let tasks = tasks.to_string();
    let workers = workers.to_string();
    let mut ventilator = PyProc::spawn(
        "pl_ventilator.py",
        &["--bind", bind, "--tasks", &tasks, "--workers", &workers],
    );
    let endpoint = ventilator.ready();
    (ventilator, endpoint)
}

/// pl_worker.py `name`, between the ventilator at `pull` and the sink at `push`.
pub fn worker(pull: &str, push: &str, name: &str) -> PyProc {
    PyProc::spawn(
        "pl_worker.py",
        &["--pull", pull, "--push", push, "--name", name],
    )
}

/// What pl_sink.py, finished, collected: the tasks of each worker, in the order of their
/// `Result:` lines; its `COUNT` lines must agree.
pub fn sink_results(lines: &[String]) -> BTreeMap<String, Vec<String>> {
    let mut by_worker: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for result in values(lines, "Result: ") {
        let (task, worker) = result
            .split_once(" from ")
            .unwrap_or_else(|| panic!("malformed sink line {result:?}"));
        by_worker
            .entry(worker.to_owned())
            .or_default()
            .push(task.to_owned());
    }
    let counts: Vec<String> = by_worker
        .iter()
        .map(|(w, t)| format!("{w} {}", t.len()))
        .collect();
    assert_eq!(values(lines, "COUNT "), counts);
    by_worker
}

/// pl_ventilator.py, finished, waited for `workers` workers and sent `tasks` tasks.
pub fn assert_ventilator_sent(lines: &[String], workers: usize, tasks: usize) {
    assert_eq!(values(lines, "WORKER-CONNECTED ").len(), workers);
    assert_eq!(values(lines, "Sent: "), numbered("task", tasks));
}

/// The name and count of a finished pl_worker.py, from its `DONE <name> <n>` line, which
/// must agree with its `Received task:` lines.
pub fn worker_done(lines: &[String]) -> (String, usize) {
    let done = values(lines, "DONE ");
    let (name, n) = done[0].split_once(' ').expect("DONE <name> <n>");
    let n = n.parse::<usize>().expect("count");
    assert_eq!(values(lines, "Received task: ").len(), n);
    (name.to_owned(), n)
}

/// The checks every pipeline case ends with: each worker's own count (`reported`) agrees
/// with what the sink saw from it (`by_worker`); and, fair, every one of the `workers`
/// workers got exactly its share of the `tasks`, every `workers`-th task (round robin,
/// a different residue for each), each task exactly once.
pub fn assert_fair_round_robin(
    by_worker: &BTreeMap<String, Vec<String>>,
    reported: &BTreeMap<String, usize>,
    workers: usize,
    tasks: usize,
) {
    let seen: BTreeMap<String, usize> = by_worker
        .iter()
        .map(|(w, t)| (w.clone(), t.len()))
        .collect();
    assert_eq!(&seen, reported, "sink's view vs workers' own counts");

    assert_eq!(by_worker.len(), workers, "{by_worker:?}");
    let mut residues = Vec::new();
    let mut all = Vec::new();
    for (worker, done) in by_worker {
        assert_eq!(done.len(), tasks / workers, "{worker}: {done:?}");
        let numbers: Vec<usize> = done
            .iter()
            .map(|t| {
                t.strip_prefix("task")
                    .and_then(|n| n.parse().ok())
                    .expect("taskN")
            })
            .collect();
        let residue = numbers[0] % workers;
        assert!(
            numbers.iter().all(|n| n % workers == residue),
            "{worker}: {numbers:?}"
        );
        residues.push(residue);
        all.extend(numbers);
    }
    residues.sort_unstable();
    assert_eq!(residues, (0..workers).collect::<Vec<_>>());
    all.sort_unstable();
    assert_eq!(
        all,
        (0..tasks).collect::<Vec<_>>(),
        "each task exactly once"
    );
}

// ---------------------------------------------------------------------------------------
// Multipart: router_echo.py / mp_dealer.py.

/// router_echo.py bound on `transport`, echoing `count` messages; returns it and its
/// endpoint.
pub fn router_echo(transport: Transport, dir: &TempDir, count: usize) -> (PyProc, String) {
    let count = count.to_string();
    let bind = transport.bind_endpoint(dir, "router.ipc");
    let mut router = PyProc::spawn("router_echo.py", &["--bind", &bind, "--count", &count]);
    let endpoint = router.ready();
    (router, endpoint)
}

/// mp_dealer.py, routing id `py-dealer`, sending `count` messages to `endpoint`.
pub fn mp_dealer(endpoint: &str, count: usize) -> PyProc {
    let count = count.to_string();
    PyProc::spawn(
        "mp_dealer.py",
        &[
            "--connect",
            endpoint,
            "--count",
            &count,
            "--identity",
            "py-dealer",
        ],
    )
}

/// mp_dealer.py, finished, got each of its `count` messages back, 4 frames each.
pub fn assert_dealer_echoed(lines: &[String], count: usize) {
    let expected: Vec<String> = (0..count).map(|i| format!("{i} 4")).collect();
    assert_eq!(values(lines, "OK "), expected);
}
