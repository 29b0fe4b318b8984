/* SPDX-License-Identifier: Apache-2.0 */
/*
 * db_config.c - the configuration a database remembers: its YAML text is
 * kept in the store's settings (written only by `baton config load`) and
 * read back through the configuration reader, which only parses; then the
 * journey rules changed since (an owner's decisions: bt_journey_patch) are
 * applied over it.  Every change of a rule, by either way, goes into the
 * audit trail; a load that would undo a decision is refused unless forced.
 */
#include "db.h"

#include "baton/config.h"
#include "baton/json.h"
#include "baton/util.h"
#include "util/alloc.h"
#include "util/time.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

int bt_db_config_set(struct bt_db *db, const struct bt_config *cfg, struct bt_err *err)
{
	return bt_db_config_load(db, cfg, NULL, 0, NULL, err);
}

/* ---- decision rights: the rules an owner changes, and their audit ---- */

static int now_wall(int64_t *ms)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	*ms = (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
	return 0;
}

/* The stored configuration as loaded, without the rules changed since. */
static int base_config(struct bt_db *db, struct bt_config **out, struct bt_err *err)
{
	char *text = NULL, *name = NULL;
	size_t n = 0;
	int rc = db->store->ops->config.get(db->store, "config", &text, &n, err);
	if (rc == BT_ENOTFOUND)
		return bt_config_empty(out);
	if (rc)
		return rc;
	rc = db->store->ops->config.get(db->store, "config_name", &name, NULL, err);
	if (rc == 0 || rc == BT_ENOTFOUND)
		rc = bt_config_parse(name ? name : "stored config", text, n, out, NULL, NULL, err);
	bt__free(text);
	bt__free(name);
	return rc;
}

/* A rule changed since the load, applied to the configuration.  One that
 * no longer applies (its stage is gone) is passed over. */
static int apply_rule(void *ctx, const char *journey, const char *field, const char *value)
{
	struct bt_err ignored = {0, ""};
	int rc = bt_config_rule_set(ctx, journey, field, value, &ignored);
	return rc == BT_ENOMEM ? rc : 0;
}

int bt_db_config_get(struct bt_db *db, struct bt_config **out, struct bt_err *err)
{
	int rc = base_config(db, out, err);
	if (!rc && (rc = db->store->ops->rules.list(db->store, apply_rule, *out, err))) {
		bt_config_free(*out);
		*out = NULL;
	}
	return rc;
}

static int same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* One change: audit it, and keep the value unless it is the file's again. */
static int record(struct bt_db *db, const struct bt_config *base, const char *journey,
		  const char *field, const char *before, const char *after, const char *who,
		  const char *via, int keep, struct bt_err *err)
{
	const struct bt__store_ops *ops = db->store->ops;
	char *file = NULL;
	struct bt_change c = {0, 0, (char *)who, (char *)via, (char *)journey, (char *)field,
			      (char *)before, (char *)after};
	now_wall(&c.at);
	int rc = ops->rules.audit(db->store, &c, err);
	if (!rc && keep) {
		rc = bt_config_rule_get(base, journey, field, &file);
		if (rc == BT_ENOTFOUND) /* not in the file's journey: kept */
			rc = 0;
		if (!rc)
			rc = ops->rules.set(db->store, journey, field, same(file, after) ? NULL : after, err);
	}
	bt__free(file);
	return rc == BT_ENOMEM ? bt_err_set(err, rc, "out of memory") : rc;
}

/* The rule fields of a PATCH body: each (field, value) as the
 * configuration writes it, into fields[]/values[] (the texts in buf). */
#define PATCH_MAX 300
struct patch {
	char field[PATCH_MAX][160];
	char *value[PATCH_MAX]; /* NULL: none (a stage's SLA removed) */
	size_t n;
};

static int patch_add_n(struct patch *p, const char *field, const char *value, size_t len,
		       struct bt_err *err)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->field[i], field))
			return bt_err_set(err, BT_EINVAL, "%.80s is given twice", field);
	if (p->n == PATCH_MAX)
		return bt_err_set(err, BT_ELIMIT, "more than %d rules in one change", PATCH_MAX);
	snprintf(p->field[p->n], sizeof(p->field[0]), "%s", field);
	p->value[p->n] = NULL;
	if (value && !(p->value[p->n] = bt__strndup(value, len)))
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	p->n++;
	return 0;
}

static int patch_add(struct patch *p, const char *field, const char *value, struct bt_err *err)
{
	return patch_add_n(p, field, value, value ? strlen(value) : 0, err);
}

static void patch_free(struct patch *p)
{
	for (size_t i = 0; p && i < p->n; i++)
		bt__free(p->value[i]);
	bt__free(p);
}

/* The text of the array that starts at src[off]: up to its matching ']'
 * (strings and their escapes skipped); its length, 0 when unmatched. */
static size_t array_text(const char *src, size_t len, size_t off)
{
	int depth = 0, in_str = 0;
	for (size_t i = off; i < len; i++) {
		char ch = src[i];
		if (in_str) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				in_str = 0;
		} else if (ch == '"') {
			in_str = 1;
		} else if (ch == '[' || ch == '{') {
			depth++;
		} else if ((ch == ']' || ch == '}') && --depth == 0) {
			return i + 1 - off;
		}
	}
	return 0;
}

/* A duration member as its canonical text. */
static int patch_duration(const struct bt_json_node *v, const char *field, char out[40],
			  struct bt_err *err)
{
	int64_t ms;
	if (v->type != BT_JSON_STRING || bt_time_parse_duration(v->s, v->len, &ms) || ms <= 0)
		return bt_err_set(err, BT_EINVAL, "%.80s must be a duration like 24h, 7d or 90m", field);
	bt_duration_format(ms, out);
	return 0;
}

static int patch_read(const struct bt_json_doc *d, const char *src, size_t len, struct patch *p,
		      struct bt_err *err)
{
	static const char *const rules[] = {"handoff_sla", "recontact_window", "abandon_after",
					    "sensitive", "stages", "escalations", "followup_sla",
					    "followup_triggers", NULL};
	static const char *const fixed[] = {"id", "name", "owner", "match", "opens_on", NULL};
	const struct bt_json_node *n = d->nodes;
	char text[40], field[160];
	int rc = 0;
	if (n[0].type != BT_JSON_OBJECT)
		return bt_err_set(err, BT_EINVAL, "send a JSON object of the rules to change");
	for (uint32_t k = 1; !rc && k < n[0].end; k = n[k + 1].end) {
		const char *key = n[k].s;
		const struct bt_json_node *v = &n[k + 1];
		int known = 0;
		for (size_t i = 0; rules[i]; i++)
			known |= !strcmp(key, rules[i]);
		if (!known) {
			for (size_t i = 0; fixed[i]; i++)
				if (!strcmp(key, fixed[i]))
					return bt_err_set(err, BT_EINVAL,
							  "'%s' is not a rule an owner changes: it is the "
							  "configuration's (baton config load)", key);
			const char *near = bt_suggest(key, strlen(key), rules, 8);
			if (near)
				return bt_err_set(err, BT_EINVAL, "unknown field '%.60s' (did you mean '%s'?)",
						  key, near);
			return bt_err_set(err, BT_EINVAL, "unknown field '%.60s' (the rules: handoff_sla, "
							  "recontact_window, abandon_after, sensitive, stages, escalations, "
							  "followup_sla, followup_triggers)", key);
		}
		if (!strcmp(key, "escalations")) {
			size_t at = v->type == BT_JSON_ARRAY ? array_text(src, len, v->off) : 0;
			if (!at)
				return bt_err_set(err, BT_EINVAL, "escalations must be a list of {on, after, to, then}");
			rc = patch_add_n(p, key, src + v->off, at, err);
		} else if (!strcmp(key, "followup_triggers")) {
			size_t at = v->type == BT_JSON_OBJECT ? array_text(src, len, v->off) : 0;
			if (!at)
				return bt_err_set(err, BT_EINVAL, "followup_triggers must be an object of "
								  "csat_max, nps_max, ces_min, words");
			rc = patch_add_n(p, key, src + v->off, at, err);
		} else if (!strcmp(key, "sensitive")) {
			if (v->type != BT_JSON_TRUE && v->type != BT_JSON_FALSE)
				return bt_err_set(err, BT_EINVAL, "sensitive must be true or false");
			rc = patch_add(p, key, v->type == BT_JSON_TRUE ? "true" : "false", err);
		} else if (strcmp(key, "stages")) {
			rc = patch_duration(v, key, text, err) || patch_add(p, key, text, err);
			rc = rc ? err->code : 0;
		} else if (v->type != BT_JSON_ARRAY) {
			return bt_err_set(err, BT_EINVAL, "stages must be a list of {\"id\", \"sla\"}");
		} else {
			for (uint32_t s = k + 2; !rc && s < v->end; s = n[s].end) {
				uint32_t id = bt_json_get(d, s, "id"), sla = bt_json_get(d, s, "sla");
				if (n[s].type != BT_JSON_OBJECT || !id || n[id].type != BT_JSON_STRING ||
				    !sla || n[s].len != 2 || n[id].len > 120)
					return bt_err_set(err, BT_EINVAL, "each of stages must be "
									  "{\"id\": STAGE, \"sla\": DURATION or null}");
				snprintf(field, sizeof(field), "stages.%s.sla", n[id].s);
				if (n[sla].type == BT_JSON_NULL)
					rc = patch_add(p, field, NULL, err);
				else
					rc = patch_duration(&n[sla], "a stage's sla", text, err) ||
							     patch_add(p, field, text, err)
						     ? err->code
						     : 0;
			}
		}
	}
	if (!rc && !p->n)
		return bt_err_set(err, BT_EINVAL, "no rule to change: send e.g. {\"handoff_sla\": \"12h\"}");
	return rc;
}

int bt_journey_patch(struct bt_db *db, const char *journey, const char *json, size_t len,
		     const char *who, const char *via, size_t *changed, struct bt_err *err)
{
	const struct bt__store_ops *ops = db->store->ops;
	struct bt_config *base = NULL, *eff = NULL;
	struct bt_json_doc d;
	struct patch *p = bt__calloc(1, sizeof(*p));
	int rc;
	*changed = 0;
	bt_json_doc_init(&d);
	d.max_nodes = 4096;
	if (!p)
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	if ((rc = bt_json_parse(&d, json, len, 8, err)) || (rc = patch_read(&d, json, len, p, err)))
		goto out;
	if ((rc = ops->txn.begin(db->store, err)))
		goto out;
	if ((rc = base_config(db, &base, err)) || (rc = bt_db_config_get(db, &eff, err)))
		goto fail;
	if (!bt_config_journey(eff, journey)) {
		rc = bt_err_set(err, BT_ENOTFOUND, "no journey '%s' in the configuration", journey);
		goto fail;
	}
	for (size_t i = 0; i < p->n && !rc; i++) {
		char *before = NULL, *after = NULL;
		if ((rc = bt_config_rule_get(eff, journey, p->field[i], &before)) == BT_ENOTFOUND) {
			bt_config_rule_set(eff, journey, p->field[i], p->value[i], err); /* names why */
			rc = BT_EINVAL;
		} else if (!rc && !(rc = bt_config_rule_set(eff, journey, p->field[i], p->value[i], err)) &&
			   !(rc = bt_config_rule_get(eff, journey, p->field[i], &after)) &&
			   !same(before, after)) { /* the value as the configuration writes it */
			rc = record(db, base, journey, p->field[i], before, after, who, via, 1, err);
			++*changed;
		}
		bt__free(before), bt__free(after);
	}
	if (!rc && *changed)
		rc = bt__db_bump_epoch(db, err);
	if (!rc)
		rc = ops->txn.commit(db->store, err);
fail:
	if (rc)
		ops->txn.rollback(db->store);
out:
	bt_config_free(base);
	bt_config_free(eff);
	bt_json_doc_release(&d);
	patch_free(p);
	if (rc == BT_EINVAL || rc == BT_ELIMIT)
		rc = BT_EINVAL;
	return rc;
}

struct rows {
	char **v; /* journey, field, value, three a row */
	size_t n, cap;
};

static int keep_row(void *ctx, const char *journey, const char *field, const char *value)
{
	struct rows *r = ctx;
	if (r->n + 3 > r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 48;
		char **v = bt__reallocarray(r->v, cap, sizeof(*v));
		if (!v)
			return BT_ENOMEM;
		r->v = v, r->cap = cap;
	}
	const char *t[3] = {journey, field, value};
	for (int k = 0; k < 3; k++)
		if (!(r->v[r->n++] = bt__strndup(t[k], strlen(t[k]))))
			return BT_ENOMEM;
	return 0;
}

static void rows_free(struct rows *r)
{
	for (size_t i = 0; i < r->n; i++)
		bt__free(r->v[i]);
	bt__free(r->v);
}

/* Audit every rule that differs between old and new, of the journeys in
 * both. */
static int audit_load(struct bt_db *db, const struct bt_config *old, const struct bt_config *cfg,
		      const char *who, const char *via, struct bt_err *err)
{
	int rc = 0;
	for (size_t j = 0; j < cfg->njourneys && !rc; j++) {
		const char *id = cfg->journeys[j].id;
		char field[160];
		if (!bt_config_journey(old, id))
			continue;
		for (size_t i = 0; !rc && bt_config_rule_field(cfg, id, i, field) == 0; i++) {
			char *was = NULL, *now = NULL;
			int r1 = bt_config_rule_get(old, id, field, &was);
			rc = bt_config_rule_get(cfg, id, field, &now);
			if (r1 == BT_ENOMEM)
				rc = r1;
			if (!rc && r1 == 0 && !same(was, now))
				rc = record(db, cfg, id, field, was, now, who, via, 0, err);
			bt__free(was), bt__free(now);
		}
	}
	return rc;
}

int bt_db_config_load(struct bt_db *db, const struct bt_config *cfg, const char *who, int force,
		      struct bt_buf *conflicts, struct bt_err *err)
{
	const struct bt__store_ops *ops = db->store->ops;
	struct bt_config *old = NULL;
	struct rows r = {NULL, 0, 0};
	size_t nconflicts = 0;
	const char *src = cfg->source ? cfg->source : "";
	const char *name = cfg->name ? cfg->name : "";
	int rc = ops->txn.begin(db->store, err);
	if (rc)
		return rc;
	if ((rc = bt_db_config_get(db, &old, err)) || (rc = ops->rules.list(db->store, keep_row, &r, err)))
		goto out;
	/* a rule changed since the last load that the file sets otherwise: a
	 * decision the file would undo without anyone knowing */
	for (size_t i = 0; i + 2 < r.n && !rc; i += 3) {
		char *file = NULL;
		int got = bt_config_rule_get(cfg, r.v[i], r.v[i + 1], &file);
		if (got == BT_ENOMEM)
			rc = got;
		else if (got == 0 && !same(file, r.v[i + 2])) {
			nconflicts++;
			if (conflicts)
				bt_buf_printf(conflicts, "journey %s: %s is %s in force (changed since the "
							 "last load), the file says %s\n",
					      r.v[i], r.v[i + 1], r.v[i + 2], file ? file : "none");
		}
		bt__free(file);
	}
	if (!rc && nconflicts && !force) {
		rc = bt_err_set(err, BT_ECONFLICT,
				"%zu rule%s changed since the last load would be undone by this file; "
				"load it with --force to take the file's",
				nconflicts, nconflicts == 1 ? "" : "s");
		goto out;
	}
	for (size_t i = 0; i + 2 < r.n && !rc; i += 3)
		rc = ops->rules.set(db->store, r.v[i], r.v[i + 1], NULL, err);
	if (!rc && !(rc = ops->config.set(db->store, "config", src, strlen(src), err)) &&
	    !(rc = ops->config.set(db->store, "config_name", name, strlen(name), err)) &&
	    !(rc = audit_load(db, old, cfg, who ? who : "baton",
			      nconflicts ? "config load --force" : "config load", err)) &&
	    !(rc = bt__db_bump_epoch(db, err)))
		rc = ops->txn.commit(db->store, err);
out:
	if (rc)
		ops->txn.rollback(db->store);
	db->loaded = 0; /* identity rules may have changed */
	bt_config_free(old);
	rows_free(&r);
	return rc == BT_ENOMEM ? bt_err_set(err, rc, "out of memory") : rc;
}

int bt_changes_list(struct bt_db *db, const char *journey, int64_t before, size_t limit,
		    struct bt_change **out, size_t *n, int64_t *total, struct bt_err *err)
{
	return db->store->ops->rules.changes(db->store, journey, before, limit, out, n, total, err);
}
