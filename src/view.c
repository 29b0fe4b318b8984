/* SPDX-License-Identifier: Apache-2.0 */
/*
 * view.c - the view layer (include/baton/view.h): the KPIs defined once,
 * and the JSON of every public structure.  Nothing else in the tree writes
 * these structures as JSON.
 */
#include "baton/view.h"

#include "util/time.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* ---- the KPI tables ---- */

#define J(f) offsetof(struct bt_journey_kpis, f)
#define L(f) offsetof(struct bt_local_kpis, f)
#define O(f) offsetof(struct bt_kpis, f)
#define ROW(key, label, name, unit, type, off, def)                                                \
	{key, label, name, unit, type, off, BT_SHOW_ROW, NULL, NULL, 1, "", def}
#define ASIDE(key, label, name, unit, type, off, of, aside, def)                                  \
	{key, label, name, unit, type, off, BT_SHOW_ASIDE, of, aside, 1, "", def}
#define HIDDEN(key, name, unit, type, off, def)                                                    \
	{key, key, name, unit, type, off, BT_SHOW_NONE, NULL, NULL, 1, "", def}

const struct bt_kpi_def bt_kpi_journey[] = {
	ROW("instances", "instances", "instances", "count", BT_KPI_COUNT, J(instances),
	    "instances opened in the period"),
	ASIDE("open", "open", "open", "count", BT_KPI_COUNT, J(open), "instances", "open %s",
	      "of those, open at T"),
	ASIDE("resolved", "resolved", "resolved", "count", BT_KPI_COUNT, J(resolved), "instances",
	      "resolved %s", "of those, resolved at T"),
	ASIDE("abandoned", "abandoned", "abandoned", "count", BT_KPI_COUNT, J(abandoned), "instances",
	      "abandoned %s", "of those, abandoned at T (by outcome, or no event for the abandonment timeout)"),
	ROW("completion_rate", "completion", "completion", "rate", BT_KPI_RATE, J(completion_rate),
	    "resolved / (resolved + abandoned)"),
	ROW("resolution_rate", "resolution (successful)", "resolution", "rate", BT_KPI_RATE,
	    J(resolution_rate),
	    "successful / (resolved + abandoned); successful = resolved at T, never recontacted, and "
	    "its recontact window has passed"),
	ROW("recontact_rate", "recontact", "recontact", "rate", BT_KPI_RATE, J(recontact_rate),
	    "recontacted / instances resolved at least once"),
	ROW("fcr_rate", "first-contact resolution", "first-contact resolution", "rate", BT_KPI_RATE,
	    J(fcr_rate),
	    "instances whose first contact resolved them and that were never recontacted / "
	    "instances resolved at least once"),
	ROW("handoffs", "handoffs", "handoffs", "count", BT_KPI_COUNT, J(handoffs),
	    "work passed from one team to another (docs/journeys.md)"),
	ASIDE("handoffs_per_instance", "per instance", "handoffs per instance", "per instance",
	      BT_KPI_VALUE, J(handoffs_per_instance), "handoffs", "%s per instance",
	      "handoffs / instances"),
	ROW("handoff_success_rate", "handoff success", "handoff success", "rate", BT_KPI_RATE,
	    J(handoff_success_rate),
	    "clean handoffs / handoffs (clean: the case travelled, no repeat, within the handoff SLA)"),
	ROW("repeat_rate", "customer repeated", "customer repeated", "rate", BT_KPI_RATE, J(repeat_rate),
	    "contacts with `repeat: true` / contacts"),
	ROW("contacts_per_instance", "contacts per instance", "contacts per instance", "per instance",
	    BT_KPI_VALUE, J(contacts_per_instance), "contacts / instances"),
	ROW("channels_per_instance", "channels per instance", "channels per instance", "per instance",
	    BT_KPI_VALUE, J(channels_per_instance),
	    "distinct channels of an instance's contacts, averaged over the instances"),
	{"ttr_p50_s", "time to resolve p50", "time to resolve p50", "seconds", BT_KPI_VALUE,
	 J(ttr_p50_s), BT_SHOW_ROW, NULL, NULL, 1 / 3600.0, " h",
	 "seconds from opening to first resolution, nearest-rank median over instances resolved at "
	 "least once (the text views show hours)"},
	{"ttr_p90_s", "time to resolve p90", "time to resolve p90", "seconds", BT_KPI_VALUE,
	 J(ttr_p90_s), BT_SHOW_ROW, NULL, NULL, 1 / 3600.0, " h",
	 "the same, 90th percentile"},
	ROW("csat_avg", "CSAT (1-5)", "CSAT", "score", BT_KPI_VALUE, J(csat_avg),
	    "mean of the CSAT scores on the instances' events"),
	ROW("nps", "NPS", "NPS", "score", BT_KPI_VALUE, J(nps),
	    "% promoters (9-10) − % detractors (0-6), from −100 to 100"),
	ROW("ces_avg", "effort (CES 1-7)", "effort", "score", BT_KPI_VALUE, J(ces_avg),
	    "mean of the CES scores on the instances' events"),
	ROW("promises", "promises", "promises", "count", BT_KPI_COUNT, J(promises),
	    "promises made on the instances"),
	ASIDE("promises_broken", "broken", "promises broken", "count", BT_KPI_COUNT, J(promises_broken),
	      "promises", "broken %s", "of those, unkept and due at T or before"),
	ASIDE("cross_team_breaks", "cross-team", "cross-team breaks", "count", BT_KPI_COUNT,
	      J(cross_team_breaks), "promises", "of which cross-team %s",
	      "broken promises made by one team for another"),
	ROW("collisions", "collisions", "collisions", "count", BT_KPI_COUNT, J(collisions),
	    "outbound events that collided because of these instances (docs/journeys.md)"),
	ROW("followups", "follow-ups", "follow-ups", "count", BT_KPI_COUNT, J(followups),
	    "follow-ups opened in the period: negative feedback that matched a trigger "
	    "(docs/followups.md)"),
	ROW("loop_closed_rate", "loop closed", "loop closed", "rate", BT_KPI_RATE, J(loop_closed_rate),
	    "follow-ups closed by T (the customer reached back, or closed by hand) / follow-ups"),
	ROW("loop_closed_in_sla_rate", "loop closed in time", "loop closed in time", "rate",
	    BT_KPI_RATE, J(loop_closed_in_sla_rate),
	    "follow-ups closed before their due time / follow-ups (closed exactly at the due time is "
	    "late)"),
	{"time_to_close_p50_s", "time to close p50", "time to close p50", "seconds", BT_KPI_VALUE,
	 J(time_to_close_p50_s), BT_SHOW_ROW, NULL, NULL, 1 / 3600.0, " h",
	 "seconds from the feedback to the close, nearest-rank median over the follow-ups closed by T "
	 "(the text views show hours)"},
	{"unowned_instances", "unowned instances", "unowned instances", "count", BT_KPI_COUNT,
	 J(unowned_instances), BT_SHOW_NONZERO, NULL, NULL, 1, "",
	 "instances of a journey without a definition (no owner)"},
	HIDDEN("successful", "successful", "count", BT_KPI_COUNT, J(successful),
	       "resolved at T, never recontacted, recontact window passed"),
	HIDDEN("recontacted", "recontacted", "count", BT_KPI_COUNT, J(recontacted),
	       "instances re-opened by a contact within the recontact window"),
	HIDDEN("contacts", "contacts", "count", BT_KPI_COUNT, J(contacts),
	       "inbound events that are not feedback only"),
	HIDDEN("handoff_failures.context_lost", "handoffs that lost the context", "count", BT_KPI_COUNT,
	       J(handoff_context_lost), "failed handoffs whose receiving event named no case of the instance"),
	HIDDEN("handoff_failures.customer_repeated", "handoffs where the customer repeated", "count",
	       BT_KPI_COUNT, J(handoff_customer_repeated),
	       "failed handoffs whose receiving event has `repeat: true`"),
	HIDDEN("handoff_failures.late", "late handoffs", "count", BT_KPI_COUNT, J(handoff_late),
	       "failed handoffs that came the handoff SLA or more after the previous work (a handoff can "
	       "fail for several reasons)"),
	HIDDEN("promises_kept", "promises kept", "count", BT_KPI_COUNT, J(promises_kept),
	       "promises fulfilled before their due time"),
	HIDDEN("promises_kept_late", "promises kept late", "count", BT_KPI_COUNT, J(promises_kept_late),
	       "promises fulfilled at their due time or after"),
};
const size_t bt_kpi_njourney = sizeof(bt_kpi_journey) / sizeof(bt_kpi_journey[0]);

const struct bt_kpi_def bt_kpi_local[] = {
	ROW("contacts", "contacts", "contacts", "count", BT_KPI_COUNT, L(contacts),
	    "contacts on instances of the period, by the contact's team (or source)"),
	ROW("local_success", "local", "local success", "count", BT_KPI_COUNT, L(local_success),
	    "its events with outcome `contained` or `resolved` on those instances: contacts and "
	    "internal work"),
	ROW("true_success", "true", "true success", "count", BT_KPI_COUNT, L(true_success),
	    "of those, the ones whose instance saw no further contact within the recontact window, "
	    "once the window has passed"),
	ROW("local_success_rate", "local%", "local rate", "rate", BT_KPI_RATE, L(local_success_rate),
	    "the successes on contacts over the contacts: (`local_success` − `internal_success`) / "
	    "`contacts`"),
	ROW("true_success_rate", "true%", "true rate", "rate", BT_KPI_RATE, L(true_success_rate),
	    "(`true_success` − `internal_true_success`) / `contacts`"),
	ROW("cost_shifted", "shifted", "contacts shifted to others", "count", BT_KPI_COUNT,
	    L(cost_shifted),
	    "contacts charged to its local successes that landed on another team (docs/journeys.md)"),
	ROW("internal_success", "internal", "on internal work", "count", BT_KPI_COUNT,
	    L(internal_success),
	    "of `local_success`, those on internal work (`direction: internal`, e.g. `refund.issued` "
	    "with outcome `resolved`)"),
	HIDDEN("internal_true_success", "internal true success", "count", BT_KPI_COUNT,
	       L(internal_true_success), "of `true_success`, those on internal work"),
	ROW("collisions", "collisions", "collisions sent", "count", BT_KPI_COUNT, L(collisions),
	    "outbound events it sent (the event's `team`, else its touchpoint's; per source, the "
	    "event's `source`) that collided, each once"),
	HIDDEN("followups", "follow-ups", "count", BT_KPI_COUNT, L(followups),
	       "teams: follow-ups opened in the period on work it held at the feedback"),
	HIDDEN("loop_closed_rate", "loop closed", "rate", BT_KPI_RATE, L(loop_closed_rate),
	       "teams: of those, closed by T / follow-ups"),
	HIDDEN("loop_closed_in_sla_rate", "loop closed in time", "rate", BT_KPI_RATE,
	       L(loop_closed_in_sla_rate), "teams: closed before their due time / follow-ups"),
	HIDDEN("time_to_close_p50_s", "time to close p50", "seconds", BT_KPI_VALUE,
	       L(time_to_close_p50_s), "teams: nearest-rank median of the seconds to close"),
};
const size_t bt_kpi_nlocal = sizeof(bt_kpi_local) / sizeof(bt_kpi_local[0]);

const struct bt_kpi_def bt_kpi_overall[] = {
	ROW("events", "events", "events", "count", BT_KPI_COUNT, O(events),
	    "events up to T (an owner's: those on their journeys' instances)"),
	ROW("profiles", "profiles", "customers", "count", BT_KPI_COUNT, O(profiles),
	    "customers with an event up to T (an owner's: with an instance of their journeys)"),
	ROW("timeline_only", "timeline only", "events on no instance", "count", BT_KPI_COUNT,
	    O(timeline_only), "events on no journey instance: on the customer's timeline only"),
	ROW("collisions", "collisions", "collisions", "count", BT_KPI_COUNT, O(collisions),
	    "outbound events that collided (docs/journeys.md), each once"),
	ROW("consent_collisions", "into withdrawn consent", "collisions into withdrawn consent", "count",
	    BT_KPI_COUNT, O(consent_collisions),
	    "of those, to a customer who had withdrawn consent for the message's purpose"),
	ROW("collisions_on_no_journey", "caused by no journey", "collisions caused by no journey",
	    "count", BT_KPI_COUNT, O(collisions_on_no_journey),
	    "of those, the ones no journey caused (consent only, or a promise on no instance)"),
};
const size_t bt_kpi_noverall = sizeof(bt_kpi_overall) / sizeof(bt_kpi_overall[0]);

double bt_kpi_value(const struct bt_kpi_def *d, const void *row)
{
	const char *p = (const char *)row + d->offset;
	if (d->type == BT_KPI_COUNT) {
		uint64_t v;
		memcpy(&v, p, sizeof(v));
		return (double)v;
	}
	double v;
	memcpy(&v, p, sizeof(v));
	return v;
}

void bt_kpi_text(const struct bt_kpi_def *d, const void *row, char out[32])
{
	double v = bt_kpi_value(d, row);
	if (d->type == BT_KPI_COUNT)
		snprintf(out, 32, "%llu", (unsigned long long)v);
	else if (isnan(v)) /* no denominator: never a made-up 0% */
		snprintf(out, 32, "-");
	else if (d->type == BT_KPI_RATE)
		snprintf(out, 32, "%.1f%%", 100.0 * v);
	else
		snprintf(out, 32, "%.2f", v * d->scale);
}

int bt_kpi_has_value(const struct bt_kpi_def *d, const void *row)
{
	return !isnan(bt_kpi_value(d, row));
}

void bt_kpi_asides(const struct bt_kpi_def *t, size_t n, const struct bt_kpi_def *d,
		   const void *row, char *out, size_t size)
{
	size_t off = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n && off < size; i++) {
		char v[32], one[96];
		if (t[i].show != BT_SHOW_ASIDE || strcmp(t[i].of, d->key) || !bt_kpi_has_value(&t[i], row))
			continue;
		bt_kpi_text(&t[i], row, v);
		const char *at = strstr(t[i].aside, "%s"); /* the value's place: data, not a format */
		snprintf(one, sizeof(one), "%.*s%s%s", (int)(at - t[i].aside), t[i].aside, v, at + 2);
		off += (size_t)snprintf(out + off, size - off, "%s%s", off ? ", " : "", one);
	}
}

const struct bt_kpi_def *bt_kpi_find(const struct bt_kpi_def *t, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].key, key))
			return &t[i];
	return NULL;
}

static int definitions_table(struct bt_buf *out, const char *title, const struct bt_kpi_def *t,
			     size_t n)
{
	int rc = bt_buf_printf(out, "%s\n\n| key | label | unit | definition |\n|---|---|---|---|\n",
			       title);
	for (size_t i = 0; i < n && !rc; i++)
		rc = bt_buf_printf(out, "| `%s` | %s | %s | %s |\n", t[i].key,
				   t[i].show == BT_SHOW_NONE ? "-" : t[i].label, t[i].unit,
				   t[i].definition);
	return rc;
}

int bt_kpi_definitions_md(struct bt_buf *out)
{
	int rc = definitions_table(out, "Per journey (`journeys[]`):", bt_kpi_journey, bt_kpi_njourney);
	rc = rc ? rc : bt_buf_addc(out, '\n');
	rc = rc ? rc : definitions_table(out, "Per team and per source (`teams[]`, `sources[]`):",
					 bt_kpi_local, bt_kpi_nlocal);
	rc = rc ? rc : bt_buf_addc(out, '\n');
	rc = rc ? rc : definitions_table(out, "Overall (`overall`):", bt_kpi_overall, bt_kpi_noverall);
	return rc;
}

/* ---- JSON of the KPIs ---- */

/* The KPIs of table t in row, as JSON members, each after a comma unless
 * bare (then the first has none); keys "a.b" (consecutive in the table)
 * grouped into an object "a". */
static int kpi_members(struct bt_buf *b, const struct bt_kpi_def *t, size_t n, const void *row,
		       int bare)
{
	const char *group = NULL; /* the open group's first key */
	size_t glen = 0;
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		const char *key = t[i].key, *dot = strchr(key, '.');
		size_t len = dot ? (size_t)(dot - key) : 0;
		int same = group && len == glen && !strncmp(key, group, len);
		const char *comma = bare && i == 0 ? "" : ",";
		if (group && !same) {
			rc = bt_buf_addc(b, '}');
			group = NULL;
		}
		if (rc)
			break;
		if (len && !same) {
			rc = bt_buf_printf(b, "%s\"%.*s\":{\"%s\":", comma, (int)len, key, dot + 1);
			group = key, glen = len;
		} else
			rc = bt_buf_printf(b, "%s\"%s\":", same ? "," : comma, dot ? dot + 1 : key);
		if (!rc && t[i].type == BT_KPI_COUNT)
			rc = bt_buf_printf(b, "%llu", (unsigned long long)bt_kpi_value(&t[i], row));
		else if (!rc)
			rc = bt_buf_json_num(b, bt_kpi_value(&t[i], row));
	}
	return rc ? rc : group ? bt_buf_addc(b, '}') : 0;
}

static int journey_json(struct bt_buf *b, const struct bt_journey_kpis *k)
{
	int rc = bt_buf_adds(b, "{\"journey\":");
	rc = rc ? rc : bt_buf_json_strz(b, k->journey);
	rc = rc ? rc : bt_buf_adds(b, ",\"owner\":");
	rc = rc ? rc : bt_buf_json_strz(b, k->owner);
	rc = rc ? rc : bt_buf_adds(b, ",\"name\":");
	rc = rc ? rc : bt_buf_json_strz(b, k->name);
	rc = rc ? rc : bt_buf_adds(b, ",\"owner_name\":");
	rc = rc ? rc : bt_buf_json_strz(b, k->owner_name);
	rc = rc ? rc : bt_buf_printf(b, ",\"defined\":%s,\"sensitive\":%s", k->defined ? "true" : "false",
				    k->sensitive ? "true" : "false");
	rc = rc ? rc : kpi_members(b, bt_kpi_journey, bt_kpi_njourney, k, 0);
	return rc ? rc : bt_buf_addc(b, '}');
}

int bt_journey_kpis_json(const struct bt_journey_kpis *k, struct bt_buf *b)
{
	return journey_json(b, k);
}

int bt_local_kpis_json(const struct bt_local_kpis *v, const char *key, struct bt_buf *b)
{
	int rc = bt_buf_printf(b, "{\"%s\":", key);
	rc = rc ? rc : bt_buf_json_strz(b, v->id);
	rc = rc ? rc : kpi_members(b, bt_kpi_local, bt_kpi_nlocal, v, 0);
	return rc ? rc : bt_buf_addc(b, '}');
}

int bt_route_json(const struct bt_handoff_route *r, int with_journey, struct bt_buf *b)
{
	int rc = bt_buf_addc(b, '{');
	if (with_journey) {
		rc = rc ? rc : bt_buf_adds(b, "\"journey\":");
		rc = rc ? rc : bt_buf_json_strz(b, r->journey);
		rc = rc ? rc : bt_buf_addc(b, ',');
	}
	rc = rc ? rc : bt_buf_adds(b, "\"from\":");
	rc = rc ? rc : bt_buf_json_strz(b, r->from);
	rc = rc ? rc : bt_buf_adds(b, ",\"to\":");
	rc = rc ? rc : bt_buf_json_strz(b, r->to);
	return rc ? rc
		  : bt_buf_printf(b, ",\"handoffs\":%llu,\"count\":%llu,\"clean\":%llu,\"failed\":%llu,"
				     "\"context_lost\":%llu,\"customer_repeated\":%llu,\"late\":%llu}",
				  (unsigned long long)r->count, (unsigned long long)r->count,
				  (unsigned long long)r->clean, (unsigned long long)(r->count - r->clean),
				  (unsigned long long)r->context_lost,
				  (unsigned long long)r->customer_repeated, (unsigned long long)r->late);
}

static int local_list(struct bt_buf *b, const char *key, const struct bt_local_kpis *v, size_t n)
{
	int rc = bt_buf_printf(b, ",\"%s\":[", key);
	for (size_t i = 0; i < n && !rc; i++) {
		rc = i ? bt_buf_addc(b, ',') : 0;
		rc = rc ? rc : bt_local_kpis_json(&v[i], key[0] == 't' ? "team" : "source", b);
	}
	return rc ? rc : bt_buf_addc(b, ']');
}

int bt_kpis_json(const struct bt_kpis *k, struct bt_buf *b)
{
	char t[32];
	bt_time_format(k->as_of, t);
	int rc = bt_buf_adds(b, "{\"as_of\":");
	rc = rc ? rc : bt_buf_json_strz(b, t);
	rc = rc ? rc : bt_buf_adds(b, ",\"journeys\":[");
	for (size_t i = 0; i < k->njourneys && !rc; i++) {
		if (i)
			rc = bt_buf_addc(b, ',');
		rc = rc ? rc : journey_json(b, &k->journeys[i]);
	}
	rc = rc ? rc : bt_buf_addc(b, ']');
	rc = rc ? rc : local_list(b, "teams", k->teams, k->nteams);
	rc = rc ? rc : local_list(b, "sources", k->sources, k->nsources);
	rc = rc ? rc : bt_buf_adds(b, ",\"handoff_routes\":[");
	for (size_t i = 0; i < k->nroutes && !rc; i++) {
		rc = i ? bt_buf_addc(b, ',') : 0;
		rc = rc ? rc : bt_route_json(&k->routes[i], 1, b);
	}
	rc = rc ? rc : bt_buf_adds(b, "],\"overall\":{");
	rc = rc ? rc : kpi_members(b, bt_kpi_overall, bt_kpi_noverall, k, 1);
	return rc ? rc : bt_buf_adds(b, "}}");
}

/* ---- JSON of other structures ---- */

int bt_journey_json(const struct bt_config *cfg, const char *id, const struct bt_journey_kpis *k,
		    struct bt_buf *b)
{
	const struct bt_cfg_journey *j = cfg ? bt_config_journey(cfg, id) : NULL;
	const char *owner = j ? j->owner : k ? k->owner : NULL;
	const struct bt_cfg_person *p = owner && cfg ? bt_config_person(cfg, owner) : NULL;
	int64_t w[3] = {BT_DEFAULT_RECONTACT_MS, BT_DEFAULT_ABANDON_MS, BT_DEFAULT_HANDOFF_SLA_MS};
	if (j)
		w[0] = j->recontact_ms, w[1] = j->abandon_ms, w[2] = j->handoff_sla_ms;
	int rc = bt_buf_adds(b, "{\"journey\":");
	rc = rc ? rc : bt_buf_json_strz(b, id);
	rc = rc ? rc : bt_buf_adds(b, ",\"name\":");
	rc = rc ? rc : bt_buf_json_strz(b, j ? j->name : NULL);
	rc = rc ? rc : bt_buf_adds(b, ",\"owner\":");
	rc = rc ? rc : bt_buf_json_strz(b, owner);
	rc = rc ? rc : bt_buf_adds(b, ",\"owner_name\":");
	rc = rc ? rc : bt_buf_json_strz(b, p ? p->name : NULL);
	rc = rc ? rc : bt_buf_printf(b, ",\"defined\":%s,\"unowned\":%s,\"sensitive\":%s",
				    j ? "true" : "false", owner ? "false" : "true",
				    j && j->sensitive ? "true" : "false");
	char d[3][40];
	for (int i = 0; i < 3; i++)
		bt_duration_format(w[i], d[i]);
	rc = rc ? rc : bt_buf_printf(b, ",\"recontact_window_s\":%lld,\"abandon_after_s\":%lld,"
					"\"handoff_sla_s\":%lld,\"recontact_window\":\"%s\","
					"\"abandon_after\":\"%s\",\"handoff_sla\":\"%s\"",
				    (long long)(w[0] / 1000), (long long)(w[1] / 1000),
				    (long long)(w[2] / 1000), d[0], d[1], d[2]);
	rc = rc ? rc : bt_buf_printf(b, ",\"match_rules\":%zu,\"stages\":%zu", j ? j->nrules : 0,
				    j ? j->nstages : 0);
	/* the stages with their SLAs (the rules an owner may change) */
	rc = rc ? rc : bt_buf_adds(b, ",\"stage_slas\":[");
	for (size_t i = 0; j && i < j->nstages && !rc; i++) {
		rc = bt_buf_adds(b, i ? ",{\"id\":" : "{\"id\":");
		rc = rc ? rc : bt_buf_json_strz(b, j->stages[i].id);
		if (j->stages[i].sla_ms) {
			bt_duration_format(j->stages[i].sla_ms, d[0]);
			rc = rc ? rc : bt_buf_printf(b, ",\"sla\":\"%s\"}", d[0]);
		} else {
			rc = rc ? rc : bt_buf_adds(b, ",\"sla\":null}");
		}
	}
	rc = rc ? rc : bt_buf_addc(b, ']');
	/* closed-loop feedback (docs/followups.md): its rules, or the
	 * configuration's for a journey known from data only */
	int64_t fsla = j ? j->followup_sla_ms : cfg ? cfg->followup_sla_ms : BT_DEFAULT_FOLLOWUP_SLA_MS;
	const struct bt_cfg_triggers *tr = j ? &j->triggers : cfg ? &cfg->triggers : NULL;
	const char *const *words;
	unsigned list;
	size_t nw = bt_config_followup_words(cfg, j, &words, &list);
	bt_duration_format(fsla, d[0]);
	rc = rc ? rc : bt_buf_printf(b, ",\"followup_sla_s\":%lld,\"followup_sla\":\"%s\","
					"\"followup_triggers\":{\"csat_max\":%d,\"nps_max\":%d,"
					"\"ces_min\":%d,\"words\":[",
				    (long long)(fsla / 1000), d[0], tr ? tr->csat_max : 2,
				    tr ? tr->nps_max : 6, tr ? tr->ces_min : 6);
	for (size_t i = 0; i < nw && !rc; i++)
		rc = (i && bt_buf_addc(b, ',')) || bt_buf_json_strz(b, words[i]) ? BT_ENOMEM : 0;
	rc = rc ? rc : bt_buf_adds(b, "]}");
	if (k)
		rc = rc ? rc : bt_buf_printf(b, ",\"instances\":%llu", (unsigned long long)k->instances);
	return rc ? rc : bt_buf_addc(b, '}');
}

int bt_dead_letter_json(const struct bt_dead_letter *d, struct bt_buf *b)
{
	char at[32];
	bt_time_format(d->at, at);
	int rc = bt_buf_printf(b, "{\"id\":%lld,\"at\":\"%s\",\"origin\":", (long long)d->id, at);
	rc = rc ? rc : bt_buf_json_strz(b, d->origin);
	rc = rc ? rc : bt_buf_printf(b, ",\"line\":%ld,\"format\":", d->line);
	rc = rc ? rc : bt_buf_json_strz(b, d->format);
	rc = rc ? rc : bt_buf_adds(b, ",\"reason\":");
	rc = rc ? rc : bt_buf_json_strz(b, d->reason);
	rc = rc ? rc : bt_buf_adds(b, ",\"raw\":");
	rc = rc ? rc : bt_buf_json_str(b, d->raw, d->raw_len);
	return rc ? rc : bt_buf_printf(b, ",\"truncated\":%s}", d->truncated ? "true" : "false");
}

int bt_token_json(const struct bt_token *t, struct bt_buf *b)
{
	char created[32], revoked[32];
	bt_time_format(t->created, created);
	if (t->revoked)
		bt_time_format(t->revoked, revoked);
	int rc = bt_buf_printf(b, "{\"id\":%lld,\"role\":", (long long)t->id);
	rc = rc ? rc : bt_buf_json_strz(b, t->role >= 0 && t->role < BT_ROLE__COUNT ? bt_role_names[t->role] : NULL);
	rc = rc ? rc : bt_buf_adds(b, ",\"team\":");
	rc = rc ? rc : bt_buf_json_strz(b, t->team);
	rc = rc ? rc : bt_buf_adds(b, ",\"person\":");
	rc = rc ? rc : bt_buf_json_strz(b, t->person);
	rc = rc ? rc : bt_buf_adds(b, ",\"name\":");
	rc = rc ? rc : bt_buf_json_strz(b, t->name);
	rc = rc ? rc : bt_buf_printf(b, ",\"created\":\"%s\",\"revoked\":%s,\"revoked_at\":", created,
				    t->revoked ? "true" : "false");
	return rc ? rc : t->revoked ? bt_buf_printf(b, "\"%s\"}", revoked) : bt_buf_adds(b, "null}");
}

int bt_webhook_json(const struct bt_webhook *w, struct bt_buf *b)
{
	char created[32];
	const char *e = w->events;
	bt_time_format(w->created, created);
	int rc = bt_buf_printf(b, "{\"id\":%lld,\"url\":", (long long)w->id);
	rc = rc ? rc : bt_buf_json_strz(b, w->url);
	rc = rc ? rc : bt_buf_adds(b, ",\"events\":[");
	for (int first = 1; !rc && *e; first = 0) { /* space-separated */
		size_t n = strcspn(e, " ");
		rc = first ? 0 : bt_buf_addc(b, ',');
		rc = rc ? rc : bt_buf_json_str(b, e, n);
		e += n + (e[n] == ' ');
	}
	return rc ? rc : bt_buf_printf(b, "],\"created\":\"%s\",\"deliveries\":{\"pending\":%lld,"
					  "\"delivered\":%lld,\"failed\":%lld}}",
				       created, (long long)w->pending, (long long)w->delivered,
				       (long long)w->failed);
}

/* ,"KEY":"time" or ,"KEY":null for 0 */
static int time_or_null(struct bt_buf *b, const char *key, int64_t ms)
{
	char t[32];
	if (!ms)
		return bt_buf_printf(b, ",\"%s\":null", key);
	bt_time_format(ms, t);
	return bt_buf_printf(b, ",\"%s\":\"%s\"", key, t);
}

int bt_webhook_delivery_json(const struct bt_webhook_delivery *d, struct bt_buf *b)
{
	int rc = bt_buf_printf(b, "{\"id\":%lld,\"delivery\":\"%s\",\"webhook\":%lld,\"event\":",
			       (long long)d->id, d->uid, (long long)d->webhook);
	rc = rc ? rc : bt_buf_json_strz(b, d->event);
	rc = rc ? rc : bt_buf_printf(b, ",\"state\":\"%s\"",
				    d->state >= 0 && d->state <= BT_DELIVERY_FAILED
					    ? bt_delivery_states[d->state]
					    : "unknown");
	rc = rc ? rc : time_or_null(b, "created", d->created);
	rc = rc ? rc : time_or_null(b, "next_attempt", d->next);
	/* the body is the JSON baton built and sent: its data as it was */
	rc = rc ? rc : bt_buf_adds(b, ",\"payload\":");
	rc = rc ? rc : bt_buf_add(b, d->body, d->body_len);
	rc = rc ? rc : bt_buf_adds(b, ",\"attempts\":[");
	for (size_t i = 0; !rc && i < d->nattempts; i++) {
		const struct bt_webhook_attempt *a = &d->attempts[i];
		rc = i ? bt_buf_addc(b, ',') : 0;
		char at[32];
		bt_time_format(a->at, at);
		rc = rc ? rc : bt_buf_printf(b, "{\"at\":\"%s\"", at);
		if (!rc && a->status)
			rc = bt_buf_printf(b, ",\"status\":%d", a->status);
		else if (!rc)
			rc = bt_buf_adds(b, ",\"status\":null");
		rc = rc ? rc : bt_buf_adds(b, ",\"error\":");
		rc = rc ? rc : bt_buf_json_strz(b, a->error);
		rc = rc ? rc : bt_buf_printf(b, ",\"ms\":%lld", (long long)a->ms);
		rc = rc ? rc : time_or_null(b, "next_attempt", a->next);
		rc = rc ? rc : bt_buf_addc(b, '}');
	}
	return rc ? rc : bt_buf_adds(b, "]}");
}

int bt_change_json(const struct bt_change *c, struct bt_buf *b)
{
	char at[32];
	bt_time_format(c->at, at);
	int rc = bt_buf_printf(b, "{\"id\":%lld,\"at\":\"%s\",\"who\":", (long long)c->id, at);
	rc = rc ? rc : bt_buf_json_strz(b, c->who);
	rc = rc ? rc : bt_buf_adds(b, ",\"via\":");
	rc = rc ? rc : bt_buf_json_strz(b, c->via);
	rc = rc ? rc : bt_buf_adds(b, ",\"journey\":");
	rc = rc ? rc : bt_buf_json_strz(b, c->journey);
	rc = rc ? rc : bt_buf_adds(b, ",\"field\":");
	rc = rc ? rc : bt_buf_json_strz(b, c->field);
	rc = rc ? rc : bt_buf_adds(b, ",\"before\":");
	rc = rc ? rc : bt_buf_json_strz(b, c->before);
	rc = rc ? rc : bt_buf_adds(b, ",\"after\":");
	rc = rc ? rc : bt_buf_json_strz(b, c->after);
	return rc ? rc : bt_buf_addc(b, '}');
}

int bt_ingest_counts_json(const struct bt_ingest_stats *st, struct bt_buf *b)
{
	return bt_buf_printf(b, "\"accepted\":%llu,\"duplicates\":%llu,\"rejected\":%llu,"
				"\"suppressed\":%llu,\"refused\":%llu",
			     (unsigned long long)st->accepted, (unsigned long long)st->duplicates,
			     (unsigned long long)st->rejected, (unsigned long long)st->suppressed,
			     (unsigned long long)st->refused);
}

int bt_reject_json(const char *file, long line, long index, const char *reason, struct bt_buf *b)
{
	int rc = bt_buf_addc(b, '{');
	if (file) {
		rc = rc ? rc : bt_buf_adds(b, "\"file\":");
		rc = rc ? rc : bt_buf_json_strz(b, file);
		rc = rc ? rc : bt_buf_addc(b, ',');
	}
	if (line > 0)
		rc = rc ? rc : bt_buf_printf(b, "\"line\":%ld,", line);
	rc = rc ? rc : bt_buf_printf(b, "\"index\":%ld,\"error\":", index);
	rc = rc ? rc : bt_buf_json_strz(b, reason);
	return rc ? rc : bt_buf_addc(b, '}');
}

int bt_ingest_answer_json(const char *lead, const struct bt_ingest_stats *st,
			  uint64_t dead_refused, const char *errors, struct bt_buf *b)
{
	int rc = bt_buf_printf(b, "{%s", lead ? lead : "");
	rc = rc ? rc : bt_ingest_counts_json(st, b);
	if (dead_refused) /* each such error says why too */
		rc = rc ? rc : bt_buf_printf(b, ",\"dead_letters_refused\":%llu",
					    (unsigned long long)dead_refused);
	return rc ? rc : bt_buf_printf(b, ",\"errors\":[%s]}", errors ? errors : "");
}

int bt_error_json(const char *code, const char *detail, struct bt_buf *b)
{
	int rc = bt_buf_adds(b, "{\"error\":");
	rc = rc ? rc : bt_buf_json_strz(b, code);
	rc = rc ? rc : bt_buf_adds(b, ",\"detail\":");
	rc = rc ? rc : bt_buf_json_strz(b, detail);
	return rc ? rc : bt_buf_addc(b, '}');
}

int bt_health_json(const char *reason, struct bt_buf *b)
{
	if (!reason)
		return bt_buf_adds(b, "{\"status\":\"ok\"}");
	int rc = bt_buf_adds(b, "{\"status\":\"unhealthy\",\"reason\":");
	rc = rc ? rc : bt_buf_json_strz(b, reason);
	return rc ? rc : bt_buf_addc(b, '}');
}

int bt_page_open(const char *key, struct bt_buf *b)
{
	return bt_buf_printf(b, "{\"%s\":[", key);
}

int bt_page_close(uint64_t total, const char *next, struct bt_buf *b)
{
	int rc = bt_buf_printf(b, "],\"total\":%llu,\"next\":", (unsigned long long)total);
	rc = rc ? rc : bt_buf_json_strz(b, next);
	return rc ? rc : bt_buf_addc(b, '}');
}

int bt_flow_json(const char *journey, const struct bt_kpis *k, struct bt_buf *b)
{
	int rc = bt_buf_adds(b, "{\"journey\":");
	rc = rc ? rc : bt_buf_json_strz(b, journey);
	rc = rc ? rc : bt_buf_adds(b, ",\"flow\":[");
	for (size_t i = 0; i < k->nroutes && !rc; i++) {
		rc = i ? bt_buf_addc(b, ',') : 0;
		rc = rc ? rc : bt_route_json(&k->routes[i], journey == NULL, b);
	}
	return rc ? rc : bt_buf_adds(b, "]}");
}

/* Now, as the logs give it. */
static void log_now(char ts[32])
{
	struct timespec wall;
	clock_gettime(CLOCK_REALTIME, &wall);
	bt_time_format((int64_t)wall.tv_sec * 1000 + wall.tv_nsec / 1000000, ts);
}

int bt_log_json(const char *level, const char *from, const char *msg, struct bt_buf *b)
{
	char ts[32];
	log_now(ts);
	int rc = bt_buf_printf(b, "{\"ts\":\"%s\",\"level\":", ts);
	rc = rc ? rc : bt_buf_json_strz(b, level);
	rc = rc ? rc : bt_buf_adds(b, ",\"from\":");
	rc = rc ? rc : bt_buf_json_strz(b, from);
	rc = rc ? rc : bt_buf_adds(b, ",\"msg\":");
	rc = rc ? rc : bt_buf_json_strz(b, msg);
	return rc ? rc : bt_buf_addc(b, '}');
}

int bt_access_json(const char *method, const char *route, int status, double ms, size_t in,
		   size_t out_bytes, int64_t token, struct bt_buf *b)
{
	char ts[32];
	log_now(ts);
	int rc = bt_buf_printf(b, "{\"ts\":\"%s\",\"method\":", ts);
	rc = rc ? rc : bt_buf_json_strz(b, method);
	rc = rc ? rc : bt_buf_adds(b, ",\"route\":");
	rc = rc ? rc : bt_buf_json_strz(b, route);
	return rc ? rc
		  : bt_buf_printf(b, ",\"status\":%d,\"ms\":%.3f,\"bytes_in\":%zu,\"bytes_out\":%zu,"
				     "\"token\":%lld}",
				  status, ms, in, out_bytes, (long long)token);
}

int bt_summary_json(const struct bt_summary *s, struct bt_buf *b)
{
	return bt_buf_printf(b, "{\"events\":%lld,\"profiles\":%lld,\"identifiers\":%lld,"
				"\"merges\":%lld,\"conflicts\":%lld,\"dead_letters\":%lld,"
				"\"refused\":%lld}",
			     (long long)s->events, (long long)s->profiles, (long long)s->identifiers,
			     (long long)s->merges, (long long)s->conflicts, (long long)s->dead_letters,
			     (long long)s->refused);
}

int bt_erase_json(const struct bt_erase_stats *st, struct bt_buf *b)
{
	char id[24];
	if (st->already)
		return bt_buf_adds(b, "{\"already\":true}");
	bt_profile_id_format(st->profile, id);
	return bt_buf_printf(b, "{\"profile\":\"%s\",\"identifiers\":%zu,\"events\":%zu,\"scrubbed\":%zu,"
				"\"dead_letters\":%zu}",
			     id, st->identifiers, st->events, st->scrubbed, st->dead_letters);
}

static int purge_set_json(struct bt_buf *b, const char *name, const struct bt_purge_set *p)
{
	char keep[40], upto[32];
	if (!p->keep_ms)
		return bt_buf_printf(b, ",\"%s\":{\"keep\":null,\"cutoff\":null,\"purged\":0}", name);
	bt_duration_format(p->keep_ms, keep);
	bt_time_format(p->upto_ms, upto);
	return bt_buf_printf(b, ",\"%s\":{\"keep\":\"%s\",\"cutoff\":\"%s\",\"purged\":%lld}", name,
			     keep, upto, (long long)p->purged);
}

int bt_purge_json(const struct bt_purge_stats *st, int dry, struct bt_buf *b)
{
	char at[32];
	bt_time_format(st->as_of_ms, at);
	int rc = bt_buf_printf(b, "{\"as_of\":\"%s\",\"dry_run\":%s", at, dry ? "true" : "false");
	if (!rc)
		rc = purge_set_json(b, "events", &st->events);
	if (!rc)
		rc = purge_set_json(b, "dead_letters", &st->dead_letters);
	if (!rc)
		rc = purge_set_json(b, "webhook_deliveries", &st->webhook_deliveries);
	return rc ? rc : bt_buf_adds(b, "}");
}

static int purge_set_text(struct bt_buf *b, const char *name, const struct bt_purge_set *p,
			  int dry)
{
	char keep[40], upto[32];
	if (!p->keep_ms)
		return bt_buf_printf(b, "%s: kept for ever (no retention set)\n", name);
	bt_duration_format(p->keep_ms, keep);
	bt_time_format(p->upto_ms, upto);
	return bt_buf_printf(b, "%s: kept %s; %lld made at or before %s %s\n", name, keep,
			     (long long)p->purged, upto, dry ? "would be purged" : "purged");
}

int bt_purge_text(const struct bt_purge_stats *st, int dry, struct bt_buf *b)
{
	int rc = purge_set_text(b, "events", &st->events, dry);
	if (!rc)
		rc = purge_set_text(b, "dead letters", &st->dead_letters, dry);
	return rc ? rc : purge_set_text(b, "webhook deliveries", &st->webhook_deliveries, dry);
}

/* "P17" as a JSON string, or null for 0. */
static int profile_field(struct bt_buf *b, const char *key, int64_t id)
{
	char v[24];
	if (!id)
		return bt_buf_printf(b, ",\"%s\":null", key);
	bt_profile_id_format(id, v);
	return bt_buf_printf(b, ",\"%s\":\"%s\"", key, v);
}

/* A time in ms as an RFC 3339 JSON string, or null for 0. */
static int time_field(struct bt_buf *b, const char *key, int64_t ms)
{
	char t[32];
	if (!ms)
		return bt_buf_printf(b, ",\"%s\":null", key);
	bt_time_format(ms, t);
	return bt_buf_printf(b, ",\"%s\":\"%s\"", key, t);
}

/* ,"key":"text" or ,"key":null */
static int text_field(struct bt_buf *b, const char *key, const char *text)
{
	int rc = bt_buf_printf(b, ",\"%s\":", key);
	if (rc || !text)
		return rc ? rc : bt_buf_adds(b, "null");
	return bt_buf_json_strz(b, text);
}

int bt_conflict_json(const struct bt_conflict *c, struct bt_buf *b)
{
	int rc = bt_buf_printf(b, "{\"id\":%lld,\"event\":%lld", (long long)c->id, (long long)c->event);
	rc = rc ? rc : text_field(b, "identifier", c->identifier);
	rc = rc ? rc : profile_field(b, "profile", c->profile);
	rc = rc ? rc : profile_field(b, "other_profile", c->other_profile);
	rc = rc ? rc : text_field(b, "reason", c->reason);
	rc = rc ? rc : time_field(b, "at", c->at);
	rc = rc ? rc : profile_field(b, "profile_now", c->profile_now);
	rc = rc ? rc : profile_field(b, "other_now", c->other_now);
	rc = rc ? rc : text_field(b, "state", c->resolution ? c->resolution : "open");
	rc = rc ? rc : time_field(b, "resolved_at", c->resolved_at);
	rc = rc ? rc : text_field(b, "resolved_by", c->resolved_by);
	return rc ? rc : bt_buf_addc(b, '}');
}

int bt_conflicts_page_json(const struct bt_conflict *c, size_t n, int64_t total, int more,
			   struct bt_buf *b)
{
	char next[24];
	int rc = bt_page_open("conflicts", b);
	for (size_t i = 0; !rc && i < n; i++) {
		rc = i ? bt_buf_addc(b, ',') : 0;
		rc = rc ? rc : bt_conflict_json(&c[i], b);
	}
	if (more && n)
		snprintf(next, sizeof(next), "%lld", (long long)c[n - 1].id);
	return rc ? rc : bt_page_close((uint64_t)total, more && n ? next : NULL, b);
}

int bt_merge_json(const struct bt_merge *m, struct bt_buf *b)
{
	int rc = bt_buf_printf(b, "{\"id\":%lld", (long long)m->id);
	rc = rc ? rc : profile_field(b, "into", m->into);
	rc = rc ? rc : profile_field(b, "from", m->from);
	rc = rc ? rc : bt_buf_printf(b, ",\"event\":%lld", (long long)m->event);
	rc = rc ? rc : text_field(b, "identifier", m->identifier);
	rc = rc ? rc : text_field(b, "reason", m->reason);
	rc = rc ? rc : time_field(b, "at", m->at);
	rc = rc ? rc : text_field(b, "state", bt_merge_state_names[m->state]);
	rc = rc ? rc : time_field(b, "split_at", m->split_at);
	rc = rc ? rc : text_field(b, "split_by", m->split_by);
	return rc ? rc : bt_buf_addc(b, '}');
}

int bt_merges_json(int64_t root, const struct bt_merge *m, size_t n, struct bt_buf *b)
{
	char id[24];
	bt_profile_id_format(root, id);
	int rc = bt_buf_printf(b, "{\"profile\":\"%s\",\"merges\":[", id);
	for (size_t i = 0; !rc && i < n; i++) {
		rc = i ? bt_buf_addc(b, ',') : 0;
		rc = rc ? rc : bt_merge_json(&m[i], b);
	}
	return rc ? rc : bt_buf_adds(b, "]}");
}

int bt_resolved_json(const struct bt_resolved *r, struct bt_buf *b)
{
	int rc = bt_buf_printf(b, "{\"conflict\":%lld,\"resolution\":\"%s\"", (long long)r->conflict,
			       bt_resolve_action_names[r->action]);
	rc = rc ? rc : profile_field(b, "profile", r->profile);
	rc = rc ? rc : profile_field(b, "other_profile", r->other);
	rc = rc ? rc : (r->merge ? bt_buf_printf(b, ",\"merge\":%lld}", (long long)r->merge)
				 : bt_buf_adds(b, ",\"merge\":null}"));
	return rc;
}

int bt_split_json(const struct bt_split *s, struct bt_buf *b)
{
	int rc = bt_buf_printf(b, "{\"merge\":%lld", (long long)s->merge);
	rc = rc ? rc : profile_field(b, "profile", s->profile);
	rc = rc ? rc : bt_buf_adds(b, ",\"profiles\":[");
	for (size_t i = 0; !rc && i < s->nprofiles; i++) {
		char id[24];
		bt_profile_id_format(s->profiles[i], id);
		rc = bt_buf_printf(b, "%s\"%s\"", i ? "," : "", id);
	}
	return rc ? rc : bt_buf_printf(b, "],\"identifiers\":%zu,\"events\":%zu,\"relinked\":%zu,"
					  "\"conflicts\":%zu}",
				       s->identifiers, s->events, s->relinked, s->conflicts);
}

char *bt_profile_json(const struct bt_profile *p)
{
	struct bt_buf b = BT_BUF_INIT;
	char id[24];
	int rc;
	bt_profile_id_format(p->id, id);
	rc = bt_buf_adds(&b, "{\"profile\":");
	rc = rc ? rc : bt_buf_json_strz(&b, id);
	rc = rc ? rc : bt_buf_adds(&b, ",\"identifiers\":[");
	for (size_t i = 0; !rc && i < p->nidentifiers; i++) {
		if (i)
			rc = bt_buf_addc(&b, ',');
		rc = rc ? rc : bt_buf_json_strz(&b, p->identifiers[i]);
	}
	rc = rc ? rc : bt_buf_printf(&b, "],\"events\":%lld,\"conflicts\":[", (long long)p->events);
	for (size_t i = 0; !rc && i < p->nconflicts; i++) {
		rc = i ? bt_buf_addc(&b, ',') : 0;
		rc = rc ? rc : bt_conflict_json(&p->conflicts[i], &b);
	}
	rc = rc ? rc : bt_buf_adds(&b, "],\"refusals\":[");
	for (size_t i = 0; !rc && i < p->nrefusals; i++) {
		const struct bt_refusal *f = &p->refusals[i];
		rc = bt_buf_printf(&b, "%s{\"event\":%lld,\"identifier\":", i ? "," : "",
				   (long long)f->event);
		rc = rc ? rc : bt_buf_json_strz(&b, f->identifier);
		rc = rc ? rc : bt_buf_adds(&b, ",\"reason\":");
		rc = rc ? rc : bt_buf_json_strz(&b, f->reason);
		rc = rc ? rc : bt_buf_addc(&b, '}');
	}
	rc = rc ? rc : bt_buf_adds(&b, "],\"merges\":[");
	for (size_t i = 0; !rc && i < p->nmerges; i++) {
		rc = i ? bt_buf_addc(&b, ',') : 0;
		rc = rc ? rc : bt_merge_json(&p->merges[i], &b);
	}
	rc = rc ? rc : bt_buf_adds(&b, "]}");
	if (rc) {
		bt_buf_release(&b);
		return NULL;
	}
	return bt_buf_detach(&b, NULL);
}
