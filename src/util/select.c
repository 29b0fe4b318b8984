/* SPDX-License-Identifier: Apache-2.0 */
/* select.c - the k-th smallest of an array (util/select.h). */
#include "util/select.h"

#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void swap_d(double *a, double *b)
{
	double t = *a;
	*a = *b, *b = t;
}

void bt__select_kth(double *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n, depth = 0, limit = 2;
	for (size_t m = n; m > 1; m >>= 1)
		limit += 2;
	while (hi - lo > 16) {
		if (++depth > limit) {
			qsort(v + lo, hi - lo, sizeof(*v), cmp_double);
			return;
		}
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < v[lo])
			swap_d(&v[mid], &v[lo]);
		if (v[hi - 1] < v[lo])
			swap_d(&v[hi - 1], &v[lo]);
		if (v[hi - 1] < v[mid])
			swap_d(&v[hi - 1], &v[mid]);
		double pivot = v[mid];
		size_t i = lo, j = hi - 1;
		for (;;) { /* Hoare: v[lo..i) <= pivot <= v(j..hi) */
			while (v[i] < pivot)
				i++;
			while (pivot < v[j])
				j--;
			if (i >= j)
				break;
			swap_d(&v[i], &v[j]);
			i++, j--;
		}
		if (k <= j)
			hi = j + 1;
		else
			lo = j + 1;
	}
	qsort(v + lo, hi - lo, sizeof(*v), cmp_double);
}
