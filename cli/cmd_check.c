/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_check.c - baton check and baton config: validate and load a configuration. */
#include "cli.h"

#include <string.h>

static const char check_help[] =
	"usage: baton check --config FILE\n"
	"\n"
	"Validate a configuration (teams, people, journeys with owners and rules,\n"
	"touchpoints, identity rules) and report every problem with its line number.\n"
	"Exit status 0 when it is valid, 1 otherwise.  Reference: docs/config.md.\n";

static const char config_help[] =
	"usage: baton config load [--db PATH] FILE\n"
	"       baton config show [--db PATH]\n"
	"\n"
	"'load' validates FILE and stores it in the database: every later command and\n"
	"the server use its journeys, owners, touchpoints and identity rules.\n"
	"'show' prints the configuration the database holds.\n";

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

int cmd_config(int argc, char **argv)
{
	const char *dbpath = NULL, *action = argc > 1 && argv[1][0] != '-' ? argv[1] : NULL;
	struct bt_config *cfg = NULL;
	struct bt_err err = {0, ""};
	int first, rc = EXIT_OK;
	const struct cli_option opts[] = {CLI_OPT_STRING("db", 0, &dbpath), CLI_OPT_END};
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
		if (cli_config_file(argv[first], &cfg))
			rc = EXIT_FAIL;
		else if (bt_db_config_set(db, cfg, &err))
			rc = cli_fail(err.code, &err);
		else
			printf("loaded %s: %zu journeys, %zu touchpoints\n", argv[first],
			       cfg->njourneys, cfg->ntouchpoints);
	} else if (bt_db_config_get(db, &cfg, &err)) {
		rc = cli_fail(err.code, &err);
	} else if (cfg->source)
		fputs(cfg->source, stdout);
	else
		printf("# no configuration loaded\n");
	bt_config_free(cfg);
	bt_db_close(db);
	return rc;
}
