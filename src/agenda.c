/* SPDX-License-Identifier: Apache-2.0 */
/*
 * agenda.c - the steering agenda (docs/governance.md).  The candidates are
 * worked out from the derivation of the period: each journey's KPI that
 * got worse against the period before (the KPIs as bt_engine_kpis counts
 * them), the handoff pair, the team whose local wins cost others and the
 * team breaking promises whose failures reach most customers.  Each is
 * ranked by the customers it hurt × how far its figure is off, and the
 * first BT_AGENDA_ISSUES make the agenda.  Then the overdue actions and the
 * journeys nobody owns.
 */
#include "baton/agenda.h"

#include "baton/actions.h"
#include "baton/audit.h"
#include "baton/view.h"
#include "engine.h"
#include "util/alloc.h"
#include "util/time.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const bt_issue_kind_names[5] = {"journey_kpi", "handoff_pair", "cost_shift",
					    "broken_promises", "silo_source"};

#define DAY_MS 86400000LL

/* ---- distinct customers per group: (group << 32 | profile) keys ---- */

struct pairs {
	uint64_t *v;
	size_t n, cap;
};

static int pair_add(struct pairs *p, uint32_t group, uint32_t profile)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 256;
		uint64_t *v = bt__reallocarray(p->v, cap, sizeof(*v));
		if (!v)
			return BT_ENOMEM;
		p->v = v, p->cap = cap;
	}
	p->v[p->n++] = (uint64_t)group << 32 | profile;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Sort, then count the distinct profiles of group g. */
static void pairs_sort(struct pairs *p)
{
	if (p->n) /* no qsort of an empty list (UBSan) */
		qsort(p->v, p->n, sizeof(*p->v), cmp_u64);
}

static uint64_t pairs_count(const struct pairs *p, uint32_t g)
{
	uint64_t lo = (uint64_t)g << 32, n = 0;
	size_t a = 0, b = p->n;
	while (a < b) { /* the first key >= lo */
		size_t m = a + (b - a) / 2;
		if (p->v[m] < lo)
			a = m + 1;
		else
			b = m;
	}
	for (size_t i = a; i < p->n && p->v[i] >> 32 == g; i++)
		n += i == a || p->v[i] != p->v[i - 1];
	return n;
}

/* ---- the candidates ---- */

struct cands {
	struct bt_agenda_issue *v;
	size_t n, cap;
};

static struct bt_agenda_issue *cand_new(struct cands *c)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct bt_agenda_issue *v = bt__reallocarray(c->v, cap, sizeof(*v));
		if (!v)
			return NULL;
		c->v = v, c->cap = cap;
	}
	memset(&c->v[c->n], 0, sizeof(c->v[0]));
	c->v[c->n].before = c->v[c->n].after = NAN;
	return &c->v[c->n++];
}

#define ALL_TEAMS (-2)

struct ctx {
	const struct bt_engine *e;
	const struct bt_scope *scope;
	int64_t team; /* a team's agenda: the name id of its team (-1: none known;
		       * ALL_TEAMS: not a team's) */
	int64_t from, to;
	char period[96]; /* from=...&to=... */
};

static int in_scope(const struct ctx *c, const struct bt__inst *in)
{
	if (in->opened < c->from || in->opened >= c->to)
		return 0;
	return !(c->scope && c->scope->person) || bt__journey_owned_by(c->e, in->journey, c->scope->person);
}

/* A team's agenda holds what concerns it: handoffs from or to it, its own
 * local wins, the promises it had to keep. */
static int team_in(const struct ctx *c, uint32_t a, uint32_t b)
{
	return c->team == ALL_TEAMS || (c->team >= 0 && ((int64_t)a == c->team || (int64_t)b == c->team));
}

static const char *name(const struct bt_engine *e, uint32_t id)
{
	return bt_strmap_key(&e->names, id);
}

static double pct(double x) { return 100.0 * x; }

/* The KPIs compared: rate KPIs whose move in points a person reads. */
static const struct {
	const char *key;
	size_t off;
	int higher_better;
} compared[] = {
	{"resolution_rate", offsetof(struct bt_journey_kpis, resolution_rate), 1},
	{"completion_rate", offsetof(struct bt_journey_kpis, completion_rate), 1},
	{"fcr_rate", offsetof(struct bt_journey_kpis, fcr_rate), 1},
	{"recontact_rate", offsetof(struct bt_journey_kpis, recontact_rate), 0},
	{"handoff_success_rate", offsetof(struct bt_journey_kpis, handoff_success_rate), 1},
	{"repeat_rate", offsetof(struct bt_journey_kpis, repeat_rate), 0},
};

static double kpi_at(const struct bt_journey_kpis *j, size_t off)
{
	return *(const double *)((const char *)j + off);
}

static const char *kpi_label(const char *key)
{
	const struct bt_kpi_def *d = bt_kpi_find(bt_kpi_journey, bt_kpi_njourney, key);
	return d ? d->name : key;
}

/* Each journey's KPI that moved most the wrong way, if any did. */
static int journey_kpis(struct ctx *c, const struct bt_kpis *now, const struct bt_kpis *before,
			struct cands *out)
{
	const struct bt_engine *e = c->e;
	struct pairs p = {0};
	int rc = 0;
	for (size_t i = 0; !rc && i < e->ninst; i++) {
		const struct bt__inst *in = &e->inst[i];
		if (in_scope(c, in))
			rc = pair_add(&p, in->journey, in->profile);
	}
	pairs_sort(&p);
	for (size_t j = 0; !rc && j < now->njourneys; j++) {
		const struct bt_journey_kpis *a = &now->journeys[j], *b = NULL;
		for (size_t k = 0; k < before->njourneys && !b; k++)
			if (!strcmp(before->journeys[k].journey, a->journey))
				b = &before->journeys[k];
		if (!b)
			continue;
		size_t worst = 0;
		double d = 0;
		for (size_t k = 0; k < sizeof(compared) / sizeof(compared[0]); k++) {
			double x = kpi_at(b, compared[k].off), y = kpi_at(a, compared[k].off);
			double w = compared[k].higher_better ? x - y : y - x;
			if (isfinite(x) && isfinite(y) && w > d + 1e-12)
				d = w, worst = k;
		}
		if (d <= 0)
			continue;
		int64_t jid = bt_strmap_find(&e->names, a->journey, strlen(a->journey));
		uint32_t ji = 0;
		if (jid < 0 || !bt_u64map_get(&e->jmap, (uint64_t)jid, &ji))
			continue;
		struct bt_agenda_issue *x = cand_new(out);
		if (!x) {
			rc = BT_ENOMEM;
			break;
		}
		x->kind = BT_ISSUE_JOURNEY_KPI;
		x->journey = a->journey;
		x->kpi = compared[worst].key;
		x->before = kpi_at(b, compared[worst].off);
		x->after = kpi_at(a, compared[worst].off);
		x->customers = pairs_count(&p, ji - 1);
		x->move = d;
		snprintf(x->title, sizeof(x->title), "%s: %s %s from %.1f%% to %.1f%%", a->journey,
			 kpi_label(x->kpi), x->after < x->before ? "fell" : "rose", pct(x->before),
			 pct(x->after));
		snprintf(x->why, sizeof(x->why),
			 "%s moved %.1f points the wrong way against the same length of time before, "
			 "across the %llu customers of the journey in the period",
			 kpi_label(x->kpi), pct(d), (unsigned long long)x->customers);
		snprintf(x->api, sizeof(x->api), "/v1/journeys/%s/kpis?%s", a->journey, c->period);
		snprintf(x->page, sizeof(x->page), "/journeys/%s?%s", a->journey, c->period);
	}
	bt__free(p.v);
	return rc;
}

/* Per group (a pair of teams, a team): how many, how many failed, and the
 * customers of the failures; the group with the highest score. */
struct tally {
	uint32_t group, a, b;
	uint64_t count, failed;
};

static struct tally *tally_of(struct tally **v, size_t *n, size_t *cap, uint32_t a, uint32_t b)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i].a == a && (*v)[i].b == b)
			return &(*v)[i];
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		struct tally *p = bt__reallocarray(*v, c, sizeof(*p));
		if (!p)
			return NULL;
		*v = p, *cap = c;
	}
	(*v)[*n] = (struct tally){(uint32_t)*n, a, b, 0, 0};
	return &(*v)[(*n)++];
}

/* The best of the tallies as a candidate: the most customers × failed
 * share (ties: more failures, then the names). */
static struct tally *best(const struct tally *t, size_t n, const struct pairs *p, uint64_t *cust,
			  const struct bt_engine *e)
{
	const struct tally *b = NULL;
	double bs = 0;
	uint64_t bc = 0;
	for (size_t i = 0; i < n; i++) {
		if (!t[i].failed)
			continue;
		uint64_t c = pairs_count(p, t[i].group);
		double s = (double)c * (double)t[i].failed / (double)t[i].count;
		int better = !b || s > bs + 1e-12 ||
			     (fabs(s - bs) <= 1e-12 &&
			      (t[i].failed > b->failed ||
			       (t[i].failed == b->failed && strcmp(name(e, t[i].a), name(e, b->a)) < 0)));
		if (better)
			b = &t[i], bs = s, bc = c;
	}
	*cust = bc;
	return (struct tally *)b;
}

/* The tallies of one kind of failure, and the customers of the failures. */
struct tallies {
	struct tally *v;
	size_t n, cap;
	struct pairs p;
};

/* One more of group (a, b), failed or not, of profile's. */
static int tallies_add(struct tallies *tl, uint32_t a, uint32_t b, uint64_t failed, uint32_t profile)
{
	struct tally *x = tally_of(&tl->v, &tl->n, &tl->cap, a, b);
	if (!x)
		return BT_ENOMEM;
	x->count++;
	x->failed += failed;
	return failed ? pair_add(&tl->p, x->group, profile) : 0;
}

/* The best group as a new candidate of kind (*x NULL: none failed). */
static int tallies_issue(struct tallies *tl, const struct bt_engine *e, enum bt_issue_kind kind,
			 struct cands *out, struct bt_agenda_issue **x)
{
	uint64_t cust = 0;
	*x = NULL;
	pairs_sort(&tl->p);
	const struct tally *b = best(tl->v, tl->n, &tl->p, &cust, e);
	if (!b)
		return 0;
	if (!(*x = cand_new(out)))
		return BT_ENOMEM;
	(*x)->kind = kind;
	(*x)->team = name(e, b->a), (*x)->to_team = b->b ? name(e, b->b) : NULL;
	(*x)->count = b->failed, (*x)->of = b->count, (*x)->customers = cust;
	(*x)->move = (double)b->failed / (double)b->count;
	return 0;
}

static void tallies_release(struct tallies *tl)
{
	bt__free(tl->v);
	bt__free(tl->p.v);
}

static int handoff_pair(struct ctx *c, struct cands *out)
{
	const struct bt_engine *e = c->e;
	struct tallies tl = {0};
	struct bt_agenda_issue *x = NULL;
	int rc = 0;
	for (size_t i = 0; !rc && i < e->nhand; i++) {
		const struct bt__handoff *h = &e->hand[i];
		const struct bt__inst *in = &e->inst[h->inst];
		if (in_scope(c, in) && team_in(c, h->from, h->to))
			rc = tallies_add(&tl, h->from, h->to, h->fail != 0, in->profile);
	}
	if (!rc)
		rc = tallies_issue(&tl, e, BT_ISSUE_HANDOFF_PAIR, out, &x);
	if (x) {
		snprintf(x->title, sizeof(x->title), "Handoffs from %s to %s fail: %llu of %llu (%.1f%%)",
			 x->team, x->to_team, (unsigned long long)x->count, (unsigned long long)x->of,
			 pct(x->move));
		snprintf(x->why, sizeof(x->why),
			 "the handoff pair whose failures (context lost, the customer repeated, late) "
			 "reach most customers: %llu customers",
			 (unsigned long long)x->customers);
		snprintf(x->api, sizeof(x->api), "/v1/handoffs?%s", c->period);
		snprintf(x->page, sizeof(x->page), "/teams/%s?%s", x->team, c->period);
	}
	tallies_release(&tl);
	return rc;
}

static int cost_shift(struct ctx *c, const struct bt_kpis *now, struct cands *out)
{
	const struct bt_engine *e = c->e;
	struct tallies tl = {0};
	int rc = 0;
	for (size_t i = 0; !rc && i < e->nls; i++) {
		const struct bt__ls *ls = &e->ls[i];
		const struct bt__inst *in = &e->inst[ls->inst];
		if (in_scope(c, in) && team_in(c, ls->team, ls->team))
			rc = tallies_add(&tl, ls->team, 0, ls->shifted, in->profile);
	}
	pairs_sort(&tl.p);
	const struct tally *t = tl.v;
	size_t n = tl.n;
	const struct pairs p = tl.p;
	/* the score: customers × (local − true success rate) */
	const struct tally *b = NULL;
	const struct bt_local_kpis *bk = NULL;
	double bs = 0;
	uint64_t bc = 0;
	for (size_t i = 0; !rc && i < n; i++) {
		const struct bt_local_kpis *k = NULL;
		for (size_t j = 0; j < now->nteams && !k; j++)
			if (!strcmp(now->teams[j].id, name(e, t[i].a)))
				k = &now->teams[j];
		if (!k || !t[i].failed || !isfinite(k->local_success_rate) ||
		    !isfinite(k->true_success_rate) || k->local_success_rate <= k->true_success_rate)
			continue;
		uint64_t cust = pairs_count(&p, t[i].group);
		double s = (double)cust * (k->local_success_rate - k->true_success_rate);
		if (!b || s > bs + 1e-12 || (fabs(s - bs) <= 1e-12 && strcmp(k->id, bk->id) < 0))
			b = &t[i], bk = k, bs = s, bc = cust;
	}
	struct bt_agenda_issue *x = b ? cand_new(out) : NULL;
	if (b && !x)
		rc = BT_ENOMEM;
	if (x) {
		x->kind = BT_ISSUE_COST_SHIFT;
		x->team = bk->id;
		x->count = bk->cost_shifted, x->customers = bc;
		x->before = bk->local_success_rate, x->after = bk->true_success_rate;
		x->move = bk->local_success_rate - bk->true_success_rate;
		snprintf(x->title, sizeof(x->title),
			 "%s's local wins cost other teams: %.1f%% local success, %.1f%% true success",
			 x->team, pct(x->before), pct(x->after));
		snprintf(x->why, sizeof(x->why),
			 "%llu customers came back to another team within the recontact window after %s "
			 "called the contact a success (%llu follow-up contacts)",
			 (unsigned long long)bc, x->team, (unsigned long long)x->count);
		snprintf(x->api, sizeof(x->api), "/v1/teams?%s", c->period);
		snprintf(x->page, sizeof(x->page), "/teams/%s?%s", x->team, c->period);
	}
	tallies_release(&tl);
	return rc;
}

static int broken_promises(struct ctx *c, struct cands *out)
{
	const struct bt_engine *e = c->e;
	struct tallies tl = {0};
	struct bt_agenda_issue *x = NULL;
	int rc = 0;
	for (size_t i = 0; !rc && i < e->nprom; i++) {
		const struct bt__pstate *s = &e->prom[i];
		if (s->inst && s->keeper && in_scope(c, &e->inst[s->inst - 1]) && team_in(c, s->keeper, s->keeper))
			rc = tallies_add(&tl, s->keeper, 0, bt__promise_overdue(s, e->as_of), s->profile);
	}
	if (!rc)
		rc = tallies_issue(&tl, e, BT_ISSUE_BROKEN_PROMISES, out, &x);
	if (x) {
		snprintf(x->title, sizeof(x->title), "%s broke %llu of %llu promises (%.1f%%)", x->team,
			 (unsigned long long)x->count, (unsigned long long)x->of, pct(x->move));
		snprintf(x->why, sizeof(x->why),
			 "the team whose broken promises (unkept at their due time) reach most "
			 "customers: %llu customers",
			 (unsigned long long)x->customers);
		snprintf(x->api, sizeof(x->api), "/v1/promises?status=broken&keeper=%s", x->team);
		snprintf(x->page, sizeof(x->page), "/teams/%s?%s", x->team, c->period);
	}
	tallies_release(&tl);
	return rc;
}

/* The siloed source (measured L1) on journey instances whose customers
 * score highest: its customers × the share of its events other sources
 * never reach. */
static int silo_source(struct ctx *c, struct cands *out)
{
	struct bt_audit *a = NULL;
	struct bt_err err;
	int rc = bt_engine_audit(c->e, c->from, c->to, c->scope, &a, &err);
	if (rc)
		return rc;
	const struct bt_audit_source *b = NULL;
	double bs = 0;
	for (size_t i = 0; i < a->nsources; i++) {
		const struct bt_audit_source *x = &a->sources[i];
		if (x->measured != 1 || !x->instances || !x->events)
			continue;
		double sc = (double)x->profiles * bt_audit_siloedness(x);
		if (!b || sc > bs + 1e-12)
			b = x, bs = sc;
	}
	struct bt_agenda_issue *x = b ? cand_new(out) : NULL;
	if (b && !x)
		rc = BT_ENOMEM;
	if (x) {
		int64_t id = bt_strmap_find(&c->e->names, b->id, strlen(b->id));
		x->kind = BT_ISSUE_SILO_SOURCE;
		x->source = id >= 0 ? name(c->e, (uint32_t)id) : NULL;
		x->customers = b->profiles;
		x->count = b->events - b->linked, x->of = b->events;
		x->move = bt_audit_siloedness(b);
		snprintf(x->title, sizeof(x->title),
			 "%s is siloed: %llu of its %llu events reach no customer another source knows",
			 b->id, (unsigned long long)x->count, (unsigned long long)x->of);
		snprintf(x->why, sizeof(x->why),
			 "a source at data level L1 on %llu journey instances: the journeys of its "
			 "%llu customers cannot be followed across channels",
			 (unsigned long long)b->instances, (unsigned long long)b->profiles);
		snprintf(x->api, sizeof(x->api), "/v1/audit/sources?%s", c->period);
		snprintf(x->page, sizeof(x->page), "/audit?%s", c->period);
	}
	bt_audit_free(a);
	return rc;
}

/* by score, then customers, then kind, then title */
static int by_score(const void *a, const void *b)
{
	const struct bt_agenda_issue *x = a, *y = b;
	if (fabs(x->score - y->score) > 1e-9)
		return x->score > y->score ? -1 : 1;
	if (x->customers != y->customers)
		return x->customers > y->customers ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return strcmp(x->title, y->title);
}

static int by_due(const void *a, const void *b)
{
	const struct bt_action *x = *(const struct bt_action *const *)a;
	const struct bt_action *y = *(const struct bt_action *const *)b;
	if (x->due != y->due)
		return x->due < y->due ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

int bt_agenda_period(int64_t as_of, int64_t *from, int64_t *to, int64_t *before_as_of,
		     struct bt_err *err)
{
	if (*to == BT_TIME_NONE)
		*to = as_of;
	if (*from == BT_TIME_NONE)
		*from = *to - 28 * DAY_MS;
	if (*from >= *to)
		return bt_err_set(err, BT_EINVAL, "the period is empty: from must be before to");
	*before_as_of = as_of - (*to - *from);
	return 0;
}

int bt_engine_agenda(const struct bt_engine *e, const struct bt_engine *eb,
		     const struct bt_agenda_query *q, const struct bt_action *acts, size_t nacts,
		     struct bt_agenda *out, struct bt_err *err)
{
	struct ctx c = {e, q->scope, ALL_TEAMS, q->from, q->to, ""};
	if (q->scope && q->scope->team)
		c.team = bt_strmap_find(&e->names, q->scope->team, strlen(q->scope->team));
	struct cands cs = {0};
	struct bt_kpis *now = NULL, *before = NULL;
	char f[32], t[32];
	int rc;
	int64_t bas;
	memset(out, 0, sizeof(*out));
	if ((rc = bt_agenda_period(e->as_of, &c.from, &c.to, &bas, err)))
		return rc;
	out->from = c.from, out->to = c.to, out->as_of = e->as_of, out->now = q->now;
	out->before_as_of = eb->as_of;
	bt_time_format(c.from, f), bt_time_format(c.to, t);
	snprintf(c.period, sizeof(c.period), "from=%s&to=%s", f, t);
	struct bt_kpi_query kn = {NULL, c.from, c.to}, kb = {NULL, c.from - (c.to - c.from), c.from};
	if ((rc = bt_engine_kpis_for(e, &kn, q->scope, &now, err)) ||
	    (rc = bt_engine_kpis_for(eb, &kb, q->scope, &before, err)))
		goto out;
	if ((c.team == ALL_TEAMS && (rc = journey_kpis(&c, now, before, &cs))) || (rc = handoff_pair(&c, &cs)) ||
	    (rc = cost_shift(&c, now, &cs)) || (rc = broken_promises(&c, &cs)) ||
	    (rc = silo_source(&c, &cs))) {
		bt_err_set(err, rc, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < cs.n; i++)
		cs.v[i].score = (double)cs.v[i].customers * cs.v[i].move;
	if (cs.n) /* (UBSan: no qsort of an empty list) */
		qsort(cs.v, cs.n, sizeof(*cs.v), by_score);
	out->candidates = cs.n;
	for (size_t i = 0; i < cs.n && out->nissues < BT_AGENDA_ISSUES; i++)
		if (cs.v[i].score > 0)
			out->issues[out->nissues++] = cs.v[i];
	/* the overdue actions, soonest due first */
	out->overdue = bt__calloc(nacts + 1, sizeof(*out->overdue));
	out->unowned = bt__calloc(now->njourneys + 1, sizeof(*out->unowned));
	out->stop = bt__calloc(q->nverdicts + 1, sizeof(*out->stop));
	if (!out->overdue || !out->unowned || !out->stop) {
		rc = bt_err_set(err, BT_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < nacts; i++)
		if (bt_action_overdue(&acts[i], q->now))
			out->overdue[out->noverdue++] = &acts[i];
	if (out->noverdue)
		qsort(out->overdue, out->noverdue, sizeof(*out->overdue), by_due);
	for (size_t i = 0; i < q->nverdicts; i++)
		if (!strcmp(q->verdicts[i].verdict, "stop"))
			out->stop[out->nstop++] = &q->verdicts[i];
	/* journeys without an owner: configured without one, or seen in the
	 * data only */
	for (size_t j = 0; j < now->njourneys; j++)
		if (!now->journeys[j].owner)
			out->unowned[out->nunowned++] =
				(struct bt_agenda_unowned){now->journeys[j].journey, now->journeys[j].instances};
out:
	/* the issues point at names of e, never into the KPIs freed here */
	for (size_t i = 0; !rc && i < out->nissues; i++) {
		struct bt_agenda_issue *x = &out->issues[i];
		if (x->journey) {
			int64_t id = bt_strmap_find(&e->names, x->journey, strlen(x->journey));
			x->journey = id >= 0 ? name(e, (uint32_t)id) : NULL;
		}
		if (x->kind == BT_ISSUE_COST_SHIFT) {
			int64_t id = bt_strmap_find(&e->names, x->team, strlen(x->team));
			x->team = id >= 0 ? name(e, (uint32_t)id) : NULL;
		}
	}
	for (size_t i = 0; !rc && i < out->nunowned; i++) {
		int64_t id = bt_strmap_find(&e->names, out->unowned[i].journey,
					    strlen(out->unowned[i].journey));
		out->unowned[i].journey = id >= 0 ? name(e, (uint32_t)id) : "?";
	}
	bt__free(cs.v);
	bt_kpis_free(now);
	bt_kpis_free(before);
	if (rc)
		bt_agenda_release(out);
	return rc;
}

void bt_agenda_release(struct bt_agenda *a)
{
	bt__free(a->overdue);
	bt__free(a->unowned);
	bt__free(a->stop);
	a->overdue = NULL, a->unowned = NULL, a->stop = NULL;
	a->noverdue = a->nunowned = a->nstop = 0;
}

/* ---- JSON ---- */

static void jstr(struct bt_buf *b, const char *key, const char *v)
{
	bt_buf_printf(b, ",\"%s\":", key);
	if (v)
		bt_buf_json_strz(b, v);
	else
		bt_buf_adds(b, "null");
}

static void jnum(struct bt_buf *b, const char *key, double v)
{
	bt_buf_printf(b, ",\"%s\":", key);
	if (isfinite(v))
		bt_buf_json_num(b, v);
	else
		bt_buf_adds(b, "null");
}

int bt_agenda_json(const struct bt_agenda *a, struct bt_buf *b)
{
	char t[32];
	bt_time_format(a->from, t);
	bt_buf_printf(b, "{\"from\":\"%s\"", t);
	bt_time_format(a->to, t);
	bt_buf_printf(b, ",\"to\":\"%s\"", t);
	bt_time_format(a->as_of, t);
	bt_buf_printf(b, ",\"as_of\":\"%s\"", t);
	bt_time_format(a->from - (a->to - a->from), t);
	bt_buf_printf(b, ",\"before\":{\"from\":\"%s\"", t);
	bt_time_format(a->from, t);
	bt_buf_printf(b, ",\"to\":\"%s\"", t);
	bt_time_format(a->before_as_of, t);
	bt_buf_printf(b, ",\"as_of\":\"%s\"},\"candidates\":%zu,\"issues\":[", t, a->candidates);
	for (size_t i = 0; i < a->nissues; i++) {
		const struct bt_agenda_issue *x = &a->issues[i];
		bt_buf_printf(b, "%s{\"rank\":%zu,\"kind\":\"%s\"", i ? "," : "", i + 1,
			      bt_issue_kind_names[x->kind]);
		jstr(b, "title", x->title);
		jstr(b, "why", x->why);
		jstr(b, "journey", x->journey);
		jstr(b, "team", x->team);
		jstr(b, "to_team", x->to_team);
		jstr(b, "kpi", x->kpi);
		jstr(b, "source", x->source);
		bt_buf_printf(b, ",\"customers\":%llu", (unsigned long long)x->customers);
		if (x->kind == BT_ISSUE_JOURNEY_KPI) {
			jnum(b, "before", x->before);
			jnum(b, "after", x->after);
		} else if (x->kind == BT_ISSUE_COST_SHIFT) {
			jnum(b, "local_success_rate", x->before);
			jnum(b, "true_success_rate", x->after);
			bt_buf_printf(b, ",\"follow_ups\":%llu", (unsigned long long)x->count);
		} else if (x->kind == BT_ISSUE_SILO_SOURCE) {
			bt_buf_printf(b, ",\"unlinked_events\":%llu,\"events\":%llu",
				      (unsigned long long)x->count, (unsigned long long)x->of);
		} else {
			bt_buf_printf(b, ",\"failed\":%llu,\"of\":%llu", (unsigned long long)x->count,
				      (unsigned long long)x->of);
		}
		jnum(b, "move", x->move);
		jnum(b, "score", x->score);
		bt_buf_printf(b, ",\"evidence\":{\"api\":");
		bt_buf_json_strz(b, x->api);
		bt_buf_adds(b, ",\"page\":");
		bt_buf_json_strz(b, x->page);
		bt_buf_adds(b, "}}");
	}
	bt_buf_adds(b, "],\"overdue_actions\":[");
	for (size_t i = 0; i < a->noverdue; i++) {
		if (i)
			bt_buf_addc(b, ',');
		bt_action_json(a->overdue[i], a->now, b);
	}
	bt_buf_adds(b, "],\"initiatives_to_stop\":[");
	for (size_t i = 0; i < a->nstop; i++) {
		if (i)
			bt_buf_addc(b, ',');
		bt_verdict_json(a->stop[i], b);
	}
	bt_buf_adds(b, "],\"unowned_journeys\":[");
	for (size_t i = 0; i < a->nunowned; i++) {
		bt_buf_printf(b, "%s{\"journey\":", i ? "," : "");
		bt_buf_json_strz(b, a->unowned[i].journey);
		bt_buf_printf(b, ",\"instances\":%llu}", (unsigned long long)a->unowned[i].instances);
	}
	bt_buf_adds(b, "]}");
	return bt_buf_status(b);
}

/* ---- Markdown and HTML ---- */

static void esc(struct bt_buf *b, int html, const char *s)
{
	if (html) {
		bt_buf_html_text(b, s);
		return;
	}
	for (; s && *s; s++) { /* Markdown: no emphasis, link or cell made by accident */
		if (*s == '|' || *s == '*' || *s == '_' || *s == '[')
			bt_buf_addc(b, '\\');
		bt_buf_addc(b, *s == '\n' ? ' ' : *s);
	}
}

static void h2(struct bt_buf *b, int html, const char *s)
{
	bt_buf_adds(b, html ? "<h2>" : "## ");
	esc(b, html, s);
	bt_buf_adds(b, html ? "</h2>\n" : "\n\n");
}

int bt_agenda_render(const struct bt_agenda *a, int html, struct bt_buf *b)
{
	char f[32], t[32], line[1024];
	bt_time_format(a->from, f), bt_time_format(a->to, t);
	if (html)
		bt_buf_adds(b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
			       "<title>baton steering agenda</title><style>"
			       "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;"
			       "color:#222}li{margin:.4rem 0}.why{color:#555}</style></head><body>\n"
			       "<h1>Steering agenda</h1>\n<p>");
	else
		bt_buf_adds(b, "# Steering agenda\n\n");
	snprintf(line, sizeof(line), "The period from %s to %s, against the same length of time "
				     "before it, each judged as long after its end.",
		 f, t);
	esc(b, html, line);
	bt_buf_adds(b, html ? "</p>\n" : "\n\n");
	snprintf(line, sizeof(line), "1. The issues that hurt the most customers (%zu of %zu)",
		 a->nissues, a->candidates);
	h2(b, html, line);
	if (!a->nissues)
		bt_buf_adds(b, html ? "<p>No issue: nothing got worse.</p>\n" : "No issue: nothing got worse.\n\n");
	bt_buf_adds(b, html && a->nissues ? "<ol>\n" : "");
	for (size_t i = 0; i < a->nissues; i++) {
		const struct bt_agenda_issue *x = &a->issues[i];
		if (html) {
			bt_buf_adds(b, "<li><strong>");
			esc(b, 1, x->title);
			bt_buf_adds(b, "</strong><br><span class=\"why\">Why: ");
			esc(b, 1, x->why);
			bt_buf_adds(b, ".</span> Evidence: <a href=\"");
			esc(b, 1, x->page);
			bt_buf_adds(b, "\">");
			esc(b, 1, x->page);
			bt_buf_adds(b, "</a></li>\n");
		} else {
			bt_buf_printf(b, "%zu. **", i + 1);
			esc(b, 0, x->title);
			bt_buf_adds(b, "**  \n   Why: ");
			esc(b, 0, x->why);
			bt_buf_adds(b, ".  \n   Evidence: `");
			bt_buf_adds(b, x->page);
			bt_buf_adds(b, "`\n");
		}
	}
	bt_buf_adds(b, html && a->nissues ? "</ol>\n" : a->nissues ? "\n" : "");
	h2(b, html, "2. Overdue actions");
	if (!a->noverdue)
		bt_buf_adds(b, html ? "<p>None.</p>\n" : "None.\n\n");
	bt_buf_adds(b, html && a->noverdue ? "<ul>\n" : "");
	for (size_t i = 0; i < a->noverdue; i++) {
		const struct bt_action *x = a->overdue[i];
		char due[32];
		bt_time_format(x->due * 1000, due);
		snprintf(line, sizeof(line), "A%lld %s: %s, due %s (%s)%s%s", (long long)x->id, x->title,
			 x->owner, due, x->status, x->journey ? ", journey " : "",
			 x->journey ? x->journey : "");
		bt_buf_adds(b, html ? "<li>" : "- ");
		esc(b, html, line);
		bt_buf_adds(b, html ? "</li>\n" : "\n");
	}
	bt_buf_adds(b, html && a->noverdue ? "</ul>\n" : a->noverdue ? "\n" : "");
	h2(b, html, "3. Initiatives to stop");
	if (!a->nstop)
		bt_buf_adds(b, html ? "<p>None.</p>\n" : "None.\n\n");
	bt_buf_adds(b, html && a->nstop ? "<ul>\n" : "");
	for (size_t i = 0; i < a->nstop; i++) {
		const struct bt_verdict *v = a->stop[i];
		snprintf(line, sizeof(line), "%s (%s, %s): %s", v->in->name, v->in->journey, v->in->kpi,
			 v->why);
		bt_buf_adds(b, html ? "<li>" : "- ");
		esc(b, html, line);
		bt_buf_adds(b, html ? "</li>\n" : "\n");
	}
	bt_buf_adds(b, html && a->nstop ? "</ul>\n" : a->nstop ? "\n" : "");
	h2(b, html, "4. Journeys without an owner");
	if (!a->nunowned)
		bt_buf_adds(b, html ? "<p>None: every journey has an owner.</p>\n"
				    : "None: every journey has an owner.\n\n");
	bt_buf_adds(b, html && a->nunowned ? "<ul>\n" : "");
	for (size_t i = 0; i < a->nunowned; i++) {
		snprintf(line, sizeof(line), "%s: %llu instances opened in the period, owned by nobody",
			 a->unowned[i].journey, (unsigned long long)a->unowned[i].instances);
		bt_buf_adds(b, html ? "<li>" : "- ");
		esc(b, html, line);
		bt_buf_adds(b, html ? "</li>\n" : "\n");
	}
	bt_buf_adds(b, html ? (a->nunowned ? "</ul>\n</body></html>\n" : "</body></html>\n") : "");
	return bt_buf_status(b);
}
