"""The "TCP states" flow type (Statistics > Flow Graph), through tshark's
text form of the same graph: -z flow,tcpstate,network (two passes, as the
GUI's graph is drawn after the capture is read).

- every segment has an arrow with the flags Wireshark's own TCP flow type
  (-z flow,tcp,network) gives it, on the same ports, in the same order;
- each endpoint's states after each segment, read from the comments
  ("client A, server B"), are those the kernel recorded for that socket
  (samples/NAME.kernel, read as test_kernel_agreement.py reads it): the
  same sequence where the endpoint met the segments in capture order, the
  same states and the same last one where FINs crossed (simultaneous-close:
  each endpoint's states follow its own order);
- labels and comments, frame by frame, against a walk-through of RFC 9293.
"""
import os
import re

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
    """'client A, server B' -> {'client': A, 'server': B}"""
    m = re.fullmatch(r"client (\S+), server (\S+)", comment)
    assert m, "comment not of the form 'client A, server B': %r" % comment
    return {"client": m.group(1), "server": m.group(2)}


def dedupe(seq):
    return [s for i, s in enumerate(seq) if i == 0 or seq[i - 1] != s]


# The flow type is built where the declarations of Wireshark's sequence
# analysis are known (plugin/tcpstate_compat.h): 4.0's, or an installed
# epan/sequence_analysis.h. 4.4's and 4.6's development packages install no
# such header, and their declarations are not in tcpstate_compat.h yet.
WITH_FLOW = ("4.0",)


@pytest.fixture(scope="module")
def flows(tshark, sample, ws_version):
    _, out, err = tshark.run(["-z", "help"], check=False)
    if "flow,tcpstate" not in out + err:
        assert ws_version not in WITH_FLOW, "no flow,tcpstate on Wireshark %s" % ws_version
        pytest.skip("no TCP states flow type on Wireshark %s (no sequence_analysis.h)" % ws_version)
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


# Whether each endpoint met the segments in capture order: in
# simultaneous-close the two FINs crossed (the kernel record has the server
# enter FIN_WAIT1 before the client), so the server's states after frames 8
# and 9 follow its own order, not capture order.
CAPTURE_ORDER = {"client-close": True, "simultaneous-close": False}


@pytest.mark.parametrize("name", sorted(CAPTURE_ORDER))
def test_states_as_kernel(flows, samples, name):
    rows, tcp = flows(name)
    # the client: the sender of the SYN without ACK (Wireshark's own flags)
    syn = next(r for r, t in zip(rows, tcp) if t["label"] == "SYN")
    cport, sport = syn["src"], syn["dst"]
    kseq = kernel_sequences(os.path.join(samples, name + ".kernel"))
    want = {"client": next(s for k, s in kseq.items() if k[1] == cport and k[3] == sport),
            "server": next(s for k, s in kseq.items() if k[1] == sport and k[3] == cport)}
    for role in ("client", "server"):
        after = dedupe([states(r["comment"])[role] for r in rows])
        # the kernel's first state is the one before the first segment
        if CAPTURE_ORDER[name]:
            assert after == want[role][1:], "%s: %s, kernel %s" % (
                role, " > ".join(after), " > ".join(want[role]))
        else:
            assert set(after) == set(want[role][1:]) and after[-1] == want[role][-1], \
                "%s: %s, kernel %s" % (role, " > ".join(after), " > ".join(want[role]))


# By hand (RFC 9293 3.10): label (flags, then the changes, the client's
# first) and comment of every segment. tshark's text form cuts the label at
# 20 characters.
BY_HAND = {
    # the client connects, sends a request, closes first; the server
    # acknowledges its FIN apart and closes after
    "client-close": [
        ("SYN  CLOSED\u2192SYN_SENT", "client SYN_SENT, server SYN_RECEIVED"),  # / LISTEN→SYN_RECEIVED
        ("SYN, ACK  SYN_SENT\u2192E", "client ESTABLISHED, server SYN_RECEIVED"),
        ("ACK  SYN_RECEIVED\u2192ES", "client ESTABLISHED, server ESTABLISHED"),
        ("PSH, ACK - Len: 40", "client ESTABLISHED, server ESTABLISHED"),
        ("ACK", "client ESTABLISHED, server ESTABLISHED"),
        ("PSH, ACK - Len: 44", "client ESTABLISHED, server ESTABLISHED"),
        ("ACK", "client ESTABLISHED, server ESTABLISHED"),
        # the client's FIN: it goes to FIN_WAIT_1, the server on receipt to CLOSE_WAIT
        ("FIN, ACK  ESTABLISHE", "client FIN_WAIT_1, server CLOSE_WAIT"),
        # its ACK: the client to FIN_WAIT_2
        ("ACK  FIN_WAIT_1\u2192FIN_", "client FIN_WAIT_2, server CLOSE_WAIT"),
        # the server's FIN: the client on receipt to TIME_WAIT, the server to LAST_ACK
        ("FIN, ACK  FIN_WAIT_2", "client TIME_WAIT, server LAST_ACK"),
        # the last ACK: the server to CLOSED
        ("ACK  LAST_ACK\u2192CLOSED", "client TIME_WAIT, server CLOSED"),
    ],
    # both close at once: frame 8 is the client's FIN, frame 9 the server's,
    # which the server sent before frame 8 reached it (FIN_WAIT_1, then
    # CLOSING on frame 8); each end's ACK of the other's FIN takes the
    # receiver from CLOSING to TIME_WAIT
    "simultaneous-close": [
        ("SYN  CLOSED\u2192SYN_SENT", "client SYN_SENT, server SYN_RECEIVED"),
        ("SYN, ACK  SYN_SENT\u2192E", "client ESTABLISHED, server SYN_RECEIVED"),
        ("ACK  SYN_RECEIVED\u2192ES", "client ESTABLISHED, server ESTABLISHED"),
        ("PSH, ACK - Len: 40", "client ESTABLISHED, server ESTABLISHED"),
        ("ACK", "client ESTABLISHED, server ESTABLISHED"),
        ("PSH, ACK - Len: 23", "client ESTABLISHED, server ESTABLISHED"),
        ("ACK", "client ESTABLISHED, server ESTABLISHED"),
        # client ESTABLISHED→FIN_WAIT_1, server FIN_WAIT_1→CLOSING
        ("FIN, ACK  ESTABLISHE", "client FIN_WAIT_1, server CLOSING"),
        # client FIN_WAIT_1→CLOSING, server ESTABLISHED→FIN_WAIT_1
        ("FIN, ACK  FIN_WAIT_1", "client CLOSING, server FIN_WAIT_1"),
        # the client's ACK: server CLOSING→TIME_WAIT
        ("ACK  CLOSING\u2192TIME_WA", "client CLOSING, server TIME_WAIT"),
        # the server's ACK: client CLOSING→TIME_WAIT
        ("ACK  CLOSING\u2192TIME_WA", "client TIME_WAIT, server TIME_WAIT"),
    ],
}


@pytest.mark.parametrize("name", sorted(BY_HAND))
def test_by_hand(flows, name):
    rows, _ = flows(name)
    got = [(r["label"], r["comment"]) for r in rows]
    assert got == BY_HAND[name], "\n".join("%-24s %s" % g for g in got)
