/* SPDX-License-Identifier: Apache-2.0 */
/*
 * db.h - what a struct bt_db holds (private to the library).
 *
 * The identity state and the event-id filter are loaded from the store the
 * first time a write needs them.  When the store reports that another
 * connection wrote in between (PRAGMA data_version for SQLite), they catch
 * up with what it appended since (bt__db_follow); they are loaded anew
 * only when the epoch moved (an erasure, a new configuration) or the
 * appends cannot be followed.
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
	/* A reader's event-id look-ups follow the store without loading
	 * identity: eids holds every event up to next_seq as of the store's
	 * data version eids_version (bt__db_eids_follow). */
	int eids_loaded;
	int64_t eids_version;
	int readonly;
	struct bt_config *cfg; /* the configuration stored in the database */
	/* how far identity has read the store, the epoch it was loaded at and
	 * the store's data version it last caught up with (valid while
	 * loaded) */
	struct bt__idmark mark;
	int64_t epoch, version;
	/* what following the store cost: full loads, catch-ups, and the
	 * identity rows and events the catch-ups read (tests look) */
	struct {
		uint64_t loads, catchups, rows, events;
	} follow;
};

/* Load (or reload) identity and event ids from the store. */
int bt__db_load(struct bt_db *db, struct bt_err *err);
/* In the write transaction, before the first decision: bring identity and
 * event ids up to the store.  Loads them when they are not loaded; else,
 * when another connection committed since they last caught up (the data
 * version moved), reads only what was appended since (identity rows after
 * db->mark, events from db->next_seq), or loads them anew when the epoch
 * moved or the appends cannot be followed. */
int bt__db_follow(struct bt_db *db, struct bt_err *err);
/* In the write transaction, after this connection wrote identity: move
 * the mark past what it wrote, so that a catch-up does not read it back. */
int bt__db_mark(struct bt_db *db, struct bt_err *err);
/* Bring the event-id filter up to the store's last commit, by any
 * connection: loaded at the first call, then extended with what was
 * appended since (one cheap query when nothing was). */
int bt__db_eids_follow(struct bt_db *db, struct bt_err *err);
/* The epoch (bt_db_epoch) counts the changes that are not appends (an
 * erasure, a new configuration): a reader that follows the log rebuilds
 * when it moves.  bump runs inside the caller's write transaction. */
int bt__db_bump_epoch(struct bt_db *db, struct bt_err *err);
/* After an erasure or a purge (committed): scrub the files; when a reader
 * keeps the scrub from being done, the message says what is done (done)
 * and what to run again (again). */
int bt__db_scrub(struct bt_db *db, const char *done, const char *again, struct bt_err *err);

/* Resolve "type:value" or "P17" to the current root profile id. */
/* Read ident: a profile id ("P17": *profile = 17) or an identifier
 * ("type:value": *profile = 0, its normal form in norm).  BT_EINVAL for
 * neither, BT_ENOTFOUND for a junk value. */
int bt__ident_parse(const struct bt__idrules *rules, const char *ident, int64_t *profile,
		    struct bt_buf *norm, struct bt_err *err);
int bt__db_resolve(struct bt_db *db, const char *ident, int64_t *root, struct bt_err *err);

#endif
