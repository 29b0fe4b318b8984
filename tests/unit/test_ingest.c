/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_ingest.c - durable ingest and the derivation over it, and what both
 * do when memory runs out.
 *
 *  - A small history (merges, a conflict, a duplicate, a rejected record,
 *    a refused identifier) ingested into a SQLite file gives the counts
 *    worked out by hand, and the engine built from the database gives the
 *    same KPIs as the one built from the file in memory.
 *  - Rule 8 (docs/journeys.md): the same events ingested in another arrival
 *    order, in several batches, with an identity that becomes known late,
 *    give the same KPIs and instances.
 *  - Allocation failure (util/alloc.h): for n = 0, 1, 2, ... the
 *    allocation after the first n fails (and every one after it), until
 *    the operation succeeds.  Each time the operation must return
 *    BT_ENOMEM, not crash, and leak nothing (the ASan build of `make test`
 *    checks leaks); a durable ingest must leave nothing of its batch in the
 *    database (reopened, it holds nothing, and the same handle then ingests
 *    the batch as if nothing had happened); the in-memory engine, the
 *    engine from a database and the KPIs must equal those of a clean run
 *    once they succeed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "kit.h"
#include "tmpdb.h"
#include "util/alloc.h"

static struct bt_db *db_open(const struct tmpdb *t, const struct bt_config *cfg)
{
	struct bt_db *db = NULL;
	struct bt_err err = {0, ""};
	if (bt_db_open(&db, t->path, 0, &err)) {
		print_error("open %s: %s\n", t->path, err.msg);
		fail();
	}
	if (cfg)
		assert_int_equal(bt_db_config_set(db, cfg, &err), 0);
	return db;
}

static void count_reject(void *ctx, long line, long index, const char *reason)
{
	(void)line, (void)index, (void)reason;
	(*(size_t *)ctx)++;
}

/* Ingest NDJSON text in one ingest; 0 or the first failure.  The counts go
 * to st. */
static int ingest(struct bt_db *db, const char *nd, size_t len, struct bt_ingest_stats *st)
{
	struct bt_ingest *in = NULL;
	struct bt_err err = {0, ""};
	int rc = bt_ingest_begin(db, "test", &in, &err);
	if (rc)
		return rc;
	rc = bt_ingest_buffer(in, nd, len, BT_FMT_NDJSON, NULL, NULL, &err);
	if (rc) {
		bt_ingest_abort(in);
		return rc;
	}
	return bt_ingest_end(in, st, &err);
}

static struct bt_summary summary(struct bt_db *db)
{
	struct bt_summary s;
	struct bt_err err = {0, ""};
	assert_int_equal(bt_summary_get(db, &s, &err), 0);
	return s;
}

static void assert_summary_equal(const struct bt_summary *a, const struct bt_summary *b)
{
	assert_int_equal(a->events, b->events);
	assert_int_equal(a->profiles, b->profiles);
	assert_int_equal(a->identifiers, b->identifiers);
	assert_int_equal(a->merges, b->merges);
	assert_int_equal(a->conflicts, b->conflicts);
	assert_int_equal(a->dead_letters, b->dead_letters);
	assert_int_equal(a->refused, b->refused);
}

/* The engine of a database, judged at the latest event. */
static struct bt_engine *engine_of(struct bt_db *db, const struct bt_config *cfg)
{
	struct bt_engine *e = NULL;
	struct bt_err err = {0, ""};
	if (bt_engine_from_db(db, cfg, BT_TIME_NONE, &e, &err)) {
		print_error("engine from db: %s\n", err.msg);
		fail();
	}
	return e;
}

/* ---- the history ---- */

/* Line by line:
 *  1  ann by e-mail: a chat on case C1, contained          accepted (profile A)
 *  2  a phone number alone: links C1, makes promise P1     accepted (profile B)
 *  3  ann's e-mail and that phone: resolved                accepted, merges A and B
 *  4  line 1 again, same id                                duplicate
 *  5  no source, no ids                                    rejected: a dead letter
 *  6  u2: an order call                                    accepted (profile C)
 *  7  u2 withdraws marketing consent                       accepted
 *  8  a message to u2                                      accepted (collides)
 *  9  u3 with "anonymous" as e-mail: junk                  accepted, 1 refused
 * 10  ann's e-mail with customer_id C-1                    accepted: C-1 is new
 *     and joins ann's profile (no merge: it had none)
 * 11  ann's phone with customer_id C-2                     accepted: C-2 gets a
 *     profile of its own (D); linking the phone to it would join two
 *     profiles that both hold a customer_id: refused, a conflict; the event
 *     is D's (docs/identity.md) */
static void history(struct kit *k)
{
	ev(k, "email:ann@example.com", 0, "chatbot", "dispute.chat", "'id':'e1','case':'C1','outcome':'contained'");
	ev(k, "phone:+447700900001", HOUR, "phone", "dispute.call",
	   "'id':'e2','links':['C1'],'promise':{'id':'P1','due':'1d','team':'billing'}");
	ev(k, "email:ann@example.com phone:+447700900001", 2 * HOUR, "phone", "dispute.call",
	   "'id':'e3','outcome':'resolved'");
	ev(k, "email:ann@example.com", 0, "chatbot", "dispute.chat", "'id':'e1','case':'C1','outcome':'contained'");
	bt_buf_adds(&k->nd, "{\"ts\":1767225600,\"type\":\"x.y\"}\n");
	ev(k, "u2", 3 * HOUR, "phone", "order.call", "'id':'e6'");
	ev(k, "u2", 4 * HOUR, "app", "app.login", "'id':'e7','consent':{'marketing':false}");
	ev(k, "u2", 5 * HOUR, "mailer", "promo.sent", "'id':'e8','direction':'outbound'");
	ev(k, "user_id:u3 email:anonymous", 6 * HOUR, "phone", "order.call", "'id':'e9'");
	ev(k, "email:ann@example.com customer_id:C-1", 7 * HOUR, "phone", "dispute.call", "'id':'e10'");
	ev(k, "phone:+447700900001 customer_id:C-2", 8 * HOUR, "phone", "dispute.call", "'id':'e11'");
}

static void durable_ingest_counts(void **state)
{
	(void)state;
	struct kit k;
	struct tmpdb t;
	struct bt_ingest_stats st;
	kit_init(&k);
	history(&k);
	tmpdb_make(&t, "ingest");
	struct bt_db *db = db_open(&t, k.cfg);
	assert_int_equal(ingest(db, k.nd.data, k.nd.len, &st), 0);
	/* accepted: lines 1-3 and 6-11 = 9; duplicate: 4; rejected: 5 */
	assert_int_equal(st.accepted, 9);
	assert_int_equal(st.duplicates, 1);
	assert_int_equal(st.rejected, 1);
	assert_int_equal(st.refused, 1);
	struct bt_summary s = summary(db);
	assert_int_equal(s.events, 9);
	assert_int_equal(s.dead_letters, 1);
	assert_int_equal(s.conflicts, 1);
	assert_int_equal(s.refused, 1);
	assert_int_equal(s.merges, 1); /* line 3 */
	struct bt_profile *p = NULL;
	struct bt_err err;
	assert_int_equal(bt_profile_get(db, "phone:+447700900001", &p, &err), 0);
	assert_int_equal(p->events, 4); /* lines 1, 2, 3, 10 */
	assert_int_equal(p->nconflicts, 1);
	bt_profile_free(p);
	assert_int_equal(bt_profile_get(db, "customer_id:C-2", &p, &err), 0);
	assert_int_equal(p->events, 1); /* line 11 */
	bt_profile_free(p);
	/* the same file again: everything a duplicate but the record without id */
	assert_int_equal(ingest(db, k.nd.data, k.nd.len, &st), 0);
	assert_int_equal(st.accepted, 0);
	assert_int_equal(st.duplicates, 10);
	assert_int_equal(st.rejected, 1);
	/* the engine of the database, the engine of the file: the same KPIs */
	struct bt_engine *e = engine_of(db, k.cfg);
	struct bt_buf a = BT_BUF_INIT, b = BT_BUF_INIT;
	kit_kpis_json(e, &a);
	k.st = (struct bt_ingest_stats){0};
	struct bt_engine *m = NULL;
	assert_int_equal(kit_engine(k.cfg, k.nd.data, k.nd.len, KIT_LATEST, &m, &k.st, NULL), 0);
	assert_int_equal(k.st.accepted, 9);
	kit_kpis_json(m, &b);
	assert_string_equal(a.data, b.data);
	bt_buf_release(&a);
	bt_buf_release(&b);
	bt_engine_free(e);
	bt_engine_free(m);
	bt_db_close(db);
	tmpdb_remove(&t);
	kit_done(&k);
}

/* The lines of text b, each with its newline, into line[] and len[]. */
static size_t split_lines(const struct bt_buf *b, const char **line, size_t *len, size_t max)
{
	size_t n = 0;
	for (const char *p = b->data; p < b->data + b->len; n++) {
		const char *nl = strchr(p, '\n');
		assert_true(nl && n < max);
		line[n] = p, len[n] = (size_t)(nl - p) + 1;
		p = nl + 1;
	}
	return n;
}

/* Rule 8 across ingests: lines 1-3 and 6-9 of history() (not the
 * duplicate, the rejected record, or the two customer_ids, whose conflict
 * depends on which comes first: identity is resolved in arrival order), in
 * three ingests, in an order where line 3, which shows that ann's e-mail
 * and phone are one customer, comes before both lines it links.  The KPIs
 * equal those of the same lines in time order in memory. */
static void batches_and_arrival_order_do_not_matter(void **state)
{
	(void)state;
	struct kit k, mem;
	struct tmpdb t;
	const char *line[16];
	size_t len[16];
	kit_init(&k);
	kit_init(&mem);
	history(&k);
	assert_int_equal(split_lines(&k.nd, line, len, 16), 11);
	static const int in_time[] = {0, 1, 2, 5, 6, 7, 8};
	for (int i = 0; i < 7; i++)
		bt_buf_add(&mem.nd, line[in_time[i]], len[in_time[i]]);
	tmpdb_make(&t, "ingest");
	struct bt_db *db = db_open(&t, k.cfg);
	static const int batch[3][3] = {{2, 8, 7}, {6, 5, 1}, {0, -1, -1}};
	for (int b = 0; b < 3; b++) {
		struct bt_buf nd = BT_BUF_INIT;
		struct bt_ingest_stats st;
		for (int i = 0; i < 3 && batch[b][i] >= 0; i++)
			bt_buf_add(&nd, line[batch[b][i]], len[batch[b][i]]);
		assert_int_equal(ingest(db, nd.data, nd.len, &st), 0);
		assert_int_equal(st.accepted, b < 2 ? 3 : 1);
		bt_buf_release(&nd);
	}
	struct bt_engine *e = engine_of(db, k.cfg);
	struct bt_buf a = BT_BUF_INIT, b = BT_BUF_INIT;
	kit_kpis_json(e, &a);
	kit_run(&mem, KIT_LATEST);
	kit_kpis_json(mem.e, &b);
	assert_string_equal(a.data, b.data);
	/* and by hand: ann's dispute (lines 1-3: opened at 0, resolved at 2h),
	 * u2's order (3h) and u3's (6h); the message to u2 at 5h collides (u2
	 * withdrew marketing consent at 4h); three customers */
	assert_int_equal(J(&mem, "dispute")->instances, 1);
	assert_int_equal(J(&mem, "dispute")->resolved, 1);
	assert_int_equal(J(&mem, "order")->instances, 2);
	assert_int_equal(mem.k->collisions, 1);
	assert_int_equal(mem.k->profiles, 3);
	bt_buf_release(&a);
	bt_buf_release(&b);
	bt_engine_free(e);
	bt_db_close(db);
	tmpdb_remove(&t);
	kit_done(&k);
	kit_done(&mem);
}

/* A stored configuration that no longer reads (one an older or newer
 * program accepted, say) stops an ingest with a database error before its
 * first record.  It once made the first record pass for a rejected one
 * (reported, not counted, not kept) and let the others through without the
 * identity state, so their identity changes were never written.  The test
 * writes the bad text into the store's settings table itself: if the
 * schema moves, this test must follow it. */
static void unreadable_stored_config_stops_the_ingest(void **state)
{
	(void)state;
	struct kit k;
	struct tmpdb t;
	kit_init(&k);
	history(&k);
	tmpdb_make(&t, "ingest");
	struct bt_db *db = db_open(&t, k.cfg);
	bt_db_close(db);
	sqlite3 *sq = NULL;
	assert_int_equal(sqlite3_open(t.path, &sq), SQLITE_OK);
	/* a person of a team the file does not define */
	assert_int_equal(sqlite3_exec(sq, "UPDATE meta SET value = 'people: [{id: ann, team: nowhere}]' "
					  "WHERE key = 'config'", NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_changes(sq), 1);
	sqlite3_close(sq);
	db = db_open(&t, NULL);
	struct bt_ingest *in = NULL;
	struct bt_err err = {0, ""};
	size_t reported = 0;
	assert_int_equal(bt_ingest_begin(db, "test", &in, &err), 0);
	int rc = bt_ingest_buffer(in, k.nd.data, k.nd.len, BT_FMT_NDJSON, count_reject, &reported, &err);
	assert_int_equal(rc, BT_ESTORE);
	assert_int_equal(reported, 0);
	bt_ingest_abort(in);
	struct bt_summary s = summary(db), zero;
	memset(&zero, 0, sizeof(zero));
	assert_summary_equal(&s, &zero);
	bt_db_close(db);
	tmpdb_remove(&t);
	kit_done(&k);
}

/* ---- allocation failure ---- */

/* Each operation runs in two modes: the n-th allocation fails and so does
 * every one after it (memory is gone), or the n-th alone fails (memory was
 * short for a moment: code that goes on after a failure must still be
 * right).  An attempt either fails with BT_ENOMEM, or succeeds with the
 * result of a clean run (an allocation whose failure is harmless, a cache,
 * say).  The loop ends at the first n at which nothing failed: the
 * operation has then been cut at each of its allocations.  MAX_ALLOCS
 * guards against a loop that never ends. */
#define MAX_ALLOCS 100000

struct attempt {
	long n;
	int once;  /* the n-th allocation alone fails */
	int fired; /* an allocation did fail */
};

static const char *const mode_name[] = {"from the n-th on", "the n-th alone"};

static void arm(struct attempt *a)
{
	if (a->once)
		bt__alloc_fail_once(a->n);
	else
		bt__alloc_fail_after(a->n);
}

static void disarm(struct attempt *a)
{
	a->fired = bt__alloc_failed();
	bt__alloc_fail_after(-1);
}

/* A failed attempt must say out of memory, and only when memory ran out. */
static void assert_enomem(const struct attempt *a, int rc, const char *what, const char *msg)
{
	if (rc == BT_ENOMEM && a->fired)
		return;
	print_error("%s, allocation %ld failing (%s): %s (%s)\n", what, a->n, mode_name[a->once],
		    bt_strerror(rc), msg ? msg : "");
	fail();
}

/* One attempt: arm(a), the operation, disarm(a), then the checks. */
typedef void (*attempt_fn)(struct attempt *a, void *ctx);

static void under_allocation_failure(const char *what, attempt_fn fn, void *ctx)
{
	for (int once = 0; once < 2; once++) {
		struct attempt a = {0, once, 1};
		for (; a.fired && a.n < MAX_ALLOCS; a.n++)
			fn(&a, ctx);
		assert_true(a.n > 1 && a.n < MAX_ALLOCS);
		print_message("%s: %ld allocations (%s)\n", what, a.n - 1, mode_name[once]);
	}
}

/* What an attempt works on, and what a clean run gave. */
struct subject {
	struct kit k;
	struct bt_buf want; /* the KPIs' JSON of a clean run */
	struct bt_ingest_stats want_st;
	struct bt_summary want_sum;
	struct tmpdb t;
	struct bt_db *db;
};

/* A subject of the events written by fill: the clean run in memory. */
static void subject_init(struct subject *s, void (*fill)(struct kit *k), size_t rejected)
{
	memset(s, 0, sizeof(*s));
	kit_init(&s->k);
	fill(&s->k);
	s->k.expect_rejected = rejected;
	kit_run(&s->k, KIT_LATEST);
	s->want_st = s->k.st;
	s->want = (struct bt_buf)BT_BUF_INIT;
	kit_kpis_json(s->k.e, &s->want);
}

static void subject_done(struct subject *s)
{
	bt_buf_release(&s->want);
	kit_done(&s->k);
}

/* The KPIs of e equal those of the clean run. */
static void assert_same_kpis(struct subject *s, struct bt_engine *e)
{
	struct bt_buf got = BT_BUF_INIT;
	kit_kpis_json(e, &got);
	assert_string_equal(got.data, s->want.data);
	bt_buf_release(&got);
}

/* The in-memory engine: ingest framing, validation, identity, derivation. */
static void stream_engine_attempt(struct attempt *a, void *ctx)
{
	struct subject *s = ctx;
	struct bt_engine *e = (struct bt_engine *)a; /* must be reset */
	struct bt_ingest_stats st = {0};
	arm(a);
	int rc = kit_engine(s->k.cfg, s->k.nd.data, s->k.nd.len, KIT_LATEST, &e, &st, NULL);
	disarm(a);
	if (rc) {
		assert_enomem(a, rc, "the in-memory engine", NULL);
		assert_null(e);
		return;
	}
	assert_int_equal(st.accepted, s->want_st.accepted);
	assert_int_equal(st.duplicates, s->want_st.duplicates);
	assert_int_equal(st.rejected, s->want_st.rejected);
	assert_int_equal(st.refused, s->want_st.refused);
	assert_same_kpis(s, e);
	bt_engine_free(e);
}

static void alloc_failure_stream_engine(void **state)
{
	(void)state;
	struct subject s;
	subject_init(&s, history, 1);
	under_allocation_failure("the in-memory engine", stream_engine_attempt, &s);
	subject_done(&s);
}

/* A history large enough that every growable array of the engine and the
 * derivation grows a few times (their first size is 64): 90 customers, each
 * with a dispute or an order worked by several teams on a few cases,
 * promises made and kept, consent withdrawn and messages sent.  Generated
 * from fixed choices, so a failure repeats. */
static void large_history(struct kit *k)
{
	static const char *const src[] = {"chatbot", "phone", "billing-sys", "app"};
	for (int c = 0; c < 90; c++) {
		char who[16], extra[200];
		const char *j = c % 3 ? "dispute" : "order";
		snprintf(who, sizeof(who), "cust%02d", c);
		for (int i = 0; i < 8; i++) {
			int64_t t = (int64_t)c * 7 + (int64_t)i * 20 * MIN;
			char type[32];
			snprintf(type, sizeof(type), "%s.step%d", j, i);
			const char *s = src[(c + i) % 4];
			switch (i) {
			case 0:
				snprintf(extra, sizeof(extra), "'case':'K%d','outcome':'contained'", c);
				break;
			case 1:
				snprintf(extra, sizeof(extra),
					 "'links':['K%d'],'case':'L%d','promise':{'id':'P%d','due':'1h','team':'billing'}",
					 c, c, c);
				break;
			case 2:
				snprintf(extra, sizeof(extra), "'direction':'internal','fulfils':'P%d','outcome':'resolved'", c);
				break;
			case 3:
				snprintf(extra, sizeof(extra), "'consent':{'marketing':%s}", c % 2 ? "false" : "true");
				break;
			case 4:
				s = "mailer";
				snprintf(extra, sizeof(extra), "'direction':'outbound'");
				break;
			case 5:
				snprintf(extra, sizeof(extra), "'case':'M%d','repeat':true", c);
				break;
			case 6:
				s = "survey";
				snprintf(extra, sizeof(extra), "'feedback':{'csat':%d,'nps':%d}", 1 + c % 5, c % 11);
				break;
			default:
				snprintf(extra, sizeof(extra), "'case':'L%d','outcome':'resolved'", c);
			}
			ev(k, who, t, s, type, extra);
		}
	}
}

static void alloc_failure_large_history(void **state)
{
	(void)state;
	struct subject s;
	subject_init(&s, large_history, 0);
	/* it is what it is meant to be: many instances, handoffs, promises */
	const struct kit *k = &s.k;
	assert_int_equal(k->st.accepted, 720);
	assert_true(J(k, "dispute")->instances + J(k, "order")->instances >= 90);
	assert_true(J(k, "dispute")->handoffs + J(k, "order")->handoffs > 64);
	assert_true(J(k, "dispute")->promises + J(k, "order")->promises > 64);
	assert_true(k->k->collisions > 0);
	under_allocation_failure("the in-memory engine, 720 events", stream_engine_attempt, &s);
	subject_done(&s);
}

/* The KPIs of a derived engine. */
static void kpis_attempt(struct attempt *a, void *ctx)
{
	struct subject *s = ctx;
	struct bt_kpi_query q = {NULL, BT_TIME_NONE, BT_TIME_NONE};
	struct bt_kpis *kp = (struct bt_kpis *)a;
	struct bt_err err = {0, ""};
	struct bt_buf got = BT_BUF_INIT;
	arm(a);
	int rc = bt_engine_kpis(s->k.e, &q, &kp, &err);
	disarm(a);
	if (rc) {
		assert_enomem(a, rc, "the KPIs", err.msg);
		assert_null(kp);
		return;
	}
	assert_int_equal(bt_kpis_json(kp, &got), 0);
	assert_string_equal(got.data, s->want.data);
	bt_buf_release(&got);
	bt_kpis_free(kp);
}

static void alloc_failure_kpis(void **state)
{
	(void)state;
	struct subject s;
	subject_init(&s, history, 1);
	under_allocation_failure("the KPIs", kpis_attempt, &s);
	subject_done(&s);
}

/* The engine built from a database: events read back, identity loaded,
 * the stored configuration read, derivation. */
static void engine_from_db_attempt(struct attempt *a, void *ctx)
{
	struct subject *s = ctx;
	struct bt_engine *e = (struct bt_engine *)a;
	struct bt_err err = {0, ""};
	arm(a);
	int rc = bt_engine_from_db(s->db, s->k.cfg, BT_TIME_NONE, &e, &err);
	disarm(a);
	if (rc) {
		assert_enomem(a, rc, "the engine from the database", err.msg);
		assert_null(e);
		return;
	}
	assert_same_kpis(s, e);
	bt_engine_free(e);
}

static void alloc_failure_engine_from_db(void **state)
{
	(void)state;
	struct subject s;
	struct bt_ingest_stats st;
	subject_init(&s, history, 1);
	tmpdb_make(&s.t, "ingest");
	s.db = db_open(&s.t, s.k.cfg);
	assert_int_equal(ingest(s.db, s.k.nd.data, s.k.nd.len, &st), 0);
	under_allocation_failure("the engine from the database", engine_from_db_attempt, &s);
	bt_db_close(s.db);
	tmpdb_remove(&s.t);
	subject_done(&s);
}

/* After a failed ingest the database holds nothing of the batch, on the
 * handle that failed and reopened. */
static void assert_nothing_written(const struct tmpdb *t, struct bt_db *db)
{
	struct bt_summary zero, s = summary(db);
	memset(&zero, 0, sizeof(zero));
	assert_summary_equal(&s, &zero);
	struct bt_db *again = db_open(t, NULL);
	s = summary(again);
	assert_summary_equal(&s, &zero);
	bt_db_close(again);
}

/* A durable ingest into a new database.  A failed one must leave it as it
 * was (empty), and the handle that saw the failure must then ingest the
 * same history exactly as a fresh one does; a successful one must store
 * what a clean run stores. */
static void durable_ingest_attempt(struct attempt *a, void *ctx)
{
	struct subject *s = ctx;
	struct bt_ingest_stats st = {0};
	struct bt_db *db = db_open(&s->t, s->k.cfg);
	arm(a);
	int rc = ingest(db, s->k.nd.data, s->k.nd.len, &st);
	disarm(a);
	if (rc) {
		assert_enomem(a, rc, "a durable ingest", NULL);
		assert_nothing_written(&s->t, db);
		assert_int_equal(ingest(db, s->k.nd.data, s->k.nd.len, &st), 0);
	}
	assert_int_equal(st.accepted, s->want_st.accepted);
	assert_int_equal(st.duplicates, s->want_st.duplicates);
	assert_int_equal(st.rejected, s->want_st.rejected);
	assert_int_equal(st.refused, s->want_st.refused);
	struct bt_summary got = summary(db);
	assert_summary_equal(&got, &s->want_sum);
	bt_db_close(db);
	tmpdb_clear(&s->t);
}

static void alloc_failure_durable_ingest(void **state)
{
	(void)state;
	struct subject s;
	subject_init(&s, history, 1);
	tmpdb_make(&s.t, "ingest");
	struct bt_db *db = db_open(&s.t, s.k.cfg);
	assert_int_equal(ingest(db, s.k.nd.data, s.k.nd.len, &s.want_st), 0);
	s.want_sum = summary(db);
	bt_db_close(db);
	tmpdb_clear(&s.t);
	under_allocation_failure("a durable ingest", durable_ingest_attempt, &s);
	tmpdb_remove(&s.t);
	subject_done(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(durable_ingest_counts),
		cmocka_unit_test(batches_and_arrival_order_do_not_matter),
		cmocka_unit_test(unreadable_stored_config_stops_the_ingest),
		cmocka_unit_test(alloc_failure_stream_engine),
		cmocka_unit_test(alloc_failure_kpis),
		cmocka_unit_test(alloc_failure_engine_from_db),
		cmocka_unit_test(alloc_failure_large_history),
		cmocka_unit_test(alloc_failure_durable_ingest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
