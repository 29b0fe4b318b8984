/* SPDX-License-Identifier: Apache-2.0 */
/*
 * audit_view.c - the data audit (audit.c) written out: as the JSON of
 * GET /v1/audit/sources and /v1/audit/silo-map, and for people as text,
 * Markdown or HTML (`baton audit`, the audit section of `baton report`).
 * One writer with three dialects, so that all say the same.
 */
#include "baton/audit.h"

#include "view.h"

#include "util/alloc.h"
#include "util/time.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const level_names[4] = {NULL, "L1", "L2", "L3"};
static const char *const level_words[4] = {"-", "L1 siloed", "L2 shared", "L3 integrated"};

static void json_list(struct bt_buf *b, const char *key, const struct bt_strlist *l)
{
	bt_buf_printf(b, ",\"%s\":[", key);
	for (size_t i = 0; l && i < l->n; i++) {
		if (i)
			bt_buf_addc(b, ',');
		bt_buf_json_strz(b, l->v[i]);
	}
	bt_buf_addc(b, ']');
}

static void json_field(struct bt_buf *b, const char *key, const char *v)
{
	bt_buf_printf(b, ",\"%s\":", key);
	bt_buf_json_strz(b, v);
}

static void json_head(const struct bt_audit *a, struct bt_buf *b)
{
	char t[32];
	bt_time_print(a->as_of, t);
	bt_buf_adds(b, "{\"as_of\":");
	bt_buf_json_strz(b, t);
	bt__json_time_field(b, "from", a->from);
	bt__json_time_field(b, "to", a->to);
}

static void source_json(const struct bt_audit_source *s, struct bt_buf *b)
{
	const struct bt_cfg_touchpoint *t = s->tp;
	bt_buf_adds(b, "{\"source\":");
	bt_buf_json_strz(b, s->id);
	bt_buf_printf(b, ",\"touchpoint\":%s", t ? "true" : "false");
	json_field(b, "name", t ? t->name : NULL);
	json_field(b, "channel", t ? t->channel : NULL);
	json_field(b, "team", t ? t->team : NULL);
	json_field(b, "technology", t ? t->technology : NULL);
	json_field(b, "integration", t ? t->integration : NULL);
	json_list(b, "customer_data", t ? &t->customer_data : NULL);
	json_list(b, "interaction_data", t ? &t->interaction_data : NULL);
	json_list(b, "restrictions", t ? &t->restrictions : NULL);
	json_list(b, "shared_identifiers", t ? &t->shared_identifiers : NULL);
	json_field(b, "declared_level", level_names[s->declared]);
	json_field(b, "measured_level", level_names[s->measured]);
	bt_buf_printf(b, ",\"share\":{\"linked\":%llu,\"events\":%llu,\"rate\":",
		      (unsigned long long)s->linked, (unsigned long long)s->events);
	bt_buf_json_num(b, s->events ? (double)s->linked / (double)s->events : NAN);
	bt_buf_printf(b, "},\"disagrees\":%s,\"profiles\":%llu,\"instances\":%llu,\"siloedness\":",
		      s->disagrees ? "true" : "false", (unsigned long long)s->profiles,
		      (unsigned long long)s->instances);
	bt_buf_json_num(b, bt_audit_siloedness(s));
	bt_buf_adds(b, ",\"score\":");
	bt_buf_json_num(b, bt_audit_score(s));
	json_field(b, "phase", s->phase ? bt_audit_phase_names[s->phase] : NULL);
	if (s->rank)
		bt_buf_printf(b, ",\"rank\":%zu", s->rank);
	else
		bt_buf_adds(b, ",\"rank\":null");
	if (s->kind) {
		bt_buf_adds(b, ",\"quick_win\":{\"kind\":");
		bt_buf_json_strz(b, s->kind);
		json_field(b, "with", s->with);
		bt_buf_addc(b, '}');
	} else {
		bt_buf_adds(b, ",\"quick_win\":null");
	}
	bt_buf_addc(b, '}');
}

int bt_audit_sources_json(const struct bt_audit *a, struct bt_buf *b)
{
	json_head(a, b);
	bt_buf_adds(b, ",\"sources\":[");
	for (size_t i = 0; i < a->nsources; i++) {
		if (i)
			bt_buf_addc(b, ',');
		source_json(&a->sources[i], b);
	}
	bt_buf_adds(b, "],\"roadmap\":[");
	for (size_t i = 0; i < a->nroadmap; i++) {
		const struct bt_audit_source *s = &a->sources[a->roadmap[i]];
		bt_buf_adds(b, i ? ",{\"source\":" : "{\"source\":");
		bt_buf_json_strz(b, s->id);
		bt_buf_printf(b, ",\"phase\":\"%s\",\"rank\":%zu}", bt_audit_phase_names[s->phase], s->rank);
	}
	return bt_buf_adds(b, "]}");
}

int bt_audit_silo_map_json(const struct bt_audit *a, struct bt_buf *b)
{
	json_head(a, b);
	bt_buf_adds(b, ",\"nodes\":[");
	for (size_t i = 0; i < a->nsources; i++) {
		const struct bt_audit_source *s = &a->sources[i];
		bt_buf_adds(b, i ? ",{\"source\":" : "{\"source\":");
		bt_buf_json_strz(b, s->id);
		json_field(b, "team", s->tp ? s->tp->team : NULL);
		bt_buf_printf(b, ",\"events\":%llu,\"profiles\":%llu,\"linked\":%llu",
			      (unsigned long long)s->events, (unsigned long long)s->profiles,
			      (unsigned long long)s->linked);
		json_field(b, "declared_level", level_names[s->declared]);
		json_field(b, "measured_level", level_names[s->measured]);
		bt_buf_printf(b, ",\"disagrees\":%s}", s->disagrees ? "true" : "false");
	}
	bt_buf_adds(b, "],\"edges\":[");
	for (size_t i = 0; i < a->nedges; i++) {
		const struct bt_audit_edge *e = &a->edges[i];
		bt_buf_adds(b, i ? ",{\"a\":" : "{\"a\":");
		bt_buf_json_strz(b, a->sources[e->a].id);
		bt_buf_adds(b, ",\"b\":");
		bt_buf_json_strz(b, a->sources[e->b].id);
		bt_buf_printf(b, ",\"profiles\":%llu}", (unsigned long long)e->profiles);
	}
	return bt_buf_adds(b, "]}");
}

/* ---- for people ---- */

#define MAXCOL 8

struct w {
	struct bt_buf *b;
	enum bt_audit_format f;
	int level, rc;
	/* the table being written: text pads columns, so rows wait for it */
	char cells[256][MAXCOL][96];
	size_t nrows, dropped;
	int ncols;
};

static void put(struct w *w, const char *s)
{
	if (!w->rc)
		w->rc = bt_buf_adds(w->b, s);
}

/* Text escaped for the dialect. */
static void text(struct w *w, const char *s)
{
	if (w->rc)
		return;
	if (w->f == BT_AUDIT_HTML)
		w->rc = bt_buf_html_text(w->b, s);
	else if (w->f == BT_AUDIT_MD)
		w->rc = bt_buf_md_text(w->b, s);
	else
		w->rc = bt_buf_adds(w->b, s ? s : "");
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

static void heading(struct w *w, int sub, const char *s)
{
	int level = w->level + sub;
	if (w->f == BT_AUDIT_HTML) {
		char tag[8];
		snprintf(tag, sizeof(tag), "h%d>", level);
		put(w, "<"), put(w, tag), text(w, s), put(w, "</"), put(w, tag), put(w, "\n");
	} else if (w->f == BT_AUDIT_MD) {
		put(w, "\n");
		for (int i = 0; i < level; i++)
			put(w, "#");
		put(w, " "), text(w, s), put(w, "\n\n");
	} else {
		text(w, s), put(w, "\n");
	}
}

static void para_begin(struct w *w) { put(w, w->f == BT_AUDIT_HTML ? "<p>" : ""); }
static void para_end(struct w *w) { put(w, w->f == BT_AUDIT_HTML ? "</p>\n" : "\n\n"); }

static void table_begin(struct w *w, int ncols)
{
	w->nrows = w->dropped = 0, w->ncols = ncols;
}

__attribute__((format(printf, 3, 4))) static void cellf(struct w *w, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->cells[w->nrows][col], sizeof(w->cells[0][0]), fmt, ap);
	va_end(ap);
}

/* The row just filled is kept; past the table's room, the rest are left
 * out, and counted for a note (the JSON has them all). */
static void row_end(struct w *w)
{
	if (w->nrows + 1 < sizeof(w->cells) / sizeof(w->cells[0]))
		w->nrows++;
	else
		w->dropped++;
}

static void table_end(struct w *w)
{
	size_t width[MAXCOL] = {0};
	for (size_t r = 0; r < w->nrows; r++)
		for (int c = 0; c < w->ncols; c++)
			if (strlen(w->cells[r][c]) > width[c])
				width[c] = strlen(w->cells[r][c]);
	put(w, w->f == BT_AUDIT_HTML ? "<table>\n" : "");
	for (size_t r = 0; r < w->nrows; r++) {
		if (w->f == BT_AUDIT_HTML)
			put(w, "<tr>");
		else if (w->f == BT_AUDIT_MD)
			put(w, "|");
		int last = w->ncols - 1; /* text: no blanks after the last filled cell */
		while (w->f == BT_AUDIT_TEXT && last > 0 && !w->cells[r][last][0])
			last--;
		for (int c = 0; c <= last; c++) {
			const char *s = w->cells[r][c];
			if (w->f == BT_AUDIT_HTML) {
				put(w, r ? "<td>" : "<th>"), text(w, s), put(w, r ? "</td>" : "</th>");
			} else if (w->f == BT_AUDIT_MD) {
				put(w, " "), text(w, s), put(w, " |");
			} else {
				text(w, s);
				for (size_t k = strlen(s); c < last && k < width[c] + 2; k++)
					put(w, " ");
			}
		}
		put(w, w->f == BT_AUDIT_HTML ? "</tr>\n" : "\n");
		if (r == 0 && w->f == BT_AUDIT_MD) {
			put(w, "|");
			for (int c = 0; c < w->ncols; c++)
				put(w, "---|");
			put(w, "\n");
		}
	}
	put(w, w->f == BT_AUDIT_HTML ? "</table>\n" : "\n");
	if (w->dropped)
		para_begin(w), textf(w, "%zu more rows are left out here (--format json has them).", w->dropped),
			para_end(w);
}

/* "95% (19/20)", "-" without events */
static void share(const struct bt_audit_source *s, char out[64])
{
	if (!s->events)
		snprintf(out, 64, "-");
	else
		snprintf(out, 64, "%.0f%% (%llu/%llu)", 100.0 * (double)s->linked / (double)s->events,
			 (unsigned long long)s->linked, (unsigned long long)s->events);
}

static void sources_table(struct w *w, const struct bt_audit *a)
{
	table_begin(w, 7);
	cellf(w, 0, "source"), cellf(w, 1, "team"), cellf(w, 2, "technology"), cellf(w, 3, "declared");
	cellf(w, 4, "measured"), cellf(w, 5, "linked events"), cellf(w, 6, "flag");
	row_end(w);
	for (size_t i = 0; i < a->nsources; i++) {
		const struct bt_audit_source *s = &a->sources[i];
		char sh[64];
		share(s, sh);
		cellf(w, 0, "%s", s->id);
		cellf(w, 1, "%s", s->tp && s->tp->team ? s->tp->team : "-");
		cellf(w, 2, "%s", s->tp && s->tp->technology ? s->tp->technology : "-");
		cellf(w, 3, "%s", s->declared ? level_names[s->declared] : "-");
		cellf(w, 4, "%s", s->measured ? level_names[s->measured] : "-");
		cellf(w, 5, "%s", sh);
		cellf(w, 6, "%s", s->disagrees ? "declared != measured" : !s->tp ? "not in the inventory" : "");
		row_end(w);
	}
	table_end(w);
}

static void flags(struct w *w, const struct bt_audit *a)
{
	size_t n = 0;
	for (size_t i = 0; i < a->nsources; i++)
		n += (size_t)a->sources[i].disagrees;
	para_begin(w);
	if (!n)
		text(w, "Every source with a declared level and events measures at that level.");
	else
		textf(w, "%zu source%s measure%s at another level than declared:", n, n == 1 ? "" : "s",
		      n == 1 ? "s" : "");
	for (size_t i = 0, k = 0; i < a->nsources; i++) {
		const struct bt_audit_source *s = &a->sources[i];
		if (s->disagrees)
			textf(w, "%s %s (declared %s, measured %s)", k++ ? "," : "", s->id,
			      level_words[s->declared], level_words[s->measured]);
	}
	if (n)
		text(w, ".");
	para_end(w);
}

static void roadmap(struct w *w, const struct bt_audit *a)
{
	static const char *const what[4] = {
		"", "crawl (quick wins: an identifier both sides hold, not yet joining them)",
		"walk (shared in part: link the rest)", "run (siloed: no identifier in common yet)"};
	heading(w, 1, "Roadmap: crawl, walk, run");
	if (!a->nroadmap) {
		para_begin(w), text(w, "No source to integrate: each one is integrated or has no events."),
			para_end(w);
		return;
	}
	table_begin(w, 6);
	cellf(w, 0, "phase"), cellf(w, 1, "rank"), cellf(w, 2, "source"), cellf(w, 3, "instances");
	cellf(w, 4, "siloed"), cellf(w, 5, "why");
	row_end(w);
	for (size_t i = 0; i < a->nroadmap; i++) {
		const struct bt_audit_source *s = &a->sources[a->roadmap[i]];
		cellf(w, 0, "%s", bt_audit_phase_names[s->phase]);
		cellf(w, 1, "%zu", s->rank);
		cellf(w, 2, "%s", s->id);
		cellf(w, 3, "%llu", (unsigned long long)s->instances);
		cellf(w, 4, "%.0f%%", 100.0 * bt_audit_siloedness(s));
		if (s->kind && s->with)
			cellf(w, 5, "holds %s, as %s does; no customer on both", s->kind, s->with);
		else if (s->kind)
			cellf(w, 5, "holds %s, as another source does; no customer on both", s->kind);
		else
			cellf(w, 5, "%s", s->phase == BT_AUDIT_WALK ? "partly linked" : "siloed");
		row_end(w);
	}
	table_end(w);
	para_begin(w);
	text(w, "Ranked by instances x siloed share (the events on no other source's customer). ");
	for (int p = 1; p <= 3; p++)
		textf(w, "%s%s", p > 1 ? "; " : "", what[p]);
	text(w, ".");
	para_end(w);
}

static void silo_map(struct w *w, const struct bt_audit *a)
{
	heading(w, 1, "Silo map: customers two sources share");
	if (!a->nedges) {
		para_begin(w), text(w, "No two sources share a customer."), para_end(w);
		return;
	}
	table_begin(w, 3);
	cellf(w, 0, "source"), cellf(w, 1, "source"), cellf(w, 2, "customers");
	row_end(w);
	for (size_t i = 0; i < a->nedges && i < 10; i++) {
		const struct bt_audit_edge *e = &a->edges[i];
		cellf(w, 0, "%s", a->sources[e->a].id);
		cellf(w, 1, "%s", a->sources[e->b].id);
		cellf(w, 2, "%llu", (unsigned long long)e->profiles);
		row_end(w);
	}
	table_end(w);
	if (a->nedges > 10)
		para_begin(w), textf(w, "The 10 heaviest of %zu edges.", a->nedges), para_end(w);
}

int bt_audit_render(const struct bt_audit *a, enum bt_audit_format f, int level, struct bt_buf *out)
{
	/* the table's cells are large: on the heap */
	struct w *w = bt__malloc(sizeof(*w));
	char asof[32], from[32] = "the beginning", to[32] = "now";
	if (!w)
		return BT_ENOMEM;
	w->b = out, w->f = f, w->level = level, w->rc = 0, w->nrows = 0;
	bt_time_format(a->as_of, asof);
	if (a->from != BT_TIME_NONE)
		bt_time_format(a->from, from);
	if (a->to != BT_TIME_NONE)
		bt_time_format(a->to, to);
	heading(w, 0, "Data audit");
	para_begin(w);
	textf(w, "Events from %s to %s, judged as of %s. A source's measured level is the share of its "
		 "events on a customer another source also reaches: L3 from 90%%, L2 from 30%%, L1 below.",
	      from, to, asof);
	para_end(w);
	sources_table(w, a);
	flags(w, a);
	roadmap(w, a);
	silo_map(w, a);
	int rc = w->rc;
	bt__free(w);
	return rc;
}
