/* tcpstate_stats.c - statistics over the "tcpstate" tap.
 *
 * tshark:  -z tcpstate,sum[,filter]        endpoint states, phases, conn_state, anomalies
 *          -z tcpstate,conv[,filter]       one row per connection
 *          -z tcpstate,ts,<interval>[,filter]   endpoint states per time interval (CSV)
 *          -z tcpstate,ladder,<stream>[,svg=<file>][,filter]  sequence diagram
 * GUI:     Statistics > TCP State > Summary (a stats_tree, also -z tcpstate.sum,tree)
 *          Statistics > TCP State: Connections (a table, also -z tcpstate,conntable[,filter])
 *          Statistics > TCP State: Counts per Second (a table, also -z tcpstate,tstable[,filter])
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <epan/packet.h>
#include <epan/tap.h>
#include <epan/stat_tap_ui.h>
#include <epan/stats_tree.h>
#include <epan/prefs.h>
#include <epan/to_str.h>
#include <epan/address_types.h>

#include "tcpstate_compat.h"
#include "tcpstate_core.h"
#include "tcpstate_tap.h"
#include "tcpstate_stats.h"

/* Submenu separator of a stats_tree name: "/" in 4.0, "//" from 4.2 on
 * (STATS_TREE_MENU_SEPARATOR in stats_tree.h). */
#ifdef STATS_TREE_MENU_SEPARATOR
#define TREE_SUBMENU STATS_TREE_MENU_SEPARATOR
#else
#define TREE_SUBMENU "/"
#endif

/* ---- anomalies: the event bits of the records --------------------------- */

#define N_EVENTS TCPST_NUM_EVENTS
static const struct {
    guint32 bit;
    const char *tag;    /* conv column */
    const char *name;   /* sum and GUI */
} events[N_EVENTS] = {
#define TCPST_X_ROW(name, tag, label, expert, group, severity, text) { TCPST_EV_##name, tag, label },
    TCPST_EVENTS(TCPST_X_ROW)
#undef TCPST_X_ROW
};

/* A refused connection's RST also carries TCPST_EV_RESET: count it once. */
static guint32 conn_events(guint32 ev)
{
    if (ev & TCPST_EV_REFUSED)
        ev &= ~TCPST_EV_RESET;
    return ev;
}

/* ---- the aggregation shared by every output ----------------------------- */

struct st_conn {
    const struct tcpst_conn *conn;
    const struct tcpst_rec *last;   /* last record that passed the filter */
    guint32 last_frame;             /* its frame */
    const char *conn_state;         /* GUI tree: the value counted for it */
    guint32 stream, segs, row;
    address addr[2];                /* by role */
    guint16 port[2];
    gboolean have_roles;
    guint8 cur[2];                  /* states shown by the last record (view at packet time) */
    guint8 rst_sender;
    guint32 events;
    double t_first, t_last, t_syn, t_hs;   /* t_syn, t_hs < 0: not seen */
};

/* A record that may move a state, for the time series. */
struct st_point {
    double t;
    guint32 idx, frame;
    const struct tcpst_rec *rec;
    const struct tcpst_conn *conn;
};

struct agg {
    wmem_allocator_t *pool;     /* addresses */
    GHashTable *by_conn;        /* tcpst_conn * -> index + 1 */
    GArray *conns;              /* struct st_conn */
    GArray *points;             /* struct st_point, when keep_points */
    gboolean keep_points;
    guint64 segs, phase_segs[TCPST_NUM_PHASES], event_segs[N_EVENTS];
    guint64 cur_counts[TCPST_NUM_STATES];  /* endpoints per state, view at packet time */
    double t_end;
    guint generation;           /* file the stored record pointers belong to */
};

/* Records live in file scope: a new file makes stored pointers stale. */
static guint file_generation;

static void stats_file_closed(void)
{
    file_generation++;
}

static void agg_init(struct agg *a, gboolean keep_points)
{
    memset(a, 0, sizeof *a);
    a->pool = wmem_allocator_new(WMEM_ALLOCATOR_BLOCK);
    a->by_conn = g_hash_table_new(g_direct_hash, g_direct_equal);
    a->conns = g_array_new(FALSE, TRUE, sizeof(struct st_conn));
    a->points = g_array_new(FALSE, FALSE, sizeof(struct st_point));
    a->keep_points = keep_points;
    a->generation = file_generation;
}

static void agg_reset(struct agg *a)
{
    gboolean keep = a->keep_points;

    wmem_destroy_allocator(a->pool);
    g_hash_table_destroy(a->by_conn);
    g_array_free(a->conns, TRUE);
    g_array_free(a->points, TRUE);
    agg_init(a, keep);
}

static void agg_free(struct agg *a)
{
    wmem_destroy_allocator(a->pool);
    g_hash_table_destroy(a->by_conn);
    g_array_free(a->conns, TRUE);
    g_array_free(a->points, TRUE);
}

/* False when the records stored so far belong to a closed file. */
static gboolean agg_valid(const struct agg *a)
{
    return a->generation == file_generation;
}

static struct st_conn *agg_conn(struct agg *a, guint idx)
{
    return &g_array_index(a->conns, struct st_conn, idx);
}

/* One tapped segment, viewed with hindsight on a later pass. Returns the
 * connection's index, or -1 for a segment of no connection. */
static int agg_packet(struct agg *a, const packet_info *pinfo, const struct tcpstate_tap *t)
{
    const struct tcpst_rec *r = t->rec;
    double now = nstime_to_sec(&pinfo->rel_ts);
    struct tcpst_view v;
    struct st_conn *c;
    gpointer found;
    guint idx, i;
    gboolean is_new = FALSE, keep;

    if (!agg_valid(a))
        agg_reset(a);
    a->segs++;
    if (now > a->t_end)
        a->t_end = now;
    a->phase_segs[r->phase < TCPST_NUM_PHASES ? r->phase : 0]++;
    for (i = 0; i < N_EVENTS; i++)
        if (r->events & events[i].bit)
            a->event_segs[i]++;
    if (!t->conn || (r->flags & TCPST_R_UNKNOWN) || r->sender > TCPST_SERVER)
        return -1;

    found = g_hash_table_lookup(a->by_conn, t->conn);
    if (found) {
        idx = GPOINTER_TO_UINT(found) - 1;
    } else {
        struct st_conn nc;
        memset(&nc, 0, sizeof nc);
        nc.conn = t->conn;
        nc.stream = t->stream;
        nc.t_first = now;
        nc.t_syn = nc.t_hs = -1.0;
        nc.rst_sender = TCPST_ROLE_UNKNOWN;
        idx = a->conns->len;
        g_array_append_val(a->conns, nc);
        g_hash_table_insert(a->by_conn, (gpointer)t->conn, GUINT_TO_POINTER(idx + 1));
        is_new = TRUE;
    }
    c = agg_conn(a, idx);
    if (!c->have_roles) {
        unsigned s = r->sender;
        copy_address_wmem(a->pool, &c->addr[s], &t->src);
        copy_address_wmem(a->pool, &c->addr[!s], &t->dst);
        c->port[s] = t->sport;
        c->port[!s] = t->dport;
        c->have_roles = TRUE;
    }
    tcpst_view(r, t->conn, t->frame, PINFO_FD_VISITED(pinfo), &v);
    for (i = 0; i < 2; i++) {
        if (is_new) {
            a->cur_counts[v.after[i]]++;
        } else if (c->cur[i] != v.after[i]) {
            a->cur_counts[c->cur[i]]--;
            a->cur_counts[v.after[i]]++;
        }
        c->cur[i] = v.after[i];
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
    if ((r->events & TCPST_EV_RESET) && c->rst_sender == TCPST_ROLE_UNKNOWN)
        c->rst_sender = r->sender;

    /* The time series keeps what may move a state once hindsight applies:
     * a visible change, an assumption a later segment may revise, an
     * expired TIME_WAIT, and the connection's first segment. */
    keep = is_new || v.changed || (r->flags & (TCPST_R_SYN_PENDING | TCPST_R_FIN_PENDING)) ||
           (r->events & TCPST_EV_TW_EXPIRED);
    if (a->keep_points && keep) {
        struct st_point p = { now, idx, t->frame, r, t->conn };
        g_array_append_val(a->points, p);
    }
    return (int)idx;
}

/* A connection's final view: its last record with hindsight. */
static void conn_final(const struct st_conn *c, struct tcpst_view *v)
{
    tcpst_view(c->last, c->conn, c->last_frame, true, v);
}

/* Who sent the first FIN, else the first RST: "client", "server" or "-". */
static const char *closed_first(const struct st_conn *c)
{
    unsigned r = tcpst_first_closer(c->conn);
    if (r > TCPST_SERVER)
        r = c->rst_sender;
    return r <= TCPST_SERVER ? tcpst_role_name(r) : "-";
}

static char *endpoint_str(wmem_allocator_t *scope, const address *a, guint16 port)
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
        if (ev & events[i].bit) {
            if (wmem_strbuf_get_len(b))
                wmem_strbuf_append_c(b, ',');
            wmem_strbuf_append(b, events[i].tag);
        }
    if (!wmem_strbuf_get_len(b))
        wmem_strbuf_append_c(b, '-');
    return wmem_strbuf_finalize(b);
}

/* Distinct strings with counts (conn_state values: a handful). */
struct str_count {
    const char *s;
    guint n;
};

static void str_count_add(GArray *arr, const char *s)
{
    guint i;
    struct str_count sc;

    for (i = 0; i < arr->len; i++) {
        struct str_count *e = &g_array_index(arr, struct str_count, i);
        if (strcmp(e->s, s) == 0) {
            e->n++;
            return;
        }
    }
    sc.s = s;
    sc.n = 1;
    g_array_append_val(arr, sc);
}

/* ---- tshark: -z tcpstate,... ------------------------------------------- */

enum st_mode { M_SUM, M_CONV, M_TS, M_LADDER };

/* A segment of the ladder's connection, with its TCP header. */
struct lseg {
    const struct tcpst_rec *rec;
    const struct tcpst_conn *conn;
    guint32 frame;
    double t;
    guint32 seq, ack, len;
    guint8 flags;
};

struct cli {
    enum st_mode mode;
    char *filter;
    double interval;            /* ts */
    guint32 stream;             /* ladder */
    char *svg;                  /* ladder */
    struct agg agg;
    GArray *lsegs;              /* ladder: struct lseg */
};

#define SEP "==================================================================================="

/* The final view of the i-th ladder segment. */
static void lseg_view(const struct cli *s, guint i, struct tcpst_view *v)
{
    const struct lseg *l = &g_array_index(s->lsegs, struct lseg, i);
    tcpst_view(l->rec, l->conn, l->frame, true, v);
}

static tap_packet_status cli_packet(void *arg, packet_info *pinfo, epan_dissect_t *edt _U_,
                                    const void *data, tap_flags_t flags _U_)
{
    struct cli *s = (struct cli *)arg;
    const struct tcpstate_tap *t = (const struct tcpstate_tap *)data;

    if (s->mode == M_LADDER) {
        struct lseg l;
        if (t->stream != s->stream || (t->rec->flags & TCPST_R_UNKNOWN))
            return TAP_PACKET_DONT_REDRAW;
        if (!agg_valid(&s->agg))
            g_array_set_size(s->lsegs, 0);
        l.rec = t->rec;
        l.conn = t->conn;
        l.frame = t->frame;
        l.t = nstime_to_sec(&pinfo->rel_ts);
        l.seq = t->seq;
        l.ack = t->ack;
        l.len = t->len;
        l.flags = t->flags;
        g_array_append_val(s->lsegs, l);
    }
    agg_packet(&s->agg, pinfo, t);
    return TAP_PACKET_REDRAW;
}

static void cli_reset(void *arg)
{
    struct cli *s = (struct cli *)arg;
    agg_reset(&s->agg);
    if (s->lsegs)
        g_array_set_size(s->lsegs, 0);
}

static void print_filter(const struct cli *s)
{
    printf("Filter: %s\n", s->filter ? s->filter : "<none>");
}

static void draw_sum(struct cli *s)
{
    struct agg *a = &s->agg;
    guint64 states[TCPST_NUM_STATES];
    guint64 ev_conns[N_EVENTS];
    GArray *cs = g_array_new(FALSE, FALSE, sizeof(struct str_count));
    guint i, k;

    memset(states, 0, sizeof states);
    memset(ev_conns, 0, sizeof ev_conns);
    for (i = 0; i < a->conns->len; i++) {
        struct st_conn *c = agg_conn(a, i);
        struct tcpst_view v;
        guint32 ev;
        conn_final(c, &v);
        ev = conn_events(c->events | v.events); /* with what only the end tells */
        states[v.after[TCPST_CLIENT]]++;
        states[v.after[TCPST_SERVER]]++;
        str_count_add(cs, tcpst_zeek_conn_state(c->conn));
        for (k = 0; k < N_EVENTS; k++)
            if (ev & events[k].bit)
                ev_conns[k]++;
    }

    printf("\n" SEP "\n");
    printf("TCP state summary (tcpstate,sum)\n");
    print_filter(s);
    printf("Connections: %u  Endpoints: %u  Segments: %" G_GUINT64_FORMAT "\n",
           a->conns->len, 2 * a->conns->len, a->segs);
    printf("\nEndpoint states at the end (client and server of every connection):\n");
    for (k = TCPST_CLOSED; k < TCPST_NUM_STATES; k++)
        printf("%-14s %" G_GUINT64_FORMAT "\n", tcpst_state_name(k), states[k]);
    if (states[TCPST_UNKNOWN])
        printf("%-14s %" G_GUINT64_FORMAT "\n", tcpst_state_name(TCPST_UNKNOWN), states[TCPST_UNKNOWN]);
    printf("\nSegments per phase:\n");
    for (k = 1; k < TCPST_NUM_PHASES; k++)
        printf("%-14s %" G_GUINT64_FORMAT "\n", tcpst_phase_name(k), a->phase_segs[k]);
    printf("%-14s %" G_GUINT64_FORMAT "\n", tcpst_phase_name(0), a->phase_segs[0]);
    printf("\nConnections per Zeek conn_state:\n");
    for (k = 0; k < cs->len; k++) {
        struct str_count *e = &g_array_index(cs, struct str_count, k);
        printf("%-14s %u\n", e->s, e->n);
    }
    printf("\nAnomalies                          connections  segments\n");
    for (k = 0; k < N_EVENTS; k++)
        printf("%-14s %-19s %11" G_GUINT64_FORMAT " %9" G_GUINT64_FORMAT "\n", events[k].tag, "",
               ev_conns[k], events[k].bit == TCPST_EV_RESET ? ev_conns[k] : a->event_segs[k]);
    printf(SEP "\n");
    g_array_free(cs, TRUE);
}

/* One connection's row, as -z tcpstate,conv prints it and the GUI's
 * Connections table shows it: final view, strings in scope. */
struct conv_row {
    guint32 stream;
    const char *client, *server, *client_state, *server_state, *conn_state, *history, *closer;
    const char *rtt_ms;         /* "-" without a completed handshake */
    double duration_s;
    const char *anomalies;
};

static void conv_row(wmem_allocator_t *scope, const struct st_conn *c, struct conv_row *r)
{
    struct tcpst_view v;

    conn_final(c, &v);
    r->stream = c->stream;
    r->client = endpoint_str(scope, &c->addr[TCPST_CLIENT], c->port[TCPST_CLIENT]);
    r->server = endpoint_str(scope, &c->addr[TCPST_SERVER], c->port[TCPST_SERVER]);
    r->client_state = tcpst_state_name(v.after[TCPST_CLIENT]);
    r->server_state = tcpst_state_name(v.after[TCPST_SERVER]);
    r->conn_state = tcpst_zeek_conn_state(c->conn);
    r->history = tcpst_zeek_history(c->conn);
    r->closer = closed_first(c);
    if (c->t_syn >= 0 && c->t_hs >= c->t_syn)
        r->rtt_ms = wmem_strdup_printf(scope, "%.3f", (c->t_hs - c->t_syn) * 1000.0);
    else
        r->rtt_ms = "-";
    r->duration_s = c->t_last - c->t_first;
    r->anomalies = anomaly_list(scope, c->events | v.events);
}

static void draw_conv(struct cli *s)
{
    struct agg *a = &s->agg;
    wmem_allocator_t *tmp = wmem_allocator_new(WMEM_ALLOCATOR_BLOCK);
    guint i;

    printf("\n" SEP "\n");
    printf("TCP connections (tcpstate,conv)\n");
    print_filter(s);
    printf("%-6s %-24s %-24s %-12s %-12s %-10s %-12s %-7s %9s %10s  %s\n", "stream", "client", "server",
           "client_state", "server_state", "conn_state", "history", "closer", "rtt_ms", "duration_s",
           "anomalies");
    for (i = 0; i < a->conns->len; i++) {
        struct conv_row r;
        conv_row(tmp, agg_conn(a, i), &r);
        printf("%-6u %-24s %-24s %-12s %-12s %-10s %-12s %-7s %9s %10.6f  %s\n", r.stream, r.client,
               r.server, r.client_state, r.server_state, r.conn_state, r.history, r.closer, r.rtt_ms,
               r.duration_s, r.anomalies);
    }
    printf(SEP "\n");
    wmem_destroy_allocator(tmp);
}

static gint point_cmp(gconstpointer pa, gconstpointer pb)
{
    const struct st_point *a = (const struct st_point *)pa, *b = (const struct st_point *)pb;
    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return a->frame < b->frame ? -1 : a->frame > b->frame;
}

/* An endpoint that entered TIME_WAIT, leaving it after 2*MSL. */
struct tw_entry {
    double until;
    guint32 idx;
    guint8 role;
    guint32 gen;
};

/* Endpoint census replayed in time order (tshark's ts and the GUI's table):
 * records applied with hindsight, TIME_WAIT running out after 2*MSL. */
struct ts_run {
    double two_msl;
    guint64 counts[TCPST_NUM_STATES];
    GArray *cur;                /* guint8 per endpoint slot (2 * connection + role) */
    GArray *twgen;              /* guint32 per slot: the latest TIME_WAIT entry */
    GQueue tw;                  /* struct tw_entry, in time order */
};

static void ts_run_init(struct ts_run *r)
{
    memset(r, 0, sizeof *r);
    r->two_msl = 2.0 * (double)tcpstate_msl();
    r->cur = g_array_new(FALSE, TRUE, sizeof(guint8));
    r->twgen = g_array_new(FALSE, TRUE, sizeof(guint32));
    g_queue_init(&r->tw);
}

static void ts_run_free(struct ts_run *r)
{
    g_array_free(r->cur, TRUE);
    g_array_free(r->twgen, TRUE);
    g_queue_clear_full(&r->tw, g_free);
}

/* TIME_WAIT endpoints whose 2*MSL ran out by time cut become CLOSED. */
static void ts_run_expire(struct ts_run *r, double cut)
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

/* One stored point (after the expiries up to its time). */
static void ts_run_apply(struct ts_run *r, const struct st_point *pt)
{
    struct tcpst_view v;
    guint i;

    ts_run_expire(r, pt->t);
    if (r->cur->len < 2 * pt->idx + 2) {
        g_array_set_size(r->cur, 2 * pt->idx + 2);
        g_array_set_size(r->twgen, 2 * pt->idx + 2);
    }
    tcpst_view(pt->rec, pt->conn, pt->frame, true, &v);
    for (i = 0; i < 2; i++) {
        guint slot = 2 * pt->idx + i;
        guint8 *cur = &g_array_index(r->cur, guint8, slot);
        guint8 now = v.after[i];
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

static void draw_ts(struct cli *s)
{
    struct agg *a = &s->agg;
    struct ts_run run;
    guint p = 0, k;
    guint64 row, nrows;

    ts_run_init(&run);
    g_array_sort(a->points, point_cmp);
    nrows = a->segs ? (guint64)floor(a->t_end / s->interval) + 1 : 0;

    printf("\n" SEP "\n");
    printf("# TCP endpoint states over time (tcpstate,ts,%g)\n", s->interval);
    printf("# %s%s\n", "Filter: ", s->filter ? s->filter : "<none>");
    printf("# endpoints in each state at the end of each interval (capture end for the last);\n");
    printf("# a TIME_WAIT endpoint counts as CLOSED once 2*MSL (%g s) have passed\n", run.two_msl);
    printf("start,end");
    for (k = TCPST_CLOSED; k < TCPST_NUM_STATES; k++)
        printf(",%s", tcpst_state_name(k));
    printf("\n");

    for (row = 0; row < nrows; row++) {
        double end = (double)(row + 1) * s->interval;
        gboolean last = row + 1 == nrows;

        for (; p < a->points->len; p++) {
            const struct st_point *pt = &g_array_index(a->points, struct st_point, p);
            if (!last && pt->t >= end)
                break;
            ts_run_apply(&run, pt);
        }
        ts_run_expire(&run, last ? a->t_end : end);
        printf("%.6f,%.6f", (double)row * s->interval, last ? a->t_end : end);
        for (k = TCPST_CLOSED; k < TCPST_NUM_STATES; k++)
            printf(",%" G_GUINT64_FORMAT, run.counts[k]);
        printf("\n");
    }
    printf(SEP "\n");
    ts_run_free(&run);
}

/* ---- ladder -------------------------------------------------------------- */

/* The flags byte beyond the five the core reads (tcpstate_core.h). */
#define TCPST_URG 0x20
#define TCPST_ECE 0x40
#define TCPST_CWR 0x80

static void flag_text(char *buf, gsize n, guint8 f)
{
    static const struct { guint8 bit; const char *name; } names[] = {
        { TCPST_SYN, "SYN" }, { TCPST_FIN, "FIN" }, { TCPST_RST, "RST" }, { TCPST_PSH, "PSH" },
        { TCPST_ACK, "ACK" }, { TCPST_URG, "URG" }, { TCPST_ECE, "ECE" }, { TCPST_CWR, "CWR" },
    };
    guint i;

    buf[0] = '\0';
    for (i = 0; i < G_N_ELEMENTS(names); i++)
        if (f & names[i].bit) {
            if (buf[0])
                g_strlcat(buf, ",", n);
            g_strlcat(buf, names[i].name, n);
        }
    if (!buf[0])
        g_strlcpy(buf, "(none)", n);
}

/* "SYN,ACK seq=0 ack=1", "PSH,ACK seq=1 ack=1 len=40" */
static void seg_label(char *buf, gsize n, const struct lseg *l)
{
    char fl[48];

    flag_text(fl, sizeof fl, l->flags);
    if (l->flags & TCPST_ACK)
        g_snprintf(buf, n, "%s seq=%u ack=%u", fl, l->seq, l->ack);
    else
        g_snprintf(buf, n, "%s seq=%u", fl, l->seq);
    if (l->len) {
        gsize used = strlen(buf);
        g_snprintf(buf + used, n - used, " len=%u", l->len);
    }
}

#define ARROW_W 44

static void arrow_text(char *out, const char *label, gboolean to_server)
{
    int len = (int)strlen(label), i, left;

    if (len > ARROW_W - 6)
        len = ARROW_W - 6;
    left = (ARROW_W - len - 2) / 2;
    for (i = 0; i < ARROW_W; i++)
        out[i] = '-';
    out[ARROW_W] = '\0';
    out[left] = ' ';
    memcpy(out + left + 1, label, len);
    out[left + 1 + len] = ' ';
    if (to_server)
        out[ARROW_W - 1] = '>';
    else
        out[0] = '<';
}

static void ladder_write_svg(struct cli *s, wmem_allocator_t *tmp, const char *cli_ep,
                             const char *srv_ep);

static void draw_ladder(struct cli *s)
{
    struct agg *a = &s->agg;
    wmem_allocator_t *tmp = wmem_allocator_new(WMEM_ALLOCATOR_BLOCK);
    const struct st_conn *c = NULL;
    const char *cep = "?", *sep = "?";
    char label[96], arrow[ARROW_W + 1];
    guint i;

    printf("\n" SEP "\n");
    printf("TCP ladder diagram (tcpstate,ladder,%u)\n", s->stream);
    if (s->filter)
        print_filter(s);
    for (i = 0; i < a->conns->len; i++)
        if (agg_conn(a, i)->stream == s->stream) {
            c = agg_conn(a, i);
            break;
        }
    if (!c || !s->lsegs->len) {
        printf("No TCP State records for tcp.stream %u\n" SEP "\n", s->stream);
        wmem_destroy_allocator(tmp);
        return;
    }
    cep = endpoint_str(tmp, &c->addr[TCPST_CLIENT], c->port[TCPST_CLIENT]);
    sep = endpoint_str(tmp, &c->addr[TCPST_SERVER], c->port[TCPST_SERVER]);
    printf("States after each segment was sent and received (hindsight applied).\n\n");
    printf("%6s %10s  %-60s%-14s %s\n", "frame", "time", "client", "server", "phase");
    printf("%6s %10s  %-60s%s\n", "", "", cep, sep);
    {
        struct tcpst_view v0;
        lseg_view(s, 0, &v0);
        printf("%6s %10s  %-14s|%*s|  %-14s\n", "", "", tcpst_state_name(v0.before[TCPST_CLIENT]),
               ARROW_W - 2, "", tcpst_state_name(v0.before[TCPST_SERVER]));
    }
    for (i = 0; i < s->lsegs->len; i++) {
        const struct lseg *l = &g_array_index(s->lsegs, struct lseg, i);
        struct tcpst_view v;
        lseg_view(s, i, &v);
        seg_label(label, sizeof label, l);
        arrow_text(arrow, label, v.sender == TCPST_CLIENT);
        /* the arrow field replaces the two bars */
        printf("%6u %10.6f  %-14s%s  %-14s %s\n", l->frame, l->t,
               tcpst_state_name(v.after[TCPST_CLIENT]), arrow, tcpst_state_name(v.after[TCPST_SERVER]),
               tcpst_phase_name(v.phase));
    }
    printf(SEP "\n");
    if (s->svg)
        ladder_write_svg(s, tmp, cep, sep);
    wmem_destroy_allocator(tmp);
}

/* SVG of the same ladder: one row per segment, arrows slanted downwards
 * (sent, then received a little later), states written beside each
 * lifeline where that endpoint sends or receives the segment. */
static void svg_escaped(FILE *f, const char *text)
{
    for (; *text; text++) {
        if (*text == '<') fputs("&lt;", f);
        else if (*text == '>') fputs("&gt;", f);
        else if (*text == '&') fputs("&amp;", f);
        else fputc(*text, f);
    }
}

static void svg_text(FILE *f, double x, double y, const char *anchor, const char *style, const char *text)
{
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" %s>", x, y, anchor, style);
    svg_escaped(f, text);
    fputs("</text>\n", f);
}

static void ladder_write_svg(struct cli *s, wmem_allocator_t *tmp, const char *cli_ep,
                             const char *srv_ep)
{
    const double W = 1000, XL = 330, XR = 720, TOP = 150, ROW = 58, SLANT = 34;
    const guint n = s->lsegs->len;
    const double H = TOP + ROW * n + SLANT + 50;
    static const char *phase_fill[TCPST_NUM_PHASES] = {
        "#f2f2f2", "#e3eefb", "#ffffff", "#fdeedd", "#eeeeee", "#fbe2e2" };
    FILE *f = fopen(s->svg, "w");
    struct tcpst_view v0;
    char label[96];
    guint i, start;

    if (!f) {
        fprintf(stderr, "tcpstate,ladder: cannot write %s: %s\n", s->svg, g_strerror(errno));
        return;
    }
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
               "viewBox=\"0 0 %.0f %.0f\" font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\">\n",
            W, H, W, H);
    fprintf(f, "<defs>\n"
               "<marker id=\"c2s\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"9\" markerHeight=\"9\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#1f5fa8\"/></marker>\n"
               "<marker id=\"s2c\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"9\" markerHeight=\"9\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#2e7d32\"/></marker>\n"
               "<marker id=\"rst\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"9\" markerHeight=\"9\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#c62828\"/></marker>\n"
               "</defs>\n");
    fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");

    /* phase bands */
    for (start = 0; start < n;) {
        struct tcpst_view va, vb;
        guint end = start;
        lseg_view(s, start, &va);
        while (end + 1 < n) {
            lseg_view(s, end + 1, &vb);
            if (vb.phase != va.phase)
                break;
            end++;
        }
        {
            double y0 = TOP + ROW * start - 16, y1 = TOP + ROW * end + SLANT + 16;
            fprintf(f, "<rect x=\"0\" y=\"%.1f\" width=\"%.0f\" height=\"%.1f\" fill=\"%s\"/>\n", y0, W,
                    y1 - y0, phase_fill[va.phase < TCPST_NUM_PHASES ? va.phase : 0]);
            svg_text(f, W - 12, (y0 + y1) / 2 + 5, "end",
                     "font-size=\"15\" font-style=\"italic\" fill=\"#666\"", tcpst_phase_name(va.phase));
        }
        start = end + 1;
    }

    /* headers and lifelines */
    svg_text(f, W / 2, 32, "middle", "font-size=\"20\" font-weight=\"bold\" fill=\"#222\"",
             wmem_strdup_printf(tmp, "TCP connection, tcp.stream %u", s->stream));
    svg_text(f, XL, 68, "middle", "font-size=\"18\" font-weight=\"bold\" fill=\"#1f5fa8\"", "client");
    svg_text(f, XL, 90, "middle", "font-size=\"14\" fill=\"#333\"", cli_ep);
    svg_text(f, XR, 68, "middle", "font-size=\"18\" font-weight=\"bold\" fill=\"#2e7d32\"", "server");
    svg_text(f, XR, 90, "middle", "font-size=\"14\" fill=\"#333\"", srv_ep);
    fprintf(f, "<line x1=\"%.0f\" y1=\"100\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#444\" stroke-width=\"3\"/>\n",
            XL, XL, H - 20);
    fprintf(f, "<line x1=\"%.0f\" y1=\"100\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#444\" stroke-width=\"3\"/>\n",
            XR, XR, H - 20);
    lseg_view(s, 0, &v0);
    svg_text(f, XL - 14, TOP - 26, "end", "font-size=\"15\" font-weight=\"bold\" fill=\"#333\"",
             tcpst_state_name(v0.before[TCPST_CLIENT]));
    svg_text(f, XR + 14, TOP - 26, "start", "font-size=\"15\" font-weight=\"bold\" fill=\"#333\"",
             tcpst_state_name(v0.before[TCPST_SERVER]));
    svg_text(f, 14, TOP - 26, "start", "font-size=\"12\" fill=\"#666\"", "frame  time (s)");

    for (i = 0; i < n; i++) {
        const struct lseg *l = &g_array_index(s->lsegs, struct lseg, i);
        struct tcpst_view v;
        gboolean c2s;
        double y = TOP + ROW * i, xs, xd, ys, yd, ang;
        const char *marker, *color;
        guint role;

        lseg_view(s, i, &v);
        c2s = v.sender == TCPST_CLIENT;
        xs = c2s ? XL : XR;
        xd = c2s ? XR : XL;
        ys = y;
        yd = y + SLANT;
        if (l->flags & TCPST_RST) {
            marker = "rst";
            color = "#c62828";
        } else {
            marker = c2s ? "c2s" : "s2c";
            color = c2s ? "#1f5fa8" : "#2e7d32";
        }
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                   "stroke-width=\"2.5\" marker-end=\"url(#%s)\"/>\n",
                xs, ys, xd + (c2s ? -2 : 2), yd, color, marker);
        seg_label(label, sizeof label, l);
        ang = atan2(yd - ys, xd - xs) * 180.0 / G_PI;
        if (!c2s)
            ang += 180.0;
        fprintf(f, "<text transform=\"translate(%.1f,%.1f) rotate(%.2f)\" text-anchor=\"middle\" "
                   "font-size=\"15\" font-family=\"DejaVu Sans Mono, monospace\" fill=\"%s\">",
                (xs + xd) / 2, (ys + yd) / 2 - 7, ang, color);
        svg_escaped(f, label);
        fputs("</text>\n", f);
        svg_text(f, 14, y + 5, "start", "font-size=\"12\" fill=\"#666\"",
                 wmem_strdup_printf(tmp, "#%u  %.6f", l->frame, l->t));

        for (role = 0; role < 2; role++) {
            /* where this endpoint meets the segment: sending or receiving it */
            double yy = (role == v.sender ? ys : yd) + 5;
            double xx = role == TCPST_CLIENT ? XL - 14 : XR + 14;
            const char *anchor = role == TCPST_CLIENT ? "end" : "start";
            gboolean changed = v.before[role] != v.after[role];
            const char *txt = tcpst_state_name(v.after[role]);
            if (changed && v.via[role][0])
                txt = wmem_strdup_printf(tmp, "%s (via %s)", txt,
                                         tcpst_state_name(v.via[role][0]));
            svg_text(f, xx, yy, anchor,
                     changed ? "font-size=\"15\" font-weight=\"bold\" fill=\"#b33c00\""
                             : "font-size=\"14\" fill=\"#8a8a8a\"", txt);
        }
    }
    svg_text(f, W / 2, H - 6, "middle", "font-size=\"12\" fill=\"#666\"",
             "states after each segment was sent and received; bold: changed by this segment");
    fputs("</svg>\n", f);
    fclose(f);
}

static void cli_draw(void *arg)
{
    struct cli *s = (struct cli *)arg;

    if (!agg_valid(&s->agg))
        cli_reset(s);
    switch (s->mode) {
    case M_SUM: draw_sum(s); break;
    case M_CONV: draw_conv(s); break;
    case M_TS: draw_ts(s); break;
    case M_LADDER: draw_ladder(s); break;
    }
}

static void cli_finish(void *arg)
{
    struct cli *s = (struct cli *)arg;

    agg_free(&s->agg);
    if (s->lsegs)
        g_array_free(s->lsegs, TRUE);
    g_free(s->filter);
    g_free(s->svg);
    g_free(s);
}

static G_NORETURN void cli_fail(const char *what, const char *why)
{
    fprintf(stderr, "tshark: invalid \"-z %s\": %s\n", what, why);
    exit(1);
}

/* The part of opt after prefix: "" or ",rest" -> "rest" (NULL when empty). */
static const char *after_prefix(const char *opt, const char *prefix)
{
    const char *p = opt + strlen(prefix);
    if (*p == ',')
        p++;
    return *p ? p : NULL;
}

static void cli_start(const char *opt, enum st_mode mode, const char *prefix)
{
    struct cli *s = g_new0(struct cli, 1);
    const char *rest = after_prefix(opt, prefix);
    GString *err;

    s->mode = mode;
    if (mode == M_TS || mode == M_LADDER) {
        /* first argument: the interval, or the stream */
        const char *comma = rest ? strchr(rest, ',') : NULL;
        char *arg = rest ? g_strndup(rest, comma ? (gsize)(comma - rest) : strlen(rest)) : NULL;
        char *end = NULL;
        double d = arg ? g_ascii_strtod(arg, &end) : 0;
        if (!arg || end == arg || *end || !(d >= 0) || (mode == M_TS && !(d > 0)))
            cli_fail(opt, mode == M_TS ? "want tcpstate,ts,<interval in seconds>[,filter]"
                                       : "want tcpstate,ladder,<tcp.stream>[,svg=<file>][,filter]");
        if (mode == M_TS)
            s->interval = d;
        else
            s->stream = (guint32)d;
        g_free(arg);
        rest = comma && comma[1] ? comma + 1 : NULL;
        if (mode == M_LADDER && rest && strncmp(rest, "svg=", 4) == 0) {
            comma = strchr(rest, ',');
            s->svg = g_strndup(rest + 4, comma ? (gsize)(comma - rest - 4) : strlen(rest + 4));
            rest = comma && comma[1] ? comma + 1 : NULL;
        }
    }
    s->filter = rest ? g_strdup(rest) : NULL;
    agg_init(&s->agg, mode == M_TS);
    if (mode == M_LADDER)
        s->lsegs = g_array_new(FALSE, FALSE, sizeof(struct lseg));
    err = register_tap_listener("tcpstate", s, s->filter, TL_REQUIRES_NOTHING, cli_reset, cli_packet,
                                cli_draw, cli_finish);
    if (err)
        cli_fail(opt, err->str);
}

static TCPSTATE_STAT_INIT_TYPE init_sum(const char *opt, void *u _U_)
{
    cli_start(opt, M_SUM, "tcpstate,sum");
    TCPSTATE_STAT_INIT_RETURN;
}
static TCPSTATE_STAT_INIT_TYPE init_conv(const char *opt, void *u _U_)
{
    cli_start(opt, M_CONV, "tcpstate,conv");
    TCPSTATE_STAT_INIT_RETURN;
}
static TCPSTATE_STAT_INIT_TYPE init_ts(const char *opt, void *u _U_)
{
    cli_start(opt, M_TS, "tcpstate,ts");
    TCPSTATE_STAT_INIT_RETURN;
}
static TCPSTATE_STAT_INIT_TYPE init_ladder(const char *opt, void *u _U_)
{
    cli_start(opt, M_LADDER, "tcpstate,ladder");
    TCPSTATE_STAT_INIT_RETURN;
}

/* ---- GUI: Statistics > TCP State > Summary (stats_tree) ------------------
 *
 * A stats_tree has no draw hook: the tree is kept up to date per packet with
 * the view at packet time. The GUI taps a file it has read completely (a
 * second pass), where that view already has hindsight, so the result equals
 * tshark's -z tcpstate,sum; tshark -z tcpstate.sum,tree -2 shows the same. */

static GHashTable *tree_aggs;   /* stats_tree * -> struct tree_agg * */

struct tree_agg {
    struct agg agg;
    guint32 last_frame;
    int n_states, n_phases, n_conn_state, n_anomalies;
};

#define T_STATES "Endpoint states (after each connection's latest segment)"
#define T_PHASES "Segments per phase"
#define T_CONN_STATE "Connections per Zeek conn_state"
#define T_ANOMALIES "Anomalies (segments)"

static void tree_init(stats_tree *st)
{
    struct tree_agg *ta = g_new0(struct tree_agg, 1);
    guint k;

    agg_init(&ta->agg, FALSE);
    if (!tree_aggs)
        tree_aggs = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_hash_table_insert(tree_aggs, st, ta);
    ta->n_states = stats_tree_create_node(st, T_STATES, 0, STAT_DT_INT, TRUE);
    for (k = TCPST_CLOSED; k < TCPST_NUM_STATES; k++)
        stats_tree_create_node(st, tcpst_state_name(k), ta->n_states, STAT_DT_INT, FALSE);
    ta->n_phases = stats_tree_create_node(st, T_PHASES, 0, STAT_DT_INT, TRUE);
    for (k = 1; k < TCPST_NUM_PHASES; k++)
        stats_tree_create_node(st, tcpst_phase_name(k), ta->n_phases, STAT_DT_INT, FALSE);
    ta->n_conn_state = stats_tree_create_node(st, T_CONN_STATE, 0, STAT_DT_INT, TRUE);
    ta->n_anomalies = stats_tree_create_node(st, T_ANOMALIES, 0, STAT_DT_INT, TRUE);
    for (k = 0; k < N_EVENTS; k++)
        stats_tree_create_node(st, events[k].name, ta->n_anomalies, STAT_DT_INT, FALSE);
}

static void tree_cleanup(stats_tree *st)
{
    struct tree_agg *ta = tree_aggs ? (struct tree_agg *)g_hash_table_lookup(tree_aggs, st) : NULL;

    if (ta) {
        g_hash_table_remove(tree_aggs, st);
        agg_free(&ta->agg);
        g_free(ta);
    }
}

static tap_packet_status tree_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt _U_,
                                     const void *data, tap_flags_t flags _U_)
{
    const struct tcpstate_tap *t = (const struct tcpstate_tap *)data;
    struct tree_agg *ta = tree_aggs ? (struct tree_agg *)g_hash_table_lookup(tree_aggs, st) : NULL;
    struct agg *a;
    guint8 before[2] = { 0, 0 };
    gboolean known = FALSE;
    gpointer found;
    int idx;
    guint k;

    if (!ta)
        return TAP_PACKET_DONT_REDRAW;
    a = &ta->agg;
    if (pinfo->num <= ta->last_frame || !agg_valid(a))
        agg_reset(a); /* the nodes were reset for a new pass */
    ta->last_frame = pinfo->num;
    if (t->conn && (found = g_hash_table_lookup(a->by_conn, t->conn)) != NULL) {
        struct st_conn *c = agg_conn(a, GPOINTER_TO_UINT(found) - 1);
        before[0] = c->cur[0];
        before[1] = c->cur[1];
        known = TRUE;
    }
    idx = agg_packet(a, pinfo, t);
    tick_stat_node(st, T_PHASES, 0, TRUE);
    tick_stat_node(st, tcpst_phase_name(t->rec->phase), ta->n_phases, FALSE);
    for (k = 0; k < N_EVENTS; k++)
        if (t->rec->events & events[k].bit) {
            tick_stat_node(st, T_ANOMALIES, 0, TRUE);
            tick_stat_node(st, events[k].name, ta->n_anomalies, FALSE);
        }
    if (idx >= 0) {
        struct st_conn *c = agg_conn(a, (guint)idx);
        const char *cs = tcpst_zeek_conn_state(c->conn);
        for (k = 0; k < 2; k++) {
            if (known && before[k] == c->cur[k])
                continue;
            if (known)
                set_stat_node(st, tcpst_state_name(before[k]), ta->n_states, FALSE,
                              (gint)a->cur_counts[before[k]]);
            set_stat_node(st, tcpst_state_name(c->cur[k]), ta->n_states, FALSE,
                          (gint)a->cur_counts[c->cur[k]]);
        }
        set_stat_node(st, T_STATES, 0, TRUE, (gint)(2 * a->conns->len));
        if (!c->conn_state || strcmp(c->conn_state, cs) != 0) {
            if (c->conn_state)
                increase_stat_node(st, c->conn_state, ta->n_conn_state, FALSE, -1);
            else
                tick_stat_node(st, T_CONN_STATE, 0, TRUE);
            tick_stat_node(st, cs, ta->n_conn_state, FALSE);
            c->conn_state = cs;
        }
    }
    return TAP_PACKET_REDRAW;
}

/* ---- GUI tables: Statistics > TCP State: Connections, Counts per Second ---
 *
 * Wireshark 4.0 puts tables in the Statistics menu itself, by title (a "/"
 * makes no submenu there), hence "TCP State: ...".
 *
 * stat_tap_table_ui tables, which tshark also prints (-z tcpstate,conntable,
 * -z tcpstate,tstable). A table has no draw hook: its rows are set per
 * packet, from the same aggregation as the tshark outputs. The GUI taps a
 * file it has read completely, where every record already has hindsight and
 * every connection's Zeek values are final, so once the last segment is
 * tapped the rows equal -z tcpstate,conv and -z tcpstate,ts,1.
 *
 * A table belongs to its stat_tap_table_ui and is shared by every dialog
 * open on it; each dialog keeps pointers into the rows. A reset therefore
 * frees no row: it hides them (num_elements 0) and the next run refills them.
 */

struct gui_tab {
    const char *name;
    stat_tap_table *table;      /* NULL until a dialog (or tshark) starts */
    guint rows_alloc;           /* rows allocated in table->elements, >= num_elements */
    struct agg agg;
    struct ts_run run;          /* State Counts */
    guint64 row;                /* State Counts: the interval being filled */
};

#define TS_GUI_INTERVAL 1.0

static struct gui_tab tab_conn = { .name = "TCP connections" };
static struct gui_tab tab_ts = { .name = "TCP endpoint states per second" };

static struct gui_tab *tab_of(const stat_tap_table *t)
{
    return t == tab_conn.table ? &tab_conn : t == tab_ts.table ? &tab_ts : NULL;
}

static void row_free_strings(stat_tap_table_item_type *f, guint n)
{
    guint i;

    for (i = 0; i < n; i++)
        if (f[i].type == TABLE_ITEM_STRING) {
            g_free((char *)f[i].value.string_value);
            f[i].value.string_value = NULL;
        }
}

/* Sets row (one past the last at most) to fields; their strings are
 * g_malloc'ed and now belong to the table. */
static void tab_set_row(struct gui_tab *g, guint row, const stat_tap_table_item_type *fields)
{
    stat_tap_table *t = g->table;

    if (row >= g->rows_alloc) {
        t->num_elements = g->rows_alloc;
        stat_tap_init_table_row(t, row, t->num_fields, fields);
        g->rows_alloc = row + 1;
        return;
    }
    if (row >= t->num_elements)
        t->num_elements = row + 1;
    row_free_strings(t->elements[row], t->num_fields);
    memcpy(t->elements[row], fields, t->num_fields * sizeof *fields);
}

static void tab_reset(stat_tap_table *t)
{
    struct gui_tab *g = tab_of(t);
    guint i;

    if (!g)
        return;
    for (i = 0; i < g->rows_alloc; i++)
        row_free_strings(t->elements[i], t->num_fields);
    t->num_elements = 0;
    agg_reset(&g->agg);
    if (g == &tab_ts) {
        ts_run_free(&g->run);
        ts_run_init(&g->run);
        g->row = 0;
    }
}

/* Called for every field of the rows shown when the last dialog closes; the
 * table goes with them. Rows hidden by a reset go here too. (When no row is
 * shown at all Wireshark makes no call, and those hidden rows stay.) */
static void tab_free_item(stat_tap_table *t, guint row, guint column, stat_tap_table_item_type *field)
{
    struct gui_tab *g = tab_of(t);
    guint i;

    if (field->type == TABLE_ITEM_STRING) {
        g_free((char *)field->value.string_value);
        field->value.string_value = NULL;
    }
    if (g && row == 0 && column == 0) {
        for (i = t->num_elements; i < g->rows_alloc; i++) {
            row_free_strings(t->elements[i], t->num_fields);
            g_free(t->elements[i]);
        }
        g->rows_alloc = t->num_elements;
        g->table = NULL;
    }
}

/* The init callback of each dialog run (and of tshark): the table is made
 * once; Wireshark frees it with the last dialog. */
static void tab_init(struct gui_tab *g, stat_tap_table_ui *ui, guint nfields)
{
    stat_tap_table *t = stat_tap_find_table(ui, g->name);

    if (!g->agg.by_conn) {
        agg_init(&g->agg, g == &tab_ts);
        if (g == &tab_ts)
            ts_run_init(&g->run);
    }
    if (!t) {
        t = stat_tap_init_table(g->name, (int)nfields, 0, NULL);
        stat_tap_add_table(ui, t);
        g->rows_alloc = 0;
    }
    g->table = t;
    tab_reset(t);
}

static stat_tap_table_item conn_fields[] = {
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Stream", "%u" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Client", "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Server", "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Client state", "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Server state", "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "conn_state", "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "History", "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Closer", "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Handshake RTT (ms)", "%s" },
    { TABLE_ITEM_FLOAT, TAP_ALIGN_RIGHT, "Duration (s)", "%.6f" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Anomalies", "%s" },
};
#define N_CONN_FIELDS G_N_ELEMENTS(conn_fields)

static void conn_tab_init(stat_tap_table_ui *ui)
{
    tab_init(&tab_conn, ui, N_CONN_FIELDS);
}

static stat_tap_table_item_type str_item(const char *s)
{
    stat_tap_table_item_type f;
    memset(&f, 0, sizeof f);
    f.type = TABLE_ITEM_STRING;
    f.value.string_value = g_strdup(s);
    return f;
}

static tap_packet_status conn_tab_packet(void *arg _U_, packet_info *pinfo, epan_dissect_t *edt _U_,
                                         const void *data, tap_flags_t flags _U_)
{
    struct gui_tab *g = &tab_conn;
    stat_tap_table_item_type f[N_CONN_FIELDS];
    wmem_allocator_t *tmp;
    struct conv_row r;
    int idx;

    if (!g->table)
        return TAP_PACKET_DONT_REDRAW;
    if (!agg_valid(&g->agg))
        tab_reset(g->table);
    idx = agg_packet(&g->agg, pinfo, (const struct tcpstate_tap *)data);
    if (idx < 0)
        return TAP_PACKET_DONT_REDRAW;
    /* the connection's row, as tcpstate,conv would print it now */
    tmp = wmem_allocator_new(WMEM_ALLOCATOR_STRICT);
    conv_row(tmp, agg_conn(&g->agg, (guint)idx), &r);
    memset(f, 0, sizeof f);
    f[0].type = TABLE_ITEM_UINT;
    f[0].value.uint_value = r.stream;
    f[1] = str_item(r.client);
    f[2] = str_item(r.server);
    f[3] = str_item(r.client_state);
    f[4] = str_item(r.server_state);
    f[5] = str_item(r.conn_state);
    f[6] = str_item(r.history);
    f[7] = str_item(r.closer);
    f[8] = str_item(r.rtt_ms);
    f[9].type = TABLE_ITEM_FLOAT;
    f[9].value.float_value = r.duration_s;
    f[10] = str_item(r.anomalies);
    tab_set_row(g, (guint)idx, f);
    wmem_destroy_allocator(tmp);
    return TAP_PACKET_REDRAW;
}

/* State Counts: start, end, then the endpoints in each state. */
static stat_tap_table_item ts_fields[2 + TCPST_NUM_STATES - 1];

static void ts_tab_init(stat_tap_table_ui *ui)
{
    tab_init(&tab_ts, ui, G_N_ELEMENTS(ts_fields));
}

static void ts_tab_row(struct gui_tab *g, guint64 row, double end)
{
    stat_tap_table_item_type f[G_N_ELEMENTS(ts_fields)];
    guint k;

    memset(f, 0, sizeof f);
    f[0].type = f[1].type = TABLE_ITEM_FLOAT;
    f[0].value.float_value = (double)row * TS_GUI_INTERVAL;
    f[1].value.float_value = end;
    for (k = TCPST_CLOSED; k < TCPST_NUM_STATES; k++) {
        f[1 + k].type = TABLE_ITEM_UINT;
        f[1 + k].value.uint_value = (guint)g->run.counts[k];
    }
    tab_set_row(g, (guint)row, f);
}

/* The replay of tcpstate,ts, one packet at a time: intervals before the
 * packet's are closed, the packet's shows the census so far. Packets are
 * taken in file order; tcpstate,ts sorts them by time first. */
static tap_packet_status ts_tab_packet(void *arg _U_, packet_info *pinfo, epan_dissect_t *edt _U_,
                                       const void *data, tap_flags_t flags _U_)
{
    struct gui_tab *g = &tab_ts;
    struct agg *a = &g->agg;
    double now = nstime_to_sec(&pinfo->rel_ts);
    guint64 here = now > 0 ? (guint64)floor(now / TS_GUI_INTERVAL) : 0;
    guint i;

    if (!g->table)
        return TAP_PACKET_DONT_REDRAW;
    if (!agg_valid(a))
        tab_reset(g->table);
    for (; g->row < here; g->row++) {
        double end = (double)(g->row + 1) * TS_GUI_INTERVAL;
        ts_run_expire(&g->run, end);
        ts_tab_row(g, g->row, end);
    }
    agg_packet(a, pinfo, (const struct tcpstate_tap *)data);
    for (i = 0; i < a->points->len; i++)
        ts_run_apply(&g->run, &g_array_index(a->points, struct st_point, i));
    g_array_set_size(a->points, 0);
    ts_run_expire(&g->run, a->t_end);
    ts_tab_row(g, g->row, a->t_end);
    return TAP_PACKET_REDRAW;
}

static stat_tap_table_ui ui_conntable = {
    REGISTER_PACKET_STAT_GROUP_UNSORTED, "TCP State: Connections", "tcpstate",
    "tcpstate,conntable", conn_tab_init, conn_tab_packet, tab_reset, tab_free_item, NULL,
    N_CONN_FIELDS, conn_fields, 0, NULL, NULL, 0
};

static stat_tap_table_ui ui_tstable = {
    REGISTER_PACKET_STAT_GROUP_UNSORTED, "TCP State: Counts per Second", "tcpstate",
    "tcpstate,tstable", ts_tab_init, ts_tab_packet, tab_reset, tab_free_item, NULL,
    G_N_ELEMENTS(ts_fields), ts_fields, 0, NULL, NULL, 0
};

static void ts_fields_init(void)
{
    guint k;

    ts_fields[0] = (stat_tap_table_item){ TABLE_ITEM_FLOAT, TAP_ALIGN_RIGHT, "Start (s)", "%.6f" };
    ts_fields[1] = (stat_tap_table_item){ TABLE_ITEM_FLOAT, TAP_ALIGN_RIGHT, "End (s)", "%.6f" };
    for (k = TCPST_CLOSED; k < TCPST_NUM_STATES; k++)
        ts_fields[1 + k] = (stat_tap_table_item){ TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, tcpst_state_name(k), "%u" };
}

/* ---- registration --------------------------------------------------------- */

static stat_tap_ui ui_sum = { REGISTER_STAT_GROUP_GENERIC, NULL, "tcpstate,sum", init_sum, 0, NULL };
static stat_tap_ui ui_conv = { REGISTER_STAT_GROUP_GENERIC, NULL, "tcpstate,conv", init_conv, 0, NULL };
static stat_tap_ui ui_ts = { REGISTER_STAT_GROUP_GENERIC, NULL, "tcpstate,ts", init_ts, 0, NULL };
static stat_tap_ui ui_ladder = { REGISTER_STAT_GROUP_GENERIC, NULL, "tcpstate,ladder", init_ladder, 0, NULL };

void tcpstate_register_stats(void)
{
    register_cleanup_routine(stats_file_closed);
    register_stat_tap_ui(&ui_sum, NULL);
    register_stat_tap_ui(&ui_conv, NULL);
    register_stat_tap_ui(&ui_ts, NULL);
    register_stat_tap_ui(&ui_ladder, NULL);
    ts_fields_init();
    register_stat_tap_table_ui(&ui_conntable);
    register_stat_tap_table_ui(&ui_tstable);
    stats_tree_register_plugin("tcpstate", "tcpstate.sum", "TCP State" TREE_SUBMENU "Summary",
                               0, tree_packet, tree_init, tree_cleanup);
}
