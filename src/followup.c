/* SPDX-License-Identifier: Apache-2.0 */
/*
 * followup.c - closed-loop feedback (docs/followups.md): follow-ups from a
 * derived engine, and their KPIs.
 *
 * A follow-up is derived, like an escalation.  derive.c notes, per
 * instance in time order, the negative feedback (an event whose scores or
 * comment match a trigger of the instance's journey) and the events that
 * reach the customer back after it (an outbound event, or an inbound
 * contact a team answered).  Here they are walked with the closes by hand
 * the store keeps: negative feedback opens a follow-up when none is open
 * on the instance (its id "F" and the feedback's seq, due followup_sla
 * after it) and is added to the open one otherwise; a reaching back closes
 * the open one at its time, and so does a close by hand, from its time on.
 * Windows are half-open: closed exactly at the due time is late, and a
 * follow-up is overdue from its due time while open.
 */
#define _GNU_SOURCE 1 /* qsort_r */
#include "engine.h"
#include "view.h"

#include "baton/view.h"
#include "util/alloc.h"
#include "util/select.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int by_inst(const void *a, const void *b, void *ctx)
{
	const struct bt__loop *l = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	if (l[x].inst != l[y].inst)
		return l[x].inst < l[y].inst ? -1 : 1;
	return x < y ? -1 : x > y; /* each instance's in time order, as noted */
}

/* The first close by hand of follow-up id up to until; NULL when none. */
static const struct bt_fu_close *hand_close(const struct bt_fu_close *c, size_t n, int64_t until,
					    const char *id)
{
	const struct bt_fu_close *best = NULL;
	for (size_t k = 0; k < n; k++)
		if (c[k].at <= until && !strcmp(c[k].id, id) && (!best || c[k].at < best->at))
			best = &c[k];
	return best;
}

static void close_by_hand(struct bt_followup *f, const struct bt_fu_close *h)
{
	f->closed = h->at > f->opened ? h->at : f->opened;
	f->hand = h;
}

int bt_engine_followups(const struct bt_engine *e, const struct bt_fu_close *closes, size_t nc,
			int64_t until, struct bt_followup **out, size_t *n, struct bt_err *err)
{
	uint32_t *order = bt__reallocarray(NULL, e->nloop + 1, sizeof(*order));
	struct bt_followup *v = bt__reallocarray(NULL, e->nloop + 1, sizeof(*v));
	*out = NULL, *n = 0;
	if (!order || !v) {
		bt__free(order), bt__free(v);
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	}
	for (uint32_t k = 0; k < e->nloop; k++)
		order[k] = k;
	qsort_r(order, e->nloop, sizeof(*order), by_inst, e->loop);
	struct bt_followup *open = NULL;
	const struct bt_fu_close *h = NULL;
	for (size_t x = 0; x < e->nloop; x++) {
		const struct bt__loop *l = &e->loop[order[x]];
		const struct bt__erec *r = &e->ev[l->ev];
		if (open && open->instance != l->inst)
			open = NULL; /* the instance before: its follow-up stays as it is */
		if (open && h && h->at <= r->ts) {
			close_by_hand(open, h);
			open = NULL;
		}
		if (!l->trigger) {
			if (open) {
				open->closed = r->ts;
				open->closed_by = l->ev + 1;
				open = NULL;
			}
			continue;
		}
		if (open) {
			open->negatives++;
			continue;
		}
		const struct bt__inst *in = &e->inst[l->inst];
		const struct bt__journey *j = &e->journeys[in->journey];
		open = &v[(*n)++];
		memset(open, 0, sizeof(*open));
		snprintf(open->id, sizeof(open->id), "F%u", r->seq);
		open->journey = bt_strmap_key(&e->names, j->name);
		open->owner = j->cfg ? j->cfg->owner : NULL;
		open->team = l->team ? bt_strmap_key(&e->names, l->team) : NULL;
		open->instance = l->inst;
		open->opener = in->opener;
		open->feedback = l->ev;
		open->negatives = 1;
		open->opened = r->ts;
		open->due = r->ts + (j->cfg   ? j->cfg->followup_sla_ms
				     : e->cfg ? e->cfg->followup_sla_ms
					      : BT_DEFAULT_FOLLOWUP_SLA_MS);
		open->closed = BT_TIME_NONE;
		if (l->stage && j->cfg && l->stage <= j->cfg->nstages)
			open->stage = j->cfg->stages[l->stage - 1].id;
		if (l->hand) {
			const struct bt__handoff *hd = &e->hand[l->hand - 1];
			open->handoff_from = hd->from ? bt_strmap_key(&e->names, hd->from) : NULL;
			open->handoff_to = hd->to ? bt_strmap_key(&e->names, hd->to) : NULL;
		}
		h = hand_close(closes, nc, until, open->id);
	}
	/* closes by hand after the last event of their instance */
	for (size_t k = 0; k < *n; k++)
		if (v[k].closed == BT_TIME_NONE && (h = hand_close(closes, nc, until, v[k].id)))
			close_by_hand(&v[k], h);
	bt__free(order);
	*out = v;
	return 0;
}

int bt__followups_acts(const struct bt_engine *e, const struct bt_esc_action *acts, size_t nacts,
		       int64_t until, struct bt_followup **out, size_t *n,
		       struct bt_fu_close **closes)
{
	struct bt_fu_close *c = bt__calloc(nacts + 1, sizeof(*c));
	size_t nc = 0;
	*out = NULL, *n = 0, *closes = c;
	if (!c)
		return BT_ENOMEM;
	for (size_t k = 0; k < nacts; k++)
		if (acts[k].resolve && acts[k].id[0] == 'F')
			c[nc++] = (struct bt_fu_close){acts[k].id, NULL, acts[k].who, acts[k].at};
	return bt_engine_followups(e, c, nc, until, out, n, NULL);
}

const char *bt_followup_state(const struct bt_engine *e, const struct bt_followup *f)
{
	return f->closed != BT_TIME_NONE ? "closed" : e->as_of >= f->due ? "overdue" : "open";
}

uint32_t bt_engine_instance_negatives(const struct bt_engine *e, uint32_t i)
{
	return i < e->ninst ? e->inst[i].negatives : 0;
}

static void score(struct bt_buf *b, const char *key, int v)
{
	if (v >= 0 && !(v == 0 && strcmp(key, "nps")))
		bt_buf_printf(b, ",\"%s\":%d", key, v);
	else
		bt_buf_printf(b, ",\"%s\":null", key);
}

void bt_followup_json(const struct bt_engine *e, const struct bt_followup *f, struct bt_buf *b)
{
	char p[24];
	const struct bt__erec *r = &e->ev[f->feedback];
	bt_buf_adds(b, "{\"id\":");
	bt_buf_json_strz(b, f->id);
	bt_buf_adds(b, ",\"journey\":");
	bt_buf_json_strz(b, f->journey);
	bt_profile_id_format(e->inst[f->instance].profile, p);
	bt_buf_printf(b, ",\"instance\":\"I%u\",\"profile\":\"%s\",\"owner\":", f->opener, p);
	bt_buf_json_strz(b, f->owner);
	bt_buf_adds(b, ",\"team\":");
	bt_buf_json_strz(b, f->team);
	bt_buf_adds(b, ",\"stage\":");
	bt_buf_json_strz(b, f->stage);
	if (f->handoff_from || f->handoff_to) {
		bt_buf_adds(b, ",\"handoff\":{\"from\":");
		bt_buf_json_strz(b, f->handoff_from);
		bt_buf_adds(b, ",\"to\":");
		bt_buf_json_strz(b, f->handoff_to);
		bt_buf_addc(b, '}');
	} else
		bt_buf_adds(b, ",\"handoff\":null");
	bt_buf_printf(b, ",\"state\":\"%s\"", bt_followup_state(e, f));
	bt__json_time_field(b, "opened", f->opened);
	bt__json_time_field(b, "due", f->due);
	bt__json_time_field(b, "closed", f->closed);
	bt_buf_printf(b, ",\"in_time\":%s",
		      f->closed == BT_TIME_NONE ? "null"
		      : f->closed < f->due	? "true"
						: "false");
	bt_buf_printf(b, ",\"how\":%s",
		      f->closed == BT_TIME_NONE ? "null"
		      : f->hand			? "\"by_hand\""
						: "\"contact\"");
	if (f->closed_by)
		bt_buf_printf(b, ",\"closed_by_event\":%u", e->ev[f->closed_by - 1].seq);
	else
		bt_buf_adds(b, ",\"closed_by_event\":null");
	bt_buf_adds(b, ",\"closed_by\":");
	bt_buf_json_strz(b, f->hand ? f->hand->who : NULL);
	bt_buf_adds(b, ",\"note\":");
	bt_buf_json_strz(b, f->hand ? f->hand->note : NULL);
	bt_buf_printf(b, ",\"feedback\":{\"event\":%u", r->seq);
	score(b, "csat", r->csat);
	score(b, "nps", r->nps);
	score(b, "ces", r->ces);
	bt_buf_adds(b, ",\"comment\":");
	uint32_t c = e->keep_text && e->text ? e->text[f->feedback].comment : 0;
	bt_buf_json_strz(b, c ? bt_strmap_key(&e->names, c) : NULL);
	bt_buf_printf(b, "},\"negatives\":%u}", f->negatives);
}

/* May scope see follow-up f?  An owner those of their journeys, a team
 * those it held. */
static int visible(const struct bt_engine *e, const struct bt_scope *s, const struct bt_followup *f)
{
	if (!s)
		return 1;
	if (s->person && !bt__journey_owned_by(e, e->inst[f->instance].journey, s->person))
		return 0;
	if (s->team && !(f->team && !strcmp(f->team, s->team)))
		return 0;
	return 1;
}

struct fu_page {
	const struct bt_engine *e;
	const struct bt_followup *v;
};

static void fu_item(uint32_t i, struct bt_buf *out, void *ctx)
{
	const struct fu_page *p = ctx;
	bt_followup_json(p->e, &p->v[i], out);
}

int bt_engine_followups_json(const struct bt_engine *e, const struct bt_fu_close *closes, size_t nc,
			     const struct bt_fu_query *q, struct bt_buf *out, struct bt_err *err)
{
	struct bt_followup *v = NULL;
	size_t n = 0, m = 0;
	int rc = bt_engine_followups(e, closes, nc, q->until, &v, &n, err);
	struct bt__item *it = rc ? NULL : bt__reallocarray(NULL, n + 1, sizeof(*it));
	if (!rc && !it)
		rc = bt_err_set(err, BT_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < n; i++) {
		const struct bt_followup *f = &v[i];
		const char *st = bt_followup_state(e, f);
		if ((q->journey && strcmp(q->journey, f->journey)) ||
		    (q->id && strcmp(q->id, f->id)) ||
		    (q->team && !(f->team && !strcmp(q->team, f->team))) ||
		    (q->state && strcmp(q->state, st) &&
		     !(!strcmp(q->state, "open") && !strcmp(st, "overdue"))) ||
		    !visible(e, q->scope, f))
			continue;
		/* newest opened first; the feedback's seq makes the key unique */
		it[m++] = (struct bt__item){f->opened, e->ev[f->feedback].seq, (uint32_t)i};
	}
	if (!rc && q->id) {
		if (!m)
			rc = bt_err_set(err, BT_ENOTFOUND, "no follow-up '%.40s'", q->id);
		else
			bt_followup_json(e, &v[it[0].i], out);
	} else if (!rc) {
		struct fu_page p = {e, v};
		bt_page_open("followups", out);
		rc = bt__page_emit(it, m, q->limit, q->cursor, fu_item, &p, out, err);
	}
	bt__free(it);
	bt__free(v);
	return rc;
}

/* ---- KPIs ---- */

struct fu_acc {
	uint64_t opened, closed, in_sla;
	double *ttc;
	size_t nttc;
};

static void fu_finish(struct fu_acc *a, uint64_t *followups, uint64_t *closed, uint64_t *in_sla,
		      double *rate, double *rate_sla, double *p50)
{
	*followups = a->opened, *closed = a->closed, *in_sla = a->in_sla;
	*rate = a->opened ? (double)a->closed / (double)a->opened : NAN;
	*rate_sla = a->opened ? (double)a->in_sla / (double)a->opened : NAN;
	if (!a->nttc) {
		*p50 = NAN;
		return;
	}
	size_t rank = (50 * a->nttc + 99) / 100; /* nearest rank, as ttr_p50_s */
	bt__select_kth(a->ttc, a->nttc, rank - 1);
	*p50 = a->ttc[rank - 1];
}

int bt_kpis_followups(struct bt_kpis *k, const struct bt_engine *e, const struct bt_kpi_query *q,
		      const struct bt_scope *scope, const struct bt_fu_close *closes, size_t nc,
		      struct bt_err *err)
{
	struct bt_followup *v = NULL;
	size_t n = 0, rows = k->njourneys + k->nteams;
	int rc = bt_engine_followups(e, closes, nc, e->as_of, &v, &n, err);
	struct fu_acc *acc = rc ? NULL : bt__calloc(rows + 1, sizeof(*acc));
	double *ttc = rc ? NULL : bt__reallocarray(NULL, 2 * n + 1, sizeof(*ttc));
	if (!rc && (!acc || !ttc))
		rc = bt_err_set(err, BT_ENOMEM, "out of memory");
	/* each row's times to close take a run of ttc: count first */
	for (int pass = 0; !rc && pass < 2; pass++) {
		size_t used = 0;
		for (size_t r = 0; pass && r < rows; r++)
			acc[r].ttc = ttc + used, used += acc[r].nttc, acc[r].nttc = 0;
		for (size_t i = 0; i < n; i++) {
			const struct bt_followup *f = &v[i];
			if ((q->from != BT_TIME_NONE && f->opened < q->from) ||
			    (q->to != BT_TIME_NONE && f->opened >= q->to) || !visible(e, scope, f))
				continue;
			int closed = f->closed != BT_TIME_NONE && f->closed <= e->as_of;
			for (size_t r = 0; r < rows; r++) {
				const char *id = r < k->njourneys ? k->journeys[r].journey
								  : k->teams[r - k->njourneys].id;
				const char *of = r < k->njourneys ? f->journey : f->team;
				if (!of || strcmp(id, of))
					continue;
				struct fu_acc *a = &acc[r];
				if (!pass) {
					a->opened++;
					a->closed += closed;
					a->in_sla += closed && f->closed < f->due;
					a->nttc += closed;
				} else if (closed) {
					a->ttc[a->nttc++] =
					    (double)(f->closed - f->opened) / 1000.0;
				}
			}
		}
	}
	for (size_t r = 0; !rc && r < rows; r++) {
		if (r < k->njourneys) {
			struct bt_journey_kpis *j = &k->journeys[r];
			fu_finish(&acc[r], &j->followups, &j->followups_closed,
				  &j->followups_closed_in_sla, &j->loop_closed_rate,
				  &j->loop_closed_in_sla_rate, &j->time_to_close_p50_s);
		} else {
			struct bt_local_kpis *t = &k->teams[r - k->njourneys];
			fu_finish(&acc[r], &t->followups, &t->followups_closed,
				  &t->followups_closed_in_sla, &t->loop_closed_rate,
				  &t->loop_closed_in_sla_rate, &t->time_to_close_p50_s);
		}
	}
	for (size_t r = 0; r < k->nsources; r++) { /* no follow-up is a source's */
		struct bt_local_kpis *t = &k->sources[r];
		t->loop_closed_rate = t->loop_closed_in_sla_rate = t->time_to_close_p50_s = NAN;
	}
	bt__free(acc);
	bt__free(ttc);
	bt__free(v);
	return rc;
}
