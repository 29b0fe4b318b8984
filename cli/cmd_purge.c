/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_purge.c - baton purge: apply the configuration's retention now. */
#include "cli.h"

#include "baton/config.h"
#include "baton/view.h"
#include "util/time.h"

static const char help[] =
	"usage: baton purge [--db PATH] [--config FILE] [--as-of TIME] [--dry-run] [--json]\n"
	"\n"
	"Delete what the configuration's retention no longer keeps (docs/retention.md):\n"
	"events of a time, dead letters rejected, and webhook deliveries no longer\n"
	"pending queued, at or before TIME minus their data set's duration.  A data set without a\n"
	"retention is kept for ever.  The deleted rows leave no trace in the\n"
	"database files, as after an erasure.  baton serve purges by itself every\n"
	"hour.\n"
	"\n"
	"  --db PATH       database (default $BATON_DB or ./baton.db)\n"
	"  --config FILE   the retention of FILE (default: the stored configuration)\n"
	"  --as-of TIME    purge as at TIME, not later than now (default now; a dry run\n"
	"                  may look ahead)\n"
	"  --dry-run       count what would go; delete nothing\n"
	"  --json          print what was purged as JSON\n";

int cmd_purge(int argc, char **argv)
{
	const char *dbpath = NULL, *config = NULL;
	int64_t as_of = BT_TIME_NONE;
	int first, json = 0, dry = 0, rc;
	struct bt_err err = {0, ""};
	struct bt_purge_stats st;
	struct bt_config *cfg = NULL;
	const struct cli_option opts[] = {
		CLI_OPT_STRING("db", 0, &dbpath),   CLI_OPT_STRING("config", 0, &config),
		CLI_OPT_TIME("as-of", &as_of),      CLI_OPT_BOOL("dry-run", &dry),
		CLI_OPT_BOOL("json", &json),        CLI_OPT_END,
	};
	if ((rc = cli_parse("purge", help, opts, argc, argv, &first)) != CLI_GO)
		return rc;
	if (first < argc)
		return cli_usage("purge", "unexpected argument '%s'", argv[first]);
	struct bt_db *db = cli_open(cli_db_path(dbpath), dry ? BT_OPEN_READONLY : 0);
	if (!db)
		return EXIT_FAIL;
	if (cli_config(db, config, &cfg)) {
		bt_db_close(db);
		return EXIT_FAIL;
	}
	rc = bt_purge(db, cfg, as_of == BT_TIME_NONE ? bt_time_now_ms() : as_of, dry, &st, &err);
	if (!rc && !dry) /* also when nothing went now: an earlier purge's scrub may have failed */
		rc = bt_purge_scrub(db, &err);
	bt_config_free(cfg);
	bt_db_close(db);
	if (rc)
		return cli_fail(rc, &err);
	struct bt_buf b = BT_BUF_INIT;
	rc = json ? bt_purge_json(&st, dry, &b) : bt_purge_text(&st, dry, &b);
	if (!rc)
		cli_print_buf(&b);
	bt_buf_release(&b);
	return rc ? cli_fail(rc, NULL) : EXIT_OK;
}
