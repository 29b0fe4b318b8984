/* SPDX-License-Identifier: Apache-2.0 */
/*
 * routes.c - the routes of the HTTP API and their handlers.  The table is
 * the one source of truth: the dispatcher reads it, `baton serve --routes`
 * prints it, and a test checks that /v1/openapi.json documents every entry.
 */
#include "server.h"

#include "baton/actions.h"
#include "baton/agenda.h"
#include "baton/audit.h"
#include "baton/initiative.h"

#include "baton/context.h"
#include "baton/engine.h"
#include "baton/insight.h"
#include "baton/json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <string.h>
#include <strings.h>

int bt_metrics_text(struct bt_server *s, struct bt_buf *b);

/* Healthy while the database file is the one the server has open: after
 * an rm of it, or of its folder, nothing written would last. */
static int healthz(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	struct bt_err err = {0, ""};
	(void)rq;
	struct bt_db *rdb = bt_reader_get(s);
	int rc = bt_db_check(rdb, &err);
	bt_reader_put(s, rdb);
	if (rc)
		rs->status = 503;
	return bt_health_json(rc ? err.msg : NULL, &rs->body);
}

static int metrics(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	(void)rq;
	rs->content_type = "text/plain; version=0.0.4";
	return bt_metrics_text(s, &rs->body);
}

/* Who the request's token (or signed-in session) is. */
static int session(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	(void)s;
	return bt_token_json(rq->who, &rs->body);
}

static int openapi(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	(void)s, (void)rq;
	return bt_buf_adds(&rs->body, bt_openapi_json);
}

/* POST /v1/events: one event, a JSON array, or NDJSON; answered once durable. */
static int post_events(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	const char *ct = rq->content_type ? rq->content_type : "";
	enum bt_format fmt;
	if (!strncasecmp(ct, "application/x-ndjson", 20) || !strncasecmp(ct, "application/jsonl", 17))
		fmt = BT_FMT_NDJSON;
	else if (!strncasecmp(ct, "application/json", 16))
		fmt = BT_FMT_JSON;
	else
		return bt_respond_err(rs, BT_EUNSUPPORTED,
					"send application/json (an event or an array) or "
					"application/x-ndjson");
	if (rq->body_len == 0)
		return bt_respond_err(rs, BT_EINVAL, "the request body is empty");
	struct bt_commit_job *job = bt_commit_job_new(rq->body, rq->body_len, fmt, NULL, NULL);
	if (!job)
		return BT_ENOMEM;
	int rc = bt_commit_ingest(s, rq, job); /* returns once durable */
	if (rc == BT_EINVAL) { /* the body as a whole is not JSON */
		rc = bt_respond_err(rs, BT_EINVAL, bt_commit_job_msg(job));
		bt_commit_job_free(job);
		return rc;
	}
	if (rc) {
		bt_commit_job_free(job);
		return bt_respond_error(rs, 503, "store_error", "the events could not be stored; retry");
	}
	const struct bt_ingest_stats *st = bt_commit_job_stats(job);
	/* nothing usable at all is a bad request; otherwise the counts say it */
	rs->status = (st->accepted + st->duplicates + st->suppressed == 0) ? 400 : 200;
	rc = bt_commit_answer(s, rs, job,
			      rs->status == 400
				      ? "\"error\":\"invalid\",\"detail\":\"every record was rejected\","
				      : "");
	bt_commit_job_free(job);
	return rc;
}

static int get_event(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	struct bt_err err = {0, ""};
	char *json = NULL;
	size_t len = 0;
	struct bt_db *rdb = bt_reader_get(s);
	int rc = bt_event_get(rdb, rq->params[0], &json, &len, &err);
	bt_reader_put(s, rdb);
	if (rc == BT_ENOTFOUND)
		return bt_respond_err(rs, BT_ENOTFOUND, "no event with that id");
	if (rc)
		return bt_respond_err(rs, BT_ESTORE, "the event could not be read");
	rc = bt_buf_add(&rs->body, json, len);
	bt_free(json);
	return rc;
}


/* POST /v1/dead-letters/retry: ingest the JSON dead letters again (after a
 * fix of the configuration); those accepted leave the list.  It holds the
 * writer for its whole run, as `baton dead-letters retry` would, and
 * answers once the live state has what it accepted. */
static int retry_dead_letters(struct bt_server *s, const struct bt_request *rq,
			      struct bt_response *rs)
{
	struct bt_err err = {0, ""};
	size_t retried = 0, fixed = 0;
	(void)rq;
	pthread_mutex_lock(&s->mu);
	int rc = bt_dead_letters_retry(s->db, &retried, &fixed, &err);
	pthread_mutex_unlock(&s->mu);
	if (rc)
		return bt_respond_error(rs, 503, "store_error", "the dead letters could not be retried; retry");
	bt_follow_sync(s);
	return bt_buf_printf(&rs->body, "{\"retried\":%zu,\"accepted\":%zu,\"still_rejected\":%zu}",
			     retried, fixed, retried - fixed);
}

/* The dead letter of the route's {id}: 1 found (*d, to free), 0 answered. */
static int dead_letter_of(struct bt_server *s, const struct bt_request *rq,
			  struct bt_dead_letter **d, struct bt_response *rs)
{
	struct bt_err err = {0, ""};
	char *end;
	size_t n = 0;
	int64_t total, id;
	int more;
	errno = 0;
	id = strtoll(rq->params[0], &end, 10);
	*d = NULL;
	if (!*rq->params[0] || *end || errno || id <= 0) {
		bt_respond_err(rs, BT_EINVAL, "a dead letter id is a whole number, as the list gives it");
		return 0;
	}
	struct bt_db *rdb = bt_reader_get(s);
	int rc = bt_dead_letters_page(rdb, id - 1, 1, d, &n, &total, &more, &err);
	bt_reader_put(s, rdb);
	if (rc) {
		bt_respond_err(rs, BT_ESTORE, "the dead letters could not be read");
		return 0;
	}
	if (n != 1 || (*d)->id != id) {
		bt_dead_letters_free(*d, n);
		*d = NULL;
		bt_respond_err(rs, BT_ENOTFOUND, "no dead letter with that id");
		return 0;
	}
	return 1;
}

/* POST /v1/dead-letters/{id}/reingest: ingest the record again, as fixed
 * in the body (or, with no body, as it was kept), durably like POST
 * /v1/events; once it is in, the dead letter goes.  A record that is still
 * not an event is a 400 that keeps nothing new. */
static int reingest_dead_letter(struct bt_server *s, const struct bt_request *rq,
				struct bt_response *rs)
{
	struct bt_dead_letter *d = NULL;
	struct bt_err err = {0, ""};
	if (!dead_letter_of(s, rq, &d, rs))
		return 0;
	const char *rec = rq->body_len ? rq->body : d->raw;
	size_t len = rq->body_len ? rq->body_len : d->raw_len;
	int rc = 0;
	if (!rq->body_len && (strcmp(d->format, "json") || d->truncated))
		rc = bt_respond_err(rs, BT_EINVAL, d->truncated
			? "only the start of this record was kept: send the whole event, fixed, as the body"
			: "a CSV row needs its mapping: send the event, fixed, as JSON in the body");
	else if (bt_event_check(rec, len, &err))
		rc = bt_respond_err(rs, BT_EINVAL, err.msg);
	else {
		int64_t id = d->id;
		struct bt_commit_job *job = bt_commit_job_new(rec, len, BT_FMT_JSON, NULL, NULL);
		if (!job) {
			rc = BT_ENOMEM;
		} else if (bt_commit_ingest(s, rq, job)) {
			rc = bt_respond_error(rs, 503, "store_error", "the event could not be stored; retry");
		} else {
			const struct bt_ingest_stats *st = bt_commit_job_stats(job);
			int in = st->accepted + st->duplicates + st->suppressed == 1;
			if (in) {
				pthread_mutex_lock(&s->mu);
				rc = bt_dead_letter_delete(s->db, id, &err);
				pthread_mutex_unlock(&s->mu);
				if (rc == BT_ENOTFOUND) /* another request was first */
					rc = 0;
			}
			if (!rc)
				rc = bt_commit_answer(s, rs, job, in ? "\"dead_letter\":\"deleted\","
								     : "\"dead_letter\":\"kept\",");
			else
				rc = bt_respond_error(rs, 503, "store_error",
						      "the event is stored, the dead letter not deleted; delete it");
		}
		bt_commit_job_free(job);
	}
	bt_dead_letters_free(d, 1);
	return rc;
}

/* DELETE /v1/dead-letters/{id}: drop one (its record was fixed and sent
 * again, or it is not wanted). */
static int delete_dead_letter(struct bt_server *s, const struct bt_request *rq,
			      struct bt_response *rs)
{
	struct bt_err err = {0, ""};
	char *end;
	errno = 0;
	long long id = strtoll(rq->params[0], &end, 10);
	if (!*rq->params[0] || *end || errno || id <= 0)
		return bt_respond_err(rs, BT_EINVAL, "a dead letter id is a whole number, as the list gives it");
	pthread_mutex_lock(&s->mu);
	int rc = bt_dead_letter_delete(s->db, id, &err);
	pthread_mutex_unlock(&s->mu);
	if (rc == BT_ENOTFOUND)
		return bt_respond_err(rs, BT_ENOTFOUND, "no dead letter with that id");
	if (rc)
		return bt_respond_error(rs, 503, "store_error", "the dead letter could not be deleted; retry");
	return bt_buf_printf(&rs->body, "{\"deleted\":%lld}", id);
}

/* Mask an identifier for roles that do not need it: keep the type, the
 * first character and (for e-mails) the domain. */
static void mask(char *text)
{
	char *v = strchr(text, ':');
	if (!v || !v[1])
		return;
	v++;
	char *at = strchr(v, '@');
	size_t n = at ? (size_t)(at - v) : strlen(v);
	size_t keep_end = at ? 0 : (n > 6 ? 2 : 0);
	for (size_t i = 1; i + keep_end < n; i++)
		v[i] = '*';
}

static int get_profile(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	struct bt_profile *p = NULL;
	struct bt_err err = {0, ""};
	struct bt_db *rdb = bt_reader_get(s);
	int rc = bt_profile_get(rdb, rq->params[0], &p, &err);
	bt_reader_put(s, rdb);
	if (rc == BT_ENOTFOUND)
		return bt_respond_err(rs, BT_ENOTFOUND, "no profile matches");
	if (rc == BT_EINVAL)
		return bt_respond_err(rs, BT_EINVAL, err.msg);
	if (rc)
		return bt_respond_err(rs, BT_ESTORE, "the profile could not be read");
	if (rq->who->role == BT_ROLE_ANALYST) {
		for (size_t i = 0; i < p->nidentifiers; i++)
			mask(p->identifiers[i]);
		for (size_t i = 0; i < p->nconflicts; i++)
			mask(p->conflicts[i].identifier);
		for (size_t i = 0; i < p->nrefusals; i++)
			mask(p->refusals[i].identifier);
		for (size_t i = 0; i < p->nmerges; i++)
			if (p->merges[i].identifier)
				mask(p->merges[i].identifier);
	}
	char *json = bt_profile_json(p);
	bt_profile_free(p);
	if (!json)
		return BT_ENOMEM;
	rc = bt_buf_adds(&rs->body, json);
	bt_free(json);
	return rc;
}

/* Query arguments: each reader answers 400 naming the parameter and
 * returns -1 when the value is not one the route takes. */
static int bad_arg(struct bt_response *rs, const char *key, const char *v, const char *want)
{
	char msg[256];
	snprintf(msg, sizeof(msg), "query parameter %s: '%.60s' is not %s", key, v, want);
	bt_respond_err(rs, BT_EINVAL, msg);
	return -1;
}

static int time_arg(const struct bt_request *rq, const char *key, int64_t *out, struct bt_response *rs)
{
	const char *v = bt_query(rq, key);
	*out = BT_TIME_NONE;
	if (!v || bt_time_parse(v, strlen(v), out) == 0)
		return 0;
	return bad_arg(rs, key, v, "a time (RFC 3339, or a date like 2026-03-01)");
}

int bt_bad_arg(struct bt_response *rs, const char *key, const char *v, const char *want)
{
	return bad_arg(rs, key, v, want);
}

int bt_time_arg(const struct bt_request *rq, const char *key, int64_t *out, struct bt_response *rs)
{
	return time_arg(rq, key, out, rs);
}

/* ?from= and ?to=: the period of opening; from may not be later than to. */
static int period_arg(const struct bt_request *rq, struct bt_kpi_query *q, struct bt_response *rs)
{
	if (time_arg(rq, "from", &q->from, rs) || time_arg(rq, "to", &q->to, rs))
		return -1;
	if (q->from != BT_TIME_NONE && q->to != BT_TIME_NONE && q->from > q->to)
		return bad_arg(rs, "from", bt_query(rq, "from"), "before 'to' (the period is [from, to))");
	return 0;
}

/* ?key=: a whole number from lo to hi, def when absent. */
static int count_arg(const struct bt_request *rq, const char *key, long lo, long hi, long def,
		     size_t *out, struct bt_response *rs)
{
	const char *v = bt_query(rq, key);
	char *end, want[64];
	*out = (size_t)def;
	if (!v)
		return 0;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (!*v || *end || errno || n < lo || n > hi) {
		snprintf(want, sizeof(want), "a whole number from %ld to %ld", lo, hi);
		return bad_arg(rs, key, v, want);
	}
	*out = (size_t)n;
	return 0;
}

/* ?limit=: a whole number from 1 to 10000, default 100. */
static int limit_arg(const struct bt_request *rq, size_t *out, struct bt_response *rs)
{
	return count_arg(rq, "limit", 1, 10000, 100, out, rs);
}

int bt_limit_arg(const struct bt_request *rq, size_t *out, struct bt_response *rs)
{
	return limit_arg(rq, out, rs);
}

static struct bt_scope scope_of(const struct bt_request *rq);
static void who_of(const struct bt_request *rq, char out[96]);
static struct bt_config *config_now(struct bt_server *s, struct bt_response *rs);

struct bt_scope bt_scope_of(const struct bt_request *rq)
{
	return scope_of(rq);
}

void bt_who_of(const struct bt_request *rq, char out[96])
{
	who_of(rq, out);
}

struct bt_config *bt_config_now(struct bt_server *s, struct bt_response *rs)
{
	return config_now(s, rs);
}

/* ?key=: one of the space-separated words of allowed, or absent (NULL). */
static int choice_arg(const struct bt_request *rq, const char *key, const char *allowed,
		      const char **out, struct bt_response *rs)
{
	const char *v = bt_query(rq, key);
	*out = v;
	if (!v || bt_word_in(allowed, v))
		return 0;
	char want[128];
	snprintf(want, sizeof(want), "one of: %s", allowed);
	return bad_arg(rs, key, v, want);
}

/* ?key= a team that the configuration or the data knows, or absent. */
static int team_arg(const struct bt_engine *e, const struct bt_request *rq, const char *key,
		    const char **out, struct bt_response *rs)
{
	*out = bt_query(rq, key);
	if (!*out || bt_engine_has_team(e, *out))
		return 0;
	return bad_arg(rs, key, *out, "a team of the configuration or the data");
}

/* Dead letters by id, a page at a time: ?limit= (100) and ?cursor= (the
 * "next" of the page before: the last id), and never more than about
 * 1 MiB of records in one answer. */
static int get_dead_letters(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	struct bt_dead_letter *d = NULL;
	struct bt_err err = {0, ""};
	size_t n = 0, limit;
	int64_t total = 0, after = 0;
	const char *cur = bt_query(rq, "cursor");
	if (limit_arg(rq, &limit, rs))
		return 0;
	if (cur) {
		char *end;
		errno = 0;
		after = strtoll(cur, &end, 10);
		if (!*cur || *end || errno || after < 0) {
			bad_arg(rs, "cursor", cur, "a cursor (give the 'next' of the page before)");
			return 0; /* answered */
		}
	}
	struct bt_db *rdb = bt_reader_get(s);
	int more = 0;
	int rc = bt_dead_letters_page(rdb, after, limit, &d, &n, &total, &more, &err);
	bt_reader_put(s, rdb);
	if (rc)
		return bt_respond_err(rs, BT_ESTORE, "the dead letters could not be read");
	bt_page_open("dead_letters", &rs->body);
	for (size_t i = 0; i < n; i++) {
		if (i)
			bt_buf_addc(&rs->body, ',');
		bt_dead_letter_json(&d[i], &rs->body);
	}
	char next[24];
	if (more)
		snprintf(next, sizeof(next), "%lld", (long long)d[n - 1].id);
	bt_dead_letters_free(d, n);
	return bt_page_close((uint64_t)total, more ? next : NULL, &rs->body);
}

/* ---- identity review (docs/identity.md) ---- */

/* Who decided, as the review records it: the token's person, else its
 * name, else its number. */
static const char *decider(const struct bt_request *rq, char buf[32])
{
	if (rq->who->person)
		return rq->who->person;
	if (rq->who->name)
		return rq->who->name;
	snprintf(buf, 32, "token %lld", (long long)rq->who->id);
	return buf;
}

/* The body of a review: a JSON object whose only member is `key`, a value
 * of type `type` (example: the object as it should be; want: what the
 * value must be); *v its node in doc.  0, or answered 400 (-1). */
static int review_body(const struct bt_request *rq, struct bt_json_doc *doc, const char *key,
		       int type, const char *example, const char *want, uint32_t *v,
		       struct bt_response *rs)
{
	char msg[256];
	if (bt_json_parse(doc, rq->body, rq->body_len, 4, NULL) || doc->nodes[0].type != BT_JSON_OBJECT) {
		snprintf(msg, sizeof(msg), "expected a JSON object like %s", example);
		bt_respond_err(rs, BT_EINVAL, msg);
		return -1;
	}
	const struct bt_json_node *nd = doc->nodes;
	for (uint32_t k = 1; k < nd[0].end; k = nd[k + 1].end)
		if (!bt_json_str_eq(&nd[k], key)) {
			snprintf(msg, sizeof(msg), "unknown field '%.40s' (the only one is '%s')", nd[k].s, key);
			bt_respond_err(rs, BT_EINVAL, msg);
			return -1;
		}
	*v = bt_json_get(doc, 0, key);
	if (!*v || nd[*v].type != type) {
		snprintf(msg, sizeof(msg), "'%s' must be %s", key, want);
		bt_respond_err(rs, BT_EINVAL, msg);
		return -1;
	}
	return 0;
}

/* A positive whole number from text s[0..n), or 0. */
static int64_t whole(const char *s, size_t n)
{
	char t[24], *end;
	if (!n || n >= sizeof(t))
		return 0;
	memcpy(t, s, n);
	t[n] = '\0';
	errno = 0;
	long long v = strtoll(t, &end, 10);
	return *end || errno || v <= 0 ? 0 : v;
}

/* A failed review: 404 and 409 (and 400) say why, the rest are 503s. */
static int review_err(int rc, const struct bt_err *err, struct bt_response *rs, const char *what)
{
	if (rc == BT_ENOTFOUND || rc == BT_ECONFLICT || rc == BT_EINVAL)
		return bt_respond_err(rs, rc, err->msg);
	return bt_respond_error(rs, 503, "store_error", what);
}

/* GET /v1/profiles/{ident}/merges: the merge ledger of the profile. */
static int get_merges(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	struct bt_merge *m = NULL;
	struct bt_err err = {0, ""};
	size_t n = 0;
	int64_t root;
	struct bt_db *rdb = bt_reader_get(s);
	int rc = bt_merges_get(rdb, rq->params[0], &root, &m, &n, &err);
	bt_reader_put(s, rdb);
	if (rc == BT_ENOTFOUND)
		rc = bt_respond_err(rs, BT_ENOTFOUND, "no profile matches");
	else if (rc == BT_EINVAL)
		rc = bt_respond_err(rs, BT_EINVAL, err.msg);
	else if (rc)
		rc = bt_respond_err(rs, BT_ESTORE, "the merge ledger could not be read");
	else {
		for (size_t i = 0; rq->who->role == BT_ROLE_ANALYST && i < n; i++)
			if (m[i].identifier)
				mask(m[i].identifier);
		rc = bt_merges_json(root, m, n, &rs->body);
	}
	bt_merges_free(m, n);
	return rc;
}

/* POST /v1/profiles/{ident}/split {"merge": N}: undo a merge; answered
 * once the live state is rebuilt without it. */
static int post_split(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	struct bt_json_doc doc;
	struct bt_err err = {0, ""};
	struct bt_split sp;
	char who[32];
	uint32_t v;
	int rc;
	bt_json_doc_init(&doc);
	if (review_body(rq, &doc, "merge", BT_JSON_NUMBER, "{\"merge\": 7}",
			"the id of a merge in the profile's ledger (a whole number)", &v, rs)) {
		bt_json_doc_release(&doc);
		return 0;
	}
	int64_t merge = whole(doc.nodes[v].s, doc.nodes[v].len);
	bt_json_doc_release(&doc);
	if (!merge)
		return bt_respond_err(rs, BT_EINVAL, "'merge' must be a whole number from 1 on");
	pthread_mutex_lock(&s->mu);
	rc = bt_split(s->db, rq->params[0], merge, decider(rq, who), &sp, &err);
	pthread_mutex_unlock(&s->mu);
	if (rc)
		return review_err(rc, &err, rs, "the merge could not be split; retry");
	bt_follow_epoch(s); /* every read after the answer sees the split */
	rc = bt_split_json(&sp, &rs->body);
	bt_split_release(&sp);
	return rc;
}

/* GET /v1/conflicts?state=&limit=&cursor=: the refused links, newest first. */
static int get_conflicts(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	struct bt_conflict *c = NULL;
	struct bt_err err = {0, ""};
	const char *state, *cur = bt_query(rq, "cursor");
	size_t n = 0, limit;
	int64_t total = 0, before = 0;
	int more = 0;
	if (limit_arg(rq, &limit, rs) || choice_arg(rq, "state", "open resolved", &state, rs))
		return 0;
	if (cur && !(before = whole(cur, strlen(cur)))) {
		bad_arg(rs, "cursor", cur, "a cursor (give the 'next' of the page before)");
		return 0; /* answered */
	}
	enum bt_conflict_filter which = !state ? BT_CONFLICTS_ALL
					: !strcmp(state, "open") ? BT_CONFLICTS_OPEN
								 : BT_CONFLICTS_RESOLVED;
	struct bt_db *rdb = bt_reader_get(s);
	int rc = bt_conflicts_page(rdb, which, before, limit, &c, &n, &total, &more, &err);
	bt_reader_put(s, rdb);
	if (rc) {
		bt_conflicts_free(c, n);
		return bt_respond_err(rs, BT_ESTORE, "the conflicts could not be read");
	}
	for (size_t i = 0; rq->who->role == BT_ROLE_ANALYST && i < n; i++)
		mask(c[i].identifier);
	rc = bt_conflicts_page_json(c, n, total, more, &rs->body);
	bt_conflicts_free(c, n);
	return rc;
}

/* POST /v1/conflicts/{id}/resolve {"action": "keep_apart" | "merge"}. */
static int post_resolve(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	struct bt_json_doc doc;
	struct bt_err err = {0, ""};
	struct bt_resolved r;
	char who[32];
	uint32_t v;
	int64_t id = whole(rq->params[0], strlen(rq->params[0]));
	if (!id)
		return bt_respond_err(rs, BT_EINVAL, "a conflict id is a whole number, as the list gives it");
	bt_json_doc_init(&doc);
	if (review_body(rq, &doc, "action", BT_JSON_STRING, "{\"action\": \"keep_apart\"}",
			"\"keep_apart\" or \"merge\"", &v, rs)) {
		bt_json_doc_release(&doc);
		return 0;
	}
	int action = bt_json_str_eq(&doc.nodes[v], "merge")        ? BT_MERGE
		     : bt_json_str_eq(&doc.nodes[v], "keep_apart") ? BT_KEEP_APART
								   : -1;
	bt_json_doc_release(&doc);
	if (action < 0)
		return bt_respond_err(rs, BT_EINVAL, "'action' must be \"keep_apart\" or \"merge\"");
	pthread_mutex_lock(&s->mu);
	int rc = bt_conflict_resolve(s->db, id, (enum bt_resolve_action)action, decider(rq, who), &r, &err);
	pthread_mutex_unlock(&s->mu);
	if (rc)
		return review_err(rc, &err, rs, "the conflict could not be resolved; retry");
	if (r.merge)
		bt_follow_sync(s); /* the merged profile's instances, derived again */
	return bt_resolved_json(&r, &rs->body);
}

/* Pages of the short lists that keep their own order (journeys, teams):
 * the cursor is the id of the last item of the page before. */
struct idpage {
	size_t limit, shown, total;
	const char *cursor, *last;
	int past, more;
};

static int idpage_begin(const struct bt_request *rq, struct idpage *p, struct bt_response *rs)
{
	memset(p, 0, sizeof(*p));
	p->cursor = bt_query(rq, "cursor");
	return limit_arg(rq, &p->limit, rs);
}

/* Count the item of id; 1 when it is on the page (write it). */
static int idpage_take(struct idpage *p, const char *id, struct bt_buf *out)
{
	p->total++;
	if (p->cursor && !p->past) {
		p->past = !strcmp(id, p->cursor);
		return 0;
	}
	if (p->shown == p->limit) {
		p->more = 1;
		return 0;
	}
	if (p->shown++)
		bt_buf_addc(out, ',');
	p->last = id;
	return 1;
}

/* ],"total":..,"next":..}; a cursor that named no item is a 400. */
static int idpage_end(struct idpage *p, struct bt_response *rs)
{
	if (p->cursor && !p->past) {
		bt_buf_reset(&rs->body);
		bad_arg(rs, "cursor", p->cursor, "an item of this list (give the 'next' of the page before)");
		return 0; /* answered */
	}
	return bt_page_close(p->total, p->more ? p->last : NULL, &rs->body);
}

/* The time every read route judges at: ?as_of=, else now (rule 7 of
 * docs/journeys.md: the wall clock in serve), so that no two routes answer
 * the same question differently. */
static int now_or_arg(const struct bt_request *rq, int64_t *at, struct bt_response *rs)
{
	if (time_arg(rq, "as_of", at, rs))
		return -1;
	if (*at == BT_TIME_NONE) {
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		*at = (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
	}
	return 0;
}

/* Journey-level answers are computed on the live state's engine, judged as
 * of ?as_of= (or now, as every read route): fn runs inside bt_live_engine and
 * writes the answer (or its own 4xx); a failure of its own is a 500. */
typedef int (*journey_fn)(const struct bt_engine *e, struct bt_server *s, const struct bt_request *rq,
			  struct bt_response *rs);

struct journey_call {
	journey_fn fn;
	struct bt_server *s;
	const struct bt_request *rq;
	struct bt_response *rs;
};

static int journey_cb(const struct bt_engine *e, void *ctx)
{
	struct journey_call *c = ctx;
	return c->fn(e, c->s, c->rq, c->rs);
}

#define REUSE_MS 1000
static int with_engine(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs,
		       journey_fn fn)
{
	struct journey_call c = {fn, s, rq, rs};
	struct bt_err err = {0, ""};
	int64_t as_of;
	if (time_arg(rq, "as_of", &as_of, rs))
		return 0;
	/* "now" may be answered by a derivation made in the last second, if
	 * nothing changed since: pollers share it (the answer's as_of says
	 * when it was judged) */
	int64_t reuse = as_of == BT_TIME_NONE ? REUSE_MS : 0;
	if (now_or_arg(rq, &as_of, rs))
		return 0;
	bt_follow_sync(s); /* what `baton ingest` or `config load` just wrote, too */
	if (bt_live_engine(s->live, as_of, reuse, journey_cb, &c, &err))
		bt_respond_error(rs, 500, "internal", "the journeys could not be derived");
	return 0;
}

/* The context and the guard answer from the live state, and only from one
 * built after the latest erasure (bt_follow_epoch). */
static int epoch_busy(struct bt_response *rs)
{
	snprintf(rs->retry_after, sizeof(rs->retry_after), "1");
	return bt_respond_err(rs, BT_EBUSY, "customer data is being rebuilt after a change; retry");
}

static int get_context(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	struct bt_err err = {0, ""};
	int64_t at;
	int rc;
	if (now_or_arg(rq, &at, rs))
		return 0;
	if (bt_follow_epoch(s))
		return epoch_busy(rs);
	rc = bt_live_context(s->live, rq->params[0], at, &rs->body, &err);
	if (rc == BT_ENOTFOUND)
		return bt_respond_err(rs, BT_ENOTFOUND, "no profile matches");
	if (rc == BT_EINVAL)
		return bt_respond_err(rs, BT_EINVAL, err.msg);
	return rc ? bt_respond_error(rs, 500, "internal", "the context could not be built") : 0;
}

/* May the caller read customer detail (profile ids, journeys, promises)
 * in the guard's answer, and ask it about another time?  A sending system
 * (the guard and team roles) hears allow or deny and the kinds of reason. */
static int reads_customers(const struct bt_request *rq)
{
	return rq->who->role == BT_ROLE_ADMIN || rq->who->role == BT_ROLE_AGENT;
}

/* POST /v1/guard {"ids":{type: value|[values]}, "team":..., "purpose":...} */
static int post_guard(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	struct bt_json_doc doc;
	struct bt_err err = {0, ""};
	char *idents[32];
	size_t n = 0;
	int64_t at;
	int rc = 0;
	if (bt_query(rq, "as_of") && rq->who->role != BT_ROLE_ADMIN && rq->who->role != BT_ROLE_ANALYST)
		return bt_respond_err(rs, BT_EDENIED, "as_of is for admin and analyst tokens");
	if (now_or_arg(rq, &at, rs))
		return 0;
	if (bt_follow_epoch(s))
		return epoch_busy(rs);
	bt_json_doc_init(&doc);
	if (bt_json_parse(&doc, rq->body, rq->body_len, 16, &err) || doc.nodes[0].type != BT_JSON_OBJECT) {
		bt_json_doc_release(&doc);
		return bt_respond_err(rs, BT_EINVAL, err.msg[0] ? err.msg : "expected a JSON object");
	}
	const struct bt_json_node *nd = doc.nodes;
	for (uint32_t k = 1; k < nd[0].end; k = nd[k + 1].end)
		if (!bt_json_str_eq(&nd[k], "ids") && !bt_json_str_eq(&nd[k], "purpose") &&
		    !bt_json_str_eq(&nd[k], "team")) {
			char msg[128];
			snprintf(msg, sizeof(msg), "unknown field '%.40s' (one of: ids, purpose, team)", nd[k].s);
			bt_json_doc_release(&doc);
			return bt_respond_err(rs, BT_EINVAL, msg);
		}
	uint32_t ids = bt_json_get(&doc, 0, "ids"), pu = bt_json_get(&doc, 0, "purpose");
	const char *purpose = pu && nd[pu].type == BT_JSON_STRING ? nd[pu].s : "marketing";
	if (!ids || nd[ids].type != BT_JSON_OBJECT || !nd[ids].len) {
		bt_json_doc_release(&doc);
		return bt_respond_err(rs, BT_EINVAL, "'ids' must be an object of identifier type to value");
	}
	for (uint32_t k = ids + 1; k < nd[ids].end && !rc; k = nd[k + 1].end) {
		uint32_t v = k + 1, first = nd[v].type == BT_JSON_ARRAY ? v + 1 : v;
		for (uint32_t x = first; x < nd[v].end && !rc; x = nd[x].end) {
			if (nd[x].type != BT_JSON_STRING || n == 32) {
				rc = bt_respond_err(rs, BT_EINVAL,
						      "identifier values must be strings (at most 32)");
				break;
			}
			struct bt_buf t = BT_BUF_INIT;
			bt_buf_add(&t, nd[k].s, nd[k].len);
			bt_buf_addc(&t, ':');
			bt_buf_add(&t, nd[x].s, nd[x].len);
			idents[n++] = bt_buf_detach(&t, NULL);
			if (nd[v].type != BT_JSON_ARRAY)
				break;
		}
	}
	if (!rc && (rc = bt_live_guard(s->live, (const char *const *)idents, n, purpose, at,
				       reads_customers(rq), &rs->body, &err)))
		bt_respond_error(rs, rc == BT_EINVAL ? 400 : 500, rc == BT_EINVAL ? "invalid" : "internal",
				 rc == BT_EINVAL ? err.msg : "the guard could not decide");
	for (size_t i = 0; i < n; i++)
		bt_free(idents[i]);
	bt_json_doc_release(&doc);
	return 0;
}

/* What the caller's role lets it see of journey-level data: the one place
 * where a role becomes a scope (docs/api.md, Roles).  An owner sees the
 * journeys their person owns, and every list and aggregate is computed
 * over those journeys' instances; a team sees the work it holds, the
 * promises it must keep, its own team row and the handoffs into and out of
 * it; the other roles that may use a journey-level route see everything. */
static struct bt_scope scope_of(const struct bt_request *rq)
{
	struct bt_scope sc = {NULL, NULL};
	if (rq->who->role == BT_ROLE_OWNER)
		sc.person = rq->who->person ? rq->who->person : ""; /* nobody's journeys */
	else if (rq->who->role == BT_ROLE_TEAM)
		sc.team = rq->who->team ? rq->who->team : "";
	return sc;
}

/* Does journey id exist at e's time, and may the caller see it? */
static int journey_visible(const struct bt_engine *e, const struct bt_request *rq, const char *id)
{
	struct bt_scope sc = scope_of(rq);
	const struct bt_config *cfg = bt_engine_config(e);
	const struct bt_cfg_journey *j = cfg ? bt_config_journey(cfg, id) : NULL;
	if (!bt_engine_has_journey(e, id))
		return 0;
	return !sc.person || (j && j->owner && !strcmp(j->owner, sc.person));
}

/* The follow-ups closed by hand, from a reader, for the KPIs
 * (docs/followups.md); 0, or answered 500. */
static int fu_closes(struct bt_server *s, struct bt_fu_close **fc, size_t *nfc,
		     struct bt_response *rs)
{
	struct bt_err err = {0, ""};
	struct bt_db *rdb = bt_reader_get(s);
	int rc = bt_followup_closes(rdb, fc, nfc, &err);
	bt_reader_put(s, rdb);
	if (rc)
		bt_respond_error(rs, 500, "internal", "the follow-ups could not be read");
	return rc;
}

/* The KPIs, for all journeys or one (the route's {id}), over what the
 * caller may see. */
static int kpis_on(const struct bt_engine *e, struct bt_server *s, const struct bt_request *rq,
		   struct bt_response *rs)
{
	struct bt_kpi_query q = {rq->params[0], BT_TIME_NONE, BT_TIME_NONE};
	struct bt_scope sc = scope_of(rq);
	struct bt_kpis *k = NULL;
	struct bt_err err = {0, ""};
	if (q.journey && !journey_visible(e, rq, q.journey))
		return bt_respond_err(rs, BT_ENOTFOUND, "no such journey");
	if (period_arg(rq, &q, rs))
		return 0;
	struct bt_fu_close *fc = NULL;
	size_t nfc = 0;
	if (fu_closes(s, &fc, &nfc, rs)) /* follow-ups closed by hand count too */
		return 0;
	int rc = bt_engine_kpis_for(e, &q, &sc, &k, &err);
	rc = rc ? rc : bt_kpis_followups(k, e, &q, &sc, fc, nfc, &err);
	if (!rc)
		rc = bt_kpis_json(k, &rs->body);
	bt_kpis_free(k);
	bt_fu_closes_free(fc, nfc);
	return rc;
}

static int get_kpis(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	return with_engine(s, rq, rs, kpis_on);
}

static int get_journey_kpis(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	return with_engine(s, rq, rs, kpis_on);
}

/* The KPIs week by week, for all journeys or one: ?weeks= (12) weeks, the
 * last ending at ?to= (default: the time judged at), oldest first, all
 * judged at the same time, so that each week is what /v1/kpis?from=&to=
 * answers for it. */
#define WEEK_MS (7 * 86400 * INT64_C(1000))
static int trend_on(const struct bt_engine *e, struct bt_server *s, const struct bt_request *rq,
		    struct bt_response *rs)
{
	struct bt_kpi_query q = {rq->params[0], BT_TIME_NONE, BT_TIME_NONE};
	struct bt_scope sc = scope_of(rq);
	struct bt_err err = {0, ""};
	size_t weeks, nfc = 0;
	struct bt_fu_close *fc = NULL;
	int64_t to;
	char t[32];
	if (q.journey && !journey_visible(e, rq, q.journey))
		return bt_respond_err(rs, BT_ENOTFOUND, "no such journey");
	if (count_arg(rq, "weeks", 1, 52, 12, &weeks, rs) || time_arg(rq, "to", &to, rs) ||
	    fu_closes(s, &fc, &nfc, rs))
		return 0;
	if (to == BT_TIME_NONE)
		to = bt_engine_as_of(e);
	bt_time_print(bt_engine_as_of(e), t);
	int rc = bt_buf_adds(&rs->body, "{\"as_of\":");
	rc = rc ? rc : bt_buf_json_strz(&rs->body, t);
	rc = rc ? rc : bt_buf_adds(&rs->body, ",\"weeks\":[");
	for (size_t i = weeks; i-- > 0 && !rc;) {
		struct bt_kpis *k = NULL;
		q.from = to - (int64_t)(i + 1) * WEEK_MS;
		q.to = to - (int64_t)i * WEEK_MS;
		rc = bt_engine_kpis_for(e, &q, &sc, &k, &err);
		rc = rc ? rc : bt_kpis_followups(k, e, &q, &sc, fc, nfc, &err);
		rc = rc ? rc : bt_buf_adds(&rs->body, i + 1 == weeks ? "{\"from\":" : ",{\"from\":");
		bt_time_print(q.from, t);
		rc = rc ? rc : bt_buf_json_strz(&rs->body, t);
		bt_time_print(q.to, t);
		rc = rc ? rc : bt_buf_adds(&rs->body, ",\"to\":");
		rc = rc ? rc : bt_buf_json_strz(&rs->body, t);
		rc = rc ? rc : bt_buf_adds(&rs->body, ",\"kpis\":");
		rc = rc ? rc : bt_kpis_json(k, &rs->body);
		rc = rc ? rc : bt_buf_addc(&rs->body, '}');
		bt_kpis_free(k);
	}
	bt_fu_closes_free(fc, nfc);
	return rc ? rc : bt_buf_adds(&rs->body, "]}");
}

static int get_trend(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	return with_engine(s, rq, rs, trend_on);
}

/* The stage funnel of a journey, over the instances opened in the period. */
static int funnel_on(const struct bt_engine *e, struct bt_server *s, const struct bt_request *rq,
		     struct bt_response *rs)
{
	struct bt_kpi_query q = {rq->params[0], BT_TIME_NONE, BT_TIME_NONE};
	struct bt_scope sc = scope_of(rq);
	struct bt_err err = {0, ""};
	(void)s;
	if (!journey_visible(e, rq, q.journey))
		return bt_respond_err(rs, BT_ENOTFOUND, "no such journey");
	if (period_arg(rq, &q, rs))
		return 0;
	return bt_engine_funnel_json(e, &q, &sc, &rs->body, &err);
}

static int get_funnel(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	return with_engine(s, rq, rs, funnel_on);
}

/* Friction, consistency and value at stake (docs/insight.md), over the
 * instances opened in the period, as the caller may see them. */
static int insight_on(const struct bt_engine *e, const struct bt_request *rq, struct bt_response *rs,
		      int which)
{
	struct bt_kpi_query q = {which < 2 ? rq->params[0] : bt_query(rq, "journey"), BT_TIME_NONE,
				 BT_TIME_NONE};
	struct bt_scope sc = scope_of(rq);
	struct bt_err err = {0, ""};
	if (q.journey && !journey_visible(e, rq, q.journey))
		return bt_respond_err(rs, BT_ENOTFOUND, "no such journey");
	if (period_arg(rq, &q, rs))
		return 0;
	if (which == 0)
		return bt_engine_friction_json(e, &q, &sc, &rs->body, &err);
	if (which == 1)
		return bt_engine_consistency_json(e, &q, &sc, &rs->body, &err);
	return bt_engine_value_json(e, &q, &sc, &rs->body, &err);
}

static int friction_on(const struct bt_engine *e, struct bt_server *s, const struct bt_request *rq,
		       struct bt_response *rs)
{
	(void)s;
	return insight_on(e, rq, rs, 0);
}

static int channels_on(const struct bt_engine *e, struct bt_server *s, const struct bt_request *rq,
		       struct bt_response *rs)
{
	(void)s;
	return insight_on(e, rq, rs, 1);
}

static int value_on(const struct bt_engine *e, struct bt_server *s, const struct bt_request *rq,
		    struct bt_response *rs)
{
	(void)s;
	return insight_on(e, rq, rs, 2);
}

static int get_friction(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	return with_engine(s, rq, rs, friction_on);
}

static int get_channels(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	return with_engine(s, rq, rs, channels_on);
}

static int get_value(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	return with_engine(s, rq, rs, value_on);
}

/* Who made a change, for the audit trail: the token's person, else its
 * name, else its number. */
static void who_of(const struct bt_request *rq, char out[96])
{
	if (rq->who->person)
		snprintf(out, 96, "%.90s", rq->who->person);
	else if (rq->who->name)
		snprintf(out, 96, "%.90s", rq->who->name);
	else
		snprintf(out, 96, "token %lld", (long long)rq->who->id);
}

/* The stored configuration (with the rules in force), on a reader; NULL
 * when it could not be read (answered). */
static struct bt_config *config_now(struct bt_server *s, struct bt_response *rs)
{
	struct bt_config *cfg = NULL;
	struct bt_err err = {0, ""};
	struct bt_db *rdb = bt_reader_get(s);
	int rc = bt_db_config_get(rdb, &cfg, &err);
	bt_reader_put(s, rdb);
	if (rc)
		bt_respond_error(rs, 500, "internal", "the configuration could not be read");
	return rc ? NULL : cfg;
}

/* May the caller change journey id's rules: its owner, or an admin?  Other
 * owners do not see it (404). */
static int may_decide(const struct bt_config *cfg, const struct bt_request *rq, const char *id)
{
	const struct bt_cfg_journey *j = bt_config_journey(cfg, id);
	struct bt_scope sc = scope_of(rq);
	return j && (!sc.person || (j->owner && !strcmp(j->owner, sc.person)));
}

/* PATCH /v1/journeys/{id}: the owner (or an admin) changes its rules;
 * every change is audited; the answer is the new definition. */
static int patch_journey(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	struct bt_err err = {0, ""};
	char who[96];
	size_t changed = 0;
	const char *ct = rq->content_type ? rq->content_type : "";
	if (strncasecmp(ct, "application/json", 16))
		return bt_respond_err(rs, BT_EUNSUPPORTED, "send the rules as application/json");
	struct bt_config *cfg = config_now(s, rs);
	if (!cfg)
		return 0;
	int visible = may_decide(cfg, rq, rq->params[0]);
	bt_config_free(cfg);
	if (!visible)
		return bt_respond_err(rs, BT_ENOTFOUND, "no such journey");
	who_of(rq, who);
	pthread_mutex_lock(&s->mu);
	int rc = bt_journey_patch(s->db, rq->params[0], rq->body, rq->body_len, who, "api", &changed, &err);
	pthread_mutex_unlock(&s->mu);
	if (rc == BT_EINVAL || rc == BT_ENOTFOUND)
		return bt_respond_err(rs, rc, err.msg);
	if (rc)
		return bt_respond_error(rs, 503, "store_error", "the change could not be stored; retry");
	bt_follow_sync(s); /* the journeys are judged under the new rules from now on */
	if (!(cfg = config_now(s, rs)))
		return 0;
	rc = bt_journey_json(cfg, rq->params[0], NULL, &rs->body);
	bt_config_free(cfg);
	return rc;
}

/* The journey definitions; an owner sees their own. */
static int get_journeys(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	struct bt_config *cfg = NULL;
	struct bt_err err = {0, ""};
	struct bt_scope sc = scope_of(rq);
	struct idpage pg;
	if (idpage_begin(rq, &pg, rs))
		return 0;
	struct bt_db *rdb = bt_reader_get(s);
	int rc = bt_db_config_get(rdb, &cfg, &err);
	bt_reader_put(s, rdb);
	if (rc)
		return bt_respond_error(rs, 500, "internal", "the configuration could not be read");
	bt_page_open("journeys", &rs->body);
	for (size_t i = 0; i < cfg->njourneys; i++) {
		const struct bt_cfg_journey *j = &cfg->journeys[i];
		if (sc.person && !(j->owner && !strcmp(j->owner, sc.person)))
			continue;
		if (idpage_take(&pg, j->id, &rs->body))
			bt_journey_json(cfg, j->id, NULL, &rs->body);
	}
	rc = idpage_end(&pg, rs);
	bt_config_free(cfg);
	return rc;
}

static int get_instance(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	struct bt_err err = {0, ""};
	struct bt_scope sc = scope_of(rq);
	int64_t at;
	if (now_or_arg(rq, &at, rs))
		return 0;
	bt_follow_sync(s); /* as the lists that name the instance */
	int rc = bt_live_instance(s->live, rq->params[0], at, &sc, &rs->body, &err);
	if (rc == BT_ENOTFOUND)
		return bt_respond_err(rs, BT_ENOTFOUND, err.msg);
	if (rc == BT_EINVAL)
		return bt_respond_err(rs, BT_EINVAL, err.msg);
	return rc ? bt_respond_error(rs, 500, "internal", "the instance could not be read") : 0;
}

/* A list page: the library's answer, or 400 for a cursor it cannot read. */
static int list_answer(int rc, const struct bt_err *err, struct bt_response *rs)
{
	if (rc == BT_EINVAL) {
		bt_buf_reset(&rs->body);
		return bt_respond_err(rs, BT_EINVAL, err->msg);
	}
	return rc;
}

/* The instances of the route's journey, or (GET /v1/instances) of every
 * journey the caller may see, or of ?journey=. */
static int instances_on(const struct bt_engine *e, struct bt_server *s, const struct bt_request *rq,
			struct bt_response *rs)
{
	struct bt_scope sc = scope_of(rq);
	struct bt_list_query q = {.scope = &sc, .journey = rq->params[0], .limit = 100,
				  .cursor = bt_query(rq, "cursor"), .from = BT_TIME_NONE, .to = BT_TIME_NONE};
	struct bt_err err = {0, ""};
	(void)s;
	if (!q.journey)
		q.journey = bt_query(rq, "journey");
	if (q.journey && !journey_visible(e, rq, q.journey))
		return bt_respond_err(rs, BT_ENOTFOUND, "no such journey");
	struct bt_kpi_query period = {NULL, BT_TIME_NONE, BT_TIME_NONE};
	if (team_arg(e, rq, "holder", &q.holder, rs) || limit_arg(rq, &q.limit, rs) ||
	    choice_arg(rq, "state", "open resolved abandoned", &q.state, rs) ||
	    period_arg(rq, &period, rs) || team_arg(e, rq, "handoff_from", &q.handoff_from, rs) ||
	    team_arg(e, rq, "handoff_to", &q.handoff_to, rs) ||
	    choice_arg(rq, "handoff", "clean failed", &q.handoff_verdict, rs))
		return 0;
	q.from = period.from, q.to = period.to;
	return list_answer(bt_engine_instances_json(e, &q, &rs->body, &err), &err, rs);
}

static int get_instances(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	return with_engine(s, rq, rs, instances_on);
}

static int promises_on(const struct bt_engine *e, struct bt_server *s, const struct bt_request *rq,
		       struct bt_response *rs)
{
	struct bt_scope sc = scope_of(rq);
	struct bt_list_query q = {.scope = &sc, .limit = 100, .cursor = bt_query(rq, "cursor"),
				  .from = BT_TIME_NONE, .to = BT_TIME_NONE};
	struct bt_err err = {0, ""};
	(void)s;
	if (team_arg(e, rq, "keeper", &q.keeper, rs) || limit_arg(rq, &q.limit, rs) ||
	    choice_arg(rq, "status", "open broken kept kept_late", &q.status, rs))
		return 0;
	return list_answer(bt_engine_promises_json(e, &q, &rs->body, &err), &err, rs);
}

/* The sources, with their volume (the dashboard's Data page). */
static int sources_on(const struct bt_engine *e, struct bt_server *s, const struct bt_request *rq,
		      struct bt_response *rs)
{
	struct bt_list_query q = {.limit = 100, .cursor = bt_query(rq, "cursor"), .from = BT_TIME_NONE,
				  .to = BT_TIME_NONE};
	struct bt_err err = {0, ""};
	(void)s;
	if (limit_arg(rq, &q.limit, rs))
		return 0;
	return list_answer(bt_engine_sources_json(e, &q, &rs->body, &err), &err, rs);
}

static int get_sources(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	return with_engine(s, rq, rs, sources_on);
}

static int get_promises(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	return with_engine(s, rq, rs, promises_on);
}

static int queue_on(const struct bt_engine *e, struct bt_server *s, const struct bt_request *rq,
		    struct bt_response *rs)
{
	const struct bt_config *cfg = bt_engine_config(e);
	struct bt_scope sc = scope_of(rq);
	struct bt_list_query q = {.scope = &sc, .limit = 100, .cursor = bt_query(rq, "cursor"),
				  .from = BT_TIME_NONE, .to = BT_TIME_NONE};
	struct bt_err err = {0, ""};
	struct bt_esc_action *acts = NULL;
	size_t nacts = 0;
	if (!cfg || !bt_config_person(cfg, rq->params[0]) || (sc.person && strcmp(sc.person, rq->params[0])))
		return bt_respond_err(rs, BT_ENOTFOUND, "no such person in the configuration");
	if (limit_arg(rq, &q.limit, rs) || now_or_arg(rq, &q.until, rs))
		return 0;
	struct bt_db *rdb = bt_reader_get(s);
	int rc = bt_escalation_acts(rdb, &acts, &nacts, &err);
	bt_reader_put(s, rdb);
	if (rc)
		return bt_respond_error(rs, 500, "internal", "the escalations could not be read");
	q.acts = acts, q.nacts = nacts;
	rc = list_answer(bt_engine_queue_json(e, rq->params[0], &q, &rs->body, &err), &err, rs);
	bt_esc_actions_free(acts, nacts);
	return rc;
}

static int get_queue(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	return with_engine(s, rq, rs, queue_on);
}

/* Teams (local versus journey) and handoff routes come from the KPIs,
 * computed over what the caller may see. */
static int from_kpis(const struct bt_engine *e, struct bt_server *s, const struct bt_request *rq,
		     struct bt_response *rs, int teams)
{
	struct bt_kpis *k = NULL;
	struct bt_kpi_query q = {teams ? NULL : rq->params[0], BT_TIME_NONE, BT_TIME_NONE};
	struct bt_scope sc = scope_of(rq);
	struct bt_err err = {0, ""};
	struct idpage pg;
	if (!teams && q.journey && !journey_visible(e, rq, q.journey))
		return bt_respond_err(rs, BT_ENOTFOUND, "no such journey");
	if (period_arg(rq, &q, rs) || (teams && idpage_begin(rq, &pg, rs)))
		return 0;
	struct bt_fu_close *fc = NULL;
	size_t nfc = 0;
	if (teams && fu_closes(s, &fc, &nfc, rs))
		return 0;
	int rc = bt_engine_kpis_for(e, &q, &sc, &k, &err);
	rc = rc || !teams ? rc : bt_kpis_followups(k, e, &q, &sc, fc, nfc, &err);
	bt_fu_closes_free(fc, nfc);
	if (rc) {
		bt_kpis_free(k);
		return rc;
	}
	if (teams) {
		bt_page_open("teams", &rs->body);
		for (size_t i = 0; i < k->nteams; i++) {
			const struct bt_local_kpis *t = &k->teams[i];
			if (sc.team && strcmp(sc.team, t->id))
				continue; /* a team sees its own row only */
			if (idpage_take(&pg, t->id, &rs->body))
				bt_local_kpis_json(t, "team", &rs->body);
		}
		rc = idpage_end(&pg, rs);
	} else {
		rc = bt_flow_json(rq->params[0], k, &rs->body);
	}
	bt_kpis_free(k);
	return rc;
}

static int teams_on(const struct bt_engine *e, struct bt_server *s, const struct bt_request *rq,
		    struct bt_response *rs)
{
	return from_kpis(e, s, rq, rs, 1);
}

static int handoffs_on(const struct bt_engine *e, struct bt_server *s, const struct bt_request *rq,
		       struct bt_response *rs)
{
	return from_kpis(e, s, rq, rs, 0);
}

static int get_teams(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	return with_engine(s, rq, rs, teams_on);
}

static int get_handoffs(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	return with_engine(s, rq, rs, handoffs_on);
}

static int get_timeline(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	struct bt_err err = {0, ""};
	size_t limit;
	if (limit_arg(rq, &limit, rs))
		return 0;
	struct bt_db *rdb = bt_reader_get(s);
	int rc = bt_timeline_get(rdb, rq->params[0], limit, bt_query(rq, "cursor"), &rs->body, &err);
	bt_reader_put(s, rdb);
	if (rc == BT_ENOTFOUND)
		return bt_respond_err(rs, BT_ENOTFOUND, "no profile matches");
	if (rc == BT_EINVAL) {
		bt_buf_reset(&rs->body);
		return bt_respond_err(rs, BT_EINVAL, err.msg);
	}
	return rc ? bt_respond_error(rs, 500, "internal", "the timeline could not be read") : 0;
}

/* ---- escalations ---- */

/* A journey-level call at a time of the handler's choosing (reuse_ms as
 * bt_live_engine). */
static int engine_at(struct bt_server *s, int64_t at, int64_t reuse, bt_live_fn fn, void *ctx,
		     struct bt_response *rs)
{
	struct bt_err err = {0, ""};
	bt_follow_sync(s);
	if (bt_live_engine(s->live, at, reuse, fn, ctx, &err))
		bt_respond_error(rs, 500, "internal", "the journeys could not be derived");
	return 0;
}

struct esc_call {
	const struct bt_request *rq;
	struct bt_response *rs;
	struct bt_esc_action *acts;
	size_t nacts;
	int64_t until;
	const char *id; /* one escalation: found, may the caller act on it, its state */
	int found, may, resolved, acknowledged;
};

static int esc_list(const struct bt_engine *e, void *ctx)
{
	struct esc_call *c = ctx;
	struct bt_scope sc = scope_of(c->rq);
	struct bt_esc_query q = {bt_query(c->rq, "journey"), NULL, sc.person, 100,
				 bt_query(c->rq, "cursor"), c->until};
	struct bt_err err = {0, ""};
	if (limit_arg(c->rq, &q.limit, c->rs) ||
	    choice_arg(c->rq, "state", "open acknowledged resolved", &q.state, c->rs))
		return 0;
	if (q.journey && !journey_visible(e, c->rq, q.journey))
		return bt_respond_err(c->rs, BT_ENOTFOUND, "no such journey");
	return list_answer(bt_engine_escalations_json(e, c->acts, c->nacts, &q, &c->rs->body, &err),
			   &err, c->rs);
}

/* What people did about escalations, from a reader; 0, or answered. */
static int esc_acts(struct bt_server *s, struct esc_call *c)
{
	struct bt_err err = {0, ""};
	struct bt_db *rdb = bt_reader_get(s);
	int rc = bt_escalation_acts(rdb, &c->acts, &c->nacts, &err);
	bt_reader_put(s, rdb);
	if (rc)
		bt_respond_error(c->rs, 500, "internal", "the escalations could not be read");
	return rc;
}

/* GET /v1/escalations: as of ?as_of= or now, a page at a time. */
static int get_escalations(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	struct esc_call c = {rq, rs, NULL, 0, 0, NULL, 0, 0, 0, 0};
	int64_t at;
	if (time_arg(rq, "as_of", &at, rs))
		return 0;
	int64_t reuse = at == BT_TIME_NONE ? REUSE_MS : 0;
	if (now_or_arg(rq, &c.until, rs) || esc_acts(s, &c))
		return 0;
	engine_at(s, c.until, reuse, esc_list, &c, rs);
	bt_esc_actions_free(c.acts, c.nacts);
	return 0;
}

/* Find escalation c->id now: its state, and whether the caller may act on
 * it (an admin, the journey's owner, or a person it reaches). */
static int esc_find(const struct bt_engine *e, void *ctx)
{
	struct esc_call *c = ctx;
	struct bt_escalation *v = NULL;
	size_t n = 0;
	struct bt_err err = {0, ""};
	struct bt_scope sc = scope_of(c->rq);
	int rc = bt_engine_escalations(e, c->acts, c->nacts, c->until, &v, &n, &err);
	for (size_t i = 0; !rc && i < n; i++) {
		if (strcmp(v[i].id, c->id))
			continue;
		c->found = 1;
		c->may = !sc.person || (v[i].owner && !strcmp(v[i].owner, sc.person)) ||
			 bt_escalation_reaches(e, &v[i], sc.person);
		c->resolved = v[i].resolved != BT_TIME_NONE;
		c->acknowledged = v[i].acknowledged != BT_TIME_NONE;
	}
	bt_free(v);
	return rc;
}

static int esc_answer(const struct bt_engine *e, void *ctx)
{
	struct esc_call *c = ctx;
	struct bt_escalation *v = NULL;
	size_t n = 0;
	struct bt_err err = {0, ""};
	int rc = bt_engine_escalations(e, c->acts, c->nacts, c->until, &v, &n, &err);
	for (size_t i = 0; !rc && i < n; i++)
		if (!strcmp(v[i].id, c->id))
			bt_escalation_json(e, &v[i], &c->rs->body);
	bt_free(v);
	return rc;
}

/* POST /v1/escalations/{id}/ack and /resolve. */
static int act_on_escalation(struct bt_server *s, const struct bt_request *rq,
			     struct bt_response *rs, int resolve)
{
	struct esc_call c = {rq, rs, NULL, 0, 0, rq->params[0], 0, 0, 0, 0};
	struct bt_err err = {0, ""};
	char who[96];
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	c.until = (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
	if (esc_acts(s, &c))
		return 0;
	engine_at(s, c.until, 0, esc_find, &c, rs);
	int rc = 0;
	if (rs->status != 200 || rs->body.len)
		; /* answered */
	else if (!c.found || !c.may)
		rc = bt_respond_err(rs, BT_ENOTFOUND, "no such escalation open now");
	else if (c.resolved)
		rc = bt_respond_err(rs, BT_ECONFLICT, "the escalation is resolved already");
	else if (!resolve && c.acknowledged)
		rc = bt_respond_err(rs, BT_ECONFLICT, "the escalation is acknowledged already");
	else {
		who_of(rq, who);
		pthread_mutex_lock(&s->mu);
		rc = bt_escalation_act(s->db, c.id, resolve, who, &err);
		pthread_mutex_unlock(&s->mu);
		bt_esc_actions_free(c.acts, c.nacts);
		c.acts = NULL, c.nacts = 0;
		if (rc) {
			rc = bt_respond_error(rs, 503, "store_error", "it could not be recorded; retry");
		} else if (!esc_acts(s, &c)) {
			clock_gettime(CLOCK_REALTIME, &t);
			c.until = (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
			engine_at(s, c.until, 0, esc_answer, &c, rs);
		}
	}
	bt_esc_actions_free(c.acts, c.nacts);
	return rc;
}

static int ack_escalation(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	return act_on_escalation(s, rq, rs, 0);
}

static int resolve_escalation(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	return act_on_escalation(s, rq, rs, 1);
}

/* GET /v1/agenda: the steering agenda of ?from=&to= (default the 28 days
 * up to the time judged at), against the period before judged as long
 * after its end; an owner's covers their journeys and the actions they see. */
struct agenda_call {
	const struct bt_engine *now;
	struct bt_server *s;
	const struct bt_request *rq;
	struct bt_response *rs;
	struct bt_agenda_query q;
};

static int agenda_before(const struct bt_engine *eb, void *ctx)
{
	struct agenda_call *c = ctx;
	struct bt_err err = {0, ""};
	struct bt_action *acts = NULL;
	struct bt_initiative *iv = NULL;
	struct bt_verdict *vd = NULL;
	size_t n = 0, kept = 0, niv = 0;
	struct bt_agenda a;
	struct bt_config *cfg = config_now(c->s, c->rs);
	if (!cfg)
		return 0;
	struct bt_db *rdb = bt_reader_get(c->s);
	int rc = bt_actions_list(rdb, &acts, &n, &err);
	if (!rc && !(c->q.scope && c->q.scope->team) && /* a team's: no initiatives */
	    !(rc = bt_initiatives_list(rdb, &iv, &niv, &err)))
		rc = bt_engine_initiatives(c->now, rdb, iv, niv, c->q.scope, NULL, &vd, &c->q.nverdicts, &err);
	bt_reader_put(c->s, rdb);
	c->q.verdicts = vd;
	if (rc) {
		bt_free(vd);
		bt_initiatives_free(iv, niv);
		bt_actions_free(acts, n);
		bt_config_free(cfg);
		return bt_respond_error(c->rs, 500, "internal", "the actions and initiatives could not be read");
	}
	for (size_t i = 0; i < n; i++) {
		if (bt_action_visible(cfg, c->rq, &acts[i])) {
			struct bt_action t = acts[kept];
			acts[kept++] = acts[i];
			acts[i] = t;
		}
	}
	rc = bt_engine_agenda(c->now, eb, &c->q, acts, kept, &a, &err);
	if (rc == BT_EINVAL)
		rc = bt_respond_err(c->rs, rc, err.msg);
	else if (rc)
		rc = bt_respond_error(c->rs, 500, "internal", "the agenda could not be made");
	else
		rc = bt_agenda_json(&a, &c->rs->body);
	bt_agenda_release(&a);
	bt_actions_free(acts, n);
	bt_free(vd);
	bt_initiatives_free(iv, niv);
	bt_config_free(cfg);
	return rc;
}

static int agenda_on(const struct bt_engine *e, struct bt_server *s, const struct bt_request *rq,
		     struct bt_response *rs)
{
	struct bt_kpi_query p = {NULL, BT_TIME_NONE, BT_TIME_NONE};
	struct bt_scope sc = scope_of(rq);
	struct bt_err err = {0, ""};
	int64_t bas, as_of;
	if (period_arg(rq, &p, rs) || time_arg(rq, "as_of", &as_of, rs))
		return 0;
	struct agenda_call c = {e, s, rq, rs, {p.from, p.to, &sc, 0, NULL, 0}};
	c.q.now = as_of != BT_TIME_NONE ? as_of / 1000 : (int64_t)time(NULL);
	if (bt_agenda_period(bt_engine_as_of(e), &p.from, &p.to, &bas, &err))
		return bt_respond_err(rs, BT_EINVAL, err.msg);
	if (bt_live_engine(s->live, bas, 0, agenda_before, &c, &err))
		return bt_respond_error(rs, 500, "internal", "the journeys could not be derived");
	return 0;
}

static int get_agenda(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	return with_engine(s, rq, rs, agenda_on);
}

/* The data audit (docs/audit.md): the sources with their inventory and
 * levels, or the silo map; events of [from, to) up to as_of.  A team sees
 * the touchpoints it owns, an owner the sources on their journeys. */
static int audit_on(const struct bt_engine *e, const struct bt_request *rq, struct bt_response *rs,
		    int map)
{
	struct bt_kpi_query q = {NULL, BT_TIME_NONE, BT_TIME_NONE};
	struct bt_scope sc = scope_of(rq);
	struct bt_audit *a = NULL;
	struct bt_err err = {0, ""};
	if (period_arg(rq, &q, rs))
		return 0;
	int rc = bt_engine_audit(e, q.from, q.to, &sc, &a, &err);
	if (!rc)
		rc = map ? bt_audit_silo_map_json(a, &rs->body) : bt_audit_sources_json(a, &rs->body);
	bt_audit_free(a);
	return rc;
}

static int audit_sources_on(const struct bt_engine *e, struct bt_server *s, const struct bt_request *rq,
			    struct bt_response *rs)
{
	(void)s;
	return audit_on(e, rq, rs, 0);
}

static int audit_map_on(const struct bt_engine *e, struct bt_server *s, const struct bt_request *rq,
			struct bt_response *rs)
{
	(void)s;
	return audit_on(e, rq, rs, 1);
}

static int get_audit_sources(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	return with_engine(s, rq, rs, audit_sources_on);
}

static int get_silo_map(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs)
{
	return with_engine(s, rq, rs, audit_map_on);
}

#define READERS (ROLE(BT_ROLE_ADMIN) | ROLE(BT_ROLE_ANALYST) | ROLE(BT_ROLE_OWNER))
#define WRITERS (ROLE(BT_ROLE_ADMIN) | ROLE(BT_ROLE_INGEST) | BODY_KEY)

#define QUICK 1
const struct bt_route bt_routes[] = {
	{"GET", "/healthz", 0, healthz, "liveness (no token)", QUICK, NULL},
	{"GET", "/metrics", ROLE(BT_ROLE_ADMIN) | ROLE(BT_ROLE_ANALYST), metrics,
	 "Prometheus metrics", QUICK, NULL},
	{"GET", "/v1/openapi.json", ROLES_ALL, openapi, "this API, as OpenAPI 3", QUICK, NULL},
	{"GET", "/v1/session", ROLES_ALL, session, "who the token or the signed-in session is", QUICK,
	 NULL},
	{"POST", "/v1/events", ROLE(BT_ROLE_ADMIN) | ROLE(BT_ROLE_INGEST), post_events,
	 "ingest events (durable before the answer)", 0, NULL},
	{"GET", "/v1/events/{id}", ROLE(BT_ROLE_ADMIN), get_event, "one stored event by its id", QUICK, NULL},
	{"POST", "/v1/dead-letters/retry", ROLE(BT_ROLE_ADMIN), retry_dead_letters,
	 "ingest the JSON dead letters again", 0, NULL},
	{"DELETE", "/v1/dead-letters/{id}", ROLE(BT_ROLE_ADMIN), delete_dead_letter,
	 "drop one dead letter", 0, NULL},
	{"POST", "/v1/dead-letters/{id}/reingest", ROLE(BT_ROLE_ADMIN), reingest_dead_letter,
	 "ingest a dead letter again, fixed", 0, NULL},
	{"GET", "/v1/dead-letters", ROLE(BT_ROLE_ADMIN), get_dead_letters, "rejected records", 0,
	 "limit cursor"},
	{"POST", "/v1/webhooks", ROLE(BT_ROLE_ADMIN), bt_webhooks_post,
	 "add a webhook (docs/webhooks.md)", 0, NULL},
	{"GET", "/v1/webhooks", ROLE(BT_ROLE_ADMIN), bt_webhooks_get,
	 "the webhooks, never their secrets", 0, "limit cursor"},
	{"DELETE", "/v1/webhooks/{id}", ROLE(BT_ROLE_ADMIN), bt_webhooks_delete,
	 "delete a webhook and its deliveries", 0, NULL},
	{"GET", "/v1/webhooks/{id}/deliveries", ROLE(BT_ROLE_ADMIN), bt_webhooks_deliveries,
	 "a webhook's deliveries with their attempts", 0, "limit cursor"},
	{"POST", "/v1/webhooks/{id}/test", ROLE(BT_ROLE_ADMIN), bt_webhooks_test,
	 "send a webhook a test delivery", 0, NULL},
	{"GET", "/v1/profiles/{ident}",
	 ROLE(BT_ROLE_ADMIN) | ROLE(BT_ROLE_ANALYST) | ROLE(BT_ROLE_AGENT), get_profile,
	 "the unified profile of an identifier or profile id", QUICK, NULL},
	{"GET", "/v1/profiles/{ident}/merges",
	 ROLE(BT_ROLE_ADMIN) | ROLE(BT_ROLE_ANALYST) | ROLE(BT_ROLE_AGENT), get_merges,
	 "the merge ledger of a profile: which event linked what, why, and whether it holds", QUICK,
	 NULL},
	{"POST", "/v1/profiles/{ident}/split", ROLE(BT_ROLE_ADMIN), post_split,
	 "undo one merge of a profile, as if its link had been refused", 0, NULL},
	{"GET", "/v1/conflicts", ROLE(BT_ROLE_ADMIN) | ROLE(BT_ROLE_ANALYST), get_conflicts,
	 "the links the guard rails refused, for review, newest first", 0, "state limit cursor"},
	{"POST", "/v1/conflicts/{id}/resolve", ROLE(BT_ROLE_ADMIN), post_resolve,
	 "resolve a conflict: keep its two sides apart, or merge them", 0, NULL},
	{"GET", "/v1/context/{ident}", ROLE(BT_ROLE_ADMIN) | ROLE(BT_ROLE_AGENT), get_context,
	 "the agent's view of a customer", QUICK, "as_of"},
	{"POST", "/v1/guard",
	 ROLE(BT_ROLE_ADMIN) | ROLE(BT_ROLE_AGENT) | ROLE(BT_ROLE_TEAM) | ROLE(BT_ROLE_GUARD),
	 post_guard, "may this message be sent to this customer now?", QUICK, "as_of"},
	{"GET", "/v1/journeys", READERS, get_journeys, "journey definitions and owners", 0, "limit cursor"},
	{"PATCH", "/v1/journeys/{id}", ROLE(BT_ROLE_ADMIN) | ROLE(BT_ROLE_OWNER), patch_journey,
	 "change a journey's rules (its owner, an admin)", 0, NULL},
	{"GET", "/v1/changes", READERS | ROLE(BT_ROLE_TEAM), bt_changes_get,
	 "what changed: rule changes and the change calendar (docs/changes.md)", 0,
	 "as_of journey team kind upcoming from to limit cursor"},
	{"POST", "/v1/changes", ROLE(BT_ROLE_ADMIN) | ROLE(BT_ROLE_OWNER) | ROLE(BT_ROLE_TEAM),
	 bt_changes_post, "register a change of the calendar", 0, NULL},
	{"GET", "/v1/changes/{id}/impact", READERS, bt_changes_impact,
	 "the contacts and KPIs before and after a change's date", 0, "as_of days"},
	{"GET", "/v1/agenda", READERS | ROLE(BT_ROLE_TEAM), get_agenda,
	 "the steering agenda of a period (an owner: their journeys'; a team: what concerns it)", 0,
	 "as_of from to"},
	{"POST", "/v1/actions", ROLE(BT_ROLE_ADMIN) | ROLE(BT_ROLE_OWNER), bt_actions_post,
	 "create an action (docs/governance.md)", 0, NULL},
	{"GET", "/v1/actions", READERS | ROLE(BT_ROLE_TEAM), bt_actions_get,
	 "actions, soonest due first (an owner: theirs and their journeys')", 0,
	 "owner status overdue journey as_of limit cursor"},
	{"GET", "/v1/actions/{id}", READERS | ROLE(BT_ROLE_TEAM), bt_actions_get_one, "one action", 0,
	 "as_of"},
	{"PATCH", "/v1/actions/{id}", ROLE(BT_ROLE_ADMIN) | ROLE(BT_ROLE_OWNER), bt_actions_patch,
	 "change an action: its status, due date and other fields", 0, NULL},
	{"GET", "/v1/escalations", READERS, get_escalations, "escalations (an owner: theirs)", 0,
	 "as_of journey state limit cursor"},
	{"POST", "/v1/escalations/{id}/ack", ROLE(BT_ROLE_ADMIN) | ROLE(BT_ROLE_OWNER), ack_escalation,
	 "acknowledge an escalation", 0, NULL},
	{"POST", "/v1/escalations/{id}/resolve", ROLE(BT_ROLE_ADMIN) | ROLE(BT_ROLE_OWNER),
	 resolve_escalation, "resolve an escalation by hand", 0, NULL},
	{"POST", "/v1/initiatives", ROLE(BT_ROLE_ADMIN) | ROLE(BT_ROLE_OWNER), bt_initiatives_post,
	 "add an initiative (an admin, the journey's owner)", 0, NULL},
	{"GET", "/v1/initiatives", READERS, bt_initiatives_get,
	 "initiatives with their verdicts (an owner: their journeys')", 0, "as_of journey"},
	{"GET", "/v1/initiatives/{id}", READERS, bt_initiative_get,
	 "one initiative: before, after, the effect with its interval, the verdict and why", 0,
	 "as_of"},
	{"GET", "/v1/followups", READERS | ROLE(BT_ROLE_TEAM), bt_followups_get,
	 "follow-ups of unhappy customers (docs/followups.md)", 0,
	 "as_of journey state team limit cursor"},
	{"GET", "/v1/followups/{id}", READERS | ROLE(BT_ROLE_TEAM), bt_followups_get_one,
	 "one follow-up", 0, "as_of"},
	{"POST", "/v1/followups/{id}/close", ROLE(BT_ROLE_ADMIN) | ROLE(BT_ROLE_OWNER) | ROLE(BT_ROLE_TEAM),
	 bt_followups_close, "close a follow-up by hand, with a note", 0, NULL},
	{"GET", "/v1/kpis", READERS, get_kpis, "KPIs of every journey, team and source", 0, "as_of from to"},
	{"GET", "/v1/journeys/{id}/kpis", READERS, get_journey_kpis, "KPIs of one journey", 0, "as_of from to"},
	{"GET", "/v1/journeys/{id}/funnel", READERS, get_funnel,
	 "the stage funnel of one journey", 0, "as_of from to"},
	{"GET", "/v1/journeys/{id}/friction", READERS, get_friction,
	 "the journey's friction points, ranked by the customers they affected", 0, "as_of from to"},
	{"GET", "/v1/journeys/{id}/channels", READERS, get_channels,
	 "resolution, recontact and CSAT per entry channel, with their spread", 0, "as_of from to"},
	{"GET", "/v1/value", READERS, get_value,
	 "churn and revenue after good and bad outcomes (value at stake)", 0, "as_of journey from to"},
	{"GET", "/v1/kpis/trend", READERS, get_trend, "KPIs of every journey, week by week", 0,
	 "as_of weeks to"},
	{"GET", "/v1/journeys/{id}/kpis/trend", READERS, get_trend, "KPIs of one journey, week by week",
	 0, "as_of weeks to"},
	{"GET", "/v1/journeys/{id}/instances", READERS | ROLE(BT_ROLE_TEAM), get_instances,
	 "live instances of a journey (filters: state, holder, period, handoff route)", 0,
	 "as_of state holder from to handoff_from handoff_to handoff limit cursor"},
	{"GET", "/v1/instances", READERS | ROLE(BT_ROLE_TEAM), get_instances,
	 "live instances of every journey (filters as a journey's, and journey)", 0,
	 "as_of journey state holder from to handoff_from handoff_to handoff limit cursor"},
	{"GET", "/v1/handoffs", READERS | ROLE(BT_ROLE_TEAM), get_handoffs,
	 "the handoff flow of every journey", 0, "as_of from to"},
	{"GET", "/v1/instances/{id}",
	 READERS | ROLE(BT_ROLE_AGENT) | ROLE(BT_ROLE_TEAM), get_instance,
	 "one journey instance with its events, handoffs, promises and feedback", 0, "as_of"},
	{"GET", "/v1/journeys/{id}/handoffs", READERS | ROLE(BT_ROLE_TEAM), get_handoffs,
	 "the journey's handoff flow: team-to-team counts, clean and failed", 0, "as_of from to"},
	{"GET", "/v1/promises", READERS | ROLE(BT_ROLE_TEAM), get_promises,
	 "promises (filters: status, keeper)", 0, "as_of status keeper limit cursor"},
	{"GET", "/v1/owners/{person}/queue", READERS, get_queue,
	 "the instances that need an owner now, with the reasons", 0, "as_of limit cursor"},
	{"GET", "/v1/sources", ROLE(BT_ROLE_ADMIN) | ROLE(BT_ROLE_ANALYST), get_sources,
	 "the sources of the events, with their volume", 0, "as_of limit cursor"},
	{"GET", "/v1/audit/sources", READERS | ROLE(BT_ROLE_TEAM), get_audit_sources,
	 "the touchpoint inventory: each source's levels declared and measured, the roadmap", 0,
	 "as_of from to"},
	{"GET", "/v1/audit/silo-map", READERS | ROLE(BT_ROLE_TEAM), get_silo_map,
	 "the silo map: sources, and the customers each two share", 0, "as_of from to"},
	{"GET", "/v1/teams", READERS | ROLE(BT_ROLE_TEAM), get_teams,
	 "local success versus the journey, per team", 0, "as_of from to limit cursor"},
	{"GET", "/v1/profiles/{ident}/timeline", ROLE(BT_ROLE_ADMIN) | ROLE(BT_ROLE_AGENT),
	 get_timeline, "the customer's events, newest first", QUICK, "limit cursor"},
	{"POST", "/v1/batch", WRITERS, bt_segment_batch, "Segment spec: a batch of messages", 0, NULL},
	{"POST", "/v1/track", WRITERS, bt_segment_track, "Segment spec: track", 0, NULL},
	{"POST", "/v1/identify", WRITERS, bt_segment_identify, "Segment spec: identify", 0, NULL},
	{"POST", "/v1/alias", WRITERS, bt_segment_alias, "Segment spec: alias", 0, NULL},
	{"POST", "/v1/page", WRITERS, bt_segment_page, "Segment spec: page", 0, NULL},
	{"POST", "/v1/screen", WRITERS, bt_segment_screen, "Segment spec: screen", 0, NULL},
	{"POST", "/v1/group", WRITERS, bt_segment_group, "Segment spec: group", 0, NULL},
};
const size_t bt_nroutes = sizeof(bt_routes) / sizeof(bt_routes[0]);
