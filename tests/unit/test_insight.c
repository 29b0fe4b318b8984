/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_insight.c - the friction audit, the consistency spread across entry
 * channels and value at stake (docs/insight.md) on small scenarios worked
 * out by hand, with the arithmetic in the comments.  One journey, `claim`
 * (stages filed 1 h SLA, review 2 h SLA; recontact 1 h, abandonment 30 h,
 * handoff SLA 24 h); touchpoints web (web, digital), phone (voice,
 * service), chat (chat, digital), billing-sys (no channel, billing),
 * survey (no channel, no team).  Times are offsets from T0 (kit.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kit.h"
#include "baton/alloc.h"
#include "baton/insight.h"
#include "util/decimal.h"

#define CONFIG(extra)                                                                           \
	"teams: [{id: digital}, {id: service}, {id: billing}]\n"                                \
	"people:\n"                                                                             \
	"  - {id: tom, name: Tom Becker, team: service}\n"                                      \
	"journeys:\n"                                                                           \
	"  - id: claim\n"                                                                       \
	"    owner: tom\n"                                                                      \
	"    match: [{types: [\"claim.*\"]}]\n"                                                 \
	"    stages:\n"                                                                         \
	"      - {id: filed, types: [claim.filed], sla: 1h}\n"                                  \
	"      - {id: review, types: [claim.review], sla: 2h}\n"                                \
	"    recontact_window: 1h\n"                                                            \
	"    abandon_after: 30h\n"                                                              \
	"    handoff_sla: 24h\n"                                                                \
	"touchpoints:\n"                                                                        \
	"  - {id: web, channel: web, team: digital}\n"                                          \
	"  - {id: phone, channel: voice, team: service}\n"                                      \
	"  - {id: chat, channel: chat, team: digital}\n"                                        \
	"  - {id: billing-sys, team: billing}\n"                                                \
	"  - {id: survey}\n" extra

static const struct bt_kpi_query ALL = {"claim", BT_TIME_NONE, BT_TIME_NONE};

/* Friction of each kind, as of 20 h (one instance per customer):
 *   a  0 filed, 3h review (left filed 3 h >= 1 h: delay filed),
 *      4h abandoned in review (1 h < 2 h: no delay there)      drop_off review
 *   b  0 filed, 30m review, 1h resolved, 1h30 and 1h40 calls with repeat
 *      (the first re-opens it within 1 h: recontact), 2h resolved
 *                                                              recontact; repeat x2
 *   c  0 filed (web, case C1), 10m phone call, no case, repeat: handoff
 *      digital -> service lost the context and the customer repeated;
 *      open in filed since 0, 20 h >= 1 h                      failed handoff x2 reasons;
 *                                                              repeat; delay filed
 *   d  0 filed with promise P1 due 2h, keeper billing, never kept; 45m
 *      resolved; 50m feedback CSAT 2                           broken promise (billing);
 *                                                              negative feedback
 *   e  0 filed, 5m resolved with NPS 3                         negative feedback
 *   f  0 filed, 5m resolved with CSAT 5, NPS 9                 none
 * The journey's customers: 6.  Points, ranked (customers, then
 * occurrences, then the kind's order, the stage, the names):
 *   1 repeat              b c      2 customers, 3 occurrences
 *   2 delay filed         a c      2, 2
 *   3 negative_feedback   d e      2, 2 (after delay by the kind's order)
 *   4 drop_off review     a        1, 1
 *   5 recontact           b        1, 1
 *   6 failed_handoff digital->service context_lost       1, 1
 *   7 failed_handoff digital->service customer_repeated  1, 1
 *   8 broken_promise billing                            1, 1 */
static void friction_ranked(void **state)
{
	(void)state;
	struct kit k;
	struct bt_err err = {0, ""};
	kit_init_with(&k, CONFIG(""));
	ev(&k, "a", 0, "web", "claim.filed", "'case':'A1'");
	ev(&k, "a", 3 * HOUR, "web", "claim.review", NULL);
	ev(&k, "a", 4 * HOUR, "web", "claim.call", "'outcome':'abandoned'");
	ev(&k, "b", 0, "web", "claim.filed", NULL);
	ev(&k, "b", 30 * MIN, "web", "claim.review", NULL);
	ev(&k, "b", HOUR, "web", "claim.call", "'outcome':'resolved'");
	ev(&k, "b", HOUR + 30 * MIN, "web", "claim.call", "'repeat':true");
	ev(&k, "b", HOUR + 40 * MIN, "web", "claim.call", "'repeat':true");
	ev(&k, "b", 2 * HOUR, "web", "claim.call", "'outcome':'resolved'");
	ev(&k, "c", 0, "web", "claim.filed", "'case':'C1'");
	ev(&k, "c", 10 * MIN, "phone", "claim.call", "'repeat':true");
	ev(&k, "d", 0, "web", "claim.filed", "'promise':{'id':'P1','due':'2h','team':'billing'}");
	ev(&k, "d", 45 * MIN, "web", "claim.call", "'outcome':'resolved'");
	ev(&k, "d", 50 * MIN, "survey", "claim.survey", "'feedback':{'csat':2}");
	ev(&k, "e", 0, "web", "claim.filed", NULL);
	ev(&k, "e", 5 * MIN, "web", "claim.call", "'outcome':'resolved','feedback':{'nps':3}");
	ev(&k, "f", 0, "web", "claim.filed", NULL);
	ev(&k, "f", 5 * MIN, "web", "claim.call", "'outcome':'resolved','feedback':{'csat':5,'nps':9}");
	kit_run(&k, 20 * HOUR);
	/* the same question has the same answer as the KPIs */
	const struct bt_journey_kpis *j = J(&k, "claim");
	assert_int_equal(j->instances, 6);
	assert_int_equal(j->recontacted, 1);
	assert_int_equal(j->repeats, 3);
	assert_int_equal(j->promises_broken, 1);
	assert_int_equal(j->handoff_context_lost, 1);
	assert_int_equal(j->handoff_customer_repeated, 1);
	assert_int_equal(j->abandoned, 1);

	struct bt_friction *v = NULL;
	size_t n = 0;
	uint64_t customers = 0;
	assert_int_equal(bt_engine_friction(k.e, &ALL, NULL, &v, &n, &customers, &err), 0);
	assert_int_equal(customers, 6);
	assert_int_equal(n, 8);
	static const struct {
		int kind;
		const char *stage, *from, *to, *reason, *team;
		unsigned customers, occ;
	} want[8] = {
		{BT_FRICTION_REPEAT, NULL, NULL, NULL, NULL, NULL, 2, 3},
		{BT_FRICTION_DELAY, "filed", NULL, NULL, NULL, NULL, 2, 2},
		{BT_FRICTION_NEGATIVE_FEEDBACK, NULL, NULL, NULL, NULL, NULL, 2, 2},
		{BT_FRICTION_DROP_OFF, "review", NULL, NULL, NULL, NULL, 1, 1},
		{BT_FRICTION_RECONTACT, NULL, NULL, NULL, NULL, NULL, 1, 1},
		{BT_FRICTION_FAILED_HANDOFF, NULL, "digital", "service", "context_lost", NULL, 1, 1},
		{BT_FRICTION_FAILED_HANDOFF, NULL, "digital", "service", "customer_repeated", NULL, 1, 1},
		{BT_FRICTION_BROKEN_PROMISE, NULL, NULL, NULL, NULL, "billing", 1, 1},
	};
#define SAME(a, b) ((a) == NULL ? (b) == NULL : (b) != NULL && !strcmp((a), (b)))
	for (size_t i = 0; i < 8 && i < n; i++) {
		if (v[i].kind != want[i].kind || !SAME(want[i].stage, v[i].stage) ||
		    !SAME(want[i].from, v[i].from) || !SAME(want[i].to, v[i].to) ||
		    !SAME(want[i].reason, v[i].reason) || !SAME(want[i].team, v[i].team)) {
			print_error("rank %zu is %s %s\n", i + 1, bt_friction_kinds[v[i].kind],
				    v[i].stage ? v[i].stage : v[i].reason ? v[i].reason : "");
			fail();
		}
		assert_int_equal(v[i].customers, want[i].customers);
		assert_int_equal(v[i].occurrences, want[i].occ);
		assert_int_equal(v[i].journey_customers, 6);
		assert_rate(v[i].share, want[i].customers, 6);
		assert_string_equal(v[i].journey, "claim");
	}
	bt_free(v);

	/* the JSON: ranks, the share as an exact number */
	struct bt_buf b = BT_BUF_INIT;
	assert_int_equal(bt_engine_friction_json(k.e, &ALL, NULL, &b, &err), 0);
	assert_int_equal(bt_buf_addc(&b, '\0'), 0);
	assert_non_null(strstr(b.data, "\"customers\":6,\"instances\":6,\"friction\":[{\"rank\":1,"
				       "\"journey\":\"claim\",\"kind\":\"repeat\""));
	assert_non_null(strstr(b.data, "\"kind\":\"delay\",\"stage\":\"filed\",\"from\":null,\"to\":null,"
				       "\"reason\":null,\"team\":null,\"customers\":2,"
				       "\"share\":0.3333333333333333,\"occurrences\":2}"));
	bt_buf_release(&b);

	/* the period: instances opened in [from, to); all opened at 0, so a
	 * period from 1 s leaves none, and one up to 1 s keeps them all */
	struct bt_kpi_query later = {"claim", (T0 + 1) * 1000, BT_TIME_NONE};
	assert_int_equal(bt_engine_friction(k.e, &later, NULL, &v, &n, &customers, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(customers, 0);
	bt_free(v);
	struct bt_kpi_query upto = {"claim", BT_TIME_NONE, (T0 + 1) * 1000};
	assert_int_equal(bt_engine_friction(k.e, &upto, NULL, &v, &n, &customers, &err), 0);
	assert_int_equal(n, 8);
	bt_free(v);
	struct bt_kpi_query at0 = {"claim", BT_TIME_NONE, T0 * 1000};
	assert_int_equal(bt_engine_friction(k.e, &at0, NULL, &v, &n, &customers, &err), 0);
	assert_int_equal(n, 0);
	bt_free(v);

	/* scope: tom owns claim and sees it; another person does not */
	struct bt_scope tom = {"tom", NULL}, ann = {"ann", NULL};
	assert_int_equal(bt_engine_friction(k.e, &ALL, &tom, &v, &n, &customers, &err), 0);
	assert_int_equal(n, 8);
	bt_free(v);
	assert_int_equal(bt_engine_friction(k.e, &ALL, &ann, &v, &n, &customers, &err), BT_ENOTFOUND);
	struct bt_kpi_query none = {"nope", BT_TIME_NONE, BT_TIME_NONE};
	assert_int_equal(bt_engine_friction(k.e, &none, NULL, &v, &n, &customers, &err), BT_ENOTFOUND);
	kit_done(&k);
}

/* A delay is judged at the time asked for an instance still in its stage:
 * filed at 0 with a 1 h SLA, open; at 1h - 1s no delay, at 1 h one. */
static void delay_at_the_sla(void **state)
{
	(void)state;
	struct kit k;
	struct bt_err err = {0, ""};
	struct bt_friction *v = NULL;
	size_t n = 0;
	kit_init_with(&k, CONFIG(""));
	ev(&k, "a", 0, "web", "claim.filed", NULL);
	kit_run(&k, HOUR - 1);
	assert_int_equal(bt_engine_friction(k.e, &ALL, NULL, &v, &n, NULL, &err), 0);
	assert_int_equal(n, 0);
	bt_free(v);
	kit_run(&k, HOUR);
	assert_int_equal(bt_engine_friction(k.e, &ALL, NULL, &v, &n, NULL, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].kind, BT_FRICTION_DELAY);
	assert_string_equal(v[0].stage, "filed");
	bt_free(v);
	kit_done(&k);
}

/* Entry channels, as of 10 h (one instance per customer):
 *   web    w1..w4 resolved at 0 (w1, w2 CSAT 4); w5 opened on the web at 0,
 *          resolved by phone at 10m (its entry channel is still web);
 *          w6..w10 abandoned at 0
 *          instances 10, ended 10, successful 5: 0.5; resolved 5, recontacted 0: 0;
 *          CSAT 8 / 2 = 4
 *   voice  v1..v4 resolved (v1 CSAT 3, v2 CSAT 4), v5..v10 abandoned
 *          instances 10, successful 4 / 10 = 0.4; recontact 0 / 4; CSAT 7 / 2 = 3.5
 *   chat   c1, c2 open: no ended instance, no resolution: null rates, no CSAT
 *   survey s1 (no channel): no_channel
 * Spreads over the channels that have the figure: resolution 0.5 - 0.4 =
 * 10 pp (in doubles 0.09999999999999998: compared on the counts, exactly);
 * recontact 0; CSAT 4 - 3.5 = 0.5.  With thresholds 10pp and 0.5 both are
 * flagged (at the threshold); with 10.000001pp and 0.500001 (one step
 * above: the spreads one step below) neither, whether the configuration
 * or the journey sets them. */
static void consistency_spread(void **state)
{
	(void)state;
	/* the third: the journey's own thresholds, one step above, before the
	 * configuration's at the spread */
	static char own[4096];
	const char *base = CONFIG("consistency: {max_spread_rate: 10pp, max_spread_csat: 0.5}\n");
	const char *at = strstr(base, "    handoff_sla: 24h\n") + strlen("    handoff_sla: 24h\n");
	snprintf(own, sizeof(own), "%.*s    consistency: {max_spread_rate: 10.000001pp, max_spread_csat: 0.500001}\n%s",
		 (int)(at - base), base, at);
	const char *const cfgs[3] = {
		base, CONFIG("consistency: {max_spread_rate: 10.000001pp, max_spread_csat: 0.500001}\n"), own};
	for (int c = 0; c < 3; c++) {
		struct kit k;
		struct bt_err err = {0, ""};
		char who[8];
		kit_init_with(&k, cfgs[c]);
		for (int i = 1; i <= 10; i++) {
			snprintf(who, sizeof(who), "w%d", i);
			if (i <= 2)
				ev(&k, who, 0, "web", "claim.call", "'outcome':'resolved','feedback':{'csat':4}");
			else if (i <= 4)
				ev(&k, who, 0, "web", "claim.call", "'outcome':'resolved'");
			else if (i == 5) {
				ev(&k, who, 0, "web", "claim.call", NULL);
				ev(&k, who, 10 * MIN, "phone", "claim.call", "'outcome':'resolved'");
			} else
				ev(&k, who, 0, "web", "claim.call", "'outcome':'abandoned'");
			snprintf(who, sizeof(who), "v%d", i);
			if (i == 1)
				ev(&k, who, 0, "phone", "claim.call", "'outcome':'resolved','feedback':{'csat':3}");
			else if (i == 2)
				ev(&k, who, 0, "phone", "claim.call", "'outcome':'resolved','feedback':{'csat':4}");
			else if (i <= 4)
				ev(&k, who, 0, "phone", "claim.call", "'outcome':'resolved'");
			else
				ev(&k, who, 0, "phone", "claim.call", "'outcome':'abandoned'");
		}
		ev(&k, "c1", 0, "chat", "claim.call", NULL);
		ev(&k, "c2", 0, "chat", "claim.call", NULL);
		ev(&k, "s1", 0, "survey", "claim.call", NULL);
		kit_run(&k, 10 * HOUR);
		struct bt_consistency x;
		assert_int_equal(bt_engine_consistency(k.e, &ALL, NULL, &x, &err), 0);
		assert_int_equal(x.instances, 23);
		assert_int_equal(x.no_channel, 1);
		assert_int_equal(x.nrows, 3); /* in the order of docs/events.md: web, chat, voice */
		assert_string_equal(x.rows[0].channel, "web");
		assert_string_equal(x.rows[1].channel, "chat");
		assert_string_equal(x.rows[2].channel, "voice");
		assert_int_equal(x.rows[0].instances, 10);
		assert_rate(x.rows[0].resolution_rate, 5, 10);
		assert_rate(x.rows[0].recontact_rate, 0, 5);
		assert_rate(x.rows[0].csat_avg, 8, 2);
		assert_int_equal(x.rows[1].instances, 2);
		assert_rate(x.rows[1].resolution_rate, 0, 0);
		assert_rate(x.rows[1].recontact_rate, 0, 0);
		assert_rate(x.rows[1].csat_avg, 0, 0);
		assert_int_equal(x.rows[2].instances, 10);
		assert_rate(x.rows[2].resolution_rate, 4, 10);
		assert_rate(x.rows[2].recontact_rate, 0, 4);
		assert_rate(x.rows[2].csat_avg, 7, 2);
		assert_true(x.resolution.spread == 0.5 - 0.4);
		assert_string_equal(x.resolution.max, "web");
		assert_string_equal(x.resolution.min, "voice");
		assert_true(x.recontact.spread == 0.0);
		assert_false(x.recontact.flagged);
		assert_true(x.csat.spread == 0.5);
		assert_string_equal(x.csat.max, "web");
		assert_string_equal(x.csat.min, "voice");
		assert_int_equal(x.resolution.flagged, c == 0);
		assert_int_equal(x.csat.flagged, c == 0);
		bt_consistency_release(&x);
		struct bt_buf b = BT_BUF_INIT;
		assert_int_equal(bt_engine_consistency_json(k.e, &ALL, NULL, &b, &err), 0);
		assert_int_equal(bt_buf_addc(&b, '\0'), 0);
		assert_non_null(strstr(b.data, c ? "\"thresholds\":{\"rate_pp\":10.000001,\"csat\":0.500001}"
						 : "\"thresholds\":{\"rate_pp\":10,\"csat\":0.5}"));
		assert_non_null(strstr(b.data, "{\"channel\":\"chat\",\"instances\":2,\"ended\":0,"
					       "\"successful\":0,\"resolution_rate\":null,"
					       "\"resolved_ever\":0,\"recontacted\":0,"
					       "\"recontact_rate\":null,\"csat\":null,\"csat_n\":0}"));
		bt_buf_release(&b);
		kit_done(&k);
	}
}

/* The defaults: 10 pp and 0.5; bad values are refused. */
static void consistency_config(void **state)
{
	(void)state;
	struct bt_config *c = NULL;
	struct bt_err err = {0, ""};
	const char *ok = CONFIG("");
	assert_int_equal(bt_config_parse("t", ok, strlen(ok), &c, NULL, NULL, &err), 0);
	assert_int_equal(c->spread_rate_upp, 10000000);
	assert_int_equal(c->spread_csat_u, 500000);
	assert_int_equal(c->value_days, 90);
	assert_null(c->value_revenue);
	assert_int_equal(c->journeys[0].spread_rate_upp, -1);
	assert_int_equal(c->journeys[0].spread_csat_u, -1);
	bt_config_free(c);
	const char *bad[] = {CONFIG("consistency: {max_spread_rate: lots}\n"),
			     CONFIG("consistency: {max_spread_csat: -1}\n"),
			     CONFIG("consistency: {max_spred_rate: 1}\n"),
			     CONFIG("value: {revenue: revenue}\n"),
			     CONFIG("value: {days: 0}\n"),
			     CONFIG("value: {churn: {a: b}}\n")};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		c = NULL;
		assert_int_equal(bt_config_parse("t", bad[i], strlen(bad[i]), &c, NULL, NULL, &err), BT_EINVAL);
		assert_null(c);
	}
}

static const struct bt_value_side *side(const struct bt_value *v, int pair, int bad)
{
	return bad ? &v->pairs[pair].bad : &v->pairs[pair].good;
}

/* Value at stake over 2 days, as of 10 days (revenue from props.revenue,
 * churn account.closed):
 *   s1  resolved at 0 with promise P1 due 1h, kept at 30m; 1h invoice 100.50
 *       journey successful from 0; promise kept from 30m
 *   s2  web call at 0 (case K1), phone call at 10m (case K1: clean handoff
 *       digital -> service) resolved; invoice 20 at 2d10m - 1s (inside),
 *       1000 at 2d10m and closed at 2d10m (exactly 2 days: outside)
 *       journey successful from 10m; handoff clean from 10m
 *   f1  call at 0 with promise P2 due 2h (never kept), abandoned at 1h;
 *       invoice 5 at 30m (before any outcome); closed at 2d1h - 1s
 *       journey failed from 1h (churn inside [1h, 2d1h)); promise broken
 *       from 2h (inside [2h, 2d2h))
 *   f2  resolved at 0 (web), phone call at 30m without a case (re-opens it:
 *       recontact; handoff digital -> service, context lost), resolved
 *       40m; invoice "0.25" (a text) at 1d
 *       journey failed from 40m (recontacted); handoff failed from 30m
 * journeys   successful s1 s2: churned 0 / 2, revenue 100.5 + 20 = 120.5,
 *            60.25 each; failed f1 f2: churned 1 / 2, revenue 0.25, 0.125 each;
 *            difference: churn 0.5, revenue per customer 0.125 - 60.25 = -60.125
 * promises   kept s1: 0 / 1, 100.5; broken f1: 1 / 1, 0 (the 5 came before)
 * handoffs   clean s2: 0 / 1, 20; failed f2: 0 / 1, 0.25 */
static void value_at_stake(void **state)
{
	(void)state;
	struct kit k;
	struct bt_err err = {0, ""};
	kit_init_with(&k, CONFIG("value: {revenue: props.revenue, churn: [account.closed], days: 2}\n"));
	ev(&k, "s1", 0, "web", "claim.call", "'outcome':'resolved','promise':{'id':'P1','due':'1h'}");
	ev(&k, "s1", 30 * MIN, "web", "claim.call", "'fulfils':'P1'");
	ev(&k, "s1", HOUR, "billing-sys", "invoice.paid", "'props':{'revenue':100.50}");
	ev(&k, "s2", 0, "web", "claim.call", "'case':'K1'");
	ev(&k, "s2", 10 * MIN, "phone", "claim.call", "'case':'K1','outcome':'resolved'");
	ev(&k, "s2", 2 * DAY + 10 * MIN - 1, "billing-sys", "invoice.paid", "'props':{'revenue':20}");
	ev(&k, "s2", 2 * DAY + 10 * MIN, "billing-sys", "invoice.paid", "'props':{'revenue':1000}");
	ev(&k, "s2", 2 * DAY + 10 * MIN, "billing-sys", "account.closed", NULL);
	ev(&k, "f1", 0, "web", "claim.call", "'promise':{'id':'P2','due':'2h'}");
	ev(&k, "f1", 30 * MIN, "billing-sys", "invoice.paid", "'props':{'revenue':5}");
	ev(&k, "f1", HOUR, "web", "claim.call", "'outcome':'abandoned'");
	ev(&k, "f1", 2 * DAY + HOUR - 1, "billing-sys", "account.closed", NULL);
	ev(&k, "f2", 0, "web", "claim.call", "'outcome':'resolved'");
	ev(&k, "f2", 30 * MIN, "phone", "claim.call", NULL);
	ev(&k, "f2", 40 * MIN, "phone", "claim.call", "'outcome':'resolved'");
	ev(&k, "f2", DAY, "billing-sys", "invoice.paid", "'props':{'revenue':'0.25'}");
	kit_run(&k, 10 * DAY);
	const struct bt_journey_kpis *j = J(&k, "claim");
	assert_int_equal(j->successful, 2);
	assert_int_equal(j->clean_handoffs, 1);
	assert_int_equal(j->handoffs, 2);
	assert_int_equal(j->promises_kept, 1);
	assert_int_equal(j->promises_broken, 1);

	struct bt_value v;
	assert_int_equal(bt_engine_value(k.e, &ALL, NULL, &v, &err), 0);
	assert_int_equal(v.days, 2);
	assert_string_equal(v.revenue, "revenue");
	assert_string_equal(v.pairs[0].pair, "journeys");
	/* journeys */
	assert_int_equal(side(&v, 0, 0)->customers, 2);
	assert_int_equal(side(&v, 0, 0)->churned, 0);
	assert_int_equal(side(&v, 0, 0)->revenue_u, 120500000);
	assert_true(side(&v, 0, 0)->revenue_per_customer == 60.25);
	assert_int_equal(side(&v, 0, 1)->customers, 2);
	assert_int_equal(side(&v, 0, 1)->churned, 1);
	assert_rate(side(&v, 0, 1)->churn_rate, 1, 2);
	assert_int_equal(side(&v, 0, 1)->revenue_u, 250000);
	assert_true(side(&v, 0, 1)->revenue_per_customer == 0.125);
	assert_true(v.pairs[0].churn_rate_diff == 0.5);
	assert_true(v.pairs[0].revenue_per_customer_diff == -60.125);
	/* promises */
	assert_int_equal(side(&v, 1, 0)->customers, 1);
	assert_int_equal(side(&v, 1, 0)->churned, 0);
	assert_int_equal(side(&v, 1, 0)->revenue_u, 100500000);
	assert_int_equal(side(&v, 1, 1)->customers, 1);
	assert_int_equal(side(&v, 1, 1)->churned, 1);
	assert_int_equal(side(&v, 1, 1)->revenue_u, 0);
	/* handoffs */
	assert_int_equal(side(&v, 2, 0)->customers, 1);
	assert_int_equal(side(&v, 2, 0)->churned, 0);
	assert_int_equal(side(&v, 2, 0)->revenue_u, 20000000);
	assert_int_equal(side(&v, 2, 1)->customers, 1);
	assert_int_equal(side(&v, 2, 1)->revenue_u, 250000);

	struct bt_buf b = BT_BUF_INIT;
	assert_int_equal(bt_engine_value_json(k.e, &ALL, NULL, &b, &err), 0);
	assert_int_equal(bt_buf_addc(&b, '\0'), 0);
	assert_non_null(strstr(b.data, "\"days\":2,\"revenue_field\":\"props.revenue\","
				       "\"churn_types\":[\"account.closed\"]"));
	assert_non_null(strstr(b.data, "{\"pair\":\"journeys\",\"good\":{\"side\":\"successful\","
				       "\"outcomes\":2,\"customers\":2,\"churned\":0,\"churn_rate\":0,"
				       "\"revenue\":120.5,\"revenue_per_customer\":60.25},\"bad\":{\"side\":"
				       "\"failed\",\"outcomes\":2,\"customers\":2,\"churned\":1,"
				       "\"churn_rate\":0.5,\"revenue\":0.25,\"revenue_per_customer\":0.125},"
				       "\"difference\":{\"churn_rate\":0.5,\"revenue_per_customer\":-60.125}}"));
	bt_buf_release(&b);

	/* judged a second earlier than f1's churn, f1 has not churned yet */
	kit_run(&k, 2 * DAY + HOUR - 2);
	assert_int_equal(bt_engine_value(k.e, &ALL, NULL, &v, &err), 0);
	assert_int_equal(side(&v, 0, 1)->churned, 0);
	kit_done(&k);
}

/* Amounts are read exactly into millionths, or not at all. */
static void decimal_amounts(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int rc;
		int64_t v;
		const char *back;
	} c[] = {
		{"100.50", 0, 100500000, "100.5"}, {"0.25", 0, 250000, "0.25"}, {"-3", 0, -3000000, "-3"},
		{"0.000001", 0, 1, "0.000001"}, {"1e2", 0, 100000000, "100"}, {"1.5E-6", -1, 0, NULL},
		{"1.25e-4", 0, 125, "0.000125"}, {"0.0000001", -1, 0, NULL}, {"12.", -1, 0, NULL},
		{".5", -1, 0, NULL}, {"1,5", -1, 0, NULL}, {"", -1, 0, NULL}, {"abc", -1, 0, NULL},
		{"1000000000000", 0, 1000000000000LL * 1000000, "1000000000000"},
		{"1000000000001", -1, 0, NULL}, {"99999999999999999999999", -1, 0, NULL},
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(*c); i++) {
		int64_t v = 0;
		char t[32];
		int rc = bt__micro_parse(c[i].s, strlen(c[i].s), &v);
		if (rc != c[i].rc || (rc == 0 && v != c[i].v)) {
			print_error("'%s' read as %d, %lld\n", c[i].s, rc, (long long)v);
			fail();
		}
		if (c[i].back) {
			bt__micro_print(v, t);
			assert_string_equal(t, c[i].back);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(friction_ranked),
		cmocka_unit_test(delay_at_the_sla),
		cmocka_unit_test(consistency_spread),
		cmocka_unit_test(consistency_config),
		cmocka_unit_test(value_at_stake),
		cmocka_unit_test(decimal_amounts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
