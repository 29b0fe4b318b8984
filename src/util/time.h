/* SPDX-License-Identifier: Apache-2.0 */
/*
 * time.h - event time: parsing, formatting and calendar arithmetic.
 *
 * baton keeps every time as int64 milliseconds since 1970-01-01T00:00:00Z
 * (UTC, leap seconds not counted, like POSIX time).  Events carry RFC 3339
 * strings or integer epoch values, rules carry durations such as "48h", and
 * CSV exports carry dates in whatever layout the exporting system chose;
 * this module turns all of them into that one number and back.
 *
 * The calendar is the proleptic Gregorian calendar, computed here with the
 * days-from-civil arithmetic rather than libc, whose calendar functions
 * depend on the process time zone and locale (and are banned in baton).  Every
 * parser accepts only results between 0001-01-01T00:00:00Z and
 * 9999-12-31T23:59:59.999Z (BT_TIME_MIN .. BT_TIME_MAX), so a formatted
 * time always has a four-digit year.
 *
 * Leap seconds: a second of 60 (23:59:60Z) is accepted and folded to the
 * last millisecond of its minute (23:59:59.999Z).  The event keeps its
 * calendar day and minute and still sorts after every other event of that
 * minute, which is all event ordering needs.
 *
 * All functions return 0 or BT_EINVAL and leave *ms untouched on failure.
 */
#ifndef BT_UTIL_TIME_H
#define BT_UTIL_TIME_H

#include <stddef.h>
#include <stdint.h>

/* 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z in milliseconds. */
#define BT_TIME_MIN INT64_C(-62135596800000)
#define BT_TIME_MAX INT64_C(253402300799999)

/*
 * RFC 3339 date-time, e.g. "2026-03-01T10:15:00Z": exactly
 * YYYY-MM-DD, then 'T', 't' or one space, then hh:mm:ss, an optional
 * fraction of 1 to 9 digits (truncated to milliseconds, not rounded), and
 * "Z", "z" or an offset "+hh:mm" / "-hh:mm" ("-00:00" is UTC).  Ranges are
 * checked: month 1-12, day within its month (leap years included), hour
 * 0-23, minute 0-59, second 0-60 (60 is folded, see above), offset hour
 * 0-23.  s need not be NUL-terminated; all n bytes must be used.
 */
int bt_time_parse_rfc3339(const char *s, size_t n, int64_t *ms);

/*
 * An integer epoch value, in seconds or milliseconds: |v| < 1e11 is taken
 * as seconds, anything larger as milliseconds.  The cut is safe because the
 * two readings do not overlap in any plausible range: 1e11 seconds is the
 * year 5138, while 1e11 milliseconds is 1973-03-03, before any system baton
 * reads from was recording events.  A result outside years 0001..9999 is
 * rejected.
 */
int bt_time_from_epoch(int64_t v, int64_t *ms);

/*
 * A duration: one or more <digits><unit> groups with units ms, s, m, h, d
 * (24 h) and w (7 d), e.g. "48h", "90s", "1h30m", "7d", "2w", "1500ms".
 * No sign, spaces or fractions; every group needs a unit; an empty string,
 * an unknown unit or a total beyond INT64_MAX milliseconds is rejected.
 * "0s" is a valid (zero) duration.
 */
int bt_time_parse_duration(const char *s, size_t n, int64_t *ms);

/*
 * A UTC offset as used by %z and by configuration: "Z", "z", "+hh:mm",
 * "-hh:mm", "+hhmm" or "-hhmm" with hh 0-23 and mm 0-59.  *ms is the
 * offset east of UTC (+01:00 gives 3600000).
 */
/* A duration as bt_time_parse_duration reads it back, in whole units from
 * the largest: 86400000 -> "1d", 5400000 -> "1h30m", 1500 -> "1s500ms";
 * "0s" for zero.  (A negative one is written as zero.) */
void bt_duration_format(int64_t ms, char out[40]);

int bt_time_parse_offset(const char *s, size_t n, int64_t *ms);

/*
 * Write ms as RFC 3339 UTC: "2026-03-01T10:15:00Z", or with three fraction
 * digits ("2026-03-01T10:15:00.250Z") when ms % 1000 != 0.  Years outside
 * 0000..9999 (which no parser here produces) are written in the ISO 8601
 * expanded form with a sign ("+12345-01-01T00:00:00Z").  out must hold 32
 * bytes; it is NUL-terminated.  Returns the length written.
 */
int bt_time_format(int64_t ms, char out[32]);

/*
 * Parse s with a strftime-like format.  Directives:
 *   %Y  year, exactly 4 digits        %y  year, 2 digits: 69-99 are 19xx,
 *   %m  month, 1 or 2 digits              00-68 are 20xx (as POSIX strptime)
 *   %d  day, 1 or 2 digits            %H  hour 0-23, 1 or 2 digits
 *   %M  minute, 1 or 2 digits         %S  second 0-60, 1 or 2 digits
 *   %f  fraction of a second, 1-9 digits, truncated to milliseconds
 *   %z  "Z", "z", "+hh:mm", "-hh:mm", "+hhmm" or "-hhmm"
 *   %%  a literal '%'
 * Any other format character must match the input byte for byte, and the
 * whole input must be consumed.  The 1-or-2-digit fields read greedily, so
 * "29/2/2016 01:16" matches "%d/%m/%Y %H:%M"; two such fields with nothing
 * between them ("%d%m") are ambiguous and read as two digits each.
 * The format must contain a year, a month and a day; hour, minute and
 * second default to 0.  Without %z the time is local time at the fixed
 * offset utc_offset_ms east of UTC (less than a day either way; there is
 * no time zone database, so daylight saving time is not applied).  The date is validated (31/02 fails).
 * Returns BT_EINVAL for input that does not match and for a bad format.
 */
int bt_time_parse_format(const char *fmt, const char *s, size_t n, int64_t utc_offset_ms,
			 int64_t *ms);

/*
 * Check a format for bt_time_parse_format without parsing anything: 0 when
 * it is usable, else BT_EINVAL and *why (if why is not NULL) set to a
 * static sentence saying what is wrong.
 */
int bt_time_check_format(const char *fmt, const char **why);

/*
 * Days since 1970-01-01 of the proleptic Gregorian date y-m-d (m 1-12,
 * d 1-31; not validated), and the inverse.  Exact for |y| up to 10^12.
 */
int64_t bt_days_from_civil(int64_t y, unsigned m, unsigned d);
void bt_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

/* 1 if y is a Gregorian leap year; the number of days of month m (1-12) of year y. */
int bt_is_leap_year(int64_t y);
unsigned bt_days_in_month(int64_t y, unsigned m);

#endif
