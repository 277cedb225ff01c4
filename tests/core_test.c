/* Unit tests of the pure state machine core.
 *
 * Every expectation is a hand walk-through of RFC 9293 section 3.10 ("Event
 * Processing"), written next to the segments. Notation: C = client, S = server,
 * "after" = each endpoint's state once the segment was sent and received.
 */
#include "tcpstate_core.h"
#include "tcpstate_table.h"
#include "tcpstate_conn.h" /* the core's own tests look inside */

#include <stdio.h>
#include <stddef.h>
#include <string.h>

#define CL TCPST_CLOSED
#define LI TCPST_LISTEN
#define SS TCPST_SYN_SENT
#define SR TCPST_SYN_RECEIVED
#define ES TCPST_ESTABLISHED
#define F1 TCPST_FIN_WAIT_1
#define F2 TCPST_FIN_WAIT_2
#define CW TCPST_CLOSE_WAIT
#define CG TCPST_CLOSING
#define LA TCPST_LAST_ACK
#define TW TCPST_TIME_WAIT
#define UN TCPST_UNKNOWN

#define HS TCPST_PH_HANDSHAKE
#define DA TCPST_PH_DATA
#define TD TCPST_PH_TEARDOWN
#define CD TCPST_PH_CLOSED
#define RS TCPST_PH_RESET
#define PU TCPST_PH_UNKNOWN

#define SYN TCPST_SYN
#define ACK TCPST_ACK
#define FIN TCPST_FIN
#define RST TCPST_RST
#define PSH TCPST_PSH

static int failures, checks;
static struct tcpst_conn conn;
static struct tcpst_rec recs[64];
static unsigned nrec;
static struct tcpst_config cfg = { 60.0, 1.0, false, 0, 0, 0, 0, true, true }; /* Zeek's timers: see test_zeek_boundaries */
static const char *test_name;

static void begin(const char *name)
{
    test_name = name;
    tcpst_conn_release(&conn);
    tcpst_conn_init(&conn);
    conn.id = 1;
    nrec = 0;
}

/* A segment from dir: 0 is the endpoint with port 40000, 1 the one with port 80. */
static struct tcpst_seg make_seg(unsigned dir, unsigned flags, uint32_t seq, uint32_t ack,
                                 uint32_t len, double t)
{
    struct tcpst_seg s;
    memset(&s, 0, sizeof s);
    s.frame = nrec + 1;
    s.time = t;
    s.dir = (uint8_t)dir;
    s.flags = (uint8_t)flags;
    s.sport = dir ? 80 : 40000;
    s.dport = dir ? 40000 : 80;
    s.seq = seq;
    s.ack = ack;
    s.len = len;
    s.win = 64240;
    return s;
}

static const struct tcpst_rec *process(const struct tcpst_seg *s)
{
    tcpst_process(&conn, &cfg, s, &recs[nrec]);
    return &recs[nrec++];
}

static const struct tcpst_rec *seg(unsigned dir, unsigned flags, uint32_t seq, uint32_t ack,
                                   uint32_t len, double t)
{
    struct tcpst_seg s = make_seg(dir, flags, seq, ack, len, t);
    return process(&s);
}

/* Check frame n (1-based) as shown by a single pass (final = 0) or later (1). */
static void expect(unsigned n, int final, unsigned phase, unsigned step, unsigned c_after,
                   unsigned s_after, int line)
{
    struct tcpst_view v;
    tcpst_view(&recs[n - 1], &conn, n, final, &v);
    checks++;
    if (v.phase != phase || v.step != step || v.after[0] != c_after || v.after[1] != s_after) {
        failures++;
        printf("FAIL %s (line %d) frame %u%s: got %s step %u C=%s S=%s, want %s step %u C=%s S=%s\n",
               test_name, line, n, final ? " (final)" : "",
               tcpst_phase_name(v.phase), v.step, tcpst_state_name(v.after[0]),
               tcpst_state_name(v.after[1]), tcpst_phase_name(phase), step,
               tcpst_state_name(c_after), tcpst_state_name(s_after));
    }
}
#define EXPECT(n, ph, step, c, s) expect(n, 0, ph, step, c, s, __LINE__)
#define EXPECT_FINAL(n, ph, step, c, s) expect(n, 1, ph, step, c, s, __LINE__)

static void check(int cond, const char *what, int line)
{
    checks++;
    if (!cond) {
        failures++;
        printf("FAIL %s (line %d): %s\n", test_name, line, what);
    }
}
#define CHECK(cond) check((cond), #cond, __LINE__)

/* Client ISN 1000, server ISN 5000 throughout. */
static void handshake(void)
{
    seg(0, SYN, 1000, 0, 0, 0.0);          /* C: CLOSED -> SYN-SENT; S: LISTEN -> SYN-RECEIVED */
    seg(1, SYN | ACK, 5000, 1001, 0, 0.1); /* C: SYN-SENT + SYN,ACK of our SYN -> ESTABLISHED */
    seg(0, ACK, 1001, 5001, 0, 0.2);       /* S: SYN-RECEIVED + ACK of our SYN -> ESTABLISHED */
}

static void test_client_close_four_way(void)
{
    begin("client closes, four segments");
    handshake();
    EXPECT(1, HS, 1, SS, SR);
    EXPECT(2, HS, 2, ES, SR);
    EXPECT(3, HS, 3, ES, ES);
    CHECK(recs[1].acks_frame == 1 && recs[2].acks_frame == 2);
    seg(0, PSH | ACK, 1001, 5001, 10, 0.3);    /* 4 request: no change */
    seg(1, PSH | ACK, 5001, 1011, 20, 0.4);    /* 5 response */
    EXPECT(4, DA, 0, ES, ES);
    EXPECT(5, DA, 0, ES, ES);
    seg(0, FIN | ACK, 1011, 5021, 0, 0.5);     /* 6 C: ESTABLISHED -> FIN-WAIT-1; S: + FIN -> CLOSE-WAIT */
    seg(1, ACK, 5021, 1012, 0, 0.6);           /* 7 C: FIN-WAIT-1 + ACK of FIN -> FIN-WAIT-2 */
    seg(1, FIN | ACK, 5021, 1012, 0, 0.7);     /* 8 S: CLOSE-WAIT -> LAST-ACK; C: FIN-WAIT-2 + FIN -> TIME-WAIT */
    seg(0, ACK, 1012, 5022, 0, 0.8);           /* 9 S: LAST-ACK + ACK of FIN -> CLOSED */
    EXPECT(6, TD, 1, F1, CW);
    EXPECT(7, TD, 2, F2, CW);
    EXPECT(8, TD, 3, TW, LA);
    EXPECT(9, TD, 4, TW, CL);
    CHECK(recs[6].acks_frame == 6 && recs[8].acks_frame == 8);
    CHECK(recs[5].before[0] == ES && recs[5].before[1] == ES);
    seg(1, FIN | ACK, 5021, 1012, 0, 1.0);     /* 10 S sends its FIN again 0.2 s after C's ACK (round trip to
                                                  S: 0.1 s): that ACK never reached S, which is still in
                                                  LAST-ACK (the reason for TIME-WAIT, RFC 9293 3.6) */
    EXPECT(10, TD, 3, TW, LA);
    EXPECT_FINAL(9, TD, 4, TW, LA);            /* the final view: S never left LAST-ACK on frame 9 */
    EXPECT(9, TD, 4, TW, CL);                  /* a single pass could not know */
    CHECK(recs[9].events & TCPST_EV_FIN_RETRANS);
}

static void test_merged_finack(void)
{
    begin("merged FIN/ACK (delayed ACK)");
    handshake();
    seg(0, FIN | ACK, 1001, 5001, 0, 0.5);     /* 4 C -> FIN-WAIT-1, S -> CLOSE-WAIT */
    seg(1, FIN | ACK, 5001, 1002, 0, 0.6);     /* 5 S: CLOSE-WAIT -> LAST-ACK; C: ACK of FIN -> FIN-WAIT-2, then FIN -> TIME-WAIT */
    seg(0, ACK, 1002, 5002, 0, 0.7);           /* 6 S -> CLOSED */
    EXPECT(4, TD, 1, F1, CW);
    EXPECT(5, TD, 3, TW, LA);
    EXPECT(6, TD, 4, TW, CL);
    CHECK(recs[4].events & TCPST_EV_MERGED_FINACK);
    CHECK(TCPST_REC_VIA(&recs[4], 0, 0) == F2 && TCPST_REC_VIA(&recs[4], 0, 1) == 0); /* RFC: ACK processed before FIN */
}

static void test_server_close_first(void)
{
    begin("server closes first");
    handshake();
    seg(1, FIN | ACK, 5001, 1001, 0, 0.5);     /* 4 S -> FIN-WAIT-1, C -> CLOSE-WAIT */
    seg(0, ACK, 1001, 5002, 0, 0.6);           /* 5 S -> FIN-WAIT-2 */
    seg(0, FIN | ACK, 1001, 5002, 0, 0.7);     /* 6 C -> LAST-ACK, S -> TIME-WAIT */
    seg(1, ACK, 5002, 1002, 0, 0.8);           /* 7 C -> CLOSED */
    EXPECT(4, TD, 1, CW, F1);
    EXPECT(5, TD, 2, CW, F2);
    EXPECT(6, TD, 3, LA, TW);
    EXPECT(7, TD, 4, CL, TW);
    CHECK(recs[3].sender == TCPST_SERVER);
}

static void test_retransmissions(void)
{
    begin("retransmitted SYN and FIN advance nothing twice");
    seg(0, SYN, 1000, 0, 0, 0.0);              /* 1 */
    seg(0, SYN, 1000, 0, 0, 1.0);              /* 2 same ISN: retransmission */
    EXPECT(2, HS, 1, SS, SR);
    CHECK(recs[1].events & TCPST_EV_SYN_RETRANS);
    seg(1, SYN | ACK, 5000, 1001, 0, 1.1);     /* 3 */
    seg(0, ACK, 1001, 5001, 0, 1.2);           /* 4 */
    seg(0, FIN | ACK, 1001, 5001, 0, 2.0);     /* 5 C -> FIN-WAIT-1 */
    seg(1, ACK, 5001, 1001, 0, 2.1);           /* 6 ACK below the FIN: C stays FIN-WAIT-1 */
    EXPECT(6, TD, 0, F1, CW);
    seg(0, FIN | ACK, 1001, 5001, 0, 2.3);     /* 7 FIN again */
    EXPECT(7, TD, 1, F1, CW);
    CHECK(recs[6].events & TCPST_EV_FIN_RETRANS);
    seg(1, ACK, 5001, 1002, 0, 2.4);           /* 8 now the FIN is acknowledged */
    EXPECT(8, TD, 2, F2, CW);
    CHECK(recs[7].acks_frame == 7);           /* the latest copy of the FIN */
}

static void test_simultaneous_close(void)
{
    begin("simultaneous close");
    handshake();
    seg(0, FIN | ACK, 1001, 5001, 0, 0.5);     /* 4 C -> FIN-WAIT-1; S assumed CLOSE-WAIT */
    seg(1, FIN | ACK, 5001, 1001, 0, 0.5001);  /* 5 ack 1001 does not cover C's FIN: S sent it from
                                                  ESTABLISHED -> FIN-WAIT-1; C: FIN-WAIT-1 + FIN,
                                                  our FIN not acked -> CLOSING */
    seg(0, ACK, 1002, 5002, 0, 0.51);          /* 6 C's FIN reached S first (in order) -> S CLOSING;
                                                  this ACK covers S's FIN -> S TIME-WAIT */
    seg(1, ACK, 5002, 1002, 0, 0.52);          /* 7 C: CLOSING + ACK of FIN -> TIME-WAIT */
    EXPECT(4, TD, 1, F1, CW);                  /* a single pass cannot know yet */
    EXPECT_FINAL(4, TD, 1, F1, ES);            /* hindsight: S had not received it */
    EXPECT(5, TD, 3, CG, F1);
    CHECK(recs[4].before[1] == ES);
    CHECK(recs[4].events & TCPST_EV_SIM_CLOSE);
    EXPECT(6, TD, 4, CG, TW);
    CHECK(TCPST_REC_VIA(&recs[5], 1, 0) == CG);
    EXPECT(7, TD, 2, TW, TW);
    EXPECT_FINAL(7, TD, 2, TW, TW);
}

static void test_refused(void)
{
    begin("refused: RST answers the SYN");
    seg(0, SYN, 1000, 0, 0, 0.0);              /* 1 */
    seg(1, RST | ACK, 0, 1001, 0, 0.001);      /* 2 nothing listening */
    EXPECT(1, HS, 1, SS, SR);
    EXPECT_FINAL(1, HS, 1, SS, CL);
    EXPECT(2, RS, 0, CL, CL);
    CHECK(recs[1].before[1] == CL);
    CHECK(recs[1].events & TCPST_EV_REFUSED);
    CHECK(recs[1].acks_frame == 1);            /* the RST acknowledges the SYN */
}

static void test_unanswered_syn(void)
{
    struct tcpst_view v;
    begin("unanswered SYN");
    seg(0, SYN, 1000, 0, 0, 0.0);
    seg(0, SYN, 1000, 0, 0, 1.0);
    seg(0, SYN, 1000, 0, 0, 3.0);
    EXPECT(3, HS, 1, SS, SR);
    EXPECT_FINAL(1, HS, 1, SS, LI);
    EXPECT_FINAL(3, HS, 1, SS, LI);
    tcpst_view(&recs[2], &conn, 3, 1, &v);
    CHECK(v.revised && v.before[1] == LI && !v.changed);
}

static void test_half_close(void)
{
    begin("half-close with data after the first FIN");
    handshake();
    seg(0, FIN | ACK, 1001, 5001, 0, 0.5);     /* 4 C -> FIN-WAIT-1 */
    seg(1, ACK, 5001, 1002, 0, 0.6);           /* 5 C -> FIN-WAIT-2 */
    seg(1, PSH | ACK, 5001, 1002, 100, 0.7);   /* 6 data while half-closed */
    seg(0, ACK, 1002, 5101, 0, 0.71);          /* 7 */
    seg(1, FIN | PSH | ACK, 5101, 1002, 50, 0.8); /* 8 FIN carrying data: S -> LAST-ACK, C -> TIME-WAIT */
    seg(0, ACK, 1002, 5152, 0, 0.9);           /* 9 ack 5101+50+1 covers the FIN */
    EXPECT(6, TD, 0, F2, CW);
    EXPECT(7, TD, 0, F2, CW);
    EXPECT(8, TD, 3, TW, LA);
    EXPECT(9, TD, 4, TW, CL);
}

static void test_rst_abort(void)
{
    begin("client aborts with RST");
    handshake();
    seg(0, PSH | ACK, 1001, 5001, 10, 0.3);
    seg(0, RST | ACK, 1011, 5001, 0, 0.4);     /* 5 both CLOSED */
    seg(1, PSH | ACK, 5001, 1011, 10, 0.5);    /* 6 later segment */
    EXPECT(5, RS, 0, CL, CL);
    EXPECT(6, CD, 0, CL, CL);
}

static void test_fin_after_rst(void)
{
    begin("segments after a RST move nothing");
    seg(1, FIN | ACK, 5001, 1001, 0, 0.0);     /* 1 mid-stream: S -> FIN-WAIT-1, C -> CLOSE-WAIT */
    seg(1, RST | ACK, 5002, 1001, 0, 0.1);     /* 2 both CLOSED */
    seg(0, FIN | ACK, 1001, 5001, 0, 0.2);     /* 3 a FIN to a connection that no longer exists */
    EXPECT(2, RS, 0, CL, CL);
    EXPECT(3, CD, 0, CL, CL);
    EXPECT_FINAL(3, CD, 0, CL, CL);
}

static void test_midstream(void)
{
    begin("mid-stream: no handshake captured");
    seg(1, PSH | ACK, 5001, 1001, 20, 0.0);    /* port 80 sends: it is the server */
    EXPECT(1, DA, 0, ES, ES);
    CHECK(recs[0].sender == TCPST_SERVER && (recs[0].flags & TCPST_R_INFERRED));
    CHECK(recs[0].events & TCPST_EV_MIDSTREAM);
    seg(0, FIN | ACK, 1001, 5021, 0, 0.1);
    EXPECT(2, TD, 1, F1, CW);
}

static void test_invalid(void)
{
    begin("illegal flag mixes");
    seg(0, SYN | FIN, 1000, 0, 0, 0.0);
    EXPECT(1, PU, 0, UN, UN);
    CHECK(recs[0].flags & TCPST_R_UNKNOWN);
    CHECK(!conn.started);
    handshake();
    seg(1, SYN | RST, 7, 0, 0, 0.3);           /* 5: dropped, nothing moves */
    EXPECT(5, PU, 0, ES, ES);
    seg(0, FIN, 1001, 0, 0, 0.4);              /* 6: FIN without ACK is dropped in ESTABLISHED */
    EXPECT(6, PU, 0, ES, ES);
    CHECK(recs[5].events & TCPST_EV_INVALID_FLAGS);
}

static void test_time_wait_expiry(void)
{
    begin("TIME_WAIT lasts 2*MSL");
    handshake();
    seg(0, FIN | ACK, 1001, 5001, 0, 1.0);
    seg(1, FIN | ACK, 5001, 1002, 0, 1.1);
    seg(0, ACK, 1002, 5002, 0, 1.2);           /* 6 C in TIME-WAIT since t=1.1 */
    seg(1, FIN | ACK, 5001, 1002, 0, 100.0);   /* 7 within 120 s; S's FIN again: C's ACK was lost, S in LAST-ACK */
    EXPECT(7, TD, 3, TW, LA);
    seg(1, FIN | ACK, 5001, 1002, 0, 122.0);   /* 8 after 120 s: C is CLOSED */
    EXPECT(8, TD, 3, CL, LA);
    CHECK(recs[7].before[0] == CL && (recs[7].events & TCPST_EV_TW_EXPIRED));
}

static void test_new_connection_same_ports(void)
{
    struct tcpst_seg s;
    begin("new SYN on the ports of a finished connection");
    handshake();
    seg(0, RST | ACK, 1001, 5001, 0, 0.5);
    memset(&s, 0, sizeof s);
    s.dir = 0; s.flags = SYN; s.seq = 1000; s.sport = 40000; s.dport = 80;
    CHECK(!tcpst_starts_new(&conn, &cfg, &s)); /* the old SYN again */
    s.seq = 9000;
    CHECK(tcpst_starts_new(&conn, &cfg, &s));
    s.flags = SYN | ACK;
    CHECK(!tcpst_starts_new(&conn, &cfg, &s));
}

static void test_seq_wrap(void)
{
    begin("sequence numbers wrap through 2^32 during teardown");
    seg(0, SYN, 0xfffffff0u, 0, 0, 0.0);
    seg(1, SYN | ACK, 5000, 0xfffffff1u, 0, 0.1);
    seg(0, ACK, 0xfffffff1u, 5001, 0, 0.2);
    seg(0, PSH | ACK, 0xfffffff1u, 5001, 15, 0.3);     /* bytes up to 0xffffffff */
    seg(0, FIN | ACK, 0x00000000u, 5001, 0, 0.4);      /* 5 the FIN is byte 0 */
    seg(1, ACK, 5001, 0xffffffffu, 0, 0.5);            /* 6 does not cover the FIN */
    EXPECT(6, TD, 0, F1, CW);
    seg(1, ACK, 5001, 0x00000001u, 0, 0.6);            /* 7 covers it */
    EXPECT(7, TD, 2, F2, CW);
}

static void test_simultaneous_open(void)
{
    begin("simultaneous open");
    seg(0, SYN, 1000, 0, 0, 0.0);              /* 1 A: CLOSED -> SYN-SENT */
    seg(1, SYN, 5000, 0, 0, 0.0001);           /* 2 B was connecting too: CLOSED -> SYN-SENT;
                                                  A: SYN-SENT + SYN -> SYN-RECEIVED */
    seg(1, SYN | ACK, 5000, 1001, 0, 0.001);   /* 3 B got A's SYN: SYN-RECEIVED; A: + ACK of SYN -> ESTABLISHED */
    seg(0, SYN | ACK, 1000, 5001, 0, 0.001);   /* 4 B: + ACK of SYN -> ESTABLISHED */
    EXPECT(2, HS, 1, SR, SS);
    CHECK(recs[1].before[1] == CL && (recs[1].events & TCPST_EV_SIM_OPEN));
    EXPECT_FINAL(1, HS, 1, SS, CL);
    EXPECT(3, HS, 2, ES, SR);
    /* B's SYN-ACK: A's crossed SYN reached B first (SYN-SENT -> SYN-RECEIVED) */
    CHECK(recs[2].before[1] == SS && recs[2].after[1] == SR);
    EXPECT(4, HS, 2, ES, ES);
}

/* Zeek conn_state and history after frame n (1-based). */
static void expect_zeek(unsigned n, const char *state, const char *hist, int line)
{
    struct tcpst_view v;
    char h[TCPST_HISTORY_MAX + 1];

    tcpst_view(&recs[n - 1], &conn, n, 0, &v);
    {
        const char *p;
        unsigned len;
        tcpst_zeek_at(&conn, v.hist_len, &p, &len);
        snprintf(h, sizeof h, "%.*s", (int)len, p);
    }
    checks++;
    if (strcmp(tcpst_zeek_name(v.zeek), state) || strcmp(h, hist)) {
        failures++;
        printf("FAIL %s (line %d) frame %u: Zeek %s %s, want %s %s\n", test_name, line, n,
               tcpst_zeek_name(v.zeek), h, state, hist);
    }
}
#define EXPECT_ZEEK(n, st, h) expect_zeek(n, st, h, __LINE__)

/* Zeek's conn.log documentation: conn_state from both endpoints' states
 * (its TCP analyzer: a SYN-ACK makes both ESTABLISHED, a FIN CLOSED, a RST
 * RESET); history letters upper case for the originator, once each for
 * a/d, again for s/h/f/r only with a new sequence number. */
static void test_zeek(void)
{
    begin("Zeek conn_state and history: normal life");
    handshake();
    EXPECT_ZEEK(1, "S0", "S");          /* attempt, no reply */
    EXPECT_ZEEK(2, "S1", "Sh");         /* SYN-ACK: established */
    EXPECT_ZEEK(3, "S1", "ShA");
    seg(0, PSH | ACK, 1001, 5001, 10, 0.3);
    seg(1, PSH | ACK, 5001, 1011, 20, 0.4);
    seg(0, PSH | ACK, 1011, 5021, 10, 0.5);    /* more data: 'D' only once; the server
                                                * sent data but no pure ACK: 'd', no 'a' */
    EXPECT_ZEEK(6, "S1", "ShADd");
    seg(0, FIN | ACK, 1021, 5021, 0, 0.6);     /* 7 originator closes: S2 */
    EXPECT_ZEEK(7, "S2", "ShADdF");
    seg(0, FIN | ACK, 1021, 5021, 0, 0.9);     /* 8 same FIN again: no new 'F' */
    EXPECT_ZEEK(8, "S2", "ShADdF");
    seg(1, FIN | ACK, 5021, 1022, 0, 1.0);     /* 9 both closed: SF */
    EXPECT_ZEEK(9, "SF", "ShADdFf");

    begin("Zeek: refused, reset by each side");
    seg(0, SYN, 1000, 0, 0, 0.0);
    seg(1, RST | ACK, 0, 1001, 0, 0.1);        /* responder RST, originator SYN_SENT: REJ */
    EXPECT_ZEEK(2, "REJ", "Sr");
    begin("Zeek: originator aborts");
    handshake();
    seg(0, RST | ACK, 1001, 5001, 0, 0.3);
    EXPECT_ZEEK(4, "RSTO", "ShAR");
    begin("Zeek: responder aborts");
    handshake();
    seg(1, RST | ACK, 5001, 1001, 0, 0.3);
    EXPECT_ZEEK(4, "RSTR", "ShAr");
    begin("Zeek: SYN then RST from the originator");
    seg(0, SYN, 1000, 0, 0, 0.0);
    seg(0, RST, 1001, 0, 0, 0.1);              /* matches ^?S[^HAFGIQ]*R: RSTOS0 */
    EXPECT_ZEEK(2, "RSTOS0", "SR");
    begin("Zeek: SYN then FIN, no answer");
    seg(0, SYN, 1000, 0, 0, 0.0);
    seg(0, FIN | ACK, 1001, 1, 0, 0.1);        /* originator closed, responder inactive: SH */
    EXPECT_ZEEK(2, "SH", "SF");
    begin("Zeek: mid-stream");
    seg(0, PSH | ACK, 1001, 5001, 10, 0.0);    /* no SYN: partial, OTH */
    EXPECT_ZEEK(1, "OTH", "D");
    begin("Zeek: flipped (SYN-ACK first)");
    seg(1, SYN | ACK, 5000, 1001, 0, 0.0);     /* the receiver is the originator: '^' */
    EXPECT_ZEEK(1, "OTH", "^h");
    begin("Zeek: retransmitted data, zero window");
    handshake();
    seg(0, PSH | ACK, 1001, 5001, 10, 0.3);
    seg(0, PSH | ACK, 1001, 5001, 10, 0.5);    /* 5 same bytes again: 'T' (1st time) */
    EXPECT_ZEEK(5, "S1", "ShADT");

    /* Content gaps (Zeek's reassembler, TCP_Reassembler::Gap): an ACK of
     * data the capture did not show, in the sender's case. */
    begin("Zeek: content gaps");
    handshake();
    seg(0, PSH | ACK, 1001, 5001, 100, 0.3);   /* 4 [1001, 1101) */
    seg(0, PSH | ACK, 1201, 5001, 100, 0.4);   /* 5 [1201, 1301): a hole below it */
    seg(0, PSH | ACK, 1101, 5001, 100, 0.5);   /* 6 the hole filled (reordered): no gap; below the highest sent, Zeek counts it a retransmission (T) */
    seg(1, ACK, 5001, 1301, 0, 0.6);           /* 7 */
    EXPECT_ZEEK(7, "S1", "ShADTa");
    seg(0, PSH | ACK, 1401, 5001, 100, 0.7);   /* 8 [1401, 1501); [1301, 1401) unseen */
    seg(1, ACK, 5001, 1501, 0, 0.8);           /* 9 the hole acknowledged: 'G' */
    EXPECT_ZEEK(9, "S1", "ShADTaG");
    seg(1, FIN | ACK, 5001, 1501, 0, 0.9);     /* 10 */
    seg(0, FIN | ACK, 1501, 5002, 0, 1.0);     /* 11 acknowledges the FIN: no data, no gap */
    EXPECT_ZEEK(11, "SF", "ShADTaGfF");
}

/* The final conn_state and history of Zeek connection i on conn. */
static void expect_zeek_conn(unsigned i, const char *state, const char *hist, int line)
{
    const char *p = "";
    unsigned len = 0;
    uint8_t z = TCPST_Z_NUM;
    char h[TCPST_HISTORY_MAX + 1];

    checks++;
    if (!tcpst_zeek_conn(&conn, i, &z, &p, &len))
        z = TCPST_Z_NUM;
    snprintf(h, sizeof h, "%.*s", (int)len, p);
    if (z == TCPST_Z_NUM || strcmp(tcpst_zeek_name(z), state) || strcmp(h, hist)) {
        failures++;
        printf("FAIL %s (line %d) Zeek connection %u: %s %s, want %s %s\n", test_name, line, i,
               z == TCPST_Z_NUM ? "(none)" : tcpst_zeek_name(z), h, state, hist);
    }
}
#define EXPECT_ZEEK_CONN(i, st, h) expect_zeek_conn(i, st, h, __LINE__)
#define EXPECT_NO_ZEEK_CONN(i) CHECK(!tcpst_zeek_conn(&conn, i, &(uint8_t){0}, &(const char *){0}, &(unsigned){0}))

/* Zeek's connection lifetime (its TCP analyzer's timers, defaults of
 * init-bare.zeek): a segment after Zeek flushed the connection starts a new
 * Zeek connection, whose orig is the client, flipped ('^') when the server
 * sends first. The RFC states go on as before. */
static void test_zeek_boundaries(void)
{
    cfg.zeek_split = true;
    cfg.zeek_close_delay = cfg.zeek_reset_delay = cfg.zeek_attempt_delay = 5.0;
    cfg.zeek_inactivity = 300.0;

    begin("Zeek: a RST 5 s after the client's reset");
    handshake();
    seg(0, RST, 1001, 0, 0, 1.0);              /* 4 C resets: close complete, flush at 6.0 */
    seg(1, ACK, 5001, 1001, 0, 5.9);           /* 5 before the flush: same Zeek connection */
    EXPECT_ZEEK(5, "RSTO", "ShARa");
    seg(1, RST, 5001, 0, 0, 6.0);              /* 6 at the flush: a new one; S sends first */
    EXPECT_ZEEK(6, "RSTRH", "^r");             /* responder's RST, originator never seen */
    EXPECT_ZEEK(5, "RSTO", "ShARa");           /* the older records keep theirs */
    EXPECT_ZEEK_CONN(0, "RSTO", "ShARa");
    EXPECT_ZEEK_CONN(1, "RSTRH", "^r");
    EXPECT_NO_ZEEK_CONN(2);

    begin("Zeek: an ACK 5 s after a complete close");
    handshake();
    seg(0, FIN | ACK, 1001, 5001, 0, 1.0);     /* 4 C: FIN; S not yet closed: not complete */
    seg(1, FIN | ACK, 5001, 1002, 0, 1.1);     /* 5 S: FIN; both closed: flush at 6.1 */
    seg(0, ACK, 1002, 5002, 0, 1.2);           /* 6 last ACK */
    EXPECT_ZEEK(6, "SF", "ShAFf");
    seg(0, ACK, 1002, 5002, 0, 6.1);           /* 7 the ACK again at the flush: new, not flipped */
    EXPECT_ZEEK(7, "OTH", "A");
    EXPECT_ZEEK_CONN(0, "SF", "ShAFf");
    EXPECT_ZEEK_CONN(1, "OTH", "A");

    begin("Zeek: a half close is not complete");
    handshake();
    seg(0, FIN | ACK, 1001, 5001, 0, 1.0);     /* 4 C: FIN; S established */
    seg(1, ACK, 5001, 1002, 0, 10.0);          /* 5 S: ACK long after: still one Zeek connection */
    EXPECT_ZEEK(5, "S2", "ShAFa");
    EXPECT_NO_ZEEK_CONN(1);

    begin("Zeek: an unanswered SYN retransmitted after the attempt delay");
    seg(0, SYN, 1000, 0, 0, 0.0);              /* 1 attempt timer at 5.0 */
    seg(0, SYN, 1000, 0, 0, 1.0);              /* 2 */
    seg(0, SYN, 1000, 0, 0, 3.0);              /* 3 */
    EXPECT_ZEEK(3, "S0", "S");
    seg(0, SYN, 1000, 0, 0, 7.0);              /* 4 past 5.0, no answer: the attempt ended; a new one */
    EXPECT_ZEEK(4, "S0", "S");
    seg(1, SYN | ACK, 5000, 1001, 0, 7.1);     /* 5 answered at last: its attempt timer (12.0) is moot */
    EXPECT_ZEEK(5, "S1", "Sh");
    EXPECT_ZEEK_CONN(0, "S0", "S");
    EXPECT_ZEEK_CONN(1, "S1", "Sh");
    EXPECT(5, HS, 2, ES, SR);                  /* the RFC view: one connection, as before */

    begin("Zeek: an answered SYN keeps its Zeek connection past the attempt delay");
    handshake();
    seg(0, PSH | ACK, 1001, 5001, 10, 8.0);    /* 4 */
    EXPECT_ZEEK(4, "S1", "ShAD");
    EXPECT_NO_ZEEK_CONN(1);

    begin("Zeek: inactivity");
    handshake();
    seg(0, PSH | ACK, 1001, 5001, 10, 1.0);    /* 4 */
    seg(1, PSH | ACK, 5001, 1011, 10, 301.0);  /* 5 idle 300 s: a new one, the server first */
    EXPECT_ZEEK(5, "OTH", "^d");
    EXPECT_ZEEK_CONN(0, "S1", "ShAD");
    seg(0, ACK, 1011, 5011, 0, 301.1);         /* 6 */
    EXPECT_ZEEK(6, "OTH", "^dA");

    cfg.zeek_split = false;                    /* off: one Zeek connection per connection */
    begin("Zeek: boundaries off");
    handshake();
    seg(0, RST, 1001, 0, 0, 1.0);
    seg(1, ACK, 5001, 1001, 0, 60.0);
    EXPECT_ZEEK(5, "RSTO", "ShARa");
    EXPECT_NO_ZEEK_CONN(1);
    cfg.zeek_close_delay = cfg.zeek_reset_delay = cfg.zeek_attempt_delay = cfg.zeek_inactivity = 0;
}

/* Keep-alive: RFC 9293 3.8.4 / RFC 1122 4.2.3.6: a segment with SEG.SEQ =
 * SND.NXT-1 and 0 or 1 byte, which the peer answers with an ACK; it is not new data. */
/* A segment with SACK blocks (edges in pairs), from dir; a SYN permits SACK. */
static const struct tcpst_rec *sack_seg(unsigned dir, unsigned flags, uint32_t seq, uint32_t ack,
                                        double t, unsigned n, const uint32_t *edges)
{
    struct tcpst_seg s = make_seg(dir, flags, seq, ack, 0, t);
    s.sack_ok = (flags & SYN) != 0;
    s.nsack = (uint8_t)n;
    for (unsigned i = 0; i < n; i++) {
        s.sack[i][0] = edges[2 * i];
        s.sack[i][1] = edges[2 * i + 1];
    }
    return process(&s);
}

/* Delivery decided from evidence (docs/semantics.md): a capture shows
 * segments that never reached their receiver. Round trip between the
 * capture point and each end: 0.1 s (the handshake below). */
static void test_undelivered(void)
{
    begin("SYN-ACK lost after the capture: the client sends its SYN again");
    seg(0, SYN, 1000, 0, 0, 0.0);              /* 1 */
    seg(1, SYN | ACK, 5000, 1001, 0, 0.1);     /* 2 never reached C */
    EXPECT(2, HS, 2, ES, SR);                  /* a single pass assumes it did */
    seg(0, SYN, 1000, 0, 0, 1.0);              /* 3 C: the SYN again: C had no SYN-ACK, SYN-SENT */
    seg(1, SYN | ACK, 5000, 1001, 0, 1.1);     /* 4 */
    seg(0, ACK, 1001, 5001, 0, 1.2);           /* 5 */
    seg(1, PSH | ACK, 5001, 1001, 10, 1.5);    /* 6 */
    seg(0, ACK, 1001, 5011, 0, 1.6);           /* 7 C's round trip (0.1 s) measured only here */
    EXPECT(2, HS, 2, ES, SR);                  /* not known by frame 3: a single pass keeps it */
    EXPECT_FINAL(2, HS, 2, SS, SR);            /* RFC 9293 3.10.7.3: SYN-SENT until a SYN-ACK arrives */
    EXPECT_FINAL(3, HS, 1, SS, SR);
    EXPECT_FINAL(4, HS, 2, ES, SR);            /* this one arrived */
    EXPECT_FINAL(5, HS, 3, ES, ES);

    begin("last ACK lost: the server sends its FIN again, round trip known");
    handshake();
    seg(0, FIN | ACK, 1001, 5001, 0, 1.0);     /* 4 */
    seg(1, FIN | ACK, 5001, 1002, 0, 1.1);     /* 5 merged FIN+ACK */
    seg(0, ACK, 1002, 5002, 0, 1.2);           /* 6 never reached S */
    seg(1, FIN | ACK, 5001, 1002, 0, 1.5);     /* 7 S: the FIN again, 0.3 s later: still LAST-ACK */
    EXPECT(7, TD, 3, TW, LA);                  /* a single pass knows it here already */
    CHECK(recs[6].before[1] == LA);
    seg(0, ACK, 1002, 5002, 0, 1.6);           /* 8 this one arrives: CLOSED */
    EXPECT(8, TD, 4, TW, CL);
    EXPECT_FINAL(6, TD, 4, TW, LA);

    begin("ACK of the FIN crossing the FIN's retransmission: not a loss");
    handshake();
    seg(0, FIN | ACK, 1001, 5001, 0, 1.0);     /* 4 */
    seg(1, ACK, 5001, 1002, 0, 1.25);          /* 5 */
    seg(0, FIN | ACK, 1001, 5001, 0, 1.3);     /* 6 the FIN again 0.05 s later: sent before 5 reached C */
    EXPECT(6, TD, 1, F2, CW);
    EXPECT_FINAL(5, TD, 2, F2, CW);

    begin("FIN lost: sent twice, acknowledged without a D-SACK (SACK permitted)");
    sack_seg(0, SYN, 1000, 0, 0.0, 0, NULL);       /* 1 */
    sack_seg(1, SYN | ACK, 5000, 1001, 0.1, 0, NULL);  /* 2 */
    seg(0, ACK, 1001, 5001, 0, 0.2);           /* 3 */
    seg(0, FIN | ACK, 1001, 5001, 0, 1.0);     /* 4 never reached S */
    EXPECT(4, TD, 1, F1, CW);
    seg(0, FIN | ACK, 1001, 5001, 0, 1.3);     /* 5 C: the FIN again */
    seg(1, ACK, 5001, 1002, 0, 1.45);          /* 6 S acknowledges it, no D-SACK: one copy arrived */
    EXPECT_FINAL(4, TD, 1, F1, ES);            /* S had no FIN yet */
    EXPECT_FINAL(5, TD, 1, F1, CW);            /* the copy that arrived */
    CHECK(recs[5].acks_frame == 5);

    begin("FIN sent twice, the second acknowledged with a D-SACK: the first arrived");
    sack_seg(0, SYN, 1000, 0, 0.0, 0, NULL);
    sack_seg(1, SYN | ACK, 5000, 1001, 0.1, 0, NULL);
    seg(0, ACK, 1001, 5001, 0, 0.2);
    seg(0, FIN | ACK, 1001, 5001, 0, 1.0);     /* 4 */
    seg(0, FIN | ACK, 1001, 5001, 0, 1.3);     /* 5 its ACK was lost, or late */
    sack_seg(1, ACK, 5001, 1002, 1.45, 1, (const uint32_t[]){ 1001, 1002 });   /* 6 D-SACK of the FIN */
    EXPECT_FINAL(4, TD, 1, F1, CW);

    begin("FIN twice, answered first without a D-SACK, then with one: the first arrived");
    sack_seg(0, SYN, 1000, 0, 0.0, 0, NULL);
    sack_seg(1, SYN | ACK, 5000, 1001, 0.1, 0, NULL);
    seg(0, ACK, 1001, 5001, 0, 0.2);
    seg(0, FIN | ACK, 1001, 5001, 0, 1.0);     /* 4 */
    seg(0, FIN | ACK, 1001, 5001, 0, 1.0001);  /* 5 a copy the path made */
    seg(1, FIN | ACK, 5001, 1002, 0, 1.45);    /* 6 S closes; the copy still in its backlog */
    sack_seg(1, ACK, 5002, 1002, 1.4501, 1, (const uint32_t[]){ 1001, 1002 });  /* 7 then a D-SACK of it */
    EXPECT_FINAL(4, TD, 1, F1, CW);            /* 4 arrived: S in CLOSE-WAIT from there */
    EXPECT_FINAL(6, TD, 3, TW, LA);            /* C: its FIN acknowledged with a FIN (3.10.7.4) */

    begin("FIN held behind lost data: the receiver SACKs the FIN, ACKs below the data");
    sack_seg(0, SYN, 1000, 0, 0.0, 0, NULL);
    sack_seg(1, SYN | ACK, 5000, 1001, 0.1, 0, NULL);
    seg(0, ACK, 1001, 5001, 0, 0.2);           /* 3 */
    seg(0, PSH | ACK, 1001, 5001, 4, 1.0);     /* 4 data, never reached S */
    seg(0, FIN | ACK, 1005, 5001, 0, 1.0);     /* 5 FIN right behind */
    EXPECT(5, TD, 1, F1, CW);                  /* assumed in order */
    sack_seg(1, ACK, 5001, 1001, 1.1, 1, (const uint32_t[]){ 1005, 1006 });    /* 6 the FIN held (3.10.7.4) */
    EXPECT(6, TD, 0, F1, ES);
    CHECK(recs[5].before[1] == ES);
    seg(0, PSH | ACK, 1001, 5001, 4, 1.3);     /* 7 the data again: S takes it and the FIN */
    EXPECT(7, TD, 0, F1, CW);
    seg(1, ACK, 5001, 1006, 0, 1.35);          /* 8 */
    EXPECT(8, TD, 2, F2, CW);
    EXPECT_FINAL(5, TD, 1, F1, ES);

    begin("an undone FIN, then a reset: the reset's CLOSED stands");
    handshake();
    seg(0, FIN | ACK, 1001, 5001, 0, 1.0);     /* 4 */
    seg(1, ACK, 5001, 1002, 0, 1.1);           /* 5 never reached C */
    seg(0, FIN | ACK, 1001, 5001, 0, 1.5);     /* 6 C: the FIN again: still FIN-WAIT-1 */
    seg(0, RST, 1002, 0, 0, 2.0);              /* 7 C gives up */
    EXPECT_FINAL(5, TD, 2, F1, CW);
    EXPECT_FINAL(7, RS, 0, CL, CL);

    begin("a late duplicate SYN after the client's ACK: the SYN-ACK did arrive");
    handshake();
    seg(0, SYN, 1000, 0, 0, 1.0);              /* 4 an old copy, captured late */
    EXPECT(4, HS, 1, ES, ES);                  /* a SYN reads as handshake */
    EXPECT_FINAL(2, HS, 2, ES, SR);

    begin("FIN twice, one ACK of it captured before: no D-SACK proves nothing");
    sack_seg(0, SYN, 1000, 0, 0.0, 0, NULL);
    sack_seg(1, SYN | ACK, 5000, 1001, 0.1, 0, NULL);
    seg(0, ACK, 1001, 5001, 0, 0.2);
    seg(0, FIN | ACK, 1001, 5001, 0, 1.0);     /* 4 */
    seg(1, ACK, 5001, 1002, 0, 1.1);           /* 5 S had it */
    seg(0, FIN | ACK, 1001, 5001, 0, 1.5);     /* 6 (5 never reached C) */
    seg(0, FIN | ACK, 1001, 5001, 0, 2.0);     /* 7 */
    seg(1, ACK, 5001, 1002, 0, 2.2);           /* 8 no D-SACK */
    EXPECT_FINAL(4, TD, 1, F1, CW);
    EXPECT_FINAL(6, TD, 1, F1, CW);

    begin("FIN twice without a D-SACK, receivers not known to send them");
    cfg.dsack = false;
    sack_seg(0, SYN, 1000, 0, 0.0, 0, NULL);
    sack_seg(1, SYN | ACK, 5000, 1001, 0.1, 0, NULL);
    seg(0, ACK, 1001, 5001, 0, 0.2);
    seg(0, FIN | ACK, 1001, 5001, 0, 1.0);     /* 4 */
    seg(0, FIN | ACK, 1001, 5001, 0, 1.3);     /* 5 */
    seg(1, ACK, 5001, 1002, 0, 1.45);          /* 6 */
    EXPECT_FINAL(4, TD, 1, F1, CW);            /* the assumption stays */
    cfg.dsack = true;
}

static void test_keepalive(void)
{
    begin("keep-alive");
    handshake();
    seg(0, ACK, 1000, 5001, 0, 60.0);          /* 4 probe: SND.NXT is 1001 */
    seg(1, ACK, 5001, 1001, 0, 60.1);          /* 5 the answer */
    CHECK(recs[3].events & TCPST_EV_KEEPALIVE);
    CHECK(!(recs[4].events & TCPST_EV_KEEPALIVE));
    EXPECT(4, DA, 0, ES, ES);
}

/* RFC 9293 3.10.7.4 with RFC 5961 3.2: in a synchronized state a RST resets
 * only if SEG.SEQ = RCV.NXT; otherwise it is dropped (or a challenge ACK). */
static void test_blind_reset(void)
{
    begin("blind reset");
    handshake();
    seg(0, PSH | ACK, 1001, 5001, 10, 0.3);    /* 4: server's RCV.NXT = 1011 */
    seg(1, ACK, 5001, 1011, 0, 0.4);           /* 5 */
    seg(0, RST, 1011 + 70000, 0, 0, 0.5);      /* 6 wrong sequence number: ignored */
    EXPECT(6, DA, 0, ES, ES);
    CHECK((recs[5].events & TCPST_EV_BLIND_RST) && !(recs[5].events & TCPST_EV_RESET));
    seg(0, PSH | ACK, 1011, 5001, 10, 0.6);    /* 7 the connection goes on */
    EXPECT(7, DA, 0, ES, ES);
    seg(0, RST, 1021, 0, 0, 0.7);              /* 8 exactly RCV.NXT: reset */
    EXPECT(8, RS, 0, CL, CL);
}

/* TCP Fast Open (RFC 7413): data on the SYN; the SYN-ACK acknowledges it
 * (ACK = ISN+1+len) if accepted, or only the SYN (ISN+1). */
static void test_fast_open(void)
{
    begin("fast open accepted");
    seg(0, SYN, 1000, 0, 50, 0.0);
    seg(1, SYN | ACK, 5000, 1051, 0, 0.1);
    CHECK(recs[0].events & TCPST_EV_FAST_OPEN);
    CHECK((recs[1].events & TCPST_EV_FAST_OPEN) && (recs[1].events & TCPST_EV_TFO_ACCEPTED));
    EXPECT(2, HS, 2, ES, SR);
    begin("fast open declined");
    seg(0, SYN, 1000, 0, 50, 0.0);
    seg(1, SYN | ACK, 5000, 1001, 0, 0.1);
    CHECK((recs[1].events & TCPST_EV_FAST_OPEN) && !(recs[1].events & TCPST_EV_TFO_ACCEPTED));
    EXPECT(2, HS, 2, ES, SR);
}

/* Captured out of order: the passive closer's ACK of the first FIN (seq =
 * its FIN's sequence number, so sent before the FIN) shows up after its FIN. */
static void test_out_of_order_teardown(void)
{
    begin("teardown out of order");
    handshake();
    seg(0, FIN | ACK, 1001, 5001, 0, 0.3);     /* 4 C: FIN-WAIT-1, S: CLOSE-WAIT */
    seg(1, FIN | ACK, 5001, 1002, 0, 0.4);     /* 5 S's FIN (acks C's FIN): C -> TIME-WAIT */
    seg(1, ACK, 5001, 1002, 0, 0.4);           /* 6 S's earlier ACK: seq 5001 = its FIN's */
    seg(0, ACK, 1002, 5002, 0, 0.5);           /* 7 last ACK */
    EXPECT(5, TD, 3, TW, LA);
    CHECK(recs[5].events & TCPST_EV_OUT_OF_ORDER);
    CHECK(recs[5].step == 2 && recs[5].acks_frame == 4);
    EXPECT(7, TD, 4, TW, CL);
    {
        struct tcpst_view v;
        tcpst_view(&recs[4], &conn, 5, 1, &v);           /* the FIN was not merged with the ACK after all */
        CHECK(!(v.events & TCPST_EV_MERGED_FINACK) && v.revised);
    }
}

/* CLOSE-WAIT lasts until the application closes; RFC 9293 3.6. */
static void test_close_wait_long(void)
{
    begin("long CLOSE_WAIT");
    handshake();
    seg(0, FIN | ACK, 1001, 5001, 0, 1.0);     /* 4 S enters CLOSE-WAIT at t=1 */
    seg(1, ACK, 5001, 1002, 0, 1.01);          /* 5 */
    seg(1, FIN | ACK, 5001, 1002, 0, 6.0);     /* 6 FIN 5 s later: over the 1 s threshold */
    CHECK(recs[5].events & TCPST_EV_CLOSE_WAIT_LONG);
    CHECK(recs[5].in_state > 4.9f && recs[5].in_state < 5.1f);
    begin("CLOSE_WAIT to the end of the capture");
    handshake();
    seg(0, FIN | ACK, 1001, 5001, 0, 1.0);
    seg(1, ACK, 5001, 1002, 0, 1.01);
    seg(1, PSH | ACK, 5001, 1002, 10, 9.0);    /* 6 still no FIN: last segment */
    {
        struct tcpst_view v;
        tcpst_view(&recs[5], &conn, 6, 1, &v);
        CHECK(v.events & TCPST_EV_CLOSE_WAIT_LONG);
        tcpst_view(&recs[5], &conn, 6, 0, &v);
        CHECK(!(v.events & TCPST_EV_CLOSE_WAIT_LONG));
    }
}

/* TIME-WAIT (RFC 9293 3.10.7.4): a late segment reaching it; and a new SYN
 * on the same ports while it lasts (the caller starts a new connection). */
static void test_time_wait_segments(void)
{
    struct tcpst_conn old;
    struct tcpst_seg s;

    begin("TIME_WAIT late segment");
    handshake();
    seg(0, FIN | ACK, 1001, 5001, 0, 0.3);
    seg(1, FIN | ACK, 5001, 1002, 0, 0.4);     /* 5 C: TIME-WAIT */
    seg(0, ACK, 1002, 5002, 0, 0.5);           /* 6 S: CLOSED */
    seg(1, PSH | ACK, 4000, 1002, 10, 1.0);    /* 7 an old duplicate for the TIME-WAIT client */
    CHECK(recs[6].events & TCPST_EV_TW_SEGMENT);
    seg(1, FIN | ACK, 5001, 1002, 0, 1.1);     /* 8 the FIN again: not a late duplicate */
    CHECK(!(recs[7].events & TCPST_EV_TW_SEGMENT) && (recs[7].events & TCPST_EV_FIN_RETRANS));

    memset(&s, 0, sizeof s);
    s.frame = 9; s.time = 2.0; s.dir = 0; s.flags = SYN; s.sport = 40000; s.dport = 80; s.seq = 90000;
    CHECK(tcpst_starts_new(&conn, &cfg, &s));
    old = conn;
    tcpst_conn_init(&conn);
    conn.id = 2;
    tcpst_conn_follow(&conn, &old, &cfg, s.time);
    tcpst_conn_release(&old);
    tcpst_process(&conn, &cfg, &s, &recs[nrec++]);
    CHECK((recs[8].events & TCPST_EV_TW_REUSE) && (recs[8].events & TCPST_EV_NEW_CONN));
    EXPECT(9, HS, 1, SS, SR);
}

/* Half-open: the client's SYN seen, the handshake not finished. */
static void test_half_open(void)
{
    begin("half-open");
    seg(0, SYN, 1000, 0, 0, 0.0);
    CHECK(tcpst_half_open(&conn));
    seg(1, SYN | ACK, 5000, 1001, 0, 0.1);
    CHECK(tcpst_half_open(&conn));             /* SYN-RECEIVED: still half-open */
    seg(0, ACK, 1001, 5001, 0, 0.2);
    CHECK(!tcpst_half_open(&conn));
}

/* Where the capture was taken. From a point P, SYN -> SYN-ACK takes the round
 * trip P <-> server, SYN-ACK -> ACK the round trip P <-> client. Near the
 * client the second is only the client's own turnaround. */
static void test_vantage(void)
{
    begin("vantage: near the client");
    seg(0, SYN, 1000, 0, 0, 0.0);
    CHECK(recs[0].vantage == TCPST_V_UNKNOWN);
    seg(1, SYN | ACK, 5000, 1001, 0, 0.100);   /* 100 ms to the server and back */
    seg(0, ACK, 1001, 5001, 0, 0.10005);       /* 50 us: the client is right here */
    CHECK(recs[2].vantage == TCPST_V_CLIENT);
    begin("vantage: near the server");
    seg(0, SYN, 1000, 0, 0, 0.0);
    seg(1, SYN | ACK, 5000, 1001, 0, 0.00005);
    seg(0, ACK, 1001, 5001, 0, 0.10005);
    CHECK(recs[2].vantage == TCPST_V_SERVER);
    begin("vantage: in the middle");
    seg(0, SYN, 1000, 0, 0, 0.0);
    seg(1, SYN | ACK, 5000, 1001, 0, 0.040);
    seg(0, ACK, 1001, 5001, 0, 0.100);
    CHECK(recs[2].vantage == TCPST_V_MIDDLE);
    begin("vantage: loopback is too fast to tell");
    seg(0, SYN, 1000, 0, 0, 0.0);
    seg(1, SYN | ACK, 5000, 1001, 0, 0.00004); /* 40 us and 30 us: both ends look near */
    seg(0, ACK, 1001, 5001, 0, 0.00007);
    CHECK(recs[2].vantage == TCPST_V_UNKNOWN);
    begin("vantage: a retransmitted SYN gives no sample (Karn)");
    seg(0, SYN, 1000, 0, 0, 0.0);
    seg(0, SYN, 1000, 0, 0, 1.0);
    seg(1, SYN | ACK, 5000, 1001, 0, 1.05);
    CHECK(conn.rtt[TCPST_SERVER] < 0);
}

/* The receiver confirms a segment by acknowledging its end. */
static void test_confirmed(void)
{
    begin("receiver confirmed");
    handshake();
    seg(0, PSH | ACK, 1001, 5001, 10, 0.3);    /* 4 */
    CHECK(tcpst_receiver_confirmed(&recs[3], &conn, 1001, 1011) == 0);
    seg(1, ACK, 5001, 1011, 0, 0.4);           /* 5 acknowledges it */
    CHECK(tcpst_receiver_confirmed(&recs[3], &conn, 1001, 1011) == 1);
    CHECK(tcpst_receiver_confirmed(&recs[4], &conn, 5001, 5001) == -1); /* a pure ACK */
    CHECK(tcpst_receiver_confirmed(&recs[0], &conn, 1000, 1001) == 1);  /* the SYN, by the SYN-ACK */
}

/* RFC 9293 3.10.7.4: a FIN beyond RCV.NXT (bytes before it missing) is not
 * processed until the gap is filled; the receiver stays ESTABLISHED. */
static void test_fin_behind_gap(void)
{
    begin("FIN overtakes data");
    handshake();
    seg(0, FIN | ACK, 1011, 5001, 0, 0.3);     /* 4 FIN at 1011; bytes 1001-1010 not seen yet */
    EXPECT(4, TD, 1, F1, ES);
    seg(1, ACK, 5001, 1001, 0, 0.31);          /* 5 duplicate ACK 1001: the FIN was not taken */
    EXPECT(5, TD, 0, F1, ES);
    seg(0, PSH | ACK, 1001, 5001, 10, 0.32);   /* 6 the missing bytes: now the FIN counts */
    EXPECT(6, TD, 0, F1, CW);
    seg(1, ACK, 5001, 1012, 0, 0.33);          /* 7 ACK of the FIN */
    EXPECT(7, TD, 2, F2, CW);
}

static void test_names(void)
{
    begin("names");
    CHECK(strcmp(tcpst_state_name(TCPST_FIN_WAIT_1), "FIN_WAIT_1") == 0);
    CHECK(strcmp(tcpst_state_name(200), "UNKNOWN") == 0);
    CHECK(strcmp(tcpst_phase_name(TCPST_PH_TEARDOWN), "teardown") == 0);
    CHECK(strcmp(tcpst_role_name(TCPST_SERVER), "server") == 0);
}

/* The connection table: a key finds the newest connection made for it;
 * older ones stay where they were; many keys and colliding hashes. */
static void test_table(void)
{
    struct tcpst_table *t = tcpst_table_new();
    struct tcpst_conn *a, *b, *c, *first[3000];
    unsigned char k1[] = { 2, 4, 10, 0, 0, 1, 10, 0, 0, 2, 0x9c, 0x40, 0, 80 };
    unsigned char k2[] = { 2, 4, 10, 0, 0, 1, 10, 0, 0, 2, 0x9c, 0x41, 0, 80 };
    unsigned char k[8];
    int ok = 1;

    CHECK(t != NULL);
    CHECK(tcpst_table_find(t, k1, sizeof k1, tcpst_key_hash(k1, sizeof k1)) == NULL);
    a = tcpst_table_add(t, k1, sizeof k1, tcpst_key_hash(k1, sizeof k1));
    CHECK(a != NULL && a->st[0] == TCPST_UNKNOWN && a->since[0] < 0); /* initialised */
    a->st[0] = TCPST_ESTABLISHED;
    CHECK(tcpst_table_find(t, k1, sizeof k1, tcpst_key_hash(k1, sizeof k1)) == a);
    CHECK(tcpst_table_find(t, k2, sizeof k2, tcpst_key_hash(k2, sizeof k2)) == NULL);
    /* Same hash, other key: told apart by the bytes. */
    b = tcpst_table_add(t, k2, sizeof k2, tcpst_key_hash(k1, sizeof k1));
    CHECK(b != a && tcpst_table_find(t, k2, sizeof k2, tcpst_key_hash(k1, sizeof k1)) == b);
    CHECK(tcpst_table_find(t, k1, sizeof k1, tcpst_key_hash(k1, sizeof k1)) == a);
    /* A new connection on k1 replaces it in the table; a is untouched. */
    c = tcpst_table_add(t, k1, sizeof k1, tcpst_key_hash(k1, sizeof k1));
    CHECK(c != a && tcpst_table_find(t, k1, sizeof k1, tcpst_key_hash(k1, sizeof k1)) == c);
    CHECK(a->st[0] == TCPST_ESTABLISHED && tcpst_table_count(t) == 3);
    CHECK(a->id == 1 && b->id == 2 && c->id == 3 && tcpst_table_get(t, 2) == b);
    CHECK(tcpst_table_get(t, 0) == NULL && tcpst_table_get(t, 4) == NULL);
    /* Growth: every key still finds its connection, which has not moved.
     * Keys of 4 bytes and more hold all of i; shorter ones repeat, and the
     * newest connection of a repeated key wins. */
    for (unsigned i = 0; i < 3000; i++) {
        memcpy(k, &i, sizeof i);
        memcpy(k + 4, "key", 4);
        first[i] = tcpst_table_add(t, k, 1 + i % 8, tcpst_key_hash(k, 1 + i % 8));
    }
    for (unsigned i = 0; i < 3000; i++) {
        memcpy(k, &i, sizeof i);
        memcpy(k + 4, "key", 4);
        if (1 + i % 8 >= 4)
            ok &= tcpst_table_find(t, k, 1 + i % 8, tcpst_key_hash(k, 1 + i % 8)) == first[i];
    }
    CHECK(ok);
    /* Keys too long for a slot (an IPv6 pair is 38 bytes) live in the arena. */
    {
        unsigned char k6[38];
        struct tcpst_conn *six[200];
        memset(k6, 0x20, sizeof k6);
        for (unsigned i = 0; i < 200; i++) {
            memcpy(k6 + 30, &i, sizeof i);
            six[i] = tcpst_table_add(t, k6, sizeof k6, tcpst_key_hash(k6, sizeof k6));
        }
        ok = 1;
        for (unsigned i = 0; i < 200; i++) {
            memcpy(k6 + 30, &i, sizeof i);
            ok &= six[i] != NULL && tcpst_table_find(t, k6, sizeof k6, tcpst_key_hash(k6, sizeof k6)) == six[i];
            ok &= tcpst_table_find(t, k6, sizeof k6 - 1, tcpst_key_hash(k6, sizeof k6 - 1)) == NULL;
        }
        CHECK(ok);
    }
    /* Every length from 1 to 40 under one hash: each key is told apart by its
     * length and its last byte, whether its slot holds it or the arena. */
    {
        unsigned char kl[40];
        struct tcpst_conn *byl[41][2];
        memset(kl, 0x5a, sizeof kl);
        for (unsigned n = 1; n <= 40; n++)
            for (unsigned v = 0; v < 2; v++) {
                kl[n - 1] = (unsigned char)v;
                byl[n][v] = tcpst_table_add(t, kl, n, 7);
                kl[n - 1] = 0x5a;
            }
        ok = 1;
        for (unsigned n = 1; n <= 40; n++) {
            for (unsigned v = 0; v < 2; v++) {
                kl[n - 1] = (unsigned char)v;
                ok &= byl[n][v] != NULL && tcpst_table_find(t, kl, n, 7) == byl[n][v];
                kl[n - 1] = 0x5a;
            }
            ok &= tcpst_table_find(t, kl, n, 7) == NULL;
        }
        CHECK(ok);
    }
    CHECK(tcpst_table_find(t, k1, sizeof k1, tcpst_key_hash(k1, sizeof k1)) == c);
    CHECK(tcpst_table_count(t) == 3283 && tcpst_table_bytes(t) > 3283 * sizeof(struct tcpst_conn));
    tcpst_table_free(t);
}

/* Final view with a replay: frame n's values for role. */
static struct tcpst_view final_view(unsigned n)
{
    struct tcpst_view v;
    tcpst_view(&recs[n - 1], &conn, n, 1, &v);
    return v;
}
#define EXPECT_ROLE(n, role, was, now, ord) expect_role(n, role, was, now, ord, __LINE__)
static void expect_role(unsigned n, unsigned role, unsigned was, unsigned now, unsigned ord, int line)
{
    struct tcpst_view v = final_view(n);
    checks++;
    if (v.before[role] != was || v.after[role] != now || v.order[role] != ord) {
        failures++;
        printf("FAIL %s (line %d) frame %u %s: got %s -> %s order %u, want %s -> %s order %u\n", test_name,
               line, n, tcpst_role_name(role), tcpst_state_name(v.before[role]), tcpst_state_name(v.after[role]),
               v.order[role], tcpst_state_name(was), tcpst_state_name(now), ord);
    }
}

static void test_replay(void)
{
    struct tcpst_log *log = tcpst_log_new();

    /* Captured next to the client; the server is 10 ms away (5 ms each way).
     * Each endpoint's states follow the order it handled the segments:
     * the server's segments show what it had received by their ACK numbers,
     * and by time (the round trip) where they carry no sequence space. */
    begin("replay: each endpoint in its own order");
    conn.log = log;
    seg(0, SYN, 1000, 0, 0, 0.0);                 /* 1 */
    seg(1, SYN | ACK, 5000, 1001, 0, 0.010);      /* 2 the round trip to the server: 10 ms */
    seg(0, ACK, 1001, 5001, 0, 0.0101);           /* 3 */
    seg(0, FIN | ACK, 1001, 5001, 0, 0.100);      /* 4 C closes: FIN-WAIT-1 */
    seg(1, PSH | ACK, 5001, 1001, 10, 0.101);     /* 5 ack 1001 does not cover the FIN: S sent it before
                                                     the FIN came, ESTABLISHED */
    seg(0, ACK, 1002, 5011, 0, 0.1011);           /* 6 C acks the data; no sequence space: it reaches S
                                                     5 ms later, after S sent 7 and 8 (captured less
                                                     than the round trip after it) */
    seg(1, ACK, 5011, 1002, 0, 0.110);            /* 7 S acks the FIN: it had it, CLOSE-WAIT */
    seg(1, FIN | ACK, 5011, 1002, 0, 0.111);      /* 8 S closes: CLOSE-WAIT -> LAST-ACK;
                                                     C: FIN-WAIT-2 + FIN -> TIME-WAIT */
    seg(0, ACK, 1002, 5012, 0, 0.1111);           /* 9 S: LAST-ACK + ACK of its FIN -> CLOSED */
    /* A single pass has the server in CLOSE-WAIT from the FIN on. */
    EXPECT(5, TD, 0, F1, CW);
    /* The server's order: 1 2 3 5 4 7 8 6 9. */
    EXPECT_ROLE(4, TCPST_SERVER, ES, CW, 5);      /* the FIN, when it arrived */
    EXPECT_ROLE(5, TCPST_SERVER, ES, ES, 4);      /* sent before it */
    EXPECT_ROLE(7, TCPST_SERVER, CW, CW, 6);
    EXPECT_ROLE(8, TCPST_SERVER, CW, LA, 7);
    EXPECT_ROLE(6, TCPST_SERVER, LA, LA, 8);      /* arrived after 8 */
    EXPECT_ROLE(9, TCPST_SERVER, LA, CL, 9);
    /* The client is where the capture is: capture order. */
    EXPECT_ROLE(4, TCPST_CLIENT, ES, F1, 4);
    EXPECT_ROLE(5, TCPST_CLIENT, F1, F1, 5);
    EXPECT_ROLE(7, TCPST_CLIENT, F1, F2, 7);
    EXPECT_ROLE(8, TCPST_CLIENT, F2, TW, 8);
    /* latest: the server as the capture point last knew it, only forward */
    CHECK(final_view(5).latest[TCPST_SERVER] == CW);
    CHECK(final_view(6).latest[TCPST_SERVER] == LA);   /* 6 itself came after 8 */
    CHECK(final_view(7).latest[TCPST_SERVER] == LA);
    CHECK(final_view(8).latest[TCPST_SERVER] == LA);
    CHECK(final_view(9).latest[TCPST_SERVER] == CL);
    CHECK(final_view(5).revised);
    tcpst_conn_release(&conn);

    /* A SYN-ACK lost on the way to the client: the client sends its SYN again
     * (a SYN without ACK: it had nothing of the server), and the server's
     * second SYN-ACK, the copy the client got, comes before the client's ACK. */
    begin("replay: a lost SYN-ACK never reached the client");
    conn.log = log;
    seg(0, SYN, 1000, 0, 0, 0.0);                 /* 1 C: SYN-SENT */
    seg(1, SYN | ACK, 5000, 1001, 0, 0.001);      /* 2 lost before the client */
    seg(0, SYN, 1000, 0, 0, 1.0);                 /* 3 again: C still SYN-SENT */
    seg(1, SYN | ACK, 5000, 1001, 0, 1.001);      /* 4 C: SYN-SENT -> ESTABLISHED */
    seg(0, ACK, 1001, 5001, 0, 1.002);            /* 5 */
    EXPECT_ROLE(2, TCPST_CLIENT, SS, SS, 2);      /* never arrived: the client stays */
    EXPECT_ROLE(3, TCPST_CLIENT, SS, SS, 3);
    EXPECT_ROLE(4, TCPST_CLIENT, SS, ES, 4);
    EXPECT_ROLE(5, TCPST_CLIENT, ES, ES, 5);
    tcpst_conn_release(&conn);

    /* A RST the other endpoint had not received yet when it sent more data;
     * a blind RST (not at RCV.NXT) proves nothing and moves nothing. */
    begin("replay: data sent before the RST arrived");
    conn.log = log;
    seg(0, SYN, 1000, 0, 0, 0.0);
    seg(1, SYN | ACK, 5000, 1001, 0, 0.010);
    seg(0, ACK, 1001, 5001, 0, 0.0101);
    seg(0, RST | ACK, 1001, 5001, 0, 0.100);      /* 4 C aborts */
    seg(1, PSH | ACK, 5001, 1001, 10, 0.101);     /* 5 S still sends: the RST had not come */
    EXPECT_ROLE(4, TCPST_SERVER, ES, CL, 5);
    EXPECT_ROLE(5, TCPST_SERVER, ES, ES, 4);
    EXPECT_ROLE(4, TCPST_CLIENT, ES, CL, 4);
    tcpst_conn_release(&conn);

    /* Simultaneous close; the server's FIN is held back on the path and
     * captured after its ACK, whose sequence number is already past it:
     * the server sent the FIN first (RFC 9293 3.6, case 2: both CLOSING). */
    begin("replay: a FIN captured after what was sent after it");
    conn.log = log;
    seg(0, SYN, 1000, 0, 0, 0.0);
    seg(1, SYN | ACK, 5000, 1001, 0, 0.010);
    seg(0, ACK, 1001, 5001, 0, 0.0101);
    seg(0, FIN | ACK, 1001, 5001, 0, 0.100);      /* 4 C: FIN-WAIT-1 */
    seg(1, ACK, 5002, 1002, 0, 0.111);            /* 5 S acks C's FIN, from past its own FIN */
    seg(1, FIN | ACK, 5001, 1001, 0, 0.112);      /* 6 S's FIN: ack 1001, sent before C's FIN came */
    seg(0, ACK, 1002, 5002, 0, 0.1121);           /* 7 */
    /* The server's order: 1 2 3 6 4 5 7. */
    EXPECT_ROLE(6, TCPST_SERVER, ES, F1, 4);
    EXPECT_ROLE(4, TCPST_SERVER, F1, CG, 5);
    EXPECT_ROLE(5, TCPST_SERVER, CG, CG, 6);
    EXPECT_ROLE(7, TCPST_SERVER, CG, TW, 7);
    tcpst_conn_release(&conn);

    /* The same, but the first copy of the server's FIN is lost before the
     * capture point: the copy captured is a retransmission (a timeout
     * later) and acknowledges C's FIN. The first copy, sent before 5, had
     * only what the server's earlier segments acknowledged: had the server
     * taken C's FIN first, that copy would have acknowledged it, and 5
     * would answer nothing. */
    begin("replay: a FIN whose first copy the capture never saw");
    conn.log = log;
    seg(0, SYN, 1000, 0, 0, 0.0);
    seg(1, SYN | ACK, 5000, 1001, 0, 0.010);
    seg(0, ACK, 1001, 5001, 0, 0.0101);
    seg(0, FIN | ACK, 1001, 5001, 0, 0.100);      /* 4 C: FIN-WAIT-1 */
    seg(1, ACK, 5002, 1002, 0, 0.111);            /* 5 past a FIN not captured */
    seg(1, FIN | ACK, 5001, 1002, 0, 0.320);      /* 6 S's FIN again */
    seg(0, ACK, 1002, 5002, 0, 0.3201);           /* 7 */
    /* The server's order: 1 2 3 (first FIN copy) 4 5 6 7. */
    EXPECT_ROLE(4, TCPST_SERVER, F1, CG, 4);
    EXPECT_ROLE(5, TCPST_SERVER, CG, CG, 5);
    EXPECT_ROLE(6, TCPST_SERVER, CG, CG, 6);
    EXPECT_ROLE(7, TCPST_SERVER, CG, TW, 7);
    tcpst_conn_release(&conn);

    /* Captured at the server: the client's data is lost before the capture
     * point, its FIN comes; the server acknowledges below the FIN, and the
     * data comes again a round trip (16.5 ms) later. That copy is a
     * retransmission, sent in FIN-WAIT-1 (RFC 9293 3.10.4: a FIN is queued
     * after the data, which stays retransmittable), not data sent before
     * the FIN and held up on the path. */
    begin("replay: data below the FIN sent again after the peer showed the hole");
    conn.log = log;
    seg(0, SYN, 1000, 0, 0, 0.0);
    seg(1, SYN | ACK, 5000, 1001, 0, 0.00001);
    seg(0, ACK, 1001, 5001, 0, 0.0165);
    seg(0, FIN | ACK, 1046, 5001, 0, 0.0167);     /* 4 after 45 bytes not captured */
    seg(1, ACK, 5001, 1001, 0, 0.01671);          /* 5 still wants 1001 */
    seg(0, PSH | ACK, 1001, 5001, 45, 0.054);     /* 6 the 45 bytes again */
    seg(1, ACK, 5001, 1047, 0, 0.05401);          /* 7 */
    /* The client's order: capture order. */
    EXPECT_ROLE(4, TCPST_CLIENT, ES, F1, 4);
    EXPECT_ROLE(6, TCPST_CLIENT, F1, F1, 6);
    EXPECT_ROLE(7, TCPST_CLIENT, F1, F2, 7);
    tcpst_conn_release(&conn);

    /* The same, but the first copy of the data is held up on the path, not
     * lost: it is captured after the server's ACK and again (sent again by
     * the client) just after it. The first of them was sent before the FIN. */
    begin("replay: data below the FIN held up on the path, then sent again");
    conn.log = log;
    seg(0, SYN, 1000, 0, 0, 0.0);
    seg(1, SYN | ACK, 5000, 1001, 0, 0.00001);
    seg(0, ACK, 1001, 5001, 0, 0.0165);
    seg(0, FIN | ACK, 1046, 5001, 0, 0.0167);     /* 4 */
    seg(1, ACK, 5001, 1001, 0, 0.01671);          /* 5 */
    seg(0, PSH | ACK, 1001, 5001, 45, 0.036);     /* 6 the first copy, late */
    seg(1, ACK, 5001, 1047, 0, 0.03601);          /* 7 */
    seg(0, PSH | ACK, 1001, 5001, 45, 0.037);     /* 8 the copy sent again */
    seg(1, ACK, 5001, 1047, 0, 0.03701);          /* 9 */
    /* The client's order: 1 2 3 6 4 5 7 8 9. */
    EXPECT_ROLE(6, TCPST_CLIENT, ES, ES, 4);
    EXPECT_ROLE(4, TCPST_CLIENT, ES, F1, 5);
    tcpst_conn_release(&conn);
    tcpst_log_free(log);
}

int main(void)
{
    test_client_close_four_way();
    test_merged_finack();
    test_server_close_first();
    test_retransmissions();
    test_simultaneous_close();
    test_refused();
    test_unanswered_syn();
    test_half_close();
    test_rst_abort();
    test_fin_after_rst();
    test_midstream();
    test_invalid();
    test_time_wait_expiry();
    test_new_connection_same_ports();
    test_seq_wrap();
    test_simultaneous_open();
    test_zeek();
    test_zeek_boundaries();
    test_undelivered();
    test_keepalive();
    test_blind_reset();
    test_fast_open();
    test_out_of_order_teardown();
    test_close_wait_long();
    test_time_wait_segments();
    test_half_open();
    test_vantage();
    test_confirmed();
    test_fin_behind_gap();
    test_replay();
    test_names();
    test_table();
    printf("core: %d checks, %d failed\n", checks, failures);
    return failures != 0;
}
