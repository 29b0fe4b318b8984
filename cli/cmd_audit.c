/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_audit.c - baton audit: the touchpoint inventory and the data audit. */
#include "cli.h"

#include "baton/audit.h"

#include <errno.h>
#include <string.h>

static const char help[] =
	"usage: baton audit [--db PATH] [--config FILE] [--as-of TIME] [--from TIME --to TIME]\n"
	"                   [--format text|md|html|json] [-o|--output FILE]\n"
	"\n"
	"The data audit (docs/audit.md): every source with its team and technology,\n"
	"its data-availability level as the configuration declares it and as the\n"
	"events measure it (L3 integrated: 90% or more of its events are on a\n"
	"customer another source also reaches; L2 shared: from 30%; L1 siloed:\n"
	"below), the sources whose two levels disagree, the crawl-walk-run roadmap\n"
	"of the sources to integrate first, and the silo map's heaviest edges (the\n"
	"customers two sources share).\n"
	"\n"
	"  --db PATH        database file (default $BATON_DB or ./baton.db)\n"
	"  --config FILE    compute with this configuration instead of the stored one\n"
	"  --as-of TIME     judge at TIME (default: the latest event); RFC 3339 or a date\n"
	"  --from, --to     only events of [from, to)\n"
	"  --format F       text (default), md (Markdown), html (a page to circulate),\n"
	"                   or json (as GET /v1/audit/sources, with the silo map)\n"
	"  -o, --output FILE  write to FILE instead of standard output\n";

enum { F_TEXT, F_MD, F_HTML, F_JSON };

static int format_opt(const char *cmd, const char *opt, const char *v, void *to)
{
	static const char *const names[] = {"text", "md", "html", "json"};
	for (int i = 0; i < 4; i++)
		if (!strcmp(v, names[i])) {
			*(int *)to = i;
			return 0;
		}
	return cli_usage(cmd, "%s must be text, md, html or json, not '%s'", opt, v);
}

/* The whole answer in b, in format f. */
static int render(const struct bt_audit *a, int f, struct bt_buf *b)
{
	int rc = 0;
	switch (f) {
	case F_JSON: /* {"sources": .., "silo_map": ..} */
		rc = bt_buf_adds(b, "{\"sources\":");
		rc = rc ? rc : bt_audit_sources_json(a, b);
		rc = rc ? rc : bt_buf_adds(b, ",\"silo_map\":");
		rc = rc ? rc : bt_audit_silo_map_json(a, b);
		return rc ? rc : bt_buf_adds(b, "}\n");
	case F_HTML:
		rc = bt_buf_adds(b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
				    "<title>baton data audit</title><style>"
				    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;"
				    "color:#222}table{border-collapse:collapse;margin:1rem 0}td,th{border:"
				    "1px solid #ccc;padding:.3rem .6rem;text-align:left}</style></head><body>\n");
		rc = rc ? rc : bt_audit_render(a, BT_AUDIT_HTML, 1, b);
		return rc ? rc : bt_buf_adds(b, "</body></html>\n");
	default:
		return bt_audit_render(a, f == F_MD ? BT_AUDIT_MD : BT_AUDIT_TEXT, 1, b);
	}
}

int cmd_audit(int argc, char **argv)
{
	struct cli_read r = CLI_READ_INIT;
	const char *output = NULL;
	int first, rc, format = F_TEXT;
	struct bt_config *cfg = NULL;
	struct bt_engine *eng = NULL;
	struct bt_audit *a = NULL;
	struct bt_err err = {0, ""};
	struct bt_buf b = BT_BUF_INIT;
	struct bt_db *db = NULL;
	const struct cli_option opts[] = {
		CLI_OPT_STRING("db", 0, &r.db),
		CLI_OPT_STRING("config", 0, &r.config),
		CLI_OPT_TIME("as-of", &r.as_of),
		CLI_OPT_CALL("from", 0, cli_read_from, &r),
		CLI_OPT_CALL("to", 0, cli_read_to, &r),
		CLI_OPT_CALL("format", 0, format_opt, &format),
		CLI_OPT_STRING("output", 'o', &output),
		CLI_OPT_END,
	};
	if ((rc = cli_parse("audit", help, opts, argc, argv, &first)) != CLI_GO)
		return rc;
	if (first < argc)
		return cli_usage("audit", "unexpected argument '%s'", argv[first]);
	if (cli_read_check("audit", &r))
		return EXIT_FAIL;
	rc = EXIT_FAIL;
	if (!(db = cli_open(cli_db_path(r.db), BT_OPEN_READONLY)) || cli_config(db, r.config, &cfg))
		goto out;
	if (bt_engine_from_db(db, cfg, r.as_of, &eng, &err) ||
	    bt_engine_audit(eng, r.q.from, r.q.to, NULL, &a, &err)) {
		cli_fail(err.code, &err);
		goto out;
	}
	if (render(a, format, &b)) {
		cli_error("out of memory");
		goto out;
	}
	FILE *f = output ? fopen(output, "wb") : stdout;
	if (!f) {
		cli_error("cannot write '%s': %s", output, strerror(errno));
		goto out;
	}
	fwrite(b.data, 1, b.len, f);
	rc = (f != stdout && fclose(f)) ? cli_error("writing '%s' failed", output) : EXIT_OK;
out:
	bt_buf_release(&b);
	bt_audit_free(a);
	bt_engine_free(eng);
	bt_config_free(cfg);
	bt_db_close(db);
	return rc;
}
