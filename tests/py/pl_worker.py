#!/usr/bin/env python3
"""Pipeline: a worker (PULL tasks, PUSH results).

Connects its PULL socket to the ventilator and its PUSH socket to the sink, prints
`READY <name>`, and for each task prints `Received task: <task>` and pushes
`<name> <task>` to the sink. Stops at `END` and prints `DONE <name> <n>`.
"""

import argparse
import os

import zmq

from sbs_common import (
    add_timeout_arg,
    arm_watchdog,
    make_socket,
    recv_or_fail,
    say,
    send_or_fail,
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pull", default="tcp://localhost:5557", help="ventilator endpoint (default tcp://localhost:5557)")
    parser.add_argument("--push", default="tcp://localhost:5558", help="sink endpoint (default tcp://localhost:5558)")
    parser.add_argument("--name", default=f"worker-{os.getpid()}", help="name reported with each result")
    add_timeout_arg(parser, default=60000)
    args = parser.parse_args()
    arm_watchdog()

    ctx = zmq.Context()
    pull = make_socket(ctx, zmq.PULL, args.timeout_ms)
    push = make_socket(ctx, zmq.PUSH, args.timeout_ms, linger_ms=5000)
    pull.connect(args.pull)
    push.connect(args.push)
    say("READY", args.name)
    done = 0
    while True:
        task = recv_or_fail(pull, f"a task after {done}")
        if task == b"END":
            break
        text = task.decode("utf-8", "replace")
        say("Received task:", text)
        send_or_fail(push, f"{args.name} {text}".encode(), f"the result of {text}")
        done += 1
    say("DONE", args.name, done)
    pull.close()
    push.close()
    ctx.term()


if __name__ == "__main__":
    main()
