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
#include "util/glob.h"
#include "util/vec.h"

#include <sodium.h>
#include <utf8proc.h>
#include <stdio.h>
#include <string.h>

/* Placeholders that forms, CRMs and SDKs send when they know nobody, as
 * folded (bt__ident_fold): they never link, whatever the type. */
static const char *const builtin_junk[] = {
	"null", "(null)", "<null>", "nil", "none", "undefined", "[object object]", "nan",
	"true", "false", "0", "-1", "-", "--", ".", "?", "??", "???", "x", "xx", "xxx",
	"n/a", "na", "n.a.", "n.a", "#n/a", "tbd", "tba", "unknown", "anonymous", "guest",
	"test", "dummy", "placeholder", "not set", "unset", "not provided", "not available",
	"no email", "noemail", "no-email", "no mail", "nomail", "no phone", "nophone",
	"none@none.com", "test@test.com", "test@example.com", "email@email.com",
	"email@example.com", "user@example.com", "example@example.com", "no@email.com",
	"a@a.com", "x@x.com", "xxx@xxx.com"};

/* Local parts of addresses that are never a person's: noreply@ any domain. */
static const char *const builtin_junk_local[] = {
	"noreply", "no-reply", "no_reply", "donotreply", "do-not-reply", "do_not_reply",
	"noemail", "no-email", "nomail", "none", "null", "mailer-daemon"};

/* Why a value is refused (docs/identity.md). */
static const char R_EMPTY[] = "an empty value";
static const char R_JUNK[] = "a junk value, which identifies nobody";
static const char R_EMAIL[] =
	"not an e-mail address (a local part, @ and a domain with a dot, no spaces)";
static const char R_PHONE[] = "a phone number needs at least 7 digits";
static const char R_UTF8[] = "not valid UTF-8";

#define BT_PHONE_MIN_DIGITS 7
#define BT_SEQUENCE_MIN 6 /* 123456 and 0123456789 are junk; 12345 is not */

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
	for (uint32_t i = 0; i < r->njunk; i++)
		bt__free(r->junk[i]);
	bt__free(r->junk);
	for (uint32_t i = 0; i < r->nsources; i++)
		bt__free(r->sources[i].reason);
	bt__free(r->sources);
	r->junk = NULL;
	r->sources = NULL;
	r->njunk = r->nsources = 0;
}

/* Take the limits and the size cap of cfg. */
static void apply_limits(struct bt__idrules *r, const struct bt_config *cfg)
{
	if (cfg->nlimits) {
		r->nlimits = 0;
		for (size_t i = 0; i < cfg->nlimits && i < BT_ID_MAX_LIMITS; i++) {
			size_t n = strlen(cfg->limits[i].type);
			if (n >= sizeof(r->limits[0].type))
				continue;
			memcpy(r->limits[r->nlimits].type, cfg->limits[i].type, n + 1);
			r->limits[r->nlimits++].max = cfg->limits[i].max;
		}
		bt__idrules_prepare(r);
	}
	if (cfg->max_profile_size)
		r->max_size = cfg->max_profile_size;
}

/* The configured junk values, folded as values are when they are judged. */
static int apply_junk(struct bt__idrules *r, const struct bt_config *cfg)
{
	struct bt_buf b = BT_BUF_INIT;
	int rc = 0;
	if (cfg->junk.n && !(r->junk = bt__calloc(cfg->junk.n, sizeof(char *))))
		return BT_ENOMEM;
	for (size_t i = 0; !rc && i < cfg->junk.n; i++) {
		bt_buf_reset(&b);
		/* a value that is not UTF-8 could never match one that is */
		if ((rc = bt__ident_fold(cfg->junk.v[i], strlen(cfg->junk.v[i]), &b)) == BT_EINVAL) {
			rc = 0;
			continue;
		}
		if (!rc && !(r->junk[r->njunk++] = bt__strndup(b.data ? b.data : "", b.len)))
			rc = BT_ENOMEM;
	}
	bt_buf_release(&b);
	return rc;
}

/* The touchpoints that name the identifier types they may link. */
static int apply_sources(struct bt__idrules *r, const struct bt_config *cfg)
{
	struct bt_buf b = BT_BUF_INIT;
	size_t n = 0;
	int rc = 0;
	for (size_t i = 0; i < cfg->ntouchpoints; i++)
		n += cfg->touchpoints[i].may_link.n > 0;
	if (n && !(r->sources = bt__calloc(n, sizeof(*r->sources))))
		return BT_ENOMEM;
	for (size_t i = 0; !rc && i < cfg->ntouchpoints; i++) {
		const struct bt_cfg_touchpoint *tp = &cfg->touchpoints[i];
		if (!tp->may_link.n)
			continue;
		bt_buf_reset(&b);
		rc = bt_buf_printf(&b, "touchpoint '%s' may link only ", tp->id);
		for (size_t k = 0; !rc && k < tp->may_link.n; k++)
			rc = bt_buf_printf(&b, "%s%s", k ? ", " : "", tp->may_link.v[k]);
		if (rc)
			break;
		struct bt__idsource *src = &r->sources[r->nsources++];
		src->id = tp->id;
		src->types = &tp->may_link;
		src->reason = bt_buf_detach(&b, NULL);
	}
	bt_buf_release(&b);
	return rc;
}

int bt__identity_apply_config(struct bt__identity *id, const struct bt_config *cfg)
{
	struct bt__idrules *r = &id->rules;
	int rc;
	if (!cfg)
		return 0;
	bt__idrules_release(r);
	apply_limits(r, cfg);
	if ((rc = apply_junk(r, cfg)) || (rc = apply_sources(r, cfg)))
		bt__idrules_release(r);
	return rc;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int is_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

/* No-break spaces look like spaces but hide inside a value ("null" and a
 * no-break space): hand them over as zero-width spaces, which
 * UTF8PROC_IGNORE strips with the other default-ignorable characters. */
static utf8proc_int32_t drop_nbsp(utf8proc_int32_t c, void *data)
{
	(void)data;
	return c == 0xa0 || c == 0x2007 || c == 0x202f ? 0x200b : c;
}

/* Append the NFKC form of s[0..n) to out, without default-ignorable
 * characters (zero-width spaces and joiners, soft hyphens, byte-order marks)
 * and no-break spaces; case-folded too when fold.  BT_EINVAL when s is not
 * UTF-8. */
static int nfkc(const char *s, size_t n, int fold, struct bt_buf *out)
{
	const utf8proc_option_t opt = UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
				      UTF8PROC_IGNORE | (fold ? UTF8PROC_CASEFOLD : 0);
	const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t len;
	utf8proc_int32_t *w;
	int rc;
	len = utf8proc_decompose_custom(u, (utf8proc_ssize_t)n, NULL, 0, opt, drop_nbsp, NULL);
	if (len < 0)
		return len == UTF8PROC_ERROR_NOMEM ? BT_ENOMEM : BT_EINVAL;
	/* room for the code points, and for their UTF-8 and a NUL in place */
	if (!(w = bt__malloc((size_t)len * sizeof(*w) + 1)))
		return BT_ENOMEM;
	len = utf8proc_decompose_custom(u, (utf8proc_ssize_t)n, w, len, opt, drop_nbsp, NULL);
	if (len >= 0)
		len = utf8proc_reencode(w, len, opt);
	rc = len < 0 ? BT_EINVAL : bt_buf_add(out, w, (size_t)len);
	bt__free(w);
	return rc;
}

/* Drop the spaces around out[start..len). */
static void trim_from(struct bt_buf *out, size_t start)
{
	size_t a = start, b = out->len;
	while (a < b && is_space(out->data[a]))
		a++;
	while (b > a && is_space(out->data[b - 1]))
		b--;
	memmove(out->data + start, out->data + a, b - a);
	out->len = start + (b - a);
	out->data[out->len] = '\0';
}

/* Append s[0..n) to out: in NFKC (see nfkc) unless it is ASCII, which is
 * its own NFKC form; ASCII letters lower-cased when fold.  Then trimmed. */
static int add_value(const char *s, size_t n, int fold, struct bt_buf *out)
{
	size_t start = out->len;
	int rc;
	if (!is_ascii(s, n))
		rc = nfkc(s, n, fold, out);
	else if (!(rc = bt_buf_add(out, s, n)) && fold)
		for (size_t i = start; i < out->len; i++)
			if (out->data[i] >= 'A' && out->data[i] <= 'Z')
				out->data[i] = (char)(out->data[i] - 'A' + 'a');
	if (!rc && out->data)
		trim_from(out, start);
	return rc;
}

int bt__ident_fold(const char *s, size_t n, struct bt_buf *out) { return add_value(s, n, 1, out); }

/* Is key (folded) a junk value, built in or configured? */
static int is_junk_value(const struct bt__idrules *r, const char *key)
{
	for (size_t i = 0; i < sizeof(builtin_junk) / sizeof(builtin_junk[0]); i++)
		if (builtin_junk[i][0] == key[0] && strcmp(builtin_junk[i], key) == 0)
			return 1;
	const char *at = strchr(key, '@');
	for (size_t i = 0; at && i < sizeof(builtin_junk_local) / sizeof(builtin_junk_local[0]); i++)
		if (strlen(builtin_junk_local[i]) == (size_t)(at - key) &&
		    memcmp(builtin_junk_local[i], key, (size_t)(at - key)) == 0)
			return 1;
	for (uint32_t i = 0; i < r->njunk; i++)
		if (bt__glob(r->junk[i], key))
			return 1;
	return 0;
}

/* A number nobody has: after an optional '+', one digit repeated (0000,
 * +1111111) or a run of at least BT_SEQUENCE_MIN digits counting up or down
 * (0123456789, 987654). */
static int is_junk_number(const char *v, size_t n)
{
	size_t i = v[0] == '+' ? 1 : 0, len = n - i;
	if (len == 0)
		return 0;
	for (size_t k = i; k < n; k++)
		if (!is_digit(v[k]))
			return 0;
	int same = 1, up = len >= BT_SEQUENCE_MIN, down = up;
	for (size_t k = i + 1; k < n; k++) {
		int d = v[k] - '0', prev = v[k - 1] - '0';
		same &= d == prev;
		up &= d == (prev + 1) % 10;
		down &= d == (prev + 9) % 10;
	}
	return same || up || down;
}

/* The form of an address: one '@' with a local part before it, and after
 * it a domain with a dot that is neither first nor last and no two dots
 * together; no spaces or control characters anywhere. */
static int is_address(const char *v, size_t n)
{
	const char *at = memchr(v, '@', n);
	if (!at || at == v)
		return 0;
	const char *d = at + 1;
	size_t dn = n - (size_t)(d - v);
	if (dn < 3 || d[0] == '.' || d[dn - 1] == '.' || !memchr(d, '.', dn) || memchr(d, '@', dn))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c <= ' ' || c == 0x7f)
			return 0;
	}
	for (size_t i = 1; i < dn; i++)
		if (d[i] == '.' && d[i - 1] == '.')
			return 0;
	return 1;
}

static size_t count_digits(const char *v, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += is_digit(v[i]);
	return k;
}

enum kind { K_OTHER, K_EMAIL, K_PHONE };

/* Why value v[0..n) of a kind is refused, or NULL when it is usable.  key
 * is the value folded as junk values are. */
static const char *judge(const struct bt__idrules *r, enum kind kind, const char *v, size_t n,
			 const char *key)
{
	if (n == 0)
		return R_EMPTY;
	if (is_junk_value(r, key) || is_junk_number(v, n))
		return R_JUNK;
	if (kind == K_EMAIL && !is_address(v, n))
		return R_EMAIL;
	if (kind == K_PHONE && count_digits(v, n) < BT_PHONE_MIN_DIGITS)
		return R_PHONE;
	return NULL;
}

/* Keep only what a phone number is made of: a leading '+' and digits. */
static void keep_phone_chars(struct bt_buf *out, size_t start)
{
	size_t o = start;
	for (size_t i = start; i < out->len; i++) {
		char c = out->data[i];
		if (is_digit(c) || (c == '+' && o == start))
			out->data[o++] = c;
	}
	out->len = o;
	out->data[o] = '\0';
}

/* Judge the value out[start..len) (see judge) into *why.  Junk is matched
 * ignoring case: e-mails and phones are folded already; another value is
 * folded into the space past out->len, so the result stays as it is. */
static int judge_value(const struct bt__idrules *r, enum kind kind, struct bt_buf *out,
		       size_t start, const char **why)
{
	size_t len = out->len;
	int rc;
	if (kind != K_OTHER) {
		*why = judge(r, kind, out->data + start, len - start, out->data + start);
		return 0;
	}
	/* room first: an ASCII copy must not move the bytes it copies */
	if ((rc = bt_buf_grow(out, len - start + 1)))
		return rc;
	out->len++; /* keep the NUL that ends the result */
	rc = bt__ident_fold(out->data + start, len - start, out);
	out->len = len;
	if (!rc) /* never BT_EINVAL: the value is UTF-8 by now */
		*why = judge(r, kind, out->data + start, len - start, out->data + len + 1);
	return rc;
}

int bt__ident_normalise_why(const struct bt__idrules *r, const char *type, size_t tn,
			    const char *value, size_t vn, struct bt_buf *out, const char **why)
{
	const char *reason = NULL;
	int rc;
	bt_buf_reset(out);
	if ((rc = bt_buf_grow(out, tn + 1 + vn)))
		return rc;
	for (size_t i = 0; i < tn; i++)
		out->data[i] = (char)(type[i] >= 'A' && type[i] <= 'Z' ? type[i] - 'A' + 'a' : type[i]);
	out->data[tn] = ':';
	out->len = tn + 1;
	out->data[out->len] = '\0';
	enum kind kind = tn == 5 && memcmp(out->data, "email", 5) == 0   ? K_EMAIL
			 : tn == 5 && memcmp(out->data, "phone", 5) == 0 ? K_PHONE
									 : K_OTHER;
	size_t start = out->len;
	rc = add_value(value, vn, kind == K_EMAIL, out);
	if (rc == BT_EINVAL) { /* the value is left out */
		out->len = start;
		out->data[start] = '\0';
		reason = R_UTF8;
	} else if (rc) {
		return rc;
	} else {
		if (kind == K_PHONE)
			keep_phone_chars(out, start);
		if ((rc = judge_value(r, kind, out, start, &reason)))
			return rc;
	}
	if (reason && why)
		*why = reason;
	return reason ? 0 : 1;
}

int bt__ident_normalise(const struct bt__idrules *r, const char *type, size_t tn,
			const char *value, size_t vn, struct bt_buf *out)
{
	return bt__ident_normalise_why(r, type, tn, value, vn, out, NULL);
}

void bt__idlog_reset(struct bt__idlog *log)
{
	log->nidents = log->nprofiles = log->nmerges = log->nconflicts = log->nrefusals = 0;
	bt_buf_reset(&log->refused_text);
}

void bt__idlog_release(struct bt__idlog *log)
{
	bt__free(log->idents);
	bt__free(log->profiles);
	bt__free(log->merges);
	bt__free(log->conflicts);
	bt__free(log->refusals);
	bt_buf_release(&log->refused_text);
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
	bt__free(id->apart);
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
			 ((struct bt__idlog_profile){p, event, BT_ID_NONE}));
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
	char ph[5] = {0};
	uint32_t k = id->nidents;
	if (!text) { /* erased: a placeholder no real identifier can equal */
		memcpy(ph + 1, &k, 4);
		text = ph, n = sizeof(ph), profile = 0;
	}
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

/* Strength order (docs/identity.md): customer_id, user_id, email, phone, then by name. */
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

/* Saturating: the count only says whether the pairs need a look. */
static void apart_add(struct bt__profile *p, unsigned n)
{
	p->apart = (uint16_t)(p->apart + n < UINT16_MAX ? p->apart + n : UINT16_MAX);
}

int bt__identity_load_apart(struct bt__identity *id, uint32_t a, uint32_t b)
{
	if (a >= id->nidents || b >= id->nidents)
		return BT_ESTORE; /* an identifier we never saw */
	BT_PUSH(id->apart, id->napart, id->capapart, ((struct bt__apart){a, b}));
	for (int k = 0; k < 2; k++) {
		uint32_t p = id->ident_profile[k ? b : a];
		if (p)
			apart_add(&id->prof[bt__identity_root(id, p)], 1);
	}
	return 0;
}

/* Would roots a and b joined hold both ends of a pair kept apart? */
static int kept_apart(const struct bt__identity *id, uint32_t a, uint32_t b)
{
	for (uint32_t i = 0; i < id->napart; i++) {
		uint32_t pa = id->ident_profile[id->apart[i].a], pb = id->ident_profile[id->apart[i].b];
		if (!pa || !pb)
			continue; /* erased */
		pa = bt__identity_root_ro(id, pa), pb = bt__identity_root_ro(id, pb);
		if ((pa == a && pb == b) || (pa == b && pb == a))
			return 1;
	}
	return 0;
}

const char bt__reason_kept_apart[] = "the two profiles were kept apart on review";

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
	if (pa->apart && pb->apart && kept_apart(id, a, b))
		return bt__reason_kept_apart;
	return NULL;
}

const char *bt__identity_can_merge(const struct bt__identity *id, uint32_t a, uint32_t b)
{
	return can_merge(id, a, b);
}

/* Roots a and b become one under the older (smaller) id, with their
 * sizes and counts added: the younger one. */
static uint32_t join_roots(struct bt__identity *id, uint32_t a, uint32_t b)
{
	uint32_t into = a < b ? a : b, from = a < b ? b : a;
	struct bt__profile *pi = &id->prof[into], *pf = &id->prof[from];
	pf->parent = into;
	pi->size += pf->size;
	for (uint32_t s = 0; s < BT_ID_MAX_LIMITS; s++)
		pi->count[s] = (uint8_t)(pi->count[s] + pf->count[s]);
	apart_add(pi, pf->apart);
	return from;
}

void bt__identity_load_merge(struct bt__identity *id, uint32_t into, uint32_t from,
			     uint32_t *kept, uint32_t *gone)
{
	uint32_t a = bt__identity_root(id, into), b = bt__identity_root(id, from);
	uint32_t younger = a == b ? a : join_roots(id, a, b);
	if (kept)
		*kept = a < b ? a : b;
	if (gone)
		*gone = younger;
}

static int merge_why(struct bt__identity *id, uint32_t a, uint32_t b, uint32_t via,
		     int64_t event, const char *reason, uint32_t *survivor)
{
	uint32_t into = a < b ? a : b, from = join_roots(id, a, b);
	if (id->log)
		BT_PUSH(id->log->merges, id->log->nmerges, id->log->capmerges,
			 ((struct bt__idlog_merge){into, from, via, event, reason}));
	*survivor = into;
	return 0;
}

static int merge(struct bt__identity *id, uint32_t a, uint32_t b, uint32_t via, int64_t event,
		 uint32_t *survivor)
{
	return merge_why(id, a, b, via, event, "event links identifiers of both profiles", survivor);
}

int bt__identity_merge_by(struct bt__identity *id, uint32_t a, uint32_t b, uint32_t via,
			  int64_t event, const char *reason, uint32_t *kept)
{
	return merge_why(id, a, b, via, event, reason, kept);
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
	if (id->log && id->log->nprofiles)
		id->log->profiles[id->log->nprofiles - 1].ident = c->ident;
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

/* The linking rule of the event's source, or NULL when it may link all. */
static const struct bt__idsource *source_rule(const struct bt__identity *id,
					      const struct bt__event *ev)
{
	for (uint32_t i = 0; i < id->rules.nsources; i++) {
		const char *s = id->rules.sources[i].id;
		if (strlen(s) == ev->source.n && memcmp(s, ev->source.s, ev->source.n) == 0)
			return &id->rules.sources[i];
	}
	return NULL;
}

/* May a source with rule src link an identifier of text ("type:value")? */
static int may_link(const struct bt__idsource *src, const char *text)
{
	size_t tn = (size_t)(strchr(text, ':') - text);
	if (!src)
		return 1;
	for (size_t i = 0; i < src->types->n; i++)
		if (strlen(src->types->v[i]) == tn && memcmp(src->types->v[i], text, tn) == 0)
			return 1;
	return 0;
}

/* Note that identifier text (normalised) was refused, and why. */
static int refuse(struct bt__identity *id, const struct bt_buf *text, int64_t event,
		  const char *reason, struct bt__resolution *res)
{
	struct bt__idlog *log = id->log;
	res->nrefused++;
	if (!log)
		return 0;
	size_t off = log->refused_text.len;
	int rc = bt_buf_add(&log->refused_text, text->data, text->len + 1);
	if (rc)
		return rc;
	BT_PUSH(log->refusals, log->nrefusals, log->caprefusals,
		((struct bt__idlog_refusal){event, 0, (uint32_t)off, (uint32_t)text->len, reason}));
	return 0;
}

/* The error for an event none of whose identifiers is usable: each type
 * with the reason, never the values. */
static int no_usable(const struct bt__event *ev, const char *const *why, struct bt_err *err)
{
	char list[400] = "";
	size_t off = 0;
	for (uint32_t i = 0; i < ev->nids && off < sizeof(list) - 1; i++) {
		int k = snprintf(list + off, sizeof(list) - off, "%s%.32s (%s)", i ? ", " : "",
				 ev->ids[i].type.s, why[i]);
		off += k > 0 ? (size_t)k : 0;
	}
	return bt_err_set(err, BT_EINVAL, "field 'ids': no usable identifier: %s", list);
}

static int collect(struct bt__identity *id, const struct bt__event *ev, int64_t event,
		   struct cand *cands, uint32_t *ncand, struct bt__resolution *res,
		   const char **why, struct bt_buf *tmp)
{
	const struct bt__idsource *src = source_rule(id, ev);
	int rc;
	bt_buf_reset(&id->scratch);
	*ncand = 0;
	for (uint32_t i = 0; i < ev->nids; i++) {
		why[i] = NULL;
		rc = bt__ident_normalise_why(&id->rules, ev->ids[i].type.s, ev->ids[i].type.n,
					     ev->ids[i].value.s, ev->ids[i].value.n, tmp, &why[i]);
		if (rc < 0)
			return rc;
		uint32_t known = rc ? bt__identity_find(id, tmp->data, tmp->len) : BT_ID_NONE;
		if (rc && known == BT_ID_NONE && bt__identity_is_suppressed(id, tmp->data, tmp->len)) {
			why[i] = "erased";
			res->nsuppressed++;
			continue;
		}
		if (rc && !may_link(src, tmp->data))
			why[i] = src->reason;
		if (why[i]) {
			if ((rc = refuse(id, tmp, event, why[i], res)))
				return rc;
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
	const char *reasons[BT_EVENT_MAX_IDS];
	size_t nrefusals = id->log ? id->log->nrefusals : 0;
	size_t ntext = id->log ? id->log->refused_text.len : 0;
	uint32_t n;
	struct bt_buf tmp = BT_BUF_INIT;
	int rc;

	memset(res, 0, sizeof(*res));
	rc = collect(id, ev, event, cands, &n, res, reasons, &tmp);
	bt_buf_release(&tmp);
	if (rc)
		return rc;
	if (n == 0) {
		/* the event is not stored: neither are its refusals */
		if (id->log) {
			id->log->nrefusals = nrefusals;
			id->log->refused_text.len = ntext;
		}
		if (res->nsuppressed)
			return 1;
		return no_usable(ev, reasons, err);
	}

	/* Link every identifier to the strongest one (cands[0]), as far as
	 * the guard rails allow; see docs/identity.md. */
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
	for (size_t i = nrefusals; id->log && i < id->log->nrefusals; i++)
		id->log->refusals[i].profile = res->profile;
	return 0;
}
