/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_review.c - identity review (src/review.c, docs/identity.md): a
 * split replays the profile's links in arrival order without the one it
 * undoes; the two identifiers that link joined are kept apart, by this
 * writer and by another one that follows the database; a conflict is kept
 * apart or merged where the guard rails allow.  Every expected profile,
 * merge and conflict is worked out by hand in the comments.
 *
 * The events name their customer by e-mails (and a customer id here and
 * there).  Within an event the strongest identifier is its anchor:
 * customer_id, then user_id, e-mail, phone, and by value within a type,
 * so {"email":["a","b"]} has anchor a and links b to it.
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
#include "db.h"

/* Event number n (its id "eN", N minutes past 10:00) with identifiers
 * ids (the JSON members of "ids"), in an ingest of its own. */
static void ingest(struct bt_db *db, int n, const char *ids)
{
	char json[512];
	struct bt_ingest *in = NULL;
	struct bt_ingest_stats st;
	struct bt_err err = {0, ""};
	snprintf(json, sizeof(json),
		 "{\"id\":\"e%d\",\"ts\":\"2026-03-01T10:%02d:00Z\",\"source\":\"web\",\"type\":\"x\","
		 "\"ids\":{%s}}",
		 n, n, ids);
	assert_int_equal(bt_ingest_begin(db, "test", &in, &err), 0);
	if (bt_ingest_json(in, json, strlen(json), 1, &err) < 0)
		fail_msg("%s: %s", json, err.msg);
	assert_int_equal(bt_ingest_end(in, &st, &err), 0);
	assert_int_equal(st.accepted, 1);
}

/* "P3 a b" : the profile of ident and its identifiers (e-mails' local
 * parts, others whole), the way the comments write them. */
static void who(struct bt_db *db, const char *ident, char *out, size_t n)
{
	struct bt_profile *p = NULL;
	struct bt_err err = {0, ""};
	if (bt_profile_get(db, ident, &p, &err))
		fail_msg("%s: %s", ident, err.msg);
	size_t off = (size_t)snprintf(out, n, "P%lld", (long long)p->id);
	for (size_t i = 0; i < p->nidentifiers && off < n; i++) {
		const char *t = p->identifiers[i];
		const char *at = strchr(t, '@');
		if (!strncmp(t, "email:", 6) && at)
			off += (size_t)snprintf(out + off, n - off, " %.*s", (int)(at - t - 6), t + 6);
		else
			off += (size_t)snprintf(out + off, n - off, " %s", t);
	}
	bt_profile_free(p);
}

#define EXPECT_WHO(db, ident, want)                                                           \
	do {                                                                                  \
		char got_[256];                                                               \
		who(db, ident, got_, sizeof(got_));                                           \
		assert_string_equal(got_, want);                                              \
	} while (0)

static int64_t split(struct bt_db *db, const char *ident, int64_t merge, struct bt_split *sp)
{
	struct bt_err err = {0, ""};
	int rc = bt_split(db, ident, merge, "test", sp, &err);
	if (rc)
		fail_msg("split of merge %lld: %s", (long long)merge, err.msg);
	return rc;
}

/*
 * Arrival order decides where an identifier goes when the profile breaks:
 *  e1 x              -> P1 {x}
 *  e2 y              -> P2 {y}
 *  e3 x, a           -> a joins P1 {x, a}
 *  e4 x, y           -> P2 into P1 (merge 1): {x, a, y}
 *  e5 a, b           -> b joins P1 (it is new: no merge)
 *  e6 b, y           -> one profile already: nothing
 * Splitting merge 1 replays e3 (x-a), e5 (a-b) and e6 (b-y), keeping x and
 * y apart: e6 would join {x, a, b} and {y}, so it is refused and recorded
 * as a conflict for review, and b stays with x (e5 came first).  An event
 * goes with its anchor: P1 keeps x, a, b and e1, e3, e4 (anchor x), e5, e6
 * (anchor b); P2 gets y and e2 back.
 */
static void arrival_order(void **state)
{
	struct place pl;
	struct bt_split sp;
	struct bt_conflict *c = NULL;
	struct bt_err err = {0, ""};
	size_t n = 0;
	int64_t total;
	int more;
	(void)state;
	place_make(&pl, "review");
	struct bt_db *db = open_db(pl.path);
	ingest(db, 1, "\"email\":\"x@p.com\"");
	ingest(db, 2, "\"email\":\"y@p.com\"");
	ingest(db, 3, "\"email\":[\"x@p.com\",\"a@p.com\"]");
	ingest(db, 4, "\"email\":[\"x@p.com\",\"y@p.com\"]");
	ingest(db, 5, "\"email\":[\"a@p.com\",\"b@p.com\"]");
	ingest(db, 6, "\"email\":[\"b@p.com\",\"y@p.com\"]");
	EXPECT_WHO(db, "P2", "P1 a b x y");
	split(db, "email:y@p.com", 1, &sp);
	assert_int_equal(sp.nprofiles, 2);
	assert_int_equal(sp.profiles[0], 1);
	assert_int_equal(sp.profiles[1], 2);
	assert_int_equal(sp.identifiers, 1); /* y */
	assert_int_equal(sp.events, 1);      /* e2 */
	assert_int_equal(sp.conflicts, 1);   /* e6 */
	assert_int_equal(sp.relinked, 0);
	bt_split_release(&sp);
	EXPECT_WHO(db, "P1", "P1 a b x");
	EXPECT_WHO(db, "P2", "P2 y");
	assert_int_equal(bt_conflicts_page(db, BT_CONFLICTS_OPEN, 0, 10, &c, &n, &total, &more, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(c[0].event, 6);
	assert_string_equal(c[0].identifier, "email:y@p.com");
	assert_int_equal(c[0].profile, 1);
	assert_int_equal(c[0].other_profile, 2);
	assert_string_equal(c[0].reason, "the two profiles were kept apart on review");
	bt_conflicts_free(c, n);
	bt_db_close(db);
	place_remove(&pl);
}

/*
 * A chain, and its middle link undone:
 *  e1 a, e2 b, e3 c, e4 d   -> P1..P4
 *  e5 a, b  -> merge 1: P2 into P1      e6 b, c -> merge 2: P3 into P1
 *  e7 c, d  -> merge 3: P4 into P1      e8 d, phone 9 -> phone joins P1
 * Splitting merge 2 (b-c): {a, b} stay P1; {c, d, phone} become P3, P4
 * merged into it again by e7 (a new row of the ledger, as merge 3 now
 * joins two profiles apart: "undone"), and the phone follows d, which
 * linked it.
 */
static void chain(void **state)
{
	struct place pl;
	struct bt_split sp;
	struct bt_merge *m = NULL;
	struct bt_err err = {0, ""};
	size_t n = 0;
	int64_t root;
	(void)state;
	place_make(&pl, "review");
	struct bt_db *db = open_db(pl.path);
	ingest(db, 1, "\"email\":\"a@p.com\"");
	ingest(db, 2, "\"email\":\"b@p.com\"");
	ingest(db, 3, "\"email\":\"c@p.com\"");
	ingest(db, 4, "\"email\":\"d@p.com\"");
	ingest(db, 5, "\"email\":[\"a@p.com\",\"b@p.com\"]");
	ingest(db, 6, "\"email\":[\"b@p.com\",\"c@p.com\"]");
	ingest(db, 7, "\"email\":[\"c@p.com\",\"d@p.com\"]");
	ingest(db, 8, "\"email\":\"d@p.com\",\"phone\":\"+15550000009\"");
	EXPECT_WHO(db, "P4", "P1 a b c d phone:+15550000009");
	split(db, "P1", 2, &sp);
	assert_int_equal(sp.nprofiles, 2);
	assert_int_equal(sp.profiles[1], 3);
	assert_int_equal(sp.identifiers, 3); /* c, d, phone */
	assert_int_equal(sp.events, 4);      /* e3, e4, e7, e8 */
	assert_int_equal(sp.relinked, 1);
	bt_split_release(&sp);
	EXPECT_WHO(db, "P1", "P1 a b");
	EXPECT_WHO(db, "P4", "P3 c d phone:+15550000009");
	assert_int_equal(bt_merges_get(db, "P3", &root, &m, &n, &err), 0);
	assert_int_equal(root, 3);
	assert_int_equal(n, 3);
	assert_int_equal(m[0].id, 2), assert_int_equal(m[0].state, BT_MERGE_SPLIT);
	assert_string_equal(m[0].split_by, "test");
	assert_int_equal(m[1].id, 3), assert_int_equal(m[1].state, BT_MERGE_UNDONE);
	assert_int_equal(m[2].id, 4), assert_int_equal(m[2].state, BT_MERGE_ACTIVE);
	assert_int_equal(m[2].into, 3), assert_int_equal(m[2].from, 4);
	assert_int_equal(m[2].event, 7);
	assert_string_equal(m[2].reason, "linked again when merge 2 was split");
	bt_merges_free(m, n);
	/* the split merge's two profiles are apart now: split again is a 409,
	 * and merge 1 does not hold P3 */
	struct bt_split again;
	assert_int_equal(bt_split(db, "P1", 2, "test", &again, &err), BT_ECONFLICT);
	assert_int_equal(bt_split(db, "P3", 1, "test", &again, &err), BT_ENOTFOUND);
	bt_db_close(db);
	place_remove(&pl);
}

/*
 * The pair stays apart for every writer: a second handle that loaded
 * identity before the split (it follows the database) and the first one.
 *  e1 a, e2 b, e3 a, b -> merge 1 (P2 into P1); split: P1 {a}, P2 {b}
 *  e4 (other handle) a, b -> refused: conflict, P1 and P2 stay
 *  e5 (this handle) b, c  -> c joins P2; e6 a, c -> refused again
 */
static void stays_apart(void **state)
{
	struct place pl;
	struct bt_split sp;
	struct bt_summary s;
	struct bt_err err = {0, ""};
	(void)state;
	place_make(&pl, "review");
	struct bt_db *db = open_db(pl.path), *other = open_db(pl.path);
	ingest(db, 1, "\"email\":\"a@p.com\"");
	ingest(other, 2, "\"email\":\"b@p.com\"");
	ingest(db, 3, "\"email\":[\"a@p.com\",\"b@p.com\"]");
	split(db, "P1", 1, &sp);
	bt_split_release(&sp);
	ingest(other, 4, "\"email\":[\"a@p.com\",\"b@p.com\"]");
	ingest(db, 5, "\"email\":[\"b@p.com\",\"c@p.com\"]");
	ingest(db, 6, "\"email\":[\"a@p.com\",\"c@p.com\"]");
	EXPECT_WHO(db, "P1", "P1 a");
	EXPECT_WHO(db, "email:c@p.com", "P2 b c");
	assert_int_equal(bt_summary_get(db, &s, &err), 0);
	assert_int_equal(s.profiles, 2);
	assert_int_equal(s.merges, 1);
	assert_int_equal(s.conflicts, 2);
	bt_db_close(other);
	bt_db_close(db);
	place_remove(&pl);
}

/*
 * Conflicts resolved.  Two customer ids never merge:
 *  e1 C1, a -> P1     e2 C2, b -> P2     e3 C1, b -> conflict 1 (P1/P2)
 * merge is refused, naming the guard rail; keep_apart is taken; a second
 * resolution is a 409, an unknown conflict a 404.
 */
static void resolve(void **state)
{
	struct place pl;
	struct bt_resolved r;
	struct bt_err err = {0, ""};
	(void)state;
	place_make(&pl, "review");
	struct bt_db *db = open_db(pl.path);
	ingest(db, 1, "\"customer_id\":\"C1\",\"email\":\"a@p.com\"");
	ingest(db, 2, "\"customer_id\":\"C2\",\"email\":\"b@p.com\"");
	ingest(db, 3, "\"customer_id\":\"C1\",\"email\":\"b@p.com\"");
	assert_int_equal(bt_conflict_resolve(db, 1, BT_MERGE, "test", &r, &err), BT_ECONFLICT);
	assert_string_equal(err.msg, "P1 and P2 cannot merge: both profiles hold a different customer_id");
	assert_int_equal(bt_conflict_resolve(db, 9, BT_MERGE, "test", &r, &err), BT_ENOTFOUND);
	assert_int_equal(bt_conflict_resolve(db, 1, BT_KEEP_APART, "test", &r, &err), 0);
	assert_int_equal(r.profile, 1);
	assert_int_equal(r.other, 2);
	assert_int_equal(bt_conflict_resolve(db, 1, BT_KEEP_APART, "test", &r, &err), BT_ECONFLICT);
	assert_string_equal(err.msg, "conflict 1 was resolved already (keep_apart)");
	bt_db_close(db);
	place_remove(&pl);
}

static void set_config(struct bt_db *db, const char *yaml)
{
	struct bt_config *cfg = NULL;
	struct bt_err err = {0, ""};
	assert_int_equal(bt_config_parse("test", yaml, strlen(yaml), &cfg, NULL, NULL, &err), 0);
	assert_int_equal(bt_db_config_set(db, cfg, &err), 0);
	bt_config_free(cfg);
}

/*
 * A pair kept apart on review reaches another writer as a row it catches
 * up on (no new load).  With at most one e-mail a profile:
 *  e1 a -> P1    e2 a, b -> b may not join: P2 {b}, conflict 1
 * Two e-mails are allowed from then on (both handles load that).  Conflict
 * 1 is kept apart; the other handle's e3 a, b would now pass every guard
 * rail but the pair: refused, conflict 2, still two profiles.
 */
static void kept_apart_followed(void **state)
{
	struct place pl;
	struct bt_resolved r;
	struct bt_summary s;
	struct bt_err err = {0, ""};
	(void)state;
	place_make(&pl, "review");
	struct bt_db *db = open_db(pl.path), *other = open_db(pl.path);
	set_config(db, "identity:\n  limits: {email: 1}\n");
	ingest(db, 1, "\"email\":\"a@p.com\"");
	ingest(db, 2, "\"email\":[\"a@p.com\",\"b@p.com\"]");
	set_config(db, "identity:\n  limits: {email: 2}\n");
	ingest(other, 3, "\"email\":\"c@p.com\""); /* loads: the new limits */
	assert_int_equal(bt_conflict_resolve(db, 1, BT_KEEP_APART, "test", &r, &err), 0);
	uint64_t loads = other->follow.loads;
	ingest(other, 4, "\"email\":[\"a@p.com\",\"b@p.com\"]");
	assert_int_equal(other->follow.loads, loads);
	assert_int_equal(bt_summary_get(db, &s, &err), 0);
	assert_int_equal(s.profiles, 3);
	assert_int_equal(s.merges, 0);
	assert_int_equal(s.conflicts, 2);
	bt_db_close(other);
	bt_db_close(db);
	place_remove(&pl);
}

/*
 * A conflict that no guard rail forbids any more merges, and the merge it
 * made can be split again.  With at most one e-mail a profile:
 *  e1 a -> P1    e2 a, b -> b may not join: P2 {b}, conflict 1
 * The limit goes to two (a configuration loaded), and merge is allowed:
 * P2 into P1 (merge 1, "merged on review of conflict 1").  Splitting it
 * gives P1 {a} and P2 {b} back, and keeps them apart.
 */
static void merge_then_split(void **state)
{
	struct place pl;
	struct bt_resolved r;
	struct bt_split sp;
	struct bt_merge *m = NULL;
	struct bt_err err = {0, ""};
	size_t n = 0;
	int64_t root;
	(void)state;
	place_make(&pl, "review");
	struct bt_db *db = open_db(pl.path);
	set_config(db, "identity:\n  limits: {email: 1}\n");
	ingest(db, 1, "\"email\":\"a@p.com\"");
	ingest(db, 2, "\"email\":[\"a@p.com\",\"b@p.com\"]");
	EXPECT_WHO(db, "P2", "P2 b");
	assert_int_equal(bt_conflict_resolve(db, 1, BT_MERGE, "test", &r, &err), BT_ECONFLICT);
	assert_string_equal(err.msg, "P1 and P2 cannot merge: the profile would hold more than 1 email identifier");
	set_config(db, "identity:\n  limits: {email: 2}\n");
	assert_int_equal(bt_conflict_resolve(db, 1, BT_MERGE, "test", &r, &err), 0);
	assert_int_equal(r.profile, 1);
	assert_int_equal(r.merge, 1);
	EXPECT_WHO(db, "P2", "P1 a b");
	assert_int_equal(bt_merges_get(db, "P1", &root, &m, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(m[0].reason, "merged on review of conflict 1");
	assert_int_equal(m[0].event, 2);
	bt_merges_free(m, n);
	split(db, "P1", 1, &sp);
	assert_int_equal(sp.nprofiles, 2);
	assert_int_equal(sp.conflicts, 0); /* e2's own link: the split decided it */
	bt_split_release(&sp);
	EXPECT_WHO(db, "P1", "P1 a");
	EXPECT_WHO(db, "P2", "P2 b");
	bt_db_close(db);
	place_remove(&pl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arrival_order), cmocka_unit_test(chain),
		cmocka_unit_test(stays_apart),   cmocka_unit_test(resolve),
		cmocka_unit_test(kept_apart_followed), cmocka_unit_test(merge_then_split),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
