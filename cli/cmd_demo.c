/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_demo.c - baton demo: a realistic history to explore baton with. */
#include "cli.h"

#include "baton/actions.h"
#include "baton/changes.h"
#include "baton/demo.h"
#include "baton/initiative.h"

#include <math.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char help[] =
	"usage: baton demo [--db PATH] [--customers N] [--seed S] [--end TIME]\n"
	"       baton demo -o|--output FILE|- [--customers N] [--seed S] [--end TIME]\n"
	"\n"
	"Generate the history of a telecom operator: onboarding, technical support,\n"
	"billing disputes, complaints, renewals and a journey nobody owns, across\n"
	"web, app, chatbot, IVR, contact center, e-mail, store, billing and survey,\n"
	"with the usual failures built in (chatbot containment that turns into\n"
	"calls, handoffs that lose the case, refunds promised and never issued,\n"
	"promotions sent into open complaints, a slow team).  The same seed gives\n"
	"the same events.  The history covers the six months before --end (default:\n"
	"now) and stops there, so the last customers are in the middle of their\n"
	"stories: open instances, promises coming due, owners with a queue.  The\n"
	"demo's configuration (examples/demo.yaml) is loaded into the database;\n"
	"then try 'baton kpis' and 'baton report'.\n"
	"\n"
	"  --db PATH          database file (default $BATON_DB or ./baton.db)\n"
	"  --customers N      how many customers (default 2000; about 9 events each)\n"
	"  --seed S           random seed (default 1)\n"
	"  --end TIME         when the history ends (RFC 3339 or a date; default now):\n"
	"                     the same seed and end give the same events\n"
	"  -o, --output FILE  write the events as NDJSON instead (- for stdout)\n";

/* The actions a steering meeting of the demo decided (docs/governance.md):
 * days from the end of the history to the due date, some of them past. */
static const struct {
	const char *title, *owner, *journey, *kpi, *status;
	int due_days, meeting_days;
} demo_actions[] = {
	{"Staff the evening callback slots for billing disputes", "maria", "billing-dispute",
	 "recontact_rate", "in_progress", -7, -35},
	{"Hold promotions for customers with an open complaint", "lena", "complaint", "promises_broken",
	 "open", -3, -35},
	{"Name an owner for the moving-home journey", "ines", NULL, NULL, "done", -10, -35},
	{"Pass the case reference from the chatbot to the contact center", "aisha", "technical-support",
	 "handoff_success_rate", "open", 14, -7},
	{"Issue promised refunds within 48 hours", "maria", "billing-dispute", "promises_broken", "open",
	 21, -7},
	{"Rework the IVR menu for technical support", "tom", "technical-support",
	 "contacts_per_instance", "dropped", 30, -35},
};

static int demo_add_actions(struct bt_db *db, const struct bt_config *cfg, int64_t end,
			    struct bt_err *err)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < sizeof(demo_actions) / sizeof(demo_actions[0]); i++) {
		struct bt_buf b = BT_BUF_INIT;
		struct bt_action a = {0};
		char due[32], met[32];
		bt_time_print(end + (int64_t)demo_actions[i].due_days * 86400000, due);
		bt_time_print(end + (int64_t)demo_actions[i].meeting_days * 86400000, met);
		bt_buf_adds(&b, "{\"title\":");
		bt_buf_json_strz(&b, demo_actions[i].title);
		bt_buf_printf(&b, ",\"owner\":\"%s\",\"due\":\"%s\",\"status\":\"%s\"",
			      demo_actions[i].owner, due, demo_actions[i].status);
		if (demo_actions[i].journey)
			bt_buf_printf(&b, ",\"journey\":\"%s\"", demo_actions[i].journey);
		if (demo_actions[i].kpi)
			bt_buf_printf(&b, ",\"kpi\":\"%s\"", demo_actions[i].kpi);
		bt_buf_printf(&b, ",\"meeting\":\"Steering committee %.10s\"}", met);
		rc = bt_buf_status(&b) ? BT_ENOMEM : bt_action_read(cfg, b.data, b.len, 1, &a, NULL, err);
		if (!rc)
			rc = bt_action_add(db, &a, "demo", err);
		bt_action_clear(&a);
		bt_buf_release(&b);
	}
	return rc;
}

struct sink {
	struct bt_ingest *in;
	FILE *out;
	long line;
	uint64_t rejected;
};

static int emit(void *ctx, const char *json, size_t len)
{
	struct sink *s = ctx;
	struct bt_err err;
	s->line++;
	if (s->out) {
		fwrite(json, 1, len, s->out);
		return fputc('\n', s->out) == EOF ? BT_EIO : 0;
	}
	int rc = bt_ingest_json(s->in, json, len, s->line, &err);
	if (rc == BT_EINVAL) {
		s->rejected++;
		return 0;
	}
	return rc < 0 ? rc : 0;
}

static int customers_opt(const char *cmd, const char *opt, const char *v, void *to)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);
	if (*end || n == 0 || n > 50000000)
		return cli_usage(cmd, "%s must be 1 to 50000000", opt);
	*(unsigned *)to = (unsigned)n;
	return 0;
}

static int seed_opt(const char *cmd, const char *opt, const char *v, void *to)
{
	char *end;
	*(uint64_t *)to = strtoull(v, &end, 10);
	return *end ? cli_usage(cmd, "%s must be a number", opt) : 0;
}

/* The demo's two initiatives (docs/initiatives.md), from
 * BT_DEMO_CALLBACK_DAYS before the end: the callback the generator makes
 * work (billing disputes resolve more often), and a script refresh that
 * changes nothing, judged on enough contacts to say so. */
static int demo_initiatives(struct bt_db *db, int64_t end, struct bt_err *err)
{
	int64_t start = end - (int64_t)BT_DEMO_CALLBACK_DAYS * 86400 * 1000;
	struct bt_initiative v[] = {
		{0, "Callback scheduling for billing disputes", "billing-dispute", "resolution", start,
		 NULL, NULL, 100, NAN, "demo", 0},
		{0, "Agent script refresh: no more repeating yourself", "technical-support", "repeat",
		 start, NULL, NULL, 100, 0.05, "demo", 0},
	};
	int rc = 0;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]) && !rc; i++) {
		/* the strings are the table's: the check keeps them (its KPIs
		 * are the names already) */
		rc = bt_initiative_add(db, &v[i], err);
	}
	return rc;
}

/* The demo's change calendar (docs/changes.md): the upgrade
 * promotion that the generator follows with a spike of contacts, a past
 * change without one, and two upcoming changes (one within the week's
 * notice of its change.upcoming webhook). */
static int calendar(struct bt_db *db, const struct bt_config *cfg, int64_t end, struct bt_err *err)
{
	static const struct {
		const char *title, *team, *kind, *journeys;
		int days; /* from the end */
	} v[] = {
		{"Upgrade promotion", "marketing", "campaign",
		 "\"billing-dispute\",\"technical-support\"", -BT_DEMO_CAMPAIGN_DAYS},
		{"Billing platform upgrade", "billing", "system", "\"billing-dispute\"", -75},
		{"New price plans", "marketing", "price", "\"billing-dispute\",\"renewal\"", 5},
		{"App release 4.2", "digital", "release", "\"technical-support\",\"onboarding\"", 12},
	};
	int rc = 0;
	for (size_t i = 0; !rc && i < sizeof(v) / sizeof(v[0]); i++) {
		struct bt_calchange c;
		char date[32], body[512];
		bt_time_print(bt_demo_campaign_date(end) + (int64_t)(v[i].days + BT_DEMO_CAMPAIGN_DAYS) * 86400000, date);
		snprintf(body, sizeof(body),
			 "{\"title\":\"%s\",\"team\":\"%s\",\"kind\":\"%s\",\"date\":\"%s\",\"journeys\":[%s]}",
			 v[i].title, v[i].team, v[i].kind, date, v[i].journeys);
		if (!(rc = bt_calchange_parse(cfg, body, strlen(body), &c, err)))
			rc = bt_calendar_add(db, &c, "demo", err);
		bt_calchange_release(&c);
	}
	return rc;
}

int cmd_demo(int argc, char **argv)
{
	struct bt_demo_options o = {2000, 1, BT_TIME_NONE};
	const char *dbpath = NULL, *output = NULL;
	struct sink s = {NULL, NULL, 0, 0};
	struct bt_err err = {0, ""};
	struct bt_config *cfg = NULL;
	struct bt_ingest_stats st = {0, 0, 0, 0, 0};
	uint64_t n = 0;
	int first, rc;
	const struct cli_option opts[] = {
		CLI_OPT_STRING("db", 0, &dbpath),
		CLI_OPT_CALL("customers", 0, customers_opt, &o.customers),
		CLI_OPT_CALL("seed", 0, seed_opt, &o.seed),
		CLI_OPT_STRING("output", 'o', &output),
		CLI_OPT_TIME("end", &o.end),
		CLI_OPT_END,
	};
	if ((rc = cli_parse("demo", help, opts, argc, argv, &first)) != CLI_GO)
		return rc;
	if (o.end == BT_TIME_NONE) { /* now, to the second */
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		o.end = (int64_t)now.tv_sec * 1000;
	}
	if (output) {
		s.out = strcmp(output, "-") ? fopen(output, "wb") : stdout;
		if (!s.out)
			return cli_error("cannot write '%s': %s", output, strerror(errno));
		rc = bt_demo_generate(&o, emit, &s, &n);
		if (s.out != stdout && fclose(s.out))
			rc = BT_EIO;
		return rc ? cli_error("writing '%s' failed", output) : EXIT_OK;
	}
	struct bt_db *db = cli_open(cli_db_path(dbpath), 0);
	if (!db)
		return EXIT_FAIL;
	const char *text = bt_demo_config();
	if ((rc = bt_config_parse("demo.yaml", text, strlen(text), &cfg, NULL, NULL, &err)) ||
	    (rc = bt_db_config_set(db, cfg, &err)) || (rc = bt_ingest_begin(db, "demo", &s.in, &err)))
		goto out;
	rc = bt_demo_generate(&o, emit, &s, &n);
	if (rc) {
		bt_ingest_abort(s.in);
		bt_err_set(&err, rc, "ingesting the demo failed: %s", bt_strerror(rc));
	} else if (!(rc = bt_ingest_end(s.in, &st, &err)))
		rc = demo_initiatives(db, o.end, &err);
	if (!rc)
		rc = demo_add_actions(db, cfg, o.end, &err);
	if (!rc)
		rc = calendar(db, cfg, o.end, &err);
out:
	bt_config_free(cfg);
	bt_db_close(db);
	if (rc)
		return cli_fail(rc, &err);
	printf("demo: %u customers, %llu events generated: %llu accepted, %llu rejected on purpose "
	       "(see 'baton dead-letters')\n",
	       o.customers, (unsigned long long)n, (unsigned long long)st.accepted,
	       (unsigned long long)st.rejected);
	printf("demo: configuration loaded: 5 owned journeys; 'moving-home' has no owner\n");
	printf("demo: %zu actions from the steering committee (see 'baton actions')\n",
	       sizeof(demo_actions) / sizeof(demo_actions[0]));
	printf("demo: 2 initiatives to judge (see 'baton initiatives')\n");
	return EXIT_OK;
}
