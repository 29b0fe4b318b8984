/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_pgstore.c - the store contract (src/store/store.h) on both
 * backends: SQLite, and PostgreSQL (src/store/pg.c) when tests/pg.sh gave
 * one (BATON_TEST_PG_DIR; without it the PostgreSQL cases skip, saying
 * so).  Each case runs the same calls on a new SQLite file and on a new
 * PostgreSQL database and checks the hand-worked answers on both:
 * settings, tokens, dead letters a page at a time, events by number, and
 * two writers of one database deciding identity as one would.
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
#include <libpq-fe.h>

#include "baton/baton.h"
#include "place.h"
#include "db.h"
#include "store/store.h"

#define KEY "test-secret-of-at-least-thirty-two-characters"

/* Where a case runs: a SQLite file, or a PostgreSQL database. */
struct where {
	int pg;
	struct place pl;
	char uri[256];
};

/* A new PostgreSQL database owned by the role baton (made by the
 * superuser of the throw-away server); 0 when there is no server. */
static int pg_new(struct where *w, const char *name)
{
	static int count;
	const char *dir = getenv("BATON_TEST_PG_DIR");
	char admin[200], q[320], db[64];
	if (!dir || !dir[0])
		return 0;
	snprintf(admin, sizeof(admin), "postgresql://postgres@/postgres?host=%s", dir);
	PGconn *c = PQconnectdb(admin);
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	snprintf(db, sizeof(db), "t_%.20s_%d_%d", name, (int)getpid(), count++);
	snprintf(q, sizeof(q), "CREATE DATABASE %s OWNER baton", db);
	PGresult *r = PQexec(c, q);
	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	PQfinish(c);
	snprintf(w->uri, sizeof(w->uri), "postgresql://baton@/%s?host=%.150s", db, dir);
	w->pg = 1;
	return 1;
}

/* Both places of a case: [0] SQLite, [1] PostgreSQL (when there is one);
 * the count. */
static int places(struct where w[2], const char *name)
{
	memset(w, 0, 2 * sizeof(*w));
	setenv("BATON_SECRET_KEY", KEY, 1);
	place_make(&w[0].pl, name);
	snprintf(w[0].uri, sizeof(w[0].uri), "%s", w[0].pl.path);
	if (pg_new(&w[1], name))
		return 2;
	printf("skip - %s on PostgreSQL: no BATON_TEST_PG_DIR (run under tests/pg.sh run)\n", name);
	return 1;
}

static void places_remove(struct where w[2])
{
	place_remove(&w[0].pl);
}

static struct bt__store *store_open(const struct where *w)
{
	struct bt__store *s = NULL;
	struct bt_err err = {0, ""};
	int rc = bt__store_open(&s, w->uri, 0, &err);
	if (rc)
		fail_msg("%s: %s", w->pg ? "postgresql" : "sqlite", err.msg);
	return s;
}

/* Settings: bytes as given (a NUL inside too), a key not set: not found. */
static void settings(void **state)
{
	struct where w[2];
	(void)state;
	for (int k = 0, n = places(w, "settings"); k < n; k++) {
		struct bt__store *s = store_open(&w[k]);
		struct bt_err err;
		char *v = NULL;
		size_t len = 0;
		assert_int_equal(s->ops->config.get(s, "nothing", &v, &len, &err), BT_ENOTFOUND);
		assert_int_equal(s->ops->txn.begin(s, &err), 0);
		assert_int_equal(s->ops->config.set(s, "x", "a\0b", 3, &err), 0);
		assert_int_equal(s->ops->config.set(s, "x", "a\0bc", 4, &err), 0); /* replaced */
		assert_int_equal(s->ops->txn.commit(s, &err), 0);
		assert_int_equal(s->ops->config.get(s, "x", &v, &len, &err), 0);
		assert_int_equal(len, 4);
		assert_memory_equal(v, "a\0bc", 5); /* and NUL-terminated */
		free(v);
		/* a rolled-back write is not there */
		assert_int_equal(s->ops->txn.begin(s, &err), 0);
		assert_int_equal(s->ops->config.set(s, "y", "1", 1, &err), 0);
		s->ops->txn.rollback(s);
		assert_int_equal(s->ops->config.get(s, "y", &v, &len, &err), BT_ENOTFOUND);
		/* a key derived for a purpose: 32 bytes, the same for the same
		 * BATON_SECRET_KEY on both backends */
		unsigned char a[32], b[32];
		assert_int_equal(s->ops->config.key(s, "webhooks", a, &err), 0);
		assert_int_equal(s->ops->config.key(s, "other", b, &err), 0);
		assert_memory_not_equal(a, b, 32);
		s->ops->close(s);
	}
	places_remove(w);
}

/* Tokens: made, found by hash, listed in order, revoked once. */
static void tokens(void **state)
{
	struct where w[2];
	(void)state;
	for (int k = 0, n = places(w, "tokens"); k < n; k++) {
		struct bt__store *s = store_open(&w[k]);
		struct bt_err err;
		unsigned char h1[32], h2[32], h3[32];
		memset(h1, 1, 32), memset(h2, 2, 32), memset(h3, 3, 32);
		const char *v1[4] = {"owner", NULL, "maria", "laptop"};
		const char *v2[4] = {"team", "billing", NULL, NULL};
		int64_t id1, id2;
		assert_int_equal(s->ops->txn.begin(s, &err), 0);
		assert_int_equal(s->ops->tokens.insert(s, h1, v1, 1000, &id1, &err), 0);
		assert_int_equal(s->ops->tokens.insert(s, h2, v2, 2000, &id2, &err), 0);
		assert_int_equal(s->ops->txn.commit(s, &err), 0);
		assert_int_equal(id1, 1);
		assert_int_equal(id2, 2);
		struct bt_token t;
		assert_int_equal(s->ops->tokens.find(s, h3, &t, &err), BT_ENOTFOUND);
		assert_int_equal(s->ops->tokens.find(s, h1, &t, &err), 0);
		assert_int_equal(t.id, 1);
		assert_int_equal(t.role, bt_role_parse("owner"));
		assert_null(t.team);
		assert_string_equal(t.person, "maria");
		assert_string_equal(t.name, "laptop");
		assert_int_equal(t.created, 1000);
		assert_int_equal(t.revoked, 0);
		bt_token_release(&t);
		assert_int_equal(s->ops->txn.begin(s, &err), 0);
		assert_int_equal(s->ops->tokens.revoke(s, 2, 3000, &err), 0);
		assert_int_equal(s->ops->tokens.revoke(s, 2, 4000, &err), BT_ENOTFOUND);
		assert_int_equal(s->ops->tokens.revoke(s, 9, 4000, &err), BT_ENOTFOUND);
		assert_int_equal(s->ops->txn.commit(s, &err), 0);
		struct bt_token *all = NULL;
		size_t nt = 0;
		assert_int_equal(s->ops->tokens.list(s, &all, &nt, &err), 0);
		assert_int_equal(nt, 2);
		assert_string_equal(all[1].team, "billing");
		assert_int_equal(all[1].revoked, 3000); /* the first revocation stays */
		bt_tokens_free(all, nt);
		s->ops->close(s);
	}
	places_remove(w);
}

/* Dead letters: written by write_batch, each record once; a page at a time
 * by count and by bytes; usage; removal. */
static void dead_letters(void **state)
{
	struct where w[2];
	(void)state;
	for (int k = 0, n = places(w, "dead"); k < n; k++) {
		struct bt__store *s = store_open(&w[k]);
		struct bt_err err;
		/* four records of 10, 20, 30 and 10 bytes; the last is the first
		 * again: kept once (3 rows, 60 bytes) */
		static const char *const raw[] = {"aaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbb",
						  "cccccccccccccccccccccccccccccc", "aaaaaaaaaa"};
		struct bt__store_dead d[4];
		for (int i = 0; i < 4; i++)
			d[i] = (struct bt__store_dead){"f.ndjson", i + 1,	   "json", "bad",
						       raw[i],	   strlen(raw[i]), 0};
		struct bt__batch b;
		memset(&b, 0, sizeof(b));
		b.dead = d, b.ndead = 4;
		assert_int_equal(s->ops->txn.begin(s, &err), 0);
		assert_int_equal(s->ops->txn.write_batch(s, &b, NULL, &err), 0);
		assert_int_equal(s->ops->txn.commit(s, &err), 0);
		int64_t count, bytes;
		assert_int_equal(s->ops->dead.usage(s, &count, &bytes, &err), 0);
		assert_int_equal(count, 3);
		assert_int_equal(bytes, 60);
		struct bt_dead_letter *v = NULL;
		size_t nv;
		int more;
		/* two a page: 1, 2, more */
		assert_int_equal(s->ops->dead.list(s, 0, 2, 0, &v, &nv, &more, &err), 0);
		assert_int_equal(nv, 2);
		assert_int_equal(v[0].id, 1);
		assert_int_equal(v[1].id, 2);
		assert_int_equal(v[0].line, 4); /* the record again: its last place */
		assert_int_equal(more, 1);
		bt_dead_letters_free(v, nv);
		/* after 2, two a page: 3 only, no more */
		assert_int_equal(s->ops->dead.list(s, 2, 2, 0, &v, &nv, &more, &err), 0);
		assert_int_equal(nv, 1);
		assert_string_equal(v[0].raw, raw[2]);
		assert_int_equal(more, 0);
		bt_dead_letters_free(v, nv);
		/* at most 30 bytes: 10 + 20 reach it, so two, more */
		assert_int_equal(s->ops->dead.list(s, 0, 0, 30, &v, &nv, &more, &err), 0);
		assert_int_equal(nv, 2);
		assert_int_equal(more, 1);
		bt_dead_letters_free(v, nv);
		/* at most 29 bytes: 10 + 20 = 30 passes it after the second */
		assert_int_equal(s->ops->dead.list(s, 0, 0, 29, &v, &nv, &more, &err), 0);
		assert_int_equal(nv, 2);
		bt_dead_letters_free(v, nv);
		/* at most 31 bytes: all three (30 < 31 after two) */
		assert_int_equal(s->ops->dead.list(s, 0, 0, 31, &v, &nv, &more, &err), 0);
		assert_int_equal(nv, 3);
		assert_int_equal(more, 0);
		bt_dead_letters_free(v, nv);
		assert_int_equal(s->ops->txn.begin(s, &err), 0);
		assert_int_equal(s->ops->dead.remove(s, 2, &err), 0);
		assert_int_equal(s->ops->dead.remove(s, 2, &err), BT_ENOTFOUND);
		assert_int_equal(s->ops->txn.commit(s, &err), 0);
		assert_int_equal(s->ops->dead.usage(s, &count, &bytes, &err), 0);
		assert_int_equal(count, 2);
		assert_int_equal(bytes, 40);
		s->ops->close(s);
	}
	places_remove(w);
}

/* Events by number, through the public ingest: get, each after a point. */
struct seen {
	int64_t seq[16];
	int n;
};

static int seen_cb(void *ctx, int64_t seq, uint32_t anchor, const char *raw, size_t n)
{
	struct seen *s = ctx;
	(void)anchor, (void)raw, (void)n;
	s->seq[s->n++] = seq;
	return 0;
}

static void ingest(struct bt_db *db, const char *json)
{
	struct bt_ingest *in = NULL;
	struct bt_ingest_stats st;
	struct bt_err err = {0, ""};
	assert_int_equal(bt_ingest_begin(db, "test", &in, &err), 0);
	if (bt_ingest_json(in, json, strlen(json), 1, &err) < 0)
		fail_msg("%s: %s", json, err.msg);
	assert_int_equal(bt_ingest_end(in, &st, &err), 0);
	assert_int_equal(st.accepted, 1);
}

static void ev(char *out, size_t n, int i, const char *ids)
{
	snprintf(out, n,
		 "{\"id\":\"e%d\",\"ts\":\"2026-03-01T10:%02d:00Z\",\"source\":\"web\","
		 "\"type\":\"call\",\"ids\":{%s}}",
		 i, i, ids);
}

static void events(void **state)
{
	struct where w[2];
	(void)state;
	for (int k = 0, n = places(w, "events"); k < n; k++) {
		struct bt_db *db = open_db(w[k].uri);
		struct bt_err err;
		char j[256];
		for (int i = 1; i <= 3; i++) {
			ev(j, sizeof(j), i, "\"user_id\":\"u1\"");
			ingest(db, j);
		}
		struct bt__store *s = db->store;
		struct seen a = {{0}, 0};
		assert_int_equal(s->ops->events.get(s, 2, seen_cb, &a, &err), 0);
		assert_int_equal(s->ops->events.get(s, 4, seen_cb, &a, &err), BT_ENOTFOUND);
		assert_int_equal(s->ops->events.get(s, 0, seen_cb, &a, &err), BT_ENOTFOUND);
		assert_int_equal(a.n, 1);
		assert_int_equal(a.seq[0], 2);
		/* after 1: 2 and 3; after 3 (the last): none; after 0: all */
		a.n = 0;
		assert_int_equal(s->ops->events.each(s, 1, seen_cb, &a, &err), 0);
		assert_int_equal(a.n, 2);
		assert_int_equal(a.seq[0], 2);
		assert_int_equal(a.seq[1], 3);
		a.n = 0;
		assert_int_equal(s->ops->events.each(s, 3, seen_cb, &a, &err), 0);
		assert_int_equal(a.n, 0);
		assert_int_equal(s->ops->events.each(s, 0, seen_cb, &a, &err), 0);
		assert_int_equal(a.n, 3);
		int64_t cnt;
		assert_int_equal(s->ops->events.count_of_profile(s, 1, &cnt, &err), 0);
		assert_int_equal(cnt, 3);
		a.n = 0;
		assert_int_equal(s->ops->events.of_profile(s, 1, seen_cb, &a, &err), 0);
		assert_int_equal(a.n, 3);
		/* another connection appends e4 for u1, and e5 for u2: this one's
		 * profile reads see e4, and not e5 */
		struct bt_db *other = open_db(w[k].uri);
		ev(j, sizeof(j), 4, "\"user_id\":\"u1\"");
		ingest(other, j);
		ev(j, sizeof(j), 5, "\"user_id\":\"u2\"");
		ingest(other, j);
		bt_db_close(other);
		assert_int_equal(s->ops->events.count_of_profile(s, 1, &cnt, &err), 0);
		assert_int_equal(cnt, 4);
		a.n = 0;
		assert_int_equal(s->ops->events.of_profile(s, 1, seen_cb, &a, &err), 0);
		assert_int_equal(a.n, 4);
		assert_int_equal(a.seq[3], 4);
		bt_db_close(db);
	}
	places_remove(w);
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
		off += (size_t)snprintf(
		    out + off, n - off, " [%s P%lld/P%lld]", p->conflicts[i].identifier,
		    (long long)p->conflicts[i].profile, (long long)p->conflicts[i].other_profile);
	bt_profile_free(p);
}

/* Two writers of one database, taking turns (A, B, A, ...), decide as one:
 *  e1 A  email a, phone 1     -> P1 {a, phone1}
 *  e2 B  customer_id C1, a    -> C1 joins P1
 *  e3 A  customer_id C2, b    -> P2 {C2, b}
 *  e4 B  C1, b                -> both hold a customer_id: conflict 1
 *  e5 A  user_id U1, phone 3  -> P3 {U1, phone3}
 *  e6 B  a, phone 3           -> P3 merged into P1
 * So: 6 events, live P1 and P2, 7 identifiers, 1 merge, 1 conflict.  Each
 * writer catches up with the other's rows (B before e6: e5's P3, U1 and
 * phone 3) instead of loading everything. */
static void two_writers(void **state)
{
	static const char *const ids[] = {
	    "\"email\":\"a@x.com\",\"phone\":\"+15550000001\"",
	    "\"customer_id\":\"C1\",\"email\":\"a@x.com\"",
	    "\"customer_id\":\"C2\",\"email\":\"b@x.com\"",
	    "\"customer_id\":\"C1\",\"email\":\"b@x.com\"",
	    "\"user_id\":\"U1\",\"phone\":\"+15550000003\"",
	    "\"email\":\"a@x.com\",\"phone\":\"+15550000003\"",
	};
	struct where w[2];
	(void)state;
	for (int k = 0, n = places(w, "writers"); k < n; k++) {
		struct bt_db *wr[2] = {open_db(w[k].uri), open_db(w[k].uri)};
		struct bt_err err;
		char j[256];
		for (int i = 0; i < 6; i++) {
			ev(j, sizeof(j), i + 1, ids[i]);
			ingest(wr[i % 2], j);
		}
		assert_int_equal(wr[1]->follow.loads, 1);
		assert_int_equal(wr[1]->follow.catchups, 2);
		struct bt_summary s;
		assert_int_equal(bt_summary_get(wr[0], &s, &err), 0);
		assert_int_equal(s.events, 6);
		assert_int_equal(s.profiles, 2);
		assert_int_equal(s.identifiers, 7);
		assert_int_equal(s.merges, 1);
		assert_int_equal(s.conflicts, 1);
		char p[512];
		profile_text(wr[0], "user_id:U1", p, sizeof(p));
		assert_string_equal(p, "P1 customer_id:C1 email:a@x.com phone:+15550000001 "
				       "phone:+15550000003 user_id:U1 [email:b@x.com P1/P2]");
		profile_text(wr[1], "email:b@x.com", p, sizeof(p));
		assert_string_equal(p, "P2 customer_id:C2 email:b@x.com [email:b@x.com P1/P2]");
		bt_db_close(wr[0]);
		bt_db_close(wr[1]);
	}
	places_remove(w);
}

/* A writer whose own commits are all there is never catches up (the data
 * version moves for the commits of others only); one commit of another
 * writer makes it catch up once, reading that one event; a transaction
 * rolled back is not taken for another's commit either. */
static void own_writes(void **state)
{
	struct where w[2];
	(void)state;
	for (int k = 0, n = places(w, "own"); k < n; k++) {
		struct bt_db *a = open_db(w[k].uri), *b = open_db(w[k].uri);
		struct bt_err err;
		char j[256];
		for (int i = 1; i <= 3; i++) {
			ev(j, sizeof(j), i, "\"user_id\":\"u1\"");
			ingest(a, j);
		}
		assert_int_equal(a->follow.loads, 1);
		assert_int_equal(a->follow.catchups, 0);
		ev(j, sizeof(j), 4, "\"user_id\":\"u2\"");
		ingest(b, j);
		ev(j, sizeof(j), 5, "\"user_id\":\"u1\"");
		ingest(a, j);
		assert_int_equal(a->follow.loads, 1);
		assert_int_equal(a->follow.catchups, 1);
		assert_int_equal(a->follow.events, 1); /* e4 */
		/* a transaction of a's own, rolled back */
		assert_int_equal(a->store->ops->txn.begin(a->store, &err), 0);
		a->store->ops->txn.rollback(a->store);
		ev(j, sizeof(j), 6, "\"user_id\":\"u1\"");
		ingest(a, j);
		assert_int_equal(a->follow.catchups, 1);
		bt_db_close(a);
		bt_db_close(b);
	}
	places_remove(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(settings),	    cmocka_unit_test(tokens),
	    cmocka_unit_test(dead_letters), cmocka_unit_test(events),
	    cmocka_unit_test(two_writers),  cmocka_unit_test(own_writes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
