/* SPDX-License-Identifier: Apache-2.0 */
/*
 * migrate.c - `baton migrate`: a whole database copied table by table
 * through the store interface (ops.copy), so that it goes from SQLite to
 * PostgreSQL or back.  The tables and their columns are listed here, by
 * their SQLite names (each backend maps its own spelling); a table added
 * by a later schema goes into this list too (tests/cli/migrate.sh checks
 * that every table is copied).
 */
#include "baton/migrate.h"

#include "store/store.h"
#include "util/alloc.h"

#include <string.h>

#define COLS(...) ((const char *const[]){__VA_ARGS__, NULL})

static const struct table {
	const char *name;
	const char *order; /* NULL: the order the rows were written */
	const char *const *cols;
} tables[] = {
    {"meta", "key", COLS("key", "value")},
    {"event_log", "first_seq", COLS("first_seq", "n", "live", "anchors", "keys", "data")},
    {"profiles", "id", COLS("id", "merged_into", "event", "erased", "ident")},
    {"identifiers", "id", COLS("id", "ident", "profile", "event")},
    {"merges", "seq",
     COLS("seq", "into_profile", "from_profile", "ident", "event", "reason", "at")},
    {"conflicts", "seq",
     COLS("seq", "event", "ident", "profile", "other_profile", "reason", "at", "resolution",
	  "resolved_at", "resolved_by")},
    {"apart", "seq", COLS("seq", "a", "b", "merge", "conflict", "by", "at")},
    {"refusals", "seq", COLS("seq", "event", "profile", "ident", "reason", "at")},
    {"dead_letters", "id",
     COLS("id", "at", "origin", "line", "format", "reason", "raw", "truncated", "hash")},
    {"suppressed", "hash", COLS("hash", "type")},
    {"tokens", "id", COLS("id", "hash", "role", "team", "person", "name", "created", "revoked")},
    {"ended_sessions", "id", COLS("id", "expires")},
    {"journey_rules", "journey, field", COLS("journey", "field", "value")},
    {"rule_changes", "id", COLS("id", "at", "who", "via", "journey", "field", "before", "after")},
    {"escalation_acts", "id", COLS("id", "escalation", "resolve", "who", "at")},
    {"announced", "key", COLS("key", "at")},
    {"followup_closes", "id", COLS("id", "followup", "note", "who", "at")},
    {"actions", "id",
     COLS("id", "title", "owner", "due", "status", "journey", "kpi", "meeting", "created_by",
	  "created", "updated")},
    {"initiatives", "id",
     COLS("id", "name", "journey", "kpi", "start", "cohort_field", "cohort_value", "min_sample",
	  "min_effect", "created_by", "created")},
    {"calendar", "id", COLS("id", "title", "team", "kind", "date", "who", "at")},
    {"calendar_journeys", NULL, COLS("change", "journey")},
    {"webhooks", "id", COLS("id", "url", "events", "secret", "created")},
    {"webhook_deliveries", "id",
     COLS("id", "webhook", "uid", "event", "body", "created", "state", "attempts", "next_at",
	  "claim")},
    {"webhook_attempts", "id", COLS("id", "delivery", "at", "status", "error", "ms", "next_at")},
};
#define NTABLES (sizeof(tables) / sizeof(tables[0]))

static size_t ncols_of(const struct table *t)
{
	size_t n = 0;
	while (t->cols[n])
		n++;
	return n;
}

/* the meta keys that an empty database may already hold: the key's check
 * (written by the first opener that may write) */
static int meta_of_empty(const struct bt__cell *v)
{
	static const char check[] = "suppress_key_check";
	return v[0].type == BT_CELL_TEXT && v[0].n == sizeof(check) - 1 &&
	       !memcmp(v[0].p, check, v[0].n);
}

#define FOUND 1 /* a row where none should be */

static int any_row(void *ctx, const struct bt__cell *v)
{
	const struct table *t = ctx;
	return !strcmp(t->name, "meta") && meta_of_empty(v) ? 0 : FOUND;
}

struct copy {
	struct bt__store *to;
	const struct table *t;
	size_t ncols;
	int64_t rows;
	struct bt_err *err;
};

static int put_row(void *ctx, const struct bt__cell *v)
{
	struct copy *c = ctx;
	c->rows++;
	return c->to->ops->copy.put(c->to, c->t->name, c->t->cols, c->ncols, v, c->err);
}

/* The key's check in s (n = 0: none). */
static int key_check(struct bt__store *s, char **val, size_t *n, struct bt_err *err)
{
	*val = NULL, *n = 0;
	int rc = s->ops->config.get(s, "suppress_key_check", val, n, err);
	if (rc == BT_ENOTFOUND) {
		bt_err_clear(err);
		*val = NULL, *n = 0;
		return 0;
	}
	return rc;
}

static int same_key(struct bt__store *from, struct bt__store *to, struct bt_err *err)
{
	char *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;
	int rc = key_check(from, &a, &na, err);
	if (!rc)
		rc = key_check(to, &b, &nb, err);
	if (!rc && na && nb && (na != nb || memcmp(a, b, na)))
		rc = bt_err_set(
		    err, BT_EUSAGE,
		    "the target's key is not the source's: erased identifiers are kept "
		    "as hashes keyed with it and webhook secrets are sealed with it: give "
		    "the target the same key (BATON_SECRET_KEY, the secret the source "
		    "was written with; from a SQLite file with a key file, "
		    "BATON_SECRET_KEY_FILE=PATH.key for PostgreSQL, or a copy of "
		    "PATH.key beside a SQLite target)");
	bt__free(a), bt__free(b);
	return rc;
}

int bt_migrate(const char *from, const char *to, bt_migrate_progress progress, void *ctx,
	       int64_t *rows, struct bt_err *err)
{
	struct bt__store *src = NULL, *dst = NULL;
	int changed = 0, reading = 0, writing = 0, rc;
	int64_t total = 0;
	if (rows)
		*rows = 0;
	if (!strcmp(from, to))
		return bt_err_set(err, BT_EUSAGE, "--from and --to name the same database");
	if ((rc = bt__store_open(&src, from, 1, err)) || (rc = bt__store_open(&dst, to, 0, err)))
		goto out;
	if ((rc = src->ops->txn.read_begin(src, &changed, err)))
		goto out;
	reading = 1;
	if ((rc = dst->ops->txn.begin(dst, err)))
		goto out;
	writing = 1;
	/* never merged into data already there */
	for (size_t i = 0; i < NTABLES; i++) {
		const struct table *t = &tables[i];
		rc = dst->ops->copy.rows(dst, t->name, t->cols, ncols_of(t), t->order, any_row,
					 (void *)t, err);
		if (rc == FOUND) {
			rc =
			    bt_err_set(err, BT_EUSAGE,
				       "the target database is not empty (table %s has rows): give "
				       "a new, empty database; nothing is merged into data already "
				       "there",
				       t->name);
			goto out;
		}
		if (rc)
			goto out;
	}
	if ((rc = same_key(src, dst, err)))
		goto out;
	for (size_t i = 0; i < NTABLES; i++) {
		struct copy c = {dst, &tables[i], ncols_of(&tables[i]), 0, err};
		if ((rc = src->ops->copy.rows(src, c.t->name, c.t->cols, c.ncols, c.t->order,
					      put_row, &c, err)))
			goto out;
		total += c.rows;
		if (progress)
			progress(ctx, c.t->name, c.rows);
	}
	if ((rc = dst->ops->copy.done(dst, err)) || (rc = dst->ops->txn.commit(dst, err)))
		goto out;
	writing = 0;
	if (rows)
		*rows = total;
out:
	if (writing)
		dst->ops->txn.rollback(dst);
	if (reading)
		src->ops->txn.rollback(src);
	if (dst)
		dst->ops->close(dst);
	if (src)
		src->ops->close(src);
	return rc;
}
