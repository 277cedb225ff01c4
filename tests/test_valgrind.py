"""The normal (not sanitized) tcpstate.so in the real tshark under valgrind's
memcheck: no invalid read or write, no use of uninitialised memory, no leak
("definitely lost") other than Wireshark's and glib's own, listed with their
reasons in tests/suppressions/valgrind.supp.

  pytest-3 tests/test_valgrind.py [--plugin build/tcpstate.so]
      the short form (CI): a few samples and crafted captures, -V and -2 -V;
  ... --all
      the long form: every sample and crafted capture, -V, -2 -V and -T fields.

The runs go in parallel (--jobs); one test case per sample, one for
test_bad_input.py's malformed packets (written by --craft). Each failure says whether tcpstate's code is in
the reported stack.
"""
import concurrent.futures
import os
import re
import time

import pytest

from test_bad_input import CASES, crafted  # noqa: F401 (a fixture)
from tshark_env import SRC, names, problems, readable_copy

SUPP = os.path.join(SRC, "tests", "suppressions", "valgrind.supp")
# The test case of test_bad_input.py's crafted captures.
BAD_INPUT = "bad-input"
SHORT_SAMPLES = ("client-close", "simultaneous-close", "refused", "ipv6-client-close")
SHORT_CRAFTED = ("truncated-header", "doff-too-large", "syn-rst-midway")
FIELDS = ["frame.number", "tcpstate.phase", "tcpstate.sender", "tcpstate.client.state",
          "tcpstate.server.state", "tcpstate.step", "tcpstate.acks_frame", "tcpstate.revised"]
OURS = re.compile(r"tcpstate\.so|packet-tcpstate\.c|tcpstate_core\.c|plugin\.c|\b(dissect_tcp_with_state|"
                  r"analyse|render|tcpst_\w+)\b")


def error_blocks(err):
    """valgrind's error records: (headline, stack text)."""
    blocks, cur = [], None
    for line in err.splitlines():
        m = re.match(r"==\d+== ?(.*)$", line)
        if not m:
            continue
        text = m.group(1)
        if not text.strip():
            if cur:
                blocks.append(cur)
                cur = None
            continue
        if cur is None and (text.startswith(("Invalid ", "Conditional jump", "Use of uninitialised",
                                             "Syscall param", "Mismatched free", "Source and destination"))
                            or "definitely lost in loss record" in text):
            cur = [text, ""]
        elif cur is not None:
            cur[1] += text + "\n"
    if cur:
        blocks.append(cur)
    return blocks


def pytest_generate_tests(metafunc):
    if "case" in metafunc.fixturenames:
        every = names(metafunc.config.getoption("samples"), ".pcap")
        short = every if metafunc.config.getoption("all") else [n for n in every if n in SHORT_SAMPLES]
        metafunc.parametrize("case", short + [BAD_INPUT])


def failure(rc, out, err):
    """What is wrong with one run under valgrind, with the reports ([] when nothing)."""
    bad = problems(rc, out, err)
    m = re.search(r"ERROR SUMMARY: (\d+) errors", err)
    if not m:
        bad.append("no valgrind summary")
    elif m.group(1) != "0":
        bad.append("%s valgrind errors" % m.group(1))
    if not bad:
        return []
    blocks = error_blocks(err)
    ours = [b for b in blocks if OURS.search(b[1])]
    lines = ["%s; %d of %d reports with tcpstate code in the stack" % (bad, len(ours), len(blocks))]
    for head, stack in (ours or blocks)[:3]:
        lines.append("    " + head)
        lines.append("      " + stack.strip().replace("\n", "\n      "))
    if not blocks:
        lines.append("    " + "\n    ".join(err.strip().splitlines()[-15:]))
    return lines


@pytest.fixture(scope="module")
def results(make_tshark, samples, tmp_dir, crafted, options):
    """{test case: [(what, failure lines)]} of every run under valgrind, run in parallel."""
    t0 = time.time()
    supp = readable_copy(SUPP, tmp_dir)
    wrapper = ["valgrind", "--error-exitcode=1", "--leak-check=full", "--show-leak-kinds=definite",
               "--errors-for-leak-kinds=definite", "--num-callers=40", "--suppressions=" + supp,
               # tshark unloads its plugins before exiting, when leaks are
               # reported: without this, tcpstate's frames would read "???"
               "--keep-debuginfo=yes"]
    # Every wmem allocation a malloc of its own, so that memcheck sees the
    # bounds of the plugin's wmem memory (the block allocator hands out pieces
    # of large blocks). glib 2.74 and later use malloc for slices under valgrind.
    ts = make_tshark(env={"WIRESHARK_DEBUG_WMEM_OVERRIDE": "simple"}, wrapper=wrapper)
    modes = [["-V"], ["-2", "-o", "tcpstate.detail:TRUE", "-V"]]
    if options.all:
        modes.append(["-T", "fields"] + [x for f in FIELDS for x in ("-e", f)])
    inputs = [(n, ts.readable(os.path.join(samples, n + ".pcap"))) for n in names(samples, ".pcap")
              if options.all or n in SHORT_SAMPLES]
    if os.path.exists(options.craft):
        inputs += [(BAD_INPUT, crafted(c)) for c in sorted(CASES) if options.all or c in SHORT_CRAFTED]
    jobs = [(case, p, m) for case, p in inputs for m in modes]
    timeout = options.run_timeout or 600

    def one(job):
        case, pcap, mode = job
        return job, ts.run(["-r", pcap] + mode, check=False, timeout=timeout)

    out = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=options.jobs) as ex:
        for (case, pcap, mode), (rc, stdout, err) in ex.map(one, jobs):
            what = "%s %s" % (os.path.basename(pcap), " ".join(mode[:2]))
            out.setdefault(case, []).append((what, failure(rc, stdout, err)))
    print("%d captures x %d modes = %d tshark runs under valgrind in %.0f s" %
          (len(inputs), len(modes), len(jobs), time.time() - t0))
    return out


def test_valgrind(results, options, case):
    """No memcheck error and no leak of ours in this case's runs."""
    if case == BAD_INPUT and not os.path.exists(options.craft):
        pytest.skip("no craft tool (%s) to write the bad-input captures" % options.craft)
    runs = results.get(case, [])
    failed = [(what, lines) for what, lines in runs if lines]
    assert runs and not failed, "%d of %d runs failed\n%s" % (len(failed), len(runs), "\n".join(
        "%s: %s" % (what, "\n".join(lines)) for what, lines in failed))
