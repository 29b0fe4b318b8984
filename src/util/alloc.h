/* SPDX-License-Identifier: Apache-2.0 */
/*
 * alloc.h - the single allocation wrapper of the library.
 *
 * All library allocations go through these functions so that tests can make
 * the n-th allocation fail (bt__alloc_fail_after) and prove that every
 * caller turns the failure into BT_ENOMEM instead of crashing.  They behave
 * exactly like the libc functions they wrap.
 */
#ifndef BT_UTIL_ALLOC_H
#define BT_UTIL_ALLOC_H

#include <stddef.h>

void *bt__malloc(size_t n);
void *bt__calloc(size_t count, size_t size);
void *bt__realloc(void *p, size_t n);
/* realloc of count*size with overflow check. */
void *bt__reallocarray(void *p, size_t count, size_t size);
char *bt__strndup(const char *s, size_t n);
void bt__free(void *p);

/* Tests only: the allocation after the next n succeeds fails, and every
 * one after it; -1 disables. */
void bt__alloc_fail_after(long n);
/* Tests only: the allocation after the next n succeeds fails, and the
 * others succeed (code that goes on after a failure must still be right). */
void bt__alloc_fail_once(long n);
/* Tests only: did an allocation fail since the last call of the two above? */
int bt__alloc_failed(void);

#endif
