/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_conflicts.c - baton conflicts: the links the guard rails refused,
 * for review, and their resolution. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
	"usage: baton conflicts [list] [--db PATH] [--json] [--state open|resolved]\n"
	"                       [--limit N] [--cursor ID]\n"
	"       baton conflicts resolve [--db PATH] [--json] [--by NAME] ID keep_apart|merge\n"
	"\n"
	"A link between two identifiers that the guard rails refused (two customer\n"
	"ids, a profile's limit of a type, its size cap, or two profiles kept apart\n"
	"on review) is recorded as a conflict for review.  'list' shows them newest\n"
	"first: the number, the event that asked for the link, the identifier\n"
	"refused, the two profiles (and what they are part of now), the reason and\n"
	"the state.  'resolve' decides one: keep_apart keeps the two sides apart\n"
	"from now on (a later event linking them is refused and recorded too);\n"
	"merge joins their profiles where no guard rail forbids it (the answer\n"
	"names the one that does).\n"
	"\n"
	"  --db PATH      database file (default $BATON_DB or ./baton.db)\n"
	"  --json         print a page {\"conflicts\":[...],\"total\":N,\"next\":ID|null},\n"
	"                 or what resolve did\n"
	"  --state S      list only the open or the resolved ones\n"
	"  --limit N      at most N (default 100)\n"
	"  --cursor ID    the page after the one whose 'next' this was\n"
	"  --by NAME      who decided (default: cli)\n"
	"\n"
	"Exit status: 0 done, 1 no such conflict, a resolution refused, or failure.\n";

/* A whole number from 1 on, or a usage error. */
static int positive(const char *cmd, const char *what, const char *v, int64_t *out)
{
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (!*v || *end || errno || n <= 0)
		return cli_usage(cmd, "%s '%s' is not a whole number from 1 on", what, v);
	*out = n;
	return 0;
}

static void list_text(const struct bt_conflict *c, size_t n, int64_t total, int more)
{
	if (!n)
		printf("no conflicts\n");
	for (size_t i = 0; i < n; i++) {
		char a[24], o[24], an[24], on[24];
		bt_profile_id_format(c[i].profile, a);
		bt_profile_id_format(c[i].other_profile, o);
		bt_profile_id_format(c[i].profile_now, an);
		bt_profile_id_format(c[i].other_now, on);
		printf("#%lld  event %lld  %s  %s (now %s) / %s (now %s)  %s  [%s%s%s]\n",
		       (long long)c[i].id, (long long)c[i].event, c[i].identifier, a, an, o, on,
		       c[i].reason, c[i].resolution ? c[i].resolution : "open",
		       c[i].resolved_by ? " by " : "", c[i].resolved_by ? c[i].resolved_by : "");
	}
	if (more)
		printf("(%lld in all: --cursor %lld for more)\n", (long long)total,
		       (long long)c[n - 1].id);
}

static int list(struct bt_db *db, const char *state, const char *limit, const char *cursor,
		int json)
{
	struct bt_err err = {0, ""};
	struct bt_conflict *c = NULL;
	size_t n = 0;
	int64_t total = 0, lim = 100, before = 0;
	int more = 0, rc;
	enum bt_conflict_filter which = BT_CONFLICTS_ALL;
	if (state && !strcmp(state, "open"))
		which = BT_CONFLICTS_OPEN;
	else if (state && !strcmp(state, "resolved"))
		which = BT_CONFLICTS_RESOLVED;
	else if (state)
		return cli_usage("conflicts", "--state is open or resolved, not '%s'", state);
	if ((limit && (rc = positive("conflicts", "--limit", limit, &lim))) ||
	    (cursor && (rc = positive("conflicts", "--cursor", cursor, &before))))
		return rc;
	rc = bt_conflicts_page(db, which, before, (size_t)lim, &c, &n, &total, &more, &err);
	if (!rc && json) {
		struct bt_buf b = BT_BUF_INIT;
		bt_conflicts_page_json(c, n, total, more, &b);
		cli_print_buf(&b);
		bt_buf_release(&b);
	} else if (!rc)
		list_text(c, n, total, more);
	bt_conflicts_free(c, n);
	return rc ? cli_fail(rc, &err) : EXIT_OK;
}

static int resolve(struct bt_db *db, int argc, char **argv, const char *by, int json)
{
	struct bt_err err = {0, ""};
	struct bt_resolved r;
	int64_t id;
	int rc;
	if (argc != 2)
		return cli_usage("conflicts", "resolve takes a conflict number and keep_apart or merge");
	if ((rc = positive("conflicts", "conflict", argv[0], &id)))
		return rc;
	int action = cli_action("conflicts", argv[1], bt_resolve_action_names, 2);
	if (action < 0)
		return EXIT_FAIL;
	if ((rc = bt_conflict_resolve(db, id, (enum bt_resolve_action)action, by, &r, &err)))
		return cli_fail(rc, &err);
	if (json) {
		struct bt_buf b = BT_BUF_INIT;
		bt_resolved_json(&r, &b);
		cli_print_buf(&b);
		bt_buf_release(&b);
		return EXIT_OK;
	}
	char a[24], o[24];
	bt_profile_id_format(r.profile, a);
	bt_profile_id_format(r.other, o);
	if (r.action == BT_KEEP_APART)
		printf("conflict %lld: %s and %s are kept apart\n", (long long)id, a, o);
	else if (r.merge)
		printf("conflict %lld: merged into %s (merge %lld)\n", (long long)id, a,
		       (long long)r.merge);
	else
		printf("conflict %lld: %s holds both sides already\n", (long long)id, a);
	return EXIT_OK;
}

int cmd_conflicts(int argc, char **argv)
{
	const char *dbpath = NULL, *action = "list", *state = NULL, *limit = NULL, *cursor = NULL;
	const char *by = "cli";
	int first, json = 0, rc;
	const struct cli_option opts[] = {
		CLI_OPT_STRING("db", 0, &dbpath),     CLI_OPT_BOOL("json", &json),
		CLI_OPT_STRING("state", 0, &state),   CLI_OPT_STRING("limit", 0, &limit),
		CLI_OPT_STRING("cursor", 0, &cursor), CLI_OPT_STRING("by", 0, &by),
		CLI_OPT_END,
	};
	if (argc > 1 && argv[1][0] != '-') {
		action = argv[1];
		argc--, argv++;
	}
	if ((rc = cli_parse("conflicts", help, opts, argc, argv, &first)) != CLI_GO)
		return rc;
	static const char *const actions[] = {"list", "resolve"};
	int which = cli_action("conflicts", action, actions, 2);
	if (which < 0)
		return EXIT_FAIL;
	if (which == 0 && first < argc)
		return cli_usage("conflicts", "list takes no operands");
	struct bt_db *db = cli_open(cli_db_path(dbpath), which == 0 ? BT_OPEN_READONLY : 0);
	if (!db)
		return EXIT_FAIL;
	rc = which == 0 ? list(db, state, limit, cursor, json)
			: resolve(db, argc - first, argv + first, by, json);
	bt_db_close(db);
	return rc;
}
