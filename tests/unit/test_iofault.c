/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_iofault.c - I/O errors and power loss under a durable ingest.
 *
 * A SQLite VFS of the test's own wraps the default one and counts the
 * operations that change files (write, truncate, sync).  For n = 0, 1, 2,
 * ... the n-th of them goes wrong while five batches are ingested one
 * after another, each batch acknowledged by bt_ingest_end returning 0:
 *
 *  - an I/O error: that operation and every later one fail (the disk is
 *    gone), as EIO would;
 *  - a power loss: the same (nothing more is done, nothing more can be
 *    acknowledged), and then every write not yet made durable by a sync
 *    is undone, file by file (what a machine that loses power loses).
 *
 * Then the database is opened again, on a sound disk.  It must pass
 * PRAGMA integrity_check; it must hold every batch that was acknowledged
 * (durability), and of the batch in flight all or nothing (atomicity): its
 * events are 4 × the batches it holds, each batch bringing four events of
 * its own (worked out by hand below); and ingesting all five batches again
 * must end where a run without faults ends: 20 events, 8 profiles after
 * the merges.  The loop ends at the first n that no operation reaches.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baton/baton.h"
#include "tmpdb.h"

/* ---- the faulty VFS ---- */

enum mode { SOUND, IOERR, POWERLOSS };

static struct {
	sqlite3_vfs vfs;
	sqlite3_vfs *real;
	enum mode mode;
	long countdown; /* operations left before the fault; -1: none armed */
	int hit;        /* the fault happened */
	long ops;       /* operations that changed files, in all */
} F;

/* The bytes of a file as they were at its last sync (or when first
 * written after it), to restore at a power loss. */
struct snap {
	char path[512];
	char *data;
	size_t len;
	int gone; /* the file did not exist */
};
#define MAX_SNAPS 16
static struct snap snaps[MAX_SNAPS];

struct ffile {
	sqlite3_file base;
	char path[512];
	sqlite3_file *real; /* follows this struct */
};

static struct snap *snap_find(const char *path)
{
	for (int i = 0; i < MAX_SNAPS; i++)
		if (snaps[i].path[0] && !strcmp(snaps[i].path, path))
			return &snaps[i];
	return NULL;
}

static void snap_drop(const char *path)
{
	struct snap *s = snap_find(path);
	if (s) {
		free(s->data);
		memset(s, 0, sizeof(*s));
	}
}

/* Before the first change after a sync: remember the file as it is. */
static void snap_take(const char *path)
{
	if (snap_find(path))
		return;
	for (int i = 0; i < MAX_SNAPS; i++) {
		struct snap *s = &snaps[i];
		if (s->path[0])
			continue;
		snprintf(s->path, sizeof(s->path), "%s", path);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			s->gone = 1;
			return;
		}
		off_t end = lseek(fd, 0, SEEK_END);
		s->len = end > 0 ? (size_t)end : 0;
		s->data = malloc(s->len ? s->len : 1);
		assert_non_null(s->data);
		assert_int_equal(pread(fd, s->data, s->len, 0), (ssize_t)s->len);
		close(fd);
		return;
	}
	fail_msg("more than %d files changed between syncs", MAX_SNAPS);
}

static void snaps_clear(void)
{
	for (int i = 0; i < MAX_SNAPS; i++)
		snap_drop(snaps[i].path);
}

/* The power goes: every file back to its last synced bytes. */
static void snaps_restore(void)
{
	for (int i = 0; i < MAX_SNAPS; i++) {
		struct snap *s = &snaps[i];
		if (!s->path[0])
			continue;
		if (s->gone)
			unlink(s->path);
		else {
			int fd = open(s->path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
			assert_true(fd >= 0);
			assert_int_equal(ftruncate(fd, (off_t)s->len), 0);
			assert_int_equal(pwrite(fd, s->data, s->len, 0), (ssize_t)s->len);
			close(fd);
		}
		snap_drop(s->path);
	}
}

/* 1 when this operation is the fault or comes after it. */
static int faulty(void)
{
	F.ops++;
	if (F.hit)
		return 1;
	if (F.countdown < 0)
		return 0;
	if (F.countdown-- == 0) {
		F.hit = 1;
		return 1;
	}
	return 0;
}

static int f_close(sqlite3_file *f)
{
	struct ffile *p = (struct ffile *)f;
	int rc = p->real->pMethods ? p->real->pMethods->xClose(p->real) : SQLITE_OK;
	return rc;
}

static int f_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	struct ffile *p = (struct ffile *)f;
	return p->real->pMethods->xRead(p->real, buf, n, off);
}

static int f_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	struct ffile *p = (struct ffile *)f;
	if (faulty())
		return SQLITE_IOERR_WRITE;
	snap_take(p->path);
	return p->real->pMethods->xWrite(p->real, buf, n, off);
}

static int f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	struct ffile *p = (struct ffile *)f;
	if (faulty())
		return SQLITE_IOERR_TRUNCATE;
	snap_take(p->path);
	return p->real->pMethods->xTruncate(p->real, size);
}

static int f_sync(sqlite3_file *f, int flags)
{
	struct ffile *p = (struct ffile *)f;
	if (faulty())
		return SQLITE_IOERR_FSYNC;
	int rc = p->real->pMethods->xSync(p->real, flags);
	if (rc == SQLITE_OK)
		snap_drop(p->path);
	return rc;
}

static int f_size(sqlite3_file *f, sqlite3_int64 *size)
{
	struct ffile *p = (struct ffile *)f;
	return p->real->pMethods->xFileSize(p->real, size);
}

static int f_lock(sqlite3_file *f, int l)
{
	return ((struct ffile *)f)->real->pMethods->xLock(((struct ffile *)f)->real, l);
}

static int f_unlock(sqlite3_file *f, int l)
{
	return ((struct ffile *)f)->real->pMethods->xUnlock(((struct ffile *)f)->real, l);
}

static int f_reserved(sqlite3_file *f, int *out)
{
	return ((struct ffile *)f)->real->pMethods->xCheckReservedLock(((struct ffile *)f)->real, out);
}

static int f_control(sqlite3_file *f, int op, void *arg)
{
	return ((struct ffile *)f)->real->pMethods->xFileControl(((struct ffile *)f)->real, op, arg);
}

static int f_sector(sqlite3_file *f)
{
	return ((struct ffile *)f)->real->pMethods->xSectorSize(((struct ffile *)f)->real);
}

static int f_device(sqlite3_file *f)
{
	return ((struct ffile *)f)->real->pMethods->xDeviceCharacteristics(((struct ffile *)f)->real);
}

static int f_shm_map(sqlite3_file *f, int pg, int size, int extend, void volatile **out)
{
	struct ffile *p = (struct ffile *)f;
	return p->real->pMethods->xShmMap(p->real, pg, size, extend, out);
}

static int f_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	struct ffile *p = (struct ffile *)f;
	return p->real->pMethods->xShmLock(p->real, off, n, flags);
}

static void f_shm_barrier(sqlite3_file *f)
{
	struct ffile *p = (struct ffile *)f;
	p->real->pMethods->xShmBarrier(p->real);
}

static int f_shm_unmap(sqlite3_file *f, int del)
{
	struct ffile *p = (struct ffile *)f;
	return p->real->pMethods->xShmUnmap(p->real, del);
}

/* no memory-mapped I/O: every change goes through f_write */
static int f_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **out)
{
	(void)f, (void)off, (void)n;
	*out = NULL;
	return SQLITE_OK;
}

static int f_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	(void)f, (void)off, (void)p;
	return SQLITE_OK;
}

static const sqlite3_io_methods methods = {
    3,          f_close,   f_read,       f_write,        f_truncate,  f_sync,
    f_size,     f_lock,    f_unlock,     f_reserved,     f_control,   f_sector,
    f_device,   f_shm_map, f_shm_lock,   f_shm_barrier,  f_shm_unmap, f_fetch,
    f_unfetch,
};

static int v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
	struct ffile *p = (struct ffile *)f;
	(void)vfs;
	p->real = (sqlite3_file *)(p + 1);
	snprintf(p->path, sizeof(p->path), "%s", name ? name : "");
	p->base.pMethods = NULL;
	int rc = F.real->xOpen(F.real, name, p->real, flags, out);
	if (rc == SQLITE_OK)
		p->base.pMethods = &methods;
	return rc;
}

static int v_delete(sqlite3_vfs *vfs, const char *name, int sync)
{
	(void)vfs;
	if (F.hit)
		return SQLITE_IOERR_DELETE;
	snap_drop(name);
	return F.real->xDelete(F.real, name, sync);
}

static int v_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	return F.real->xAccess(F.real, name, flags, out);
}

static int v_full(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return F.real->xFullPathname(F.real, name, n, out);
}

static int v_random(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return F.real->xRandomness(F.real, n, out);
}

static int v_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return F.real->xSleep(F.real, us);
}

static int v_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	return F.real->xCurrentTime(F.real, out);
}

static int v_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return F.real->xGetLastError(F.real, n, out);
}

static int v_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	return F.real->xCurrentTimeInt64(F.real, out);
}

static void vfs_install(void)
{
	F.real = sqlite3_vfs_find(NULL);
	assert_non_null(F.real);
	F.vfs = (sqlite3_vfs){2,
			      (int)sizeof(struct ffile) + F.real->szOsFile,
			      F.real->mxPathname,
			      NULL,
			      "baton-test-fault",
			      NULL,
			      v_open,
			      v_delete,
			      v_access,
			      v_full,
			      NULL,
			      NULL,
			      NULL,
			      NULL,
			      v_random,
			      v_sleep,
			      v_time,
			      v_error,
			      v_time64,
			      NULL,
			      NULL,
			      NULL};
	assert_int_equal(sqlite3_vfs_register(&F.vfs, 1), SQLITE_OK);
	F.countdown = -1;
}

static void fault_arm(enum mode m, long n)
{
	F.mode = m, F.countdown = n, F.hit = 0;
}

static void fault_disarm(void)
{
	F.mode = SOUND, F.countdown = -1, F.hit = 0;
}

/* ---- the history ---- */

/* Batch b (0..4), worked out by hand: four events of one customer of its
 * own, first seen as an e-mail (e<b>-1) and a phone (e<b>-2), linked by
 * e<b>-3 (one merge); e<b>-4 pads the batch to several pages; the fifth
 * line repeats e<b>-1 (a duplicate).  So each batch adds 4 events, 2
 * identifiers, 1 live profile and 1 merge: after all five, 20, 10, 5, 5. */
static size_t batch(int b, char *out, size_t size)
{
	char pad[1201];
	memset(pad, 'x', sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = 0;
#define E1 "{\"id\":\"e%d-1\",\"ts\":\"2026-03-0%dT10:00:00Z\",\"source\":\"web\",\"type\":\"x\"," \
	   "\"ids\":{\"email\":\"c%d@x.com\"}}\n"
	size_t n = (size_t)snprintf(
	    out, size,
	    E1 "{\"id\":\"e%d-2\",\"ts\":\"2026-03-0%dT10:01:00Z\",\"source\":\"phone\",\"type\":\"call\","
	       "\"ids\":{\"phone\":\"+4477009000%d\"}}\n"
	       "{\"id\":\"e%d-3\",\"ts\":\"2026-03-0%dT10:02:00Z\",\"source\":\"web\",\"type\":\"login\","
	       "\"ids\":{\"email\":\"c%d@x.com\",\"phone\":\"+4477009000%d\"}}\n"
	       "{\"id\":\"e%d-4\",\"ts\":\"2026-03-0%dT10:03:00Z\",\"source\":\"web\",\"type\":\"x\","
	       "\"ids\":{\"email\":\"c%d@x.com\"},\"props\":{\"pad\":\"%s\"}}\n" E1,
	    b, b + 1, b, b, b + 1, b, b, b + 1, b, b, b, b + 1, b, pad, b, b + 1, b);
#undef E1
	assert_true(n < size);
	return n;
}

#define NBATCH 5

static int ingest_batch(struct bt_db *db, int b)
{
	char nd[4096];
	size_t len = batch(b, nd, sizeof(nd));
	struct bt_ingest *in = NULL;
	struct bt_ingest_stats st;
	struct bt_err err = {0, ""};
	int rc = bt_ingest_begin(db, "test", &in, &err);
	if (rc)
		return rc;
	if ((rc = bt_ingest_buffer(in, nd, len, BT_FMT_NDJSON, NULL, NULL, &err))) {
		bt_ingest_abort(in);
		return rc;
	}
	return bt_ingest_end(in, &st, &err);
}

static struct bt_summary summary_of(const char *path)
{
	struct bt_db *db = NULL;
	struct bt_summary s;
	struct bt_err err = {0, ""};
	assert_int_equal(bt_db_open(&db, path, 0, &err), 0);
	assert_int_equal(bt_summary_get(db, &s, &err), 0);
	bt_db_close(db);
	return s;
}

static void assert_intact(const char *path)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *q = NULL;
	assert_int_equal(sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "ok");
	sqlite3_finalize(q);
	sqlite3_close(h);
}

/* A new database with its key and schema, made on a sound disk. */
static void fresh(const struct tmpdb *p)
{
	struct bt_db *db = NULL;
	struct bt_err err = {0, ""};
	tmpdb_clear(p);
	snaps_clear();
	assert_int_equal(bt_db_open(&db, p->path, 0, &err), 0);
	bt_db_close(db);
}

/* One attempt: the n-th operation goes wrong.  Returns whether it was
 * reached. */
static int attempt(const struct tmpdb *p, enum mode m, long n)
{
	struct bt_db *db = NULL;
	struct bt_err err = {0, ""};
	int acked = 0;
	fresh(p);
	fault_arm(m, n);
	if (bt_db_open(&db, p->path, 0, &err) == 0) {
		for (int b = 0; b < NBATCH && ingest_batch(db, b) == 0; b++)
			acked++;
		bt_db_close(db);
	}
	int reached = F.hit;
	if (m == POWERLOSS && reached)
		snaps_restore();
	snaps_clear(); /* what a sync made durable stays */
	fault_disarm();
	if (!reached) {
		assert_int_equal(acked, NBATCH);
		return 0;
	}
	assert_intact(p->path);
	struct bt_summary s = summary_of(p->path);
	/* every acknowledged batch; the one in flight whole or not at all */
	if (s.events != 4 * acked && s.events != 4 * (acked + 1))
		fail_msg("%s at operation %ld: %d batches acknowledged, %lld events stored",
			 m == IOERR ? "I/O error" : "power loss", n, acked, (long long)s.events);
	assert_int_equal(s.events % 4, 0);
	assert_int_equal(s.profiles, s.events / 4);
	assert_int_equal(s.merges, s.events / 4);
	/* and the rest goes in as if nothing had happened */
	assert_int_equal(bt_db_open(&db, p->path, 0, &err), 0);
	for (int b = 0; b < NBATCH; b++)
		assert_int_equal(ingest_batch(db, b), 0);
	bt_db_close(db);
	s = summary_of(p->path);
	assert_int_equal(s.events, 20);
	assert_int_equal(s.profiles, 5);
	assert_int_equal(s.identifiers, 10);
	assert_int_equal(s.merges, 5);
	assert_int_equal(s.dead_letters, 0);
	return 1;
}

static void faults(enum mode m)
{
	struct tmpdb p;
	tmpdb_make(&p, "iofault");
	long n = 0;
	while (attempt(&p, m, n))
		n++;
	print_message("%s: each of %ld operations\n", m == IOERR ? "I/O error" : "power loss", n);
	assert_true(n > 20);
	tmpdb_remove(&p);
}

static void clean_run(void **state)
{
	(void)state;
	struct tmpdb p;
	struct bt_db *db = NULL;
	struct bt_err err = {0, ""};
	tmpdb_make(&p, "iofault");
	fresh(&p);
	assert_int_equal(bt_db_open(&db, p.path, 0, &err), 0);
	for (int b = 0; b < NBATCH; b++)
		assert_int_equal(ingest_batch(db, b), 0);
	bt_db_close(db);
	struct bt_summary s = summary_of(p.path);
	assert_int_equal(s.events, 20);
	assert_int_equal(s.profiles, 5);
	assert_int_equal(s.identifiers, 10);
	assert_int_equal(s.merges, 5);
	tmpdb_remove(&p);
}

static void io_errors(void **state)
{
	(void)state;
	faults(IOERR);
}

static void power_loss(void **state)
{
	(void)state;
	faults(POWERLOSS);
}

int main(void)
{
	vfs_install();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(clean_run),
	    cmocka_unit_test(io_errors),
	    cmocka_unit_test(power_loss),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
