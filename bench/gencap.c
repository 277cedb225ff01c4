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
 *   gencap longrun PACKETS OUT.pcap
 *                                  about PACKETS packets: the mix, and 8 connections
 *                                  open from the first packets to the last (10.200.0.1-8
 *                                  port 40001-40008 to 10.201.0.1 port 8002, data and
 *                                  ACKs in between, a four-way close client first at
 *                                  the end), about one packet in nine theirs
 *
 * OUT.pcap "-" writes to the standard output.
 * Deterministic: the same arguments give the same file. Frames are built and
 * written by tools/craft/craftlib.c:
 *
 *   cc -O2 -Itools/craft -o gencap bench/gencap.c tools/craft/craftlib.c -lpcap
 */
#include "craftlib.h" /* tools/craft */

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIN CRAFT_FIN
#define SYN CRAFT_SYN
#define RST CRAFT_RST
#define PSH CRAFT_PSH
#define ACK CRAFT_ACK

/* web mode: the mix on port 80 with HTTP messages in the data segments */
static int web;
static uint8_t http_req[100], http_resp[400], http_more[300];
static uint8_t filler[1000]; /* the other data segments: 'x' */

static struct craft_writer out;
static uint64_t now_us = 1700000000ull * 1000000ull;
static uint32_t rng = 12345;

/* Every frame: Ethernet (the same addresses both ways), IPv4 with
 * identification 0 and no flags, TCP with window 65535 and checksum 0. */
static struct craft_frame frame = {
    .linktype = DLT_EN10MB,
    .mac_src = { 0x02, 0, 0, 0, 0, 0x01 },
    .mac_dst = { 0x02, 0, 0, 0, 0, 0x02 },
    .vlan = -1,
    .ip = { .src.family = AF_INET, .dst.family = AF_INET, .ttl = 64, .length = -1 },
    .tcp = { .win = 0xffff, .doff = -1, .cksum = CRAFT_CKSUM_ZERO },
};

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

struct ep { uint32_t addr; uint16_t port; uint32_t seq; };

static void set_addr(struct craft_addr *a, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        a->a[i] = (uint8_t)(v >> (24 - 8 * i));
}

/* One Ethernet/IPv4/TCP frame from a to b. */
static void emit(struct ep *a, const struct ep *b, uint8_t flags, uint32_t ack, uint16_t len)
{
    static struct craft_buf f;

    set_addr(&frame.ip.src, a->addr);
    set_addr(&frame.ip.dst, b->addr);
    frame.tcp.sport = a->port;
    frame.tcp.dport = b->port;
    frame.tcp.seq = a->seq;
    frame.tcp.ack = flags & ACK ? ack : 0;
    frame.tcp.flags = flags;
    if (web && len)
        frame.tcp.payload = b->port == 80 ? http_req : len == sizeof http_resp ? http_resp : http_more;
    else
        frame.tcp.payload = filler;
    frame.tcp.plen = len;
    craft_build(&f, &frame);
    now_us += 50 + rnd() % 200;
    craft_write(&out, f.d, f.n, f.n, now_us);
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

/* longrun's long connections: a data segment from the client, then the server's ACK. */
enum { LONG = 8 };

static void long_step(struct conn *k)
{
    if (k->pc++ % 2 == 0)
        emit(&k->c, &k->s, PSH | ACK, k->s.seq, 100);
    else
        emit(&k->s, &k->c, ACK, k->c.seq, 0);
}

static void longrun(uint64_t packets)
{
    enum { OPEN = 64 };
    struct conn open[OPEN], lg[LONG];
    uint64_t next = 0;
    int live = 0;

    for (int j = 0; j < LONG; j++) { /* handshakes */
        memset(&lg[j], 0, sizeof lg[j]);
        lg[j].c = (struct ep){ 0x0ac80001u + (uint32_t)j, (uint16_t)(40001 + j), rnd() };
        lg[j].s = (struct ep){ 0x0ac90001u, 8002, rnd() };
        for (int i = 0; i < 3; i++)
            step(&lg[j]);
        lg[j].pc = 0;
    }
    for (int i = 0; i < OPEN; i++, live++)
        new_conn(&open[i], next++);
    /* 11 packets at most per connection of the mix, 4 per close of a long one */
    while (live) {
        int i = (int)(rnd() % (OPEN + LONG));
        if (i >= OPEN) {
            long_step(&lg[i - OPEN]);
            continue;
        }
        if (open[i].kind < 0 || step(&open[i]))
            continue;
        if (out.frames + 11 * OPEN + 4 * LONG < packets)
            new_conn(&open[i], next++);
        else {
            open[i].kind = -1;
            live--;
        }
    }
    for (int j = 0; j < LONG; j++) {
        if (lg[j].pc % 2)
            long_step(&lg[j]); /* the ACK of the last data segment */
        lg[j].kind = 0;
        lg[j].pc = 6;
        while (step(&lg[j]))
            ;
    }
}

int main(int argc, char **argv)
{
    uint64_t n;

    if (argc != 4) {
        fprintf(stderr, "usage: %s mix|web|synflood|long|longrun COUNT OUT.pcap\n", argv[0]);
        return 2;
    }
    n = strtoull(argv[2], NULL, 10);
    memset(filler, 'x', sizeof filler);
    craft_open(&out, argv[3], DLT_EN10MB);
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
    } else if (strcmp(argv[1], "longrun") == 0) {
        longrun(n);
    } else {
        fprintf(stderr, "unknown mode %s\n", argv[1]);
        return 2;
    }
    craft_close(&out);
    fprintf(stderr, "%s: %llu packets\n", argv[3], (unsigned long long)out.frames);
    return 0;
}
