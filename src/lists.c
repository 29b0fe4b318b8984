/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lists.c - the live lists a journey owner works from: instances (with
 * filters), promises, and an owner's queue of instances that need them
 * (docs/api.md), as JSON from a derived engine.
 */
#include "engine.h"
#include "view.h"

#include "util/alloc.h"
#include "util/time.h"

#include <stdlib.h>
#include <string.h>

static const char *nm(const struct bt_engine *e, uint32_t id)
{
	return id ? bt_strmap_key(&e->names, id) : NULL;
}

static const char *const state_names[] = {"open", "resolved", "abandoned"};

static int64_t stage_sla(const struct bt_engine *e, const struct bt__inst *in)
{
	const struct bt_cfg_journey *j = e->journeys[in->journey].cfg;
	return in->stage && j ? j->stages[in->stage - 1].sla_ms : 0;
}

static int may_see(const struct bt_engine *e, const struct bt_scope *sc, uint32_t journey,
		   uint32_t team)
{
	if (sc && sc->person && !bt__journey_owned_by(e, journey, sc->person))
		return 0;
	if (sc && sc->team && !(team && !strcmp(sc->team, nm(e, team))))
		return 0;
	return 1;
}

int bt_engine_instances_json(const struct bt_engine *e, const struct bt_list_query *q,
			     struct bt_buf *out, struct bt_err *err)
{
	struct bt__item *v = bt__reallocarray(NULL, e->ninst + 1, sizeof(*v));
	size_t n = 0;
	if (!v)
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	for (size_t i = 0; i < e->ninst; i++) {
		const struct bt__inst *in = &e->inst[i];
		if ((q->journey && strcmp(q->journey, nm(e, e->journeys[in->journey].name))) ||
		    (q->state && strcmp(q->state, state_names[in->state])) ||
		    (q->holder && (!in->holder || strcmp(q->holder, nm(e, in->holder)))) ||
		    !may_see(e, q->scope, in->journey, in->holder))
			continue;
		v[n++] = (struct bt__item){in->opened, in->opener, (uint32_t)i};
	}
	int rc = bt__list_json(e, BT__LIST_INSTANCES, v, n, q, out, err);
	bt__free(v);
	return rc;
}

const char *bt__promise_status(const struct bt_engine *e, const struct bt__pstate *s)
{
	if (s->fulfilled != BT_TIME_NONE)
		return bt__promise_kept_in_time(s) ? "kept" : "kept_late";
	return bt__promise_overdue(s, e->as_of) ? "broken" : "open";
}

int bt_engine_promises_json(const struct bt_engine *e, const struct bt_list_query *q, struct bt_buf *out,
			    struct bt_err *err)
{
	struct bt__item *v = bt__reallocarray(NULL, e->nprom + 1, sizeof(*v));
	size_t n = 0;
	if (!v)
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	for (size_t i = 0; i < e->nprom; i++) {
		const struct bt__pstate *s = &e->prom[i];
		const char *k = nm(e, s->keeper);
		if ((q->status && strcmp(q->status, bt__promise_status(e, s))) ||
		    (q->keeper && strcmp(q->keeper, k ? k : "")))
			continue;
		/* a person sees the promises on their journeys' instances; a team
		 * those it must keep */
		if (q->scope && q->scope->person &&
		    !(s->inst && may_see(e, q->scope, e->inst[s->inst - 1].journey, 0)))
			continue;
		if (q->scope && q->scope->team && !(k && !strcmp(k, q->scope->team)))
			continue;
		v[n++] = (struct bt__item){s->made, s->seq, (uint32_t)i};
	}
	int rc = bt__list_json(e, BT__LIST_PROMISES, v, n, q, out, err);
	bt__free(v);
	return rc;
}

unsigned bt__needs(const struct bt_engine *e, size_t i)
{
	const struct bt__inst *in = &e->inst[i];
	unsigned why = 0;
	int64_t sla = stage_sla(e, in);
	if (sla && e->as_of - in->stage_since >= sla)
		why |= BT__NEED_STAGE_SLA_BREACHED;
	else if (sla && e->as_of - in->stage_since >= sla * 3 / 4)
		why |= BT__NEED_STAGE_SLA_AT_RISK;
	if (in->handoffs > in->clean)
		why |= BT__NEED_FAILED_HANDOFFS;
	for (size_t k = 0; k < e->nprom; k++) {
		const struct bt__pstate *s = &e->prom[k];
		if (s->inst != i + 1 || s->fulfilled != BT_TIME_NONE)
			continue;
		if (bt__promise_overdue(s, e->as_of)) {
			why |= BT__NEED_PROMISE_BROKEN;
			break;
		}
		if (s->due - e->as_of < 24LL * 3600 * 1000) {
			why |= BT__NEED_PROMISE_DUE;
			break;
		}
	}
	if (in->collisions)
		why |= BT__NEED_COLLISIONS;
	return why;
}

int bt_engine_queue_json(const struct bt_engine *e, const char *person, const struct bt_list_query *q,
			 struct bt_buf *out, struct bt_err *err)
{
	struct bt__item *v = bt__reallocarray(NULL, e->ninst + 1, sizeof(*v));
	size_t n = 0, unowned = 0;
	if (!v)
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	for (size_t i = 0; i < e->ninst; i++) {
		const struct bt__inst *in = &e->inst[i];
		const struct bt_cfg_journey *j = e->journeys[in->journey].cfg;
		if (in->state != IS_OPEN)
			continue;
		if (!j || !j->owner) {
			unowned++;
			continue;
		}
		if (strcmp(j->owner, person) || !bt__needs(e, i))
			continue;
		v[n++] = (struct bt__item){in->opened, in->opener, (uint32_t)i};
	}
	int rc = bt__queue_json(e, person, unowned, v, n, q, out, err);
	bt__free(v);
	return rc;
}
