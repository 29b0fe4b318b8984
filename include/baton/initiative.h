/* SPDX-License-Identifier: Apache-2.0 */
/*
 * initiative.h - initiatives, each with a measured verdict
 * (docs/initiatives.md).
 *
 * An initiative is a change made to a journey from a start time, judged by
 * one KPI: the instances opened since the start (after) against those
 * opened in the same length of time before it (before), or, with a cohort,
 * the cohort's instances since the start against the rest of that period.
 * The verdict comes from a 95% interval for after - before: Newcombe's
 * hybrid score interval for a rate, Welch's for a mean.  Only the
 * initiative is stored; its figures are derived as of the engine's time.
 */
#ifndef BATON_INITIATIVE_H
#define BATON_INITIATIVE_H

#include "baton/baton.h"
#include "baton/buf.h"
#include "baton/engine.h"
#include "baton/records.h"

/* The KPIs an initiative may be judged by, in the order docs name them:
 * resolution, completion, recontact, fcr, handoff_success, repeat (rates),
 * csat, contacts, ttr (means). */
extern const char *const bt_initiative_kpis[];
extern const size_t bt_initiative_nkpis;

/* Read a POST /v1/initiatives body ({"name","journey","kpi","start",
 * "cohort"?,"min_sample"?,"min_effect"?}) into *in (its strings its own:
 * bt_initiative_release); BT_EINVAL naming the field that is wrong (an
 * unknown KPI with the nearest one).  Checks what needs no configuration. */
int bt_initiative_parse(const char *json, size_t len, struct bt_initiative *in,
			struct bt_err *err);
/* Check the fields: the name, a KPI of bt_initiative_kpis (an API key such
 * as "resolution_rate" is taken for its KPI and in->kpi rewritten), the
 * cohort's field ("source", "channel", "team", "props.X") and value, a
 * min_sample of at least 2, a min_effect not negative; and, with cfg, the
 * journey a configured one.  BT_EINVAL naming the field. */
int bt_initiative_check(struct bt_initiative *in, const struct bt_config *cfg, struct bt_err *err);
void bt_initiative_release(struct bt_initiative *in);

/* Store an initiative (checked first, without a configuration): its id and
 * (when 0) its creation time are set. */
int bt_initiative_add(struct bt_db *db, struct bt_initiative *in, struct bt_err *err);
/* Every initiative, oldest first; free with bt_initiatives_free. */
int bt_initiatives_list(struct bt_db *db, struct bt_initiative **out, size_t *n,
			struct bt_err *err);

/* One side of the comparison: the KPI's value over n units (the KPI's
 * denominator: ended instances for resolution and completion, instances
 * resolved for recontact, FCR and TTR, handoffs, contacts, CSAT answers,
 * instances for contacts per instance), x of them counting for a rate,
 * the sample variance for a mean, and the instances of the group. */
struct bt_initiative_side {
	double value; /* NaN: no units */
	uint64_t n, x, instances;
	double var;
	int64_t from, to; /* instances opened in [from, to) */
};

/* An initiative judged as of a time. */
struct bt_verdict {
	const struct bt_initiative *in;
	int64_t as_of;
	int rate;         /* 1: a rate (Newcombe), 0: a mean (Welch) */
	int lower_better; /* recontact, repeat, contacts, ttr */
	struct bt_initiative_side before, after;
	/* after - before (NaN when a side has no units), its 95% interval
	 * (NaN until each side has min_sample units), the minimum effect */
	double effect, ci_low, ci_high, min_effect;
	const char *method; /* "newcombe" or "welch" */
	const char *verdict; /* "continue", "stop" or "unknown" */
	char why[512];
};

/* Judge in as of e's time.  db (may be NULL) is read for a props.X cohort:
 * the value of the instance's first event (BT_EUNSUPPORTED without one). */
int bt_engine_initiative(const struct bt_engine *e, struct bt_db *db, const struct bt_initiative *in,
			 struct bt_verdict *out, struct bt_err *err);
/* May a caller of scope see initiative in (an owner: those of the journeys
 * they own; everyone else: all)? */
int bt_initiative_visible(const struct bt_config *cfg, const struct bt_initiative *in,
			  const struct bt_scope *scope);
/* Every initiative of v that scope sees (NULL: all), and of journey (NULL:
 * any), judged as of e's time, in v's order: the steering agenda's
 * question.  Free *out with bt_free; its verdicts point into v. */
int bt_engine_initiatives(const struct bt_engine *e, struct bt_db *db,
			  const struct bt_initiative *v, size_t n, const struct bt_scope *scope,
			  const char *journey, struct bt_verdict **out, size_t *nout,
			  struct bt_err *err);

/* {"id","name","journey","kpi","start","cohort":{"field","value"}|null,
 * "min_sample","min_effect","created_by","created","as_of","method",
 * "direction","before":{"value","n","instances","from","to"},"after":{...},
 * "effect","ci_low","ci_high","verdict","why"} */
int bt_verdict_json(const struct bt_verdict *v, struct bt_buf *b);
/* {"as_of","initiatives":[...]} */
int bt_verdicts_json(const struct bt_verdict *v, size_t n, int64_t as_of, struct bt_buf *b);

#endif
