#!/usr/bin/env python3
"""Certificates through pyzmq's `zmq.auth`.

`create DIR NAME`: `zmq.auth.create_certificates(DIR, NAME)`, then prints `PUBLIC <z85>` and
`SECRET <z85>` read back from the secret file. `load FILE...`: prints `PUBLIC <z85>` and
`SECRET <z85 or None>` per file, read with `zmq.auth.load_certificate`. `dir DIR`: prints
`KEY <z85>` per key `zmq.auth.load_certificates(DIR)` finds, sorted.
"""

import sys

import zmq.auth

from sbs_common import arm_watchdog, say


def show(path):
    public, secret = zmq.auth.load_certificate(path)
    say("PUBLIC", public.decode())
    say("SECRET", secret.decode() if secret else "None")


def main():
    arm_watchdog()
    command, rest = sys.argv[1], sys.argv[2:]
    if command == "create":
        _public_file, secret_file = zmq.auth.create_certificates(rest[0], rest[1])
        show(secret_file)
    elif command == "load":
        for path in rest:
            show(path)
    elif command == "dir":
        for key in sorted(zmq.auth.load_certificates(rest[0])):
            say("KEY", key.decode())
    else:
        sys.exit(f"unknown command {command}")
    say("DONE")


if __name__ == "__main__":
    main()
