/* SPDX-License-Identifier: Apache-2.0 */
/*
 * segment.c - Segment-spec compatibility (docs/api.md): /v1/batch,
 * /v1/track, /v1/identify, /v1/alias, /v1/page, /v1/screen, /v1/group take
 * Segment messages, so existing SDKs send to baton unchanged (the write key
 * is the token, sent as the HTTP Basic user name).  Each message becomes a
 * native event (docs/api.md has the mapping) and goes through the same
 * validation, identity resolution and durable ingest as POST /v1/events.
 */
#include "server.h"

#include "baton/json.h"

#include <string.h>
#include <time.h>

/* The event fields (docs/events.md) a message may carry in its properties. */
static const char *const mapped[] = {"journey", "case",   "links",   "outcome",
				     "team",    "channel", "direction", "repeat",
				     "promise", "fulfils", "feedback", "consent"};

static int is_mapped(const struct bt_json_node *key)
{
	for (size_t i = 0; i < sizeof(mapped) / sizeof(mapped[0]); i++)
		if (bt_json_str_eq(key, mapped[i]))
			return 1;
	return 0;
}

/* Append "name":value where value is a string or number node, as a string. */
static void id_field(struct bt_buf *b, int *first, const char *name, const struct bt_json_node *v)
{
	if (!v || (v->type != BT_JSON_STRING && v->type != BT_JSON_NUMBER))
		return;
	bt_buf_printf(b, "%s\"%s\":", *first ? "" : ",", name);
	bt_buf_json_str(b, v->s, v->len);
	*first = 0;
}

/* Member key of the object at obj (its index, 0 when absent or obj is not
 * an object; 0 is the root, never a member). */
static uint32_t get_index(const struct bt_json_doc *d, uint32_t obj, const char *key)
{
	return d->nodes[obj].type == BT_JSON_OBJECT ? bt_json_get(d, obj, key) : 0;
}

static const struct bt_json_node *get(const struct bt_json_doc *d, uint32_t obj, const char *key)
{
	uint32_t v = get_index(d, obj, key);
	return v ? &d->nodes[v] : NULL;
}

/*
 * Translate message m of d into a native event in out.  kind is the route's
 * message type, or NULL to read it from the message (batch).  Returns 0, or
 * -1 with why set.
 */
static int translate(const struct bt_json_doc *d, uint32_t m, const char *kind, struct bt_buf *out,
		     const char **why)
{
	const struct bt_json_node *n = d->nodes;
	char type[64];
	size_t type_len;
	if (n[m].type != BT_JSON_OBJECT) {
		*why = "a message must be an object";
		return -1;
	}
	if (!kind) {
		uint32_t t = get_index(d, m, "type");
		if (!t || n[t].type != BT_JSON_STRING) {
			*why = "a batch message needs a 'type'";
			return -1;
		}
		kind = n[t].s;
	}
	uint32_t props = get_index(d, m, "properties"), traits = get_index(d, m, "traits");
	uint32_t ctx = get_index(d, m, "context");
	uint32_t ctraits = ctx ? get_index(d, ctx, "traits") : 0;
	if (!strcmp(kind, "track")) {
		uint32_t e = get_index(d, m, "event");
		if (!e || n[e].type != BT_JSON_STRING || n[e].len == 0 || n[e].len >= sizeof(type)) {
			*why = "a track message needs an 'event' name (under 64 bytes)";
			return -1;
		}
		memcpy(type, n[e].s, n[e].len + 1);
		type_len = n[e].len; /* a NUL in it too: validation refuses it */
	} else if (!strcmp(kind, "identify") || !strcmp(kind, "alias") || !strcmp(kind, "group"))
		type_len = (size_t)snprintf(type, sizeof(type), "%s", kind);
	else if (!strcmp(kind, "page") || !strcmp(kind, "screen"))
		type_len = (size_t)snprintf(type, sizeof(type), "%s.viewed", kind);
	else {
		*why = "unknown message type (track, identify, alias, page, screen, group)";
		return -1;
	}
	bt_buf_reset(out);
	bt_buf_adds(out, "{");
	const struct bt_json_node *mid = get(d, m, "messageId");
	if (mid && mid->type == BT_JSON_STRING) {
		bt_buf_adds(out, "\"id\":");
		bt_buf_json_str(out, mid->s, mid->len);
		bt_buf_addc(out, ',');
	}
	const struct bt_json_node *ts = NULL;
	static const char *const tkeys[] = {"timestamp", "originalTimestamp", "sentAt", "receivedAt"};
	for (size_t i = 0; i < 4 && !ts; i++)
		ts = get(d, m, tkeys[i]);
	if (ts && (ts->type == BT_JSON_STRING || ts->type == BT_JSON_NUMBER)) {
		bt_buf_adds(out, "\"ts\":");
		if (ts->type == BT_JSON_STRING)
			bt_buf_json_str(out, ts->s, ts->len);
		else
			bt_buf_add(out, ts->s, ts->len);
	} else { /* no time given: the time it arrived */
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		bt_buf_printf(out, "\"ts\":%lld", (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000);
	}
	bt_buf_adds(out, ",\"source\":\"segment\",\"type\":");
	bt_buf_json_str(out, type, type_len);
	bt_buf_adds(out, ",\"ids\":{");
	int first = 1;
	id_field(out, &first, "user_id", get(d, m, "userId"));
	if (!strcmp(kind, "alias")) /* previousId: usually the anonymous id (docs/api.md) */
		id_field(out, &first, "anonymous_id", get(d, m, "previousId"));
	id_field(out, &first, "anonymous_id", get(d, m, "anonymousId"));
	for (int k = 0; k < 2; k++) {
		const char *t = k ? "phone" : "email";
		const struct bt_json_node *v = traits ? get(d, traits, t) : NULL;
		if (!v && ctraits)
			v = get(d, ctraits, t);
		id_field(out, &first, t, v);
	}
	bt_buf_addc(out, '}');
	/* event fields from the properties; the rest, traits and group into props */
	int pfirst = 1;
	struct bt_buf rest = BT_BUF_INIT;
	if (props && n[props].type == BT_JSON_OBJECT)
		for (uint32_t k = props + 1; k < n[props].end; k = n[k + 1].end) {
			struct bt_buf *dst = is_mapped(&n[k]) ? out : &rest;
			int *f = dst == out ? NULL : &pfirst;
			bt_buf_addc(dst, f && *f ? ' ' : ',');
			if (f)
				*f = 0;
			bt_json_write(dst, d, k);
			bt_buf_addc(dst, ':');
			bt_json_write(dst, d, k + 1);
		}
	if (traits && n[traits].type == BT_JSON_OBJECT)
		for (uint32_t k = traits + 1; k < n[traits].end; k = n[k + 1].end) {
			if (bt_json_str_eq(&n[k], "email") || bt_json_str_eq(&n[k], "phone"))
				continue; /* identifiers, not props */
			bt_buf_addc(&rest, pfirst ? ' ' : ',');
			pfirst = 0;
			bt_json_write(&rest, d, k);
			bt_buf_addc(&rest, ':');
			bt_json_write(&rest, d, k + 1);
		}
	const struct bt_json_node *gid = get(d, m, "groupId");
	if (gid && (gid->type == BT_JSON_STRING || gid->type == BT_JSON_NUMBER)) {
		bt_buf_adds(&rest, pfirst ? " \"group_id\":" : ",\"group_id\":");
		pfirst = 0;
		bt_buf_json_str(&rest, gid->s, gid->len);
	}
	if (!pfirst) {
		bt_buf_adds(out, ",\"props\":{");
		bt_buf_add(out, rest.data + 1, rest.len - 1);
		bt_buf_addc(out, '}');
	}
	bt_buf_release(&rest);
	bt_buf_addc(out, '}');
	return 0;
}

struct seg_job {
	const struct bt_json_doc *doc;
	const char *kind;
	uint32_t first, end;
};

/* The committer's feed: every message of the request into the ingest. */
static int seg_feed(struct bt_ingest *in, struct bt_commit_job *job)
{
	const struct seg_job *sj = bt_commit_job_arg(job);
	struct bt_buf ev = BT_BUF_INIT;
	long index = 0;
	int rc = 0;
	for (uint32_t m = sj->first; !rc && m < sj->end; m = sj->doc->nodes[m].end, index++) {
		const char *why = NULL;
		struct bt_err e = {0, ""};
		int r = translate(sj->doc, m, sj->kind, &ev, &why);
		if (r == 0)
			r = bt_ingest_json(in, ev.data, ev.len, 0, &e);
		else { /* keep the message as it came, as a dead letter */
			bt_err_set(&e, BT_EINVAL, "%s", why);
			bt_buf_reset(&ev);
			bt_json_write(&ev, sj->doc, m);
			r = bt_ingest_reject_raw(in, ev.data, ev.len, 0, "json", why, NULL);
			r = r ? r : BT_EINVAL;
		}
		if (r == BT_EINVAL)
			bt_commit_reject(job, index, 0, e.msg);
		else if (r < 0)
			rc = r;
	}
	bt_buf_release(&ev);
	return rc;
}

/* Ingest the messages of a Segment body: all of "batch", or the body. */
static int segment(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs,
		   const char *kind)
{
	struct bt_json_doc doc;
	struct bt_err err = {0, ""};
	struct seg_job sj = {&doc, kind, 0, 1};
	int rc;
	bt_json_doc_init(&doc);
	if (bt_json_parse(&doc, rq->body, rq->body_len, 64, &err) ||
	    doc.nodes[0].type != BT_JSON_OBJECT) {
		bt_json_doc_release(&doc);
		return bt_respond_err(rs, BT_EINVAL, err.msg[0] ? err.msg : "expected a JSON object");
	}
	if (!kind) {
		uint32_t b = bt_json_get(&doc, 0, "batch");
		if (!b || doc.nodes[b].type != BT_JSON_ARRAY) {
			bt_json_doc_release(&doc);
			return bt_respond_err(rs, BT_EINVAL, "a batch needs a 'batch' array");
		}
		sj.first = b + 1;
		sj.end = doc.nodes[b].end;
	}
	struct bt_commit_job *job = bt_commit_job_new(NULL, 0, BT_FMT_JSON, seg_feed, &sj);
	if (!job) {
		bt_json_doc_release(&doc);
		return BT_ENOMEM;
	}
	rc = bt_commit_ingest(s, rq, job); /* returns once durable */
	bt_json_doc_release(&doc);
	if (rc) {
		bt_commit_job_free(job);
		return bt_respond_error(rs, 503, "store_error", "the messages could not be stored; retry");
	}
	/* Segment clients retry anything but 2xx; a rejected message would be
	 * rejected again, so it is reported (and kept as a dead letter) only */
	rc = bt_commit_answer(s, rs, job, "\"success\":true,");
	bt_commit_job_free(job);
	return rc;
}

int bt_segment_batch(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs) { return segment(s, rq, rs, NULL); }
int bt_segment_track(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs) { return segment(s, rq, rs, "track"); }
int bt_segment_identify(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs) { return segment(s, rq, rs, "identify"); }
int bt_segment_alias(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs) { return segment(s, rq, rs, "alias"); }
int bt_segment_page(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs) { return segment(s, rq, rs, "page"); }
int bt_segment_screen(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs) { return segment(s, rq, rs, "screen"); }
int bt_segment_group(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs) { return segment(s, rq, rs, "group"); }
