"""The ss snapshots of the truth rig: samples/rig/NAME.ss, written by
tests/rig/record-rig.sh while it recorded scenario NAME (format: the file's
first lines and samples/rig/README.md).

    for snap in read("samples/rig/time-wait-pileup.ss"):
        print(snap.namespace, snap.host, midpoint(snap), len(snap.sockets))

A snapshot is ss -tan of the scenario's port in the client or the server
namespace, taken between t0 and t1 (CLOCK_REALTIME, the clock of the pcap
timestamps). comparable() turns its sockets, or the plugin's, into a set
that does not depend on how an address is written.
"""
import collections
import decimal
import ipaddress

# ss's names of the TCP states (ss -tan, column 1).
STATES = ("LISTEN", "SYN-SENT", "SYN-RECV", "ESTAB", "FIN-WAIT-1", "FIN-WAIT-2",
          "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT")

Snapshot = collections.namedtuple("Snapshot", [
    "number",     # the moment's number, shared by its client and server snapshot
    "namespace",  # "client" or "server"
    "host",       # the namespace's address of the scenario's family
    "ms",         # planned moment, ms after the scenario's start
    "t0", "t1",   # decimal.Decimal seconds since the epoch, right before and after ss
    "sockets",    # [(state, local "addr:port", peer "addr:port")] as ss printed them
    "summary",    # the lines of ss -s
])


def read(path):
    """The snapshots of one NAME.ss, in file order (each moment's client
    snapshot, then its server snapshot)."""
    snaps, cur, in_table = [], None, False
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# snapshot "):
                words = line.split()
                kv = dict(w.split("=", 1) for w in words[3:] if "=" in w)
                cur = Snapshot(int(words[2]), kv["ns"], kv["host"], int(kv["ms"]),
                               decimal.Decimal(kv["t0"]), decimal.Decimal(kv["t1"]), [], [])
                snaps.append(cur)
                in_table = True
            elif line.startswith("# ss -s"):
                in_table = False
            elif line.startswith("#") or cur is None:
                continue
            elif in_table:
                cols = line.split()
                if cols and cols[0] != "State":  # the header line
                    cur.sockets.append((cols[0], cols[3], cols[4]))
            else:
                cur.summary.append(line)
    return snaps


def midpoint(snap):
    """The moment the snapshot stands for: halfway between t0 and t1."""
    return (snap.t0 + snap.t1) / 2


def at_text(t):
    """A decimal epoch time as tcpstate,ss's at= wants it (ns digits)."""
    return "%.9f" % t


def split_endpoint(text):
    """"10.98.2.2:8101", "[fd00::2]:8101", "*:8101", "0.0.0.0:*" -> (addr, port);
    addr None for a wildcard, an IPv4-mapped IPv6 address as IPv4; port None
    for "*"."""
    addr, _, port = text.rpartition(":")
    if addr.startswith("[") and addr.endswith("]"):
        addr = addr[1:-1]
    addr = addr.split("%", 1)[0]  # [fe80::1%eth0]
    if addr in ("*", ""):
        a = None
    else:
        a = ipaddress.ip_address(addr)
        if a.version == 6 and a.ipv4_mapped:
            a = a.ipv4_mapped
        a = None if a.is_unspecified else str(a)
    return a, None if port == "*" else int(port)


def address(text):
    """A bare address ("10.98.2.2", "fd00::2") as split_endpoint spells it."""
    return split_endpoint(("[%s]:0" if ":" in text else "%s:0") % text)[0]


def key(state, local, peer):
    """What is compared of one socket: a listener as ("LISTEN", port) only
    (ss prints 0.0.0.0:8101, *:8101, [::]:8101 or the bound address), any
    other as (state, (local addr, port), (peer addr, port))."""
    if state == "LISTEN":
        return ("LISTEN", split_endpoint(local)[1])
    return (state, split_endpoint(local), split_endpoint(peer))


def comparable(sockets):
    """The set of key() of [(state, local, peer)]."""
    return {key(*s) for s in sockets}


def key_text(k):
    """One key() as a line: "TIME-WAIT 10.98.1.1:40000 10.98.2.2:8101"."""
    if k[0] == "LISTEN":
        return "LISTEN *:%s" % k[1]

    def ep(e):
        addr = "*" if e[0] is None else ("[%s]" % e[0] if ":" in e[0] else e[0])
        return "%s:%s" % (addr, "*" if e[1] is None else e[1])
    return "%s %s %s" % (k[0], ep(k[1]), ep(k[2]))
