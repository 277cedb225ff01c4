"""The plugin's host view against real ss snapshots: every snapshot of every
--rig/NAME.ss (ss -tan of the scenario's port in the client or the server
namespace, taken while record-rig.sh recorded NAME; tests/ss_snapshots.py)
is compared with

    tshark -r NAME.POINT.pcap -q -z tcpstate,ss,HOST,at=T,json

HOST the snapshot's host address, T the midpoint of its t0 and t1 (absolute
epoch time), POINT each of the three capture points. The host's own capture
(NAME.client.pcap for the client namespace, NAME.server.pcap for the server)
is the score "ss agreement"; the router's and the other host's captures,
which see the host's segments from a distance (before the path lost or
delayed them, or after), are scored apart as "ss agreement from the other
capture points", each where it holds a segment the host sent. A snapshot
agrees when the sets of (state, local, peer) are equal, a listener compared
as (LISTEN, port) only, addresses whatever their spelling ([v6]:port,
IPv4-mapped).

Prints "ss agreement: N/M snapshots" and "ss agreement from the other
capture points: N/M"; fails below --min-ss-snapshots or --min-ss-remote
(no floor: every one must agree), and whenever tshark gives no such answer
(fails, or prints no JSON with "sockets").
"""
import concurrent.futures
import json
import os

import pytest

import ss_snapshots
from tshark_env import names


POINTS = ("client", "router", "server")


class Result:
    def __init__(self, name, snap, point):
        self.name, self.snap, self.point = name, snap, point
        self.error = None
        self.missing = self.extra = ()

    @property
    def own(self):
        """Read from the host's own capture point."""
        return self.point == self.snap.namespace

    @property
    def ok(self):
        return not self.error and not self.missing and not self.extra

    def line(self):
        s = self.snap
        head = "%s #%d %s %s at %d ms, from %s" % (self.name, s.number, s.namespace, s.host, s.ms,
                                                   "its own capture" if self.own else "the " + self.point)
        if self.error:
            return "ERROR %s: %s" % (head, self.error)
        if self.ok:
            return "ok    %s: %d sockets" % (head, len(s.sockets))
        out = ["MISS  %s: %d in ss, %d missing, %d extra" % (head, len(s.sockets), len(self.missing),
                                                             len(self.extra))]
        for what, keys in (("missing (ss only)", self.missing), ("extra (plugin only)", self.extra)):
            for k in sorted(keys)[:10]:
                out.append("        %s: %s" % (what, ss_snapshots.key_text(k)))
            if len(keys) > 10:
                out.append("        %s: ... %d more" % (what, len(keys) - 10))
        return "\n".join(out)


def plugin_views(out):
    """The JSON objects tshark printed, one per -z (from the first "{" on)."""
    views, pos, dec = [], out.find("{"), json.JSONDecoder()
    while pos >= 0:
        view, end = dec.raw_decode(out, pos)
        if not isinstance(view, dict) or not isinstance(view.get("sockets"), list):
            raise ValueError("no \"sockets\" list in %r" % out[pos:pos + 300])
        views.append(view)
        pos = out.find("{", end)
    return views


def compare(tshark, rig, name, point, host, snaps, timeout):
    """One tshark run for the snapshots of one host read from one capture
    point: a -z tcpstate,ss,...,json per snapshot, matched by its "at"."""
    results = [Result(name, snap, point) for snap in snaps]
    pcap = tshark.readable(os.path.join(rig, "%s.%s.pcap" % (name, point)))
    args = ["-r", pcap, "-q"]
    for snap in snaps:
        args += ["-z", "tcpstate,ss,%s,at=%s,json" % (host, ss_snapshots.at_text(ss_snapshots.midpoint(snap)))]
    rc, out, err = tshark.run(args, check=False, timeout=timeout)
    if rc != 0:
        said = (err.strip() or out.strip() or "(nothing)").splitlines()[0]
        for r in results:
            r.error = "tshark exit %s: %s" % (rc, said[:300])
        return results
    try:
        views = plugin_views(out)
    except ValueError as e:
        for r in results:
            r.error = str(e)
        return results
    for r in results:
        mid = ss_snapshots.midpoint(r.snap)
        view = [v for v in views if isinstance(v.get("at"), (int, float)) and abs(v["at"] - float(mid)) < 1e-6]
        if len(view) != 1:
            r.error = "%d views at %s in tshark's output" % (len(view), ss_snapshots.at_text(mid))
            continue
        try:
            got = ss_snapshots.comparable((s["state"], s["local"], s["peer"]) for s in view[0]["sockets"])
        except (ValueError, KeyError, TypeError) as e:
            r.error = str(e)
            continue
        want = ss_snapshots.comparable(r.snap.sockets)
        r.missing, r.extra = want - got, got - want
    return results


def senders(tshark, pcap, timeout):
    """The source addresses of the capture's segments, as ss_snapshots spells
    an address."""
    _, out, _ = tshark.run(["-r", tshark.readable(pcap), "-T", "fields", "-e", "ip.src", "-e", "ipv6.src"],
                              timeout=timeout)
    return {ss_snapshots.address(a) for line in out.splitlines() for a in line.split("\t") if a}


@pytest.fixture(scope="module")
def results(tshark, rig, options):
    timeout = options.run_timeout or 120
    jobs = []
    for n in names(rig, ".ss"):
        sent = {p: senders(tshark, os.path.join(rig, "%s.%s.pcap" % (n, p)), timeout) for p in POINTS}
        snaps = ss_snapshots.read(os.path.join(rig, n + ".ss"))
        for ns in ("client", "server"):
            mine = [s for s in snaps if s.namespace == ns]
            if not mine:
                continue
            host = mine[0].host
            # a capture without a segment of the host's says nothing of it
            jobs += [(n, p, host, mine) for p in POINTS if p == ns or ss_snapshots.address(host) in sent[p]]
    with concurrent.futures.ThreadPoolExecutor(max(1, options.jobs)) as pool:
        groups = list(pool.map(lambda j: compare(tshark, rig, *j, timeout), jobs))
    return [r for g in groups for r in g]


def test_ss_agreement(results, options):
    """Every snapshot's line, then the summaries, are in the output (and in
    the failure message)."""
    own = [r for r in results if r.own]
    remote = [r for r in results if not r.own]
    ok, ok_remote = sum(r.ok for r in own), sum(r.ok for r in remote)
    report = [r.line() for r in own] + [r.line() for r in remote]
    report += ["ss agreement: %d/%d snapshots" % (ok, len(own)),
               "ss agreement from the other capture points: %d/%d" % (ok_remote, len(remote))]
    print("\n".join(report))
    errors = [r for r in results if r.error]
    short = []
    if errors:
        short.append("%d snapshots without an answer from tshark" % len(errors))
    for what, got, floor in (("snapshots", ok, len(own) if options.min_ss_snapshots is None
                              else options.min_ss_snapshots),
                             ("from the other capture points", ok_remote, len(remote)
                              if options.min_ss_remote is None else options.min_ss_remote)):
        if got < floor:
            short.append("below the floor: %s %d < %d" % (what, got, floor))
    assert not short, "\n".join(report + short)
