/* SPDX-License-Identifier: Apache-2.0 */
/* report.h - the journey report (Markdown or HTML) of `baton report`. */
#ifndef BATON_REPORT_H
#define BATON_REPORT_H

#include "baton/buf.h"
#include "baton/engine.h"

#include "baton/records.h"

struct bt_agenda;
struct bt_verdict; /* baton/initiative.h */
struct bt_calchange;
struct bt_impact;

/* A change of the calendar for the report: a recent one with its impact,
 * or an upcoming one (im NULL). */
struct bt_report_change {
	const struct bt_calchange *c;
	const struct bt_impact *im;
};

struct bt_report_options {
	int html;         /* 0: Markdown */
	int64_t from, to; /* the period shown in the title; BT_TIME_NONE: open */
	/* governance (docs/governance.md): the actions, judged at now
	 * (seconds); none: no section */
	const struct bt_action *actions;
	size_t nactions;
	int64_t now;
	/* the steering agenda of the period (NULL: no section) */
	const struct bt_agenda *agenda;
	/* the initiatives judged as of the report's time (NULL: no section) */
	const struct bt_verdict *initiatives;
	size_t ninitiatives;
	/* non-NULL: the sections of docs/insight.md (friction, consistency,
	 * value at stake) computed from it, for `journey` (NULL: all); and
	 * without a journey, the data audit (docs/audit.md) */
	const struct bt_engine *engine;
	const char *journey;
	/* the change calendar section (docs/changes.md); none: no section */
	const struct bt_report_change *changes;
	size_t nchanges;
	/* closed-loop feedback (docs/followups.md): the follow-ups judged as
	 * of the KPIs' time (none: no section beyond the KPIs) */
	const struct bt_followup *followups;
	size_t nfollowups;
};

int bt_report_render(const struct bt_kpis *k, const struct bt_broken_promise *bp, size_t nbp,
		     const struct bt_report_options *o, struct bt_buf *b);

#endif
