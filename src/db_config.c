/* SPDX-License-Identifier: Apache-2.0 */
/*
 * db_config.c - the configuration a database remembers: its YAML text is
 * kept in the store's settings (written only by `baton config load`) and
 * read back through the configuration reader, which only parses.
 */
#include "db.h"

#include "baton/config.h"
#include "util/alloc.h"

#include <string.h>

int bt_db_config_set(struct bt_db *db, const struct bt_config *cfg, struct bt_err *err)
{
	const struct bt__store_ops *ops = db->store->ops;
	int rc = ops->txn.begin(db->store, err);
	if (rc)
		return rc;
	const char *src = cfg->source ? cfg->source : "";
	const char *name = cfg->name ? cfg->name : "";
	if (!(rc = ops->config.set(db->store, "config", src, strlen(src), err)) &&
	    !(rc = ops->config.set(db->store, "config_name", name, strlen(name), err)) &&
	    !(rc = bt__db_bump_epoch(db, err)))
		rc = ops->txn.commit(db->store, err);
	if (rc)
		ops->txn.rollback(db->store);
	db->loaded = 0; /* identity rules may have changed */
	return rc;
}

int bt_db_config_get(struct bt_db *db, struct bt_config **out, struct bt_err *err)
{
	char *text = NULL, *name = NULL;
	size_t n = 0;
	int rc = db->store->ops->config.get(db->store, "config", &text, &n, err);
	if (rc == BT_ENOTFOUND)
		return bt_config_empty(out);
	if (rc)
		return rc;
	rc = db->store->ops->config.get(db->store, "config_name", &name, NULL, err);
	if (rc == 0 || rc == BT_ENOTFOUND)
		rc = bt_config_parse(name ? name : "stored config", text, n, out, NULL, NULL, err);
	bt__free(text);
	bt__free(name);
	return rc;
}
