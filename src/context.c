/* SPDX-License-Identifier: Apache-2.0 */
/*
 * context.c - the agent's customer context and the marketing pre-send
 * guard (docs/api.md), rendered from a view of one customer's events (an
 * engine of that profile alone: its instances are exactly those the full
 * derivation gives, rule 8 of docs/journeys.md), and the customer's
 * timeline from the store.
 */
#include "baton/context.h"
#include "context.h"

#include "db.h"
#include "engine.h"
#include "util/alloc.h"
#include "util/json.h"
#include "util/time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kept {
	int64_t ts;
	uint32_t seq;
	char *raw;
	size_t len;
};

/* A customer's stored events, for the timeline. */
struct pload {
	struct bt_json_doc doc;
	struct bt__event ev;
	struct kept *raws;
	size_t n, cap;
	struct bt_err *err;
};

static int pload_event(void *ctx, int64_t seq, uint32_t anchor, const char *raw, size_t len)
{
	struct pload *l = ctx;
	(void)anchor;
	int rc = bt__stored_event_read(&l->doc, &l->ev, seq, raw, len, l->err);
	if (rc)
		return rc;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		void *p = bt__reallocarray(l->raws, cap, sizeof(*l->raws));
		if (!p)
			return BT_ENOMEM;
		l->raws = p, l->cap = cap;
	}
	char *copy = bt__strndup(raw, len);
	if (!copy)
		return BT_ENOMEM;
	l->raws[l->n] = (struct kept){l->ev.ts, (uint32_t)seq, copy, len};
	l->n++;
	return 0;
}

static void pload_release(struct pload *l)
{
	for (size_t i = 0; i < l->n; i++)
		bt__free(l->raws[i].raw);
	bt__free(l->raws);
}

static const char *name(const struct bt_engine *e, uint32_t id)
{
	return id ? bt_strmap_key(&e->names, id) : NULL;
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
	bt_buf_json_strz(b, name(e, r->source));
	bt_buf_adds(b, ",\"type\":");
	bt_buf_json_strz(b, name(e, r->type));
	bt_buf_printf(b, ",\"channel\":%s%s%s,\"direction\":\"%s\"", r->channel ? "\"" : "",
		      r->channel ? bt_channel_names[r->channel] : "null", r->channel ? "\"" : "",
		      bt_direction_names[r->direction]);
	bt_buf_adds(b, ",\"team\":");
	bt_buf_json_strz(b, name(e, e->eteam ? e->eteam[i] : r->team)); /* as derived */
	bt_buf_adds(b, ",\"case\":");
	bt_buf_json_strz(b, name(e, t->case_ref));
	bt_buf_printf(b, ",\"outcome\":%s%s%s,\"repeat\":%s", r->outcome ? "\"" : "",
		      r->outcome ? bt_outcome_names[r->outcome] : "null", r->outcome ? "\"" : "",
		      r->flags & EF_REPEAT ? "true" : "false");
	if (t->comment) {
		bt_buf_adds(b, ",\"comment\":");
		bt_buf_json_strz(b, name(e, t->comment));
	}
	if (t->said) { /* the free-text props the customer gave, a JSON object */
		bt_buf_adds(b, ",\"said\":");
		bt_buf_adds(b, name(e, t->said));
	}
	bt_buf_addc(b, '}');
}

struct when {
	int64_t ts;
	uint32_t seq, i;
};

static int newest_first(const void *a, const void *b)
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
	qsort(order, *n, sizeof(*order), newest_first);
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
			const char *pn = name(e, purpose);
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
		bt_buf_json_strz(out, name(e, h->from));
		bt_buf_adds(out, ",\"to\":");
		bt_buf_json_strz(out, name(e, h->to));
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
		bt_buf_json_strz(out, name(e, r->source));
		score(out, "csat", r->csat);
		score(out, "nps", r->nps);
		score(out, "ces", r->ces);
		bt_buf_adds(out, ",\"comment\":");
		bt_buf_json_strz(out, e->text ? name(e, e->text[order[k].i].comment) : NULL);
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
			bt_buf_json_strz(&reasons, name(e, j->name));
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
			bt_buf_json_strz(&reasons, name(e, s->id));
			bt_buf_adds(&reasons, ",\"kind\":");
			bt_buf_json_strz(&reasons, name(e, s->kind));
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

static void raw_item(uint32_t i, struct bt_buf *out, void *ctx)
{
	const struct pload *l = ctx;
	bt_buf_add(out, l->raws[i].raw, l->raws[i].len);
}

int bt_timeline_get(struct bt_db *db, const char *ident, size_t limit, const char *cursor,
		    struct bt_buf *out, struct bt_err *err)
{
	struct bt_profile *p = NULL;
	struct bt__item *v = NULL;
	struct pload l;
	char id[24];
	memset(&l, 0, sizeof(l));
	l.err = err;
	bt_json_doc_init(&l.doc);
	int rc = bt_profile_get(db, ident, &p, err);
	if (!rc)
		rc = db->store->ops->profile_events(db->store, p->id, pload_event, &l, err);
	bt_json_doc_release(&l.doc);
	if (rc)
		goto out;
	if (!(v = bt__reallocarray(NULL, l.n + 1, sizeof(*v)))) {
		rc = BT_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < l.n; i++)
		v[i] = (struct bt__item){l.raws[i].ts, l.raws[i].seq, (uint32_t)i};
	bt_profile_id_format(p->id, id);
	bt_buf_printf(out, "{\"profile\":\"%s\",\"events\":[", id);
	if (!(rc = bt__page_emit(v, l.n, limit, cursor, raw_item, &l, out, err)))
		rc = bt_buf_addc(out, '}');
out:
	bt__free(v);
	pload_release(&l);
	bt_profile_free(p);
	return rc;
}
