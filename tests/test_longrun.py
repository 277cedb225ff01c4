"""tshark -M (session auto reset) on a long capture: after every reset the
plugin starts again from nothing, and a connection that spans a reset goes
on as a mid-stream connection (docs/semantics.md, Roles), not as garbage.

The capture is `gencap longrun 200000` (bench/gencap.c): 199,769 packets, the
mix of short connections, and 8 connections (10.200.0.1-8, ports 40001-40008,
to 10.201.0.1:8002) open from the first packets to the last: a handshake,
then data from the client and the server's ACKs, and at the very end a
four-way close, client first. With -M 20000 tshark resets after every 20,000
packets: 9 resets, 10 sessions of 20,000 packets (the last 19,769), frame
numbers from 1 in each. The expectations below come from the rules of
docs/semantics.md, not from the plugin's output.
"""
import os
import subprocess

import pytest

from tshark_env import bool_digits, problems

PACKETS = 199769
RESET = 20000
SESSIONS = [RESET] * 9 + [PACKETS - 9 * RESET]
LONG_PORTS = set(range(40001, 40009))
STATES = {"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2",
          "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT"}
FIELDS = ["frame.number", "tcp.srcport", "tcp.dstport", "tcp.flags.str", "tcpstate.phase",
          "tcpstate.sender", "tcpstate.client.state", "tcpstate.server.state", "tcpstate.step",
          "tcpstate.inferred"]


@pytest.fixture(scope="module")
def capture(options, tshark, tmp_dir):
    path = os.path.join(tmp_dir, "longrun.pcap")
    subprocess.run([options.gencap, "longrun", "200000", path], check=True, stderr=subprocess.DEVNULL)
    return tshark.readable(path)


@pytest.fixture(scope="module")
def sessions(tshark, capture):
    """The rows of each session (dicts by field), and tshark's standard error."""
    args = ["-r", capture, "-M", str(RESET), "-T", "fields", "-E", "occurrence=f"]
    for f in FIELDS:
        args += ["-e", f]
    rc, out, err = tshark.run(args, check=False, timeout=300)
    assert not problems(rc, out, err), problems(rc, out, err)
    assert rc == 0, err
    found, prev = [], None
    bools = tshark.boolean_fields()
    for line in out.splitlines():
        row = dict(zip(FIELDS, line.split("\t")))
        for f in bools & row.keys():
            row[f] = bool_digits(row[f])
        num = int(row["frame.number"])
        if prev is None or num < prev:
            found.append([])
        found[-1].append(row)
        prev = num
    return found, err


def flags(row):
    return set(row["tcp.flags.str"].replace("\u00b7", ""))


def pair(row):
    return frozenset((row["tcp.srcport"], row["tcp.dstport"]))


def is_long(row):
    return int(row["tcp.srcport"]) in LONG_PORTS or int(row["tcp.dstport"]) in LONG_PORTS


def test_resets_and_sessions(sessions):
    found, err = sessions
    assert err.count("resetting session.") == 9
    assert [len(s) for s in found] == SESSIONS
    for s in found:
        assert [int(r["frame.number"]) for r in s] == list(range(1, len(s) + 1))


def test_every_segment_analysed(sessions):
    """No segment of these well-formed connections is unknown, in any session."""
    for s in sessions[0]:
        for r in s:
            assert r["tcpstate.phase"] in ("handshake", "data", "teardown", "closed", "reset"), r
            assert r["tcpstate.client.state"] in STATES and r["tcpstate.server.state"] in STATES, r
            assert r["tcpstate.sender"] in ("client", "server"), r


def test_long_connections_first_session(sessions):
    """Seen from their SYN: handshake, then data, nothing inferred."""
    s = sessions[0][0]
    for port in map(str, LONG_PORTS):
        rows = [r for r in s if port in (r["tcp.srcport"], r["tcp.dstport"])]
        got = [(r["tcpstate.phase"], r["tcpstate.sender"], r["tcpstate.client.state"],
                r["tcpstate.server.state"], r["tcpstate.step"]) for r in rows[:3]]
        assert got == [("handshake", "client", "SYN_SENT", "SYN_RECEIVED", "1"),
                       ("handshake", "server", "ESTABLISHED", "SYN_RECEIVED", "2"),
                       ("handshake", "client", "ESTABLISHED", "ESTABLISHED", "3")], port
        for r in rows[3:]:
            assert (r["tcpstate.phase"], r["tcpstate.client.state"], r["tcpstate.server.state"],
                    r["tcpstate.inferred"]) == ("data", "ESTABLISHED", "ESTABLISHED", ""), r


def test_long_connections_after_resets(sessions):
    """After a reset, mid-stream: the lower port (8002) is the server, both
    ESTABLISHED, every segment inferred; in the last session the four-way
    close, client first, on top of that."""
    found = sessions[0]
    close = [("teardown", "client", "FIN_WAIT_1", "CLOSE_WAIT", "1"),
             ("teardown", "server", "FIN_WAIT_2", "CLOSE_WAIT", "2"),
             ("teardown", "server", "TIME_WAIT", "LAST_ACK", "3"),
             ("teardown", "client", "TIME_WAIT", "CLOSED", "4")]
    for k, s in enumerate(found[1:], 1):
        for port in map(str, LONG_PORTS):
            rows = [r for r in s if port in (r["tcp.srcport"], r["tcp.dstport"])]
            assert rows, (k, port)
            data = rows[:-4] if k == len(found) - 1 else rows
            for r in data:
                sender = "client" if r["tcp.srcport"] == port else "server"
                assert (r["tcpstate.phase"], r["tcpstate.sender"], r["tcpstate.client.state"],
                        r["tcpstate.server.state"], r["tcpstate.inferred"]) == \
                    ("data", sender, "ESTABLISHED", "ESTABLISHED", "1"), (k, r)
            if k == len(found) - 1:
                got = [(r["tcpstate.phase"], r["tcpstate.sender"], r["tcpstate.client.state"],
                        r["tcpstate.server.state"], r["tcpstate.step"]) for r in rows[-4:]]
                assert got == close, port
                assert all(r["tcpstate.inferred"] == "1" for r in rows[-4:])


def test_short_connections_spanning_a_reset(sessions):
    """A connection of the mix first seen in a session on a plain data or ACK
    segment: mid-stream, both ESTABLISHED, the lower port the server
    (8001, below every client port of the mix but 1024-8000); first seen on
    its SYN-ACK: the SYN-ACK's sender is the server, the client was in
    SYN_SENT, so after it the client is ESTABLISHED and the server
    SYN_RECEIVED."""
    mid = synack = 0
    for s in sessions[0][1:]:
        seen = set()
        for r in s:
            p = pair(r)
            if p in seen or is_long(r):
                continue
            seen.add(p)
            f = flags(r)
            state = (r["tcpstate.client.state"], r["tcpstate.server.state"])
            if f <= {"A", "P"}:
                lower_sends = int(r["tcp.srcport"]) < int(r["tcp.dstport"])
                assert (r["tcpstate.phase"], r["tcpstate.sender"], state, r["tcpstate.inferred"]) == \
                    ("data", "server" if lower_sends else "client", ("ESTABLISHED", "ESTABLISHED"), "1"), r
                mid += 1
            elif f == {"A", "S"}:
                assert (r["tcpstate.phase"], r["tcpstate.sender"], state) == \
                    ("handshake", "server", ("ESTABLISHED", "SYN_RECEIVED")), r
                synack += 1
    assert mid >= 9 and synack >= 1  # each reset cuts through some of the 64 open connections


def test_statistics_of_the_last_session(tshark, capture):
    """-z tcpstate,sum with -M: the statistics start again with every
    session, so they count the last one's 19,769 segments; -z tcpstate,conv
    shows the long connections as the last session saw them: mid-stream,
    closed by the client (TIME_WAIT, CLOSED)."""
    rc, out, err = tshark.run(["-r", capture, "-M", str(RESET), "-q", "-z", "tcpstate,sum"],
                              check=False, timeout=300)
    assert rc == 0 and not problems(rc, out, err), err
    assert err.count("resetting session.") == 9
    assert "Segments: %d\n" % SESSIONS[-1] in out
    rc, out, err = tshark.run(["-r", capture, "-M", str(RESET), "-q", "-z", "tcpstate,conv"],
                              check=False, timeout=300)
    assert rc == 0 and not problems(rc, out, err), err
    rows = [l.split() for l in out.splitlines() if " 10.201.0.1:8002 " in l]
    assert sorted(r[1] for r in rows) == ["10.200.0.%d:%d" % (i, 40000 + i) for i in range(1, 9)]
    for r in rows:
        assert r[3:5] == ["TIME_WAIT", "CLOSED"] and "client" in r and r[-1] == "midstream", r


def test_statistics_of_one_long_connection(options, tshark, tmp_dir):
    """`gencap long 40000`: a handshake (3 segments), a request and its
    answer (3), 40,000 segments of data and ACKs, a four-way close client
    first (4): 40,010 segments of one connection, which ends with the client
    in TIME_WAIT and the server CLOSED. One pass of -z tcpstate,sum takes no
    view with hindsight per segment: each would replay the connection again
    (about 110 s in all, against under a second)."""
    path = os.path.join(tmp_dir, "long40000.pcap")
    subprocess.run([options.gencap, "long", "40000", path], check=True, stderr=subprocess.DEVNULL)
    rc, out, err = tshark.run(["-r", tshark.readable(path), "-q", "-z", "tcpstate,sum"], check=False, timeout=30)
    assert rc == 0 and not problems(rc, out, err), err
    assert "Connections: 1  Endpoints: 2  Segments: 40010\n" in out
    ends = dict(l.split() for l in out.split("Endpoint states at the end")[1].split("\n\n")[0].splitlines()[1:])
    assert ends["TIME_WAIT"] == "1" and ends["CLOSED"] == "1" and ends["ESTABLISHED"] == "0", ends
