#!/usr/bin/env python3
"""Fault tests: a REP or PULL peer that the test kills, restarts or freezes.

Binds `--bind` (a fixed port, so a restarted peer is found at the same address), prints
`READY <endpoint>`, then for every message received prints `GOT <first 40 characters>`.

* `--type rep` answers each request with `re:<request>`.
* `--type pull` only receives.
* `--stop-after N`: after N messages (rep: N answered) the peer stops: a REP receives one
  more request, prints `STOPPED <request>` and never answers it; a PULL prints `STOPPED N`
  and reads nothing more. Either then waits to be killed (the watchdog ends it otherwise).
* The message `END` ends the run: a REP answers `re:END`; both print `END <n>` (messages
  before it) and exit 0.
* `--rcvhwm`, `--rcvbuf` set ZMQ_RCVHWM and ZMQ_RCVBUF before binding; `--heartbeat-ivl`
  and `--heartbeat-ttl` (milliseconds) ZMQ_HEARTBEAT_IVL and ZMQ_HEARTBEAT_TTL.
"""

import argparse
import signal

import zmq

from sbs_common import add_timeout_arg, arm_watchdog, bind_ready, make_socket, recv_or_fail, say, send_or_fail


def wait_to_be_killed():
    while True:
        signal.pause()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--type", choices=["rep", "pull"], required=True)
    parser.add_argument("--bind", required=True, help="endpoint to bind, e.g. tcp://127.0.0.1:40000")
    parser.add_argument("--stop-after", type=int, default=-1, help="stop after this many messages")
    parser.add_argument("--rcvhwm", type=int, default=None)
    parser.add_argument("--rcvbuf", type=int, default=None)
    parser.add_argument("--heartbeat-ivl", type=int, default=None)
    parser.add_argument("--heartbeat-ttl", type=int, default=None)
    add_timeout_arg(parser, default=60000)
    args = parser.parse_args()
    arm_watchdog()

    ctx = zmq.Context()
    sock = make_socket(ctx, zmq.REP if args.type == "rep" else zmq.PULL, args.timeout_ms, linger_ms=0)
    for option, value in [
        (zmq.RCVHWM, args.rcvhwm),
        (zmq.RCVBUF, args.rcvbuf),
        (zmq.HEARTBEAT_IVL, args.heartbeat_ivl),
        (zmq.HEARTBEAT_TTL, args.heartbeat_ttl),
    ]:
        if value is not None:
            sock.setsockopt(option, value)
    bind_ready(sock, args.bind)

    count = 0
    while True:
        if args.type == "pull" and count == args.stop_after:
            say("STOPPED", count)
            wait_to_be_killed()
        text = recv_or_fail(sock, f"message {count + 1}").decode("utf-8", "replace")
        if text == "END":
            if args.type == "rep":
                send_or_fail(sock, b"re:END", "the last reply")
            say("END", count)
            break
        if args.type == "rep" and count == args.stop_after:
            say("STOPPED", text[:40])
            wait_to_be_killed()
        say("GOT", text[:40])
        if args.type == "rep":
            send_or_fail(sock, ("re:" + text).encode(), "a reply")
        count += 1
    sock.close()
    ctx.term()


if __name__ == "__main__":
    main()
