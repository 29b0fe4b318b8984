/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_audit.c - the data audit (docs/audit.md) on small histories worked
 * out by hand: the measured level at its edges (exactly 30% and 90%, and
 * one event below each), the period's edges, the silo map's weights, the
 * roadmap's ranking and grouping, the disagreement flag, what a scope
 * lists, and the touchpoint keys the configuration refuses.  Notation of
 * kit.h: "u1" is the customer {"user_id":"u1"}; times in seconds from T0.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kit.h"

#include "baton/audit.h"

static const char CONFIG[] =
	"teams: [{id: digital}, {id: service}, {id: billing}]\n"
	"people:\n"
	"  - {id: maria, name: Maria, team: billing}\n"
	"  - {id: tom, name: Tom, team: service}\n"
	"journeys:\n"
	"  - {id: dispute, name: Dispute, owner: maria, match: [{types: [\"dispute.*\"]}]}\n"
	"  - {id: order, name: Order, owner: tom, match: [{types: [\"order.*\"]}]}\n"
	"touchpoints:\n"
	"  - {id: web, team: digital, technology: CMS, shared_identifiers: [email], declared_level: 3}\n"
	"  - {id: phone, team: service, shared_identifiers: [phone], declared_level: L2}\n"
	"  - {id: app, team: digital, shared_identifiers: [email, user_id], declared_level: 1}\n"
	"  - {id: billing-sys, team: billing, shared_identifiers: [customer_id], declared_level: 1}\n"
	"  - {id: store, team: service, shared_identifiers: [Customer_ID], declared_level: 2}\n"
	"  - {id: survey, shared_identifiers: [email], declared_level: 2}\n";

static struct bt_audit *audit(struct kit *k, int64_t from, int64_t to, const struct bt_scope *sc)
{
	struct bt_audit *a = NULL;
	struct bt_err err = {0, ""};
	int rc = bt_engine_audit(k->e, from == KIT_NONE ? BT_TIME_NONE : (T0 + from) * 1000,
				 to == KIT_NONE ? BT_TIME_NONE : (T0 + to) * 1000, sc, &a, &err);
	if (rc) {
		print_error("audit: %s\n", err.msg);
		fail();
	}
	return a;
}

static const struct bt_audit_source *S(const struct bt_audit *a, const char *id)
{
	for (size_t i = 0; i < a->nsources; i++)
		if (!strcmp(a->sources[i].id, id))
			return &a->sources[i];
	print_error("no source '%s' in the audit\n", id);
	fail();
	return NULL;
}

static int listed(const struct bt_audit *a, const char *id)
{
	for (size_t i = 0; i < a->nsources; i++)
		if (!strcmp(a->sources[i].id, id))
			return 1;
	return 0;
}

/* The rule alone: linked*100 against 30 and 90 times the events. */
static void level_rule(void **state)
{
	(void)state;
	assert_int_equal(bt_audit_level(0, 0), 0);   /* no events: unknown */
	assert_int_equal(bt_audit_level(0, 1), 1);
	assert_int_equal(bt_audit_level(2, 10), 1);  /* 20%: one event below 30% */
	assert_int_equal(bt_audit_level(3, 10), 2);  /* exactly 30% */
	assert_int_equal(bt_audit_level(8, 10), 2);  /* 80%: one event below 90% */
	assert_int_equal(bt_audit_level(9, 10), 3);  /* exactly 90% */
	assert_int_equal(bt_audit_level(10, 10), 3);
	/* 899999999999 / 1000000000000 is 89.9999999999%, still L2; a
	 * double share of it rounded for display would read 90% */
	assert_int_equal(bt_audit_level(899999999999ULL, 1000000000000ULL), 2);
	assert_int_equal(bt_audit_level(900000000000ULL, 1000000000000ULL), 3);
	assert_int_equal(bt_audit_level(299999999999ULL, 1000000000000ULL), 1);
	assert_int_equal(bt_audit_level(300000000000ULL, 1000000000000ULL), 2);
}

/* phone has 10 customers p1..p10, one event each; web reaches the first
 * `shared` of them.  phone's share is shared/10. */
static int phone_level(int shared)
{
	struct kit k;
	char who[8];
	kit_init_with(&k, CONFIG);
	for (int i = 1; i <= 10; i++) {
		snprintf(who, sizeof(who), "p%d", i);
		ev(&k, who, i * MIN, "phone", "order.call", NULL);
		if (i <= shared)
			ev(&k, who, i * MIN + 1, "web", "order.view", NULL);
	}
	kit_run(&k, KIT_LATEST);
	struct bt_audit *a = audit(&k, KIT_NONE, KIT_NONE, NULL);
	const struct bt_audit_source *p = S(a, "phone");
	assert_int_equal(p->events, 10);
	assert_int_equal(p->linked, (uint64_t)shared);
	assert_int_equal(p->profiles, 10);
	/* web: every one of its events is on a phone customer */
	if (shared)
		assert_int_equal(S(a, "web")->measured, 3);
	int level = p->measured;
	/* declared L2 */
	assert_int_equal(p->disagrees, level != 2);
	bt_audit_free(a);
	kit_done(&k);
	return level;
}

static void level_edges(void **state)
{
	(void)state;
	assert_int_equal(phone_level(0), 1);
	assert_int_equal(phone_level(2), 1); /* 20% */
	assert_int_equal(phone_level(3), 2); /* 30% */
	assert_int_equal(phone_level(8), 2); /* 80% */
	assert_int_equal(phone_level(9), 3); /* 90% */
	assert_int_equal(phone_level(10), 3);
}

/* u1 calls by phone at 0 and is on the web at 100.  Events count when
 * their time is in [from, to): with to = 100 the web event is out and
 * phone's one event is on nobody else's customer (L1); with to = 101 it
 * is in (L3).  With from = 1 phone has no event: unknown, and web's event
 * is alone (L1).  A source without events is listed, unknown, unflagged. */
static void period_edges(void **state)
{
	(void)state;
	struct kit k;
	kit_init_with(&k, CONFIG);
	ev(&k, "u1", 0, "phone", "order.call", NULL);
	ev(&k, "u1", 100, "web", "order.view", NULL);
	kit_run(&k, KIT_LATEST);
	struct bt_audit *a = audit(&k, 0, 99, NULL);
	assert_int_equal(S(a, "phone")->measured, 1);
	assert_int_equal(S(a, "web")->events, 0);
	bt_audit_free(a);
	a = audit(&k, 0, 100, NULL);
	assert_int_equal(S(a, "phone")->measured, 1);
	assert_int_equal(S(a, "web")->measured, 0);
	assert_int_equal(S(a, "web")->disagrees, 0); /* unknown is no disagreement */
	assert_int_equal(a->nedges, 0);
	bt_audit_free(a);
	a = audit(&k, 0, 101, NULL);
	assert_int_equal(S(a, "phone")->measured, 3);
	assert_int_equal(S(a, "web")->measured, 3);
	assert_int_equal(a->nedges, 1);
	bt_audit_free(a);
	a = audit(&k, 1, 101, NULL);
	assert_int_equal(S(a, "phone")->events, 0);
	assert_int_equal(S(a, "phone")->measured, 0);
	assert_int_equal(S(a, "web")->measured, 1);
	assert_int_equal(S(a, "survey")->measured, 0);
	assert_int_equal(S(a, "survey")->phase, BT_AUDIT_OFF);
	bt_audit_free(a);
	kit_done(&k);
}

/*
 * The silo map and the roadmap.  One event per customer and source, every
 * customer one instance (order.*, within minutes; store's are dispute.*):
 *   web    x1 x2 x3 x4                   linked x1 x2 x3: 3/4 = 75%  L2
 *   phone  x1 x2 x3 y1 y2 y3             linked 3/6 = 50%            L2
 *   app    x1 z1..z9                     linked x1: 1/10 = 10%       L1
 *   billing-sys b1..b4                   0/4                         L1
 *   store  s1 s2 (dispute)               0/2                         L1
 *   kiosk  k1 (no touchpoint)            0/1                         L1
 *   survey no events                                                 -
 * Edges: web-phone 3 (x1 x2 x3), web-app 1 (x1), phone-app 1 (x1).
 * Scores, instances x unlinked/events: web 4 x 1/4 = 1, phone 6 x 3/6 = 3,
 * app 10 x 9/10 = 9, billing-sys 4 x 4/4 = 4, store 2 x 2/2 = 2, kiosk
 * 1 x 1 = 1.  Ranks: app 1, billing-sys 2, phone 3, store 4, then web
 * and kiosk both 1: web has more events, 5; kiosk 6.
 * Crawl: billing-sys and store both declare customer_id (store writes it
 * Customer_ID: kinds are lower-cased) and share no customer.  web and app
 * both declare email, but share x1: not a quick win.  phone declares
 * phone alone: walk (L2).  app, kiosk: run (L1).
 * Disagreements: web (declared 3, measured 2), store (2, 1).  app (1, 1),
 * phone (2, 2), billing-sys (1, 1) agree; survey and kiosk have no
 * comparison.
 */
static void map_and_roadmap(struct kit *k)
{
	char who[8];
	kit_init_with(k, CONFIG);
	for (int i = 1; i <= 4; i++) {
		snprintf(who, sizeof(who), "x%d", i);
		ev(k, who, 0, "web", "order.view", NULL);
		if (i <= 3)
			ev(k, who, MIN, "phone", "order.call", NULL);
		snprintf(who, sizeof(who), "b%d", i);
		ev(k, who, 0, "billing-sys", "order.bill", NULL);
	}
	for (int i = 1; i <= 3; i++) {
		snprintf(who, sizeof(who), "y%d", i);
		ev(k, who, 0, "phone", "order.call", NULL);
	}
	ev(k, "x1", 2 * MIN, "app", "order.tap", NULL);
	for (int i = 1; i <= 9; i++) {
		snprintf(who, sizeof(who), "z%d", i);
		ev(k, who, 0, "app", "order.tap", NULL);
	}
	ev(k, "s1", 0, "store", "dispute.visit", NULL);
	ev(k, "s2", 0, "store", "dispute.visit", NULL);
	ev(k, "k1", 0, "kiosk", "order.tap", NULL);
	kit_run(k, 10 * MIN);
}

static void silo_map(void **state)
{
	(void)state;
	struct kit k;
	map_and_roadmap(&k);
	struct bt_audit *a = audit(&k, KIT_NONE, KIT_NONE, NULL);
	/* the touchpoints in the configuration's order, then kiosk */
	assert_int_equal(a->nsources, 7);
	assert_string_equal(a->sources[0].id, "web");
	assert_string_equal(a->sources[5].id, "survey");
	assert_string_equal(a->sources[6].id, "kiosk");
	assert_null(a->sources[6].tp);
	const struct bt_audit_source *w = S(a, "web"), *p = S(a, "phone"), *ap = S(a, "app");
	assert_int_equal(w->events, 4), assert_int_equal(w->linked, 3), assert_int_equal(w->measured, 2);
	assert_int_equal(p->events, 6), assert_int_equal(p->linked, 3), assert_int_equal(p->measured, 2);
	assert_int_equal(ap->events, 10), assert_int_equal(ap->linked, 1), assert_int_equal(ap->measured, 1);
	assert_int_equal(S(a, "billing-sys")->measured, 1);
	assert_int_equal(S(a, "store")->measured, 1);
	assert_int_equal(w->instances, 4), assert_int_equal(p->instances, 6);
	assert_int_equal(ap->instances, 10), assert_int_equal(S(a, "store")->instances, 2);
	assert_int_equal(w->disagrees, 1);
	assert_int_equal(S(a, "store")->disagrees, 1);
	assert_int_equal(p->disagrees, 0), assert_int_equal(ap->disagrees, 0);
	assert_int_equal(S(a, "billing-sys")->disagrees, 0);
	assert_int_equal(S(a, "kiosk")->disagrees, 0), assert_int_equal(S(a, "survey")->disagrees, 0);
	/* edges, heaviest first, then in the sources' order */
	assert_int_equal(a->nedges, 3);
	assert_string_equal(a->sources[a->edges[0].a].id, "web");
	assert_string_equal(a->sources[a->edges[0].b].id, "phone");
	assert_int_equal(a->edges[0].profiles, 3);
	assert_string_equal(a->sources[a->edges[1].a].id, "web");
	assert_string_equal(a->sources[a->edges[1].b].id, "app");
	assert_int_equal(a->edges[1].profiles, 1);
	assert_string_equal(a->sources[a->edges[2].a].id, "phone");
	assert_string_equal(a->sources[a->edges[2].b].id, "app");
	assert_int_equal(a->edges[2].profiles, 1);
	/* the JSON says the same */
	struct bt_buf b = BT_BUF_INIT;
	assert_int_equal(bt_audit_silo_map_json(a, &b), 0);
	assert_non_null(strstr(b.data, "{\"a\":\"web\",\"b\":\"phone\",\"profiles\":3}"));
	bt_buf_reset(&b);
	assert_int_equal(bt_audit_sources_json(a, &b), 0);
	assert_non_null(strstr(b.data, "\"declared_level\":\"L3\",\"measured_level\":\"L2\","
				       "\"share\":{\"linked\":3,\"events\":4,\"rate\":0.75},"
				       "\"disagrees\":true"));
	assert_non_null(strstr(b.data, "\"source\":\"survey\""));
	assert_non_null(strstr(b.data, "\"measured_level\":null,\"share\":{\"linked\":0,\"events\":0,"
				       "\"rate\":null}"));
	bt_buf_release(&b);
	bt_audit_free(a);
	kit_done(&k);
}

static void roadmap(void **state)
{
	(void)state;
	struct kit k;
	map_and_roadmap(&k);
	struct bt_audit *a = audit(&k, KIT_NONE, KIT_NONE, NULL);
	assert_int_equal(S(a, "app")->rank, 1);
	assert_int_equal(S(a, "billing-sys")->rank, 2);
	assert_int_equal(S(a, "phone")->rank, 3);
	assert_int_equal(S(a, "store")->rank, 4);
	assert_int_equal(S(a, "web")->rank, 5);
	assert_int_equal(S(a, "kiosk")->rank, 6);
	assert_int_equal(S(a, "survey")->rank, 0);
	assert_true(bt_audit_score(S(a, "app")) == 9.0);
	assert_true(bt_audit_score(S(a, "web")) == 1.0);
	assert_int_equal(S(a, "billing-sys")->phase, BT_AUDIT_CRAWL);
	assert_string_equal(S(a, "billing-sys")->kind, "customer_id");
	assert_string_equal(S(a, "billing-sys")->with, "store");
	assert_int_equal(S(a, "store")->phase, BT_AUDIT_CRAWL);
	assert_string_equal(S(a, "store")->with, "billing-sys");
	assert_int_equal(S(a, "phone")->phase, BT_AUDIT_WALK);
	assert_int_equal(S(a, "web")->phase, BT_AUDIT_WALK);
	assert_null(S(a, "web")->kind); /* email, shared with app, and in use: x1 */
	assert_int_equal(S(a, "app")->phase, BT_AUDIT_RUN);
	assert_int_equal(S(a, "kiosk")->phase, BT_AUDIT_RUN);
	/* crawl, walk, run; by rank within */
	static const char *const order[] = {"billing-sys", "store", "phone", "web", "app", "kiosk"};
	assert_int_equal(a->nroadmap, 6);
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(a->sources[a->roadmap[i]].id, order[i]);
	struct bt_buf b = BT_BUF_INIT;
	assert_int_equal(bt_audit_render(a, BT_AUDIT_TEXT, 1, &b), 0);
	assert_non_null(strstr(b.data, "holds customer_id, as store does; no customer on both"));
	assert_non_null(strstr(b.data, "2 sources measure at another level than declared: web "
				       "(declared L3 integrated, measured L2 shared), store (declared "
				       "L2 shared, measured L1 siloed)."));
	printf("%s", b.data); /* for the log */
	bt_buf_release(&b);
	bt_audit_free(a);
	kit_done(&k);
}

/* An owner lists the sources on their journeys' instances, a team its
 * touchpoints; the figures stay those of every event.  maria owns
 * dispute: store alone, a quick win whose partner she does not see; the
 * service team owns phone and store, which share no customer. */
static void scopes(void **state)
{
	(void)state;
	struct kit k;
	map_and_roadmap(&k);
	struct bt_scope maria = {"maria", NULL}, service = {NULL, "service"}, nobody = {"nobody", NULL};
	struct bt_audit *a = audit(&k, KIT_NONE, KIT_NONE, &maria);
	assert_int_equal(a->nsources, 1);
	assert_string_equal(a->sources[0].id, "store");
	assert_int_equal(a->sources[0].rank, 1);
	assert_int_equal(a->sources[0].phase, BT_AUDIT_CRAWL);
	assert_string_equal(a->sources[0].kind, "customer_id");
	assert_null(a->sources[0].with);
	assert_int_equal(a->nedges, 0);
	bt_audit_free(a);
	a = audit(&k, KIT_NONE, KIT_NONE, &service);
	assert_int_equal(a->nsources, 2);
	assert_true(listed(a, "phone") && listed(a, "store") && !listed(a, "web"));
	assert_int_equal(S(a, "phone")->linked, 3); /* still over every source */
	assert_int_equal(S(a, "phone")->rank, 1);
	assert_int_equal(S(a, "store")->rank, 2);
	assert_string_equal(a->sources[a->roadmap[0]].id, "store"); /* crawl first */
	assert_int_equal(a->nedges, 0);
	bt_audit_free(a);
	a = audit(&k, KIT_NONE, KIT_NONE, &nobody);
	assert_int_equal(a->nsources, 0);
	assert_int_equal(a->nroadmap, 0);
	bt_audit_free(a);
	kit_done(&k);
}

/* The configuration's refusals name the line and the touchpoint. */
static char problems[1024];
static void collect_problem(void *ctx, long line, const char *msg)
{
	(void)ctx;
	size_t n = strlen(problems);
	snprintf(problems + n, sizeof(problems) - n, "%ld: %s\n", line, msg);
}

static void config_refusals(void **state)
{
	(void)state;
	static const char bad[] = "teams: [{id: t}]\n"
				  "touchpoints:\n"
				  "  - {id: a, declared_level: 4}\n"
				  "  - {id: b, declared_level: L0}\n"
				  "  - {id: c, shared_identifiers: [\"e mail\"]}\n"
				  "  - {id: d, shared_identifier: [email]}\n"
				  "  - {id: e, declared_level: L3, shared_identifiers: [Email]}\n";
	struct bt_config *c = NULL;
	struct bt_err err = {0, ""};
	problems[0] = 0;
	assert_int_equal(bt_config_parse("bad", bad, strlen(bad), &c, collect_problem, NULL, &err),
			 BT_EINVAL);
	assert_non_null(strstr(problems, "3: touchpoint 'a': declared_level must be 1, 2 or 3"));
	assert_non_null(strstr(problems, "4: touchpoint 'b': declared_level must be 1, 2 or 3"));
	assert_non_null(strstr(problems, "5: touchpoint 'c': shared_identifiers: 'e mail' is not an "
					 "identifier type"));
	assert_non_null(strstr(problems, "6: "));
	assert_non_null(strstr(problems, "did you mean 'shared_identifiers'"));
	assert_null(strstr(problems, "'e'")); /* L3 and Email are fine */
	static const char good[] = "touchpoints:\n"
				   "  - {id: e, declared_level: L3, shared_identifiers: [Email]}\n"
				   "  - {id: f, declared_level: 1}\n";
	assert_int_equal(bt_config_parse("good", good, strlen(good), &c, NULL, NULL, &err), 0);
	assert_int_equal(c->touchpoints[0].declared_level, 3);
	assert_string_equal(c->touchpoints[0].shared_identifiers.v[0], "email");
	assert_int_equal(c->touchpoints[1].declared_level, 1);
	bt_config_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(level_rule),  cmocka_unit_test(level_edges),
		cmocka_unit_test(period_edges), cmocka_unit_test(silo_map),
		cmocka_unit_test(roadmap),     cmocka_unit_test(scopes),
		cmocka_unit_test(config_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
