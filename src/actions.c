/* SPDX-License-Identifier: Apache-2.0 */
/*
 * actions.c - actions (docs/governance.md): read and checked from JSON,
 * stored through the store, written as JSON.  The API and the CLI both
 * build a JSON object of fields and hand it here, so a title too long or an
 * unknown owner is refused with the same words on both.
 */
#include "baton/actions.h"

#include "baton/json.h"
#include "baton/util.h"
#include "baton/view.h"
#include "db.h"
#include "util/alloc.h"
#include "util/time.h"

#include <string.h>
#include <time.h>

static const char *const fields[] = {"title", "owner", "due", "status", "journey", "kpi", "meeting"};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))
static const char *const statuses[] = {"open", "in_progress", "done", "dropped"};

static char *dup_node(const struct bt_json_node *v)
{
	return bt__strndup(v->s, v->len);
}

/* The string value of field, 1..max bytes and no control characters. */
static int text_of(const struct bt_json_node *v, const char *field, size_t max, struct bt_err *err)
{
	if (v->type != BT_JSON_STRING)
		return bt_err_set(err, BT_EINVAL, "%s must be a string", field);
	if (!v->len)
		return bt_err_set(err, BT_EINVAL, "%s must not be empty", field);
	if (v->len > max)
		return bt_err_set(err, BT_EINVAL, "%s is longer than %zu bytes", field, max);
	for (uint32_t i = 0; i < v->len; i++)
		if ((unsigned char)v->s[i] < 0x20 || v->s[i] == 0x7f)
			return bt_err_set(err, BT_EINVAL, "%s must be one line of text", field);
	return 0;
}

/* due: RFC 3339, or a date meaning the end of that day (UTC). */
static int due_of(const struct bt_json_node *v, int64_t *due, struct bt_err *err)
{
	int64_t ms;
	if (v->type != BT_JSON_STRING || v->len > 40 || bt_time_parse(v->s, v->len, &ms))
		return bt_err_set(err, BT_EINVAL, "due must be a time (RFC 3339) or a date "
						  "(2026-12-01: by the end of that day, UTC)");
	if (v->len == 10) /* a date */
		ms += 86400000;
	*due = ms / 1000 + (ms % 1000 > 0);
	return 0;
}

static int kpi_known(const char *k)
{
	return bt_kpi_find(bt_kpi_journey, bt_kpi_njourney, k) != NULL;
}

static const char *kpi_near(const char *k, size_t n)
{
	const char *names[128];
	size_t m = 0;
	for (size_t i = 0; i < bt_kpi_njourney; i++) /* recontact: recontact_rate */
		if (!strncmp(bt_kpi_journey[i].key, k, n) && !strcmp(bt_kpi_journey[i].key + n, "_rate"))
			return bt_kpi_journey[i].key;
	for (size_t i = 0; i < bt_kpi_njourney && m < 128; i++)
		names[m++] = bt_kpi_journey[i].key;
	return bt_suggest(k, n, names, m);
}

/* One field's new value into *a (its strings freshly allocated, the old
 * ones left for the caller); *same when the value is the one it had. */
static int field_read(const struct bt_config *cfg, const char *key, const struct bt_json_node *v,
		      struct bt_action *a, int *same, struct bt_err *err)
{
	char **slot = NULL;
	const char *old = NULL;
	*same = 0;
	if (!strcmp(key, "due")) {
		int64_t due = 0;
		if (due_of(v, &due, err))
			return BT_EINVAL;
		*same = due == a->due;
		a->due = due;
		return 0;
	}
	if (!strcmp(key, "title"))
		slot = &a->title;
	else if (!strcmp(key, "owner"))
		slot = &a->owner;
	else if (!strcmp(key, "status"))
		slot = &a->status;
	else if (!strcmp(key, "journey"))
		slot = &a->journey;
	else if (!strcmp(key, "kpi"))
		slot = &a->kpi;
	else
		slot = &a->meeting;
	old = *slot;
	if (v->type == BT_JSON_NULL) {
		if (slot == &a->title || slot == &a->owner || slot == &a->status)
			return bt_err_set(err, BT_EINVAL, "%s cannot be null", key);
		*same = !old;
		*slot = NULL;
		return 0;
	}
	if (text_of(v, key, BT_ACTION_TEXT_MAX, err))
		return BT_EINVAL;
	if (slot == &a->owner && !bt_config_person(cfg, v->s)) {
		const char *names[256];
		size_t m = 0;
		for (size_t i = 0; i < cfg->npeople && m < 256; i++)
			names[m++] = cfg->people[i].id;
		const char *near = bt_suggest(v->s, v->len, names, m);
		return near ? bt_err_set(err, BT_EINVAL, "owner: no person '%.60s' (did you mean '%s'?)",
					 v->s, near)
			    : bt_err_set(err, BT_EINVAL, "owner: no person '%.60s' in the configuration",
					 v->s);
	}
	if (slot == &a->journey && !bt_config_journey(cfg, v->s))
		return bt_err_set(err, BT_EINVAL, "journey: no journey '%.60s' in the configuration", v->s);
	if (slot == &a->kpi && !kpi_known(v->s)) {
		const char *near = kpi_near(v->s, v->len);
		return near ? bt_err_set(err, BT_EINVAL, "kpi: no KPI '%.60s' (did you mean '%s'?)", v->s,
					 near)
			    : bt_err_set(err, BT_EINVAL, "kpi: no KPI '%.60s' (docs/kpis.md)", v->s);
	}
	if (slot == &a->status) {
		size_t i = 0;
		while (i < 4 && strcmp(v->s, statuses[i]))
			i++;
		if (i == 4) {
			const char *near = bt_suggest(v->s, v->len, statuses, 4);
			return bt_err_set(err, BT_EINVAL, "status must be open, in_progress, done or dropped, "
							  "not '%.40s'%s%s%s", v->s, near ? " (did you mean '" : "",
					  near ? near : "", near ? "'?)" : "");
		}
	}
	*same = old && !strcmp(old, v->s);
	if (!(*slot = dup_node(v)))
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	return 0;
}

int bt_action_read(const struct bt_config *cfg, const char *json, size_t len, int create,
		   struct bt_action *a, size_t *changed, struct bt_err *err)
{
	struct bt_json_doc d;
	struct bt_action next = {0};
	size_t n = 0;
	int rc;
	if (changed)
		*changed = 0;
	bt_json_doc_init(&d);
	d.max_nodes = 64;
	if ((rc = bt_json_parse(&d, json, len, 2, err))) {
		bt_json_doc_release(&d);
		return rc == BT_ENOMEM ? rc : BT_EINVAL;
	}
	const struct bt_json_node *nd = d.nodes;
	if (nd[0].type != BT_JSON_OBJECT) {
		bt_json_doc_release(&d);
		return bt_err_set(err, BT_EINVAL, "send a JSON object of the action's fields");
	}
	if (create) {
		next.due = 0;
	} else if ((rc = bt_action_copy(a, &next))) {
		bt_json_doc_release(&d);
		return bt_err_set(err, rc, "out of memory");
	}
	int seen[NFIELDS] = {0};
	for (uint32_t k = 1; !rc && k < nd[0].end; k = nd[k + 1].end) {
		const char *key = nd[k].s;
		size_t f = 0;
		while (f < NFIELDS && strcmp(key, fields[f]))
			f++;
		if (f == NFIELDS) {
			const char *near = bt_suggest(key, nd[k].len, fields, NFIELDS);
			rc = near ? bt_err_set(err, BT_EINVAL, "unknown field '%.60s' (did you mean '%s'?)",
					       key, near)
				  : bt_err_set(err, BT_EINVAL, "unknown field '%.60s' (the fields: title, owner, "
							     "due, status, journey, kpi, meeting)", key);
			break;
		}
		if (seen[f]++) {
			rc = bt_err_set(err, BT_EINVAL, "%s is given twice", key);
			break;
		}
		char *olds[6] = {next.title, next.owner, next.status, next.journey, next.kpi, next.meeting};
		int same;
		if ((rc = field_read(cfg, key, &nd[k + 1], &next, &same, err)))
			break;
		char *news[6] = {next.title, next.owner, next.status, next.journey, next.kpi, next.meeting};
		for (int i = 0; i < 6; i++)
			if (olds[i] != news[i])
				bt__free(olds[i]);
		n += !same;
	}
	bt_json_doc_release(&d);
	if (!rc && create) {
		const char *missing = !seen[0] ? "title" : !seen[1] ? "owner" : !seen[2] ? "due" : NULL;
		if (missing)
			rc = bt_err_set(err, BT_EINVAL, "%s is required", missing);
		else if (!next.status && !(next.status = bt__strndup("open", 4)))
			rc = bt_err_set(err, BT_ENOMEM, "out of memory");
	}
	int any = 0;
	for (size_t f = 0; f < NFIELDS; f++)
		any |= seen[f];
	if (!rc && !create && !any)
		rc = bt_err_set(err, BT_EINVAL, "no field to change: send e.g. {\"status\": \"done\"}");
	if (rc) {
		bt_action_clear(&next);
		return rc;
	}
	if (!create)
		bt_action_clear(a);
	*a = next;
	if (changed)
		*changed = n;
	return 0;
}

static int in_txn(struct bt_db *db, struct bt_action *a, int create, struct bt_err *err)
{
	const struct bt__store_ops *ops = db->store->ops;
	int rc = ops->txn.begin(db->store, err);
	if (rc)
		return rc;
	rc = create ? ops->actions.insert(db->store, a, err) : ops->actions.update(db->store, a, err);
	if (!rc)
		rc = ops->txn.commit(db->store, err);
	if (rc)
		ops->txn.rollback(db->store);
	return rc;
}

int bt_action_add(struct bt_db *db, struct bt_action *a, const char *who, struct bt_err *err)
{
	bt__free(a->created_by);
	if (!(a->created_by = bt__strndup(who, strlen(who))))
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	a->created = a->updated = bt_time_now_ms();
	return in_txn(db, a, 1, err);
}

int bt_action_update(struct bt_db *db, struct bt_action *a, struct bt_err *err)
{
	a->updated = bt_time_now_ms();
	return in_txn(db, a, 0, err);
}

int bt_actions_list(struct bt_db *db, struct bt_action **out, size_t *n, struct bt_err *err)
{
	return db->store->ops->actions.list(db->store, out, n, err);
}

int bt_action_get(struct bt_db *db, int64_t id, struct bt_action *out, struct bt_err *err)
{
	struct bt_action *v = NULL;
	size_t n = 0;
	int rc = bt_actions_list(db, &v, &n, err);
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; !rc && i < n; i++)
		if (v[i].id == id) {
			*out = v[i];
			memset(&v[i], 0, sizeof(v[i]));
			bt_actions_free(v, n);
			return 0;
		}
	bt_actions_free(v, n);
	return rc ? rc : bt_err_set(err, BT_ENOTFOUND, "no action %lld", (long long)id);
}

static int dup_or_null(const char *s, char **to)
{
	*to = s ? bt__strndup(s, strlen(s)) : NULL;
	return s && !*to;
}

int bt_action_copy(const struct bt_action *from, struct bt_action *to)
{
	*to = *from;
	int bad = dup_or_null(from->title, &to->title) | dup_or_null(from->owner, &to->owner) |
		  dup_or_null(from->status, &to->status) | dup_or_null(from->journey, &to->journey) |
		  dup_or_null(from->kpi, &to->kpi) | dup_or_null(from->meeting, &to->meeting) |
		  dup_or_null(from->created_by, &to->created_by);
	if (bad) {
		bt_action_clear(to);
		return BT_ENOMEM;
	}
	return 0;
}

void bt_action_clear(struct bt_action *a)
{
	bt__free(a->title), bt__free(a->owner), bt__free(a->status), bt__free(a->journey);
	bt__free(a->kpi), bt__free(a->meeting), bt__free(a->created_by);
	memset(a, 0, sizeof(*a));
}

int bt_action_overdue(const struct bt_action *a, int64_t now)
{
	return strcmp(a->status, "done") && strcmp(a->status, "dropped") && a->due <= now;
}

static void str_or_null(struct bt_buf *b, const char *key, const char *v)
{
	bt_buf_printf(b, ",\"%s\":", key);
	if (v)
		bt_buf_json_strz(b, v);
	else
		bt_buf_adds(b, "null");
}

int bt_action_json(const struct bt_action *a, int64_t now, struct bt_buf *b)
{
	char t[32];
	bt_buf_printf(b, "{\"id\":%lld,\"title\":", (long long)a->id);
	bt_buf_json_strz(b, a->title);
	str_or_null(b, "owner", a->owner);
	bt_time_print(a->due * 1000, t);
	bt_buf_printf(b, ",\"due\":\"%s\"", t);
	str_or_null(b, "status", a->status);
	bt_buf_printf(b, ",\"overdue\":%s", bt_action_overdue(a, now) ? "true" : "false");
	str_or_null(b, "journey", a->journey);
	str_or_null(b, "kpi", a->kpi);
	str_or_null(b, "meeting", a->meeting);
	str_or_null(b, "created_by", a->created_by);
	bt_time_print(a->created, t);
	bt_buf_printf(b, ",\"created\":\"%s\"", t);
	bt_time_print(a->updated, t);
	bt_buf_printf(b, ",\"updated\":\"%s\"}", t);
	return bt_buf_status(b);
}
