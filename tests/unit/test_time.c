/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_time.c - event time parsing, formatting and calendar arithmetic.
 *
 * Expected values come from well-known anchors, worked forward by hand:
 * 1900-01-01 = -2208988800 s (the NTP era offset), 2000-03-01 = 951868800 s,
 * 2024-01-01 = 1704067200 s, 2025-01-01 = 1735689600 s, and a day is
 * 86400 s; January has 31 days and February 28 or 29, so March 1st is
 * day 59 (60 in a leap year) after January 1st.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "baton/error.h"
#include "util/time.h"

#define S(x) ((int64_t)(x) * 1000) /* seconds to milliseconds */

static int64_t rfc(const char *s)
{
	int64_t ms = -1;
	assert_int_equal(bt_time_parse_rfc3339(s, strlen(s), &ms), 0);
	return ms;
}

static void rfc_bad(const char *s)
{
	int64_t ms = 42;
	if (bt_time_parse_rfc3339(s, strlen(s), &ms) != BT_EINVAL)
		fail_msg("'%s' was accepted", s);
	assert_int_equal(ms, 42); /* untouched on failure */
}

static int64_t fmt(const char *f, const char *s, int64_t off)
{
	int64_t ms = -1;
	if (bt_time_parse_format(f, s, strlen(s), off, &ms) != 0)
		fail_msg("'%s' did not match '%s'", s, f);
	return ms;
}

static void fmt_bad(const char *f, const char *s)
{
	int64_t ms = 42;
	if (bt_time_parse_format(f, s, strlen(s), 0, &ms) != BT_EINVAL)
		fail_msg("'%s' matched '%s'", s, f);
	assert_int_equal(ms, 42);
}

static int64_t dur(const char *s)
{
	int64_t ms = -1;
	if (bt_time_parse_duration(s, strlen(s), &ms) != 0)
		fail_msg("duration '%s' was rejected", s);
	return ms;
}

static void dur_bad(const char *s)
{
	int64_t ms = 42;
	if (bt_time_parse_duration(s, strlen(s), &ms) != BT_EINVAL)
		fail_msg("duration '%s' was accepted", s);
}

static void test_days_from_civil(void **state)
{
	(void)state;
	assert_int_equal(bt_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(bt_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(bt_days_from_civil(2000, 3, 1), 951868800 / 86400);
	assert_int_equal(bt_days_from_civil(2000, 2, 29), 951868800 / 86400 - 1);
	assert_int_equal(bt_days_from_civil(1900, 1, 1), -2208988800 / 86400);
	assert_int_equal(bt_days_from_civil(2024, 1, 1), 1704067200 / 86400);
	/* 0001-01-01 and 9999-12-31 bound every parser's result. */
	assert_int_equal(bt_days_from_civil(1, 1, 1) * 86400000, BT_TIME_MIN);
	assert_int_equal((bt_days_from_civil(9999, 12, 31) + 1) * 86400000 - 1, BT_TIME_MAX);
}

static void test_civil_from_days_round_trip(void **state)
{
	(void)state;
	/* Every day from 1600 to 2500 and back, and the extremes. */
	int64_t first = bt_days_from_civil(1600, 1, 1), last = bt_days_from_civil(2500, 12, 31);
	int64_t py = 1599;
	unsigned pm = 12, pd = 31;
	for (int64_t day = first; day <= last; day++) {
		int64_t y;
		unsigned m, d;
		bt_civil_from_days(day, &y, &m, &d);
		assert_int_equal(bt_days_from_civil(y, m, d), day);
		/* consecutive days are consecutive dates */
		if (d == 1)
			assert_true(pd == bt_days_in_month(py, pm) && (m == pm % 12 + 1));
		else
			assert_true(y == py && m == pm && d == pd + 1);
		py = y;
		pm = m;
		pd = d;
	}
	int64_t y;
	unsigned m, d;
	bt_civil_from_days(-1, &y, &m, &d);
	assert_true(y == 1969 && m == 12 && d == 31);
	bt_civil_from_days(bt_days_from_civil(-4713, 11, 24), &y, &m, &d);
	assert_true(y == -4713 && m == 11 && d == 24);
}

static void test_leap_years(void **state)
{
	(void)state;
	assert_false(bt_is_leap_year(1900));
	assert_true(bt_is_leap_year(2000));
	assert_true(bt_is_leap_year(2024));
	assert_false(bt_is_leap_year(2026));
	assert_int_equal(bt_days_in_month(1900, 2), 28);
	assert_int_equal(bt_days_in_month(2000, 2), 29);
	assert_int_equal(bt_days_in_month(2024, 2), 29);
	assert_int_equal(bt_days_in_month(2026, 4), 30);
	assert_int_equal(bt_days_in_month(2026, 13), 0);
	/* 1900-03-01 = 1900-01-01 + 59 days */
	assert_int_equal(rfc("1900-03-01T00:00:00Z"), S(-2208988800 + 59 * 86400));
	rfc_bad("1900-02-29T00:00:00Z");
	assert_int_equal(rfc("2000-02-29T00:00:00Z"), S(951868800 - 86400));
	/* 2024-02-29 = 2024-01-01 + 59 days */
	assert_int_equal(rfc("2024-02-29T00:00:00Z"), S(1704067200 + 59 * 86400));
	rfc_bad("2026-02-29T00:00:00Z");
}

static void test_rfc3339_anchors(void **state)
{
	(void)state;
	assert_int_equal(rfc("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(rfc("2000-03-01T00:00:00Z"), S(951868800));
	assert_int_equal(rfc("2016-02-29T01:16:00Z"), S(1456708560));
	/* 2026-01-01 = 2025-01-01 + 365 days; March 1st is 59 days later. */
	assert_int_equal(rfc("2026-03-01T10:15:00Z"),
			 S(1735689600 + 365 * 86400 + 59 * 86400 + 10 * 3600 + 15 * 60));
	assert_int_equal(rfc("0001-01-01T00:00:00Z"), BT_TIME_MIN);
	assert_int_equal(rfc("9999-12-31T23:59:59.999Z"), BT_TIME_MAX);
	assert_int_equal(rfc("1969-12-31T23:59:59Z"), -1000);
}

static void test_rfc3339_variants(void **state)
{
	(void)state;
	int64_t base = S(1456708560); /* 2016-02-29T01:16:00Z */
	assert_int_equal(rfc("2016-02-29t01:16:00z"), base);
	assert_int_equal(rfc("2016-02-29 01:16:00Z"), base);
	/* offsets: local 02:16 at +01:00 is 01:16 UTC */
	assert_int_equal(rfc("2016-02-29T02:16:00+01:00"), base);
	assert_int_equal(rfc("2016-02-28T20:16:00-05:00"), base);
	assert_int_equal(rfc("2016-02-29T06:46:00+05:30"), base);
	assert_int_equal(rfc("2016-02-29T01:16:00-00:00"), base);
	assert_int_equal(rfc("2016-02-29T01:16:00+00:00"), base);
	/* fractions are truncated to milliseconds */
	assert_int_equal(rfc("2016-02-29T01:16:00.1Z"), base + 100);
	assert_int_equal(rfc("2016-02-29T01:16:00.25Z"), base + 250);
	assert_int_equal(rfc("2016-02-29T01:16:00.999999999Z"), base + 999);
	assert_int_equal(rfc("2016-02-29T01:16:00.0019Z"), base + 1);
	assert_int_equal(rfc("1969-12-31T23:59:59.5Z"), -500);
	/* a leap second folds to the last millisecond of its minute */
	assert_int_equal(rfc("2016-12-31T23:59:60Z"), rfc("2016-12-31T23:59:59.999Z"));
	assert_int_equal(rfc("2016-12-31T23:59:60.5Z"), rfc("2016-12-31T23:59:59.999Z"));
}

static void test_rfc3339_rejects(void **state)
{
	(void)state;
	rfc_bad("");
	rfc_bad("2026-02-29T10:00:00Z");  /* not a leap year */
	rfc_bad("2026-04-31T10:00:00Z");  /* April has 30 days */
	rfc_bad("2026-01-00T10:00:00Z");
	rfc_bad("2026-13-01T10:00:00Z");  /* month 13 */
	rfc_bad("2026-00-01T10:00:00Z");
	rfc_bad("2026-03-01T24:00:00Z");  /* 24:00 */
	rfc_bad("2026-03-01T10:60:00Z");
	rfc_bad("2026-03-01T10:00:61Z");
	rfc_bad("2026-03-01T10:15:00Zx"); /* trailing junk */
	rfc_bad("2026-03-01T10:15:00Z "); /* trailing space */
	rfc_bad(" 2026-03-01T10:15:00Z");
	rfc_bad("2026-03-01T10:15:00");   /* no zone */
	rfc_bad("2026-03-01");            /* date only */
	rfc_bad("2026-03-01T10:15Z");     /* no seconds */
	rfc_bad("2026-3-01T10:15:00Z");   /* two digits required */
	rfc_bad("26-03-01T10:15:00Z");
	rfc_bad("2026-03-01X10:15:00Z");
	rfc_bad("2026-03-01  10:15:00Z"); /* one space only */
	rfc_bad("2026-03-01T10:15:00.Z"); /* empty fraction */
	rfc_bad("2026-03-01T10:15:00.1234567890Z");
	rfc_bad("2026-03-01T10:15:00+0100"); /* RFC 3339 wants the colon */
	rfc_bad("2026-03-01T10:15:00+24:00");
	rfc_bad("2026-03-01T10:15:00+01:60");
	rfc_bad("2026-03-01T10:15:00+01");
	rfc_bad("0000-01-01T00:00:00Z");  /* before 0001 */
	rfc_bad("0001-01-01T00:30:00+01:00");
	rfc_bad("9999-12-31T23:30:00-01:00"); /* after 9999 */
	/* not NUL-terminated: only n bytes count */
	int64_t ms;
	assert_int_equal(bt_time_parse_rfc3339("2026-03-01T10:15:00Zjunk", 20, &ms), 0);
	assert_int_equal(bt_time_parse_rfc3339("2026-03-01T10:15:00Z", 19, &ms), BT_EINVAL);
}

static void test_epoch(void **state)
{
	(void)state;
	int64_t ms = 42;
	assert_int_equal(bt_time_from_epoch(1456708560, &ms), 0);
	assert_int_equal(ms, S(1456708560));
	assert_int_equal(bt_time_from_epoch(INT64_C(1456708560123), &ms), 0);
	assert_int_equal(ms, INT64_C(1456708560123));
	assert_int_equal(bt_time_from_epoch(0, &ms), 0);
	assert_int_equal(ms, 0);
	assert_int_equal(bt_time_from_epoch(-86400, &ms), 0);
	assert_int_equal(ms, S(-86400));
	/* the cut: just below 1e11 is seconds (year 5138), 1e11 is ms (1973) */
	assert_int_equal(bt_time_from_epoch(INT64_C(99999999999), &ms), 0);
	assert_int_equal(ms, INT64_C(99999999999000));
	assert_int_equal(bt_time_from_epoch(INT64_C(100000000000), &ms), 0);
	assert_int_equal(ms, INT64_C(100000000000));
	/* negative seconds down to 0001-01-01T00:00:00Z */
	assert_int_equal(bt_time_from_epoch(INT64_C(-62135596800), &ms), 0);
	assert_int_equal(ms, BT_TIME_MIN);
	assert_int_equal(bt_time_from_epoch(INT64_C(-62135596801), &ms), BT_EINVAL);
	assert_int_equal(bt_time_from_epoch(INT64_C(-99999999999), &ms), BT_EINVAL);
	/* 9999-12-31T23:59:59Z in seconds is past the cut, so it reads as ms */
	assert_int_equal(bt_time_from_epoch(INT64_C(253402300799), &ms), 0);
	assert_int_equal(ms, INT64_C(253402300799));
	/* bounds: 0001-01-01 and 9999-12-31T23:59:59.999 in ms */
	assert_int_equal(bt_time_from_epoch(BT_TIME_MIN, &ms), 0);
	assert_int_equal(bt_time_from_epoch(BT_TIME_MAX, &ms), 0);
	ms = 42;
	assert_int_equal(bt_time_from_epoch(BT_TIME_MIN - 1, &ms), BT_EINVAL);
	assert_int_equal(bt_time_from_epoch(BT_TIME_MAX + 1, &ms), BT_EINVAL);
	assert_int_equal(bt_time_from_epoch(INT64_MAX, &ms), BT_EINVAL);
	assert_int_equal(bt_time_from_epoch(INT64_MIN, &ms), BT_EINVAL);
	assert_int_equal(ms, 42);
}

static void test_duration(void **state)
{
	(void)state;
	assert_int_equal(dur("48h"), S(48 * 3600));
	assert_int_equal(dur("90s"), S(90));
	assert_int_equal(dur("1h30m"), S(5400));
	assert_int_equal(dur("7d"), S(7 * 86400));
	assert_int_equal(dur("2w"), S(14 * 86400));
	assert_int_equal(dur("1500ms"), 1500);
	assert_int_equal(dur("1m500ms"), 60500);
	assert_int_equal(dur("0s"), 0);
	assert_int_equal(dur("1d2h3m4s5ms"), S(86400 + 7200 + 180 + 4) + 5);
	assert_int_equal(dur("9223372036854775807ms"), INT64_MAX);
	dur_bad("");
	dur_bad("48");      /* no unit */
	dur_bad("h");       /* no number */
	dur_bad("-5m");     /* negative */
	dur_bad("+5m");
	dur_bad("5y");      /* unknown unit */
	dur_bad("5mm");
	dur_bad("5 m");
	dur_bad("1h 30m");
	dur_bad("1.5h");
	dur_bad("9223372036854775808ms");   /* overflow in the number */
	dur_bad("9223372036854775807s");    /* overflow in the unit */
	dur_bad("9223372036854775807ms1ms"); /* overflow in the sum */
	dur_bad("106751991167301d");
}

static void test_offset(void **state)
{
	(void)state;
	int64_t ms = 42;
	assert_int_equal(bt_time_parse_offset("Z", 1, &ms), 0);
	assert_int_equal(ms, 0);
	assert_int_equal(bt_time_parse_offset("+01:00", 6, &ms), 0);
	assert_int_equal(ms, 3600000);
	assert_int_equal(bt_time_parse_offset("-0530", 5, &ms), 0);
	assert_int_equal(ms, -19800000);
	assert_int_equal(bt_time_parse_offset("+1", 2, &ms), BT_EINVAL);
	assert_int_equal(bt_time_parse_offset("01:00", 5, &ms), BT_EINVAL);
	assert_int_equal(bt_time_parse_offset("+01:00x", 7, &ms), BT_EINVAL);
	assert_int_equal(bt_time_parse_offset("", 0, &ms), BT_EINVAL);
}

static void check_format(int64_t ms, const char *want)
{
	char out[32];
	int n = bt_time_format(ms, out);
	assert_string_equal(out, want);
	assert_int_equal(n, (int)strlen(want));
}

static void test_format(void **state)
{
	(void)state;
	check_format(0, "1970-01-01T00:00:00Z");
	check_format(S(1456708560), "2016-02-29T01:16:00Z");
	check_format(S(1456708560) + 250, "2016-02-29T01:16:00.250Z");
	check_format(S(1456708560) + 7, "2016-02-29T01:16:00.007Z");
	check_format(-1, "1969-12-31T23:59:59.999Z");
	check_format(BT_TIME_MIN, "0001-01-01T00:00:00Z");
	check_format(BT_TIME_MAX, "9999-12-31T23:59:59.999Z");
	check_format(S(951868800), "2000-03-01T00:00:00Z");
	/* no parser produces these, but formatting must not overflow */
	check_format(BT_TIME_MAX + 1, "+10000-01-01T00:00:00Z");
	check_format(INT64_MAX, "+292278994-08-17T07:12:55.807Z");
	check_format(INT64_MIN, "-292275055-05-16T16:47:04.192Z");
}

static void test_format_round_trip(void **state)
{
	(void)state;
	static const char *const texts[] = {
		"1970-01-01T00:00:00Z",     "2016-02-29T01:16:00Z",     "2026-03-01T10:15:00.250Z",
		"0001-01-01T00:00:00Z",     "9999-12-31T23:59:59.999Z", "1900-03-01T12:00:00.001Z",
		"2000-02-29T23:59:59Z",     "1969-07-20T20:17:40Z",
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		char out[32];
		bt_time_format(rfc(texts[i]), out);
		assert_string_equal(out, texts[i]);
	}
	/* and from numbers: every 7777777 seconds plus a few ms across the range */
	for (int64_t ms = BT_TIME_MIN; ms <= BT_TIME_MAX - S(7777777); ms += S(7777777) + 13) {
		char out[32];
		int n = bt_time_format(ms, out);
		assert_int_equal(rfc(out), ms);
		assert_true(n == 20 || n == 24);
	}
}

static void test_parse_format(void **state)
{
	(void)state;
	int64_t base = S(1456708560); /* 2016-02-29T01:16:00Z */
	assert_int_equal(fmt("%d/%m/%Y %H:%M", "29/2/2016 01:16", 0), base);
	assert_int_equal(fmt("%d/%m/%Y %H:%M", "29/02/2016 1:16", 0), base);
	/* local time at +01:00: 01:16 local is 00:16 UTC */
	assert_int_equal(fmt("%d/%m/%Y %H:%M", "29/2/2016 01:16", 3600000), base - S(3600));
	assert_int_equal(fmt("%Y-%m-%dT%H:%M:%S%z", "2016-02-29T02:16:00+01:00", 0), base);
	assert_int_equal(fmt("%Y-%m-%dT%H:%M:%S%z", "2016-02-29T02:16:00+0100", 0), base);
	assert_int_equal(fmt("%Y-%m-%dT%H:%M:%S%z", "2016-02-29T01:16:00Z", -7200000), base);
	assert_int_equal(fmt("%Y%m%d%H%M%S", "20160229011600", 0), base);
	assert_int_equal(fmt("%m/%d/%y %H:%M:%S.%f", "02/29/16 01:16:00.5", 0), base + 500);
	assert_int_equal(fmt("%d.%m.%Y", "29.02.2016", 0), S(1456704000));
	assert_int_equal(fmt("%Y-%m-%d 100%%", "2016-02-29 100%", 0), S(1456704000));
	/* %y: 69-99 are 19xx, 00-68 are 20xx */
	assert_int_equal(fmt("%y-%m-%d", "69-12-31", 0), S(-86400));
	assert_int_equal(fmt("%y-%m-%d", "70-01-01", 0), 0);
	assert_int_equal(fmt("%y-%m-%d", "00-03-01", 0), S(951868800));
	assert_int_equal(fmt("%y-%m-%d", "68-01-01", 0), fmt("%Y-%m-%d", "2068-01-01", 0));
	assert_int_equal(fmt("%d/%m/%Y %H:%M:%S", "31/12/2016 23:59:60", 0),
			 rfc("2016-12-31T23:59:59.999Z"));
}

static void test_parse_format_rejects(void **state)
{
	(void)state;
	fmt_bad("%d/%m/%Y %H:%M", "31/02/2016 10:00"); /* no 31 February */
	fmt_bad("%d/%m/%Y %H:%M", "29/02/2015 10:00"); /* not a leap year */
	fmt_bad("%d/%m/%Y %H:%M", "29/13/2016 10:00");
	fmt_bad("%d/%m/%Y %H:%M", "29/2/2016 24:00");
	fmt_bad("%d/%m/%Y %H:%M", "29/2/2016 10:00 ");  /* trailing input */
	fmt_bad("%d/%m/%Y %H:%M", "29/2/2016");         /* input too short */
	fmt_bad("%d/%m/%Y %H:%M", "29-2-2016 10:00");   /* literal mismatch */
	fmt_bad("%d/%m/%Y %H:%M", "29/2/16 10:00");     /* %Y is 4 digits */
	fmt_bad("%d/%m/%Y %H:%M", "129/2/2016 10:00");
	fmt_bad("%d/%m/%Y %H:%M", "");
	fmt_bad("%d/%m/%Y %H:%M", "?");
	fmt_bad("%Y-%m-%d%z", "2016-02-29+01");
	/* bad formats */
	fmt_bad("%d/%m/%Y %I:%M", "29/2/2016 10:00");
	fmt_bad("%d/%m/%Y %", "29/2/2016 %");
	fmt_bad("%H:%M", "10:00"); /* no date */
	const char *why = NULL;
	assert_int_equal(bt_time_check_format("%d/%m/%Y %H:%M", &why), 0);
	assert_int_equal(bt_time_check_format("%H:%M", &why), BT_EINVAL);
	assert_non_null(strstr(why, "year"));
	assert_int_equal(bt_time_check_format("%Y-%m-%d %p", &why), BT_EINVAL);
	assert_non_null(strstr(why, "directive"));
	assert_int_equal(bt_time_check_format("%Y-%m-%d%", &why), BT_EINVAL);
	assert_int_equal(bt_time_check_format("%Y-%m-%d%", NULL), BT_EINVAL);
	/* a utc_offset of a day or more is refused rather than overflowing */
	int64_t ms;
	assert_int_equal(bt_time_parse_format("%Y-%m-%d", "2016-02-29", 10, INT64_MAX, &ms),
			 BT_EINVAL);
}

/* durations written back: whole units from the largest, read back the same */
static void test_duration_format(void **state)
{
	(void)state;
	static const struct {
		int64_t ms;
		const char *text;
	} cases[] = {
		{0, "0s"},
		{1, "1ms"},
		{1500, "1s500ms"},
		{60000, "1m"},
		{5400000, "1h30m"},
		{86400000, "1d"},
		{86400000 + 3600000 + 60000 + 1000 + 1, "1d1h1m1s1ms"},
		{7 * 86400000LL, "7d"}, /* a week is written in days */
		{-5, "0s"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[40];
		int64_t back = -1;
		bt_duration_format(cases[i].ms, out);
		assert_string_equal(out, cases[i].text);
		if (cases[i].ms > 0) {
			assert_int_equal(bt_time_parse_duration(out, strlen(out), &back), 0);
			assert_int_equal(back, cases[i].ms);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_days_from_civil),
		cmocka_unit_test(test_civil_from_days_round_trip),
		cmocka_unit_test(test_leap_years),
		cmocka_unit_test(test_rfc3339_anchors),
		cmocka_unit_test(test_rfc3339_variants),
		cmocka_unit_test(test_rfc3339_rejects),
		cmocka_unit_test(test_epoch),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_duration_format),
		cmocka_unit_test(test_offset),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_parse_format),
		cmocka_unit_test(test_parse_format_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
