/* SPDX-License-Identifier: Apache-2.0 */
/* profile.c - the unified profile of one customer, as data and as JSON. */
#include "baton/baton.h"
#include "db.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/json.h"

#include <stdint.h>

#include <stdlib.h>
#include <string.h>

void bt_profile_id_format(int64_t id, char out[24]) { snprintf(out, 24, "P%lld", (long long)id); }

struct collect {
	struct bt_profile *p;
	size_t cap;
};

static int add_ident(void *ctx, uint32_t ident, const char *text)
{
	struct collect *c = ctx;
	(void)ident;
	if (c->p->nidentifiers == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 8;
		void *v = bt__reallocarray(c->p->identifiers, cap, sizeof(char *));
		if (!v)
			return BT_ENOMEM;
		c->p->identifiers = v;
		c->cap = cap;
	}
	char *t = bt__strndup(text, strlen(text));
	if (!t)
		return BT_ENOMEM;
	c->p->identifiers[c->p->nidentifiers++] = t;
	return 0;
}

int bt_profile_get(struct bt_db *db, const char *ident, struct bt_profile **out,
		   struct bt_err *err)
{
	const struct bt__store_ops *ops = db->store->ops;
	struct bt_profile *p = bt__calloc(1, sizeof(*p));
	struct collect c = {p, 0};
	int64_t root;
	int rc;
	*out = NULL;
	if (!p)
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	if ((rc = bt__db_resolve(db, ident, &root, err)))
		goto out;
	p->id = root;
	if ((rc = ops->identity.profile_idents(db->store, root, add_ident, &c, err)) ||
	    (rc = ops->events.count_of_profile(db->store, root, &p->events, err)) ||
	    (rc = ops->identity.conflicts(db->store, root, &p->conflicts, &p->nconflicts, err)) ||
	    (rc = ops->identity.refusals(db->store, root, &p->refusals, &p->nrefusals, err)) ||
	    (rc = ops->identity.merges(db->store, root, &p->merges, &p->nmerges, err)))
		goto out;
	*out = p;
	return 0;
out:
	bt_profile_free(p);
	return rc;
}

void bt_profile_free(struct bt_profile *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nidentifiers; i++)
		bt__free(p->identifiers[i]);
	bt__free(p->identifiers);
	bt_conflicts_free(p->conflicts, p->nconflicts);
	for (size_t i = 0; i < p->nrefusals; i++) {
		bt__free(p->refusals[i].identifier);
		bt__free(p->refusals[i].reason);
	}
	bt__free(p->refusals);
	bt_merges_free(p->merges, p->nmerges);
	bt__free(p);
}

struct found {
	const char *eid;
	size_t n;
	char *json;
	size_t len;
};

static int take_event(void *ctx, int64_t seq, uint32_t anchor, const char *raw, size_t len)
{
	struct found *f = ctx;
	struct bt_json_doc doc;
	(void)seq, (void)anchor;
	bt_json_doc_init(&doc);
	if (bt_json_parse(&doc, raw, len, 0, NULL) == 0) {
		uint32_t v = bt_json_get(&doc, 0, "id");
		if (v && doc.nodes[v].len == f->n && memcmp(doc.nodes[v].s, f->eid, f->n) == 0 &&
		    !(f->json = bt__strndup(raw, len)))
			f->len = SIZE_MAX; /* out of memory */
		else if (f->json)
			f->len = len;
	}
	bt_json_doc_release(&doc);
	return 0;
}

int bt_event_get(struct bt_db *db, const char *eid, char **json, size_t *len, struct bt_err *err)
{
	struct found f = {eid, strlen(eid), NULL, 0};
	uint32_t seq;
	int rc;
	*json = NULL;
	if ((rc = bt__db_eids_follow(db, err)))
		return rc;
	if (!bt_u64map_get(&db->eids, bt_hash64(eid, f.n), &seq))
		return bt_err_set(err, BT_ENOTFOUND, "no event with id '%.64s'", eid);
	rc = db->store->ops->events.get(db->store, seq, take_event, &f, err);
	if (rc == 0 && f.len == SIZE_MAX)
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	if (rc == BT_ENOTFOUND || (rc == 0 && !f.json))
		return bt_err_set(err, BT_ENOTFOUND, "no event with id '%.64s'", eid);
	if (rc)
		return rc;
	*json = f.json;
	if (len)
		*len = f.len;
	return 0;
}
