/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_live.c - the arrays of the live state that never move (util/region.c)
 * and the live state growing past them (live.c).
 *
 * A region's base must stay where it is however far it grows within its
 * reservation, every usable byte must be writable, and growing past the
 * reservation must fail rather than move.  The live state, given room for
 * only a few thousand events, must still follow a database of 40,000: its
 * arrays then move (copied outside the lock, swapped under it), and a
 * customer whose events lie before and after each move must still read
 * whole.  A journey-level snapshot derives without the lock, borrowing the
 * records: an array that moves meanwhile must keep its old region until
 * the snapshot is done (ASan would catch a read of it after munmap).
 * Journey-level calls share one derivation while the state is unchanged
 * and they ask about the same time (or, when allowed, one made less than
 * reuse_ms before): concurrent callers get the same engine, and a change
 * to the state ends the sharing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

#include <cmocka.h>

#include "baton/baton.h"
#include "baton/buf.h"
#include "baton/engine.h"
#include "baton/error.h"
#include "baton/json.h"
#include "baton/live.h"
#include "engine.h"
#include "util/region.h"

#define MIB ((size_t)1 << 20)
/* 2026-03-01T12:00:00Z, after every event ingest_range writes */
#define T0 INT64_C(1772366400000)

static void region_grows_in_place(void **state)
{
	(void)state;
	struct bt__region r;
	assert_int_equal(bt__region_init(&r, 3 * MIB), 0);
	assert_non_null(r.base);
	assert_int_equal(r.reserved, 3 * MIB);
	assert_int_equal(r.usable, 0);
	void *base = r.base;

	/* one byte makes a whole step usable: 2 MiB */
	assert_int_equal(bt__region_fit(&r, 1), 0);
	assert_int_equal(r.usable, 2 * MIB);
	memset(r.base, 0xab, r.usable);

	/* past the step: up to the reservation, which caps it */
	assert_int_equal(bt__region_fit(&r, 2 * MIB + 1), 0);
	assert_int_equal(r.usable, 3 * MIB);
	assert_ptr_equal(r.base, base);
	unsigned char *p = r.base;
	assert_int_equal(p[2 * MIB - 1], 0xab); /* what was written stays */
	assert_int_equal(p[2 * MIB], 0);        /* new memory reads as zero */
	memset(p + 2 * MIB, 0xcd, MIB);

	/* nothing past the reservation, and the region is unharmed */
	assert_int_equal(bt__region_fit(&r, 3 * MIB + 1), BT_ENOMEM);
	assert_int_equal(r.usable, 3 * MIB);
	assert_int_equal(p[3 * MIB - 1], 0xcd);

	bt__region_release(&r);
	assert_null(r.base);
	assert_int_equal(r.usable, 0);
}

static void region_reserves_at_least_a_mib(void **state)
{
	(void)state;
	struct bt__region r;
	assert_int_equal(bt__region_init(&r, 100), 0);
	assert_int_equal(r.reserved, MIB);
	assert_int_equal(bt__region_fit(&r, MIB), 0);
	assert_int_equal(r.usable, MIB);
	bt__region_release(&r);
}

/* A fresh database path (mkstemp), and its removal with WAL and index. */
static const char *db_path(char *path)
{
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	return path;
}

static void db_remove(const char *path)
{
	char side[64];
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s.key", path);
	unlink(side);
}

/* n events: event i is customer u<i>'s, except every 10,000th (i = 0,
 * 10000, 20000, 30000), which is kim's, of type t0, t1, t2, t3. */
static void ingest_range(const char *path, int from, int to)
{
	struct bt_db *db = NULL;
	struct bt_ingest *in = NULL;
	struct bt_err err = {0, ""};
	char rec[256];
	assert_int_equal(bt_db_open(&db, path, 0, &err), 0);
	assert_int_equal(bt_ingest_begin(db, "test", &in, &err), 0);
	for (int i = from; i < to; i++) {
		int n;
		if (i % 10000 == 0)
			n = snprintf(rec, sizeof(rec),
				     "{\"id\":\"e%d\",\"ts\":\"2026-03-01T10:%02d:%02dZ\",\"source\":\"web\","
				     "\"type\":\"t%d\",\"ids\":{\"email\":\"kim@example.com\"}}",
				     i, i / 10000, 0, i / 10000);
		else
			n = snprintf(rec, sizeof(rec),
				     "{\"id\":\"e%d\",\"ts\":\"2026-03-01T09:00:00Z\",\"source\":\"web\","
				     "\"type\":\"page.viewed\",\"ids\":{\"user_id\":\"u%d\"}}",
				     i, i);
		assert_int_equal(bt_ingest_json(in, rec, (size_t)n, i + 1, &err), BT_INGEST_ACCEPTED);
	}
	assert_int_equal(bt_ingest_end(in, NULL, &err), 0);
	bt_db_close(db);
}

/* The types in kim's told_us, newest first, as one string "t3,t2,...". */
static void told_us(struct bt_live *l, char *out, size_t size)
{
	struct bt_buf b = BT_BUF_INIT;
	struct bt_err err = {0, ""};
	struct bt_json_doc d;
	assert_int_equal(bt_live_context(l, "email:kim@example.com", INT64_MAX, &b, &err), 0);
	bt_json_doc_init(&d);
	assert_int_equal(bt_json_parse(&d, b.data, b.len, 64, &err), 0);
	uint32_t arr = bt_json_get(&d, 0, "told_us");
	assert_int_not_equal(arr, 0);
	out[0] = '\0';
	for (uint32_t k = arr + 1; k < d.nodes[arr].end; k = d.nodes[k].end) {
		uint32_t t = bt_json_get(&d, k, "type");
		size_t used = strlen(out);
		assert_int_not_equal(t, 0);
		snprintf(out + used, size - used, "%s%s", used ? "," : "", d.nodes[t].s);
	}
	bt_json_doc_release(&d);
	bt_buf_release(&b);
}

static void live_follows_past_its_reservation(void **state)
{
	(void)state;
	char path[] = "/tmp/baton-test-live-XXXXXX";
	db_path(path);
	/* 1 MiB, the least a region reserves, holds some 14,500 records (of
	 * 72 bytes): on the way to 40,000 the records' region moves twice */
	size_t saved = bt__live_reserve;
	bt__live_reserve = 1000;

	struct bt_live *l = NULL;
	struct bt_err err = {0, ""};
	char got[64];
	ingest_range(path, 0, 10);
	assert_int_equal(bt_live_open(path, &l, &err), 0);
	assert_int_equal(bt_live_refresh(l, &err), 0);
	assert_int_equal(bt_live_seq(l), 10);
	told_us(l, got, sizeof(got));
	assert_string_equal(got, "t0");

	/* past the first move */
	ingest_range(path, 10, 20010);
	assert_int_equal(bt_live_refresh(l, &err), 0);
	assert_int_equal(bt_live_seq(l), 20010);
	told_us(l, got, sizeof(got));
	assert_string_equal(got, "t2,t1,t0");

	ingest_range(path, 20010, 40000); /* past the second */
	assert_int_equal(bt_live_refresh(l, &err), 0);
	assert_int_equal(bt_live_seq(l), 40000);
	told_us(l, got, sizeof(got));
	assert_string_equal(got, "t3,t2,t1,t0");

	/* and a stranger in the middle reads as one event */
	struct bt_buf b = BT_BUF_INIT;
	assert_int_equal(bt_live_context(l, "user_id:u17001", INT64_MAX, &b, &err), 0);
	assert_non_null(strstr(b.data, "\"told_us\":[{\"ts\":\"2026-03-01T09:00:00Z\""));
	bt_buf_release(&b);

	bt_live_close(l);
	bt__live_reserve = saved;
	db_remove(path);
}

static uint64_t counted(const struct bt_engine *e)
{
	struct bt_kpi_query q = {NULL, BT_TIME_NONE, BT_TIME_NONE};
	struct bt_kpis *k = NULL;
	struct bt_err err = {0, ""};
	assert_int_equal(bt_engine_kpis(e, &q, &k, &err), 0);
	uint64_t n = k->events;
	bt_kpis_free(k);
	return n;
}

struct during {
	struct bt_live *l;
	const char *path;
	uint64_t before, after;
};

/* Inside a snapshot (no lock held): 2,000 more events, enough to move the
 * records' region, then read every record of the snapshot again. */
static int grow_while_pinned(const struct bt_engine *e, void *arg)
{
	struct during *d = arg;
	struct bt_err err = {0, ""};
	d->before = counted(e);
	ingest_range(d->path, 14000, 16000);
	assert_int_equal(bt_live_refresh(d->l, &err), 0);
	assert_int_equal(bt_live_seq(d->l), 16000);
	d->after = counted(e);
	return 0;
}

static int count_all(const struct bt_engine *e, void *arg)
{
	*(uint64_t *)arg = counted(e);
	return 0;
}

static void snapshot_outlives_a_move(void **state)
{
	(void)state;
	char path[] = "/tmp/baton-test-live-XXXXXX";
	size_t saved = bt__live_reserve;
	struct bt_live *l = NULL;
	struct bt_err err = {0, ""};
	bt__live_reserve = 1000; /* some 14,500 records before a move */
	db_path(path);
	ingest_range(path, 0, 14000);
	assert_int_equal(bt_live_open(path, &l, &err), 0);
	assert_int_equal(bt_live_refresh(l, &err), 0);

	struct during d = {l, path, 0, 0};
	assert_int_equal(bt_live_engine(l, BT_TIME_NONE, 0, grow_while_pinned, &d, &err), 0);
	assert_int_equal(d.before, 14000);
	assert_int_equal(d.after, 14000); /* the snapshot is what it was */

	uint64_t now = 0;
	assert_int_equal(bt_live_engine(l, BT_TIME_NONE, 0, count_all, &now, &err), 0);
	assert_int_equal(now, 16000);
	/* one more refresh, nothing pinned: the retired region goes */
	ingest_range(path, 16000, 16010);
	assert_int_equal(bt_live_refresh(l, &err), 0);
	assert_int_equal(bt_live_engine(l, BT_TIME_NONE, 0, count_all, &now, &err), 0);
	assert_int_equal(now, 16010);

	bt_live_close(l);
	bt__live_reserve = saved;
	db_remove(path);
}

struct seen {
	const struct bt_engine *e;
	int64_t as_of;
	uint64_t events;
	int hold_ms;
};

static int look(const struct bt_engine *e, void *arg)
{
	struct seen *s = arg;
	s->e = e;
	s->as_of = bt_engine_as_of(e);
	s->events = counted(e);
	if (s->hold_ms)
		usleep((useconds_t)s->hold_ms * 1000);
	return 0;
}

static struct seen ask(struct bt_live *l, int64_t as_of, int64_t reuse_ms)
{
	struct seen s = {NULL, 0, 0, 0};
	struct bt_err err = {0, ""};
	assert_int_equal(bt_live_engine(l, as_of, reuse_ms, look, &s, &err), 0);
	return s;
}

struct asker {
	struct bt_live *l;
	struct seen s;
};

static void *ask_thread(void *arg)
{
	struct asker *a = arg;
	struct bt_err err = {0, ""};
	a->s.hold_ms = 100; /* all of them inside at once */
	if (bt_live_engine(a->l, T0 + 5000, 0, look, &a->s, &err))
		a->s.e = NULL;
	return NULL;
}

static void derivations_are_shared(void **state)
{
	(void)state;
	char path[] = "/tmp/baton-test-live-XXXXXX";
	struct bt_live *l = NULL;
	struct bt_err err = {0, ""};
	db_path(path);
	ingest_range(path, 0, 100);
	assert_int_equal(bt_live_open(path, &l, &err), 0);
	assert_int_equal(bt_live_refresh(l, &err), 0);

	struct seen a = ask(l, T0, 0);
	assert_int_equal(a.as_of, T0);
	assert_int_equal(a.events, 100);
	struct seen b = ask(l, T0, 0); /* the same question: the same engine */
	assert_ptr_equal(b.e, a.e);
	/* 999 ms later, allowed a second: still the one judged at T0 */
	b = ask(l, T0 + 999, 1000);
	assert_ptr_equal(b.e, a.e);
	assert_int_equal(b.as_of, T0);
	/* a whole second later is outside the second */
	b = ask(l, T0 + 1000, 1000);
	assert_int_equal(b.as_of, T0 + 1000);
	/* without leave to reuse, 1 ms later is judged anew */
	b = ask(l, T0 + 1, 0);
	assert_int_equal(b.as_of, T0 + 1);
	/* an earlier time never takes a later derivation */
	b = ask(l, T0 - 1, 1000);
	assert_int_equal(b.as_of, T0 - 1);

	/* eight at once: one derivation between them */
	struct asker at[8];
	pthread_t th[8];
	for (int i = 0; i < 8; i++) {
		at[i] = (struct asker){l, {NULL, 0, 0, 0}};
		assert_int_equal(pthread_create(&th[i], NULL, ask_thread, &at[i]), 0);
	}
	for (int i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < 8; i++) {
		assert_non_null(at[i].s.e);
		assert_ptr_equal(at[i].s.e, at[0].s.e);
		assert_int_equal(at[i].s.as_of, T0 + 5000);
	}

	/* new events end the sharing: the same question counts them */
	ingest_range(path, 100, 110);
	assert_int_equal(bt_live_refresh(l, &err), 0);
	b = ask(l, T0 + 5000, 0);
	assert_int_equal(b.events, 110);
	b = ask(l, T0 + 5500, 1000);
	assert_int_equal(b.as_of, T0 + 5000);
	assert_int_equal(b.events, 110);

	bt_live_close(l);
	db_remove(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(region_grows_in_place),
		cmocka_unit_test(region_reserves_at_least_a_mib),
		cmocka_unit_test(live_follows_past_its_reservation),
		cmocka_unit_test(snapshot_outlives_a_move),
		cmocka_unit_test(derivations_are_shared),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
