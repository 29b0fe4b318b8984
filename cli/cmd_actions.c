/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_actions.c - baton actions: what was decided, who does it, by when. */
#include "cli.h"

#include "baton/actions.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char help[] =
	"usage: baton actions [--db PATH] [--as-of TIME] [--owner P] [--status S]\n"
	"                     [--journey ID] [--overdue] [--json]\n"
	"       baton actions add [--db PATH] [--who NAME] --title T --owner P --due TIME\n"
	"                     [--journey ID] [--kpi KEY] [--meeting M] [--status S]\n"
	"       baton actions set [--db PATH] ID [--title T] [--owner P] [--due TIME]\n"
	"                     [--status S] [--journey ID] [--kpi KEY] [--meeting M]\n"
	"\n"
	"Actions (docs/governance.md): what a steering meeting or an owner decided\n"
	"to do, who does it and by when, for which journey and KPI.  The list shows\n"
	"them soonest due first; an action is overdue when it is not done or\n"
	"dropped and its due time has come.  'add' creates one and 'set' changes\n"
	"one, as POST /v1/actions and PATCH /v1/actions/ID do; an empty value\n"
	"clears --journey, --kpi and --meeting.\n"
	"\n"
	"  --db PATH       database file (default $BATON_DB or ./baton.db)\n"
	"  --as-of TIME    judge overdue at TIME (default now)\n"
	"  --owner P       only those P owns; with add and set, who does it\n"
	"  --status S      open, in_progress, done or dropped\n"
	"  --journey ID    only this journey's; with add and set, the journey\n"
	"  --overdue       only the overdue ones\n"
	"  --title T       what is to be done (up to 200 bytes)\n"
	"  --due TIME      by when: RFC 3339, or a date (by the end of that day, UTC)\n"
	"  --kpi KEY       the journey KPI it is meant to move (docs/kpis.md)\n"
	"  --meeting M     the meeting that decided it\n"
	"  --who NAME      who creates it, for the record (default $USER)\n"
	"  --json          JSON\n";

struct opts {
	const char *dbpath, *who, *owner, *status, *journey, *title, *due, *kpi, *meeting;
	int64_t as_of;
	int json, overdue;
};

/* The fields given, as the JSON object the API takes. */
static int fields_json(const struct opts *o, struct bt_buf *b)
{
	const char *keys[] = {"title", "owner", "due", "status", "journey", "kpi", "meeting"};
	const char *vals[] = {o->title, o->owner, o->due, o->status, o->journey, o->kpi, o->meeting};
	int n = 0;
	bt_buf_addc(b, '{');
	for (int i = 0; i < 7; i++) {
		if (!vals[i])
			continue;
		bt_buf_printf(b, "%s\"%s\":", n++ ? "," : "", keys[i]);
		if (!*vals[i] && i >= 4)
			bt_buf_adds(b, "null");
		else
			bt_buf_json_strz(b, vals[i]);
	}
	bt_buf_addc(b, '}');
	return n;
}

static void print_one(const struct bt_action *a, int64_t now)
{
	char due[32];
	bt_time_print(a->due * 1000, due);
	printf("A%lld %s\n  owner %s, due %s%s, %s\n", (long long)a->id, a->title, a->owner, due,
	       bt_action_overdue(a, now) ? " (overdue)" : "", a->status);
	if (a->journey || a->kpi || a->meeting)
		printf("  %s%s%s%s%s%s\n", a->journey ? "journey " : "", a->journey ? a->journey : "",
		       a->kpi ? (a->journey ? ", KPI " : "KPI ") : "", a->kpi ? a->kpi : "",
		       a->meeting ? (a->journey || a->kpi ? ", from " : "from ") : "",
		       a->meeting ? a->meeting : "");
}

static int write_one(const struct opts *o, const char *id)
{
	struct bt_err err = {0, ""};
	struct bt_config *cfg = NULL;
	struct bt_action a = {0};
	struct bt_buf b = BT_BUF_INIT;
	int rc = EXIT_FAIL;
	long long n = 0;
	if (id) {
		char *end;
		n = strtoll(id[0] == 'A' ? id + 1 : id, &end, 10);
		if (*end || n <= 0)
			return cli_usage("actions", "'%s' is not an action id (A3, or 3)", id);
	}
	if (!fields_json(o, &b)) {
		bt_buf_release(&b);
		return cli_usage("actions", id ? "set needs a field to change (--status done, ...)"
						: "add needs --title, --owner and --due");
	}
	struct bt_db *db = cli_open(cli_db_path(o->dbpath), 0);
	if (!db || cli_config(db, NULL, &cfg))
		goto out;
	if (id && bt_action_get(db, n, &a, &err)) {
		cli_fail(err.code, &err);
		goto out;
	}
	const char *u = o->who ? o->who : getenv("USER");
	if (bt_action_read(cfg, b.data, b.len, !id, &a, NULL, &err) ||
	    (id ? bt_action_update(db, &a, &err) : bt_action_add(db, &a, u && *u ? u : "cli", &err))) {
		cli_fail(err.code, &err);
		goto out;
	}
	print_one(&a, (int64_t)time(NULL));
	rc = EXIT_OK;
out:
	bt_action_clear(&a);
	bt_buf_release(&b);
	bt_config_free(cfg);
	bt_db_close(db);
	return rc;
}

static int by_due(const void *x, const void *y)
{
	const struct bt_action *a = x, *b = y;
	if (a->due != b->due)
		return a->due < b->due ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static int list(const struct opts *o)
{
	struct bt_err err = {0, ""};
	struct bt_config *cfg = NULL;
	struct bt_action *v = NULL;
	size_t n = 0, shown = 0;
	int rc = EXIT_FAIL;
	int64_t now = o->as_of != BT_TIME_NONE ? o->as_of / 1000 : (int64_t)time(NULL);
	struct bt_db *db = cli_open(cli_db_path(o->dbpath), BT_OPEN_READONLY);
	if (!db || cli_config(db, NULL, &cfg))
		goto out;
	if (o->owner && !bt_config_person(cfg, o->owner)) {
		cli_error("no person '%s' in the configuration", o->owner);
		goto out;
	}
	if (o->journey && !bt_config_journey(cfg, o->journey)) {
		cli_error("no journey '%s' in the configuration", o->journey);
		goto out;
	}
	if (bt_actions_list(db, &v, &n, &err)) {
		cli_fail(err.code, &err);
		goto out;
	}
	if (n) /* (UBSan: no qsort of an empty list) */
		qsort(v, n, sizeof(*v), by_due);
	struct bt_buf b = BT_BUF_INIT;
	bt_buf_adds(&b, "{\"actions\":[");
	for (size_t i = 0; i < n; i++) {
		const struct bt_action *a = &v[i];
		if ((o->owner && strcmp(a->owner, o->owner)) || (o->status && strcmp(a->status, o->status)) ||
		    (o->journey && (!a->journey || strcmp(a->journey, o->journey))) ||
		    (o->overdue && !bt_action_overdue(a, now)))
			continue;
		if (o->json) {
			if (shown)
				bt_buf_addc(&b, ',');
			bt_action_json(a, now, &b);
		} else {
			print_one(a, now);
		}
		shown++;
	}
	bt_buf_printf(&b, "],\"total\":%zu}", shown);
	if (o->json)
		cli_print_buf(&b);
	else if (!shown)
		printf("no actions%s\n", o->owner || o->status || o->journey || o->overdue ? " match" : "");
	bt_buf_release(&b);
	rc = EXIT_OK;
out:
	bt_actions_free(v, n);
	bt_config_free(cfg);
	bt_db_close(db);
	return rc;
}

static int status_opt(const char *cmd, const char *opt, const char *v, void *to)
{
	if (strcmp(v, "open") && strcmp(v, "in_progress") && strcmp(v, "done") && strcmp(v, "dropped"))
		return cli_usage(cmd, "%s must be open, in_progress, done or dropped, not '%s'", opt, v);
	*(const char **)to = v;
	return 0;
}

int cmd_actions(int argc, char **argv)
{
	struct opts o = {0};
	const char *action = NULL;
	int first, rc;
	o.as_of = BT_TIME_NONE;
	const struct cli_option opts[] = {
		CLI_OPT_STRING("db", 0, &o.dbpath),     CLI_OPT_TIME("as-of", &o.as_of),
		CLI_OPT_STRING("owner", 0, &o.owner),   CLI_OPT_CALL("status", 0, status_opt, &o.status),
		CLI_OPT_STRING("journey", 0, &o.journey), CLI_OPT_BOOL("overdue", &o.overdue),
		CLI_OPT_STRING("title", 0, &o.title),   CLI_OPT_STRING("due", 0, &o.due),
		CLI_OPT_STRING("kpi", 0, &o.kpi),       CLI_OPT_STRING("meeting", 0, &o.meeting),
		CLI_OPT_STRING("who", 0, &o.who),       CLI_OPT_BOOL("json", &o.json),
		CLI_OPT_END,
	};
	if (argc > 1 && argv[1][0] != '-') {
		action = argv[1];
		argc--, argv++;
	}
	if ((rc = cli_parse("actions", help, opts, argc, argv, &first)) != CLI_GO)
		return rc;
	int which = 0;
	if (action) {
		static const char *const actions[] = {"list", "add", "set"};
		if ((which = cli_action("actions", action, actions, 3)) < 0)
			return EXIT_FAIL;
	}
	if (which == 0) {
		if (first < argc)
			return cli_usage("actions", "unexpected argument '%s'", argv[first]);
		if (o.title || o.due || o.kpi || o.meeting || o.who)
			return cli_usage("actions", "--title, --due, --kpi, --meeting and --who are for "
						    "'add' and 'set'");
		return list(&o);
	}
	if (o.overdue || o.json || o.as_of != BT_TIME_NONE)
		return cli_usage("actions", "--overdue, --as-of and --json are for the list");
	if (which == 1) {
		if (first < argc)
			return cli_usage("actions", "unexpected argument '%s'", argv[first]);
		return write_one(&o, NULL);
	}
	if (argc - first != 1)
		return cli_usage("actions", "set needs one action ID");
	return write_one(&o, argv[first]);
}
