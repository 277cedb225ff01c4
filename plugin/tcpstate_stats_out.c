/* tcpstate_stats_out.c - the machine-readable forms of the statistics: one
 * small writer of rows as CSV (RFC 4180 quoting) or JSON (an object whose
 * rows are an array of objects), shared by conv, ts, ss and hosts; and the
 * option words of the -z arguments.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_BUILD_DLL
#include <wireshark.h>
#include <stdio.h>
#include <string.h>

#include <wsutil/inet_addr.h>

#include "tcpstate_stats_int.h"

gboolean opt_take(const char **rest, const char *word)
{
    size_t n = strlen(word);

    if (!*rest || strncmp(*rest, word, n) != 0 || ((*rest)[n] != ',' && (*rest)[n] != '\0'))
        return FALSE;
    *rest = (*rest)[n] && (*rest)[n + 1] ? *rest + n + 1 : NULL;
    return TRUE;
}

gboolean opt_take_fmt(const char **rest, enum st_fmt *fmt)
{
    if (opt_take(rest, "csv"))
        *fmt = ST_CSV;
    else if (opt_take(rest, "json"))
        *fmt = ST_JSON;
    else
        return FALSE;
    return TRUE;
}

gboolean opt_address(const char *text, address *a, guint8 *buf)
{
    if (text && ws_inet_pton4(text, (ws_in4_addr *)buf))
        set_address(a, AT_IPv4, 4, buf);
    else if (text && ws_inet_pton6(text, (ws_in6_addr *)buf))
        set_address(a, AT_IPv6, 16, buf);
    else
        return FALSE;
    return TRUE;
}

static void json_str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c == '\n')
            fputs("\\n", stdout);
        else if (c == '\t')
            fputs("\\t", stdout);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void csv_str(const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    putchar('"');
}

void out_begin(struct st_out *o, enum st_fmt fmt, const char *const *cols, guint ncols)
{
    memset(o, 0, sizeof *o);
    o->fmt = fmt;
    o->cols = cols;
    o->ncols = ncols;
    if (fmt == ST_JSON)
        putchar('{');
}

void out_meta(struct st_out *o, const char *key, const char *str, double num)
{
    if (o->fmt != ST_JSON)
        return;
    json_str(key);
    fputs(": ", stdout);
    if (str)
        json_str(str);
    else
        printf("%.9f", num);
    fputs(", ", stdout);
}

void out_rows(struct st_out *o, const char *key)
{
    guint i;

    if (o->fmt == ST_JSON) {
        json_str(key);
        fputs(": [", stdout);
        return;
    }
    for (i = 0; i < o->ncols; i++) {
        if (i)
            putchar(',');
        csv_str(o->cols[i]);
    }
    putchar('\n');
}

void out_row(struct st_out *o)
{
    o->col = 0;
    if (o->fmt == ST_JSON)
        fputs(o->nrows ? ",\n  {" : "\n  {", stdout);
    o->nrows++;
}

/* The separator and, in JSON, the key of the next cell. */
static void out_cell(struct st_out *o)
{
    if (o->col)
        fputs(o->fmt == ST_JSON ? ", " : ",", stdout);
    if (o->fmt == ST_JSON) {
        json_str(o->col < o->ncols ? o->cols[o->col] : "");
        fputs(": ", stdout);
    }
    o->col++;
}

void out_str(struct st_out *o, const char *v)
{
    out_cell(o);
    if (!v)
        fputs(o->fmt == ST_JSON ? "null" : "", stdout);
    else if (o->fmt == ST_JSON)
        json_str(v);
    else
        csv_str(v);
}

void out_num(struct st_out *o, const char *fmt, double v)
{
    out_cell(o);
    printf(fmt, v);
}

void out_u64(struct st_out *o, guint64 v)
{
    out_cell(o);
    printf("%" G_GUINT64_FORMAT, v);
}

void out_bool(struct st_out *o, gboolean v)
{
    out_cell(o);
    fputs(o->fmt == ST_JSON ? (v ? "true" : "false") : (v ? "1" : "0"), stdout);
}

void out_row_end(struct st_out *o)
{
    fputs(o->fmt == ST_JSON ? "}" : "\n", stdout);
}

void out_end(struct st_out *o)
{
    if (o->fmt == ST_JSON)
        fputs("\n]}\n", stdout);
}
