/* SPDX-License-Identifier: Apache-2.0 */
/* db.c - opening and closing a baton database; the summary counts. */
#include "db.h"

#include "engine.h"
#include "util/alloc.h"
#include "util/time.h"

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
	bt__identity_apply_config(&db->id, db->cfg);
	rc = db->store->ops->load(db->store, &db->id, &db->eids, &db->next_seq, err);
	if (rc == 0)
		db->loaded = 1;
	return rc;
}

int bt__db_resolve(struct bt_db *db, const char *ident, int64_t *root, struct bt_err *err)
{
	const struct bt__store_ops *ops = db->store->ops;
	const char *colon = strchr(ident, ':');
	int64_t p;
	int rc;
	if (!colon) {
		char *end;
		if ((ident[0] != 'P' && ident[0] != 'p') || ident[1] < '0' || ident[1] > '9')
			return bt_err_set(err, BT_EINVAL,
					  "'%s' is neither an identifier (type:value, like "
					  "email:ann@example.com) nor a profile id (like P17)",
					  ident);
		p = strtoll(ident + 1, &end, 10);
		if (*end || p <= 0)
			return bt_err_set(err, BT_EINVAL, "'%s' is not a profile id (like P17)", ident);
	} else {
		struct bt_buf norm = BT_BUF_INIT;
		rc = bt__ident_normalise(&db->id.rules, ident, (size_t)(colon - ident), colon + 1,
					 strlen(colon + 1), &norm);
		if (rc == 0)
			rc = bt_err_set(err, BT_ENOTFOUND,
					"that %.*s value is a junk value and never identifies anyone",
					(int)(colon - ident), ident);
		else if (rc > 0) {
			rc = ops->ident_profile(db->store, norm.data, norm.len, &p, err);
			if (rc == BT_ENOTFOUND)
				bt_err_set(err, rc, "no profile holds that %.*s",
					   (int)(colon - ident), ident);
		}
		bt_buf_release(&norm);
		if (rc)
			return rc;
	}
	rc = ops->profile_root(db->store, p, root, err);
	if (rc == BT_ENOTFOUND)
		bt_err_set(err, rc, "no profile P%lld", (long long)p);
	return rc;
}

int bt_summary_get(struct bt_db *db, struct bt_summary *s, struct bt_err *err)
{
	int64_t c[6];
	int rc = db->store->ops->counts(db->store, c, err);
	if (rc)
		return rc;
	*s = (struct bt_summary){c[0], c[1], c[2], c[3], c[4], c[5]};
	return 0;
}

void bt_free(void *p) { bt__free(p); }

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
