/* libFuzzer target for the state machine core: any byte string is read as a
 * sequence of segments of one connection and fed the way the epan glue does
 * (a fresh connection where tcpst_starts_new() says so). Checked invariants:
 *
 * - every state, phase, role and step is a valid value, single pass or final;
 * - an endpoint's state before a segment is its state after the previous one,
 *   except where the record says why (crossed FINs, refused, simultaneous
 *   open, TIME_WAIT expiry);
 * - an endpoint leaves CLOSED only on a SYN;
 * - the final view of a record is the same whatever order records are shown in.
 *
 * Built with clang -fsanitize=fuzzer,address,undefined (tests/fuzz/run.sh), or
 * without libFuzzer as a program that replays files given on the command line.
 */
#include "tcpstate_core.h"
#include "tcpstate_conn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SEGS 256

static void fail(const char *what, unsigned i)
{
    fprintf(stderr, "invariant broken at segment %u: %s\n", i, what);
    abort();
}

static void check_view(const struct tcpst_view *v, unsigned i)
{
    for (int k = 0; k < 2; k++) {
        if (v->before[k] >= TCPST_NUM_STATES || v->after[k] >= TCPST_NUM_STATES)
            fail("state out of range", i);
        if (v->via[k][0] >= TCPST_NUM_STATES || v->via[k][1] >= TCPST_NUM_STATES)
            fail("via state out of range", i);
    }
    if (v->phase >= TCPST_NUM_PHASES || v->sender > TCPST_ROLE_UNKNOWN || v->step > 4)
        fail("phase, sender or step out of range", i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct tcpst_conn conns[MAX_SEGS + 1];
    static struct tcpst_rec recs[MAX_SEGS];
    static unsigned conn_of[MAX_SEGS];
    struct tcpst_view fwd[MAX_SEGS], v;
    const struct tcpst_config cfg = { 1.0, 1.0, true, 1.0, 0.5, 1.0, 3.0, true, true };
    struct tcpst_seg s;
    unsigned n = 0, nconn = 1;
    uint32_t seq[2] = { 1000, 5000 };
    double t = 0;

    struct tcpst_log *log = tcpst_log_new();  /* every segment, for the final view's replay */

    tcpst_conn_init(&conns[0]);
    conns[0].id = 1;
    conns[0].log = log;
    /* 8 bytes a segment: dir+flags, seq delta, ack choice, length, time step */
    for (size_t off = 0; off + 8 <= size && n < MAX_SEGS; off += 8, n++) {
        const uint8_t *b = data + off;
        struct tcpst_conn *c = &conns[nconn - 1];
        memset(&s, 0, sizeof s);
        s.frame = n + 1;
        s.dir = b[0] >> 7;
        s.flags = b[0] & 0x3f;
        s.sport = s.dir ? 80 : 40000;
        s.dport = s.dir ? 40000 : 80;
        /* mostly in-order sequence numbers, sometimes jumps and wrap-around */
        seq[s.dir] += (b[1] & 0x80) ? (uint32_t)b[1] << 24 : b[1] & 0x3;
        s.seq = seq[s.dir];
        switch (b[2] & 3) {
        case 0: s.ack = seq[!s.dir]; break;
        case 1: s.ack = seq[!s.dir] + 1; break;
        case 2: s.ack = seq[!s.dir] - 1; break;
        default: s.ack = (uint32_t)b[2] << 24 | (uint32_t)b[3] << 16 | (uint32_t)b[4] << 8 | b[5];
        }
        s.len = b[6] & 0x7f;
        if (s.flags & TCPST_SYN)
            s.sack_ok = b[5] & 1;
        if (b[6] & 0x80) {  /* a SACK block near the acknowledgment number */
            s.nsack = 1;
            s.sack[0][0] = s.ack + (b[3] & 3);
            s.sack[0][1] = s.sack[0][0] + 1 + (b[4] & 3);
        }
        seq[s.dir] += s.len + ((s.flags & (TCPST_SYN | TCPST_FIN)) ? 1 : 0);
        t += b[7] * 0.01;
        s.time = t;
        if (tcpst_starts_new(c, &cfg, &s)) {
            c = &conns[nconn++];
            tcpst_conn_init(c);
            c->id = nconn;
            c->log = log;
            c->reused_ports = 1;
        }
        conn_of[n] = nconn - 1;
        tcpst_process(c, &cfg, &s, &recs[n]);

        tcpst_view(&recs[n], c, n + 1, false, &v);
        check_view(&v, n);
        if (n > 0 && conn_of[n - 1] == conn_of[n] && !(recs[n].flags & TCPST_R_UNKNOWN) &&
            !(recs[n - 1].flags & TCPST_R_UNKNOWN)) {
            /* hindsight on this segment: crossings, a refusal, a timer, a
             * retransmission that shows an acknowledgement undelivered, a
             * SACK that shows a FIN held */
            const uint32_t why = TCPST_EV_SIM_CLOSE | TCPST_EV_REFUSED | TCPST_EV_SIM_OPEN |
                                 TCPST_EV_TW_EXPIRED | TCPST_EV_SYN_RETRANS | TCPST_EV_FIN_RETRANS;
            bool undo = (recs[n].events & why) || s.nsack;
            for (int k = 0; k < 2; k++) {
                if (recs[n].before[k] != recs[n - 1].after[k] && !undo)
                    fail("state changed between segments", n);
                if (recs[n - 1].after[k] == TCPST_CLOSED && recs[n].after[k] != TCPST_CLOSED &&
                    !(s.flags & TCPST_SYN) && !(recs[n].events & TCPST_EV_FIN_RETRANS))
                    fail("left CLOSED without a SYN", n);
            }
        }
    }
    for (unsigned i = 0; i < n; i++) {
        tcpst_view(&recs[i], &conns[conn_of[i]], i + 1, true, &fwd[i]);
        check_view(&fwd[i], i);
    }
    for (unsigned i = n; i-- > 0;) {
        tcpst_view(&recs[i], &conns[conn_of[i]], i + 1, true, &v);
        if (memcmp(&v, &fwd[i], sizeof v) != 0)
            fail("final view depends on display order", i);
    }
    for (unsigned i = 0; i < nconn; i++)
        tcpst_conn_release(&conns[i]);
    tcpst_log_free(log);
    return 0;
}

#ifdef FUZZ_STANDALONE
/* Replays the given files (corpus entries, crash reproducers). */
int main(int argc, char **argv)
{
    static uint8_t buf[1 << 16];
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        size_t n;
        if (!f) {
            perror(argv[i]);
            return 1;
        }
        n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        LLVMFuzzerTestOneInput(buf, n);
    }
    printf("replayed %d inputs\n", argc - 1);
    return 0;
}
#endif
