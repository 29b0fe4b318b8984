/* SPDX-License-Identifier: Apache-2.0 */
/*
 * eventlog.h - the event-log codec: how accepted events are kept, whatever
 * the backend (sqlite.c today; a PostgreSQL backend reuses it).
 *
 * Events are stored in segments of up to BT__SEG_MAX consecutive event
 * numbers (and about BT__SEG_BYTES of JSON text), one row each, so that
 * ingest writes a few large rows instead of a row (and index entries) per
 * event.  A row holds the segment's first event number, its record count n,
 * how many of them are live, and three byte strings, small ones first so
 * that a scan of anchors or keys does not read the texts.  Record i is
 * event first + i:
 *   anchors  u32 x n: its strongest identifier (BT__SEG_ERASED: erased)
 *   keys     u64 x n: hash of its event id, 0 for none (the in-memory
 *            duplicate filter is loaded from these)
 *   data     n x [u32 length][i64 ts][the event's JSON text]
 * Numbers are in the machine's byte order.  An erased event becomes a
 * tombstone (anchor BT__SEG_ERASED, key 0, ts 0, no text), so event numbers
 * and segment boundaries never move.
 */
#ifndef BT_STORE_EVENTLOG_H
#define BT_STORE_EVENTLOG_H

#include "store/store.h"
#include "util/buf.h"

#include <stdint.h>
#include <string.h>

#define BT__SEG_MAX 256           /* records per segment */
#define BT__SEG_BYTES (64 * 1024) /* and about this much JSON text */
#define BT__SEG_ERASED UINT32_MAX /* the anchor of an erased record */

/* A segment as read from a row; the pointers are the backend's. */
struct bt__seg {
	int64_t first;
	uint32_t n, live;
	const unsigned char *anchors, *keys, *data;
	size_t data_len;
};

/* BT_ESTORE, with "event log segment FIRST is damaged" in err. */
int bt__seg_damaged(int64_t first, struct bt_err *err);
/* 0 when g's n and the lengths of its anchors (na bytes) and keys (nk
 * bytes) agree, else bt__seg_damaged. */
int bt__seg_check(const struct bt__seg *g, size_t na, size_t nk, struct bt_err *err);

/* Record i's anchor, from a segment's anchors. */
static inline uint32_t bt__seg_anchor_at(const unsigned char *anchors, uint32_t i)
{
	uint32_t v;
	memcpy(&v, anchors + 4 * (size_t)i, 4);
	return v;
}

/* Record i's key, from a segment's keys. */
static inline uint64_t bt__seg_key_at(const unsigned char *keys, uint32_t i)
{
	uint64_t v;
	memcpy(&v, keys + 8 * (size_t)i, 8);
	return v;
}

/* The key kept for an event: its id's hash, 1 for an id that hashes to 0,
 * 0 without an id. */
static inline uint64_t bt__seg_key_of(const struct bt__store_event *e)
{
	return e->eid ? (e->eid_hash ? e->eid_hash : 1) : 0;
}

/* Walk the records of g: fn(ctx, g, i, ts, raw, len) for each, tombstones
 * too; stops at the first non-zero return, or BT_ESTORE for a damaged
 * segment. */
typedef int (*bt__seg_rec_fn)(void *ctx, const struct bt__seg *g, uint32_t i, int64_t ts,
			      const char *raw, uint32_t len);
int bt__seg_walk(const struct bt__seg *g, bt__seg_rec_fn fn, void *ctx, struct bt_err *err);
/* cb(seq, anchor, raw) for each live record of g numbered after `after`. */
int bt__seg_each(const struct bt__seg *g, int64_t after, bt__raw_cb cb, void *ctx,
		 struct bt_err *err);
/* cb once for record i of g; *found = 0 when it is a tombstone. */
int bt__seg_get(const struct bt__seg *g, uint32_t i, bt__raw_cb cb, void *ctx, int *found,
		struct bt_err *err);

/* A segment being built, for appends and rewrites. */
struct bt__segbuf {
	struct bt_buf anchors, keys, data;
	uint32_t n, live;
};

void bt__segbuf_reset(struct bt__segbuf *b);
void bt__segbuf_release(struct bt__segbuf *b);
int bt__segbuf_add(struct bt__segbuf *b, uint32_t anchor, uint64_t key, int64_t ts,
		   const char *raw, uint32_t len);

/* Cut the events of a batch (consecutive event numbers) into segments:
 * put(ctx, segment, its first event number) writes each. */
typedef int (*bt__seg_put_fn)(void *ctx, const struct bt__segbuf *b, int64_t first,
			      struct bt_err *err);
int bt__seg_append(const struct bt__batch *batch, bt__seg_put_fn put, void *ctx,
		   struct bt_err *err);

/* A sorted set of identifier ids: one person's, whose records go. */
struct bt__idset {
	uint32_t *v;
	size_t n, cap;
};

/* Add id, which is larger than every id in set. */
int bt__idset_add(struct bt__idset *set, uint32_t id);
int bt__idset_has(const struct bt__idset *set, uint32_t id);
/* How many live records of a segment's anchors (n of them) are in set. */
uint32_t bt__idset_hits(const struct bt__idset *set, const unsigned char *anchors, uint32_t n);

/* Rewriting a segment into out: the records anchored in drop (when not
 * NULL), and with aged those of a time at or before upto (retention),
 * become tombstones, visit(seq, anchor, raw) being called for each first
 * (when not NULL), and record `replace` (UINT32_MAX: none) gets the text
 * raw. */
struct bt__seg_rewrite {
	const struct bt__idset *drop;
	int aged;
	int64_t upto;
	uint32_t replace;
	const char *raw;
	uint32_t raw_len;
	bt__raw_cb visit;
	void *ctx;
	int64_t dropped; /* records made tombstones so far */
	struct bt__segbuf out;
};

int bt__seg_rewrite(const struct bt__seg *g, struct bt__seg_rewrite *w, struct bt_err *err);
/* A list of segments (their first event numbers), to rewrite after a scan. */
struct bt__firsts {
	int64_t *v;
	size_t n, cap;
};
int bt__firsts_add(struct bt__firsts *f, int64_t first); /* BT_ENOMEM */

/* How many live records of g have a time at or before upto, into *n. */
int bt__seg_aged(const struct bt__seg *g, int64_t upto, int64_t *n, struct bt_err *err);

#endif
