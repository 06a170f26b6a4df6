//! A PULL→PUSH streamer run by `zmq::ProxyHandle`: forward, pause, resume, read the
//! counters, terminate and get the sockets back.
use std::error::Error;

fn main() -> Result<(), Box<dyn Error>> {
    let ctx = zmq::Context::new();
    let frontend = ctx.socket(zmq::PULL)?;
    frontend.bind("inproc://example-proxy-in")?;
    let backend = ctx.socket(zmq::PUSH)?;
    backend.bind("inproc://example-proxy-out")?;
    let mut proxy = zmq::ProxyHandle::spawn(frontend, backend, None)?;

    let input = ctx.socket(zmq::PUSH)?;
    input.connect("inproc://example-proxy-in")?;
    let output = ctx.socket(zmq::PULL)?;
    output.connect("inproc://example-proxy-out")?;

    input.send("first", 0)?;
    println!("forwarded: {:?}", output.recv_string(0)?);

    proxy.pause()?; // returns once the proxy has paused, on every libzmq release
    input.send("held back", 0)?;
    println!(
        "while paused, ready to read: {}",
        output.poll(zmq::POLLIN, 200)?
    );
    proxy.resume()?;
    println!("after resume: {:?}", output.recv_string(0)?);

    let stats = proxy.statistics()?;
    println!(
        "frontend received {} messages ({} bytes), backend sent {}",
        stats.frontend.messages_received,
        stats.frontend.bytes_received,
        stats.backend.messages_sent
    );
    let sockets = proxy.terminate()?;
    println!("sockets back: {:?}", sockets.frontend);
    Ok(())
}
