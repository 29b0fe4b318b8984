/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_check.c - baton check and baton config: validate and load a configuration. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char check_help[] =
	"usage: baton check --config FILE\n"
	"\n"
	"Validate a configuration (teams, people, journeys with owners and rules,\n"
	"touchpoints, identity rules) and report every problem with its line number.\n"
	"Exit status 0 when it is valid, 1 otherwise.  Reference: docs/config.md.\n";

static const char config_help[] =
	"usage: baton config load [--db PATH] [--force] [--who NAME] FILE\n"
	"       baton config show [--db PATH]\n"
	"\n"
	"'load' validates FILE and stores it in the database: every later command and\n"
	"the server use its journeys, owners, touchpoints and identity rules.  A rule\n"
	"an owner changed since the last load (PATCH /v1/journeys/ID, 'baton journeys\n"
	"set') that FILE sets otherwise is a conflict: the load is refused, listing\n"
	"them, unless --force, which takes FILE's.  Every rule the load changes goes\n"
	"into the audit trail ('baton journeys history').\n"
	"'show' prints the configuration the database holds, then the rules changed\n"
	"since it was loaded, which are in force over it.\n"
	"\n"
	"  --force     take FILE's rules over those changed since the last load\n"
	"  --who NAME  who loads it, for the audit trail (default $USER)\n";

int cmd_check(int argc, char **argv)
{
	const char *path = NULL;
	struct bt_config *cfg = NULL;
	int first, rc;
	const struct cli_option opts[] = {CLI_OPT_STRING("config", 0, &path), CLI_OPT_END};
	if ((rc = cli_parse("check", check_help, opts, argc, argv, &first)) != CLI_GO)
		return rc;
	if (!path && first < argc)
		path = argv[first];
	if (!path)
		return cli_usage("check", "name the configuration: --config FILE");
	if (cli_config_file(path, &cfg))
		return EXIT_FAIL;
	printf("%s: OK: %zu teams, %zu people, %zu journeys, %zu touchpoints\n", path, cfg->nteams,
	       cfg->npeople, cfg->njourneys, cfg->ntouchpoints);
	bt_config_free(cfg);
	return EXIT_OK;
}

/* The rules changed since the load, in force over the text above them. */
static int show_changed(struct bt_db *db)
{
	struct bt_config *base = NULL, *eff = NULL;
	struct bt_err err = {0, ""};
	const char *src;
	size_t shown = 0;
	if (bt_db_config_get(db, &eff, &err))
		return cli_fail(err.code, &err);
	src = eff->source ? eff->source : "";
	if (bt_config_parse("stored", src, strlen(src), &base, NULL, NULL, &err) && eff->source) {
		bt_config_free(eff);
		return cli_fail(err.code, &err);
	}
	for (size_t j = 0; eff && j < eff->njourneys; j++) {
		char field[160];
		const char *id = eff->journeys[j].id;
		for (size_t i = 0; bt_config_rule_field(eff, id, i, field) == 0; i++) {
			char *was = NULL, *now = NULL;
			bt_config_rule_get(base, id, field, &was);
			bt_config_rule_get(eff, id, field, &now);
			if ((was || now) && (!was || !now || strcmp(was, now)))
				printf("%s# in force since the load: journey %s: %s: %s (the file: %s)\n",
				       shown++ ? "" : "\n", id, field, now ? now : "none", was ? was : "none");
			bt_free(was), bt_free(now);
		}
	}
	bt_config_free(base);
	bt_config_free(eff);
	return EXIT_OK;
}

int cmd_config(int argc, char **argv)
{
	const char *dbpath = NULL, *action = argc > 1 && argv[1][0] != '-' ? argv[1] : NULL;
	const char *who = NULL;
	struct bt_config *cfg = NULL;
	struct bt_err err = {0, ""};
	int first, rc = EXIT_OK, force = 0;
	const struct cli_option opts[] = {CLI_OPT_STRING("db", 0, &dbpath), CLI_OPT_BOOL("force", &force),
					  CLI_OPT_STRING("who", 0, &who), CLI_OPT_END};
	if (action)
		argc--, argv++;
	if ((rc = cli_parse("config", config_help, opts, argc, argv, &first)) != CLI_GO)
		return rc;
	rc = EXIT_OK;
	static const char *const actions[] = {"load", "show"};
	if (!action)
		return cli_usage("config", "say 'load FILE' or 'show'");
	int which = cli_action("config", action, actions, 2);
	if (which < 0)
		return EXIT_FAIL;
	int load = which == 0;
	if (load && first != argc - 1)
		return cli_usage("config", "load needs exactly one FILE");
	struct bt_db *db = cli_open(cli_db_path(dbpath), load ? 0 : BT_OPEN_READONLY);
	if (!db)
		return EXIT_FAIL;
	if (load) {
		struct bt_buf conflicts = BT_BUF_INIT;
		const char *u = who ? who : getenv("USER");
		if (cli_config_file(argv[first], &cfg))
			rc = EXIT_FAIL;
		else if (bt_db_config_load(db, cfg, u && *u ? u : "cli", force, &conflicts, &err)) {
			if (conflicts.len)
				fputs(conflicts.data, stderr);
			rc = cli_fail(err.code, &err);
		} else
			printf("loaded %s: %zu journeys, %zu touchpoints\n", argv[first],
			       cfg->njourneys, cfg->ntouchpoints);
		bt_buf_release(&conflicts);
	} else if (bt_db_config_get(db, &cfg, &err)) {
		rc = cli_fail(err.code, &err);
	} else {
		if (cfg->source)
			fputs(cfg->source, stdout);
		else
			printf("# no configuration loaded\n");
		rc = show_changed(db);
	}
	bt_config_free(cfg);
	bt_db_close(db);
	return rc;
}
