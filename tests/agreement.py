#!/usr/bin/env python3
"""Kernel agreement score of the truth-rig samples (samples/rig/, recorded by
tests/rig/record-rig.sh). Runs without root, from the committed files.

For every scenario x capture point (client, router, server) x endpoint it
compares the plugin (second pass, tshark -2 -T fields) with the Linux kernel
(tracepoint sock:inet_sock_set_state, NAME.kernel):

1. Endpoint sequences. The endpoint's states in order, consecutive repeats
   dropped. Kernel: each socket's first old state then every new state;
   sockets on the same 4-tuple (a TIME_WAIT reused by a new connection) are
   joined in time order; "-> CLOSE" from FIN_WAIT2 or CLOSING reads as
   TIME_WAIT (Linux hands the socket to a time-wait socket there). Plugin:
   prev, via and state of every segment, in frame order, of every stream
   with that endpoint. An endpoint counts at a capture point when the point
   saw at least one segment of its 4-tuple. An endpoint the kernel has no
   socket for (nothing listening, SYN never arrived) must never change.

2. Per-packet states, where timestamps align: only for the endpoint local to
   the capture point (the client's own address at the client capture, the
   server's at the server capture; the router has none), because only there
   is the capture time the time the endpoint sent or received the segment.
   The kernel state "after" segment p is the state once these events of the
   endpoint are applied: every event before p's capture time, and every event
   after it up to the next segment the endpoint receives, except those that
   its own sending of a SYN, FIN or RST in between caused (->SYN_SENT,
   ->FIN_WAIT1, ->LAST_ACK, ->CLOSE for a RST: logged just before that
   segment is captured). Up to the next received segment, not the next
   segment: Linux logs the change a received segment causes after its
   capture, sometimes after the ACK it sends in reply (a FIN received in
   FIN_WAIT2 is ACKed, then the socket goes TIME_WAIT). After the last
   received segment every later event counts. Compared with the plugin's
   state of that endpoint on p.
   Not counted (the kernel's record does not say the state):
   - segments before the accepted socket's first event: Linux logs
     LISTEN->SYN_RECV only when the handshake completes (the SYN+ACK comes
     from a request socket that logs nothing), also for a SYN that meets a
     TIME_WAIT and starts a new connection;
   - segments after an orphaned socket's FIN_WAIT2->CLOSE that a segment
     without FIN caused: that is the FIN_WAIT2 time-wait substate, whose
     later move to TIME_WAIT is never logged (with a FIN it is TIME_WAIT);
   - endpoints without any kernel socket;
   - segments while the endpoint is in FIN_WAIT1 or LAST_ACK before it sent
     its FIN (the application closed, the FIN waits behind data);
   - segments after a RST reached a TIME_WAIT socket (Linux ends it; not
     logged).

3. Per-packet states of the other endpoints: at every capture point, the
   endpoints that are not local to it (both at the router). Each segment is
   found in the capture of the endpoint's own host (same direction, sequence
   and acknowledgment numbers, flags, length, IPv4 identification; for IPv6
   the n-th copy of the same segment), and the endpoint's kernel state after
   it there (as in 2.) is the one to agree with. A segment the endpoint's
   host never captured did not reach it: the endpoint's state is the one
   after the last segment before it (in this capture's order) that its host
   did capture, and not counted when there is none. Counted apart from 2.,
   as "other endpoints".

Prints a table and "kernel agreement: A/B endpoint sequences, C/D per-packet
states". --min-sequences/--min-packets: exit 1 below these floors.
--json FILE: every comparison, with the true vantage of each capture.
--kernel-states FILE --port N: the raw kernel sequences (used by the
recorder to check a recording).
"""
import argparse
import ipaddress
import json
import os
import re
import sys

KERNEL_NAMES = {
    "TCP_ESTABLISHED": "ESTABLISHED", "TCP_SYN_SENT": "SYN_SENT", "TCP_SYN_RECV": "SYN_RECEIVED",
    "TCP_FIN_WAIT1": "FIN_WAIT_1", "TCP_FIN_WAIT2": "FIN_WAIT_2", "TCP_TIME_WAIT": "TIME_WAIT",
    "TCP_CLOSE": "CLOSED", "TCP_CLOSE_WAIT": "CLOSE_WAIT", "TCP_LAST_ACK": "LAST_ACK",
    "TCP_LISTEN": "LISTEN", "TCP_CLOSING": "CLOSING", "TCP_NEW_SYN_RECV": "SYN_RECEIVED",
}
EVENT = re.compile(r"^(\d+\.\d+)\s.*?sock:inet_sock_set_state:.*?family=(\S+).*?sport=(\d+) dport=(\d+) "
                   r"saddr=(\S+) daddr=(\S+) saddrv6=(\S+) daddrv6=(\S+) oldstate=(\S+) newstate=(\S+)")

POINTS = ("client", "router", "server")
# The rig's hosts (tests/rig/record-rig.sh): whose endpoints are local where.
LOCAL_ADDRS = {"client": {"10.98.1.1", "fd00:98:1::1"}, "router": set(),
               "server": {"10.98.2.2", "fd00:98:2::2"}}
SEND_STATES = {"SYN_SENT", "FIN_WAIT_1", "LAST_ACK"}


def true_vantage(pcap):
    """The capture point of a rig capture, from its name NAME.POINT.pcap."""
    return os.path.basename(pcap).rsplit(".", 2)[-2]


def norm(addr):
    a = ipaddress.ip_address(addr)
    if a.version == 6 and a.ipv4_mapped:
        a = a.ipv4_mapped
    return str(a)


def kernel_events(path, syn_times=None):
    """{(local addr, local port, remote addr, remote port): [(t, old, new, raw old, raw new)]},
    listeners (remote port 0) included.

    connect() logs CLOSE -> SYN_SENT before the local port is chosen (sport=0).
    With syn_times ({4-tuple: time of its first SYN at the connecting host})
    such an event belongs to the socket whose first SYN follows it soonest;
    without, to the socket whose next event, same addresses and remote port,
    starts from SYN_SENT and that logged no SYN_SENT of its own (a socket
    bound before connect() does). With none it keeps local port 0."""
    parsed = []
    with open(path) as f:
        for line in f:
            m = EVENT.search(line)
            if not m:
                continue
            t, fam, sport, dport, sa, da, sa6, da6, old, new = m.groups()
            if fam == "AF_INET6":
                sa, da = sa6, da6
            parsed.append((float(t), (norm(sa), int(sport), norm(da), int(dport)), old, new))
    parsed.sort(key=lambda e: e[0])
    own_connect = {k for _, k, _, new in parsed if k[1] != 0 and new == "TCP_SYN_SENT"}
    events = {}
    claimed, taken = set(), set()
    for i, (t, key, old, new) in enumerate(parsed):
        if key[1] == 0 and key[3] != 0:
            same = lambda k: (k[0], k[2], k[3]) == (key[0], key[2], key[3]) and k[1] != 0
            if syn_times:
                cands = sorted((st, k) for k, st in syn_times.items()
                               if same(k) and k not in taken and k not in own_connect and st >= t - 1e-4)
                if cands:
                    key = cands[0][1]
                    taken.add(key)
            else:
                for j in range(i + 1, len(parsed)):
                    _, k2, old2, _ = parsed[j]
                    if same(k2) and old2 == new and j not in claimed and k2 not in own_connect:
                        claimed.add(j)
                        key = k2
                        break
        events.setdefault(key, []).append((t, KERNEL_NAMES[old], KERNEL_NAMES[new],
                                           old[4:], new[4:]))
    return events


def dedupe(seq):
    out = []
    for s in seq:
        if not out or out[-1] != s:
            out.append(s)
    return out


def kernel_sequence(evs, raw=False):
    seq = []
    for _, old, new, rold, rnew in evs:
        if raw:
            seq += [rold, rnew]
            continue
        if new == "CLOSED" and old in ("FIN_WAIT_2", "CLOSING"):
            new = "TIME_WAIT"
        seq += [old, new]
    return dedupe(seq)


def kernel_sequences(path):
    """{(local addr, local port, remote addr, remote port): [states]}, with
    connect()'s event (local port 0) attached to its socket."""
    return {key: kernel_sequence(evs) for key, evs in kernel_events(path).items()}


FIELDS = ["frame.number", "frame.time_epoch", "tcp.stream", "ip.src", "ipv6.src", "tcp.srcport",
          "ip.dst", "ipv6.dst", "tcp.dstport", "tcp.flags", "tcpstate.sender",
          "tcpstate.client.prev", "tcpstate.client.via", "tcpstate.client.state",
          "tcpstate.server.prev", "tcpstate.server.via", "tcpstate.server.state",
          "tcp.seq_raw", "tcp.ack_raw", "tcp.len", "ip.id", "tcpstate.client.order",
          "tcpstate.server.order"]


def read_capture(ts, pcap):
    """Per segment: dict with frame, t, src/dst endpoint keys, flags, and the
    plugin's view (role of each endpoint, states) if it has one."""
    rows, _ = ts.fields(pcap, FIELDS, two_pass=True)
    pkts = []
    for r in rows:
        r += [""] * (len(FIELDS) - len(r))
        (num, t, stream, s4, s6, sport, d4, d6, dport, flags, sender,
         cprev, cvia, cst, sprev, svia, sst, seq, ack, length, ipid, corder, sorder) = r
        src = (norm(s4 or s6), int(sport))
        dst = (norm(d4 or d6), int(dport))
        p = {"frame": int(num), "t": float(t), "stream": stream, "src": src, "dst": dst,
             "flags": int(flags, 16) if flags else 0, "sender": sender,
             "sig": (src, dst, seq, ack, flags, length, ipid)}
        if sender in ("client", "server"):
            client, server = (src, dst) if sender == "client" else (dst, src)
            p["client"], p["server"] = client, server
            p["view"] = {"client": (cprev, cvia, cst), "server": (sprev, svia, sst)}
            p["order"] = {"client": int(corder) if corder else None, "server": int(sorder) if sorder else None}
        pkts.append(p)
    return pkts


def plugin_sequences(pkts):
    """{endpoint key: [states]}: every connection with that endpoint, in frame
    order; within a connection, its segments in the endpoint's own order
    (tcpstate.client/server.order), which its states follow."""
    conns = {}  # key: [[(order, frame, states)], ...], a list per connection
    for p in pkts:
        if "view" not in p:
            continue
        for role in ("client", "server"):
            me = p[role]
            peer = p["server" if role == "client" else "client"]
            prev, via, after = p["view"][role]
            order = p["order"][role]
            states = [prev] + ([v.strip() for v in via.split(",")] if via else []) + [after]
            lst = conns.setdefault(me + peer, [[]])
            # a connection's orders are 1..n once each: a repeat starts the next one
            if order is not None and any(o == order for o, _, _ in lst[-1]):
                lst.append([])
            lst[-1].append((order, p["frame"], states))
    out = {}
    for key, lst in conns.items():
        seq = []
        for c in lst:
            if all(o is not None for o, _, _ in c):
                c = sorted(c)
            for _, _, states in c:
                seq += states
        out[key] = dedupe(seq)
    return out


def plugin_state(p, key):
    """The plugin's state of endpoint key after segment p (None: not its stream)."""
    if "view" not in p:
        return None
    for role in ("client", "server"):
        peer = p["server" if role == "client" else "client"]
        if p[role] + peer == key:
            return p["view"][role][2]
    return None


def of_conn(p, key):
    """Whether segment p belongs to the 4-tuple of endpoint key (either way)."""
    return (p["src"] + p["dst"]) in (key, key[2:] + key[:2])


def sends(p, key):
    return p["src"] == key[:2] and p["dst"] == key[2:]


def per_packet(pkts, key, evs):
    """[(segment, kernel state or None if not counted, why)] for endpoint key."""
    mine = [p for p in pkts if of_conn(p, key)]
    received = [x for x in mine if not sends(x, key)]
    out = []
    for i, p in enumerate(mine):
        later = mine[i + 1:]
        nxt = next((x for x in later if not sends(x, key)), None)
        end = nxt["t"] if nxt else float("inf")
        # SYN, FIN or RST segments the endpoint sends before it receives again
        sent_sfr = [x for x in later if x["t"] < end and sends(x, key) and x["flags"] & 0x07]
        applied = []
        for e in evs:
            if e[0] <= p["t"]:
                applied.append(e)
            elif e[0] < end and not any(
                    e[0] < x["t"] and (e[2] in SEND_STATES or (x["flags"] & 0x04 and e[2] == "CLOSED"))
                    for x in sent_sfr):
                applied.append(e)
        rest = [e for e in evs if e not in applied]
        if not applied and not rest:
            out.append((p, None, "no kernel socket"))
            continue
        if rest and rest[0][1] == "LISTEN" and (not applied or any(
                applied[-1][0] < x["t"] <= p["t"] for x in received if x["flags"] & 0x12 == 0x02)):
            # a SYN came in for a socket whose first event is still to come
            out.append((p, None, "accepted socket not logged yet"))
            continue
        if not applied:
            out.append((p, None, "before the socket's first event"))
            continue
        state, unknown = applied[0][1], False
        for j, (t, old, new, _, _) in enumerate(applied):
            if old == "LISTEN":
                unknown = False  # a new socket on this 4-tuple
            if new == "CLOSED" and old == "FIN_WAIT_2":
                # the segment that caused it: the last one received before it
                cause = [x for x in received if x["t"] <= t]
                if cause and not (cause[-1]["flags"] & 0x01):
                    unknown = True
                new = "TIME_WAIT"
            elif new == "CLOSED" and old == "CLOSING":
                new = "TIME_WAIT"
            state = new
        if unknown:
            out.append((p, None, "FIN_WAIT2 time-wait substate (move to TIME_WAIT not logged)"))
        elif state in ("FIN_WAIT_1", "LAST_ACK") and not any(
                sends(x, key) and x["flags"] & 0x01 and x["t"] <= p["t"] for x in mine):
            # close() came, its FIN had not left yet (queued behind data the
            # congestion window holds back): no segment can show that
            out.append((p, None, "closed, FIN not sent yet"))
        elif state == "TIME_WAIT" and any(x["flags"] & 0x04 and applied[-1][0] <= x["t"] <= p["t"]
                                          for x in received):
            # Linux (tcp_rfc1337 = 0) ends a time-wait socket on a RST; unlogged
            out.append((p, None, "RST received in TIME_WAIT (time-wait socket ended, not logged)"))
        else:
            out.append((p, state, ""))
    return out


def local_point(key):
    """The capture point on the host of endpoint key (None: none)."""
    return next((pt for pt in POINTS if key[0] in LOCAL_ADDRS[pt]), None)


def match_home(pkts, home_pkts, key):
    """{index in pkts: index in home_pkts}: each segment of endpoint key found
    in its host's capture. Copies of the same segment (same signature; IPv6
    and Linux's TIME_WAIT replies carry no IP identification) are told apart
    by time, on the one clock of the rig: a segment the endpoint sent is the
    latest copy its host captured before this one; a segment it received is
    the latest copy here before the one its host captured."""
    home = {}
    for j, h in enumerate(home_pkts):
        home.setdefault(h["sig"], []).append(j)
    out = {}
    received = {}
    for i, p in enumerate(pkts):
        if not of_conn(p, key):
            continue
        cands = home.get(p["sig"], [])
        if sends(p, key):
            before = [j for j in cands if home_pkts[j]["t"] <= p["t"]]
            if before:
                out[i] = before[-1]
        else:
            received.setdefault(p["sig"], []).append(i)
    for sig, mine in received.items():
        for j in home.get(sig, []):
            before = [i for i in mine if pkts[i]["t"] <= home_pkts[j]["t"] and i not in out]
            if before:
                out[before[-1]] = j
    return out


def remote_per_packet(pkts, home_pkts, home_rows, key):
    """[(segment of pkts, kernel state or None, why, crossed)] for endpoint
    key, whose host captured home_pkts (its segments only, scored there as
    home_rows by per_packet). crossed: the segment was captured here in
    another order, relative to one of its connection's segments, than at the
    endpoint's host (a segment crossed it between this capture point and the
    endpoint, or the path reordered them)."""
    match = match_home(pkts, home_pkts, key)
    mine = [i for i, p in enumerate(pkts) if of_conn(p, key)]
    out, last = [], None
    for i in mine:
        p = pkts[i]
        if i in match:
            last = home_rows[match[i]]
            partners = [j for j in mine if j != i and j in match and (j > i) != (match[j] > match[i])]
            crossed = crossing_kind(p, [pkts[j] for j in partners], key) if partners else None
            out.append((p, last[1], last[2], crossed))
        elif last is None:
            out.append((p, None, "not delivered, nothing delivered before", None))
        else:
            out.append((p, last[1], last[2] or "not delivered", None))
    return out


def carries_seq(p):
    """Whether segment p occupies sequence space (data, SYN or FIN)."""
    return int(p["sig"][5] or 0) > 0 or bool(p["flags"] & 0x03)


def crossing_kind(p, partners, key):
    """How segment p crossed the partners (segments of its connection in
    another order here than at endpoint key's host): "by sequence" when an
    ACK number of the endpoint's shows the order (a segment toward it that
    carries sequence space against one it sent with ACK), "by time" when only
    the time between them can (the replay places them by the round trip,
    which jitter changes), "reordered" when both went the same way."""
    kinds = set()
    for q in partners:
        if sends(p, key) == sends(q, key):
            kinds.add("reordered")
            continue
        toward, mine = (q, p) if sends(p, key) else (p, q)
        kinds.add("by sequence" if carries_seq(toward) and mine["flags"] & 0x10 else "by time")
    for k in ("by sequence", "by time", "reordered"):
        if k in kinds:
            return k
    return "by time"


def score_scenario(ts, samples, name, detail):
    caps = {point: read_capture(ts, ts.readable(os.path.join(samples, "%s.%s.pcap" % (name, point))))
            for point in POINTS}
    syn_times = {}
    for p in caps["client"]:
        if p["flags"] & 0x12 == 0x02:
            syn_times.setdefault(p["src"] + p["dst"], p["t"])
    evs_all = kernel_events(os.path.join(samples, name + ".kernel"), syn_times)
    connected = {k: v for k, v in evs_all.items() if k[3] != 0}
    result = {}
    local_rows = {}  # (point, key): per_packet rows of the endpoint at its own host
    for point in POINTS:
        pcap = ts.readable(os.path.join(samples, "%s.%s.pcap" % (name, point)))
        pkts = caps[point]
        pseq = plugin_sequences(pkts)
        seen = {p["src"] + p["dst"] for p in pkts} | {p["dst"] + p["src"] for p in pkts}
        # a kernel socket with local port 0 (SYN never answered): the one
        # captured endpoint with those addresses and remote port that no
        # other kernel socket claims
        kern = dict(connected)
        for k in [k for k in kern if k[1] == 0]:
            cand = [s for s in seen if (s[0], s[2], s[3]) == (k[0], k[2], k[3]) and s not in kern]
            if len(cand) == 1:
                kern[cand[0]] = kern.pop(k)
        seq_rows, pkt_rows, skipped, remote_rows = [], [], [], []
        for key in sorted(set(kern) | set(pseq)):
            if key not in seen:
                continue  # this capture point saw nothing of it
            want = kernel_sequence(kern[key]) if key in kern else None
            got = pseq.get(key)
            if got is None:
                ok = False
            elif want is None:
                ok = len(got) == 1
            else:
                ok = got == want or (want[-1] == "TIME_WAIT" and got == want + ["CLOSED"] and any(
                    p["flags"] & 0x04 and p["dst"] + p["src"] == key for p in pkts))  # see per_packet
            cport = key[1] if key[0] in LOCAL_ADDRS["client"] else key[3]
            seq_rows.append({"endpoint": "%s:%d" % key[:2], "peer": "%s:%d" % key[2:], "ok": ok,
                             "kernel": want, "plugin": got, "cport": cport})
            home = local_point(key)
            if home and home != point and key in kern:
                if (home, key) not in local_rows:
                    local_rows[home, key] = per_packet(caps[home], key, kern[key])
                home_pkts = [x for x in caps[home] if of_conn(x, key)]
                for p, kstate, why, crossed in remote_per_packet(pkts, home_pkts, local_rows[home, key], key):
                    got_state = plugin_state(p, key)
                    if kstate is None:
                        skipped.append({"endpoint": "%s:%d" % key[:2], "frame": p["frame"],
                                        "why": "other endpoint: " + why})
                        continue
                    why_miss = ""
                    if got_state != kstate:
                        if crossed:
                            why_miss = "crossed in flight, " + crossed
                        elif why == "not delivered":
                            why_miss = "lost, nothing later shows it"
                        else:
                            why_miss = "other"
                    remote_rows.append({"endpoint": "%s:%d" % key[:2], "frame": p["frame"], "cport": cport,
                                        "class": why_miss,
                                        "flags": p["flags"], "sent": sends(p, key),
                                        "kernel": kstate, "plugin": got_state,
                                        "delivered": why != "not delivered" if not sends(p, key) else True,
                                        "ok": got_state == kstate})
            if key[0] in LOCAL_ADDRS[point] and key in kern:
                for p, kstate, why in per_packet(pkts, key, kern[key]):
                    if kstate is None:
                        skipped.append({"endpoint": "%s:%d" % key[:2], "frame": p["frame"], "why": why})
                        continue
                    got_state = plugin_state(p, key)
                    pkt_rows.append({"endpoint": "%s:%d" % key[:2], "frame": p["frame"], "cport": cport,
                                     "flags": p["flags"], "sent": sends(p, key),
                                     "kernel": kstate, "plugin": got_state,
                                     "ok": got_state == kstate})
        result[point] = {"capture": os.path.basename(pcap), "true_vantage": true_vantage(pcap),
                         "sequences": seq_rows, "packets": pkt_rows, "remote_packets": remote_rows,
                         "not_counted": skipped}
    detail[name] = result
    return result


def flag_text(f):
    return "".join(c for bit, c in ((0x02, "S"), (0x01, "F"), (0x04, "R"), (0x08, "P"), (0x10, "."))
                   if f & bit)


class Score:
    """The agreement of every scenario in a samples folder (score()): totals
    sequences/packets (agreeing, counted), the table and misses as text
    lines, the not-counted segments per reason, every comparison (detail)."""

    def __init__(self):
        self.ok_sequences = self.sequences = self.ok_packets = self.packets = 0
        self.ok_remote = self.remote = 0
        self.remote_by_point = {pt: [0, 0] for pt in POINTS}
        # campaign batches (NAME.endings): {(point, ending): [seq ok, seqs, states ok, states]}
        self.by_ending = {}
        self.classes = {}   # {class: misses of the other endpoints' states}
        self.table, self.misses, self.skipped, self.detail = [], [], {}, {}

    def ending_table(self):
        """Agreement per capture point and connection ending (campaign batches)."""
        if not self.by_ending:
            return []
        endings = sorted({e for _, e in self.by_ending})
        lines = ["%-20s %s" % ("ending", " ".join("%26s" % pt for pt in POINTS)),
                 "%-20s %s" % ("", " ".join("%12s %13s" % ("sequences", "states") for _ in POINTS))]
        for e in endings + ["all"]:
            cells = []
            for pt in POINTS:
                if e == "all":
                    v = [sum(x[i] for (p, _), x in self.by_ending.items() if p == pt) for i in range(4)]
                else:
                    v = self.by_ending.get((pt, e), [0, 0, 0, 0])
                cells.append("%12s %13s" % ("%d/%d" % (v[0], v[1]), "%d/%d" % (v[2], v[3])))
            lines.append("%-20s %s" % (e, " ".join(cells)))
        return lines

    def summary(self):
        return ("kernel agreement: %d/%d endpoint sequences, %d/%d per-packet states; "
                "other endpoints %d/%d per-packet states (%s)") % (
            self.ok_sequences, self.sequences, self.ok_packets, self.packets, self.ok_remote, self.remote,
            ", ".join("at the %s %d/%d" % (pt, ok, n) for pt, (ok, n) in self.remote_by_point.items()))

    def report(self, misses=True):
        """The text of the CLI: table, misses, not counted, summary."""
        lines = list(self.table)
        if misses and self.misses:
            lines += ["misses:"] + self.misses
        lines += ["per-packet, not counted: %d segments (%s)" % (n, why) for why, n in sorted(self.skipped.items())]
        lines += ["other endpoints, misses: %d %s" % (n, c) for c, n in sorted(self.classes.items())]
        return lines + [self.summary()]


def score(ts, samples):
    """Scores every scenario NAME.kernel in samples (a Score)."""
    sc = Score()
    sc.table.append("%-22s %9s %9s %9s %11s %11s" % ("scenario", "client", "router", "server", "per-packet",
                                                      "others"))
    for name in sorted(n[:-len(".kernel")] for n in os.listdir(samples) if n.endswith(".kernel")):
        res = score_scenario(ts, samples, name, sc.detail)
        endings = {}
        if os.path.exists(os.path.join(samples, name + ".endings")):
            with open(os.path.join(samples, name + ".endings")) as f:
                endings = {int(port): ending for port, ending in (l.split() for l in f if l.strip())}
        for point in POINTS:
            for kind, i in (("sequences", 0), ("packets", 2), ("remote_packets", 2)):
                for r in res[point][kind]:
                    e = endings.get(r.get("cport"))
                    if e:
                        v = sc.by_ending.setdefault((point, e), [0, 0, 0, 0])
                        v[i] += r["ok"]
                        v[i + 1] += 1
        cells = []
        pk_ok = pk_n = rm_ok = rm_n = 0
        for point in POINTS:
            rows = res[point]["sequences"]
            ok = sum(r["ok"] for r in rows)
            cells.append("%d/%d" % (ok, len(rows)))
            sc.ok_sequences += ok
            sc.sequences += len(rows)
            for r in rows:
                if not r["ok"]:
                    sc.misses.append("  %s @%s %s: kernel %s, plugin %s" % (
                        name, point, r["endpoint"],
                        " > ".join(r["kernel"]) if r["kernel"] else "(no socket: no change)",
                        " > ".join(r["plugin"]) if r["plugin"] else "(not shown)"))
            for r in res[point]["packets"]:
                pk_n += 1
                pk_ok += r["ok"]
                if not r["ok"]:
                    sc.misses.append("  %s @%s %s frame %d (%s %s): kernel %s, plugin %s" % (
                        name, point, r["endpoint"], r["frame"], "sent" if r["sent"] else "received",
                        flag_text(r["flags"]), r["kernel"], r["plugin"]))
            for r in res[point]["remote_packets"]:
                rm_n += 1
                rm_ok += r["ok"]
                sc.remote_by_point[point][0] += r["ok"]
                sc.remote_by_point[point][1] += 1
                if not r["ok"]:
                    sc.classes[r["class"]] = sc.classes.get(r["class"], 0) + 1
                    sc.misses.append("  %s @%s other endpoint %s frame %d (%s %s%s): kernel %s, plugin %s [%s]" % (
                        name, point, r["endpoint"], r["frame"], "sent" if r["sent"] else "received",
                        flag_text(r["flags"]), "" if r["delivered"] else ", never delivered",
                        r["kernel"], r["plugin"], r["class"]))
            for r in res[point]["not_counted"]:
                sc.skipped[r["why"]] = sc.skipped.get(r["why"], 0) + 1
        sc.ok_packets += pk_ok
        sc.packets += pk_n
        sc.ok_remote += rm_ok
        sc.remote += rm_n
        sc.table.append("%-22s %9s %9s %9s %11s %11s" % (name, cells[0], cells[1], cells[2],
                                                         "%d/%d" % (pk_ok, pk_n), "%d/%d" % (rm_ok, rm_n)))
    return sc


def below_floors(sc, min_sequences, min_packets, min_remote=None):
    """What falls short: no scenario, or a score below a floor (None: no floor)."""
    out = []
    if min_remote is not None and sc.ok_remote < min_remote:
        out.append("below the floor: %d per-packet states of other endpoints < %d" % (sc.ok_remote, min_remote))
    if not sc.detail:
        out.append("no samples found")
    if min_sequences is not None and sc.ok_sequences < min_sequences:
        out.append("below the floor: %d endpoint sequences < %d" % (sc.ok_sequences, min_sequences))
    if min_packets is not None and sc.ok_packets < min_packets:
        out.append("below the floor: %d per-packet states < %d" % (sc.ok_packets, min_packets))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plugin")
    ap.add_argument("--ws-version")
    ap.add_argument("--samples", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                      "..", "samples", "rig"))
    ap.add_argument("--min-sequences", type=int, default=None)
    ap.add_argument("--min-packets", type=int, default=None)
    ap.add_argument("--min-remote", type=int, default=None)
    ap.add_argument("--json")
    ap.add_argument("--kernel-states")
    ap.add_argument("--port", type=int)
    ap.add_argument("--quiet", action="store_true", help="no per-miss lines")
    ap.add_argument("--by-ending", action="store_true",
                    help="also the agreement per capture point and connection ending (campaign batches)")
    a = ap.parse_args()

    if a.kernel_states:
        for key, evs in sorted(kernel_events(a.kernel_states).items(), key=lambda kv: kv[1][0][0]):
            if key[3] == 0:
                continue
            role = "server" if key[1] == a.port else "client"
            print(role, ">".join(kernel_sequence(evs, raw=True)))
        return 0
    if not a.plugin or not a.ws_version:
        ap.error("--plugin and --ws-version are needed")

    from tshark_env import Tshark
    ts = Tshark(a.plugin, a.ws_version)
    try:
        sc = score(ts, a.samples)
    finally:
        ts.close()
    print("\n".join(sc.report(misses=not a.quiet)))
    if a.by_ending:
        print("\n".join(sc.ending_table()))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(sc.detail, f, indent=1)
    short = below_floors(sc, a.min_sequences, a.min_packets, a.min_remote)
    for line in short:
        print(line)
    return 1 if short else 0


if __name__ == "__main__":
    sys.exit(main())
