/* SPDX-License-Identifier: Apache-2.0 */
/*
 * agenda.h - the steering agenda (docs/governance.md): for a period, the
 * three or four issues that hurt the most customers, then the overdue
 * actions, the initiatives to stop and the journeys nobody owns; as JSON
 * (GET /v1/agenda) and as a Markdown or HTML file to circulate (baton
 * agenda).
 */
#ifndef BATON_AGENDA_H
#define BATON_AGENDA_H

#include "baton/buf.h"
#include "baton/engine.h"
#include "baton/initiative.h"
#include "baton/records.h"

#define BT_AGENDA_ISSUES 4 /* at most, on the agenda */

enum bt_issue_kind {
	BT_ISSUE_JOURNEY_KPI,      /* a journey KPI got worse than the period before */
	BT_ISSUE_HANDOFF_PAIR,     /* the handoff pair whose failures reach most customers */
	BT_ISSUE_COST_SHIFT,       /* a team whose local wins cost other teams */
	BT_ISSUE_BROKEN_PROMISES,  /* promises broken by a team */
	BT_ISSUE_SILO_SOURCE,      /* a siloed source (measured L1) on journeys */
};
extern const char *const bt_issue_kind_names[5];

/* One issue: who it is about, the customers it hurt, how far its figure is
 * off (move, a fraction: percentage points / 100), and the score it is
 * ranked by: customers × move. */
struct bt_agenda_issue {
	enum bt_issue_kind kind;
	const char *journey, *team, *to_team, *kpi, *source; /* NULL where none */
	uint64_t customers;
	uint64_t count, of;    /* the failures and what they are out of (not journey_kpi) */
	double before, after;  /* journey_kpi: the KPI in the period before and in it */
	double move, score;
	char title[192];
	char why[384];
	char api[256], page[256]; /* the evidence: an API path and a dashboard page */
};

struct bt_agenda_unowned {
	const char *journey;
	uint64_t instances; /* opened in the period */
};

struct bt_agenda {
	int64_t from, to, as_of; /* ms */
	int64_t before_as_of;    /* ms: the period before is judged at as_of - (to - from) */
	int64_t now;             /* s: actions are judged at it */
	struct bt_agenda_issue issues[BT_AGENDA_ISSUES];
	size_t nissues, candidates;
	const struct bt_action **overdue; /* borrowed from the actions given */
	size_t noverdue;
	struct bt_agenda_unowned *unowned;
	size_t nunowned;
	const struct bt_verdict **stop; /* the initiatives to stop, borrowed */
	size_t nstop;
};

struct bt_agenda_query {
	int64_t from, to;               /* ms; BT_TIME_NONE: the 28 days up to as_of */
	const struct bt_scope *scope;   /* an owner: their journeys only; NULL all */
	int64_t now;                    /* s, for the actions */
	/* the initiatives judged (bt_engine_initiatives), those the caller
	 * may see: the agenda lists those to stop */
	const struct bt_verdict *verdicts;
	size_t nverdicts;
};

/* The period of an agenda judged at as_of (ms): [from, to), each defaulted
 * (to: as_of; from: 28 days before to), and when the period before it is
 * judged, so that both are as mature: as_of - (to - from).  BT_EINVAL when
 * it is empty. */
int bt_agenda_period(int64_t as_of, int64_t *from, int64_t *to, int64_t *before_as_of,
		     struct bt_err *err);
/* The agenda of e (judged at its as_of) for the query's period, against
 * the period before it in eb (judged at bt_agenda_period's before_as_of);
 * acts: the actions to look through (those the caller may see). */
int bt_engine_agenda(const struct bt_engine *e, const struct bt_engine *eb,
		     const struct bt_agenda_query *q, const struct bt_action *acts, size_t nacts,
		     struct bt_agenda *out, struct bt_err *err);
void bt_agenda_release(struct bt_agenda *a);
int bt_agenda_json(const struct bt_agenda *a, struct bt_buf *out);
/* As a document to circulate: Markdown, or a self-contained HTML page. */
int bt_agenda_render(const struct bt_agenda *a, int html, struct bt_buf *out);

#endif
