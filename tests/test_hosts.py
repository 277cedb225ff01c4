"""tshark -z tcpstate,hosts and -z tcpstate,ss on the samples (the host view,
docs/stats.md "Host view").

Where the expected values come from:

* samples/client-close: the kernel record (samples/client-close.kernel): the
  client socket 10.99.0.1:46182 ends in TIME_WAIT (its '-> TCP_CLOSE' is the
  time-wait socket taking over, samples/README.md); the accepted socket on
  10.99.0.2:8001 goes LAST_ACK -> CLOSE; the listener stays. So at the end:
  the client holds one TIME-WAIT, the server only its LISTEN on 8001 (it sent
  the SYN-ACK). ipv6-client-close is the same over IPv6 (fd00:99::1 ->
  [fd00:99::2]:8010).
* samples/syn-flood (samples/syn-flood.scn, read by hand): a real client
  10.99.0.1:40001 completes its handshake at 0-0.08 ms; eight spoofed sources
  198.51.100.1-8 send one SYN each from 10 ms on, each answered by a SYN-ACK;
  198.51.100.3 answers with a RST (its endpoint, and the server's, are
  closed); the server resends its SYN-ACK once, 1 s later, to the seven
  others, and the capture ends right after (1.013 s): too early for the
  requests to expire (the timer after a resend doubles: 2 s). So the server
  holds LISTEN on 80, 7 SYN-RECV and 1 ESTAB, all confirmed (it sent every
  SYN-ACK); the real client 1 ESTAB; each spoofed source sent nothing but its
  SYN: its endpoint is assumed (ESTAB, the SYN-ACK having been sent to it),
  never a confirmed socket.
"""
import json
import os

import pytest


def run(tshark, pcap, z):
    _, out, _ = tshark.run(["-r", pcap, "-q", "-z", z])
    return out


def parse_hosts(out):
    """{host: {state: (confirmed, assumed)}} of -z tcpstate,hosts."""
    hosts, cur = {}, None
    for line in out.splitlines():
        if line and not line.startswith(" ") and " sockets confirmed, " in line:
            cur = hosts.setdefault(line.split(": ", 1)[0], {})
        elif cur is not None and line.startswith("  ") and line.split()[0] != "State":
            st, conf, assumed = line.split()
            cur[st] = (int(conf), int(assumed))
    return hosts


def ss_json(tshark, pcap, host, at=None):
    z = "tcpstate,ss,%s%s,json" % (host, "" if at is None else ",at=%s" % at)
    out = run(tshark, pcap, z)
    view, _ = json.JSONDecoder().raw_decode(out[out.index("{"):])
    return view


def test_hosts_client_close(tshark, sample):
    got = parse_hosts(run(tshark, sample("client-close"), "tcpstate,hosts"))
    assert got == {"10.99.0.1": {"TIME-WAIT": (1, 0)}, "10.99.0.2": {"LISTEN": (1, 0)}}, got


def test_hosts_ipv6(tshark, sample):
    got = parse_hosts(run(tshark, sample("ipv6-client-close"), "tcpstate,hosts"))
    assert got == {"fd00:99::1": {"TIME-WAIT": (1, 0)}, "fd00:99::2": {"LISTEN": (1, 0)}}, got


def test_hosts_syn_flood(tshark, sample):
    got = parse_hosts(run(tshark, sample("syn-flood"), "tcpstate,hosts"))
    assert got["10.99.0.2"] == {"LISTEN": (1, 0), "SYN-RECV": (7, 0), "ESTAB": (1, 0)}, got
    assert got["10.99.0.1"] == {"ESTAB": (1, 0)}, got
    assert got["198.51.100.3"] == {}, got
    for i in (1, 2, 4, 5, 6, 7, 8):
        assert got["198.51.100.%d" % i] == {"ESTAB": (0, 1)}, got
    assert len(got) == 10, got


def test_hosts_filter(tshark, sample):
    """A filter keeps the segments it matches: the real client's connection only."""
    got = parse_hosts(run(tshark, sample("syn-flood"), "tcpstate,hosts,tcp.port==40001"))
    assert got == {"10.99.0.1": {"ESTAB": (1, 0)}, "10.99.0.2": {"LISTEN": (1, 0), "ESTAB": (1, 0)}}, got


def sockets(view):
    return [(s["state"], s["local"], s["peer"]) for s in view["sockets"]]


def test_ss_end(tshark, sample):
    """At the end: ss -tan of the server, rows in lifecycle order, then peer."""
    view = ss_json(tshark, sample("syn-flood"), "10.99.0.2")
    want = [("LISTEN", "10.99.0.2:80", "*:*")]
    want += [("SYN-RECV", "10.99.0.2:80", "198.51.100.%d:%d" % (i, 20000 + 7 * (i - 1)))
             for i in (1, 2, 4, 5, 6, 7, 8)]
    want += [("ESTAB", "10.99.0.2:80", "10.99.0.1:40001")]
    assert sockets(view) == want, view
    assert view["host"] == "10.99.0.2"
    listen = view["sockets"][0]
    assert listen["in_state"] is None
    # the real client's connection: established by the ACK at 0.08 ms; the
    # capture ends at 1.013 s
    assert view["sockets"][-1]["in_state"] == pytest.approx(1.013 - 0.00008, abs=1e-5), view


def test_ss_at(tshark, sample):
    """at= relative (before the flood: 5 ms) and absolute (the same moment)."""
    rel = ss_json(tshark, sample("syn-flood"), "10.99.0.2", at="0.005")
    assert sockets(rel) == [("LISTEN", "10.99.0.2:80", "*:*"), ("ESTAB", "10.99.0.2:80", "10.99.0.1:40001")]
    absolute = ss_json(tshark, sample("syn-flood"), "10.99.0.2", at="%.9f" % rel["at"])
    assert absolute == rel
    # at 0: the real client's SYN (at 0) has come, its SYN-ACK (0.04 ms) not
    # yet: a request; the listener, which answers later, was listening then
    assert sockets(ss_json(tshark, sample("syn-flood"), "10.99.0.2", at="0")) == [
        ("LISTEN", "10.99.0.2:80", "*:*"), ("SYN-RECV", "10.99.0.2:80", "10.99.0.1:40001")]


def test_pair_reused(tshark, rig):
    """samples/rig/tw-reuse: the server closes first and holds TIME_WAIT on
    10.98.2.2:8121 <-> 10.98.1.1:9121; 200 ms later a new connection on the
    same pair meets it. The kernel record (tw-reuse.kernel): the server's
    socket goes LISTEN > SYN_RECV > ESTABLISHED > CLOSE_WAIT > LAST_ACK >
    CLOSE for the second connection, the client's FIN_WAIT2 > CLOSE (its
    time-wait socket). So at the end one TIME-WAIT, the client's; the
    server's first one ended when the new SYN came (one socket per pair).
    The time series counts the same."""
    pcap = os.path.join(rig, "tw-reuse.server.pcap")
    assert sockets(ss_json(tshark, pcap, "10.98.2.2")) == [("LISTEN", "10.98.2.2:8121", "*:*")]
    assert sockets(ss_json(tshark, pcap, "10.98.1.1")) == [("TIME-WAIT", "10.98.1.1:9121", "10.98.2.2:8121")]
    out = run(tshark, pcap, "tcpstate,ts,1,json")
    rows = json.JSONDecoder().raw_decode(out[out.index("{"):])[0]["rows"]
    assert rows[-1]["TIME_WAIT"] == 1, rows


def test_ss_client_close(tshark, sample):
    """The client of ipv6-client-close: TIME-WAIT at the end;
    IPv6 in brackets."""
    view = ss_json(tshark, sample("ipv6-client-close"), "fd00:99::1")
    assert sockets(view) == [("TIME-WAIT", "[fd00:99::1]:33930", "[fd00:99::2]:8010")], view


def test_ss_text(tshark, sample):
    out = run(tshark, sample("client-close"), "tcpstate,ss,10.99.0.1")
    assert "ss -tan of 10.99.0.1 at " in out and "(1 sockets)" in out, out
    rows = [l.split() for l in out.splitlines() if l.startswith("TIME-WAIT")]
    assert [r[:3] for r in rows] == [["TIME-WAIT", "10.99.0.1:46182", "10.99.0.2:8001"]], out


def test_ss_bad_host(tshark, sample):
    rc, _, err = tshark.run(["-r", sample("client-close"), "-q", "-z", "tcpstate,ss,nohost"], check=False)
    assert rc != 0 and "tcpstate,ss" in err, (rc, err)


def test_sum_split(tshark, sample):
    """sum: the same endpoint counts, and the split of each non-zero state
    into confirmed and assumed (syn-flood: of the 9 ESTABLISHED endpoints, the
    seven spoofed sources are assumed; the real client and the server's end
    of its connection are confirmed)."""
    out = run(tshark, sample("syn-flood"), "tcpstate,sum")
    block = out.split("Of these, confirmed", 1)[1].split("\n\n", 1)[0].splitlines()[2:]
    got = {l.split()[0]: (int(l.split()[1]), int(l.split()[2])) for l in block}
    assert got == {"CLOSED": (2, 0), "SYN_RECEIVED": (7, 0), "ESTABLISHED": (2, 7)}, out
