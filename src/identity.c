/* SPDX-License-Identifier: Apache-2.0 */
/*
 * identity.c - normalisation, guard rails and the union-find of identity.h.
 *
 * Identifier ids are the intern ids of their "type:value" text and are the
 * same in memory and in the store.  An erased identifier keeps its id but its
 * text is replaced (in the store by NULL, here by a placeholder that starts
 * with a NUL byte and so can never equal a real identifier).
 */
#include "identity.h"

#include "util/alloc.h"
#include "util/vec.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *s;
	size_t n;
} builtin_junk[] = {
	{"null", 4}, {"undefined", 9}, {"0", 1}, {"anonymous", 9}, {"guest", 5},
	{"test", 4}, {"[object object]", 15}, {"nan", 3}, {"none", 4}, {"n/a", 3},
	{"unknown", 7}, {"-", 1}};

void bt__idrules_default(struct bt__idrules *r)
{
	memset(r, 0, sizeof(*r));
	r->max_size = 50;
	static const struct {
		const char *type;
		uint32_t max;
	} def[] = {{"customer_id", 1}, {"email", 5}, {"phone", 5}};
	for (size_t i = 0; i < sizeof(def) / sizeof(def[0]); i++) {
		memcpy(r->limits[i].type, def[i].type, strlen(def[i].type) + 1);
		r->limits[i].max = def[i].max;
	}
	r->nlimits = 3;
	bt__idrules_prepare(r);
}

void bt__idrules_prepare(struct bt__idrules *r)
{
	for (uint32_t i = 0; i < r->nlimits; i++) {
		char out[sizeof(r->limit_reason[i])];
		snprintf(out, sizeof(out), "the profile would hold more than %u %s identifier%s",
			 r->limits[i].max, r->limits[i].type, r->limits[i].max == 1 ? "" : "s");
		memcpy(r->limit_reason[i], out, sizeof(out));
	}
}

void bt__idrules_release(struct bt__idrules *r)
{
	for (uint32_t i = 0; !r->junk_borrowed && i < r->njunk; i++)
		bt__free(r->junk[i]);
	if (!r->junk_borrowed)
		bt__free(r->junk);
	r->junk = NULL;
	r->njunk = 0;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

static int is_junk(const struct bt__idrules *r, const char *v, size_t n)
{
	if (n == 0)
		return 1;
	for (size_t i = 0; n <= 15 && i < sizeof(builtin_junk) / sizeof(builtin_junk[0]); i++)
		if (builtin_junk[i].n == n && strncasecmp(builtin_junk[i].s, v, n) == 0)
			return 1;
	for (uint32_t i = 0; i < r->njunk; i++)
		if (strlen(r->junk[i]) == n && strncasecmp(r->junk[i], v, n) == 0)
			return 1;
	/* all-zero or all-same-digit values such as 0000 or +1111111 */
	size_t i = v[0] == '+' ? 1 : 0;
	if (i < n) {
		char d = v[i];
		size_t j = i;
		while (j < n && v[j] == d && d >= '0' && d <= '9')
			j++;
		if (j == n)
			return 1;
	}
	return 0;
}

int bt__ident_normalise(const struct bt__idrules *r, const char *type, size_t tn,
			const char *value, size_t vn, struct bt_buf *out)
{
	int rc;
	bt_buf_reset(out);
	/* the result is never longer than type + ':' + value */
	if ((rc = bt_buf_grow(out, tn + 1 + vn)))
		return rc;
	char *d = out->data;
	for (size_t i = 0; i < tn; i++)
		d[i] = (char)(type[i] >= 'A' && type[i] <= 'Z' ? type[i] - 'A' + 'a' : type[i]);
	d[tn] = ':';
	size_t start = tn + 1, o = start;
	while (vn && is_space(*value))
		value++, vn--;
	while (vn && is_space(value[vn - 1]))
		vn--;
	if (tn == 5 && memcmp(d, "phone", 5) == 0) {
		for (size_t i = 0; i < vn; i++) {
			char c = value[i];
			if ((c >= '0' && c <= '9') || (c == '+' && o == start))
				d[o++] = c;
		}
	} else if (tn == 5 && memcmp(d, "email", 5) == 0) {
		for (size_t i = 0; i < vn; i++)
			d[o++] = (char)(value[i] >= 'A' && value[i] <= 'Z' ? value[i] - 'A' + 'a' : value[i]);
	} else {
		memcpy(d + o, value, vn);
		o += vn;
	}
	d[o] = '\0';
	out->len = o;
	return is_junk(r, d + start, o - start) ? 0 : 1;
}

void bt__idlog_reset(struct bt__idlog *log)
{
	log->nidents = log->nprofiles = log->nmerges = log->nconflicts = 0;
}

void bt__idlog_release(struct bt__idlog *log)
{
	bt__free(log->idents);
	bt__free(log->profiles);
	bt__free(log->merges);
	bt__free(log->conflicts);
	memset(log, 0, sizeof(*log));
}

int bt__identity_init(struct bt__identity *id)
{
	memset(id, 0, sizeof(*id));
	bt__idrules_default(&id->rules);
	bt_u64map_init(&id->suppressed);
	id->nprof = 1; /* profile 0 means "none" */
	return 0;
}

void bt__identity_release(struct bt__identity *id)
{
	bt__idrules_release(&id->rules);
	bt_h128map_release(&id->idents);
	bt__free(id->ident_text);
	bt_arena_release(&id->text_arena);
	bt_u64map_release(&id->suppressed);
	for (size_t i = 0; i < id->nsuppressed_types; i++)
		bt__free(id->suppressed_types[i]);
	bt__free(id->suppressed_types);
	bt__free(id->ident_profile);
	bt__free(id->ident_limit);
	bt__free(id->prof);
	bt_buf_release(&id->scratch);
	sodium_memzero(id->suppress_key, sizeof(id->suppress_key));
	memset(id, 0, sizeof(*id));
}

uint32_t bt__identity_root(struct bt__identity *id, uint32_t p)
{
	struct bt__profile *pr = id->prof;
	while (pr[p].parent != p) {
		pr[p].parent = pr[pr[p].parent].parent;
		p = pr[p].parent;
	}
	return p;
}

uint32_t bt__identity_root_ro(const struct bt__identity *id, uint32_t p)
{
	while (id->prof[p].parent != p)
		p = id->prof[p].parent;
	return p;
}

static int ensure_prof(struct bt__identity *id, uint32_t p)
{
	if (p < id->capprof)
		return 0;
	uint32_t cap = id->capprof ? id->capprof : 1024;
	while (cap <= p)
		cap *= 2;
	struct bt__profile *np = bt__reallocarray(id->prof, cap, sizeof(*np));
	if (!np)
		return BT_ENOMEM;
	memset(np + id->capprof, 0, (size_t)(cap - id->capprof) * sizeof(*np));
	id->prof = np;
	id->capprof = cap;
	return 0;
}

static int limit_slot(const struct bt__idrules *r, const char *text)
{
	const char *colon = strchr(text, ':');
	size_t tn = colon ? (size_t)(colon - text) : 0;
	for (uint32_t i = 0; i < r->nlimits; i++)
		if (strlen(r->limits[i].type) == tn && memcmp(r->limits[i].type, text, tn) == 0)
			return (int)i;
	return 0xff;
}

/* Intern text as a new identifier; *out its id. */
static int add_ident(struct bt__identity *id, const char *text, size_t n, uint32_t *out)
{
	uint32_t k = id->nidents;
	if (k == UINT32_MAX - 1)
		return BT_ELIMIT;
	if (k >= id->nident_cap) {
		uint32_t cap = id->nident_cap ? id->nident_cap * 2 : 1024;
		uint32_t *p = bt__reallocarray(id->ident_profile, cap, sizeof(*p));
		if (!p)
			return BT_ENOMEM;
		id->ident_profile = p;
		uint8_t *l = bt__reallocarray(id->ident_limit, cap, 1);
		if (!l)
			return BT_ENOMEM;
		id->ident_limit = l;
		const char **t = bt__reallocarray(id->ident_text, cap, sizeof(*t));
		if (!t)
			return BT_ENOMEM;
		id->ident_text = t;
		id->nident_cap = cap;
	}
	char *copy = bt_arena_strndup(&id->text_arena, text, n);
	if (!copy)
		return BT_ENOMEM;
	int added = bt_h128map_put(&id->idents, text, n, k, NULL);
	if (added < 0)
		return added;
	id->ident_text[k] = copy;
	id->nidents++;
	id->ident_profile[k] = 0;
	id->ident_limit[k] = (uint8_t)(n && text[0] ? limit_slot(&id->rules, text) : 0xff);
	*out = (uint32_t)k;
	return 0;
}

static int new_profile(struct bt__identity *id, int64_t event, uint32_t *out)
{
	uint32_t p = id->nprof;
	int rc = ensure_prof(id, p);
	if (rc)
		return rc;
	id->prof[p] = (struct bt__profile){.parent = p, .size = 0, .live = 1};
	id->nprof++;
	if (id->log)
		BT_PUSH(id->log->profiles, id->log->nprofiles, id->log->capprofiles,
			 ((struct bt__idlog_profile){p, event}));
	*out = p;
	return 0;
}

static void attach(struct bt__identity *id, uint32_t ident, uint32_t root)
{
	id->ident_profile[ident] = root;
	id->prof[root].size++;
	if (id->ident_limit[ident] != 0xff)
		id->prof[root].count[id->ident_limit[ident]]++;
}

int bt__identity_load_profile(struct bt__identity *id, uint32_t p, uint32_t merged_into)
{
	int rc = ensure_prof(id, p > merged_into ? p : merged_into);
	if (rc)
		return rc;
	id->prof[p].parent = merged_into ? merged_into : p;
	id->prof[p].live = 1;
	if (p >= id->nprof)
		id->nprof = p + 1;
	return 0;
}

int bt__identity_issued(struct bt__identity *id, uint32_t max)
{
	int rc = ensure_prof(id, max);
	if (!rc && max >= id->nprof)
		id->nprof = max + 1;
	return rc;
}

int bt__identity_load_ident(struct bt__identity *id, const char *text, size_t n, uint32_t profile)
{
	uint32_t k;
	int rc = add_ident(id, text, n, &k);
	if (rc)
		return rc;
	if (profile) {
		if ((rc = ensure_prof(id, profile)))
			return rc;
		attach(id, k, bt__identity_root(id, profile));
	}
	return 0;
}

uint32_t bt__identity_find(const struct bt__identity *id, const char *text, size_t n)
{
	uint32_t k;
	return bt_h128map_get(&id->idents, text, n, &k) ? k : BT_ID_NONE;
}

uint64_t bt__identity_suppress_hash(const struct bt__identity *id, const char *text, size_t n)
{
	unsigned char h[16];
	uint64_t v;
	crypto_generichash(h, sizeof(h), (const unsigned char *)text, n,
			   id->have_suppress_key ? id->suppress_key : NULL,
			   id->have_suppress_key ? sizeof(id->suppress_key) : 0);
	memcpy(&v, h, sizeof(v));
	return v;
}

int bt__identity_suppressed_type(struct bt__identity *id, const char *type, size_t n)
{
	for (size_t i = 0; i < id->nsuppressed_types; i++)
		if (strlen(id->suppressed_types[i]) == n && !memcmp(id->suppressed_types[i], type, n))
			return 0;
	char **v = bt__reallocarray(id->suppressed_types, id->nsuppressed_types + 1, sizeof(*v));
	if (!v)
		return BT_ENOMEM;
	id->suppressed_types = v;
	if (!(v[id->nsuppressed_types] = bt__strndup(type, n)))
		return BT_ENOMEM;
	id->nsuppressed_types++;
	return 0;
}

int bt__identity_is_suppressed(const struct bt__identity *id, const char *text, size_t n)
{
	/* a known identifier is not erased: its text would be gone */
	return id->suppressed.count && bt__identity_find(id, text, n) == BT_ID_NONE &&
	       bt_u64map_get(&id->suppressed, bt__identity_suppress_hash(id, text, n), NULL);
}

/* Strength order of §5: customer_id, user_id, email, phone, then by name. */
static int type_rank(const char *text)
{
	static const char *const strong[] = {"customer_id:", "user_id:", "email:", "phone:"};
	for (int i = 0; i < 4; i++)
		if (strncmp(text, strong[i], strlen(strong[i])) == 0)
			return i;
	return 4;
}

struct cand {
	uint32_t off, len; /* into scratch */
	int rank;
	uint32_t ident;    /* BT_ID_NONE when new */
};

static int cand_cmp(const struct cand *a, const struct cand *b, const char *base)
{
	if (a->rank != b->rank)
		return a->rank - b->rank;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(base + a->off, base + b->off, n);
	return c ? c : (int)a->len - (int)b->len;
}

static const char *can_add(const struct bt__identity *id, uint32_t root, int slot)
{
	const struct bt__profile *p = &id->prof[root];
	if (p->size + 1 > id->rules.max_size)
		return "the profile would exceed its size cap";
	if (slot != 0xff && p->count[slot] + 1u > id->rules.limits[slot].max)
		return id->rules.limit_reason[slot];
	return NULL;
}

static const char *can_merge(const struct bt__identity *id, uint32_t a, uint32_t b)
{
	const struct bt__profile *pa = &id->prof[a], *pb = &id->prof[b];
	for (uint32_t s = 0; s < id->rules.nlimits; s++) {
		if (strcmp(id->rules.limits[s].type, "customer_id") == 0 && pa->count[s] &&
		    pb->count[s])
			return "both profiles hold a different customer_id";
		if ((uint32_t)pa->count[s] + pb->count[s] > id->rules.limits[s].max)
			return id->rules.limit_reason[s];
	}
	if (pa->size + pb->size > id->rules.max_size)
		return "the merged profile would exceed its size cap";
	return NULL;
}

static int merge(struct bt__identity *id, uint32_t a, uint32_t b, uint32_t via, int64_t event,
		 uint32_t *survivor)
{
	uint32_t into = a < b ? a : b, from = a < b ? b : a;
	struct bt__profile *pi = &id->prof[into], *pf = &id->prof[from];
	pf->parent = into;
	pi->size += pf->size;
	for (uint32_t s = 0; s < BT_ID_MAX_LIMITS; s++)
		pi->count[s] = (uint8_t)(pi->count[s] + pf->count[s]);
	if (id->log)
		BT_PUSH(id->log->merges, id->log->nmerges, id->log->capmerges,
			 ((struct bt__idlog_merge){into, from, via, event,
						   "event links identifiers of both profiles"}));
	*survivor = into;
	return 0;
}

static int conflict(struct bt__identity *id, uint32_t ident, uint32_t p, uint32_t other,
		    int64_t event, const char *reason)
{
	if (id->log)
		BT_PUSH(id->log->conflicts, id->log->nconflicts, id->log->capconflicts,
			 ((struct bt__idlog_conflict){ident, p, other, event, reason}));
	return 0;
}

/* Create identifier c (new) on a fresh profile of its own. */
static int new_ident_profile(struct bt__identity *id, struct cand *c, int64_t event,
			     uint32_t *prof)
{
	uint32_t p;
	int rc = new_profile(id, event, &p);
	if (rc)
		return rc;
	if ((rc = add_ident(id, id->scratch.data + c->off, c->len, &c->ident)))
		return rc;
	attach(id, c->ident, p);
	if (id->log)
		BT_PUSH(id->log->idents, id->log->nidents, id->log->capidents,
			 ((struct bt__idlog_ident){c->ident, p, event}));
	*prof = p;
	return 0;
}

static int add_to(struct bt__identity *id, struct cand *c, uint32_t root, int64_t event)
{
	int rc = add_ident(id, id->scratch.data + c->off, c->len, &c->ident);
	if (rc)
		return rc;
	attach(id, c->ident, root);
	if (id->log)
		BT_PUSH(id->log->idents, id->log->nidents, id->log->capidents,
			 ((struct bt__idlog_ident){c->ident, root, event}));
	return 0;
}

static int collect(struct bt__identity *id, const struct bt__event *ev, struct cand *cands,
		   uint32_t *ncand, struct bt__resolution *res, struct bt_buf *tmp)
{
	int rc;
	bt_buf_reset(&id->scratch);
	*ncand = 0;
	for (uint32_t i = 0; i < ev->nids; i++) {
		rc = bt__ident_normalise(&id->rules, ev->ids[i].type.s, ev->ids[i].type.n,
					 ev->ids[i].value.s, ev->ids[i].value.n, tmp);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			res->njunk++;
			continue;
		}
		uint32_t known = bt__identity_find(id, tmp->data, tmp->len);
		if (known == BT_ID_NONE && bt__identity_is_suppressed(id, tmp->data, tmp->len)) {
			res->nsuppressed++;
			continue;
		}
		int dup = 0;
		for (uint32_t j = 0; j < *ncand && !dup; j++)
			dup = cands[j].len == tmp->len &&
			      memcmp(id->scratch.data + cands[j].off, tmp->data, tmp->len) == 0;
		if (dup)
			continue;
		struct cand c = {(uint32_t)id->scratch.len, (uint32_t)tmp->len,
				 type_rank(tmp->data), known};
		if ((rc = bt_buf_add(&id->scratch, tmp->data, tmp->len + 1)))
			return rc;
		/* insertion sort: at most BT_EVENT_MAX_IDS entries */
		uint32_t j = *ncand;
		while (j > 0 && cand_cmp(&c, &cands[j - 1], id->scratch.data) < 0) {
			cands[j] = cands[j - 1];
			j--;
		}
		cands[j] = c;
		(*ncand)++;
	}
	return 0;
}

int bt__identity_resolve(struct bt__identity *id, const struct bt__event *ev, int64_t event,
			 struct bt__resolution *res, struct bt_err *err)
{
	struct cand cands[BT_EVENT_MAX_IDS];
	uint32_t n;
	struct bt_buf tmp = BT_BUF_INIT;
	int rc;

	memset(res, 0, sizeof(*res));
	rc = collect(id, ev, cands, &n, res, &tmp);
	bt_buf_release(&tmp);
	if (rc)
		return rc;
	if (n == 0) {
		if (res->nsuppressed)
			return 1;
		char types[128] = "";
		size_t off = 0;
		for (uint32_t i = 0; i < ev->nids && off < sizeof(types) - 40; i++)
			off += (size_t)snprintf(types + off, sizeof(types) - off, "%s%.32s",
						i ? ", " : "", ev->ids[i].type.s);
		return bt_err_set(err, BT_EINVAL,
				  "field 'ids': no usable identifier (junk values such as 'null', "
				  "'test' or '0000' never link): %s",
				  types);
	}

	/* Link every identifier to the strongest one (cands[0]), as far as
	 * the guard rails allow; see PRODUCT.md §5. */
	struct cand *a0 = &cands[0];
	uint32_t P = a0->ident != BT_ID_NONE ? bt__identity_root(id, id->ident_profile[a0->ident]) : 0;
	for (uint32_t k = 1; k < n; k++) {
		struct cand *ak = &cands[k];
		const char *why;
		if (ak->ident != BT_ID_NONE) {
			uint32_t Q = bt__identity_root(id, id->ident_profile[ak->ident]);
			if (P == 0) {
				int slot = limit_slot(&id->rules, id->scratch.data + a0->off);
				if (!(why = can_add(id, Q, slot))) {
					rc = add_to(id, a0, Q, event);
					P = Q;
				} else if (!(rc = new_ident_profile(id, a0, event, &P)))
					rc = conflict(id, ak->ident, P, Q, event, why);
			} else if (P != Q) {
				if (!(why = can_merge(id, P, Q)))
					rc = merge(id, P, Q, ak->ident, event, &P);
				else
					rc = conflict(id, ak->ident, P, Q, event, why);
			}
		} else {
			if (P == 0)
				rc = new_ident_profile(id, a0, event, &P);
			if (!rc) {
				int slot = limit_slot(&id->rules, id->scratch.data + ak->off);
				if (!(why = can_add(id, P, slot)))
					rc = add_to(id, ak, P, event);
				else {
					uint32_t R;
					if (!(rc = new_ident_profile(id, ak, event, &R)))
						rc = conflict(id, ak->ident, P, R, event, why);
				}
			}
		}
		if (rc)
			return rc;
	}
	if (P == 0 && (rc = new_ident_profile(id, a0, event, &P)))
		return rc;
	res->anchor = a0->ident;
	res->profile = bt__identity_root(id, id->ident_profile[a0->ident]);
	return 0;
}
