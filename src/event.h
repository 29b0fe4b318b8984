/* SPDX-License-Identifier: Apache-2.0 */
/*
 * event.h - the validated form of one event (docs/events.md).
 *
 * bt__event_read() checks a parsed JSON object against the event contract and
 * fills a struct bt__event whose strings point into the JSON document (valid
 * until the document is parsed again): no allocation per event.  Every
 * rejection names the field and the problem, e.g. "unknown field 'jounrey'
 * (did you mean 'journey'?)" or "field 'ts': '2026-13-01' is not an RFC 3339
 * date-time"; identifier values are never quoted in messages, since error
 * text may end up in logs.
 */
#ifndef BT_EVENT_H
#define BT_EVENT_H

#include "baton/error.h"
#include "util/json.h"

#include <stdint.h>

#define BT_EVENT_MAX_IDS 32
#define BT_EVENT_MAX_LINKS 32
#define BT_EVENT_MAX_CONSENT 16
#define BT_EVENT_MAX_STR 256 /* bytes in a name-like field: id, source, type, team, case ... */
#define BT_EVENT_MAX_BYTES (32 * 1024) /* docs/events.md: one event's JSON text */
#define BT_EVENT_MAX_DEPTH 64 /* docs/events.md: JSON nesting */

enum bt_channel {
	BT_CH_NONE, BT_CH_WEB, BT_CH_APP, BT_CH_CHAT, BT_CH_VOICE, BT_CH_EMAIL,
	BT_CH_SMS, BT_CH_STORE, BT_CH_SOCIAL, BT_CH_OTHER, BT_CH__COUNT
};
enum bt_outcome {
	BT_OUT_NONE, BT_OUT_RESOLVED, BT_OUT_UNRESOLVED, BT_OUT_TRANSFERRED,
	BT_OUT_CONTAINED, BT_OUT_ABANDONED, BT_OUT__COUNT
};
enum bt_direction { BT_DIR_INBOUND, BT_DIR_OUTBOUND, BT_DIR_INTERNAL, BT_DIR__COUNT };

extern const char *const bt_channel_names[BT_CH__COUNT];
extern const char *const bt_outcome_names[BT_OUT__COUNT];
extern const char *const bt_direction_names[BT_DIR__COUNT];

/* The channel named name (NULL allowed), or BT_CH_NONE. */
int bt__channel_of(const char *name);

struct bt__str {
	const char *s; /* NULL when absent */
	uint32_t n;
};

struct bt__event {
	struct bt__str id, source, type, team, journey, case_ref, fulfils;
	int64_t ts; /* ms since the epoch, UTC */
	uint8_t channel, outcome, direction;
	int8_t repeat; /* -1 absent, 0 false, 1 true */
	uint32_t nids;
	struct {
		struct bt__str type, value; /* as given, not normalised */
	} ids[BT_EVENT_MAX_IDS];
	uint32_t nlinks;
	struct bt__str links[BT_EVENT_MAX_LINKS];
	struct {
		int has;
		struct bt__str id, kind, team;
		int64_t due; /* ms since the epoch */
	} promise;
	struct {
		int has;
		int8_t csat, nps, ces; /* -1 absent */
		struct bt__str comment;
	} feedback;
	uint32_t nconsent;
	struct {
		struct bt__str purpose;
		uint8_t granted;
	} consent[BT_EVENT_MAX_CONSENT];
	uint32_t props; /* node index of the props object, 0 when absent */
};

/*
 * Validate node `root` of doc as an event and fill *ev.  Returns 0, or
 * BT_EINVAL with a message in err naming the field and the problem.
 */
int bt__event_read(const struct bt_json_doc *doc, uint32_t root, struct bt__event *ev,
		   struct bt_err *err);

#endif
