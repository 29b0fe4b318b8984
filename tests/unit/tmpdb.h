/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tmpdb.h - a SQLite database in a temporary folder, for the unit tests
 * that write one (test_ingest.c, test_iofault.c): in /dev/shm when the
 * system has a tmpfs there (every commit is an fsync, and those tests
 * commit hundreds of times), else in /tmp.
 */
#ifndef BT_TEST_TMPDB_H
#define BT_TEST_TMPDB_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct tmpdb {
	char dir[64], path[128];
};

/* A new folder named for the test (e.g. "ingest"); t->path is t.db in it. */
static void tmpdb_make(struct tmpdb *t, const char *name)
{
	snprintf(t->dir, sizeof(t->dir), "%s/baton-test-%s-XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp", name);
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/t.db", t->dir);
}

/* Remove the database's files (the folder stays for the next one). */
static void tmpdb_clear(const struct tmpdb *t)
{
	static const char *const suffix[] = {"", "-wal", "-shm", ".key"};
	for (int s = 0; s < 4; s++) {
		char f[160];
		snprintf(f, sizeof(f), "%s%s", t->path, suffix[s]);
		unlink(f);
	}
}

static void tmpdb_remove(const struct tmpdb *t)
{
	tmpdb_clear(t);
	rmdir(t->dir);
}

#endif
