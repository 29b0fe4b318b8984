/* SPDX-License-Identifier: Apache-2.0 */
/*
 * context.h - the customer context an agent reads ("their history follows
 * them") and the pre-send guard a marketing system asks (PRODUCT.md §6).
 */
#ifndef BATON_CONTEXT_H
#define BATON_CONTEXT_H

#include "baton/baton.h"
#include "baton/buf.h"
#include "baton/config.h"

/*
 * The context of the customer of ident ("type:value" or "P17") at time at
 * (BT_TIME_NONE: their latest event), as JSON into out: the profile and its
 * identifiers, open journey instances with owner and the team holding the
 * work, unkept promises (open or broken), the latest interaction on each
 * channel, the latest inbound contacts with their words ("told_us"), and the
 * latest consent per purpose.  BT_ENOTFOUND for an unknown customer.
 */
int bt_context_get(struct bt_db *db, const struct bt_config *cfg, const char *ident, int64_t at,
		   struct bt_buf *out, struct bt_err *err);

/*
 * May a message for purpose be sent now (at) to the customer who holds any of
 * idents ("type:value")?  JSON into out: {"allow":bool,"profile":..,
 * "reasons":[{"reason":"open_sensitive_journey"|"overdue_promise"|
 * "consent_withdrawn", ...}]}.  An unknown customer is allowed.
 */
int bt_guard_check(struct bt_db *db, const struct bt_config *cfg, const char *const *idents,
		   size_t n, const char *purpose, int64_t at, struct bt_buf *out, struct bt_err *err);

/* The customer's stored events, newest first (at most limit), as JSON:
 * {"profile":"P17","events":[...],"total":N}. */
int bt_timeline_get(struct bt_db *db, const struct bt_config *cfg, const char *ident, size_t limit,
		    struct bt_buf *out, struct bt_err *err);

#endif
