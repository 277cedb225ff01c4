/* tcpstate_flow.c - the "TCP states" flow type of Statistics > Flow Graph
 * (and tshark -z flow,tcpstate,standard|network[,filter]): one arrow per
 * segment of the "tcpstate" tap, labelled with its flags and the state
 * changes it made (the client's first), the comment giving both endpoints'
 * states after it (short: the dialog cuts comments at about 40 characters).
 * Everything comes from the segment's stored record.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_BUILD_DLL
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/tap.h>

#include "tcpstate_compat.h"
#include "tcpstate_core.h"
#include "tcpstate_tap.h"
#include "tcpstate_flow.h"

#define ARROW "\xe2\x86\x92" /* U+2192 */

void tcpstate_append_states(GString *s, const struct tcpst_view *v, unsigned role)
{
    if (v->before[role] != v->after[role]) {
        g_string_append(s, tcpst_state_name(v->before[role]));
        g_string_append(s, ARROW);
        for (unsigned i = 0; i < 2 && v->via[role][i]; i++) {
            g_string_append(s, tcpst_state_name(v->via[role][i]));
            g_string_append(s, ARROW);
        }
    }
    g_string_append(s, tcpst_state_name(v->after[role]));
}

#if TCPSTATE_HAVE_SEQ_ANALYSIS

/* "SYN, ACK": the names in the order TCP's own flow type writes them. */
static void append_flags(GString *s, guint8 f)
{
    static const struct { guint8 bit; const char *name; } names[] = {
        { TCPST_FIN, "FIN" }, { TCPST_SYN, "SYN" }, { TCPST_RST, "RST" }, { TCPST_PSH, "PSH" },
        { TCPST_ACK, "ACK" }, { TCPST_URG, "URG" }, { TCPST_ECE, "ECE" }, { TCPST_CWR, "CWR" },
    };
    gsize start = s->len;

    for (guint i = 0; i < G_N_ELEMENTS(names); i++)
        if (f & names[i].bit) {
            if (s->len > start)
                g_string_append(s, ", ");
            g_string_append(s, names[i].name);
        }
    if (s->len == start)
        g_string_append(s, "<None>");
}

static tap_packet_status flow_packet(void *arg, packet_info *pinfo, epan_dissect_t *edt _U_,
                                     const void *data, tap_flags_t flags _U_)
{
    seq_analysis_info_t *sainfo = (seq_analysis_info_t *)arg;
    const struct tcpstate_tap *t = (const struct tcpstate_tap *)data;
    seq_analysis_item_t *sai = sequence_analysis_create_sai_with_addresses(pinfo, sainfo);
    gboolean header = t->header;
    struct tcpst_view v;
    GString *label, *comment;

    if (!sai)
        return TAP_PACKET_DONT_REDRAW;
    sai->frame_number = pinfo->num;
    sai->port_src = header ? t->sport : (guint16)pinfo->srcport;
    sai->port_dst = header ? t->dport : (guint16)pinfo->destport;

    /* the view the packet list shows now: with hindsight on a later pass */
    tcpst_view(t->rec, t->conn, t->frame, PINFO_FD_VISITED(pinfo), &v);
    label = g_string_new(NULL);
    comment = g_string_new(NULL);
    if (header)
        append_flags(label, t->flags);
    else
        g_string_append(label, "TCP");
    if (t->len)
        g_string_append_printf(label, " - Len: %u", t->len);
    if (v.unknown) {
        g_string_append(comment, "not analysed");
    } else {
        gboolean first = TRUE;
        for (unsigned role = 0; role < 2; role++)
            if (v.before[role] != v.after[role]) {
                g_string_append(label, first ? "  " : " / ");
                tcpstate_append_states(label, &v, role);
                first = FALSE;
            }
        g_string_printf(comment, "client %s, server %s", tcpst_state_name(v.after[TCPST_CLIENT]),
                        tcpst_state_name(v.after[TCPST_SERVER]));
    }
    sai->frame_label = g_string_free(label, FALSE);
    sai->comment = g_string_free(comment, FALSE);
    sai->line_style = 1;
    sai->conv_num = t->stream == TCPSTATE_NO_STREAM ? 0 : (guint16)t->stream;
    sai->display = TRUE;
    sequence_analysis_use_color_filter(pinfo, sai);
    g_queue_push_tail(sainfo->items, sai);
    return TAP_PACKET_REDRAW;
}

void tcpstate_flow_register(int proto)
{
    register_seq_analysis("tcpstate", "TCP states", proto, "tcpstate", TL_REQUIRES_NOTHING, flow_packet);
}

#else

void tcpstate_flow_register(int proto _U_)
{
}

#endif
