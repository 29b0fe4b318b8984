/* SPDX-License-Identifier: Apache-2.0 */
/*
 * util.h - the public helpers that need no database: the "did you mean" of
 * every message and times given by a person (and, through alloc.h, the
 * allocator whose bt_free frees what the library returns).  They sit in the lowest layer (docs/ARCHITECTURE.md), so the
 * event reader and the configuration reader use them as the CLI does.
 */
#ifndef BATON_UTIL_H
#define BATON_UTIL_H

#include "baton/alloc.h" /* bt_free: what the library returns is freed with it */

#include <stddef.h>
#include <stdint.h>

/* ---- "did you mean" ---------------------------------------------------- */

/* The Levenshtein distance between a and b: the fewest single-byte
 * insertions, deletions and substitutions that turn one into the other.
 * Words longer than 64 bytes get the longer length (they are no typo). */
unsigned bt_edit_distance(const char *a, size_t na, const char *b, size_t nb);
#define BT_SUGGEST_MAX_EDITS 2
/* The name of names[0..n) nearest to word (len bytes) when it is near enough
 * to be what was meant: at most BT_SUGGEST_MAX_EDITS edits away, and fewer
 * edits than the name has bytes.  The first of equally near names wins.
 * NULL when no name is near. */
const char *bt_suggest(const char *word, size_t len, const char *const *names, size_t n);

/* ---- times ------------------------------------------------------------- */

/* Parse a time given by a person (an option, a query argument): an RFC 3339
 * date-time, or a date (2026-03-01 = midnight UTC), into ms since the epoch:
 * 0 or BT_EINVAL.  (Events themselves need a full date-time.) */
int bt_time_parse(const char *s, size_t n, int64_t *ms);
/* Format ms since the epoch as RFC 3339 UTC into out (32 bytes). */
int bt_time_print(int64_t ms, char out[32]);
/* The wall clock, in ms since the epoch. */
int64_t bt_time_now_ms(void);

#endif
