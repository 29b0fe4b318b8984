/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_profile.c - baton profile: one customer's unified profile. */
#include "cli.h"

#include <string.h>

static const char help[] =
	"usage: baton profile [--db PATH] [--json] IDENT\n"
	"\n"
	"Show the unified profile that IDENT belongs to: its identifiers, how many\n"
	"events it has, the identity conflicts recorded for review, and the\n"
	"identifiers its events carried that were refused before any link (junk\n"
	"values, malformed e-mails and phones, types their source may not link).\n"
	"IDENT is type:value (normalised as on ingest, e.g. email:Ann@Example.com)\n"
	"or a profile id such as P17 (a merged id resolves to the surviving profile).\n"
	"\n"
	"  --db PATH   database file (default $BATON_DB or ./baton.db)\n"
	"  --json      print {\"profile\":\"P17\",\"identifiers\":[...],\"events\":N,\"conflicts\":[...],\n"
	"              \"refusals\":[...]}\n"
	"\n"
	"Exit status: 0 found, 1 nothing matches or failure.\n";

int cmd_profile(int argc, char **argv)
{
	const char *dbpath = NULL;
	int first, json = 0, rc;
	struct bt_err err = {0, ""};
	struct bt_profile *p = NULL;
	const struct cli_option opts[] = {
		CLI_OPT_STRING("db", 0, &dbpath), CLI_OPT_BOOL("json", &json), CLI_OPT_END,
	};

	if ((rc = cli_parse("profile", help, opts, argc, argv, &first)) != CLI_GO)
		return rc;
	if (first != argc - 1)
		return cli_usage("profile", "name exactly one IDENT (type:value or a profile id)");
	struct bt_db *db = cli_open(cli_db_path(dbpath), BT_OPEN_READONLY);
	if (!db)
		return EXIT_FAIL;
	rc = bt_profile_get(db, argv[first], &p, &err);
	bt_db_close(db);
	if (rc)
		return cli_fail(rc, &err);
	if (json) {
		char *s = bt_profile_json(p);
		if (!s) {
			bt_profile_free(p);
			return cli_error("out of memory");
		}
		puts(s);
		bt_free(s);
	} else {
		char id[24];
		bt_profile_id_format(p->id, id);
		printf("profile      %s\nevents       %lld\nidentifiers  %zu\n", id,
		       (long long)p->events, p->nidentifiers);
		for (size_t i = 0; i < p->nidentifiers; i++)
			printf("  %s\n", p->identifiers[i]);
		printf("conflicts    %zu\n", p->nconflicts);
		for (size_t i = 0; i < p->nconflicts; i++) {
			char a[24], o[24];
			bt_profile_id_format(p->conflicts[i].profile, a);
			bt_profile_id_format(p->conflicts[i].other_profile, o);
			printf("  event %lld: %s refused between %s and %s: %s\n",
			       (long long)p->conflicts[i].event, p->conflicts[i].identifier, a, o,
			       p->conflicts[i].reason);
		}
		printf("refused      %zu\n", p->nrefusals);
		for (size_t i = 0; i < p->nrefusals; i++)
			printf("  event %lld: %s refused: %s\n", (long long)p->refusals[i].event,
			       p->refusals[i].identifier, p->refusals[i].reason);
		printf("merges       %zu\n", p->nmerges);
		for (size_t i = 0; i < p->nmerges; i++) {
			char a[24], b[24];
			bt_profile_id_format(p->merges[i].into, a);
			bt_profile_id_format(p->merges[i].from, b);
			printf("  event %lld: %s merged into %s by %s: %s\n", (long long)p->merges[i].event,
			       b, a, p->merges[i].identifier ? p->merges[i].identifier : "(erased)",
			       p->merges[i].reason);
		}
	}
	bt_profile_free(p);
	return EXIT_OK;
}
