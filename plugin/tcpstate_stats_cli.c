/* tcpstate_stats_cli.c - tshark's -z tcpstate forms: their options and
 * listener, and the text of sum, conv and ts (the ladder draws itself, in
 * tcpstate_ladder.c).
 *
 * tshark:  -z tcpstate,sum[,filter]        endpoint states, phases, conn_state, anomalies
 *          -z tcpstate,conv[,durations][,csv|json][,filter]   one row per connection
 *          -z tcpstate,ts,<interval>[,csv|json][,filter]   endpoint states per time interval (CSV)
 *          -z tcpstate,ladder,<stream>[,svg=<file>][,filter]  sequence diagram
 *          -z tcpstate,ss,<host>[,at=<time>][,csv|json][,filter]  and  -z tcpstate,hosts[,...]:
 *                                          the host view (tcpstate_stats_hosts.c), registered here
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_BUILD_DLL
#include <wireshark.h>
#include <errno.h>
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

enum st_mode { M_SUM, M_CONV, M_TS, M_LADDER, M_SS, M_HOSTS };

struct cli {
    enum st_mode mode;
    char *filter;
    double interval;            /* ts */
    gboolean durations;         /* conv: the state durations' columns */
    enum st_fmt fmt;            /* conv, ts: text, CSV or JSON */
    gboolean openmetrics;       /* ts: per host, as node_exporter's tcpstat */
    address om_host;            /* ts,openmetrics,host=: only this host (AT_NONE: every one) */
    guint8 om_host_buf[16];
    double first_abs;           /* epoch time of the first packet */
    gboolean have_first;
    struct ladder *ladder;      /* ladder */
    struct agg agg;
};

static tap_packet_status cli_packet(void *arg, packet_info *pinfo, epan_dissect_t *edt _U_,
                                    const void *data, tap_flags_t flags _U_)
{
    struct cli *s = (struct cli *)arg;
    const struct tcpstate_tap *t = (const struct tcpstate_tap *)data;

    if (s->ladder && !ladder_packet(s->ladder, &s->agg, pinfo, t))
        return TAP_PACKET_DONT_REDRAW;
    if (!s->have_first || !agg_valid(&s->agg)) {
        s->first_abs = nstime_to_sec(&pinfo->abs_ts) - nstime_to_sec(&pinfo->rel_ts);
        s->have_first = TRUE;
    }
    agg_packet(&s->agg, pinfo, t);
    return TAP_PACKET_REDRAW;
}

static void cli_reset(void *arg)
{
    struct cli *s = (struct cli *)arg;
    agg_reset(&s->agg);
    s->have_first = FALSE;
    if (s->ladder)
        ladder_reset(s->ladder);
}

void cli_print_filter(const char *filter)
{
    printf("Filter: %s\n", filter ? filter : "<none>");
}

static void draw_sum(struct cli *s)
{
    struct agg *a = &s->agg;
    guint64 states[TCPST_NUM_STATES], assumed[TCPST_NUM_STATES];
    guint64 ev_conns[N_EVENTS];
    GArray *cs = g_array_new(FALSE, FALSE, sizeof(struct str_count));
    guint i, k;

    memset(states, 0, sizeof states);
    memset(assumed, 0, sizeof assumed);
    memset(ev_conns, 0, sizeof ev_conns);
    for (i = 0; i < a->conns->len; i++) {
        struct st_conn *c = agg_conn(a, i);
        struct tcpst_view v;
        guint32 ev;
        conn_final(c, &v);
        ev = conn_events(c->events | v.events); /* with what only the end tells */
        for (k = 0; k < 2; k++) {
            states[v.after[k]]++;
            if (!conn_confirmed(c, k))
                assumed[v.after[k]]++;
        }
        {
            const char *h;
            unsigned len;
            uint8_t z;

            for (k = 0; tcpst_zeek_conn(c->conn, k, &z, &h, &len); k++) /* as conn.log lines */
                str_count_add(cs, tcpst_zeek_name(z));
        }
        for (k = 0; k < N_EVENTS; k++)
            if (ev & stats_events[k].bit)
                ev_conns[k]++;
    }

    printf("\n" STATS_SEP "\n");
    printf("TCP state summary (tcpstate,sum)\n");
    cli_print_filter(s->filter);
    printf("Connections: %u  Endpoints: %u  Segments: %" G_GUINT64_FORMAT "\n",
           a->conns->len, 2 * a->conns->len, a->segs);
    printf("\nEndpoint states at the end (endpoints of every connection, both ends, on every host):\n");
    for (k = TCPST_CLOSED; k < TCPST_NUM_STATES; k++)
        printf("%-14s %" G_GUINT64_FORMAT "\n", tcpst_state_name(k), states[k]);
    if (states[TCPST_UNKNOWN])
        printf("%-14s %" G_GUINT64_FORMAT "\n", tcpst_state_name(TCPST_UNKNOWN), states[TCPST_UNKNOWN]);
    printf("\nOf these, confirmed (sent a segment other than a SYN without ACK) and assumed:\n");
    printf("%-14s %9s %9s\n", "state", "confirmed", "assumed");
    for (k = TCPST_UNKNOWN; k < TCPST_NUM_STATES; k++)
        if (states[k])
            printf("%-14s %9" G_GUINT64_FORMAT " %9" G_GUINT64_FORMAT "\n", tcpst_state_name(k),
                   states[k] - assumed[k], assumed[k]);
    printf("\nSegments per phase:\n");
    for (k = 1; k < TCPST_NUM_PHASES; k++)
        printf("%-14s %" G_GUINT64_FORMAT "\n", tcpst_phase_name(k), a->phase_segs[k]);
    printf("%-14s %" G_GUINT64_FORMAT "\n", tcpst_phase_name(0), a->phase_segs[0]);
    printf("\nZeek connections (conn.log lines) per conn_state:\n");
    for (k = 0; k < cs->len; k++) {
        struct str_count *e = &g_array_index(cs, struct str_count, k);
        printf("%-14s %u\n", e->s, e->n);
    }
    /* the anomalies seen: a row each, none when there were none */
    printf("\nAnomalies                          connections  segments\n");
    for (k = 0, i = 0; k < N_EVENTS; k++) {
        guint64 segs = stats_events[k].bit == TCPST_EV_RESET ? ev_conns[k] : a->event_segs[k];
        if (!ev_conns[k] && !segs)
            continue;
        printf("%-34s %11" G_GUINT64_FORMAT " %9" G_GUINT64_FORMAT "\n", stats_events[k].tag, ev_conns[k], segs);
        i++;
    }
    if (!i)
        printf("(none)\n");
    printf(STATS_SEP "\n");
    g_array_free(cs, TRUE);
}

/* The state durations' column names: "client_" or "server_", then these. */
static const char *const dur_cols[ST_DUR_N] = { "syn_recv_s", "fin_wait2_s", "close_wait_s", "time_wait_s" };

/* conv as CSV or JSON: every column, the durations as numbers each with
 * whether it is a lower bound. */
static const char *const conv_cols[] = {
    "stream", "client", "server", "client_state", "server_state", "conn_state", "history", "closer", "rtt_ms",
    "duration_s", "anomalies",
    "client_syn_recv_s", "client_syn_recv_running", "client_fin_wait2_s", "client_fin_wait2_running",
    "client_close_wait_s", "client_close_wait_running", "client_time_wait_s", "client_time_wait_running",
    "server_syn_recv_s", "server_syn_recv_running", "server_fin_wait2_s", "server_fin_wait2_running",
    "server_close_wait_s", "server_close_wait_running", "server_time_wait_s", "server_time_wait_running",
    "teardown_s", "teardown_running",
};

static void out_dur(struct st_out *o, double d, gboolean partial)
{
    if (d < 0) {
        out_str(o, NULL);
        out_str(o, NULL);
        return;
    }
    out_num(o, "%.6f", d);
    out_bool(o, partial);
}

static void draw_conv_rows(struct cli *s)
{
    struct agg *a = &s->agg;
    wmem_allocator_t *tmp = wmem_allocator_new(WMEM_ALLOCATOR_BLOCK);
    struct st_dur *dur = agg_durations(a);
    struct st_out o;
    guint i, k, r;

    out_begin(&o, s->fmt, conv_cols, G_N_ELEMENTS(conv_cols));
    out_meta(&o, "view", "tcpstate,conv", 0);
    out_meta(&o, "filter", s->filter ? s->filter : "", 0);
    out_rows(&o, "connections");
    for (i = 0; i < a->conns->len; i++) {
        struct conv_row cr;
        conv_row(tmp, agg_conn(a, i), &cr);
        out_row(&o);
        if (cr.stream == TCPSTATE_NO_STREAM)
            out_str(&o, NULL);
        else
            out_u64(&o, cr.stream);
        out_str(&o, cr.client);
        out_str(&o, cr.server);
        out_str(&o, cr.client_state);
        out_str(&o, cr.server_state);
        out_str(&o, cr.conn_state);
        out_str(&o, cr.history);
        out_str(&o, cr.closer);
        if (strcmp(cr.rtt_ms, "-") == 0)
            out_str(&o, NULL);
        else
            out_num(&o, "%.3f", g_ascii_strtod(cr.rtt_ms, NULL));
        out_num(&o, "%.6f", cr.duration_s);
        out_str(&o, cr.anomalies);
        for (r = 0; r < 2; r++)
            for (k = 0; k < ST_DUR_N; k++)
                out_dur(&o, dur[i].d[r][k], dur[i].partial[r][k]);
        out_dur(&o, dur[i].teardown, dur[i].teardown_partial);
        out_row_end(&o);
    }
    out_end(&o);
    g_free(dur);
    wmem_destroy_allocator(tmp);
}

static void draw_conv(struct cli *s)
{
    struct agg *a = &s->agg;
    wmem_allocator_t *tmp = wmem_allocator_new(WMEM_ALLOCATOR_BLOCK);
    struct st_dur *dur = s->durations ? agg_durations(a) : NULL;
    guint i, k, r;

    printf("\n" STATS_SEP "\n");
    printf("TCP connections (tcpstate,conv)\n");
    cli_print_filter(s->filter);
    if (dur)
        printf("durations in seconds; a trailing +: still in the state at the end of the capture (or in it\n"
               "from its start), a lower bound; TIME_WAIT ends 2*MSL after it began\n");
    printf("%-6s %-24s %-24s %-12s %-12s %-10s %-12s %-7s %9s %10s  %s", "stream", "client", "server",
           "client_state", "server_state", "conn_state", "history", "closer", "rtt_ms", "duration_s",
           "anomalies");
    if (dur) {
        for (r = 0; r < 2; r++)
            for (k = 0; k < ST_DUR_N; k++)
                printf(" %s%s", r == TCPST_CLIENT ? "client_" : "server_", dur_cols[k]);
        printf(" teardown_s");
    }
    printf("\n");
    for (i = 0; i < a->conns->len; i++) {
        struct conv_row cr;
        conv_row(tmp, agg_conn(a, i), &cr);
        printf("%-6s %-24s %-24s %-12s %-12s %-10s %-12s %-7s %9s %10.6f  %s",
               cr.stream == TCPSTATE_NO_STREAM ? "-" : wmem_strdup_printf(tmp, "%u", cr.stream), cr.client,
               cr.server, cr.client_state, cr.server_state, cr.conn_state, cr.history, cr.closer, cr.rtt_ms,
               cr.duration_s, cr.anomalies);
        if (dur) {
            for (r = 0; r < 2; r++)
                for (k = 0; k < ST_DUR_N; k++)
                    printf(" %s", dur_str(tmp, dur[i].d[r][k], dur[i].partial[r][k]));
            printf(" %s", dur_str(tmp, dur[i].teardown, dur[i].teardown_partial));
        }
        printf("\n");
    }
    printf(STATS_SEP "\n");
    g_free(dur);
    wmem_destroy_allocator(tmp);
}

static gint point_cmp(gconstpointer pa, gconstpointer pb)
{
    const struct st_point *a = (const struct st_point *)pa, *b = (const struct st_point *)pb;
    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return a->frame < b->frame ? -1 : a->frame > b->frame;
}

/* Beyond this many intervals, ts prints only the rows whose counts changed
 * (and the last): a sparse capture at a short interval stays small. */
#define TS_MAX_ROWS 100000u

/* The first row at or after row from which something may change: the row of
 * the next point or of the next TIME_WAIT expiry, one early against rounding. */
static guint64 ts_next_row(const struct agg *a, guint p, const struct ts_run *run, double interval,
                           guint64 row, guint64 nrows)
{
    double t = ts_run_next_expiry(run), f;

    if (p < a->points->len)
        t = MIN(t, g_array_index(a->points, struct st_point, p).t);
    f = floor(t / interval) - 1;
    if (!(f < (double)nrows - 1))
        return nrows - 1;
    return f > (double)row ? (guint64)f : row;
}

/* One row of ts: the interval [start, end) and the census at its end. */
typedef void (*ts_emit)(void *ctx, double start, double end, const struct ts_run *run);

/* Replays the points interval by interval and hands each row to emit: every
 * interval, or beyond TS_MAX_ROWS those whose counts changed and the last.
 * Returns how many intervals were left out. */
static guint64 ts_replay(struct cli *s, guint64 nrows, ts_emit emit, void *ctx)
{
    struct agg *a = &s->agg;
    struct ts_run run;
    guint p = 0;
    guint64 row, left_out = 0, prev[TCPST_NUM_STATES];
    gboolean sparse = nrows > TS_MAX_ROWS, printed = FALSE;

    ts_run_init(&run);
    g_array_sort(a->points, point_cmp);
    for (row = 0; row < nrows; row++) {
        double end;
        gboolean last;

        if (sparse) {
            guint64 next = ts_next_row(a, p, &run, s->interval, row, nrows);
            left_out += next - row;
            row = next;
        }
        end = (double)(row + 1) * s->interval;
        last = row + 1 == nrows;
        for (; p < a->points->len; p++) {
            const struct st_point *pt = &g_array_index(a->points, struct st_point, p);
            if (!last && pt->t >= end)
                break;
            ts_run_apply(&run, a, pt);
        }
        ts_run_expire(&run, last ? a->t_end : end);
        if (sparse && !last && printed && memcmp(prev, run.counts, sizeof prev) == 0) {
            left_out++;
            continue;
        }
        memcpy(prev, run.counts, sizeof prev);
        printed = TRUE;
        emit(ctx, (double)row * s->interval, last ? a->t_end : end, &run);
    }
    ts_run_free(&run);
    return left_out;
}

static void ts_emit_row(void *ctx, double start, double end, const struct ts_run *run)
{
    struct st_out *o = (struct st_out *)ctx;
    guint k;

    out_row(o);
    out_num(o, "%.6f", start);
    out_num(o, "%.6f", end);
    for (k = TCPST_CLOSED; k < TCPST_NUM_STATES; k++)
        out_u64(o, run->counts[k]);
    out_row_end(o);
}

static guint64 ts_nrows(const struct cli *s)
{
    return s->agg.segs ? (guint64)floor(s->agg.t_end / s->interval) + 1 : 0;
}

static void draw_ts(struct cli *s)
{
    struct agg *a = &s->agg;
    struct st_out o;
    const char *cols[2 + TCPST_NUM_STATES];
    guint k, ncols = 0;
    guint64 nrows = ts_nrows(s), left_out;
    gboolean sparse = nrows > TS_MAX_ROWS, text = s->fmt == ST_TEXT;

    if (text) {
        printf("\n" STATS_SEP "\n");
        printf("# TCP endpoint states over time (tcpstate,ts,%g)\n", s->interval);
        printf("# %s%s\n", "Filter: ", s->filter ? s->filter : "<none>");
        printf("# endpoints in each state at the end of each interval (capture end for the last);\n");
        printf("# a TIME_WAIT endpoint counts as CLOSED once 2*MSL (%g s) have passed\n",
               2.0 * (double)tcpstate_msl());
        if (sparse)
            printf("# %" G_GUINT64_FORMAT " intervals, more than %u: only the intervals in which a count"
                   " changed, and the last\n", nrows, TS_MAX_ROWS);
    }
    cols[ncols++] = "start";
    cols[ncols++] = "end";
    for (k = TCPST_CLOSED; k < TCPST_NUM_STATES; k++)
        cols[ncols++] = tcpst_state_name(k);
    /* the text form is CSV with comments */
    out_begin(&o, text ? ST_CSV : s->fmt, cols, ncols);
    out_meta(&o, "view", "tcpstate,ts", 0);
    out_meta(&o, "filter", s->filter ? s->filter : "", 0);
    out_meta(&o, "interval", NULL, s->interval);
    out_meta(&o, "intervals", NULL, (double)nrows);
    out_rows(&o, "rows");
    left_out = ts_replay(s, nrows, ts_emit_row, &o);
    out_end(&o);
    if (text && sparse)
        printf("# %" G_GUINT64_FORMAT " intervals without a change left out; every row: an interval of at"
               " least %g s\n", left_out, a->t_end / (TS_MAX_ROWS - 1));
    if (text)
        printf(STATS_SEP "\n");
}

/* ---- ts,openmetrics: per host, node_exporter's tcpstat gauge -------------- */

/* node_exporter's names of the kernel's states (collector/tcpstat_linux.go),
 * in its order; NULL: none (our CLOSED: the endpoint has no socket). */
static const struct {
    guint8 state;
    const char *name;
} om_states[] = {
    { TCPST_ESTABLISHED, "established" }, { TCPST_SYN_SENT, "syn_sent" },    { TCPST_SYN_RECEIVED, "syn_recv" },
    { TCPST_FIN_WAIT_1, "fin_wait1" },    { TCPST_FIN_WAIT_2, "fin_wait2" }, { TCPST_TIME_WAIT, "time_wait" },
    { TCPST_UNKNOWN, "close" },           { TCPST_CLOSE_WAIT, "close_wait" }, { TCPST_LAST_ACK, "last_ack" },
    { TCPST_LISTEN, "listen" },           { TCPST_CLOSING, "closing" },
};

struct om_ctx {
    guint nhosts;
    guint *host_of;             /* per endpoint slot: host index, G_MAXUINT: not counted */
    GArray *times;              /* double: each row's end */
    GArray *counts;             /* guint32 per row, host and state */
};

static void om_emit(void *ctx, double start _U_, double end, const struct ts_run *run)
{
    struct om_ctx *m = (struct om_ctx *)ctx;
    guint base = m->counts->len, slot;

    g_array_append_val(m->times, end);
    g_array_set_size(m->counts, base + m->nhosts * TCPST_NUM_STATES);
    for (slot = 0; slot < run->cur->len; slot++) {
        guint8 st = g_array_index(run->cur, guint8, slot);
        guint host = m->host_of[slot];
        if (host != G_MAXUINT && st < TCPST_NUM_STATES)
            g_array_index(m->counts, guint32, base + host * TCPST_NUM_STATES + st)++;
    }
}

static gint addr_ptr_cmp(gconstpointer pa, gconstpointer pb)
{
    return cmp_address(*(const address *const *)pa, *(const address *const *)pb);
}

static void draw_ts_openmetrics(struct cli *s)
{
    struct agg *a = &s->agg;
    wmem_allocator_t *tmp = wmem_allocator_new(WMEM_ALLOCATOR_BLOCK);
    GPtrArray *hosts = g_ptr_array_new();
    struct om_ctx m;
    guint i, j, r, h, k;

    for (i = 0; i < a->conns->len; i++)
        for (r = 0; r < 2; r++)
            if (s->om_host.type == AT_NONE || addresses_equal(&s->om_host, &agg_conn(a, i)->addr[r]))
                g_ptr_array_add(hosts, &agg_conn(a, i)->addr[r]);
    g_ptr_array_sort(hosts, addr_ptr_cmp);
    for (i = j = 0; i < hosts->len; i++)
        if (!j || !addresses_equal(g_ptr_array_index(hosts, i), g_ptr_array_index(hosts, j - 1)))
            g_ptr_array_index(hosts, j++) = g_ptr_array_index(hosts, i);
    g_ptr_array_set_size(hosts, j);

    m.nhosts = hosts->len;
    m.host_of = g_new(guint, 2 * a->conns->len + 1);
    for (i = 0; i < a->conns->len; i++)
        for (r = 0; r < 2; r++) {
            const address *ad = &agg_conn(a, i)->addr[r];
            guint lo = 0, hi = hosts->len;
            while (lo < hi) {   /* the first host >= ad */
                guint mid = (lo + hi) / 2;
                if (cmp_address((const address *)g_ptr_array_index(hosts, mid), ad) < 0)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            m.host_of[2 * i + r] =
                lo < hosts->len && addresses_equal(ad, g_ptr_array_index(hosts, lo)) ? lo : G_MAXUINT;
        }
    m.times = g_array_new(FALSE, FALSE, sizeof(double));
    m.counts = g_array_new(FALSE, TRUE, sizeof(guint32));
    ts_replay(s, ts_nrows(s), om_emit, &m);

    printf("# HELP node_tcp_connection_states Number of connection states.\n");
    printf("# TYPE node_tcp_connection_states gauge\n");
    /* whole seconds, each interval's end rounded up; of rows ending in the
     * same second, the last one */
    for (i = 0; i < m.times->len; i++)
        g_array_index(m.times, double, i) = ceil(s->first_abs + g_array_index(m.times, double, i));
    for (h = 0; h < m.nhosts; h++) {
        const char *inst = address_to_str(tmp, (const address *)g_ptr_array_index(hosts, h));
        for (k = 0; k < G_N_ELEMENTS(om_states); k++)
            for (i = 0; i < m.times->len; i++) {
                double when = g_array_index(m.times, double, i);
                guint32 v = om_states[k].state == TCPST_UNKNOWN ? 0 :
                    g_array_index(m.counts, guint32, (i * m.nhosts + h) * TCPST_NUM_STATES + om_states[k].state);
                if (i + 1 < m.times->len && g_array_index(m.times, double, i + 1) == when)
                    continue;
                printf("node_tcp_connection_states{state=\"%s\",instance=\"%s\"} %u %.0f\n", om_states[k].name,
                       inst, v, when);
            }
    }
    printf("# EOF\n");
    g_array_free(m.times, TRUE);
    g_array_free(m.counts, TRUE);
    g_free(m.host_of);
    g_ptr_array_free(hosts, TRUE);
    wmem_destroy_allocator(tmp);
}

static void cli_draw(void *arg)
{
    struct cli *s = (struct cli *)arg;

    if (!agg_valid(&s->agg))
        cli_reset(s);
    switch (s->mode) {
    case M_SUM: draw_sum(s); break;
    case M_CONV:
        if (s->fmt == ST_TEXT)
            draw_conv(s);
        else
            draw_conv_rows(s);
        break;
    case M_TS:
        if (s->openmetrics)
            draw_ts_openmetrics(s);
        else
            draw_ts(s);
        break;
    case M_LADDER: ladder_draw(s->ladder, &s->agg, s->filter); break;
    default: break;
    }
}

static void cli_finish(void *arg)
{
    struct cli *s = (struct cli *)arg;

    agg_free(&s->agg);
    if (s->ladder)
        ladder_free(s->ladder);
    g_free(s->filter);
    g_free(s);
}

G_NORETURN void cli_fail(const char *what, const char *why)
{
    fprintf(stderr, "tshark: invalid \"-z %s\": %s\n", what, why);
    exit(1);
}

/* The part of opt after prefix: "" or ",rest" -> "rest" (NULL when empty). */
const char *cli_after_prefix(const char *opt, const char *prefix)
{
    const char *p = opt + strlen(prefix);
    if (*p == ',')
        p++;
    return *p ? p : NULL;
}

/* ts,openmetrics,host=ADDR: the address; returns what follows it. */
static const char *ts_om_host(struct cli *s, const char *opt, const char *text)
{
    const char *comma = strchr(text, ',');
    char *addr = g_strndup(text, comma ? (gsize)(comma - text) : strlen(text));

    if (!opt_address(addr, &s->om_host, s->om_host_buf))
        cli_fail(opt, "want tcpstate,ts,<interval>,openmetrics[,host=<address>][,filter]");
    g_free(addr);
    return comma && comma[1] ? comma + 1 : NULL;
}

/* The SVG file can be written: tried now, not after the whole capture was
 * read (tshark then fails with the -z option's error). */
static void ladder_check_svg(const char *opt, const char *svg)
{
    FILE *f = *svg ? fopen(svg, "w") : NULL;

    if (!f) {
        char *why = g_strdup_printf("cannot write %s: %s", svg, *svg ? g_strerror(errno) : "no file name");
        cli_fail(opt, why);
    }
    fclose(f);
}

static void cli_start(const char *opt, enum st_mode mode, const char *prefix)
{
    struct cli *s = g_new0(struct cli, 1);
    const char *rest = cli_after_prefix(opt, prefix);
    char *svg = NULL;
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
        g_free(arg);
        rest = comma && comma[1] ? comma + 1 : NULL;
        if (mode == M_LADDER && rest && strncmp(rest, "svg=", 4) == 0) {
            comma = strchr(rest, ',');
            svg = g_strndup(rest + 4, comma ? (gsize)(comma - rest - 4) : strlen(rest + 4));
            rest = comma && comma[1] ? comma + 1 : NULL;
            ladder_check_svg(opt, svg);
        }
        if (mode == M_TS)
            s->interval = d;
        else
            s->ladder = ladder_new((guint32)d, svg);
        g_free(svg);
    }
    /* conv and ts: option words before the filter */
    while (mode == M_CONV || mode == M_TS) {
        if (mode == M_CONV && opt_take(&rest, "durations"))
            s->durations = TRUE;
        else if (mode == M_TS && opt_take(&rest, "openmetrics"))
            s->openmetrics = TRUE;
        else if (mode == M_TS && s->openmetrics && rest && strncmp(rest, "host=", 5) == 0)
            rest = ts_om_host(s, opt, rest + 5);
        else if (!opt_take_fmt(&rest, &s->fmt))
            break;
    }
    if (s->openmetrics && (s->interval < 1 || s->fmt != ST_TEXT))
        cli_fail(opt, "openmetrics: timestamps are whole seconds, the interval must be at least 1, no csv or json");
    s->filter = rest ? g_strdup(rest) : NULL;
    agg_init(&s->agg, mode == M_TS || s->durations || s->fmt != ST_TEXT);
    err = register_tap_listener("tcpstate", s, s->filter, TL_REQUIRES_NOTHING, cli_reset, cli_packet,
                                cli_draw, cli_finish);
    if (err)
        cli_fail(opt, err->str);
}

/* The -z forms; each one's data is its entry here. */
static TCPSTATE_STAT_INIT_TYPE cli_init(const char *opt, void *userdata);

static struct cli_form {
    stat_tap_ui ui;
    enum st_mode mode;
} cli_forms[] = {
    { { REGISTER_STAT_GROUP_GENERIC, NULL, "tcpstate,sum", cli_init, 0, NULL }, M_SUM },
    { { REGISTER_STAT_GROUP_GENERIC, NULL, "tcpstate,conv", cli_init, 0, NULL }, M_CONV },
    { { REGISTER_STAT_GROUP_GENERIC, NULL, "tcpstate,ts", cli_init, 0, NULL }, M_TS },
    { { REGISTER_STAT_GROUP_GENERIC, NULL, "tcpstate,ladder", cli_init, 0, NULL }, M_LADDER },
    { { REGISTER_STAT_GROUP_GENERIC, NULL, "tcpstate,ss", cli_init, 0, NULL }, M_SS },
    { { REGISTER_STAT_GROUP_GENERIC, NULL, "tcpstate,hosts", cli_init, 0, NULL }, M_HOSTS },
};

static TCPSTATE_STAT_INIT_TYPE cli_init(const char *opt, void *userdata)
{
    const struct cli_form *f = (const struct cli_form *)userdata;

    if (f->mode == M_SS || f->mode == M_HOSTS)
        hosts_start(opt, f->mode == M_SS, f->ui.cli_string);   /* tcpstate_stats_hosts.c */
    else
        cli_start(opt, f->mode, f->ui.cli_string);
    TCPSTATE_STAT_INIT_RETURN;
}

void stats_register_cli(void)
{
    guint i;

    for (i = 0; i < G_N_ELEMENTS(cli_forms); i++)
        register_stat_tap_ui(&cli_forms[i].ui, &cli_forms[i]);
}
