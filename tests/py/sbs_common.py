"""Shared helpers for the pyzmq peer scripts in tests/py/.

Every script run by the side-by-side tests follows the same conventions:

* it prints one machine-readable line per event, flushed at once, e.g.
  ``READY tcp://127.0.0.1:41234`` after binding (with the wildcard port resolved),
  so a test can wait for that line instead of sleeping;
* every socket has a receive and a send timeout, and a watchdog alarm ends the
  process in any case, so no script can hang a test run;
* exit status 0 means the exchange went as expected; 2 means bad arguments
  (argparse's own code), 3 a timeout, 4 a mismatch in the data.
"""

import os
import signal
import sys

import zmq

EXIT_TIMEOUT = 3
EXIT_MISMATCH = 4

# Upper bound on the life of any script, whatever its arguments say.
WATCHDOG_SECONDS = 120


def say(*parts):
    """Print one line and flush it, so a reading test sees it immediately."""
    print(*parts, flush=True)


def fail(code, message):
    """Report an error on stdout (where tests look) and on stderr, then exit."""
    say("ERROR", message)
    print(f"{os.path.basename(sys.argv[0])}: {message}", file=sys.stderr, flush=True)
    sys.exit(code)


def arm_watchdog(seconds=WATCHDOG_SECONDS):
    """End the process after `seconds`, even if it is stuck in a blocking call."""

    def on_alarm(_signum, _frame):
        fail(EXIT_TIMEOUT, f"watchdog: still running after {seconds} s")

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)


def add_timeout_arg(parser, default=10000):
    parser.add_argument(
        "--timeout-ms",
        type=int,
        default=default,
        help=f"give up when one receive or send waits longer than this (default {default})",
    )


def make_socket(ctx, kind, timeout_ms, linger_ms=2000):
    """A socket with bounded receive, send and close."""
    sock = ctx.socket(kind)
    sock.setsockopt(zmq.RCVTIMEO, timeout_ms)
    sock.setsockopt(zmq.SNDTIMEO, timeout_ms)
    sock.setsockopt(zmq.LINGER, linger_ms)
    return sock


def bind_ready(sock, endpoint, label="READY"):
    """Bind and print `<label> <endpoint actually bound>` (wildcards resolved)."""
    sock.bind(endpoint)
    bound = sock.getsockopt(zmq.LAST_ENDPOINT).decode()
    say(label, bound)
    return bound


def recv_or_fail(sock, what, multipart=False):
    """Receive one message; on timeout, exit with EXIT_TIMEOUT naming what was awaited."""
    try:
        if multipart:
            return sock.recv_multipart()
        return sock.recv()
    except zmq.Again:
        fail(EXIT_TIMEOUT, f"timed out waiting for {what}")


def send_or_fail(sock, data, what, multipart=False):
    try:
        if multipart:
            sock.send_multipart(data)
        else:
            sock.send(data)
    except zmq.Again:
        fail(EXIT_TIMEOUT, f"timed out sending {what}")


def fill_template(template, value):
    """Replace every `{}` in `template` with `value` (no other formatting)."""
    return template.replace("{}", str(value))
