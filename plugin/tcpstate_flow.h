/* tcpstate_flow.h - the "TCP states" flow type of Statistics > Flow Graph.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPSTATE_FLOW_H
#define TCPSTATE_FLOW_H

/* Registers the flow type "tcpstate" (-z flow,tcpstate,...) over the
 * "tcpstate" tap; proto: the TCP State protocol. Nothing where the
 * Wireshark built against has no sequence analysis (tcpstate_compat.h). */
void tcpstate_flow_register(int proto);

#endif
