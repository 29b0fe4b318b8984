/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_dead_letters.c - baton dead-letters: the records ingest rejected. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char help[] =
	"usage: baton dead-letters [--db PATH] [--json]\n"
	"       baton dead-letters export [--db PATH]          raw records, one per line\n"
	"       baton dead-letters retry [--db PATH]           ingest the JSON ones again\n"
	"       baton dead-letters delete [--db PATH] ID...|--all\n"
	"\n"
	"Every record ingest rejected is kept with its origin, line and reason.\n"
	"Fix them at the source and ingest them again ('export' writes them out as\n"
	"they arrived), or 'retry' them after a fix of the configuration; records\n"
	"that are accepted on retry leave the list.\n"
	"\n"
	"  --db PATH   database file (default $BATON_DB or ./baton.db)\n"
	"  --json      list as a JSON array\n";

static void list(const struct bt_dead_letter *d, size_t n, int json)
{
	struct bt_buf b = BT_BUF_INIT;
	if (!json) {
		if (n == 0)
			printf("no dead letters\n");
		for (size_t i = 0; i < n; i++)
			printf("%lld  %s:%ld  [%s%s]  %s\n", (long long)d[i].id, d[i].origin, d[i].line,
			       d[i].format, d[i].truncated ? ", truncated" : "", d[i].reason);
		return;
	}
	bt_buf_addc(&b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			bt_buf_addc(&b, ',');
		bt_dead_letter_json(&d[i], &b);
	}
	bt_buf_addc(&b, ']');
	cli_print_buf(&b);
	bt_buf_release(&b);
}

int cmd_dead_letters(int argc, char **argv)
{
	const char *dbpath = NULL, *action = "list";
	int first, json = 0, all = 0, rc = 0;
	struct bt_err err = {0, ""};
	struct bt_dead_letter *d = NULL;
	size_t n = 0;
	const struct cli_option opts[] = {
		CLI_OPT_STRING("db", 0, &dbpath), CLI_OPT_BOOL("json", &json),
		CLI_OPT_BOOL("all", &all), CLI_OPT_END,
	};

	if (argc > 1 && argv[1][0] != '-') {
		action = argv[1];
		argc--, argv++;
	}
	if ((rc = cli_parse("dead-letters", help, opts, argc, argv, &first)) != CLI_GO)
		return rc;
	rc = 0;
	static const char *const actions[] = {"list", "export", "retry", "delete"};
	int which = cli_action("dead-letters", action, actions, 4);
	if (which < 0)
		return EXIT_FAIL;
	int is_list = which == 0, is_export = which == 1, is_retry = which == 2, is_delete = which == 3;
	if (is_delete && !all && first >= argc)
		return cli_usage("dead-letters", "delete needs dead letter ids or --all");
	struct bt_db *db = cli_open(cli_db_path(dbpath), (is_list || is_export) ? BT_OPEN_READONLY : 0);
	if (!db)
		return EXIT_FAIL;
	if (is_retry) {
		size_t retried, fixed;
		if ((rc = bt_dead_letters_retry(db, &retried, &fixed, &err)) == 0)
			printf("retried %zu, accepted %zu, still rejected %zu\n", retried, fixed,
			       retried - fixed);
	} else if (is_delete && !all) {
		for (int i = first; i < argc && !rc; i++) {
			char *end;
			long long id = strtoll(argv[i], &end, 10);
			if (*end || id <= 0) {
				bt_db_close(db);
				return cli_usage("dead-letters", "'%s' is not a dead letter id", argv[i]);
			}
			rc = bt_dead_letter_delete(db, id, &err);
		}
	} else if ((rc = bt_dead_letters_list(db, &d, &n, &err)) == 0) {
		if (is_list)
			list(d, n, json);
		for (size_t i = 0; is_export && i < n; i++) {
			fwrite(d[i].raw, 1, d[i].raw_len, stdout);
			fputc('\n', stdout);
		}
		for (size_t i = 0; is_delete && i < n && !rc; i++)
			rc = bt_dead_letter_delete(db, d[i].id, &err);
		if (is_delete && !rc)
			printf("deleted %zu dead letters\n", n);
		bt_dead_letters_free(d, n);
	}
	bt_db_close(db);
	return rc ? cli_fail(rc, &err) : EXIT_OK;
}
