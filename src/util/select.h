/* SPDX-License-Identifier: Apache-2.0 */
/*
 * select.h - the k-th smallest of an array of numbers, in linear time on
 * average: what a percentile needs, without sorting every value.
 */
#ifndef BT_UTIL_SELECT_H
#define BT_UTIL_SELECT_H

#include <stddef.h>

/* Reorder v[0..n) (no NaN) so that v[k] is the value a sort would put
 * there, none before it larger and none after it smaller (k < n).
 * Quickselect with a median-of-three pivot; past 2 log2 n rounds, as on
 * input made to defeat it, the rest is sorted instead, so it is never
 * quadratic. */
void bt__select_kth(double *v, size_t n, size_t k);

#endif
