//! JSON messages with `send_json` / `recv_json` (feature `serde`): a REP worker answers
//! typed requests; the frames are the ones pyzmq's `send_json`/`recv_json` read and write.
//!
//! ```text
//! cargo run --features serde --example json
//! ```

use std::process::ExitCode;

use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug)]
struct Request {
    op: String,
    values: Vec<f64>,
}

#[derive(Serialize, Deserialize, Debug)]
struct Reply {
    op: String,
    result: f64,
}

fn run() -> Result<(), zmq::JsonError> {
    let ctx = zmq::Context::new();
    let server = ctx.socket(zmq::REP)?;
    server.bind("tcp://127.0.0.1:*")?;
    let endpoint = server.get_last_endpoint()?.unwrap_or_default();
    let client = ctx.socket(zmq::REQ)?;
    client.set_rcvtimeo(5_000)?;
    client.connect(&endpoint)?;

    let worker = std::thread::spawn(move || -> Result<(), zmq::JsonError> {
        server.set_rcvtimeo(5_000)?;
        for _ in 0..2 {
            match server.recv_json::<Request>(0) {
                Ok(request) => {
                    let result = match request.op.as_str() {
                        "sum" => request.values.iter().sum(),
                        "max" => request.values.iter().copied().fold(f64::MIN, f64::max),
                        _ => f64::NAN, // written as null
                    };
                    server.send_json(
                        &Reply {
                            op: request.op,
                            result,
                        },
                        0,
                    )?;
                }
                // A message that is not a `Request`: the error still holds its frames.
                Err(e) if e.zmq_error().is_none() => {
                    for frame in e.frames() {
                        println!("worker: rejected {:?}", String::from_utf8_lossy(&frame));
                    }
                    server.send_json(&serde_json::json!({"error": e.to_string()}), 0)?;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    });

    let request = Request {
        op: "sum".into(),
        values: vec![1.5, 2.5, 38.0],
    };
    client.send_json(&request, 0)?;
    let reply: Reply = client.recv_json(0)?;
    println!("client: {request:?} -> {reply:?}");

    client.send("{\"op\": \"sum\", \"values\": \"not a list\"}", 0)?;
    let answer: serde_json::Value = client.recv_json(0)?;
    println!("client: the worker answered {answer}");

    worker.join().expect("the worker thread panicked")?;
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("json example: {e}");
            ExitCode::FAILURE
        }
    }
}
