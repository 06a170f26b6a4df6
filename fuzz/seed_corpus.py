#!/usr/bin/env python3
"""Writes the seed corpus under fuzz/corpus/<target>/ from values the tests use.

Run it again after changing an input layout (see each target's module docs); the files are
checked in, so a fuzz run needs no Python. Setter indexes come from the option table in
src/sockopt.rs, read the same way fuzz/build.rs reads it (rows in order, `-` skipped).
"""

import os
import re
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")

# Socket type values (zmq.h).
PAIR, PUB, SUB, REQ, REP, DEALER, ROUTER, PULL, PUSH, XPUB, XSUB, STREAM = range(12)
SERVER, CLIENT, RADIO, DISH = 12, 13, 14, 15


def setters():
    """The setter names of the socket option table, in the order build.rs numbers them."""
    src = open(os.path.join(HERE, "..", "src", "sockopt.rs")).read()
    body = src[src.index("\nsocket_options! {") :]
    body = body[: body.index("\n}\n")]
    names, row = [], ""
    for line in body.splitlines()[1:]:
        line = line.strip()
        if not line or line.startswith("//") or line.startswith("#["):
            continue
        row += line + " "
        if not line.endswith(";"):
            continue
        rest = row.split("=>", 1)[1].strip().rstrip(";")
        row = ""
        plain, _, typed = rest.partition("typed(")
        for part in (plain, typed.rstrip(") ")):
            parts = [p.strip() for p in part.split(",") if p.strip()]
            if len(parts) == 2 and parts[1] != "-":
                names.append(parts[1])
    return names


def chunk(b):
    assert len(b) < 256
    return bytes([len(b)]) + b


def write(target, files):
    d = os.path.join(CORPUS, target)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for i, data in enumerate(files):
        with open(os.path.join(d, "seed-%02d" % i), "wb") as f:
            f.write(data)


# Keys from tests/ (CURVE Z85 text) and their binary form's length.
Z85_KEYS = [
    b"rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7",
    b"D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs",
    b"Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID",
]


def endpoint():
    def ops(a, b, *steps):
        return bytes([a, b]) + b"".join(bytes([op]) + chunk(ep) for op, ep in steps)

    BIND, CONNECT, UNBIND, DISCONNECT, SECOND = 0, 1, 2, 3, 4
    long_ipc = b"ipc://" + b"p" * 200
    return [
        ops(PAIR, PAIR, (BIND, b"inproc://efsm-probe"), (SECOND | CONNECT, b"inproc://efsm-probe"),
            (SECOND | DISCONNECT, b"inproc://efsm-probe"), (UNBIND, b"inproc://efsm-probe")),
        ops(REP, REQ, (BIND, b"tcp://127.0.0.1:*"), (SECOND | CONNECT, b"tcp://127.0.0.1:5555")),
        ops(PUB, SUB, (BIND, b"ipc:///tmp/x"), (SECOND | CONNECT, b"ipc:///tmp/x"),
            (UNBIND, b"ipc:///tmp/x")),
        ops(PUSH, PULL, (CONNECT, b"tcp://no-such-interface-xq:5555"), (BIND, b"tcp://"),
            (BIND, b"tcp://x"), (CONNECT, b"tcp://127.0.0.1:"), (BIND, b"ipc://")),
        ops(ROUTER, DEALER, (BIND, long_ipc), (CONNECT, b"udp://127.0.0.1:5555"),
            (BIND, b"inproc://"), (CONNECT, b"bogus://x"), (BIND, b"no-transport")),
        ops(RADIO, DISH, (BIND, b"udp://127.0.0.1:5555"), (SECOND | CONNECT, b"tcp://127.0.0.1:1"),
            (DISCONNECT, b"tcp://127.0.0.1:1")),
        ops(STREAM, XSUB, (BIND, b"tcp://127.0.0.1:0"), (UNBIND, b"tcp://127.0.0.1:*"),
            (SECOND | BIND, b"tcp://127.0.0.1:5555;127.0.0.1:5556")),
    ]


def sockopt():
    names = setters()

    def op(name, value, none=False):
        i = names.index(name) | (0x8000 if none else 0)
        return struct.pack("<H", i) + chunk(value)

    i32 = lambda v: struct.pack("<i", v)
    dur = lambda ms: struct.pack("<QI", ms // 1000, (ms % 1000) * 1_000_000)
    return [
        bytes([DEALER]) + op("set_identity", b"moo") + op("set_identity", bytes([0, 255, 1]))
        + op("set_identity", b"\x07" * 255) + op("set_routing_id", b""),
        bytes([PAIR]) + op("set_linger", i32(100)) + op("set_linger", i32(-1))
        + op("set_linger_duration", dur(100)) + op("set_linger_duration", b"", none=True),
        bytes([PAIR]) + op("set_rcvhwm", i32(500)) + op("set_sndhwm", i32(-5))
        + op("set_heartbeat_ttl", i32(300)) + op("set_heartbeat_ttl_duration", dur(99)),
        bytes([PAIR]) + op("set_plain_username", b"user") + op("set_plain_password", b"pass")
        + op("set_plain_server", b"\x01") + op("set_plain_username", b"", none=True)
        + op("set_zap_domain", b"test_domain"),
        bytes([PAIR]) + op("set_curve_server", b"\x01") + op("set_curve_secretkey", Z85_KEYS[0])
        + op("set_curve_publickey", Z85_KEYS[1]) + op("set_curve_serverkey", bytes(range(32)))
        + op("set_curve_serverkey", b"short"),
        bytes([SUB]) + op("set_subscribe", b"topic") + op("set_subscribe", b"")
        + op("set_unsubscribe", b"topic") + op("set_unsubscribe", b"never"),
        bytes([XPUB]) + op("set_xpub_welcome_msg", b"welcome") + op("set_xpub_welcome_msg", b"", none=True)
        + op("set_socks_proxy", b"127.0.0.1:1080") + op("set_bindtodevice", b"lo\x00x"),
        bytes([ROUTER]) + op("set_connect_routing_id", b"peer") + op("set_maxmsgsize", struct.pack("<q", -1))
        + op("set_affinity", struct.pack("<Q", 3)) + op("set_rcvtimeo_duration", b"\xff" * 12),
    ]


def z85():
    return [
        b"",
        b"Hello",
        b"HelloWorld",
        b"Hell~",
        b"Hell",
        b"%nSc0",  # the largest group, 2^32 - 1
        b"%nSc1",  # one above
        b"\x86\x4f\xd2\x6f",
        bytes(range(32)),
        b"abc",
    ] + Z85_KEYS


def monitor_event():
    def frames(*fs):
        return bytes([len(fs)]) + b"".join(chunk(f) for f in fs)

    ev = lambda e, v: struct.pack("<HI", e, v)  # native order on the machines we fuzz on
    return [
        frames(ev(0x0001, 7), b"tcp://127.0.0.1:5555"),  # CONNECTED, fd 7
        frames(ev(0x0008, 9), b"ipc:///tmp/x"),  # LISTENING
        frames(ev(0x0004, 100), b"tcp://127.0.0.1:1"),  # CONNECT_RETRIED, 100 ms
        frames(ev(0x0010, 98), b"tcp://127.0.0.1:5555"),  # BIND_FAILED, EADDRINUSE
        frames(ev(0x2000, 0x10000001), b"tcp://127.0.0.1:5555"),  # HANDSHAKE_FAILED_PROTOCOL
        frames(ev(0x4000, 400), b"inproc://bad-input-mon"),  # HANDSHAKE_FAILED_AUTH
        frames(ev(0x8000, 0), b"\xff\xfe"),  # an event newer than the crate, not UTF-8
        frames(ev(0x0001, 7)[:5], b"short"),
        frames(ev(0x0001, 7)),
        frames(ev(0x0001, 7), b"a", b"extra"),
    ]


def message():
    def msg(mode, frames, name):
        return bytes([mode, len(frames)]) + b"".join(chunk(f) for f in frames) + name

    return [
        msg(0x00, [b"hello"], b"Socket-Type"),
        msg(0x41, [b"a", b"", b"x" * 40], b"Peer-Address"),
        msg(0x82, [b"y" * 100, b"z" * 33, b"w" * 34], b"User-Id"),
        msg(0xC3, [b"multi", b"part", b"frames"], b"X-\x00bad"),
        msg(0x05, [], b""),
        msg(0x46, [b"\x00\xff" * 50], b"Routing-Id"),
    ]


def certificate():
    client_public, client_secret = Z85_KEYS[2], Z85_KEYS[1]
    return [
        b"#   ZeroMQ CURVE Public Certificate\n\nmetadata\n    name = \"client\"\n"
        b"curve\n    public-key = \"" + client_public + b"\"\n",
        b"metadata\n    email = 'a\"b@example.com'\n    empty =\ncurve\n"
        b"    public-key = \"" + client_public + b"\"\n    secret-key = \"" + client_secret + b"\"\n",
        b"curve\n    public-key = \"short\"\n",
        b"curve\n    public-key = \"" + client_public + b"\"\n    public-key = \"" + client_public + b"\"\n",
        b"curve\n    public-key = \"" + Z85_KEYS[0] + b"\"\n    secret-key = \"" + client_secret + b"\"\n",
        b"context\n    nested\n        deeper = 1\ncurve\n    public-key = " + client_public + b"\n",
        b"curve\n\tpublic-key = \"" + client_public + b"\"\n",
    ]


def zap_request():
    def frames(*fs):
        return bytes([len(fs)]) + b"".join(chunk(f) for f in fs)

    head = [b"1.0", b"1", b"global", b"127.0.0.1", b""]
    return [
        frames(*head, b"NULL"),
        frames(*head, b"PLAIN", b"admin", b"secret"),
        frames(b"1.0", b"7", b"", b"10.0.0.0/8", b"id", b"CURVE", bytes(range(32))),
        frames(b"1.0", b"2", b"d", b"::1", b"", b"GSSAPI", b"principal"),
        frames(b"1.0", b"3", b"d", b"fe80::/10", b"", b"X-OTHER", b"a", b"b"),
        frames(b"1.0", b"1", b"200", b"OK", b"admin", b"\x05Hello\x00\x00\x00\x05World"),
        frames(b"1.0", b"1", b"400", b"No access", b""),
        frames(b"1.0", b"1", b"500", b"", b"", b"\x00"),
        frames(b"2.0", b"1", b"300", b"try later", b""),
        frames(*head),
    ]


write("endpoint", endpoint())
write("sockopt", sockopt())
write("z85", z85())
write("monitor_event", monitor_event())
write("message", message())
write("certificate", certificate())
write("zap_request", zap_request())
