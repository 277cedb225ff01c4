/* craft.c - writes a TCP capture (pcap) from a line-based scenario file.
 *
 *   craft IN.scn OUT.pcap [EXPECT.tsv]
 *
 * The language (tools/craft/README.md has the full description):
 *
 *   # comment                        anything after '#' is ignored
 *   link ethernet|raw                link layer (default ethernet)
 *   vlan ID | vlan off               802.1Q tag on the following frames (ethernet)
 *   tunnel gre|ipip OUTER_A OUTER_B  wrap the following frames in an outer IP
 *   tunnel off                       header (c>s travels A->B, s>c B->A)
 *   ext6 hop,dst,rt | ext6 off       IPv6 extension headers on the following frames
 *   start EPOCH                      time 0 of the scenario (default 1700000000)
 *   seed N                           seed of seq=rand and isn=rand
 *   client ADDR:PORT [isn=N]         IPv6 addresses in brackets: [2001:db8::1]:40000
 *   server ADDR:PORT [isn=N]
 *   TIME DIR FLAGS [key=value...]    one segment; TIME is seconds since start, or +DELTA
 *                                    after the previous segment; DIR is c>s or s>c;
 *                                    FLAGS letters from S F R P A U E C, or '-' for none
 *   expect TEXT                      passed on, with the frame number, to EXPECT.tsv
 *   repeat N { LINE }                LINE N times; {EXPR} in it is evaluated with
 *   repeat N {  ...  }               i = 0..N-1 (+ - * / % and parentheses)
 *
 * Segment keys: seq= ack= (absolute, +N/-N relative to the automatic value, seq=last,
 * seq=rand), len=N, data="TEXT", win=N, urg=N, ttl=N, src=ADDR:PORT, dst=ADDR:PORT,
 * mss=N, ws=N, sackok, ts=VAL:ECR, tfo (cookie request), tfo=HEX (cookie),
 * opt=HEX (raw option bytes), ext6=LIST, cksum=bad, track=no (leaves the sequence
 * numbers of both directions as they were: a spoofed or injected segment).
 *
 * Sequence numbers follow each direction (by addresses and ports): a segment
 * starts at the sender's next sequence number; SYN and FIN count one; a SYN
 * sets it anew; a RST does not advance it. ACK, when set and not given,
 * acknowledges everything the peer sent so far.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_PSH 0x08
#define F_ACK 0x10
#define F_URG 0x20
#define F_ECE 0x40
#define F_CWR 0x80

#define MAX_LINE 4096
#define MAX_FRAME 65535
#define MAX_FLOWS 4096
#define MAX_BODY 256

struct addr {
    int family;                 /* AF_INET or AF_INET6 */
    uint8_t a[16];
};

struct endpoint {
    struct addr ip;
    uint16_t port;
    bool set;
    bool isn_set;
    uint32_t isn;
};

struct flow {
    struct addr src, dst;
    uint16_t sport, dport;
    uint32_t nxt, last_seq;
    bool sent;
};

enum { EXT_HOP = 1, EXT_DST = 2, EXT_RT = 4 };

static struct {
    const char *file;
    int line;                   /* current source line */
    long iter;                  /* repeat index, -1 outside */
} where = { NULL, 0, -1 };

static int linktype = DLT_EN10MB;
static bool link_locked;        /* no link change after the first frame */
static int vlan_id = -1;
static int tunnel;              /* 0 none, 47 GRE, 4 IP-in-IP */
static struct addr tun_a, tun_b;
static int ext6;
static double start_time = 1700000000.0;
static double last_time;
static bool any_segment;
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static struct endpoint client, server;
static struct flow flows[MAX_FLOWS];
static int nflows;
static pcap_t *dead;
static pcap_dumper_t *dumper;
static FILE *expect_out;
static uint32_t frames;
static uint16_t ip_id = 1;

static const char *out_path;

static void fail(const char *fmt, ...)
{
    va_list ap;

    if (where.iter >= 0)
        fprintf(stderr, "%s:%d (repeat i=%ld): ", where.file, where.line, where.iter);
    else
        fprintf(stderr, "%s:%d: ", where.file, where.line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (out_path)
        remove(out_path); /* no half-written capture */
    exit(1);
}

static uint32_t rnd32(void)
{
    /* splitmix64 */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (uint32_t)(z ^ (z >> 31));
}

/* ---- numbers and addresses ---- */

static bool parse_u64(const char *s, uint64_t *v)
{
    char *end;

    if (!*s || *s == '-' || *s == '+')
        return false;
    errno = 0;
    *v = strtoull(s, &end, 0);
    return errno == 0 && *end == '\0';
}

static uint32_t need_u32(const char *key, const char *s, uint64_t max)
{
    uint64_t v;

    if (!parse_u64(s, &v) || v > max)
        fail("%s: '%s' is not a number from 0 to %" PRIu64, key, s, max);
    return (uint32_t)v;
}

static double need_time(const char *s)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || *end || end == s || v < 0)
        fail("'%s' is not a time in seconds", s);
    return v;
}

static void parse_ip(const char *s, struct addr *a)
{
    memset(a, 0, sizeof *a);
    if (inet_pton(AF_INET, s, a->a) == 1)
        a->family = AF_INET;
    else if (inet_pton(AF_INET6, s, a->a) == 1)
        a->family = AF_INET6;
    else
        fail("'%s' is not an IPv4 or IPv6 address", s);
}

/* ADDR:PORT or [ADDR6]:PORT */
static void parse_hostport(const char *s, struct addr *a, uint16_t *port)
{
    char buf[128];
    const char *colon;
    size_t n;

    if (*s == '[') {
        const char *close = strchr(s, ']');
        if (!close || close[1] != ':')
            fail("'%s': write an IPv6 address and port as [ADDR]:PORT", s);
        n = (size_t)(close - s - 1);
        colon = close + 1;
        if (n >= sizeof buf)
            fail("'%s': address too long", s);
        memcpy(buf, s + 1, n);
    } else {
        colon = strrchr(s, ':');
        if (!colon)
            fail("'%s': expected ADDR:PORT", s);
        n = (size_t)(colon - s);
        if (n >= sizeof buf)
            fail("'%s': address too long", s);
        memcpy(buf, s, n);
    }
    buf[n] = '\0';
    parse_ip(buf, a);
    if (a->family == AF_INET6 && *s != '[')
        fail("'%s': write an IPv6 address and port as [ADDR]:PORT", s);
    *port = (uint16_t)need_u32("port", colon + 1, 65535);
}

static bool addr_eq(const struct addr *x, const struct addr *y)
{
    return x->family == y->family && memcmp(x->a, y->a, 16) == 0;
}

/* ---- expressions in repeat bodies: {EXPR} with i ---- */

struct expr { const char *p; long i; };

static long expr_sum(struct expr *e);

static void expr_ws(struct expr *e)
{
    while (*e->p == ' ' || *e->p == '\t')
        e->p++;
}

static long expr_atom(struct expr *e)
{
    long v;

    expr_ws(e);
    if (*e->p == '(') {
        e->p++;
        v = expr_sum(e);
        expr_ws(e);
        if (*e->p != ')')
            fail("missing ')' in {...}");
        e->p++;
        return v;
    }
    if (*e->p == '-') {
        e->p++;
        return -expr_atom(e);
    }
    if (*e->p == 'i' && !isalnum((unsigned char)e->p[1])) {
        e->p++;
        return e->i;
    }
    if (isdigit((unsigned char)*e->p)) {
        char *end;
        v = strtol(e->p, &end, 10);
        e->p = end;
        return v;
    }
    fail("unexpected '%c' in {...}: use numbers, i, + - * / %% and parentheses", *e->p ? *e->p : '?');
    return 0;
}

static long expr_prod(struct expr *e)
{
    long v = expr_atom(e);

    for (;;) {
        char op;
        long r;
        expr_ws(e);
        op = *e->p;
        if (op != '*' && op != '/' && op != '%')
            return v;
        e->p++;
        r = expr_atom(e);
        if (op != '*' && r == 0)
            fail("division by zero in {...}");
        v = op == '*' ? v * r : op == '/' ? v / r : v % r;
    }
}

static long expr_sum(struct expr *e)
{
    long v = expr_prod(e);

    for (;;) {
        char op;
        expr_ws(e);
        op = *e->p;
        if (op != '+' && op != '-')
            return v;
        e->p++;
        v = op == '+' ? v + expr_prod(e) : v - expr_prod(e);
    }
}

/* Copies src to dst replacing every {EXPR} by its value for index i. */
static void substitute(const char *src, long i, char *dst, size_t size)
{
    size_t n = 0;

    while (*src) {
        if (*src == '{') {
            const char *close = strchr(src, '}');
            char inner[256], num[32];
            struct expr e;
            long v;
            size_t len;

            if (!close)
                fail("'{' without '}'");
            len = (size_t)(close - src - 1);
            if (len >= sizeof inner)
                fail("{...} too long");
            memcpy(inner, src + 1, len);
            inner[len] = '\0';
            e.p = inner;
            e.i = i;
            v = expr_sum(&e);
            expr_ws(&e);
            if (*e.p)
                fail("unexpected '%s' in {%s}", e.p, inner);
            snprintf(num, sizeof num, "%ld", v);
            len = strlen(num);
            if (n + len >= size)
                fail("line too long after substitution");
            memcpy(dst + n, num, len);
            n += len;
            src = close + 1;
        } else {
            if (n + 1 >= size)
                fail("line too long after substitution");
            dst[n++] = *src++;
        }
    }
    dst[n] = '\0';
}

/* ---- tokens ---- */

#define MAX_TOK 64

/* Splits a line into words (a double-quoted word may hold spaces); drops the
 * comment. Returns the number of words. */
static int tokenize(char *line, char **tok)
{
    int n = 0;
    char *p = line;

    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        if (!*p || *p == '#')
            break;
        if (n == MAX_TOK)
            fail("too many words on one line");
        tok[n++] = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') {
            if (*p == '"') {
                char *q = strchr(p + 1, '"');
                if (!q)
                    fail("unterminated \"");
                p = q;
            }
            p++;
        }
        if (*p)
            *p++ = '\0';
    }
    return n;
}

/* ---- packet building ---- */

struct buf { uint8_t d[MAX_FRAME]; size_t n; };

static void put(struct buf *b, const void *p, size_t n)
{
    if (b->n + n > sizeof b->d)
        fail("frame larger than %d bytes", MAX_FRAME);
    memcpy(b->d + b->n, p, n);
    b->n += n;
}

static void put8(struct buf *b, uint8_t v) { put(b, &v, 1); }
static void put16(struct buf *b, uint16_t v) { uint8_t x[2] = { v >> 8, v & 0xff }; put(b, x, 2); }
static void put32(struct buf *b, uint32_t v) { put16(b, v >> 16); put16(b, v & 0xffff); }
static void set16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v & 0xff; }

static uint32_t sum16(uint32_t s, const uint8_t *p, size_t n)
{
    for (size_t k = 0; k + 1 < n; k += 2)
        s += (uint32_t)(p[k] << 8 | p[k + 1]);
    if (n & 1)
        s += (uint32_t)(p[n - 1] << 8);
    return s;
}

static uint16_t fold(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

/* An IP header (v4, or v6 with extension headers) in front of payload. */
static void wrap_ip(struct buf *out, const struct addr *src, const struct addr *dst, uint8_t proto,
                    const uint8_t *payload, size_t plen, uint8_t ttl, int ext)
{
    if (src->family != dst->family)
        fail("source and destination are not of the same address family");
    if (src->family == AF_INET) {
        size_t h = out->n;
        if (plen + 20 > 65535)
            fail("IPv4 packet too long");
        put8(out, 0x45); put8(out, 0); put16(out, (uint16_t)(20 + plen));
        put16(out, ip_id++); put16(out, 0x4000); put8(out, ttl); put8(out, proto);
        put16(out, 0); put(out, src->a, 4); put(out, dst->a, 4);
        set16(out->d + h + 10, fold(sum16(0, out->d + h, 20)));
        put(out, payload, plen);
    } else {
        struct buf e = { .n = 0 };
        uint8_t order[3] = { EXT_HOP, EXT_DST, EXT_RT };
        uint8_t codes[3] = { 0, 60, 43 };
        int present[3], count = 0;
        uint8_t first = proto;

        for (int k = 0; k < 3; k++)
            if (ext & order[k])
                present[count++] = k;
        if (count)
            first = codes[present[0]];
        for (int k = 0; k < count; k++) {
            uint8_t next = (k + 1 < count) ? codes[present[k + 1]] : proto;
            if (order[present[k]] == EXT_RT) {
                /* Type 0 routing header, one address, no segment left:
                 * the destination stays the final one. */
                put8(&e, next); put8(&e, 2); put8(&e, 0); put8(&e, 0); put32(&e, 0);
                put(&e, dst->a, 16);
            } else {
                /* Options header of 8 bytes: one PadN option. */
                put8(&e, next); put8(&e, 0); put8(&e, 1); put8(&e, 4); put32(&e, 0);
            }
        }
        if (e.n + plen > 65535)
            fail("IPv6 payload too long");
        put32(out, 0x60000000u); put16(out, (uint16_t)(e.n + plen)); put8(out, first); put8(out, ttl);
        put(out, src->a, 16); put(out, dst->a, 16);
        put(out, e.d, e.n);
        put(out, payload, plen);
    }
}

static uint16_t tcp_checksum(const struct addr *src, const struct addr *dst, const uint8_t *seg, size_t n)
{
    uint32_t s = 0;
    uint8_t tail[4];

    if (src->family == AF_INET) {
        s = sum16(s, src->a, 4);
        s = sum16(s, dst->a, 4);
        s += 6 + (uint32_t)n;
    } else {
        s = sum16(s, src->a, 16);
        s = sum16(s, dst->a, 16);
        tail[0] = (uint8_t)(n >> 24); tail[1] = (uint8_t)(n >> 16);
        tail[2] = (uint8_t)(n >> 8); tail[3] = (uint8_t)n;
        s = sum16(s, tail, 4);
        s += 6;
    }
    return fold(sum16(s, seg, n));
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c = (char)tolower((unsigned char)c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

static size_t parse_hex(const char *key, const char *s, uint8_t *out, size_t max)
{
    size_t n = 0;

    if (strlen(s) % 2)
        fail("%s: '%s' is not an even number of hex digits", key, s);
    for (; *s; s += 2) {
        int hi = hexval(s[0]), lo = hexval(s[1]);
        if (hi < 0 || lo < 0)
            fail("%s: '%c%c' is not a hex byte", key, s[0], s[1]);
        if (n == max)
            fail("%s: too many bytes", key);
        out[n++] = (uint8_t)(hi << 4 | lo);
    }
    return n;
}

static struct flow *find_flow(const struct addr *src, uint16_t sport, const struct addr *dst,
                              uint16_t dport, bool create)
{
    for (int k = 0; k < nflows; k++) {
        struct flow *f = &flows[k];
        if (f->sport == sport && f->dport == dport && addr_eq(&f->src, src) && addr_eq(&f->dst, dst))
            return f;
    }
    if (!create)
        return NULL;
    if (nflows == MAX_FLOWS)
        fail("more than %d directions of traffic", MAX_FLOWS);
    struct flow *f = &flows[nflows++];
    memset(f, 0, sizeof *f);
    f->src = *src; f->dst = *dst; f->sport = sport; f->dport = dport;
    /* The first sequence number: the endpoint's isn= when it is one of the two. */
    if (client.set && client.port == sport && addr_eq(&client.ip, src) && client.isn_set)
        f->nxt = client.isn;
    else if (server.set && server.port == sport && addr_eq(&server.ip, src) && server.isn_set)
        f->nxt = server.isn;
    else
        f->nxt = rnd32();
    f->last_seq = f->nxt;
    return f;
}

/* seq= / ack= value: absolute, +N / -N relative to base. */
static uint32_t rel_value(const char *key, const char *v, uint32_t base)
{
    if (v[0] == '+' || v[0] == '-') {
        uint64_t d;
        if (!parse_u64(v + 1, &d) || d > 0xffffffffull)
            fail("%s: '%s' is not +N or -N", key, v);
        return v[0] == '+' ? base + (uint32_t)d : base - (uint32_t)d;
    }
    return need_u32(key, v, 0xffffffffull);
}

static uint8_t parse_flags(const char *s)
{
    uint8_t f = 0;

    if (strcmp(s, "-") == 0 || strcmp(s, ".") == 0)
        return 0;
    for (; *s; s++) {
        uint8_t bit;
        switch (toupper((unsigned char)*s)) {
        case 'F': bit = F_FIN; break;
        case 'S': bit = F_SYN; break;
        case 'R': bit = F_RST; break;
        case 'P': bit = F_PSH; break;
        case 'A': bit = F_ACK; break;
        case 'U': bit = F_URG; break;
        case 'E': bit = F_ECE; break;
        case 'C': bit = F_CWR; break;
        default:
            fail("flag '%c': flags are letters from S F R P A U E C, or '-' for none", *s);
            return 0;
        }
        if (f & bit)
            fail("flag '%c' given twice", *s);
        f |= bit;
    }
    return f;
}

static int parse_ext6(const char *s)
{
    char buf[64], *save, *w;
    int ext = 0;

    if (strcmp(s, "off") == 0 || strcmp(s, "none") == 0)
        return 0;
    if (strlen(s) >= sizeof buf)
        fail("ext6: '%s' too long", s);
    strcpy(buf, s);
    for (w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        if (strcmp(w, "hop") == 0) ext |= EXT_HOP;
        else if (strcmp(w, "dst") == 0) ext |= EXT_DST;
        else if (strcmp(w, "rt") == 0) ext |= EXT_RT;
        else fail("ext6: '%s' is not one of hop, dst, rt", w);
    }
    return ext;
}

static void write_frame(const uint8_t *data, size_t n, double t)
{
    struct pcap_pkthdr h;
    double abs_t = start_time + t;
    uint64_t us = (uint64_t)(abs_t * 1e6 + 0.5);

    h.ts.tv_sec = (time_t)(us / 1000000u);
    h.ts.tv_usec = (suseconds_t)(us % 1000000u);
    h.caplen = h.len = (bpf_u_int32)n;
    if (!dumper) {
        dead = pcap_open_dead(linktype, MAX_FRAME);
        if (!dead)
            fail("pcap_open_dead failed");
        dumper = pcap_dump_open(dead, out_path);
        if (!dumper) {
            fprintf(stderr, "%s: %s\n", out_path, pcap_geterr(dead));
            exit(1);
        }
    }
    pcap_dump((u_char *)dumper, &h, data);
    frames++;
    link_locked = true;
}

static void segment(char **tok, int n)
{
    const char *ts = tok[0], *dir = tok[1];
    double t;
    bool c2s;
    struct endpoint *from, *to;
    struct addr src, dst;
    uint16_t sport, dport;
    uint8_t flags, opts[40];
    size_t optlen = 0;
    uint8_t payload[MAX_FRAME];
    size_t plen = 0;
    bool have_len = false, have_data = false, bad_cksum = false, track = true;
    const char *seq_s = NULL, *ack_s = NULL;
    uint32_t win = 64240, urg = 0, ttl = 64;
    int ext = ext6;
    struct flow *f, *rev;
    uint32_t seq, ack = 0;

    if (ts[0] == '+') {
        if (!any_segment)
            fail("the first segment needs an absolute time");
        t = last_time + need_time(ts + 1);
    } else {
        t = need_time(ts);
        if (any_segment && t < last_time)
            fail("time %s goes back before the previous segment (%.6f)", ts, last_time);
    }
    if (strcmp(dir, "c>s") == 0) c2s = true;
    else if (strcmp(dir, "s>c") == 0) c2s = false;
    else fail("direction '%s': write c>s or s>c", dir);
    if (n < 3)
        fail("a segment needs TIME DIR FLAGS");
    flags = parse_flags(tok[2]);
    from = c2s ? &client : &server;
    to = c2s ? &server : &client;
    if (!from->set || !to->set)
        fail("declare 'client ADDR:PORT' and 'server ADDR:PORT' before the first segment");
    src = from->ip; sport = from->port; dst = to->ip; dport = to->port;

    for (int k = 3; k < n; k++) {
        char *key = tok[k], *val = strchr(tok[k], '=');
        if (val)
            *val++ = '\0';
        if (strcmp(key, "seq") == 0 && val) seq_s = val;
        else if (strcmp(key, "ack") == 0 && val) ack_s = val;
        else if (strcmp(key, "len") == 0 && val) {
            plen = need_u32("len", val, 65000);
            have_len = true;
            for (size_t b = 0; b < plen; b++)
                payload[b] = (uint8_t)('a' + b % 26);
        } else if (strcmp(key, "data") == 0 && val) {
            size_t l = strlen(val);
            if (l < 2 || val[0] != '"' || val[l - 1] != '"')
                fail("data: write data=\"TEXT\"");
            plen = l - 2;
            memcpy(payload, val + 1, plen);
            have_data = true;
        } else if (strcmp(key, "win") == 0 && val) win = need_u32("win", val, 65535);
        else if (strcmp(key, "urg") == 0 && val) urg = need_u32("urg", val, 65535);
        else if (strcmp(key, "ttl") == 0 && val) ttl = need_u32("ttl", val, 255);
        else if (strcmp(key, "src") == 0 && val) parse_hostport(val, &src, &sport);
        else if (strcmp(key, "dst") == 0 && val) parse_hostport(val, &dst, &dport);
        else if (strcmp(key, "ext6") == 0 && val) ext = parse_ext6(val);
        else if (strcmp(key, "cksum") == 0 && val) {
            if (strcmp(val, "bad") != 0)
                fail("cksum: only cksum=bad");
            bad_cksum = true;
        } else if (strcmp(key, "track") == 0 && val) {
            if (strcmp(val, "no") != 0)
                fail("track: only track=no");
            track = false;
        } else if (strcmp(key, "mss") == 0 && val) {
            uint32_t v = need_u32("mss", val, 65535);
            if (optlen + 4 > sizeof opts) fail("more than 40 bytes of options");
            opts[optlen++] = 2; opts[optlen++] = 4; opts[optlen++] = v >> 8; opts[optlen++] = v & 0xff;
        } else if (strcmp(key, "ws") == 0 && val) {
            uint32_t v = need_u32("ws", val, 255);
            if (optlen + 4 > sizeof opts) fail("more than 40 bytes of options");
            opts[optlen++] = 1; opts[optlen++] = 3; opts[optlen++] = 3; opts[optlen++] = (uint8_t)v;
        } else if (strcmp(key, "sackok") == 0 && !val) {
            if (optlen + 2 > sizeof opts) fail("more than 40 bytes of options");
            opts[optlen++] = 4; opts[optlen++] = 2;
        } else if (strcmp(key, "ts") == 0 && val) {
            char *colon = strchr(val, ':');
            uint32_t tv, te;
            if (!colon) fail("ts: write ts=VAL:ECR");
            *colon = '\0';
            tv = need_u32("ts", val, 0xffffffffull);
            te = need_u32("ts", colon + 1, 0xffffffffull);
            if (optlen + 12 > sizeof opts) fail("more than 40 bytes of options");
            opts[optlen++] = 1; opts[optlen++] = 1; opts[optlen++] = 8; opts[optlen++] = 10;
            for (int b = 3; b >= 0; b--) opts[optlen++] = (uint8_t)(tv >> (8 * b));
            for (int b = 3; b >= 0; b--) opts[optlen++] = (uint8_t)(te >> (8 * b));
        } else if (strcmp(key, "tfo") == 0) {
            uint8_t cookie[16];
            size_t cl = val ? parse_hex("tfo", val, cookie, sizeof cookie) : 0;
            if (val && (cl < 4 || cl > 16))
                fail("tfo: a cookie has 4 to 16 bytes (RFC 7413)");
            if (optlen + 2 + cl > sizeof opts) fail("more than 40 bytes of options");
            opts[optlen++] = 34; opts[optlen++] = (uint8_t)(2 + cl);
            memcpy(opts + optlen, cookie, cl);
            optlen += cl;
        } else if (strcmp(key, "opt") == 0 && val) {
            optlen += parse_hex("opt", val, opts + optlen, sizeof opts - optlen);
        } else {
            fail("unknown segment key '%s%s' (seq= ack= len= data= win= urg= ttl= src= dst= "
                 "mss= ws= sackok ts= tfo tfo= opt= ext6= cksum=bad track=no)", key, val ? "=" : "");
        }
    }
    if (have_len && have_data)
        fail("give len= or data=, not both");
    if (src.family != dst.family)
        fail("source and destination are not of the same address family");
    if (ext && src.family != AF_INET6)
        fail("ext6 applies to IPv6 only");

    f = find_flow(&src, sport, &dst, dport, true);
    rev = find_flow(&dst, dport, &src, sport, true);
    if (!seq_s) seq = f->nxt;
    else if (strcmp(seq_s, "last") == 0) {
        if (!f->sent) fail("seq=last: nothing sent yet in this direction");
        seq = f->last_seq;
    } else if (strcmp(seq_s, "rand") == 0) seq = rnd32();
    else seq = rel_value("seq", seq_s, f->nxt);
    if (ack_s) ack = rel_value("ack", ack_s, rev->nxt);
    else if (flags & F_ACK) ack = rev->nxt;

    /* Advance this direction (not for track=no: an injected segment). */
    if (track) {
        uint32_t end = seq + (uint32_t)plen + ((flags & F_SYN) ? 1 : 0) + ((flags & F_FIN) ? 1 : 0);
        if (flags & F_SYN)
            f->nxt = end;
        else if (!(flags & F_RST) && (int32_t)(end - f->nxt) > 0)
            f->nxt = end;
        f->last_seq = seq;
        f->sent = true;
    }

    /* TCP header + options + payload. */
    struct buf seg = { .n = 0 };
    while (optlen % 4)
        opts[optlen++] = 0; /* end of option list, then padding */
    put16(&seg, sport); put16(&seg, dport); put32(&seg, seq); put32(&seg, ack);
    put8(&seg, (uint8_t)(((20 + optlen) / 4) << 4)); put8(&seg, flags);
    put16(&seg, (uint16_t)win); put16(&seg, 0); put16(&seg, (uint16_t)urg);
    put(&seg, opts, optlen);
    put(&seg, payload, plen);
    {
        uint16_t ck = tcp_checksum(&src, &dst, seg.d, seg.n);
        set16(seg.d + 16, bad_cksum ? (uint16_t)(ck ^ 0x5a5a) : ck);
    }

    struct buf ip = { .n = 0 };
    wrap_ip(&ip, &src, &dst, 6, seg.d, seg.n, (uint8_t)ttl, ext);

    if (tunnel) {
        struct buf inner = { .n = 0 };
        const struct addr *oa = c2s ? &tun_a : &tun_b, *ob = c2s ? &tun_b : &tun_a;
        uint8_t proto = (uint8_t)tunnel;
        bool v6 = src.family == AF_INET6;
        if (tunnel == 47) {
            put16(&inner, 0); put16(&inner, v6 ? 0x86dd : 0x0800);
        } else {
            proto = v6 ? 41 : 4;
        }
        put(&inner, ip.d, ip.n);
        ip.n = 0;
        wrap_ip(&ip, oa, ob, proto, inner.d, inner.n, 64, 0);
    }

    struct buf frame = { .n = 0 };
    if (linktype == DLT_EN10MB) {
        static const uint8_t mac_c[6] = { 0x02, 0, 0, 0, 0, 0x01 }, mac_s[6] = { 0x02, 0, 0, 0, 0, 0x02 };
        bool v6 = (tunnel ? tun_a.family : src.family) == AF_INET6;
        put(&frame, c2s ? mac_s : mac_c, 6);
        put(&frame, c2s ? mac_c : mac_s, 6);
        if (vlan_id >= 0) {
            put16(&frame, 0x8100);
            put16(&frame, (uint16_t)vlan_id);
        }
        put16(&frame, v6 ? 0x86dd : 0x0800);
    }
    put(&frame, ip.d, ip.n);
    write_frame(frame.d, frame.n, t);
    last_time = t;
    any_segment = true;
}

static void directive(char **tok, int n)
{
    const char *w = tok[0];

    if (strcmp(w, "link") == 0) {
        if (n != 2) fail("link: write 'link ethernet' or 'link raw'");
        if (link_locked) fail("link: set the link type before the first segment");
        if (strcmp(tok[1], "ethernet") == 0) linktype = DLT_EN10MB;
        else if (strcmp(tok[1], "raw") == 0) linktype = DLT_RAW;
        else fail("link: '%s' is not ethernet or raw", tok[1]);
    } else if (strcmp(w, "vlan") == 0) {
        if (n != 2) fail("vlan: write 'vlan ID' or 'vlan off'");
        if (strcmp(tok[1], "off") == 0) vlan_id = -1;
        else vlan_id = (int)need_u32("vlan", tok[1], 4094);
        if (vlan_id >= 0 && linktype != DLT_EN10MB) fail("vlan needs 'link ethernet'");
    } else if (strcmp(w, "tunnel") == 0) {
        if (n == 2 && strcmp(tok[1], "off") == 0) {
            tunnel = 0;
            return;
        }
        if (n != 4) fail("tunnel: write 'tunnel gre|ipip OUTER_A OUTER_B' or 'tunnel off'");
        if (strcmp(tok[1], "gre") == 0) tunnel = 47;
        else if (strcmp(tok[1], "ipip") == 0) tunnel = 4;
        else fail("tunnel: '%s' is not gre or ipip", tok[1]);
        parse_ip(tok[2], &tun_a);
        parse_ip(tok[3], &tun_b);
        if (tun_a.family != tun_b.family) fail("tunnel: both outer addresses of one family");
    } else if (strcmp(w, "ext6") == 0) {
        if (n != 2) fail("ext6: write 'ext6 hop,dst,rt' (any of them) or 'ext6 off'");
        ext6 = parse_ext6(tok[1]);
    } else if (strcmp(w, "start") == 0) {
        if (n != 2) fail("start: write 'start EPOCH_SECONDS'");
        if (any_segment) fail("start: before the first segment");
        start_time = need_time(tok[1]);
    } else if (strcmp(w, "seed") == 0) {
        if (n != 2) fail("seed: write 'seed N'");
        rng_state = need_u32("seed", tok[1], 0xffffffffull);
    } else if (strcmp(w, "client") == 0 || strcmp(w, "server") == 0) {
        struct endpoint *e = (w[0] == 'c') ? &client : &server;
        if (n < 2 || n > 3) fail("%s: write '%s ADDR:PORT [isn=N]'", w, w);
        if (any_segment) fail("%s: declare the endpoints before the first segment", w);
        memset(e, 0, sizeof *e);
        parse_hostport(tok[1], &e->ip, &e->port);
        e->set = true;
        if (n == 3) {
            if (strncmp(tok[2], "isn=", 4) != 0) fail("%s: unknown '%s' (isn=N)", w, tok[2]);
            e->isn = strcmp(tok[2] + 4, "rand") == 0 ? rnd32() : need_u32("isn", tok[2] + 4, 0xffffffffull);
        } else {
            e->isn = rnd32();
        }
        e->isn_set = true;
    } else if (strcmp(w, "expect") == 0) {
        if (!any_segment) fail("expect: comes after the segment it describes");
        if (expect_out) {
            fprintf(expect_out, "%u\t%d", frames, where.line);
            for (int k = 1; k < n; k++)
                fprintf(expect_out, "%s%s", k == 1 ? "\t" : " ", tok[k]);
            fputc('\n', expect_out);
        }
    } else {
        fail("unknown line '%s' (link vlan tunnel ext6 start seed client server expect repeat, "
             "or a segment: TIME c>s|s>c FLAGS ...)", w);
    }
}

static void one_line(const char *text)
{
    char copy[MAX_LINE], *tok[MAX_TOK];
    int n;

    if (strlen(text) >= sizeof copy)
        fail("line too long");
    strcpy(copy, text);
    n = tokenize(copy, tok);
    if (n == 0)
        return;
    if (isdigit((unsigned char)tok[0][0]) || tok[0][0] == '+') {
        if (n < 2)
            fail("a segment needs TIME DIR FLAGS");
        segment(tok, n);
    } else {
        directive(tok, n);
    }
}

struct body_line { int line; char text[MAX_LINE]; };

static void run_repeat(long count, struct body_line *body, int nbody)
{
    char expanded[MAX_LINE];
    int saved = where.line;

    for (long i = 0; i < count; i++) {
        where.iter = i;
        for (int k = 0; k < nbody; k++) {
            where.line = body[k].line;
            substitute(body[k].text, i, expanded, sizeof expanded);
            one_line(expanded);
        }
    }
    where.iter = -1;
    where.line = saved;
}

/* "repeat N { ... }" on one line, or "repeat N {" opening a block. */
static bool repeat_header(const char *line, long *count, const char **rest)
{
    const char *p = line;
    char *end;

    while (*p == ' ' || *p == '\t')
        p++;
    if (strncmp(p, "repeat", 6) != 0 || (p[6] != ' ' && p[6] != '\t'))
        return false;
    p += 6;
    errno = 0;
    *count = strtol(p, &end, 10);
    if (end == p || errno || *count < 0 || *count > 1000000)
        fail("repeat: write 'repeat N { LINE }' with N from 0 to 1000000");
    p = end;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p != '{')
        fail("repeat: '{' expected after the count");
    *rest = p + 1;
    return true;
}

int main(int argc, char **argv)
{
    FILE *in;
    char line[MAX_LINE];
    static struct body_line body[MAX_BODY];
    int nbody = -1;             /* >= 0 inside a block */
    long block_count = 0;
    int block_line = 0;

    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s IN.scn OUT.pcap [EXPECT.tsv]\n"
                        "writes the capture described by IN.scn (see tools/craft/README.md)\n", argv[0]);
        return 2;
    }
    where.file = argv[1];
    out_path = argv[2];
    in = fopen(argv[1], "r");
    if (!in) {
        fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    if (argc == 4) {
        expect_out = fopen(argv[3], "w");
        if (!expect_out) {
            fprintf(stderr, "%s: %s\n", argv[3], strerror(errno));
            return 1;
        }
    }
    while (fgets(line, sizeof line, in)) {
        long count;
        const char *rest;
        char *nl;

        where.line++;
        if (!strchr(line, '\n') && !feof(in))
            fail("line longer than %d characters", MAX_LINE - 2);
        if ((nl = strchr(line, '\n')))
            *nl = '\0';
        if (nbody >= 0) {
            char copy[MAX_LINE], *tok[MAX_TOK];
            strcpy(copy, line);
            if (tokenize(copy, tok) == 1 && strcmp(tok[0], "}") == 0) {
                int saved = where.line;
                run_repeat(block_count, body, nbody);
                where.line = saved;
                nbody = -1;
                continue;
            }
            {
                long dummy;
                const char *r;
                if (repeat_header(line, &dummy, &r))
                    fail("repeat inside repeat is not supported");
            }
            if (nbody == MAX_BODY)
                fail("a repeat block holds at most %d lines", MAX_BODY);
            body[nbody].line = where.line;
            strcpy(body[nbody].text, line);
            nbody++;
            continue;
        }
        if (repeat_header(line, &count, &rest)) {
            /* One line: the body ends at the last '}' (comments stripped first). */
            char tmp[MAX_LINE], *hash, *close;
            strcpy(tmp, rest);
            hash = strchr(tmp, '#');
            if (hash)
                *hash = '\0';
            close = strrchr(tmp, '}');
            if (close && close[1 + strspn(close + 1, " \t\r")] == '\0') {
                *close = '\0';
                body[0].line = where.line;
                strcpy(body[0].text, tmp);
                run_repeat(count, body, 1);
            } else if (tmp[strspn(tmp, " \t\r")] == '\0') {
                nbody = 0;
                block_count = count;
                block_line = where.line;
            } else {
                fail("repeat: write 'repeat N { LINE }' on one line, or 'repeat N {' ... '}'");
            }
            continue;
        }
        one_line(line);
    }
    if (nbody >= 0) {
        where.line = block_line;
        fail("repeat block not closed with '}'");
    }
    fclose(in);
    if (!dumper) {
        where.line = 0;
        fail("no segment in the scenario");
    }
    pcap_dump_close(dumper);
    pcap_close(dead);
    if (expect_out && fclose(expect_out) != 0) {
        fprintf(stderr, "%s: %s\n", argv[3], strerror(errno));
        return 1;
    }
    return 0;
}
