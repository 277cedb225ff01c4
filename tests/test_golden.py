"""tshark golden tests: the plugin's fields on every sample, one pass and two
passes, against expected files in tests/golden/.

Each expected file says in its header how its values were checked (the
kernel's recorded transitions next to the sample, and RFC 9293). X.tsv holds
the two-pass values; X.1pass.tsv, where present, the single-pass ones, which
differ only in the few documented hindsight values.
"""
import os
import re

import pytest

from tshark_env import names

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
    return "\n".join(out)


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


def pytest_generate_tests(metafunc):
    if "golden" in metafunc.fixturenames:
        metafunc.parametrize("golden", names(metafunc.config.getoption("golden"), ".tsv", but=[".1pass.tsv"]))


@pytest.fixture
def expected(options, golden):
    """(one pass, two passes): the expected lines of golden/NAME.tsv and NAME.1pass.tsv."""
    two = load(os.path.join(options.golden, golden + ".tsv"))
    one_path = os.path.join(options.golden, golden + ".1pass.tsv")
    return (load(one_path) if os.path.exists(one_path) else two), two


@pytest.mark.parametrize("two_pass", [False, True], ids=["1pass", "2pass"])
def test_fields(tshark, sample, golden, expected, two_pass):
    rows, _ = tshark.fields(sample(golden), FIELDS, two_pass=two_pass)
    d = diff(expected[two_pass], render(rows))
    assert not d, "%s (%s):\n%s" % (golden, "two passes" if two_pass else "one pass", d)


def test_teardown_filter(tshark, sample, golden, expected):
    """The display filter by name selects exactly the expected teardown segments."""
    phase_col = FIELDS.index("tcpstate.phase")
    want = [r.split("\t")[0] for r in expected[1][1:] if r.split("\t")[phase_col] == "teardown"]
    _, out, _ = tshark.run(["-r", sample(golden), "-2", "-Y", "tcpstate.phase==teardown", "-T", "fields",
                            "-e", "frame.number"])
    assert out.split() == want, "-Y tcpstate.phase==teardown gave frames %s, want %s" % (out.split(), want)


@pytest.mark.parametrize("msl,want", [("0", "CLOSED"), ("60", "TIME_WAIT")])
def test_msl(tshark, sample, msl, want):
    """Preference tcpstate.msl: with MSL 0 the client's TIME_WAIT (entered at frame 10 of
    client-close) has expired by frame 11, 39 us later: RFC 9293, TIME-WAIT times out
    after 2*MSL to CLOSED. With the default (60 s) it has not."""
    _, out, _ = tshark.run(["-r", sample("client-close"), "-o", "tcpstate.msl:" + msl, "-Y", "frame.number==11",
                            "-T", "fields", "-e", "tcpstate.client.prev"])
    assert out.strip() == want, "msl %s: client state before frame 11 is %r, want %s" % (msl, out.strip(), want)


@pytest.mark.parametrize("name,two_pass,want", [("client-close", False, "8"), ("client-close", True, ""),
                                                  ("simultaneous-close", False, "8"),
                                                  ("simultaneous-close", True, "")])
def test_provisional(tshark, sample, name, two_pass, want):
    """A single pass marks the first FIN, whose receiver it shows in
    CLOSE_WAIT before knowing whether the FINs crossed (simultaneous-close:
    they did, and the second pass shows otherwise); a second pass knows, and
    marks nothing."""
    _, out, _ = tshark.run(["-r", sample(name)] + (["-2"] if two_pass else []) +
                           ["-Y", "tcpstate.provisional", "-T", "fields", "-e", "frame.number"])
    assert out.split() == want.split()


def test_info_note(tshark, sample):
    """Preference tcpstate.info_note: the Info column ends with both states,
    named (frame 8 of client-close, the client's FIN: tests/golden/client-close.tsv)."""
    _, out, _ = tshark.run(["-r", sample("client-close"), "-o", "tcpstate.info_note:TRUE",
                            "-Y", "frame.number==8", "-T", "fields", "-e", "_ws.col.Info"])
    assert out.strip().endswith("[client FIN_WAIT_1, server CLOSE_WAIT]"), out


@pytest.mark.parametrize("own_order,want", [("TRUE", "FIN_WAIT_1,CLOSING,1,9"), ("FALSE", "ESTABLISHED,ESTABLISHED,1,")])
def test_own_order(tshark, sample, own_order, want):
    """Preference tcpstate.own_order: frame 8 of simultaneous-close is the
    client's FIN, which the server got after sending its own (frame 9, whose
    ACK number does not cover it; kernel: FIN_WAIT1 > CLOSING). The server
    handled frames 1-7, 9, 8: frame 8 is its ninth. Off, the states follow
    capture order, the crossing undone by hindsight (the server had not got
    the FIN yet: ESTABLISHED), and there is no order field."""
    rows, _ = tshark.fields(sample("simultaneous-close"),
                            ["tcpstate.server.prev", "tcpstate.server.state", "tcpstate.revised",
                             "tcpstate.server.order"], two_pass=True,
                            extra=["-o", "tcpstate.own_order:" + own_order, "-Y", "frame.number==8"])
    assert [",".join(r) for r in rows] == [want]


@pytest.mark.parametrize("extra,want", [([], SHORT_TREE), (["-o", "tcpstate.detail:TRUE"], DETAIL_TREE)],
                         ids=["short", "detail"])
def test_tree(tshark, sample, extra, want):
    """What a tree someone reads holds: every field, labels as Wireshark makes
    them by default, explained with the detail preference."""
    _, out, err = tshark.run(["-r", sample("merged-finack"), "-O", "tcpstate", "-Y", "frame.number==9"] + extra)
    got = tree_of(out)
    assert got == want, "merged-finack frame 9:\n%s\nwant:\n%s %s" % (got, want, err)


def test_step_column(tshark, sample):
    """The step as a number in a column."""
    _, out, err = tshark.run(["-r", sample("merged-finack"),
                              "-o", 'gui.column.format:"No.","%m","Step","%Cus:tcpstate.step"'])
    steps = [l.split()[1] if len(l.split()) > 1 else "" for l in out.splitlines()]
    assert steps == ["1", "2", "3", "", "", "", "", "1", "3", "4"], "step column of merged-finack: %r %s" % (
        steps, err)


@pytest.mark.parametrize("filt", ["frame.number == 9", "tcpstate.history == \"ShADadFf\" && tcpstate.step == 3"],
                         ids=["plain", "filter-on-one"])
def test_fields_without_detail(tshark, sample, filt):
    """Fields asked for by -e or a filter have their values without the detail preference."""
    fields = ["tcpstate.history", "tcpstate.conn_state", "tcpstate.client.via", "tcpstate.transition"]
    want = ["ShADadFf", "SF", "FIN_WAIT_2",
            "teardown step 3 of 4, client FIN_WAIT_1 → TIME_WAIT, server CLOSE_WAIT → LAST_ACK"]
    args = ["-r", sample("merged-finack"), "-Y", filt, "-T", "fields", "-E", "separator=|"]
    for f in fields:
        args += ["-e", f]
    _, out, err = tshark.run(args)
    rows = [l.split("|") for l in out.splitlines()]
    assert rows == [want], "-Y '%s': %r %s" % (filt, rows, err)


@pytest.mark.parametrize("base,extra,filt,ref", [
    ("merged-finack", [], '_ws.expert.message contains "ACK and FIN merged"', "tcpstate.merged_finack"),
    ("simultaneous-close", ["-2"], 'tcpstate.phase && _ws.expert.message contains "revised with hindsight"',
     "tcpstate.revised"),
    ("simultaneous-close", ["-2"], '_ws.expert.message contains "revised with hindsight"', "tcpstate.revised"),
], ids=["merged-finack", "revised-with-field", "revised"])
def test_expert_filter(tshark, sample, base, extra, filt, ref):
    """A filter on expert info finds tcpstate's, whether or not it names a
    tcpstate field; the reference is the expert's or the flag's own field.
    Summary lines, not -T fields: Wireshark 4.0 builds a tree someone reads
    for -T fields, and the tree here must be one nobody reads."""
    pcap = sample(base)
    got, want = ([l.split()[0] for l in tshark.run(["-r", pcap] + extra + ["-Y", f])[1].splitlines() if l.strip()]
                 for f in (filt, ref))
    assert want and got == want, "%s %s: -Y '%s' gave frames %s, -Y %s gave %s" % (
        base, " ".join(extra), filt, got, ref, want)


def expert_lines(out):
    """tcpstate's lines of a -z expert table: (severity, count, summary)."""
    lines, severity = [], None
    for line in out.splitlines():
        m = re.match(r"(\w+) \(\d+\)$", line.strip())
        if m:
            severity = m.group(1)
        elif "TCPSTATE" in line:
            lines.append((severity, line.split()[0], line.split("TCPSTATE", 1)[1].strip()))
    return sorted(lines)


@pytest.mark.parametrize("base,want", [
    # the client's RST on an established connection: RFC 9293 3.10.7.4, the
    # receiver of a RST in ESTABLISHED goes to CLOSED
    ("client-rst", [("Warns", "1", "Connection reset by the client (it was ESTABLISHED)")]),
])
def test_expert_tap(tshark, sample, base, want):
    """-z expert lists tcpstate's expert info the same with no tree (plain
    -q -z expert), a tree nobody reads (a filter) and a tree someone reads
    (-V); and an Expert column shows its severity under a tcpstate filter."""
    pcap = sample(base)
    runs = {name: expert_lines(tshark.run(["-r", pcap, "-q", "-z", "expert"] + extra)[1])
            for name, extra in (("plain", []), ("filter", ["-Y", "tcp"]), ("-V", ["-V"]))}
    for name, got in runs.items():
        assert got == want, "-z expert (%s): %r" % (name, got)
    _, out, _ = tshark.run(["-r", pcap, "-Y", "tcpstate.phase==reset", "-o",
                            'gui.column.format:"No.","%m","Expert","%a"'])
    assert out.split() == ["8", "Warning"], out
