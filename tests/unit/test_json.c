/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_json.c - unit tests of the JSON parser (src/util/json.c).
 *
 * Hand-written cases whose expected nodes, bytes and messages were worked
 * out by hand, allocation-failure loops, and the JSONTestSuite corpus from
 * ../shared (skipped when a clone does not have it): every y_ file must
 * parse, every n_ file must fail, every i_ file must merely not crash.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/alloc.h"
#include "util/json.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parse the NUL-terminated text into d and assert success. */
static void parse_ok(struct bt_json_doc *d, const char *text)
{
	struct bt_err err = {0, ""};
	int rc = bt_json_parse(d, text, strlen(text), 0, &err);
	if (rc)
		print_error("parsing %s: %s\n", text, err.msg);
	assert_int_equal(rc, 0);
}

/* Parse len bytes of text and assert failure with code and message. */
static void parse_fails(const char *text, size_t len, uint32_t max_depth,
			int code, const char *msg)
{
	struct bt_json_doc d;
	struct bt_err err = {0, ""};

	bt_json_doc_init(&d);
	assert_int_equal(bt_json_parse(&d, text, len, max_depth, &err), code);
	assert_int_equal(err.code, code);
	assert_string_equal(err.msg, msg);
	assert_int_equal(d.count, 0);
	bt_json_doc_release(&d);
}

static void fails(const char *text, const char *msg)
{
	parse_fails(text, strlen(text), 0, BT_EINVAL, msg);
}

static void expect_node(const struct bt_json_doc *d, uint32_t i, int type,
			uint32_t len, uint32_t end, uint32_t off)
{
	assert_true(i < d->count);
	assert_int_equal(d->nodes[i].type, type);
	assert_int_equal(d->nodes[i].len, len);
	assert_int_equal(d->nodes[i].end, end);
	assert_int_equal(d->nodes[i].off, off);
}

static void test_layout(void **state)
{
	/*          0         1         2         3
	 *          0123456789012345678901234567890123 */
	const char *t = "{\"a\": [1, \"xy\"], \"b\": {\"c\": null}}";
	struct bt_json_doc d;
	(void)state;

	bt_json_doc_init(&d);
	parse_ok(&d, t);
	assert_int_equal(d.count, 9);
	expect_node(&d, 0, BT_JSON_OBJECT, 2, 9, 0);
	expect_node(&d, 1, BT_JSON_STRING, 1, 2, 1);
	expect_node(&d, 2, BT_JSON_ARRAY, 2, 5, 6);
	expect_node(&d, 3, BT_JSON_NUMBER, 1, 4, 7);
	expect_node(&d, 4, BT_JSON_STRING, 2, 5, 10);
	expect_node(&d, 5, BT_JSON_STRING, 1, 6, 17);
	expect_node(&d, 6, BT_JSON_OBJECT, 1, 9, 22);
	expect_node(&d, 7, BT_JSON_STRING, 1, 8, 23);
	expect_node(&d, 8, BT_JSON_NULL, 0, 9, 28);
	assert_string_equal(d.nodes[1].s, "a");
	assert_memory_equal(d.nodes[3].s, "1", 1);
	assert_string_equal(d.nodes[4].s, "xy");
	assert_null(d.nodes[0].s);
	assert_null(d.nodes[8].s);

	/* The documented iteration idioms visit exactly these nodes. */
	uint32_t keys[2], nk = 0, elems[2], ne = 0;
	for (uint32_t k = 1; k < d.nodes[0].end; k = d.nodes[k + 1].end)
		keys[nk++] = k;
	for (uint32_t k = 3; k < d.nodes[2].end; k = d.nodes[k].end)
		elems[ne++] = k;
	assert_int_equal(nk, 2);
	assert_int_equal(keys[0], 1);
	assert_int_equal(keys[1], 5);
	assert_int_equal(ne, 2);
	assert_int_equal(elems[0], 3);
	assert_int_equal(elems[1], 4);

	assert_int_equal(bt_json_get(&d, 0, "a"), 2);
	assert_int_equal(bt_json_get(&d, 0, "b"), 6);
	assert_int_equal(bt_json_get(&d, 6, "c"), 8);
	assert_int_equal(bt_json_get(&d, 0, "c"), 0); /* not a direct member */
	assert_int_equal(bt_json_get(&d, 0, "xy"), 0);
	assert_int_equal(bt_json_get(&d, 2, "a"), 0); /* an array */
	assert_int_equal(bt_json_get(&d, 99, "a"), 0);
	assert_true(bt_json_str_eq(&d.nodes[4], "xy"));
	assert_false(bt_json_str_eq(&d.nodes[4], "x"));
	assert_false(bt_json_str_eq(&d.nodes[4], "xyz"));
	assert_false(bt_json_str_eq(&d.nodes[3], "1"));
	bt_json_doc_release(&d);
}

static void test_scalars_and_whitespace(void **state)
{
	struct bt_json_doc d;
	(void)state;

	bt_json_doc_init(&d);
	parse_ok(&d, " \t\r\n true \n");
	assert_int_equal(d.count, 1);
	expect_node(&d, 0, BT_JSON_TRUE, 0, 1, 5);
	parse_ok(&d, "false");
	expect_node(&d, 0, BT_JSON_FALSE, 0, 1, 0);
	parse_ok(&d, "\"\"");
	expect_node(&d, 0, BT_JSON_STRING, 0, 1, 0);
	assert_string_equal(d.nodes[0].s, "");
	parse_ok(&d, "[ ]");
	expect_node(&d, 0, BT_JSON_ARRAY, 0, 1, 0);
	parse_ok(&d, "{ }");
	expect_node(&d, 0, BT_JSON_OBJECT, 0, 1, 0);
	/* Duplicate keys are kept; bt_json_get returns the first. */
	parse_ok(&d, "{\"k\":1,\"k\":2}");
	assert_int_equal(d.nodes[0].len, 2);
	assert_int_equal(bt_json_get(&d, 0, "k"), 2);
	/* Not NUL-terminated: only len bytes are read. */
	struct bt_err err;
	assert_int_equal(bt_json_parse(&d, "[7]garbage", 3, 0, &err), 0);
	assert_int_equal(d.count, 2);
	assert_int_equal(bt_json_parse(&d, "123456", 3, 0, &err), 0);
	assert_int_equal(d.nodes[0].len, 3);
	bt_json_doc_release(&d);
}

static void test_escapes(void **state)
{
	static const char want[] = "a\"b\\c/d\b\f\n\r\t"
				   "\xc3\xa9"         /* U+00E9 */
				   "\xe2\x82\xac"     /* U+20AC */
				   "\xf0\x9f\x98\x80" /* U+1F600 */
				   "\xef\xbf\xbf";    /* U+FFFF */
	struct bt_json_doc d;
	(void)state;

	bt_json_doc_init(&d);
	parse_ok(&d, "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\u20AC"
		     "\\ud83d\\uDE00\\uffff\"");
	assert_int_equal(d.nodes[0].len, sizeof(want) - 1);
	assert_memory_equal(d.nodes[0].s, want, sizeof(want));

	/* U+10000 and U+10FFFF, the ends of the surrogate-pair range. */
	parse_ok(&d, "[\"\\ud800\\udc00\",\"\\udbff\\udfff\"]");
	assert_int_equal(d.nodes[1].len, 4);
	assert_memory_equal(d.nodes[1].s, "\xf0\x90\x80\x80", 5);
	assert_memory_equal(d.nodes[2].s, "\xf4\x8f\xbf\xbf", 5);

	/* \u0000 puts a NUL inside the string; len counts it. */
	parse_ok(&d, "{\"k\\u0000\":\"a\\u0000b\"}");
	assert_int_equal(d.nodes[1].len, 2);
	assert_memory_equal(d.nodes[1].s, "k\0", 3);
	assert_int_equal(d.nodes[2].len, 3);
	assert_memory_equal(d.nodes[2].s, "a\0b", 4);
	assert_false(bt_json_str_eq(&d.nodes[1], "k"));

	/* Raw UTF-8 is copied as it is; U+007F is not a control character. */
	parse_ok(&d, "\"Zo\xc3\xab \xe2\x82\xac \xf0\x9f\x98\x80 \x7f\"");
	assert_string_equal(d.nodes[0].s,
			    "Zo\xc3\xab \xe2\x82\xac \xf0\x9f\x98\x80 \x7f");

	/* A long string crosses the eight-byte scan with escapes inside. */
	parse_ok(&d, "\"0123456789abcdef\\n0123456789abcdef\\\"01234567\"");
	assert_string_equal(d.nodes[0].s,
			    "0123456789abcdef\n0123456789abcdef\"01234567");
	bt_json_doc_release(&d);
}

static void test_numbers(void **state)
{
	struct bt_json_doc d;
	int64_t v;
	double x;
	(void)state;

	bt_json_doc_init(&d);
	parse_ok(&d, "[9223372036854775807,-9223372036854775808,"
		     "9223372036854775808,-9223372036854775809,-0,1.0,1e3,"
		     "-2.5E-3,0.1,1e400,1E+2]");
	assert_int_equal(d.count, 12);
	assert_int_equal(bt_json_i64(&d.nodes[1], &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(bt_json_i64(&d.nodes[2], &v), 0);
	assert_true(v == INT64_MIN);
	/* One past either end: a valid number, not an int64. */
	assert_int_equal(bt_json_i64(&d.nodes[3], &v), BT_EINVAL);
	assert_int_equal(bt_json_double(&d.nodes[3], &x), 0);
	assert_true(x == 9223372036854775808.0);
	assert_int_equal(bt_json_i64(&d.nodes[4], &v), BT_EINVAL);
	assert_int_equal(bt_json_i64(&d.nodes[5], &v), 0);
	assert_true(v == 0);
	assert_int_equal(bt_json_i64(&d.nodes[6], &v), BT_EINVAL); /* 1.0 */
	assert_int_equal(bt_json_double(&d.nodes[6], &x), 0);
	assert_true(x == 1.0);
	assert_int_equal(bt_json_i64(&d.nodes[7], &v), BT_EINVAL); /* 1e3 */
	assert_int_equal(bt_json_double(&d.nodes[7], &x), 0);
	assert_true(x == 1000.0);
	assert_int_equal(bt_json_double(&d.nodes[8], &x), 0);
	assert_true(x == -0.0025);
	assert_int_equal(d.nodes[8].len, 7);
	assert_memory_equal(d.nodes[8].s, "-2.5E-3", 7);
	assert_int_equal(bt_json_double(&d.nodes[9], &x), 0);
	assert_true(x == 0.1);
	assert_int_equal(bt_json_double(&d.nodes[10], &x), BT_EINVAL);
	assert_int_equal(bt_json_double(&d.nodes[11], &x), 0);
	assert_true(x == 100.0);
	/* Neither accessor takes another type. */
	assert_int_equal(bt_json_i64(&d.nodes[0], &v), BT_EINVAL);
	assert_int_equal(bt_json_double(&d.nodes[0], &x), BT_EINVAL);

	/* A number longer than the stack copy of bt_json_double. */
	char big[200];
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[1] = '.';
	parse_ok(&d, big);
	assert_int_equal(bt_json_double(&d.nodes[0], &x), 0);
	assert_true(x > 1.11 && x < 1.12);

	/* The RFC grammar, and nothing else. */
	static const char *const bad[] = {
		"01", "-01", "-", "1.", ".5", "+1", "1e", "1e+", "1.e3",
		"0x1", "1.2.3", "NaN", "Infinity", "-Infinity", "1a", "--1",
		"00", "1E-", "0.e1", "[-]", "[2.]",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct bt_err err;
		if (bt_json_parse(&d, bad[i], strlen(bad[i]), 0, &err) !=
		    BT_EINVAL)
			fail_msg("%s was accepted", bad[i]);
	}
	bt_json_doc_release(&d);
}

/* The place of a failure is data too (err_at), the offset the message
 * names: counted by hand in each text below. */
static void test_error_offset(void **state)
{
	static const struct {
		const char *text;
		size_t at;
	} cases[] = {
		{"{\"a\":1,\"b\":x}", 11}, /* the x */
		{"[1,2", 4},                  /* the end */
		{"[1] 2", 4},                 /* the 2 after the value */
		{"\xef\xbb\xbf{}", 0},        /* the byte order mark */
		{"[\n\n  tru]", 5},            /* the t: [ \n \n sp sp */
		{"[[[1]]]", 2},               /* the third [, past a depth of 2 */
	};
	struct bt_json_doc d;
	struct bt_err err;
	(void)state;
	bt_json_doc_init(&d);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = bt_json_parse(&d, cases[i].text, strlen(cases[i].text), 2, &err);
		assert_true(rc == BT_EINVAL || rc == BT_ELIMIT);
		if (d.err_at != cases[i].at)
			fail_msg("%s: err_at %zu, want %zu", cases[i].text, d.err_at, cases[i].at);
	}
	/* a success, or a failure at no place, leaves 0 */
	assert_int_equal(bt_json_parse(&d, "[1]", 3, 0, &err), 0);
	assert_int_equal(d.err_at, 0);
	assert_int_equal(bt_json_parse(&d, "[1", 2, 0, &err), BT_EINVAL);
	assert_int_equal(d.err_at, 2);
	assert_int_equal(bt_json_parse(&d, "  ", 2, 0, &err), BT_EINVAL);
	assert_int_equal(d.err_at, 0);
	bt_json_doc_release(&d);
}

static void test_error_messages(void **state)
{
	(void)state;
	parse_fails("", 0, 0, BT_EINVAL, "invalid JSON: empty input");
	fails(" \n\t ", "invalid JSON: empty input");
	fails("{\"a\":1,\"b\":x}",
	      "invalid JSON at byte 11: unexpected character 'x'");
	fails("[1,2", "invalid JSON at byte 4: unexpected end of input");
	fails("{\"abc", "invalid JSON at byte 1: unterminated string");
	fails("[\"ab\\", "invalid JSON at byte 1: unterminated string");
	fails("[\"a\xff\"]", "invalid JSON at byte 3: invalid UTF-8");
	fails("[1] 2",
	      "invalid JSON at byte 4: unexpected character '2' after the "
	      "value");
	fails("{\"a\" 1}",
	      "invalid JSON at byte 5: unexpected character '1' (expected "
	      "':')");
	fails("[1 2]", "invalid JSON at byte 3: unexpected character '2' "
		       "(expected ',' or ']')");
	fails("{\"a\":1]", "invalid JSON at byte 6: unexpected character ']' "
			   "(expected ',' or '}')");
	fails("{\"a\":1,}", "invalid JSON at byte 7: unexpected character '}' "
			    "(expected a string key)");
	fails("{1:2}", "invalid JSON at byte 1: unexpected character '1' "
		       "(expected a string key)");
	fails("[1,]", "invalid JSON at byte 3: unexpected character ']'");
	fails("[\"\\x\"]", "invalid JSON at byte 2: invalid escape '\\x'");
	fails("[\"\\ud800\"]",
	      "invalid JSON at byte 2: unpaired surrogate \\ud800 in string");
	fails("[\"\\udc00\\ud800\"]",
	      "invalid JSON at byte 2: unpaired surrogate \\udc00 in string");
	fails("[\"\\ud800\\u0041\"]",
	      "invalid JSON at byte 2: unpaired surrogate \\ud800 in string");
	fails("\"\\u12\"", "invalid JSON at byte 1: invalid \\u escape");
	fails("\"\\u12", "invalid JSON at byte 0: unterminated string");
	fails("[01]", "invalid JSON at byte 1: invalid number");
	fails("[tru]", "invalid JSON at byte 1: invalid literal (expected "
		       "'true')");
	fails("[\"a\tb\"]", "invalid JSON at byte 3: unescaped control "
			    "character 0x09 in string");
	fails("\xef\xbb\xbf{}",
	      "invalid JSON at byte 0: byte order mark is not allowed");
	fails("[1]\xff",
	      "invalid JSON at byte 3: unexpected byte 0xff after the value");
	fails("[\x0c]", "invalid JSON at byte 1: unexpected byte 0x0c");
	/* A NUL byte is not whitespace. */
	parse_fails("1\0", 2, 0, BT_EINVAL,
		    "invalid JSON at byte 1: unexpected byte 0x00 after the "
		    "value");
	/* Wider than a uint32 offset: refused before a byte is read. */
	if (SIZE_MAX > UINT32_MAX)
		parse_fails("[", (size_t)UINT32_MAX + 1, 0, BT_ELIMIT,
			    "invalid JSON: a text of 4294967296 bytes is over "
			    "the limit of 4 GiB");
}

static void test_invalid_utf8(void **state)
{
	static const char *const bad[] = {
		"\"\xc0\xaf\"",             /* overlong '/' */
		"\"\xc1\xbf\"",             /* overlong */
		"\"\xe0\x80\xaf\"",         /* overlong */
		"\"\xe0\x9f\xbf\"",         /* overlong U+07FF */
		"\"\xf0\x80\x80\xaf\"",     /* overlong */
		"\"\xf0\x8f\xbf\xbf\"",     /* overlong U+FFFF */
		"\"\xed\xa0\x80\"",         /* U+D800 */
		"\"\xed\xbf\xbf\"",         /* U+DFFF */
		"\"\xf4\x90\x80\x80\"",     /* U+110000 */
		"\"\xf5\x80\x80\x80\"",     /* lead byte beyond U+10FFFF */
		"\"\xff\"", "\"\xfe\"",     /* never in UTF-8 */
		"\"\x80\"",                 /* lone continuation */
		"\"\xe2\x82\"",             /* truncated before the quote */
		"\"\xe2\x82",               /* truncated at the end */
		"\"\xc3\"",                 /* truncated */
		"\"\xf0\x9f\x98\"",         /* truncated */
		"\"\xc3\xc3\xa9\"",         /* lead byte as continuation */
		"\xc3\xa9",                 /* outside a string */
	};
	static const char *const good[] = {
		"\"\xc2\x80\"",         /* U+0080 */
		"\"\xdf\xbf\"",         /* U+07FF */
		"\"\xe0\xa0\x80\"",     /* U+0800 */
		"\"\xed\x9f\xbf\"",     /* U+D7FF */
		"\"\xee\x80\x80\"",     /* U+E000 */
		"\"\xef\xbf\xbf\"",     /* U+FFFF */
		"\"\xf0\x90\x80\x80\"", /* U+10000 */
		"\"\xf4\x8f\xbf\xbf\"", /* U+10FFFF */
	};
	struct bt_json_doc d;
	struct bt_err err;
	(void)state;

	bt_json_doc_init(&d);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (bt_json_parse(&d, bad[i], strlen(bad[i]), 0, &err) !=
		    BT_EINVAL)
			fail_msg("bad UTF-8 case %zu was accepted", i);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		parse_ok(&d, good[i]);
		assert_int_equal(d.nodes[0].len, strlen(good[i]) - 2);
		assert_memory_equal(d.nodes[0].s, good[i] + 1, d.nodes[0].len);
	}
	fails("[\"abcdefghij\xed\xa0\x80\"]",
	      "invalid JSON at byte 12: invalid UTF-8");
	bt_json_doc_release(&d);
}

/* n copies of open followed by n copies of close (either may be 0). */
static char *nested(size_t n, char open, char close, size_t *len)
{
	char *s = malloc(2 * n + 1);
	assert_non_null(s);
	memset(s, open, n);
	memset(s + n, close, n);
	*len = n + (close ? n : 0);
	s[*len] = '\0';
	return s;
}

static void test_depth(void **state)
{
	struct bt_json_doc d;
	struct bt_err err;
	size_t len;
	char *s;
	(void)state;

	bt_json_doc_init(&d);
	assert_int_equal(bt_json_parse(&d, "[[[]]]", 6, 3, &err), 0);
	parse_fails("[[[[]]]]", 8, 3, BT_ELIMIT,
		    "invalid JSON at byte 3: nesting deeper than 3");
	assert_int_equal(bt_json_parse(&d, "{\"a\":{\"b\":{}}}", 14, 3, &err),
			 0);
	parse_fails("{\"a\":{\"b\":{}}}", 14, 2, BT_ELIMIT,
		    "invalid JSON at byte 10: nesting deeper than 2");

	/* 100000 levels (the default limit) parse without recursion. */
	s = nested(100000, '[', ']', &len);
	assert_int_equal(bt_json_parse(&d, s, len, 0, &err), 0);
	assert_int_equal(d.count, 100000);
	assert_int_equal(d.nodes[0].end, 100000);
	assert_int_equal(d.nodes[99999].end, 100000);
	assert_int_equal(d.nodes[99998].len, 1);
	/* ...and write back without recursion either. */
	struct bt_buf b = BT_BUF_INIT;
	assert_int_equal(bt_json_write(&b, &d, 0), 0);
	assert_int_equal(b.len, len);
	assert_memory_equal(b.data, s, len);
	bt_buf_release(&b);
	free(s);

	/* Unterminated at exactly the limit: an ordinary syntax error. */
	s = nested(100000, '[', 0, &len);
	parse_fails(s, len, 0, BT_EINVAL,
		    "invalid JSON at byte 100000: unexpected end of input");
	free(s);
	s = nested(100001, '[', 0, &len);
	parse_fails(s, len, 0, BT_ELIMIT,
		    "invalid JSON at byte 100000: nesting deeper than 100000");
	free(s);
	bt_json_doc_release(&d);
}

static void test_node_limit(void **state)
{
	struct bt_json_doc d;
	struct bt_err err;
	(void)state;

	bt_json_doc_init(&d);
	d.max_nodes = 3;
	assert_int_equal(bt_json_parse(&d, "[1,2]", 5, 0, &err), 0);
	assert_int_equal(bt_json_parse(&d, "[1,2,3]", 7, 0, &err), BT_ELIMIT);
	assert_string_equal(err.msg, "invalid JSON at byte 5: more than 3 "
				     "values");
	/* Lowering the limit below what the buffer holds still applies. */
	d.max_nodes = 0;
	parse_ok(&d, "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,"
		     "21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,"
		     "39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,"
		     "57,58,59,60,61,62,63,64,65,66,67,68,69,70]");
	assert_int_equal(d.count, 71);
	d.max_nodes = 5;
	assert_int_equal(bt_json_parse(&d, "[1,2,3,4,5]", 11, 0, &err),
			 BT_ELIMIT);
	assert_string_equal(err.msg, "invalid JSON at byte 9: more than 5 "
				     "values");
	bt_json_doc_release(&d);
}

static void test_reuse(void **state)
{
	struct bt_json_doc d;
	struct bt_err err;
	char text[256], dots[150];
	(void)state;

	/* Alternate large, small and failing parses in one doc. */
	memset(dots, '.', sizeof(dots));
	bt_json_doc_init(&d);
	for (int i = 0; i < 300; i++) {
		int n = snprintf(text, sizeof(text),
				 "{\"i\":%d,\"s\":\"v%d\\n\",\"a\":[%d,%d,\"%.*s\"]}",
				 i, i, i, -i, i % 150, dots);
		char want[32];
		int64_t v;

		assert_int_equal(bt_json_parse(&d, text, (size_t)n, 0, &err),
				 0);
		assert_int_equal(d.count, 10);
		assert_int_equal(bt_json_i64(&d.nodes[2], &v), 0);
		assert_true(v == i);
		snprintf(want, sizeof(want), "v%d\n", i);
		assert_true(bt_json_str_eq(&d.nodes[bt_json_get(&d, 0, "s")],
					   want));
		assert_int_equal(d.nodes[9].len, i % 150);
		assert_int_equal(bt_json_parse(&d, "[1,", 3, 0, &err),
				 BT_EINVAL);
		assert_int_equal(d.count, 0);
		parse_ok(&d, "\"x\"");
		assert_string_equal(d.nodes[0].s, "x");
	}
	bt_json_doc_release(&d);
	/* A released doc is empty and can be used again. */
	parse_ok(&d, "[]");
	bt_json_doc_release(&d);
}

static void expect_write(const char *in, uint32_t node, const char *want)
{
	struct bt_json_doc d, d2;
	struct bt_buf b = BT_BUF_INIT;

	bt_json_doc_init(&d);
	bt_json_doc_init(&d2);
	parse_ok(&d, in);
	assert_int_equal(bt_buf_adds(&b, "<"), 0);
	assert_int_equal(bt_json_write(&b, &d, node), 0);
	assert_string_equal(b.data + 1, want);
	/* The output parses to the same subtree. */
	parse_ok(&d2, b.data + 1);
	assert_int_equal(d2.count, d.nodes[node].end - node);
	for (uint32_t i = 0; i < d2.count; i++) {
		const struct bt_json_node *x = &d.nodes[node + i],
					  *y = &d2.nodes[i];
		assert_int_equal(x->type, y->type);
		assert_int_equal(x->len, y->len);
		assert_int_equal(x->end - node, y->end);
		if (x->s)
			assert_memory_equal(x->s, y->s, x->len);
	}
	bt_buf_release(&b);
	bt_json_doc_release(&d);
	bt_json_doc_release(&d2);
}

static void test_write(void **state)
{
	const char *in = " { \"a\" : [ 1 , -2.5e3 , \"x\\ny\\u0000\\/\" ] ,\n"
			 "\"b\": {\"c\": null, \"d\": [true, false, {}, []]},"
			 " \"\xc3\xa9\": \"\\u20ac\\t\\u001f\" } ";
	(void)state;

	expect_write(in, 0,
		     "{\"a\":[1,-2.5e3,\"x\\ny\\u0000/\"],\"b\":{\"c\":null,"
		     "\"d\":[true,false,{},[]]},\"\xc3\xa9\":\"\xe2\x82\xac"
		     "\\t\\u001f\"}");
	/* Subtrees: "b" is node 7 ({ a [ 1 -2.5e3 str ] b ...). */
	expect_write(in, 7, "{\"c\":null,\"d\":[true,false,{},[]]}");
	expect_write(in, 11, "[true,false,{},[]]");
	expect_write(in, 3, "1");
	expect_write("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]"
		     "]]]]]]]]]]]]]]]]]]]]]]]", 0,
		     "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]"
		     "]]]]]]]]]]]]]]]]]]]]]]]");

	struct bt_json_doc d;
	struct bt_buf b = BT_BUF_INIT;
	bt_json_doc_init(&d);
	parse_ok(&d, "[1]");
	assert_int_equal(bt_json_write(&b, &d, 2), BT_EINVAL);
	assert_int_equal(b.len, 0);
	bt_json_doc_release(&d);
}

/*
 * Fail the n-th allocation for n = 0, 1, 2 ...: the parse must fail with
 * BT_ENOMEM until n passes the number of allocations it makes, succeed
 * from then on, and never leak (ASan's leak checker runs on this).
 */
static void test_alloc_failure(void **state)
{
	struct bt_buf text = BT_BUF_INIT;
	int failures = 0, succeeded = 0;
	(void)state;

	/* 100 levels deep (stack grows 32, 64, 128), ~700 nodes. */
	for (int i = 0; i < 100; i++)
		assert_int_equal(bt_buf_adds(&text, "[\"s\","), 0);
	for (int i = 0; i < 500; i++)
		assert_int_equal(bt_buf_printf(&text, "%d,", i), 0);
	assert_int_equal(bt_buf_adds(&text, "0"), 0);
	for (int i = 0; i < 100; i++)
		assert_int_equal(bt_buf_adds(&text, "]"), 0);

	for (long n = 0; n <= 20; n++) {
		struct bt_json_doc d;
		struct bt_err err;
		bt_json_doc_init(&d);
		bt__alloc_fail_after(n);
		int rc = bt_json_parse(&d, text.data, text.len, 0, &err);
		bt__alloc_fail_after(-1);
		if (rc == BT_ENOMEM) {
			assert_false(succeeded);
			assert_string_equal(err.msg, "out of memory parsing JSON");
			assert_int_equal(d.count, 0);
			failures++;
			/* The same doc works once memory is back. */
			rc = bt_json_parse(&d, text.data, text.len, 0, &err);
		} else {
			succeeded = 1;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(d.count, 701);

		/* Writing it back fails cleanly as well. */
		struct bt_buf out = BT_BUF_INIT;
		bt__alloc_fail_after(n);
		rc = bt_json_write(&out, &d, 0);
		bt__alloc_fail_after(-1);
		if (rc == 0)
			assert_memory_equal(out.data, text.data, text.len);
		else
			assert_int_equal(rc, BT_ENOMEM);
		bt_buf_release(&out);
		bt_json_doc_release(&d);
	}
	/* One for the strings, 5 node growths (64 .. 1024), 3 stack ones. */
	assert_int_equal(failures, 9);
	bt_buf_release(&text);
}

/* ---- JSONTestSuite ---- */

static char *suite_dir(void)
{
	const char *tail = "testdata/JSONTestSuite/test_parsing";
	const char *shared = getenv("BATON_SHARED");
	const char *root = getenv("BATON_ROOT");
	char *path = malloc(4096);

	assert_non_null(path);
	if (shared && *shared)
		snprintf(path, 4096, "%s/%s", shared, tail);
	else if (root && *root)
		snprintf(path, 4096, "%s/../shared/%s", root, tail);
	else
		snprintf(path, 4096, "../shared/%s", tail);
	return path;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	data = malloc((size_t)n + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return data;
}

static void test_json_test_suite(void **state)
{
	char *dir = suite_dir();
	DIR *dh = opendir(dir);
	struct bt_json_doc shared, fresh;
	int y = 0, n = 0, i_ok = 0, i_rej = 0, bad = 0;
	struct dirent *e;
	(void)state;

	if (!dh) {
		print_message("JSONTestSuite not found at %s: skipped (it lives "
			      "in ../shared, which a user's clone does not "
			      "have)\n",
			      dir);
		free(dir);
		skip();
		return;
	}
	bt_json_doc_init(&shared);
	while ((e = readdir(dh)) != NULL) {
		const char *name = e->d_name;
		char path[4096];
		struct bt_err err = {0, ""};
		size_t len;
		int rc, rc2;

		if (name[0] == '.' || name[1] != '_')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		char *data = read_file(path, &len);
		/* Once into a reused doc, once into a fresh one (exact ASan). */
		rc = bt_json_parse(&shared, data, len, 0, &err);
		bt_json_doc_init(&fresh);
		rc2 = bt_json_parse(&fresh, data, len, 0, NULL);
		bt_json_doc_release(&fresh);
		free(data);
		assert_int_equal(rc, rc2);
		if (name[0] == 'y') {
			y++;
			if (rc) {
				print_error("%s rejected: %s\n", name, err.msg);
				bad++;
			}
		} else if (name[0] == 'n') {
			n++;
			if (rc != BT_EINVAL && rc != BT_ELIMIT) {
				print_error("%s accepted\n", name);
				bad++;
			}
		} else if (name[0] == 'i') {
			if (rc == 0)
				i_ok++;
			else
				i_rej++;
		}
	}
	closedir(dh);
	bt_json_doc_release(&shared);
	print_message("JSONTestSuite %s: %d y_ accepted, %d n_ rejected, "
		      "%d i_ (%d accepted, %d rejected), %d wrong\n",
		      dir, y, n, i_ok + i_rej, i_ok, i_rej, bad);
	free(dir);
	assert_int_equal(bad, 0);
	assert_true(y > 0 && n > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_scalars_and_whitespace),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_error_messages),
		cmocka_unit_test(test_error_offset),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_node_limit),
		cmocka_unit_test(test_reuse),
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_alloc_failure),
		cmocka_unit_test(test_json_test_suite),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
