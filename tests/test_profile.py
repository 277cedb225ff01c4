#!/usr/bin/env python3
"""The "TCP States" profile loads in the real tshark: its columns show the
plugin's fields and its coloring rules compile and match the right segments."""
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_env import Tshark, common_args  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PROFILE = os.path.join(HERE, "..", "profile", "TCP States")

# (sample, frame, coloring rule): refused frame 2 is the RST answering the SYN
# (expert info tcpstate.refused), client-rst frame 8 the client's RST,
# client-close 8-11 the teardown, 1-3 the handshake.
EXPECT = [("refused", 2, "TCP State: anomaly"), ("client-rst", 8, "TCP State: reset"),
          ("client-close", 1, "TCP State: handshake"), ("client-close", 8, "TCP State: teardown"),
          ("client-close", 11, "TCP State: teardown"), ("client-close", 5, "")]


def main():
    a = common_args(sys.argv[1:])
    ts = Tshark(a.plugin, a.ws_version)
    failures, checks = [], 0
    try:
        dest = os.path.join(ts.home, ".config", "wireshark", "profiles", "TCP States")
        shutil.copytree(PROFILE, dest)
        for root, dirs, files in os.walk(os.path.join(ts.home, ".config")):
            for n in dirs + files:
                os.chmod(os.path.join(root, n), 0o755)
            os.chmod(root, 0o755)
        pcap = ts.readable(os.path.join(a.samples, "client-close.pcap"))
        _, out, err = ts.run(["-C", "TCP States", "-r", pcap])
        checks += 1
        row8 = out.splitlines()[7].split()
        if "teardown" not in row8 or "FIN_WAIT_1" not in row8 or "CLOSE_WAIT" not in row8 or err.strip():
            failures.append("profile columns on client-close frame 8: %r %s" % (out.splitlines()[7], err))
        for sample, frame, rule in EXPECT:
            pcap = ts.readable(os.path.join(a.samples, sample + ".pcap"))
            _, out, err = ts.run(["-C", "TCP States", "--color", "-r", pcap, "-Y", "frame.number==%d" % frame,
                                  "-T", "fields", "-e", "frame.coloring_rule.name"])
            checks += 1
            if out.strip() != rule or "Could not compile" in err:
                failures.append("%s frame %d: coloring rule %r, want %r %s" % (sample, frame, out.strip(), rule, err))
    finally:
        ts.close()
    for f in failures:
        print("FAIL", f)
    print("profile: %d passed, %d failed" % (checks - len(failures), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
