/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_journeys.c - baton journeys: definitions, owners, unowned journeys. */
#include "cli.h"

static const char help[] =
	"usage: baton journeys [--db PATH] [--config FILE] [--json]\n"
	"\n"
	"List the journey definitions with their accountable owners and rules, and\n"
	"the journeys seen in the data that nobody owns (no definition), with how\n"
	"many instances each has.\n"
	"\n"
	"  --db PATH       database file (default $BATON_DB or ./baton.db)\n"
	"  --config FILE   list this configuration's journeys instead of the stored\n"
	"                  one's; nothing is stored ('baton config load' stores one)\n"
	"  --json          JSON\n";

int cmd_journeys(int argc, char **argv)
{
	const char *dbpath = NULL, *cfgpath = NULL;
	struct bt_config *cfg = NULL;
	struct bt_engine *eng = NULL;
	struct bt_kpis *k = NULL;
	struct bt_err err = {0, ""};
	struct bt_kpi_query q = {NULL, BT_TIME_NONE, BT_TIME_NONE};
	int first, json = 0, rc;
	const struct cli_option opts[] = {
		CLI_OPT_STRING("db", 0, &dbpath), CLI_OPT_STRING("config", 0, &cfgpath),
		CLI_OPT_BOOL("json", &json), CLI_OPT_END,
	};
	if ((rc = cli_parse("journeys", help, opts, argc, argv, &first)) != CLI_GO)
		return rc;
	rc = EXIT_FAIL;
	struct bt_db *db = cli_open(cli_db_path(dbpath), BT_OPEN_READONLY);
	if (!db || cli_config(db, cfgpath, &cfg))
		goto out;
	if (bt_engine_from_db(db, cfg, BT_TIME_NONE, &eng, &err) ||
	    bt_engine_kpis(eng, &q, &k, &err)) {
		cli_fail(err.code, &err);
		goto out;
	}
	struct bt_buf b = BT_BUF_INIT;
	bt_buf_addc(&b, '[');
	for (size_t i = 0; i < k->njourneys; i++) {
		const struct bt_journey_kpis *j = &k->journeys[i];
		const struct bt_cfg_journey *d = bt_config_journey(cfg, j->journey);
		if (!json) {
			printf("%-22s %-28s owner %-22s %6llu instances%s\n", j->journey,
			       j->name ? j->name : (d ? "" : "(no definition)"),
			       j->owner ? (j->owner_name ? j->owner_name : j->owner) : "NOBODY: unowned",
			       (unsigned long long)j->instances, j->sensitive ? "  sensitive" : "");
			continue;
		}
		if (i)
			bt_buf_addc(&b, ',');
		bt_journey_json(cfg, j->journey, j, &b);
	}
	bt_buf_addc(&b, ']');
	if (json)
		cli_print_buf(&b);
	bt_buf_release(&b);
	rc = EXIT_OK;
out:
	bt_kpis_free(k);
	bt_engine_free(eng);
	bt_config_free(cfg);
	bt_db_close(db);
	return rc;
}
