/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kit.h - what the engine tests (test_derive.c, test_kpi.c, test_ingest.c)
 * share: a configuration, a way to write events, and the engine built from
 * them through the public API only (bt_config_parse, bt_engine_from_stream,
 * bt_engine_kpis, the list JSON), so that the tests do not depend on the
 * engine's private structs.
 *
 * Times are whole seconds from T0 = 2026-01-01T00:00:00Z and go into the
 * events as integer epoch seconds, so an expected value is plain arithmetic
 * on the numbers written in the test.
 *
 * The configuration (KIT_CONFIG) has two journeys, chosen so that every
 * window has a round size:
 *   dispute  owner maria; types dispute.*; opens_on dispute.opened;
 *            recontact 7d, abandonment 30d, handoff SLA 24h; sensitive
 *   order    owner tom; types order.*; recontact 1h, abandonment 2h,
 *            handoff SLA 10m; not sensitive
 * and touchpoints (source: channel, team):
 *   chatbot: chat, digital    phone: voice, service   billing-sys: -, billing
 *   mailer: email, marketing  app: app, digital       survey: -, -
 *
 * A customer is named by one string: "u1" is {"user_id":"u1"}; "email:a@x
 * phone:+1" is {"email":"a@x","phone":"+1"}.  Extra fields are written with
 * ' for " ("'outcome':'resolved'").  Every event must be accepted:
 * kit_run fails the test on a rejected one (a typo in a test's event would
 * otherwise quietly test nothing), unless expect_rejected says otherwise.
 *
 * Every function is static inline: each test program uses a part of them.
 */
#ifndef BT_TEST_KIT_H
#define BT_TEST_KIT_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baton/baton.h"
#include "baton/buf.h"
#include "baton/config.h"
#include "baton/engine.h"
#include "baton/json.h"
#include "baton/view.h"

#define T0 1767225600LL /* 2026-01-01T00:00:00Z */
#define MIN 60LL
#define HOUR 3600LL
#define DAY 86400LL
#define KIT_LATEST INT64_MIN /* kit_run: judge at the latest event */
#define KIT_NONE INT64_MIN   /* a time that is null */

static const char KIT_CONFIG[] =
	"teams: [{id: digital}, {id: service}, {id: billing}, {id: marketing}]\n"
	"people:\n"
	"  - {id: maria, name: Maria Lopez, team: billing}\n"
	"  - {id: tom, name: Tom Becker, team: service}\n"
	"journeys:\n"
	"  - id: dispute\n"
	"    name: Billing dispute\n"
	"    owner: maria\n"
	"    match: [{types: [\"dispute.*\"]}]\n"
	"    opens_on: [dispute.opened]\n"
	"    recontact_window: 7d\n"
	"    abandon_after: 30d\n"
	"    handoff_sla: 24h\n"
	"    sensitive: true\n"
	"  - id: order\n"
	"    name: Order\n"
	"    owner: tom\n"
	"    match: [{types: [\"order.*\"]}]\n"
	"    recontact_window: 1h\n"
	"    abandon_after: 2h\n"
	"    handoff_sla: 10m\n"
	"touchpoints:\n"
	"  - {id: chatbot, channel: chat, team: digital}\n"
	"  - {id: phone, channel: voice, team: service}\n"
	"  - {id: billing-sys, team: billing}\n"
	"  - {id: mailer, channel: email, team: marketing}\n"
	"  - {id: app, channel: app, team: digital}\n"
	"  - {id: survey}\n";

struct kit {
	struct bt_buf nd; /* the events, NDJSON, in arrival order */
	struct bt_config *cfg;
	struct bt_engine *e;
	struct bt_kpis *k;
	struct bt_ingest_stats st;
	size_t rejected;
	size_t expect_rejected; /* kit_run: how many rejections are meant */
	char why[256];          /* the first rejection */
};

/* An instance as the instance list shows it; times in seconds from T0. */
struct kinst {
	char id[16], journey[32], state[12], holder[32];
	int64_t opened, last_event, resolved;
	unsigned contacts, handoffs, failed, collisions;
	int recontacted;
};

/* A promise as the promise list shows it. */
struct kprom {
	char id[32], status[12], made_by[32], keeper[32], journey[32];
	int64_t made, due, kept;
	int cross_team;
};

static inline void kit_init_with(struct kit *k, const char *yaml)
{
	struct bt_err err = {0, ""};
	memset(k, 0, sizeof(*k));
	k->nd = (struct bt_buf)BT_BUF_INIT;
	if (bt_config_parse("kit", yaml, strlen(yaml), &k->cfg, NULL, NULL, &err)) {
		print_error("the test configuration does not parse: %s\n", err.msg);
		fail();
	}
}

static inline void kit_init(struct kit *k) { kit_init_with(k, KIT_CONFIG); }

static inline void kit_done(struct kit *k)
{
	bt_kpis_free(k->k);
	bt_engine_free(k->e);
	bt_config_free(k->cfg);
	bt_buf_release(&k->nd);
	k->k = NULL, k->e = NULL, k->cfg = NULL;
}

/* Append s with every ' turned into ". */
static inline void kit_quoted(struct bt_buf *b, const char *s)
{
	for (; *s; s++)
		assert_int_equal(bt_buf_addc(b, *s == '\'' ? '"' : *s), 0);
}

/* The ids object of a customer string (see above). */
static inline void kit_ids(struct bt_buf *b, const char *who)
{
	if (!strchr(who, ':')) {
		bt_buf_printf(b, "{\"user_id\":\"%s\"}", who);
		return;
	}
	bt_buf_addc(b, '{');
	for (const char *p = who; *p;) {
		const char *sp = strchr(p, ' '), *colon = strchr(p, ':');
		size_t n = sp ? (size_t)(sp - p) : strlen(p);
		assert_true(colon && colon < p + n);
		bt_buf_printf(b, "%s\"%.*s\":\"%.*s\"", p == who ? "" : ",", (int)(colon - p), p,
			      (int)(p + n - colon - 1), colon + 1);
		p += n;
		while (*p == ' ')
			p++;
	}
	bt_buf_addc(b, '}');
}

/* One event of customer who at T0 + t seconds; extra: more fields. */
static inline void ev(struct kit *k, const char *who, int64_t t, const char *source,
		      const char *type, const char *extra)
{
	bt_buf_printf(&k->nd, "{\"ts\":%lld,\"source\":\"%s\",\"type\":\"%s\",\"ids\":",
		      (long long)(T0 + t), source, type);
	kit_ids(&k->nd, who);
	if (extra && *extra) {
		bt_buf_addc(&k->nd, ',');
		kit_quoted(&k->nd, extra);
	}
	assert_int_equal(bt_buf_adds(&k->nd, "}\n"), 0);
}

static inline void kit_reject(void *ctx, long line, long index, const char *reason)
{
	struct kit *k = ctx;
	(void)index;
	if (!k->rejected++)
		snprintf(k->why, sizeof(k->why), "line %ld: %s", line, reason);
}

static inline int64_t kit_ms(int64_t t) { return t == KIT_LATEST ? BT_TIME_NONE : (T0 + t) * 1000; }

/* Build an engine from NDJSON text: judged at as_of (an offset from T0, or
 * KIT_LATEST). */
static inline int kit_engine(const struct bt_config *cfg, const char *nd, size_t len, int64_t as_of,
			     struct bt_engine **out, struct bt_ingest_stats *st, struct kit *k)
{
	struct bt_err err = {0, ""};
	FILE *f = fmemopen(len ? (void *)nd : (void *)"\n", len ? len : 1, "r");
	assert_non_null(f);
	int rc = bt_engine_from_stream(f, BT_FMT_NDJSON, cfg, kit_ms(as_of), k ? kit_reject : NULL,
				       k, st, out, &err);
	fclose(f);
	return rc;
}

/* The KPIs of the journey (NULL: all) over instances opened in [from, to)
 * (offsets; KIT_NONE: open-ended). */
static inline void kit_kpis(struct kit *k, const char *journey, int64_t from, int64_t to)
{
	struct bt_kpi_query q = {journey, from == KIT_NONE ? BT_TIME_NONE : (T0 + from) * 1000,
				 to == KIT_NONE ? BT_TIME_NONE : (T0 + to) * 1000};
	struct bt_err err = {0, ""};
	bt_kpis_free(k->k);
	k->k = NULL;
	if (bt_engine_kpis(k->e, &q, &k->k, &err)) {
		print_error("kpis: %s\n", err.msg);
		fail();
	}
}

/* Derive the events written so far, as of as_of, and compute the KPIs of
 * every journey. */
static inline void kit_run(struct kit *k, int64_t as_of)
{
	bt_kpis_free(k->k);
	bt_engine_free(k->e);
	k->k = NULL, k->e = NULL;
	k->rejected = 0;
	int rc = kit_engine(k->cfg, k->nd.data, k->nd.len, as_of, &k->e, &k->st, k);
	if (rc) {
		print_error("the engine was not built: %s\n", bt_strerror(rc));
		fail();
	}
	if (k->rejected != k->expect_rejected) {
		print_error("%zu test events were rejected; the first at %s\n", k->rejected, k->why);
		fail();
	}
	kit_kpis(k, NULL, KIT_NONE, KIT_NONE);
}

static inline const struct bt_journey_kpis *J(const struct kit *k, const char *journey)
{
	for (size_t i = 0; i < k->k->njourneys; i++)
		if (!strcmp(k->k->journeys[i].journey, journey))
			return &k->k->journeys[i];
	print_error("no KPI row for journey '%s'\n", journey);
	fail();
	return NULL;
}

static inline const struct bt_local_kpis *kit_row(const struct bt_local_kpis *v, size_t n,
						 const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].id, id))
			return &v[i];
	print_error("no row for '%s'\n", id);
	fail();
	return NULL;
}

static inline const struct bt_local_kpis *TEAM(const struct kit *k, const char *id)
{
	return kit_row(k->k->teams, k->k->nteams, id);
}

static inline const struct bt_local_kpis *SOURCE(const struct kit *k, const char *id)
{
	return kit_row(k->k->sources, k->k->nsources, id);
}

/* The handoff route from -> to of journey, or NULL. */
static inline const struct bt_handoff_route *ROUTE(const struct kit *k, const char *journey,
						  const char *from, const char *to)
{
	for (size_t i = 0; i < k->k->nroutes; i++) {
		const struct bt_handoff_route *r = &k->k->routes[i];
		if (!strcmp(r->journey, journey) && !strcmp(r->from, from) && !strcmp(r->to, to))
			return r;
	}
	return NULL;
}

/* A rate is a/b exactly (both worked out by hand), or null (b == 0). */
#define assert_rate(x, a, b)                                                                    \
	do {                                                                                    \
		double x_ = (x);                                                                \
		if ((b) == 0)                                                                   \
			assert_true(isnan(x_));                                                 \
		else if (x_ != (double)(a) / (double)(b)) {                                     \
			print_error("%s is %.17g, not %s/%s\n", #x, x_, #a, #b);                \
			fail();                                                                 \
		}                                                                               \
	} while (0)

/* ---- the lists, parsed back ---- */

static inline void kit_str(const struct bt_json_doc *d, uint32_t obj, const char *key, char *dst,
			   size_t size)
{
	uint32_t v = bt_json_get(d, obj, key);
	dst[0] = '\0';
	assert_true(v != 0);
	if (d->nodes[v].type == BT_JSON_STRING)
		snprintf(dst, size, "%s", d->nodes[v].s);
}

static inline int64_t kit_time(const struct bt_json_doc *d, uint32_t obj, const char *key)
{
	uint32_t v = bt_json_get(d, obj, key);
	int64_t ms;
	assert_true(v != 0);
	if (d->nodes[v].type == BT_JSON_NULL)
		return KIT_NONE;
	assert_int_equal(bt_time_parse(d->nodes[v].s, d->nodes[v].len, &ms), 0);
	return ms / 1000 - T0;
}

static inline unsigned kit_uint(const struct bt_json_doc *d, uint32_t obj, const char *key)
{
	uint32_t v = bt_json_get(d, obj, key);
	int64_t n;
	assert_true(v != 0);
	assert_int_equal(bt_json_i64(&d->nodes[v], &n), 0);
	return (unsigned)n;
}

static inline int kit_bool(const struct bt_json_doc *d, uint32_t obj, const char *key)
{
	uint32_t v = bt_json_get(d, obj, key);
	assert_true(v != 0);
	return d->nodes[v].type == BT_JSON_TRUE;
}

/* The list `which` ("instances" or "promises"; of journey, NULL: all)
 * parsed into doc, whose strings point into b; obj[] gets its objects
 * oldest first (a list is newest first).  Their number (at most max). */
static inline size_t kit_list(const struct kit *k, const char *which, const char *journey,
			      struct bt_json_doc *doc, struct bt_buf *b, uint32_t *obj, size_t max)
{
	struct bt_list_query q = {.journey = journey, .limit = 1000, .from = BT_TIME_NONE, .to = BT_TIME_NONE};
	struct bt_err err = {0, ""};
	int rc = !strcmp(which, "instances") ? bt_engine_instances_json(k->e, &q, b, &err)
					     : bt_engine_promises_json(k->e, &q, b, &err);
	assert_int_equal(rc, 0);
	bt_json_doc_init(doc);
	assert_int_equal(bt_json_parse(doc, b->data, b->len, 0, &err), 0);
	uint32_t a = bt_json_get(doc, 0, which);
	assert_true(a != 0);
	assert_int_equal(doc->nodes[a].type, BT_JSON_ARRAY);
	size_t n = doc->nodes[a].len, i = n;
	assert_true(n <= max);
	for (uint32_t o = a + 1; o < doc->nodes[a].end; o = doc->nodes[o].end)
		obj[--i] = o;
	return n;
}

#define KIT_MAX_LIST 64

/* The instances of journey (NULL: all) into v, oldest first; their number. */
static inline size_t kit_instances(const struct kit *k, const char *journey, struct kinst *v,
				   size_t max)
{
	struct bt_buf b = BT_BUF_INIT;
	struct bt_json_doc d;
	uint32_t obj[KIT_MAX_LIST];
	size_t n = kit_list(k, "instances", journey, &d, &b, obj, max < KIT_MAX_LIST ? max : KIT_MAX_LIST);
	for (size_t i = 0; i < n; i++) {
		struct kinst *x = &v[i];
		uint32_t o = obj[i];
		kit_str(&d, o, "id", x->id, sizeof(x->id));
		kit_str(&d, o, "journey", x->journey, sizeof(x->journey));
		kit_str(&d, o, "state", x->state, sizeof(x->state));
		kit_str(&d, o, "holder", x->holder, sizeof(x->holder));
		x->opened = kit_time(&d, o, "opened");
		x->last_event = kit_time(&d, o, "last_event");
		x->resolved = kit_time(&d, o, "resolved");
		x->contacts = kit_uint(&d, o, "contacts");
		x->handoffs = kit_uint(&d, o, "handoffs");
		x->failed = kit_uint(&d, o, "failed_handoffs");
		x->collisions = kit_uint(&d, o, "collisions");
		x->recontacted = kit_bool(&d, o, "recontacted");
	}
	bt_json_doc_release(&d);
	bt_buf_release(&b);
	return n;
}

/* The promises into v, oldest first; their number. */
static inline size_t kit_promises(const struct kit *k, struct kprom *v, size_t max)
{
	struct bt_buf b = BT_BUF_INIT;
	struct bt_json_doc d;
	uint32_t obj[KIT_MAX_LIST];
	size_t n = kit_list(k, "promises", NULL, &d, &b, obj, max < KIT_MAX_LIST ? max : KIT_MAX_LIST);
	for (size_t i = 0; i < n; i++) {
		struct kprom *x = &v[i];
		uint32_t o = obj[i];
		kit_str(&d, o, "promise", x->id, sizeof(x->id));
		kit_str(&d, o, "status", x->status, sizeof(x->status));
		kit_str(&d, o, "made_by", x->made_by, sizeof(x->made_by));
		kit_str(&d, o, "keeper", x->keeper, sizeof(x->keeper));
		kit_str(&d, o, "journey", x->journey, sizeof(x->journey));
		x->made = kit_time(&d, o, "made");
		x->due = kit_time(&d, o, "due");
		x->kept = kit_time(&d, o, "kept");
		x->cross_team = kit_bool(&d, o, "cross_team");
	}
	bt_json_doc_release(&d);
	bt_buf_release(&b);
	return n;
}

/* The KPIs as JSON (for comparing two engines). */
static inline void kit_kpis_json(struct bt_engine *e, struct bt_buf *out)
{
	struct bt_kpi_query q = {NULL, BT_TIME_NONE, BT_TIME_NONE};
	struct bt_kpis *kp = NULL;
	struct bt_err err = {0, ""};
	assert_int_equal(bt_engine_kpis(e, &q, &kp, &err), 0);
	assert_int_equal(bt_kpis_json(kp, out), 0);
	bt_kpis_free(kp);
}

#endif
