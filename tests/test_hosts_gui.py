"""The GUI's Hosts table (Tools > TCP State > Hosts) as tshark prints it,
-z tcpstate,hoststable, against -z tcpstate,hosts (docs/stats.md "Host
view"): both count with the same code (tcpstate_stats_hosts.c), so a row per
host and socket state with the same confirmed and assumed numbers, in the
same order; a host without a socket has no row. The expected values
themselves are checked in test_hosts.py.
"""
import pytest

from test_hosts import parse_hosts, run
from test_stats import parse_table


def table_rows(tshark, pcap, z="tcpstate,hoststable", two_pass=False):
    args = ["-r", pcap, "-q"] + (["-2"] if two_pass else []) + ["-z", z]
    _, out, _ = tshark.run(args)
    return [(r["Host"], r["State"], int(r["Confirmed"]), int(r["Assumed"])) for r in parse_table(out)]


def hosts_rows(out):
    return [(h, st, c, a) for h, states in parse_hosts(out).items() for st, (c, a) in states.items()]


@pytest.mark.parametrize("name", ["syn-flood", "client-close", "ipv6-client-close"])
@pytest.mark.parametrize("two_pass", [False, True])
def test_hoststable(tshark, sample, name, two_pass):
    want = hosts_rows(run(tshark, sample(name), "tcpstate,hosts"))
    got = table_rows(tshark, sample(name), two_pass=two_pass)
    assert got == want and got, "hoststable != tcpstate,hosts\ngot  %s\nwant %s" % (got, want)


def test_hoststable_syn_flood_values(tshark, sample):
    """The server's row of syn-flood (as test_hosts.py derives it)."""
    got = {(h, st): (c, a) for h, st, c, a in table_rows(tshark, sample("syn-flood"))}
    server = {st: v for (h, st), v in got.items() if h == "10.99.0.2"}
    assert server == {"LISTEN": (1, 0), "SYN-RECV": (7, 0), "ESTAB": (1, 0)}, got


def test_hoststable_filter(tshark, sample):
    """With a filter: what tcpstate,hosts counts under the same filter."""
    f = "tcp.port==40001"
    want = hosts_rows(run(tshark, sample("syn-flood"), "tcpstate,hosts," + f))
    got = table_rows(tshark, sample("syn-flood"), "tcpstate,hoststable," + f)
    assert got == want and got, (got, want)


def test_z_help_hoststable(tshark):
    _, out, err = tshark.run(["-z", "help"], check=False)
    assert "tcpstate,hoststable" in (out + err).split()
