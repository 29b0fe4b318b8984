/* SPDX-License-Identifier: Apache-2.0 */
/*
 * options.c - reading options, and naming what was mistyped: an unknown
 * command, action or option is reported once, with the nearest known name
 * (bt_suggest, the rule event fields and configuration keys use too).
 */
#include "cli.h"

#include <assert.h>
#include <getopt.h>
#include <string.h>

#define MAX_NAMES 32 /* options of one command, --help included */

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

/* getopt_long that reports a bad option itself, once, naming it, with the
 * nearest known option when there is one.  Returns the option's value, -1
 * after the last option, or '?' once the mistake is reported. */
static int cli_getopt(const char *cmd, int argc, char **argv, const char *shortopts,
		      const struct option *opts)
{
	char spec[2 * MAX_NAMES + 2];
	snprintf(spec, sizeof(spec), ":%s", shortopts); /* ':' tells a missing value apart */
	opterr = 0; /* we say it ourselves, once */
	int c = getopt_long(argc, argv, spec, opts, NULL);
	if (c != '?' && c != ':')
		return c;
	/* getopt_long leaves optopt 0 for an unknown or ambiguous long option;
	 * for a known one without its value, or with a value it does not
	 * take, it is the option's value; for a short option, its letter */
	/* ("--" when there is none: bad_long skips two bytes) */
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "--";
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

/* Take the value of option o. */
static int take(const char *cmd, const struct cli_option *o, const char *value)
{
	char opt[48];
	snprintf(opt, sizeof(opt), "--%s", o->name);
	switch (o->kind) {
	case CLI_KIND_BOOL: *(int *)o->to = 1; return 0;
	case CLI_KIND_STRING: *(const char **)o->to = value; return 0;
	case CLI_KIND_TIME: return cli_time(opt, value, o->to);
	case CLI_KIND_CALL: return o->fn(cmd, opt, value, o->to);
	}
	return 0;
}

int cli_parse(const char *cmd, const char *help, const struct cli_option *opts, int argc,
	      char **argv, int *first)
{
	/* getopt_long's table: an option without a letter is known by 256 + its row */
	struct option lo[MAX_NAMES + 1];
	char shortopts[2 * MAX_NAMES + 1] = "h";
	size_t n, ns = 1;
	int c;
	for (n = 0; opts[n].name; n++) {
		int has = opts[n].kind == CLI_KIND_BOOL ? no_argument : required_argument;
		assert(n + 1 < MAX_NAMES); /* the tables are ours: raise MAX_NAMES */
		int val = opts[n].letter ? opts[n].letter : 256 + (int)n;
		lo[n] = (struct option){opts[n].name, has, NULL, val};
		if (opts[n].letter) {
			shortopts[ns++] = (char)opts[n].letter;
			if (has == required_argument)
				shortopts[ns++] = ':';
		}
	}
	lo[n] = (struct option){"help", no_argument, NULL, 'h'};
	lo[n + 1] = (struct option){NULL, 0, NULL, 0};
	shortopts[ns] = '\0';
	while ((c = cli_getopt(cmd, argc, argv, shortopts, lo)) != -1) {
		const struct cli_option *o = c >= 256 ? &opts[c - 256] : NULL;
		if (c == '?')
			return EXIT_FAIL;
		if (c == 'h') {
			fputs(help, stdout);
			return EXIT_OK;
		}
		for (size_t i = 0; !o && i < n; i++)
			if (opts[i].letter == c)
				o = &opts[i];
		int rc = take(cmd, o, optarg);
		if (rc)
			return rc;
	}
	*first = optind;
	return CLI_GO;
}
