/* SPDX-License-Identifier: Apache-2.0 */
/*
 * retention.c - purging what the configuration's retention no longer keeps
 * (docs/retention.md): events, dead letters and finished webhook
 * deliveries older than their data set's duration.  A row made exactly one duration before
 * the purge is gone (kept while now < made + duration).
 */
#include "db.h"

#include "baton/config.h"

#include "util/time.h"

#include <string.h>

/* A session signed out is remembered this long past its expiry, so that a
 * clock a little ahead does not forget one still alive elsewhere. */
#define SESSION_MARGIN_MS (3600 * INT64_C(1000))

static int purge_set(struct bt_db *db, enum bt__purge_set set, int64_t keep, int64_t as_of,
		     int dry, struct bt_purge_set *out, struct bt_err *err)
{
	out->keep_ms = keep;
	out->upto_ms = 0;
	out->purged = 0;
	if (keep <= 0)
		return 0;
	out->upto_ms = as_of - keep;
	return db->store->ops->retention.purge(db->store, set, out->upto_ms, dry, &out->purged, err);
}

int bt_purge(struct bt_db *db, const struct bt_config *cfg, int64_t as_of, int dry,
	     struct bt_purge_stats *st, struct bt_err *err)
{
	const struct bt__store_ops *ops = db->store->ops;
	int rc;
	int64_t now = bt_time_now_ms();
	memset(st, 0, sizeof(*st));
	st->as_of_ms = as_of;
	if (db->readonly && !dry)
		return bt_err_set(err, BT_EUSAGE, "the database is open read-only");
	if (!dry && as_of > now) /* a typo of a year would delete what is not old yet */
		return bt_err_set(err, BT_EUSAGE,
				  "--as-of is later than now: a purge deletes only what is old by "
				  "now (a dry run may look ahead)");
	if ((rc = dry ? ops->txn.read_begin(db->store, NULL, err) : ops->txn.begin(db->store, err)))
		return rc;
	rc = purge_set(db, BT__PURGE_EVENTS, cfg->retain_events_ms, as_of, dry, &st->events, err);
	if (!rc)
		rc = purge_set(db, BT__PURGE_DEAD_LETTERS, cfg->retain_dead_ms, as_of, dry,
			       &st->dead_letters, err);
	if (!rc)
		rc = purge_set(db, BT__PURGE_DELIVERIES, cfg->retain_deliveries_ms, as_of, dry,
			       &st->webhook_deliveries, err);
	/* and the signed-out sessions long expired by the wall clock (never by
	 * as_of: a session must not come back) */
	int64_t ended;
	if (!rc && !dry)
		rc = ops->retention.purge(db->store, BT__PURGE_SESSIONS, now - SESSION_MARGIN_MS, 0,
					  &ended, err);
	/* events gone: every live state is built anew (as after an erasure) */
	if (!rc && !dry && st->events.purged)
		rc = bt__db_bump_epoch(db, err);
	if (rc || dry) {
		ops->txn.rollback(db->store);
		return rc;
	}
	if ((rc = ops->txn.commit(db->store, err)))
		ops->txn.rollback(db->store);
	return rc;
}

int bt_purge_scrub(struct bt_db *db, struct bt_err *err)
{
	return bt__db_scrub(db, "the rows are purged from the database",
			    "run 'baton purge' again once the readers let go, to scrub the files",
			    err);
}
