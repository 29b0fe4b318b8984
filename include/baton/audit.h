/* SPDX-License-Identifier: Apache-2.0 */
/*
 * audit.h - the touchpoint inventory and the data audit (docs/audit.md):
 * every source with its inventory fields (the configuration's
 * touchpoints), its data-availability level declared and measured, the
 * silo map (sources joined by the customers they share) and the
 * crawl-walk-run roadmap.  Computed from a derived engine; nothing is
 * stored.
 */
#ifndef BATON_AUDIT_H
#define BATON_AUDIT_H

#include "baton/buf.h"
#include "baton/engine.h"

#include <stdint.h>

/* The measured level of a source from its events (docs/audit.md): of
 * `events`, `linked` are on a profile that another source also reaches.
 * 3 (integrated) from 90% up, 2 (shared) from 30% up to 90% not
 * included, 1 (siloed) below 30%; 0 (unknown) without events.  Compared
 * in integers: linked*100 >= 90*events, never in floating point. */
int bt_audit_level(uint64_t linked, uint64_t events);

enum bt_audit_phase { BT_AUDIT_OFF, BT_AUDIT_CRAWL, BT_AUDIT_WALK, BT_AUDIT_RUN };
extern const char *const bt_audit_phase_names[4]; /* "", crawl, walk, run */

struct bt_audit_source {
	const char *id;
	const struct bt_cfg_touchpoint *tp; /* NULL: known from events only */
	/* its events in the period, those linked, the customers (profiles)
	 * they are on, the journey instances they are on */
	uint64_t events, linked, profiles, instances;
	int declared; /* 1-3; 0 not declared */
	int measured; /* bt_audit_level */
	int disagrees; /* declared and measured, and not the same */
	/* the roadmap: phase (BT_AUDIT_OFF: not on it: integrated, or no
	 * events), rank by score (1 first; 0 off the roadmap) */
	int phase;
	size_t rank;
	/* crawl: an identifier kind this source and `with` both declare as
	 * shared, yet no customer of theirs is on both */
	const char *kind, *with;
};

/* An edge of the silo map: sources a < b (indices) share `profiles`
 * customers. */
struct bt_audit_edge {
	size_t a, b;
	uint64_t profiles;
};

struct bt_audit {
	int64_t as_of, from, to;
	/* the sources the caller may see: the configuration's touchpoints in
	 * its order, then sources known from events only, by name */
	struct bt_audit_source *sources;
	size_t nsources;
	struct bt_audit_edge *edges; /* heaviest first, then by the sources' order */
	size_t nedges;
	size_t *roadmap; /* indices of the sources on it: crawl, walk, run; by rank within */
	size_t nroadmap;
};

/*
 * The audit of the events with times in [from, to) (BT_TIME_NONE:
 * open-ended) up to e's time.  Figures are over every event whoever asks;
 * scope (NULL: everything) chooses the sources listed: an owner those on
 * instances of their journeys in the period, a team the touchpoints it
 * owns; edges join listed sources only.  Free with bt_audit_free.
 */
int bt_engine_audit(const struct bt_engine *e, int64_t from, int64_t to, const struct bt_scope *scope,
		    struct bt_audit **out, struct bt_err *err);
void bt_audit_free(struct bt_audit *a);

/* A source's siloedness (events not linked over events) and score
 * (instances x siloedness); NaN without events. */
double bt_audit_siloedness(const struct bt_audit_source *s);
double bt_audit_score(const struct bt_audit_source *s);

/* GET /v1/audit/sources and GET /v1/audit/silo-map (docs/api.md). */
int bt_audit_sources_json(const struct bt_audit *a, struct bt_buf *out);
int bt_audit_silo_map_json(const struct bt_audit *a, struct bt_buf *out);

/* The audit for people: text (a terminal), Markdown or an HTML fragment,
 * headings from `level` (1: a page of its own; 2: a section of a report). */
enum bt_audit_format { BT_AUDIT_TEXT, BT_AUDIT_MD, BT_AUDIT_HTML };
int bt_audit_render(const struct bt_audit *a, enum bt_audit_format f, int level, struct bt_buf *out);

#endif
