#!/usr/bin/env python3
"""Pipeline: the PUSH ventilator.

Binds, prints `READY <endpoint>`, waits until `--workers` workers have connected
(seen through the socket monitor, so no task goes out before every worker can take
its share), then sends `task0` ... `task<tasks-1>` round-robin, and finally one
`END` per worker. Prints `WORKER-CONNECTED <n>`, `Sent: <task>` and `DONE <n>`.
"""

import argparse
import struct

import zmq

from sbs_common import (
    EXIT_TIMEOUT,
    add_timeout_arg,
    arm_watchdog,
    bind_ready,
    fail,
    make_socket,
    say,
    send_or_fail,
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bind", default="tcp://*:5557", help="endpoint to bind (default tcp://*:5557)")
    parser.add_argument("--tasks", type=int, default=100, help="tasks to hand out (default 100)")
    parser.add_argument("--workers", type=int, default=2, help="workers to wait for (default 2)")
    add_timeout_arg(parser, default=60000)
    args = parser.parse_args()
    arm_watchdog()

    ctx = zmq.Context()
    push = make_socket(ctx, zmq.PUSH, args.timeout_ms, linger_ms=5000)
    # Watch the socket before binding, so that no connection goes unseen.
    monitor = push.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED)
    monitor.setsockopt(zmq.RCVTIMEO, args.timeout_ms)
    bind_ready(push, args.bind)

    connected = 0
    while connected < args.workers:
        try:
            frames = monitor.recv_multipart()
        except zmq.Again:
            fail(EXIT_TIMEOUT, f"only {connected} of {args.workers} workers connected")
        event, _value = struct.unpack("=HI", frames[0][:6])
        if event == zmq.EVENT_HANDSHAKE_SUCCEEDED:
            connected += 1
            say("WORKER-CONNECTED", connected)
    # libzmq attaches a new connection to the socket when the socket next processes
    # its commands; asking for ZMQ_EVENTS makes it do that now, before the first send.
    push.getsockopt(zmq.EVENTS)

    for i in range(args.tasks):
        task = f"task{i}"
        send_or_fail(push, task.encode(), task)
        say("Sent:", task)
    for _ in range(args.workers):
        send_or_fail(push, b"END", "END")
    say("DONE", args.tasks)
    push.disable_monitor()
    monitor.close()
    push.close()
    ctx.term()


if __name__ == "__main__":
    main()
