/* tcpstate_tap.c - the TCP header in the "tcpstate" tap's record, with the
 * numbers TCP itself shows (and its own tap delivers) for the segment.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_BUILD_DLL
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/prefs-int.h>
#include <epan/dissectors/packet-tcp.h>

#include "tcpstate_core.h"
#include "tcpstate_tap.h"

/* TCP's preferences that decide whether it shows relative numbers: found
 * once (NULL when a version has none of that name: the default, on). */
static pref_t *tcp_analyze, *tcp_relative;
static gboolean tcp_prefs_found;

static gboolean pref_on(pref_t *p)
{
    return !p || prefs_get_bool_value(p, pref_current);
}

void tcpstate_tap_header(struct tcpstate_tap *t, const packet_info *pinfo, const struct tcpst_seg *hdr,
                         const struct tcp_analysis *tcpd)
{
    t->seq = hdr->seq;
    t->ack = hdr->ack;
    t->flags = hdr->flags;
    /* TCP takes the length of an IP fragment for unknown, and then leaves
     * the numbers raw too. */
    if (pinfo->fragmented)
        return;
    t->len = hdr->len;
    /* Relative to the numbers TCP's sequence analysis started the flows with. */
    if (!tcp_prefs_found) {
        module_t *tcp = prefs_find_module("tcp");
        tcp_analyze = prefs_find_preference(tcp, "analyze_sequence_numbers");
        tcp_relative = prefs_find_preference(tcp, "relative_sequence_numbers");
        tcp_prefs_found = TRUE;
    }
    if (tcpd && pref_on(tcp_analyze) && pref_on(tcp_relative)) {
        t->seq -= tcpd->fwd->base_seq;
        if (hdr->flags & TCPST_ACK)
            t->ack -= tcpd->rev->base_seq;
    }
}
