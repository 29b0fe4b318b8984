/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_time.c - libFuzzer harness for timestamps and durations
 * (src/util/time.c): event times, the durations of the configuration
 * ("24h", "1d", "1h30m") and the layouts of CSV exports.
 *
 * The whole input is read as each text form time.h parses: an RFC 3339
 * date-time, a date or date-time given by a person (bt_time_parse), a
 * duration and a UTC offset.  Its first 8 bytes are also an epoch value
 * and a day number, and an input "FORMAT\0VALUE" is a CSV time layout and
 * a cell.  Invariants (abort() when one fails):
 *  - every time parsed is within BT_TIME_MIN..BT_TIME_MAX and, written by
 *    bt_time_format, parses back to the same instant;
 *  - a duration is not negative and, printed canonically by
 *    bt_duration_format, parses back to the same milliseconds;
 *  - an offset is whole minutes, less than a day either way;
 *  - a format that parsed a value passes bt_time_check_format;
 *  - a day number turned into a civil date and back is the same day.
 *
 * Build and run from the repository root (fuzz/run.sh says where the
 * corpus and the crashes go):
 *
 *   fuzz/run.sh time 180
 */
#include "fuzz.h"

#include "baton/util.h"
#include "util/time.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TM_DAY INT64_C(86400000)

/* ms is a time the parsers may give, and its text reads back as ms. */
static void tm_round_trip(int64_t ms)
{
	char text[32];
	int64_t back = 0;
	CHECK(ms >= BT_TIME_MIN && ms <= BT_TIME_MAX);
	int len = bt_time_format(ms, text);
	CHECK(len > 0 && len < 32 && text[len] == '\0');
	CHECK(bt_time_parse_rfc3339(text, (size_t)len, &back) == 0 && back == ms);
}

static void tm_text_forms(const char *s, size_t n)
{
	char text[40];
	int64_t ms, back;
	if (bt_time_parse_rfc3339(s, n, &ms) == 0)
		tm_round_trip(ms);
	if (bt_time_parse(s, n, &ms) == 0)
		tm_round_trip(ms);
	if (bt_time_parse_duration(s, n, &ms) == 0) {
		CHECK(ms >= 0);
		bt_duration_format(ms, text);
		CHECK(bt_time_parse_duration(text, strlen(text), &back) == 0 && back == ms);
	}
	if (bt_time_parse_offset(s, n, &ms) == 0)
		CHECK(ms > -TM_DAY && ms < TM_DAY && ms % 60000 == 0);
}

/* The first 8 bytes as an epoch value, and as a day number. */
static void tm_numbers(const uint8_t *data)
{
	int64_t v, ms, y, back;
	unsigned m, d;
	memcpy(&v, data, sizeof(v));
	if (bt_time_from_epoch(v, &ms) == 0) {
		CHECK(ms == v || (ms / 1000 == v && ms % 1000 == 0));
		tm_round_trip(ms);
	}
	/* bt_days_from_civil is exact for years up to 10^12: about 3.6e14 days */
	int64_t days = v % INT64_C(300000000000000);
	bt_civil_from_days(days, &y, &m, &d);
	CHECK(m >= 1 && m <= 12 && d >= 1 && d <= bt_days_in_month(y, m));
	back = bt_days_from_civil(y, m, d);
	CHECK(back == days);
}

/* "FORMAT\0VALUE": a CSV time layout and a cell, at UTC and at +05:30. */
static void tm_format(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	int64_t ms;
	if (!nul)
		return;
	const char *fmt = (const char *)data, *s = (const char *)nul + 1;
	size_t n = size - (size_t)(nul + 1 - data);
	static const int64_t offsets[] = {0, 19800000};
	for (size_t i = 0; i < 2; i++) {
		if (bt_time_parse_format(fmt, s, n, offsets[i], &ms) != 0)
			continue;
		CHECK(bt_time_check_format(fmt, NULL) == 0);
		tm_round_trip(ms);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tm_text_forms((const char *)data, size);
	if (size >= 8)
		tm_numbers(data);
	tm_format(data, size);
	return 0;
}
