/* SPDX-License-Identifier: Apache-2.0 */
/*
 * store.h - the storage interface: a table of function pointers that each
 * backend fills (git's ref backends).  sqlite.c is the embedded default; a
 * PostgreSQL backend implements the same table.
 *
 * The library holds identity in memory and asks the store to persist what a
 * batch changed (write_batch) and to answer the queries the CLI and server
 * need.  Every operation returns 0 or a negative BT_E* code with detail in
 * err.  Writes happen only between begin() and commit()/rollback().
 */
#ifndef BT_STORE_H
#define BT_STORE_H

#include "baton/error.h"
#include "identity.h"
#include "util/arena.h"
#include "util/map.h"

#include <stdint.h>

/* One accepted event, as the store keeps it. */
struct bt__store_event {
	int64_t seq; /* arrival order, from 1 */
	int64_t ts;  /* event time, ms */
	uint32_t anchor; /* identifier id of its strongest identifier */
	uint32_t eid_len;
	const char *eid; /* client id (idempotency key) or NULL */
	uint64_t eid_hash;
	const char *raw; /* the event's JSON text */
	size_t raw_len;
};

/* One rejected record. */
struct bt__store_dead {
	const char *origin; /* file name, "stdin", "api" ... */
	long line;
	const char *format; /* "json" or "csv" */
	const char *reason;
	const char *raw;
	size_t raw_len;
	int truncated;
};

/* What one ingest batch changed. */
struct bt__batch {
	struct bt__store_event *events;
	size_t nevents, capevents;
	struct bt__store_dead *dead;
	size_t ndead, capdead;
	struct bt__idlog idlog;
	struct bt_arena arena; /* raw texts, ids and reasons of this batch */
};

/* A dead letter as read back. */
struct bt_dead_letter;
struct bt_conflict;
struct bt_refusal;
struct bt_token;

typedef int (*bt__ident_cb)(void *ctx, uint32_t ident, const char *text);
typedef int (*bt__raw_cb)(void *ctx, int64_t seq, uint32_t anchor, const char *raw, size_t n);

struct bt__store;

#define BT__STORE_NCOUNTS 7

/* How far a reader of identity has come: the last profile, merge and
 * identifier it saw. */
struct bt__idmark {
	int64_t profile, merge, ident;
};

struct bt__idfeed {
	int (*profile)(void *ctx, uint32_t p, uint32_t merged_into);
	int (*merge)(void *ctx, uint32_t into, uint32_t from);
	int (*ident)(void *ctx, uint32_t ident, const char *text, size_t n, uint32_t profile);
};

struct bt__store_ops {
	const char *name;
	void (*close)(struct bt__store *s);
	/* Start the write transaction; *changed = 1 when another connection
	 * committed since this one last loaded, so memory must be reloaded. */
	int (*begin)(struct bt__store *s, int *changed, struct bt_err *err);
	/* Start a read transaction: one consistent snapshot for a long read.
	 * Ended by rollback().  *changed = 1 when another connection committed
	 * since this one's last load or read_begin. */
	int (*read_begin)(struct bt__store *s, int *changed, struct bt_err *err);
	/* Commit; BT_EIO when the commit went to files that are no longer at
	 * the database's path (deleted or replaced): it is not durable. */
	int (*commit)(struct bt__store *s, struct bt_err *err);
	/* 0 while the files at the database's path are the ones open, else
	 * BT_EIO saying so. */
	int (*check)(struct bt__store *s, struct bt_err *err);
	void (*rollback)(struct bt__store *s);

	/* Fill id (profiles, identifiers, suppression key and hashes), the
	 * event-id filter (hash → event number) and the next event number. */
	int (*load)(struct bt__store *s, struct bt__identity *id, struct bt_u64map *eids,
		    int64_t *next_seq, struct bt_err *err);
	/* Add the event ids of events numbered from `from` on to eids (a
	 * reader catching up); *next_seq, when given, moves past them. */
	int (*eids_since)(struct bt__store *s, int64_t from, struct bt_u64map *eids,
			  int64_t *next_seq, struct bt_err *err);
	/* A number that moves whenever another connection commits. */
	int (*data_version)(struct bt__store *s, int64_t *v, struct bt_err *err);
	/* Is event `seq` the one with client id eid? (A hit of the in-memory
	 * filter is confirmed here.) */
	int (*eid_exists)(struct bt__store *s, int64_t seq, const char *eid, size_t n, int *exists,
			  struct bt_err *err);
	int (*write_batch)(struct bt__store *s, const struct bt__batch *b, struct bt__identity *id,
			   struct bt_err *err);

	/* Profiles. */
	int (*ident_profile)(struct bt__store *s, const char *text, size_t n, int64_t *profile,
			     struct bt_err *err);
	int (*profile_root)(struct bt__store *s, int64_t profile, int64_t *root, struct bt_err *err);
	int (*profile_idents)(struct bt__store *s, int64_t root, bt__ident_cb cb, void *ctx,
			      struct bt_err *err);
	int (*profile_event_count)(struct bt__store *s, int64_t root, int64_t *n,
				   struct bt_err *err);
	int (*profile_conflicts)(struct bt__store *s, int64_t root, struct bt_conflict **out,
				 size_t *n, struct bt_err *err);
	int (*profile_events)(struct bt__store *s, int64_t root, bt__raw_cb cb, void *ctx,
			      struct bt_err *err);
	/* The identifiers refused (bt__idlog_refusal) on the profile's events. */
	int (*profile_refusals)(struct bt__store *s, int64_t root, struct bt_refusal **out,
				size_t *n, struct bt_err *err);
	/* events, live profiles, identifiers, merges, conflicts, dead letters,
	 * refusals */
	int (*counts)(struct bt__store *s, int64_t out[BT__STORE_NCOUNTS], struct bt_err *err);
	/* Every event numbered after `after`, in arrival order. */
	int (*each_event)(struct bt__store *s, int64_t after, bt__raw_cb cb, void *ctx,
			  struct bt_err *err);
	/* What identity gained since mark (all of it from a zero mark), in the
	 * order that rebuilds it: new profiles, then the merges of the ledger,
	 * then new identifiers (text NULL once erased); mark moves on. */
	int (*identity_since)(struct bt__store *s, struct bt__idmark *mark,
			      const struct bt__idfeed *feed, void *ctx, struct bt_err *err);
	/* Event number seq: cb once, or BT_ENOTFOUND. */
	int (*event_get)(struct bt__store *s, int64_t seq, bt__raw_cb cb, void *ctx,
			 struct bt_err *err);

	/* Dead letters. */
	/* Dead letters numbered after `after`, in order: at most limit (0: no
	 * limit), and no more once max_bytes of records are read (0: no bound;
	 * one is always given); *more (may be NULL): whether any follow. */
	int (*dead_letters)(struct bt__store *s, int64_t after, size_t limit, size_t max_bytes,
			    struct bt_dead_letter **out, size_t *n, int *more, struct bt_err *err);
	/* How many dead letters are kept, and their bytes. */
	int (*dead_usage)(struct bt__store *s, int64_t *n, int64_t *bytes, struct bt_err *err);
	int (*dead_letter_delete)(struct bt__store *s, int64_t id, struct bt_err *err);

	/* Erasure (docs/identity.md): each runs inside begin/commit.
	 * conflict_events: the events that carried the person's identifiers
	 * without linking them (refused links and refusals). */
	int (*conflict_events)(struct bt__store *s, int64_t root, bt__raw_cb cb, void *ctx,
			       struct bt_err *err);
	int (*event_set_raw)(struct bt__store *s, int64_t seq, const char *raw, size_t n,
			     struct bt_err *err);
	int (*erase_profile)(struct bt__store *s, int64_t root, int64_t *events,
			     struct bt_err *err);
	/* Remember an erased identifier: its keyed hash, and its type. */
	int (*suppress)(struct bt__store *s, uint64_t hash, const char *type, size_t n,
			struct bt_err *err);
	/* After an erasure: leave no trace in the files (WAL checkpoint). */
	int (*scrub_files)(struct bt__store *s, struct bt_err *err);

	/* API tokens: vals = role, team, person, name (NULL allowed). */
	int (*token_insert)(struct bt__store *s, const unsigned char hash[32], const char *vals[4],
			    int64_t now, int64_t *id, struct bt_err *err);
	int (*token_find)(struct bt__store *s, const unsigned char hash[32], struct bt_token *out,
			  struct bt_err *err);
	int (*token_list)(struct bt__store *s, struct bt_token **out, size_t *n, struct bt_err *err);
	int (*token_revoke)(struct bt__store *s, int64_t id, int64_t now, struct bt_err *err);

	/* Small settings: the loaded config, the epoch, the check of the
	 * suppression key (the key itself is never in the store) ... */
	int (*meta_get)(struct bt__store *s, const char *key, char **val, size_t *n,
			struct bt_err *err);
	int (*meta_set)(struct bt__store *s, const char *key, const void *val, size_t n,
			struct bt_err *err);
};

struct bt__store {
	const struct bt__store_ops *ops;
};

int bt__store_sqlite_open(struct bt__store **out, const char *path, int readonly,
			  struct bt_err *err);

#endif
