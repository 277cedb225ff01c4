/* tcpstate_replay.c - each endpoint's states in the order that endpoint
 * handled the segments. Pure C, the core's top: the public tcpst_process()
 * (records the segment, then tcpst_step() of tcpstate_core.c) and
 * tcpst_view() (tcpst_view_capture(), then, on a later pass, each
 * endpoint's states from its replay).
 *
 * A capture point sees a segment before its receiver does, or after its
 * sender sent it. The first pass applies every segment to both endpoints in
 * capture order; for an endpoint away from the capture point that order is
 * not its own. Once the whole capture is known, each endpoint E is replayed:
 * the connection's segments are put in the order E sent and received them
 * (merge(): by E's ACK numbers, E still sending after a RST, the round trip
 * last; docs/semantics.md, "Each endpoint in its own order") and run
 * through the state machine again as if captured at E. E's states on every
 * segment are taken from that run.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tcpstate_conn.h"

#include <stdlib.h>
#include <string.h>

#define LOG_CHUNK_BITS 14
#define LOG_CHUNK (1u << LOG_CHUNK_BITS)

/* A segment as recorded: what the state machine reads of it for the states,
 * 28 bytes (not the window: it only gives Zeek's W; of the ports, only which
 * is lower, for a connection first seen mid-stream). Its time counts from
 * the connection's first recorded segment (tcpst_conn.log_t0); its SACK
 * blocks, if any, are in the log's sacks. */
struct log_ent {
    float    time;
    uint32_t frame, seq, ack, len;
    uint32_t prev;              /* the connection's segment before, 1-based; 0 none */
    uint8_t  flags;
    uint8_t  dir : 1, truncated : 1, sack_ok : 1, sack : 1;
    uint8_t  sport_lower : 1;   /* sport < dport */
};

_Static_assert(sizeof(struct log_ent) == 28, "log_ent is 28 bytes");

struct log_sack {
    uint32_t ent;               /* the entry's index */
    uint32_t n;
    uint32_t b[4][2];
};

/* What a table keeps for all its connections: their segments, and their
 * extensions (tcpst_x()), which live as long as the table. */
struct tcpst_log {
    struct tcpst_chunks chunks; /* of LOG_CHUNK entries */
    uint32_t n;                 /* entries */
    struct log_sack *sacks;
    uint32_t nsacks, sacks_cap;
    struct tcpst_config cfg;    /* as of the latest segment */
    struct tcpst_chunks xs;     /* the connections' extensions (tcpst_x()), X_CHUNK a chunk */
    uint32_t nx;
};

#define X_CHUNK_BITS 8
#define X_CHUNK (1u << X_CHUNK_BITS)

struct tcpst_ext *tcpst_log_ext(struct tcpst_log *l)
{
    uint32_t i = l->nx;

    if (i == UINT32_MAX || !tcpst_chunks_grow(&l->xs, i, X_CHUNK_BITS, sizeof(struct tcpst_ext)))
        return NULL;
    l->nx++;
    return (struct tcpst_ext *)l->xs.chunk[i >> X_CHUNK_BITS] + (i & (X_CHUNK - 1));
}

/* One endpoint's values on one segment, from its replay. */
struct tcpst_replayed {
    uint32_t frame;
    uint8_t  before[2], after[2];   /* by role */
    uint8_t  via[2][2];
    uint8_t  have;              /* by role (bit): E's values are set */
    uint32_t order[2];          /* by role: its place in E's order, 1-based */
    uint8_t  latest[2];         /* by role: tcpst_view.latest */
};

struct tcpst_log *tcpst_log_new(void)
{
    return (struct tcpst_log *)calloc(1, sizeof(struct tcpst_log));
}

void tcpst_log_free(struct tcpst_log *l)
{
    if (!l)
        return;
    tcpst_chunks_free(&l->chunks);
    tcpst_chunks_free(&l->xs);
    free(l->sacks);
    free(l);
}

static struct log_ent *ent(const struct tcpst_log *l, uint32_t i)
{
    return (struct log_ent *)l->chunks.chunk[i >> LOG_CHUNK_BITS] + (i & (LOG_CHUNK - 1));
}

size_t tcpst_log_bytes(const struct tcpst_log *l)
{
    size_t chunks = (l->n + LOG_CHUNK - 1) >> LOG_CHUNK_BITS;
    size_t xchunks = (l->nx + X_CHUNK - 1) >> X_CHUNK_BITS;
    return sizeof *l + l->chunks.cap * sizeof *l->chunks.chunk + chunks * LOG_CHUNK * sizeof(struct log_ent) +
           l->sacks_cap * sizeof *l->sacks + l->xs.cap * sizeof *l->xs.chunk + xchunks * X_CHUNK * sizeof(struct tcpst_ext);
}

static void log_add(struct tcpst_conn *c, const struct tcpst_config *cfg, const struct tcpst_seg *s)
{
    struct tcpst_log *l = c->log;
    struct log_ent *e;

    if (!l || !cfg->own_order || l->n == UINT32_MAX - 1)
        return;
    if (!tcpst_chunks_grow(&l->chunks, l->n, LOG_CHUNK_BITS, sizeof(struct log_ent)))
        goto lost;
    if (!c->log_n)
        c->log_t0 = s->time;
    if (s->nsack) {
        if (l->nsacks == l->sacks_cap) {
            uint32_t cap = l->sacks_cap ? l->sacks_cap * 2 : 256;
            struct log_sack *a = cap > l->sacks_cap ? (struct log_sack *)realloc(l->sacks, cap * sizeof *a) : NULL;
            if (!a)
                goto lost;
            l->sacks = a;
            l->sacks_cap = cap;
        }
        l->sacks[l->nsacks].ent = l->n;
        l->sacks[l->nsacks].n = s->nsack > 4 ? 4 : s->nsack;
        memcpy(l->sacks[l->nsacks].b, s->sack, sizeof s->sack);
        l->nsacks++;
    }
    /* built whole, then stored: the flag bits in one write */
    e = ent(l, l->n);
    *e = (struct log_ent){
        .time = (float)(s->time - c->log_t0),
        .frame = s->frame, .seq = s->seq, .ack = s->ack, .len = s->len,
        .prev = c->log_last,
        .flags = s->flags,
        .dir = s->dir & 1, .truncated = s->truncated & 1, .sack_ok = s->sack_ok & 1,
        .sack = s->nsack != 0, .sport_lower = s->sport < s->dport,
    };
    c->log_last = ++l->n;
    c->log_n++;
    l->cfg = *cfg;
    return;
lost:
    c->log = NULL;              /* out of memory: this connection is not replayed */
}

static uint32_t seg_end(const struct tcpst_seg *s)
{
    return s->seq + s->len + !!(s->flags & TCPST_SYN) + !!(s->flags & TCPST_FIN);
}

/* Linux's least retransmission timeout (TCP_RTO_MIN), seconds */
#define RTO_MIN 0.2

/* Room for merge(), n segments. */
struct work {
    uint32_t *order;            /* the result: capture indexes in E's order */
    uint32_t *recv;             /* capture indexes of the segments toward E */
    uint32_t *rpos;             /* capture index -> its place in recv */
    uint32_t *adv, *advmin;     /* places in recv of those that brought new sequence
                                 * space (see merge()); advmin: the least from here on */
    uint32_t *copy;             /* capture index -> 1 + the copy that reached E instead; 0 */
    uint32_t *send;             /* capture indexes of E's own segments, in E's order */
    double   *sent;             /* by place in send: when E sent it, as captured */
    uint8_t  *missing, *rst;
    uint32_t fin, past;         /* own_order(): E's FIN (n: none) moved before segs[past] */
    bool virt;                  /* ... as its first copy, never captured: segs[n] */
    struct tcpst_seg first;     /* segs[n] */
};

/* E sends the bytes of segs[i] again within the next few segments. */
static bool copied_later(const struct tcpst_seg *const *segs, uint32_t n, uint32_t i)
{
    for (uint32_t j = i + 1; j < n && j <= i + 64; j++)
        if (segs[j]->dir == segs[i]->dir && segs[j]->len && segs[j]->seq == segs[i]->seq)
            return true;
    return false;
}

/* send := E's own segments in the order E sent them: capture order, but
 * where the path reordered them around E's FIN, by sequence. Linux sends a
 * pure ACK with SND.NXT, which is past the FIN once the FIN is sent: a pure
 * ACK below it was sent first, and so were bytes below the FIN seen for the
 * first time, unless the peer's acknowledgement of the hole they fill came
 * back at least a round trip before them and no later copy of them was
 * captured (then they are a retransmission whose first copy the capture
 * never saw; with a later copy, they are that first copy, held up on the
 * path). A segment that starts past the FIN (not a RST: a blind one may
 * carry any number) was sent after it: the FIN
 * goes before the first of those (*past). When the FIN was captured a
 * retransmission timeout or more after that one, it is a later copy: the
 * first copy, never captured, goes there as segs[n] (*virt), and the copy
 * captured keeps its place. Returns how many. */
static uint32_t own_order(const struct tcpst_seg *const *segs, uint32_t n, uint8_t edir, double rtt,
                          struct work *w)
{
    uint32_t ns = 0, fin_at = 0, fin_seq = 0, data_end = 0, fi = n, beyond = 0, hole = 0;
    uint32_t *send = w->send;
    double hole_t = 0;
    bool fin = false, data = false, holed = false;

    w->fin = w->past = n;
    w->virt = false;
    for (uint32_t i = 0; i < n && fi == n; i++)
        if (segs[i]->dir == edir && (segs[i]->flags & TCPST_FIN) && !(segs[i]->flags & TCPST_RST))
            fi = i;
    if (fi < n)
        beyond = seg_end(segs[fi]);
    for (uint32_t i = 0; i < n; i++) {
        const struct tcpst_seg *p = segs[i];
        uint32_t end = p->seq + p->len;
        bool early = false;
        if (p->dir != edir) {
            /* the peer acknowledges below E's FIN: E learns of a hole */
            if (fin && !holed && (p->flags & (TCPST_ACK | TCPST_RST)) == TCPST_ACK &&
                SEQ_LT(p->ack, fin_seq)) {
                holed = true;
                hole = p->ack;
                hole_t = p->time;
            }
            continue;
        }
        if (i == fi && fin && !w->virt)
            continue;
        if (!fin && i < fi && fi < n && !(p->flags & (TCPST_SYN | TCPST_RST)) && SEQ_GEQ(p->seq, beyond)) {
            const struct tcpst_seg *f = segs[fi];
            if (f->len && (!data || SEQ_GT(f->seq + f->len, data_end))) {
                data_end = f->seq + f->len;
                data = true;
            }
            fin = true;
            fin_seq = f->seq + f->len;
            fin_at = ns;
            w->fin = fi;
            w->past = i;
            w->virt = f->time - p->time >= RTO_MIN;
            send[ns++] = w->virt ? n : fi;
        }
        if (fin && !(p->flags & (TCPST_SYN | TCPST_FIN | TCPST_RST)) && SEQ_GT(fin_seq + 1, p->seq))
            early = p->len ? (!data || SEQ_GT(end, data_end)) && SEQ_GEQ(fin_seq, end) &&
                             !(holed && SEQ_GEQ(p->seq, hole) && p->time - hole_t >= rtt &&
                               !copied_later(segs, n, i)) : true;
        if (p->len && !(p->flags & TCPST_SYN) && (!data || SEQ_GT(end, data_end))) {
            data_end = end;
            data = true;
        }
        if (early) {
            memmove(send + fin_at + 1, send + fin_at, (ns - fin_at) * sizeof *send);
            send[fin_at++] = i;
            ns++;
            continue;
        }
        if ((p->flags & TCPST_FIN) && !(p->flags & TCPST_RST) && !fin) {
            fin = true;
            fin_seq = end;
            fin_at = ns;
        }
        send[ns++] = i;
    }
    return ns;
}

/* w->order := the segments (capture order) in the order the endpoint that
 * sends in direction edir handled them (see the top); w->missing: segments
 * toward it that one of its segments shows had not come (lost_copy() tells
 * which never did). A segment in w->copy counts through its copy. */
static void merge(const struct tcpst_seg *const *segs, uint32_t n, uint8_t edir, double rtt,
                  struct work *w)
{
    uint32_t nrecv = 0, nadv = 0, nsend, k = 0, b = 0, ai = 0, ri = 0, hi = 0, need = 0;
    uint32_t eack = 0, fin_end = 0, pack = 0, answered = 0;
    bool any = false, eacked = false, fin = false, packed = false;

    memset(w->missing, 0, n);
    memset(w->rst, 0, n);
    for (uint32_t i = 0; i < n; i++) {
        const struct tcpst_seg *s = segs[i];
        uint32_t end = seg_end(s);
        if (s->dir == edir) {
            if ((s->flags & TCPST_ACK) && !(s->flags & TCPST_RST)) {
                eack = s->ack;
                eacked = true;
            }
            continue;
        }
        w->rpos[i] = nrecv;
        w->recv[nrecv++] = i;
        /* a RST E would take (at its RCV.NXT as far as seen; a blind one
         * is dropped and proves nothing) */
        if ((s->flags & TCPST_RST) && (!any || s->seq == hi || (eacked && s->seq == eack)))
            w->rst[i] = 1;
        /* new sequence space toward E: the ends of these rise, so E's
         * acknowledgement places them; bytes after the sender's FIN do not
         * count (a receiver ignores them) */
        if (end != s->seq && !(s->flags & TCPST_RST) && (!any || SEQ_GT(end, hi)) &&
            !(fin && SEQ_GEQ(s->seq, fin_end))) {
            w->adv[nadv++] = i;
            hi = end;
            any = true;
        }
        if ((s->flags & TCPST_FIN) && !fin) {
            fin = true;
            fin_end = end;
        }
    }
    for (uint32_t a = 0; a < nadv; a++) {
        uint32_t i = w->adv[a];
        w->adv[a] = w->copy[i] ? w->rpos[w->copy[i] - 1] : w->rpos[i];
    }
    for (uint32_t a = nadv; a-- > 0;)
        w->advmin[a] = (a + 1 < nadv && w->advmin[a + 1] < w->adv[a]) ? w->advmin[a + 1] : w->adv[a];
    nsend = own_order(segs, n, edir, rtt, w);
    if (w->virt) {
        double tfin = -1;
        w->first = *segs[w->fin];
        w->first.time = segs[w->past]->time;
        /* what else toward E may have come between its FIN and segs[past]
         * (a second copy of the FIN, or one the path put behind it), to
         * which segs[past] may answer */
        for (uint32_t r = 0; r < nrecv && w->recv[r] < w->past; r++) {
            const struct tcpst_seg *q = segs[w->recv[r]];
            if ((q->flags & (TCPST_FIN | TCPST_RST)) == TCPST_FIN && tfin < 0)
                tfin = q->time;
        }
        for (uint32_t r = 0; r < nrecv && w->recv[r] < w->past && tfin >= 0; r++) {
            const struct tcpst_seg *q = segs[w->recv[r]];
            if (!(q->flags & TCPST_RST) && q->time >= tfin - rtt)
                answered++;
        }
    }
    /* when E sent each: no later than what it sent after (one the path
     * held back was captured late) */
    for (uint32_t si = nsend; si-- > 0;) {
        double t = segs[w->send[si]]->time;
        w->sent[si] = (si + 1 < nsend && w->sent[si + 1] < t) ? w->sent[si + 1] : t;
    }
    for (uint32_t si = 0; si < nsend; si++) {
        uint32_t i = w->send[si];
        const struct tcpst_seg *p = segs[i];
        uint32_t block = nrecv;     /* recv[..need) before p, recv[block..) after */
        bool acks = (p->flags & TCPST_ACK) != 0;
        uint32_t ack = p->ack;
        if (i == n && packed && answered == 1) {
            /* the FIN's first copy acknowledged what E's segments before
             * it did: had E taken the FIN toward it first, the first copy
             * would have acknowledged it, and segs[past] would answer
             * nothing */
            w->first.ack = ack = pack;
        }
        if (acks) {
            pack = ack;
            packed = true;
            for (; ai < nadv && SEQ_GEQ(ack, seg_end(segs[w->recv[w->adv[ai]]])); ai++)
                if (w->adv[ai] + 1 > need)
                    need = w->adv[ai] + 1;
            /* not acknowledged although it would have been in order: not
             * there yet (above a hole it may have come and waits) */
            if (ai < nadv && SEQ_GEQ(ack, segs[w->recv[w->adv[ai]]]->seq))
                block = w->advmin[ai];
        } else if ((p->flags & TCPST_SYN) && ai < nadv) {
            block = w->advmin[ai];  /* a SYN without ACK: E had nothing of the peer */
        }
        /* captured long enough before p to have come: missing */
        if (block < nrecv && w->recv[block] < i && w->sent[si] - segs[w->recv[block]]->time >= rtt)
            w->missing[w->recv[block]] = 1;
        if (!(p->flags & TCPST_RST)) {
            /* E still sends: a RST toward it captured before had not come */
            while (ri < nrecv && (ri < b || !w->rst[w->recv[ri]]))
                ri++;
            if (ri < nrecv && w->recv[ri] < i && ri < block)
                block = ri;
        }
        while (b < nrecv && (b < need || (b < block && w->sent[si] - segs[w->recv[b]]->time >= rtt))) {
            if (b >= block)
                break;      /* contradictory acknowledgements: the later one wins */
            w->order[k++] = w->recv[b++];
        }
        w->order[k++] = i;
    }
    while (b < nrecv)
        w->order[k++] = w->recv[b++];
}

#define LOST_LOOKAHEAD 1000

/* segs[i], toward E, was found missing by one of E's segments (merge()):
 * it never reached E if a later copy of its end came before E's first
 * acknowledgement of it (that copy is the one E got). Returns 1 + the
 * copy's index, or 0. */
static uint32_t lost_copy(const struct tcpst_seg *const *segs, uint32_t n, uint32_t i, uint8_t edir)
{
    const struct tcpst_seg *x = segs[i];
    uint32_t end = seg_end(x);

    for (uint32_t j = i + 1; j < n && j <= i + LOST_LOOKAHEAD; j++) {
        const struct tcpst_seg *s = segs[j];
        if (s->dir == edir) {
            if ((s->flags & TCPST_ACK) && SEQ_GEQ(s->ack, end))
                return 0;
        } else if (!(s->flags & TCPST_RST) && SEQ_GEQ(x->seq, s->seq) && SEQ_GEQ(seg_end(s), end)) {
            return j + 1;
        }
    }
    return 0;
}

static void replay_free(struct tcpst_conn *c)
{
    free(c->replay);
    c->replay = NULL;
    c->replay_n = 0;
}

void tcpst_conn_release(struct tcpst_conn *c)
{
    replay_free(c);
    tcpst_x_free(c);
}

/* The SACK blocks of entry i (one that has some). */
static const struct log_sack *find_sack(const struct tcpst_log *l, uint32_t i)
{
    uint32_t lo = 0, hi = l->nsacks;

    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (l->sacks[mid].ent < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return &l->sacks[lo];
}

/* Replays both endpoints of c (see the top); false when it cannot. */
static bool replay(struct tcpst_conn *c)
{
    const struct tcpst_log *l = c->log;
    uint32_t n = c->log_n, i, j;
    size_t m = (size_t)n + 1;
    struct tcpst_seg *seg = NULL;
    const struct tcpst_seg **segs = NULL;
    uint32_t *ix = NULL;
    uint8_t *bytes = NULL;
    struct tcpst_rec *recs = NULL;
    struct tcpst_replayed *out = NULL;
    struct tcpst_conn *e = NULL;
    struct work w = { 0 };
    bool ok = false;

    replay_free(c);
    /* room for one more segment in E's order: w.first (see own_order()) */
    seg = (struct tcpst_seg *)calloc(n, sizeof *seg);
    segs = (const struct tcpst_seg **)malloc(m * sizeof *segs);
    ix = (uint32_t *)malloc(7 * m * sizeof *ix);
    bytes = (uint8_t *)malloc(2 * m);
    recs = (struct tcpst_rec *)malloc(m * sizeof *recs);
    out = (struct tcpst_replayed *)malloc(n * sizeof *out);
    e = (struct tcpst_conn *)calloc(1, sizeof *e);
    w.sent = (double *)malloc(m * sizeof *w.sent);
    if (!w.sent || !seg || !segs || !ix || !bytes || !recs || !out || !e)
        goto done;
    w.order = ix;
    w.recv = ix + m;
    w.rpos = ix + 2 * m;
    w.adv = ix + 3 * m;
    w.advmin = ix + 4 * m;
    w.copy = ix + 5 * m;
    w.send = ix + 6 * m;
    w.missing = bytes;
    w.rst = bytes + m;
    segs[n] = &w.first;
    for (i = n, j = c->log_last; i > 0 && j; j = ent(l, j - 1)->prev) {
        const struct log_ent *le = ent(l, j - 1);
        struct tcpst_seg *sg = &seg[--i];
        sg->time = c->log_t0 + le->time;
        sg->frame = le->frame;
        sg->seq = le->seq;
        sg->ack = le->ack;
        sg->len = le->len;
        sg->sport = !le->sport_lower; /* the same order as the ports' */
        sg->dport = le->sport_lower;
        sg->win = 1;   /* not recorded: only Zeek's W reads it */
        sg->flags = le->flags;
        sg->dir = le->dir;
        sg->truncated = le->truncated;
        sg->sack_ok = le->sack_ok;
        if (le->sack) {
            const struct log_sack *ls = find_sack(l, j - 1);
            sg->nsack = (uint8_t)ls->n;
            memcpy(sg->sack, ls->b, sizeof sg->sack);
        }
        segs[i] = sg;
    }
    if (i != 0)
        goto done;
    ok = true;
    for (unsigned y = 0; y < 2 && ok; y++) {
        uint8_t edir = (y == TCPST_CLIENT) ? c->client_dir : !c->client_dir;
        double rtt = c->rtt[y] > TCPST_VANTAGE_MIN_RTT ? c->rtt[y] : 0, t = 0;
        bool lost_any = false, have_last = false;
        uint8_t last = 0;       /* E's state after the latest segment processed */
        uint32_t nord, pos = 0;

        /* E's order; then again with each lost segment counted through the
         * copy that reached E instead */
        memset(w.copy, 0, m * sizeof *w.copy);
        merge(segs, n, edir, rtt, &w);
        for (uint32_t k = 0; k < n; k++)
            if (w.missing[k] && (w.copy[k] = lost_copy(segs, n, k, edir)))
                lost_any = true;
        if (lost_any)
            merge(segs, n, edir, rtt, &w);
        nord = n + w.virt;
        tcpst_x_free(e);
        tcpst_conn_init(e);
        e->id = c->id;
        e->reused_ports = c->reused_ports;
        e->tw_reuse = c->tw_reuse;
        for (uint32_t k = 0; k < nord; k++) {
            struct tcpst_seg s = *segs[w.order[k]];
            /* E's clock: half the round trip later or earlier */
            double vt = s.time + (s.dir == edir ? -rtt / 2 : rtt / 2);
            if (w.copy[w.order[k]])
                continue;       /* never reached E */
            t = (k == 0 || vt > t) ? vt : t;
            s.time = t;
            s.frame = k + 1;
            tcpst_step(e, &l->cfg, &s, &recs[k]);
            if ((e->started && e->client_dir != c->client_dir) || e->x_lost) {
                ok = false;     /* the roles came out otherwise, or out of memory: keep the first pass */
                break;
            }
        }
        for (uint32_t k = 0; k < nord && ok; k++) {
            struct tcpst_view v;
            struct tcpst_replayed *o;
            if (w.order[k] == n) {
                /* the first copy of E's FIN, not captured: E's state moves */
                tcpst_view_capture(&recs[k], e, k + 1, true, &v);
                last = v.after[y];
                have_last = true;
                continue;
            }
            o = &out[w.order[k]];
            o->frame = segs[w.order[k]]->frame;
            o->order[y] = ++pos;
            if (y == 0)
                o->have = 0;
            if (w.copy[w.order[k]]) {
                /* never reached E: E stays as it was */
                if (have_last) {
                    o->before[y] = o->after[y] = last;
                    o->via[y][0] = o->via[y][1] = 0;
                    o->have |= 1u << y;
                }
                continue;
            }
            tcpst_view_capture(&recs[k], e, k + 1, true, &v);
            o->before[y] = v.before[y];
            o->after[y] = v.after[y];
            o->via[y][0] = v.via[y][0];
            o->via[y][1] = v.via[y][1];
            o->have |= 1u << y;
            last = v.after[y];
            have_last = true;
        }
    }
    for (unsigned y = 0; y < 2 && ok; y++) {
        uint32_t top = 0;
        uint8_t st = 0;
        for (uint32_t k = 0; k < n; k++) {
            struct tcpst_replayed *o = &out[k];
            if ((o->have & (1u << y)) && o->order[y] > top) {
                top = o->order[y];
                st = o->after[y];
            }
            o->latest[y] = top ? st : o->after[y];
        }
    }
done:
    free(w.sent);
    free(seg);
    free(segs);
    free(ix);
    free(bytes);
    free(recs);
    if (e)
        tcpst_x_free(e);
    free(e);
    if (!ok) {
        free(out);
        out = NULL;
    }
    c->replay = out;
    c->replay_n = n;
    return ok;
}

/* The final view v of frame takes each endpoint's states from its replay;
 * false (v unchanged) when c has none. */
static bool replayed(const struct tcpst_conn *cc, uint32_t frame, struct tcpst_view *v)
{
    struct tcpst_conn *c = (struct tcpst_conn *)cc;     /* the replay is a cache */
    uint32_t lo = 0, hi;

    if (!c->log || c->log_n < 2)
        return false;
    if (c->replay_n != c->log_n && !replay(c))
        return false;
    if (!c->replay)
        return false;
    for (hi = c->replay_n; lo < hi;) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (c->replay[mid].frame < frame)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == c->replay_n || c->replay[lo].frame != frame)
        return false;
    for (unsigned y = 0; y < 2; y++) {
        const struct tcpst_replayed *o = &c->replay[lo];
        v->order[y] = o->order[y];
        if (!(o->have & (1u << y)))
            continue;
        v->latest[y] = o->latest[y];
        if (v->before[y] != o->before[y] || v->after[y] != o->after[y])
            v->revised = true;
        v->before[y] = o->before[y];
        v->after[y] = o->after[y];
        v->via[y][0] = o->via[y][0];
        v->via[y][1] = o->via[y][1];
    }
    return true;
}

void tcpst_process(struct tcpst_conn *c, const struct tcpst_config *cfg, const struct tcpst_seg *s,
                   struct tcpst_rec *out)
{
    log_add(c, cfg, s);
    tcpst_step(c, cfg, s, out);
}

void tcpst_view(const struct tcpst_rec *r, const struct tcpst_conn *c, uint32_t frame, bool final,
                struct tcpst_view *v)
{
    tcpst_view_capture(r, c, frame, final, v);
    if (final && c && replayed(c, frame, v))
        v->changed = v->before[0] != v->after[0] || v->before[1] != v->after[1];
}
