/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingest.c - from records to durable events.
 *
 * Each record is parsed (util/json.c), validated (event.c), checked against
 * the event-id filter, resolved to a profile (identity.c) and appended to the
 * current batch; a rejected record becomes a dead letter in the same batch.
 * A batch is written in one transaction (store write_batch + commit) every
 * BATCH_RECORDS records and at the end, so a finished ingest is durable and
 * a crash loses at most the batch that was not yet committed, never a part
 * of one.  The write transaction is opened at the first record of a batch:
 * identity decisions are made on state that no other writer can change
 * underneath (if one did since we loaded, we reload first).
 *
 * Input framing lives here too, so the CLI and the HTTP server share it:
 * NDJSON (streamed in 1 MiB chunks, a line never longer than the event
 * limit is copied only when it straddles two chunks), a JSON document (an
 * array of events or one event), and CSV through a mapping (csv.c).
 */
#include "baton/baton.h"
#include "csv.h"
#include "db.h"
#include "engine.h"
#include "erase.h"
#include "event.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_RECORDS 65536
#define DEAD_KEEP (64 * 1024) /* bytes of a rejected record kept as its dead letter */
#define CHUNK (1024 * 1024)

struct bt_ingest {
	struct bt_db *db;       /* durable mode */
	struct bt_engine *eng;  /* memory mode: events go to an engine, nothing is stored */
	char *origin;
	struct bt_json_doc doc;
	struct bt_json_doc scratch; /* for a look at a rejected record */
	struct bt__event ev;
	struct bt__batch batch;
	struct bt_ingest_stats st;
	struct bt_buf tmp;
	int in_txn;
	int no_dead_letters; /* retrying dead letters: do not file them again */
	long index;          /* records seen, for API error indexes */
	/* bounds on dead letters (bt_ingest_dead_limits): the budget left,
	 * the cap, the bytes stored when the transaction began and those
	 * added since, what was refused and kept */
	int64_t dead_budget, dead_cap, dead_stored, dead_pending;
	uint64_t dead_refused, dead_kept;
};

int bt_ingest_begin(struct bt_db *db, const char *origin, struct bt_ingest **out,
		    struct bt_err *err)
{
	struct bt_ingest *in;
	*out = NULL;
	if (db->readonly) /* before anything is allocated */
		return bt_err_set(err, BT_EUSAGE, "the database is open read-only");
	in = bt__calloc(1, sizeof(*in));
	if (!in || !(in->origin = bt__strndup(origin ? origin : "", origin ? strlen(origin) : 0))) {
		bt__free(in);
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	}
	in->db = db;
	in->dead_budget = -1;
	in->dead_cap = BT_DEAD_LETTER_CAP;
	bt_json_doc_init(&in->doc);
	bt_json_doc_init(&in->scratch);
	*out = in;
	return 0;
}

void bt_ingest_dead_limits(struct bt_ingest *in, int64_t budget, int64_t cap)
{
	in->dead_budget = budget;
	in->dead_cap = cap;
}

void bt_ingest_dead_usage(const struct bt_ingest *in, uint64_t *refused, uint64_t *kept_bytes)
{
	*refused = in->dead_refused;
	*kept_bytes = in->dead_kept;
}

/* Memory mode (`baton kpis --input`): the same validation, duplicate
 * check and identity resolution, with accepted events handed to an engine
 * and rejected ones only reported. */
int bt__ingest_begin_memory(struct bt_engine *e, struct bt_ingest **out, struct bt_err *err)
{
	struct bt_ingest *in = bt__calloc(1, sizeof(*in));
	*out = NULL;
	if (!in || !(in->origin = bt__strndup("input", 5))) {
		bt__free(in);
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	}
	in->eng = e;
	in->no_dead_letters = 1;
	bt_json_doc_init(&in->doc);
	bt_json_doc_init(&in->scratch);
	*out = in;
	return 0;
}

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

/* Open the batch's write transaction; reload memory when it is stale. */
static int ensure_txn(struct bt_ingest *in, struct bt_err *err)
{
	struct bt_db *db = in->db;
	int changed = 0, rc;
	if (in->in_txn || !db)
		return 0;
	if ((rc = db->store->ops->begin(db->store, &changed, err)))
		return rc;
	in->in_txn = 1;
	if ((changed || !db->loaded) && (rc = bt__db_load(db, err)))
		return rc;
	db->id.log = &in->batch.idlog;
	int64_t n;
	in->dead_pending = 0;
	return db->store->ops->dead_usage(db->store, &n, &in->dead_stored, err);
}

int bt_ingest_flush(struct bt_ingest *in, struct bt_err *err)
{
	struct bt_db *db = in->db;
	int rc = 0;
	if (!in->in_txn || !db)
		return 0;
	const struct bt__store_ops *ops = db->store->ops;
	rc = ops->write_batch(db->store, &in->batch, &db->id, err);
	if (!rc)
		rc = ops->commit(db->store, err);
	in->in_txn = 0;
	db->id.log = NULL;
	if (rc) {
		/* memory holds decisions the store does not: start over */
		ops->rollback(db->store);
		db->loaded = 0;
		return rc;
	}
	batch_reset(&in->batch);
	return 0;
}

static int maybe_flush(struct bt_ingest *in, struct bt_err *err)
{
	if (in->batch.nevents + in->batch.ndead >= BATCH_RECORDS)
		return bt_ingest_flush(in, err);
	return 0;
}

/* Keep raw[0..len) (at most DEAD_KEEP bytes of it) as a dead letter of a
 * record that was full_len bytes long; BT_ELIMIT when the bounds of
 * bt_ingest_dead_limits leave no room for it. */
static int push_dead(struct bt_ingest *in, const char *raw, size_t len, size_t full_len,
		     long line, const char *format, const char *reason)
{
	struct bt__batch *b = &in->batch;
	int64_t size = (int64_t)(len > DEAD_KEEP ? DEAD_KEEP : len);
	int over_budget = in->dead_budget >= 0 && size > in->dead_budget;
	if (over_budget ||
	    (in->dead_cap >= 0 && in->dead_stored + in->dead_pending + size > in->dead_cap)) {
		in->dead_refused++;
		return over_budget ? BT_ELIMIT : BT_EFULL;
	}
	if (b->ndead == b->capdead) {
		size_t cap = b->capdead ? b->capdead * 2 : 64;
		void *p = bt__reallocarray(b->dead, cap, sizeof(*b->dead));
		if (!p)
			return BT_ENOMEM;
		b->dead = p;
		b->capdead = cap;
	}
	size_t keep = len > DEAD_KEEP ? DEAD_KEEP : len;
	char *r = bt_arena_strndup(&b->arena, raw, keep);
	char *why = bt_arena_strndup(&b->arena, reason, strlen(reason));
	if (!r || !why)
		return BT_ENOMEM;
	b->dead[b->ndead++] = (struct bt__store_dead){in->origin, line, format, why, r, keep,
						      keep < full_len};
	in->dead_pending += size;
	in->dead_kept += (uint64_t)size;
	if (in->dead_budget >= 0)
		in->dead_budget -= size;
	return 0;
}

/* Keep a rejected record; returns BT_EINVAL (the record's fate) or a
 * failure of the store. */
static int reject_part(struct bt_ingest *in, const char *raw, size_t len, size_t full_len,
		       long line, const char *format, struct bt_err *err)
{
	int rc;
	in->st.rejected++;
	if (in->no_dead_letters)
		return BT_EINVAL;
	if ((rc = ensure_txn(in, NULL)))
		return bt_err_set(err, rc, "could not keep the rejected record: %s", bt_strerror(rc));
	/* a record that names somebody erased is not kept: it would bring
	 * them back (its own words, and the reason, may quote the value) */
	if (bt__mentions_erased(&in->db->id, raw, len, &in->scratch))
		return BT_EINVAL;
	rc = push_dead(in, raw, len, full_len, line, format, err->msg);
	if (rc == BT_ELIMIT || rc == BT_EFULL) { /* rejected all the same; the sender is told */
		char why[sizeof(err->msg)];
		memcpy(why, err->msg, sizeof(why));
		bt_err_set(err, BT_EINVAL, "%.400s (not kept as a dead letter: %s)", why,
			   rc == BT_ELIMIT ? "the sender's dead-letter budget is spent for now"
					   : "the dead-letter store is full");
		return BT_EINVAL;
	}
	if (rc || (rc = maybe_flush(in, NULL)))
		return bt_err_set(err, rc, "could not keep the rejected record: %s", bt_strerror(rc));
	return BT_EINVAL;
}

static int reject(struct bt_ingest *in, const char *raw, size_t len, long line,
		  const char *format, struct bt_err *err)
{
	return reject_part(in, raw, len, len, line, format, err);
}

int bt_ingest_reject_raw(struct bt_ingest *in, const char *raw, size_t len, long line,
			 const char *format, const char *reason, struct bt_err *err)
{
	struct bt_err e;
	bt_err_set(&e, BT_EINVAL, "%s", reason);
	in->index++; /* a record like any other: indexes count it */
	int rc = reject(in, raw, len, line, format, &e);
	if (rc != BT_EINVAL && err)
		*err = e;
	return rc == BT_EINVAL ? 0 : rc;
}

/* Is this event id already stored or in the batch? */
static int is_duplicate(struct bt_ingest *in, const struct bt__str *eid, uint64_t h, int *dup,
			struct bt_err *err)
{
	struct bt_db *db = in->db;
	uint32_t v;
	*dup = 0;
	if (in->eng) {
		int added = bt_h128set_add(&in->eng->eids, eid->s, eid->n);
		if (added < 0)
			return bt_err_set(err, added, "out of memory");
		*dup = !added;
		return 0;
	}
	if (!bt_u64map_get(&db->eids, h, &v))
		return 0;
	/* a hit: the event it names is in this batch or in the store */
	const struct bt__batch *b = &in->batch;
	if (b->nevents && v >= b->events[0].seq) {
		const struct bt__store_event *e = &b->events[v - b->events[0].seq];
		*dup = e->eid_len == eid->n && memcmp(e->eid, eid->s, eid->n) == 0;
		return 0;
	}
	return db->store->ops->eid_exists(db->store, v, eid->s, eid->n, dup, err);
}

static int push_event(struct bt_ingest *in, const struct bt__event *ev, uint32_t anchor,
		      uint64_t h, const char *raw, size_t len)
{
	struct bt__batch *b = &in->batch;
	struct bt_db *db = in->db;
	if (b->nevents == b->capevents) {
		size_t cap = b->capevents ? b->capevents * 2 : 1024;
		void *p = bt__reallocarray(b->events, cap, sizeof(*b->events));
		if (!p)
			return BT_ENOMEM;
		b->events = p;
		b->capevents = cap;
	}
	char *r = bt_arena_strndup(&b->arena, raw, len);
	char *eid = ev->id.s ? bt_arena_strndup(&b->arena, ev->id.s, ev->id.n) : NULL;
	if (!r || (ev->id.s && !eid))
		return BT_ENOMEM;
	b->events[b->nevents] = (struct bt__store_event){
		db->next_seq, ev->ts, anchor, ev->id.n, eid, h, r, len};
	b->nevents++;
	db->next_seq++;
	if (eid)
		return bt_u64map_put(&db->eids, h, (uint32_t)(db->next_seq - 1));
	return 0;
}

static int suppressed_id(void *ctx, const char *norm, size_t n)
{
	return bt__identity_is_suppressed(ctx, norm, n);
}

/* A parsed record: node root of in->doc; raw is its text. */
static int ingest_node(struct bt_ingest *in, uint32_t root, const char *raw, size_t len,
		       long line, struct bt_err *err)
{
	struct bt_db *db = in->db;
	struct bt__identity *id = db ? &db->id : in->eng->id;
	int64_t seq = db ? db->next_seq : in->eng->next_seq + 1;
	struct bt__event *ev = &in->ev;
	struct bt__resolution res;
	uint64_t h = 0;
	int rc, dup;

	if (in->eng) {
		/* the id filter is large and cold: fetch the slot while validating */
		uint32_t idn = bt_json_get(&in->doc, root, "id");
		if (idn && in->doc.nodes[idn].type == BT_JSON_STRING)
			bt_h128map_prefetch(&in->eng->eids, in->doc.nodes[idn].s, in->doc.nodes[idn].len);
	}
	if ((rc = bt__event_read(&in->doc, root, ev, err)))
		return reject(in, raw, len, line, "json", err);
	if ((rc = ensure_txn(in, err)))
		return rc;
	if (db) /* the transaction may have reloaded the database */
		seq = db->next_seq;
	if (ev->id.s) {
		h = bt_hash64(ev->id.s, ev->id.n);
		if ((rc = is_duplicate(in, &ev->id, h, &dup, err)))
			return rc;
		if (dup) {
			in->st.duplicates++;
			return BT_INGEST_DUPLICATE;
		}
	}
	rc = bt__identity_resolve(id, ev, seq, &res, err);
	if (rc == BT_EINVAL)
		return reject(in, raw, len, line, "json", err);
	if (rc == 1) {
		in->st.suppressed++;
		return BT_INGEST_SUPPRESSED;
	}
	if (rc < 0) {
		if (db)
			db->loaded = 0; /* identity may be half-updated */
		return bt_err_set(err, rc, "identity resolution failed: %s", bt_strerror(rc));
	}
	in->st.refused += res.nrefused;
	if (in->eng) {
		if ((rc = bt__engine_add(in->eng, &in->doc, ev, (uint32_t)seq, res.anchor)))
			return bt_err_set(err, rc, "out of memory");
		in->eng->next_seq++;
		in->st.accepted++;
		return BT_INGEST_ACCEPTED;
	}
	if (res.nsuppressed) {
		/* an erased identifier must not come back through the raw text */
		bt_buf_reset(&in->tmp);
		if ((rc = bt__raw_without_ids(&db->id, &in->doc, root, suppressed_id, &db->id,
					      &in->tmp)))
			return rc;
		raw = in->tmp.data;
		len = in->tmp.len;
	}
	if ((rc = push_event(in, ev, res.anchor, h, raw, len)))
		return bt_err_set(err, rc, "out of memory");
	in->st.accepted++;
	if ((rc = maybe_flush(in, err)))
		return rc;
	return BT_INGEST_ACCEPTED;
}

int bt_ingest_json(struct bt_ingest *in, const char *rec, size_t len, long line,
		   struct bt_err *err)
{
	int rc;
	in->index++;
	if (len > BT_EVENT_MAX_BYTES) {
		bt_err_set(err, BT_EINVAL, "record is %zu bytes, more than the %d allowed for one event",
			   len, BT_EVENT_MAX_BYTES);
		return reject(in, rec, len, line, "json", err);
	}
	rc = bt_json_parse(&in->doc, rec, len, BT_EVENT_MAX_DEPTH, err);
	if (rc == BT_ENOMEM)
		return rc;
	if (rc)
		return reject(in, rec, len, line, "json", err);
	return ingest_node(in, 0, rec, len, line, err);
}

/* Report the outcome of one record to the caller's reject callback. */
static int report(int rc, long line, long index, struct bt_err *e, bt_reject_fn cb, void *ctx)
{
	if (rc == BT_EINVAL) {
		if (cb)
			cb(ctx, line, index, e->msg);
		return 0;
	}
	return rc < 0 ? rc : 0;
}

static int is_blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return 0;
	return 1;
}

static int one_line(struct bt_ingest *in, const char *p, size_t n, long line, bt_reject_fn cb,
		    void *ctx, struct bt_err *err)
{
	struct bt_err e = {0, ""};
	if (n && p[n - 1] == '\r')
		n--;
	if (is_blank(p, n))
		return 0;
	/* the record's index before bt_ingest_json counts it: in one
	 * expression with the call, C leaves the order open (and it was -1
	 * for the first record) */
	long index = in->index;
	int rc = bt_ingest_json(in, p, n, line, &e);
	rc = report(rc, line, index, &e, cb, ctx);
	if (rc && err)
		*err = e;
	return rc;
}

struct ndjson {
	struct bt_buf part; /* a line that straddles two chunks */
	int overlong;       /* part exceeded the limit: drop until newline */
	size_t overlong_len;
	long line;
};

/* The line collected in nj->part is complete: ingest it, or reject it
 * when it grew past the limit. */
static int ndjson_line_end(struct bt_ingest *in, struct ndjson *nj, bt_reject_fn cb, void *ctx,
			   struct bt_err *err)
{
	int rc;
	if (nj->overlong) {
		struct bt_err e;
		bt_err_set(&e, BT_EINVAL, "line is %zu bytes, more than the %d allowed for one event",
			   nj->overlong_len, BT_EVENT_MAX_BYTES);
		in->index++;
		rc = report(reject_part(in, nj->part.data, nj->part.len, nj->overlong_len, nj->line,
					"json", &e),
			    nj->line, in->index - 1, &e, cb, ctx);
	} else
		rc = one_line(in, nj->part.data, nj->part.len, nj->line, cb, ctx, err);
	bt_buf_reset(&nj->part);
	nj->overlong = 0;
	return rc;
}

static int ndjson_feed(struct bt_ingest *in, struct ndjson *nj, const char *p, size_t n,
		       int final, bt_reject_fn cb, void *ctx, struct bt_err *err)
{
	int rc;
	while (n) {
		const char *nl = memchr(p, '\n', n);
		size_t take = nl ? (size_t)(nl - p) : n;
		if (!nj->part.len && !nj->overlong && nl) {
			/* the common case: a whole line inside the chunk */
			nj->line++;
			if ((rc = one_line(in, p, take, nj->line, cb, ctx, err)))
				return rc;
		} else {
			if (!nj->overlong && nj->part.len + take > DEAD_KEEP) {
				size_t room = DEAD_KEEP - nj->part.len;
				if ((rc = bt_buf_add(&nj->part, p, room)))
					return rc;
				nj->overlong = 1;
				nj->overlong_len = nj->part.len;
				take -= room, p += room, n -= room;
			}
			if (nj->overlong)
				nj->overlong_len += take;
			else if ((rc = bt_buf_add(&nj->part, p, take)))
				return rc;
			if (!nl)
				break;
			nj->line++;
			if ((rc = ndjson_line_end(in, nj, cb, ctx, err)))
				return rc;
		}
		n -= take + 1;
		p += take + 1;
	}
	if (final && (nj->part.len || nj->overlong)) { /* last line without newline */
		nj->line++;
		return ndjson_line_end(in, nj, cb, ctx, err);
	}
	return 0;
}

/* A whole JSON document: an array of events, or one event. */
static int ingest_document(struct bt_ingest *in, const char *data, size_t len, bt_reject_fn cb,
			   void *ctx, struct bt_err *err)
{
	struct bt_buf raw = BT_BUF_INIT;
	int rc = bt_json_parse(&in->doc, data, len, BT_EVENT_MAX_DEPTH + 1, err);
	if (rc) {
		/* Without valid JSON there is no telling where one record ends:
		 * refuse the whole document, store nothing from it. */
		long line = 1;
		size_t off = in->doc.err_at;
		for (size_t i = 0; i < off && i < len; i++)
			line += data[i] == '\n';
		char msg[sizeof(err->msg)];
		memcpy(msg, err->msg, sizeof(msg));
		return bt_err_set(err, BT_EINVAL, "line %ld: %s; nothing from this document was stored",
				  line, msg);
	}
	const struct bt_json_node *n = in->doc.nodes;
	uint32_t first = 0, end = 1, step = 0;
	if (n[0].type == BT_JSON_ARRAY) {
		first = 1;
		end = n[0].end;
		step = 1;
	}
	long line = 1;
	size_t pos = 0;
	for (uint32_t k = first; k < end; k = step ? n[k].end : end) {
		struct bt_err e = {0, ""};
		for (; pos < n[k].off && pos < len; pos++)
			line += data[pos] == '\n';
		in->index++;
		bt_buf_reset(&raw);
		if ((rc = bt_json_write(&raw, &in->doc, k)))
			break;
		if (raw.len > BT_EVENT_MAX_BYTES) {
			bt_err_set(&e, BT_EINVAL, "record is %zu bytes, more than the %d allowed for one event",
				   raw.len, BT_EVENT_MAX_BYTES);
			rc = reject(in, raw.data, raw.len, line, "json", &e);
		} else
			rc = ingest_node(in, k, raw.data, raw.len, line, &e);
		if ((rc = report(rc, line, in->index - 1, &e, cb, ctx))) {
			if (err)
				*err = e;
			break;
		}
	}
	bt_buf_release(&raw);
	return rc;
}

static enum bt_format sniff(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return p[i] == '[' ? BT_FMT_JSON : BT_FMT_NDJSON;
	return BT_FMT_NDJSON;
}

int bt_ingest_buffer(struct bt_ingest *in, const char *data, size_t len, enum bt_format fmt,
		     bt_reject_fn cb, void *ctx, struct bt_err *err)
{
	if (fmt == BT_FMT_AUTO)
		fmt = sniff(data, len);
	if (fmt == BT_FMT_JSON)
		return ingest_document(in, data, len, cb, ctx, err);
	if (fmt == BT_FMT_CSV)
		return bt_err_set(err, BT_EUSAGE, "CSV input is read from a stream");
	struct ndjson nj = {BT_BUF_INIT, 0, 0, 0};
	int rc = ndjson_feed(in, &nj, data, len, 1, cb, ctx, err);
	bt_buf_release(&nj.part);
	return rc;
}

static int ingest_csv(struct bt_ingest *in, FILE *f, const char *map_path, bt_reject_fn cb,
		      void *ctx, struct bt_err *err)
{
	struct bt_csv_map *map = NULL;
	struct bt_csv_reader *r = NULL;
	struct bt_buf ev = BT_BUF_INIT;
	int rc;
	if (!map_path)
		return bt_err_set(err, BT_EUSAGE, "CSV input needs a mapping file (--map FILE)");
	if ((rc = bt_csv_map_load(&map, map_path, err)) || (rc = bt_csv_open(&r, f, map, err)))
		goto out;
	for (;;) {
		struct bt_err e = {0, ""};
		long line = 0;
		rc = bt_csv_next(r, &ev, &line, &e);
		if (rc == 0)
			break;
		if (rc == 1)
			rc = bt_ingest_json(in, ev.data, ev.len, line, &e);
		else if (rc == BT_EINVAL) {
			size_t rawlen;
			const char *raw = bt_csv_raw(r, &rawlen);
			in->index++;
			rc = reject(in, raw, rawlen, line, "csv", &e);
		}
		if ((rc = report(rc, line, in->index - 1, &e, cb, ctx))) {
			if (err)
				*err = e;
			break;
		}
	}
out:
	bt_buf_release(&ev);
	if (r)
		bt_csv_close(r);
	bt_csv_map_free(map);
	return rc;
}

int bt_ingest_stream(struct bt_ingest *in, FILE *f, enum bt_format fmt, const char *map_path,
		     bt_reject_fn cb, void *ctx, struct bt_err *err)
{
	struct bt_buf all = BT_BUF_INIT;
	struct ndjson nj = {BT_BUF_INIT, 0, 0, 0};
	char *chunk = NULL;
	int rc = 0, first = 1;

	if (fmt == BT_FMT_CSV)
		return ingest_csv(in, f, map_path, cb, ctx, err);
	if (!(chunk = bt__malloc(CHUNK)))
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	for (;;) {
		size_t got = fread(chunk, 1, CHUNK, f);
		if (got == 0) {
			if (ferror(f))
				rc = bt_err_set(err, BT_EIO, "read error: %s", strerror(errno));
			break;
		}
		if (first && fmt == BT_FMT_AUTO)
			fmt = sniff(chunk, got);
		first = 0;
		if (fmt == BT_FMT_JSON)
			rc = bt_buf_add(&all, chunk, got);
		else
			rc = ndjson_feed(in, &nj, chunk, got, 0, cb, ctx, err);
		if (rc)
			break;
	}
	if (!rc && fmt == BT_FMT_JSON)
		rc = ingest_document(in, all.data ? all.data : "", all.len, cb, ctx, err);
	else if (!rc)
		rc = ndjson_feed(in, &nj, "", 0, 1, cb, ctx, err);
	bt__free(chunk);
	bt_buf_release(&all);
	bt_buf_release(&nj.part);
	return rc;
}

void bt_ingest_counts(const struct bt_ingest *in, struct bt_ingest_stats *st) { *st = in->st; }

static void ingest_free(struct bt_ingest *in)
{
	bt_json_doc_release(&in->doc);
	bt_json_doc_release(&in->scratch);
	batch_release(&in->batch);
	bt_buf_release(&in->tmp);
	bt__free(in->origin);
	bt__free(in);
}

int bt_ingest_end(struct bt_ingest *in, struct bt_ingest_stats *st, struct bt_err *err)
{
	int rc = bt_ingest_flush(in, err);
	if (st)
		*st = in->st;
	if (rc && in->db)
		in->db->store->ops->rollback(in->db->store);
	ingest_free(in);
	return rc;
}

void bt_ingest_abort(struct bt_ingest *in)
{
	if (!in)
		return;
	if (in->in_txn && in->db) {
		in->db->store->ops->rollback(in->db->store);
		in->db->loaded = 0;
		in->db->id.log = NULL;
	}
	ingest_free(in);
}

/* ---- dead letters ---- */

int bt_dead_letters_list(struct bt_db *db, struct bt_dead_letter **out, size_t *n,
			 struct bt_err *err)
{
	return db->store->ops->dead_letters(db->store, 0, 0, 0, out, n, NULL, err);
}

int bt_dead_letters_page(struct bt_db *db, int64_t after, size_t limit, struct bt_dead_letter **out,
			 size_t *n, int64_t *total, int *more, struct bt_err *err)
{
	const struct bt__store_ops *ops = db->store->ops;
	int changed, rc;
	*out = NULL, *n = 0;
	if ((rc = ops->read_begin(db->store, &changed, err)))
		return rc;
	int64_t bytes;
	rc = ops->dead_usage(db->store, total, &bytes, err);
	if (!rc)
		rc = ops->dead_letters(db->store, after, limit, BT_DEAD_PAGE_BYTES, out, n, more, err);
	ops->rollback(db->store);
	return rc;
}

void bt_dead_letters_free(struct bt_dead_letter *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bt__free(d[i].origin);
		bt__free(d[i].format);
		bt__free(d[i].reason);
		bt__free(d[i].raw);
	}
	bt__free(d);
}

int bt_dead_letter_delete(struct bt_db *db, int64_t id, struct bt_err *err)
{
	int changed, rc = db->store->ops->begin(db->store, &changed, err);
	if (rc)
		return rc;
	rc = db->store->ops->dead_letter_delete(db->store, id, err);
	if (!rc)
		rc = db->store->ops->commit(db->store, err);
	if (rc)
		db->store->ops->rollback(db->store);
	return rc;
}

int bt_dead_letters_retry(struct bt_db *db, size_t *retried, size_t *fixed, struct bt_err *err)
{
	struct bt_dead_letter *d = NULL;
	struct bt_ingest *in = NULL;
	size_t n = 0;
	int rc;
	*retried = *fixed = 0;
	if ((rc = bt_dead_letters_list(db, &d, &n, err)) ||
	    (rc = bt_ingest_begin(db, "retry", &in, err)))
		goto out;
	in->no_dead_letters = 1;
	for (size_t i = 0; i < n && !rc; i++) {
		if (strcmp(d[i].format, "json") != 0 || d[i].truncated)
			continue; /* a CSV row needs its mapping: fix the file and ingest it again */
		struct bt_err e;
		(*retried)++;
		rc = bt_ingest_json(in, d[i].raw, d[i].raw_len, d[i].line, &e);
		if (rc >= 0) {
			(*fixed)++;
			rc = db->store->ops->dead_letter_delete(db->store, d[i].id, err);
		} else if (rc == BT_EINVAL)
			rc = 0;
		else if (err)
			*err = e;
	}
	if (rc)
		bt_ingest_abort(in);
	else
		rc = bt_ingest_end(in, NULL, err);
out:
	bt_dead_letters_free(d, n);
	return rc;
}
