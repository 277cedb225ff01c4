#!/usr/bin/env python3
"""Bad input must give "unknown" values or expert info: never a crash, an
assertion or a "Dissector bug" message.

Crafted captures (raw IPv4, written here byte by byte) plus every sample cut
short with editcap -s and mutated with editcap -E.
"""
import glob
import os
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_env import Tshark, common_args, problems  # noqa: E402

LINKTYPE_RAW = 101
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ipv4(proto, payload, src="10.1.0.1", dst="10.1.0.2", total=None):
    a = bytes(int(x) for x in src.split("."))
    b = bytes(int(x) for x in dst.split("."))
    total = 20 + len(payload) if total is None else total
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 1, 0, 64, proto, 0, a, b)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def tcp(sport, dport, seq, ack, flags, payload=b"", doff=5):
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, doff << 4, flags, 65535, 0, 0) + payload


def write_pcap(path, packets):
    """packets: list of (bytes, orig_len or None)."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, LINKTYPE_RAW))
        for i, (data, orig) in enumerate(packets):
            f.write(struct.pack("<IIII", 1000 + i, 0, len(data), orig if orig else len(data)))
            f.write(data)
    os.chmod(path, 0o644)


def crafted(tmp):
    c, s = (40000, 80)
    back = {"src": "10.1.0.2", "dst": "10.1.0.1"}
    hs = [ipv4(6, tcp(c, s, 1000, 0, SYN)), ipv4(6, tcp(s, c, 5000, 1001, SYN | ACK), **back),
          ipv4(6, tcp(c, s, 1001, 5001, ACK))]
    cases = {
        # name: (packets, frames whose tcpstate.phase must be "unknown")
        "truncated-header": ([(ipv4(6, tcp(c, s, 1, 0, SYN))[:30], 40)], {1}),
        "doff-too-small": ([(ipv4(6, tcp(c, s, 1, 0, SYN, doff=2)), None)], {1}),
        "doff-too-large": ([(ipv4(6, tcp(c, s, 1, 0, SYN, doff=15)), None)], {1}),
        "syn-fin-first": ([(ipv4(6, tcp(c, s, 1, 0, SYN | FIN)), None)], {1}),
        "syn-rst-midway": ([(p, None) for p in hs] + [(ipv4(6, tcp(s, c, 5001, 0, SYN | RST), **back), None)], {4}),
        "fin-no-ack": ([(p, None) for p in hs] + [(ipv4(6, tcp(c, s, 1001, 0, FIN)), None)], {4}),
        "null-flags": ([(ipv4(6, tcp(c, s, 1, 0, 0)), None)], {1}),
        "zero-length": ([(b"", 0), (b"", 60)], set()),
        "non-tcp": ([(ipv4(17, struct.pack("!HHHH", 53, 53, 8, 0)), None),
                     (ipv4(1, b"\x08\x00\xf7\xff\x00\x00\x00\x00"), None)], set()),
        # ICMP port unreachable quoting a TCP header: not a segment of a connection
        "icmp-quoting-tcp": ([(ipv4(1, b"\x03\x03\x00\x00\x00\x00\x00\x00" +
                                    ipv4(6, tcp(c, s, 1, 0, SYN))), None)], set()),
        "ip-total-length-short": ([(ipv4(6, tcp(c, s, 1, 0, SYN), total=30), None)], set()),
        "empty": ([], set()),
    }
    out = {}
    for name, (pkts, unknown) in cases.items():
        path = os.path.join(tmp, name + ".pcap")
        write_pcap(path, pkts)
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
    a = common_args(sys.argv[1:])
    ts = Tshark(a.plugin, a.ws_version)
    tmp = tempfile.mkdtemp(prefix="tcpstate-bad-")
    os.chmod(tmp, 0o755)
    failures, runs = [], 0
    try:
        for pcap, unknown in crafted(tmp).items():
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
