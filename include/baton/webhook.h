/* SPDX-License-Identifier: Apache-2.0 */
/*
 * webhook.h - outbound webhooks (docs/webhooks.md): a webhook is a URL that
 * takes some events, with a secret that signs what is sent to it.  An
 * event emitted (bt_webhook_emit) becomes one delivery per webhook that
 * takes it, queued durably in the database; a sender (the server's
 * delivery worker) claims the deliveries that are due, sends them, and
 * records each attempt, and a failed one is tried again later with
 * exponential backoff, for about three hours, then given up.
 *
 * Outbound safety: a URL is http or https without credentials, and its host
 * must resolve only to public addresses (with `webhooks.allow_private:
 * true` in the configuration, also to loopback, private and CGNAT ones;
 * never to link-local, metadata, multicast or unspecified ones).  That is
 * checked when a webhook is added and again at every send, where the
 * sender connects only to the addresses just checked (bt_webhook_resolve).
 *
 * The secret is stored sealed (XSalsa20-Poly1305, libsodium's secretbox)
 * under a key derived from the database's key, which is kept out of the
 * database (PATH.key or BATON_SECRET_KEY, docs/identity.md): a copy of the
 * database file alone does not give the secrets away.
 *
 * The records (struct bt_webhook, bt_webhook_delivery, bt_webhook_job)
 * are in baton/records.h, their JSON in baton/view.h.
 */
#ifndef BATON_WEBHOOK_H
#define BATON_WEBHOOK_H

#include "baton/baton.h"

#include <sys/socket.h>

/* The events a webhook may take: escalation.opened escalation.moved
 * escalation.resolved promise.broken collision change.upcoming test. */
extern const char *const bt_webhook_event_names[];
extern const size_t bt_webhook_nevents;

#define BT_WEBHOOK_URL_MAX 2048
#define BT_WEBHOOK_SECRET_MIN 16
#define BT_WEBHOOK_SECRET_MAX 256
/* A secret baton makes: "whsec_" and 43 characters of base64url (256 bits). */
#define BT_WEBHOOK_SECRET_LEN 49
/* The largest event data (the JSON of bt_webhook_emit). */
#define BT_WEBHOOK_DATA_MAX (16 * 1024)
/* Attempts at a delivery before it is given up: with the default backoff
 * (30 s doubling, at most an hour apart) the last comes about three hours
 * after the first. */
#define BT_WEBHOOK_ATTEMPTS 10
#define BT_WEBHOOK_BACKOFF_MS (30 * 1000)
#define BT_WEBHOOK_BACKOFF_CAP 120 /* the longest wait, in backoffs */

/* ---- managing webhooks ------------------------------------------------- */

/*
 * Add a webhook: url (checked as above, against the stored configuration's
 * webhooks.allow_private), the events it takes (at least one, each one of
 * bt_webhook_event_names, none twice) and its secret (BT_WEBHOOK_SECRET_MIN
 * to _MAX printable characters).  secret NULL: baton makes one and writes
 * it into made (BT_WEBHOOK_SECRET_LEN + 1 bytes): show it once, it cannot
 * be shown again.  BT_EINVAL with a message that names the problem.
 */
int bt_webhook_add(struct bt_db *db, const char *url, const char *const *events, size_t nevents,
		   const char *secret, char made[BT_WEBHOOK_SECRET_LEN + 1], int64_t *id,
		   struct bt_err *err);
/* A page of webhooks, newest first: those with ids below `before` (0: from
 * the newest), at most limit; *total counts all, *more says whether any
 * follow.  Never their secrets.  Free with bt_webhooks_free. */
int bt_webhook_page(struct bt_db *db, int64_t before, size_t limit, struct bt_webhook **out,
		    size_t *n, int64_t *total, int *more, struct bt_err *err);
/* Webhook id (free with bt_webhooks_free(w, 1)); BT_ENOTFOUND. */
int bt_webhook_get(struct bt_db *db, int64_t id, struct bt_webhook **out, struct bt_err *err);
/* Delete a webhook with its deliveries (pending ones are not sent) and
 * its secret; BT_ENOTFOUND. */
int bt_webhook_delete(struct bt_db *db, int64_t id, struct bt_err *err);
/* A page of the deliveries of webhook id (0: of all), newest first, each
 * with its attempts, as bt_webhook_page. */
int bt_webhook_deliveries(struct bt_db *db, int64_t id, int64_t before, size_t limit,
			  struct bt_webhook_delivery **out, size_t *n, int64_t *total, int *more,
			  struct bt_err *err);

/* ---- emitting events --------------------------------------------------- */

/*
 * Queue event (one of bt_webhook_event_names) with its data json[0..len)
 * (a JSON object of at most BT_WEBHOOK_DATA_MAX bytes) for every webhook
 * that takes the event: one delivery each, with its own id, whose body is
 * {"id": delivery id, "event": event, "created": RFC 3339, "data": json}.
 * No webhook takes it: nothing is queued, and that is no error.
 *
 * Transactions: when db has a write transaction open (the caller's, begun
 * for the write that raises the event), the deliveries join it: they are
 * durable when the caller commits, and gone if it rolls back, so an event
 * is queued if and only if what raised it is stored.  Otherwise the call
 * opens its own write transaction and commits it: the deliveries are
 * durable when it returns.  A delivery is sent by a running server (`baton
 * serve`) once it is due, whichever process queued it.  BT_EINVAL for an
 * unknown event or data that is not a JSON object.
 */
int bt_webhook_emit(struct bt_db *db, const char *event, const char *json, size_t len,
		    struct bt_err *err);
/* Queue a `test` delivery to webhook id alone, whatever events it takes
 * (a ping); BT_ENOTFOUND. */
int bt_webhook_ping(struct bt_db *db, int64_t id, struct bt_err *err);

/* ---- sending (the server's delivery worker) ---------------------------- */

/*
 * Claim the delivery due first, if any is due at now (ms): it is held for
 * lease_ms, within which nobody else (another server on the same database)
 * can claim it; a sender that dies holding it leaves it due again once the
 * lease ends.  job receives what to send and the opened secret: release it
 * with bt_webhook_job_release.  BT_ENOTFOUND when nothing is due.
 */
int bt_webhook_claim(struct bt_db *db, int64_t now, int64_t lease_ms, struct bt_webhook_job *job,
		     struct bt_err *err);
/*
 * Record an attempt at job that started at `at` and took ms: status is the
 * receiver's HTTP status (0: no answer), error why it failed (NULL when
 * status is 2xx: delivered).  A failed attempt is tried again after
 * backoff_ms · 2^(attempt−1), at most BT_WEBHOOK_BACKOFF_CAP backoffs,
 * until BT_WEBHOOK_ATTEMPTS were made: then the delivery has failed for
 * good.  *next (may be NULL): when the next attempt is due, 0 for none.
 * BT_ENOTFOUND when the claim was lost (the webhook was deleted meanwhile).
 */
int bt_webhook_record(struct bt_db *db, const struct bt_webhook_job *job, int64_t at, int status,
		      const char *error, int64_t ms, int64_t backoff_ms, int64_t *next,
		      struct bt_err *err);
/* Give a claimed delivery back unsent (the sender stops): due again now,
 * no attempt counted. */
int bt_webhook_unclaim(struct bt_db *db, const struct bt_webhook_job *job, struct bt_err *err);
/* When the pending delivery due first is due (ms); BT_ENOTFOUND for none. */
int bt_webhook_next_due(struct bt_db *db, int64_t *at, struct bt_err *err);

/* X-Baton-Signature: "sha256=" and the hex of HMAC-SHA256(secret,
 * timestamp "." body), timestamp in Unix seconds. */
#define BT_WEBHOOK_SIG_LEN 72
void bt_webhook_sign(const unsigned char *secret, size_t secret_len, int64_t ts_s,
		     const char *body, size_t len, char out[BT_WEBHOOK_SIG_LEN]);

/* ---- outbound safety --------------------------------------------------- */

#define BT_WEBHOOK_ADDRS 8

/* Where a URL goes, checked. */
struct bt_webhook_target {
	char host[256];  /* as in the URL (an IPv6 address without brackets) */
	int port;
	int literal;     /* the host is an IP address: nothing is resolved */
	size_t naddrs;   /* the addresses checked (the first BT_WEBHOOK_ADDRS) */
	struct sockaddr_storage addrs[BT_WEBHOOK_ADDRS];
	/* for CURLOPT_RESOLVE: "host:port:addr,addr" (IPv6 in brackets) */
	char pin[BT_WEBHOOK_ADDRS * 50 + 300];
};

/* Check url (scheme, credentials, length) and resolve its host: every
 * address it resolves to must be allowed (see above), else BT_EINVAL with
 * err naming the host, the address and what it is. */
int bt_webhook_resolve(const char *url, int allow_private, struct bt_webhook_target *t,
		       struct bt_err *err);
/* NULL when a delivery may connect to sa, else what kind of address it is
 * ("a loopback address"). */
const char *bt_webhook_addr_refused(const struct sockaddr *sa, int allow_private);
/* Is sa one of the addresses t checked? */
int bt_webhook_target_has(const struct bt_webhook_target *t, const struct sockaddr *sa);

#endif
