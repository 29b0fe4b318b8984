/* SPDX-License-Identifier: Apache-2.0 */
/*
 * alloc.h - the library's allocator, for the programs built on the API.
 *
 * Every allocation of libbaton goes through one wrapper (src/util/alloc.c)
 * so that a test can make the n-th allocation fail and see each caller turn
 * it into BT_ENOMEM.  The server (and any program that wants its own memory
 * counted the same way) allocates through these too.  They behave as
 * malloc, calloc and realloc; what they return, and every string or array
 * the library hands over "to free with bt_free", is freed with bt_free.
 */
#ifndef BATON_ALLOC_H
#define BATON_ALLOC_H

#include <stddef.h>

void *bt_malloc(size_t n);
void *bt_calloc(size_t count, size_t size);
void *bt_realloc(void *p, size_t n);
void bt_free(void *p);
/* A copy of the string s (NULL when memory ran out), to free with bt_free. */
char *bt_strdup(const char *s);

#endif
