#!/usr/bin/env python3
"""Large messages: a REP peer that checks and produces payloads with CRC-32 checksums.

Requests (multipart) and replies:
  [b"PUT", b"<len> <crc32 hex>", payload] -> [b"OK" or b"MISMATCH", b"<len> <crc32 hex>"]
      (the length and CRC-32 this side computed over the payload it received)
  [b"GET", b"<len>", b"<seed>"]            -> [b"<len> <crc32 hex>", payload]
      (payload: <len> pseudo-random bytes from the seed)
  [b"QUIT"]                                -> [b"BYE"], then exit
CRC-32 is the IEEE one (zlib's), printed as 8 lowercase hex digits. Prints
`READY <endpoint>` when bound (or `CONNECTED <endpoint>`), `PUT <len> <crc> OK|MISMATCH`
and `GET <len> <crc>` per request, `DONE <requests>` at the end.
"""

import argparse
import random
import zlib

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


def describe(payload):
    return f"{len(payload)} {zlib.crc32(payload) & 0xFFFFFFFF:08x}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--bind", help="endpoint to bind (default tcp://*:5561)")
    where.add_argument("--connect", help="endpoint to connect instead of binding")
    add_timeout_arg(parser)
    args = parser.parse_args()
    arm_watchdog()

    ctx = zmq.Context()
    rep = make_socket(ctx, zmq.REP, args.timeout_ms)
    if args.connect:
        rep.connect(args.connect)
        say("CONNECTED", args.connect)
    else:
        bind_ready(rep, args.bind or "tcp://*:5561")
    handled = 0
    while True:
        request = recv_or_fail(rep, f"request {handled}", multipart=True)
        handled += 1
        verb = request[0]
        if verb == b"PUT" and len(request) == 3:
            mine = describe(request[2])
            verdict = b"OK" if mine.encode() == request[1] else b"MISMATCH"
            say("PUT", mine, verdict.decode())
            send_or_fail(rep, [verdict, mine.encode()], "PUT reply", multipart=True)
        elif verb == b"GET" and len(request) == 3:
            payload = random.Random(int(request[2])).randbytes(int(request[1]))
            header = describe(payload)
            say("GET", header)
            send_or_fail(rep, [header.encode(), payload], "GET reply", multipart=True)
        elif verb == b"QUIT":
            send_or_fail(rep, [b"BYE"], "BYE", multipart=True)
            break
        else:
            send_or_fail(rep, [b"BAD-REQUEST"], "BAD-REQUEST", multipart=True)
    say("DONE", handled)
    rep.close()
    ctx.term()


if __name__ == "__main__":
    main()
