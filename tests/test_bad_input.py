#!/usr/bin/env python3
"""Bad input must give "unknown" values or expert info: never a crash, an
assertion or a "Dissector bug" message.

Crafted captures (raw IPv4, written by tools/craft from the scenarios below)
plus every sample cut short with editcap -s and mutated with editcap -E.
"""
import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_env import Tshark, problems  # noqa: E402

# Scenarios of tools/craft (tools/craft/README.md): raw IPv4 between a client
# and a server, one frame a second.
HEAD = """link raw
client 10.1.0.1:40000 isn=1000
server 10.1.0.2:80 isn=5000
"""
HANDSHAKE = """0 c>s S
1 s>c SA
2 c>s A
"""
CASES = {
    # name: (scenario, frames whose tcpstate.phase must be "unknown")
    "truncated-header": ("0 c>s S seq=1 caplen=30", {1}),
    "doff-too-small": ("0 c>s S seq=1 doff=2", {1}),
    "doff-too-large": ("0 c>s S seq=1 doff=15", {1}),
    "syn-fin-first": ("0 c>s SF seq=1", {1}),
    "syn-rst-midway": (HANDSHAKE + "3 s>c SR", {4}),
    "fin-no-ack": (HANDSHAKE + "3 c>s F", {4}),
    "null-flags": ("0 c>s - seq=1", {1}),
    # no bytes captured, of a frame of 0 and of 60 bytes
    "zero-length": ("0 raw -\n1 raw - origlen=60", set()),
    # UDP 53 -> 53, then an ICMP echo request
    "non-tcp": ("0 raw 4500001c00010000401166cc0a0100010a0100020035003500080000\n"
                "1 raw 4500001c00010000400166dc0a0100010a0100020800f7ff00000000", set()),
    # ICMP port unreachable quoting a TCP SYN: not a segment of a connection
    "icmp-quoting-tcp": ("0 raw 4500004400010000400166b40a0100010a0100020303000000000000"
                         "4500002800010000400666cb0a0100010a0100029c40005000000001000000005002ffff00000000",
                         set()),
    "ip-total-length-short": ("0 c>s S seq=1 iplen=30", set()),
    "empty": ("", set()),
}


def crafted(tmp, craft):
    """{path of the capture: frames that must be unknown} of every case, crafted in tmp."""
    out = {}
    for name, (scenario, unknown) in CASES.items():
        scn, path = os.path.join(tmp, name + ".scn"), os.path.join(tmp, name + ".pcap")
        with open(scn, "w") as f:
            f.write(HEAD + scenario + "\n")
        subprocess.run([craft, scn, path], check=True)
        os.chmod(path, 0o644)
        out[path] = unknown
    return out


def sample_variants(sample, tmp):
    """sample cut short with editcap -s at several snap lengths (inside the
    link, IP and TCP headers) and mutated with editcap -E: paths in tmp."""
    base = os.path.basename(sample)[:-5]
    variants = []
    for snap in (20, 34, 40, 54, 60):
        p = os.path.join(tmp, "%s-s%d.pcap" % (base, snap))
        subprocess.run(["editcap", "-s", str(snap), sample, p], check=True, stdout=subprocess.DEVNULL)
        variants.append(p)
    for seed in range(3):
        p = os.path.join(tmp, "%s-e%d.pcap" % (base, seed))
        subprocess.run(["editcap", "--seed", str(seed + 1), "-E", "0.05", sample, p], check=True,
                       stdout=subprocess.DEVNULL)
        variants.append(p)
    for p in variants:
        os.chmod(p, 0o644)
    return variants


def check_run(ts, pcap, args, failures):
    rc, out, err = ts.run(["-r", pcap] + args, check=False)
    bad = problems(rc, out, err)
    if bad:
        failures.append("%s %s: %s %s" % (os.path.basename(pcap), " ".join(args), bad, err.strip()[:300]))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugin", required=True)
    ap.add_argument("--ws-version", required=True)
    ap.add_argument("--samples", required=True)
    ap.add_argument("--craft", required=True, help="the craft tool (tools/craft)")
    a = ap.parse_args()
    ts = Tshark(a.plugin, a.ws_version)
    tmp = tempfile.mkdtemp(prefix="tcpstate-bad-")
    os.chmod(tmp, 0o755)
    failures, runs = [], 0
    try:
        for pcap, unknown in crafted(tmp, a.craft).items():
            for args in (["-V"], ["-2", "-o", "tcpstate.detail:TRUE", "-V"], ["-T", "fields", "-e", "frame.number", "-e", "tcpstate.phase",
                                               "-e", "tcpstate.client.state", "-e", "tcpstate.server.state"]):
                out = check_run(ts, pcap, args, failures)
                runs += 1
            rows = [l.split("\t") for l in out.splitlines()]
            for row in rows:
                if int(row[0]) in unknown and row[1] != "unknown":
                    failures.append("%s frame %s: phase %r, want unknown" % (os.path.basename(pcap), row[0], row[1]))
            for n in unknown:
                if not any(int(r[0]) == n for r in rows):
                    failures.append("%s: frame %d missing" % (os.path.basename(pcap), n))
        samples = sorted(glob.glob(os.path.join(a.samples, "*.pcap")))
        for sample in samples:
            for p in sample_variants(sample, tmp):
                for args in (["-V"], ["-2", "-V"]):
                    check_run(ts, p, args, failures)
                    runs += 1
    finally:
        ts.close()
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print("FAIL", f)
    print("bad input: %d tshark runs, %d failures" % (runs, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
