/* SPDX-License-Identifier: Apache-2.0 */
/*
 * demo.h - the demo history of `baton demo` (see src/demo.c for what it
 * contains and the failure rates built in).
 */
#ifndef BATON_DEMO_H
#define BATON_DEMO_H

#include <stddef.h>
#include <stdint.h>

struct bt_demo_options {
	unsigned customers; /* ~9 events each */
	uint64_t seed;
	int64_t end; /* ms since the epoch: the history covers the six months
		      * before it and stops there, stories half told (the CLI
		      * gives now, so the demo is alive when it is served) */
};

/* The demo's campaign (the spring upgrade promotion) is dated this many
 * days before the end: a spike of contacts follows it. */
#define BT_DEMO_CAMPAIGN_DAYS 30
/* Its date: 09:00 UTC of the day BT_DEMO_CAMPAIGN_DAYS before end's. */
int64_t bt_demo_campaign_date(int64_t end);

/* Called with each event's JSON text; a non-zero return stops generation
 * and is returned. */
typedef int (*bt_demo_emit_fn)(void *ctx, const char *json, size_t len);

int bt_demo_generate(const struct bt_demo_options *o, bt_demo_emit_fn emit, void *ctx,
		     uint64_t *events);
/* The demo's initiatives (docs/initiatives.md): from this many days before
 * the end, billing schedules a callback for each billing dispute, and most
 * refunds that would have come late or never come on time. */
#define BT_DEMO_CALLBACK_DAYS 90

/* The demo's configuration (the text of examples/demo.yaml). */
const char *bt_demo_config(void);

#endif
