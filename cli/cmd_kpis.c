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
	"       baton kpis --definitions\n"
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
	"  --json          JSON (docs/cli.md)\n"
	"  --definitions   print what each KPI means (the tables of docs/kpis.md) and exit\n";

static int width(const struct bt_kpi_def *d);

/* The KPI rows of one journey, as the table of view.h shows them: each
 * with its asides in brackets, "-" for a rate or average with no
 * denominator. */
static void print_journey(const struct bt_journey_kpis *j)
{
	for (size_t i = 0; i < bt_kpi_njourney; i++) {
		const struct bt_kpi_def *d = &bt_kpi_journey[i];
		char v[32], asides[256];
		if (d->show != BT_SHOW_ROW &&
		    !(d->show == BT_SHOW_NONZERO && bt_kpi_value(d, j) != 0))
			continue;
		bt_kpi_text(d, j, v);
		bt_kpi_asides(bt_kpi_journey, bt_kpi_njourney, d, j, asides, sizeof(asides));
		printf("  %-24s %8s%s%s%s%s\n", d->label, v, bt_kpi_has_value(d, j) ? d->suffix : "",
		       asides[0] ? "  (" : "", asides, asides[0] ? ")" : "");
	}
}

/* Local success versus the journey, per team or source: the columns of
 * the table of view.h. */
static void print_local(const char *what, const struct bt_local_kpis *v, size_t n)
{
	printf("\nlocal success versus the journey, per %s\n  %-18s", what, what);
	for (size_t c = 0; c < bt_kpi_nlocal; c++)
		if (bt_kpi_local[c].show == BT_SHOW_ROW)
			printf(" %*s", width(&bt_kpi_local[c]), bt_kpi_local[c].label);
	for (size_t i = 0; i < n; i++) {
		printf("\n  %-18s", v[i].id);
		for (size_t c = 0; c < bt_kpi_nlocal; c++) {
			char t[32];
			if (bt_kpi_local[c].show != BT_SHOW_ROW)
				continue;
			bt_kpi_text(&bt_kpi_local[c], &v[i], t);
			printf(" %*s", width(&bt_kpi_local[c]), t);
		}
	}
	printf("\n");
}

/* A column is as wide as its label, and at least 7. */
static int width(const struct bt_kpi_def *d)
{
	int w = (int)strlen(d->label);
	return w < 7 ? 7 : w;
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
		print_journey(j);
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
	int first, json = 0, definitions = 0, rc;
	struct bt_db *db = NULL;
	struct bt_config *cfg = NULL;
	struct bt_engine *eng = NULL;
	struct bt_kpis *k = NULL;
	struct bt_err err = {0, ""};
	const struct cli_option opts[] = {
		CLI_READ_OPTIONS(&r), CLI_OPT_STRING("input", 0, &input),
		CLI_OPT_BOOL("json", &json), CLI_OPT_BOOL("definitions", &definitions), CLI_OPT_END,
	};

	if ((rc = cli_parse("kpis", help, opts, argc, argv, &first)) != CLI_GO)
		return rc;
	if (definitions) { /* the tables of docs/kpis.md */
		struct bt_buf b = BT_BUF_INIT;
		int ok = bt_kpi_definitions_md(&b) == 0;
		if (ok)
			fputs(b.data, stdout);
		bt_buf_release(&b);
		return ok ? EXIT_OK : cli_error("out of memory");
	}
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
	struct bt_fu_close *fc = NULL;
	size_t nfc = 0;
	if (eng && bt_engine_kpis(eng, &r.q, &k, &err) == 0 &&
	    (!db || (bt_followup_closes(db, &fc, &nfc, &err) == 0 &&
		     bt_kpis_followups(k, eng, &r.q, NULL, fc, nfc, &err) == 0))) {
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
	bt_fu_closes_free(fc, nfc);
	bt_kpis_free(k);
	bt_engine_free(eng);
	bt_config_free(cfg);
	bt_db_close(db);
	return rc;
}
