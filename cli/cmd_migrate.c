/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_migrate.c - baton migrate: copy a whole database to another one,
 * SQLite to PostgreSQL or back (docs/storage.md, "Moving a database"). */
#include "cli.h"

#include "baton/migrate.h"

#include <string.h>

static const char migrate_help[] =
    "usage: baton migrate --from DB --to DB\n"
    "\n"
    "Copy every stored object of one database into another, new and empty one:\n"
    "events with their numbers and ids, identity (profiles, identifiers, merges,\n"
    "conflicts, refusals, pairs kept apart, erased identifiers), the configuration\n"
    "and the journey rules with their audit trail, tokens, dead letters,\n"
    "escalation acts, webhooks and their deliveries, actions, initiatives, the\n"
    "change calendar and follow-ups closed.  Each DB is PATH, sqlite:PATH or\n"
    "postgres://...; the usual move is --from sqlite:PATH --to postgres://...\n"
    "\n"
    "The source is read from one snapshot and never changed; the target is\n"
    "written in one transaction: all or nothing.  A target that holds data is\n"
    "refused (nothing is merged into it).  The target needs the source's key:\n"
    "erased identifiers are kept as hashes keyed with it, webhook secrets are\n"
    "sealed with it, so set BATON_SECRET_KEY to the secret the source was\n"
    "written with.  Progress goes to stderr, a table a line.\n"
    "\n"
    "  --from DB   the database to copy\n"
    "  --to DB     the new database to fill\n";

static void progress(void *ctx, const char *table, int64_t rows)
{
	(void)ctx;
	fprintf(stderr, "baton: migrate: %s: %lld row%s\n", table, (long long)rows,
		rows == 1 ? "" : "s");
}

int cmd_migrate(int argc, char **argv)
{
	const char *from = NULL, *to = NULL;
	struct bt_err err = {0, ""};
	int64_t rows = 0;
	int first, rc;
	const struct cli_option opts[] = {CLI_OPT_STRING("from", 0, &from),
					  CLI_OPT_STRING("to", 0, &to), CLI_OPT_END};
	if ((rc = cli_parse("migrate", migrate_help, opts, argc, argv, &first)) != CLI_GO)
		return rc;
	if (first < argc)
		return cli_usage("migrate", "unexpected argument '%s'", argv[first]);
	if (!from || !*from)
		return cli_usage("migrate", "name the database to copy: --from DB");
	if (!to || !*to)
		return cli_usage("migrate", "name the database to fill: --to DB");
	if ((rc = bt_migrate(from, to, progress, NULL, &rows, &err)))
		return cli_fail(rc, &err);
	fprintf(stderr, "baton: migrate: done: %lld rows copied\n", (long long)rows);
	return EXIT_OK;
}
