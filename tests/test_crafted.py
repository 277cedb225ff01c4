#!/usr/bin/env python3
"""Crafted edge cases: every tests/crafted/*.scn is turned into a capture by
tools/craft and read by tshark with the plugin (two passes); the values of
each frame are compared with the scenario's 'expect' lines.

An expect line follows the segment it describes and holds KEY=VALUE words:

  client=STATE server=STATE   tcpstate.client.state / tcpstate.server.state
  phase=PHASE step=N|-        tcpstate.phase / tcpstate.step ('-': no value)
  conn_state=X history=X      tcpstate.conn_state / tcpstate.history
  experts=A,B|-               exactly these of the checked expert infos (below)
  allow=A,B                   these may appear too, or not

Expert names are written without the 'tcpstate.' prefix. A field or expert
info that this build of the plugin does not register (tshark -G fields) is
skipped with a message, not failed.

Whatever the expectations say, every capture must go through tshark (one
pass and two passes) without a crash or a "Dissector bug": --robustness-only
checks just that.
"""
import argparse
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_env import Tshark, problems  # noqa: E402

FIELDS = {
    "client": "tcpstate.client.state",
    "server": "tcpstate.server.state",
    "phase": "tcpstate.phase",
    "step": "tcpstate.step",
    "conn_state": "tcpstate.conn_state",
    "history": "tcpstate.history",
}
# The expert infos an 'experts=' list is compared against.
EXPERTS = [
    "syn_retransmitted", "syn_unanswered", "refused", "reset", "syn_flood",
    "simultaneous_open", "simultaneous_close", "merged_finack", "out_of_order_teardown",
    "data_after_fin", "time_wait_segment", "time_wait_reuse", "close_wait_long",
    "fin_retransmitted", "keepalive", "midstream", "fast_open", "blind_reset",
    "invalid_flags", "unknown",
]


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


def check_scenario(ts, name, pcap, expect, registered, robustness_only):
    """Returns (passed, failed, skipped, messages, robust_ok)."""
    msgs, robust_ok = [], True
    for label, extra in (("one pass", []), ("two passes", ["-2"]),
                         ("two passes, every field explained", ["-2", "-o", "tcpstate.detail:TRUE"])):
        rc, out, err = ts.run(["-r", pcap] + extra + ["-V"], check=False, timeout=300)
        bad = problems(rc, out, err)
        if bad:
            robust_ok = False
            msgs.append("  tshark (%s): %s" % (label, ", ".join(bad)))
    if robustness_only:
        return 0, 0, 0, msgs, robust_ok
    rc, out, err = ts.run(["-r", pcap, "-2", "-T", "pdml"], check=False, timeout=300)
    if rc != 0:
        msgs.append("  tshark -T pdml failed (%s): %s" % (rc, err.strip()[:300]))
        return 0, 1, 0, msgs, robust_ok
    got = pdml_frames(out)
    passed = failed = 0
    skipped = set()
    for frame in sorted(expect):
        vals, experts = got.get(frame, ({}, set()))
        if frame not in got:
            failed += 1
            msgs.append("  frame %d: not in the capture" % frame)
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
                        failed += 1
                        msgs.append("  frame %d %s: want %s, got %s   (line %d)" % (frame, key, want, have, line))
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
                        failed += 1
                        msgs.append("  frame %d expert %s: %s   (line %d)" % (frame, e, what, line))
    for s in sorted(skipped):
        msgs.append("  skipped: %s is not registered by this plugin" % s)
    return passed, failed, len(skipped), msgs, robust_ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugin", required=True)
    ap.add_argument("--ws-version", required=True)
    ap.add_argument("--craft", required=True, help="the craft tool")
    ap.add_argument("--scenarios", required=True, help="folder of *.scn")
    ap.add_argument("--out", required=True, help="folder for the captures")
    ap.add_argument("--robustness-only", action="store_true",
                    help="only check that tshark neither crashes nor reports a dissector bug")
    ap.add_argument("--samples", help="also copy each capture here (samples/crafted)")
    ap.add_argument("names", nargs="*", help="scenario names (default: all)")
    a = ap.parse_args()

    os.makedirs(a.out, exist_ok=True)
    ts = Tshark(a.plugin, a.ws_version)
    try:
        _, out, _ = ts.run(["-G", "fields"])
        registered = {c[2] for c in (l.split("\t") for l in out.splitlines()) if len(c) > 2}
        missing = sorted([f for f in FIELDS.values() if f not in registered] +
                         ["tcpstate." + e for e in EXPERTS if "tcpstate." + e not in registered])
        if missing and not a.robustness_only:
            print("not registered by this plugin (their checks are skipped): " + " ".join(missing))
        scns = sorted(f[:-4] for f in os.listdir(a.scenarios) if f.endswith(".scn"))
        if a.names:
            scns = [n for n in scns if n in a.names]
        totals = [0, 0, 0]
        bad_scn, crashes = [], []
        for name in scns:
            pcap = os.path.join(a.out, name + ".pcap")
            exp = os.path.join(a.out, name + ".expect.tsv")
            r = subprocess.run([a.craft, os.path.join(a.scenarios, name + ".scn"), pcap, exp],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            if r.returncode != 0:
                print("FAIL %s: craft: %s" % (name, r.stderr.strip()))
                bad_scn.append(name)
                continue
            if a.samples:
                os.makedirs(a.samples, exist_ok=True)
                with open(pcap, "rb") as src, open(os.path.join(a.samples, name + ".pcap"), "wb") as dst:
                    dst.write(src.read())
            try:
                expect = parse_expect(exp)
            except ValueError as e:
                print("FAIL %s: %s" % (name, e))
                bad_scn.append(name)
                continue
            p, f, s, msgs, robust = check_scenario(ts, name, ts.readable(pcap), expect, registered,
                                                   a.robustness_only)
            if not robust:
                crashes.append(name)
            totals[0] += p
            totals[1] += f
            totals[2] += s
            if a.robustness_only:
                print("%s %s" % ("ok  " if robust else "FAIL", name))
            else:
                state = "ok  " if f == 0 and robust else "FAIL"
                print("%s %-28s %4d passed %4d failed %2d skipped" % (state, name, p, f, s))
            for m in msgs:
                print(m)
            sys.stdout.flush()
    finally:
        ts.close()
    print("crafted: %d scenarios; %d checks passed, %d failed, %d skipped; "
          "tshark crashes or dissector bugs in %d; unreadable scenarios %d"
          % (len(scns), totals[0], totals[1], totals[2], len(crashes), len(bad_scn)))
    if crashes or bad_scn or not scns:
        return 1
    return 0 if a.robustness_only or totals[1] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
