/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_token.c - baton token: API tokens with roles. */
#include "cli.h"

#include "baton/token.h"

#include <stdlib.h>
#include <string.h>

static const char help[] =
	"usage: baton token create [--db PATH] --role ROLE [--team T] [--person P] [--name N]\n"
	"       baton token list [--db PATH] [--json]\n"
	"       baton token revoke [--db PATH] ID\n"
	"\n"
	"API tokens for 'baton serve'.  Roles: admin (everything), owner (a person's\n"
	"journeys; needs --person), analyst (read everything, personal identifiers\n"
	"masked), team (one team's data; needs --team), agent (customer context and\n"
	"the pre-send guard), ingest (write events only).  'create' prints the token\n"
	"alone on its last line; it is stored only as a hash and cannot be shown again.\n";

int cmd_token(int argc, char **argv)
{
	const char *dbpath = NULL, *role = NULL, *team = NULL, *person = NULL, *name = NULL;
	const char *action = argc > 1 && argv[1][0] != '-' ? argv[1] : NULL;
	struct bt_err err = {0, ""};
	int first, json = 0, rc;
	const struct cli_option opts[] = {
		CLI_OPT_STRING("db", 0, &dbpath),
		CLI_OPT_STRING("role", 0, &role),
		CLI_OPT_STRING("team", 0, &team),
		CLI_OPT_STRING("person", 0, &person),
		CLI_OPT_STRING("name", 0, &name),
		CLI_OPT_BOOL("json", &json),
		CLI_OPT_END,
	};
	if (action)
		argc--, argv++;
	if ((rc = cli_parse("token", help, opts, argc, argv, &first)) != CLI_GO)
		return rc;
	rc = EXIT_OK;
	static const char *const actions[] = {"create", "list", "revoke"};
	if (!action)
		return cli_usage("token", "say create, list or revoke");
	int which = cli_action("token", action, actions, 3);
	if (which < 0)
		return EXIT_FAIL;
	if (which == 0) {
		int r = role ? bt_role_parse(role) : -1;
		if (!role)
			return cli_usage("token", "name the token's --role: admin, owner, analyst, team, "
					 "agent or ingest");
		if (r < 0) {
			char hint[CLI_HINT_LEN];
			cli_did_you_mean(hint, role, strlen(role), "", bt_role_names, BT_ROLE__COUNT);
			return cli_usage("token", "--role '%s' is not a role%s; roles: admin, owner, "
					 "analyst, team, agent, ingest", role, hint);
		}
		struct bt_db *db = cli_open(cli_db_path(dbpath), 0);
		char tok[BT_TOKEN_LEN + 1];
		int64_t id;
		if (!db)
			return EXIT_FAIL;
		if (bt_token_create(db, r, team, person, name, tok, &id, &err))
			rc = cli_fail(err.code, &err);
		else
			printf("token %lld (%s%s%s) created; it is shown only now:\n%s\n", (long long)id, role,
			       team ? ", team " : "", team ? team : "", tok);
		bt_db_close(db);
		return rc;
	}
	if (which == 2) {
		char *end;
		long long id = first == argc - 1 ? strtoll(argv[first], &end, 10) : 0;
		if (first != argc - 1 || *end || id <= 0)
			return cli_usage("token", "revoke needs one token ID (see 'baton token list')");
		struct bt_db *db = cli_open(cli_db_path(dbpath), 0);
		if (!db)
			return EXIT_FAIL;
		if (bt_token_revoke(db, id, &err))
			rc = cli_fail(err.code, &err);
		else
			printf("token %lld revoked\n", id);
		bt_db_close(db);
		return rc;
	}
	struct bt_db *db = cli_open(cli_db_path(dbpath), BT_OPEN_READONLY);
	struct bt_token *v = NULL;
	size_t n = 0;
	if (!db)
		return EXIT_FAIL;
	if (bt_token_list(db, &v, &n, &err)) {
		rc = cli_fail(err.code, &err);
	} else if (json) {
		struct bt_buf b = BT_BUF_INIT;
		bt_buf_addc(&b, '[');
		for (size_t i = 0; i < n; i++) {
			if (i)
				bt_buf_addc(&b, ',');
			bt_token_json(&v[i], &b);
		}
		bt_buf_addc(&b, ']');
		cli_print_buf(&b);
		bt_buf_release(&b);
	} else {
		for (size_t i = 0; i < n; i++)
			printf("%-4lld %-8s %-16s %-16s %s%s\n", (long long)v[i].id, bt_role_names[v[i].role],
			       v[i].team ? v[i].team : "-", v[i].person ? v[i].person : "-",
			       v[i].name ? v[i].name : "", v[i].revoked ? "  (revoked)" : "");
		if (!n)
			printf("no tokens\n");
	}
	bt_tokens_free(v, n);
	bt_db_close(db);
	return rc;
}
