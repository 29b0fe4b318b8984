/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_journeys.c - baton journeys: definitions, owners, unowned journeys. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char help[] =
	"usage: baton journeys [--db PATH] [--config FILE] [--json]\n"
	"       baton journeys set [--db PATH] [--who NAME] ID RULES\n"
	"       baton journeys history [--db PATH] [--json] [--limit N] [ID]\n"
	"\n"
	"List the journey definitions with their accountable owners and rules, and\n"
	"the journeys seen in the data that nobody owns (no definition), with how\n"
	"many instances each has.\n"
	"\n"
	"'set' changes rules of journey ID as its owner would through the API\n"
	"(PATCH /v1/journeys/ID): RULES is a JSON object such as\n"
	"'{\"handoff_sla\": \"12h\", \"stages\": [{\"id\": \"agent\", \"sla\": \"4h\"}]}'\n"
	"(handoff_sla, recontact_window, abandon_after, sensitive, stages).  The\n"
	"change is kept over the loaded configuration and audited.\n"
	"'history' prints the audit trail of rule changes, newest first: who, when,\n"
	"through what, the field, before and after (docs/journeys.md).\n"
	"\n"
	"  --db PATH       database file (default $BATON_DB or ./baton.db)\n"
	"  --config FILE   list this configuration's journeys instead of the stored\n"
	"                  one's; nothing is stored ('baton config load' stores one)\n"
	"  --who NAME      who makes the change, for the audit trail (default $USER)\n"
	"  --limit N       at most N changes (default 100)\n"
	"  --json          JSON\n";

/* Who runs the command, for the audit trail. */
static const char *cli_who(const char *given)
{
	const char *u = given ? given : getenv("USER");
	return u && *u ? u : "cli";
}

static int set_rules(const char *dbpath, const char *who, int argc, char **argv, int first)
{
	struct bt_err err = {0, ""};
	size_t changed = 0;
	if (argc - first != 2)
		return cli_usage("journeys", "set needs a journey ID and a JSON object of rules");
	struct bt_db *db = cli_open(cli_db_path(dbpath), 0);
	if (!db)
		return EXIT_FAIL;
	int rc = bt_journey_patch(db, argv[first], argv[first + 1], strlen(argv[first + 1]), cli_who(who),
				  "cli", &changed, &err);
	bt_db_close(db);
	if (rc)
		return cli_fail(rc, &err);
	printf("%s: %zu rule%s changed\n", argv[first], changed, changed == 1 ? "" : "s");
	return EXIT_OK;
}

static int history(const char *dbpath, int json, size_t limit, int argc, char **argv, int first)
{
	struct bt_err err = {0, ""};
	struct bt_change *v = NULL;
	size_t n = 0;
	int64_t total = 0;
	if (argc - first > 1)
		return cli_usage("journeys", "history takes at most one journey ID");
	struct bt_db *db = cli_open(cli_db_path(dbpath), BT_OPEN_READONLY);
	if (!db)
		return EXIT_FAIL;
	int rc = bt_changes_list(db, first < argc ? argv[first] : NULL, 0, limit, &v, &n, &total, &err);
	bt_db_close(db);
	if (rc) {
		bt_changes_free(v, n);
		return cli_fail(rc, &err);
	}
	struct bt_buf b = BT_BUF_INIT;
	if (json)
		bt_buf_addc(&b, '[');
	for (size_t i = 0; i < n; i++) {
		char at[32];
		if (json) {
			if (i)
				bt_buf_addc(&b, ',');
			bt_change_json(&v[i], &b);
			continue;
		}
		bt_time_print(v[i].at, at);
		printf("%s  %-22s %-20s %s -> %s  by %s (%s)\n", at, v[i].journey, v[i].field,
		       v[i].before ? v[i].before : "none", v[i].after ? v[i].after : "none", v[i].who,
		       v[i].via);
	}
	if (json) {
		bt_buf_addc(&b, ']');
		cli_print_buf(&b);
	} else if (!n) {
		printf("no rule has changed%s%s\n", first < argc ? " on " : "", first < argc ? argv[first] : "");
	} else if ((int64_t)n < total) {
		printf("(the newest %zu of %lld; --limit N for more)\n", n, (long long)total);
	}
	bt_buf_release(&b);
	bt_changes_free(v, n);
	return EXIT_OK;
}

static int limit_opt(const char *cmd, const char *opt, const char *v, void *to)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);
	if (*end || !*v || *v == '-' || n < 1 || n > 100000)
		return cli_usage(cmd, "%s must be a whole number from 1 to 100000, not '%s'", opt, v);
	*(size_t *)to = n;
	return 0;
}

int cmd_journeys(int argc, char **argv)
{
	const char *dbpath = NULL, *cfgpath = NULL;
	struct bt_config *cfg = NULL;
	struct bt_engine *eng = NULL;
	struct bt_kpis *k = NULL;
	struct bt_err err = {0, ""};
	struct bt_kpi_query q = {NULL, BT_TIME_NONE, BT_TIME_NONE};
	const char *who = NULL, *action = NULL;
	size_t limit = 100;
	int first, json = 0, rc;
	const struct cli_option opts[] = {
		CLI_OPT_STRING("db", 0, &dbpath), CLI_OPT_STRING("config", 0, &cfgpath),
		CLI_OPT_BOOL("json", &json), CLI_OPT_STRING("who", 0, &who),
		CLI_OPT_CALL("limit", 0, limit_opt, &limit), CLI_OPT_END,
	};
	if (argc > 1 && argv[1][0] != '-') {
		action = argv[1];
		argc--, argv++;
	}
	if ((rc = cli_parse("journeys", help, opts, argc, argv, &first)) != CLI_GO)
		return rc;
	if (action) {
		static const char *const actions[] = {"list", "set", "history"};
		int which = cli_action("journeys", action, actions, 3);
		if (which < 0)
			return EXIT_FAIL;
		if (which == 1)
			return set_rules(dbpath, who, argc, argv, first);
		if (which == 2)
			return history(dbpath, json, limit, argc, argv, first);
	}
	if (first < argc)
		return cli_usage("journeys", "unexpected argument '%s'", argv[first]);
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
