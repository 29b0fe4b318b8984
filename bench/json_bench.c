/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json_bench.c - throughput of bt_json_parse on NDJSON event lines.
 *
 * Generates about 100 MB of event lines shaped like baton's input (a dozen
 * fields: timestamps, event names, a nested "ids" object, a "props" object
 * of numbers and booleans, a tag array, an occasional escape or non-ASCII
 * name) in memory, then parses them line by line into one reused doc and
 * prints MB/s (best of five rounds).  Build and run from the repository
 * root:
 *
 *   make build/libbaton.a && cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L \
 *     -Iinclude -Isrc -o build/json_bench bench/json_bench.c \
 *     build/libbaton.a -lm && build/json_bench [megabytes]
 */
#include "util/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const events[] = {
	"chat.started", "chat.ended", "ticket.created", "ticket.solved",
	"call.missed", "order.placed", "survey.answered", "email.opened",
};
static const char *const names[] = {
	"Anna Schmidt", "Zo\xc3\xab Martin", "Jos\\u00e9 Garc\\u00eda",
	"Li Wei", "Olivia \\\"Liv\\\" Brown", "Mats \xc3\x85str\xc3\xb6m",
};

static unsigned long long rng = 0x9e3779b97f4a7c15ull;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* One event line with its newline; returns its length. */
static int event_line(char *o, size_t room, unsigned i)
{
	unsigned t = i * 7u;

	return snprintf(
		o, room,
		"{\"id\":\"evt_%09u\",\"ts\":\"2026-03-%02uT%02u:%02u:%02uZ\","
		"\"received_at\":\"2026-03-%02uT%02u:%02u:%02u.%03uZ\","
		"\"event\":\"%s\",\"source\":\"%s\",\"journey\":\"support\","
		"\"ids\":{\"email\":\"user%u@example.com\","
		"\"phone\":\"+49151%07u\",\"customer_id\":\"c_%u\"},"
		"\"name\":\"%s\",\"channel\":\"%s\",\"version\":%u,"
		"\"props\":{\"duration_s\":%u,\"messages\":%u,\"csat\":%u.%u,"
		"\"resolved\":%s,\"escalated\":%s,\"wait_ms\":%u,"
		"\"amount\":%d.%02u},"
		"\"tags\":[\"vip\",\"returning\"],\"agent\":null}\n",
		i, 1 + t / 86400 % 28, t / 3600 % 24, t / 60 % 60, t % 60,
		1 + t / 86400 % 28, t / 3600 % 24, t / 60 % 60, t % 60,
		rnd(1000), events[rnd(8)], rnd(2) ? "zendesk" : "intercom",
		rnd(100000), rnd(10000000), rnd(1000000), names[rnd(6)],
		rnd(2) ? "chat" : "email", 1 + rnd(3), rnd(3600), rnd(50),
		1 + rnd(4), rnd(10), rnd(2) ? "true" : "false",
		rnd(4) ? "false" : "true", rnd(100000), (int)rnd(2000) - 1000,
		rnd(100));
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	size_t want = (size_t)(argc > 1 ? strtoul(argv[1], NULL, 10) : 100) << 20;
	size_t len = 0, lines = 0;
	char *text = malloc(want + 1024);
	struct bt_json_doc d;
	struct bt_err err;
	double best = 1e9;
	unsigned long long nodes = 0;

	if (!text)
		return 1;
	while (len < want) {
		len += (size_t)event_line(text + len, 1024, (unsigned)lines);
		lines++;
	}
	bt_json_doc_init(&d);
	for (int round = 0; round < 5; round++) {
		double t0 = now();
		for (char *p = text, *end = text + len; p < end;) {
			char *nl = memchr(p, '\n', (size_t)(end - p));
			if (bt_json_parse(&d, p, (size_t)(nl - p), 0, &err)) {
				fprintf(stderr, "%s\n", err.msg);
				return 1;
			}
			nodes += d.count;
			p = nl + 1;
		}
		double t = now() - t0;
		if (t < best)
			best = t;
	}
	printf("%zu lines, %.1f MB, %.1f nodes/line: best %.3f s, %.0f MB/s\n",
	       lines, (double)len / 1e6, (double)nodes / 5 / (double)lines,
	       best, (double)len / 1e6 / best);
	bt_json_doc_release(&d);
	free(text);
	return 0;
}
