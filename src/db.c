/* SPDX-License-Identifier: Apache-2.0 */
/* db.c - opening and closing a baton database; the summary counts. */
#include "db.h"

#include "engine.h"
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
	if ((rc = bt__store_sqlite_open(&db->store, path, db->readonly, err))) {
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

int bt_db_check(struct bt_db *db, struct bt_err *err) { return db->store->ops->check(db->store, err); }

int64_t bt_db_last_seq(const struct bt_db *db) { return db->next_seq > 0 ? db->next_seq - 1 : 0; }

int bt__db_load(struct bt_db *db, struct bt_err *err)
{
	bt__identity_release(&db->id);
	bt_u64map_release(&db->eids);
	bt__identity_init(&db->id);
	bt_u64map_init(&db->eids);
	db->loaded = 0;
	/* identity rules come from the stored configuration */
	bt_config_free(db->cfg);
	db->cfg = NULL;
	int rc = bt_db_config_get(db, &db->cfg, err);
	if (rc)
		return rc;
	if ((rc = bt__identity_apply_config(&db->id, db->cfg)))
		return bt_err_set(err, rc, "out of memory");
	int64_t v = 0;
	rc = db->store->ops->data_version(db->store, &v, err);
	if (!rc)
		rc = db->store->ops->load(db->store, &db->id, &db->eids, &db->next_seq, err);
	db->eids_loaded = rc == 0;
	db->eids_version = v;
	if (rc == 0)
		db->loaded = 1;
	return rc;
}

int bt__db_eids_follow(struct bt_db *db, struct bt_err *err)
{
	const struct bt__store_ops *ops = db->store->ops;
	int64_t v;
	int rc = ops->data_version(db->store, &v, err);
	if (rc || (db->eids_loaded && v == db->eids_version))
		return rc;
	if (!db->eids_loaded) {
		bt_u64map_release(&db->eids);
		bt_u64map_init(&db->eids);
		db->next_seq = 1;
	}
	/* commits after v may be read too: the next call reads from the new
	 * next_seq, so nothing is read twice or missed */
	rc = ops->eids_since(db->store, db->next_seq, &db->eids, &db->next_seq, err);
	db->eids_loaded = rc == 0;
	db->eids_version = v;
	return rc;
}

int bt_db_epoch(struct bt_db *db, int64_t *out, struct bt_err *err)
{
	char *v = NULL;
	size_t n = 0;
	int rc = db->store->ops->meta_get(db->store, "epoch", &v, &n, err);
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
	return db->store->ops->meta_set(db->store, "epoch", num, (size_t)n, err);
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
		rc = ops->ident_profile(db->store, norm.data, norm.len, &p, err);
		if (rc == BT_ENOTFOUND)
			bt_err_set(err, rc, "no profile holds that %.*s",
				   (int)(strchr(ident, ':') - ident), ident);
	}
	bt_buf_release(&norm);
	if (rc)
		return rc;
	rc = ops->profile_root(db->store, p, root, err);
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

int bt_time_parse(const char *s, size_t n, int64_t *ms)
{
	char day[21];
	if (n == 10) { /* a date: midnight UTC */
		memcpy(day, s, 10);
		memcpy(day + 10, "T00:00:00Z", 11);
		s = day;
		n = 20;
	}
	return bt_time_parse_rfc3339(s, n, ms);
}

int bt_time_print(int64_t ms, char out[32]) { return bt_time_format(ms, out); }
