/* SPDX-License-Identifier: Apache-2.0 */
/* map.c - hash tables of map.h. */
#include "util/map.h"

#include "baton/error.h"
#include "util/alloc.h"

#include <string.h>

static inline uint64_t rd64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static inline uint64_t mix(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)a * b;
	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/* A multiply-mix hash over 8-byte words; quality is ample for table look-up
 * and it runs at several bytes per cycle.  Not for adversarial use: callers
 * that hash client-chosen keys into a table bound the table's size. */
static uint64_t hash_seeded(const void *data, size_t n, uint64_t seed)
{
	const unsigned char *p = data;
	uint64_t h = seed ^ (n * 0xff51afd7ed558ccdull);
	while (n >= 8) {
		h = mix(h ^ rd64(p), 0xa0761d6478bd642full);
		p += 8;
		n -= 8;
	}
	uint64_t tail = 0;
	for (size_t i = 0; i < n; i++)
		tail |= (uint64_t)p[i] << (8 * i);
	h = mix(h ^ tail, 0xe7037ed1a0b428dbull);
	return mix(h, 0x8ebc6af09c88c6e3ull);
}

uint64_t bt_hash64(const void *data, size_t n) { return hash_seeded(data, n, 0x9e3779b97f4a7c15ull); }

void bt_strmap_init(struct bt_strmap *m) { memset(m, 0, sizeof(*m)); }

void bt_strmap_release(struct bt_strmap *m)
{
	bt__free(m->slots);
	bt__free(m->entries);
	bt_arena_release(&m->arena);
	memset(m, 0, sizeof(*m));
}

static int64_t probe(const struct bt_strmap *m, const char *s, size_t n, uint32_t h, uint32_t *slot)
{
	uint32_t i = h & m->mask;
	for (;;) {
		uint64_t v = m->slots[i];
		if (!v) {
			*slot = i;
			return -1;
		}
		if ((uint32_t)(v >> 32) == h) {
			uint32_t e = (uint32_t)v;
			const struct bt_strmap_entry *en = &m->entries[e - 1];
			if (en->len == n && memcmp(en->key, s, n) == 0) {
				*slot = i;
				return e - 1;
			}
		}
		i = (i + 1) & m->mask;
	}
}

int64_t bt_strmap_find(const struct bt_strmap *m, const char *s, size_t n)
{
	uint32_t slot;
	if (!m->slots)
		return -1;
	return probe(m, s, n, (uint32_t)bt_hash64(s, n), &slot);
}

static int strmap_grow(struct bt_strmap *m)
{
	uint32_t nslots = m->slots ? (m->mask + 1) * 2 : 1024;
	if (nslots == 0)
		return BT_ELIMIT;
	uint64_t *slots = bt__calloc(nslots, sizeof(*slots));
	if (!slots)
		return BT_ENOMEM;
	for (uint32_t e = 0; e < m->count; e++) {
		uint32_t i = m->entries[e].hash & (nslots - 1);
		while (slots[i])
			i = (i + 1) & (nslots - 1);
		slots[i] = (uint64_t)m->entries[e].hash << 32 | (e + 1);
	}
	bt__free(m->slots);
	m->slots = slots;
	m->mask = nslots - 1;
	return 0;
}

int64_t bt_strmap_intern(struct bt_strmap *m, const char *s, size_t n, int *added)
{
	uint32_t h = (uint32_t)bt_hash64(s, n), slot;
	if (added)
		*added = 0;
	if (n > UINT32_MAX)
		return BT_ELIMIT;
	if (!m->slots || (uint64_t)(m->count + 1) * 10 > (uint64_t)(m->mask + 1) * 7) {
		int rc = strmap_grow(m);
		if (rc)
			return rc;
	}
	int64_t id = probe(m, s, n, h, &slot);
	if (id >= 0)
		return id;
	if (m->count == UINT32_MAX - 1)
		return BT_ELIMIT;
	if (m->count == m->cap) {
		uint32_t cap = m->cap ? m->cap * 2 : 256;
		void *p = bt__reallocarray(m->entries, cap, sizeof(*m->entries));
		if (!p)
			return BT_ENOMEM;
		m->entries = p;
		m->cap = cap;
	}
	char *key = bt_arena_strndup(&m->arena, s, n);
	if (!key)
		return BT_ENOMEM;
	m->entries[m->count] = (struct bt_strmap_entry){key, (uint32_t)n, h};
	m->slots[slot] = (uint64_t)h << 32 | (m->count + 1);
	if (added)
		*added = 1;
	return m->count++;
}

void bt_h128_key(const char *s, size_t n, uint64_t *a, uint64_t *b)
{
	*a = bt_hash64(s, n);
	*b = hash_seeded(s, n, 0x5851f42d4c957f2dull);
	if (!*a && !*b)
		*a = 1;
}

void bt_h128map_release(struct bt_h128map *m)
{
	bt__free(m->s);
	memset(m, 0, sizeof(*m));
}

static int h128_grow(struct bt_h128map *m)
{
	uint32_t n = m->s ? (m->mask + 1) * 2 : 65536;
	if (n == 0)
		return BT_ELIMIT;
	struct bt_h128slot *s = bt__calloc(n, sizeof(*s));
	if (!s)
		return BT_ENOMEM;
	for (uint32_t i = 0; m->s && i <= m->mask; i++) {
		const struct bt_h128slot *o = &m->s[i];
		if (!o->a && !o->b)
			continue;
		uint32_t j = (uint32_t)o->a & (n - 1);
		while (s[j].a || s[j].b)
			j = (j + 1) & (n - 1);
		s[j] = *o;
	}
	bt__free(m->s);
	m->s = s;
	m->mask = n - 1;
	return 0;
}

int bt_h128map_get(const struct bt_h128map *m, const char *str, size_t n, uint32_t *v)
{
	uint64_t a, b;
	if (!m->s)
		return 0;
	bt_h128_key(str, n, &a, &b);
	for (uint32_t j = (uint32_t)a & m->mask;; j = (j + 1) & m->mask) {
		const struct bt_h128slot *sl = &m->s[j];
		if (sl->a == a && sl->b == b) {
			if (v)
				*v = (uint32_t)sl->v;
			return 1;
		}
		if (!sl->a && !sl->b)
			return 0;
	}
}

int bt_h128map_put(struct bt_h128map *m, const char *str, size_t n, uint32_t v, uint32_t *old)
{
	uint64_t a, b;
	bt_h128_key(str, n, &a, &b);
	if (!m->s || (uint64_t)(m->count + 1) * 10 > (uint64_t)(m->mask + 1) * 7) {
		int rc = h128_grow(m);
		if (rc)
			return rc;
	}
	for (uint32_t j = (uint32_t)a & m->mask;; j = (j + 1) & m->mask) {
		struct bt_h128slot *sl = &m->s[j];
		if (sl->a == a && sl->b == b) {
			if (old)
				*old = (uint32_t)sl->v;
			return 0;
		}
		if (!sl->a && !sl->b) {
			sl->a = a, sl->b = b, sl->v = v;
			m->count++;
			return 1;
		}
	}
}

void bt_u64map_init(struct bt_u64map *m) { memset(m, 0, sizeof(*m)); }

void bt_u64map_release(struct bt_u64map *m)
{
	bt__free(m->keys);
	bt__free(m->vals);
	bt__free(m->used);
	memset(m, 0, sizeof(*m));
}

static inline uint32_t u64slot(uint64_t k, uint32_t mask)
{
	return (uint32_t)(mix(k, 0x9e3779b97f4a7c15ull)) & mask;
}

int bt_u64map_get(const struct bt_u64map *m, uint64_t key, uint32_t *val)
{
	if (!m->used)
		return 0;
	for (uint32_t i = u64slot(key, m->mask);; i = (i + 1) & m->mask) {
		if (!m->used[i])
			return 0;
		if (m->keys[i] == key) {
			if (val)
				*val = m->vals[i];
			return 1;
		}
	}
}

static int u64map_grow(struct bt_u64map *m)
{
	uint32_t n = m->used ? (m->mask + 1) * 2 : 1024;
	if (n == 0)
		return BT_ELIMIT;
	struct bt_u64map g = {bt__calloc(n, sizeof(uint64_t)), bt__calloc(n, sizeof(uint32_t)),
			      bt__calloc(n, 1), n - 1, 0};
	if (!g.keys || !g.vals || !g.used) {
		bt_u64map_release(&g);
		return BT_ENOMEM;
	}
	for (uint32_t i = 0; m->used && i <= m->mask; i++)
		if (m->used[i])
			bt_u64map_put(&g, m->keys[i], m->vals[i]);
	bt_u64map_release(m);
	*m = g;
	return 0;
}

int bt_u64map_put(struct bt_u64map *m, uint64_t key, uint32_t val)
{
	if (!m->used || (uint64_t)(m->count + 1) * 10 > (uint64_t)(m->mask + 1) * 7) {
		int rc = u64map_grow(m);
		if (rc)
			return rc;
	}
	uint32_t i = u64slot(key, m->mask);
	while (m->used[i] && m->keys[i] != key)
		i = (i + 1) & m->mask;
	if (!m->used[i]) {
		m->used[i] = 1;
		m->keys[i] = key;
		m->count++;
	}
	m->vals[i] = val;
	return 0;
}
