/* SPDX-License-Identifier: Apache-2.0 */
/*
 * derive.c - the rules of docs/journeys.md, run over each profile's events in
 * event-time order (ties in arrival order).  That page states each rule and
 * how it is read where a choice had to be made.
 *
 * Shape: events are grouped by their final profile with a
 * counting sort, each profile's slice is sorted by (ts, seq), and one pass
 * over the slice places every event: a contact that keeps no promise by
 * rules 1-4, every other event by rule 6.  The pass keeps the profile's
 * state small and local: its instances are contiguous in e->inst, its
 * promises contiguous in e->prom, and a generation-stamped hash maps its
 * case references to instances.  Because the result depends only on a
 * profile's events in time order, ingesting in one go, in batches, with a
 * restart, or with identities merged late all give the same instances.
 */
#define _GNU_SOURCE 1 /* qsort_r */
#include "engine.h"

#include "util/alloc.h"
#include "util/vec.h"

#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

/* case key → instance index, for one profile at a time */
struct casemap {
	uint64_t *keys;
	uint32_t *vals, *gen;
	uint32_t mask, cur, count;
};

static uint32_t slot_of(uint64_t key, uint32_t mask) { return (uint32_t)(key >> 32 ^ key) & mask; }

static int casemap_grow(struct casemap *m)
{
	uint32_t n = m->keys ? (m->mask + 1) * 2 : 64;
	struct casemap g = {bt__calloc(n, 8), bt__calloc(n, 4), bt__calloc(n, 4), n - 1, 1, 0};
	if (!g.keys || !g.vals || !g.gen) {
		bt__free(g.keys), bt__free(g.vals), bt__free(g.gen);
		return BT_ENOMEM;
	}
	for (uint32_t i = 0; m->keys && i <= m->mask; i++) {
		if (m->gen[i] != m->cur)
			continue;
		uint32_t j = slot_of(m->keys[i], g.mask);
		while (g.gen[j] == g.cur)
			j = (j + 1) & g.mask;
		g.keys[j] = m->keys[i], g.vals[j] = m->vals[i], g.gen[j] = g.cur;
		g.count++;
	}
	bt__free(m->keys), bt__free(m->vals), bt__free(m->gen);
	*m = g;
	return 0;
}

static uint32_t casemap_get(const struct casemap *m, uint64_t key)
{
	for (uint32_t j = slot_of(key, m->mask);; j = (j + 1) & m->mask) {
		if (m->gen[j] != m->cur)
			return NONE;
		if (m->keys[j] == key)
			return m->vals[j];
	}
}

static int casemap_put(struct casemap *m, uint64_t key, uint32_t val)
{
	if ((m->count + 1) * 2 > m->mask + 1) {
		int rc = casemap_grow(m);
		if (rc)
			return rc;
	}
	uint32_t j = slot_of(key, m->mask);
	while (m->gen[j] == m->cur && m->keys[j] != key)
		j = (j + 1) & m->mask;
	if (m->gen[j] != m->cur)
		m->count++;
	m->keys[j] = key, m->vals[j] = val, m->gen[j] = m->cur;
	return 0;
}

static void casemap_clear(struct casemap *m)
{
	if (++m->cur == 0) { /* the stamp wrapped: really clear */
		memset(m->gen, 0, (size_t)(m->mask + 1) * 4);
		m->cur = 1;
	}
	m->count = 0;
}

struct consent {
	uint32_t purpose;
	uint8_t granted;
};

/* The state of the profile being derived. */
struct pctx {
	uint32_t profile;
	size_t first_inst, first_prom;
	struct casemap cases;
	struct consent *consent;
	size_t nconsent, capconsent;
};

static const struct bt__journey *jof(const struct bt_engine *e, const struct bt__inst *in)
{
	return &e->journeys[in->journey];
}

/* Rule 5, the timeout half: an open instance with no event for its
 * abandonment timeout is abandoned, at the moment the timeout ran out.
 * Windows are half-open: an instance whose latest event is exactly the
 * timeout ago is abandoned already. */
static void settle(const struct bt_engine *e, struct bt__inst *in, int64_t t)
{
	int64_t limit = jof(e, in)->abandon;
	if (in->state == IS_OPEN && t - in->last_event >= limit) {
		in->state = IS_ABANDONED;
		in->ended = in->last_event + limit;
	}
}

static void reopen(struct bt__inst *in)
{
	in->state = IS_OPEN;
	in->recontacted = 1;
}

static uint32_t case_instance(const struct bt_engine *e, const struct pctx *p,
			      const struct bt__erec *r)
{
	uint32_t i = r->case_ref ? casemap_get(&p->cases, r->case_ref) : NONE;
	if (i == NONE && r->links) {
		const uint64_t *l = &e->links[r->links - 1];
		for (uint64_t k = 1; k <= l[0] && i == NONE; k++)
			i = casemap_get(&p->cases, l[k]);
	}
	return i;
}

/* The profile's most recent instance of journey j (index) in a state among
 * `states` (a bit mask of 1 << IS_*), settled at t; NONE if none. */
static uint32_t latest(struct bt_engine *e, const struct pctx *p, uint32_t j, int states, int64_t t)
{
	for (size_t i = e->ninst; i-- > p->first_inst;) {
		struct bt__inst *in = &e->inst[i];
		if (in->journey != j)
			continue;
		settle(e, in, t);
		if (states & (1 << in->state))
			return (uint32_t)i;
	}
	return NONE;
}

static int new_instance(struct bt_engine *e, const struct pctx *p, uint32_t j,
			const struct bt__erec *r, uint32_t *out)
{
	struct bt__inst in;
	memset(&in, 0, sizeof(in));
	in.profile = p->profile;
	in.journey = j;
	in.opened = in.last_event = in.last_work = r->ts;
	in.opener = r->seq;
	in.first_resolved = in.resolved_at = in.ended = BT_TIME_NONE;
	in.breach = in.breach_end = BT_TIME_NONE;
	in.last_ls = in.pending_ls = -1;
	in.state = IS_OPEN;
	BT_PUSH(e->inst, e->ninst, e->capinst, in);
	*out = (uint32_t)e->ninst - 1;
	return 0;
}

/* Rules 1-4: a customer contact that keeps no promise. */
static int place_contact(struct bt_engine *e, struct pctx *p, const struct bt__erec *r,
			 uint32_t *out)
{
	uint32_t i = case_instance(e, p, r);
	*out = NONE;
	if (i != NONE) { /* rule 1 */
		struct bt__inst *in = &e->inst[i];
		settle(e, in, r->ts);
		if (in->state == IS_OPEN) {
			*out = i;
			return 0;
		}
		if (in->state == IS_RESOLVED && r->ts - in->resolved_at < jof(e, in)->recontact) {
			reopen(in);
			*out = i;
			return 0;
		}
		/* the case's instance was abandoned or resolved long ago: this is
		 * a new matter, placed by rules 2-4 */
	}
	if (!r->journey)
		return 0; /* on the timeline only */
	uint32_t j = r->journey - 1;
	i = latest(e, p, j, 1 << IS_OPEN, r->ts); /* rule 2 */
	if (i != NONE && !(r->flags & EF_OPENS)) {
		*out = i;
		return 0;
	}
	/* rule 3: the most recently resolved instance, within its window */
	i = latest(e, p, j, 1 << IS_RESOLVED, r->ts);
	if (i != NONE && r->ts - e->inst[i].resolved_at < e->journeys[j].recontact) {
		reopen(&e->inst[i]);
		*out = i;
		return 0;
	}
	return new_instance(e, p, j, r, out); /* rule 4 */
}

/* Rule 6: outbound, internal, feedback-only and promise-keeping events. */
static uint32_t place_other(struct bt_engine *e, struct pctx *p, const struct bt__erec *r)
{
	uint32_t i = case_instance(e, p, r);
	if (i == NONE && r->journey)
		i = latest(e, p, r->journey - 1,
			   1 << IS_OPEN | 1 << IS_RESOLVED | 1 << IS_ABANDONED, r->ts);
	if (i != NONE)
		settle(e, &e->inst[i], r->ts);
	return i;
}

static int carries_case(const struct bt_engine *e, const struct pctx *p, const struct bt__erec *r,
			uint32_t i)
{
	if (r->case_ref && casemap_get(&p->cases, r->case_ref) == i)
		return 1;
	if (r->links) {
		const uint64_t *l = &e->links[r->links - 1];
		for (uint64_t k = 1; k <= l[0]; k++)
			if (casemap_get(&p->cases, l[k]) == i)
				return 1;
	}
	return 0;
}

/* A contact on instance i by team: the cost a previous local success
 * shifted, and whether pending local successes turned out true. */
static void follow_up(struct bt_engine *e, struct bt__inst *in, uint32_t team, int64_t t)
{
	int64_t w = jof(e, in)->recontact;
	if (in->last_ls >= 0) {
		struct bt__ls *ls = &e->ls[in->last_ls];
		if (t - ls->ts < w && ls->team != team) /* half-open: exactly w later is outside */
			ls->shifted++;
	}
	for (int32_t k = in->pending_ls; k >= 0; k = e->ls[k].next_pending)
		e->ls[k].state = t - e->ls[k].ts < w ? LS_FALSE : LS_TRUE;
	in->pending_ls = -1;
}

static int local_success(struct bt_engine *e, uint32_t i, const struct bt__erec *r, uint32_t team)
{
	struct bt__ls ls = {i, team, r->source, r->ts, e->inst[i].pending_ls, 0, LS_PENDING,
			    r->direction == BT_DIR_INTERNAL};
	BT_PUSH(e->ls, e->nls, e->capls, ls);
	e->inst[i].pending_ls = e->inst[i].last_ls = (int32_t)e->nls - 1;
	return 0;
}

static int handoff(struct bt_engine *e, const struct pctx *p, uint32_t i, const struct bt__erec *r,
		   uint32_t team)
{
	struct bt__inst *in = &e->inst[i];
	struct bt__handoff h = {i, in->holder, team, (uint32_t)(r - e->ev), 0};
	if (!carries_case(e, p, r, i))
		h.fail |= HF_CONTEXT, in->fail_context++;
	if (r->flags & EF_REPEAT)
		h.fail |= HF_REPEAT, in->fail_repeat++;
	if (r->ts - in->last_work >= jof(e, in)->handoff_sla) /* half-open, as every window */
		h.fail |= HF_LATE, in->fail_late++;
	in->handoffs++;
	if (!h.fail)
		in->clean++;
	BT_PUSH(e->hand, e->nhand, e->caphand, h);
	return 0;
}

static int promise_made(struct bt_engine *e, const struct pctx *p, const struct bt__erec *r,
			uint32_t i, uint32_t maker)
{
	const struct bt__pdef *d = &e->pdefs[r->promise - 1];
	struct bt__pstate s = {p->profile, i == NONE ? 0 : i + 1, d->id, d->kind,
			       d->keeper ? d->keeper : maker, maker, r->seq, r->ts, d->due, BT_TIME_NONE};
	BT_PUSH(e->prom, e->nprom, e->capprom, s);
	return 0;
}

static void promise_kept(struct bt_engine *e, const struct pctx *p, const struct bt__erec *r)
{
	for (size_t k = p->first_prom; k < e->nprom; k++)
		if (e->prom[k].id == r->fulfils && e->prom[k].fulfilled == BT_TIME_NONE) {
			e->prom[k].fulfilled = r->ts;
			return;
		}
}

/* Everything an event does to the instance it joined. */
static int apply(struct bt_engine *e, struct pctx *p, uint32_t i, const struct bt__erec *r,
		 int contact)
{
	struct bt__inst *in = &e->inst[i];
	int work = contact || r->direction == BT_DIR_INTERNAL;
	uint32_t team = r->team;
	int rc;
	if (work) {
		if (!team)
			team = in->holder; /* no team named: the holder keeps the work */
		if (in->holder && team != in->holder && (rc = handoff(e, p, i, r, team)))
			return rc;
		in = &e->inst[i];
		if (team)
			in->holder = team;
		in->last_work = r->ts;
		e->eteam[r - e->ev] = team; /* for the per-team counts of kpi.c */
	}
	if (r->case_ref && e->keep_text && casemap_get(&p->cases, r->case_ref) != i) {
		struct bt__icase c = {i, e->text[r - e->ev].case_ref};
		BT_PUSH(e->icase, e->nicase, e->capicase, c);
	}
	if (r->case_ref && (rc = casemap_put(&p->cases, r->case_ref, i)))
		return rc;
	if (r->ts > in->last_event && in->state == IS_OPEN)
		in->last_event = r->ts;
	if (contact) {
		follow_up(e, in, team, r->ts);
		if (!in->first_contact_seen) {
			in->first_contact_seen = 1;
			in->fcr = r->outcome == BT_OUT_RESOLVED;
		}
		in->contacts++;
		if (r->flags & EF_REPEAT)
			in->repeats++;
		if (r->channel)
			in->channels |= 1u << r->channel;
	}
	if (r->direction != BT_DIR_OUTBOUND) {
		if (r->outcome == BT_OUT_RESOLVED && in->state != IS_RESOLVED) {
			in->state = IS_RESOLVED;
			in->resolved_at = r->ts;
			if (in->first_resolved == BT_TIME_NONE)
				in->first_resolved = r->ts;
		} else if (r->outcome == BT_OUT_ABANDONED && in->state == IS_OPEN) {
			in->state = IS_ABANDONED;
			in->ended = r->ts;
		}
		if (team && (r->outcome == BT_OUT_RESOLVED || r->outcome == BT_OUT_CONTAINED) &&
		    (rc = local_success(e, i, r, team)))
			return rc;
		in = &e->inst[i];
	}
	if (r->csat > 0)
		in->csat_n++, in->csat_sum += (uint32_t)r->csat, in->csat_sq += (uint32_t)(r->csat * r->csat);
	if (r->nps >= 0) {
		in->nps_n++;
		in->promoters += r->nps >= 9;
		in->detractors += r->nps <= 6;
	}
	if (r->ces > 0)
		in->ces_n++, in->ces_sum += (uint32_t)r->ces;
	if (r->stage && r->journey == in->journey + 1 && r->stage != in->stage) {
		const struct bt_cfg_journey *cj = jof(e, in)->cfg;
		int64_t sla = in->stage && cj && in->stage <= cj->nstages ? cj->stages[in->stage - 1].sla_ms : 0;
		if (sla && r->ts - in->stage_since >= sla && in->stage <= 32)
			in->late_stages |= 1u << (in->stage - 1);
		if (sla && in->breach == BT_TIME_NONE && r->ts - in->stage_since >= sla) {
			in->breach = in->stage_since + sla; /* left the stage past its SLA */
			in->breach_end = r->ts;
		}
		in->stage = r->stage;
		in->stage_since = r->ts;
	}
	if (r->stage && r->journey == in->journey + 1 && r->stage > in->furthest)
		in->furthest = r->stage;
	return 0;
}

static const struct consent *consent_of(const struct pctx *p, uint32_t purpose)
{
	for (size_t k = 0; k < p->nconsent; k++)
		if (p->consent[k].purpose == purpose)
			return &p->consent[k];
	return NULL;
}

static int note_consent(struct bt_engine *e, struct pctx *p, const struct bt__erec *r)
{
	const uint32_t *c = &e->consent[r->consent - 1];
	for (uint32_t k = 1; k <= c[0]; k++) {
		struct consent s = {c[k] >> 1, (uint8_t)(c[k] & 1)};
		struct consent *old = (struct consent *)consent_of(p, s.purpose);
		if (old)
			*old = s;
		else
			BT_PUSH(p->consent, p->nconsent, p->capconsent, s);
	}
	return 0;
}

/* A collision (docs/journeys.md): counted once per outbound event, on every journey whose
 * open sensitive instance or overdue promise caused it. */
static int collisions(struct bt_engine *e, struct pctx *p, const struct bt__erec *r)
{
	size_t first = e->ncoll;
	for (size_t i = p->first_inst; i < e->ninst; i++) {
		struct bt__inst *in = &e->inst[i];
		settle(e, in, r->ts);
		if (in->state == IS_OPEN && jof(e, in)->cfg && jof(e, in)->cfg->sensitive) {
			struct bt__coll c = {(uint32_t)i + 1, r->team, r->source, r->ts, CR_SENSITIVE, 0};
			int dup = 0;
			for (size_t k = first; k < e->ncoll && !dup; k++)
				dup = e->coll[k].inst && e->inst[e->coll[k].inst - 1].journey == in->journey;
			if (!dup)
				BT_PUSH(e->coll, e->ncoll, e->capcoll, c);
		}
	}
	uint8_t loose = 0; /* reasons tied to no journey */
	for (size_t k = p->first_prom; k < e->nprom; k++) {
		const struct bt__pstate *s = &e->prom[k];
		if (!bt__promise_overdue(s, r->ts))
			continue;
		if (!s->inst) {
			loose |= CR_PROMISE;
			continue;
		}
		uint32_t j = e->inst[s->inst - 1].journey;
		int found = 0;
		for (size_t x = first; x < e->ncoll && !found; x++)
			if (e->coll[x].inst && e->inst[e->coll[x].inst - 1].journey == j) {
				e->coll[x].reasons |= CR_PROMISE;
				found = 1;
			}
		if (!found) {
			struct bt__coll c = {s->inst, r->team, r->source, r->ts, CR_PROMISE, 0};
			BT_PUSH(e->coll, e->ncoll, e->capcoll, c);
		}
	}
	const struct consent *c = consent_of(p, r->purpose);
	if (c && !c->granted)
		loose |= CR_CONSENT;
	if (loose && e->ncoll == first) {
		struct bt__coll cc = {0, r->team, r->source, r->ts, loose, 0};
		BT_PUSH(e->coll, e->ncoll, e->capcoll, cc);
	} else if (loose)
		e->coll[first].reasons |= loose;
	if (e->ncoll > first)
		e->coll[first].first = 1;
	for (size_t x = first; x < e->ncoll; x++)
		if (e->coll[x].inst)
			e->inst[e->coll[x].inst - 1].collisions++;
	return 0;
}

int bt__negative_feedback(const struct bt_engine *e, uint32_t j, const struct bt__erec *r)
{
	const struct bt_cfg_journey *cj = e->journeys[j].cfg;
	const struct bt_cfg_triggers *t = cj ? &cj->triggers : e->cfg ? &e->cfg->triggers : NULL;
	int csat_max = t ? t->csat_max : 2, nps_max = t ? t->nps_max : 6, ces_min = t ? t->ces_min : 6;
	if (!(r->flags & EF_FEEDBACK))
		return 0;
	if ((r->csat > 0 && r->csat <= csat_max) || (r->nps >= 0 && r->nps <= nps_max) ||
	    (r->ces > 0 && r->ces >= ces_min))
		return 1;
	if (!r->words)
		return 0;
	const char *const *v;
	unsigned list;
	bt_config_followup_words(e->cfg, cj, &v, &list);
	return list < 64 && (e->wmask[r->words - 1] >> list & 1);
}

/* Closed-loop feedback: negative feedback on instance i, or the company
 * reaching back to its customer (an outbound event, or an inbound contact a
 * team answered) after some. */
static int loop_note(struct bt_engine *e, const struct pctx *p, uint32_t i, uint32_t ei,
		     const struct bt__erec *r, int contact)
{
	struct bt__inst *in = &e->inst[i];
	struct bt__loop l = {i, ei, in->holder, 0, 1, in->stage};
	if (bt__negative_feedback(e, in->journey, r)) {
		in->negatives++;
		/* its last handoff: this profile's handoffs are the last ones */
		for (size_t k = e->nhand; k-- > 0 && e->hand[k].inst >= p->first_inst;)
			if (e->hand[k].inst == i) {
				l.hand = (uint32_t)k + 1;
				break;
			}
	} else if (in->negatives && (r->direction == BT_DIR_OUTBOUND || (contact && r->team))) {
		l.trigger = 0;
	} else
		return 0;
	BT_PUSH(e->loop, e->nloop, e->caploop, l);
	return 0;
}

static int process(struct bt_engine *e, struct pctx *p, uint32_t ei)
{
	const struct bt__erec *r = &e->ev[ei]; /* never written: views borrow them */
	int feedback_only = (r->flags & EF_FEEDBACK) && r->outcome == BT_OUT_NONE;
	int contact = r->direction == BT_DIR_INBOUND && !feedback_only;
	uint32_t i = NONE;
	int rc;
	e->eteam[ei] = r->team;
	if (r->direction == BT_DIR_OUTBOUND && (rc = collisions(e, p, r)))
		return rc;
	if (contact && !r->fulfils) {
		if ((rc = place_contact(e, p, r, &i)))
			return rc;
	} else
		i = place_other(e, p, r);
	if (i != NONE && ((rc = apply(e, p, i, r, contact)) || (rc = loop_note(e, p, i, ei, r, contact))))
		return rc;
	if (r->promise) {
		uint32_t maker = e->eteam[ei] ? e->eteam[ei] : (i != NONE ? e->inst[i].holder : 0);
		if ((rc = promise_made(e, p, r, i, maker)))
			return rc;
	}
	if (r->fulfils)
		promise_kept(e, p, r);
	e->einst[ei] = i == NONE ? 0 : i + 1;
	e->timeline_only += i == NONE;
	return 0;
}

/* qsort_r, not a global for the records: derivations run at the same time
 * on the server's threads (a global once let one sort read another's
 * records, and crash). */
/* The order a profile's events are judged in: by time, ties in arrival
 * order. */
static int before(const struct bt__erec *x, const struct bt__erec *y)
{
	return x->ts != y->ts ? x->ts < y->ts : x->seq < y->seq;
}

static int by_time(const void *a, const void *b, void *records)
{
	const struct bt__erec *ev = records;
	const struct bt__erec *x = &ev[*(const uint32_t *)a];
	const struct bt__erec *y = &ev[*(const uint32_t *)b];
	return before(x, y) ? -1 : before(y, x);
}

/* Sort a profile's slice (before()): insertion sort for the usual short
 * slices, qsort for long ones. */
static void sort_slice(const struct bt__erec *ev, uint32_t *v, size_t n)
{
	if (n > 32) {
		qsort_r(v, n, sizeof(*v), by_time, (void *)(uintptr_t)ev);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		uint32_t x = v[i];
		size_t j = i;
		while (j > 0 && before(&ev[x], &ev[v[j - 1]])) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

static int by_instance(const void *a, const void *b)
{
	const struct bt__icase *x = a, *y = b;
	if (x->inst != y->inst)
		return x->inst < y->inst ? -1 : 1;
	return x->name < y->name ? -1 : x->name > y->name;
}

/* At T: time out what is still open, decide pending local successes. */
static void close_books(struct bt_engine *e)
{
	for (size_t i = 0; i < e->ninst; i++) {
		struct bt__inst *in = &e->inst[i];
		settle(e, in, e->as_of);
		for (int32_t k = in->pending_ls; k >= 0; k = e->ls[k].next_pending)
			if (e->as_of - e->ls[k].ts >= jof(e, in)->recontact)
				e->ls[k].state = LS_TRUE;
	}
}

int bt__engine_derive(struct bt_engine *e)
{
	uint32_t nprof = e->single_profile ? 2 : e->id->nprof, *count = NULL, *order = NULL,
		 *prof = NULL;
	struct pctx p;
	int rc = BT_ENOMEM;
	memset(&p, 0, sizeof(p));
	if (!(count = bt__calloc((size_t)nprof + 1, sizeof(*count))) ||
	    !(order = bt__calloc(e->nev + 1, sizeof(*order))) ||
	    !(prof = bt__calloc(e->nev + 1, sizeof(*prof))) ||
	    !(e->einst = bt__calloc(e->nev + 1, sizeof(*e->einst))) ||
	    !(e->eteam = bt__calloc(e->nev + 1, sizeof(*e->eteam))) || casemap_grow(&p.cases))
		goto out;
	/* group by final profile (counting sort); events after T are left out */
	for (size_t i = 0; i < e->nev; i++) {
		if (e->ev[i].ts > e->as_of) {
			prof[i] = UINT32_MAX;
			continue;
		}
		uint32_t a = e->ev[i].anchor;
		prof[i] = e->single_profile ? 1 : bt__identity_root(e->id, e->id->ident_profile[a]);
		count[prof[i]]++;
	}
	uint32_t sum = 0;
	for (uint32_t k = 0; k <= nprof; k++) {
		uint32_t c = count[k];
		count[k] = sum;
		sum += c;
	}
	for (size_t i = 0; i < e->nev; i++)
		if (prof[i] != UINT32_MAX)
			order[count[prof[i]]++] = (uint32_t)i;
	/* count[k] is now the end of profile k's slice */
	e->judged = sum;
	rc = 0;
	for (uint32_t k = 0, start = 0; k <= nprof && !rc; start = count[k], k++) {
		uint32_t end = count[k];
		if (end == start)
			continue;
		sort_slice(e->ev, order + start, end - start);
		p.profile = e->single_profile ? e->view_profile : k;
		p.first_inst = e->ninst;
		p.first_prom = e->nprom;
		p.nconsent = 0;
		casemap_clear(&p.cases);
		e->profiles++;
		for (uint32_t x = start; x < end && !rc; x++) {
			/* the consent statements of a second are in effect from
			 * that second on: noted, in arrival order, before any
			 * event of it is judged (an outbound message at that very
			 * second is judged under them, whichever arrived first) */
			if (x == start || e->ev[order[x]].ts != e->ev[order[x - 1]].ts)
				for (uint32_t y = x; y < end && e->ev[order[y]].ts == e->ev[order[x]].ts &&
						     !rc;
				     y++)
					if (e->ev[order[y]].consent)
						rc = note_consent(e, &p, &e->ev[order[y]]);
			if (!rc)
				rc = process(e, &p, order[x]);
		}
	}
	if (!rc)
		close_books(e);
	if (!rc && e->nicase) /* each instance's cases together, for bt__instance_cases */
		qsort(e->icase, e->nicase, sizeof(*e->icase), by_instance);
out:
	bt__free(count);
	bt__free(order);
	bt__free(prof);
	bt__free(p.cases.keys), bt__free(p.cases.vals), bt__free(p.cases.gen);
	bt__free(p.consent);
	e->derived = !rc;
	return rc;
}
