"""Bad input must give "unknown" values or expert info: never a crash, an
assertion or a "Dissector bug" message.

Crafted captures (raw IPv4, written by tools/craft from the scenarios below)
plus every sample cut short with editcap -s and mutated with editcap -E.
"""
import json
import os
import subprocess

import pytest

from tshark_env import names, problems

# Scenarios of tools/craft (tools/craft/README.md): raw IPv4 between a client
# and a server, one frame a second.
HEAD = """link raw
client 10.1.0.1:40000 isn=1000
server 10.1.0.2:80 isn=5000
"""
HANDSHAKE = """0 c>s S
1 s>c SA
2 c>s A
"""
CASES = {
    # name: (scenario, frames whose tcpstate.phase must be "unknown")
    "truncated-header": ("0 c>s S seq=1 caplen=30", {1}),
    "doff-too-small": ("0 c>s S seq=1 doff=2", {1}),
    "doff-too-large": ("0 c>s S seq=1 doff=15", {1}),
    "syn-fin-first": ("0 c>s SF seq=1", {1}),
    "syn-rst-midway": (HANDSHAKE + "3 s>c SR", {4}),
    "fin-no-ack": (HANDSHAKE + "3 c>s F", {4}),
    "null-flags": ("0 c>s - seq=1", {1}),
    # no bytes captured, of a frame of 0 and of 60 bytes
    "zero-length": ("0 raw -\n1 raw - origlen=60", set()),
    # UDP 53 -> 53, then an ICMP echo request
    "non-tcp": ("0 raw 4500001c00010000401166cc0a0100010a0100020035003500080000\n"
                "1 raw 4500001c00010000400166dc0a0100010a0100020800f7ff00000000", set()),
    # ICMP port unreachable quoting a TCP SYN: not a segment of a connection
    "icmp-quoting-tcp": ("0 raw 4500004400010000400166b40a0100010a0100020303000000000000"
                         "4500002800010000400666cb0a0100010a0100029c40005000000001000000005002ffff00000000",
                         set()),
    "ip-total-length-short": ("0 c>s S seq=1 iplen=30", set()),
    "empty": ("", set()),
}


FIELDS = ["-T", "fields", "-e", "frame.number", "-e", "tcpstate.phase", "-e", "tcpstate.client.state",
          "-e", "tcpstate.server.state"]
# Each sample cut short with editcap -s N (inside the link, IP and TCP
# headers) and mutated with editcap -E 0.05 --seed N.
VARIANTS = ["s20", "s34", "s40", "s54", "s60", "e1", "e2", "e3"]


def pytest_generate_tests(metafunc):
    if "sample_name" in metafunc.fixturenames:
        metafunc.parametrize("sample_name", names(metafunc.config.getoption("samples"), ".pcap"))


def run_clean(tshark, pcap, args):
    """tshark's output; fails on a crash, an assertion or a dissector bug."""
    rc, out, err = tshark.run(["-r", pcap] + args, check=False)
    bad = problems(rc, out, err)
    assert not bad, "%s %s: %s %s" % (os.path.basename(pcap), " ".join(args), bad, err.strip()[:300])
    return out


@pytest.fixture(scope="module")
def crafted(scenario_capture):
    """crafted(CASE): the capture of CASES[CASE], written by craft."""
    return lambda case: scenario_capture(case, HEAD + CASES[case][0] + "\n")


@pytest.fixture(scope="module")
def variant(samples, tmp_dir):
    """variant(SAMPLE, V): samples/SAMPLE.pcap cut short or mutated as V of VARIANTS says."""
    def make(name, v):
        path = os.path.join(tmp_dir, "%s-%s.pcap" % (name, v))
        if not os.path.exists(path):
            how = ["-s", v[1:]] if v[0] == "s" else ["--seed", v[1:], "-E", "0.05"]
            subprocess.run(["editcap"] + how + [os.path.join(samples, name + ".pcap"), path], check=True,
                           stdout=subprocess.DEVNULL)
            os.chmod(path, 0o644)
        return path
    return make


@pytest.mark.robustness
@pytest.mark.parametrize("args", [["-V"], ["-2", "-o", "tcpstate.detail:TRUE", "-V"]], ids=["1pass", "2pass-detail"])
@pytest.mark.parametrize("case", CASES)
def test_crafted(tshark, crafted, case, args):
    run_clean(tshark, crafted(case), args)


@pytest.mark.parametrize("case", CASES)
def test_crafted_unknown(tshark, crafted, case):
    """The frames the case names are there, with phase "unknown"."""
    rows = [l.split("\t") for l in run_clean(tshark, crafted(case), FIELDS).splitlines()]
    phases = {int(r[0]): r[1] for r in rows}
    wrong = {n: phases.get(n, "(frame missing)") for n in CASES[case][1] if phases.get(n) != "unknown"}
    assert not wrong, "%s: phase of frames %s, want unknown" % (case, wrong)


@pytest.mark.robustness
@pytest.mark.parametrize("args", [["-V"], ["-2", "-V"]], ids=["1pass", "2pass"])
@pytest.mark.parametrize("v", VARIANTS)
def test_sample_variant(tshark, variant, sample_name, v, args):
    run_clean(tshark, variant(sample_name, v), args)


@pytest.mark.parametrize("text", [
    # the SYN's header cut after 14 bytes: Wireshark 4.0 and 4.4 give it no
    # tcp.stream, and the connection takes the one of its later segments
    "0 c>s S caplen=34\n1 s>c SA\n2 c>s A\n",
    # every header cut: no tcp.stream at all before 4.6; 4.6 gives one
    "0 c>s S caplen=34\n1 s>c SA caplen=34\n",
], ids=["first-truncated", "all-truncated"])
def test_truncated_stream(tshark, scenario_capture, text, request):
    """-z tcpstate,conv's stream of a connection whose headers are truncated
    (analysed from their first 14 bytes, tests/crafted/truncated-header.scn)
    is the first tcp.stream TCP gives one of its segments, or null."""
    pcap = scenario_capture("stream-" + request.node.callspec.id, HEAD + text)
    given = [s for s in run_clean(tshark, pcap, ["-T", "fields", "-e", "tcp.stream"]).split() if s]
    out = run_clean(tshark, pcap, ["-q", "-z", "tcpstate,conv,json"])
    conns = json.JSONDecoder().raw_decode(out[out.index("{"):])[0]["connections"]
    assert [c["stream"] for c in conns] == [int(given[0]) if given else None], (given, conns)
