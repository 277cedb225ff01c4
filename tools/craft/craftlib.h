/* craftlib.h - builds TCP frames and writes them to a pcap file (libpcap).
 *
 * A frame is Ethernet (with an optional 802.1Q tag) or raw IP; then IPv4 or
 * IPv6 (with extension headers), optionally inside an outer IP header (GRE or
 * IP in IP); then TCP with options. Checksums are computed unless asked not to.
 * Used by the craft command (tools/craft/craft.c) and bench/gencap.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef CRAFTLIB_H
#define CRAFTLIB_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CRAFT_FIN 0x01
#define CRAFT_SYN 0x02
#define CRAFT_RST 0x04
#define CRAFT_PSH 0x08
#define CRAFT_ACK 0x10
#define CRAFT_URG 0x20
#define CRAFT_ECE 0x40
#define CRAFT_CWR 0x80

#define CRAFT_MAX_FRAME 65535
#define CRAFT_DF 0x4000           /* IPv4 "don't fragment" */

/* IPv6 extension headers (always in this order) */
enum { CRAFT_EXT_HOP = 1, CRAFT_EXT_DST = 2, CRAFT_EXT_RT = 4 };

enum craft_cksum { CRAFT_CKSUM_GOOD, CRAFT_CKSUM_BAD, CRAFT_CKSUM_ZERO };

enum craft_tunnel { CRAFT_TUNNEL_NONE, CRAFT_TUNNEL_GRE, CRAFT_TUNNEL_IPIP };

/* Any error: prints the message and exits with status 1 unless craft_error
 * (which must not return) says otherwise. */
void craft_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
extern void (*craft_error)(const char *msg);

struct craft_addr {
    int family;                 /* AF_INET or AF_INET6 */
    uint8_t a[16];
};

bool craft_addr_eq(const struct craft_addr *x, const struct craft_addr *y);

/* A frame being built. Set n = 0 to start (the data need no clearing). */
struct craft_buf {
    uint8_t d[CRAFT_MAX_FRAME];
    size_t n;
};

void craft_put(struct craft_buf *b, const void *p, size_t n);
void craft_put8(struct craft_buf *b, uint8_t v);
void craft_put16(struct craft_buf *b, uint16_t v);
void craft_put32(struct craft_buf *b, uint32_t v);

/* One IP header; lengths and the IPv4 header checksum are computed. */
struct craft_ip {
    struct craft_addr src, dst;
    uint8_t ttl;                /* or IPv6 hop limit */
    uint16_t id;                /* IPv4 identification */
    uint16_t frag;              /* IPv4 flags and fragment offset: CRAFT_DF or 0 */
    int ext6;                   /* CRAFT_EXT_* */
    int length;                 /* IPv4 total length or IPv6 payload length
                                 * field; -1: the real one */
};

/* One TCP header; the checksum is computed (see cksum). */
struct craft_tcp {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t win, urg;
    const uint8_t *opts;        /* padded with zeros to a multiple of 4 */
    size_t optlen;              /* at most 40 */
    const uint8_t *payload;
    size_t plen;
    int doff;                   /* data offset field; -1: the real one */
    enum craft_cksum cksum;
};

/* A whole frame: link, optional tunnel, IP, TCP. */
struct craft_frame {
    int linktype;               /* DLT_EN10MB or DLT_RAW */
    uint8_t mac_src[6], mac_dst[6];
    int vlan;                   /* 802.1Q VLAN ID; -1: no tag */
    enum craft_tunnel tunnel;
    struct craft_ip outer;      /* the tunnel's header (its ext6 and length unused) */
    struct craft_ip ip;
    struct craft_tcp tcp;
};

void craft_build(struct craft_buf *out, const struct craft_frame *f);

/* A capture file being written. */
struct craft_writer {
    pcap_t *dead;
    pcap_dumper_t *dumper;
    uint64_t frames;
};

void craft_open(struct craft_writer *w, const char *path, int linktype);
/* caplen bytes of a frame of len bytes, at us microseconds since the epoch. */
void craft_write(struct craft_writer *w, const uint8_t *data, size_t caplen, size_t len, uint64_t us);
void craft_close(struct craft_writer *w);

#endif
