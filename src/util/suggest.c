/* SPDX-License-Identifier: Apache-2.0 */
/*
 * suggest.c - "did you mean": the known name nearest to a mistyped one, for
 * event fields, configuration keys, and the command's commands and options.
 * One rule everywhere, so a typo is caught the same way wherever it is made.
 */
#include "baton/util.h"

#include <string.h>

#define MAX_LEN 64 /* longer words are no typo of a name we know */

unsigned bt_edit_distance(const char *a, size_t na, const char *b, size_t nb)
{
	unsigned row[MAX_LEN + 1];
	if (na > MAX_LEN || nb > MAX_LEN)
		return (unsigned)(na > nb ? na : nb);
	/* one row of the Wagner-Fischer table: row[j] is the distance between
	 * the first i bytes of a and the first j of b */
	for (size_t j = 0; j <= nb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= na; i++) {
		unsigned diag = row[0];
		row[0] = (unsigned)i;
		for (size_t j = 1; j <= nb; j++) {
			unsigned up = row[j];
			unsigned best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[nb];
}

const char *bt_suggest(const char *word, size_t len, const char *const *names, size_t n)
{
	const char *best = NULL;
	unsigned bestd = BT_SUGGEST_MAX_EDITS + 1;
	for (size_t i = 0; i < n; i++) {
		size_t nl = strlen(names[i]);
		unsigned d = bt_edit_distance(word, len, names[i], nl);
		/* a name of two letters is two edits from any other: only
		 * suggest what shares at least one letter in place */
		if (d < bestd && d < nl) {
			bestd = d;
			best = names[i];
		}
	}
	return best;
}
