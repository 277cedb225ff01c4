/* tcpstate_stats.h - statistics over the "tcpstate" tap (tshark -z, GUI).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPSTATE_STATS_H
#define TCPSTATE_STATS_H

/* Called once the tap exists, when Wireshark registers tap listeners: */
void stats_register_common(void);  /* what every view shares (tcpstate_stats.c) */
void stats_register_cli(void);     /* tshark -z tcpstate,sum|conv|ts|ladder|ss|hosts (tcpstate_stats_cli.c) */
void stats_register_gui(void);     /* Tools > TCP State (tcpstate_stats_gui.c) */

#endif
