//! The command line of every role of the three patterns, written once for the role's blocking
//! example and its async twin (`rr_server` and `async_rr_server`, ...): the usage text, the
//! settings, and the `parse` function that fills them in; and, where a role's output takes
//! more than a line, the code that prints it. The two examples differ only in how they run.
//!
#![allow(dead_code)]

use super::cli;

/// Request-reply, the REP side.
pub mod rr_server {
    use super::cli;

    pub const USAGE: cli::Usage = cli::Usage {
        name: "rr_server",
        synopsis: &["[--bind ENDPOINT] [--count N] [--reply TEXT] [--timeout-ms MS]"],
        about: "The REP side of request-reply: binds, then answers N requests, one at a time.",
        details: "\
Options:
  --bind ENDPOINT   where to listen (default tcp://*:5555; tcp://127.0.0.1:* picks a free port)
  --count N         requests to answer before exiting (default 1)
  --reply TEXT      the answer; {} stands for the request text (default \"I am OK!\")
  --timeout-ms MS   give up when no request arrives for this long (default 60000)
  -h, --help        print this help

Prints `READY <endpoint>` once bound, `Received request: <text>` per request, `DONE <n>`.
",
    };

    pub struct Config {
        pub bind: String,
        pub count: u64,
        pub reply: String,
        pub timeout_ms: i32,
    }

    pub fn parse(args: &mut cli::Args) -> Result<Config, String> {
        let mut config = Config {
            bind: "tcp://*:5555".to_owned(),
            count: 1,
            reply: "I am OK!".to_owned(),
            timeout_ms: 60_000,
        };
        while let Some(arg) = args.next()? {
            match arg.as_str() {
                "--bind" => config.bind = args.value(&arg)?,
                "--count" => config.count = args.number(&arg)?,
                "--reply" => config.reply = args.value(&arg)?,
                "--timeout-ms" => config.timeout_ms = args.number_from(&arg, 1)?,
                other => return Err(cli::unexpected(other)),
            }
        }
        Ok(config)
    }
}

/// Request-reply, the REQ side.
pub mod rr_client {
    use super::cli;

    pub const USAGE: cli::Usage = cli::Usage {
        name: "rr_client",
        synopsis: &["[--connect ENDPOINT] [--count N] [--request TEXT] [--timeout-ms MS]"],
        about: "\
The REQ side of request-reply: sends N requests, each only after the previous answer
(a REQ socket that sends twice in a row gets EFSM).",
        details: "\
Options:
  --connect ENDPOINT  the server (default tcp://localhost:5555)
  --count N           requests to send (default 1)
  --request TEXT      the request; {} stands for its number 0, 1, ... (default \"Are you OK?\")
  --timeout-ms MS     give up when an answer takes longer (default 10000)
  -h, --help          print this help

Prints `Sending request: <text>` and `Received reply: <text>` per request, then `DONE <n>`.
",
    };

    pub struct Config {
        pub connect: String,
        pub count: u64,
        pub request: String,
        pub timeout_ms: i32,
    }

    pub fn parse(args: &mut cli::Args) -> Result<Config, String> {
        let mut config = Config {
            connect: "tcp://localhost:5555".to_owned(),
            count: 1,
            request: "Are you OK?".to_owned(),
            timeout_ms: 10_000,
        };
        while let Some(arg) = args.next()? {
            match arg.as_str() {
                "--connect" => config.connect = args.value(&arg)?,
                "--count" => config.count = args.number(&arg)?,
                "--request" => config.request = args.value(&arg)?,
                "--timeout-ms" => config.timeout_ms = args.number_from(&arg, 1)?,
                other => return Err(cli::unexpected(other)),
            }
        }
        Ok(config)
    }
}

/// Publish-subscribe, the PUB side, with the optional synchronised start.
pub mod ps_publisher {
    use super::cli;

    pub const USAGE: cli::Usage = cli::Usage {
        name: "ps_publisher",
        synopsis: &[
            "[--bind ENDPOINT] [--count N] [--interval-ms MS] [--prefix TEXT]",
            "[--sync ENDPOINT [--subscribers K]] [--timeout-ms MS]",
        ],
        about: "\
The PUB side of publish-subscribe: publishes <prefix>0 ... <prefix><N-1>. Without --sync
it does not wait for anybody, so subscribers that connect late miss the first messages.",
        details: "\
Options:
  --bind ENDPOINT     where to publish (default tcp://*:5556)
  --count N           messages to publish (default 10)
  --interval-ms MS    pause between two messages (default 1000)
  --prefix TEXT       text before the message number (default \"message\")
  --sync ENDPOINT     also bind a REP socket here, and publish only after K subscribers
                      went through the start handshake: then nothing is lost
  --subscribers K     how many subscribers --sync waits for (default 1)
  --timeout-ms MS     how long --sync waits for them (default 60000)
  -h, --help          print this help

Prints `READY <endpoint>` (and `SYNC <endpoint>`) once bound, `SUBSCRIBER-READY <k>`,
`Sent: <text>` per message, `DONE <n>`.
",
    };

    pub struct Config {
        pub bind: String,
        pub count: u64,
        pub interval_ms: u64,
        pub prefix: String,
        pub sync: Option<String>,
        pub subscribers: usize,
        pub timeout_ms: i32,
    }

    pub fn parse(args: &mut cli::Args) -> Result<Config, String> {
        let mut config = Config {
            bind: "tcp://*:5556".to_owned(),
            count: 10,
            interval_ms: 1000,
            prefix: "message".to_owned(),
            sync: None,
            subscribers: 1,
            timeout_ms: 60_000,
        };
        while let Some(arg) = args.next()? {
            match arg.as_str() {
                "--bind" => config.bind = args.value(&arg)?,
                "--count" => config.count = args.number(&arg)?,
                "--interval-ms" => config.interval_ms = args.number(&arg)?,
                "--prefix" => config.prefix = args.value(&arg)?,
                "--sync" => config.sync = Some(args.value(&arg)?),
                "--subscribers" => config.subscribers = args.number_from(&arg, 1)?,
                "--timeout-ms" => config.timeout_ms = args.number_from(&arg, 1)?,
                other => return Err(cli::unexpected(other)),
            }
        }
        Ok(config)
    }
}

/// Publish-subscribe, the SUB side, of one or more publishers.
pub mod ps_subscriber {
    use super::cli;

    pub const USAGE: cli::Usage = cli::Usage {
        name: "ps_subscriber",
        synopsis: &[
            "[--connect ENDPOINT]... [--sync ENDPOINT]... [--count N]",
            "[--timeout-ms MS] [TOPIC]",
        ],
        about: "\
The SUB side of publish-subscribe: receives what starts with TOPIC (default: everything)
from every publisher it connects to.",
        details: "\
Options:
  --connect ENDPOINT  a publisher; repeat for several (default tcp://localhost:5556)
  --sync ENDPOINT     a publisher's --sync endpoint; repeat per publisher. Runs the start
                      handshake, so nothing published is missed, and stops when every
                      publisher has finished
  --count N           stop after N messages (default 10; with --sync, no limit)
  --timeout-ms MS     give up when no message arrives for this long (default 10000)
  -h, --help          print this help

Prints `SYNCED <token>` per synchronised publisher, `Received: <text>` per message,
`DONE <n>`.
",
    };

    pub struct Config {
        pub connect: Vec<String>,
        pub sync: Vec<String>,
        pub count: Option<u64>,
        pub timeout_ms: i32,
        pub topic: String,
    }

    pub fn parse(args: &mut cli::Args) -> Result<Config, String> {
        let mut config = Config {
            connect: Vec::new(),
            sync: Vec::new(),
            count: None,
            timeout_ms: 10_000,
            topic: String::new(),
        };
        let mut topic = None;
        while let Some(arg) = args.next()? {
            match arg.as_str() {
                "--connect" => config.connect.push(args.value(&arg)?),
                "--sync" => config.sync.push(args.value(&arg)?),
                "--count" => config.count = Some(args.number(&arg)?),
                "--timeout-ms" => config.timeout_ms = args.number_from(&arg, 1)?,
                other if other.starts_with('-') => return Err(cli::unexpected(other)),
                other if topic.is_none() => topic = Some(other.to_owned()),
                other => return Err(cli::unexpected(other)),
            }
        }
        if config.connect.is_empty() {
            config.connect.push("tcp://localhost:5556".to_owned());
        }
        if config.count.is_none() && config.sync.is_empty() {
            config.count = Some(10);
        }
        config.topic = topic.unwrap_or_default();
        Ok(config)
    }

    /// Prints what one received message was: `SYNCED <token>` when it completed a
    /// publisher's handshake, `Received: <text>` when it is data, which `received` counts.
    /// `handled` is what the handshake made of it: whether it was a control message, and
    /// the token of a publisher that just synchronised (`(false, None)` without `--sync`).
    pub fn show(received: &mut u64, text: &str, handled: (bool, Option<String>)) {
        let (control, synced) = handled;
        if let Some(token) = synced {
            println!("SYNCED {token}");
        }
        if !control {
            *received += 1;
            println!("Received: {text}");
        }
    }
}

/// Pipeline, the ventilator (PUSH).
pub mod pl_ventilator {
    use super::cli;

    pub const USAGE: cli::Usage = cli::Usage {
        name: "pl_ventilator",
        synopsis: &["[--bind ENDPOINT] [--tasks N] [--workers K] [--timeout-ms MS]"],
        about: "\
The PUSH side of the pipeline: waits until K workers are connected, deals the tasks
task0 ... task<N-1> out among them, round robin, and then one END to each worker.",
        details: "\
Options:
  --bind ENDPOINT   where the workers connect (default tcp://*:5557)
  --tasks N         tasks to hand out (default 100)
  --workers K       workers to wait for (default 2)
  --timeout-ms MS   how long to wait for them (default 60000)
  -h, --help        print this help

Prints `READY <endpoint>` once bound, `WORKER-CONNECTED <k>`, `Sent: <task>`, `DONE <n>`.
",
    };

    pub struct Config {
        pub bind: String,
        pub tasks: u64,
        pub workers: usize,
        pub timeout_ms: i32,
    }

    pub fn parse(args: &mut cli::Args) -> Result<Config, String> {
        let mut config = Config {
            bind: "tcp://*:5557".to_owned(),
            tasks: 100,
            workers: 2,
            timeout_ms: 60_000,
        };
        while let Some(arg) = args.next()? {
            match arg.as_str() {
                "--bind" => config.bind = args.value(&arg)?,
                "--tasks" => config.tasks = args.number(&arg)?,
                "--workers" => config.workers = args.number_from(&arg, 1)?,
                "--timeout-ms" => config.timeout_ms = args.number_from(&arg, 1)?,
                other => return Err(cli::unexpected(other)),
            }
        }
        Ok(config)
    }
}

/// Pipeline, a worker (PULL from the ventilator, PUSH to the sink).
pub mod pl_worker {
    use super::cli;

    pub const USAGE: cli::Usage = cli::Usage {
        name: "pl_worker",
        synopsis: &["[--pull ENDPOINT] [--push ENDPOINT] [--name NAME] [--timeout-ms MS]"],
        about: "\
A worker of the pipeline: takes tasks from the ventilator and sends `<name> <task>` to the
sink for each, until it receives END.",
        details: "\
Options:
  --pull ENDPOINT   the ventilator (default tcp://localhost:5557)
  --push ENDPOINT   the sink (default tcp://localhost:5558)
  --name NAME       reported with each result (default worker-<process id>)
  --timeout-ms MS   give up when no task arrives for this long (default 60000)
  -h, --help        print this help

Prints `READY <name>`, `Received task: <task>` per task, `DONE <name> <n>`.
",
    };

    pub struct Config {
        pub pull: String,
        pub push: String,
        pub name: String,
        pub timeout_ms: i32,
    }

    pub fn parse(args: &mut cli::Args) -> Result<Config, String> {
        let mut config = Config {
            pull: "tcp://localhost:5557".to_owned(),
            push: "tcp://localhost:5558".to_owned(),
            name: format!("worker-{}", std::process::id()),
            timeout_ms: 60_000,
        };
        while let Some(arg) = args.next()? {
            match arg.as_str() {
                "--pull" => config.pull = args.value(&arg)?,
                "--push" => config.push = args.value(&arg)?,
                "--name" => config.name = args.value(&arg)?,
                "--timeout-ms" => config.timeout_ms = args.number_from(&arg, 1)?,
                other => return Err(cli::unexpected(other)),
            }
        }
        if config.name.is_empty() || config.name.contains(char::is_whitespace) {
            return Err(format!("--name must be one word, not {:?}", config.name));
        }
        Ok(config)
    }
}

/// Pipeline, the sink (PULL).
pub mod pl_sink {
    use std::collections::BTreeMap;

    use super::cli;

    pub const USAGE: cli::Usage = cli::Usage {
        name: "pl_sink",
        synopsis: &["[--bind ENDPOINT] [--tasks N] [--timeout-ms MS]"],
        about: "\
The PULL end of the pipeline: collects N results (`<worker> <task>`) and reports how many
each worker did.",
        details: "\
Options:
  --bind ENDPOINT   where the workers connect (default tcp://*:5558)
  --tasks N         results to collect (default 100)
  --timeout-ms MS   give up when no result arrives for this long (default 60000)
  -h, --help        print this help

Prints `READY <endpoint>` once bound, `Result: <task> from <worker>` per result, one
`COUNT <worker> <n>` per worker, `DONE <n>`.
",
    };

    pub struct Config {
        pub bind: String,
        pub tasks: u64,
        pub timeout_ms: i32,
    }

    pub fn parse(args: &mut cli::Args) -> Result<Config, String> {
        let mut config = Config {
            bind: "tcp://*:5558".to_owned(),
            tasks: 100,
            timeout_ms: 60_000,
        };
        while let Some(arg) = args.next()? {
            match arg.as_str() {
                "--bind" => config.bind = args.value(&arg)?,
                "--tasks" => config.tasks = args.number(&arg)?,
                "--timeout-ms" => config.timeout_ms = args.number_from(&arg, 1)?,
                other => return Err(cli::unexpected(other)),
            }
        }
        Ok(config)
    }

    /// The sink's tally: prints a `Result:` line per result as it comes, and then one `COUNT`
    /// line per worker.
    #[derive(Default)]
    pub struct Tally(BTreeMap<String, u64>);

    impl Tally {
        /// Takes one result, `<worker> <task>`.
        pub fn add(&mut self, result: &str) -> Result<(), String> {
            let (worker, task) = result
                .split_once(' ')
                .ok_or_else(|| format!("malformed result {result:?}"))?;
            println!("Result: {task} from {worker}");
            *self.0.entry(worker.to_owned()).or_default() += 1;
            Ok(())
        }

        /// Prints how many results each worker sent, in the order of their names.
        pub fn print_counts(&self) {
            for (worker, n) in &self.0 {
                println!("COUNT {worker} {n}");
            }
        }
    }
}
