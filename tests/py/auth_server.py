#!/usr/bin/env python3
"""A REP server under pyzmq's ThreadAuthenticator, for Rust clients.

Security: `--mechanism curve` with the server's secret certificate `--cert` (a file, read with
`zmq.auth.load_certificate`) and the client keys allowed by `--allow-dir` (a directory of
public `*.key` certificates, read by pyzmq) or `--curve-any`; `--mechanism plain` with
`--user NAME:PASSWORD` entries. `--allow`/`--deny` add address rules.

Prints `READY <endpoint>`, then one line per event: `REFUSED <status>` for each handshake the
authenticator refused (from the socket monitor), `Received request: <text> user=<User-Id>`
for each request (the reply is `user:<User-Id>`). Exits after `--count` requests.
"""

import argparse

import zmq
import zmq.auth
from zmq.auth.thread import ThreadAuthenticator
from zmq.utils.monitor import recv_monitor_message

from sbs_common import add_timeout_arg, arm_watchdog, bind_ready, fail, make_socket, say


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bind", default="tcp://127.0.0.1:*")
    parser.add_argument("--mechanism", choices=["plain", "curve"], required=True)
    parser.add_argument("--cert", help="CURVE: the server's secret certificate file")
    parser.add_argument("--allow-dir", help="CURVE: directory of allowed public certificates")
    parser.add_argument("--curve-any", action="store_true")
    parser.add_argument("--user", action="append", default=[], help="PLAIN: NAME:PASSWORD")
    parser.add_argument("--allow", action="append", default=[])
    parser.add_argument("--deny", action="append", default=[])
    parser.add_argument("--count", type=int, default=1)
    add_timeout_arg(parser, default=30000)
    args = parser.parse_args()
    arm_watchdog()

    ctx = zmq.Context()
    auth = ThreadAuthenticator(ctx)
    auth.start()
    if args.allow:
        auth.allow(*args.allow)
    if args.deny:
        auth.deny(*args.deny)
    rep = make_socket(ctx, zmq.REP, args.timeout_ms, linger_ms=0)
    if args.mechanism == "curve":
        if args.curve_any:
            auth.configure_curve(domain="*", location=zmq.auth.CURVE_ALLOW_ANY)
        else:
            auth.configure_curve(domain="*", location=args.allow_dir)
        public, secret = zmq.auth.load_certificate(args.cert)
        rep.curve_publickey = public
        rep.curve_secretkey = secret
        rep.curve_server = True
    else:
        passwords = dict(entry.split(":", 1) for entry in args.user)
        auth.configure_plain(domain="*", passwords=passwords)
        rep.plain_server = True
    monitor = rep.get_monitor_socket(zmq.EVENT_HANDSHAKE_FAILED_AUTH)
    bind_ready(rep, args.bind)

    poller = zmq.Poller()
    poller.register(rep, zmq.POLLIN)
    poller.register(monitor, zmq.POLLIN)
    served = 0
    while served < args.count:
        ready = dict(poller.poll(args.timeout_ms))
        if not ready:
            fail(3, f"timed out after {served} of {args.count} requests")
        if monitor in ready:
            event = recv_monitor_message(monitor)
            say("REFUSED", event["value"])
        if rep in ready:
            msg = rep.recv(copy=False)
            user = msg.get("User-Id")
            say("Received request:", msg.bytes.decode("utf-8", "replace"), f"user={user}")
            rep.send(f"user:{user}".encode())
            served += 1
    rep.disable_monitor()
    monitor.close()
    rep.close()
    auth.stop()
    ctx.term()


if __name__ == "__main__":
    main()
