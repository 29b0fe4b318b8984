/* SPDX-License-Identifier: Apache-2.0 */
/*
 * baton.h - the public API of libbaton, the journey accountability engine.
 *
 * The CLI (cli/) and the HTTP server (server/) are built on this header
 * alone.  A struct bt_db is an open baton database: the durable store plus
 * the in-memory identity state rebuilt from it.  Functions return 0 or a
 * negative BT_E* code (baton/error.h) and explain failures in an optional
 * struct bt_err.  Library code never prints and never exits.
 */
#ifndef BATON_BATON_H
#define BATON_BATON_H

#include "baton/alloc.h"
#include "baton/error.h"
#include "baton/records.h"
#include "baton/util.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define BATON_VERSION "0.1.0"

struct bt_db;

enum bt_open_flags {
	BT_OPEN_READONLY = 1, /* queries only; fails when the file does not exist */
};

/* Open (creating when absent, unless read-only) the database that path
 * names: a file path, or sqlite:PATH.  (postgres://... is refused as not
 * supported yet.) */
int bt_db_open(struct bt_db **out, const char *path, unsigned flags, struct bt_err *err);
/* 0 while the database file at the path it was opened with is still the
 * one this handle reads and writes; BT_EIO (err says why) once it was
 * deleted or replaced: writes would be lost, and every commit fails. */
int bt_db_check(struct bt_db *db, struct bt_err *err);
/* The database's epoch: it moves with every change that is not an append
 * (an erasure, a new configuration), in the transaction of the change. */
int bt_db_epoch(struct bt_db *db, int64_t *epoch, struct bt_err *err);
/* The number of the last event this connection stored or loaded (0: none). */
int64_t bt_db_last_seq(const struct bt_db *db);
void bt_db_close(struct bt_db *db);

/* ---- configuration ----------------------------------------------------- */

struct bt_config; /* baton/config.h */
struct bt_buf;    /* baton/buf.h */

/* Remember cfg in the database (its YAML text); it then applies to every
 * later command that opens the database.  The journey rules changed since
 * the last load (bt_journey_patch) give way to the file's: when the file
 * sets one otherwise, the load is refused with BT_ECONFLICT (each conflict
 * a line in conflicts, when given) unless force.  Every rule the load
 * changes is audited, by who ("config load", or "config load --force"
 * when it overrode a decision). */
int bt_db_config_load(struct bt_db *db, const struct bt_config *cfg, const char *who, int force,
		      struct bt_buf *conflicts, struct bt_err *err);
/* bt_db_config_load without force, by "baton". */
int bt_db_config_set(struct bt_db *db, const struct bt_config *cfg, struct bt_err *err);
/* The configuration the database remembers (or an empty one), with the
 * rules changed since its load in force. */
int bt_db_config_get(struct bt_db *db, struct bt_config **out, struct bt_err *err);

/* Change rules of journey (decision rights, docs/journeys.md): json is an
 * object of rule fields as the configuration names them ({"handoff_sla":
 * "12h", "sensitive": true, "stages": [{"id": "agent", "sla": "4h"}]}).
 * Each field that changes is kept over the configuration, audited with who
 * and via ("api", "cli"), and *changed counts them.  BT_EINVAL naming the
 * field for a bad one (nothing changes), BT_ENOTFOUND for an unknown
 * journey. */
int bt_journey_patch(struct bt_db *db, const char *journey, const char *json, size_t len,
		     const char *who, const char *via, size_t *changed, struct bt_err *err);
/* What people did about escalations (docs/escalations.md): every act,
 * oldest first (free with bt_esc_actions_free); and one more, by who, now
 * (resolve 0: acknowledged, 1: resolved by hand). */
int bt_escalation_acts(struct bt_db *db, struct bt_esc_action **out, size_t *n, struct bt_err *err);
int bt_escalation_act(struct bt_db *db, const char *id, int resolve, const char *who,
		      struct bt_err *err);
/* Follow-ups closed by hand (docs/followups.md), oldest first (free with
 * bt_fu_closes_free); and one more: follow-up id closed by who, now, with
 * note.  The caller checks that it is open and who may close it. */
int bt_followup_closes(struct bt_db *db, struct bt_fu_close **out, size_t *n, struct bt_err *err);
int bt_followup_close(struct bt_db *db, const char *id, const char *note, const char *who,
		      struct bt_err *err);
/* Announce moments once each (docs/webhooks.md), in one transaction: the
 * first time a key is given, its event is queued for the webhooks that
 * take it (bt_webhook_emit, with its data json) together with the record
 * of the key; after that, nothing.  *fresh counts the first times.  Two
 * servers announcing at once announce once. */
struct bt_moment {
	const char *key, *event;
	int64_t at;
	const char *json;
	size_t len;
};
int bt_announce(struct bt_db *db, const struct bt_moment *m, size_t n, size_t *fresh,
		struct bt_err *err);

/* The audit trail of rule changes, newest first: those numbered before
 * `before` (0: from the newest), of journey (NULL: all), at most limit;
 * the total into *total.  Free with bt_changes_free. */
int bt_changes_list(struct bt_db *db, const char *journey, int64_t before, size_t limit,
		    struct bt_change **out, size_t *n, int64_t *total, struct bt_err *err);

/* ---- ingest ------------------------------------------------------------ */

enum bt_format { BT_FMT_AUTO, BT_FMT_NDJSON, BT_FMT_JSON, BT_FMT_CSV };

/* What bt_ingest_* returns for a record that was not rejected. */
enum bt_ingest_result { BT_INGEST_ACCEPTED = 0, BT_INGEST_DUPLICATE = 1, BT_INGEST_SUPPRESSED = 2 };

struct bt_ingest_stats {
	uint64_t accepted, duplicates, rejected, suppressed;
	/* identifiers of accepted events refused before any link (junk,
	 * malformed, or from a source that may not link them): kept on the
	 * event, joined to no profile, recorded for review (bt_profile) */
	uint64_t refused;
};

/* Called for every rejected record: where it was (line for files, 0-based
 * index for a request body), and why.  The record is kept as a dead letter. */
typedef void (*bt_reject_fn)(void *ctx, long line, long index, const char *reason);

struct bt_ingest;

/*
 * Start an ingest.  origin names the input in dead letters ("calls.ndjson",
 * "stdin", "api").  Records are validated and resolved at once and written
 * in large transactions; bt_ingest_end() makes everything durable.
 */
int bt_ingest_begin(struct bt_db *db, const char *origin, struct bt_ingest **out,
		    struct bt_err *err);
/* One JSON event text.  Returns an enum bt_ingest_result, BT_EINVAL when the
 * record was rejected (err says why; it is kept as a dead letter), or another
 * negative code when the store failed (the ingest must be aborted). */
int bt_ingest_json(struct bt_ingest *in, const char *rec, size_t len, long line,
		   struct bt_err *err);
/* Is this JSON text an event, as ingest reads it (its size, strict JSON,
 * its fields)?  0, or BT_EINVAL with err saying why; nothing is kept.  The
 * identity rules of a database may still refuse its identifiers. */
int bt_event_check(const char *rec, size_t len, struct bt_err *err);
/* Feed a whole input: NDJSON (one event per line, blank lines skipped), a
 * JSON document (an array of events or one event), or CSV read with the
 * mapping file map_path.  Rejected records go to reject(ctx, ...). */
int bt_ingest_stream(struct bt_ingest *in, FILE *f, enum bt_format fmt, const char *map_path,
		     bt_reject_fn reject, void *ctx, struct bt_err *err);
int bt_ingest_buffer(struct bt_ingest *in, const char *data, size_t len, enum bt_format fmt,
		     bt_reject_fn reject, void *ctx, struct bt_err *err);
/* Keep a record that could not be read as an event (a bad CSV row). */
int bt_ingest_reject_raw(struct bt_ingest *in, const char *raw, size_t len, long line,
			 const char *format, const char *reason, struct bt_err *err);
/* Make everything so far durable. */
int bt_ingest_flush(struct bt_ingest *in, struct bt_err *err);
/* The counts so far (for a caller that feeds several requests into one
 * ingest and answers each with its own share). */
void bt_ingest_counts(const struct bt_ingest *in, struct bt_ingest_stats *st);
/* Bounds on the dead letters an ingest keeps: budget, the bytes of
 * rejected records it may keep from now on (-1: no bound); cap, the bytes
 * all dead letters may hold in the database (default BT_DEAD_LETTER_CAP;
 * -1: no bound).  A rejected record past them is still rejected and
 * reported, with "not kept" and the reason, but is not stored. */
#define BT_DEAD_LETTER_CAP (256LL * 1024 * 1024)
void bt_ingest_dead_limits(struct bt_ingest *in, int64_t budget, int64_t cap);
/* Rejected records not kept for those bounds, and bytes kept, so far. */
void bt_ingest_dead_usage(const struct bt_ingest *in, uint64_t *refused, uint64_t *kept_bytes);
/* Flush, report the counts and free the ingest. */
int bt_ingest_end(struct bt_ingest *in, struct bt_ingest_stats *st, struct bt_err *err);
/* Drop what was not flushed and free the ingest. */
void bt_ingest_abort(struct bt_ingest *in);

/* ---- profiles ---------------------------------------------------------- */

struct bt_profile {
	int64_t id; /* the surviving profile id */
	char **identifiers; /* "type:value", sorted */
	size_t nidentifiers;
	int64_t events;
	struct bt_conflict *conflicts;
	size_t nconflicts;
	struct bt_refusal *refusals; /* on this profile's events */
	size_t nrefusals;
	struct bt_merge *merges; /* that made it, oldest first */
	size_t nmerges;
};

/*
 * Find the profile of ident: "type:value" (normalised as on ingest) or a
 * profile id ("P17", also a merged one).  BT_ENOTFOUND when nothing matches.
 */
int bt_profile_get(struct bt_db *db, const char *ident, struct bt_profile **out,
		   struct bt_err *err);
void bt_profile_free(struct bt_profile *p);

/* Format a profile id ("P17") into out (at least 24 bytes). */
void bt_profile_id_format(int64_t id, char out[24]);

/* ---- identity review (docs/identity.md, "Reviewing merges and conflicts") */

/* The merge ledger of the profile of ident (type:value or a profile id):
 * the merges that made it, and those undone in it, oldest first, each
 * with its state; *root is the profile. */
int bt_merges_get(struct bt_db *db, const char *ident, int64_t *root, struct bt_merge **out,
		  size_t *n, struct bt_err *err);

/* Which conflicts a page lists. */
enum bt_conflict_filter { BT_CONFLICTS_ALL, BT_CONFLICTS_OPEN, BT_CONFLICTS_RESOLVED };
/* The conflicts, newest first: those numbered below `before` (0: from the
 * newest), at most limit; *total counts those the filter takes, *more says
 * whether any follow.  Free with bt_conflicts_free. */
int bt_conflicts_page(struct bt_db *db, enum bt_conflict_filter which, int64_t before,
		      size_t limit, struct bt_conflict **out, size_t *n, int64_t *total, int *more,
		      struct bt_err *err);

enum bt_resolve_action { BT_KEEP_APART, BT_MERGE };
extern const char *const bt_resolve_action_names[2]; /* "keep_apart", "merge" */

/* What resolving a conflict did. */
struct bt_resolved {
	int64_t conflict;
	enum bt_resolve_action action;
	int64_t profile, other; /* the two sides' profiles now (equal once merged) */
	int64_t merge;          /* BT_MERGE: the ledger row it added (0: they were one) */
};

/*
 * Resolve conflict id: keep its two sides apart (from then on no link may
 * join them: a later one is a conflict too), or merge them where no guard
 * rail forbids it.  by names who decided (a token's person or name).
 * BT_ENOTFOUND: no such conflict; BT_ECONFLICT (err says why): resolved
 * already, a guard rail forbids the merge, the two are one profile already
 * (keep_apart: split the merge that joined them), or the event is erased.
 */
int bt_conflict_resolve(struct bt_db *db, int64_t id, enum bt_resolve_action action,
			const char *by, struct bt_resolved *out, struct bt_err *err);

/* What a split did: the profiles the tree became (the one that keeps the
 * old id first), and what moved. */
struct bt_split {
	int64_t merge;   /* the ledger row undone */
	int64_t profile; /* the profile split */
	int64_t *profiles;
	size_t nprofiles;
	size_t identifiers, events; /* moved to another profile */
	size_t relinked;            /* ledger rows added for links kept */
	size_t conflicts;           /* links of other events now refused */
};
void bt_split_release(struct bt_split *s);

/*
 * Undo merge `merge` of the profile of ident (docs/identity.md, "Split"),
 * as if its link had been refused: the identifiers it linked, and what was
 * linked later through them, go back to profiles of their own with their
 * events, and the two identifiers it linked are kept apart from then on.
 * by names who decided.  BT_ENOTFOUND: no such profile, no such merge, or
 * not one in effect in that profile; BT_ECONFLICT: split already, or its
 * event is erased.  The epoch moves (readers rebuild).
 */
int bt_split(struct bt_db *db, const char *ident, int64_t merge, const char *by,
	     struct bt_split *out, struct bt_err *err);

/* ---- events ------------------------------------------------------------ */

/* The stored JSON of the event whose `id` is eid (free with bt_free), or
 * BT_ENOTFOUND. */
int bt_event_get(struct bt_db *db, const char *eid, char **json, size_t *len, struct bt_err *err);

/* ---- dead letters ------------------------------------------------------ */

int bt_dead_letters_list(struct bt_db *db, struct bt_dead_letter **out, size_t *n,
			 struct bt_err *err);
/* A page of dead letters: those numbered after `after`, at most limit, and
 * no more once BT_DEAD_PAGE_BYTES of records are in it (one always is);
 * *total counts every dead letter kept, *more says whether any follow. */
#define BT_DEAD_PAGE_BYTES (1024 * 1024)
int bt_dead_letters_page(struct bt_db *db, int64_t after, size_t limit, struct bt_dead_letter **out,
			 size_t *n, int64_t *total, int *more, struct bt_err *err);
int bt_dead_letter_delete(struct bt_db *db, int64_t id, struct bt_err *err);
/* Try the JSON dead letters again (after a fix of the config, say): those
 * that are now accepted leave the list.  *retried and *fixed count them. */
int bt_dead_letters_retry(struct bt_db *db, size_t *retried, size_t *fixed, struct bt_err *err);

/* ---- erasure ----------------------------------------------------------- */

struct bt_erase_stats {
	int64_t profile;
	size_t identifiers, events, scrubbed, dead_letters;
	int already; /* the identifier was erased before: only the files were scrubbed */
};

/* Erase the person of ident (docs/identity.md, Erasure): see erase.c. */
int bt_erase(struct bt_db *db, const char *ident, struct bt_erase_stats *st, struct bt_err *err);

/* ---- retention (docs/retention.md) --------------------------------------- */

/* One data set's purge: how long it is kept (0: for ever, nothing
 * purged), the horizon (rows made at or before it go) and how many went
 * (or, in a dry run, would go). */
struct bt_purge_set {
	int64_t keep_ms, upto_ms, purged;
};
struct bt_purge_stats {
	int64_t as_of_ms;
	struct bt_purge_set events, dead_letters, webhook_deliveries;
};

/* Purge what cfg's retention no longer keeps at as_of (ms), in one
 * transaction (dry: count only; as_of later than now is refused unless
 * dry), with the signed-out sessions long expired.  When rows went, call
 * bt_purge_scrub then (on any connection that may write) to leave no trace
 * of them in the files, as an erasure does. */
int bt_purge(struct bt_db *db, const struct bt_config *cfg, int64_t as_of, int dry,
	     struct bt_purge_stats *st, struct bt_err *err);
int bt_purge_scrub(struct bt_db *db, struct bt_err *err);

/* ---- summary ----------------------------------------------------------- */

struct bt_summary {
	int64_t events, profiles, identifiers, merges, conflicts, dead_letters;
	int64_t refused; /* identifiers refused before any link (bt_refusal) */
};
int bt_summary_get(struct bt_db *db, struct bt_summary *s, struct bt_err *err);

#endif
