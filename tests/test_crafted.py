"""Crafted edge cases: every tests/crafted/*.scn is turned into a capture by
tools/craft and read by tshark with the plugin (two passes); the values of
each frame are compared with the scenario's 'expect' lines.

An expect line follows the segment it describes and holds KEY=VALUE words:

  client=STATE server=STATE   tcpstate.client.state / tcpstate.server.state
  phase=PHASE step=N|-        tcpstate.phase / tcpstate.step ('-': no value)
  conn_state=X history=X      tcpstate.conn_state / tcpstate.history
  final_conn_state=X final_history=X
                              tcpstate.final.conn_state / .final.history (the
                              segment's Zeek connection at its end)
  experts=A,B|-               exactly these of the checked expert infos (below)
  allow=A,B                   these may appear too, or not

Expert names are written without the 'tcpstate.' prefix. A field or expert
info that this build of the plugin does not register (tshark -G fields) is
skipped with a message, not failed.

Whatever the expectations say, every capture must go through tshark (one
pass and two passes) without a crash or a "Dissector bug": test_robustness,
which is all --robustness-only runs.

One test case per scenario for each. --copy-to DIR also copies every capture
there: `pytest-3 tests/test_crafted.py --robustness-only --copy-to
samples/crafted` after scripts/build.sh regenerates samples/crafted.
"""
import functools
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from tshark_env import expert_names, names as files, problems

FIELDS = {
    "client": "tcpstate.client.state",
    "server": "tcpstate.server.state",
    "phase": "tcpstate.phase",
    "step": "tcpstate.step",
    "conn_state": "tcpstate.conn_state",
    "history": "tcpstate.history",
    "final_conn_state": "tcpstate.final.conn_state",
    "final_history": "tcpstate.final.history",
}
# The expert infos an 'experts=' list is compared against: all of tcpstate's
# (plugin/tcpstate_events.h) but the marks of hindsight, which tcpstate.revised
# tells, and of its absence (provisional, tests/test_golden.py).
EXPERTS = [e for e in expert_names() if e not in ("revised.expert", "provisional")]


def parse_expect(path):
    """{frame: [(source line, {key: value})]} from craft's EXPECT.tsv."""
    out = {}
    with open(path) as f:
        for raw in f:
            frame, line, text = raw.rstrip("\n").split("\t", 2)
            kv = {}
            for word in text.split():
                if "=" not in word:
                    raise ValueError("line %s: '%s' is not KEY=VALUE" % (line, word))
                k, v = word.split("=", 1)
                if k not in FIELDS and k not in ("experts", "allow"):
                    raise ValueError("line %s: unknown key '%s'" % (line, k))
                kv[k] = v
            out.setdefault(int(frame), []).append((int(line), kv))
    return out


def names(v):
    return set() if v in ("-", "") else {"tcpstate." + n for n in v.split(",")}


def pdml_frames(text):
    """{frame number: ({field: first value}, {expert names})} from tshark -T pdml."""
    wanted = set(FIELDS.values())
    universe = {"tcpstate." + e for e in EXPERTS}
    frames = {}
    root = ET.fromstring(text)
    for pkt in root.iter("packet"):
        num, vals, experts = None, {}, set()
        for f in pkt.iter("field"):
            n = f.get("name")
            if n == "num" and num is None:
                num = int(f.get("show"))
            elif n in wanted and n not in vals:
                vals[n] = f.get("show")
            elif n in universe:
                experts.add(n)
        frames[num] = (vals, experts)
    return frames


def pytest_generate_tests(metafunc):
    if "scenario" in metafunc.fixturenames:
        metafunc.parametrize("scenario", files(metafunc.config.getoption("scenarios"), ".scn"))


@pytest.fixture(scope="module")
def craft(tshark, options):
    """craft(NAME): (capture the tshark fixture can read, its EXPECT.tsv) of
    scenarios/NAME.scn, written by tools/craft into --out, once."""
    os.makedirs(options.out, exist_ok=True)

    @functools.lru_cache(maxsize=None)
    def make(name):
        pcap = os.path.join(options.out, name + ".pcap")
        exp = os.path.join(options.out, name + ".expect.tsv")
        r = subprocess.run([options.craft, os.path.join(options.scenarios, name + ".scn"), pcap, exp],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert r.returncode == 0, "craft: %s" % r.stderr.strip()
        if options.copy_to:
            os.makedirs(options.copy_to, exist_ok=True)
            shutil.copy(pcap, options.copy_to)
        return tshark.readable(pcap), exp
    return make


def run_timeout(options):
    return options.run_timeout or 300


@pytest.mark.robustness
def test_robustness(tshark, craft, options, scenario):
    pcap, _ = craft(scenario)
    bad = []
    for label, extra in (("one pass", []), ("two passes", ["-2"]),
                         ("two passes, every field explained", ["-2", "-o", "tcpstate.detail:TRUE"])):
        rc, out, err = tshark.run(["-r", pcap] + extra + ["-V"], check=False, timeout=run_timeout(options))
        found = problems(rc, out, err)
        if found:
            bad.append("tshark -V (%s): %s" % (label, ", ".join(found)))
    assert not bad, "\n".join(bad)


def test_expectations(tshark, craft, options, scenario):
    """The values of every frame against the scenario's expect lines, on a second pass."""
    pcap, exp = craft(scenario)
    expect = parse_expect(exp)
    registered = tshark.field_names()
    rc, out, err = tshark.run(["-r", pcap, "-2", "-T", "pdml"], check=False, timeout=run_timeout(options))
    assert rc == 0, "tshark -T pdml failed (%s): %s" % (rc, err.strip()[:300])
    got = pdml_frames(out)
    passed = 0
    msgs, skipped = [], set()
    for frame in sorted(expect):
        vals, experts = got.get(frame, ({}, set()))
        if frame not in got:
            msgs.append("frame %d: not in the capture" % frame)
            continue
        for line, kv in expect[frame]:
            for key, want in kv.items():
                if key in FIELDS:
                    field = FIELDS[key]
                    if field not in registered:
                        skipped.add(field)
                        continue
                    have = vals.get(field, "-")
                    if have == want:
                        passed += 1
                    else:
                        msgs.append("frame %d %s: want %s, got %s   (line %d)" % (frame, key, want, have, line))
            if "experts" in kv:
                want_set = names(kv["experts"])
                allow = names(kv.get("allow", "-"))
                for e in sorted({"tcpstate." + x for x in EXPERTS}):
                    if e not in registered:
                        if e in want_set:
                            skipped.add(e)
                        continue
                    if e in want_set:
                        ok = e in experts
                        what = "missing"
                    elif e in allow:
                        continue
                    else:
                        ok = e not in experts
                        what = "unexpected"
                    if ok:
                        passed += 1
                    else:
                        msgs.append("frame %d expert %s: %s   (line %d)" % (frame, e, what, line))
    for s in sorted(skipped):
        print("skipped: %s is not registered by this plugin" % s)
    assert not msgs, "%s: %d checks passed, %d failed\n%s" % (scenario, passed, len(msgs), "\n".join(msgs))
