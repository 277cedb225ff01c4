/* tcpstate_tap.h - what the "tcpstate" tap delivers for each analysed TCP segment.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPSTATE_TAP_H
#define TCPSTATE_TAP_H

#include <epan/address.h>
#include <epan/packet_info.h>
#include "tcpstate_core.h"

#define TCPSTATE_NO_STREAM G_MAXUINT32

/* The flags byte beyond the five the core reads (tcpstate_core.h). */
#define TCPST_URG 0x20
#define TCPST_ECE 0x40
#define TCPST_CWR 0x80

struct tcpstate_tap {
    const struct tcpst_rec *rec;    /* stored record (file scope): may be kept until the file closes */
    const struct tcpst_conn *conn;  /* its connection (valid until the file closes), or NULL */
    guint32 frame;
    guint32 stream;                 /* tcp.stream; TCPSTATE_NO_STREAM: none (a truncated header) */
    address src, dst;               /* this segment's addresses (shallow: copy to keep) */
    guint16 sport, dport;
    gboolean header;                /* the TCP header was all there: ports, flags and the rest below */
    /* The TCP header as TCP shows it (0 when it is not all there): seq and
     * ack relative to TCP's base numbers, unless TCP's preferences say raw. */
    guint32 seq, ack;
    guint32 len;                    /* payload bytes */
    guint8 flags;                   /* the flags byte: TCPST_SYN | TCPST_ACK ... */
    /* The record was made by this dissection (one pass, or the first): the
     * rest of the capture is not known yet, so no view with hindsight. (A
     * tap listener sees the frame visited already.) */
    gboolean first_pass;
};

struct tcp_analysis;

/* Fills the TCP header fields of t from hdr, the segment's (all there);
 * tcpd: TCP's data of its conversation, or NULL. */
void tcpstate_tap_header(struct tcpstate_tap *t, const packet_info *pinfo, const struct tcpst_seg *hdr,
                         const struct tcp_analysis *tcpd);

/* The connection id (struct tcpst_rec's conn) of the first TCP layer of a
 * frame already dissected, 0 when it has none. */
guint32 tcpstate_frame_conn(guint32 frame);

/* The MSL preference, seconds. */
unsigned tcpstate_msl(void);

#endif
