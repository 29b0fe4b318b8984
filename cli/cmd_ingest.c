/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_ingest.c - baton ingest: files or stdin into the database. */
#include "cli.h"

#include <errno.h>
#include <string.h>

static const char help[] =
	"usage: baton ingest [--db PATH] [--format ndjson|json|csv] [--map FILE] [--json] FILE...|-\n"
	"\n"
	"Read events into the database.  Every record is checked against the event\n"
	"contract; a bad record is reported with its file, line and reason, kept as a\n"
	"dead letter (see 'baton dead-letters'), and the good records are stored.\n"
	"An event whose 'id' was seen before is counted as a duplicate, not stored twice.\n"
	"An identifier the identity rules refuse (a junk value, an e-mail that is no\n"
	"address, a phone with fewer than 7 digits, a type its source may not link)\n"
	"stays on its event, links nothing and is counted as refused; 'baton profile'\n"
	"lists the refusals of a customer.\n"
	"\n"
	"  --db PATH        database file (default $BATON_DB or ./baton.db)\n"
	"  --format F       ndjson (one event per line), json (an array of events or one\n"
	"                   event) or csv (needs --map); default: by file extension\n"
	"                   (.csv, .json), else NDJSON, or JSON when the input starts with '['\n"
	"  --map FILE       CSV mapping file (docs/csv-mapping.md)\n"
	"  --json           print {\"accepted\":N,\"duplicates\":N,\"rejected\":N,\"suppressed\":N,\n"
	"                   \"refused\":N,\"errors\":[...]}\n"
	"  -                read standard input\n"
	"\n"
	"Exit status: 0 all records accepted, 2 some rejected (the rest stored),\n"
	"1 usage error or unreadable input.\n";

#define MAX_REPORTED 1000 /* errors listed in the JSON output; all are counted */
#define MAX_PRINTED 50    /* errors printed on stderr; the rest are in dead letters */

struct report {
	const char *file;
	int json;
	struct bt_buf errors; /* JSON array members */
	size_t listed;
};

static void on_reject(void *ctx, long line, long index, const char *reason)
{
	struct report *r = ctx;
	if (!r->json) {
		if (r->listed++ < MAX_PRINTED)
			fprintf(stderr, "%s:%ld: %s\n", r->file, line, reason);
		else if (r->listed == MAX_PRINTED + 1)
			fprintf(stderr, "%s: more rejected records not shown: 'baton dead-letters' lists "
					"them all\n", r->file);
		return;
	}
	if (r->listed++ >= MAX_REPORTED)
		return;
	if (r->errors.len)
		bt_buf_addc(&r->errors, ',');
	bt_reject_json(r->file, line, index, reason, &r->errors);
}

static enum bt_format format_of(const char *opt, const char *file)
{
	if (opt)
		return !strcmp(opt, "ndjson") ? BT_FMT_NDJSON
		       : !strcmp(opt, "json") ? BT_FMT_JSON
		       : !strcmp(opt, "csv")  ? BT_FMT_CSV
					      : (enum bt_format)-1;
	size_t n = strlen(file);
	if (n > 4 && !strcmp(file + n - 4, ".csv"))
		return BT_FMT_CSV;
	if (n > 5 && !strcmp(file + n - 5, ".json"))
		return BT_FMT_JSON;
	return BT_FMT_AUTO;
}

/* Ingest one file; returns 0, or EXIT_FAIL when it could not be read. */
static int ingest_file(struct bt_db *db, const char *file, const char *fmtopt, const char *map,
		       struct report *r, struct bt_ingest_stats *total)
{
	struct bt_ingest *in = NULL;
	struct bt_ingest_stats st = {0, 0, 0, 0, 0};
	struct bt_err err = {0, ""};
	int is_stdin = !strcmp(file, "-");
	FILE *f = is_stdin ? stdin : fopen(file, "rb");
	int rc;
	if (!f)
		return cli_error("cannot read '%s': %s", file, strerror(errno));
	r->file = is_stdin ? "stdin" : file;
	if ((rc = bt_ingest_begin(db, r->file, &in, &err)) == 0) {
		rc = bt_ingest_stream(in, f, format_of(fmtopt, is_stdin ? "" : file), map, on_reject,
				      r, &err);
		if (rc)
			bt_ingest_abort(in);
		else
			rc = bt_ingest_end(in, &st, &err);
	}
	if (!is_stdin)
		fclose(f);
	if (rc) {
		if (err.msg[0] && strncmp(err.msg, "line ", 5) == 0)
			return cli_error("%s:%s", r->file, err.msg + 5);
		return cli_error("%s: %s", r->file, err.msg[0] ? err.msg : bt_strerror(rc));
	}
	if (st.accepted + st.duplicates + st.rejected + st.suppressed == 0)
		return cli_error("%s: no records (empty input)", r->file);
	total->accepted += st.accepted;
	total->duplicates += st.duplicates;
	total->rejected += st.rejected;
	total->suppressed += st.suppressed;
	total->refused += st.refused;
	return 0;
}

int cmd_ingest(int argc, char **argv)
{
	const char *dbpath = NULL, *fmt = NULL, *map = NULL;
	struct report r = {NULL, 0, BT_BUF_INIT, 0};
	struct bt_ingest_stats total = {0, 0, 0, 0, 0};
	int first, rc, failed = 0;
	const struct cli_option opts[] = {
		CLI_OPT_STRING("db", 0, &dbpath), CLI_OPT_STRING("format", 0, &fmt),
		CLI_OPT_STRING("map", 0, &map), CLI_OPT_BOOL("json", &r.json), CLI_OPT_END,
	};

	if ((rc = cli_parse("ingest", help, opts, argc, argv, &first)) != CLI_GO)
		return rc;
	if (first >= argc)
		return cli_usage("ingest", "name at least one FILE, or - for standard input");
	if (fmt && format_of(fmt, "") == (enum bt_format)-1)
		return cli_usage("ingest", "--format must be ndjson, json or csv, not '%s'", fmt);
	struct bt_db *db = cli_open(cli_db_path(dbpath), 0);
	if (!db)
		return EXIT_FAIL;
	for (int i = first; i < argc; i++)
		failed |= ingest_file(db, argv[i], fmt, map, &r, &total) != 0;
	bt_db_close(db);

	if (r.json) {
		struct bt_buf b = BT_BUF_INIT;
		bt_ingest_answer_json(NULL, &total, 0, r.errors.data, &b);
		cli_print_buf(&b);
		bt_buf_release(&b);
	} else {
		fprintf(stderr, "baton: %llu accepted, %llu duplicates, %llu rejected",
			(unsigned long long)total.accepted, (unsigned long long)total.duplicates,
			(unsigned long long)total.rejected);
		if (total.suppressed)
			fprintf(stderr, ", %llu dropped (erased identifiers)",
				(unsigned long long)total.suppressed);
		if (total.refused)
			fprintf(stderr, ", %llu identifier%s refused (see baton profile)",
				(unsigned long long)total.refused, total.refused == 1 ? "" : "s");
		fputc('\n', stderr);
	}
	bt_buf_release(&r.errors);
	if (failed)
		return EXIT_FAIL;
	return total.rejected ? EXIT_REJECTED : EXIT_OK;
}
