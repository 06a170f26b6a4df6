#!/usr/bin/env python3
"""Request-reply: the REQ client.

Connects and sends `--count` requests, one at a time, each waiting for its answer.
`{}` in `--request` is replaced by the request number (0, 1, ...). Prints
`Sending request: <text>` and `Received reply: <text>`, then `DONE <n>`.
"""

import argparse

import zmq

from sbs_common import (
    add_timeout_arg,
    arm_watchdog,
    fill_template,
    make_socket,
    recv_or_fail,
    say,
    send_or_fail,
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--connect", default="tcp://localhost:5555", help="endpoint to connect (default tcp://localhost:5555)"
    )
    parser.add_argument("--count", type=int, default=1, help="requests to send (default 1)")
    parser.add_argument("--request", default="Are you OK?", help="request text; {} stands for its number")
    add_timeout_arg(parser)
    args = parser.parse_args()
    arm_watchdog()

    ctx = zmq.Context()
    req = make_socket(ctx, zmq.REQ, args.timeout_ms)
    req.connect(args.connect)
    for i in range(args.count):
        request = fill_template(args.request, i)
        say("Sending request:", request)
        send_or_fail(req, request.encode(), f"request {i}")
        reply = recv_or_fail(req, f"the reply to request {i}").decode("utf-8", "replace")
        say("Received reply:", reply)
    say("DONE", args.count)
    req.close()
    ctx.term()


if __name__ == "__main__":
    main()
