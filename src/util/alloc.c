/* SPDX-License-Identifier: Apache-2.0 */
/* alloc.c - libc allocation behind a countdown that tests can arm. */
#include "util/alloc.h"

#include "baton/util.h"
#include "baton/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static long fail_countdown = -1;
static int fail_once, failed;

static int should_fail(void)
{
	if (fail_countdown < 0)
		return 0;
	if (fail_countdown == 0) {
		failed = 1;
		if (fail_once)
			fail_countdown = -1;
		return 1;
	}
	fail_countdown--;
	return 0;
}

void bt__alloc_fail_after(long n)
{
	fail_countdown = n;
	fail_once = 0;
	failed = 0;
}

void bt__alloc_fail_once(long n)
{
	fail_countdown = n;
	fail_once = 1;
	failed = 0;
}

int bt__alloc_failed(void) { return failed; }

void *bt__malloc(size_t n) { return should_fail() ? NULL : malloc(n ? n : 1); }

void *bt__calloc(size_t count, size_t size)
{
	return should_fail() ? NULL : calloc(count ? count : 1, size ? size : 1);
}

void *bt__realloc(void *p, size_t n)
{
	return should_fail() ? NULL : realloc(p, n ? n : 1);
}

void *bt__reallocarray(void *p, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		return NULL;
	return bt__realloc(p, count * size);
}

char *bt__strndup(const char *s, size_t n)
{
	char *d = bt__malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

void bt__free(void *p) { free(p); }

/* What the public API hands over is freed here (baton/util.h). */
/* The public names (baton/alloc.h) for the programs on the API. */
void *bt_malloc(size_t n) { return bt__malloc(n); }
void *bt_calloc(size_t count, size_t size) { return bt__calloc(count, size); }
void *bt_realloc(void *p, size_t n) { return bt__realloc(p, n); }
void bt_free(void *p) { bt__free(p); }

char *bt_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *c = bt_malloc(n);
	if (c)
		memcpy(c, s, n);
	return c;
}
