#!/usr/bin/env python3
"""A REQ client that authenticates with NULL, PLAIN or CURVE and reports whether it got in.

CURVE keys come from a secret certificate file (`--cert`, read with pyzmq's
`zmq.auth.load_certificate`) or are made fresh; `--serverkey` is the server's public key in
Z85. The client sends one request `--request` and prints `Received reply: <text>` and `DONE`
when a reply comes. With `--expect refused` it waits `--timeout-ms` for a reply, prints
`REFUSED` when none came, and exits 4 if one did. `--source` picks the local address (libzmq's
`tcp://SOURCE:0;HOST:PORT` form), to test address policies.
"""

import argparse

import zmq
import zmq.auth

from sbs_common import EXIT_MISMATCH, add_timeout_arg, arm_watchdog, fail, make_socket, say


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connect", required=True, help="tcp://127.0.0.1:PORT")
    parser.add_argument("--mechanism", choices=["null", "plain", "curve"], default="null")
    parser.add_argument("--serverkey", help="CURVE: the server's public key, Z85 (--serverkey=KEY)")
    parser.add_argument("--cert", help="CURVE: this client's secret certificate file")
    parser.add_argument("--username", default="")
    parser.add_argument("--password", default="")
    parser.add_argument("--source", help="local IP address to connect from")
    parser.add_argument("--request", default="hello")
    parser.add_argument("--expect", choices=["ok", "refused"], default="ok")
    add_timeout_arg(parser)
    args = parser.parse_args()
    arm_watchdog()

    ctx = zmq.Context()
    req = make_socket(ctx, zmq.REQ, args.timeout_ms, linger_ms=0)
    # A refused handshake is retried after the reconnect interval; keep retries out of the
    # observed window so the server sees one refusal per client.
    req.setsockopt(zmq.RECONNECT_IVL, 10000)
    if args.mechanism == "plain":
        req.setsockopt(zmq.PLAIN_USERNAME, args.username.encode())
        req.setsockopt(zmq.PLAIN_PASSWORD, args.password.encode())
    elif args.mechanism == "curve":
        if args.cert:
            public, secret = zmq.auth.load_certificate(args.cert)
            if secret is None:
                fail(2, f"{args.cert} holds no secret key")
        else:
            public, secret = zmq.curve_keypair()
        say("CLIENTKEY", public.decode())
        req.setsockopt(zmq.CURVE_SERVERKEY, args.serverkey.encode())
        req.setsockopt(zmq.CURVE_PUBLICKEY, public)
        req.setsockopt(zmq.CURVE_SECRETKEY, secret)
    endpoint = args.connect
    if args.source:
        endpoint = endpoint.replace("tcp://", f"tcp://{args.source}:0;", 1)
    req.connect(endpoint)
    req.send(args.request.encode())
    try:
        reply = req.recv().decode("utf-8", "replace")
    except zmq.Again:
        if args.expect == "refused":
            say("REFUSED")
            req.close()
            ctx.term()
            return
        fail(3, "timed out waiting for the reply")
    if args.expect == "refused":
        fail(EXIT_MISMATCH, f"a client that should be refused got a reply: {reply}")
    say("Received reply:", reply)
    say("DONE")
    req.close()
    ctx.term()


if __name__ == "__main__":
    main()
