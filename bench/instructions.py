#!/usr/bin/env python3
"""Instructions, not seconds: tshark with vs without tcpstate under valgrind's
callgrind, which counts the instructions a run executes. The count does not
depend on the machine's load, so the ratios repeat to the last digit where
wall-clock times on a shared virtual machine do not.

    bench/instructions.py [--plugin build/tcpstate.so] [--conns 2000] [--kind mix|web] [--out build/bench] [--jobs 2]

Runs each mode of bench/run.py once per side on a mix capture from
bench/gencap.c (2000 connections, 15,500 packets by default), and once on a
capture with no packets, to tell tshark's start-up from the per-packet work.
--kind web runs the same connections on port 80 with HTTP in their data
segments, so that Wireshark dissects a payload as it does in most captures.
Prints a Markdown table: instructions without and with the plugin, the ratio
of whole runs, the ratio of the per-packet work (start-up subtracted) and the
plugin's instructions per packet. Measures; asserts nothing. About 15 minutes
on 2 cores.
"""
import argparse
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "tests"))
from compare import Bare  # noqa: E402
from run import FIELDS, OURS, THEIRS, gen, sh, ws_version  # noqa: E402
from tshark_env import Tshark  # noqa: E402


def instructions(ts, args):
    """Instructions executed by one tshark run (callgrind's total), output discarded."""
    cmd = ts.prefix + ["env"] + ["%s=%s" % kv for kv in ts.env.items()] + [
        "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", "tshark"] + args
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    m = re.search(r"Collected : (\d+)", p.stderr)
    if p.returncode != 0 or not m:
        raise RuntimeError("callgrind run failed (%d): %s\n%s" % (p.returncode, " ".join(args), p.stderr[-2000:]))
    return int(m.group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugin", default=os.path.join(HERE, "..", "build", "tcpstate.so"))
    ap.add_argument("--conns", type=int, default=2000)
    ap.add_argument("--kind", choices=("mix", "web"), default="mix")
    ap.add_argument("--out", default=os.path.join(HERE, "..", "build", "bench"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    ws, wsv = ws_version()
    gencap = os.path.join(a.out, "gencap")
    sh(["cc", "-O2", "-o", gencap, os.path.join(HERE, "gencap.c"), "-lpcap"])
    mix = os.path.join(a.out, "%s-%d.pcap" % (a.kind, a.conns))
    packets = gen(gencap, a.kind, a.conns, mix)
    empty = os.path.join(a.out, "mix-0.pcap")
    gen(gencap, "mix", 0, empty)

    w, wo, bundled = Tshark(a.plugin, wsv), Bare(a.plugin, wsv), Bare(a.plugin, wsv, bundled=True)
    fields, ours, theirs = FIELDS, OURS, THEIRS
    fin = ["-Y", "tcp.flags.fin==1"]
    # (label, env with, args with, env without, args without)
    modes = [
        ("plain `tshark -r`", w, [], wo, []),
        ("`-Y tcp.flags.fin==1`", w, fin, wo, fin),
        ("`-Y tcpstate.phase==teardown` vs `-Y tcp.flags.fin==1` without", w,
         ["-Y", "tcpstate.phase==teardown"], wo, fin),
        ("`-T fields` (TCP fields only)", w, fields, wo, fields),
        ("`-T fields` with 3 tcpstate fields vs 3 more TCP fields without", w, fields + ours,
         wo, fields + theirs),
        ("`-T fields`, `tcpstate.detail` on", w, fields + ["-o", "tcpstate.detail:TRUE"], wo, fields),
        ("`-V`", w, ["-V"], wo, ["-V"]),
        ("`-V`, `tcpstate.detail` on", w, ["-V", "-o", "tcpstate.detail:TRUE"], wo, ["-V"]),
        ("`-2`", w, ["-2"], wo, ["-2"]),
        ("`-q -z tcpstate,sum` vs `-q -z conv,tcp` without", w,
         ["-q", "-z", "tcpstate,sum"], wo, ["-q", "-z", "conv,tcp"]),
        ("`--disable-protocol tcpstate`", w, ["--disable-protocol", "tcpstate"], wo, []),
        ("peer: transum enabled vs disabled (no tcpstate)", bundled, ["--enable-protocol", "transum"],
         bundled, []),
    ]
    jobs = []
    for label, ea, aa, eb, ab in modes:
        for side, env, args in (("with", ea, aa), ("without", eb, ab)):
            jobs.append((label, side, env, args, mix))
            jobs.append((label, side + "0", env, args, empty))
    try:
        f = {m: w.readable(m) for m in (mix, empty)}
        with ThreadPoolExecutor(max_workers=a.jobs) as ex:
            futs = {(label, side): ex.submit(instructions, env, ["-r", f[cap]] + args)
                    for label, side, env, args, cap in jobs}
            res = {k: v.result() for k, v in futs.items()}
    finally:
        w.close()
        wo.close()
        bundled.close()

    print("%s; capture: %d connections, %d packets (bench/gencap.c %s); callgrind instruction counts.\n"
          % (ws, a.conns, packets, a.kind))
    print("| mode | without | with | ratio, whole run | ratio, per-packet work | extra per packet |")
    print("|---|---|---|---|---|---|")
    for label, *_ in modes:
        wi, wo_, w0, wo0 = (res[(label, s)] for s in ("with", "without", "with0", "without0"))
        per = ((wi - w0) / (wo_ - wo0)) if wo_ > wo0 else float("nan")
        print("| %s | %.3fG | %.3fG | **%.3f** | **%.3f** | %d |" % (
            label, wo_ / 1e9, wi / 1e9, wi / wo_, per, round(((wi - w0) - (wo_ - wo0)) / packets)))


if __name__ == "__main__":
    main()
