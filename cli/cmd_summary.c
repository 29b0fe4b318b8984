/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_summary.c - baton summary: what the database holds. */
#include "cli.h"

static const char help[] =
	"usage: baton summary [--db PATH] [--json]\n"
	"\n"
	"Count what the database holds: events, unified profiles, identifiers,\n"
	"merges (the merge ledger), identity conflicts awaiting review, dead letters,\n"
	"identifiers refused before any link (see 'baton profile').\n";

int cmd_summary(int argc, char **argv)
{
	const char *dbpath = NULL;
	int first, json = 0, rc;
	struct bt_err err = {0, ""};
	struct bt_summary s;
	const struct cli_option opts[] = {
		CLI_OPT_STRING("db", 0, &dbpath), CLI_OPT_BOOL("json", &json), CLI_OPT_END,
	};

	if ((rc = cli_parse("summary", help, opts, argc, argv, &first)) != CLI_GO)
		return rc;
	struct bt_db *db = cli_open(cli_db_path(dbpath), BT_OPEN_READONLY);
	if (!db)
		return EXIT_FAIL;
	rc = bt_summary_get(db, &s, &err);
	bt_db_close(db);
	if (rc)
		return cli_fail(rc, &err);
	if (json) {
		struct bt_buf b = BT_BUF_INIT;
		bt_summary_json(&s, &b);
		cli_print_buf(&b);
		bt_buf_release(&b);
	} else
		printf("events        %lld\nprofiles      %lld\nidentifiers   %lld\n"
		       "merges        %lld\nconflicts     %lld\ndead letters  %lld\n"
		       "refused       %lld\n",
		       (long long)s.events, (long long)s.profiles, (long long)s.identifiers,
		       (long long)s.merges, (long long)s.conflicts, (long long)s.dead_letters,
		       (long long)s.refused);
	return EXIT_OK;
}
