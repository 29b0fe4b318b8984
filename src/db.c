/* SPDX-License-Identifier: Apache-2.0 */
/* db.c - opening and closing a baton database; the summary counts. */
#include "db.h"

#include "util/alloc.h"
#include "util/time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int bt_db_open(struct bt_db **out, const char *path, unsigned flags, struct bt_err *err)
{
	struct bt_db *db = bt__calloc(1, sizeof(*db));
	int rc;
	*out = NULL;
	if (!db)
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	db->readonly = (flags & BT_OPEN_READONLY) != 0;
	bt__identity_init(&db->id);
	bt_u64map_init(&db->eids);
	if ((rc = bt__store_open(&db->store, path, db->readonly, err))) {
		bt_db_close(db);
		return rc;
	}
	*out = db;
	return 0;
}

void bt_db_close(struct bt_db *db)
{
	if (!db)
		return;
	if (db->store)
		db->store->ops->close(db->store);
	bt__identity_release(&db->id);
	bt_u64map_release(&db->eids);
	bt_config_free(db->cfg);
	bt__free(db);
}

int bt_db_check(struct bt_db *db, struct bt_err *err)
{
	return db->store->ops->txn.check(db->store, err);
}

int64_t bt_db_last_seq(const struct bt_db *db) { return db->next_seq > 0 ? db->next_seq - 1 : 0; }

int bt__db_load(struct bt_db *db, struct bt_err *err)
{
	bt__identity_release(&db->id);
	bt_u64map_release(&db->eids);
	bt__identity_init(&db->id);
	bt_u64map_init(&db->eids);
	db->loaded = db->eids_loaded = 0;
	db->follow.loads++;
	/* identity rules come from the stored configuration */
	bt_config_free(db->cfg);
	db->cfg = NULL;
	int rc = bt_db_config_get(db, &db->cfg, err);
	if (rc)
		return rc;
	if ((rc = bt__identity_apply_config(&db->id, db->cfg)))
		return bt_err_set(err, rc, "out of memory");
	const struct bt__store_ops *ops = db->store->ops;
	int64_t v = 0;
	db->next_seq = 1;
	if ((rc = ops->txn.data_version(db->store, &v, err)) ||
	    (rc = bt_db_epoch(db, &db->epoch, err)) ||
	    (rc = ops->identity.load(db->store, &db->id, err)) ||
	    (rc = ops->identity.mark(db->store, &db->mark, err)) ||
	    (rc = ops->events.ids_since(db->store, 1, &db->eids, &db->next_seq, err)))
		return rc;
	db->eids_loaded = db->loaded = 1;
	db->eids_version = db->version = v;
	return 0;
}

/* Catching up: what another connection appended to identity, fed to ours
 * as the store hands it over (new profiles, the merge ledger, new
 * identifiers). */
static int follow_profile(void *ctx, uint32_t p, uint32_t merged_into)
{
	struct bt_db *db = ctx;
	db->follow.rows++;
	return bt__identity_load_profile(&db->id, p, merged_into);
}

static int follow_merge(void *ctx, uint32_t into, uint32_t from)
{
	struct bt_db *db = ctx;
	db->follow.rows++;
	if (into >= db->id.nprof || from >= db->id.nprof)
		return BT_ESTORE; /* a profile we never saw: load anew */
	bt__identity_load_merge(&db->id, into, from, NULL, NULL);
	return 0;
}

static int follow_ident(void *ctx, uint32_t k, const char *text, size_t n, uint32_t profile)
{
	struct bt_db *db = ctx;
	db->follow.rows++;
	if (k != db->id.nidents)
		return BT_ESTORE; /* ids are dense: one was missed, load anew */
	return bt__identity_load_ident(&db->id, text, n, profile);
}

static int follow_apart(void *ctx, uint32_t a, uint32_t b)
{
	struct bt_db *db = ctx;
	db->follow.rows++;
	return bt__identity_load_apart(&db->id, a, b);
}

static const struct bt__idfeed follow_feed = {follow_profile, follow_merge, follow_ident,
					      follow_apart};

/* What was appended since memory last caught up, as of data version v. */
static int catch_up(struct bt_db *db, int64_t v)
{
	const struct bt__store_ops *ops = db->store->ops;
	int64_t seq = db->next_seq;
	int rc;
	if ((rc = ops->identity.since(db->store, &db->mark, &follow_feed, db, NULL)) ||
	    (rc = ops->events.ids_since(db->store, db->next_seq, &db->eids, &db->next_seq, NULL)))
		return rc;
	db->eids_version = db->version = v;
	db->follow.catchups++;
	db->follow.events += (uint64_t)(db->next_seq - seq);
	return 0;
}

int bt__db_follow(struct bt_db *db, struct bt_err *err)
{
	int64_t v, epoch;
	int rc;
	if (!db->loaded)
		return bt__db_load(db, err);
	/* the data version, not what begin said: a read on this connection
	 * since the last load (read_begin) resets what begin compares with */
	if ((rc = db->store->ops->txn.data_version(db->store, &v, err)) || v == db->version)
		return rc;
	if ((rc = bt_db_epoch(db, &epoch, err)))
		return rc;
	/* a failed catch-up leaves memory half-updated: load it all */
	if (epoch != db->epoch || catch_up(db, v))
		return bt__db_load(db, err);
	return 0;
}

int bt__db_mark(struct bt_db *db, struct bt_err *err)
{
	return db->store->ops->identity.mark(db->store, &db->mark, err);
}

int bt__db_eids_follow(struct bt_db *db, struct bt_err *err)
{
	const struct bt__store_ops *ops = db->store->ops;
	int64_t v;
	int rc = ops->txn.data_version(db->store, &v, err);
	if (rc || (db->eids_loaded && v == db->eids_version))
		return rc;
	if (!db->eids_loaded) {
		bt_u64map_release(&db->eids);
		bt_u64map_init(&db->eids);
		db->next_seq = 1;
	}
	/* commits after v may be read too: the next call reads from the new
	 * next_seq, so nothing is read twice or missed */
	rc = ops->events.ids_since(db->store, db->next_seq, &db->eids, &db->next_seq, err);
	db->eids_loaded = rc == 0;
	db->eids_version = v;
	return rc;
}

int bt_db_epoch(struct bt_db *db, int64_t *out, struct bt_err *err)
{
	char *v = NULL;
	size_t n = 0;
	int rc = db->store->ops->config.get(db->store, "epoch", &v, &n, err);
	*out = 0;
	if (rc == BT_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	char num[24];
	if (n < sizeof(num)) {
		memcpy(num, v, n);
		num[n] = '\0';
		*out = strtoll(num, NULL, 10);
	}
	bt__free(v);
	return 0;
}

int bt__db_bump_epoch(struct bt_db *db, struct bt_err *err)
{
	int64_t e;
	char num[24];
	int rc = bt_db_epoch(db, &e, err);
	if (rc)
		return rc;
	int n = snprintf(num, sizeof(num), "%lld", (long long)e + 1);
	return db->store->ops->config.set(db->store, "epoch", num, (size_t)n, err);
}

int bt__db_scrub(struct bt_db *db, const char *done, const char *again, struct bt_err *err)
{
	int rc = db->store->ops->txn.scrub_files(db->store, err);
	if (rc == BT_EBUSY) {
		char why[sizeof(err->msg)];
		snprintf(why, sizeof(why), "%s", err->msg);
		bt_err_set(err, rc, "%s, but %s; %s", done, why, again);
	}
	return rc;
}

int bt__ident_parse(const struct bt__idrules *rules, const char *ident, int64_t *profile,
		    struct bt_buf *norm, struct bt_err *err)
{
	const char *colon = strchr(ident, ':');
	*profile = 0;
	if (!colon) {
		char *end;
		if ((ident[0] != 'P' && ident[0] != 'p') || ident[1] < '0' || ident[1] > '9')
			return bt_err_set(err, BT_EINVAL,
					  "'%s' is neither an identifier (type:value, like "
					  "email:ann@example.com) nor a profile id (like P17)",
					  ident);
		*profile = strtoll(ident + 1, &end, 10);
		if (*end || *profile <= 0)
			return bt_err_set(err, BT_EINVAL, "'%s' is not a profile id (like P17)", ident);
		return 0;
	}
	const char *why = NULL;
	int rc = bt__ident_normalise_why(rules, ident, (size_t)(colon - ident), colon + 1,
					 strlen(colon + 1), norm, &why);
	if (rc == 0)
		return bt_err_set(err, BT_ENOTFOUND, "that %.*s value is refused: %s",
				  (int)(colon - ident), ident, why);
	return rc > 0 ? 0 : rc;
}

int bt__db_resolve(struct bt_db *db, const char *ident, int64_t *root, struct bt_err *err)
{
	const struct bt__store_ops *ops = db->store->ops;
	struct bt_buf norm = BT_BUF_INIT;
	int64_t p;
	int rc = bt__ident_parse(&db->id.rules, ident, &p, &norm, err);
	if (!rc && !p) {
		rc = ops->identity.ident_profile(db->store, norm.data, norm.len, &p, err);
		if (rc == BT_ENOTFOUND)
			bt_err_set(err, rc, "no profile holds that %.*s",
				   (int)(strchr(ident, ':') - ident), ident);
	}
	bt_buf_release(&norm);
	if (rc)
		return rc;
	rc = ops->identity.profile_root(db->store, p, root, err);
	if (rc == BT_ENOTFOUND)
		bt_err_set(err, rc, "no profile P%lld", (long long)p);
	return rc;
}

int bt_summary_get(struct bt_db *db, struct bt_summary *s, struct bt_err *err)
{
	int64_t c[BT__STORE_NCOUNTS];
	int rc = db->store->ops->counts(db->store, c, err);
	if (rc)
		return rc;
	*s = (struct bt_summary){c[0], c[1], c[2], c[3], c[4], c[5], c[6]};
	return 0;
}
