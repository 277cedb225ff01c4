"""For every sample with a .kernel file: each endpoint's sequence of states, as
the plugin shows it on a second pass, must equal the sequence the Linux kernel
recorded for that socket (tracepoint sock:inet_sock_set_state).

Reading the kernel's record:
- a socket's sequence is its first event's old state, then every new state;
- Linux hands a socket leaving FIN_WAIT2 or CLOSING to a time-wait socket and
  the tracepoint then says TCP_CLOSE: that endpoint is in TIME_WAIT;
- an endpoint with no socket at all (nothing listening, SYN never arrived)
  has no events: the plugin must then show that endpoint never changing.
"""
import os

from agreement import kernel_sequences, norm

FIELDS = ["tcp.stream", "ip.src", "ipv6.src", "tcp.srcport", "ip.dst", "ipv6.dst", "tcp.dstport",
          "tcpstate.sender", "tcpstate.client.prev", "tcpstate.client.via", "tcpstate.client.state",
          "tcpstate.server.prev", "tcpstate.server.via", "tcpstate.server.state"]


def plugin_sequences(ts, pcap):
    """{(addr, port, peer addr, peer port): [states]} per endpoint, from a second pass."""
    rows, _ = ts.fields(pcap, FIELDS, two_pass=True)
    streams = {}
    for r in rows:
        (stream, s4, s6, sport, d4, d6, dport, sender, cprev, cvia, cst, sprev, svia, sst) = r
        if not sender or sender == "unknown":
            continue
        src, dst = norm(s4 or s6), norm(d4 or d6)
        st = streams.setdefault(stream, {"seq": {"client": [], "server": []}})
        if sender == "client":
            st["client"], st["server"] = (src, int(sport), dst, int(dport)), (dst, int(dport), src, int(sport))
        else:
            st["server"], st["client"] = (src, int(sport), dst, int(dport)), (dst, int(dport), src, int(sport))
        for role, prev, via, after in (("client", cprev, cvia, cst), ("server", sprev, svia, sst)):
            seq = st["seq"][role]
            for s in [prev] + ([v.strip() for v in via.split(",")] if via else []) + [after]:
                if not seq or seq[-1] != s:
                    seq.append(s)
    out = {}
    for st in streams.values():
        out[st["client"]] = st["seq"]["client"]
        out[st["server"]] = st["seq"]["server"]
    return out


def test_endpoint_sequences(tshark, sample, samples, kernel_sample):
    kseq = kernel_sequences(os.path.join(samples, kernel_sample + ".kernel"))
    pseq = plugin_sequences(tshark, sample(kernel_sample))
    for ep in [k for k in kseq if k[1] == 0 and k[3] != 0]:
        same = [p for p in pseq if (p[0], p[2], p[3]) == (ep[0], ep[2], ep[3])]
        if len(same) == 1:
            kseq[same[0]] = kseq.pop(ep)
    lines, bad = [], 0
    for ep in sorted(kseq):
        if ep[3] != 0 and ep not in pseq:  # a connected socket the plugin did not report
            bad += 1
            lines.append("FAIL %s:%d: kernel socket not in the plugin's output" % ep[:2])
    for ep, seq in sorted(pseq.items()):
        want = kseq.get(ep)
        ok = (len(seq) == 1) if want is None else (seq == want)
        label = ("[%s]:%d" if ":" in ep[0] else "%s:%d") % ep[:2]
        if ok:
            lines.append("ok   %-28s %s" % (label, " > ".join(seq)))
        else:
            bad += 1
            lines.append("FAIL %-28s plugin: %s\n     %-28s kernel: %s" % (
                label, " > ".join(seq), "", " > ".join(want) if want else "(no socket)"))
    assert not bad, "%s: %d of %d endpoints disagree with the kernel\n%s" % (
        kernel_sample, bad, len(pseq), "\n".join(lines))
