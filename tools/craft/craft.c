/* craft.c - writes a TCP capture (pcap) from a line-based scenario file.
 *
 *   craft IN.scn OUT.pcap [EXPECT.tsv]
 *
 * The language (tools/craft/README.md has the full description):
 *
 *   # comment                        anything after '#' is ignored
 *   link ethernet|raw                link layer (default ethernet)
 *   vlan ID | vlan off               802.1Q tag on the following frames (ethernet)
 *   mac SRC DST | mac off            these Ethernet addresses on the following frames,
 *                                    whatever their direction (off: one per end)
 *   tunnel gre|ipip OUTER_A OUTER_B  wrap the following frames in an outer IP
 *   tunnel off                       header (c>s travels A->B, s>c B->A)
 *   ext6 hop,dst,rt | ext6 off       IPv6 extension headers on the following frames
 *   ipid N | ipid auto               IPv4 identification N on the following frames
 *                                    (auto, the default: counting up from 1)
 *   start EPOCH                      time 0 of the scenario (default 1700000000)
 *   seed N                           seed of seq=rand and isn=rand
 *   client ADDR:PORT [isn=N]         IPv6 addresses in brackets: [2001:db8::1]:40000
 *   server ADDR:PORT [isn=N]
 *   TIME DIR FLAGS [key=value...]    one segment; TIME is seconds since start, or +DELTA
 *                                    after the previous segment; DIR is c>s or s>c;
 *                                    FLAGS letters from S F R P A U E C, or '-' for none
 *   TIME raw HEX|- [origlen=N]       one frame of exactly these bytes (link header
 *                                    included; '-' none), of N bytes on the wire
 *   expect TEXT                      passed on, with the frame number, to EXPECT.tsv
 *   repeat N { LINE }                LINE N times; {EXPR} in it is evaluated with
 *   repeat N {  ...  }               i = 0..N-1 (+ - * / % and parentheses)
 *
 * Segment keys: seq= ack= (absolute, +N/-N relative to the automatic value, seq=last,
 * seq=rand), len=N, data="TEXT", win=N, urg=N, ttl=N, src=ADDR:PORT, dst=ADDR:PORT,
 * mss=N, ws=N, sackok, ts=VAL:ECR, tfo (cookie request), tfo=HEX (cookie),
 * opt=HEX (raw option bytes), ext6=LIST, cksum=bad, track=no (leaves the sequence
 * numbers of both directions as they were: a spoofed or injected segment);
 * malformed ones: doff=N (TCP data offset field), iplen=N (IPv4 total length or
 * IPv6 payload length field), caplen=N (only the first N bytes of the frame
 * captured).
 *
 * A scenario without frames gives a capture without frames.
 *
 * Sequence numbers follow each direction (by addresses and ports): a segment
 * starts at the sender's next sequence number; SYN and FIN count one; a SYN
 * sets it anew; a RST does not advance it. ACK, when set and not given,
 * acknowledges everything the peer sent so far.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "craftlib.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE 4096
#define MAX_FLOWS 4096
#define MAX_BODY 256

struct endpoint {
    struct craft_addr ip;
    uint16_t port;
    bool set;
    bool isn_set;
    uint32_t isn;
};

struct flow {
    struct craft_addr src, dst;
    uint16_t sport, dport;
    uint32_t nxt, last_seq;
    bool sent;
};

static struct {
    const char *file;
    int line;                   /* current source line */
    long iter;                  /* repeat index, -1 outside */
} where = { NULL, 0, -1 };

static const uint8_t mac_client[6] = { 0x02, 0, 0, 0, 0, 0x01 }, mac_server[6] = { 0x02, 0, 0, 0, 0, 0x02 };

static int linktype = DLT_EN10MB;
static int vlan_id = -1;
static bool mac_fixed;          /* mac SRC DST: on every frame, whatever its direction */
static uint8_t mac_src[6], mac_dst[6];
static enum craft_tunnel tunnel;
static struct craft_addr tun_a, tun_b;
static int ext6;
static double start_time = 1700000000.0;
static double last_time;
static bool any_frame;
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static struct endpoint client, server;
static struct flow flows[MAX_FLOWS];
static int nflows;
static struct craft_writer writer;
static bool writer_open;
static FILE *expect_out;
static uint16_t ip_id = 1;      /* counting (ipid auto) */
static int ip_id_fixed = -1;    /* ipid N; -1: counting */

static const char *out_path;

/* craft_error: the error with the scenario line it comes from */
static void scenario_error(const char *msg)
{
    if (where.iter >= 0)
        fprintf(stderr, "%s:%d (repeat i=%ld): %s\n", where.file, where.line, where.iter, msg);
    else
        fprintf(stderr, "%s:%d: %s\n", where.file, where.line, msg);
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
        craft_fail("%s: '%s' is not a number from 0 to %" PRIu64, key, s, max);
    return (uint32_t)v;
}

static double need_time(const char *s)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || *end || end == s || v < 0)
        craft_fail("'%s' is not a time in seconds", s);
    return v;
}

static void parse_ip(const char *s, struct craft_addr *a)
{
    memset(a, 0, sizeof *a);
    if (inet_pton(AF_INET, s, a->a) == 1)
        a->family = AF_INET;
    else if (inet_pton(AF_INET6, s, a->a) == 1)
        a->family = AF_INET6;
    else
        craft_fail("'%s' is not an IPv4 or IPv6 address", s);
}

/* ADDR:PORT or [ADDR6]:PORT */
static void parse_hostport(const char *s, struct craft_addr *a, uint16_t *port)
{
    char buf[128];
    const char *colon;
    size_t n;

    if (*s == '[') {
        const char *close = strchr(s, ']');
        if (!close || close[1] != ':')
            craft_fail("'%s': write an IPv6 address and port as [ADDR]:PORT", s);
        n = (size_t)(close - s - 1);
        colon = close + 1;
        if (n >= sizeof buf)
            craft_fail("'%s': address too long", s);
        memcpy(buf, s + 1, n);
    } else {
        colon = strrchr(s, ':');
        if (!colon)
            craft_fail("'%s': expected ADDR:PORT", s);
        n = (size_t)(colon - s);
        if (n >= sizeof buf)
            craft_fail("'%s': address too long", s);
        memcpy(buf, s, n);
    }
    buf[n] = '\0';
    parse_ip(buf, a);
    if (a->family == AF_INET6 && *s != '[')
        craft_fail("'%s': write an IPv6 address and port as [ADDR]:PORT", s);
    *port = (uint16_t)need_u32("port", colon + 1, 65535);
}

static void parse_mac(const char *s, uint8_t mac[6])
{
    unsigned v[6];
    char end;

    if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &end) != 6)
        craft_fail("'%s' is not an Ethernet address like 02:00:00:00:00:01", s);
    for (int k = 0; k < 6; k++)
        mac[k] = (uint8_t)v[k];
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
            craft_fail("missing ')' in {...}");
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
    craft_fail("unexpected '%c' in {...}: use numbers, i, + - * / %% and parentheses", *e->p ? *e->p : '?');
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
            craft_fail("division by zero in {...}");
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
                craft_fail("'{' without '}'");
            len = (size_t)(close - src - 1);
            if (len >= sizeof inner)
                craft_fail("{...} too long");
            memcpy(inner, src + 1, len);
            inner[len] = '\0';
            e.p = inner;
            e.i = i;
            v = expr_sum(&e);
            expr_ws(&e);
            if (*e.p)
                craft_fail("unexpected '%s' in {%s}", e.p, inner);
            snprintf(num, sizeof num, "%ld", v);
            len = strlen(num);
            if (n + len >= size)
                craft_fail("line too long after substitution");
            memcpy(dst + n, num, len);
            n += len;
            src = close + 1;
        } else {
            if (n + 1 >= size)
                craft_fail("line too long after substitution");
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
            craft_fail("too many words on one line");
        tok[n++] = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') {
            if (*p == '"') {
                char *q = strchr(p + 1, '"');
                if (!q)
                    craft_fail("unterminated \"");
                p = q;
            }
            p++;
        }
        if (*p)
            *p++ = '\0';
    }
    return n;
}

/* ---- segments ---- */

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
        craft_fail("%s: '%s' is not an even number of hex digits", key, s);
    for (; *s; s += 2) {
        int hi = hexval(s[0]), lo = hexval(s[1]);
        if (hi < 0 || lo < 0)
            craft_fail("%s: '%c%c' is not a hex byte", key, s[0], s[1]);
        if (n == max)
            craft_fail("%s: too many bytes", key);
        out[n++] = (uint8_t)(hi << 4 | lo);
    }
    return n;
}

static struct flow *find_flow(const struct craft_addr *src, uint16_t sport, const struct craft_addr *dst,
                              uint16_t dport, bool create)
{
    for (int k = 0; k < nflows; k++) {
        struct flow *f = &flows[k];
        if (f->sport == sport && f->dport == dport && craft_addr_eq(&f->src, src)
            && craft_addr_eq(&f->dst, dst))
            return f;
    }
    if (!create)
        return NULL;
    if (nflows == MAX_FLOWS)
        craft_fail("more than %d directions of traffic", MAX_FLOWS);
    struct flow *f = &flows[nflows++];
    memset(f, 0, sizeof *f);
    f->src = *src; f->dst = *dst; f->sport = sport; f->dport = dport;
    /* The first sequence number: the endpoint's isn= when it is one of the two. */
    if (client.set && client.port == sport && craft_addr_eq(&client.ip, src) && client.isn_set)
        f->nxt = client.isn;
    else if (server.set && server.port == sport && craft_addr_eq(&server.ip, src) && server.isn_set)
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
            craft_fail("%s: '%s' is not +N or -N", key, v);
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
        case 'F': bit = CRAFT_FIN; break;
        case 'S': bit = CRAFT_SYN; break;
        case 'R': bit = CRAFT_RST; break;
        case 'P': bit = CRAFT_PSH; break;
        case 'A': bit = CRAFT_ACK; break;
        case 'U': bit = CRAFT_URG; break;
        case 'E': bit = CRAFT_ECE; break;
        case 'C': bit = CRAFT_CWR; break;
        default:
            craft_fail("flag '%c': flags are letters from S F R P A U E C, or '-' for none", *s);
            return 0;
        }
        if (f & bit)
            craft_fail("flag '%c' given twice", *s);
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
        craft_fail("ext6: '%s' too long", s);
    strcpy(buf, s);
    for (w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        if (strcmp(w, "hop") == 0) ext |= CRAFT_EXT_HOP;
        else if (strcmp(w, "dst") == 0) ext |= CRAFT_EXT_DST;
        else if (strcmp(w, "rt") == 0) ext |= CRAFT_EXT_RT;
        else craft_fail("ext6: '%s' is not one of hop, dst, rt", w);
    }
    return ext;
}

/* TIME: seconds after start, or +DELTA after the previous frame. */
static double frame_time(const char *ts)
{
    double t;

    if (ts[0] == '+') {
        if (!any_frame)
            craft_fail("the first segment needs an absolute time");
        return last_time + need_time(ts + 1);
    }
    t = need_time(ts);
    if (any_frame && t < last_time)
        craft_fail("time %s goes back before the previous segment (%.6f)", ts, last_time);
    return t;
}

/* The first caplen bytes of a frame of len bytes, at time t. */
static void write_frame(const uint8_t *data, size_t caplen, size_t len, double t)
{
    double abs_t = start_time + t;

    if (!writer_open) {
        craft_open(&writer, out_path, linktype);
        writer_open = true;
    }
    craft_write(&writer, data, caplen, len, (uint64_t)(abs_t * 1e6 + 0.5));
    last_time = t;
    any_frame = true;
}

/* The identification of the next IPv4 header. */
static uint16_t next_ip_id(void)
{
    return ip_id_fixed >= 0 ? (uint16_t)ip_id_fixed : ip_id++;
}

/* TIME raw HEX|- [origlen=N]: a frame of exactly these bytes. */
static void raw_frame(char **tok, int n)
{
    static uint8_t data[CRAFT_MAX_FRAME];
    double t = frame_time(tok[0]);
    size_t len = 0, orig;

    if (n < 3 || n > 4)
        craft_fail("raw: write 'TIME raw HEX [origlen=N]' ('-' for no bytes)");
    if (strcmp(tok[2], "-") != 0)
        len = parse_hex("raw", tok[2], data, sizeof data);
    orig = len;
    if (n == 4) {
        if (strncmp(tok[3], "origlen=", 8) != 0)
            craft_fail("raw: unknown '%s' (origlen=N)", tok[3]);
        orig = need_u32("origlen", tok[3] + 8, CRAFT_MAX_FRAME);
    }
    write_frame(data, len, orig, t);
}

static void segment(char **tok, int n)
{
    const char *dir = tok[1];
    double t = frame_time(tok[0]);
    bool c2s;
    struct endpoint *from, *to;
    struct craft_addr src, dst;
    uint16_t sport, dport;
    uint8_t flags, opts[40];
    size_t optlen = 0;
    uint8_t payload[CRAFT_MAX_FRAME];
    size_t plen = 0;
    bool have_len = false, have_data = false, bad_cksum = false, track = true;
    const char *seq_s = NULL, *ack_s = NULL;
    uint32_t win = 64240, urg = 0, ttl = 64;
    int ext = ext6, doff = -1, iplen = -1;
    long caplen = -1;
    struct flow *f, *rev;
    uint32_t seq, ack = 0;

    if (strcmp(dir, "c>s") == 0) c2s = true;
    else if (strcmp(dir, "s>c") == 0) c2s = false;
    else craft_fail("direction '%s': write c>s or s>c", dir);
    if (n < 3)
        craft_fail("a segment needs TIME DIR FLAGS");
    flags = parse_flags(tok[2]);
    from = c2s ? &client : &server;
    to = c2s ? &server : &client;
    if (!from->set || !to->set)
        craft_fail("declare 'client ADDR:PORT' and 'server ADDR:PORT' before the first segment");
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
                craft_fail("data: write data=\"TEXT\"");
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
                craft_fail("cksum: only cksum=bad");
            bad_cksum = true;
        } else if (strcmp(key, "track") == 0 && val) {
            if (strcmp(val, "no") != 0)
                craft_fail("track: only track=no");
            track = false;
        } else if (strcmp(key, "mss") == 0 && val) {
            uint32_t v = need_u32("mss", val, 65535);
            if (optlen + 4 > sizeof opts) craft_fail("more than 40 bytes of options");
            opts[optlen++] = 2; opts[optlen++] = 4; opts[optlen++] = v >> 8; opts[optlen++] = v & 0xff;
        } else if (strcmp(key, "ws") == 0 && val) {
            uint32_t v = need_u32("ws", val, 255);
            if (optlen + 4 > sizeof opts) craft_fail("more than 40 bytes of options");
            opts[optlen++] = 1; opts[optlen++] = 3; opts[optlen++] = 3; opts[optlen++] = (uint8_t)v;
        } else if (strcmp(key, "sackok") == 0 && !val) {
            if (optlen + 2 > sizeof opts) craft_fail("more than 40 bytes of options");
            opts[optlen++] = 4; opts[optlen++] = 2;
        } else if (strcmp(key, "ts") == 0 && val) {
            char *colon = strchr(val, ':');
            uint32_t tv, te;
            if (!colon) craft_fail("ts: write ts=VAL:ECR");
            *colon = '\0';
            tv = need_u32("ts", val, 0xffffffffull);
            te = need_u32("ts", colon + 1, 0xffffffffull);
            if (optlen + 12 > sizeof opts) craft_fail("more than 40 bytes of options");
            opts[optlen++] = 1; opts[optlen++] = 1; opts[optlen++] = 8; opts[optlen++] = 10;
            for (int b = 3; b >= 0; b--) opts[optlen++] = (uint8_t)(tv >> (8 * b));
            for (int b = 3; b >= 0; b--) opts[optlen++] = (uint8_t)(te >> (8 * b));
        } else if (strcmp(key, "tfo") == 0) {
            uint8_t cookie[16];
            size_t cl = val ? parse_hex("tfo", val, cookie, sizeof cookie) : 0;
            if (val && (cl < 4 || cl > 16))
                craft_fail("tfo: a cookie has 4 to 16 bytes (RFC 7413)");
            if (optlen + 2 + cl > sizeof opts) craft_fail("more than 40 bytes of options");
            opts[optlen++] = 34; opts[optlen++] = (uint8_t)(2 + cl);
            memcpy(opts + optlen, cookie, cl);
            optlen += cl;
        } else if (strcmp(key, "opt") == 0 && val) {
            optlen += parse_hex("opt", val, opts + optlen, sizeof opts - optlen);
        } else if (strcmp(key, "doff") == 0 && val) doff = (int)need_u32("doff", val, 15);
        else if (strcmp(key, "iplen") == 0 && val) iplen = (int)need_u32("iplen", val, 65535);
        else if (strcmp(key, "caplen") == 0 && val) caplen = need_u32("caplen", val, CRAFT_MAX_FRAME);
        else {
            craft_fail("unknown segment key '%s%s' (seq= ack= len= data= win= urg= ttl= src= dst= "
                 "mss= ws= sackok ts= tfo tfo= opt= ext6= cksum=bad track=no doff= iplen= caplen=)",
                 key, val ? "=" : "");
        }
    }
    if (have_len && have_data)
        craft_fail("give len= or data=, not both");
    if (src.family != dst.family)
        craft_fail("source and destination are not of the same address family");
    if (ext && src.family != AF_INET6)
        craft_fail("ext6 applies to IPv6 only");

    f = find_flow(&src, sport, &dst, dport, true);
    rev = find_flow(&dst, dport, &src, sport, true);
    if (!seq_s) seq = f->nxt;
    else if (strcmp(seq_s, "last") == 0) {
        if (!f->sent) craft_fail("seq=last: nothing sent yet in this direction");
        seq = f->last_seq;
    } else if (strcmp(seq_s, "rand") == 0) seq = rnd32();
    else seq = rel_value("seq", seq_s, f->nxt);
    if (ack_s) ack = rel_value("ack", ack_s, rev->nxt);
    else if (flags & CRAFT_ACK) ack = rev->nxt;

    /* Advance this direction (not for track=no: an injected segment). */
    if (track) {
        uint32_t end = seq + (uint32_t)plen + ((flags & CRAFT_SYN) ? 1 : 0) + ((flags & CRAFT_FIN) ? 1 : 0);
        if (flags & CRAFT_SYN)
            f->nxt = end;
        else if (!(flags & CRAFT_RST) && (int32_t)(end - f->nxt) > 0)
            f->nxt = end;
        f->last_seq = seq;
        f->sent = true;
    }

    struct craft_frame fr = {
        .linktype = linktype, .vlan = vlan_id, .tunnel = tunnel,
        .ip = { .src = src, .dst = dst, .ttl = (uint8_t)ttl, .frag = CRAFT_DF, .ext6 = ext, .length = iplen },
        .tcp = { .sport = sport, .dport = dport, .seq = seq, .ack = ack, .flags = flags,
                 .win = (uint16_t)win, .urg = (uint16_t)urg, .opts = opts, .optlen = optlen,
                 .payload = payload, .plen = plen, .doff = doff,
                 .cksum = bad_cksum ? CRAFT_CKSUM_BAD : CRAFT_CKSUM_GOOD },
    };
    static struct craft_buf frame;

    if (src.family == AF_INET)
        fr.ip.id = next_ip_id();
    if (tunnel) {
        fr.outer = (struct craft_ip){ .src = c2s ? tun_a : tun_b, .dst = c2s ? tun_b : tun_a,
                                      .ttl = 64, .frag = CRAFT_DF, .length = -1 };
        if (tun_a.family == AF_INET)
            fr.outer.id = next_ip_id();
    }
    memcpy(fr.mac_src, mac_fixed ? mac_src : c2s ? mac_client : mac_server, 6);
    memcpy(fr.mac_dst, mac_fixed ? mac_dst : c2s ? mac_server : mac_client, 6);
    craft_build(&frame, &fr);
    write_frame(frame.d, caplen >= 0 ? (size_t)caplen : frame.n, frame.n, t);
}

static void directive(char **tok, int n)
{
    const char *w = tok[0];

    if (strcmp(w, "link") == 0) {
        if (n != 2) craft_fail("link: write 'link ethernet' or 'link raw'");
        if (any_frame) craft_fail("link: set the link type before the first segment");
        if (strcmp(tok[1], "ethernet") == 0) linktype = DLT_EN10MB;
        else if (strcmp(tok[1], "raw") == 0) linktype = DLT_RAW;
        else craft_fail("link: '%s' is not ethernet or raw", tok[1]);
    } else if (strcmp(w, "vlan") == 0) {
        if (n != 2) craft_fail("vlan: write 'vlan ID' or 'vlan off'");
        if (strcmp(tok[1], "off") == 0) vlan_id = -1;
        else vlan_id = (int)need_u32("vlan", tok[1], 4094);
        if (vlan_id >= 0 && linktype != DLT_EN10MB) craft_fail("vlan needs 'link ethernet'");
    } else if (strcmp(w, "mac") == 0) {
        mac_fixed = n == 3;
        if (mac_fixed) {
            parse_mac(tok[1], mac_src);
            parse_mac(tok[2], mac_dst);
        } else if (n != 2 || strcmp(tok[1], "off") != 0) {
            craft_fail("mac: write 'mac SRC DST' or 'mac off'");
        }
    } else if (strcmp(w, "ipid") == 0) {
        if (n != 2) craft_fail("ipid: write 'ipid N' or 'ipid auto'");
        ip_id_fixed = strcmp(tok[1], "auto") == 0 ? -1 : (int)need_u32("ipid", tok[1], 65535);
    } else if (strcmp(w, "tunnel") == 0) {
        if (n == 2 && strcmp(tok[1], "off") == 0) {
            tunnel = CRAFT_TUNNEL_NONE;
            return;
        }
        if (n != 4) craft_fail("tunnel: write 'tunnel gre|ipip OUTER_A OUTER_B' or 'tunnel off'");
        if (strcmp(tok[1], "gre") == 0) tunnel = CRAFT_TUNNEL_GRE;
        else if (strcmp(tok[1], "ipip") == 0) tunnel = CRAFT_TUNNEL_IPIP;
        else craft_fail("tunnel: '%s' is not gre or ipip", tok[1]);
        parse_ip(tok[2], &tun_a);
        parse_ip(tok[3], &tun_b);
        if (tun_a.family != tun_b.family) craft_fail("tunnel: both outer addresses of one family");
    } else if (strcmp(w, "ext6") == 0) {
        if (n != 2) craft_fail("ext6: write 'ext6 hop,dst,rt' (any of them) or 'ext6 off'");
        ext6 = parse_ext6(tok[1]);
    } else if (strcmp(w, "start") == 0) {
        if (n != 2) craft_fail("start: write 'start EPOCH_SECONDS'");
        if (any_frame) craft_fail("start: before the first segment");
        start_time = need_time(tok[1]);
    } else if (strcmp(w, "seed") == 0) {
        if (n != 2) craft_fail("seed: write 'seed N'");
        rng_state = need_u32("seed", tok[1], 0xffffffffull);
    } else if (strcmp(w, "client") == 0 || strcmp(w, "server") == 0) {
        struct endpoint *e = (w[0] == 'c') ? &client : &server;
        if (n < 2 || n > 3) craft_fail("%s: write '%s ADDR:PORT [isn=N]'", w, w);
        if (any_frame) craft_fail("%s: declare the endpoints before the first segment", w);
        memset(e, 0, sizeof *e);
        parse_hostport(tok[1], &e->ip, &e->port);
        e->set = true;
        if (n == 3) {
            if (strncmp(tok[2], "isn=", 4) != 0) craft_fail("%s: unknown '%s' (isn=N)", w, tok[2]);
            e->isn = strcmp(tok[2] + 4, "rand") == 0 ? rnd32() : need_u32("isn", tok[2] + 4, 0xffffffffull);
        } else {
            e->isn = rnd32();
        }
        e->isn_set = true;
    } else if (strcmp(w, "expect") == 0) {
        if (!any_frame) craft_fail("expect: comes after the segment it describes");
        if (expect_out) {
            fprintf(expect_out, "%" PRIu64 "\t%d", writer.frames, where.line);
            for (int k = 1; k < n; k++)
                fprintf(expect_out, "%s%s", k == 1 ? "\t" : " ", tok[k]);
            fputc('\n', expect_out);
        }
    } else {
        craft_fail("unknown line '%s' (link vlan mac tunnel ext6 ipid start seed client server expect "
             "repeat, a segment: TIME c>s|s>c FLAGS ..., or TIME raw HEX)", w);
    }
}

static void one_line(const char *text)
{
    char copy[MAX_LINE], *tok[MAX_TOK];
    int n;

    if (strlen(text) >= sizeof copy)
        craft_fail("line too long");
    strcpy(copy, text);
    n = tokenize(copy, tok);
    if (n == 0)
        return;
    if (isdigit((unsigned char)tok[0][0]) || tok[0][0] == '+') {
        if (n < 2)
            craft_fail("a segment needs TIME DIR FLAGS");
        if (strcmp(tok[1], "raw") == 0)
            raw_frame(tok, n);
        else
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
        craft_fail("repeat: write 'repeat N { LINE }' with N from 0 to 1000000");
    p = end;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p != '{')
        craft_fail("repeat: '{' expected after the count");
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
    craft_error = scenario_error;
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
            craft_fail("line longer than %d characters", MAX_LINE - 2);
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
                    craft_fail("repeat inside repeat is not supported");
            }
            if (nbody == MAX_BODY)
                craft_fail("a repeat block holds at most %d lines", MAX_BODY);
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
                craft_fail("repeat: write 'repeat N { LINE }' on one line, or 'repeat N {' ... '}'");
            }
            continue;
        }
        one_line(line);
    }
    if (nbody >= 0) {
        where.line = block_line;
        craft_fail("repeat block not closed with '}'");
    }
    fclose(in);
    if (!writer_open) /* a capture without frames */
        craft_open(&writer, out_path, linktype);
    craft_close(&writer);
    if (expect_out && fclose(expect_out) != 0) {
        fprintf(stderr, "%s: %s\n", argv[3], strerror(errno));
        return 1;
    }
    return 0;
}
