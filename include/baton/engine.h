/* SPDX-License-Identifier: Apache-2.0 */
/*
 * engine.h - journeys, handoffs, promises, collisions (docs/journeys.md) and
 * the KPIs (docs/kpis.md).
 *
 * A struct bt_engine holds every event of a history in compact form and
 * derives, as of one time T, each profile's journey instances by the rules of
 * docs/journeys.md.  It is built either from
 * a database (bt_engine_from_db) or straight from a file, with identity
 * resolved in memory (bt_engine_from_stream: `baton kpis --input`).  Both
 * give the same numbers for the same events: instances depend only on each
 * profile's events in event-time order, never on batches or arrival time.
 */
#ifndef BATON_ENGINE_H
#define BATON_ENGINE_H

#include "baton/baton.h"
#include "baton/buf.h"
#include "baton/config.h"
#include "baton/records.h"

#include <stdint.h>
#include <stdio.h>

#define BT_TIME_NONE INT64_MIN

struct bt_engine;

/* Build from every event in db with ts <= as_of (BT_TIME_NONE: all; T is
 * then the latest event time). */
int bt_engine_from_db(struct bt_db *db, const struct bt_config *cfg, int64_t as_of,
		      struct bt_engine **out, struct bt_err *err);
/* Build from a file (NDJSON or JSON), resolving identity in memory.
 * Rejected records go to reject(); st counts them. */
int bt_engine_from_stream(FILE *f, enum bt_format fmt, const struct bt_config *cfg,
			  int64_t as_of, bt_reject_fn reject, void *ctx,
			  struct bt_ingest_stats *st, struct bt_engine **out, struct bt_err *err);
void bt_engine_free(struct bt_engine *e);
/* The time T the engine judged at (ms). */
int64_t bt_engine_as_of(const struct bt_engine *e);
/* The configuration it was built with (NULL: none). */
const struct bt_config *bt_engine_config(const struct bt_engine *e);
/* Is journey id configured, or seen in an event up to T?  Is team
 * configured, or the team of an event up to T? */
int bt_engine_has_journey(const struct bt_engine *e, const char *id);
int bt_engine_has_team(const struct bt_engine *e, const char *team);

/* What a caller may see of journey-level data (docs/api.md, Roles): every
 * field NULL sees everything; person: only the instances of the journeys
 * that person owns (every list and aggregate is computed over those);
 * team: only the work that team holds, and the handoffs into and out of it. */
struct bt_scope {
	const char *person;
	const char *team;
};

struct bt_kpi_query {
	const char *journey; /* NULL: all */
	int64_t from, to;    /* instances opened in [from, to); BT_TIME_NONE: open-ended */
};

/* A rate or average that has no denominator is NaN and printed as null. */
struct bt_journey_kpis {
	const char *journey, *name, *owner, *owner_name; /* owner NULL: unowned */
	int defined, sensitive;
	uint64_t instances, open, resolved, abandoned;
	double completion_rate, resolution_rate, recontact_rate, fcr_rate;
	uint64_t handoffs;
	double handoffs_per_instance, handoff_success_rate, repeat_rate;
	double contacts_per_instance, channels_per_instance;
	double ttr_p50_s, ttr_p90_s, csat_avg, nps, ces_avg;
	uint64_t promises, promises_broken, cross_team_breaks, collisions, unowned_instances;
	/* the counts behind the rates */
	uint64_t successful, resolved_ever, recontacted, fcr, contacts, repeats, clean_handoffs;
	uint64_t handoff_context_lost, handoff_customer_repeated, handoff_late;
	uint64_t promises_kept, promises_kept_late, promises_open;
	/* closed-loop feedback: follow-ups opened in the period, closed by T,
	 * closed before their due time (docs/followups.md) */
	uint64_t followups, followups_closed, followups_closed_in_sla;
	double loop_closed_rate, loop_closed_in_sla_rate, time_to_close_p50_s;
};

/* Local success versus journey outcome, for one team or one source. */
struct bt_local_kpis {
	const char *id;
	uint64_t contacts, local_success, true_success, cost_shifted;
	/* of local_success and true_success, those on internal work (a refund
	 * issued): successes, but no contact of the customer */
	uint64_t internal_success, internal_true_success;
	/* outbound events it sent that collided (docs/journeys.md), each once */
	uint64_t collisions;
	/* the successes on contacts over the contacts: internal work is left
	 * out, since it is not among the contacts */
	double local_success_rate, true_success_rate;
	/* follow-ups it held at the feedback (teams only) */
	uint64_t followups, followups_closed, followups_closed_in_sla;
	double loop_closed_rate, loop_closed_in_sla_rate, time_to_close_p50_s;
};

/* A team-to-team handoff route of one journey. */
struct bt_handoff_route {
	const char *journey, *from, *to;
	uint64_t count, clean, context_lost, customer_repeated, late;
};

struct bt_kpis {
	int64_t as_of;
	struct bt_journey_kpis *journeys;
	size_t njourneys;
	struct bt_local_kpis *teams, *sources;
	size_t nteams, nsources;
	struct bt_handoff_route *routes;
	size_t nroutes;
	uint64_t collisions;         /* overall: every colliding outbound event once */
	uint64_t consent_collisions; /* of which the customer had withdrawn consent */
	uint64_t collisions_on_no_journey; /* of which no journey caused (consent only) */
	uint64_t events, profiles, timeline_only;
};

int bt_engine_kpis(const struct bt_engine *e, const struct bt_kpi_query *q, struct bt_kpis **out,
		   struct bt_err *err);
/* The same, as a caller of scope sees them (NULL: everything). */
int bt_engine_kpis_for(const struct bt_engine *e, const struct bt_kpi_query *q,
		       const struct bt_scope *scope, struct bt_kpis **out, struct bt_err *err);
void bt_kpis_free(struct bt_kpis *k);


/* One broken promise, for reports. */
struct bt_broken_promise {
	const char *journey, *promise, *kind, *made_by, *keeper;
	int64_t made, due, profile;
};
/* Broken promises (as of T) of instances opened in the query's period. */
int bt_engine_broken_promises(struct bt_engine *e, const struct bt_kpi_query *q,
			      struct bt_broken_promise **out, size_t *n, struct bt_err *err);

/* What a live list asks for.  Lists are newest first (instances by the
 * time they opened, promises by the time they were made), a page of at
 * most limit items; "total" counts every match and "next" is the cursor of
 * the following page (null on the last): a page asked for with it starts
 * right after the last item of the one before, so items that arrive
 * meanwhile never shift the pages. */
struct bt_list_query {
	const struct bt_scope *scope; /* NULL: everything */
	const char *journey;          /* instances: the journey's id */
	const char *state, *holder;   /* instances: "open"|"resolved"|"abandoned"; team */
	const char *status, *keeper;  /* promises: "open"|"broken"|"kept"|"kept_late"; team */
	size_t limit;
	const char *cursor;           /* NULL: the first page */
	/* instances: opened in [from, to) (BT_TIME_NONE: unbounded); with a
	 * handoff from team handoff_from to team handoff_to (either NULL: any),
	 * handoff_verdict "clean" or "failed" (NULL: either) */
	int64_t from, to;
	const char *handoff_from, *handoff_to, *handoff_verdict;
	/* queue: what people did about escalations, those up to until count */
	const struct bt_esc_action *acts;
	size_t nacts;
	int64_t until;
};

/* Instances of a journey; promises; and the queue of a person: their
 * journeys' open instances that need them (stage SLA breached or at risk,
 * failed handoffs, a promise broken or due within 24 h, collisions), with
 * the reasons.  BT_EINVAL (message in err) for a cursor that is not one. */
int bt_engine_instances_json(const struct bt_engine *e, const struct bt_list_query *q,
			     struct bt_buf *out, struct bt_err *err);
int bt_engine_promises_json(const struct bt_engine *e, const struct bt_list_query *q, struct bt_buf *out,
			    struct bt_err *err);
int bt_engine_queue_json(const struct bt_engine *e, const char *person, const struct bt_list_query *q,
			 struct bt_buf *out, struct bt_err *err);
/* The sources of the events up to the time judged at, most events first:
 * {"sources":[{"source","events","last_7d","first","last","touchpoint",
 * "channel","team"}],"total","next"}; touchpoint says whether the
 * configuration knows it (channel and team are its). */
/* ---- escalations (docs/escalations.md) ---- */

/* An escalation as of the engine's time.  Strings point into the engine,
 * its configuration or the actions; times are BT_TIME_NONE when not. */
struct bt_escalation {
	char id[64];          /* "I" opener "." condition */
	const char *journey;
	uint32_t instance;    /* index in the engine */
	uint32_t opener;      /* the instance's id: I<opener> */
	int on;               /* enum bt_esc_on */
	int64_t since;        /* the condition held from */
	int64_t opened;       /* since + the rule's after */
	int64_t moved;        /* when it moved to the rule's then.to */
	int64_t acknowledged, resolved;
	int cleared;          /* resolved because the condition cleared, not by hand */
	const char *to;       /* whom it is with now: "owner", "steering" or a person */
	const char *owner;    /* the journey's owner (NULL: none) */
	const char *acked_by, *resolved_by;
};

/* Every escalation raised up to e's time, given what people did (acts;
 * those up to `until` count: the time the question is asked, which may be
 * a moment past the engine's), in instance order.  Free *out with
 * bt_free. */
int bt_engine_escalations(const struct bt_engine *e, const struct bt_esc_action *acts, size_t nacts,
			  int64_t until, struct bt_escalation **out, size_t *n, struct bt_err *err);

/* The escalations as a page, newest opened first: {"escalations":[...],
 * "total","next"}, of journey (NULL: all), in state (NULL: any), that
 * person may see (NULL: everyone's): those of their journeys and those that
 * reach them.  BT_EINVAL for a cursor that is not one. */
struct bt_esc_query {
	const char *journey, *state, *person;
	size_t limit;
	const char *cursor;
	int64_t until;
};
int bt_engine_escalations_json(const struct bt_engine *e, const struct bt_esc_action *acts,
			       size_t nacts, const struct bt_esc_query *q, struct bt_buf *out,
			       struct bt_err *err);
/* "open", "acknowledged" or "resolved". */
const char *bt_escalation_state(const struct bt_escalation *x);
/* Does it reach person now (named, the journey's owner, or steering)? */
int bt_escalation_reaches(const struct bt_engine *e, const struct bt_escalation *x,
			  const char *person);
/* {"id","journey","instance","profile","condition","state","since",
 * "opened","level","to":[people],"moved","acknowledged","acknowledged_by",
 * "resolved","resolved_by","how"} */
void bt_escalation_json(const struct bt_engine *e, const struct bt_escalation *x, struct bt_buf *b);

/* The moments a webhook announces (docs/webhooks.md) that happened in
 * [from, until]: escalations opened, moved and resolved, promises broken,
 * collisions; fn(ctx, key, event, at, json, len) for each, where key is
 * the same every time the same moment is met (announce it once) and json
 * its data.  fn's non-zero return stops the walk and is returned. */
typedef int (*bt_moment_fn)(void *ctx, const char *key, const char *event, int64_t at,
			    const char *json, size_t len);
int bt_engine_moments(const struct bt_engine *e, const struct bt_esc_action *acts, size_t nacts,
		      int64_t from, int64_t until, bt_moment_fn fn, void *ctx, struct bt_err *err);

/* ---- closed-loop feedback (docs/followups.md) ---- */

/* A follow-up as of the engine's time, given the closes by hand (those up
 * to `until` count).  Strings point into the engine or the closes. */
struct bt_followup {
	char id[24];           /* "F" and the seq of the feedback that opened it */
	const char *journey, *owner, *team; /* team: the holder at the feedback (NULL: none) */
	uint32_t instance;     /* index in the engine */
	uint32_t opener;       /* the instance's id: I<opener> */
	uint32_t feedback;     /* index of the event that opened it */
	uint32_t negatives;    /* negative feedback it gathered, the first included */
	int64_t opened, due, closed; /* closed: BT_TIME_NONE while open */
	uint32_t closed_by;    /* index + 1 of the event that closed it (0: none) */
	const struct bt_fu_close *hand; /* closed by hand (NULL: not) */
	/* where the instance stood at the feedback: its stage, and the teams
	 * of its last handoff (NULL: none) */
	const char *stage, *handoff_from, *handoff_to;
};
/* Every follow-up up to e's time, in instance order.  Free *out with
 * bt_free. */
int bt_engine_followups(const struct bt_engine *e, const struct bt_fu_close *closes, size_t nc,
			int64_t until, struct bt_followup **out, size_t *n, struct bt_err *err);
/* "closed", "overdue" (open at or past its due time) or "open". */
const char *bt_followup_state(const struct bt_engine *e, const struct bt_followup *f);
/* {"id","journey","instance","profile","owner","team","stage","handoff":
 * {"from","to"}|null,"state","opened","due","closed","in_time","how",
 * "closed_by_event","closed_by","note","feedback":{"event","csat","nps",
 * "ces","comment"},"negatives"} */
void bt_followup_json(const struct bt_engine *e, const struct bt_followup *f, struct bt_buf *b);
/* The follow-ups as a page, newest opened first: {"followups":[...],
 * "total","next"}, of journey (NULL: all), in state (open: not closed, so
 * overdue ones too; overdue; closed), held by team, that scope may see. */
struct bt_fu_query {
	const struct bt_scope *scope;
	const char *journey, *state, *team, *id;
	size_t limit;
	const char *cursor;
	int64_t until;
};
int bt_engine_followups_json(const struct bt_engine *e, const struct bt_fu_close *closes, size_t nc,
			     const struct bt_fu_query *q, struct bt_buf *out, struct bt_err *err);
/* The follow-up KPIs of k's journey and team rows, over the follow-ups
 * opened in q's period that scope may see, with the closes by hand up to
 * T.  bt_engine_kpis_for fills them without closes by hand. */
int bt_kpis_followups(struct bt_kpis *k, const struct bt_engine *e, const struct bt_kpi_query *q,
		      const struct bt_scope *scope, const struct bt_fu_close *closes, size_t nc,
		      struct bt_err *err);
/* Of instance index i: the negative feedback (follow-up triggers) on it. */
uint32_t bt_engine_instance_negatives(const struct bt_engine *e, uint32_t i);

/* The stage funnel of journey q->journey over the instances opened in the
 * period: {"journey","as_of","instances","no_stage","stages":[{"stage",
 * "sla_s","reached","open","sla_breached","sla_at_risk"}]}; reached counts
 * the instances whose events got to that stage or a later one, open those
 * open in it now, and of those the ones a whole SLA or more (breached) or
 * three quarters of it (at risk) in it.  BT_ENOTFOUND for an unknown
 * journey. */
int bt_engine_funnel_json(const struct bt_engine *e, const struct bt_kpi_query *q,
			  const struct bt_scope *scope, struct bt_buf *out, struct bt_err *err);
int bt_engine_sources_json(const struct bt_engine *e, const struct bt_list_query *q,
			   struct bt_buf *out, struct bt_err *err);

#endif
