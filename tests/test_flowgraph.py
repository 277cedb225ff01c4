"""The "TCP states" flow type (Statistics > Flow Graph), through tshark's
text form of the same graph: -z flow,tcpstate,network (two passes, as the
GUI's graph is drawn after the capture is read).

- every segment has an arrow with the flags Wireshark's own TCP flow type
  (-z flow,tcp,network) gives it, on the same ports, in the same order;
- each endpoint's state changes, read from the comments ("client A→B,
  server C"), are the steps of the sequence the kernel recorded for that
  socket (samples/NAME.kernel, read as test_kernel_agreement.py reads it);
  the steps are compared as a multiset, because each endpoint's states
  follow the order it met the segments in, which a crossing FIN makes
  differ from capture order (simultaneous-close);
- client-close, frame by frame, against a walk-through of RFC 9293.
"""
import os
import re
from collections import Counter

import pytest

from agreement import kernel_sequences

ARROW = "\u2192"
ROW = re.compile(r"^\|(\d+\.\d+)\s*\|")
PORTS = re.compile(r"\((\d+)\)\s*(<?-+>?)\s*\((\d+)\)")


def flow(ts, pcap, name):
    """Rows of -z flow,NAME,network: dicts with label, comment, src and dst port."""
    _, out, _ = ts.run(["-r", pcap, "-2", "-q", "-z", "flow,%s,network" % name])
    lines = out.splitlines()
    rows = []
    for i, line in enumerate(lines):
        if not ROW.match(line) or i + 1 >= len(lines):
            continue
        arrow = lines[i + 1]
        m = PORTS.search(arrow)
        assert m, "no ports under %r: %r" % (line, arrow)
        width = len(arrow.rstrip()) if arrow.rstrip().endswith("|") else len(arrow)
        left, direction, right = int(m.group(1)), m.group(2), int(m.group(3))
        src, dst = (left, right) if direction.endswith(">") else (right, left)
        rows.append({"label": line[10:width].strip(" |"), "comment": line[width:].strip(),
                     "src": src, "dst": dst})
    return rows


def states(comment):
    """'client A→B, server C' -> {'client': [A, B], 'server': [C]}"""
    m = re.fullmatch(r"client (\S+), server (\S+)", comment)
    assert m, "comment not of the form 'client ..., server ...': %r" % comment
    return {"client": m.group(1).split(ARROW), "server": m.group(2).split(ARROW)}


def steps(seq):
    return list(zip(seq, seq[1:]))


@pytest.fixture(scope="module")
def flows(tshark, sample):
    cache = {}

    def get(name):
        if name not in cache:
            pcap = sample(name)
            cache[name] = (flow(tshark, pcap, "tcpstate"), flow(tshark, pcap, "tcp"))
        return cache[name]
    return get


@pytest.mark.parametrize("name", ["client-close", "simultaneous-close"])
def test_flags_as_tcp_flow(flows, name):
    ours, tcp = flows(name)
    assert len(ours) == len(tcp) and ours, "%d arrows, TCP's flow has %d" % (len(ours), len(tcp))
    for i, (a, b) in enumerate(zip(ours, tcp)):
        assert (a["src"], a["dst"]) == (b["src"], b["dst"]), "arrow %d: ports %s, TCP's %s" % (i + 1, a, b)
        assert a["label"].startswith(b["label"]), "arrow %d: label %r, TCP's flags %r" % (
            i + 1, a["label"], b["label"])


@pytest.mark.parametrize("name", ["client-close", "simultaneous-close"])
def test_steps_as_kernel(flows, samples, name):
    rows, tcp = flows(name)
    # the client: the sender of the SYN without ACK (Wireshark's own flags)
    syn = next(r for r, t in zip(rows, tcp) if t["label"] == "SYN")
    cport, sport = syn["src"], syn["dst"]
    kseq = kernel_sequences(os.path.join(samples, name + ".kernel"))
    want = {"client": next(s for k, s in kseq.items() if k[1] == cport and k[3] == sport),
            "server": next(s for k, s in kseq.items() if k[1] == sport and k[3] == cport)}
    got = {"client": [], "server": []}
    for r in rows:
        for role, seq in states(r["comment"]).items():
            got[role] += steps(seq)
    first = states(rows[0]["comment"])
    for role in ("client", "server"):
        assert first[role][0] == want[role][0], "%s starts in %s, kernel: %s" % (
            role, first[role][0], want[role][0])
        assert Counter(got[role]) == Counter(steps(want[role])), "%s: steps %s, kernel %s" % (
            role, got[role], " > ".join(want[role]))


# client-close, by hand (RFC 9293 3.10): the client connects and closes
# first, the server acknowledges its FIN apart and closes after.
CLIENT_CLOSE = [
    ("SYN", "client CLOSED→SYN_SENT, server LISTEN→SYN_RECEIVED"),
    ("SYN, ACK", "client SYN_SENT→ESTABLISHED, server SYN_RECEIVED"),
    ("ACK", "client ESTABLISHED, server SYN_RECEIVED→ESTABLISHED"),
    ("PSH, ACK", "client ESTABLISHED, server ESTABLISHED"),
    ("ACK", "client ESTABLISHED, server ESTABLISHED"),
    ("PSH, ACK", "client ESTABLISHED, server ESTABLISHED"),
    ("ACK", "client ESTABLISHED, server ESTABLISHED"),
    # the client's FIN: it goes to FIN_WAIT_1, the server on receipt to CLOSE_WAIT
    ("FIN, ACK", "client ESTABLISHED→FIN_WAIT_1, server ESTABLISHED→CLOSE_WAIT"),
    # its ACK: the client to FIN_WAIT_2
    ("ACK", "client FIN_WAIT_1→FIN_WAIT_2, server CLOSE_WAIT"),
    # the server's FIN: it goes to LAST_ACK, the client on receipt to TIME_WAIT
    ("FIN, ACK", "client FIN_WAIT_2→TIME_WAIT, server CLOSE_WAIT→LAST_ACK"),
    # the last ACK: the server to CLOSED
    ("ACK", "client TIME_WAIT, server LAST_ACK→CLOSED"),
]


def test_client_close_by_hand(flows):
    rows, _ = flows("client-close")
    assert [(r["label"].split(" - ")[0].split("  ")[0], r["comment"]) for r in rows] == CLIENT_CLOSE
    # the label names the changes: "FIN, ACK  ESTABLISHED→FIN_WAIT_1 / ..." (cut by tshark's text form)
    assert rows[0]["label"].startswith("SYN  CLOSED" + ARROW + "SYN_SENT")
    assert rows[3]["label"] == "PSH, ACK - Len: 40"
