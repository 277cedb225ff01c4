#!/usr/bin/env python3
"""Long runs: peak RSS of tshark with session auto reset (-M), with and without tcpstate.

    bench/longrun.py [--plugin build/tcpstate.so] [--reset 100000] [--sizes 1,4,16]
                     [--without-reset 1,4] [--runs 1] [-- TSHARK ARGS]

For each size (millions of packets), `gencap longrun` streams a capture (the
mix, and 8 connections open from start to end, across every reset) into
`tshark -r - -M RESET`, once without the plugin and once with it (--runs
times each, alternating; the highest peak RSS and the median time are kept).
--without-reset adds the same runs without -M, to show the growth -M stops.
Prints a Markdown table: peak RSS of each side, the difference (the plugin's
share), their ratio, and each side's growth against the first row of its kind. Measures; asserts nothing.
TSHARK ARGS default to none (summary lines, discarded); e.g. -- -q -z tcpstate,sum
with --baseline '-q -z conv,tcp' (what the side without the plugin runs instead).
About 10 minutes for the defaults on 2 cores.
"""
import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "tests"))
from compare import Bare  # noqa: E402
from run import build_gencap, ws_version  # noqa: E402
from tshark_env import Tshark  # noqa: E402


def streamed(gencap, packets, ts, args):
    """(wall seconds, peak RSS KiB, resets) of tshark reading `gencap longrun packets -`
    from its standard input; tshark's own figures, not gencap's."""
    gen = subprocess.Popen([gencap, "longrun", str(packets), "-"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL)
    cmd = ts.prefix + ["env"] + ["%s=%s" % kv for kv in ts.env.items()] + ["tshark", "-r", "-"] + args
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=gen.stdout, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    gen.stdout.close()
    err = p.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    gen.wait()
    if status != 0 or gen.returncode != 0:
        raise RuntimeError("tshark %s failed (%d): %s" % (" ".join(args), status, err[-500:]))
    return wall, usage.ru_maxrss, err.count("resetting session.")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugin", default=os.path.join(HERE, "..", "build", "tcpstate.so"))
    ap.add_argument("--reset", type=int, default=100000, help="-M: packets between resets")
    ap.add_argument("--sizes", default="1,4,16", help="millions of packets, with -M")
    ap.add_argument("--without-reset", default="1,4", help="millions of packets, without -M ('' none)")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--baseline", default=None, help="TSHARK ARGS of the side without the plugin "
                    "(default: the same)")
    ap.add_argument("--out", default=os.path.join(HERE, "..", "build", "bench"))
    ap.add_argument("tshark_args", nargs="*")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    ws, wsv = ws_version()
    gencap = build_gencap(a.out)
    w, wo = Tshark(a.plugin, wsv), Bare(a.plugin, wsv)
    base_args = a.tshark_args if a.baseline is None else shlex.split(a.baseline)
    plan = [(float(m), ["-M", str(a.reset)]) for m in a.sizes.split(",") if m]
    plan += [(float(m), []) for m in a.without_reset.split(",") if m]
    rows = []
    try:
        for m, reset in plan:
            n = int(m * 1000000)
            res = {"with": [], "without": []}
            for _ in range(a.runs):
                res["without"].append(streamed(gencap, n, wo, reset + base_args))
                res["with"].append(streamed(gencap, n, w, reset + a.tshark_args))
            r = {k: (statistics.median(x[0] for x in v), max(x[1] for x in v), v[0][2]) for k, v in res.items()}
            rows.append((n, reset, r))
            sys.stderr.write("%d packets %s: without %d KiB %.1f s, with %d KiB %.1f s\n" % (
                n, " ".join(reset), r["without"][1], r["without"][0], r["with"][1], r["with"][0]))
    finally:
        w.close()
        wo.close()

    print("%s; `gencap longrun N - | tshark -r - %s`%s; %d run(s) each side.\n" % (
        ws, " ".join(a.tshark_args) or "(summary lines)",
        " (without the plugin: `%s`)" % " ".join(base_args) if base_args != a.tshark_args else "", a.runs))
    print("| packets | -M | resets | peak RSS without | with | with - without | ratio | growth without | growth with "
          "| time without | with |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    base = {}
    for n, reset, r in rows:
        key = bool(reset)
        base.setdefault(key, r)
        b = base[key]
        print("| %d | %s | %d | %d MiB | %d MiB | %.1f MiB | %.3f | %+.1f %% | %+.1f %% | %.1f s | %.1f s |" % (
            n, reset[1] if reset else "-", r["with"][2], r["without"][1] // 1024, r["with"][1] // 1024,
            (r["with"][1] - r["without"][1]) / 1024.0, r["with"][1] / r["without"][1],
            100.0 * (r["without"][1] / b["without"][1] - 1),
            100.0 * (r["with"][1] / b["with"][1] - 1), r["without"][0], r["with"][0]))


if __name__ == "__main__":
    main()
