/* SPDX-License-Identifier: Apache-2.0 */
/*
 * actions.c - /v1/actions (docs/governance.md): what a meeting or an owner
 * decided to do, who does it, by when.  An admin or an analyst sees every
 * action; an owner those they own and those of their journeys; a team
 * those its people own.  An admin changes any; an owner those they see, and
 * an owner creates actions for their journeys, or for themselves.
 */
#include "server.h"

#include "baton/actions.h"
#include "baton/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

int bt_action_visible(const struct bt_config *cfg, const struct bt_request *rq,
		      const struct bt_action *a);

/* May the caller see action a? */
static int visible(const struct bt_config *cfg, const struct bt_request *rq, const struct bt_action *a)
{
	struct bt_scope sc = bt_scope_of(rq);
	if (sc.person) {
		const struct bt_cfg_journey *j = a->journey ? bt_config_journey(cfg, a->journey) : NULL;
		return !strcmp(a->owner, sc.person) || (j && j->owner && !strcmp(j->owner, sc.person));
	}
	if (sc.team) {
		const struct bt_cfg_person *p = bt_config_person(cfg, a->owner);
		return p && p->team && !strcmp(p->team, sc.team);
	}
	return 1;
}

/* May the caller hold action a as it is: an admin any; an owner one of their
 * journeys, or their own without a journey. */
static const char *why_not(const struct bt_config *cfg, const struct bt_request *rq,
			   const struct bt_action *a)
{
	struct bt_scope sc = bt_scope_of(rq);
	if (!sc.person)
		return NULL;
	if (a->journey) {
		const struct bt_cfg_journey *j = bt_config_journey(cfg, a->journey);
		return j && j->owner && !strcmp(j->owner, sc.person)
			       ? NULL
			       : "an owner's actions are for their own journeys";
	}
	return strcmp(a->owner, sc.person) ? "an action without a journey is its owner's own: set "
					     "a journey of yours, or yourself as the owner"
					   : NULL;
}

static int json_body(const struct bt_request *rq, struct bt_response *rs)
{
	const char *ct = rq->content_type ? rq->content_type : "";
	if (strncasecmp(ct, "application/json", 16))
		return bt_respond_err(rs, BT_EUNSUPPORTED, "send the action as application/json"), -1;
	return 0;
}

static int64_t id_arg(const struct bt_request *rq)
{
	const char *v = rq->params[0];
	char *end;
	v += *v == 'A'; /* as the CLI writes it: A3 */
	errno = 0;
	long long id = strtoll(v, &end, 10);
	return *v && !*end && !errno && id > 0 ? id : 0;
}

/* POST /v1/actions */
int bt_actions_post(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	struct bt_err err = {0, ""};
	struct bt_action a = {0};
	char who[96];
	if (json_body(rq, rs))
		return 0;
	struct bt_config *cfg = bt_config_now(s, rs);
	if (!cfg)
		return 0;
	int rc = bt_action_read(cfg, rq->body ? rq->body : "", rq->body_len, 1, &a, NULL, &err);
	const char *no = rc ? NULL : why_not(cfg, rq, &a);
	if (rc) {
		rc = rc == BT_EINVAL ? bt_respond_err(rs, rc, err.msg)
				     : bt_respond_error(rs, 500, "internal", "out of memory");
	} else if (no) {
		rc = bt_respond_err(rs, BT_EDENIED, no);
	} else {
		bt_who_of(rq, who);
		pthread_mutex_lock(&s->mu);
		rc = bt_action_add(s->db, &a, who, &err);
		pthread_mutex_unlock(&s->mu);
		if (rc)
			rc = bt_respond_error(rs, 503, "store_error", "the action could not be stored; retry");
		else if (!(rc = bt_action_json(&a, now_s(), &rs->body)))
			rs->status = 201;
	}
	bt_action_clear(&a);
	bt_config_free(cfg);
	return rc;
}

/* PATCH /v1/actions/{id} */
int bt_actions_patch(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	struct bt_err err = {0, ""};
	struct bt_action a = {0};
	int64_t id = id_arg(rq);
	if (json_body(rq, rs))
		return 0;
	if (!id)
		return bt_respond_err(rs, BT_ENOTFOUND, "no such action");
	struct bt_config *cfg = bt_config_now(s, rs);
	if (!cfg)
		return 0;
	pthread_mutex_lock(&s->mu); /* read, check and write as one */
	int rc = bt_action_get(s->db, id, &a, &err);
	if (rc == BT_ENOTFOUND || (!rc && !visible(cfg, rq, &a))) {
		rc = bt_respond_err(rs, BT_ENOTFOUND, "no such action");
	} else if (rc) {
		rc = bt_respond_error(rs, 500, "internal", "the action could not be read");
	} else if ((rc = bt_action_read(cfg, rq->body ? rq->body : "", rq->body_len, 0, &a, NULL,
					&err))) {
		rc = rc == BT_EINVAL ? bt_respond_err(rs, rc, err.msg)
				     : bt_respond_error(rs, 500, "internal", "out of memory");
	} else if (why_not(cfg, rq, &a)) {
		rc = bt_respond_err(rs, BT_EDENIED, why_not(cfg, rq, &a));
	} else if (bt_action_update(s->db, &a, &err)) {
		rc = bt_respond_error(rs, 503, "store_error", "the change could not be stored; retry");
	} else {
		rc = bt_action_json(&a, now_s(), &rs->body);
	}
	pthread_mutex_unlock(&s->mu);
	bt_action_clear(&a);
	bt_config_free(cfg);
	return rc;
}

/* GET /v1/actions/{id} */
int bt_actions_get_one(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	struct bt_err err = {0, ""};
	struct bt_action a = {0};
	int64_t id = id_arg(rq), as_of = now_s(), ms;
	const char *t = bt_query(rq, "as_of");
	if (t && bt_time_parse(t, strlen(t), &ms))
		return bt_respond_err(rs, BT_EINVAL, "query parameter as_of: not a time (RFC 3339, or "
						     "a date like 2026-03-01)");
	if (t)
		as_of = ms / 1000;
	struct bt_config *cfg = bt_config_now(s, rs);
	if (!cfg)
		return 0;
	struct bt_db *rdb = bt_reader_get(s);
	int rc = id ? bt_action_get(rdb, id, &a, &err) : BT_ENOTFOUND;
	bt_reader_put(s, rdb);
	if (rc == BT_ENOTFOUND || (!rc && !visible(cfg, rq, &a)))
		rc = bt_respond_err(rs, BT_ENOTFOUND, "no such action");
	else if (rc)
		rc = bt_respond_error(rs, 500, "internal", "the action could not be read");
	else
		rc = bt_action_json(&a, as_of, &rs->body);
	bt_action_clear(&a);
	bt_config_free(cfg);
	return rc;
}

/* overdue first, then by due, then by id */
static int by_due(const void *x, const void *y)
{
	const struct bt_action *a = x, *b = y;
	if (a->due != b->due)
		return a->due < b->due ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* GET /v1/actions?owner=&status=&overdue=&journey=&as_of=: soonest due
 * first; ?cursor= is how many came before. */
int bt_actions_get(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	struct bt_err err = {0, ""};
	const char *owner = bt_query(rq, "owner"), *status = bt_query(rq, "status");
	const char *overdue = bt_query(rq, "overdue"), *journey = bt_query(rq, "journey");
	const char *t = bt_query(rq, "as_of"), *cur = bt_query(rq, "cursor");
	int64_t as_of = now_s(), ms, skip = 0;
	size_t limit;
	if (bt_limit_arg(rq, &limit, rs))
		return 0;
	if (t && bt_time_parse(t, strlen(t), &ms))
		return bt_bad_arg(rs, "as_of", t, "a time (RFC 3339, or a date like 2026-03-01)"), 0;
	if (t)
		as_of = ms / 1000;
	if (status && !bt_word_in("open in_progress done dropped", status))
		return bt_bad_arg(rs, "status", status, "one of open, in_progress, done, dropped"), 0;
	if (overdue && strcmp(overdue, "true") && strcmp(overdue, "false"))
		return bt_bad_arg(rs, "overdue", overdue, "true or false"), 0;
	if (cur) {
		char *end;
		errno = 0;
		skip = strtoll(cur, &end, 10);
		if (!*cur || *end || errno || skip <= 0)
			return bt_bad_arg(rs, "cursor", cur, "a cursor (give the 'next' of the page before)"), 0;
	}
	struct bt_config *cfg = bt_config_now(s, rs);
	if (!cfg)
		return 0;
	if (owner && !bt_config_person(cfg, owner)) {
		bt_config_free(cfg);
		return bt_respond_err(rs, BT_ENOTFOUND, "no such person");
	}
	if (journey && !bt_config_journey(cfg, journey)) {
		bt_config_free(cfg);
		return bt_respond_err(rs, BT_ENOTFOUND, "no such journey");
	}
	struct bt_action *v = NULL;
	size_t n = 0, kept = 0;
	struct bt_db *rdb = bt_reader_get(s);
	int rc = bt_actions_list(rdb, &v, &n, &err);
	bt_reader_put(s, rdb);
	if (rc) {
		bt_config_free(cfg);
		return bt_respond_error(rs, 500, "internal", "the actions could not be read");
	}
	for (size_t i = 0; i < n; i++) {
		struct bt_action *a = &v[i];
		int keep = visible(cfg, rq, a) && (!owner || !strcmp(a->owner, owner)) &&
			   (!status || !strcmp(a->status, status)) &&
			   (!journey || (a->journey && !strcmp(a->journey, journey))) &&
			   (!overdue || bt_action_overdue(a, as_of) == !strcmp(overdue, "true"));
		if (!keep) {
			bt_action_clear(a);
			continue;
		}
		v[kept++] = *a;
	}
	if (kept) /* (UBSan: no qsort of an empty list) */
		qsort(v, kept, sizeof(*v), by_due);
	bt_page_open("actions", &rs->body);
	size_t shown = 0;
	for (size_t i = (size_t)skip; i < kept && shown < limit; i++, shown++) {
		if (shown)
			bt_buf_addc(&rs->body, ',');
		bt_action_json(&v[i], as_of, &rs->body);
	}
	char next[24];
	int more = (size_t)skip + shown < kept;
	snprintf(next, sizeof(next), "%lld", (long long)skip + (long long)shown);
	rc = bt_page_close(kept, more ? next : NULL, &rs->body);
	bt_actions_free(v, kept);
	bt_config_free(cfg);
	return rc;
}

int bt_action_visible(const struct bt_config *cfg, const struct bt_request *rq,
		      const struct bt_action *a)
{
	return visible(cfg, rq, a);
}
