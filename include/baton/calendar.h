/* SPDX-License-Identifier: Apache-2.0 */
/*
 * calendar.h - the change calendar (docs/changes.md): a change a team
 * registers ahead (a campaign, a release, a price, a policy, a system
 * change) with its date and the journeys it touches.  This is the record,
 * its reading from a request body, its JSON and the moments it announces;
 * the database and the engine's side are in changes.h.
 */
#ifndef BATON_CALENDAR_H
#define BATON_CALENDAR_H

#include "baton/buf.h"
#include "baton/config.h"
#include "baton/error.h"

#include <stddef.h>
#include <stdint.h>

#define BT_CHANGE_NKINDS 5
/* campaign, release, price, policy, system */
extern const char *const bt_change_kinds[BT_CHANGE_NKINDS];

/* The default of `changes: {notice:}`: a change.upcoming webhook fires
 * seven days before the date. */
#define BT_CHANGE_NOTICE_MS (7 * 86400 * INT64_C(1000))

struct bt_calchange {
	int64_t id;
	char *title, *team, *kind;
	int64_t date; /* ms */
	char **journeys;
	size_t njourneys;
	char *who;  /* who registered it */
	int64_t at; /* when (ms, wall clock) */
};

void bt_calchange_release(struct bt_calchange *c);
void bt_calchanges_free(struct bt_calchange *v, size_t n);

/* Read a change to register from JSON {"title","team","kind","date",
 * "journeys":[...]}, checked against cfg: a team and journeys it knows, a
 * kind of the five, a date (RFC 3339 or 2026-03-01).  BT_EINVAL naming the
 * field (with "did you mean").  out's id, who and at are left to fill. */
int bt_calchange_parse(const struct bt_config *cfg, const char *json, size_t len,
		       struct bt_calchange *out, struct bt_err *err);

/* Does c touch journey? */
int bt_calchange_touches(const struct bt_calchange *c, const char *journey);

/* {"kind","id","at","title","team","date","journeys":[..],"who","registered"}:
 * "at" is the date, so that every item of the list of changes has one. */
int bt_calchange_json(const struct bt_calchange *c, struct bt_buf *b);

/* The change.upcoming moments (docs/changes.md): of each change whose
 * date - notice <= now < date, fn(ctx, key "change:ID:upcoming",
 * "change.upcoming", date - notice, json, len).  fn's non-zero return
 * stops the walk and is returned. */
typedef int (*bt_change_moment_fn)(void *ctx, const char *key, const char *event, int64_t at,
				   const char *json, size_t len);
int bt_calchange_moments(const struct bt_calchange *v, size_t n, int64_t notice, int64_t now,
			 bt_change_moment_fn fn, void *ctx);

#endif
