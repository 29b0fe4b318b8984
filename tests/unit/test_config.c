/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_config.c - reading a configuration when parts of it are missing or
 * memory runs out: every problem is reported, nothing leaks (the ASan
 * build of `make test` checks), and out of memory is said as such, never
 * as a mistake in the file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kit.h"
#include "util/alloc.h"

static void count_problem(void *ctx, long line, const char *msg)
{
	(void)line, (void)msg;
	(*(int *)ctx)++;
}

/* A team, a person and a stage without an id are each reported, and what
 * was read of them (a name, a team, stage types) is freed: the next item
 * takes their place, and the free of the configuration only sees the kept
 * ones.  They used to leak. */
static void items_without_an_id(void **state)
{
	(void)state;
	static const char yaml[] = "teams:\n"
				   "  - {name: Nameless}\n"
				   "  - {id: service, name: Service}\n"
				   "people:\n"
				   "  - {name: Nobody, team: service, email: n@example.com}\n"
				   "  - {id: tom, name: Tom, team: service}\n"
				   "journeys:\n"
				   "  - id: order\n"
				   "    owner: tom\n"
				   "    stages:\n"
				   "      - {types: [\"order.*\"]}\n"
				   "      - {id: placed}\n";
	struct bt_config *c = NULL;
	struct bt_err err = {0, ""};
	int problems = 0;
	assert_int_equal(bt_config_parse("t", yaml, sizeof(yaml) - 1, &c, count_problem, &problems, &err),
			 BT_EINVAL);
	assert_null(c);
	assert_int_equal(problems, 3); /* one missing id each */
}

/* bt_config_parse under every allocation failure, from the n-th on and the
 * n-th alone: BT_ENOMEM, or the configuration of a clean run. */
static void alloc_failure_config_parse(void **state)
{
	(void)state;
	for (int once = 0; once < 2; once++) {
		long n = 0;
		for (int fired = 1; fired; n++) {
			struct bt_config *c = NULL;
			struct bt_err err = {0, ""};
			if (once)
				bt__alloc_fail_once(n);
			else
				bt__alloc_fail_after(n);
			int rc = bt_config_parse("kit", KIT_CONFIG, sizeof(KIT_CONFIG) - 1, &c, NULL, NULL, &err);
			fired = bt__alloc_failed();
			bt__alloc_fail_after(-1);
			if (rc) {
				if (rc != BT_ENOMEM || !fired) {
					print_error("allocation %ld failing (%s): %s\n", n,
						    once ? "alone" : "and on", err.msg);
					fail();
				}
				assert_null(c);
				continue;
			}
			assert_int_equal(c->nteams, 4);
			assert_int_equal(c->npeople, 2);
			assert_int_equal(c->njourneys, 2);
			assert_int_equal(c->ntouchpoints, 6);
			bt_config_free(c);
		}
		assert_true(n > 1);
	}
}

/* The rules an owner may change, field by field: their names, their
 * values as the configuration writes them, and what a bad one is told. */
static void journey_rules(void **state)
{
	(void)state;
	static const char yaml[] = "teams: [{id: service}]\n"
				   "people: [{id: tom, name: Tom, team: service}]\n"
				   "journeys:\n"
				   "  - id: order\n"
				   "    owner: tom\n"
				   "    match: [{types: [\"order.*\"]}]\n"
				   "    handoff_sla: 90m\n"
				   "    stages:\n"
				   "      - {id: pick, types: [order.pick], sla: 2h}\n"
				   "      - {id: ship, types: [order.ship]}\n";
	struct bt_config *c = NULL;
	struct bt_err err = {0, ""};
	char field[160], *v = NULL;
	assert_int_equal(bt_config_parse("t", yaml, sizeof(yaml) - 1, &c, NULL, NULL, &err), 0);
	static const char *const want[] = {"handoff_sla", "recontact_window", "abandon_after",
					   "sensitive", "escalations", "followup_sla",
					   "followup_triggers", "stages.pick.sla", "stages.ship.sla"};
	for (size_t i = 0; i < 9; i++) {
		assert_int_equal(bt_config_rule_field(c, "order", i, field), 0);
		assert_string_equal(field, want[i]);
	}
	assert_int_equal(bt_config_rule_field(c, "order", 9, field), BT_ENOTFOUND);
	assert_int_equal(bt_config_rule_field(c, "nope", 0, field), BT_ENOTFOUND);
	/* values as written back: 90m, the defaults 7d and 30d, false, no
	 * escalations, 2h, none */
	static const char *const val[] = {
		"1h30m", "7d", "30d", "false", "[]", "2d",
		"{\"csat_max\":2,\"nps_max\":6,\"ces_min\":6,\"words\":[\"cancel\",\"complaint\","
		"\"complain\",\"unacceptable\",\"terrible\"]}",
		"2h", NULL};
	for (size_t i = 0; i < 9; i++) {
		assert_int_equal(bt_config_rule_get(c, "order", want[i], &v), 0);
		if (val[i])
			assert_string_equal(v, val[i]);
		else
			assert_null(v);
		bt_free(v);
	}
	assert_int_equal(bt_config_rule_get(c, "order", "owner", &v), BT_ENOTFOUND);
	/* set, and read back */
	assert_int_equal(bt_config_rule_set(c, "order", "stages.ship.sla", "1d", &err), 0);
	assert_int_equal(bt_config_rule_set(c, "order", "stages.pick.sla", NULL, &err), 0);
	assert_int_equal(bt_config_rule_set(c, "order", "sensitive", "true", &err), 0);
	assert_int_equal(bt_config_journey(c, "order")->stages[1].sla_ms, 86400000);
	assert_int_equal(bt_config_journey(c, "order")->stages[0].sla_ms, 0);
	assert_int_equal(bt_config_journey(c, "order")->sensitive, 1);
	/* refused, saying why, and nothing changes */
	assert_int_equal(bt_config_rule_set(c, "order", "handoff_sla", "0s", &err), BT_EINVAL);
	assert_string_equal(err.msg, "handoff_sla must be a duration like 24h, 7d or 90m");
	assert_int_equal(bt_config_rule_set(c, "order", "handoff_sla", NULL, &err), BT_EINVAL);
	assert_int_equal(bt_config_rule_set(c, "order", "sensitive", "yes", &err), BT_EINVAL);
	assert_int_equal(bt_config_rule_set(c, "order", "stages.pack.sla", "1h", &err), BT_ENOTFOUND);
	assert_string_equal(err.msg, "journey 'order' has no stage that 'stages.pack.sla' names");
	assert_int_equal(bt_config_rule_set(c, "order", "owner", "tom", &err), BT_ENOTFOUND);
	assert_int_equal(bt_config_rule_set(c, "x", "handoff_sla", "1h", &err), BT_ENOTFOUND);
	assert_int_equal(bt_config_journey(c, "order")->handoff_sla_ms, 90 * 60000);
	/* follow-up triggers: members given replace those, the others stay */
	assert_int_equal(bt_config_rule_set(c, "order", "followup_triggers",
					    "{\"nps_max\":4,\"words\":[\"refund\"]}", &err), 0);
	assert_int_equal(bt_config_rule_get(c, "order", "followup_triggers", &v), 0);
	assert_string_equal(v, "{\"csat_max\":2,\"nps_max\":4,\"ces_min\":6,\"words\":[\"refund\"]}");
	bt_free(v);
	assert_int_equal(bt_config_rule_set(c, "order", "followup_triggers", "{\"csat_max\":6}", &err),
			 BT_EINVAL);
	assert_string_equal(err.msg, "followup_triggers: csat_max must be a whole number from 0 to 5");
	assert_int_equal(bt_config_rule_set(c, "order", "followup_triggers", "{\"words\":[\"two words\"]}",
					    &err), BT_EINVAL);
	assert_int_equal(bt_config_rule_set(c, "order", "followup_triggers", "{\"colour\":1}", &err),
			 BT_EINVAL);
	assert_int_equal(bt_config_journey(c, "order")->triggers.nps_max, 4);
	assert_int_equal(bt_config_rule_set(c, "order", "followup_sla", "12h", &err), 0);
	assert_int_equal(bt_config_journey(c, "order")->followup_sla_ms, 12 * 3600000);
	bt_config_free(c);
}

/* Trigger words have the API's limits in the file too (at most 200, of at
 * most 60 bytes): a rule read back must set again, as the stored rules are
 * at every load.  A 61-byte word used to load from the file, and then its
 * journey's triggers, read back, were refused (fuzz_config). */
static void trigger_words_limits(void **state)
{
	(void)state;
	char yaml[2048], words[1800] = "", *v = NULL, *again = NULL;
	struct bt_config *c = NULL;
	struct bt_err err = {0, ""};
	static const char fmt[] = "people: [{id: tom}]\n"
				  "journeys: [{id: order, owner: tom}]\n"
				  "followup_triggers: {words: [%s]}\n";
	/* 60 bytes: loads, reads back, sets again to the same */
	snprintf(yaml, sizeof(yaml), fmt, "aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeeeffffffffff");
	assert_int_equal(bt_config_parse("t", yaml, strlen(yaml), &c, NULL, NULL, &err), 0);
	assert_int_equal(bt_config_rule_get(c, "order", "followup_triggers", &v), 0);
	assert_string_equal(v, "{\"csat_max\":2,\"nps_max\":6,\"ces_min\":6,\"words\":[\"aaaaaaaaaa"
			       "bbbbbbbbbbccccccccccddddddddddeeeeeeeeeeffffffffff\"]}");
	assert_int_equal(bt_config_rule_set(c, "order", "followup_triggers", v, &err), 0);
	assert_int_equal(bt_config_rule_get(c, "order", "followup_triggers", &again), 0);
	assert_string_equal(again, v);
	bt_free(v), bt_free(again), bt_config_free(c);
	/* 61 bytes */
	snprintf(yaml, sizeof(yaml), fmt, "aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeeeffffffffffg");
	assert_int_equal(bt_config_parse("t", yaml, strlen(yaml), &c, NULL, NULL, &err), BT_EINVAL);
	assert_string_equal(err.msg, "t:3: followup_triggers: 'aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd...' "
				     "is longer than 60 bytes");
	/* 201 words: w0 .. w200 */
	for (int i = 0; i <= 200; i++)
		snprintf(words + strlen(words), sizeof(words) - strlen(words), "%sw%d", i ? ", " : "", i);
	snprintf(yaml, sizeof(yaml), fmt, words);
	assert_int_equal(bt_config_parse("t", yaml, strlen(yaml), &c, NULL, NULL, &err), BT_EINVAL);
	assert_string_equal(err.msg, "t:3: followup_triggers: more than 200 words");
}

/* An escalation to a person whose id is longer than 120 bytes (the file
 * allows 256) reads back and sets again; it used to be refused as "each
 * needs to" (fuzz_config). */
static void escalation_to_long_id(void **state)
{
	(void)state;
	char id[258], yaml[1200], want[600], *v = NULL, *again = NULL;
	struct bt_config *c = NULL;
	struct bt_err err = {0, ""};
	memset(id, 'p', 121), id[121] = '\0';
	snprintf(yaml, sizeof(yaml),
		 "people: [{id: %s}]\n"
		 "journeys: [{id: j, owner: %s, escalations: [{on: unowned, to: %s}]}]\n",
		 id, id, id);
	assert_int_equal(bt_config_parse("t", yaml, strlen(yaml), &c, NULL, NULL, &err), 0);
	assert_int_equal(bt_config_rule_get(c, "j", "escalations", &v), 0);
	snprintf(want, sizeof(want), "[{\"on\":\"unowned\",\"after\":\"0s\",\"to\":\"%s\"}]", id);
	assert_string_equal(v, want);
	assert_int_equal(bt_config_rule_set(c, "j", "escalations", v, &err), 0);
	assert_int_equal(bt_config_rule_get(c, "j", "escalations", &again), 0);
	assert_string_equal(again, want);
	/* longer than any id of the file: refused */
	memset(id, 'p', 257), id[257] = '\0';
	snprintf(want, sizeof(want), "[{\"on\":\"unowned\",\"to\":\"%s\"}]", id);
	assert_int_equal(bt_config_rule_set(c, "j", "escalations", want, &err), BT_EINVAL);
	assert_string_equal(err.msg, "escalations: each needs to");
	bt_free(v), bt_free(again), bt_config_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(items_without_an_id),
		cmocka_unit_test(alloc_failure_config_parse),
		cmocka_unit_test(journey_rules),
		cmocka_unit_test(trigger_words_limits),
		cmocka_unit_test(escalation_to_long_id),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
