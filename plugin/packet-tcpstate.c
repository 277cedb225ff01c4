/* packet-tcpstate.c - epan glue: feeds TCP segments to the state machine core
 * and shows the stored result as the "TCP State" tree, fields and expert info.
 *
 * How it sits in the dissection: it takes TCP's place in the "ip.proto" table
 * and calls the real TCP dissector first, then does its own work with the TCP
 * header at hand. That way the first pass needs no protocol tree (a
 * postdissector would need TCP's fields primed, which builds a tree for
 * every frame). The handle has no protocol of its own, so it adds no layer
 * to frame.protocols and TCP keeps working when tcpstate is disabled.
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
#include <epan/exceptions.h>
#include <epan/ipproto.h>
#include <epan/proto_data.h>
#include <epan/address_types.h>
#include <epan/to_str.h>
#include <epan/dissectors/packet-tcp.h>

#include "tcpstate_compat.h"
#include "tcpstate_core.h"
#include "tcpstate_tap.h"

void proto_register_tcpstate(void);
void proto_reg_handoff_tcpstate(void);

static int proto_tcpstate = -1;
static protocol_t *tcpstate_protocol;
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
static int hf_changed = -1;
static int hf_step = -1;
static int hf_acks_frame = -1;
static int hf_inferred = -1;
static int hf_revised = -1;
static int hf_transition = -1;

static gint ett_tcpstate = -1;

static expert_field ei_unknown = EI_INIT;
static expert_field ei_invalid_flags = EI_INIT;
static expert_field ei_midstream = EI_INIT;
static expert_field ei_refused = EI_INIT;
static expert_field ei_reset = EI_INIT;
static expert_field ei_sim_close = EI_INIT;
static expert_field ei_sim_open = EI_INIT;
static expert_field ei_merged = EI_INIT;
static expert_field ei_revised = EI_INIT;

static guint pref_msl = 60;

/* Connections by tcp.stream; emptied with every new file. */
static wmem_map_t *conns;

/* Records by frame number, in file-scope chunks: no allocation per frame.
 * A record's tag is the layer of the TCP header it describes; a frame's
 * second TCP layer (a tunnel) keeps its record as proto data instead. */
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

/* The stored record of this frame's TCP layer, or NULL. */
static struct tcpst_rec *rec_get(packet_info *pinfo, guint8 layer)
{
    struct tcpst_rec *r = rec_slot(pinfo->num, FALSE);

    if (r && r->frame == pinfo->num && r->tag == layer)
        return r;
    return (struct tcpst_rec *)p_get_proto_data(wmem_file_scope(), pinfo, proto_tcpstate, layer);
}

/* A place for a new record of this frame's TCP layer. */
static struct tcpst_rec *rec_new(packet_info *pinfo, guint8 layer)
{
    struct tcpst_rec *r = rec_slot(pinfo->num, TRUE);

    if (r->frame == pinfo->num) {
        r = wmem_new0(wmem_file_scope(), struct tcpst_rec);
        p_add_proto_data(wmem_file_scope(), pinfo, proto_tcpstate, layer, r);
    }
    r->frame = pinfo->num;
    r->tag = layer;
    return r;
}

static void tcpstate_cleanup(void)
{
    rec_chunks = NULL; /* freed with the file scope */
    rec_nchunks = 0;
}

#define ARROW "\xe2\x86\x92" /* U+2192 */

/* Facts of the TCP header in front of us. Returns FALSE when it is not all there. */
static gboolean parse_header(tvbuff_t *tvb, struct tcpst_seg *s)
{
    guint hlen, rlen, off_flags;

    if (tvb_captured_length(tvb) < 20)
        return FALSE;
    s->sport = tvb_get_ntohs(tvb, 0);
    s->dport = tvb_get_ntohs(tvb, 2);
    s->seq = tvb_get_ntohl(tvb, 4);
    s->ack = tvb_get_ntohl(tvb, 8);
    /* data offset (4 bits), reserved (4), flags (8); one 16-bit read because
     * the 8-bit getter has a different name from 4.4 on */
    off_flags = tvb_get_ntohs(tvb, 12);
    hlen = (off_flags >> 12) * 4;
    s->flags = off_flags & 0xff;
    rlen = tvb_reported_length(tvb);
    if (hlen < 20 || hlen > rlen)
        return FALSE;
    s->len = rlen - hlen;
    return TRUE;
}

/* TCP's analysis data for this segment, without creating any. */
static struct tcp_analysis *tcp_data(packet_info *pinfo, const address *src, const address *dst,
                                     const struct tcpst_seg *s)
{
    conversation_t *conv = find_conversation(pinfo->num, src, dst, CONVERSATION_TCP,
                                             s->sport, s->dport, 0);
    return conv ? (struct tcp_analysis *)conversation_get_proto_data(conv, proto_tcp) : NULL;
}

/* First pass: run the core on this segment and return its stored record. */
static struct tcpst_rec *analyse(tvbuff_t *tvb, packet_info *pinfo, const address *src,
                                 const address *dst, guint8 layer)
{
    struct tcpst_rec *rec = rec_new(pinfo, layer);
    struct tcpst_config cfg = { (double)pref_msl };
    struct tcpst_seg s;
    struct tcp_analysis *tcpd;
    struct tcpst_conn *conn;

    memset(&s, 0, sizeof s);
    if (!parse_header(tvb, &s) || !(tcpd = tcp_data(pinfo, src, dst, &s))) {
        tcpst_rec_unknown(rec, pinfo->num);
        return rec;
    }
    s.frame = pinfo->num;
    s.time = nstime_to_sec(&pinfo->abs_ts);
    s.dir = (tcpd->fwd == &tcpd->flow1) ? 0 : 1;

    conn = (struct tcpst_conn *)wmem_map_lookup(conns, GUINT_TO_POINTER(tcpd->stream));
    if (!conn || tcpst_starts_new(conn, &cfg, &s)) {
        gboolean reused = conn != NULL;
        conn = wmem_new(wmem_file_scope(), struct tcpst_conn);
        tcpst_conn_init(conn);
        conn->reused_ports = reused;
        wmem_map_insert(conns, GUINT_TO_POINTER(tcpd->stream), conn);
    }
    tcpst_process(conn, &cfg, &s, rec);
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

static void add_state(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, int hf_state,
                      int hf_prev, int hf_via, const struct tcpst_view *v, unsigned role)
{
    const char *now = tcpst_state_name(v->after[role]);
    const char *was = tcpst_state_name(v->before[role]);
    const char *via = via_text(pinfo, v->via[role]);
    proto_item *pi;

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

static const char *endpoint_text(packet_info *pinfo, const struct tcpst_view *v, unsigned role)
{
    const char *name = tcpst_role_name(role);
    if (v->before[role] == v->after[role])
        return wmem_strdup_printf(pinfo->pool, "%s %s", name, tcpst_state_name(v->after[role]));
    return wmem_strdup_printf(pinfo->pool, "%s %s " ARROW " %s", name,
                              tcpst_state_name(v->before[role]), tcpst_state_name(v->after[role]));
}

/* Expert info for the record's events; item may be NULL (nothing of ours in
 * the tree, but the expert tap and severity column still want them). */
static void add_experts(packet_info *pinfo, proto_item *item, const struct tcpst_rec *rec,
                        const struct tcpst_view *v)
{
    if (rec->flags & TCPST_R_UNKNOWN) {
        expert_add_info(pinfo, item, (v->events & TCPST_EV_INVALID_FLAGS) ? &ei_invalid_flags : &ei_unknown);
        return;
    }
    if (v->events & TCPST_EV_INVALID_FLAGS)
        expert_add_info(pinfo, item, &ei_invalid_flags);
    if (v->events & TCPST_EV_MIDSTREAM)
        expert_add_info(pinfo, item, &ei_midstream);
    if (v->events & TCPST_EV_REFUSED)
        expert_add_info(pinfo, item, &ei_refused);
    else if (v->events & TCPST_EV_RESET && v->phase == TCPST_PH_RESET)
        expert_add_info_format(pinfo, item, &ei_reset, "Connection reset by the %s (it was %s)",
                               tcpst_role_name(v->sender), tcpst_state_name(v->before[v->sender]));
    if (v->events & TCPST_EV_SIM_CLOSE)
        expert_add_info(pinfo, item, &ei_sim_close);
    if (v->events & TCPST_EV_SIM_OPEN)
        expert_add_info(pinfo, item, &ei_sim_open);
    if (v->events & TCPST_EV_MERGED_FINACK)
        expert_add_info(pinfo, item, &ei_merged);
    if (v->revised)
        expert_add_info(pinfo, item, &ei_revised);
}

static void render(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const struct tcpst_rec *rec,
                   const address *src, const struct tcpst_seg *hdr)
{
    struct tcpst_view v;
    proto_item *ti, *pi;
    proto_tree *st;
    const char *summary;

    tcpst_view(rec, PINFO_FD_VISITED(pinfo), &v);

    /* A tree nobody looks at and no field of ours asked for (tshark -T fields
     * or -Y with other fields): skip the formatting, keep the expert info. */
    if (!proto_field_is_referenced(tree, proto_tcpstate)) {
        add_experts(pinfo, NULL, rec, &v);
        return;
    }

    if (rec->flags & TCPST_R_UNKNOWN) {
        ti = proto_tree_add_item(tree, proto_tcpstate, tvb, 0, 0, ENC_NA);
        proto_item_append_text(ti, ": unknown");
        st = proto_item_add_subtree(ti, ett_tcpstate);
        proto_tree_add_string(st, hf_phase, tvb, 0, 0, tcpst_phase_name(TCPST_PH_UNKNOWN));
        proto_tree_add_string(st, hf_client_state, tvb, 0, 0, tcpst_state_name(TCPST_UNKNOWN));
        proto_tree_add_string(st, hf_server_state, tvb, 0, 0, tcpst_state_name(TCPST_UNKNOWN));
        add_experts(pinfo, ti, rec, &v);
        return;
    }
    /* The one-line text, only for a tree someone reads or a filter on it. */
    summary = NULL;
    if (proto_field_is_referenced(tree, hf_transition)) {
        if (v.step)
            summary = wmem_strdup_printf(pinfo->pool, "%s step %u of %u, %s, %s",
                                         tcpst_phase_name(v.phase), v.step,
                                         v.phase == TCPST_PH_HANDSHAKE ? 3 : 4,
                                         endpoint_text(pinfo, &v, TCPST_CLIENT),
                                         endpoint_text(pinfo, &v, TCPST_SERVER));
        else
            summary = wmem_strdup_printf(pinfo->pool, "%s, %s, %s", tcpst_phase_name(v.phase),
                                         endpoint_text(pinfo, &v, TCPST_CLIENT),
                                         endpoint_text(pinfo, &v, TCPST_SERVER));
    }

    ti = proto_tree_add_item(tree, proto_tcpstate, tvb, 0, 0, ENC_NA);
    if (summary)
        proto_item_append_text(ti, ": %s", summary);
    st = proto_item_add_subtree(ti, ett_tcpstate);

    proto_tree_add_string(st, hf_phase, tvb, 0, 0, tcpst_phase_name(v.phase));
    if (proto_field_is_referenced(st, hf_sender)) /* formatting the address is not free */
        proto_tree_add_string_format_value(st, hf_sender, tvb, 0, 0, tcpst_role_name(v.sender),
                                           "%s (%s%s%s:%u)", tcpst_role_name(v.sender),
                                           src->type == AT_IPv6 ? "[" : "",
                                           address_to_str(pinfo->pool, src),
                                           src->type == AT_IPv6 ? "]" : "", hdr->sport);
    add_state(st, pinfo, tvb, hf_client_state, hf_client_prev, hf_client_via, &v, TCPST_CLIENT);
    add_state(st, pinfo, tvb, hf_server_state, hf_server_prev, hf_server_via, &v, TCPST_SERVER);
    if (v.step)
        proto_tree_add_uint_format_value(st, hf_step, tvb, 0, 0, v.step, "%u (%s)", v.step,
                                         tcpst_step_text(v.phase, v.step, v.events));
    pi = proto_tree_add_boolean(st, hf_changed, tvb, 0, 0, v.changed);
    proto_item_set_generated(pi);
    if (v.acks_frame) {
        pi = proto_tree_add_uint(st, hf_acks_frame, tvb, 0, 0, v.acks_frame);
        proto_item_set_generated(pi);
    }
    if (summary) {
        pi = proto_tree_add_string(st, hf_transition, tvb, 0, 0, summary);
        proto_item_set_hidden(pi);
    }
    if (v.inferred) {
        pi = proto_tree_add_boolean(st, hf_inferred, tvb, 0, 0, TRUE);
        proto_item_set_generated(pi);
    }
    if (v.revised) {
        pi = proto_tree_add_boolean(st, hf_revised, tvb, 0, 0, TRUE);
        proto_item_set_generated(pi);
    }

    add_experts(pinfo, ti, rec, &v);
}

/* Stats listeners: the record with the segment's addresses and stream. */
static void queue_tap(packet_info *pinfo, const struct tcpst_rec *rec, const address *src,
                      const address *dst, tvbuff_t *tvb)
{
    struct tcpstate_tap *t = wmem_new0(pinfo->pool, struct tcpstate_tap);
    struct tcpst_seg hdr;
    struct tcp_analysis *tcpd;

    memset(&hdr, 0, sizeof hdr);
    t->rec = rec;
    copy_address_shallow(&t->src, src);
    copy_address_shallow(&t->dst, dst);
    if (parse_header(tvb, &hdr)) {
        t->sport = hdr.sport;
        t->dport = hdr.dport;
        if ((tcpd = tcp_data(pinfo, src, dst, &hdr)) != NULL)
            t->stream = tcpd->stream;
    }
    tap_queue_packet(tcpstate_tap, pinfo, t);
}

static int dissect_tcp_with_state(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    volatile int ret = 0;
    address src, dst;
    guint8 layer = pinfo->curr_layer_num;

    if (!proto_is_protocol_enabled(tcpstate_protocol) || pinfo->flags.in_error_pkt)
        return call_dissector_only(tcp_handle, tvb, pinfo, tree, data);

    /* Payload dissectors may overwrite these; keep the ones of this segment. */
    copy_address_shallow(&src, &pinfo->src);
    copy_address_shallow(&dst, &pinfo->dst);

    TRY {
        ret = call_dissector_only(tcp_handle, tvb, pinfo, tree, data);
    }
    FINALLY {
        struct tcpst_rec *rec;
        struct tcpst_seg hdr;

        rec = rec_get(pinfo, layer);
        if (!rec && !PINFO_FD_VISITED(pinfo))
            rec = analyse(tvb, pinfo, &src, &dst, layer);
        if (rec) {
            if (tree) {
                memset(&hdr, 0, sizeof hdr);
                parse_header(tvb, &hdr);
                render(tvb, pinfo, tree, rec, &src, &hdr);
            }
            if (have_tap_listener(tcpstate_tap))
                queue_tap(pinfo, rec, &src, &dst, tvb);
        }
    }
    ENDTRY;
    return ret;
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
        { &hf_changed, { "State changed", "tcpstate.changed", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "This segment changed either endpoint's state", HFILL } },
        { &hf_step, { "Step", "tcpstate.step", FT_UINT8, BASE_DEC, NULL, 0x0,
            "Step of the three-way handshake (1-3) or four-way teardown (1-4)", HFILL } },
        { &hf_acks_frame, { "Acknowledges frame", "tcpstate.acks_frame", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_ACK), 0x0, "Frame of the SYN or FIN this segment acknowledges", HFILL } },
        { &hf_inferred, { "Inferred", "tcpstate.inferred", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "Handshake not (fully) captured: roles and states are inferred", HFILL } },
        { &hf_revised, { "Revised with hindsight", "tcpstate.revised", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "A later segment showed that a single pass got this segment's states wrong", HFILL } },
        { &hf_transition, { "Transition", "tcpstate.transition", FT_STRING, BASE_NONE, NULL, 0x0,
            "One-line summary of this segment's transition", HFILL } },
    };
    static gint *ett[] = { &ett_tcpstate };
    static ei_register_info ei[] = {
        { &ei_unknown, { "tcpstate.unknown", PI_MALFORMED, PI_WARN,
            "Segment not analysed: TCP header missing or truncated", EXPFILL } },
        { &ei_invalid_flags, { "tcpstate.invalid_flags", PI_PROTOCOL, PI_WARN,
            "Illegal flag combination (SYN with FIN or RST, or no ACK): a TCP stack ignores it", EXPFILL } },
        { &ei_midstream, { "tcpstate.midstream", PI_SEQUENCE, PI_NOTE,
            "Handshake not captured: roles and states are inferred", EXPFILL } },
        { &ei_refused, { "tcpstate.refused", PI_SEQUENCE, PI_WARN,
            "Connection refused: RST answers the SYN, nothing was listening", EXPFILL } },
        { &ei_reset, { "tcpstate.reset", PI_SEQUENCE, PI_WARN,
            "Connection reset", EXPFILL } },
        { &ei_sim_close, { "tcpstate.simultaneous_close", PI_SEQUENCE, PI_NOTE,
            "Simultaneous close: this FIN crossed the peer's FIN", EXPFILL } },
        { &ei_sim_open, { "tcpstate.simultaneous_open", PI_SEQUENCE, PI_NOTE,
            "Simultaneous open: both ends sent a SYN", EXPFILL } },
        { &ei_merged, { "tcpstate.merged_finack", PI_SEQUENCE, PI_CHAT,
            "ACK and FIN merged: the passive closer's delayed ACK left with its FIN (three-segment teardown)", EXPFILL } },
        { &ei_revised, { "tcpstate.revised.expert", PI_SEQUENCE, PI_CHAT,
            "States revised with hindsight from later segments", EXPFILL } },
    };
    module_t *module;
    expert_module_t *expert;

    proto_tcpstate = proto_register_protocol("TCP State", "TCPSTATE", "tcpstate");
    proto_register_field_array(proto_tcpstate, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert = expert_register_protocol(proto_tcpstate);
    expert_register_field_array(expert, ei, array_length(ei));

    module = prefs_register_protocol(proto_tcpstate, NULL);
    prefs_register_uint_preference(module, "msl", "Maximum segment lifetime (seconds)",
        "TIME_WAIT lasts twice this long; a later segment sees the endpoint CLOSED",
        10, &pref_msl);

    conns = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_direct_hash, g_direct_equal);
    tcpstate_tap = register_tap("tcpstate");
    register_cleanup_routine(tcpstate_cleanup);
}

void proto_reg_handoff_tcpstate(void)
{
    dissector_handle_t handle;

    tcpstate_protocol = find_protocol_by_id(proto_tcpstate);
    proto_tcp = proto_get_id_by_filter_name("tcp");
    tcp_handle = find_dissector("tcp");
    /* No protocol on this handle: see the comment at the top. */
    handle = create_dissector_handle_with_name_and_description(dissect_tcp_with_state, -1,
        "tcpstate_tcp", "TCP with TCP State");
    dissector_add_uint("ip.proto", IP_PROTO_TCP, handle);
}
