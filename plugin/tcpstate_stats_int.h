/* tcpstate_stats_int.h - what the statistics' files share: the aggregation
 * of the "tcpstate" tap that every output reads (tcpstate_stats.c), and how
 * the views hook into it. Private to tcpstate_stats*.c and tcpstate_ladder.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPSTATE_STATS_INT_H
#define TCPSTATE_STATS_INT_H

#include <wireshark.h>
#include <epan/packet.h>

#include "tcpstate_core.h"
#include "tcpstate_tap.h"
#include "tcpstate_stats.h"

/* ---- anomalies: the event bits of the records --------------------------- */

#define N_EVENTS TCPST_NUM_EVENTS

struct stats_event {
    guint32 bit;
    const char *tag;    /* conv column */
    const char *name;   /* sum and GUI */
};
extern const struct stats_event stats_events[N_EVENTS];

/* The events of a connection, each counted once. */
guint32 conn_events(guint32 ev);

/* ---- the aggregation ---------------------------------------------------- */

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
    guint8 sent[2];                 /* by role: ST_SENT_* */
    guint32 events;
    double t_first, t_last, t_syn, t_hs;   /* t_syn, t_hs < 0: not seen */
    gint32 prev_same, next_same;    /* the connection before and after this one
                                     * between the same two endpoints (-1:
                                     * none): one ends when the next begins */
};

/* A record that may move a state, for the time series. */
struct st_point {
    double t;
    guint32 idx, frame;
    const struct tcpst_rec *rec;
    const struct tcpst_conn *conn;
};

/* What an endpoint sent (struct st_conn's sent[]). */
#define ST_SENT_SYN   0x01u         /* a SYN without ACK */
#define ST_SENT_OTHER 0x02u         /* a segment other than that: ACK, RST, FIN or data */

/* Confirmed: the capture shows the endpoint exists, having sent a segment
 * other than a SYN without ACK. Otherwise it is assumed (docs/stats.md). */
static inline gboolean conn_confirmed(const struct st_conn *c, unsigned role)
{
    return (c->sent[role] & ST_SENT_OTHER) != 0;
}

struct agg {
    wmem_allocator_t *pool;     /* addresses */
    GHashTable *by_conn;        /* tcpst_conn * -> index + 1 */
    GHashTable *by_pair;        /* the two endpoints (text, in pool) -> index + 1 of the latest */
    GArray *conns;              /* struct st_conn */
    GArray *points;             /* struct st_point, when keep_points */
    gboolean keep_points;
    guint64 segs, phase_segs[TCPST_NUM_PHASES], event_segs[N_EVENTS];
    guint64 cur_counts[TCPST_NUM_STATES];  /* endpoints per state, view at packet time */
    double t_end;
    guint generation;           /* file the stored record pointers belong to */
};

void agg_init(struct agg *a, gboolean keep_points);
void agg_reset(struct agg *a);
void agg_free(struct agg *a);
/* False when the records stored so far belong to a closed file. */
gboolean agg_valid(const struct agg *a);

static inline struct st_conn *agg_conn(struct agg *a, guint idx)
{
    return &g_array_index(a->conns, struct st_conn, idx);
}

/* One tapped segment. Returns the connection's index, or -1 for a segment
 * of no connection. */
int agg_packet(struct agg *a, const packet_info *pinfo, const struct tcpstate_tap *t);

/* A connection's final view: its last record with hindsight. */
void conn_final(const struct st_conn *c, struct tcpst_view *v);

/* "10.0.0.1:80", "[::1]:80" */
char *endpoint_str(wmem_allocator_t *scope, const address *a, guint16 port);

/* One connection's row, as -z tcpstate,conv prints it and the GUI's
 * Connections table shows it: final view, strings in scope. */
struct conv_row {
    guint32 stream;
    const char *client, *server, *client_state, *server_state, *conn_state, *history, *closer;
    const char *rtt_ms;         /* "-" without a completed handshake */
    double duration_s;
    const char *anomalies;
};

void conv_row(wmem_allocator_t *scope, const struct st_conn *c, struct conv_row *r);

/* Endpoint census replayed in time order (tshark's ts and the GUI's table):
 * records applied with hindsight, TIME_WAIT running out after 2*MSL. */
struct ts_run {
    double two_msl;
    guint64 counts[TCPST_NUM_STATES];
    GArray *cur;                /* guint8 per endpoint slot (2 * connection + role) */
    GArray *twgen;              /* guint32 per slot: the latest TIME_WAIT entry */
    GQueue tw;                  /* struct tw_entry, in time order */
};

void ts_run_init(struct ts_run *r);
void ts_run_free(struct ts_run *r);
/* TIME_WAIT endpoints whose 2*MSL ran out by time cut become CLOSED. */
void ts_run_expire(struct ts_run *r, double cut);
/* One stored point (after the expiries up to its time). */
void ts_run_apply(struct ts_run *r, const struct agg *a, const struct st_point *pt);

/* ---- the views ---------------------------------------------------------- */

/* tshark's -z forms (tcpstate_stats_cli.c): the part of opt after prefix
 * ("" or ",rest" -> "rest", NULL when empty), and the error exit. */
const char *cli_after_prefix(const char *opt, const char *prefix);
G_NORETURN void cli_fail(const char *what, const char *why);
void cli_print_filter(const char *filter);

/* Starts -z tcpstate,ss (ss) or -z tcpstate,hosts (tcpstate_stats_hosts.c);
 * prefix: the form's name. */
void hosts_start(const char *opt, gboolean ss, const char *prefix);

#define STATS_SEP "==================================================================================="

/* The ladder of one tcp.stream (tcpstate_ladder.c), fed by -z tcpstate,ladder. */
struct ladder;
struct ladder *ladder_new(guint32 stream, const char *svg);
/* Keeps the segment when it is of the ladder's stream; false otherwise, and
 * then the segment is not the ladder's business. */
gboolean ladder_packet(struct ladder *l, const struct agg *a, const packet_info *pinfo,
                       const struct tcpstate_tap *t);
void ladder_reset(struct ladder *l);
/* Prints the ladder (and writes its SVG); a: the aggregation of the
 * segments it kept. */
void ladder_draw(const struct ladder *l, struct agg *a, const char *filter);
void ladder_free(struct ladder *l);
/* A segment's label in the ladder: "SYN,ACK seq=0 ack=1", "PSH,ACK seq=1
 * ack=1 len=40" (buf of 96 bytes holds any). */
void ladder_label(char *buf, gsize n, guint8 flags, guint32 seq, guint32 ack, guint32 len);

/* ---- ts: sparse rows (tcpstate_stats_cli.c) ------------------------------- */

/* The time of the next TIME_WAIT expiry of a run (INFINITY when none waits). */
double ts_run_next_expiry(const struct ts_run *r);

/* ---- the GUI's Hosts table: the host view's counting (tcpstate_stats_hosts.c) ---- */

struct hosts;
struct hosts_row {
    address host;               /* its data valid until the next reset */
    guint8 state;
    const char *ss_name;        /* as ss -tan spells the state */
    guint64 confirmed, assumed;
};

struct hosts *hosts_table_new(void);
void hosts_table_reset(struct hosts *h);
void hosts_table_packet(struct hosts *h, packet_info *pinfo, const void *data);
/* struct hosts_row: -z tcpstate,hosts's counts at the end of what was fed
 * (owned by h); [*lo, *hi): the rows changed since the last call. */
GArray *hosts_table_rows(struct hosts *h, guint *lo, guint *hi);

/* ---- state durations (tcpstate_stats.c; conv and hosts) -------------------- */

/* The states whose durations are measured, in this order. */
#define ST_DUR_N 4
extern const guint8 st_dur_states[ST_DUR_N];  /* SYN_RECEIVED, FIN_WAIT_2, CLOSE_WAIT, TIME_WAIT */

/* One connection's: seconds each endpoint (by role) spent in each state,
 * < 0 when never in it; partial: a lower bound (still in it at the end of
 * the capture, or picked up in it). A TIME_WAIT ends 2*MSL after it began
 * unless a segment ends it earlier. teardown: from the first FIN until both
 * endpoints are CLOSED or TIME_WAIT (< 0: no FIN). */
struct st_dur {
    double d[2][ST_DUR_N];
    gboolean partial[2][ST_DUR_N];
    double teardown;
    gboolean teardown_partial;
};

/* One per connection of a (which keeps points), g_free() it. */
struct st_dur *agg_durations(const struct agg *a);
/* "-", "0.100268", or "120.000000+" for a lower bound. */
char *dur_str(wmem_allocator_t *scope, double d, gboolean partial);

/* ---- CSV and JSON (tcpstate_stats_out.c) ---------------------------------- */

enum st_fmt { ST_TEXT, ST_CSV, ST_JSON };

/* An option word at the start of rest ("word" or "word,..."): consumed
 * (rest moves past it, NULL when nothing follows) and TRUE. */
gboolean opt_take(const char **rest, const char *word);
/* "csv" or "json" at the start of rest, as opt_take. */
gboolean opt_take_fmt(const char **rest, enum st_fmt *fmt);
/* An IPv4 or IPv6 address in text into a, its bytes in buf (16 bytes). */
gboolean opt_address(const char *text, address *a, guint8 *buf);

/* Rows as CSV (a header line of cols, RFC 4180 quoting) or as JSON:
 * {META..., "KEY": [{col: value, ...}, ...]}. Per row: out_row, one cell per
 * column in cols' order, out_row_end. */
struct st_out {
    enum st_fmt fmt;
    const char *const *cols;
    guint ncols, col;
    guint64 nrows;
};

void out_begin(struct st_out *o, enum st_fmt fmt, const char *const *cols, guint ncols);
/* JSON only, before out_rows: "key": str (a string), or num when str is NULL. */
void out_meta(struct st_out *o, const char *key, const char *str, double num);
void out_rows(struct st_out *o, const char *key);
void out_row(struct st_out *o);
void out_str(struct st_out *o, const char *v);     /* NULL: null, or an empty CSV cell */
void out_num(struct st_out *o, const char *fmt, double v);
void out_u64(struct st_out *o, guint64 v);
void out_bool(struct st_out *o, gboolean v);
void out_row_end(struct st_out *o);
void out_end(struct st_out *o);

#endif
