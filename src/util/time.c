/* SPDX-License-Identifier: Apache-2.0 */
/*
 * time.c - event time; see time.h for the contracts.
 *
 * Every parser fills a struct fields (the calendar fields as written plus
 * the offset) and hands it to compose(), which validates the ranges once
 * and turns the fields into milliseconds.  The calendar arithmetic is the
 * era-based days-from-civil method: shift the year to start in March so
 * the leap day is the last day of the year, then count 400-year eras of
 * 146097 days.  It is exact for negative years too.
 */
#include "util/time.h"

#include "baton/error.h"
#include "baton/util.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define MS_PER_DAY INT64_C(86400000)

int64_t bt_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;                                 /* 0..399 */
	int64_t mp = m > 2 ? (int64_t)m - 3 : (int64_t)m + 9;        /* March = 0 */
	int64_t doy = (153 * mp + 2) / 5 + (int64_t)d - 1;           /* 0..365 */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;         /* 0..146096 */
	return era * 146097 + doe - 719468; /* 719468 = days 0000-03-01..1970-01-01 */
}

void bt_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int bt_is_leap_year(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

unsigned bt_days_in_month(int64_t y, unsigned m)
{
	static const unsigned char mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12)
		return 0;
	return m == 2 && bt_is_leap_year(y) ? 29 : mdays[m - 1];
}

/* The calendar fields of a parsed time, as written, plus its UTC offset. */
struct fields {
	int64_t year;
	unsigned month, day, hour, min, sec, msec;
	int64_t offset_ms; /* east of UTC */
};

/* Validate f and turn it into milliseconds since the epoch (UTC). */
static int compose(const struct fields *f, int64_t *ms)
{
	unsigned sec = f->sec, msec = f->msec;
	if (f->month < 1 || f->month > 12 || f->day < 1 ||
	    f->day > bt_days_in_month(f->year, f->month) || f->hour > 23 || f->min > 59 ||
	    sec > 60 || msec > 999)
		return BT_EINVAL;
	if (sec == 60) { /* leap second: fold to the last millisecond of the minute */
		sec = 59;
		msec = 999;
	}
	/* The year has at most 4 digits here, so nothing below can overflow. */
	int64_t t = bt_days_from_civil(f->year, f->month, f->day) * MS_PER_DAY +
		    ((int64_t)f->hour * 3600 + (int64_t)f->min * 60 + sec) * 1000 + msec -
		    f->offset_ms;
	if (t < BT_TIME_MIN || t > BT_TIME_MAX)
		return BT_EINVAL;
	*ms = t;
	return 0;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/*
 * Read between min and max decimal digits (max <= 9) at s[*pos], greedily.
 * Returns 0 and advances *pos, or BT_EINVAL if fewer than min digits.
 */
static int digits(const char *s, size_t n, size_t *pos, int min, int max, unsigned *out)
{
	unsigned v = 0;
	int k = 0;
	while (k < max && *pos < n && is_digit(s[*pos])) {
		v = v * 10 + (unsigned)(s[*pos] - '0');
		(*pos)++;
		k++;
	}
	if (k < min)
		return BT_EINVAL;
	*out = v;
	return 0;
}

static int expect(const char *s, size_t n, size_t *pos, char c)
{
	if (*pos >= n || s[*pos] != c)
		return BT_EINVAL;
	(*pos)++;
	return 0;
}

/* A fraction of 1 to 9 digits at s[*pos], truncated to milliseconds. */
static int fraction(const char *s, size_t n, size_t *pos, unsigned *msec)
{
	size_t start = *pos;
	unsigned v = 0;
	while (*pos < n && is_digit(s[*pos])) {
		if (*pos - start < 3)
			v = v * 10 + (unsigned)(s[*pos] - '0');
		(*pos)++;
	}
	size_t k = *pos - start;
	if (k < 1 || k > 9)
		return BT_EINVAL;
	for (; k < 3; k++)
		v *= 10;
	*msec = v;
	return 0;
}

/*
 * An offset at s[*pos]: Z or z, or a sign and hh:mm (or hhmm when
 * colon_optional).  Stores the offset east of UTC in *off.
 */
static int offset_at(const char *s, size_t n, size_t *pos, int colon_optional, int64_t *off)
{
	unsigned hh, mm;
	if (*pos < n && (s[*pos] == 'Z' || s[*pos] == 'z')) {
		(*pos)++;
		*off = 0;
		return 0;
	}
	if (*pos >= n || (s[*pos] != '+' && s[*pos] != '-'))
		return BT_EINVAL;
	int neg = s[(*pos)++] == '-';
	if (digits(s, n, pos, 2, 2, &hh))
		return BT_EINVAL;
	if (*pos < n && s[*pos] == ':')
		(*pos)++;
	else if (!colon_optional)
		return BT_EINVAL;
	if (digits(s, n, pos, 2, 2, &mm) || hh > 23 || mm > 59)
		return BT_EINVAL;
	*off = ((int64_t)hh * 60 + mm) * 60000 * (neg ? -1 : 1);
	return 0;
}

int bt_time_parse_offset(const char *s, size_t n, int64_t *ms)
{
	size_t pos = 0;
	int64_t off;
	if (offset_at(s, n, &pos, 1, &off) || pos != n)
		return BT_EINVAL;
	*ms = off;
	return 0;
}

int bt_time_parse_rfc3339(const char *s, size_t n, int64_t *ms)
{
	struct fields f = {0};
	unsigned year;
	size_t pos = 0;
	if (digits(s, n, &pos, 4, 4, &year) || expect(s, n, &pos, '-') ||
	    digits(s, n, &pos, 2, 2, &f.month) || expect(s, n, &pos, '-') ||
	    digits(s, n, &pos, 2, 2, &f.day))
		return BT_EINVAL;
	if (pos >= n || (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' '))
		return BT_EINVAL;
	pos++;
	if (digits(s, n, &pos, 2, 2, &f.hour) || expect(s, n, &pos, ':') ||
	    digits(s, n, &pos, 2, 2, &f.min) || expect(s, n, &pos, ':') ||
	    digits(s, n, &pos, 2, 2, &f.sec))
		return BT_EINVAL;
	if (pos < n && s[pos] == '.') {
		pos++;
		if (fraction(s, n, &pos, &f.msec))
			return BT_EINVAL;
	}
	if (offset_at(s, n, &pos, 0, &f.offset_ms) || pos != n)
		return BT_EINVAL;
	f.year = year;
	return compose(&f, ms);
}

int bt_time_from_epoch(int64_t v, int64_t *ms)
{
	const int64_t cut = INT64_C(100000000000); /* 1e11; see time.h */
	int64_t t = v > -cut && v < cut ? v * 1000 : v;
	if (t < BT_TIME_MIN || t > BT_TIME_MAX)
		return BT_EINVAL;
	*ms = t;
	return 0;
}

int bt_time_parse_duration(const char *s, size_t n, int64_t *ms)
{
	int64_t total = 0;
	size_t pos = 0;
	if (n == 0)
		return BT_EINVAL;
	while (pos < n) {
		int64_t v = 0, unit;
		size_t start = pos;
		for (; pos < n && is_digit(s[pos]); pos++) {
			if (v > (INT64_MAX - (s[pos] - '0')) / 10)
				return BT_EINVAL;
			v = v * 10 + (s[pos] - '0');
		}
		if (pos == start || pos == n)
			return BT_EINVAL; /* a group needs digits and a unit */
		if (s[pos] == 'm' && pos + 1 < n && s[pos + 1] == 's') {
			unit = 1;
			pos++;
		} else {
			switch (s[pos]) {
			case 's': unit = 1000; break;
			case 'm': unit = 60 * 1000; break;
			case 'h': unit = 3600 * 1000; break;
			case 'd': unit = 86400 * 1000; break;
			case 'w': unit = INT64_C(7) * 86400 * 1000; break;
			default: return BT_EINVAL;
			}
		}
		pos++;
		if (v > INT64_MAX / unit || total > INT64_MAX - v * unit)
			return BT_EINVAL;
		total += v * unit;
	}
	*ms = total;
	return 0;
}

int bt_time_format(int64_t ms, char out[32])
{
	/* Floor division without the overflow of floor(ms/D)*D near INT64_MIN. */
	int64_t days = ms / MS_PER_DAY, rem = ms % MS_PER_DAY;
	if (rem < 0) {
		rem += MS_PER_DAY;
		days--;
	}
	int64_t y;
	unsigned mo, d;
	bt_civil_from_days(days, &y, &mo, &d);
	unsigned msec = (unsigned)(rem % 1000), secs = (unsigned)(rem / 1000);
	char year[24];
	if (y >= 0 && y <= 9999)
		snprintf(year, sizeof(year), "%04" PRId64, y);
	else
		snprintf(year, sizeof(year), "%+05" PRId64, y);
	int len;
	if (msec)
		len = snprintf(out, 32, "%s-%02u-%02uT%02u:%02u:%02u.%03uZ", year, mo, d,
			       secs / 3600, secs / 60 % 60, secs % 60, msec);
	else
		len = snprintf(out, 32, "%s-%02u-%02uT%02u:%02u:%02uZ", year, mo, d, secs / 3600,
			       secs / 60 % 60, secs % 60);
	return len;
}

/*
 * Walk a format for bt_time_parse_format.  With s == NULL only the format
 * is checked (and *why says what is wrong); otherwise the input is matched
 * into *f and its %z offset, if any, sets *has_zone.
 */
static int walk_format(const char *fmt, const char *s, size_t n, struct fields *f,
		       int *has_zone, const char **why)
{
	size_t pos = 0;
	unsigned v;
	int seen_year = 0, seen_month = 0, seen_day = 0;
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			if (s && expect(s, n, &pos, *p))
				return BT_EINVAL;
			continue;
		}
		int rc = 0;
		switch (*++p) {
		case 'Y':
			seen_year = 1;
			if (s && !(rc = digits(s, n, &pos, 4, 4, &v)))
				f->year = v;
			break;
		case 'y':
			seen_year = 1;
			if (s && !(rc = digits(s, n, &pos, 2, 2, &v)))
				f->year = v >= 69 ? 1900 + v : 2000 + v;
			break;
		case 'm':
			seen_month = 1;
			rc = s ? digits(s, n, &pos, 1, 2, &f->month) : 0;
			break;
		case 'd':
			seen_day = 1;
			rc = s ? digits(s, n, &pos, 1, 2, &f->day) : 0;
			break;
		case 'H': rc = s ? digits(s, n, &pos, 1, 2, &f->hour) : 0; break;
		case 'M': rc = s ? digits(s, n, &pos, 1, 2, &f->min) : 0; break;
		case 'S': rc = s ? digits(s, n, &pos, 1, 2, &f->sec) : 0; break;
		case 'f': rc = s ? fraction(s, n, &pos, &f->msec) : 0; break;
		case 'z':
			*has_zone = 1;
			rc = s ? offset_at(s, n, &pos, 1, &f->offset_ms) : 0;
			break;
		case '%': rc = s ? expect(s, n, &pos, '%') : 0; break;
		case '\0':
			*why = "the format ends with a lone '%'";
			return BT_EINVAL;
		default:
			*why = "the format has a directive other than %Y %y %m %d %H %M %S %f %z %%";
			return BT_EINVAL;
		}
		if (rc)
			return rc;
	}
	if (!seen_year || !seen_month || !seen_day) {
		*why = "the format needs a year (%Y or %y), a month (%m) and a day (%d)";
		return BT_EINVAL;
	}
	if (s && pos != n)
		return BT_EINVAL; /* trailing input */
	return 0;
}

int bt_time_check_format(const char *fmt, const char **why)
{
	const char *dummy;
	int has_zone = 0;
	return walk_format(fmt, NULL, 0, NULL, &has_zone, why ? why : &dummy);
}

int bt_time_parse_format(const char *fmt, const char *s, size_t n, int64_t utc_offset_ms,
			 int64_t *ms)
{
	struct fields f = {0};
	const char *why;
	int has_zone = 0;
	if (utc_offset_ms <= -MS_PER_DAY || utc_offset_ms >= MS_PER_DAY)
		return BT_EINVAL;
	if (walk_format(fmt, s, n, &f, &has_zone, &why))
		return BT_EINVAL;
	if (!has_zone)
		f.offset_ms = utc_offset_ms;
	return compose(&f, ms);
}

/* The public API's reading of a time given by a person (baton/util.h). */
int bt_time_parse(const char *s, size_t n, int64_t *ms)
{
	char day[21];
	if (n == 10) { /* a date: midnight UTC */
		memcpy(day, s, 10);
		memcpy(day + 10, "T00:00:00Z", 11);
		s = day;
		n = 20;
	}
	return bt_time_parse_rfc3339(s, n, ms);
}

int bt_time_print(int64_t ms, char out[32]) { return bt_time_format(ms, out); }

void bt_duration_format(int64_t ms, char out[40])
{
	static const struct {
		int64_t ms;
		const char *unit;
	} units[] = {{86400000, "d"}, {3600000, "h"}, {60000, "m"}, {1000, "s"}, {1, "ms"}};
	size_t o = 0;
	out[0] = '\0';
	if (ms <= 0) {
		snprintf(out, 40, "0s");
		return;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		int64_t n = ms / units[i].ms;
		if (!n)
			continue;
		ms -= n * units[i].ms;
		o += (size_t)snprintf(out + o, 40 - o, "%lld%s", (long long)n, units[i].unit);
	}
}

int64_t bt_time_now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}
