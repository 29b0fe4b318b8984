/* SPDX-License-Identifier: Apache-2.0 */
/*
 * view.h - the view layer's private side (src/view_engine.c; the public
 * one is include/baton/view.h): what a derivation gives, as JSON.  The
 * engine decides what is in a list or an answer (lists.c, live.c); these
 * write it.
 */
#ifndef BT_VIEW_H
#define BT_VIEW_H

#include "engine.h"

/* A page of a list newest first (lists.c): items ordered by k1, then k2,
 * both descending (unique), i what fn writes.  bt__page_emit sorts v,
 * writes the page after cursor (the "next" of the page before: "k1.k2";
 * NULL: the first) with at most limit items, then
 * ],"total":n,"next":cursor|null} (the page closed: bt_page_close).  BT_EINVAL
 * for a cursor it cannot read. */
struct bt__item {
	int64_t k1;
	uint32_t k2, i;
};
typedef void (*bt__item_fn)(uint32_t i, struct bt_buf *out, void *ctx);
int bt__page_emit(struct bt__item *v, size_t n, size_t limit, const char *cursor, bt__item_fn fn,
		  void *ctx, struct bt_buf *out, struct bt_err *err);

/* Append ,"key":"RFC 3339 time" (or null for BT_TIME_NONE) to b. */
void bt__json_time_field(struct bt_buf *b, const char *key, int64_t ms);

/* Append instance i as a JSON object to b: its id "I<opener>",
 * journey, profile, state, owner, holder, stage, cases and counts. */
void bt__instance_json(const struct bt_engine *e, uint32_t i, struct bt_buf *b);

/* Append promise s as a JSON object to b. */
void bt__promise_json(const struct bt_engine *e, const struct bt__pstate *s, struct bt_buf *b);

/* The views of a list's page (view_engine.c): {"instances":[..],"total":..,
 * "next":..} or {"promises":...} of items v (ordered and paged there), and
 * the owner queue of person: {"person","as_of","unowned_open_instances",
 * "items":[{"why":[..],"instance":{..}}],"total","next"}. */
enum bt__list_kind { BT__LIST_INSTANCES, BT__LIST_PROMISES };
int bt__list_json(const struct bt_engine *e, enum bt__list_kind kind, struct bt__item *v, size_t n,
		  const struct bt_list_query *q, struct bt_buf *out, struct bt_err *err);
int bt__queue_json(const struct bt_engine *e, const char *person, size_t unowned,
		   const uint8_t *escalated, struct bt__item *v, size_t n,
		   const struct bt_list_query *q, struct bt_buf *out, struct bt_err *err);

/* A customer's timeline: {"profile":"P17","events":[the page of v, each
 * written by fn],"total":..,"next":..}. */
int bt__timeline_json(int64_t profile, struct bt__item *v, size_t n, size_t limit,
		      const char *cursor, bt__item_fn fn, void *ctx, struct bt_buf *out,
		      struct bt_err *err);

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
