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
#include "baton/records.h"
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
struct bt_merge;
struct bt_change;
struct bt_action;
struct bt_initiative;
struct bt_esc_action;
struct bt_calchange;
struct bt_token;
struct bt_webhook;
struct bt_webhook_attempt;
struct bt_webhook_delivery;
struct bt_webhook_job;

typedef int (*bt__ident_cb)(void *ctx, uint32_t ident, const char *text);
typedef int (*bt__raw_cb)(void *ctx, int64_t seq, uint32_t anchor, const char *raw, size_t n);

struct bt__store;

/* One value of a row copied whole (ops.copy). */
enum bt__cell_type { BT_CELL_NULL, BT_CELL_INT, BT_CELL_REAL, BT_CELL_TEXT, BT_CELL_BLOB };
struct bt__cell {
	enum bt__cell_type type;
	int64_t i;
	double r;
	const void *p; /* text or blob */
	size_t n;
};

#define BT__STORE_NCOUNTS 7

/* How far a reader of identity has come: the last profile, merge,
 * identifier and pair kept apart it saw (identifier ids start at 0: -1 for
 * none). */
struct bt__idmark {
	int64_t profile, merge, ident, apart;
};

/* apart may be NULL: a reader that resolves nothing needs no pairs. */
struct bt__idfeed {
	int (*profile)(void *ctx, uint32_t p, uint32_t merged_into);
	int (*merge)(void *ctx, uint32_t into, uint32_t from);
	int (*ident)(void *ctx, uint32_t ident, const char *text, size_t n, uint32_t profile);
	int (*apart)(void *ctx, uint32_t a, uint32_t b);
};

/* ---- identity review (src/review.c, docs/identity.md) ---- */

/* A profile of a tree (the root, or one merged into it): the event that
 * made it and the identifier it was made for (BT_ID_NONE when the store
 * does not know: made before the store kept it). */
struct bt__member {
	uint32_t profile;
	int64_t event;
	uint32_t ident;
};

/* A row of the merge ledger, with the ids a split needs. */
struct bt__merge_row {
	int64_t seq, event;
	uint32_t into, from, ident;
	int split; /* a split undid it */
};

/* A row of the conflicts, with ids. */
enum { BT__OPEN, BT__KEEP_APART, BT__MERGED };
struct bt__conflict_row {
	int64_t seq, event;
	uint32_t ident, profile, other;
	int resolution; /* BT__OPEN, BT__KEEP_APART or BT__MERGED */
};

/* A refusal of an identifier (bt__idlog_refusal) as stored. */
struct bt__refusal_row {
	int64_t seq, event;
	uint32_t profile;
	const char *ident; /* "type:value", for the callback's time */
};
typedef int (*bt__refusal_cb)(void *ctx, const struct bt__refusal_row *r);

/* A page of the conflicts, newest first. */
struct bt__conflict_query {
	int state;      /* -1 every one, BT__OPEN, or resolved (any other) */
	int64_t before; /* only those numbered below (0: from the newest) */
	size_t limit;
};

/* The new shape of one tree after a split: what the store must change. */
struct bt__reshape {
	struct bt__reshape_ident {
		uint32_t ident, profile;
	} *idents; /* identifiers that move */
	size_t nidents, capidents;
	struct bt__reshape_profile {
		uint32_t profile, root; /* root == profile: a root */
		uint32_t ident;         /* made new: the identifier it is made for */
		int made;
	} *profiles; /* profiles that move or are made */
	size_t nprofiles, capprofiles;
	struct bt__reshape_refusal {
		int64_t seq;
		uint32_t profile;
	} *refusals; /* refusals whose event went to another profile */
	size_t nrefusals, caprefusals;
	/* merges appended to the ledger (their profiles are moved already:
	 * nothing else moves) and conflicts recorded */
	struct bt__idlog log;
};

/* The operations, grouped by area.  A PostgreSQL backend fills the same
 * table (and reuses the event-log codec, eventlog.h). */
/* The data sets retention purges (docs/retention.md). */
enum bt__purge_set {
	BT__PURGE_DEAD_LETTERS,
	BT__PURGE_DELIVERIES,
	BT__PURGE_EVENTS,
	BT__PURGE_SESSIONS /* ended sessions past their expiry: no longer needed */
};

struct bt__store_ops {
	const char *name;
	void (*close)(struct bt__store *s);
	/* events, live profiles, identifiers, merges, conflicts, dead letters,
	 * refusals */
	int (*counts)(struct bt__store *s, int64_t out[BT__STORE_NCOUNTS], struct bt_err *err);

	/* Transactions, and the files behind them. */
	struct {
		/* Start the write transaction.  (Whether another connection
		 * committed meanwhile: data_version.) */
		int (*begin)(struct bt__store *s, struct bt_err *err);
		/* Start a read transaction: one consistent snapshot for a long
		 * read.  Ended by rollback().  *changed = 1 when another
		 * connection committed since this one's last load or
		 * read_begin. */
		int (*read_begin)(struct bt__store *s, int *changed, struct bt_err *err);
		/* Commit; BT_EIO when the commit went to files that are no
		 * longer at the database's path (deleted or replaced): it is not
		 * durable. */
		int (*commit)(struct bt__store *s, struct bt_err *err);
		void (*rollback)(struct bt__store *s);
		/* 1 while a write transaction (begin) is open, else 0. */
		int (*writing)(struct bt__store *s);
		/* 0 while the files at the database's path are the ones open,
		 * else BT_EIO saying so. */
		int (*check)(struct bt__store *s, struct bt_err *err);
		/* A number that moves whenever another connection commits. */
		int (*data_version)(struct bt__store *s, int64_t *v, struct bt_err *err);
		/* Write what one ingest batch changed: its events, the identity
		 * its resolutions changed (b->idlog, texts from id), its dead
		 * letters. */
		int (*write_batch)(struct bt__store *s, const struct bt__batch *b,
				   struct bt__identity *id, struct bt_err *err);
		/* After an erasure: leave no trace in the files (for SQLite, a
		 * WAL checkpoint). */
		int (*scrub_files)(struct bt__store *s, struct bt_err *err);
		/* Several nodes (docs/storage.md), NULL where the backend has
		 * none (SQLite: the follower polls).  listen: start hearing of
		 * other connections' commits (again after a reconnection);
		 * *fd a descriptor readable when one is announced, -1 while
		 * the connection is lost.  notified: take what was announced
		 * without waiting; 1 if anything was (or the connection is
		 * lost), else 0.  committed: the count of write transactions
		 * committed in the database (in a read, in its snapshot). */
		int (*listen)(struct bt__store *s, int *fd, struct bt_err *err);
		int (*notified)(struct bt__store *s);
		int (*committed)(struct bt__store *s, int64_t *n, struct bt_err *err);
	} txn;

	/* Events: the event log (its segments: eventlog.h). */
	struct {
		/* Every event numbered after `after`, in arrival order. */
		int (*each)(struct bt__store *s, int64_t after, bt__raw_cb cb, void *ctx,
			    struct bt_err *err);
		/* Event number seq: cb once, or BT_ENOTFOUND. */
		int (*get)(struct bt__store *s, int64_t seq, bt__raw_cb cb, void *ctx,
			   struct bt_err *err);
		/* Add the event ids of events numbered from `from` on to eids
		 * (hash → event number); *next_seq, when given, moves past
		 * them. */
		int (*ids_since)(struct bt__store *s, int64_t from, struct bt_u64map *eids,
				 int64_t *next_seq, struct bt_err *err);
		/* Is event `seq` the one with client id eid? (A hit of the
		 * in-memory filter is confirmed here.) */
		int (*id_is)(struct bt__store *s, int64_t seq, const char *eid, size_t n,
			     int *exists, struct bt_err *err);
		/* The events of a profile (root), and their count. */
		int (*of_profile)(struct bt__store *s, int64_t root, bt__raw_cb cb, void *ctx,
				  struct bt_err *err);
		int (*count_of_profile)(struct bt__store *s, int64_t root, int64_t *n,
					struct bt_err *err);
		/* Erasure: the events that carried the person's identifiers
		 * without linking them (refused links and refusals), each a
		 * copy cb may rewrite; and a new text for event seq. */
		int (*of_conflicts)(struct bt__store *s, int64_t root, bt__raw_cb cb, void *ctx,
				    struct bt_err *err);
		int (*set_raw)(struct bt__store *s, int64_t seq, const char *raw, size_t n,
			       struct bt_err *err);
	} events;

	/* Identity: profiles, identifiers, the merge ledger, conflicts,
	 * refusals and the suppression list of erased identifiers. */
	struct {
		/* Fill id: profiles, identifiers, suppression key and hashes. */
		int (*load)(struct bt__store *s, struct bt__identity *id, struct bt_err *err);
		/* What identity gained since mark (all of it from a zero mark),
		 * in the order that rebuilds it: new profiles, then the merges
		 * of the ledger (those in effect: not one undone by a split),
		 * then new identifiers (text NULL once erased), then the pairs
		 * kept apart; mark moves on. */
		int (*since)(struct bt__store *s, struct bt__idmark *mark,
			     const struct bt__idfeed *feed, void *ctx, struct bt_err *err);
		/* The mark of all that identity holds now (in the current
		 * transaction): what since() would read from a zero mark, and
		 * not from this one. */
		int (*mark)(struct bt__store *s, struct bt__idmark *mark, struct bt_err *err);
		/* Resolve an identifier's text to its profile, a profile to its
		 * root. */
		int (*ident_profile)(struct bt__store *s, const char *text, size_t n,
				     int64_t *profile, struct bt_err *err);
		int (*profile_root)(struct bt__store *s, int64_t profile, int64_t *root,
				    struct bt_err *err);
		/* A profile's identifiers, conflicts and refusals (the
		 * identifiers refused on its events, bt__idlog_refusal). */
		int (*profile_idents)(struct bt__store *s, int64_t root, bt__ident_cb cb,
				      void *ctx, struct bt_err *err);
		int (*conflicts)(struct bt__store *s, int64_t root, struct bt_conflict **out,
				 size_t *n, struct bt_err *err);
		int (*refusals)(struct bt__store *s, int64_t root, struct bt_refusal **out,
				size_t *n, struct bt_err *err);
		/* The merges of the ledger that made profile root or were
		 * undone in it (into or from one of its profiles), oldest
		 * first, each with its state. */
		int (*merges)(struct bt__store *s, int64_t root, struct bt_merge **out, size_t *n,
			      struct bt_err *err);

		/* Identity review (docs/identity.md).  The profiles of root's
		 * tree (root first). */
		int (*members)(struct bt__store *s, int64_t root, struct bt__member **out,
			       size_t *n, struct bt_err *err);
		/* Ledger row seq: BT_ENOTFOUND when there is none. */
		int (*merge_get)(struct bt__store *s, int64_t seq, struct bt__merge_row *out,
				 struct bt_err *err);
		/* The conflicts over an identifier of root's. */
		int (*conflict_rows)(struct bt__store *s, int64_t root,
				     struct bt__conflict_row **out, size_t *n, struct bt_err *err);
		/* The refusals recorded on root's tree, or of one of its
		 * identifiers. */
		int (*refusal_rows)(struct bt__store *s, int64_t root, bt__refusal_cb cb, void *ctx,
				    struct bt_err *err);
		/* A page of the conflicts (every one: an admin's review list),
		 * *total those of q's state, *more whether any follow. */
		int (*conflicts_page)(struct bt__store *s, const struct bt__conflict_query *q,
				      struct bt_conflict **out, size_t *n, int64_t *total, int *more,
				      struct bt_err *err);
		/* Conflict seq, with ids; BT_ENOTFOUND when there is none. */
		int (*conflict_get)(struct bt__store *s, int64_t seq, struct bt__conflict_row *out,
				    struct bt_err *err);
		/* Inside begin/commit: resolve conflict seq (BT__KEEP_APART or
		 * BT__MERGED), by whom. */
		int (*conflict_resolve)(struct bt__store *s, int64_t seq, int resolution,
					const char *by, struct bt_err *err);
		/* Inside begin/commit: keep identifiers a and b apart from now
		 * on, because ledger row merge was split or conflict was kept
		 * apart (the other 0). */
		int (*apart_add)(struct bt__store *s, uint32_t a, uint32_t b, int64_t merge,
				 int64_t conflict, const char *by, struct bt_err *err);
		/* Inside begin/commit: give one tree the shape a split made. */
		int (*reshape)(struct bt__store *s, const struct bt__reshape *r, struct bt_err *err);
		/* Erasure (docs/identity.md), inside begin/commit: remove the
		 * person (their events, identifiers' text, conflicts), and
		 * remember an erased identifier: its keyed hash, and its type. */
		int (*erase_profile)(struct bt__store *s, int64_t root, int64_t *events,
				     struct bt_err *err);
		int (*suppress)(struct bt__store *s, uint64_t hash, const char *type, size_t n,
				struct bt_err *err);
	} identity;

	/* Configuration and settings: the loaded configuration's text, the
	 * epoch, the check of the suppression key (the key itself is never in
	 * the store) ... */
	struct {
		int (*get)(struct bt__store *s, const char *key, char **val, size_t *n,
			   struct bt_err *err);
		int (*set)(struct bt__store *s, const char *key, const void *val, size_t n,
			   struct bt_err *err);
		/* A key for purpose, derived from the database's own key (the
		 * suppression list's, kept out of the database); BT_EUSAGE on
		 * a connection that has none (one opened read-only). */
		int (*key)(struct bt__store *s, const char *purpose, unsigned char out[32],
			   struct bt_err *err);
	} config;

	/* Journey rules changed since the configuration was loaded (a field
	 * of a journey: "handoff_sla", "stages.agent.sla", ...; the value as
	 * the configuration would write it), and the audit trail of every
	 * change.  Writes inside begin/commit. */
	struct {
		int (*list)(struct bt__store *s, int (*cb)(void *ctx, const char *journey,
							    const char *field, const char *value),
			    void *ctx, struct bt_err *err);
		/* value NULL: the field is the configuration's again */
		int (*set)(struct bt__store *s, const char *journey, const char *field,
			   const char *value, struct bt_err *err);
		int (*audit)(struct bt__store *s, const struct bt_change *c, struct bt_err *err);
		/* the trail newest first: those numbered before `before` (0:
		 * from the newest), of journey (NULL: all), at most limit; the
		 * total of journey's (or all) into *total */
		int (*changes)(struct bt__store *s, const char *journey, int64_t before, size_t limit,
			       struct bt_change **out, size_t *n, int64_t *total, struct bt_err *err);
	} rules;

	/* Escalations: what people did about them (escalate.c derives the
	 * rest), all of it oldest first (free each id and who, then the
	 * array); and announcements, each key once: *fresh = 1 the first
	 * time.  Writes inside begin/commit. */
	struct {
		int (*act)(struct bt__store *s, const struct bt_esc_action *a, struct bt_err *err);
		int (*acts)(struct bt__store *s, struct bt_esc_action **out, size_t *n,
			    struct bt_err *err);
		int (*announce)(struct bt__store *s, const char *key, int64_t at, int *fresh,
				struct bt_err *err);
	} escalations;

	/* Follow-ups closed by hand (docs/followups.md), oldest first (a
	 * reader of an older file: none).  close writes inside begin/commit. */
	struct {
		int (*close)(struct bt__store *s, const struct bt_fu_close *c, struct bt_err *err);
		int (*closes)(struct bt__store *s, struct bt_fu_close **out, size_t *n,
			      struct bt_err *err);
	} followups;

	/* Actions (docs/governance.md), oldest first.  insert sets a->id;
	 * update writes every field of action a->id (BT_ENOTFOUND). */
	struct {
		int (*insert)(struct bt__store *s, struct bt_action *a, struct bt_err *err);
		int (*update)(struct bt__store *s, const struct bt_action *a, struct bt_err *err);
		int (*list)(struct bt__store *s, struct bt_action **out, size_t *n,
			    struct bt_err *err);
	} actions;
	/* Initiatives (docs/initiatives.md): insert one (its id into *id;
	 * writes inside begin/commit), and every one, oldest first (free with
	 * bt_initiatives_free). */
	struct {
		int (*insert)(struct bt__store *s, const struct bt_initiative *in, int64_t *id,
			      struct bt_err *err);
		int (*list)(struct bt__store *s, struct bt_initiative **out, size_t *n,
			    struct bt_err *err);
	} initiatives;
	/* The change calendar (docs/changes.md): add one (its id into *id;
	 * writes inside begin/commit), and every change, the latest date
	 * first (ties: the newest id first); bt_calchanges_free. */
	struct {
		int (*add)(struct bt__store *s, const struct bt_calchange *c, int64_t *id,
			   struct bt_err *err);
		int (*list)(struct bt__store *s, struct bt_calchange **out, size_t *n,
			    struct bt_err *err);
	} calendar;

	/* API tokens: vals = role, team, person, name (NULL allowed). */
	struct {
		int (*insert)(struct bt__store *s, const unsigned char hash[32],
			      const char *vals[4], int64_t now, int64_t *id, struct bt_err *err);
		int (*find)(struct bt__store *s, const unsigned char hash[32],
			    struct bt_token *out, struct bt_err *err);
		int (*list)(struct bt__store *s, struct bt_token **out, size_t *n,
			    struct bt_err *err);
		int (*revoke)(struct bt__store *s, int64_t id, int64_t now, struct bt_err *err);
	} tokens;

	/* Dead letters (they are written by write_batch). */
	struct {
		/* Those numbered after `after`, in order: at most limit (0: no
		 * limit), and no more once max_bytes of records are read (0: no
		 * bound; one is always given); *more (may be NULL): whether any
		 * follow. */
		int (*list)(struct bt__store *s, int64_t after, size_t limit, size_t max_bytes,
			    struct bt_dead_letter **out, size_t *n, int *more, struct bt_err *err);
		/* How many are kept, and their bytes. */
		int (*usage)(struct bt__store *s, int64_t *n, int64_t *bytes, struct bt_err *err);
		int (*remove)(struct bt__store *s, int64_t id, struct bt_err *err);
	} dead;

	/* Webhooks and their deliveries (webhook.c).  Writes inside
	 * begin/commit.  Lists are newest first: ids below `before` (0: from
	 * the newest), at most limit (0: all), with the count of all. */
	struct {
		/* events: space-separated; sealed: the secret, encrypted */
		int (*insert)(struct bt__store *s, const char *url, const char *events,
			      const void *sealed, size_t n, int64_t now, int64_t *id,
			      struct bt_err *err);
		int (*list)(struct bt__store *s, int64_t before, size_t limit,
			    struct bt_webhook **out, size_t *n, int64_t *total, struct bt_err *err);
		/* With its deliveries and their attempts; BT_ENOTFOUND. */
		int (*remove)(struct bt__store *s, int64_t id, struct bt_err *err);
		/* Queue a delivery, due at `now`. */
		int (*enqueue)(struct bt__store *s, int64_t webhook, const char *uid,
			       const char *event, const char *body, size_t n, int64_t now,
			       struct bt_err *err);
		/* A webhook's deliveries (webhook 0: all), each with its attempts. */
		int (*deliveries)(struct bt__store *s, int64_t webhook, int64_t before,
				  size_t limit, struct bt_webhook_delivery **out, size_t *n,
				  int64_t *total, struct bt_err *err);
		/* Claim the pending delivery due first (due at or before now):
		 * it is due again only at `until`, and job->claim = claim.
		 * Fills job but its secret, and hands over the sealed secret
		 * (to free); BT_ENOTFOUND when none is due. */
		int (*claim)(struct bt__store *s, int64_t now, int64_t until, int64_t claim,
			     struct bt_webhook_job *job, unsigned char **sealed, size_t *sealed_n,
			     struct bt_err *err);
		/* Record attempt a of the delivery held by claim, and its new
		 * state (pending: due again at a->next); BT_ENOTFOUND when the
		 * claim is no longer held (its webhook was deleted, or it
		 * lapsed and another sender claimed the delivery). */
		int (*attempt)(struct bt__store *s, int64_t delivery, int64_t claim,
			       const struct bt_webhook_attempt *a, int state, struct bt_err *err);
		/* Give a claimed delivery back unsent, due at `at`. */
		int (*unclaim)(struct bt__store *s, int64_t delivery, int64_t claim, int64_t at,
			       struct bt_err *err);
		/* When the pending delivery due first is due; BT_ENOTFOUND. */
		int (*next_due)(struct bt__store *s, int64_t *at, struct bt_err *err);
	} webhooks;

	/* Retention (docs/retention.md), inside begin/commit: the rows of
	 * data set `set` made at or before `upto` (ms): deleted, or with dry
	 * only counted; *n how many.  Dead letters by the time they were
	 * rejected; webhook deliveries no longer pending by the time they were
	 * queued, with their attempts; events by their time (ts), each
	 * becoming a tombstone in its segment, as an erased one does. */
	struct {
		int (*purge)(struct bt__store *s, enum bt__purge_set set, int64_t upto, int dry,
			     int64_t *n, struct bt_err *err);
	} retention;

	/* Dashboard sessions signed out (docs/dashboard.md), by the hash of
	 * their id: end (inside begin/commit; again is no error), and whether
	 * one is. */
	struct {
		int (*end)(struct bt__store *s, const unsigned char id[32], int64_t expires,
			   struct bt_err *err);
		int (*ended)(struct bt__store *s, const unsigned char id[32], int *ended,
			     struct bt_err *err);
	} sessions;

	/* Whole tables, row by row, for `baton migrate` (src/migrate.c): the
	 * table and column names come from migrate.c's fixed list, never from
	 * input; values are parameters.  A column's name is SQLite's (a backend
	 * maps its own spelling). */
	struct {
		/* Every row of table, in order (NULL: the order the rows were
		 * written), cb called with ncols cells; a nonzero return of cb
		 * stops and is returned. */
		int (*rows)(struct bt__store *s, const char *table, const char *const *cols,
			    size_t ncols, const char *order,
			    int (*cb)(void *ctx, const struct bt__cell *v), void *ctx,
			    struct bt_err *err);
		/* Insert one row (in the write transaction); an existing meta
		 * key is replaced. */
		int (*put)(struct bt__store *s, const char *table, const char *const *cols,
			   size_t ncols, const struct bt__cell *v, struct bt_err *err);
		/* After the rows (in the transaction): numbering goes on after
		 * the highest id copied. */
		int (*done)(struct bt__store *s, struct bt_err *err);
	} copy;
};

struct bt__store {
	const struct bt__store_ops *ops;
};

/* Open the store that `where` names: a path or sqlite:PATH (store.c says
 * which strings are understood).  Every opener goes through here. */
int bt__store_open(struct bt__store **out, const char *where, int readonly, struct bt_err *err);
/* The SQLite backend, on the file at path. */
int bt__store_sqlite_open(struct bt__store **out, const char *path, int readonly,
			  struct bt_err *err);

/* The PostgreSQL backend, on the database a postgres:// URI names. */
int bt__store_pg_open(struct bt__store **out, const char *uri, int readonly, struct bt_err *err);

#endif
