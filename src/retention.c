/* SPDX-License-Identifier: Apache-2.0 */
/*
 * retention.c - purging what the configuration's retention no longer keeps
 * (docs/retention.md): events, dead letters and finished webhook
 * deliveries older than their data set's duration.  A row made exactly one duration before
 * the purge is gone (kept while now < made + duration).
 */
#include "db.h"

#include "baton/config.h"

#include <string.h>

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
	memset(st, 0, sizeof(*st));
	st->as_of_ms = as_of;
	if (db->readonly && !dry)
		return bt_err_set(err, BT_EUSAGE, "the database is open read-only");
	if ((rc = dry ? ops->txn.read_begin(db->store, NULL, err) : ops->txn.begin(db->store, err)))
		return rc;
	rc = purge_set(db, BT__PURGE_EVENTS, cfg->retain_events_ms, as_of, dry, &st->events, err);
	if (!rc)
		rc = purge_set(db, BT__PURGE_DEAD_LETTERS, cfg->retain_dead_ms, as_of, dry,
			       &st->dead_letters, err);
	if (!rc)
		rc = purge_set(db, BT__PURGE_DELIVERIES, cfg->retain_deliveries_ms, as_of, dry,
			       &st->webhook_deliveries, err);
	/* and the signed-out sessions that would have expired by now */
	int64_t ended;
	if (!rc && !dry)
		rc = db->store->ops->retention.purge(db->store, BT__PURGE_SESSIONS, as_of, 0, &ended,
						     err);
	/* events gone: every live state is built anew (as after an erasure) */
	if (!rc && !dry && st->events.purged)
		rc = bt__db_bump_epoch(db, err);
	if (rc || dry) {
		ops->txn.rollback(db->store);
		return rc;
	}
	if ((rc = ops->txn.commit(db->store, err))) {
		ops->txn.rollback(db->store);
		return rc;
	}
	/* the deleted rows' bytes: as after an erasure */
	if (st->events.purged + st->dead_letters.purged + st->webhook_deliveries.purged > 0)
		rc = ops->txn.scrub_files(db->store, err);
	return rc;
}
