/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sqlite.c - the embedded store: one SQLite file in WAL mode with
 * synchronous=FULL (a commit is on disk before it returns) and
 * secure_delete (erased data is overwritten, not just unlinked).
 *
 * The schema is versioned with PRAGMA user_version; `migrations` lists the
 * steps from each version to the next and open() applies the missing ones in
 * one transaction.  All SQL is static text with bound parameters.
 *
 * Opening for writing fails at once when the database cannot be written;
 * a new database is made with mode 0600 (its WAL and shared memory follow
 * it); the key of the suppression list is set up (key_setup) and kept out
 * of the file; and every commit checks that it went to the files at the
 * database's path (sq_check).
 */
#include "store/store.h"

#include "store/eventlog.h"

#include "baton/buf.h"
#include "baton/calendar.h"
#include "baton/records.h"
#include "util/alloc.h"
#include "util/json.h"

#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *const migrations[] = {
	/* 0 → 1: the foundation schema */
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID;"
	/* The event log: one row per segment of consecutive events, in the
	 * format of store/eventlog.h (anchors, keys and data as blobs, small
	 * columns first, so that a scan of anchors or keys does not read the
	 * texts). */
	"CREATE TABLE event_log("
	"  first_seq INTEGER PRIMARY KEY,"
	"  n INTEGER NOT NULL,"
	"  live INTEGER NOT NULL,"
	"  anchors BLOB NOT NULL,"
	"  keys BLOB NOT NULL,"
	"  data BLOB NOT NULL);"
	"CREATE TABLE profiles("
	"  id INTEGER PRIMARY KEY,"
	"  merged_into INTEGER NOT NULL DEFAULT 0," /* 0 for a live root */
	"  event INTEGER,"                         /* the event that created it */
	"  erased INTEGER NOT NULL DEFAULT 0);"
	/* a merge moves every profile that points at the merged root */
	"CREATE INDEX profiles_merged ON profiles(merged_into) WHERE merged_into != 0;"
	"CREATE TABLE identifiers("
	"  id INTEGER PRIMARY KEY,"
	"  ident TEXT UNIQUE,"          /* type:value; NULL once erased */
	"  profile INTEGER NOT NULL,"   /* the current root */
	"  event INTEGER);"
	"CREATE INDEX identifiers_profile ON identifiers(profile);"
	/* The merge ledger is append-only; it holds ids and reasons, never
	 * identifier text, so it survives an erasure untouched. */
	"CREATE TABLE merges("
	"  seq INTEGER PRIMARY KEY,"
	"  into_profile INTEGER NOT NULL,"
	"  from_profile INTEGER NOT NULL,"
	"  ident INTEGER,"
	"  event INTEGER,"
	"  reason TEXT NOT NULL,"
	"  at INTEGER NOT NULL);"
	"CREATE TABLE conflicts("
	"  seq INTEGER PRIMARY KEY,"
	"  event INTEGER,"
	"  ident INTEGER NOT NULL,"
	"  profile INTEGER NOT NULL,"
	"  other_profile INTEGER NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  at INTEGER NOT NULL);"
	"CREATE INDEX conflicts_ident ON conflicts(ident);"
	"CREATE TABLE dead_letters("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  origin TEXT,"
	"  line INTEGER,"
	"  format TEXT NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  raw BLOB NOT NULL,"
	"  truncated INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE suppressed(hash INTEGER PRIMARY KEY);",
	/* 1 → 2: API tokens, stored as BLAKE2b hashes (tokens are 256-bit
	 * random, so a fast hash is as good as a slow one) */
	"CREATE TABLE tokens("
	"  id INTEGER PRIMARY KEY,"
	"  hash BLOB NOT NULL UNIQUE,"
	"  role TEXT NOT NULL,"
	"  team TEXT,"
	"  person TEXT,"
	"  name TEXT,"
	"  created INTEGER NOT NULL,"
	"  revoked INTEGER);",
	/* 2 → 3: each rejected record is kept once (its hash is unique: a
	 * record rejected again updates its row); an erased identifier keeps
	 * its type beside its hash, so that dead letters can be checked for
	 * erased values of every type erased (docs/identity.md) */
	"ALTER TABLE dead_letters ADD COLUMN hash BLOB;"
	"CREATE UNIQUE INDEX dead_letters_hash ON dead_letters(hash);"
	"ALTER TABLE suppressed ADD COLUMN type TEXT;",
	/* 3 → 4: how many dead letters there are and how many bytes they hold,
	 * kept by triggers, so that ingest can hold them to a cap and a page
	 * can say the total without counting */
	"CREATE TABLE dead_letter_usage(id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  n INTEGER NOT NULL, bytes INTEGER NOT NULL);"
	"INSERT INTO dead_letter_usage VALUES (1, (SELECT count(*) FROM dead_letters),"
	"  (SELECT coalesce(sum(length(CAST(raw AS BLOB))), 0) FROM dead_letters));"
	"CREATE TRIGGER dead_letters_in AFTER INSERT ON dead_letters BEGIN"
	"  UPDATE dead_letter_usage SET n = n + 1, bytes = bytes + length(CAST(new.raw AS BLOB));"
	"END;"
	"CREATE TRIGGER dead_letters_out AFTER DELETE ON dead_letters BEGIN"
	"  UPDATE dead_letter_usage SET n = n - 1, bytes = bytes - length(CAST(old.raw AS BLOB));"
	"END;",
	/* 4 → 5: identifiers refused before any link (junk, malformed, or
	 * from a source that may not link them), for review: the event, the
	 * profile the event went to then, the identifier as normalised.  An
	 * erasure deletes the rows of the person's profile and those that
	 * hold one of their identifiers. */
	"CREATE TABLE refusals("
	"  seq INTEGER PRIMARY KEY,"
	"  event INTEGER NOT NULL,"
	"  profile INTEGER NOT NULL,"
	"  ident TEXT NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  at INTEGER NOT NULL);"
	"CREATE INDEX refusals_profile ON refusals(profile);"
	"CREATE INDEX refusals_ident ON refusals(ident);",
	/* 5 → 6: journey rules changed since the configuration was loaded
	 * (decision rights: an owner's change through the API or the CLI), and
	 * the audit trail of every change of a rule, from any of them */
	"CREATE TABLE journey_rules("
	"  journey TEXT NOT NULL,"
	"  field TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  PRIMARY KEY (journey, field));"
	"CREATE TABLE rule_changes("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  who TEXT NOT NULL,"
	"  via TEXT NOT NULL,"
	"  journey TEXT NOT NULL,"
	"  field TEXT NOT NULL,"
	"  before TEXT,"
	"  after TEXT);"
	"CREATE INDEX rule_changes_journey ON rule_changes(journey, id);",
	/* 6 → 7: what people did about escalations (an acknowledgement, a
	 * resolution by hand: escalations are derived, these are not), and
	 * which of their moments were announced (webhooks), each once */
	"CREATE TABLE escalation_acts("
	"  id INTEGER PRIMARY KEY,"
	"  escalation TEXT NOT NULL,"
	"  resolve INTEGER NOT NULL,"
	"  who TEXT NOT NULL,"
	"  at INTEGER NOT NULL);"
	"CREATE TABLE announced("
	"  key TEXT PRIMARY KEY,"
	"  at INTEGER NOT NULL);",
	/* 7 → 8: webhooks (docs/webhooks.md): the secret sealed with a key
	 * derived from the database's key (never in the file); each event
	 * sent is a delivery, due at next_at while pending (state 0; 1
	 * delivered, 2 failed), with a row per attempt.  Ids are never
	 * reused: a deleted webhook's id names nothing new. */
	"CREATE TABLE webhooks("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  url TEXT NOT NULL,"
	"  events TEXT NOT NULL,"
	"  secret BLOB NOT NULL,"
	"  created INTEGER NOT NULL);"
	"CREATE TABLE webhook_deliveries("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  webhook INTEGER NOT NULL,"
	"  uid TEXT NOT NULL UNIQUE,"
	"  event TEXT NOT NULL,"
	"  body BLOB NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  state INTEGER NOT NULL DEFAULT 0,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_at INTEGER,"
	"  claim INTEGER);"
	"CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_at) WHERE state = 0;"
	"CREATE INDEX webhook_deliveries_hook ON webhook_deliveries(webhook, id);"
	"CREATE TABLE webhook_attempts("
	"  id INTEGER PRIMARY KEY,"
	"  delivery INTEGER NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  status INTEGER NOT NULL,"
	"  error TEXT,"
	"  ms INTEGER NOT NULL,"
	"  next_at INTEGER);"
	"CREATE INDEX webhook_attempts_delivery ON webhook_attempts(delivery);",
	/* 8 → 9: identity review (docs/identity.md).  A conflict is resolved
	 * (keep_apart or merge) by someone at a time; pairs of identifiers
	 * kept apart, each for the merge a split undid or the conflict kept
	 * apart; a profile keeps the identifier it was made for, so that a
	 * split knows which side keeps its id; the ledger is read by profile. */
	"ALTER TABLE conflicts ADD COLUMN resolution TEXT;"
	"ALTER TABLE conflicts ADD COLUMN resolved_at INTEGER;"
	"ALTER TABLE conflicts ADD COLUMN resolved_by TEXT;"
	"ALTER TABLE profiles ADD COLUMN ident INTEGER;"
	"CREATE TABLE apart("
	"  seq INTEGER PRIMARY KEY,"
	"  a INTEGER NOT NULL,"
	"  b INTEGER NOT NULL,"
	"  merge INTEGER,"
	"  conflict INTEGER,"
	"  by TEXT,"
	"  at INTEGER NOT NULL);"
	"CREATE INDEX apart_merge ON apart(merge) WHERE merge IS NOT NULL;"
	"CREATE INDEX merges_into ON merges(into_profile);"
	"CREATE INDEX merges_from ON merges(from_profile);",
	/* 9 → 10: actions (docs/governance.md): what a meeting decided, who
	 * does it by when; due in seconds, created and updated in ms */
	"CREATE TABLE actions("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  title TEXT NOT NULL,"
	"  owner TEXT NOT NULL,"
	"  due INTEGER NOT NULL,"
	"  status TEXT NOT NULL,"
	"  journey TEXT,"
	"  kpi TEXT,"
	"  meeting TEXT,"
	"  created_by TEXT NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  updated INTEGER NOT NULL);",
	/* 10 → 11: initiatives (docs/initiatives.md): what was changed, on
	 * which journey and KPI, from when, for which cohort; verdicts are
	 * derived, never stored.  min_effect NULL: the KPI's default. */
	"CREATE TABLE initiatives("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  name TEXT NOT NULL,"
	"  journey TEXT NOT NULL,"
	"  kpi TEXT NOT NULL,"
	"  start INTEGER NOT NULL,"
	"  cohort_field TEXT,"
	"  cohort_value TEXT,"
	"  min_sample INTEGER NOT NULL,"
	"  min_effect REAL,"
	"  created_by TEXT NOT NULL,"
	"  created INTEGER NOT NULL);",
	/* 11 → 12: the change calendar (docs/changes.md): a change a team
	 * registered, with its date and the journeys it touches (one row
	 * each) */
	"CREATE TABLE calendar("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  title TEXT NOT NULL,"
	"  team TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  date INTEGER NOT NULL,"
	"  who TEXT NOT NULL,"
	"  at INTEGER NOT NULL);"
	"CREATE TABLE calendar_journeys("
	"  change INTEGER NOT NULL,"
	"  journey TEXT NOT NULL,"
	"  PRIMARY KEY (change, journey));",
	/* 12 → 13: follow-ups closed by hand (closed-loop feedback:
	 * follow-ups are derived, these are not) */
	"CREATE TABLE followup_closes("
	"  id INTEGER PRIMARY KEY,"
	"  followup TEXT NOT NULL,"
	"  note TEXT NOT NULL,"
	"  who TEXT NOT NULL,"
	"  at INTEGER NOT NULL);",
	/* 13 → 14: dashboard sessions signed out before they expire (a
	 * session lives in its sealed cookie; docs/dashboard.md), each by
	 * the hash of its id, kept until it would have expired */
	"CREATE TABLE ended_sessions(id BLOB PRIMARY KEY, expires INTEGER NOT NULL);",
};
#define SCHEMA_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

enum stmt {
	S_LOG_INSERT, S_INS_PROFILE, S_INS_IDENT, S_INS_MERGE, S_MOVE_IDENTS, S_MOVE_PROFILES,
	S_INS_CONFLICT, S_INS_DEAD, S_LOG_AT, S_IDENT_PROFILE, S_PROFILE_ROW, S_PROFILE_IDENTS,
	S_PROFILE_IDENT_IDS, S_PROFILE_CONFLICTS, S_DEAD_LIST, S_DEAD_DELETE, S_CONFLICT_SEQS,
	S_LOG_UPDATE, S_SUPPRESS, S_META_GET, S_META_SET, S_LOG_ANCHORS, S_TOKEN_FIND, S_DATA_VERSION,
	S_DEAD_USAGE, S_INS_REFUSAL, S_PROFILE_REFUSALS, S_PROFILE_MERGES, S_ID_MARK, S_RULES_LIST,
	S_RULE_SET, S_RULE_CLEAR, S_RULE_AUDIT, S_CHANGES, S_CHANGES_TOTAL, S_ESC_ACT, S_ESC_ACTS,
	S_ANNOUNCE, S_INIT_INSERT, S_INIT_LIST, S_FU_CLOSE, S_FU_CLOSES,
	/* the same questions of a file older than identity review (a reader
	 * does not migrate): no pairs kept apart, no conflict resolved */
	S_PROFILE_CONFLICTS_OLD, S_PROFILE_MERGES_OLD, S_ID_MARK_OLD, S_CONFLICTS_PAGE_OLD,
	S_CONFLICTS_COUNT_OLD,
	/* identity review */
	S_MEMBERS, S_MERGE_GET, S_CONFLICT_ROWS, S_REFUSAL_ROWS, S_CONFLICTS_PAGE, S_CONFLICTS_COUNT,
	S_CONFLICT_GET, S_CONFLICT_RESOLVE, S_APART_INSERT, S_MOVE_IDENT, S_MOVE_PROFILE,
	S_MADE_PROFILE, S_MOVE_REFUSAL,
	/* the change calendar */
	S_CAL_ADD, S_CAL_JOURNEY, S_CAL_LIST, S_CAL_JOURNEYS, S__COUNT
};

/* The root of profile x (a column or a parameter) now. */
#define ROOT_OF(x) "(SELECT CASE merged_into WHEN 0 THEN id ELSE merged_into END FROM profiles WHERE id = " x ")"
/* The profiles of the tree of root ?1. */
#define TREE "SELECT ?1 UNION ALL SELECT id FROM profiles WHERE merged_into = ?1 AND merged_into != 0"
/* struct bt_conflict, from conflicts c joined with identifiers i; then its
 * review (resolution, resolved_at, resolved_by) */
#define CONFLICT_COLS                                                                          \
	"SELECT c.seq, c.event, i.ident, c.profile, c.other_profile, c.reason, c.at, "          \
	ROOT_OF("c.profile") ", " ROOT_OF("c.other_profile") ", "
#define REVIEW_COLS "c.resolution, c.resolved_at, c.resolved_by "
#define NO_REVIEW_COLS "NULL, NULL, NULL "
#define PROFILE_CONFLICTS                                                                      \
	"FROM conflicts c JOIN identifiers i ON i.id = c.ident "                               \
	"WHERE (c.profile = ?1 OR c.other_profile = ?1 OR i.profile = ?1) "                   \
	"AND i.ident IS NOT NULL ORDER BY c.seq"
/* a page of them, newest first: ?1 before (0: none), ?2 state (-1 all, 0
 * open, 1 resolved), ?3 limit */
#define PAGE_WHERE(resolved)                                                                   \
	"FROM conflicts c JOIN identifiers i ON i.id = c.ident WHERE i.ident IS NOT NULL "     \
	"AND (?2 < 0 OR (?2 = 0) = (" resolved " IS NULL)) "
#define PAGE_ORDER "AND (?1 = 0 OR c.seq < ?1) ORDER BY c.seq DESC LIMIT ?3"
/* struct bt_merge, from merges m joined with identifiers i; then the
 * split (at, by) */
#define MERGE_COLS                                                                             \
	"SELECT m.seq, m.into_profile, m.from_profile, m.event, i.ident, m.reason, m.at, "      \
	ROOT_OF("m.into_profile") " = " ROOT_OF("m.from_profile") ", "
#define PROFILE_MERGES                                                                         \
	"WHERE m.into_profile IN (" TREE ") OR m.from_profile IN (" TREE ") ORDER BY m.seq"

static const char *const sql[S__COUNT] = {
	[S_LOG_INSERT] = "INSERT INTO event_log(first_seq, n, live, anchors, keys, data) "
			 "VALUES (?,?,?,?,?,?)",
	[S_LOG_AT] = "SELECT first_seq, n, live, anchors, keys, data FROM event_log "
		     "WHERE first_seq <= ?1 ORDER BY first_seq DESC LIMIT 1",
	[S_LOG_UPDATE] = "UPDATE event_log SET live = ?2, anchors = ?3, keys = ?4, data = ?5 "
			 "WHERE first_seq = ?1",
	[S_LOG_ANCHORS] = "SELECT first_seq, n, anchors FROM event_log ORDER BY first_seq",
	[S_INS_PROFILE] = "INSERT INTO profiles(id, merged_into, event, ident) VALUES (?,0,?,?)",
	[S_INS_IDENT] = "INSERT INTO identifiers(id, ident, profile, event) VALUES (?,?,?,?)",
	[S_INS_MERGE] = "INSERT INTO merges(into_profile, from_profile, ident, event, reason, at) "
			"VALUES (?,?,?,?,?,?)",
	[S_MOVE_IDENTS] = "UPDATE identifiers SET profile = ?1 WHERE profile = ?2",
	[S_MOVE_PROFILES] = "UPDATE profiles SET merged_into = ?1 WHERE id = ?2 OR "
			    "(merged_into = ?2 AND merged_into != 0)",
	[S_INS_CONFLICT] = "INSERT INTO conflicts(event, ident, profile, other_profile, reason, at) "
			   "VALUES (?,?,?,?,?,?)",
	[S_INS_DEAD] = "INSERT INTO dead_letters(at, origin, line, format, reason, raw, truncated, hash) "
		       "VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(hash) DO UPDATE SET at = excluded.at, "
		       "origin = excluded.origin, line = excluded.line, reason = excluded.reason",
	[S_IDENT_PROFILE] = "SELECT profile FROM identifiers WHERE ident = ?",
	[S_PROFILE_ROW] = "SELECT merged_into, erased FROM profiles WHERE id = ?",
	[S_PROFILE_IDENTS] = "SELECT id, ident FROM identifiers WHERE profile = ? AND ident IS NOT NULL "
			     "ORDER BY ident",
	[S_PROFILE_IDENT_IDS] = "SELECT id FROM identifiers WHERE profile = ? ORDER BY id",
	[S_PROFILE_CONFLICTS] = CONFLICT_COLS REVIEW_COLS PROFILE_CONFLICTS,
	[S_PROFILE_CONFLICTS_OLD] = CONFLICT_COLS NO_REVIEW_COLS PROFILE_CONFLICTS,
	[S_CONFLICTS_PAGE] = CONFLICT_COLS REVIEW_COLS PAGE_WHERE("c.resolution") PAGE_ORDER,
	[S_CONFLICTS_PAGE_OLD] = CONFLICT_COLS NO_REVIEW_COLS PAGE_WHERE("NULL") PAGE_ORDER,
	[S_CONFLICTS_COUNT] = "SELECT count(*) " PAGE_WHERE("c.resolution"),
	[S_CONFLICTS_COUNT_OLD] = "SELECT count(*) " PAGE_WHERE("NULL"),
	[S_DEAD_LIST] = "SELECT id, at, origin, line, format, reason, raw, truncated FROM dead_letters "
			"WHERE id > ?1 ORDER BY id LIMIT ?2",
	[S_DEAD_USAGE] = "SELECT n, bytes FROM dead_letter_usage",
	[S_DEAD_DELETE] = "DELETE FROM dead_letters WHERE id = ?",
	/* the events that carried the person's identifiers without linking
	 * them: refused links, and refusals of one of their identifiers */
	[S_CONFLICT_SEQS] =
		"SELECT c.event FROM conflicts c JOIN identifiers i ON i.id = c.ident "
		"WHERE i.profile = ?1 OR c.profile = ?1 OR c.other_profile = ?1 "
		"UNION SELECT r.event FROM refusals r JOIN identifiers i ON i.ident = r.ident "
		"WHERE i.profile = ?1 ORDER BY 1",
	[S_INS_REFUSAL] = "INSERT INTO refusals(event, profile, ident, reason, at) VALUES (?,?,?,?,?)",
	/* the profile's refusals: recorded on it, or on a profile merged into it */
	[S_PROFILE_REFUSALS] =
		"SELECT event, ident, reason FROM refusals WHERE profile = ?1 OR profile IN "
		"(SELECT id FROM profiles WHERE merged_into = ?1 AND merged_into != 0) ORDER BY seq",
	/* the merges into or from the profile or one merged into it */
	[S_PROFILE_MERGES] = MERGE_COLS "a.at, a.by FROM merges m "
			     "LEFT JOIN identifiers i ON i.id = m.ident "
			     "LEFT JOIN apart a ON a.merge = m.seq " PROFILE_MERGES,
	[S_PROFILE_MERGES_OLD] = MERGE_COLS "NULL, NULL FROM merges m "
				"LEFT JOIN identifiers i ON i.id = m.ident " PROFILE_MERGES,
	[S_MEMBERS] = "SELECT id, event, ident FROM profiles WHERE (id = ?1 OR "
		      "(merged_into = ?1 AND merged_into != 0)) AND erased = 0 ORDER BY id",
	[S_MERGE_GET] = "SELECT m.seq, m.event, m.into_profile, m.from_profile, m.ident, "
			"EXISTS (SELECT 1 FROM apart a WHERE a.merge = m.seq) FROM merges m WHERE m.seq = ?1",
	[S_CONFLICT_ROWS] = "SELECT c.seq, c.event, c.ident, c.profile, c.other_profile, c.resolution "
			    "FROM conflicts c JOIN identifiers i ON i.id = c.ident WHERE i.profile = ?1 "
			    "ORDER BY c.seq",
	[S_CONFLICT_GET] = "SELECT seq, event, ident, profile, other_profile, resolution FROM conflicts "
			   "WHERE seq = ?1",
	[S_REFUSAL_ROWS] = "SELECT seq, event, profile, ident FROM refusals WHERE profile IN (" TREE ") "
			   "OR ident IN (SELECT ident FROM identifiers WHERE profile = ?1 AND ident IS NOT NULL) "
			   "ORDER BY seq",
	[S_CONFLICT_RESOLVE] = "UPDATE conflicts SET resolution = ?2, resolved_at = ?3, resolved_by = ?4 "
			       "WHERE seq = ?1",
	[S_APART_INSERT] = "INSERT INTO apart(a, b, merge, conflict, by, at) VALUES (?,?,?,?,?,?)",
	[S_MOVE_IDENT] = "UPDATE identifiers SET profile = ?2 WHERE id = ?1",
	[S_MOVE_PROFILE] = "UPDATE profiles SET merged_into = ?2 WHERE id = ?1",
	[S_MADE_PROFILE] = "INSERT INTO profiles(id, merged_into, event, ident) VALUES (?1, 0, NULL, ?2)",
	[S_MOVE_REFUSAL] = "UPDATE refusals SET profile = ?2 WHERE seq = ?1",
	[S_SUPPRESS] = "INSERT OR IGNORE INTO suppressed(hash, type) VALUES (?,?)",
	[S_RULES_LIST] = "SELECT journey, field, value FROM journey_rules ORDER BY journey, field",
	[S_RULE_SET] = "INSERT INTO journey_rules(journey, field, value) VALUES (?1, ?2, ?3) "
		       "ON CONFLICT(journey, field) DO UPDATE SET value = excluded.value",
	[S_RULE_CLEAR] = "DELETE FROM journey_rules WHERE journey = ?1 AND field = ?2",
	[S_RULE_AUDIT] = "INSERT INTO rule_changes(at, who, via, journey, field, before, after) "
			 "VALUES (?,?,?,?,?,?,?)",
	[S_CHANGES] = "SELECT id, at, who, via, journey, field, before, after FROM rule_changes "
		      "WHERE (?1 IS NULL OR journey = ?1) AND (?2 = 0 OR id < ?2) "
		      "ORDER BY id DESC LIMIT ?3",
	[S_CHANGES_TOTAL] = "SELECT count(*) FROM rule_changes WHERE ?1 IS NULL OR journey = ?1",
	[S_ESC_ACT] = "INSERT INTO escalation_acts(escalation, resolve, who, at) VALUES (?,?,?,?)",
	[S_ESC_ACTS] = "SELECT escalation, resolve, who, at FROM escalation_acts ORDER BY id",
	[S_ANNOUNCE] = "INSERT OR IGNORE INTO announced(key, at) VALUES (?,?)",
	[S_FU_CLOSE] = "INSERT INTO followup_closes(followup, note, who, at) VALUES (?,?,?,?)",
	[S_FU_CLOSES] = "SELECT followup, note, who, at FROM followup_closes ORDER BY id",
	[S_INIT_INSERT] = "INSERT INTO initiatives(name, journey, kpi, start, cohort_field, cohort_value, "
			  "min_sample, min_effect, created_by, created) VALUES (?,?,?,?,?,?,?,?,?,?)",
	[S_INIT_LIST] = "SELECT id, name, journey, kpi, start, cohort_field, cohort_value, min_sample, "
			"min_effect, created_by, created FROM initiatives ORDER BY id",
	[S_CAL_ADD] = "INSERT INTO calendar(title, team, kind, date, who, at) VALUES (?,?,?,?,?,?)",
	[S_CAL_JOURNEY] = "INSERT OR IGNORE INTO calendar_journeys(change, journey) VALUES (?,?)",
	[S_CAL_LIST] = "SELECT id, title, team, kind, date, who, at FROM calendar "
		       "ORDER BY date DESC, id DESC",
	[S_CAL_JOURNEYS] = "SELECT change, journey FROM calendar_journeys ORDER BY change, rowid",
	[S_META_GET] = "SELECT value FROM meta WHERE key = ?",
	[S_META_SET] = "INSERT OR REPLACE INTO meta(key, value) VALUES (?,?)",
	[S_DATA_VERSION] = "PRAGMA data_version",
	[S_ID_MARK] = "SELECT (SELECT coalesce(max(id), 0) FROM profiles), "
		      "(SELECT coalesce(max(seq), 0) FROM merges), "
		      "(SELECT coalesce(max(id), -1) FROM identifiers), "
		      "(SELECT coalesce(max(seq), 0) FROM apart)",
	[S_ID_MARK_OLD] = "SELECT (SELECT coalesce(max(id), 0) FROM profiles), "
			 "(SELECT coalesce(max(seq), 0) FROM merges), "
			 "(SELECT coalesce(max(id), -1) FROM identifiers), 0",
	[S_TOKEN_FIND] = "SELECT id, role, team, person, name, created, coalesce(revoked, 0) "
			 "FROM tokens WHERE hash = ?",
};

/* The schema version that added a table, for readers of older files. */
#define SCHEMA_DEAD_USAGE 4
#define SCHEMA_REFUSALS 5
#define SCHEMA_RULES 6
#define SCHEMA_ESCALATIONS 7
#define SCHEMA_WEBHOOKS 8
#define SCHEMA_REVIEW 9
#define SCHEMA_ACTIONS 10
#define SCHEMA_INITIATIVES 11
#define SCHEMA_CALENDAR 12
#define SCHEMA_FOLLOWUPS 13

struct sqlite_store {
	struct bt__store base;
	sqlite3 *db;
	int64_t schema; /* a reader does not migrate: what it found at open */
	sqlite3_stmt *st[S__COUNT];
	sqlite3_stmt *copy_st; /* copy.put's statement */
	int64_t data_version;
	int in_txn; /* 1 writing (begin), 2 reading (read_begin) */
	/* the WAL this connection writes, once it exists: a deleted folder
	 * takes it too, and SQLite would go on writing the unlinked file */
	int wal_known;
	dev_t wal_dev;
	ino_t wal_ino;
	/* the key of the suppression list's hashes: from BATON_SECRET_KEY or
	 * the key file beside the database, never from the database itself
	 * (see key_setup) */
	unsigned char key[32];
	int have_key;
	/* For a long-lived connection (the server's): per identifier, the
	 * event numbers anchored on it, built on the first profile query and
	 * then extended from the segments appended since, so a profile's
	 * events are found without scanning the log.  Erased events read
	 * back as tombstones and are skipped. */
	struct {
		uint32_t *head; /* identifier id -> node + 1 */
		size_t nhead;
		struct anode {
			uint32_t seq, next;
		} *node;
		size_t nnode, capnode;
		int64_t next_seq; /* segments from here on are not indexed yet */
	} idx;
	/* the last event-log segment read for a duplicate check: re-ingesting
	 * a file checks its events in order, one segment after another */
	struct {
		int64_t first;
		uint32_t n;
		unsigned char *anchors, *keys, *data;
		size_t data_len;
	} cache;
};

static int fail(struct sqlite_store *s, struct bt_err *err, const char *what)
{
	int code = sqlite3_errcode(s->db);
	int rc = (code == SQLITE_BUSY || code == SQLITE_LOCKED) ? BT_EBUSY : BT_ESTORE;
	return bt_err_set(err, rc, "%s: %s", what, sqlite3_errmsg(s->db));
}

static sqlite3_stmt *stmt(struct sqlite_store *s, enum stmt k, struct bt_err *err)
{
	if (!s->st[k] && sqlite3_prepare_v3(s->db, sql[k], -1, SQLITE_PREPARE_PERSISTENT, &s->st[k],
					    NULL) != SQLITE_OK) {
		fail(s, err, "preparing a statement");
		return NULL;
	}
	sqlite3_reset(s->st[k]);
	sqlite3_clear_bindings(s->st[k]);
	return s->st[k];
}

static int exec(struct sqlite_store *s, const char *q, struct bt_err *err)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, q, NULL, NULL, &msg) != SQLITE_OK) {
		int code = sqlite3_errcode(s->db);
		bt_err_set(err, code == SQLITE_BUSY ? BT_EBUSY : BT_ESTORE, "%s", msg ? msg : "error");
		sqlite3_free(msg);
		return err ? err->code : BT_ESTORE;
	}
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Run a prepared statement that returns no rows. */
static int step_done(struct sqlite_store *s, sqlite3_stmt *q, struct bt_err *err, const char *what)
{
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? 0 : fail(s, err, what);
}

static int64_t pragma_int(struct sqlite_store *s, const char *q)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	if (sqlite3_prepare_v2(s->db, q, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void sq_close(struct bt__store *base)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	if (!s)
		return;
	if (s->in_txn)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	for (int i = 0; i < S__COUNT; i++)
		sqlite3_finalize(s->st[i]);
	sqlite3_finalize(s->copy_st);
	sqlite3_close(s->db);
	bt__free(s->cache.anchors), bt__free(s->cache.keys), bt__free(s->cache.data);
	bt__free(s->idx.head), bt__free(s->idx.node);
	sodium_memzero(s->key, sizeof(s->key));
	bt__free(s);
}

static void cache_drop(struct sqlite_store *s);

static int sq_begin(struct bt__store *base, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	int rc = exec(s, "BEGIN IMMEDIATE", err);
	if (rc)
		return rc;
	s->in_txn = 1;
	int64_t v = pragma_int(s, "PRAGMA data_version");
	if (v != s->data_version)
		cache_drop(s); /* another connection wrote */
	s->data_version = v;
	return 0;
}

static int sq_read_begin(struct bt__store *base, int *changed, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	int rc = exec(s, "BEGIN", err);
	if (rc)
		return rc;
	s->in_txn = 2; /* reading: not writing() */
	int64_t v = pragma_int(s, "PRAGMA data_version");
	if (changed)
		*changed = v != s->data_version;
	s->data_version = v; /* the next read_begin says what changed since this one */
	return 0;
}

/* Are the files at the database's path still the ones this connection has
 * open?  After an rm of the database (or of its folder), or a file moved
 * over it, SQLite goes on writing to files nobody will open again: what it
 * writes then is lost however durable it looks. */
static int sq_check(struct bt__store *base, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	const char *path = sqlite3_db_filename(s->db, "main");
	int moved = 0;
	if (sqlite3_file_control(s->db, "main", SQLITE_FCNTL_HAS_MOVED, &moved) != SQLITE_OK)
		moved = 0; /* nothing open yet to compare */
	if (!moved && s->wal_known && path && path[0]) {
		/* the WAL has no inode record of its own in SQLite's unix VFS:
		 * compare with what it was when this connection first wrote */
		struct stat st;
		const char *wal = sqlite3_filename_wal(path);
		moved = stat(wal, &st) != 0 || st.st_dev != s->wal_dev || st.st_ino != s->wal_ino;
	}
	if (moved)
		return bt_err_set(err, BT_EIO,
				  "the database file '%s' (or its WAL) was deleted or replaced while it "
				  "was open: nothing more can be stored in it; restart on the file as it "
				  "is now",
				  path && path[0] ? path : "(unknown)");
	return 0;
}

static int sq_commit(struct bt__store *base, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	int rc = exec(s, "COMMIT", err);
	if (rc)
		return rc;
	s->in_txn = 0;
	if (!s->wal_known) {
		const char *path = sqlite3_db_filename(s->db, "main");
		struct stat st;
		if (path && path[0] && stat(sqlite3_filename_wal(path), &st) == 0) {
			s->wal_known = 1;
			s->wal_dev = st.st_dev;
			s->wal_ino = st.st_ino;
		}
	}
	/* committed, but to the files at the path?  Only then is it durable */
	return sq_check(base, err);
}

static void sq_rollback(struct bt__store *base)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	if (s->in_txn)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_txn = 0;
	cache_drop(s);
	/* the index may hold segments that were never committed */
	bt__free(s->idx.head), bt__free(s->idx.node);
	memset(&s->idx, 0, sizeof(s->idx));
}

static int sq_writing(struct bt__store *base)
{
	return ((struct sqlite_store *)base)->in_txn == 1;
}

static int sq_meta_get(struct bt__store *base, const char *key, char **val, size_t *n,
		       struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q = stmt(s, S_META_GET, err);
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(q);
		return BT_ENOTFOUND;
	}
	if (rc != SQLITE_ROW)
		return fail(s, err, "reading settings");
	size_t len = (size_t)sqlite3_column_bytes(q, 0);
	*val = bt__strndup(sqlite3_column_blob(q, 0) ? sqlite3_column_blob(q, 0) : "", len);
	sqlite3_reset(q);
	if (!*val)
		return BT_ENOMEM;
	if (n)
		*n = len;
	return 0;
}

static int sq_meta_set(struct bt__store *base, const char *key, const void *val, size_t n,
		       struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q = stmt(s, S_META_SET, err);
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, val, (int)n, SQLITE_STATIC);
	return step_done(s, q, err, "writing settings");
}

static int load_profiles(struct sqlite_store *s, struct bt__identity *id, struct bt_err *err)
{
	sqlite3_stmt *q;
	int rc = 0, r;
	if (sqlite3_prepare_v2(s->db, "SELECT id, merged_into FROM profiles WHERE erased = 0 ORDER BY id",
			       -1, &q, NULL) != SQLITE_OK)
		return fail(s, err, "loading profiles");
	while (!rc && (r = sqlite3_step(q)) == SQLITE_ROW)
		rc = bt__identity_load_profile(id, (uint32_t)sqlite3_column_int64(q, 0),
					       (uint32_t)sqlite3_column_int64(q, 1));
	if (!rc && r != SQLITE_DONE)
		rc = fail(s, err, "loading profiles");
	sqlite3_finalize(q);
	/* the ids of erased profiles stay taken: erasing the newest profile
	 * once made the next new customer's profile collide with it */
	int64_t max = rc ? 0 : pragma_int(s, "SELECT coalesce(max(id), 0) FROM profiles");
	if (!rc && max < 0)
		rc = fail(s, err, "loading profiles");
	else if (!rc)
		rc = bt__identity_issued(id, (uint32_t)max);
	return rc;
}

static int load_idents(struct sqlite_store *s, struct bt__identity *id, struct bt_err *err)
{
	sqlite3_stmt *q;
	int rc = 0, r;
	if (sqlite3_prepare_v2(s->db, "SELECT id, ident, profile FROM identifiers ORDER BY id", -1,
			       &q, NULL) != SQLITE_OK)
		return fail(s, err, "loading identifiers");
	while (!rc && (r = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t k = sqlite3_column_int64(q, 0);
		if (k != (int64_t)id->nidents) {
			rc = bt_err_set(err, BT_ESTORE, "identifier ids are not dense at %lld",
					(long long)k);
			break;
		}
		/* an erased identifier's text is NULL */
		rc = bt__identity_load_ident(id, (const char *)sqlite3_column_text(q, 1),
					     (size_t)sqlite3_column_bytes(q, 1),
					     (uint32_t)sqlite3_column_int64(q, 2));
	}
	if (!rc && r != SQLITE_DONE)
		rc = fail(s, err, "loading identifiers");
	sqlite3_finalize(q);
	return rc;
}

static int load_suppression(struct sqlite_store *s, struct bt__identity *id, struct bt_err *err)
{
	int rc;
	if (s->have_key) {
		memcpy(id->suppress_key, s->key, sizeof(id->suppress_key));
		id->have_suppress_key = 1;
	}
	sqlite3_stmt *q;
	/* read-only, a database of schema 2 is read as it is: no types */
	if (sqlite3_prepare_v2(s->db, pragma_int(s, "PRAGMA user_version") >= 3
					      ? "SELECT hash, type FROM suppressed"
					      : "SELECT hash, NULL FROM suppressed",
			       -1, &q, NULL) != SQLITE_OK)
		return fail(s, err, "loading the suppression list");
	rc = 0;
	int untyped = 0;
	while (!rc && sqlite3_step(q) == SQLITE_ROW) {
		rc = bt_u64map_put(&id->suppressed, (uint64_t)sqlite3_column_int64(q, 0), 0);
		if (rc)
			break;
		if (sqlite3_column_type(q, 1) == SQLITE_TEXT)
			rc = bt__identity_suppressed_type(id, (const char *)sqlite3_column_text(q, 1),
							  (size_t)sqlite3_column_bytes(q, 1));
		else
			untyped = 1;
	}
	sqlite3_finalize(q);
	/* erased before types were kept (schema 2): the usual types */
	static const char *const usual[] = {"customer_id", "user_id", "email", "phone",
					    "anonymous_id"};
	for (size_t i = 0; !rc && untyped && i < sizeof(usual) / sizeof(usual[0]); i++)
		rc = bt__identity_suppressed_type(id, usual[i], strlen(usual[i]));
	return rc == BT_ENOMEM ? bt_err_set(err, rc, "out of memory") : rc;
}

/* Add the event ids of the segments from event number `from` on to eids;
 * *next_seq (when given) becomes one past the last event read, if higher. */
static int sq_eids_since(struct bt__store *base, int64_t from, struct bt_u64map *eids,
			 int64_t *next_seq, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q;
	int rc = 0, r;
	if (sqlite3_prepare_v2(s->db, "SELECT first_seq, n, keys FROM event_log WHERE first_seq >= ?1 "
				      "ORDER BY first_seq",
			       -1, &q, NULL) != SQLITE_OK)
		return fail(s, err, "loading event ids");
	sqlite3_bind_int64(q, 1, from);
	while (!rc && (r = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t first = sqlite3_column_int64(q, 0);
		uint32_t n = (uint32_t)sqlite3_column_int64(q, 1);
		const unsigned char *keys = sqlite3_column_blob(q, 2);
		if ((size_t)sqlite3_column_bytes(q, 2) != (size_t)n * 8) {
			rc = bt__seg_damaged(first, err);
			break;
		}
		for (uint32_t i = 0; !rc && i < n; i++) {
			uint64_t k = bt__seg_key_at(keys, i);
			if (k)
				rc = bt_u64map_put(eids, k, (uint32_t)(first + i));
		}
		if (next_seq && first + n > *next_seq)
			*next_seq = first + n;
	}
	if (!rc && r != SQLITE_DONE)
		rc = fail(s, err, "loading event ids");
	sqlite3_finalize(q);
	return rc == BT_ENOMEM ? bt_err_set(err, rc, "out of memory") : rc;
}

/* PRAGMA data_version: it moves when another connection commits.  A
 * prepared statement of its own, since readers ask at every event look-up;
 * begin() keeps its own mark, so asking here changes nothing for it. */
static int sq_data_version(struct bt__store *base, int64_t *v, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q = stmt(s, S_DATA_VERSION, err);
	if (!q)
		return BT_ESTORE;
	int r = sqlite3_step(q);
	if (r == SQLITE_ROW)
		*v = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	return r == SQLITE_ROW ? 0 : fail(s, err, "reading the data version");
}

/* The pairs kept apart on review (after the identifiers they name). */
static int load_apart(struct sqlite_store *s, struct bt__identity *id, struct bt_err *err)
{
	sqlite3_stmt *q;
	int rc = 0, r;
	if (s->schema < SCHEMA_REVIEW) /* a reader of an older file: none */
		return 0;
	if (sqlite3_prepare_v2(s->db, "SELECT a, b FROM apart ORDER BY seq", -1, &q, NULL) != SQLITE_OK)
		return fail(s, err, "loading the pairs kept apart");
	while (!rc && (r = sqlite3_step(q)) == SQLITE_ROW)
		rc = bt__identity_load_apart(id, (uint32_t)sqlite3_column_int64(q, 0),
					     (uint32_t)sqlite3_column_int64(q, 1));
	if (!rc && r != SQLITE_DONE)
		rc = fail(s, err, "loading the pairs kept apart");
	sqlite3_finalize(q);
	return rc == BT_ENOMEM ? bt_err_set(err, rc, "out of memory") : rc;
}

static int sq_load(struct bt__store *base, struct bt__identity *id, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	int rc;
	if ((rc = load_profiles(s, id, err)) || (rc = load_idents(s, id, err)) ||
	    (rc = load_suppression(s, id, err)) || (rc = load_apart(s, id, err)))
		return rc;
	s->data_version = pragma_int(s, "PRAGMA data_version");
	return 0;
}

static int log_put(void *ctx, const struct bt__segbuf *b, int64_t first, struct bt_err *err);

/* Append merge m to the ledger (nothing moves). */
static int ledger_add(struct sqlite_store *s, const struct bt__idlog_merge *m, int64_t now,
		      struct bt_err *err)
{
	sqlite3_stmt *q = stmt(s, S_INS_MERGE, err);
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_int64(q, 1, m->into);
	sqlite3_bind_int64(q, 2, m->from);
	sqlite3_bind_int64(q, 3, m->ident);
	sqlite3_bind_int64(q, 4, m->event);
	sqlite3_bind_text(q, 5, m->reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 6, now);
	return step_done(s, q, err, "recording a merge");
}

/* Record the conflicts of log. */
static int conflicts_add(struct sqlite_store *s, const struct bt__idlog *log, int64_t now,
			 struct bt_err *err)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < log->nconflicts; i++) {
		const struct bt__idlog_conflict *c = &log->conflicts[i];
		sqlite3_stmt *q = stmt(s, S_INS_CONFLICT, err);
		if (!q)
			return BT_ESTORE;
		sqlite3_bind_int64(q, 1, c->event);
		sqlite3_bind_int64(q, 2, c->ident);
		sqlite3_bind_int64(q, 3, c->profile);
		sqlite3_bind_int64(q, 4, c->other);
		sqlite3_bind_text(q, 5, c->reason, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 6, now);
		rc = step_done(s, q, err, "recording a conflict");
	}
	return rc;
}

static int write_identity(struct sqlite_store *s, const struct bt__idlog *log,
			  struct bt__identity *id, struct bt_err *err)
{
	sqlite3_stmt *q;
	int rc;
	int64_t now = now_ms();
	for (size_t i = 0; i < log->nprofiles; i++) {
		if (!(q = stmt(s, S_INS_PROFILE, err)))
			return BT_ESTORE;
		sqlite3_bind_int64(q, 1, log->profiles[i].profile);
		sqlite3_bind_int64(q, 2, log->profiles[i].event);
		if (log->profiles[i].ident != BT_ID_NONE)
			sqlite3_bind_int64(q, 3, log->profiles[i].ident);
		if ((rc = step_done(s, q, err, "storing a profile")))
			return rc;
	}
	for (size_t i = 0; i < log->nidents; i++) {
		const struct bt__idlog_ident *e = &log->idents[i];
		if (!(q = stmt(s, S_INS_IDENT, err)))
			return BT_ESTORE;
		sqlite3_bind_int64(q, 1, e->ident);
		sqlite3_bind_text(q, 2, id->ident_text[e->ident], -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 3, bt__identity_root(id, e->profile));
		sqlite3_bind_int64(q, 4, e->event);
		if ((rc = step_done(s, q, err, "storing an identifier")))
			return rc;
	}
	for (size_t i = 0; i < log->nmerges; i++) {
		const struct bt__idlog_merge *m = &log->merges[i];
		if ((rc = ledger_add(s, m, now, err)))
			return rc;
		for (int k = S_MOVE_IDENTS; k <= S_MOVE_PROFILES; k++) {
			if (!(q = stmt(s, (enum stmt)k, err)))
				return BT_ESTORE;
			sqlite3_bind_int64(q, 1, m->into);
			sqlite3_bind_int64(q, 2, m->from);
			if ((rc = step_done(s, q, err, "applying a merge")))
				return rc;
		}
	}
	if ((rc = conflicts_add(s, log, now, err)))
		return rc;
	for (size_t i = 0; i < log->nrefusals; i++) {
		const struct bt__idlog_refusal *r = &log->refusals[i];
		if (!(q = stmt(s, S_INS_REFUSAL, err)))
			return BT_ESTORE;
		sqlite3_bind_int64(q, 1, r->event);
		sqlite3_bind_int64(q, 2, r->profile);
		sqlite3_bind_text(q, 3, log->refused_text.data + r->off, (int)r->len, SQLITE_STATIC);
		sqlite3_bind_text(q, 4, r->reason, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 5, now);
		if ((rc = step_done(s, q, err, "recording a refusal")))
			return rc;
	}
	return 0;
}

/* What makes a dead letter the same record again: its format and its text
 * (as kept: a truncated one by its first 64 KiB). */
#define DEAD_HASH 16
static void dead_hash(const char *format, int truncated, const char *raw, size_t n,
		      unsigned char out[DEAD_HASH])
{
	crypto_generichash_state st;
	unsigned char t = (unsigned char)(truncated != 0);
	crypto_generichash_init(&st, NULL, 0, DEAD_HASH);
	crypto_generichash_update(&st, (const unsigned char *)format, strlen(format) + 1);
	crypto_generichash_update(&st, &t, 1);
	crypto_generichash_update(&st, (const unsigned char *)raw, n);
	crypto_generichash_final(&st, out, DEAD_HASH);
}

static int sq_write_batch(struct bt__store *base, const struct bt__batch *b,
			  struct bt__identity *id, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q;
	int rc = write_identity(s, &b->idlog, id, err);
	if (rc)
		return rc;
	if ((rc = bt__seg_append(b, log_put, s, err)))
		return rc;
	int64_t now = now_ms();
	for (size_t i = 0; i < b->ndead; i++) {
		const struct bt__store_dead *d = &b->dead[i];
		if (!(q = stmt(s, S_INS_DEAD, err)))
			return BT_ESTORE;
		sqlite3_bind_int64(q, 1, now);
		sqlite3_bind_text(q, 2, d->origin, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 3, d->line);
		sqlite3_bind_text(q, 4, d->format, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 5, d->reason, -1, SQLITE_STATIC);
		sqlite3_bind_blob(q, 6, d->raw ? d->raw : "", (int)d->raw_len, SQLITE_STATIC);
		sqlite3_bind_int(q, 7, d->truncated);
		unsigned char h[DEAD_HASH];
		dead_hash(d->format, d->truncated, d->raw ? d->raw : "", d->raw_len, h);
		sqlite3_bind_blob(q, 8, h, DEAD_HASH, SQLITE_TRANSIENT);
		if ((rc = step_done(s, q, err, "storing a dead letter")))
			return rc;
	}
	return 0;
}

static int sq_ident_profile(struct bt__store *base, const char *text, size_t n, int64_t *profile,
			    struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q = stmt(s, S_IDENT_PROFILE, err);
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_text(q, 1, text, (int)n, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*profile = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	if (rc == SQLITE_DONE)
		return BT_ENOTFOUND;
	return rc == SQLITE_ROW ? 0 : fail(s, err, "looking up an identifier");
}

static int sq_profile_root(struct bt__store *base, int64_t profile, int64_t *root,
			   struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q = stmt(s, S_PROFILE_ROW, err);
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_int64(q, 1, profile);
	int rc = sqlite3_step(q);
	int found = rc == SQLITE_ROW && sqlite3_column_int(q, 1) == 0;
	int64_t into = found ? sqlite3_column_int64(q, 0) : 0;
	sqlite3_reset(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(s, err, "looking up a profile");
	if (!found)
		return BT_ENOTFOUND;
	*root = into ? into : profile;
	return 0;
}

static int sq_profile_idents(struct bt__store *base, int64_t root, bt__ident_cb cb, void *ctx,
			     struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q = stmt(s, S_PROFILE_IDENTS, err);
	int rc = 0, r;
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_int64(q, 1, root);
	while (!rc && (r = sqlite3_step(q)) == SQLITE_ROW)
		rc = cb(ctx, (uint32_t)sqlite3_column_int64(q, 0),
			(const char *)sqlite3_column_text(q, 1));
	if (!rc && r != SQLITE_DONE)
		rc = fail(s, err, "listing identifiers");
	sqlite3_reset(q);
	return rc;
}

static char *col_dup(sqlite3_stmt *q, int i)
{
	const char *t = (const char *)sqlite3_column_text(q, i);
	return bt__strndup(t ? t : "", (size_t)sqlite3_column_bytes(q, i));
}

static char *col_or_null(sqlite3_stmt *q, int i)
{
	return sqlite3_column_type(q, i) == SQLITE_NULL ? NULL : col_dup(q, i);
}

/* Step q to its end, each row read by row(q, elem) into a growable array
 * of elements of `size` bytes, zeroed before they are read: *out, *n (the
 * caller frees them, also on failure, when the last may be half read). */
static int step_rows(struct sqlite_store *s, sqlite3_stmt *q, size_t size,
		     int (*row)(sqlite3_stmt *q, void *elem), char **out, size_t *n,
		     const char *what, struct bt_err *err)
{
	char *v = NULL;
	size_t len = 0, cap = 0;
	int r, rc = 0;
	while ((r = sqlite3_step(q)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap ? cap * 2 : 8;
			void *p = bt__reallocarray(v, cap, size);
			if (!p) {
				rc = BT_ENOMEM;
				break;
			}
			v = p;
			memset(v + size * len, 0, size * (cap - len));
		}
		if ((rc = row(q, v + size * len++)))
			break;
	}
	if (!rc && r != SQLITE_DONE)
		rc = fail(s, err, what);
	*out = v;
	*n = len;
	return rc;
}

/* Run statement k for one profile (?1 = root) through step_rows. */
static int profile_rows(struct sqlite_store *s, enum stmt k, int64_t root, size_t size,
			int (*row)(sqlite3_stmt *q, void *elem), char **out, size_t *n,
			const char *what, struct bt_err *err)
{
	sqlite3_stmt *q = stmt(s, k, err);
	*out = NULL;
	*n = 0;
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_int64(q, 1, root);
	int rc = step_rows(s, q, size, row, out, n, what, err);
	sqlite3_reset(q);
	return rc;
}

/* A row of CONFLICT_COLS and its review. */
static int conflict_row(sqlite3_stmt *q, void *elem)
{
	struct bt_conflict *c = elem;
	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(q, 0);
	c->event = sqlite3_column_int64(q, 1);
	c->identifier = col_dup(q, 2);
	c->profile = sqlite3_column_int64(q, 3);
	c->other_profile = sqlite3_column_int64(q, 4);
	c->reason = col_dup(q, 5);
	c->at = sqlite3_column_int64(q, 6);
	c->profile_now = sqlite3_column_int64(q, 7);
	c->other_now = sqlite3_column_int64(q, 8);
	c->resolution = col_or_null(q, 9);
	c->resolved_at = sqlite3_column_int64(q, 10);
	c->resolved_by = col_or_null(q, 11);
	if (!c->identifier || !c->reason || (!c->resolution && sqlite3_column_type(q, 9) != SQLITE_NULL) ||
	    (!c->resolved_by && sqlite3_column_type(q, 11) != SQLITE_NULL))
		return BT_ENOMEM;
	return 0;
}

static int sq_profile_conflicts(struct bt__store *base, int64_t root, struct bt_conflict **out,
				size_t *n, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char *v;
	int rc = profile_rows(s, s->schema < SCHEMA_REVIEW ? S_PROFILE_CONFLICTS_OLD : S_PROFILE_CONFLICTS,
			      root, sizeof(**out), conflict_row, &v, n, "listing conflicts", err);
	*out = (struct bt_conflict *)(void *)v;
	return rc;
}

static int refusal_row(sqlite3_stmt *q, void *elem)
{
	struct bt_refusal *f = elem;
	f->event = sqlite3_column_int64(q, 0);
	f->identifier = col_dup(q, 1);
	f->reason = col_dup(q, 2);
	return f->identifier && f->reason ? 0 : BT_ENOMEM;
}

static int sq_profile_refusals(struct bt__store *base, int64_t root, struct bt_refusal **out,
			       size_t *n, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char *v = NULL;
	int rc = 0;
	*n = 0;
	/* a reader of an older file has no refusals table: none */
	if (s->schema >= SCHEMA_REFUSALS)
		rc = profile_rows(s, S_PROFILE_REFUSALS, root, sizeof(**out), refusal_row, &v, n,
				  "listing refusals", err);
	*out = (struct bt_refusal *)(void *)v;
	return rc;
}

/* A row of MERGE_COLS and its split. */
static int merge_row(sqlite3_stmt *q, void *elem)
{
	struct bt_merge *m = elem;
	memset(m, 0, sizeof(*m));
	m->id = sqlite3_column_int64(q, 0);
	m->into = sqlite3_column_int64(q, 1);
	m->from = sqlite3_column_int64(q, 2);
	m->event = sqlite3_column_int64(q, 3);
	m->identifier = col_or_null(q, 4);
	m->reason = col_dup(q, 5);
	m->at = sqlite3_column_int64(q, 6);
	int split = sqlite3_column_type(q, 8) != SQLITE_NULL;
	m->state = split ? BT_MERGE_SPLIT : sqlite3_column_int(q, 7) ? BT_MERGE_ACTIVE : BT_MERGE_UNDONE;
	m->split_at = sqlite3_column_int64(q, 8);
	m->split_by = col_or_null(q, 9);
	if (!m->reason || (!m->identifier && sqlite3_column_type(q, 4) != SQLITE_NULL) ||
	    (!m->split_by && sqlite3_column_type(q, 9) != SQLITE_NULL))
		return BT_ENOMEM;
	return 0;
}

static int sq_profile_merges(struct bt__store *base, int64_t root, struct bt_merge **out,
			     size_t *n, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char *v = NULL;
	int rc = profile_rows(s, s->schema < SCHEMA_REVIEW ? S_PROFILE_MERGES_OLD : S_PROFILE_MERGES, root,
			      sizeof(**out), merge_row, &v, n, "listing merges", err);
	*out = (struct bt_merge *)(void *)v;
	return rc;
}

/* ---- identity review ----------------------------------------------------
 * docs/identity.md: the merge ledger read by profile, conflicts resolved,
 * pairs kept apart, and the new shape a split gives a tree (review.c). */

static int member_row(sqlite3_stmt *q, void *elem)
{
	struct bt__member *m = elem;
	m->profile = (uint32_t)sqlite3_column_int64(q, 0);
	m->event = sqlite3_column_int64(q, 1);
	m->ident = sqlite3_column_type(q, 2) == SQLITE_NULL ? BT_ID_NONE
							     : (uint32_t)sqlite3_column_int64(q, 2);
	return 0;
}

static int sq_members(struct bt__store *base, int64_t root, struct bt__member **out, size_t *n,
		      struct bt_err *err)
{
	char *v = NULL;
	int rc = profile_rows((struct sqlite_store *)base, S_MEMBERS, root, sizeof(**out), member_row,
			      &v, n, "listing profiles", err);
	*out = (struct bt__member *)(void *)v;
	return rc;
}

/* Run statement k with ?1 = key; one row read by row(q, out), or
 * BT_ENOTFOUND. */
static int one_row(struct sqlite_store *s, enum stmt k, int64_t key, int (*row)(sqlite3_stmt *q, void *out),
		   void *out, const char *what, struct bt_err *err)
{
	sqlite3_stmt *q = stmt(s, k, err);
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_int64(q, 1, key);
	int r = sqlite3_step(q), rc;
	if (r == SQLITE_ROW)
		rc = row(q, out);
	else
		rc = r == SQLITE_DONE ? BT_ENOTFOUND : fail(s, err, what);
	sqlite3_reset(q);
	return rc;
}

static int merge_get_row(sqlite3_stmt *q, void *out)
{
	struct bt__merge_row *m = out;
	m->seq = sqlite3_column_int64(q, 0);
	m->event = sqlite3_column_int64(q, 1);
	m->into = (uint32_t)sqlite3_column_int64(q, 2);
	m->from = (uint32_t)sqlite3_column_int64(q, 3);
	m->ident = sqlite3_column_type(q, 4) == SQLITE_NULL ? BT_ID_NONE
							     : (uint32_t)sqlite3_column_int64(q, 4);
	m->split = sqlite3_column_int(q, 5);
	return 0;
}

static int sq_merge_get(struct bt__store *base, int64_t seq, struct bt__merge_row *out,
			struct bt_err *err)
{
	return one_row((struct sqlite_store *)base, S_MERGE_GET, seq, merge_get_row, out,
		       "reading the merge ledger", err);
}

static int resolution_of(const char *t)
{
	return !t ? BT__OPEN : !strcmp(t, "merge") ? BT__MERGED : BT__KEEP_APART;
}

static int conflict_id_row(sqlite3_stmt *q, void *out)
{
	struct bt__conflict_row *c = out;
	c->seq = sqlite3_column_int64(q, 0);
	c->event = sqlite3_column_int64(q, 1);
	c->ident = (uint32_t)sqlite3_column_int64(q, 2);
	c->profile = (uint32_t)sqlite3_column_int64(q, 3);
	c->other = (uint32_t)sqlite3_column_int64(q, 4);
	c->resolution = resolution_of((const char *)sqlite3_column_text(q, 5));
	return 0;
}

static int sq_conflict_rows(struct bt__store *base, int64_t root, struct bt__conflict_row **out,
			    size_t *n, struct bt_err *err)
{
	char *v = NULL;
	int rc = profile_rows((struct sqlite_store *)base, S_CONFLICT_ROWS, root, sizeof(**out),
			      conflict_id_row, &v, n, "listing conflicts", err);
	*out = (struct bt__conflict_row *)(void *)v;
	return rc;
}

static int sq_conflict_get(struct bt__store *base, int64_t seq, struct bt__conflict_row *out,
			   struct bt_err *err)
{
	return one_row((struct sqlite_store *)base, S_CONFLICT_GET, seq, conflict_id_row, out,
		       "reading a conflict", err);
}

static int sq_refusal_rows(struct bt__store *base, int64_t root, bt__refusal_cb cb, void *ctx,
			   struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q = stmt(s, S_REFUSAL_ROWS, err);
	int rc = 0, r;
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_int64(q, 1, root);
	while (!rc && (r = sqlite3_step(q)) == SQLITE_ROW) {
		struct bt__refusal_row f = {sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1),
					    (uint32_t)sqlite3_column_int64(q, 2),
					    (const char *)sqlite3_column_text(q, 3)};
		rc = cb(ctx, &f);
	}
	if (!rc && r != SQLITE_DONE)
		rc = fail(s, err, "listing refusals");
	sqlite3_reset(q);
	return rc;
}

static int sq_conflicts_page(struct bt__store *base, const struct bt__conflict_query *cq,
			     struct bt_conflict **out, size_t *n, int64_t *total, int *more,
			     struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	int old = s->schema < SCHEMA_REVIEW;
	int state = cq->state < 0 ? -1 : cq->state == BT__OPEN ? 0 : 1;
	sqlite3_stmt *q = stmt(s, old ? S_CONFLICTS_COUNT_OLD : S_CONFLICTS_COUNT, err);
	char *v = NULL;
	size_t len = 0, cap = 0;
	int r, rc = 0;
	*out = NULL, *n = 0, *more = 0;
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_int(q, 2, state);
	r = sqlite3_step(q);
	*total = r == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	sqlite3_reset(q);
	if (r != SQLITE_ROW)
		return fail(s, err, "counting conflicts");
	if (!(q = stmt(s, old ? S_CONFLICTS_PAGE_OLD : S_CONFLICTS_PAGE, err)))
		return BT_ESTORE;
	sqlite3_bind_int64(q, 1, cq->before);
	sqlite3_bind_int(q, 2, state);
	sqlite3_bind_int64(q, 3, (int64_t)cq->limit + 1); /* one more: do any follow? */
	while (!rc && (r = sqlite3_step(q)) == SQLITE_ROW) {
		if (len == cq->limit) {
			*more = 1;
			break;
		}
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			void *p = bt__reallocarray(v, cap, sizeof(struct bt_conflict));
			if (!p) {
				rc = BT_ENOMEM;
				break;
			}
			v = p;
		}
		rc = conflict_row(q, v + sizeof(struct bt_conflict) * len++);
	}
	if (!rc && r != SQLITE_DONE && r != SQLITE_ROW)
		rc = fail(s, err, "listing conflicts");
	sqlite3_reset(q);
	*out = (struct bt_conflict *)(void *)v;
	*n = len;
	return rc == BT_ENOMEM ? bt_err_set(err, rc, "out of memory") : rc;
}

static int sq_conflict_resolve(struct bt__store *base, int64_t seq, int resolution, const char *by,
			       struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q = stmt(s, S_CONFLICT_RESOLVE, err);
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_int64(q, 1, seq);
	sqlite3_bind_text(q, 2, resolution == BT__MERGED ? "merge" : "keep_apart", -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, now_ms());
	if (by)
		sqlite3_bind_text(q, 4, by, -1, SQLITE_STATIC);
	return step_done(s, q, err, "resolving a conflict");
}

static int sq_apart_add(struct bt__store *base, uint32_t a, uint32_t b, int64_t merge,
			int64_t conflict, const char *by, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q = stmt(s, S_APART_INSERT, err);
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_int64(q, 1, a);
	sqlite3_bind_int64(q, 2, b);
	if (merge)
		sqlite3_bind_int64(q, 3, merge);
	if (conflict)
		sqlite3_bind_int64(q, 4, conflict);
	if (by)
		sqlite3_bind_text(q, 5, by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 6, now_ms());
	return step_done(s, q, err, "keeping two identifiers apart");
}

/* Run statement k with ?1 = a, ?2 = b (NULL when b < 0). */
static int run2(struct sqlite_store *s, enum stmt k, int64_t a, int64_t b, const char *what,
		struct bt_err *err)
{
	sqlite3_stmt *q = stmt(s, k, err);
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_int64(q, 1, a);
	if (b >= 0)
		sqlite3_bind_int64(q, 2, b);
	return step_done(s, q, err, what);
}

static int sq_reshape(struct bt__store *base, const struct bt__reshape *r, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	int64_t now = now_ms();
	int rc = 0;
	for (size_t i = 0; !rc && i < r->nprofiles; i++) {
		const struct bt__reshape_profile *p = &r->profiles[i];
		if (p->made)
			rc = run2(s, S_MADE_PROFILE, p->profile,
				  p->ident == BT_ID_NONE ? -1 : (int64_t)p->ident, "making a profile", err);
		else
			rc = run2(s, S_MOVE_PROFILE, p->profile, p->root == p->profile ? 0 : p->root,
				  "moving a profile", err);
	}
	for (size_t i = 0; !rc && i < r->nidents; i++)
		rc = run2(s, S_MOVE_IDENT, r->idents[i].ident, r->idents[i].profile,
			  "moving an identifier", err);
	for (size_t i = 0; !rc && i < r->nrefusals; i++)
		rc = run2(s, S_MOVE_REFUSAL, r->refusals[i].seq, r->refusals[i].profile,
			  "moving a refusal", err);
	for (size_t i = 0; !rc && i < r->log.nmerges; i++)
		rc = ledger_add(s, &r->log.merges[i], now, err);
	return rc ? rc : conflicts_add(s, &r->log, now, err);
}

/* ---- journey rules and their audit trail ---- */

static int sq_rules_list(struct bt__store *base,
			 int (*cb)(void *ctx, const char *journey, const char *field, const char *value),
			 void *ctx, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	int rc = 0, r = SQLITE_DONE;
	if (s->schema < SCHEMA_RULES) /* an older file: none */
		return 0;
	sqlite3_stmt *q = stmt(s, S_RULES_LIST, err);
	if (!q)
		return BT_ESTORE;
	while (!rc && (r = sqlite3_step(q)) == SQLITE_ROW)
		rc = cb(ctx, (const char *)sqlite3_column_text(q, 0),
			(const char *)sqlite3_column_text(q, 1), (const char *)sqlite3_column_text(q, 2));
	if (!rc && r != SQLITE_DONE)
		rc = fail(s, err, "reading journey rules");
	sqlite3_reset(q);
	return rc;
}

static int sq_rule_set(struct bt__store *base, const char *journey, const char *field,
		       const char *value, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q = stmt(s, value ? S_RULE_SET : S_RULE_CLEAR, err);
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_text(q, 1, journey, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, field, -1, SQLITE_STATIC);
	if (value)
		sqlite3_bind_text(q, 3, value, -1, SQLITE_STATIC);
	return step_done(s, q, err, "writing a journey rule");
}

static void bind_text_or_null(sqlite3_stmt *q, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(q, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, i);
}

static int sq_rule_audit(struct bt__store *base, const struct bt_change *c, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q = stmt(s, S_RULE_AUDIT, err);
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_int64(q, 1, c->at);
	bind_text_or_null(q, 2, c->who);
	bind_text_or_null(q, 3, c->via);
	bind_text_or_null(q, 4, c->journey);
	bind_text_or_null(q, 5, c->field);
	bind_text_or_null(q, 6, c->before);
	bind_text_or_null(q, 7, c->after);
	return step_done(s, q, err, "recording a change of a journey rule");
}

static char *col_dup_or_null(sqlite3_stmt *q, int i)
{
	return sqlite3_column_type(q, i) == SQLITE_NULL ? NULL : col_dup(q, i);
}

static int sq_changes(struct bt__store *base, const char *journey, int64_t before, size_t limit,
		      struct bt_change **out, size_t *n, int64_t *total, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	struct bt_change *v = bt__calloc(limit + 1, sizeof(*v));
	int rc = 0, r = SQLITE_DONE;
	*out = v, *n = 0, *total = 0;
	if (!v)
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	if (s->schema < SCHEMA_RULES)
		return 0;
	sqlite3_stmt *q = stmt(s, S_CHANGES, err);
	if (!q)
		return BT_ESTORE;
	bind_text_or_null(q, 1, journey);
	sqlite3_bind_int64(q, 2, before);
	sqlite3_bind_int64(q, 3, (int64_t)limit);
	while (!rc && *n < limit && (r = sqlite3_step(q)) == SQLITE_ROW) {
		struct bt_change *c = &v[(*n)++];
		c->id = sqlite3_column_int64(q, 0);
		c->at = sqlite3_column_int64(q, 1);
		c->who = col_dup(q, 2), c->via = col_dup(q, 3);
		c->journey = col_dup(q, 4), c->field = col_dup(q, 5);
		c->before = col_dup_or_null(q, 6), c->after = col_dup_or_null(q, 7);
		if (!c->who || !c->via || !c->journey || !c->field ||
		    (!c->before && sqlite3_column_type(q, 6) != SQLITE_NULL) ||
		    (!c->after && sqlite3_column_type(q, 7) != SQLITE_NULL))
			rc = bt_err_set(err, BT_ENOMEM, "out of memory");
	}
	if (!rc && *n < limit && r != SQLITE_DONE)
		rc = fail(s, err, "reading the changes of journey rules");
	sqlite3_reset(q);
	if (rc || !(q = stmt(s, S_CHANGES_TOTAL, err)))
		return rc ? rc : BT_ESTORE;
	bind_text_or_null(q, 1, journey);
	if (sqlite3_step(q) == SQLITE_ROW)
		*total = sqlite3_column_int64(q, 0);
	else
		rc = fail(s, err, "counting the changes of journey rules");
	sqlite3_reset(q);
	return rc;
}

/* ---- the change calendar ---- */

static int sq_cal_add(struct bt__store *base, const struct bt_calchange *c, int64_t *id,
		      struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q = stmt(s, S_CAL_ADD, err);
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_text(q, 1, c->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, c->team, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, c->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, c->date);
	sqlite3_bind_text(q, 5, c->who, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 6, c->at);
	int rc = step_done(s, q, err, "registering a change");
	if (rc)
		return rc;
	*id = sqlite3_last_insert_rowid(s->db);
	for (size_t i = 0; !rc && i < c->njourneys; i++) {
		if (!(q = stmt(s, S_CAL_JOURNEY, err)))
			return BT_ESTORE;
		sqlite3_bind_int64(q, 1, *id);
		sqlite3_bind_text(q, 2, c->journeys[i], -1, SQLITE_STATIC);
		rc = step_done(s, q, err, "registering a change's journeys");
	}
	return rc;
}

static int sq_cal_list(struct bt__store *base, struct bt_calchange **out, size_t *n,
		       struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	struct bt_calchange *v = NULL;
	size_t cap = 0;
	int rc = 0, r = SQLITE_DONE;
	*out = NULL, *n = 0;
	if (s->schema < SCHEMA_CALENDAR) /* a reader of an older file: none */
		return 0;
	sqlite3_stmt *q = stmt(s, S_CAL_LIST, err);
	if (!q)
		return BT_ESTORE;
	while (!rc && (r = sqlite3_step(q)) == SQLITE_ROW) {
		if (*n == cap) {
			size_t c = cap ? cap * 2 : 16;
			struct bt_calchange *p = bt__reallocarray(v, c, sizeof(*v));
			if (!p) {
				rc = bt_err_set(err, BT_ENOMEM, "out of memory");
				break;
			}
			v = p, cap = c;
		}
		struct bt_calchange *c = &v[(*n)++];
		memset(c, 0, sizeof(*c));
		c->id = sqlite3_column_int64(q, 0);
		c->title = col_dup(q, 1), c->team = col_dup(q, 2), c->kind = col_dup(q, 3);
		c->date = sqlite3_column_int64(q, 4);
		c->who = col_dup(q, 5);
		c->at = sqlite3_column_int64(q, 6);
		if (!c->title || !c->team || !c->kind || !c->who)
			rc = bt_err_set(err, BT_ENOMEM, "out of memory");
	}
	if (!rc && r != SQLITE_DONE)
		rc = fail(s, err, "reading the change calendar");
	sqlite3_reset(q);
	if (!rc && !(q = stmt(s, S_CAL_JOURNEYS, err)))
		rc = BT_ESTORE;
	while (!rc && (r = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(q, 0);
		for (size_t i = 0; !rc && i < *n; i++) {
			struct bt_calchange *c = &v[i];
			if (c->id != id)
				continue;
			char **p = bt__reallocarray(c->journeys, c->njourneys + 1, sizeof(*p));
			char *j = p ? col_dup(q, 1) : NULL;
			if (p)
				c->journeys = p;
			if (!j)
				rc = bt_err_set(err, BT_ENOMEM, "out of memory");
			else
				c->journeys[c->njourneys++] = j;
		}
	}
	if (!rc && r != SQLITE_DONE)
		rc = fail(s, err, "reading the change calendar's journeys");
	if (q)
		sqlite3_reset(q);
	*out = v;
	return rc;
}

/* ---- what people did about escalations ---- */

static int sq_esc_act(struct bt__store *base, const struct bt_esc_action *a, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q = stmt(s, S_ESC_ACT, err);
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_text(q, 1, a->id, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, a->resolve);
	sqlite3_bind_text(q, 3, a->who, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, a->at);
	return step_done(s, q, err, "recording what was done about an escalation");
}

static int esc_act_row(sqlite3_stmt *q, void *elem)
{
	struct bt_esc_action *a = elem;
	a->id = col_dup(q, 0);
	a->resolve = sqlite3_column_int(q, 1);
	a->who = col_dup(q, 2);
	a->at = sqlite3_column_int64(q, 3);
	return a->id && a->who ? 0 : BT_ENOMEM;
}

static int sq_esc_acts(struct bt__store *base, struct bt_esc_action **out, size_t *n,
		       struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	*out = NULL, *n = 0;
	if (s->schema < SCHEMA_ESCALATIONS)
		return 0;
	sqlite3_stmt *q = stmt(s, S_ESC_ACTS, err);
	if (!q)
		return BT_ESTORE;
	int rc = step_rows(s, q, sizeof(**out), esc_act_row, (char **)out, n,
			   "reading what was done about escalations", err);
	sqlite3_reset(q);
	return rc == BT_ENOMEM ? bt_err_set(err, rc, "out of memory") : rc;
}

/* ---- initiatives ---- */

static int sq_init_insert(struct bt__store *base, const struct bt_initiative *in, int64_t *id,
			  struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q = stmt(s, S_INIT_INSERT, err);
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_text(q, 1, in->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, in->journey, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, in->kpi, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, in->start);
	sqlite3_bind_text(q, 5, in->cohort_field, -1, SQLITE_STATIC); /* NULL binds NULL */
	sqlite3_bind_text(q, 6, in->cohort_value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 7, in->min_sample);
	if (isnan(in->min_effect))
		sqlite3_bind_null(q, 8);
	else
		sqlite3_bind_double(q, 8, in->min_effect);
	sqlite3_bind_text(q, 9, in->created_by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 10, in->created);
	int rc = step_done(s, q, err, "storing an initiative");
	if (!rc)
		*id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

static int sq_init_list(struct bt__store *base, struct bt_initiative **out, size_t *n,
			struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	struct bt_initiative *v = NULL;
	size_t cap = 0;
	int rc = 0, r = SQLITE_DONE;
	*out = NULL, *n = 0;
	if (s->schema < SCHEMA_INITIATIVES) /* a reader of an older file: none */
		return 0;
	sqlite3_stmt *q = stmt(s, S_INIT_LIST, err);
	if (!q)
		return BT_ESTORE;
	while (!rc && (r = sqlite3_step(q)) == SQLITE_ROW) {
		if (*n == cap) {
			size_t c = cap ? cap * 2 : 8;
			struct bt_initiative *p = bt__reallocarray(v, c, sizeof(*v));
			if (!p) {
				rc = bt_err_set(err, BT_ENOMEM, "out of memory");
				break;
			}
			v = p, cap = c;
		}
		struct bt_initiative *a = &v[(*n)++];
		memset(a, 0, sizeof(*a));
		a->id = sqlite3_column_int64(q, 0);
		a->name = col_dup(q, 1);
		a->journey = col_dup(q, 2);
		a->kpi = col_dup(q, 3);
		a->start = sqlite3_column_int64(q, 4);
		int cohort = sqlite3_column_type(q, 5) != SQLITE_NULL;
		a->cohort_field = cohort ? col_dup(q, 5) : NULL;
		a->cohort_value = cohort ? col_dup(q, 6) : NULL;
		a->min_sample = sqlite3_column_int64(q, 7);
		a->min_effect = sqlite3_column_type(q, 8) == SQLITE_NULL ? NAN : sqlite3_column_double(q, 8);
		a->created_by = col_dup(q, 9);
		a->created = sqlite3_column_int64(q, 10);
		if (!a->name || !a->journey || !a->kpi || !a->created_by ||
		    (cohort && (!a->cohort_field || !a->cohort_value)))
			rc = bt_err_set(err, BT_ENOMEM, "out of memory");
	}
	if (!rc && r != SQLITE_DONE)
		rc = fail(s, err, "reading the initiatives");
	sqlite3_reset(q);
	*out = v;
	return rc;
}

/* ---- follow-ups closed by hand ---- */

static int sq_fu_close(struct bt__store *base, const struct bt_fu_close *c, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q = stmt(s, S_FU_CLOSE, err);
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_text(q, 1, c->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, c->note, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, c->who, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, c->at);
	return step_done(s, q, err, "recording a follow-up closed");
}

static int fu_close_row(sqlite3_stmt *q, void *elem)
{
	struct bt_fu_close *a = elem;
	a->id = col_dup(q, 0);
	a->note = col_dup(q, 1);
	a->who = col_dup(q, 2);
	a->at = sqlite3_column_int64(q, 3);
	return a->id && a->note && a->who ? 0 : BT_ENOMEM;
}

static int sq_fu_closes(struct bt__store *base, struct bt_fu_close **out, size_t *n,
			struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	*out = NULL, *n = 0;
	if (s->schema < SCHEMA_FOLLOWUPS) /* a reader of an older file: none */
		return 0;
	sqlite3_stmt *q = stmt(s, S_FU_CLOSES, err);
	if (!q)
		return BT_ESTORE;
	int rc = step_rows(s, q, sizeof(**out), fu_close_row, (char **)out, n,
			   "reading the follow-ups closed", err);
	sqlite3_reset(q);
	return rc == BT_ENOMEM ? bt_err_set(err, rc, "out of memory") : rc;
}

static int sq_announce(struct bt__store *base, const char *key, int64_t at, int *fresh,
		       struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q = stmt(s, S_ANNOUNCE, err);
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, at);
	int rc = step_done(s, q, err, "recording an announcement");
	*fresh = !rc && sqlite3_changes(s->db) > 0;
	return rc;
}

static int sq_counts(struct bt__store *base, int64_t out[BT__STORE_NCOUNTS], struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	static const char *const q[BT__STORE_NCOUNTS] = {
		"SELECT coalesce(sum(live), 0) FROM event_log",
		"SELECT count(*) FROM profiles WHERE merged_into = 0 AND erased = 0",
		"SELECT count(*) FROM identifiers WHERE ident IS NOT NULL",
		"SELECT count(*) FROM merges",
		"SELECT count(*) FROM conflicts",
		"SELECT count(*) FROM dead_letters",
		"SELECT count(*) FROM refusals",
	};
	for (int i = 0; i < BT__STORE_NCOUNTS; i++)
		if (i == BT__STORE_NCOUNTS - 1 && s->schema < SCHEMA_REFUSALS)
			out[i] = 0;
		else if ((out[i] = pragma_int(s, q[i])) < 0)
			return fail(s, err, "counting");
	return 0;
}

static int sq_dead_usage(struct bt__store *base, int64_t *n, int64_t *bytes, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	if (s->schema < SCHEMA_DEAD_USAGE) { /* a reader of an older file counts */
		*n = pragma_int(s, "SELECT count(*) FROM dead_letters");
		*bytes = pragma_int(s, "SELECT coalesce(sum(length(CAST(raw AS BLOB))), 0) FROM dead_letters");
		return *n < 0 || *bytes < 0 ? fail(s, err, "reading the dead letters' usage") : 0;
	}
	sqlite3_stmt *q = stmt(s, S_DEAD_USAGE, err);
	int rc = 0;
	if (!q)
		return BT_ESTORE;
	if (sqlite3_step(q) == SQLITE_ROW) {
		*n = sqlite3_column_int64(q, 0);
		*bytes = sqlite3_column_int64(q, 1);
	} else
		rc = fail(s, err, "reading the dead letters' usage");
	sqlite3_reset(q);
	return rc;
}

static int sq_dead_letters(struct bt__store *base, int64_t after, size_t limit, size_t max_bytes,
			   struct bt_dead_letter **out, size_t *n, int *more, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q = stmt(s, S_DEAD_LIST, err);
	struct bt_dead_letter *v = NULL;
	size_t len = 0, cap = 0, bytes = 0;
	int r = SQLITE_DONE, rc = 0;
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_int64(q, 1, after);
	sqlite3_bind_int64(q, 2, limit ? (int64_t)limit + 1 : -1); /* one more: to see if any follow */
	while ((!limit || len < limit) && (!max_bytes || !len || bytes < max_bytes) &&
	       (r = sqlite3_step(q)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			void *p = bt__reallocarray(v, cap, sizeof(*v));
			if (!p) {
				rc = BT_ENOMEM;
				break;
			}
			v = p;
		}
		struct bt_dead_letter *d = &v[len++];
		memset(d, 0, sizeof(*d));
		d->id = sqlite3_column_int64(q, 0);
		d->at = sqlite3_column_int64(q, 1);
		d->origin = col_dup(q, 2);
		d->line = (long)sqlite3_column_int64(q, 3);
		d->format = col_dup(q, 4);
		d->reason = col_dup(q, 5);
		d->raw_len = (size_t)sqlite3_column_bytes(q, 6);
		d->raw = bt__strndup(sqlite3_column_blob(q, 6) ? sqlite3_column_blob(q, 6) : "",
				     d->raw_len);
		d->truncated = sqlite3_column_int(q, 7);
		bytes += d->raw_len;
		if (!d->origin || !d->format || !d->reason || !d->raw) {
			rc = BT_ENOMEM;
			break;
		}
	}
	if (!rc && r != SQLITE_DONE && r != SQLITE_ROW)
		rc = fail(s, err, "listing dead letters");
	if (more) /* stopped before the end: is there a next row? */
		*more = !rc && r == SQLITE_ROW && sqlite3_step(q) == SQLITE_ROW;
	sqlite3_reset(q);
	*out = v;
	*n = len;
	return rc;
}

static int sq_dead_letter_delete(struct bt__store *base, int64_t id, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q = stmt(s, S_DEAD_DELETE, err);
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_int64(q, 1, id);
	int rc = step_done(s, q, err, "deleting a dead letter");
	if (!rc && sqlite3_changes(s->db) == 0)
		return bt_err_set(err, BT_ENOTFOUND, "no dead letter %lld", (long long)id);
	return rc;
}

/* Remember an erased identifier by its keyed hash, and its type. */
static int sq_suppress(struct bt__store *base, uint64_t hash, const char *type, size_t n,
		       struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q = stmt(s, S_SUPPRESS, err);
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_int64(q, 1, (int64_t)hash);
	sqlite3_bind_text(q, 2, type, (int)n, SQLITE_STATIC);
	return step_done(s, q, err, "recording an erased identifier");
}

static int sq_scrub_files(struct bt__store *base, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	/* secure_delete zeroed the freed cells in the pages written; the old
	 * page images still sit in the WAL until a checkpoint copies the new
	 * ones into the main file and truncates the log. */
	int nlog = 0, nckpt = 0, rc = SQLITE_BUSY;
	/* a reader (a server rebuilding its live state after the erasure, say)
	 * may hold the log for longer than one busy timeout: wait for it */
	for (int tries = 0; tries < 6 && rc == SQLITE_BUSY; tries++)
		rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &nlog, &nckpt);
	if (rc != SQLITE_OK)
		return bt_err_set(err, BT_EBUSY,
				  "the write-ahead log still holds old pages: a reader kept it busy "
				  "for a minute (%s)",
				  sqlite3_errmsg(s->db));
	return 0;
}

/* ---- the event log ------------------------------------------------------
 * Segments of consecutive events, one row each: store/eventlog.h. */

/* Read a segment from the current row of q (columns first_seq, n, live,
 * anchors, keys, data); the pointers live until q steps again. */
static int seg_read(sqlite3_stmt *q, struct bt__seg *g, struct bt_err *err)
{
	g->first = sqlite3_column_int64(q, 0);
	g->n = (uint32_t)sqlite3_column_int64(q, 1);
	g->live = (uint32_t)sqlite3_column_int64(q, 2);
	g->anchors = sqlite3_column_blob(q, 3);
	size_t na = (size_t)sqlite3_column_bytes(q, 3);
	g->keys = sqlite3_column_blob(q, 4);
	size_t nk = (size_t)sqlite3_column_bytes(q, 4);
	g->data = sqlite3_column_blob(q, 5);
	g->data_len = (size_t)sqlite3_column_bytes(q, 5);
	return bt__seg_check(g, na, nk, err);
}

static int log_put(void *ctx, const struct bt__segbuf *b, int64_t first, struct bt_err *err)
{
	struct sqlite_store *s = ctx;
	sqlite3_stmt *q = stmt(s, S_LOG_INSERT, err);
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_int64(q, 1, first);
	sqlite3_bind_int64(q, 2, b->n);
	sqlite3_bind_int64(q, 3, b->live);
	sqlite3_bind_blob(q, 4, b->anchors.data, (int)b->anchors.len, SQLITE_STATIC);
	sqlite3_bind_blob(q, 5, b->keys.data, (int)b->keys.len, SQLITE_STATIC);
	sqlite3_bind_blob(q, 6, b->data.data, (int)b->data.len, SQLITE_STATIC);
	return step_done(s, q, err, "storing events");
}

static int sq_each_event(struct bt__store *base, int64_t after, bt__raw_cb cb, void *ctx,
			 struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q;
	int rc = 0, r;
	if (sqlite3_prepare_v2(s->db, "SELECT first_seq, n, live, anchors, keys, data FROM event_log "
				      "WHERE first_seq > ?1 ORDER BY first_seq",
			       -1, &q, NULL) != SQLITE_OK)
		return fail(s, err, "reading events");
	/* a segment holds at most BT__SEG_MAX events: a range of the primary key */
	sqlite3_bind_int64(q, 1, after - BT__SEG_MAX);
	while (!rc && (r = sqlite3_step(q)) == SQLITE_ROW) {
		struct bt__seg g;
		if (!(rc = seg_read(q, &g, err)))
			rc = bt__seg_each(&g, after, cb, ctx, err);
	}
	if (!rc && r != SQLITE_DONE)
		rc = fail(s, err, "reading events");
	sqlite3_finalize(q);
	return rc;
}

enum { ROW_PROFILE, ROW_MERGE, ROW_IDENT, ROW_APART };

/* The rows of one identity table after *mark, each to its feed; *mark
 * becomes the last row's id. */
static int since(struct sqlite_store *s, int kind, int64_t *mark, const struct bt__idfeed *f,
		 void *ctx, struct bt_err *err)
{
	static const char *const text[] = {
		[ROW_PROFILE] = "SELECT id, merged_into FROM profiles WHERE id > ?1 AND erased = 0 "
				"ORDER BY id",
		/* not those a split undid: their two profiles are apart now */
		[ROW_MERGE] = "SELECT m.seq, m.into_profile, m.from_profile FROM merges m WHERE m.seq > ?1 "
			      "AND " ROOT_OF("m.into_profile") " = " ROOT_OF("m.from_profile") " "
			      "ORDER BY m.seq",
		[ROW_IDENT] = "SELECT id, ident, profile FROM identifiers WHERE id > ?1 ORDER BY id",
		[ROW_APART] = "SELECT seq, a, b FROM apart WHERE seq > ?1 ORDER BY seq",
	};
	sqlite3_stmt *q;
	int rc = 0, r;
	if (sqlite3_prepare_v2(s->db, text[kind], -1, &q, NULL) != SQLITE_OK)
		return fail(s, err, "reading identity");
	sqlite3_bind_int64(q, 1, *mark);
	while (!rc && (r = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(q, 0);
		uint32_t c1 = (uint32_t)sqlite3_column_int64(q, 1);
		switch (kind) {
		case ROW_PROFILE: rc = f->profile(ctx, (uint32_t)id, c1); break;
		case ROW_MERGE: rc = f->merge(ctx, c1, (uint32_t)sqlite3_column_int64(q, 2)); break;
		case ROW_APART: rc = f->apart(ctx, c1, (uint32_t)sqlite3_column_int64(q, 2)); break;
		default:
			rc = f->ident(ctx, (uint32_t)id, (const char *)sqlite3_column_text(q, 1),
				      (size_t)sqlite3_column_bytes(q, 1),
				      (uint32_t)sqlite3_column_int64(q, 2));
		}
		*mark = id;
	}
	if (!rc && r != SQLITE_DONE)
		rc = fail(s, err, "reading identity");
	sqlite3_finalize(q);
	return rc;
}

static int sq_identity_since(struct bt__store *base, struct bt__idmark *m,
			     const struct bt__idfeed *f, void *ctx, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	int rc;
	if ((rc = since(s, ROW_PROFILE, &m->profile, f, ctx, err)) ||
	    (rc = since(s, ROW_MERGE, &m->merge, f, ctx, err)) ||
	    (rc = since(s, ROW_IDENT, &m->ident, f, ctx, err)))
		return rc;
	if (!f->apart || s->schema < SCHEMA_REVIEW)
		return 0;
	return since(s, ROW_APART, &m->apart, f, ctx, err);
}

static int sq_identity_mark(struct bt__store *base, struct bt__idmark *m, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q = stmt(s, s->schema < SCHEMA_REVIEW ? S_ID_MARK_OLD : S_ID_MARK, err);
	if (!q)
		return BT_ESTORE;
	int r = sqlite3_step(q);
	if (r == SQLITE_ROW)
		*m = (struct bt__idmark){sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1),
					 sqlite3_column_int64(q, 2), sqlite3_column_int64(q, 3)};
	sqlite3_reset(q);
	return r == SQLITE_ROW ? 0 : fail(s, err, "reading identity");
}

/* The record of event seq: cb(seq, anchor, raw) once, or BT_ENOTFOUND. */
static int log_get(struct sqlite_store *s, int64_t seq, bt__raw_cb cb, void *ctx,
		   struct bt_err *err)
{
	sqlite3_stmt *q = stmt(s, S_LOG_AT, err);
	struct bt__seg g;
	int rc, found = 0;
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_int64(q, 1, seq);
	rc = sqlite3_step(q);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(q);
		return BT_ENOTFOUND;
	}
	if (rc != SQLITE_ROW)
		return fail(s, err, "reading an event");
	rc = seg_read(q, &g, err);
	if (!rc && seq - g.first < g.n)
		rc = bt__seg_get(&g, (uint32_t)(seq - g.first), cb, ctx, &found, err);
	sqlite3_reset(q);
	return rc ? rc : (found ? 0 : BT_ENOTFOUND);
}

struct eidcheck {
	const char *eid;
	size_t n;
	int same;
};

static int eid_rec(void *ctx, int64_t seq, uint32_t anchor, const char *raw, size_t len)
{
	struct eidcheck *c = ctx;
	struct bt_json_doc doc;
	(void)seq, (void)anchor;
	bt_json_doc_init(&doc);
	if (bt_json_parse(&doc, raw, len, 0, NULL) == 0) {
		uint32_t v = bt_json_get(&doc, 0, "id");
		c->same = v && doc.nodes[v].type == BT_JSON_STRING && doc.nodes[v].len == c->n &&
			  memcmp(doc.nodes[v].s, c->eid, c->n) == 0;
	}
	bt_json_doc_release(&doc);
	return 0;
}

static void cache_drop(struct sqlite_store *s)
{
	bt__free(s->cache.anchors), bt__free(s->cache.keys), bt__free(s->cache.data);
	memset(&s->cache, 0, sizeof(s->cache));
}

/* Keep a copy of the segment holding seq in the cache. */
static int cache_fill(struct sqlite_store *s, int64_t seq, struct bt_err *err)
{
	sqlite3_stmt *q = stmt(s, S_LOG_AT, err);
	struct bt__seg g;
	int rc;
	if (!q)
		return BT_ESTORE;
	cache_drop(s);
	sqlite3_bind_int64(q, 1, seq);
	if ((rc = sqlite3_step(q)) != SQLITE_ROW) {
		sqlite3_reset(q);
		return rc == SQLITE_DONE ? BT_ENOTFOUND : fail(s, err, "reading an event");
	}
	if (!(rc = seg_read(q, &g, err))) {
		s->cache.anchors = (unsigned char *)bt__strndup((const char *)g.anchors, (size_t)g.n * 4);
		s->cache.keys = (unsigned char *)bt__strndup((const char *)g.keys, (size_t)g.n * 8);
		s->cache.data = (unsigned char *)bt__strndup((const char *)g.data, g.data_len);
		if (!s->cache.anchors || !s->cache.keys || !s->cache.data) {
			cache_drop(s);
			rc = bt_err_set(err, BT_ENOMEM, "out of memory");
		} else {
			s->cache.first = g.first;
			s->cache.n = g.n;
			s->cache.data_len = g.data_len;
		}
	}
	sqlite3_reset(q);
	return rc;
}

static int sq_eid_exists(struct bt__store *base, int64_t seq, const char *eid, size_t n,
			 int *exists, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	struct eidcheck c = {eid, n, 0};
	int rc = 0;
	*exists = 0;
	if (!s->cache.n || seq < s->cache.first || seq >= s->cache.first + s->cache.n)
		rc = cache_fill(s, seq, err);
	if (rc)
		return rc == BT_ENOTFOUND ? 0 : rc;
	if (seq < s->cache.first || seq >= s->cache.first + s->cache.n)
		return 0;
	struct bt__seg g = {s->cache.first, s->cache.n, 0, s->cache.anchors, s->cache.keys,
			    s->cache.data, s->cache.data_len};
	int found;
	rc = bt__seg_get(&g, (uint32_t)(seq - g.first), eid_rec, &c, &found, err);
	*exists = rc == 0 && c.same;
	return rc;
}

static int sq_event_get(struct bt__store *base, int64_t seq, bt__raw_cb cb, void *ctx,
			struct bt_err *err)
{
	return log_get((struct sqlite_store *)base, seq, cb, ctx, err);
}

/* The sorted identifier ids of a profile. */
static int idset_load(struct sqlite_store *s, int64_t root, struct bt__idset *set,
		      struct bt_err *err)
{
	sqlite3_stmt *q = stmt(s, S_PROFILE_IDENT_IDS, err);
	int r;
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_int64(q, 1, root);
	while ((r = sqlite3_step(q)) == SQLITE_ROW) {
		if (bt__idset_add(set, (uint32_t)sqlite3_column_int64(q, 0))) {
			sqlite3_reset(q);
			return bt_err_set(err, BT_ENOMEM, "out of memory");
		}
	}
	sqlite3_reset(q);
	return r == SQLITE_DONE ? 0 : fail(s, err, "listing identifiers");
}

/* Scan every segment's anchors; call seg_fn(ctx, first) for each segment
 * holding at least one event of the profile, and count those events. */
static int scan_profile(struct sqlite_store *s, const struct bt__idset *set, int64_t *count,
			int (*seg_fn)(void *ctx, int64_t first), void *ctx, struct bt_err *err)
{
	sqlite3_stmt *q;
	int r, rc = 0;
	int64_t *firsts = NULL;
	size_t nf = 0, capf = 0;
	if (count)
		*count = 0;
	if (!set->n)
		return 0;
	if (!(q = stmt(s, S_LOG_ANCHORS, err)))
		return BT_ESTORE;
	while (!rc && (r = sqlite3_step(q)) == SQLITE_ROW) {
		uint32_t n = (uint32_t)sqlite3_column_int64(q, 1);
		const unsigned char *a = sqlite3_column_blob(q, 2);
		if ((size_t)sqlite3_column_bytes(q, 2) != (size_t)n * 4) {
			rc = bt__seg_damaged(sqlite3_column_int64(q, 0), err);
			break;
		}
		uint32_t hits = bt__idset_hits(set, a, n);
		if (count)
			*count += hits;
		if (hits && seg_fn) { /* visit after the scan: seg_fn may write */
			if (nf == capf) {
				capf = capf ? capf * 2 : 16;
				void *p = bt__reallocarray(firsts, capf, sizeof(*firsts));
				if (!p) {
					rc = bt_err_set(err, BT_ENOMEM, "out of memory");
					break;
				}
				firsts = p;
			}
			firsts[nf++] = sqlite3_column_int64(q, 0);
		}
	}
	if (!rc && r != SQLITE_DONE)
		rc = fail(s, err, "reading events");
	sqlite3_reset(q);
	for (size_t i = 0; !rc && i < nf; i++)
		rc = seg_fn(ctx, firsts[i]);
	bt__free(firsts);
	return rc;
}

/* Extend the anchor index with the segments appended since it was last
 * extended. */
static int idx_refresh(struct sqlite_store *s, struct bt_err *err)
{
	sqlite3_stmt *q;
	int r, rc = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT first_seq, n, anchors FROM event_log "
				      "WHERE first_seq >= ?1 ORDER BY first_seq",
			       -1, &q, NULL) != SQLITE_OK)
		return fail(s, err, "indexing events");
	sqlite3_bind_int64(q, 1, s->idx.next_seq);
	while (!rc && (r = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t first = sqlite3_column_int64(q, 0);
		uint32_t n = (uint32_t)sqlite3_column_int64(q, 1);
		const unsigned char *a = sqlite3_column_blob(q, 2);
		if ((size_t)sqlite3_column_bytes(q, 2) != (size_t)n * 4 || first + n > UINT32_MAX) {
			rc = bt__seg_damaged(first, err);
			break;
		}
		for (uint32_t i = 0; !rc && i < n; i++) {
			uint32_t v = bt__seg_anchor_at(a, i);
			if (v == BT__SEG_ERASED)
				continue;
			if (v >= s->idx.nhead) {
				size_t nh = s->idx.nhead ? s->idx.nhead : 1024;
				while (nh <= v)
					nh *= 2;
				uint32_t *h = bt__reallocarray(s->idx.head, nh, sizeof(*h));
				if (!h) {
					rc = BT_ENOMEM;
					break;
				}
				memset(h + s->idx.nhead, 0, (nh - s->idx.nhead) * sizeof(*h));
				s->idx.head = h, s->idx.nhead = nh;
			}
			if (s->idx.nnode == s->idx.capnode) {
				size_t c = s->idx.capnode ? s->idx.capnode * 2 : 4096;
				void *pp = bt__reallocarray(s->idx.node, c, sizeof(*s->idx.node));
				if (!pp) {
					rc = BT_ENOMEM;
					break;
				}
				s->idx.node = pp, s->idx.capnode = c;
			}
			s->idx.node[s->idx.nnode] = (struct anode){(uint32_t)(first + i), s->idx.head[v]};
			s->idx.head[v] = (uint32_t)++s->idx.nnode;
		}
		s->idx.next_seq = first + n;
	}
	if (!rc && r != SQLITE_DONE)
		rc = fail(s, err, "indexing events");
	sqlite3_finalize(q);
	return rc == BT_ENOMEM ? bt_err_set(err, rc, "out of memory") : rc;
}

/* The event numbers of a profile's identifiers, ascending. */
static int idx_seqs(struct sqlite_store *s, const struct bt__idset *set, uint32_t **out, size_t *n,
		    struct bt_err *err)
{
	size_t cap = 0;
	int rc = idx_refresh(s, err);
	*out = NULL;
	*n = 0;
	for (size_t i = 0; !rc && i < set->n; i++) {
		uint32_t id = set->v[i];
		for (uint32_t k = id < s->idx.nhead ? s->idx.head[id] : 0; k; k = s->idx.node[k - 1].next) {
			if (*n == cap) {
				cap = cap ? cap * 2 : 64;
				void *pp = bt__reallocarray(*out, cap, sizeof(**out));
				if (!pp)
					return bt_err_set(err, BT_ENOMEM, "out of memory");
				*out = pp;
			}
			(*out)[(*n)++] = s->idx.node[k - 1].seq;
		}
	}
	/* each identifier's list is newest first: sort them together */
	for (size_t i = 1; i < *n; i++) {
		uint32_t x = (*out)[i];
		size_t j = i;
		while (j > 0 && (*out)[j - 1] > x) {
			(*out)[j] = (*out)[j - 1];
			j--;
		}
		(*out)[j] = x;
	}
	return rc;
}

static int sq_profile_event_count(struct bt__store *base, int64_t root, int64_t *n,
				  struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	struct bt__idset set = {NULL, 0, 0};
	uint32_t *seqs = NULL;
	size_t ns = 0;
	int rc = idset_load(s, root, &set, err);
	if (!rc)
		rc = idx_seqs(s, &set, &seqs, &ns, err);
	*n = (int64_t)ns;
	bt__free(seqs);
	bt__free(set.v);
	return rc;
}

/* Rewriting a segment: drop (erase) or replace records (bt__seg_rewrite). */
struct rewrite {
	struct sqlite_store *s;
	struct bt__seg_rewrite w;
};

static int seg_rewrite(void *ctx, int64_t first)
{
	struct rewrite *rw = ctx;
	struct sqlite_store *s = rw->s;
	cache_drop(s);
	struct bt_err *err = NULL;
	sqlite3_stmt *q = stmt(s, S_LOG_AT, err);
	struct bt__seg g;
	int rc;
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_int64(q, 1, first);
	if ((rc = sqlite3_step(q)) != SQLITE_ROW) {
		sqlite3_reset(q);
		return rc == SQLITE_DONE ? BT_ENOTFOUND : fail(s, err, "reading events");
	}
	rc = seg_read(q, &g, err);
	if (!rc)
		rc = bt__seg_rewrite(&g, &rw->w, err);
	sqlite3_reset(q);
	if (rc)
		return rc;
	const struct bt__segbuf *out = &rw->w.out;
	if (!(q = stmt(s, S_LOG_UPDATE, err)))
		return BT_ESTORE;
	sqlite3_bind_int64(q, 1, first);
	sqlite3_bind_int64(q, 2, out->live);
	sqlite3_bind_blob(q, 3, out->anchors.data, (int)out->anchors.len, SQLITE_STATIC);
	sqlite3_bind_blob(q, 4, out->keys.data, (int)out->keys.len, SQLITE_STATIC);
	sqlite3_bind_blob(q, 5, out->data.data ? out->data.data : "", (int)out->data.len,
			  SQLITE_STATIC);
	return step_done(s, q, err, "rewriting events");
}

struct visit {
	const struct bt__idset *set;
	bt__raw_cb cb;
	void *ctx;
	struct sqlite_store *s;
};

static int visit_rec(void *ctx, int64_t seq, uint32_t anchor, const char *raw, size_t len)
{
	struct visit *v = ctx;
	return bt__idset_has(v->set, anchor) ? v->cb(v->ctx, seq, anchor, raw, len) : 0;
}

static int visit_seg(void *ctx, int64_t first)
{
	struct visit *v = ctx;
	sqlite3_stmt *q = stmt(v->s, S_LOG_AT, NULL);
	struct bt__seg g;
	int rc;
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_int64(q, 1, first);
	if ((rc = sqlite3_step(q)) != SQLITE_ROW) {
		sqlite3_reset(q);
		return rc == SQLITE_DONE ? 0 : BT_ESTORE;
	}
	rc = seg_read(q, &g, NULL);
	if (!rc)
		rc = bt__seg_each(&g, 0, visit_rec, v, NULL);
	sqlite3_reset(q);
	return rc;
}

static int sq_profile_events(struct bt__store *base, int64_t root, bt__raw_cb cb, void *ctx,
			     struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	struct bt__idset set = {NULL, 0, 0};
	struct visit v = {&set, cb, ctx, s};
	uint32_t *seqs = NULL;
	size_t ns = 0;
	int rc = idset_load(s, root, &set, err);
	if (!rc)
		rc = idx_seqs(s, &set, &seqs, &ns, err);
	/* visit each segment holding one of them, once */
	int64_t last_first = -1;
	for (size_t i = 0; !rc && i < ns; i++) {
		sqlite3_stmt *q = stmt(s, S_LOG_AT, err);
		if (!q) {
			rc = BT_ESTORE;
			break;
		}
		sqlite3_bind_int64(q, 1, seqs[i]);
		int r = sqlite3_step(q);
		int64_t first = r == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
		sqlite3_reset(q);
		if (first >= 0 && first != last_first)
			rc = visit_seg(&v, first);
		last_first = first;
	}
	bt__free(seqs);
	bt__free(set.v);
	return rc;
}

/* A copy of one record, for a reader that writes to the log meanwhile. */
struct copy {
	struct bt_buf raw;
	int64_t seq;
	uint32_t anchor;
};

static int copy_rec(void *ctx, int64_t seq, uint32_t anchor, const char *raw, size_t n)
{
	struct copy *c = ctx;
	c->seq = seq;
	c->anchor = anchor;
	bt_buf_reset(&c->raw);
	return bt_buf_add(&c->raw, raw, n);
}

static int sq_conflict_events(struct bt__store *base, int64_t root, bt__raw_cb cb, void *ctx,
			      struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q = stmt(s, S_CONFLICT_SEQS, err);
	int64_t *seqs = NULL;
	size_t n = 0, cap = 0;
	int r, rc = 0;
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_int64(q, 1, root);
	while ((r = sqlite3_step(q)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			void *p = bt__reallocarray(seqs, cap, sizeof(*seqs));
			if (!p) {
				rc = BT_ENOMEM;
				break;
			}
			seqs = p;
		}
		seqs[n++] = sqlite3_column_int64(q, 0);
	}
	if (!rc && r != SQLITE_DONE)
		rc = fail(s, err, "listing conflicts");
	sqlite3_reset(q);
	/* The callback may rewrite segments, the one it is given too: read the
	 * list first, and hand it a copy of each record.  (It was given the
	 * record in place once, and the walk of the segment went on over the
	 * rewritten row: "event log segment N is damaged" whenever a scrubbed
	 * event had others after it in its segment.) */
	struct copy c = {BT_BUF_INIT, 0, 0};
	for (size_t i = 0; !rc && i < n; i++) {
		rc = log_get(s, seqs[i], copy_rec, &c, err);
		if (rc == BT_ENOTFOUND)
			rc = 0;
		else if (rc == 0)
			rc = cb(ctx, c.seq, c.anchor, c.raw.data, c.raw.len);
	}
	bt_buf_release(&c.raw);
	bt__free(seqs);
	return rc == BT_ENOMEM ? bt_err_set(err, rc, "out of memory") : rc;
}

static int sq_event_set_raw(struct bt__store *base, int64_t seq, const char *raw, size_t n,
			    struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q = stmt(s, S_LOG_AT, err);
	int64_t first;
	int rc;
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_int64(q, 1, seq);
	rc = sqlite3_step(q);
	first = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	sqlite3_reset(q);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? BT_ENOTFOUND : fail(s, err, "reading an event");
	struct rewrite w = {s, {.replace = (uint32_t)(seq - first), .raw = raw, .raw_len = (uint32_t)n}};
	rc = seg_rewrite(&w, first);
	bt__segbuf_release(&w.w.out);
	return rc;
}

/* Remove the person: their events, their identifiers' text, their conflicts,
 * and mark their profiles (the root and all merged into it) erased. */
static int sq_erase_profile(struct bt__store *base, int64_t root, int64_t *events,
			    struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	static const char *const steps[] = {
		"DELETE FROM conflicts WHERE ident IN (SELECT id FROM identifiers WHERE profile = ?1)"
		" OR profile = ?1 OR other_profile = ?1",
		"DELETE FROM refusals WHERE ident IN (SELECT ident FROM identifiers WHERE profile = ?1)"
		" OR profile = ?1 OR profile IN"
		" (SELECT id FROM profiles WHERE merged_into = ?1 AND merged_into != 0)",
		"UPDATE identifiers SET ident = NULL, profile = 0 WHERE profile = ?1",
		"UPDATE profiles SET erased = 1 WHERE id = ?1 OR merged_into = ?1",
	};
	struct bt__idset set = {NULL, 0, 0};
	struct rewrite w = {s, {.drop = &set, .replace = UINT32_MAX}};
	int rc = idset_load(s, root, &set, err);
	if (!rc)
		rc = scan_profile(s, &set, NULL, seg_rewrite, &w, err);
	bt__segbuf_release(&w.w.out);
	bt__free(set.v);
	if (events)
		*events = w.w.dropped;
	for (size_t i = 0; !rc && i < sizeof(steps) / sizeof(steps[0]); i++) {
		sqlite3_stmt *q;
		if (sqlite3_prepare_v2(s->db, steps[i], -1, &q, NULL) != SQLITE_OK)
			return fail(s, err, "erasing");
		sqlite3_bind_int64(q, 1, root);
		int r = sqlite3_step(q);
		sqlite3_finalize(q);
		if (r != SQLITE_DONE)
			return fail(s, err, "erasing");
	}
	return rc;
}

/* ---- tokens ---- */

static int token_row(sqlite3_stmt *q, struct bt_token *t)
{
	memset(t, 0, sizeof(*t));
	t->id = sqlite3_column_int64(q, 0);
	t->role = bt_role_parse((const char *)sqlite3_column_text(q, 1));
	t->team = col_or_null(q, 2);
	t->person = col_or_null(q, 3);
	t->name = col_or_null(q, 4);
	t->created = sqlite3_column_int64(q, 5);
	t->revoked = sqlite3_column_int64(q, 6);
	return t->role < 0 ? BT_ESTORE : 0;
}

static int sq_token_insert(struct bt__store *base, const unsigned char hash[32], const char *vals[4],
			   int64_t now, int64_t *id, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(s->db, "INSERT INTO tokens(hash, role, team, person, name, created) "
				      "VALUES (?,?,?,?,?,?)",
			       -1, &q, NULL) != SQLITE_OK)
		return fail(s, err, "storing a token");
	sqlite3_bind_blob(q, 1, hash, 32, SQLITE_STATIC);
	for (int i = 0; i < 4; i++)
		if (vals[i])
			sqlite3_bind_text(q, 2 + i, vals[i], -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 6, now);
	int r = sqlite3_step(q);
	sqlite3_finalize(q);
	if (r != SQLITE_DONE)
		return fail(s, err, "storing a token");
	if (id)
		*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

static int sq_token_find(struct bt__store *base, const unsigned char hash[32], struct bt_token *out,
			 struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q = stmt(s, S_TOKEN_FIND, err); /* every request: prepared once */
	int rc;
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_blob(q, 1, hash, 32, SQLITE_STATIC);
	int r = sqlite3_step(q);
	if (r == SQLITE_ROW)
		rc = token_row(q, out);
	else
		rc = r == SQLITE_DONE ? BT_ENOTFOUND : fail(s, err, "checking a token");
	sqlite3_reset(q); /* ends the read: a finished statement pins no snapshot */
	return rc;
}

static int sq_token_list(struct bt__store *base, struct bt_token **out, size_t *n,
			 struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	struct bt_token *v = NULL;
	size_t len = 0, cap = 0;
	sqlite3_stmt *q;
	int r, rc = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT id, role, team, person, name, created, "
				      "coalesce(revoked, 0) FROM tokens ORDER BY id",
			       -1, &q, NULL) != SQLITE_OK)
		return fail(s, err, "listing tokens");
	while (!rc && (r = sqlite3_step(q)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap ? cap * 2 : 8;
			void *p = bt__reallocarray(v, cap, sizeof(*v));
			if (!p) {
				rc = BT_ENOMEM;
				break;
			}
			v = p;
		}
		rc = token_row(q, &v[len++]);
	}
	if (!rc && r != SQLITE_DONE)
		rc = fail(s, err, "listing tokens");
	sqlite3_finalize(q);
	*out = v;
	*n = len;
	return rc;
}

static int sq_token_revoke(struct bt__store *base, int64_t id, int64_t now, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(s->db, "UPDATE tokens SET revoked = ?2 WHERE id = ?1 AND revoked IS NULL",
			       -1, &q, NULL) != SQLITE_OK)
		return fail(s, err, "revoking a token");
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, now);
	int r = sqlite3_step(q);
	sqlite3_finalize(q);
	if (r != SQLITE_DONE)
		return fail(s, err, "revoking a token");
	return sqlite3_changes(s->db) ? 0 : bt_err_set(err, BT_ENOTFOUND, "no live token %lld", (long long)id);
}

/* ---- webhooks ----
 * webhook_deliveries.state is enum bt_delivery_state; a pending delivery
 * is due at next_at.  Claiming one moves next_at to the end of the claim
 * and gives it a claim number: should the sender die, the delivery is due
 * again once the claim lapses, and only the holder of the claim records
 * its attempt. */

/* Prepare q, bind nothing: the caller binds and steps. */
static sqlite3_stmt *prep(struct sqlite_store *s, const char *q, const char *what,
			  struct bt_err *err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(s->db, q, -1, &st, NULL) != SQLITE_OK) {
		fail(s, err, what);
		return NULL;
	}
	return st;
}

/* step_rows for a statement of prep(), which is finalized. */
static int rows_into(struct sqlite_store *s, sqlite3_stmt *q, size_t size,
		     int (*row)(sqlite3_stmt *q, void *elem), void **out, size_t *n,
		     const char *what, struct bt_err *err)
{
	char *v = NULL;
	int rc = step_rows(s, q, size, row, &v, n, what, err);
	sqlite3_finalize(q);
	*out = v;
	return rc == BT_ENOMEM ? bt_err_set(err, rc, "out of memory") : rc;
}

/* One number a query answers (its first column), def without a row. */
static int one_int(struct sqlite_store *s, sqlite3_stmt *q, int64_t def, int64_t *out,
		   const char *what, struct bt_err *err)
{
	int r = sqlite3_step(q);
	*out = r == SQLITE_ROW ? sqlite3_column_int64(q, 0) : def;
	sqlite3_finalize(q);
	return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : fail(s, err, what);
}

static int sq_key(struct bt__store *base, const char *purpose, unsigned char out[32],
		  struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	if (!s->have_key)
		return bt_err_set(err, BT_EUSAGE, "the database's key is not available on a "
						  "connection opened read-only");
	crypto_generichash(out, 32, (const unsigned char *)purpose, strlen(purpose), s->key,
			   sizeof(s->key));
	return 0;
}

static int sq_webhook_insert(struct bt__store *base, const char *url, const char *events,
			     const void *sealed, size_t n, int64_t now, int64_t *id,
			     struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q = prep(s, "INSERT INTO webhooks(url, events, secret, created) VALUES (?,?,?,?)",
			       "storing a webhook", err);
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_text(q, 1, url, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, events, -1, SQLITE_STATIC);
	sqlite3_bind_blob(q, 3, sealed, (int)n, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, now);
	int r = sqlite3_step(q);
	sqlite3_finalize(q);
	if (r != SQLITE_DONE)
		return fail(s, err, "storing a webhook");
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

static int webhook_row(sqlite3_stmt *q, void *elem)
{
	struct bt_webhook *w = elem;
	w->id = sqlite3_column_int64(q, 0);
	w->url = col_dup(q, 1);
	w->events = col_dup(q, 2);
	w->created = sqlite3_column_int64(q, 3);
	w->pending = sqlite3_column_int64(q, 4);
	w->delivered = sqlite3_column_int64(q, 5);
	w->failed = sqlite3_column_int64(q, 6);
	return w->url && w->events ? 0 : BT_ENOMEM;
}

/* A cursor of a newest-first list: 0 means from the newest. */
static int64_t below(int64_t before) { return before > 0 ? before : INT64_MAX; }

static int sq_webhook_list(struct bt__store *base, int64_t before, size_t limit,
			   struct bt_webhook **out, size_t *n, int64_t *total, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q;
	int rc;
	*out = NULL, *n = 0, *total = 0;
	if (s->schema < SCHEMA_WEBHOOKS) /* a reader of an older file */
		return 0;
	if (!(q = prep(s, "SELECT count(*) FROM webhooks", "listing webhooks", err)) ||
	    (rc = one_int(s, q, 0, total, "listing webhooks", err)))
		return BT_ESTORE;
	q = prep(s,
		 "SELECT w.id, w.url, w.events, w.created,"
		 " (SELECT count(*) FROM webhook_deliveries d WHERE d.webhook = w.id AND d.state = 0),"
		 " (SELECT count(*) FROM webhook_deliveries d WHERE d.webhook = w.id AND d.state = 1),"
		 " (SELECT count(*) FROM webhook_deliveries d WHERE d.webhook = w.id AND d.state = 2) "
		 "FROM webhooks w WHERE w.id < ?1 ORDER BY w.id DESC LIMIT ?2",
		 "listing webhooks", err);
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_int64(q, 1, below(before));
	sqlite3_bind_int64(q, 2, limit ? (int64_t)limit : -1);
	return rows_into(s, q, sizeof(**out), webhook_row, (void **)out, n, "listing webhooks", err);
}

static int sq_webhook_remove(struct bt__store *base, int64_t id, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	static const char *const qs[] = {
		"DELETE FROM webhook_attempts WHERE delivery IN "
		"(SELECT id FROM webhook_deliveries WHERE webhook = ?1)",
		"DELETE FROM webhook_deliveries WHERE webhook = ?1",
		"DELETE FROM webhooks WHERE id = ?1", /* last: its changes() answer */
	};
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		sqlite3_stmt *q = prep(s, qs[i], "deleting a webhook", err);
		if (!q)
			return BT_ESTORE;
		sqlite3_bind_int64(q, 1, id);
		int r = sqlite3_step(q);
		sqlite3_finalize(q);
		if (r != SQLITE_DONE)
			return fail(s, err, "deleting a webhook");
	}
	return sqlite3_changes(s->db) ? 0
				      : bt_err_set(err, BT_ENOTFOUND, "no webhook %lld", (long long)id);
}

static int sq_delivery_enqueue(struct bt__store *base, int64_t webhook, const char *uid,
			       const char *event, const char *body, size_t n, int64_t now,
			       struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q = prep(s, "INSERT INTO webhook_deliveries(webhook, uid, event, body, "
				  "created, state, next_at) VALUES (?,?,?,?,?,0,?5)",
			       "queueing a delivery", err);
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_int64(q, 1, webhook);
	sqlite3_bind_text(q, 2, uid, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, event, -1, SQLITE_STATIC);
	sqlite3_bind_blob(q, 4, body, (int)n, SQLITE_STATIC);
	sqlite3_bind_int64(q, 5, now);
	int r = sqlite3_step(q);
	sqlite3_finalize(q);
	return r == SQLITE_DONE ? 0 : fail(s, err, "queueing a delivery");
}

static int delivery_row(sqlite3_stmt *q, void *elem)
{
	struct bt_webhook_delivery *d = elem;
	d->id = sqlite3_column_int64(q, 0);
	d->webhook = sqlite3_column_int64(q, 1);
	snprintf(d->uid, sizeof(d->uid), "%s", (const char *)sqlite3_column_text(q, 2));
	d->event = col_dup(q, 3);
	d->state = sqlite3_column_int(q, 4);
	d->created = sqlite3_column_int64(q, 5);
	d->next = d->state == BT_DELIVERY_PENDING ? sqlite3_column_int64(q, 6) : 0;
	d->body_len = (size_t)sqlite3_column_bytes(q, 7);
	d->body = bt__strndup(sqlite3_column_blob(q, 7) ? sqlite3_column_blob(q, 7) : "", d->body_len);
	return d->event && d->body ? 0 : BT_ENOMEM;
}

struct attempt_row {
	int64_t delivery;
	struct bt_webhook_attempt a;
};

static int attempt_row(sqlite3_stmt *q, void *elem)
{
	struct attempt_row *r = elem;
	r->delivery = sqlite3_column_int64(q, 0);
	r->a.at = sqlite3_column_int64(q, 1);
	r->a.status = sqlite3_column_int(q, 2);
	r->a.error = sqlite3_column_type(q, 3) == SQLITE_NULL ? NULL : col_dup(q, 3);
	r->a.ms = sqlite3_column_int64(q, 4);
	r->a.next = sqlite3_column_int64(q, 5);
	return sqlite3_column_type(q, 3) == SQLITE_NULL || r->a.error ? 0 : BT_ENOMEM;
}

/* Hand the attempts (in delivery and attempt order) to the deliveries of
 * the page (newest first); those of other deliveries in the range of ids
 * are freed. */
static int attempts_to(struct bt_webhook_delivery *v, size_t n, struct attempt_row *a, size_t na)
{
	size_t k = 0;
	for (size_t i = n; i-- > 0;) { /* oldest delivery first, as the attempts */
		size_t from;
		while (k < na && a[k].delivery < v[i].id)
			bt__free(a[k++].a.error);
		for (from = k; k < na && a[k].delivery == v[i].id; k++)
			;
		if (k == from)
			continue;
		v[i].attempts = bt__calloc(k - from, sizeof(*v[i].attempts));
		if (!v[i].attempts) {
			for (; from < na; from++)
				bt__free(a[from].a.error);
			return BT_ENOMEM;
		}
		for (; from < k; from++)
			v[i].attempts[v[i].nattempts++] = a[from].a;
	}
	for (; k < na; k++)
		bt__free(a[k].a.error);
	return 0;
}

static int sq_deliveries(struct bt__store *base, int64_t webhook, int64_t before, size_t limit,
			 struct bt_webhook_delivery **out, size_t *n, int64_t *total,
			 struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	struct attempt_row *a = NULL;
	size_t na = 0;
	sqlite3_stmt *q;
	int rc;
	*out = NULL, *n = 0, *total = 0;
	if (s->schema < SCHEMA_WEBHOOKS)
		return 0;
	if (!(q = prep(s, "SELECT count(*) FROM webhook_deliveries WHERE ?1 = 0 OR webhook = ?1",
		       "listing deliveries", err)))
		return BT_ESTORE;
	sqlite3_bind_int64(q, 1, webhook);
	if ((rc = one_int(s, q, 0, total, "listing deliveries", err)))
		return rc;
	q = prep(s, "SELECT id, webhook, uid, event, state, created, next_at, body "
		    "FROM webhook_deliveries WHERE (?1 = 0 OR webhook = ?1) AND id < ?2 "
		    "ORDER BY id DESC LIMIT ?3",
		 "listing deliveries", err);
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_int64(q, 1, webhook);
	sqlite3_bind_int64(q, 2, below(before));
	sqlite3_bind_int64(q, 3, limit ? (int64_t)limit : -1);
	if ((rc = rows_into(s, q, sizeof(**out), delivery_row, (void **)out, n,
			    "listing deliveries", err)) ||
	    !*n)
		return rc;
	/* the attempts of the page's range of ids, in one query */
	q = prep(s, "SELECT delivery, at, status, error, ms, coalesce(next_at, 0) "
		    "FROM webhook_attempts WHERE delivery BETWEEN ?1 AND ?2 ORDER BY delivery, id",
		 "listing deliveries", err);
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_int64(q, 1, (*out)[*n - 1].id);
	sqlite3_bind_int64(q, 2, (*out)[0].id);
	rc = rows_into(s, q, sizeof(*a), attempt_row, (void **)&a, &na, "listing deliveries", err);
	if (!rc)
		rc = attempts_to(*out, *n, a, na);
	else
		for (size_t i = 0; i < na; i++)
			bt__free(a[i].a.error);
	bt__free(a);
	return rc == BT_ENOMEM ? bt_err_set(err, rc, "out of memory") : rc;
}

static int sq_delivery_claim(struct bt__store *base, int64_t now, int64_t until, int64_t claim,
			     struct bt_webhook_job *job, unsigned char **sealed, size_t *sealed_n,
			     struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q = prep(s,
		"UPDATE webhook_deliveries SET next_at = ?2, claim = ?3 WHERE id = "
		"(SELECT id FROM webhook_deliveries WHERE state = 0 AND next_at <= ?1 "
		" ORDER BY next_at, id LIMIT 1) "
		"RETURNING id, webhook, uid, event, body, attempts, "
		"(SELECT url FROM webhooks WHERE id = webhook), "
		"(SELECT secret FROM webhooks WHERE id = webhook)",
		"claiming a delivery", err);
	int rc = 0;
	*sealed = NULL, *sealed_n = 0;
	memset(job, 0, sizeof(*job));
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_int64(q, 1, now);
	sqlite3_bind_int64(q, 2, until);
	sqlite3_bind_int64(q, 3, claim);
	int r = sqlite3_step(q);
	if (r == SQLITE_ROW) {
		job->delivery = sqlite3_column_int64(q, 0);
		job->webhook = sqlite3_column_int64(q, 1);
		job->claim = claim;
		snprintf(job->uid, sizeof(job->uid), "%s", (const char *)sqlite3_column_text(q, 2));
		job->event = col_dup(q, 3);
		job->body_len = (size_t)sqlite3_column_bytes(q, 4);
		job->body = bt__strndup(sqlite3_column_blob(q, 4) ? sqlite3_column_blob(q, 4) : "",
					job->body_len);
		job->attempt = sqlite3_column_int(q, 5) + 1;
		job->url = col_dup(q, 6);
		*sealed_n = (size_t)sqlite3_column_bytes(q, 7);
		*sealed = bt__malloc(*sealed_n ? *sealed_n : 1);
		if (*sealed && *sealed_n)
			memcpy(*sealed, sqlite3_column_blob(q, 7), *sealed_n);
		if (!job->event || !job->body || !job->url || !*sealed)
			rc = bt_err_set(err, BT_ENOMEM, "out of memory");
		r = sqlite3_step(q); /* finish the statement: the update is done */
	} else if (r == SQLITE_DONE) {
		rc = BT_ENOTFOUND;
	}
	if (r != SQLITE_DONE && !rc)
		rc = fail(s, err, "claiming a delivery");
	sqlite3_finalize(q);
	if (rc && rc != BT_ENOTFOUND) {
		bt__free(*sealed);
		*sealed = NULL;
		bt_webhook_job_release(job);
	}
	return rc;
}

static int sq_delivery_attempt(struct bt__store *base, int64_t delivery, int64_t claim,
			       const struct bt_webhook_attempt *a, int state, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q = prep(s, "UPDATE webhook_deliveries SET attempts = attempts + 1, "
				  "state = ?3, next_at = ?4, claim = NULL WHERE id = ?1 AND claim = ?2",
			       "recording an attempt", err);
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_int64(q, 1, delivery);
	sqlite3_bind_int64(q, 2, claim);
	sqlite3_bind_int(q, 3, state);
	if (a->next)
		sqlite3_bind_int64(q, 4, a->next);
	int r = sqlite3_step(q);
	sqlite3_finalize(q);
	if (r != SQLITE_DONE)
		return fail(s, err, "recording an attempt");
	if (!sqlite3_changes(s->db))
		return bt_err_set(err, BT_ENOTFOUND, "the claim of delivery %lld was lost",
				  (long long)delivery);
	if (!(q = prep(s, "INSERT INTO webhook_attempts(delivery, at, status, error, ms, next_at) "
			  "VALUES (?,?,?,?,?,?)",
		       "recording an attempt", err)))
		return BT_ESTORE;
	sqlite3_bind_int64(q, 1, delivery);
	sqlite3_bind_int64(q, 2, a->at);
	sqlite3_bind_int(q, 3, a->status);
	if (a->error)
		sqlite3_bind_text(q, 4, a->error, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 5, a->ms);
	if (a->next)
		sqlite3_bind_int64(q, 6, a->next);
	r = sqlite3_step(q);
	sqlite3_finalize(q);
	return r == SQLITE_DONE ? 0 : fail(s, err, "recording an attempt");
}

static int sq_delivery_unclaim(struct bt__store *base, int64_t delivery, int64_t claim, int64_t at,
			       struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q = prep(s, "UPDATE webhook_deliveries SET next_at = ?3, claim = NULL "
				  "WHERE id = ?1 AND claim = ?2",
			       "giving a delivery back", err);
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_int64(q, 1, delivery);
	sqlite3_bind_int64(q, 2, claim);
	sqlite3_bind_int64(q, 3, at);
	int r = sqlite3_step(q);
	sqlite3_finalize(q);
	return r == SQLITE_DONE ? 0 : fail(s, err, "giving a delivery back");
}

static int sq_delivery_next_due(struct bt__store *base, int64_t *at, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q;
	int rc;
	*at = 0;
	if (s->schema < SCHEMA_WEBHOOKS)
		return BT_ENOTFOUND;
	if (!(q = prep(s, "SELECT min(next_at) FROM webhook_deliveries WHERE state = 0",
		       "looking for due deliveries", err)) ||
	    (rc = one_int(s, q, 0, at, "looking for due deliveries", err)))
		return BT_ESTORE;
	return *at ? 0 : BT_ENOTFOUND;
}

/* ---- actions (docs/governance.md) ---- */

static void bind_action(sqlite3_stmt *q, const struct bt_action *a)
{
	sqlite3_bind_text(q, 1, a->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, a->owner, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, a->due);
	sqlite3_bind_text(q, 4, a->status, -1, SQLITE_STATIC);
	bind_text_or_null(q, 5, a->journey);
	bind_text_or_null(q, 6, a->kpi);
	bind_text_or_null(q, 7, a->meeting);
	sqlite3_bind_text(q, 8, a->created_by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 9, a->created);
	sqlite3_bind_int64(q, 10, a->updated);
}

static int sq_action_insert(struct bt__store *base, struct bt_action *a, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q = prep(s, "INSERT INTO actions(title, owner, due, status, journey, kpi, "
				  "meeting, created_by, created, updated) VALUES (?,?,?,?,?,?,?,?,?,?)",
			       "storing an action", err);
	if (!q)
		return BT_ESTORE;
	bind_action(q, a);
	int r = sqlite3_step(q);
	sqlite3_finalize(q);
	if (r != SQLITE_DONE)
		return fail(s, err, "storing an action");
	a->id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

static int sq_action_update(struct bt__store *base, const struct bt_action *a, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q = prep(s, "UPDATE actions SET title = ?1, owner = ?2, due = ?3, status = ?4, "
				  "journey = ?5, kpi = ?6, meeting = ?7, created_by = ?8, created = ?9, "
				  "updated = ?10 WHERE id = ?11",
			       "changing an action", err);
	if (!q)
		return BT_ESTORE;
	bind_action(q, a);
	sqlite3_bind_int64(q, 11, a->id);
	int r = sqlite3_step(q);
	sqlite3_finalize(q);
	if (r != SQLITE_DONE)
		return fail(s, err, "changing an action");
	return sqlite3_changes(s->db) ? 0 : bt_err_set(err, BT_ENOTFOUND, "no action %lld",
							 (long long)a->id);
}

static int action_row(sqlite3_stmt *q, void *elem)
{
	struct bt_action *a = elem;
	a->id = sqlite3_column_int64(q, 0);
	a->title = col_dup(q, 1), a->owner = col_dup(q, 2);
	a->due = sqlite3_column_int64(q, 3);
	a->status = col_dup(q, 4);
	a->journey = col_dup_or_null(q, 5), a->kpi = col_dup_or_null(q, 6);
	a->meeting = col_dup_or_null(q, 7), a->created_by = col_dup(q, 8);
	a->created = sqlite3_column_int64(q, 9), a->updated = sqlite3_column_int64(q, 10);
	if (!a->title || !a->owner || !a->status || !a->created_by ||
	    (!a->journey && sqlite3_column_type(q, 5) != SQLITE_NULL) ||
	    (!a->kpi && sqlite3_column_type(q, 6) != SQLITE_NULL) ||
	    (!a->meeting && sqlite3_column_type(q, 7) != SQLITE_NULL))
		return BT_ENOMEM;
	return 0;
}

static int sq_action_list(struct bt__store *base, struct bt_action **out, size_t *n,
			  struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	*out = NULL, *n = 0;
	if (s->schema < SCHEMA_ACTIONS) /* a reader of an older file */
		return 0;
	sqlite3_stmt *q = prep(s, "SELECT id, title, owner, due, status, journey, kpi, meeting, "
				  "created_by, created, updated FROM actions ORDER BY id",
			       "listing actions", err);
	if (!q)
		return BT_ESTORE;
	return rows_into(s, q, sizeof(**out), action_row, (void **)out, n, "listing actions", err);
}

/* ---- whole tables (baton migrate) ---- */

/* "SELECT a, b FROM t ORDER BY o" or "INSERT ... VALUES (?, ?)" from
 * migrate.c's fixed names. */
static int copy_sql(struct bt_buf *q, const char *table, const char *const *cols, size_t ncols,
		    const char *order, int insert)
{
	bt_buf_reset(q);
	bt_buf_adds(q, insert ? (strcmp(table, "meta") ? "INSERT INTO " : "INSERT OR REPLACE INTO ")
			      : "SELECT ");
	if (insert)
		bt_buf_printf(q, "%s(", table);
	for (size_t i = 0; i < ncols; i++)
		bt_buf_printf(q, "%s\"%s\"", i ? ", " : "", cols[i]);
	if (insert) {
		bt_buf_adds(q, ") VALUES (");
		for (size_t i = 0; i < ncols; i++)
			bt_buf_adds(q, i ? ", ?" : "?");
		bt_buf_adds(q, ")");
	} else {
		bt_buf_printf(q, " FROM %s ORDER BY %s", table, order ? order : "rowid");
	}
	bt_buf_addc(q, '\0');
	return bt_buf_status(q) ? BT_ENOMEM : 0;
}

static int sq_copy_rows(struct bt__store *base, const char *table, const char *const *cols,
			size_t ncols, const char *order,
			int (*cb)(void *ctx, const struct bt__cell *v), void *ctx,
			struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	struct bt_buf q = BT_BUF_INIT;
	struct bt__cell v[32];
	sqlite3_stmt *st = NULL;
	int rc;
	if (ncols > 32)
		return bt_err_set(err, BT_EUSAGE, "too many columns");
	if ((rc = copy_sql(&q, table, cols, ncols, order, 0))) {
		bt_buf_release(&q);
		return bt_err_set(err, rc, "out of memory");
	}
	if (sqlite3_prepare_v2(s->db, q.data, -1, &st, NULL) != SQLITE_OK) {
		bt_buf_release(&q);
		return fail(s, err, "reading a table to copy");
	}
	bt_buf_release(&q);
	int step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		for (size_t i = 0; i < ncols; i++) {
			int c = (int)i;
			memset(&v[i], 0, sizeof(v[i]));
			switch (sqlite3_column_type(st, c)) {
			case SQLITE_INTEGER:
				v[i].type = BT_CELL_INT, v[i].i = sqlite3_column_int64(st, c);
				break;
			case SQLITE_FLOAT:
				v[i].type = BT_CELL_REAL, v[i].r = sqlite3_column_double(st, c);
				break;
			case SQLITE_TEXT:
				v[i].type = BT_CELL_TEXT, v[i].p = sqlite3_column_text(st, c);
				v[i].n = (size_t)sqlite3_column_bytes(st, c);
				break;
			case SQLITE_BLOB:
				v[i].type = BT_CELL_BLOB, v[i].p = sqlite3_column_blob(st, c);
				v[i].n = (size_t)sqlite3_column_bytes(st, c);
				break;
			default: v[i].type = BT_CELL_NULL;
			}
		}
		rc = cb(ctx, v);
	}
	if (!rc && step != SQLITE_DONE)
		rc = fail(s, err, "reading a table to copy");
	sqlite3_finalize(st);
	return rc;
}

static int sq_copy_put(struct bt__store *base, const char *table, const char *const *cols,
		       size_t ncols, const struct bt__cell *v, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	struct bt_buf q = BT_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc;
	if ((rc = copy_sql(&q, table, cols, ncols, NULL, 1))) {
		bt_buf_release(&q);
		return bt_err_set(err, rc, "out of memory");
	}
	/* one statement per table, kept while the same table comes again */
	if (s->copy_st && strcmp(sqlite3_sql(s->copy_st), q.data)) {
		sqlite3_finalize(s->copy_st);
		s->copy_st = NULL;
	}
	if (!s->copy_st && sqlite3_prepare_v2(s->db, q.data, -1, &s->copy_st, NULL) != SQLITE_OK) {
		bt_buf_release(&q);
		return fail(s, err, "writing a copied row");
	}
	bt_buf_release(&q);
	st = s->copy_st;
	sqlite3_reset(st);
	for (size_t i = 0; i < ncols; i++) {
		int c = (int)i + 1;
		switch (v[i].type) {
		case BT_CELL_INT: sqlite3_bind_int64(st, c, v[i].i); break;
		case BT_CELL_REAL: sqlite3_bind_double(st, c, v[i].r); break;
		case BT_CELL_TEXT:
			sqlite3_bind_text(st, c, v[i].n ? v[i].p : "", (int)v[i].n,
					  SQLITE_TRANSIENT);
			break;
		case BT_CELL_BLOB:
			sqlite3_bind_blob(st, c, v[i].n ? v[i].p : "", (int)v[i].n,
					  SQLITE_TRANSIENT);
			break;
		default: sqlite3_bind_null(st, c);
		}
	}
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : fail(s, err, "writing a copied row");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

static int sq_copy_done(struct bt__store *base, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	(void)err;
	sqlite3_finalize(s->copy_st);
	s->copy_st = NULL;
	cache_drop(s);
	return 0; /* AUTOINCREMENT follows the highest id written by itself */
}

/* ---- retention ---- */

/* Events of a time at or before upto: the segments that hold some, then
 * (unless dry) each rewritten with them as tombstones. */
static int purge_events(struct sqlite_store *s, int64_t upto, int dry, int64_t *n,
			struct bt_err *err)
{
	sqlite3_stmt *q = prep(s, "SELECT first_seq, n, live, anchors, keys, data FROM event_log "
				  "WHERE live > 0 ORDER BY first_seq",
			       "purging events", err);
	struct bt__firsts f = {NULL, 0, 0};
	int64_t k;
	int rc = 0, r;
	if (!q)
		return BT_ESTORE;
	*n = 0;
	while (!rc && (r = sqlite3_step(q)) == SQLITE_ROW) {
		struct bt__seg g;
		if ((rc = seg_read(q, &g, err)) || (rc = bt__seg_aged(&g, upto, &k, err)) || !k)
			continue;
		*n += k;
		if (bt__firsts_add(&f, g.first))
			rc = bt_err_set(err, BT_ENOMEM, "out of memory");
	}
	if (!rc && r != SQLITE_DONE)
		rc = fail(s, err, "purging events");
	sqlite3_finalize(q);
	struct rewrite w = {s, {.aged = 1, .upto = upto, .replace = UINT32_MAX}};
	for (size_t i = 0; !rc && !dry && i < f.n; i++)
		rc = seg_rewrite(&w, f.v[i]);
	bt__segbuf_release(&w.w.out);
	bt__free(f.v);
	return rc;
}

static int sq_purge(struct bt__store *base, enum bt__purge_set set, int64_t upto, int dry,
		    int64_t *n, struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	if (set == BT__PURGE_EVENTS)
		return purge_events(s, upto, dry, n, err);
	/* [set][0] counts, then the deletes in order; the last one's
	 * changes() is the count */
	static const char *const qs[][3] = {
	    [BT__PURGE_DEAD_LETTERS] = {"SELECT count(*) FROM dead_letters WHERE at <= ?1",
					"DELETE FROM dead_letters WHERE at <= ?1", NULL},
	    [BT__PURGE_EVENTS] = {NULL, NULL, NULL},
	    [BT__PURGE_SESSIONS] = {"SELECT count(*) FROM ended_sessions WHERE expires <= ?1",
				    "DELETE FROM ended_sessions WHERE expires <= ?1", NULL},
	    [BT__PURGE_DELIVERIES] =
		{"SELECT count(*) FROM webhook_deliveries WHERE state <> 0 AND created <= ?1",
		 "DELETE FROM webhook_attempts WHERE delivery IN (SELECT id FROM "
		 "webhook_deliveries WHERE state <> 0 AND created <= ?1)",
		 "DELETE FROM webhook_deliveries WHERE state <> 0 AND created <= ?1"},
	};
	*n = 0;
	for (size_t i = dry ? 0 : 1; i < 3 && qs[set][i]; i++) {
		sqlite3_stmt *q = prep(s, qs[set][i], "purging", err);
		if (!q)
			return BT_ESTORE;
		sqlite3_bind_int64(q, 1, upto);
		int r = sqlite3_step(q);
		if (r == SQLITE_ROW)
			*n = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
		if (r != SQLITE_DONE && r != SQLITE_ROW)
			return fail(s, err, "purging");
		if (dry)
			return 0;
	}
	*n = sqlite3_changes(s->db);
	return 0;
}

/* ---- sessions ---- */

static int sq_session_end(struct bt__store *base, const unsigned char id[32], int64_t expires,
			  struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *q = prep(s, "INSERT OR IGNORE INTO ended_sessions(id, expires) VALUES (?1, ?2)",
			       "ending a session", err);
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_blob(q, 1, id, 32, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, expires);
	int r = sqlite3_step(q);
	sqlite3_finalize(q);
	return r == SQLITE_DONE ? 0 : fail(s, err, "ending a session");
}

static int sq_session_ended(struct bt__store *base, const unsigned char id[32], int *ended,
			    struct bt_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	*ended = 0;
	if (s->schema < 14) /* a reader of an older file: none ended */
		return 0;
	sqlite3_stmt *q = prep(s, "SELECT 1 FROM ended_sessions WHERE id = ?1", "reading a session",
			       err);
	if (!q)
		return BT_ESTORE;
	sqlite3_bind_blob(q, 1, id, 32, SQLITE_STATIC);
	int r = sqlite3_step(q);
	sqlite3_finalize(q);
	if (r == SQLITE_ROW)
		*ended = 1;
	return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : fail(s, err, "reading a session");
}

static const struct bt__store_ops sqlite_ops = {
	.name = "sqlite",
	.close = sq_close,
	.counts = sq_counts,
	.txn = {.begin = sq_begin,
		.read_begin = sq_read_begin,
		.commit = sq_commit,
		.rollback = sq_rollback,
		.writing = sq_writing,
		.check = sq_check,
		.data_version = sq_data_version,
		.write_batch = sq_write_batch,
		.scrub_files = sq_scrub_files},
	.events = {.each = sq_each_event,
		   .get = sq_event_get,
		   .ids_since = sq_eids_since,
		   .id_is = sq_eid_exists,
		   .of_profile = sq_profile_events,
		   .count_of_profile = sq_profile_event_count,
		   .of_conflicts = sq_conflict_events,
		   .set_raw = sq_event_set_raw},
	.identity = {.load = sq_load,
		     .since = sq_identity_since,
		     .mark = sq_identity_mark,
		     .ident_profile = sq_ident_profile,
		     .profile_root = sq_profile_root,
		     .profile_idents = sq_profile_idents,
		     .conflicts = sq_profile_conflicts,
		     .merges = sq_profile_merges,
		     .members = sq_members,
		     .merge_get = sq_merge_get,
		     .conflict_rows = sq_conflict_rows,
		     .refusal_rows = sq_refusal_rows,
		     .conflicts_page = sq_conflicts_page,
		     .conflict_get = sq_conflict_get,
		     .conflict_resolve = sq_conflict_resolve,
		     .apart_add = sq_apart_add,
		     .reshape = sq_reshape,
		     .refusals = sq_profile_refusals,
		     .erase_profile = sq_erase_profile,
		     .suppress = sq_suppress},
	.config = {.get = sq_meta_get, .set = sq_meta_set, .key = sq_key},
	.rules = {.list = sq_rules_list, .set = sq_rule_set, .audit = sq_rule_audit,
		  .changes = sq_changes},
	.escalations = {.act = sq_esc_act, .acts = sq_esc_acts, .announce = sq_announce},
	.actions = {.insert = sq_action_insert, .update = sq_action_update, .list = sq_action_list},
	.initiatives = {.insert = sq_init_insert, .list = sq_init_list},
	.calendar = {.add = sq_cal_add, .list = sq_cal_list},
	.followups = {.close = sq_fu_close, .closes = sq_fu_closes},
	.tokens = {.insert = sq_token_insert,
		   .find = sq_token_find,
		   .list = sq_token_list,
		   .revoke = sq_token_revoke},
	.dead = {.list = sq_dead_letters, .usage = sq_dead_usage, .remove = sq_dead_letter_delete},
	.webhooks = {.insert = sq_webhook_insert,
		     .list = sq_webhook_list,
		     .remove = sq_webhook_remove,
		     .enqueue = sq_delivery_enqueue,
		     .deliveries = sq_deliveries,
		     .claim = sq_delivery_claim,
		     .attempt = sq_delivery_attempt,
		     .unclaim = sq_delivery_unclaim,
		     .next_due = sq_delivery_next_due},
	.retention = {.purge = sq_purge},
	.sessions = {.end = sq_session_end, .ended = sq_session_ended},
	.copy = {.rows = sq_copy_rows, .put = sq_copy_put, .done = sq_copy_done},
};

/* 2 → 3: hash the dead letters kept so far; of a record kept several
 * times, the first row stays (its id is the one people have seen). */
static int dead_letters_once(struct sqlite_store *s, struct bt_err *err)
{
	sqlite3_stmt *q = NULL, *u = NULL, *d = NULL;
	int rc = 0, r;
	if (sqlite3_prepare_v2(s->db, "SELECT id, format, truncated, raw FROM dead_letters ORDER BY id",
			       -1, &q, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "UPDATE dead_letters SET hash = ?2 WHERE id = ?1", -1, &u,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "DELETE FROM dead_letters WHERE id = ?1", -1, &d, NULL) !=
		    SQLITE_OK) {
		rc = fail(s, err, "migrating dead letters");
		goto out;
	}
	while (!rc && (r = sqlite3_step(q)) == SQLITE_ROW) {
		unsigned char h[DEAD_HASH];
		const char *format = (const char *)sqlite3_column_text(q, 1);
		dead_hash(format ? format : "", sqlite3_column_int(q, 2), sqlite3_column_blob(q, 3),
			  (size_t)sqlite3_column_bytes(q, 3), h);
		sqlite3_bind_int64(u, 1, sqlite3_column_int64(q, 0));
		sqlite3_bind_blob(u, 2, h, DEAD_HASH, SQLITE_TRANSIENT);
		r = sqlite3_step(u);
		sqlite3_reset(u);
		if (r == SQLITE_CONSTRAINT) { /* kept before: this copy goes */
			sqlite3_bind_int64(d, 1, sqlite3_column_int64(q, 0));
			r = sqlite3_step(d);
			sqlite3_reset(d);
		}
		if (r != SQLITE_DONE)
			rc = fail(s, err, "migrating dead letters");
	}
	if (!rc && r != SQLITE_DONE)
		rc = fail(s, err, "migrating dead letters");
out:
	sqlite3_finalize(q);
	sqlite3_finalize(u);
	sqlite3_finalize(d);
	return rc;
}

/* Steps of a migration that SQL alone cannot take, run after the SQL of
 * the same step (index: the version migrated from). */
static int (*const migrate_more[])(struct sqlite_store *s, struct bt_err *err) = {
	[2] = dead_letters_once,
};

static int migrate(struct sqlite_store *s, struct bt_err *err)
{
	int64_t v = pragma_int(s, "PRAGMA user_version");
	if (v > SCHEMA_VERSION)
		return bt_err_set(err, BT_ESCHEMA,
				  "database schema version %lld is newer than this baton's (%d): "
				  "upgrade baton",
				  (long long)v, SCHEMA_VERSION);
	if (v == SCHEMA_VERSION)
		return 0;
	int rc = exec(s, "BEGIN IMMEDIATE", err);
	if (rc)
		return rc;
	v = pragma_int(s, "PRAGMA user_version"); /* another process may have won */
	for (; !rc && v < SCHEMA_VERSION; v++) {
		rc = exec(s, migrations[v], err);
		if (!rc && (size_t)v < sizeof(migrate_more) / sizeof(migrate_more[0]) &&
		    migrate_more[v])
			rc = migrate_more[v](s, err);
	}
	if (!rc) {
		char q[64];
		snprintf(q, sizeof(q), "PRAGMA user_version = %d", SCHEMA_VERSION);
		rc = exec(s, q, err);
	}
	if (!rc)
		rc = exec(s, "COMMIT", err);
	if (rc)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* ---- the key of the suppression list ------------------------------------
 * Erased identifiers are remembered as keyed BLAKE2b hashes.  The key must
 * not sit in the same file as the hashes: whoever has the file could try
 * every phone number.  It comes from BATON_SECRET_KEY (any text of 32
 * characters or more; the key is its hash), else from the key file PATH.key
 * beside the database (32 random bytes in hex, mode 0600), made with a new
 * database.  meta.suppress_key_check holds the keyed hash of a constant, so
 * that a wrong key is noticed instead of silently letting erased people
 * back.  Databases of earlier versions kept the key in meta: it is moved to
 * the key file at the first open that may write, and deleted (secure_delete
 * and a WAL checkpoint leave no copy). */

#define KEY_CHECK "baton: suppression key check"
#define KEY_MIN_SECRET 32

static void key_check_of(const unsigned char key[32], unsigned char out[16])
{
	crypto_generichash(out, 16, (const unsigned char *)KEY_CHECK, sizeof(KEY_CHECK) - 1, key, 32);
}

static int key_from_env(unsigned char key[32], struct bt_err *err)
{
	const char *v = getenv("BATON_SECRET_KEY");
	if (!v || !v[0])
		return 0;
	if (strlen(v) < KEY_MIN_SECRET)
		return bt_err_set(err, BT_EUSAGE,
				  "BATON_SECRET_KEY is %zu characters long: use at least %d random "
				  "ones",
				  strlen(v), KEY_MIN_SECRET);
	crypto_generichash(key, 32, (const unsigned char *)v, strlen(v), NULL, 0);
	return 1;
}

/* 1 and the key when the key file exists, 0 when it does not. */
static int key_file_read(const char *file, unsigned char key[32], struct bt_err *err)
{
	char hex[80];
	size_t bin = 0;
	FILE *f = fopen(file, "rb");
	if (!f)
		return errno == ENOENT ? 0
				       : bt_err_set(err, BT_EIO, "cannot read the key file '%s': %s",
						    file, strerror(errno));
	size_t n = fread(hex, 1, sizeof(hex) - 1, f);
	fclose(f);
	while (n && (hex[n - 1] == '\n' || hex[n - 1] == '\r'))
		n--;
	int rc = n == 64 && sodium_hex2bin(key, 32, hex, n, NULL, &bin, NULL) == 0 && bin == 32;
	sodium_memzero(hex, sizeof(hex));
	return rc ? 1
		  : bt_err_set(err, BT_EIO,
			       "the key file '%s' is damaged: it should hold 64 hexadecimal digits",
			       file);
}

/* Write the key file, readable by its owner only, and make it durable:
 * 0, or 1 when another process made it first. */
static int key_file_write(const char *file, const unsigned char key[32], struct bt_err *err)
{
	char hex[66];
	sodium_bin2hex(hex, 65, key, 32);
	hex[64] = '\n';
	int fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	int ok = fd >= 0 && write(fd, hex, 65) == 65 && fsync(fd) == 0;
	int e = errno;
	sodium_memzero(hex, sizeof(hex));
	if (fd >= 0)
		close(fd);
	if (!ok && fd < 0 && e == EEXIST)
		return 1;
	if (!ok) {
		if (fd >= 0)
			unlink(file);
		return bt_err_set(err, BT_EIO, "cannot write the key file '%s': %s", file,
				  strerror(e));
	}
	char dir[4096];
	const char *slash = strrchr(file, '/');
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - file) + 1 : 1, slash ? file : ".");
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) { /* the file's name durable too */
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

/* What the database says of its key: an old copy of it (schema 2 and
 * before kept it in meta), its check, and whether anybody was erased. */
struct keyinfo {
	unsigned char legacy[32], check[16];
	int have_legacy, have_check;
	int64_t erased;
};

static int meta_fixed(struct sqlite_store *s, const char *key, unsigned char *out, size_t n,
		      int *have, struct bt_err *err)
{
	char *v = NULL;
	size_t vn = 0;
	int rc = sq_meta_get(&s->base, key, &v, &vn, err);
	*have = rc == 0 && vn == n;
	if (*have)
		memcpy(out, v, n);
	if (v)
		sodium_memzero(v, vn);
	bt__free(v);
	return rc == BT_ENOTFOUND ? 0 : rc;
}

static int key_info(struct sqlite_store *s, struct keyinfo *k, struct bt_err *err)
{
	int rc;
	if ((rc = meta_fixed(s, "suppress_key", k->legacy, 32, &k->have_legacy, err)) ||
	    (rc = meta_fixed(s, "suppress_key_check", k->check, 16, &k->have_check, err)))
		return rc;
	k->erased = pragma_int(s, "SELECT count(*) FROM suppressed");
	return k->erased < 0 ? fail(s, err, "counting erased identifiers") : 0;
}

/* Forget the old copy of the key, record the check of the one in use. */
static int key_record(struct sqlite_store *s, const unsigned char check[16], int had_legacy,
		      struct bt_err *err)
{
	sqlite3_stmt *q = NULL;
	int rc = exec(s, "BEGIN IMMEDIATE", err);
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(s->db, "DELETE FROM meta WHERE key = 'suppress_key'", -1, &q, NULL) !=
		    SQLITE_OK ||
	    sqlite3_step(q) != SQLITE_DONE)
		rc = fail(s, err, "moving the key out of the database");
	sqlite3_finalize(q);
	if (!rc)
		rc = sq_meta_set(&s->base, "suppress_key_check", check, 16, err);
	if (!rc)
		rc = exec(s, "COMMIT", err);
	else
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	/* secure_delete zeroed the old key in its page; an image of the page
	 * may still be in the WAL until a checkpoint */
	if (!rc && had_legacy)
		sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	return rc;
}

/* Find the key (see above), or make it for a new database; move an old one
 * out of the database; record its check.  Only writers need the key: it is
 * set up when a database is opened for writing. */
static int key_setup(struct sqlite_store *s, const char *path, struct bt_err *err)
{
	char file[4200];
	unsigned char check[16];
	struct keyinfo k;
	int rc, from_env, from_file = 0;
	const char *source;
	snprintf(file, sizeof(file), "%s.key", path);
	memset(&k, 0, sizeof(k));
	if ((rc = from_env = key_from_env(s->key, err)) < 0 ||
	    (!from_env && (rc = from_file = key_file_read(file, s->key, err)) < 0) ||
	    (rc = key_info(s, &k, err)))
		goto out;
	source = from_env ? "BATON_SECRET_KEY" : file;
	s->have_key = from_env || from_file;
	if (!s->have_key && k.have_legacy) { /* a database of an earlier version */
		memcpy(s->key, k.legacy, 32);
		s->have_key = 1;
	}
	/* is it the key the erasures so far were made with? */
	int same = 1;
	if (s->have_key) {
		key_check_of(s->key, check);
		same = k.have_check ? sodium_memcmp(k.check, check, 16) == 0
				    : !k.have_legacy || sodium_memcmp(k.legacy, s->key, 32) == 0;
	}
	if (k.erased > 0 && s->have_key && !same) {
		rc = bt_err_set(err, BT_EUSAGE,
				"the key from %s is not the one the erasures in '%s' were made with, "
				"and erased people could come back: use the database's key file "
				"'%s', or the BATON_SECRET_KEY it was made with",
				source, path, file);
		goto out;
	}
	if (k.erased > 0 && !s->have_key) {
		rc = bt_err_set(err, BT_EUSAGE,
				"the key file '%s' is missing: without it erased people are not "
				"recognised; restore it from the backup of the database, or set "
				"BATON_SECRET_KEY to the secret it was made with",
				file);
		goto out;
	}
	if (!s->have_key) { /* a new database, or one that erased nobody yet */
		randombytes_buf(s->key, 32);
		s->have_key = 1;
	}
	if (!from_env && !from_file && (rc = key_file_write(file, s->key, err)) == 1)
		rc = key_file_read(file, s->key, err) == 1 ? 0 : BT_EIO; /* another process's */
	key_check_of(s->key, check);
	if (!rc && (k.have_legacy || !k.have_check || sodium_memcmp(k.check, check, 16)))
		rc = key_record(s, check, k.have_legacy, err);
out:
	sodium_memzero(&k, sizeof(k));
	if (rc)
		sodium_memzero(s->key, sizeof(s->key)), s->have_key = 0;
	return rc;
}

/* Can this process write the database?  SQLite opens a file it may not
 * write read-only without a word, and every write fails later; and the WAL
 * and shared-memory files are made in the database's folder. */
static int check_writable(struct sqlite_store *s, const char *path, struct bt_err *err)
{
	const char *full = sqlite3_db_filename(s->db, "main");
	char dir[4096], shm[4112];
	if (sqlite3_db_readonly(s->db, "main") == 1)
		return bt_err_set(err, BT_EDENIED,
				  "the database '%s' is read-only: this process may not write the "
				  "file (give it write permission, or use a command that only reads)",
				  path);
	if (!full || !full[0])
		return 0; /* in memory */
	const char *slash = strrchr(path, '/');
	int n = slash ? snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path)
		      : snprintf(dir, sizeof(dir), ".");
	if (n <= 0 || (size_t)n >= sizeof(dir))
		return 0;
	if (!dir[0])
		dir[0] = '/', dir[1] = '\0';
	snprintf(shm, sizeof(shm), "%s-shm", full);
	if (access(dir, W_OK) != 0 &&
	    (access(sqlite3_filename_wal(full), W_OK) != 0 || access(shm, W_OK) != 0))
		return bt_err_set(err, BT_EDENIED,
				  "the database '%s' is read-only: this process cannot write in the "
				  "folder '%s', where its WAL and shared-memory files are made",
				  path, dir);
	return 0;
}

int bt__store_sqlite_open(struct bt__store **out, const char *path, int readonly,
			  struct bt_err *err)
{
	struct sqlite_store *s = bt__calloc(1, sizeof(*s));
	int rc;
	*out = NULL;
	if (!s)
		return BT_ENOMEM;
	if (sodium_init() < 0) {
		bt__free(s);
		return bt_err_set(err, BT_ESTORE, "libsodium failed to initialise");
	}
	s->base.ops = &sqlite_ops;
	if (!readonly && strcmp(path, ":memory:") && strncmp(path, "file:", 5)) {
		/* a new database is made readable by its owner only; SQLite gives
		 * its WAL and shared-memory files the database file's mode */
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0)
			close(fd);
	}
	int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = bt_err_set(err, readonly ? BT_ENOTFOUND : BT_EIO, "cannot open database '%s': %s",
				path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto out;
	}
	sqlite3_busy_timeout(s->db, 10000);
	sqlite3_extended_result_codes(s->db, 0);
	if ((rc = exec(s, "PRAGMA secure_delete = ON; PRAGMA foreign_keys = OFF;"
			  "PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY",
		       err)))
		goto out;
	if (!readonly) {
		if ((rc = check_writable(s, path, err)) ||
		    (rc = exec(s, "PRAGMA journal_mode = WAL", err)) ||
		    (rc = exec(s, "PRAGMA synchronous = FULL", err)) || (rc = migrate(s, err)) ||
		    (rc = key_setup(s, path, err)))
			goto out;
		s->schema = SCHEMA_VERSION;
	} else {
		/* reading needs no migration: later versions only add tables,
		 * and columns that readers do without (load_suppression); a reader
		 * of an older file takes the tables it lacks as empty */
		int64_t v = s->schema = pragma_int(s, "PRAGMA user_version");
		if (v < 1 || v > SCHEMA_VERSION) {
			rc = v > SCHEMA_VERSION
				     ? bt_err_set(err, BT_ESCHEMA,
						  "database schema version %lld is newer than this "
						  "baton's (%d): upgrade baton",
						  (long long)v, SCHEMA_VERSION)
				     : bt_err_set(err, BT_ENOTFOUND, "'%s' is not a baton database",
						  path);
			goto out;
		}
	}
	*out = &s->base;
	return 0;
out:
	sq_close(&s->base);
	return rc;
}
