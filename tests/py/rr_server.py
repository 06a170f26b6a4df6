#!/usr/bin/env python3
"""Request-reply: the REP server.

Binds, prints `READY <endpoint>`, then answers `--count` requests. Each request is
printed as `Received request: <text>` and answered with `--reply`, where every `{}`
is replaced by the request text. Ends with `DONE <n>`.
"""

import argparse

import zmq

from sbs_common import (
    add_timeout_arg,
    arm_watchdog,
    bind_ready,
    fill_template,
    make_socket,
    recv_or_fail,
    say,
    send_or_fail,
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bind", default="tcp://*:5555", help="endpoint to bind (default tcp://*:5555)")
    parser.add_argument("--count", type=int, default=1, help="requests to answer (default 1)")
    parser.add_argument("--reply", default="I am OK!", help="reply text; {} stands for the request")
    add_timeout_arg(parser, default=60000)
    args = parser.parse_args()
    arm_watchdog()

    ctx = zmq.Context()
    rep = make_socket(ctx, zmq.REP, args.timeout_ms)
    bind_ready(rep, args.bind)
    for _ in range(args.count):
        request = recv_or_fail(rep, "a request").decode("utf-8", "replace")
        say("Received request:", request)
        send_or_fail(rep, fill_template(args.reply, request).encode(), "the reply")
    say("DONE", args.count)
    rep.close()
    ctx.term()


if __name__ == "__main__":
    main()
