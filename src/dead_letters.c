/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dead_letters.c - the rejected records a database keeps: listed, paged,
 * deleted, and tried again through a durable ingest that files no new
 * ones.  (Ingest files them: ingest_db.c.)
 */
#include "db.h"
#include "ingest.h"

#include <string.h>

int bt_dead_letters_list(struct bt_db *db, struct bt_dead_letter **out, size_t *n,
			 struct bt_err *err)
{
	return db->store->ops->dead.list(db->store, 0, 0, 0, out, n, NULL, err);
}

int bt_dead_letters_page(struct bt_db *db, int64_t after, size_t limit, struct bt_dead_letter **out,
			 size_t *n, int64_t *total, int *more, struct bt_err *err)
{
	const struct bt__store_ops *ops = db->store->ops;
	int changed, rc;
	*out = NULL, *n = 0;
	if ((rc = ops->txn.read_begin(db->store, &changed, err)))
		return rc;
	int64_t bytes;
	rc = ops->dead.usage(db->store, total, &bytes, err);
	if (!rc)
		rc = ops->dead.list(db->store, after, limit, BT_DEAD_PAGE_BYTES, out, n, more, err);
	ops->txn.rollback(db->store);
	return rc;
}

int bt_dead_letter_delete(struct bt_db *db, int64_t id, struct bt_err *err)
{
	int rc = db->store->ops->txn.begin(db->store, err);
	if (rc)
		return rc;
	rc = db->store->ops->dead.remove(db->store, id, err);
	if (!rc)
		rc = db->store->ops->txn.commit(db->store, err);
	if (rc)
		db->store->ops->txn.rollback(db->store);
	return rc;
}

int bt_dead_letters_retry(struct bt_db *db, size_t *retried, size_t *fixed, struct bt_err *err)
{
	struct bt_dead_letter *d = NULL;
	struct bt_ingest *in = NULL;
	size_t n = 0;
	int rc;
	*retried = *fixed = 0;
	if ((rc = bt_dead_letters_list(db, &d, &n, err)) ||
	    (rc = bt__ingest_begin_db(db, "retry", BT__INGEST_NO_DEAD_LETTERS, &in, err)))
		goto out;
	for (size_t i = 0; i < n && !rc; i++) {
		if (strcmp(d[i].format, "json") != 0 || d[i].truncated)
			continue; /* a CSV row needs its mapping: fix the file and ingest it again */
		struct bt_err e;
		(*retried)++;
		rc = bt_ingest_json(in, d[i].raw, d[i].raw_len, d[i].line, &e);
		if (rc >= 0) {
			(*fixed)++;
			rc = db->store->ops->dead.remove(db->store, d[i].id, err);
		} else if (rc == BT_EINVAL)
			rc = 0;
		else if (err)
			*err = e;
	}
	if (rc)
		bt_ingest_abort(in);
	else
		rc = bt_ingest_end(in, NULL, err);
out:
	bt_dead_letters_free(d, n);
	return rc;
}
