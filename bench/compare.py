#!/usr/bin/env python3
"""tshark with vs without the tcpstate plugin, alternating in the same run.

Usage: bench/compare.py --plugin build/tcpstate.so --ws-version 4.0 CAPTURE [--runs 7] [-- TSHARK ARGS]
Prints the median wall time and peak RSS of each, and their ratios. Measures;
never asserts.
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
from tshark_env import Tshark  # noqa: E402


class Bare(Tshark):
    """The same environment with no plugin of ours."""
    def __init__(self, plugin, ws_version):
        super().__init__(plugin, ws_version)
        os.remove(os.path.join(self.home, ".local", "lib", "wireshark", "plugins", ws_version,
                               "epan", os.path.basename(plugin)))


def timed(ts, args):
    cmd = ts.prefix + ["env"] + ["%s=%s" % kv for kv in ts.env.items()] + ["tshark"] + args
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if status != 0:
        raise RuntimeError("tshark failed: %s" % " ".join(args))
    return wall, usage.ru_maxrss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugin", required=True)
    ap.add_argument("--ws-version", required=True)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("capture")
    ap.add_argument("tshark_args", nargs="*")
    a = ap.parse_args()
    with_p, without = Tshark(a.plugin, a.ws_version), Bare(a.plugin, a.ws_version)
    args = ["-r", with_p.readable(a.capture)] + a.tshark_args
    res = {"with": [], "without": []}
    try:
        for _ in range(a.runs):
            for name, ts in (("without", without), ("with", with_p)):
                res[name].append(timed(ts, args))
    finally:
        with_p.close()
        without.close()
    med = {k: statistics.median(w for w, _ in v) for k, v in res.items()}
    rss = {k: max(r for _, r in v) for k, v in res.items()}
    print("tshark %s (%d alternating runs each)" % (" ".join(args), a.runs))
    print("  without plugin: median %.3f s, peak RSS %d KiB" % (med["without"], rss["without"]))
    print("  with plugin:    median %.3f s, peak RSS %d KiB" % (med["with"], rss["with"]))
    print("  ratio: time %.3f, peak RSS %.3f" % (med["with"] / med["without"], rss["with"] / rss["without"]))


if __name__ == "__main__":
    main()
