//! Socket options from a configuration file (feature `serde`): a TOML file (the path given on
//! the command line, or the one built in) becomes a `zmq::SocketOptions`, applied to a socket
//! in one call and read back for the log with the secret key redacted.
//!
//! ```text
//! cargo run --features serde --example socket_options [-- path/to/options.toml]
//! ```

use std::process::ExitCode;

/// Used when no file is named: high-water marks, timeouts (milliseconds) and CURVE server
/// keys (Z85 text; a demo pair, never use it for real).
const BUILT_IN: &str = r#"
sndhwm = 10000
rcvhwm = 10000
linger = 0
rcvtimeo = 2500
sndtimeo = 2500
heartbeat_ivl = 1000
routing_id = "config-demo"
curve_server = true
curve_publickey = "Z1%cwfpF3s:zd=w8(6zh@:mNM>!ii&qxBszB7Z}T"
curve_secretkey = "uv6+wmprfV?>4}hb}pLpd(JU34>!}LzDs?ZxhBDk"
"#;

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let text = match std::env::args().nth(1) {
        Some(path) => std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?,
        None => BUILT_IN.to_owned(),
    };
    // Unknown keys (a typo such as `sndhvm`) are an error naming the key.
    let options: zmq::SocketOptions = toml::from_str(&text)?;
    println!("configured: {options}");

    let ctx = zmq::Context::new();
    let socket = ctx.socket(zmq::ROUTER)?;
    // Stops at the first value libzmq refuses, naming it and what was applied before it.
    socket.apply_options(&options)?;
    socket.bind("tcp://127.0.0.1:*")?;

    let effective = zmq::SocketOptions::read_from(&socket)?;
    println!("mechanism: {:?}", socket.get_mechanism()?);
    println!(
        "in effect: sndhwm={:?} rcvtimeo={:?} heartbeat_ivl={:?} curve_secretkey {}",
        effective.sndhwm,
        effective.rcvtimeo,
        effective.heartbeat_ivl,
        if effective.curve_secretkey.is_some() {
            "set (redacted when printed)"
        } else {
            "unset"
        },
    );
    println!("every readable option: {effective:?}");

    // A value libzmq refuses.
    let mut bad = zmq::SocketOptions::default();
    bad.sndhwm = Some(-1);
    if let Err(e) = socket.apply_options(&bad) {
        println!("refused as expected: {e}");
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("socket_options example: {e}");
            ExitCode::FAILURE
        }
    }
}
