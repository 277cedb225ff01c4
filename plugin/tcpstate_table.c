/* tcpstate_table.c - connections by address and port pair: an open
 * addressing hash table (linear probing) whose slots hold the hash, the
 * newest connection's number and the key: in the slot itself when it is
 * short (an IPv4 pair), else its place in a byte arena. A lookup of a short
 * key reads slots only (usually one).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tcpstate_table.h"
#include "tcpstate_conn.h"

#include <stdlib.h>
#include <string.h>

#define CONN_CHUNK_BITS 10
#define CONN_CHUNK (1u << CONN_CHUNK_BITS)
#define ARENA_BITS 16
#define ARENA_CHUNK (1u << ARENA_BITS)

#define INLINE_MAX 15

struct slot {
    uint32_t hash;
    uint32_t id;                /* 0: empty */
    uint8_t  key[1 + INLINE_MAX];   /* length, then the key, then zeros; or 0xff and the
                                     * arena reference */
};

struct tcpst_table {
    struct slot *slots;
    uint32_t mask;              /* slots - 1 */
    uint32_t used;
    struct tcpst_chunks conns;  /* chunks of CONN_CHUNK */
    uint32_t nconns;
    uint8_t **arena;
    uint32_t arena_n, arena_cap, arena_pos; /* chunks in use; pointers allocated; fill of the last */
    struct tcpst_log *log;      /* every connection's segments, for the replay, and extensions */
};

uint32_t tcpst_key_hash(const void *key, size_t len)
{
    const uint8_t *p = (const uint8_t *)key;
    uint64_t h = 0x9e3779b97f4a7c15u ^ len, w;
    bool longer = len >= 8;

    /* eight bytes at a time, then the rest (the last eight again when there
     * are that many); the mix at the end spreads every bit */
    for (; len >= 8; p += 8, len -= 8) {
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdu;
        h ^= h >> 32;
    }
    if (len && longer)
        memcpy(&w, p + len - 8, 8);
    else
        for (w = 0; len; len--)
            w = w << 8 | p[len - 1];
    h = (h ^ w) * 0xc4ceb9fe1a85ec53u;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdu;
    h ^= h >> 33;
    return (uint32_t)h;
}

static struct tcpst_conn *conn_at(const struct tcpst_table *t, uint32_t id)
{
    uint32_t i = id - 1;
    return (struct tcpst_conn *)t->conns.chunk[i >> CONN_CHUNK_BITS] + (i & (CONN_CHUNK - 1));
}

struct tcpst_table *tcpst_table_new(void)
{
    struct tcpst_table *t = (struct tcpst_table *)calloc(1, sizeof *t);

    if (!t)
        return NULL;
    t->mask = 1023;
    t->slots = (struct slot *)calloc(t->mask + 1, sizeof *t->slots);
    t->log = tcpst_log_new();
    if (!t->slots || !t->log) {
        free(t->slots);
        tcpst_log_free(t->log);
        free(t);
        return NULL;
    }
    return t;
}

void tcpst_table_free(struct tcpst_table *t)
{
    if (!t)
        return;
    for (uint32_t id = 1; id <= t->nconns; id++)
        tcpst_conn_release(conn_at(t, id));
    tcpst_chunks_free(&t->conns);
    tcpst_log_free(t->log);
    for (uint32_t i = 0; i < t->arena_n; i++)
        free(t->arena[i]);
    free(t->arena);
    free(t->slots);
    free(t);
}

static const uint8_t *key_at(const struct tcpst_table *t, uint32_t ref)
{
    return t->arena[ref >> ARENA_BITS] + (ref & (ARENA_CHUNK - 1));
}

/* The key bytes a slot holds: length byte first. */
static const uint8_t *slot_key(const struct tcpst_table *t, const struct slot *s)
{
    uint32_t ref;

    if (s->key[0] != 0xff)
        return s->key;
    memcpy(&ref, s->key + 1, sizeof ref);
    return key_at(t, ref);
}

/* The slot holding key, or the empty slot where it would go. */
static struct slot *probe(const struct tcpst_table *t, const void *key, size_t len, uint32_t hash)
{
    uint32_t i = hash & t->mask;
    uint8_t q[1 + INLINE_MAX] = { 0 };  /* a short key as its slot holds it: zeros after it */

    if (len <= INLINE_MAX) {
        q[0] = (uint8_t)len;
        if (len >= 8) {                 /* two copies of a known size, no call */
            memcpy(q + 1, key, 8);
            memcpy(q + 1 + len - 8, (const uint8_t *)key + len - 8, 8);
        } else {
            memcpy(q + 1, key, len);
        }
    }
    for (;;) {
        struct slot *s = &t->slots[i];
        if (!s->id)
            return s;
        if (s->hash == hash) {
            if (len <= INLINE_MAX) {
                if (memcmp(s->key, q, sizeof q) == 0)
                    return s;
            } else {
                const uint8_t *k = slot_key(t, s);
                if (k[0] == len && memcmp(k + 1, key, len) == 0)
                    return s;
            }
        }
        i = (i + 1) & t->mask;
    }
}

struct tcpst_conn *tcpst_table_find(const struct tcpst_table *t, const void *key, size_t len,
                                    uint32_t hash)
{
    const struct slot *s;

    if (len > TCPST_KEY_MAX)
        return NULL;
    s = probe(t, key, len, hash);
    return s->id ? conn_at(t, s->id) : NULL;
}

static int grow_slots(struct tcpst_table *t)
{
    uint64_t n64 = ((uint64_t)t->mask + 1) * 2;
    uint32_t n = (uint32_t)n64;
    struct slot *old = t->slots, *ns;

    if (n64 > (UINT64_C(1) << 31))
        return -1; /* 2^31 slots at most: the mask stays a uint32_t */
    if (!(ns = (struct slot *)calloc(n, sizeof *ns)))
        return -1;
    for (uint32_t i = 0; i <= t->mask; i++) {
        if (old[i].id) {
            uint32_t j = old[i].hash & (n - 1);
            while (ns[j].id)
                j = (j + 1) & (n - 1);
            ns[j] = old[i];
        }
    }
    t->slots = ns;
    t->mask = n - 1;
    free(old);
    return 0;
}

/* Stores key in the arena; returns its reference, or UINT32_MAX. */
static uint32_t store_key(struct tcpst_table *t, const void *key, size_t len)
{
    uint8_t *p;

    if (!t->arena_n || t->arena_pos + len + 1 > ARENA_CHUNK) {
        if (t->arena_n == t->arena_cap) {
            uint32_t cap = t->arena_cap ? t->arena_cap * 2 : 16;
            uint8_t **a;
            if (cap > (UINT32_MAX >> ARENA_BITS) + 1)
                return UINT32_MAX; /* 4 GiB of keys */
            if (!(a = (uint8_t **)realloc(t->arena, cap * sizeof *a)))
                return UINT32_MAX;
            t->arena = a;
            t->arena_cap = cap;
        }
        if (!(t->arena[t->arena_n] = (uint8_t *)malloc(ARENA_CHUNK)))
            return UINT32_MAX;
        t->arena_n++;
        t->arena_pos = 0;
    }
    p = t->arena[t->arena_n - 1] + t->arena_pos;
    p[0] = (uint8_t)len;
    memcpy(p + 1, key, len);
    t->arena_pos += (uint32_t)len + 1;
    return ((t->arena_n - 1) << ARENA_BITS) | (t->arena_pos - (uint32_t)len - 1);
}

static struct tcpst_conn *new_conn(struct tcpst_table *t)
{
    if (t->nconns == UINT32_MAX - 1 ||
        !tcpst_chunks_grow(&t->conns, t->nconns, CONN_CHUNK_BITS, sizeof(struct tcpst_conn)))
        return NULL;
    t->nconns++;
    tcpst_conn_init(conn_at(t, t->nconns));
    conn_at(t, t->nconns)->id = t->nconns;
    conn_at(t, t->nconns)->log = t->log;
    return conn_at(t, t->nconns);
}

struct tcpst_conn *tcpst_table_add(struct tcpst_table *t, const void *key, size_t len,
                                   uint32_t hash)
{
    struct slot *s;
    struct tcpst_conn *c;

    if (len > TCPST_KEY_MAX)
        return NULL;
    if (((uint64_t)t->used + 1) * 4 > ((uint64_t)t->mask + 1) * 3 && grow_slots(t) != 0)
        return NULL;
    s = probe(t, key, len, hash);
    if (!s->id) {
        if (len <= INLINE_MAX) {
            s->key[0] = (uint8_t)len;
            memcpy(s->key + 1, key, len);
        } else {
            uint32_t ref = store_key(t, key, len);
            if (ref == UINT32_MAX)
                return NULL;
            s->key[0] = 0xff;
            memcpy(s->key + 1, &ref, sizeof ref);
        }
        s->hash = hash;
        t->used++;
    }
    if (!(c = new_conn(t))) {
        if (!s->id)
            t->used--; /* slot stays empty */
        return NULL;
    }
    s->id = t->nconns;
    return c;
}

struct tcpst_conn *tcpst_table_get(const struct tcpst_table *t, uint32_t id)
{
    return (t && id && id <= t->nconns) ? conn_at(t, id) : NULL;
}

uint32_t tcpst_table_count(const struct tcpst_table *t)
{
    return t->nconns;
}

size_t tcpst_table_bytes(const struct tcpst_table *t)
{
    size_t chunks = (t->nconns + CONN_CHUNK - 1) >> CONN_CHUNK_BITS;
    return sizeof *t + (size_t)(t->mask + 1) * sizeof *t->slots +
           t->conns.cap * sizeof *t->conns.chunk + chunks * CONN_CHUNK * sizeof(struct tcpst_conn) +
           t->arena_cap * sizeof *t->arena + (size_t)t->arena_n * ARENA_CHUNK + tcpst_log_bytes(t->log);
}
