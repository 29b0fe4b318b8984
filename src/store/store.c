/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store.c - the one place a database is opened from the string that names
 * it (bt_db_open: the CLI's --db, the server's writer, its readers and its
 * live state all come here):
 *   PATH          a SQLite file
 *   sqlite:PATH   the same, said plainly
 *   postgres://…  (or postgresql://…) a PostgreSQL database (pg.c,
 *                 docs/storage.md)
 * Any other SCHEME://… is refused too, rather than taken for a file name.
 * The string may hold a password (a PostgreSQL URL does): messages quote
 * the scheme only.
 */
#include "store/store.h"

#include <string.h>

static int starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int bt__store_open(struct bt__store **out, const char *where, int readonly, struct bt_err *err)
{
	const char *scheme_end = strstr(where, "://");
	*out = NULL;
	if (starts(where, "sqlite:")) {
		where += strlen("sqlite:");
		if (!*where)
			return bt_err_set(err, BT_EUSAGE,
					  "no file after 'sqlite:': give the database as sqlite:PATH");
		return bt__store_sqlite_open(out, where, readonly, err);
	}
	if (starts(where, "postgres://") || starts(where, "postgresql://"))
		return bt__store_pg_open(out, where, readonly, err);
	if (scheme_end && strspn(where, "abcdefghijklmnopqrstuvwxyz0123456789+.-") ==
				  (size_t)(scheme_end - where))
		return bt_err_set(err, BT_EUSAGE,
				  "unknown kind of database '%.*s://': give the path of a SQLite file "
				  "(PATH or sqlite:PATH)",
				  (int)(scheme_end - where > 32 ? 32 : scheme_end - where), where);
	return bt__store_sqlite_open(out, where, readonly, err);
}
