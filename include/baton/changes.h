/* SPDX-License-Identifier: Apache-2.0 */
/*
 * changes.h - what changed (docs/changes.md): the change calendar in the
 * database, the one list of changes (rule changes of the audit trail and
 * changes of the calendar), and the impact of a change on the contacts
 * and the KPIs of the journeys it touched.
 */
#ifndef BATON_CHANGES_H
#define BATON_CHANGES_H

#include "baton/baton.h"
#include "baton/calendar.h"
#include "baton/engine.h"
#include "baton/records.h"

/* ---- the calendar in the database ---- */

/* Register c (read by bt_calchange_parse) as who, now: its id, who and at
 * are filled in. */
int bt_calendar_add(struct bt_db *db, struct bt_calchange *c, const char *who, struct bt_err *err);
/* Every change, the latest date first (ties: the newest first). */
int bt_calendar_list(struct bt_db *db, struct bt_calchange **out, size_t *n, struct bt_err *err);
/* Change id into *out (bt_calchange_release); BT_ENOTFOUND. */
int bt_calendar_get(struct bt_db *db, int64_t id, struct bt_calchange *out, struct bt_err *err);

/* ---- who is downstream ---- */

/* A team holds work on a journey when an event of an instance of it, at
 * a time in [as_of - 28 days, as_of], was the team's work (its own team,
 * else the holder's: the KPIs' team of a contact). */
#define BT_HOLDS_MS (28 * 86400 * INT64_C(1000))
int bt_engine_team_holds(const struct bt_engine *e, const char *team, const char *journey);

/* ---- the one list ---- */

struct bt_changes_query {
	const char *journey; /* NULL: any */
	const char *team;    /* those that touch a journey team holds work on */
	const char *kind;    /* "rule" or a calendar kind; NULL: any */
	const char *person;  /* an owner: those of the journeys they own */
	int upcoming;        /* calendar changes whose date is after as_of */
	int64_t as_of;
	int64_t from, to;    /* at in [from, to); BT_TIME_NONE: open */
	size_t limit;
	const char *cursor;  /* the "next" of the page before; NULL: the first */
};

/* One item: a rule change or a change of the calendar. */
struct bt_change_item {
	int64_t at; /* a rule change's time, a calendar change's date */
	const struct bt_change *rule;
	const struct bt_calchange *cal;
};

struct bt_change_list {
	struct bt_change *rules;
	size_t nrules;
	struct bt_calchange *cal;
	size_t ncal;
	struct bt_change_item *v; /* the page */
	size_t n;
	uint64_t total;
	char next[64]; /* "" on the last page */
};

/* The page of q: newest first by at (a later date first, so upcoming
 * changes lead), a rule change before a calendar change at the same
 * time, then the larger id first.  e (may be NULL without q->team) says
 * who holds work; cfg who owns what.  BT_EINVAL for a bad cursor or kind
 * (err says which). */
int bt_changes_run(struct bt_db *db, const struct bt_config *cfg, const struct bt_engine *e,
		   const struct bt_changes_query *q, struct bt_change_list *out, struct bt_err *err);
void bt_change_list_release(struct bt_change_list *l);
/* {"changes":[...],"total","next"}: a rule change as bt_change_json with
 * "kind":"rule" first, a calendar change as bt_calchange_json. */
int bt_change_list_json(const struct bt_change_list *l, struct bt_buf *b);

/* ---- the impact of a change ---- */

struct bt_impact_team {
	const char *team; /* NULL: contacts no team did */
	uint64_t before, after;
};

struct bt_impact {
	int64_t from, date, to; /* before: [from, date), after: [date, to) */
	int64_t as_of, days;
	size_t ndays;           /* days on each side (the last may be cut) */
	uint64_t *touched_daily, *all_daily; /* 2 * ndays: day 0 starts at from */
	uint64_t touched[2], all[2];         /* before, after */
	struct bt_impact_team *teams;        /* touched contacts by team, most extra first */
	size_t nteams;
	struct bt_kpis *kpis[2]; /* the touched journeys' KPIs before and after */
};

/* The same length of time before and after the date: after is [date,
 * min(date + days, as_of)), before as long and just before the date.
 * Contacts are the KPIs' (inbound events of an instance that are not
 * feedback only) by their time; scope as the KPIs' (NULL: all). */
int bt_engine_impact(const struct bt_engine *e, const struct bt_calchange *c, int64_t days,
		     const struct bt_scope *scope, struct bt_impact *out, struct bt_err *err);
void bt_impact_release(struct bt_impact *im);
int bt_impact_json(const struct bt_calchange *c, const struct bt_impact *im, struct bt_buf *b);

#endif
