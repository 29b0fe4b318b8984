/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vec.h - appending to a growable array held as (pointer, count, capacity).
 *
 * BT_PUSH(arr, n, cap, val) appends val, doubling the capacity when full; on
 * allocation failure it makes the enclosing function return BT_ENOMEM, so
 * use it only in functions that return an error code.
 */
#ifndef BT_UTIL_VEC_H
#define BT_UTIL_VEC_H

#include "baton/error.h"
#include "util/alloc.h"

#define BT_PUSH(arr, n, cap, val)                                                   \
	do {                                                                        \
		if ((n) == (cap)) {                                                 \
			size_t c_ = (cap) ? (cap) * 2 : 64;                         \
			void *p_ = bt__reallocarray((arr), c_, sizeof(*(arr)));     \
			if (!p_)                                                    \
				return BT_ENOMEM;                                   \
			(arr) = p_;                                                 \
			(cap) = c_;                                                 \
		}                                                                   \
		(arr)[(n)++] = (val);                                               \
	} while (0)

#endif
