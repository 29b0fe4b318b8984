/* SPDX-License-Identifier: Apache-2.0 */
/*
 * engine.h - the engine's private state (see include/baton/engine.h).
 *
 * Events are kept as compact fixed-size records (struct bt__erec, 64 bytes)
 * with every string interned to a dense id, so the derivation is one pass
 * over small structs and no event owns heap memory.  Variable parts (links,
 * consent, promises) live in side pools referenced by index.
 */
#ifndef BT_ENGINE_H
#define BT_ENGINE_H

#include "baton/engine.h"
#include "event.h"
#include "identity.h"
#include "util/map.h"

enum { EF_REPEAT = 1, EF_FEEDBACK = 2, EF_OPENS = 4 };

struct bt__erec {
	int64_t ts;
	uint64_t case_ref; /* 64-bit hash of the case reference; 0 none.  Cases only
			    * matter within a profile, so they are not interned */
	uint32_t seq;      /* arrival order */
	uint32_t anchor;   /* identifier id of the strongest identifier */
	uint32_t team;     /* name id of the event's team, else its touchpoint's; 0 none */
	uint32_t source;   /* name id */
	uint32_t journey;  /* engine journey index + 1; 0 none */
	uint32_t links;    /* offset + 1 into the links pool ([count, hashes...]); 0 none */
	uint32_t promise;  /* index + 1 into promise definitions; 0 none */
	uint32_t fulfils;  /* name id of the promise kept; 0 none */
	uint32_t purpose;  /* outbound: name id of props.purpose (default marketing) */
	uint32_t consent;  /* offset + 1 into the consent pool ([count, purpose<<1|granted...]) */
	uint32_t type;     /* name id of the event type */
	uint32_t value;    /* index + 1 into the values pool (revenue, millionths); 0 none */
	uint8_t channel, outcome, direction, flags;
	int8_t csat, nps, ces;
	uint8_t stage; /* stage index + 1 in the event's journey; 0 none */
	uint32_t words; /* feedback: index + 1 into the word masks (e->wmask) of the
			 * lists of followup_triggers words its comment holds; 0 none.
			 * In what was padding: the record stays 72 bytes */
};

struct bt__pdef {
	uint32_t id, kind, keeper; /* name ids; keeper 0: the maker */
	int64_t due;
};

/* A journey the engine knows: configured, or seen in data only (unowned). */
struct bt__journey {
	uint32_t name; /* name id of its id */
	const struct bt_cfg_journey *cfg; /* NULL when not configured */
	int64_t recontact, abandon, handoff_sla;
	uint32_t *opens_on; /* interned type patterns are matched at add time */
};

struct bt_engine {
	const struct bt_config *cfg;
	struct bt__identity own_id;   /* stream mode: identity resolved here */
	struct bt__identity *id;      /* the identity in use */
	struct bt_strmap names;       /* every string: types, teams, cases, ... */
	struct bt_h128set eids;       /* stream mode: event ids seen */
	struct bt__journey *journeys;
	size_t njourneys, capjourneys;
	struct bt_u64map jmap;        /* name id of a journey id → index + 1 */
	struct bt_u64map tpmap;       /* name id of a source → touchpoint index + 1 */
	struct bt_u64map match_cache; /* type<<32|source → journey index + 1 (0xffffffff none) */
	int rules_use_props;
	uint32_t marketing;           /* name id of "marketing" */

	struct bt__erec *ev;
	size_t nev, capev;
	uint64_t *links;
	size_t nlinks, caplinks;
	uint32_t *consent;
	size_t nconsent, capconsent;
	struct bt__pdef *pdefs;
	size_t npdefs, cappdefs;
	int64_t *values; /* revenue carried by events (config value.revenue), millionths */
	size_t nvalues, capvalues;
	/* bit k: the comment holds a word of list k (bt_config_followup_words) */
	uint64_t *wmask;
	size_t nwmask, capwmask;
	uint32_t next_seq;
	int64_t max_ts, as_of;
	int derived;
	int single_profile; /* every event is one customer's (bt_engine_for_profile) */
	/* keep_text: text[i] = {case, comment, said} name ids of event i (0
	 * none), for the words an agent reads (context.c); said is the JSON
	 * object of an inbound event's free-text props; off for KPI runs */
	int keep_text;
	struct bt__etext {
		uint32_t case_ref, comment, said;
	} *text;
	size_t captext;
	/* a view (bt__engine_view) borrows everything but its own records and
	 * derivation from the engine it was made of */
	int borrowed;
	int borrowed_ev; /* a view of every event: the records are borrowed too */
	int snapshot;    /* bt__engine_snapshot: owns copies of the index parts */
	uint32_t view_profile; /* single_profile: the customer's profile id */

	/* derivation results, see derive.c */
	struct bt__inst *inst;
	size_t ninst, capinst;
	uint32_t *einst; /* event → instance index + 1; 0 timeline only */
	uint32_t *eteam; /* event → name id of the team that did the work: its own,
			  * else the holder's (work events); the records are never
			  * written, since views share them */
	struct bt__pstate *prom;
	size_t nprom, capprom;
	struct bt__handoff *hand;
	size_t nhand, caphand;
	struct bt__ls *ls;
	size_t nls, capls;
	struct bt__coll *coll;
	size_t ncoll, capcoll;
	/* closed-loop feedback: the events that open or add to a follow-up
	 * (negative feedback) and that may close one (the company reaching
	 * back), of instances with negative feedback, each profile's in time
	 * order (followup.c resolves them with the closes by hand) */
	struct bt__loop {
		uint32_t inst, ev;
		uint32_t team; /* trigger: the instance's holder at the feedback */
		uint32_t hand; /* trigger: index + 1 of its last handoff then (0: none) */
		uint8_t trigger;
		uint8_t stage; /* trigger: its stage then (index + 1; 0: none) */
	} *loop;
	size_t nloop, caploop;
	/* keep_text: the case references of each instance, sorted by instance */
	struct bt__icase {
		uint32_t inst, name;
	} *icase;
	size_t nicase, capicase;
	uint64_t profiles, timeline_only;
	uint64_t judged; /* events up to as_of (bt__engine_derive) */
};

enum { IS_OPEN, IS_RESOLVED, IS_ABANDONED };

struct bt__inst {
	uint32_t profile, journey; /* journey index */
	int64_t opened, last_event, resolved_at, first_resolved, ended, last_work;
	uint32_t holder, contacts, repeats, channels; /* channels: bit per channel */
	uint32_t handoffs, clean, fail_context, fail_repeat, fail_late;
	uint32_t csat_n, csat_sum, nps_n, promoters, detractors, ces_n, ces_sum;
	uint32_t csat_sq; /* the sum of the squares of the scores: initiative.c's variance */
	uint32_t collisions, stage;
	uint32_t late_stages; /* bit s - 1: it left stage s (1..32) a whole SLA or more after entering */
	uint32_t negatives; /* feedback that matched a follow-up trigger */
	int64_t stage_since;
	/* the first time it stood in a stage for that stage's whole SLA: from
	 * (since + SLA) until it left the stage (BT_TIME_NONE while it has not;
	 * the stage it stands in now is judged at the time asked: escalate.c) */
	int64_t breach, breach_end;
	uint32_t opener; /* seq of the event that opened it: its id is "I<opener>" */
	int32_t last_ls, pending_ls; /* local successes: latest, first still pending; -1 none */
	uint8_t state, recontacted, fcr, first_contact_seen;
	uint8_t furthest; /* the furthest stage (index + 1) any of its events reached */
};

struct bt__pstate {
	uint32_t profile, inst; /* inst: index + 1, 0 none */
	uint32_t id, kind, keeper, maker;
	uint32_t seq; /* of the event that made it */
	int64_t made, due, fulfilled; /* fulfilled BT_TIME_NONE: not (yet) */
};

enum { HF_CONTEXT = 1, HF_REPEAT = 2, HF_LATE = 4 };

struct bt__handoff {
	uint32_t inst, from, to;
	uint32_t ev; /* the receiving event (index) */
	uint8_t fail;
};

enum { LS_PENDING, LS_TRUE, LS_FALSE };

struct bt__ls {
	uint32_t inst, team, source;
	int64_t ts;
	int32_t next_pending; /* -1 end */
	uint32_t shifted;
	uint8_t state;
	uint8_t internal; /* on internal work (a refund issued), not on a contact */
};

enum { CR_SENSITIVE = 1, CR_PROMISE = 2, CR_CONSENT = 4 };

struct bt__coll {
	uint32_t inst; /* index + 1; 0 for consent only */
	uint32_t team, source; /* name ids of who sent the message (team 0: none) */
	int64_t ts;
	uint8_t reasons, first;
};

/* Windows are half-open (docs/journeys.md): a promise is kept when fulfilled
 * before its due time, and overdue at its due time and after, unfulfilled. */
static inline int bt__promise_kept_in_time(const struct bt__pstate *s)
{
	return s->fulfilled < s->due;
}
static inline int bt__promise_overdue(const struct bt__pstate *s, int64_t t)
{
	return s->fulfilled == BT_TIME_NONE && t >= s->due;
}

int bt__engine_init(struct bt_engine *e, const struct bt_config *cfg, struct bt__identity *id);
/* The key of a case reference: its 64-bit hash, never 0. */
uint64_t bt__case_key(const char *s, size_t n);

/* Add one validated event (doc is its parsed JSON, for props rules). */
int bt__engine_add(struct bt_engine *e, const struct bt_json_doc *doc, const struct bt__event *ev,
		   uint32_t seq, uint32_t anchor);
/* Parse stored event seq (raw) into doc and ev; BT_ESTORE when it does
 * not read back. */
int bt__stored_event_read(struct bt_json_doc *doc, struct bt__event *ev, int64_t seq,
			  const char *raw, size_t len, struct bt_err *err);
/* Run the rules of docs/journeys.md as of e->as_of. */
int bt__engine_derive(struct bt_engine *e);
/* The status of promise s at the engine's time: open, broken, kept, kept_late. */
const char *bt__promise_status(const struct bt_engine *e, const struct bt__pstate *s);

/* Does feedback event r on an instance of journey j (index) match one of
 * its follow-up triggers (docs/followups.md)? */
int bt__negative_feedback(const struct bt_engine *e, uint32_t j, const struct bt__erec *r);

/* The follow-ups (followup.c) with the closes by hand that are among the
 * escalation acts (bt_followup_close records each as the resolution of
 * an escalation named by the follow-up's id too), up to until.  Their
 * `hand` points into *closes (no note: NULL), which the caller frees with
 * bt__free after them, as *out. */
int bt__followups_acts(const struct bt_engine *e, const struct bt_esc_action *acts, size_t nacts,
		       int64_t until, struct bt_followup **out, size_t *n, struct bt_fu_close **closes);

/* Why an open instance i needs its owner now (lists.c): a set of
 * BT__NEED_*; 0 when it does not. */
enum {
	BT__NEED_STAGE_SLA_BREACHED = 1,
	BT__NEED_STAGE_SLA_AT_RISK = 2,
	BT__NEED_FAILED_HANDOFFS = 4,
	BT__NEED_PROMISE_BROKEN = 8,
	BT__NEED_PROMISE_DUE = 16,
	BT__NEED_COLLISIONS = 32,
	BT__NEED_ESCALATED = 64, /* an open escalation (escalate.c): known to the queue only */
	BT__NEED_FOLLOWUP = 128  /* an open follow-up (followup.c): known to the queue only */
};
unsigned bt__needs(const struct bt_engine *e, size_t i);
/* Where an open instance stands against its stage's SLA at e's time:
 * BT__NEED_STAGE_SLA_BREACHED (a whole SLA or more in the stage),
 * BT__NEED_STAGE_SLA_AT_RISK (three quarters of it or more), else 0. */
unsigned bt__stage_sla(const struct bt_engine *e, const struct bt__inst *in);


/* Does person own journey j (an index)? */
int bt__journey_owned_by(const struct bt_engine *e, uint32_t j, const char *person);
/* Every event of e as it is now, judged at as_of, not yet derived: the
 * records (and their texts) are borrowed, and must neither move nor change
 * while the snapshot lives (the live state keeps them in regions and only
 * appends); everything else a derivation and its answers read (names'
 * index, journeys, pools, each identifier's profile and the profile tree)
 * is copied.  So e may take more events while the snapshot is derived, with
 * no lock held.  Derive it with bt__engine_derive; bt_engine_free. */
int bt__engine_snapshot(const struct bt_engine *e, int64_t as_of, struct bt_engine **out);
/* A view of n of e's events (indices idx into e->ev; n 0: none), all of
 * the customer of profile id `profile`, judged at as_of and derived: it
 * borrows e's names, journeys, pools and identity (e must not change while
 * the view lives) and owns copies of those records and its derivation.
 * Release with bt_engine_free. */
int bt__engine_view(const struct bt_engine *e, const uint32_t *idx, size_t n, int64_t as_of,
		    uint32_t profile, struct bt_engine **out);
/* Ingest records into an engine instead of a store (stream mode): the
 * engine is the ingest's sink (ingest.h), nothing is stored. */
int bt__ingest_begin_memory(struct bt_engine *e, struct bt_ingest **out, struct bt_err *err);

/* live.c: the number of events the live state's arrays reserve address
 * space for before they must move (tests lower it). */
extern size_t bt__live_reserve;

#endif
