#!/usr/bin/env python3
"""tshark with vs without the tcpstate plugin, alternating in the same run.

Usage: bench/compare.py --plugin build/tcpstate.so --ws-version 4.0 CAPTURE [--runs 7] [-- TSHARK ARGS]
Prints the median wall time and peak RSS of each, and their ratios. Measures;
never asserts. bench/run.py runs the whole set of comparisons.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
from tshark_env import Tshark  # noqa: E402


class Bare(Tshark):
    """The same environment with no plugin of ours. bundled=True also loads
    Wireshark's own bundled plugins (transum among them)."""
    def __init__(self, plugin, ws_version, bundled=False):
        super().__init__(plugin, ws_version)
        os.remove(os.path.join(self.home, ".local", "lib", "wireshark", "plugins", ws_version,
                               "epan", os.path.basename(plugin)))
        if bundled:
            del self.env["WIRESHARK_PLUGIN_DIR"]


def timed(ts, args):
    """(wall seconds, peak RSS KiB, CPU seconds) of one tshark run, output discarded."""
    cmd = ts.prefix + ["env"] + ["%s=%s" % kv for kv in ts.env.items()] + ["tshark"] + args
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if status != 0:
        raise RuntimeError("tshark failed (%d): %s" % (status, " ".join(args)))
    return wall, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def compare(a, args_a, b, args_b, runs):
    """Alternates b (the baseline) and a; returns a dict of medians, peaks and ratios."""
    res = {"a": [], "b": []}
    for _ in range(runs):
        res["b"].append(timed(b, args_b))
        res["a"].append(timed(a, args_a))
    med = {k: statistics.median(w for w, _, _ in v) for k, v in res.items()}
    cpu = {k: statistics.median(c for _, _, c in v) for k, v in res.items()}
    rss = {k: max(r for _, r, _ in v) for k, v in res.items()}
    return {"time_a": med["a"], "time_b": med["b"], "rss_a": rss["a"], "rss_b": rss["b"],
            "cpu_a": cpu["a"], "cpu_b": cpu["b"], "cpu_ratio": cpu["a"] / cpu["b"],
            "time_ratio": med["a"] / med["b"], "rss_ratio": rss["a"] / rss["b"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugin", required=True)
    ap.add_argument("--ws-version", required=True)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("capture")
    ap.add_argument("tshark_args", nargs="*")
    a = ap.parse_args()
    with_p, without = Tshark(a.plugin, a.ws_version), Bare(a.plugin, a.ws_version)
    try:
        args = ["-r", with_p.readable(a.capture)] + a.tshark_args
        r = compare(with_p, args, without, args, a.runs)
    finally:
        with_p.close()
        without.close()
    print("tshark %s (%d alternating runs each)" % (" ".join(args), a.runs))
    print("  without plugin: median %.3f s, peak RSS %d KiB" % (r["time_b"], r["rss_b"]))
    print("  with plugin:    median %.3f s, peak RSS %d KiB" % (r["time_a"], r["rss_a"]))
    print("  ratio: time %.3f, CPU time %.3f, peak RSS %.3f" % (r["time_ratio"], r["cpu_ratio"], r["rss_ratio"]))


if __name__ == "__main__":
    main()
