#!/usr/bin/env python3
"""tshark golden tests: the plugin's fields on every sample, one pass and two
passes, against expected files in tests/golden/.

Each expected file says in its header how its values were checked (the
kernel's recorded transitions next to the sample, and RFC 9293). X.tsv holds
the two-pass values; X.1pass.tsv, where present, the single-pass ones, which
differ only in the few documented hindsight values.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_env import Tshark, common_args  # noqa: E402

FIELDS = ["frame.number", "tcp.stream", "tcpstate.sender", "tcpstate.phase", "tcpstate.step",
          "tcpstate.client.prev", "tcpstate.client.state", "tcpstate.server.prev",
          "tcpstate.server.state", "tcpstate.acks_frame", "tcpstate.revised"]
HEADER = "\t".join(f.replace("tcpstate.", "") for f in FIELDS)


def load(path):
    with open(path) as f:
        return [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]


def render(rows):
    return [HEADER] + ["\t".join(r) for r in rows]


def diff(want, got):
    out = []
    for i in range(max(len(want), len(got))):
        w = want[i] if i < len(want) else "(none)"
        g = got[i] if i < len(got) else "(none)"
        if w != g:
            out.append("  line %d\n    want: %s\n    got:  %s" % (i + 1, w, g))
    return out


def main():
    a = common_args(sys.argv[1:])
    ts = Tshark(a.plugin, a.ws_version)
    failures, checked = 0, 0
    try:
        for name in sorted(os.listdir(a.golden)):
            if not name.endswith(".tsv") or name.endswith(".1pass.tsv"):
                continue
            base = name[:-4]
            pcap = ts.readable(os.path.join(a.samples, base + ".pcap"))
            two = load(os.path.join(a.golden, name))
            one_path = os.path.join(a.golden, base + ".1pass.tsv")
            one = load(one_path) if os.path.exists(one_path) else two
            for label, want, two_pass in (("one pass", one, False), ("two passes", two, True)):
                rows, _ = ts.fields(pcap, FIELDS, two_pass=two_pass)
                got = render(rows)
                d = diff(want, got)
                checked += 1
                if d:
                    failures += 1
                    print("FAIL %s (%s)\n%s" % (base, label, "\n".join(d)))
                else:
                    print("ok   %s (%s)" % (base, label))
            # The display filter by name selects exactly the expected teardown segments.
            phase_col = FIELDS.index("tcpstate.phase")
            want_td = [r.split("\t")[0] for r in two[1:] if r.split("\t")[phase_col] == "teardown"]
            _, out, _ = ts.run(["-r", pcap, "-2", "-Y", "tcpstate.phase==teardown", "-T", "fields",
                                "-e", "frame.number"])
            checked += 1
            if out.split() != want_td:
                failures += 1
                print("FAIL %s: -Y tcpstate.phase==teardown gave frames %s, want %s" % (base, out.split(), want_td))
            else:
                print("ok   %s (-Y tcpstate.phase==teardown: %d frames)" % (base, len(want_td)))
        # Preference tcpstate.msl: with MSL 0 the client's TIME_WAIT (entered at frame 10 of
        # client-close) has expired by frame 11, 39 us later: RFC 9293, TIME-WAIT times out
        # after 2*MSL to CLOSED. With the default (60 s) it has not.
        pcap = ts.readable(os.path.join(a.samples, "client-close.pcap"))
        for msl, want in (("0", "CLOSED"), ("60", "TIME_WAIT")):
            _, out, _ = ts.run(["-r", pcap, "-o", "tcpstate.msl:" + msl, "-Y", "frame.number==11",
                                "-T", "fields", "-e", "tcpstate.client.prev"])
            checked += 1
            if out.strip() != want:
                failures += 1
                print("FAIL msl %s: client state before frame 11 is %r, want %s" % (msl, out.strip(), want))
            else:
                print("ok   tcpstate.msl:%s -> client %s before frame 11" % (msl, want))
    finally:
        ts.close()
    print("golden: %d passed, %d failed" % (checked - failures, failures))
    return 1 if failures or not checked else 0


if __name__ == "__main__":
    sys.exit(main())
