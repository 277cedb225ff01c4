/* tcpstate_core.c - TCP state machine inference from observed segments.
 *
 * Every segment is treated as "sent by one endpoint, then received by the
 * other". It produces per-endpoint events (sent a SYN, received an ACK that
 * covers my FIN, ...) and each event moves that endpoint through one grid,
 * next_state[event][state], in the style of Linux's nf_conntrack_proto_tcp.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tcpstate_core.h"

#include <string.h>

/* Per-endpoint events. */
enum tcpst_event {
    EV_SND_SYN,      /* sent a SYN without ACK */
    EV_SND_SYNACK,   /* sent a SYN-ACK */
    EV_SND_FIN,      /* sent its (first) FIN */
    EV_SND_RST,      /* sent a RST */
    EV_RCV_SYN,      /* received a SYN without ACK */
    EV_RCV_SYNACK,   /* received a SYN-ACK that acknowledges its SYN */
    EV_RCV_ACK_SYN,  /* received an ACK that acknowledges its SYN */
    EV_RCV_ACK_FIN,  /* received an ACK that acknowledges its FIN */
    EV_RCV_FIN,      /* received the peer's (first) FIN */
    EV_RCV_RST,      /* received a RST */
    EV_NUM
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

/* next_state[event][current state]; a cell equal to its column means "no change"
 * (a retransmission, or an event that state ignores). RFC 9293 section 3.10. */
static const uint8_t next_state[EV_NUM][TCPST_NUM_STATES] = {
/*                  sUN  sCL  sLI  sSS  sSR  sES  sF1  sF2  sCW  sCG  sLA  sTW */
/* SND_SYN     */ { sUN, sSS, sSS, sSS, sSR, sES, sF1, sF2, sCW, sCG, sLA, sTW },
/* SND_SYNACK  */ { sUN, sCL, sSR, sSR, sSR, sES, sF1, sF2, sCW, sCG, sLA, sTW },
/* SND_FIN     */ { sUN, sCL, sLI, sSS, sF1, sF1, sF1, sF2, sLA, sCG, sLA, sTW },
/* SND_RST     */ { sUN, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
/* RCV_SYN     */ { sUN, sCL, sSR, sSR, sSR, sES, sF1, sF2, sCW, sCG, sLA, sTW },
/* RCV_SYNACK  */ { sUN, sCL, sLI, sES, sES, sES, sF1, sF2, sCW, sCG, sLA, sTW },
/* RCV_ACK_SYN */ { sUN, sCL, sLI, sSS, sES, sES, sF1, sF2, sCW, sCG, sLA, sTW },
/* RCV_ACK_FIN */ { sUN, sCL, sLI, sSS, sSR, sES, sF2, sF2, sCW, sTW, sCL, sTW },
/* RCV_FIN     */ { sUN, sCL, sLI, sSS, sCW, sCW, sCG, sTW, sCW, sCG, sLA, sTW },
/* RCV_RST     */ { sUN, sCL, sLI, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
};

/* Connection stages (tcpst_conn.stage). */
enum { STAGE_HANDSHAKE = 0, STAGE_DATA, STAGE_TEARDOWN, STAGE_DONE };

/* What answered the client's SYN (tcpst_conn.syn_outcome). */
enum { SYN_NONE = 0, SYN_PENDING, SYN_ANSWERED, SYN_REFUSED, SYN_SIM_OPEN };

#define SEQ_GEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) >= 0)
#define SEQ_GT(a, b)  ((int32_t)((uint32_t)(a) - (uint32_t)(b)) > 0)

/* Work area for one segment. */
struct step_ctx {
    struct tcpst_conn *c;
    struct tcpst_rec *r;
    double time;
    uint8_t moves[2];
};

static void apply(struct step_ctx *x, unsigned role, enum tcpst_event ev)
{
    struct tcpst_conn *c = x->c;
    uint8_t cur = c->st[role];
    uint8_t nxt = next_state[ev][cur];

    if (nxt == cur)
        return;
    /* A state this endpoint both entered and left on this segment. */
    if (x->moves[role] > 0 && x->moves[role] <= 2)
        x->r->via[role][x->moves[role] - 1] = cur;
    x->moves[role]++;
    c->st[role] = nxt;
    if (nxt == TCPST_TIME_WAIT)
        c->tw_since[role] = x->time;
}

void tcpst_conn_init(struct tcpst_conn *c)
{
    memset(c, 0, sizeof *c);
    c->first_fin_role = TCPST_ROLE_UNKNOWN;
}

void tcpst_rec_unknown(struct tcpst_rec *r, uint32_t frame)
{
    uint8_t tag = r->tag;

    memset(r, 0, sizeof *r);
    r->tag = tag;
    r->frame = frame;
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

/* First segment of a connection: decide who is the client. */
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
        if (c->st[i] == TCPST_TIME_WAIT && now - c->tw_since[i] > 2 * cfg->msl) {
            c->st[i] = TCPST_CLOSED;
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
    return c->stage == STAGE_DONE;
}

/* The answer to the client's SYN shows the server side was never listening:
 * it was CLOSED before this segment (earlier segments: see tcpst_view). */
static void server_was_closed(struct tcpst_conn *c, struct tcpst_rec *r, uint8_t outcome,
                              uint16_t event)
{
    c->syn_outcome = outcome;
    c->st[TCPST_SERVER] = TCPST_CLOSED;
    r->before[TCPST_SERVER] = TCPST_CLOSED;
    r->events |= event;
}

static void on_rst(struct step_ctx *x, unsigned role, const struct tcpst_seg *s,
                   struct tcpst_rec *r)
{
    struct tcpst_conn *c = x->c;
    struct tcpst_half *peer = &c->h[!role];

    if (s->flags & TCPST_ACK) {
        if (peer->syn_seen && !peer->syn_acked && SEQ_GT(s->ack, peer->isn))
            r->acks_frame = peer->syn_frame;
        else if (peer->fin_seen && !peer->fin_acked && SEQ_GT(s->ack, peer->fin_seq))
            r->acks_frame = peer->fin_frame;
    }

    if (role == TCPST_SERVER && c->syn_outcome == SYN_PENDING) {
        /* Nothing was listening. */
        server_was_closed(c, r, SYN_REFUSED, TCPST_EV_REFUSED);
    }
    apply(x, role, EV_SND_RST);
    apply(x, !role, EV_RCV_RST);
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
            apply(x, role, EV_SND_SYNACK);
        } else {
            r->events |= TCPST_EV_SYN_RETRANS;
        }
    } else if (!me->syn_seen) {
        me->syn_seen = 1;
        me->isn = s->seq;
        me->syn_frame = s->frame;
        if (!ack) {
            if (role == TCPST_SERVER && peer->syn_seen && c->syn_outcome == SYN_PENDING) {
                /* Simultaneous open: the server side was not listening but
                 * connecting, and had not yet seen the client's SYN. */
                server_was_closed(c, r, SYN_SIM_OPEN, TCPST_EV_SIM_OPEN);
            }
            apply(x, role, EV_SND_SYN);
            apply(x, !role, EV_RCV_SYN);
            if (role == TCPST_CLIENT && c->syn_outcome == SYN_NONE && !c->inferred)
                c->syn_outcome = SYN_PENDING;
        } else {
            me->synack_sent = 1;
            apply(x, role, EV_SND_SYNACK);
        }
    } else {
        /* A SYN with another ISN while the connection is not finished:
         * a new attempt from the same port. Keep the latest ISN. */
        me->isn = s->seq;
        me->syn_frame = s->frame;
    }
    me->syn_frame = s->frame; /* the latest transmission is the one acknowledged */
    r->step = ack ? 2 : 1;

    if (ack && peer->syn_seen && !peer->syn_acked && SEQ_GT(s->ack, peer->isn)) {
        peer->syn_acked = 1;
        r->acks_frame = peer->syn_frame;
        apply(x, !role, EV_RCV_SYNACK);
    }
}

static void on_ack(struct step_ctx *x, unsigned role, const struct tcpst_seg *s,
                   struct tcpst_rec *r)
{
    struct tcpst_conn *c = x->c;
    struct tcpst_half *peer = &c->h[!role];

    if (peer->syn_seen && !peer->syn_acked && SEQ_GT(s->ack, peer->isn)) {
        peer->syn_acked = 1;
        r->acks_frame = peer->syn_frame;
        if (c->st[!role] == TCPST_SYN_RECEIVED) {
            apply(x, !role, EV_RCV_ACK_SYN);
            r->step = 3;
        }
    }
    if (peer->fin_seen && !peer->fin_acked && SEQ_GT(s->ack, peer->fin_seq)) {
        peer->fin_acked = 1;
        r->acks_frame = peer->fin_frame;
        apply(x, !role, EV_RCV_ACK_FIN);
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
                   struct tcpst_rec *r)
{
    struct tcpst_conn *c = x->c;
    struct tcpst_half *me = &c->h[role];
    uint32_t fin_seq = s->seq + s->len;

    if (me->fin_seen) {
        if (fin_seq == me->fin_seq) {
            r->events |= TCPST_EV_FIN_RETRANS;
            me->fin_frame = s->frame;
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
        c->fin_window = 0;
        c->fin_undelivered = 1;
        c->st[role] = c->cross_pre;
        r->before[role] = c->cross_pre;
        r->events |= TCPST_EV_SIM_CLOSE;
    }
    me->fin_seen = 1;
    me->fin_seq = fin_seq;
    me->fin_frame = s->frame;
    if (c->first_fin_role == TCPST_ROLE_UNKNOWN) {
        c->first_fin_role = role;
        c->fin_window = 1;
        c->cross_pre = c->st[!role];
        r->flags |= TCPST_R_FIN_RECORD;
        r->step = 1;
    } else if (!r->step) {
        r->step = 3;
    }
    apply(x, role, EV_SND_FIN);
    apply(x, !role, EV_RCV_FIN);
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
        ((s->flags & TCPST_ACK) && SEQ_GT(s->ack, c->h[fin_role].fin_seq))) {
        c->fin_undelivered = 0;
        apply(x, !fin_role, EV_RCV_FIN);
    }
}

static bool synchronized(uint8_t st)
{
    return st >= TCPST_ESTABLISHED;
}

void tcpst_process(struct tcpst_conn *c, const struct tcpst_config *cfg,
                   const struct tcpst_seg *s, struct tcpst_rec *r)
{
    struct step_ctx x = { c, r, s->time, { 0, 0 } };
    uint8_t f = s->flags;
    unsigned role;
    bool syn = f & TCPST_SYN, ack = f & TCPST_ACK, fin = f & TCPST_FIN, rst = f & TCPST_RST;

    uint8_t tag = r->tag;

    memset(r, 0, sizeof *r);
    r->tag = tag;
    r->conn = c;
    r->frame = s->frame;
    r->sender = TCPST_ROLE_UNKNOWN;

    if (!c->started) {
        if (flags_invalid(f)) {
            r->flags = TCPST_R_UNKNOWN;
            r->events = TCPST_EV_INVALID_FLAGS;
            return;
        }
        start(c, s, r);
        if (c->reused_ports)
            r->events |= TCPST_EV_NEW_CONN;
    }
    role = (s->dir == c->client_dir) ? TCPST_CLIENT : TCPST_SERVER;
    r->sender = role;
    if (c->inferred)
        r->flags |= TCPST_R_INFERRED;

    expire_time_wait(c, cfg, s->time, r);
    memcpy(r->before, c->st, 2);

    if (flags_invalid(f)) {
        /* A real stack drops it; nothing moves. */
        r->events |= TCPST_EV_INVALID_FLAGS;
        r->phase = TCPST_PH_UNKNOWN;
        memcpy(r->after, c->st, 2);
        return;
    }

    if (rst)
        r->phase = (c->stage == STAGE_DONE) ? TCPST_PH_CLOSED : TCPST_PH_RESET;
    else if (c->stage == STAGE_DONE)
        r->phase = TCPST_PH_CLOSED;
    else if (syn || c->stage == STAGE_HANDSHAKE)
        r->phase = TCPST_PH_HANDSHAKE;
    else if (fin || c->stage == STAGE_TEARDOWN)
        r->phase = TCPST_PH_TEARDOWN;
    else
        r->phase = TCPST_PH_DATA;

    deliver_crossed_fin(&x, role, s);

    if (rst) {
        on_rst(&x, role, s, r);
        c->stage = STAGE_DONE;
    } else {
        if (role == TCPST_SERVER && c->syn_outcome == SYN_PENDING && !(syn && !ack))
            c->syn_outcome = SYN_ANSWERED;
        if (c->h[role].fin_seen && s->len > 0 && SEQ_GT(s->seq + s->len, c->h[role].fin_seq))
            r->events |= TCPST_EV_DATA_AFTER_FIN;
        if (syn)
            on_syn(&x, role, s, r);
        else if (ack)
            on_ack(&x, role, s, r);
        if (fin)
            on_fin(&x, role, s, r);

        if (c->stage == STAGE_HANDSHAKE &&
            synchronized(c->st[TCPST_CLIENT]) && synchronized(c->st[TCPST_SERVER]))
            c->stage = STAGE_DATA;
        if (c->h[0].fin_seen || c->h[1].fin_seen)
            c->stage = STAGE_TEARDOWN;
        if (c->h[0].fin_acked && c->h[1].fin_acked)
            c->stage = STAGE_DONE;
    }

    c->h[role].sent_any = 1;
    if (c->syn_outcome == SYN_PENDING)
        r->flags |= TCPST_R_SYN_PENDING;
    if (c->fin_window)
        r->flags |= TCPST_R_FIN_PENDING;
    memcpy(r->after, c->st, 2);
}

void tcpst_view(const struct tcpst_rec *r, bool final, struct tcpst_view *v)
{
    const struct tcpst_conn *c = r->conn;

    memset(v, 0, sizeof *v);
    v->phase = r->phase;
    v->sender = r->sender;
    v->step = r->step;
    v->acks_frame = r->acks_frame;
    v->events = r->events;
    v->inferred = (r->flags & TCPST_R_INFERRED) != 0;
    memcpy(v->before, r->before, 2);
    memcpy(v->after, r->after, 2);
    memcpy(v->via, r->via, sizeof v->via);

    if (final && c) {
        if ((r->flags & TCPST_R_SYN_PENDING) && c->syn_outcome != SYN_ANSWERED) {
            /* Never answered: no sign the SYN arrived. Refused or
             * simultaneous open: nothing was listening. */
            uint8_t st = (c->syn_outcome == SYN_PENDING) ? TCPST_LISTEN : TCPST_CLOSED;
            v->before[TCPST_SERVER] = v->after[TCPST_SERVER] = st;
            v->via[TCPST_SERVER][0] = v->via[TCPST_SERVER][1] = 0;
            v->revised = true;
        }
        if ((r->flags & TCPST_R_FIN_PENDING) && c->crossed) {
            /* The first FIN crossed the peer's: its receiver stayed put. */
            unsigned y = !c->first_fin_role;
            if (r->flags & TCPST_R_FIN_RECORD)
                v->after[y] = v->before[y];
            else
                v->before[y] = v->after[y] = c->cross_pre;
            v->via[y][0] = v->via[y][1] = 0;
            v->revised = true;
        }
    }
    v->changed = v->before[0] != v->after[0] || v->before[1] != v->after[1];
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

const char *tcpst_step_text(unsigned phase, unsigned step, uint16_t events)
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
