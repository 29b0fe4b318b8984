/* SPDX-License-Identifier: Apache-2.0 */
/*
 * context.c - the agent's customer context and the marketing pre-send
 * guard (PRODUCT.md §6), computed from one customer's events only: the
 * profile's instances are exactly those the full derivation gives (§3 rule
 * 8), so reading just that profile's events is enough.
 */
#include "baton/context.h"

#include "db.h"
#include "engine.h"
#include "util/alloc.h"
#include "util/json.h"
#include "util/time.h"

#include <stdlib.h>
#include <string.h>

struct kept {
	int64_t ts;
	uint32_t seq;
	char *raw;
	size_t len;
};

struct pload {
	struct bt_engine *e;
	struct bt_json_doc doc;
	struct bt__event ev;
	int64_t as_of;
	struct kept *raws;
	size_t n, cap;
	struct bt_err *err;
};

static int pload_event(void *ctx, int64_t seq, uint32_t anchor, const char *raw, size_t len)
{
	struct pload *l = ctx;
	if (bt_json_parse(&l->doc, raw, len, BT_EVENT_MAX_DEPTH, l->err) ||
	    bt__event_read(&l->doc, 0, &l->ev, l->err))
		return bt_err_set(l->err, BT_ESTORE, "stored event %lld does not read back",
				  (long long)seq);
	if (l->as_of != BT_TIME_NONE && l->ev.ts > l->as_of)
		return 0;
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
	return bt__engine_add(l->e, &l->doc, &l->ev, (uint32_t)seq, anchor);
}

static int by_time_desc(const void *a, const void *b)
{
	const struct kept *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts > y->ts ? -1 : 1;
	return x->seq > y->seq ? -1 : x->seq < y->seq;
}

/* The engine of one profile, judged at `at`, with its raw events newest first. */
static int profile_engine(struct bt_db *db, const struct bt_config *cfg, int64_t root, int64_t at,
			  struct bt_engine **out, struct pload *l, struct bt_err *err)
{
	struct bt_engine *e = bt__calloc(1, sizeof(*e));
	int rc;
	*out = NULL;
	if (!e)
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	if ((rc = bt__engine_init(e, cfg, &e->own_id)) || (rc = bt__identity_init(&e->own_id))) {
		bt_engine_free(e);
		return bt_err_set(err, rc, "out of memory");
	}
	e->single_profile = 1;
	l->e = e;
	l->as_of = at;
	l->err = err;
	bt_json_doc_init(&l->doc);
	rc = db->store->ops->profile_events(db->store, root, pload_event, l, err);
	bt_json_doc_release(&l->doc);
	if (!rc) {
		e->as_of = at;
		rc = bt__engine_derive(e);
	}
	if (rc) {
		bt_engine_free(e);
		return rc == BT_ENOMEM ? bt_err_set(err, rc, "out of memory") : rc;
	}
	qsort(l->raws, l->n, sizeof(*l->raws), by_time_desc);
	*out = e;
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
		const struct bt__inst *in = &e->inst[i];
		const struct bt__journey *j = &e->journeys[in->journey];
		if (in->state != IS_OPEN)
			continue;
		const struct bt_cfg_person *p =
			j->cfg && j->cfg->owner ? bt_config_person(e->cfg, j->cfg->owner) : NULL;
		bt_buf_adds(b, first ? "{\"journey\":" : ",{\"journey\":");
		first = 0;
		bt_buf_json_strz(b, name(e, j->name));
		bt_buf_adds(b, ",\"owner\":");
		bt_buf_json_strz(b, j->cfg ? j->cfg->owner : NULL);
		bt_buf_adds(b, ",\"owner_name\":");
		bt_buf_json_strz(b, p ? p->name : NULL);
		bt_buf_adds(b, ",\"holder\":");
		bt_buf_json_strz(b, name(e, in->holder));
		bt_buf_adds(b, ",\"stage\":");
		bt_buf_json_strz(b, in->stage && j->cfg ? j->cfg->stages[in->stage - 1].id : NULL);
		bt__json_time_field(b, "opened", in->opened);
		bt__json_time_field(b, "last_event", in->last_event);
		bt_buf_printf(b, ",\"contacts\":%u,\"handoffs\":%u,\"failed_handoffs\":%u,"
				 "\"recontacted\":%s,\"sensitive\":%s}",
			      in->contacts, in->handoffs, in->handoffs - in->clean,
			      in->recontacted ? "true" : "false",
			      j->cfg && j->cfg->sensitive ? "true" : "false");
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

/* The event's channel and team, else its touchpoint's (as the engine reads
 * them). */
static void defaults(const struct bt_config *cfg, struct bt__event *ev)
{
	char src[BT_EVENT_MAX_STR + 1];
	memcpy(src, ev->source.s, ev->source.n);
	src[ev->source.n] = '\0';
	const struct bt_cfg_touchpoint *tp = bt_config_touchpoint(cfg, src);
	if (!tp)
		return;
	if (!ev->channel)
		ev->channel = (uint8_t)bt__channel_of(tp->channel);
	if (!ev->team.s && tp->team)
		ev->team = (struct bt__str){tp->team, (uint32_t)strlen(tp->team)};
}

/* Read a kept event with its defaults applied. */
static int read_kept(const struct bt_config *cfg, const struct kept *k, struct bt_json_doc *doc,
		     struct bt__event *ev)
{
	if (bt_json_parse(doc, k->raw, k->len, BT_EVENT_MAX_DEPTH, NULL) || bt__event_read(doc, 0, ev, NULL))
		return -1;
	defaults(cfg, ev);
	return 0;
}

/* One event as the agent reads it: when, where, what, how it ended. */
static void interaction(struct bt_buf *b, const struct bt_config *cfg, const struct kept *k,
			struct bt_json_doc *doc)
{
	struct bt__event ev;
	if (read_kept(cfg, k, doc, &ev))
		return;
	char t[32];
	bt_time_format(ev.ts, t);
	bt_buf_printf(b, "{\"ts\":\"%s\",\"source\":", t);
	bt_buf_json_str(b, ev.source.s, ev.source.n);
	bt_buf_adds(b, ",\"type\":");
	bt_buf_json_str(b, ev.type.s, ev.type.n);
	bt_buf_printf(b, ",\"channel\":%s%s%s,\"direction\":\"%s\"", ev.channel ? "\"" : "",
		      ev.channel ? bt_channel_names[ev.channel] : "null", ev.channel ? "\"" : "",
		      bt_direction_names[ev.direction]);
	bt_buf_adds(b, ",\"team\":");
	if (ev.team.s)
		bt_buf_json_str(b, ev.team.s, ev.team.n);
	else
		bt_buf_adds(b, "null");
	bt_buf_adds(b, ",\"case\":");
	if (ev.case_ref.s)
		bt_buf_json_str(b, ev.case_ref.s, ev.case_ref.n);
	else
		bt_buf_adds(b, "null");
	bt_buf_printf(b, ",\"outcome\":%s%s%s,\"repeat\":%s", ev.outcome ? "\"" : "",
		      ev.outcome ? bt_outcome_names[ev.outcome] : "null", ev.outcome ? "\"" : "",
		      ev.repeat == 1 ? "true" : "false");
	if (ev.feedback.comment.s) {
		bt_buf_adds(b, ",\"comment\":");
		bt_buf_json_str(b, ev.feedback.comment.s, ev.feedback.comment.n);
	}
	bt_buf_addc(b, '}');
}

static void interactions(const struct bt_config *cfg, const struct pload *l, struct bt_buf *b)
{
	struct bt_json_doc doc;
	struct bt__event ev;
	unsigned seen = 0; /* channels listed */
	int first = 1, told = 0;
	bt_json_doc_init(&doc);
	/* the latest event on each channel */
	bt_buf_adds(b, ",\"last_interactions\":[");
	for (size_t i = 0; i < l->n; i++) {
		if (read_kept(cfg, &l->raws[i], &doc, &ev) || seen & (1u << ev.channel))
			continue;
		seen |= 1u << ev.channel;
		if (!first)
			bt_buf_addc(b, ',');
		first = 0;
		interaction(b, cfg, &l->raws[i], &doc);
	}
	/* what the customer already told us: their latest contacts and words */
	bt_buf_adds(b, "],\"told_us\":[");
	for (size_t i = 0; i < l->n && told < 10; i++) {
		if (read_kept(cfg, &l->raws[i], &doc, &ev) || ev.direction != BT_DIR_INBOUND)
			continue;
		if (told++)
			bt_buf_addc(b, ',');
		interaction(b, cfg, &l->raws[i], &doc);
	}
	bt_buf_addc(b, ']');
	bt_json_doc_release(&doc);
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

/* The customer of ident with their engine and events; release with
 * customer_release. */
struct customer {
	struct bt_profile *p;
	struct bt_engine *e;
	struct pload l;
};

static int customer_load(struct bt_db *db, const struct bt_config *cfg, const char *ident,
			 int64_t at, struct customer *c, struct bt_err *err)
{
	memset(c, 0, sizeof(*c));
	int rc = bt_profile_get(db, ident, &c->p, err);
	if (!rc)
		rc = profile_engine(db, cfg, c->p->id, at, &c->e, &c->l, err);
	return rc;
}

static void customer_release(struct customer *c)
{
	bt_engine_free(c->e);
	pload_release(&c->l);
	bt_profile_free(c->p);
}

int bt_context_get(struct bt_db *db, const struct bt_config *cfg, const char *ident, int64_t at,
		   struct bt_buf *out, struct bt_err *err)
{
	struct customer c;
	char id[24];
	int rc = customer_load(db, cfg, ident, at, &c, err);
	if (rc)
		goto out;
	struct bt_profile *p = c.p;
	struct bt_engine *e = c.e;
	bt_profile_id_format(p->id, id);
	bt_buf_printf(out, "{\"profile\":\"%s\"", id);
	bt__json_time_field(out, "as_of", e->as_of);
	bt_buf_adds(out, ",\"identifiers\":[");
	for (size_t i = 0; i < p->nidentifiers; i++) {
		if (i)
			bt_buf_addc(out, ',');
		bt_buf_json_strz(out, p->identifiers[i]);
	}
	bt_buf_addc(out, ']');
	open_instances(e, out);
	promises(e, out);
	interactions(cfg, &c.l, out);
	consent(e, out, NULL, NULL);
	rc = bt_buf_addc(out, '}');
out:
	customer_release(&c);
	return rc;
}

int bt_guard_check(struct bt_db *db, const struct bt_config *cfg, const char *const *idents,
		   size_t n, const char *purpose, int64_t at, struct bt_buf *out, struct bt_err *err)
{
	struct bt_profile *p = NULL;
	struct bt_engine *e = NULL;
	struct pload l;
	int rc = BT_ENOTFOUND, withdrawn = 0;
	memset(&l, 0, sizeof(l));
	for (size_t i = 0; i < n && rc == BT_ENOTFOUND; i++)
		rc = bt_profile_get(db, idents[i], &p, NULL);
	if (rc == BT_ENOTFOUND) /* nobody we know: nothing stands in the way */
		return bt_buf_adds(out, "{\"allow\":true,\"profile\":null,\"reasons\":[]}");
	if (rc)
		return bt_err_set(err, rc, "the customer could not be looked up");
	if ((rc = profile_engine(db, cfg, p->id, at, &e, &l, err)))
		goto out;
	struct bt_buf reasons = BT_BUF_INIT, scratch = BT_BUF_INIT;
	for (size_t i = 0; i < e->ninst; i++) {
		const struct bt__inst *in = &e->inst[i];
		const struct bt__journey *j = &e->journeys[in->journey];
		if (in->state != IS_OPEN || !j->cfg || !j->cfg->sensitive)
			continue;
		bt_buf_printf(&reasons, "%s{\"reason\":\"open_sensitive_journey\",\"journey\":",
			      reasons.len ? "," : "");
		bt_buf_json_strz(&reasons, name(e, j->name));
		bt__json_time_field(&reasons, "since", in->opened);
		bt_buf_addc(&reasons, '}');
	}
	for (size_t i = 0; i < e->nprom; i++) {
		const struct bt__pstate *s = &e->prom[i];
		if (s->fulfilled != BT_TIME_NONE || s->due >= e->as_of)
			continue;
		bt_buf_printf(&reasons, "%s{\"reason\":\"overdue_promise\",\"promise\":",
			      reasons.len ? "," : "");
		bt_buf_json_strz(&reasons, name(e, s->id));
		bt_buf_adds(&reasons, ",\"kind\":");
		bt_buf_json_strz(&reasons, name(e, s->kind));
		bt__json_time_field(&reasons, "due", s->due);
		bt_buf_addc(&reasons, '}');
	}
	consent(e, &scratch, purpose, &withdrawn);
	if (withdrawn) {
		bt_buf_printf(&reasons, "%s{\"reason\":\"consent_withdrawn\",\"purpose\":",
			      reasons.len ? "," : "");
		bt_buf_json_strz(&reasons, purpose);
		bt_buf_addc(&reasons, '}');
	}
	char id[24];
	bt_profile_id_format(p->id, id);
	rc = bt_buf_printf(out, "{\"allow\":%s,\"profile\":\"%s\",\"purpose\":",
			   reasons.len ? "false" : "true", id);
	bt_buf_json_strz(out, purpose);
	bt__json_time_field(out, "as_of", e->as_of);
	bt_buf_printf(out, ",\"reasons\":[%s]}", reasons.data ? reasons.data : "");
	bt_buf_release(&reasons);
	bt_buf_release(&scratch);
out:
	bt_engine_free(e);
	pload_release(&l);
	bt_profile_free(p);
	return rc;
}

int bt_timeline_get(struct bt_db *db, const struct bt_config *cfg, const char *ident, size_t limit,
		    struct bt_buf *out, struct bt_err *err)
{
	struct customer c;
	char id[24];
	int rc = customer_load(db, cfg, ident, BT_TIME_NONE, &c, err);
	if (rc)
		goto out;
	bt_profile_id_format(c.p->id, id);
	bt_buf_printf(out, "{\"profile\":\"%s\",\"events\":[", id);
	for (size_t i = 0; i < c.l.n && i < limit; i++) {
		if (i)
			bt_buf_addc(out, ',');
		bt_buf_add(out, c.l.raws[i].raw, c.l.raws[i].len);
	}
	rc = bt_buf_printf(out, "],\"total\":%zu}", c.l.n);
out:
	customer_release(&c);
	return rc;
}
