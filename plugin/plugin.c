/* plugin.c - registration of the tcpstate plugin with Wireshark.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_BUILD_DLL
#include <wireshark.h>
#include <epan/proto.h>

#include "tcpstate_compat.h"
#if TCPSTATE_NEW_PLUGIN_API
#include <wsutil/plugins.h>
#endif

#ifndef TCPSTATE_VERSION
#define TCPSTATE_VERSION "0.0.0"
#endif

void proto_register_tcpstate(void);
void proto_reg_handoff_tcpstate(void);

#if TCPSTATE_NEW_PLUGIN_API
static void plugin_register(void)
#else
WS_DLL_PUBLIC_DEF const char plugin_version[] = TCPSTATE_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;
WS_DLL_PUBLIC void plugin_register(void);
void plugin_register(void)
#endif
{
    static proto_plugin plug;

    plug.register_protoinfo = proto_register_tcpstate;
    plug.register_handoff = proto_reg_handoff_tcpstate;
    proto_register_plugin(&plug);
}

#if TCPSTATE_NEW_PLUGIN_API
static struct ws_module module = {
    .flags = WS_PLUGIN_DESC_DISSECTOR,
    .version = TCPSTATE_VERSION,
    .spdx_id = "GPL-2.0-or-later",
    .home_url = "",
    .blurb = "TCP state machine per segment",
    .register_cb = &plugin_register,
};

WIRESHARK_PLUGIN_REGISTER_EPAN(&module, 0)
#endif
