/* tcpstate_core.h - TCP state machine inference from observed segments.
 *
 * Pure C (no glib, no epan). The caller feeds the facts of each segment of
 * one connection, in capture order, and gets back a small fixed-size record
 * describing both endpoints' states before and after the segment.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPSTATE_CORE_H
#define TCPSTATE_CORE_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Endpoint states (RFC 9293 section 3.3.2), plus an explicit unknown. */
enum tcpst_state {
    TCPST_UNKNOWN = 0,
    TCPST_CLOSED,
    TCPST_LISTEN,
    TCPST_SYN_SENT,
    TCPST_SYN_RECEIVED,
    TCPST_ESTABLISHED,
    TCPST_FIN_WAIT_1,
    TCPST_FIN_WAIT_2,
    TCPST_CLOSE_WAIT,
    TCPST_CLOSING,
    TCPST_LAST_ACK,
    TCPST_TIME_WAIT,
    TCPST_NUM_STATES
};

enum tcpst_phase {
    TCPST_PH_UNKNOWN = 0,
    TCPST_PH_HANDSHAKE,
    TCPST_PH_DATA,
    TCPST_PH_TEARDOWN,
    TCPST_PH_CLOSED,
    TCPST_PH_RESET,
    TCPST_NUM_PHASES
};

/* Roles. Arrays indexed by role use these. */
enum tcpst_role { TCPST_CLIENT = 0, TCPST_SERVER = 1, TCPST_ROLE_UNKNOWN = 2 };

/* TCP header flag bits, as in the header's flags byte. */
#define TCPST_FIN 0x01
#define TCPST_SYN 0x02
#define TCPST_RST 0x04
#define TCPST_PSH 0x08
#define TCPST_ACK 0x10

/* Facts of one segment. */
struct tcpst_seg {
    uint32_t frame;     /* frame number, for acks_frame */
    double   time;      /* capture time, seconds */
    uint8_t  dir;       /* 0 or 1: which endpoint of the connection sent it */
    uint8_t  flags;     /* TCPST_FIN | TCPST_SYN | ... */
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint32_t len;       /* payload bytes (not counting SYN/FIN) */
};

/* Events seen on a segment (bits of tcpst_rec.events). */
#define TCPST_EV_SYN_RETRANS     0x0001u /* SYN or SYN-ACK sent again */
#define TCPST_EV_FIN_RETRANS     0x0002u /* FIN sent again */
#define TCPST_EV_MERGED_FINACK   0x0004u /* passive closer's ACK and FIN in one segment */
#define TCPST_EV_SIM_CLOSE       0x0008u /* this FIN crossed the peer's FIN */
#define TCPST_EV_SIM_OPEN        0x0010u /* both ends sent a SYN */
#define TCPST_EV_REFUSED         0x0020u /* RST answering a SYN */
#define TCPST_EV_RESET           0x0040u /* RST closing the connection */
#define TCPST_EV_INVALID_FLAGS   0x0080u /* SYN+FIN, SYN+RST, no ACK in a synchronized state... */
#define TCPST_EV_MIDSTREAM       0x0100u /* first segment seen without the handshake */
#define TCPST_EV_NEW_CONN        0x0200u /* new SYN re-used a finished connection's ports */
#define TCPST_EV_TW_EXPIRED      0x0400u /* a TIME_WAIT endpoint timed out (2*MSL) before this */
#define TCPST_EV_DATA_AFTER_FIN  0x0800u /* sender sends new data after its own FIN */

/* Record flags (bits of tcpst_rec.flags). */
#define TCPST_R_INFERRED     0x01u /* roles/states inferred: handshake not (fully) seen */
#define TCPST_R_SYN_PENDING  0x02u /* server state assumes the client's SYN arrived */
#define TCPST_R_FIN_PENDING  0x04u /* peer state assumes the first FIN arrived */
#define TCPST_R_FIN_RECORD   0x08u /* this segment carries that first FIN */
#define TCPST_R_UNKNOWN      0x10u /* not analysed (bad header, illegal flags) */

struct tcpst_conn;

/* Per-segment result. Written once, on the first pass; the caller keeps it
 * for the lifetime of the capture. A few values may read differently once
 * the whole capture is known: see tcpst_view(). */
struct tcpst_rec {
    const struct tcpst_conn *conn;
    uint32_t frame;
    uint32_t acks_frame;        /* 0 = none */
    uint16_t events;
    uint8_t  flags;
    uint8_t  phase;
    uint8_t  sender;            /* enum tcpst_role */
    uint8_t  step;              /* 0 = no step */
    uint8_t  before[2], after[2];   /* by role */
    uint8_t  via[2][2];         /* by role: states passed through on the way, 0 = none */
    uint8_t  tag;               /* the caller's; the core leaves it alone */
};

/* What to show for a record. */
struct tcpst_view {
    uint8_t phase, sender, step;
    uint8_t before[2], after[2];
    uint8_t via[2][2];
    bool    changed;
    bool    revised;            /* differs from what a single pass showed */
    bool    inferred;
    uint32_t acks_frame;
    uint16_t events;
};

struct tcpst_config {
    double msl;                 /* maximum segment lifetime, seconds; TIME_WAIT lasts 2*MSL */
};

/* Connection state. Opaque to callers apart from its size. */
struct tcpst_half {
    uint32_t isn, syn_frame;
    uint32_t fin_seq, fin_frame; /* fin_seq: sequence number of the FIN itself */
    uint8_t  syn_seen, syn_acked, fin_seen, fin_acked;
    uint8_t  synack_sent;
    uint8_t  sent_any;
};

struct tcpst_conn {
    uint8_t  started;
    uint8_t  reused_ports;      /* set by the caller: follows a finished connection on the same ports */
    uint8_t  client_dir;        /* which seg.dir is the client */
    uint8_t  inferred;
    uint8_t  stage;             /* internal */
    uint8_t  st[2];             /* current state by role */
    uint8_t  syn_outcome;       /* internal: what answered the client's SYN */
    uint8_t  first_fin_role;    /* TCPST_ROLE_UNKNOWN until a FIN is seen */
    uint8_t  fin_window;        /* first FIN not yet confirmed received */
    uint8_t  crossed;           /* first FIN crossed the peer's FIN */
    uint8_t  cross_pre;         /* receiver's state before the crossed FIN */
    uint8_t  fin_undelivered;   /* crossed FIN still travelling to its receiver */
    double   tw_since[2];
    struct tcpst_half h[2];     /* by role: what that endpoint sent */
};

void tcpst_conn_init(struct tcpst_conn *c);

/* True when s opens a new connection on the ports of the finished c. The
 * caller then continues with a fresh tcpst_conn (reused_ports = 1), so that
 * the records of the old one keep their meaning. */
bool tcpst_starts_new(const struct tcpst_conn *c, const struct tcpst_config *cfg,
                      const struct tcpst_seg *s);

/* Process one segment; fills *out (out->conn is set to c). */
void tcpst_process(struct tcpst_conn *c, const struct tcpst_config *cfg,
                   const struct tcpst_seg *s, struct tcpst_rec *out);

/* Fill *out for an unanalysable segment (truncated header...). */
void tcpst_rec_unknown(struct tcpst_rec *out, uint32_t frame);

/* Values to display. final = the whole capture has been seen (a later
 * pass): hindsight corrections apply. */
void tcpst_view(const struct tcpst_rec *r, bool final, struct tcpst_view *out);

const char *tcpst_state_name(unsigned st);   /* "FIN_WAIT_1", "UNKNOWN" */
const char *tcpst_phase_name(unsigned ph);   /* "teardown", "unknown" */
const char *tcpst_role_name(unsigned role);  /* "client", "server", "unknown" */
const char *tcpst_step_text(unsigned phase, unsigned step, uint16_t events);

#ifdef __cplusplus
}
#endif
#endif
