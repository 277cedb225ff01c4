/* plugin.c - registration of the tcpstate plugin with Wireshark.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_BUILD_DLL
#include <wireshark.h>
#include <epan/proto.h>
#include <epan/tap.h>

#include "tcpstate_compat.h"
#include "tcpstate_stats.h"

#ifndef TCPSTATE_VERSION
#define TCPSTATE_VERSION "0.0.0"
#endif

void proto_register_tcpstate(void);
void proto_reg_handoff_tcpstate(void);

/* -z tcpstate,... and the Tools > TCP State tables */
static void register_stats(void)
{
    stats_register_common();
    stats_register_cli();
    stats_register_gui();
}

static void register_tcpstate(void)
{
    static proto_plugin plug;
    static tap_plugin tap_plug;

    plug.register_protoinfo = proto_register_tcpstate;
    plug.register_handoff = proto_reg_handoff_tcpstate;
    proto_register_plugin(&plug);
    tap_plug.register_tap_listener = register_stats;
    tap_register_plugin(&tap_plug);
}

/* plugin_version, plugin_register() and friends: see tcpstate_compat.h */
TCPSTATE_PLUGIN(TCPSTATE_VERSION, "TCP state machine per segment", register_tcpstate)
