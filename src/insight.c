/* SPDX-License-Identifier: Apache-2.0 */
/*
 * insight.c - the friction audit, experience consistency and value at
 * stake (docs/insight.md), from a derived engine.  Each reads the same
 * derived state as kpi.c (instances, handoffs, promises, the events placed
 * in them) over the same cohort (instances opened in the period, of the
 * journeys the scope sees), so "how many were recontacted" has one answer.
 */
#include "baton/insight.h"

#include "engine.h"
#include "event.h"
#include "util/alloc.h"
#include "util/decimal.h"
#include "util/time.h"
#include "util/vec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const bt_friction_kinds[BT_FRICTION__COUNT] = {
	"drop_off", "delay", "recontact", "repeat", "failed_handoff", "broken_promise",
	"negative_feedback"};

static const char *const reasons[3] = {"context_lost", "customer_repeated", "late"};

static double ratio(uint64_t a, uint64_t b) { return b ? (double)a / (double)b : NAN; }

/* The cohort: a byte per instance, 1 when it was opened in the period, is
 * of the journey asked (want; -1 all) and is the scope's to see. */
static int cohort(const struct bt_engine *e, const struct bt_kpi_query *q,
		  const struct bt_scope *scope, uint8_t **out, int32_t *want, struct bt_err *err)
{
	*want = -1;
	*out = NULL;
	if (q->journey) {
		int64_t name = bt_strmap_find(&e->names, q->journey, strlen(q->journey));
		uint32_t v;
		if (!bt_engine_has_journey(e, q->journey) || name < 0 ||
		    !bt_u64map_get(&e->jmap, (uint64_t)name, &v))
			return bt_err_set(err, BT_ENOTFOUND,
					  "no journey '%s' in the configuration or the data", q->journey);
		*want = (int32_t)v - 1;
		if (scope && scope->person && !bt__journey_owned_by(e, v - 1, scope->person))
			return bt_err_set(err, BT_ENOTFOUND, "no journey '%s' of yours", q->journey);
	}
	uint8_t *c = bt__calloc(e->ninst + 1, 1);
	if (!c)
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	for (size_t i = 0; i < e->ninst; i++) {
		const struct bt__inst *in = &e->inst[i];
		c[i] = (*want < 0 || in->journey == (uint32_t)*want) &&
		       !(scope && scope->person && !bt__journey_owned_by(e, in->journey, scope->person)) &&
		       (q->from == BT_TIME_NONE || in->opened >= q->from) &&
		       (q->to == BT_TIME_NONE || in->opened < q->to);
	}
	*out = c;
	return 0;
}

/* Did instance in succeed (docs/kpis.md, resolution rate)? */
static int successful(const struct bt_engine *e, const struct bt__inst *in)
{
	return in->state == IS_RESOLVED && !in->recontacted &&
	       e->as_of - in->resolved_at >= e->journeys[in->journey].recontact;
}

static const char *name_of(const struct bt_engine *e, uint32_t id)
{
	return id ? bt_strmap_key(&e->names, id) : NULL;
}

/* ---- friction ---- */

/* One occurrence of friction: where (journey, kind, a, b, c), whom, how
 * many; kind BT_FRICTION__COUNT marks a customer of the journey. */
struct ft {
	uint32_t j, kind, a, b, c, profile;
	uint64_t occ;
};

struct fts {
	struct ft *v;
	size_t n, cap;
};

static int ft_add(struct fts *f, uint32_t j, uint32_t kind, uint32_t a, uint32_t b, uint32_t c,
		  uint32_t profile, uint64_t occ)
{
	struct ft x = {j, kind, a, b, c, profile, occ};
	BT_PUSH(f->v, f->n, f->cap, x);
	return 0;
}

static int ft_cmp(const void *pa, const void *pb)
{
	const struct ft *x = pa, *y = pb;
	const uint32_t kx[6] = {x->j, x->kind, x->a, x->b, x->c, x->profile};
	const uint32_t ky[6] = {y->j, y->kind, y->a, y->b, y->c, y->profile};
	for (int i = 0; i < 6; i++)
		if (kx[i] != ky[i])
			return kx[i] < ky[i] ? -1 : 1;
	return 0;
}

static int strcmp0(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) : (a != NULL) - (b != NULL);
}

static int fr_rank(const void *pa, const void *pb)
{
	const struct bt_friction *x = pa, *y = pb;
	int c;
	if (x->customers != y->customers)
		return x->customers > y->customers ? -1 : 1;
	if (x->occurrences != y->occurrences)
		return x->occurrences > y->occurrences ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->stage_no != y->stage_no)
		return x->stage_no < y->stage_no ? -1 : 1;
	if ((c = strcmp0(x->from, y->from)) || (c = strcmp0(x->to, y->to)) ||
	    (c = strcmp0(x->reason, y->reason)) || (c = strcmp0(x->team, y->team)) ||
	    (c = strcmp0(x->journey, y->journey)))
		return c;
	return 0;
}

static int collect_friction(const struct bt_engine *e, const uint8_t *in_c, struct fts *f)
{
	int rc = 0;
	for (size_t i = 0; i < e->ninst && !rc; i++) {
		const struct bt__inst *in = &e->inst[i];
		if (!in_c[i])
			continue;
		uint32_t j = in->journey, p = in->profile;
		rc = ft_add(f, j, BT_FRICTION__COUNT, 0, 0, 0, p, 1);
		if (!rc && in->state == IS_ABANDONED)
			rc = ft_add(f, j, BT_FRICTION_DROP_OFF, in->stage, 0, 0, p, 1);
		uint32_t late = in->late_stages;
		if (in->state == IS_OPEN && in->stage && in->stage <= 32 &&
		    bt__stage_sla(e, in) == BT__NEED_STAGE_SLA_BREACHED)
			late |= 1u << (in->stage - 1);
		for (uint32_t s = 0; s < 32 && !rc; s++)
			if (late & (1u << s))
				rc = ft_add(f, j, BT_FRICTION_DELAY, s + 1, 0, 0, p, 1);
		if (!rc && in->recontacted)
			rc = ft_add(f, j, BT_FRICTION_RECONTACT, 0, 0, 0, p, 1);
		if (!rc && in->repeats)
			rc = ft_add(f, j, BT_FRICTION_REPEAT, 0, 0, 0, p, in->repeats);
	}
	for (size_t i = 0; i < e->nhand && !rc; i++) {
		const struct bt__handoff *h = &e->hand[i];
		if (!h->fail || !in_c[h->inst])
			continue;
		const struct bt__inst *in = &e->inst[h->inst];
		for (uint32_t r = 0; r < 3 && !rc; r++)
			if (h->fail & (1u << r))
				rc = ft_add(f, in->journey, BT_FRICTION_FAILED_HANDOFF, h->from, h->to, r,
					    in->profile, 1);
	}
	for (size_t i = 0; i < e->nprom && !rc; i++) {
		const struct bt__pstate *s = &e->prom[i];
		if (!s->inst || !in_c[s->inst - 1] || !bt__promise_overdue(s, e->as_of))
			continue;
		const struct bt__inst *in = &e->inst[s->inst - 1];
		rc = ft_add(f, in->journey, BT_FRICTION_BROKEN_PROMISE, s->keeper, 0, 0, in->profile, 1);
	}
	for (size_t i = 0; i < e->nev && !rc; i++) {
		const struct bt__erec *r = &e->ev[i];
		if (!e->einst[i] || !in_c[e->einst[i] - 1] || r->ts > e->as_of)
			continue;
		const struct bt__inst *in = &e->inst[e->einst[i] - 1];
		if (bt__negative_feedback(e, in->journey, r)) { /* the follow-up triggers */
			rc = ft_add(f, in->journey, BT_FRICTION_NEGATIVE_FEEDBACK, 0, 0, 0, in->profile, 1);
		}
	}
	return rc;
}

int bt_engine_friction(const struct bt_engine *e, const struct bt_kpi_query *q,
		       const struct bt_scope *scope, struct bt_friction **out, size_t *n,
		       uint64_t *customers, struct bt_err *err)
{
	uint8_t *in_c = NULL;
	int32_t want;
	struct fts f = {NULL, 0, 0};
	uint64_t *jc = NULL, all = 0;
	*out = NULL, *n = 0;
	int rc = cohort(e, q, scope, &in_c, &want, err);
	if (rc)
		return rc;
	if ((rc = collect_friction(e, in_c, &f)) ||
	    !(jc = bt__calloc(e->njourneys + 1, sizeof(*jc))) ||
	    !(*out = bt__calloc(f.n + 1, sizeof(**out)))) {
		bt__free(in_c), bt__free(f.v), bt__free(jc);
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	}
	if (f.n)
		qsort(f.v, f.n, sizeof(*f.v), ft_cmp);
	/* the customers of each journey first (their kind sorts after the
	 * others, so count them in a pass of their own) */
	for (size_t i = 0; i < f.n; i++)
		if (f.v[i].kind == BT_FRICTION__COUNT &&
		    (i == 0 || ft_cmp(&f.v[i - 1], &f.v[i]) != 0))
			jc[f.v[i].j]++, all++;
	for (size_t i = 0; i < f.n;) {
		size_t k = i;
		struct bt_friction x;
		memset(&x, 0, sizeof(x));
		const struct ft *g = &f.v[i];
		for (; k < f.n && f.v[k].j == g->j && f.v[k].kind == g->kind && f.v[k].a == g->a &&
		       f.v[k].b == g->b && f.v[k].c == g->c;
		     k++) {
			x.occurrences += f.v[k].occ;
			x.customers += k == i || f.v[k].profile != f.v[k - 1].profile;
		}
		i = k;
		if (g->kind == BT_FRICTION__COUNT)
			continue;
		const struct bt_cfg_journey *cj = e->journeys[g->j].cfg;
		x.journey = bt_strmap_key(&e->names, e->journeys[g->j].name);
		x.kind = (int)g->kind;
		if (g->kind == BT_FRICTION_DROP_OFF || g->kind == BT_FRICTION_DELAY) {
			x.stage_no = g->a;
			x.stage = cj && g->a && g->a <= cj->nstages ? cj->stages[g->a - 1].id : NULL;
		} else if (g->kind == BT_FRICTION_FAILED_HANDOFF) {
			x.from = name_of(e, g->a), x.to = name_of(e, g->b), x.reason = reasons[g->c];
		} else if (g->kind == BT_FRICTION_BROKEN_PROMISE)
			x.team = name_of(e, g->a);
		x.journey_customers = jc[g->j];
		x.share = ratio(x.customers, x.journey_customers);
		(*out)[(*n)++] = x;
	}
	if (*n)
		qsort(*out, *n, sizeof(**out), fr_rank);
	if (customers)
		*customers = want >= 0 ? jc[want] : all;
	bt__free(in_c), bt__free(f.v), bt__free(jc);
	return 0;
}

void bt_friction_where(const struct bt_friction *x, char *out, size_t size)
{
	switch (x->kind) {
	case BT_FRICTION_DROP_OFF:
		if (x->stage)
			snprintf(out, size, "abandoned in stage %s", x->stage);
		else
			snprintf(out, size, "abandoned before any stage");
		break;
	case BT_FRICTION_DELAY:
		snprintf(out, size, "in stage %s past its SLA", x->stage ? x->stage : "?");
		break;
	case BT_FRICTION_RECONTACT:
		snprintf(out, size, "came back after it was resolved");
		break;
	case BT_FRICTION_REPEAT:
		snprintf(out, size, "had to repeat themselves");
		break;
	case BT_FRICTION_FAILED_HANDOFF:
		snprintf(out, size, "handoff %s -> %s: %s", x->from ? x->from : "?", x->to ? x->to : "?",
			 x->reason ? x->reason : "?");
		break;
	case BT_FRICTION_BROKEN_PROMISE:
		snprintf(out, size, "promises %s had to keep", x->team ? x->team : "nobody");
		break;
	default:
		snprintf(out, size, "CSAT 2 or less, or NPS 6 or less");
	}
}

static int period_json(struct bt_buf *b, const struct bt_kpi_query *q, int64_t as_of)
{
	char t[32];
	bt_time_format(as_of, t);
	int rc = bt_buf_printf(b, "\"as_of\":\"%s\",\"from\":", t);
	if (q->from != BT_TIME_NONE)
		bt_time_format(q->from, t);
	rc = rc ? rc : q->from != BT_TIME_NONE ? bt_buf_json_strz(b, t) : bt_buf_adds(b, "null");
	rc = rc ? rc : bt_buf_adds(b, ",\"to\":");
	if (q->to != BT_TIME_NONE)
		bt_time_format(q->to, t);
	rc = rc ? rc : q->to != BT_TIME_NONE ? bt_buf_json_strz(b, t) : bt_buf_adds(b, "null");
	return rc;
}

int bt_engine_friction_json(const struct bt_engine *e, const struct bt_kpi_query *q,
			    const struct bt_scope *scope, struct bt_buf *out, struct bt_err *err)
{
	struct bt_friction *v = NULL;
	size_t n = 0;
	uint64_t customers = 0, instances = 0;
	int rc = bt_engine_friction(e, q, scope, &v, &n, &customers, err);
	if (rc)
		return rc;
	uint8_t *in_c = NULL;
	int32_t want;
	if ((rc = cohort(e, q, scope, &in_c, &want, err))) {
		bt__free(v);
		return rc;
	}
	for (size_t i = 0; i < e->ninst; i++)
		instances += in_c[i];
	bt__free(in_c);
	rc = bt_buf_adds(out, "{\"journey\":");
	rc = rc ? rc : bt_buf_json_strz(out, q->journey);
	rc = rc ? rc : bt_buf_addc(out, ',');
	rc = rc ? rc : period_json(out, q, e->as_of);
	rc = rc ? rc : bt_buf_printf(out, ",\"customers\":%llu,\"instances\":%llu,\"friction\":[",
				    (unsigned long long)customers, (unsigned long long)instances);
	for (size_t i = 0; i < n && !rc; i++) {
		const struct bt_friction *x = &v[i];
		rc = bt_buf_printf(out, "%s{\"rank\":%zu,\"journey\":", i ? "," : "", i + 1);
		rc = rc ? rc : bt_buf_json_strz(out, x->journey);
		rc = rc ? rc : bt_buf_printf(out, ",\"kind\":\"%s\",\"stage\":", bt_friction_kinds[x->kind]);
		rc = rc ? rc : bt_buf_json_strz(out, x->stage);
		rc = rc ? rc : bt_buf_adds(out, ",\"from\":");
		rc = rc ? rc : bt_buf_json_strz(out, x->from);
		rc = rc ? rc : bt_buf_adds(out, ",\"to\":");
		rc = rc ? rc : bt_buf_json_strz(out, x->to);
		rc = rc ? rc : bt_buf_adds(out, ",\"reason\":");
		rc = rc ? rc : bt_buf_json_strz(out, x->reason);
		rc = rc ? rc : bt_buf_adds(out, ",\"team\":");
		rc = rc ? rc : bt_buf_json_strz(out, x->team);
		rc = rc ? rc : bt_buf_printf(out, ",\"customers\":%llu,\"share\":",
					    (unsigned long long)x->customers);
		rc = rc ? rc : bt_buf_json_num(out, x->share);
		rc = rc ? rc : bt_buf_printf(out, ",\"occurrences\":%llu}",
					    (unsigned long long)x->occurrences);
	}
	bt__free(v);
	rc = rc ? rc : bt_buf_adds(out, "]}");
	return rc ? bt_err_set(err, rc, "out of memory") : 0;
}

/* ---- consistency ---- */

/* Is a/b >= c/d (b, d > 0)? */
static int frac_ge(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	return (unsigned __int128)a * d >= (unsigned __int128)c * b;
}

/* The spread of fraction num[k]/den[k] over the rows with den > 0:
 * flagged when (max - min) * scale >= thr, exactly. */
static void spread_of(const struct bt_channel_row *rows, size_t n, const uint64_t *num,
		      const uint64_t *den, double scale, int64_t thr, struct bt_spread *s)
{
	size_t hi = n, lo = n, have = 0;
	for (size_t k = 0; k < n; k++) {
		if (!den[k])
			continue;
		have++;
		if (hi == n || !frac_ge(num[hi], den[hi], num[k], den[k]))
			hi = k;
		if (lo == n || !frac_ge(num[k], den[k], num[lo], den[lo]))
			lo = k;
	}
	s->spread = NAN, s->max = s->min = NULL, s->flagged = 0;
	if (!have)
		return;
	s->max = rows[hi].channel, s->min = rows[lo].channel;
	s->spread = (double)num[hi] / (double)den[hi] - (double)num[lo] / (double)den[lo];
	if (hi == lo)
		s->spread = 0;
	/* (num_hi/den_hi - num_lo/den_lo) * scale >= thr / 10^6 */
	__int128 diff = (__int128)num[hi] * den[lo] - (__int128)num[lo] * den[hi];
	s->flagged = have >= 2 &&
		     diff * (__int128)scale >= (__int128)thr * den[hi] * den[lo];
}

int bt_engine_consistency(const struct bt_engine *e, const struct bt_kpi_query *q,
			  const struct bt_scope *scope, struct bt_consistency *out,
			  struct bt_err *err)
{
	uint8_t *in_c = NULL;
	uint32_t *first = NULL;
	int32_t want;
	memset(out, 0, sizeof(*out));
	out->journey = q->journey;
	out->as_of = e->as_of;
	out->max_spread_rate_upp = e->cfg ? e->cfg->spread_rate_upp : 10 * BT_MICRO;
	out->max_spread_csat_u = e->cfg ? e->cfg->spread_csat_u : BT_MICRO / 2;
	int rc = cohort(e, q, scope, &in_c, &want, err);
	if (rc)
		return rc;
	const struct bt_cfg_journey *cj = want >= 0 ? e->journeys[want].cfg : NULL;
	if (cj && cj->spread_rate_upp >= 0)
		out->max_spread_rate_upp = cj->spread_rate_upp;
	if (cj && cj->spread_csat_u >= 0)
		out->max_spread_csat_u = cj->spread_csat_u;
	struct bt_channel_row rows[BT_CH__COUNT];
	memset(rows, 0, sizeof(rows));
	if (!(first = bt__calloc(e->ninst + 1, sizeof(*first)))) {
		bt__free(in_c);
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	}
	/* each instance's first contact: the earliest (time, arrival) of its
	 * inbound events that are not feedback only (the contacts of docs/kpis.md) */
	for (size_t i = 0; i < e->nev; i++) {
		const struct bt__erec *r = &e->ev[i];
		int feedback_only = (r->flags & EF_FEEDBACK) && r->outcome == BT_OUT_NONE;
		if (!e->einst[i] || !in_c[e->einst[i] - 1] || r->direction != BT_DIR_INBOUND ||
		    feedback_only || r->ts > e->as_of)
			continue;
		uint32_t *f = &first[e->einst[i] - 1];
		const struct bt__erec *o = *f ? &e->ev[*f - 1] : NULL;
		if (!o || r->ts < o->ts || (r->ts == o->ts && r->seq < o->seq))
			*f = (uint32_t)i + 1;
	}
	for (size_t i = 0; i < e->ninst; i++) {
		const struct bt__inst *in = &e->inst[i];
		if (!in_c[i])
			continue;
		out->instances++;
		uint8_t ch = first[i] ? e->ev[first[i] - 1].channel : 0;
		if (!ch || ch >= BT_CH__COUNT) {
			out->no_channel++;
			continue;
		}
		struct bt_channel_row *w = &rows[ch];
		w->instances++;
		w->ended += in->state != IS_OPEN;
		w->successful += successful(e, in);
		if (in->first_resolved != BT_TIME_NONE) {
			w->resolved_ever++;
			w->recontacted += in->recontacted;
		}
		w->csat_n += in->csat_n, w->csat_sum += in->csat_sum;
	}
	bt__free(in_c), bt__free(first);
	size_t n = 0;
	out->rows = bt__calloc(BT_CH__COUNT, sizeof(*out->rows));
	if (!out->rows)
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	uint64_t num[3][BT_CH__COUNT], den[3][BT_CH__COUNT];
	for (int ch = 1; ch < BT_CH__COUNT; ch++) {
		struct bt_channel_row *w = &rows[ch];
		if (!w->instances)
			continue;
		w->channel = bt_channel_names[ch];
		w->resolution_rate = ratio(w->successful, w->ended);
		w->recontact_rate = ratio(w->recontacted, w->resolved_ever);
		w->csat_avg = ratio(w->csat_sum, w->csat_n);
		num[0][n] = w->successful, den[0][n] = w->ended;
		num[1][n] = w->recontacted, den[1][n] = w->resolved_ever;
		num[2][n] = w->csat_sum, den[2][n] = w->csat_n;
		out->rows[n++] = *w;
	}
	out->nrows = n;
	/* a rate's spread in percentage points is (max - min) * 100; the
	 * threshold is in millionths of one: scale by 10^8 */
	spread_of(out->rows, n, num[0], den[0], 1e8, out->max_spread_rate_upp, &out->resolution);
	spread_of(out->rows, n, num[1], den[1], 1e8, out->max_spread_rate_upp, &out->recontact);
	spread_of(out->rows, n, num[2], den[2], 1e6, out->max_spread_csat_u, &out->csat);
	return 0;
}

void bt_consistency_release(struct bt_consistency *c)
{
	bt__free(c->rows);
	c->rows = NULL, c->nrows = 0;
}

void bt_buf_micro_text(int64_t v, char out[32]) { bt__micro_print(v, out); }

int bt_buf_micro(struct bt_buf *b, int64_t v)
{
	char t[32];
	bt__micro_print(v, t);
	return bt_buf_adds(b, t);
}

static int spread_json(struct bt_buf *b, const char *key, const struct bt_spread *s, int first)
{
	int rc = bt_buf_printf(b, "%s\"%s\":{\"spread\":", first ? "" : ",", key);
	rc = rc ? rc : bt_buf_json_num(b, s->spread);
	rc = rc ? rc : bt_buf_adds(b, ",\"max\":");
	rc = rc ? rc : bt_buf_json_strz(b, s->max);
	rc = rc ? rc : bt_buf_adds(b, ",\"min\":");
	rc = rc ? rc : bt_buf_json_strz(b, s->min);
	rc = rc ? rc : bt_buf_printf(b, ",\"flagged\":%s}", s->flagged ? "true" : "false");
	return rc;
}

int bt_engine_consistency_json(const struct bt_engine *e, const struct bt_kpi_query *q,
			       const struct bt_scope *scope, struct bt_buf *out,
			       struct bt_err *err)
{
	struct bt_consistency c;
	int rc = bt_engine_consistency(e, q, scope, &c, err);
	if (rc)
		return rc;
	rc = bt_buf_adds(out, "{\"journey\":");
	rc = rc ? rc : bt_buf_json_strz(out, q->journey);
	rc = rc ? rc : bt_buf_addc(out, ',');
	rc = rc ? rc : period_json(out, q, e->as_of);
	rc = rc ? rc : bt_buf_printf(out, ",\"instances\":%llu,\"no_channel\":%llu,\"thresholds\":{\"rate_pp\":",
				    (unsigned long long)c.instances, (unsigned long long)c.no_channel);
	rc = rc ? rc : bt_buf_micro(out, c.max_spread_rate_upp);
	rc = rc ? rc : bt_buf_adds(out, ",\"csat\":");
	rc = rc ? rc : bt_buf_micro(out, c.max_spread_csat_u);
	rc = rc ? rc : bt_buf_adds(out, "},\"channels\":[");
	for (size_t i = 0; i < c.nrows && !rc; i++) {
		const struct bt_channel_row *w = &c.rows[i];
		rc = bt_buf_printf(out, "%s{\"channel\":\"%s\",\"instances\":%llu,\"ended\":%llu,"
					"\"successful\":%llu,\"resolution_rate\":",
				   i ? "," : "", w->channel, (unsigned long long)w->instances,
				   (unsigned long long)w->ended, (unsigned long long)w->successful);
		rc = rc ? rc : bt_buf_json_num(out, w->resolution_rate);
		rc = rc ? rc : bt_buf_printf(out, ",\"resolved_ever\":%llu,\"recontacted\":%llu,\"recontact_rate\":",
					    (unsigned long long)w->resolved_ever,
					    (unsigned long long)w->recontacted);
		rc = rc ? rc : bt_buf_json_num(out, w->recontact_rate);
		rc = rc ? rc : bt_buf_adds(out, ",\"csat\":");
		rc = rc ? rc : bt_buf_json_num(out, w->csat_avg);
		rc = rc ? rc : bt_buf_printf(out, ",\"csat_n\":%llu}", (unsigned long long)w->csat_n);
	}
	rc = rc ? rc : bt_buf_adds(out, "],\"spread\":{");
	rc = rc ? rc : spread_json(out, "resolution_rate", &c.resolution, 1);
	rc = rc ? rc : spread_json(out, "recontact_rate", &c.recontact, 0);
	rc = rc ? rc : spread_json(out, "csat", &c.csat, 0);
	rc = rc ? rc : bt_buf_printf(out, "},\"flagged\":%s}",
				    c.resolution.flagged || c.recontact.flagged || c.csat.flagged ? "true" : "false");
	bt_consistency_release(&c);
	return rc ? bt_err_set(err, rc, "out of memory") : 0;
}

/* ---- value at stake ---- */

/* An outcome: a customer (profile) and when. */
struct oc {
	uint32_t profile;
	int64_t t;
};

struct ocs {
	struct oc *v;
	size_t n, cap;
};

/* A customer's event that carries value: churn, or revenue. */
struct pe {
	uint32_t profile;
	int64_t t;
	int64_t revenue;
	int churn;
};

static int oc_add(struct ocs *s, uint32_t profile, int64_t t)
{
	struct oc x = {profile, t};
	BT_PUSH(s->v, s->n, s->cap, x);
	return 0;
}

static int oc_cmp(const void *a, const void *b)
{
	const struct oc *x = a, *y = b;
	if (x->profile != y->profile)
		return x->profile < y->profile ? -1 : 1;
	return (x->t > y->t) - (x->t < y->t);
}

static int pe_cmp(const void *a, const void *b)
{
	const struct pe *x = a, *y = b;
	if (x->profile != y->profile)
		return x->profile < y->profile ? -1 : 1;
	return (x->t > y->t) - (x->t < y->t);
}

/* Each customer's churn and revenue in [first outcome, + window). */
static void side_of(struct ocs *s, const struct pe *pe, size_t npe, int64_t window,
		    struct bt_value_side *out)
{
	out->outcomes = s->n;
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), oc_cmp);
	for (size_t i = 0; i < s->n; i++) {
		if (i && s->v[i].profile == s->v[i - 1].profile)
			continue;
		uint32_t p = s->v[i].profile;
		int64_t t0 = s->v[i].t;
		out->customers++;
		size_t lo = 0, hi = npe; /* the first event of p at or after t0 */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (pe[mid].profile < p || (pe[mid].profile == p && pe[mid].t < t0))
				lo = mid + 1;
			else
				hi = mid;
		}
		int churned = 0;
		for (size_t k = lo; k < npe && pe[k].profile == p && pe[k].t - t0 < window; k++) {
			churned |= pe[k].churn;
			out->revenue_u += pe[k].revenue;
		}
		out->churned += (uint64_t)churned;
	}
	out->churn_rate = ratio(out->churned, out->customers);
	out->revenue_per_customer =
		out->customers ? (double)out->revenue_u / (double)BT_MICRO / (double)out->customers : NAN;
}

int bt_engine_value(const struct bt_engine *e, const struct bt_kpi_query *q,
		    const struct bt_scope *scope, struct bt_value *out, struct bt_err *err)
{
	static const char *const pairs[3] = {"journeys", "promises", "handoffs"};
	static const char *const names[6] = {"successful", "failed", "kept", "broken", "clean", "failed"};
	const struct bt_config *cfg = e->cfg;
	uint8_t *in_c = NULL;
	int32_t want;
	struct ocs s[6];
	struct pe *pe = NULL;
	size_t npe = 0, cappe = 0;
	uint32_t churn[64];
	size_t nchurn = 0;
	memset(out, 0, sizeof(*out));
	memset(s, 0, sizeof(s));
	out->as_of = e->as_of;
	out->days = cfg ? cfg->value_days : 90;
	out->revenue = cfg ? cfg->value_revenue : NULL;
	out->nchurn = cfg ? cfg->value_churn.n : 0;
	int rc = cohort(e, q, scope, &in_c, &want, err);
	if (rc)
		return rc;
	for (size_t i = 0; cfg && i < cfg->value_churn.n && nchurn < 64; i++) {
		int64_t id = bt_strmap_find(&e->names, cfg->value_churn.v[i], strlen(cfg->value_churn.v[i]));
		if (id > 0)
			churn[nchurn++] = (uint32_t)id;
	}
	rc = BT_ENOMEM;
	/* the outcomes of the cohort */
	for (size_t i = 0; i < e->ninst; i++) {
		const struct bt__inst *in = &e->inst[i];
		if (!in_c[i])
			continue;
		if (successful(e, in) && oc_add(&s[0], in->profile, in->resolved_at))
			goto out;
		if (in->state == IS_ABANDONED && oc_add(&s[1], in->profile, in->ended))
			goto out;
		if (in->state == IS_RESOLVED && in->recontacted && oc_add(&s[1], in->profile, in->resolved_at))
			goto out;
	}
	for (size_t i = 0; i < e->nprom; i++) {
		const struct bt__pstate *p = &e->prom[i];
		if (!p->inst || !in_c[p->inst - 1])
			continue;
		uint32_t prof = e->inst[p->inst - 1].profile;
		if (p->fulfilled != BT_TIME_NONE && bt__promise_kept_in_time(p) &&
		    oc_add(&s[2], prof, p->fulfilled))
			goto out;
		if (bt__promise_overdue(p, e->as_of) && oc_add(&s[3], prof, p->due))
			goto out;
	}
	for (size_t i = 0; i < e->nhand; i++) {
		const struct bt__handoff *h = &e->hand[i];
		if (in_c[h->inst] && oc_add(&s[h->fail ? 5 : 4], e->inst[h->inst].profile, e->ev[h->ev].ts))
			goto out;
	}
	/* every customer's events that carry value, up to the time judged at */
	for (size_t i = 0; i < e->nev; i++) {
		const struct bt__erec *r = &e->ev[i];
		int is_churn = 0;
		for (size_t k = 0; k < nchurn && !is_churn; k++)
			is_churn = r->type == churn[k];
		if ((!is_churn && !r->value) || r->ts > e->as_of)
			continue;
		uint32_t prof = e->single_profile ? e->view_profile
						  : bt__identity_root_ro(e->id, e->id->ident_profile[r->anchor]);
		struct pe x = {prof, r->ts, r->value ? e->values[r->value - 1] : 0, is_churn};
		if (npe == cappe) {
			size_t cap = cappe ? cappe * 2 : 256;
			struct pe *p = bt__reallocarray(pe, cap, sizeof(*p));
			if (!p)
				goto out;
			pe = p, cappe = cap;
		}
		pe[npe++] = x;
	}
	if (npe)
		qsort(pe, npe, sizeof(*pe), pe_cmp);
	int64_t window = out->days * 86400000LL;
	for (int k = 0; k < 3; k++) {
		struct bt_value_pair *p = &out->pairs[k];
		p->pair = pairs[k];
		p->good.name = names[2 * k], p->bad.name = names[2 * k + 1];
		side_of(&s[2 * k], pe, npe, window, &p->good);
		side_of(&s[2 * k + 1], pe, npe, window, &p->bad);
		p->churn_rate_diff = p->bad.churn_rate - p->good.churn_rate;
		p->revenue_per_customer_diff = p->bad.revenue_per_customer - p->good.revenue_per_customer;
	}
	rc = 0;
out:
	for (int k = 0; k < 6; k++)
		bt__free(s[k].v);
	bt__free(pe), bt__free(in_c);
	return rc ? bt_err_set(err, rc, "out of memory") : 0;
}

static int side_json(struct bt_buf *b, const struct bt_value_side *s)
{
	int rc = bt_buf_printf(b, "{\"side\":\"%s\",\"outcomes\":%llu,\"customers\":%llu,\"churned\":%llu,"
				  "\"churn_rate\":",
			       s->name, (unsigned long long)s->outcomes, (unsigned long long)s->customers,
			       (unsigned long long)s->churned);
	rc = rc ? rc : bt_buf_json_num(b, s->churn_rate);
	rc = rc ? rc : bt_buf_adds(b, ",\"revenue\":");
	rc = rc ? rc : bt_buf_micro(b, s->revenue_u);
	rc = rc ? rc : bt_buf_adds(b, ",\"revenue_per_customer\":");
	rc = rc ? rc : bt_buf_json_num(b, s->revenue_per_customer);
	return rc ? rc : bt_buf_addc(b, '}');
}

int bt_engine_value_json(const struct bt_engine *e, const struct bt_kpi_query *q,
			 const struct bt_scope *scope, struct bt_buf *out, struct bt_err *err)
{
	struct bt_value v;
	const struct bt_config *cfg = e->cfg;
	int rc = bt_engine_value(e, q, scope, &v, err);
	if (rc)
		return rc;
	rc = bt_buf_adds(out, "{\"journey\":");
	rc = rc ? rc : bt_buf_json_strz(out, q->journey);
	rc = rc ? rc : bt_buf_addc(out, ',');
	rc = rc ? rc : period_json(out, q, e->as_of);
	rc = rc ? rc : bt_buf_printf(out, ",\"days\":%lld,\"revenue_field\":", (long long)v.days);
	if (!rc && v.revenue) {
		char f[300];
		snprintf(f, sizeof(f), "props.%s", v.revenue);
		rc = bt_buf_json_strz(out, f);
	} else
		rc = rc ? rc : bt_buf_adds(out, "null");
	rc = rc ? rc : bt_buf_adds(out, ",\"churn_types\":[");
	for (size_t i = 0; cfg && i < cfg->value_churn.n && !rc; i++) {
		rc = i ? bt_buf_addc(out, ',') : 0;
		rc = rc ? rc : bt_buf_json_strz(out, cfg->value_churn.v[i]);
	}
	rc = rc ? rc : bt_buf_adds(out, "],\"pairs\":[");
	for (int k = 0; k < 3 && !rc; k++) {
		const struct bt_value_pair *p = &v.pairs[k];
		rc = bt_buf_printf(out, "%s{\"pair\":\"%s\",\"good\":", k ? "," : "", p->pair);
		rc = rc ? rc : side_json(out, &p->good);
		rc = rc ? rc : bt_buf_adds(out, ",\"bad\":");
		rc = rc ? rc : side_json(out, &p->bad);
		rc = rc ? rc : bt_buf_adds(out, ",\"difference\":{\"churn_rate\":");
		rc = rc ? rc : bt_buf_json_num(out, p->churn_rate_diff);
		rc = rc ? rc : bt_buf_adds(out, ",\"revenue_per_customer\":");
		rc = rc ? rc : bt_buf_json_num(out, p->revenue_per_customer_diff);
		rc = rc ? rc : bt_buf_adds(out, "}}");
	}
	rc = rc ? rc : bt_buf_adds(out, "]}");
	return rc ? bt_err_set(err, rc, "out of memory") : 0;
}
