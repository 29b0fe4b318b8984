/* SPDX-License-Identifier: Apache-2.0 */
/*
 * records.h - the records a database hands back: identity conflicts and
 * refusals, dead letters, API tokens and their roles.  They are plain data
 * that every backend of the store fills (src/store/) and the public API
 * returns (baton.h, token.h), so they sit in the model layer below both
 * (docs/ARCHITECTURE.md); src/records.c frees them and names the roles.
 */
#ifndef BATON_RECORDS_H
#define BATON_RECORDS_H

#include <stddef.h>
#include <stdint.h>

/* ---- identity ---------------------------------------------------------- */

/* A link the guard rails refused, for review (docs/identity.md). */
struct bt_conflict {
	int64_t id;            /* its number: what a resolution names */
	int64_t event;         /* event number that asked for the link */
	char *identifier;      /* "type:value" of the identifier refused */
	int64_t profile;       /* the profile it was refused from */
	int64_t other_profile; /* where it lives instead */
	char *reason;
	int64_t at;            /* when it was recorded, ms */
	/* the profiles those two are part of now (a merge since may have
	 * joined either to another) */
	int64_t profile_now, other_now;
	char *resolution;      /* NULL while open; "keep_apart" or "merge" */
	int64_t resolved_at;   /* ms */
	char *resolved_by;     /* who resolved it (a token's person or name) */
};

void bt_conflicts_free(struct bt_conflict *c, size_t n);

/* What a merge of the ledger does now. */
enum bt_merge_state {
	BT_MERGE_ACTIVE, /* its two profiles are one */
	BT_MERGE_SPLIT,  /* undone by a split of this merge */
	BT_MERGE_UNDONE, /* its two profiles are apart again: another split undid it */
};
extern const char *const bt_merge_state_names[3];

/* A merge of two profiles (the merge ledger, docs/identity.md): from was
 * merged into into, when event linked identifier (NULL once erased). */
struct bt_merge {
	int64_t id; /* its number in the ledger: what a split names */
	int64_t into, from, event;
	char *identifier;
	char *reason;
	int64_t at; /* when it was recorded, ms */
	enum bt_merge_state state;
	int64_t split_at; /* BT_MERGE_SPLIT: when, ms, and by whom */
	char *split_by;
};

void bt_merges_free(struct bt_merge *m, size_t n);

/* A change of a journey's rules (the audit trail, docs/journeys.md): who
 * made it, when, through what, the field, the value before and after
 * (NULL: none; the configuration's form: "24h", "true", a JSON list). */
struct bt_change {
	int64_t id;
	int64_t at; /* ms */
	char *who, *via, *journey, *field, *before, *after;
};
void bt_changes_free(struct bt_change *v, size_t n);

/* What a person did about an escalation (docs/escalations.md), as the
 * store keeps it. */
struct bt_esc_action {
	const char *id;  /* the escalation's: "I1042.promise_broken" */
	int resolve;     /* 0: acknowledged it, 1: resolved it by hand */
	int64_t at;      /* ms, wall clock */
	const char *who;
};
/* Free actions read from the store (their id and who are theirs). */
void bt_esc_actions_free(struct bt_esc_action *v, size_t n);

/* An identifier refused before any link (docs/identity.md): kept on its
 * event, joined to no profile. */
struct bt_refusal {
	int64_t event;    /* event number that carried it */
	char *identifier; /* "type:value" as normalised */
	char *reason;     /* a junk value, not an e-mail address, ... */
};

/* ---- dead letters ------------------------------------------------------ */

struct bt_dead_letter {
	int64_t id;
	int64_t at; /* when it was rejected, ms */
	char *origin;
	long line;
	char *format; /* "json" or "csv" */
	char *reason;
	char *raw;
	size_t raw_len;
	int truncated; /* raw holds only the start of an over-long record */
};

void bt_dead_letters_free(struct bt_dead_letter *d, size_t n);

/* ---- API tokens (token.h) ---------------------------------------------- */

/* guard: a sending system (a campaign tool) that may only ask the pre-send
 * guard, and hears allow or deny with the kinds of reason, nothing more. */
enum bt_role { BT_ROLE_ADMIN, BT_ROLE_OWNER, BT_ROLE_ANALYST, BT_ROLE_TEAM, BT_ROLE_AGENT,
	       BT_ROLE_INGEST, BT_ROLE_GUARD, BT_ROLE__COUNT };

extern const char *const bt_role_names[BT_ROLE__COUNT];
/* The role named s, or -1. */
int bt_role_parse(const char *s);

struct bt_token {
	int64_t id;
	int role;
	char *team, *person, *name; /* may be NULL */
	int64_t created, revoked;   /* ms; revoked 0 when live */
};

void bt_token_release(struct bt_token *t);
void bt_tokens_free(struct bt_token *v, size_t n);

#endif
