#!/usr/bin/env python3
"""The normal (not sanitized) tcpstate.so in the real tshark under valgrind's
memcheck: no invalid read or write, no use of uninitialised memory, no leak
("definitely lost") other than Wireshark's and glib's own, listed with their
reasons in tests/suppressions/valgrind.supp.

  test_valgrind.py --plugin build/tcpstate.so --ws-version 4.0 --samples samples
      the short form (CI): a few samples and crafted captures, -V and -2 -V;
  ... --all
      the long form: every sample and crafted capture, -V, -2 -V and -T fields.

Each failure says whether tcpstate's code is in the reported stack.
"""
import argparse
import concurrent.futures
import glob
import os
import re
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from tshark_env import Tshark, problems  # noqa: E402
from test_bad_input import crafted  # noqa: E402

SUPP = os.path.join(HERE, "suppressions", "valgrind.supp")
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugin", required=True)
    ap.add_argument("--ws-version", required=True)
    ap.add_argument("--samples", required=True)
    ap.add_argument("--all", action="store_true", help="the long form")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--timeout", type=float, default=600)
    a = ap.parse_args()
    t0 = time.time()

    tmp = tempfile.mkdtemp(prefix="tcpstate-valgrind-")
    os.chmod(tmp, 0o755)
    supp = os.path.join(tmp, "valgrind.supp")
    shutil.copy(SUPP, supp)
    os.chmod(supp, 0o644)
    wrapper = ["valgrind", "--error-exitcode=1", "--leak-check=full", "--show-leak-kinds=definite",
               "--errors-for-leak-kinds=definite", "--num-callers=40", "--suppressions=" + supp,
               # tshark unloads its plugins before exiting, when leaks are
               # reported: without this, tcpstate's frames would read "???"
               "--keep-debuginfo=yes"]
    # Every wmem allocation a malloc of its own, so that memcheck sees the
    # bounds of the plugin's wmem memory (the block allocator hands out pieces
    # of large blocks). glib 2.74 and later use malloc for slices under valgrind.
    ts = Tshark(a.plugin, a.ws_version, env={"WIRESHARK_DEBUG_WMEM_OVERRIDE": "simple"}, wrapper=wrapper)
    failures, passed = [], 0
    try:
        samples = sorted(glob.glob(os.path.join(a.samples, "*.pcap")))
        made = crafted(tmp)
        if not a.all:
            samples = [s for s in samples if os.path.basename(s)[:-5] in SHORT_SAMPLES]
            made = {p: u for p, u in made.items() if os.path.basename(p)[:-5] in SHORT_CRAFTED}
        inputs = [ts.readable(s) for s in samples] + sorted(made)
        modes = [["-V"], ["-2", "-o", "tcpstate.detail:TRUE", "-V"]]
        if a.all:
            modes.append(["-T", "fields"] + [x for f in FIELDS for x in ("-e", f)])
        jobs = [(p, m) for p in inputs for m in modes]

        def one(job):
            pcap, mode = job
            return job, ts.run(["-r", pcap] + mode, check=False, timeout=a.timeout)

        with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as ex:
            for (pcap, mode), (rc, out, err) in ex.map(one, jobs):
                what = "%s %s" % (os.path.basename(pcap), " ".join(mode[:2]))
                bad = problems(rc, out, err)
                m = re.search(r"ERROR SUMMARY: (\d+) errors", err)
                if not m:
                    bad.append("no valgrind summary")
                elif m.group(1) != "0":
                    bad.append("%s valgrind errors" % m.group(1))
                if not bad:
                    passed += 1
                    continue
                blocks = error_blocks(err)
                ours = [b for b in blocks if OURS.search(b[1])]
                failures.append(what)
                print("FAIL %s: %s; %d of %d reports with tcpstate code in the stack" %
                      (what, bad, len(ours), len(blocks)))
                for head, stack in (ours or blocks)[:3]:
                    print("    " + head)
                    print("      " + stack.strip().replace("\n", "\n      "))
                if not blocks:
                    print("    " + "\n    ".join(err.strip().splitlines()[-15:]))
        print("%d captures x %d modes = %d tshark runs under valgrind in %.0f s" %
              (len(inputs), len(modes), len(jobs), time.time() - t0))
    finally:
        ts.close()
        shutil.rmtree(tmp, ignore_errors=True)
    print("valgrind: %d passed, %d failed" % (passed, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
