/* SPDX-License-Identifier: Apache-2.0 */
/*
 * migrate.h - copy a whole baton database to another one, across backends
 * (`baton migrate`, docs/storage.md "Moving a database").
 */
#ifndef BATON_MIGRATE_H
#define BATON_MIGRATE_H

#include "baton/error.h"

#include <stdint.h>

/* Called after each table copied: its name and how many rows it held. */
typedef void (*bt_migrate_progress)(void *ctx, const char *table, int64_t rows);

/*
 * Copy every stored object of the database `from` into the database `to`
 * (each a --db string: PATH, sqlite:PATH or postgres://…), in one write
 * transaction of the target, from one read snapshot of the source (opened
 * read-only, never changed).  Numbers and ids are kept.  The target must
 * be empty (BT_EUSAGE otherwise: nothing is merged into data already
 * there) and must have the source's key (BT_EUSAGE otherwise: erased
 * identifiers are keyed hashes, webhook secrets are sealed with it).
 * *rows (may be NULL): the rows copied in all.
 */
int bt_migrate(const char *from, const char *to, bt_migrate_progress progress, void *ctx,
	       int64_t *rows, struct bt_err *err);

#endif
