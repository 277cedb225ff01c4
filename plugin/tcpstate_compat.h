/* tcpstate_compat.h - the few differences between the Wireshark versions we
 * build against (4.0, 4.4, 4.6), in one place.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPSTATE_COMPAT_H
#define TCPSTATE_COMPAT_H

#include <ws_version.h>

#define TCPSTATE_WS_AT_LEAST(maj, min) \
    (WIRESHARK_VERSION_MAJOR > (maj) || \
     (WIRESHARK_VERSION_MAJOR == (maj) && WIRESHARK_VERSION_MINOR >= (min)))

/* Boolean preferences are bool from 4.4 on, gboolean before. */
#if TCPSTATE_WS_AT_LEAST(4, 4)
typedef bool tcpstate_pref_bool;
#else
typedef gboolean tcpstate_pref_bool;
#endif

/* A stat_tap_ui init callback returns bool (accepted) from 4.6 on. */
#if TCPSTATE_WS_AT_LEAST(4, 5)
#define TCPSTATE_STAT_INIT_TYPE bool
#define TCPSTATE_STAT_INIT_RETURN return true
#else
#define TCPSTATE_STAT_INIT_TYPE void
#define TCPSTATE_STAT_INIT_RETURN return
#endif

/* Plugin registration: TCPSTATE_PLUGIN(version, blurb, register_fn) defines
 * what Wireshark looks for in the .so, register_fn being a static
 * void (void) that calls proto_register_plugin().
 *
 * 4.0 to 4.6 (checked against 4.0.17, 4.4.18, 4.6.9): the exported symbols
 * plugin_version, plugin_want_major, plugin_want_minor and plugin_register().
 * 4.4 and 4.6 (not 4.0) also call an optional plugin_describe() returning
 * WS_PLUGIN_DESC_* flags (the type column of "tshark -G plugins"), defined in
 * <wsutil/plugins.h>, which 4.0's development package does not install.
 *
 * Wireshark's development branch (not in 4.6) replaces all of them with
 * WIRESHARK_PLUGIN_REGISTER_EPAN(&struct ws_module, api level), from
 * <wsutil/plugins.h> as well. It is recognised by its own macro, not by a
 * version number, because no released version has it yet. */
#if defined(__has_include)
#if __has_include(<wsutil/plugins.h>)
#include <wsutil/plugins.h>
#endif
#endif

#if defined(WIRESHARK_PLUGIN_REGISTER_EPAN)
#define TCPSTATE_PLUGIN(version_, blurb_, register_fn)             \
    static struct ws_module tcpstate_module = {                    \
        .flags = WS_PLUGIN_DESC_DISSECTOR,                         \
        .version = version_,                                       \
        .spdx_id = "GPL-2.0-or-later",                             \
        .home_url = "",                                            \
        .blurb = blurb_,                                           \
        .register_cb = &register_fn,                               \
    };                                                             \
    WIRESHARK_PLUGIN_REGISTER_EPAN(&tcpstate_module, 0)
#else
#if defined(WS_PLUGIN_DESC_DISSECTOR)
#define TCPSTATE_PLUGIN_DESCRIBE                                   \
    WS_DLL_PUBLIC uint32_t plugin_describe(void);                  \
    uint32_t plugin_describe(void) { return WS_PLUGIN_DESC_DISSECTOR; }
#else
#define TCPSTATE_PLUGIN_DESCRIBE
#endif
#define TCPSTATE_PLUGIN(version_, blurb_, register_fn)             \
    WS_DLL_PUBLIC_DEF const char plugin_version[] = version_;      \
    WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR; \
    WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR; \
    WS_DLL_PUBLIC void plugin_register(void);                      \
    void plugin_register(void) { register_fn(); }                  \
    TCPSTATE_PLUGIN_DESCRIBE
#endif

/* Sequence analysis (Statistics > Flow Graph, -z flow,NAME): the real
 * <epan/sequence_analysis.h> where the development package installs it.
 * 4.0's does not, though libwireshark 4.0 exports the functions: for 4.0
 * only, the declarations used here, as in 4.0.17's epan/sequence_analysis.h
 * (layouts are fixed within a major.minor series). Another version without
 * the header gets no flow type (TCPSTATE_HAVE_SEQ_ANALYSIS 0). */
#if defined(__has_include)
#if __has_include(<epan/sequence_analysis.h>)
#include <epan/sequence_analysis.h>
#define TCPSTATE_HAVE_SEQ_ANALYSIS 1
#endif
#endif

#if !defined(TCPSTATE_HAVE_SEQ_ANALYSIS) && WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR == 0
#include <epan/address.h>
#include <epan/packet_info.h>
#include <epan/tap.h>
#define TCPSTATE_HAVE_SEQ_ANALYSIS 1
#define MAX_NUM_NODES 40

typedef struct _seq_analysis_item {
    guint32 frame_number;
    address src_addr;
    guint16 port_src;
    address dst_addr;
    guint16 port_dst;
    gchar *frame_label;         /* above the arrow; g_free()d with the item */
    gchar *time_str;
    gchar *comment;             /* right of the graph */
    guint16 conv_num;
    unsigned fg_color;
    unsigned bg_color;
    gboolean has_color_filter;
    gboolean display;
    guint src_node;
    guint dst_node;
    guint16 line_style;
    guint32 info_type;
    gpointer info_ptr;
} seq_analysis_item_t;

typedef struct _seq_analysis_info {
    const char *name;
    gboolean any_addr;
    int nconv;
    GQueue *items;              /* of seq_analysis_item_t */
    GHashTable *ht;
    address nodes[MAX_NUM_NODES];
    guint32 num_nodes;
} seq_analysis_info_t;

WS_DLL_PUBLIC void register_seq_analysis(const char *name, const char *ui_name, const int proto_id,
                                         const char *tap_listener, guint tap_flags, tap_packet_cb tap_func);
WS_DLL_PUBLIC seq_analysis_item_t *sequence_analysis_create_sai_with_addresses(packet_info *pinfo,
                                                                               seq_analysis_info_t *sainfo);
WS_DLL_PUBLIC void sequence_analysis_use_color_filter(packet_info *pinfo, seq_analysis_item_t *sai);
#endif

#if !defined(TCPSTATE_HAVE_SEQ_ANALYSIS)
#define TCPSTATE_HAVE_SEQ_ANALYSIS 0
#endif

#endif
