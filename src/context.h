/* SPDX-License-Identifier: Apache-2.0 */
/*
 * context.h - the agent's context and the pre-send guard, rendered from an
 * engine view of one customer (bt__engine_view with keep_text): live.c
 * makes the view, the view layer (view_engine.c) writes the JSON of
 * docs/api.md.
 */
#ifndef BT_CONTEXT_H
#define BT_CONTEXT_H

#include "engine.h"

/* {"profile":..,"as_of":..,"identifiers":[..],"open_instances":[..],
 * "promises":[..],"last_interactions":[..],"told_us":[..],"consent":{..}} */
int bt__context_json(const struct bt_engine *e, int64_t profile, const char *const *idents,
		     size_t n, struct bt_buf *out);
/* Instance i of a view in full: bt__instance_json's members, then
 * "events" (oldest first, as the agent reads them), "handoffs", "promises"
 * and "feedback". */
int bt__instance_detail_json(const struct bt_engine *e, uint32_t i, struct bt_buf *out);
/* {"allow":bool,"profile":..,"purpose":..,"as_of":..,"reasons":[..]};
 * without detail no profile, and each reason only by its kind, once. */
int bt__guard_json(const struct bt_engine *e, int64_t profile, const char *purpose, int detail,
		   struct bt_buf *out);
/* The same for a customer nobody knows: allowed. */
int bt__guard_unknown_json(const char *purpose, int64_t at, int detail, struct bt_buf *out);

#endif
