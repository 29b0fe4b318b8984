/* SPDX-License-Identifier: Apache-2.0 */
/*
 * initiatives.c - the initiative routes (docs/initiatives.md, docs/api.md):
 * POST /v1/initiatives, GET /v1/initiatives, GET /v1/initiatives/{id}.
 * Initiatives are read from a reader; their verdicts are judged on the live
 * state's engine as of ?as_of= or now, as every journey-level answer.
 */
#include "server.h"
#include "baton/util.h"

#include "baton/initiative.h"
#include "baton/live.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* What the caller may see: an owner their journeys', a team none. */
static struct bt_scope scope_of(const struct bt_request *rq)
{
	struct bt_scope sc = {NULL, NULL};
	if (rq->who->role == BT_ROLE_OWNER)
		sc.person = rq->who->person ? rq->who->person : "";
	else if (rq->who->role == BT_ROLE_TEAM)
		sc.team = rq->who->team ? rq->who->team : "";
	return sc;
}

struct init_call {
	const struct bt_request *rq;
	struct bt_response *rs;
	struct bt_db *rdb; /* a reader: the initiatives, and props cohorts */
	struct bt_initiative *v;
	size_t n;
	int64_t id; /* one: its id; 0 the list */
	const char *journey;
};

static int init_answer(const struct bt_engine *e, void *ctx)
{
	struct init_call *c = ctx;
	struct bt_scope sc = scope_of(c->rq);
	struct bt_verdict *r = NULL;
	size_t nr = 0;
	struct bt_err err = {0, ""};
	const struct bt_config *cfg = bt_engine_config(e);
	if (c->journey) {
		const struct bt_cfg_journey *j = cfg ? bt_config_journey(cfg, c->journey) : NULL;
		if (!j || (sc.person && !(j->owner && !strcmp(j->owner, sc.person))))
			return bt_respond_err(c->rs, BT_ENOTFOUND, "no such journey");
	}
	if (c->id) { /* one: only if the caller sees it */
		size_t i = 0;
		while (i < c->n && c->v[i].id != c->id)
			i++;
		if (i == c->n || !bt_initiative_visible(cfg, &c->v[i], &sc))
			return bt_respond_err(c->rs, BT_ENOTFOUND, "no such initiative");
		struct bt_verdict one;
		int rc = bt_engine_initiative(e, c->rdb, &c->v[i], &one, &err);
		return rc ? rc : bt_verdict_json(&one, &c->rs->body);
	}
	int rc = bt_engine_initiatives(e, c->rdb, c->v, c->n, &sc, c->journey, &r, &nr, &err);
	if (!rc)
		rc = bt_verdicts_json(r, nr, bt_engine_as_of(e), &c->rs->body);
	bt_free(r);
	return rc;
}

/* Judge c's initiatives as of ?as_of= (or now) and answer. */
static int judge_and_answer(struct bt_server *s, struct init_call *c)
{
	struct bt_err err = {0, ""};
	const char *a = bt_query(c->rq, "as_of");
	int64_t as_of = BT_TIME_NONE;
	if (a && bt_time_parse(a, strlen(a), &as_of)) {
		char msg[160];
		snprintf(msg, sizeof(msg), "query parameter as_of: '%.60s' is not a time (RFC 3339, or a date like 2026-03-01)", a);
		return bt_respond_err(c->rs, BT_EINVAL, msg);
	}
	int64_t reuse = as_of == BT_TIME_NONE ? 1000 : 0;
	if (as_of == BT_TIME_NONE)
		as_of = bt_time_now_ms();
	c->rdb = bt_reader_get(s);
	int rc = bt_initiatives_list(c->rdb, &c->v, &c->n, &err);
	if (rc) {
		bt_reader_put(s, c->rdb);
		return bt_respond_error(c->rs, 500, "internal", "the initiatives could not be read");
	}
	bt_follow_sync(s);
	if (bt_live_engine(s->live, as_of, reuse, init_answer, c, &err)) {
		bt_buf_reset(&c->rs->body);
		bt_respond_error(c->rs, 500, "internal", "the initiatives could not be judged");
	}
	bt_reader_put(s, c->rdb);
	bt_initiatives_free(c->v, c->n);
	return 0;
}

/* GET /v1/initiatives?journey=&as_of= */
int bt_initiatives_get(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	struct init_call c = {rq, rs, NULL, NULL, 0, 0, bt_query(rq, "journey")};
	return judge_and_answer(s, &c);
}

/* GET /v1/initiatives/{id}?as_of= */
int bt_initiative_get(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	struct init_call c = {rq, rs, NULL, NULL, 0, 0, NULL};
	char *end;
	errno = 0;
	c.id = strtoll(rq->params[0], &end, 10);
	if (!*rq->params[0] || *end || errno || c.id <= 0)
		return bt_respond_err(rs, BT_ENOTFOUND, "no such initiative");
	return judge_and_answer(s, &c);
}

/* POST /v1/initiatives: an admin, or the owner of the journey (others do
 * not see it: 404); 400 naming a bad field; 201 with the initiative judged
 * now. */
int bt_initiatives_post(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	struct bt_err err = {0, ""};
	struct bt_initiative in;
	struct bt_config *cfg = NULL;
	struct bt_scope sc = scope_of(rq);
	char who[96];
	const char *ct = rq->content_type ? rq->content_type : "";
	if (strncasecmp(ct, "application/json", 16))
		return bt_respond_err(rs, BT_EUNSUPPORTED, "send the initiative as application/json");
	if (bt_initiative_parse(rq->body, rq->body_len, &in, &err))
		return bt_respond_err(rs, err.code == BT_ENOMEM ? BT_ENOMEM : BT_EINVAL, err.msg);
	struct bt_db *rdb = bt_reader_get(s);
	int rc = bt_db_config_get(rdb, &cfg, &err);
	bt_reader_put(s, rdb);
	if (rc) {
		bt_initiative_release(&in);
		return bt_respond_error(rs, 500, "internal", "the configuration could not be read");
	}
	const struct bt_cfg_journey *j = cfg ? bt_config_journey(cfg, in.journey) : NULL;
	if (sc.person && j && !(j->owner && !strcmp(j->owner, sc.person)))
		rc = bt_respond_err(rs, BT_ENOTFOUND, "no such journey");
	else if (bt_initiative_check(&in, cfg, &err))
		rc = bt_respond_err(rs, BT_EINVAL, err.msg);
	else {
		if (rq->who->person)
			snprintf(who, sizeof(who), "%.90s", rq->who->person);
		else if (rq->who->name)
			snprintf(who, sizeof(who), "%.90s", rq->who->name);
		else
			snprintf(who, sizeof(who), "token %lld", (long long)rq->who->id);
		size_t wl = strlen(who) + 1;
		if ((in.created_by = bt_malloc(wl)))
			memcpy(in.created_by, who, wl);
		pthread_mutex_lock(&s->mu);
		rc = in.created_by ? bt_initiative_add(s->db, &in, &err) : BT_ENOMEM;
		pthread_mutex_unlock(&s->mu);
		if (rc)
			rc = bt_respond_error(rs, 503, "store_error", "the initiative could not be stored; retry");
		else {
			char id[24];
			snprintf(id, sizeof(id), "%lld", (long long)in.id);
			struct bt_request one = *rq;
			one.params[0] = id;
			rc = bt_initiative_get(s, &one, rs);
			if (rs->status == 200)
				rs->status = 201;
		}
	}
	bt_initiative_release(&in);
	bt_config_free(cfg);
	return rc;
}
