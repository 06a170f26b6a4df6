#!/usr/bin/env python3
"""The pyzmq columns of benches/zmq_perf.rs: its workloads written with pyzmq, as a Python
user writes them, run by the harness once per round (same endpoints, same sizes).

    pyzmq_perf.py thr <endpoint> <size> <count> copy|zerocopy   prints the receiver's seconds
    pyzmq_perf.py lat <endpoint> <size> <count> copy|zerocopy   prints total seconds, mean and
                                                               p99 one-way microseconds
    pyzmq_perf.py version                                      prints pyzmq's and its libzmq's
                                                               versions

The receiving side (PULL or REP) binds <endpoint>, the other side connects to its
LAST_ENDPOINT, one message (or round trip) passes before the timing starts, and the two
threads start together on a barrier: the same shape as the harness and its C program.
"copy" sends and receives bytes objects; "zerocopy" passes copy=False both ways (pyzmq
still copies messages below its copy threshold, as it does for its users).
"""

import sys
import threading
import time

import zmq


def fail(why):
    sys.stderr.write(f"pyzmq_perf: {why}\n")
    sys.exit(1)


def sockets(ctx, throughput, endpoint):
    bound = ctx.socket(zmq.PULL if throughput else zmq.REP)
    connected = ctx.socket(zmq.PUSH if throughput else zmq.REQ)
    bound.bind(endpoint)
    connected.connect(bound.getsockopt(zmq.LAST_ENDPOINT).decode())
    connected.send(b"warm-up")
    if bound.recv() != b"warm-up":
        fail("warm-up")
    if not throughput:
        bound.send(b"warm-up")
        if connected.recv() != b"warm-up":
            fail("warm-up reply")
    return bound, connected


def beside(work, start):
    """Starts work() on a second thread, which waits on the barrier `start` with this one."""

    def run():
        start.wait()
        work()

    thread = threading.Thread(target=run)
    thread.start()
    start.wait()
    return thread


def throughput(bound, connected, size, count, copy):
    payload = b"\x07" * size

    def push():
        for _ in range(count):
            connected.send(payload, copy=copy)

    sender = beside(push, threading.Barrier(2))
    t0 = time.perf_counter_ns()
    for _ in range(count):
        got = len(bound.recv(copy=copy))
        if got != size:
            fail(f"got {got} bytes, expected {size}")
    t1 = time.perf_counter_ns()
    sender.join()
    print(f"{(t1 - t0) / 1e9:.9f}")


def latency(bound, connected, size, count, copy):
    payload = b"\x07" * size

    def echo():
        for _ in range(count):
            bound.send(bound.recv(copy=copy), copy=copy)

    samples = []
    server = beside(echo, threading.Barrier(2))
    for _ in range(count):
        t0 = time.perf_counter_ns()
        connected.send(payload, copy=copy)
        connected.recv(copy=copy)
        samples.append(time.perf_counter_ns() - t0)
    server.join()
    samples.sort()
    total = sum(samples)
    p99 = samples[max((count * 99 + 99) // 100 - 1, 0)]
    print(f"{total / 1e9:.9f} {total / max(count, 1) / 2000.0:.3f} {p99 / 2000.0:.3f}")


def main(argv):
    if argv[1:] == ["version"]:
        print(f"pyzmq {zmq.pyzmq_version()} (its libzmq {zmq.zmq_version()})")
        return
    if len(argv) != 6 or argv[1] not in ("thr", "lat") or argv[5] not in ("copy", "zerocopy"):
        fail("usage: pyzmq_perf.py thr|lat <endpoint> <size> <count> copy|zerocopy")
    workload, endpoint, size, count, mode = argv[1], argv[2], int(argv[3]), int(argv[4]), argv[5]
    ctx = zmq.Context()
    bound, connected = sockets(ctx, workload == "thr", endpoint)
    run = throughput if workload == "thr" else latency
    run(bound, connected, size, count, mode == "copy")
    connected.close()
    bound.close()
    ctx.term()


if __name__ == "__main__":
    main(sys.argv)
