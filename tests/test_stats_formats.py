"""tshark -z tcpstate,ts / conv / hosts / ss: long captures and the output
formats (docs/stats.md). The captures are written by tools/craft from the
scenarios below; the expectations are read by hand from each scenario's
timeline (times in seconds after time 0)."""
import csv
import io
import json
import math
import os
import shutil
import subprocess
import tempfile

import pytest

from test_stats import parse_conv as conv_rows

# Two connections 30 days (2592000 s) apart. The first closes at once:
# SYN 0, SYN-ACK 0.010, ACK 0.011, client FIN 0.111, server FIN 0.112 (the
# client goes TIME_WAIT on receiving it, the server LAST_ACK), last ACK 0.113
# (server CLOSED). The client's TIME_WAIT runs out after 2*MSL = 120 s, at
# 120.112, so in the interval [120, 121). Then 30 days later one SYN.
SPARSE = """client 10.0.0.1:40000 isn=1000
server 10.0.0.2:80 isn=5000
0.000 c>s S
+0.010 s>c SA
+0.001 c>s A
+0.100 c>s FA
+0.001 s>c FA
+0.001 c>s A
2592000.000 c>s S src=10.0.0.1:40001
"""

# A CLOSE_WAIT leak beside a normal close (client 10.0.0.1, server 10.0.0.2:80).
# Connection 0 (port 40000): SYN 0, SYN-ACK 0.010, ACK 0.011 (server
# SYN_RECEIVED 0 -> 0.011 = 0.011 s); client FIN at 1.000 (server CLOSE_WAIT
# from 1.000), its ACK at 1.001 (client FIN_WAIT_2 from 1.001); the server's
# FIN at 11.001 (server LAST_ACK: CLOSE_WAIT 10.001 s; client TIME_WAIT:
# FIN_WAIT_2 10.000 s), the last ACK at 11.002 (teardown 1.000 -> 11.002 =
# 10.002 s). The client's TIME_WAIT runs out at 11.001 + 120 = 131.001, before
# the capture ends: 120 s, observed.
# Connection 1 (port 40001): the same handshake from 2.000 (server SYN_RECEIVED
# 0.011 s), client FIN at 3.000, its ACK at 3.001, then nothing: at the end of
# the capture (200.000) the server is still in CLOSE_WAIT (197.000 s, a lower
# bound), the client in FIN_WAIT_2 (196.999 s), the teardown still running
# (197.000 s).
# Connection 2 (port 40002): one SYN at 200.000 (the capture's end): no
# duration at all.
LEAK = """client 10.0.0.1:40000 isn=1000
server 10.0.0.2:80 isn=5000
0.000 c>s S
0.010 s>c SA
0.011 c>s A
1.000 c>s FA
1.001 s>c A
2.000 c>s S src=10.0.0.1:40001
2.010 s>c SA dst=10.0.0.1:40001
2.011 c>s A src=10.0.0.1:40001
3.000 c>s FA src=10.0.0.1:40001
3.001 s>c A dst=10.0.0.1:40001
11.001 s>c FA
11.002 c>s A
200.000 c>s S src=10.0.0.1:40002
"""

DUR_COLS = ["client_syn_recv_s", "client_fin_wait2_s", "client_close_wait_s", "client_time_wait_s",
            "server_syn_recv_s", "server_fin_wait2_s", "server_close_wait_s", "server_time_wait_s",
            "teardown_s"]
# By hand from LEAK's timeline: (value, lower bound), None: never in the state.
LEAK_DUR = [
    {"client_fin_wait2_s": (10.000, False), "client_time_wait_s": (120.000, False),
     "server_syn_recv_s": (0.011, False), "server_close_wait_s": (10.001, False), "teardown_s": (10.002, False)},
    {"client_fin_wait2_s": (196.999, True), "server_syn_recv_s": (0.011, False),
     "server_close_wait_s": (197.000, True), "teardown_s": (197.000, True)},
    {},
]

SCENARIOS = {"sparse": SPARSE, "leak": LEAK}


@pytest.fixture(scope="module")
def crafted(scenario_capture):
    """crafted(NAME): the capture of SCENARIOS[NAME], written by craft."""
    return lambda name: scenario_capture(name, SCENARIOS[name])


def run(tshark, pcap, z, extra=()):
    _, out, _ = tshark.run(["-r", pcap, "-q", "-z", z] + list(extra))
    return out


def ts_rows(out):
    lines = [l for l in out.splitlines() if l and not l.startswith("#") and not l.startswith("===")]
    head = lines[0].split(",")
    return [dict(zip(head, l.split(","))) for l in lines[1:]]


def nonzero(row):
    return {k: int(v) for k, v in row.items() if k not in ("start", "end") and int(v)}


# The timeline at 1 ms: each interval [start, start + 1 ms) whose end state differs.
TIMELINE_MS = [(0, {"SYN_SENT": 1, "SYN_RECEIVED": 1}),       # SYN at 0
               (10, {"SYN_RECEIVED": 1, "ESTABLISHED": 1}),   # SYN-ACK at 0.010
               (11, {"ESTABLISHED": 2}),                      # ACK at 0.011
               (111, {"FIN_WAIT_1": 1, "CLOSE_WAIT": 1}),     # client FIN at 0.111
               (112, {"LAST_ACK": 1, "TIME_WAIT": 1}),        # server FIN at 0.112
               (113, {"CLOSED": 1, "TIME_WAIT": 1}),          # last ACK at 0.113
               (120111, {"CLOSED": 2}),                       # 0.112 + 120 s: the end of [120.111, 120.112]
               (2592000000, {"CLOSED": 2, "LISTEN": 1, "SYN_SENT": 1})]  # the last row
# (the new SYN: the client SYN_SENT; the server sent nothing on the new
# connection, its socket is the listener)


def test_ts_sparse(tshark, crafted):
    """30 days at 1 s (2592001 intervals) or 1 ms: only the rows in which a
    count changed, and the last; a comment says how many were left out."""
    pcap = crafted("sparse")
    for interval, nrows in (("1", 2592001), ("0.001", 2592000001)):
        out = run(tshark, pcap, "tcpstate,ts," + interval)
        assert len(out) < 4000, "ts,%s wrote %d bytes" % (interval, len(out))
        rows = ts_rows(out)
        step = float(interval)
        got = [(round(float(r["start"]) / step), nonzero(r)) for r in rows]
        if interval == "1":
            want = [(0, {"CLOSED": 1, "TIME_WAIT": 1}),       # all of the first connection in [0, 1)
                    (120, {"CLOSED": 2}),                     # TIME_WAIT ends at 120.112
                    (2592000, TIMELINE_MS[-1][1])]
        else:
            want = TIMELINE_MS
        assert got == want, "ts,%s: %s" % (interval, got)
        assert float(rows[-1]["end"]) == 2592000.0
        left = [l for l in out.splitlines() if "intervals without a change left out" in l]
        assert left and left[0].startswith("# %d intervals" % (nrows - len(want))), out


def test_ts_dense_unchanged(tshark, crafted):
    """Up to 100000 intervals, every row as before: 30 days at 60 s, 43201 rows."""
    rows = ts_rows(run(tshark, crafted("sparse"), "tcpstate,ts,60"))
    assert len(rows) == 43201


def dur_value(text):
    """"-" -> None, "1.5" -> (1.5, False), "1.5+" -> (1.5, True)."""
    if text == "-":
        return None
    return (float(text.rstrip("+")), text.endswith("+"))


def close(got, want, tol=1e-6):
    return (got is None) == (want is None) and (
        got is None or (abs(got[0] - want[0]) <= tol and got[1] == want[1]))


def test_conv_durations_crafted(tshark, crafted):
    rows = conv_rows(run(tshark, crafted("leak"), "tcpstate,conv,durations"))
    assert len(rows) == 3
    for row, want in zip(rows, LEAK_DUR):
        for col in DUR_COLS:
            assert close(dur_value(row[col]), want.get(col)), "stream %s %s: %s, want %s" % (
                row["stream"], col, row[col], want.get(col))


def test_conv_durations_keep_columns(tshark, crafted):
    """The columns of plain conv come first, unchanged."""
    plain = conv_rows(run(tshark, crafted("leak"), "tcpstate,conv"))
    dur = conv_rows(run(tshark, crafted("leak"), "tcpstate,conv,durations"))
    assert [{k: r[k] for k in p} for p, r in zip(plain, dur)] == plain


# samples/client-close.kernel, by hand (CLOCK_REALTIME of each event, the
# fractional second after 1795233303):
#   server SYN_RECV .147473135 -> ESTABLISHED .147490611: 0.0000175 s
#   client FIN_WAIT1 .197821770 (its FIN), server CLOSE_WAIT .197899896
#   client FIN_WAIT2 .240197342; its '-> TCP_CLOSE' at .240228349 is the
#     time-wait socket taking over (samples/README.md), still in FIN_WAIT_2
#     until the server's FIN
#   server LAST_ACK .298168055 (its FIN): CLOSE_WAIT 0.100268 s, client
#     FIN_WAIT_2 .298168055 - .240197342 = 0.057971 s
#   server CLOSE .298278991 (the last ACK): teardown .197821770 -> .298278991
#     = 0.100457 s
#   the client's TIME_WAIT is still running when the capture ends.
# The capture sees each segment a few tens of microseconds off the kernel's
# own moment (one vantage point for both ends): 1 ms of tolerance.
CLIENT_CLOSE_DUR = {"server_syn_recv_s": (0.0000175, False), "server_close_wait_s": (0.100268, False),
                    "client_fin_wait2_s": (0.057971, False), "teardown_s": (0.100457, False)}


def test_conv_durations_kernel(tshark, sample):
    row = conv_rows(run(tshark, sample("client-close"), "tcpstate,conv,durations"))[0]
    for col in DUR_COLS:
        got = dur_value(row[col])
        if col == "client_time_wait_s":
            assert got and got[1], "client TIME_WAIT should still be running: %s" % row[col]
            continue
        assert close(got, CLIENT_CLOSE_DUR.get(col), tol=1e-3), "%s: %s, want %s" % (
            col, row[col], CLIENT_CLOSE_DUR.get(col))


def host_durations(out):
    """{(host, state): [count, running, p50, p90, p99, max]} of hosts,durations."""
    lines = out.splitlines()
    head = [i for i, l in enumerate(lines) if l.startswith("host ")][0]
    got = {}
    for l in lines[head + 1:]:
        if l.startswith("==="):
            break
        f = l.split()
        got[(f[0], f[1])] = [int(f[2]), int(f[3])] + [float(x) for x in f[4:]]
    return got


def test_hosts_durations_crafted(tshark, crafted):
    """Per host and state: LEAK's durations, nearest-rank percentiles (of two
    values: p50 the smaller, p90 and p99 the larger)."""
    got = host_durations(run(tshark, crafted("leak"), "tcpstate,hosts,durations"))
    want = {("10.0.0.1", "FIN-WAIT-2"): [2, 1, 10.000, 196.999, 196.999, 196.999],
            ("10.0.0.1", "TIME-WAIT"): [1, 0, 120.0, 120.0, 120.0, 120.0],
            ("10.0.0.2", "SYN-RECV"): [2, 0, 0.011, 0.011, 0.011, 0.011],
            ("10.0.0.2", "CLOSE-WAIT"): [2, 1, 10.001, 197.0, 197.0, 197.0]}
    assert got.keys() == want.keys(), got
    for k in want:
        assert got[k][:2] == want[k][:2] and all(abs(a - b) < 1e-6 for a, b in zip(got[k][2:], want[k][2:])), (
            k, got[k], want[k])


def test_hosts_plain_unchanged(tshark, crafted):
    """Without durations, hosts prints no durations block."""
    assert "State durations" not in run(tshark, crafted("leak"), "tcpstate,hosts")


# ---- CSV and JSON: the same values as the text forms ----------------------

def csv_rows(out):
    return list(csv.DictReader(io.StringIO(out)))


def num(v):
    """A CSV cell or JSON value as the text form's number, None for empty/null."""
    return None if v in ("", None) else float(v)


def text_dur(v, running):
    """The CSV/JSON pair (value, running) as conv's text: "-", "1.5" or "1.5+"."""
    if v in ("", None):
        return "-"
    return "%.6f%s" % (float(v), "+" if running in ("1", True) else "")


@pytest.mark.parametrize("name", ["leak", "unanswered-syn", "client-close"])
def test_conv_csv_json(tshark, crafted, sample, name):
    """conv,csv and conv,json hold the text's columns and its durations (the
    anomalies of unanswered-syn, "syn-retrans,syn-unanswered", need CSV quoting)."""
    pcap = crafted(name) if name in SCENARIOS else sample(name)
    text = conv_rows(run(tshark, pcap, "tcpstate,conv,durations"))
    rows_csv = csv_rows(run(tshark, pcap, "tcpstate,conv,csv"))
    doc = json.loads(run(tshark, pcap, "tcpstate,conv,json"))
    assert doc["view"] == "tcpstate,conv" and len(text) == len(rows_csv) == len(doc["connections"]) > 0
    for t, c, j in zip(text, rows_csv, doc["connections"]):
        for col in ("stream", "client", "server", "client_state", "server_state", "conn_state", "history",
                    "closer", "anomalies"):
            assert t[col] == c[col] == str(j[col]), (col, t[col], c[col], j[col])
        assert t["rtt_ms"] == (c["rtt_ms"] or "-") == ("-" if j["rtt_ms"] is None else "%.3f" % j["rtt_ms"])
        assert float(t["duration_s"]) == num(c["duration_s"]) == j["duration_s"]
        for col in DUR_COLS:
            key = col[:-2] + "_running"
            assert t[col] == text_dur(c[col], c[key]) == text_dur(j[col], j[key]), (col, t[col], c[col], j[col])


def test_hosts_csv_json(tshark, crafted, sample):
    """hosts,csv and hosts,json: the text's sockets per host and state, and its durations."""
    from test_hosts import parse_hosts
    for pcap in (crafted("leak"), sample("syn-flood"), sample("client-close")):
        out = run(tshark, pcap, "tcpstate,hosts,durations")
        socks = parse_hosts(out)
        durs = host_durations(out)
        rows_csv = csv_rows(run(tshark, pcap, "tcpstate,hosts,csv"))
        rows_json = json.loads(run(tshark, pcap, "tcpstate,hosts,json"))["rows"]
        for rows in (rows_csv, rows_json):
            got_socks, got_durs = {}, {}
            for r in rows:
                if int(r["confirmed"]) or int(r["assumed"]):
                    got_socks.setdefault(r["host"], {})[r["state"]] = (int(r["confirmed"]), int(r["assumed"]))
                if int(r["durations"]):
                    got_durs[(r["host"], r["state"])] = [int(r["durations"]), int(r["running"])] + [
                        num(r[k]) for k in ("p50_s", "p90_s", "p99_s", "max_s")]
            assert got_socks == {h: st for h, st in socks.items() if st}, (got_socks, socks)
            assert got_durs == durs, (got_durs, durs)


def test_ss_csv_json(tshark, sample):
    """ss,csv beside ss,json and the text (at the end and at 0.1 s)."""
    pcap = sample("client-close")
    for at in ("", ",at=0.1"):
        text = run(tshark, pcap, "tcpstate,ss,10.99.0.1" + at)
        lines = text.splitlines()
        head = [i for i, l in enumerate(lines) if l.startswith("State ")][0]
        want = [l.split() for l in lines[head + 1:] if l and not l.startswith("===")]
        got_csv = [[r["state"], r["local"], r["peer"], r["in_state"] or "-"]
                   for r in csv_rows(run(tshark, pcap, "tcpstate,ss,10.99.0.1,csv" + at))]
        doc = json.loads(run(tshark, pcap, "tcpstate,ss,10.99.0.1,json" + at))
        got_json = [[r["state"], r["local"], r["peer"], "-" if r["in_state"] is None else "%.6f" % r["in_state"]]
                    for r in doc["sockets"]]
        assert want and got_csv == want and got_json == want, (want, got_csv, got_json)
        assert doc["host"] == "10.99.0.1"


def test_ts_csv_json(tshark, crafted, sample):
    """ts,csv: the text's rows without comments; ts,json: the same rows as objects."""
    for pcap, interval in ((sample("client-close"), "0.05"), (crafted("sparse"), "1")):
        text = ts_rows(run(tshark, pcap, "tcpstate,ts," + interval))
        out_csv = run(tshark, pcap, "tcpstate,ts,%s,csv" % interval)
        assert not [l for l in out_csv.splitlines() if l.startswith(("#", "==="))]
        assert csv_rows(out_csv) == text
        doc = json.loads(run(tshark, pcap, "tcpstate,ts,%s,json" % interval))
        assert doc["interval"] == float(interval)
        assert [{k: ("%.6f" % v if k in ("start", "end") else str(v)) for k, v in r.items()}
                for r in doc["rows"]] == text


def test_csv_json_escape(tshark, sample):
    """A filter with quotes and a backslash comes back intact in the JSON."""
    flt = 'tcp.port == 8001 && !(frame contains "a\\b")'
    doc = json.loads(run(tshark, sample("client-close"), "tcpstate,conv,json," + flt))
    assert doc["filter"] == flt and len(doc["connections"]) == 1


# ---- OpenMetrics: node_exporter's tcpstat gauge per host -------------------

OM_STATES = {"established": "ESTABLISHED", "syn_sent": "SYN_SENT", "syn_recv": "SYN_RECEIVED",
             "fin_wait1": "FIN_WAIT_1", "fin_wait2": "FIN_WAIT_2", "time_wait": "TIME_WAIT", "close": None,
             "close_wait": "CLOSE_WAIT", "last_ack": "LAST_ACK", "listen": "LISTEN", "closing": "CLOSING"}


def om_samples(out):
    """{(state, instance): [(timestamp, value)]} and the lines of an openmetrics output."""
    lines = out.splitlines()
    assert lines[0] == "# HELP node_tcp_connection_states Number of connection states."
    assert lines[1] == "# TYPE node_tcp_connection_states gauge"
    assert lines[-1] == "# EOF"
    got = {}
    for l in lines[2:-1]:
        name, value, ts = l.rsplit(" ", 2)
        assert name.startswith("node_tcp_connection_states{state=\""), l
        labels = dict(kv.split("=", 1) for kv in name[len("node_tcp_connection_states{"):-1].split(","))
        got.setdefault((labels["state"].strip('"'), labels["instance"].strip('"')), []).append((int(ts), int(value)))
    return got


@pytest.mark.parametrize("name", ["leak", "client-close"])
def test_openmetrics_values(tshark, crafted, sample, name):
    """Per host, summed over the hosts, the samples are ts,1's rows (CLOSED
    apart: a closed endpoint has no socket, close is 0); each sample's time
    is its interval's end, rounded up to the second, after the first packet's
    epoch time; every state node_exporter names, for every host."""
    pcap = crafted(name) if name in SCENARIOS else sample(name)
    rows = ts_rows(run(tshark, pcap, "tcpstate,ts,1"))
    first = float(tshark.fields(pcap, ["frame.time_epoch"])[0][0][0])
    got = om_samples(run(tshark, pcap, "tcpstate,ts,1,openmetrics"))
    hosts = {h for _, h in got}
    assert {s for s, _ in got} == set(OM_STATES) and len(got) == len(OM_STATES) * len(hosts)
    want_times = []
    for r in rows:
        t = math.ceil(first + float(r["end"]))
        if want_times and want_times[-1][0] == t:
            want_times.pop()
        want_times.append((t, r))
    for st, ours in OM_STATES.items():
        for h in hosts:
            assert [t for t, _ in got[(st, h)]] == [t for t, _ in want_times], (st, h)
        for i, (t, r) in enumerate(want_times):
            total = sum(got[(st, h)][i][1] for h in hosts)
            assert total == (int(r[ours]) if ours else 0), (st, t, total, r)


def test_openmetrics_host(tshark, crafted):
    """host=: only that host's samples, the same values."""
    pcap = crafted("leak")
    every = om_samples(run(tshark, pcap, "tcpstate,ts,1,openmetrics"))
    one = om_samples(run(tshark, pcap, "tcpstate,ts,1,openmetrics,host=10.0.0.2"))
    assert one == {k: v for k, v in every.items() if k[1] == "10.0.0.2"} and one


def test_openmetrics_leak_by_hand(tshark, crafted):
    """LEAK at 1 s: the server 10.0.0.2 holds 1 CLOSE_WAIT from 1.000 to 11.001
    (connection 0) and another from 3.000 on (connection 1): 1 at the end of
    [1, 2) and [2, 3), 2 at the end of [3, 4) ... [10, 11), 1 from [11, 12) on."""
    pcap = crafted("leak")
    first = float(tshark.fields(pcap, ["frame.time_epoch"])[0][0][0])
    got = dict(om_samples(run(tshark, pcap, "tcpstate,ts,1,openmetrics"))[("close_wait", "10.0.0.2")])
    start = round(first)
    for sec, want in ((1, 0), (2, 1), (3, 1), (4, 2), (11, 2), (12, 1), (200, 1)):
        assert got[start + sec] == want, (sec, got[start + sec], want)


def scrapes(text):
    """The OpenMetrics text cut into one exposition per timestamp, each with
    the metric's HELP and TYPE lines and # EOF."""
    lines = text.splitlines()
    head = [l for l in lines if l.startswith("# HELP") or l.startswith("# TYPE")]
    by_time = {}
    for l in lines:
        if l and not l.startswith("#"):
            by_time.setdefault(l.rsplit(" ", 1)[1], []).append(l)
    assert by_time, "no samples"
    return ["\n".join(head + rows + ["# EOF"]) + "\n" for rows in by_time.values()]


def test_openmetrics_promtool(tshark, crafted, sample):
    """promtool (Debian's prometheus) accepts it: check metrics, and a TSDB
    block written from it."""
    promtool = shutil.which("promtool")
    if not promtool:
        pytest.skip("promtool not installed (Debian package prometheus)")
    for pcap in (crafted("leak"), sample("client-close"), sample("syn-flood")):
        out = run(tshark, pcap, "tcpstate,ts,1,openmetrics")
        # check metrics lints one scrape (newer promtools refuse a series
        # twice): each interval's samples on their own; the whole series
        # goes to create-blocks-from below.
        for scrape in scrapes(out):
            chk = subprocess.run([promtool, "check", "metrics"], input=scrape, capture_output=True, text=True)
            assert chk.returncode == 0, chk.stdout + chk.stderr + scrape
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "om.txt")
            with open(path, "w") as f:
                f.write(out)
            blk = subprocess.run([promtool, "tsdb", "create-blocks-from", "openmetrics", path, os.path.join(d, "db")],
                                 capture_output=True, text=True)
            assert blk.returncode == 0, blk.stdout + blk.stderr
            assert os.listdir(os.path.join(d, "db")), "no block written"


def test_openmetrics_interval(tshark, sample):
    """Timestamps are whole seconds: an interval under 1 s is refused."""
    rc, out, err = tshark.run(["-r", sample("client-close"), "-q", "-z", "tcpstate,ts,0.5,openmetrics"], check=False)
    assert rc != 0 and "at least 1" in err
