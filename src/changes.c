/* SPDX-License-Identifier: Apache-2.0 */
/*
 * changes.c - what changed (docs/changes.md): the change calendar in the
 * database, the one list of rule changes and calendar changes, who holds
 * work on a journey, and the impact of a change.
 */
#include "baton/changes.h"

#include "baton/view.h"
#include "db.h"
#include "engine.h"
#include "util/alloc.h"
#include "util/time.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DAY_MS (86400 * INT64_C(1000))

/* ---- the calendar in the database ---- */

int bt_calendar_add(struct bt_db *db, struct bt_calchange *c, const char *who, struct bt_err *err)
{
	const struct bt__store_ops *ops = db->store->ops;
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	bt__free(c->who);
	if (!(c->who = bt__strndup(who, strlen(who))))
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	c->at = (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
	int rc = ops->txn.begin(db->store, err);
	if (rc)
		return rc;
	if (!(rc = ops->calendar.add(db->store, c, &c->id, err)))
		rc = ops->txn.commit(db->store, err);
	if (rc)
		ops->txn.rollback(db->store);
	return rc;
}

int bt_calendar_list(struct bt_db *db, struct bt_calchange **out, size_t *n, struct bt_err *err)
{
	int rc = db->store->ops->calendar.list(db->store, out, n, err);
	if (rc) {
		bt_calchanges_free(*out, *n);
		*out = NULL, *n = 0;
	}
	return rc;
}

int bt_calendar_get(struct bt_db *db, int64_t id, struct bt_calchange *out, struct bt_err *err)
{
	struct bt_calchange *v = NULL;
	size_t n = 0;
	memset(out, 0, sizeof(*out));
	int rc = bt_calendar_list(db, &v, &n, err);
	for (size_t i = 0; !rc && i < n; i++)
		if (v[i].id == id) {
			*out = v[i];
			memset(&v[i], 0, sizeof(v[i]));
			bt_calchanges_free(v, n);
			return 0;
		}
	bt_calchanges_free(v, n);
	return rc ? rc : bt_err_set(err, BT_ENOTFOUND, "no change %lld", (long long)id);
}

/* ---- who is downstream ---- */

/* The journeys (engine indexes) team holds work on: held[j] = 1. */
static int team_held(const struct bt_engine *e, const char *team, uint8_t **out)
{
	int64_t t = bt_strmap_find(&e->names, team, strlen(team));
	uint8_t *held = bt__calloc(e->njourneys + 1, 1);
	*out = held;
	if (!held)
		return BT_ENOMEM;
	for (size_t i = 0; t > 0 && i < e->nev; i++) {
		const struct bt__erec *r = &e->ev[i];
		if (e->einst[i] && e->eteam[i] == (uint32_t)t && r->ts <= e->as_of &&
		    r->ts >= e->as_of - BT_HOLDS_MS)
			held[e->inst[e->einst[i] - 1].journey] = 1;
	}
	return 0;
}

static int holds(const struct bt_engine *e, const uint8_t *held, const char *journey)
{
	for (size_t j = 0; held && j < e->njourneys; j++)
		if (held[j] && !strcmp(bt_strmap_key(&e->names, e->journeys[j].name), journey))
			return 1;
	return 0;
}

int bt_engine_team_holds(const struct bt_engine *e, const char *team, const char *journey)
{
	int64_t t = bt_strmap_find(&e->names, team, strlen(team));
	int64_t jn = bt_strmap_find(&e->names, journey, strlen(journey));
	if (t <= 0 || jn <= 0)
		return 0;
	for (size_t i = e->nev; i-- > 0;) {
		const struct bt__erec *r = &e->ev[i];
		if (!e->einst[i] || e->eteam[i] != (uint32_t)t || r->ts > e->as_of ||
		    r->ts < e->as_of - BT_HOLDS_MS)
			continue;
		if (e->journeys[e->inst[e->einst[i] - 1].journey].name == (uint32_t)jn)
			return 1;
	}
	return 0;
}

/* ---- the one list ---- */

void bt_change_list_release(struct bt_change_list *l)
{
	bt_changes_free(l->rules, l->nrules);
	bt_calchanges_free(l->cal, l->ncal);
	bt__free(l->v);
	memset(l, 0, sizeof(*l));
}

static int owns(const struct bt_config *cfg, const char *person, const char *journey)
{
	const struct bt_cfg_journey *j = cfg ? bt_config_journey(cfg, journey) : NULL;
	return j && j->owner && !strcmp(j->owner, person);
}

static int rule_wanted(const struct bt_config *cfg, const struct bt_engine *e, const uint8_t *held,
		       const struct bt_changes_query *q, const struct bt_change *c)
{
	if (q->upcoming || (q->kind && strcmp(q->kind, "rule")))
		return 0;
	if (q->journey && strcmp(q->journey, c->journey))
		return 0;
	if (q->person && !owns(cfg, q->person, c->journey))
		return 0;
	if (q->from != BT_TIME_NONE && c->at < q->from)
		return 0;
	if (q->to != BT_TIME_NONE && c->at >= q->to)
		return 0;
	return !q->team || (e && holds(e, held, c->journey));
}

static int cal_wanted(const struct bt_config *cfg, const struct bt_engine *e, const uint8_t *held,
		      const struct bt_changes_query *q, const struct bt_calchange *c)
{
	if (q->kind && strcmp(q->kind, c->kind))
		return 0;
	if (q->upcoming && c->date <= q->as_of)
		return 0;
	if (q->journey && !bt_calchange_touches(c, q->journey))
		return 0;
	if (q->from != BT_TIME_NONE && c->date < q->from)
		return 0;
	if (q->to != BT_TIME_NONE && c->date >= q->to)
		return 0;
	int mine = !q->person, hold = !q->team;
	for (size_t i = 0; i < c->njourneys; i++) {
		if (q->person)
			mine |= owns(cfg, q->person, c->journeys[i]);
		if (q->team)
			hold |= e && holds(e, held, c->journeys[i]);
	}
	return mine && hold;
}

/* The order of the list: a before b when it sorts first. */
static int item_cmp(const void *pa, const void *pb)
{
	const struct bt_change_item *a = pa, *b = pb;
	int ka = a->rule ? 0 : 1, kb = b->rule ? 0 : 1;
	int64_t ia = a->rule ? a->rule->id : a->cal->id, ib = b->rule ? b->rule->id : b->cal->id;
	if (a->at != b->at)
		return a->at > b->at ? -1 : 1;
	if (ka != kb)
		return ka - kb;
	return ia > ib ? -1 : ia < ib;
}

/* The whole audit trail of rule changes (kept by people's hands: small),
 * newest first, read a batch at a time. */
static int read_rules(struct bt_db *db, struct bt_change_list *l, struct bt_err *err)
{
	enum { BATCH = 512 };
	int64_t before = 0, total = 0;
	size_t cap = 0;
	for (;;) {
		struct bt_change *v = NULL;
		size_t n = 0;
		int rc = bt_changes_list(db, NULL, before, BATCH, &v, &n, &total, err);
		if (!rc && l->nrules + n > cap) {
			size_t c = cap ? cap * 2 : BATCH;
			while (c < l->nrules + n)
				c *= 2;
			struct bt_change *p = bt__reallocarray(l->rules, c, sizeof(*p));
			if (p)
				l->rules = p, cap = c;
			else
				rc = bt_err_set(err, BT_ENOMEM, "out of memory");
		}
		if (rc) {
			bt_changes_free(v, n);
			return rc;
		}
		if (n)
			memcpy(l->rules + l->nrules, v, n * sizeof(*v));
		l->nrules += n;
		bt__free(v); /* its strings are the list's now */
		if (n < BATCH)
			return 0;
		before = l->rules[l->nrules - 1].id;
	}
}

int bt_changes_run(struct bt_db *db, const struct bt_config *cfg, const struct bt_engine *e,
		   const struct bt_changes_query *q, struct bt_change_list *out, struct bt_err *err)
{
	struct bt_change_item after = {0, NULL, NULL};
	struct bt_change fake_rule = {0};
	struct bt_calchange fake_cal = {0};
	memset(out, 0, sizeof(*out));
	if (q->kind && strcmp(q->kind, "rule")) {
		int known = 0;
		for (size_t i = 0; i < BT_CHANGE_NKINDS; i++)
			known |= !strcmp(q->kind, bt_change_kinds[i]);
		if (!known) {
			const char *all[BT_CHANGE_NKINDS + 1] = {"rule"};
			memcpy(all + 1, bt_change_kinds, sizeof(bt_change_kinds));
			const char *near = bt_suggest(q->kind, strlen(q->kind), all, BT_CHANGE_NKINDS + 1);
			return bt_err_set(err, BT_EINVAL, "kind: '%.40s' is not a kind of change%s%s%s",
					  q->kind,
					  near ? " (did you mean '" : " (rule, campaign, release, price, policy or system",
					  near ? near : "", near ? "'?)" : ")");
		}
	}
	if (q->cursor) { /* AT.K.ID: the last item of the page before */
		long long at, k, id;
		char tail;
		if (sscanf(q->cursor, "%lld.%lld.%lld%c", &at, &k, &id, &tail) != 3 || (k != 0 && k != 1) ||
		    id <= 0)
			return bt_err_set(err, BT_EINVAL, "query parameter cursor: '%.60s' is not a cursor "
							  "(give the 'next' of the page before)", q->cursor);
		after.at = at;
		if (k == 0)
			fake_rule.id = id, after.rule = &fake_rule;
		else
			fake_cal.id = id, after.cal = &fake_cal;
	}
	int rc = read_rules(db, out, err);
	if (!rc)
		rc = bt_calendar_list(db, &out->cal, &out->ncal, err);
	if (!rc && !(out->v = bt__calloc(out->nrules + out->ncal + 1, sizeof(*out->v))))
		rc = bt_err_set(err, BT_ENOMEM, "out of memory");
	if (rc) {
		bt_change_list_release(out);
		return rc;
	}
	uint8_t *held = NULL;
	if (q->team && e && team_held(e, q->team, &held)) {
		bt_change_list_release(out);
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < out->nrules; i++)
		if (rule_wanted(cfg, e, held, q, &out->rules[i]))
			out->v[out->n++] = (struct bt_change_item){out->rules[i].at, &out->rules[i], NULL};
	for (size_t i = 0; i < out->ncal; i++)
		if (cal_wanted(cfg, e, held, q, &out->cal[i]))
			out->v[out->n++] = (struct bt_change_item){out->cal[i].date, NULL, &out->cal[i]};
	bt__free(held);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), item_cmp);
	out->total = out->n;
	size_t first = 0;
	if (q->cursor)
		while (first < out->n && item_cmp(&out->v[first], &after) <= 0)
			first++;
	size_t n = out->n - first < q->limit ? out->n - first : q->limit;
	memmove(out->v, out->v + first, n * sizeof(*out->v));
	if (first + n < out->n) {
		const struct bt_change_item *last = &out->v[n - 1];
		snprintf(out->next, sizeof(out->next), "%lld.%d.%lld", (long long)last->at,
			 last->rule ? 0 : 1, (long long)(last->rule ? last->rule->id : last->cal->id));
	}
	out->n = n;
	return 0;
}

int bt_change_list_json(const struct bt_change_list *l, struct bt_buf *b)
{
	struct bt_buf t = BT_BUF_INIT;
	bt_page_open("changes", b);
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			bt_buf_addc(b, ',');
		if (l->v[i].cal) {
			bt_calchange_json(l->v[i].cal, b);
			continue;
		}
		bt_buf_reset(&t);
		bt_change_json(l->v[i].rule, &t);
		bt_buf_adds(b, "{\"kind\":\"rule\",");
		if (t.len > 1)
			bt_buf_add(b, t.data + 1, t.len - 1);
	}
	int rc = bt_buf_status(&t);
	bt_buf_release(&t);
	if (rc)
		return rc;
	return bt_page_close(l->total, l->next[0] ? l->next : NULL, b);
}

/* ---- the impact of a change ---- */

void bt_impact_release(struct bt_impact *im)
{
	bt__free(im->touched_daily), bt__free(im->all_daily), bt__free(im->teams);
	bt_kpis_free(im->kpis[0]), bt_kpis_free(im->kpis[1]);
	memset(im, 0, sizeof(*im));
}

static int team_cmp(const void *pa, const void *pb)
{
	const struct bt_impact_team *a = pa, *b = pb;
	int64_t xa = (int64_t)a->after - (int64_t)a->before, xb = (int64_t)b->after - (int64_t)b->before;
	if (xa != xb)
		return xa > xb ? -1 : 1;
	if (!a->team || !b->team)
		return !a->team - !b->team; /* nobody's last */
	return strcmp(a->team, b->team);
}

int bt_engine_impact(const struct bt_engine *e, const struct bt_calchange *c, int64_t days,
		     const struct bt_scope *scope, struct bt_impact *im, struct bt_err *err)
{
	memset(im, 0, sizeof(*im));
	im->date = c->date, im->as_of = e->as_of, im->days = days;
	int64_t len = days * DAY_MS;
	im->to = c->date + len < e->as_of ? c->date + len : e->as_of;
	if (im->to < c->date)
		im->to = c->date; /* not yet: nothing after */
	im->from = c->date - (im->to - c->date);
	im->ndays = (size_t)((im->to - c->date + DAY_MS - 1) / DAY_MS);
	uint8_t *touched = bt__calloc(e->njourneys + 1, 1);
	im->touched_daily = bt__calloc(2 * im->ndays + 1, sizeof(uint64_t));
	im->all_daily = bt__calloc(2 * im->ndays + 1, sizeof(uint64_t));
	if (!touched || !im->touched_daily || !im->all_daily)
		goto nomem;
	for (size_t j = 0; j < e->njourneys; j++)
		touched[j] = bt_calchange_touches(c, bt_strmap_key(&e->names, e->journeys[j].name));
	size_t cap = 0;
	for (size_t i = 0; i < e->nev; i++) {
		const struct bt__erec *r = &e->ev[i];
		int feedback_only = (r->flags & EF_FEEDBACK) && r->outcome == BT_OUT_NONE;
		if (!e->einst[i] || r->direction != BT_DIR_INBOUND || feedback_only || r->ts < im->from ||
		    r->ts >= im->to)
			continue;
		uint32_t j = e->inst[e->einst[i] - 1].journey;
		if (scope && scope->person && !bt__journey_owned_by(e, j, scope->person))
			continue;
		int side = r->ts >= c->date;
		/* day 0 is [from, from + 1 day) when the sides are whole days;
		 * days count from the date both ways */
		int64_t k = r->ts >= c->date ? (r->ts - c->date) / DAY_MS
					     : -1 - (c->date - 1 - r->ts) / DAY_MS;
		size_t d = (size_t)((int64_t)im->ndays + k);
		im->all_daily[d]++, im->all[side]++;
		if (!touched[j])
			continue;
		im->touched_daily[d]++, im->touched[side]++;
		const char *team = e->eteam[i] ? bt_strmap_key(&e->names, e->eteam[i]) : NULL;
		size_t t = 0;
		while (t < im->nteams && im->teams[t].team != team &&
		       !(team && im->teams[t].team && !strcmp(team, im->teams[t].team)))
			t++;
		if (t == im->nteams) {
			if (im->nteams == cap) {
				size_t nc = cap ? cap * 2 : 8;
				struct bt_impact_team *p = bt__reallocarray(im->teams, nc, sizeof(*p));
				if (!p)
					goto nomem;
				im->teams = p, cap = nc;
			}
			im->teams[im->nteams++] = (struct bt_impact_team){team, 0, 0};
		}
		if (side)
			im->teams[t].after++;
		else
			im->teams[t].before++;
	}
	if (im->nteams > 1)
		qsort(im->teams, im->nteams, sizeof(*im->teams), team_cmp);
	bt__free(touched);
	struct bt_kpi_query kq[2] = {{NULL, im->from, c->date}, {NULL, c->date, im->to}};
	for (int s = 0; s < 2; s++) {
		int rc = bt_engine_kpis_for(e, &kq[s], scope, &im->kpis[s], err);
		if (rc) {
			bt_impact_release(im);
			return rc;
		}
	}
	return 0;
nomem:
	bt__free(touched);
	bt_impact_release(im);
	return bt_err_set(err, BT_ENOMEM, "out of memory");
}

static const struct bt_journey_kpis *kpis_of(const struct bt_kpis *k, const char *journey)
{
	for (size_t i = 0; k && i < k->njourneys; i++)
		if (!strcmp(k->journeys[i].journey, journey))
			return &k->journeys[i];
	return NULL;
}

static void counts(struct bt_buf *b, const char *key, const uint64_t v[2])
{
	bt_buf_printf(b, "\"%s\":{\"before\":%llu,\"after\":%llu,\"extra\":%lld}", key,
		      (unsigned long long)v[0], (unsigned long long)v[1],
		      (long long)v[1] - (long long)v[0]);
}

int bt_impact_json(const struct bt_calchange *c, const struct bt_impact *im, struct bt_buf *b)
{
	char t[4][32];
	bt_time_format(im->as_of, t[0]), bt_time_format(im->from, t[1]);
	bt_time_format(im->date, t[2]), bt_time_format(im->to, t[3]);
	bt_buf_adds(b, "{\"change\":");
	bt_calchange_json(c, b);
	bt_buf_printf(b, ",\"as_of\":\"%s\",\"days\":%lld,\"length_s\":%lld,\"before\":{\"from\":\"%s\","
			 "\"to\":\"%s\"},\"after\":{\"from\":\"%s\",\"to\":\"%s\"},\"daily\":[",
		      t[0], (long long)im->days, (long long)((im->to - im->date) / 1000), t[1], t[2],
		      t[2], t[3]);
	for (size_t d = 0; d < 2 * im->ndays; d++) {
		int64_t start = im->date + ((int64_t)d - (int64_t)im->ndays) * DAY_MS;
		if (start < im->from)
			start = im->from;
		char s[32];
		bt_time_format(start, s);
		bt_buf_printf(b, "%s{\"day\":%lld,\"from\":\"%s\",\"touched\":%llu,\"all\":%llu}",
			      d ? "," : "", (long long)d - (long long)im->ndays, s,
			      (unsigned long long)im->touched_daily[d], (unsigned long long)im->all_daily[d]);
	}
	bt_buf_adds(b, "],\"contacts\":{");
	counts(b, "touched", im->touched);
	bt_buf_addc(b, ',');
	counts(b, "all", im->all);
	bt_buf_adds(b, "},\"teams\":[");
	for (size_t i = 0; i < im->nteams; i++) {
		const struct bt_impact_team *x = &im->teams[i];
		bt_buf_adds(b, i ? ",{\"team\":" : "{\"team\":");
		bt_buf_json_strz(b, x->team);
		bt_buf_printf(b, ",\"before\":%llu,\"after\":%llu,\"extra\":%lld}",
			      (unsigned long long)x->before, (unsigned long long)x->after,
			      (long long)x->after - (long long)x->before);
	}
	bt_buf_adds(b, "],\"kpis\":[");
	for (size_t i = 0; i < c->njourneys; i++) {
		bt_buf_adds(b, i ? ",{\"journey\":" : "{\"journey\":");
		bt_buf_json_strz(b, c->journeys[i]);
		for (int s = 0; s < 2; s++) {
			const struct bt_journey_kpis *k = kpis_of(im->kpis[s], c->journeys[i]);
			bt_buf_adds(b, s ? ",\"after\":" : ",\"before\":");
			if (k)
				bt_journey_kpis_json(k, b);
			else
				bt_buf_adds(b, "null");
		}
		bt_buf_addc(b, '}');
	}
	bt_buf_adds(b, "]}");
	return bt_buf_status(b);
}
