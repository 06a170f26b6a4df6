#!/usr/bin/env python3
"""JSON messages with pyzmq's send_json/recv_json, for tests/sbs_json.rs.

Two roles:

* ``--role echo``: a REP socket binds, prints ``READY <endpoint>``, then `--count`
  times receives with ``recv_json()``, prints ``GOT <value>`` (the value re-encoded with
  ``sort_keys=True`` so the test can compare it) and sends the value back with
  ``send_json()``. Ends with ``DONE <n>``.
* ``--role send``: a PUSH socket connects to `--connect` and sends, in this order:
  the messages of SAMPLES with ``send_json()``, then the malformed ones of BROKEN (raw
  frames, one multipart), then ``{"end": true}`` with ``send_json()``. Prints
  ``SENT <n>`` and ``DONE``.
"""

import argparse
import json

import zmq

from sbs_common import EXIT_TIMEOUT, add_timeout_arg, arm_watchdog, bind_ready, fail, make_socket, say

# What `--role send` sends with send_json(), in order. tests/sbs_json.rs expects exactly
# these values (nested objects, unicode in keys and text, integers at the i64/u64 edges,
# floats, lists, null and booleans).
SAMPLES = [
    {"name": "größe ☃ 😀", "count": 3, "ratio": 0.25, "tags": ["a", "b"], "ok": True},
    {"outer": {"inner": {"list": [1, [2, [3, []]], {}], "none": None}}, "ключ": "значение"},
    [9223372036854775807, -9223372036854775808, 18446744073709551615, 1e-7, -2.5e300, 0],
    "just a string with \"quotes\", a tab\t and a newline\n",
    42,
]

# Malformed input, sent as raw frames (a list is one multipart message).
BROKEN = [
    b'{"unterminated": [1, 2',  # not JSON
    b"\xff\xfe not utf-8",  # not UTF-8
    [b'{"part": 1}', b'{"part": 2}'],  # two frames where one was expected
    "NAN",  # send_json(float("nan")): Python writes NaN, which is not JSON
    b'{"name": 5}',  # JSON, but not the shape the test asks for
]


def echo(args):
    ctx = zmq.Context()
    rep = make_socket(ctx, zmq.REP, args.timeout_ms)
    bind_ready(rep, args.bind)
    for _ in range(args.count):
        try:
            value = rep.recv_json()
        except zmq.Again:
            fail(EXIT_TIMEOUT, "timed out waiting for a JSON request")
        say("GOT", json.dumps(value, sort_keys=True))
        rep.send_json(value)
    say("DONE", args.count)
    rep.close()
    ctx.term()


def send(args):
    ctx = zmq.Context()
    push = make_socket(ctx, zmq.PUSH, args.timeout_ms)
    push.connect(args.connect)
    sent = 0
    for value in SAMPLES:
        push.send_json(value)
        sent += 1
    for frames in BROKEN:
        if frames == "NAN":
            push.send_json({"value": float("nan")})
        elif isinstance(frames, list):
            push.send_multipart(frames)
        else:
            push.send(frames)
        sent += 1
    push.send_json({"end": True})
    sent += 1
    say("SENT", sent)
    say("DONE")
    push.close()
    ctx.term()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--role", choices=["echo", "send"], required=True)
    parser.add_argument("--bind", default="tcp://127.0.0.1:*", help="echo: endpoint to bind")
    parser.add_argument("--connect", help="send: endpoint to connect to")
    parser.add_argument("--count", type=int, default=1, help="echo: messages to answer")
    add_timeout_arg(parser)
    args = parser.parse_args()
    arm_watchdog()
    if args.role == "echo":
        echo(args)
    else:
        if not args.connect:
            parser.error("--role send needs --connect")
        send(args)


if __name__ == "__main__":
    main()
