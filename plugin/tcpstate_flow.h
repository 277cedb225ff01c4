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

struct tcpst_view;
/* Appends role's states in view v: "ESTABLISHED→FIN_WAIT_1", through the
 * states passed on the way; the state alone when it did not change. */
void tcpstate_append_states(GString *s, const struct tcpst_view *v, unsigned role);

#endif
