/* tcpstate_zeek.c - Zeek's view of a connection: conn.log's conn_state and
 * history, from its TCP analyzer's endpoint states and update_history rules
 * as documented for conn.log. Pure C, part of the core.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tcpstate_conn.h"

#include <string.h>

enum { Z_INACTIVE = 0, Z_SYN_SENT, Z_SYN_ACK_SENT, Z_PARTIAL, Z_ESTABLISHED, Z_CLOSED, Z_RESET };
enum { ZH_SYN = 1, ZH_FIN = 2, ZH_RST = 4, ZH_ACK = 8, ZH_DATA = 16, ZH_MULTI = 32, ZH_FINRST = 64 };

/* Appends byte ch to the history: in the connection while it is short,
 * then in its extension (tcpst_hist()). */
static void hist_put_x(struct tcpst_conn *c, char ch)
{
    char *h = tcpst_x(c)->history;

    if (c->hist_len + 1 == TCPST_HIST_INLINE)
        memcpy(h, c->hist, c->hist_len);
    h[c->hist_len++] = ch;
    h[c->hist_len] = 0;
}

static inline void hist_put(struct tcpst_conn *c, char ch)
{
    if (c->hist_len + 1 >= TCPST_HIST_INLINE) {
        hist_put_x(c, ch);
        return;
    }
    c->hist[c->hist_len++] = ch;
    c->hist[c->hist_len] = 0;
}

/* Upper case for the originator (our client), lower case for the responder. */
static void hist_add(struct tcpst_conn *c, unsigned role, char code)
{
    if (c->hist_len >= TCPST_HISTORY_MAX)
        return;
    if (role != TCPST_CLIENT && code >= 'A' && code <= 'Z')
        code = (char)(code - 'A' + 'a');
    hist_put(c, code);
}

/* Records the letter the first time; true when it was seen before. */
static void hist_first(struct tcpst_conn *c, unsigned role, unsigned bit, char code)
{
    c->h[role].z_seen |= bit;
    hist_add(c, role, code);
}

static inline bool hist_once(struct tcpst_conn *c, unsigned role, unsigned bit, char code)
{
    if (c->h[role].z_seen & bit)
        return true;
    hist_first(c, role, bit, code);
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

/* Zeek's reassembler, as far as its content gaps ('G', 'g') need it: the
 * data of endpoint h seen in [seq, end). Ranges seen above a hole are kept
 * as one; a second one apart from it is forgotten. */
static void zeek_data_seen(struct tcpst_conn *c, unsigned role, uint32_t seq, uint32_t end)
{
    struct tcpst_half *h = &c->h[role];
    struct tcpst_half_x *hx;

    if (!h->z_asm_on || !SEQ_GT(end, seq))
        return;
    if (SEQ_GEQ(h->z_asm, seq)) {
        if (SEQ_GT(end, h->z_asm))
            h->z_asm = end;
        if (h->z_blk) {
            hx = &tcpst_xhas(c)->h[role]; /* z_blk was set with it */
            if (SEQ_GEQ(h->z_asm, hx->z_blk_lo)) {
                if (SEQ_GT(hx->z_blk_hi, h->z_asm))
                    h->z_asm = hx->z_blk_hi;
                h->z_blk = 0;
            }
        }
    } else if (!h->z_blk) {
        hx = &tcpst_x(c)->h[role];
        h->z_blk = 1;
        hx->z_blk_lo = seq;
        hx->z_blk_hi = end;
    } else {
        hx = &tcpst_xhas(c)->h[role];
        if (SEQ_GEQ(hx->z_blk_hi, seq) && SEQ_GEQ(end, hx->z_blk_lo)) {
            if (SEQ_GT(hx->z_blk_lo, seq))
                hx->z_blk_lo = seq;
            if (SEQ_GT(end, hx->z_blk_hi))
                hx->z_blk_hi = end;
        }
    }
}

/* Zeek's is_clean: ESTABLISHED, or CLOSED straight from it. */
static bool zeek_clean(const struct tcpst_half *h)
{
    return h->z_state == Z_ESTABLISHED || (h->z_state == Z_CLOSED && h->z_prev == Z_ESTABLISHED);
}

/* The peer of role x acknowledged x's data up to ack: what the capture did
 * not show below it is a content gap, recorded (1st, 10th, 100th... time) in
 * x's case when both ends are cleanly established or closing. The FIN is no
 * data. */
static void zeek_ack_seen(struct tcpst_conn *c, unsigned x, uint32_t ack)
{
    struct tcpst_half *h = &c->h[x];
    bool clean = zeek_clean(h) && zeek_clean(&c->h[!x]);
    unsigned gaps = 0;

    if (!h->z_asm_on)
        return;
    if (h->fin_seen && SEQ_GT(ack, tcpst_xhas(c)->h[x].fin_seq))
        ack = tcpst_xhas(c)->h[x].fin_seq;
    if (!SEQ_GT(ack, h->z_asm))
        return;
    if (h->z_blk) {
        const struct tcpst_half_x *hx = &tcpst_xhas(c)->h[x]; /* z_blk was set with it */
        if (SEQ_GT(ack, hx->z_blk_lo)) {
            gaps++;
            if (SEQ_GT(hx->z_blk_hi, h->z_asm))
                h->z_asm = hx->z_blk_hi;
            h->z_blk = 0;
        }
    }
    if (SEQ_GT(ack, h->z_asm)) {
        gaps++;
        h->z_asm = ack;
    }
    while (clean && gaps--)
        hist_scaled(c, x, &tcpst_x(c)->h[x].z_gaps, 'G');
}

/* The first segment: Zeek flips the direction when it was not the client's. */
void tcpst_zeek_start(struct tcpst_conn *c, bool flipped)
{
    if (flipped && c->hist_len < TCPST_HISTORY_MAX)
        hist_put(c, '^');
    c->z_end = c->z_attempt = -1;
}

/* Whether Zeek has flushed the current Zeek connection by time now (prev:
 * its last segment), by the timers of its TCP analyzer: the close delay after
 * a complete close or a reset, the attempt delay after an unanswered SYN, and
 * inactivity. */
static bool zeek_flushed(const struct tcpst_conn *c, const struct tcpst_config *cfg, float now,
                         float prev)
{
    const struct tcpst_half *o = &c->h[TCPST_CLIENT], *r = &c->h[TCPST_SERVER];

    if (c->z_end >= 0 && now >= c->z_end)
        return true;
    if (c->z_attempt >= 0 && now >= c->z_attempt &&
        (o->z_state == Z_SYN_SENT || o->z_state == Z_SYN_ACK_SENT) && r->z_state == Z_INACTIVE)
        return true;
    return cfg->zeek_inactivity > 0 && now - prev >= cfg->zeek_inactivity;
}

/* A new Zeek connection on the same connection: the old one's history ends
 * with a separator that carries its conn_state; the new one's orig is the
 * client, marked flipped when the server sends its first segment (Zeek's
 * port heuristic does so for a well-known server port: docs/diagnosis.md). */
static void zeek_restart(struct tcpst_conn *c, unsigned role)
{
    uint8_t final = tcpst_zeek_state(c);

    if (c->hist_len >= TCPST_HISTORY_MAX - 1)
        return; /* no room to tell them apart: the old one goes on */
    hist_put(c, (char)(TCPST_ZEEK_SEP + final));
    for (unsigned i = 0; i < 2; i++) {
        struct tcpst_half *h = &c->h[i];
        h->z_last_syn = h->z_last_rst = 0;
        if (c->x) {
            struct tcpst_half_x *hx = &c->x->h[i];
            hx->z_last_fin = hx->z_rxmit = hx->z_zero_win = hx->z_gaps = 0;
        }
        h->z_asm_on = h->z_blk = 0;
        h->z_seen = 0;
        h->z_state = h->z_prev = Z_INACTIVE;
        h->z_data = h->z_closed = 0;
    }
    tcpst_zeek_start(c, role != TCPST_CLIENT);
}

/* Zeek's ConnectionClosed: an endpoint has just closed (FIN) or reset. When
 * that completes the close, Zeek flushes the connection after the delay. */
static void zeek_closed(struct tcpst_conn *c, const struct tcpst_config *cfg, unsigned role,
                        float now)
{
    struct tcpst_half *me = &c->h[role], *peer = &c->h[!role];
    float end;

    if (me->z_closed)
        return;
    me->z_closed = 1;
    if (!(me->z_state == Z_RESET || peer->z_closed || peer->z_state == Z_INACTIVE))
        return;
    end = now + (float)cfg->zeek_close_delay;
    if (me->z_state == Z_RESET && now + (float)cfg->zeek_reset_delay < end)
        end = now + (float)cfg->zeek_reset_delay;
    c->z_end = end;
    c->z_attempt = -1;
}

void tcpst_zeek_update(struct tcpst_conn *c, const struct tcpst_config *cfg, unsigned role,
                       const struct tcpst_seg *s, float now, float prev)
{
    struct tcpst_half *me = &c->h[role], *peer = &c->h[!role];
    bool syn = s->flags & TCPST_SYN, fin = s->flags & TCPST_FIN;
    bool rst = s->flags & TCPST_RST, ack = s->flags & TCPST_ACK;
    bool orig = role == TCPST_CLIENT;
    unsigned bits = syn + fin + rst;
    uint8_t st;

    if (cfg->zeek_split && c->hist_len && zeek_flushed(c, cfg, now, prev))
        zeek_restart(c, role);
    st = me->z_state;

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
        if (hist_once(c, role, ZH_FIN, 'F') && s->seq + s->len != tcpst_xr(c)->h[role].z_last_fin)
            hist_add(c, role, 'F');
        tcpst_x(c)->h[role].z_last_fin = s->seq + s->len;
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
        hist_scaled(c, role, &tcpst_x(c)->h[role].z_rxmit, 'T');
    if (s->win == 0 && !s->truncated && !rst && peer->z_state != Z_CLOSED && st != Z_RESET)
        hist_scaled(c, role, &tcpst_x(c)->h[role].z_zero_win, 'W');
    if (s->len && !rst)
        me->z_data = 1;

    /* endpoint state */
    switch (st) {
    case Z_INACTIVE:
        if (syn) {
            if (orig) {
                me->z_state = ack ? Z_SYN_ACK_SENT : Z_SYN_SENT;
                if (cfg->zeek_split && cfg->zeek_attempt_delay > 0)
                    c->z_attempt = now + (float)cfg->zeek_attempt_delay;
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
    if (me->z_state != st) {
        me->z_prev = st;
        if (cfg->zeek_split && (me->z_state == Z_CLOSED || me->z_state == Z_RESET))
            zeek_closed(c, cfg, role, now);
    }

    /* content gaps */
    if (rst)
        return;
    if (syn) {
        me->z_asm_on = 1;
        me->z_asm = s->seq + 1;
        me->z_blk = 0;
    }
    zeek_data_seen(c, role, s->seq + syn, s->seq + syn + s->len);
    if (ack)
        zeek_ack_seen(c, !role, s->ack);
}

/* The current Zeek connection's history (NUL-terminated). */
static const char *current_history(const struct tcpst_conn *c)
{
    const char *h;
    unsigned len;

    tcpst_zeek_at(c, c->hist_len, &h, &len);
    return h;
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

uint8_t tcpst_zeek_state(const struct tcpst_conn *c)
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
            return hist_syn_then_rst(current_history(c)) ? TCPST_Z_RSTOS0 : TCPST_Z_OTH;
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

static const char *const zeek_names[TCPST_Z_NUM] = {
    "-", "S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR", "RSTOS0", "RSTRH", "SH", "SHR", "OTH",
};

const char *tcpst_zeek_name(unsigned z)
{
    return z < TCPST_Z_NUM ? zeek_names[z] : zeek_names[0];
}

/* A history byte that ends a Zeek connection (TCPST_ZEEK_SEP + its conn_state). */
static bool zeek_sep(char ch)
{
    return (unsigned char)ch < 0x20;
}

bool tcpst_zeek_conn(const struct tcpst_conn *c, unsigned i, uint8_t *state, const char **hist,
                     unsigned *len)
{
    const char *p = tcpst_hist(c), *end = p + c->hist_len;

    for (; i > 0; i--) {
        while (p < end && !zeek_sep(*p))
            p++;
        if (p == end)
            return false;
        p++;
    }
    *hist = p;
    while (p < end && !zeek_sep(*p))
        p++;
    *len = (unsigned)(p - *hist);
    *state = p < end ? (uint8_t)(*p - TCPST_ZEEK_SEP) : tcpst_zeek_state(c);
    return true;
}

unsigned tcpst_zeek_at(const struct tcpst_conn *c, unsigned hist_len, const char **hist,
                       unsigned *len)
{
    const char *h = tcpst_hist(c);
    unsigned n = 0, start = 0;

    if (hist_len > c->hist_len)
        hist_len = c->hist_len;
    for (unsigned k = 0; k < hist_len; k++)
        if (zeek_sep(h[k])) {
            n++;
            start = k + 1;
        }
    *hist = h + start;
    *len = hist_len - start;
    return n;
}

const char *tcpst_zeek_conn_state(const struct tcpst_conn *c)
{
    uint8_t z;
    const char *h;
    unsigned len;

    tcpst_zeek_conn(c, 0, &z, &h, &len);
    return tcpst_zeek_name(z);
}
