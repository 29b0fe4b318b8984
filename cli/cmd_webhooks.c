/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_webhooks.c - baton webhooks: add, list and delete webhooks, see their
 * deliveries, queue a test delivery (docs/webhooks.md). */
#include "cli.h"

#include "baton/webhook.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
	"usage: baton webhooks list [--db PATH] [--json]\n"
	"       baton webhooks add [--db PATH] --url URL --events E,E... [--secret-file FILE] [--json]\n"
	"       baton webhooks delete [--db PATH] ID\n"
	"       baton webhooks deliveries [--db PATH] ID [--limit N] [--json]\n"
	"       baton webhooks test [--db PATH] ID\n"
	"\n"
	"Webhooks: baton POSTs the events a webhook takes to its URL, signed with\n"
	"its secret (docs/webhooks.md says how a receiver checks a delivery).\n"
	"Events: escalation.opened, escalation.moved, escalation.resolved,\n"
	"promise.broken, collision, followup.opened, test.  The URL must be http\n"
	"or https and resolve to public addresses only, unless the configuration\n"
	"says 'webhooks: {allow_private: true}'.  A running 'baton serve' sends the\n"
	"deliveries and tries failed ones again for about three hours.\n"
	"\n"
	"  add          the secret is read from --secret-file (its first line, 16 to\n"
	"               256 printable characters; never on the command line, where\n"
	"               other users see it); without it baton makes one and prints it\n"
	"               alone on the last line, once: it cannot be shown again\n"
	"  delete       a webhook with its deliveries; pending ones are not sent\n"
	"  deliveries   the newest deliveries of webhook ID, each with its attempts\n"
	"  test         queue a test delivery to webhook ID (sent by 'baton serve')\n"
	"\n"
	"  --db PATH          database file (default $BATON_DB or ./baton.db)\n"
	"  --url URL          where deliveries go\n"
	"  --events E,E...    the events it takes, separated by commas\n"
	"  --secret-file FILE the secret, from a file ('-' for stdin)\n"
	"  --limit N          deliveries to show (default 20)\n"
	"  --json             JSON, as the HTTP API answers\n";

/* The secret's first line from path ('-': stdin), into out. */
static int read_secret(const char *path, char *out, size_t size)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f)
		return cli_error("cannot read the secret file '%s': %s", path, strerror(errno));
	int ok = fgets(out, (int)size, f) != NULL;
	if (f != stdin)
		fclose(f);
	if (!ok)
		return cli_error("the secret file '%s' is empty", path);
	out[strcspn(out, "\r\n")] = '\0';
	return 0;
}

/* "a,b,c" into events (pointers into list, which is cut up). */
static size_t split_events(char *list, const char **events, size_t max)
{
	size_t n = 0;
	for (char *p = list; *p && n < max;) {
		size_t k = strcspn(p, ", ");
		if (k)
			events[n++] = p;
		p += k;
		while (*p == ',' || *p == ' ')
			*p++ = '\0';
	}
	return n;
}

static int id_arg(int first, int argc, char **argv, const char *action, int64_t *id)
{
	char *end;
	errno = 0;
	long long v = first == argc - 1 ? strtoll(argv[first], &end, 10) : 0;
	if (first != argc - 1 || *end || errno || v <= 0)
		return cli_usage("webhooks", "%s needs one webhook ID (see 'baton webhooks list')",
				 action);
	*id = v;
	return 0;
}

static int list(struct bt_db *db, int json)
{
	struct bt_webhook *w = NULL;
	struct bt_err err = {0, ""};
	struct bt_buf b = BT_BUF_INIT;
	size_t n = 0;
	int64_t total = 0, before = 0;
	int more = 1, rc = 0, shown = 0;
	bt_buf_addc(&b, '[');
	while (more && !rc) { /* every page */
		if ((rc = bt_webhook_page(db, before, 1000, &w, &n, &total, &more, &err)))
			break;
		for (size_t i = 0; i < n; i++, shown++) {
			if (json) {
				if (shown)
					bt_buf_addc(&b, ',');
				bt_webhook_json(&w[i], &b);
			} else {
				printf("%-4lld %-40s pending %lld, delivered %lld, failed %lld\n     %s\n",
				       (long long)w[i].id, w[i].events, (long long)w[i].pending,
				       (long long)w[i].delivered, (long long)w[i].failed, w[i].url);
			}
		}
		before = n ? w[n - 1].id : 0;
		bt_webhooks_free(w, n);
	}
	bt_buf_addc(&b, ']');
	if (!rc && json)
		cli_print_buf(&b);
	else if (!rc && !shown)
		printf("no webhooks\n");
	bt_buf_release(&b);
	return rc ? cli_fail(rc, &err) : EXIT_OK;
}

static int add(struct bt_db *db, const char *url, const char *events, const char *secret_file,
	       int json)
{
	struct bt_err err = {0, ""};
	const char *ev[16];
	char list[256];
	char secret[BT_WEBHOOK_SECRET_MAX + 8] = "", made[BT_WEBHOOK_SECRET_LEN + 1] = "";
	struct bt_webhook *w = NULL;
	int64_t id;
	int rc;
	if (!url || !events)
		return cli_usage("webhooks", "add needs --url and --events");
	if (strlen(events) >= sizeof(list))
		return cli_usage("webhooks", "--events is too long");
	memcpy(list, events, strlen(events) + 1);
	if (secret_file && read_secret(secret_file, secret, sizeof(secret)))
		return EXIT_FAIL;
	size_t n = split_events(list, ev, sizeof(ev) / sizeof(ev[0]));
	rc = bt_webhook_add(db, url, ev, n, secret_file ? secret : NULL, made, &id, &err);
	memset(secret, 0, sizeof(secret));
	if (!rc)
		rc = bt_webhook_get(db, id, &w, &err);
	if (rc)
		return cli_fail(rc, &err);
	if (json) {
		struct bt_buf b = BT_BUF_INIT;
		bt_webhook_json(w, &b);
		if (made[0]) {
			b.len--;
			bt_buf_printf(&b, ",\"secret\":\"%s\"}", made);
		}
		cli_print_buf(&b);
		bt_buf_release(&b);
	} else if (made[0]) {
		printf("webhook %lld added (%s); its secret is shown only now:\n%s\n", (long long)id,
		       w->events, made);
	} else {
		printf("webhook %lld added (%s)\n", (long long)id, w->events);
	}
	memset(made, 0, sizeof(made));
	bt_webhooks_free(w, 1);
	return EXIT_OK;
}

static void delivery_text(const struct bt_webhook_delivery *d)
{
	char created[32], t[32];
	bt_time_print(d->created, created);
	printf("%-6lld %-10s %-20s %s  %s\n", (long long)d->id, bt_delivery_states[d->state],
	       d->event, created, d->uid);
	for (size_t k = 0; k < d->nattempts; k++) {
		const struct bt_webhook_attempt *a = &d->attempts[k];
		bt_time_print(a->at, t);
		printf("         attempt %zu at %s, %lld ms: %s", k + 1, t, (long long)a->ms,
		       a->error ? a->error : "delivered");
		if (a->status && a->error && strncmp(a->error, "HTTP ", 5))
			printf(" (HTTP %d)", a->status);
		if (a->next) {
			bt_time_print(a->next, t);
			printf("; next at %s", t);
		}
		printf("\n");
	}
	if (!d->nattempts && d->next) {
		bt_time_print(d->next, t);
		printf("         due at %s\n", t);
	}
}

static int deliveries(struct bt_db *db, int64_t id, const char *limit_text, int json)
{
	struct bt_webhook_delivery *d = NULL;
	struct bt_webhook *w = NULL;
	struct bt_err err = {0, ""};
	size_t n = 0;
	int64_t total = 0;
	int more = 0, rc;
	char *end;
	long limit = limit_text ? strtol(limit_text, &end, 10) : 20;
	if (limit_text && (*end || limit < 1 || limit > 10000))
		return cli_usage("webhooks", "--limit must be a whole number from 1 to 10000, not '%s'",
				 limit_text);
	if ((rc = bt_webhook_get(db, id, &w, &err)) ||
	    (rc = bt_webhook_deliveries(db, id, 0, (size_t)limit, &d, &n, &total, &more, &err)))
		return cli_fail(rc, &err);
	bt_webhooks_free(w, 1);
	if (json) {
		struct bt_buf b = BT_BUF_INIT;
		bt_buf_addc(&b, '[');
		for (size_t i = 0; i < n; i++) {
			if (i)
				bt_buf_addc(&b, ',');
			bt_webhook_delivery_json(&d[i], &b);
		}
		bt_buf_addc(&b, ']');
		cli_print_buf(&b);
		bt_buf_release(&b);
	} else {
		for (size_t i = 0; i < n; i++)
			delivery_text(&d[i]);
		if (!n)
			printf("no deliveries\n");
		else if (more)
			printf("(the newest %zu of %lld; --limit shows more)\n", n, (long long)total);
	}
	bt_webhook_deliveries_free(d, n);
	return EXIT_OK;
}

int cmd_webhooks(int argc, char **argv)
{
	const char *dbpath = NULL, *url = NULL, *events = NULL, *secret_file = NULL, *limit = NULL;
	const char *action = argc > 1 && argv[1][0] != '-' ? argv[1] : NULL;
	struct bt_err err = {0, ""};
	int first, json = 0, rc;
	int64_t id = 0;
	const struct cli_option opts[] = {
		CLI_OPT_STRING("db", 0, &dbpath),
		CLI_OPT_STRING("url", 0, &url),
		CLI_OPT_STRING("events", 0, &events),
		CLI_OPT_STRING("secret-file", 0, &secret_file),
		CLI_OPT_STRING("limit", 0, &limit),
		CLI_OPT_BOOL("json", &json),
		CLI_OPT_END,
	};
	static const char *const actions[] = {"list", "add", "delete", "deliveries", "test"};
	if (action)
		argc--, argv++;
	if ((rc = cli_parse("webhooks", help, opts, argc, argv, &first)) != CLI_GO)
		return rc;
	int which = cli_action("webhooks", action ? action : "list", actions, 5);
	if (which < 0)
		return EXIT_FAIL;
	if (which <= 1 && first < argc)
		return cli_usage("webhooks", "unexpected argument '%s'", argv[first]);
	if (which >= 2 && id_arg(first, argc, argv, actions[which], &id))
		return EXIT_FAIL;
	struct bt_db *db = cli_open(cli_db_path(dbpath), which == 0 || which == 3 ? BT_OPEN_READONLY : 0);
	if (!db)
		return EXIT_FAIL;
	switch (which) {
	case 0: rc = list(db, json); break;
	case 1: rc = add(db, url, events, secret_file, json); break;
	case 2:
		if ((rc = bt_webhook_delete(db, id, &err)))
			rc = cli_fail(rc, &err);
		else
			printf("webhook %lld deleted\n", (long long)id);
		break;
	case 3: rc = deliveries(db, id, limit, json); break;
	default:
		if ((rc = bt_webhook_ping(db, id, &err)))
			rc = cli_fail(rc, &err);
		else
			printf("test delivery queued for webhook %lld ('baton serve' sends it)\n",
			       (long long)id);
	}
	bt_db_close(db);
	return rc;
}
