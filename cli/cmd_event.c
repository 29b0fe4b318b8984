/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_event.c - baton event: one stored event by its id. */
#include "cli.h"

static const char help[] =
	"usage: baton event [--db PATH] ID\n"
	"\n"
	"Print the stored JSON of the event whose \"id\" is ID (as kept: after an\n"
	"erasure, without the erased person's identifiers).  Exit 1 when there is none.\n";

int cmd_event(int argc, char **argv)
{
	const char *dbpath = NULL;
	struct bt_err err = {0, ""};
	char *json = NULL;
	size_t len = 0;
	int first, rc;
	const struct cli_option opts[] = {CLI_OPT_STRING("db", 0, &dbpath), CLI_OPT_END};
	if ((rc = cli_parse("event", help, opts, argc, argv, &first)) != CLI_GO)
		return rc;
	if (first != argc - 1)
		return cli_usage("event", "name exactly one event ID");
	struct bt_db *db = cli_open(cli_db_path(dbpath), BT_OPEN_READONLY);
	if (!db)
		return EXIT_FAIL;
	rc = bt_event_get(db, argv[first], &json, &len, &err);
	bt_db_close(db);
	if (rc)
		return cli_fail(rc, &err);
	fwrite(json, 1, len, stdout);
	fputc('\n', stdout);
	bt_free(json);
	return EXIT_OK;
}
