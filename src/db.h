/* SPDX-License-Identifier: Apache-2.0 */
/*
 * db.h - what a struct bt_db holds (private to the library).
 *
 * The identity state and the event-id filter are loaded from the store the
 * first time a write needs them and reloaded whenever the store reports that
 * another connection wrote in between (PRAGMA data_version for SQLite).
 */
#ifndef BT_DB_H
#define BT_DB_H

#include "baton/baton.h"
#include "baton/config.h"
#include "identity.h"
#include "store/store.h"
#include "util/map.h"

struct bt_db {
	struct bt__store *store;
	struct bt__identity id;
	struct bt_u64map eids; /* hash of an event id → its event number */
	int64_t next_seq;
	int loaded;
	int readonly;
	struct bt_config *cfg; /* the configuration stored in the database */
};

/* Load (or reload) identity and event ids from the store. */
int bt__db_load(struct bt_db *db, struct bt_err *err);

/* Resolve "type:value" or "P17" to the current root profile id. */
int bt__db_resolve(struct bt_db *db, const char *ident, int64_t *root, struct bt_err *err);

#endif
