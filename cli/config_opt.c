/* SPDX-License-Identifier: Apache-2.0 */
/* config_opt.c - the --config option and time options shared by commands. */
#include "cli.h"

#include <string.h>

static void print_problem(void *ctx, long line, const char *msg)
{
	const char *file = ctx;
	if (line)
		fprintf(stderr, "%s:%ld: %s\n", file, line, msg);
	else
		fprintf(stderr, "%s\n", msg);
}

int cli_config_file(const char *path, struct bt_config **out)
{
	struct bt_err err = {0, ""};
	int rc = bt_config_load_file(path, out, print_problem, (void *)path, &err);
	if (rc == BT_EINVAL)
		return cli_error("%s: the configuration has problems (listed above)", path);
	return rc ? cli_fail(rc, &err) : 0;
}

int cli_config(struct bt_db *db, const char *path, struct bt_config **out)
{
	struct bt_err err = {0, ""};
	int rc;
	/* --config is for this run only: storing one takes 'baton config load' */
	if (path)
		return cli_config_file(path, out);
	if (!db)
		return bt_config_empty(out) ? cli_error("out of memory") : 0;
	rc = bt_db_config_get(db, out, &err);
	return rc ? cli_fail(rc, &err) : 0;
}

int cli_read_from(const char *cmd, const char *opt, const char *value, void *to)
{
	struct cli_read *r = to;
	(void)cmd;
	r->from = value;
	return cli_time(opt, value, &r->q.from);
}

int cli_read_to(const char *cmd, const char *opt, const char *value, void *to)
{
	struct cli_read *r = to;
	(void)cmd;
	r->to = value;
	return cli_time(opt, value, &r->q.to);
}

int cli_read_check(const char *cmd, const struct cli_read *r)
{
	if (r->q.from != BT_TIME_NONE && r->q.to != BT_TIME_NONE && r->q.from >= r->q.to)
		return cli_usage(cmd, "--from '%s' must be before --to '%s' (the period is [from, to))",
				 r->from, r->to);
	return 0;
}

int cli_time(const char *opt, const char *s, int64_t *ms)
{
	if (bt_time_parse(s, strlen(s), ms))
		return cli_error("%s: '%s' is not a time (use RFC 3339 like 2026-03-01T10:00:00Z, "
				 "or a date like 2026-03-01)",
				 opt, s);
	return 0;
}
