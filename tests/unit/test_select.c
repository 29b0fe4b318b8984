/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_select.c - the k-th smallest (util/select.c), which the KPIs' time
 * to resolve percentiles rest on.
 *
 * Each case is checked against what a sort puts at k, for every k, and for
 * the partition it promises (nothing larger before k, nothing smaller
 * after): small hand-made arrays with the answer written out, then shapes
 * that break naive quickselects (sorted, reversed, all equal, few distinct
 * values, organ pipe, the median-of-three killer) and random arrays of
 * every size up to 300, each value's multiplicity kept.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/select.h"

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Select every k of v[0..n) on a copy; check it against the sorted copy. */
static void check_all(const double *v, size_t n)
{
	double *sorted = malloc(n * sizeof(*v)), *w = malloc(n * sizeof(*v));
	assert_non_null(sorted);
	assert_non_null(w);
	memcpy(sorted, v, n * sizeof(*v));
	qsort(sorted, n, sizeof(*v), cmp);
	for (size_t k = 0; k < n; k++) {
		memcpy(w, v, n * sizeof(*v));
		bt__select_kth(w, n, k);
		if (w[k] != sorted[k])
			fail_msg("n=%zu k=%zu: got %g, a sort gives %g", n, k, w[k], sorted[k]);
		for (size_t i = 0; i < k; i++)
			assert_true(w[i] <= w[k]);
		for (size_t i = k + 1; i < n; i++)
			assert_true(w[i] >= w[k]);
		qsort(w, n, sizeof(*v), cmp); /* the same values, reordered */
		assert_memory_equal(w, sorted, n * sizeof(*v));
	}
	free(sorted);
	free(w);
}

static void by_hand(void **state)
{
	(void)state;
	double a[] = {5, 1, 4};
	bt__select_kth(a, 3, 1);
	assert_true(a[1] == 4);
	double b[] = {7};
	bt__select_kth(b, 1, 0);
	assert_true(b[0] == 7);
	/* 20 values, past the small-array cut-off: 19, 18, ..., 0 */
	double c[20];
	for (int i = 0; i < 20; i++)
		c[i] = 19 - i;
	bt__select_kth(c, 20, 4);
	assert_true(c[4] == 4);
	bt__select_kth(c, 20, 17);
	assert_true(c[17] == 17);
	/* nearest rank p90 of 1..10 is the 9th value: 9 */
	double d[] = {10, 3, 8, 1, 9, 2, 7, 4, 6, 5};
	bt__select_kth(d, 10, 8);
	assert_true(d[8] == 9);
}

static void hard_shapes(void **state)
{
	(void)state;
	enum { N = 257 };
	double v[N];
	for (size_t i = 0; i < N; i++)
		v[i] = (double)i; /* sorted */
	check_all(v, N);
	for (size_t i = 0; i < N; i++)
		v[i] = (double)(N - i); /* reversed */
	check_all(v, N);
	for (size_t i = 0; i < N; i++)
		v[i] = 42; /* all equal */
	check_all(v, N);
	for (size_t i = 0; i < N; i++)
		v[i] = (double)(i % 3); /* few distinct */
	check_all(v, N);
	for (size_t i = 0; i < N; i++)
		v[i] = (double)(i < N / 2 ? i : N - i); /* organ pipe */
	check_all(v, N);
	/* Musser's median-of-three killer */
	size_t k = N / 2;
	for (size_t i = 0; i < k; i++)
		v[2 * i] = (double)(i + 1), v[2 * i + 1] = (double)(k + i + 1);
	v[N - 1] = (double)N;
	check_all(v, N);
}

static void random_arrays(void **state)
{
	(void)state;
	uint64_t x = 0x9e3779b97f4a7c15u;
	double v[300];
	for (size_t n = 1; n <= 300; n++) {
		for (size_t i = 0; i < n; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64 */
			v[i] = (double)(x % (n / 2 + 1)); /* with repeats */
		}
		check_all(v, n);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(by_hand),
		cmocka_unit_test(hard_shapes),
		cmocka_unit_test(random_arrays),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
