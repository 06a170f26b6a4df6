#!/usr/bin/env python3
"""Publish-subscribe: the PUB side.

Binds, prints `READY <endpoint>`, and publishes `<prefix>0` ... `<prefix><count-1>`,
`--interval-ms` apart, printing `Sent: <text>` for each. Without `--sync` it does not
care who listens (late subscribers miss the first messages). With `--sync EP` it
also binds a REP socket there (printed as `SYNC <endpoint>`) and holds the data back
until `--subscribers` subscribers have proved that their subscriptions arrived:

  subscriber -> "hello"          publisher -> its token
  publisher  -> PUB "!sync <token>", repeated until every subscriber is ready
  subscriber (after seeing that beacon on its SUB socket) -> "ready", publisher -> "go"
  ... data ...
  publisher  -> PUB "!end <token>"

Since a PUB socket keeps the order of one connection, a subscriber that has seen a
beacon gets every later message: no loss.
"""

import argparse
import os
import time

import zmq

from sbs_common import (
    EXIT_TIMEOUT,
    add_timeout_arg,
    arm_watchdog,
    bind_ready,
    fail,
    make_socket,
    say,
)

BEACON_INTERVAL_MS = 10


def wait_for_subscribers(pub, rep, token, wanted, timeout_ms):
    deadline = time.monotonic() + timeout_ms / 1000.0
    poller = zmq.Poller()
    poller.register(rep, zmq.POLLIN)
    ready = 0
    beacon = f"!sync {token}".encode()
    while ready < wanted:
        if time.monotonic() > deadline:
            fail(EXIT_TIMEOUT, f"only {ready} of {wanted} subscribers synchronised")
        pub.send(beacon)
        if not poller.poll(BEACON_INTERVAL_MS):
            continue
        request = rep.recv()
        if request == b"hello":
            rep.send(token.encode())
        elif request == b"ready":
            rep.send(b"go")
            ready += 1
            say("SUBSCRIBER-READY", ready)
        else:
            rep.send(b"?")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bind", default="tcp://*:5556", help="endpoint to bind the PUB socket (default tcp://*:5556)")
    parser.add_argument("--count", type=int, default=10, help="messages to publish (default 10)")
    parser.add_argument("--interval-ms", type=int, default=1000, help="pause between messages (default 1000)")
    parser.add_argument("--prefix", default="message", help="message text before the number (default 'message')")
    parser.add_argument("--sync", metavar="EP", help="bind a REP socket here and wait for subscribers first")
    parser.add_argument("--subscribers", type=int, default=1, help="subscribers to wait for with --sync (default 1)")
    add_timeout_arg(parser, default=60000)
    args = parser.parse_args()
    arm_watchdog()

    ctx = zmq.Context()
    pub = make_socket(ctx, zmq.PUB, args.timeout_ms)
    bind_ready(pub, args.bind)
    rep = None
    token = f"{os.getpid()}-{os.urandom(4).hex()}"
    if args.sync:
        rep = make_socket(ctx, zmq.REP, args.timeout_ms)
        bind_ready(rep, args.sync, label="SYNC")
        wait_for_subscribers(pub, rep, token, args.subscribers, args.timeout_ms)

    for i in range(args.count):
        text = f"{args.prefix}{i}"
        pub.send(text.encode())
        say("Sent:", text)
        if args.interval_ms > 0 and i + 1 < args.count:
            time.sleep(args.interval_ms / 1000.0)
    if rep is not None:
        pub.send(f"!end {token}".encode())
        rep.close()
    say("DONE", args.count)
    pub.close()
    ctx.term()


if __name__ == "__main__":
    main()
