/* SPDX-License-Identifier: Apache-2.0 */
/*
 * glob.c - '*' wildcards (glob.h).  Backtracks to the latest star only, so a
 * match costs O(|pat| * |s|) at worst and never recurses.
 */
#include "util/glob.h"

#include <stddef.h>

int bt__glob(const char *pat, const char *s)
{
	const char *star = NULL, *back = NULL;
	while (*s) {
		if (*pat == '*') {
			star = pat++;
			back = s;
		} else if (*pat == *s) {
			pat++, s++;
		} else if (star) {
			pat = star + 1;
			s = ++back;
		} else
			return 0;
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}
