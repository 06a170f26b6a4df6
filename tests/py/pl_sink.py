#!/usr/bin/env python3
"""Pipeline: the PULL sink.

Binds, prints `READY <endpoint>`, collects `--tasks` results (`<worker> <task>`),
printing `Result: <task> from <worker>` for each, then one `COUNT <worker> <n>`
line per worker (sorted by name) and `DONE <n>`.
"""

import argparse
from collections import Counter

import zmq

from sbs_common import (
    EXIT_MISMATCH,
    add_timeout_arg,
    arm_watchdog,
    bind_ready,
    fail,
    make_socket,
    recv_or_fail,
    say,
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bind", default="tcp://*:5558", help="endpoint to bind (default tcp://*:5558)")
    parser.add_argument("--tasks", type=int, default=100, help="results to collect (default 100)")
    add_timeout_arg(parser, default=60000)
    args = parser.parse_args()
    arm_watchdog()

    ctx = zmq.Context()
    pull = make_socket(ctx, zmq.PULL, args.timeout_ms)
    bind_ready(pull, args.bind)
    per_worker = Counter()
    for i in range(args.tasks):
        result = recv_or_fail(pull, f"result {i + 1} of {args.tasks}").decode("utf-8", "replace")
        worker, sep, task = result.partition(" ")
        if not sep:
            fail(EXIT_MISMATCH, f"malformed result {result!r}")
        per_worker[worker] += 1
        say("Result:", task, "from", worker)
    for worker in sorted(per_worker):
        say("COUNT", worker, per_worker[worker])
    say("DONE", args.tasks)
    pull.close()
    ctx.term()


if __name__ == "__main__":
    main()
