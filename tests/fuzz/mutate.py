#!/usr/bin/env python3
"""Mutation fuzzing of tcpstate in the real tshark (run it through mutate.sh).

Every sample is mutated VARIANTS times with editcap -E RATE --seed SEED (the
rates taken in turn, the seed counting up), and tshark runs with the plugin
on each variant in -V, -2 -V (every field explained) and -T fields. A run fails on a crash (a signal),
a hang (no end within the timeout), an exit code other than 0 or 2 (2: file
cut short), a "Dissector bug", a failed assertion, tcpstate's own malformed
packet marker, or a sanitizer report. A plugin built with TCPSTATE_SANITIZE=ON
is recognised and run with its sanitizer runtime preloaded.

A failing variant is kept (--keep) and the editcap command that makes it again
printed.
"""
import argparse
import concurrent.futures
import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SRC, "tests"))
from tshark_env import Tshark, problems, run_checked, sanitizer_env, sanitizer_runtime  # noqa: E402

FIELDS = ["frame.number", "tcpstate.phase", "tcpstate.sender", "tcpstate.client.state",
          "tcpstate.server.state", "tcpstate.client.prev", "tcpstate.server.prev",
          "tcpstate.client.via", "tcpstate.server.via", "tcpstate.step", "tcpstate.changed",
          "tcpstate.acks_frame", "tcpstate.inferred", "tcpstate.revised", "tcpstate.transition"]
MODES = (["-V"], ["-2", "-o", "tcpstate.detail:TRUE", "-V"], ["-T", "fields"] + [x for f in FIELDS for x in ("-e", f)])


def tshark_major_minor():
    out = subprocess.run(["tshark", "--version"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True).stdout
    m = re.search(r"TShark \(Wireshark\) (\d+\.\d+)", out)
    if not m:
        raise RuntimeError("cannot tell the tshark version from: %r" % out[:200])
    return m.group(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--variants", type=int, default=300, help="mutated variants per sample")
    ap.add_argument("--plugin", default=os.environ.get("TCPSTATE_SO", os.path.join(SRC, "build", "tcpstate.so")))
    ap.add_argument("--ws-version", default=None, help="default: the installed tshark's major.minor")
    ap.add_argument("--samples", default=os.path.join(SRC, "samples"))
    ap.add_argument("--rates", default="0.002,0.01,0.03,0.1,0.3",
                    help="editcap -E probabilities, used in turn")
    ap.add_argument("--seed", type=int, default=1, help="first editcap --seed")
    ap.add_argument("--timeout", type=float, default=None,
                    help="seconds a tshark run may take (default 20, 60 sanitized)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--keep", default=os.path.join(SRC, "build", "mutate-failures"),
                    help="where failing variants are kept")
    a = ap.parse_args()
    rates = [r.strip() for r in a.rates.split(",") if r.strip()]
    ws_version = a.ws_version or tshark_major_minor()
    sanitized = bool(sanitizer_runtime(a.plugin))
    timeout = a.timeout or (60 if sanitized else 20)
    t0 = time.time()

    tmp = tempfile.mkdtemp(prefix="tcpstate-mutate-")
    os.chmod(tmp, 0o755)
    env, rerun_env = None, None
    if sanitized:
        supp = os.path.join(tmp, "lsan.supp")
        shutil.copy(os.path.join(SRC, "tests", "suppressions", "lsan.supp"), supp)
        os.chmod(supp, 0o644)
        env = sanitizer_env(a.plugin, supp)
        rerun_env = {"ASAN_OPTIONS": sanitizer_env(a.plugin, supp, thorough=True)["ASAN_OPTIONS"]}
    ts = Tshark(a.plugin, ws_version, env=env)
    samples = sorted(glob.glob(os.path.join(a.samples, "*.pcap")))
    print("mutating %d samples x %d variants (editcap -E %s), tshark %s with %s%s, %d jobs, timeout %g s"
          % (len(samples), a.variants, "/".join(rates), ws_version, a.plugin,
             " (ASan+UBSan)" if sanitized else "", a.jobs, timeout), flush=True)

    def one(job):
        sample, i = job
        rate, seed = rates[i % len(rates)], a.seed + i
        base = os.path.basename(sample)[:-5]
        var = os.path.join(tmp, "%s-E%s-seed%d.pcap" % (base, rate, seed))
        cmd = ["editcap", "--seed", str(seed), "-E", rate, sample, var]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.chmod(var, 0o644)
        with open(var, "rb") as f:
            digest = hashlib.sha1(f.read()).hexdigest()
        results = []
        for mode in MODES:
            t = time.time()
            rc, out, err, again = run_checked(ts, ["-r", var] + mode, timeout, rerun_env)
            results.append((mode, rc, problems(rc, out, err), err, time.time() - t, again))
        failed = any(r[2] for r in results)
        if failed:
            os.makedirs(a.keep, exist_ok=True)
            shutil.copy(var, a.keep)
        os.unlink(var)
        return sample, cmd, digest, results

    stats = {"runs": 0, "failed_runs": 0, "rc2": 0, "again": 0, "slowest": 0.0}
    failures, distinct = [], set()
    per_sample = {}
    jobs = [(s, i) for s in samples for i in range(a.variants)]
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as ex:
            for sample, cmd, digest, results in ex.map(one, jobs):
                distinct.add(digest)
                ps = per_sample.setdefault(os.path.basename(sample), [0, 0])
                ps[0] += 1
                for mode, rc, bad, err, secs, again in results:
                    stats["runs"] += 1
                    stats["rc2"] += rc == 2
                    stats["again"] += again
                    stats["slowest"] = max(stats["slowest"], secs)
                    if bad:
                        stats["failed_runs"] += 1
                        ps[1] += 1
                        failures.append((cmd, mode, bad, err))
    finally:
        ts.close()
        shutil.rmtree(tmp, ignore_errors=True)

    for name, (n, bad) in sorted(per_sample.items()):
        print("  %-28s %4d variants, %d failed runs" % (name, n, bad))
    for cmd, mode, bad, err in failures[:20]:
        print("FAIL tshark -r %s %s: %s" % (os.path.basename(cmd[-1]), " ".join(mode[:2]), bad))
        print("     made by: %s   (kept in %s)" % (" ".join(cmd[:-2] + [os.path.relpath(cmd[-2], SRC)]), a.keep))
        lines = err.strip().splitlines()
        print("     " + "\n     ".join(lines[:25] if len(lines) > 25 else lines))
    print("%d variants (%d distinct) of %d samples, %d tshark runs (%d exited 2: file cut short; "
          "%d run again with full allocation stacks), slowest run %.1f s, %.0f s in all"
          % (len(jobs), len(distinct), len(samples), stats["runs"], stats["rc2"], stats["again"],
             stats["slowest"], time.time() - t0))
    print("mutation_fuzz: %d passed, %d failed" % (stats["runs"] - stats["failed_runs"], stats["failed_runs"]))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
