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
    uint16_t win;       /* window field, unscaled */
};

/* Events seen on a segment (bits of tcpst_rec.events). */
#define TCPST_EV_SYN_RETRANS     0x00000001u /* SYN or SYN-ACK sent again */
#define TCPST_EV_FIN_RETRANS     0x00000002u /* FIN sent again */
#define TCPST_EV_MERGED_FINACK   0x00000004u /* passive closer's ACK and FIN in one segment */
#define TCPST_EV_SIM_CLOSE       0x00000008u /* this FIN crossed the peer's FIN */
#define TCPST_EV_SIM_OPEN        0x00000010u /* both ends sent a SYN */
#define TCPST_EV_REFUSED         0x00000020u /* RST answering a SYN */
#define TCPST_EV_RESET           0x00000040u /* RST closing the connection */
#define TCPST_EV_INVALID_FLAGS   0x00000080u /* SYN+FIN, SYN+RST, no ACK in a synchronized state... */
#define TCPST_EV_MIDSTREAM       0x00000100u /* first segment seen without the handshake */
#define TCPST_EV_NEW_CONN        0x00000200u /* new SYN re-used a finished connection's ports */
#define TCPST_EV_TW_EXPIRED      0x00000400u /* a TIME_WAIT endpoint timed out (2*MSL) before this */
#define TCPST_EV_DATA_AFTER_FIN  0x00000800u /* sender sends new data after its own FIN */
#define TCPST_EV_OUT_OF_ORDER    0x00001000u /* sent before the sender's FIN, captured after it */
#define TCPST_EV_TW_SEGMENT      0x00002000u /* reaches an endpoint in TIME_WAIT (late duplicate) */
#define TCPST_EV_TW_REUSE        0x00004000u /* new SYN while the old connection is in TIME_WAIT */
#define TCPST_EV_CLOSE_WAIT_LONG 0x00008000u /* FIN after a long CLOSE_WAIT, or still in it at the end */
#define TCPST_EV_KEEPALIVE       0x00010000u /* keep-alive (or window) probe: seq = SND.NXT-1, 0-1 byte */
#define TCPST_EV_FAST_OPEN       0x00020000u /* data on the SYN, or the SYN-ACK answering it */
#define TCPST_EV_TFO_ACCEPTED    0x00040000u /* this SYN-ACK acknowledges the SYN's data */
#define TCPST_EV_BLIND_RST       0x00080000u /* RST whose sequence number is not the receiver's RCV.NXT */
#define TCPST_EV_SYN_UNANSWERED  0x00100000u /* (final view) nothing answered this SYN */
#define TCPST_EV_SYN_FLOOD       0x00200000u /* set by the caller: many half-open connections to this server */

/* Record flags (bits of tcpst_rec.flags). */
#define TCPST_R_INFERRED     0x01u /* roles/states inferred: handshake not (fully) seen */
#define TCPST_R_SYN_PENDING  0x02u /* server state assumes the client's SYN arrived */
#define TCPST_R_FIN_PENDING  0x04u /* peer state assumes the first FIN arrived */
#define TCPST_R_FIN_RECORD   0x08u /* this segment carries that first FIN */
#define TCPST_R_UNKNOWN      0x10u /* not analysed (bad header, illegal flags) */
#define TCPST_R_DONE         0x20u /* this segment completed the teardown */

struct tcpst_conn;

/* Per-segment result, 24 bytes. Written once, on the first pass; the caller
 * keeps it for the lifetime of the capture, with the connection (conn is its
 * id) and the frame number. A few values may read differently once the whole
 * capture is known: see tcpst_view(). */
struct tcpst_rec {
    uint32_t conn;              /* tcpst_conn.id; 0 = none */
    uint32_t acks_frame;        /* 0 = none */
    uint32_t events   : 22;     /* TCPST_EV_* */
    uint32_t hist_len : 5;      /* Zeek history after this segment: this many letters of the final one */
    uint32_t zeek     : 4;      /* Zeek conn_state after this segment (enum tcpst_zeek) */
    uint32_t          : 1;
    float    in_state;          /* seconds the sender had been in its state before this; <0 unknown */
    uint8_t  before[2], after[2];   /* by role */
    uint16_t via;               /* by role: up to two states passed through on the way, 4 bits each */
    uint8_t  flags   : 6;       /* TCPST_R_* */
    uint8_t  vantage : 2;       /* enum tcpst_vantage, as of this segment */
    uint8_t  phase   : 3;
    uint8_t  sender  : 2;       /* enum tcpst_role */
    uint8_t  step    : 3;       /* 0 = no step */
};

/* State the role passed through on the way, i-th (0 or 1); 0 = none. */
#define TCPST_REC_VIA(r, role, i) (((r)->via >> (8 * (role) + 4 * (i))) & 0xf)

/* What to show for a record. */
struct tcpst_view {
    uint8_t phase, sender, step;
    uint8_t before[2], after[2];
    uint8_t via[2][2];
    bool    changed;
    bool    revised;            /* differs from what a single pass showed */
    bool    inferred;
    uint32_t acks_frame;
    uint32_t events;
    uint8_t  zeek;              /* Zeek conn_state: as of this segment; at the end when final */
    uint8_t  hist_len;
};

struct tcpst_config {
    double msl;                 /* maximum segment lifetime, seconds; TIME_WAIT lasts 2*MSL */
    double close_wait_long;     /* CLOSE_WAIT longer than this is reported, seconds */
};

/* Where the capture was taken, from the round trips seen from it. */
enum tcpst_vantage {
    TCPST_V_UNKNOWN = 0,        /* not both round trips measured yet, or both tiny */
    TCPST_V_CLIENT,             /* near the client: almost all the delay is toward the server */
    TCPST_V_SERVER,             /* near the server */
    TCPST_V_MIDDLE,
    TCPST_V_NUM
};
#define TCPST_VANTAGE_MIN_RTT 0.001 /* below this, where the capture was taken cannot be told */

#define TCPST_HAVE_ZEEK 1

/* Zeek conn.log conn_state values. */
enum tcpst_zeek {
    TCPST_Z_NONE = 0, TCPST_Z_S0, TCPST_Z_S1, TCPST_Z_SF, TCPST_Z_REJ, TCPST_Z_S2, TCPST_Z_S3,
    TCPST_Z_RSTO, TCPST_Z_RSTR, TCPST_Z_RSTOS0, TCPST_Z_RSTRH, TCPST_Z_SH, TCPST_Z_SHR,
    TCPST_Z_OTH, TCPST_Z_NUM
};

#define TCPST_HISTORY_MAX 31    /* longer histories are cut */

/* Connection state. Opaque to callers apart from its size. */
struct tcpst_half {
    uint32_t isn, syn_frame;
    uint32_t fin_seq, fin_frame; /* fin_seq: sequence number of the FIN itself */
    uint32_t nxt;               /* highest sequence number sent + 1 (SND.NXT as seen) */
    uint32_t last_ack;          /* latest acknowledgement number sent */
    uint32_t max_ack;           /* highest acknowledgement number sent */
    uint32_t pend_end;          /* oldest unacknowledged segment's end, for a round trip sample */
    float    pend_time;
    uint32_t syn_len;           /* data bytes on the SYN (TCP Fast Open) */
    /* Zeek's view of this endpoint */
    uint32_t z_last_syn, z_last_fin, z_last_rst;
    uint32_t z_rxmit, z_zero_win;
    uint16_t z_seen;            /* history letters already recorded once */
    uint8_t  z_state : 4, z_prev : 4;
    uint8_t  z_data : 1;
    uint8_t  pend : 1, pend_rexmit : 1;
    uint8_t  syn_seen : 1, syn_acked : 1, fin_seen : 1, fin_acked : 1;
    uint8_t  synack_sent : 1;
    uint8_t  sent_any : 1, ack_sent : 1;
};

struct tcpst_conn {
    uint32_t id;                /* the caller's number for it (records carry it); not 0 */
    uint8_t  st[2];             /* current state by role */
    uint8_t  started : 1;
    uint8_t  reused_ports : 1;  /* set by the caller: follows a finished connection on the same ports */
    uint8_t  client_dir : 1;    /* which seg.dir is the client */
    uint8_t  inferred : 1;
    uint8_t  fin_window : 1;    /* first FIN not yet confirmed received */
    uint8_t  crossed : 1;       /* first FIN crossed the peer's FIN */
    uint8_t  fin_undelivered : 1;   /* crossed FIN still travelling to its receiver */
    uint8_t  tw_reuse : 1;      /* set by tcpst_conn_follow: the old one was in TIME_WAIT */
    uint8_t  syn_undelivered : 1;   /* simultaneous open: the client's SYN not yet at the server side */
    uint8_t  unmerged : 1;      /* an ACK of the first FIN turned up after the FIN that seemed merged */
    uint8_t  stage : 3;         /* internal */
    uint8_t  syn_outcome : 3;   /* internal: what answered the client's SYN */
    uint8_t  first_fin_role : 2;    /* TCPST_ROLE_UNKNOWN until a FIN is seen */
    uint8_t  fin_gap : 2;       /* 1 + role whose FIN waits behind bytes not seen yet; 0 none */
    uint8_t  cross_pre : 4;     /* receiver's state before the crossed FIN */
    uint8_t  hist_len;
    char     history[TCPST_HISTORY_MAX + 1];  /* Zeek history so far */
    uint32_t last_frame;
    double   first_time;        /* capture time of the first segment; the times below count from it */
    float    last_time;
    float    tw_since[2];
    float    since[2];          /* when each role entered its state; <0 unknown */
    float    syn_time, synack_time, hs_ack_time;  /* handshake, as captured; <0 not seen */
    float    first_fin_time;    /* <0 none */
    float    close_wait_long;   /* copied from the configuration */
    float    rtt[2];            /* by role: shortest round trip capture point <-> that endpoint; <0 none */
    struct tcpst_half h[2];     /* by role: what that endpoint sent */
};

void tcpst_conn_init(struct tcpst_conn *c);

/* True when s opens a new connection on the ports of the finished c. The
 * caller then continues with a fresh tcpst_conn (reused_ports = 1), so that
 * the records of the old one keep their meaning. */
bool tcpst_starts_new(const struct tcpst_conn *c, const struct tcpst_config *cfg,
                      const struct tcpst_seg *s);

/* c continues on the ports of the finished old one (see tcpst_starts_new):
 * marks it, and notes whether old was still in TIME_WAIT at time now. */
void tcpst_conn_follow(struct tcpst_conn *c, const struct tcpst_conn *old,
                       const struct tcpst_config *cfg, double now);

/* A connection attempt that has not got past the handshake (a SYN from the
 * client seen, no reset, not yet synchronized both ways). */
bool tcpst_half_open(const struct tcpst_conn *c);

/* Process one segment; fills *out (out->conn is set to c->id, which the
 * caller has made non-zero). */
void tcpst_process(struct tcpst_conn *c, const struct tcpst_config *cfg,
                   const struct tcpst_seg *s, struct tcpst_rec *out);

/* Fill *out for an unanalysable segment (truncated header...). */
void tcpst_rec_unknown(struct tcpst_rec *out);

/* Values to display for r, the record of frame in connection c (NULL when
 * r->conn is 0). final = the whole capture has been seen (a later pass):
 * hindsight corrections apply. */
void tcpst_view(const struct tcpst_rec *r, const struct tcpst_conn *c, uint32_t frame, bool final,
                struct tcpst_view *out);

const char *tcpst_state_name(unsigned st);   /* "FIN_WAIT_1", "UNKNOWN" */
const char *tcpst_phase_name(unsigned ph);   /* "teardown", "unknown" */
const char *tcpst_role_name(unsigned role);  /* "client", "server", "unknown" */
const char *tcpst_step_text(unsigned phase, unsigned step, uint32_t events);
const char *tcpst_zeek_name(unsigned z);      /* "SF", "-" for none */
const char *tcpst_vantage_name(unsigned v);   /* "client", "server", "middle", "unknown" */
/* Whether the receiver of r's segment showed it got it: 1 yes (it acknowledged
 * seg_end, the end of [seg_seq, seg_end) in sequence space), 0 not in what was processed,
 * -1 nothing to confirm (no sequence space: a pure ACK, a RST). */
int tcpst_receiver_confirmed(const struct tcpst_rec *r, const struct tcpst_conn *c, uint32_t seg_seq,
                             uint32_t seg_end);
/* Zeek conn_state and history of the connection as far as it has been processed. */
const char *tcpst_zeek_conn_state(const struct tcpst_conn *c);
const char *tcpst_zeek_history(const struct tcpst_conn *c);

#ifdef __cplusplus
}
#endif
#endif
