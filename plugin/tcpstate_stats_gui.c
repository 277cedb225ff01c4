/* tcpstate_stats_gui.c - the tables of Wireshark's Tools > TCP State menu:
 * Summary, Connections, Counts per Second, Hosts and Ladder. tshark prints
 * them too: -z tcpstate,sumtable, -z tcpstate,conntable, -z tcpstate,tstable,
 * -z tcpstate,hoststable, -z tcpstate,laddertable.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_BUILD_DLL
#include <wireshark.h>
#include <string.h>
#include <math.h>
#include <epan/packet.h>
#include <epan/tap.h>
#include <epan/stat_tap_ui.h>
#include <epan/plugin_if.h>
#include <epan/to_str.h>

#include "tcpstate_core.h"
#include "tcpstate_tap.h"
#include "tcpstate_flow.h"
#include "tcpstate_stats_int.h"

/* stat_tap_table_ui tables. Wireshark puts a table of the Tools group in a
 * submenu by its title's "/" (the Statistics menu makes no submenu of a
 * table), hence Tools > TCP State > ...
 *
 * A table has no draw hook: its rows are set per packet, from the same
 * aggregation as the tshark outputs. The GUI taps a file it has read
 * completely, where every record already has hindsight and every
 * connection's Zeek values are final, so once the last segment is tapped
 * the rows equal -z tcpstate,sum, -z tcpstate,conv, -z tcpstate,ts,1,
 * -z tcpstate,hosts and -z tcpstate,ladder.
 *
 * A table belongs to its stat_tap_table_ui and is shared by every dialog
 * open on it; each dialog keeps pointers into the rows. A reset therefore
 * frees no row: it hides them (num_elements 0) and the next run refills them.
 */

#define MENU "TCP State/"

/* Summary: what a connection adds to the counts, as of its latest segment. */
struct sum_conn {
    guint32 events;             /* conn_events() of its final view */
    guint16 zlines;             /* Zeek connections counted (the last one may still change) */
    guint8 zlast;               /* the last one's conn_state as counted */
};

/* Summary: one row as shown. */
struct sum_row {
    const char *group, *item;
    guint64 count, of;          /* of: the total of Percent, 0 for none */
};

#define SUM_MAX_ROWS (3 + TCPST_NUM_STATES + TCPST_NUM_PHASES + TCPST_Z_NUM + N_EVENTS + 1)

struct sum {
    GArray *conns;              /* struct sum_conn, by connection index */
    guint64 zeek[TCPST_Z_NUM];  /* Zeek connections per conn_state */
    guint64 ev_conns[N_EVENTS]; /* connections per anomaly */
    struct sum_row shown[SUM_MAX_ROWS];
    guint nshown;
};

/* Ladder: whose segments it shows. */
struct lad {
    guint32 conn;               /* the selected packet's connection id; 0: every connection */
};

struct gui_tab {
    const char *name;
    stat_tap_table *table;      /* NULL until a dialog (or tshark) starts */
    guint rows_alloc;           /* rows allocated in table->elements, >= num_elements */
    struct agg agg;
    struct ts_run run;          /* State Counts */
    guint64 row;                /* State Counts: the interval being filled */
    struct hosts *hosts;        /* Hosts: the host view's own aggregation */
    struct sum *sum;            /* Summary */
    struct lad lad;             /* Ladder */
};

#define TS_GUI_INTERVAL 1.0

static struct gui_tab tab_conn = { .name = "TCP connections" };
static struct gui_tab tab_ts = { .name = "TCP endpoint states per second" };
static struct gui_tab tab_hosts = { .name = "TCP sockets per host" };
static struct gui_tab tab_sum = { .name = "TCP state summary" };
static struct gui_tab tab_lad = { .name = "TCP ladder" };

static struct gui_tab *const tabs[] = { &tab_sum, &tab_conn, &tab_ts, &tab_hosts, &tab_lad };

static struct gui_tab *tab_of(const stat_tap_table *t)
{
    for (guint i = 0; t && i < G_N_ELEMENTS(tabs); i++)
        if (tabs[i]->table == t)
            return tabs[i];
    return NULL;
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
    if (g->hosts)
        hosts_table_reset(g->hosts);
    if (g->sum) {
        g_array_set_size(g->sum->conns, 0);
        memset(g->sum->zeek, 0, sizeof g->sum->zeek);
        memset(g->sum->ev_conns, 0, sizeof g->sum->ev_conns);
        g->sum->nshown = 0;
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
        if (g == &tab_hosts)
            g->hosts = hosts_table_new();
        if (g == &tab_sum) {
            g->sum = g_new0(struct sum, 1);
            g->sum->conns = g_array_new(FALSE, TRUE, sizeof(struct sum_conn));
        }
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
        ts_run_apply(&g->run, a, &g_array_index(a->points, struct st_point, i));
    g_array_set_size(a->points, 0);
    ts_run_expire(&g->run, a->t_end);
    ts_tab_row(g, g->row, a->t_end);
    return TAP_PACKET_REDRAW;
}

/* Hosts: a row per host and socket state, as -z tcpstate,hosts counts them
 * at the end of what was tapped so far, kept up to date per packet
 * (tcpstate_stats_hosts.c); only the rows that changed are written. */
static stat_tap_table_item hosts_fields[] = {
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Host", "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "State", "%s" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Confirmed", "%u" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Assumed", "%u" },
};
static void hosts_tab_init(stat_tap_table_ui *ui)
{
    tab_init(&tab_hosts, ui, G_N_ELEMENTS(hosts_fields));
}

static tap_packet_status hosts_tab_packet(void *arg _U_, packet_info *pinfo, epan_dissect_t *edt _U_,
                                          const void *data, tap_flags_t flags _U_)
{
    struct gui_tab *g = &tab_hosts;
    GArray *rows;
    guint i, lo, hi;

    if (!g->table)
        return TAP_PACKET_DONT_REDRAW;
    hosts_table_packet(g->hosts, pinfo, data);
    rows = hosts_table_rows(g->hosts, &lo, &hi);
    for (i = lo; i < hi; i++) {
        const struct hosts_row *r = &g_array_index(rows, struct hosts_row, i);
        stat_tap_table_item_type f[G_N_ELEMENTS(hosts_fields)];
        memset(f, 0, sizeof f);
        f[0].type = f[1].type = TABLE_ITEM_STRING;
        f[0].value.string_value = address_to_str(NULL, &r->host);   /* g_malloc'ed */
        f[1] = str_item(r->ss_name);
        f[2].type = f[3].type = TABLE_ITEM_UINT;
        f[2].value.uint_value = (guint)r->confirmed;
        f[3].value.uint_value = (guint)r->assumed;
        tab_set_row(g, i, f);
    }
    g->table->num_elements = rows->len;   /* rows past these are hidden, as after a reset */
    return lo < hi ? TAP_PACKET_REDRAW : TAP_PACKET_DONT_REDRAW;
}

/* Summary: -z tcpstate,sum's counts as rows in lifecycle order (the states
 * as RFC 9293's diagram goes, the phases as a connection passes them), the
 * Zeek conn_states and anomalies that occurred only. */
static stat_tap_table_item sum_fields[] = {
    /* the dialog sorts by its first column: this keeps the rows' order */
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "#", "%u" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Group", "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Item", "%s" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Count", "%u" },
    { TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Percent", "%s" },
};

#define G_CAPTURE "Capture"
#define G_STATES "Endpoint states at the end"
#define G_PHASES "Segments per phase"
#define G_ZEEK "Zeek conn_state (conn.log lines)"
#define G_ANOMALIES "Anomalies (connections)"

static void sum_tab_init(stat_tap_table_ui *ui)
{
    tab_init(&tab_sum, ui, G_N_ELEMENTS(sum_fields));
}

/* Replaces what connection idx adds to the counts with what its latest
 * segment makes it add, as -z tcpstate,sum counts a connection at the end. */
static void sum_conn_update(struct sum *m, struct agg *a, guint idx)
{
    const struct st_conn *c = agg_conn(a, idx);
    struct sum_conn *sc;
    struct tcpst_view v;
    guint32 ev, diff;
    const char *h;
    unsigned len, k;
    uint8_t z;

    if (m->conns->len <= idx)
        g_array_set_size(m->conns, idx + 1);
    sc = &g_array_index(m->conns, struct sum_conn, idx);
    conn_final(c, &v);
    ev = conn_events(c->events | v.events);
    diff = ev ^ sc->events;
    for (k = 0; diff && k < N_EVENTS; k++)
        if (diff & stats_events[k].bit) {
            if (ev & stats_events[k].bit)
                m->ev_conns[k]++;
            else
                m->ev_conns[k]--;
        }
    sc->events = ev;
    /* Zeek connections before the last one are final; the last one may
     * have moved on */
    k = sc->zlines;
    if (k) {
        m->zeek[sc->zlast]--;
        k--;
    }
    for (; tcpst_zeek_conn(c->conn, k, &z, &h, &len); k++)
        m->zeek[z < TCPST_Z_NUM ? z : TCPST_Z_NONE]++;
    sc->zlines = (guint16)k;
    if (k && tcpst_zeek_conn(c->conn, k - 1, &z, &h, &len))
        sc->zlast = z < TCPST_Z_NUM ? z : TCPST_Z_NONE;
}

static guint sum_rows(const struct sum *m, const struct agg *a, struct sum_row *rows)
{
    guint64 nc = a->conns->len, zt = 0;
    guint n = 0, k, nev = 0;

#define ROW(g, i, c, o) (rows[n].group = (g), rows[n].item = (i), rows[n].count = (c), rows[n].of = (o), n++)
    ROW(G_CAPTURE, "connections", nc, 0);
    ROW(G_CAPTURE, "endpoints", 2 * nc, 0);
    ROW(G_CAPTURE, "segments", a->segs, 0);
    for (k = TCPST_CLOSED; k < TCPST_NUM_STATES; k++)
        ROW(G_STATES, tcpst_state_name(k), a->cur_counts[k], 2 * nc);
    if (a->cur_counts[TCPST_UNKNOWN])
        ROW(G_STATES, tcpst_state_name(TCPST_UNKNOWN), a->cur_counts[TCPST_UNKNOWN], 2 * nc);
    for (k = 1; k < TCPST_NUM_PHASES; k++)
        ROW(G_PHASES, tcpst_phase_name(k), a->phase_segs[k], a->segs);
    if (a->phase_segs[0])
        ROW(G_PHASES, tcpst_phase_name(0), a->phase_segs[0], a->segs);
    for (k = 0; k < TCPST_Z_NUM; k++)
        zt += m->zeek[k];
    for (k = 0; k < TCPST_Z_NUM; k++)
        if (m->zeek[k])
            ROW(G_ZEEK, tcpst_zeek_name(k), m->zeek[k], zt);
    for (k = 0; k < N_EVENTS; k++)
        if (m->ev_conns[k]) {
            ROW(G_ANOMALIES, stats_events[k].name, m->ev_conns[k], nc);
            nev++;
        }
    if (!nev)
        ROW(G_ANOMALIES, "(none)", 0, 0);
#undef ROW
    return n;
}

static tap_packet_status sum_tab_packet(void *arg _U_, packet_info *pinfo, epan_dissect_t *edt _U_,
                                        const void *data, tap_flags_t flags _U_)
{
    struct gui_tab *g = &tab_sum;
    struct sum *m = g->sum;
    struct sum_row rows[SUM_MAX_ROWS];
    guint i, n;
    int idx;

    if (!g->table)
        return TAP_PACKET_DONT_REDRAW;
    if (!agg_valid(&g->agg))
        tab_reset(g->table);
    idx = agg_packet(&g->agg, pinfo, (const struct tcpstate_tap *)data);
    if (idx >= 0)
        sum_conn_update(m, &g->agg, (guint)idx);
    n = sum_rows(m, &g->agg, rows);
    /* only the rows that changed are written */
    for (i = 0; i < n; i++) {
        const struct sum_row *r = &rows[i];
        stat_tap_table_item_type f[G_N_ELEMENTS(sum_fields)];
        if (i < m->nshown && memcmp(r, &m->shown[i], sizeof *r) == 0)
            continue;
        memset(f, 0, sizeof f);
        f[0].type = TABLE_ITEM_UINT;
        f[0].value.uint_value = i + 1;
        f[1] = str_item(r->group);
        f[2] = str_item(r->item);
        f[3].type = TABLE_ITEM_UINT;
        f[3].value.uint_value = (guint)r->count;
        f[4].type = TABLE_ITEM_STRING;
        f[4].value.string_value = r->of ? g_strdup_printf("%.2f%%", 100.0 * (double)r->count / (double)r->of)
                                        : g_strdup("");
        tab_set_row(g, i, f);
        m->shown[i] = *r;
    }
    m->nshown = n;
    g->table->num_elements = n;   /* rows past these are hidden, as after a reset */
    return TAP_PACKET_REDRAW;
}

/* Ladder: -z tcpstate,ladder as a table, a row per segment, of the
 * connection of the packet selected in Wireshark when the dialog starts or
 * its Apply is pressed (every connection the dialog's filter passes when
 * none is selected, and in tshark). */
static stat_tap_table_item lad_fields[] = {
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Stream", "%u" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Frame", "%u" },
    { TABLE_ITEM_FLOAT, TAP_ALIGN_RIGHT, "Time (s)", "%.6f" },
    { TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Client state", "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Segment", "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Server state", "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Phase", "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Step", "%s" },
};

static void *selected_conn(frame_data *fd, void *user_data _U_)
{
    return GUINT_TO_POINTER(fd ? tcpstate_frame_conn(fd->num) : 0);
}

static void lad_tab_init(stat_tap_table_ui *ui)
{
    tab_init(&tab_lad, ui, G_N_ELEMENTS(lad_fields));
    /* NULL (0) in tshark and when no packet is selected */
    tab_lad.lad.conn = GPOINTER_TO_UINT(plugin_if_get_frame_data(selected_conn, NULL));
}

static char *states_str(const struct tcpst_view *v, unsigned role)
{
    GString *s = g_string_new(NULL);
    tcpstate_append_states(s, v, role);
    return g_string_free(s, FALSE);
}

static tap_packet_status lad_tab_packet(void *arg _U_, packet_info *pinfo, epan_dissect_t *edt _U_,
                                        const void *data, tap_flags_t flags _U_)
{
    struct gui_tab *g = &tab_lad;
    const struct tcpstate_tap *t = (const struct tcpstate_tap *)data;
    stat_tap_table_item_type f[G_N_ELEMENTS(lad_fields)];
    struct tcpst_view v;
    char label[96];

    if (!g->table)
        return TAP_PACKET_DONT_REDRAW;
    if (!agg_valid(&g->agg))
        tab_reset(g->table);
    if ((t->rec->flags & TCPST_R_UNKNOWN) || !t->conn || (g->lad.conn && t->rec->conn != g->lad.conn))
        return TAP_PACKET_DONT_REDRAW;
    agg_packet(&g->agg, pinfo, t);   /* keeps the table's file */
    /* the view the packet list shows now: with hindsight on a later pass */
    tcpst_view(t->rec, t->conn, t->frame, PINFO_FD_VISITED(pinfo), &v);
    ladder_label(label, sizeof label, t->flags, t->seq, t->ack, t->len);
    memset(f, 0, sizeof f);
    f[0].type = f[1].type = TABLE_ITEM_UINT;
    f[0].value.uint_value = t->stream;
    f[1].value.uint_value = t->frame;
    f[2].type = TABLE_ITEM_FLOAT;
    f[2].value.float_value = nstime_to_sec(&pinfo->rel_ts);
    f[3].type = f[4].type = f[5].type = f[6].type = f[7].type = TABLE_ITEM_STRING;
    f[3].value.string_value = states_str(&v, TCPST_CLIENT);
    f[4].value.string_value = v.sender == TCPST_CLIENT ? g_strdup_printf("%s  -->", label)
                              : v.sender == TCPST_SERVER ? g_strdup_printf("<--  %s", label)
                              : g_strdup(label);
    f[5].value.string_value = states_str(&v, TCPST_SERVER);
    f[6].value.string_value = g_strdup(tcpst_phase_name(v.phase));
    f[7].value.string_value = v.step ? g_strdup_printf("%u", v.step) : g_strdup("");
    tab_set_row(g, g->table->num_elements, f);
    return TAP_PACKET_REDRAW;
}

static stat_tap_table_ui ui_sumtable = {
    REGISTER_TOOLS_GROUP_UNSORTED, MENU "Summary", "tcpstate",
    "tcpstate,sumtable", sum_tab_init, sum_tab_packet, tab_reset, tab_free_item, NULL,
    G_N_ELEMENTS(sum_fields), sum_fields, 0, NULL, NULL, 0
};

static stat_tap_table_ui ui_laddertable = {
    REGISTER_TOOLS_GROUP_UNSORTED, MENU "Ladder", "tcpstate",
    "tcpstate,laddertable", lad_tab_init, lad_tab_packet, tab_reset, tab_free_item, NULL,
    G_N_ELEMENTS(lad_fields), lad_fields, 0, NULL, NULL, 0
};

static stat_tap_table_ui ui_conntable = {
    REGISTER_TOOLS_GROUP_UNSORTED, MENU "Connections", "tcpstate",
    "tcpstate,conntable", conn_tab_init, conn_tab_packet, tab_reset, tab_free_item, NULL,
    N_CONN_FIELDS, conn_fields, 0, NULL, NULL, 0
};

static stat_tap_table_ui ui_tstable = {
    REGISTER_TOOLS_GROUP_UNSORTED, MENU "Counts per Second", "tcpstate",
    "tcpstate,tstable", ts_tab_init, ts_tab_packet, tab_reset, tab_free_item, NULL,
    G_N_ELEMENTS(ts_fields), ts_fields, 0, NULL, NULL, 0
};

static stat_tap_table_ui ui_hoststable = {
    REGISTER_TOOLS_GROUP_UNSORTED, MENU "Hosts", "tcpstate",
    "tcpstate,hoststable", hosts_tab_init, hosts_tab_packet, tab_reset, tab_free_item, NULL,
    G_N_ELEMENTS(hosts_fields), hosts_fields, 0, NULL, NULL, 0
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

void stats_register_gui(void)
{
    ts_fields_init();
    register_stat_tap_table_ui(&ui_sumtable);
    register_stat_tap_table_ui(&ui_conntable);
    register_stat_tap_table_ui(&ui_tstable);
    register_stat_tap_table_ui(&ui_hoststable);
    register_stat_tap_table_ui(&ui_laddertable);
}
