#!/usr/bin/env python3
"""The benchmark: tshark with vs without tcpstate on large generated captures.

    bench/run.py [--plugin build/tcpstate.so] [--runs 5] [--scale 1.0] [--out build/bench]
    bench/run.py --only "SYN flood"     (the rows whose label has this text)

Generates captures with bench/gencap.c (a mix of 130k connections, ~1M packets,
at four sizes; the same mix as web traffic, HTTP on port 80; a SYN flood of
1M half-open connections; one connection of 1M segments), then for each mode
runs tshark without and with the plugin, alternating, --runs times each, and
prints a Markdown table: median wall and CPU times, peak RSS, their ratios.
Also Wireshark's bundled postdissector transum, measured the same way, as a
peer. Measures; asserts nothing.
Takes about 20 minutes at --scale 1 on 2 cores; --scale 0.1 for a quick look.
"""
import argparse
import os
import platform
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "tests"))
from compare import Bare, compare  # noqa: E402
from tshark_env import Tshark  # noqa: E402


# -T fields arguments of the bench's field rows (instructions.py uses them too)
FIELDS = ["-T", "fields", "-e", "frame.number", "-e", "tcp.stream", "-e", "tcp.flags.str"]
OURS = ["-e", "tcpstate.phase", "-e", "tcpstate.client.state", "-e", "tcpstate.server.state"]
THEIRS = ["-e", "tcp.seq", "-e", "tcp.ack", "-e", "tcp.len"]  # as many columns, from TCP


def sh(cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True)


def build_gencap(out):
    """Compiles bench/gencap.c with the capture writer of tools/craft into out/gencap."""
    craft = os.path.join(HERE, "..", "tools", "craft")
    gencap = os.path.join(out, "gencap")
    sh(["cc", "-O2", "-I", craft, "-o", gencap, os.path.join(HERE, "gencap.c"),
        os.path.join(craft, "craftlib.c"), "-lpcap"])
    return gencap


def gen(gencap, mode, count, path):
    if not os.path.exists(path):
        r = sh([gencap, mode, str(count), path])
        sys.stderr.write(r.stderr)
    out = sh(["capinfos", "-c", "-M", path]).stdout
    return int(out.split()[-1])


def ws_version():
    """(tshark's version line, its major.minor)."""
    ws = sh(["tshark", "--version"]).stdout.splitlines()[0]
    wsv = ".".join(ws.split()[2].split(".")[:2]) if ws.split()[2][0].isdigit() else None
    if not wsv:
        wsv = ".".join(ws.split("(")[1].split()[1].split(".")[:2])
    return ws, wsv


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugin", default=os.path.join(HERE, "..", "build", "tcpstate.so"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--out", default=os.path.join(HERE, "..", "build", "bench"))
    ap.add_argument("--only", help="run only the rows whose label contains this text")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    ws, wsv = ws_version()
    gencap = build_gencap(a.out)

    conns = int(130000 * a.scale)
    sizes = [conns // 8, conns // 4, conns // 2, conns]
    mix = {n: os.path.join(a.out, "mix-%d.pcap" % n) for n in sizes}
    npk = {n: gen(gencap, "mix", n, p) for n, p in mix.items()}
    web = {n: os.path.join(a.out, "web-%d.pcap" % n) for n in (sizes[0], conns)}
    for n, p in web.items():
        gen(gencap, "web", n, p)
    flood_n = int(1000000 * a.scale)
    flood = os.path.join(a.out, "synflood-%d.pcap" % flood_n)
    flood_pk = gen(gencap, "synflood", flood_n, flood)
    long_n = int(1000000 * a.scale)
    longc = os.path.join(a.out, "long-%d.pcap" % long_n)
    long_pk = gen(gencap, "long", long_n, longc)

    w = Tshark(a.plugin, wsv)
    wo = Bare(a.plugin, wsv)
    bundled = Bare(a.plugin, wsv, bundled=True)
    rows = []

    def row(label, capture, env_a, args_a, env_b, args_b, goal=""):
        if a.only and a.only not in label:
            return None
        f = w.readable(capture)
        r = compare(env_a, ["-r", f] + args_a, env_b, ["-r", f] + args_b, a.runs)
        rows.append((label, r, goal))
        sys.stderr.write("%-60s %.3f %.3f %.3f\n" % (label, r["time_ratio"], r["cpu_ratio"], r["rss_ratio"]))
        return r

    big = mix[conns]
    try:
        row("plain `tshark -r` (summary lines)", big, w, [], wo, [], "≤ 1.10")
        row("`-Y tcp.flags.fin==1`", big, w, ["-Y", "tcp.flags.fin==1"], wo, ["-Y", "tcp.flags.fin==1"], "≤ 1.05")
        row("`-Y tcpstate.phase==teardown` vs `-Y tcp.flags.fin==1` without", big,
            w, ["-Y", "tcpstate.phase==teardown"], wo, ["-Y", "tcp.flags.fin==1"], "≤ 1.05")
        row("`-T fields` (TCP fields only)", big, w, FIELDS, wo, FIELDS, "≤ 1.05")
        row("`-T fields` with 3 tcpstate fields vs 3 more TCP fields without", big, w, FIELDS + OURS,
            wo, FIELDS + THEIRS, "")
        row("`-2` (two passes)", big, w, ["-2"], wo, ["-2"], "")
        # -q alone does not dissect; Wireshark's own TCP conversation table is the peer
        row("`-q -z tcpstate,sum` vs `-q -z conv,tcp` without", big, w, ["-q", "-z", "tcpstate,sum"],
            wo, ["-q", "-z", "conv,tcp"], "")
        row("`--disable-protocol tcpstate`", big, w, ["--disable-protocol", "tcpstate"], wo, [], "≤ 1.01")
        row("`-V` (%d packets)" % npk[sizes[0]], mix[sizes[0]], w, ["-V"], wo, ["-V"], "≤ 1.05")
        row("peer: transum enabled vs disabled (no tcpstate)", big,
            bundled, ["--enable-protocol", "transum"], bundled, [], "")
        # The same connections with HTTP in them: a payload dissector, as in most captures
        row("web (HTTP): plain `tshark -r`", web[conns], w, [], wo, [], "")
        row("web (HTTP): `-Y tcpstate.phase==teardown` vs `-Y tcp.flags.fin==1` without", web[conns],
            w, ["-Y", "tcpstate.phase==teardown"], wo, ["-Y", "tcp.flags.fin==1"], "")
        row("web (HTTP): `-V` (%d packets)" % npk[sizes[0]], web[sizes[0]], w, ["-V"], wo, ["-V"], "")
        lin = []
        for n in sizes:
            r = row("linearity: plain, %d packets" % npk[n], mix[n], w, [], wo, [])
            if r:
                lin.append((npk[n], r))
        fl = row("SYN flood, %d half-open connections (%d packets)" % (flood_n, flood_pk), flood, w, [], wo, [])
        lg = row("one connection, %d packets" % long_pk, longc, w, [], wo, [])
    finally:
        w.close()
        wo.close()
        bundled.close()

    print("Machine: %s, %d cores; %s; %d alternating runs per row, medians.\n" % (
        platform.processor() or platform.machine(), os.cpu_count(), ws, a.runs))
    print("| mode | without | with | time ratio | CPU time ratio | peak RSS without | with | RSS ratio | goal (time) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for label, r, goal in rows:
        print("| %s | %.2f s | %.2f s | **%.3f** | %.3f | %d MiB | %d MiB | %.3f | %s |" % (
            label, r["time_b"], r["time_a"], r["time_ratio"], r["cpu_ratio"], r["rss_b"] // 1024,
            r["rss_a"] // 1024, r["rss_ratio"], goal))
    if lg:
        per_packet = (lg["rss_a"] - lg["rss_b"]) * 1024.0 / long_pk
        print("\nExtra memory: %.0f bytes per packet (one long connection)." % per_packet)
        if fl:
            print("Extra memory: %.0f bytes per connection (SYN flood, after the per-packet part)." %
                  (((fl["rss_a"] - fl["rss_b"]) * 1024.0 - per_packet * flood_pk) / flood_n))
    elif fl:
        print("\nExtra memory: %.0f bytes per connection (SYN flood, all of it)." %
              ((fl["rss_a"] - fl["rss_b"]) * 1024.0 / flood_n))
    if lin:
        print("\nTime added per packet (with - without) / packets, by capture size:")
    for n, r in lin:
        print("- %d packets: %.2f µs per packet (%.2f s vs %.2f s)" % (
            n, (r["time_a"] - r["time_b"]) * 1e6 / n, r["time_a"], r["time_b"]))


if __name__ == "__main__":
    main()
