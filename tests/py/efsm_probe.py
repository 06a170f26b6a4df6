#!/usr/bin/env python3
"""Errors at the wrong moment: what pyzmq reports for out-of-order calls.

For each case prints `CASE <name> <errno> <message>` (the ZMQError's errno and
str()), or `CASE <name> OK -` if the call unexpectedly succeeded. Cases:
  req_send_twice       REQ sends, then sends again before the reply     (EFSM)
  req_recv_first       REQ receives before it sent anything             (EFSM)
  rep_send_first       REP sends before it received anything            (EFSM)
  dontwait_recv_empty  non-blocking receive with nothing queued         (EAGAIN)
Also prints `CONST EFSM <n>` and `CONST EAGAIN <n>`, then `DONE 4`.
"""

import argparse

import zmq

from sbs_common import arm_watchdog, make_socket, say


def attempt(name, action):
    try:
        action()
    except zmq.ZMQError as e:
        say("CASE", name, e.errno, str(e))
    else:
        say("CASE", name, "OK", "-")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    arm_watchdog()
    say("CONST", "EFSM", zmq.EFSM)
    say("CONST", "EAGAIN", zmq.EAGAIN)

    ctx = zmq.Context()
    rep = make_socket(ctx, zmq.REP, 1000, linger_ms=0)
    rep.bind("inproc://efsm-probe")
    req = make_socket(ctx, zmq.REQ, 1000, linger_ms=0)
    req.connect("inproc://efsm-probe")
    req.send(b"first")
    attempt("req_send_twice", lambda: req.send(b"second"))

    fresh_req = make_socket(ctx, zmq.REQ, 1000, linger_ms=0)
    fresh_req.connect("inproc://efsm-probe")
    attempt("req_recv_first", fresh_req.recv)

    fresh_rep = make_socket(ctx, zmq.REP, 1000, linger_ms=0)
    attempt("rep_send_first", lambda: fresh_rep.send(b"unasked"))

    pull = make_socket(ctx, zmq.PULL, 1000, linger_ms=0)
    attempt("dontwait_recv_empty", lambda: pull.recv(zmq.NOBLOCK))

    say("DONE", 4)
    for sock in (rep, req, fresh_req, fresh_rep, pull):
        sock.close()
    ctx.term()


if __name__ == "__main__":
    main()
