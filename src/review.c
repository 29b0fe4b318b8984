/* SPDX-License-Identifier: Apache-2.0 */
/*
 * review.c - identity review (docs/identity.md, "Reviewing merges and
 * conflicts"): the merge ledger of a profile, the conflicts for review and
 * their resolution, and the split of a merge.
 *
 * A split undoes one merge as if its link had been refused.  It does not
 * edit the union-find: it replays the links that made the profile.  Every
 * event of the profile links its strongest identifier (its anchor) to each
 * of its other identifiers of the profile, except those whose link was
 * refused then (a conflict, or a refusal of the value); the replay takes
 * those links again in arrival order, over the profile's identifiers only,
 * and refuses any link that would put a pair kept apart into one set: the
 * two identifiers the split merge linked, now kept apart for good.  The
 * sets it ends with are the new profiles.  Links refused before stay
 * refused (the split only takes apart), and nothing outside the profile
 * moves.
 *
 * Each set keeps the oldest profile id among the profiles whose founding
 * identifier (the one each was made for) it holds; a set without one gets
 * a new id.  The store's rows move accordingly (identifiers, profiles,
 * the refusals of moved events), ledger rows are appended for the merges
 * the replay made anew (a profile that had been merged into the old root
 * through the side now split off is merged into that side's profile), and
 * links of other events that the pair now refuses become conflicts for
 * review.  The epoch moves, so that every reader rebuilds: each event
 * belongs to the profile of its anchor, so the instances and KPIs follow
 * (rule 8 of docs/journeys.md).
 */
#include "baton/baton.h"
#include "db.h"
#include "util/alloc.h"
#include "util/json.h"
#include "util/vec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const bt_resolve_action_names[2] = {"keep_apart", "merge"};

int bt_merges_get(struct bt_db *db, const char *ident, int64_t *root, struct bt_merge **out,
		  size_t *n, struct bt_err *err)
{
	*out = NULL, *n = 0;
	int rc = bt__db_resolve(db, ident, root, err);
	return rc ? rc : db->store->ops->identity.merges(db->store, *root, out, n, err);
}

int bt_conflicts_page(struct bt_db *db, enum bt_conflict_filter which, int64_t before,
		      size_t limit, struct bt_conflict **out, size_t *n, int64_t *total, int *more,
		      struct bt_err *err)
{
	const struct bt__store_ops *ops = db->store->ops;
	struct bt__conflict_query q = {which == BT_CONFLICTS_ALL    ? -1
				       : which == BT_CONFLICTS_OPEN ? BT__OPEN
								    : BT__MERGED,
				       before, limit};
	int changed, rc;
	*out = NULL, *n = 0;
	if ((rc = ops->txn.read_begin(db->store, &changed, err)))
		return rc;
	rc = ops->identity.conflicts_page(db->store, &q, out, n, total, more, err);
	ops->txn.rollback(db->store);
	return rc;
}

/* ---- the anchor of an event ---- */

struct anchor_of {
	uint32_t anchor;
	int found;
};

static int take_anchor(void *ctx, int64_t seq, uint32_t anchor, const char *raw, size_t len)
{
	struct anchor_of *a = ctx;
	(void)seq, (void)raw, (void)len;
	a->anchor = anchor;
	a->found = 1;
	return 0;
}

/* The strongest identifier of event seq: BT_ECONFLICT (saying so) when the
 * event is erased. */
static int event_anchor(struct bt_db *db, int64_t seq, uint32_t *anchor, struct bt_err *err)
{
	struct anchor_of a = {BT_ID_NONE, 0};
	int rc = db->store->ops->events.get(db->store, seq, take_anchor, &a, err);
	if (rc && rc != BT_ENOTFOUND)
		return rc;
	if (!a.found || a.anchor >= db->id.nidents || !db->id.ident_profile[a.anchor])
		return bt_err_set(err, BT_ECONFLICT,
				  "event %lld, which asked for this link, was erased: nothing is left "
				  "to review",
				  (long long)seq);
	*anchor = a.anchor;
	return 0;
}

/* ---- resolving a conflict ---- */

/* Merge the roots of a and b as the review of conflict c decided. */
static int merge_reviewed(struct bt_db *db, const struct bt__conflict_row *c, uint32_t a,
			  uint32_t b, struct bt_resolved *out, struct bt_err *err)
{
	struct bt__batch batch;
	char reason[64];
	uint32_t kept;
	int rc;
	memset(&batch, 0, sizeof(batch));
	snprintf(reason, sizeof(reason), "merged on review of conflict %lld", (long long)c->seq);
	db->id.log = &batch.idlog;
	rc = bt__identity_merge_by(&db->id, a, b, c->ident, c->event, reason, &kept);
	db->id.log = NULL;
	if (!rc)
		rc = db->store->ops->txn.write_batch(db->store, &batch, &db->id, err);
	bt__idlog_release(&batch.idlog);
	if (rc)
		return rc == BT_ENOMEM ? bt_err_set(err, rc, "out of memory") : rc;
	struct bt__idmark m;
	if ((rc = db->store->ops->identity.mark(db->store, &m, err)))
		return rc;
	out->profile = out->other = kept;
	out->merge = m.merge;
	return 0;
}

int bt_conflict_resolve(struct bt_db *db, int64_t id, enum bt_resolve_action action,
			const char *by, struct bt_resolved *out, struct bt_err *err)
{
	const struct bt__store_ops *ops = db->store->ops;
	struct bt__conflict_row c;
	uint32_t anchor;
	int rc;
	memset(out, 0, sizeof(*out));
	out->conflict = id, out->action = action;
	if (db->readonly)
		return bt_err_set(err, BT_EUSAGE, "the database is open read-only");
	if ((rc = ops->txn.begin(db->store, err)))
		return rc;
	if ((rc = bt__db_follow(db, err)))
		goto out;
	rc = ops->identity.conflict_get(db->store, id, &c, err);
	if (rc == BT_ENOTFOUND)
		rc = bt_err_set(err, rc, "no conflict %lld", (long long)id);
	if (rc)
		goto out;
	if (c.resolution != BT__OPEN) {
		rc = bt_err_set(err, BT_ECONFLICT, "conflict %lld was resolved already (%s)",
				(long long)id, bt_resolve_action_names[c.resolution == BT__MERGED]);
		goto out;
	}
	if ((rc = event_anchor(db, c.event, &anchor, err)))
		goto out;
	if (c.ident >= db->id.nidents || !db->id.ident_profile[c.ident]) {
		rc = bt_err_set(err, BT_ECONFLICT, "the identifier of conflict %lld was erased",
				(long long)id);
		goto out;
	}
	uint32_t a = bt__identity_root(&db->id, db->id.ident_profile[anchor]);
	uint32_t b = bt__identity_root(&db->id, db->id.ident_profile[c.ident]);
	out->profile = a, out->other = b;
	if (action == BT_KEEP_APART && a == b) {
		rc = bt_err_set(err, BT_ECONFLICT,
				"the two sides of conflict %lld are one profile now (P%u): split the "
				"merge that joined them instead",
				(long long)id, a);
		goto out;
	}
	const char *why = a == b ? NULL : bt__identity_can_merge(&db->id, a, b);
	if (action == BT_MERGE && why) {
		rc = bt_err_set(err, BT_ECONFLICT, "P%u and P%u cannot merge: %s", a, b, why);
		goto out;
	}
	if (action == BT_KEEP_APART)
		rc = ops->identity.apart_add(db->store, anchor, c.ident, 0, id, by, err);
	else if (a != b)
		rc = merge_reviewed(db, &c, a, b, out, err);
	if (!rc)
		rc = ops->identity.conflict_resolve(db->store, id,
						    action == BT_MERGE ? BT__MERGED : BT__KEEP_APART,
						    by, err);
	/* memory holds what the store now does: keep it, past our own rows */
	if (!rc && action == BT_KEEP_APART)
		rc = bt__identity_load_apart(&db->id, anchor, c.ident);
	if (!rc)
		rc = bt__db_mark(db, err);
	if (!rc)
		rc = ops->txn.commit(db->store, err);
out:
	if (rc) {
		ops->txn.rollback(db->store);
		db->loaded = 0;
	}
	return rc;
}

/* ---- splitting a merge ---- */

/* An event of the tree: its anchor and its links (local indexes). */
struct rev {
	int64_t seq;
	uint32_t anchor;
	uint32_t first, n; /* into links */
};

/* A link the pairs kept apart refuse: a conflict for review. */
struct refused_link {
	int64_t event;
	uint32_t anchor, ident; /* local */
};

struct split {
	struct bt_db *db;
	int64_t root;
	struct bt__merge_row m;
	uint32_t a, b; /* the pair the split keeps apart: identifier ids */
	/* the tree's identifiers: local index → identifier id, and back */
	uint32_t *ident;
	size_t n, cap;
	struct bt_u64map local;
	uint32_t *parent; /* union-find over the local indexes */
	uint32_t *found;  /* at a set's root: the oldest profile founded in it (0: none) */
	uint32_t *gid;    /* at a set's root: its profile after the split */
	uint32_t *founder; /* per member: the local index of its founding identifier */
	struct rev *ev;
	size_t nev, capev;
	uint32_t *links;
	size_t nlinks, caplinks;
	struct bt_u64map refused_then; /* event << 24 | local: links refused then */
	struct pair {
		uint32_t a, b; /* local */
	} *pairs;
	size_t npairs, cappairs;
	struct bt__member *members;
	size_t nmembers;
	struct bt__conflict_row *conflicts;
	size_t nconflicts;
	struct refused_link *refused;
	size_t nrefused, caprefused;
	struct bt__reshape to;
	char relink_reason[64];
	struct bt_json_doc doc;
	struct bt__event event; /* the one take_event reads */
	struct bt_buf norm;
	struct bt_err *err;
};

#define LOCAL_BITS 24 /* a tree of up to 16M identifiers */
#define NO_LOCAL UINT32_MAX

static uint64_t link_key(int64_t event, uint32_t local)
{
	return (uint64_t)event << LOCAL_BITS | local;
}

static uint32_t local_of(const struct split *sp, uint32_t ident)
{
	uint32_t v;
	return ident != BT_ID_NONE && bt_u64map_get(&sp->local, ident, &v) ? v : NO_LOCAL;
}

static int add_local(void *ctx, uint32_t ident, const char *text)
{
	struct split *sp = ctx;
	(void)text;
	if (sp->n >= (1u << LOCAL_BITS))
		return bt_err_set(sp->err, BT_ELIMIT, "the profile has too many identifiers to split");
	BT_PUSH(sp->ident, sp->n, sp->cap, ident);
	return bt_u64map_put(&sp->local, ident, (uint32_t)sp->n - 1);
}

/* The local index of the normalised identifier text[0..n), or NO_LOCAL. */
static uint32_t local_text(const struct split *sp, const char *text, size_t n)
{
	return local_of(sp, bt__identity_find(&sp->db->id, text, n));
}

/* One event of the tree: its identifiers of the tree become its links. */
static int take_event(void *ctx, int64_t seq, uint32_t anchor, const char *raw, size_t len)
{
	struct split *sp = ctx;
	struct rev r = {seq, local_of(sp, anchor), (uint32_t)sp->nlinks, 0};
	int rc;
	if (r.anchor == NO_LOCAL || bt_json_parse(&sp->doc, raw, len, 0, NULL) ||
	    bt__event_read(&sp->doc, 0, &sp->event, NULL))
		return 0; /* stored events read back; a tombstone has no anchor here */
	for (uint32_t i = 0; i < sp->event.nids; i++) {
		const struct bt__str *t = &sp->event.ids[i].type, *v = &sp->event.ids[i].value;
		if ((rc = bt__ident_normalise(&sp->db->id.rules, t->s, t->n, v->s, v->n, &sp->norm)) < 0)
			return rc;
		uint32_t k = local_text(sp, sp->norm.data, sp->norm.len);
		int dup = k == r.anchor;
		for (uint32_t j = r.first; !dup && j < sp->nlinks; j++)
			dup = sp->links[j] == k;
		if (k == NO_LOCAL || dup || bt_u64map_get(&sp->refused_then, link_key(seq, k), NULL))
			continue;
		BT_PUSH(sp->links, sp->nlinks, sp->caplinks, k);
		r.n++;
	}
	BT_PUSH(sp->ev, sp->nev, sp->capev, r);
	return 0;
}

static int refused_value(void *ctx, const struct bt__refusal_row *f)
{
	struct split *sp = ctx;
	uint32_t k = local_text(sp, f->ident, strlen(f->ident));
	return k == NO_LOCAL ? 0 : bt_u64map_put(&sp->refused_then, link_key(f->event, k), 0);
}

static int by_seq(const void *x, const void *y)
{
	const struct rev *a = x, *b = y;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

static const struct rev *rev_of(const struct split *sp, int64_t seq)
{
	struct rev key = {seq, 0, 0, 0};
	return bsearch(&key, sp->ev, sp->nev, sizeof(*sp->ev), by_seq);
}

static uint32_t find(struct split *sp, uint32_t x)
{
	uint32_t *p = sp->parent;
	while (p[x] != x) {
		p[x] = p[p[x]]; /* path halving */
		x = p[x];
	}
	return x;
}

/* Would joining sets x and y put a pair kept apart in one? */
static int apart(struct split *sp, uint32_t x, uint32_t y)
{
	for (size_t i = 0; i < sp->npairs; i++) {
		uint32_t p = find(sp, sp->pairs[i].a), q = find(sp, sp->pairs[i].b);
		if ((p == x && q == y) || (p == y && q == x))
			return 1;
	}
	return 0;
}

/* The local index of the identifier profile p was made for, or NO_LOCAL. */
static int founder_of(struct split *sp, const struct bt__member *p, uint32_t *out)
{
	*out = local_of(sp, p->ident);
	if (*out != NO_LOCAL || p->ident != BT_ID_NONE || !p->event)
		return 0;
	/* made before the store kept it: the identifier a link was refused
	 * for got a profile of its own; else the event's anchor did */
	for (size_t i = 0; i < sp->nconflicts; i++)
		if (sp->conflicts[i].event == p->event && sp->conflicts[i].other == p->profile) {
			*out = local_of(sp, sp->conflicts[i].ident);
			return 0;
		}
	const struct rev *r = rev_of(sp, p->event);
	uint32_t anchor;
	if (r) {
		*out = r->anchor;
		return 0;
	}
	int rc = event_anchor(sp->db, p->event, &anchor, NULL);
	if (!rc)
		*out = local_of(sp, anchor);
	return rc == BT_ECONFLICT ? 0 : rc;
}

/* Read the tree: its identifiers, the links refused then, its events
 * (their links), its profiles and the pairs kept apart within it. */
static int split_read(struct split *sp)
{
	const struct bt__store_ops *ops = sp->db->store->ops;
	struct bt__store *st = sp->db->store;
	int rc;
	if ((rc = ops->identity.profile_idents(st, sp->root, add_local, sp, sp->err)) ||
	    (rc = ops->identity.conflict_rows(st, sp->root, &sp->conflicts, &sp->nconflicts, sp->err)))
		return rc;
	for (size_t i = 0; i < sp->nconflicts; i++) {
		const struct bt__conflict_row *c = &sp->conflicts[i];
		uint32_t k = local_of(sp, c->ident);
		if (c->resolution != BT__MERGED && k != NO_LOCAL &&
		    (rc = bt_u64map_put(&sp->refused_then, link_key(c->event, k), 0)))
			return rc;
	}
	if ((rc = ops->identity.refusal_rows(st, sp->root, refused_value, sp, sp->err)) ||
	    (rc = ops->events.of_profile(st, sp->root, take_event, sp, sp->err)) ||
	    (rc = ops->identity.members(st, sp->root, &sp->members, &sp->nmembers, sp->err)))
		return rc;
	qsort(sp->ev, sp->nev, sizeof(*sp->ev), by_seq);
	const struct bt__identity *id = &sp->db->id;
	for (uint32_t i = 0; i < id->napart; i++) {
		uint32_t a = local_of(sp, id->apart[i].a), b = local_of(sp, id->apart[i].b);
		if (a != NO_LOCAL && b != NO_LOCAL)
			BT_PUSH(sp->pairs, sp->npairs, sp->cappairs, ((struct pair){a, b}));
	}
	BT_PUSH(sp->pairs, sp->npairs, sp->cappairs,
		((struct pair){local_of(sp, sp->a), local_of(sp, sp->b)}));
	return 0;
}

/* Take the links again in arrival order, refusing those the pairs keep
 * apart; a union of two sets that each hold a founded profile is a merge
 * of the ledger (into the older). */
static int replay(struct split *sp)
{
	struct bt__idlog *log = &sp->to.log;
	int rc;
	for (size_t i = 0; i < sp->n; i++)
		sp->parent[i] = (uint32_t)i;
	if (sp->nmembers && !(sp->founder = bt__calloc(sp->nmembers, sizeof(*sp->founder))))
		return BT_ENOMEM;
	for (size_t i = 0; i < sp->nmembers; i++) {
		uint32_t f;
		if ((rc = founder_of(sp, &sp->members[i], &f)))
			return rc;
		sp->founder[i] = f;
		if (f != NO_LOCAL && (!sp->found[f] || sp->members[i].profile < sp->found[f]))
			sp->found[f] = sp->members[i].profile;
	}
	snprintf(sp->relink_reason, sizeof(sp->relink_reason), "linked again when merge %lld was split",
		 (long long)sp->m.seq);
	for (size_t e = 0; e < sp->nev; e++) {
		const struct rev *r = &sp->ev[e];
		for (uint32_t j = r->first; j < r->first + r->n; j++) {
			uint32_t k = sp->links[j], x = find(sp, r->anchor), y = find(sp, k);
			if (x == y)
				continue;
			if (apart(sp, x, y)) {
				if (r->seq != sp->m.event) /* the split merge's own: decided */
					BT_PUSH(sp->refused, sp->nrefused, sp->caprefused,
						((struct refused_link){r->seq, r->anchor, k}));
				continue;
			}
			uint32_t fx = sp->found[x], fy = sp->found[y];
			if (fx && fy)
				BT_PUSH(log->merges, log->nmerges, log->capmerges,
					((struct bt__idlog_merge){fx < fy ? fx : fy, fx < fy ? fy : fx,
								  sp->ident[k], r->seq,
								  sp->relink_reason}));
			sp->parent[y] = x;
			sp->found[x] = !fx || (fy && fy < fx) ? fy : fx;
		}
	}
	return 0;
}

/* Each set's profile: its oldest founded one, or a new one made for its
 * oldest identifier (identifier ids grow with time). */
static int name_sets(struct split *sp)
{
	struct bt_db *db = sp->db;
	uint32_t *oldest = sp->gid; /* at a set's root, until it is named */
	for (size_t i = 0; i < sp->n; i++)
		oldest[i] = BT_ID_NONE;
	for (size_t i = 0; i < sp->n; i++) {
		uint32_t x = find(sp, (uint32_t)i);
		if (sp->ident[i] < oldest[x])
			oldest[x] = sp->ident[i];
	}
	for (size_t x = 0; x < sp->n; x++) {
		if (sp->parent[x] != x)
			continue;
		if (sp->found[x]) {
			sp->gid[x] = sp->found[x];
			continue;
		}
		int rc = bt__identity_issued(&db->id, db->id.nprof);
		if (rc)
			return rc;
		uint32_t made = db->id.nprof - 1;
		BT_PUSH(sp->to.profiles, sp->to.nprofiles, sp->to.capprofiles,
			((struct bt__reshape_profile){made, made, oldest[x], 1}));
		sp->gid[x] = made;
	}
	return 0;
}

static uint32_t gid_of(struct split *sp, uint32_t local)
{
	return sp->gid[find(sp, local)];
}

/* Was (into, from) a merge in effect in the tree before? */
static int in_ledger(const struct bt_merge *m, size_t n, uint32_t into, uint32_t from)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].state == BT_MERGE_ACTIVE && m[i].into == into && m[i].from == from)
			return 1;
	return 0;
}

static int move_refusal(void *ctx, const struct bt__refusal_row *f)
{
	struct split *sp = ctx;
	const struct rev *r = rev_of(sp, f->event);
	uint32_t to = r ? gid_of(sp, r->anchor) : 0;
	if (!to || to == f->profile)
		return 0;
	BT_PUSH(sp->to.refusals, sp->to.nrefusals, sp->to.caprefusals,
		((struct bt__reshape_refusal){f->seq, to}));
	return 0;
}

/* What the store must change: identifiers, profiles, refusals, the merges
 * made anew and the links now refused. */
static int plan(struct split *sp, struct bt_split *out)
{
	const struct bt__store_ops *ops = sp->db->store->ops;
	struct bt_merge *ledger = NULL;
	size_t nledger = 0;
	uint32_t root = (uint32_t)sp->root, fallback = UINT32_MAX;
	int rc;
	for (size_t i = 0; i < sp->n; i++) {
		uint32_t g = gid_of(sp, (uint32_t)i);
		fallback = g < fallback ? g : fallback;
		if (g != root)
			BT_PUSH(sp->to.idents, sp->to.nidents, sp->to.capidents,
				((struct bt__reshape_ident){sp->ident[i], g}));
	}
	out->identifiers = sp->to.nidents;
	for (size_t i = 0; i < sp->nmembers; i++) {
		const struct bt__member *p = &sp->members[i];
		uint32_t f = sp->founder[i];
		/* one whose founder is not here stays with the oldest */
		uint32_t to = f != NO_LOCAL ? gid_of(sp, f) : fallback;
		uint32_t was = p->profile == root ? 0 : root, now = to == p->profile ? 0 : to;
		if (was != now)
			BT_PUSH(sp->to.profiles, sp->to.nprofiles, sp->to.capprofiles,
				((struct bt__reshape_profile){p->profile, to, BT_ID_NONE, 0}));
	}
	for (size_t e = 0; e < sp->nev; e++)
		out->events += gid_of(sp, sp->ev[e].anchor) != root;
	struct bt__idlog *log = &sp->to.log;
	for (size_t i = 0; i < sp->nrefused; i++) {
		const struct refused_link *l = &sp->refused[i];
		BT_PUSH(log->conflicts, log->nconflicts, log->capconflicts,
			((struct bt__idlog_conflict){sp->ident[l->ident], gid_of(sp, l->anchor),
						     gid_of(sp, l->ident), l->event, bt__reason_kept_apart}));
	}
	out->conflicts = sp->nrefused;
	if ((rc = ops->identity.refusal_rows(sp->db->store, sp->root, move_refusal, sp, sp->err)) ||
	    (rc = ops->identity.merges(sp->db->store, sp->root, &ledger, &nledger, sp->err)))
		goto out;
	/* the merges the replay made as they were made stay as they are */
	size_t kept = 0;
	for (size_t i = 0; i < log->nmerges; i++)
		if (!in_ledger(ledger, nledger, log->merges[i].into, log->merges[i].from))
			log->merges[kept++] = log->merges[i];
	log->nmerges = out->relinked = kept;
out:
	bt_merges_free(ledger, nledger);
	return rc;
}

/* The profiles the tree became, the old id first (it is the oldest). */
static int result_profiles(struct split *sp, struct bt_split *out)
{
	for (size_t i = 0; i < sp->n; i++) {
		uint32_t g = gid_of(sp, (uint32_t)i);
		size_t k = 0;
		while (k < out->nprofiles && out->profiles[k] != g)
			k++;
		if (k < out->nprofiles)
			continue;
		int64_t *v = bt__reallocarray(out->profiles, out->nprofiles + 1, sizeof(*v));
		if (!v)
			return BT_ENOMEM;
		out->profiles = v;
		for (k = out->nprofiles++; k > 0 && v[k - 1] > g; k--)
			v[k] = v[k - 1];
		v[k] = g;
	}
	return 0;
}

static int split_tree(struct split *sp, struct bt_split *out, const char *by)
{
	const struct bt__store_ops *ops = sp->db->store->ops;
	int rc;
	if ((rc = split_read(sp)))
		return rc;
	if (!(sp->parent = bt__calloc(sp->n, sizeof(*sp->parent))) ||
	    !(sp->found = bt__calloc(sp->n, sizeof(*sp->found))) ||
	    !(sp->gid = bt__calloc(sp->n, sizeof(*sp->gid))))
		return BT_ENOMEM;
	if ((rc = replay(sp)) || (rc = name_sets(sp)) || (rc = plan(sp, out)) ||
	    (rc = result_profiles(sp, out)))
		return rc;
	if ((rc = ops->identity.reshape(sp->db->store, &sp->to, sp->err)) ||
	    (rc = ops->identity.apart_add(sp->db->store, sp->a, sp->b, sp->m.seq, 0, by, sp->err)))
		return rc;
	return bt__db_bump_epoch(sp->db, sp->err);
}

/* Which merge of which profile, and may it be split? */
static int split_target(struct split *sp, const char *ident, int64_t merge)
{
	struct bt_db *db = sp->db;
	struct bt_err *err = sp->err;
	int rc = bt__db_resolve(db, ident, &sp->root, err);
	if (rc)
		return rc;
	rc = db->store->ops->identity.merge_get(db->store, merge, &sp->m, err);
	if (rc == BT_ENOTFOUND)
		return bt_err_set(err, rc, "no merge %lld in the merge ledger", (long long)merge);
	if (rc)
		return rc;
	if (sp->m.split)
		return bt_err_set(err, BT_ECONFLICT, "merge %lld was split already", (long long)merge);
	if ((rc = event_anchor(db, sp->m.event, &sp->a, err)))
		return rc;
	sp->b = sp->m.ident;
	int here = sp->b < db->id.nidents && db->id.ident_profile[sp->b] &&
		   bt__identity_root(&db->id, db->id.ident_profile[sp->a]) == sp->root &&
		   bt__identity_root(&db->id, db->id.ident_profile[sp->b]) == sp->root;
	if (!here)
		return bt_err_set(err, BT_ENOTFOUND,
				  "merge %lld does not hold profile P%lld together now (its merge "
				  "ledger says which merges do)",
				  (long long)merge, (long long)sp->root);
	return 0;
}

static void split_release(struct split *sp)
{
	bt__free(sp->ident);
	bt_u64map_release(&sp->local);
	bt__free(sp->parent), bt__free(sp->found), bt__free(sp->gid), bt__free(sp->founder);
	bt__free(sp->ev), bt__free(sp->links);
	bt_u64map_release(&sp->refused_then);
	bt__free(sp->pairs);
	bt__free(sp->members), bt__free(sp->conflicts), bt__free(sp->refused);
	bt__free(sp->to.idents), bt__free(sp->to.profiles), bt__free(sp->to.refusals);
	bt__idlog_release(&sp->to.log);
	bt_json_doc_release(&sp->doc);
	bt_buf_release(&sp->norm);
}

int bt_split(struct bt_db *db, const char *ident, int64_t merge, const char *by,
	     struct bt_split *out, struct bt_err *err)
{
	const struct bt__store_ops *ops = db->store->ops;
	struct split *sp;
	int rc;
	memset(out, 0, sizeof(*out));
	out->merge = merge;
	if (db->readonly)
		return bt_err_set(err, BT_EUSAGE, "the database is open read-only");
	if (!(sp = bt__calloc(1, sizeof(*sp))))
		return bt_err_set(err, BT_ENOMEM, "out of memory");
	sp->db = db, sp->err = err;
	bt_u64map_init(&sp->local);
	bt_u64map_init(&sp->refused_then);
	bt_json_doc_init(&sp->doc);
	if (!(rc = ops->txn.begin(db->store, err)) && !(rc = bt__db_follow(db, err)) &&
	    !(rc = split_target(sp, ident, merge))) {
		out->profile = sp->root;
		rc = split_tree(sp, out, by);
	}
	if (!rc)
		rc = ops->txn.commit(db->store, err);
	if (rc) {
		ops->txn.rollback(db->store);
		bt_split_release(out);
		out->merge = merge;
		if (rc == BT_ENOMEM)
			bt_err_set(err, rc, "out of memory");
	}
	db->loaded = 0; /* memory no longer matches: reload on next use */
	split_release(sp);
	bt__free(sp);
	return rc;
}

void bt_split_release(struct bt_split *s)
{
	bt__free(s->profiles);
	memset(s, 0, sizeof(*s));
}
