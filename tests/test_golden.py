#!/usr/bin/env python3
"""tshark golden tests: the plugin's fields on every sample, one pass and two
passes, against expected files in tests/golden/.

Each expected file says in its header how its values were checked (the
kernel's recorded transitions next to the sample, and RFC 9293). X.tsv holds
the two-pass values; X.1pass.tsv, where present, the single-pass ones, which
differ only in the few documented hindsight values.
"""
import os
import re
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


# The server's merged FIN+ACK of merged-finack.pcap (frame 9), as README.md shows it.
DETAIL_TREE = """TCP State: teardown step 3 of 4, client FIN_WAIT_1 → TIME_WAIT, server CLOSE_WAIT → LAST_ACK
    Phase: teardown
    Sender: server (10.99.0.2:8003)
    Client state: TIME_WAIT (was FIN_WAIT_1, via FIN_WAIT_2)
    [Client passed through: FIN_WAIT_2]
    Server state: LAST_ACK (was CLOSE_WAIT)
    Step: 3 (steps 2 and 3 in one segment: the passive closer's ACK and FIN)
    [State changed: True]
    [Acknowledges frame: 8]
    [Zeek conn_state: SF]
    [Zeek history: ShADadFf]
    [Sender's time in its state: 0.000169038 seconds]
    [Since the first FIN: 0.000169038 seconds]
    [Client leaves TIME_WAIT in 120.000 s (2*MSL after it entered it)]
    [Capture point: unknown (a round trip each way not measured yet, or under 1 ms)]"""
SHORT_TREE = """TCP State
    Phase: teardown
    Sender: server
    Client state: TIME_WAIT
    [Client passed through: FIN_WAIT_2]
    Server state: LAST_ACK
    Step: steps 2 and 3 in one segment: the passive closer's ACK and FIN (3)
    [State changed: True]
    [Acknowledges frame: 8]
    [Zeek conn_state: SF]
    [Zeek history: ShADadFf]
    [Sender's time in its state: 0.000169038 seconds]
    [Since the first FIN: 0.000169038 seconds]
    [TIME_WAIT left: 120.000000000 seconds (client)]
    [Capture point: unknown]"""


UNITS = {"hours": 3600, "minutes": 60, "seconds": 1, "milliseconds": 1e-3, "microseconds": 1e-6,
         "nanoseconds": 1e-9}


def seconds(m):
    """Wireshark 4.6 prints a relative time in the largest fitting unit."""
    return "%.9f seconds" % (float(m.group(1)) * UNITS[m.group(2)])


def tree_of(out):
    out = re.sub(r"(\d+(?:\.\d+)?) (%s)\b" % "|".join(UNITS), seconds, out)
    lines = out.splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith("TCP State"))
    body = [lines[start]]
    for l in lines[start + 1:]:
        if not l.startswith("    ") or "Expert Info" in l:
            break
        body.append(l)
    return "\n".join(body)


def tree_shape(ts, a):
    """What a tree someone reads holds: every field, labels as Wireshark makes
    them by default, explained with the detail preference; the step as a
    number in a column; fields asked for by -e or a filter either way."""
    checks, failures = 0, 0
    pcap = ts.readable(os.path.join(a.samples, "merged-finack.pcap"))
    cases = [("short tree", [], SHORT_TREE), ("detail tree", ["-o", "tcpstate.detail:TRUE"], DETAIL_TREE)]
    for label, extra, want in cases:
        _, out, err = ts.run(["-r", pcap, "-O", "tcpstate", "-Y", "frame.number==9"] + extra)
        got = tree_of(out)
        checks += 1
        if got != want:
            failures += 1
            print("FAIL %s of merged-finack frame 9:\n%s\nwant:\n%s %s" % (label, got, want, err))
        else:
            print("ok   %s of merged-finack frame 9" % label)
    _, out, err = ts.run(["-r", pcap, "-o", 'gui.column.format:"No.","%m","Step","%Cus:tcpstate.step"'])
    steps = [l.split()[1] if len(l.split()) > 1 else "" for l in out.splitlines()]
    checks += 1
    if steps != ["1", "2", "3", "", "", "", "", "1", "3", "4"]:
        failures += 1
        print("FAIL step column of merged-finack: %r %s" % (steps, err))
    else:
        print("ok   step column of merged-finack: numbers")
    fields = ["tcpstate.history", "tcpstate.conn_state", "tcpstate.client.via", "tcpstate.transition"]
    want = ["ShADadFf", "SF", "FIN_WAIT_2",
            "teardown step 3 of 4, client FIN_WAIT_1 → TIME_WAIT, server CLOSE_WAIT → LAST_ACK"]
    for label, filt in (("-T fields", "frame.number == 9"),
                        ("-T fields with a filter on one", "tcpstate.history == \"ShADadFf\" && tcpstate.step == 3")):
        args = ["-r", pcap, "-Y", filt, "-T", "fields", "-E", "separator=|"]
        for f in fields:
            args += ["-e", f]
        _, out, err = ts.run(args)
        rows = [l.split("|") for l in out.splitlines()]
        checks += 1
        if rows != [want]:
            failures += 1
            print("FAIL %s: the other fields without the detail preference: %r %s" % (label, rows, err))
        else:
            print("ok   %s: the other fields without the detail preference" % label)
    return checks, failures


def expert_filters(ts, a):
    """A filter on expert info finds tcpstate's, whether or not it names a
    tcpstate field; the reference is the expert's or the flag's own field.
    Summary lines, not -T fields: Wireshark 4.0 builds a tree someone reads
    for -T fields, and the tree here must be one nobody reads."""
    checks = failures = 0
    cases = (
        ("merged-finack", [], '_ws.expert.message contains "ACK and FIN merged"', "tcpstate.merged_finack"),
        ("simultaneous-close", ["-2"], 'tcpstate.phase && _ws.expert.message contains "revised with hindsight"',
         "tcpstate.revised"),
        ("simultaneous-close", ["-2"], '_ws.expert.message contains "revised with hindsight"', "tcpstate.revised"),
    )
    for base, extra, filt, ref in cases:
        pcap = ts.readable(os.path.join(a.samples, base + ".pcap"))
        got, want = ([l.split()[0] for l in ts.run(["-r", pcap] + extra + ["-Y", f])[1].splitlines() if l.strip()]
                     for f in (filt, ref))
        checks += 1
        if not want or got != want:
            failures += 1
            print("FAIL %s %s: -Y '%s' gave frames %s, -Y %s gave %s" % (base, " ".join(extra), filt, got, ref, want))
        else:
            print("ok   %s %s: -Y '%s' finds frames %s" % (base, " ".join(extra), filt, " ".join(want)))
    return checks, failures


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
        for check in (tree_shape, expert_filters):
            c, f = check(ts, a)
            checked += c
            failures += f
    finally:
        ts.close()
    print("golden: %d passed, %d failed" % (checked - failures, failures))
    return 1 if failures or not checked else 0


if __name__ == "__main__":
    sys.exit(main())
