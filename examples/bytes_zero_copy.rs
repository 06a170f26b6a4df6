//! Feature `bytes`: a `bytes::Bytes` payload sent and received over inproc without a copy.
//!
//! `cargo run --example bytes_zero_copy --features bytes`
use bytes::Bytes;

fn main() -> Result<(), zmq::Error> {
    let ctx = zmq::Context::new();
    let sender = ctx.socket(zmq::PAIR)?;
    sender.bind("inproc://example-bytes")?;
    let receiver = ctx.socket(zmq::PAIR)?;
    receiver.connect("inproc://example-bytes")?;

    let payload = Bytes::from(vec![42u8; 1 << 20]);
    sender.send(payload.clone(), 0)?; // a reference-count increment, no copy
    let received: Bytes = receiver.recv_bytes_shared(0)?; // the same buffer, no copy
    println!(
        "{} bytes, same buffer: {}",
        received.len(),
        received.as_ptr() == payload.as_ptr()
    );
    Ok(())
}
