/* SPDX-License-Identifier: Apache-2.0 */
/*
 * decimal.h - exact decimal amounts in millionths (docs/insight.md): the
 * revenue an event carries and the thresholds of the configuration are
 * read into integers, so sums and comparisons are exact.
 */
#ifndef BT_UTIL_DECIMAL_H
#define BT_UTIL_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

#define BT_MICRO 1000000LL

/* "[-]D[.D]" (at most 6 decimals, at most 10^12 in size; an exponent
 * "e"/"E" as JSON writes is allowed when the result is still exact) into
 * millionths.  0, or -1 when s[0..n) is no such number. */
int bt__micro_parse(const char *s, size_t n, int64_t *out);
/* v millionths as the shortest exact decimal: 12.5, -3, 0.000001.  out
 * holds at least 32 bytes; the length. */
size_t bt__micro_print(int64_t v, char out[32]);

#endif
