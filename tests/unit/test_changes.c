/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_changes.c - the change calendar's record (docs/changes.md): a body
 * read against the configuration, with each bad field named, and the
 * change.upcoming moment at exactly date - notice.
 *
 * The moment, worked by hand: a change dated D = 2026-03-10T00:00:00Z with
 * a notice of 7 days is announced from D - 7 d = 2026-03-03T00:00:00Z (ms
 * 1772496000000) until D itself, excluded (the change is then no longer
 * upcoming): at D - 7 d - 1 s not yet, at D - 7 d and at D - 1 s yes, at D
 * no more.
 */
#define _GNU_SOURCE 1 /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "baton/calendar.h"

static const char CONFIG[] = "teams: [{id: marketing}, {id: service}]\n"
			     "people: [{id: maria, name: Maria, team: service}]\n"
			     "journeys:\n"
			     "  - {id: billing, owner: maria, match: [{types: [\"billing.*\"]}]}\n"
			     "  - {id: support, owner: maria, match: [{types: [\"support.*\"]}]}\n";

static struct bt_config *config(void)
{
	struct bt_config *c = NULL;
	struct bt_err err = {0, ""};
	assert_int_equal(bt_config_parse("t.yaml", CONFIG, strlen(CONFIG), &c, NULL, NULL, &err), 0);
	return c;
}

static int parse(const struct bt_config *cfg, const char *json, struct bt_calchange *c,
		 struct bt_err *err)
{
	return bt_calchange_parse(cfg, json, strlen(json), c, err);
}

static void reads_a_change(void **state)
{
	(void)state;
	struct bt_config *cfg = config();
	struct bt_calchange c;
	struct bt_err err = {0, ""};
	assert_int_equal(parse(cfg, "{\"title\":\"Spring promo\",\"team\":\"marketing\",\"kind\":"
				    "\"campaign\",\"date\":\"2026-03-10\",\"journeys\":[\"billing\","
				    "\"support\",\"billing\"]}", &c, &err), 0);
	assert_string_equal(c.title, "Spring promo");
	assert_string_equal(c.kind, "campaign");
	assert_true(c.date == INT64_C(1773100800000)); /* 2026-03-10T00:00:00Z */
	assert_int_equal(c.njourneys, 2);              /* named twice: once */
	assert_true(bt_calchange_touches(&c, "support"));
	assert_false(bt_calchange_touches(&c, "sales"));
	bt_calchange_release(&c);
	bt_config_free(cfg);
}

static void names_the_bad_field(void **state)
{
	(void)state;
	static const struct {
		const char *json, *msg;
	} bad[] = {
		{"{\"title\":\"x\",\"team\":\"marketing\",\"kind\":\"campain\",\"date\":\"2026-03-10\","
		 "\"journeys\":[\"billing\"]}",
		 "kind: 'campain' is not a kind of change (did you mean 'campaign'?)"},
		{"{\"title\":\"x\",\"team\":\"marketin\",\"kind\":\"price\",\"date\":\"2026-03-10\","
		 "\"journeys\":[\"billing\"]}",
		 "team: 'marketin' is not a team of the configuration (did you mean 'marketing'?)"},
		{"{\"title\":\"x\",\"team\":\"marketing\",\"kind\":\"price\",\"date\":\"next week\","
		 "\"journeys\":[\"billing\"]}",
		 "date: 'next week' is not a time (RFC 3339, or a date like 2026-03-01)"},
		{"{\"title\":\"x\",\"team\":\"marketing\",\"kind\":\"price\",\"date\":\"2026-03-10\","
		 "\"journeys\":[\"biling\"]}",
		 "journeys: 'biling' is not a journey of the configuration (did you mean 'billing'?)"},
		{"{\"title\":\"x\",\"team\":\"marketing\",\"kind\":\"price\",\"date\":\"2026-03-10\","
		 "\"journeys\":[]}",
		 "journeys must be a list of 1 to 100 journey ids"},
		{"{\"titel\":\"x\"}", "unknown field 'titel' (did you mean 'title'?)"},
		{"{\"team\":\"marketing\"}", "title is missing"},
		{"[]", "send a JSON object {\"title\", \"team\", \"kind\", \"date\", \"journeys\"}"},
	};
	struct bt_config *cfg = config();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct bt_calchange c;
		struct bt_err err = {0, ""};
		assert_int_equal(parse(cfg, bad[i].json, &c, &err), BT_EINVAL);
		assert_string_equal(err.msg, bad[i].msg);
	}
	bt_config_free(cfg);
}

struct seen {
	int n;
	char key[64];
	int64_t at;
};

static int take(void *ctx, const char *key, const char *event, int64_t at, const char *json,
		size_t len)
{
	struct seen *s = ctx;
	assert_string_equal(event, "change.upcoming");
	assert_non_null(memmem(json, len, "\"title\":\"Spring promo\"", 22));
	snprintf(s->key, sizeof(s->key), "%s", key);
	s->at = at;
	s->n++;
	return 0;
}

static void upcoming_at_date_minus_notice(void **state)
{
	(void)state;
	const int64_t D = INT64_C(1773100800000), S = 1000, notice = 7 * 86400 * S;
	char *j[] = {"billing"};
	struct bt_calchange c = {42, "Spring promo", "marketing", "campaign", D, j, 1, "maria", 0};
	static const struct {
		int64_t now;
		int fires;
	} at[] = {
		{D - 7 * 86400 * S - S, 0}, /* one second before: not yet */
		{D - 7 * 86400 * S, 1},     /* exactly date - notice */
		{D - S, 1},                 /* the last second it is upcoming */
		{D, 0},                     /* its date: no longer upcoming */
	};
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		struct seen s = {0, "", 0};
		assert_int_equal(bt_calchange_moments(&c, 1, notice, at[i].now, take, &s), 0);
		assert_int_equal(s.n, at[i].fires);
		if (s.n) {
			assert_string_equal(s.key, "change:42:upcoming"); /* the same key: once */
			assert_true(s.at == D - notice);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_a_change),
		cmocka_unit_test(names_the_bad_field),
		cmocka_unit_test(upcoming_at_date_minus_notice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
