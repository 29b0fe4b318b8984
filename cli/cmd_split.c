/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_split.c - baton split: undo one merge of a profile. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>

static const char help[] =
	"usage: baton split [--db PATH] [--json] [--by NAME] IDENT MERGE\n"
	"\n"
	"Undo merge MERGE (its number in the merge ledger: 'baton profile --merges\n"
	"IDENT') of the profile IDENT belongs to, as if its link had been refused:\n"
	"the identifiers it linked, and those linked later through them, go back to\n"
	"a profile of their own with their events; the instances and KPIs are\n"
	"derived again; and the two identifiers it linked are kept apart from now\n"
	"on, so the same events ingested again do not merge them.  A running\n"
	"'baton serve' rebuilds its live state at once.\n"
	"\n"
	"  --db PATH   database file (default $BATON_DB or ./baton.db)\n"
	"  --json      print {\"merge\":N,\"profile\":\"P1\",\"profiles\":[\"P1\",\"P2\"],\n"
	"              \"identifiers\":N,\"events\":N,\"relinked\":N,\"conflicts\":N}\n"
	"  --by NAME   who decided (default: cli)\n"
	"\n"
	"Exit status: 0 split, 1 no such profile or merge, split already, or failure.\n";

int cmd_split(int argc, char **argv)
{
	const char *dbpath = NULL, *by = "cli";
	int first, json = 0, rc;
	struct bt_err err = {0, ""};
	struct bt_split sp;
	const struct cli_option opts[] = {
		CLI_OPT_STRING("db", 0, &dbpath), CLI_OPT_BOOL("json", &json),
		CLI_OPT_STRING("by", 0, &by), CLI_OPT_END,
	};
	if ((rc = cli_parse("split", help, opts, argc, argv, &first)) != CLI_GO)
		return rc;
	if (first != argc - 2)
		return cli_usage("split", "name a profile (type:value or a profile id) and a merge number");
	char *end;
	errno = 0;
	long long merge = strtoll(argv[first + 1], &end, 10);
	if (!*argv[first + 1] || *end || errno || merge <= 0)
		return cli_usage("split", "'%s' is not a merge number (baton profile --merges lists them)",
				 argv[first + 1]);
	struct bt_db *db = cli_open(cli_db_path(dbpath), 0);
	if (!db)
		return EXIT_FAIL;
	rc = bt_split(db, argv[first], merge, by, &sp, &err);
	bt_db_close(db);
	if (rc)
		return cli_fail(rc, &err);
	if (json) {
		struct bt_buf b = BT_BUF_INIT;
		bt_split_json(&sp, &b);
		cli_print_buf(&b);
		bt_buf_release(&b);
	} else {
		printf("split merge %lld:", merge);
		for (size_t i = 0; i < sp.nprofiles; i++) {
			char id[24];
			bt_profile_id_format(sp.profiles[i], id);
			printf("%s %s", i ? "," : "", id);
		}
		printf(" (%zu identifiers and %zu events moved", sp.identifiers, sp.events);
		if (sp.conflicts)
			printf(", %zu links of other events refused for review", sp.conflicts);
		printf(")\n");
	}
	bt_split_release(&sp);
	return EXIT_OK;
}
