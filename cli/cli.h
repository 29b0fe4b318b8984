/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli.h - shared pieces of the baton command (git's builtin/ layout: one file
 * per subcommand, a dispatch table in main.c).  The CLI uses the public API
 * of libbaton only.
 *
 * Exit codes, the same for every command (docs/cli.md):
 *   0  success
 *   1  usage error, unreadable input, nothing found, or a failure
 *   2  ingest: some records were rejected (the rest were stored)
 */
#ifndef BT_CLI_H
#define BT_CLI_H

#include "baton/baton.h"
#include "baton/buf.h"
#include "baton/config.h"
#include "baton/engine.h"
#include "baton/view.h"

#include <stdio.h>

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_REJECTED = 2 };

struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

/* The database path: --db, else $BATON_DB, else ./baton.db. */
const char *cli_db_path(const char *opt);
/* Print "baton: <msg>" to stderr; returns EXIT_FAIL. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print err (or the code's message) to stderr; returns EXIT_FAIL. */
int cli_fail(int rc, const struct bt_err *err);
/* Usage error: message plus a pointer to --help; returns EXIT_FAIL. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Open the database; prints the error and returns NULL on failure. */
struct bt_db *cli_open(const char *path, unsigned flags);
/* Write b to the file at path (NULL: standard output): EXIT_OK, or
 * EXIT_FAIL once the failure is reported. */
int cli_write_output(const char *path, const struct bt_buf *b);
/* Write b to stdout followed by a newline. */
void cli_print_buf(const struct bt_buf *b);

/*
 * The options of a command, declared as a table (git's parse-options
 * habit): each row names the long option, its short letter if it has one
 * (0 if not), and where its value goes.  Every command also takes --help
 * (-h), which prints its help text.
 *
 *   CLI_OPT_BOOL(name, int *)         --name sets it to 1
 *   CLI_OPT_STRING(name, letter, const char **)   the value as given
 *   CLI_OPT_TIME(name, int64_t *)     RFC 3339 or a date, in ms (cli_time)
 *   CLI_OPT_CALL(name, letter, fn, void *to)
 *       fn(cmd, "--name", value, to) reads the value itself: 0, or the exit
 *       code to end the command with once it has reported why
 *   CLI_OPT_END                       ends the table
 */
enum cli_opt_kind { CLI_KIND_BOOL, CLI_KIND_STRING, CLI_KIND_TIME, CLI_KIND_CALL };
typedef int (*cli_opt_fn)(const char *cmd, const char *opt, const char *value, void *to);
struct cli_option {
	const char *name;
	int letter;
	enum cli_opt_kind kind;
	void *to;
	cli_opt_fn fn;
};
#define CLI_OPT_BOOL(name, to) {name, 0, CLI_KIND_BOOL, to, NULL}
#define CLI_OPT_STRING(name, letter, to) {name, letter, CLI_KIND_STRING, to, NULL}
#define CLI_OPT_TIME(name, to) {name, 0, CLI_KIND_TIME, to, NULL}
#define CLI_OPT_CALL(name, letter, fn, to) {name, letter, CLI_KIND_CALL, to, fn}
#define CLI_OPT_END {NULL, 0, CLI_KIND_BOOL, NULL, NULL}

/* What cli_parse returns when the command goes on. */
#define CLI_GO (-1)
/* Read the options of argv[1..argc) (in any order among the operands, a
 * unique prefix of a long name will do) by the table opts.  A mistake is
 * reported once, naming the option, with the nearest known one when there
 * is one ("did you mean '--from'?").  Returns CLI_GO with *first the index
 * of the first operand, or the exit code to end the command with: EXIT_OK
 * after --help, EXIT_FAIL once a mistake is reported. */
int cli_parse(const char *cmd, const char *help, const struct cli_option *opts, int argc,
	      char **argv, int *first);
/* The index of action in actions[0..n), or -1 after reporting it unknown
 * with the nearest one. */
int cli_action(const char *cmd, const char *action, const char *const *actions, size_t n);
#define CLI_HINT_LEN 96
/* " (did you mean 'PREFIXname'?)" for the name nearest to word, or "". */
void cli_did_you_mean(char out[CLI_HINT_LEN], const char *word, size_t len, const char *prefix,
		      const char *const *names, size_t n);

/* The configuration of a read: --config FILE (path) for this run only,
 * never stored; else the one db holds; else (no db) none. */
int cli_config(struct bt_db *db, const char *path, struct bt_config **out);
/* Load and check a config file, printing every problem. */
int cli_config_file(const char *path, struct bt_config **out);
/* Parse a time option (RFC 3339 or a date). */
int cli_time(const char *opt, const char *s, int64_t *ms);

/* The options of a read of the journeys (kpis, report). */
struct cli_read {
	const char *db, *config, *from, *to; /* as given */
	struct bt_kpi_query q;
	int64_t as_of;
};
#define CLI_READ_INIT {NULL, NULL, NULL, NULL, {NULL, BT_TIME_NONE, BT_TIME_NONE}, BT_TIME_NONE}
/* The rows of the options of a read, into struct cli_read *r. */
#define CLI_READ_OPTIONS(r)                                                                  \
	CLI_OPT_STRING("db", 0, &(r)->db), CLI_OPT_STRING("config", 0, &(r)->config),        \
		CLI_OPT_STRING("journey", 0, &(r)->q.journey), CLI_OPT_TIME("as-of", &(r)->as_of), \
		CLI_OPT_CALL("from", 0, cli_read_from, (r)), CLI_OPT_CALL("to", 0, cli_read_to, (r))
/* --from and --to: the time, and its text for the messages. */
int cli_read_from(const char *cmd, const char *opt, const char *value, void *r);
int cli_read_to(const char *cmd, const char *opt, const char *value, void *r);
/* After the options: the period [--from, --to) must not be empty.  0, or
 * EXIT_FAIL once reported. */
int cli_read_check(const char *cmd, const struct cli_read *r);

int cmd_ingest(int argc, char **argv);
int cmd_kpis(int argc, char **argv);
int cmd_event(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_journeys(int argc, char **argv);
int cmd_escalations(int argc, char **argv);
int cmd_followups(int argc, char **argv);
int cmd_actions(int argc, char **argv);
int cmd_agenda(int argc, char **argv);
int cmd_initiatives(int argc, char **argv);
int cmd_friction(int argc, char **argv);
int cmd_channels(int argc, char **argv);
int cmd_value(int argc, char **argv);
int cmd_changes(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_erase(int argc, char **argv);
int cmd_purge(int argc, char **argv);
int cmd_conflicts(int argc, char **argv);
int cmd_split(int argc, char **argv);
int cmd_dead_letters(int argc, char **argv);
int cmd_summary(int argc, char **argv);
int cmd_webhooks(int argc, char **argv);

#endif
