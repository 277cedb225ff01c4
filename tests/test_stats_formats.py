"""tshark -z tcpstate,ts / conv / hosts / ss: long captures and the output
formats (docs/stats.md). The captures are written by tools/craft from the
scenarios below; the expectations are read by hand from each scenario's
timeline (times in seconds after time 0)."""
import os
import subprocess

import pytest

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

SCENARIOS = {"sparse": SPARSE}


@pytest.fixture(scope="module")
def crafted(options, tmp_dir):
    """crafted(NAME): the capture of SCENARIOS[NAME], written by craft into tmp_dir."""
    def make(name):
        scn, path = os.path.join(tmp_dir, name + ".scn"), os.path.join(tmp_dir, name + ".pcap")
        if not os.path.exists(path):
            with open(scn, "w") as f:
                f.write(SCENARIOS[name])
            subprocess.run([options.craft, scn, path], check=True)
            os.chmod(path, 0o644)
        return path
    return make


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
