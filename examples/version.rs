//! Prints the linked libzmq's version and capabilities.
fn main() {
    let (major, minor, patch) = zmq::version();
    println!("libzmq {major}.{minor}.{patch}");
    for cap in ["ipc", "pgm", "tipc", "norm", "curve", "gssapi", "draft"] {
        println!(
            "  {cap:<7} {}",
            if zmq::has_capability(cap) {
                "yes"
            } else {
                "no"
            }
        );
    }
}
