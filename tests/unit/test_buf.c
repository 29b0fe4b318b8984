/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_buf.c - the byte buffer's JSON writers: numbers exactly as they are
 * (integers as integers, other numbers in the shortest form that reads
 * back as the same double) and strings escaped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "baton/buf.h"
#include "baton/error.h"
#include "util/alloc.h"

static void num(double v, const char *want)
{
	struct bt_buf b = BT_BUF_INIT;
	assert_int_equal(bt_buf_json_num(&b, v), 0);
	assert_string_equal(b.data, want);
	bt_buf_release(&b);
}

static void test_integers(void **state)
{
	(void)state;
	num(0, "0");
	num(7, "7");
	num(-3, "-3");
	num(1234567, "1234567");        /* a TTR in seconds, never 1.23457e+06 */
	num(86400 * 365.0, "31536000");
	num(4503599627370496.0, "4503599627370496"); /* 2^52, still an integer */
}

static void test_fractions(void **state)
{
	(void)state;
	num(0.5, "0.5");
	num(1234567.5, "1234567.5");
	num(0.1, "0.1");
	num(2.0 / 3.0, "0.6666666666666666"); /* 16 digits read back as 2/3 */
	num(1.0 / 3.0, "0.3333333333333333");
	num(0.38, "0.38");
	num(-12.25, "-12.25");
	num(1e-7, "1e-07");
	num(1e300, "1e+300");  /* past the integer range */
	num(9007199254740993.0 * 4, "3.602879701896397e+16"); /* 2^55: past 9e15, 16 digits suffice */
}

static void test_not_finite(void **state)
{
	(void)state;
	num(NAN, "null");
	num(INFINITY, "null");
	num(-INFINITY, "null");
}

/* Every written number reads back as the same double. */
static void test_round_trip(void **state)
{
	(void)state;
	unsigned x = 12345;
	for (int i = 0; i < 20000; i++) {
		x = x * 1103515245u + 12345u;
		double v = (double)x / (double)(x % 977 + 1) * (i % 2 ? 1e-3 : 1e3);
		struct bt_buf b = BT_BUF_INIT;
		assert_int_equal(bt_buf_json_num(&b, v), 0);
		if (strtod(b.data, NULL) != v)
			fail_msg("%.17g was written as %s", v, b.data);
		bt_buf_release(&b);
	}
}

static void test_strings(void **state)
{
	(void)state;
	struct bt_buf b = BT_BUF_INIT;
	assert_int_equal(bt_buf_json_str(&b, "a\"b\\c\n\x01", 7), 0);
	assert_string_equal(b.data, "\"a\\\"b\\\\c\\n\\u0001\"");
	bt_buf_release(&b);
}

static void str(const char *in, size_t n, const char *want)
{
	struct bt_buf b = BT_BUF_INIT;
	assert_int_equal(bt_buf_json_str(&b, in, n), 0);
	assert_string_equal(b.data, want);
	bt_buf_release(&b);
}

/* Bytes that are not UTF-8 never reach the JSON as they are (an error
 * detail quoting %ff%fe from a URL once broke the response). */
static void test_invalid_utf8(void **state)
{
	(void)state;
	str("\xff\xfe", 2, "\"\\ufffd\\ufffd\"");
	str("caf\xc3\xa9", 5, "\"caf\xc3\xa9\"");          /* é stays */
	str("\xe2\x82\xac \xf0\x9f\x98\x80", 8, "\"\xe2\x82\xac \xf0\x9f\x98\x80\""); /* € and an emoji */
	str("a\xc3", 2, "\"a\\ufffd\"");                  /* cut short */
	str("\xc0\xaf", 2, "\"\\ufffd\\ufffd\"");          /* overlong '/' */
	str("\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\""); /* a surrogate */
	str("\xf4\x90\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* past U+10FFFF */
	str("\xe2\x28\xa1", 3, "\"\\ufffd(\\ufffd\"");     /* a bad continuation */
}

/* Once an append runs out of memory, every later one fails too, so a
 * writer that checks only its last append never hands out half a
 * document. */
static void test_failure_sticks(void **state)
{
	(void)state;
	struct bt_buf b = BT_BUF_INIT;
	assert_int_equal(bt_buf_adds(&b, "{\"a\":1"), 0);
	char big[200];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	bt__alloc_fail_once(0); /* the next allocation, the growth for big, fails */
	assert_int_equal(bt_buf_adds(&b, big), BT_ENOMEM);
	assert_true(bt__alloc_failed());
	assert_int_equal(bt_buf_adds(&b, "}"), BT_ENOMEM); /* fits, but the document is broken */
	assert_int_equal(bt_buf_status(&b), BT_ENOMEM);
	assert_string_equal(b.data, "{\"a\":1");
	bt_buf_reset(&b); /* a new document */
	assert_int_equal(bt_buf_adds(&b, "{}"), 0);
	assert_int_equal(bt_buf_status(&b), 0);
	bt_buf_release(&b);
}

/* Text for a page or a Markdown table cell: only what would change its
 * meaning is escaped. */
static void test_text_dialects(void **state)
{
	(void)state;
	struct bt_buf b = BT_BUF_INIT;
	assert_int_equal(bt_buf_html_text(&b, "a<b> & \"c\" 'd'"), 0);
	assert_string_equal(b.data, "a&lt;b&gt; &amp; &quot;c&quot; 'd'");
	bt_buf_reset(&b);
	assert_int_equal(bt_buf_md_text(&b, "a|b\nc *d* _e_"), 0);
	assert_string_equal(b.data, "a\\|b c *d* _e_");
	bt_buf_reset(&b);
	assert_int_equal(bt_buf_md_text(&b, NULL), 0); /* nothing */
	assert_int_equal(bt_buf_html_text(&b, ""), 0);
	assert_int_equal((int)b.len, 0);
	bt_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_fractions),
		cmocka_unit_test(test_not_finite),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_failure_sticks),
		cmocka_unit_test(test_text_dialects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
