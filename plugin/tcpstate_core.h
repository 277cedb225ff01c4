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

#include "tcpstate_events.h"

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
    uint8_t  truncated; /* the header was cut short after its flags (first
                         * 14 bytes): no window, no options */
    uint8_t  sack_ok;   /* a SACK-permitted option (on a SYN) */
    uint8_t  nsack;     /* SACK blocks in sack[] (0 to 4), as sent */
    uint32_t sack[4][2];    /* left and right edge of each */
};

/* Events seen on a segment (bits of tcpst_rec.events): tcpstate_events.h. */

/* Record flags (bits of tcpst_rec.flags). */
#define TCPST_R_INFERRED     0x01u /* roles/states inferred: handshake not (fully) seen */
#define TCPST_R_SYN_PENDING  0x02u /* server state assumes the client's SYN arrived */
#define TCPST_R_FIN_PENDING  0x04u /* peer state assumes the first FIN arrived */
#define TCPST_R_FIN_RECORD   0x08u /* this segment carries that first FIN */
#define TCPST_R_UNKNOWN      0x10u /* not analysed (bad header, illegal flags) */
#define TCPST_R_DONE         0x20u /* this segment completed the teardown */

/* A connection: opaque outside the core (tcpstate_conn.h). */
struct tcpst_conn;

/* Per-segment result, 24 bytes. Written once, on the first pass; the caller
 * keeps it for the lifetime of the capture, with the connection (conn is its
 * id) and the frame number. A few values may read differently once the whole
 * capture is known: see tcpst_view(). */
struct tcpst_rec {
    uint32_t conn;              /* the connection's id; 0 = none */
    uint32_t acks_frame;        /* 0 = none */
    uint32_t events   : TCPST_NUM_EVENTS;   /* TCPST_EV_* */
    uint32_t hist_len : 5;      /* Zeek history after this segment: this many bytes of the
                                 * connection's (tcpst_zeek_at() finds its Zeek connection) */
    uint32_t zeek     : 4;      /* Zeek conn_state after this segment (enum tcpst_zeek) */
    float    in_state;          /* seconds the sender had been in its state before this; <0 unknown */
    uint8_t  before[2], after[2];   /* by role */
    uint16_t via;               /* by role: up to two states passed through on the way, 4 bits each */
    uint8_t  flags   : 6;       /* TCPST_R_* */
    uint8_t  vantage : 2;       /* enum tcpst_vantage, as of this segment */
    uint8_t  phase   : 3;
    uint8_t  sender  : 2;       /* enum tcpst_role */
    uint8_t  step    : 3;       /* 0 = no step */
};

/* The events, the Zeek history length and conn_state share one 32-bit word:
 * a 24th event needs a wider record. */
_Static_assert(TCPST_NUM_EVENTS + 5 + 4 <= 32, "too many events for tcpst_rec.events");
_Static_assert(sizeof(struct tcpst_rec) == 24, "tcpst_rec is 24 bytes");

/* State the role passed through on the way, i-th (0 or 1); 0 = none. */
#define TCPST_REC_VIA(r, role, i) (((r)->via >> (8 * (role) + 4 * (i))) & 0xf)

/* Timings of a segment, seconds; a negative value is not known or not shown. */
struct tcpst_times {
    double hs_server_rtt;       /* on a SYN-ACK or later handshake step: SYN to SYN-ACK */
    double hs_client_rtt, hs_rtt;   /* on the handshake's ACK: SYN-ACK to ACK, SYN to ACK */
    double since_first_fin;     /* in the teardown: since the first FIN */
    bool   teardown_done;       /* ...and this segment completed the teardown */
    double tw_left[2];          /* by role, in TIME_WAIT after it: until 2*MSL have passed (>= 0) */
    double rtt[2];              /* by role: shortest round trip capture point <-> that endpoint */
};

/* What to show for a record: everything the tree, the expert info and the
 * taps need, so that no caller reads the connection. */
struct tcpst_view {
    uint8_t phase, sender, step;
    uint8_t before[2], after[2];
    uint8_t via[2][2];
    uint8_t vantage;
    bool    changed;
    bool    revised;            /* differs from what a single pass showed */
    bool    provisional;        /* a single pass: the first FIN, its receiver assumed
                                 * CLOSE_WAIT; a crossing FIN may revise it */
    bool    inferred;
    bool    unknown;            /* not analysed */
    uint32_t acks_frame;
    uint32_t events;
    float    in_state;          /* seconds the sender had been in its state; <0 unknown */
    uint32_t sender_fin_frame;  /* with TCPST_EV_OUT_OF_ORDER: the sender's FIN */
    float    close_wait_end[2]; /* with TCPST_EV_CLOSE_WAIT_LONG at the end: seconds in it; <0 not */
    uint8_t  zeek;              /* Zeek conn_state: as of this segment */
    uint8_t  hist_len;
    /* by role, final view: this segment's place (1 = first) among the
     * connection's segments in the order that endpoint sent and received
     * them, which its states follow (tcpstate_replay.c); 0 not known */
    uint32_t order[2];
    /* by role: its state after the last segment it handled among this one
     * and those captured before (its state as the capture point last knew
     * it, which only moves forward); after, without a final view's replay */
    uint8_t  latest[2];
};

struct tcpst_config {
    double msl;                 /* maximum segment lifetime, seconds; TIME_WAIT lasts 2*MSL */
    double close_wait_long;     /* CLOSE_WAIT longer than this is reported, seconds */
    /* Zeek's connection lifetime (seconds, as its tcp_* options; 0 as Zeek
     * reads 0): with zeek_split a later segment of the same connection may
     * start a new Zeek connection; without, one Zeek connection per connection. */
    bool   zeek_split;
    double zeek_close_delay, zeek_reset_delay, zeek_attempt_delay, zeek_inactivity;
    /* receivers answer a duplicate with a D-SACK (RFC 2883) when SACK is
     * permitted: its absence then shows a FIN arrived once (fin_held()) */
    bool   dsack;
    /* record every segment, so that the final view gives each endpoint's
     * states in its own order (tcpstate_replay.c) */
    bool   own_order;
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

/* Zeek conn.log conn_state values. */
enum tcpst_zeek {
    TCPST_Z_NONE = 0, TCPST_Z_S0, TCPST_Z_S1, TCPST_Z_SF, TCPST_Z_REJ, TCPST_Z_S2, TCPST_Z_S3,
    TCPST_Z_RSTO, TCPST_Z_RSTR, TCPST_Z_RSTOS0, TCPST_Z_RSTRH, TCPST_Z_SH, TCPST_Z_SHR,
    TCPST_Z_OTH, TCPST_Z_NUM
};

#define TCPST_HISTORY_MAX 31    /* longer histories are cut */

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
 * caller has made non-zero). cfg is the same for every segment of c (the
 * plugin starts over when a preference changes). */
void tcpst_process(struct tcpst_conn *c, const struct tcpst_config *cfg,
                   const struct tcpst_seg *s, struct tcpst_rec *out);

/* Fill *out for an unanalysable segment (truncated header...). */
void tcpst_rec_unknown(struct tcpst_rec *out);

/* Values to display for r, the record of frame in connection c (NULL when
 * r->conn is 0). final = the whole capture has been seen (a later pass):
 * hindsight corrections apply. */
void tcpst_view(const struct tcpst_rec *r, const struct tcpst_conn *c, uint32_t frame, bool final,
                struct tcpst_view *out);

/* The timings of v, the view of r (connection c, not NULL), for a segment
 * captured at time (seconds, as in tcpst_seg.time). */
void tcpst_view_times(const struct tcpst_view *v, const struct tcpst_rec *r,
                      const struct tcpst_conn *c, const struct tcpst_config *cfg, double time,
                      struct tcpst_times *out);

/* The role that sent the connection's first FIN; TCPST_ROLE_UNKNOWN if none. */
unsigned tcpst_first_closer(const struct tcpst_conn *c);

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
/* Zeek's connections on connection c (one, or more when Zeek's timers split
 * it): number i (0 = the first) as far as c has been processed, its
 * conn_state (enum tcpst_zeek) and history (len letters at *hist, not
 * NUL-terminated). False when there is no number i. */
bool tcpst_zeek_conn(const struct tcpst_conn *c, unsigned i, uint8_t *state, const char **hist,
                     unsigned *len);
/* The Zeek connection a record's hist_len (tcpst_view.hist_len) falls in:
 * its number, and its history as of that record (len letters at *hist). */
unsigned tcpst_zeek_at(const struct tcpst_conn *c, unsigned hist_len, const char **hist,
                       unsigned *len);
/* conn_state name of c's first Zeek connection: the one that began with c. */
const char *tcpst_zeek_conn_state(const struct tcpst_conn *c);

#ifdef __cplusplus
}
#endif
#endif
