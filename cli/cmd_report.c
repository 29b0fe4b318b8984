/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_report.c - baton report: the journey report for a period. */
#include "cli.h"

#include "baton/actions.h"
#include "baton/agenda.h"
#include "baton/initiative.h"

#include "baton/changes.h"
#include "baton/report.h"

#include <errno.h>
#include <string.h>
#include <time.h>

static const char help[] =
	"usage: baton report [--db PATH] [--config FILE] [--journey ID] [--as-of TIME]\n"
	"                    [--from TIME --to TIME] [--format md|html] [-o|--output FILE]\n"
	"\n"
	"Write the journey report: per journey its owner and KPIs, its worst\n"
	"handoffs and its broken promises, and per team the local success next to\n"
	"the journey outcome; without --journey, the data audit too (as 'baton\n"
	"audit').  Markdown by\n"
	"default; --format html gives a page to circulate.\n"
	"\n"
	"  --db PATH          database file (default $BATON_DB or ./baton.db)\n"
	"  --config FILE      compute with this configuration instead of the stored one;\n"
	"                     nothing is stored ('baton config load' stores one)\n"
	"  --journey ID       only this journey\n"
	"  --as-of TIME       judge at TIME (default: the latest event); RFC 3339 or a date\n"
	"  --from, --to       only instances opened in [from, to)\n"
	"  --format md|html   Markdown (default) or an HTML page\n"
	"  -o, --output FILE  write the report to FILE instead of standard output\n";

/* --format md|html: html or not. */
static int format_opt(const char *cmd, const char *opt, const char *v, void *to)
{
	if (strcmp(v, "md") && strcmp(v, "html"))
		return cli_usage(cmd, "%s must be md or html", opt);
	*(int *)to = !strcmp(v, "html");
	return 0;
}

/* The change calendar's section: the changes ahead, and those of the 90
 * days up to the time judged at with their impact over 14 days. */
struct cal {
	struct bt_calchange *v;
	size_t n;
	struct bt_impact *im;
	struct bt_report_change *rc;
};

static void calendar_free(struct cal *c, struct bt_report_options *ro)
{
	for (size_t i = 0; c->im && i < ro->nchanges; i++)
		if (c->rc[i].im)
			bt_impact_release((struct bt_impact *)c->rc[i].im);
	bt_free(c->im), bt_free(c->rc);
	bt_calchanges_free(c->v, c->n);
}

static int calendar(struct bt_db *db, const struct bt_engine *eng, struct cal *c,
		    struct bt_report_options *ro, struct bt_err *err)
{
	int64_t at = bt_engine_as_of(eng);
	int rc = bt_calendar_list(db, &c->v, &c->n, err);
	if (rc || !c->n)
		return rc;
	c->im = bt_calloc(c->n, sizeof(*c->im));
	c->rc = bt_calloc(c->n, sizeof(*c->rc));
	if (!c->im || !c->rc)
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < c->n; i++) { /* the latest date first */
		const struct bt_calchange *x = &c->v[i];
		if (x->date > at) {
			c->rc[ro->nchanges++] = (struct bt_report_change){x, NULL};
		} else if (x->date >= at - 90 * INT64_C(86400000)) {
			struct bt_impact *im = &c->im[i];
			if (!(rc = bt_engine_impact(eng, x, 14, NULL, im, err)))
				c->rc[ro->nchanges++] = (struct bt_report_change){x, im};
		}
	}
	ro->changes = c->rc;
	return rc;
}

int cmd_report(int argc, char **argv)
{
	struct cli_read r = CLI_READ_INIT;
	const char *output = NULL;
	struct bt_report_options ro = {0, BT_TIME_NONE, BT_TIME_NONE, NULL, 0, 0, NULL, NULL, 0, NULL, NULL, NULL, 0, NULL, 0};
	struct bt_engine *before = NULL;
	struct bt_agenda agenda = {0};
	struct bt_action *acts = NULL;
	struct bt_initiative *iv = NULL;
	struct bt_verdict *vd = NULL;
	size_t niv = 0;
	int first, rc;
	struct bt_config *cfg = NULL;
	struct bt_engine *eng = NULL;
	struct bt_kpis *k = NULL;
	struct bt_broken_promise *bp = NULL;
	struct bt_fu_close *fc = NULL;
	struct bt_followup *fu = NULL;
	size_t nbp = 0, nfc = 0;
	struct bt_err err = {0, ""};
	struct bt_buf b = BT_BUF_INIT;
	struct cal cal = {NULL, 0, NULL, NULL};
	const struct cli_option opts[] = {
		CLI_READ_OPTIONS(&r), CLI_OPT_CALL("format", 0, format_opt, &ro.html),
		CLI_OPT_STRING("output", 'o', &output), CLI_OPT_END,
	};
	if ((rc = cli_parse("report", help, opts, argc, argv, &first)) != CLI_GO)
		return rc;
	rc = EXIT_FAIL;
	if (first < argc)
		return cli_usage("report", "unexpected argument '%s'", argv[first]);
	if (cli_read_check("report", &r))
		return EXIT_FAIL;
	ro.from = r.q.from, ro.to = r.q.to;
	struct bt_db *db = cli_open(cli_db_path(r.db), BT_OPEN_READONLY);
	if (!db || cli_config(db, r.config, &cfg))
		goto out;
	if (bt_engine_from_db(db, cfg, r.as_of, &eng, &err) || bt_engine_kpis(eng, &r.q, &k, &err) ||
	    bt_followup_closes(db, &fc, &nfc, &err) ||
	    bt_kpis_followups(k, eng, &r.q, NULL, fc, nfc, &err) ||
	    bt_engine_followups(eng, fc, nfc, bt_engine_as_of(eng), &fu, &ro.nfollowups, &err) ||
	    bt_engine_broken_promises(eng, &r.q, &bp, &nbp, &err) ||
	    bt_actions_list(db, &acts, &ro.nactions, &err) ||
	    bt_initiatives_list(db, &iv, &niv, &err) ||
	    bt_engine_initiatives(eng, db, iv, niv, NULL, NULL, &vd, &ro.ninitiatives, &err)) {
		cli_fail(err.code, &err);
		goto out;
	}
	ro.initiatives = vd;
	ro.actions = acts;
	ro.followups = fu;
	ro.now = r.as_of != BT_TIME_NONE ? r.as_of / 1000 : (int64_t)time(NULL);
	/* the agenda of the same period (without one: the 28 days up to the
	 * time judged at), over every journey */
	int64_t bas, afrom = r.q.from, ato = r.q.to;
	struct bt_agenda_query aq = {BT_TIME_NONE, BT_TIME_NONE, NULL, ro.now, vd, ro.ninitiatives};
	if (!r.q.journey &&
	    !bt_agenda_period(bt_engine_as_of(eng), &afrom, &ato, &bas, &err)) {
		aq.from = afrom, aq.to = ato;
		if (bt_engine_from_db(db, cfg, bas, &before, &err) ||
		    bt_engine_agenda(eng, before, &aq, acts, ro.nactions, &agenda, &err)) {
			cli_fail(err.code, &err);
			goto out;
		}
		ro.agenda = &agenda;
	}
	ro.engine = eng, ro.journey = r.q.journey;
	if (calendar(db, eng, &cal, &ro, &err)) {
		cli_fail(err.code, &err);
		goto out;
	}
	if (bt_report_render(k, bp, nbp, &ro, &b)) {
		cli_error("out of memory");
		goto out;
	}
	rc = cli_write_output(output, &b);
out:
	bt_buf_release(&b);
	bt_actions_free(acts, ro.nactions);
	bt_agenda_release(&agenda);
	bt_engine_free(before);
	bt_free(vd);
	bt_initiatives_free(iv, niv);
	calendar_free(&cal, &ro);
	bt_free(bp);
	bt_free(fu);
	bt_fu_closes_free(fc, nfc);
	bt_kpis_free(k);
	bt_engine_free(eng);
	bt_config_free(cfg);
	bt_db_close(db);
	return rc;
}
