/* SPDX-License-Identifier: Apache-2.0 */
/*
 * place.h - a database file of its own for a test that opens it through
 * the public API, several handles at once if it likes (test_follow.c,
 * test_review.c): a fresh folder under /tmp, removed with the database's
 * files (WAL, shared memory, key file).  Include after <cmocka.h>.
 */
#ifndef BT_TEST_PLACE_H
#define BT_TEST_PLACE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "baton/baton.h"

struct place {
	char dir[64], path[128];
};

/* A new folder /tmp/baton-test-NAME-XXXXXX, and b.db in it. */
static inline void place_make(struct place *p, const char *name)
{
	snprintf(p->dir, sizeof(p->dir), "/tmp/baton-test-%s-XXXXXX", name);
	assert_non_null(mkdtemp(p->dir));
	snprintf(p->path, sizeof(p->path), "%s/b.db", p->dir);
}

static inline void place_remove(struct place *p)
{
	static const char *const ext[] = {"", "-wal", "-shm", ".key"};
	char f[160];
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		snprintf(f, sizeof(f), "%s%s", p->path, ext[i]);
		unlink(f);
	}
	rmdir(p->dir);
}

/* A writer's handle on the database at path. */
static inline struct bt_db *open_db(const char *path)
{
	struct bt_db *db = NULL;
	struct bt_err err;
	assert_int_equal(bt_db_open(&db, path, 0, &err), 0);
	return db;
}

#endif
