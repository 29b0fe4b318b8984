/* SPDX-License-Identifier: Apache-2.0 */
/* http.c - libmicrohttpd glue for `baton serve`; see server.h. */
#define _GNU_SOURCE 1 /* syscall */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <signal.h>
#include <sodium.h>

#include "baton/json.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

struct conn {
	struct bt_buf body;
	int too_large;
	struct timespec start;
};

/* ---- the access log and the HTTP library's messages, as JSON lines ---- */

/* Leave out what could name a client in a library message: quoted parts
 * (a URL, a header, a page) become '...', and addresses (runs of digits and
 * dots, or of hex digits and colons) become '*'. */
static void redact(const char *m, char *out, size_t size)
{
	size_t o = 0;
	for (const char *p = m; *p && o + 8 < size;) {
		if (*p == '\'' || *p == '`' || *p == '"') {
			const char *e = strchr(p + 1, *p == '`' ? '\'' : *p);
			if (e) {
				memcpy(out + o, "'...'", 5);
				o += 5, p = e + 1;
				continue;
			}
		}
		size_t n = strspn(p, "0123456789abcdefABCDEF.:");
		if (!memchr(p, ':', n)) /* then digits and dots, whatever follows ("10.0.0.1c") */
			n = strspn(p, "0123456789.");
		if (n >= 3 && (memchr(p, '.', n) || memchr(p, ':', n))) {
			out[o++] = '*', p += n;
			continue;
		}
		out[o++] = *p++;
	}
	out[o] = '\0';
}

/* One JSON record in the log: {"ts","level","from","msg"}. */
static void log_record(const char *level, const char *from, const char *msg)
{
	struct bt_buf b = BT_BUF_INIT;
	if (!bt_log_json(level, from, msg, &b) && !bt_buf_addc(&b, '\n'))
		fputs(b.data, stderr);
	bt_buf_release(&b);
}

void bt_log(const char *level, const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_record(level, "baton", msg);
}

/* MHD's own messages: one JSON record each, never a plain line. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[1024], clean[512];
	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\r\n")] = '\0';
	redact(msg, clean, sizeof(clean));
	log_record("error", "http", clean);
}

/* ---- connections: limits and deadlines ----
 * libmicrohttpd's idle timeout restarts with every byte, so a client that
 * sends a header line every few seconds would hold its thread for ever, and
 * at its connection limit the library stops accepting, leaving newcomers
 * waiting unanswered.  So baton keeps its own table: every connection has a
 * deadline for its request header and one for its whole request, a
 * watchdog shuts down the socket of one that misses it, and past the limits
 * (in all, and per client address, which the library enforces) a new
 * connection is closed at once. */
enum { WAIT_HEADER, READ_BODY, SERVING };

struct bt_conn_slot {
	MHD_socket fd;
	struct timespec since; /* start of the current phase */
	int phase;
	struct bt_conn_slot *prev, *next;
};

static enum MHD_Result accept_policy(void *cls, const struct sockaddr *addr, socklen_t len)
{
	struct bt_conns *conns = cls;
	(void)addr, (void)len;
	pthread_mutex_lock(&conns->mu);
	int ok = conns->n < conns->max;
	pthread_mutex_unlock(&conns->mu);
	return ok ? MHD_YES : MHD_NO; /* MHD_NO: closed at once */
}

static void notify_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			      enum MHD_ConnectionNotificationCode code)
{
	struct bt_conns *conns = cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		struct bt_conn_slot *s = bt_calloc(1, sizeof(*s));
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (!s)
			return;
		s->fd = ci ? ci->connect_fd : MHD_INVALID_SOCKET;
		clock_gettime(CLOCK_MONOTONIC, &s->since);
		pthread_mutex_lock(&conns->mu);
		s->next = conns->head;
		if (conns->head)
			conns->head->prev = s;
		conns->head = s;
		conns->n++;
		pthread_mutex_unlock(&conns->mu);
		*socket_context = s;
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
		struct bt_conn_slot *s = *socket_context;
		pthread_mutex_lock(&conns->mu); /* the socket is closed after this */
		if (s->prev)
			s->prev->next = s->next;
		else
			conns->head = s->next;
		if (s->next)
			s->next->prev = s->prev;
		conns->n--;
		pthread_mutex_unlock(&conns->mu);
		bt_free(s);
		*socket_context = NULL;
	}
}

/* The connection's request moved on to phase. */
static void phase(struct bt_conns *conns, struct MHD_Connection *c, int to)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct bt_conn_slot *s = ci ? ci->socket_context : NULL;
	if (!s)
		return;
	pthread_mutex_lock(&conns->mu);
	s->phase = to;
	clock_gettime(CLOCK_MONOTONIC, &s->since);
	pthread_mutex_unlock(&conns->mu);
}

static void *watchdog(void *arg)
{
	struct bt_conns *conns = arg;
	for (;;) {
		struct timespec t = {0, 200 * 1000 * 1000}, now;
		nanosleep(&t, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);
		pthread_mutex_lock(&conns->mu);
		if (conns->stop) {
			pthread_mutex_unlock(&conns->mu);
			return NULL;
		}
		for (struct bt_conn_slot *s = conns->head; s; s = s->next) {
			double age = (double)(now.tv_sec - s->since.tv_sec) +
				     (double)(now.tv_nsec - s->since.tv_nsec) / 1e9;
			if ((s->phase == WAIT_HEADER && age >= conns->header_s) ||
			    (s->phase == READ_BODY && age >= conns->request_s)) {
				shutdown(s->fd, SHUT_RDWR); /* its thread reads the end and closes it */
				s->phase = SERVING;
			}
		}
		pthread_mutex_unlock(&conns->mu);
	}
}

/* ---- compressed bodies ---- */

/* Inflate in (gzip: with its header, else zlib's format or raw deflate, as
 * clients send "deflate" both ways) into at most BT_BODY_MAX bytes.  0, or
 * the HTTP status to answer (413: larger than the limit; 400: broken). */
static int inflate_body(const struct bt_buf *in, int gzip, struct bt_buf *out)
{
	int wbits = gzip ? 16 + MAX_WBITS : MAX_WBITS, status = 0;
	char *data = bt_malloc(BT_BODY_MAX + 1);
	if (!data)
		return 503;
	for (int attempt = 0; attempt < 2; attempt++) {
		z_stream z;
		size_t len = 0;
		int rc = Z_OK;
		memset(&z, 0, sizeof(z));
		if (inflateInit2(&z, wbits) != Z_OK) {
			bt_free(data);
			return 503;
		}
		z.next_in = (Bytef *)in->data;
		z.avail_in = (uInt)in->len;
		status = 0;
		while (!status) {
			z.next_out = (Bytef *)data + len;
			z.avail_out = (uInt)(BT_BODY_MAX + 1 - len);
			rc = inflate(&z, Z_NO_FLUSH);
			len = BT_BODY_MAX + 1 - z.avail_out;
			if (len > BT_BODY_MAX)
				status = 413; /* a bomb, or just too much */
			else if (rc == Z_STREAM_END && gzip && z.avail_in) {
				inflateReset(&z); /* gzip members may follow each other */
			} else if (rc == Z_STREAM_END)
				break;
			else if (rc != Z_OK || z.avail_in == 0)
				status = 400; /* broken, or cut short */
		}
		if (!status && z.avail_in)
			status = 400; /* bytes after the end */
		inflateEnd(&z);
		if (status == 400 && !gzip && attempt == 0 && rc == Z_DATA_ERROR && len == 0) {
			wbits = -MAX_WBITS; /* "deflate" sent raw */
			continue;
		}
		if (!status) {
			bt_buf_release(out);
			out->data = data, out->len = len, out->cap = BT_BODY_MAX + 1;
			data[len] = '\0';
			return 0;
		}
		break;
	}
	bt_free(data);
	return status;
}

/* Undo the request's Content-Encoding; 0, or an error answer is set. */
static int decode_body(struct MHD_Connection *c, struct conn *cs, struct bt_response *rs)
{
	const char *enc = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_ENCODING);
	int gzip;
	if (!enc || !*enc || !strcasecmp(enc, "identity"))
		return 0;
	if (!strcasecmp(enc, "gzip") || !strcasecmp(enc, "x-gzip"))
		gzip = 1;
	else if (!strcasecmp(enc, "deflate"))
		gzip = 0;
	else {
		char msg[160];
		snprintf(msg, sizeof(msg), "Content-Encoding '%.40s' is not supported (send gzip, deflate or none)", enc);
		bt_respond_err(rs, BT_EUNSUPPORTED, msg);
		return -1;
	}
	int status = inflate_body(&cs->body, gzip, &cs->body);
	if (status == 413)
		bt_respond_err(rs, BT_ELIMIT, "the request body is larger than 512 KiB once decompressed");
	else if (status == 400)
		bt_respond_err(rs, BT_EINVAL, gzip ? "the body is not valid gzip data" : "the body is not valid deflate data");
	else if (status)
		bt_respond_error(rs, 503, "unavailable", "out of memory; retry");
	return status ? -1 : 0;
}

/* Per-token buckets: what a token may still spend, refilled at a rate up
 * to a capacity (the requests of the rate limit; the bytes of dead letters). */
struct bt_bucket {
	int64_t token;
	double left;
	struct timespec last;
};

static double secs(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* The token's bucket, refilled at per_s up to capacity (a new one is
 * full); NULL without memory.  Call with t->mu held. */
static struct bt_bucket *bucket(struct bt_buckets *t, int64_t token, double per_s,
				double capacity)
{
	struct timespec now;
	struct bt_bucket *b = NULL;
	clock_gettime(CLOCK_MONOTONIC, &now);
	for (size_t i = 0; i < t->n && !b; i++)
		if (t->v[i].token == token)
			b = &t->v[i];
	if (!b && t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct bt_bucket *p = bt_realloc(t->v, cap * sizeof(*p));
		if (p)
			t->v = p, t->cap = cap;
	}
	if (!b && t->n < t->cap) {
		b = &t->v[t->n++];
		*b = (struct bt_bucket){token, capacity, now};
	}
	if (b) {
		b->left += secs(&b->last, &now) * per_s;
		if (b->left > capacity)
			b->left = capacity;
		b->last = now;
	}
	return b;
}

/* Take one request from the token's bucket: 0, or the seconds to wait. */
static int rate_take(struct bt_server *s, int64_t token)
{
	double per_s = s->opt->rate;
	int wait = 0;
	if (per_s <= 0)
		return 0;
	pthread_mutex_lock(&s->rate.mu);
	/* bursts of two seconds' worth */
	struct bt_bucket *b = bucket(&s->rate, token, per_s, 2 * per_s);
	if (b && b->left >= 1)
		b->left -= 1;
	else if (b)
		wait = (int)((1 - b->left) / per_s) + 1;
	pthread_mutex_unlock(&s->rate.mu);
	return wait;
}

/* Dead letters: each token may keep dead_budget bytes, refilled over
 * DEAD_REFILL_S; spend takes what its requests kept. */
#define DEAD_REFILL_S 600.0
int64_t bt_dead_budget(struct bt_server *s, int64_t token)
{
	double cap = (double)s->opt->dead_budget_mb * 1024 * 1024;
	pthread_mutex_lock(&s->dead.mu);
	struct bt_bucket *b = bucket(&s->dead, token, cap / DEAD_REFILL_S, cap);
	int64_t left = b ? (int64_t)b->left : 0;
	pthread_mutex_unlock(&s->dead.mu);
	return left;
}

void bt_dead_spend(struct bt_server *s, int64_t token, uint64_t bytes)
{
	double cap = (double)s->opt->dead_budget_mb * 1024 * 1024;
	pthread_mutex_lock(&s->dead.mu);
	struct bt_bucket *b = bucket(&s->dead, token, cap / DEAD_REFILL_S, cap);
	if (b)
		b->left = b->left > (double)bytes ? b->left - (double)bytes : 0;
	pthread_mutex_unlock(&s->dead.mu);
}

/* A read-only connection of the pool (waits while all are in use). */
struct bt_db *bt_reader_get(struct bt_server *s)
{
	pthread_mutex_lock(&s->rmu);
	while (!s->nfree)
		pthread_cond_wait(&s->rcond, &s->rmu);
	struct bt_db *db = s->readers[s->free[--s->nfree]];
	pthread_mutex_unlock(&s->rmu);
	return db;
}

void bt_reader_put(struct bt_server *s, struct bt_db *db)
{
	pthread_mutex_lock(&s->rmu);
	for (int i = 0; i < BT_READERS; i++)
		if (s->readers[i] == db)
			s->free[s->nfree++] = i;
	pthread_cond_signal(&s->rcond);
	pthread_mutex_unlock(&s->rmu);
}

int bt_respond_err(struct bt_response *rs, int code, const char *detail)
{
	return bt_respond_error(rs, bt_err_http_status(code), bt_err_json_code(code), detail);
}

int bt_respond_error(struct bt_response *rs, int status, const char *code, const char *detail)
{
	rs->status = status;
	bt_buf_reset(&rs->body);
	return bt_error_json(code, detail, &rs->body);
}

const char *bt_query(const struct bt_request *rq, const char *key)
{
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, key);
}

/* Does path match pattern?  {x} segments are captured into params. */
static int match(const char *pattern, const char *path, char caps[3][512], int *ncaps)
{
	*ncaps = 0;
	while (*pattern && *path) {
		if (*pattern == '{') {
			const char *pe = strchr(pattern, '}');
			const char *se = strchr(path, '/');
			size_t n = se ? (size_t)(se - path) : strlen(path);
			if (!pe || n == 0 || n >= 512 || *ncaps == 3)
				return 0;
			memcpy(caps[*ncaps], path, n);
			caps[(*ncaps)++][n] = '\0';
			pattern = pe + 1;
			path += n;
			continue;
		}
		if (*pattern != *path)
			return 0;
		pattern++, path++;
	}
	return *pattern == '\0' && *path == '\0';
}

static void metric_add(uint64_t *v, uint64_t n) { __atomic_fetch_add(v, n, __ATOMIC_RELAXED); }

static const double latency_bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
					0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

static void observe(struct bt_server *s, int status, double seconds)
{
	int cls = status / 100;
	if (cls >= 1 && cls <= 5)
		metric_add(&s->requests[cls], 1);
	for (size_t i = 0; i < sizeof(latency_bounds) / sizeof(latency_bounds[0]); i++)
		if (seconds <= latency_bounds[i]) {
			metric_add(&s->latency[i], 1);
			break;
		}
	metric_add(&s->latency_sum_ns, (uint64_t)(seconds * 1e9));
}

/* The Prometheus text of /metrics (no labels that could hold personal data). */
int bt_metrics_text(struct bt_server *s, struct bt_buf *b);
int bt_metrics_text(struct bt_server *s, struct bt_buf *b)
{
	static const char *const cls[] = {"", "1xx", "2xx", "3xx", "4xx", "5xx"};
	uint64_t cum = 0, total = 0;
	bt_buf_adds(b, "# HELP baton_http_requests_total HTTP requests by status class.\n"
		       "# TYPE baton_http_requests_total counter\n");
	for (int i = 1; i <= 5; i++) {
		uint64_t v = __atomic_load_n(&s->requests[i], __ATOMIC_RELAXED);
		total += v;
		bt_buf_printf(b, "baton_http_requests_total{code=\"%s\"} %llu\n", cls[i],
			      (unsigned long long)v);
	}
	bt_buf_adds(b, "# HELP baton_http_request_duration_seconds Request latency.\n"
		       "# TYPE baton_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i < sizeof(latency_bounds) / sizeof(latency_bounds[0]); i++) {
		cum += __atomic_load_n(&s->latency[i], __ATOMIC_RELAXED);
		bt_buf_printf(b, "baton_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
			      latency_bounds[i], (unsigned long long)cum);
	}
	double sum = (double)__atomic_load_n(&s->latency_sum_ns, __ATOMIC_RELAXED) / 1e9;
	bt_buf_printf(b, "baton_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
			 "baton_http_request_duration_seconds_sum %.6f\n"
			 "baton_http_request_duration_seconds_count %llu\n",
		      (unsigned long long)total, sum, (unsigned long long)total);
	bt_buf_printf(b, "# HELP baton_events_ingested_total Events accepted and durable.\n"
			 "# TYPE baton_events_ingested_total counter\n"
			 "baton_events_ingested_total %llu\n"
			 "# HELP baton_events_rejected_total Records rejected (kept as dead letters).\n"
			 "# TYPE baton_events_rejected_total counter\n"
			 "baton_events_rejected_total %llu\n"
			 "# HELP baton_events_duplicate_total Events whose id was seen before.\n"
			 "# TYPE baton_events_duplicate_total counter\n"
			 "baton_events_duplicate_total %llu\n"
			 "# HELP baton_commits_total Transactions committed for ingest requests.\n"
			 "# TYPE baton_commits_total counter\n"
			 "baton_commits_total %llu\n"
			 "# HELP baton_committed_requests_total Ingest requests made durable (several may share a commit).\n"
			 "# TYPE baton_committed_requests_total counter\n"
			 "baton_committed_requests_total %llu\n"
			 "# HELP baton_dead_letters_refused_total Rejected records not kept (a token's budget or the cap was reached).\n"
			 "# TYPE baton_dead_letters_refused_total counter\n"
			 "baton_dead_letters_refused_total %llu\n"
			 "# HELP baton_ingest_queue_depth Ingest requests in progress.\n"
			 "# TYPE baton_ingest_queue_depth gauge\n"
			 "baton_ingest_queue_depth %llu\n",
		      (unsigned long long)__atomic_load_n(&s->ingested, __ATOMIC_RELAXED),
		      (unsigned long long)__atomic_load_n(&s->rejected, __ATOMIC_RELAXED),
		      (unsigned long long)__atomic_load_n(&s->duplicates, __ATOMIC_RELAXED),
		      (unsigned long long)__atomic_load_n(&s->commits, __ATOMIC_RELAXED),
		      (unsigned long long)__atomic_load_n(&s->committed_requests, __ATOMIC_RELAXED),
		      (unsigned long long)__atomic_load_n(&s->dead_refused, __ATOMIC_RELAXED),
		      (unsigned long long)__atomic_load_n(&s->in_flight, __ATOMIC_RELAXED));
	bt_buf_printf(b, "# HELP baton_live_last_event The last event number in the live state.\n"
			 "# TYPE baton_live_last_event gauge\n"
			 "baton_live_last_event %lld\n",
		      (long long)bt_live_seq(s->live));
	int rc = bt_purge_metrics(s, b);
	return rc ? rc : bt_hooks_metrics(s, b);
}

/* A quick request (the agent's context, the guard, one profile) asks the
 * kernel for a short time slice, and any other gives it back.  Under the
 * EEVDF scheduler (Linux 6.12 and later) a thread woken with a shorter
 * slice runs before one that is busy with a longer one, so a quick answer
 * does not wait behind the parsing of an ingest burst on a busy machine:
 * measured with bench/http.sh, the context call's p99 under ingest fell
 * from 0.33 to 0.1 ms of server time.  Older kernels ignore the request.
 * The thread's slice is remembered, so a connection that keeps to one kind
 * of request makes the call once. */
struct slice_attr { /* struct sched_attr of the kernel's ABI */
	uint32_t size, policy;
	uint64_t flags;
	int32_t nice;
	uint32_t priority;
	uint64_t runtime, deadline, period;
};
#define QUICK_SLICE_NS 100000 /* the shortest slice the kernel grants */

static void time_slice(int quick)
{
	static __thread int current; /* 0 unknown, 1 default, 2 quick */
	if (current == quick + 1)
		return;
	current = quick + 1;
	struct slice_attr a = {sizeof(a), 0 /* SCHED_OTHER */, 0, 0, 0,
			       quick ? QUICK_SLICE_NS : 0 /* 0: the default */, 0, 0};
	(void)syscall(SYS_sched_setattr, 0, &a, 0);
}

/* The token of the request: "Bearer TOKEN", or HTTP Basic with the token as
 * the user name (how Segment SDKs send their write key).  buf holds the
 * decoded Basic credentials. */
static const char *bearer(struct MHD_Connection *c, char *buf, size_t size)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	if (!h)
		return NULL;
	if (!strncasecmp(h, "Bearer ", 7)) {
		h += 7;
		while (*h == ' ')
			h++;
		return h;
	}
	if (strncasecmp(h, "Basic ", 6))
		return NULL;
	size_t n = 0;
	if (strlen(h + 6) > 4 * size / 3 ||
	    sodium_base642bin((unsigned char *)buf, size - 1, h + 6, strlen(h + 6), NULL, &n, NULL,
			      sodium_base64_VARIANT_ORIGINAL))
		return NULL;
	buf[n] = '\0';
	char *colon = strchr(buf, ':');
	if (colon)
		*colon = '\0';
	return buf;
}

/* The "writeKey" member of a JSON body, as Segment SDKs send it. */
static const char *body_key(const struct conn *cs, char *buf, size_t size)
{
	struct bt_json_doc doc;
	const char *key = NULL;
	bt_json_doc_init(&doc);
	if (cs->body.len && bt_json_parse(&doc, cs->body.data, cs->body.len, 64, NULL) == 0 &&
	    doc.nodes[0].type == BT_JSON_OBJECT) {
		uint32_t v = bt_json_get(&doc, 0, "writeKey");
		if (v && doc.nodes[v].type == BT_JSON_STRING && doc.nodes[v].len < size) {
			memcpy(buf, doc.nodes[v].s, doc.nodes[v].len + 1);
			key = buf;
		}
	}
	bt_json_doc_release(&doc);
	return key;
}

/* The query parameters of a request against those its route takes. */
struct argcheck {
	const char *allowed; /* space-separated names; NULL: none */
	const char *seen[16];
	int n;
	char bad[200]; /* why not, once one is found */
};

int bt_word_in(const char *words, const char *w)
{
	size_t n = strlen(w);
	for (const char *p = words; p && *p;) {
		const char *e = strchr(p, ' ');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && !memcmp(p, w, n))
			return 1;
		p = e ? e + 1 : p + len;
	}
	return 0;
}

static enum MHD_Result arg_seen(void *cls, enum MHD_ValueKind kind, const char *key,
				const char *value)
{
	struct argcheck *a = cls;
	(void)kind, (void)value;
	if (!bt_word_in(a->allowed, key)) {
		snprintf(a->bad, sizeof(a->bad), "unknown query parameter '%.60s' (%s%s)", key,
			 a->allowed ? "this route takes: " : "this route takes none",
			 a->allowed ? a->allowed : "");
		return MHD_NO;
	}
	for (int i = 0; i < a->n; i++)
		if (!strcmp(a->seen[i], key)) {
			snprintf(a->bad, sizeof(a->bad), "query parameter '%.60s' is given twice", key);
			return MHD_NO;
		}
	if (a->n < 16)
		a->seen[a->n++] = key;
	return MHD_YES;
}

/* Route, authenticate, authorise, rate-limit and run one request. */
static const char *dispatch(struct bt_server *s, struct MHD_Connection *c, const char *url,
			    const char *method, struct conn *cs, struct bt_response *rs,
			    int64_t *token_id)
{
	char caps[3][512];
	int ncaps, path_known = 0;
	const struct bt_route *r = NULL;
	for (size_t i = 0; i < bt_nroutes && !r; i++)
		if (match(bt_routes[i].pattern, url, caps, &ncaps)) {
			path_known = 1;
			if (!strcmp(bt_routes[i].method, method))
				r = &bt_routes[i];
		}
	if (!r) {
		if (path_known)
			bt_respond_error(rs, 405, "method_not_allowed", "this path does not take that method");
		else
			bt_respond_err(rs, BT_ENOTFOUND, "no such route");
		return path_known ? "(method not allowed)" : "(no route)";
	}
	time_slice(r->quick);
	if (cs->too_large) {
		bt_respond_err(rs, BT_ELIMIT, "the request body is larger than 512 KiB");
		return r->pattern;
	}
	struct bt_token who;
	memset(&who, 0, sizeof(who));
	if (r->roles) {
		char basic[256];
		unsigned char hash[32];
		const char *tok = bearer(c, basic, sizeof(basic));
		struct bt_err err = {0, ""};
		int rc, session = 0;
		if (!tok && (r->roles & BODY_KEY))
			tok = body_key(cs, basic, sizeof(basic));
		if (!tok) /* a signed-in browser: its session's token */
			session = bt_session_token(s, c, hash);
		if (!tok && session <= 0) {
			bt_respond_err(rs, BT_EAUTH,
				       session < 0 ? "the session has ended: sign in again"
						   : "send a token: Authorization: Bearer <token>");
			return r->pattern;
		}
		/* a browser's cookie goes with any request to this server, also
		 * one another site's page makes it send: a change must come
		 * from a page of this server's own */
		if (session > 0 && strcmp(method, "GET") && strcmp(method, "HEAD") &&
		    !bt_same_origin(c)) {
			bt_respond_err(rs, BT_EDENIED, "a signed-in change must come from this "
						       "server's own page (Origin)");
			return r->pattern;
		}
		/* on a reader of its own: never behind the committer's lock */
		struct bt_db *rdb = bt_reader_get(s);
		rc = session > 0 ? bt_token_check_hash(rdb, hash, &who, &err)
				 : bt_token_check(rdb, tok, &who, &err);
		bt_reader_put(s, rdb);
		if (rc) {
			if (rc == BT_EAUTH && session > 0)
				bt_session_end(s, c); /* revoked: the session ends with it */
			if (rc == BT_EAUTH)
				bt_respond_err(rs, BT_EAUTH, session > 0 ? "the token of this session was revoked"
									 : "invalid or revoked token");
			else /* whatever failed, the client hears of the store */
				bt_respond_err(rs, BT_ESTORE, "the token could not be checked");
			return r->pattern;
		}
		*token_id = who.id;
		if (!(r->roles & ROLE(who.role))) {
			bt_respond_err(rs, BT_EDENIED, "this token's role may not use this route");
			bt_token_release(&who);
			return r->pattern;
		}
		int wait = rate_take(s, who.id);
		if (wait) {
			bt_respond_err(rs, BT_ERATE, "too many requests for this token");
			snprintf(rs->retry_after, sizeof(rs->retry_after), "%d", wait);
			bt_token_release(&who);
			return r->pattern;
		}
	}
	/* a compressed body is opened only for a caller the route admits */
	if (cs->body.len && decode_body(c, cs, rs)) {
		bt_token_release(&who);
		return r->pattern;
	}
	struct argcheck args = {r->params, {NULL}, 0, ""};
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, arg_seen, &args);
	if (args.bad[0]) {
		bt_respond_err(rs, BT_EINVAL, args.bad);
		bt_token_release(&who);
		return r->pattern;
	}
	struct bt_request rq = {method, url, {ncaps > 0 ? caps[0] : NULL, ncaps > 1 ? caps[1] : NULL,
					      ncaps > 2 ? caps[2] : NULL},
				MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE),
				cs->body.data ? cs->body.data : "", cs->body.len, &who, c};
	if (r->fn(s, &rq, rs))
		bt_respond_error(rs, 500, "internal", "the request could not be served");
	bt_token_release(&who);
	return r->pattern;
}

/* The method as logged: one of HTTP's, else "other" (a client chooses it). */
static const char *known_method(const char *m)
{
	static const char *const known[] = {"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(m, known[i]))
			return known[i];
	return "other";
}

/* Send rs: its body, or the server's file it names (rs->data, kept until
 * the server stops), with the headers it asks for. */
static enum MHD_Result respond(struct MHD_Connection *c, const struct bt_response *rs)
{
	struct MHD_Response *resp;
	if (rs->status == 304)
		resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	else if (rs->data)
		resp = MHD_create_response_from_buffer(rs->data_len, (void *)rs->data,
						       MHD_RESPMEM_PERSISTENT);
	else
		resp = MHD_create_response_from_buffer(rs->body.len,
						       rs->body.data ? rs->body.data : (void *)"",
						       MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return MHD_NO;
	if (rs->status != 304)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
					rs->content_type ? rs->content_type : "application/json");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Content-Security-Policy", bt_csp);
	/* same-origin, not no-referrer: under no-referrer a browser sends
	 * "Origin: null" with a POST, which the check against other sites
	 * (bt_same_origin) must refuse; other sites still learn nothing */
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, rs->cache ? rs->cache : "no-store");
	if (rs->etag)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, rs->etag);
	if (rs->encoding && rs->status != 304)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, rs->encoding);
	if (rs->vary)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
	if (rs->location[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, rs->location);
	if (rs->cookie[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, rs->cookie);
	if (rs->retry_after[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, rs->retry_after);
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)rs->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	struct bt_server *s = cls;
	struct conn *cs = *con_cls;
	(void)version;
	if (!cs) {
		if (!(cs = bt_calloc(1, sizeof(*cs))))
			return MHD_NO;
		cs->body.max = BT_BODY_MAX;
		clock_gettime(CLOCK_MONOTONIC, &cs->start);
		*con_cls = cs;
		phase(&s->conns, c, READ_BODY); /* the header is in: now the body's deadline */
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > BT_BODY_MAX) {
			/* refuse before reading: the body is never received */
			struct bt_buf msg = BT_BUF_INIT;
			bt_error_json(bt_err_json_code(BT_ELIMIT),
				      "the request body is larger than 512 KiB", &msg);
			struct MHD_Response *r = bt_buf_status(&msg) ? NULL
				: MHD_create_response_from_buffer(msg.len, msg.data, MHD_RESPMEM_MUST_COPY);
			bt_buf_release(&msg);
			if (!r)
				return MHD_NO;
			MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
			MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
			enum MHD_Result q = MHD_queue_response(c, 413, r);
			MHD_destroy_response(r);
			observe(s, 413, 0);
			return q;
		}
		return MHD_YES;
	}
	if (*upload_size) {
		if (!cs->too_large && bt_buf_add(&cs->body, upload, *upload_size))
			cs->too_large = 1;
		*upload_size = 0;
		return MHD_YES;
	}
	struct bt_response rs;
	memset(&rs, 0, sizeof(rs));
	rs.status = 200;
	int64_t token = 0;
	size_t bytes_in = cs->body.len; /* as sent, before any decompression */
	phase(&s->conns, c, SERVING);
	const char *route = NULL;
	const char *body = cs->too_large ? NULL : cs->body.data ? cs->body.data : "";
	if ((route = bt_web_handle(s, c, url, method, body, cs->body.len, &rs)))
		time_slice(1);
	else
		route = dispatch(s, c, url, method, cs, &rs, &token);
	enum MHD_Result ret = respond(c, &rs);
	struct timespec end;
	clock_gettime(CLOCK_MONOTONIC, &end);
	double took = secs(&cs->start, &end);
	observe(s, rs.status, took);
	if (!s->opt->quiet) { /* the route template, never the path: no identifiers in logs */
		struct bt_buf line = BT_BUF_INIT;
		if (!bt_access_json(known_method(method), route, rs.status, took * 1000, bytes_in,
				    rs.data ? rs.data_len : rs.body.len, token, &line) &&
		    !bt_buf_addc(&line, '\n'))
			fputs(line.data, stderr);
		bt_buf_release(&line);
	}
	bt_buf_release(&rs.body);
	return ret;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct bt_server *s = cls;
	struct conn *cs = *con_cls;
	(void)toe;
	phase(&s->conns, c, WAIT_HEADER); /* kept alive: the next request's header is due */
	if (cs) {
		bt_buf_release(&cs->body);
		bt_free(cs);
	}
	*con_cls = NULL;
}

static int parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[256];
	const char *colon = strrchr(s, ':');
	char *end;
	if (!colon || (size_t)(colon - s) >= sizeof(host))
		return -1;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 1 || port > 65535)
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		host[strlen(host) - 1] = '\0';
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		*len = sizeof(*a);
		return inet_pton(AF_INET6, host + 1, &a->sin6_addr) == 1 ? 6 : -1;
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	*len = sizeof(*a);
	return inet_pton(AF_INET, host, &a->sin_addr) == 1 ? 4 : -1;
}

/* Set the limits of the connection table and start its watchdog. */
static int watchdog_start(struct bt_server *s)
{
	struct bt_conns *conns = &s->conns;
	const struct bt_server_options *o = s->opt;
	conns->max = o->max_connections ? o->max_connections : BT_MAX_CONNECTIONS;
	conns->header_s = o->header_timeout_s ? o->header_timeout_s : BT_HEADER_TIMEOUT_S;
	conns->request_s = o->request_timeout_s ? o->request_timeout_s : BT_REQUEST_TIMEOUT_S;
	conns->stop = 0;
	conns->watching = pthread_create(&conns->watchdog, NULL, watchdog, conns) == 0;
	return conns->watching ? 0 : -1;
}

static void watchdog_stop(struct bt_conns *conns)
{
	if (!conns->watching)
		return;
	pthread_mutex_lock(&conns->mu);
	conns->stop = 1;
	pthread_mutex_unlock(&conns->mu);
	pthread_join(conns->watchdog, NULL);
	conns->watching = 0;
}

/* A server with nothing open yet. */
static void server_init(struct bt_server *s, const struct bt_server_options *o)
{
	memset(s, 0, sizeof(*s));
	s->opt = o;
	pthread_mutex_init(&s->mu, NULL);
	pthread_mutex_init(&s->rmu, NULL);
	pthread_cond_init(&s->rcond, NULL);
	pthread_mutex_init(&s->rate.mu, NULL);
	pthread_mutex_init(&s->dead.mu, NULL);
	pthread_mutex_init(&s->conns.mu, NULL);
	pthread_mutex_init(&s->hooks.dbmu, NULL);
}

/* Stop the threads, close and free what is open: whatever part of the
 * start up went through (each step can tell whether it ran). */
static void server_release(struct bt_server *s)
{
	watchdog_stop(&s->conns);
	bt_announcer_stop(s); /* before the hooks it kicks and the live state it reads */
	bt_hooks_stop(s);
	bt_commit_stop(s);
	bt_follow_stop(s);
	bt_hooks_close(s);
	bt_live_close(s->live);
	for (int i = 0; i < BT_READERS; i++)
		bt_db_close(s->readers[i]);
	bt_db_close(s->db);
	bt_free(s->rate.v);
	bt_free(s->dead.v);
	bt_web_release(&s->web);
	bt_sessions_release(&s->sessions);
	pthread_mutex_destroy(&s->hooks.dbmu);
	pthread_mutex_destroy(&s->conns.mu);
	pthread_mutex_destroy(&s->dead.mu);
	pthread_mutex_destroy(&s->rate.mu);
	pthread_cond_destroy(&s->rcond);
	pthread_mutex_destroy(&s->rmu);
	pthread_mutex_destroy(&s->mu);
}

/* The database's name as it may be shown: a PostgreSQL URL's password
 * (user:PASSWORD@ or password=) as ***. */
static const char *without_password(const char *where, char *out, size_t n)
{
	const char *auth = strstr(where, "://"), *at, *colon, *pw;
	size_t len = 0;
	if (!auth)
		return where;
	auth += 3;
	at = strchr(auth, '@');
	colon = strchr(auth, ':');
	if (at && (!strchr(auth, '/') || at < strchr(auth, '/')) && colon && colon < at)
		len = (size_t)snprintf(out, n, "%.*s***%s", (int)(colon + 1 - where), where, at);
	else
		len = (size_t)snprintf(out, n, "%s", where);
	if (len >= n)
		return "(a database URL too long to show)";
	if ((pw = strstr(out, "password="))) {
		char *v = (char *)pw + strlen("password="), *end = strchr(v, '&');
		char rest[512];
		snprintf(rest, sizeof(rest), "%s", end ? end : "");
		snprintf(v, n - (size_t)(v - out), "***%s", rest);
	}
	return out;
}

/* Open the writer's connection, the readers' pool and the live state,
 * built before the server listens so that every answer has it. */
static int server_open(struct bt_server *s, struct bt_err *err)
{
	const char *path = s->opt->db_path;
	struct timespec t0, t1;
	int rc;
	if ((rc = bt_web_load(&s->web, s->opt->web_dir, err)))
		return rc;
	if ((rc = bt_db_open(&s->db, path, 0, err)) || (rc = bt_hooks_open(s, err)) ||
	    (rc = bt_session_key(s->db, s->sessions.key, err)))
		return rc;
	for (int i = 0; i < BT_READERS; i++) {
		if ((rc = bt_db_open(&s->readers[i], path, BT_OPEN_READONLY, err)))
			return rc;
		s->free[s->nfree++] = i;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((rc = bt_live_open(path, &s->live, err)) || (rc = bt_live_refresh(s->live, err)))
		return rc;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("baton serve: %lld events in memory (%.2f s)\n", (long long)bt_live_seq(s->live),
	       secs(&t0, &t1));
	return 0;
}

/* Start libmicrohttpd on addr.  Its own connection limit lies above
 * baton's, so it never stops accepting: past baton's, accept_policy
 * closes the newcomer. */
static struct MHD_Daemon *listen_http(struct bt_server *s, int family,
				      const struct sockaddr_storage *addr)
{
	const struct bt_server_options *o = s->opt;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
			 MHD_USE_ERROR_LOG | (family == 6 ? MHD_USE_IPv6 : 0);
	return MHD_start_daemon(
		flags, 0, accept_policy, &s->conns, handle, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log,
		NULL, MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)addr, MHD_OPTION_NOTIFY_COMPLETED,
		completed, s, MHD_OPTION_NOTIFY_CONNECTION, notify_connection, &s->conns,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_CONNECTION_LIMIT,
		s->conns.max + 64, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		o->per_client ? o->per_client : BT_PER_CLIENT, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)(64 * 1024), MHD_OPTION_END);
}

/* Only a server that listens hands out its first admin token. */
static void first_admin(struct bt_server *s)
{
	struct bt_err err = {0, ""};
	int64_t admins = 0;
	pthread_mutex_lock(&s->mu);
	if (bt_token_admins(s->db, &admins, &err) == 0 && admins == 0) {
		char tok[BT_TOKEN_LEN + 1];
		int64_t id;
		if (bt_token_create(s->db, BT_ROLE_ADMIN, NULL, NULL, "first admin", tok, &id, &err) == 0)
			printf("baton serve: first start: an admin token was created; it is shown only "
			       "now:\n%s\n",
			       tok);
	}
	pthread_mutex_unlock(&s->mu);
}

/* Graceful: stop accepting, and give the requests in flight up to 30 s. */
static void drain(struct MHD_Daemon *d)
{
	MHD_quiesce_daemon(d);
	for (int i = 0; i < 300; i++) {
		const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (!info || info->num_connections == 0)
			break;
		struct timespec t = {0, 100 * 1000 * 1000};
		nanosleep(&t, NULL);
	}
}

int bt_server_run(const struct bt_server_options *o)
{
	struct bt_server s;
	struct bt_err err = {0, ""};
	struct sockaddr_storage addr;
	struct MHD_Daemon *d = NULL;
	socklen_t alen;
	sigset_t sigs;
	int sig, family, rc = 1;
	const char *listen = o->listen ? o->listen : "127.0.0.1:8080";
	server_init(&s, o);
	if ((family = parse_listen(listen, &addr, &alen)) < 0) {
		fprintf(stderr, "baton serve: --listen '%s' is not ADDR:PORT (like 127.0.0.1:8080 or [::1]:8080)\n", listen);
		goto out;
	}
	if (server_open(&s, &err)) {
		fprintf(stderr, "baton serve: %s\n", err.msg);
		goto out;
	}
	/* the signals are taken by this thread only: block them before the
	 * server's threads start, so they inherit the mask */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (bt_follow_start(&s) || bt_commit_start(&s) || bt_hooks_start(&s)) {
		fprintf(stderr, "baton serve: cannot start the committer thread\n");
		goto out;
	}
	if (watchdog_start(&s)) {
		fprintf(stderr, "baton serve: cannot start the connection watchdog\n");
		goto out;
	}
	if (!(d = listen_http(&s, family, &addr))) {
		fprintf(stderr, "baton serve: cannot listen on %s: %s\n", listen, strerror(errno));
		goto out;
	}
	/* what announces and purges starts once the server serves: one that
	 * cannot listen leaves the database as it was */
	if (bt_announcer_start(&s)) {
		fprintf(stderr, "baton serve: cannot start the announcer thread\n");
		goto out;
	}
	first_admin(&s);
	char where[512];
	printf("baton serve: listening on http://%s (database %s)\n", listen,
	       without_password(o->db_path, where, sizeof(where)));
	fflush(stdout);
	sigwait(&sigs, &sig);
	bt_log("info", "%s: finishing requests in flight", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	drain(d);
	rc = 0;
out:
	if (d)
		MHD_stop_daemon(d);
	server_release(&s);
	if (!rc)
		bt_log("info", "stopped");
	return rc;
}
