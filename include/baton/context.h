/* SPDX-License-Identifier: Apache-2.0 */
/*
 * context.h - a customer's timeline, read from the store.  The context an
 * agent reads and the pre-send guard (PRODUCT.md §6) are answered from the
 * live state (baton/live.h).
 */
#ifndef BATON_CONTEXT_H
#define BATON_CONTEXT_H

#include "baton/baton.h"
#include "baton/buf.h"

/* The customer's stored events, newest first (at most limit), as JSON:
 * {"profile":"P17","events":[...],"total":N}.  BT_ENOTFOUND for an unknown
 * customer. */
int bt_timeline_get(struct bt_db *db, const char *ident, size_t limit, struct bt_buf *out,
		    struct bt_err *err);

#endif
