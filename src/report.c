/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report.c - the journey report of `baton report`: per journey its owner and
 * KPIs, its worst handoffs and broken promises, and per team the local
 * success next to the journey outcome; as Markdown or as a self-contained
 * HTML page.  One writer with two dialects, so both say the same.
 */
#include "baton/report.h"

#include "baton/audit.h"

#include "baton/actions.h"
#include "baton/agenda.h"
#include "baton/initiative.h"
#include "baton/insight.h"
#include "baton/changes.h"
#include "baton/view.h"

#include "util/alloc.h"
#include "util/time.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct w {
	struct bt_buf *b;
	int html;
	int rc;
};

static void put(struct w *w, const char *s)
{
	if (!w->rc)
		w->rc = bt_buf_adds(w->b, s);
}

/* Text, escaped for the dialect. */
static void text(struct w *w, const char *s)
{
	if (!w->rc)
		w->rc = w->html ? bt_buf_html_text(w->b, s) : bt_buf_md_text(w->b, s);
}

__attribute__((format(printf, 2, 3))) static void textf(struct w *w, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	text(w, tmp);
}

static void heading(struct w *w, int level, const char *s)
{
	if (w->html) {
		char tag[8];
		snprintf(tag, sizeof(tag), "h%d>", level);
		put(w, "<"), put(w, tag), text(w, s), put(w, "</"), put(w, tag), put(w, "\n");
	} else {
		put(w, "\n");
		for (int i = 0; i < level; i++)
			put(w, "#");
		put(w, " "), text(w, s), put(w, "\n\n");
	}
}

static void para_begin(struct w *w) { put(w, w->html ? "<p>" : ""); }
static void para_end(struct w *w) { put(w, w->html ? "</p>\n" : "\n\n"); }

static void table_begin(struct w *w, const char *const *cols, int n)
{
	put(w, w->html ? "<table>\n<tr>" : "|");
	for (int i = 0; i < n; i++) {
		put(w, w->html ? "<th>" : " ");
		text(w, cols[i]);
		put(w, w->html ? "</th>" : " |");
	}
	put(w, w->html ? "</tr>\n" : "\n|");
	for (int i = 0; !w->html && i < n; i++)
		put(w, i ? "---:|" : "---|");
	if (!w->html)
		put(w, "\n");
}

static void row(struct w *w, const char *const *cells, int n)
{
	put(w, w->html ? "<tr>" : "|");
	for (int i = 0; i < n; i++) {
		put(w, w->html ? "<td>" : " ");
		text(w, cells[i]);
		put(w, w->html ? "</td>" : " |");
	}
	put(w, w->html ? "</tr>\n" : "\n");
}

static void table_end(struct w *w) { put(w, w->html ? "</table>\n" : "\n"); }

/* A KPI's cell: its text view, with its unit. */
static void cell(const struct bt_kpi_def *d, const void *row, char out[48])
{
	char v[32];
	bt_kpi_text(d, row, v);
	snprintf(out, 48, "%s%s", v, bt_kpi_has_value(d, row) ? d->suffix : "");
}

/* The columns of the summary: these KPIs of the journey table. */
static const char *const summary_keys[] = {"instances", "completion_rate", "resolution_rate",
					   "recontact_rate", "handoff_success_rate",
					   "promises_broken", "collisions"};
#define NSUMMARY (sizeof(summary_keys) / sizeof(summary_keys[0]))

static void summary(struct w *w, const struct bt_kpis *k)
{
	const char *cols[NSUMMARY + 2] = {"journey", "owner"};
	const struct bt_kpi_def *d[NSUMMARY];
	for (size_t c = 0; c < NSUMMARY; c++) {
		d[c] = bt_kpi_find(bt_kpi_journey, bt_kpi_njourney, summary_keys[c]);
		cols[c + 2] = d[c]->name;
	}
	heading(w, 2, "Journeys at a glance");
	table_begin(w, cols, NSUMMARY + 2);
	for (size_t i = 0; i < k->njourneys; i++) {
		const struct bt_journey_kpis *j = &k->journeys[i];
		char c[NSUMMARY][48];
		const char *cells[NSUMMARY + 2] = {
			j->journey, j->owner ? (j->owner_name ? j->owner_name : j->owner) : "NOBODY"};
		for (size_t x = 0; x < NSUMMARY; x++) {
			cell(d[x], j, c[x]);
			cells[x + 2] = c[x];
		}
		row(w, cells, NSUMMARY + 2);
	}
	table_end(w);
}

static int by_failures(const void *a, const void *b)
{
	const struct bt_handoff_route *x = a, *y = b;
	uint64_t fx = x->count - x->clean, fy = y->count - y->clean;
	return fx < fy ? 1 : fx > fy ? -1 : strcmp(x->from, y->from);
}

static void journey_section(struct w *w, const struct bt_kpis *k, const struct bt_journey_kpis *j,
			    const struct bt_broken_promise *bp, size_t nbp)
{
	static const char *const kcols[] = {"KPI", "value"};
	char title[300];
	snprintf(title, sizeof(title), "%s%s%s", j->journey, j->name ? ": " : "", j->name ? j->name : "");
	heading(w, 2, title);
	para_begin(w);
	if (j->owner)
		textf(w, "Accountable owner: %s.", j->owner_name ? j->owner_name : j->owner);
	else
		textf(w, "Nobody owns this journey: %llu instances have no accountable owner. "
			 "Define it with an owner in the configuration.",
		      (unsigned long long)j->unowned_instances);
	para_end(w);
	table_begin(w, kcols, 2);
	for (size_t i = 0; i < bt_kpi_njourney; i++) {
		const struct bt_kpi_def *d = &bt_kpi_journey[i];
		char v[48], asides[256], both[320];
		if (d->show != BT_SHOW_ROW && !(d->show == BT_SHOW_NONZERO && bt_kpi_value(d, j) != 0))
			continue;
		cell(d, j, v);
		bt_kpi_asides(bt_kpi_journey, bt_kpi_njourney, d, j, asides, sizeof(asides));
		snprintf(both, sizeof(both), "%s%s%s%s", v, asides[0] ? " (" : "", asides,
			 asides[0] ? ")" : "");
		const char *cells[] = {d->label, both};
		row(w, cells, 2);
	}
	table_end(w);

	/* the worst handoffs of this journey */
	struct bt_handoff_route *r = bt__calloc(k->nroutes + 1, sizeof(*r));
	size_t nr = 0;
	for (size_t i = 0; r && i < k->nroutes; i++)
		if (!strcmp(k->routes[i].journey, j->journey) && k->routes[i].count > k->routes[i].clean)
			r[nr++] = k->routes[i];
	if (nr) {
		static const char *const hcols[] = {"from", "to", "handoffs", "failed", "context lost",
						    "customer repeated", "late"};
		qsort(r, nr, sizeof(*r), by_failures);
		heading(w, 3, "Worst handoffs");
		table_begin(w, hcols, 7);
		for (size_t i = 0; i < nr && i < 5; i++) {
			char c[5][24];
			snprintf(c[0], 24, "%llu", (unsigned long long)r[i].count);
			snprintf(c[1], 24, "%llu", (unsigned long long)(r[i].count - r[i].clean));
			snprintf(c[2], 24, "%llu", (unsigned long long)r[i].context_lost);
			snprintf(c[3], 24, "%llu", (unsigned long long)r[i].customer_repeated);
			snprintf(c[4], 24, "%llu", (unsigned long long)r[i].late);
			const char *cells[] = {r[i].from, r[i].to, c[0], c[1], c[2], c[3], c[4]};
			row(w, cells, 7);
		}
		table_end(w);
	}
	bt__free(r);

	/* broken promises by the team that had to keep them */
	size_t shown = 0;
	for (size_t i = 0; i < nbp; i++)
		shown += !strcmp(bp[i].journey, j->journey);
	if (shown) {
		static const char *const pcols[] = {"kind", "made by", "to be kept by", "broken",
						    "cross-team"};
		heading(w, 3, "Broken promises");
		table_begin(w, pcols, 5);
		for (size_t i = 0; i < nbp; i++) {
			if (strcmp(bp[i].journey, j->journey))
				continue;
			int seen = 0; /* one row per kind/maker/keeper */
			for (size_t x = 0; x < i && !seen; x++)
				seen = !strcmp(bp[x].journey, j->journey) && !strcmp(bp[x].kind, bp[i].kind) &&
				       !strcmp(bp[x].made_by, bp[i].made_by) && !strcmp(bp[x].keeper, bp[i].keeper);
			if (seen)
				continue;
			uint64_t n = 0;
			for (size_t x = i; x < nbp; x++)
				n += !strcmp(bp[x].journey, j->journey) && !strcmp(bp[x].kind, bp[i].kind) &&
				     !strcmp(bp[x].made_by, bp[i].made_by) && !strcmp(bp[x].keeper, bp[i].keeper);
			char c[24];
			snprintf(c, sizeof(c), "%llu", (unsigned long long)n);
			const char *cells[] = {bp[i].kind[0] ? bp[i].kind : "-", bp[i].made_by[0] ? bp[i].made_by : "-",
					       bp[i].keeper[0] ? bp[i].keeper : "-", c,
					       strcmp(bp[i].made_by, bp[i].keeper) ? "yes" : "no"};
			row(w, cells, 5);
		}
		table_end(w);
	}
}

static void local_section(struct w *w, const struct bt_kpis *k)
{
	const char *cols[16] = {"team"};
	const struct bt_kpi_def *d[16];
	int nc = 0;
	for (size_t c = 0; c < bt_kpi_nlocal && nc < 15; c++)
		if (bt_kpi_local[c].show == BT_SHOW_ROW) {
			d[nc] = &bt_kpi_local[c];
			cols[++nc] = bt_kpi_local[c].name;
		}
	heading(w, 2, "Local success versus the journey, per team");
	para_begin(w);
	text(w, "A team's local success is an interaction it contained or resolved; it is true when "
		"the customer did not come back within the recontact window. The rates count the "
		"successes on contacts over the team's contacts (- when it had none). Successes on "
		"internal work (a refund issued) are in the counts but not in the rates: they are no "
		"contact. Contacts shifted are the follow-up contacts that landed on other teams after "
		"a local success that was not true. Collisions sent are the team's outbound messages "
		"that reached a customer with an open complaint, an overdue promise or withdrawn "
		"consent.");
	para_end(w);
	table_begin(w, cols, nc + 1);
	for (size_t i = 0; i < k->nteams; i++) {
		char c[16][48];
		const char *cells[16] = {k->teams[i].id};
		for (int x = 0; x < nc; x++) {
			cell(d[x], &k->teams[i], c[x]);
			cells[x + 1] = c[x];
		}
		row(w, cells, nc + 1);
	}
	table_end(w);
	for (size_t i = 0; i < k->nteams; i++) {
		const struct bt_local_kpis *t = &k->teams[i];
		if (t->cost_shifted && t->contacts) {
			para_begin(w);
			textf(w, "%s: local success %.0f%%, true success %.0f%%; %llu follow-up contacts "
				 "landed on other teams.",
			      t->id, 100.0 * t->local_success_rate, 100.0 * t->true_success_rate,
			      (unsigned long long)t->cost_shifted);
			para_end(w);
		}
	}
}

/* The agenda's issues, each with why and its evidence. */
static void agenda_section(struct w *w, const struct bt_agenda *a)
{
	static const char *const cols[] = {"#", "issue", "customers", "score", "evidence"};
	if (!a)
		return;
	heading(w, 2, "Steering agenda");
	para_begin(w);
	char f[32], t[32];
	bt_time_format(a->from, f), bt_time_format(a->to, t);
	textf(w, "The issues that hurt the most customers from %s to %s, ranked by the customers "
		 "affected times how far the figure is off (%zu of %zu candidates).",
	      f, t, a->nissues, a->candidates);
	para_end(w);
	if (!a->nissues)
		return;
	table_begin(w, cols, 5);
	for (size_t i = 0; i < a->nissues; i++) {
		const struct bt_agenda_issue *x = &a->issues[i];
		char n[24], c[24], s[32], what[600];
		snprintf(n, sizeof(n), "%zu", i + 1);
		snprintf(c, sizeof(c), "%llu", (unsigned long long)x->customers);
		snprintf(s, sizeof(s), "%.2f", x->score);
		snprintf(what, sizeof(what), "%s: %s", x->title, x->why);
		const char *cells[] = {n, what, c, s, x->page};
		row(w, cells, 5);
	}
	table_end(w);
}

/* The actions not done or dropped, the overdue first (then soonest due),
 * and a count of those closed. */
static void actions_section(struct w *w, const struct bt_report_options *o)
{
	static const char *const cols[] = {"action", "owner", "due", "status", "journey", "KPI"};
	size_t open = 0, late = 0;
	if (!o->nactions)
		return;
	for (size_t i = 0; i < o->nactions; i++) {
		const struct bt_action *a = &o->actions[i];
		late += bt_action_overdue(a, o->now) != 0;
		open += !strcmp(a->status, "open") || !strcmp(a->status, "in_progress");
	}
	heading(w, 2, "Actions");
	para_begin(w);
	textf(w, "%zu action%s open, %zu of them overdue; %zu done or dropped.", open,
	      open == 1 ? "" : "s", late, o->nactions - open);
	para_end(w);
	if (!open)
		return;
	table_begin(w, cols, 6);
	for (int pass = 0; pass < 2; pass++) /* the overdue ones, then the rest */
		for (size_t i = 0; i < o->nactions; i++) {
			const struct bt_action *a = &o->actions[i];
			int is_late = bt_action_overdue(a, o->now);
			if ((strcmp(a->status, "open") && strcmp(a->status, "in_progress")) || is_late != !pass)
				continue;
			char title[240], t[32], due[48];
			snprintf(title, sizeof(title), "A%lld %s", (long long)a->id, a->title);
			bt_time_format(a->due * 1000, t);
			snprintf(due, sizeof(due), "%s%s", t, is_late ? " (overdue)" : "");
			const char *cells[] = {title, a->owner, due, a->status, a->journey ? a->journey : "-",
					       a->kpi ? a->kpi : "-"};
			row(w, cells, 6);
		}
	table_end(w);
}

/* The initiatives, each with its verdict and why (docs/initiatives.md). */
static void initiatives_section(struct w *w, const struct bt_verdict *v, size_t n)
{
	static const char *const cols[] = {"initiative", "journey", "KPI", "before", "after",
					   "effect (95% interval)", "verdict"};
	heading(w, 2, "Initiatives");
	if (!n) {
		para_begin(w);
		text(w, "No initiative is being judged.");
		para_end(w);
		return;
	}
	table_begin(w, cols, 7);
	for (size_t i = 0; i < n; i++) {
		const struct bt_verdict *x = &v[i];
		char b[48], a[48], e[96];
		double k = x->rate ? 100.0 : 1.0;
		const char *u = x->rate ? "%" : "";
		if (isnan(x->before.value))
			snprintf(b, sizeof(b), "- (n %llu)", (unsigned long long)x->before.n);
		else
			snprintf(b, sizeof(b), "%.*f%s (n %llu)", x->rate ? 1 : 2, k * x->before.value, u,
				 (unsigned long long)x->before.n);
		if (isnan(x->after.value))
			snprintf(a, sizeof(a), "- (n %llu)", (unsigned long long)x->after.n);
		else
			snprintf(a, sizeof(a), "%.*f%s (n %llu)", x->rate ? 1 : 2, k * x->after.value, u,
				 (unsigned long long)x->after.n);
		if (isnan(x->effect))
			snprintf(e, sizeof(e), "-");
		else if (isnan(x->ci_low))
			snprintf(e, sizeof(e), "%+.*f%s (too few yet)", x->rate ? 1 : 2, k * x->effect,
				 x->rate ? " points" : "");
		else
			snprintf(e, sizeof(e), "%+.*f%s (%+.*f to %+.*f)", x->rate ? 1 : 2, k * x->effect,
				 x->rate ? " points" : "", x->rate ? 1 : 2, k * x->ci_low, x->rate ? 1 : 2,
				 k * x->ci_high);
		const char *cells[] = {x->in->name, x->in->journey, x->in->kpi, b, a, e, x->verdict};
		row(w, cells, 7);
	}
	table_end(w);
	for (size_t i = 0; i < n; i++) {
		para_begin(w);
		textf(w, "%s: %s.", v[i].in->name, v[i].why);
		para_end(w);
	}
}

/* ---- friction, consistency, value at stake (docs/insight.md) ---- */

static void pct(double v, char out[48])
{
	if (isnan(v))
		snprintf(out, 48, "-");
	else
		snprintf(out, 48, "%.1f%%", 100.0 * v);
}

static void friction_section(struct w *w, const struct bt_engine *e, const struct bt_kpi_query *q)
{
	static const char *const cols[] = {"rank", "kind", "where", "customers", "share", "occurrences"};
	struct bt_friction *v = NULL;
	size_t n = 0;
	uint64_t customers = 0;
	struct bt_err err = {0, ""};
	if (bt_engine_friction(e, q, NULL, &v, &n, &customers, &err)) {
		w->rc = w->rc ? w->rc : err.code;
		return;
	}
	heading(w, 4, "Friction");
	para_begin(w);
	textf(w, "The friction points that affected the most of its %llu customers (docs/insight.md).",
	      (unsigned long long)customers);
	para_end(w);
	if (n) {
		table_begin(w, cols, 6);
		for (size_t i = 0; i < n && i < 8; i++) {
			char r[24], where[256], c[24], s[48], o[24];
			snprintf(r, sizeof(r), "%zu", i + 1);
			bt_friction_where(&v[i], where, sizeof(where));
			snprintf(c, sizeof(c), "%llu", (unsigned long long)v[i].customers);
			pct(v[i].share, s);
			snprintf(o, sizeof(o), "%llu", (unsigned long long)v[i].occurrences);
			const char *cells[] = {r, bt_friction_kinds[v[i].kind], where, c, s, o};
			row(w, cells, 6);
		}
		table_end(w);
	}
	bt_free(v);
}

static void spread_text(struct w *w, const char *what, const struct bt_spread *s, int rate)
{
	if (isnan(s->spread))
		textf(w, "%s: -. ", what);
	else if (rate)
		textf(w, "%s: %.1f pp (%s - %s)%s. ", what, 100.0 * s->spread, s->max, s->min,
		      s->flagged ? ", FLAGGED" : "");
	else
		textf(w, "%s: %.2f (%s - %s)%s. ", what, s->spread, s->max, s->min,
		      s->flagged ? ", FLAGGED" : "");
}

static void consistency_section(struct w *w, const struct bt_engine *e, const struct bt_kpi_query *q)
{
	static const char *const cols[] = {"entry channel", "instances", "resolution", "recontact", "CSAT (n)"};
	struct bt_consistency c;
	struct bt_err err = {0, ""};
	char th[32];
	if (bt_engine_consistency(e, q, NULL, &c, &err)) {
		w->rc = w->rc ? w->rc : err.code;
		return;
	}
	if (c.nrows) {
		heading(w, 4, "Consistency across entry channels");
		table_begin(w, cols, 5);
		for (size_t i = 0; i < c.nrows; i++) {
			const struct bt_channel_row *x = &c.rows[i];
			char n[24], a[48], b[48], s[48];
			snprintf(n, sizeof(n), "%llu", (unsigned long long)x->instances);
			pct(x->resolution_rate, a);
			pct(x->recontact_rate, b);
			if (isnan(x->csat_avg))
				snprintf(s, sizeof(s), "-");
			else
				snprintf(s, sizeof(s), "%.2f (%llu)", x->csat_avg, (unsigned long long)x->csat_n);
			const char *cells[] = {x->channel, n, a, b, s};
			row(w, cells, 5);
		}
		table_end(w);
		para_begin(w);
		text(w, "Spread (max - min): ");
		spread_text(w, "resolution", &c.resolution, 1);
		spread_text(w, "recontact", &c.recontact, 1);
		spread_text(w, "CSAT", &c.csat, 0);
		bt_buf_micro_text(c.max_spread_rate_upp, th);
		textf(w, "Flagged at %s pp for rates and ", th);
		bt_buf_micro_text(c.max_spread_csat_u, th);
		textf(w, "%s for CSAT.", th);
		para_end(w);
	}
	bt_consistency_release(&c);
}

static void value_section(struct w *w, const struct bt_engine *e, const struct bt_kpi_query *q)
{
	static const char *const cols[] = {"outcome", "customers", "churned", "churn rate", "revenue",
					   "revenue per customer"};
	struct bt_value v;
	struct bt_err err = {0, ""};
	if (bt_engine_value(e, q, NULL, &v, &err)) {
		w->rc = w->rc ? w->rc : err.code;
		return;
	}
	heading(w, 2, "Value at stake");
	para_begin(w);
	textf(w, "Churn and revenue in the %lld days after each outcome, from its customer's earliest "
		 "such outcome (docs/insight.md); revenue from %s%s.",
	      (long long)v.days, v.revenue ? "props." : "", v.revenue ? v.revenue : "nothing (none configured)");
	para_end(w);
	table_begin(w, cols, 6);
	for (int k = 0; k < 3; k++) {
		const struct bt_value_pair *p = &v.pairs[k];
		const struct bt_value_side *sides[2] = {&p->good, &p->bad};
		for (int x = 0; x < 2; x++) {
			const struct bt_value_side *s = sides[x];
			char name[48], c[24], ch[24], r[48], rev[32], per[48];
			snprintf(name, sizeof(name), "%s %s", p->pair, s->name);
			snprintf(c, sizeof(c), "%llu", (unsigned long long)s->customers);
			snprintf(ch, sizeof(ch), "%llu", (unsigned long long)s->churned);
			pct(s->churn_rate, r);
			bt_buf_micro_text(s->revenue_u, rev);
			if (isnan(s->revenue_per_customer))
				snprintf(per, sizeof(per), "-");
			else
				snprintf(per, sizeof(per), "%.2f", s->revenue_per_customer);
			const char *cells[] = {name, c, ch, r, rev, per};
			row(w, cells, 6);
		}
		char d[48], dr[48], name[48];
		snprintf(name, sizeof(name), "%s: difference", p->pair);
		if (isnan(p->churn_rate_diff))
			snprintf(d, sizeof(d), "-");
		else
			snprintf(d, sizeof(d), "%+.1f pp", 100.0 * p->churn_rate_diff);
		if (isnan(p->revenue_per_customer_diff))
			snprintf(dr, sizeof(dr), "-");
		else
			snprintf(dr, sizeof(dr), "%+.2f", p->revenue_per_customer_diff);
		const char *cells[] = {name, "", "", d, "", dr};
		row(w, cells, 6);
	}
	table_end(w);
}

static void insight_sections(struct w *w, const struct bt_kpis *k, const struct bt_report_options *o)
{
	heading(w, 2, "Friction and consistency, per journey");
	for (size_t i = 0; i < k->njourneys && !w->rc; i++) {
		struct bt_kpi_query q = {k->journeys[i].journey, o->from, o->to};
		heading(w, 3, k->journeys[i].journey);
		friction_section(w, o->engine, &q);
		consistency_section(w, o->engine, &q);
	}
	struct bt_kpi_query q = {o->journey, o->from, o->to};
	if (!w->rc)
		value_section(w, o->engine, &q);
}

/* The data audit (docs/audit.md) of the report's period, over every
 * source: a report of one journey has none. */
static int audit_section(struct bt_buf *b, const struct bt_report_options *o)
{
	struct bt_audit *a = NULL;
	struct bt_err err = {0, ""};
	int rc = bt_engine_audit(o->engine, o->from, o->to, NULL, &a, &err);
	if (!rc)
		rc = bt_audit_render(a, o->html ? BT_AUDIT_HTML : BT_AUDIT_MD, 2, b);
	bt_audit_free(a);
	return rc;
}

/* The change calendar: the changes ahead, and the recent ones with what
 * followed them (docs/changes.md). */
static void changes_section(struct w *w, const struct bt_report_options *o)
{
	static const char *const up_cols[] = {"date", "kind", "change", "team", "journeys"};
	static const char *const past_cols[] = {"date", "kind", "change", "contacts before",
						"after", "extra", "all extra", "absorbed by"};
	char date[32], n[4][32], journeys[256], teams[256];
	int ups = 0, pasts = 0;
	if (!o->nchanges)
		return;
	heading(w, 2, "Change calendar");
	for (size_t i = 0; i < o->nchanges; i++)
		o->changes[i].im ? pasts++ : ups++;
	if (ups) {
		heading(w, 3, "Upcoming");
		table_begin(w, up_cols, 5);
		for (size_t i = 0; i < o->nchanges; i++) {
			const struct bt_calchange *c = o->changes[i].c;
			if (o->changes[i].im)
				continue;
			size_t len = 0;
			journeys[0] = '\0';
			for (size_t j = 0; j < c->njourneys && len < sizeof(journeys); j++)
				len += (size_t)snprintf(journeys + len, sizeof(journeys) - len, "%s%s",
							j ? ", " : "", c->journeys[j]);
			bt_time_format(c->date, date);
			const char *cells[] = {date, c->kind, c->title, c->team, journeys};
			row(w, cells, 5);
		}
		table_end(w);
	}
	if (pasts) {
		heading(w, 3, "Recent changes and their impact");
		para_begin(w);
		text(w, "Inbound contacts of the journeys each change touched, in the same length of time "
			"before and after its date (up to 14 days each side), and the teams that took "
			"the extra contacts.");
		para_end(w);
		table_begin(w, past_cols, 8);
		for (size_t i = 0; i < o->nchanges; i++) {
			const struct bt_calchange *c = o->changes[i].c;
			const struct bt_impact *im = o->changes[i].im;
			if (!im)
				continue;
			bt_time_format(c->date, date);
			snprintf(n[0], sizeof(n[0]), "%llu", (unsigned long long)im->touched[0]);
			snprintf(n[1], sizeof(n[1]), "%llu", (unsigned long long)im->touched[1]);
			snprintf(n[2], sizeof(n[2]), "%+lld", (long long)im->touched[1] - (long long)im->touched[0]);
			snprintf(n[3], sizeof(n[3]), "%+lld", (long long)im->all[1] - (long long)im->all[0]);
			size_t len = 0;
			teams[0] = '\0';
			for (size_t t = 0; t < im->nteams && t < 3 && len < sizeof(teams); t++)
				len += (size_t)snprintf(teams + len, sizeof(teams) - len, "%s%s %+lld", t ? ", " : "",
							im->teams[t].team ? im->teams[t].team : "(no team)",
							(long long)im->teams[t].after - (long long)im->teams[t].before);
			const char *cells[] = {date, c->kind, c->title, n[0], n[1], n[2], n[3], teams};
			row(w, cells, 8);
		}
		table_end(w);
	}
}

/* Closed-loop feedback: per journey, the follow-ups opened in the period,
 * how many were closed and closed in time, how many are overdue now. */
static void followups_section(struct w *w, const struct bt_kpis *k, const struct bt_report_options *o)
{
	static const char *const cols[] = {"journey", "follow-ups", "closed", "closed in time",
					   "open now", "overdue now", "time to close p50"};
	uint64_t all = 0;
	for (size_t i = 0; i < k->njourneys; i++)
		all += k->journeys[i].followups;
	if (!all)
		return;
	heading(w, 2, "Closed-loop feedback");
	para_begin(w);
	textf(w, "%llu unhappy customers opened a follow-up in the period: someone must reach them "
		 "back before it is due (docs/followups.md).",
	      (unsigned long long)all);
	para_end(w);
	const struct bt_kpi_def *p50 = bt_kpi_find(bt_kpi_journey, bt_kpi_njourney, "time_to_close_p50_s");
	table_begin(w, cols, 7);
	for (size_t i = 0; i < k->njourneys; i++) {
		const struct bt_journey_kpis *j = &k->journeys[i];
		uint64_t open = 0, overdue = 0;
		if (!j->followups)
			continue;
		for (size_t x = 0; x < o->nfollowups; x++) {
			const struct bt_followup *f = &o->followups[x];
			if (strcmp(f->journey, j->journey) || (o->from != INT64_MIN && f->opened < o->from) ||
			    (o->to != INT64_MIN && f->opened >= o->to) ||
			    (f->closed != BT_TIME_NONE && f->closed <= k->as_of))
				continue;
			open++;
			overdue += k->as_of >= f->due;
		}
		char c[5][48];
		snprintf(c[0], 48, "%llu", (unsigned long long)j->followups);
		snprintf(c[1], 48, "%llu", (unsigned long long)j->followups_closed);
		snprintf(c[2], 48, "%llu", (unsigned long long)j->followups_closed_in_sla);
		snprintf(c[3], 48, "%llu", (unsigned long long)open);
		snprintf(c[4], 48, "%llu", (unsigned long long)overdue);
		char t[48];
		cell(p50, j, t);
		const char *cells[] = {j->journey, c[0], c[1], c[2], c[3], c[4], t};
		row(w, cells, 7);
	}
	table_end(w);
}

int bt_report_render(const struct bt_kpis *k, const struct bt_broken_promise *bp, size_t nbp,
		     const struct bt_report_options *o, struct bt_buf *b)
{
	struct w w = {b, o->html, 0};
	char asof[32], from[32] = "the beginning", to[32] = "now";
	bt_time_format(k->as_of, asof);
	if (o->from != INT64_MIN)
		bt_time_format(o->from, from);
	if (o->to != INT64_MIN)
		bt_time_format(o->to, to);
	if (w.html)
		put(&w, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
			"<title>baton journey report</title><style>"
			"body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;color:#222}"
			"table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;"
			"padding:.3rem .6rem;text-align:right}td:first-child,th:first-child{text-align:left}"
			"h2{margin-top:2.5rem;border-bottom:1px solid #ddd}</style></head><body>\n");
	heading(&w, 1, "Journey report");
	para_begin(&w);
	textf(&w, "Instances opened from %s to %s, judged as of %s. %llu events, %llu customers. ",
	      from, to, asof, (unsigned long long)k->events, (unsigned long long)k->profiles);
	textf(&w, "%llu outbound messages collided with an open sensitive journey, an overdue promise "
		  "or withdrawn consent.",
	      (unsigned long long)k->collisions);
	para_end(&w);
	summary(&w, k);
	for (size_t i = 0; i < k->njourneys; i++)
		journey_section(&w, k, &k->journeys[i], bp, nbp);
	local_section(&w, k);
	followups_section(&w, k, o);
	agenda_section(&w, o->agenda);
	actions_section(&w, o);
	if (o->initiatives)
		initiatives_section(&w, o->initiatives, o->ninitiatives);
	if (o->engine)
		insight_sections(&w, k, o);
	changes_section(&w, o);
	if (o->engine && !o->journey && !w.rc)
		w.rc = audit_section(w.b, o);
	if (w.html)
		put(&w, "</body></html>\n");
	return w.rc;
}
