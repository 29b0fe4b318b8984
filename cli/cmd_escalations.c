/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_escalations.c - baton escalations: what is escalated, and acting on it. */
#include "cli.h"
#include "baton/util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char help[] =
	"usage: baton escalations [--db PATH] [--as-of TIME] [--journey ID] [--state S] [--json]\n"
	"       baton escalations ack|resolve [--db PATH] [--who NAME] ID\n"
	"\n"
	"The escalations the journeys' rules raise (docs/escalations.md): each\n"
	"instance and condition once (a broken promise, a promise coming due, a\n"
	"stage past its SLA, a late or failed handoff, a collision, unowned work),\n"
	"opened when the condition has held for the rule's 'after', with whom it is\n"
	"now, and whether it is open, acknowledged or resolved (the condition\n"
	"cleared, or by hand).  'ack' and 'resolve' record that a person did so, as\n"
	"POST /v1/escalations/ID/ack and /resolve do.\n"
	"\n"
	"  --db PATH       database file (default $BATON_DB or ./baton.db)\n"
	"  --as-of TIME    judge at TIME (default: the latest event; what people did\n"
	"                  counts up to now)\n"
	"  --journey ID    only this journey's\n"
	"  --state S       only those open, acknowledged or resolved\n"
	"  --who NAME      who acts, for the record (default $USER)\n"
	"  --json          JSON\n";

/* newest opened first, as the API's pages */
static int newest_first(const void *a, const void *b)
{
	const struct bt_escalation *x = a, *y = b;
	if (x->opened != y->opened)
		return x->opened > y->opened ? -1 : 1;
	if (x->on != y->on)
		return x->on > y->on ? -1 : 1;
	return x->opener > y->opener ? -1 : x->opener < y->opener;
}

static int state_opt(const char *cmd, const char *opt, const char *v, void *to)
{
	if (strcmp(v, "open") && strcmp(v, "acknowledged") && strcmp(v, "resolved"))
		return cli_usage(cmd, "%s must be open, acknowledged or resolved, not '%s'", opt, v);
	*(const char **)to = v;
	return 0;
}

/* ack or resolve ID: only one that is raised now, and not done already. */
static int act(const char *dbpath, const char *who, int resolve, const char *id)
{
	struct bt_err err = {0, ""};
	struct bt_config *cfg = NULL;
	struct bt_engine *eng = NULL;
	struct bt_esc_action *acts = NULL;
	struct bt_escalation *v = NULL;
	size_t nacts = 0, n = 0;
	int rc = EXIT_FAIL, found = 0;
	int64_t now = bt_time_now_ms();
	const char *u = who ? who : getenv("USER");
	struct bt_db *db = cli_open(cli_db_path(dbpath), 0);
	if (!db)
		return EXIT_FAIL;
	if (cli_config(db, NULL, &cfg) || bt_escalation_acts(db, &acts, &nacts, &err) ||
	    bt_engine_from_db(db, cfg, now, &eng, &err) ||
	    bt_engine_escalations(eng, acts, nacts, now, &v, &n, &err)) {
		if (err.code)
			cli_fail(err.code, &err);
		goto out;
	}
	for (size_t i = 0; i < n && !found; i++) {
		if (strcmp(v[i].id, id))
			continue;
		found = 1;
		if (v[i].resolved != BT_TIME_NONE)
			cli_error("%s is resolved already", id);
		else if (!resolve && v[i].acknowledged != BT_TIME_NONE)
			cli_error("%s is acknowledged already", id);
		else if (bt_escalation_act(db, id, resolve, u && *u ? u : "cli", &err))
			cli_fail(err.code, &err);
		else {
			printf("%s %s\n", id, resolve ? "resolved" : "acknowledged");
			rc = EXIT_OK;
		}
	}
	if (!found)
		cli_error("no escalation %s is raised now (see 'baton escalations')", id);
out:
	bt_free(v);
	bt_esc_actions_free(acts, nacts);
	bt_engine_free(eng);
	bt_config_free(cfg);
	bt_db_close(db);
	return rc;
}

int cmd_escalations(int argc, char **argv)
{
	const char *dbpath = NULL, *who = NULL, *action = NULL;
	struct bt_esc_query q = {NULL, NULL, NULL, 100000, NULL, 0};
	int64_t as_of = BT_TIME_NONE;
	int first, json = 0, rc;
	const struct cli_option opts[] = {
		CLI_OPT_STRING("db", 0, &dbpath),      CLI_OPT_TIME("as-of", &as_of),
		CLI_OPT_STRING("journey", 0, &q.journey), CLI_OPT_CALL("state", 0, state_opt, &q.state),
		CLI_OPT_STRING("who", 0, &who),        CLI_OPT_BOOL("json", &json),
		CLI_OPT_END,
	};
	if (argc > 1 && argv[1][0] != '-') {
		action = argv[1];
		argc--, argv++;
	}
	if ((rc = cli_parse("escalations", help, opts, argc, argv, &first)) != CLI_GO)
		return rc;
	if (action) {
		static const char *const actions[] = {"list", "ack", "resolve"};
		int which = cli_action("escalations", action, actions, 3);
		if (which < 0)
			return EXIT_FAIL;
		if (which > 0) {
			if (argc - first != 1)
				return cli_usage("escalations", "%s needs one escalation ID", action);
			return act(dbpath, who, which == 2, argv[first]);
		}
	}
	if (first < argc)
		return cli_usage("escalations", "unexpected argument '%s'", argv[first]);
	struct bt_err err = {0, ""};
	struct bt_config *cfg = NULL;
	struct bt_engine *eng = NULL;
	struct bt_esc_action *acts = NULL;
	size_t nacts = 0;
	struct bt_buf b = BT_BUF_INIT;
	rc = EXIT_FAIL;
	q.until = as_of != BT_TIME_NONE ? as_of : bt_time_now_ms();
	struct bt_db *db = cli_open(cli_db_path(dbpath), BT_OPEN_READONLY);
	if (!db || cli_config(db, NULL, &cfg))
		goto out;
	if (bt_escalation_acts(db, &acts, &nacts, &err) ||
	    bt_engine_from_db(db, cfg, as_of, &eng, &err) ||
	    bt_engine_escalations_json(eng, acts, nacts, &q, &b, &err)) {
		cli_fail(err.code, &err);
		goto out;
	}
	if (json) {
		cli_print_buf(&b);
	} else {
		struct bt_escalation *v = NULL;
		size_t n = 0, shown = 0;
		char t[32];
		bt_time_print(bt_engine_as_of(eng), t);
		printf("as of %s\n", t);
		if (!bt_engine_escalations(eng, acts, nacts, q.until, &v, &n, &err)) {
			if (n)
				qsort(v, n, sizeof(*v), newest_first);
			for (size_t i = 0; i < n; i++) {
				const struct bt_escalation *x = &v[i];
				const char *st = bt_escalation_state(x);
				if ((q.journey && strcmp(q.journey, x->journey)) || (q.state && strcmp(q.state, st)))
					continue;
				bt_time_print(x->opened, t);
				printf("%-34s %-14s %-12s opened %s  with %s%s\n", x->id, x->journey, st, t,
				       x->to, x->moved != BT_TIME_NONE ? " (moved up)" : "");
				shown++;
			}
		}
		if (!shown)
			printf("no escalation\n");
		bt_free(v);
	}
	rc = EXIT_OK;
out:
	bt_buf_release(&b);
	bt_esc_actions_free(acts, nacts);
	bt_engine_free(eng);
	bt_config_free(cfg);
	bt_db_close(db);
	return rc;
}
