/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_suggest.c - the edit distance and the "did you mean" pick shared by
 * event fields, configuration keys, commands and options.
 *
 * Distances worked by hand: kitten -> sitten (substitute) -> sittin
 * (substitute) -> sitting (insert) is 3; form -> from swaps two letters,
 * which Levenshtein counts as two substitutions; the empty word is as far
 * from a name as the name is long.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "baton/baton.h"

static unsigned dist(const char *a, const char *b)
{
	return bt_edit_distance(a, strlen(a), b, strlen(b));
}

static void distances(void **state)
{
	(void)state;
	assert_int_equal(dist("kitten", "sitting"), 3);
	assert_int_equal(dist("sitting", "kitten"), 3);
	assert_int_equal(dist("form", "from"), 2);
	assert_int_equal(dist("kpi", "kpis"), 1);
	assert_int_equal(dist("jounreys", "journeys"), 2);
	assert_int_equal(dist("", "abc"), 3);
	assert_int_equal(dist("abc", ""), 3);
	assert_int_equal(dist("same", "same"), 0);
	assert_int_equal(dist("flaw", "lawn"), 2);
	/* only the given length of a counts */
	assert_int_equal(bt_edit_distance("kpis--x", 4, "kpis", 4), 0);
	/* 65 bytes: no typo; the distance is the longer length */
	char lng[66];
	memset(lng, 'a', 65);
	lng[65] = 0;
	assert_int_equal(dist(lng, "ab"), 65);
}

static const char *const commands[] = {"ingest", "profile", "kpis", "journeys", "report", "demo"};
#define NCMD (sizeof(commands) / sizeof(commands[0]))

static const char *pick(const char *w, const char *const *names, size_t n)
{
	return bt_suggest(w, strlen(w), names, n);
}

static void suggestions(void **state)
{
	(void)state;
	assert_string_equal(pick("kpi", commands, NCMD), "kpis");
	assert_string_equal(pick("jounreys", commands, NCMD), "journeys");
	assert_string_equal(pick("profiel", commands, NCMD), "profile");
	assert_string_equal(pick("ingset", commands, NCMD), "ingest");
	/* three edits is too far */
	assert_null(pick("kpixyz", commands, NCMD));
	assert_null(pick("serve", commands, NCMD));
	assert_null(pick("", commands, NCMD));
	/* nothing to pick from */
	assert_null(pick("kpi", commands, 0));
}

static void short_names(void **state)
{
	(void)state;
	static const char *const opts[] = {"db", "to", "from", "json"};
	/* 'xy' is two edits from both 'db' and 'to': a two-letter name is never
	 * suggested for a word it shares no letter in place with */
	assert_null(pick("xy", opts, 4));
	assert_string_equal(pick("tp", opts, 4), "to");
	assert_string_equal(pick("form", opts, 4), "from");
}

static void nearest_then_first(void **state)
{
	(void)state;
	static const char *const names[] = {"abcd", "abce", "abc"};
	/* 'abcx' is one edit from each: the first wins */
	assert_string_equal(pick("abcx", names, 3), "abcd");
	/* 'abc' is 0 from the third, 1 from the others: the nearest wins */
	assert_string_equal(pick("abc", names, 3), "abc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(distances),
		cmocka_unit_test(suggestions),
		cmocka_unit_test(short_names),
		cmocka_unit_test(nearest_then_first),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
