/* SPDX-License-Identifier: Apache-2.0 */
/*
 * calendar.c - the change calendar's record (docs/changes.md): read from a
 * request body against the configuration, written as JSON, and the
 * change.upcoming moments of the webhooks.
 */
#include "baton/calendar.h"

#include "baton/json.h"
#include "baton/util.h"
#include "util/alloc.h"
#include "util/time.h"

#include <stdio.h>
#include <string.h>

const char *const bt_change_kinds[BT_CHANGE_NKINDS] = {"campaign", "release", "price", "policy",
							 "system"};

void bt_calchange_release(struct bt_calchange *c)
{
	bt__free(c->title), bt__free(c->team), bt__free(c->kind), bt__free(c->who);
	for (size_t i = 0; i < c->njourneys; i++)
		bt__free(c->journeys[i]);
	bt__free(c->journeys);
	memset(c, 0, sizeof(*c));
}

void bt_calchanges_free(struct bt_calchange *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		bt_calchange_release(&v[i]);
	bt__free(v);
}

int bt_calchange_touches(const struct bt_calchange *c, const char *journey)
{
	for (size_t i = 0; i < c->njourneys; i++)
		if (!strcmp(c->journeys[i], journey))
			return 1;
	return 0;
}

static int text_member(const struct bt_json_doc *d, const char *key, size_t max, char **out,
		       struct bt_err *err)
{
	uint32_t k = bt_json_get(d, 0, key);
	const struct bt_json_node *v = &d->nodes[k];
	if (!k)
		return bt_err_set(err, BT_EINVAL, "%s is missing", key);
	if (v->type != BT_JSON_STRING || !v->len || v->len > max || memchr(v->s, '\0', v->len))
		return bt_err_set(err, BT_EINVAL, "%s must be a text of 1 to %zu bytes", key, max);
	if (!(*out = bt__strndup(v->s, v->len)))
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	return 0;
}

static int read_fields(const struct bt_config *cfg, const struct bt_json_doc *d,
		       struct bt_calchange *c, struct bt_err *err)
{
	static const char *const fields[] = {"title", "team", "kind", "date", "journeys"};
	const struct bt_json_node *n = d->nodes;
	char *date = NULL;
	int rc;
	if (n[0].type != BT_JSON_OBJECT)
		return bt_err_set(err, BT_EINVAL, "send a JSON object {\"title\", \"team\", \"kind\", "
						  "\"date\", \"journeys\"}");
	for (uint32_t k = 1; k < n[0].end; k = n[k + 1].end) {
		int known = 0;
		for (size_t i = 0; i < 5; i++)
			known |= !strcmp(n[k].s, fields[i]);
		if (known)
			continue;
		const char *near = bt_suggest(n[k].s, n[k].len, fields, 5);
		return bt_err_set(err, BT_EINVAL, "unknown field '%.60s'%s%s%s", n[k].s,
				  near ? " (did you mean '" : " (the fields: title, team, kind, date, journeys",
				  near ? near : "", near ? "'?)" : ")");
	}
	if ((rc = text_member(d, "title", 200, &c->title, err)) ||
	    (rc = text_member(d, "team", 120, &c->team, err)) ||
	    (rc = text_member(d, "kind", 40, &c->kind, err)) ||
	    (rc = text_member(d, "date", 40, &date, err)))
		return rc;
	int found = 0;
	for (size_t i = 0; cfg && i < cfg->nteams; i++)
		found |= !strcmp(cfg->teams[i].id, c->team);
	if (!found) {
		const char *ids[64];
		size_t m = 0;
		for (size_t i = 0; cfg && i < cfg->nteams && m < 64; i++)
			ids[m++] = cfg->teams[i].id;
		const char *near = bt_suggest(c->team, strlen(c->team), ids, m);
		rc = bt_err_set(err, BT_EINVAL, "team: '%.60s' is not a team of the configuration%s%s%s",
				c->team, near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
		goto out;
	}
	found = 0;
	for (size_t i = 0; i < BT_CHANGE_NKINDS; i++)
		found |= !strcmp(bt_change_kinds[i], c->kind);
	if (!found) {
		const char *near = bt_suggest(c->kind, strlen(c->kind), bt_change_kinds, BT_CHANGE_NKINDS);
		rc = bt_err_set(err, BT_EINVAL, "kind: '%.40s' is not a kind of change%s%s%s", c->kind,
				near ? " (did you mean '" : " (campaign, release, price, policy or system",
				near ? near : "", near ? "'?)" : ")");
		goto out;
	}
	if (bt_time_parse(date, strlen(date), &c->date)) {
		rc = bt_err_set(err, BT_EINVAL, "date: '%.40s' is not a time (RFC 3339, or a date like "
						"2026-03-01)", date);
		goto out;
	}
	uint32_t j = bt_json_get(d, 0, "journeys");
	if (!j || n[j].type != BT_JSON_ARRAY || !n[j].len || n[j].len > 100) {
		rc = bt_err_set(err, BT_EINVAL, "journeys must be a list of 1 to 100 journey ids");
		goto out;
	}
	if (!(c->journeys = bt__calloc(n[j].len, sizeof(*c->journeys)))) {
		rc = bt_err_set(err, BT_ENOMEM, "out of memory");
		goto out;
	}
	for (uint32_t k = j + 1; k < n[j].end; k = n[k].end) {
		if (n[k].type != BT_JSON_STRING || memchr(n[k].s, '\0', n[k].len)) {
			rc = bt_err_set(err, BT_EINVAL, "journeys must be a list of journey ids");
			goto out;
		}
		if (!bt_config_journey(cfg, n[k].s)) {
			const char *ids[256];
			size_t m = 0;
			for (size_t i = 0; cfg && i < cfg->njourneys && m < 256; i++)
				ids[m++] = cfg->journeys[i].id;
			const char *near = bt_suggest(n[k].s, n[k].len, ids, m);
			rc = bt_err_set(err, BT_EINVAL, "journeys: '%.60s' is not a journey of the "
							"configuration%s%s%s", n[k].s,
					near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
			goto out;
		}
		if (bt_calchange_touches(c, n[k].s))
			continue; /* named twice: once */
		if (!(c->journeys[c->njourneys] = bt__strndup(n[k].s, n[k].len))) {
			rc = bt_err_set(err, BT_ENOMEM, "out of memory");
			goto out;
		}
		c->njourneys++;
	}
out:
	bt__free(date);
	return rc;
}

int bt_calchange_parse(const struct bt_config *cfg, const char *json, size_t len,
		       struct bt_calchange *out, struct bt_err *err)
{
	struct bt_json_doc d;
	memset(out, 0, sizeof(*out));
	bt_json_doc_init(&d);
	d.max_nodes = 1024;
	int rc = bt_json_parse(&d, json, len, 8, err);
	if (rc == BT_ELIMIT)
		rc = bt_err_set(err, BT_EINVAL, "the change is too large");
	if (!rc)
		rc = read_fields(cfg, &d, out, err);
	bt_json_doc_release(&d);
	if (rc)
		bt_calchange_release(out);
	return rc;
}

int bt_calchange_json(const struct bt_calchange *c, struct bt_buf *b)
{
	char date[32], at[32];
	bt_time_format(c->date, date);
	bt_time_format(c->at, at);
	bt_buf_adds(b, "{\"kind\":");
	bt_buf_json_strz(b, c->kind);
	bt_buf_printf(b, ",\"id\":%lld,\"at\":\"%s\",\"title\":", (long long)c->id, date);
	bt_buf_json_strz(b, c->title);
	bt_buf_adds(b, ",\"team\":");
	bt_buf_json_strz(b, c->team);
	bt_buf_printf(b, ",\"date\":\"%s\",\"journeys\":[", date);
	for (size_t i = 0; i < c->njourneys; i++) {
		if (i)
			bt_buf_addc(b, ',');
		bt_buf_json_strz(b, c->journeys[i]);
	}
	bt_buf_adds(b, "],\"who\":");
	bt_buf_json_strz(b, c->who);
	bt_buf_printf(b, ",\"registered\":\"%s\"}", at);
	return bt_buf_status(b);
}

int bt_calchange_moments(const struct bt_calchange *v, size_t n, int64_t notice, int64_t now,
			 bt_change_moment_fn fn, void *ctx)
{
	struct bt_buf b = BT_BUF_INIT;
	char key[64];
	int rc = 0;
	for (size_t i = 0; !rc && i < n; i++) {
		int64_t at = v[i].date - notice;
		if (now < at || now >= v[i].date)
			continue;
		snprintf(key, sizeof(key), "change:%lld:upcoming", (long long)v[i].id);
		bt_buf_reset(&b);
		rc = bt_calchange_json(&v[i], &b);
		if (!rc)
			rc = fn(ctx, key, "change.upcoming", at, b.data, b.len);
	}
	bt_buf_release(&b);
	return rc;
}
