/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config.h - the configuration: teams, people, journeys with their owners
 * and rules, touchpoints, identity rules, webhook settings.  One YAML file (commented example:
 * examples/demo.yaml; reference: docs/config.md).  Rules are data: match
 * rules are event-type globs, source names and props equalities, never code.
 *
 * This header only reads and describes a configuration.  A database
 * remembers the one it was last given (bt_db_config_set in baton.h), so
 * every later command and the server see the same journeys, owners and
 * touchpoints.
 */
#ifndef BATON_CONFIG_H
#define BATON_CONFIG_H

#include "baton/error.h"

#include <stddef.h>
#include <stdint.h>

#define BT_DEFAULT_RECONTACT_MS (7LL * 24 * 3600 * 1000)
#define BT_DEFAULT_ABANDON_MS (30LL * 24 * 3600 * 1000)
#define BT_DEFAULT_HANDOFF_SLA_MS (24LL * 3600 * 1000)
#define BT_DEFAULT_FOLLOWUP_SLA_MS (48LL * 3600 * 1000)

struct bt_strlist {
	char **v;
	size_t n;
};

struct bt_cfg_team {
	char *id, *name;
};

struct bt_cfg_person {
	char *id, *name, *team, *email;
};

/* A match rule: every condition given must hold; a journey matches an event
 * when any of its rules does. */
struct bt_cfg_rule {
	struct bt_strlist types;   /* globs with '*': "dispute.*" */
	struct bt_strlist sources; /* touchpoint ids */
	struct bt_strlist prop_keys, prop_values; /* props.KEY equals VALUE (as text) */
};

struct bt_cfg_stage {
	char *id;
	struct bt_strlist types; /* event type globs that put an instance in this stage */
	int64_t sla_ms;          /* 0: none */
};

/* An escalation rule (docs/escalations.md): when condition `on` has held
 * for an instance for after_ms, tell `to` ("owner": the journey's owner;
 * "steering": the steering group; else a person id); when it stays open
 * then_ms longer (-1: never), it moves to then_to. */
enum bt_esc_on {
	BT_ESC_PROMISE_BROKEN,
	BT_ESC_STAGE_SLA_BREACHED,
	BT_ESC_HANDOFF_LATE,
	BT_ESC_HANDOFF_FAILED,
	BT_ESC_PROMISE_DUE,
	BT_ESC_UNOWNED,
	BT_ESC_COLLISION,
	BT_ESC_FOLLOWUP_OVERDUE, /* a follow-up open at or past its due time */
	BT_ESC__COUNT
};
extern const char *const bt_esc_names[BT_ESC__COUNT];

struct bt_cfg_escalation {
	int on; /* enum bt_esc_on */
	int64_t after_ms;
	char *to;
	int64_t then_ms; /* -1: it does not move */
	char *then_to;
};

/* What feedback opens a follow-up (docs/followups.md): a CSAT of csat_max
 * or less, an NPS of nps_max or less, a CES of ces_min or more, or a
 * comment with one of the words (whole words, case-insensitive).  A
 * journey without its own list of words (own_words 0) takes the
 * configuration's; the configuration's, when not given (words_default),
 * is bt_followup_default_words. */
struct bt_cfg_triggers {
	int csat_max, nps_max, ces_min;
	struct bt_strlist words;
	int own_words, words_default;
};
extern const char *const bt_followup_default_words[];

struct bt_cfg_journey {
	char *id, *name, *owner; /* owner: a person id */
	struct bt_cfg_escalation *escalations; /* its own, before the configuration's */
	size_t nescalations;
	struct bt_cfg_rule *rules;
	size_t nrules;
	struct bt_strlist opens_on; /* event type globs that start a new case */
	struct bt_cfg_stage *stages;
	size_t nstages;
	int64_t recontact_ms, abandon_ms, handoff_sla_ms;
	int64_t followup_sla_ms;          /* a follow-up's due time after its feedback */
	struct bt_cfg_triggers triggers;  /* the configuration's, field by field, unless given */
	int sensitive;
	/* consistency (docs/insight.md): its own thresholds, millionths as the
	 * configuration's; -1: the configuration's */
	int64_t spread_rate_upp, spread_csat_u;
	long line; /* where it is defined */
};

struct bt_cfg_touchpoint {
	char *id, *name, *channel, *team, *technology, *integration;
	struct bt_strlist customer_data, interaction_data, shared_identifiers, restrictions;
	int declared_level; /* 1 siloed, 2 shared, 3 integrated; 0 not declared */
	/* the identifier types its events may link (lower-case); none: every
	 * type.  Others are kept on the event and join no profile. */
	struct bt_strlist may_link;
};

/* A consent purpose, with the other names it goes by: consent given or
 * withdrawn under an alias is consent for the purpose. */
struct bt_cfg_purpose {
	char *id;
	struct bt_strlist aliases;
};

struct bt_cfg_limit {
	char *type;
	uint32_t max;
};

struct bt_config {
	struct bt_cfg_team *teams;
	size_t nteams;
	struct bt_cfg_person *people;
	size_t npeople;
	struct bt_cfg_journey *journeys;
	size_t njourneys;
	struct bt_cfg_touchpoint *touchpoints;
	size_t ntouchpoints;
	struct bt_cfg_purpose *purposes; /* none: the defaults of bt_config_purpose */
	size_t npurposes;
	struct bt_strlist junk;      /* identity: extra junk values ('*' any run) */
	struct bt_cfg_limit *limits; /* identity: per-type limits (replace the defaults) */
	size_t nlimits;
	uint32_t max_profile_size;   /* 0: default 50 */
	struct bt_strlist steering;  /* the steering group: person ids */
	/* escalation rules for every journey without its own for that
	 * condition, also those known from data only (unowned work) */
	struct bt_cfg_escalation *escalations;
	size_t nescalations;
	/* webhooks: may deliveries go to loopback, private and CGNAT
	 * addresses (docs/webhooks.md)?  Never to metadata or link-local. */
	int webhooks_allow_private;
	/* consistency (docs/insight.md): a spread across entry channels at or
	 * above these is flagged; rates in millionths of a percentage point
	 * (default 10 pp), CSAT in millionths of a point (default 0.5) */
	int64_t spread_rate_upp, spread_csat_u;
	/* value at stake (docs/insight.md): the props key that carries revenue
	 * (NULL: none), the churn event types, the days after an outcome */
	char *value_revenue;
	struct bt_strlist value_churn;
	int64_t value_days;
	/* changes: how long before a calendar change's date its
	 * change.upcoming webhook fires (docs/changes.md); 0: 7 days */
	int64_t change_notice_ms;
	/* retention (docs/retention.md): how long events (by their time),
	 * dead letters and finished webhook deliveries are kept; 0: for ever */
	int64_t retain_events_ms, retain_dead_ms, retain_deliveries_ms;
	/* closed-loop feedback: the defaults of every journey */
	int64_t followup_sla_ms;
	struct bt_cfg_triggers triggers;
	char *source;                /* the YAML text it was read from */
	char *name;                  /* file name */
};

/* Called once per problem found, in line order: line (0 when not tied to
 * one) and message. */
typedef void (*bt_config_problem_fn)(void *ctx, long line, const char *msg);

/*
 * Read a configuration from YAML text.  Every problem is reported through
 * problem(ctx, ...) (which may be NULL); the call fails with BT_EINVAL when
 * there was any, and err holds the first.
 */
int bt_config_parse(const char *name, const char *text, size_t len, struct bt_config **out,
		    bt_config_problem_fn problem, void *ctx, struct bt_err *err);
int bt_config_load_file(const char *path, struct bt_config **out, bt_config_problem_fn problem,
			void *ctx, struct bt_err *err);
/* An empty configuration: no journeys, default rules. */
int bt_config_empty(struct bt_config **out);
void bt_config_free(struct bt_config *c);

const struct bt_cfg_journey *bt_config_journey(const struct bt_config *c, const char *id);
const struct bt_cfg_person *bt_config_person(const struct bt_config *c, const char *id);
const struct bt_cfg_touchpoint *bt_config_touchpoint(const struct bt_config *c, const char *id);
/* The consent purpose named s[0..n) (an id or an alias) as its id, or NULL
 * when no purpose goes by that name.  Without configured purposes (or
 * without a configuration) they are marketing (also called promotion and
 * newsletter) and service. */
const char *bt_config_purpose(const struct bt_config *c, const char *s, size_t n);
/* The purposes' ids, and after them their aliases, into names (at most
 * max); the count.  For messages that list what may be given. */
size_t bt_config_purpose_names(const struct bt_config *c, const char **names, size_t max,
			       size_t *nids);

/*
 * The rules a journey's owner may change (docs/journeys.md, "Decision
 * rights"), one field at a time, by the name the configuration gives it:
 * handoff_sla, recontact_window, abandon_after, sensitive, escalations,
 * followup_sla, followup_triggers (JSON text: {"csat_max","nps_max",
 * "ces_min","words"}) and stages.ID.sla for each stage.  Values are text as the configuration
 * writes them ("24h", "1h30m", "true"); a stage without an SLA has none
 * (NULL).
 *
 * bt_config_rule_field names journey's i-th field into out; BT_ENOTFOUND
 * past the last (or for an unknown journey).  bt_config_rule_get gives the
 * value (to free with bt_free; NULL for none); BT_ENOTFOUND for an unknown
 * journey or field.  bt_config_rule_set checks and sets it (NULL: none,
 * for a stage's SLA only); BT_EINVAL with err naming the field and what it
 * takes, BT_ENOTFOUND for an unknown journey, field or stage.
 */
/* The words that open a follow-up on an instance of journey j (NULL: one
 * known from data only) into *v, their count returned; *list is the index
 * of that list among the distinct ones: 0 the configuration's, k the k-th
 * journey with its own list (at most 63 such journeys). */
size_t bt_config_followup_words(const struct bt_config *c, const struct bt_cfg_journey *j,
				const char *const **v, unsigned *list);

int bt_config_rule_field(const struct bt_config *c, const char *journey, size_t i, char out[160]);
int bt_config_rule_get(const struct bt_config *c, const char *journey, const char *field,
		       char **value);
int bt_config_rule_set(struct bt_config *c, const char *journey, const char *field,
		       const char *value, struct bt_err *err);


#endif
