/* SPDX-License-Identifier: Apache-2.0 */
/*
 * announce.c - the announcer: a thread of the server's that tells the
 * webhooks what happened (docs/webhooks.md): escalations opened, moved and
 * resolved, promises broken, collisions; and the changes of the calendar
 * coming within their notice (change.upcoming).
 *
 * Every few seconds (BATON_ANNOUNCE_MS, default 5000) it asks the live
 * state, judged by the wall clock, for the moments of the last seven days
 * (bt_engine_moments): so an escalation whose time comes is announced with
 * no new event, and one that a late batch of events makes is announced
 * too.  Each moment has a key; the database remembers the keys announced
 * (bt_announce), in the same transaction that queues the deliveries, so a
 * moment is announced once, also across restarts and servers.  A set of the
 * keys' hashes it has seen spares the database the moments already known.
 */
#define _GNU_SOURCE 1 /* pthread_setname_np */
#include "server.h"
#include "baton/util.h"

#include "baton/changes.h"
#include "baton/engine.h"
#include "baton/webhook.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LOOKBACK_MS (7 * 86400 * INT64_C(1000))
#define FORGET_MS (86400 * INT64_C(1000)) /* the set starts afresh daily */

static uint64_t hash_key(const char *k)
{
	uint64_t h = 1469598103934665603u; /* FNV-1a */
	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211u;
	return h ? h : 1; /* 0 marks an empty slot */
}

/* ---- the set of hashes seen ---- */

static int seen_has(const struct bt_announcer *a, uint64_t h)
{
	for (size_t i = a->cap ? h & (a->cap - 1) : 0; a->cap && a->seen[i]; i = (i + 1) & (a->cap - 1))
		if (a->seen[i] == h)
			return 1;
	return 0;
}

static int seen_add(struct bt_announcer *a, uint64_t h)
{
	if (2 * (a->n + 1) > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 1024;
		uint64_t *v = bt_calloc(cap, sizeof(*v));
		if (!v)
			return BT_ENOMEM;
		for (size_t i = 0; i < a->cap; i++) {
			if (!a->seen[i])
				continue;
			size_t k = a->seen[i] & (cap - 1);
			while (v[k])
				k = (k + 1) & (cap - 1);
			v[k] = a->seen[i];
		}
		bt_free(a->seen);
		a->seen = v, a->cap = cap;
	}
	size_t k = h & (a->cap - 1);
	while (a->seen[k] && a->seen[k] != h)
		k = (k + 1) & (a->cap - 1);
	if (!a->seen[k])
		a->seen[k] = h, a->n++;
	return 0;
}

/* ---- one round ---- */

struct round {
	struct bt_announcer *a;
	const struct bt_esc_action *acts;
	size_t nacts;
	int64_t now;
	struct bt_moment *m;
	uint64_t *h;
	size_t n, cap;
	int failed;
};

static char *copy(const char *s, size_t n)
{
	char *p = bt_malloc(n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static int take(void *ctx, const char *key, const char *event, int64_t at, const char *json,
		size_t len)
{
	struct round *r = ctx;
	uint64_t h = hash_key(key);
	if (seen_has(r->a, h))
		return 0;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct bt_moment *m = bt_realloc(r->m, cap * sizeof(*m));
		uint64_t *hv = m ? bt_realloc(r->h, cap * sizeof(*hv)) : NULL;
		if (m)
			r->m = m;
		if (!hv)
			return BT_ENOMEM;
		r->h = hv, r->cap = cap;
	}
	struct bt_moment *x = &r->m[r->n];
	x->key = copy(key, strlen(key));
	x->event = copy(event, strlen(event));
	x->json = copy(json, len);
	x->len = len, x->at = at;
	if (!x->key || !x->event || !x->json) {
		bt_free((char *)x->key), bt_free((char *)x->event), bt_free((char *)x->json);
		return BT_ENOMEM;
	}
	r->h[r->n++] = h;
	return 0;
}

static int gather(const struct bt_engine *e, void *ctx)
{
	struct round *r = ctx;
	struct bt_err err = {0, ""};
	int64_t at = bt_engine_as_of(e); /* the derivation may be a moment old: up to its time */
	return bt_engine_moments(e, r->acts, r->nacts, at - LOOKBACK_MS, at, take, r, &err);
}

/* The changes of the calendar within their notice of their date, by the
 * wall clock (docs/changes.md): change.upcoming, once each. */
static int upcoming_changes(struct bt_server *s, struct round *r, struct bt_err *err)
{
	struct bt_calchange *v = NULL;
	struct bt_config *cfg = NULL;
	size_t n = 0;
	struct bt_db *rdb = bt_reader_get(s);
	int rc = bt_calendar_list(rdb, &v, &n, err);
	if (!rc && n)
		rc = bt_db_config_get(rdb, &cfg, err);
	bt_reader_put(s, rdb);
	if (!rc && n) {
		int64_t notice = cfg->change_notice_ms ? cfg->change_notice_ms : BT_CHANGE_NOTICE_MS;
		rc = bt_calchange_moments(v, n, notice, r->now, take, r);
	}
	bt_config_free(cfg);
	bt_calchanges_free(v, n);
	return rc;
}

static void round_free(struct round *r)
{
	for (size_t i = 0; i < r->n; i++)
		bt_free((char *)r->m[i].key), bt_free((char *)r->m[i].event), bt_free((char *)r->m[i].json);
	bt_free(r->m);
	bt_free(r->h);
}

/* One look: the moments not seen yet, announced in one transaction. */
static int announce_round(struct bt_server *s)
{
	struct bt_announcer *a = &s->announcer;
	struct round r = {a, NULL, 0, bt_time_now_ms(), NULL, NULL, 0, 0, 0};
	struct bt_err err = {0, ""};
	size_t fresh = 0;
	if (r.now - a->since_forget > FORGET_MS) { /* keep the set small */
		bt_free(a->seen);
		a->seen = NULL, a->cap = a->n = 0;
		a->since_forget = r.now;
	}
	struct bt_db *rdb = bt_reader_get(s);
	int rc = bt_escalation_acts(rdb, (struct bt_esc_action **)&r.acts, &r.nacts, &err);
	bt_reader_put(s, rdb);
	if (!rc)
		rc = bt_live_engine(s->live, r.now, 1000, gather, &r, &err);
	if (!rc)
		rc = upcoming_changes(s, &r, &err);
	if (!rc && r.n) {
		pthread_mutex_lock(&s->mu);
		rc = bt_announce(s->db, r.m, r.n, &fresh, &err);
		pthread_mutex_unlock(&s->mu);
	}
	for (size_t i = 0; !rc && i < r.n; i++)
		rc = seen_add(a, r.h[i]);
	if (!rc && fresh) {
		__atomic_fetch_add(&a->announced, fresh, __ATOMIC_RELAXED);
		bt_hooks_kick(s);
	}
	bt_esc_actions_free((struct bt_esc_action *)r.acts, r.nacts);
	round_free(&r);
	if (rc == BT_EBUSY) /* the live state is being built */
		rc = 0;
	return rc ? (err.code ? err.code : rc) : 0;
}

static void *announcer(void *arg)
{
	struct bt_server *s = arg;
	struct bt_announcer *a = &s->announcer;
	int failing = 0;
	pthread_setname_np(pthread_self(), "baton-announce");
	pthread_mutex_lock(&a->w.mu);
	while (!a->w.stop) {
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_sec += a->every_ms / 1000;
		t.tv_nsec += (long)(a->every_ms % 1000) * 1000000L;
		if (t.tv_nsec >= 1000000000L)
			t.tv_sec++, t.tv_nsec -= 1000000000L;
		pthread_cond_timedwait(&a->w.wake, &a->w.mu, &t);
		if (a->w.stop)
			break;
		pthread_mutex_unlock(&a->w.mu);
		bt_purge_round(s);
		int rc = announce_round(s);
		if (rc && !failing) /* said once, not at every look */
			bt_log("error", "the announcer could not look: %s", bt_strerror(rc));
		failing = rc != 0;
		pthread_mutex_lock(&a->w.mu);
	}
	pthread_mutex_unlock(&a->w.mu);
	return NULL;
}

int bt_announcer_start(struct bt_server *s)
{
	const char *e = getenv("BATON_ANNOUNCE_MS");
	long ms = e ? strtol(e, NULL, 10) : 0;
	s->announcer.every_ms = ms >= 50 && ms <= 3600000 ? ms : 5000;
	s->announcer.since_forget = bt_time_now_ms();
	bt_purger_init(&s->purger);
	return bt_worker_start(&s->announcer.w, announcer, s);
}

void bt_announcer_stop(struct bt_server *s)
{
	bt_worker_stop(&s->announcer.w);
	bt_free(s->announcer.seen);
	s->announcer.seen = NULL, s->announcer.cap = s->announcer.n = 0;
}
