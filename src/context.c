/* SPDX-License-Identifier: Apache-2.0 */
/*
 * context.c - a customer's timeline, read from the store.  (The agent's
 * context and the guard are answered from the live state, live.c, and
 * written by the view layer, view_engine.c.)
 */
#include "baton/context.h"

#include "db.h"
#include "engine.h"
#include "view.h"
#include "util/alloc.h"
#include "util/json.h"
#include "util/time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kept {
	int64_t ts;
	uint32_t seq;
	char *raw;
	size_t len;
};

/* A customer's stored events, for the timeline. */
struct pload {
	struct bt_json_doc doc;
	struct bt__event ev;
	struct kept *raws;
	size_t n, cap;
	struct bt_err *err;
};

static int pload_event(void *ctx, int64_t seq, uint32_t anchor, const char *raw, size_t len)
{
	struct pload *l = ctx;
	(void)anchor;
	int rc = bt__stored_event_read(&l->doc, &l->ev, seq, raw, len, l->err);
	if (rc)
		return rc;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		void *p = bt__reallocarray(l->raws, cap, sizeof(*l->raws));
		if (!p)
			return BT_ENOMEM;
		l->raws = p, l->cap = cap;
	}
	char *copy = bt__strndup(raw, len);
	if (!copy)
		return BT_ENOMEM;
	l->raws[l->n] = (struct kept){l->ev.ts, (uint32_t)seq, copy, len};
	l->n++;
	return 0;
}

static void pload_release(struct pload *l)
{
	for (size_t i = 0; i < l->n; i++)
		bt__free(l->raws[i].raw);
	bt__free(l->raws);
}

static void raw_item(uint32_t i, struct bt_buf *out, void *ctx)
{
	const struct pload *l = ctx;
	bt_buf_add(out, l->raws[i].raw, l->raws[i].len);
}

int bt_timeline_get(struct bt_db *db, const char *ident, size_t limit, const char *cursor,
		    struct bt_buf *out, struct bt_err *err)
{
	struct bt_profile *p = NULL;
	struct bt__item *v = NULL;
	struct pload l;
	memset(&l, 0, sizeof(l));
	l.err = err;
	bt_json_doc_init(&l.doc);
	int rc = bt_profile_get(db, ident, &p, err);
	if (!rc)
		rc = db->store->ops->events.of_profile(db->store, p->id, pload_event, &l, err);
	bt_json_doc_release(&l.doc);
	if (rc)
		goto out;
	if (!(v = bt__reallocarray(NULL, l.n + 1, sizeof(*v)))) {
		rc = BT_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < l.n; i++)
		v[i] = (struct bt__item){l.raws[i].ts, l.raws[i].seq, (uint32_t)i};
	rc = bt__timeline_json(p->id, v, l.n, limit, cursor, raw_item, &l, out, err);
out:
	bt__free(v);
	pload_release(&l);
	bt_profile_free(p);
	return rc;
}
