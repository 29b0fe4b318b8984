/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_initiatives.c - baton initiatives: changes made to journeys, each
 * with its measured verdict (docs/initiatives.md). */
#include "cli.h"

#include "baton/initiative.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
	"usage: baton initiatives [--db PATH] [--as-of TIME] [--journey ID] [--json]\n"
	"       baton initiatives show [--db PATH] [--as-of TIME] [--json] ID\n"
	"       baton initiatives add [--db PATH] --name NAME --journey ID --kpi KPI\n"
	"                             --start TIME [--cohort FIELD=VALUE] [--min-sample N]\n"
	"                             [--min-effect X] [--who NAME] [--json]\n"
	"\n"
	"Initiatives (docs/initiatives.md): a change made to a journey from a start\n"
	"time, judged by one KPI on the instances opened since the start against\n"
	"those opened in the same length of time before it (or, with a cohort, the\n"
	"cohort's instances since the start against the rest of them), with a 95%\n"
	"interval for the difference and a verdict: continue, stop or unknown.\n"
	"\n"
	"  --db PATH          database file (default $BATON_DB or ./baton.db)\n"
	"  --as-of TIME       judge at TIME (default: the latest event)\n"
	"  --journey ID       list: only this journey's; add: the journey it changes\n"
	"  --name NAME        what it is called\n"
	"  --kpi KPI          resolution, completion, recontact, fcr, handoff_success,\n"
	"                     repeat (rates), csat, contacts, ttr (means)\n"
	"  --start TIME       when it started (RFC 3339, or a date)\n"
	"  --cohort F=V       only the instances whose first event has F = V (F:\n"
	"                     source, channel, team, props.NAME), against the rest\n"
	"  --min-sample N     units each side needs before a verdict (default 100)\n"
	"  --min-effect X     the smallest improvement worth having (default 0.01 for\n"
	"                     a rate, 1%% of the mean before for a mean)\n"
	"  --who NAME         who adds it, for the record (default $USER)\n"
	"  --json             JSON\n";

/* "FIELD=VALUE" */
struct cohort {
	char *field, *value;
	char buf[256];
};

static int cohort_opt(const char *cmd, const char *opt, const char *v, void *to)
{
	struct cohort *c = to;
	const char *eq = strchr(v, '=');
	if (!eq || eq == v || !eq[1] || strlen(v) >= sizeof(c->buf))
		return cli_usage(cmd, "%s is FIELD=VALUE (source=web, channel=voice, team=billing, "
				 "props.plan=gold), not '%s'", opt, v);
	snprintf(c->buf, sizeof(c->buf), "%s", v);
	c->buf[eq - v] = 0;
	c->field = c->buf, c->value = c->buf + (eq - v) + 1;
	return 0;
}


static int count_opt(const char *cmd, const char *opt, const char *v, void *to)
{
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (!*v || *end || errno || n < 2 || n > 100000000)
		return cli_usage(cmd, "%s must be a whole number from 2 to 100000000, not '%s'", opt, v);
	*(int64_t *)to = n;
	return 0;
}

static int effect_opt(const char *cmd, const char *opt, const char *v, void *to)
{
	char *end;
	errno = 0;
	double x = strtod(v, &end);
	if (!*v || *end || errno || !(x >= 0) || !isfinite(x))
		return cli_usage(cmd, "%s must be a number, 0 or more, not '%s'", opt, v);
	*(double *)to = x;
	return 0;
}

static void print_side(const char *label, const struct bt_initiative_side *s, int rate)
{
	char f[32], t[32], v[32];
	bt_time_print(s->from, f), bt_time_print(s->to, t);
	if (isnan(s->value))
		snprintf(v, sizeof(v), "-");
	else if (rate)
		snprintf(v, sizeof(v), "%.1f%%", 100.0 * s->value);
	else
		snprintf(v, sizeof(v), "%.4g", s->value);
	printf("  %-7s %-9s n %-7llu (%llu instances opened %s to %s)\n", label, v,
	       (unsigned long long)s->n, (unsigned long long)s->instances, f, t);
}

static void print_one(const struct bt_verdict *v)
{
	const struct bt_initiative *in = v->in;
	char t[32];
	bt_time_print(in->start, t);
	printf("initiative %lld: %s\n", (long long)in->id, in->name);
	printf("  journey %s, judged by %s (%s is better), started %s\n", in->journey, in->kpi,
	       v->lower_better ? "lower" : "higher", t);
	if (in->cohort_field)
		printf("  cohort: instances whose first event has %s = %s, against the rest\n",
		       in->cohort_field, in->cohort_value);
	print_side("before", &v->before, v->rate);
	print_side("after", &v->after, v->rate);
	if (!isnan(v->effect) && isnan(v->ci_low))
		printf("  effect  %+.4g%s, no interval until each side has %lld\n",
		       (v->rate ? 100.0 : 1.0) * v->effect, v->rate ? " points" : "", (long long)in->min_sample);
	else if (!isnan(v->effect)) {
		double k = v->rate ? 100.0 : 1.0;
		printf("  effect  %+.4g%s, 95%% interval %+.4g to %+.4g (%s)\n", k * v->effect,
		       v->rate ? " points" : "", k * v->ci_low, k * v->ci_high,
		       v->rate ? "Newcombe" : "Welch");
	}
	printf("  verdict %s: %s\n", v->verdict, v->why);
}

static int add(const char *dbpath, struct bt_initiative *in, const char *who, int json)
{
	struct bt_err err = {0, ""};
	struct bt_config *cfg = NULL;
	const char *u = who ? who : getenv("USER");
	int rc = EXIT_FAIL;
	struct bt_db *db = cli_open(cli_db_path(dbpath), 0);
	if (!db)
		return EXIT_FAIL;
	if (cli_config(db, NULL, &cfg))
		goto out;
	in->created_by = bt_strdup(u && *u ? u : "cli");
	if (!in->created_by || bt_initiative_check(in, cfg, &err) || bt_initiative_add(db, in, &err)) {
		cli_fail(err.code ? err.code : BT_ENOMEM, &err);
		goto out;
	}
	if (json)
		printf("{\"id\":%lld}\n", (long long)in->id);
	else
		printf("initiative %lld added: %s (journey %s, KPI %s)\n", (long long)in->id, in->name,
		       in->journey, in->kpi);
	rc = EXIT_OK;
out:
	bt_config_free(cfg);
	bt_db_close(db);
	return rc;
}

int cmd_initiatives(int argc, char **argv)
{
	const char *dbpath = NULL, *who = NULL, *action = NULL, *journey = NULL, *name = NULL,
		   *kpi = NULL;
	struct cohort cohort = {NULL, NULL, ""};
	int64_t as_of = BT_TIME_NONE, start = BT_TIME_NONE, min_sample = 100;
	double min_effect = NAN;
	int first, json = 0, rc, which = 0;
	const struct cli_option opts[] = {
		CLI_OPT_STRING("db", 0, &dbpath),
		CLI_OPT_TIME("as-of", &as_of),
		CLI_OPT_STRING("journey", 0, &journey),
		CLI_OPT_STRING("name", 0, &name),
		CLI_OPT_STRING("kpi", 0, &kpi),
		CLI_OPT_TIME("start", &start),
		CLI_OPT_CALL("cohort", 0, cohort_opt, &cohort),
		CLI_OPT_CALL("min-sample", 0, count_opt, &min_sample),
		CLI_OPT_CALL("min-effect", 0, effect_opt, &min_effect),
		CLI_OPT_STRING("who", 0, &who),
		CLI_OPT_BOOL("json", &json),
		CLI_OPT_END,
	};
	if (argc > 1 && argv[1][0] != '-') {
		action = argv[1];
		argc--, argv++;
	}
	if ((rc = cli_parse("initiatives", help, opts, argc, argv, &first)) != CLI_GO)
		return rc;
	if (action) {
		static const char *const actions[] = {"list", "show", "add"};
		if ((which = cli_action("initiatives", action, actions, 3)) < 0)
			return EXIT_FAIL;
	}
	if (which == 2) {
		if (first < argc)
			return cli_usage("initiatives", "unexpected argument '%s'", argv[first]);
		if (!name || !journey || !kpi || start == BT_TIME_NONE)
			return cli_usage("initiatives", "add needs --name, --journey, --kpi and --start");
		struct bt_initiative in = {0, (char *)name, (char *)journey, NULL, start, cohort.field,
					   cohort.value, min_sample, min_effect, NULL, 0};
		/* the KPI may be rewritten (an API key for its name): a copy */
		if (!(in.kpi = bt_strdup(kpi)))
			return cli_fail(BT_ENOMEM, NULL);
		rc = add(dbpath, &in, who, json);
		bt_free(in.kpi), bt_free(in.created_by);
		return rc;
	}
	int64_t id = 0;
	if (which == 1) {
		char *end;
		if (argc - first != 1)
			return cli_usage("initiatives", "show needs one initiative ID");
		errno = 0;
		id = strtoll(argv[first], &end, 10);
		if (!*argv[first] || *end || errno || id <= 0)
			return cli_usage("initiatives", "an initiative ID is a number, not '%s'", argv[first]);
	} else if (first < argc)
		return cli_usage("initiatives", "unexpected argument '%s'", argv[first]);

	struct bt_err err = {0, ""};
	struct bt_config *cfg = NULL;
	struct bt_engine *eng = NULL;
	struct bt_initiative *v = NULL;
	struct bt_verdict *r = NULL;
	size_t n = 0, nr = 0;
	struct bt_buf b = BT_BUF_INIT;
	rc = EXIT_FAIL;
	struct bt_db *db = cli_open(cli_db_path(dbpath), BT_OPEN_READONLY);
	if (!db || cli_config(db, NULL, &cfg))
		goto out;
	if (bt_initiatives_list(db, &v, &n, &err) || bt_engine_from_db(db, cfg, as_of, &eng, &err) ||
	    bt_engine_initiatives(eng, db, v, n, NULL, journey, &r, &nr, &err)) {
		cli_fail(err.code, &err);
		goto out;
	}
	if (which == 1) {
		size_t i = 0;
		while (i < nr && r[i].in->id != id)
			i++;
		if (i == nr) {
			cli_error("no initiative %lld (see 'baton initiatives')", (long long)id);
			goto out;
		}
		if (json) {
			bt_verdict_json(&r[i], &b);
			cli_print_buf(&b);
		} else
			print_one(&r[i]);
	} else if (json) {
		bt_verdicts_json(r, nr, bt_engine_as_of(eng), &b);
		cli_print_buf(&b);
	} else {
		char t[32];
		bt_time_print(bt_engine_as_of(eng), t);
		printf("as of %s\n", t);
		for (size_t i = 0; i < nr; i++) {
			printf("%s", i ? "\n" : "");
			print_one(&r[i]);
		}
		if (!nr)
			printf("no initiative (add one: baton initiatives add --help)\n");
	}
	rc = EXIT_OK;
out:
	bt_buf_release(&b);
	bt_free(r);
	bt_initiatives_free(v, n);
	bt_engine_free(eng);
	bt_config_free(cfg);
	bt_db_close(db);
	return rc;
}
