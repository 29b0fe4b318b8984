/* SPDX-License-Identifier: Apache-2.0 */
/* main.c - the baton command: global options and the dispatch table. */
#include "cli.h"

#include <errno.h>

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const struct cli_command commands[] = {
	{"ingest", cmd_ingest, "read events (NDJSON, JSON, CSV) into the database"},
	{"profile", cmd_profile, "show the unified profile of a customer"},
	{"event", cmd_event, "show a stored event by its id"},
	{"erase", cmd_erase, "erase a person: identifiers, events, traces"},
	{"conflicts", cmd_conflicts, "links refused for review, and their resolution"},
	{"split", cmd_split, "undo one merge of a profile"},
	{"dead-letters", cmd_dead_letters, "list, export, retry or delete rejected records"},
	{"purge", cmd_purge, "delete what the retention no longer keeps (events, dead letters, deliveries)"},
	{"summary", cmd_summary, "count events, profiles, merges, conflicts, dead letters"},
	{"kpis", cmd_kpis, "journey KPIs end to end, and local versus journey per team"},
	{"journeys", cmd_journeys, "journey definitions, owners, and unowned journeys in the data"},
	{"agenda", cmd_agenda, "the steering agenda of a period, as Markdown, HTML or JSON"},
	{"actions", cmd_actions, "actions decided: who does what by when, and which are overdue"},
	{"escalations", cmd_escalations, "what the journeys' rules escalate, and acting on it"},
	{"initiatives", cmd_initiatives, "changes made to journeys, each with its measured verdict"},
	{"friction", cmd_friction, "a journey's friction points, ranked by the customers affected"},
	{"channels", cmd_channels, "a journey's outcomes per entry channel, and their spread"},
	{"value", cmd_value, "churn and revenue after good and bad outcomes (value at stake)"},
	{"changes", cmd_changes, "what changed: rule changes, the change calendar, a change's impact"},
	{"followups", cmd_followups, "follow-ups of unhappy customers, and closing the loop"},
	{"report", cmd_report, "a Markdown or HTML journey report for a period"},
	{"audit", cmd_audit, "the touchpoint inventory: data levels, silo map, roadmap"},
	{"demo", cmd_demo, "generate and ingest a realistic multi-channel history"},
	{"serve", cmd_serve, "serve the HTTP API"},
	{"token", cmd_token, "create, list or revoke API tokens"},
	{"webhooks", cmd_webhooks, "add, list or delete webhooks; see their deliveries"},
	{"check", cmd_check, "validate a configuration file"},
	{"config", cmd_config, "load a configuration into the database, or show it"},
	{"migrate", cmd_migrate, "copy a whole database to another (SQLite to PostgreSQL)"},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static int usage(FILE *to)
{
	fprintf(to, "usage: baton <command> [options]\n\n"
		    "baton, the journey accountability engine.\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(to, "  %-14s %s\n", commands[i].name, commands[i].summary);
	fprintf(to, "\nRun 'baton <command> --help' for a command's options.\n"
		    "The database is --db PATH, else $BATON_DB, else ./baton.db.\n"
		    "Exit codes: 0 success, 1 failure or usage error, 2 some records rejected.\n");
	return to == stderr ? EXIT_FAIL : EXIT_OK;
}

const char *cli_db_path(const char *opt)
{
	const char *env = getenv("BATON_DB");
	return opt ? opt : (env && *env ? env : "baton.db");
}

int cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("baton: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_FAIL;
}

int cli_fail(int rc, const struct bt_err *err)
{
	return cli_error("%s", err && err->msg[0] ? err->msg : bt_strerror(rc));
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "baton %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(see 'baton %s --help')\n", cmd);
	return EXIT_FAIL;
}

struct bt_db *cli_open(const char *path, unsigned flags)
{
	struct bt_db *db;
	struct bt_err err = {0, ""};
	int rc = bt_db_open(&db, path, flags, &err);
	if (rc) {
		cli_fail(rc, &err);
		return NULL;
	}
	return db;
}

void cli_print_buf(const struct bt_buf *b)
{
	if (b->len)
		fwrite(b->data, 1, b->len, stdout);
	fputc('\n', stdout);
}

int cli_write_output(const char *path, const struct bt_buf *b)
{
	FILE *f = path ? fopen(path, "wb") : stdout;
	if (!f)
		return cli_error("cannot write '%s': %s", path, strerror(errno));
	int bad = b->len && fwrite(b->data, 1, b->len, f) != b->len;
	if (f != stdout)
		bad |= fclose(f) != 0;
	else
		bad |= fflush(f) != 0;
	return bad ? cli_error("writing '%s' failed", path ? path : "standard output") : EXIT_OK;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr);
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help"))
		return usage(stdout);
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		printf("baton %s\n", BATON_VERSION);
		return EXIT_OK;
	}
	const char *names[NCOMMANDS];
	char hint[CLI_HINT_LEN];
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (!strcmp(name, commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
		names[i] = commands[i].name;
	}
	cli_did_you_mean(hint, name, strlen(name), "", names, NCOMMANDS);
	return cli_error("unknown command '%s'%s\n(see 'baton --help' for the commands)", name, hint);
}
