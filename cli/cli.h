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

#include <getopt.h>
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
/* Write b to stdout followed by a newline. */
void cli_print_buf(const struct bt_buf *b);

/* getopt_long that reports a bad option itself, once, naming it, with the
 * nearest known option when there is one ("did you mean '--from'?").
 * shortopts as for getopt_long.  Returns the option's value, -1 after the
 * last option, or '?' once the error is reported (then exit EXIT_FAIL). */
int cli_getopt(const char *cmd, int argc, char **argv, const char *shortopts,
	       const struct option *opts);
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
#define CLI_READ_OPTIONS                                                                          \
	{"db", required_argument, NULL, 'd'}, {"config", required_argument, NULL, 'c'},           \
		{"journey", required_argument, NULL, 'J'}, {"as-of", required_argument, NULL, 'a'}, \
		{"from", required_argument, NULL, 'f'}, {"to", required_argument, NULL, 't'}
/* Take option c (value arg) when it is one of CLI_READ_OPTIONS: 1 taken,
 * 0 not one of them, -1 a bad value (reported). */
int cli_read_option(struct cli_read *r, int c, const char *arg);
/* After the options: the period [--from, --to) must not be empty.  0, or
 * EXIT_FAIL once reported. */
int cli_read_check(const char *cmd, const struct cli_read *r);

int cmd_ingest(int argc, char **argv);
int cmd_kpis(int argc, char **argv);
int cmd_event(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_journeys(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_erase(int argc, char **argv);
int cmd_dead_letters(int argc, char **argv);
int cmd_summary(int argc, char **argv);

#endif
