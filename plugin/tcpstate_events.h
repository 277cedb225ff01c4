/* tcpstate_events.h - every event a segment can carry, in one list.
 *
 * The record's bit field, the TCPST_EV_* masks, the expert info (its
 * registration and the calls that add it), the statistics' anomaly rows and
 * the tests' list of expert filters are all made from this list. Adding an
 * event is one line here plus the rule that sets it in the core.
 *
 * X(NAME, tag, label, expert, group, severity, text)
 *   NAME      TCPST_EV_NAME, the mask
 *   tag       short name: -z tcpstate,conv's anomaly column
 *   label     -z tcpstate,sum and the GUI's anomaly rows
 *   expert    expert filter name after "tcpstate."; "" for none
 *   group     PI_<group> (SEQUENCE, PROTOCOL, SECURITY, MALFORMED)
 *   severity  PI_<severity> (CHAT, NOTE, WARN)
 *   text      the expert info's text (the glue words a few of them from
 *             the segment: see expert_text() in packet-tcpstate.c)
 *
 * The order is the order of the statistics' rows and of the expert info on
 * a segment. Pure C: group and severity are only tokens here.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPSTATE_EVENTS_H
#define TCPSTATE_EVENTS_H

#define TCPST_EVENTS(X) \
    X(REFUSED, "refused", "refused (RST answers the SYN)", \
      "refused", SEQUENCE, WARN, \
      "Connection refused: RST answers the SYN, nothing was listening") \
    X(RESET, "reset", "reset (RST ends the connection)", \
      "reset", SEQUENCE, WARN, \
      "Connection reset") \
    X(SYN_RETRANS, "syn-retrans", "SYN or SYN-ACK retransmitted", \
      "syn_retransmitted", SEQUENCE, NOTE, \
      "SYN retransmitted: no answer yet") \
    X(FIN_RETRANS, "fin-retrans", "FIN retransmitted", \
      "fin_retransmitted", SEQUENCE, NOTE, \
      "FIN retransmitted: its ACK did not arrive") \
    X(SIM_OPEN, "sim-open", "simultaneous open", \
      "simultaneous_open", SEQUENCE, NOTE, \
      "Simultaneous open: both ends sent a SYN") \
    X(SIM_CLOSE, "sim-close", "simultaneous close", \
      "simultaneous_close", SEQUENCE, NOTE, \
      "Simultaneous close: this FIN crossed the peer's FIN") \
    X(MERGED_FINACK, "merged-finack", "merged FIN/ACK (three-segment teardown)", \
      "merged_finack", SEQUENCE, CHAT, \
      "ACK and FIN merged: the passive closer's delayed ACK left with its FIN (three-segment teardown)") \
    X(MIDSTREAM, "midstream", "mid-stream (no handshake seen)", \
      "midstream", SEQUENCE, NOTE, \
      "Handshake not captured: roles and states are inferred") \
    X(NEW_CONN, "port-reuse", "new connection on a finished one's ports", \
      "", SEQUENCE, NOTE, "") \
    X(TW_EXPIRED, "tw-expired", "TIME_WAIT expired before a segment", \
      "", SEQUENCE, NOTE, "") \
    X(DATA_AFTER_FIN, "data-after-fin", "data after the sender's FIN", \
      "data_after_fin", PROTOCOL, WARN, \
      "New data after the sender's own FIN") \
    X(INVALID_FLAGS, "invalid-flags", "illegal flag combination", \
      "invalid_flags", PROTOCOL, WARN, \
      "Illegal flag combination (SYN with FIN or RST, or no ACK): a TCP stack ignores it") \
    X(SYN_UNANSWERED, "syn-unanswered", "SYN never answered", \
      "syn_unanswered", SEQUENCE, WARN, \
      "SYN never answered in this capture (nothing listening, filtered, or the server overloaded)") \
    X(SYN_FLOOD, "syn-flood", "SYN flood sign (many half-open attempts)", \
      "syn_flood", SECURITY, WARN, \
      "SYN flood sign: many half-open connection attempts to this server") \
    X(BLIND_RST, "blind-reset", "RST ignored: wrong sequence number", \
      "blind_reset", SECURITY, WARN, \
      "RST ignored: its sequence number is not the one the receiver expects (blind reset attempt?)") \
    X(CLOSE_WAIT_LONG, "close-wait-long", "long CLOSE_WAIT", \
      "close_wait_long", SEQUENCE, WARN, \
      "Long CLOSE_WAIT: the application was slow to close() after the peer's FIN") \
    X(TW_REUSE, "tw-reuse", "new SYN while in TIME_WAIT", \
      "time_wait_reuse", SEQUENCE, NOTE, \
      "New connection on the ports of one still in TIME_WAIT") \
    X(TW_SEGMENT, "tw-segment", "segment for an endpoint in TIME_WAIT", \
      "time_wait_segment", SEQUENCE, NOTE, \
      "Segment for an endpoint in TIME_WAIT (a late duplicate)") \
    X(OUT_OF_ORDER, "out-of-order", "teardown captured out of order", \
      "out_of_order_teardown", SEQUENCE, NOTE, \
      "Captured out of order: sent before this side's FIN") \
    X(KEEPALIVE, "keepalive", "keep-alive probe", \
      "keepalive", SEQUENCE, CHAT, \
      "Keep-alive probe (sequence number one below the next): not data") \
    X(FAST_OPEN, "fast-open", "TCP Fast Open", \
      "fast_open", SEQUENCE, CHAT, \
      "TCP Fast Open") \
    X(TFO_ACCEPTED, "tfo-accepted", "TCP Fast Open data accepted", \
      "", SEQUENCE, CHAT, "") \
    X(TRUNCATED, "truncated", "TCP header truncated by the capture", \
      "truncated", MALFORMED, NOTE, \
      "TCP header truncated by the capture: states, phase and Zeek fields from its first 14 bytes " \
      "(ports, sequence and acknowledgment numbers, flags); no window, no options")

/* Expert info that is not an event of the record: a segment that could not
 * be analysed, and a view revised with hindsight. Same columns, no tag or label. */
#define TCPST_EXPERTS_EXTRA(X) \
    X(UNKNOWN, "", "", "unknown", MALFORMED, WARN, \
      "Segment not analysed: TCP header missing or truncated (or no room for more connections)") \
    X(REVISED, "", "", "revised.expert", SEQUENCE, CHAT, \
      "States revised with hindsight from later segments") \
    X(PROVISIONAL, "", "", "provisional", SEQUENCE, CHAT, \
      "Provisional: the receiver is shown in CLOSE_WAIT as if this FIN arrived before it sent its own; " \
      "a FIN crossing it may revise that (two passes know)")

/* TCPST_EVB_NAME: the event's bit number; TCPST_NUM_EVENTS of them. */
enum tcpst_event_bit {
#define TCPST_X_BIT(name, tag, label, expert, group, severity, text) TCPST_EVB_##name,
    TCPST_EVENTS(TCPST_X_BIT)
#undef TCPST_X_BIT
    TCPST_NUM_EVENTS
};

/* TCPST_EV_NAME: the event's mask in tcpst_rec.events. */
enum tcpst_event_mask {
#define TCPST_X_MASK(name, tag, label, expert, group, severity, text) \
    TCPST_EV_##name = 1u << TCPST_EVB_##name,
    TCPST_EVENTS(TCPST_X_MASK)
#undef TCPST_X_MASK
};

#endif
