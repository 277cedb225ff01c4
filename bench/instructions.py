#!/usr/bin/env python3
"""Instructions, not seconds: tshark with vs without tcpstate under valgrind's
callgrind, which counts the instructions a run executes. The count does not
depend on the machine's load, so the ratios repeat to within about 1 % where
wall-clock times on a shared virtual machine move by several.

    bench/instructions.py [--plugin build/tcpstate.so] [--conns 2000] [--kind mix|web] [--out build/bench] [--jobs 2]
    bench/instructions.py --linearity [--conns 2000]
    bench/instructions.py --items [--conns 2000]
    bench/instructions.py --only "tcpstate.phase"   (the modes whose label has this text)

Runs each mode of bench/run.py once per side on a mix capture from
bench/gencap.c (2000 connections, 15,500 packets by default), and once on a
capture with no packets, to tell tshark's start-up from the per-packet work.
--kind web runs the same connections on port 80 with HTTP in their data
segments, so that Wireshark dissects a payload as it does in most captures.
Prints a Markdown table: instructions without and with the plugin, the ratio
of whole runs, the ratio of the per-packet work (start-up subtracted), the
plugin's instructions per packet (with minus without), and the instructions
per packet spent inside tcpstate's dissector (its analysis, and the items it
adds to a tree; not what Wireshark does later with those items, printing or
filtering them). The with-minus-without figures move by a few hundred
instructions per packet from run to run, because Wireshark's hash tables take
a random seed; the dissector's own count moves by about ten (one of its
lookups is in such a table). The counts depend on the build's optimisation
(-O2 from scripts/build.sh). Measures; asserts nothing.
About 15 minutes on 2 cores.

--items runs `tshark -V` with the plugin once, on the same mix, and prints
what an item costs by the Wireshark call that adds it (proto_tree_add_string,
_uint, ...): calls per packet and instructions per call (the call and what it
does inside Wireshark, inclusive), and the same for expert info, for
tcpstate's, for TCP's and for the other dissectors' on those packets
(frame, Ethernet, IPv4, data and the few payload dissectors the mix reaches). Debian's
libwireshark has no names for TCP's own functions; they are told by address,
between the neighbours of the functions packet-tcp.h exports, as far as
TCP's own code reaches without leaving them (so that a dissector TCP hands a
payload to through Wireshark's dispatch is not counted as TCP; one that
tcp_dissect_pdus called back directly, placed in that range, would be). Calls that Wireshark's helpers (proto_*,
expert_*) make inside an item's call are not counted again. About a minute.

--linearity runs only plain `tshark -r`, on captures of 1, 2, 4 and 8 times
--conns connections, a SYN flood and one long connection of as many packets
as the largest, and prints the plugin's instructions per packet for each: the
cost grows linearly when that number stays put. About 30 minutes.
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
from run import FIELDS, OURS, THEIRS, build_gencap, gen, ws_version  # noqa: E402
from tshark_env import Tshark  # noqa: E402


def instructions(ts, args, out="/dev/null"):
    """Instructions executed by one tshark run (callgrind's total), output discarded;
    callgrind's profile goes to out."""
    cmd = ts.prefix + ["env"] + ["%s=%s" % kv for kv in ts.env.items()] + [
        "valgrind", "--tool=callgrind", "--callgrind-out-file=" + out, "tshark"] + args
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    m = re.search(r"Collected : (\d+)", p.stderr)
    if p.returncode != 0 or not m:
        raise RuntimeError("callgrind run failed (%d): %s\n%s" % (p.returncode, " ".join(args), p.stderr[-2000:]))
    return int(m.group(1))


# The dissector's functions around TCP's dissection (dissect_tcp_with_state,
# and tcp_then_show, which calls TCP inside a TRY). callgrind lists each in two
# entries (the lines with debug information, and the rest as "???"), and
# callgrind_annotate puts the object file on either one, so they are matched
# by name alone.
OURS_FN = r"\S*:(dissect_tcp_with_state|tcp_then_show)('\d+)?(?= |$)"
WRAPPER = re.compile(r"^\s*[\d,]+ \([^)]*\)\s+" + OURS_FN)
BLOCK = re.compile(r"\*\s+" + OURS_FN)
CALLEE_OURS = re.compile(r">\s+" + OURS_FN)


def profile_dir(ts):
    """A folder the unprivileged tshark can write its callgrind profiles to."""
    d = os.path.join(ts.home, "callgrind")
    os.makedirs(d)
    os.chmod(d, 0o777)
    return d


def own_work(profile):
    """Instructions spent in tcpstate's dissector (its own code and what it
    calls), TCP's dissection inside it excluded. Wireshark's total varies by a
    few hundred instructions per packet from run to run (its hash tables take
    a random seed), which blurs a with-minus-without difference; this moves
    by about ten."""
    def annotate(*opts):
        return subprocess.run(["callgrind_annotate", "--threshold=100"] + list(opts) + [profile],
                              check=True, capture_output=True, text=True).stdout.splitlines()

    def count(line):
        return int(line.split()[0].replace(",", ""))

    own = sum(count(l) for l in annotate() if WRAPPER.search(l))
    block = False
    for line in annotate("--inclusive=yes", "--tree=calling"):
        if not line.strip():
            block = False
        elif "*" in line:
            # callgrind_annotate may list the calls under a second entry of
            # the same function, without its object file
            block = bool(BLOCK.search(line))
        elif block and ">" in line and "call_dissector_only" not in line and not CALLEE_OURS.search(line):
            own += count(line)     # what they call, but TCP and each other
    return own


TCP_HEADER = "/usr/include/wireshark/epan/dissectors/packet-tcp.h"
SPEC = re.compile(r"^(c?fn|c?ob)=\((\d+)\)(?: (.*))?$")
# Wireshark's own helpers: what they add is inside the inclusive cost of the
# call that reached them, so their calls are not counted again
HELPER = re.compile(r"^(proto_|expert_|ptvcursor_)")
EXPERT = re.compile(r"^(expert_add_info|proto_tree_add_expert)")


def base(name):
    """A function's name without callgrind's recursion suffix ('2)."""
    return name.split("'")[0]


def exported(lib):
    """The functions lib exports: name -> address, and the sorted addresses."""
    out = subprocess.run(["nm", "-D", "--defined-only", lib], check=True, capture_output=True,
                         text=True).stdout
    syms = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "Tt":
            syms[f[2].split("@")[0]] = int(f[0], 16)
    return syms, sorted(set(syms.values()))


def tcp_exports(syms):
    """The functions packet-tcp.h declares that libwireshark exports."""
    with open(TCP_HEADER) as f:
        text = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
    names = set(re.findall(r"WS_DLL_PUBLIC[^;{]*?\b([a-z_][a-z0-9_]*)\s*\(", text)) & set(syms)
    if not names:
        raise RuntimeError("no function of %s in libwireshark's exports" % TCP_HEADER)
    return names


def read_profile(profile):
    """A callgrind profile's calls: (caller, callee) -> [calls, inclusive Ir],
    each function as (object file, name)."""
    names, objs = {}, {}
    ob = cob = fn = callee = None
    npos, ir = 1, 0
    calls = {}
    pending = None
    with open(profile) as f:
        for line in f:
            line = line.rstrip("\n")
            m = SPEC.match(line)
            if m:
                kind, i, name = m.groups()
                table = objs if kind.endswith("ob") else names
                if name:
                    table[i] = name
                if kind == "ob":
                    ob = objs[i]
                elif kind == "cob":
                    cob = objs[i]
                elif kind == "fn":
                    fn, cob = (ob, names[i]), None
                else:
                    callee, cob = (cob or ob, names[i]), None   # no cob=: the caller's object
                continue
            if line.startswith("positions:"):
                npos = len(line.split()) - 1
            elif line.startswith("events:"):
                ir = npos + line.split()[1:].index("Ir")
            elif line.startswith("calls="):
                pending = int(line[6:].split()[0])
            elif pending is not None:
                c = calls.setdefault((fn, callee), [0, 0])
                f_ = line.split()
                c[0] += pending
                c[1] += int(f_[ir]) if len(f_) > ir else 0
                pending = None
    return calls


def item_costs(profile):
    """(side, Wireshark call) -> [calls, inclusive Ir] for the calls that add
    items (proto_tree_add_*) and expert info (expert_add_info*); side is
    tcpstate, TCP (libwireshark's functions between the neighbours of TCP's
    exports that TCP's own code reaches without leaving that range) or other
    (the rest of libwireshark, Wireshark's helpers aside)."""
    calls = read_profile(profile)
    lib = next((f[0] for f, _ in calls if f[0] and "libwireshark" in f[0]), None)
    if not lib:
        raise RuntimeError("no libwireshark in " + profile)
    syms, addrs = exported(lib)
    tcp = tcp_exports(syms)
    first, last = min(syms[n] for n in tcp), max(syms[n] for n in tcp)
    lo = max([x for x in addrs if x < first] or [0])
    hi = min([x for x in addrs if x > last] or [1 << 64])

    def addr(fn):
        n = base(fn[1])
        if n.startswith("0x"):
            return int(n, 16)
        if n not in syms:
            raise RuntimeError("%s: a named function not exported (%s): libwireshark with debug symbols "
                               "is not what this count expects" % (lib, n))
        return syms[n]

    out_edges = {}
    for (f, g) in calls:
        if f[0] == lib and g[0] == lib:
            out_edges.setdefault(f, set()).add(g)
    fns = {f for f, _ in calls if f[0] == lib} | {g for _, g in calls if g[0] == lib}

    def reach(roots, ok):
        seen, todo = set(roots), list(roots)
        while todo:
            for g in out_edges.get(todo.pop(), ()):
                if g not in seen and ok(g):
                    seen.add(g)
                    todo.append(g)
        return seen

    helpers = reach([f for f in fns if HELPER.match(base(f[1]))], lambda g: base(g[1]).startswith("0x"))
    roots = [f for f in fns if base(f[1]) in tcp] + [
        f for f in fns if lo < addr(f) < hi and any(base(g[1]) in tcp for g in out_edges.get(f, ()))]
    tcp_fns = reach(roots, lambda g: lo < addr(g) < hi and g not in helpers)
    out = {}
    for (f, g), (n, ir) in calls.items():
        callee = base(g[1])
        if not (callee.startswith("proto_tree_add_") or EXPERT.match(callee)):
            continue
        if os.path.basename(f[0] or "") == "tcpstate.so":
            side = "tcpstate"
        elif f[0] != lib or f in helpers:
            continue
        else:
            side = "TCP" if f in tcp_fns else "other"
        c = out.setdefault((side, callee), [0, 0])
        c[0] += n
        c[1] += ir
    if not any(side == "TCP" for side, _ in out):
        raise RuntimeError("no item of TCP's found in " + profile)
    return out


def items(a, ws, wsv, gencap):
    """What an item costs, by the call that adds it: tcpstate's, TCP's, the others'."""
    mix = os.path.join(a.out, "%s-%d.pcap" % (a.kind, a.conns))
    packets = gen(gencap, a.kind, a.conns, mix)
    w = Tshark(a.plugin, wsv)
    try:
        prof = os.path.join(profile_dir(w), "items.out")
        instructions(w, ["-r", w.readable(mix), "-V"], prof)
        costs = item_costs(prof)
    finally:
        w.close()
    print("%s; `tshark -V` with the plugin, capture: %d connections, %d packets (bench/gencap.c %s); "
          "callgrind: calls per packet, instructions per call (inclusive).\n" % (ws, a.conns, packets, a.kind))
    print("| Wireshark call | tcpstate: per packet | per call | TCP: per packet | per call "
          "| tcpstate per call ÷ TCP's | other dissectors: per packet | per call |")
    print("|---|---|---|---|---|---|---|---|")
    for callee in sorted({k[1] for k in costs}, key=lambda c: (("tcpstate", c) not in costs, c)):
        per = {}
        cell = []
        for side in ("tcpstate", "TCP", "other"):
            n, ir = costs.get((side, callee), (0, 0))
            per[side] = ir / n if n else None
            cell += ["%.2f" % (n / packets), "%d" % round(ir / n)] if n else ["–", "–"]
        ratio = "%.3f" % (per["tcpstate"] / per["TCP"]) if per["tcpstate"] and per["TCP"] else "–"
        print("| `%s` | %s | %s | %s | %s | %s | %s | %s |" % tuple([callee] + cell[:4] + [ratio] + cell[4:]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugin", default=os.path.join(HERE, "..", "build", "tcpstate.so"))
    ap.add_argument("--conns", type=int, default=2000)
    ap.add_argument("--kind", choices=("mix", "web"), default="mix")
    ap.add_argument("--out", default=os.path.join(HERE, "..", "build", "bench"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--items", action="store_true", help="what an item costs, by the call that adds it")
    ap.add_argument("--linearity", action="store_true")
    ap.add_argument("--only", help="run only the modes whose label contains this text")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    ws, wsv = ws_version()
    gencap = build_gencap(a.out)
    if a.linearity:
        return linearity(a, ws, wsv, gencap)
    if a.items:
        return items(a, ws, wsv, gencap)
    mix = os.path.join(a.out, "%s-%d.pcap" % (a.kind, a.conns))
    packets = gen(gencap, a.kind, a.conns, mix)
    empty = os.path.join(a.out, "mix-0.pcap")
    gen(gencap, "mix", 0, empty)

    w, wo, bundled = Tshark(a.plugin, wsv), Bare(a.plugin, wsv), Bare(a.plugin, wsv, bundled=True)
    fin = ["-Y", "tcp.flags.fin==1"]
    # (label, env with, args with, env without, args without)
    modes = [
        ("plain `tshark -r`", w, [], wo, []),
        ("`-Y tcp.flags.fin==1`", w, fin, wo, fin),
        ("`-Y tcpstate.phase==teardown` vs `-Y tcp.flags.fin==1` without", w,
         ["-Y", "tcpstate.phase==teardown"], wo, fin),
        ("`-T fields` (TCP fields only)", w, FIELDS, wo, FIELDS),
        ("`-T fields` with 3 tcpstate fields vs 3 more TCP fields without", w, FIELDS + OURS,
         wo, FIELDS + THEIRS),
        ("`-T fields`, `tcpstate.detail` on", w, FIELDS + ["-o", "tcpstate.detail:TRUE"], wo, FIELDS),
        ("`-V`", w, ["-V"], wo, ["-V"]),
        ("`-V`, `tcpstate.detail` on", w, ["-V", "-o", "tcpstate.detail:TRUE"], wo, ["-V"]),
        ("`-2`", w, ["-2"], wo, ["-2"]),
        ("`-q -z tcpstate,sum` vs `-q -z conv,tcp` without", w,
         ["-q", "-z", "tcpstate,sum"], wo, ["-q", "-z", "conv,tcp"]),
        ("`--disable-protocol tcpstate`", w, ["--disable-protocol", "tcpstate"], wo, []),
        ("peer: transum enabled vs disabled (no tcpstate)", bundled, ["--enable-protocol", "transum"],
         bundled, []),
    ]
    if a.only:
        modes = [m for m in modes if a.only in m[0]]
    # (label, side, env, args, capture, callgrind profile): the profile of each
    # run with the plugin on the mix, for the work inside its dissector
    jobs = []
    profiles = profile_dir(w)
    prof = {}
    for i, (label, ea, aa, eb, ab) in enumerate(modes):
        if ea is w:
            prof[label] = os.path.join(profiles, "%d.out" % i)
        for side, env, args in (("with", ea, aa), ("without", eb, ab)):
            jobs.append((label, side, env, args, mix, prof.get(label, "/dev/null") if side == "with"
                         else "/dev/null"))
            jobs.append((label, side + "0", env, args, empty, "/dev/null"))
    try:
        f = {m: w.readable(m) for m in (mix, empty)}
        with ThreadPoolExecutor(max_workers=a.jobs) as ex:
            futs = {(label, side): ex.submit(instructions, env, ["-r", f[cap]] + args, out)
                    for label, side, env, args, cap, out in jobs}
            res = {k: v.result() for k, v in futs.items()}
        own = {label: own_work(path) for label, path in prof.items()}
    finally:
        w.close()
        wo.close()
        bundled.close()

    print("%s; capture: %d connections, %d packets (bench/gencap.c %s); callgrind instruction counts.\n"
          % (ws, a.conns, packets, a.kind))
    print("| mode | without | with | ratio, whole run | ratio, per-packet work | extra per packet "
          "| in tcpstate's dissector per packet |")
    print("|---|---|---|---|---|---|---|")
    for label, *_ in modes:
        wi, wo_, w0, wo0 = (res[(label, s)] for s in ("with", "without", "with0", "without0"))
        per = ((wi - w0) / (wo_ - wo0)) if wo_ > wo0 else float("nan")
        print("| %s | %.3fG | %.3fG | **%.3f** | **%.3f** | %d | %s |" % (
            label, wo_ / 1e9, wi / 1e9, wi / wo_, per, round(((wi - w0) - (wo_ - wo0)) / packets),
            round(own[label] / packets) if label in own else "–"))


def linearity(a, ws, wsv, gencap):
    """Plain `tshark -r` at four sizes, and the two extreme shapes: the plugin's
    instructions per packet."""
    rows = []
    for k in (1, 2, 4, 8):
        n = a.conns * k
        path = os.path.join(a.out, "%s-%d.pcap" % (a.kind, n))
        rows.append(("%d connections" % n, path, gen(gencap, a.kind, n, path)))
    big = rows[-1][2]
    for kind, n, label in (("synflood", big // 2, "SYN flood, %d half-open connections" % (big // 2)),
                           ("long", big, "one connection")):
        path = os.path.join(a.out, "%s-%d.pcap" % (kind, n))
        rows.append((label, path, gen(gencap, kind, n, path)))
    empty = os.path.join(a.out, "mix-0.pcap")
    gen(gencap, "mix", 0, empty)
    w, wo = Tshark(a.plugin, wsv), Bare(a.plugin, wsv)
    profiles = profile_dir(w)
    caps = [path for _, path, _ in rows] + [empty]
    try:
        f = {c: w.readable(c) for c in caps}
        prof = {c: os.path.join(profiles, "%d.out" % i) for i, c in enumerate(caps)}
        with ThreadPoolExecutor(max_workers=a.jobs) as ex:
            futs = {(c, "with"): ex.submit(instructions, w, ["-r", f[c]], prof[c]) for c in caps}
            futs.update({(c, "without"): ex.submit(instructions, wo, ["-r", f[c]]) for c in caps})
            res = {k: v.result() for k, v in futs.items()}
        own = {path: own_work(prof[path]) for _, path, _ in rows}
    finally:
        w.close()
        wo.close()
    print("%s; plain `tshark -r` on bench/gencap.c captures (%s); callgrind instruction counts, "
          "start-up (a capture with no packets) subtracted.\n" % (ws, a.kind))
    print("| capture | packets | Wireshark per packet | in tcpstate's dissector per packet "
          "| with minus without per packet | ratio, per-packet work |")
    print("|---|---|---|---|---|---|")
    w0, wo0 = res[(empty, "with")], res[(empty, "without")]
    for label, c, n in rows:
        base = (res[(c, "without")] - wo0) / n
        extra = (res[(c, "with")] - w0) / n - base
        print("| %s | %d | %d | %d | %d | %.3f |" % (label, n, round(base), round(own[c] / n),
                                                     round(extra), 1 + extra / base))


if __name__ == "__main__":
    main()
