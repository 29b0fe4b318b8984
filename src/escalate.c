/* SPDX-License-Identifier: Apache-2.0 */
/*
 * escalate.c - escalations from a derived engine (docs/escalations.md).
 *
 * An escalation is derived, like every figure: from the events, the rules
 * in force and the time judged at, plus what people did about it (an
 * acknowledgement, a resolution by hand), which the store keeps.  For each
 * instance and each escalation rule of its journey (its own, else the
 * configuration's for that condition), the condition gives a time it began
 * to hold (since) and maybe one it cleared:
 *
 *   promise_broken      the instance's first broken promise: from its due
 *                       time until it was kept (late)
 *   promise_due         its first promise coming due: from 24 hours before
 *                       the due time (or when made, if later) until kept or
 *                       due
 *   stage_sla_breached  the first time it stood in a stage for the stage's
 *                       whole SLA: from then until it left the stage
 *   handoff_late        its first late handoff   } from then until the
 *   handoff_failed      its first failed handoff } instance closed
 *   collision           its first collision      }
 *   unowned             an instance of a journey nobody owns, from its
 *                       opening until it closed
 *   followup_overdue    its first follow-up still open at its due time
 *                       (followup.c): from the due time until closed
 *
 * The escalation opens `after` past since, unless the condition cleared
 * before (windows are half-open: cleared exactly then, it never opens).
 * It is resolved when the condition clears or by hand, whichever is first;
 * acknowledged by hand; and it moves to `then.to` when it is still open,
 * neither acknowledged nor resolved, `then.after` past its opening.  Once
 * per instance and condition.  Every routine here reads the engine only.
 */
#include "engine.h"
#include "view.h"

#include "baton/view.h"
#include "util/alloc.h"
#include "util/time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS (24 * INT64_C(3600000))

static int64_t close_time(const struct bt__inst *in)
{
	return in->state == IS_RESOLVED ? in->resolved_at
	       : in->state == IS_ABANDONED ? in->ended
					   : BT_TIME_NONE;
}

/* Per instance, the first of each fact a condition rests on (one pass over
 * promises, handoffs and collisions, not one per instance). */
struct firsts {
	int64_t *broken, *broken_kept;   /* first broken promise: due, kept (or NONE) */
	int64_t *due_from, *due_until;   /* first promise coming due: window */
	int64_t *late, *failed, *coll;   /* first late / failed handoff, collision */
	int64_t *fu_due, *fu_closed;     /* first follow-up overdue: due, closed (or NONE) */
};

static void firsts_free(struct firsts *f)
{
	bt__free(f->broken), bt__free(f->broken_kept), bt__free(f->due_from), bt__free(f->due_until);
	bt__free(f->late), bt__free(f->failed), bt__free(f->coll);
	bt__free(f->fu_due), bt__free(f->fu_closed);
}

static int64_t *nones(size_t n)
{
	int64_t *v = bt__reallocarray(NULL, n + 1, sizeof(*v));
	for (size_t i = 0; v && i <= n; i++)
		v[i] = BT_TIME_NONE;
	return v;
}

static int earlier(int64_t a, int64_t b)
{
	return b == BT_TIME_NONE || a < b;
}

/* The follow-ups, with the closes by hand: bt_followup_close records each
 * as a resolution of an escalation named by the follow-up's id too. */
static int overdue_followups(const struct bt_engine *e, const struct bt_esc_action *acts,
			     size_t nacts, int64_t until, struct firsts *f)
{
	struct bt_followup *v = NULL;
	struct bt_fu_close *c = NULL;
	size_t n = 0;
	int rc = bt__followups_acts(e, acts, nacts, until, &v, &n, &c);
	for (size_t k = 0; !rc && k < n; k++) {
		uint32_t i = v[k].instance;
		if (v[k].due <= e->as_of && (v[k].closed == BT_TIME_NONE || v[k].closed > v[k].due) &&
		    earlier(v[k].due, f->fu_due[i])) {
			f->fu_due[i] = v[k].due;
			f->fu_closed[i] = v[k].closed;
		}
	}
	bt__free(v);
	bt__free(c);
	return rc;
}

static int firsts_make(const struct bt_engine *e, const struct bt_esc_action *acts, size_t nacts,
		       int64_t until, struct firsts *f)
{
	size_t n = e->ninst;
	memset(f, 0, sizeof(*f));
	if (!(f->broken = nones(n)) || !(f->broken_kept = nones(n)) || !(f->due_from = nones(n)) ||
	    !(f->due_until = nones(n)) || !(f->late = nones(n)) || !(f->failed = nones(n)) ||
	    !(f->coll = nones(n)) || !(f->fu_due = nones(n)) || !(f->fu_closed = nones(n)) ||
	    overdue_followups(e, acts, nacts, until, f)) {
		firsts_free(f);
		return BT_ENOMEM;
	}
	for (size_t k = 0; k < e->nprom; k++) {
		const struct bt__pstate *s = &e->prom[k];
		if (!s->inst)
			continue;
		uint32_t i = s->inst - 1;
		int kept_in_time = s->fulfilled != BT_TIME_NONE && s->fulfilled < s->due;
		if (s->due <= e->as_of && !kept_in_time && earlier(s->due, f->broken[i])) {
			f->broken[i] = s->due;
			f->broken_kept[i] = s->fulfilled; /* late, or NONE */
		}
		int64_t from = s->due - DAY_MS > s->made ? s->due - DAY_MS : s->made;
		if ((s->fulfilled == BT_TIME_NONE || s->fulfilled > from) && from < s->due &&
		    earlier(from, f->due_from[i])) {
			f->due_from[i] = from;
			f->due_until[i] = kept_in_time ? s->fulfilled : s->due;
		}
	}
	for (size_t k = 0; k < e->nhand; k++) {
		const struct bt__handoff *h = &e->hand[k];
		int64_t ts = e->ev[h->ev].ts;
		if ((h->fail & HF_LATE) && earlier(ts, f->late[h->inst]))
			f->late[h->inst] = ts;
		if (h->fail && earlier(ts, f->failed[h->inst]))
			f->failed[h->inst] = ts;
	}
	for (size_t k = 0; k < e->ncoll; k++) {
		const struct bt__coll *c = &e->coll[k];
		if (c->inst && earlier(c->ts, f->coll[c->inst - 1]))
			f->coll[c->inst - 1] = c->ts;
	}
	return 0;
}

/* When condition `on` began to hold for instance i, and when it cleared;
 * 0 when it never held up to e's time. */
static int condition(const struct bt_engine *e, const struct firsts *f, uint32_t i, int on,
		     int64_t *since, int64_t *clear)
{
	const struct bt__inst *in = &e->inst[i];
	const struct bt_cfg_journey *j = e->journeys[in->journey].cfg;
	int64_t closed = close_time(in);
	*since = *clear = BT_TIME_NONE;
	switch (on) {
	case BT_ESC_PROMISE_BROKEN:
		*since = f->broken[i], *clear = f->broken_kept[i];
		break;
	case BT_ESC_PROMISE_DUE:
		*since = f->due_from[i], *clear = f->due_until[i];
		break;
	case BT_ESC_STAGE_SLA_BREACHED:
		if (in->breach != BT_TIME_NONE) {
			*since = in->breach, *clear = in->breach_end;
		} else if (in->stage && j && in->stage <= j->nstages && j->stages[in->stage - 1].sla_ms) {
			int64_t sla = j->stages[in->stage - 1].sla_ms;
			int64_t end = closed != BT_TIME_NONE ? closed : e->as_of;
			if (end - in->stage_since >= sla)
				*since = in->stage_since + sla, *clear = closed;
		}
		break;
	case BT_ESC_HANDOFF_LATE:
		*since = f->late[i], *clear = closed;
		break;
	case BT_ESC_HANDOFF_FAILED:
		*since = f->failed[i], *clear = closed;
		break;
	case BT_ESC_COLLISION:
		*since = f->coll[i], *clear = closed;
		break;
	case BT_ESC_UNOWNED:
		if (!j || !j->owner)
			*since = in->opened, *clear = closed;
		break;
	case BT_ESC_FOLLOWUP_OVERDUE:
		*since = f->fu_due[i], *clear = f->fu_closed[i];
		break;
	}
	if (*clear != BT_TIME_NONE && *clear > e->as_of)
		*clear = BT_TIME_NONE; /* clears later: not yet */
	return *since != BT_TIME_NONE && *since <= e->as_of;
}

/* The rule for condition `on` of journey j: its own, else the
 * configuration's. */
static const struct bt_cfg_escalation *rule_for(const struct bt_engine *e,
						const struct bt_cfg_journey *j, int on)
{
	for (size_t k = 0; j && k < j->nescalations; k++)
		if (j->escalations[k].on == on)
			return &j->escalations[k];
	for (size_t k = 0; e->cfg && k < e->cfg->nescalations; k++)
		if (e->cfg->escalations[k].on == on)
			return &e->cfg->escalations[k];
	return NULL;
}

/* The first act of kind resolve (0 ack, 1 resolve) on escalation id, up to
 * until; NULL when none. */
static const struct bt_esc_action *act(int64_t until, const struct bt_esc_action *acts, size_t n,
				       const char *id, int resolve)
{
	const struct bt_esc_action *best = NULL;
	for (size_t k = 0; k < n; k++)
		if (acts[k].resolve == resolve && acts[k].at <= until && !strcmp(acts[k].id, id) &&
		    (!best || acts[k].at < best->at))
			best = &acts[k];
	return best;
}

int bt_engine_escalations(const struct bt_engine *e, const struct bt_esc_action *acts, size_t nacts,
			  int64_t until, struct bt_escalation **out, size_t *n, struct bt_err *err)
{
	struct firsts f;
	struct bt_escalation *v = NULL;
	size_t cap = 0;
	*out = NULL, *n = 0;
	if (firsts_make(e, acts, nacts, until, &f))
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	for (uint32_t i = 0; i < e->ninst; i++) {
		const struct bt__inst *in = &e->inst[i];
		const struct bt_cfg_journey *j = e->journeys[in->journey].cfg;
		for (int on = 0; on < BT_ESC__COUNT; on++) {
			const struct bt_cfg_escalation *r = rule_for(e, j, on);
			int64_t since, clear;
			if (!r || !condition(e, &f, i, on, &since, &clear))
				continue;
			int64_t opened = since + r->after_ms;
			if (opened > e->as_of || (clear != BT_TIME_NONE && clear <= opened))
				continue; /* not yet, or cleared before it was raised */
			if (*n == cap) {
				size_t c = cap ? cap * 2 : 64;
				struct bt_escalation *p = bt__reallocarray(v, c, sizeof(*v));
				if (!p) {
					bt__free(v);
					firsts_free(&f);
					return bt_err_set(err, BT_ENOMEM, "out of memory");
				}
				v = p, cap = c;
			}
			struct bt_escalation *x = &v[(*n)++];
			memset(x, 0, sizeof(*x));
			snprintf(x->id, sizeof(x->id), "I%u.%s", in->opener, bt_esc_names[on]);
			x->journey = bt_strmap_key(&e->names, e->journeys[in->journey].name);
			x->instance = i;
			x->opener = in->opener;
			x->on = on;
			x->since = since, x->opened = opened;
			x->owner = j ? j->owner : NULL;
			x->to = r->to;
			const struct bt_esc_action *ack = act(until, acts, nacts, x->id, 0);
			const struct bt_esc_action *res = act(until, acts, nacts, x->id, 1);
			x->resolved = clear;
			x->cleared = clear != BT_TIME_NONE;
			if (res && (clear == BT_TIME_NONE || res->at < clear)) {
				x->resolved = res->at, x->cleared = 0;
				x->resolved_by = res->who;
			}
			x->acknowledged = ack && (x->resolved == BT_TIME_NONE || ack->at < x->resolved)
						  ? ack->at
						  : BT_TIME_NONE;
			x->acked_by = x->acknowledged != BT_TIME_NONE ? ack->who : NULL;
			x->moved = BT_TIME_NONE;
			if (r->then_ms >= 0) {
				int64_t at = opened + r->then_ms;
				if (at <= e->as_of &&
				    !(x->acknowledged != BT_TIME_NONE && x->acknowledged < at) &&
				    !(x->resolved != BT_TIME_NONE && x->resolved < at)) {
					x->moved = at;
					x->to = r->then_to;
				}
			}
		}
	}
	firsts_free(&f);
	*out = v;
	return 0;
}

const char *bt_escalation_state(const struct bt_escalation *x)
{
	return x->resolved != BT_TIME_NONE ? "resolved"
	       : x->acknowledged != BT_TIME_NONE ? "acknowledged"
						 : "open";
}

/* Does the escalation reach person: by name, as the journey's owner, or
 * as one of the steering group? */
int bt_escalation_reaches(const struct bt_engine *e, const struct bt_escalation *x,
			  const char *person)
{
	if (!strcmp(x->to, "owner"))
		return x->owner && !strcmp(x->owner, person);
	if (!strcmp(x->to, "steering")) {
		for (size_t k = 0; e->cfg && k < e->cfg->steering.n; k++)
			if (!strcmp(e->cfg->steering.v[k], person))
				return 1;
		return 0;
	}
	return !strcmp(x->to, person);
}
