/* SPDX-License-Identifier: Apache-2.0 */
/*
 * live.h - the live state `baton serve` answers from: every stored event in
 * compact form, identity, and an index from each identifier to its events,
 * kept in memory and brought up to date from the database after each
 * commit, so that the agent's context call reads one customer's events
 * without touching the disk (the goal, bench/README.md: p99 ≤ 1 ms while
 * ingest runs).
 *
 * The database stays the system of record: the state is built from it, and
 * follows it by reading what was appended since (events, profiles, merges,
 * identifiers).  A change that is not an append (an erasure, a new
 * configuration) moves the database's epoch, and the state is rebuilt
 * beside the old one, which keeps answering until the new one is ready.
 *
 * Thread safety: one thread calls bt_live_refresh; any number of threads
 * may query at the same time.  Queries never wait for a refresh longer than
 * it takes to append a few dozen events.
 */
#ifndef BATON_LIVE_H
#define BATON_LIVE_H

#include "baton/baton.h"
#include "baton/buf.h"
#include "baton/engine.h"

#include <stdint.h>

struct bt_live;

/* Open the database at path read-only for following it; nothing is built
 * until the first bt_live_refresh. */
int bt_live_open(const char *path, struct bt_live **out, struct bt_err *err);
void bt_live_close(struct bt_live *l);

/* Catch up with the database (build it all on the first call or after the
 * epoch moved).  Then wake the waiters of bt_live_wait. */
int bt_live_refresh(struct bt_live *l, struct bt_err *err);

/* Wait until every event numbered up to seq is in the state, or timeout_ms
 * passed; 0 when it is, BT_EBUSY on timeout. */
int bt_live_wait(struct bt_live *l, int64_t seq, int timeout_ms);

/* Refreshes finished so far, and a wait until there have been gen of them
 * (0, or BT_EBUSY after timeout_ms).  A reader that must see every write
 * made before it asked, by any process, waits for the second refresh
 * after it asked: that one began after it did. */
uint64_t bt_live_generation(struct bt_live *l);
int bt_live_wait_generation(struct bt_live *l, uint64_t gen, int timeout_ms);

/* The highest event number in the state; -1 before the first build. */
int64_t bt_live_seq(struct bt_live *l);

/* Several nodes on one PostgreSQL (docs/storage.md).  bt_live_listen: a
 * descriptor that becomes readable when another connection commits (the
 * caller polls it, then calls bt_live_notified and refreshes), or -1 (the
 * backend has none, SQLite, or the connection is lost: poll by time).
 * bt_live_notified: 1 if a commit was announced since the last call (or
 * the connection is lost), taking the announcements; never waits.  Both
 * for the one thread that calls bt_live_refresh. */
int bt_live_listen(struct bt_live *l);
int bt_live_notified(struct bt_live *l);

/* Read your writes on any node: the count of write transactions committed
 * in the database, read on db (a connection of the caller's, outside a
 * transaction; -1 on a backend without it, SQLite, where one server writes
 * and waits for its own commits); the count the state has seen (-1: none);
 * and a wait until it has seen n (0), or BT_EBUSY after timeout_ms. */
int bt_live_commits(struct bt_db *db, int64_t *n, struct bt_err *err);
int64_t bt_live_committed(struct bt_live *l);
int bt_live_wait_commits(struct bt_live *l, int64_t n, int timeout_ms);

/* The database's epoch (bt_db_epoch) the state was built at; -1 before the
 * first build.  A reader that must not see what an erasure removed compares
 * it with the database's and, when it is behind, waits until the state was
 * rebuilt: bt_live_wait_epoch returns 0 once the state is at epoch, or
 * BT_EBUSY after timeout_ms. */
int64_t bt_live_epoch(struct bt_live *l);
int bt_live_wait_epoch(struct bt_live *l, int64_t epoch, int timeout_ms);

/* The agent's context of the customer of ident ("type:value" or "P17") at
 * time at (ms): the profile and its identifiers, open journey instances
 * with owner and the team holding the work, unkept promises, the latest
 * interaction on each channel, the latest inbound contacts with their words
 * ("told_us"), the latest consent per purpose.  BT_ENOTFOUND for an unknown
 * customer, BT_EINVAL for a malformed ident. */
int bt_live_context(struct bt_live *l, const char *ident, int64_t at, struct bt_buf *out,
		    struct bt_err *err);

/* May a message for purpose be sent at time at to the customer who holds
 * any of idents ("type:value")?  {"allow":bool,"profile":..,"reasons":[..]}
 * with reasons open_sensitive_journey, overdue_promise, consent_withdrawn.
 * An unknown customer is allowed.  Without detail the answer names no
 * profile, journey or promise: allow and the kinds of reason only. */
int bt_live_guard(struct bt_live *l, const char *const *idents, size_t n, const char *purpose,
		  int64_t at, int detail, struct bt_buf *out, struct bt_err *err);

/* Journey instance id ("I" and the number of the event that opened it, as
 * the lists give it) as of time at, in full: the instance, its events,
 * handoffs, promises and feedback.  BT_ENOTFOUND when no such instance
 * exists then, or scope may not see it; BT_EINVAL for a malformed id. */
int bt_live_instance(struct bt_live *l, const char *id, int64_t at, const struct bt_scope *scope,
		     struct bt_buf *out, struct bt_err *err);

/* Call fn with an engine of every event in the state, judged and derived
 * as of as_of (BT_TIME_NONE: the latest event), the same numbers as
 * bt_engine_from_db gives, without reading the database.  The engine is a
 * snapshot, valid only during the call, and derived and used without the
 * state's lock: appends go on meanwhile.
 *
 * The derivation is shared: calls that ask while the state is unchanged,
 * at the same as_of, get the same engine (one derives, the others wait for
 * it), so fn must only read it.  A call may also be given one judged up to
 * reuse_ms before as_of (its time is bt_engine_as_of): `baton serve` lets
 * the requests that ask about "now" share one within a second.  Any change
 * to the state (an event, an identity row) ends the sharing.  Returns fn's
 * code. */
typedef int (*bt_live_fn)(const struct bt_engine *e, void *ctx);
int bt_live_engine(struct bt_live *l, int64_t as_of, int64_t reuse_ms, bt_live_fn fn, void *ctx,
		   struct bt_err *err);

#endif
