/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_changes.c - baton changes: what changed (rule changes and the change
 * calendar), registering a change, and its impact (docs/changes.md). */
#include "cli.h"

#include "baton/changes.h"

#include <stdlib.h>
#include <string.h>

static const char help[] =
	"usage: baton changes [--db PATH] [--as-of TIME] [--upcoming] [--team T] [--journey ID]\n"
	"                     [--kind K] [--from TIME] [--to TIME] [--limit N] [--json]\n"
	"       baton changes add [--db PATH] [--who NAME] --title TEXT --team T --kind K\n"
	"                     --date TIME --journeys ID[,ID...]\n"
	"       baton changes impact [--db PATH] [--as-of TIME] [--days N] [--json] ID\n"
	"\n"
	"What changed, newest first (docs/changes.md): the rule changes of the\n"
	"journeys' audit trail (kind 'rule') and the changes of the calendar\n"
	"(campaign, release, price, policy, system), a later date first, so the\n"
	"upcoming ones lead.  'add' registers a change of the calendar, as\n"
	"POST /v1/changes does.  'impact' compares the same length of time before\n"
	"and after a change's date: contacts per day, the extra contacts and the\n"
	"teams that absorbed them, the touched journeys' KPIs before and after.\n"
	"\n"
	"  --db PATH       database file (default $BATON_DB or ./baton.db)\n"
	"  --as-of TIME    judge at TIME (default: the latest event)\n"
	"  --upcoming      only the changes whose date is after the time judged at\n"
	"  --team T        only the changes touching a journey team T holds work on\n"
	"                  (its work in the 28 days up to the time judged at)\n"
	"  --journey ID    only those of (touching) journey ID\n"
	"  --kind K        rule, campaign, release, price, policy or system\n"
	"  --from, --to    only those dated in [from, to)\n"
	"  --limit N       at most N (default 100)\n"
	"  --title, --team, --kind, --date, --journeys   the change to add\n"
	"  --who NAME      who registers it (default $USER)\n"
	"  --days N        impact: days on each side of the date (default 14)\n"
	"  --json          JSON, as the API answers\n";

static int count_opt(const char *cmd, const char *opt, const char *v, void *to)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);
	if (*end || !*v || *v == '-' || n < 1 || n > 10000)
		return cli_usage(cmd, "%s must be a whole number from 1 to 10000, not '%s'", opt, v);
	*(size_t *)to = n;
	return 0;
}

struct opts {
	const char *db, *team, *journey, *kind, *title, *date, *journeys, *who;
	int64_t as_of, from, to;
	size_t limit, days;
	int upcoming, json;
};

static int add(struct opts *o)
{
	struct bt_err err = {0, ""};
	struct bt_config *cfg = NULL;
	struct bt_calchange c;
	struct bt_buf b = BT_BUF_INIT;
	int rc = EXIT_FAIL;
	const char *u = o->who ? o->who : getenv("USER");
	if (!o->title || !o->team || !o->kind || !o->date || !o->journeys)
		return cli_usage("changes", "add needs --title, --team, --kind, --date and --journeys");
	bt_buf_adds(&b, "{\"title\":");
	bt_buf_json_strz(&b, o->title);
	bt_buf_adds(&b, ",\"team\":");
	bt_buf_json_strz(&b, o->team);
	bt_buf_adds(&b, ",\"kind\":");
	bt_buf_json_strz(&b, o->kind);
	bt_buf_adds(&b, ",\"date\":");
	bt_buf_json_strz(&b, o->date);
	bt_buf_adds(&b, ",\"journeys\":[");
	for (const char *p = o->journeys; *p;) {
		size_t n = strcspn(p, ",");
		if (p != o->journeys)
			bt_buf_addc(&b, ',');
		bt_buf_json_str(&b, p, n);
		p += n + (p[n] == ',');
	}
	bt_buf_adds(&b, "]}");
	struct bt_db *db = cli_open(cli_db_path(o->db), 0);
	if (!db || cli_config(db, NULL, &cfg))
		goto out;
	if (bt_buf_status(&b) || bt_calchange_parse(cfg, b.data, b.len, &c, &err)) {
		cli_fail(err.code ? err.code : BT_ENOMEM, &err);
		goto out;
	}
	if (bt_calendar_add(db, &c, u && *u ? u : "cli", &err)) {
		cli_fail(err.code, &err);
	} else {
		char d[32];
		bt_time_print(c.date, d);
		printf("change %lld registered: %s (%s, %s) on %s\n", (long long)c.id, c.title, c.kind,
		       c.team, d);
		rc = EXIT_OK;
	}
	bt_calchange_release(&c);
out:
	bt_buf_release(&b);
	bt_config_free(cfg);
	bt_db_close(db);
	return rc;
}

static void print_impact(const struct bt_calchange *c, const struct bt_impact *im)
{
	char t[4][32];
	bt_time_print(im->date, t[0]), bt_time_print(im->from, t[1]);
	bt_time_print(im->to, t[2]), bt_time_print(im->as_of, t[3]);
	printf("change %lld: %s (%s, %s) on %s\n", (long long)c->id, c->title, c->kind, c->team, t[0]);
	if (im->to == im->date) {
		printf("its date has not come as of %s: no impact yet\n", t[3]);
		return;
	}
	printf("before [%s, %s) and after [%s, %s), as of %s\n", t[1], t[0], t[0], t[2], t[3]);
	printf("contacts of the touched journeys: before %llu, after %llu, extra %+lld\n",
	       (unsigned long long)im->touched[0], (unsigned long long)im->touched[1],
	       (long long)im->touched[1] - (long long)im->touched[0]);
	printf("all contacts:                     before %llu, after %llu, extra %+lld\n",
	       (unsigned long long)im->all[0], (unsigned long long)im->all[1],
	       (long long)im->all[1] - (long long)im->all[0]);
	printf("\n%6s  %-10s %8s %8s\n", "day", "from", "touched", "all");
	for (size_t d = 0; d < 2 * im->ndays; d++) {
		char s[32];
		bt_time_print(im->date + ((int64_t)d - (int64_t)im->ndays) * 86400000, s);
		s[10] = '\0';
		printf("%6lld  %-10s %8llu %8llu\n", (long long)d - (long long)im->ndays, s,
		       (unsigned long long)im->touched_daily[d], (unsigned long long)im->all_daily[d]);
	}
	printf("\nteams that took the touched journeys' contacts (most extra first):\n");
	for (size_t i = 0; i < im->nteams; i++)
		printf("  %-22s before %6llu  after %6llu  extra %+lld\n",
		       im->teams[i].team ? im->teams[i].team : "(no team)",
		       (unsigned long long)im->teams[i].before, (unsigned long long)im->teams[i].after,
		       (long long)im->teams[i].after - (long long)im->teams[i].before);
	if (!im->nteams)
		printf("  none\n");
	for (size_t j = 0; j < c->njourneys; j++) {
		const struct bt_journey_kpis *k[2] = {NULL, NULL};
		for (int s = 0; s < 2; s++)
			for (size_t i = 0; im->kpis[s] && i < im->kpis[s]->njourneys; i++)
				if (!strcmp(im->kpis[s]->journeys[i].journey, c->journeys[j]))
					k[s] = &im->kpis[s]->journeys[i];
		printf("\n%-28s %12s %12s\n", c->journeys[j], "before", "after");
		for (size_t i = 0; i < bt_kpi_njourney; i++) {
			const struct bt_kpi_def *d = &bt_kpi_journey[i];
			char v[2][32] = {"-", "-"};
			if (d->show != BT_SHOW_ROW)
				continue;
			for (int s = 0; s < 2; s++)
				if (k[s])
					bt_kpi_text(d, k[s], v[s]);
			printf("  %-26s %12s %12s\n", d->label, v[0], v[1]);
		}
	}
}

static int impact(struct opts *o, const char *id)
{
	struct bt_err err = {0, ""};
	struct bt_config *cfg = NULL;
	struct bt_engine *eng = NULL;
	struct bt_calchange c = {0};
	struct bt_impact im;
	char *end;
	int rc = EXIT_FAIL;
	long long n = strtoll(id, &end, 10);
	if (!*id || *end || n <= 0)
		return cli_usage("changes", "impact needs the id of a change, not '%s'", id);
	struct bt_db *db = cli_open(cli_db_path(o->db), BT_OPEN_READONLY);
	if (!db || cli_config(db, NULL, &cfg))
		goto out;
	if (bt_calendar_get(db, n, &c, &err) || bt_engine_from_db(db, cfg, o->as_of, &eng, &err) ||
	    bt_engine_impact(eng, &c, (int64_t)o->days, NULL, &im, &err)) {
		cli_fail(err.code, &err);
		goto out;
	}
	if (o->json) {
		struct bt_buf b = BT_BUF_INIT;
		bt_impact_json(&c, &im, &b);
		cli_print_buf(&b);
		bt_buf_release(&b);
	} else {
		print_impact(&c, &im);
	}
	bt_impact_release(&im);
	rc = EXIT_OK;
out:
	bt_calchange_release(&c);
	bt_engine_free(eng);
	bt_config_free(cfg);
	bt_db_close(db);
	return rc;
}

static void print_item(const struct bt_change_item *x)
{
	char t[32];
	bt_time_print(x->at, t);
	if (x->rule) {
		const struct bt_change *r = x->rule;
		printf("%s  %-8s  %s: %s %s -> %s, by %s (%s)\n", t, "rule", r->journey, r->field,
		       r->before ? r->before : "none", r->after ? r->after : "none", r->who, r->via);
		return;
	}
	const struct bt_calchange *c = x->cal;
	printf("%s  %-8s  #%lld %s (%s) on ", t, c->kind, (long long)c->id, c->title, c->team);
	for (size_t i = 0; i < c->njourneys; i++)
		printf("%s%s", i ? ", " : "", c->journeys[i]);
	printf("\n");
}

static int list(struct opts *o)
{
	struct bt_err err = {0, ""};
	struct bt_config *cfg = NULL;
	struct bt_engine *eng = NULL;
	struct bt_change_list l = {0};
	struct bt_changes_query q = {o->journey, o->team, o->kind, NULL, o->upcoming, o->as_of,
				     o->from, o->to, o->limit, NULL};
	int rc = EXIT_FAIL;
	struct bt_db *db = cli_open(cli_db_path(o->db), BT_OPEN_READONLY);
	if (!db || cli_config(db, NULL, &cfg))
		goto out;
	if ((o->upcoming || o->team || o->as_of == BT_TIME_NONE) &&
	    bt_engine_from_db(db, cfg, o->as_of, &eng, &err)) {
		cli_fail(err.code, &err);
		goto out;
	}
	if (eng)
		q.as_of = bt_engine_as_of(eng);
	if (bt_changes_run(db, cfg, eng, &q, &l, &err)) {
		cli_fail(err.code, &err);
		goto out;
	}
	if (o->json) {
		struct bt_buf b = BT_BUF_INIT;
		bt_change_list_json(&l, &b);
		cli_print_buf(&b);
		bt_buf_release(&b);
	} else {
		for (size_t i = 0; i < l.n; i++)
			print_item(&l.v[i]);
		if (!l.n)
			printf("no change\n");
		else if (l.n < l.total)
			printf("(the first %zu of %llu; --limit N for more)\n", l.n,
			       (unsigned long long)l.total);
	}
	rc = EXIT_OK;
out:
	bt_change_list_release(&l);
	bt_engine_free(eng);
	bt_config_free(cfg);
	bt_db_close(db);
	return rc;
}

int cmd_changes(int argc, char **argv)
{
	struct opts o = {NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
			 BT_TIME_NONE, BT_TIME_NONE, BT_TIME_NONE, 100, 14, 0, 0};
	const char *action = NULL;
	int first, rc;
	const struct cli_option opts[] = {
		CLI_OPT_STRING("db", 0, &o.db),
		CLI_OPT_TIME("as-of", &o.as_of),
		CLI_OPT_BOOL("upcoming", &o.upcoming),
		CLI_OPT_STRING("team", 0, &o.team),
		CLI_OPT_STRING("journey", 0, &o.journey),
		CLI_OPT_STRING("kind", 0, &o.kind),
		CLI_OPT_TIME("from", &o.from),
		CLI_OPT_TIME("to", &o.to),
		CLI_OPT_CALL("limit", 0, count_opt, &o.limit),
		CLI_OPT_STRING("title", 0, &o.title),
		CLI_OPT_STRING("date", 0, &o.date),
		CLI_OPT_STRING("journeys", 0, &o.journeys),
		CLI_OPT_STRING("who", 0, &o.who),
		CLI_OPT_CALL("days", 0, count_opt, &o.days),
		CLI_OPT_BOOL("json", &o.json),
		CLI_OPT_END,
	};
	if (argc > 1 && argv[1][0] != '-') {
		action = argv[1];
		argc--, argv++;
	}
	if ((rc = cli_parse("changes", help, opts, argc, argv, &first)) != CLI_GO)
		return rc;
	int which = 0;
	if (action) {
		static const char *const actions[] = {"list", "add", "impact"};
		if ((which = cli_action("changes", action, actions, 3)) < 0)
			return EXIT_FAIL;
	}
	if (which == 2) {
		if (argc - first != 1)
			return cli_usage("changes", "impact needs one change ID");
		if (o.days > 366)
			return cli_usage("changes", "--days must be a whole number from 1 to 366");
		return impact(&o, argv[first]);
	}
	if (first < argc)
		return cli_usage("changes", "unexpected argument '%s'", argv[first]);
	return which == 1 ? add(&o) : list(&o);
}
