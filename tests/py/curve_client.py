#!/usr/bin/env python3
"""CURVE: a REQ client that knows the server's public key.

Makes its own key pair (printed as `CLIENTKEY <public key in Z85>`), connects with
`--serverkey` (Z85), sends `--count` requests (`{}` in `--request` = number) and prints
`Received reply: <text>`, then `DONE <n>`. A wrong server key means the handshake never
completes: the client then times out and exits with status 3.
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
    parser.add_argument("--connect", default="tcp://localhost:5562", help="endpoint (default tcp://localhost:5562)")
    parser.add_argument("--serverkey", required=True, help="the server's public key, Z85 (write --serverkey=KEY: a key may start with -)")
    parser.add_argument("--count", type=int, default=1, help="requests to send (default 1)")
    parser.add_argument("--request", default="hello {}", help="request text; {} stands for its number")
    add_timeout_arg(parser)
    args = parser.parse_args()
    arm_watchdog()
    if not zmq.has("curve"):
        parser.error("this libzmq has no CURVE support")

    public, secret = zmq.curve_keypair()
    say("CLIENTKEY", public.decode())
    ctx = zmq.Context()
    req = make_socket(ctx, zmq.REQ, args.timeout_ms, linger_ms=0)
    req.setsockopt(zmq.CURVE_SERVERKEY, args.serverkey.encode())
    req.setsockopt(zmq.CURVE_PUBLICKEY, public)
    req.setsockopt(zmq.CURVE_SECRETKEY, secret)
    req.connect(args.connect)
    for i in range(args.count):
        request = fill_template(args.request, i)
        send_or_fail(req, request.encode(), f"request {i}")
        reply = recv_or_fail(req, f"reply {i}").decode("utf-8", "replace")
        say("Received reply:", reply)
    say("DONE", args.count)
    req.close()
    ctx.term()


if __name__ == "__main__":
    main()
