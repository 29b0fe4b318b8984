/* SPDX-License-Identifier: Apache-2.0 */
/*
 * map.h - open-addressing hash tables for the hot path.
 *
 * bt_strmap interns byte strings: each distinct key gets a dense uint32 id
 * (0, 1, 2, ... in insertion order) and a NUL-terminated copy in an arena, so
 * identifiers, event types and team names are compared as integers after one
 * look-up.  bt_u64map maps 64-bit keys (hashes, row ids) to uint32 values.
 * Both use linear probing over a power-of-two slot array kept at most 70%
 * full; neither supports deletion (the owners rebuild instead).
 */
#ifndef BT_UTIL_MAP_H
#define BT_UTIL_MAP_H

#include "util/arena.h"

#include <stddef.h>
#include <stdint.h>

uint64_t bt_hash64(const void *p, size_t n);

struct bt_strmap_entry {
	const char *key; /* NUL-terminated, in the map's arena */
	uint32_t len;
	uint32_t hash;
};

struct bt_strmap {
	uint64_t *slots; /* 0 = empty, else hash << 32 | (entry id + 1): a mismatch
			  * is rejected without touching the entry */
	uint32_t mask;
	struct bt_strmap_entry *entries;
	uint32_t count, cap;
	struct bt_arena arena;
};

void bt_strmap_init(struct bt_strmap *m);
void bt_strmap_release(struct bt_strmap *m);
/* The id of key s[0..n), or -1 when absent. */
int64_t bt_strmap_find(const struct bt_strmap *m, const char *s, size_t n);
/* The id of s[0..n), adding it when absent (then *added = 1).  Returns the
 * id (>= 0) or BT_ENOMEM / BT_ELIMIT. */
int64_t bt_strmap_intern(struct bt_strmap *m, const char *s, size_t n, int *added);
static inline const char *bt_strmap_key(const struct bt_strmap *m, uint32_t id)
{
	return m->entries[id].key;
}

struct bt_u64map {
	uint64_t *keys;
	uint32_t *vals;
	uint8_t *used;
	uint32_t mask, count;
};

/*
 * A map from strings to uint32 values that keeps only a 128-bit key of each
 * string (two independent 64-bit hashes): one cache line per look-up and no
 * string comparison, for the largest tables of the hot path (identifiers,
 * event ids).  Two different strings get the same key with probability about
 * n^2 / 2^129 — for a billion strings, 10^-21.
 */
struct bt_h128slot {
	uint64_t a, b; /* (0, 0) = empty */
	uint64_t v;
};
struct bt_h128map {
	struct bt_h128slot *s;
	uint32_t mask, count;
};
void bt_h128_key(const char *s, size_t n, uint64_t *a, uint64_t *b);
void bt_h128map_release(struct bt_h128map *m);
/* 1 and *v when the key of s[0..n) is present, else 0. */
int bt_h128map_get(const struct bt_h128map *m, const char *s, size_t n, uint32_t *v);
/* Add the key of s[0..n) with value v unless present: 1 when added, 0 when it
 * was there (*old then holds its value), or BT_ENOMEM. */
int bt_h128map_put(struct bt_h128map *m, const char *s, size_t n, uint32_t v, uint32_t *old);

/* Start loading the slot of s[0..n) into the cache (a hint: the look-up
 * that follows costs less when other work happens in between). */
static inline void bt_h128map_prefetch(const struct bt_h128map *m, const char *s, size_t n)
{
	if (m->s)
		__builtin_prefetch(&m->s[bt_hash64(s, n) & m->mask]);
}

/* A set of strings by their 128-bit keys. */
#define bt_h128set bt_h128map
#define bt_h128set_release bt_h128map_release
/* Add s[0..n): 1 when it was new, 0 when present, or BT_ENOMEM. */
static inline int bt_h128set_add(struct bt_h128map *set, const char *s, size_t n)
{
	return bt_h128map_put(set, s, n, 0, NULL);
}

void bt_u64map_init(struct bt_u64map *m);
void bt_u64map_release(struct bt_u64map *m);
/* 1 and *val when present, else 0. */
int bt_u64map_get(const struct bt_u64map *m, uint64_t key, uint32_t *val);
/* Set key to val (insert or overwrite): 0 or BT_ENOMEM. */
int bt_u64map_put(struct bt_u64map *m, uint64_t key, uint32_t val);

#endif
