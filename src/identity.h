/* SPDX-License-Identifier: Apache-2.0 */
/*
 * identity.h - identity resolution (docs/identity.md), in memory.
 *
 * Identifiers are interned as "type:value" after normalisation.  Profiles
 * form a union-find forest over dense ids: a merge points the younger root
 * at the older one, so the older id survives and every id ever issued
 * resolves to its current profile in near-constant time.  Each root keeps
 * its size and the count of identifiers of each limited type, so a guard
 * rail is checked in O(1) without walking the profile.
 *
 * The resolver is store-agnostic.  When a change log is attached
 * (struct bt__idlog), every new identifier, new profile, merge and refused
 * link is appended to it so that the durable store can write exactly what
 * changed in the same transaction as the events that caused it.
 */
#ifndef BT_IDENTITY_H
#define BT_IDENTITY_H

#include "baton/config.h"
#include "baton/error.h"
#include "event.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/map.h"

#include <stdint.h>

#define BT_ID_MAX_LIMITS 8
#define BT_ID_NONE UINT32_MAX

/* A source's linking rule: the identifier types that the events of one
 * touchpoint may link (its `may_link`).  The id and the types belong to the
 * configuration; the reason is the rules'. */
struct bt__idsource {
	const char *id;
	const struct bt_strlist *types; /* lower-case */
	char *reason;                   /* "touchpoint 'ID' may link only TYPE, ..." */
};

/* The guard rails; bt__idrules_default() fills the defaults of docs/identity.md. */
struct bt__idrules {
	uint32_t max_size; /* identifiers per profile */
	uint32_t nlimits;
	struct {
		char type[33];
		uint32_t max;
	} limits[BT_ID_MAX_LIMITS];
	/* configured junk values and patterns ('*'), folded by bt__ident_fold */
	uint32_t njunk;
	char **junk;
	uint32_t nsources; /* touchpoints with a linking rule */
	struct bt__idsource *sources;
	/* the conflict reason of each limit, made by bt__idrules_prepare() */
	char limit_reason[BT_ID_MAX_LIMITS][96];
};

void bt__idrules_default(struct bt__idrules *r);
void bt__idrules_release(struct bt__idrules *r);
/* Call after changing limits: prepares the conflict reasons. */
void bt__idrules_prepare(struct bt__idrules *r);

/*
 * Normalise one identifier into out as "type:value" (docs/identity.md): the
 * type lower-cased; the value in Unicode NFKC without zero-width characters
 * and no-break spaces, trimmed; an e-mail also case-folded; a phone reduced
 * to a leading '+' and its digits.  Then judge it: returns 1 when it is
 * usable, 0 when it is refused (a junk value, an e-mail that is no address,
 * a phone with fewer than 7 digits, bytes that are not UTF-8: *why says
 * which, in static text, when why is not NULL), or a negative BT_E* code.
 * What is refused is still in out, for the record of the refusal (a value
 * that is not UTF-8 is left out).
 */
int bt__ident_normalise_why(const struct bt__idrules *r, const char *type, size_t tn,
			    const char *value, size_t vn, struct bt_buf *out, const char **why);
/* The same without the reason. */
int bt__ident_normalise(const struct bt__idrules *r, const char *type, size_t tn,
			const char *value, size_t vn, struct bt_buf *out);
/* Append s[0..n) as junk values are compared: NFKC without zero-width
 * characters and no-break spaces, case-folded, trimmed.  0, BT_EINVAL when
 * s is not UTF-8, or BT_ENOMEM. */
int bt__ident_fold(const char *s, size_t n, struct bt_buf *out);

struct bt__profile {
	uint32_t parent; /* itself when a root */
	uint32_t size;
	uint8_t count[BT_ID_MAX_LIMITS];
	uint8_t live; /* 0 for ids never issued or erased */
	/* a root: how many ends of pairs kept apart (struct bt__apart) its
	 * identifiers are, saturating; 0 skips the look at the pairs */
	uint16_t apart;
};

/* Two identifiers that a review kept apart (a split, or a conflict
 * resolved keep_apart): no link may put them in one profile again. */
struct bt__apart {
	uint32_t a, b;
};

/* What a resolution changed, for the store. */
struct bt__idlog {
	struct bt__idlog_ident {
		uint32_t ident; /* identifier id */
		uint32_t profile;
		int64_t event;
	} *idents;
	size_t nidents, capidents;
	struct bt__idlog_profile {
		uint32_t profile;
		int64_t event;
		uint32_t ident; /* the identifier it was made for */
	} *profiles;
	size_t nprofiles, capprofiles;
	struct bt__idlog_merge {
		uint32_t into, from, ident;
		int64_t event;
		const char *reason; /* static text */
	} *merges;
	size_t nmerges, capmerges;
	struct bt__idlog_conflict {
		uint32_t ident, profile, other;
		int64_t event;
		const char *reason; /* static text */
	} *conflicts;
	size_t nconflicts, capconflicts;
	/* identifiers refused before any link: junk, malformed, or from a
	 * source that may not link them */
	struct bt__idlog_refusal {
		int64_t event;
		uint32_t profile;  /* where the event went */
		uint32_t off, len; /* its "type:value" in refused_text */
		const char *reason; /* static text, or the rules' */
	} *refusals;
	size_t nrefusals, caprefusals;
	struct bt_buf refused_text; /* the texts, each NUL-terminated */
};

void bt__idlog_reset(struct bt__idlog *log);
void bt__idlog_release(struct bt__idlog *log);

struct bt__identity {
	struct bt__idrules rules;
	struct bt_h128map idents;  /* "type:value" → identifier id */
	const char **ident_text;   /* identifier id → its text (in text_arena) */
	uint32_t *ident_profile;   /* identifier id → the profile it was attached to */
	uint8_t *ident_limit;      /* identifier id → limit slot, or 0xff */
	uint32_t nidents, nident_cap;
	struct bt_arena text_arena;
	struct bt__profile *prof;  /* profile id → profile; id 0 is never used */
	uint32_t nprof;            /* one past the highest profile id issued */
	uint32_t capprof;
	struct bt__apart *apart;   /* pairs kept apart on review */
	uint32_t napart, capapart;
	struct bt_u64map suppressed; /* hashes of erased identifiers */
	char **suppressed_types;     /* the types erased so far (bt__identity_suppressed_type) */
	size_t nsuppressed_types;
	unsigned char suppress_key[32];
	int have_suppress_key;
	struct bt__idlog *log;     /* NULL: changes are not recorded */
	struct bt_buf scratch;
};

int bt__identity_init(struct bt__identity *id);
void bt__identity_release(struct bt__identity *id);

/* Profile root of profile p (path halving). */
uint32_t bt__identity_root(struct bt__identity *id, uint32_t p);
/* The same without shortening the path: for readers that share id with
 * other readers (the live state's queries), which must not write to it. */
uint32_t bt__identity_root_ro(const struct bt__identity *id, uint32_t p);

/* Loading from a store: add a known identifier (text is "type:value", or
 * NULL for an erased one, which keeps its id) on profile `profile`, or
 * record that profile p exists (merged_into 0 for a root).  Loading
 * rebuilds the per-root counts. */
int bt__identity_load_ident(struct bt__identity *id, const char *text, size_t n, uint32_t profile);
int bt__identity_load_profile(struct bt__identity *id, uint32_t p, uint32_t merged_into);
/* A merge of the store's ledger, read by a follower: the profiles of into
 * and from (both known) become one under the older root, with their sizes
 * and counts added, as resolution merges them (nothing is logged).  *kept
 * is the surviving root and *gone the root merged into it, equal when the
 * two were one already (either may be NULL). */
void bt__identity_load_merge(struct bt__identity *id, uint32_t into, uint32_t from,
			     uint32_t *kept, uint32_t *gone);
/* The reason of a conflict that a pair kept apart refused. */
extern const char bt__reason_kept_apart[];
/* A pair kept apart on review (both identifiers loaded). */
int bt__identity_load_apart(struct bt__identity *id, uint32_t a, uint32_t b);
/* Why the profiles of roots a and b may not become one (a guard rail of
 * docs/identity.md, or a pair kept apart), or NULL when they may. */
const char *bt__identity_can_merge(const struct bt__identity *id, uint32_t a, uint32_t b);
/* Merge roots a and b as a review decided (bt__identity_can_merge said
 * yes): logged like a merge of resolution, with event, identifier via and
 * reason (which must live until the log is written).  *kept is the
 * surviving root. */
int bt__identity_merge_by(struct bt__identity *id, uint32_t a, uint32_t b, uint32_t via,
			  int64_t event, const char *reason, uint32_t *kept);
/* Profile ids up to max were issued, erased ones among them (which are not
 * loaded): a new profile gets a later id. */
int bt__identity_issued(struct bt__identity *id, uint32_t max);

/* The keyed hash under which erased identifiers are remembered. */
uint64_t bt__identity_suppress_hash(const struct bt__identity *id, const char *text, size_t n);
/* Remember that identifiers of type[0..n) were erased (once per type). */
int bt__identity_suppressed_type(struct bt__identity *id, const char *type, size_t n);
/* Was the normalised identifier text[0..n) erased? */
int bt__identity_is_suppressed(const struct bt__identity *id, const char *text, size_t n);

/* The outcome of resolving one event's identifiers. */
struct bt__resolution {
	uint32_t anchor;  /* identifier id of the strongest identifier */
	uint32_t profile; /* its profile root after resolution */
	uint32_t nrefused;    /* identifiers refused (each logged as a refusal) */
	uint32_t nsuppressed; /* erased identifiers dropped */
};

/*
 * Resolve the identifiers of ev (event number `event`, for the ledger):
 * normalise, drop suppressed values, refuse junk values and identifiers
 * its source may not link (recorded as refusals), link what the guard rails
 * allow and record the rest as conflicts.  Returns 0; BT_EINVAL when no
 * identifier is usable (err says which types, and why; nothing is logged);
 * 1 when every usable
 * identifier was suppressed by an erasure (the event must be dropped); or a
 * negative code on failure.
 */
int bt__identity_resolve(struct bt__identity *id, const struct bt__event *ev, int64_t event,
			 struct bt__resolution *res, struct bt_err *err);

/* Take the identity rules of cfg (NULL: keep the defaults): limits, the
 * profile size cap, junk values, the touchpoints' linking rules.  The
 * configuration must outlive id.  0 or BT_ENOMEM. */
int bt__identity_apply_config(struct bt__identity *id, const struct bt_config *cfg);

/* The identifier id of a normalised "type:value", or BT_ID_NONE. */
uint32_t bt__identity_find(const struct bt__identity *id, const char *text, size_t n);

#endif
