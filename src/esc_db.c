/* SPDX-License-Identifier: Apache-2.0 */
/*
 * esc_db.c - what people did about escalations, in the database
 * (docs/escalations.md).  Escalations themselves are derived (escalate.c);
 * an acknowledgement or a resolution by hand is a fact to keep.
 */
#include "db.h"

#include "baton/webhook.h"

#include "util/alloc.h"

#include <string.h>
#include <time.h>

int bt_escalation_acts(struct bt_db *db, struct bt_esc_action **out, size_t *n, struct bt_err *err)
{
	return db->store->ops->escalations.acts(db->store, out, n, err);
}

int bt_escalation_act(struct bt_db *db, const char *id, int resolve, const char *who,
		      struct bt_err *err)
{
	const struct bt__store_ops *ops = db->store->ops;
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	struct bt_esc_action a = {id, resolve, (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000, who};
	int rc = ops->txn.begin(db->store, err);
	if (rc)
		return rc;
	if (!(rc = ops->escalations.act(db->store, &a, err)))
		rc = ops->txn.commit(db->store, err);
	if (rc)
		ops->txn.rollback(db->store);
	return rc;
}

int bt_followup_closes(struct bt_db *db, struct bt_fu_close **out, size_t *n, struct bt_err *err)
{
	return db->store->ops->followups.closes(db->store, out, n, err);
}

int bt_followup_close(struct bt_db *db, const char *id, const char *note, const char *who,
		      struct bt_err *err)
{
	const struct bt__store_ops *ops = db->store->ops;
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	struct bt_fu_close c = {id, note, who, (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000};
	/* and as a resolution by hand of what escalates it (escalate.c) */
	struct bt_esc_action a = {id, 1, c.at, who};
	int rc = ops->txn.begin(db->store, err);
	if (rc)
		return rc;
	if (!(rc = ops->followups.close(db->store, &c, err)) &&
	    !(rc = ops->escalations.act(db->store, &a, err)))
		rc = ops->txn.commit(db->store, err);
	if (rc)
		ops->txn.rollback(db->store);
	return rc;
}

int bt_announce(struct bt_db *db, const struct bt_moment *m, size_t n, size_t *fresh,
		struct bt_err *err)
{
	const struct bt__store_ops *ops = db->store->ops;
	int rc = ops->txn.begin(db->store, err);
	*fresh = 0;
	if (rc)
		return rc;
	for (size_t i = 0; i < n && !rc; i++) {
		int first = 0;
		if (!(rc = ops->escalations.announce(db->store, m[i].key, m[i].at, &first, err)) && first) {
			rc = bt_webhook_emit(db, m[i].event, m[i].json, m[i].len, err); /* in this transaction */
			++*fresh;
		}
	}
	if (!rc)
		rc = ops->txn.commit(db->store, err);
	if (rc) {
		ops->txn.rollback(db->store);
		*fresh = 0;
	}
	return rc;
}
