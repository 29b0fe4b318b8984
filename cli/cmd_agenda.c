/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_agenda.c - baton agenda: the steering agenda of a period, to circulate. */
#include "cli.h"

#include "baton/actions.h"
#include "baton/agenda.h"

#include <errno.h>
#include <string.h>
#include <time.h>

static const char help[] =
	"usage: baton agenda [--db PATH] [--config FILE] [--as-of TIME] [--from TIME]\n"
	"                    [--to TIME] [--format md|html|json] [-o|--output FILE]\n"
	"\n"
	"Write the steering agenda of a period (docs/governance.md): the three or\n"
	"four issues that hurt the most customers - a journey KPI that got worse\n"
	"than the period before, the handoff pair that fails most, a team whose\n"
	"local wins cost other teams, the promises a team broke, a siloed source -\n"
	"ranked by the customers affected times how far the figure is off, each\n"
	"with its figures, why it is there and where the evidence is; then the\n"
	"overdue actions, the initiatives to stop and the journeys nobody owns.\n"
	"Markdown by default; --format html gives a page to circulate, json what\n"
	"GET /v1/agenda answers.\n"
	"\n"
	"  --db PATH          database file (default $BATON_DB or ./baton.db)\n"
	"  --config FILE      compute with this configuration instead of the stored one\n"
	"  --as-of TIME       judge at TIME (default: the latest event); RFC 3339 or a date\n"
	"  --from, --to       the period (default: the 28 days up to --as-of)\n"
	"  --format F         md (default), html or json\n"
	"  -o, --output FILE  write it to FILE instead of standard output\n";

static int format_opt(const char *cmd, const char *opt, const char *v, void *to)
{
	int f = !strcmp(v, "md") ? 0 : !strcmp(v, "html") ? 1 : !strcmp(v, "json") ? 2 : -1;
	if (f < 0)
		return cli_usage(cmd, "%s must be md, html or json, not '%s'", opt, v);
	*(int *)to = f;
	return 0;
}

int cmd_agenda(int argc, char **argv)
{
	struct cli_read r = CLI_READ_INIT;
	const char *output = NULL;
	int first, rc, format = 0;
	struct bt_config *cfg = NULL;
	struct bt_engine *eng = NULL, *before = NULL;
	struct bt_action *acts = NULL;
	struct bt_initiative *iv = NULL;
	struct bt_verdict *vd = NULL;
	size_t nacts = 0, niv = 0;
	struct bt_agenda a = {0};
	struct bt_err err = {0, ""};
	struct bt_buf b = BT_BUF_INIT;
	const struct cli_option opts[] = {
		CLI_OPT_STRING("db", 0, &r.db), CLI_OPT_STRING("config", 0, &r.config),
		CLI_OPT_TIME("as-of", &r.as_of), CLI_OPT_CALL("from", 0, cli_read_from, &r),
		CLI_OPT_CALL("to", 0, cli_read_to, &r), CLI_OPT_CALL("format", 0, format_opt, &format),
		CLI_OPT_STRING("output", 'o', &output), CLI_OPT_END,
	};
	if ((rc = cli_parse("agenda", help, opts, argc, argv, &first)) != CLI_GO)
		return rc;
	rc = EXIT_FAIL;
	if (first < argc)
		return cli_usage("agenda", "unexpected argument '%s'", argv[first]);
	if (cli_read_check("agenda", &r))
		return EXIT_FAIL;
	struct bt_db *db = cli_open(cli_db_path(r.db), BT_OPEN_READONLY);
	if (!db || cli_config(db, r.config, &cfg))
		goto out;
	struct bt_agenda_query q = {r.q.from, r.q.to, NULL,
				    r.as_of != BT_TIME_NONE ? r.as_of / 1000 : (int64_t)time(NULL), NULL, 0};
	int64_t bas, from = r.q.from, to = r.q.to;
	if (bt_engine_from_db(db, cfg, r.as_of, &eng, &err) ||
	    bt_agenda_period(bt_engine_as_of(eng), &from, &to, &bas, &err) ||
	    bt_engine_from_db(db, cfg, bas, &before, &err) || bt_actions_list(db, &acts, &nacts, &err) ||
	    bt_initiatives_list(db, &iv, &niv, &err) ||
	    bt_engine_initiatives(eng, db, iv, niv, NULL, NULL, &vd, &q.nverdicts, &err) ||
	    (q.verdicts = vd, bt_engine_agenda(eng, before, &q, acts, nacts, &a, &err))) {
		cli_fail(err.code, &err);
		goto out;
	}
	if (format == 2 ? bt_agenda_json(&a, &b) || bt_buf_addc(&b, '\n') : bt_agenda_render(&a, format, &b)) {
		cli_error("out of memory");
		goto out;
	}
	rc = cli_write_output(output, &b);
out:
	bt_buf_release(&b);
	bt_agenda_release(&a);
	bt_actions_free(acts, nacts);
	bt_free(vd);
	bt_initiatives_free(iv, niv);
	bt_engine_free(eng);
	bt_engine_free(before);
	bt_config_free(cfg);
	bt_db_close(db);
	return rc;
}
