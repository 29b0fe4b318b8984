/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_profile.c - baton profile: one customer's unified profile. */
#include "cli.h"

#include <string.h>

static const char help[] =
	"usage: baton profile [--db PATH] [--json] [--merges] IDENT\n"
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
	"              \"refusals\":[...],\"merges\":[...]}\n"
	"  --merges    print the merge ledger only: each merge that made the profile or\n"
	"              was undone in it, with its number (what 'baton split' takes), the\n"
	"              event and identifier that linked, why, and whether it is active,\n"
	"              split, or undone by another split\n"
	"\n"
	"Exit status: 0 found, 1 nothing matches or failure.\n";

/* One merge of the ledger, as a line. */
static void print_merge(const struct bt_merge *m)
{
	char a[24], b[24], at[32];
	bt_profile_id_format(m->into, a);
	bt_profile_id_format(m->from, b);
	printf("  #%lld event %lld: %s merged into %s by %s: %s", (long long)m->id, (long long)m->event,
	       b, a, m->identifier ? m->identifier : "(erased)", m->reason);
	if (m->state == BT_MERGE_SPLIT) {
		bt_time_print(m->split_at, at);
		printf(" [split %s by %s]\n", at, m->split_by ? m->split_by : "-");
	} else
		printf(" [%s]\n", bt_merge_state_names[m->state]);
}

/* --merges: the ledger alone. */
static int merges_only(struct bt_db *db, const char *ident, int json)
{
	struct bt_err err = {0, ""};
	struct bt_merge *m = NULL;
	size_t n = 0;
	int64_t root;
	int rc = bt_merges_get(db, ident, &root, &m, &n, &err);
	if (rc) {
		bt_merges_free(m, n);
		return cli_fail(rc, &err);
	}
	if (json) {
		struct bt_buf b = BT_BUF_INIT;
		bt_merges_json(root, m, n, &b);
		cli_print_buf(&b);
		bt_buf_release(&b);
	} else {
		char id[24];
		bt_profile_id_format(root, id);
		printf("profile      %s\nmerges       %zu\n", id, n);
		for (size_t i = 0; i < n; i++)
			print_merge(&m[i]);
	}
	bt_merges_free(m, n);
	return EXIT_OK;
}

int cmd_profile(int argc, char **argv)
{
	const char *dbpath = NULL;
	int first, json = 0, merges = 0, rc;
	struct bt_err err = {0, ""};
	struct bt_profile *p = NULL;
	const struct cli_option opts[] = {
		CLI_OPT_STRING("db", 0, &dbpath), CLI_OPT_BOOL("json", &json),
		CLI_OPT_BOOL("merges", &merges), CLI_OPT_END,
	};

	if ((rc = cli_parse("profile", help, opts, argc, argv, &first)) != CLI_GO)
		return rc;
	if (first != argc - 1)
		return cli_usage("profile", "name exactly one IDENT (type:value or a profile id)");
	struct bt_db *db = cli_open(cli_db_path(dbpath), BT_OPEN_READONLY);
	if (!db)
		return EXIT_FAIL;
	if (merges) {
		rc = merges_only(db, argv[first], json);
		bt_db_close(db);
		return rc;
	}
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
			const struct bt_conflict *c = &p->conflicts[i];
			bt_profile_id_format(c->profile, a);
			bt_profile_id_format(c->other_profile, o);
			printf("  #%lld event %lld: %s refused between %s and %s: %s [%s]\n",
			       (long long)c->id, (long long)c->event, c->identifier, a, o, c->reason,
			       c->resolution ? c->resolution : "open");
		}
		printf("refused      %zu\n", p->nrefusals);
		for (size_t i = 0; i < p->nrefusals; i++)
			printf("  event %lld: %s refused: %s\n", (long long)p->refusals[i].event,
			       p->refusals[i].identifier, p->refusals[i].reason);
		printf("merges       %zu\n", p->nmerges);
		for (size_t i = 0; i < p->nmerges; i++)
			print_merge(&p->merges[i]);
	}
	bt_profile_free(p);
	return EXIT_OK;
}
