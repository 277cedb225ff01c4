/* packet-tcpstate.c - epan glue: feeds TCP segments to the state machine core
 * and shows the stored result as the "TCP State" tree, fields and expert info.
 *
 * How it sits in the dissection: it takes TCP's place in the "ip.proto" table,
 * analyses the segment from the TCP header at hand, then calls the real TCP
 * dissector, and adds its own items after TCP's. That way the first pass
 * needs no protocol tree (a postdissector would need TCP's fields primed,
 * which builds a tree for every frame). The handle has no protocol of its
 * own, so it adds no layer to frame.protocols and TCP keeps working when
 * tcpstate is disabled.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_BUILD_DLL
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/tap.h>
#include <epan/column-info.h>
#include <epan/exceptions.h>
#include <epan/ipproto.h>
#include <epan/proto_data.h>
#include <epan/address_types.h>
#include <epan/to_str.h>
#include <epan/dissectors/packet-tcp.h>

#include "tcpstate_compat.h"
#include "tcpstate_core.h"
#include "tcpstate_table.h"
#include "tcpstate_tap.h"
#include "tcpstate_flow.h"

void proto_register_tcpstate(void);
void proto_reg_handoff_tcpstate(void);

static int proto_tcpstate = -1;
static protocol_t *tcpstate_protocol;
static header_field_info *hfi_tcpstate;
static int proto_tcp = -1;
static int tcpstate_tap = -1;
static dissector_handle_t tcp_handle;

static int hf_phase = -1;
static int hf_sender = -1;
static int hf_client_state = -1;
static int hf_server_state = -1;
static int hf_client_prev = -1;
static int hf_server_prev = -1;
static int hf_client_via = -1;
static int hf_server_via = -1;
static int hf_client_order = -1;
static int hf_server_order = -1;
static int hf_changed = -1;
static int hf_step = -1;
static int hf_step_hs = -1;
static int hf_step_td = -1;
static int hf_step_td_merged = -1;
static int hf_step_td_sim = -1;
static int hf_acks_frame = -1;
static int hf_inferred = -1;
static int hf_revised = -1;
static int hf_transition = -1;
static int hf_conn_state = -1;
static int hf_history = -1;
static int hf_final_conn_state = -1;
static int hf_final_history = -1;
static int hf_time_in_state = -1;
static int hf_rtt_server = -1;
static int hf_rtt_client = -1;
static int hf_rtt = -1;
static int hf_since_fin = -1;
static int hf_teardown_time = -1;
static int hf_tw_left = -1;
static int hf_vantage = -1;
static int hf_confirmed = -1;

static gint ett_tcpstate = -1;

/* Expert info: one per event of tcpstate_events.h that has one, and the two
 * that are not events. */
static expert_field ei_event[TCPST_NUM_EVENTS];
#define TCPST_X_EI(name, tag, label, expert, group, severity, text) static expert_field ei_##name = EI_INIT;
TCPST_EXPERTS_EXTRA(TCPST_X_EI)
#undef TCPST_X_EI

static guint pref_msl = 60;
static guint pref_close_wait_ms = 1000;
static guint pref_flood = 100;
static tcpstate_pref_bool pref_info_note = FALSE;
static tcpstate_pref_bool pref_detail = FALSE;
/* Zeek's defaults (init-bare.zeek): tcp_close_delay, tcp_reset_delay,
 * tcp_attempt_delay 5 s, tcp_inactivity_timeout 5 min. */
static tcpstate_pref_bool pref_zeek_split = TRUE;
static guint pref_zeek_close = 5, pref_zeek_reset = 5, pref_zeek_attempt = 5, pref_zeek_idle = 300;
static tcpstate_pref_bool pref_dsack = TRUE;
static tcpstate_pref_bool pref_own_order = TRUE;

/* The core's configuration from the preferences, rebuilt when they change
 * (and at every file), not on every segment. */
static struct tcpst_config cfg;

static void apply_prefs(void)
{
    struct tcpst_config c = { (double)pref_msl, pref_close_wait_ms / 1000.0, pref_zeek_split,
                              pref_zeek_close, pref_zeek_reset, pref_zeek_attempt, pref_zeek_idle,
                              pref_dsack, pref_own_order };
    cfg = c;
}

/* The expert tap (-z expert, the Expert Information dialog); registered
 * after the plugins' handoff, so looked up with every file. */
static int expert_tap = -1;

static void file_init(void)
{
    apply_prefs();
    expert_tap = find_tap_id("expert");
}

/* Connections by address and port pair; freed with every file. */
static struct tcpst_table *table;

/* Which end sent the segment, the same way for every stream of an address
 * and port pair: 0 when (src, sport) sorts first. */
static guint8 direction(const address *src, const address *dst, guint16 sport, guint16 dport)
{
    int c = cmp_address(src, dst);
    return (c > 0 || (c == 0 && sport > dport)) ? 1 : 0;
}

/* Half-open connection attempts by server address and port (SYN flood signs). */
struct server_key {
    address addr;
    guint16 port;
    guint32 half_open;
};
static wmem_map_t *servers;
/* The server looked up last: a SYN and its answer usually follow each other,
 * and a flood aims at one server. NULL at every file start. */
static struct server_key *last_server;

static guint server_hash(gconstpointer k)
{
    const struct server_key *s = (const struct server_key *)k;
    return add_address_to_hash(s->port, &s->addr);
}

static gboolean server_equal(gconstpointer a, gconstpointer b)
{
    const struct server_key *x = (const struct server_key *)a, *y = (const struct server_key *)b;
    return x->port == y->port && addresses_equal(&x->addr, &y->addr);
}

/* Records by frame number, in file-scope chunks: no allocation per frame.
 * The slot holds the record of the frame's first TCP layer; a second one (a
 * tunnel) keeps its record as proto data instead. */
#define REC_CHUNK_BITS 12
#define REC_CHUNK (1u << REC_CHUNK_BITS)
static struct tcpst_rec **rec_chunks;
static guint rec_nchunks;

static struct tcpst_rec *rec_slot(guint32 frame, gboolean create)
{
    guint i = frame >> REC_CHUNK_BITS;

    if (i >= rec_nchunks) {
        guint n = rec_nchunks ? rec_nchunks : 64;
        if (!create)
            return NULL;
        while (n <= i)
            n *= 2;
        rec_chunks = (struct tcpst_rec **)wmem_realloc(wmem_file_scope(), rec_chunks,
                                                       n * sizeof *rec_chunks);
        memset(rec_chunks + rec_nchunks, 0, (n - rec_nchunks) * sizeof *rec_chunks);
        rec_nchunks = n;
    }
    if (!rec_chunks[i]) {
        if (!create)
            return NULL;
        rec_chunks[i] = wmem_alloc0_array(wmem_file_scope(), struct tcpst_rec, REC_CHUNK);
    }
    return &rec_chunks[i][frame & (REC_CHUNK - 1)];
}

/* Whether layer is the first TCP layer of the frame being dissected: the
 * first one seen since the frame changed, or one not deeper than it (the
 * same frame dissected again). */
static guint32 first_frame;
static guint8 first_layer;

static gboolean first_tcp_layer(packet_info *pinfo, guint8 layer)
{
    if (pinfo->num != first_frame || layer <= first_layer) {
        first_frame = pinfo->num;
        first_layer = layer;
        return TRUE;
    }
    return FALSE;
}

static gboolean rec_used(const struct tcpst_rec *r)
{
    return r->conn || r->flags;
}

/* The stored record of this frame's TCP layer, or NULL. */
static struct tcpst_rec *rec_get(packet_info *pinfo, guint8 layer, gboolean first)
{
    struct tcpst_rec *r;

    if (!first)
        return (struct tcpst_rec *)p_get_proto_data(wmem_file_scope(), pinfo, proto_tcpstate, layer);
    r = rec_slot(pinfo->num, FALSE);
    return (r && rec_used(r)) ? r : NULL;
}

/* A place for a new record of this frame's TCP layer. */
static struct tcpst_rec *rec_new(packet_info *pinfo, guint8 layer, gboolean first)
{
    struct tcpst_rec *r;

    if (first)
        return rec_slot(pinfo->num, TRUE);
    r = wmem_new0(wmem_file_scope(), struct tcpst_rec);
    p_add_proto_data(wmem_file_scope(), pinfo, proto_tcpstate, layer, r);
    return r;
}

guint32 tcpstate_frame_conn(guint32 frame)
{
    const struct tcpst_rec *r = rec_slot(frame, FALSE);
    return r ? r->conn : 0;
}

/* The connection of a record, or NULL. */
static const struct tcpst_conn *rec_conn(const struct tcpst_rec *r)
{
    return tcpst_table_get(table, r->conn);
}

static void tcpstate_cleanup(void)
{
    rec_chunks = NULL; /* freed with the file scope */
    rec_nchunks = 0;
    last_server = NULL;
    first_frame = 0;
    tcpst_table_free(table);
    table = NULL;
}

#define ARROW "\xe2\x86\x92" /* U+2192 */

static guint16 be16(const guint8 *p)
{
    return (guint16)(p[0] << 8 | p[1]);
}

static guint32 be32(const guint8 *p)
{
    return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | p[3];
}

/* The options delivery from evidence needs: SACK permitted (kind 4) and SACK
 * blocks (kind 5). Stops at the end of the list or a malformed option. */
static void parse_options(const guint8 *o, guint n, struct tcpst_seg *s)
{
    guint i = 0, len;

    while (i < n && o[i] != 0) {
        if (o[i] == 1) {
            i++;
            continue;
        }
        if (i + 1 >= n || (len = o[i + 1]) < 2 || i + len > n)
            return;
        if (o[i] == 4 && len == 2) {
            s->sack_ok = 1;
        } else if (o[i] == 5) {
            for (guint b = i + 2; b + 8 <= i + len && s->nsack < 4; b += 8, s->nsack++) {
                s->sack[s->nsack][0] = be32(o + b);
                s->sack[s->nsack][1] = be32(o + b + 4);
            }
        }
        i += len;
    }
}

/* Facts of the TCP header in front of us. Returns FALSE when it is not all there. */
static gboolean parse_header(tvbuff_t *tvb, struct tcpst_seg *s)
{
    const guint8 *p;
    guint hlen, rlen, caplen = tvb_captured_length(tvb);

    /* The first 14 bytes (ports, seq, ack, data offset, flags) are all a
     * state needs; a header cut short after them is marked truncated. */
    if (caplen < 14)
        return FALSE;
    p = tvb_get_ptr(tvb, 0, 14);
    s->sport = be16(p);
    s->dport = be16(p + 2);
    s->seq = be32(p + 4);
    s->ack = be32(p + 8);
    hlen = (p[12] >> 4) * 4u;   /* data offset, in 32-bit words */
    s->flags = p[13];
    s->truncated = caplen < 20;
    s->win = s->truncated ? 0 : tvb_get_ntohs(tvb, 14);
    rlen = tvb_reported_length(tvb);
    if (hlen < 20 || hlen > rlen)
        return FALSE;
    s->len = rlen - hlen;
    s->sack_ok = 0;
    s->nsack = 0;
    if (hlen > 20 && caplen >= hlen)
        parse_options(tvb_get_ptr(tvb, 20, hlen - 20), hlen - 20, s);
    return TRUE;
}

/* TCP's analysis data for this segment (its tcp.stream), without creating any. */
static struct tcp_analysis *tcp_data(packet_info *pinfo, const address *src, const address *dst,
                                     const struct tcpst_seg *s)
{
    conversation_t *conv = find_conversation(pinfo->num, src, dst, CONVERSATION_TCP,
                                             s->sport, s->dport, 0);
    return conv ? (struct tcp_analysis *)conversation_get_proto_data(conv, proto_tcp) : NULL;
}

/* The table key of an address and port pair: the same both ways, the end
 * with direction 0 first. Returns its length; 0 when it does not fit or the
 * two addresses are not of one type and length. */
static size_t pair_key(guint8 *k, const address *src, const address *dst, const struct tcpst_seg *s)
{
    const address *a = s->dir ? dst : src, *b = s->dir ? src : dst;
    guint16 pa = s->dir ? s->dport : s->sport, pb = s->dir ? s->sport : s->dport;
    size_t n;

    if (a->len < 0 || b->len < 0 || a->type != b->type || a->len != b->len ||
        6 + 2 * (size_t)a->len > TCPST_KEY_MAX)
        return 0;
    k[0] = (guint8)a->type;
    k[1] = (guint8)a->len;
    n = 2;
    if (a->len == 4) {             /* IPv4: copies of a known size, no call */
        memcpy(k + n, a->data, 4);
        memcpy(k + n + 4, b->data, 4);
        n += 8;
    } else if (a->len) {
        memcpy(k + n, a->data, a->len);
        memcpy(k + n + a->len, b->data, b->len);
        n += 2 * (size_t)a->len;
    }
    k[n++] = (guint8)(pa >> 8);
    k[n++] = (guint8)pa;
    k[n++] = (guint8)(pb >> 8);
    k[n++] = (guint8)pb;
    return n;
}

/* Counts the half-open attempts to each server; with many of them, marks
 * the SYNs of new ones. Looks the server up only when the count moves or a
 * client's SYN may need the mark. */
static void count_half_open(struct tcpst_conn *conn, gboolean was, struct tcpst_rec *rec,
                            const address *server, guint16 port)
{
    gboolean now = tcpst_half_open(conn);
    gboolean syn = now && rec->step == 1 && rec->sender == TCPST_CLIENT;
    struct server_key key, *sk;

    if (now == was && !syn)
        return;
    if (last_server && last_server->port == port && addresses_equal(&last_server->addr, server)) {
        sk = last_server;
    } else {
        copy_address_shallow(&key.addr, server);
        key.port = port;
        sk = (struct server_key *)wmem_map_lookup(servers, &key);
    }
    if (now && !was) {
        if (!sk) {
            sk = wmem_new0(wmem_file_scope(), struct server_key);
            copy_address_wmem(wmem_file_scope(), &sk->addr, server);
            sk->port = port;
            wmem_map_insert(servers, sk, sk);
        }
        sk->half_open++;
    } else if (was && !now && sk && sk->half_open) {
        sk->half_open--;
    }
    if (syn && sk && pref_flood && sk->half_open >= pref_flood)
        rec->events |= TCPST_EV_SYN_FLOOD;
    if (sk)
        last_server = sk;
}

/* First pass: run the core on this segment (hdr: its header, NULL when it
 * is not all there) and return its stored record. */
static struct tcpst_rec *analyse(packet_info *pinfo, const struct tcpst_seg *hdr, const address *src,
                                 const address *dst, guint8 layer, gboolean first)
{
    struct tcpst_rec *rec = rec_new(pinfo, layer, first);
    struct tcpst_seg s;
    struct tcpst_conn *conn = NULL;
    guint8 key[TCPST_KEY_MAX];
    size_t klen = 0;
    guint32 hash = 0;
    gboolean half_open;

    memset(&s, 0, sizeof s);
    if (hdr) {
        s = *hdr;
        s.dir = direction(src, dst, s.sport, s.dport);
        klen = pair_key(key, src, dst, &s);
    }
    if (klen && !table)
        table = tcpst_table_new();
    if (!klen || !table) {
        tcpst_rec_unknown(rec);
        return rec;
    }
    s.frame = pinfo->num;
    s.time = nstime_to_sec(&pinfo->abs_ts);

    /* The connection of these addresses and ports goes on across the
     * tcp.stream boundaries Wireshark draws on some segments a TCP stack
     * takes as part of it (a SYN+FIN, a SYN in TIME_WAIT); the core decides
     * when a new one starts. */
    hash = tcpst_key_hash(key, klen);
    conn = tcpst_table_find(table, key, klen, hash);
    if (!conn || tcpst_starts_new(conn, &cfg, &s)) {
        struct tcpst_conn *old = conn;
        if (!(conn = tcpst_table_add(table, key, klen, hash))) {
            tcpst_rec_unknown(rec);
            return rec;
        }
        if (old)
            tcpst_conn_follow(conn, old, &cfg, s.time);
    }
    half_open = tcpst_half_open(conn);
    tcpst_process(conn, &cfg, &s, rec);
    count_half_open(conn, half_open, rec, rec->sender == TCPST_CLIENT ? dst : src,
                    rec->sender == TCPST_CLIENT ? s.dport : s.sport);
    return rec;
}

static const char *via_text(packet_info *pinfo, const guint8 via[2])
{
    if (!via[0])
        return NULL;
    if (!via[1])
        return tcpst_state_name(via[0]);
    return wmem_strdup_printf(pinfo->pool, "%s, %s", tcpst_state_name(via[0]),
                              tcpst_state_name(via[1]));
}

/* How the tree is built. A tree nobody reads (a filter, a column, -T fields
 * from Wireshark 4.4 on) gets the fields something asks for. A tree someone
 * reads (the packet details, -V, -T pdml/json, -T fields in 4.0) gets every
 * field, with labels left to Wireshark, which formats them only when they
 * are shown; the "detail" preference asks for the explained labels. */
struct shape {
    gboolean visible, detail;
};

/* A filter, column or -e names this field itself (not only a field under it). */
static gboolean asked_for(const header_field_info *hfi)
{
    return hfi->ref_type != HF_REF_TYPE_NONE && hfi->ref_type != HF_REF_TYPE_INDIRECT;
}

/* Our fields' registrations, by id (they are registered as one array), to
 * read whether a filter, column or -e refers to one without a call per field
 * (NULL if the ids were not consecutive). */
static const hf_register_info *own_hf;
static int own_hf_first, own_hf_count;

static gboolean wanted(const struct shape *sh, proto_tree *tree, int hf)
{
    if (sh->visible)
        return TRUE;
    if (own_hf && hf >= own_hf_first && hf - own_hf_first < own_hf_count)
        return own_hf[hf - own_hf_first].hfinfo.ref_type != HF_REF_TYPE_NONE;
    return proto_field_is_referenced(tree, hf);
}

static void add_state(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const struct shape *sh,
                      int hf_state, int hf_prev, int hf_via, const struct tcpst_view *v, unsigned role)
{
    const char *now = tcpst_state_name(v->after[role]);
    const char *was = tcpst_state_name(v->before[role]);
    const char *via;
    proto_item *pi;

    if (!sh->detail) {
        if (wanted(sh, tree, hf_state))
            proto_tree_add_string(tree, hf_state, tvb, 0, 0, now);
        if (wanted(sh, tree, hf_prev)) {
            pi = proto_tree_add_string(tree, hf_prev, tvb, 0, 0, was);
            proto_item_set_hidden(pi);
        }
        if (v->via[role][0] && wanted(sh, tree, hf_via)) {
            pi = proto_tree_add_string(tree, hf_via, tvb, 0, 0, via_text(pinfo, v->via[role]));
            proto_item_set_generated(pi);
        }
        return;
    }
    via = via_text(pinfo, v->via[role]);
    if (v->before[role] == v->after[role])
        proto_tree_add_string_format_value(tree, hf_state, tvb, 0, 0, now, "%s (unchanged)", now);
    else if (via)
        proto_tree_add_string_format_value(tree, hf_state, tvb, 0, 0, now, "%s (was %s, via %s)",
                                           now, was, via);
    else
        proto_tree_add_string_format_value(tree, hf_state, tvb, 0, 0, now, "%s (was %s)", now, was);
    pi = proto_tree_add_string(tree, hf_prev, tvb, 0, 0, was);
    proto_item_set_hidden(pi);
    if (via) {
        pi = proto_tree_add_string(tree, hf_via, tvb, 0, 0, via);
        proto_item_set_generated(pi);
    }
}

/* The endpoint's order (two passes): hidden, for filters and sorting. */
static void add_order(proto_tree *tree, tvbuff_t *tvb, const struct shape *sh, int hf,
                      const struct tcpst_view *v, unsigned role)
{
    proto_item *pi;

    if (!v->order[role] || !wanted(sh, tree, hf))
        return;
    pi = proto_tree_add_uint(tree, hf, tvb, 0, 0, v->order[role]);
    proto_item_set_generated(pi);
    proto_item_set_hidden(pi);
}

/* Appends text to buf (NUL-terminated, size n) at *at. */
static void put(char *buf, size_t n, size_t *at, const char *text)
{
    size_t len = strlen(text);

    if (*at + len >= n)
        len = *at < n - 1 ? n - 1 - *at : 0;
    memcpy(buf + *at, text, len);
    *at += len;
    buf[*at] = '\0';
}

/* "teardown step 3 of 4, client FIN_WAIT_1 → TIME_WAIT, server CLOSE_WAIT → LAST_ACK" */
static char *summary_text(packet_info *pinfo, const struct tcpst_view *v)
{
    static const char *const digits[] = { "0", "1", "2", "3", "4", "5", "6", "7" };
    char buf[192];
    size_t at = 0;

    buf[0] = '\0';
    put(buf, sizeof buf, &at, tcpst_phase_name(v->phase));
    if (v->step) {
        put(buf, sizeof buf, &at, " step ");
        put(buf, sizeof buf, &at, digits[v->step & 7]);
        put(buf, sizeof buf, &at, v->phase == TCPST_PH_HANDSHAKE ? " of 3" : " of 4");
    }
    for (unsigned role = 0; role < 2; role++) {
        put(buf, sizeof buf, &at, role == TCPST_CLIENT ? ", client " : ", server ");
        if (v->before[role] != v->after[role]) {
            put(buf, sizeof buf, &at, tcpst_state_name(v->before[role]));
            put(buf, sizeof buf, &at, " " ARROW " ");
        }
        put(buf, sizeof buf, &at, tcpst_state_name(v->after[role]));
    }
    return wmem_strndup(pinfo->pool, buf, at);
}

/* Expert info of one event, worded from the segment where the registered
 * text is not enough. */
static void add_event_expert(packet_info *pinfo, proto_item *item, unsigned bit,
                             const struct tcpst_view *v, const struct tcpst_seg *hdr)
{
    expert_field *ei = &ei_event[bit];
    const char *role = tcpst_role_name(v->sender);

    switch (bit) {
    case TCPST_EVB_RESET:
        if (!(v->events & TCPST_EV_REFUSED) && v->phase == TCPST_PH_RESET)
            expert_add_info_format(pinfo, item, ei, "Connection reset by the %s (it was %s)", role,
                                   tcpst_state_name(v->before[v->sender]));
        return;
    case TCPST_EVB_SYN_RETRANS:
        expert_add_info_format(pinfo, item, ei, "%s retransmitted: no answer yet",
                               v->step == 2 ? "SYN-ACK" : "SYN");
        return;
    case TCPST_EVB_FIN_RETRANS:
        if (v->before[v->sender] == TCPST_LAST_ACK)
            expert_add_info_format(pinfo, item, ei,
                                   "FIN retransmitted: LAST_ACK still waits for the ACK of its FIN");
        else
            expert_add_info(pinfo, item, ei);
        return;
    case TCPST_EVB_SYN_FLOOD:
        expert_add_info_format(pinfo, item, ei,
                               "SYN flood sign: at least %u connection attempts to this server are half-open",
                               pref_flood);
        return;
    case TCPST_EVB_CLOSE_WAIT_LONG:
        if (v->in_state >= 0 && v->before[v->sender] == TCPST_CLOSE_WAIT && (hdr->flags & TCPST_FIN)) {
            expert_add_info_format(pinfo, item, ei,
                                   "The %s stayed %.3f s in CLOSE_WAIT before sending its FIN (application slow to close())",
                                   role, v->in_state);
            return;
        }
        for (unsigned i = 0; i < 2; i++)
            if (v->close_wait_end[i] >= 0)
                expert_add_info_format(pinfo, item, ei,
                                       "The %s is still in CLOSE_WAIT at the end of the capture, after %.3f s (application never called close()?)",
                                       tcpst_role_name(i), v->close_wait_end[i]);
        return;
    case TCPST_EVB_TW_SEGMENT:
        expert_add_info_format(pinfo, item, ei,
                               "Segment for the %s in TIME_WAIT (a late duplicate, or the peer lost track)",
                               tcpst_role_name(!v->sender));
        return;
    case TCPST_EVB_OUT_OF_ORDER:
        expert_add_info_format(pinfo, item, ei,
                               "Captured out of order: sent before this side's FIN (frame %u)",
                               v->sender_fin_frame);
        return;
    case TCPST_EVB_FAST_OPEN:
        if (v->step == 1)
            expert_add_info_format(pinfo, item, ei, "TCP Fast Open: %u bytes of data on the SYN", hdr->len);
        else
            expert_add_info_format(pinfo, item, ei, (v->events & TCPST_EV_TFO_ACCEPTED) ?
                                   "TCP Fast Open: the SYN's data was accepted" :
                                   "TCP Fast Open: the SYN's data was not accepted (sent again after the handshake)");
        return;
    default:
        expert_add_info(pinfo, item, ei);
    }
}

/* Which events have expert info (tcpstate_events.h). */
static const guint32 expert_events = 0
#define TCPST_X_HAS_EI(name, tag, label, expert, group, severity, text) \
    | (sizeof(expert) > 1 ? TCPST_EV_##name : 0)
    TCPST_EVENTS(TCPST_X_HAS_EI)
#undef TCPST_X_HAS_EI
    ;

/* Expert info for the view's events; item may be NULL (nothing of ours in
 * the tree, but the expert tap and severity column still want them). */
static void add_experts(packet_info *pinfo, proto_item *item, const struct tcpst_view *v,
                        const struct tcpst_seg *hdr)
{
    guint32 ev = v->events & expert_events;

    if (v->unknown) {
        if (ev & TCPST_EV_INVALID_FLAGS)
            expert_add_info(pinfo, item, &ei_event[TCPST_EVB_INVALID_FLAGS]);
        else
            expert_add_info(pinfo, item, &ei_UNKNOWN);
        return;
    }
    for (unsigned bit = 0; ev; bit++, ev >>= 1)
        if (ev & 1)
            add_event_expert(pinfo, item, bit, v, hdr);
    if (v->revised)
        expert_add_info(pinfo, item, &ei_REVISED);
    if (v->provisional)
        expert_add_info(pinfo, item, &ei_PROVISIONAL);
}

/* Each expert info's severity (tcpstate_events.h). */
static const int ev_severity[TCPST_NUM_EVENTS] = {
#define TCPST_X_SEV(name, tag, label, expert, group, severity, text) [TCPST_EVB_##name] = PI_##severity,
    TCPST_EVENTS(TCPST_X_SEV)
#undef TCPST_X_SEV
};
#define TCPST_X_SEV(name, tag, label, expert, group, severity, text) static const int sev_##name = PI_##severity;
TCPST_EXPERTS_EXTRA(TCPST_X_SEV)
#undef TCPST_X_SEV

/* Whether the expert info is wanted on its own: a filter or column on its
 * field, or a severity above the file's highest so far (Wireshark's status
 * bar shows the highest). */
static gboolean ei_wanted(proto_tree *tree, const expert_field *ei, int severity)
{
    return severity > expert_get_highest_severity() || (ei->hf > 0 && proto_field_is_referenced(tree, ei->hf));
}

/* Whether anything reads the view's expert info from a tree nobody reads:
 * the expert tap, an Expert column, a filter or column on expert fields or
 * on these events' own fields (tcpstate.refused...), the status bar's
 * highest severity. Without a tree there is none either (a plain tshark -r),
 * except for the expert tap. */
static gboolean experts_read(packet_info *pinfo, proto_tree *tree, const struct tcpst_view *v)
{
    const column_info *ci = pinfo->cinfo;
    guint32 ev = v->events & expert_events;

    if (expert_tap <= 0 || have_tap_listener(expert_tap) || proto_field_is_referenced(tree, proto_expert) ||
        (ci && ci->col_first && ci->col_first[COL_EXPERT] >= 0))
        return TRUE;
    for (unsigned bit = 0; ev; bit++, ev >>= 1)
        if ((ev & 1) && ei_wanted(tree, &ei_event[bit], ev_severity[bit]))
            return TRUE;
    return (v->unknown && ei_wanted(tree, &ei_UNKNOWN, sev_UNKNOWN)) ||
           (v->revised && ei_wanted(tree, &ei_REVISED, sev_REVISED)) ||
           (v->provisional && ei_wanted(tree, &ei_PROVISIONAL, sev_PROVISIONAL));
}

/* Whether the view carries expert info besides "not analysed". */
static gboolean has_experts(const struct tcpst_view *v)
{
    return v->events || v->revised || v->provisional;
}

static proto_item *add_time(proto_tree *tree, int hf, tvbuff_t *tvb, double secs)
{
    nstime_t t;
    proto_item *pi;

    if (secs < 0)
        secs = 0;
    t.secs = (time_t)secs;
    t.nsecs = (int)((secs - (double)t.secs) * 1e9);
    pi = proto_tree_add_time(tree, hf, tvb, 0, 0, &t);
    proto_item_set_generated(pi);
    return pi;
}

/* Where the capture was taken; whether the receiver showed it got this segment. */
static void add_vantage(proto_tree *st, tvbuff_t *tvb, const struct shape *sh, const struct tcpst_rec *rec,
                        const struct tcpst_view *v, const struct tcpst_times *t,
                        const struct tcpst_seg *hdr, gboolean final)
{
    static const char *const text[TCPST_V_NUM] = {
        "unknown (a round trip each way not measured yet, or under 1 ms)",
        "near the client (nearly all the round trip is toward the server)",
        "near the server (nearly all the round trip is toward the client)",
        "in the middle (round trips to both ends)",
    };
    proto_item *pi;
    unsigned vt = v->vantage; /* 2 bits: every value is a vantage */

    if (sh->detail) {
        pi = proto_tree_add_string_format_value(st, hf_vantage, tvb, 0, 0, tcpst_vantage_name(vt),
                                                "%s", text[vt]);
        proto_item_set_generated(pi);
        if (vt != TCPST_V_UNKNOWN)
            proto_item_append_text(pi, "; shortest round trips from here: server %.3f ms, client %.3f ms",
                                   t->rtt[TCPST_SERVER] * 1e3, t->rtt[TCPST_CLIENT] * 1e3);
    } else if (wanted(sh, st, hf_vantage)) {
        pi = proto_tree_add_string(st, hf_vantage, tvb, 0, 0, tcpst_vantage_name(vt));
        proto_item_set_generated(pi);
    }
    if (final && wanted(sh, st, hf_confirmed)) {
        uint32_t end = hdr->seq + hdr->len + !!(hdr->flags & TCPST_SYN) + !!(hdr->flags & TCPST_FIN);
        int ok = tcpst_receiver_confirmed(rec, rec_conn(rec), hdr->seq, end);
        if (ok >= 0) {
            pi = proto_tree_add_boolean(st, hf_confirmed, tvb, 0, 0, ok);
            proto_item_set_generated(pi);
        }
    }
}

/* Zeek's summary and the timings. */
static void add_zeek_and_times(proto_tree *st, tvbuff_t *tvb, packet_info *pinfo, const struct shape *sh,
                               const struct tcpst_rec *rec, const struct tcpst_view *v,
                               const struct tcpst_times *t)
{
    const struct tcpst_conn *c = rec_conn(rec);
    proto_item *pi;

    if (wanted(sh, st, hf_conn_state)) {
        pi = proto_tree_add_string(st, hf_conn_state, tvb, 0, 0, tcpst_zeek_name(v->zeek));
        proto_item_set_generated(pi);
    }
    if (c && (wanted(sh, st, hf_history) || PINFO_FD_VISITED(pinfo))) {
        const char *h;
        unsigned len, n = tcpst_zeek_at(c, v->hist_len, &h, &len);
        uint8_t z;

        if (wanted(sh, st, hf_history)) {
            pi = proto_tree_add_string(st, hf_history, tvb, 0, 0, wmem_strndup(pinfo->pool, h, len));
            proto_item_set_generated(pi);
        }
        /* the end of this segment's Zeek connection */
        if (PINFO_FD_VISITED(pinfo) && tcpst_zeek_conn(c, n, &z, &h, &len)) {
            if (wanted(sh, st, hf_final_conn_state)) {
                pi = proto_tree_add_string(st, hf_final_conn_state, tvb, 0, 0, tcpst_zeek_name(z));
                proto_item_set_generated(pi);
            }
            if (wanted(sh, st, hf_final_history)) {
                pi = proto_tree_add_string(st, hf_final_history, tvb, 0, 0,
                                           wmem_strndup(pinfo->pool, h, len));
                proto_item_set_generated(pi);
            }
        }
    }
    if (v->in_state >= 0 && wanted(sh, st, hf_time_in_state))
        add_time(st, hf_time_in_state, tvb, v->in_state);
    if (t->hs_server_rtt >= 0 && wanted(sh, st, hf_rtt_server))
        add_time(st, hf_rtt_server, tvb, t->hs_server_rtt);
    if (t->hs_client_rtt >= 0 && wanted(sh, st, hf_rtt_client))
        add_time(st, hf_rtt_client, tvb, t->hs_client_rtt);
    if (t->hs_rtt >= 0 && wanted(sh, st, hf_rtt))
        add_time(st, hf_rtt, tvb, t->hs_rtt);
    if (t->since_first_fin >= 0) {
        int hf = t->teardown_done ? hf_teardown_time : hf_since_fin;
        if (wanted(sh, st, hf))
            add_time(st, hf, tvb, t->since_first_fin);
    }
    for (unsigned i = 0; i < 2; i++) {
        if (t->tw_left[i] >= 0 && wanted(sh, st, hf_tw_left)) {
            pi = add_time(st, hf_tw_left, tvb, t->tw_left[i]);
            if (sh->detail)
                proto_item_set_text(pi, "%s leaves TIME_WAIT in %.3f s (2*MSL after it entered it)",
                                    i == TCPST_CLIENT ? "Client" : "Server", t->tw_left[i]);
            else if (sh->visible)
                proto_item_append_text(pi, i == TCPST_CLIENT ? " (client)" : " (server)");
        }
    }
}

/* The step with its meaning as a value string, for a tree someone reads (the
 * label is left to Wireshark); the plain number for columns and filters. */
static int step_field(const struct shape *sh, const struct tcpst_view *v)
{
    if (!sh->visible)
        return hf_step;
    if (v->phase == TCPST_PH_HANDSHAKE)
        return hf_step_hs;
    if (v->phase != TCPST_PH_TEARDOWN && v->phase != TCPST_PH_CLOSED)
        return hf_step;
    if (v->step == 3 && (v->events & TCPST_EV_MERGED_FINACK))
        return hf_step_td_merged;
    if (v->step == 3 && (v->events & TCPST_EV_SIM_CLOSE))
        return hf_step_td_sim;
    return hf_step_td;
}

static void render(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const struct tcpst_rec *rec,
                   const address *src, const struct tcpst_seg *hdr)
{
    struct tcpst_view v;
    struct tcpst_times times;
    struct shape sh;
    proto_item *ti, *pi;
    proto_tree *st;
    const char *summary;
    gboolean experts, emit;

    tcpst_view(rec, rec_conn(rec), pinfo->num, PINFO_FD_VISITED(pinfo), &v);

    sh.visible = PTREE_DATA(tree)->visible;
    sh.detail = sh.visible && pref_detail;
    experts = has_experts(&v);
    emit = (experts || v.unknown) && (sh.visible || experts_read(pinfo, tree, &v));
    experts = experts && emit; /* expert info that something reads */

    /* A tree nobody looks at and no field of ours asked for (-Y with other
     * fields): skip the tree, keep the expert info, unless a filter on expert
     * info wants to see it (it needs an item to hang on). */
    if (!proto_field_is_referenced(tree, proto_tcpstate) &&
        !(experts && proto_field_is_referenced(tree, proto_expert))) {
        if (emit)
            add_experts(pinfo, NULL, &v, hdr);
        return;
    }

    if (v.unknown) {
        ti = proto_tree_add_item(tree, proto_tcpstate, tvb, 0, 0, ENC_NA);
        proto_item_append_text(ti, ": unknown");
        st = proto_item_add_subtree(ti, ett_tcpstate);
        proto_tree_add_string(st, hf_phase, tvb, 0, 0, tcpst_phase_name(TCPST_PH_UNKNOWN));
        proto_tree_add_string(st, hf_client_state, tvb, 0, 0, tcpst_state_name(TCPST_UNKNOWN));
        proto_tree_add_string(st, hf_server_state, tvb, 0, 0, tcpst_state_name(TCPST_UNKNOWN));
        if (emit)
            add_experts(pinfo, ti, &v, hdr);
        return;
    }
    /* The one-line text, for a tree someone reads or a filter on it. */
    summary = wanted(&sh, tree, hf_transition) ? summary_text(pinfo, &v) : NULL;

    if (!sh.visible && !experts && PTREE_DATA(tree)->fake_protocols && !asked_for(hfi_tcpstate)) {
        /* A tree nobody reads, some of our fields asked for, no expert info,
         * protocols faked (the protocol hierarchy turns that off to count
         * them): the fields go straight into it, without our protocol item. */
        ti = NULL;
        st = tree;
    } else {
        ti = proto_tree_add_item(tree, proto_tcpstate, tvb, 0, 0, ENC_NA);
        if (summary && sh.detail)
            proto_item_append_text(ti, ": %s", summary);
        st = proto_item_add_subtree(ti, ett_tcpstate);
    }

    if (wanted(&sh, st, hf_phase))
        proto_tree_add_string(st, hf_phase, tvb, 0, 0, tcpst_phase_name(v.phase));
    if (sh.detail) /* formatting the address is not free */
        proto_tree_add_string_format_value(st, hf_sender, tvb, 0, 0, tcpst_role_name(v.sender),
                                           "%s (%s%s%s:%u)", tcpst_role_name(v.sender),
                                           src->type == AT_IPv6 ? "[" : "",
                                           address_to_str(pinfo->pool, src),
                                           src->type == AT_IPv6 ? "]" : "", hdr->sport);
    else if (wanted(&sh, st, hf_sender))
        proto_tree_add_string(st, hf_sender, tvb, 0, 0, tcpst_role_name(v.sender));
    add_state(st, pinfo, tvb, &sh, hf_client_state, hf_client_prev, hf_client_via, &v, TCPST_CLIENT);
    add_state(st, pinfo, tvb, &sh, hf_server_state, hf_server_prev, hf_server_via, &v, TCPST_SERVER);
    add_order(st, tvb, &sh, hf_client_order, &v, TCPST_CLIENT);
    add_order(st, tvb, &sh, hf_server_order, &v, TCPST_SERVER);
    if (v.step) {
        if (sh.detail)
            proto_tree_add_uint_format_value(st, hf_step, tvb, 0, 0, v.step, "%u (%s)", v.step,
                                             tcpst_step_text(v.phase, v.step, v.events));
        else if (wanted(&sh, st, hf_step))
            proto_tree_add_uint(st, step_field(&sh, &v), tvb, 0, 0, v.step);
    }
    if (wanted(&sh, st, hf_changed)) {
        pi = proto_tree_add_boolean(st, hf_changed, tvb, 0, 0, v.changed);
        proto_item_set_generated(pi);
    }
    if (v.acks_frame && wanted(&sh, st, hf_acks_frame)) {
        pi = proto_tree_add_uint(st, hf_acks_frame, tvb, 0, 0, v.acks_frame);
        proto_item_set_generated(pi);
    }
    if (summary) {
        pi = proto_tree_add_string(st, hf_transition, tvb, 0, 0, summary);
        proto_item_set_hidden(pi);
    }
    if (v.inferred && wanted(&sh, st, hf_inferred)) {
        pi = proto_tree_add_boolean(st, hf_inferred, tvb, 0, 0, TRUE);
        proto_item_set_generated(pi);
    }
    if (v.revised && wanted(&sh, st, hf_revised)) {
        pi = proto_tree_add_boolean(st, hf_revised, tvb, 0, 0, TRUE);
        proto_item_set_generated(pi);
    }
    tcpst_view_times(&v, rec, rec_conn(rec), &cfg, nstime_to_sec(&pinfo->abs_ts), &times);
    add_zeek_and_times(st, tvb, pinfo, &sh, rec, &v, &times);
    add_vantage(st, tvb, &sh, rec, &v, &times, hdr, PINFO_FD_VISITED(pinfo));

    if (emit)
        add_experts(pinfo, ti, &v, hdr);
}

/* No tree, but the expert tap listens (tshark -z expert). */
static void experts_only(packet_info *pinfo, const struct tcpst_rec *rec, const struct tcpst_seg *hdr)
{
    struct tcpst_view v;

    tcpst_view(rec, rec_conn(rec), pinfo->num, PINFO_FD_VISITED(pinfo), &v);
    if (has_experts(&v) || v.unknown)
        add_experts(pinfo, NULL, &v, hdr);
}

/* "[client FIN_WAIT_1, server CLOSE_WAIT]": both states after the segment,
 * named (an arrow elsewhere means a change). */
static void add_info_note(packet_info *pinfo, const struct tcpst_rec *rec)
{
    struct tcpst_view v;

    tcpst_view(rec, rec_conn(rec), pinfo->num, PINFO_FD_VISITED(pinfo), &v);
    col_append_fstr(pinfo->cinfo, COL_INFO, " [client %s, server %s]", tcpst_state_name(v.after[TCPST_CLIENT]),
                    tcpst_state_name(v.after[TCPST_SERVER]));
}

unsigned tcpstate_msl(void)
{
    return pref_msl;
}

/* Stats listeners: the record with the segment's addresses, stream and header. */
static void queue_tap(packet_info *pinfo, const struct tcpst_rec *rec, const address *src,
                      const address *dst, const struct tcpst_seg *hdr, gboolean fresh)
{
    struct tcpstate_tap *t = wmem_new0(pinfo->pool, struct tcpstate_tap);
    struct tcp_analysis *tcpd;

    t->rec = rec;
    t->conn = rec_conn(rec);
    t->frame = pinfo->num;
    copy_address_shallow(&t->src, src);
    copy_address_shallow(&t->dst, dst);
    t->stream = TCPSTATE_NO_STREAM;
    t->first_pass = fresh;
    if (hdr) {
        t->header = TRUE;
        t->sport = hdr->sport;
        t->dport = hdr->dport;
        if ((tcpd = tcp_data(pinfo, src, dst, hdr)) != NULL)
            t->stream = tcpd->stream;
        tcpstate_tap_header(t, pinfo, hdr, tcpd);
    }
    tap_queue_packet(tcpstate_tap, pinfo, t);
}

/* TCP's dissection, then what shows the record: after TCP's own items, even
 * when TCP throws. Out of line, so that only what it is given lives across
 * the TRY. */
static G_GNUC_NO_INLINE int tcp_then_show(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data,
                                          struct tcpst_rec *rec, const address *src, const address *dst,
                                          const struct tcpst_seg *hdr, gboolean whole, gboolean fresh,
                                          gboolean tap, gboolean ei_tap)
{
    volatile int ret = 0;

    TRY {
        ret = call_dissector_only(tcp_handle, tvb, pinfo, tree, data);
    }
    FINALLY {
        if (tree || ei_tap) {
            const char *proto = pinfo->current_proto;
            pinfo->current_proto = "TCPSTATE"; /* expert info without an item names it */
            if (tree)
                render(tvb, pinfo, tree, rec, src, hdr);
            else
                experts_only(pinfo, rec, hdr);
            pinfo->current_proto = proto;
        }
        if (pref_info_note && !(rec->flags & TCPST_R_UNKNOWN))
            add_info_note(pinfo, rec);
        if (tap)
            queue_tap(pinfo, rec, src, dst, whole ? hdr : NULL, fresh);
    }
    ENDTRY;
    return ret;
}

static int dissect_tcp_with_state(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    address src, dst;
    guint8 layer = pinfo->curr_layer_num;
    gboolean first, fresh, whole, tap, ei_tap, shown;
    struct tcpst_rec *rec;
    struct tcpst_seg hdr;

    if (!proto_is_protocol_enabled(tcpstate_protocol) || pinfo->flags.in_error_pkt)
        return call_dissector_only(tcp_handle, tvb, pinfo, tree, data);
    first = first_tcp_layer(pinfo, layer); /* before TCP: a tunnel inside comes after */

    /* Payload dissectors may overwrite these; keep the ones of this segment. */
    copy_address_shallow(&src, &pinfo->src);
    copy_address_shallow(&dst, &pinfo->dst);
    tap = have_tap_listener(tcpstate_tap);
    ei_tap = !tree && expert_tap > 0 && have_tap_listener(expert_tap);
    shown = tree || tap || ei_tap;      /* something reads the record's items or tap */

    /* The analysis comes first: it reads only this segment's header. */
    memset(&hdr, 0, sizeof hdr);
    rec = rec_get(pinfo, layer, first);
    fresh = !rec && !PINFO_FD_VISITED(pinfo);
    whole = (fresh || (rec && shown)) && parse_header(tvb, &hdr);
    if (fresh)
        rec = analyse(pinfo, whole ? &hdr : NULL, &src, &dst, layer, first);
    if (!rec || !(shown || pref_info_note))
        return call_dissector_only(tcp_handle, tvb, pinfo, tree, data);
    return tcp_then_show(tvb, pinfo, tree, data, rec, &src, &dst, &hdr, whole, fresh, tap, ei_tap);
}

/* The step's meaning as value strings (tcpst_step_text), filled at registration. */
static value_string step_hs_vals[4], step_td_vals[5], step_td_merged_vals[2], step_td_sim_vals[2];

static void fill_steps(value_string *vals, unsigned phase, unsigned first, unsigned last, guint32 events)
{
    for (unsigned i = first; i <= last; i++) {
        vals[i - first].value = i;
        vals[i - first].strptr = tcpst_step_text(phase, i, events);
    }
    /* the last entry stays { 0, NULL } */
}

void proto_register_tcpstate(void)
{
    static hf_register_info hf[] = {
        { &hf_phase, { "Phase", "tcpstate.phase", FT_STRING, BASE_NONE, NULL, 0x0,
            "handshake, data, teardown, closed, reset or unknown", HFILL } },
        { &hf_sender, { "Sender", "tcpstate.sender", FT_STRING, BASE_NONE, NULL, 0x0,
            "client or server", HFILL } },
        { &hf_client_state, { "Client state", "tcpstate.client.state", FT_STRING, BASE_NONE, NULL, 0x0,
            "Client's state after this segment was sent and received", HFILL } },
        { &hf_server_state, { "Server state", "tcpstate.server.state", FT_STRING, BASE_NONE, NULL, 0x0,
            "Server's state after this segment was sent and received", HFILL } },
        { &hf_client_prev, { "Client state before", "tcpstate.client.prev", FT_STRING, BASE_NONE, NULL, 0x0,
            "Client's state before this segment", HFILL } },
        { &hf_server_prev, { "Server state before", "tcpstate.server.prev", FT_STRING, BASE_NONE, NULL, 0x0,
            "Server's state before this segment", HFILL } },
        { &hf_client_via, { "Client passed through", "tcpstate.client.via", FT_STRING, BASE_NONE, NULL, 0x0,
            "States the client entered and left on this segment", HFILL } },
        { &hf_server_via, { "Server passed through", "tcpstate.server.via", FT_STRING, BASE_NONE, NULL, 0x0,
            "States the server entered and left on this segment", HFILL } },
        { &hf_client_order, { "Client's order", "tcpstate.client.order", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Place of this segment among its connection's segments in the order the client sent and "
            "received them (two passes); the client's states follow this order", HFILL } },
        { &hf_server_order, { "Server's order", "tcpstate.server.order", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Place of this segment among its connection's segments in the order the server sent and "
            "received them (two passes); the server's states follow this order", HFILL } },
        { &hf_changed, { "State changed", "tcpstate.changed", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "This segment changed either endpoint's state", HFILL } },
        { &hf_step, { "Step", "tcpstate.step", FT_UINT8, BASE_DEC, NULL, 0x0,
            "Step of the three-way handshake (1-3) or four-way teardown (1-4)", HFILL } },
        /* The same field, its meaning as a value string, for the short tree. */
        { &hf_step_hs, { "Step", "tcpstate.step", FT_UINT8, BASE_DEC, VALS(step_hs_vals), 0x0,
            "Step of the three-way handshake (1-3) or four-way teardown (1-4)", HFILL } },
        { &hf_step_td, { "Step", "tcpstate.step", FT_UINT8, BASE_DEC, VALS(step_td_vals), 0x0,
            "Step of the three-way handshake (1-3) or four-way teardown (1-4)", HFILL } },
        { &hf_step_td_merged, { "Step", "tcpstate.step", FT_UINT8, BASE_DEC, VALS(step_td_merged_vals), 0x0,
            "Step of the three-way handshake (1-3) or four-way teardown (1-4)", HFILL } },
        { &hf_step_td_sim, { "Step", "tcpstate.step", FT_UINT8, BASE_DEC, VALS(step_td_sim_vals), 0x0,
            "Step of the three-way handshake (1-3) or four-way teardown (1-4)", HFILL } },
        { &hf_acks_frame, { "Acknowledges frame", "tcpstate.acks_frame", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_ACK), 0x0, "Frame of the SYN or FIN this segment acknowledges", HFILL } },
        { &hf_inferred, { "Inferred", "tcpstate.inferred", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "Handshake not (fully) captured: roles and states are inferred", HFILL } },
        { &hf_revised, { "Revised with hindsight", "tcpstate.revised", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "A later segment showed that a single pass got this segment's states wrong", HFILL } },
        { &hf_transition, { "Transition", "tcpstate.transition", FT_STRING, BASE_NONE, NULL, 0x0,
            "One-line summary of this segment's transition", HFILL } },
        { &hf_conn_state, { "Zeek conn_state", "tcpstate.conn_state", FT_STRING, BASE_NONE, NULL, 0x0,
            "Zeek conn.log conn_state as of this segment (S0, S1, SF, REJ, S2, S3, RSTO, RSTR, RSTOS0, RSTRH, SH, SHR, OTH)", HFILL } },
        { &hf_history, { "Zeek history", "tcpstate.history", FT_STRING, BASE_NONE, NULL, 0x0,
            "Zeek conn.log history as of this segment (upper case: client, lower case: server)", HFILL } },
        { &hf_final_conn_state, { "Final Zeek conn_state", "tcpstate.final.conn_state", FT_STRING, BASE_NONE, NULL, 0x0,
            "Zeek conn_state at the end of the capture (second pass)", HFILL } },
        { &hf_final_history, { "Final Zeek history", "tcpstate.final.history", FT_STRING, BASE_NONE, NULL, 0x0,
            "Zeek history at the end of the capture (second pass)", HFILL } },
        { &hf_time_in_state, { "Sender's time in its state", "tcpstate.time_in_state", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "How long the sender had been in its state before this segment", HFILL } },
        { &hf_rtt_server, { "Handshake RTT, capture point to server", "tcpstate.handshake.server_rtt", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "SYN to SYN-ACK as captured: the round trip between the capture point and the server", HFILL } },
        { &hf_rtt_client, { "Handshake RTT, capture point to client", "tcpstate.handshake.client_rtt", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "SYN-ACK to ACK as captured: the round trip between the capture point and the client", HFILL } },
        { &hf_rtt, { "Handshake RTT", "tcpstate.handshake.rtt", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "SYN to the ACK of the SYN-ACK: the whole round trip client to server", HFILL } },
        { &hf_since_fin, { "Since the first FIN", "tcpstate.since_first_fin", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "Time since the connection's first FIN", HFILL } },
        { &hf_teardown_time, { "Teardown took", "tcpstate.teardown_time", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "From the first FIN to this segment, which completed the teardown", HFILL } },
        { &hf_vantage, { "Capture point", "tcpstate.vantage", FT_STRING, BASE_NONE, NULL, 0x0,
            "Where the capture was taken, from the round trips seen so far: client, server, middle or unknown", HFILL } },
        { &hf_confirmed, { "Receiver confirmed", "tcpstate.confirmed", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "Second pass: the receiver acknowledged this segment later in the capture (its state after it is confirmed, not assumed)", HFILL } },
        { &hf_tw_left, { "TIME_WAIT left", "tcpstate.time_wait_left", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "Time until an endpoint in TIME_WAIT reaches CLOSED (2*MSL after entering TIME_WAIT)", HFILL } },
    };
    static gint *ett[] = { &ett_tcpstate };
    /* Expert info from tcpstate_events.h: the events that have one, then the rest. */
    static const struct {
        expert_field *id;
        gboolean has;
        const char *name;
        int group, severity;
        const char *text;
    } experts[] = {
#define TCPST_X_EI_EVENT(name, tag, label, expert, group, severity, text) \
        { &ei_event[TCPST_EVB_##name], sizeof(expert) > 1, "tcpstate." expert, PI_##group, PI_##severity, text },
#define TCPST_X_EI_EXTRA(name, tag, label, expert, group, severity, text) \
        { &ei_##name, TRUE, "tcpstate." expert, PI_##group, PI_##severity, text },
        TCPST_EVENTS(TCPST_X_EI_EVENT)
        TCPST_EXPERTS_EXTRA(TCPST_X_EI_EXTRA)
#undef TCPST_X_EI_EVENT
#undef TCPST_X_EI_EXTRA
    };
    static ei_register_info ei[G_N_ELEMENTS(experts)];
    guint n_ei = 0;
    module_t *module;
    expert_module_t *expert;

    fill_steps(step_hs_vals, TCPST_PH_HANDSHAKE, 1, 3, 0);
    fill_steps(step_td_vals, TCPST_PH_TEARDOWN, 1, 4, 0);
    fill_steps(step_td_merged_vals, TCPST_PH_TEARDOWN, 3, 3, TCPST_EV_MERGED_FINACK);
    fill_steps(step_td_sim_vals, TCPST_PH_TEARDOWN, 3, 3, TCPST_EV_SIM_CLOSE);
    proto_tcpstate = proto_register_protocol("TCP State", "TCPSTATE", "tcpstate");
    proto_register_field_array(proto_tcpstate, hf, array_length(hf));
    own_hf_first = *hf[0].p_id;
    own_hf_count = (int)array_length(hf);
    for (int i = 0; i < own_hf_count; i++)
        if (*hf[i].p_id != own_hf_first + i)
            own_hf_count = 0;
    own_hf = own_hf_count ? hf : NULL;
    proto_register_subtree_array(ett, array_length(ett));
    expert = expert_register_protocol(proto_tcpstate);
    for (guint i = 0; i < G_N_ELEMENTS(experts); i++) {
        expert_field init = EI_INIT;
        *experts[i].id = init;
        if (!experts[i].has)
            continue; /* an event without expert info */
        ei[n_ei++] = (ei_register_info){ experts[i].id, { experts[i].name, experts[i].group,
            experts[i].severity, experts[i].text, EXPFILL } };
    }
    expert_register_field_array(expert, ei, n_ei);

    module = prefs_register_protocol(proto_tcpstate, apply_prefs);
    prefs_register_uint_preference(module, "msl", "Maximum segment lifetime (seconds)",
        "TIME_WAIT lasts twice this long; a later segment sees the endpoint CLOSED",
        10, &pref_msl);
    prefs_register_uint_preference(module, "close_wait_ms", "Long CLOSE_WAIT (milliseconds)",
        "Report a passive closer that stays longer than this in CLOSE_WAIT before its FIN",
        10, &pref_close_wait_ms);
    prefs_register_uint_preference(module, "syn_flood_threshold", "SYN flood threshold",
        "Report SYNs to a server that has at least this many half-open connection attempts (0: never)",
        10, &pref_flood);
    prefs_register_bool_preference(module, "info_note", "Show states in the Info column",
        "Append both states after the segment to the Info column: [client FIN_WAIT_1, server CLOSE_WAIT]",
        &pref_info_note);
    prefs_register_bool_preference(module, "detail", "Show details in the tree",
        "Also show the sender, the states before and passed through, Zeek's conn_state and history, "
        "the timings and the capture point, with explanations (costs time in tshark -V and -T fields). "
        "Without it they are still there for filters, columns and -e.", &pref_detail);
    prefs_register_bool_preference(module, "zeek_boundaries", "Zeek connections end as Zeek ends them",
        "conn_state and history start again, as a new Zeek connection, on a segment that comes after "
        "Zeek would have flushed the connection (the delays below); off: one Zeek connection per connection",
        &pref_zeek_split);
    prefs_register_uint_preference(module, "zeek_close_delay", "Zeek tcp_close_delay (seconds)",
        "After a complete close or a reset, Zeek flushes the connection this long after its last segment",
        10, &pref_zeek_close);
    prefs_register_uint_preference(module, "zeek_reset_delay", "Zeek tcp_reset_delay (seconds)",
        "After a reset, Zeek flushes the connection this long after the RST (the shorter of the two delays)",
        10, &pref_zeek_reset);
    prefs_register_uint_preference(module, "zeek_attempt_delay", "Zeek tcp_attempt_delay (seconds)",
        "A SYN still unanswered this long after the first one ends its Zeek connection (0: never)",
        10, &pref_zeek_attempt);
    prefs_register_uint_preference(module, "zeek_inactivity_timeout", "Zeek tcp_inactivity_timeout (seconds)",
        "A connection idle this long ends its Zeek connection (0: never)", 10, &pref_zeek_idle);
    prefs_register_bool_preference(module, "dsack", "Receivers send D-SACKs",
        "With SACK permitted, a receiver answers a duplicate FIN with a D-SACK (RFC 2883; Linux by default): "
        "a FIN sent twice and acknowledged without one arrived once, and its first copy was lost. "
        "Off for captures of stacks that send no D-SACKs (net.ipv4.tcp_dsack=0)", &pref_dsack);
    prefs_register_bool_preference(module, "own_order", "Each endpoint in its own order (two passes)",
        "On a second pass, each endpoint's states follow the order it sent and received the segments, "
        "told from its ACK numbers and the round trip (tcpstate.client.order, tcpstate.server.order); "
        "off: capture order. Costs 32 bytes per TCP segment", &pref_own_order);

    servers = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), server_hash, server_equal);
    tcpstate_tap = register_tap("tcpstate");
    tcpstate_flow_register(proto_tcpstate);
    register_cleanup_routine(tcpstate_cleanup);
    register_init_routine(file_init);
}

void proto_reg_handoff_tcpstate(void)
{
    dissector_handle_t handle;

    tcpstate_protocol = find_protocol_by_id(proto_tcpstate);
    hfi_tcpstate = proto_registrar_get_nth(proto_tcpstate);
    proto_tcp = proto_get_id_by_filter_name("tcp");
    tcp_handle = find_dissector("tcp");
    /* No protocol on this handle: see the comment at the top. */
    handle = create_dissector_handle_with_name_and_description(dissect_tcp_with_state, -1,
        "tcpstate_tcp", "TCP with TCP State");
    dissector_add_uint("ip.proto", IP_PROTO_TCP, handle);
}
