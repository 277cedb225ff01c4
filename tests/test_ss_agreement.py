"""The plugin's host view against real ss snapshots: every snapshot of every
--rig/NAME.ss (ss -tan of the scenario's port in the client or the server
namespace, taken while record-rig.sh recorded NAME; tests/ss_snapshots.py)
is compared with

    tshark -r NAME.POINT.pcap -q -z tcpstate,ss,HOST,at=T,json

HOST the snapshot's host address, T the midpoint of its t0 and t1 (absolute
epoch time), POINT the capture taken at that host: NAME.client.pcap for the
client namespace, NAME.server.pcap for the server. A snapshot agrees when the
sets of (state, local, peer) are equal, a listener compared as (LISTEN, port)
only, addresses whatever their spelling ([v6]:port, IPv4-mapped).

Prints "ss agreement: N/M snapshots"; fails below --min-ss-snapshots (no
floor: every snapshot must agree), and whenever tshark gives no such answer
(fails, or prints no JSON with "sockets").
"""
import concurrent.futures
import json
import os

import pytest

import ss_snapshots
from tshark_env import names


class Result:
    def __init__(self, name, snap):
        self.name, self.snap = name, snap
        self.error = None
        self.missing = self.extra = ()

    @property
    def ok(self):
        return not self.error and not self.missing and not self.extra

    def line(self):
        s = self.snap
        head = "%s #%d %s %s at %d ms" % (self.name, s.number, s.namespace, s.host, s.ms)
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


def plugin_view(out):
    """The JSON object tshark printed (the first line starting with "{" on)."""
    text = out[out.find("{"):] if "{" in out else ""
    if not text:
        raise ValueError("no JSON in the output: %r" % out[:300])
    view, _ = json.JSONDecoder().raw_decode(text)
    if not isinstance(view, dict) or not isinstance(view.get("sockets"), list):
        raise ValueError("no \"sockets\" list in %r" % text[:300])
    return view


def compare(tshark, rig, name, snap, timeout):
    r = Result(name, snap)
    pcap = tshark.readable(os.path.join(rig, "%s.%s.pcap" % (name, snap.namespace)))
    at = ss_snapshots.at_text(ss_snapshots.midpoint(snap))
    rc, out, err = tshark.run(["-r", pcap, "-q", "-z", "tcpstate,ss,%s,at=%s,json" % (snap.host, at)],
                              check=False, timeout=timeout)
    if rc != 0:
        said = (err.strip() or out.strip() or "(nothing)").splitlines()[0]
        r.error = "tshark exit %s: %s" % (rc, said[:300])
        return r
    try:
        view = plugin_view(out)
        got = ss_snapshots.comparable((s["state"], s["local"], s["peer"]) for s in view["sockets"])
    except (ValueError, KeyError, TypeError) as e:
        r.error = str(e)
        return r
    want = ss_snapshots.comparable(snap.sockets)
    r.missing, r.extra = want - got, got - want
    return r


@pytest.fixture(scope="module")
def results(tshark, rig, options):
    jobs = [(n, snap) for n in names(rig, ".ss") for snap in ss_snapshots.read(os.path.join(rig, n + ".ss"))]
    timeout = options.run_timeout or 120
    with concurrent.futures.ThreadPoolExecutor(max(1, options.jobs)) as pool:
        return list(pool.map(lambda j: compare(tshark, rig, j[0], j[1], timeout), jobs))


def test_ss_agreement(results, options):
    """Every snapshot's line, then the summary, are in the output (and in the
    failure message)."""
    ok = sum(r.ok for r in results)
    report = [r.line() for r in results] + ["ss agreement: %d/%d snapshots" % (ok, len(results))]
    print("\n".join(report))
    errors = [r for r in results if r.error]
    floor = len(results) if options.min_ss_snapshots is None else options.min_ss_snapshots
    short = []
    if errors:
        short.append("%d snapshots without an answer from tshark" % len(errors))
    if ok < floor:
        short.append("below the floor: %d snapshots < %d" % (ok, floor))
    assert not short, "\n".join(report + short)
