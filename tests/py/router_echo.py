#!/usr/bin/env python3
"""Multipart: a ROUTER that echoes every message back to the peer that sent it.

Binds, prints `READY <endpoint>`, then for `--count` messages prints
`FROM <routing id> <frames after the id>` and sends the same frames back
(routing id first, so the reply goes to the sender). Ends with `DONE <n>`.
"""

import argparse

import zmq

from sbs_common import (
    add_timeout_arg,
    arm_watchdog,
    bind_ready,
    make_socket,
    recv_or_fail,
    say,
    send_or_fail,
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bind", default="tcp://*:5560", help="endpoint to bind (default tcp://*:5560)")
    parser.add_argument("--count", type=int, default=1, help="messages to echo (default 1)")
    add_timeout_arg(parser)
    args = parser.parse_args()
    arm_watchdog()

    ctx = zmq.Context()
    router = make_socket(ctx, zmq.ROUTER, args.timeout_ms)
    router.setsockopt(zmq.ROUTER_MANDATORY, 1)
    bind_ready(router, args.bind)
    for i in range(args.count):
        frames = recv_or_fail(router, f"message {i}", multipart=True)
        say("FROM", frames[0].decode("utf-8", "replace"), len(frames) - 1)
        send_or_fail(router, frames, f"echo {i}", multipart=True)
    say("DONE", args.count)
    router.close()
    ctx.term()


if __name__ == "__main__":
    main()
