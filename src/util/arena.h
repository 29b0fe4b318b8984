/* SPDX-License-Identifier: Apache-2.0 */
/*
 * arena.h - bump allocation for data that lives and dies together (the
 * strings of an intern table, the records of one ingest batch).  Memory comes
 * in chunks of at least 64 KiB; nothing is freed one by one, bt_arena_release
 * frees it all and bt_arena_reset keeps the first chunk for reuse.
 */
#ifndef BT_UTIL_ARENA_H
#define BT_UTIL_ARENA_H

#include <stddef.h>

struct bt_arena_chunk;

struct bt_arena {
	struct bt_arena_chunk *head;
	size_t used; /* bytes used in head */
};

#define BT_ARENA_INIT {NULL, 0}

/* n bytes aligned to 8, or NULL when out of memory. */
void *bt_arena_alloc(struct bt_arena *a, size_t n);
/* A NUL-terminated copy of s[0..n). */
char *bt_arena_strndup(struct bt_arena *a, const char *s, size_t n);
void bt_arena_reset(struct bt_arena *a);
void bt_arena_release(struct bt_arena *a);

#endif
