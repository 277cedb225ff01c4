"""tcpstate.so built with AddressSanitizer and UndefinedBehaviorSanitizer
(-DTCPSTATE_SANITIZE=ON), loaded into the real, uninstrumented tshark with the
sanitizer runtime preloaded, on every sample and on every crafted and mutated
capture of test_bad_input.py, in -V, -2 -V and -T fields: no sanitizer report,
no leak (other than Wireshark's and glib's own, listed with their reasons in
tests/suppressions/lsan.supp), no crash, no "Dissector bug".

Also runs the core's unit tests built with the same sanitizers.

  pytest-3 tests/test_sanitizers.py --build-dir DIR [--werror] [--cc CC] [--generator G]
      configures and builds the sanitized plugin in DIR first (ctest does this,
      into BUILD/asan); without --build-dir, --plugin is an already built
      sanitized tcpstate.so (and the core's tests are not run).

The tshark runs go in parallel (--jobs); one test case per sample (the sample,
its cut and mutated variants), one for test_bad_input.py's malformed packets
(written by --craft), one for samples/crafted. The environment (how the runtime is preloaded, the options):
sanitizer_env() in tshark_env.py.
"""
import concurrent.futures
import glob
import os
import subprocess
import time

import pytest

from test_bad_input import CASES, VARIANTS, crafted, variant  # noqa: F401 (fixtures)
from tshark_env import ROBUSTNESS_MODES, names, problems, run_checked, sanitizer_envs

# The test cases besides one per sample: test_bad_input.py's malformed packets, samples/crafted.
BAD_INPUT, CRAFTED = "bad-input", "crafted"


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


@pytest.fixture(scope="module")
def sanitized(options):
    """(the sanitized tcpstate.so, its core_test or None): built into --build-dir, or --plugin."""
    if not options.build_dir:
        return os.path.abspath(options.plugin), None
    t0 = time.time()
    built = build(options.source, options.build_dir, options.werror, options.cc, options.generator)
    print("built %s in %.0f s" % (built[0], time.time() - t0))
    return built


@pytest.fixture(scope="module")
def envs(sanitized, tmp_dir):
    """(environment of every run, the thorough one: full allocation stacks)."""
    env, thorough = sanitizer_envs(sanitized[0], tmp_dir)
    if env is None:
        pytest.fail("%s is not linked against a shared ASan runtime: build it with -DTCPSTATE_SANITIZE=ON"
                    % sanitized[0])
    return env, thorough


def test_instrumented(sanitized):
    assert instrumented(sanitized[0]), "%s has no ASan/UBSan instrumentation" % sanitized[0]


def test_core(sanitized, envs):
    """The core's unit tests built with the same sanitizers."""
    if not sanitized[1]:
        pytest.skip("no core_test without --build-dir")
    p = subprocess.run([sanitized[1]], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       env=dict(os.environ, **{k: v for k, v in envs[0].items() if k != "LD_PRELOAD"}))
    bad = problems(p.returncode, "", p.stdout)
    assert not bad, "core_test: %s\n%s" % (bad, report(p.returncode, "", p.stdout))


@pytest.fixture(scope="module")
def results(sanitized, envs, make_tshark, samples, crafted, variant, options):
    """{test case: [(what, problems, report)]} of every tshark run, run in parallel."""
    t0 = time.time()
    env, thorough = envs
    print("LD_PRELOAD=%s" % env["LD_PRELOAD"])
    ts = make_tshark(sanitized[0], env=env)
    timeout = options.run_timeout or 120
    # Thorough leak check (full allocation stacks, glib slices as malloc) on
    # the samples; the fast form on everything, and where that reports a leak,
    # the same run again with full stacks, so that the suppressions decide.
    jobs = []
    for name in names(samples, ".pcap"):
        pcap = ts.readable(os.path.join(samples, name + ".pcap"))
        jobs.append((name, "thorough", pcap, ["-V"]))
        for p in [pcap] + [variant(name, v) for v in VARIANTS]:
            jobs += [(name, "fast", p, mode) for mode in ROBUSTNESS_MODES]
    if os.path.exists(options.craft):
        jobs += [(BAD_INPUT, "fast", crafted(case), mode) for case in sorted(CASES) for mode in ROBUSTNESS_MODES]
    # The crafted edge cases (samples/crafted), two passes with the tree.
    jobs += [(CRAFTED, "fast", ts.readable(p), ["-2", "-o", "tcpstate.detail:TRUE", "-V"])
             for p in sorted(glob.glob(os.path.join(samples, "crafted", "*.pcap")))]

    def one(job):
        case, kind, pcap, mode = job
        if kind == "thorough":
            rc, out, err = ts.run(["-r", pcap] + mode, check=False, timeout=timeout, env=thorough)
        else:
            rc, out, err, again = run_checked(ts, ["-r", pcap] + mode, timeout, thorough)
            kind = "rerun" if again else kind
        return case, kind, pcap, mode, rc, out, err

    out = {}
    runs = {"thorough": 0, "fast": 0, "rerun": 0}
    with concurrent.futures.ThreadPoolExecutor(max_workers=options.jobs) as ex:
        for case, kind, pcap, mode, rc, stdout, err in ex.map(one, jobs):
            runs[kind] += 1
            bad = problems(rc, stdout, err)
            what = "%s %s (%s)" % (os.path.basename(pcap), " ".join(mode[:2]), kind)
            out.setdefault(case, []).append((what, bad, report(rc, stdout, err) if bad else ""))
    print("%d tshark runs: %d thorough (samples, -V), %d fast (%d modes), %d of them again with full stacks; "
          "%.0f s" % (len(jobs), runs["thorough"], runs["fast"] + runs["rerun"], len(ROBUSTNESS_MODES), runs["rerun"],
                      time.time() - t0))
    return out


def pytest_generate_tests(metafunc):
    if "case" in metafunc.fixturenames:
        metafunc.parametrize("case", names(metafunc.config.getoption("samples"), ".pcap") + [BAD_INPUT, CRAFTED])


def test_tshark(results, options, case):
    """No sanitizer report, leak, crash or dissector bug in this case's runs."""
    if case == BAD_INPUT and not os.path.exists(options.craft):
        pytest.skip("no craft tool (%s) to write the bad-input captures" % options.craft)
    runs = results.get(case, [])
    failed = [r for r in runs if r[1]]
    assert not failed, "%d of %d runs failed\n%s" % (len(failed), len(runs), "\n".join(
        "%s: %s%s" % (what, bad, ("\n    " + text.replace("\n", "\n    ")) if i < 3 else "")
        for i, (what, bad, text) in enumerate(failed)))
