/* tcpstate_stats_gui.c - the statistics of Wireshark's Statistics menu:
 * the summary tree (Statistics > TCP State > Summary) and the tables
 * (Statistics > TCP State: Connections, Counts per Second, Hosts). tshark
 * prints them too: -z tcpstate.sum,tree, -z tcpstate,conntable,
 * -z tcpstate,tstable, -z tcpstate,hoststable.
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
#include <epan/stats_tree.h>
#include <epan/to_str.h>

#include "tcpstate_core.h"
#include "tcpstate_tap.h"
#include "tcpstate_stats_int.h"

/* Submenu separator of a stats_tree name: "/" in 4.0, "//" from 4.2 on
 * (STATS_TREE_MENU_SEPARATOR in stats_tree.h). */
#ifdef STATS_TREE_MENU_SEPARATOR
#define TREE_SUBMENU STATS_TREE_MENU_SEPARATOR
#else
#define TREE_SUBMENU "/"
#endif

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
        stats_tree_create_node(st, stats_events[k].name, ta->n_anomalies, STAT_DT_INT, FALSE);
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
        if (t->rec->events & stats_events[k].bit) {
            tick_stat_node(st, T_ANOMALIES, 0, TRUE);
            tick_stat_node(st, stats_events[k].name, ta->n_anomalies, FALSE);
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

/* ---- GUI tables: Statistics > TCP State: Connections, Counts per Second, Hosts
 *
 * Wireshark 4.0 puts tables in the Statistics menu itself, by title (a "/"
 * makes no submenu there), hence "TCP State: ...".
 *
 * stat_tap_table_ui tables, which tshark also prints (-z tcpstate,conntable,
 * -z tcpstate,tstable, -z tcpstate,hoststable). A table has no draw hook:
 * its rows are set per packet, from the same aggregation as the tshark
 * outputs. The GUI taps a file it has read completely, where every record
 * already has hindsight and every connection's Zeek values are final, so
 * once the last segment is tapped the rows equal -z tcpstate,conv,
 * -z tcpstate,ts,1 and -z tcpstate,hosts.
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
    struct hosts *hosts;        /* Hosts: the host view's own aggregation */
};

#define TS_GUI_INTERVAL 1.0

static struct gui_tab tab_conn = { .name = "TCP connections" };
static struct gui_tab tab_ts = { .name = "TCP endpoint states per second" };
static struct gui_tab tab_hosts = { .name = "TCP sockets per host" };

static struct gui_tab *tab_of(const stat_tap_table *t)
{
    return t == tab_conn.table ? &tab_conn : t == tab_ts.table ? &tab_ts : t == tab_hosts.table ? &tab_hosts : NULL;
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

static stat_tap_table_ui ui_hoststable = {
    REGISTER_PACKET_STAT_GROUP_UNSORTED, "TCP State: Hosts", "tcpstate",
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
    register_stat_tap_table_ui(&ui_conntable);
    register_stat_tap_table_ui(&ui_tstable);
    register_stat_tap_table_ui(&ui_hoststable);
    stats_tree_register_plugin("tcpstate", "tcpstate.sum", "TCP State" TREE_SUBMENU "Summary",
                               0, tree_packet, tree_init, tree_cleanup);
}
