/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_erase.c - baton erase: the right to be forgotten. */
#include "cli.h"

static const char help[] =
	"usage: baton erase [--db PATH] [--json] IDENT\n"
	"\n"
	"Erase the person IDENT belongs to (type:value or a profile id): every\n"
	"identifier linked to them, their events, their identifiers in other\n"
	"records and dead letters.  Their identifiers are remembered only as keyed\n"
	"hashes, so the same identifiers arriving later are dropped and do not bring\n"
	"the person back.  This cannot be undone.\n"
	"\n"
	"  --db PATH   database file (default $BATON_DB or ./baton.db)\n"
	"  --json      print what was removed as JSON\n";

int cmd_erase(int argc, char **argv)
{
	const char *dbpath = NULL;
	int first, json = 0, rc;
	struct bt_err err = {0, ""};
	struct bt_erase_stats st;
	const struct cli_option opts[] = {
		CLI_OPT_STRING("db", 0, &dbpath), CLI_OPT_BOOL("json", &json), CLI_OPT_END,
	};

	if ((rc = cli_parse("erase", help, opts, argc, argv, &first)) != CLI_GO)
		return rc;
	if (first != argc - 1)
		return cli_usage("erase", "name exactly one IDENT (type:value or a profile id)");
	struct bt_db *db = cli_open(cli_db_path(dbpath), 0);
	if (!db)
		return EXIT_FAIL;
	rc = bt_erase(db, argv[first], &st, &err);
	bt_db_close(db);
	if (rc)
		return cli_fail(rc, &err);
	char id[24];
	bt_profile_id_format(st.profile, id);
	if (json) {
		struct bt_buf b = BT_BUF_INIT;
		bt_erase_json(&st, &b);
		cli_print_buf(&b);
		bt_buf_release(&b);
	} else if (st.already)
		printf("already erased: nothing of them is left in the database files\n");
	else
		printf("erased %s: %zu identifiers, %zu events, %zu other events scrubbed, "
		       "%zu dead letters\n",
		       id, st.identifiers, st.events, st.scrubbed, st.dead_letters);
	return EXIT_OK;
}
