/* tcpstate_stats.h - statistics over the "tcpstate" tap (tshark -z, GUI).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPSTATE_STATS_H
#define TCPSTATE_STATS_H

/* Registers the -z forms and the Statistics menu entries; called once the
 * tap exists, when Wireshark registers tap listeners. */
void tcpstate_register_stats(void);

#endif
