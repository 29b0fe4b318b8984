/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_erase.c - erasure as a property (docs/identity.md, Erasure): on random
 * histories, erasing any person must succeed, leave no byte of their
 * identifiers in any database file, and leave everybody else as they were.
 *
 * Each seed generates a history of a dozen people: some with a customer_id
 * (some with two, which conflict), some with only e-mail and phone; events
 * carry a few of their identifiers in varying raw forms, junk values
 * beside real ones (`{"email":"anonymous","customer_id":...}`), sometimes
 * an identifier of somebody else (a merge, or a conflict when both hold a
 * customer_id), and some records are rejected (dead letters).  The history
 * is ingested in a few batches, so people share event-log segments.  Then
 * people are erased one after another, chosen at random, and after each:
 *  - bt_erase returns 0 and the person's profile is gone;
 *  - no raw form and no normalised value of any of their identifiers is
 *    found in the database file, its WAL or its shared memory;
 *  - every other profile keeps its identifiers and its event count;
 *  - every event that is not the person's reads back exactly as it was
 *    sent, less the person's identifiers (worked out here from the
 *    generator's own records: the strongest usable identifier decides
 *    whose an event is, docs/identity.md);
 *  - the KPIs equal those of the surviving events ingested afresh.
 * The seeds are fixed, so a failure repeats.
 */
#define _GNU_SOURCE 1 /* memmem */
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
#include "baton/buf.h"
#include "baton/config.h"
#include "baton/view.h"
#include "baton/engine.h"

#define NPEOPLE 12
#define NEVENTS 420
#define NERASE 4
#define MAXIDS 6   /* identifiers of one person */
#define MAXEV 6    /* identifier values of one event */

static uint64_t rng;

static uint64_t next(void) /* splitmix64 */
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int pick(int n) { return (int)(next() % (uint64_t)n); }

/* One identifier of a person: its type, normal form ("type:value") and the
 * raw forms in which it is sent. */
struct ident {
	const char *type;
	char norm[64];
	char raw[3][64];
	int nraw;
};

struct person {
	struct ident id[MAXIDS];
	int n;
};

/* One value in an event's ids: the raw text, and its normal form (NULL for
 * a junk value, which never identifies anyone). */
struct val {
	const char *type;
	const char *raw;
	const char *norm;
};

struct event {
	char id[24];
	char ts[24];
	const char *source, *type, *outcome;
	int bad; /* missing 'source': rejected */
	struct val v[MAXEV];
	int nv;
	int arr[MAXEV]; /* the type's values are sent as an array (set on its first value) */
	int erased;     /* expected gone */
};

static struct person people[NPEOPLE];
static struct event events[NEVENTS + NERASE]; /* and a new customer after each erasure */
static int nevents;
/* what the histories held, over all seeds: each must have happened */
static int64_t merges, conflicts;
static size_t scrubbed, dead_erased, erasures;

static int rank(const char *norm)
{
	static const char *const strong[] = {"customer_id:", "user_id:", "email:", "phone:"};
	for (int i = 0; i < 4; i++)
		if (!strncmp(norm, strong[i], strlen(strong[i])))
			return i;
	return 4;
}

static void add_ident(struct person *p, const char *type, const char *value, const char *r1,
		      const char *r2)
{
	struct ident *d = &p->id[p->n++];
	d->type = type;
	snprintf(d->norm, sizeof(d->norm), "%s:%s", type, value);
	snprintf(d->raw[0], sizeof(d->raw[0]), "%s", value);
	snprintf(d->raw[1], sizeof(d->raw[1]), "%s", r1);
	snprintf(d->raw[2], sizeof(d->raw[2]), "%s", r2);
	d->nraw = 3;
}

/* People whose identifiers are unique strings of fixed width, so that no
 * value is part of another and a search of the files cannot match by
 * chance. */
static void make_people(int seed)
{
	memset(people, 0, sizeof(people));
	for (int k = 0; k < NPEOPLE; k++) {
		struct person *p = &people[k];
		char v[64], a[64], b[64];
		int kind = pick(10);
		if (kind < 6) {
			snprintf(v, sizeof(v), "CUST-%02d-%03d-Q", seed, k);
			snprintf(a, sizeof(a), "  CUST-%02d-%03d-Q ", seed, k);
			add_ident(p, "customer_id", v, a, v);
			if (kind == 0) { /* a second customer_id: a conflict when both come */
				snprintf(v, sizeof(v), "CUST-%02d-%03d-R", seed, k);
				add_ident(p, "customer_id", v, v, v);
			}
		}
		snprintf(v, sizeof(v), "p%03d.s%02d.mail@erase.example", k, seed);
		snprintf(a, sizeof(a), "P%03d.S%02d.Mail@Erase.EXAMPLE", k, seed);
		snprintf(b, sizeof(b), " p%03d.s%02d.MAIL@erase.example ", k, seed);
		add_ident(p, "email", v, a, b);
		if (pick(2)) {
			snprintf(v, sizeof(v), "+4477009%02d%03d", seed, k);
			snprintf(a, sizeof(a), "+44 7700 9%02d %03d", seed, k);
			snprintf(b, sizeof(b), "+44 (7700) 9%02d-%03d", seed, k);
			add_ident(p, "phone", v, a, b);
		}
		if (pick(3) == 0) {
			snprintf(v, sizeof(v), "uid-%02d-%03d-x", seed, k);
			add_ident(p, "user_id", v, v, v);
		}
	}
}

static void add_val(struct event *e, const char *type, const char *raw, const char *norm, int arr)
{
	for (int i = 0; i < e->nv; i++)
		if (!strcmp(e->v[i].type, type) && !strcmp(e->v[i].raw, raw))
			return; /* once per event */
	e->arr[e->nv] = arr;
	e->v[e->nv++] = (struct val){type, raw, norm};
}

static void add_ident_val(struct event *e, const struct ident *d, int arr)
{
	add_val(e, d->type, d->raw[pick(d->nraw)], d->norm, arr);
}

static void make_events(int seed)
{
	static const char *const junk[][2] = {{"email", "anonymous"}, {"customer_id", "null"},
					      {"phone", "0000000"}, {"user_id", "test"},
					      {"email", "[object Object]"}};
	static const char *const types[] = {"dispute.opened", "dispute.update", "chat.ended",
					    "call.ended"};
	static const char *const sources[] = {"chatbot", "phone", "billing-sys", "app"};
	static const char *const outcomes[] = {NULL, NULL, "resolved", "contained", "unresolved"};
	memset(events, 0, sizeof(events));
	nevents = NEVENTS;
	for (int i = 0; i < NEVENTS; i++) {
		struct event *e = &events[i];
		struct person *p = &people[pick(NPEOPLE)];
		snprintf(e->id, sizeof(e->id), "s%02d-e%04d", seed, i);
		snprintf(e->ts, sizeof(e->ts), "2026-03-%02dT%02d:%02d:00Z", 1 + i / 20, (i / 3) % 24,
			 i % 60);
		e->type = types[pick(4)];
		e->source = sources[pick(4)];
		e->outcome = outcomes[pick(5)];
		e->bad = pick(25) == 0;
		int all_junk = pick(40) == 0;
		if (!all_junk)
			for (int k = 0, m = 1 + pick(3); k < m; k++)
				add_ident_val(e, &p->id[pick(p->n)], 0);
		if (all_junk || pick(5) == 0) {
			int j = pick(5);
			add_val(e, junk[j][0], junk[j][1], NULL, 0);
		}
		if (pick(8) == 0) { /* somebody else's identifier: a merge or a conflict */
			struct person *q = &people[pick(NPEOPLE)];
			add_ident_val(e, &q->id[pick(q->n)], 0);
		}
		if (pick(12) == 0 && p->n > 1 && !strcmp(p->id[1].type, "customer_id")) {
			/* two customer_ids in one array: the second is refused */
			e->nv = 0;
			add_ident_val(e, &p->id[0], 1);
			add_ident_val(e, &p->id[1], 1);
		}
	}
}

static int is_gone(const char *norm, const char *const *gone, size_t ngone)
{
	for (size_t i = 0; norm && i < ngone; i++)
		if (!strcmp(norm, gone[i]))
			return 1;
	return 0;
}

/* The event's JSON as sent, without the values whose normal form is in
 * gone: what erasure must leave of it. */
static void emit(struct bt_buf *b, const struct event *e, const char *const *gone, size_t ngone)
{
	bt_buf_printf(b, "{\"id\":\"%s\",\"ts\":\"%s\",", e->id, e->ts);
	if (!e->bad)
		bt_buf_printf(b, "\"source\":\"%s\",", e->source);
	bt_buf_printf(b, "\"type\":\"%s\",\"ids\":{", e->type);
	int firsttype = 1;
	for (int i = 0; i < e->nv; i++) {
		int seen = 0;
		for (int j = 0; j < i; j++)
			seen |= !strcmp(e->v[j].type, e->v[i].type);
		if (seen)
			continue; /* written with the first value of its type */
		int kept = 0;
		for (int j = i; j < e->nv; j++) {
			if (strcmp(e->v[j].type, e->v[i].type) || is_gone(e->v[j].norm, gone, ngone))
				continue;
			if (!kept)
				bt_buf_printf(b, "%s\"%s\":%s", firsttype ? "" : ",", e->v[i].type,
					      e->arr[i] ? "[" : "");
			else
				bt_buf_addc(b, ',');
			bt_buf_json_strz(b, e->v[j].raw);
			firsttype = 0;
			kept = 1;
		}
		if (kept && e->arr[i])
			bt_buf_addc(b, ']');
	}
	bt_buf_addc(b, '}');
	if (e->outcome)
		bt_buf_printf(b, ",\"outcome\":\"%s\"", e->outcome);
	bt_buf_addc(b, '}');
}

/* An event's arrays: every value of a type goes in one array when the
 * first of them asked for it (add_val set arr on that one). */
static void fix_arrays(struct event *e)
{
	for (int i = 0; i < e->nv; i++)
		for (int j = 0; j < i; j++)
			if (!strcmp(e->v[j].type, e->v[i].type)) {
				e->arr[i] = e->arr[j] = 1;
				break;
			}
}

/* The strongest usable identifier of e (docs/identity.md), or NULL when every one is junk. */
static const char *anchor(const struct event *e)
{
	const char *best = NULL;
	for (int i = 0; i < e->nv; i++) {
		const char *n = e->v[i].norm;
		if (n && (!best || rank(n) < rank(best) || (rank(n) == rank(best) && strcmp(n, best) < 0)))
			best = n;
	}
	return best;
}

static int64_t root_of(struct bt_db *db, const char *ident)
{
	struct bt_profile *p = NULL;
	struct bt_err err;
	if (bt_profile_get(db, ident, &p, &err))
		return 0;
	int64_t r = p->id;
	bt_profile_free(p);
	return r;
}

static const struct ident *find_ident(const char *norm)
{
	for (int k = 0; k < NPEOPLE; k++)
		for (int i = 0; i < people[k].n; i++)
			if (!strcmp(people[k].id[i].norm, norm))
				return &people[k].id[i];
	return NULL;
}

static char *lower(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	assert_non_null(d);
	for (size_t i = 0; i < n; i++)
		d[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
	d[n] = '\0';
	return d;
}

/* Is needle (case-insensitive) anywhere in the file? */
static int file_holds(const char *path, const char *needle)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	struct bt_buf b = BT_BUF_INIT;
	char chunk[65536];
	size_t got;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		bt_buf_add(&b, chunk, got);
	fclose(f);
	char *hay = lower(b.data ? b.data : "", b.len);
	char *ndl = lower(needle, strlen(needle));
	int found = memmem(hay, b.len, ndl, strlen(ndl)) != NULL;
	free(hay);
	free(ndl);
	bt_buf_release(&b);
	return found;
}

/* Every form of an identifier that must be gone: the raw forms (trimmed),
 * the normalised value, and a phone's digits. */
static void assert_no_trace(const char *path, const struct ident *d)
{
	static const char *const suffix[] = {"", "-wal", "-shm"};
	char forms[6][64];
	int nf = 0;
	for (int i = 0; i < d->nraw; i++) {
		const char *r = d->raw[i];
		size_t n = strlen(r);
		while (*r == ' ')
			r++, n--;
		while (n && r[n - 1] == ' ')
			n--;
		snprintf(forms[nf++], sizeof(forms[0]), "%.*s", (int)n, r);
	}
	snprintf(forms[nf++], sizeof(forms[0]), "%s", strchr(d->norm, ':') + 1);
	if (!strcmp(d->type, "phone"))
		snprintf(forms[nf++], sizeof(forms[0]), "%s", strchr(d->norm, ':') + 2);
	for (int s = 0; s < 3; s++) {
		char f[256];
		snprintf(f, sizeof(f), "%s%s", path, suffix[s]);
		for (int i = 0; i < nf; i++)
			if (file_holds(f, forms[i])) {
				print_error("'%s' of %s is still in %s\n", forms[i], d->norm, f);
				fail();
			}
	}
}

/* Profiles of everyone else, as (identifier that finds it, root, its
 * identifiers joined, its event count). */
struct snap {
	char ident[64];
	int64_t root, events;
	struct bt_buf idents;
};

static size_t snapshot(struct bt_db *db, struct snap *out, int64_t skip_root)
{
	size_t n = 0;
	for (int k = 0; k < NPEOPLE; k++)
		for (int i = 0; i < people[k].n; i++) {
			struct bt_profile *p = NULL;
			struct bt_err err;
			if (bt_profile_get(db, people[k].id[i].norm, &p, &err))
				continue;
			if (p->id != skip_root) {
				struct snap *s = &out[n++];
				snprintf(s->ident, sizeof(s->ident), "%s", people[k].id[i].norm);
				s->root = p->id;
				s->events = p->events;
				s->idents = (struct bt_buf)BT_BUF_INIT;
				for (size_t j = 0; j < p->nidentifiers; j++)
					bt_buf_printf(&s->idents, "%s ", p->identifiers[j]);
			}
			bt_profile_free(p);
		}
	return n;
}

static void kpis_of(struct bt_engine *e, struct bt_buf *out)
{
	struct bt_kpi_query q = {NULL, BT_TIME_NONE, BT_TIME_NONE};
	struct bt_kpis *k = NULL;
	struct bt_err err;
	assert_int_equal(bt_engine_kpis(e, &q, &k, &err), 0);
	k->profiles = 0; /* profiles without an event remain after an erasure: not compared */
	assert_int_equal(bt_kpis_json(k, out), 0);
	bt_kpis_free(k);
}

static const char config_yaml[] =
	"teams: [{id: digital}, {id: service}, {id: billing}]\n"
	"people: [{id: maria, name: Maria, team: billing}]\n"
	"journeys:\n"
	"  - {id: dispute, name: Dispute, owner: maria, match: [{types: [\"dispute.*\"]}],\n"
	"     opens_on: [dispute.opened], sensitive: true}\n"
	"  - {id: support, name: Support, owner: maria, match: [{types: [\"chat.*\", \"call.*\"]}]}\n"
	"touchpoints:\n"
	"  - {id: chatbot, channel: chat, team: digital}\n"
	"  - {id: phone, channel: voice, team: service}\n"
	"  - {id: billing-sys, team: billing}\n"
	"  - {id: app, channel: app, team: digital}\n";

static void one_history(int seed)
{
	char dir[] = "/tmp/baton-test-erase-XXXXXX", path[256];
	struct bt_db *db = NULL;
	struct bt_config *cfg = NULL;
	struct bt_err err;
	const char *gone[NPEOPLE * MAXIDS];
	size_t ngone = 0;
	rng = 0x5eed0000u + (uint64_t)seed;
	make_people(seed);
	make_events(seed);
	for (int i = 0; i < NEVENTS; i++)
		fix_arrays(&events[i]);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/erase.db", dir);
	assert_int_equal(bt_db_open(&db, path, 0, &err), 0);
	assert_int_equal(bt_config_parse("test", config_yaml, sizeof(config_yaml) - 1, &cfg, NULL,
					 NULL, &err),
			 0);
	assert_int_equal(bt_db_config_set(db, cfg, &err), 0);

	/* ingested in batches of varied size: people share segments */
	for (int i = 0; i < NEVENTS;) {
		int m = 30 + pick(150);
		struct bt_buf nd = BT_BUF_INIT;
		struct bt_ingest *in = NULL;
		for (int k = i; k < i + m && k < NEVENTS; k++) {
			emit(&nd, &events[k], NULL, 0);
			bt_buf_addc(&nd, '\n');
		}
		assert_int_equal(bt_ingest_begin(db, "gen", &in, &err), 0);
		assert_int_equal(bt_ingest_buffer(in, nd.data, nd.len, BT_FMT_NDJSON, NULL, NULL, &err), 0);
		assert_int_equal(bt_ingest_end(in, NULL, &err), 0);
		bt_buf_release(&nd);
		i += m;
	}
	for (int i = 0; i < NEVENTS; i++)
		events[i].erased = events[i].bad || !anchor(&events[i]);
	struct bt_summary sum;
	assert_int_equal(bt_summary_get(db, &sum, &err), 0);
	merges += sum.merges;
	conflicts += sum.conflicts;

	for (int round = 0; round < NERASE; round++) {
		/* somebody still there, by one of their identifiers */
		const struct ident *who = NULL;
		int64_t root = 0;
		for (int tries = 0; tries < 100 && !root; tries++) {
			struct person *p = &people[pick(NPEOPLE)];
			who = &p->id[pick(p->n)];
			root = root_of(db, who->norm);
		}
		if (!root)
			break;
		struct bt_profile *victim = NULL;
		assert_int_equal(bt_profile_get(db, who->norm, &victim, &err), 0);
		for (int i = 0; i < nevents; i++)
			if (!events[i].erased && root_of(db, anchor(&events[i])) == root)
				events[i].erased = 1;
		struct snap before[NPEOPLE * MAXIDS], after[NPEOPLE * MAXIDS];
		size_t nb = snapshot(db, before, root);

		struct bt_erase_stats st;
		if (bt_erase(db, who->norm, &st, &err)) {
			print_error("seed %d: erasing %s failed: %s\n", seed, who->norm, err.msg);
			fail();
		}
		assert_int_equal(st.profile, root);
		scrubbed += st.scrubbed;
		dead_erased += st.dead_letters;
		erasures++;
		assert_int_equal(root_of(db, who->norm), 0);

		for (size_t i = 0; i < victim->nidentifiers; i++) {
			const struct ident *d = find_ident(victim->identifiers[i]);
			assert_non_null(d);
			gone[ngone++] = d->norm;
			assert_no_trace(path, d);
		}
		bt_profile_free(victim);

		size_t na = snapshot(db, after, 0);
		assert_int_equal(na, nb);
		for (size_t i = 0; i < nb; i++) {
			assert_string_equal(after[i].ident, before[i].ident);
			assert_int_equal(after[i].root, before[i].root);
			assert_int_equal(after[i].events, before[i].events);
			assert_string_equal(after[i].idents.data, before[i].idents.data);
			bt_buf_release(&before[i].idents);
			bt_buf_release(&after[i].idents);
		}

		/* each event: gone, or as sent less the erased identifiers */
		struct bt_buf want = BT_BUF_INIT, nd = BT_BUF_INIT;
		for (int i = 0; i < nevents; i++) {
			char *json = NULL;
			size_t len = 0;
			int rc = bt_event_get(db, events[i].id, &json, &len, &err);
			if (events[i].erased) {
				assert_int_equal(rc, BT_ENOTFOUND);
				continue;
			}
			assert_int_equal(rc, 0);
			bt_buf_reset(&want);
			emit(&want, &events[i], gone, ngone);
			assert_string_equal(json, want.data);
			bt_buf_addc(&want, '\n');
			bt_buf_add(&nd, want.data, want.len);
			bt_free(json);
		}

		/* the KPIs of what is left, as if it had come alone */
		struct bt_engine *e1 = NULL, *e2 = NULL;
		struct bt_buf k1 = BT_BUF_INIT, k2 = BT_BUF_INIT;
		int64_t as_of;
		assert_int_equal(bt_time_parse("2026-05-01", 10, &as_of), 0);
		assert_int_equal(bt_engine_from_db(db, cfg, as_of, &e1, &err), 0);
		FILE *f = fmemopen(nd.data ? nd.data : (char *)"\n", nd.len ? nd.len : 1, "r");
		assert_non_null(f);
		assert_int_equal(bt_engine_from_stream(f, BT_FMT_NDJSON, cfg, as_of, NULL, NULL, NULL,
						       &e2, &err),
				 0);
		fclose(f);
		kpis_of(e1, &k1);
		kpis_of(e2, &k2);
		assert_string_equal(k1.data, k2.data);
		bt_engine_free(e1);
		bt_engine_free(e2);
		bt_buf_release(&k1);
		bt_buf_release(&k2);
		bt_buf_release(&want);
		bt_buf_release(&nd);

		/* a new customer after the erasure gets a profile of their own */
		struct event *e = &events[nevents++];
		static char fresh[NERASE][40];
		snprintf(fresh[round], sizeof(fresh[round]), "FRESH-%02d-%d", seed, round);
		snprintf(e->id, sizeof(e->id), "s%02d-fresh%d", seed, round);
		snprintf(e->ts, sizeof(e->ts), "2026-04-01T10:00:00Z");
		e->source = "app", e->type = "chat.ended", e->outcome = NULL;
		e->v[0] = (struct val){"customer_id", fresh[round], NULL};
		e->nv = 1;
		struct bt_buf one = BT_BUF_INIT;
		struct bt_ingest *in = NULL;
		struct bt_ingest_stats ist;
		emit(&one, e, NULL, 0);
		assert_int_equal(bt_ingest_begin(db, "gen", &in, &err), 0);
		assert_int_equal(bt_ingest_json(in, one.data, one.len, 1, &err), BT_INGEST_ACCEPTED);
		assert_int_equal(bt_ingest_end(in, &ist, &err), 0);
		bt_buf_release(&one);
		char ident[64];
		snprintf(ident, sizeof(ident), "customer_id:%.39s", fresh[round]);
		int64_t r = root_of(db, ident);
		assert_true(r > 0 && r != root);
		/* its value is not erased: anchor() and emit() need its normal form */
		static char norm[NERASE][64];
		snprintf(norm[round], sizeof(norm[round]), "%s", ident);
		e->v[0].norm = norm[round];
	}
	bt_config_free(cfg);
	bt_db_close(db);
	static const char *const suffix[] = {"", "-wal", "-shm", ".key"};
	for (int s = 0; s < 4; s++) {
		char f[300];
		snprintf(f, sizeof(f), "%s%s", path, suffix[s]);
		unlink(f);
	}
	rmdir(dir);
}

static void erasure_on_random_histories(void **state)
{
	(void)state;
	for (int seed = 1; seed <= 16; seed++)
		one_history(seed);
	/* the histories were what this test is about */
	assert_true(merges > 0);
	assert_true(conflicts > 0);
	assert_true(scrubbed > 0);
	assert_true(dead_erased > 0);
	assert_int_equal(erasures, 16 * NERASE);
	print_message("%zu erasures; %lld merges, %lld conflicts; %zu events of others scrubbed, "
		      "%zu dead letters erased\n",
		      erasures, (long long)merges, (long long)conflicts, scrubbed, dead_erased);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(erasure_on_random_histories),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
