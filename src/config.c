/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config.c - reading the configuration (include/baton/config.h) from YAML.
 *
 * The reader walks the YAML tree once and reports every problem it finds
 * with the line it is on, instead of stopping at the first: `baton check` is
 * meant to be run after an edit and should list everything to fix.  The
 * walk goes section by section, so problems are kept and handed over in line
 * order at the end.  Unknown keys are problems (a typo must not silently
 * disable a rule), with the nearest known key when one is near.
 */
#include "baton/util.h"
#include "baton/config.h"
#include "event.h"
#include "util/alloc.h"
#include "util/decimal.h"
#include "util/time.h"
#include "util/yamltree.h"
#include "baton/buf.h"
#include "baton/json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct problem {
	long line;
	size_t order; /* found order, so one line's problems keep theirs */
	char *msg;
};

struct reader {
	const char *name;
	struct problem *problems;
	size_t nproblems, capproblems;
	int nomem;
	unsigned own_words; /* journeys with words of their own */
};

__attribute__((format(printf, 3, 4))) static void problem(struct reader *r, const struct bt_ynode *at,
							 const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r->nproblems == r->capproblems) {
		size_t cap = r->capproblems ? 2 * r->capproblems : 16;
		struct problem *p = bt__reallocarray(r->problems, cap, sizeof(*p));
		if (!p) {
			r->nomem = 1;
			return;
		}
		r->problems = p, r->capproblems = cap;
	}
	struct problem *p = &r->problems[r->nproblems];
	p->line = at ? at->line : 0;
	p->order = r->nproblems;
	if (!(p->msg = bt__strndup(msg, strlen(msg))))
		r->nomem = 1;
	else
		r->nproblems++;
}

static int by_line(const void *a, const void *b)
{
	const struct problem *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Hand the problems over in line order; err says the first. */
static void report_problems(struct reader *r, bt_config_problem_fn problem_fn, void *ctx,
			    struct bt_err *err)
{
	if (r->nproblems)
		qsort(r->problems, r->nproblems, sizeof(*r->problems), by_line);
	for (size_t i = 0; i < r->nproblems; i++) {
		if (i == 0)
			bt_err_set(err, BT_EINVAL, "%s:%ld: %s", r->name, r->problems[i].line,
				   r->problems[i].msg);
		if (problem_fn)
			problem_fn(ctx, r->problems[i].line, r->problems[i].msg);
		bt__free(r->problems[i].msg);
	}
	bt__free(r->problems);
}

static char *dup_text(struct reader *r, const char *s)
{
	char *d = bt__strndup(s, strlen(s));
	if (!d)
		r->nomem = 1;
	return d;
}

/* The array of a section's n entries; NULL with r->nomem set when memory
 * ran out (without it, a section that could not be allocated read as an
 * empty one, and what referred to it as a mistake in the file). */
static void *section_array(struct reader *r, size_t n, size_t size)
{
	void *p = bt__calloc(n, size);
	if (!p)
		r->nomem = 1;
	return p;
}

/* Check that map has only keys from allowed (NULL-terminated). */
static void check_keys(struct reader *r, const struct bt_ynode *map, const char *what,
		       const char *const *allowed)
{
	size_t count = 0;
	while (allowed[count])
		count++;
	for (size_t i = 0; i < bt_ynode_count(map); i++) {
		const struct bt_ynode *k = bt_ynode_key(map, i);
		int ok = 0;
		for (const char *const *a = allowed; *a && !ok; a++)
			ok = strcmp(*a, k->text) == 0;
		if (ok)
			continue;
		const char *near = bt_suggest(k->text, strlen(k->text), allowed, count);
		if (near) {
			problem(r, k, "unknown key '%s' in %s (did you mean '%s'?)", k->text, what, near);
			continue;
		}
		char list[300] = "";
		size_t off = 0;
		for (const char *const *a = allowed; *a && off < sizeof(list); a++)
			off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
						a == allowed ? "" : ", ", *a);
		problem(r, k, "unknown key '%s' in %s (expected one of: %s)", k->text, what, list);
	}
}

/* A scalar string; NULL (with a problem) when the node is something else. */
static char *scalar(struct reader *r, const struct bt_ynode *n, const char *what, int required,
		    const struct bt_ynode *parent)
{
	if (!n || bt_ynode_is_null(n)) {
		if (required)
			problem(r, n ? n : parent, "%s is required", what);
		return NULL;
	}
	if (n->kind != BT_YSCALAR) {
		problem(r, n, "%s must be a text value, not %s", what, bt_ynode_kind_name(n));
		return NULL;
	}
	if (n->len == 0 || n->len > BT_EVENT_MAX_STR) {
		problem(r, n, "%s must be 1 to %d characters", what, BT_EVENT_MAX_STR);
		return NULL;
	}
	return dup_text(r, n->text);
}

/* A list of strings: a sequence of scalars, or one scalar. */
static void strlist(struct reader *r, const struct bt_ynode *n, const char *what,
		    struct bt_strlist *out)
{
	out->v = NULL;
	out->n = 0;
	if (!n || bt_ynode_is_null(n))
		return;
	size_t count = n->kind == BT_YSEQ ? n->n : 1;
	if (n->kind == BT_YMAP) {
		problem(r, n, "%s must be a list of text values, not a mapping", what);
		return;
	}
	out->v = bt__calloc(count, sizeof(char *));
	if (!out->v) {
		r->nomem = 1;
		return;
	}
	for (size_t i = 0; i < count; i++) {
		const struct bt_ynode *item = n->kind == BT_YSEQ ? n->kids[i] : n;
		char *s = scalar(r, item, what, 1, n);
		if (s)
			out->v[out->n++] = s;
	}
}

static int64_t duration(struct reader *r, const struct bt_ynode *n, const char *what, int64_t dflt)
{
	int64_t ms;
	if (!n || bt_ynode_is_null(n))
		return dflt;
	if (n->kind != BT_YSCALAR || bt_time_parse_duration(n->text, n->len, &ms) || ms <= 0) {
		problem(r, n, "%s must be a duration like 24h, 7d or 90m", what);
		return dflt;
	}
	return ms;
}

static int is_id(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_' || *s == '.'))
			return 0;
	return 1;
}

/* Read an `id` and check it is unique among the first `count` ids of the
 * same kind (passed as a stride over the array). */
static char *read_id(struct reader *r, const struct bt_ynode *item, const char *what,
		     const void *arr, size_t stride, size_t count)
{
	char *id = scalar(r, bt_ynode_get(item, "id"), "id", 1, item);
	if (!id)
		return NULL;
	if (!is_id(id))
		problem(r, bt_ynode_get(item, "id"), "%s id '%s' may only hold letters, digits, '-', '_' and '.'", what, id);
	for (size_t i = 0; i < count; i++) {
		char *const *other = (char *const *)((const char *)arr + i * stride);
		if (*other && strcmp(*other, id) == 0)
			problem(r, bt_ynode_get(item, "id"), "duplicate %s id '%s'", what, id);
	}
	return id;
}

static void free_list(struct bt_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		bt__free(l->v[i]);
	bt__free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* The items of a top-level list; NULL and 0 when absent. */
static size_t section(struct reader *r, const struct bt_ynode *root, const char *key,
		      const struct bt_ynode **seq)
{
	const struct bt_ynode *n = bt_ynode_get(root, key);
	*seq = NULL;
	if (!n || bt_ynode_is_null(n))
		return 0;
	if (n->kind != BT_YSEQ) {
		problem(r, n, "'%s' must be a list", key);
		return 0;
	}
	*seq = n;
	return n->n;
}

static void read_teams(struct reader *r, const struct bt_ynode *root, struct bt_config *c)
{
	static const char *const keys[] = {"id", "name", NULL};
	const struct bt_ynode *seq;
	size_t n = section(r, root, "teams", &seq);
	if (!n || !(c->teams = section_array(r, n, sizeof(*c->teams))))
		return;
	for (size_t i = 0; i < n; i++) {
		const struct bt_ynode *t = seq->kids[i];
		if (t->kind != BT_YMAP) {
			problem(r, t, "a team must be a mapping with an id");
			continue;
		}
		check_keys(r, t, "a team", keys);
		struct bt_cfg_team *team = &c->teams[c->nteams];
		team->id = read_id(r, t, "team", c->teams, sizeof(*team), c->nteams);
		team->name = scalar(r, bt_ynode_get(t, "name"), "name", 0, t);
		if (team->id)
			c->nteams++;
		else { /* not kept: the next team takes its place */
			bt__free(team->name);
			team->name = NULL;
		}
	}
}

static int has_team(const struct bt_config *c, const char *id)
{
	for (size_t i = 0; i < c->nteams; i++)
		if (strcmp(c->teams[i].id, id) == 0)
			return 1;
	return 0;
}

static void read_people(struct reader *r, const struct bt_ynode *root, struct bt_config *c)
{
	static const char *const keys[] = {"id", "name", "team", "email", NULL};
	const struct bt_ynode *seq;
	size_t n = section(r, root, "people", &seq);
	if (!n || !(c->people = section_array(r, n, sizeof(*c->people))))
		return;
	for (size_t i = 0; i < n; i++) {
		const struct bt_ynode *t = seq->kids[i];
		if (t->kind != BT_YMAP) {
			problem(r, t, "a person must be a mapping with an id");
			continue;
		}
		check_keys(r, t, "a person", keys);
		struct bt_cfg_person *p = &c->people[c->npeople];
		p->id = read_id(r, t, "person", c->people, sizeof(*p), c->npeople);
		p->name = scalar(r, bt_ynode_get(t, "name"), "name", 0, t);
		p->team = scalar(r, bt_ynode_get(t, "team"), "team", 0, t);
		p->email = scalar(r, bt_ynode_get(t, "email"), "email", 0, t);
		if (p->team && !has_team(c, p->team))
			problem(r, bt_ynode_get(t, "team"), "person '%s': unknown team '%s'",
				p->id ? p->id : "?", p->team);
		if (p->id)
			c->npeople++;
		else { /* not kept: the next person takes its place */
			bt__free(p->name), bt__free(p->team), bt__free(p->email);
			p->name = p->team = p->email = NULL;
		}
	}
}

static void read_rules(struct reader *r, const struct bt_ynode *n, struct bt_cfg_journey *j)
{
	static const char *const keys[] = {"types", "sources", "props", NULL};
	if (!n || bt_ynode_is_null(n))
		return;
	if (n->kind != BT_YSEQ) {
		problem(r, n, "journey '%s': 'match' must be a list of rules", j->id);
		return;
	}
	if (!(j->rules = bt__calloc(n->n ? n->n : 1, sizeof(*j->rules)))) {
		r->nomem = 1;
		return;
	}
	for (size_t i = 0; i < n->n; i++) {
		const struct bt_ynode *m = n->kids[i];
		struct bt_cfg_rule *rule = &j->rules[j->nrules++];
		if (m->kind != BT_YMAP) {
			problem(r, m, "journey '%s': a match rule must be a mapping of types, sources, props", j->id);
			continue;
		}
		check_keys(r, m, "a match rule", keys);
		strlist(r, bt_ynode_get(m, "types"), "match types", &rule->types);
		strlist(r, bt_ynode_get(m, "sources"), "match sources", &rule->sources);
		const struct bt_ynode *props = bt_ynode_get(m, "props");
		if (props && props->kind != BT_YMAP)
			problem(r, props, "match props must be a mapping of key to value");
		else if (props && props->n) {
			rule->prop_keys.v = bt__calloc(props->n, sizeof(char *));
			rule->prop_values.v = bt__calloc(props->n, sizeof(char *));
			if (!rule->prop_keys.v || !rule->prop_values.v) {
				r->nomem = 1;
				continue;
			}
			for (size_t k = 0; k < props->n; k++) {
				char *v = scalar(r, props->kids[k], "a props value", 1, props);
				if (!v)
					continue;
				rule->prop_keys.v[rule->prop_keys.n++] = dup_text(r, props->keys[k]->text);
				rule->prop_values.v[rule->prop_values.n++] = v;
			}
		}
		if (!rule->types.n && !rule->sources.n && !rule->prop_keys.n)
			problem(r, m, "journey '%s': a match rule needs types, sources or props", j->id);
	}
}

static void read_stages(struct reader *r, const struct bt_ynode *n, struct bt_cfg_journey *j)
{
	static const char *const keys[] = {"id", "types", "sla", NULL};
	if (!n || bt_ynode_is_null(n))
		return;
	if (n->kind != BT_YSEQ) {
		problem(r, n, "journey '%s': 'stages' must be a list", j->id);
		return;
	}
	if (!(j->stages = bt__calloc(n->n ? n->n : 1, sizeof(*j->stages)))) {
		r->nomem = 1;
		return;
	}
	for (size_t i = 0; i < n->n; i++) {
		const struct bt_ynode *s = n->kids[i];
		if (s->kind != BT_YMAP) {
			problem(r, s, "journey '%s': a stage must be a mapping with an id", j->id);
			continue;
		}
		check_keys(r, s, "a stage", keys);
		struct bt_cfg_stage *st = &j->stages[j->nstages];
		st->id = read_id(r, s, "stage", j->stages, sizeof(*st), j->nstages);
		strlist(r, bt_ynode_get(s, "types"), "stage types", &st->types);
		st->sla_ms = duration(r, bt_ynode_get(s, "sla"), "stage sla", 0);
		if (st->id)
			j->nstages++;
		else /* not kept: the next stage takes its place */
			free_list(&st->types);
	}
}

const char *const bt_esc_names[BT_ESC__COUNT] = {
	"promise_broken", "stage_sla_breached", "handoff_late", "handoff_failed",
	"promise_due",    "unowned",            "collision",    "followup_overdue"};

static void esc_free(struct bt_cfg_escalation *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		bt__free(v[i].to), bt__free(v[i].then_to);
	bt__free(v);
}

/* Is `to` someone an escalation can reach in c (for journey j; NULL: the
 * configuration's own rules)?  NULL when it is, else why not. */
static const char *esc_to_problem(const struct bt_config *c, const struct bt_cfg_journey *j,
				  const char *to, int on)
{
	if (!strcmp(to, "owner"))
		return !j && on == BT_ESC_UNOWNED ? "unowned work has no owner to tell: send it to "
						    "steering or a person"
						  : NULL;
	if (!strcmp(to, "steering"))
		return c->steering.n ? NULL : "there is no steering group (steering: [person, ...])";
	return bt_config_person(c, to) ? NULL : "not 'owner', 'steering' or one of the people";
}

/* The rules of one `escalations:` list (of journey j; NULL: the top
 * level's), into *out. */
static void read_escalations(struct reader *r, const struct bt_ynode *n, struct bt_config *c,
			     const struct bt_cfg_journey *j, struct bt_cfg_escalation **out,
			     size_t *nout)
{
	static const char *const keys[] = {"on", "after", "to", "then", NULL};
	static const char *const then_keys[] = {"after", "to", NULL};
	const char *where = j ? j->id : "the configuration";
	if (!n || bt_ynode_is_null(n))
		return;
	if (n->kind != BT_YSEQ) {
		problem(r, n, "%s: escalations must be a list of {on, after, to, then}", where);
		return;
	}
	if (!(*out = bt__calloc(n->n ? n->n : 1, sizeof(**out)))) {
		r->nomem = 1;
		return;
	}
	for (size_t i = 0; i < n->n; i++) {
		const struct bt_ynode *e = n->kids[i];
		struct bt_cfg_escalation *x = &(*out)[*nout];
		if (e->kind != BT_YMAP) {
			problem(r, e, "%s: an escalation must be a mapping {on, after, to, then}", where);
			continue;
		}
		check_keys(r, e, "an escalation", keys);
		char *on = scalar(r, bt_ynode_get(e, "on"), "on", 1, e);
		x->on = -1;
		for (int k = 0; on && k < BT_ESC__COUNT; k++)
			if (!strcmp(on, bt_esc_names[k]))
				x->on = k;
		if (on && x->on < 0)
			problem(r, bt_ynode_get(e, "on"), "%s: escalation on '%s': not one of promise_broken, "
				"stage_sla_breached, handoff_late, handoff_failed, promise_due, unowned, collision, followup_overdue",
				where, on);
		for (size_t k = 0; on && x->on >= 0 && k < *nout; k++)
			if ((*out)[k].on == x->on)
				problem(r, bt_ynode_get(e, "on"), "%s: two escalations on %s", where, on);
		bt__free(on);
		const struct bt_ynode *after = bt_ynode_get(e, "after");
		x->after_ms = after && after->kind == BT_YSCALAR && after->len == 2 && !memcmp(after->text, "0s", 2)
				      ? 0
				      : duration(r, after, "an escalation's after", 0);
		x->to = scalar(r, bt_ynode_get(e, "to"), "to", 1, e);
		const char *why = x->to ? esc_to_problem(c, j, x->to, x->on) : NULL;
		if (why)
			problem(r, bt_ynode_get(e, "to"), "%s: escalation to '%s': %s", where, x->to, why);
		x->then_ms = -1;
		const struct bt_ynode *then = bt_ynode_get(e, "then");
		if (then && !bt_ynode_is_null(then)) {
			if (then->kind != BT_YMAP) {
				problem(r, then, "%s: then must be {after, to}", where);
			} else {
				check_keys(r, then, "an escalation's then", then_keys);
				x->then_ms = duration(r, bt_ynode_get(then, "after"), "then's after", 0);
				if (!bt_ynode_get(then, "after"))
					problem(r, then, "%s: then needs an after: how long the escalation may "
							 "stay open before it moves", where);
				x->then_to = scalar(r, bt_ynode_get(then, "to"), "then's to", 1, then);
				why = x->then_to ? esc_to_problem(c, j, x->then_to, x->on) : NULL;
				if (why)
					problem(r, bt_ynode_get(then, "to"), "%s: escalation then to '%s': %s",
						where, x->then_to, why);
			}
		}
		if (x->on >= 0 && x->to)
			++*nout;
		else
			bt__free(x->to), bt__free(x->then_to), memset(x, 0, sizeof(*x));
	}
}

static void read_consistency(struct reader *r, const struct bt_ynode *n, int64_t *rate, int64_t *csat);

/* The words of followup_triggers, in the file as through the API (a rule
 * read back must set again, as the stored rules are at every load): at
 * most this many, each at most this many bytes. */
#define TRIGGER_WORDS_MAX 200
#define TRIGGER_WORD_MAX 60

/* A trigger threshold: a whole number in [lo, hi]. */
static void trigger_threshold(struct reader *r, const struct bt_ynode *n, const char *what, int lo, int hi,
		      int *out)
{
	if (!n || bt_ynode_is_null(n))
		return;
	const char *t = bt_ynode_text(n);
	char *end = NULL;
	long v = t && *t ? strtol(t, &end, 10) : 0;
	if (!t || !*t || *end || v < lo || v > hi) {
		problem(r, n, "followup_triggers: %s must be a whole number from %d to %d", what, lo, hi);
		return;
	}
	*out = (int)v;
}

/* followup_triggers: {csat_max, nps_max, ces_min, words} over t's values. */
static void read_triggers(struct reader *r, const struct bt_ynode *n, struct bt_cfg_triggers *t)
{
	static const char *const keys[] = {"csat_max", "nps_max", "ces_min", "words", NULL};
	if (!n || bt_ynode_is_null(n))
		return;
	if (n->kind != BT_YMAP) {
		problem(r, n, "followup_triggers must be a mapping of csat_max, nps_max, ces_min, words");
		return;
	}
	check_keys(r, n, "followup_triggers", keys);
	trigger_threshold(r, bt_ynode_get(n, "csat_max"), "csat_max", 0, 5, &t->csat_max);
	trigger_threshold(r, bt_ynode_get(n, "nps_max"), "nps_max", -1, 10, &t->nps_max);
	trigger_threshold(r, bt_ynode_get(n, "ces_min"), "ces_min", 1, 8, &t->ces_min);
	const struct bt_ynode *w = bt_ynode_get(n, "words");
	if (w) {
		strlist(r, w, "followup_triggers: words", &t->words);
		t->own_words = 1, t->words_default = 0;
		if (t->words.n > TRIGGER_WORDS_MAX)
			problem(r, w, "followup_triggers: more than %d words", TRIGGER_WORDS_MAX);
		for (size_t i = 0; i < t->words.n; i++) {
			if (strlen(t->words.v[i]) > TRIGGER_WORD_MAX)
				problem(r, w, "followup_triggers: '%.40s...' is longer than %d bytes",
					t->words.v[i], TRIGGER_WORD_MAX);
			for (const char *p = t->words.v[i]; *p; p++)
				if (*p == ' ' || *p == '\t') {
					problem(r, w, "followup_triggers: '%s' is not one word", t->words.v[i]);
					break;
				}
		}
	}
}

/* The configuration's closed-loop defaults (read before the journeys). */
static void read_followups(struct reader *r, const struct bt_ynode *root, struct bt_config *c)
{
	c->followup_sla_ms = duration(r, bt_ynode_get(root, "followup_sla"), "followup_sla",
				      BT_DEFAULT_FOLLOWUP_SLA_MS);
	read_triggers(r, bt_ynode_get(root, "followup_triggers"), &c->triggers);
	c->triggers.own_words = 0;
}

static void read_journeys(struct reader *r, const struct bt_ynode *root, struct bt_config *c)
{
	static const char *const keys[] = {"id", "name", "owner", "match", "opens_on", "stages",
					   "recontact_window", "abandon_after", "handoff_sla",
					   "sensitive", "escalations", "consistency", "followup_sla",
					   "followup_triggers", NULL};
	const struct bt_ynode *seq;
	size_t n = section(r, root, "journeys", &seq);
	if (!n || !(c->journeys = section_array(r, n, sizeof(*c->journeys))))
		return;
	for (size_t i = 0; i < n; i++) {
		const struct bt_ynode *t = seq->kids[i];
		if (t->kind != BT_YMAP) {
			problem(r, t, "a journey must be a mapping with an id");
			continue;
		}
		check_keys(r, t, "a journey", keys);
		struct bt_cfg_journey *j = &c->journeys[c->njourneys];
		j->line = t->line;
		j->id = read_id(r, t, "journey", c->journeys, sizeof(*j), c->njourneys);
		if (!j->id)
			continue;
		j->name = scalar(r, bt_ynode_get(t, "name"), "name", 0, t);
		j->owner = scalar(r, bt_ynode_get(t, "owner"), "journey owner", 0, t);
		if (!j->owner)
			problem(r, t, "journey '%s' needs an owner: the person accountable for it", j->id);
		else if (!bt_config_person(c, j->owner))
			problem(r, bt_ynode_get(t, "owner"),
				"journey '%s': owner '%s' is not one of the people", j->id, j->owner);
		read_rules(r, bt_ynode_get(t, "match"), j);
		strlist(r, bt_ynode_get(t, "opens_on"), "opens_on", &j->opens_on);
		read_stages(r, bt_ynode_get(t, "stages"), j);
		j->recontact_ms = duration(r, bt_ynode_get(t, "recontact_window"), "recontact_window",
					   BT_DEFAULT_RECONTACT_MS);
		j->abandon_ms = duration(r, bt_ynode_get(t, "abandon_after"), "abandon_after",
					 BT_DEFAULT_ABANDON_MS);
		j->handoff_sla_ms = duration(r, bt_ynode_get(t, "handoff_sla"), "handoff_sla",
					     BT_DEFAULT_HANDOFF_SLA_MS);
		j->followup_sla_ms = duration(r, bt_ynode_get(t, "followup_sla"), "followup_sla",
					      c->followup_sla_ms);
		j->triggers = c->triggers;
		j->triggers.words = (struct bt_strlist){NULL, 0};
		j->triggers.own_words = 0;
		read_triggers(r, bt_ynode_get(t, "followup_triggers"), &j->triggers);
		if (j->triggers.own_words && ++r->own_words > 63)
			problem(r, bt_ynode_get(t, "followup_triggers"),
				"journey '%s': at most 63 journeys may have their own followup_triggers words", j->id);
		const struct bt_ynode *s = bt_ynode_get(t, "sensitive");
		if (s && !bt_ynode_is_null(s) && bt_ynode_bool(s, &j->sensitive))
			problem(r, s, "journey '%s': sensitive must be true or false", j->id);
		read_escalations(r, bt_ynode_get(t, "escalations"), c, j, &j->escalations,
				 &j->nescalations);
		j->spread_rate_upp = j->spread_csat_u = -1;
		read_consistency(r, bt_ynode_get(t, "consistency"), &j->spread_rate_upp, &j->spread_csat_u);
		c->njourneys++;
	}
}

/* An identifier type as events name it (docs/events.md), lower-cased in
 * place as identifiers are; 0 when it cannot be one. */
static int ident_type(char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 32)
		return 0;
	for (; *s; s++) {
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
		else if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
			   *s == '-' || *s == '.'))
			return 0;
	}
	return 1;
}

/* may_link: the identifier types the touchpoint's events may link. */
static void read_may_link(struct reader *r, const struct bt_ynode *n, struct bt_cfg_touchpoint *tp)
{
	if (!n || bt_ynode_is_null(n))
		return;
	strlist(r, n, "may_link", &tp->may_link);
	if (n->kind == BT_YSEQ && n->n == 0)
		problem(r, n, "touchpoint '%s': may_link must name at least one identifier type "
			      "(leave it out to let the touchpoint link every type)", tp->id);
	for (size_t i = 0; i < tp->may_link.n; i++)
		if (!ident_type(tp->may_link.v[i]))
			problem(r, n, "touchpoint '%s': may_link: '%s' is not an identifier type "
				      "(letters, digits, '_', '-' and '.')", tp->id, tp->may_link.v[i]);
}

static void read_touchpoints(struct reader *r, const struct bt_ynode *root, struct bt_config *c)
{
	static const char *const keys[] = {"id", "name", "channel", "team", "technology",
					   "integration", "customer_data", "interaction_data",
					   "shared_identifiers", "restrictions", "declared_level",
					   "may_link", NULL};
	const struct bt_ynode *seq;
	size_t n = section(r, root, "touchpoints", &seq);
	if (!n || !(c->touchpoints = section_array(r, n, sizeof(*c->touchpoints))))
		return;
	for (size_t i = 0; i < n; i++) {
		const struct bt_ynode *t = seq->kids[i];
		if (t->kind != BT_YMAP) {
			problem(r, t, "a touchpoint must be a mapping with an id");
			continue;
		}
		check_keys(r, t, "a touchpoint", keys);
		struct bt_cfg_touchpoint *tp = &c->touchpoints[c->ntouchpoints];
		tp->id = read_id(r, t, "touchpoint", c->touchpoints, sizeof(*tp), c->ntouchpoints);
		if (!tp->id)
			continue;
		tp->name = scalar(r, bt_ynode_get(t, "name"), "name", 0, t);
		tp->channel = scalar(r, bt_ynode_get(t, "channel"), "channel", 0, t);
		if (tp->channel && bt__channel_of(tp->channel) == BT_CH_NONE)
			problem(r, bt_ynode_get(t, "channel"),
				"touchpoint '%s': channel '%s' is not one of: web app chat voice "
				"email sms store social other",
				tp->id, tp->channel);
		tp->team = scalar(r, bt_ynode_get(t, "team"), "team", 0, t);
		if (tp->team && !has_team(c, tp->team))
			problem(r, bt_ynode_get(t, "team"), "touchpoint '%s': unknown team '%s'", tp->id,
				tp->team);
		tp->technology = scalar(r, bt_ynode_get(t, "technology"), "technology", 0, t);
		tp->integration = scalar(r, bt_ynode_get(t, "integration"), "integration", 0, t);
		strlist(r, bt_ynode_get(t, "customer_data"), "customer_data", &tp->customer_data);
		strlist(r, bt_ynode_get(t, "interaction_data"), "interaction_data", &tp->interaction_data);
		strlist(r, bt_ynode_get(t, "shared_identifiers"), "shared_identifiers",
			&tp->shared_identifiers);
		for (size_t k = 0; k < tp->shared_identifiers.n; k++)
			if (!ident_type(tp->shared_identifiers.v[k]))
				problem(r, bt_ynode_get(t, "shared_identifiers"),
					"touchpoint '%s': shared_identifiers: '%s' is not an identifier "
					"type (letters, digits, '_', '-' and '.')",
					tp->id, tp->shared_identifiers.v[k]);
		strlist(r, bt_ynode_get(t, "restrictions"), "restrictions", &tp->restrictions);
		read_may_link(r, bt_ynode_get(t, "may_link"), tp);
		const struct bt_ynode *lv = bt_ynode_get(t, "declared_level");
		if (lv && !bt_ynode_is_null(lv)) {
			/* 1, 2, 3 or the audit's names L1, L2, L3 */
			const char *v = lv->kind == BT_YSCALAR ? lv->text : "";
			if (lv->kind == BT_YSCALAR && lv->len == 2 && (v[0] == 'L' || v[0] == 'l'))
				v++;
			if (strlen(v) != 1 || v[0] < '1' || v[0] > '3')
				problem(r, lv, "touchpoint '%s': declared_level must be 1, 2 or 3 "
					       "(or L1, L2, L3)", tp->id);
			else
				tp->declared_level = v[0] - '0';
		}
		c->ntouchpoints++;
	}
}

static void read_purposes(struct reader *r, const struct bt_ynode *root, struct bt_config *c)
{
	static const char *const keys[] = {"id", "aliases", NULL};
	const struct bt_ynode *seq;
	size_t n = section(r, root, "purposes", &seq);
	if (!n || !(c->purposes = section_array(r, n, sizeof(*c->purposes))))
		return;
	for (size_t i = 0; i < n; i++) {
		const struct bt_ynode *t = seq->kids[i];
		if (t->kind != BT_YMAP) {
			problem(r, t, "a purpose must be a mapping with an id");
			continue;
		}
		check_keys(r, t, "a purpose", keys);
		struct bt_cfg_purpose *p = &c->purposes[c->npurposes];
		p->id = read_id(r, t, "purpose", c->purposes, sizeof(*p), c->npurposes);
		if (!p->id)
			continue;
		const struct bt_ynode *al = bt_ynode_get(t, "aliases");
		strlist(r, al, "aliases", &p->aliases);
		c->npurposes++;
		/* a name stands for one purpose only */
		for (size_t a = 0; a < p->aliases.n; a++) {
			const char *other = bt_config_purpose(c, p->aliases.v[a], strlen(p->aliases.v[a]));
			if (strcmp(p->aliases.v[a], p->id) == 0 || (other && strcmp(other, p->id)))
				problem(r, al, "purpose '%s': the alias '%s' already names purpose '%s'",
					p->id, p->aliases.v[a], other ? other : p->id);
		}
		for (size_t k = 0; k + 1 < c->npurposes; k++)
			for (size_t a = 0; a < c->purposes[k].aliases.n; a++)
				if (strcmp(c->purposes[k].aliases.v[a], p->id) == 0)
					problem(r, bt_ynode_get(t, "id"),
						"purpose id '%s' is already an alias of purpose '%s'", p->id,
						c->purposes[k].id);
	}
}

/* The purposes when none are configured. */
static char *default_aliases[] = {"promotion", "newsletter"};
static const struct bt_cfg_purpose default_purposes[] = {
	{"marketing", {default_aliases, 2}},
	{"service", {NULL, 0}},
};

static const struct bt_cfg_purpose *purposes_of(const struct bt_config *c, size_t *n)
{
	if (c && c->npurposes) {
		*n = c->npurposes;
		return c->purposes;
	}
	*n = sizeof(default_purposes) / sizeof(default_purposes[0]);
	return default_purposes;
}

const char *bt_config_purpose(const struct bt_config *c, const char *s, size_t len)
{
	size_t n;
	const struct bt_cfg_purpose *p = purposes_of(c, &n);
	for (size_t i = 0; i < n; i++) {
		if (strlen(p[i].id) == len && !memcmp(p[i].id, s, len))
			return p[i].id;
		for (size_t a = 0; a < p[i].aliases.n; a++)
			if (strlen(p[i].aliases.v[a]) == len && !memcmp(p[i].aliases.v[a], s, len))
				return p[i].id;
	}
	return NULL;
}

size_t bt_config_purpose_names(const struct bt_config *c, const char **names, size_t max,
			       size_t *nids)
{
	size_t n, k = 0;
	const struct bt_cfg_purpose *p = purposes_of(c, &n);
	for (size_t i = 0; i < n && k < max; i++)
		names[k++] = p[i].id;
	*nids = k;
	for (size_t i = 0; i < n; i++)
		for (size_t a = 0; a < p[i].aliases.n && k < max; a++)
			names[k++] = p[i].aliases.v[a];
	return k;
}

static void read_identity(struct reader *r, const struct bt_ynode *root, struct bt_config *c)
{
	static const char *const keys[] = {"junk_values", "limits", "max_profile_size", NULL};
	const struct bt_ynode *id = bt_ynode_get(root, "identity");
	if (!id || bt_ynode_is_null(id))
		return;
	if (id->kind != BT_YMAP) {
		problem(r, id, "'identity' must be a mapping");
		return;
	}
	check_keys(r, id, "identity", keys);
	const struct bt_ynode *junk = bt_ynode_get(id, "junk_values");
	strlist(r, junk, "junk_values", &c->junk);
	for (size_t i = 0; i < c->junk.n; i++)
		if (strspn(c->junk.v[i], "*") == strlen(c->junk.v[i]))
			problem(r, junk, "junk value '%s' would refuse every identifier", c->junk.v[i]);
	const struct bt_ynode *lim = bt_ynode_get(id, "limits");
	if (lim && lim->kind != BT_YMAP)
		problem(r, lim, "identity limits must be a mapping of identifier type to a number");
	else if (lim && lim->n) {
		if (lim->n > 8)
			problem(r, lim, "at most 8 identifier types can have limits");
		else if (!(c->limits = bt__calloc(lim->n, sizeof(*c->limits))))
			r->nomem = 1;
		for (size_t i = 0; c->limits && i < lim->n; i++) {
			char *end;
			const struct bt_ynode *v = lim->kids[i];
			long x = v->kind == BT_YSCALAR ? strtol(v->text, &end, 10) : -1;
			if (v->kind != BT_YSCALAR || *end || x < 1 || x > 255) {
				problem(r, v, "limit of '%s' must be a number from 1 to 255", lim->keys[i]->text);
				continue;
			}
			c->limits[c->nlimits].type = dup_text(r, lim->keys[i]->text);
			c->limits[c->nlimits++].max = (uint32_t)x;
		}
	}
	const struct bt_ynode *mx = bt_ynode_get(id, "max_profile_size");
	if (mx && !bt_ynode_is_null(mx)) {
		char *end;
		long x = mx->kind == BT_YSCALAR ? strtol(mx->text, &end, 10) : -1;
		if (mx->kind != BT_YSCALAR || *end || x < 1 || x > 100000)
			problem(r, mx, "max_profile_size must be a number from 1 to 100000");
		else
			c->max_profile_size = (uint32_t)x;
	}
}

static void read_webhooks(struct reader *r, const struct bt_ynode *root, struct bt_config *c)
{
	static const char *const keys[] = {"allow_private", NULL};
	const struct bt_ynode *w = bt_ynode_get(root, "webhooks");
	if (!w || bt_ynode_is_null(w))
		return;
	if (w->kind != BT_YMAP) {
		problem(r, w, "'webhooks' must be a mapping");
		return;
	}
	check_keys(r, w, "webhooks", keys);
	const struct bt_ynode *a = bt_ynode_get(w, "allow_private");
	if (a && !bt_ynode_is_null(a) && bt_ynode_bool(a, &c->webhooks_allow_private))
		problem(r, a, "webhooks: allow_private must be true or false");
}

/* retention: {events:, dead_letters:, webhook_deliveries: DURATION}, how
 * long each data set is kept (docs/retention.md); absent: for ever. */
static void read_retention(struct reader *r, const struct bt_ynode *root, struct bt_config *c)
{
	static const char *const keys[] = {"events", "dead_letters", "webhook_deliveries", NULL};
	const struct bt_ynode *w = bt_ynode_get(root, "retention");
	if (!w || bt_ynode_is_null(w))
		return;
	if (w->kind != BT_YMAP) {
		problem(r, w, "'retention' must be a mapping of data sets to durations");
		return;
	}
	check_keys(r, w, "retention", keys);
	c->retain_events_ms = duration(r, bt_ynode_get(w, "events"), "retention: events", 0);
	c->retain_dead_ms = duration(r, bt_ynode_get(w, "dead_letters"), "retention: dead_letters", 0);
	c->retain_deliveries_ms = duration(r, bt_ynode_get(w, "webhook_deliveries"),
					   "retention: webhook_deliveries", 0);
}

/* changes: {notice: DURATION}, the change calendar's webhook notice. */
static void read_changes(struct reader *r, const struct bt_ynode *root, struct bt_config *c)
{
	static const char *const keys[] = {"notice", NULL};
	const struct bt_ynode *w = bt_ynode_get(root, "changes");
	if (!w || bt_ynode_is_null(w))
		return;
	if (w->kind != BT_YMAP) {
		problem(r, w, "'changes' must be a mapping");
		return;
	}
	check_keys(r, w, "changes", keys);
	const struct bt_ynode *n = bt_ynode_get(w, "notice");
	if (n && !bt_ynode_is_null(n))
		c->change_notice_ms = duration(r, n, "changes: notice", 0);
}
const char *const bt_followup_default_words[] = {"cancel", "complaint", "complain",
						 "unacceptable", "terrible", NULL};

int bt_config_empty(struct bt_config **out)
{
	*out = bt__calloc(1, sizeof(**out));
	if (!*out)
		return BT_ENOMEM;
	(*out)->spread_rate_upp = 10 * BT_MICRO;
	(*out)->spread_csat_u = BT_MICRO / 2;
	(*out)->value_days = 90;
	(*out)->followup_sla_ms = BT_DEFAULT_FOLLOWUP_SLA_MS;
	(*out)->triggers = (struct bt_cfg_triggers){2, 6, 6, {NULL, 0}, 0, 1};
	return 0;
}

size_t bt_config_followup_words(const struct bt_config *c, const struct bt_cfg_journey *j,
				const char *const **v, unsigned *list)
{
	*list = 0;
	if (c && j && j->triggers.own_words) {
		for (size_t k = 0; k < c->njourneys && &c->journeys[k] != j; k++)
			*list += c->journeys[k].triggers.own_words;
		++*list;
		*v = (const char *const *)j->triggers.words.v;
		return j->triggers.words.n;
	}
	if (c && !c->triggers.words_default) {
		*v = (const char *const *)c->triggers.words.v;
		return c->triggers.words.n;
	}
	size_t n = 0;
	while (bt_followup_default_words[n])
		n++;
	*v = bt_followup_default_words;
	return n;
}

/* A threshold in millionths: a number, for rates with "pp" or "%" after. */
static void threshold(struct reader *r, const struct bt_ynode *n, const char *what, int rate,
		      int64_t *out)
{
	size_t len = n ? n->len : 0;
	int64_t v;
	if (!n || bt_ynode_is_null(n))
		return;
	if (rate && len > 2 && !strcmp(n->text + len - 2, "pp"))
		len -= 2;
	else if (rate && len > 1 && n->text[len - 1] == '%')
		len -= 1;
	while (len && n->text[len - 1] == ' ')
		len--;
	if (n->kind != BT_YSCALAR || bt__micro_parse(n->text, len, &v) || v < 0)
		problem(r, n, "consistency: %s must be a number at least 0%s", what,
			rate ? " (percentage points: 10pp)" : "");
	else
		*out = v;
}

/* consistency: {max_spread_rate, max_spread_csat}, at the top or in a journey. */
static void read_consistency(struct reader *r, const struct bt_ynode *n, int64_t *rate, int64_t *csat)
{
	static const char *const keys[] = {"max_spread_rate", "max_spread_csat", NULL};
	if (!n || bt_ynode_is_null(n))
		return;
	if (n->kind != BT_YMAP) {
		problem(r, n, "'consistency' must be a mapping {max_spread_rate, max_spread_csat}");
		return;
	}
	check_keys(r, n, "consistency", keys);
	threshold(r, bt_ynode_get(n, "max_spread_rate"), "max_spread_rate", 1, rate);
	threshold(r, bt_ynode_get(n, "max_spread_csat"), "max_spread_csat", 0, csat);
}

/* consistency (read_consistency) and value: {revenue, churn, days}. */
static void read_insight(struct reader *r, const struct bt_ynode *root, struct bt_config *c)
{
	static const char *const vkeys[] = {"revenue", "churn", "days", NULL};
	const struct bt_ynode *n = bt_ynode_get(root, "consistency");
	read_consistency(r, n, &c->spread_rate_upp, &c->spread_csat_u);
	n = bt_ynode_get(root, "value");
	if (!n || bt_ynode_is_null(n))
		return;
	if (n->kind != BT_YMAP) {
		problem(r, n, "'value' must be a mapping {revenue, churn, days}");
		return;
	}
	check_keys(r, n, "value", vkeys);
	char *rev = scalar(r, bt_ynode_get(n, "revenue"), "value: revenue", 0, n);
	if (rev && (strncmp(rev, "props.", 6) || !rev[6] || strchr(rev + 6, '.'))) {
		problem(r, bt_ynode_get(n, "revenue"), "value: revenue must name a field of props: props.revenue");
		bt__free(rev);
	} else if (rev) {
		memmove(rev, rev + 6, strlen(rev + 6) + 1);
		c->value_revenue = rev;
	}
	strlist(r, bt_ynode_get(n, "churn"), "value: churn", &c->value_churn);
	const struct bt_ynode *d = bt_ynode_get(n, "days");
	if (d && !bt_ynode_is_null(d)) {
		char *end = NULL;
		long x = d->kind == BT_YSCALAR ? strtol(d->text, &end, 10) : 0;
		if (!end || *end || x < 1 || x > 3660)
			problem(r, d, "value: days must be a whole number of days from 1 to 3660");
		else
			c->value_days = x;
	}
}

/* steering: the people an escalation moves up to. */
static void read_steering(struct reader *r, const struct bt_ynode *root, struct bt_config *c)
{
	const struct bt_ynode *n = bt_ynode_get(root, "steering");
	if (!n || bt_ynode_is_null(n))
		return;
	strlist(r, n, "steering", &c->steering);
	for (size_t i = 0; i < c->steering.n; i++)
		if (!bt_config_person(c, c->steering.v[i]))
			problem(r, n, "steering: '%s' is not one of the people", c->steering.v[i]);
}

int bt_config_parse(const char *name, const char *text, size_t len, struct bt_config **out,
		    bt_config_problem_fn problem_fn, void *ctx, struct bt_err *err)
{
	static const char *const keys[] = {"teams",    "people",   "journeys",    "touchpoints",
					   "purposes", "identity", "steering",    "escalations",
					   "webhooks", "consistency", "value", "changes", "followup_sla",
					   "followup_triggers", "retention", NULL};
	struct reader r = {name, NULL, 0, 0, 0, 0};
	struct bt_ynode *root = NULL;
	struct bt_config *c = NULL;
	int rc;
	*out = NULL;
	if ((rc = bt_yaml_load_buf(name, text, len, &root, err))) {
		if (problem_fn)
			problem_fn(ctx, 0, err->msg);
		return rc;
	}
	if ((rc = bt_config_empty(&c)))
		goto out;
	if (root->kind != BT_YMAP && !(root->kind == BT_YSCALAR && root->len == 0)) {
		problem(&r, root, "the configuration must be a mapping of teams, people, journeys, "
				  "touchpoints and identity");
	} else {
		check_keys(&r, root, "the configuration", keys);
		read_teams(&r, root, c);
		read_people(&r, root, c);
		read_steering(&r, root, c);
		read_followups(&r, root, c);
		read_journeys(&r, root, c);
		read_escalations(&r, bt_ynode_get(root, "escalations"), c, NULL, &c->escalations,
				 &c->nescalations);
		read_touchpoints(&r, root, c);
		read_purposes(&r, root, c);
		read_identity(&r, root, c);
		read_webhooks(&r, root, c);
		read_insight(&r, root, c);
		read_changes(&r, root, c);
		read_retention(&r, root, c);
	}
	c->source = bt__strndup(text, len);
	c->name = bt__strndup(name, strlen(name));
	report_problems(&r, problem_fn, ctx, err);
	if (r.nomem || !c->source || !c->name)
		rc = bt_err_set(err, BT_ENOMEM, "out of memory");
	else if (r.nproblems)
		rc = BT_EINVAL;
out:
	bt_yaml_free(root);
	if (rc)
		bt_config_free(c);
	else
		*out = c;
	return rc;
}

int bt_config_load_file(const char *path, struct bt_config **out, bt_config_problem_fn problem_fn,
			void *ctx, struct bt_err *err)
{
	FILE *f = fopen(path, "rb");
	char buf[65536];
	struct bt_buf text = BT_BUF_INIT;
	size_t got;
	int rc = 0;
	*out = NULL;
	if (!f)
		return bt_err_set(err, BT_ENOTFOUND, "cannot read '%s'", path);
	text.max = BT_YAML_MAX_BYTES + 1;
	while (!rc && (got = fread(buf, 1, sizeof(buf), f)) > 0)
		rc = bt_buf_add(&text, buf, got);
	fclose(f);
	if (rc == BT_ELIMIT)
		rc = bt_err_set(err, rc, "'%s' is larger than %zu bytes", path, BT_YAML_MAX_BYTES);
	if (!rc)
		rc = bt_config_parse(path, text.data ? text.data : "", text.len, out, problem_fn, ctx, err);
	bt_buf_release(&text);
	return rc;
}

void bt_config_free(struct bt_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nteams; i++) {
		bt__free(c->teams[i].id);
		bt__free(c->teams[i].name);
	}
	bt__free(c->teams);
	for (size_t i = 0; i < c->npeople; i++) {
		struct bt_cfg_person *p = &c->people[i];
		bt__free(p->id), bt__free(p->name), bt__free(p->team), bt__free(p->email);
	}
	bt__free(c->people);
	for (size_t i = 0; i < c->njourneys; i++) {
		struct bt_cfg_journey *j = &c->journeys[i];
		bt__free(j->id), bt__free(j->name), bt__free(j->owner);
		for (size_t k = 0; k < j->nrules; k++) {
			free_list(&j->rules[k].types);
			free_list(&j->rules[k].sources);
			free_list(&j->rules[k].prop_keys);
			free_list(&j->rules[k].prop_values);
		}
		bt__free(j->rules);
		free_list(&j->opens_on);
		for (size_t k = 0; k < j->nstages; k++) {
			bt__free(j->stages[k].id);
			free_list(&j->stages[k].types);
		}
		bt__free(j->stages);
		esc_free(j->escalations, j->nescalations);
		free_list(&j->triggers.words);
	}
	bt__free(c->journeys);
	free_list(&c->triggers.words);
	esc_free(c->escalations, c->nescalations);
	free_list(&c->steering);
	bt__free(c->value_revenue);
	free_list(&c->value_churn);
	for (size_t i = 0; i < c->ntouchpoints; i++) {
		struct bt_cfg_touchpoint *t = &c->touchpoints[i];
		bt__free(t->id), bt__free(t->name), bt__free(t->channel), bt__free(t->team);
		bt__free(t->technology), bt__free(t->integration);
		free_list(&t->customer_data), free_list(&t->interaction_data);
		free_list(&t->shared_identifiers), free_list(&t->restrictions);
		free_list(&t->may_link);
	}
	bt__free(c->touchpoints);
	for (size_t i = 0; i < c->npurposes; i++) {
		bt__free(c->purposes[i].id);
		free_list(&c->purposes[i].aliases);
	}
	bt__free(c->purposes);
	free_list(&c->junk);
	for (size_t i = 0; i < c->nlimits; i++)
		bt__free(c->limits[i].type);
	bt__free(c->limits);
	bt__free(c->source);
	bt__free(c->name);
	bt__free(c);
}

const struct bt_cfg_journey *bt_config_journey(const struct bt_config *c, const char *id)
{
	for (size_t i = 0; c && i < c->njourneys; i++)
		if (strcmp(c->journeys[i].id, id) == 0)
			return &c->journeys[i];
	return NULL;
}

const struct bt_cfg_person *bt_config_person(const struct bt_config *c, const char *id)
{
	for (size_t i = 0; c && i < c->npeople; i++)
		if (strcmp(c->people[i].id, id) == 0)
			return &c->people[i];
	return NULL;
}

const struct bt_cfg_touchpoint *bt_config_touchpoint(const struct bt_config *c, const char *id)
{
	for (size_t i = 0; c && i < c->ntouchpoints; i++)
		if (strcmp(c->touchpoints[i].id, id) == 0)
			return &c->touchpoints[i];
	return NULL;
}

/* ---- the rules an owner may change ---- */

static const char *const plain_rules[] = {"handoff_sla", "recontact_window", "abandon_after",
					  "sensitive", "escalations", "followup_sla",
					  "followup_triggers"};
#define NPLAIN (sizeof(plain_rules) / sizeof(plain_rules[0]))

/* The stage of j that field "stages.ID.sla" names, or NULL. */
static struct bt_cfg_stage *stage_field(const struct bt_cfg_journey *j, const char *field)
{
	size_t n = strlen(field);
	if (strncmp(field, "stages.", 7) || n < 12 || strcmp(field + n - 4, ".sla"))
		return NULL;
	for (size_t s = 0; s < j->nstages; s++)
		if (strlen(j->stages[s].id) == n - 11 && !strncmp(field + 7, j->stages[s].id, n - 11))
			return &j->stages[s];
	return NULL;
}

static int64_t *window_field(struct bt_cfg_journey *j, const char *field)
{
	if (!strcmp(field, "handoff_sla"))
		return &j->handoff_sla_ms;
	if (!strcmp(field, "recontact_window"))
		return &j->recontact_ms;
	if (!strcmp(field, "abandon_after"))
		return &j->abandon_ms;
	if (!strcmp(field, "followup_sla"))
		return &j->followup_sla_ms;
	return NULL;
}

int bt_config_rule_field(const struct bt_config *c, const char *journey, size_t i, char out[160])
{
	const struct bt_cfg_journey *j = bt_config_journey(c, journey);
	if (!j)
		return BT_ENOTFOUND;
	if (i < NPLAIN) {
		snprintf(out, 160, "%s", plain_rules[i]);
		return 0;
	}
	i -= NPLAIN;
	if (i >= j->nstages)
		return BT_ENOTFOUND;
	snprintf(out, 160, "stages.%.120s.sla", j->stages[i].id);
	return 0;
}

static char *text_of(const char *s)
{
	return bt__strndup(s, strlen(s));
}

/* A list of escalation rules as the canonical JSON text the audit keeps. */
static int esc_json(const struct bt_cfg_escalation *v, size_t n, struct bt_buf *b)
{
	char d[40];
	int rc = bt_buf_addc(b, '[');
	for (size_t i = 0; i < n && !rc; i++) {
		bt_duration_format(v[i].after_ms, d);
		rc = bt_buf_printf(b, "%s{\"on\":\"%s\",\"after\":\"%s\",\"to\":", i ? "," : "",
				   bt_esc_names[v[i].on], d);
		rc = rc ? rc : bt_buf_json_strz(b, v[i].to);
		if (!rc && v[i].then_ms >= 0) {
			bt_duration_format(v[i].then_ms, d);
			rc = bt_buf_printf(b, ",\"then\":{\"after\":\"%s\",\"to\":", d);
			rc = rc ? rc : bt_buf_json_strz(b, v[i].then_to);
			rc = rc ? rc : bt_buf_addc(b, '}');
		}
		rc = rc ? rc : bt_buf_addc(b, '}');
	}
	return rc ? rc : bt_buf_addc(b, ']');
}

/* A duration member of an escalation in JSON ("0s" allowed). */
static int esc_duration(const struct bt_json_doc *d, uint32_t obj, const char *key, int64_t *ms,
			struct bt_err *err)
{
	uint32_t v = bt_json_get(d, obj, key);
	*ms = 0;
	if (!v)
		return 0;
	if (d->nodes[v].type != BT_JSON_STRING ||
	    (strcmp(d->nodes[v].s, "0s") &&
	     (bt_time_parse_duration(d->nodes[v].s, d->nodes[v].len, ms) || *ms <= 0)))
		return bt_err_set(err, BT_EINVAL, "escalations: %s must be a duration like 4h", key);
	return 0;
}

/* on, to or then's to: as long as the file's values may be (scalar), so
 * that escalations read back set again, as the stored rules are at every
 * load */
static int esc_string(const struct bt_json_doc *d, uint32_t obj, const char *key, char **out,
		      struct bt_err *err)
{
	uint32_t v = bt_json_get(d, obj, key);
	if (!v || d->nodes[v].type != BT_JSON_STRING || !d->nodes[v].len ||
	    d->nodes[v].len > BT_EVENT_MAX_STR)
		return bt_err_set(err, BT_EINVAL, "escalations: each needs %s", key);
	return (*out = bt__strndup(d->nodes[v].s, d->nodes[v].len)) ? 0 : BT_ENOMEM;
}

/* The escalation rules of JSON text into *out (checked against c, for j). */
static int esc_parse(const struct bt_config *c, const struct bt_cfg_journey *j, const char *text,
		     struct bt_cfg_escalation **out, size_t *nout, struct bt_err *err)
{
	struct bt_json_doc d;
	int rc;
	*out = NULL, *nout = 0;
	bt_json_doc_init(&d);
	d.max_nodes = 2048;
	if ((rc = bt_json_parse(&d, text, strlen(text), 6, err)) ||
	    (d.nodes[0].type != BT_JSON_ARRAY &&
	     (rc = bt_err_set(err, BT_EINVAL, "escalations must be a list of {on, after, to, then}"))) ||
	    !(*out = bt__calloc(d.nodes[0].len + 1, sizeof(**out)))) {
		bt_json_doc_release(&d);
		return rc ? (rc == BT_ELIMIT ? BT_EINVAL : rc) : BT_ENOMEM;
	}
	for (uint32_t k = 1; !rc && k < d.nodes[0].end; k = d.nodes[k].end) {
		struct bt_cfg_escalation *x = &(*out)[*nout];
		char *on = NULL;
		uint32_t then = d.nodes[k].type == BT_JSON_OBJECT ? bt_json_get(&d, k, "then") : 0;
		x->on = -1, x->then_ms = -1;
		if (d.nodes[k].type != BT_JSON_OBJECT) {
			rc = bt_err_set(err, BT_EINVAL, "escalations: each must be {on, after, to, then}");
			break;
		}
		for (uint32_t m = k + 1; !rc && m < d.nodes[k].end; m = d.nodes[m + 1].end)
			if (strcmp(d.nodes[m].s, "on") && strcmp(d.nodes[m].s, "after") &&
			    strcmp(d.nodes[m].s, "to") && strcmp(d.nodes[m].s, "then"))
				rc = bt_err_set(err, BT_EINVAL, "escalations: unknown field '%.40s' (on, after, to, then)",
						d.nodes[m].s);
		if (!rc && !(rc = esc_string(&d, k, "on", &on, err))) {
			for (int e = 0; e < BT_ESC__COUNT; e++)
				if (!strcmp(on, bt_esc_names[e]))
					x->on = e;
			if (x->on < 0)
				rc = bt_err_set(err, BT_EINVAL, "escalations: on '%.40s' is not one of promise_broken, "
						"stage_sla_breached, handoff_late, handoff_failed, promise_due, unowned, collision, "
						"followup_overdue", on);
			for (size_t e = 0; !rc && e < *nout; e++)
				if ((*out)[e].on == x->on)
					rc = bt_err_set(err, BT_EINVAL, "escalations: two on %s", on);
		}
		bt__free(on);
		rc = rc ? rc : esc_duration(&d, k, "after", &x->after_ms, err);
		rc = rc ? rc : esc_string(&d, k, "to", &x->to, err);
		const char *why = rc ? NULL : esc_to_problem(c, j, x->to, x->on);
		if (why)
			rc = bt_err_set(err, BT_EINVAL, "escalations: to '%.40s': %s", x->to, why);
		if (!rc && then) {
			if (d.nodes[then].type != BT_JSON_OBJECT || !bt_json_get(&d, then, "after"))
				rc = bt_err_set(err, BT_EINVAL, "escalations: then must be {after, to}");
			rc = rc ? rc : esc_duration(&d, then, "after", &x->then_ms, err);
			rc = rc ? rc : esc_string(&d, then, "to", &x->then_to, err);
			why = rc ? NULL : esc_to_problem(c, j, x->then_to, x->on);
			if (why)
				rc = bt_err_set(err, BT_EINVAL, "escalations: then to '%.40s': %s", x->then_to, why);
		}
		++*nout; /* counted even when half read: freed with the others */
	}
	bt_json_doc_release(&d);
	if (rc) {
		esc_free(*out, *nout);
		*out = NULL, *nout = 0;
	}
	return rc == BT_ENOMEM ? bt_err_set(err, rc, "out of memory") : rc;
}

/* A journey's triggers as the canonical JSON text the audit keeps. */
static int triggers_json(const struct bt_config *c, const struct bt_cfg_journey *j, struct bt_buf *b)
{
	const char *const *w;
	unsigned list;
	size_t n = bt_config_followup_words(c, j, &w, &list);
	int rc = bt_buf_printf(b, "{\"csat_max\":%d,\"nps_max\":%d,\"ces_min\":%d,\"words\":[",
			       j->triggers.csat_max, j->triggers.nps_max, j->triggers.ces_min);
	for (size_t i = 0; i < n && !rc; i++)
		rc = (i && bt_buf_addc(b, ',')) || bt_buf_json_strz(b, w[i]) ? BT_ENOMEM : 0;
	return rc ? rc : bt_buf_adds(b, "]}");
}

/* A threshold member of followup_triggers in JSON. */
static int trig_int(const struct bt_json_doc *d, uint32_t v, const char *key, int lo, int hi,
		    int *out, struct bt_err *err)
{
	const struct bt_json_node *x = &d->nodes[v];
	char t[8] = "", *end = NULL;
	if (x->type == BT_JSON_NUMBER && x->len < sizeof(t))
		memcpy(t, x->s, x->len), t[x->len] = '\0';
	long n = t[0] ? strtol(t, &end, 10) : 0;
	if (!t[0] || !end || *end || n < lo || n > hi)
		return bt_err_set(err, BT_EINVAL, "followup_triggers: %s must be a whole number from %d to %d",
				  key, lo, hi);
	*out = (int)n;
	return 0;
}

/* followup_triggers of JSON text over j's (members not given are kept). */
static int triggers_parse(struct bt_cfg_journey *j, const char *text, struct bt_err *err)
{
	struct bt_json_doc d;
	struct bt_cfg_triggers t = j->triggers;
	struct bt_strlist words = {NULL, 0};
	int rc, set_words = 0;
	bt_json_doc_init(&d);
	d.max_nodes = 2048;
	if ((rc = bt_json_parse(&d, text, strlen(text), 4, err)) || d.nodes[0].type != BT_JSON_OBJECT) {
		bt_json_doc_release(&d);
		return bt_err_set(err, BT_EINVAL, "followup_triggers must be an object of csat_max, "
						  "nps_max, ces_min, words");
	}
	for (uint32_t k = 1; !rc && k < d.nodes[0].end; k = d.nodes[k + 1].end) {
		const char *key = d.nodes[k].s;
		uint32_t v = k + 1;
		if (!strcmp(key, "csat_max"))
			rc = trig_int(&d, v, key, 0, 5, &t.csat_max, err);
		else if (!strcmp(key, "nps_max"))
			rc = trig_int(&d, v, key, -1, 10, &t.nps_max, err);
		else if (!strcmp(key, "ces_min"))
			rc = trig_int(&d, v, key, 1, 8, &t.ces_min, err);
		else if (!strcmp(key, "words")) {
			if (d.nodes[v].type != BT_JSON_ARRAY || d.nodes[v].len > TRIGGER_WORDS_MAX) {
				rc = bt_err_set(err, BT_EINVAL, "followup_triggers: words must be a list of words");
				break;
			}
			set_words = 1;
			free_list(&words);
			if (d.nodes[v].len && !(words.v = bt__calloc(d.nodes[v].len, sizeof(char *))))
				rc = bt_err_set(err, BT_ENOMEM, "out of memory");
			for (uint32_t m = v + 1; !rc && m < d.nodes[v].end; m = d.nodes[m].end) {
				const struct bt_json_node *x = &d.nodes[m];
				if (x->type != BT_JSON_STRING || !x->len || x->len > TRIGGER_WORD_MAX ||
				    memchr(x->s, ' ', x->len) || memchr(x->s, '\t', x->len))
					rc = bt_err_set(err, BT_EINVAL, "followup_triggers: each of words must be one word");
				else if (!(words.v[words.n] = bt__strndup(x->s, x->len)))
					rc = bt_err_set(err, BT_ENOMEM, "out of memory");
				else
					words.n++;
			}
		} else
			rc = bt_err_set(err, BT_EINVAL, "followup_triggers: unknown field '%.40s' (csat_max, "
							"nps_max, ces_min, words)", key);
	}
	bt_json_doc_release(&d);
	if (rc) {
		free_list(&words);
		return rc == BT_ELIMIT ? BT_EINVAL : rc;
	}
	if (set_words) {
		free_list(&j->triggers.words);
		t.words = words, t.own_words = 1;
	}
	j->triggers = t;
	return 0;
}

int bt_config_rule_get(const struct bt_config *c, const char *journey, const char *field,
		       char **value)
{
	struct bt_cfg_journey *j = (struct bt_cfg_journey *)bt_config_journey(c, journey);
	char d[40];
	*value = NULL;
	if (!j)
		return BT_ENOTFOUND;
	if (!strcmp(field, "escalations") || !strcmp(field, "followup_triggers")) {
		struct bt_buf b = BT_BUF_INIT;
		int rc = field[0] == 'e' ? esc_json(j->escalations, j->nescalations, &b)
					 : triggers_json(c, j, &b);
		if (rc) {
			bt_buf_release(&b);
			return rc;
		}
		*value = bt_buf_detach(&b, NULL);
		return *value ? 0 : BT_ENOMEM;
	}
	int64_t *w = window_field(j, field);
	const struct bt_cfg_stage *st = w ? NULL : stage_field(j, field);
	if (w)
		bt_duration_format(*w, d);
	else if (!strcmp(field, "sensitive"))
		snprintf(d, sizeof(d), "%s", j->sensitive ? "true" : "false");
	else if (!st)
		return BT_ENOTFOUND;
	else if (!st->sla_ms)
		return 0; /* no SLA */
	else
		bt_duration_format(st->sla_ms, d);
	return (*value = text_of(d)) ? 0 : BT_ENOMEM;
}

int bt_config_rule_set(struct bt_config *c, const char *journey, const char *field,
		       const char *value, struct bt_err *err)
{
	struct bt_cfg_journey *j = (struct bt_cfg_journey *)bt_config_journey(c, journey);
	if (!j)
		return bt_err_set(err, BT_ENOTFOUND, "no journey '%s'", journey);
	int64_t *w = window_field(j, field), ms = 0;
	struct bt_cfg_stage *st = w ? NULL : stage_field(j, field);
	if (!strcmp(field, "escalations")) {
		struct bt_cfg_escalation *v = NULL;
		size_t n = 0;
		int rc = esc_parse(c, j, value ? value : "[]", &v, &n, err);
		if (rc)
			return rc;
		esc_free(j->escalations, j->nescalations);
		j->escalations = v, j->nescalations = n;
		return 0;
	}
	if (!strcmp(field, "followup_triggers")) {
		int rc = triggers_parse(j, value ? value : "{}", err);
		if (!rc && j->triggers.own_words) { /* at most 63 lists of their own */
			unsigned own = 0;
			for (size_t k = 0; k < c->njourneys; k++)
				own += c->journeys[k].triggers.own_words;
			if (own > 63)
				rc = bt_err_set(err, BT_EINVAL, "followup_triggers: at most 63 journeys may "
								"have words of their own");
		}
		return rc;
	}
	if (!strcmp(field, "sensitive")) {
		if (!value || (strcmp(value, "true") && strcmp(value, "false")))
			return bt_err_set(err, BT_EINVAL, "sensitive must be true or false");
		j->sensitive = !strcmp(value, "true");
		return 0;
	}
	if (!w && !st)
		return bt_err_set(err, BT_ENOTFOUND,
				  strncmp(field, "stages.", 7)
					  ? "'%.60s' is not a rule of a journey (handoff_sla, "
					    "recontact_window, abandon_after, sensitive, stages, "
					    "escalations, followup_sla, followup_triggers)"
					  : "journey '%s' has no stage that '%.60s' names",
				  strncmp(field, "stages.", 7) ? field : journey, field);
	if (!value && st) {
		st->sla_ms = 0;
		return 0;
	}
	if (!value || bt_time_parse_duration(value, strlen(value), &ms) || ms <= 0)
		return bt_err_set(err, BT_EINVAL, "%.60s must be a duration like 24h, 7d or 90m", field);
	if (w)
		*w = ms;
	else
		st->sla_ms = ms;
	return 0;
}
