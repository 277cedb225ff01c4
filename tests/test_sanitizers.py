#!/usr/bin/env python3
"""tcpstate.so built with AddressSanitizer and UndefinedBehaviorSanitizer
(-DTCPSTATE_SANITIZE=ON), loaded into the real, uninstrumented tshark with the
sanitizer runtime preloaded, on every sample and on every crafted and mutated
capture of test_bad_input.py, in -V, -2 -V and -T fields: no sanitizer report,
no leak (other than Wireshark's and glib's own, listed with their reasons in
tests/suppressions/lsan.supp), no crash, no "Dissector bug".

Also runs the core's unit tests built with the same sanitizers.

  test_sanitizers.py --source SRC --build-dir DIR --ws-version 4.0 --samples SRC/samples
      configures and builds the sanitized plugin in DIR first (ctest does this,
      into BUILD/asan); --plugin PATH uses an already built sanitized tcpstate.so.

The environment (how the runtime is preloaded, the options): sanitizer_env()
in tshark_env.py.
"""
import argparse
import concurrent.futures
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from tshark_env import Tshark, problems, run_checked, sanitizer_env  # noqa: E402
from test_bad_input import crafted, sample_variants  # noqa: E402

LSAN_SUPP = os.path.join(HERE, "suppressions", "lsan.supp")
FIELDS = ["frame.number", "tcpstate.phase", "tcpstate.sender", "tcpstate.client.state",
          "tcpstate.server.state", "tcpstate.client.prev", "tcpstate.server.prev",
          "tcpstate.client.via", "tcpstate.server.via", "tcpstate.step", "tcpstate.changed",
          "tcpstate.acks_frame", "tcpstate.inferred", "tcpstate.revised", "tcpstate.transition"]
MODES = (["-V"], ["-2", "-o", "tcpstate.detail:TRUE", "-V"], ["-T", "fields"] + [x for f in FIELDS for x in ("-e", f)])


def build(source, build_dir, werror, cc, generator):
    """Configures and builds the sanitized plugin and core tests in build_dir."""
    cfg = ["cmake", "-S", source, "-B", build_dir, "-DTCPSTATE_SANITIZE=ON",
           "-DCMAKE_BUILD_TYPE=RelWithDebInfo", "-DTCPSTATE_WERROR=%s" % ("ON" if werror else "OFF")]
    if cc:
        cfg.append("-DCMAKE_C_COMPILER=%s" % cc)
    if generator and not os.path.exists(os.path.join(build_dir, "CMakeCache.txt")):
        cfg += ["-G", generator]
    for cmd in (cfg, ["cmake", "--build", build_dir, "--target", "tcpstate", "core_test",
                      "-j%d" % (os.cpu_count() or 2)]):
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if p.returncode != 0:
            print(p.stdout[-4000:])
            raise RuntimeError("%s failed" % " ".join(cmd))
    return os.path.join(build_dir, "tcpstate.so"), os.path.join(build_dir, "tests", "core_test")


def instrumented(plugin):
    """True when the plugin really carries ASan and UBSan checks."""
    out = subprocess.run(["nm", "-D", "--undefined-only", plugin], stdout=subprocess.PIPE,
                         text=True, check=True).stdout
    return "__asan_report" in out and "__ubsan_handle" in out


def report(rc, out, err):
    """The interesting part of a failed run's output."""
    lines = err.splitlines()
    for i, l in enumerate(lines):
        if any(w in l for w in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                                "Dissector bug", "DEADLYSIGNAL")):
            return "\n".join(lines[max(0, i - 2):i + 40])
    return "\n".join(lines[-20:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", default=os.path.dirname(HERE))
    ap.add_argument("--build-dir")
    ap.add_argument("--plugin", help="an already built sanitized tcpstate.so (no build)")
    ap.add_argument("--ws-version", required=True)
    ap.add_argument("--samples", required=True)
    ap.add_argument("--werror", action="store_true")
    ap.add_argument("--cc", default=None, help="C compiler for the sanitized build")
    ap.add_argument("--generator", default=None, help="CMake generator for the sanitized build")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--timeout", type=float, default=120)
    a = ap.parse_args()

    failures, passed = [], 0
    t0 = time.time()
    core_test = None
    if a.plugin:
        plugin = a.plugin
    else:
        if not a.build_dir:
            ap.error("--build-dir or --plugin")
        plugin, core_test = build(a.source, a.build_dir, a.werror, a.cc, a.generator)
        print("built %s in %.0f s" % (plugin, time.time() - t0))
    if not instrumented(plugin):
        print("FAIL %s has no ASan/UBSan instrumentation" % plugin)
        print("sanitizers: 0 passed, 1 failed")
        return 1

    tmp = tempfile.mkdtemp(prefix="tcpstate-asan-")
    os.chmod(tmp, 0o755)
    runs = {"thorough": 0, "fast": 0, "rerun": 0}
    try:
        supp = os.path.join(tmp, "lsan.supp")
        shutil.copy(LSAN_SUPP, supp)
        os.chmod(supp, 0o644)
        env = sanitizer_env(plugin, supp)
        thorough = sanitizer_env(plugin, supp, thorough=True)
        print("LD_PRELOAD=%s" % env["LD_PRELOAD"])

        if core_test:
            p = subprocess.run([core_test], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env=dict(os.environ, **{k: v for k, v in env.items() if k != "LD_PRELOAD"}))
            bad = problems(p.returncode, "", p.stdout)
            if bad:
                failures.append(("core_test", bad, report(p.returncode, "", p.stdout)))
            else:
                passed += 1

        ts = Tshark(plugin, a.ws_version, env=env)
        try:
            samples = [ts.readable(s) for s in sorted(glob.glob(os.path.join(a.samples, "*.pcap")))]
            made = sorted(crafted(tmp))
            inputs = samples + made
            for s in sorted(glob.glob(os.path.join(a.samples, "*.pcap"))):
                inputs += sample_variants(s, tmp)
            # Thorough leak check (full allocation stacks, glib slices as
            # malloc) on the samples; the fast form on everything, and where
            # that reports a leak, the same run again with full stacks, so that
            # the suppressions decide.
            jobs = [("thorough", pcap, ["-V"]) for pcap in samples]
            jobs += [("fast", pcap, mode) for pcap in inputs for mode in MODES]
            # The crafted edge cases (samples/crafted), two passes with the tree.
            jobs += [("fast", ts.readable(pcap), ["-2", "-o", "tcpstate.detail:TRUE", "-V"])
                     for pcap in sorted(glob.glob(os.path.join(a.samples, "crafted", "*.pcap")))]

            def one(job):
                kind, pcap, mode = job
                if kind == "thorough":
                    rc, out, err = ts.run(["-r", pcap] + mode, check=False, timeout=a.timeout, env=thorough)
                else:
                    rc, out, err, again = run_checked(ts, ["-r", pcap] + mode, a.timeout,
                                                      {"ASAN_OPTIONS": thorough["ASAN_OPTIONS"]})
                    kind = "rerun" if again else kind
                return kind, pcap, mode, rc, out, err

            with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as ex:
                for kind, pcap, mode, rc, out, err in ex.map(one, jobs):
                    runs[kind] += 1
                    bad = problems(rc, out, err)
                    if bad:
                        failures.append(("%s %s (%s)" % (os.path.basename(pcap), " ".join(mode[:2]), kind),
                                         bad, report(rc, out, err)))
                    else:
                        passed += 1
            print("%d captures (%d samples, %d crafted, their cut and mutated variants); tshark runs: "
                  "%d thorough (samples, -V), %d fast (%d modes), %d of them again with full stacks; "
                  "%.0f s" % (len(inputs), len(samples), len(made), runs["thorough"],
                              runs["fast"] + runs["rerun"], len(MODES), runs["rerun"], time.time() - t0))
        finally:
            ts.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    for i, (what, bad, text) in enumerate(failures):
        print("FAIL %s: %s" % (what, bad))
        if i < 3:
            print("    " + text.replace("\n", "\n    "))
    print("sanitizers: %d passed, %d failed" % (passed, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
