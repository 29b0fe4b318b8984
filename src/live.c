/* SPDX-License-Identifier: Apache-2.0 */
/*
 * live.c - the in-memory state `baton serve` answers customer questions
 * from (include/baton/live.h).
 *
 * A state is an engine holding every stored event as a compact record
 * (with the words an agent reads: keep_text), the identity of the database
 * (profiles, merges, identifiers with their ids in the store), and two
 * intrusive lists that make one customer cheap to find:
 *   identifier → its events   (ihead/itail per identifier, enext per event)
 *   profile root → identifiers (phead/ptail per profile, inext per identifier)
 * A merge splices the merged root's identifier list onto the survivor's, so
 * a profile's events are the union of its identifiers' lists: a query
 * touches that customer's records only, never the log.
 *
 * Refresh appends what the database gained since the last one.  Everything
 * that costs (reading the store, parsing JSON) is done outside the lock; the
 * write lock is taken only to link in a batch of BATCH parsed events or
 * CHUNK identity rows, so a query waits at most for a few microseconds of
 * pointer work, never for a read of the store or a parse.  When the database's
 * epoch moves (an erasure, a new configuration) a whole new state is built
 * without any lock and swapped in.
 */
#include "baton/live.h"

#include "view.h"
#include "db.h"
#include "engine.h"
#include "util/alloc.h"
#include "util/json.h"
#include "util/region.h"

#include <errno.h>
#include <sys/types.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHUNK 64

enum { R_EV, R_TEXT, R_NEXT, R__COUNT }; /* the arrays kept in regions */

struct state {
	struct bt_config *cfg;
	struct bt__identity id;
	struct bt_engine *e;
	struct bt__idmark mark;
	int64_t epoch, seq;
	uint32_t *ihead, *itail, *inext; /* per identifier: event index + 1 / identifier + 1 */
	size_t capi;
	uint32_t *phead, *ptail;         /* per profile: identifier + 1 */
	size_t capp;
	uint32_t *enext;                 /* per event: next event index + 1 of its anchor */
	size_t cape;
	struct bt__region reg[R__COUNT]; /* where ev, text and enext live: see regions_fit */
	/* journey-level snapshots deriving without the lock (bt_live_engine)
	 * borrow the records: while any does, the state is not freed and an
	 * array that moved keeps its old region (retired) */
	int pins; /* atomic */
	struct bt__region *retired;
	size_t nretired;
	/* bumped in each write-locked change (events, identity rows): a
	 * derivation of the state is good for as long as it stays */
	uint64_t changes;
};

/* A derivation of the state shared by the journey-level queries that ask
 * the same question: the same state, not changed since, judged at the same
 * time (or one at most reuse_ms earlier: bt_live_engine).  Twenty people
 * polling a dashboard then cost one derivation, not twenty.  It pins its
 * state; a refresh that changes the state drops it from the cache, and its
 * last user frees it. */
struct derived {
	struct state *s;
	uint64_t changes;
	int64_t as_of;
	struct bt_engine *v;
	int refs, ready, rc;
	int dropped; /* out of the cache: freed by its last user */
	struct derived *next;
};

/* how many derivations the cache keeps (each costs some bytes per event) */
#define DERIVED_KEEP 2

struct bt_live {
	struct bt_db *db;
	pthread_rwlock_t rw; /* readers: queries; writer: refresh, in short holds */
	struct state *st;
	pthread_mutex_t mu;  /* guards seq for waiters */
	pthread_cond_t moved;
	int64_t seq;
	int64_t epoch; /* the database's epoch the state was built at */
	int64_t committed; /* the database's commit count the state has seen (-1: not kept) */
	uint64_t gen; /* refreshes finished */
	pthread_mutex_t dmu;  /* the derivations below */
	pthread_cond_t derived; /* one is ready */
	struct derived *cache;
};

/* The capacity (a power of two) that holds index need. */
static size_t cap_for(size_t cap, size_t need)
{
	size_t c = cap ? cap : 1024;
	while (c <= need)
		c *= 2;
	return c;
}

/* Resize a zero-filled array of uint32_t from old to c entries. */
static int resize(uint32_t **a, size_t old, size_t c)
{
	uint32_t *p = bt__reallocarray(*a, c, sizeof(*p));
	if (!p)
		return BT_ENOMEM;
	memset(p + old, 0, (c - old) * sizeof(*p));
	*a = p;
	return 0;
}

static int grow_idents(struct state *s, size_t need)
{
	if (need < s->capi)
		return 0;
	size_t c = cap_for(s->capi, need);
	int rc;
	if ((rc = resize(&s->ihead, s->capi, c)) || (rc = resize(&s->itail, s->capi, c)) ||
	    (rc = resize(&s->inext, s->capi, c)))
		return rc;
	s->capi = c;
	return 0;
}

static int grow_profiles(struct state *s, size_t need)
{
	if (need < s->capp)
		return 0;
	size_t c = cap_for(s->capp, need);
	int rc;
	if ((rc = resize(&s->phead, s->capp, c)) || (rc = resize(&s->ptail, s->capp, c)))
		return rc;
	s->capp = c;
	return 0;
}

static void release_retired(struct state *s)
{
	for (size_t i = 0; i < s->nretired; i++)
		bt__region_release(&s->retired[i]);
	bt__free(s->retired);
	s->retired = NULL, s->nretired = 0;
}

/* Until no snapshot borrows s's records (bt_live_engine). */
static void wait_unpinned(struct state *s)
{
	while (__atomic_load_n(&s->pins, __ATOMIC_ACQUIRE)) {
		struct timespec ms = {0, 1000000};
		nanosleep(&ms, NULL);
	}
}

/* Free s once no snapshot borrows its records any more. */
static void state_free(struct state *s)
{
	if (!s)
		return;
	wait_unpinned(s);
	release_retired(s);
	if (s->e) /* the regions' arrays are not the engine's to free */
		s->e->ev = NULL, s->e->text = NULL;
	bt_engine_free(s->e);
	for (int k = 0; k < R__COUNT; k++)
		bt__region_release(&s->reg[k]);
	bt__identity_release(&s->id);
	bt_config_free(s->cfg);
	bt__free(s->ihead), bt__free(s->itail), bt__free(s->inext);
	bt__free(s->phead), bt__free(s->ptail);
	bt__free(s);
}

/* Identifier k joins the member list of root r. */
static void join(struct state *s, uint32_t k, uint32_t r)
{
	s->inext[k] = 0;
	if (s->ptail[r])
		s->inext[s->ptail[r] - 1] = k + 1;
	else
		s->phead[r] = k + 1;
	s->ptail[r] = k + 1;
}

static int feed_profile(void *ctx, uint32_t p, uint32_t merged_into)
{
	struct state *s = ctx;
	int rc = grow_profiles(s, p > merged_into ? p : merged_into);
	return rc ? rc : bt__identity_load_profile(&s->id, p, merged_into);
}

static int feed_merge(void *ctx, uint32_t into, uint32_t from)
{
	struct state *s = ctx;
	uint32_t a, b;
	int rc = grow_profiles(s, into > from ? into : from);
	if (rc || from >= s->id.nprof || into >= s->id.nprof)
		return rc;
	bt__identity_load_merge(&s->id, into, from, &a, &b);
	if (a != b && s->phead[b]) { /* b's identifiers follow a's */
		if (s->ptail[a])
			s->inext[s->ptail[a] - 1] = s->phead[b];
		else
			s->phead[a] = s->phead[b];
		s->ptail[a] = s->ptail[b];
		s->phead[b] = s->ptail[b] = 0;
	}
	return 0;
}

static int feed_ident(void *ctx, uint32_t k, const char *text, size_t n, uint32_t profile)
{
	struct state *s = ctx;
	int rc;
	if (k != s->id.nidents)
		return BT_ESTORE; /* ids are dense in the store */
	if (!text) /* erased: joins no profile */
		profile = 0;
	if ((rc = grow_idents(s, k)) || (rc = grow_profiles(s, profile)) ||
	    (rc = bt__identity_load_ident(&s->id, text, n, profile)))
		return rc;
	if (profile)
		join(s, k, bt__identity_root(&s->id, profile));
	return 0;
}

/* the live state resolves nothing: it needs no pairs kept apart */
static const struct bt__idfeed feed = {feed_profile, feed_merge, feed_ident, NULL};

/* What the store's identity gained, recorded outside the lock and then
 * replayed under it, in holds of at most CHUNK rows. */
struct idrow {
	int kind; /* 0 profile, 1 merge, 2 identifier */
	uint32_t a, b;
	int has_text;
	size_t off, n; /* the identifier's text within the recording's text */
};

struct recording {
	struct idrow *r;
	size_t n, cap;
	struct bt_buf text;
};

static int record_row(struct recording *rec, int kind, uint32_t a, uint32_t b, const char *text,
		      size_t n)
{
	if (rec->n == rec->cap) {
		size_t cap = rec->cap ? rec->cap * 2 : 64;
		struct idrow *r = bt__realloc(rec->r, cap * sizeof(*r));
		if (!r)
			return BT_ENOMEM;
		rec->r = r, rec->cap = cap;
	}
	rec->r[rec->n] = (struct idrow){kind, a, b, text != NULL, rec->text.len, n};
	if (text && bt_buf_add(&rec->text, text, n))
		return BT_ENOMEM;
	rec->n++;
	return 0;
}

static int rec_profile(void *ctx, uint32_t p, uint32_t merged_into)
{
	return record_row(ctx, 0, p, merged_into, NULL, 0);
}

static int rec_merge(void *ctx, uint32_t into, uint32_t from)
{
	return record_row(ctx, 1, into, from, NULL, 0);
}

static int rec_ident(void *ctx, uint32_t k, const char *text, size_t n, uint32_t profile)
{
	return record_row(ctx, 2, k, profile, text, n);
}

static const struct bt__idfeed recorder = {rec_profile, rec_merge, rec_ident, NULL};

static int identity_since(struct bt_live *l, struct state *s, struct bt_err *err)
{
	struct recording rec = {NULL, 0, 0, BT_BUF_INIT};
	int rc = l->db->store->ops->identity.since(l->db->store, &s->mark, &recorder, &rec, err);
	for (size_t i = 0; !rc && i < rec.n; i += CHUNK) {
		pthread_rwlock_wrlock(&l->rw);
		for (size_t k = i; !rc && k < rec.n && k < i + CHUNK; k++) {
			const struct idrow *r = &rec.r[k];
			if (r->kind == 0)
				rc = feed_profile(s, r->a, r->b);
			else if (r->kind == 1)
				rc = feed_merge(s, r->a, r->b);
			else
				rc = feed_ident(s, r->a, r->has_text ? rec.text.data + r->off : NULL, r->n,
						r->b);
		}
		s->changes++;
		pthread_rwlock_unlock(&l->rw);
	}
	bt__free(rec.r);
	bt_buf_release(&rec.text);
	return rc;
}

/* Appending events: a batch is read and parsed outside the lock, then
 * linked in under it. */
#define BATCH 32
struct appending {
	struct bt_live *l; /* NULL: a new state nobody reads yet */
	struct state *s;
	struct bt_json_doc doc[BATCH];
	struct bt__event ev[BATCH];
	int64_t seq[BATCH];
	uint32_t anchor[BATCH];
	unsigned n;
	struct bt_err *err;
};

/* The arrays that grow with every event (the records, their texts, the
 * per-identifier event lists) live in regions (util/region.h): they grow
 * in place, outside the lock, and never move while a query reads them.
 * (realloc under the lock copied tens of megabytes while queries waited.)
 * Only past its reservation, which the system may have cut short, does an
 * array move: copied outside the lock, swapped in under it. */
static const size_t r_elem[R__COUNT] = {sizeof(struct bt__erec), sizeof(struct bt__etext),
					sizeof(uint32_t)};

/* The capacity of array k: only its writer reads it, so it may change
 * outside the lock. */
static void set_cap(struct state *s, int k)
{
	size_t cap = s->reg[k].usable / r_elem[k];
	if (k == R_EV)
		s->e->capev = cap;
	else if (k == R_TEXT)
		s->e->captext = cap;
	else
		s->cape = cap;
}

/* Array k's address (readers read it: under the lock, or before anyone reads). */
static void set_array(struct state *s, int k)
{
	void *base = s->reg[k].base;
	if (k == R_EV)
		s->e->ev = base;
	else if (k == R_TEXT)
		s->e->text = base;
	else
		s->enext = base;
	set_cap(s, k);
}

/* Events the regions reserve room for: every event the engine can number
 * (uint32_t).  Tests make it small, so that the arrays must move. */
size_t bt__live_reserve = UINT32_MAX;

static int regions_init(struct state *s)
{
	for (int k = 0; k < R__COUNT; k++) {
		int rc = bt__region_init(&s->reg[k], bt__live_reserve * r_elem[k]);
		if (rc)
			return rc;
		set_array(s, k);
	}
	return 0;
}

/* Before the lock: room for need events.  An array that must move is
 * copied into moved[k] (base NULL: none). */
static int regions_fit(struct state *s, size_t need, struct bt__region *moved)
{
	size_t used = s->e->nev;
	memset(moved, 0, R__COUNT * sizeof(*moved));
	for (int k = 0; k < R__COUNT; k++) {
		size_t bytes = need * r_elem[k];
		if (!bt__region_fit(&s->reg[k], bytes)) {
			set_cap(s, k);
			continue;
		}
		size_t room = 2 * (bytes > s->reg[k].reserved ? bytes : s->reg[k].reserved);
		if (bt__region_init(&moved[k], room) || bt__region_fit(&moved[k], bytes)) {
			for (int j = 0; j <= k; j++)
				bt__region_release(&moved[j]);
			return BT_ENOMEM;
		}
		memcpy(moved[k].base, s->reg[k].base, used * r_elem[k]);
	}
	return 0;
}

/* Under the lock: the moved arrays replace the old, which moved then holds. */
static void regions_swap(struct state *s, struct bt__region *moved)
{
	for (int k = 0; k < R__COUNT; k++)
		if (moved[k].base) {
			struct bt__region old = s->reg[k];
			s->reg[k] = moved[k];
			set_array(s, k);
			moved[k] = old;
		}
}

static int flush(struct appending *a)
{
	struct state *s = a->s;
	struct bt__region moved[R__COUNT];
	int rc = regions_fit(s, s->e->nev + a->n, moved);
	if (rc)
		return rc;
	if (a->l)
		pthread_rwlock_wrlock(&a->l->rw);
	regions_swap(s, moved);
	for (unsigned k = 0; k < a->n && !rc; k++) {
		size_t i = s->e->nev;
		uint32_t anchor = a->anchor[k];
		if ((rc = bt__engine_add(s->e, &a->doc[k], &a->ev[k], (uint32_t)a->seq[k], anchor)) ||
		    (rc = grow_idents(s, anchor)))
			break;
		s->enext[i] = 0;
		if (s->itail[anchor])
			s->enext[s->itail[anchor] - 1] = (uint32_t)i + 1;
		else
			s->ihead[anchor] = (uint32_t)i + 1;
		s->itail[anchor] = (uint32_t)i + 1;
		s->seq = a->seq[k];
	}
	s->changes++;
	/* the regions moved out of: a snapshot that pinned the state before
	 * the swap may still read them (pins only rise under the read lock, so
	 * none can rise now) */
	int pinned = __atomic_load_n(&s->pins, __ATOMIC_ACQUIRE) != 0;
	if (a->l)
		pthread_rwlock_unlock(&a->l->rw);
	if (!pinned)
		release_retired(s);
	for (int k = 0; k < R__COUNT; k++) {
		if (!moved[k].base)
			continue;
		struct bt__region *r = pinned ? bt__reallocarray(s->retired, s->nretired + 1, sizeof(*r)) : NULL;
		if (r) {
			s->retired = r;
			r[s->nretired++] = moved[k];
		} else {
			if (pinned) /* no memory to remember it: wait for the snapshots */
				wait_unpinned(s);
			bt__region_release(&moved[k]);
		}
	}
	a->n = 0;
	return rc;
}

static int append_event(void *ctx, int64_t seq, uint32_t anchor, const char *raw, size_t len)
{
	struct appending *a = ctx;
	int rc = bt__stored_event_read(&a->doc[a->n], &a->ev[a->n], seq, raw, len, a->err);
	if (rc)
		return rc;
	a->seq[a->n] = seq, a->anchor[a->n] = anchor;
	return ++a->n == BATCH ? flush(a) : 0;
}

/* Append the events after s->seq; readers: NULL for a state nobody reads
 * yet, else the live state whose lock guards s. */
static int append_since(struct bt_live *l, struct bt_live *readers, struct state *s,
			struct bt_err *err)
{
	struct appending *a = bt__calloc(1, sizeof(*a));
	if (!a)
		return BT_ENOMEM;
	a->l = readers, a->s = s, a->err = err;
	for (unsigned k = 0; k < BATCH; k++)
		bt_json_doc_init(&a->doc[k]);
	int rc = l->db->store->ops->events.each(l->db->store, s->seq, append_event, a, err);
	if (!rc && a->n)
		rc = flush(a);
	for (unsigned k = 0; k < BATCH; k++)
		bt_json_doc_release(&a->doc[k]);
	bt__free(a);
	return rc;
}

/* A whole new state from the database (inside the caller's read snapshot). */
static int build(struct bt_live *l, int64_t epoch, struct state **out, struct bt_err *err)
{
	struct state *s = bt__calloc(1, sizeof(*s));
	int rc;
	*out = NULL;
	if (!s)
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	s->epoch = epoch;
	s->mark.ident = -1; /* identifier ids start at 0, profiles and merges at 1 */
	bt__identity_init(&s->id);
	if ((rc = bt_db_config_get(l->db, &s->cfg, err)))
		goto out;
	bt__identity_apply_config(&s->id, s->cfg);
	if (!(s->e = bt__calloc(1, sizeof(*s->e)))) {
		rc = BT_ENOMEM;
		goto out;
	}
	if ((rc = bt__engine_init(s->e, s->cfg, &s->id)))
		goto out;
	s->e->keep_text = 1;
	if ((rc = regions_init(s)))
		goto out;
	if ((rc = l->db->store->ops->identity.since(l->db->store, &s->mark, &feed, s, err)))
		goto out;
	rc = append_since(l, NULL, s, err);
out:
	if (rc) {
		state_free(s);
		return rc == BT_ENOMEM ? bt_err_set(err, rc, "out of memory") : rc;
	}
	*out = s;
	return 0;
}

int bt_live_open(const char *path, struct bt_live **out, struct bt_err *err)
{
	struct bt_live *l = bt__calloc(1, sizeof(*l));
	*out = NULL;
	if (!l)
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	int rc = bt_db_open(&l->db, path, BT_OPEN_READONLY, err);
	if (rc) {
		bt__free(l);
		return rc;
	}
	pthread_rwlock_init(&l->rw, NULL);
	pthread_mutex_init(&l->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&l->moved, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&l->dmu, NULL);
	pthread_cond_init(&l->derived, NULL);
	l->seq = -1;
	l->epoch = -1;
	l->committed = -1;
	*out = l;
	return 0;
}

/* Free a derivation: its engine, and its pin on the state. */
static void derived_free(struct derived *d)
{
	bt_engine_free(d->v);
	__atomic_sub_fetch(&d->s->pins, 1, __ATOMIC_ACQ_REL);
	bt__free(d);
}

/* Take d out of the cache (dmu held): freed now when nobody uses it, else
 * by its last user. */
static void derived_drop(struct bt_live *l, struct derived *d)
{
	for (struct derived **p = &l->cache; *p; p = &(*p)->next)
		if (*p == d) {
			*p = d->next;
			break;
		}
	d->dropped = 1;
	if (!d->refs)
		derived_free(d);
}

/* Drop every derivation of a state other than st as it is now (all of
 * them when st is NULL): after a refresh changed it, and before an old
 * state is freed, which waits for its pins. */
static void derived_expire(struct bt_live *l, const struct state *st)
{
	pthread_mutex_lock(&l->dmu);
	for (struct derived *d = l->cache, *next; d; d = next) {
		next = d->next;
		if (!st || d->s != st || d->changes != st->changes)
			derived_drop(l, d);
	}
	pthread_mutex_unlock(&l->dmu);
}

void bt_live_close(struct bt_live *l)
{
	if (!l)
		return;
	derived_expire(l, NULL);
	state_free(l->st);
	pthread_mutex_destroy(&l->dmu);
	pthread_cond_destroy(&l->derived);
	bt_db_close(l->db);
	pthread_rwlock_destroy(&l->rw);
	pthread_mutex_destroy(&l->mu);
	pthread_cond_destroy(&l->moved);
	bt__free(l);
}

int bt_live_refresh(struct bt_live *l, struct bt_err *err)
{
	const struct bt__store_ops *ops = l->db->store->ops;
	int changed, rc;
	int64_t epoch;
	int64_t committed = -1;
	if ((rc = ops->txn.read_begin(l->db->store, &changed, err)))
		return rc;
	if (ops->txn.committed && (rc = ops->txn.committed(l->db->store, &committed, err))) {
		ops->txn.rollback(l->db->store);
		return rc;
	}
	if (l->st && !changed && l->st->epoch >= 0) { /* nobody committed since the last refresh */
		ops->txn.rollback(l->db->store);
		goto done;
	}
	if ((rc = bt_db_epoch(l->db, &epoch, err)))
		goto out;
	if (!l->st || epoch != l->st->epoch) {
		struct state *s, *old;
		if ((rc = build(l, epoch, &s, err)))
			goto out;
		pthread_rwlock_wrlock(&l->rw);
		old = l->st;
		l->st = s;
		pthread_rwlock_unlock(&l->rw);
		derived_expire(l, s); /* the old state's pins go with them */
		state_free(old);
	} else {
		struct state *s = l->st;
		rc = identity_since(l, s, err);
		if (!rc)
			rc = append_since(l, l, s, err);
		if (rc) /* half followed: the next refresh builds anew */
			s->epoch = -1;
		derived_expire(l, s);
	}
out:
	ops->txn.rollback(l->db->store);
	if (rc == BT_ENOMEM)
		bt_err_set(err, rc, "out of memory");
done:
	pthread_mutex_lock(&l->mu);
	if (!rc) {
		l->seq = l->st->seq;
		l->epoch = l->st->epoch;
		l->committed = committed;
	}
	l->gen++;
	pthread_cond_broadcast(&l->moved);
	pthread_mutex_unlock(&l->mu);
	return rc;
}

/* The monotonic time timeout_ms from now, for pthread_cond_timedwait. */
static void deadline(struct timespec *t, int timeout_ms)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_sec += timeout_ms / 1000;
	t->tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L)
		t->tv_sec++, t->tv_nsec -= 1000000000L;
}

/* Wait on moved until l->seq >= seq, l->gen >= gen or l->epoch >= epoch,
 * or timeout_ms. */
static int wait_for(struct bt_live *l, int64_t seq, uint64_t gen, int64_t epoch, int timeout_ms)
{
	struct timespec t;
	int rc = 0;
	deadline(&t, timeout_ms);
	pthread_mutex_lock(&l->mu);
	while (l->seq < seq && l->gen < gen && l->epoch < epoch && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&l->moved, &l->mu, &t);
	int ok = l->seq >= seq || l->gen >= gen || l->epoch >= epoch;
	pthread_mutex_unlock(&l->mu);
	return ok ? 0 : BT_EBUSY;
}

int bt_live_wait(struct bt_live *l, int64_t seq, int timeout_ms)
{
	return wait_for(l, seq, UINT64_MAX, INT64_MAX, timeout_ms);
}

uint64_t bt_live_generation(struct bt_live *l)
{
	pthread_mutex_lock(&l->mu);
	uint64_t v = l->gen;
	pthread_mutex_unlock(&l->mu);
	return v;
}

int bt_live_wait_generation(struct bt_live *l, uint64_t gen, int timeout_ms)
{
	return wait_for(l, INT64_MAX, gen, INT64_MAX, timeout_ms);
}

/* A mark that refresh moves (seq, epoch), read under mu. */
static int64_t mark(struct bt_live *l, const int64_t *m)
{
	pthread_mutex_lock(&l->mu);
	int64_t v = *m;
	pthread_mutex_unlock(&l->mu);
	return v;
}

int64_t bt_live_epoch(struct bt_live *l) { return mark(l, &l->epoch); }

int bt_live_wait_epoch(struct bt_live *l, int64_t epoch, int timeout_ms)
{
	return wait_for(l, INT64_MAX, UINT64_MAX, epoch, timeout_ms);
}

int64_t bt_live_seq(struct bt_live *l) { return mark(l, &l->seq); }

int bt_live_listen(struct bt_live *l)
{
	const struct bt__store_ops *ops = l->db->store->ops;
	int fd = -1;
	if (!ops->txn.listen || ops->txn.listen(l->db->store, &fd, NULL))
		return -1;
	return fd;
}

int bt_live_notified(struct bt_live *l)
{
	const struct bt__store_ops *ops = l->db->store->ops;
	return ops->txn.notified ? ops->txn.notified(l->db->store) : 0;
}

int bt_live_commits(struct bt_db *db, int64_t *n, struct bt_err *err)
{
	const struct bt__store_ops *ops = db->store->ops;
	*n = -1;
	return ops->txn.committed ? ops->txn.committed(db->store, n, err) : 0;
}

int64_t bt_live_committed(struct bt_live *l) { return mark(l, &l->committed); }

int bt_live_wait_commits(struct bt_live *l, int64_t n, int timeout_ms)
{
	struct timespec t;
	int rc = 0;
	deadline(&t, timeout_ms);
	pthread_mutex_lock(&l->mu);
	while (l->committed < n && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&l->moved, &l->mu, &t);
	int ok = l->committed >= n;
	pthread_mutex_unlock(&l->mu);
	return ok ? 0 : BT_EBUSY;
}

/* The root of the customer of ident, or an error (read lock held). */
static int resolve(const struct state *s, const char *ident, uint32_t *root, struct bt_err *err)
{
	struct bt_buf norm = BT_BUF_INIT;
	int64_t p;
	int rc = bt__ident_parse(&s->id.rules, ident, &p, &norm, err);
	if (!rc && !p) {
		uint32_t k = bt__identity_find(&s->id, norm.data, norm.len);
		if (k == BT_ID_NONE || !s->id.ident_profile[k])
			rc = bt_err_set(err, BT_ENOTFOUND, "no profile holds that %.*s",
					(int)(strchr(ident, ':') - ident), ident);
		else
			p = s->id.ident_profile[k];
	}
	bt_buf_release(&norm);
	if (rc)
		return rc;
	if (p >= s->id.nprof || !s->id.prof[p].live)
		return bt_err_set(err, BT_ENOTFOUND, "no profile P%lld", (long long)p);
	*root = bt__identity_root_ro(&s->id, (uint32_t)p); /* other queries read it too */
	return 0;
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The view of root's events at time at, and its identifiers sorted (read
 * lock held). */
static int customer(struct state *s, uint32_t root, int64_t at, struct bt_engine **view,
		    const char ***idents, size_t *nidents)
{
	uint32_t *idx = NULL;
	size_t n = 0, cap = 0, ni = 0;
	const char **texts = NULL;
	int rc = 0;
	*view = NULL;
	for (uint32_t k = root < s->capp ? s->phead[root] : 0; k; k = s->inext[k - 1]) {
		const char *t = s->id.ident_text[k - 1];
		if (t[0]) { /* not an erased placeholder */
			const char **p = bt__reallocarray(texts, ni + 1, sizeof(*p));
			if (!p) {
				rc = BT_ENOMEM;
				goto out;
			}
			texts = p;
			texts[ni++] = t;
		}
		for (uint32_t x = k - 1 < s->capi ? s->ihead[k - 1] : 0; x; x = s->enext[x - 1]) {
			if (s->e->ev[x - 1].ts > at)
				continue;
			if (n == cap) {
				size_t c = cap ? cap * 2 : 64;
				uint32_t *p = bt__reallocarray(idx, c, sizeof(*p));
				if (!p) {
					rc = BT_ENOMEM;
					goto out;
				}
				idx = p, cap = c;
			}
			idx[n++] = x - 1;
		}
	}
	qsort(texts, ni, sizeof(*texts), by_text);
	rc = bt__engine_view(s->e, idx, n, at, root, view);
out:
	bt__free(idx);
	if (rc) {
		bt__free(texts);
		return rc;
	}
	*idents = texts;
	*nidents = ni;
	return 0;
}

/* Take the read lock without sleeping when the writer lets go soon: a
 * writer holds it for microseconds (one batch of pointer work), while a
 * reader put to sleep waits for the scheduler to wake it, which on a busy
 * machine costs milliseconds.  Spin for at most SPIN_NS, then block. */
#define SPIN_NS 50000
static void read_lock(struct bt_live *l)
{
	struct timespec t0, t;
	if (!pthread_rwlock_tryrdlock(&l->rw))
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned i = 1;; i++) {
		if (!pthread_rwlock_tryrdlock(&l->rw))
			return;
		if (i % 64 == 0) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			if ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) > SPIN_NS)
				break;
		}
	}
	pthread_rwlock_rdlock(&l->rw);
}

int bt_live_context(struct bt_live *l, const char *ident, int64_t at, struct bt_buf *out,
		    struct bt_err *err)
{
	struct bt_engine *v = NULL;
	const char **texts = NULL;
	size_t n = 0;
	uint32_t root;
	int rc;
	read_lock(l);
	if (!l->st)
		rc = bt_err_set(err, BT_EBUSY, "the live state is still being built");
	else if (!(rc = resolve(l->st, ident, &root, err)) &&
		 !(rc = customer(l->st, root, at, &v, &texts, &n)))
		rc = bt__context_json(v, root, texts, n, out);
	pthread_rwlock_unlock(&l->rw);
	bt_engine_free(v);
	bt__free(texts);
	return rc == BT_ENOMEM ? bt_err_set(err, rc, "out of memory") : rc;
}

/* The purpose a guard question names, as its id; NULL (and err says which
 * purposes there are) when there is no such purpose. */
static const char *known_purpose(const struct bt_config *cfg, const char *purpose, struct bt_err *err)
{
	const char *names[64], *id = bt_config_purpose(cfg, purpose, strlen(purpose));
	size_t nids, n = bt_config_purpose_names(cfg, names, 64, &nids);
	char list[512];
	size_t off = 0;
	if (id)
		return id;
	for (size_t i = 0; i < n && off < sizeof(list); i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
					i == 0 ? "" : i == nids ? "; or an alias: " : ", ", names[i]);
	const char *near = bt_suggest(purpose, strlen(purpose), names, n);
	if (near)
		bt_err_set(err, BT_EINVAL, "unknown purpose '%.60s' (did you mean '%s'? the purposes: %s)",
			   purpose, near, list);
	else
		bt_err_set(err, BT_EINVAL, "unknown purpose '%.60s' (the purposes: %s)", purpose, list);
	return NULL;
}

int bt_live_guard(struct bt_live *l, const char *const *idents, size_t n, const char *purpose,
		  int64_t at, int detail, struct bt_buf *out, struct bt_err *err)
{
	struct bt_engine *v = NULL;
	const char **texts = NULL;
	size_t nt = 0;
	uint32_t root = 0;
	int rc = BT_ENOTFOUND;
	read_lock(l);
	if (!l->st)
		rc = bt_err_set(err, BT_EBUSY, "the live state is still being built");
	else if (!(purpose = known_purpose(l->st->cfg, purpose, err)))
		rc = BT_EINVAL;
	for (size_t i = 0; l->st && purpose && i < n && rc == BT_ENOTFOUND; i++)
		rc = resolve(l->st, idents[i], &root, NULL);
	if (rc == BT_ENOTFOUND) /* nobody we know: nothing stands in the way */
		rc = bt__guard_unknown_json(purpose, at, detail, out);
	else if (!rc && !(rc = customer(l->st, root, at, &v, &texts, &nt)))
		rc = bt__guard_json(v, root, purpose, detail, out);
	pthread_rwlock_unlock(&l->rw);
	bt_engine_free(v);
	bt__free(texts);
	return rc == BT_ENOMEM ? bt_err_set(err, rc, "out of memory") : rc;
}

/* The index of the event numbered seq, or -1 (the records are in the order
 * of their numbers: appended as the store numbered them). */
static ssize_t event_index(const struct bt_engine *e, uint32_t seq)
{
	size_t lo = 0, hi = e->nev;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (e->ev[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < e->nev && e->ev[lo].seq == seq ? (ssize_t)lo : -1;
}

/* May scope see instance i of view v? */
static int in_scope(const struct bt_engine *v, uint32_t i, const struct bt_scope *scope)
{
	const struct bt__inst *in = &v->inst[i];
	const struct bt_cfg_journey *j = v->journeys[in->journey].cfg;
	if (scope && scope->person && !(j && j->owner && !strcmp(j->owner, scope->person)))
		return 0;
	if (scope && scope->team &&
	    !(in->holder && !strcmp(bt_strmap_key(&v->names, in->holder), scope->team)))
		return 0;
	return 1;
}

int bt_live_instance(struct bt_live *l, const char *id, int64_t at, const struct bt_scope *scope,
		     struct bt_buf *out, struct bt_err *err)
{
	struct bt_engine *v = NULL;
	const char **texts = NULL;
	size_t nt = 0;
	char *end;
	int rc = BT_ENOTFOUND;
	if (id[0] != 'I' || id[1] < '1' || id[1] > '9')
		return bt_err_set(err, BT_EINVAL, "an instance id is I and a number, like I1042");
	errno = 0;
	unsigned long long seq = strtoull(id + 1, &end, 10);
	if (*end || errno || seq > UINT32_MAX)
		return bt_err_set(err, BT_EINVAL, "an instance id is I and a number, like I1042");
	read_lock(l);
	struct state *s = l->st;
	ssize_t x = s ? event_index(s->e, (uint32_t)seq) : -1;
	uint32_t p = x >= 0 ? s->id.ident_profile[s->e->ev[x].anchor] : 0;
	if (!s)
		rc = bt_err_set(err, BT_EBUSY, "the live state is still being built");
	else if (p && !(rc = customer(s, bt__identity_root_ro(&s->id, p), at, &v, &texts, &nt))) {
		rc = BT_ENOTFOUND;
		for (uint32_t i = 0; i < v->ninst && rc == BT_ENOTFOUND; i++)
			if (v->inst[i].opener == seq && in_scope(v, i, scope))
				rc = bt__instance_detail_json(v, i, out);
	}
	pthread_rwlock_unlock(&l->rw);
	bt_engine_free(v);
	bt__free(texts);
	if (rc == BT_ENOTFOUND)
		return bt_err_set(err, rc, "no instance %s", id);
	return rc == BT_ENOMEM ? bt_err_set(err, rc, "out of memory") : rc;
}

/* The derivation of l's state judged at as_of, or one judged at most
 * reuse_ms earlier, from the cache or made now and shared; NULL with *rc
 * set when none can be had.  Waits while another request derives the
 * same. */
static struct derived *derivation(struct bt_live *l, int64_t as_of, int64_t reuse_ms, int *rc)
{
	struct derived *d, *made = NULL;
	read_lock(l);
	struct state *s = l->st;
	if (!s) {
		pthread_rwlock_unlock(&l->rw);
		*rc = BT_EBUSY;
		return NULL;
	}
	if (as_of == BT_TIME_NONE) /* judged at the latest event, as bt_engine_from_db */
		as_of = s->e->max_ts != BT_TIME_NONE ? s->e->max_ts : 0;
	pthread_mutex_lock(&l->dmu);
	struct derived *best = NULL;
	size_t n = 0;
	for (d = l->cache; d; d = d->next, n++)
		if (d->s == s && d->changes == s->changes && d->as_of <= as_of &&
		    as_of - d->as_of < (reuse_ms ? reuse_ms : 1) && (!best || d->as_of > best->as_of))
			best = d;
	if (!best) {
		/* under the read lock only the snapshot (a few copies); the
		 * derivation, which takes a while over millions of events, runs
		 * without it, so the follower, and ingest answers waiting for
		 * it, never wait for it */
		made = bt__calloc(1, sizeof(*made));
		struct bt_engine *v = NULL;
		if (!made || (*rc = bt__engine_snapshot(s->e, as_of, &v))) {
			pthread_mutex_unlock(&l->dmu);
			pthread_rwlock_unlock(&l->rw);
			bt__free(made);
			if (!made)
				*rc = BT_ENOMEM;
			return NULL;
		}
		__atomic_add_fetch(&s->pins, 1, __ATOMIC_ACQ_REL);
		*made = (struct derived){s, s->changes, as_of, v, 0, 0, 0, 0, l->cache};
		l->cache = best = made;
		while (n + 1 > DERIVED_KEEP) { /* the oldest out */
			struct derived *last = l->cache;
			while (last->next)
				last = last->next;
			derived_drop(l, last);
			n--;
		}
	}
	best->refs++;
	pthread_mutex_unlock(&l->dmu);
	pthread_rwlock_unlock(&l->rw);
	if (made) {
		int r = bt__engine_derive(made->v);
		pthread_mutex_lock(&l->dmu);
		made->rc = r, made->ready = 1;
		if (r && !made->dropped) /* not to be shared */
			derived_drop(l, made);
		pthread_cond_broadcast(&l->derived);
	} else {
		pthread_mutex_lock(&l->dmu);
		while (!best->ready)
			pthread_cond_wait(&l->derived, &l->dmu);
	}
	*rc = best->rc;
	pthread_mutex_unlock(&l->dmu);
	return best;
}

static void derivation_done(struct bt_live *l, struct derived *d)
{
	pthread_mutex_lock(&l->dmu);
	if (!--d->refs && d->dropped)
		derived_free(d);
	pthread_mutex_unlock(&l->dmu);
}

int bt_live_engine(struct bt_live *l, int64_t as_of, int64_t reuse_ms, bt_live_fn fn, void *ctx,
		   struct bt_err *err)
{
	int rc = 0;
	struct derived *d = derivation(l, as_of, reuse_ms < 0 ? 0 : reuse_ms, &rc);
	if (d && !rc)
		rc = fn(d->v, ctx);
	if (d)
		derivation_done(l, d);
	if (rc == BT_EBUSY && !d)
		return bt_err_set(err, BT_EBUSY, "the live state is still being built");
	return rc == BT_ENOMEM ? bt_err_set(err, rc, "out of memory") : rc;
}
