/* SPDX-License-Identifier: Apache-2.0 */
/*
 * context.h - a customer's timeline, read from the store.  The context an
 * agent reads and the pre-send guard (docs/api.md) are answered from the
 * live state (baton/live.h).
 */
#ifndef BATON_CONTEXT_H
#define BATON_CONTEXT_H

#include "baton/baton.h"
#include "baton/buf.h"

/* The customer's stored events, newest first, a page of at most limit
 * after cursor (the "next" of the page before; NULL: the first), as JSON:
 * {"profile":"P17","events":[...],"total":N,"next":cursor|null}.
 * BT_ENOTFOUND for an unknown customer, BT_EINVAL for a bad cursor. */
int bt_timeline_get(struct bt_db *db, const char *ident, size_t limit, const char *cursor,
		    struct bt_buf *out, struct bt_err *err);

#endif
