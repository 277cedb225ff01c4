#!/usr/bin/env python3
"""The plugin's guess of the capture point (tcpstate.vantage) on the truth-rig
samples, against where each capture was really taken.

Truth: NAME.client.pcap was captured on the client host (10.98.1.1 /
fd00:98:1::1), NAME.server.pcap on the server host (10.98.2.2 / fd00:98:2::2),
NAME.router.pcap in the middle. The plugin names the ends by role: "client"
means near the endpoint it calls the client (the one whose SYN it saw first).
So the expected value is "client" when the capture host is the plugin's
client, "server" when it is the plugin's server, "middle" at the router.

"unknown" is right only where no round trip each way can be measured: no
segment from one side was ever acknowledged by the other (refused, unanswered
SYN, a SYN dropped by a full backlog). Anything else is a wrong guess.

Checked on each connection's last segment (the value is as of that segment).
"""
import argparse
import glob
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_env import Tshark  # noqa: E402

HOSTS = {"client": {"10.98.1.1", "fd00:98:1::1"}, "server": {"10.98.2.2", "fd00:98:2::2"}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugin", required=True)
    ap.add_argument("--ws-version", required=True)
    ap.add_argument("--samples", required=True, help="samples/rig")
    a = ap.parse_args()
    ts = Tshark(a.plugin, a.ws_version)
    right = unknown = 0
    wrong = []
    for pcap in sorted(glob.glob(os.path.join(a.samples, "*.pcap"))):
        name = os.path.basename(pcap)[:-5]
        point = name.rsplit(".", 1)[1]
        _, out, _ = ts.run(["-r", ts.readable(pcap), "-T", "fields", "-E", "occurrence=f",
                            "-e", "tcp.stream", "-e", "tcpstate.sender", "-e", "ip.src",
                            "-e", "ipv6.src", "-e", "tcpstate.vantage", "-e", "tcp.ack",
                            "-e", "tcp.flags.ack"])
        conns = {}
        for line in out.splitlines():
            f = line.split("\t")
            if len(f) < 7 or not f[0]:
                continue
            c = conns.setdefault(f[0], {"client": None, "acked": set(), "last": None})
            src = f[2] or f[3]
            if f[1] == "client" and c["client"] is None:
                c["client"] = src
            if f[1] in ("client", "server") and f[6] in ("1", "True") and int(f[5] or 0) > 1:
                c["acked"].add(f[1])
            c["last"] = f[4]
        for stream, c in sorted(conns.items()):
            if point == "router":
                want = "middle"
            else:
                want = "client" if c["client"] in HOSTS[point] else "server"
            got = c["last"]
            if got == want:
                right += 1
            elif got == "unknown" and len(c["acked"]) < 2:
                unknown += 1
            else:
                wrong.append("%s stream %s: got %s, want %s" % (name, stream, got, want))
    for w in wrong:
        print("WRONG " + w)
    print("vantage: %d right, %d unknown (no round trip each way), %d wrong" % (right, unknown, len(wrong)))
    return 1 if wrong or not right else 0


if __name__ == "__main__":
    sys.exit(main())
