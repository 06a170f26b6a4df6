#!/usr/bin/env python3
"""What pyzmq's zmq.Poller does with registrations, for PollSet to match.

Runs one fixed sequence on an inproc PAIR pair `a` (bound) and `b` (connected),
with a message from b waiting at a, and prints `STEP <name> <value>` per step:
  len-after-register      len(sockets) after register(a, POLLIN|POLLOUT)
  events-in-out           dict(poll())[a] for that registration
  len-after-reregister    len(sockets) after register(a, POLLIN)
  events-in               dict(poll())[a] now
  len-after-zero-unknown  len(sockets) after register(b, 0) (b never registered)
  len-after-zero          len(sockets) after register(a, 0)
  unregister-unknown      `error` if unregister(a) raises KeyError now, else `ok`
  ready                   `name:events,...` of poll() with a for POLLOUT, b for POLLIN
  timeout-ready           len(poll(10)) with only b (nothing to read) registered
  empty-timeout           len(poll(10)) of a poller with nothing registered
then `DONE 10`.
"""

import argparse

import zmq

from sbs_common import arm_watchdog, make_socket, say


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    arm_watchdog()

    ctx = zmq.Context()
    a = make_socket(ctx, zmq.PAIR, 1000, linger_ms=0)
    a.bind("inproc://poller-semantics")
    b = make_socket(ctx, zmq.PAIR, 1000, linger_ms=0)
    b.connect("inproc://poller-semantics")
    b.send(b"x")

    poller = zmq.Poller()
    poller.register(a, zmq.POLLIN | zmq.POLLOUT)
    say("STEP", "len-after-register", len(poller.sockets))
    say("STEP", "events-in-out", dict(poller.poll(5000)).get(a, 0))
    poller.register(a, zmq.POLLIN)
    say("STEP", "len-after-reregister", len(poller.sockets))
    say("STEP", "events-in", dict(poller.poll(5000)).get(a, 0))
    poller.register(b, 0)
    say("STEP", "len-after-zero-unknown", len(poller.sockets))
    poller.register(a, 0)
    say("STEP", "len-after-zero", len(poller.sockets))
    try:
        poller.unregister(a)
    except KeyError:
        say("STEP", "unregister-unknown", "error")
    else:
        say("STEP", "unregister-unknown", "ok")

    poller.register(a, zmq.POLLOUT)
    poller.register(b, zmq.POLLIN)
    names = {a: "a", b: "b"}
    ready = poller.poll(5000)
    say("STEP", "ready", ",".join(f"{names[s]}:{int(ev)}" for s, ev in ready))
    poller.unregister(a)
    say("STEP", "timeout-ready", len(poller.poll(10)))
    say("STEP", "empty-timeout", len(zmq.Poller().poll(10)))
    say("DONE", 10)

    a.close()
    b.close()
    ctx.term()


if __name__ == "__main__":
    main()
