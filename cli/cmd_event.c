/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_event.c - baton event: one stored event by its id. */
#include "cli.h"

#include <getopt.h>

static const char help[] =
	"usage: baton event [--db PATH] ID\n"
	"\n"
	"Print the stored JSON of the event whose \"id\" is ID (as kept: after an\n"
	"erasure, without the erased person's identifiers).  Exit 1 when there is none.\n";

int cmd_event(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	const char *dbpath = NULL;
	struct bt_err err = {0, ""};
	char *json = NULL;
	size_t len = 0;
	int c, rc;
	while ((c = cli_getopt("event", argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'd': dbpath = optarg; break;
		case 'h': fputs(help, stdout); return EXIT_OK;
		default: return EXIT_FAIL;
		}
	}
	if (optind != argc - 1)
		return cli_usage("event", "name exactly one event ID");
	struct bt_db *db = cli_open(cli_db_path(dbpath), BT_OPEN_READONLY);
	if (!db)
		return EXIT_FAIL;
	rc = bt_event_get(db, argv[optind], &json, &len, &err);
	bt_db_close(db);
	if (rc)
		return cli_fail(rc, &err);
	fwrite(json, 1, len, stdout);
	fputc('\n', stdout);
	bt_free(json);
	return EXIT_OK;
}
