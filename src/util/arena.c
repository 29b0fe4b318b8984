/* SPDX-License-Identifier: Apache-2.0 */
/* arena.c - chunked bump allocator; see arena.h. */
#include "util/arena.h"

#include "util/alloc.h"

#include <stdint.h>
#include <string.h>

#define CHUNK_MIN ((size_t)64 * 1024)

struct bt_arena_chunk {
	struct bt_arena_chunk *next;
	size_t size;
	_Alignas(16) unsigned char data[];
};

void *bt_arena_alloc(struct bt_arena *a, size_t n)
{
	n = (n + 7) & ~(size_t)7;
	if (n == 0)
		n = 8;
	if (!a->head || a->head->size - a->used < n) {
		size_t size = n > CHUNK_MIN ? n : CHUNK_MIN;
		if (size > SIZE_MAX - sizeof(struct bt_arena_chunk))
			return NULL;
		struct bt_arena_chunk *c = bt__malloc(sizeof(*c) + size);
		if (!c)
			return NULL;
		c->size = size;
		c->next = a->head;
		a->head = c;
		a->used = 0;
	}
	void *p = a->head->data + a->used;
	a->used += n;
	return p;
}

char *bt_arena_strndup(struct bt_arena *a, const char *s, size_t n)
{
	char *d = bt_arena_alloc(a, n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

void bt_arena_reset(struct bt_arena *a)
{
	if (!a->head)
		return;
	struct bt_arena_chunk *keep = a->head;
	while (keep->next) /* keep the oldest (first) chunk */
		keep = keep->next;
	struct bt_arena_chunk *c = a->head;
	while (c != keep) {
		struct bt_arena_chunk *next = c->next;
		bt__free(c);
		c = next;
	}
	a->head = keep;
	a->used = 0;
}

void bt_arena_release(struct bt_arena *a)
{
	struct bt_arena_chunk *c = a->head;
	while (c) {
		struct bt_arena_chunk *next = c->next;
		bt__free(c);
		c = next;
	}
	a->head = NULL;
	a->used = 0;
}
