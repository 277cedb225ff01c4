/* gencap.c - writes large synthetic TCP captures for benchmarks (libpcap).
 *
 *   gencap mix CONNS OUT.pcap      CONNS connections, 64 open at a time, each with a
 *                                  handshake, request/response data and one of eight
 *                                  endings (four-way, merged FIN/ACK, server closes
 *                                  first, half-close, simultaneous close, RST,
 *                                  refused, unanswered SYN); about 10 packets each
 *   gencap web CONNS OUT.pcap      the same connections on port 80, the data segments
 *                                  carrying HTTP requests and responses
 *   gencap synflood SYNS OUT.pcap  SYNS half-open connections: SYNs from spoofed
 *                                  sources to one server, each answered by a SYN-ACK
 *   gencap long SEGMENTS OUT.pcap  one connection carrying SEGMENTS data segments
 *
 * Deterministic: the same arguments give the same file.
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIN 0x01
#define SYN 0x02
#define RST 0x04
#define PSH 0x08
#define ACK 0x10

/* web mode: the mix on port 80 with HTTP messages in the data segments */
static int web;
static uint8_t http_req[100], http_resp[400], http_more[300];

static pcap_dumper_t *out;
static uint64_t now_us = 1700000000ull * 1000000ull;
static uint64_t packets;
static uint32_t rng = 12345;

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static uint16_t csum(const uint8_t *p, size_t n)
{
    uint32_t s = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

struct ep { uint32_t addr; uint16_t port; uint32_t seq; };

/* One Ethernet/IPv4/TCP frame from a to b. */
static void emit(struct ep *a, const struct ep *b, uint8_t flags, uint32_t ack, uint16_t len)
{
    uint8_t f[14 + 20 + 20 + 1500];
    uint8_t *ip = f + 14, *tcp = ip + 20;
    uint16_t tot = (uint16_t)(40 + len);
    struct pcap_pkthdr h;

    memset(f, 0, sizeof f);
    memcpy(f, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00", 14);
    ip[0] = 0x45;
    ip[2] = (uint8_t)(tot >> 8); ip[3] = (uint8_t)tot;
    ip[8] = 64; ip[9] = 6;
    for (int i = 0; i < 4; i++) {
        ip[12 + i] = (uint8_t)(a->addr >> (24 - 8 * i));
        ip[16 + i] = (uint8_t)(b->addr >> (24 - 8 * i));
    }
    uint16_t c = csum(ip, 20);
    ip[10] = (uint8_t)(c >> 8); ip[11] = (uint8_t)c;
    tcp[0] = (uint8_t)(a->port >> 8); tcp[1] = (uint8_t)a->port;
    tcp[2] = (uint8_t)(b->port >> 8); tcp[3] = (uint8_t)b->port;
    for (int i = 0; i < 4; i++) {
        tcp[4 + i] = (uint8_t)(a->seq >> (24 - 8 * i));
        tcp[8 + i] = (uint8_t)((flags & ACK ? ack : 0) >> (24 - 8 * i));
    }
    tcp[12] = 5 << 4;
    tcp[13] = flags;
    tcp[14] = 0xff; tcp[15] = 0xff;
    if (web && len)
        memcpy(tcp + 20, b->port == 80 ? http_req : len == sizeof http_resp ? http_resp : http_more, len);
    else
        memset(tcp + 20, 'x', len);

    now_us += 50 + rnd() % 200;
    h.ts.tv_sec = (time_t)(now_us / 1000000);
    h.ts.tv_usec = (suseconds_t)(now_us % 1000000);
    h.caplen = h.len = 14u + tot;
    pcap_dump((u_char *)out, &h, f);
    packets++;
    a->seq += len + ((flags & (SYN | FIN)) ? 1 : 0);
}

/* A connection as a small program: the next packet each time step() is called. */
struct conn {
    struct ep c, s;
    int kind, pc;
};

static int step(struct conn *k)
{
    struct ep *c = &k->c, *s = &k->s;
    int pc = k->pc++;

    if (k->kind == 6) { /* refused */
        if (pc == 0) emit(c, s, SYN, 0, 0);
        else { emit(s, c, RST | ACK, c->seq, 0); return 0; }
        return 1;
    }
    if (k->kind == 7) { /* unanswered SYN, sent three times */
        uint32_t isn = c->seq - (pc ? 1 : 0);
        c->seq = isn;
        emit(c, s, SYN, 0, 0);
        return pc < 2;
    }
    switch (pc) { /* handshake and one request/response */
    case 0: emit(c, s, SYN, 0, 0); return 1;
    case 1: emit(s, c, SYN | ACK, c->seq, 0); return 1;
    case 2: emit(c, s, ACK, s->seq, 0); return 1;
    case 3: emit(c, s, PSH | ACK, s->seq, 100); return 1;
    case 4: emit(s, c, PSH | ACK, c->seq, 400); return 1;
    case 5: emit(c, s, ACK, s->seq, 0); return 1;
    }
    pc -= 6;
    switch (k->kind) {
    case 0: /* four-way, client first */
        if (pc == 0) emit(c, s, FIN | ACK, s->seq, 0);
        else if (pc == 1) emit(s, c, ACK, c->seq, 0);
        else if (pc == 2) emit(s, c, FIN | ACK, c->seq, 0);
        else { emit(c, s, ACK, s->seq, 0); return 0; }
        return 1;
    case 1: /* merged FIN/ACK */
        if (pc == 0) emit(c, s, FIN | ACK, s->seq, 0);
        else if (pc == 1) emit(s, c, FIN | ACK, c->seq, 0);
        else { emit(c, s, ACK, s->seq, 0); return 0; }
        return 1;
    case 2: /* server closes first */
        if (pc == 0) emit(s, c, FIN | ACK, c->seq, 0);
        else if (pc == 1) emit(c, s, FIN | ACK, s->seq, 0);
        else { emit(s, c, ACK, c->seq, 0); return 0; }
        return 1;
    case 3: /* half-close: data after the client's FIN */
        if (pc == 0) emit(c, s, FIN | ACK, s->seq, 0);
        else if (pc == 1) emit(s, c, ACK, c->seq, 0);
        else if (pc == 2) emit(s, c, PSH | ACK, c->seq, 300);
        else if (pc == 3) emit(c, s, ACK, s->seq, 0);
        else if (pc == 4) emit(s, c, FIN | ACK, c->seq, 0);
        else { emit(c, s, ACK, s->seq, 0); return 0; }
        return 1;
    case 4: { /* simultaneous close: both FINs before either ACK */
        if (pc == 0) emit(c, s, FIN | ACK, s->seq, 0);
        else if (pc == 1) emit(s, c, FIN | ACK, c->seq - 1, 0);
        else if (pc == 2) emit(c, s, ACK, s->seq, 0);
        else { emit(s, c, ACK, c->seq, 0); return 0; }
        return 1;
    }
    default: /* 5: client RST */
        emit(c, s, RST | ACK, s->seq, 0);
        return 0;
    }
}

static void new_conn(struct conn *k, uint64_t i)
{
    memset(k, 0, sizeof *k);
    k->c.addr = 0x0a000000u | (uint32_t)((i / 50000) << 8 & 0xffff00) | (uint32_t)(1 + i % 250);
    k->c.port = (uint16_t)(1024 + i % 60000);
    k->c.seq = rnd();
    k->s.addr = 0x0a640000u | (uint32_t)(1 + i % 16);
    k->s.port = web ? 80 : 8001; /* 8001: no dissector, TCP alone is the baseline */
    k->s.seq = rnd();
    k->kind = (int)(i % 8);
}

/* head, padding, tail: exactly n bytes */
static void http_message(uint8_t *m, size_t n, const char *head, const char *tail)
{
    size_t h = strlen(head), t = strlen(tail);

    memset(m, 'a', n);
    memcpy(m, head, h);
    memcpy(m + n - t, tail, t);
}

int main(int argc, char **argv)
{
    pcap_t *dead;
    uint64_t n;

    if (argc != 4) {
        fprintf(stderr, "usage: %s mix|web|synflood|long COUNT OUT.pcap\n", argv[0]);
        return 2;
    }
    n = strtoull(argv[2], NULL, 10);
    dead = pcap_open_dead(DLT_EN10MB, 65535);
    out = pcap_dump_open(dead, argv[3]);
    if (!out) {
        fprintf(stderr, "%s\n", pcap_geterr(dead));
        return 1;
    }
    if (strcmp(argv[1], "web") == 0) {
        web = 1;
        http_message(http_req, sizeof http_req, "GET /index.html HTTP/1.1\r\nHost: www.example.com\r\n"
                     "Accept: */*\r\nX-Pad: ", "\r\n\r\n");
        http_message(http_more, sizeof http_more, "", "\n"); /* a body of 300 bytes */
        http_message(http_resp, sizeof http_resp - sizeof http_more, "HTTP/1.1 200 OK\r\n"
                     "Content-Type: text/plain\r\nContent-Length: 300\r\nX-Pad: ", "\r\n\r\n");
        memcpy(http_resp + sizeof http_resp - sizeof http_more, http_more, sizeof http_more);
    }
    if (strcmp(argv[1], "mix") == 0 || web) {
        enum { OPEN = 64 };
        struct conn open[OPEN];
        uint64_t next = 0, done = 0;
        for (int i = 0; i < OPEN && next < n; i++)
            new_conn(&open[i], next++);
        while (done < n) {
            int i = (int)(rnd() % OPEN);
            if (open[i].kind < 0)
                continue;
            if (!step(&open[i])) {
                done++;
                if (next < n)
                    new_conn(&open[i], next++);
                else
                    open[i].kind = -1;
            }
        }
    } else if (strcmp(argv[1], "synflood") == 0) {
        struct ep srv = { 0x0a640001u, 8001, 1 };
        for (uint64_t i = 0; i < n; i++) {
            struct ep src = { 0x0b000000u | (uint32_t)(i & 0xffffff), (uint16_t)(1024 + (i >> 24)), rnd() };
            srv.seq = rnd();
            emit(&src, &srv, SYN, 0, 0);
            emit(&srv, &src, SYN | ACK, src.seq, 0);
        }
    } else if (strcmp(argv[1], "long") == 0) {
        struct conn k;
        new_conn(&k, 0);
        for (int i = 0; i < 6; i++)
            step(&k);
        for (uint64_t i = 0; i < n; i++) {
            if (i % 2 == 0)
                emit(&k.c, &k.s, PSH | ACK, k.s.seq, 1000);
            else
                emit(&k.s, &k.c, ACK, k.c.seq, 0);
        }
        k.kind = 0;
        while (step(&k))
            ;
    } else {
        fprintf(stderr, "unknown mode %s\n", argv[1]);
        return 2;
    }
    pcap_dump_close(out);
    pcap_close(dead);
    fprintf(stderr, "%s: %llu packets\n", argv[3], (unsigned long long)packets);
    return 0;
}
