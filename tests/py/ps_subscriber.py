#!/usr/bin/env python3
"""Publish-subscribe: the SUB side.

Connects to one or more publishers (`--connect`, repeatable), subscribes to TOPIC
(a prefix; '' means everything) and prints `Received: <text>` per message. Stops
after `--count` messages, or, with `--sync`, once every publisher sent its end
marker; prints `DONE <n>`. `--sync EP` (repeatable, one per publisher) runs the
handshake described in ps_publisher.py, so nothing published is missed.
"""

import argparse

import zmq

from sbs_common import (
    EXIT_TIMEOUT,
    add_timeout_arg,
    arm_watchdog,
    fail,
    make_socket,
    recv_or_fail,
    say,
    send_or_fail,
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("topic", nargs="?", default="", help="topic prefix to subscribe to (default: everything)")
    parser.add_argument(
        "--connect", action="append", metavar="EP", help="publisher endpoint (repeatable; default tcp://localhost:5556)"
    )
    parser.add_argument("--sync", action="append", metavar="EP", default=[], help="publisher sync endpoint (repeatable)")
    parser.add_argument(
        "--count", type=int, help="stop after this many messages (default 10; with --sync: when all publishers end)"
    )
    add_timeout_arg(parser)
    args = parser.parse_args()
    arm_watchdog()
    connects = args.connect or ["tcp://localhost:5556"]
    count = args.count if args.count is not None else (None if args.sync else 10)

    ctx = zmq.Context()
    # Linger 0: after the last message nothing outgoing matters (a SUB socket would
    # otherwise hold its subscriptions for a reconnect to a publisher that is gone).
    sub = make_socket(ctx, zmq.SUB, args.timeout_ms, linger_ms=0)
    # The data topic goes first: subscriptions travel in order, so once a control
    # message ("!" prefix) arrives, the data subscription is in place too.
    sub.setsockopt(zmq.SUBSCRIBE, args.topic.encode())
    if args.sync:
        sub.setsockopt(zmq.SUBSCRIBE, b"!")
    for endpoint in connects:
        sub.connect(endpoint)

    requesters = {}
    for endpoint in args.sync:
        req = make_socket(ctx, zmq.REQ, args.timeout_ms, linger_ms=0)
        req.connect(endpoint)
        send_or_fail(req, b"hello", f"hello to {endpoint}")
        token = recv_or_fail(req, f"the token from {endpoint}").decode()
        requesters[token] = req
    pending = set(requesters)
    ended = set()

    received = 0
    while True:
        if count is not None and received >= count:
            break
        if requesters and len(ended) == len(requesters):
            break
        try:
            data = sub.recv()
        except zmq.Again:
            fail(EXIT_TIMEOUT, f"timed out waiting for a message after {received}")
        text = data.decode("utf-8", "replace")
        if args.sync and text.startswith("!"):
            kind, _, token = text.partition(" ")
            if kind == "!sync" and token in pending:
                req = requesters[token]
                send_or_fail(req, b"ready", "ready")
                recv_or_fail(req, "go")
                pending.discard(token)
                say("SYNCED", token)
            elif kind == "!end" and token in requesters:
                ended.add(token)
            continue
        received += 1
        say("Received:", text)
    say("DONE", received)
    for req in requesters.values():
        req.close()
    sub.close()
    ctx.term()


if __name__ == "__main__":
    main()
