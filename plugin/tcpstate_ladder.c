/* tcpstate_ladder.c - the ladder of one connection (-z tcpstate,ladder):
 * its segments as they are tapped, with the TCP header the tap's record
 * carries, then a text diagram and, on request, the same as SVG.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_BUILD_DLL
#include <wireshark.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <math.h>
#include <epan/packet.h>

#include "tcpstate_core.h"
#include "tcpstate_tap.h"
#include "tcpstate_stats_int.h"

/* A segment of the ladder's connection, with its TCP header. */
struct lseg {
    const struct tcpst_rec *rec;
    const struct tcpst_conn *conn;
    guint32 frame;
    double t;
    guint32 seq, ack, len;
    guint8 flags;
};

struct ladder {
    guint32 stream;
    char *svg;                  /* file to write, or NULL */
    GArray *lsegs;              /* struct lseg */
};

struct ladder *ladder_new(guint32 stream, const char *svg)
{
    struct ladder *l = g_new0(struct ladder, 1);

    l->stream = stream;
    l->svg = g_strdup(svg);
    l->lsegs = g_array_new(FALSE, FALSE, sizeof(struct lseg));
    return l;
}

gboolean ladder_packet(struct ladder *l, const struct agg *a, const packet_info *pinfo,
                       const struct tcpstate_tap *t)
{
    struct lseg s;

    if (t->stream != l->stream || (t->rec->flags & TCPST_R_UNKNOWN))
        return FALSE;
    if (!agg_valid(a))
        g_array_set_size(l->lsegs, 0);
    s.rec = t->rec;
    s.conn = t->conn;
    s.frame = t->frame;
    s.t = nstime_to_sec(&pinfo->rel_ts);
    s.seq = t->seq;
    s.ack = t->ack;
    s.len = t->len;
    s.flags = t->flags;
    g_array_append_val(l->lsegs, s);
    return TRUE;
}

void ladder_reset(struct ladder *l)
{
    g_array_set_size(l->lsegs, 0);
}

void ladder_free(struct ladder *l)
{
    g_array_free(l->lsegs, TRUE);
    g_free(l->svg);
    g_free(l);
}

/* The final view of the i-th segment. */
static void lseg_view(const struct ladder *l, guint i, struct tcpst_view *v)
{
    const struct lseg *s = &g_array_index(l->lsegs, struct lseg, i);
    tcpst_view(s->rec, s->conn, s->frame, true, v);
}

/* ---- text ---------------------------------------------------------------- */

static void flag_text(char *buf, gsize n, guint8 f)
{
    static const struct { guint8 bit; const char *name; } names[] = {
        { TCPST_SYN, "SYN" }, { TCPST_FIN, "FIN" }, { TCPST_RST, "RST" }, { TCPST_PSH, "PSH" },
        { TCPST_ACK, "ACK" }, { TCPST_URG, "URG" }, { TCPST_ECE, "ECE" }, { TCPST_CWR, "CWR" },
    };
    guint i;

    buf[0] = '\0';
    for (i = 0; i < G_N_ELEMENTS(names); i++)
        if (f & names[i].bit) {
            if (buf[0])
                g_strlcat(buf, ",", n);
            g_strlcat(buf, names[i].name, n);
        }
    if (!buf[0])
        g_strlcpy(buf, "(none)", n);
}

void ladder_label(char *buf, gsize n, guint8 flags, guint32 seq, guint32 ack, guint32 len)
{
    char fl[48];

    flag_text(fl, sizeof fl, flags);
    if (flags & TCPST_ACK)
        g_snprintf(buf, n, "%s seq=%u ack=%u", fl, seq, ack);
    else
        g_snprintf(buf, n, "%s seq=%u", fl, seq);
    if (len) {
        gsize used = strlen(buf);
        g_snprintf(buf + used, n - used, " len=%u", len);
    }
}

static void seg_label(char *buf, gsize n, const struct lseg *s)
{
    ladder_label(buf, n, s->flags, s->seq, s->ack, s->len);
}

#define ARROW_W 44

static void arrow_text(char *out, const char *label, gboolean to_server)
{
    int len = (int)strlen(label), i, left;

    if (len > ARROW_W - 6)
        len = ARROW_W - 6;
    left = (ARROW_W - len - 2) / 2;
    for (i = 0; i < ARROW_W; i++)
        out[i] = '-';
    out[ARROW_W] = '\0';
    out[left] = ' ';
    memcpy(out + left + 1, label, len);
    out[left + 1 + len] = ' ';
    if (to_server)
        out[ARROW_W - 1] = '>';
    else
        out[0] = '<';
}

static void ladder_write_svg(const struct ladder *l, wmem_allocator_t *tmp, const char *cli_ep,
                             const char *srv_ep);

void ladder_draw(const struct ladder *l, struct agg *a, const char *filter)
{
    wmem_allocator_t *tmp = wmem_allocator_new(WMEM_ALLOCATOR_BLOCK);
    const struct st_conn *c = NULL;
    const char *cli_ep, *srv_ep;
    char label[96], arrow[ARROW_W + 1];
    guint i;

    printf("\n" STATS_SEP "\n");
    printf("TCP ladder diagram (tcpstate,ladder,%u)\n", l->stream);
    if (filter)
        printf("Filter: %s\n", filter);
    for (i = 0; i < a->conns->len; i++)
        if (agg_conn(a, i)->stream == l->stream) {
            c = agg_conn(a, i);
            break;
        }
    if (!c || !l->lsegs->len) {
        printf("No TCP State records for tcp.stream %u\n" STATS_SEP "\n", l->stream);
        wmem_destroy_allocator(tmp);
        return;
    }
    cli_ep = endpoint_str(tmp, &c->addr[TCPST_CLIENT], c->port[TCPST_CLIENT]);
    srv_ep = endpoint_str(tmp, &c->addr[TCPST_SERVER], c->port[TCPST_SERVER]);
    printf("States after each segment was sent and received (hindsight applied).\n\n");
    printf("%6s %10s  %-60s%-14s %s\n", "frame", "time", "client", "server", "phase");
    printf("%6s %10s  %-60s%s\n", "", "", cli_ep, srv_ep);
    {
        struct tcpst_view v0;
        lseg_view(l, 0, &v0);
        printf("%6s %10s  %-14s|%*s|  %-14s\n", "", "", tcpst_state_name(v0.before[TCPST_CLIENT]),
               ARROW_W - 2, "", tcpst_state_name(v0.before[TCPST_SERVER]));
    }
    for (i = 0; i < l->lsegs->len; i++) {
        const struct lseg *s = &g_array_index(l->lsegs, struct lseg, i);
        struct tcpst_view v;
        lseg_view(l, i, &v);
        seg_label(label, sizeof label, s);
        arrow_text(arrow, label, v.sender == TCPST_CLIENT);
        /* the arrow field replaces the two bars */
        printf("%6u %10.6f  %-14s%s  %-14s %s\n", s->frame, s->t,
               tcpst_state_name(v.after[TCPST_CLIENT]), arrow, tcpst_state_name(v.after[TCPST_SERVER]),
               tcpst_phase_name(v.phase));
    }
    printf(STATS_SEP "\n");
    if (l->svg)
        ladder_write_svg(l, tmp, cli_ep, srv_ep);
    wmem_destroy_allocator(tmp);
}

/* ---- SVG ----------------------------------------------------------------- */

/* SVG of the same ladder: one row per segment, arrows slanted downwards
 * (sent, then received a little later), states written beside each
 * lifeline where that endpoint sends or receives the segment. */
static void svg_escaped(FILE *f, const char *text)
{
    for (; *text; text++) {
        if (*text == '<') fputs("&lt;", f);
        else if (*text == '>') fputs("&gt;", f);
        else if (*text == '&') fputs("&amp;", f);
        else fputc(*text, f);
    }
}

static void svg_text(FILE *f, double x, double y, const char *anchor, const char *style, const char *text)
{
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" %s>", x, y, anchor, style);
    svg_escaped(f, text);
    fputs("</text>\n", f);
}

/* The row where role met segment i of a connection whose first segment is
 * row start: its place in role's own order, or i when not known. */
static guint order_row(const struct tcpst_view *v, unsigned role, guint start, guint i, guint n)
{
    guint32 o = v->order[role];
    return (o && start + o - 1 < n) ? start + o - 1 : i;
}

static void ladder_write_svg(const struct ladder *l, wmem_allocator_t *tmp, const char *cli_ep,
                             const char *srv_ep)
{
    const double W = 1000, XL = 330, XR = 720, TOP = 150, ROW = 58, SLANT = 34;
    const guint n = l->lsegs->len;
    const double H = TOP + ROW * n + SLANT + 50;
    static const char *phase_fill[TCPST_NUM_PHASES] = {
        "#f2f2f2", "#e3eefb", "#ffffff", "#fdeedd", "#eeeeee", "#fbe2e2" };
    FILE *f = fopen(l->svg, "w");
    struct tcpst_view v0;
    char label[96];
    guint i, start;

    if (!f) {
        fprintf(stderr, "tcpstate,ladder: cannot write %s: %s\n", l->svg, g_strerror(errno));
        return;
    }
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
               "viewBox=\"0 0 %.0f %.0f\" font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\">\n",
            W, H, W, H);
    fprintf(f, "<defs>\n"
               "<marker id=\"c2s\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"9\" markerHeight=\"9\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#1f5fa8\"/></marker>\n"
               "<marker id=\"s2c\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"9\" markerHeight=\"9\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#2e7d32\"/></marker>\n"
               "<marker id=\"rst\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"9\" markerHeight=\"9\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#c62828\"/></marker>\n"
               "</defs>\n");
    fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");

    /* phase bands */
    for (start = 0; start < n;) {
        struct tcpst_view va, vb;
        guint end = start;
        lseg_view(l, start, &va);
        while (end + 1 < n) {
            lseg_view(l, end + 1, &vb);
            if (vb.phase != va.phase)
                break;
            end++;
        }
        {
            double y0 = TOP + ROW * start - 16, y1 = TOP + ROW * end + SLANT + 16;
            fprintf(f, "<rect x=\"0\" y=\"%.1f\" width=\"%.0f\" height=\"%.1f\" fill=\"%s\"/>\n", y0, W,
                    y1 - y0, phase_fill[va.phase < TCPST_NUM_PHASES ? va.phase : 0]);
            svg_text(f, W - 12, (y0 + y1) / 2 + 5, "end",
                     "font-size=\"15\" font-style=\"italic\" fill=\"#666\"", tcpst_phase_name(va.phase));
        }
        start = end + 1;
    }

    /* headers and lifelines */
    svg_text(f, W / 2, 32, "middle", "font-size=\"20\" font-weight=\"bold\" fill=\"#222\"",
             wmem_strdup_printf(tmp, "TCP connection, tcp.stream %u", l->stream));
    svg_text(f, XL, 68, "middle", "font-size=\"18\" font-weight=\"bold\" fill=\"#1f5fa8\"", "client");
    svg_text(f, XL, 90, "middle", "font-size=\"14\" fill=\"#333\"", cli_ep);
    svg_text(f, XR, 68, "middle", "font-size=\"18\" font-weight=\"bold\" fill=\"#2e7d32\"", "server");
    svg_text(f, XR, 90, "middle", "font-size=\"14\" fill=\"#333\"", srv_ep);
    fprintf(f, "<line x1=\"%.0f\" y1=\"100\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#444\" stroke-width=\"3\"/>\n",
            XL, XL, H - 20);
    fprintf(f, "<line x1=\"%.0f\" y1=\"100\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#444\" stroke-width=\"3\"/>\n",
            XR, XR, H - 20);
    lseg_view(l, 0, &v0);
    svg_text(f, XL - 14, TOP - 26, "end", "font-size=\"15\" font-weight=\"bold\" fill=\"#333\"",
             tcpst_state_name(v0.before[TCPST_CLIENT]));
    svg_text(f, XR + 14, TOP - 26, "start", "font-size=\"15\" font-weight=\"bold\" fill=\"#333\"",
             tcpst_state_name(v0.before[TCPST_SERVER]));
    svg_text(f, 14, TOP - 26, "start", "font-size=\"12\" fill=\"#666\"", "frame  time (s)");

    for (i = 0, start = 0; i < n; i++) {
        const struct lseg *s = &g_array_index(l->lsegs, struct lseg, i);
        struct tcpst_view v;
        gboolean c2s;
        double y = TOP + ROW * i, xs, xd, ys, yd, ang;
        const char *marker, *color;
        guint role;

        lseg_view(l, i, &v);
        if (i && s->conn != g_array_index(l->lsegs, struct lseg, i - 1).conn)
            start = i;  /* a new connection on the stream: its own orders */
        c2s = v.sender == TCPST_CLIENT;
        xs = c2s ? XL : XR;
        xd = c2s ? XR : XL;
        /* each end where it met the segment, in its own order (two passes):
         * segments that crossed on the way are drawn crossing */
        ys = TOP + ROW * order_row(&v, v.sender < 2 ? v.sender : TCPST_CLIENT, start, i, n);
        yd = TOP + ROW * order_row(&v, v.sender == TCPST_CLIENT ? TCPST_SERVER : TCPST_CLIENT, start, i, n) + SLANT;
        if (s->flags & TCPST_RST) {
            marker = "rst";
            color = "#c62828";
        } else {
            marker = c2s ? "c2s" : "s2c";
            color = c2s ? "#1f5fa8" : "#2e7d32";
        }
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                   "stroke-width=\"2.5\" marker-end=\"url(#%s)\"/>\n",
                xs, ys, xd + (c2s ? -2 : 2), yd, color, marker);
        seg_label(label, sizeof label, s);
        ang = atan2(yd - ys, xd - xs) * 180.0 / G_PI;
        if (!c2s)
            ang += 180.0;
        fprintf(f, "<text transform=\"translate(%.1f,%.1f) rotate(%.2f)\" text-anchor=\"middle\" "
                   "font-size=\"15\" font-family=\"DejaVu Sans Mono, monospace\" fill=\"%s\">",
                (xs + xd) / 2, (ys + yd) / 2 - 7, ang, color);
        svg_escaped(f, label);
        fputs("</text>\n", f);
        svg_text(f, 14, y + 5, "start", "font-size=\"12\" fill=\"#666\"",
                 wmem_strdup_printf(tmp, "#%u  %.6f", s->frame, s->t));

        for (role = 0; role < 2; role++) {
            /* where this endpoint meets the segment: sending or receiving it */
            double yy = (role == v.sender ? ys : yd) + 5;
            double xx = role == TCPST_CLIENT ? XL - 14 : XR + 14;
            const char *anchor = role == TCPST_CLIENT ? "end" : "start";
            gboolean changed = v.before[role] != v.after[role];
            const char *txt = tcpst_state_name(v.after[role]);
            if (changed && v.via[role][0])
                txt = wmem_strdup_printf(tmp, "%s (via %s)", txt,
                                         tcpst_state_name(v.via[role][0]));
            svg_text(f, xx, yy, anchor,
                     changed ? "font-size=\"15\" font-weight=\"bold\" fill=\"#b33c00\""
                             : "font-size=\"14\" fill=\"#8a8a8a\"", txt);
        }
    }
    svg_text(f, W / 2, H - 6, "middle", "font-size=\"12\" fill=\"#666\"",
             "each end's state when it sent or received the segment; bold: changed by it");
    fputs("</svg>\n", f);
    fclose(f);
}
