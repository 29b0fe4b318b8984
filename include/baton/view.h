/* SPDX-License-Identifier: Apache-2.0 */
/*
 * view.h - the one view layer: how every public structure reads as JSON,
 * and the KPIs defined once.
 *
 * The CLI's --json, the HTTP API, `baton report` and the dashboard all
 * write through these functions, so the same thing never comes out two
 * ways.  The KPI tables (bt_kpi_journey, bt_kpi_local, bt_kpi_overall) give
 * each KPI its JSON key, its label in the text views, its unit and its
 * definition; the JSON writers, the text view of `baton kpis`, the report
 * and docs/kpis.md (`baton kpis --definitions`, compared by a test) all
 * come from them.
 */
#ifndef BATON_VIEW_H
#define BATON_VIEW_H

#include "baton/baton.h"
#include "baton/buf.h"
#include "baton/config.h"
#include "baton/engine.h"
#include "baton/token.h"

#include <stddef.h>
#include <stdint.h>

/* ---- the KPIs, defined once ---- */

enum bt_kpi_type {
	BT_KPI_COUNT, /* a uint64_t */
	BT_KPI_RATE,  /* a double, a fraction: shown as a percentage, NaN as - */
	BT_KPI_VALUE  /* a double: shown with two decimals, NaN as - */
};

/* How the text views (`baton kpis`, the report) show a KPI. */
enum bt_kpi_show {
	BT_SHOW_ROW,     /* a row (or column) of its own */
	BT_SHOW_ASIDE,   /* in brackets after the row of `of` */
	BT_SHOW_NONZERO, /* a row of its own, when not zero */
	BT_SHOW_NONE     /* JSON only */
};

struct bt_kpi_def {
	const char *key;        /* the JSON key; "a.b": b inside the object a */
	const char *label;      /* its row or column in the text views */
	const char *name;       /* its name in a sentence or the report's columns */
	const char *unit;       /* count, rate, per instance, seconds, score */
	enum bt_kpi_type type;
	size_t offset;          /* of its value in the row's struct */
	enum bt_kpi_show show;
	const char *of;         /* BT_SHOW_ASIDE: the key of its row */
	const char *aside;      /* BT_SHOW_ASIDE: how it reads there, %s its value */
	double scale;           /* text views: shown as value * scale ... */
	const char *suffix;     /* ... followed by this ("" none) */
	const char *definition; /* its line in docs/kpis.md */
};

/* Per journey (struct bt_journey_kpis), per team and source (struct
 * bt_local_kpis), and overall (struct bt_kpis). */
extern const struct bt_kpi_def bt_kpi_journey[], bt_kpi_local[], bt_kpi_overall[];
extern const size_t bt_kpi_njourney, bt_kpi_nlocal, bt_kpi_noverall;

/* The value of KPI d in row (a struct of its table's kind), as a double. */
double bt_kpi_value(const struct bt_kpi_def *d, const void *row);
/* As the text views show it: "12", "82.8%", "38.68", "-" (followed by
 * d->suffix unless it is "-": bt_kpi_has_value). */
void bt_kpi_text(const struct bt_kpi_def *d, const void *row, char out[32]);
/* Has KPI d a value in row (not NaN)? */
int bt_kpi_has_value(const struct bt_kpi_def *d, const void *row);
/* The asides of the row of KPI d, as the text views show them after its
 * value: "open 7, resolved 415, abandoned 86" (those without a value left
 * out); "" when none. */
void bt_kpi_asides(const struct bt_kpi_def *t, size_t n, const struct bt_kpi_def *d,
		   const void *row, char *out, size_t size);
/* The KPI of a table by its JSON key, or NULL. */
const struct bt_kpi_def *bt_kpi_find(const struct bt_kpi_def *t, size_t n, const char *key);
/* The three tables as the Markdown of docs/kpis.md (`baton kpis --definitions`). */
int bt_kpi_definitions_md(struct bt_buf *out);

/* ---- JSON ---- */

/* The JSON of `baton kpis --json` (docs/cli.md). */
int bt_kpis_json(const struct bt_kpis *k, struct bt_buf *out);
/* One team or source row: {"<key>":id, KPIs...}. */
/* One journey's KPIs as /v1/kpis writes each of its "journeys". */
int bt_journey_kpis_json(const struct bt_journey_kpis *k, struct bt_buf *b);
int bt_local_kpis_json(const struct bt_local_kpis *v, const char *key, struct bt_buf *out);
/* One handoff route: {["journey":..,]"from","to","handoffs","clean","failed",
 * "context_lost","customer_repeated","late"} ("count" repeats "handoffs",
 * as earlier versions named it); journey NULL leaves it out. */
int bt_route_json(const struct bt_handoff_route *r, int with_journey, struct bt_buf *out);
/* A journey: {"journey","name","owner","owner_name","defined","unowned",
 * "sensitive","recontact_window_s","abandon_after_s","handoff_sla_s",
 * "recontact_window","abandon_after","handoff_sla" (as "168h"),
 * "match_rules","stages","stage_slas","followup_sla_s","followup_sla",
 * "followup_triggers":{"csat_max","nps_max","ces_min","words"}
 * [,"instances"]}: its definition in cfg, else the
 * defaults of a journey seen in the data only (k names it then); with
 * its KPIs k (may be NULL), how many instances it has. */
int bt_journey_json(const struct bt_config *cfg, const char *id, const struct bt_journey_kpis *k,
		    struct bt_buf *out);
/* A dead letter: {"id","at","origin","line","format","reason","raw","truncated"}. */
int bt_dead_letter_json(const struct bt_dead_letter *d, struct bt_buf *out);
/* A change of a journey's rules:
 * {"id","at","who","via","journey","field","before","after"}. */
int bt_change_json(const struct bt_change *c, struct bt_buf *out);
/* A token, never its secret:
 * {"id","role","team","person","name","created","revoked","revoked_at"}. */
int bt_token_json(const struct bt_token *t, struct bt_buf *out);
/* A webhook, never its secret (docs/webhooks.md): {"id","url","events":[..],
 * "created","deliveries":{"pending","delivered","failed"}}. */
int bt_webhook_json(const struct bt_webhook *w, struct bt_buf *out);
/* A delivery with its attempts: {"id","delivery","webhook","event","state",
 * "created","next_attempt","payload":{..},"attempts":[{"at","status","error",
 * "ms","next_attempt"}]} (times RFC 3339, null for none). */
int bt_webhook_delivery_json(const struct bt_webhook_delivery *d, struct bt_buf *out);
/* The counts of an ingest, without braces:
 * "accepted":..,"duplicates":..,"rejected":..,"suppressed":..,"refused":.. */
int bt_ingest_counts_json(const struct bt_ingest_stats *st, struct bt_buf *out);
/* The profile: {"profile":"P17","identifiers":[...],"events":N,"conflicts":[...],
 * "refusals":[...],"merges":[...]}; a string to free with bt_free(), NULL
 * without memory. */
char *bt_profile_json(const struct bt_profile *p);
/* A conflict: {"id","event","identifier","profile","other_profile","reason",
 * "at","profile_now","other_now","state" (open, keep_apart or merge),
 * "resolved_at","resolved_by"}. */
int bt_conflict_json(const struct bt_conflict *c, struct bt_buf *out);
/* A page of conflicts (bt_conflicts_page): {"conflicts":[...],"total":N,
 * "next":the last one's id, or null when none follow}. */
int bt_conflicts_page_json(const struct bt_conflict *c, size_t n, int64_t total, int more,
			   struct bt_buf *out);
/* A merge of the ledger: {"id","into","from","event","identifier","reason",
 * "at","state" (active, split or undone),"split_at","split_by"}. */
int bt_merge_json(const struct bt_merge *m, struct bt_buf *out);
/* A profile's merge ledger: {"profile":"P17","merges":[...]}. */
int bt_merges_json(int64_t root, const struct bt_merge *m, size_t n, struct bt_buf *out);
/* A conflict resolved: {"conflict","resolution","profile","other_profile","merge"}. */
int bt_resolved_json(const struct bt_resolved *r, struct bt_buf *out);
/* A split: {"merge","profile","profiles":[...],"identifiers","events",
 * "relinked","conflicts"}. */
int bt_split_json(const struct bt_split *s, struct bt_buf *out);
/* A rejected record of an ingest: {["file":..,]["line":..,]"index":..,"error":..};
 * file NULL and line 0 are left out. */
int bt_reject_json(const char *file, long line, long index, const char *reason, struct bt_buf *out);
/* The answer to an ingest: {LEAD"accepted":..,"duplicates":..,"rejected":..,
 * "suppressed":..,"refused":..[,"dead_letters_refused":..],"errors":[ERRORS]}
 * (lead: members to put first, with their comma, or ""; errors: reject
 * objects joined by commas, or NULL). */
int bt_ingest_answer_json(const char *lead, const struct bt_ingest_stats *st,
			  uint64_t dead_refused, const char *errors, struct bt_buf *out);
/* An error answer: {"error":code,"detail":detail}. */
int bt_error_json(const char *code, const char *detail, struct bt_buf *out);
/* /healthz: {"status":"ok"}, or {"status":"unhealthy","reason":..} when
 * reason is not NULL. */
int bt_health_json(const char *reason, struct bt_buf *out);
/* A page of a list: {"KEY":[ ... the items ... ],"total":N,"next":C|null}:
 * bt_page_open writes up to the first item, bt_page_close from after the
 * last (next NULL: the last page). */
int bt_page_open(const char *key, struct bt_buf *out);
int bt_page_close(uint64_t total, const char *next, struct bt_buf *out);
/* A journey's handoff flow: {"journey":..,"flow":[routes of k]}. */
int bt_flow_json(const char *journey, const struct bt_kpis *k, struct bt_buf *out);
/* A line of the server's log: {"ts","level","from","msg"}, and one of its
 * access log: {"ts","method","route","status","ms","bytes_in","bytes_out","token"}. */
int bt_log_json(const char *level, const char *from, const char *msg, struct bt_buf *out);
int bt_access_json(const char *method, const char *route, int status, double ms, size_t in,
		   size_t out_bytes, int64_t token, struct bt_buf *out);
/* What the database holds (`baton summary --json`). */
int bt_summary_json(const struct bt_summary *s, struct bt_buf *out);
/* What an erasure removed (`baton erase --json`). */
int bt_erase_json(const struct bt_erase_stats *st, struct bt_buf *out);
/* A purge (docs/retention.md): {"as_of", "dry_run", "dead_letters":
 * {"keep", "cutoff", "purged"}, "webhook_deliveries": {...}} (rows made
 * at or before cutoff go; keep and cutoff null for a data set kept for
 * ever); and the same as lines of text. */
int bt_purge_json(const struct bt_purge_stats *st, int dry, struct bt_buf *out);
int bt_purge_text(const struct bt_purge_stats *st, int dry, struct bt_buf *out);

#endif
