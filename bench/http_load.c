/* SPDX-License-Identifier: Apache-2.0 */
/*
 * http_load.c - load generator for `baton serve` (bench/http.sh).
 *
 * C keep-alive connections each POST batches of N events (NDJSON, unique
 * ids) to /v1/events for S seconds; optionally one more connection GETs a
 * read route in a loop (the agent's call) to measure its latency while
 * ingest runs.  Prints events/s and latency percentiles.  Loopback only.
 *
 *   cc -O2 -pthread -o build/http-load bench/http_load.c
 *   build/http-load PORT TOKEN [connections=4] [seconds=10] [batch=500] [read-path]
 *                   [events-per-second=0 (as fast as acknowledged)]
 *
 * Each connection's events go to 5,000 customers in turn (u<conn>-<n>);
 * BENCH_USERS=N makes it N (a large N: every event a new customer).
 *
 * With a rate, the connections together post that many events per second
 * (each paces its batches); the reader calls once per millisecond (an
 * agent's call, not a loop that would take a core of its own), and waits
 * for the first acknowledged batch so that it reads a customer who exists.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int port, seconds = 10, batch = 500;
static double rate; /* events/s over all connections; 0: unpaced */
static int conns = 4;
static long users = 5000; /* customers per connection (BENCH_USERS) */
static volatile int first_acked;
static const char *token, *read_path;
static volatile int stop;

struct stats {
	long events, requests, errors;
	double *lat;
	size_t nlat, cap;
};

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int connect_local(void)
{
	struct sockaddr_in a = {0};
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w <= 0)
			return -1;
		p += w, n -= (size_t)w;
	}
	return 0;
}

/* Read one response; returns the status or -1. */
static int read_response(int fd, char *buf, size_t cap)
{
	size_t got = 0;
	char *body;
	for (;;) {
		ssize_t r = read(fd, buf + got, cap - 1 - got);
		if (r <= 0)
			return -1;
		got += (size_t)r;
		buf[got] = 0;
		if ((body = strstr(buf, "\r\n\r\n")))
			break;
	}
	const char *cl = strcasestr(buf, "Content-Length:");
	size_t want = cl ? (size_t)strtoul(cl + 15, NULL, 10) : 0;
	size_t have = got - (size_t)(body + 4 - buf);
	while (have < want) {
		ssize_t r = read(fd, buf, cap - 1);
		if (r <= 0)
			return -1;
		have += (size_t)r;
	}
	return (int)strtol(buf + 9, NULL, 10); /* "HTTP/1.1 200" */
}

static void record(struct stats *s, double v)
{
	if (s->nlat == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->lat = realloc(s->lat, s->cap * sizeof(double));
	}
	s->lat[s->nlat++] = v;
}

static void *ingest(void *arg)
{
	struct stats *s = arg;
	static int next_conn;
	int conn = __atomic_fetch_add(&next_conn, 1, __ATOMIC_RELAXED);
	size_t cap = (size_t)batch * 256 + 4096;
	char *body = malloc(cap), *head = malloc(1024), *resp = malloc(65536);
	int fd = connect_local();
	long seq = 0, sent = 0;
	double start = now();
	while (!stop && fd >= 0) {
		if (rate > 0) { /* this connection's share of the rate */
			/* connections take turns, as independent producers would,
			 * rather than all posting at the same instant */
			double due = start + ((double)sent * conns + (double)conn * batch) / rate;
			struct timespec at = {(time_t)due, (long)((due - (double)(time_t)due) * 1e9)};
			while (!stop && now() < due)
				clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL);
			sent += batch;
		}
		size_t n = 0;
		for (int i = 0; i < batch; i++, seq++)
			n += (size_t)snprintf(body + n, cap - n,
					      "{\"id\":\"r%d-c%d-%ld\",\"ts\":\"2026-03-01T10:%02ld:00Z\",\"source\":\"web\","
					      "\"type\":\"page.viewed\",\"ids\":{\"user_id\":\"u%d-%ld\"},\"journey\":\"onboarding\"}\n",
					      (int)getpid(), conn, seq, seq % 60, conn, seq % users);
		int h = snprintf(head, 1024,
				 "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
				 "Content-Type: application/x-ndjson\r\nContent-Length: %zu\r\n\r\n",
				 token, n);
		double t0 = now();
		if (send_all(fd, head, (size_t)h) || send_all(fd, body, n)) {
			s->errors++;
			break;
		}
		int st = read_response(fd, resp, 65536);
		if (st == 200) {
			if (conn == 0) /* the reader's customer is conn 0's */
				first_acked = 1;
			s->events += batch;
			s->requests++;
			record(s, now() - t0);
		} else
			s->errors++;
	}
	if (fd >= 0)
		close(fd);
	free(body), free(head), free(resp);
	return NULL;
}

static void *reader(void *arg)
{
	struct stats *s = arg;
	char head[1024], *resp = malloc(1 << 20);
	int fd = connect_local();
	while (!stop && !first_acked && conns)
		usleep(1000);
	while (!stop && fd >= 0) {
		if (rate > 0)
			usleep(1000);
		int h = snprintf(head, sizeof(head),
				 "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n\r\n",
				 read_path, token);
		double t0 = now();
		if (send_all(fd, head, (size_t)h))
			break;
		if (read_response(fd, resp, 1 << 20) == 200) {
			s->requests++;
			record(s, now() - t0);
		} else
			s->errors++;
	}
	if (fd >= 0)
		close(fd);
	free(resp);
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(struct stats *s, double p)
{
	if (!s->nlat)
		return 0;
	size_t i = (size_t)(p / 100.0 * (double)s->nlat);
	return s->lat[i >= s->nlat ? s->nlat - 1 : i] * 1000.0;
}

/* A whole-number argument; the benchmark stops on anything else. */
static long num_arg(const char *what, const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end) {
		fprintf(stderr, "http-load: %s '%s' is not a whole number\n", what, s);
		exit(1);
	}
	return v;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: http-load PORT TOKEN [connections] [seconds] [batch] [read-path]\n");
		return 1;
	}
	port = (int)num_arg("PORT", argv[1]);
	token = argv[2];
	conns = argc > 3 ? (int)num_arg("connections", argv[3]) : 4;
	seconds = argc > 4 ? (int)num_arg("seconds", argv[4]) : 10;
	batch = argc > 5 ? (int)num_arg("batch", argv[5]) : 500;
	read_path = argc > 6 ? argv[6] : NULL;
	rate = argc > 7 ? atof(argv[7]) : 0;
	if (getenv("BENCH_USERS") && num_arg("BENCH_USERS", getenv("BENCH_USERS")) > 0)
		users = num_arg("BENCH_USERS", getenv("BENCH_USERS"));
	pthread_t th[64], rth;
	struct stats st[64] = {{0}}, rs = {0};
	if (conns < 0 || conns > 64)
		conns = 4;
	if (rate > 0)
		printf("pacing: %.0f events/s over %d connections\n", rate, conns);
	double t0 = now();
	for (int i = 0; i < conns; i++)
		pthread_create(&th[i], NULL, ingest, &st[i]);
	if (read_path)
		pthread_create(&rth, NULL, reader, &rs);
	sleep((unsigned)seconds);
	stop = 1;
	for (int i = 0; i < conns; i++)
		pthread_join(th[i], NULL);
	if (read_path)
		pthread_join(rth, NULL);
	double took = now() - t0;
	struct stats all = {0};
	for (int i = 0; i < conns; i++) {
		all.events += st[i].events, all.requests += st[i].requests, all.errors += st[i].errors;
		for (size_t k = 0; k < st[i].nlat; k++)
			record(&all, st[i].lat[k]);
	}
	qsort(all.lat, all.nlat, sizeof(double), cmp);
	/* every request's latency, one a line, for a caller that merges the
	 * figures of several clients (bench/pg_http.sh) */
	const char *latf = getenv("HTTP_LOAD_LATENCIES");
	FILE *lf = latf ? fopen(latf, "w") : NULL;
	if (lf) {
		for (size_t k = 0; k < all.nlat; k++)
			fprintf(lf, "%.4f\n", all.lat[k] * 1000.0);
		fclose(lf);
	}
	printf("ingest: %d connections, batches of %d, %.1f s: %ld events acknowledged, %.0f events/s, "
	       "%ld requests, %ld errors; latency p50 %.2f ms, p99 %.2f ms\n",
	       conns, batch, took, all.events, (double)all.events / took, all.requests, all.errors,
	       pct(&all, 50), pct(&all, 99));
	if (read_path) {
		qsort(rs.lat, rs.nlat, sizeof(double), cmp);
		printf("read %s during ingest: %ld calls, %ld errors; latency p50 %.3f ms, p99 %.3f ms\n",
		       read_path, rs.requests, rs.errors, pct(&rs, 50), pct(&rs, 99));
	}
	return 0;
}
