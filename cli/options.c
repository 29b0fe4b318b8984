/* SPDX-License-Identifier: Apache-2.0 */
/*
 * options.c - reading options, and naming what was mistyped: an unknown
 * command, action or option is reported once, with the nearest known name
 * (bt_suggest, the rule event fields and configuration keys use too).
 */
#include "cli.h"

#include <string.h>

#define MAX_NAMES 32

void cli_did_you_mean(char out[CLI_HINT_LEN], const char *word, size_t len, const char *prefix,
		      const char *const *names, size_t n)
{
	const char *near = bt_suggest(word, len, names, n);
	if (near)
		snprintf(out, CLI_HINT_LEN, " (did you mean '%s%s'?)", prefix, near);
	else
		out[0] = '\0';
}

int cli_action(const char *cmd, const char *action, const char *const *actions, size_t n)
{
	char hint[CLI_HINT_LEN];
	for (size_t i = 0; i < n; i++)
		if (!strcmp(action, actions[i]))
			return (int)i;
	cli_did_you_mean(hint, action, strlen(action), "", actions, n);
	cli_usage(cmd, "unknown action '%s'%s", action, hint);
	return -1;
}

/* An unknown or ambiguous long option, given as --name or --name=value. */
static void bad_long(const char *cmd, const char *arg, const struct option *opts)
{
	const char *names[MAX_NAMES], *name = arg + 2;
	size_t len = strcspn(name, "="), n = 0, prefixed = 0;
	char hint[CLI_HINT_LEN], list[200] = "";
	for (; opts[n].name && n < MAX_NAMES; n++)
		names[n] = opts[n].name;
	/* getopt_long takes a unique prefix of a name: more than one is ambiguous */
	for (size_t i = 0; i < n; i++)
		if (!strncmp(names[i], name, len)) {
			size_t used = strlen(list);
			snprintf(list + used, sizeof(list) - used, "%s--%s", prefixed++ ? ", " : "", names[i]);
		}
	if (prefixed > 1) {
		cli_usage(cmd, "option '--%.*s' is ambiguous: it could be %s", (int)len, name, list);
		return;
	}
	cli_did_you_mean(hint, name, len, "--", names, n);
	cli_usage(cmd, "unknown option '--%.*s'%s", (int)len, name, hint);
}

/* The long option arg (--name or a unique prefix of it) whose value is val. */
static const struct option *long_option(const struct option *opts, const char *arg, int val)
{
	if (strncmp(arg, "--", 2))
		return NULL;
	size_t len = strcspn(arg + 2, "=");
	for (size_t i = 0; opts[i].name; i++)
		if (opts[i].val == val && !strncmp(opts[i].name, arg + 2, len))
			return &opts[i];
	return NULL;
}

int cli_getopt(const char *cmd, int argc, char **argv, const char *shortopts,
	       const struct option *opts)
{
	char spec[32];
	snprintf(spec, sizeof(spec), ":%s", shortopts); /* ':' tells a missing value apart */
	opterr = 0; /* we say it ourselves, once */
	int c = getopt_long(argc, argv, spec, opts, NULL);
	if (c != '?' && c != ':')
		return c;
	/* getopt_long leaves optopt 0 for an unknown or ambiguous long option;
	 * for a known one without its value, or with a value it does not
	 * take, it is the option's value; for a short option, its letter */
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	const struct option *o = optopt ? long_option(opts, arg, optopt) : NULL;
	if (!optopt)
		bad_long(cmd, arg, opts);
	else if (o)
		cli_usage(cmd, c == ':' ? "option '--%s' needs a value" : "option '--%s' takes no value",
			  o->name);
	else if (c == ':')
		cli_usage(cmd, "option '-%c' needs a value", optopt);
	else
		cli_usage(cmd, "unknown option '-%c'", optopt);
	return '?';
}
