/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_decimal.c - libFuzzer harness for money amounts
 * (src/util/decimal.c): the revenue an event carries in its props and the
 * thresholds of the configuration, read exactly into millionths.
 *
 * The input is read as an amount; its first 8 bytes are also an amount in
 * millionths to print.  Invariants (abort() when one fails):
 *  - an amount read is at most 10^12 units either way, is what strtod
 *    reads from the same text (to the precision of a double), and printed
 *    by bt__micro_print reads back the same;
 *  - every amount in range printed reads back the same, from the shortest
 *    text (no trailing zero after the point).
 *
 * Build and run from the repository root (fuzz/run.sh says where the
 * corpus and the crashes go):
 *
 *   fuzz/run.sh decimal 180
 */
#include "fuzz.h"

#include "util/decimal.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DEC_MAX (INT64_C(1000000000000) * BT_MICRO)

/* v prints as the shortest decimal and reads back as v. */
static void dec_round_trip(int64_t v)
{
	char text[32];
	int64_t back = 0;
	size_t n = bt__micro_print(v, text);
	CHECK(n > 0 && n < 32 && text[n] == '\0');
	CHECK(!strchr(text, '.') || text[n - 1] != '0');
	CHECK(bt__micro_parse(text, n, &back) == 0 && back == v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int64_t v;
	if (bt__micro_parse((const char *)data, size, &v) == 0) {
		char *text = fuzz_text(data, size);
		CHECK(text && v >= -DEC_MAX && v <= DEC_MAX);
		double x = strtod(text, NULL) * 1e6;
		CHECK(fabs(x - (double)v) <= fabs(x) * 1e-12 + 1e-6);
		free(text);
		dec_round_trip(v);
	}
	if (size >= 8) {
		memcpy(&v, data, sizeof(v));
		dec_round_trip(v % (DEC_MAX + 1));
	}
	return 0;
}
