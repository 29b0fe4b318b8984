/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lists.c - the live lists a journey owner works from: instances (with
 * filters), promises, and an owner's queue of instances that need them
 * (docs/api.md), as JSON from a derived engine.
 */
#include "engine.h"
#include "view.h"
#include "baton/view.h"

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

/* The name id of team, 0 when none is asked for, UINT32_MAX when nothing
 * has that name. */
static uint32_t name_or_any(const struct bt_engine *e, const char *team)
{
	if (!team)
		return 0;
	int64_t id = bt_strmap_find(&e->names, team, strlen(team));
	return id > 0 ? (uint32_t)id : UINT32_MAX;
}

/* Mark the instances with a handoff of q's route and verdict. */
static uint8_t *with_handoff(const struct bt_engine *e, const struct bt_list_query *q)
{
	uint8_t *mark = bt__calloc(e->ninst + 1, 1);
	uint32_t from = name_or_any(e, q->handoff_from), to = name_or_any(e, q->handoff_to);
	int want_failed = q->handoff_verdict && !strcmp(q->handoff_verdict, "failed");
	for (size_t i = 0; mark && i < e->nhand; i++) {
		const struct bt__handoff *h = &e->hand[i];
		if ((from && h->from != from) || (to && h->to != to) ||
		    (q->handoff_verdict && (h->fail != 0) != want_failed))
			continue;
		mark[h->inst] = 1;
	}
	return mark;
}

int bt_engine_instances_json(const struct bt_engine *e, const struct bt_list_query *q,
			     struct bt_buf *out, struct bt_err *err)
{
	struct bt__item *v = bt__reallocarray(NULL, e->ninst + 1, sizeof(*v));
	int route = q->handoff_from || q->handoff_to || q->handoff_verdict;
	uint8_t *mark = route ? with_handoff(e, q) : NULL;
	size_t n = 0;
	if (!v || (route && !mark)) {
		bt__free(v);
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < e->ninst; i++) {
		const struct bt__inst *in = &e->inst[i];
		if ((mark && !mark[i]) || (q->from != BT_TIME_NONE && in->opened < q->from) ||
		    (q->to != BT_TIME_NONE && in->opened >= q->to) ||
		    (q->journey && strcmp(q->journey, nm(e, e->journeys[in->journey].name))) ||
		    (q->state && strcmp(q->state, state_names[in->state])) ||
		    (q->holder && (!in->holder || strcmp(q->holder, nm(e, in->holder)))) ||
		    !may_see(e, q->scope, in->journey, in->holder))
			continue;
		v[n++] = (struct bt__item){in->opened, in->opener, (uint32_t)i};
	}
	int rc = bt__list_json(e, BT__LIST_INSTANCES, v, n, q, out, err);
	bt__free(v);
	bt__free(mark);
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

unsigned bt__stage_sla(const struct bt_engine *e, const struct bt__inst *in)
{
	int64_t sla = stage_sla(e, in);
	if (sla && e->as_of - in->stage_since >= sla)
		return BT__NEED_STAGE_SLA_BREACHED;
	if (sla && e->as_of - in->stage_since >= sla * 3 / 4)
		return BT__NEED_STAGE_SLA_AT_RISK;
	return 0;
}

unsigned bt__needs(const struct bt_engine *e, size_t i)
{
	const struct bt__inst *in = &e->inst[i];
	unsigned why = bt__stage_sla(e, in);
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
	uint8_t *esc = bt__calloc(e->ninst + 1, 1);
	struct bt_escalation *x = NULL;
	struct bt_followup *f = NULL;
	struct bt_fu_close *fc = NULL;
	size_t n = 0, unowned = 0, nx = 0, nf = 0;
	int64_t until = q->until != BT_TIME_NONE ? q->until : e->as_of;
	int rc = 0;
	if (!v || !esc)
		rc = bt_err_set(err, BT_ENOMEM, "out of memory");
	/* the instances with an open escalation (bit 0), an open follow-up (bit 1) */
	if (!rc && !(rc = bt_engine_escalations(e, q->acts, q->nacts, until, &x, &nx, err)))
		for (size_t k = 0; k < nx; k++)
			esc[x[k].instance] |= !strcmp(bt_escalation_state(&x[k]), "open");
	if (!rc && (rc = bt__followups_acts(e, q->acts, q->nacts, until, &f, &nf, &fc)))
		rc = bt_err_set(err, rc, "out of memory");
	for (size_t k = 0; !rc && k < nf; k++)
		if (f[k].closed == BT_TIME_NONE)
			esc[f[k].instance] |= 2;
	bt__free(x);
	bt__free(f);
	bt__free(fc);
	for (size_t i = 0; !rc && i < e->ninst; i++) {
		const struct bt__inst *in = &e->inst[i];
		const struct bt_cfg_journey *j = e->journeys[in->journey].cfg;
		if (in->state != IS_OPEN && !(esc[i] & 2))
			continue; /* closed: in the queue only while a follow-up is open */
		if (!j || !j->owner) {
			unowned += in->state == IS_OPEN;
			continue;
		}
		if (strcmp(j->owner, person) || (!esc[i] && !bt__needs(e, i)))
			continue;
		v[n++] = (struct bt__item){in->opened, in->opener, (uint32_t)i};
	}
	if (!rc)
		rc = bt__queue_json(e, person, unowned, esc, v, n, q, out, err);
	bt__free(v);
	bt__free(esc);
	return rc;
}

/* ---- the sources ---- */

struct source_row {
	uint32_t name;
	uint64_t events, recent;
	int64_t first, last;
};

struct source_ctx {
	const struct bt_engine *e;
	const struct source_row *rows;
};

static void source_json(uint32_t i, struct bt_buf *b, void *arg)
{
	const struct source_ctx *c = arg;
	const struct source_row *r = &c->rows[i];
	const char *id = nm(c->e, r->name);
	const struct bt_cfg_touchpoint *t = NULL;
	for (size_t k = 0; c->e->cfg && k < c->e->cfg->ntouchpoints && !t; k++)
		if (!strcmp(c->e->cfg->touchpoints[k].id, id))
			t = &c->e->cfg->touchpoints[k];
	bt_buf_adds(b, "{\"source\":");
	bt_buf_json_strz(b, id);
	bt_buf_printf(b, ",\"events\":%llu,\"last_7d\":%llu", (unsigned long long)r->events,
		      (unsigned long long)r->recent);
	bt__json_time_field(b, "first", r->first);
	bt__json_time_field(b, "last", r->last);
	bt_buf_printf(b, ",\"touchpoint\":%s,\"channel\":", t ? "true" : "false");
	bt_buf_json_strz(b, t ? t->channel : NULL);
	bt_buf_adds(b, ",\"team\":");
	bt_buf_json_strz(b, t ? t->team : NULL);
	bt_buf_addc(b, '}');
}

int bt_engine_sources_json(const struct bt_engine *e, const struct bt_list_query *q,
			   struct bt_buf *out, struct bt_err *err)
{
	struct bt_u64map idx = {0};
	struct source_row *rows = NULL;
	struct bt__item *v = NULL;
	size_t n = 0, cap = 0;
	int rc = BT_ENOMEM;
	int64_t week = e->as_of - 7 * 86400 * INT64_C(1000);
	for (size_t i = 0; i < e->nev; i++) {
		const struct bt__erec *r = &e->ev[i];
		uint32_t k;
		if (r->ts > e->as_of)
			continue; /* a view of every event holds later ones too */
		if (!bt_u64map_get(&idx, r->source, &k)) {
			if (n == cap) {
				size_t c = cap ? cap * 2 : 16;
				struct source_row *p = bt__reallocarray(rows, c, sizeof(*p));
				if (!p)
					goto out;
				rows = p, cap = c;
			}
			if (bt_u64map_put(&idx, r->source, (uint32_t)n))
				goto out;
			rows[n] = (struct source_row){r->source, 0, 0, r->ts, r->ts};
			k = (uint32_t)n++;
		}
		struct source_row *s = &rows[k];
		s->events++;
		s->recent += r->ts > week;
		if (r->ts < s->first)
			s->first = r->ts;
		if (r->ts > s->last)
			s->last = r->ts;
	}
	if (!(v = bt__reallocarray(NULL, n + 1, sizeof(*v))))
		goto out;
	for (size_t i = 0; i < n; i++) /* most events first; then by name id */
		v[i] = (struct bt__item){(int64_t)rows[i].events, rows[i].name, (uint32_t)i};
	struct source_ctx c = {e, rows};
	bt_page_open("sources", out);
	rc = bt__page_emit(v, n, q->limit, q->cursor, source_json, &c, out, err);
out:
	bt__free(v);
	bt__free(rows);
	bt_u64map_release(&idx);
	if (rc == BT_ENOMEM)
		bt_err_set(err, rc, "out of memory");
	return rc;
}
