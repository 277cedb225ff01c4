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
printed. ctest's mutation_fuzz runs fuzz() through tests/test_mutation_fuzz.py.
"""
import argparse
import concurrent.futures
import glob
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SRC, "tests"))
from tshark_env import (ROBUSTNESS_MODES, Tshark, problems, run_checked, sanitizer_envs,  # noqa: E402
                        tshark_major_minor)

RATES = "0.002,0.01,0.03,0.1,0.3"


class Result:
    """What fuzz() found: per sample [variants, failed runs], the failures
    (sample, editcap command, mode, problems, stderr), counts."""

    def __init__(self):
        self.per_sample, self.failures, self.distinct = {}, [], set()
        self.stats = {"runs": 0, "failed_runs": 0, "rc2": 0, "again": 0, "slowest": 0.0, "variants": 0}

    def failure_text(self, failure, keep):
        sample, cmd, mode, bad, err = failure
        lines = err.strip().splitlines()
        return "\n".join([
            "FAIL tshark -r %s %s: %s" % (os.path.basename(cmd[-1]), " ".join(mode[:2]), bad),
            "     made by: %s   (kept in %s)" % (" ".join(cmd[:-2] + [os.path.relpath(cmd[-2], SRC)]), keep),
            "     " + "\n     ".join(lines[:25] if len(lines) > 25 else lines)])

    def summary(self, seconds):
        st = self.stats
        return ("%d variants (%d distinct) of %d samples, %d tshark runs (%d exited 2: file cut short; "
                "%d run again with full allocation stacks), slowest run %.1f s, %.0f s in all\n"
                "mutation_fuzz: %d passed, %d failed" % (
                    st["variants"], len(self.distinct), len(self.per_sample), st["runs"], st["rc2"], st["again"],
                    st["slowest"], seconds, st["runs"] - st["failed_runs"], st["failed_runs"]))


def fuzz(ts, samples, variants, rates, seed, timeout, jobs, keep, thorough, tmp):
    """Every capture of samples (paths) mutated variants times, each variant
    through ts in every mode, jobs variants at a time (a Result); thorough:
    see run_checked()."""
    def one(job):
        sample, i = job
        rate, sd = rates[i % len(rates)], seed + i
        base = os.path.basename(sample)[:-5]
        var = os.path.join(tmp, "%s-E%s-seed%d.pcap" % (base, rate, sd))
        cmd = ["editcap", "--seed", str(sd), "-E", rate, sample, var]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.chmod(var, 0o644)
        with open(var, "rb") as f:
            digest = hashlib.sha1(f.read()).hexdigest()
        results = []
        for mode in ROBUSTNESS_MODES:
            t = time.time()
            rc, out, err, again = run_checked(ts, ["-r", var] + mode, timeout, thorough)
            results.append((mode, rc, problems(rc, out, err), err, time.time() - t, again))
        if any(r[2] for r in results):
            os.makedirs(keep, exist_ok=True)
            shutil.copy(var, keep)
        os.unlink(var)
        return sample, cmd, digest, results

    res = Result()
    todo = [(s, i) for s in samples for i in range(variants)]
    res.stats["variants"] = len(todo)
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        for sample, cmd, digest, results in ex.map(one, todo):
            res.distinct.add(digest)
            ps = res.per_sample.setdefault(os.path.basename(sample), [0, 0])
            ps[0] += 1
            for mode, rc, bad, err, secs, again in results:
                st = res.stats
                st["runs"] += 1
                st["rc2"] += rc == 2
                st["again"] += again
                st["slowest"] = max(st["slowest"], secs)
                if bad:
                    st["failed_runs"] += 1
                    ps[1] += 1
                    res.failures.append((os.path.basename(sample), cmd, mode, bad, err))
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--variants", type=int, default=300, help="mutated variants per sample")
    ap.add_argument("--plugin", default=os.environ.get("TCPSTATE_SO", os.path.join(SRC, "build", "tcpstate.so")))
    ap.add_argument("--ws-version", default=None, help="default: the installed tshark's major.minor")
    ap.add_argument("--samples", default=os.path.join(SRC, "samples"))
    ap.add_argument("--rates", default=RATES, help="editcap -E probabilities, used in turn")
    ap.add_argument("--seed", type=int, default=1, help="first editcap --seed")
    ap.add_argument("--timeout", type=float, default=None,
                    help="seconds a tshark run may take (default 20, 60 sanitized)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--keep", default=os.path.join(SRC, "build", "mutate-failures"),
                    help="where failing variants are kept")
    a = ap.parse_args()
    rates = [r.strip() for r in a.rates.split(",") if r.strip()]
    ws_version = a.ws_version or tshark_major_minor()
    t0 = time.time()

    tmp = tempfile.mkdtemp(prefix="tcpstate-mutate-")
    os.chmod(tmp, 0o755)
    env, thorough = sanitizer_envs(a.plugin, tmp)
    timeout = a.timeout or (60 if env else 20)
    ts = Tshark(a.plugin, ws_version, env=env)
    samples = sorted(glob.glob(os.path.join(a.samples, "*.pcap")))
    print("mutating %d samples x %d variants (editcap -E %s), tshark %s with %s%s, %d jobs, timeout %g s"
          % (len(samples), a.variants, "/".join(rates), ws_version, a.plugin,
             " (ASan+UBSan)" if env else "", a.jobs, timeout), flush=True)
    try:
        res = fuzz(ts, samples, a.variants, rates, a.seed, timeout, a.jobs, a.keep, thorough, tmp)
    finally:
        ts.close()
        shutil.rmtree(tmp, ignore_errors=True)

    for name, (n, bad) in sorted(res.per_sample.items()):
        print("  %-28s %4d variants, %d failed runs" % (name, n, bad))
    for f in res.failures[:20]:
        print(res.failure_text(f, a.keep))
    print(res.summary(time.time() - t0))
    return 1 if res.failures else 0


if __name__ == "__main__":
    sys.exit(main())
