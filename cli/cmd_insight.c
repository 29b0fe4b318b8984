/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_insight.c - baton friction, baton channels and baton value: the
 * friction audit, experience consistency across entry channels and value
 * at stake (docs/insight.md).
 */
#include "cli.h"

#include "baton/insight.h"

#include <math.h>
#include <string.h>

static const char friction_help[] =
	"usage: baton friction JOURNEY [--db PATH] [--config FILE] [--as-of TIME]\n"
	"                      [--from TIME --to TIME] [--json]\n"
	"\n"
	"The journey's friction points over the instances opened in the period,\n"
	"ranked by the customers they affected (docs/insight.md): drop-off by\n"
	"stage, delay past a stage's SLA, recontacts, repeats, failed handoffs by\n"
	"pair and reason, broken promises by the team that had to keep them, and\n"
	"negative feedback (CSAT 2 or less, NPS 6 or less).  Each with the\n"
	"customers it affected, their share of the journey's customers, and how\n"
	"often it happened.\n"
	"\n"
	"  --db PATH       database file (default $BATON_DB or ./baton.db)\n"
	"  --config FILE   compute with this configuration instead of the stored one\n"
	"  --as-of TIME    judge at TIME (default: the latest event); RFC 3339 or a date\n"
	"  --from, --to    only instances opened in [from, to)\n"
	"  --json          JSON, as GET /v1/journeys/{id}/friction\n";

static const char channels_help[] =
	"usage: baton channels JOURNEY [--db PATH] [--config FILE] [--as-of TIME]\n"
	"                      [--from TIME --to TIME] [--json]\n"
	"\n"
	"Experience consistency (docs/insight.md): per entry channel (the channel\n"
	"of an instance's first contact) the instances, resolution rate, recontact\n"
	"rate and CSAT, and the spread (max - min) of each across the channels,\n"
	"FLAGGED when it reaches the configuration's threshold (consistency:\n"
	"max_spread_rate, default 10pp; max_spread_csat, default 0.5).\n"
	"\n"
	"  --db PATH       database file (default $BATON_DB or ./baton.db)\n"
	"  --config FILE   compute with this configuration instead of the stored one\n"
	"  --as-of TIME    judge at TIME (default: the latest event); RFC 3339 or a date\n"
	"  --from, --to    only instances opened in [from, to)\n"
	"  --json          JSON, as GET /v1/journeys/{id}/channels\n";

static const char value_help[] =
	"usage: baton value [--db PATH] [--config FILE] [--journey ID] [--as-of TIME]\n"
	"                   [--from TIME --to TIME] [--json]\n"
	"\n"
	"Value at stake (docs/insight.md): the churn and the revenue in the N days\n"
	"after each outcome (value: days, default 90), for successful versus failed\n"
	"journeys, kept versus broken promises and clean versus failed handoffs,\n"
	"with the difference (the bad side minus the good).  Revenue comes from the\n"
	"events' props field named by value: revenue, churn from the event types of\n"
	"value: churn.\n"
	"\n"
	"  --db PATH       database file (default $BATON_DB or ./baton.db)\n"
	"  --config FILE   compute with this configuration instead of the stored one\n"
	"  --journey ID    only this journey's outcomes\n"
	"  --as-of TIME    judge at TIME (default: the latest event); RFC 3339 or a date\n"
	"  --from, --to    only instances opened in [from, to)\n"
	"  --json          JSON, as GET /v1/value\n";

enum { FRICTION, CHANNELS, VALUE };

static void pct(double v, char out[16])
{
	if (isnan(v))
		snprintf(out, 16, "-");
	else
		snprintf(out, 16, "%.1f%%", v * 100);
}

static void print_friction(const struct bt_engine *e, const struct bt_kpi_query *q)
{
	struct bt_friction *v = NULL;
	size_t n = 0;
	uint64_t customers = 0;
	struct bt_err err = {0, ""};
	char t[32], share[16], where[256];
	if (bt_engine_friction(e, q, NULL, &v, &n, &customers, &err)) {
		cli_fail(err.code, &err);
		return;
	}
	bt_time_print(bt_engine_as_of(e), t);
	printf("friction of %s as of %s: %llu customers\n", q->journey, t, (unsigned long long)customers);
	if (!n)
		printf("  none\n");
	else
		printf("  %4s %9s %6s %6s  %-17s %s\n", "rank", "customers", "share", "times", "kind", "where");
	for (size_t i = 0; i < n; i++) {
		pct(v[i].share, share);
		bt_friction_where(&v[i], where, sizeof(where));
		printf("  %4zu %9llu %6s %6llu  %-17s %s\n", i + 1, (unsigned long long)v[i].customers,
		       share, (unsigned long long)v[i].occurrences, bt_friction_kinds[v[i].kind], where);
	}
	bt_free(v);
}

static void spread_line(const char *what, const struct bt_spread *s, int rate, int64_t thr)
{
	char th[32];
	bt_buf_micro_text(thr, th);
	if (isnan(s->spread)) {
		printf("  %-11s -\n", what);
		return;
	}
	if (rate)
		printf("  %-11s %.1f pp (%s - %s)%s%s%s\n", what, s->spread * 100, s->max, s->min,
		       s->flagged ? "  FLAGGED: at or above " : "", s->flagged ? th : "",
		       s->flagged ? " pp" : "");
	else
		printf("  %-11s %.2f (%s - %s)%s%s\n", what, s->spread, s->max, s->min,
		       s->flagged ? "  FLAGGED: at or above " : "", s->flagged ? th : "");
}

static void print_channels(const struct bt_engine *e, const struct bt_kpi_query *q)
{
	struct bt_consistency c;
	struct bt_err err = {0, ""};
	char t[32], a[16], b[16], cs[32];
	if (bt_engine_consistency(e, q, NULL, &c, &err)) {
		cli_fail(err.code, &err);
		return;
	}
	bt_time_print(bt_engine_as_of(e), t);
	printf("entry channels of %s as of %s: %llu instances (%llu with no entry channel)\n", q->journey,
	       t, (unsigned long long)c.instances, (unsigned long long)c.no_channel);
	printf("  %-8s %9s %10s %9s %10s\n", "channel", "instances", "resolution", "recontact", "csat (n)");
	for (size_t i = 0; i < c.nrows; i++) {
		const struct bt_channel_row *w = &c.rows[i];
		pct(w->resolution_rate, a);
		pct(w->recontact_rate, b);
		if (isnan(w->csat_avg))
			snprintf(cs, sizeof(cs), "-");
		else
			snprintf(cs, sizeof(cs), "%.2f (%llu)", w->csat_avg, (unsigned long long)w->csat_n);
		printf("  %-8s %9llu %10s %9s %10s\n", w->channel, (unsigned long long)w->instances, a, b, cs);
	}
	printf("spread across channels (max - min)\n");
	spread_line("resolution", &c.resolution, 1, c.max_spread_rate_upp);
	spread_line("recontact", &c.recontact, 1, c.max_spread_rate_upp);
	spread_line("csat", &c.csat, 0, c.max_spread_csat_u);
	bt_consistency_release(&c);
}

static void side_line(const char *pair, const struct bt_value_side *s)
{
	char r[16], rev[32], per[32];
	pct(s->churn_rate, r);
	bt_buf_micro_text(s->revenue_u, rev);
	if (isnan(s->revenue_per_customer))
		snprintf(per, sizeof(per), "-");
	else
		snprintf(per, sizeof(per), "%.2f", s->revenue_per_customer);
	printf("  %-9s %-10s %9llu %7llu %7s %12s %12s\n", pair, s->name,
	       (unsigned long long)s->customers, (unsigned long long)s->churned, r, rev, per);
}

static void print_value(const struct bt_engine *e, const struct bt_kpi_query *q)
{
	struct bt_value v;
	struct bt_err err = {0, ""};
	const struct bt_config *cfg = bt_engine_config(e);
	char t[32];
	if (bt_engine_value(e, q, NULL, &v, &err)) {
		cli_fail(err.code, &err);
		return;
	}
	bt_time_print(bt_engine_as_of(e), t);
	printf("value at stake%s%s as of %s: churn and revenue in the %lld days after each outcome\n",
	       q->journey ? " of " : "", q->journey ? q->journey : "", t, (long long)v.days);
	printf("  revenue: %s%s; churn: ", v.revenue ? "props." : "", v.revenue ? v.revenue : "none configured");
	for (size_t i = 0; cfg && i < cfg->value_churn.n; i++)
		printf("%s%s", i ? ", " : "", cfg->value_churn.v[i]);
	printf("%s\n", v.nchurn ? "" : "none configured");
	printf("  %-9s %-10s %9s %7s %7s %12s %12s\n", "", "", "customers", "churned", "rate", "revenue",
	       "per customer");
	for (int k = 0; k < 3; k++) {
		const struct bt_value_pair *p = &v.pairs[k];
		char d[32], dr[32];
		side_line(p->pair, &p->good);
		side_line("", &p->bad);
		if (isnan(p->churn_rate_diff))
			snprintf(d, sizeof(d), "-");
		else
			snprintf(d, sizeof(d), "%+.1f pp", p->churn_rate_diff * 100);
		if (isnan(p->revenue_per_customer_diff))
			snprintf(dr, sizeof(dr), "-");
		else
			snprintf(dr, sizeof(dr), "%+.2f", p->revenue_per_customer_diff);
		printf("  %-9s %-10s %9s %7s %7s %12s %12s\n", "", "difference", "", "", d, "", dr);
	}
}

static int run(int which, int argc, char **argv)
{
	static const char *const names[3] = {"friction", "channels", "value"};
	const char *help = which == FRICTION ? friction_help : which == CHANNELS ? channels_help : value_help;
	struct cli_read r = CLI_READ_INIT;
	int first, json = 0, rc;
	struct bt_db *db = NULL;
	struct bt_config *cfg = NULL;
	struct bt_engine *eng = NULL;
	struct bt_err err = {0, ""};
	const struct cli_option opts[] = {CLI_READ_OPTIONS(&r), CLI_OPT_BOOL("json", &json), CLI_OPT_END};
	if ((rc = cli_parse(names[which], help, opts, argc, argv, &first)) != CLI_GO)
		return rc;
	if (which != VALUE) {
		if (first < argc && !r.q.journey)
			r.q.journey = argv[first++];
		if (!r.q.journey)
			return cli_usage(names[which], "which journey? (baton %s JOURNEY)", names[which]);
	}
	if (first < argc)
		return cli_usage(names[which], "unexpected argument '%s'", argv[first]);
	if (cli_read_check(names[which], &r))
		return EXIT_FAIL;
	rc = EXIT_FAIL;
	if ((db = cli_open(cli_db_path(r.db), BT_OPEN_READONLY)) && cli_config(db, r.config, &cfg) == 0) {
		if (bt_engine_from_db(db, cfg, r.as_of, &eng, &err))
			cli_fail(err.code, &err);
	}
	if (eng && r.q.journey && !bt_engine_has_journey(eng, r.q.journey)) {
		cli_error("no journey '%s' in the configuration or the data", r.q.journey);
	} else if (eng && json) {
		struct bt_buf b = BT_BUF_INIT;
		int x = which == FRICTION ? bt_engine_friction_json(eng, &r.q, NULL, &b, &err)
			: which == CHANNELS ? bt_engine_consistency_json(eng, &r.q, NULL, &b, &err)
					    : bt_engine_value_json(eng, &r.q, NULL, &b, &err);
		if (x)
			cli_fail(err.code, &err);
		else {
			cli_print_buf(&b);
			rc = EXIT_OK;
		}
		bt_buf_release(&b);
	} else if (eng) {
		if (which == FRICTION)
			print_friction(eng, &r.q);
		else if (which == CHANNELS)
			print_channels(eng, &r.q);
		else
			print_value(eng, &r.q);
		rc = EXIT_OK;
	}
	bt_engine_free(eng);
	bt_config_free(cfg);
	bt_db_close(db);
	return rc;
}

int cmd_friction(int argc, char **argv) { return run(FRICTION, argc, argv); }
int cmd_channels(int argc, char **argv) { return run(CHANNELS, argc, argv); }
int cmd_value(int argc, char **argv) { return run(VALUE, argc, argv); }
