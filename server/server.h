/* SPDX-License-Identifier: Apache-2.0 */
/*
 * server.h - `baton serve`: the HTTP API on libmicrohttpd, built on the
 * public API of libbaton only.
 *
 * http.c is the glue: it reads requests (bodies up to 512 KiB), checks the
 * bearer token and the per-token rate, dispatches to the route table of
 * routes.c, writes JSON errors, the access log (no personal data: routes
 * are logged by their template, never their path) and the metrics, and
 * shuts down gracefully on SIGTERM.
 */
#ifndef BT_SERVER_H
#define BT_SERVER_H

#include "baton/baton.h"
#include "baton/buf.h"
#include "baton/config.h"
#include "baton/live.h"
#include "baton/token.h"
#include "baton/view.h"

#include <pthread.h>
#include <stdint.h>

#define BT_BODY_MAX (512 * 1024)

struct bt_server_options {
	const char *db_path;
	const char *listen; /* "ADDR:PORT"; default 127.0.0.1:8080 */
	double rate;        /* requests per second per token; 0: no limit */
	int quiet;          /* no access log */
	/* what a client may hold: connections in all and per client address
	 * (past them a connection is closed at once, never left waiting),
	 * seconds to send a request's header, and its whole body */
	unsigned max_connections, per_client, header_timeout_s, request_timeout_s;
	/* dead letters: the bytes each token may keep per ten minutes, and
	 * all of them together (MB) */
	unsigned dead_budget_mb, dead_cap_mb;
	const char *web_dir; /* the dashboard's built files; NULL: those built in */
};

#define BT_MAX_CONNECTIONS 256
#define BT_PER_CLIENT 32
#define BT_HEADER_TIMEOUT_S 10
#define BT_REQUEST_TIMEOUT_S 60
#define BT_DEAD_BUDGET_MB 16
#define BT_DEAD_CAP_MB 256

/* The dead-letter bytes token may still keep, and what it kept. */
struct bt_server;
int64_t bt_dead_budget(struct bt_server *s, int64_t token);
void bt_dead_spend(struct bt_server *s, int64_t token, uint64_t bytes);

/* Run until SIGTERM or SIGINT; returns a process exit code. */
int bt_server_run(const struct bt_server_options *o);

/* One request as the handlers see it. */
struct bt_request {
	const char *method;
	const char *path;          /* without the query */
	const char *params[3];     /* the {…} parts of the route, decoded */
	const char *content_type;
	const char *body;
	size_t body_len;
	const struct bt_token *who;
	void *conn;                /* for query arguments */
};

/* What a handler answers: status and a JSON (or other) body. */
struct bt_response {
	int status;
	const char *content_type; /* default application/json */
	struct bt_buf body;
	char retry_after[16];
	/* the dashboard's answers (web.c) */
	const void *data;   /* a body kept by the server (a file), instead of body */
	size_t data_len;
	const char *etag, *cache, *encoding; /* cache: Cache-Control (default no-store) */
	int vary;           /* Vary: Accept-Encoding */
	int page;           /* the dashboard's page */
	char location[512]; /* a redirect's */
	char cookie[320];   /* Set-Cookie */
};

#define BT_READERS 4

/* web.c: the dashboard's files, in memory, raw and gzipped (gz NULL when
 * that is not smaller). */
struct bt_web_file {
	char *path; /* "/index.html", "/assets/app-5FHX2KQM.js" */
	unsigned char *raw, *gz;
	size_t len, gz_len;
	const char *type;
	char etag[24];
	int immutable; /* named by its content: cached for a year */
};
struct bt_web {
	struct bt_web_file *v;
	size_t n;
	const struct bt_web_file *index; /* the page */
};

/* web.c: the signed-in browsers. */
/* web.c: the key that seals the dashboard's session cookies (token.h). */
struct bt_sessions {
	unsigned char key[32];
};

/* The server's own state lives in its struct bt_server, none in file-level
 * globals: each part below belongs to one file, which alone reads it. */

/* commit.c: a thread of the server's, with the mutex of its state, the
 * condition that wakes it, and whether it runs and is asked to stop. */
struct bt_worker {
	pthread_mutex_t mu;
	pthread_cond_t wake;
	pthread_t thread;
	int running, stop;
};

/* Start w's thread on run(arg); 0, or -1 when it could not start. */
int bt_worker_start(struct bt_worker *w, void *(*run)(void *), void *arg);
/* Ask w's thread to stop and wait for it: 1, or 0 when it was not running. */
int bt_worker_stop(struct bt_worker *w);

/* announce.c: the announcer, telling the webhooks what happened; the hashes
 * of the moments' keys it has seen (an open-addressing set), and how many
 * it announced. */
struct bt_announcer {
	struct bt_worker w;
	long every_ms;
	uint64_t *seen;
	size_t n, cap;
	int64_t since_forget;
	uint64_t announced;
};

/* purge.c: the retention job, run by the announcer's thread: when it
 * last ran, how often, and the rows it deleted. */
struct bt_purger {
	int64_t every_ms, last;
	int unscrubbed; /* the last scrub failed: the next round tries again */
	uint64_t events, dead_letters, deliveries;
};

/* webhooks.c: the delivery worker, with a writer connection of its own
 * (db, under dbmu: the admin routes that write webhooks use it too), the
 * configuration's word on private addresses (read again when the epoch
 * moves), the backoff, and the outcomes of its attempts. */
struct bt_hooks {
	struct bt_worker w;
	int kicked;
	pthread_mutex_t dbmu;
	struct bt_db *db;
	int64_t epoch, backoff_ms;
	int allow_private, failing, curl;
	uint64_t delivered, retried, failed; /* attempts, for /metrics */
};

/* commit.c: the committer and the requests waiting for it. */
struct bt_commit_job;
struct bt_commit_queue {
	struct bt_worker w;        /* woken by a new request */
	pthread_cond_t finished;   /* a group was committed (or failed) */
	struct bt_commit_job *head, *tail;
};

/* commit.c: the follower thread, kicked after each commit. */
struct bt_follower {
	struct bt_worker w;
	int kicked;
	int kick_fd; /* eventfd written by a kick, for a follower that polls (-1: none) */
	int fallback_ms; /* its look without a notification (BATON_FOLLOW_FALLBACK_MS) */
};

/* http.c: what each token may still spend (requests, dead-letter bytes). */
struct bt_bucket;
struct bt_buckets {
	pthread_mutex_t mu;
	struct bt_bucket *v;
	size_t n, cap;
};

/* http.c: the open connections, their deadlines, and the watchdog. */
struct bt_conn_slot;
struct bt_conns {
	pthread_mutex_t mu;
	struct bt_conn_slot *head;
	unsigned n, max, header_s, request_s;
	int stop, watching;
	pthread_t watchdog;
};

/* The state handlers share.  db is the writer's connection: every use holds
 * mu.  Reads take a connection of their own from the pool (WAL lets them
 * run beside the committer): bt_reader_get / bt_reader_put. */
struct bt_server {
	struct bt_db *db;
	pthread_mutex_t mu;
	struct bt_db *readers[BT_READERS];
	int free[BT_READERS], nfree;
	pthread_mutex_t rmu;
	pthread_cond_t rcond;
	const struct bt_server_options *opt;
	struct bt_live *live; /* what context and guard answer from */
	/* metrics */
	uint64_t requests[6];   /* by status class 1xx..5xx, [0] unused */
	uint64_t latency[12];   /* histogram buckets, see http.c */
	uint64_t latency_sum_ns; /* atomic: never behind the committer */
	uint64_t ingested, rejected, duplicates, in_flight;
	uint64_t commits, committed_requests; /* group commit: requests per commit */
	uint64_t dead_refused; /* rejected records not kept (budget, cap) */
	struct bt_commit_queue commit;
	struct bt_follower follow;
	struct bt_buckets rate, dead; /* per token: requests, dead-letter bytes */
	struct bt_conns conns;
	struct bt_web web;
	struct bt_sessions sessions;
	struct bt_hooks hooks;
	struct bt_announcer announcer;
	struct bt_purger purger;
};

typedef int (*bt_handler)(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs);

struct bt_route {
	const char *method;
	const char *pattern;  /* "/v1/events/{id}" */
	unsigned roles;       /* bit per enum bt_role allowed */
	bt_handler fn;
	const char *summary;
	int quick; /* answered in well under a millisecond: served on a short time slice */
	const char *params; /* the query parameters it takes, space-separated;
			     * any other (or one given twice) is a 400 */
};

/* Group commit (commit.c): a job is one request's records.  After each
 * commit the follower thread brings s->live up to date, and a request is
 * answered only once its events are in it too (read your writes). */
typedef int (*bt_commit_feed)(struct bt_ingest *in, struct bt_commit_job *job);
int bt_commit_start(struct bt_server *s);
void bt_commit_stop(struct bt_server *s); /* also when it never started */
int bt_follow_start(struct bt_server *s);
void bt_follow_stop(struct bt_server *s);
/* Bring s->live up to every commit made before the call, by any process
 * (for journey-level reads; the context call does not wait). */
void bt_follow_sync(struct bt_server *s);
/* Make sure s->live was built at the database's epoch, waiting for its
 * rebuild when an erasure (or a configuration) moved it: after `baton
 * erase` returns, the context and the guard must not show the person.
 * One query when nothing moved; 0, or BT_EBUSY when the rebuild takes
 * longer than 10 s. */
int bt_follow_epoch(struct bt_server *s);
/* Read your writes on any node: wait until the live state has seen every
 * commit made in the database before the call (at once on SQLite). */
int bt_follow_committed(struct bt_server *s);
struct bt_commit_job *bt_commit_job_new(const char *data, size_t len, enum bt_format fmt,
					 bt_commit_feed feed, void *arg);
/* Queue the job of a request and wait until its records are durable; 0,
 * BT_EINVAL (the body is not JSON: see msg) or the store's failure.  Its
 * dead letters are held to the sending token's budget (bt_dead_budget),
 * and counted in the metrics. */
int bt_commit_ingest(struct bt_server *s, const struct bt_request *rq, struct bt_commit_job *job);
void bt_commit_job_free(struct bt_commit_job *job);
const struct bt_ingest_stats *bt_commit_job_stats(const struct bt_commit_job *job);
const char *bt_commit_job_msg(const struct bt_commit_job *job);
void *bt_commit_job_arg(const struct bt_commit_job *job);
/* A feed reports a record it rejected: its 0-based index within the
 * request, and its 1-based line (0: none). */
void bt_commit_reject(struct bt_commit_job *job, long index, long line, const char *reason);
/* Count a durable job in the metrics and answer with its counts:
 * {LEAD"accepted":..,"duplicates":..,"rejected":..,"suppressed":..,"refused":..,"errors":[..]}. */
int bt_commit_answer(struct bt_server *s, struct bt_response *rs, const struct bt_commit_job *job,
		     const char *lead);

/* Segment-spec routes (segment.c). */
int bt_segment_batch(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs);
int bt_segment_track(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs);
int bt_segment_identify(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs);
int bt_segment_alias(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs);
int bt_segment_page(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs);
int bt_segment_screen(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs);
int bt_segment_group(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs);

/* Webhooks (webhooks.c, docs/webhooks.md): the delivery worker's
 * connection (open), its thread (start, stop), then close; the admin
 * routes; the worker's lines of /metrics. */
int bt_hooks_open(struct bt_server *s, struct bt_err *err);
int bt_hooks_start(struct bt_server *s);
void bt_hooks_stop(struct bt_server *s); /* also when it never started */
void bt_hooks_close(struct bt_server *s);
/* Wake the worker: a delivery was queued (bt_webhook_emit) and committed.
 * Without it, the worker finds it within a second. */
void bt_hooks_kick(struct bt_server *s);
/* The announcer (announce.c): started after the live state is built. */
int bt_announcer_start(struct bt_server *s);
void bt_announcer_stop(struct bt_server *s); /* also when it never started */
int bt_hooks_metrics(struct bt_server *s, struct bt_buf *b);
/* The retention job (purge.c): init before the announcer starts; a round
 * purges when its hour has come (logging a failure itself); its lines of
 * /metrics. */
void bt_purger_init(struct bt_purger *p);
int bt_purge_round(struct bt_server *s);
int bt_purge_metrics(struct bt_server *s, struct bt_buf *b);
int bt_webhooks_post(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs);
int bt_webhooks_get(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs);
int bt_webhooks_delete(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs);
int bt_webhooks_deliveries(struct bt_server *s, const struct bt_request *rq,
			   struct bt_response *rs);
/* changes.c: what changed (docs/changes.md) */
int bt_changes_get(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs);
int bt_changes_post(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs);
int bt_changes_impact(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs);
int bt_webhooks_test(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs);
/* initiatives.c: the initiative routes (docs/initiatives.md) */
int bt_initiatives_post(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs);
int bt_initiatives_get(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs);
int bt_initiative_get(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs);

extern const struct bt_route bt_routes[];
extern const size_t bt_nroutes;
extern const char bt_openapi_json[];

struct bt_db *bt_reader_get(struct bt_server *s);
void bt_reader_put(struct bt_server *s, struct bt_db *db);

/* A record of the server's own in its JSON log on stderr (never personal
 * data): {"ts","level":level,"from":"baton","msg":...}. */
void bt_log(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The dashboard (web.c).  Load its files from dir (NULL: those built in);
 * 0, or a failure explained in err. */
int bt_web_load(struct bt_web *w, const char *dir, struct bt_err *err);
void bt_web_release(struct bt_web *w);
/* Answer a request outside the API (a file, the page, POST /login and
 * /logout) and return the route it is logged as; NULL for the API's.
 * body is NULL when it was larger than the server takes. */
struct MHD_Connection;
const char *bt_web_handle(struct bt_server *s, struct MHD_Connection *c, const char *url,
			  const char *method, const char *body, size_t len, struct bt_response *rs);
/* The hash of the token of the request's session cookie: 1, 0 without a
 * cookie, -1 for a cookie of no live session. */
int bt_session_token(struct bt_server *s, struct MHD_Connection *c, unsigned char hash[32]);
/* End the request's session (its token was revoked, or it signs out). */
void bt_session_end(struct bt_server *s, struct MHD_Connection *c);
void bt_sessions_release(struct bt_sessions *t);
/* Is the request's Origin this server, as the browser addressed it? */
int bt_same_origin(struct MHD_Connection *c);
/* The Content-Security-Policy of every answer. */
extern const char bt_csp[];

/* Is w one of the space-separated words of words (NULL: none)? */
int bt_word_in(const char *words, const char *w);

/* A JSON error for a BT_E* code: its HTTP status and JSON code come from
 * the error table (baton/error.h), {"error": code, "detail": detail}. */
int bt_respond_err(struct bt_response *rs, int code, const char *detail);
/* The same with a status and code of the server's own, for the answers no
 * library code stands for: 405 (the route table's), 500 "internal" (a
 * failure the client cannot act on, whatever its cause), and the 503s that
 * ask to retry ("store_error" when a commit failed, "unavailable"). */
int bt_respond_error(struct bt_response *rs, int status, const char *code, const char *detail);
/* Query argument of the request, or NULL. */
const char *bt_query(const struct bt_request *rq, const char *key);
/* ?limit= of a list: 1 to 10000, default 100; 0, or -1 after answering 400
 * naming it. */
/* The caller's scope (an owner's person, a team's team), their name for
 * the record, and the stored configuration (NULL: answered 500). */
struct bt_scope bt_scope_of(const struct bt_request *rq);
void bt_who_of(const struct bt_request *rq, char out[96]);
struct bt_config *bt_config_now(struct bt_server *s, struct bt_response *rs);
/* /v1/actions (actions.c) */
int bt_actions_post(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs);
int bt_actions_patch(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs);
int bt_actions_get(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs);
int bt_action_visible(const struct bt_config *cfg, const struct bt_request *rq,
		      const struct bt_action *a);
int bt_actions_get_one(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs);
/* Answer 400 naming query parameter key, its value and what it should be
 * (returns -1); ?key= as a time, BT_TIME_NONE when absent (0, or -1 once
 * answered). */
int bt_bad_arg(struct bt_response *rs, const char *key, const char *v, const char *want);
int bt_time_arg(const struct bt_request *rq, const char *key, int64_t *out, struct bt_response *rs);
int bt_limit_arg(const struct bt_request *rq, size_t *out, struct bt_response *rs);
/* /v1/followups (followups.c) */
int bt_followups_get(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs);
int bt_followups_get_one(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs);
int bt_followups_close(struct bt_server *s, const struct bt_request *rq, struct bt_response *rs);

#define ROLE(r) (1u << (r))
#define ROLES_ALL ((1u << BT_ROLE__COUNT) - 1)
/* Segment routes: the write key may also come in the body ("writeKey"). */
#define BODY_KEY 0x100u

#endif
