/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kpi.c - the KPIs of docs/kpis.md from a derived engine: one scan over the
 * instances of the cohort (opened in the period), one over their promises,
 * handoffs and local successes.  docs/kpis.md gives each formula.
 */
#include "engine.h"

#include "util/alloc.h"
#include "util/select.h"
#include "util/time.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int bt__journey_owned_by(const struct bt_engine *e, uint32_t j, const char *person)
{
	const struct bt_cfg_journey *c = e->journeys[j].cfg;
	return c && c->owner && !strcmp(c->owner, person);
}

/* A query with the caller's scope, and (once computed) which instances
 * are in its cohort: bit 0 over every journey, bit 1 for the one asked. */
struct kq {
	const char *journey;
	int64_t from, to;
	const struct bt_scope *scope;
	const uint8_t *cohort;
};

static int cohort_test(const struct bt_engine *e, const struct kq *q, uint32_t inst,
		       int32_t want)
{
	const struct bt__inst *in = &e->inst[inst];
	if (want >= 0 && in->journey != (uint32_t)want)
		return 0;
	if (q->scope && q->scope->person && !bt__journey_owned_by(e, in->journey, q->scope->person))
		return 0;
	if (q->from != BT_TIME_NONE && in->opened < q->from)
		return 0;
	if (q->to != BT_TIME_NONE && in->opened >= q->to)
		return 0;
	return 1;
}

/* Is instance inst in the cohort of q (of journey want, or of all: -1)?
 * The scans below ask it for each event, handoff and local success: a
 * byte per instance, worked out once per query, keeps them from reading
 * the instance itself, far away in memory, each time. */
static int in_cohort(const struct bt_engine *e, const struct kq *q, uint32_t inst,
		     int32_t want)
{
	if (q->cohort)
		return q->cohort[inst] & (want >= 0 ? 2 : 1);
	return cohort_test(e, q, inst, want);
}

static double ratio(uint64_t a, uint64_t b) { return b ? (double)a / (double)b : NAN; }

static int in_period(const struct kq *q, int64_t ts)
{
	return (q->from == BT_TIME_NONE || ts >= q->from) && (q->to == BT_TIME_NONE || ts < q->to);
}

/* Does collision record c count for the query?  Over every journey, each
 * colliding outbound event of the period once (its first record); for one
 * journey, those that collided on its instances of the cohort (one record
 * per event and journey). */
static int coll_counts(const struct bt_engine *e, const struct kq *q, int32_t want, size_t i)
{
	const struct bt__coll *c = &e->coll[i];
	if (want >= 0)
		return c->inst && in_cohort(e, q, c->inst - 1, want);
	if (!c->first || !in_period(q, c->ts))
		return 0;
	if (!(q->scope && q->scope->person))
		return 1;
	/* the records of one outbound event follow each other, its first
	 * carrying the reasons on no journey (consent, a promise on no
	 * instance); a scoped caller counts it once when one of its own
	 * instances caused it */
	for (size_t x = i; x < e->ncoll && (x == i || !e->coll[x].first); x++)
		if (e->coll[x].inst && in_cohort(e, q, e->coll[x].inst - 1, -1))
			return 1;
	return 0;
}

/* Nearest-rank percentile: the smallest value with at least p% at or
 * below.  Reorders v; asked for in rising p, each selection leaves the
 * ranks above it to the next. */
static double percentile(double *v, size_t n, unsigned p)
{
	if (!n)
		return NAN;
	size_t rank = (p * n + 99) / 100;
	size_t k = rank ? rank - 1 : 0;
	bt__select_kth(v, n, k);
	return v[k];
}

struct acc {
	struct bt_journey_kpis k;
	double *ttr;
	size_t nttr, capttr;
	uint64_t channels, csat_n, csat_sum, nps_n, promoters, detractors, ces_n, ces_sum;
};

static int add_instance(const struct bt_engine *e, struct acc *a, const struct bt__inst *in)
{
	const struct bt__journey *j = &e->journeys[in->journey];
	struct bt_journey_kpis *k = &a->k;
	k->instances++;
	k->open += in->state == IS_OPEN;
	k->resolved += in->state == IS_RESOLVED;
	k->abandoned += in->state == IS_ABANDONED;
	if (in->first_resolved != BT_TIME_NONE) {
		k->resolved_ever++;
		k->recontacted += in->recontacted;
		k->fcr += in->fcr && !in->recontacted;
		if (a->nttr == a->capttr) {
			size_t cap = a->capttr ? a->capttr * 2 : 256;
			double *p = bt__reallocarray(a->ttr, cap, sizeof(*p));
			if (!p)
				return BT_ENOMEM;
			a->ttr = p, a->capttr = cap;
		}
		a->ttr[a->nttr++] = (double)(in->first_resolved - in->opened) / 1000.0;
	}
	k->successful += in->state == IS_RESOLVED && !in->recontacted &&
			 e->as_of - in->resolved_at >= j->recontact;
	k->handoffs += in->handoffs;
	k->clean_handoffs += in->clean;
	k->handoff_context_lost += in->fail_context;
	k->handoff_customer_repeated += in->fail_repeat;
	k->handoff_late += in->fail_late;
	k->contacts += in->contacts;
	k->repeats += in->repeats;
	k->collisions += in->collisions;
	k->unowned_instances += !(j->cfg && j->cfg->owner);
	a->channels += (uint64_t)__builtin_popcount(in->channels);
	a->csat_n += in->csat_n, a->csat_sum += in->csat_sum;
	a->nps_n += in->nps_n, a->promoters += in->promoters, a->detractors += in->detractors;
	a->ces_n += in->ces_n, a->ces_sum += in->ces_sum;
	return 0;
}

static void add_promise(const struct bt_engine *e, struct acc *a, const struct bt__pstate *s)
{
	struct bt_journey_kpis *k = &a->k;
	k->promises++;
	if (s->fulfilled != BT_TIME_NONE) {
		if (bt__promise_kept_in_time(s))
			k->promises_kept++;
		else
			k->promises_kept_late++;
	} else if (bt__promise_overdue(s, e->as_of)) {
		k->promises_broken++;
		k->cross_team_breaks += s->maker != s->keeper;
	} else
		k->promises_open++;
}

static void finish_rates(struct acc *a)
{
	struct bt_journey_kpis *k = &a->k;
	uint64_t ended = k->resolved + k->abandoned;
	k->completion_rate = ratio(k->resolved, ended);
	k->resolution_rate = ratio(k->successful, ended);
	k->recontact_rate = ratio(k->recontacted, k->resolved_ever);
	k->fcr_rate = ratio(k->fcr, k->resolved_ever);
	k->handoffs_per_instance = ratio(k->handoffs, k->instances);
	k->handoff_success_rate = ratio(k->clean_handoffs, k->handoffs);
	k->repeat_rate = ratio(k->repeats, k->contacts);
	k->contacts_per_instance = ratio(k->contacts, k->instances);
	k->channels_per_instance = ratio(a->channels, k->instances);
	k->ttr_p50_s = percentile(a->ttr, a->nttr, 50);
	k->ttr_p90_s = percentile(a->ttr, a->nttr, 90);
	k->csat_avg = ratio(a->csat_sum, a->csat_n);
	k->nps = a->nps_n ? 100.0 * ((double)a->promoters - (double)a->detractors) / (double)a->nps_n
			  : NAN;
	k->ces_avg = ratio(a->ces_sum, a->ces_n);
}

static void describe(const struct bt_engine *e, uint32_t j, struct bt_journey_kpis *k)
{
	const struct bt__journey *jr = &e->journeys[j];
	k->journey = bt_strmap_key(&e->names, jr->name);
	k->defined = jr->cfg != NULL;
	if (jr->cfg) {
		const struct bt_cfg_person *p = bt_config_person(e->cfg, jr->cfg->owner ? jr->cfg->owner : "");
		k->name = jr->cfg->name;
		k->owner = jr->cfg->owner;
		k->owner_name = p ? p->name : NULL;
		k->sensitive = jr->cfg->sensitive;
	}
}

static int journey_rows(const struct bt_engine *e, const struct kq *q, int32_t want,
			struct bt_kpis *out)
{
	struct acc *acc = bt__calloc(e->njourneys + 1, sizeof(*acc));
	int rc = 0;
	if (!acc)
		return BT_ENOMEM;
	for (size_t i = 0; i < e->ninst && !rc; i++)
		if (in_cohort(e, q, (uint32_t)i, want))
			rc = add_instance(e, &acc[e->inst[i].journey], &e->inst[i]);
	for (size_t i = 0; i < e->nprom; i++)
		if (e->prom[i].inst && in_cohort(e, q, e->prom[i].inst - 1, want))
			add_promise(e, &acc[e->inst[e->prom[i].inst - 1].journey], &e->prom[i]);
	out->journeys = bt__calloc(e->njourneys + 1, sizeof(*out->journeys));
	if (!out->journeys)
		rc = BT_ENOMEM;
	for (size_t j = 0; j < e->njourneys && !rc; j++) {
		if (want >= 0 && j != (size_t)want)
			continue;
		/* configured journeys always have a row; others when seen; a
		 * scoped caller sees the person's own */
		if (!e->journeys[j].cfg && !acc[j].k.instances)
			continue;
		if (q->scope && q->scope->person && !bt__journey_owned_by(e, (uint32_t)j, q->scope->person))
			continue;
		finish_rates(&acc[j]);
		describe(e, (uint32_t)j, &acc[j].k);
		out->journeys[out->njourneys++] = acc[j].k;
	}
	for (size_t j = 0; j <= e->njourneys; j++)
		bt__free(acc[j].ttr);
	bt__free(acc);
	return rc;
}

/* Rows of local-versus-journey, keyed by a name id (team or source). */
struct rows {
	struct bt_local_kpis *v;
	size_t n, cap;
	struct bt_u64map idx;
};

static struct bt_local_kpis *row(const struct bt_engine *e, struct rows *r, uint32_t name)
{
	uint32_t k;
	if (bt_u64map_get(&r->idx, name, &k))
		return &r->v[k];
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		void *p = bt__reallocarray(r->v, cap, sizeof(*r->v));
		if (!p)
			return NULL;
		r->v = p, r->cap = cap;
	}
	if (bt_u64map_put(&r->idx, name, (uint32_t)r->n))
		return NULL;
	memset(&r->v[r->n], 0, sizeof(r->v[0]));
	r->v[r->n].id = bt_strmap_key(&e->names, name);
	return &r->v[r->n++];
}

static void count_success(struct bt_local_kpis *v, const struct bt__ls *ls)
{
	int is_true = ls->state == LS_TRUE;
	v->local_success++;
	v->true_success += is_true;
	v->internal_success += ls->internal;
	v->internal_true_success += ls->internal && is_true;
	v->cost_shifted += ls->shifted;
}

static void local_rates(struct bt_local_kpis *v)
{
	v->local_success_rate = ratio(v->local_success - v->internal_success, v->contacts);
	v->true_success_rate = ratio(v->true_success - v->internal_true_success, v->contacts);
}

static int local_rows(const struct bt_engine *e, const struct kq *q, int32_t want,
		      struct bt_kpis *out)
{
	struct rows teams = {0}, sources = {0};
	int rc = BT_ENOMEM;
	/* configured teams and touchpoints first, in file order (a scoped
	 * caller sees only those its instances touched) */
	int all = !(q->scope && q->scope->person);
	for (size_t i = 0; all && e->cfg && i < e->cfg->nteams; i++) {
		int64_t id = bt_strmap_find(&e->names, e->cfg->teams[i].id, strlen(e->cfg->teams[i].id));
		if (id >= 0 && !row(e, &teams, (uint32_t)id))
			goto out;
	}
	for (size_t i = 0; all && e->cfg && i < e->cfg->ntouchpoints; i++) {
		const char *s = e->cfg->touchpoints[i].id;
		int64_t id = bt_strmap_find(&e->names, s, strlen(s));
		if (id >= 0 && !row(e, &sources, (uint32_t)id))
			goto out;
	}
	for (size_t i = 0; i < e->nev; i++) {
		const struct bt__erec *r = &e->ev[i];
		int feedback_only = (r->flags & EF_FEEDBACK) && r->outcome == BT_OUT_NONE;
		if (!e->einst[i] || r->direction != BT_DIR_INBOUND || feedback_only ||
		    !in_cohort(e, q, e->einst[i] - 1, want))
			continue;
		struct bt_local_kpis *s = row(e, &sources, r->source);
		if (!s)
			goto out;
		s->contacts++;
		if (e->eteam[i]) {
			struct bt_local_kpis *t = row(e, &teams, e->eteam[i]);
			if (!t)
				goto out;
			t->contacts++;
		}
	}
	for (size_t i = 0; i < e->nls; i++) {
		const struct bt__ls *ls = &e->ls[i];
		if (!in_cohort(e, q, ls->inst, want))
			continue;
		struct bt_local_kpis *t = row(e, &teams, ls->team), *s = row(e, &sources, ls->source);
		if (!t || !s)
			goto out;
		count_success(t, ls), count_success(s, ls);
	}
	for (size_t i = 0; i < e->ncoll; i++) {
		const struct bt__coll *c = &e->coll[i];
		if (!coll_counts(e, q, want, i))
			continue;
		struct bt_local_kpis *t = c->team ? row(e, &teams, c->team) : NULL;
		struct bt_local_kpis *s = row(e, &sources, c->source);
		if ((c->team && !t) || !s)
			goto out;
		if (t)
			t->collisions++;
		s->collisions++;
	}
	for (size_t i = 0; i < teams.n; i++)
		local_rates(&teams.v[i]);
	for (size_t i = 0; i < sources.n; i++)
		local_rates(&sources.v[i]);
	out->teams = teams.v, out->nteams = teams.n;
	out->sources = sources.v, out->nsources = sources.n;
	teams.v = sources.v = NULL;
	rc = 0;
out:
	bt__free(teams.v), bt__free(sources.v);
	bt_u64map_release(&teams.idx), bt_u64map_release(&sources.idx);
	return rc;
}

static int cmp_route(const void *a, const void *b)
{
	const struct bt_handoff_route *x = a, *y = b;
	int c = strcmp(x->journey, y->journey);
	if (!c)
		c = strcmp(x->from, y->from);
	if (!c)
		c = strcmp(x->to, y->to);
	return c;
}

/* The routes met so far, found by the ids of their journey and teams (an
 * open-addressing table of indexes into the routes): a handoff costs a
 * hash, not a comparison of names. */
struct rtable {
	uint32_t *slot; /* route index + 1; 0 empty */
	uint32_t (*key)[3];
	size_t cap, n;
};

static size_t rhash(uint32_t j, uint32_t f, uint32_t t, size_t cap)
{
	uint64_t h = ((uint64_t)j * 0x9e3779b97f4a7c15u) ^ ((uint64_t)f * 0xc2b2ae3d27d4eb4fu) ^
		     ((uint64_t)t * 0x165667b19e3779f9u);
	return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

/* The index of route (j, f, t), made when new; -1 out of memory. */
static long rtable_find(struct rtable *r, uint32_t j, uint32_t f, uint32_t t)
{
	if (2 * (r->n + 1) > r->cap) { /* grow: at most half full */
		size_t cap = r->cap ? r->cap * 2 : 64;
		uint32_t *slot = bt__calloc(cap, sizeof(*slot));
		uint32_t(*key)[3] = bt__reallocarray(r->key, cap / 2, sizeof(*key));
		if (!slot || !key) {
			bt__free(slot);
			if (key)
				r->key = key;
			return -1;
		}
		r->key = key;
		for (size_t i = 0; i < r->n; i++) {
			size_t x = rhash(key[i][0], key[i][1], key[i][2], cap);
			while (slot[x])
				x = (x + 1) & (cap - 1);
			slot[x] = (uint32_t)i + 1;
		}
		bt__free(r->slot);
		r->slot = slot, r->cap = cap;
	}
	size_t x = rhash(j, f, t, r->cap);
	for (; r->slot[x]; x = (x + 1) & (r->cap - 1)) {
		const uint32_t *k = r->key[r->slot[x] - 1];
		if (k[0] == j && k[1] == f && k[2] == t)
			return (long)r->slot[x] - 1;
	}
	r->key[r->n][0] = j, r->key[r->n][1] = f, r->key[r->n][2] = t;
	r->slot[x] = (uint32_t)++r->n;
	return (long)r->n - 1;
}

static int route_rows(const struct bt_engine *e, const struct kq *q, int32_t want,
		      struct bt_kpis *out)
{
	struct rtable rt = {NULL, NULL, 0, 0};
	struct bt_handoff_route *v = NULL;
	uint32_t team = 0; /* a team sees the handoffs into and out of it */
	int rc = 0;
	if (q->scope && q->scope->team) {
		int64_t t = bt_strmap_find(&e->names, q->scope->team, strlen(q->scope->team));
		team = t > 0 ? (uint32_t)t : UINT32_MAX;
	}
	for (size_t i = 0; i < e->nhand && !rc; i++) {
		const struct bt__handoff *x = &e->hand[i];
		if (!in_cohort(e, q, x->inst, want) || (team && x->from != team && x->to != team))
			continue;
		uint32_t j = e->inst[x->inst].journey;
		size_t had = rt.n;
		long k = rtable_find(&rt, j, x->from, x->to);
		if (k < 0) {
			rc = BT_ENOMEM;
			break;
		}
		if (rt.n > had) { /* a new route */
			void *p = bt__reallocarray(v, rt.n, sizeof(*v));
			if (!p) {
				rc = BT_ENOMEM;
				break;
			}
			v = p;
			v[k] = (struct bt_handoff_route){bt_strmap_key(&e->names, e->journeys[j].name),
							 bt_strmap_key(&e->names, x->from),
							 bt_strmap_key(&e->names, x->to), 0, 0, 0, 0, 0};
		}
		struct bt_handoff_route *r = &v[k];
		r->count++;
		r->clean += !x->fail;
		r->context_lost += (x->fail & HF_CONTEXT) != 0;
		r->customer_repeated += (x->fail & HF_REPEAT) != 0;
		r->late += (x->fail & HF_LATE) != 0;
	}
	size_t m = rt.n;
	bt__free(rt.slot), bt__free(rt.key);
	if (!rc && !v && !(v = bt__calloc(1, sizeof(*v))))
		rc = BT_ENOMEM;
	if (rc) {
		bt__free(v);
		return rc;
	}
	qsort(v, m, sizeof(*v), cmp_route); /* the routes, by their names */
	out->routes = v, out->nroutes = m;
	return 0;
}

/* The index of journey id, or -1.  A journey known from data only is
 * known from the events up to the judging time, as when they alone are
 * loaded: a view of every event (the server's) knows it from later ones too. */
static int32_t journey_index(const struct bt_engine *e, const char *id)
{
	int64_t name = bt_strmap_find(&e->names, id, strlen(id));
	uint32_t v;
	if (name < 0 || !bt_u64map_get(&e->jmap, (uint64_t)name, &v))
		return -1;
	int seen = e->journeys[v - 1].cfg != NULL;
	for (size_t i = 0; i < e->nev && !seen; i++)
		seen = e->ev[i].journey == v && e->ev[i].ts <= e->as_of;
	return seen ? (int32_t)v - 1 : -1;
}

int bt_engine_has_journey(const struct bt_engine *e, const char *id)
{
	return journey_index(e, id) >= 0;
}

int bt_engine_has_team(const struct bt_engine *e, const char *team)
{
	for (size_t i = 0; e->cfg && i < e->cfg->nteams; i++)
		if (!strcmp(e->cfg->teams[i].id, team))
			return 1;
	int64_t name = bt_strmap_find(&e->names, team, strlen(team));
	for (size_t i = 0; name > 0 && i < e->nev; i++) /* a team known from the data */
		if (e->ev[i].team == (uint32_t)name && e->ev[i].ts <= e->as_of)
			return 1;
	return 0;
}

const struct bt_config *bt_engine_config(const struct bt_engine *e) { return e->cfg; }

/* The overall counts of a caller who sees one person's journeys: the
 * events on those journeys' instances and the customers they belong to. */
static int scoped_overall(const struct bt_engine *e, const struct kq *q, struct bt_kpis *k)
{
	uint8_t *seen = bt__calloc(e->id && !e->single_profile ? e->id->nprof + 1 : 2, 1);
	if (!seen)
		return BT_ENOMEM;
	for (size_t i = 0; i < e->nev; i++)
		k->events += e->einst[i] && in_cohort(e, q, e->einst[i] - 1, -1);
	for (size_t i = 0; i < e->ninst; i++) {
		const struct bt__inst *in = &e->inst[i];
		uint32_t p = e->single_profile ? 1 : in->profile;
		if (in_cohort(e, q, (uint32_t)i, -1) && !seen[p])
			seen[p] = 1, k->profiles++;
	}
	bt__free(seen);
	return 0;
}

int bt_engine_kpis(const struct bt_engine *e, const struct bt_kpi_query *q, struct bt_kpis **out,
		   struct bt_err *err)
{
	return bt_engine_kpis_for(e, q, NULL, out, err);
}

int bt_engine_kpis_for(const struct bt_engine *e, const struct bt_kpi_query *query,
		       const struct bt_scope *scope, struct bt_kpis **out, struct bt_err *err)
{
	struct kq qs = {query->journey, query->from, query->to, scope, NULL}, *q = &qs;
	struct bt_kpis *k = bt__calloc(1, sizeof(*k));
	int32_t want = -1;
	int rc = 0;
	*out = NULL;
	if (!k)
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	if (q->journey && (want = journey_index(e, q->journey)) < 0) {
		bt_kpis_free(k);
		return bt_err_set(err, BT_ENOTFOUND, "no journey '%s' in the configuration or the data",
				  q->journey);
	}
	k->as_of = e->as_of;
	uint8_t *cohort = bt__malloc(e->ninst + 1);
	if (!cohort) {
		bt_kpis_free(k);
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < e->ninst; i++)
		cohort[i] = (uint8_t)(cohort_test(e, q, (uint32_t)i, -1) |
				      (want >= 0 && cohort_test(e, q, (uint32_t)i, want) ? 2 : 0));
	q->cohort = cohort;
	if (q->scope && q->scope->person)
		rc = scoped_overall(e, q, k);
	else {
		k->events = e->judged; /* a view of every event holds later ones too */
		k->profiles = e->profiles;
		k->timeline_only = e->timeline_only;
		rc = 0;
	}
	for (size_t i = 0; i < e->ncoll && !rc; i++) {
		const struct bt__coll *c = &e->coll[i];
		if (!coll_counts(e, q, -1, i))
			continue;
		k->collisions++;
		k->consent_collisions += (c->reasons & CR_CONSENT) != 0;
		k->collisions_on_no_journey += !c->inst;
	}
	if (rc || (rc = journey_rows(e, q, want, k)) || (rc = local_rows(e, q, want, k)) ||
	    (rc = route_rows(e, q, want, k)) ||
	    (rc = bt_kpis_followups(k, e, query, scope, NULL, 0, err))) {
		bt__free(cohort);
		bt_kpis_free(k);
		return bt_err_set(err, rc, "out of memory");
	}
	bt__free(cohort);
	*out = k;
	return 0;
}

void bt_kpis_free(struct bt_kpis *k)
{
	if (!k)
		return;
	bt__free(k->journeys);
	bt__free(k->teams);
	bt__free(k->sources);
	bt__free(k->routes);
	bt__free(k);
}

int bt_engine_broken_promises(struct bt_engine *e, const struct bt_kpi_query *query,
			      struct bt_broken_promise **out, size_t *n, struct bt_err *err)
{
	struct kq qs = {query->journey, query->from, query->to, NULL, NULL}, *q = &qs;
	struct bt_broken_promise *v = bt__calloc(e->nprom + 1, sizeof(*v));
	*n = 0;
	*out = v;
	if (!v)
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	for (size_t i = 0; i < e->nprom; i++) {
		const struct bt__pstate *s = &e->prom[i];
		if (!s->inst || !in_cohort(e, q, s->inst - 1, -1) || !bt__promise_overdue(s, e->as_of))
			continue;
		const struct bt__inst *in = &e->inst[s->inst - 1];
		if (q->journey && strcmp(q->journey, bt_strmap_key(&e->names, e->journeys[in->journey].name)))
			continue;
		v[(*n)++] = (struct bt_broken_promise){
			bt_strmap_key(&e->names, e->journeys[in->journey].name),
			bt_strmap_key(&e->names, s->id), bt_strmap_key(&e->names, s->kind),
			bt_strmap_key(&e->names, s->maker), bt_strmap_key(&e->names, s->keeper),
			s->made, s->due, s->profile};
	}
	return 0;
}

/* ---- the stage funnel ---- */

int bt_engine_funnel_json(const struct bt_engine *e, const struct bt_kpi_query *query,
			  const struct bt_scope *scope, struct bt_buf *out, struct bt_err *err)
{
	struct kq q = {query->journey, query->from, query->to, scope, NULL};
	int32_t want = query->journey ? journey_index(e, query->journey) : -1;
	if (want < 0)
		return bt_err_set(err, BT_ENOTFOUND, "no journey '%s' in the configuration or the data",
				  query->journey ? query->journey : "");
	const struct bt_cfg_journey *j = e->journeys[want].cfg;
	size_t ns = j ? j->nstages : 0;
	/* per stage: reached (got at least that far), open there, breached, at risk */
	uint64_t(*c)[4] = bt__calloc(ns + 1, sizeof(*c));
	uint64_t total = 0, none = 0;
	char t[32];
	if (!c)
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	for (size_t i = 0; i < e->ninst; i++) {
		const struct bt__inst *in = &e->inst[i];
		if (!cohort_test(e, &q, (uint32_t)i, want))
			continue;
		total++;
		none += !in->furthest;
		for (size_t s = 0; s < in->furthest && s < ns; s++)
			c[s][0]++;
		if (in->state != IS_OPEN || !in->stage || in->stage > ns)
			continue;
		unsigned sla = bt__stage_sla(e, in);
		c[in->stage - 1][1]++;
		c[in->stage - 1][2] += sla == BT__NEED_STAGE_SLA_BREACHED;
		c[in->stage - 1][3] += sla == BT__NEED_STAGE_SLA_AT_RISK;
	}
	bt_time_format(e->as_of, t);
	int rc = bt_buf_adds(out, "{\"journey\":");
	rc = rc ? rc : bt_buf_json_strz(out, query->journey);
	rc = rc ? rc : bt_buf_printf(out, ",\"as_of\":\"%s\",\"instances\":%llu,\"no_stage\":%llu,\"stages\":[",
				    t, (unsigned long long)total, (unsigned long long)none);
	for (size_t s = 0; s < ns && !rc; s++) {
		rc = bt_buf_adds(out, s ? ",{\"stage\":" : "{\"stage\":");
		rc = rc ? rc : bt_buf_json_strz(out, j->stages[s].id);
		rc = rc ? rc : bt_buf_printf(out, ",\"sla_s\":");
		rc = rc ? rc : j->stages[s].sla_ms ? bt_buf_printf(out, "%lld", (long long)(j->stages[s].sla_ms / 1000))
						  : bt_buf_adds(out, "null");
		rc = rc ? rc : bt_buf_printf(out, ",\"reached\":%llu,\"open\":%llu,\"sla_breached\":%llu,\"sla_at_risk\":%llu}",
					    (unsigned long long)c[s][0], (unsigned long long)c[s][1],
					    (unsigned long long)c[s][2], (unsigned long long)c[s][3]);
	}
	bt__free(c);
	rc = rc ? rc : bt_buf_adds(out, "]}");
	return rc ? bt_err_set(err, rc, "out of memory") : 0;
}
