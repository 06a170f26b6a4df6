#!/usr/bin/env python3
"""CURVE: a REP server that only talks encrypted.

With `--secret` and `--public` (Z85, 40 characters each) it uses that key pair;
without them it makes its own and prints `SERVERKEY <public key in Z85>`. Binds,
prints `READY <endpoint>`, answers `--count` requests with `--reply` ({} = request),
printing `Received request: <text>` and `MECHANISM <name>` of the socket.
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

MECHANISMS = {zmq.NULL: "NULL", zmq.PLAIN: "PLAIN", zmq.CURVE: "CURVE"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bind", default="tcp://*:5562", help="endpoint to bind (default tcp://*:5562)")
    parser.add_argument("--public", help="server public key, Z85 (write --public=KEY: a key may start with -)")
    parser.add_argument("--secret", help="server secret key, Z85 (write --secret=KEY)")
    parser.add_argument("--count", type=int, default=1, help="requests to answer (default 1)")
    parser.add_argument("--reply", default="secret:{}", help="reply text; {} stands for the request")
    add_timeout_arg(parser)
    args = parser.parse_args()
    arm_watchdog()
    if not zmq.has("curve"):
        parser.error("this libzmq has no CURVE support")
    if (args.public is None) != (args.secret is None):
        parser.error("give both --public and --secret, or neither")

    if args.public is None:
        public, secret = zmq.curve_keypair()
        say("SERVERKEY", public.decode())
    else:
        public, secret = args.public.encode(), args.secret.encode()

    ctx = zmq.Context()
    rep = make_socket(ctx, zmq.REP, args.timeout_ms)
    rep.setsockopt(zmq.CURVE_SERVER, 1)
    rep.setsockopt(zmq.CURVE_PUBLICKEY, public)
    rep.setsockopt(zmq.CURVE_SECRETKEY, secret)
    bind_ready(rep, args.bind)
    say("MECHANISM", MECHANISMS.get(rep.getsockopt(zmq.MECHANISM), "OTHER"))
    for i in range(args.count):
        request = recv_or_fail(rep, f"request {i}").decode("utf-8", "replace")
        say("Received request:", request)
        send_or_fail(rep, fill_template(args.reply, request).encode(), f"reply {i}")
    say("DONE", args.count)
    rep.close()
    ctx.term()


if __name__ == "__main__":
    main()
