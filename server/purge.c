/* SPDX-License-Identifier: Apache-2.0 */
/*
 * purge.c - the retention job of baton serve (docs/retention.md): the
 * announcer's thread calls bt_purge_round at each look, and every hour
 * (BATON_PURGE_MS), from its first look on, it purges what the stored
 * configuration's retention no longer keeps, and the signed-out sessions
 * long expired, through the server's writer; then it scrubs the files on a
 * connection of its own, so that ingest does not wait for that.
 * Every node of a PostgreSQL database does so; a second purge finds
 * nothing.  The log says how many rows went, never which.
 */
#include "server.h"
#include "baton/util.h"

#include "baton/config.h"

#include <stdlib.h>

#define PURGE_EVERY_MS (3600 * INT64_C(1000))

void bt_purger_init(struct bt_purger *p)
{
	const char *e = getenv("BATON_PURGE_MS");
	long ms = e ? strtol(e, NULL, 10) : 0;
	p->every_ms = ms >= 50 && ms <= 86400000 ? ms : PURGE_EVERY_MS;
	p->last = 0;
}

/* The files' scrub after a purge, on a connection of its own: the
 * server's writer (and the ingest behind it) does not wait for it (a
 * VACUUM, or a checkpoint waiting for readers). */
static int scrub(struct bt_server *s, struct bt_err *err)
{
	struct bt_db *db = NULL;
	int rc = bt_db_open(&db, s->opt->db_path, 0, err);
	if (!rc)
		rc = bt_purge_scrub(db, err);
	bt_db_close(db);
	return rc;
}

int bt_purge_round(struct bt_server *s)
{
	struct bt_purger *p = &s->purger;
	int64_t now = bt_time_now_ms();
	if (p->last && now - p->last < p->every_ms)
		return 0;
	p->last = now;
	struct bt_config *cfg = NULL;
	struct bt_err err = {0, ""};
	struct bt_db *rdb = bt_reader_get(s);
	int rc = bt_db_config_get(rdb, &cfg, &err);
	bt_reader_put(s, rdb);
	if (!rc) { /* every round: signed-out sessions expire without a retention too */
		struct bt_purge_stats st;
		pthread_mutex_lock(&s->mu);
		rc = bt_purge(s->db, cfg, now, 0, &st, &err);
		pthread_mutex_unlock(&s->mu);
		int went = !rc && st.events.purged + st.dead_letters.purged +
					      st.webhook_deliveries.purged;
		if (!rc) {
			__atomic_fetch_add(&p->events, (uint64_t)st.events.purged, __ATOMIC_RELAXED);
			__atomic_fetch_add(&p->dead_letters, (uint64_t)st.dead_letters.purged,
					   __ATOMIC_RELAXED);
			__atomic_fetch_add(&p->deliveries, (uint64_t)st.webhook_deliveries.purged,
					   __ATOMIC_RELAXED);
			if (st.events.purged || st.dead_letters.purged || st.webhook_deliveries.purged)
				bt_log("info", "retention: purged %lld events, %lld dead letters and "
					       "%lld webhook deliveries",
				       (long long)st.events.purged, (long long)st.dead_letters.purged,
				       (long long)st.webhook_deliveries.purged);
		}
		/* rows went, or an earlier scrub failed: scrub (again) */
		if (!rc && (went || p->unscrubbed))
			p->unscrubbed = (rc = scrub(s, &err)) != 0;
	}
	bt_config_free(cfg);
	if (rc)
		bt_log("error", "retention: the purge failed: %s", err.msg[0] ? err.msg : bt_strerror(rc));
	return rc;
}

int bt_purge_metrics(struct bt_server *s, struct bt_buf *b)
{
	return bt_buf_printf(
	    b,
	    "# HELP baton_purged_total Rows deleted by the retention job.\n"
	    "# TYPE baton_purged_total counter\n"
	    "baton_purged_total{set=\"events\"} %llu\n"
	    "baton_purged_total{set=\"dead_letters\"} %llu\n"
	    "baton_purged_total{set=\"webhook_deliveries\"} %llu\n",
	    (unsigned long long)__atomic_load_n(&s->purger.events, __ATOMIC_RELAXED),
	    (unsigned long long)__atomic_load_n(&s->purger.dead_letters, __ATOMIC_RELAXED),
	    (unsigned long long)__atomic_load_n(&s->purger.deliveries, __ATOMIC_RELAXED));
}
