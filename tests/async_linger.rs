//! A process that drops its async socket (and context) right after `send().await` returned
//! still delivers every message: `send` hands the frame to libzmq, and closing honours LINGER.
//! The sender is a child process (this same test binary, running the ignored test below), so
//! nothing of the receiver's process can help it along.
#![cfg(feature = "tokio")]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const MESSAGES: u32 = 1000;
const ENDPOINT_VAR: &str = "ZMQ_RS_LINGER_CHILD_ENDPOINT";

/// The child: connect, send, drop everything, exit. Run only by the parent test below.
#[test]
#[ignore = "the child process of async_sender_drops_right_after_send_and_still_delivers"]
fn linger_child_sender() {
    let endpoint = std::env::var(ENDPOINT_VAR)
        .expect("run only as the child of async_sender_drops_right_after_send_and_still_delivers");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let ctx = zmq::Context::new();
        let push = ctx.socket(zmq::PUSH).unwrap().into_async().unwrap();
        push.socket().set_linger(30_000).unwrap();
        // Room for every message while no receiver exists, so each send completes at once.
        push.socket().set_sndhwm(10 * MESSAGES as i32).unwrap();
        push.socket().connect(&endpoint).unwrap();
        for i in 0..MESSAGES {
            push.send(format!("message {i}").as_str(), 0).await.unwrap();
        }
        // Every send returned before any receiver exists (the parent binds only after
        // reading this line).
        println!("SENT {MESSAGES}");
        drop(push);
        drop(ctx); // waits (up to LINGER) until the queued messages are out
    });
}

#[test]
fn async_sender_drops_right_after_send_and_still_delivers() {
    // An ipc endpoint nobody listens on yet (a path, so no port another process could take
    // meanwhile); the child connects to it before anyone listens.
    let path = std::env::temp_dir().join(format!("zmq-rs-linger-{}.ipc", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let endpoint = format!("ipc://{}", path.display());
    let ctx = zmq::Context::new();

    // Under a cross build's runner (ZMQ_TEST_RUNNER, as in tests/common/py.rs): this binary
    // is for the target, and the host kernel cannot start it without that runner.
    let runner = std::env::var("ZMQ_TEST_RUNNER").unwrap_or_default();
    let mut runner = runner.split_whitespace();
    let mut cmd = match runner.next() {
        Some(program) => {
            let mut cmd = Command::new(program);
            cmd.args(runner).arg(std::env::current_exe().unwrap());
            cmd
        }
        None => Command::new(std::env::current_exe().unwrap()),
    };
    let mut child = cmd
        .args(["--exact", "linger_child_sender", "--ignored", "--nocapture"])
        .env(ENDPOINT_VAR, &endpoint)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let kill_on_failure = KillOnDrop(child.id());

    // The child's output, line by line, read on a thread so that every wait has a limit.
    let stdout = child.stdout.take().unwrap();
    let (line_tx, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if line_tx.send(line.unwrap_or_default()).is_err() {
                break;
            }
        }
    });
    let sent = loop {
        let line = lines
            .recv_timeout(Duration::from_secs(20))
            .expect("the child did not finish sending in time");
        if line.starts_with("SENT") {
            break line;
        }
    };
    assert_eq!(sent, format!("SENT {MESSAGES}"));

    // Only now does a receiver exist; the child has dropped its socket and is waiting in
    // context termination for the messages to leave.
    let pull = ctx.socket(zmq::PULL).unwrap();
    pull.set_rcvtimeo(10_000).unwrap();
    pull.bind(&endpoint).unwrap();
    for i in 0..MESSAGES {
        let got = pull
            .recv_string(0)
            .unwrap_or_else(|e| panic!("message {i}: {e}"));
        assert_eq!(got.unwrap(), format!("message {i}"));
    }

    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the child did not exit");
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(status.success(), "child: {status}");
    for line in lines.try_iter() {
        assert!(!line.contains("FAILED"), "child: {line}");
    }
    std::mem::forget(kill_on_failure);
    drop(pull);
    let _ = std::fs::remove_file(&path);
}

/// Kills the child if the test fails (panics) before it exited.
struct KillOnDrop(u32);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        // SAFETY: kill only sends a signal; the pid is our own child's.
        unsafe {
            libc::kill(self.0 as libc::pid_t, libc::SIGKILL);
        }
    }
}
