/* tcpstate_tap.h - what the "tcpstate" tap delivers for each analysed TCP segment.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPSTATE_TAP_H
#define TCPSTATE_TAP_H

#include <epan/address.h>
#include "tcpstate_core.h"

struct tcpstate_tap {
    const struct tcpst_rec *rec;    /* stored record (file scope): may be kept until the file closes */
    const struct tcpst_conn *conn;  /* its connection (valid until the file closes), or NULL */
    guint32 frame;
    guint32 stream;                 /* tcp.stream */
    address src, dst;               /* this segment's addresses (shallow: copy to keep) */
    guint16 sport, dport;
};

/* The MSL preference, seconds. */
unsigned tcpstate_msl(void);

#endif
