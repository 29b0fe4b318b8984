/* SPDX-License-Identifier: Apache-2.0 */
/*
 * event.c - validation of the native event form (docs/events.md).
 *
 * One pass over the members of the event object: each known field has a
 * reader that checks its type and range; an unknown field is an error with a
 * spelling suggestion; a field given twice is an error too, since JSON
 * parsers disagree on which copy wins and we will not guess.
 */
#include "baton/util.h"
#include "event.h"

#include "util/time.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

const char *const bt_channel_names[BT_CH__COUNT] = {
	"", "web", "app", "chat", "voice", "email", "sms", "store", "social", "other"};
const char *const bt_outcome_names[BT_OUT__COUNT] = {
	"", "resolved", "unresolved", "transferred", "contained", "abandoned"};
const char *const bt_direction_names[BT_DIR__COUNT] = {"inbound", "outbound", "internal"};

int bt__channel_of(const char *name)
{
	for (int k = 1; name && k < BT_CH__COUNT; k++)
		if (strcmp(bt_channel_names[k], name) == 0)
			return k;
	return BT_CH_NONE;
}

static const char *const type_names[] = {"null", "false", "true", "number",
					 "string", "array", "object"};

struct reader {
	const struct bt_json_doc *doc;
	const struct bt_json_node *n;
	struct bt__event *ev;
	struct bt_err *err;
};

static int bad(struct reader *r, const char *field, const char *what)
{
	return bt_err_set(r->err, BT_EINVAL, "field '%s': %s", field, what);
}

static int wrong_type(struct reader *r, const char *field, uint32_t v, const char *want)
{
	return bt_err_set(r->err, BT_EINVAL, "field '%s': expected %s, got %s", field, want,
			  type_names[r->n[v].type]);
}

/* A name-like string: non-empty, at most BT_EVENT_MAX_STR bytes, no control
 * characters (NUL included). */
static int read_name(struct reader *r, const char *field, uint32_t v, struct bt__str *out)
{
	const struct bt_json_node *n = &r->n[v];
	if (n->type != BT_JSON_STRING)
		return wrong_type(r, field, v, "a string");
	if (n->len == 0)
		return bad(r, field, "must not be empty");
	if (n->len > BT_EVENT_MAX_STR)
		return bt_err_set(r->err, BT_EINVAL, "field '%s': longer than %d bytes", field,
				  BT_EVENT_MAX_STR);
	for (uint32_t i = 0; i < n->len; i++)
		if ((unsigned char)n->s[i] < 0x20 || n->s[i] == 0x7f)
			return bad(r, field, "contains a control character");
	out->s = n->s;
	out->n = n->len;
	return 0;
}

static int read_enum(struct reader *r, const char *field, uint32_t v, const char *const *names,
		     int count, int first, uint8_t *out)
{
	if (r->n[v].type != BT_JSON_STRING)
		return wrong_type(r, field, v, "a string");
	for (int i = first; i < count; i++)
		if (bt_json_str_eq(&r->n[v], names[i])) {
			*out = (uint8_t)i;
			return 0;
		}
	char list[160] = "";
	size_t off = 0;
	for (int i = first; i < count && off < sizeof(list); i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s", i > first ? " " : "",
					names[i]);
	return bt_err_set(r->err, BT_EINVAL, "field '%s': '%.40s' is not one of: %s", field,
			  r->n[v].s, list);
}

/* A time: an RFC 3339 string or integer epoch seconds/milliseconds. */
static int read_time(struct reader *r, const char *field, uint32_t v, int64_t *ms)
{
	const struct bt_json_node *n = &r->n[v];
	if (n->type == BT_JSON_STRING) {
		if (bt_time_parse_rfc3339(n->s, n->len, ms) == 0)
			return 0;
		return bt_err_set(r->err, BT_EINVAL,
				  "field '%s': '%.40s' is not an RFC 3339 date-time "
				  "(like 2026-03-01T10:15:00Z)",
				  field, n->s);
	}
	if (n->type == BT_JSON_NUMBER) {
		int64_t e;
		if (bt_json_i64(n, &e) == 0 && bt_time_from_epoch(e, ms) == 0)
			return 0;
		return bt_err_set(r->err, BT_EINVAL,
				  "field '%s': %.*s is not an integer epoch time in seconds or "
				  "milliseconds",
				  field, (int)(n->len > 30 ? 30 : n->len), n->s);
	}
	return wrong_type(r, field, v, "an RFC 3339 string or an epoch number");
}

static int read_ids(struct reader *r, uint32_t v)
{
	const struct bt_json_node *n = r->n;
	struct bt__event *ev = r->ev;
	if (n[v].type != BT_JSON_OBJECT)
		return wrong_type(r, "ids", v, "an object of identifier type to value");
	for (uint32_t k = v + 1; k < n[v].end; k = n[k + 1].end) {
		const struct bt_json_node *key = &n[k];
		uint32_t val = k + 1;
		if (key->len == 0 || key->len > 32)
			return bad(r, "ids", "an identifier type must be 1 to 32 characters");
		for (uint32_t i = 0; i < key->len; i++) {
			char c = key->s[i];
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			      (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
				return bt_err_set(r->err, BT_EINVAL,
						  "field 'ids': identifier type '%.32s' may only hold "
						  "letters, digits, '_', '-' and '.'",
						  key->s);
		}
		uint32_t first = val, last = n[val].end, step_array = 0;
		if (n[val].type == BT_JSON_ARRAY) {
			if (n[val].len == 0)
				return bt_err_set(r->err, BT_EINVAL,
						  "field 'ids.%s': empty array", key->s);
			first = val + 1;
			step_array = 1;
		}
		for (uint32_t e = first; e < last; e = n[e].end) {
			if (n[e].type != BT_JSON_STRING)
				return bt_err_set(r->err, BT_EINVAL,
						  "field 'ids.%s': expected a string or an array of "
						  "strings, got %s",
						  key->s, type_names[n[e].type]);
			if (n[e].len > BT_EVENT_MAX_STR)
				return bt_err_set(r->err, BT_EINVAL,
						  "field 'ids.%s': value longer than %d bytes", key->s,
						  BT_EVENT_MAX_STR);
			if (memchr(n[e].s, '\0', n[e].len))
				return bt_err_set(r->err, BT_EINVAL,
						  "field 'ids.%s': value contains a NUL character",
						  key->s);
			if (ev->nids == BT_EVENT_MAX_IDS)
				return bt_err_set(r->err, BT_EINVAL,
						  "field 'ids': more than %d identifiers",
						  BT_EVENT_MAX_IDS);
			ev->ids[ev->nids].type = (struct bt__str){key->s, key->len};
			ev->ids[ev->nids].value = (struct bt__str){n[e].s, n[e].len};
			ev->nids++;
			if (!step_array)
				break;
		}
	}
	if (ev->nids == 0)
		return bad(r, "ids", "needs at least one identifier");
	return 0;
}

static int read_links(struct reader *r, uint32_t v)
{
	if (r->n[v].type != BT_JSON_ARRAY)
		return wrong_type(r, "links", v, "an array of case references");
	for (uint32_t e = v + 1; e < r->n[v].end; e = r->n[e].end) {
		if (r->ev->nlinks == BT_EVENT_MAX_LINKS)
			return bt_err_set(r->err, BT_EINVAL, "field 'links': more than %d entries",
					  BT_EVENT_MAX_LINKS);
		int rc = read_name(r, "links", e, &r->ev->links[r->ev->nlinks]);
		if (rc)
			return rc;
		r->ev->nlinks++;
	}
	return 0;
}

/* A key of object v given twice: as a field given twice, an error (JSON
 * parsers disagree on which copy wins, and baton does not guess). */
static int repeated_key(struct reader *r, const char *field, uint32_t v)
{
	const struct bt_json_node *n = r->n;
	for (uint32_t k = v + 1; k < n[v].end; k = n[k + 1].end)
		for (uint32_t j = n[k + 1].end; j < n[v].end; j = n[j + 1].end)
			if (n[j].len == n[k].len && !memcmp(n[j].s, n[k].s, n[k].len))
				return bt_err_set(r->err, BT_EINVAL, "field '%s': duplicate key '%.40s'",
						  field, n[k].s);
	return 0;
}

static int read_promise(struct reader *r, uint32_t v, int64_t ts)
{
	const struct bt_json_node *n = r->n;
	int rc = 0, has_due = 0;
	if (n[v].type != BT_JSON_OBJECT)
		return wrong_type(r, "promise", v, "an object {id, kind, due, team}");
	if ((rc = repeated_key(r, "promise", v)))
		return rc;
	for (uint32_t k = v + 1; k < n[v].end && !rc; k = n[k + 1].end) {
		uint32_t val = k + 1;
		if (bt_json_str_eq(&n[k], "id"))
			rc = read_name(r, "promise.id", val, &r->ev->promise.id);
		else if (bt_json_str_eq(&n[k], "kind"))
			rc = read_name(r, "promise.kind", val, &r->ev->promise.kind);
		else if (bt_json_str_eq(&n[k], "team"))
			rc = read_name(r, "promise.team", val, &r->ev->promise.team);
		else if (bt_json_str_eq(&n[k], "due")) {
			has_due = 1;
			int64_t d;
			if (n[val].type == BT_JSON_STRING &&
			    bt_time_parse_duration(n[val].s, n[val].len, &d) == 0) {
				/* a due time is a time: at most BT_TIME_MAX (time.h) */
				if (d > BT_TIME_MAX - ts)
					rc = bad(r, "promise.due",
						 "the duration ends after the year 9999");
				else
					r->ev->promise.due = ts + d;
			} else if (n[val].type == BT_JSON_STRING &&
				 bt_time_parse_rfc3339(n[val].s, n[val].len, &d) == 0)
				r->ev->promise.due = d;
			else
				rc = bt_err_set(r->err, BT_EINVAL,
						"field 'promise.due': expected an RFC 3339 date-time "
						"or a duration like 48h");
		} else
			rc = bt_err_set(r->err, BT_EINVAL,
					"field 'promise': unknown key '%.40s' (expected id, kind, "
					"due, team)",
					n[k].s);
	}
	if (rc)
		return rc;
	if (!r->ev->promise.id.s)
		return bad(r, "promise", "needs an 'id'");
	if (!has_due)
		return bad(r, "promise", "needs a 'due' time or duration");
	r->ev->promise.has = 1;
	return 0;
}

static int read_score(struct reader *r, const char *field, uint32_t v, int lo, int hi, int8_t *out)
{
	int64_t x;
	if (r->n[v].type != BT_JSON_NUMBER || bt_json_i64(&r->n[v], &x) || x < lo || x > hi)
		return bt_err_set(r->err, BT_EINVAL, "field '%s': expected an integer from %d to %d",
				  field, lo, hi);
	*out = (int8_t)x;
	return 0;
}

static int read_feedback(struct reader *r, uint32_t v)
{
	const struct bt_json_node *n = r->n;
	struct bt__event *ev = r->ev;
	int rc = 0;
	if (n[v].type != BT_JSON_OBJECT)
		return wrong_type(r, "feedback", v, "an object {csat, nps, ces, comment}");
	if ((rc = repeated_key(r, "feedback", v)))
		return rc;
	for (uint32_t k = v + 1; k < n[v].end && !rc; k = n[k + 1].end) {
		uint32_t val = k + 1;
		if (bt_json_str_eq(&n[k], "csat"))
			rc = read_score(r, "feedback.csat", val, 1, 5, &ev->feedback.csat);
		else if (bt_json_str_eq(&n[k], "nps"))
			rc = read_score(r, "feedback.nps", val, 0, 10, &ev->feedback.nps);
		else if (bt_json_str_eq(&n[k], "ces"))
			rc = read_score(r, "feedback.ces", val, 1, 7, &ev->feedback.ces);
		else if (bt_json_str_eq(&n[k], "comment")) {
			if (n[val].type != BT_JSON_STRING)
				rc = wrong_type(r, "feedback.comment", val, "a string");
			else
				ev->feedback.comment = (struct bt__str){n[val].s, n[val].len};
		} else
			rc = bt_err_set(r->err, BT_EINVAL,
					"field 'feedback': unknown key '%.40s' (expected csat, "
					"nps, ces, comment)",
					n[k].s);
	}
	if (rc)
		return rc;
	if (ev->feedback.csat < 0 && ev->feedback.nps < 0 && ev->feedback.ces < 0 &&
	    !ev->feedback.comment.s)
		return bad(r, "feedback", "needs at least one of csat, nps, ces, comment");
	ev->feedback.has = 1;
	return 0;
}

static int read_consent(struct reader *r, uint32_t v)
{
	const struct bt_json_node *n = r->n;
	if (n[v].type != BT_JSON_OBJECT)
		return wrong_type(r, "consent", v, "an object of purpose to true/false");
	int rc = repeated_key(r, "consent", v);
	if (rc)
		return rc;
	for (uint32_t k = v + 1; k < n[v].end; k = n[k + 1].end) {
		uint32_t val = k + 1;
		if (n[val].type != BT_JSON_TRUE && n[val].type != BT_JSON_FALSE)
			return bt_err_set(r->err, BT_EINVAL,
					  "field 'consent.%.40s': expected true or false, got %s",
					  n[k].s, type_names[n[val].type]);
		if (n[k].len == 0 || n[k].len > 64)
			return bad(r, "consent", "a purpose must be 1 to 64 characters");
		if (r->ev->nconsent == BT_EVENT_MAX_CONSENT)
			return bt_err_set(r->err, BT_EINVAL, "field 'consent': more than %d purposes",
					  BT_EVENT_MAX_CONSENT);
		r->ev->consent[r->ev->nconsent].purpose = (struct bt__str){n[k].s, n[k].len};
		r->ev->consent[r->ev->nconsent].granted = n[val].type == BT_JSON_TRUE;
		r->ev->nconsent++;
	}
	return 0;
}

enum field {
	F_ID, F_TS, F_SOURCE, F_TYPE, F_IDS, F_CHANNEL, F_TEAM, F_JOURNEY, F_CASE, F_LINKS,
	F_OUTCOME, F_REPEAT, F_DIRECTION, F_PROMISE, F_FULFILS, F_FEEDBACK, F_CONSENT, F_PROPS,
	F__COUNT
};

static const char *const field_names[F__COUNT] = {
	"id", "ts", "source", "type", "ids", "channel", "team", "journey", "case",
	"links", "outcome", "repeat", "direction", "promise", "fulfils", "feedback",
	"consent", "props"};

static int unknown_field(struct reader *r, const struct bt_json_node *key)
{
	const char *best = bt_suggest(key->s, key->len, field_names, F__COUNT);
	if (best)
		return bt_err_set(r->err, BT_EINVAL, "unknown field '%.64s' (did you mean '%s'?)",
				  key->s, best);
	return bt_err_set(r->err, BT_EINVAL,
			  "unknown field '%.64s' (free-form data belongs in 'props')", key->s);
}

static int read_field(struct reader *r, int f, uint32_t v, uint32_t ts_node)
{
	struct bt__event *ev = r->ev;
	switch (f) {
	case F_ID: return read_name(r, "id", v, &ev->id);
	case F_TS: return read_time(r, "ts", v, &ev->ts);
	case F_SOURCE: return read_name(r, "source", v, &ev->source);
	case F_TYPE: return read_name(r, "type", v, &ev->type);
	case F_IDS: return read_ids(r, v);
	case F_CHANNEL:
		return read_enum(r, "channel", v, bt_channel_names, BT_CH__COUNT, 1, &ev->channel);
	case F_TEAM: return read_name(r, "team", v, &ev->team);
	case F_JOURNEY: return read_name(r, "journey", v, &ev->journey);
	case F_CASE: return read_name(r, "case", v, &ev->case_ref);
	case F_LINKS: return read_links(r, v);
	case F_OUTCOME:
		return read_enum(r, "outcome", v, bt_outcome_names, BT_OUT__COUNT, 1, &ev->outcome);
	case F_REPEAT:
		if (r->n[v].type != BT_JSON_TRUE && r->n[v].type != BT_JSON_FALSE)
			return wrong_type(r, "repeat", v, "true or false");
		ev->repeat = r->n[v].type == BT_JSON_TRUE;
		return 0;
	case F_DIRECTION:
		return read_enum(r, "direction", v, bt_direction_names, BT_DIR__COUNT, 0,
				 &ev->direction);
	case F_PROMISE:
		/* a relative due needs ts, which may come later in the object */
		if (!ts_node)
			return bad(r, "promise", "needs the event's 'ts'");
		return read_promise(r, v, ev->ts);
	case F_FULFILS: return read_name(r, "fulfils", v, &ev->fulfils);
	case F_FEEDBACK: return read_feedback(r, v);
	case F_CONSENT: return read_consent(r, v);
	case F_PROPS:
		if (r->n[v].type != BT_JSON_OBJECT)
			return wrong_type(r, "props", v, "an object");
		ev->props = v;
		return 0;
	}
	return 0;
}

/* The field a key names, or -1: dispatch on length and first byte, then
 * one comparison (this runs for every key of every event). */
static int field_of(const struct bt_json_node *key)
{
	static unsigned char len[F__COUNT];
	if (!len[0])
		for (int f = 0; f < F__COUNT; f++)
			len[f] = (unsigned char)strlen(field_names[f]);
	for (int f = 0; f < F__COUNT; f++)
		if (key->len == len[f] && key->s[0] == field_names[f][0] &&
		    memcmp(key->s, field_names[f], len[f]) == 0)
			return f;
	return -1;
}

int bt__event_read(const struct bt_json_doc *doc, uint32_t root, struct bt__event *ev,
		   struct bt_err *err)
{
	struct reader r = {doc, doc->nodes, ev, err};
	const struct bt_json_node *n = doc->nodes;
	uint32_t seen[F__COUNT] = {0};
	int rc;

	memset(ev, 0, offsetof(struct bt__event, ids));
	ev->nids = ev->nlinks = ev->nconsent = 0;
	ev->promise.has = 0;
	ev->promise.id = ev->promise.kind = ev->promise.team = (struct bt__str){NULL, 0};
	ev->feedback.has = 0;
	ev->feedback.csat = ev->feedback.nps = ev->feedback.ces = -1;
	ev->feedback.comment = (struct bt__str){NULL, 0};
	ev->repeat = -1;
	ev->props = 0;
	if (n[root].type != BT_JSON_OBJECT)
		return bt_err_set(err, BT_EINVAL, "expected an event object, got %s",
				  type_names[n[root].type]);

	/* First pass: find every field, reject unknown and repeated ones.  The
	 * values are read in a fixed order afterwards so that ts is known
	 * before a relative promise due date needs it. */
	for (uint32_t k = root + 1; k < n[root].end; k = n[k + 1].end) {
		int f = field_of(&n[k]);
		if (f < 0)
			return unknown_field(&r, &n[k]);
		if (seen[f])
			return bt_err_set(err, BT_EINVAL, "duplicate field '%s'", field_names[f]);
		seen[f] = k + 1;
	}
	static const int required[] = {F_TS, F_SOURCE, F_TYPE, F_IDS};
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!seen[required[i]])
			return bt_err_set(err, BT_EINVAL, "missing required field '%s'",
					  field_names[required[i]]);
	for (int f = 0; f < F__COUNT; f++)
		if (seen[f] && (rc = read_field(&r, f, seen[f], seen[F_TS])) != 0)
			return rc;
	return 0;
}
