/* SPDX-License-Identifier: Apache-2.0 */
/*
 * followups.c - /v1/followups (docs/followups.md): the follow-ups unhappy
 * customers opened, and closing one by hand.  Follow-ups are derived on the
 * live state's engine, judged at ?as_of= or now, with the closes by hand
 * the store keeps.  An admin or an analyst sees every one; an owner those
 * of their journeys; a team those it held at the feedback.  An admin, the
 * journey's owner and a person of the holding team (a team token) may
 * close one that is open.
 */
#include "server.h"

#include "baton/json.h"
#include "baton/live.h"
#include "baton/util.h"
#include "baton/view.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define REUSE_MS 1000

static int64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

struct fu_call {
	const struct bt_request *rq;
	struct bt_response *rs;
	struct bt_fu_close *closes;
	size_t nc;
	struct bt_fu_query q;
	struct bt_scope sc;
	int found, closed; /* close: the follow-up seen, and whether it is closed */
};

/* The closes by hand, from a reader; 0, or answered. */
static int closes_read(struct bt_server *s, struct fu_call *c)
{
	struct bt_err err = {0, ""};
	struct bt_db *rdb = bt_reader_get(s);
	int rc = bt_followup_closes(rdb, &c->closes, &c->nc, &err);
	bt_reader_put(s, rdb);
	if (rc)
		bt_respond_error(c->rs, 500, "internal", "the follow-ups could not be read");
	return rc;
}

static int fu_list(const struct bt_engine *e, void *ctx)
{
	struct fu_call *c = ctx;
	struct bt_err err = {0, ""};
	const struct bt_config *cfg = bt_engine_config(e);
	if (c->q.journey) {
		const struct bt_cfg_journey *j = cfg ? bt_config_journey(cfg, c->q.journey) : NULL;
		if (!bt_engine_has_journey(e, c->q.journey) ||
		    (c->sc.person && !(j && j->owner && !strcmp(j->owner, c->sc.person))))
			return bt_respond_err(c->rs, BT_ENOTFOUND, "no such journey");
	}
	if (c->q.team && !bt_engine_has_team(e, c->q.team))
		return bt_respond_err(c->rs, BT_ENOTFOUND, "no such team");
	int rc = bt_engine_followups_json(e, c->closes, c->nc, &c->q, &c->rs->body, &err);
	if (rc == BT_ENOTFOUND) {
		bt_buf_reset(&c->rs->body);
		return bt_respond_err(c->rs, BT_ENOTFOUND, "no such follow-up");
	}
	if (rc == BT_EINVAL) {
		bt_buf_reset(&c->rs->body);
		return bt_respond_err(c->rs, BT_EINVAL, err.msg);
	}
	return rc;
}

/* GET /v1/followups and GET /v1/followups/{id} */
static int get(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs,
	       const char *id)
{
	struct fu_call c = {rq, rs, NULL, 0, {0}, bt_scope_of(rq), 0, 0};
	struct bt_err err = {0, ""};
	const char *v = bt_query(rq, "as_of");
	int64_t at = BT_TIME_NONE;
	if (v && bt_time_parse(v, strlen(v), &at))
		return bt_bad_arg(rs, "as_of", v, "a time (RFC 3339, or a date like 2026-03-01)"), 0;
	c.q = (struct bt_fu_query){&c.sc,
				   bt_query(rq, "journey"),
				   bt_query(rq, "state"),
				   bt_query(rq, "team"),
				   id,
				   100,
				   bt_query(rq, "cursor"),
				   at == BT_TIME_NONE ? now_ms() : at};
	if (c.q.state && strcmp(c.q.state, "open") && strcmp(c.q.state, "overdue") &&
	    strcmp(c.q.state, "closed"))
		return bt_bad_arg(rs, "state", c.q.state, "one of: open overdue closed"), 0;
	if (!id && bt_limit_arg(rq, &c.q.limit, rs))
		return 0;
	if (closes_read(s, &c))
		return 0;
	bt_follow_sync(s);
	if (bt_live_engine(s->live, c.q.until, at == BT_TIME_NONE ? REUSE_MS : 0, fu_list, &c,
			   &err))
		bt_respond_error(rs, 500, "internal", "the journeys could not be derived");
	bt_fu_closes_free(c.closes, c.nc);
	return 0;
}

int bt_followups_get(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	return get(s, rq, rs, NULL);
}

int bt_followups_get_one(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	return get(s, rq, rs, rq->params[0]);
}

/* Is follow-up c->q.id there now, may the caller close it (an admin, the
 * journey's owner, the holding team), and is it closed? */
static int fu_find(const struct bt_engine *e, void *ctx)
{
	struct fu_call *c = ctx;
	struct bt_followup *v = NULL;
	size_t n = 0;
	struct bt_err err = {0, ""};
	int rc = bt_engine_followups(e, c->closes, c->nc, c->q.until, &v, &n, &err);
	for (size_t i = 0; !rc && i < n; i++) {
		if (strcmp(v[i].id, c->q.id))
			continue;
		c->found = (!c->sc.person || (v[i].owner && !strcmp(v[i].owner, c->sc.person))) &&
			   (!c->sc.team || (v[i].team && !strcmp(v[i].team, c->sc.team)));
		c->closed = v[i].closed != BT_TIME_NONE;
	}
	bt_free(v);
	return rc;
}

static int fu_answer(const struct bt_engine *e, void *ctx)
{
	struct fu_call *c = ctx;
	struct bt_followup *v = NULL;
	size_t n = 0;
	struct bt_err err = {0, ""};
	int rc = bt_engine_followups(e, c->closes, c->nc, c->q.until, &v, &n, &err);
	for (size_t i = 0; !rc && i < n; i++)
		if (!strcmp(v[i].id, c->q.id))
			bt_followup_json(e, &v[i], &c->rs->body);
	bt_free(v);
	return rc;
}

/* The note of {"note": TEXT}, into out; 0, or answered 400. */
static int note_of(const struct bt_request *rq, struct bt_response *rs, char *out, size_t size)
{
	struct bt_json_doc d;
	struct bt_err err = {0, ""};
	const char *ct = rq->content_type ? rq->content_type : "";
	int rc = 0;
	if (strncasecmp(ct, "application/json", 16))
		return bt_respond_err(rs, BT_EUNSUPPORTED,
				      "send {\"note\": TEXT} as application/json"),
		       -1;
	bt_json_doc_init(&d);
	d.max_nodes = 64;
	if (bt_json_parse(&d, rq->body ? rq->body : "", rq->body_len, 4, &err) ||
	    d.nodes[0].type != BT_JSON_OBJECT) {
		rc = -1;
		bt_respond_err(rs, BT_EINVAL,
			       "send a JSON object: {\"note\": what was done for the customer}");
	}
	for (uint32_t k = 1; !rc && k < d.nodes[0].end; k = d.nodes[k + 1].end)
		if (strcmp(d.nodes[k].s, "note")) {
			char msg[160];
			snprintf(msg, sizeof(msg), "unknown field '%.60s' (the only one: note)",
				 d.nodes[k].s);
			bt_respond_err(rs, BT_EINVAL, msg);
			rc = -1;
		}
	uint32_t n = rc ? 0 : bt_json_get(&d, 0, "note");
	if (!rc && (!n || d.nodes[n].type != BT_JSON_STRING || !d.nodes[n].len ||
		    d.nodes[n].len >= size || memchr(d.nodes[n].s, 0, d.nodes[n].len))) {
		bt_respond_err(rs, BT_EINVAL, "note: 1 to 2000 bytes of text saying what was done");
		rc = -1;
	}
	if (!rc)
		memcpy(out, d.nodes[n].s, d.nodes[n].len + 1);
	bt_json_doc_release(&d);
	return rc;
}

/* POST /v1/followups/{id}/close {"note"} */
int bt_followups_close(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	struct fu_call c = {rq, rs, NULL, 0, {0}, bt_scope_of(rq), 0, 0};
	struct bt_err err = {0, ""};
	char who[96], note[2001];
	c.q.id = rq->params[0];
	c.q.until = now_ms();
	if (note_of(rq, rs, note, sizeof(note)) || closes_read(s, &c))
		return 0;
	bt_follow_sync(s);
	if (bt_live_engine(s->live, c.q.until, 0, fu_find, &c, &err)) {
		bt_fu_closes_free(c.closes, c.nc);
		return bt_respond_error(rs, 500, "internal", "the journeys could not be derived");
	}
	int rc = 0;
	if (!c.found)
		rc = bt_respond_err(rs, BT_ENOTFOUND, "no such follow-up");
	else if (c.closed)
		rc = bt_respond_err(rs, BT_ECONFLICT, "the follow-up is closed already");
	else {
		bt_who_of(rq, who);
		pthread_mutex_lock(&s->mu);
		rc = bt_followup_close(s->db, c.q.id, note, who, &err);
		pthread_mutex_unlock(&s->mu);
		bt_fu_closes_free(c.closes, c.nc);
		c.closes = NULL, c.nc = 0;
		if (rc) {
			rc = bt_respond_error(rs, 503, "store_error",
					      "it could not be recorded; retry");
		} else if (!closes_read(s, &c)) {
			c.q.until = now_ms();
			if (bt_live_engine(s->live, c.q.until, 0, fu_answer, &c, &err))
				rc = bt_respond_error(rs, 500, "internal",
						      "the journeys could not be derived");
		}
	}
	bt_fu_closes_free(c.closes, c.nc);
	return rc;
}
