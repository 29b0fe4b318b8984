/* SPDX-License-Identifier: Apache-2.0 */
/*
 * records.h - the records a database hands back: identity conflicts and
 * refusals, dead letters, API tokens and their roles, webhooks and their
 * deliveries.  They are plain data
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

/* An action (docs/governance.md): what a meeting decided, who does it by
 * when.  status: open, in_progress, done or dropped. */
struct bt_action {
	int64_t id;
	char *title, *owner, *status;
	char *journey, *kpi, *meeting; /* NULL: none */
	char *created_by;
	int64_t due;              /* seconds since the epoch */
	int64_t created, updated; /* ms, wall clock */
};
void bt_actions_free(struct bt_action *v, size_t n);

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

/* An initiative (docs/initiatives.md): a change made to a journey, judged
 * by one KPI on the instances opened since start against those before (or,
 * with a cohort, those outside it). */
struct bt_initiative {
	int64_t id;
	char *name, *journey, *kpi;
	int64_t start; /* ms */
	/* "source", "channel", "team" or "props.X", and the value; NULL: none */
	char *cohort_field, *cohort_value;
	int64_t min_sample;   /* each side needs this many (default 100) */
	double min_effect;    /* NaN: the KPI's default (1 point, or 1% of the mean) */
	char *created_by;
	int64_t created; /* ms */
};
void bt_initiatives_free(struct bt_initiative *v, size_t n);
/* A follow-up closed by hand (docs/followups.md), as the store keeps it. */
struct bt_fu_close {
	const char *id;   /* the follow-up's: "F1042" */
	const char *note; /* what was done */
	const char *who;
	int64_t at;       /* ms, wall clock */
};
/* Free closes read from the store (their strings are theirs). */
void bt_fu_closes_free(struct bt_fu_close *v, size_t n);

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

/* ---- webhooks (webhook.h) ---------------------------------------------- */

struct bt_webhook {
	int64_t id;
	char *url;
	char *events;    /* the events it takes, space-separated */
	int64_t created; /* ms */
	/* its deliveries: waiting for an attempt (first or again), delivered,
	 * failed for good */
	int64_t pending, delivered, failed;
};

void bt_webhooks_free(struct bt_webhook *v, size_t n);

/* One try at sending a delivery. */
struct bt_webhook_attempt {
	int64_t at;   /* when it started, ms */
	int status;   /* the receiver's HTTP status; 0 when it never answered */
	char *error;  /* why it failed, NULL when it was delivered */
	int64_t ms;   /* how long it took */
	int64_t next; /* when the next attempt is due, ms; 0 for none */
};

enum bt_delivery_state { BT_DELIVERY_PENDING, BT_DELIVERY_DELIVERED, BT_DELIVERY_FAILED };
extern const char *const bt_delivery_states[3]; /* "pending", "delivered", "failed" */

#define BT_WEBHOOK_UID_LEN 36 /* a UUID, 8-4-4-4-12 hexadecimal digits */

/* One event sent to one webhook, with every attempt at it. */
struct bt_webhook_delivery {
	int64_t id, webhook;
	char uid[BT_WEBHOOK_UID_LEN + 1]; /* X-Baton-Delivery */
	char *event;
	int state;        /* enum bt_delivery_state */
	int64_t created;  /* ms */
	int64_t next;     /* when it is due, ms; 0 once delivered or failed */
	char *body;       /* the JSON sent */
	size_t body_len;
	struct bt_webhook_attempt *attempts; /* oldest first */
	size_t nattempts;
};

void bt_webhook_deliveries_free(struct bt_webhook_delivery *v, size_t n);

/* A delivery claimed for sending (bt_webhook_claim): what to send, where,
 * and the claim that records its attempt. */
struct bt_webhook_job {
	int64_t delivery, webhook;
	int64_t claim;   /* the claim's own number: an attempt is recorded only
			  * by the holder of the claim */
	char uid[BT_WEBHOOK_UID_LEN + 1];
	char *event, *url, *body;
	size_t body_len;
	int attempt;     /* this attempt's number, from 1 */
	unsigned char *secret; /* opened, for signing; zeroed when released */
	size_t secret_len;
};

void bt_webhook_job_release(struct bt_webhook_job *job);

#endif
