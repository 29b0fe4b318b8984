/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingest.c - from records to events handed to a sink (ingest.h).
 *
 * Each record is parsed (util/json.c), validated (event.c), checked against
 * the event ids taken before, resolved to a profile (identity.c) and handed
 * to the sink; a rejected record is handed over too, to be kept as a dead
 * letter, when the sink keeps them (the durable sink, ingest_db.c, writes
 * both in batches, one transaction each; the engine's keeps events only).
 *
 * Input framing lives here too, so the CLI and the HTTP server share it:
 * NDJSON (streamed in 1 MiB chunks, a line never longer than the event
 * limit is copied only when it straddles two chunks), a JSON document (an
 * array of events or one event), and CSV through a mapping (csv.c).
 */
#include "ingest.h"

#include "csv.h"
#include "scrub.h"
#include "util/alloc.h"
#include "util/buf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (1024 * 1024)

struct bt_ingest {
	struct bt__sink *sink;
	char *origin;
	struct bt_json_doc doc;
	struct bt_json_doc scratch; /* for a look at a rejected record */
	struct bt__event ev;
	struct bt_ingest_stats st;
	int no_dead_letters; /* BT__INGEST_NO_DEAD_LETTERS */
	long index;          /* records seen, for API error indexes */
	/* bounds on dead letters (bt_ingest_dead_limits): the budget left and
	 * the cap; what was refused and kept */
	int64_t dead_budget, dead_cap;
	uint64_t dead_refused, dead_kept;
};

int bt__ingest_begin_sink(struct bt__sink *sink, const char *origin, unsigned flags,
			  struct bt_ingest **out, struct bt_err *err)
{
	struct bt_ingest *in = bt__calloc(1, sizeof(*in));
	*out = NULL;
	if (!in || !(in->origin = bt__strndup(origin ? origin : "", origin ? strlen(origin) : 0))) {
		bt__free(in);
		sink->ops->free(sink);
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	}
	in->sink = sink;
	in->no_dead_letters = (flags & BT__INGEST_NO_DEAD_LETTERS) != 0;
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

int bt_ingest_flush(struct bt_ingest *in, struct bt_err *err)
{
	struct bt__sink *s = in->sink;
	return s->ops->flush ? s->ops->flush(s, err) : 0;
}

/* Keep raw[0..len) (at most BT__DEAD_KEEP bytes of it), a rejected record
 * that was full_len bytes long, with the reason; 0, 1 when it is not kept
 * because it names somebody erased, BT_ELIMIT or BT_EFULL when the bounds
 * of bt_ingest_dead_limits leave no room for it, or a failure. */
static int keep_dead(struct bt_ingest *in, const char *raw, size_t len, size_t full_len,
		     long line, const char *format, const char *reason)
{
	struct bt__sink *s = in->sink;
	struct bt__identity *id;
	int64_t seq;
	int rc;
	if ((rc = s->ops->ready(s, &id, &seq, NULL)))
		return rc;
	/* a record that names somebody erased is not kept: it would bring
	 * them back (its own words, and the reason, may quote the value) */
	if (bt__mentions_erased(id, raw, len, &in->scratch))
		return 1;
	size_t keep = len > BT__DEAD_KEEP ? BT__DEAD_KEEP : len;
	if (in->dead_budget >= 0 && (int64_t)keep > in->dead_budget)
		rc = BT_ELIMIT;
	else
		rc = s->ops->keep(s, &(struct bt__sink_dead){in->origin, raw, keep, full_len, line,
							   format, reason, in->dead_cap});
	if (rc == BT_ELIMIT || rc == BT_EFULL)
		in->dead_refused++;
	if (rc)
		return rc;
	in->dead_kept += keep;
	if (in->dead_budget >= 0)
		in->dead_budget -= (int64_t)keep;
	return 0;
}

/* Keep a rejected record; returns BT_EINVAL (the record's fate) or a
 * failure of the sink. */
static int reject_part(struct bt_ingest *in, const char *raw, size_t len, size_t full_len,
		       long line, const char *format, struct bt_err *err)
{
	int rc;
	in->st.rejected++;
	if (in->no_dead_letters || !in->sink->ops->keep)
		return BT_EINVAL;
	rc = keep_dead(in, raw, len, full_len, line, format, err->msg);
	if (rc == BT_ELIMIT || rc == BT_EFULL) { /* rejected all the same; the sender is told */
		char why[sizeof(err->msg)];
		memcpy(why, err->msg, sizeof(why));
		bt_err_set(err, BT_EINVAL, "%.400s (not kept as a dead letter: %s)", why,
			   rc == BT_ELIMIT ? "the sender's dead-letter budget is spent for now"
					   : "the dead-letter store is full");
		return BT_EINVAL;
	}
	if (rc < 0)
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

/* A parsed record: node root of in->doc; raw is its text. */
static int ingest_node(struct bt_ingest *in, uint32_t root, const char *raw, size_t len,
		       long line, struct bt_err *err)
{
	struct bt__sink *s = in->sink;
	struct bt__event *ev = &in->ev;
	struct bt__identity *id;
	struct bt__resolution res;
	int64_t seq;
	uint64_t h = 0;
	int rc, dup;

	if (s->ops->prefetch) {
		/* the id filter is large and cold: fetch the slot while validating */
		uint32_t idn = bt_json_get(&in->doc, root, "id");
		if (idn && in->doc.nodes[idn].type == BT_JSON_STRING)
			s->ops->prefetch(s, in->doc.nodes[idn].s, in->doc.nodes[idn].len);
	}
	if ((rc = bt__event_read(&in->doc, root, ev, err)))
		return reject(in, raw, len, line, "json", err);
	if ((rc = s->ops->ready(s, &id, &seq, err)))
		return rc;
	if (ev->id.s) {
		h = bt_hash64(ev->id.s, ev->id.n);
		if ((rc = s->ops->seen(s, &ev->id, h, &dup, err)))
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
		if (s->ops->stale)
			s->ops->stale(s); /* identity may be half-updated */
		return bt_err_set(err, rc, "identity resolution failed: %s", bt_strerror(rc));
	}
	in->st.refused += res.nrefused;
	struct bt__sink_event e = {&in->doc, root, ev, seq, res.anchor, h, raw, len, res.nsuppressed};
	if ((rc = s->ops->take(s, &e, err)))
		return rc;
	in->st.accepted++;
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

int bt_event_check(const char *rec, size_t len, struct bt_err *err)
{
	struct bt_json_doc doc;
	struct bt__event ev;
	if (len > BT_EVENT_MAX_BYTES)
		return bt_err_set(err, BT_EINVAL,
				  "record is %zu bytes, more than the %d allowed for one event", len,
				  BT_EVENT_MAX_BYTES);
	bt_json_doc_init(&doc);
	int rc = bt_json_parse(&doc, rec, len, BT_EVENT_MAX_DEPTH, err);
	if (!rc)
		rc = bt__event_read(&doc, 0, &ev, err);
	bt_json_doc_release(&doc);
	return rc;
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
			if (!nj->overlong && nj->part.len + take > BT__DEAD_KEEP) {
				size_t room = BT__DEAD_KEEP - nj->part.len;
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
	in->sink->ops->free(in->sink);
	bt__free(in->origin);
	bt__free(in);
}

int bt_ingest_end(struct bt_ingest *in, struct bt_ingest_stats *st, struct bt_err *err)
{
	int rc = bt_ingest_flush(in, err);
	if (st)
		*st = in->st;
	if (rc && in->sink->ops->abort)
		in->sink->ops->abort(in->sink);
	ingest_free(in);
	return rc;
}

void bt_ingest_abort(struct bt_ingest *in)
{
	if (!in)
		return;
	if (in->sink->ops->abort)
		in->sink->ops->abort(in->sink);
	ingest_free(in);
}
