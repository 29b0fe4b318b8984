/* SPDX-License-Identifier: Apache-2.0 */
/*
 * changes.c - the routes of what changed (docs/changes.md): the one list
 * of rule changes and calendar changes, registering a change, and the
 * impact of one.
 */
#include "server.h"

#include "baton/changes.h"
#include "baton/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define REUSE_MS 1000
#define DAY_MS (86400 * INT64_C(1000))

static int owns(const struct bt_config *cfg, const char *person, const char *journey)
{
	const struct bt_cfg_journey *j = bt_config_journey(cfg, journey);
	return j && j->owner && !strcmp(j->owner, person);
}

static int is_team(const struct bt_config *cfg, const char *team)
{
	for (size_t i = 0; i < cfg->nteams; i++)
		if (!strcmp(cfg->teams[i].id, team))
			return 1;
	return 0;
}

/* ---- GET /v1/changes ---- */

struct list_call {
	struct bt_server *s;
	const struct bt_request *rq;
	struct bt_response *rs;
	const struct bt_config *cfg;
	struct bt_changes_query q;
};

static int list_on(const struct bt_engine *e, void *ctx)
{
	struct list_call *c = ctx;
	struct bt_change_list l;
	struct bt_err err = {0, ""};
	if (e)
		c->q.as_of = bt_engine_as_of(e);
	struct bt_db *rdb = bt_reader_get(c->s);
	int rc = bt_changes_run(rdb, c->cfg, e, &c->q, &l, &err);
	bt_reader_put(c->s, rdb);
	if (rc == BT_EINVAL)
		return bt_respond_err(c->rs, BT_EINVAL, err.msg), 0;
	if (rc)
		return bt_respond_error(c->rs, 500, "internal", "the changes could not be read"), 0;
	rc = bt_change_list_json(&l, &c->rs->body);
	bt_change_list_release(&l);
	return rc;
}

int bt_changes_get(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	struct list_call c = {s, rq, rs, NULL, {0}};
	struct bt_changes_query *q = &c.q;
	const char *up = bt_query(rq, "upcoming");
	int64_t as_of;
	q->journey = bt_query(rq, "journey"), q->team = bt_query(rq, "team");
	q->kind = bt_query(rq, "kind"), q->cursor = bt_query(rq, "cursor");
	if (bt_limit_arg(rq, &q->limit, rs) || bt_time_arg(rq, "as_of", &as_of, rs) ||
	    bt_time_arg(rq, "from", &q->from, rs) || bt_time_arg(rq, "to", &q->to, rs))
		return 0;
	if (up && strcmp(up, "true") && strcmp(up, "false"))
		return bt_bad_arg(rs, "upcoming", up, "true or false"), 0;
	q->upcoming = up && !strcmp(up, "true");
	if (q->from != BT_TIME_NONE && q->to != BT_TIME_NONE && q->from > q->to)
		return bt_bad_arg(rs, "from", bt_query(rq, "from"), "before 'to' (the period is [from, to))"), 0;
	if (rq->who->role == BT_ROLE_OWNER)
		q->person = rq->who->person ? rq->who->person : "";
	if (rq->who->role == BT_ROLE_TEAM) { /* a team sees its own part */
		const char *own = rq->who->team ? rq->who->team : "";
		if (q->team && strcmp(q->team, own))
			return bt_respond_err(rs, BT_ENOTFOUND, "no such team");
		q->team = own;
	}
	struct bt_config *cfg = bt_config_now(s, rs);
	if (!cfg)
		return 0;
	c.cfg = cfg;
	if (q->journey && q->person && !owns(cfg, q->person, q->journey)) {
		bt_config_free(cfg);
		return bt_respond_err(rs, BT_ENOTFOUND, "no such journey");
	}
	if (q->team && rq->who->role != BT_ROLE_TEAM && !is_team(cfg, q->team)) {
		bt_config_free(cfg);
		return bt_bad_arg(rs, "team", q->team, "a team of the configuration"), 0;
	}
	int64_t reuse = as_of == BT_TIME_NONE ? REUSE_MS : 0;
	q->as_of = as_of == BT_TIME_NONE ? bt_time_now_ms() : as_of;
	if (q->team) { /* who holds work: the journeys as of then */
		struct bt_err err = {0, ""};
		bt_follow_sync(s);
		if (bt_live_engine(s->live, q->as_of, reuse, list_on, &c, &err))
			bt_respond_error(rs, 500, "internal", "the journeys could not be derived");
	} else {
		list_on(NULL, &c);
	}
	bt_config_free(cfg);
	return 0;
}

/* ---- POST /v1/changes ---- */

int bt_changes_post(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	struct bt_calchange c;
	struct bt_err err = {0, ""};
	char who[96];
	const char *ct = rq->content_type ? rq->content_type : "";
	if (strncasecmp(ct, "application/json", 16))
		return bt_respond_err(rs, BT_EUNSUPPORTED, "send the change as application/json");
	struct bt_config *cfg = bt_config_now(s, rs);
	if (!cfg)
		return 0;
	int rc = bt_calchange_parse(cfg, rq->body, rq->body_len, &c, &err);
	if (rc) {
		bt_config_free(cfg);
		return rc == BT_EINVAL ? bt_respond_err(rs, BT_EINVAL, err.msg) : rc;
	}
	/* who may: an admin any; a team its own; an owner for their journeys */
	const char *refused = NULL;
	if (rq->who->role == BT_ROLE_TEAM && (!rq->who->team || strcmp(rq->who->team, c.team)))
		refused = "a team registers its own changes";
	for (size_t i = 0; rq->who->role == BT_ROLE_OWNER && !refused && i < c.njourneys; i++)
		if (!rq->who->person || !owns(cfg, rq->who->person, c.journeys[i]))
			refused = "an owner registers changes of the journeys they own";
	bt_config_free(cfg);
	if (refused) {
		bt_calchange_release(&c);
		return bt_respond_err(rs, BT_EDENIED, refused);
	}
	bt_who_of(rq, who);
	pthread_mutex_lock(&s->mu);
	rc = bt_calendar_add(s->db, &c, who, &err);
	pthread_mutex_unlock(&s->mu);
	if (rc) {
		bt_calchange_release(&c);
		return bt_respond_error(rs, 503, "store_error", "the change could not be stored; retry");
	}
	rs->status = 201;
	rc = bt_calchange_json(&c, &rs->body);
	bt_calchange_release(&c);
	return rc;
}

/* ---- GET /v1/changes/{id}/impact ---- */

struct impact_call {
	struct bt_response *rs;
	const struct bt_calchange *c;
	struct bt_scope sc;
	int64_t days;
};

static int impact_on(const struct bt_engine *e, void *ctx)
{
	struct impact_call *x = ctx;
	struct bt_impact im;
	struct bt_err err = {0, ""};
	int rc = bt_engine_impact(e, x->c, x->days, x->sc.person ? &x->sc : NULL, &im, &err);
	if (rc)
		return rc;
	rc = bt_impact_json(x->c, &im, &x->rs->body);
	bt_impact_release(&im);
	return rc;
}

int bt_changes_impact(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	struct bt_calchange c;
	struct bt_err err = {0, ""};
	struct impact_call x = {rs, &c, {NULL, NULL}, 14};
	const char *d = bt_query(rq, "days"), *id = rq->params[0];
	int64_t as_of;
	char *end;
	if (bt_time_arg(rq, "as_of", &as_of, rs))
		return 0;
	if (d) {
		errno = 0;
		long n = strtol(d, &end, 10);
		if (!*d || *end || errno || n < 1 || n > 366)
			return bt_bad_arg(rs, "days", d, "a whole number from 1 to 366"), 0;
		x.days = n;
	}
	errno = 0;
	long long n = strtoll(id, &end, 10);
	if (!*id || *end || errno || n <= 0)
		return bt_respond_err(rs, BT_ENOTFOUND, "no such change");
	struct bt_db *rdb = bt_reader_get(s);
	int rc = bt_calendar_get(rdb, n, &c, &err);
	bt_reader_put(s, rdb);
	if (rc == BT_ENOTFOUND)
		return bt_respond_err(rs, BT_ENOTFOUND, "no such change");
	if (rc)
		return bt_respond_error(rs, 500, "internal", "the change could not be read");
	if (rq->who->role == BT_ROLE_OWNER) { /* an owner: the changes of their journeys */
		struct bt_config *cfg = bt_config_now(s, rs);
		int mine = 0;
		for (size_t i = 0; cfg && i < c.njourneys; i++)
			mine |= owns(cfg, rq->who->person ? rq->who->person : "", c.journeys[i]);
		bt_config_free(cfg);
		if (!cfg || !mine) {
			bt_calchange_release(&c);
			return cfg ? bt_respond_err(rs, BT_ENOTFOUND, "no such change") : 0;
		}
		x.sc.person = rq->who->person;
	}
	int64_t reuse = as_of == BT_TIME_NONE ? REUSE_MS : 0;
	if (as_of == BT_TIME_NONE)
		as_of = bt_time_now_ms();
	bt_follow_sync(s);
	if (bt_live_engine(s->live, as_of, reuse, impact_on, &x, &err)) {
		bt_buf_reset(&rs->body);
		bt_respond_error(rs, 500, "internal", "the journeys could not be derived");
	}
	bt_calchange_release(&c);
	return 0;
}
