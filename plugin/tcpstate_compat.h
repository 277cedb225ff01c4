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

/* 4.4 replaced plugin_register()/plugin_version with WIRESHARK_PLUGIN_REGISTER_EPAN. */
#if TCPSTATE_WS_AT_LEAST(4, 4)
#define TCPSTATE_NEW_PLUGIN_API 1
#else
#define TCPSTATE_NEW_PLUGIN_API 0
#endif

#endif
