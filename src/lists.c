/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lists.c - the live lists a journey owner works from: instances (with
 * filters), promises, and an owner's queue of instances that need them
 * (docs/api.md), as JSON from a derived engine.
 */
#include "engine.h"

#include "util/alloc.h"
#include "util/time.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *nm(const struct bt_engine *e, uint32_t id)
{
	return id ? bt_strmap_key(&e->names, id) : NULL;
}

static const char *const state_names[] = {"open", "resolved", "abandoned"};

void bt__json_time_field(struct bt_buf *b, const char *key, int64_t ms)
{
	char t[32];
	if (ms == BT_TIME_NONE) {
		bt_buf_printf(b, ",\"%s\":null", key);
		return;
	}
	bt_time_format(ms, t);
	bt_buf_printf(b, ",\"%s\":\"%s\"", key, t);
}

static int64_t stage_sla(const struct bt_engine *e, const struct bt__inst *in)
{
	const struct bt_cfg_journey *j = e->journeys[in->journey].cfg;
	return in->stage && j ? j->stages[in->stage - 1].sla_ms : 0;
}

/* The case references instance i holds (keep_text engines; else none),
 * as ,"cases":[...]. */
static void instance_cases(const struct bt_engine *e, uint32_t i, struct bt_buf *b)
{
	size_t lo = 0, hi = e->nicase;
	while (lo < hi) { /* the first entry of instance i */
		size_t mid = lo + (hi - lo) / 2;
		if (e->icase[mid].inst < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	bt_buf_adds(b, ",\"cases\":[");
	for (size_t k = lo; k < e->nicase && e->icase[k].inst == i; k++) {
		if (k > lo && e->icase[k].name == e->icase[k - 1].name)
			continue;
		if (k > lo)
			bt_buf_addc(b, ',');
		bt_buf_json_strz(b, nm(e, e->icase[k].name));
	}
	bt_buf_addc(b, ']');
}

void bt__instance_json(const struct bt_engine *e, uint32_t i, struct bt_buf *b)
{
	const struct bt__inst *in = &e->inst[i];
	const struct bt__journey *j = &e->journeys[in->journey];
	const struct bt_cfg_person *owner =
		j->cfg && j->cfg->owner ? bt_config_person(e->cfg, j->cfg->owner) : NULL;
	char p[24];
	bt_profile_id_format(in->profile, p);
	bt_buf_printf(b, "{\"id\":\"I%u\",\"journey\":", in->opener);
	bt_buf_json_strz(b, nm(e, j->name));
	bt_buf_printf(b, ",\"profile\":\"%s\",\"state\":\"%s\",\"owner\":", p, state_names[in->state]);
	bt_buf_json_strz(b, j->cfg ? j->cfg->owner : NULL);
	bt_buf_adds(b, ",\"owner_name\":");
	bt_buf_json_strz(b, owner ? owner->name : NULL);
	bt_buf_adds(b, ",\"holder\":");
	bt_buf_json_strz(b, nm(e, in->holder));
	bt_buf_adds(b, ",\"stage\":");
	bt_buf_json_strz(b, in->stage && j->cfg ? j->cfg->stages[in->stage - 1].id : NULL);
	bt_buf_printf(b, ",\"sensitive\":%s", j->cfg && j->cfg->sensitive ? "true" : "false");
	instance_cases(e, i, b);
	bt__json_time_field(b, "opened", in->opened);
	bt__json_time_field(b, "last_event", in->last_event);
	bt__json_time_field(b, "resolved", in->state == IS_RESOLVED ? in->resolved_at : BT_TIME_NONE);
	bt_buf_printf(b, ",\"contacts\":%u,\"handoffs\":%u,\"failed_handoffs\":%u,"
			 "\"recontacted\":%s,\"collisions\":%u}",
		      in->contacts, in->handoffs, in->handoffs - in->clean,
		      in->recontacted ? "true" : "false", in->collisions);
}

/* ---- pages ---- */

static int newest_first(const void *a, const void *b)
{
	const struct bt__item *x = a, *y = b;
	if (x->k1 != y->k1)
		return x->k1 > y->k1 ? -1 : 1;
	return x->k2 > y->k2 ? -1 : x->k2 < y->k2;
}

int bt__page_emit(struct bt__item *v, size_t n, size_t limit, const char *cursor, bt__item_fn fn,
		  void *ctx, struct bt_buf *out, struct bt_err *err)
{
	long long c1 = 0;
	unsigned long c2 = 0;
	int have = 0;
	if (cursor) {
		char *end;
		errno = 0;
		c1 = strtoll(cursor, &end, 10);
		have = end != cursor && *end == '.' && end[1] >= '0' && end[1] <= '9';
		if (have)
			c2 = strtoul(end + 1, &end, 10);
		if (!have || *end || errno || c2 > UINT32_MAX)
			return bt_err_set(err, BT_EINVAL, "query parameter cursor: '%.40s' is not a "
					  "cursor (give the 'next' of the page before)", cursor);
	}
	qsort(v, n, sizeof(*v), newest_first);
	size_t k = 0, shown = 0;
	while (have && k < n && !(v[k].k1 < c1 || (v[k].k1 == c1 && v[k].k2 < c2)))
		k++; /* the items up to the cursor's, in order */
	for (; k < n && shown < limit; k++, shown++) {
		if (shown)
			bt_buf_addc(out, ',');
		fn(v[k].i, out, ctx);
	}
	bt_buf_printf(out, "],\"total\":%zu,\"next\":", n);
	if (k < n && shown)
		return bt_buf_printf(out, "\"%lld.%lu\"", (long long)v[k - 1].k1,
				     (unsigned long)v[k - 1].k2);
	return bt_buf_adds(out, "null");
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

static void instance_item(uint32_t i, struct bt_buf *out, void *ctx)
{
	bt__instance_json(ctx, i, out);
}

int bt_engine_instances_json(struct bt_engine *e, const struct bt_list_query *q,
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
	bt_buf_adds(out, "{\"instances\":[");
	int rc = bt__page_emit(v, n, q->limit, q->cursor, instance_item, e, out, err);
	bt__free(v);
	return rc ? rc : bt_buf_addc(out, '}');
}

const char *bt__promise_status(const struct bt_engine *e, const struct bt__pstate *s)
{
	if (s->fulfilled != BT_TIME_NONE)
		return bt__promise_kept_in_time(s) ? "kept" : "kept_late";
	return bt__promise_overdue(s, e->as_of) ? "broken" : "open";
}

void bt__promise_json(const struct bt_engine *e, const struct bt__pstate *s, struct bt_buf *b)
{
	char p[24];
	bt_profile_id_format(s->profile, p);
	bt_buf_adds(b, "{\"promise\":");
	bt_buf_json_strz(b, nm(e, s->id));
	bt_buf_printf(b, ",\"profile\":\"%s\",\"status\":\"%s\",\"kind\":", p,
		      bt__promise_status(e, s));
	bt_buf_json_strz(b, nm(e, s->kind));
	bt_buf_adds(b, ",\"made_by\":");
	bt_buf_json_strz(b, nm(e, s->maker));
	bt_buf_adds(b, ",\"keeper\":");
	bt_buf_json_strz(b, nm(e, s->keeper));
	bt_buf_adds(b, ",\"journey\":");
	bt_buf_json_strz(b, s->inst ? nm(e, e->journeys[e->inst[s->inst - 1].journey].name) : NULL);
	bt__json_time_field(b, "made", s->made);
	bt__json_time_field(b, "due", s->due);
	bt__json_time_field(b, "kept", s->fulfilled);
	bt_buf_printf(b, ",\"cross_team\":%s}", s->maker != s->keeper ? "true" : "false");
}

static void promise_item(uint32_t i, struct bt_buf *out, void *ctx)
{
	const struct bt_engine *e = ctx;
	bt__promise_json(e, &e->prom[i], out);
}

int bt_engine_promises_json(struct bt_engine *e, const struct bt_list_query *q, struct bt_buf *out,
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
	bt_buf_adds(out, "{\"promises\":[");
	int rc = bt__page_emit(v, n, q->limit, q->cursor, promise_item, e, out, err);
	bt__free(v);
	return rc ? rc : bt_buf_addc(out, '}');
}

/* Why an open instance needs its owner now; 0 when it does not. */
static int needs(const struct bt_engine *e, size_t i, struct bt_buf *why)
{
	const struct bt__inst *in = &e->inst[i];
	int n = 0;
	int64_t sla = stage_sla(e, in);
	if (sla && e->as_of - in->stage_since >= sla)
		n++, bt_buf_adds(why, n > 1 ? ",\"stage_sla_breached\"" : "\"stage_sla_breached\"");
	else if (sla && e->as_of - in->stage_since >= sla * 3 / 4)
		n++, bt_buf_adds(why, n > 1 ? ",\"stage_sla_at_risk\"" : "\"stage_sla_at_risk\"");
	if (in->handoffs > in->clean)
		n++, bt_buf_adds(why, n > 1 ? ",\"failed_handoffs\"" : "\"failed_handoffs\"");
	for (size_t k = 0; k < e->nprom; k++) {
		const struct bt__pstate *s = &e->prom[k];
		if (s->inst != i + 1 || s->fulfilled != BT_TIME_NONE)
			continue;
		if (bt__promise_overdue(s, e->as_of)) {
			n++, bt_buf_adds(why, n > 1 ? ",\"promise_broken\"" : "\"promise_broken\"");
			break;
		}
		if (s->due - e->as_of < 24LL * 3600 * 1000) {
			n++, bt_buf_adds(why, n > 1 ? ",\"promise_due\"" : "\"promise_due\"");
			break;
		}
	}
	if (in->collisions)
		n++, bt_buf_adds(why, n > 1 ? ",\"collisions\"" : "\"collisions\"");
	return n;
}

struct queue_ctx {
	const struct bt_engine *e;
	struct bt_buf why;
};

static void queue_item(uint32_t i, struct bt_buf *out, void *ctx)
{
	struct queue_ctx *c = ctx;
	const struct bt_engine *e = c->e;
	struct bt_buf *why = &c->why;
	bt_buf_reset(why);
	needs(e, i, why);
	bt_buf_adds(out, "{\"why\":[");
	bt_buf_add(out, why->data, why->len);
	bt_buf_adds(out, "],\"instance\":");
	bt__instance_json(e, i, out);
	bt_buf_addc(out, '}');
}

int bt_engine_queue_json(struct bt_engine *e, const char *person, const struct bt_list_query *q,
			 struct bt_buf *out, struct bt_err *err)
{
	struct queue_ctx c = {e, BT_BUF_INIT};
	struct bt__item *v = bt__reallocarray(NULL, e->ninst + 1, sizeof(*v));
	size_t n = 0, unowned = 0;
	int rc;
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
		bt_buf_reset(&c.why);
		if (strcmp(j->owner, person) || !needs(e, i, &c.why))
			continue;
		v[n++] = (struct bt__item){in->opened, in->opener, (uint32_t)i};
	}
	bt_buf_adds(out, "{\"person\":");
	bt_buf_json_strz(out, person);
	bt__json_time_field(out, "as_of", e->as_of);
	bt_buf_printf(out, ",\"unowned_open_instances\":%zu,\"items\":[", unowned);
	rc = bt__page_emit(v, n, q->limit, q->cursor, queue_item, &c, out, err);
	bt__free(v);
	bt_buf_release(&c.why);
	return rc ? rc : bt_buf_addc(out, '}');
}
