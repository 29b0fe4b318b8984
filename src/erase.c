/* SPDX-License-Identifier: Apache-2.0 */
/*
 * erase.c - erasure of a person (docs/identity.md, Erasure).
 *
 * Erasing the profile of an identifier removes, in one transaction:
 *  - every event of the profile (raw JSON included);
 *  - the text of every identifier linked to it (ids stay, so the append-only
 *    merge ledger, which holds only ids, stays whole);
 *  - its identity conflicts;
 *  - the person's identifiers from the raw JSON of other people's events
 *    that carried them (a link that the guard rails refused leaves such
 *    events behind; the conflict ledger says which);
 *  - dead letters that mention any form in which their identifiers arrived.
 * The identifiers' keyed hashes go on the suppression list so that they do
 * not bring the person back, and the WAL is checkpointed and truncated so the
 * old page images are gone from the files too.
 *
 * Limits, stated plainly: an identifier value written into free text
 * (`props`, a comment) of somebody else's event is not searched for.
 */
#include "baton/baton.h"
#include "db.h"
#include "scrub.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/json.h"

#include <string.h>
#include <strings.h>

struct person {
	struct bt_db *db;
	int64_t root;
	uint32_t *idents; /* identifier ids */
	char **texts;     /* their "type:value" */
	size_t n, cap;
	struct bt_buf forms; /* every raw value seen, NUL-separated */
	struct bt_json_doc doc;
	struct bt_buf out;
	size_t scrubbed;
	struct bt_err *err;
};

static int person_add(void *ctx, uint32_t ident, const char *text)
{
	struct person *p = ctx;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		uint32_t *i = bt__reallocarray(p->idents, cap, sizeof(*i));
		if (!i)
			return BT_ENOMEM;
		p->idents = i;
		char **t = bt__reallocarray(p->texts, cap, sizeof(*t));
		if (!t)
			return BT_ENOMEM;
		p->texts = t;
		p->cap = cap;
	}
	if (!(p->texts[p->n] = bt__strndup(text, strlen(text))))
		return BT_ENOMEM;
	p->idents[p->n++] = ident;
	return 0;
}

static int is_theirs(void *ctx, const char *norm, size_t n)
{
	struct person *p = ctx;
	for (size_t i = 0; i < p->n; i++)
		if (strlen(p->texts[i]) == n && memcmp(p->texts[i], norm, n) == 0)
			return 1;
	return 0;
}

static int owns_anchor(const struct person *p, uint32_t anchor)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->idents[i] == anchor)
			return 1;
	return 0;
}

/* Remember the raw forms of the person's identifiers found in doc. */
static int note_forms(struct person *p)
{
	const struct bt_json_node *n = p->doc.nodes;
	struct bt_buf norm = BT_BUF_INIT;
	uint32_t ids = bt_json_get(&p->doc, 0, "ids");
	int rc = 0;
	for (uint32_t t = ids + 1; ids && !rc && t < n[ids].end; t = n[t + 1].end) {
		uint32_t v = t + 1, a = n[v].type == BT_JSON_ARRAY ? v + 1 : v;
		for (uint32_t x = a; !rc && x < n[v].end; x = n[x].end) {
			if (n[x].type != BT_JSON_STRING)
				continue;
			int r = bt__ident_normalise(&p->db->id.rules, n[t].s, n[t].len, n[x].s,
						    n[x].len, &norm);
			if (r > 0 && is_theirs(p, norm.data, norm.len))
				rc = bt_buf_add(&p->forms, n[x].s, n[x].len + 1);
			else if (r < 0)
				rc = r;
		}
	}
	bt_buf_release(&norm);
	return rc;
}

static int own_event(void *ctx, int64_t seq, uint32_t anchor, const char *raw, size_t len)
{
	struct person *p = ctx;
	(void)seq;
	(void)anchor;
	if (bt_json_parse(&p->doc, raw, len, 0, NULL))
		return 0; /* stored events are valid JSON; nothing to learn otherwise */
	return note_forms(p);
}

static int other_event(void *ctx, int64_t seq, uint32_t anchor, const char *raw, size_t len)
{
	struct person *p = ctx;
	int rc;
	if (owns_anchor(p, anchor) || bt_json_parse(&p->doc, raw, len, 0, NULL))
		return 0;
	if ((rc = note_forms(p)))
		return rc;
	bt_buf_reset(&p->out);
	if ((rc = bt__raw_without_ids(&p->db->id, &p->doc, 0, is_theirs, p, &p->out)))
		return rc;
	p->scrubbed++;
	return p->db->store->ops->events.set_raw(p->db->store, seq, p->out.data, p->out.len, p->err);
}

static int is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Case-insensitive search of needle in hay[0..n) as a whole word, so that the
 * customer id C-1 does not condemn a record about C-17. */
static int contains(const char *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	if (m == 0 || m > n)
		return 0;
	for (size_t i = 0; i + m <= n; i++)
		if (strncasecmp(hay + i, needle, m) == 0 && (i == 0 || !is_alnum(hay[i - 1])) &&
		    (i + m == n || !is_alnum(hay[i + m])))
			return 1;
	return 0;
}

static int mentions(struct person *p, const struct bt_dead_letter *d)
{
	for (size_t off = 0; off < p->forms.len; off += strlen(p->forms.data + off) + 1)
		if (contains(d->raw, d->raw_len, p->forms.data + off))
			return 1;
	for (size_t i = 0; i < p->n; i++) {
		const char *value = strchr(p->texts[i], ':');
		if (value && contains(d->raw, d->raw_len, value + 1))
			return 1;
	}
	/* a JSON record can be read: compare its normalised identifiers */
	if (bt_json_parse(&p->doc, d->raw, d->raw_len, 0, NULL) == 0 &&
	    p->doc.nodes[0].type == BT_JSON_OBJECT) {
		size_t before = p->forms.len;
		note_forms(p);
		if (p->forms.len != before)
			return 1;
	}
	return 0;
}

static int erase_dead_letters(struct person *p, size_t *count, struct bt_err *err)
{
	struct bt_dead_letter *d = NULL;
	size_t n = 0;
	int rc = p->db->store->ops->dead.list(p->db->store, 0, 0, 0, &d, &n, NULL, err);
	for (size_t i = 0; !rc && i < n; i++)
		if (mentions(p, &d[i])) {
			rc = p->db->store->ops->dead.remove(p->db->store, d[i].id, err);
			(*count)++;
		}
	bt_dead_letters_free(d, n);
	return rc;
}

/* Is ident ("type:value") an identifier erased before (on the suppression
 * list, and on no profile)? */
static int erased_before(struct bt_db *db, const char *ident)
{
	struct bt_buf norm = BT_BUF_INIT;
	int64_t p = 0;
	int yes = bt__ident_parse(&db->id.rules, ident, &p, &norm, NULL) == 0 && !p &&
		  bt__identity_is_suppressed(&db->id, norm.data, norm.len);
	bt_buf_release(&norm);
	return yes;
}

/* The files' scrub, saying what is done when a reader keeps it from being. */
static int scrub(struct bt_db *db, struct bt_err *err)
{
	return bt__db_scrub(db, "the person is erased from the database",
			    "stop the readers and run 'baton erase' again to scrub it", err);
}

int bt_erase(struct bt_db *db, const char *ident, struct bt_erase_stats *st, struct bt_err *err)
{
	const struct bt__store_ops *ops = db->store->ops;
	struct person p = {.db = db, .err = err};
	int64_t events = 0;
	int rc;
	memset(st, 0, sizeof(*st));
	bt_json_doc_init(&p.doc);
	if (db->readonly)
		return bt_err_set(err, BT_EUSAGE, "the database is open read-only");
	if ((rc = ops->txn.begin(db->store, err)))
		goto done;
	if ((rc = bt__db_load(db, err)))
		goto done;
	if (erased_before(db, ident)) { /* again: make sure no old page is left */
		ops->txn.rollback(db->store);
		st->already = 1;
		rc = scrub(db, err);
		db->loaded = 0;
		goto free;
	}
	if ((rc = bt__db_resolve(db, ident, &p.root, err)) ||
	    (rc = ops->identity.profile_idents(db->store, p.root, person_add, &p, err)) ||
	    (rc = ops->events.of_profile(db->store, p.root, own_event, &p, err)) ||
	    (rc = ops->events.of_conflicts(db->store, p.root, other_event, &p, err)) ||
	    (rc = erase_dead_letters(&p, &st->dead_letters, err)) ||
	    (rc = ops->identity.erase_profile(db->store, p.root, &events, err)))
		goto done;
	for (size_t i = 0; !rc && i < p.n; i++) {
		uint64_t h = bt__identity_suppress_hash(&db->id, p.texts[i], strlen(p.texts[i]));
		size_t tn = (size_t)(strchr(p.texts[i], ':') - p.texts[i]);
		rc = ops->identity.suppress(db->store, h, p.texts[i], tn, err);
	}
	if (!rc)
		rc = bt__db_bump_epoch(db, err);
	if (!rc)
		rc = ops->txn.commit(db->store, err);
	if (!rc)
		rc = scrub(db, err);
	st->profile = p.root;
	st->identifiers = p.n;
	st->events = (size_t)events;
	st->scrubbed = p.scrubbed;
done:
	if (rc)
		ops->txn.rollback(db->store);
	db->loaded = 0; /* memory no longer matches: reload on next use */
free:
	for (size_t i = 0; i < p.n; i++) {
		bt__free(p.texts[i]);
	}
	bt__free(p.texts);
	bt__free(p.idents);
	bt_buf_release(&p.forms);
	bt_buf_release(&p.out);
	bt_json_doc_release(&p.doc);
	return rc;
}
