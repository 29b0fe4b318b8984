/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_kpis.c - baton kpis: the journey KPIs of docs/kpis.md. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <string.h>

static const char help[] =
	"usage: baton kpis [--db PATH] [--config FILE] [--journey ID] [--as-of TIME]\n"
	"                  [--from TIME --to TIME] [--json]\n"
	"       baton kpis --input FILE|- [--config FILE] [...]\n"
	"\n"
	"Measure every journey end to end, as of a time: instances by state,\n"
	"completion, resolution, recontact, first-contact resolution, handoffs and\n"
	"their success, repeats, effort, time to resolve, feedback, promises,\n"
	"collisions, unowned work; and per team and source the local success next to\n"
	"the true success and the cost shifted to other teams (docs/kpis.md).\n"
	"\n"
	"  --db PATH       database file (default $BATON_DB or ./baton.db)\n"
	"  --input FILE    run on an NDJSON or JSON file in memory instead (- for stdin);\n"
	"                  nothing is stored\n"
	"  --config FILE   compute with this configuration (journeys, owners,\n"
	"                  touchpoints) instead of the stored one; nothing is stored\n"
	"                  ('baton config load FILE' stores one)\n"
	"  --journey ID    only this journey\n"
	"  --as-of TIME    judge at TIME (default: the latest event); RFC 3339 or a date\n"
	"  --from, --to    only instances opened in [from, to)\n"
	"  --json          JSON (docs/cli.md)\n";

/* A rate as text: "-" when it has no denominator, never a made-up 0%. */
static const char *rate(char out[16], double v)
{
	if (isnan(v))
		snprintf(out, 16, "-");
	else
		snprintf(out, 16, "%.1f%%", 100.0 * v);
	return out;
}

static void pct(const char *label, double v)
{
	char r[16];
	printf("  %-24s %8s\n", label, rate(r, v));
}

static void val(const char *label, double v, const char *unit)
{
	if (isnan(v))
		printf("  %-24s %8s\n", label, "-");
	else
		printf("  %-24s %8.2f%s\n", label, v, unit);
}

/* Local success versus the journey, per team or source (docs/kpis.md). */
static void print_local(const char *what, const struct bt_local_kpis *v, size_t n)
{
	char lr[16], tr[16];
	printf("\nlocal success versus the journey, per %s\n", what);
	printf("  %-18s %8s %7s %7s %7s %7s %8s %8s %10s\n", what, "contacts", "local", "true",
	       "local%", "true%", "shifted", "internal", "collisions");
	for (size_t i = 0; i < n; i++)
		printf("  %-18s %8llu %7llu %7llu %7s %7s %8llu %8llu %10llu\n", v[i].id,
		       (unsigned long long)v[i].contacts, (unsigned long long)v[i].local_success,
		       (unsigned long long)v[i].true_success, rate(lr, v[i].local_success_rate),
		       rate(tr, v[i].true_success_rate), (unsigned long long)v[i].cost_shifted,
		       (unsigned long long)v[i].internal_success, (unsigned long long)v[i].collisions);
}

static void print_table(const struct bt_kpis *k)
{
	char t[32];
	bt_time_print(k->as_of, t);
	printf("as of %s: %llu events, %llu profiles\n", t, (unsigned long long)k->events,
	       (unsigned long long)k->profiles);
	for (size_t i = 0; i < k->njourneys; i++) {
		const struct bt_journey_kpis *j = &k->journeys[i];
		printf("\n%s%s%s  owner: %s\n", j->journey, j->name ? " - " : "", j->name ? j->name : "",
		       j->owner ? (j->owner_name ? j->owner_name : j->owner) : "NOBODY (unowned)");
		printf("  %-24s %8llu  (open %llu, resolved %llu, abandoned %llu)\n", "instances",
		       (unsigned long long)j->instances, (unsigned long long)j->open,
		       (unsigned long long)j->resolved, (unsigned long long)j->abandoned);
		pct("completion", j->completion_rate);
		pct("resolution (successful)", j->resolution_rate);
		pct("recontact", j->recontact_rate);
		pct("first-contact resolution", j->fcr_rate);
		if (isnan(j->handoffs_per_instance))
			printf("  %-24s %8llu\n", "handoffs", (unsigned long long)j->handoffs);
		else
			printf("  %-24s %8llu  (%.2f per instance)\n", "handoffs",
			       (unsigned long long)j->handoffs, j->handoffs_per_instance);
		pct("handoff success", j->handoff_success_rate);
		pct("customer repeated", j->repeat_rate);
		val("contacts per instance", j->contacts_per_instance, "");
		val("channels per instance", j->channels_per_instance, "");
		val("time to resolve p50", j->ttr_p50_s / 3600.0, " h");
		val("time to resolve p90", j->ttr_p90_s / 3600.0, " h");
		val("CSAT (1-5)", j->csat_avg, "");
		val("NPS", j->nps, "");
		val("effort (CES 1-7)", j->ces_avg, "");
		printf("  %-24s %8llu  (broken %llu, of which cross-team %llu)\n", "promises",
		       (unsigned long long)j->promises, (unsigned long long)j->promises_broken,
		       (unsigned long long)j->cross_team_breaks);
		printf("  %-24s %8llu\n", "collisions", (unsigned long long)j->collisions);
		if (j->unowned_instances)
			printf("  %-24s %8llu\n", "unowned instances",
			       (unsigned long long)j->unowned_instances);
	}
	print_local("team", k->teams, k->nteams);
	print_local("source", k->sources, k->nsources);
	printf("\n  local: its interactions that contained or resolved the matter; true: those\n"
	       "  the customer did not come back after within the recontact window.  local%%\n"
	       "  and true%%: those on contacts, over its contacts (- when it had none).\n"
	       "  internal: local successes on internal work (a refund issued): in local and\n"
	       "  true, but no contact, so not in the rates.  shifted: contacts after its\n"
	       "  local success that landed on another team.  collisions: outbound messages\n"
	       "  it sent into an open complaint, an overdue promise or withdrawn consent.\n");
	printf("\ncollisions (outbound messages into open complaints, overdue promises or withdrawn "
	       "consent): %llu; to customers who had withdrawn consent: %llu; caused by no journey: "
	       "%llu\n",
	       (unsigned long long)k->collisions, (unsigned long long)k->consent_collisions,
	       (unsigned long long)k->collisions_on_no_journey);
}

static void on_reject(void *ctx, long line, long index, const char *reason)
{
	(void)index;
	fprintf(stderr, "%s:%ld: %s\n", (const char *)ctx, line, reason);
}

int cmd_kpis(int argc, char **argv)
{
	struct cli_read r = CLI_READ_INIT;
	const char *input = NULL;
	int first, json = 0, rc;
	struct bt_db *db = NULL;
	struct bt_config *cfg = NULL;
	struct bt_engine *eng = NULL;
	struct bt_kpis *k = NULL;
	struct bt_err err = {0, ""};
	const struct cli_option opts[] = {
		CLI_READ_OPTIONS(&r), CLI_OPT_STRING("input", 0, &input),
		CLI_OPT_BOOL("json", &json), CLI_OPT_END,
	};

	if ((rc = cli_parse("kpis", help, opts, argc, argv, &first)) != CLI_GO)
		return rc;
	rc = EXIT_FAIL;
	if (first < argc)
		return cli_usage("kpis", "unexpected argument '%s'", argv[first]);
	if (input && r.db)
		return cli_usage("kpis", "--input and --db exclude each other");
	if (cli_read_check("kpis", &r))
		return EXIT_FAIL;
	if (input) {
		int is_stdin = !strcmp(input, "-");
		FILE *f = is_stdin ? stdin : fopen(input, "rb");
		struct bt_ingest_stats st;
		if (!f)
			return cli_error("cannot read '%s': %s", input, strerror(errno));
		if (cli_config(NULL, r.config, &cfg) == 0) {
			size_t n = strlen(input);
			enum bt_format fmt = n > 5 && !strcmp(input + n - 5, ".json") ? BT_FMT_JSON : BT_FMT_AUTO;
			if (bt_engine_from_stream(f, fmt, cfg, r.as_of, on_reject,
						  (void *)(is_stdin ? "stdin" : input), &st, &eng, &err))
				cli_fail(err.code, &err);
		}
		if (!is_stdin)
			fclose(f);
	} else if ((db = cli_open(cli_db_path(r.db), BT_OPEN_READONLY)) &&
		   cli_config(db, r.config, &cfg) == 0) {
		if (bt_engine_from_db(db, cfg, r.as_of, &eng, &err))
			cli_fail(err.code, &err);
	}
	if (eng && bt_engine_kpis(eng, &r.q, &k, &err) == 0) {
		if (json) {
			struct bt_buf b = BT_BUF_INIT;
			if (bt_kpis_json(k, &b) == 0) {
				cli_print_buf(&b);
				rc = EXIT_OK;
			}
			bt_buf_release(&b);
		} else {
			print_table(k);
			rc = EXIT_OK;
		}
	} else if (eng)
		cli_fail(err.code, &err);
	bt_kpis_free(k);
	bt_engine_free(eng);
	bt_config_free(cfg);
	bt_db_close(db);
	return rc;
}
