/* SPDX-License-Identifier: Apache-2.0 */
/*
 * audit.c - the data audit (docs/audit.md): for each source, how many of its
 * events are on a customer (profile) that another source also reaches, the
 * level that share gives, against the level its touchpoint declares; the
 * silo map (sources joined by the customers they share); the crawl-walk-run
 * roadmap.  One pass groups the period's events by (profile, source): a
 * profile with two sources or more links every event of it, and each pair
 * of its sources is an edge.
 */
#include "baton/audit.h"

#include "engine.h"
#include "view.h"

#include "util/alloc.h"
#include "util/time.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const bt_audit_phase_names[4] = {"", "crawl", "walk", "run"};

int bt_audit_level(uint64_t linked, uint64_t events)
{
	if (!events)
		return 0;
	if (linked * 100 >= 90 * events)
		return 3;
	return linked * 100 >= 30 * events ? 2 : 1;
}

double bt_audit_siloedness(const struct bt_audit_source *s)
{
	return s->events ? (double)(s->events - s->linked) / (double)s->events : NAN;
}

double bt_audit_score(const struct bt_audit_source *s)
{
	return s->events ? (double)s->instances * (double)(s->events - s->linked) / (double)s->events
			 : NAN;
}

void bt_audit_free(struct bt_audit *a)
{
	if (!a)
		return;
	bt__free(a->sources);
	bt__free(a->edges);
	bt__free(a->roadmap);
	bt__free(a);
}

static int by_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Everything the pass needs besides the answer. */
struct pass {
	const struct bt_engine *e;
	int64_t from, to;
	struct bt_audit_source *src;
	size_t nsrc, cap;
	struct bt_u64map other; /* name id of a source the configuration does not know -> index */
	uint64_t *pk, *ik;      /* (profile, source) and (source, instance) of each event */
	size_t n;
	struct bt_audit_edge *edges; /* every edge, by sources' indices */
	size_t nedges, capedges;
	struct bt_u64map emap;  /* a << 32 | b (a < b) -> index in edges */
	uint8_t *seen;          /* scope: the source has an event on an owned instance */
};

/* The source index of event r: its touchpoint's, else one of its own. */
static int source_of(struct pass *p, const struct bt__erec *r, uint32_t *idx)
{
	uint32_t k;
	if (bt_u64map_get(&p->e->tpmap, r->source, &k)) {
		*idx = k - 1;
		return 0;
	}
	if (bt_u64map_get(&p->other, r->source, &k)) {
		*idx = k;
		return 0;
	}
	if (p->nsrc == p->cap) {
		struct bt_audit_source *q = bt__reallocarray(p->src, p->cap * 2, sizeof(*q));
		if (!q)
			return BT_ENOMEM;
		p->src = q, p->cap *= 2;
	}
	*idx = (uint32_t)p->nsrc;
	p->src[p->nsrc++] = (struct bt_audit_source){.id = bt_strmap_key(&p->e->names, r->source)};
	return bt_u64map_put(&p->other, r->source, *idx) ? BT_ENOMEM : 0;
}

static int in_period(const struct pass *p, int64_t ts)
{
	return ts <= p->e->as_of && (p->from == BT_TIME_NONE || ts >= p->from) &&
	       (p->to == BT_TIME_NONE || ts < p->to);
}

/* Collect the keys of the period's events; count events per source. */
static int collect(struct pass *p, const struct bt_scope *sc)
{
	const struct bt_engine *e = p->e;
	for (size_t i = 0; i < e->nev; i++) {
		const struct bt__erec *r = &e->ev[i];
		uint32_t s, prof;
		if (!r->source || !in_period(p, r->ts))
			continue;
		if (source_of(p, r, &s))
			return BT_ENOMEM;
		prof = e->single_profile ? 1 : bt__identity_root_ro(e->id, e->id->ident_profile[r->anchor]);
		p->src[s].events++;
		p->pk[p->n] = (uint64_t)prof << 32 | s;
		p->ik[p->n] = (uint64_t)s << 32 | (e->einst ? e->einst[i] : 0);
		p->n++;
		if (sc && sc->person && e->einst && e->einst[i] &&
		    bt__journey_owned_by(e, e->inst[e->einst[i] - 1].journey, sc->person))
			p->seen[s] = 1;
	}
	return 0;
}

/* The edge between sources a < b: its index + 1 in p->edges, 0 none. */
static uint32_t edge_of(const struct pass *p, size_t a, size_t b)
{
	uint32_t k;
	uint64_t key = a < b ? (uint64_t)a << 32 | b : (uint64_t)b << 32 | a;
	return bt_u64map_get(&p->emap, key, &k) ? k + 1 : 0;
}

static uint64_t weight(const struct pass *p, size_t a, size_t b)
{
	uint32_t k = edge_of(p, a, b);
	return k ? p->edges[k - 1].profiles : 0;
}

/* One more customer shared by sources a < b. */
static int add_edge(struct pass *p, uint32_t a, uint32_t b)
{
	uint32_t k = edge_of(p, a, b);
	if (k) {
		p->edges[k - 1].profiles++;
		return 0;
	}
	if (p->nedges == p->capedges) {
		size_t c = p->capedges ? p->capedges * 2 : 64;
		struct bt_audit_edge *q = bt__reallocarray(p->edges, c, sizeof(*q));
		if (!q)
			return BT_ENOMEM;
		p->edges = q, p->capedges = c;
	}
	if (bt_u64map_put(&p->emap, (uint64_t)a << 32 | b, (uint32_t)p->nedges))
		return BT_ENOMEM;
	p->edges[p->nedges++] = (struct bt_audit_edge){a, b, 1};
	return 0;
}

/* Linked events, profiles per source and the edges, from the sorted
 * (profile, source) keys: a profile's run of keys [i, j) holds a sub-run
 * per source, in the sources' order. */
static int link_profiles(struct pass *p)
{
	for (size_t i = 0, j; i < p->n; i = j) {
		size_t k = 0;
		uint64_t prof = p->pk[i] >> 32;
		for (j = i; j < p->n && p->pk[j] >> 32 == prof; j++)
			if (j == i || p->pk[j] != p->pk[j - 1]) {
				p->src[(uint32_t)p->pk[j]].profiles++;
				k++;
			}
		if (k < 2)
			continue;
		for (size_t x = i; x < j; x++) {
			p->src[(uint32_t)p->pk[x]].linked++;
			if (x > i && p->pk[x] == p->pk[x - 1])
				continue;
			for (size_t y = x + 1; y < j; y++) /* each later source once */
				if (p->pk[y] != p->pk[y - 1] && add_edge(p, (uint32_t)p->pk[x], (uint32_t)p->pk[y]))
					return BT_ENOMEM;
		}
	}
	return 0;
}

/* Does any identifier kind of list x appear in list y?  The first one. */
static const char *common_kind(const struct bt_strlist *x, const struct bt_strlist *y)
{
	for (size_t i = 0; i < x->n; i++)
		for (size_t j = 0; j < y->n; j++)
			if (!strcasecmp(x->v[i], y->v[j]))
				return x->v[i];
	return NULL;
}

/* Crawl: a source that shares a declared identifier kind with another
 * source that has events, yet no customer with it. */
static void quick_win(struct pass *p, size_t s)
{
	struct bt_audit_source *a = &p->src[s];
	for (size_t t = 0; a->tp && t < p->nsrc && !a->kind; t++) {
		const struct bt_audit_source *b = &p->src[t];
		const char *k;
		if (t == s || !b->tp || !b->events || weight(p, s, t))
			continue;
		if ((k = common_kind(&a->tp->shared_identifiers, &b->tp->shared_identifiers)))
			a->kind = k, a->with = b->id;
	}
}

/* Roadmap order by score: instances x unlinked / events, compared exactly
 * (cross-multiplied in 128 bits); then more events; then the sources'
 * order.  The items are pointers into one array, so their order is the
 * sources'. */
static int by_score(const void *x, const void *y)
{
	const struct bt_audit_source *a = *(const struct bt_audit_source *const *)x,
				     *b = *(const struct bt_audit_source *const *)y;
	unsigned __int128 l = (unsigned __int128)a->instances * (a->events - a->linked) * b->events;
	unsigned __int128 r = (unsigned __int128)b->instances * (b->events - b->linked) * a->events;
	if (l != r)
		return l > r ? -1 : 1;
	if (a->events != b->events)
		return a->events > b->events ? -1 : 1;
	return a < b ? -1 : a > b;
}

static int by_phase(const void *x, const void *y)
{
	const struct bt_audit_source *a = *(const struct bt_audit_source *const *)x,
				     *b = *(const struct bt_audit_source *const *)y;
	if (a->phase != b->phase)
		return a->phase < b->phase ? -1 : 1;
	return a->rank < b->rank ? -1 : a->rank > b->rank;
}

/* The roadmap of the listed sources: ranked by score, then grouped. */
static int roadmap(struct bt_audit *a)
{
	const struct bt_audit_source **v = bt__calloc(a->nsources + 1, sizeof(*v));
	size_t n = 0;
	if (!v)
		return BT_ENOMEM;
	for (size_t s = 0; s < a->nsources; s++)
		if (a->sources[s].phase)
			v[n++] = &a->sources[s];
	if (n)
		qsort(v, n, sizeof(*v), by_score);
	for (size_t r = 0; r < n; r++)
		a->sources[v[r] - a->sources].rank = r + 1;
	if (n)
		qsort(v, n, sizeof(*v), by_phase);
	for (size_t r = 0; r < n; r++)
		a->roadmap[r] = (size_t)(v[r] - a->sources);
	a->nroadmap = n;
	bt__free(v);
	return 0;
}

static int may_list(const struct pass *p, const struct bt_scope *sc, size_t s)
{
	if (!sc)
		return 1;
	if (sc->person)
		return p->seen[s];
	if (sc->team)
		return p->src[s].tp && p->src[s].tp->team && !strcmp(p->src[s].tp->team, sc->team);
	return 1;
}

static int by_name(const void *x, const void *y)
{
	return strcmp(((const struct bt_audit_source *)x)->id, ((const struct bt_audit_source *)y)->id);
}

/* The answer: the sources the caller may see, their edges, the roadmap. */
static int answer(struct pass *p, const struct bt_scope *sc, struct bt_audit *a)
{
	size_t *map = NULL;
	int rc = BT_ENOMEM;
	if (!(map = bt__calloc(p->nsrc + 1, sizeof(*map))) ||
	    !(a->sources = bt__calloc(p->nsrc + 1, sizeof(*a->sources))) ||
	    !(a->roadmap = bt__calloc(p->nsrc + 1, sizeof(*a->roadmap))))
		goto out;
	for (size_t s = 0; s < p->nsrc; s++) {
		map[s] = SIZE_MAX;
		if (!may_list(p, sc, s))
			continue;
		map[s] = a->nsources;
		a->sources[a->nsources++] = p->src[s];
	}
	/* the named partner of a quick win only when it is listed too */
	for (size_t s = 0; s < a->nsources; s++)
		for (size_t t = 0; a->sources[s].with && t < p->nsrc; t++)
			if (!strcmp(p->src[t].id, a->sources[s].with) && map[t] == SIZE_MAX)
				a->sources[s].with = NULL;
	if (roadmap(a))
		goto out;
	if (p->nedges && !(a->edges = bt__reallocarray(NULL, p->nedges, sizeof(*a->edges))))
		goto out;
	for (size_t i = 0; i < p->nedges; i++) {
		const struct bt_audit_edge *x = &p->edges[i];
		if (map[x->a] != SIZE_MAX && map[x->b] != SIZE_MAX)
			a->edges[a->nedges++] = (struct bt_audit_edge){map[x->a], map[x->b], x->profiles};
	}
	rc = 0;
out:
	bt__free(map);
	return rc;
}

static int by_weight(const void *x, const void *y)
{
	const struct bt_audit_edge *a = x, *b = y;
	if (a->profiles != b->profiles)
		return a->profiles > b->profiles ? -1 : 1;
	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return a->b < b->b ? -1 : a->b > b->b;
}

int bt_engine_audit(const struct bt_engine *e, int64_t from, int64_t to, const struct bt_scope *scope,
		    struct bt_audit **out, struct bt_err *err)
{
	struct pass p = {.e = e, .from = from, .to = to};
	struct bt_audit *a = NULL;
	size_t ntp = e->cfg ? e->cfg->ntouchpoints : 0;
	int rc = BT_ENOMEM;
	*out = NULL;
	if (!(a = bt__calloc(1, sizeof(*a))) || !(p.src = bt__calloc(p.cap = ntp + 8, sizeof(*p.src))) ||
	    !(p.pk = bt__reallocarray(NULL, e->nev + 1, sizeof(*p.pk))) ||
	    !(p.ik = bt__reallocarray(NULL, e->nev + 1, sizeof(*p.ik))))
		goto out;
	a->as_of = e->as_of, a->from = from, a->to = to;
	for (size_t i = 0; i < ntp; i++)
		p.src[p.nsrc++] = (struct bt_audit_source){.id = e->cfg->touchpoints[i].id,
							   .tp = &e->cfg->touchpoints[i],
							   .declared = e->cfg->touchpoints[i].declared_level};
	/* sources known from events only after the touchpoints, by name */
	for (size_t i = 0; i < e->nev; i++) {
		uint32_t s;
		if (e->ev[i].source && in_period(&p, e->ev[i].ts) && source_of(&p, &e->ev[i], &s))
			goto out;
	}
	if (p.nsrc > ntp) {
		qsort(p.src + ntp, p.nsrc - ntp, sizeof(*p.src), by_name);
		bt_u64map_release(&p.other);
		memset(&p.other, 0, sizeof(p.other));
		for (size_t s = ntp; s < p.nsrc; s++)
			if (bt_u64map_put(&p.other,
					  (uint64_t)bt_strmap_find(&e->names, p.src[s].id, strlen(p.src[s].id)),
					  (uint32_t)s))
				goto out;
	}
	if (!(p.seen = bt__calloc(p.nsrc + 1, 1)))
		goto out;
	if ((rc = collect(&p, scope)))
		goto out;
	rc = BT_ENOMEM;
	qsort(p.pk, p.n, sizeof(*p.pk), by_u64);
	qsort(p.ik, p.n, sizeof(*p.ik), by_u64);
	if (link_profiles(&p))
		goto out;
	for (size_t i = 0; i < p.n; i++)
		if ((uint32_t)p.ik[i] && (i == 0 || p.ik[i] != p.ik[i - 1]))
			p.src[p.ik[i] >> 32].instances++;
	for (size_t s = 0; s < p.nsrc; s++) {
		struct bt_audit_source *x = &p.src[s];
		x->measured = bt_audit_level(x->linked, x->events);
		x->disagrees = x->declared && x->measured && x->declared != x->measured;
	}
	for (size_t s = 0; s < p.nsrc; s++) {
		struct bt_audit_source *x = &p.src[s];
		if (x->measured != 1 && x->measured != 2)
			continue;
		quick_win(&p, s);
		x->phase = x->kind ? BT_AUDIT_CRAWL : x->measured == 2 ? BT_AUDIT_WALK : BT_AUDIT_RUN;
	}
	if ((rc = answer(&p, scope, a)))
		goto out;
	if (a->nedges)
		qsort(a->edges, a->nedges, sizeof(*a->edges), by_weight);
	*out = a, a = NULL;
out:
	bt_audit_free(a);
	bt__free(p.src);
	bt__free(p.pk);
	bt__free(p.ik);
	bt__free(p.edges);
	bt_u64map_release(&p.emap);
	bt__free(p.seen);
	bt_u64map_release(&p.other);
	return rc == BT_ENOMEM ? bt_err_set(err, rc, "out of memory") : rc;
}
