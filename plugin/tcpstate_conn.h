/* tcpstate_conn.h - a connection as the core keeps it. Private to the core
 * (tcpstate_core.c, tcpstate_zeek.c, tcpstate_rtt.c, tcpstate_table.c and
 * the core's own tests): everyone else holds an opaque pointer and asks the
 * core (tcpstate_core.h).
 *
 * A connection is in two parts: struct tcpst_conn, enough for a handshake
 * (248 bytes), and struct tcpst_ext, allocated with the first value that
 * does not fit there (a FIN, a loss, the handshake's ACK, a long Zeek
 * history). A connection attempt that never gets past its handshake, as in
 * a SYN flood, has no extension.
 *
 * The endpoints' states (st[]) change only through the grid in
 * tcpstate_core.c. The flags below are not states: each says what the
 * capture has shown so far about one segment that may or may not have
 * reached its receiver, so that a later segment can settle it.
 *   fin_window       the first FIN is not yet acknowledged: if the peer's FIN
 *                    comes before that, the two crossed, and the receiver's
 *                    assumed CLOSE_WAIT is undone (grid row FIN_CROSSED);
 *   crossed          they did cross (the final view undoes the same for the
 *                    segments in between);
 *   fin_undelivered  that crossed FIN has not reached its receiver yet;
 *   fin_gap          a FIN seen before bytes that precede it: the receiver
 *                    holds it until they arrive or it is acknowledged;
 *   syn_undelivered  simultaneous open: the client's SYN has not reached the
 *                    server side yet;
 *   unmerged         the ACK of the first FIN turned up late: the FIN that
 *                    looked merged with it was not.
 * stage and syn_outcome are the connection's, not an endpoint's: stage picks
 * the phase; syn_outcome says what answered the client's SYN (nothing yet,
 * a SYN-ACK, a RST, or the server's own SYN) and drives the hindsight rows.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPSTATE_CONN_H
#define TCPSTATE_CONN_H

#include "tcpstate_core.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define SEQ_GEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) >= 0)
#define SEQ_GT(a, b)  ((int32_t)((uint32_t)(a) - (uint32_t)(b)) > 0)
#define SEQ_LT(a, b)  ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)

/* Connection stages (tcpst_conn.stage). */
enum { STAGE_HANDSHAKE = 0, STAGE_DATA, STAGE_TEARDOWN, STAGE_DONE };

/* What answered the client's SYN (tcpst_conn.syn_outcome). */
enum { SYN_NONE = 0, SYN_PENDING, SYN_ANSWERED, SYN_REFUSED, SYN_SIM_OPEN };

/* What one endpoint sent: the part every connection has, enough for its
 * handshake (a SYN, its answer and their retransmissions). */
struct tcpst_half {
    uint32_t isn, syn_frame;
    uint32_t nxt;               /* highest sequence number sent + 1 (SND.NXT as seen) */
    uint32_t last_ack;          /* latest acknowledgement number sent */
    uint32_t max_ack;           /* highest acknowledgement number sent */
    uint32_t pend_end;          /* oldest unacknowledged segment's end, for a round trip sample */
    float    pend_time;
    /* The first segment that acknowledged this endpoint's SYN or FIN, and its
     * state before it: a retransmission of that SYN or FIN later shows the
     * acknowledgement never arrived (undelivered() in tcpstate_core.c) */
    uint32_t undo_frame, cover_frame;   /* the first such segment, the latest */
    float    undo_time, undo_since, cover_time;
    /* Zeek's view of this endpoint (tcpstate_zeek.c) */
    uint32_t z_last_syn, z_last_rst;
    uint32_t z_asm;             /* Zeek's reassembler: this endpoint's data seen without a hole up to here */
    uint16_t z_seen;            /* history letters already recorded once */
    uint8_t  undo_st;
    uint8_t  z_state : 4, z_prev : 4;
    uint8_t  undo_dirty : 1;    /* the peer's FIN came too: no undo */
    uint8_t  sack_ok : 1;       /* its SYN permitted SACK */
    uint8_t  fin_was_acked : 1; /* an acknowledgement of its FIN was captured */
    uint8_t  rfin_dsack : 2;    /* the rfin range stands until a D-SACK of a FIN copy in
                                 * the receiver's next segments (fin_dup_answered()) */
    uint8_t  z_data : 1, z_closed : 1;  /* z_closed: Zeek's did_close */
    uint8_t  z_asm_on : 1, z_blk : 1;   /* z_asm_on: from this endpoint's SYN on */
    uint8_t  pend : 1, pend_rexmit : 1;
    uint8_t  syn_seen : 1, syn_acked : 1, fin_seen : 1, fin_acked : 1;
    uint8_t  synack_sent : 1;
    uint8_t  sent_any : 1, ack_sent : 1;
};

/* The rest of what one endpoint sent: its FIN, what was lost, Zeek's
 * counters. In the connection's extension (struct tcpst_ext). */
struct tcpst_half_x {
    uint32_t fin_seq, fin_frame; /* fin_seq: sequence number of the FIN itself */
    uint32_t syn_len;           /* data bytes on the SYN (TCP Fast Open) */
    /* for the final view: the acknowledgements from lost_from (the first)
     * to lost_cover (the latest), and the retransmission at lost_until that
     * showed them undelivered while role was in lost_st; 0: none */
    uint32_t lost_from, lost_cover, lost_until, lost_next;  /* lost_next: the next one after */
    float    lost_from_time, lost_cover_time, lost_until_time;
    /* This endpoint's FIN at its receiver (fin_held()): the receiver's state
     * before the first copy, the copies sent before the first acknowledgement
     * (2: more than one) and the latest of them; the frames [rfin_from,
     * rfin_until) in which the receiver did not have it yet; 0: none */
    uint32_t fin_first_frame, fin_last_frame, rfin_from, rfin_until;
    float    fin_last_time;
    uint32_t z_last_fin, z_rxmit, z_zero_win, z_gaps;
    uint32_t z_blk_lo, z_blk_hi;    /* Zeek's reassembler: one range seen above a hole (z_blk) */
    uint8_t  lost_st, fin_rcv_st, fin_copies;
};

#define TCPST_HIST_INLINE 6     /* history bytes in the connection itself, NUL included */

/* What a connection needs once it gets past its handshake: allocated with
 * the first value it holds (tcpst_x()), so that a connection attempt that
 * never gets there (a SYN flood) costs only its struct tcpst_conn. Until
 * then every value in it reads as tcpst_x_none. */
struct tcpst_ext {
    struct tcpst_half_x h[2];   /* by role */
    float    tw_since[2];
    float    hs_ack_time;       /* <0 not seen */
    float    first_fin_time;    /* <0 none */
    float    close_wait_long;   /* copied from the configuration at each first FIN */
    /* The Zeek history once it is longer than TCPST_HIST_INLINE - 1 bytes */
    char     history[TCPST_HISTORY_MAX + 1];
};

struct tcpst_conn {
    uint32_t id;                /* the caller's number for it (records carry it); not 0 */
    uint8_t  st[2];             /* current state by role */
    uint8_t  started : 1;
    uint8_t  reused_ports : 1;  /* follows a finished connection on the same ports */
    uint8_t  client_dir : 1;    /* which seg.dir is the client */
    uint8_t  inferred : 1;
    uint8_t  fin_window : 1;    /* see above */
    uint8_t  crossed : 1;
    uint8_t  fin_undelivered : 1;
    uint8_t  tw_reuse : 1;      /* set by tcpst_conn_follow: the old one was in TIME_WAIT */
    uint8_t  syn_undelivered : 1;
    uint8_t  unmerged : 1;
    uint8_t  was_done : 1;      /* the teardown looked complete once (a port may be reused) */
    uint8_t  was_reset : 1;     /* an acceptable RST was seen */
    uint8_t  x_lost : 1;        /* out of memory for the extension: records are unknown */
    uint8_t  x_heap : 1;        /* x is its own allocation, not in the log's (no log) */
    uint8_t  first_fin_role : 2;    /* TCPST_ROLE_UNKNOWN until a FIN is seen */
    uint8_t  stage : 3;
    uint8_t  syn_outcome : 3;
    uint8_t  fin_gap : 2;       /* 1 + role whose FIN waits behind bytes not seen yet; 0 none */
    uint8_t  hist_len;
    /* Zeek history so far: of every Zeek connection on this one, each after
     * the first behind a byte TCPST_ZEEK_SEP + the previous one's conn_state;
     * here while it is short, then in x->history (tcpst_hist()) */
    char     hist[TCPST_HIST_INLINE];
    float    z_end, z_attempt;  /* when Zeek flushes this Zeek connection, when its
                                 * attempt timer runs out; <0 not set */
    uint32_t last_frame;
    float    last_time;         /* seconds since first_time */
    double   first_time;        /* capture time of the first segment; the times count from it */
    float    since[2];          /* when each role entered its state; <0 unknown */
    float    syn_time, synack_time;  /* handshake, as captured; <0 not seen */
    float    rtt[2];            /* by role: shortest round trip capture point <-> that endpoint; <0 none */
    struct tcpst_half h[2];     /* by role: what that endpoint sent */
    struct tcpst_ext *x;        /* the rest; NULL: none yet (tcpst_x(), tcpst_xr()) */
    /* Every segment, for the final view's replay (tcpstate_replay.c) */
    struct tcpst_log *log;      /* where they are recorded; NULL: not recorded */
    uint32_t log_last, log_n;   /* the latest one there (1-based; 0 none), how many */
    double   log_t0;            /* capture time of the first one: their times count from it */
    struct tcpst_replayed *replay;  /* by segment, in capture order; NULL: none */
    uint32_t replay_n;          /* log_n it was made from */
};

/* What a half-open connection costs, besides its table slot and the log:
 * docs/performance.md, "Memory". */
_Static_assert(sizeof(struct tcpst_conn) <= 248, "struct tcpst_conn grew past 248 bytes");

/* tcpstate_core.c: the extension, to read (tcpst_x_none when there is none)
 * and to write (allocated if need be, with the connection's log when it has
 * one; on failure a scratch one, which stays, and x_lost set). Write through tcpst_x()
 * only where a value changes. */
extern const struct tcpst_ext tcpst_x_none;
struct tcpst_ext *tcpst_x_new(struct tcpst_conn *c);
void tcpst_x_free(struct tcpst_conn *c);
static inline struct tcpst_ext *tcpst_x(struct tcpst_conn *c)
{
    return c->x ? c->x : tcpst_x_new(c);
}
static inline const struct tcpst_ext *tcpst_xr(const struct tcpst_conn *c)
{
    return c->x ? c->x : &tcpst_x_none;
}
/* The extension of a connection that has one: one whose values tell it was
 * written (fin_seen, fin_gap, fin_undelivered, rfin_dsack, z_blk). */
static inline struct tcpst_ext *tcpst_xhas(const struct tcpst_conn *c)
{
    return c->x;
}
/* The Zeek history so far (hist_len bytes, NUL-terminated). */
static inline const char *tcpst_hist(const struct tcpst_conn *c)
{
    return c->hist_len < TCPST_HIST_INLINE ? c->hist : tcpst_xr(c)->history;
}

/* tcpstate_zeek.c: Zeek's conn_state and history, updated with every segment
 * (now: seconds since the connection's first segment; prev: of the one before). */
#define TCPST_ZEEK_SEP 1   /* history bytes below 0x20 end a Zeek connection */
void tcpst_zeek_start(struct tcpst_conn *c, bool flipped);
void tcpst_zeek_update(struct tcpst_conn *c, const struct tcpst_config *cfg, unsigned role,
                       const struct tcpst_seg *s, float now, float prev);
uint8_t tcpst_zeek_state(const struct tcpst_conn *c);

/* tcpstate_rtt.c: round trips from the capture point, and where it is. */
void tcpst_rtt_sample(struct tcpst_conn *c, unsigned role, const struct tcpst_seg *s, float now);
uint8_t tcpst_rtt_vantage(const struct tcpst_conn *c);

/* An array that grows by chunks of 1 << bits elements, which never move
 * once allocated: the table's connections, the replay's log. */
struct tcpst_chunks {
    void   **chunk;
    uint32_t cap;               /* chunk pointers allocated */
};

/* Room for element i when elements 0..i-1 have it: a chunk is allocated
 * when i is its first element. False when out of memory. */
static inline bool tcpst_chunks_grow(struct tcpst_chunks *a, uint32_t i, unsigned bits, size_t elem)
{
    uint32_t k = i >> bits;

    if (i & ((1u << bits) - 1))
        return true;
    if (k == a->cap) {
        uint32_t cap = a->cap ? a->cap * 2 : 16;
        void **p = (void **)realloc(a->chunk, cap * sizeof *p);
        if (!p)
            return false;
        memset(p + a->cap, 0, (cap - a->cap) * sizeof *p);
        a->chunk = p;
        a->cap = cap;
    }
    return (a->chunk[k] = malloc(elem << bits)) != NULL;
}

static inline void tcpst_chunks_free(struct tcpst_chunks *a)
{
    for (uint32_t k = 0; k < a->cap && a->chunk[k]; k++)
        free(a->chunk[k]);
    free(a->chunk);
}

/* tcpstate_core.c: the state machine on one segment, and the view of a
 * record in capture order, hindsight included. tcpstate_replay.c builds the
 * public tcpst_process() and tcpst_view() on them. */
void tcpst_step(struct tcpst_conn *c, const struct tcpst_config *cfg, const struct tcpst_seg *s,
                struct tcpst_rec *out);
void tcpst_view_capture(const struct tcpst_rec *r, const struct tcpst_conn *c, uint32_t frame, bool final,
                        struct tcpst_view *out);

/* tcpstate_replay.c: each endpoint's states in its own order. */
struct tcpst_log *tcpst_log_new(void);
/* Room for one more connection's extension, kept until the log is freed; NULL
 * when out of memory. */
struct tcpst_ext *tcpst_log_ext(struct tcpst_log *l);
void tcpst_log_free(struct tcpst_log *l);
size_t tcpst_log_bytes(const struct tcpst_log *l);
/* Frees what c holds besides itself (its replay, its extension). */
void tcpst_conn_release(struct tcpst_conn *c);

#endif
