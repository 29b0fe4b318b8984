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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(items_without_an_id),
		cmocka_unit_test(alloc_failure_config_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
