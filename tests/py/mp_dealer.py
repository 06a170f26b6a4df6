#!/usr/bin/env python3
"""Multipart: a DEALER that sends numbered multipart messages and checks the echoes.

Message i has the frames  b"msg<i>", b"" (empty), bytes 0..255, and i*1000 bytes of
value i % 256. All `--count` messages are sent first, then each echo must come back
identical and in order: `OK <i> <frames>` per message, `DONE <n>` at the end; exit
status 4 on any difference.
"""

import argparse

import zmq

from sbs_common import (
    EXIT_MISMATCH,
    add_timeout_arg,
    arm_watchdog,
    fail,
    make_socket,
    recv_or_fail,
    say,
    send_or_fail,
)


def frames_for(i):
    return [f"msg{i}".encode(), b"", bytes(range(256)), bytes([i % 256]) * (i * 1000)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connect", default="tcp://localhost:5560", help="ROUTER endpoint (default tcp://localhost:5560)")
    parser.add_argument("--identity", default="py-dealer", help="routing id to announce (default py-dealer)")
    parser.add_argument("--count", type=int, default=3, help="messages to send (default 3)")
    add_timeout_arg(parser)
    args = parser.parse_args()
    arm_watchdog()

    ctx = zmq.Context()
    dealer = make_socket(ctx, zmq.DEALER, args.timeout_ms)
    dealer.setsockopt(zmq.ROUTING_ID, args.identity.encode())
    dealer.connect(args.connect)
    for i in range(args.count):
        send_or_fail(dealer, frames_for(i), f"message {i}", multipart=True)
    for i in range(args.count):
        echo = recv_or_fail(dealer, f"echo {i}", multipart=True)
        if echo != frames_for(i):
            fail(EXIT_MISMATCH, f"echo {i} differs: {[len(f) for f in echo]} frame sizes")
        say("OK", i, len(echo))
    say("DONE", args.count)
    dealer.close()
    ctx.term()


if __name__ == "__main__":
    main()
