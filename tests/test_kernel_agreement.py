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

import agreement
from agreement import kernel_sequences


def plugin_sequences(ts, pcap):
    """{(addr, port, peer addr, peer port): [states]} per endpoint, from a second pass."""
    return agreement.plugin_sequences(agreement.read_capture(ts, pcap))


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
