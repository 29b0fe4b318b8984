/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_serve.c - baton serve: the HTTP API. */
#include "cli.h"

#include "../server/server.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
	"usage: baton serve [--db PATH] [--listen ADDR:PORT] [--rate N] [--quiet]\n"
	"                   [--max-connections N] [--per-client N] [--header-timeout S]\n"
	"                   [--request-timeout S] [--dead-letter-budget MB] [--dead-letter-cap MB]\n"
	"       baton serve --routes\n"
	"\n"
	"Serve the HTTP API (docs/api.md; OpenAPI at /v1/openapi.json).  Binds\n"
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
	"  --routes           print the route table and exit\n";

/* A whole number from 1 to 100000 for option name. */
static int count_opt(const char *name, const char *v, unsigned *out)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);
	if (*end || !*v || *v == '-' || n < 1 || n > 100000)
		return cli_usage("serve", "%s must be a whole number from 1 to 100000, not '%s'", name, v);
	*out = (unsigned)n;
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},   {"listen", required_argument, NULL, 'l'},
		{"rate", required_argument, NULL, 'r'}, {"quiet", no_argument, NULL, 'q'},
		{"routes", no_argument, NULL, 'R'},     {"help", no_argument, NULL, 'h'},
		{"max-connections", required_argument, NULL, 'M'},
		{"per-client", required_argument, NULL, 'P'},
		{"header-timeout", required_argument, NULL, 'H'},
		{"request-timeout", required_argument, NULL, 'T'},
		{"dead-letter-budget", required_argument, NULL, 'B'},
		{"dead-letter-cap", required_argument, NULL, 'C'},
		{NULL, 0, NULL, 0}};
	struct bt_server_options o = {NULL, NULL, 1000, 0, BT_MAX_CONNECTIONS, BT_PER_CLIENT,
				      BT_HEADER_TIMEOUT_S, BT_REQUEST_TIMEOUT_S, BT_DEAD_BUDGET_MB,
				      BT_DEAD_CAP_MB};

	const char *dbpath = NULL;
	char *end;
	int c;
	while ((c = cli_getopt("serve", argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'd': dbpath = optarg; break;
		case 'l': o.listen = optarg; break;
		case 'r':
			o.rate = strtod(optarg, &end);
			if (*end || o.rate < 0)
				return cli_usage("serve", "--rate must be a number of requests per second");
			break;
		case 'q': o.quiet = 1; break;
		case 'M':
			if (count_opt("--max-connections", optarg, &o.max_connections))
				return EXIT_FAIL;
			break;
		case 'P':
			if (count_opt("--per-client", optarg, &o.per_client))
				return EXIT_FAIL;
			break;
		case 'H':
			if (count_opt("--header-timeout", optarg, &o.header_timeout_s))
				return EXIT_FAIL;
			break;
		case 'T':
			if (count_opt("--request-timeout", optarg, &o.request_timeout_s))
				return EXIT_FAIL;
			break;
		case 'B':
			if (count_opt("--dead-letter-budget", optarg, &o.dead_budget_mb))
				return EXIT_FAIL;
			break;
		case 'C':
			if (count_opt("--dead-letter-cap", optarg, &o.dead_cap_mb))
				return EXIT_FAIL;
			break;
		case 'R':
			for (size_t i = 0; i < bt_nroutes; i++) /* method, path, query parameters */
				printf("%s %s %s\n", bt_routes[i].method, bt_routes[i].pattern,
				       bt_routes[i].params ? bt_routes[i].params : "-");
			return EXIT_OK;
		case 'h': fputs(help, stdout); return EXIT_OK;
		default: return EXIT_FAIL;
		}
	}
	if (optind < argc)
		return cli_usage("serve", "unexpected argument '%s'", argv[optind]);
	o.db_path = cli_db_path(dbpath);
	return bt_server_run(&o);
}
