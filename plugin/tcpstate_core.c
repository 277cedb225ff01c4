/* tcpstate_core.c - the TCP state machine (RFC 9293 section 3.3.2), inferred
 * from observed segments.
 *
 * Every segment is treated as "sent by one endpoint, then received by the
 * other". It gives each endpoint inputs (sent a SYN, received an ACK that
 * covers my FIN, ...), and every state change of an endpoint is one cell of
 * one grid, next_state[input][state], in the style of Linux's
 * nf_conntrack_proto_tcp.c. Besides what a segment says, three inputs carry
 * what later segments showed (hindsight rows): nothing was listening, the
 * client's SYN never arrived, two FINs crossed. The few facts that are not
 * states (a FIN or SYN still on its way...) are described in tcpstate_conn.h.
 * Zeek's view is in tcpstate_zeek.c, round trips in tcpstate_rtt.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tcpstate_conn.h"

#include <string.h>

/* Inputs of one endpoint: the rows of the grid. */
enum tcpst_input {
    IN_SND_SYN,         /* sent a SYN without ACK */
    IN_SND_SYNACK,      /* sent a SYN-ACK */
    IN_SND_FIN,         /* sent its first FIN */
    IN_SND_RST,         /* sent an acceptable RST */
    IN_RCV_SYN,         /* received a SYN without ACK */
    IN_RCV_SYNACK,      /* received a SYN-ACK that acknowledges its SYN */
    IN_RCV_ACK_SYN,     /* received an ACK that acknowledges its SYN */
    IN_RCV_ACK_FIN,     /* received an ACK that acknowledges its FIN */
    IN_RCV_FIN,         /* received the peer's first FIN (also when it arrives late) */
    IN_RCV_RST,         /* received an acceptable RST */
    IN_TW_TIMEOUT,      /* 2*MSL passed in TIME_WAIT (a timer, not a segment) */
    IN_NOT_LISTENING,   /* hindsight: a RST or the server's own SYN answered the
                           client's SYN: the server side was never listening */
    IN_SYN_LOST,        /* hindsight: nothing ever answered the client's SYN: no
                           sign it arrived, the server side still listens */
    IN_FIN_CROSSED,     /* hindsight: this endpoint sent its FIN before the
                           peer's first FIN reached it */
    IN_NUM
};

#define sUN TCPST_UNKNOWN
#define sCL TCPST_CLOSED
#define sLI TCPST_LISTEN
#define sSS TCPST_SYN_SENT
#define sSR TCPST_SYN_RECEIVED
#define sES TCPST_ESTABLISHED
#define sF1 TCPST_FIN_WAIT_1
#define sF2 TCPST_FIN_WAIT_2
#define sCW TCPST_CLOSE_WAIT
#define sCG TCPST_CLOSING
#define sLA TCPST_LAST_ACK
#define sTW TCPST_TIME_WAIT
#define sIG 14  /* ignored: the endpoint stays (a retransmission, a duplicate,
                   an unknown state, or an input this state lets pass) */
#define sIV 15  /* invalid: this state cannot send it or does not take it (a
                   real stack drops it or answers with a RST); the endpoint stays */

/* next_state[input][current state]. RFC 9293 section 3.10. Under each row,
 * every cell that is not sIG, in the manner of nf_conntrack_proto_tcp.c. */
static const uint8_t next_state[IN_NUM][TCPST_NUM_STATES] = {
/*                     sUN  sCL  sLI  sSS  sSR  sES  sF1  sF2  sCW  sCG  sLA  sTW */
/* SND_SYN       */ { sIG, sSS, sSS, sIG, sIG, sIV, sIV, sIV, sIV, sIV, sIV, sIV },
/*      sCL, sLI -> sSS  active open (from LISTEN too: RFC 9293 3.10.2)
 *      sES..sTW -> sIV  a synchronized endpoint sends no bare SYN
 *      (sSS, sSR: the SYN again) */
/* SND_SYNACK    */ { sIG, sIV, sSR, sSR, sIG, sIV, sIV, sIV, sIV, sIV, sIV, sIV },
/*      sLI -> sSR  answers a SYN
 *      sSS -> sSR  answers a crossing SYN (simultaneous open)
 *      sCL, sES..sTW -> sIV  nothing to answer (sSR: the SYN-ACK again) */
/* SND_FIN       */ { sIG, sIV, sIV, sIV, sF1, sF1, sIG, sIV, sLA, sIG, sIG, sIV },
/*      sSR, sES -> sF1  close() first
 *      sCW -> sLA       close() after the peer's FIN
 *      sCL, sLI, sSS -> sIV  no connection to close with a FIN
 *      sF2, sTW -> sIV  its FIN was acknowledged already
 *      (sF1, sCG, sLA: the FIN again) */
/* SND_RST       */ { sIG, sIG, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
/*      sLI..sTW -> sCL  the sender drops the connection */
/* RCV_SYN       */ { sIG, sIV, sSR, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sIG },
/*      sLI -> sSR  passive open
 *      sSS -> sSR  simultaneous open
 *      sCL -> sIV  refused (answered with a RST)
 *      (synchronized: a challenge ACK at most, RFC 5961) */
/* RCV_SYNACK    */ { sIG, sIV, sIV, sES, sES, sIG, sIG, sIG, sIG, sIG, sIG, sIG },
/*      sSS -> sES  the handshake's second segment
 *      sSR -> sES  the other half of a simultaneous open
 *      sCL, sLI -> sIV  no SYN of its own to acknowledge (a RST answers) */
/* RCV_ACK_SYN   */ { sIG, sIV, sIV, sIV, sES, sIG, sIG, sIG, sIG, sIG, sIG, sIG },
/*      sSR -> sES  the handshake's third segment
 *      sCL, sLI, sSS -> sIV  no SYN-ACK of its own to acknowledge */
/* RCV_ACK_FIN   */ { sIG, sIG, sIV, sIV, sIV, sIV, sF2, sIG, sIV, sTW, sCL, sIG },
/*      sF1 -> sF2  its FIN acknowledged, the peer's still to come
 *      sCG -> sTW  its FIN acknowledged after the FINs crossed
 *      sLA -> sCL  the passive closer's FIN acknowledged: done
 *      sLI..sES, sCW -> sIV  it sent no FIN */
/* RCV_FIN       */ { sIG, sIG, sIV, sIV, sCW, sCW, sCG, sTW, sIG, sIG, sIG, sIG },
/*      sSR, sES -> sCW  the peer closes first
 *      sF1 -> sCG       the FINs crossed (simultaneous close)
 *      sF2 -> sTW       the passive closer's FIN
 *      sLI, sSS -> sIV  not synchronized: dropped (RFC 9293 3.10.7.3)
 *      (sCW, sCG, sLA, sTW: the FIN again) */
/* RCV_RST       */ { sIG, sIG, sIG, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
/*      sSS..sTW -> sCL  the connection is reset (sLI ignores a RST) */
/* TW_TIMEOUT    */ { sIG, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sCL },
/*      sTW -> sCL  2*MSL after entering TIME_WAIT */
/* NOT_LISTENING */ { sIG, sIG, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
/*      any -> sCL  the server side was never listening, whatever was
 *                  assumed from the client's SYN */
/* SYN_LOST      */ { sIG, sLI, sIG, sLI, sLI, sLI, sLI, sLI, sLI, sLI, sLI, sLI },
/*      any -> sLI  the server side still listens, whatever was assumed
 *                  from the client's SYN */
/* FIN_CROSSED   */ { sIG, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sES, sIG, sIG, sIG },
/*      sCW -> sES  the assumed CLOSE_WAIT is undone: the peer's FIN had
 *                  not arrived when this endpoint sent its own */
};

/* The state after input in, from st (unchanged when the cell says so). */
static uint8_t grid(enum tcpst_input in, uint8_t st)
{
    uint8_t nxt = next_state[in][st < TCPST_NUM_STATES ? st : sUN];
    return nxt >= sIG ? st : nxt;
}

/* The phase of a segment in each stage (a RST or a SYN can say otherwise). */
static const uint8_t stage_phase[] = {
    [STAGE_HANDSHAKE] = TCPST_PH_HANDSHAKE, [STAGE_DATA] = TCPST_PH_DATA,
    [STAGE_TEARDOWN] = TCPST_PH_TEARDOWN, [STAGE_DONE] = TCPST_PH_CLOSED,
};

/* The phase of a segment with flags f in a stage. */
static uint8_t seg_phase(uint8_t stage, uint8_t f)
{
    if (stage == STAGE_DONE)
        return TCPST_PH_CLOSED;
    if (f & TCPST_RST)
        return TCPST_PH_RESET;
    if (f & TCPST_SYN)
        return TCPST_PH_HANDSHAKE;
    if ((f & TCPST_FIN) && stage == STAGE_DATA)
        return TCPST_PH_TEARDOWN;
    return stage_phase[stage];
}

/* Work area for one segment. */
struct step_ctx {
    struct tcpst_conn *c;
    struct tcpst_rec *r;
    float time;         /* seconds since the connection's first segment */
    uint8_t moves[2];
};

/* What the final view undoes for an endpoint (undelivered()) ends at this
 * frame, if it has not ended yet: from here the first pass is right. */
static void lost_ends(struct tcpst_half_x *h, uint32_t frame)
{
    if (h->lost_until && !h->lost_next && frame > h->lost_until)
        h->lost_next = frame;
}

/* The endpoint role takes input in on this segment. */
static void apply(struct step_ctx *x, unsigned role, enum tcpst_input in)
{
    struct tcpst_conn *c = x->c;
    uint8_t cur = c->st[role];
    uint8_t nxt = grid(in, cur);

    if (nxt == cur)
        return;
    /* A state this endpoint both entered and left on this segment. */
    if (x->moves[role] > 0 && x->moves[role] <= 2)
        x->r->via |= (uint16_t)(cur << (8 * role + 4 * (x->moves[role] - 1)));
    x->moves[role]++;
    c->st[role] = nxt;
    c->since[role] = x->time;
    if (nxt == TCPST_TIME_WAIT)
        tcpst_x(c)->tw_since[role] = x->time;
    /* A move ends what the final view undoes for role (undelivered(),
     * fin_held()). */
    if (c->x) {
        lost_ends(&c->x->h[role], c->last_frame);
        if (c->x->h[!role].rfin_until == UINT32_MAX)
            c->x->h[!role].rfin_until = c->last_frame;
    }
}

/* Hindsight in a view: what input in says of role's states around it. */
static void hindsight(struct tcpst_view *v, unsigned role, enum tcpst_input in)
{
    v->before[role] = grid(in, v->before[role]);
    v->after[role] = grid(in, v->after[role]);
    v->via[role][0] = v->via[role][1] = 0;
    v->revised = true;
}

/* Hindsight on this segment: the endpoint was not in the state assumed
 * before it, but in the one input in gives (not a move of this segment). */
static void correct(struct step_ctx *x, unsigned role, enum tcpst_input in)
{
    x->r->before[role] = x->c->st[role] = grid(in, x->c->st[role]);
}

/* The first segment that acknowledges role's SYN or FIN: remember role's
 * state before it. */
static void covered(struct step_ctx *x, unsigned role)
{
    struct tcpst_half *h = &x->c->h[role];

    h->undo_st = x->c->st[role];
    h->undo_since = x->c->since[role];
    h->undo_frame = x->c->last_frame;
    h->undo_time = x->time;
    h->undo_dirty = 0;
}

/* Segment s from role acknowledges the peer's SYN or FIN (again): the latest
 * such segment, for undelivered(); the first after a retransmission that
 * showed earlier ones undelivered ends what the final view undoes. */
static void note_cover(struct tcpst_conn *c, unsigned role, const struct tcpst_seg *s, float now)
{
    struct tcpst_half *y = &c->h[!role];

    if (!(s->flags & TCPST_ACK) || (s->flags & TCPST_RST))
        return;
    if ((y->fin_seen && y->fin_acked && SEQ_GT(s->ack, tcpst_xhas(c)->h[!role].fin_seq)) ||
        (!y->fin_seen && y->syn_seen && y->syn_acked && SEQ_GT(s->ack, y->isn))) {
        y->cover_frame = s->frame;
        y->cover_time = now;
        if (c->x)
            lost_ends(&c->x->h[!role], s->frame);
    }
}

/* role sends its SYN or FIN again although the capture showed it
 * acknowledged: a stack retransmits only what is not acknowledged, so the
 * acknowledgements captured before were not delivered, unless they crossed
 * this retransmission: those captured within the round trip between the
 * capture point and role (lost_span()). Noted for the final view, which
 * knows that round trip best; when it is known now and none crossed, role
 * is back where it was before the first (it never left). Not when the peer's
 * FIN came in between (whether it arrived is not known either). */
static void undelivered(struct step_ctx *x, unsigned role, bool fin)
{
    struct tcpst_conn *c = x->c;
    struct tcpst_half *h = &c->h[role];
    struct tcpst_half_x *hx;
    float rtt = c->rtt[role];

    if (h->undo_dirty || c->was_reset)
        return;
    if (!fin && h->ack_sent && c->h[!role].syn_seen && SEQ_GT(h->max_ack, c->h[!role].isn))
        return; /* role acknowledged the peer's SYN: it had the SYN-ACK */
    hx = &tcpst_x(c)->h[role];
    if (!hx->lost_until || hx->lost_st != h->undo_st) {
        hx->lost_from = h->undo_frame;
        hx->lost_from_time = h->undo_time;
        hx->lost_st = h->undo_st;
    }
    hx->lost_cover = h->cover_frame;
    hx->lost_cover_time = h->cover_time;
    hx->lost_until = c->last_frame;
    hx->lost_until_time = x->time;
    hx->lost_next = 0;
    if (rtt < 0 || x->time - h->cover_time <= rtt)
        return;
    x->r->before[role] = c->st[role] = h->undo_st;
    c->since[role] = h->undo_since;
    if (fin) {
        h->fin_acked = 0;
        if (c->stage == STAGE_DONE)
            c->stage = STAGE_TEARDOWN;
        if (x->r->phase == TCPST_PH_CLOSED)
            x->r->phase = TCPST_PH_TEARDOWN;
    } else {
        h->syn_acked = 0;
    }
}

/* The frames in which role was still in lost_st (undelivered()), with the
 * round trip to role as the whole capture shows it: [from, until); 0 none. */
static uint32_t lost_span(const struct tcpst_conn *c, unsigned role, uint32_t *from)
{
    const struct tcpst_half_x *h = &tcpst_xr(c)->h[role];
    float rtt = c->rtt[role];

    *from = h->lost_from;
    if (!h->lost_until || rtt < 0 || h->lost_until_time - h->lost_from_time <= rtt)
        return 0;
    if (h->lost_until_time - h->lost_cover_time > rtt)
        return h->lost_next ? h->lost_next : UINT32_MAX; /* up to the next acknowledgement */
    return h->lost_cover; /* the latest may have crossed it */
}

/* Whether SACK block [l, r) holds sequence number q. */
static bool sack_holds(const uint32_t b[2], uint32_t q)
{
    return SEQ_GEQ(q, b[0]) && SEQ_GT(b[1], q);
}

/* SACK block i of s is a D-SACK (RFC 2883): below the ACK, or the first
 * block inside the next one. */
static bool is_dsack(const struct tcpst_seg *s, unsigned i)
{
    return SEQ_GEQ(s->ack, s->sack[i][1]) || (i == 0 && s->nsack > 1 &&
           SEQ_GEQ(s->sack[i][0], s->sack[1][0]) && SEQ_GEQ(s->sack[1][1], s->sack[i][1]));
}

/* Segment s from role, with SACK blocks, about the peer's FIN: whether its
 * receiver (role) had it. Both SYNs permitted SACK (RFC 2018, 2883).
 * - Held out of order: the ACK stays below the FIN and a SACK block holds
 *   it: bytes before it are missing at role, which keeps the FIN until they
 *   come (RFC 9293 3.10.7.4); role is back in its state before the FIN,
 *   which reaches it with those bytes (fin_gap).
 * - The first copies lost: the FIN was sent more than once before this
 *   first acknowledgement of it, which carries no D-SACK for it and was sent
 *   after the latest copy arrived (captured more than the round trip
 *   between the capture point and role after it): only one copy arrived, the
 *   latest; a duplicate is answered with a D-SACK. */
static void fin_held(struct step_ctx *x, const struct tcpst_config *cfg, unsigned role,
                     const struct tcpst_seg *s)
{
    struct tcpst_conn *c = x->c;
    struct tcpst_half *yh = &c->h[!role];  /* its FIN seen, not acknowledged (the caller) */
    struct tcpst_half_x *y = &tcpst_xhas(c)->h[!role];
    bool covers = SEQ_GT(s->ack, y->fin_seq), dsack = false, held = false;
    float rtt = c->rtt[role];

    if (!(s->flags & TCPST_ACK) || !yh->sack_ok || !c->h[role].sack_ok ||
        c->h[role].fin_seen || y->rfin_until || c->was_reset)
        return;
    for (unsigned i = 0; i < s->nsack && i < 4; i++) {
        if (!sack_holds(s->sack[i], y->fin_seq))
            continue;
        if (is_dsack(s, i))
            dsack = true;
        else
            held = true;
    }
    if (!covers && held && !c->fin_gap && c->st[role] != y->fin_rcv_st &&
        c->st[role] == grid(IN_RCV_FIN, y->fin_rcv_st)) {
        x->r->before[role] = c->st[role] = y->fin_rcv_st;
        c->fin_gap = (uint8_t)(!role + 1);
        y->rfin_from = y->fin_first_frame;
        y->rfin_until = UINT32_MAX; /* until it reaches role: see deliver_gapped_fin() */
    } else if (covers && !yh->fin_was_acked && y->fin_copies > 1 && !dsack &&
               cfg->dsack && rtt >= 0 && x->time - y->fin_last_time > rtt) {
        y->rfin_from = y->fin_first_frame;
        y->rfin_until = y->fin_last_frame;
        /* copies less than a round trip apart: the path duplicated them,
         * the sender did not send again (see fin_dup_answered()) */
        if (c->first_fin_role == !role && c->rtt[0] >= 0 && c->rtt[1] >= 0 &&
            y->fin_last_time - tcpst_xhas(c)->first_fin_time < c->rtt[0] + c->rtt[1])
            yh->rfin_dsack = 3;
    }
}

/* The first copies lost (fin_held()) was concluded from an acknowledgement
 * without a D-SACK; Linux may answer a copy it took from the socket's
 * backlog after that acknowledgement went out. For copies the path
 * duplicated, a D-SACK of the FIN in role's next three segments shows the
 * second arrived too: the first counts. */
static void fin_dup_answered(struct tcpst_conn *c, unsigned role, const struct tcpst_seg *s)
{
    struct tcpst_half *y = &c->h[!role];
    struct tcpst_half_x *yx = &tcpst_xhas(c)->h[!role];  /* rfin_dsack was set with it */

    for (unsigned i = 0; i < s->nsack && i < 4 && (s->flags & TCPST_ACK); i++) {
        if (sack_holds(s->sack[i], yx->fin_seq) && is_dsack(s, i)) {
            yx->rfin_from = yx->rfin_until = 0;
            y->rfin_dsack = 0;
            return;
        }
    }
    y->rfin_dsack--;
}

const struct tcpst_ext tcpst_x_none = { .hs_ack_time = -1, .first_fin_time = -1 };

struct tcpst_ext *tcpst_x_new(struct tcpst_conn *c)
{
    static struct tcpst_ext scratch;

    if (c->log)
        c->x = tcpst_log_ext(c->log);
    else if ((c->x = (struct tcpst_ext *)malloc(sizeof *c->x)) != NULL)
        c->x_heap = 1;
    if (!c->x) {
        c->x_lost = 1;
        c->x = &scratch;
    }
    *c->x = tcpst_x_none;
    return c->x;
}

void tcpst_x_free(struct tcpst_conn *c)
{
    if (c->x_heap)
        free(c->x);
    c->x = NULL;
    c->x_heap = 0;
}

void tcpst_conn_init(struct tcpst_conn *c)
{
    memset(c, 0, sizeof *c);
    c->first_fin_role = TCPST_ROLE_UNKNOWN;
    c->since[0] = c->since[1] = -1;
    c->rtt[0] = c->rtt[1] = -1;
    c->syn_time = c->synack_time = -1;
    c->z_end = c->z_attempt = -1;
}

void tcpst_conn_follow(struct tcpst_conn *c, const struct tcpst_conn *old,
                       const struct tcpst_config *cfg, double now)
{
    c->reused_ports = 1;
    for (unsigned i = 0; i < 2; i++)
        if (old->st[i] == TCPST_TIME_WAIT && now - old->first_time - tcpst_xr(old)->tw_since[i] <= 2 * cfg->msl)
            c->tw_reuse = 1;
}

void tcpst_rec_unknown(struct tcpst_rec *r)
{
    memset(r, 0, sizeof *r);
    r->sender = TCPST_ROLE_UNKNOWN;
    r->flags = TCPST_R_UNKNOWN;
}

static bool flags_invalid(uint8_t f)
{
    bool syn = f & TCPST_SYN, rst = f & TCPST_RST, fin = f & TCPST_FIN;

    if (syn && (rst || fin))
        return true;
    /* Apart from a SYN or a RST, every segment of a connection carries ACK. */
    return !syn && !rst && !(f & TCPST_ACK);
}

/* First segment of a connection: decide who is the client, and where each
 * endpoint starts (the grid's column before its first input): CLOSED and
 * LISTEN; or, without the handshake, what the segment proves. */
static void start(struct tcpst_conn *c, const struct tcpst_seg *s, struct tcpst_rec *r)
{
    bool syn = s->flags & TCPST_SYN, ack = s->flags & TCPST_ACK;

    c->started = 1;
    c->st[TCPST_CLIENT] = TCPST_CLOSED;
    c->st[TCPST_SERVER] = TCPST_LISTEN;
    c->stage = STAGE_HANDSHAKE;
    if (syn && !ack) {
        c->client_dir = s->dir;
    } else if (syn) {
        /* SYN-ACK first: the client's SYN was not captured. */
        c->client_dir = !s->dir;
        c->inferred = 1;
        c->st[TCPST_CLIENT] = TCPST_SYN_SENT;
        c->h[TCPST_CLIENT].syn_seen = 1;
        c->h[TCPST_CLIENT].isn = s->ack - 1;
    } else {
        /* Mid-stream: the lower port is the server's. */
        c->client_dir = (s->sport < s->dport) ? !s->dir : s->dir;
        c->inferred = 1;
        c->st[TCPST_CLIENT] = TCPST_ESTABLISHED;
        c->st[TCPST_SERVER] = TCPST_ESTABLISHED;
        c->stage = STAGE_DATA;
        r->events |= TCPST_EV_MIDSTREAM;
    }
}

static void expire_time_wait(struct tcpst_conn *c, const struct tcpst_config *cfg,
                             double now, struct tcpst_rec *r)
{
    for (unsigned i = 0; i < 2; i++) {
        if (c->st[i] == TCPST_TIME_WAIT && now - tcpst_xr(c)->tw_since[i] > 2 * cfg->msl) {
            c->st[i] = grid(IN_TW_TIMEOUT, c->st[i]); /* a timer: no move of this segment */
            if (r)
                r->events |= TCPST_EV_TW_EXPIRED;
        }
    }
}

bool tcpst_starts_new(const struct tcpst_conn *c, const struct tcpst_config *cfg,
                      const struct tcpst_seg *s)
{
    unsigned role;

    (void)cfg;
    if (!c->started || (s->flags & (TCPST_SYN | TCPST_ACK | TCPST_RST | TCPST_FIN)) != TCPST_SYN)
        return false;
    role = (s->dir == c->client_dir) ? TCPST_CLIENT : TCPST_SERVER;
    if (c->h[role].syn_seen && c->h[role].isn == s->seq)
        return false; /* a retransmission of the SYN we know */
    return c->stage == STAGE_DONE || c->was_done;
}

/* The answer to the client's SYN shows the server side was never listening:
 * it was CLOSED before this segment (earlier segments: see tcpst_view). */
static void server_was_closed(struct step_ctx *x, uint8_t outcome, uint32_t event)
{
    x->c->syn_outcome = outcome;
    correct(x, TCPST_SERVER, IN_NOT_LISTENING);
    x->r->events |= event;
}

/* RFC 9293 3.10.7 with RFC 5961: in a synchronized state a RST resets only
 * when its sequence number is exactly the receiver's RCV.NXT, known here as
 * the sender's SND.NXT or the receiver's latest acknowledgement. */
static bool rst_acceptable(const struct tcpst_conn *c, unsigned role, const struct tcpst_seg *s)
{
    const struct tcpst_half *me = &c->h[role], *peer = &c->h[!role];

    if (c->st[!role] < TCPST_SYN_RECEIVED || !me->sent_any)
        return true;
    if (s->seq == me->nxt || (peer->ack_sent && s->seq == peer->last_ack))
        return true;
    return false;
}

static void on_rst(struct step_ctx *x, unsigned role, const struct tcpst_seg *s,
                   struct tcpst_rec *r)
{
    struct tcpst_conn *c = x->c;
    struct tcpst_half *peer = &c->h[!role];

    if (s->flags & TCPST_ACK) {
        if (peer->syn_seen && !peer->syn_acked && SEQ_GT(s->ack, peer->isn))
            r->acks_frame = peer->syn_frame;
        else if (peer->fin_seen && !peer->fin_acked && SEQ_GT(s->ack, tcpst_xhas(c)->h[!role].fin_seq))
            r->acks_frame = tcpst_xhas(c)->h[!role].fin_frame;
    }

    if (role == TCPST_SERVER && c->syn_outcome == SYN_PENDING) {
        /* Nothing was listening. */
        server_was_closed(x, SYN_REFUSED, TCPST_EV_REFUSED);
    }
    apply(x, role, IN_SND_RST);
    apply(x, !role, IN_RCV_RST);
    r->events |= TCPST_EV_RESET;
    c->fin_window = 0; /* no FIN is travelling any more */
    c->fin_undelivered = 0;
}

static void on_syn(struct step_ctx *x, unsigned role, const struct tcpst_seg *s,
                   struct tcpst_rec *r)
{
    struct tcpst_conn *c = x->c;
    struct tcpst_half *me = &c->h[role], *peer = &c->h[!role];
    bool ack = s->flags & TCPST_ACK;

    if (me->syn_seen && me->isn == s->seq) {
        if (ack && !me->synack_sent) {
            /* Simultaneous open: the SYN again, now acknowledging the peer's. */
            me->synack_sent = 1;
            apply(x, role, IN_SND_SYNACK);
        } else {
            r->events |= TCPST_EV_SYN_RETRANS;
            if (me->syn_acked)
                undelivered(x, role, false);
        }
    } else if (!me->syn_seen) {
        me->syn_seen = 1;
        me->sack_ok = s->sack_ok ? 1 : 0;
        me->isn = s->seq;
        me->syn_frame = s->frame;
        if (s->len)
            tcpst_x(c)->h[role].syn_len = s->len;
        if (s->len && !ack)
            r->events |= TCPST_EV_FAST_OPEN;
        if (!ack) {
            if (role == TCPST_SERVER && peer->syn_seen && c->syn_outcome == SYN_PENDING) {
                /* Simultaneous open: the server side was not listening but
                 * connecting, and had not yet seen the client's SYN. */
                server_was_closed(x, SYN_SIM_OPEN, TCPST_EV_SIM_OPEN);
                c->syn_undelivered = 1; /* the client's SYN is still on its way */
            }
            apply(x, role, IN_SND_SYN);
            apply(x, !role, IN_RCV_SYN);
            if (role == TCPST_CLIENT && c->syn_outcome == SYN_NONE && !c->inferred)
                c->syn_outcome = SYN_PENDING;
        } else {
            me->synack_sent = 1;
            apply(x, role, IN_SND_SYNACK);
        }
    } else {
        /* A SYN with another ISN while the connection is not finished:
         * a new attempt from the same port. Keep the latest ISN. */
        me->isn = s->seq;
        me->syn_frame = s->frame;
    }
    me->syn_frame = s->frame; /* the latest transmission is the one acknowledged */
    r->step = ack ? 2 : 1;
    if (!ack && role == TCPST_CLIENT && !peer->synack_sent)
        c->syn_time = x->time;

    if (ack && peer->syn_seen && !peer->syn_acked && SEQ_GT(s->ack, peer->isn)) {
        covered(x, !role);
        peer->syn_acked = 1;
        r->acks_frame = peer->syn_frame;
        if (role == TCPST_SERVER && c->synack_time < 0)
            c->synack_time = x->time;
        if (tcpst_xr(c)->h[!role].syn_len) {
            r->events |= TCPST_EV_FAST_OPEN;
            if (SEQ_GT(s->ack, peer->isn + 1))
                r->events |= TCPST_EV_TFO_ACCEPTED;
        }
        apply(x, !role, IN_RCV_SYNACK);
    }
}

static void on_ack(struct step_ctx *x, unsigned role, const struct tcpst_seg *s,
                   struct tcpst_rec *r)
{
    struct tcpst_conn *c = x->c;
    struct tcpst_half *peer = &c->h[!role];

    if (c->st[role] == TCPST_SYN_SENT && peer->syn_seen && SEQ_GT(s->ack, peer->isn))
        apply(x, role, IN_RCV_SYNACK); /* it acknowledges a SYN-ACK it had: one the capture showed undelivered */
    if (peer->syn_seen && !peer->syn_acked && SEQ_GT(s->ack, peer->isn)) {
        covered(x, !role);
        peer->syn_acked = 1;
        r->acks_frame = peer->syn_frame;
        if (c->st[!role] == TCPST_SYN_RECEIVED) {
            apply(x, !role, IN_RCV_ACK_SYN);
            r->step = 3;
            if (role == TCPST_CLIENT && tcpst_xr(c)->hs_ack_time < 0)
                tcpst_x(c)->hs_ack_time = x->time;
        }
    }
    if (peer->fin_seen && !peer->fin_acked && SEQ_GT(s->ack, tcpst_xhas(c)->h[!role].fin_seq)) {
        covered(x, !role);
        peer->fin_acked = 1;
        peer->fin_was_acked = 1;
        r->acks_frame = tcpst_xhas(c)->h[!role].fin_frame;
        apply(x, !role, IN_RCV_ACK_FIN);
        if (c->first_fin_role == !role) {
            c->fin_window = 0;
            if ((s->flags & TCPST_FIN) && !c->h[role].fin_seen) {
                r->events |= TCPST_EV_MERGED_FINACK;
                r->step = 3;
            } else {
                r->step = 2;
            }
        } else {
            r->step = 4;
        }
    }
}

static void on_fin(struct step_ctx *x, unsigned role, const struct tcpst_seg *s,
                   struct tcpst_rec *r, const struct tcpst_config *cfg)
{
    struct tcpst_conn *c = x->c;
    struct tcpst_half *me = &c->h[role];
    struct tcpst_half_x *mx;
    uint32_t fin_seq = s->seq + s->len;

    if (!me->fin_seen && c->st[role] == TCPST_CLOSE_WAIT && c->since[role] >= 0 &&
        x->time - c->since[role] > cfg->close_wait_long)
        r->events |= TCPST_EV_CLOSE_WAIT_LONG;

    if (me->fin_seen) {
        mx = &tcpst_xhas(c)->h[role];
        if (fin_seq == mx->fin_seq) {
            r->events |= TCPST_EV_FIN_RETRANS;
            if (me->fin_acked) {
                undelivered(x, role, true);
            } else {
                mx->fin_copies = 2;
                mx->fin_last_frame = s->frame;
                mx->fin_last_time = x->time;
            }
            mx->fin_frame = s->frame;
            if (!r->step)
                r->step = (c->first_fin_role == role) ? 1 : 3;
        }
        return;
    }
    if (c->stage == STAGE_DONE)
        return; /* a connection that no longer exists: no teardown step either */
    if (c->first_fin_role == !role && c->fin_window) {
        /* The peer closed first and this FIN does not acknowledge it: the
         * two FINs crossed. This side had not received the peer's FIN. */
        c->crossed = 1;
        c->fin_gap = 0;
        c->fin_window = 0;
        c->fin_undelivered = 1;
        correct(x, role, IN_FIN_CROSSED);
        r->events |= TCPST_EV_SIM_CLOSE;
    }
    mx = &tcpst_x(c)->h[role];
    c->x->close_wait_long = (float)cfg->close_wait_long; /* CLOSE_WAIT comes with a FIN */
    me->fin_seen = 1;
    mx->fin_seq = fin_seq;
    mx->fin_frame = s->frame;
    mx->fin_rcv_st = c->st[!role];
    mx->fin_first_frame = s->frame;
    mx->fin_copies = 1;
    mx->fin_last_frame = s->frame;
    mx->fin_last_time = x->time;
    c->h[!role].undo_dirty = 1; /* if the peer's SYN or FIN was acknowledged: this FIN may not have arrived either */
    if (c->first_fin_role == TCPST_ROLE_UNKNOWN) {
        c->first_fin_role = role;
        tcpst_x(c)->first_fin_time = x->time;
        c->fin_window = 1;
        r->flags |= TCPST_R_FIN_RECORD;
        r->step = 1;
    } else if (!r->step) {
        r->step = 3;
    }
    apply(x, role, IN_SND_FIN);
    if (me->sent_any && SEQ_GT(s->seq, me->nxt) && !c->crossed) {
        /* Bytes before the FIN not seen yet: the receiver keeps the FIN
         * out of order until they arrive (RFC 9293 3.10.7.4, eighth). */
        c->fin_gap = (uint8_t)(role + 1);
        return;
    }
    apply(x, !role, IN_RCV_FIN);
}

/* A FIN held behind missing bytes reaches its receiver: the bytes came, or
 * the receiver acknowledges the FIN. */
static void deliver_gapped_fin(struct step_ctx *x, unsigned role, const struct tcpst_seg *s)
{
    struct tcpst_conn *c = x->c;
    unsigned fin_role;
    uint32_t fin_seq;

    if (!c->fin_gap)
        return;
    fin_role = c->fin_gap - 1u;
    fin_seq = tcpst_xhas(c)->h[fin_role].fin_seq;
    if ((role == fin_role && SEQ_GEQ(s->seq + s->len, fin_seq) && !SEQ_GT(s->seq, fin_seq)) ||
        (role != fin_role && (s->flags & TCPST_ACK) && SEQ_GT(s->ack, fin_seq))) {
        c->fin_gap = 0;
        apply(x, !fin_role, IN_RCV_FIN);
        if (tcpst_xhas(c)->h[fin_role].rfin_until == UINT32_MAX)
            tcpst_xhas(c)->h[fin_role].rfin_until = c->last_frame; /* held until now (fin_held()) */
    }
}

/* A FIN whose crossing was detected reaches its receiver: either the FIN's
 * sender sends again (so, in order, the FIN arrived first), or the receiver
 * acknowledges it. */
static void deliver_crossed_fin(struct step_ctx *x, unsigned role, const struct tcpst_seg *s)
{
    struct tcpst_conn *c = x->c;
    unsigned fin_role = c->first_fin_role;

    if (!c->fin_undelivered)
        return;
    if (role == fin_role ||
        ((s->flags & TCPST_ACK) && SEQ_GT(s->ack, tcpst_xhas(c)->h[fin_role].fin_seq))) {
        c->fin_undelivered = 0;
        apply(x, !fin_role, IN_RCV_FIN);
    }
}

/* Simultaneous open: the client's SYN, which crossed the server side's
 * SYN, reaches it (SYN-SENT -> SYN-RECEIVED, RFC 9293 3.10.7.3) before the
 * client's next segment, or before the server side acknowledges it. */
static void deliver_crossed_syn(struct step_ctx *x, unsigned role, const struct tcpst_seg *s)
{
    struct tcpst_conn *c = x->c;

    if (!c->syn_undelivered)
        return;
    if (role == TCPST_CLIENT ||
        ((s->flags & TCPST_ACK) && SEQ_GT(s->ack, c->h[TCPST_CLIENT].isn))) {
        c->syn_undelivered = 0;
        apply(x, TCPST_SERVER, IN_RCV_SYN);
    }
}

static bool synchronized(uint8_t st)
{
    return st >= TCPST_ESTABLISHED;
}

/* What a segment tells before the state machine runs: probes, late
 * duplicates, segments captured out of order. */
static void observe(struct tcpst_conn *c, unsigned role, const struct tcpst_seg *s,
                    struct tcpst_rec *r)
{
    const struct tcpst_half *me = &c->h[role], *peer = &c->h[!role];
    uint8_t f = s->flags;

    if (f & (TCPST_SYN | TCPST_RST))
        return;
    if (me->fin_seen && !(f & TCPST_FIN) && s->len == 0 && s->seq == tcpst_xhas(c)->h[role].fin_seq) {
        /* An ACK sent before this side's FIN (after it, it would be one
         * higher), captured after it. */
        r->events |= TCPST_EV_OUT_OF_ORDER;
        if (c->first_fin_role == !role && peer->fin_seen && (f & TCPST_ACK) &&
            SEQ_GT(s->ack, tcpst_xhas(c)->h[!role].fin_seq)) {
            r->step = 2;       /* the passive closer's ACK of the first FIN, after all */
            r->acks_frame = tcpst_xhas(c)->h[!role].fin_frame;
            c->unmerged = 1;
        }
    } else if (!me->fin_seen && me->sent_any && s->len <= 1 && !(f & TCPST_FIN) &&
             s->seq == me->nxt - 1 && synchronized(c->st[role]))
        r->events |= TCPST_EV_KEEPALIVE;
    if (c->st[!role] == TCPST_TIME_WAIT && !(r->events & TCPST_EV_OUT_OF_ORDER) &&
        !((f & TCPST_FIN) && me->fin_seen && s->seq + s->len == tcpst_xhas(c)->h[role].fin_seq))
        r->events |= TCPST_EV_TW_SEGMENT;
}

int tcpst_receiver_confirmed(const struct tcpst_rec *r, const struct tcpst_conn *c, uint32_t seg_seq,
                             uint32_t seg_end)
{
    const struct tcpst_half *y;

    if (!c || seg_seq == seg_end || r->sender > TCPST_SERVER || (r->flags & TCPST_R_UNKNOWN) ||
        (r->events & (TCPST_EV_RESET | TCPST_EV_REFUSED | TCPST_EV_BLIND_RST | TCPST_EV_INVALID_FLAGS)))
        return -1;
    y = &c->h[!r->sender];
    if (!y->ack_sent)
        return 0;
    return SEQ_GEQ(y->max_ack, seg_end) ? 1 : 0;
}

void tcpst_step(struct tcpst_conn *c, const struct tcpst_config *cfg,
                const struct tcpst_seg *s, struct tcpst_rec *r)
{
    struct step_ctx x = { c, r, 0, { 0, 0 } };
    uint8_t f = s->flags;
    unsigned role;
    bool syn = f & TCPST_SYN, ack = f & TCPST_ACK, fin = f & TCPST_FIN, rst = f & TCPST_RST;
    struct tcpst_half *me;
    uint32_t end;
    float prev_time;

    memset(r, 0, sizeof *r);
    r->conn = c->id;
    r->sender = TCPST_ROLE_UNKNOWN;
    r->in_state = -1;

    if (!c->started) {
        if (flags_invalid(f)) {
            r->flags = TCPST_R_UNKNOWN;
            r->events = TCPST_EV_INVALID_FLAGS;
            return;
        }
        start(c, s, r);
        c->first_time = s->time;
        tcpst_zeek_start(c, s->dir != c->client_dir);
        if (c->reused_ports)
            r->events |= TCPST_EV_NEW_CONN;
        if (c->tw_reuse)
            r->events |= TCPST_EV_TW_REUSE;
    }
    role = (s->dir == c->client_dir) ? TCPST_CLIENT : TCPST_SERVER;
    me = &c->h[role];
    r->sender = role;
    if (c->inferred)
        r->flags |= TCPST_R_INFERRED;
    x.time = (float)(s->time - c->first_time);
    prev_time = c->last_time;
    c->last_time = x.time;
    c->last_frame = s->frame;

    expire_time_wait(c, cfg, x.time, r);
    if (s->truncated)
        r->events |= TCPST_EV_TRUNCATED;
    memcpy(r->before, c->st, 2);
    if (c->since[role] >= 0)
        r->in_state = x.time - c->since[role];
    tcpst_zeek_update(c, cfg, role, s, x.time, prev_time);
    if (!flags_invalid(f))
        tcpst_rtt_sample(c, role, s, x.time);

    if (flags_invalid(f)) {
        /* A real stack drops it; nothing moves. */
        r->events |= TCPST_EV_INVALID_FLAGS;
        r->phase = TCPST_PH_UNKNOWN;
        memcpy(r->after, c->st, 2);
        goto done;
    }

    r->phase = seg_phase(c->stage, f);

    observe(c, role, s, r);
    if (c->h[!role].fin_seen && !c->h[!role].fin_acked)
        fin_held(&x, cfg, role, s);
    else if (c->h[!role].rfin_dsack)
        fin_dup_answered(c, role, s);
    deliver_crossed_syn(&x, role, s);
    deliver_gapped_fin(&x, role, s);
    deliver_crossed_fin(&x, role, s);

    if (rst) {
        if (!rst_acceptable(c, role, s)) {
            /* Not at the receiver's RCV.NXT: ignored (a challenge ACK at most). */
            r->events |= TCPST_EV_BLIND_RST;
            r->phase = seg_phase(c->stage, 0);
        } else {
            on_rst(&x, role, s, r);
            c->stage = STAGE_DONE;
            c->was_reset = 1;
        }
    } else {
        uint8_t stage = c->stage;

        if (role == TCPST_SERVER && c->syn_outcome == SYN_PENDING && !(syn && !ack))
            c->syn_outcome = SYN_ANSWERED;
        if (c->h[role].fin_seen && s->len > 0 && SEQ_GT(s->seq + s->len, tcpst_xhas(c)->h[role].fin_seq))
            r->events |= TCPST_EV_DATA_AFTER_FIN;
        if (syn)
            on_syn(&x, role, s, r);
        else if (ack)
            on_ack(&x, role, s, r);
        if (fin)
            on_fin(&x, role, s, r, cfg);

        if (c->stage == STAGE_HANDSHAKE &&
            synchronized(c->st[TCPST_CLIENT]) && synchronized(c->st[TCPST_SERVER]))
            c->stage = STAGE_DATA;
        if (c->h[0].fin_seen || c->h[1].fin_seen)
            c->stage = STAGE_TEARDOWN;
        if (c->h[0].fin_acked && c->h[1].fin_acked)
            c->stage = STAGE_DONE;
        if (c->stage == STAGE_DONE && stage != STAGE_DONE) {
            r->flags |= TCPST_R_DONE;
            c->was_done = 1;
        }
    }

    note_cover(c, role, s, x.time);
    if (c->syn_outcome == SYN_PENDING)
        r->flags |= TCPST_R_SYN_PENDING;
    if (c->fin_window)
        r->flags |= TCPST_R_FIN_PENDING;
    memcpy(r->after, c->st, 2);

done:
    /* What this endpoint has sent so far. */
    end = s->seq + s->len + syn + fin;
    if (!rst && (!me->sent_any || SEQ_GT(end, me->nxt)))
        me->nxt = end;
    if (ack && !rst) {
        if (!me->ack_sent || SEQ_GT(s->ack, me->max_ack))
            me->max_ack = s->ack;
        me->last_ack = s->ack;
        me->ack_sent = 1;
    }
    me->sent_any = 1;
    r->zeek = tcpst_zeek_state(c);
    r->hist_len = c->hist_len;
    r->vantage = tcpst_rtt_vantage(c);
    if (c->x_lost)
        tcpst_rec_unknown(r); /* out of memory: what it kept is incomplete */
}

bool tcpst_half_open(const struct tcpst_conn *c)
{
    return c->started && c->stage == STAGE_HANDSHAKE && c->h[TCPST_CLIENT].syn_seen &&
           !c->inferred && c->syn_outcome != SYN_REFUSED;
}

/* The final view: role was in st on this segment, before and after it. */
static void undo_view(struct tcpst_view *v, unsigned role, uint8_t st)
{
    if (v->before[role] == st && v->after[role] == st)
        return;
    v->before[role] = v->after[role] = st;
    v->via[role][0] = v->via[role][1] = 0;
    v->revised = true;
}

void tcpst_view_capture(const struct tcpst_rec *r, const struct tcpst_conn *c, uint32_t frame, bool final,
                        struct tcpst_view *v)
{
    memset(v, 0, sizeof *v);
    v->phase = r->phase;
    v->sender = r->sender;
    v->step = r->step;
    v->acks_frame = r->acks_frame;
    v->events = r->events;
    v->inferred = (r->flags & TCPST_R_INFERRED) != 0;
    v->unknown = (r->flags & TCPST_R_UNKNOWN) != 0;
    v->vantage = r->vantage;
    v->in_state = r->in_state;
    v->zeek = r->zeek;
    v->hist_len = r->hist_len;
    memcpy(v->before, r->before, 2);
    memcpy(v->after, r->after, 2);
    for (unsigned i = 0; i < 2; i++) {
        v->via[i][0] = (uint8_t)TCPST_REC_VIA(r, i, 0);
        v->via[i][1] = (uint8_t)TCPST_REC_VIA(r, i, 1);
    }

    if (final && c) {
        if ((r->flags & TCPST_R_SYN_PENDING) && c->syn_outcome != SYN_ANSWERED) {
            /* Never answered: no sign the SYN arrived. Refused or
             * simultaneous open: nothing was listening. */
            enum tcpst_input in = (c->syn_outcome == SYN_PENDING) ? IN_SYN_LOST : IN_NOT_LISTENING;
            hindsight(v, TCPST_SERVER, in);
            if (c->syn_outcome == SYN_PENDING && r->step == 1 && r->sender == TCPST_CLIENT)
                v->events |= TCPST_EV_SYN_UNANSWERED;
        }
        if ((r->flags & TCPST_R_FIN_PENDING) && c->crossed) {
            /* The first FIN crossed the peer's: its receiver had not got it. */
            hindsight(v, !c->first_fin_role, IN_FIN_CROSSED);
        }
        if ((r->events & TCPST_EV_MERGED_FINACK) && c->unmerged) {
            /* Its ACK turned up later: the FIN was not merged with it. */
            v->events &= ~TCPST_EV_MERGED_FINACK;
            v->revised = true;
        }
        for (unsigned y = 0; y < 2; y++) {
            const struct tcpst_half_x *h = &tcpst_xr(c)->h[y], *p = &tcpst_xr(c)->h[!y];
            uint32_t from, until = lost_span(c, y, &from);
            /* Acknowledgements that never reached y (undelivered()), and the
             * peer's FIN that y did not have yet (fin_held()). */
            if (frame >= from && frame < until)
                undo_view(v, y, h->lost_st);
            else if (until && frame == until && v->before[y] != h->lost_st)
                v->before[y] = h->lost_st, v->revised = true;
            if (frame >= p->rfin_from && frame < p->rfin_until)
                undo_view(v, y, p->fin_rcv_st);
            else if (p->rfin_until && frame == p->rfin_until && v->before[y] != p->fin_rcv_st)
                v->before[y] = p->fin_rcv_st, v->revised = true;
        }
        if (frame == c->last_frame) {
            /* Still in CLOSE_WAIT when the capture ends. */
            for (unsigned y = 0; y < 2; y++)
                if (c->st[y] == TCPST_CLOSE_WAIT && c->since[y] >= 0 &&
                    c->last_time - c->since[y] > tcpst_xr(c)->close_wait_long)
                    v->events |= TCPST_EV_CLOSE_WAIT_LONG;
        }
    }
    if (c && (v->events & TCPST_EV_OUT_OF_ORDER) && v->sender <= TCPST_SERVER)
        v->sender_fin_frame = tcpst_xr(c)->h[v->sender].fin_frame;
    for (unsigned y = 0; y < 2; y++)
        v->close_wait_end[y] = -1;
    if (c && (v->events & TCPST_EV_CLOSE_WAIT_LONG))
        for (unsigned y = 0; y < 2; y++)
            if (c->st[y] == TCPST_CLOSE_WAIT && c->since[y] >= 0)
                v->close_wait_end[y] = c->last_time - c->since[y];
    memcpy(v->latest, v->after, 2);
    if (!final && (r->flags & TCPST_R_FIN_RECORD) && (r->flags & TCPST_R_FIN_PENDING) && r->sender <= TCPST_SERVER &&
        r->after[!r->sender] == TCPST_CLOSE_WAIT)
        v->provisional = true;
    v->changed = v->before[0] != v->after[0] || v->before[1] != v->after[1];
}

void tcpst_view_times(const struct tcpst_view *v, const struct tcpst_rec *r,
                      const struct tcpst_conn *c, const struct tcpst_config *cfg, double time,
                      struct tcpst_times *t)
{
    double now = time - c->first_time; /* the connection's clock */
    const struct tcpst_ext *cx = tcpst_xr(c);

    t->hs_server_rtt = t->hs_client_rtt = t->hs_rtt = t->since_first_fin = -1;
    t->teardown_done = (r->flags & TCPST_R_DONE) != 0;
    if (v->phase == TCPST_PH_HANDSHAKE && v->step >= 2 && c->syn_time >= 0 &&
        c->synack_time >= c->syn_time) {
        t->hs_server_rtt = c->synack_time - c->syn_time;
        if (v->step == 3 && cx->hs_ack_time >= c->synack_time) {
            t->hs_client_rtt = cx->hs_ack_time - c->synack_time;
            t->hs_rtt = cx->hs_ack_time - c->syn_time;
        }
    }
    if (c->first_fin_role != TCPST_ROLE_UNKNOWN && cx->first_fin_time >= 0 && now >= cx->first_fin_time &&
        (v->phase == TCPST_PH_TEARDOWN || v->phase == TCPST_PH_CLOSED))
        t->since_first_fin = now - cx->first_fin_time;
    for (unsigned i = 0; i < 2; i++) {
        t->tw_left[i] = -1;
        if (v->after[i] == TCPST_TIME_WAIT) {
            double left = cx->tw_since[i] + 2.0 * cfg->msl - now;
            t->tw_left[i] = left > 0 ? left : 0;
        }
        t->rtt[i] = c->rtt[i];
    }
}

unsigned tcpst_first_closer(const struct tcpst_conn *c)
{
    return c->first_fin_role;
}

static const char *const state_names[TCPST_NUM_STATES] = {
    "UNKNOWN", "CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED",
    "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT",
};

static const char *const phase_names[TCPST_NUM_PHASES] = {
    "unknown", "handshake", "data", "teardown", "closed", "reset",
};

const char *tcpst_state_name(unsigned st)
{
    return st < TCPST_NUM_STATES ? state_names[st] : state_names[0];
}

const char *tcpst_phase_name(unsigned ph)
{
    return ph < TCPST_NUM_PHASES ? phase_names[ph] : phase_names[0];
}

const char *tcpst_role_name(unsigned role)
{
    return role == TCPST_CLIENT ? "client" : role == TCPST_SERVER ? "server" : "unknown";
}

const char *tcpst_step_text(unsigned phase, unsigned step, uint32_t events)
{
    if (phase == TCPST_PH_HANDSHAKE) {
        switch (step) {
        case 1: return (events & TCPST_EV_SIM_OPEN) ? "SYN (simultaneous open)" : "SYN";
        case 2: return "SYN-ACK";
        case 3: return "ACK of the SYN-ACK";
        }
    } else if (phase == TCPST_PH_TEARDOWN || phase == TCPST_PH_CLOSED) {
        switch (step) {
        case 1: return "FIN from the active closer";
        case 2: return "ACK of the first FIN";
        case 3:
            if (events & TCPST_EV_MERGED_FINACK)
                return "steps 2 and 3 in one segment: the passive closer's ACK and FIN";
            if (events & TCPST_EV_SIM_CLOSE)
                return "FIN crossing the first FIN (simultaneous close)";
            return "FIN from the passive closer";
        case 4: return "ACK of the last FIN";
        }
    }
    return "";
}

