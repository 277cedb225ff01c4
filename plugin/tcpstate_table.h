/* tcpstate_table.h - connections by address and port pair.
 *
 * Pure C (no glib, no epan). Connections live in chunks owned by the table,
 * numbered from 1 in creation order (tcpst_conn.id), and stay at the same address until
 * tcpst_table_free(). A key (the caller's bytes for an address and port
 * pair, the same for both directions) maps to the newest connection made
 * for it. No allocation per lookup; one chunk per 1024 connections.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPSTATE_TABLE_H
#define TCPSTATE_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "tcpstate_core.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TCPST_KEY_MAX 255       /* longest key, bytes */

struct tcpst_table;

/* NULL when out of memory. */
struct tcpst_table *tcpst_table_new(void);
void tcpst_table_free(struct tcpst_table *t);

uint32_t tcpst_key_hash(const void *key, size_t len);

/* The newest connection made for key, or NULL. */
struct tcpst_conn *tcpst_table_find(const struct tcpst_table *t, const void *key, size_t len,
                                    uint32_t hash);

/* A new connection (tcpst_conn_init done) that key now maps to; the
 * connection it replaces keeps its place. NULL when out of memory or the key
 * is longer than TCPST_KEY_MAX. */
struct tcpst_conn *tcpst_table_add(struct tcpst_table *t, const void *key, size_t len,
                                   uint32_t hash);

/* The connection numbered id (tcpst_conn.id), or NULL. */
struct tcpst_conn *tcpst_table_get(const struct tcpst_table *t, uint32_t id);

/* Connections made so far, and the bytes the table holds. */
uint32_t tcpst_table_count(const struct tcpst_table *t);
size_t tcpst_table_bytes(const struct tcpst_table *t);

#ifdef __cplusplus
}
#endif
#endif
