/* SPDX-License-Identifier: Apache-2.0 */
/*
 * view_engine.c - the view layer (with view.c) for what a derivation
 * gives: instances, promises, a page of a list, the agent's context, an
 * instance in full and the guard's answer, as JSON.  The engine decides
 * what is in them (lists.c, live.c); only this file writes them.
 */
#include "view.h"

#include "baton/view.h"
#include "engine.h"

#include "util/alloc.h"
#include "util/time.h"

#include <errno.h>
#include <stdio.h>
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
			 "\"recontacted\":%s,\"collisions\":%u,\"negative_feedback\":%u}",
		      in->contacts, in->handoffs, in->handoffs - in->clean,
		      in->recontacted ? "true" : "false", in->collisions, in->negatives);
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
	char next[48];
	if (k < n && shown)
		snprintf(next, sizeof(next), "%lld.%lu", (long long)v[k - 1].k1,
			 (unsigned long)v[k - 1].k2);
	return bt_page_close(n, k < n && shown ? next : NULL, out);
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


static void open_instances(const struct bt_engine *e, struct bt_buf *b)
{
	int first = 1;
	bt_buf_adds(b, ",\"open_instances\":[");
	for (size_t i = 0; i < e->ninst; i++) {
		if (e->inst[i].state != IS_OPEN)
			continue;
		if (!first)
			bt_buf_addc(b, ',');
		first = 0;
		bt__instance_json(e, (uint32_t)i, b);
	}
	bt_buf_addc(b, ']');
}

static void promises(const struct bt_engine *e, struct bt_buf *b)
{
	int first = 1;
	bt_buf_adds(b, ",\"promises\":[");
	for (size_t i = 0; i < e->nprom; i++) {
		const struct bt__pstate *s = &e->prom[i];
		if (s->fulfilled != BT_TIME_NONE)
			continue; /* kept: nothing to act on */
		if (!first)
			bt_buf_addc(b, ',');
		first = 0;
		bt__promise_json(e, s, b);
	}
	bt_buf_addc(b, ']');
}

/* One event as the agent reads it: when, where, what, how it ended. */
static void interaction(struct bt_buf *b, const struct bt_engine *e, uint32_t i)
{
	const struct bt__erec *r = &e->ev[i];
	const struct bt__etext *t = &e->text[i];
	char ts[32];
	bt_time_format(r->ts, ts);
	bt_buf_printf(b, "{\"ts\":\"%s\",\"source\":", ts);
	bt_buf_json_strz(b, nm(e, r->source));
	bt_buf_adds(b, ",\"type\":");
	bt_buf_json_strz(b, nm(e, r->type));
	bt_buf_printf(b, ",\"channel\":%s%s%s,\"direction\":\"%s\"", r->channel ? "\"" : "",
		      r->channel ? bt_channel_names[r->channel] : "null", r->channel ? "\"" : "",
		      bt_direction_names[r->direction]);
	bt_buf_adds(b, ",\"team\":");
	bt_buf_json_strz(b, nm(e, e->eteam ? e->eteam[i] : r->team)); /* as derived */
	bt_buf_adds(b, ",\"case\":");
	bt_buf_json_strz(b, nm(e, t->case_ref));
	bt_buf_printf(b, ",\"outcome\":%s%s%s,\"repeat\":%s", r->outcome ? "\"" : "",
		      r->outcome ? bt_outcome_names[r->outcome] : "null", r->outcome ? "\"" : "",
		      r->flags & EF_REPEAT ? "true" : "false");
	if (t->comment) {
		bt_buf_adds(b, ",\"comment\":");
		bt_buf_json_strz(b, nm(e, t->comment));
	}
	if (t->said) { /* the free-text props the customer gave, a JSON object */
		bt_buf_adds(b, ",\"said\":");
		bt_buf_adds(b, nm(e, t->said));
	}
	bt_buf_addc(b, '}');
}

struct when {
	int64_t ts;
	uint32_t seq, i;
};

static int when_newest_first(const void *a, const void *b)
{
	const struct when *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts > y->ts ? -1 : 1;
	return x->seq > y->seq ? -1 : x->seq < y->seq;
}

/* The view's events up to its time, newest first (or oldest first), of
 * instance `inst` (index + 1; 0: every event); *out to free. */
static int in_order(const struct bt_engine *e, uint32_t inst, int oldest_first, struct when **out,
		    size_t *n)
{
	struct when *order = bt__reallocarray(NULL, e->nev + 1, sizeof(*order));
	*n = 0;
	if (!(*out = order))
		return BT_ENOMEM;
	for (size_t i = 0; i < e->nev; i++)
		if (e->ev[i].ts <= e->as_of && (!inst || e->einst[i] == inst))
			order[(*n)++] = (struct when){e->ev[i].ts, e->ev[i].seq, (uint32_t)i};
	qsort(order, *n, sizeof(*order), when_newest_first);
	for (size_t i = 0; oldest_first && i < *n / 2; i++) {
		struct when t = order[i];
		order[i] = order[*n - 1 - i];
		order[*n - 1 - i] = t;
	}
	return 0;
}

static int interactions(const struct bt_engine *e, struct bt_buf *b)
{
	struct when *order;
	size_t n;
	unsigned seen = 0; /* channels listed */
	int first = 1, told = 0;
	if (in_order(e, 0, 0, &order, &n))
		return BT_ENOMEM;
	/* the latest event on each channel */
	bt_buf_adds(b, ",\"last_interactions\":[");
	for (size_t i = 0; i < n; i++) {
		const struct bt__erec *r = &e->ev[order[i].i];
		if (seen & (1u << r->channel))
			continue;
		seen |= 1u << r->channel;
		if (!first)
			bt_buf_addc(b, ',');
		first = 0;
		interaction(b, e, order[i].i);
	}
	/* what the customer already told us: their latest contacts and words */
	bt_buf_adds(b, "],\"told_us\":[");
	for (size_t i = 0; i < n && told < 10; i++) {
		if (e->ev[order[i].i].direction != BT_DIR_INBOUND)
			continue;
		if (told++)
			bt_buf_addc(b, ',');
		interaction(b, e, order[i].i);
	}
	bt__free(order);
	return bt_buf_addc(b, ']');
}

/* The latest consent statement per purpose, at the engine's time. */
static void consent(const struct bt_engine *e, struct bt_buf *b, const char *only, int *withdrawn)
{
	int first = 1;
	bt_buf_adds(b, ",\"consent\":{");
	/* every purpose ever stated: its latest statement in event time (a
	 * customer's consent statements are few: the quadratic scan is fine) */
	for (size_t x = 0; x < e->nev; x++) {
		const struct bt__erec *r = &e->ev[x];
		if (!r->consent)
			continue;
		const uint32_t *c = &e->consent[r->consent - 1];
		for (uint32_t k = 1; k <= c[0]; k++) {
			uint32_t purpose = c[k] >> 1;
			int latest = 1;
			for (size_t y = 0; y < e->nev && latest; y++) {
				const struct bt__erec *o = &e->ev[y];
				if (y == x || !o->consent || (o->ts < r->ts) || (o->ts == r->ts && o->seq < r->seq))
					continue;
				const uint32_t *oc = &e->consent[o->consent - 1];
				for (uint32_t m = 1; m <= oc[0]; m++)
					if (oc[m] >> 1 == purpose)
						latest = 0;
			}
			if (!latest)
				continue;
			const char *pn = nm(e, purpose);
			bt_buf_printf(b, "%s", first ? "" : ",");
			first = 0;
			bt_buf_json_strz(b, pn);
			bt_buf_printf(b, ":%s", c[k] & 1 ? "true" : "false");
			if (only && withdrawn && !strcmp(pn, only) && !(c[k] & 1))
				*withdrawn = 1;
		}
	}
	bt_buf_addc(b, '}');
}

int bt__context_json(const struct bt_engine *e, int64_t profile, const char *const *idents,
		     size_t n, struct bt_buf *out)
{
	char id[24];
	bt_profile_id_format(profile, id);
	bt_buf_printf(out, "{\"profile\":\"%s\"", id);
	bt__json_time_field(out, "as_of", e->as_of);
	bt_buf_adds(out, ",\"identifiers\":[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			bt_buf_addc(out, ',');
		bt_buf_json_strz(out, idents[i]);
	}
	bt_buf_addc(out, ']');
	open_instances(e, out);
	promises(e, out);
	int rc = interactions(e, out);
	if (rc)
		return rc;
	consent(e, out, NULL, NULL);
	return bt_buf_addc(out, '}');
}

static const char *const fail_names[] = {"context_lost", "customer_repeated", "late"};

/* ,"key":score, or null when the event gave none (-1) */
static void score(struct bt_buf *b, const char *key, int v)
{
	if (v < 0)
		bt_buf_printf(b, ",\"%s\":null", key);
	else
		bt_buf_printf(b, ",\"%s\":%d", key, v);
}

int bt__instance_detail_json(const struct bt_engine *e, uint32_t i, struct bt_buf *out)
{
	struct when *order;
	size_t n;
	int first = 1;
	if (in_order(e, i + 1, 1, &order, &n))
		return BT_ENOMEM;
	bt__instance_json(e, i, out);
	out->len--; /* its closing brace: the detail follows */
	bt_buf_adds(out, ",\"events\":[");
	for (size_t k = 0; k < n; k++) {
		if (k)
			bt_buf_addc(out, ',');
		interaction(out, e, order[k].i);
	}
	bt_buf_adds(out, "],\"handoffs\":[");
	for (size_t k = 0; k < e->nhand; k++) {
		const struct bt__handoff *h = &e->hand[k];
		if (h->inst != i)
			continue;
		char ts[32];
		bt_time_format(e->ev[h->ev].ts, ts);
		bt_buf_printf(out, "%s{\"ts\":\"%s\",\"from\":", first ? "" : ",", ts);
		first = 0;
		bt_buf_json_strz(out, nm(e, h->from));
		bt_buf_adds(out, ",\"to\":");
		bt_buf_json_strz(out, nm(e, h->to));
		bt_buf_printf(out, ",\"clean\":%s,\"reasons\":[", h->fail ? "false" : "true");
		for (int f = 0, m = 0; f < 3; f++)
			if (h->fail & (1 << f))
				bt_buf_printf(out, "%s\"%s\"", m++ ? "," : "", fail_names[f]);
		bt_buf_adds(out, "]}");
	}
	bt_buf_adds(out, "],\"promises\":[");
	first = 1;
	for (size_t k = 0; k < e->nprom; k++) {
		if (e->prom[k].inst != i + 1)
			continue;
		if (!first)
			bt_buf_addc(out, ',');
		first = 0;
		bt__promise_json(e, &e->prom[k], out);
	}
	bt_buf_adds(out, "],\"feedback\":[");
	first = 1;
	for (size_t k = 0; k < n; k++) {
		const struct bt__erec *r = &e->ev[order[k].i];
		if (!(r->flags & EF_FEEDBACK))
			continue;
		char ts[32];
		bt_time_format(r->ts, ts);
		bt_buf_printf(out, "%s{\"ts\":\"%s\",\"source\":", first ? "" : ",", ts);
		first = 0;
		bt_buf_json_strz(out, nm(e, r->source));
		score(out, "csat", r->csat);
		score(out, "nps", r->nps);
		score(out, "ces", r->ces);
		bt_buf_adds(out, ",\"comment\":");
		bt_buf_json_strz(out, e->text ? nm(e, e->text[order[k].i].comment) : NULL);
		bt_buf_addc(out, '}');
	}
	bt__free(order);
	return bt_buf_adds(out, "]}");
}

/* Open the guard's answer: {"allow":..[,"profile":..],"purpose":..,"as_of":.. */
static void guard_head(struct bt_buf *out, int allow, const char *profile, const char *purpose,
		       int64_t at)
{
	bt_buf_printf(out, "{\"allow\":%s", allow ? "true" : "false");
	if (profile)
		bt_buf_printf(out, ",\"profile\":%s", profile);
	bt_buf_adds(out, ",\"purpose\":");
	bt_buf_json_strz(out, purpose);
	bt__json_time_field(out, "as_of", at);
}

int bt__guard_unknown_json(const char *purpose, int64_t at, int detail, struct bt_buf *out)
{
	guard_head(out, 1, detail ? "null" : NULL, purpose, at);
	return bt_buf_adds(out, ",\"reasons\":[]}");
}

/* Start a reason of kind in b, unless it is there and only kinds are told;
 * 0 when the caller is to skip it. */
static int reason(struct bt_buf *b, const char *kind, int detail)
{
	char key[64];
	snprintf(key, sizeof(key), "{\"reason\":\"%s\"", kind);
	if (!detail && b->len && strstr(b->data, key))
		return 0;
	bt_buf_printf(b, "%s%s", b->len ? "," : "", key);
	return 1;
}

int bt__guard_json(const struct bt_engine *e, int64_t profile, const char *purpose, int detail,
		   struct bt_buf *out)
{
	struct bt_buf reasons = BT_BUF_INIT, scratch = BT_BUF_INIT;
	int withdrawn = 0;
	for (size_t i = 0; i < e->ninst; i++) {
		const struct bt__inst *in = &e->inst[i];
		const struct bt__journey *j = &e->journeys[in->journey];
		if (in->state != IS_OPEN || !j->cfg || !j->cfg->sensitive ||
		    !reason(&reasons, "open_sensitive_journey", detail))
			continue;
		if (detail) {
			bt_buf_adds(&reasons, ",\"journey\":");
			bt_buf_json_strz(&reasons, nm(e, j->name));
			bt__json_time_field(&reasons, "since", in->opened);
		}
		bt_buf_addc(&reasons, '}');
	}
	for (size_t i = 0; i < e->nprom; i++) {
		const struct bt__pstate *s = &e->prom[i];
		if (!bt__promise_overdue(s, e->as_of) || !reason(&reasons, "overdue_promise", detail))
			continue;
		if (detail) {
			bt_buf_adds(&reasons, ",\"promise\":");
			bt_buf_json_strz(&reasons, nm(e, s->id));
			bt_buf_adds(&reasons, ",\"kind\":");
			bt_buf_json_strz(&reasons, nm(e, s->kind));
			bt__json_time_field(&reasons, "due", s->due);
		}
		bt_buf_addc(&reasons, '}');
	}
	consent(e, &scratch, purpose, &withdrawn);
	if (withdrawn && reason(&reasons, "consent_withdrawn", detail)) {
		bt_buf_adds(&reasons, ",\"purpose\":");
		bt_buf_json_strz(&reasons, purpose);
		bt_buf_addc(&reasons, '}');
	}
	char id[24], quoted[28];
	bt_profile_id_format(profile, id);
	snprintf(quoted, sizeof(quoted), "\"%s\"", id);
	guard_head(out, !reasons.len, detail ? quoted : NULL, purpose, e->as_of);
	int rc = bt_buf_printf(out, ",\"reasons\":[%s]}", reasons.data ? reasons.data : "");
	bt_buf_release(&reasons);
	bt_buf_release(&scratch);
	return rc;
}


/* ---- lists ---- */

static void instance_item(uint32_t i, struct bt_buf *out, void *ctx)
{
	bt__instance_json(ctx, i, out);
}

static void promise_item(uint32_t i, struct bt_buf *out, void *ctx)
{
	const struct bt_engine *e = ctx;
	bt__promise_json(e, &e->prom[i], out);
}

int bt__list_json(const struct bt_engine *e, enum bt__list_kind kind, struct bt__item *v, size_t n,
		  const struct bt_list_query *q, struct bt_buf *out, struct bt_err *err)
{
	int inst = kind == BT__LIST_INSTANCES;
	bt_page_open(inst ? "instances" : "promises", out);
	return bt__page_emit(v, n, q->limit, q->cursor, inst ? instance_item : promise_item,
			     (void *)(uintptr_t)e, out, err);
}

static const char *const need_names[] = {"stage_sla_breached", "stage_sla_at_risk",
					 "failed_handoffs",    "promise_broken",
					 "promise_due",        "collisions",
					 "escalated",          "followup"};

struct queue_ctx {
	const struct bt_engine *e;
	const uint8_t *escalated;
};

static void queue_item(uint32_t i, struct bt_buf *out, void *arg)
{
	const struct queue_ctx *c = arg;
	const struct bt_engine *e = c->e;
	unsigned why = bt__needs(e, i) | (c->escalated[i] & 1 ? BT__NEED_ESCALATED : 0) |
		       (c->escalated[i] & 2 ? BT__NEED_FOLLOWUP : 0);
	if (e->inst[i].state != IS_OPEN) /* closed, but a follow-up is open */
		why &= BT__NEED_FOLLOWUP | BT__NEED_ESCALATED;
	int first = 1;
	bt_buf_adds(out, "{\"why\":[");
	for (unsigned k = 0; k < sizeof(need_names) / sizeof(need_names[0]); k++)
		if (why & (1u << k)) {
			bt_buf_printf(out, "%s\"%s\"", first ? "" : ",", need_names[k]);
			first = 0;
		}
	bt_buf_adds(out, "],\"instance\":");
	bt__instance_json(e, i, out);
	bt_buf_addc(out, '}');
}

int bt__queue_json(const struct bt_engine *e, const char *person, size_t unowned,
		   const uint8_t *escalated, struct bt__item *v, size_t n,
		   const struct bt_list_query *q, struct bt_buf *out, struct bt_err *err)
{
	struct queue_ctx c = {e, escalated};
	bt_buf_adds(out, "{\"person\":");
	bt_buf_json_strz(out, person);
	bt__json_time_field(out, "as_of", e->as_of);
	bt_buf_printf(out, ",\"unowned_open_instances\":%zu,\"items\":[", unowned);
	return bt__page_emit(v, n, q->limit, q->cursor, queue_item, &c, out, err);
}

int bt__timeline_json(int64_t profile, struct bt__item *v, size_t n, size_t limit,
		      const char *cursor, bt__item_fn fn, void *ctx, struct bt_buf *out,
		      struct bt_err *err)
{
	char id[24];
	bt_profile_id_format(profile, id);
	bt_buf_printf(out, "{\"profile\":\"%s\",\"events\":[", id);
	return bt__page_emit(v, n, limit, cursor, fn, ctx, out, err);
}

/* ---- escalations ---- */

void bt_escalation_json(const struct bt_engine *e, const struct bt_escalation *x, struct bt_buf *b)
{
	char p[24];
	bt_buf_adds(b, "{\"id\":");
	bt_buf_json_strz(b, x->id);
	bt_buf_adds(b, ",\"journey\":");
	bt_buf_json_strz(b, x->journey);
	bt_profile_id_format(e->inst[x->instance].profile, p);
	bt_buf_printf(b, ",\"instance\":\"I%u\",\"profile\":\"%s\",\"condition\":\"%s\",\"state\":\"%s\"",
		      x->opener, p, bt_esc_names[x->on], bt_escalation_state(x));
	bt__json_time_field(b, "since", x->since);
	bt__json_time_field(b, "opened", x->opened);
	bt_buf_adds(b, ",\"level\":");
	bt_buf_json_strz(b, x->to);
	bt_buf_adds(b, ",\"to\":[");
	if (!strcmp(x->to, "owner")) {
		if (x->owner)
			bt_buf_json_strz(b, x->owner);
	} else if (!strcmp(x->to, "steering")) {
		for (size_t k = 0; e->cfg && k < e->cfg->steering.n; k++) {
			if (k)
				bt_buf_addc(b, ',');
			bt_buf_json_strz(b, e->cfg->steering.v[k]);
		}
	} else {
		bt_buf_json_strz(b, x->to);
	}
	bt_buf_addc(b, ']');
	bt__json_time_field(b, "moved", x->moved);
	bt__json_time_field(b, "acknowledged", x->acknowledged);
	bt_buf_adds(b, ",\"acknowledged_by\":");
	bt_buf_json_strz(b, x->acked_by);
	bt__json_time_field(b, "resolved", x->resolved);
	bt_buf_adds(b, ",\"resolved_by\":");
	bt_buf_json_strz(b, x->resolved_by);
	bt_buf_printf(b, ",\"how\":%s}", x->resolved == BT_TIME_NONE ? "null"
					 : x->cleared ? "\"cleared\""
						      : "\"by_hand\"");
}

struct esc_page {
	const struct bt_engine *e;
	const struct bt_escalation *v;
};

static void escalation_item(uint32_t i, struct bt_buf *out, void *ctx)
{
	const struct esc_page *p = ctx;
	bt_escalation_json(p->e, &p->v[i], out);
}

int bt_engine_escalations_json(const struct bt_engine *e, const struct bt_esc_action *acts,
			       size_t nacts, const struct bt_esc_query *q, struct bt_buf *out,
			       struct bt_err *err)
{
	struct bt_escalation *v = NULL;
	size_t n = 0, m = 0;
	int rc = bt_engine_escalations(e, acts, nacts, q->until, &v, &n, err);
	struct bt__item *it = rc ? NULL : bt__reallocarray(NULL, n + 1, sizeof(*it));
	if (!rc && !it)
		rc = bt_err_set(err, BT_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < n; i++) {
		const struct bt_escalation *x = &v[i];
		if ((q->journey && strcmp(q->journey, x->journey)) ||
		    (q->state && strcmp(q->state, bt_escalation_state(x))) ||
		    (q->person && !(x->owner && !strcmp(x->owner, q->person)) &&
		     !bt_escalation_reaches(e, x, q->person)))
			continue;
		/* newest opened first; the key unique: opened and condition, then
		 * the instance */
		it[m++] = (struct bt__item){x->opened * 8 + x->on, x->opener, (uint32_t)i};
	}
	if (!rc) {
		struct esc_page p = {e, v};
		bt_page_open("escalations", out);
		rc = bt__page_emit(it, m, q->limit, q->cursor, escalation_item, &p, out, err);
	}
	bt__free(it);
	bt__free(v);
	return rc;
}

/* ---- moments to announce (webhooks) ---- */

static int moment(bt_moment_fn fn, void *ctx, const char *key, const char *event, int64_t at,
		  struct bt_buf *b)
{
	int rc = bt_buf_status(b);
	if (!rc)
		rc = fn(ctx, key, event, at, b->data, b->len);
	bt_buf_reset(b);
	return rc;
}

int bt_engine_moments(const struct bt_engine *e, const struct bt_esc_action *acts, size_t nacts,
		      int64_t from, int64_t until, bt_moment_fn fn, void *ctx, struct bt_err *err)
{
	struct bt_escalation *v = NULL;
	struct bt_buf b = BT_BUF_INIT;
	char key[160];
	size_t n = 0;
	int rc = bt_engine_escalations(e, acts, nacts, until, &v, &n, err);
	static const char *const what[] = {"opened", "moved", "resolved"};
	for (size_t i = 0; !rc && i < n; i++) {
		int64_t at[3] = {v[i].opened, v[i].moved, v[i].resolved};
		for (int k = 0; k < 3 && !rc; k++) {
			if (at[k] == BT_TIME_NONE || at[k] < from || at[k] > until)
				continue;
			snprintf(key, sizeof(key), "escalation:%s:%s", v[i].id, what[k]);
			bt_escalation_json(e, &v[i], &b);
			char event[32];
			snprintf(event, sizeof(event), "escalation.%s", what[k]);
			rc = moment(fn, ctx, key, event, at[k], &b);
		}
	}
	bt__free(v);
	struct bt_followup *f = NULL; /* follow-ups opened (docs/followups.md) */
	struct bt_fu_close *fc = NULL;
	if (!rc && (rc = bt__followups_acts(e, acts, nacts, until, &f, &n, &fc)))
		n = 0;
	for (size_t i = 0; !rc && i < n; i++) {
		if (f[i].opened < from || f[i].opened > until)
			continue;
		snprintf(key, sizeof(key), "followup:%s:opened", f[i].id);
		bt_followup_json(e, &f[i], &b);
		rc = moment(fn, ctx, key, "followup.opened", f[i].opened, &b);
	}
	bt__free(f);
	bt__free(fc);
	for (size_t i = 0; !rc && i < e->nprom; i++) { /* promises broken */
		const struct bt__pstate *s = &e->prom[i];
		if (s->due < from || s->due > until || (s->fulfilled != BT_TIME_NONE && s->fulfilled < s->due))
			continue;
		snprintf(key, sizeof(key), "promise:%u:broken", s->seq);
		bt__promise_json(e, s, &b);
		rc = moment(fn, ctx, key, "promise.broken", s->due, &b);
	}
	for (size_t i = 0; !rc && i < e->ncoll; i++) { /* collisions, each outbound message once */
		const struct bt__coll *c = &e->coll[i];
		if (!c->first || c->ts < from || c->ts > until)
			continue;
		char t[32];
		bt_time_format(c->ts, t);
		snprintf(key, sizeof(key), "collision:%lld:%u:%u", (long long)c->ts, c->source,
			 c->inst ? e->inst[c->inst - 1].opener : 0);
		bt_buf_printf(&b, "{\"at\":\"%s\",\"source\":", t);
		bt_buf_json_strz(&b, nm(e, c->source));
		bt_buf_adds(&b, ",\"team\":");
		bt_buf_json_strz(&b, c->team ? nm(e, c->team) : NULL);
		if (c->inst)
			bt_buf_printf(&b, ",\"instance\":\"I%u\",\"journey\":", e->inst[c->inst - 1].opener),
				bt_buf_json_strz(&b, nm(e, e->journeys[e->inst[c->inst - 1].journey].name));
		bt_buf_printf(&b, ",\"reasons\":[%s%s%s%s%s]}",
			      c->reasons & CR_SENSITIVE ? "\"open_sensitive_journey\"" : "",
			      c->reasons & CR_SENSITIVE && c->reasons & (CR_PROMISE | CR_CONSENT) ? "," : "",
			      c->reasons & CR_PROMISE ? "\"overdue_promise\"" : "",
			      c->reasons & CR_PROMISE && c->reasons & CR_CONSENT ? "," : "",
			      c->reasons & CR_CONSENT ? "\"consent_withdrawn\"" : "");
		rc = moment(fn, ctx, key, "collision", c->ts, &b);
	}
	bt_buf_release(&b);
	return rc == BT_ENOMEM ? bt_err_set(err, rc, "out of memory") : rc;
}
