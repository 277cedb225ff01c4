/* tcpstate_rtt.c - round trips seen from the capture point, and from them
 * where the capture was taken. Pure C, part of the core.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tcpstate_conn.h"

/* Round trips from the capture point: a segment occupying sequence space,
 * then the peer's first ACK covering it (not if it was sent again: Karn). */
void tcpst_rtt_sample(struct tcpst_conn *c, unsigned role, const struct tcpst_seg *s, float now)
{
    struct tcpst_half *me = &c->h[role], *peer = &c->h[!role];
    uint8_t f = s->flags;
    uint32_t end = s->seq + s->len + !!(f & TCPST_SYN) + !!(f & TCPST_FIN);

    if (f & TCPST_RST)
        return;
    if ((f & TCPST_ACK) && peer->pend && SEQ_GEQ(s->ack, peer->pend_end)) {
        float d = now - peer->pend_time;
        if (!peer->pend_rexmit && d >= 0 && (c->rtt[role] < 0 || d < c->rtt[role]))
            c->rtt[role] = d;
        peer->pend = 0;
    }
    if (end != s->seq) {
        if (!me->pend) {
            if (!me->sent_any || SEQ_GT(end, me->nxt)) {
                me->pend = 1;
                me->pend_rexmit = 0;
                me->pend_end = end;
                me->pend_time = now;
            }
        } else if (!SEQ_GT(end, me->nxt)) {
            me->pend_rexmit = 1; /* something sent again */
        }
    }
}

uint8_t tcpst_rtt_vantage(const struct tcpst_conn *c)
{
    float to_server = c->rtt[TCPST_SERVER], to_client = c->rtt[TCPST_CLIENT], all;

    if (to_server < 0 || to_client < 0)
        return TCPST_V_UNKNOWN;
    all = to_server + to_client;
    if (all < TCPST_VANTAGE_MIN_RTT)
        return TCPST_V_UNKNOWN;
    if (to_client <= 0.1 * all)
        return TCPST_V_CLIENT;
    if (to_server <= 0.1 * all)
        return TCPST_V_SERVER;
    return TCPST_V_MIDDLE;
}

const char *tcpst_vantage_name(unsigned v)
{
    static const char *const names[TCPST_V_NUM] = { "unknown", "client", "server", "middle" };
    return v < TCPST_V_NUM ? names[v] : names[0];
}
