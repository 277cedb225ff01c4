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

#endif
