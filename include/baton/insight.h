/* SPDX-License-Identifier: Apache-2.0 */
/*
 * insight.h - the friction audit, experience consistency across entry
 * channels and value at stake (docs/insight.md), from a derived engine.
 * Each is computed over the instances opened in a period (struct
 * bt_kpi_query), as a caller of a scope sees them, so the figures agree
 * with the KPIs of the same period.
 */
#ifndef BATON_INSIGHT_H
#define BATON_INSIGHT_H
#include "baton/buf.h"
#include "baton/engine.h"

#include <stdint.h>

/* ---- the friction audit ---- */

/* The kinds, in the order a tie is broken by. */
enum bt_friction_kind {
	BT_FRICTION_DROP_OFF,       /* abandoned in a stage */
	BT_FRICTION_DELAY,          /* in a stage a whole SLA or more */
	BT_FRICTION_RECONTACT,      /* recontacted after resolution */
	BT_FRICTION_REPEAT,         /* the customer had to repeat themselves */
	BT_FRICTION_FAILED_HANDOFF, /* a handoff failed, by pair and reason */
	BT_FRICTION_BROKEN_PROMISE, /* by the team that had to keep it */
	BT_FRICTION_NEGATIVE_FEEDBACK, /* CSAT <= 2 or NPS <= 6 */
	BT_FRICTION__COUNT
};
/* "drop_off", "delay", "recontact", "repeat", "failed_handoff",
 * "broken_promise", "negative_feedback". */
extern const char *const bt_friction_kinds[BT_FRICTION__COUNT];

/* One friction point.  Strings point into the engine or its configuration
 * (NULL: not part of this kind's place). */
struct bt_friction {
	const char *journey;
	int kind;                       /* enum bt_friction_kind */
	const char *stage;              /* drop_off, delay: the stage (drop_off NULL: before any) */
	uint32_t stage_no;              /* its position in the journey, 1-based; 0 none */
	const char *from, *to, *reason; /* failed_handoff: the teams, and context_lost,
					 * customer_repeated or late */
	const char *team;               /* broken_promise: the team that had to keep it */
	uint64_t customers;             /* distinct profiles it affected */
	uint64_t occurrences;           /* instances (drop_off, delay, recontact), repeated
					 * contacts, failed handoffs, broken promises, feedback */
	uint64_t journey_customers;     /* the journey's customers in the period */
	double share;                   /* customers / journey_customers; NaN when 0 */
};

/* The friction points of journey q->journey (NULL: every journey the
 * scope sees) over its instances opened in [q->from, q->to), ranked: most
 * customers first; ties by more occurrences, then the kind's order above,
 * then the stage's position, then the names of the place (from, to,
 * reason, team) alphabetically.  *customers (may be NULL) gets the
 * journey's customers (for NULL: all journeys').  Free *out with bt_free.
 * BT_ENOTFOUND for an unknown journey. */
int bt_engine_friction(const struct bt_engine *e, const struct bt_kpi_query *q,
		       const struct bt_scope *scope, struct bt_friction **out, size_t *n,
		       uint64_t *customers, struct bt_err *err);
/* Where a friction point is, in words a journey owner reads ("abandoned in
 * stage review", "handoff digital -> service: context_lost"), into out. */
void bt_friction_where(const struct bt_friction *x, char *out, size_t size);
/* {"journey","as_of","from","to","customers","instances","friction":[{"rank",
 * "kind","stage","from","to","reason","team","customers","share",
 * "occurrences"}]} */
int bt_engine_friction_json(const struct bt_engine *e, const struct bt_kpi_query *q,
			    const struct bt_scope *scope, struct bt_buf *out, struct bt_err *err);

/* ---- experience consistency ---- */

/* One entry channel: the channel of an instance's first contact. */
struct bt_channel_row {
	const char *channel;
	uint64_t instances, ended, successful, resolved_ever, recontacted, csat_n, csat_sum;
	double resolution_rate, recontact_rate, csat_avg; /* NaN: no denominator */
};
/* A spread across the channels that have the figure: max - min (NaN when
 * none has it), in the figure's unit (rates 0..1), the channels at each
 * end, and whether it reaches the configuration's threshold (compared
 * exactly, on the counts). */
struct bt_spread {
	double spread;
	const char *max, *min;
	int flagged;
};
struct bt_consistency {
	const char *journey;
	int64_t as_of;
	uint64_t instances, no_channel; /* no_channel: no contact, or one without a channel */
	struct bt_channel_row *rows;    /* channels in the order of docs/events.md */
	size_t nrows;
	struct bt_spread resolution, recontact, csat;
	int64_t max_spread_rate_upp, max_spread_csat_u; /* thresholds, millionths */
};
int bt_engine_consistency(const struct bt_engine *e, const struct bt_kpi_query *q,
			  const struct bt_scope *scope, struct bt_consistency *out,
			  struct bt_err *err);
void bt_consistency_release(struct bt_consistency *c);
/* {"journey","as_of","instances","no_channel","thresholds":{"rate_pp","csat"},
 * "channels":[{"channel","instances","resolution_rate","recontact_rate",
 * "csat","csat_n"}],"spread":{"resolution_rate":{"spread","max","min",
 * "flagged"},"recontact_rate":{...},"csat":{...}},"flagged"} */
int bt_engine_consistency_json(const struct bt_engine *e, const struct bt_kpi_query *q,
			       const struct bt_scope *scope, struct bt_buf *out,
			       struct bt_err *err);

/* ---- value at stake ---- */

struct bt_value_side {
	const char *name;      /* "successful", "failed", "kept", "broken", "clean", "failed" */
	uint64_t outcomes;     /* instances, promises or handoffs */
	uint64_t customers;    /* distinct profiles */
	uint64_t churned;      /* of them, with a churn event in [first outcome, + days) */
	double churn_rate;     /* churned / customers; NaN when none */
	int64_t revenue_u;     /* revenue in [first outcome, + days), millionths */
	double revenue_per_customer; /* NaN when none */
};
struct bt_value_pair {
	const char *pair; /* "journeys", "promises", "handoffs" */
	struct bt_value_side good, bad;
	/* bad - good: NaN when either is */
	double churn_rate_diff, revenue_per_customer_diff;
};
struct bt_value {
	int64_t as_of, days;
	const char *revenue;            /* the props key; NULL: none configured */
	size_t nchurn;                  /* churn event types configured */
	struct bt_value_pair pairs[3];
};
int bt_engine_value(const struct bt_engine *e, const struct bt_kpi_query *q,
		    const struct bt_scope *scope, struct bt_value *out, struct bt_err *err);
/* {"as_of","days","revenue_field","churn_types","pairs":[{"pair","good":{"side",
 * "outcomes","customers","churned","churn_rate","revenue","revenue_per_customer"},
 * "bad":{...},"difference":{"churn_rate","revenue_per_customer"}}]} */
int bt_engine_value_json(const struct bt_engine *e, const struct bt_kpi_query *q,
			 const struct bt_scope *scope, struct bt_buf *out, struct bt_err *err);
/* v millionths as an exact decimal into b (12.5, -3), or into out. */
int bt_buf_micro(struct bt_buf *b, int64_t v);
void bt_buf_micro_text(int64_t v, char out[32]);

#endif
