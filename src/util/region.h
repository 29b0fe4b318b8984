/* SPDX-License-Identifier: Apache-2.0 */
/*
 * region.h - a growable array that never moves.
 *
 * Address space for the most the array may ever hold is reserved up front
 * (no memory is used for it) and made usable as the array fills.  Readers
 * that hold its address while a writer grows it never see it move, and
 * growing copies nothing: the live state (live.c) grows its event records
 * this way, outside the lock its readers take, where realloc would copy
 * hundreds of megabytes while they wait.
 */
#ifndef BT_UTIL_REGION_H
#define BT_UTIL_REGION_H

#include <stddef.h>

struct bt__region {
	void *base;
	size_t reserved, usable; /* bytes */
};

/* Reserve room for at most max bytes; when the system refuses that much
 * address space, less (halving, down to 1 MiB).  BT_ENOMEM when even that
 * fails. */
int bt__region_init(struct bt__region *r, size_t max);
/* Make at least the first need bytes usable (and touched, so that writing
 * them later costs no page fault).  The base never changes.  BT_ENOMEM when
 * need exceeds the reservation or the system has no memory for it. */
int bt__region_fit(struct bt__region *r, size_t need);
void bt__region_release(struct bt__region *r);

#endif
