/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report.c - the journey report of `baton report`: per journey its owner and
 * KPIs, its worst handoffs and broken promises, and per team the local
 * success next to the journey outcome; as Markdown or as a self-contained
 * HTML page.  One writer with two dialects, so both say the same.
 */
#include "baton/report.h"

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
	for (; s && *s && !w->rc; s++) {
		const char *e = NULL;
		if (w->html)
			e = *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;" : *s == '"' ? "&quot;" : NULL;
		else
			e = *s == '|' ? "\\|" : *s == '\n' ? " " : NULL;
		w->rc = e ? bt_buf_adds(w->b, e) : bt_buf_addc(w->b, *s);
	}
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

static void fmt_pct(char *out, size_t n, double v)
{
	if (isnan(v))
		snprintf(out, n, "-");
	else
		snprintf(out, n, "%.1f%%", 100.0 * v);
}

static void fmt_num(char *out, size_t n, double v, const char *unit)
{
	if (isnan(v))
		snprintf(out, n, "-");
	else
		snprintf(out, n, "%.2f%s", v, unit);
}

static void summary(struct w *w, const struct bt_kpis *k)
{
	static const char *const cols[] = {"journey", "owner", "instances", "completion",
					   "resolution", "recontact", "handoff success",
					   "promises broken", "collisions"};
	heading(w, 2, "Journeys at a glance");
	table_begin(w, cols, 9);
	for (size_t i = 0; i < k->njourneys; i++) {
		const struct bt_journey_kpis *j = &k->journeys[i];
		char c[6][32];
		snprintf(c[0], 32, "%llu", (unsigned long long)j->instances);
		fmt_pct(c[1], 32, j->completion_rate);
		fmt_pct(c[2], 32, j->resolution_rate);
		fmt_pct(c[3], 32, j->recontact_rate);
		fmt_pct(c[4], 32, j->handoff_success_rate);
		snprintf(c[5], 32, "%llu", (unsigned long long)j->promises_broken);
		char coll[32];
		snprintf(coll, 32, "%llu", (unsigned long long)j->collisions);
		const char *cells[] = {j->journey, j->owner ? (j->owner_name ? j->owner_name : j->owner) : "NOBODY",
				       c[0], c[1], c[2], c[3], c[4], c[5], coll};
		row(w, cells, 9);
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
	char title[300], v[24][80];
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
	snprintf(v[0], 80, "%llu (open %llu, resolved %llu, abandoned %llu)",
		 (unsigned long long)j->instances, (unsigned long long)j->open,
		 (unsigned long long)j->resolved, (unsigned long long)j->abandoned);
	fmt_pct(v[1], 80, j->completion_rate);
	fmt_pct(v[2], 80, j->resolution_rate);
	fmt_pct(v[3], 80, j->recontact_rate);
	fmt_pct(v[4], 80, j->fcr_rate);
	snprintf(v[5], 80, "%llu", (unsigned long long)j->handoffs);
	fmt_pct(v[6], 80, j->handoff_success_rate);
	fmt_pct(v[7], 80, j->repeat_rate);
	fmt_num(v[8], 80, j->contacts_per_instance, "");
	fmt_num(v[9], 80, j->channels_per_instance, "");
	fmt_num(v[10], 80, j->ttr_p50_s / 3600.0, " h");
	fmt_num(v[11], 80, j->ttr_p90_s / 3600.0, " h");
	fmt_num(v[12], 80, j->csat_avg, "");
	fmt_num(v[13], 80, j->nps, "");
	fmt_num(v[14], 80, j->ces_avg, "");
	snprintf(v[15], 80, "%llu (broken %llu, cross-team %llu)", (unsigned long long)j->promises,
		 (unsigned long long)j->promises_broken, (unsigned long long)j->cross_team_breaks);
	snprintf(v[16], 80, "%llu", (unsigned long long)j->collisions);
	static const char *const names[] = {
		"instances", "completion", "resolution (successful)", "recontact",
		"first-contact resolution", "handoffs", "handoff success", "customer repeated",
		"contacts per instance", "channels per instance", "time to resolve p50",
		"time to resolve p90", "CSAT (1-5)", "NPS", "effort (CES 1-7)", "promises", "collisions"};
	for (int i = 0; i < 17; i++) {
		const char *cells[] = {names[i], v[i]};
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
	static const char *const cols[] = {"team", "contacts", "local success", "true success",
					   "local rate", "true rate", "contacts shifted to others",
					   "on internal work", "collisions sent"};
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
	table_begin(w, cols, 9);
	for (size_t i = 0; i < k->nteams; i++) {
		const struct bt_local_kpis *t = &k->teams[i];
		char c[8][24];
		snprintf(c[0], 24, "%llu", (unsigned long long)t->contacts);
		snprintf(c[1], 24, "%llu", (unsigned long long)t->local_success);
		snprintf(c[2], 24, "%llu", (unsigned long long)t->true_success);
		fmt_pct(c[3], 24, t->local_success_rate);
		fmt_pct(c[4], 24, t->true_success_rate);
		snprintf(c[5], 24, "%llu", (unsigned long long)t->cost_shifted);
		snprintf(c[6], 24, "%llu", (unsigned long long)t->internal_success);
		snprintf(c[7], 24, "%llu", (unsigned long long)t->collisions);
		const char *cells[] = {t->id, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]};
		row(w, cells, 9);
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
	if (w.html)
		put(&w, "</body></html>\n");
	return w.rc;
}
