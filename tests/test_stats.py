#!/usr/bin/env python3
"""tshark -z tcpstate,sum / conv / ts / ladder on the samples.

Where the expected values come from:

* Endpoint states at the end of a connection: the kernel's own record next to
  each sample (samples/NAME.kernel, parsed as in test_kernel_agreement.py):
  the last state of each socket, where a socket leaving FIN_WAIT2 or CLOSING
  logs '-> TCP_CLOSE' but is then in TIME_WAIT (every sample is shorter than
  the kernel's 60 s TIME_WAIT, so it is still there at the end). Listener
  sockets (remote port 0) are not endpoints of a connection. The mapping for
  a connection without an accepted socket on the server:
    - the client's SYN was never answered (client still SYN_SENT): nothing
      shows the SYN arrived, so the server endpoint is the passive-open
      LISTEN that RFC 9293 section 3.5 starts from;
    - the client went SYN_SENT -> CLOSE without ESTABLISHED: a RST refused
      the SYN (RFC 9293 section 3.10.7.1: a SYN to a CLOSED port gets a RST):
      the server endpoint is CLOSED.
* Who closed first: the first socket to leave ESTABLISHED in the kernel
  record (to FIN_WAIT1 for a FIN, to CLOSE for an abort); for a refused
  connection the server (its RST), for an unanswered SYN nobody ('-'). In the
  simultaneous close both FINs left within a microsecond and the two clocks
  (kernel, capture) disagree on the order: either is accepted.
* Handshake RTT: Wireshark's own tcp.analysis.initial_rtt (SYN to the ACK of
  the SYN-ACK), duration: frame.time_relative of the last frame.
* The time series and the ladder of client-close: RFC 9293 walked through by
  hand below, with the segment times read from the capture.

One pass and two passes: every output is computed when tshark draws, at the
end of the capture, from the final (hindsight) view, so both must be equal.
"""
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_env import Tshark, common_args  # noqa: E402
from test_kernel_agreement import kernel_sequences  # noqa: E402

STATES = ["CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2",
          "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT"]

failures = []
checked = 0


def check(ok, label, detail=""):
    global checked
    checked += 1
    if ok:
        print("ok   %s" % label)
    else:
        failures.append(label)
        print("FAIL %s%s" % (label, ("\n     " + detail) if detail else ""))


def server_port(kernel_path):
    with open(kernel_path) as f:
        m = re.search(r"server port (\d+)", f.readline())
    return int(m.group(1))


def kernel_expectation(kernel_path):
    """(client endpoint, server endpoint, client final, server final, closer) of the sample's
    one connection, from the kernel record."""
    port = server_port(kernel_path)
    seqs = kernel_sequences(kernel_path)
    client = [k for k in seqs if k[3] == port]
    server = [k for k in seqs if k[1] == port and k[3] != 0]
    assert len(client) == 1 and len(server) <= 1, (kernel_path, seqs)
    cseq = seqs[client[0]]
    cfinal = cseq[-1]
    if server:
        sfinal = seqs[server[0]][-1]
    elif cfinal == "SYN_SENT":
        sfinal = "LISTEN"
    else:
        assert "ESTABLISHED" not in cseq and cfinal == "CLOSED"
        sfinal = "CLOSED"
    # who left ESTABLISHED first, by the kernel's clock
    closer = "-"
    if not server and cfinal == "CLOSED":
        closer = "server"
    else:
        first = None
        with open(kernel_path) as f:
            for line in f:
                m = re.search(r"sport=(\d+) dport=(\d+).*oldstate=TCP_ESTABLISHED newstate=(\S+)", line)
                if m and m.group(3) in ("TCP_FIN_WAIT1", "TCP_CLOSE"):
                    t = float(line.split()[0])
                    role = "server" if int(m.group(1)) == port else "client"
                    if first is None or t < first[0]:
                        first = (t, role)
        if first:
            closer = first[1]
    return client[0], server[0] if server else None, cfinal, sfinal, closer


def parse_sum(out):
    """{state: count} of the endpoint block of -z tcpstate,sum."""
    block = out.split("Endpoint states at the end", 1)[1].split("\n\n", 1)[0]
    counts = {}
    for line in block.splitlines()[1:]:
        parts = line.split()
        if len(parts) == 2 and parts[0] in STATES + ["UNKNOWN"]:
            counts[parts[0]] = int(parts[1])
    return counts


def parse_conv(out):
    lines = out.splitlines()
    head = [i for i, l in enumerate(lines) if l.startswith("stream ")][0]
    cols = lines[head].split()
    rows = []
    for l in lines[head + 1:]:
        if l.startswith("==="):
            break
        rows.append(dict(zip(cols, l.split())))
    return rows


def parse_ts(out):
    rows = [l for l in out.splitlines() if l and not l.startswith("#") and not l.startswith("===")]
    header = rows[0].split(",")
    return [dict(zip(header, r.split(","))) for r in rows[1:]]


def parse_table(out):
    """Rows of a stat_tap_table as tshark prints it: header "name |name |",
    the table title, then "value |value |" lines."""
    lines = [l for l in out.splitlines() if l.strip()]
    head = [i for i, l in enumerate(lines) if l.endswith(" |") and not l[0].isdigit()][0]
    cols = [c.strip() for c in lines[head].split("|")[:-1]]
    rows = []
    for l in lines[head + 2:]:
        if l.startswith("==="):
            break
        rows.append(dict(zip(cols, [v.strip() for v in l.split("|")[:-1]])))
    return rows


# Connections table column -> tcpstate,conv column
CONNTABLE = {"Stream": "stream", "Client": "client", "Server": "server", "Client state": "client_state",
             "Server state": "server_state", "conn_state": "conn_state", "History": "history",
             "Closer": "closer", "Handshake RTT (ms)": "rtt_ms", "Duration (s)": "duration_s",
             "Anomalies": "anomalies"}


def zrun(ts, pcap, z, two_pass=False, extra=()):
    args = ["-r", pcap, "-q"] + (["-2"] if two_pass else []) + list(extra) + ["-z", z]
    _, out, _ = ts.run(args)
    return out


def endpoint(addr, port):
    return ("[%s]:%d" if ":" in addr else "%s:%d") % (addr, port)


def test_samples(ts, samples):
    totals = {s: 0 for s in STATES}
    totals_v4 = {s: 0 for s in STATES}
    for name in sorted(os.listdir(samples)):
        if not name.endswith(".kernel"):
            continue
        base = name[:-len(".kernel")]
        pcap = ts.readable(os.path.join(samples, base + ".pcap"))
        cep, sep, cfinal, sfinal, closer = kernel_expectation(os.path.join(samples, name))
        want = {s: 0 for s in STATES}
        want[cfinal] += 1
        want[sfinal] += 1
        for s in STATES:
            totals[s] += want[s]
            if ":" not in cep[0]:
                totals_v4[s] += want[s]
        outs = {}
        for two in (False, True):
            outs[two] = zrun(ts, pcap, "tcpstate,sum", two)
            got = parse_sum(outs[two])
            check(got == want, "%s sum (%s): client %s, server %s" % (
                base, "two passes" if two else "one pass", cfinal, sfinal),
                "got %s" % {k: v for k, v in got.items() if v})
        check(outs[False] == outs[True], "%s sum: one pass == two passes" % base)

        # conv: one row, endpoints and final states as the kernel says
        out1 = zrun(ts, pcap, "tcpstate,conv")
        out2 = zrun(ts, pcap, "tcpstate,conv", True)
        check(out1 == out2, "%s conv: one pass == two passes" % base)
        rows = parse_conv(out1)
        ok = len(rows) == 1
        r = rows[0] if ok else {}
        want_client = endpoint(cep[0], cep[1]) if cep[1] else None
        got_client = r.get("client", "")
        ok = ok and (want_client is None or got_client == want_client)
        ok = ok and r.get("server") == endpoint(cep[2], cep[3])
        ok = ok and r.get("client_state") == cfinal and r.get("server_state") == sfinal
        if base == "simultaneous-close":
            ok = ok and r.get("closer") in ("client", "server")
        else:
            ok = ok and r.get("closer") == closer
        check(ok, "%s conv: %s %s %s/%s closer %s" % (base, want_client or "(port from capture)",
                                                      endpoint(cep[2], cep[3]), cfinal, sfinal, closer),
              "got %s" % r)
        # RTT and duration against Wireshark's TCP analysis
        rows_f, _ = ts.fields(pcap, ["frame.time_relative", "tcp.analysis.initial_rtt"])
        irtt = [x[1] for x in rows_f if len(x) > 1 and x[1]]
        duration = float(rows_f[-1][0])
        # no handshake RTT where the handshake never completed (Wireshark's
        # iRTT of a refused connection is SYN to RST)
        completed = "ESTABLISHED" in kernel_sequences(os.path.join(samples, name))[cep]
        want_rtt = "%.3f" % (float(irtt[0]) * 1000) if irtt and completed else "-"
        check(r.get("rtt_ms") == want_rtt and abs(float(r.get("duration_s", "nan")) - duration) < 1e-6,
              "%s conv: rtt_ms %s, duration %.6f s" % (base, want_rtt, duration), "got %s" % r)
    return totals, totals_v4


def test_merged(ts, samples, totals, totals_v4, tmp):
    # the recorded samples only: those with the kernel's record
    merged = os.path.join(tmp, "all-samples.pcap")
    subprocess.run(["mergecap", "-w", merged] + sorted(
        os.path.join(samples, n) for n in os.listdir(samples)
        if n.endswith(".pcap") and os.path.exists(os.path.join(samples, n[:-5] + ".kernel"))), check=True)
    os.chmod(merged, 0o644)
    pcap = ts.readable(merged)
    got = parse_sum(zrun(ts, pcap, "tcpstate,sum"))
    check(got == totals, "all samples merged: sum equals the kernel's final states %s" % (
        {k: v for k, v in totals.items() if v}), "got %s" % got)
    got = parse_sum(zrun(ts, pcap, "tcpstate,sum,ip.addr==10.99.0.1"))
    check(got == totals_v4, "all samples merged, filter ip.addr==10.99.0.1: the IPv4 connections only",
          "got %s, want %s" % (got, totals_v4))
    rows = parse_conv(zrun(ts, pcap, "tcpstate,conv"))
    check(len(rows) == len([n for n in os.listdir(samples) if n.endswith(".kernel")]),
          "all samples merged: conv has one row per connection")
    # The GUI's stats tree (same aggregation, view at packet time) on a second pass.
    out = zrun(ts, pcap, "tcpstate.sum,tree", True)
    tree = {}
    block = out.split("Endpoint states", 1)[1].split("Segments per phase", 1)[0]
    for line in block.splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 2 and parts[0] in STATES:
            tree[parts[0]] = int(parts[1])
    check(tree == totals, "stats tree tcpstate.sum (-2) equals tcpstate,sum", "got %s" % tree)
    # The GUI tables (stat_tap_table_ui, rows set per packet), one pass and two:
    # Connections has the tcpstate,conv rows, State Counts the tcpstate,ts,1 rows.
    conv = parse_conv(zrun(ts, pcap, "tcpstate,conv"))
    ts1 = parse_ts(zrun(ts, pcap, "tcpstate,ts,1"))
    for two in (False, True):
        label = "two passes" if two else "one pass"
        tab = [{CONNTABLE[k]: v for k, v in r.items()} for r in parse_table(zrun(ts, pcap, "tcpstate,conntable", two))]
        check(tab == conv and len(tab) == len(conv), "conntable (%s) rows equal tcpstate,conv (%d)" % (label, len(conv)),
              "got %s\n     want %s" % (tab, conv))
        tab = [{("start" if k == "Start (s)" else "end" if k == "End (s)" else k): v for k, v in r.items()}
               for r in parse_table(zrun(ts, pcap, "tcpstate,tstable", two))]
        check(tab == ts1 and len(tab) > 1, "tstable (%s) rows equal tcpstate,ts,1 (%d)" % (label, len(ts1)),
              "got %s\n     want %s" % (tab, ts1))
    tab = parse_table(zrun(ts, pcap, "tcpstate,tstable", extra=["-o", "tcpstate.msl:2"]))
    want = parse_ts(zrun(ts, pcap, "tcpstate,ts,1", extra=["-o", "tcpstate.msl:2"]))
    check([r["TIME_WAIT"] for r in tab] == [r["TIME_WAIT"] for r in want] and "0" in [r["TIME_WAIT"] for r in tab],
          "tstable with tcpstate.msl:2: TIME_WAIT runs out as in tcpstate,ts,1", "got %s" % tab)
    # a filter: the IPv4 connections only
    tab = parse_table(zrun(ts, pcap, "tcpstate,conntable,ip.addr==10.99.0.1"))
    want = parse_conv(zrun(ts, pcap, "tcpstate,conv,ip.addr==10.99.0.1"))
    check([r["Stream"] for r in tab] == [r["stream"] for r in want] and not any("[" in r["Client"] for r in tab),
          "conntable with a filter: the IPv4 connections of tcpstate,conv", "got %s" % tab)
    # The time series' last row is the census at the end of the capture.
    last = parse_ts(zrun(ts, pcap, "tcpstate,ts,1"))[-1]
    check({s: int(last[s]) for s in STATES} == totals, "ts,1 on all samples: last row equals the final states",
          "got %s" % last)


def test_ts_client_close(ts, samples):
    """RFC 9293 by hand for client-close, at the end of each 50 ms interval.
    Segment times from the capture: the client's FIN at frame 8, the server's
    ACK of it at frame 9, the server's FIN at 10, the last ACK at 11."""
    pcap = ts.readable(os.path.join(samples, "client-close.pcap"))
    rows_f, _ = ts.fields(pcap, ["frame.time_relative"])
    t = [None] + [float(r[0]) for r in rows_f]

    def at(e):
        # handshake done (frame 3): both ESTABLISHED
        c = s = "ESTABLISHED"
        if t[8] <= e:   # client sent FIN: FIN-WAIT-1; server received it: CLOSE-WAIT
            c, s = "FIN_WAIT_1", "CLOSE_WAIT"
        if t[9] <= e:   # the ACK of that FIN reaches the client: FIN-WAIT-2
            c = "FIN_WAIT_2"
        if t[10] <= e:  # server's FIN: server LAST-ACK, client TIME-WAIT
            c, s = "TIME_WAIT", "LAST_ACK"
        if t[11] <= e:  # the ACK of the server's FIN: server CLOSED
            s = "CLOSED"
        return c, s

    got = parse_ts(zrun(ts, pcap, "tcpstate,ts,0.05"))
    ok = len(got) == int(t[-1] / 0.05) + 1
    for row in got:
        c, s = at(float(row["end"]))
        want = {st: (c == st) + (s == st) for st in STATES}
        ok = ok and {st: int(row[st]) for st in STATES} == want
    check(ok, "client-close ts,0.05: %d rows as RFC 9293 walks it" % len(got), "got %s" % got)
    # 2*MSL = 0: the TIME_WAIT endpoint counts as CLOSED at once
    got = parse_ts(zrun(ts, pcap, "tcpstate,ts,0.05", extra=["-o", "tcpstate.msl:0"]))
    check(int(got[-1]["CLOSED"]) == 2 and int(got[-1]["TIME_WAIT"]) == 0,
          "client-close ts with tcpstate.msl:0: TIME_WAIT has expired by the end", "got %s" % got[-1])


# client-close by hand (RFC 9293 section 3.5, figure 12 without the data, and
# section 3.6 figure 13 for the close): frame, sender, flags, relative seq,
# ack, payload length, then each endpoint's state after the segment was sent
# and received. The request is 40 bytes, the response 44 (samples/README.md).
LADDER_CLIENT_CLOSE = [
    (1, "client", "SYN", 0, None, 0, "SYN_SENT", "SYN_RECEIVED"),
    (2, "server", "SYN,ACK", 0, 1, 0, "ESTABLISHED", "SYN_RECEIVED"),
    (3, "client", "ACK", 1, 1, 0, "ESTABLISHED", "ESTABLISHED"),
    (4, "client", "PSH,ACK", 1, 1, 40, "ESTABLISHED", "ESTABLISHED"),
    (5, "server", "ACK", 1, 41, 0, "ESTABLISHED", "ESTABLISHED"),
    (6, "server", "PSH,ACK", 1, 41, 44, "ESTABLISHED", "ESTABLISHED"),
    (7, "client", "ACK", 41, 45, 0, "ESTABLISHED", "ESTABLISHED"),
    (8, "client", "FIN,ACK", 41, 45, 0, "FIN_WAIT_1", "CLOSE_WAIT"),
    (9, "server", "ACK", 45, 42, 0, "FIN_WAIT_2", "CLOSE_WAIT"),
    (10, "server", "FIN,ACK", 45, 42, 0, "TIME_WAIT", "LAST_ACK"),
    (11, "client", "ACK", 42, 46, 0, "TIME_WAIT", "CLOSED"),
]

LADDER_LINE = re.compile(r"^\s*(\d+)\s+[\d.]+\s+(\S+)\s+(<?)-+ (.+?) -+(>?)\s+(\S+)\s+\S+$")


def test_ladder(ts, samples, tmp):
    pcap = ts.readable(os.path.join(samples, "client-close.pcap"))
    out_dir = os.path.join(ts.home, "out")  # tshark runs as nobody when we are root
    os.makedirs(out_dir, exist_ok=True)
    os.chmod(out_dir, 0o777)
    svg = os.path.join(out_dir, "ladder.svg")
    out = zrun(ts, pcap, "tcpstate,ladder,0,svg=" + svg)
    got = []
    for line in out.splitlines():
        m = LADDER_LINE.match(line)
        if m:
            frame, cst, left, label, right, sst = m.groups()
            sender = "client" if right == ">" else "server" if left == "<" else "?"
            got.append((int(frame), sender, label, cst, sst))
    want = []
    for frame, sender, flags, seq, ack, ln, cst, sst in LADDER_CLIENT_CLOSE:
        label = "%s seq=%d" % (flags, seq) + (" ack=%d" % ack if ack is not None else "") + \
                (" len=%d" % ln if ln else "")
        want.append((frame, sender, label, cst, sst))
    check(got == want, "client-close ladder: 11 arrows, flags/seq/ack/len and both states per step",
          "\n     ".join("want %s\n     got  %s" % (w, g) for w, g in zip(want, got + [None] * 11) if w != g))
    check("CLOSED" in out.split("\n")[6] and "LISTEN" in out.split("\n")[6] or
          re.search(r"^\s+CLOSED\s+\|\s+\|\s+LISTEN", out, re.M) is not None,
          "client-close ladder: starts from client CLOSED, server LISTEN")
    # The SVG: well-formed, one arrow per segment, both lifelines, the states.
    ok = os.path.exists(svg)
    if ok:
        root = ET.parse(svg).getroot()
        ns = "{http://www.w3.org/2000/svg}"
        arrows = [l for l in root.iter(ns + "line") if l.get("marker-end")]
        texts = " ".join("".join(t.itertext()) for t in root.iter(ns + "text"))
        ok = len(arrows) == 11 and all(s in texts for s in ("TIME_WAIT", "LAST_ACK", "CLOSE_WAIT", "SYN_SENT"))
        # arrows slant downwards: received after sent
        ok = ok and all(float(a.get("y2")) > float(a.get("y1")) for a in arrows)
    check(ok, "client-close ladder SVG: 11 slanted arrows and the state labels")
    rsvg = subprocess.run(["sh", "-c", "command -v rsvg-convert"], stdout=subprocess.PIPE, text=True).stdout.strip()
    if rsvg and ok:
        png = os.path.join(tmp, "ladder.png")
        r = subprocess.run([rsvg, "-o", png, svg], stderr=subprocess.PIPE, text=True)
        check(r.returncode == 0 and os.path.getsize(png) > 1000, "client-close ladder SVG renders (rsvg-convert)",
              r.stderr)
    # A stream that does not exist says so instead of drawing nothing.
    out = zrun(ts, pcap, "tcpstate,ladder,7")
    check("No TCP State records for tcp.stream 7" in out, "ladder of a missing stream says so")


def test_help(ts, samples):
    _, out, err = ts.run(["-z", "help"], check=False)
    names = set((out + err).split())
    want = {"tcpstate,sum", "tcpstate,conv", "tcpstate,ts", "tcpstate,ladder", "tcpstate.sum,tree",
            "tcpstate,conntable", "tcpstate,tstable"}
    check(want <= names, "tshark -z help lists %s" % ", ".join(sorted(want)), "got %s" % sorted(
        n for n in names if "tcpstate" in n))
    pcap = ts.readable(os.path.join(samples, "client-close.pcap"))
    rc, _, err = ts.run(["-r", pcap, "-q", "-z", "tcpstate,ts,0"], check=False)
    check(rc != 0 and "tcpstate,ts" in err, "ts with interval 0 is refused")


def main():
    a = common_args(sys.argv[1:])
    ts = Tshark(a.plugin, a.ws_version)
    tmp = tempfile.mkdtemp(prefix="tcpstate-stats-")
    try:
        test_help(ts, a.samples)
        totals, totals_v4 = test_samples(ts, a.samples)
        test_merged(ts, a.samples, totals, totals_v4, tmp)
        test_ts_client_close(ts, a.samples)
        test_ladder(ts, a.samples, tmp)
    finally:
        ts.close()
        subprocess.run(["rm", "-rf", tmp])
    print("stats: %d passed, %d failed" % (checked - len(failures), len(failures)))
    return 1 if failures or not checked else 0


if __name__ == "__main__":
    sys.exit(main())
