/* SPDX-License-Identifier: Apache-2.0 */
/*
 * webhook.c - webhooks and their deliveries (webhook.h, docs/webhooks.md):
 * adding one (its URL checked, its secret sealed), emitting an event into
 * durable deliveries, and what a sender needs: claiming a due delivery with
 * its secret opened, recording each attempt with the backoff, the
 * signature, and the outbound checks of an address.
 *
 * URLs are read with libcurl's own URL parser, the one the sender's
 * libcurl uses: a checker and a sender that read a URL differently is how
 * address checks are bypassed.
 */
#include "baton/webhook.h"

#include "baton/config.h"
#include "baton/json.h"
#include "db.h"
#include "util/alloc.h"
#include "util/netaddr.h"
#include "util/time.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const bt_webhook_event_names[] = {"escalation.opened", "escalation.moved",
					      "escalation.resolved", "promise.broken",
					      "collision", "change.upcoming", "followup.opened", "test"};
const size_t bt_webhook_nevents = sizeof(bt_webhook_event_names) / sizeof(bt_webhook_event_names[0]);

/* The purpose of the key that seals the secrets (store config.key). */
#define SEAL_PURPOSE "baton: webhook secrets"

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int event_known(const char *e)
{
	for (size_t i = 0; i < bt_webhook_nevents; i++)
		if (!strcmp(e, bt_webhook_event_names[i]))
			return 1;
	return 0;
}

/* ---- outbound safety ---------------------------------------------------- */

static enum bt__addr_kind kind_of(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return bt__addr_kind4(ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr));
	if (sa->sa_family == AF_INET6)
		return bt__addr_kind6(((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr);
	return BT__ADDR_RESERVED; /* not an IP address: never */
}

const char *bt_webhook_addr_refused(const struct sockaddr *sa, int allow_private)
{
	enum bt__addr_kind k = kind_of(sa);
	return bt__addr_allowed(k, allow_private) ? NULL : bt__addr_kind_text(k);
}

static int same_addr(const struct sockaddr *a, const struct sockaddr *b)
{
	if (a->sa_family != b->sa_family)
		return 0;
	if (a->sa_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return a->sa_family == AF_INET6 &&
	       !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		       &((const struct sockaddr_in6 *)b)->sin6_addr, 16);
}

int bt_webhook_target_has(const struct bt_webhook_target *t, const struct sockaddr *sa)
{
	for (size_t i = 0; i < t->naddrs; i++)
		if (same_addr((const struct sockaddr *)&t->addrs[i], sa))
			return 1;
	return 0;
}

static void addr_text(const struct sockaddr *sa, char *out, size_t size)
{
	const void *a = sa->sa_family == AF_INET ? (const void *)&((const struct sockaddr_in *)sa)->sin_addr
						  : (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
	if (!inet_ntop(sa->sa_family, a, out, (socklen_t)size))
		snprintf(out, size, "?");
}

/* The parts of url that matter, by libcurl's reading of it. */
static int url_parts(const char *url, struct bt_webhook_target *t, struct bt_err *err)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *user = NULL, *pass = NULL;
	int rc = 0;
	if (!u)
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	if (strlen(url) > BT_WEBHOOK_URL_MAX) {
		rc = bt_err_set(err, BT_EINVAL, "the URL is longer than %d characters",
				BT_WEBHOOK_URL_MAX);
		goto out;
	}
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) {
		rc = bt_err_set(err, BT_EINVAL, "'%.200s' is not a URL (like https://example.com/hook)",
				url);
		goto out;
	}
	if (strcmp(scheme, "http") && strcmp(scheme, "https")) {
		rc = bt_err_set(err, BT_EINVAL, "the URL's scheme '%.20s' is not http or https", scheme);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PASSWORD, &pass, 0) == CURLUE_OK) {
		rc = bt_err_set(err, BT_EINVAL, "the URL holds a user name or password: leave them "
						"out (the receiver checks the signature instead)");
		goto out;
	}
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !host[0] ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
		rc = bt_err_set(err, BT_EINVAL, "the URL names no host");
		goto out;
	}
	size_t n = strlen(host);
	if (host[0] == '[' && n >= 2 && host[n - 1] == ']') /* an IPv6 address */
		snprintf(t->host, sizeof(t->host), "%.*s", (int)(n - 2), host + 1);
	else if (n < sizeof(t->host))
		memcpy(t->host, host, n + 1);
	else
		rc = bt_err_set(err, BT_EINVAL, "the URL's host name is too long");
	t->port = (int)strtol(port, NULL, 10);
out:
	curl_free(scheme), curl_free(host), curl_free(port), curl_free(user), curl_free(pass);
	curl_url_cleanup(u);
	return rc;
}

int bt_webhook_resolve(const char *url, int allow_private, struct bt_webhook_target *t,
		       struct bt_err *err)
{
	struct addrinfo hints, *res = NULL;
	char text[INET6_ADDRSTRLEN], num[INET6_ADDRSTRLEN];
	int rc;
	memset(t, 0, sizeof(*t));
	if ((rc = url_parts(url, t, err)))
		return rc;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST;
	t->literal = getaddrinfo(t->host, NULL, &hints, &res) == 0;
	if (!t->literal) {
		hints.ai_flags = 0;
		int g = getaddrinfo(t->host, NULL, &hints, &res);
		if (g)
			return bt_err_set(err, BT_EINVAL, "the host '%.200s' does not resolve: %s",
					  t->host, gai_strerror(g));
	}
	size_t len = (size_t)snprintf(t->pin, sizeof(t->pin), "%s:%d:", t->host, t->port);
	for (struct addrinfo *a = res; a && !rc; a = a->ai_next) {
		const char *why = bt_webhook_addr_refused(a->ai_addr, allow_private);
		if (why) {
			const char *fix = bt__addr_allowed(kind_of(a->ai_addr), 1)
						  ? ": set webhooks.allow_private: true in the "
						    "configuration to allow it"
						  : ", never allowed";
			addr_text(a->ai_addr, text, sizeof(text));
			if (t->literal)
				rc = bt_err_set(err, BT_EINVAL, "the address %s is %s%s", text, why, fix);
			else
				rc = bt_err_set(err, BT_EINVAL, "the host '%.200s' resolves to %s, %s%s",
						t->host, text, why, fix);
			break;
		}
		if (t->naddrs == BT_WEBHOOK_ADDRS || bt_webhook_target_has(t, a->ai_addr))
			continue; /* checked, not kept (or kept already) */
		memcpy(&t->addrs[t->naddrs++], a->ai_addr, a->ai_addrlen);
		addr_text(a->ai_addr, num, sizeof(num));
		len += (size_t)snprintf(t->pin + len, sizeof(t->pin) - len,
					a->ai_family == AF_INET6 ? "%s[%s]" : "%s%s",
					t->naddrs > 1 ? "," : "", num);
	}
	freeaddrinfo(res);
	if (!rc && !t->naddrs)
		rc = bt_err_set(err, BT_EINVAL, "the host '%.200s' has no address", t->host);
	return rc;
}

/* ---- secrets ------------------------------------------------------------- */

/* Seal secret under the database's webhook key: nonce || box. */
static int seal(struct bt_db *db, const char *secret, unsigned char **out, size_t *n,
		struct bt_err *err)
{
	unsigned char key[32];
	size_t len = strlen(secret);
	int rc = db->store->ops->config.key(db->store, SEAL_PURPOSE, key, err);
	if (rc)
		return rc;
	*n = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len;
	if (!(*out = bt__malloc(*n))) {
		sodium_memzero(key, sizeof(key));
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	}
	randombytes_buf(*out, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(*out + crypto_secretbox_NONCEBYTES, (const unsigned char *)secret, len,
			      *out, key);
	sodium_memzero(key, sizeof(key));
	return 0;
}

static int unseal(struct bt_db *db, const unsigned char *sealed, size_t n, unsigned char **out,
		  size_t *len, struct bt_err *err)
{
	unsigned char key[32];
	size_t over = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;
	int rc = db->store->ops->config.key(db->store, SEAL_PURPOSE, key, err);
	if (rc)
		return rc;
	if (n < over) {
		rc = bt_err_set(err, BT_ESTORE, "the webhook's stored secret is damaged");
		goto out;
	}
	*len = n - over;
	if (!(*out = bt__malloc(*len + 1))) {
		rc = bt_err_set(err, BT_ENOMEM, "out of memory");
		goto out;
	}
	if (crypto_secretbox_open_easy(*out, sealed + crypto_secretbox_NONCEBYTES,
				       n - crypto_secretbox_NONCEBYTES, sealed, key)) {
		bt__free(*out);
		*out = NULL;
		rc = bt_err_set(err, BT_EUSAGE,
				"the webhook's secret cannot be opened: the database's key (PATH.key "
				"or BATON_SECRET_KEY) is not the one it was stored with; add the "
				"webhook again");
	}
out:
	sodium_memzero(key, sizeof(key));
	return rc;
}

static int secret_check(const char *secret, struct bt_err *err)
{
	size_t n = strlen(secret);
	if (n < BT_WEBHOOK_SECRET_MIN || n > BT_WEBHOOK_SECRET_MAX)
		return bt_err_set(err, BT_EINVAL, "the secret is %zu characters long: give %d to %d",
				  n, BT_WEBHOOK_SECRET_MIN, BT_WEBHOOK_SECRET_MAX);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)secret[i] < 0x21 || (unsigned char)secret[i] > 0x7e)
			return bt_err_set(err, BT_EINVAL, "the secret holds a space or a character "
							  "that is not printable ASCII");
	return 0;
}

/* ---- managing webhooks ------------------------------------------------------ */

/* The events, checked, as one space-separated list in the order of
 * bt_webhook_event_names. */
static int events_list(const char *const *events, size_t n, char *out, size_t size,
		       struct bt_err *err)
{
	int seen[16] = {0};
	size_t len = 0;
	char all[160];
	for (size_t k = 0; k < bt_webhook_nevents; k++) /* for the messages */
		len += (size_t)snprintf(all + len, sizeof(all) - len, "%s%s", k ? ", " : "",
					bt_webhook_event_names[k]);
	if (!n)
		return bt_err_set(err, BT_EINVAL, "name at least one event: %s", all);
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;
		while (k < bt_webhook_nevents && strcmp(events[i], bt_webhook_event_names[k]))
			k++;
		if (k == bt_webhook_nevents) {
			const char *near = bt_suggest(events[i], strlen(events[i]),
						      bt_webhook_event_names, bt_webhook_nevents);
			return bt_err_set(err, BT_EINVAL, "unknown event '%.64s'%s%s%s (events: %s)",
					  events[i], near ? " (did you mean '" : "", near ? near : "",
					  near ? "'?)" : "", all);
		}
		if (seen[k]++)
			return bt_err_set(err, BT_EINVAL, "the event '%s' is named twice",
					  bt_webhook_event_names[k]);
	}
	len = 0;
	for (size_t k = 0; k < bt_webhook_nevents; k++)
		if (seen[k])
			len += (size_t)snprintf(out + len, size - len, "%s%s", len ? " " : "",
						bt_webhook_event_names[k]);
	return 0;
}

static int allow_private(struct bt_db *db, int *allow, struct bt_err *err)
{
	struct bt_config *cfg = NULL;
	int rc = bt_db_config_get(db, &cfg, err);
	*allow = !rc && cfg->webhooks_allow_private;
	bt_config_free(cfg);
	return rc;
}

int bt_webhook_add(struct bt_db *db, const char *url, const char *const *events, size_t nevents,
		   const char *secret, char made[BT_WEBHOOK_SECRET_LEN + 1], int64_t *id,
		   struct bt_err *err)
{
	struct bt_webhook_target t;
	char list[160];
	unsigned char *sealed = NULL, raw[32];
	size_t n = 0;
	int rc, allow;
	const struct bt__store_ops *ops = db->store->ops;
	if (db->readonly)
		return bt_err_set(err, BT_EUSAGE, "the database is open read-only");
	if ((rc = events_list(events, nevents, list, sizeof(list), err)) ||
	    (secret && (rc = secret_check(secret, err))) || (rc = allow_private(db, &allow, err)) ||
	    (rc = bt_webhook_resolve(url, allow, &t, err)))
		return rc;
	if (!secret) {
		randombytes_buf(raw, sizeof(raw));
		memcpy(made, "whsec_", 6);
		sodium_bin2base64(made + 6, BT_WEBHOOK_SECRET_LEN - 5, raw, sizeof(raw),
				  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		sodium_memzero(raw, sizeof(raw));
		secret = made;
	}
	if ((rc = seal(db, secret, &sealed, &n, err)))
		goto out;
	if (!(rc = ops->txn.begin(db->store, err))) {
		rc = ops->webhooks.insert(db->store, url, list, sealed, n, now_ms(), id, err);
		if (!rc)
			rc = ops->txn.commit(db->store, err);
		else
			ops->txn.rollback(db->store);
	}
out:
	bt__free(sealed);
	if (rc && secret == made)
		sodium_memzero(made, BT_WEBHOOK_SECRET_LEN + 1);
	return rc;
}

int bt_webhook_page(struct bt_db *db, int64_t before, size_t limit, struct bt_webhook **out,
		    size_t *n, int64_t *total, int *more, struct bt_err *err)
{
	int rc = db->store->ops->webhooks.list(db->store, before, limit + 1, out, n, total, err);
	*more = !rc && *n > limit;
	if (*more) { /* one more was read to know */
		bt__free((*out)[limit].url), bt__free((*out)[limit].events);
		*n = limit;
	}
	return rc;
}

int bt_webhook_get(struct bt_db *db, int64_t id, struct bt_webhook **out, struct bt_err *err)
{
	size_t n = 0;
	int64_t total;
	int rc = 0;
	*out = NULL;
	if (id > 0 && id < INT64_MAX) /* the first webhook below id + 1 */
		rc = db->store->ops->webhooks.list(db->store, id + 1, 1, out, &n, &total, err);
	if (!rc && (n != 1 || (*out)[0].id != id)) {
		bt_webhooks_free(*out, n);
		*out = NULL;
		rc = bt_err_set(err, BT_ENOTFOUND, "no webhook %lld", (long long)id);
	}
	return rc;
}

/* Run fn(db, arg) in a write transaction of its own, or in the caller's
 * when one is open. */
static int in_write(struct bt_db *db, int (*fn)(struct bt_db *, const void *, struct bt_err *),
		    const void *arg, struct bt_err *err)
{
	const struct bt__store_ops *ops = db->store->ops;
	int rc;
	if (db->readonly)
		return bt_err_set(err, BT_EUSAGE, "the database is open read-only");
	if (ops->txn.writing(db->store))
		return fn(db, arg, err);
	if ((rc = ops->txn.begin(db->store, err)))
		return rc;
	rc = fn(db, arg, err);
	if (!rc)
		return ops->txn.commit(db->store, err);
	ops->txn.rollback(db->store);
	return rc;
}

static int remove_one(struct bt_db *db, const void *id, struct bt_err *err)
{
	return db->store->ops->webhooks.remove(db->store, *(const int64_t *)id, err);
}

int bt_webhook_delete(struct bt_db *db, int64_t id, struct bt_err *err)
{
	int rc = in_write(db, remove_one, &id, err);
	/* secure_delete zeroed the sealed secret in its page; a WAL image of
	 * the page goes at the next checkpoint */
	return rc;
}

int bt_webhook_deliveries(struct bt_db *db, int64_t id, int64_t before, size_t limit,
			  struct bt_webhook_delivery **out, size_t *n, int64_t *total, int *more,
			  struct bt_err *err)
{
	int rc = db->store->ops->webhooks.deliveries(db->store, id, before, limit + 1, out, n,
						      total, err);
	*more = !rc && *n > limit;
	if (*more) {
		struct bt_webhook_delivery *last = &(*out)[limit];
		for (size_t k = 0; k < last->nattempts; k++)
			bt__free(last->attempts[k].error);
		bt__free(last->attempts), bt__free(last->event), bt__free(last->body);
		*n = limit;
	}
	return rc;
}

/* ---- emitting ---------------------------------------------------------------- */

/* A version 4 UUID. */
static void make_uid(char out[BT_WEBHOOK_UID_LEN + 1])
{
	unsigned char r[16];
	char hex[33];
	randombytes_buf(r, sizeof(r));
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	sodium_bin2hex(hex, sizeof(hex), r, sizeof(r));
	snprintf(out, BT_WEBHOOK_UID_LEN + 1, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12,
		 hex + 16, hex + 20);
}

struct emit {
	const char *event;
	const char *json;
	size_t len;
	int64_t only; /* a ping: this webhook alone */
};

/* Queue one delivery of e to webhook id. */
static int enqueue(struct bt_db *db, const struct emit *e, int64_t id, int64_t now,
		   struct bt_buf *body, struct bt_err *err)
{
	char uid[BT_WEBHOOK_UID_LEN + 1], created[32];
	make_uid(uid);
	bt_time_format(now, created);
	body->len = 0;
	int rc = bt_buf_printf(body, "{\"id\":\"%s\",\"event\":\"%s\",\"created\":\"%s\",\"data\":",
			       uid, e->event, created);
	rc = rc ? rc : bt_buf_add(body, e->json, e->len);
	rc = rc ? rc : bt_buf_addc(body, '}');
	if (rc)
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	return db->store->ops->webhooks.enqueue(db->store, id, uid, e->event, body->data, body->len,
						now, err);
}

/* Does a space-separated list of events hold e? */
static int takes(const char *events, const char *e)
{
	size_t n = strlen(e);
	for (const char *p = events; *p;) {
		size_t k = strcspn(p, " ");
		if (k == n && !memcmp(p, e, n))
			return 1;
		p += k + (p[k] == ' ');
	}
	return 0;
}

static int emit_in(struct bt_db *db, const void *arg, struct bt_err *err)
{
	const struct emit *e = arg;
	struct bt_webhook *w = NULL;
	struct bt_buf body = BT_BUF_INIT;
	size_t n = 0;
	int64_t total, now = now_ms();
	int rc = db->store->ops->webhooks.list(db->store, 0, 0, &w, &n, &total, err);
	int found = 0;
	for (size_t i = 0; !rc && i < n; i++)
		if (e->only ? w[i].id == e->only : takes(w[i].events, e->event))
			found = 1, rc = enqueue(db, e, w[i].id, now, &body, err);
	if (!rc && e->only && !found)
		rc = bt_err_set(err, BT_ENOTFOUND, "no webhook %lld", (long long)e->only);
	bt_webhooks_free(w, n);
	bt_buf_release(&body);
	return rc;
}

int bt_webhook_emit(struct bt_db *db, const char *event, const char *json, size_t len,
		    struct bt_err *err)
{
	struct bt_json_doc d;
	struct bt_err je = {0, ""};
	struct emit e = {event, json, len, 0};
	int rc;
	if (!event || !event_known(event))
		return bt_err_set(err, BT_EINVAL, "unknown webhook event '%.64s'", event ? event : "");
	if (len > BT_WEBHOOK_DATA_MAX)
		return bt_err_set(err, BT_EINVAL, "the event's data is %zu bytes: at most %d", len,
				  BT_WEBHOOK_DATA_MAX);
	bt_json_doc_init(&d);
	rc = bt_json_parse(&d, json, len, 64, &je);
	int object = !rc && d.nodes[0].type == BT_JSON_OBJECT;
	bt_json_doc_release(&d);
	if (rc == BT_ENOMEM)
		return bt_err_set(err, rc, "out of memory");
	if (rc)
		return bt_err_set(err, BT_EINVAL, "the event's data is not JSON: %s", je.msg);
	if (!object)
		return bt_err_set(err, BT_EINVAL, "the event's data is not a JSON object");
	return in_write(db, emit_in, &e, err);
}

int bt_webhook_ping(struct bt_db *db, int64_t id, struct bt_err *err)
{
	char json[96];
	int n = snprintf(json, sizeof(json),
			 "{\"webhook\":%lld,\"message\":\"a test delivery from baton\"}",
			 (long long)id);
	struct emit e = {"test", json, (size_t)n, id};
	return in_write(db, emit_in, &e, err);
}

/* ---- sending ------------------------------------------------------------------ */

/* A claim's number: random, so that two senders never share one. */
static int64_t claim_number(void)
{
	int64_t c;
	randombytes_buf(&c, sizeof(c));
	return c & INT64_MAX ? c & INT64_MAX : 1;
}

int bt_webhook_claim(struct bt_db *db, int64_t now, int64_t lease_ms, struct bt_webhook_job *job,
		     struct bt_err *err)
{
	const struct bt__store_ops *ops = db->store->ops;
	unsigned char *sealed = NULL;
	size_t n = 0;
	int rc;
	memset(job, 0, sizeof(*job));
	if ((rc = ops->txn.begin(db->store, err)))
		return rc;
	rc = ops->webhooks.claim(db->store, now, now + lease_ms, claim_number(), job, &sealed, &n,
				 err);
	if (!rc)
		rc = ops->txn.commit(db->store, err);
	else
		ops->txn.rollback(db->store);
	/* the secret is opened once the claim is durable: a secret that cannot
	 * be opened still counts as a failed attempt (the sender records it) */
	if (!rc) {
		struct bt_err e2 = {0, ""};
		if (unseal(db, sealed, n, &job->secret, &job->secret_len, &e2))
			job->secret = NULL, job->secret_len = 0;
	} else if (rc != BT_ENOTFOUND) {
		bt_webhook_job_release(job);
	}
	bt__free(sealed);
	return rc;
}

int bt_webhook_record(struct bt_db *db, const struct bt_webhook_job *job, int64_t at, int status,
		      const char *error, int64_t ms, int64_t backoff_ms, int64_t *next,
		      struct bt_err *err)
{
	const struct bt__store_ops *ops = db->store->ops;
	struct bt_webhook_attempt a = {at, status, (char *)error, ms, 0};
	int delivered = status >= 200 && status < 300 && !error;
	int state = delivered ? BT_DELIVERY_DELIVERED : BT_DELIVERY_PENDING;
	if (!delivered && job->attempt >= BT_WEBHOOK_ATTEMPTS)
		state = BT_DELIVERY_FAILED;
	if (state == BT_DELIVERY_PENDING) {
		int64_t wait = backoff_ms;
		for (int k = 1; k < job->attempt && wait < backoff_ms * BT_WEBHOOK_BACKOFF_CAP; k++)
			wait *= 2;
		if (wait > backoff_ms * BT_WEBHOOK_BACKOFF_CAP)
			wait = backoff_ms * BT_WEBHOOK_BACKOFF_CAP;
		a.next = at + ms + wait;
	}
	if (next)
		*next = a.next;
	int rc = ops->txn.begin(db->store, err);
	if (rc)
		return rc;
	rc = ops->webhooks.attempt(db->store, job->delivery, job->claim, &a, state, err);
	if (!rc)
		return ops->txn.commit(db->store, err);
	ops->txn.rollback(db->store);
	return rc;
}

int bt_webhook_unclaim(struct bt_db *db, const struct bt_webhook_job *job, struct bt_err *err)
{
	const struct bt__store_ops *ops = db->store->ops;
	int rc = ops->txn.begin(db->store, err);
	if (rc)
		return rc;
	rc = ops->webhooks.unclaim(db->store, job->delivery, job->claim, now_ms(), err);
	if (!rc)
		return ops->txn.commit(db->store, err);
	ops->txn.rollback(db->store);
	return rc;
}

int bt_webhook_next_due(struct bt_db *db, int64_t *at, struct bt_err *err)
{
	return db->store->ops->webhooks.next_due(db->store, at, err);
}

void bt_webhook_sign(const unsigned char *secret, size_t secret_len, int64_t ts_s,
		     const char *body, size_t len, char out[BT_WEBHOOK_SIG_LEN])
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char ts[24];
	int n = snprintf(ts, sizeof(ts), "%lld.", (long long)ts_s);
	crypto_auth_hmacsha256_init(&st, secret, secret_len);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, (unsigned long long)n);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	memcpy(out, "sha256=", 7);
	sodium_bin2hex(out + 7, BT_WEBHOOK_SIG_LEN - 7, mac, sizeof(mac));
	sodium_memzero(&st, sizeof(st));
}
