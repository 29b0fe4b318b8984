/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_serve.c - baton serve: the HTTP API. */
#include "cli.h"

#include "../server/server.h"

#include <stdlib.h>
#include <string.h>

static const char help[] =
	"usage: baton serve [--db PATH] [--listen ADDR:PORT] [--rate N] [--quiet]\n"
	"                   [--max-connections N] [--per-client N] [--header-timeout S]\n"
	"                   [--request-timeout S] [--dead-letter-budget MB] [--dead-letter-cap MB]\n"
	"                   [--web-dir DIR]\n"
	"       baton serve --routes\n"
	"\n"
	"Serve the HTTP API (docs/api.md; OpenAPI at /v1/openapi.json) and the\n"
	"dashboard at / (docs/dashboard.md: sign in with a token).  Binds\n"
	"127.0.0.1:8080 unless told otherwise.  On a database without an admin\n"
	"token, the first start creates one and prints it once.  Every route but\n"
	"/healthz needs 'Authorization: Bearer TOKEN' (baton token create).  A\n"
	"response to POST /v1/events is sent only once the events are durable.\n"
	"SIGTERM or SIGINT: stop accepting, finish the requests in flight, exit 0.\n"
	"\n"
	"  --db PATH          database file (default $BATON_DB or ./baton.db)\n"
	"  --listen ADDR:PORT address to bind (default 127.0.0.1:8080; [::1]:8080 for IPv6)\n"
	"  --rate N           requests per second per token, bursts of 2N (default 1000; 0: none)\n"
	"  --quiet            no access log on stderr\n"
	"  --max-connections N  connections at once (default 256); past it a new one is closed\n"
	"  --per-client N     connections at once from one client address (default 32)\n"
	"  --header-timeout S seconds a client has to send a request's header (default 10)\n"
	"  --request-timeout S seconds it has for the whole body after that (default 60)\n"
	"  --dead-letter-budget MB  rejected records a token may have kept per ten\n"
	"                     minutes (default 16); past it they are reported, not kept\n"
	"  --dead-letter-cap MB  all dead letters together (default 256); past it the same\n"
	"  --web-dir DIR      serve the dashboard from DIR (a build of web/) instead of\n"
	"                     the one built into baton\n"
	"  --routes           print the route table and exit\n";

/* A whole number from 1 to 100000. */
static int count_opt(const char *cmd, const char *opt, const char *v, void *to)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);
	if (*end || !*v || *v == '-' || n < 1 || n > 100000)
		return cli_usage(cmd, "%s must be a whole number from 1 to 100000, not '%s'", opt,
				 v);
	*(unsigned *)to = (unsigned)n;
	return 0;
}

static int rate_opt(const char *cmd, const char *opt, const char *v, void *to)
{
	char *end;
	double rate = strtod(v, &end);
	if (*end || rate < 0)
		return cli_usage(cmd, "%s must be a number of requests per second", opt);
	*(double *)to = rate;
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	struct bt_server_options o = {NULL, NULL, 1000, 0, BT_MAX_CONNECTIONS, BT_PER_CLIENT,
				      BT_HEADER_TIMEOUT_S, BT_REQUEST_TIMEOUT_S, BT_DEAD_BUDGET_MB,
				      BT_DEAD_CAP_MB, NULL};
	const char *dbpath = NULL;
	int first, rc, routes = 0;
	const struct cli_option opts[] = {
		CLI_OPT_STRING("db", 0, &dbpath),
		CLI_OPT_STRING("listen", 0, &o.listen),
		CLI_OPT_STRING("web-dir", 0, &o.web_dir),
		CLI_OPT_CALL("rate", 0, rate_opt, &o.rate),
		CLI_OPT_BOOL("quiet", &o.quiet),
		CLI_OPT_BOOL("routes", &routes),
		CLI_OPT_CALL("max-connections", 0, count_opt, &o.max_connections),
		CLI_OPT_CALL("per-client", 0, count_opt, &o.per_client),
		CLI_OPT_CALL("header-timeout", 0, count_opt, &o.header_timeout_s),
		CLI_OPT_CALL("request-timeout", 0, count_opt, &o.request_timeout_s),
		CLI_OPT_CALL("dead-letter-budget", 0, count_opt, &o.dead_budget_mb),
		CLI_OPT_CALL("dead-letter-cap", 0, count_opt, &o.dead_cap_mb),
		CLI_OPT_END,
	};
	if ((rc = cli_parse("serve", help, opts, argc, argv, &first)) != CLI_GO)
		return rc;
	if (routes) { /* method, path, query parameters */
		for (size_t i = 0; i < bt_nroutes; i++)
			printf("%s %s %s\n", bt_routes[i].method, bt_routes[i].pattern,
			       bt_routes[i].params ? bt_routes[i].params : "-");
		return EXIT_OK;
	}
	if (first < argc)
		return cli_usage("serve", "unexpected argument '%s'", argv[first]);
	o.db_path = cli_db_path(dbpath);
	return bt_server_run(&o);
}
