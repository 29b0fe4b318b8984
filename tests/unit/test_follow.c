/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_follow.c - a writer follows another writer of the same database
 * (bt__db_follow): when the other one committed, it reads only what was
 * appended since (identity rows after its mark, events after its last),
 * and decides as a single writer would have.  Two handles on one file
 * write alternately; a third database gets the same events from one
 * handle; both must hold the same profiles, merges and conflicts, worked
 * out by hand below.  A moved epoch (an erasure, a new configuration)
 * makes the writer load everything anew instead.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "baton/baton.h"
#include "place.h"
#include "baton/config.h"
#include "db.h"

/* The events, and who writes each in the two-writer run (0: A, 1: B).
 * Default guard rails: one customer_id, five e-mails, five phones per
 * profile; the strongest identifier of an event is its anchor
 * (customer_id, user_id, email, phone).  What each does:
 *  e1 A  email a, phone 1     -> new P1 {a, phone1}
 *  e2 B  customer_id C1, a    -> C1 joins P1 (P1 holds one customer_id)
 *  e3 A  customer_id C2, b    -> new P2 {C2, b}
 *  e4 B  C1, b                -> P1 and P2 both hold a customer_id:
 *                                conflict 1, no merge
 *  e5 A  a, phone 2           -> phone2 joins P1
 *  e6 B  user_id U1, phone 3  -> new P3 {U1, phone3}
 *  e7 A  a, phone 3           -> P3 merges into P1 (1 customer_id, 1
 *                                e-mail, 3 phones, 6 identifiers: allowed)
 *  e8 B  customer_id C3, U1   -> U1 is P1's now, which holds C1: C3 may
 *                                not join it: new P4 {C3}, conflict 2.
 *                                (A writer that had not followed e7's merge
 *                                with its counts would put C3 on P3.)
 * So: 8 events, live profiles P1, P2, P4, 9 identifiers, 1 merge, 2
 * conflicts. */
static const struct {
	int writer;
	const char *json;
} events[] = {
	{0, "{\"id\":\"e1\",\"ts\":\"2026-03-01T10:00:00Z\",\"source\":\"web\",\"type\":\"call\","
	    "\"ids\":{\"email\":\"a@x.com\",\"phone\":\"+15550000001\"}}"},
	{1, "{\"id\":\"e2\",\"ts\":\"2026-03-01T10:01:00Z\",\"source\":\"web\",\"type\":\"call\","
	    "\"ids\":{\"customer_id\":\"C1\",\"email\":\"a@x.com\"}}"},
	{0, "{\"id\":\"e3\",\"ts\":\"2026-03-01T10:02:00Z\",\"source\":\"web\",\"type\":\"call\","
	    "\"ids\":{\"customer_id\":\"C2\",\"email\":\"b@x.com\"}}"},
	{1, "{\"id\":\"e4\",\"ts\":\"2026-03-01T10:03:00Z\",\"source\":\"web\",\"type\":\"call\","
	    "\"ids\":{\"customer_id\":\"C1\",\"email\":\"b@x.com\"}}"},
	{0, "{\"id\":\"e5\",\"ts\":\"2026-03-01T10:04:00Z\",\"source\":\"web\",\"type\":\"call\","
	    "\"ids\":{\"email\":\"a@x.com\",\"phone\":\"+15550000002\"}}"},
	{1, "{\"id\":\"e6\",\"ts\":\"2026-03-01T10:05:00Z\",\"source\":\"web\",\"type\":\"call\","
	    "\"ids\":{\"user_id\":\"U1\",\"phone\":\"+15550000003\"}}"},
	{0, "{\"id\":\"e7\",\"ts\":\"2026-03-01T10:06:00Z\",\"source\":\"web\",\"type\":\"call\","
	    "\"ids\":{\"email\":\"a@x.com\",\"phone\":\"+15550000003\"}}"},
	{1, "{\"id\":\"e8\",\"ts\":\"2026-03-01T10:07:00Z\",\"source\":\"web\",\"type\":\"call\","
	    "\"ids\":{\"customer_id\":\"C3\",\"user_id\":\"U1\"}}"},
};
#define NEVENTS (sizeof(events) / sizeof(events[0]))

/* The identity rows each writer's catch-up reads before its event, worked
 * out from the table above: what the other one appended since it last
 * wrote (profiles + merges + identifiers).  -1: no catch-up (the first
 * write of a handle loads everything). */
static const int rows_before[NEVENTS] = {
	-1, /* e1 A: loads (nothing there) */
	-1, /* e2 B: loads */
	1,  /* e3 A: e2's C1 */
	3,  /* e4 B: e3's P2, C2, b */
	0,  /* e5 A: e4 added a conflict, and no identity row */
	1,  /* e6 B: e5's phone2 */
	3,  /* e7 A: e6's P3, U1, phone3 */
	1,  /* e8 B: e7's merge of P3 into P1 */
};

static const char *const idents[] = {
	"email:a@x.com", "phone:+15550000001", "customer_id:C1", "customer_id:C2", "email:b@x.com",
	"phone:+15550000002", "user_id:U1", "phone:+15550000003", "customer_id:C3",
};
/* ... and the profile each ends on */
static const int64_t profile_of[] = {1, 1, 1, 2, 2, 1, 1, 1, 4};

/* Two writers of one new database. */
static void two_writers(struct place *pl, struct bt_db **a, struct bt_db **b)
{
	place_make(pl, "follow");
	*a = open_db(pl->path);
	*b = open_db(pl->path);
}

/* One event, in an ingest (and a transaction) of its own. */
static void ingest(struct bt_db *db, const char *json)
{
	struct bt_ingest *in = NULL;
	struct bt_ingest_stats st;
	struct bt_err err = {0, ""};
	assert_int_equal(bt_ingest_begin(db, "test", &in, &err), 0);
	int rc = bt_ingest_json(in, json, strlen(json), 1, &err);
	if (rc < 0)
		fail_msg("%s: %s", json, err.msg);
	assert_int_equal(bt_ingest_end(in, &st, &err), 0);
	assert_int_equal(st.accepted, 1);
}

static void expect_summary(struct bt_db *db)
{
	struct bt_summary s;
	struct bt_err err;
	assert_int_equal(bt_summary_get(db, &s, &err), 0);
	assert_int_equal(s.events, 8);
	assert_int_equal(s.profiles, 3);
	assert_int_equal(s.identifiers, 9);
	assert_int_equal(s.merges, 1);
	assert_int_equal(s.conflicts, 2);
}

/* A profile as text: its id, identifiers and conflicts. */
static void profile_text(struct bt_db *db, const char *ident, char *out, size_t n)
{
	struct bt_profile *p = NULL;
	struct bt_err err;
	size_t off;
	assert_int_equal(bt_profile_get(db, ident, &p, &err), 0);
	off = (size_t)snprintf(out, n, "P%lld", (long long)p->id);
	for (size_t i = 0; i < p->nidentifiers && off < n; i++)
		off += (size_t)snprintf(out + off, n - off, " %s", p->identifiers[i]);
	for (size_t i = 0; i < p->nconflicts && off < n; i++)
		off += (size_t)snprintf(out + off, n - off, " [%s P%lld/P%lld]", p->conflicts[i].identifier,
					(long long)p->conflicts[i].profile,
					(long long)p->conflicts[i].other_profile);
	bt_profile_free(p);
}

static void alternate_as_one(void **state)
{
	struct place two, one;
	struct bt_db *w[2], *single;
	(void)state;
	two_writers(&two, &w[0], &w[1]);
	place_make(&one, "follow");
	single = open_db(one.path);

	for (size_t i = 0; i < NEVENTS; i++) {
		struct bt_db *db = w[events[i].writer];
		uint64_t catchups = db->follow.catchups, rows = db->follow.rows;
		uint64_t loads = db->follow.loads, evs = db->follow.events;
		ingest(db, events[i].json);
		ingest(single, events[i].json);
		if (rows_before[i] < 0) {
			assert_int_equal(db->follow.loads, loads + 1);
			assert_int_equal(db->follow.catchups, catchups);
		} else {
			/* caught up: only the other writer's one event and its rows */
			assert_int_equal(db->follow.loads, loads);
			assert_int_equal(db->follow.catchups, catchups + 1);
			assert_int_equal(db->follow.rows - rows, (uint64_t)rows_before[i]);
			assert_int_equal(db->follow.events - evs, 1);
		}
	}
	/* one writer alone never catches up */
	assert_int_equal(single->follow.loads, 1);
	assert_int_equal(single->follow.catchups, 0);

	expect_summary(w[0]);
	expect_summary(single);
	for (size_t i = 0; i < sizeof(idents) / sizeof(idents[0]); i++) {
		char a[512], b[512], want[8];
		profile_text(w[1], idents[i], a, sizeof(a));
		profile_text(single, idents[i], b, sizeof(b));
		assert_string_equal(a, b);
		snprintf(want, sizeof(want), "P%lld ", (long long)profile_of[i]);
		assert_memory_equal(a, want, strlen(want));
	}
	char p1[512];
	profile_text(single, "user_id:U1", p1, sizeof(p1));
	assert_string_equal(p1, "P1 customer_id:C1 email:a@x.com phone:+15550000001 "
				"phone:+15550000002 phone:+15550000003 user_id:U1 "
				"[email:b@x.com P1/P2] [user_id:U1 P4/P1]");

	bt_db_close(w[0]);
	bt_db_close(w[1]);
	bt_db_close(single);
	place_remove(&two);
	place_remove(&one);
}

/* A writer whose own commits are all there is does not look back, and the
 * other's read on the same connection does not hide a write from it. */
static void own_writes_are_not_read_back(void **state)
{
	struct place pl;
	struct bt_db *a, *b;
	(void)state;
	two_writers(&pl, &a, &b);
	ingest(a, events[0].json);
	ingest(a, events[2].json);
	ingest(a, events[4].json);
	assert_int_equal(a->follow.loads, 1);
	assert_int_equal(a->follow.catchups, 0);
	assert_int_equal(a->follow.rows, 0);

	/* b writes; a reads on its own connection (which begins a read and
	 * resets what the store compares with), then writes: it still
	 * catches up with b's event: e2's C1 */
	ingest(b, events[1].json);
	struct bt_dead_letter *d = NULL;
	size_t n = 0;
	int64_t total;
	int more;
	struct bt_err err;
	assert_int_equal(bt_dead_letters_page(a, 0, 10, &d, &n, &total, &more, &err), 0);
	bt_dead_letters_free(d, n);
	ingest(a, events[3].json); /* C1 with b: C1 must be known, on P1 */
	assert_int_equal(a->follow.catchups, 1);
	assert_int_equal(a->follow.rows, 1);
	struct bt_summary s;
	assert_int_equal(bt_summary_get(a, &s, &err), 0);
	assert_int_equal(s.conflicts, 1); /* P1 (C1) and P2 (C2): no merge */
	assert_int_equal(s.merges, 0);
	bt_db_close(a);
	bt_db_close(b);
	place_remove(&pl);
}

/* Changes that are not appends move the epoch: the follower loads anew. */
static void epoch_means_load(void **state)
{
	struct place pl;
	struct bt_db *a, *b;
	struct bt_err err;
	struct bt_erase_stats es;
	struct bt_config *cfg = NULL;
	static const char yaml[] = "identity:\n  limits:\n    email: 1\n";
	(void)state;
	two_writers(&pl, &a, &b);
	ingest(a, events[0].json);
	ingest(b, events[2].json);
	ingest(a, events[4].json);
	assert_int_equal(a->follow.loads, 1);
	assert_int_equal(a->follow.catchups, 1);

	assert_int_equal(bt_erase(b, "customer_id:C2", &es, &err), 0);
	ingest(a, events[5].json);
	assert_int_equal(a->follow.loads, 2);
	assert_int_equal(a->follow.catchups, 1);

	/* a configuration that allows one e-mail per profile, by b */
	assert_int_equal(bt_config_parse("test", yaml, sizeof(yaml) - 1, &cfg, NULL, NULL, &err), 0);
	assert_int_equal(bt_db_config_set(b, cfg, &err), 0);
	bt_config_free(cfg);
	const char *second_email = "{\"id\":\"e9\",\"ts\":\"2026-03-01T11:00:00Z\",\"source\":\"web\","
				   "\"type\":\"call\",\"ids\":{\"phone\":\"+15550000001\","
				   "\"email\":\"c@x.com\"}}";
	ingest(a, second_email);
	assert_int_equal(a->follow.loads, 3);
	assert_int_equal(a->follow.catchups, 1);
	/* the new rule applied: P1 holds a@x.com, so c@x.com may not join */
	struct bt_summary s;
	assert_int_equal(bt_summary_get(a, &s, &err), 0);
	assert_int_equal(s.conflicts, 1);
	bt_db_close(a);
	bt_db_close(b);
	place_remove(&pl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(alternate_as_one),
		cmocka_unit_test(own_writes_are_not_read_back),
		cmocka_unit_test(epoch_means_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
