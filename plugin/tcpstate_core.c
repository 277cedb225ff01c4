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
    float time;         /* seconds since the connection's first segment */
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
        x->r->via |= (uint16_t)(cur << (8 * role + 4 * (x->moves[role] - 1)));
    x->moves[role]++;
    c->st[role] = nxt;
    c->since[role] = x->time;
    if (nxt == TCPST_TIME_WAIT)
        c->tw_since[role] = x->time;
}

void tcpst_conn_init(struct tcpst_conn *c)
{
    memset(c, 0, sizeof *c);
    c->first_fin_role = TCPST_ROLE_UNKNOWN;
    c->since[0] = c->since[1] = -1;
    c->rtt[0] = c->rtt[1] = -1;
    c->syn_time = c->synack_time = c->hs_ack_time = c->first_fin_time = -1;
}

void tcpst_conn_follow(struct tcpst_conn *c, const struct tcpst_conn *old,
                       const struct tcpst_config *cfg, double now)
{
    c->reused_ports = 1;
    for (unsigned i = 0; i < 2; i++)
        if (old->st[i] == TCPST_TIME_WAIT && now - old->first_time - old->tw_since[i] <= 2 * cfg->msl)
            c->tw_reuse = 1;
}

void tcpst_rec_unknown(struct tcpst_rec *r)
{
    memset(r, 0, sizeof *r);
    r->sender = TCPST_ROLE_UNKNOWN;
    r->flags = TCPST_R_UNKNOWN;
}

/* ---- Zeek's view: conn_state and history (its TCP analyzer's endpoint
 * states and update_history rules, as documented for conn.log) ---- */

enum { Z_INACTIVE = 0, Z_SYN_SENT, Z_SYN_ACK_SENT, Z_PARTIAL, Z_ESTABLISHED, Z_CLOSED, Z_RESET };
enum { ZH_SYN = 1, ZH_FIN = 2, ZH_RST = 4, ZH_ACK = 8, ZH_DATA = 16, ZH_MULTI = 32, ZH_FINRST = 64 };

/* Upper case for the originator (our client), lower case for the responder. */
static void hist_add(struct tcpst_conn *c, unsigned role, char code)
{
    if (c->hist_len >= TCPST_HISTORY_MAX)
        return;
    if (role != TCPST_CLIENT && code >= 'A' && code <= 'Z')
        code = (char)(code - 'A' + 'a');
    c->history[c->hist_len++] = code;
    c->history[c->hist_len] = 0;
}

/* Records the letter the first time; true when it was seen before. */
static bool hist_once(struct tcpst_conn *c, unsigned role, unsigned bit, char code)
{
    struct tcpst_half *h = &c->h[role];

    if (h->z_seen & bit)
        return true;
    h->z_seen |= bit;
    hist_add(c, role, code);
    return false;
}

/* t, w: recorded at the 1st, 10th, 100th... time. */
static void hist_scaled(struct tcpst_conn *c, unsigned role, uint32_t *count, char code)
{
    uint32_t n = ++*count;

    while (n % 10 == 0)
        n /= 10;
    if (n == 1)
        hist_add(c, role, code);
}

static void zeek_update(struct tcpst_conn *c, unsigned role, const struct tcpst_seg *s)
{
    struct tcpst_half *me = &c->h[role], *peer = &c->h[!role];
    bool syn = s->flags & TCPST_SYN, fin = s->flags & TCPST_FIN;
    bool rst = s->flags & TCPST_RST, ack = s->flags & TCPST_ACK;
    bool orig = role == TCPST_CLIENT;
    unsigned bits = syn + fin + rst;
    uint8_t st = me->z_state;

    /* history */
    if (bits > 1) {
        if (fin && rst)
            hist_once(c, role, ZH_FINRST, 'I');
        else
            hist_once(c, role, ZH_MULTI, 'Q');
    } else if (syn) {
        char code = ack ? 'H' : 'S';
        if (hist_once(c, role, ZH_SYN, code) && s->seq != me->z_last_syn)
            hist_add(c, role, code);
        me->z_last_syn = s->seq;
    } else if (fin) {
        if (hist_once(c, role, ZH_FIN, 'F') && s->seq + s->len != me->z_last_fin)
            hist_add(c, role, 'F');
        me->z_last_fin = s->seq + s->len;
    } else if (rst) {
        if (hist_once(c, role, ZH_RST, 'R') && s->seq != me->z_last_rst)
            hist_add(c, role, 'R');
        me->z_last_rst = s->seq;
    } else if (s->len) {
        hist_once(c, role, ZH_DATA, 'D');
    } else if (ack) {
        hist_once(c, role, ZH_ACK, 'A');
    }
    if (s->len && !rst && me->sent_any && !SEQ_GT(s->seq + s->len + syn + fin, me->nxt))
        hist_scaled(c, role, &me->z_rxmit, 'T');
    if (s->win == 0 && !rst && peer->z_state != Z_CLOSED && st != Z_RESET)
        hist_scaled(c, role, &me->z_zero_win, 'W');
    if (s->len && !rst)
        me->z_data = 1;

    /* endpoint state */
    switch (st) {
    case Z_INACTIVE:
        if (syn) {
            if (orig) {
                me->z_state = ack ? Z_SYN_ACK_SENT : Z_SYN_SENT;
            } else {
                if (peer->z_state == Z_SYN_SENT)
                    peer->z_state = Z_ESTABLISHED;
                me->z_state = Z_ESTABLISHED;
            }
        }
        if (fin)
            me->z_state = Z_CLOSED;
        if (rst)
            me->z_state = Z_RESET;
        if (me->z_state == Z_INACTIVE) {
            if (!orig && s->len == 0 && c->h[TCPST_CLIENT].z_state == Z_SYN_SENT)
                ; /* an ACK before the SYN-ACK does not make a partial connection */
            else if (ack && peer->z_state == Z_ESTABLISHED)
                me->z_state = Z_ESTABLISHED;
            else
                me->z_state = Z_PARTIAL;
        }
        break;
    case Z_SYN_SENT:
    case Z_SYN_ACK_SENT:
        if (fin)
            me->z_state = Z_CLOSED;
        if (rst)
            me->z_state = Z_RESET;
        break;
    case Z_ESTABLISHED:
    case Z_PARTIAL:
        if (syn && st == Z_PARTIAL && peer->z_state == Z_INACTIVE && !ack)
            me->z_state = Z_SYN_SENT;
        if (fin && !rst) {
            me->z_state = Z_CLOSED;
            if (peer->z_state == Z_RESET && peer->z_prev == Z_CLOSED)
                peer->z_state = Z_CLOSED; /* the peer's FIN then RST: a normal end */
        }
        if (rst)
            me->z_state = Z_RESET;
        break;
    case Z_CLOSED:
        if (rst && peer->z_state != Z_CLOSED)
            me->z_state = Z_RESET;
        break;
    default:
        break;
    }
    if (me->z_state != st)
        me->z_prev = st;
}

/* history matches ^?S[^HAFGIQ]*R.* */
static bool hist_syn_then_rst(const char *h)
{
    if (*h == '^')
        h++;
    if (*h++ != 'S')
        return false;
    for (; *h; h++) {
        if (*h == 'R')
            return true;
        if (strchr("HAFGIQ", *h))
            return false;
    }
    return false;
}

static uint8_t zeek_conn_state(const struct tcpst_conn *c)
{
    const struct tcpst_half *o = &c->h[TCPST_CLIENT], *r = &c->h[TCPST_SERVER];
    uint8_t os = o->z_state, rs = r->z_state;
    bool o_inactive = os == Z_INACTIVE || os == Z_PARTIAL;
    bool r_inactive = rs == Z_INACTIVE || rs == Z_PARTIAL;

    if (!c->started)
        return TCPST_Z_NONE;
    if (rs == Z_RESET) {
        if (os == Z_SYN_SENT || os == Z_SYN_ACK_SENT ||
            (os == Z_RESET && !o->z_data && !r->z_data))
            return TCPST_Z_REJ;
        return o_inactive ? TCPST_Z_RSTRH : TCPST_Z_RSTR;
    }
    if (os == Z_RESET) {
        if (r_inactive)
            return hist_syn_then_rst(c->history) ? TCPST_Z_RSTOS0 : TCPST_Z_OTH;
        return TCPST_Z_RSTO;
    }
    if (rs == Z_CLOSED && os == Z_CLOSED)
        return TCPST_Z_SF;
    if (os == Z_CLOSED)
        return r_inactive ? TCPST_Z_SH : TCPST_Z_S2;
    if (rs == Z_CLOSED)
        return o_inactive ? TCPST_Z_SHR : TCPST_Z_S3;
    if (os == Z_SYN_SENT && rs == Z_INACTIVE)
        return TCPST_Z_S0;
    if (os == Z_ESTABLISHED && rs == Z_ESTABLISHED)
        return TCPST_Z_S1;
    return TCPST_Z_OTH;
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
        me->syn_len = s->len;
        if (s->len && !ack)
            r->events |= TCPST_EV_FAST_OPEN;
        if (!ack) {
            if (role == TCPST_SERVER && peer->syn_seen && c->syn_outcome == SYN_PENDING) {
                /* Simultaneous open: the server side was not listening but
                 * connecting, and had not yet seen the client's SYN. */
                server_was_closed(c, r, SYN_SIM_OPEN, TCPST_EV_SIM_OPEN);
                c->syn_undelivered = 1; /* the client's SYN is still on its way */
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
    if (!ack && role == TCPST_CLIENT && !peer->synack_sent)
        c->syn_time = x->time;

    if (ack && peer->syn_seen && !peer->syn_acked && SEQ_GT(s->ack, peer->isn)) {
        peer->syn_acked = 1;
        r->acks_frame = peer->syn_frame;
        if (role == TCPST_SERVER && c->synack_time < 0)
            c->synack_time = x->time;
        if (peer->syn_len) {
            r->events |= TCPST_EV_FAST_OPEN;
            if (SEQ_GT(s->ack, peer->isn + 1))
                r->events |= TCPST_EV_TFO_ACCEPTED;
        }
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
            if (role == TCPST_CLIENT && c->hs_ack_time < 0)
                c->hs_ack_time = x->time;
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
                   struct tcpst_rec *r, const struct tcpst_config *cfg)
{
    struct tcpst_conn *c = x->c;
    struct tcpst_half *me = &c->h[role];
    uint32_t fin_seq = s->seq + s->len;

    if (!me->fin_seen && c->st[role] == TCPST_CLOSE_WAIT && c->since[role] >= 0 &&
        x->time - c->since[role] > cfg->close_wait_long)
        r->events |= TCPST_EV_CLOSE_WAIT_LONG;

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
        c->fin_gap = 0;
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
        c->first_fin_time = x->time;
        c->fin_window = 1;
        c->cross_pre = c->st[!role];
        r->flags |= TCPST_R_FIN_RECORD;
        r->step = 1;
    } else if (!r->step) {
        r->step = 3;
    }
    apply(x, role, EV_SND_FIN);
    if (me->sent_any && SEQ_GT(s->seq, me->nxt) && !c->crossed) {
        /* Bytes before the FIN not seen yet: the receiver keeps the FIN
         * out of order until they arrive (RFC 9293 3.10.7.4, eighth). */
        c->fin_gap = (uint8_t)(role + 1);
        return;
    }
    apply(x, !role, EV_RCV_FIN);
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
    fin_seq = c->h[fin_role].fin_seq;
    if ((role == fin_role && SEQ_GEQ(s->seq + s->len, fin_seq) && !SEQ_GT(s->seq, fin_seq)) ||
        (role != fin_role && (s->flags & TCPST_ACK) && SEQ_GT(s->ack, fin_seq))) {
        c->fin_gap = 0;
        apply(x, !fin_role, EV_RCV_FIN);
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
        ((s->flags & TCPST_ACK) && SEQ_GT(s->ack, c->h[fin_role].fin_seq))) {
        c->fin_undelivered = 0;
        apply(x, !fin_role, EV_RCV_FIN);
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
        apply(x, TCPST_SERVER, EV_RCV_SYN);
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
    if (me->fin_seen && !(f & TCPST_FIN) && s->len == 0 && s->seq == me->fin_seq) {
        /* An ACK sent before this side's FIN (after it, it would be one
         * higher), captured after it. */
        r->events |= TCPST_EV_OUT_OF_ORDER;
        if (c->first_fin_role == !role && peer->fin_seen && (f & TCPST_ACK) &&
            SEQ_GT(s->ack, peer->fin_seq)) {
            r->step = 2;       /* the passive closer's ACK of the first FIN, after all */
            r->acks_frame = peer->fin_frame;
            c->unmerged = 1;
        }
    } else if (!me->fin_seen && me->sent_any && s->len <= 1 && !(f & TCPST_FIN) &&
             s->seq == me->nxt - 1 && synchronized(c->st[role]))
        r->events |= TCPST_EV_KEEPALIVE;
    if (c->st[!role] == TCPST_TIME_WAIT && !(r->events & TCPST_EV_OUT_OF_ORDER) &&
        !((f & TCPST_FIN) && me->fin_seen && s->seq + s->len == me->fin_seq))
        r->events |= TCPST_EV_TW_SEGMENT;
}

/* Round trips from the capture point: a segment occupying sequence space,
 * then the peer's first ACK covering it (not if it was sent again: Karn). */
static void sample_rtt(struct tcpst_conn *c, unsigned role, const struct tcpst_seg *s, float now)
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

static uint8_t vantage(const struct tcpst_conn *c)
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

void tcpst_process(struct tcpst_conn *c, const struct tcpst_config *cfg,
                   const struct tcpst_seg *s, struct tcpst_rec *r)
{
    struct step_ctx x = { c, r, 0, { 0, 0 } };
    uint8_t f = s->flags;
    unsigned role;
    bool syn = f & TCPST_SYN, ack = f & TCPST_ACK, fin = f & TCPST_FIN, rst = f & TCPST_RST;
    struct tcpst_half *me;
    uint32_t end;

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
        if (s->dir != c->client_dir) /* Zeek would flip the first packet's direction */
            c->history[c->hist_len++] = '^';
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
    c->close_wait_long = (float)cfg->close_wait_long;
    c->last_time = x.time;
    c->last_frame = s->frame;

    expire_time_wait(c, cfg, x.time, r);
    memcpy(r->before, c->st, 2);
    if (c->since[role] >= 0)
        r->in_state = x.time - c->since[role];
    zeek_update(c, role, s);
    if (!flags_invalid(f))
        sample_rtt(c, role, s, x.time);

    if (flags_invalid(f)) {
        /* A real stack drops it; nothing moves. */
        r->events |= TCPST_EV_INVALID_FLAGS;
        r->phase = TCPST_PH_UNKNOWN;
        memcpy(r->after, c->st, 2);
        goto done;
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

    observe(c, role, s, r);
    deliver_crossed_syn(&x, role, s);
    deliver_gapped_fin(&x, role, s);
    deliver_crossed_fin(&x, role, s);

    if (rst) {
        if (!rst_acceptable(c, role, s)) {
            /* Not at the receiver's RCV.NXT: ignored (a challenge ACK at most). */
            r->events |= TCPST_EV_BLIND_RST;
            r->phase = c->stage == STAGE_DONE ? TCPST_PH_CLOSED :
                       c->stage == STAGE_HANDSHAKE ? TCPST_PH_HANDSHAKE :
                       c->stage == STAGE_TEARDOWN ? TCPST_PH_TEARDOWN : TCPST_PH_DATA;
        } else {
            on_rst(&x, role, s, r);
            c->stage = STAGE_DONE;
        }
    } else {
        uint8_t stage = c->stage;

        if (role == TCPST_SERVER && c->syn_outcome == SYN_PENDING && !(syn && !ack))
            c->syn_outcome = SYN_ANSWERED;
        if (c->h[role].fin_seen && s->len > 0 && SEQ_GT(s->seq + s->len, c->h[role].fin_seq))
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
        if (c->stage == STAGE_DONE && stage != STAGE_DONE)
            r->flags |= TCPST_R_DONE;
    }

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
    r->zeek = zeek_conn_state(c);
    r->hist_len = c->hist_len;
    r->vantage = vantage(c);
}

bool tcpst_half_open(const struct tcpst_conn *c)
{
    return c->started && c->stage == STAGE_HANDSHAKE && c->h[TCPST_CLIENT].syn_seen &&
           !c->inferred && c->syn_outcome != SYN_REFUSED;
}

void tcpst_view(const struct tcpst_rec *r, const struct tcpst_conn *c, uint32_t frame, bool final,
                struct tcpst_view *v)
{

    memset(v, 0, sizeof *v);
    v->phase = r->phase;
    v->sender = r->sender;
    v->step = r->step;
    v->acks_frame = r->acks_frame;
    v->events = r->events;
    v->inferred = (r->flags & TCPST_R_INFERRED) != 0;
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
            uint8_t st = (c->syn_outcome == SYN_PENDING) ? TCPST_LISTEN : TCPST_CLOSED;
            v->before[TCPST_SERVER] = v->after[TCPST_SERVER] = st;
            v->via[TCPST_SERVER][0] = v->via[TCPST_SERVER][1] = 0;
            v->revised = true;
            if (c->syn_outcome == SYN_PENDING && r->step == 1 && r->sender == TCPST_CLIENT)
                v->events |= TCPST_EV_SYN_UNANSWERED;
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
        if ((r->events & TCPST_EV_MERGED_FINACK) && c->unmerged) {
            /* Its ACK turned up later: the FIN was not merged with it. */
            v->events &= ~TCPST_EV_MERGED_FINACK;
            v->revised = true;
        }
        if (frame == c->last_frame) {
            /* Still in CLOSE_WAIT when the capture ends. */
            for (unsigned y = 0; y < 2; y++)
                if (c->st[y] == TCPST_CLOSE_WAIT && c->since[y] >= 0 &&
                    c->last_time - c->since[y] > c->close_wait_long)
                    v->events |= TCPST_EV_CLOSE_WAIT_LONG;
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

static const char *const zeek_names[TCPST_Z_NUM] = {
    "-", "S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR", "RSTOS0", "RSTRH", "SH", "SHR", "OTH",
};

const char *tcpst_zeek_name(unsigned z)
{
    return z < TCPST_Z_NUM ? zeek_names[z] : zeek_names[0];
}

const char *tcpst_zeek_conn_state(const struct tcpst_conn *c)
{
    return tcpst_zeek_name(zeek_conn_state(c));
}

const char *tcpst_zeek_history(const struct tcpst_conn *c)
{
    return c->history;
}

const char *tcpst_vantage_name(unsigned v)
{
    static const char *const names[TCPST_V_NUM] = { "unknown", "client", "server", "middle" };
    return v < TCPST_V_NUM ? names[v] : names[0];
}
