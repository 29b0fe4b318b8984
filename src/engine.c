/* SPDX-License-Identifier: Apache-2.0 */
/*
 * engine.c - building an engine: turning validated events into compact
 * records, with the defaults of the touchpoints and the journey match rules
 * of the configuration applied once, at add time.
 */
#include "engine.h"

#include "db.h"
#include "ingest.h"
#include "util/alloc.h"
#include "util/decimal.h"
#include "util/glob.h"
#include "util/vec.h"
#include "util/json.h"

#include <string.h>

static int any_glob(const struct bt_strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (bt__glob(l->v[i], s))
			return 1;
	return 0;
}

static int intern(struct bt_engine *e, const char *s, size_t n, uint32_t *out)
{
	int64_t id = bt_strmap_intern(&e->names, s, n, NULL);
	*out = id >= 0 ? (uint32_t)id : 0;
	return id < 0 ? (int)id : 0;
}

/* The index + 1 of journey `name`, adding an unconfigured one if new. */
static int journey_index(struct bt_engine *e, uint32_t name, const struct bt_cfg_journey *cfg,
			 uint32_t *out)
{
	uint32_t v;
	if (bt_u64map_get(&e->jmap, name, &v)) {
		*out = v;
		return 0;
	}
	struct bt__journey j = {name, cfg, BT_DEFAULT_RECONTACT_MS, BT_DEFAULT_ABANDON_MS,
				BT_DEFAULT_HANDOFF_SLA_MS, NULL};
	if (cfg) {
		j.recontact = cfg->recontact_ms;
		j.abandon = cfg->abandon_ms;
		j.handoff_sla = cfg->handoff_sla_ms;
	}
	BT_PUSH(e->journeys, e->njourneys, e->capjourneys, j);
	*out = (uint32_t)e->njourneys;
	return bt_u64map_put(&e->jmap, name, *out);
}

int bt__engine_init(struct bt_engine *e, const struct bt_config *cfg, struct bt__identity *id)
{
	uint32_t k;
	int rc;
	memset(e, 0, sizeof(*e));
	e->cfg = cfg;
	e->id = id;
	e->max_ts = BT_TIME_NONE;
	e->as_of = BT_TIME_NONE;
	bt_strmap_init(&e->names);
	if ((rc = intern(e, "", 0, &k)) || (rc = intern(e, "marketing", 9, &e->marketing)))
		return rc;
	for (size_t i = 0; cfg && i < cfg->njourneys; i++) {
		const struct bt_cfg_journey *j = &cfg->journeys[i];
		if ((rc = intern(e, j->id, strlen(j->id), &k)) || (rc = journey_index(e, k, j, &k)))
			return rc;
		for (size_t r = 0; r < j->nrules; r++)
			e->rules_use_props |= j->rules[r].prop_keys.n > 0;
	}
	/* every configured team has its row in the KPIs (kpi.c finds it by
	 * name), also before an event names it: without this, a configured
	 * team had a row only when its name happened to be interned for
	 * another reason ("marketing", a consent purpose, always did) */
	for (size_t i = 0; cfg && i < cfg->nteams; i++)
		if ((rc = intern(e, cfg->teams[i].id, strlen(cfg->teams[i].id), &k)))
			return rc;
	for (size_t i = 0; cfg && i < cfg->ntouchpoints; i++) {
		if ((rc = intern(e, cfg->touchpoints[i].id, strlen(cfg->touchpoints[i].id), &k)) ||
		    (rc = bt_u64map_put(&e->tpmap, k, (uint32_t)i + 1)))
			return rc;
	}
	return 0;
}

/* props[key] of the event, as text, equals value? */
static int prop_equals(const struct bt_json_doc *doc, uint32_t props, const char *key,
		       const char *value)
{
	if (!props)
		return 0;
	uint32_t v = bt_json_get(doc, props, key);
	if (!v)
		return 0;
	const struct bt_json_node *n = &doc->nodes[v];
	switch (n->type) {
	case BT_JSON_STRING: return bt_json_str_eq(n, value);
	case BT_JSON_NUMBER: return strlen(value) == n->len && memcmp(n->s, value, n->len) == 0;
	case BT_JSON_TRUE: return strcmp(value, "true") == 0;
	case BT_JSON_FALSE: return strcmp(value, "false") == 0;
	case BT_JSON_NULL: return strcmp(value, "null") == 0;
	}
	return 0;
}

static int rule_matches(const struct bt_cfg_rule *r, const char *type, const char *source,
			const struct bt_json_doc *doc, uint32_t props)
{
	if (r->types.n && !any_glob(&r->types, type))
		return 0;
	if (r->sources.n) {
		int ok = 0;
		for (size_t i = 0; i < r->sources.n && !ok; i++)
			ok = strcmp(r->sources.v[i], source) == 0;
		if (!ok)
			return 0;
	}
	for (size_t i = 0; i < r->prop_keys.n; i++)
		if (!prop_equals(doc, props, r->prop_keys.v[i], r->prop_values.v[i]))
			return 0;
	return 1;
}

/* The journey (index + 1) of an event without an explicit one: the first
 * configured journey one of whose rules matches. */
static uint32_t match_journey(struct bt_engine *e, uint32_t type, uint32_t source,
			      const struct bt_json_doc *doc, uint32_t props)
{
	uint64_t key = (uint64_t)type << 32 | source;
	uint32_t v;
	if (!e->rules_use_props && bt_u64map_get(&e->match_cache, key, &v))
		return v == UINT32_MAX ? 0 : v;
	const char *ts = bt_strmap_key(&e->names, type), *ss = bt_strmap_key(&e->names, source);
	v = 0;
	for (size_t i = 0; i < e->njourneys && !v; i++) {
		const struct bt_cfg_journey *j = e->journeys[i].cfg;
		for (size_t r = 0; j && r < j->nrules && !v; r++)
			if (rule_matches(&j->rules[r], ts, ss, doc, props))
				v = (uint32_t)i + 1;
	}
	if (!e->rules_use_props)
		bt_u64map_put(&e->match_cache, key, v ? v : UINT32_MAX);
	return v;
}

uint64_t bt__case_key(const char *s, size_t n)
{
	uint64_t h = bt_hash64(s, n);
	return h ? h : 1;
}

static int add_links(struct bt_engine *e, const struct bt__event *ev, struct bt__erec *r)
{
	if (!ev->nlinks)
		return 0;
	r->links = (uint32_t)e->nlinks + 1;
	BT_PUSH(e->links, e->nlinks, e->caplinks, ev->nlinks);
	for (uint32_t i = 0; i < ev->nlinks; i++)
		BT_PUSH(e->links, e->nlinks, e->caplinks, bt__case_key(ev->links[i].s, ev->links[i].n));
	return 0;
}

/* A consent purpose under the name of its purpose (an alias names the
 * purpose it stands for); a name no purpose goes by is kept as it is. */
static int intern_purpose(struct bt_engine *e, const char *s, size_t n, uint32_t *out)
{
	const char *id = bt_config_purpose(e->cfg, s, n);
	return id ? intern(e, id, strlen(id), out) : intern(e, s, n, out);
}

static int add_consent(struct bt_engine *e, const struct bt__event *ev, struct bt__erec *r)
{
	uint32_t k;
	int rc;
	if (!ev->nconsent)
		return 0;
	r->consent = (uint32_t)e->nconsent + 1;
	BT_PUSH(e->consent, e->nconsent, e->capconsent, ev->nconsent);
	for (uint32_t i = 0; i < ev->nconsent; i++) {
		if ((rc = intern_purpose(e, ev->consent[i].purpose.s, ev->consent[i].purpose.n, &k)))
			return rc;
		BT_PUSH(e->consent, e->nconsent, e->capconsent, k << 1 | ev->consent[i].granted);
	}
	return 0;
}

static int add_promise(struct bt_engine *e, const struct bt__event *ev, struct bt__erec *r)
{
	struct bt__pdef p = {0, 0, 0, ev->promise.due};
	int rc;
	if (!ev->promise.has)
		return 0;
	if ((rc = intern(e, ev->promise.id.s, ev->promise.id.n, &p.id)))
		return rc;
	if (ev->promise.kind.s && (rc = intern(e, ev->promise.kind.s, ev->promise.kind.n, &p.kind)))
		return rc;
	if (ev->promise.team.s && (rc = intern(e, ev->promise.team.s, ev->promise.team.n, &p.keeper)))
		return rc;
	BT_PUSH(e->pdefs, e->npdefs, e->cappdefs, p);
	r->promise = (uint32_t)e->npdefs;
	return 0;
}

/* What the customer said in free text: the string members of an inbound
 * event's props, as a JSON object interned whole (at most SAID_MAX bytes;
 * members past it are left out), for the agent's context. */
#define SAID_MAX 2048
static int said(struct bt_engine *e, const struct bt_json_doc *doc, uint32_t props, uint32_t *out)
{
	const struct bt_json_node *n = doc->nodes;
	struct bt_buf b = BT_BUF_INIT;
	int rc = 0;
	*out = 0;
	if (!props)
		return 0;
	b.max = SAID_MAX - 1; /* room for the closing brace */
	for (uint32_t k = props + 1; k < n[props].end && !rc; k = n[k + 1].end) {
		if (n[k + 1].type != BT_JSON_STRING || !n[k + 1].len)
			continue;
		size_t mark = b.len;
		if (bt_buf_addc(&b, b.len ? ',' : '{') || bt_json_write(&b, doc, k) ||
		    bt_buf_addc(&b, ':') || bt_json_write(&b, doc, k + 1)) {
			b.len = mark; /* too long: keep what fitted */
			if (b.data)
				b.data[mark] = '\0';
			break;
		}
	}
	b.max = SAID_MAX;
	if (b.len && !(rc = bt_buf_addc(&b, '}')))
		rc = intern(e, b.data, b.len, out);
	bt_buf_release(&b);
	return rc;
}

/* Does text hold word as a whole word (case-insensitive, ASCII folding;
 * bytes past ASCII are letters)? */
static int is_wordch(unsigned char c)
{
	return c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static int holds_word(const char *text, size_t n, const char *word)
{
	size_t w = strlen(word);
	for (size_t i = 0; w && i + w <= n; i++) {
		if (i && is_wordch((unsigned char)text[i - 1]))
			continue;
		size_t k = 0;
		while (k < w) {
			unsigned char a = (unsigned char)text[i + k], b = (unsigned char)word[k];
			if (a >= 'A' && a <= 'Z')
				a |= 0x20;
			if (b >= 'A' && b <= 'Z')
				b |= 0x20;
			if (a != b)
				break;
			k++;
		}
		if (k == w && (i + w == n || !is_wordch((unsigned char)text[i + w])))
			return 1;
	}
	return 0;
}

/* Which lists of followup_triggers words a comment holds (a bit per
 * list), into the word masks; r->words its index + 1. */
static int add_words(struct bt_engine *e, const struct bt__str *comment, struct bt__erec *r)
{
	uint64_t mask = 0;
	const char *const *v;
	unsigned list;
	if (!comment->s || !comment->n)
		return 0;
	size_t n = bt_config_followup_words(e->cfg, NULL, &v, &list);
	for (size_t k = 0; k < n && !(mask & 1); k++)
		if (holds_word(comment->s, comment->n, v[k]))
			mask |= 1;
	for (size_t j = 0; e->cfg && j < e->cfg->njourneys; j++) {
		if (!e->cfg->journeys[j].triggers.own_words)
			continue;
		n = bt_config_followup_words(e->cfg, &e->cfg->journeys[j], &v, &list);
		for (size_t k = 0; k < n && list < 64; k++)
			if (holds_word(comment->s, comment->n, v[k])) {
				mask |= UINT64_C(1) << list;
				break;
			}
	}
	if (!mask)
		return 0;
	BT_PUSH(e->wmask, e->nwmask, e->capwmask, mask);
	r->words = (uint32_t)e->nwmask;
	return 0;
}

/* Journey-specific flags: opens_on and the stage. */
static void journey_flags(struct bt_engine *e, const char *type, struct bt__erec *r)
{
	const struct bt_cfg_journey *j = r->journey ? e->journeys[r->journey - 1].cfg : NULL;
	if (!j)
		return;
	if (any_glob(&j->opens_on, type))
		r->flags |= EF_OPENS;
	for (size_t s = 0; s < j->nstages && s < 255; s++)
		if (any_glob(&j->stages[s].types, type)) {
			r->stage = (uint8_t)(s + 1);
			break;
		}
}

/* The revenue the event carries in props[value.revenue] (docs/insight.md):
 * a number, or a text holding one, with at most six decimals; anything else
 * carries none. */
static int add_value(struct bt_engine *e, const struct bt_json_doc *doc, const struct bt__event *ev,
		     struct bt__erec *r)
{
	const char *key = e->cfg ? e->cfg->value_revenue : NULL;
	uint32_t v = key && ev->props ? bt_json_get(doc, ev->props, key) : 0;
	int64_t m;
	if (!v || (doc->nodes[v].type != BT_JSON_NUMBER && doc->nodes[v].type != BT_JSON_STRING) ||
	    bt__micro_parse(doc->nodes[v].s, doc->nodes[v].len, &m) || e->nvalues >= UINT32_MAX - 1)
		return 0;
	BT_PUSH(e->values, e->nvalues, e->capvalues, m);
	r->value = (uint32_t)e->nvalues;
	return 0;
}

int bt__engine_add(struct bt_engine *e, const struct bt_json_doc *doc, const struct bt__event *ev,
		   uint32_t seq, uint32_t anchor)
{
	struct bt__erec r;
	uint32_t type = 0, v = 0;
	int rc;
	memset(&r, 0, sizeof(r));
	r.ts = ev->ts;
	r.type = 0;
	r.seq = seq;
	r.anchor = anchor;
	r.outcome = ev->outcome;
	r.direction = ev->direction;
	r.csat = ev->feedback.csat;
	r.nps = ev->feedback.nps;
	r.ces = ev->feedback.ces;
	if (ev->repeat == 1)
		r.flags |= EF_REPEAT;
	if (ev->feedback.has)
		r.flags |= EF_FEEDBACK;
	if ((rc = intern(e, ev->type.s, ev->type.n, &type)) ||
	    (rc = intern(e, ev->source.s, ev->source.n, &r.source)))
		return rc;
	r.type = type;
	const struct bt_cfg_touchpoint *tp =
		bt_u64map_get(&e->tpmap, r.source, &v) ? &e->cfg->touchpoints[v - 1] : NULL;
	if (ev->team.s)
		rc = intern(e, ev->team.s, ev->team.n, &r.team);
	else if (tp && tp->team)
		rc = intern(e, tp->team, strlen(tp->team), &r.team);
	if (rc)
		return rc;
	r.channel = ev->channel ? ev->channel : (uint8_t)bt__channel_of(tp ? tp->channel : NULL);
	if (ev->journey.s) {
		if ((rc = intern(e, ev->journey.s, ev->journey.n, &v)) ||
		    (rc = journey_index(e, v, NULL, &r.journey)))
			return rc;
	} else
		r.journey = match_journey(e, type, r.source, doc, ev->props);
	journey_flags(e, bt_strmap_key(&e->names, type), &r);
	if (ev->case_ref.s)
		r.case_ref = bt__case_key(ev->case_ref.s, ev->case_ref.n);
	if (ev->fulfils.s && (rc = intern(e, ev->fulfils.s, ev->fulfils.n, &r.fulfils)))
		return rc;
	if (ev->direction == BT_DIR_OUTBOUND) {
		uint32_t p = ev->props ? bt_json_get(doc, ev->props, "purpose") : 0;
		r.purpose = e->marketing;
		if (p && doc->nodes[p].type == BT_JSON_STRING &&
		    (rc = intern_purpose(e, doc->nodes[p].s, doc->nodes[p].len, &r.purpose)))
			return rc;
	}
	if ((rc = add_links(e, ev, &r)) || (rc = add_consent(e, ev, &r)) ||
	    (rc = add_promise(e, ev, &r)) || (rc = add_value(e, doc, ev, &r)) ||
	    (ev->feedback.has && (rc = add_words(e, &ev->feedback.comment, &r))))
		return rc;
	if (e->keep_text) {
		struct bt__etext t = {0, 0, 0};
		size_t n = e->nev;
		if ((ev->case_ref.s && (rc = intern(e, ev->case_ref.s, ev->case_ref.n, &t.case_ref))) ||
		    (ev->feedback.comment.s &&
		     (rc = intern(e, ev->feedback.comment.s, ev->feedback.comment.n, &t.comment))) ||
		    (ev->direction == BT_DIR_INBOUND && (rc = said(e, doc, ev->props, &t.said))))
			return rc;
		BT_PUSH(e->text, n, e->captext, t);
	}
	BT_PUSH(e->ev, e->nev, e->capev, r);
	if (r.ts > e->max_ts)
		e->max_ts = r.ts;
	return 0;
}

void bt_engine_free(struct bt_engine *e)
{
	if (!e)
		return;
	if (e->snapshot) { /* copies of the index parts; keys and texts borrowed */
		bt__free(e->names.slots);
		bt__free(e->names.entries);
		bt__free(e->journeys);
		bt_u64map_release(&e->jmap);
		bt_u64map_release(&e->tpmap);
		bt__free(e->links);
		bt__free(e->consent);
		bt__free(e->pdefs);
		bt__free(e->values);
		bt__free(e->wmask);
		bt__free(e->own_id.ident_profile);
		bt__free(e->own_id.prof);
	} else if (!e->borrowed) {
		bt__identity_release(&e->own_id);
		bt_strmap_release(&e->names);
		bt_h128set_release(&e->eids);
		bt__free(e->journeys);
		bt_u64map_release(&e->jmap);
		bt_u64map_release(&e->tpmap);
		bt_u64map_release(&e->match_cache);
		bt__free(e->links);
		bt__free(e->consent);
		bt__free(e->pdefs);
		bt__free(e->values);
		bt__free(e->wmask);
	}
	if (!e->borrowed_ev) {
		bt__free(e->ev);
		bt__free(e->text);
	}
	bt__free(e->inst);
	bt__free(e->einst);
	bt__free(e->eteam);
	bt__free(e->prom);
	bt__free(e->hand);
	bt__free(e->ls);
	bt__free(e->coll);
	bt__free(e->loop);
	bt__free(e->icase);
	bt__free(e);
}

int64_t bt_engine_as_of(const struct bt_engine *e) { return e->as_of; }

int bt__engine_view(const struct bt_engine *e, const uint32_t *idx, size_t n, int64_t as_of,
		    uint32_t profile, struct bt_engine **out)
{
	struct bt_engine *v = bt__malloc(sizeof(*v));
	*out = NULL;
	if (!v)
		return BT_ENOMEM;
	/* the shared parts by value; nothing of the derivation */
	*v = (struct bt_engine){.cfg = e->cfg,
				.id = e->id,
				.names = e->names,
				.journeys = e->journeys,
				.njourneys = e->njourneys,
				.jmap = e->jmap,
				.tpmap = e->tpmap,
				.marketing = e->marketing,
				.links = e->links,
				.nlinks = e->nlinks,
				.consent = e->consent,
				.nconsent = e->nconsent,
				.pdefs = e->pdefs,
				.npdefs = e->npdefs,
				.values = e->values,
				.nvalues = e->nvalues,
				.wmask = e->wmask,
				.nwmask = e->nwmask,
				.max_ts = BT_TIME_NONE,
				.as_of = as_of,
				.single_profile = 1,
				.view_profile = profile,
				.keep_text = e->keep_text,
				.borrowed = 1};
	if (n && (!(v->ev = bt__reallocarray(NULL, n, sizeof(*v->ev))) ||
		  (e->keep_text && !(v->text = bt__reallocarray(NULL, n, sizeof(*v->text)))))) {
		bt_engine_free(v);
		return BT_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		v->ev[i] = e->ev[idx[i]];
		if (e->keep_text)
			v->text[i] = e->text[idx[i]];
		if (v->ev[i].ts > v->max_ts)
			v->max_ts = v->ev[i].ts;
	}
	v->nev = v->capev = n;
	int rc = bt__engine_derive(v);
	if (rc) {
		bt_engine_free(v);
		return rc;
	}
	*out = v;
	return 0;
}

/* A copy of n elements of size bytes (NULL for none); 0 or BT_ENOMEM. */
static int dup_array(void *dst, const void *src, size_t n, size_t size)
{
	void *p = NULL;
	if (n && src) {
		if (!(p = bt__reallocarray(NULL, n, size)))
			return BT_ENOMEM;
		memcpy(p, src, n * size);
	}
	memcpy(dst, &p, sizeof(p));
	return 0;
}

static int dup_u64map(struct bt_u64map *dst, const struct bt_u64map *src)
{
	size_t n = src->keys ? (size_t)src->mask + 1 : 0;
	*dst = (struct bt_u64map){NULL, NULL, NULL, src->mask, src->count};
	return dup_array(&dst->keys, src->keys, n, sizeof(*src->keys)) ||
			       dup_array(&dst->vals, src->vals, n, sizeof(*src->vals)) ||
			       dup_array(&dst->used, src->used, n, sizeof(*src->used))
		       ? BT_ENOMEM
		       : 0;
}

int bt__engine_snapshot(const struct bt_engine *e, int64_t as_of, struct bt_engine **out)
{
	struct bt_engine *v = bt__calloc(1, sizeof(*v));
	const struct bt__identity *id = e->id;
	*out = NULL;
	if (!v)
		return BT_ENOMEM;
	v->snapshot = v->borrowed_ev = 1;
	v->cfg = e->cfg;
	v->ev = e->ev, v->text = e->text;
	v->nev = v->capev = e->nev;
	v->keep_text = e->keep_text;
	v->max_ts = e->max_ts, v->as_of = as_of;
	v->marketing = e->marketing;
	v->njourneys = e->njourneys, v->nlinks = e->nlinks;
	v->nconsent = e->nconsent, v->npdefs = e->npdefs, v->nvalues = e->nvalues;
	v->nwmask = e->nwmask;
	/* the names' index is copied; the keys stay in e's arena, which only
	 * ever grows by new chunks */
	v->names = (struct bt_strmap){NULL, e->names.mask, NULL, e->names.count, e->names.count,
				      BT_ARENA_INIT};
	/* the identity: only what grouping by profile reads (derive.c) */
	v->id = &v->own_id;
	v->own_id.nidents = id->nidents, v->own_id.nprof = id->nprof;
	int rc = dup_array(&v->names.slots, e->names.slots, e->names.slots ? (size_t)e->names.mask + 1 : 0,
			   sizeof(*e->names.slots)) ||
			 dup_array(&v->names.entries, e->names.entries, e->names.count,
				   sizeof(*e->names.entries)) ||
			 dup_array(&v->journeys, e->journeys, e->njourneys, sizeof(*e->journeys)) ||
			 dup_u64map(&v->jmap, &e->jmap) || dup_u64map(&v->tpmap, &e->tpmap) ||
			 dup_array(&v->links, e->links, e->nlinks, sizeof(*e->links)) ||
			 dup_array(&v->consent, e->consent, e->nconsent, sizeof(*e->consent)) ||
			 dup_array(&v->pdefs, e->pdefs, e->npdefs, sizeof(*e->pdefs)) ||
			 dup_array(&v->values, e->values, e->nvalues, sizeof(*e->values)) ||
			 dup_array(&v->wmask, e->wmask, e->nwmask, sizeof(*e->wmask)) ||
			 dup_array(&v->own_id.ident_profile, id->ident_profile, id->nidents,
				   sizeof(*id->ident_profile)) ||
			 dup_array(&v->own_id.prof, id->prof, id->nprof, sizeof(*id->prof))
		 ? BT_ENOMEM
		 : 0;
	if (rc) {
		bt_engine_free(v);
		return rc;
	}
	*out = v;
	return 0;
}

/* The judging time: the given one, else the latest event. */
static int finish(struct bt_engine *e, int64_t as_of, struct bt_err *err)
{
	e->as_of = as_of != BT_TIME_NONE ? as_of : (e->max_ts != BT_TIME_NONE ? e->max_ts : 0);
	int rc = bt__engine_derive(e);
	return rc ? bt_err_set(err, rc, "deriving journeys: %s", bt_strerror(rc)) : 0;
}

struct load {
	struct bt_engine *e;
	struct bt_json_doc doc;
	struct bt__event ev;
	int64_t as_of;
	struct bt_err *err;
};

int bt__stored_event_read(struct bt_json_doc *doc, struct bt__event *ev, int64_t seq,
			  const char *raw, size_t len, struct bt_err *err)
{
	struct bt_err why = {0, ""}; /* not err: its text is the format's argument */
	int rc = bt_json_parse(doc, raw, len, BT_EVENT_MAX_DEPTH, &why);
	if (!rc)
		rc = bt__event_read(doc, 0, ev, &why);
	if (rc == BT_ENOMEM) /* the event is fine; memory ran out */
		return bt_err_set(err, rc, "out of memory");
	return rc ? bt_err_set(err, BT_ESTORE, "stored event %lld does not read back: %s",
			       (long long)seq, why.msg)
		  : 0;
}

static int load_event(void *ctx, int64_t seq, uint32_t anchor, const char *raw, size_t len)
{
	struct load *l = ctx;
	int rc = bt__stored_event_read(&l->doc, &l->ev, seq, raw, len, l->err);
	if (rc)
		return rc;
	if (l->as_of != BT_TIME_NONE && l->ev.ts > l->as_of)
		return 0;
	return bt__engine_add(l->e, &l->doc, &l->ev, (uint32_t)seq, anchor);
}

int bt_engine_from_db(struct bt_db *db, const struct bt_config *cfg, int64_t as_of,
		      struct bt_engine **out, struct bt_err *err)
{
	struct bt_engine *e = bt__calloc(1, sizeof(*e));
	struct load l = {.e = e, .as_of = as_of, .err = err};
	int rc, changed;
	*out = NULL;
	if (!e)
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	bt_json_doc_init(&l.doc);
	/* one read snapshot: identity and events from the same moment */
	if ((rc = db->store->ops->txn.read_begin(db->store, &changed, err)))
		goto out;
	if ((rc = bt__db_load(db, err)) || (rc = bt__engine_init(e, cfg, &db->id)))
		goto out;
	rc = db->store->ops->events.each(db->store, 0, load_event, &l, err);
	if (!rc)
		rc = finish(e, as_of, err);
out:
	db->store->ops->txn.rollback(db->store);
	bt_json_doc_release(&l.doc);
	if (rc) {
		e->id = NULL;
		bt_engine_free(e);
		if (rc == BT_ENOMEM)
			bt_err_set(err, rc, "out of memory");
		return rc;
	}
	*out = e;
	return 0;
}

/* ---- the engine as ingest's sink (ingest.h) ----
 * `baton kpis --input`: the same validation, duplicate check and identity
 * resolution as a durable ingest, with accepted events added to the engine
 * and rejected ones only reported. */

struct engine_sink {
	struct bt__sink base;
	struct bt_engine *e;
};

static struct bt_engine *sink_engine(struct bt__sink *s) { return ((struct engine_sink *)s)->e; }

static int es_ready(struct bt__sink *s, struct bt__identity **id, int64_t *seq, struct bt_err *err)
{
	struct bt_engine *e = sink_engine(s);
	(void)err;
	*id = e->id;
	*seq = (int64_t)e->next_seq + 1;
	return 0;
}

static void es_prefetch(struct bt__sink *s, const char *eid, size_t n)
{
	bt_h128map_prefetch(&sink_engine(s)->eids, eid, n);
}

static int es_seen(struct bt__sink *s, const struct bt__str *eid, uint64_t h, int *dup,
		   struct bt_err *err)
{
	int added = bt_h128set_add(&sink_engine(s)->eids, eid->s, eid->n);
	(void)h;
	if (added < 0)
		return bt_err_set(err, added, "out of memory");
	*dup = !added;
	return 0;
}

static int es_take(struct bt__sink *s, const struct bt__sink_event *ev, struct bt_err *err)
{
	struct bt_engine *e = sink_engine(s);
	int rc = bt__engine_add(e, ev->doc, ev->ev, (uint32_t)ev->seq, ev->anchor);
	if (rc)
		return bt_err_set(err, rc, "out of memory");
	e->next_seq++;
	return 0;
}

static void es_free(struct bt__sink *s) { bt__free(s); }

static const struct bt__sink_ops engine_sink_ops = {
	.ready = es_ready,
	.prefetch = es_prefetch,
	.seen = es_seen,
	.take = es_take,
	.free = es_free,
};

int bt__ingest_begin_memory(struct bt_engine *e, struct bt_ingest **out, struct bt_err *err)
{
	struct engine_sink *s = bt__calloc(1, sizeof(*s));
	*out = NULL;
	if (!s)
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	s->base.ops = &engine_sink_ops;
	s->e = e;
	return bt__ingest_begin_sink(&s->base, "input", 0, out, err);
}

int bt_engine_from_stream(FILE *f, enum bt_format fmt, const struct bt_config *cfg,
			  int64_t as_of, bt_reject_fn reject, void *ctx,
			  struct bt_ingest_stats *st, struct bt_engine **out, struct bt_err *err)
{
	struct bt_engine *e = bt__calloc(1, sizeof(*e));
	struct bt_ingest *in = NULL;
	int rc;
	*out = NULL;
	if (!e)
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	if ((rc = bt__engine_init(e, cfg, &e->own_id)) || (rc = bt__identity_init(&e->own_id))) {
		bt_engine_free(e);
		return bt_err_set(err, rc, "out of memory");
	}
	if ((rc = bt__identity_apply_config(&e->own_id, cfg))) {
		bt_engine_free(e);
		return bt_err_set(err, rc, "out of memory");
	}
	if ((rc = bt__ingest_begin_memory(e, &in, err)))
		goto out;
	rc = bt_ingest_stream(in, f, fmt, NULL, reject, ctx, err);
	if (rc)
		bt_ingest_abort(in);
	else
		rc = bt_ingest_end(in, st, err);
	if (!rc)
		rc = finish(e, as_of, err);
out:
	if (rc) {
		bt_engine_free(e);
		return rc;
	}
	*out = e;
	return 0;
}
