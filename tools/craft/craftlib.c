/* craftlib.c - builds TCP frames and writes them to a pcap file (see craftlib.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "craftlib.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_error(const char *msg)
{
    fprintf(stderr, "%s\n", msg);
    exit(1);
}

void (*craft_error)(const char *msg) = print_error;

void craft_fail(const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    craft_error(msg);
    exit(1); /* craft_error must not return */
}

bool craft_addr_eq(const struct craft_addr *x, const struct craft_addr *y)
{
    return x->family == y->family && memcmp(x->a, y->a, 16) == 0;
}

/* ---- bytes ---- */

void craft_put(struct craft_buf *b, const void *p, size_t n)
{
    if (b->n + n > sizeof b->d)
        craft_fail("frame larger than %d bytes", CRAFT_MAX_FRAME);
    memcpy(b->d + b->n, p, n);
    b->n += n;
}

void craft_put8(struct craft_buf *b, uint8_t v) { craft_put(b, &v, 1); }
void craft_put16(struct craft_buf *b, uint16_t v) { uint8_t x[2] = { v >> 8, v & 0xff }; craft_put(b, x, 2); }
void craft_put32(struct craft_buf *b, uint32_t v) { craft_put16(b, v >> 16); craft_put16(b, v & 0xffff); }
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

/* ---- headers ---- */

/* IPv6 extension headers in front of proto; returns the first next-header value. */
static uint8_t ext6_headers(struct craft_buf *e, int ext, uint8_t proto, const struct craft_addr *dst)
{
    static const int order[3] = { CRAFT_EXT_HOP, CRAFT_EXT_DST, CRAFT_EXT_RT };
    static const uint8_t codes[3] = { 0, 60, 43 };
    int present[3], count = 0;

    for (int k = 0; k < 3; k++)
        if (ext & order[k])
            present[count++] = k;
    for (int k = 0; k < count; k++) {
        uint8_t next = (k + 1 < count) ? codes[present[k + 1]] : proto;
        if (order[present[k]] == CRAFT_EXT_RT) {
            /* Type 0 routing header, one address, no segment left:
             * the destination stays the final one. */
            craft_put8(e, next); craft_put8(e, 2); craft_put8(e, 0); craft_put8(e, 0); craft_put32(e, 0);
            craft_put(e, dst->a, 16);
        } else {
            /* Options header of 8 bytes: one PadN option. */
            craft_put8(e, next); craft_put8(e, 0); craft_put8(e, 1); craft_put8(e, 4); craft_put32(e, 0);
        }
    }
    return count ? codes[present[0]] : proto;
}

/* An IP header (v4, or v6 with extension headers) in front of payload. */
static void ip_packet(struct craft_buf *out, const struct craft_ip *h, uint8_t proto,
                      const uint8_t *payload, size_t plen)
{
    if (h->src.family != h->dst.family)
        craft_fail("source and destination are not of the same address family");
    if (h->src.family == AF_INET) {
        size_t start = out->n;
        if (plen + 20 > 65535)
            craft_fail("IPv4 packet too long");
        craft_put8(out, 0x45); craft_put8(out, 0);
        craft_put16(out, (uint16_t)(h->length >= 0 ? (size_t)h->length : 20 + plen));
        craft_put16(out, h->id); craft_put16(out, h->frag); craft_put8(out, h->ttl); craft_put8(out, proto);
        craft_put16(out, 0); craft_put(out, h->src.a, 4); craft_put(out, h->dst.a, 4);
        set16(out->d + start + 10, fold(sum16(0, out->d + start, 20)));
    } else {
        struct craft_buf e;
        uint8_t first;

        e.n = 0;
        first = ext6_headers(&e, h->ext6, proto, &h->dst);
        if (e.n + plen > 65535)
            craft_fail("IPv6 payload too long");
        craft_put32(out, 0x60000000u);
        craft_put16(out, (uint16_t)(h->length >= 0 ? (size_t)h->length : e.n + plen));
        craft_put8(out, first); craft_put8(out, h->ttl);
        craft_put(out, h->src.a, 16); craft_put(out, h->dst.a, 16);
        craft_put(out, e.d, e.n);
    }
    craft_put(out, payload, plen);
}

static uint16_t tcp_checksum(const struct craft_ip *h, const uint8_t *seg, size_t n)
{
    uint32_t s = 0;
    uint8_t len[4] = { (uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n };
    size_t alen = h->src.family == AF_INET ? 4 : 16;

    s = sum16(s, h->src.a, alen);
    s = sum16(s, h->dst.a, alen);
    s = sum16(s, len, 4);
    s += 6;
    return fold(sum16(s, seg, n));
}

static void tcp_segment(struct craft_buf *seg, const struct craft_tcp *t, const struct craft_ip *h)
{
    static const uint8_t zeros[3];
    size_t pad = (4 - t->optlen % 4) % 4, hlen = 20 + t->optlen + pad;
    uint16_t ck;

    if (t->optlen > 40)
        craft_fail("more than 40 bytes of options");
    craft_put16(seg, t->sport); craft_put16(seg, t->dport);
    craft_put32(seg, t->seq); craft_put32(seg, t->ack);
    craft_put8(seg, (uint8_t)((t->doff >= 0 ? (size_t)t->doff : hlen / 4) << 4)); craft_put8(seg, t->flags);
    craft_put16(seg, t->win); craft_put16(seg, 0); craft_put16(seg, t->urg);
    craft_put(seg, t->opts, t->optlen);
    craft_put(seg, zeros, pad); /* end of option list, then padding */
    craft_put(seg, t->payload, t->plen);
    if (t->cksum == CRAFT_CKSUM_ZERO)
        return;
    ck = tcp_checksum(h, seg->d, seg->n);
    set16(seg->d + 16, t->cksum == CRAFT_CKSUM_BAD ? (uint16_t)(ck ^ 0x5a5a) : ck);
}

void craft_build(struct craft_buf *out, const struct craft_frame *f)
{
    static struct craft_buf seg, ip, inner; /* 64 KiB each: reused */
    const struct craft_ip *outer_ip = f->tunnel ? &f->outer : &f->ip;

    seg.n = ip.n = 0;
    tcp_segment(&seg, &f->tcp, &f->ip);
    ip_packet(&ip, &f->ip, 6, seg.d, seg.n);
    if (f->tunnel) {
        bool v6 = f->ip.src.family == AF_INET6;
        uint8_t proto = 47;
        inner.n = 0;
        if (f->tunnel == CRAFT_TUNNEL_GRE) {
            craft_put16(&inner, 0); craft_put16(&inner, v6 ? 0x86dd : 0x0800);
        } else {
            proto = v6 ? 41 : 4;
        }
        craft_put(&inner, ip.d, ip.n);
        ip.n = 0;
        ip_packet(&ip, &f->outer, proto, inner.d, inner.n);
    }
    out->n = 0;
    if (f->linktype == DLT_EN10MB) {
        craft_put(out, f->mac_dst, 6);
        craft_put(out, f->mac_src, 6);
        if (f->vlan >= 0) {
            craft_put16(out, 0x8100);
            craft_put16(out, (uint16_t)f->vlan);
        }
        craft_put16(out, outer_ip->src.family == AF_INET6 ? 0x86dd : 0x0800);
    }
    craft_put(out, ip.d, ip.n);
}

/* ---- the capture file ---- */

void craft_open(struct craft_writer *w, const char *path, int linktype)
{
    w->frames = 0;
    w->dead = pcap_open_dead(linktype, CRAFT_MAX_FRAME);
    if (!w->dead)
        craft_fail("pcap_open_dead failed");
    w->dumper = pcap_dump_open(w->dead, path);
    if (!w->dumper)
        craft_fail("%s", pcap_geterr(w->dead));
}

void craft_write(struct craft_writer *w, const uint8_t *data, size_t caplen, size_t len, uint64_t us)
{
    struct pcap_pkthdr h;

    if (caplen > len)
        craft_fail("captured length %zu larger than the frame (%zu bytes)", caplen, len);
    h.ts.tv_sec = (time_t)(us / 1000000u);
    h.ts.tv_usec = (suseconds_t)(us % 1000000u);
    h.caplen = (bpf_u_int32)caplen;
    h.len = (bpf_u_int32)len;
    pcap_dump((u_char *)w->dumper, &h, data);
    w->frames++;
}

void craft_close(struct craft_writer *w)
{
    if (pcap_dump_flush(w->dumper) != 0)
        craft_fail("writing the capture failed");
    pcap_dump_close(w->dumper);
    pcap_close(w->dead);
}
