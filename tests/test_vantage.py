"""The plugin's guess of the capture point (tcpstate.vantage) on the truth-rig
samples, against where each capture was really taken.

Truth: NAME.client.pcap was captured on the client host (10.98.1.1 /
fd00:98:1::1), NAME.server.pcap on the server host (10.98.2.2 / fd00:98:2::2),
NAME.router.pcap in the middle. The plugin names the ends by role: "client"
means near the endpoint it calls the client (the one whose SYN it saw first).
So the expected value is "client" when the capture host is the plugin's
client, "server" when it is the plugin's server, "middle" at the router.

"unknown" is right only where no round trip each way can be measured: no
segment from one side was ever acknowledged by the other (refused, unanswered
SYN, a SYN dropped by a full backlog). Anything else is a wrong guess.

Checked on each connection's last segment (the value is as of that segment).
"""
import functools
import os

import pytest

from tshark_env import names

HOSTS = {"client": {"10.98.1.1", "fd00:98:1::1"}, "server": {"10.98.2.2", "fd00:98:2::2"}}


def pytest_generate_tests(metafunc):
    if "capture" in metafunc.fixturenames:
        metafunc.parametrize("capture", names(metafunc.config.getoption("rig"), ".pcap"))


@pytest.fixture(scope="module")
def guesses(tshark, rig):
    """guesses(capture): (right, [wrong guesses]) of one capture, computed once."""
    return functools.lru_cache(maxsize=None)(
        lambda capture: judge(tshark, tshark.readable(os.path.join(rig, capture + ".pcap")), capture))


def judge(tshark, pcap, capture):
    point = capture.rsplit(".", 1)[1]
    _, out, _ = tshark.run(["-r", pcap, "-T", "fields", "-E", "occurrence=f",
                            "-e", "tcp.stream", "-e", "tcpstate.sender", "-e", "ip.src",
                            "-e", "ipv6.src", "-e", "tcpstate.vantage", "-e", "tcp.ack",
                            "-e", "tcp.flags.ack"])
    conns = {}
    for line in out.splitlines():
        f = line.split("\t")
        if len(f) < 7 or not f[0]:
            continue
        c = conns.setdefault(f[0], {"client": None, "acked": set(), "last": None})
        src = f[2] or f[3]
        if f[1] == "client" and c["client"] is None:
            c["client"] = src
        if f[1] in ("client", "server") and f[6] in ("1", "True") and int(f[5] or 0) > 1:
            c["acked"].add(f[1])
        c["last"] = f[4]
    right, wrong = 0, []
    for stream, c in sorted(conns.items()):
        if point == "router":
            want = "middle"
        else:
            want = "client" if c["client"] in HOSTS[point] else "server"
        got = c["last"]
        if got == want:
            right += 1
        elif not (got == "unknown" and len(c["acked"]) < 2):
            wrong.append("stream %s: got %s, want %s" % (stream, got, want))
    return right, wrong


def test_vantage(guesses, capture):
    right, wrong = guesses(capture)
    assert not wrong, "%s: %d wrong guesses\n%s" % (capture, len(wrong), "\n".join(wrong))


def test_some_right(guesses, rig):
    """Not every guess may be "unknown"."""
    assert sum(guesses(c)[0] for c in names(rig, ".pcap")) > 0
