/* SPDX-License-Identifier: Apache-2.0 */
/* report.h - the journey report (Markdown or HTML) of `baton report`. */
#ifndef BATON_REPORT_H
#define BATON_REPORT_H

#include "baton/buf.h"
#include "baton/audit.h"
#include "baton/engine.h"

struct bt_report_options {
	int html;         /* 0: Markdown */
	int64_t from, to; /* the period shown in the title; BT_TIME_NONE: open */
	const struct bt_audit *audit; /* the data audit section (audit.h); NULL: none */
};

int bt_report_render(const struct bt_kpis *k, const struct bt_broken_promise *bp, size_t nbp,
		     const struct bt_report_options *o, struct bt_buf *b);

#endif
