/* tcpstate_stats_hosts.c - the host view: every host's socket table, as ss
 * and netstat show it.
 *
 * tshark:  -z tcpstate,ss,<host>[,at=<time>][,csv|json][,filter]   ss -tan of one host at a moment
 *          -z tcpstate,hosts[,durations][,csv|json][,filter]   per host, its sockets per state at the end
 *                                            (durations: the time its endpoints spent in a state)
 *
 * A socket is a host's endpoint of one connection: its state at a moment is
 * the one after the last segment of the connection captured at or before
 * it, with hindsight (the final view of that record), a TIME_WAIT running
 * out after 2*MSL, a SYN-RECV request expiring after its last SYN-ACK
 * retransmission. A socket ends when a later connection between the same
 * two endpoints begins. A listener is a port seen answering a SYN, listed
 * at every moment of the capture. The records replayed are the
 * aggregation's points (those that may move a state), so per segment this
 * view costs what the time series costs. docs/stats.md, "Host view", has
 * the rules.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_BUILD_DLL
#include <wireshark.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <epan/packet.h>
#include <epan/tap.h>
#include <epan/stat_tap_ui.h>
#include <epan/to_str.h>

#include "tcpstate_compat.h"
#include "tcpstate_core.h"
#include "tcpstate_tap.h"
#include "tcpstate_stats_int.h"

/* Linux's initial retransmission timeout (TCP_TIMEOUT_INIT), seconds: how
 * long a request waits after a SYN-ACK that is not retransmitted. */
#define SYNACK_TIMEOUT_INIT 1.0

/* A TIME given to at= above this is an absolute (epoch) time. */
#define AT_EPOCH_MIN 1e9

/* The states as ss -tan spells them; NULL: not a socket ss lists. */
static const char *const ss_names[TCPST_NUM_STATES] = {
    [TCPST_LISTEN] = "LISTEN",         [TCPST_SYN_SENT] = "SYN-SENT",
    [TCPST_SYN_RECEIVED] = "SYN-RECV", [TCPST_ESTABLISHED] = "ESTAB",
    [TCPST_FIN_WAIT_1] = "FIN-WAIT-1", [TCPST_FIN_WAIT_2] = "FIN-WAIT-2",
    [TCPST_CLOSE_WAIT] = "CLOSE-WAIT", [TCPST_CLOSING] = "CLOSING",
    [TCPST_LAST_ACK] = "LAST-ACK",     [TCPST_TIME_WAIT] = "TIME-WAIT",
};

/* The SYN-ACKs each endpoint of a connection sent, seconds since the first
 * packet; < 0: none. */
struct synacks {
    double first[2], prev[2], last[2];
};

enum h_mode { H_SS, H_HOSTS };

struct inc;

struct hosts {
    enum h_mode mode;
    char *filter;
    address host;               /* ss: the host */
    guint8 host_buf[16];
    char *host_text;
    gboolean have_at;
    enum st_fmt fmt;            /* text, CSV or JSON */
    gboolean durations;         /* hosts: the state durations' block */
    double at;                  /* as given */
    double first_abs;           /* epoch time of the capture's first packet */
    gboolean have_first;
    GArray *synacks;            /* struct synacks, by connection index */
    struct agg agg;
    struct inc *inc;            /* the GUI table's counts; NULL elsewhere */
};

/* One socket of a host at a moment. */
struct sock {
    const address *addr, *paddr;    /* paddr NULL: a listener (*:*) */
    guint16 port, pport;
    guint8 state;
    gboolean assumed;
    double since;               /* when it entered its state; < 0: not known */
};

/* ---- per segment ---------------------------------------------------------- */

static void inc_clear(struct inc *n);

static void hosts_reset(void *arg)
{
    struct hosts *h = (struct hosts *)arg;
    agg_reset(&h->agg);
    g_array_set_size(h->synacks, 0);
    h->have_first = FALSE;
    if (h->inc)
        inc_clear(h->inc);
}

/* One segment into the aggregation and the SYN-ACK times; returns its
 * connection's index, or -1. */
static int feed(struct hosts *h, packet_info *pinfo, const struct tcpstate_tap *t)
{
    struct synacks *sa;
    unsigned r;
    double now;
    int idx;

    if (!agg_valid(&h->agg))
        hosts_reset(h);
    if (!h->have_first) {
        h->first_abs = nstime_to_sec(&pinfo->abs_ts) - nstime_to_sec(&pinfo->rel_ts);
        h->have_first = TRUE;
    }
    idx = agg_packet(&h->agg, pinfo, t);
    if (idx < 0 || (t->flags & (TCPST_SYN | TCPST_ACK)) != (TCPST_SYN | TCPST_ACK))
        return idx;
    while (h->synacks->len <= (guint)idx) {
        struct synacks none = { { -1, -1 }, { -1, -1 }, { -1, -1 } };
        g_array_append_val(h->synacks, none);
    }
    sa = &g_array_index(h->synacks, struct synacks, idx);
    r = t->rec->sender;
    now = nstime_to_sec(&pinfo->rel_ts);
    if (sa->first[r] < 0)
        sa->first[r] = now;
    sa->prev[r] = sa->last[r];
    sa->last[r] = now;
    return idx;
}

static tap_packet_status hosts_packet(void *arg, packet_info *pinfo, epan_dissect_t *edt _U_,
                                      const void *data, tap_flags_t flags _U_)
{
    feed((struct hosts *)arg, pinfo, (const struct tcpstate_tap *)data);
    return TAP_PACKET_REDRAW;
}

/* ---- the sockets at a moment ---------------------------------------------- */

static const struct synacks *conn_synacks(const struct hosts *h, guint idx)
{
    return idx < h->synacks->len ? &g_array_index(h->synacks, struct synacks, idx) : NULL;
}

/* Every endpoint's state at time cut (seconds since the first packet), slot
 * 2 * connection + role: the state after the last stored record of its
 * connection at or before cut, with hindsight; since: when it entered it
 * (< 0 when its connection was picked up in that state). */
static void apply_point(const struct st_point *pt, guint8 state[2], double since[2])
{
    struct tcpst_view v;
    guint i;

    tcpst_view(pt->rec, pt->conn, pt->frame, true, &v);
    for (i = 0; i < 2; i++) {
        gboolean picked_up = v.inferred && state[i] == TCPST_UNKNOWN;
        if (v.latest[i] == state[i])
            continue;
        state[i] = v.latest[i];
        since[i] = picked_up ? -1.0 : pt->t;
    }
}

static void replay(struct agg *a, double cut, guint8 *state, double *since)
{
    guint p;

    for (p = 0; p < a->points->len; p++) {
        const struct st_point *pt = &g_array_index(a->points, struct st_point, p);
        if (pt->t <= cut)
            apply_point(pt, &state[2 * pt->idx], &since[2 * pt->idx]);
    }
}

/* The endpoint's state at cut, once the timers the capture cannot show have
 * run: a TIME_WAIT ends 2*MSL after it began; a request (SYN-RECV of an
 * endpoint that sent no SYN of its own) that the rest of the capture never
 * moves expires when the timer after its last SYN-ACK runs out: twice the
 * gap between its last two SYN-ACKs (Linux doubles the timeout each time),
 * or the initial timeout after a single one. */
static guint8 at_cut_ends(const struct hosts *h, guint idx, unsigned r, guint8 st, double entered, double cut,
                          double *ends)
{
    const struct st_conn *c = &g_array_index(h->agg.conns, struct st_conn, idx);
    const struct synacks *sa = conn_synacks(h, idx);

    *ends = INFINITY;
    if (st == TCPST_TIME_WAIT && entered >= 0) {
        *ends = entered + 2.0 * (double)tcpstate_msl();
        if (cut >= *ends)
            return TCPST_CLOSED;
    }
    if (st == TCPST_SYN_RECEIVED && !(c->sent[r] & ST_SENT_SYN) && sa && sa->last[r] >= 0) {
        struct tcpst_view v;
        double wait = sa->prev[r] >= 0 ? 2.0 * (sa->last[r] - sa->prev[r]) : SYNACK_TIMEOUT_INIT;
        conn_final(c, &v);
        if (v.after[r] == TCPST_SYN_RECEIVED) {
            *ends = sa->last[r] + wait;
            if (cut >= *ends)
                return TCPST_CLOSED;
        }
    }
    return st;
}

static guint8 at_cut(const struct hosts *h, guint idx, unsigned r, guint8 st, double entered, double cut)
{
    double ends;
    return at_cut_ends(h, idx, r, st, entered, cut, &ends);
}

static gint sock_cmp(gconstpointer pa, gconstpointer pb)
{
    const struct sock *a = (const struct sock *)pa, *b = (const struct sock *)pb;
    int d = cmp_address(a->addr, b->addr);

    if (d)
        return d;
    if (a->state != b->state)
        return a->state < b->state ? -1 : 1;
    if (a->port != b->port)
        return a->port < b->port ? -1 : 1;
    if (!a->paddr || !b->paddr)
        return (a->paddr != NULL) - (b->paddr != NULL);
    d = cmp_address(a->paddr, b->paddr);
    if (d)
        return d;
    return a->pport < b->pport ? -1 : a->pport > b->pport;
}

/* The sockets at cut of host (NULL: of every host), sorted by host, state
 * in lifecycle order, local port, peer; one listener per host and port. */
static GArray *sockets_at(struct hosts *h, double cut, const address *host)
{
    struct agg *a = &h->agg;
    guint n = a->conns->len, idx, i, kept = 0;
    guint8 *state = g_new0(guint8, 2 * n + 1);
    double *since = g_new0(double, 2 * n + 1);
    GArray *out = g_array_new(FALSE, FALSE, sizeof(struct sock));

    replay(a, cut, state, since);
    /* a connection ends when the next one between the same two endpoints
     * has begun (a SYN that reuses a TIME_WAIT pair ends it) */
    for (idx = 0; idx < n; idx++) {
        gint32 nx = agg_conn(a, idx)->next_same;
        if (nx >= 0 && (state[2 * nx] != TCPST_UNKNOWN || state[2 * nx + 1] != TCPST_UNKNOWN))
            for (i = 0; i < 2; i++)
                if (state[2 * idx + i] != TCPST_UNKNOWN)
                    state[2 * idx + i] = TCPST_CLOSED;
    }
    for (idx = 0; idx < n; idx++) {
        const struct st_conn *c = agg_conn(a, idx);
        const struct synacks *sa = conn_synacks(h, idx);
        unsigned r;
        for (r = 0; r < 2; r++) {
            guint slot = 2 * idx + r;
            guint8 st;
            if (host && !addresses_equal(host, &c->addr[r]))
                continue;
            st = at_cut(h, idx, r, state[slot], since[slot], cut);
            if (st > TCPST_LISTEN && st < TCPST_NUM_STATES) {
                struct sock s = { &c->addr[r], &c->addr[!r], c->port[r], c->port[!r], st,
                                  !conn_confirmed(c, r), since[slot] };
                g_array_append_val(out, s);
            }
            /* a port seen answering a SYN: a SYN-ACK from an endpoint that
             * sent no SYN of its own (not a simultaneous open); listening
             * from the capture's start to its end, as the capture cannot
             * show since or until when */
            if (sa && sa->first[r] >= 0 && !(c->sent[r] & ST_SENT_SYN)) {
                struct sock s = { &c->addr[r], NULL, c->port[r], 0, TCPST_LISTEN, FALSE, -1.0 };
                g_array_append_val(out, s);
            }
        }
    }
    g_free(state);
    g_free(since);
    g_array_sort(out, sock_cmp);
    for (i = 0; i < out->len; i++) {
        const struct sock *s = &g_array_index(out, struct sock, i);
        const struct sock *prev = kept ? &g_array_index(out, struct sock, kept - 1) : NULL;
        if (s->state == TCPST_LISTEN && prev && prev->state == TCPST_LISTEN && prev->port == s->port &&
            addresses_equal(prev->addr, s->addr))
            continue;
        g_array_index(out, struct sock, kept++) = *s;
    }
    g_array_set_size(out, kept);
    return out;
}

/* ---- -z tcpstate,ss --------------------------------------------------------- */

static const char *const ss_cols[] = { "state", "local", "peer", "in_state" };

static void draw_ss(struct hosts *h)
{
    wmem_allocator_t *tmp = wmem_allocator_new(WMEM_ALLOCATOR_BLOCK);
    double cut = !h->have_at ? h->agg.t_end : h->at > AT_EPOCH_MIN ? h->at - h->first_abs : h->at;
    GArray *socks = sockets_at(h, cut, &h->host);
    struct st_out o;
    guint i;

    if (h->fmt == ST_TEXT) {
        printf("\n" STATS_SEP "\n");
        printf("ss -tan of %s at %.6f (%.6f s into the capture) (%u sockets) (tcpstate,ss)\n", h->host_text,
               h->first_abs + cut, cut, socks->len);
        cli_print_filter(h->filter);
        printf("%-11s %-40s %-40s %s\n", "State", "Local Address:Port", "Peer Address:Port", "In state (s)");
    } else {
        out_begin(&o, h->fmt, ss_cols, G_N_ELEMENTS(ss_cols));
        out_meta(&o, "host", h->host_text, 0);
        out_meta(&o, "at", NULL, h->first_abs + cut);
        out_rows(&o, "sockets");
    }
    for (i = 0; i < socks->len; i++) {
        const struct sock *s = &g_array_index(socks, struct sock, i);
        const char *local = endpoint_str(tmp, s->addr, s->port);
        const char *peer = s->paddr ? endpoint_str(tmp, s->paddr, s->pport) : "*:*";
        if (h->fmt == ST_TEXT) {
            char in_state[32] = "-";
            if (s->since >= 0)
                snprintf(in_state, sizeof in_state, "%.6f", cut - s->since);
            printf("%-11s %-40s %-40s %s\n", ss_names[s->state], local, peer, in_state);
            continue;
        }
        out_row(&o);
        out_str(&o, ss_names[s->state]);
        out_str(&o, local);
        out_str(&o, peer);
        if (s->since >= 0)
            out_num(&o, "%.6f", cut - s->since);
        else
            out_str(&o, NULL);
        out_row_end(&o);
    }
    if (h->fmt == ST_TEXT)
        printf(STATS_SEP "\n");
    else
        out_end(&o);
    g_array_free(socks, TRUE);
    wmem_destroy_allocator(tmp);
}

/* ---- -z tcpstate,hosts ------------------------------------------------------ */

static gint addr_ptr_cmp(gconstpointer pa, gconstpointer pb)
{
    return cmp_address(*(const address *const *)pa, *(const address *const *)pb);
}

static void draw_host_durations(struct hosts *h, wmem_allocator_t *tmp);
static void draw_hosts_rows(struct hosts *h, GArray *socks);

static void draw_hosts(struct hosts *h)
{
    struct agg *a = &h->agg;
    wmem_allocator_t *tmp = wmem_allocator_new(WMEM_ALLOCATOR_BLOCK);
    GArray *socks = sockets_at(h, a->t_end, NULL);
    GPtrArray *addrs;
    guint i, k, s = 0;

    if (h->fmt != ST_TEXT) {
        draw_hosts_rows(h, socks);
        g_array_free(socks, TRUE);
        wmem_destroy_allocator(tmp);
        return;
    }
    addrs = g_ptr_array_new();
    for (i = 0; i < a->conns->len; i++) {
        g_ptr_array_add(addrs, &agg_conn(a, i)->addr[TCPST_CLIENT]);
        g_ptr_array_add(addrs, &agg_conn(a, i)->addr[TCPST_SERVER]);
    }
    g_ptr_array_sort(addrs, addr_ptr_cmp);

    printf("\n" STATS_SEP "\n");
    printf("TCP sockets per host at the end of the capture, as ss -tan lists them (tcpstate,hosts)\n");
    cli_print_filter(h->filter);
    printf("confirmed: the host's endpoint sent a segment other than a SYN without ACK;\n"
           "assumed: it sent nothing or only SYNs (spoofed sources, hosts only seen as destinations)\n");
    for (i = 0; i < addrs->len; i++) {
        const address *host = (const address *)g_ptr_array_index(addrs, i);
        guint64 conf[TCPST_NUM_STATES] = { 0 }, assumed[TCPST_NUM_STATES] = { 0 }, nc = 0, na = 0;
        if (i && addresses_equal(host, (const address *)g_ptr_array_index(addrs, i - 1)))
            continue;
        for (; s < socks->len; s++) {
            const struct sock *so = &g_array_index(socks, struct sock, s);
            if (!addresses_equal(so->addr, host))
                break;
            if (so->assumed) {
                assumed[so->state]++;
                na++;
            } else {
                conf[so->state]++;
                nc++;
            }
        }
        printf("\n%s: %" G_GUINT64_FORMAT " sockets confirmed, %" G_GUINT64_FORMAT " assumed\n",
               address_to_str(tmp, host), nc, na);
        if (nc || na)
            printf("  %-11s %9s %9s\n", "State", "confirmed", "assumed");
        for (k = TCPST_LISTEN; k < TCPST_NUM_STATES; k++)
            if (conf[k] || assumed[k])
                printf("  %-11s %9" G_GUINT64_FORMAT " %9" G_GUINT64_FORMAT "\n", ss_names[k], conf[k],
                       assumed[k]);
    }
    if (h->durations)
        draw_host_durations(h, tmp);
    printf(STATS_SEP "\n");
    g_ptr_array_free(addrs, TRUE);
    g_array_free(socks, TRUE);
    wmem_destroy_allocator(tmp);
}

/* ---- -z tcpstate,hosts,durations ------------------------------------------ */

/* One endpoint's time in one state. */
struct dur_entry {
    const address *host;
    guint8 k;                   /* index in st_dur_states */
    gboolean partial;
    double d;
};

static gint dur_entry_cmp(gconstpointer pa, gconstpointer pb)
{
    const struct dur_entry *a = (const struct dur_entry *)pa, *b = (const struct dur_entry *)pb;
    int c = cmp_address(a->host, b->host);

    if (c)
        return c;
    if (a->k != b->k)
        return a->k < b->k ? -1 : 1;
    return a->d < b->d ? -1 : a->d > b->d;
}

/* The nearest-rank percentile p of n sorted values. */
static double nearest_rank(const struct dur_entry *v, guint n, double p)
{
    guint rank = (guint)ceil(p * (double)n);
    return v[rank ? rank - 1 : 0].d;
}

/* One host's sockets in one state at the end, and the times its endpoints
 * spent in that state. */
struct host_row {
    const address *host;
    guint8 state;
    guint64 confirmed, assumed;
    guint dcount, drunning;     /* endpoints that were in the state; of those, lower bounds */
    double p50, p90, p99, max;
};

static gint host_row_cmp(gconstpointer pa, gconstpointer pb)
{
    const struct host_row *a = (const struct host_row *)pa, *b = (const struct host_row *)pb;
    int c = cmp_address(a->host, b->host);

    return c ? c : (a->state > b->state) - (a->state < b->state);
}

/* Per host and state, over the endpoints that were in it: how many, how many
 * of those durations are lower bounds, nearest-rank p50/p90/p99 and max;
 * appended to rows. */
static void host_durations(struct hosts *h, GArray *rows)
{
    struct agg *a = &h->agg;
    struct st_dur *dur = agg_durations(a);
    GArray *e = g_array_new(FALSE, FALSE, sizeof(struct dur_entry));
    guint i, j, r, k;

    for (i = 0; i < a->conns->len; i++)
        for (r = 0; r < 2; r++)
            for (k = 0; k < ST_DUR_N; k++)
                if (dur[i].d[r][k] >= 0) {
                    struct dur_entry ne = { &agg_conn(a, i)->addr[r], (guint8)k, dur[i].partial[r][k],
                                            dur[i].d[r][k] };
                    g_array_append_val(e, ne);
                }
    g_array_sort(e, dur_entry_cmp);
    for (i = 0; i < e->len; i = j) {
        const struct dur_entry *f = &g_array_index(e, struct dur_entry, i);
        struct host_row hr = { f->host, st_dur_states[f->k], 0, 0, 0, 0, 0, 0, 0, 0 };
        for (j = i; j < e->len; j++) {
            const struct dur_entry *x = &g_array_index(e, struct dur_entry, j);
            if (x->k != f->k || !addresses_equal(x->host, f->host))
                break;
            hr.drunning += x->partial;
        }
        hr.dcount = j - i;
        hr.p50 = nearest_rank(f, hr.dcount, 0.50);
        hr.p90 = nearest_rank(f, hr.dcount, 0.90);
        hr.p99 = nearest_rank(f, hr.dcount, 0.99);
        hr.max = g_array_index(e, struct dur_entry, j - 1).d;
        g_array_append_val(rows, hr);
    }
    g_array_free(e, TRUE);
    g_free(dur);
}

static void draw_host_durations(struct hosts *h, wmem_allocator_t *tmp)
{
    GArray *rows = g_array_new(FALSE, FALSE, sizeof(struct host_row));
    guint i;

    host_durations(h, rows);
    printf("\nState durations per host, seconds (count: endpoints that were in the state; running: of those,\n"
           "still in it at the end of the capture or from its start, a lower bound; nearest-rank percentiles)\n");
    printf("%-39s %-10s %6s %7s %10s %10s %10s %10s\n", "host", "state", "count", "running", "p50", "p90",
           "p99", "max");
    for (i = 0; i < rows->len; i++) {
        const struct host_row *hr = &g_array_index(rows, struct host_row, i);
        printf("%-39s %-10s %6u %7u %10.6f %10.6f %10.6f %10.6f\n", address_to_str(tmp, hr->host),
               ss_names[hr->state], hr->dcount, hr->drunning, hr->p50, hr->p90, hr->p99, hr->max);
    }
    g_array_free(rows, TRUE);
}

/* hosts as CSV or JSON: a row per host and state with sockets at the end or
 * durations (or both), the durations' cells empty (null) without any. */
static const char *const hosts_cols[] = { "host", "state", "confirmed", "assumed", "durations", "running",
                                          "p50_s", "p90_s", "p99_s", "max_s" };

static void draw_hosts_rows(struct hosts *h, GArray *socks)
{
    wmem_allocator_t *tmp = wmem_allocator_new(WMEM_ALLOCATOR_BLOCK);
    GArray *rows = g_array_new(FALSE, TRUE, sizeof(struct host_row));
    struct st_out o;
    guint i, kept = 0;

    for (i = 0; i < socks->len; i++) {
        const struct sock *so = &g_array_index(socks, struct sock, i);
        struct host_row hr;
        memset(&hr, 0, sizeof hr);
        hr.host = so->addr;
        hr.state = so->state;
        hr.confirmed = !so->assumed;
        hr.assumed = so->assumed;
        g_array_append_val(rows, hr);
    }
    host_durations(h, rows);
    g_array_sort(rows, host_row_cmp);
    /* one row per host and state: add up the sockets, take the durations */
    for (i = 0; i < rows->len; i++) {
        struct host_row *hr = &g_array_index(rows, struct host_row, i);
        struct host_row *prev = kept ? &g_array_index(rows, struct host_row, kept - 1) : NULL;
        if (prev && prev->state == hr->state && addresses_equal(prev->host, hr->host)) {
            prev->confirmed += hr->confirmed;
            prev->assumed += hr->assumed;
            if (hr->dcount) {
                guint64 c = prev->confirmed, as = prev->assumed;
                *prev = *hr;
                prev->confirmed = c;
                prev->assumed = as;
            }
            continue;
        }
        g_array_index(rows, struct host_row, kept++) = *hr;
    }
    g_array_set_size(rows, kept);

    out_begin(&o, h->fmt, hosts_cols, G_N_ELEMENTS(hosts_cols));
    out_meta(&o, "view", "tcpstate,hosts", 0);
    out_meta(&o, "filter", h->filter ? h->filter : "", 0);
    out_rows(&o, "rows");
    for (i = 0; i < rows->len; i++) {
        const struct host_row *hr = &g_array_index(rows, struct host_row, i);
        out_row(&o);
        out_str(&o, address_to_str(tmp, hr->host));
        out_str(&o, ss_names[hr->state]);
        out_u64(&o, hr->confirmed);
        out_u64(&o, hr->assumed);
        out_u64(&o, hr->dcount);
        out_u64(&o, hr->drunning);
        if (hr->dcount) {
            out_num(&o, "%.6f", hr->p50);
            out_num(&o, "%.6f", hr->p90);
            out_num(&o, "%.6f", hr->p99);
            out_num(&o, "%.6f", hr->max);
        } else {
            out_str(&o, NULL);
            out_str(&o, NULL);
            out_str(&o, NULL);
            out_str(&o, NULL);
        }
        out_row_end(&o);
    }
    out_end(&o);
    g_array_free(rows, TRUE);
    wmem_destroy_allocator(tmp);
}

/* ---- the -z forms ------------------------------------------------------------ */

static void hosts_draw(void *arg)
{
    struct hosts *h = (struct hosts *)arg;

    if (!agg_valid(&h->agg))
        hosts_reset(h);
    if (h->mode == H_SS)
        draw_ss(h);
    else
        draw_hosts(h);
}

static void hosts_finish(void *arg)
{
    struct hosts *h = (struct hosts *)arg;

    agg_free(&h->agg);
    g_array_free(h->synacks, TRUE);
    g_free(h->filter);
    g_free(h->host_text);
    g_free(h);
}

#define SS_USAGE "want tcpstate,ss,<host address>[,at=<seconds, or epoch time>][,csv|json][,filter]"

/* ss: the host, then at= and json in any order; the rest is the filter. */
static const char *parse_ss(struct hosts *h, const char *opt, const char *rest)
{
    const char *comma = rest ? strchr(rest, ',') : NULL;

    h->host_text = rest ? g_strndup(rest, comma ? (gsize)(comma - rest) : strlen(rest)) : NULL;
    if (!opt_address(h->host_text, &h->host, h->host_buf))
        cli_fail(opt, SS_USAGE);
    for (rest = comma ? comma + 1 : NULL; rest && *rest; rest = comma ? comma + 1 : NULL) {
        gsize len;
        comma = strchr(rest, ',');
        len = comma ? (gsize)(comma - rest) : strlen(rest);
        if (opt_take_fmt(&rest, &h->fmt)) {
            comma = rest ? rest - 1 : NULL;
        } else if (strncmp(rest, "at=", 3) == 0) {
            char *arg = g_strndup(rest + 3, len - 3), *end = NULL;
            h->at = g_ascii_strtod(arg, &end);
            h->have_at = TRUE;
            if (end == arg || *end || !(h->at >= 0))
                cli_fail(opt, SS_USAGE);
            g_free(arg);
        } else {
            break;
        }
    }
    return rest && *rest ? rest : NULL;
}

void hosts_start(const char *opt, gboolean ss, const char *prefix)
{
    struct hosts *h = g_new0(struct hosts, 1);
    const char *rest = cli_after_prefix(opt, prefix);
    GString *err;

    h->mode = ss ? H_SS : H_HOSTS;
    if (ss)
        rest = parse_ss(h, opt, rest);
    while (!ss) {
        if (opt_take(&rest, "durations"))
            h->durations = TRUE;
        else if (!opt_take_fmt(&rest, &h->fmt))
            break;
    }
    h->filter = rest ? g_strdup(rest) : NULL;
    h->synacks = g_array_new(FALSE, FALSE, sizeof(struct synacks));
    agg_init(&h->agg, TRUE);
    err = register_tap_listener("tcpstate", h, h->filter, TL_REQUIRES_NOTHING, hosts_reset, hosts_packet,
                                hosts_draw, hosts_finish);
    if (err)
        cli_fail(opt, err->str);
}

/* ---- for the GUI's Hosts table (tcpstate_stats_gui.c) ---------------------
 *
 * The table keeps a struct hosts of its own, fed as hosts_packet does, and
 * the rows of -z tcpstate,hosts at the end of what was fed, counted as
 * sockets_at counts them at that end, but kept up to date per segment (a
 * table gets no call at the end of a pass): a segment recounts its own
 * connection (replaying that connection's points), and a queue of timers
 * recounts a connection whose TIME_WAIT or request runs out as the end
 * moves. */

/* What one endpoint slot (2 * connection + role) counts in. */
struct inc_slot {
    gint32 state;               /* the state its socket counts in, -1: none */
    gboolean assumed;
    char *listens;              /* the listener it is ("host port"), or NULL */
};

struct inc_timer {
    double t;
    guint idx;
    guint32 gen;
};

struct inc {
    GArray *slots;              /* struct inc_slot */
    GArray *first, *last;       /* gint32 per connection: its first and last point */
    GArray *next;               /* gint32 per point: the next point of its connection */
    GArray *gen;                /* guint32 per connection: its timers' generation */
    guint points_seen;
    GSequence *timers;          /* struct inc_timer, by time */
    GHashTable *listeners;      /* "host port" -> slots that are that listener */
    GArray *rows;               /* struct hosts_row, by host then state */
    guint dirty_lo, dirty_hi;   /* rows changed since hosts_table_rows */
};

static struct inc *inc_new(void)
{
    struct inc *n = g_new0(struct inc, 1);

    n->slots = g_array_new(FALSE, FALSE, sizeof(struct inc_slot));
    n->first = g_array_new(FALSE, FALSE, sizeof(gint32));
    n->last = g_array_new(FALSE, FALSE, sizeof(gint32));
    n->next = g_array_new(FALSE, FALSE, sizeof(gint32));
    n->gen = g_array_new(FALSE, TRUE, sizeof(guint32));
    n->timers = g_sequence_new(g_free);
    n->listeners = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    n->rows = g_array_new(FALSE, FALSE, sizeof(struct hosts_row));
    return n;
}

static void inc_clear(struct inc *n)
{
    guint i;

    for (i = 0; i < n->slots->len; i++)
        g_free(g_array_index(n->slots, struct inc_slot, i).listens);
    g_array_set_size(n->slots, 0);
    g_array_set_size(n->first, 0);
    g_array_set_size(n->last, 0);
    g_array_set_size(n->next, 0);
    g_array_set_size(n->gen, 0);
    n->points_seen = 0;
    g_sequence_remove_range(g_sequence_get_begin_iter(n->timers), g_sequence_get_end_iter(n->timers));
    g_hash_table_remove_all(n->listeners);
    n->dirty_lo = 0;
    n->dirty_hi = n->rows->len;
    g_array_set_size(n->rows, 0);
}

static gint row_cmp(const address *host, guint8 state, const struct hosts_row *r)
{
    int d = cmp_address(host, &r->host);
    return d ? d : state < r->state ? -1 : state > r->state;
}

static void mark(struct inc *n, guint lo, guint hi)
{
    if (n->dirty_lo >= n->dirty_hi) {
        n->dirty_lo = lo;
        n->dirty_hi = hi;
        return;
    }
    n->dirty_lo = MIN(n->dirty_lo, lo);
    n->dirty_hi = MAX(n->dirty_hi, hi);
}

/* Adds d (+1/-1) to the row of host and state, made or removed as needed. */
static void count(struct inc *n, const address *host, guint8 state, gboolean assumed, int d)
{
    guint lo = 0, hi = n->rows->len;
    struct hosts_row *r;

    while (lo < hi) {
        guint mid = (lo + hi) / 2;
        if (row_cmp(host, state, &g_array_index(n->rows, struct hosts_row, mid)) > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == n->rows->len || row_cmp(host, state, &g_array_index(n->rows, struct hosts_row, lo)) != 0) {
        struct hosts_row nr = { *host, state, ss_names[state], 0, 0 };   /* data: in the agg's pool */
        if (d < 0)
            return;
        g_array_insert_val(n->rows, lo, nr);
        mark(n, lo, n->rows->len);
    }
    r = &g_array_index(n->rows, struct hosts_row, lo);
    if (assumed)
        r->assumed += d;
    else
        r->confirmed += d;
    mark(n, lo, lo + 1);
    if (!r->assumed && !r->confirmed) {
        g_array_remove_index(n->rows, lo);
        mark(n, lo, n->rows->len + 1);
    }
}

static gint timer_cmp(gconstpointer pa, gconstpointer pb, gpointer unused _U_)
{
    const struct inc_timer *a = (const struct inc_timer *)pa, *b = (const struct inc_timer *)pb;
    return a->t < b->t ? -1 : a->t > b->t;
}

static gint32 *i32(GArray *a, guint i)
{
    return &g_array_index(a, gint32, i);
}

/* Connection idx counted again, as sockets_at counts it at the end. */
static void recount(struct hosts *h, guint idx)
{
    struct inc *n = h->inc;
    struct agg *a = &h->agg;
    const struct st_conn *c = agg_conn(a, idx);
    const struct synacks *sa = conn_synacks(h, idx);
    guint8 st[2] = { TCPST_UNKNOWN, TCPST_UNKNOWN };
    double since[2] = { 0, 0 };
    guint32 gen = ++g_array_index(n->gen, guint32, idx);
    gint32 p;
    unsigned r;

    for (p = *i32(n->first, idx); p >= 0; p = *i32(n->next, (guint)p))
        apply_point(&g_array_index(a->points, struct st_point, p), st, since);
    for (r = 0; r < 2; r++) {
        struct inc_slot *s = &g_array_index(n->slots, struct inc_slot, 2 * idx + r);
        double ends;
        guint8 now;
        gboolean listens;

        if (c->next_same >= 0 && st[r] != TCPST_UNKNOWN)   /* the next one on its pair has begun */
            st[r] = TCPST_CLOSED;
        now = at_cut_ends(h, idx, r, st[r], since[r], a->t_end, &ends);
        if (s->state >= 0)
            count(n, &c->addr[r], (guint8)s->state, s->assumed, -1);
        s->state = -1;
        if (now > TCPST_LISTEN && now < TCPST_NUM_STATES) {
            s->state = now;
            s->assumed = !conn_confirmed(c, r);
            count(n, &c->addr[r], now, s->assumed, +1);
        }
        if (isfinite(ends) && ends > a->t_end) {
            struct inc_timer *t = g_new(struct inc_timer, 1);
            t->t = ends;
            t->idx = idx;
            t->gen = gen;
            g_sequence_insert_sorted(n->timers, t, timer_cmp, NULL);
        }
        /* a listener: counted once per host and port, however many of its
         * connections show it; a slot's host and port never change, so
         * only a change of whether it listens moves the count */
        listens = sa && sa->first[r] >= 0 && !(c->sent[r] & ST_SENT_SYN);
        if (listens && !s->listens) {
            char *host = address_to_str(NULL, &c->addr[r]);
            guint k;
            s->listens = g_strdup_printf("%s %u", host, c->port[r]);
            wmem_free(NULL, host);
            k = GPOINTER_TO_UINT(g_hash_table_lookup(n->listeners, s->listens));
            if (!k)
                count(n, &c->addr[r], TCPST_LISTEN, FALSE, +1);
            g_hash_table_insert(n->listeners, g_strdup(s->listens), GUINT_TO_POINTER(k + 1));
        } else if (!listens && s->listens) {
            guint k = GPOINTER_TO_UINT(g_hash_table_lookup(n->listeners, s->listens));
            if (k <= 1) {
                g_hash_table_remove(n->listeners, s->listens);
                count(n, &c->addr[r], TCPST_LISTEN, FALSE, -1);
            } else {
                g_hash_table_insert(n->listeners, g_strdup(s->listens), GUINT_TO_POINTER(k - 1));
            }
            g_free(s->listens);
            s->listens = NULL;
        }
    }
}

struct hosts *hosts_table_new(void)
{
    struct hosts *h = g_new0(struct hosts, 1);

    h->mode = H_HOSTS;
    h->synacks = g_array_new(FALSE, FALSE, sizeof(struct synacks));
    agg_init(&h->agg, TRUE);
    h->inc = inc_new();
    return h;
}

void hosts_table_reset(struct hosts *h)
{
    hosts_reset(h);
}

void hosts_table_packet(struct hosts *h, packet_info *pinfo, const void *data)
{
    struct inc *n = h->inc;
    struct agg *a = &h->agg;
    int idx;
    GSequenceIter *it;

    idx = feed(h, pinfo, (const struct tcpstate_tap *)data);   /* a new file: reset first, inc too */
    while (n->first->len < a->conns->len) {
        gint32 none = -1;
        struct inc_slot s = { -1, FALSE, NULL };
        guint32 zero = 0;
        g_array_append_val(n->first, none);
        g_array_append_val(n->last, none);
        g_array_append_val(n->gen, zero);
        g_array_append_val(n->slots, s);
        g_array_append_val(n->slots, s);
    }
    /* new points joined to their connection's list; a connection's first
     * point ends the earlier one on its pair */
    for (; n->points_seen < a->points->len; n->points_seen++) {
        const struct st_point *pt = &g_array_index(a->points, struct st_point, n->points_seen);
        gint32 none = -1, here = (gint32)n->points_seen;
        const struct st_conn *c = agg_conn(a, pt->idx);
        g_array_append_val(n->next, none);
        if (*i32(n->last, pt->idx) >= 0) {
            *i32(n->next, (guint)*i32(n->last, pt->idx)) = here;
        } else {
            *i32(n->first, pt->idx) = here;
            if (c->prev_same >= 0)
                recount(h, (guint)c->prev_same);
        }
        *i32(n->last, pt->idx) = here;
    }
    if (idx >= 0)
        recount(h, (guint)idx);
    /* the timers the end has passed */
    while (!g_sequence_is_empty(n->timers)) {
        struct inc_timer *t;
        it = g_sequence_get_begin_iter(n->timers);
        t = (struct inc_timer *)g_sequence_get(it);
        if (t->t > a->t_end)
            break;
        if (t->gen == g_array_index(n->gen, guint32, t->idx))
            recount(h, t->idx);
        g_sequence_remove(it);
    }
}

/* The rows of -z tcpstate,hosts at the end of what was fed: by host, then
 * state in lifecycle order; a host without a socket has none. [*lo, *hi):
 * the rows changed since the last call (a row past the end: removed). */
GArray *hosts_table_rows(struct hosts *h, guint *lo, guint *hi)
{
    struct inc *n = h->inc;

    *lo = n->dirty_lo;
    *hi = MIN(n->dirty_hi, n->rows->len);
    n->dirty_lo = n->dirty_hi = 0;
    return n->rows;
}
