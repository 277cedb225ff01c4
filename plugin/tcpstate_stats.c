/* tcpstate_stats.c - the aggregation of the "tcpstate" tap that every
 * statistic reads, and their registration.
 *
 * The views: tshark's -z tcpstate,sum|conv|ts (tcpstate_stats_cli.c), the
 * ladder (tcpstate_ladder.c), the GUI's summary tree and tables
 * (tcpstate_stats_gui.c); docs/stats.md describes them.
 *
 * All of them feed one aggregation (struct agg). Per packet it does a hash
 * lookup and a few counter updates; what needs hindsight (the final view of
 * each connection) is computed when drawing, from the stored records, which
 * live until the capture file is closed.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_BUILD_DLL
#include <wireshark.h>
#include <string.h>
#include <math.h>
#include <epan/packet.h>
#include <epan/to_str.h>
#include <epan/address_types.h>

#include "tcpstate_core.h"
#include "tcpstate_tap.h"
#include "tcpstate_stats.h"
#include "tcpstate_stats_int.h"

/* ---- anomalies: the event bits of the records --------------------------- */

const struct stats_event stats_events[N_EVENTS] = {
#define TCPST_X_ROW(name, tag, label, expert, group, severity, text) { TCPST_EV_##name, tag, label },
    TCPST_EVENTS(TCPST_X_ROW)
#undef TCPST_X_ROW
};

/* A refused connection's RST also carries TCPST_EV_RESET: count it once. */
guint32 conn_events(guint32 ev)
{
    if (ev & TCPST_EV_REFUSED)
        ev &= ~TCPST_EV_RESET;
    return ev;
}

/* ---- the aggregation shared by every output ----------------------------- */

/* Records live in file scope: a new file makes stored pointers stale. */
static guint file_generation;

static void stats_file_closed(void)
{
    file_generation++;
}

void agg_init(struct agg *a, gboolean keep_points)
{
    memset(a, 0, sizeof *a);
    a->pool = wmem_allocator_new(WMEM_ALLOCATOR_BLOCK);
    a->by_conn = g_hash_table_new(g_direct_hash, g_direct_equal);
    a->by_pair = g_hash_table_new(g_str_hash, g_str_equal);
    a->conns = g_array_new(FALSE, TRUE, sizeof(struct st_conn));
    a->points = g_array_new(FALSE, FALSE, sizeof(struct st_point));
    a->keep_points = keep_points;
    a->generation = file_generation;
}

void agg_reset(struct agg *a)
{
    gboolean keep = a->keep_points;

    wmem_destroy_allocator(a->pool);
    g_hash_table_destroy(a->by_conn);
    g_hash_table_destroy(a->by_pair);
    g_array_free(a->conns, TRUE);
    g_array_free(a->points, TRUE);
    agg_init(a, keep);
}

void agg_free(struct agg *a)
{
    wmem_destroy_allocator(a->pool);
    g_hash_table_destroy(a->by_conn);
    g_hash_table_destroy(a->by_pair);
    g_array_free(a->conns, TRUE);
    g_array_free(a->points, TRUE);
}

gboolean agg_valid(const struct agg *a)
{
    return a->generation == file_generation;
}

/* The two endpoints of a new connection as a key, the same both ways. */
static char *pair_key(wmem_allocator_t *pool, const struct tcpstate_tap *t)
{
    int d = cmp_address(&t->src, &t->dst);
    gboolean src_first = d < 0 || (d == 0 && t->sport <= t->dport);
    const address *a = src_first ? &t->src : &t->dst, *b = src_first ? &t->dst : &t->src;

    return wmem_strdup_printf(pool, "%s %u %s %u", address_to_str(pool, a), src_first ? t->sport : t->dport,
                              address_to_str(pool, b), src_first ? t->dport : t->sport);
}

/* One tapped segment, viewed with hindsight on a later pass. Returns the
 * connection's index, or -1 for a segment of no connection. */
int agg_packet(struct agg *a, const packet_info *pinfo, const struct tcpstate_tap *t)
{
    const struct tcpst_rec *r = t->rec;
    double now = nstime_to_sec(&pinfo->rel_ts);
    struct tcpst_view v;
    struct st_conn *c;
    gpointer found;
    guint idx, i;
    gboolean is_new = FALSE;

    if (!agg_valid(a))
        agg_reset(a);
    a->segs++;
    if (now > a->t_end)
        a->t_end = now;
    a->phase_segs[r->phase < TCPST_NUM_PHASES ? r->phase : 0]++;
    for (i = 0; i < N_EVENTS; i++)
        if (r->events & stats_events[i].bit)
            a->event_segs[i]++;
    if (!t->conn || (r->flags & TCPST_R_UNKNOWN) || r->sender > TCPST_SERVER)
        return -1;

    found = g_hash_table_lookup(a->by_conn, t->conn);
    if (found) {
        idx = GPOINTER_TO_UINT(found) - 1;
    } else {
        struct st_conn nc;
        char *key = pair_key(a->pool, t);
        gpointer prev = g_hash_table_lookup(a->by_pair, key);
        memset(&nc, 0, sizeof nc);
        nc.prev_same = prev ? (gint32)GPOINTER_TO_UINT(prev) - 1 : -1;
        nc.next_same = -1;
        nc.conn = t->conn;
        nc.stream = t->stream;
        nc.t_first = now;
        nc.t_syn = nc.t_hs = -1.0;
        nc.rst_sender = TCPST_ROLE_UNKNOWN;
        idx = a->conns->len;
        g_array_append_val(a->conns, nc);
        if (nc.prev_same >= 0)
            agg_conn(a, (guint)nc.prev_same)->next_same = (gint32)idx;
        g_hash_table_insert(a->by_conn, (gpointer)t->conn, GUINT_TO_POINTER(idx + 1));
        g_hash_table_insert(a->by_pair, key, GUINT_TO_POINTER(idx + 1));
        is_new = TRUE;
    }
    c = agg_conn(a, idx);
    if (c->stream == TCPSTATE_NO_STREAM)    /* its first segments had a truncated header */
        c->stream = t->stream;
    if (!c->have_roles) {
        unsigned s = r->sender;
        copy_address_wmem(a->pool, &c->addr[s], &t->src);
        copy_address_wmem(a->pool, &c->addr[!s], &t->dst);
        c->port[s] = t->sport;
        c->port[!s] = t->dport;
        c->have_roles = TRUE;
    }
    /* with hindsight only once the capture is known: on the first pass it
     * would replay the connection again for every segment */
    tcpst_view(r, t->conn, t->frame, !t->first_pass, &v);
    for (i = 0; i < 2; i++) {
        if (is_new) {
            a->cur_counts[v.latest[i]]++;
        } else if (c->cur[i] != v.latest[i]) {
            a->cur_counts[c->cur[i]]--;
            a->cur_counts[v.latest[i]]++;
        }
        c->cur[i] = v.latest[i];
    }
    c->last = r;
    c->last_frame = t->frame;
    c->segs++;
    c->t_last = now;
    c->events |= r->events;
    if (r->phase == TCPST_PH_HANDSHAKE && r->step == 1 && c->t_syn < 0)
        c->t_syn = now;
    if (r->phase == TCPST_PH_HANDSHAKE && r->step == 3 && c->t_hs < 0)
        c->t_hs = now;
    if ((t->flags & (TCPST_SYN | TCPST_ACK | TCPST_RST | TCPST_FIN)) == TCPST_SYN)
        c->sent[r->sender] |= ST_SENT_SYN;
    else if (t->flags)
        c->sent[r->sender] |= ST_SENT_OTHER;
    if ((r->events & TCPST_EV_RESET) && c->rst_sender == TCPST_ROLE_UNKNOWN)
        c->rst_sender = r->sender;

    /* The time series keeps every segment: once the capture is known, each
     * endpoint's states follow its own order (tcpst_view.order), and any
     * segment may then move them. */
    if (a->keep_points) {
        struct st_point p = { now, idx, t->frame, r, t->conn };
        g_array_append_val(a->points, p);
    }
    return (int)idx;
}

/* ---- a connection's row (conv, the Connections table) ------------------- */

void conn_final(const struct st_conn *c, struct tcpst_view *v)
{
    tcpst_view(c->last, c->conn, c->last_frame, true, v);
    memcpy(v->after, v->latest, sizeof v->after);  /* each endpoint's last state in its own order */
}

/* Who sent the first FIN, else the first RST: "client", "server" or "-". */
static const char *closed_first(const struct st_conn *c)
{
    unsigned r = tcpst_first_closer(c->conn);
    if (r > TCPST_SERVER)
        r = c->rst_sender;
    return r <= TCPST_SERVER ? tcpst_role_name(r) : "-";
}

char *endpoint_str(wmem_allocator_t *scope, const address *a, guint16 port)
{
    char *s = address_to_str(scope, a);
    if (a->type == AT_IPv6)
        return wmem_strdup_printf(scope, "[%s]:%u", s, port);
    return wmem_strdup_printf(scope, "%s:%u", s, port);
}

static char *anomaly_list(wmem_allocator_t *scope, guint32 ev)
{
    wmem_strbuf_t *b = wmem_strbuf_new(scope, "");
    guint i;

    ev = conn_events(ev);
    for (i = 0; i < N_EVENTS; i++)
        if (ev & stats_events[i].bit) {
            if (wmem_strbuf_get_len(b))
                wmem_strbuf_append_c(b, ',');
            wmem_strbuf_append(b, stats_events[i].tag);
        }
    if (!wmem_strbuf_get_len(b))
        wmem_strbuf_append_c(b, '-');
    return wmem_strbuf_finalize(b);
}

void conv_row(wmem_allocator_t *scope, const struct st_conn *c, struct conv_row *r)
{
    struct tcpst_view v;

    conn_final(c, &v);
    r->stream = c->stream;
    r->client = endpoint_str(scope, &c->addr[TCPST_CLIENT], c->port[TCPST_CLIENT]);
    r->server = endpoint_str(scope, &c->addr[TCPST_SERVER], c->port[TCPST_SERVER]);
    r->client_state = tcpst_state_name(v.after[TCPST_CLIENT]);
    r->server_state = tcpst_state_name(v.after[TCPST_SERVER]);
    {
        const char *h;
        unsigned len;
        uint8_t z;

        tcpst_zeek_conn(c->conn, 0, &z, &h, &len); /* the Zeek connection that began with it */
        r->conn_state = tcpst_zeek_name(z);
        r->history = wmem_strndup(scope, h, len);
    }
    r->closer = closed_first(c);
    if (c->t_syn >= 0 && c->t_hs >= c->t_syn)
        r->rtt_ms = wmem_strdup_printf(scope, "%.3f", (c->t_hs - c->t_syn) * 1000.0);
    else
        r->rtt_ms = "-";
    r->duration_s = c->t_last - c->t_first;
    r->anomalies = anomaly_list(scope, c->events | v.events);
}

/* ---- the endpoint census over time (ts, the Counts per Second table) ----- */

/* An endpoint that entered TIME_WAIT, leaving it after 2*MSL. */
struct tw_entry {
    double until;
    guint32 idx;
    guint8 role;
    guint32 gen;
};

void ts_run_init(struct ts_run *r)
{
    memset(r, 0, sizeof *r);
    r->two_msl = 2.0 * (double)tcpstate_msl();
    r->cur = g_array_new(FALSE, TRUE, sizeof(guint8));
    r->twgen = g_array_new(FALSE, TRUE, sizeof(guint32));
    g_queue_init(&r->tw);
}

void ts_run_free(struct ts_run *r)
{
    g_array_free(r->cur, TRUE);
    g_array_free(r->twgen, TRUE);
    g_queue_clear_full(&r->tw, g_free);
}

void ts_run_expire(struct ts_run *r, double cut)
{
    struct tw_entry *e;

    while ((e = (struct tw_entry *)g_queue_peek_head(&r->tw)) != NULL && e->until <= cut) {
        guint slot = 2 * e->idx + e->role;
        guint8 *cur = &g_array_index(r->cur, guint8, slot);
        g_queue_pop_head(&r->tw);
        if (g_array_index(r->twgen, guint32, slot) == e->gen && *cur == TCPST_TIME_WAIT) {
            r->counts[TCPST_TIME_WAIT]--;
            r->counts[TCPST_CLOSED]++;
            *cur = TCPST_CLOSED;
        }
        g_free(e);
    }
}

double ts_run_next_expiry(const struct ts_run *r)
{
    const struct tw_entry *e = (const struct tw_entry *)g_queue_peek_head((GQueue *)&r->tw);
    return e ? e->until : INFINITY;
}

/* Both endpoints of connection idx become CLOSED (when a later connection
 * between the same endpoints begins: a host has one socket per pair). */
static void ts_run_end(struct ts_run *r, guint idx)
{
    guint i;

    for (i = 0; i < 2 && 2 * idx + i < r->cur->len; i++) {
        guint8 *cur = &g_array_index(r->cur, guint8, 2 * idx + i);
        if (*cur == TCPST_UNKNOWN || *cur == TCPST_CLOSED)
            continue;
        r->counts[*cur]--;
        r->counts[TCPST_CLOSED]++;
        *cur = TCPST_CLOSED;
    }
}

void ts_run_apply(struct ts_run *r, const struct agg *a, const struct st_point *pt)
{
    const struct st_conn *c = &g_array_index(a->conns, struct st_conn, pt->idx);
    struct tcpst_view v;
    guint i;

    ts_run_expire(r, pt->t);
    if (r->cur->len < 2 * pt->idx + 2) {
        g_array_set_size(r->cur, 2 * pt->idx + 2);
        g_array_set_size(r->twgen, 2 * pt->idx + 2);
    }
    if (c->prev_same >= 0 && g_array_index(r->cur, guint8, 2 * pt->idx) == TCPST_UNKNOWN &&
        g_array_index(r->cur, guint8, 2 * pt->idx + 1) == TCPST_UNKNOWN)
        ts_run_end(r, (guint)c->prev_same);
    tcpst_view(pt->rec, pt->conn, pt->frame, true, &v);
    for (i = 0; i < 2; i++) {
        guint slot = 2 * pt->idx + i;
        guint8 *cur = &g_array_index(r->cur, guint8, slot);
        guint8 now = v.latest[i];
        if (*cur == now)
            continue;
        if (*cur)
            r->counts[*cur]--;
        r->counts[now]++;
        *cur = now;
        if (now == TCPST_TIME_WAIT) {
            struct tw_entry *ne = g_new(struct tw_entry, 1);
            ne->until = pt->t + r->two_msl;
            ne->idx = pt->idx;
            ne->role = (guint8)i;
            ne->gen = ++g_array_index(r->twgen, guint32, slot);
            g_queue_push_tail(&r->tw, ne);
        }
    }
}

/* ---- state durations (conv, hosts) ---------------------------------------- */

const guint8 st_dur_states[ST_DUR_N] = { TCPST_SYN_RECEIVED, TCPST_FIN_WAIT_2, TCPST_CLOSE_WAIT,
                                         TCPST_TIME_WAIT };

static int dur_slot(guint8 st)
{
    int k;
    for (k = 0; k < ST_DUR_N; k++)
        if (st_dur_states[k] == st)
            return k;
    return -1;
}

/* Per connection while replaying: each endpoint's state, since when, and
 * whether it was picked up in that state (begun before the capture). */
struct dur_track {
    guint8 cur[2];
    double since[2];
    gboolean picked[2];
    double td_start;
};

static void dur_leave(struct st_dur *d, const struct dur_track *tr, unsigned r, double t, gboolean running)
{
    int k = dur_slot(tr->cur[r]);

    if (k < 0)
        return;
    if (d->d[r][k] < 0)
        d->d[r][k] = 0;
    d->d[r][k] += t - tr->since[r];
    if (running || tr->picked[r])
        d->partial[r][k] = TRUE;
}

static gboolean dur_closed(guint8 st)
{
    return st == TCPST_CLOSED || st == TCPST_TIME_WAIT;
}

struct st_dur *agg_durations(const struct agg *a)
{
    guint n = a->conns->len, p, i;
    struct st_dur *out = g_new0(struct st_dur, n + 1);
    struct dur_track *tr = g_new0(struct dur_track, n + 1);
    double two_msl = 2.0 * (double)tcpstate_msl();
    unsigned r;
    int k;

    for (i = 0; i < n; i++) {
        for (r = 0; r < 2; r++)
            for (k = 0; k < ST_DUR_N; k++)
                out[i].d[r][k] = -1.0;
        out[i].teardown = -1.0;
        tr[i].td_start = -1.0;
    }
    for (p = 0; p < a->points->len; p++) {
        const struct st_point *pt = &g_array_index(a->points, struct st_point, p);
        struct st_dur *d = &out[pt->idx];
        struct dur_track *t = &tr[pt->idx];
        struct tcpst_view v;

        tcpst_view(pt->rec, pt->conn, pt->frame, true, &v);
        for (r = 0; r < 2; r++) {
            gboolean picked = v.inferred && t->cur[r] == TCPST_UNKNOWN;
            if (t->cur[r] == TCPST_TIME_WAIT && !t->picked[r] && pt->t >= t->since[r] + two_msl) {
                dur_leave(d, t, r, t->since[r] + two_msl, FALSE);   /* ran out before this segment */
                t->cur[r] = TCPST_CLOSED;
                t->since[r] += two_msl;
            }
            if (v.latest[r] == t->cur[r])
                continue;
            dur_leave(d, t, r, pt->t, FALSE);
            t->cur[r] = v.latest[r];
            t->since[r] = pt->t;
            t->picked[r] = picked;
        }
        if (t->td_start < 0 && v.phase == TCPST_PH_TEARDOWN)
            t->td_start = pt->t;
        if (t->td_start >= 0 && d->teardown < 0 && dur_closed(v.latest[0]) && dur_closed(v.latest[1]))
            d->teardown = pt->t - t->td_start;
    }
    for (i = 0; i < n; i++) {
        for (r = 0; r < 2; r++) {
            const struct dur_track *t = &tr[i];
            if (t->cur[r] == TCPST_TIME_WAIT && !t->picked[r] && t->since[r] + two_msl <= a->t_end)
                dur_leave(&out[i], t, r, t->since[r] + two_msl, FALSE);
            else
                dur_leave(&out[i], t, r, a->t_end, TRUE);
        }
        if (tr[i].td_start >= 0 && out[i].teardown < 0) {
            out[i].teardown = a->t_end - tr[i].td_start;
            out[i].teardown_partial = TRUE;
        }
    }
    g_free(tr);
    return out;
}

char *dur_str(wmem_allocator_t *scope, double d, gboolean partial)
{
    if (d < 0)
        return wmem_strdup(scope, "-");
    return wmem_strdup_printf(scope, "%.6f%s", d, partial ? "+" : "");
}

/* ---- registration --------------------------------------------------------- */

void stats_register_common(void)
{
    register_cleanup_routine(stats_file_closed);
}
