/* SPDX-License-Identifier: Apache-2.0 */
/*
 * webhooks.c - the webhooks of `baton serve` (docs/webhooks.md): the admin
 * routes, and the delivery worker, a thread of the server that sends the
 * deliveries that are due with libcurl and records every attempt.
 *
 * The worker has a writer connection of its own (s->hooks.db), so a send
 * never holds the ingest's writer; the admin routes that write use it too,
 * under s->hooks.dbmu, so that adding a webhook (which resolves its host)
 * never holds up an ingest commit.  Deliveries are claimed one at a time
 * in the database (bt_webhook_claim), so several servers on one database
 * never send the same one twice at once.  The worker wakes when a route
 * queues a ping, when the next delivery falls due, and at least once a
 * second for deliveries other processes queued.
 *
 * Each send: the URL's host is resolved and checked again (DNS may have
 * changed since the webhook was added), and curl connects only to the
 * addresses just checked (CURLOPT_RESOLVE), which the socket callback
 * checks once more before it opens a socket; http and https only, no
 * redirects, no proxy, a connect and a total timeout, the answer's body
 * read up to 64 KiB and thrown away.
 */
#define _GNU_SOURCE 1 /* pthread_setname_np */
#include "server.h"

#include "baton/json.h"
#include "baton/webhook.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HOOK_LEASE_MS 60000      /* a claim outlives any send */
#define HOOK_CONNECT_MS 5000
#define HOOK_TOTAL_MS 10000
#define HOOK_POLL_MS 1000        /* deliveries queued by other processes */
#define HOOK_ANSWER_MAX (64 * 1024)

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- one send ---- */

struct send {
	const struct bt_webhook_target *t;
	int allow_private;
	volatile int *stop;
	size_t answer;      /* bytes of the answer read */
	int capped;         /* the answer was longer than HOOK_ANSWER_MAX */
	char refused[160];  /* why the socket callback refused an address */
};

/* The last check, at the socket: curl may connect only to an address that
 * was just resolved and checked (a pinned one). */
static curl_socket_t open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct send *sd = arg;
	const struct sockaddr *sa = &a->addr;
	const char *why = bt_webhook_addr_refused(sa, sd->allow_private);
	(void)purpose;
	if (why || !bt_webhook_target_has(sd->t, sa)) {
		snprintf(sd->refused, sizeof(sd->refused), "refused to connect: %s",
			 why ? why : "an address that was not checked");
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype, a->protocol);
}

static size_t take_answer(char *p, size_t size, size_t n, void *arg)
{
	struct send *sd = arg;
	(void)p;
	sd->answer += size * n;
	if (sd->answer > HOOK_ANSWER_MAX) {
		sd->capped = 1;
		return 0; /* ends the transfer */
	}
	return size * n;
}

static int progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	struct send *sd = arg;
	(void)dt, (void)dn, (void)ut, (void)un;
	return __atomic_load_n(sd->stop, __ATOMIC_RELAXED) != 0; /* the server stops */
}

/* The request's headers, signed at ts; NULL without memory. */
static struct curl_slist *headers_of(const struct bt_webhook_job *job, int64_t ts)
{
	char h[4][160], sig[BT_WEBHOOK_SIG_LEN];
	struct curl_slist *l = NULL, *n = NULL;
	bt_webhook_sign(job->secret, job->secret_len, ts, job->body, job->body_len, sig);
	snprintf(h[0], sizeof(h[0]), "X-Baton-Event: %s", job->event);
	snprintf(h[1], sizeof(h[1]), "X-Baton-Delivery: %s", job->uid);
	snprintf(h[2], sizeof(h[2]), "X-Baton-Timestamp: %lld", (long long)ts);
	snprintf(h[3], sizeof(h[3]), "X-Baton-Signature: %s", sig);
	const char *all[] = {"Content-Type: application/json", "Expect:",
			     "User-Agent: baton-webhooks/" BATON_VERSION, h[0], h[1], h[2], h[3]};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++, l = n)
		if (!(n = curl_slist_append(l, all[i]))) {
			curl_slist_free_all(l);
			return NULL;
		}
	return l;
}

/* Send job: *status the receiver's HTTP status (0 none), error why it
 * failed ("" when delivered).  1 when the server stopped it (nothing to
 * record), else 0. */
static int send_job(struct bt_hooks *h, const struct bt_webhook_job *job, int *status,
		    char *error, size_t size)
{
	struct bt_webhook_target t;
	struct bt_err err = {0, ""};
	struct send sd = {&t, h->allow_private, &h->w.stop, 0, 0, ""};
	char cerr[CURL_ERROR_SIZE] = "";
	struct curl_slist *pin = NULL, *hdr = NULL;
	CURL *c = NULL;
	long code = 0;
	int stopped = 0;
	*status = 0;
	error[0] = '\0';
	if (!job->secret) {
		snprintf(error, size, "the webhook's secret cannot be opened: the database's key is not "
				      "the one it was stored with (add the webhook again)");
		return 0;
	}
	if (bt_webhook_resolve(job->url, h->allow_private, &t, &err)) {
		snprintf(error, size, "not sent: %s", err.msg);
		return 0;
	}
	if (!(c = curl_easy_init()) || !(hdr = headers_of(job, now_ms() / 1000)) ||
	    (!t.literal && !(pin = curl_slist_append(NULL, t.pin)))) {
		snprintf(error, size, "not sent: out of memory");
		goto out;
	}
	curl_easy_setopt(c, CURLOPT_URL, job->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROXY, ""); /* never through a proxy of the environment */
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)HOOK_CONNECT_MS);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)HOOK_TOTAL_MS);
	if (pin)
		curl_easy_setopt(c, CURLOPT_RESOLVE, pin);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &sd);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, take_answer);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &sd);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, &sd);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, job->body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)job->body_len);
	CURLcode r = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	*status = (int)code;
	if (r == CURLE_ABORTED_BY_CALLBACK && __atomic_load_n(&h->w.stop, __ATOMIC_RELAXED))
		stopped = 1;
	else if (r == CURLE_OK || (r == CURLE_WRITE_ERROR && sd.capped && code))
		; /* answered (a long answer is cut, not held against it) */
	else if (sd.refused[0])
		snprintf(error, size, "%s", sd.refused);
	else
		snprintf(error, size, "%s", cerr[0] ? cerr : curl_easy_strerror(r));
	if (!error[0] && !stopped && (code < 200 || code > 299))
		snprintf(error, size, "HTTP %ld", code);
out:
	curl_slist_free_all(hdr);
	curl_slist_free_all(pin);
	curl_easy_cleanup(c);
	return stopped;
}

/* ---- the worker ---- */

/* The configuration's word on private addresses, read again when the
 * database's epoch moves (a new configuration was loaded). */
static void follow_config(struct bt_hooks *h)
{
	struct bt_config *cfg = NULL;
	int64_t epoch;
	if (bt_db_epoch(h->db, &epoch, NULL) || epoch == h->epoch)
		return;
	if (bt_db_config_get(h->db, &cfg, NULL) == 0) {
		h->allow_private = cfg->webhooks_allow_private;
		h->epoch = epoch;
	}
	bt_config_free(cfg);
}

/* Say a failure of the store once, not at every look. */
static int64_t failing(struct bt_hooks *h, int rc, const struct bt_err *err)
{
	if (!h->failing)
		bt_log("error", "webhook deliveries: %s", err->msg[0] ? err->msg : bt_strerror(rc));
	h->failing = 1;
	return HOOK_POLL_MS;
}

/* Send what is due, one delivery at a time; how long to wait for the next
 * (ms).  Only a delivery that is due is claimed: an idle worker reads, it
 * never takes the write lock. */
static int64_t send_due(struct bt_hooks *h)
{
	struct bt_err err = {0, ""};
	while (!__atomic_load_n(&h->w.stop, __ATOMIC_RELAXED)) {
		struct bt_webhook_job job;
		char error[600];
		int64_t next = 0, wait;
		int status;
		pthread_mutex_lock(&h->dbmu);
		int rc = bt_webhook_next_due(h->db, &next, &err);
		pthread_mutex_unlock(&h->dbmu);
		if (rc && rc != BT_ENOTFOUND)
			return failing(h, rc, &err);
		h->failing = 0;
		if (rc == BT_ENOTFOUND) /* nothing pending */
			return HOOK_POLL_MS;
		if ((wait = next - now_ms()) > 0)
			return wait < HOOK_POLL_MS ? wait : HOOK_POLL_MS;
		pthread_mutex_lock(&h->dbmu);
		follow_config(h);
		rc = bt_webhook_claim(h->db, now_ms(), HOOK_LEASE_MS, &job, &err);
		pthread_mutex_unlock(&h->dbmu);
		if (rc == BT_ENOTFOUND) /* another server took it */
			continue;
		if (rc)
			return failing(h, rc, &err);
		int64_t t0 = now_ms();
		int stopped = send_job(h, &job, &status, error, sizeof(error));
		int64_t ms = now_ms() - t0;
		pthread_mutex_lock(&h->dbmu);
		if (stopped)
			rc = bt_webhook_unclaim(h->db, &job, &err);
		else
			rc = bt_webhook_record(h->db, &job, t0, status, error[0] ? error : NULL, ms,
					       h->backoff_ms, &next, &err);
		pthread_mutex_unlock(&h->dbmu);
		if (!stopped) /* the outcome in the metrics; no URL, no data in the log */
			__atomic_fetch_add(!error[0] ? &h->delivered : next ? &h->retried : &h->failed, 1,
					   __ATOMIC_RELAXED);
		bt_webhook_job_release(&job);
		if (rc && rc != BT_ENOTFOUND) /* not found: the webhook was deleted meanwhile */
			return failing(h, rc, &err);
	}
	return HOOK_POLL_MS;
}

static void *deliverer(void *arg)
{
	struct bt_hooks *h = arg;
	pthread_setname_np(pthread_self(), "baton-hooks");
	pthread_mutex_lock(&h->w.mu);
	while (!h->w.stop) {
		h->kicked = 0;
		pthread_mutex_unlock(&h->w.mu);
		int64_t wait = send_due(h);
		pthread_mutex_lock(&h->w.mu);
		if (h->kicked || h->w.stop || wait == 0)
			continue;
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_sec += wait / 1000;
		t.tv_nsec += (long)(wait % 1000) * 1000000L;
		if (t.tv_nsec >= 1000000000L)
			t.tv_sec++, t.tv_nsec -= 1000000000L;
		pthread_cond_timedwait(&h->w.wake, &h->w.mu, &t);
	}
	pthread_mutex_unlock(&h->w.mu);
	return NULL;
}

int bt_hooks_open(struct bt_server *s, struct bt_err *err)
{
	struct bt_hooks *h = &s->hooks;
	const char *v = getenv("BATON_WEBHOOK_BACKOFF_MS");
	char *end;
	h->backoff_ms = BT_WEBHOOK_BACKOFF_MS;
	if (v && *v) { /* tests shorten the backoff (docs/webhooks.md) */
		errno = 0;
		long long ms = strtoll(v, &end, 10);
		if (*end || errno || ms < 1 || ms > 3600000)
			return bt_err_set(err, BT_EUSAGE, "BATON_WEBHOOK_BACKOFF_MS is '%.20s': give "
							  "milliseconds, from 1 to 3600000", v);
		h->backoff_ms = ms;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return bt_err_set(err, BT_EIO, "libcurl failed to initialise");
	h->curl = 1;
	h->epoch = -1;
	return bt_db_open(&h->db, s->opt->db_path, 0, err);
}

int bt_hooks_start(struct bt_server *s)
{
	return bt_worker_start(&s->hooks.w, deliverer, &s->hooks);
}

void bt_hooks_stop(struct bt_server *s)
{
	bt_worker_stop(&s->hooks.w);
}

void bt_hooks_close(struct bt_server *s)
{
	bt_db_close(s->hooks.db);
	s->hooks.db = NULL;
	if (s->hooks.curl)
		curl_global_cleanup();
	s->hooks.curl = 0;
}

void bt_hooks_kick(struct bt_server *s)
{
	struct bt_hooks *h = &s->hooks;
	pthread_mutex_lock(&h->w.mu);
	h->kicked = 1;
	pthread_cond_signal(&h->w.wake);
	pthread_mutex_unlock(&h->w.mu);
}

int bt_hooks_metrics(struct bt_server *s, struct bt_buf *b)
{
	const struct bt_hooks *h = &s->hooks;
	return bt_buf_printf(b, "# HELP baton_webhook_attempts_total Webhook delivery attempts by outcome.\n"
				"# TYPE baton_webhook_attempts_total counter\n"
				"baton_webhook_attempts_total{outcome=\"delivered\"} %llu\n"
				"baton_webhook_attempts_total{outcome=\"retry\"} %llu\n"
				"baton_webhook_attempts_total{outcome=\"failed\"} %llu\n",
			     (unsigned long long)__atomic_load_n(&h->delivered, __ATOMIC_RELAXED),
			     (unsigned long long)__atomic_load_n(&h->retried, __ATOMIC_RELAXED),
			     (unsigned long long)__atomic_load_n(&h->failed, __ATOMIC_RELAXED));
}

/* ---- the routes ---- */

/* The {id} of the route: a webhook id, or 0 after answering 400. */
static int64_t id_of(const struct bt_request *rq, struct bt_response *rs)
{
	char *end;
	errno = 0;
	long long id = strtoll(rq->params[0], &end, 10);
	if (!*rq->params[0] || *end || errno || id <= 0) {
		bt_respond_err(rs, BT_EINVAL, "a webhook id is a whole number, as the list gives it");
		return 0;
	}
	return id;
}

/* ?cursor= of a newest-first list: the id of the last item shown; 0 for
 * none; -1 after answering 400. */
static int64_t cursor_of(const struct bt_request *rq, struct bt_response *rs)
{
	const char *v = bt_query(rq, "cursor");
	char *end, msg[160];
	if (!v)
		return 0;
	errno = 0;
	long long c = strtoll(v, &end, 10);
	if (*v && !*end && !errno && c > 0)
		return c;
	snprintf(msg, sizeof(msg), "query parameter cursor: '%.60s' is not a cursor (give the 'next' "
				   "of the page before)", v);
	bt_respond_err(rs, BT_EINVAL, msg);
	return -1;
}

static int answer_store(struct bt_response *rs, int rc, const struct bt_err *err, const char *what)
{
	if (rc == BT_ENOTFOUND)
		return bt_respond_err(rs, BT_ENOTFOUND, "no webhook with that id");
	if (rc == BT_EINVAL || rc == BT_EUSAGE)
		return bt_respond_err(rs, BT_EINVAL, err->msg);
	if (rc == BT_EBUSY)
		return bt_respond_error(rs, 503, "busy", "the database is busy; retry");
	return bt_respond_error(rs, 503, "store_error", what);
}

/* A string member of the body: its text, NULL after answering 400. */
static const char *body_str(const struct bt_json_doc *d, uint32_t k, const char *name,
			    struct bt_response *rs)
{
	char msg[128];
	const struct bt_json_node *n = &d->nodes[k];
	if (n->type == BT_JSON_STRING && strlen(n->s) == n->len)
		return n->s;
	snprintf(msg, sizeof(msg), "'%s' must be a string", name);
	bt_respond_err(rs, BT_EINVAL, msg);
	return NULL;
}

/* POST /v1/webhooks {"url","events":[..],"secret"}: 201 with the webhook,
 * and its secret when baton made it (shown this once). */
int bt_webhooks_post(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	struct bt_json_doc d;
	struct bt_err err = {0, ""};
	const char *url = NULL, *secret = NULL, *events[16];
	char made[BT_WEBHOOK_SECRET_LEN + 1] = "", msg[160];
	size_t nevents = 0;
	int64_t id = 0;
	int rc = 0, answered = 0;
	bt_json_doc_init(&d);
	if (bt_json_parse(&d, rq->body ? rq->body : "", rq->body_len, 8, &err) ||
	    d.nodes[0].type != BT_JSON_OBJECT) {
		rc = bt_respond_err(rs, BT_EINVAL, "send a JSON object: {\"url\", \"events\": [...], "
						   "\"secret\"}");
		goto out;
	}
	for (uint32_t k = 1; k < d.nodes[0].end && !answered; k = d.nodes[k + 1].end) {
		const char *key = d.nodes[k].s;
		if (!strcmp(key, "url"))
			answered = !(url = body_str(&d, k + 1, "url", rs));
		else if (!strcmp(key, "secret") && d.nodes[k + 1].type != BT_JSON_NULL)
			answered = !(secret = body_str(&d, k + 1, "secret", rs));
		else if (!strcmp(key, "events") && d.nodes[k + 1].type == BT_JSON_ARRAY) {
			for (uint32_t e = k + 2; e < d.nodes[k + 1].end && !answered; e = d.nodes[e].end) {
				if (nevents == sizeof(events) / sizeof(events[0]))
					answered = 1, bt_respond_err(rs, BT_EINVAL, "too many events");
				else if (d.nodes[e].type != BT_JSON_STRING)
					answered = 1, bt_respond_err(rs, BT_EINVAL, "'events' must be an "
								     "array of event names");
				else
					events[nevents++] = d.nodes[e].s;
			}
		} else if (!strcmp(key, "events"))
			answered = 1, bt_respond_err(rs, BT_EINVAL, "'events' must be an array of event "
								    "names");
		else if (strcmp(key, "secret")) {
			snprintf(msg, sizeof(msg), "unknown field '%.40s' (a webhook has url, events, "
						   "secret)", key);
			answered = 1, bt_respond_err(rs, BT_EINVAL, msg);
		}
	}
	if (answered)
		goto out;
	if (!url) {
		rc = bt_respond_err(rs, BT_EINVAL, "'url' is missing");
		goto out;
	}
	pthread_mutex_lock(&s->hooks.dbmu);
	rc = bt_webhook_add(s->hooks.db, url, events, nevents, secret, made, &id, &err);
	struct bt_webhook *w = NULL;
	if (!rc)
		rc = bt_webhook_get(s->hooks.db, id, &w, &err);
	pthread_mutex_unlock(&s->hooks.dbmu);
	if (rc) {
		rc = answer_store(rs, rc, &err, "the webhook could not be stored; retry");
		goto out;
	}
	rs->status = 201;
	rc = bt_webhook_json(w, &rs->body);
	bt_webhooks_free(w, 1);
	if (!rc && made[0]) { /* {... ,"secret":"whsec_..."} */
		rs->body.len--;
		rc = bt_buf_printf(&rs->body, ",\"secret\":\"%s\"}", made);
	}
out:
	bt_json_doc_release(&d);
	memset(made, 0, sizeof(made));
	return rc;
}

/* After the items of a newest-first page: its end, with the cursor of the
 * next page (the id of the last item) when more follow. */
static int page_close(struct bt_response *rs, int64_t total, int more, int64_t last)
{
	char next[24];
	snprintf(next, sizeof(next), "%lld", (long long)last);
	return bt_page_close((uint64_t)total, more ? next : NULL, &rs->body);
}

/* GET /v1/webhooks: newest first, never their secrets. */
int bt_webhooks_get(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	struct bt_webhook *w = NULL;
	struct bt_err err = {0, ""};
	size_t n = 0, limit;
	int64_t total = 0, before;
	int more = 0;
	if (bt_limit_arg(rq, &limit, rs) || (before = cursor_of(rq, rs)) < 0)
		return 0;
	struct bt_db *rdb = bt_reader_get(s);
	int rc = bt_webhook_page(rdb, before, limit, &w, &n, &total, &more, &err);
	bt_reader_put(s, rdb);
	if (rc)
		return answer_store(rs, rc, &err, "the webhooks could not be read; retry");
	bt_page_open("webhooks", &rs->body);
	for (size_t i = 0; i < n; i++) {
		if (i)
			bt_buf_addc(&rs->body, ',');
		bt_webhook_json(&w[i], &rs->body);
	}
	rc = page_close(rs, total, more, n ? w[n - 1].id : 0);
	bt_webhooks_free(w, n);
	return rc;
}

/* DELETE /v1/webhooks/{id}: with its deliveries; pending ones are not sent. */
int bt_webhooks_delete(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	struct bt_err err = {0, ""};
	int64_t id = id_of(rq, rs);
	if (!id)
		return 0;
	pthread_mutex_lock(&s->hooks.dbmu);
	int rc = bt_webhook_delete(s->hooks.db, id, &err);
	pthread_mutex_unlock(&s->hooks.dbmu);
	if (rc)
		return answer_store(rs, rc, &err, "the webhook could not be deleted; retry");
	return bt_buf_printf(&rs->body, "{\"deleted\":%lld}", (long long)id);
}

/* GET /v1/webhooks/{id}/deliveries: newest first, each with its attempts. */
int bt_webhooks_deliveries(struct bt_server *s, const struct bt_request *rq,
			   struct bt_response *rs)
{
	struct bt_webhook_delivery *d = NULL;
	struct bt_webhook *w = NULL;
	struct bt_err err = {0, ""};
	size_t n = 0, limit;
	int64_t total = 0, before, id = id_of(rq, rs);
	int more = 0;
	if (!id || bt_limit_arg(rq, &limit, rs) || (before = cursor_of(rq, rs)) < 0)
		return 0;
	struct bt_db *rdb = bt_reader_get(s);
	int rc = bt_webhook_get(rdb, id, &w, &err);
	if (!rc)
		rc = bt_webhook_deliveries(rdb, id, before, limit, &d, &n, &total, &more, &err);
	bt_reader_put(s, rdb);
	bt_webhooks_free(w, w ? 1 : 0);
	if (rc)
		return answer_store(rs, rc, &err, "the deliveries could not be read; retry");
	bt_page_open("deliveries", &rs->body);
	for (size_t i = 0; i < n; i++) {
		if (i)
			bt_buf_addc(&rs->body, ',');
		bt_webhook_delivery_json(&d[i], &rs->body);
	}
	rc = page_close(rs, total, more, n ? d[n - 1].id : 0);
	bt_webhook_deliveries_free(d, n);
	return rc;
}

/* POST /v1/webhooks/{id}/test: queue a ping, sent at once. */
int bt_webhooks_test(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	struct bt_err err = {0, ""};
	int64_t id = id_of(rq, rs);
	if (!id)
		return 0;
	pthread_mutex_lock(&s->hooks.dbmu);
	int rc = bt_webhook_ping(s->hooks.db, id, &err);
	pthread_mutex_unlock(&s->hooks.dbmu);
	if (rc)
		return answer_store(rs, rc, &err, "the test delivery could not be queued; retry");
	bt_hooks_kick(s);
	rs->status = 202;
	return bt_buf_printf(&rs->body, "{\"webhook\":%lld,\"event\":\"test\",\"queued\":true}",
			     (long long)id);
}
