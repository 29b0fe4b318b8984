/* SPDX-License-Identifier: Apache-2.0 */
/*
 * decimal.c - exact decimal amounts in millionths (decimal.h).
 */
#include "util/decimal.h"

#include <stdio.h>

#define MICRO_MAX (1000000000000LL * BT_MICRO) /* 10^12 units */

int bt__micro_parse(const char *s, size_t n, int64_t *out)
{
	size_t i = 0;
	int neg = 0, digits = 0, frac = -1; /* frac: decimals read after '.', -1 none */
	__int128 v = 0;
	long exp = 0;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	for (; i < n; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9') {
			if (v > (__int128)MICRO_MAX * 1000)
				return -1;
			v = v * 10 + (c - '0');
			digits++;
			if (frac >= 0)
				frac++;
		} else if (c == '.' && frac < 0 && digits)
			frac = 0;
		else
			break;
	}
	if (!digits || frac == 0)
		return -1;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		int eneg = 0, ed = 0;
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			eneg = s[i++] == '-';
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, ed++)
			if (exp < 1000)
				exp = exp * 10 + (s[i] - '0');
		if (!ed)
			return -1;
		if (eneg)
			exp = -exp;
	}
	if (i != n)
		return -1;
	/* value = v * 10^(exp - decimals); in millionths: v * 10^(6 + exp - decimals) */
	long shift = 6 + exp - (frac > 0 ? frac : 0);
	for (; shift > 0; shift--) {
		if (v > (__int128)MICRO_MAX)
			return -1;
		v *= 10;
	}
	for (; shift < 0; shift++) {
		if (v % 10)
			return -1; /* more than six decimals */
		v /= 10;
	}
	if (v > (__int128)MICRO_MAX)
		return -1;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 0;
}

size_t bt__micro_print(int64_t v, char out[32])
{
	unsigned long long a = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	unsigned long long whole = a / BT_MICRO, part = a % BT_MICRO;
	int n = snprintf(out, 32, "%s%llu", v < 0 ? "-" : "", whole);
	if (part) {
		char f[8];
		snprintf(f, sizeof(f), "%06llu", part);
		int k = 6;
		while (k > 0 && f[k - 1] == '0')
			k--;
		n += snprintf(out + n, 32 - (size_t)n, ".%.*s", k, f);
	}
	return (size_t)n;
}
