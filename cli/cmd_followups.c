/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_followups.c - baton followups: closed-loop feedback, and closing it. */
#include "cli.h"
#include "baton/util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char help[] =
	"usage: baton followups [--db PATH] [--as-of TIME] [--journey ID] [--state S]\n"
	"                       [--team TEAM] [--json]\n"
	"       baton followups close [--db PATH] [--who NAME] --note TEXT ID\n"
	"\n"
	"The follow-ups unhappy customers opened (docs/followups.md): feedback that\n"
	"matched a trigger of its journey (a low CSAT, a detractor's NPS, a high\n"
	"effort, a word of the list) opens one on its instance, due after the\n"
	"journey's followup_sla; reaching the customer back on that instance (an\n"
	"outbound event, or an inbound contact a team answered) closes it, and so\n"
	"does 'close', as POST /v1/followups/ID/close does.\n"
	"\n"
	"  --db PATH       database file (default $BATON_DB or ./baton.db)\n"
	"  --as-of TIME    judge at TIME (default: the latest event; closes by hand\n"
	"                  count up to now)\n"
	"  --journey ID    only this journey's\n"
	"  --state S       only those open (overdue ones too), overdue or closed\n"
	"  --team TEAM     only those this team held at the feedback\n"
	"  --note TEXT     close: what was done for the customer\n"
	"  --who NAME      close: who closes it, for the record (default $USER)\n"
	"  --json          JSON\n";

static int newest_first(const void *a, const void *b)
{
	const struct bt_followup *x = a, *y = b;
	if (x->opened != y->opened)
		return x->opened > y->opened ? -1 : 1;
	return strcmp(y->id, x->id);
}

static int state_opt(const char *cmd, const char *opt, const char *v, void *to)
{
	if (strcmp(v, "open") && strcmp(v, "overdue") && strcmp(v, "closed"))
		return cli_usage(cmd, "%s must be open, overdue or closed, not '%s'", opt, v);
	*(const char **)to = v;
	return 0;
}

/* close ID: only one that is open now. */
static int close_one(const char *dbpath, const char *who, const char *note, const char *id)
{
	struct bt_err err = {0, ""};
	struct bt_config *cfg = NULL;
	struct bt_engine *eng = NULL;
	struct bt_fu_close *c = NULL;
	struct bt_followup *v = NULL;
	size_t nc = 0, n = 0;
	int rc = EXIT_FAIL, found = 0;
	int64_t now = bt_time_now_ms();
	const char *u = who ? who : getenv("USER");
	if (!note || !*note || strlen(note) > 2000)
		return cli_usage("followups", "close needs --note TEXT (1 to 2000 bytes): what was done");
	struct bt_db *db = cli_open(cli_db_path(dbpath), 0);
	if (!db)
		return EXIT_FAIL;
	if (cli_config(db, NULL, &cfg) || bt_followup_closes(db, &c, &nc, &err) ||
	    bt_engine_from_db(db, cfg, now, &eng, &err) ||
	    bt_engine_followups(eng, c, nc, now, &v, &n, &err)) {
		if (err.code)
			cli_fail(err.code, &err);
		goto out;
	}
	for (size_t i = 0; i < n && !found; i++) {
		if (strcmp(v[i].id, id))
			continue;
		found = 1;
		if (v[i].closed != BT_TIME_NONE)
			cli_error("%s is closed already", id);
		else if (bt_followup_close(db, id, note, u && *u ? u : "cli", &err))
			cli_fail(err.code, &err);
		else {
			printf("%s closed\n", id);
			rc = EXIT_OK;
		}
	}
	if (!found)
		cli_error("no follow-up %s (see 'baton followups')", id);
out:
	bt_free(v);
	bt_fu_closes_free(c, nc);
	bt_engine_free(eng);
	bt_config_free(cfg);
	bt_db_close(db);
	return rc;
}

int cmd_followups(int argc, char **argv)
{
	const char *dbpath = NULL, *who = NULL, *note = NULL, *action = NULL;
	struct bt_fu_query q = {NULL, NULL, NULL, NULL, NULL, 100000, NULL, 0};
	int64_t as_of = BT_TIME_NONE;
	int first, json = 0, rc;
	const struct cli_option opts[] = {
		CLI_OPT_STRING("db", 0, &dbpath),	  CLI_OPT_TIME("as-of", &as_of),
		CLI_OPT_STRING("journey", 0, &q.journey), CLI_OPT_CALL("state", 0, state_opt, &q.state),
		CLI_OPT_STRING("team", 0, &q.team),	  CLI_OPT_STRING("note", 0, &note),
		CLI_OPT_STRING("who", 0, &who),		  CLI_OPT_BOOL("json", &json),
		CLI_OPT_END,
	};
	if (argc > 1 && argv[1][0] != '-') {
		action = argv[1];
		argc--, argv++;
	}
	if ((rc = cli_parse("followups", help, opts, argc, argv, &first)) != CLI_GO)
		return rc;
	if (action) {
		static const char *const actions[] = {"list", "close"};
		int which = cli_action("followups", action, actions, 2);
		if (which < 0)
			return EXIT_FAIL;
		if (which > 0) {
			if (argc - first != 1)
				return cli_usage("followups", "close needs one follow-up ID");
			return close_one(dbpath, who, note, argv[first]);
		}
	}
	if (first < argc)
		return cli_usage("followups", "unexpected argument '%s'", argv[first]);
	struct bt_err err = {0, ""};
	struct bt_config *cfg = NULL;
	struct bt_engine *eng = NULL;
	struct bt_fu_close *c = NULL;
	size_t nc = 0;
	struct bt_buf b = BT_BUF_INIT;
	rc = EXIT_FAIL;
	q.until = as_of != BT_TIME_NONE ? as_of : bt_time_now_ms();
	struct bt_db *db = cli_open(cli_db_path(dbpath), BT_OPEN_READONLY);
	if (!db || cli_config(db, NULL, &cfg))
		goto out;
	if (bt_followup_closes(db, &c, &nc, &err) || bt_engine_from_db(db, cfg, as_of, &eng, &err) ||
	    bt_engine_followups_json(eng, c, nc, &q, &b, &err)) {
		cli_fail(err.code, &err);
		goto out;
	}
	if (json) {
		cli_print_buf(&b);
	} else {
		struct bt_followup *v = NULL;
		size_t n = 0, shown = 0;
		char t[32], d[32];
		bt_time_print(bt_engine_as_of(eng), t);
		printf("as of %s\n", t);
		if (!bt_engine_followups(eng, c, nc, q.until, &v, &n, &err)) {
			if (n)
				qsort(v, n, sizeof(*v), newest_first);
			for (size_t i = 0; i < n; i++) {
				const struct bt_followup *f = &v[i];
				const char *st = bt_followup_state(eng, f);
				if ((q.journey && strcmp(q.journey, f->journey)) ||
				    (q.team && !(f->team && !strcmp(q.team, f->team))) ||
				    (q.state && strcmp(q.state, st) &&
				     !(!strcmp(q.state, "open") && !strcmp(st, "overdue"))))
					continue;
				bt_time_print(f->opened, t);
				bt_time_print(f->closed != BT_TIME_NONE ? f->closed : f->due, d);
				printf("%-10s %-14s I%-9u %-8s opened %s  %s %s%s  held by %s\n", f->id,
				       f->journey, f->opener, st, t,
				       f->closed != BT_TIME_NONE ? "closed" : "due", d,
				       f->closed == BT_TIME_NONE ? ""
				       : f->hand		 ? " by hand"
				       : f->closed < f->due	 ? " in time"
								 : " late",
				       f->team ? f->team : "-");
				shown++;
			}
		}
		if (!shown)
			printf("no follow-up\n");
		bt_free(v);
	}
	rc = EXIT_OK;
out:
	bt_buf_release(&b);
	bt_fu_closes_free(c, nc);
	bt_engine_free(eng);
	bt_config_free(cfg);
	bt_db_close(db);
	return rc;
}
