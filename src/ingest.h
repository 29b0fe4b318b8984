/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingest.h - where ingest puts what it reads: a sink.
 *
 * bt_ingest_* (ingest.c) frames the input, parses and validates each
 * record, checks its event id and resolves its identity, and knows nothing
 * of where events go: it hands each accepted event to a sink, and each
 * rejected record too when the sink keeps them.  Two sinks exist:
 *   - the durable one (ingest_db.c, made by bt_ingest_begin): batches
 *     written to a database in large transactions, dead letters kept;
 *   - the engine's (engine.c, bt__ingest_begin_memory): events added to an
 *     in-memory engine, nothing stored (`baton kpis --input`).
 * A sink that feeds both (the durable store and an engine kept beside it)
 * is a sink like these, calling the other two's operations.
 *
 * The interface is declared here, in ingest's layer; each implementation
 * lives with what it feeds (the engine's one layer up), so ingest includes
 * nothing above its own layer.
 */
#ifndef BT_INGEST_H
#define BT_INGEST_H

#include "baton/baton.h"
#include "event.h"
#include "identity.h"
#include "util/json.h"

/* An accepted event, as ingest hands it over. */
struct bt__sink_event {
	const struct bt_json_doc *doc;
	uint32_t root; /* the event's object in doc */
	const struct bt__event *ev;
	int64_t seq;     /* its number: what ready() said */
	uint32_t anchor; /* identifier id of its strongest identifier */
	uint64_t eid_hash; /* hash of ev->id; 0 without an id */
	const char *raw;   /* its JSON text */
	size_t len;
	/* erased identifiers that resolution dropped: the raw text still
	 * holds them, and a sink that keeps the text must leave them out */
	uint32_t nsuppressed;
};

/* A rejected record to keep as a dead letter. */
struct bt__sink_dead {
	const char *origin; /* the input's name (lives as long as the ingest) */
	const char *raw;
	size_t len;      /* bytes kept of raw */
	size_t full_len; /* the record's length (len < full_len: truncated) */
	long line;
	const char *format; /* "json" or "csv" */
	const char *reason;
	int64_t cap; /* bytes all dead letters may hold (-1: no bound) */
};

struct bt__sink;

/* What a sink does.  Every operation returns 0 or a negative BT_E* code
 * (with detail in err when err is given); those marked optional may be
 * NULL when the sink has nothing to do. */
struct bt__sink_ops {
	/* Get ready for a record: *id is the identity to resolve it against,
	 * *seq the number it gets if accepted.  The durable sink opens its
	 * write transaction here and brings identity up to date. */
	int (*ready)(struct bt__sink *s, struct bt__identity **id, int64_t *seq,
		     struct bt_err *err);
	/* Optional: an event id that seen() will soon be asked about. */
	void (*prefetch)(struct bt__sink *s, const char *eid, size_t n);
	/* *dup = 1 when an event with id eid (hash h) was taken before (a
	 * sink may note the id as taken there and then). */
	int (*seen)(struct bt__sink *s, const struct bt__str *eid, uint64_t h, int *dup,
		    struct bt_err *err);
	/* Take an accepted event. */
	int (*take)(struct bt__sink *s, const struct bt__sink_event *e, struct bt_err *err);
	/* Optional (NULL: rejected records are only reported): keep one.
	 * BT_EFULL when the dead letters would hold more than d->cap bytes. */
	int (*keep)(struct bt__sink *s, const struct bt__sink_dead *d);
	/* Optional: a resolution failed half-way, so the identity ready() gave
	 * may be half-updated: rebuild it before it is used again. */
	void (*stale)(struct bt__sink *s);
	/* Optional: make everything taken so far durable. */
	int (*flush)(struct bt__sink *s, struct bt_err *err);
	/* Optional: drop what was not flushed. */
	void (*abort)(struct bt__sink *s);
	void (*free)(struct bt__sink *s);
};

struct bt__sink {
	const struct bt__sink_ops *ops;
};

enum { BT__INGEST_NO_DEAD_LETTERS = 1 }; /* retrying dead letters: do not file them again */

/* Start an ingest into sink, which the ingest owns from then on (also
 * when this fails) and frees at bt_ingest_end or bt_ingest_abort. */
int bt__ingest_begin_sink(struct bt__sink *sink, const char *origin, unsigned flags,
			  struct bt_ingest **out, struct bt_err *err);

/* Start an ingest into database db through the durable sink (ingest_db.c);
 * bt_ingest_begin is this with no flags. */
int bt__ingest_begin_db(struct bt_db *db, const char *origin, unsigned flags,
			struct bt_ingest **out, struct bt_err *err);

/* The most of a rejected record kept as its dead letter. */
#define BT__DEAD_KEEP (64 * 1024)

#endif
