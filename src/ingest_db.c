/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingest_db.c - the durable sink of ingest (ingest.h): events and dead
 * letters into a database.
 *
 * What ingest hands over is appended to the current batch; a batch is
 * written in one transaction (store write_batch + commit) every
 * BATCH_RECORDS records and at the end, so a finished ingest is durable and
 * a crash loses at most the batch that was not yet committed, never a part
 * of one.  The write transaction is opened at the first record of a batch
 * (ready): identity decisions are made on state that no other writer can
 * change underneath, brought up to date first when another one wrote
 * (bt__db_follow: a catch-up with what it appended, as a rule).
 */
#include "db.h"
#include "ingest.h"
#include "scrub.h"
#include "util/alloc.h"
#include "util/vec.h"

#include <string.h>

#define BATCH_RECORDS 65536

struct db_sink {
	struct bt__sink base;
	struct bt_db *db;
	struct bt__batch batch;
	struct bt_buf tmp; /* an event's text without its erased identifiers */
	int in_txn;
	/* the bytes of dead letters stored when the transaction began, and
	 * those added since (bt__sink_dead.cap bounds their sum) */
	int64_t dead_stored, dead_pending;
};

static void batch_reset(struct bt__batch *b)
{
	b->nevents = b->ndead = 0;
	bt__idlog_reset(&b->idlog);
	bt_arena_reset(&b->arena);
}

static void batch_release(struct bt__batch *b)
{
	bt__free(b->events);
	bt__free(b->dead);
	bt__idlog_release(&b->idlog);
	bt_arena_release(&b->arena);
	memset(b, 0, sizeof(*b));
}

/* Open the batch's write transaction, with identity up to date. */
static int ds_ready(struct bt__sink *base, struct bt__identity **id, int64_t *seq,
		    struct bt_err *err)
{
	struct db_sink *s = (struct db_sink *)base;
	struct bt_db *db = s->db;
	int rc;
	if (!s->in_txn) {
		if ((rc = db->store->ops->txn.begin(db->store, err)))
			return rc;
		s->in_txn = 1;
		if ((rc = bt__db_follow(db, err))) {
			/* The batch is empty here: give the transaction back, so
			 * that the next record starts over instead of going on
			 * without the identity state and its change log.  And this
			 * is never the record's fault: a stored configuration that
			 * does not read (BT_EINVAL) must not pass for a rejected
			 * record, which the framing would report and skip. */
			db->store->ops->txn.rollback(db->store);
			s->in_txn = 0;
			if (rc == BT_EINVAL) {
				rc = BT_ESTORE;
				if (err)
					err->code = rc;
			}
			return rc;
		}
		db->id.log = &s->batch.idlog;
		int64_t n;
		s->dead_pending = 0;
		if ((rc = db->store->ops->dead.usage(db->store, &n, &s->dead_stored, err)))
			return rc;
	}
	*id = &db->id;
	*seq = db->next_seq;
	return 0;
}

static int ds_flush(struct bt__sink *base, struct bt_err *err)
{
	struct db_sink *s = (struct db_sink *)base;
	struct bt_db *db = s->db;
	if (!s->in_txn)
		return 0;
	const struct bt__store_ops *ops = db->store->ops;
	int rc = ops->txn.write_batch(db->store, &s->batch, &db->id, err);
	if (!rc)
		rc = bt__db_mark(db, err);
	if (!rc)
		rc = ops->txn.commit(db->store, err);
	s->in_txn = 0;
	db->id.log = NULL;
	if (rc) {
		/* memory holds decisions the store does not: start over */
		ops->txn.rollback(db->store);
		db->loaded = 0;
		return rc;
	}
	batch_reset(&s->batch);
	return 0;
}

static int maybe_flush(struct db_sink *s, struct bt_err *err)
{
	if (s->batch.nevents + s->batch.ndead >= BATCH_RECORDS)
		return ds_flush(&s->base, err);
	return 0;
}

/* Is this event id already stored or in the batch? */
static int ds_seen(struct bt__sink *base, const struct bt__str *eid, uint64_t h, int *dup,
		   struct bt_err *err)
{
	struct db_sink *s = (struct db_sink *)base;
	struct bt_db *db = s->db;
	uint32_t v;
	*dup = 0;
	if (!bt_u64map_get(&db->eids, h, &v))
		return 0;
	/* a hit: the event it names is in this batch or in the store */
	const struct bt__batch *b = &s->batch;
	if (b->nevents && v >= b->events[0].seq) {
		const struct bt__store_event *e = &b->events[v - b->events[0].seq];
		*dup = e->eid_len == eid->n && memcmp(e->eid, eid->s, eid->n) == 0;
		return 0;
	}
	return db->store->ops->events.id_is(db->store, v, eid->s, eid->n, dup, err);
}

static int push_event(struct db_sink *s, const struct bt__event *ev, uint32_t anchor,
		      uint64_t h, const char *raw, size_t len)
{
	struct bt__batch *b = &s->batch;
	struct bt_db *db = s->db;
	char *r = bt_arena_strndup(&b->arena, raw, len);
	char *eid = ev->id.s ? bt_arena_strndup(&b->arena, ev->id.s, ev->id.n) : NULL;
	if (!r || (ev->id.s && !eid))
		return BT_ENOMEM;
	BT_PUSH(b->events, b->nevents, b->capevents,
		((struct bt__store_event){db->next_seq, ev->ts, anchor, ev->id.n, eid, h, r, len}));
	db->next_seq++;
	if (eid)
		return bt_u64map_put(&db->eids, h, (uint32_t)(db->next_seq - 1));
	return 0;
}

static int suppressed_id(void *ctx, const char *norm, size_t n)
{
	return bt__identity_is_suppressed(ctx, norm, n);
}

static int ds_take(struct bt__sink *base, const struct bt__sink_event *e, struct bt_err *err)
{
	struct db_sink *s = (struct db_sink *)base;
	struct bt_db *db = s->db;
	const char *raw = e->raw;
	size_t len = e->len;
	int rc;
	if (e->nsuppressed) {
		/* an erased identifier must not come back through the raw text */
		bt_buf_reset(&s->tmp);
		if ((rc = bt__raw_without_ids(&db->id, e->doc, e->root, suppressed_id, &db->id,
					      &s->tmp)))
			return rc;
		raw = s->tmp.data;
		len = s->tmp.len;
	}
	if ((rc = push_event(s, e->ev, e->anchor, e->eid_hash, raw, len)))
		return bt_err_set(err, rc, "out of memory");
	return maybe_flush(s, err);
}

static int ds_keep(struct bt__sink *base, const struct bt__sink_dead *d)
{
	struct db_sink *s = (struct db_sink *)base;
	struct bt__batch *b = &s->batch;
	int64_t size = (int64_t)d->len;
	if (d->cap >= 0 && s->dead_stored + s->dead_pending + size > d->cap)
		return BT_EFULL;
	char *r = bt_arena_strndup(&b->arena, d->raw, d->len);
	char *why = bt_arena_strndup(&b->arena, d->reason, strlen(d->reason));
	if (!r || !why)
		return BT_ENOMEM;
	BT_PUSH(b->dead, b->ndead, b->capdead,
		((struct bt__store_dead){d->origin, d->line, d->format, why, r, d->len,
					 d->len < d->full_len}));
	s->dead_pending += size;
	return maybe_flush(s, NULL);
}

static void ds_stale(struct bt__sink *base) { ((struct db_sink *)base)->db->loaded = 0; }

static void ds_abort(struct bt__sink *base)
{
	struct db_sink *s = (struct db_sink *)base;
	if (!s->in_txn)
		return;
	s->db->store->ops->txn.rollback(s->db->store);
	s->db->loaded = 0;
	s->db->id.log = NULL;
	s->in_txn = 0;
}

static void ds_free(struct bt__sink *base)
{
	struct db_sink *s = (struct db_sink *)base;
	batch_release(&s->batch);
	bt_buf_release(&s->tmp);
	bt__free(s);
}

static const struct bt__sink_ops db_sink_ops = {
	.ready = ds_ready,
	.seen = ds_seen,
	.take = ds_take,
	.keep = ds_keep,
	.stale = ds_stale,
	.flush = ds_flush,
	.abort = ds_abort,
	.free = ds_free,
};

int bt__ingest_begin_db(struct bt_db *db, const char *origin, unsigned flags,
			struct bt_ingest **out, struct bt_err *err)
{
	struct db_sink *s;
	*out = NULL;
	if (db->readonly)
		return bt_err_set(err, BT_EUSAGE, "the database is open read-only");
	if (!(s = bt__calloc(1, sizeof(*s))))
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	s->base.ops = &db_sink_ops;
	s->db = db;
	return bt__ingest_begin_sink(&s->base, origin, flags, out, err);
}

int bt_ingest_begin(struct bt_db *db, const char *origin, struct bt_ingest **out,
		    struct bt_err *err)
{
	return bt__ingest_begin_db(db, origin, 0, out, err);
}
