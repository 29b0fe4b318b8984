/* SPDX-License-Identifier: Apache-2.0 */
/*
 * initiative.c - initiatives and their verdicts (docs/initiatives.md,
 * include/baton/initiative.h).
 *
 * The two groups are sets of instances of the derived engine; each KPI is
 * counted over them exactly as kpi.c counts it (the same per-instance
 * fields, the same denominators), so that the "before" of an initiative
 * without a cohort is what GET /v1/journeys/{id}/kpis?from=&to= answers
 * for the same period.  The intervals are util/stats.c's.
 */
#include "baton/initiative.h"

#include "db.h"
#include "engine.h"
#include "util/alloc.h"
#include "util/json.h"
#include "util/stats.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

enum kpi {
	K_RESOLUTION, K_COMPLETION, K_RECONTACT, K_FCR, K_HANDOFF, K_REPEAT, /* rates */
	K_CSAT, K_CONTACTS, K_TTR,                                           /* means */
	K__COUNT
};

const char *const bt_initiative_kpis[] = {"resolution", "completion",      "recontact",
					  "fcr",        "handoff_success", "repeat",
					  "csat",       "contacts",        "ttr"};
const size_t bt_initiative_nkpis = K__COUNT;

/* The API's keys for the same KPIs (GET /v1/kpis), taken as their names. */
static const char *const api_keys[K__COUNT] = {
	"resolution_rate", "completion_rate",       "recontact_rate", "fcr_rate", "handoff_success_rate",
	"repeat_rate",     "csat_avg", "contacts_per_instance", "ttr_mean_s"};

/* What the text says of each: its label, and its unit. */
static const char *const labels[K__COUNT] = {"resolution",      "completion", "recontact",
					     "first-contact resolution", "handoff success",
					     "repeat", "CSAT", "contacts per instance",
					     "time to resolve"};

static char *dupz(const char *s) { return bt__strndup(s, strlen(s)); }

static int kpi_of(const char *name)
{
	for (int k = 0; name && k < K__COUNT; k++)
		if (!strcmp(name, bt_initiative_kpis[k]) || !strcmp(name, api_keys[k]))
			return k;
	return -1;
}

static int is_rate(int k) { return k < K_CSAT; }
static int lower_better(int k)
{
	return k == K_RECONTACT || k == K_REPEAT || k == K_CONTACTS || k == K_TTR;
}

void bt_initiative_release(struct bt_initiative *in)
{
	bt__free(in->name), bt__free(in->journey), bt__free(in->kpi);
	bt__free(in->cohort_field), bt__free(in->cohort_value), bt__free(in->created_by);
	memset(in, 0, sizeof(*in));
	in->min_effect = NAN;
}

static int cohort_field_ok(const char *f)
{
	return !strcmp(f, "source") || !strcmp(f, "channel") || !strcmp(f, "team") ||
	       (!strncmp(f, "props.", 6) && f[6] && !strchr(f + 6, '.'));
}

int bt_initiative_check(struct bt_initiative *in, const struct bt_config *cfg, struct bt_err *err)
{
	if (!in->name || !*in->name)
		return bt_err_set(err, BT_EINVAL, "name: give the initiative a name");
	if (strlen(in->name) > 200)
		return bt_err_set(err, BT_EINVAL, "name: at most 200 bytes");
	if (!in->journey || !*in->journey)
		return bt_err_set(err, BT_EINVAL, "journey: name the journey it changes");
	if (cfg && !bt_config_journey(cfg, in->journey)) {
		const char **ids = bt__calloc(cfg->njourneys + 1, sizeof(*ids));
		const char *near = NULL;
		for (size_t i = 0; ids && i < cfg->njourneys; i++)
			ids[i] = cfg->journeys[i].id;
		if (ids)
			near = bt_suggest(in->journey, strlen(in->journey), ids, cfg->njourneys);
		int rc = near ? bt_err_set(err, BT_EINVAL,
					   "journey: '%.60s' is not a journey of the configuration (did you mean '%s'?)",
					   in->journey, near)
			      : bt_err_set(err, BT_EINVAL,
					   "journey: '%.60s' is not a journey of the configuration", in->journey);
		bt__free(ids);
		return rc;
	}
	int k = kpi_of(in->kpi);
	if (k < 0) {
		const char *near = in->kpi ? bt_suggest(in->kpi, strlen(in->kpi), bt_initiative_kpis, K__COUNT) : NULL;
		if (!in->kpi)
			return bt_err_set(err, BT_EINVAL, "kpi: name the KPI that judges it (resolution, recontact, ...)");
		if (near)
			return bt_err_set(err, BT_EINVAL, "kpi: '%.60s' is not a KPI an initiative is judged by (did you mean '%s'?)",
					  in->kpi, near);
		return bt_err_set(err, BT_EINVAL,
				  "kpi: '%.60s' is not one of resolution, completion, recontact, fcr, "
				  "handoff_success, repeat, csat, contacts, ttr", in->kpi);
	}
	if (strcmp(in->kpi, bt_initiative_kpis[k])) { /* an API key: the KPI's own name */
		char *c = dupz(bt_initiative_kpis[k]);
		if (!c)
			return bt_err_set(err, BT_ENOMEM, "out of memory");
		bt__free(in->kpi);
		in->kpi = c;
	}
	if (in->start == BT_TIME_NONE)
		return bt_err_set(err, BT_EINVAL, "start: give the time it started (RFC 3339, or a date)");
	if (!in->cohort_field != !in->cohort_value)
		return bt_err_set(err, BT_EINVAL, "cohort: give both its field and its value");
	if (in->cohort_field && !cohort_field_ok(in->cohort_field))
		return bt_err_set(err, BT_EINVAL,
				  "cohort.field: '%.60s' is not source, channel, team or props.NAME",
				  in->cohort_field);
	if (in->cohort_value && !*in->cohort_value)
		return bt_err_set(err, BT_EINVAL, "cohort.value: give the value");
	if (in->min_sample < 2 || in->min_sample > 100000000)
		return bt_err_set(err, BT_EINVAL, "min_sample: a whole number from 2 to 100000000");
	if (!isnan(in->min_effect) && !(in->min_effect >= 0 && isfinite(in->min_effect)))
		return bt_err_set(err, BT_EINVAL, "min_effect: a number, 0 or more");
	return 0;
}

/* ---- the body of POST /v1/initiatives ---- */

static int dup_field(const struct bt_json_doc *d, uint32_t i, const char *name, char **out,
		     struct bt_err *err)
{
	if (d->nodes[i].type != BT_JSON_STRING || strlen(d->nodes[i].s) != d->nodes[i].len)
		return bt_err_set(err, BT_EINVAL, "%s: a string", name);
	if (!(*out = dupz(d->nodes[i].s)))
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	return 0;
}

int bt_initiative_parse(const char *json, size_t len, struct bt_initiative *in, struct bt_err *err)
{
	static const char *const keys[] = {"name", "journey", "kpi", "start", "cohort", "min_sample",
					   "min_effect"};
	struct bt_json_doc d;
	int rc = 0;
	memset(in, 0, sizeof(*in));
	in->start = BT_TIME_NONE, in->min_sample = 100, in->min_effect = NAN;
	bt_json_doc_init(&d);
	d.max_nodes = 256;
	if (bt_json_parse(&d, json, len, 8, err) || d.nodes[0].type != BT_JSON_OBJECT) {
		bt_json_doc_release(&d);
		return bt_err_set(err, BT_EINVAL, "the body: a JSON object {\"name\", \"journey\", \"kpi\", \"start\", ...}");
	}
	for (uint32_t i = 1; i < d.count && !rc; i = d.nodes[i + 1].end) { /* unknown members */
		const char *k = d.nodes[i].s;
		int known = 0;
		for (size_t j = 0; j < sizeof(keys) / sizeof(keys[0]); j++)
			known |= !strcmp(k, keys[j]);
		if (!known) {
			const char *near = bt_suggest(k, strlen(k), keys, sizeof(keys) / sizeof(keys[0]));
			rc = near ? bt_err_set(err, BT_EINVAL, "%.60s: not a field of an initiative (did you mean '%s'?)", k, near)
				  : bt_err_set(err, BT_EINVAL, "%.60s: not a field of an initiative", k);
		}
	}
	uint32_t v;
	if (!rc && (v = bt_json_get(&d, 0, "name")))
		rc = dup_field(&d, v, "name", &in->name, err);
	if (!rc && (v = bt_json_get(&d, 0, "journey")))
		rc = dup_field(&d, v, "journey", &in->journey, err);
	if (!rc && (v = bt_json_get(&d, 0, "kpi")))
		rc = dup_field(&d, v, "kpi", &in->kpi, err);
	if (!rc && (v = bt_json_get(&d, 0, "start"))) {
		const struct bt_json_node *s = &d.nodes[v];
		if (s->type != BT_JSON_STRING || bt_time_parse(s->s, s->len, &in->start))
			rc = bt_err_set(err, BT_EINVAL, "start: a time (RFC 3339, or a date like 2026-03-01)");
	}
	if (!rc && (v = bt_json_get(&d, 0, "min_sample"))) {
		int64_t n;
		if (d.nodes[v].type != BT_JSON_NUMBER || bt_json_i64(&d.nodes[v], &n) || n < 2 ||
		    n > 100000000)
			rc = bt_err_set(err, BT_EINVAL, "min_sample: a whole number from 2 to 100000000");
		else
			in->min_sample = n;
	}
	if (!rc && (v = bt_json_get(&d, 0, "min_effect"))) {
		double x;
		if (d.nodes[v].type != BT_JSON_NUMBER || bt_json_double(&d.nodes[v], &x) || !(x >= 0))
			rc = bt_err_set(err, BT_EINVAL, "min_effect: a number, 0 or more");
		else
			in->min_effect = x;
	}
	if (!rc && (v = bt_json_get(&d, 0, "cohort")) && d.nodes[v].type != BT_JSON_NULL) {
		uint32_t f = 0, x = 0;
		if (d.nodes[v].type != BT_JSON_OBJECT || d.nodes[v].len != 2 ||
		    !(f = bt_json_get(&d, v, "field")) || !(x = bt_json_get(&d, v, "value")))
			rc = bt_err_set(err, BT_EINVAL, "cohort: {\"field\": \"source\"|\"channel\"|\"team\"|\"props.NAME\", \"value\": ...}");
		if (!rc)
			rc = dup_field(&d, f, "cohort.field", &in->cohort_field, err);
		if (!rc) {
			const struct bt_json_node *n = &d.nodes[x];
			if (n->type == BT_JSON_STRING)
				rc = dup_field(&d, x, "cohort.value", &in->cohort_value, err);
			else if (n->type == BT_JSON_NUMBER || n->type == BT_JSON_TRUE || n->type == BT_JSON_FALSE) {
				/* a number or a boolean as the text it has in an event */
				const char *t = n->type == BT_JSON_TRUE ? "true" : n->type == BT_JSON_FALSE ? "false" : NULL;
				in->cohort_value = t ? dupz(t) : bt__strndup(n->s, n->len);
				if (!in->cohort_value)
					rc = bt_err_set(err, BT_ENOMEM, "out of memory");
			} else
				rc = bt_err_set(err, BT_EINVAL, "cohort.value: a string, a number or a boolean");
		}
	}
	bt_json_doc_release(&d);
	if (!rc)
		rc = bt_initiative_check(in, NULL, err);
	if (rc)
		bt_initiative_release(in);
	return rc;
}

/* ---- the store ---- */

static int64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int bt_initiative_add(struct bt_db *db, struct bt_initiative *in, struct bt_err *err)
{
	const struct bt__store_ops *ops = db->store->ops;
	int rc = bt_initiative_check(in, NULL, err);
	if (rc)
		return rc;
	if (!in->created_by && !(in->created_by = dupz("cli")))
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	if (!in->created)
		in->created = now_ms();
	if ((rc = ops->txn.begin(db->store, err)))
		return rc;
	if (!(rc = ops->initiatives.insert(db->store, in, &in->id, err)))
		rc = ops->txn.commit(db->store, err);
	if (rc)
		ops->txn.rollback(db->store);
	return rc;
}

int bt_initiatives_list(struct bt_db *db, struct bt_initiative **out, size_t *n,
			struct bt_err *err)
{
	int rc = db->store->ops->initiatives.list(db->store, out, n, err);
	if (rc) {
		bt_initiatives_free(*out, *n);
		*out = NULL, *n = 0;
	}
	return rc;
}

/* ---- the cohort: what an instance's first event says ---- */

/* The props cohort: which events (their numbers) are the first of the
 * instances asked about, and of those, the ones whose props.X is value. */
struct props_scan {
	struct bt_u64map want; /* event number → instance index + 1 */
	uint8_t *in;            /* per instance: 1 in the cohort */
	const char *key, *value;
	struct bt_json_doc doc;
};

static int props_match(const struct bt_json_doc *d, uint32_t props, const char *key, const char *value)
{
	uint32_t v = props ? bt_json_get(d, props, key) : 0;
	if (!v)
		return 0;
	const struct bt_json_node *n = &d->nodes[v];
	switch (n->type) {
	case BT_JSON_STRING: return strlen(value) == n->len && !memcmp(n->s, value, n->len);
	case BT_JSON_NUMBER: return strlen(value) == n->len && !memcmp(n->s, value, n->len);
	case BT_JSON_TRUE: return !strcmp(value, "true");
	case BT_JSON_FALSE: return !strcmp(value, "false");
	default: return 0;
	}
}

static int props_event(void *ctx, int64_t seq, uint32_t anchor, const char *raw, size_t n)
{
	struct props_scan *p = ctx;
	uint32_t inst;
	struct bt_err err;
	(void)anchor;
	if (seq < 0 || !bt_u64map_get(&p->want, (uint64_t)seq, &inst) || !raw)
		return 0;
	if (bt_json_parse(&p->doc, raw, n, 64, &err) || p->doc.nodes[0].type != BT_JSON_OBJECT)
		return 0; /* a tombstone, or unreadable: not in the cohort */
	uint32_t props = bt_json_get(&p->doc, 0, "props");
	if (props && p->doc.nodes[props].type == BT_JSON_OBJECT)
		p->in[inst - 1] = (uint8_t)props_match(&p->doc, props, p->key, p->value);
	return 0;
}

/* The index of journey id in e, or -1. */
static int32_t journey_of(const struct bt_engine *e, const char *id)
{
	int64_t name = bt_strmap_find(&e->names, id, strlen(id));
	uint32_t v;
	if (name < 0 || !bt_u64map_get(&e->jmap, (uint64_t)name, &v))
		return -1;
	return (int32_t)v - 1;
}

/* Mark cohort[i] = 1 for the instances of journey j opened in [from, to)
 * whose first event is in the cohort. */
static int mark_cohort(const struct bt_engine *e, struct bt_db *db, const struct bt_initiative *in,
		       int32_t j, int64_t from, int64_t to, uint8_t *cohort, struct bt_err *err)
{
	const char *f = in->cohort_field;
	int field = !strcmp(f, "source") ? 0 : !strcmp(f, "channel") ? 1 : !strcmp(f, "team") ? 2 : 3;
	int64_t name = field == 1 || field == 3 ? -1 : bt_strmap_find(&e->names, in->cohort_value, strlen(in->cohort_value));
	int channel = -1;
	for (int c = 1; field == 1 && c < BT_CH__COUNT; c++)
		if (!strcmp(bt_channel_names[c], in->cohort_value))
			channel = c;
	struct props_scan p;
	memset(&p, 0, sizeof(p));
	int rc = 0;
	int64_t lo = INT64_MAX;
	if (field == 3) {
		if (!db)
			return bt_err_set(err, BT_EUNSUPPORTED, "a props cohort is read from the database");
		p.in = cohort, p.key = f + 6, p.value = in->cohort_value;
		bt_json_doc_init(&p.doc);
	}
	for (size_t i = 0; i < e->nev && !rc; i++) {
		uint32_t x = e->einst[i];
		if (!x)
			continue;
		const struct bt__inst *it = &e->inst[x - 1];
		if ((int32_t)it->journey != j || it->opened < from || it->opened >= to ||
		    e->ev[i].seq != it->opener)
			continue;
		const struct bt__erec *r = &e->ev[i];
		switch (field) {
		case 0: cohort[x - 1] = name > 0 && r->source == (uint32_t)name; break;
		case 1: cohort[x - 1] = channel > 0 && r->channel == channel; break;
		case 2: cohort[x - 1] = name > 0 && r->team == (uint32_t)name; break;
		default:
			if (bt_u64map_put(&p.want, r->seq, x))
				rc = bt_err_set(err, BT_ENOMEM, "out of memory");
			if (r->seq < lo)
				lo = r->seq;
		}
	}
	if (field == 3) {
		if (!rc && lo != INT64_MAX)
			rc = db->store->ops->events.each(db->store, lo - 1, props_event, &p, err);
		bt_u64map_release(&p.want);
		bt_json_doc_release(&p.doc);
	}
	return rc;
}

/* ---- the two groups and the KPI over each ---- */

struct tally {
	uint64_t n, x, instances;
	double sum, sq; /* means: the sum of the values and of their squares */
};

/* Count instance `it` into t, as kpi.c counts it for KPI k. */
static void tally_add(const struct bt_engine *e, int k, struct tally *t, const struct bt__inst *it)
{
	const struct bt__journey *j = &e->journeys[it->journey];
	int ended = it->state == IS_RESOLVED || it->state == IS_ABANDONED;
	int resolved = it->first_resolved != BT_TIME_NONE;
	t->instances++;
	switch (k) {
	case K_RESOLUTION:
		t->n += ended;
		t->x += it->state == IS_RESOLVED && !it->recontacted &&
			e->as_of - it->resolved_at >= j->recontact;
		break;
	case K_COMPLETION: t->n += ended, t->x += it->state == IS_RESOLVED; break;
	case K_RECONTACT: t->n += resolved, t->x += resolved && it->recontacted; break;
	case K_FCR: t->n += resolved, t->x += resolved && it->fcr && !it->recontacted; break;
	case K_HANDOFF: t->n += it->handoffs, t->x += it->clean; break;
	case K_REPEAT: t->n += it->contacts, t->x += it->repeats; break;
	case K_CSAT:
		t->n += it->csat_n, t->sum += it->csat_sum, t->sq += it->csat_sq;
		break;
	case K_CONTACTS:
		t->n++, t->sum += it->contacts, t->sq += (double)it->contacts * it->contacts;
		break;
	case K_TTR:
		if (resolved) {
			double s = (double)(it->first_resolved - it->opened) / 1000.0;
			t->n++, t->sum += s, t->sq += s * s;
		}
		break;
	}
}

static void side_of(int k, const struct tally *t, struct bt_initiative_side *s)
{
	s->n = t->n, s->x = t->x, s->instances = t->instances;
	s->var = NAN;
	if (!t->n) {
		s->value = NAN;
		return;
	}
	if (is_rate(k)) {
		s->value = (double)t->x / (double)t->n;
		return;
	}
	s->value = t->sum / (double)t->n;
	if (t->n >= 2) {
		/* (Σx² - n·mean²) / (n - 1), kept from going below 0 by rounding */
		double v = (t->sq - (double)t->n * s->value * s->value) / (double)(t->n - 1);
		s->var = v > 0 ? v : 0;
	}
}

/* How the figures read in the why: a rate in percent, a difference of
 * rates in points, a TTR in hours, other means as they are. */
static void fmt_value(int k, double v, char out[32])
{
	if (isnan(v))
		snprintf(out, 32, "-");
	else if (is_rate(k))
		snprintf(out, 32, "%.1f%%", 100.0 * v);
	else if (k == K_TTR)
		snprintf(out, 32, "%.2f h", v / 3600.0);
	else
		snprintf(out, 32, "%.2f", v);
}

static void fmt_diff(int k, double v, char out[32])
{
	if (is_rate(k))
		snprintf(out, 32, "%+.1f points", 100.0 * v);
	else if (k == K_TTR)
		snprintf(out, 32, "%+.2f h", v / 3600.0);
	else
		snprintf(out, 32, "%+.2f", v);
}

static void fmt_size(int k, double v, char out[32])
{
	if (is_rate(k))
		snprintf(out, 32, "%.1f points", 100.0 * v);
	else if (k == K_TTR)
		snprintf(out, 32, "%.2f h", v / 3600.0);
	else
		snprintf(out, 32, "%.2f", v);
}

static void judge(int k, const struct bt_initiative *in, struct bt_verdict *v)
{
	const struct bt_initiative_side *b = &v->before, *a = &v->after;
	char bv[32], av[32], d[32], lo[32], hi[32], me[32];
	const char *unit = k == K_CSAT ? "answers" : k == K_HANDOFF ? "handoffs" : k == K_REPEAT ? "contacts"
			 : k == K_RESOLUTION || k == K_COMPLETION ? "ended instances"
			 : k == K_CONTACTS ? "instances" : "resolved instances";
	const char *cmp = in->cohort_field ? "the rest of the period" : "before";
	v->verdict = "unknown";
	v->ci_low = v->ci_high = NAN;
	v->effect = a->value - b->value; /* NaN when a side has no units */
	v->min_effect = !isnan(in->min_effect) ? in->min_effect : is_rate(k) ? 0.01 : 0.01 * fabs(b->value);
	fmt_value(k, b->value, bv), fmt_value(k, a->value, av);
	if (a->n < (uint64_t)in->min_sample || b->n < (uint64_t)in->min_sample) {
		snprintf(v->why, sizeof(v->why),
			 "%s %s after (%llu %s) against %s %s (%llu): each side needs %lld %s, so it is "
			 "too early to judge",
			 labels[k], av, (unsigned long long)a->n, unit, bv, cmp, (unsigned long long)b->n,
			 (long long)in->min_sample, unit);
		return;
	}
	if (is_rate(k))
		bt__newcombe(a->x, a->n, b->x, b->n, BT_Z975, &v->ci_low, &v->ci_high);
	else {
		double df;
		bt__welch(a->value, a->var, a->n, b->value, b->var, b->n, 0.975, &v->ci_low, &v->ci_high, &df);
	}
	/* the interval on the improving side: lower is better flips it */
	double s = v->lower_better ? -1.0 : 1.0;
	double ilo = s > 0 ? v->ci_low : -v->ci_high, ihi = s > 0 ? v->ci_high : -v->ci_low;
	fmt_diff(k, v->effect, d), fmt_diff(k, v->ci_low, lo), fmt_diff(k, v->ci_high, hi);
	fmt_size(k, v->min_effect, me);
	int n = snprintf(v->why, sizeof(v->why), "%s %s after (%llu %s) against %s %s (%llu): %s, 95%% interval %s to %s",
			 labels[k], av, (unsigned long long)a->n, unit, bv, cmp,
			 (unsigned long long)b->n, d, lo, hi);
	size_t at = n > 0 && (size_t)n < sizeof(v->why) ? (size_t)n : sizeof(v->why) - 1;
	const char *dir = v->lower_better ? "lower is better" : "higher is better";
	if (ilo > 0) {
		v->verdict = "continue";
		snprintf(v->why + at, sizeof(v->why) - at, "; %s, and the whole interval is an improvement: continue", dir);
	} else if (ihi < 0) {
		v->verdict = "stop";
		snprintf(v->why + at, sizeof(v->why) - at, "; %s, and the whole interval is a worsening: stop", dir);
	} else if (ihi <= v->min_effect) {
		v->verdict = "stop";
		fmt_size(k, ihi, hi);
		snprintf(v->why + at, sizeof(v->why) - at,
			 "; %s, and at best it improves by %s, not more than the minimum effect of %s: stop",
			 dir, hi, me);
	} else
		snprintf(v->why + at, sizeof(v->why) - at,
			 "; %s: the interval holds both no improvement and one larger than the minimum "
			 "effect of %s, so it is not known yet",
			 dir, me);
}

int bt_engine_initiative(const struct bt_engine *e, struct bt_db *db, const struct bt_initiative *in,
			 struct bt_verdict *out, struct bt_err *err)
{
	int k = kpi_of(in->kpi);
	memset(out, 0, sizeof(*out));
	out->in = in;
	out->as_of = e->as_of;
	if (k < 0)
		return bt_err_set(err, BT_EINVAL, "kpi: '%s' is not a KPI an initiative is judged by", in->kpi);
	out->rate = is_rate(k);
	out->lower_better = lower_better(k);
	out->method = out->rate ? "newcombe" : "welch";
	/* after: [start, as_of); before: as long before the start, or the
	 * rest of the after period when there is a cohort */
	int64_t start = in->start, end = e->as_of > start ? e->as_of : start;
	out->after.from = start, out->after.to = end;
	if (in->cohort_field)
		out->before.from = start, out->before.to = end;
	else
		out->before.from = start - (end - start), out->before.to = start;
	struct tally tb = {0, 0, 0, 0, 0}, ta = {0, 0, 0, 0, 0};
	int32_t j = journey_of(e, in->journey);
	uint8_t *cohort = NULL;
	int rc = 0;
	if (j >= 0 && in->cohort_field) {
		if (!(cohort = bt__calloc(e->ninst + 1, 1)))
			return bt_err_set(err, BT_ENOMEM, "out of memory");
		rc = mark_cohort(e, db, in, j, start, end, cohort, err);
	}
	for (size_t i = 0; j >= 0 && !rc && i < e->ninst; i++) {
		const struct bt__inst *it = &e->inst[i];
		if ((int32_t)it->journey != j)
			continue;
		if (it->opened >= start && it->opened < end) {
			if (!cohort || cohort[i])
				tally_add(e, k, &ta, it);
			else
				tally_add(e, k, &tb, it);
		} else if (!cohort && it->opened >= out->before.from && it->opened < start)
			tally_add(e, k, &tb, it);
	}
	bt__free(cohort);
	if (rc)
		return rc;
	side_of(k, &ta, &out->after);
	side_of(k, &tb, &out->before);
	judge(k, in, out);
	return 0;
}

int bt_initiative_visible(const struct bt_config *cfg, const struct bt_initiative *in,
			  const struct bt_scope *scope)
{
	if (!scope || !scope->person)
		return !(scope && scope->team); /* a team sees none: initiatives are journeys' */
	const struct bt_cfg_journey *j = cfg ? bt_config_journey(cfg, in->journey) : NULL;
	return j && j->owner && !strcmp(j->owner, scope->person);
}

int bt_engine_initiatives(const struct bt_engine *e, struct bt_db *db,
			  const struct bt_initiative *v, size_t n, const struct bt_scope *scope,
			  const char *journey, struct bt_verdict **out, size_t *nout,
			  struct bt_err *err)
{
	struct bt_verdict *r = bt__calloc(n + 1, sizeof(*r));
	int rc = 0;
	*out = r, *nout = 0;
	if (!r)
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	for (size_t i = 0; i < n && !rc; i++) {
		if (!bt_initiative_visible(e->cfg, &v[i], scope) || (journey && strcmp(journey, v[i].journey)))
			continue;
		if (!(rc = bt_engine_initiative(e, db, &v[i], &r[*nout], err)))
			++*nout;
	}
	return rc;
}

/* ---- JSON ---- */

static int side_json(struct bt_buf *b, const struct bt_initiative_side *s)
{
	char t[32];
	int rc = bt_buf_adds(b, "{\"value\":");
	rc = rc ? rc : bt_buf_json_num(b, s->value);
	rc = rc ? rc : bt_buf_printf(b, ",\"n\":%llu,\"instances\":%llu,\"from\":",
				    (unsigned long long)s->n, (unsigned long long)s->instances);
	bt_time_print(s->from, t);
	rc = rc ? rc : bt_buf_json_strz(b, t);
	bt_time_print(s->to, t);
	rc = rc ? rc : bt_buf_adds(b, ",\"to\":");
	rc = rc ? rc : bt_buf_json_strz(b, t);
	return rc ? rc : bt_buf_addc(b, '}');
}

int bt_verdict_json(const struct bt_verdict *v, struct bt_buf *b)
{
	const struct bt_initiative *in = v->in;
	char t[32];
	int rc = bt_buf_printf(b, "{\"id\":%lld,\"name\":", (long long)in->id);
	rc = rc ? rc : bt_buf_json_strz(b, in->name);
	rc = rc ? rc : bt_buf_adds(b, ",\"journey\":");
	rc = rc ? rc : bt_buf_json_strz(b, in->journey);
	rc = rc ? rc : bt_buf_adds(b, ",\"kpi\":");
	rc = rc ? rc : bt_buf_json_strz(b, in->kpi);
	bt_time_print(in->start, t);
	rc = rc ? rc : bt_buf_adds(b, ",\"start\":");
	rc = rc ? rc : bt_buf_json_strz(b, t);
	rc = rc ? rc : bt_buf_adds(b, ",\"cohort\":");
	if (in->cohort_field) {
		rc = rc ? rc : bt_buf_adds(b, "{\"field\":");
		rc = rc ? rc : bt_buf_json_strz(b, in->cohort_field);
		rc = rc ? rc : bt_buf_adds(b, ",\"value\":");
		rc = rc ? rc : bt_buf_json_strz(b, in->cohort_value);
		rc = rc ? rc : bt_buf_addc(b, '}');
	} else
		rc = rc ? rc : bt_buf_adds(b, "null");
	rc = rc ? rc : bt_buf_printf(b, ",\"min_sample\":%lld,\"min_effect\":", (long long)in->min_sample);
	rc = rc ? rc : bt_buf_json_num(b, !isnan(v->min_effect) ? v->min_effect : in->min_effect);
	rc = rc ? rc : bt_buf_adds(b, ",\"created_by\":");
	rc = rc ? rc : bt_buf_json_strz(b, in->created_by);
	bt_time_print(in->created, t);
	rc = rc ? rc : bt_buf_adds(b, ",\"created\":");
	rc = rc ? rc : bt_buf_json_strz(b, t);
	bt_time_print(v->as_of, t);
	rc = rc ? rc : bt_buf_adds(b, ",\"as_of\":");
	rc = rc ? rc : bt_buf_json_strz(b, t);
	rc = rc ? rc : bt_buf_printf(b, ",\"method\":\"%s\",\"direction\":\"%s\",\"before\":", v->method,
				    v->lower_better ? "lower_is_better" : "higher_is_better");
	rc = rc ? rc : side_json(b, &v->before);
	rc = rc ? rc : bt_buf_adds(b, ",\"after\":");
	rc = rc ? rc : side_json(b, &v->after);
	rc = rc ? rc : bt_buf_adds(b, ",\"effect\":");
	rc = rc ? rc : bt_buf_json_num(b, v->effect);
	rc = rc ? rc : bt_buf_adds(b, ",\"ci_low\":");
	rc = rc ? rc : bt_buf_json_num(b, v->ci_low);
	rc = rc ? rc : bt_buf_adds(b, ",\"ci_high\":");
	rc = rc ? rc : bt_buf_json_num(b, v->ci_high);
	rc = rc ? rc : bt_buf_adds(b, ",\"verdict\":");
	rc = rc ? rc : bt_buf_json_strz(b, v->verdict);
	rc = rc ? rc : bt_buf_adds(b, ",\"why\":");
	rc = rc ? rc : bt_buf_json_strz(b, v->why);
	return rc ? rc : bt_buf_addc(b, '}');
}

int bt_verdicts_json(const struct bt_verdict *v, size_t n, int64_t as_of, struct bt_buf *b)
{
	char t[32];
	bt_time_print(as_of, t);
	int rc = bt_buf_adds(b, "{\"as_of\":");
	rc = rc ? rc : bt_buf_json_strz(b, t);
	rc = rc ? rc : bt_buf_adds(b, ",\"initiatives\":[");
	for (size_t i = 0; i < n && !rc; i++) {
		rc = i ? bt_buf_addc(b, ',') : 0;
		rc = rc ? rc : bt_verdict_json(&v[i], b);
	}
	return rc ? rc : bt_buf_adds(b, "]}");
}
