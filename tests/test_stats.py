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
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from agreement import kernel_sequences
from tshark_env import names

STATES = ["CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2",
          "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT"]

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


def kernel_totals(samples, v4_only=False):
    """{state: endpoints} at the end of every recorded sample, by the kernel's record."""
    totals = {st: 0 for st in STATES}
    for name in names(samples, ".kernel"):
        cep, _, cfinal, sfinal, _ = kernel_expectation(os.path.join(samples, name + ".kernel"))
        if not v4_only or ":" not in cep[0]:
            totals[cfinal] += 1
            totals[sfinal] += 1
    return totals


def test_sum(tshark, sample, samples, kernel_sample):
    """Endpoint states at the end as the kernel says, one pass and two, the same."""
    pcap = sample(kernel_sample)
    _, _, cfinal, sfinal, _ = kernel_expectation(os.path.join(samples, kernel_sample + ".kernel"))
    want = {st: 0 for st in STATES}
    want[cfinal] += 1
    want[sfinal] += 1
    outs = [zrun(tshark, pcap, "tcpstate,sum", two) for two in (False, True)]
    for two, out in enumerate(outs):
        got = parse_sum(out)
        assert got == want, "%s (%s): client %s, server %s; got %s" % (
            "tcpstate,sum", "two passes" if two else "one pass", cfinal, sfinal, {k: v for k, v in got.items() if v})
    assert outs[0] == outs[1], "tcpstate,sum: one pass != two passes"


def test_sum_anomalies(tshark, sample):
    """The anomaly block lists the anomalies seen, each row's numbers under
    their headings, and says (none) when there were none."""
    out = zrun(tshark, sample("simultaneous-close"), "tcpstate,sum")
    block = out.split("\nAnomalies")[1].split("\n===")[0].splitlines()
    head = "Anomalies" + block[0]
    assert block[1:] == ["%-34s %11d %9d" % ("sim-close", 1, 1)], block
    assert head.index("connections") + len("connections") == len(block[1]) - 10, (head, block[1])
    out = zrun(tshark, sample("client-close"), "tcpstate,sum")
    assert out.split("\nAnomalies")[1].split("\n===")[0].splitlines()[1:] == ["(none)"], out


def test_conv(tshark, sample, samples, kernel_sample):
    """One row: endpoints, final states and closer as the kernel says, the
    handshake RTT and duration as Wireshark's TCP analysis; one pass == two."""
    pcap = sample(kernel_sample)
    kernel = os.path.join(samples, kernel_sample + ".kernel")
    cep, sep, cfinal, sfinal, closer = kernel_expectation(kernel)
    out1 = zrun(tshark, pcap, "tcpstate,conv")
    out2 = zrun(tshark, pcap, "tcpstate,conv", True)
    assert out1 == out2, "tcpstate,conv: one pass != two passes"
    rows = parse_conv(out1)
    ok = len(rows) == 1
    r = rows[0] if ok else {}
    want_client = endpoint(cep[0], cep[1]) if cep[1] else None
    got_client = r.get("client", "")
    ok = ok and (want_client is None or got_client == want_client)
    ok = ok and r.get("server") == endpoint(cep[2], cep[3])
    ok = ok and r.get("client_state") == cfinal and r.get("server_state") == sfinal
    if kernel_sample == "simultaneous-close":
        ok = ok and r.get("closer") in ("client", "server")
    else:
        ok = ok and r.get("closer") == closer
    assert ok, "want %s %s %s/%s closer %s, got %s" % (
        want_client or "(port from capture)", endpoint(cep[2], cep[3]), cfinal, sfinal, closer, rows)
    # RTT and duration against Wireshark's TCP analysis
    rows_f, _ = tshark.fields(pcap, ["frame.time_relative", "tcp.analysis.initial_rtt"])
    irtt = [x[1] for x in rows_f if len(x) > 1 and x[1]]
    duration = float(rows_f[-1][0])
    # no handshake RTT where the handshake never completed (Wireshark's
    # iRTT of a refused connection is SYN to RST)
    completed = "ESTABLISHED" in kernel_sequences(kernel)[cep]
    want_rtt = "%.3f" % (float(irtt[0]) * 1000) if irtt and completed else "-"
    assert r.get("rtt_ms") == want_rtt and abs(float(r.get("duration_s", "nan")) - duration) < 1e-6, \
        "want rtt_ms %s, duration %.6f s, got %s" % (want_rtt, duration, r)


@pytest.fixture(scope="module")
def merged(tshark, samples, tmp_dir):
    """All recorded samples (those with the kernel's record) in one capture."""
    path = os.path.join(tmp_dir, "all-samples.pcap")
    subprocess.run(["mergecap", "-w", path] + [os.path.join(samples, n + ".pcap")
                                               for n in names(samples, ".kernel")], check=True)
    os.chmod(path, 0o644)
    return tshark.readable(path)


def test_merged_sum(tshark, merged, samples):
    totals = kernel_totals(samples)
    got = parse_sum(zrun(tshark, merged, "tcpstate,sum"))
    assert got == totals, "sum of all samples merged: got %s, the kernel's final states %s" % (
        got, {k: v for k, v in totals.items() if v})


def test_merged_sum_filter(tshark, merged, samples):
    """A filter ip.addr==10.99.0.1: the IPv4 connections only."""
    want = kernel_totals(samples, v4_only=True)
    got = parse_sum(zrun(tshark, merged, "tcpstate,sum,ip.addr==10.99.0.1"))
    assert got == want, "got %s, want %s" % (got, want)


def test_merged_conv(tshark, merged, samples):
    rows = parse_conv(zrun(tshark, merged, "tcpstate,conv"))
    assert len(rows) == len(names(samples, ".kernel")), "conv has not one row per connection: %s" % rows


def sum_blocks(out):
    """{block title: [(name, count), ...]} of -z tcpstate,sum's phase, Zeek and
    anomaly blocks (anomalies: their connections)."""
    blocks = {}
    for title, key in (("Segments per phase:", "phases"), ("per conn_state:", "zeek"),
                       ("Anomalies ", "anomalies")):
        block = out.split(title, 1)[1].split("\n\n", 1)[0].split("===", 1)[0]
        rows = []
        for line in block.splitlines()[1:]:
            parts = line.rsplit(None, 2 if key == "anomalies" else 1)
            if len(parts) >= 2 and parts[1].isdigit():
                rows.append((parts[0].strip(), int(parts[1])))
        blocks[key] = rows
    return blocks


def test_sumtable(tshark, merged, samples):
    """The GUI's Summary table (Tools > TCP State > Summary) on a second pass,
    as the GUI taps a file it has read (rows are set per packet, with the
    view at packet time; one pass lacks the hindsight only the end of the
    capture gives, such as an unanswered SYN's server back in LISTEN): the
    states the kernel recorded, in lifecycle order (RFC 9293's
    diagram), the phases in the order a connection passes them, and the
    Zeek conn_states and anomalies of tcpstate,sum, those that occurred only."""
    rows = parse_table(zrun(tshark, merged, "tcpstate,sumtable", True))
    blocks = sum_blocks(zrun(tshark, merged, "tcpstate,sum"))
    groups = {}
    for r in rows:
        groups.setdefault(r["Group"], []).append((r["Item"], int(r["Count"]), r["Percent"]))
    assert list(groups) == ["Capture", "Endpoint states at the end", "Segments per phase",
                            "Zeek conn_state (conn.log lines)", "Anomalies (connections)"], list(groups)
    states = groups["Endpoint states at the end"]
    assert [n for n, _, _ in states] == STATES, states
    assert {n: c for n, c, _ in states} == kernel_totals(samples), states
    ends = dict((n, c) for n, c, _ in groups["Capture"])["endpoints"]
    assert all(p == "%.2f%%" % (100.0 * c / ends) for _, c, p in states), states
    phases = [(n, c) for n, c, _ in groups["Segments per phase"]]
    assert [n for n, _ in phases] == ["handshake", "data", "teardown", "closed", "reset"], phases
    assert phases == [(n, c) for n, c in blocks["phases"] if n != "unknown" or c], (phases, blocks)
    assert sorted((n, c) for n, c, _ in groups["Zeek conn_state (conn.log lines)"]) == sorted(blocks["zeek"])
    anomalies = groups["Anomalies (connections)"]
    assert all(c > 0 for _, c, _ in anomalies) and len(anomalies) == len(blocks["anomalies"]), anomalies
    assert [c for _, c, _ in anomalies] == [c for _, c in blocks["anomalies"]], (anomalies, blocks)


@pytest.mark.parametrize("name", ["client-close", "simultaneous-close"])
def test_laddertable(tshark, sample, name):
    """The GUI's Ladder table (Tools > TCP State > Ladder) on two passes: for
    each segment of the connection the sender, label and both states after it
    that -z tcpstate,ladder draws; each state written as its change."""
    pcap = sample(name)
    want = []
    for line in zrun(tshark, pcap, "tcpstate,ladder,0", True).splitlines():
        m = LADDER_LINE.match(line)
        if m:
            frame, cst, left, label, right, sst = m.groups()
            want.append((int(frame), "client" if right == ">" else "server", label, cst, sst))
    got = []
    for r in parse_table(zrun(tshark, pcap, "tcpstate,laddertable,tcp.stream==0", True)):
        seg = r["Segment"]
        sender, label = ("client", seg[:-3].strip()) if seg.endswith("-->") else ("server", seg[3:].strip())
        got.append((int(r["Frame"]), sender, label, r["Client state"].split("\u2192")[-1],
                    r["Server state"].split("\u2192")[-1]))
        assert r["Stream"] == "0", r
    assert got == want and len(got) == 11, "\n".join("want %s\ngot  %s" % (w, g) for w, g in zip(want, got))


@pytest.mark.parametrize("two", [False, True], ids=["1pass", "2pass"])
def test_gui_tables(tshark, merged, two):
    """The GUI tables (stat_tap_table_ui, rows set per packet), one pass and two:
    Connections has the tcpstate,conv rows, State Counts the tcpstate,ts,1 rows."""
    conv = parse_conv(zrun(tshark, merged, "tcpstate,conv"))
    ts1 = parse_ts(zrun(tshark, merged, "tcpstate,ts,1"))
    tab = [{CONNTABLE[k]: v for k, v in r.items()}
           for r in parse_table(zrun(tshark, merged, "tcpstate,conntable", two))]
    assert tab == conv and len(tab) == len(conv), "conntable rows != tcpstate,conv (%d)\ngot %s\nwant %s" % (
        len(conv), tab, conv)
    tab = [{("start" if k == "Start (s)" else "end" if k == "End (s)" else k): v for k, v in r.items()}
           for r in parse_table(zrun(tshark, merged, "tcpstate,tstable", two))]
    assert tab == ts1 and len(tab) > 1, "tstable rows != tcpstate,ts,1 (%d)\ngot %s\nwant %s" % (len(ts1), tab, ts1)


def test_tstable_msl(tshark, merged):
    """tstable with tcpstate.msl:2: TIME_WAIT runs out as in tcpstate,ts,1."""
    tab = parse_table(zrun(tshark, merged, "tcpstate,tstable", extra=["-o", "tcpstate.msl:2"]))
    want = parse_ts(zrun(tshark, merged, "tcpstate,ts,1", extra=["-o", "tcpstate.msl:2"]))
    assert [r["TIME_WAIT"] for r in tab] == [r["TIME_WAIT"] for r in want] and \
        "0" in [r["TIME_WAIT"] for r in tab], "got %s" % tab


def test_conntable_filter(tshark, merged):
    """conntable with a filter: the IPv4 connections of tcpstate,conv."""
    tab = parse_table(zrun(tshark, merged, "tcpstate,conntable,ip.addr==10.99.0.1"))
    want = parse_conv(zrun(tshark, merged, "tcpstate,conv,ip.addr==10.99.0.1"))
    assert [r["Stream"] for r in tab] == [r["stream"] for r in want] and not any("[" in r["Client"] for r in tab), \
        "got %s" % tab


def test_ts_last_row(tshark, merged, samples):
    """The time series' last row is the census at the end of the capture."""
    last = parse_ts(zrun(tshark, merged, "tcpstate,ts,1"))[-1]
    assert {st: int(last[st]) for st in STATES} == kernel_totals(samples), "got %s" % last


def test_ts_client_close(tshark, sample):
    """RFC 9293 by hand for client-close, at the end of each 50 ms interval.
    Segment times from the capture: the client's FIN at frame 8, the server's
    ACK of it at frame 9, the server's FIN at 10, the last ACK at 11."""
    pcap = sample("client-close")
    rows_f, _ = tshark.fields(pcap, ["frame.time_relative"])
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

    got = parse_ts(zrun(tshark, pcap, "tcpstate,ts,0.05"))
    ok = len(got) == int(t[-1] / 0.05) + 1
    for row in got:
        c, s = at(float(row["end"]))
        want = {st: (c == st) + (s == st) for st in STATES}
        ok = ok and {st: int(row[st]) for st in STATES} == want
    assert ok, "client-close ts,0.05: %d rows, not as RFC 9293 walks it: %s" % (len(got), got)


def test_ts_msl0(tshark, sample):
    """2*MSL = 0: the TIME_WAIT endpoint counts as CLOSED at once."""
    got = parse_ts(zrun(tshark, sample("client-close"), "tcpstate,ts,0.05", extra=["-o", "tcpstate.msl:0"]))
    assert int(got[-1]["CLOSED"]) == 2 and int(got[-1]["TIME_WAIT"]) == 0, "got %s" % got[-1]


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


@pytest.fixture(scope="module")
def ladder(tshark, sample):
    """(text, SVG path) of -z tcpstate,ladder,0,svg=... on client-close."""
    out_dir = os.path.join(tshark.home, "out")  # tshark runs as nobody when we are root
    os.makedirs(out_dir, exist_ok=True)
    os.chmod(out_dir, 0o777)
    svg = os.path.join(out_dir, "ladder.svg")
    return zrun(tshark, sample("client-close"), "tcpstate,ladder,0,svg=" + svg), svg


def test_ladder(ladder):
    """11 arrows, flags/seq/ack/len and both states per step."""
    got = []
    for line in ladder[0].splitlines():
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
    assert got == want, "\n".join("want %s\ngot  %s" % (w, g) for w, g in zip(want, got + [None] * 11) if w != g)


def test_ladder_svg_unwritable(tshark, sample):
    """An SVG file that cannot be written fails at once, with the reason, and
    tshark exits non-zero (not after reading the capture, with exit 0)."""
    rc, out, err = tshark.run(["-r", sample("client-close"), "-q", "-z",
                               "tcpstate,ladder,0,svg=/nonexistent/folder/ladder.svg"], check=False)
    assert rc != 0, (rc, out, err)
    assert "cannot write /nonexistent/folder/ladder.svg" in err, err


def test_ladder_svg_crossing(tshark, sample):
    """simultaneous-close, two FINs that crossed (the kernel: both sockets
    FIN_WAIT1 > CLOSING > TIME_WAIT): in the SVG ladder each end meets a
    segment at its place in its own order, so the arrows of the FINs (frames
    8 and 9) cross, and each end is CLOSING where the other's FIN reaches
    it."""
    out_dir = os.path.join(tshark.home, "out-crossing")
    os.makedirs(out_dir, exist_ok=True)
    os.chmod(out_dir, 0o777)
    svg = os.path.join(out_dir, "ladder.svg")
    zrun(tshark, sample("simultaneous-close"), "tcpstate,ladder,0,svg=" + svg, two_pass=True)
    ns = "{http://www.w3.org/2000/svg}"
    root = ET.parse(svg).getroot()
    arrows = [[float(ln.get(k)) for k in ("x1", "y1", "x2", "y2")] for ln in root.iter(ns + "line")
              if ln.get("marker-end")]
    assert len(arrows) == 11, arrows
    (ax1, ay1, ax2, ay2), (bx1, by1, bx2, by2) = arrows[7], arrows[8]   # frames 8 and 9

    def side(px, py, x1, y1, x2, y2):
        return (x2 - x1) * (py - y1) - (y2 - y1) * (px - x1)
    assert side(bx1, by1, ax1, ay1, ax2, ay2) * side(bx2, by2, ax1, ay1, ax2, ay2) < 0, arrows[7:9]
    assert side(ax1, ay1, bx1, by1, bx2, by2) * side(ax2, ay2, bx1, by1, bx2, by2) < 0, arrows[7:9]
    bold = [t.text for t in root.iter(ns + "text") if t.get("font-weight") == "bold" and t.text == "CLOSING"]
    assert len(bold) == 2, [t.text for t in root.iter(ns + "text")]


def test_ladder_start(ladder):
    """The ladder starts from client CLOSED, server LISTEN."""
    out = ladder[0]
    assert "CLOSED" in out.split("\n")[6] and "LISTEN" in out.split("\n")[6] or \
        re.search(r"^\s+CLOSED\s+\|\s+\|\s+LISTEN", out, re.M) is not None, out


def test_ladder_svg(ladder, tmp_dir):
    """The SVG: well-formed, one arrow per segment, both lifelines, the states;
    it renders where rsvg-convert is installed."""
    svg = ladder[1]
    assert os.path.exists(svg), "no %s" % svg
    root = ET.parse(svg).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    arrows = [l for l in root.iter(ns + "line") if l.get("marker-end")]
    texts = " ".join("".join(t.itertext()) for t in root.iter(ns + "text"))
    assert len(arrows) == 11, "%d arrows" % len(arrows)
    assert all(s in texts for s in ("TIME_WAIT", "LAST_ACK", "CLOSE_WAIT", "SYN_SENT")), texts
    # arrows slant downwards: received after sent
    assert all(float(a.get("y2")) > float(a.get("y1")) for a in arrows)
    rsvg = shutil.which("rsvg-convert")
    if rsvg:
        png = os.path.join(tmp_dir, "ladder.png")
        r = subprocess.run([rsvg, "-o", png, svg], stderr=subprocess.PIPE, text=True)
        assert r.returncode == 0 and os.path.getsize(png) > 1000, "rsvg-convert: %s" % r.stderr


def test_ladder_missing_stream(tshark, sample):
    """A stream that does not exist says so instead of drawing nothing."""
    out = zrun(tshark, sample("client-close"), "tcpstate,ladder,7")
    assert "No TCP State records for tcp.stream 7" in out, out


def test_z_help(tshark):
    _, out, err = tshark.run(["-z", "help"], check=False)
    found = set((out + err).split())
    want = {"tcpstate,sum", "tcpstate,conv", "tcpstate,ts", "tcpstate,ladder", "tcpstate,sumtable",
            "tcpstate,conntable", "tcpstate,tstable", "tcpstate,hoststable", "tcpstate,laddertable"}
    assert want <= found, "tshark -z help lists %s" % sorted(n for n in found if "tcpstate" in n)


def test_ts_interval_zero(tshark, sample):
    """ts with interval 0 is refused."""
    rc, _, err = tshark.run(["-r", sample("client-close"), "-q", "-z", "tcpstate,ts,0"], check=False)
    assert rc != 0 and "tcpstate,ts" in err, (rc, err)
