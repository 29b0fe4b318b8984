/* SPDX-License-Identifier: Apache-2.0 */
/*
 * eventlog.c - the event-log codec (eventlog.h): reading, building and
 * rewriting segments.  No SQL here: a backend reads and writes the rows.
 */
#include "store/eventlog.h"

#include "util/vec.h"

#define REC_HEAD 12 /* u32 length + i64 ts */

int bt__seg_damaged(int64_t first, struct bt_err *err)
{
	return bt_err_set(err, BT_ESTORE, "event log segment %lld is damaged", (long long)first);
}

int bt__seg_check(const struct bt__seg *g, size_t na, size_t nk, struct bt_err *err)
{
	if (g->n == 0 || g->n > BT__SEG_MAX || na != (size_t)g->n * 4 || nk != (size_t)g->n * 8)
		return bt__seg_damaged(g->first, err);
	return 0;
}

int bt__seg_walk(const struct bt__seg *g, bt__seg_rec_fn fn, void *ctx, struct bt_err *err)
{
	size_t off = 0;
	for (uint32_t i = 0; i < g->n; i++) {
		uint32_t len;
		int64_t ts;
		if (g->data_len - off < REC_HEAD)
			return bt__seg_damaged(g->first, err);
		memcpy(&len, g->data + off, 4);
		memcpy(&ts, g->data + off + 4, 8);
		off += REC_HEAD;
		if (g->data_len - off < len)
			return bt__seg_damaged(g->first, err);
		int rc = fn(ctx, g, i, ts, (const char *)g->data + off, len);
		if (rc)
			return rc;
		off += len;
	}
	return 0;
}

/* The live records a caller asked for: those numbered after `after`, or
 * the one of index `want` alone (UINT32_MAX: any). */
struct pick {
	bt__raw_cb cb;
	void *ctx;
	int64_t after;
	uint32_t want;
	int found;
};

static int pick_rec(void *ctx, const struct bt__seg *g, uint32_t i, int64_t ts, const char *raw,
		    uint32_t len)
{
	struct pick *p = ctx;
	uint32_t a = bt__seg_anchor_at(g->anchors, i);
	(void)ts;
	if (a == BT__SEG_ERASED || g->first + i <= p->after || (p->want != UINT32_MAX && i != p->want))
		return 0;
	p->found = 1;
	return p->cb(p->ctx, g->first + i, a, raw, len);
}

int bt__seg_each(const struct bt__seg *g, int64_t after, bt__raw_cb cb, void *ctx,
		 struct bt_err *err)
{
	struct pick p = {cb, ctx, after, UINT32_MAX, 0};
	return bt__seg_walk(g, pick_rec, &p, err);
}

int bt__seg_get(const struct bt__seg *g, uint32_t i, bt__raw_cb cb, void *ctx, int *found,
		struct bt_err *err)
{
	struct pick p = {cb, ctx, INT64_MIN, i, 0};
	int rc = i < g->n ? bt__seg_walk(g, pick_rec, &p, err) : 0;
	*found = p.found;
	return rc;
}

void bt__segbuf_reset(struct bt__segbuf *b)
{
	bt_buf_reset(&b->anchors), bt_buf_reset(&b->keys), bt_buf_reset(&b->data);
	b->n = b->live = 0;
}

void bt__segbuf_release(struct bt__segbuf *b)
{
	bt_buf_release(&b->anchors), bt_buf_release(&b->keys), bt_buf_release(&b->data);
}

int bt__segbuf_add(struct bt__segbuf *b, uint32_t anchor, uint64_t key, int64_t ts,
		   const char *raw, uint32_t len)
{
	int rc;
	if ((rc = bt_buf_add(&b->anchors, &anchor, 4)) || (rc = bt_buf_add(&b->keys, &key, 8)) ||
	    (rc = bt_buf_add(&b->data, &len, 4)) || (rc = bt_buf_add(&b->data, &ts, 8)) ||
	    (rc = bt_buf_add(&b->data, raw, len)))
		return rc;
	b->n++;
	b->live += anchor != BT__SEG_ERASED;
	return 0;
}

int bt__seg_append(const struct bt__batch *batch, bt__seg_put_fn put, void *ctx,
		   struct bt_err *err)
{
	struct bt__segbuf sb;
	int rc = 0;
	int64_t first = 0;
	memset(&sb, 0, sizeof(sb));
	for (size_t i = 0; i < batch->nevents && !rc; i++) {
		const struct bt__store_event *e = &batch->events[i];
		if (sb.n && (sb.n == BT__SEG_MAX || sb.data.len >= BT__SEG_BYTES ||
			     e->seq != first + sb.n)) {
			rc = put(ctx, &sb, first, err);
			bt__segbuf_reset(&sb);
		}
		if (!sb.n)
			first = e->seq;
		if (!rc)
			rc = bt__segbuf_add(&sb, e->anchor, bt__seg_key_of(e), e->ts, e->raw,
					    (uint32_t)e->raw_len);
	}
	if (!rc && sb.n)
		rc = put(ctx, &sb, first, err);
	bt__segbuf_release(&sb);
	return rc == BT_ENOMEM ? bt_err_set(err, rc, "out of memory") : rc;
}

int bt__idset_add(struct bt__idset *set, uint32_t id)
{
	BT_PUSH(set->v, set->n, set->cap, id);
	return 0;
}

int bt__idset_has(const struct bt__idset *set, uint32_t id)
{
	size_t lo = 0, hi = set->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (set->v[mid] == id)
			return 1;
		if (set->v[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

uint32_t bt__idset_hits(const struct bt__idset *set, const unsigned char *anchors, uint32_t n)
{
	uint32_t hits = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t v = bt__seg_anchor_at(anchors, i);
		hits += v != BT__SEG_ERASED && bt__idset_has(set, v);
	}
	return hits;
}

static int rewrite_rec(void *ctx, const struct bt__seg *g, uint32_t i, int64_t ts, const char *raw,
		       uint32_t len)
{
	struct bt__seg_rewrite *w = ctx;
	uint32_t a = bt__seg_anchor_at(g->anchors, i);
	uint64_t k = bt__seg_key_at(g->keys, i);
	if (a != BT__SEG_ERASED &&
	    ((w->drop && bt__idset_has(w->drop, a)) || (w->aged && ts <= w->upto))) {
		int rc = w->visit ? w->visit(w->ctx, g->first + i, a, raw, len) : 0;
		if (rc)
			return rc;
		w->dropped++;
		return bt__segbuf_add(&w->out, BT__SEG_ERASED, 0, 0, "", 0);
	}
	if (i == w->replace)
		return bt__segbuf_add(&w->out, a, k, ts, w->raw, w->raw_len);
	return bt__segbuf_add(&w->out, a, k, ts, raw, len);
}

int bt__seg_rewrite(const struct bt__seg *g, struct bt__seg_rewrite *w, struct bt_err *err)
{
	bt__segbuf_reset(&w->out);
	return bt__seg_walk(g, rewrite_rec, w, err);
}

int bt__firsts_add(struct bt__firsts *f, int64_t first)
{
	BT_PUSH(f->v, f->n, f->cap, first);
	return 0;
}

struct aged {
	int64_t upto, n;
};

static int aged_rec(void *ctx, const struct bt__seg *g, uint32_t i, int64_t ts, const char *raw,
		    uint32_t len)
{
	struct aged *a = ctx;
	(void)raw, (void)len;
	a->n += bt__seg_anchor_at(g->anchors, i) != BT__SEG_ERASED && ts <= a->upto;
	return 0;
}

int bt__seg_aged(const struct bt__seg *g, int64_t upto, int64_t *n, struct bt_err *err)
{
	struct aged a = {upto, 0};
	*n = 0;
	if (!g->live)
		return 0;
	int rc = bt__seg_walk(g, aged_rec, &a, err);
	*n = a.n;
	return rc;
}
