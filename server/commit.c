/* SPDX-License-Identifier: Apache-2.0 */
/*
 * commit.c - group commit for POST /v1/events and the Segment routes.
 *
 * A request hands its records to the committer and waits.  The committer
 * thread takes every request waiting at that moment, feeds them all into one
 * ingest (one transaction), commits once (one fsync), and only then wakes
 * each request with its own counts and errors.  Concurrent clients thus share
 * commits: durability costs one fsync per group, not per request, and no
 * answer is sent before the data is on disk.
 */
#define _GNU_SOURCE 1 /* pthread_setname_np */
#include "server.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

struct bt_commit_job {
	/* input */
	const char *data;
	size_t len;
	enum bt_format fmt;
	bt_commit_feed feed;   /* or NULL: bt_ingest_buffer of data */
	void *arg;
	/* output */
	struct bt_ingest_stats st;
	struct bt_buf errors;  /* JSON array members {"index":..,"error":..} */
	size_t listed;
	long base;             /* records of earlier jobs in the same ingest */
	int rc;                /* 0, BT_EINVAL (the body is not JSON) or a store failure */
	int64_t seq;           /* the last event number of its commit */
	int64_t dead_budget;   /* dead-letter bytes its sender may still keep; -1 no bound */
	uint64_t dead_refused, dead_kept; /* rejected records not kept; bytes kept */
	char msg[512];
	/* queue */
	struct bt_commit_job *next;
	int done;
};

void bt_commit_reject(struct bt_commit_job *job, long index, long line, const char *reason)
{
	if (job->listed++ >= 1000)
		return;
	if (job->errors.len)
		bt_buf_addc(&job->errors, ',');
	bt_reject_json(NULL, line, index, reason, &job->errors);
}

/* NDJSON errors name their line too (the line of an element of a JSON
 * array is not what its sender counts). */
static void on_reject(void *ctx, long line, long index, const char *reason)
{
	struct bt_commit_job *job = ctx;
	bt_commit_reject(job, index - job->base, job->fmt == BT_FMT_NDJSON ? line : 0, reason);
}

/* Feed one job; its counts are its share of the ingest's. */
static int run_job(struct bt_server *s, struct bt_ingest *in, struct bt_commit_job *job)
{
	struct bt_ingest_stats before, after;
	struct bt_err err = {0, ""};
	int rc;
	uint64_t refused0, kept0, refused1, kept1;
	bt_ingest_counts(in, &before);
	bt_ingest_dead_usage(in, &refused0, &kept0);
	bt_ingest_dead_limits(in, job->dead_budget,
			      (int64_t)s->opt->dead_cap_mb * 1024 * 1024);
	job->base = (long)(before.accepted + before.duplicates + before.rejected + before.suppressed);
	if (job->feed)
		rc = job->feed(in, job);
	else
		rc = bt_ingest_buffer(in, job->data, job->len, job->fmt, on_reject, job, &err);
	bt_ingest_counts(in, &after);
	job->st.accepted = after.accepted - before.accepted;
	job->st.duplicates = after.duplicates - before.duplicates;
	job->st.rejected = after.rejected - before.rejected;
	job->st.suppressed = after.suppressed - before.suppressed;
	bt_ingest_dead_usage(in, &refused1, &kept1);
	job->dead_refused = refused1 - refused0;
	job->dead_kept = kept1 - kept0;
	job->st.refused = after.refused - before.refused;
	if (rc == BT_EINVAL) { /* this body is not JSON: its own 400, the others go on */
		job->rc = BT_EINVAL;
		memcpy(job->msg, err.msg, sizeof(job->msg));
		return 0;
	}
	return rc;
}

/* The follower: refreshes the live state after each commit, and looks
 * every 20 ms for writes by other processes (`baton ingest`, `baton erase`,
 * `baton config load`); a look that finds nothing new costs one query. */
static void follow_kick(struct bt_follower *f)
{
	pthread_mutex_lock(&f->w.mu);
	f->kicked = 1;
	pthread_cond_signal(&f->w.wake);
	pthread_mutex_unlock(&f->w.mu);
	if (f->kick_fd >= 0) {
		uint64_t one = 1;
		ssize_t w = write(f->kick_fd, &one, sizeof(one)); /* full counter: already kicked */
		(void)w;
	}
}

void bt_follow_sync(struct bt_server *s)
{
	if (s->follow.kick_fd >= 0) { /* PostgreSQL: up to the database's commit count */
		bt_follow_committed(s);
		return;
	}
	uint64_t g = bt_live_generation(s->live);
	follow_kick(&s->follow);
	bt_live_wait_generation(s->live, g + 2, 5000);
}

int bt_follow_epoch(struct bt_server *s)
{
	int64_t epoch;
	if (bt_follow_committed(s)) /* several nodes: every commit before this read */
		return BT_EBUSY;
	struct bt_db *rdb = bt_reader_get(s);
	int rc = bt_db_epoch(rdb, &epoch, NULL); /* one prepared query */
	bt_reader_put(s, rdb);
	if (rc || epoch <= bt_live_epoch(s->live))
		return rc;
	follow_kick(&s->follow);
	return bt_live_wait_epoch(s->live, epoch, 10000);
}

int bt_follow_committed(struct bt_server *s)
{
	int64_t n;
	struct bt_db *rdb = bt_reader_get(s);
	int rc = bt_live_commits(rdb, &n, NULL); /* one prepared query; none on SQLite */
	bt_reader_put(s, rdb);
	if (rc || n < 0 || bt_live_committed(s->live) >= n)
		return rc;
	follow_kick(&s->follow); /* sooner than the notification, which may be on its way */
	return bt_live_wait_commits(s->live, n, 10000);
}

/* Several nodes on PostgreSQL: wait until a kick, another node's commit
 * (LISTEN/NOTIFY on the live state's connection) or the fallback poll
 * (FALLBACK_MS: a notification lost with a connection is not fatal).
 * 0 when the backend cannot announce commits (the caller polls by time). */
#define FALLBACK_MS 1000
static int wait_announced(struct bt_server *s, struct bt_follower *f)
{
	int fd = bt_live_listen(s->live);
	if (fd < 0 && f->kick_fd < 0)
		return 0;
	if (fd >= 0 && bt_live_notified(s->live)) /* some were read with the last refresh */
		return 1;
	struct pollfd p[2] = {{.fd = f->kick_fd, .events = POLLIN}, {.fd = fd, .events = POLLIN}};
	int n = poll(p, 2, fd >= 0 ? f->fallback_ms : 20);
	if (n > 0 && (p[0].revents & POLLIN)) {
		uint64_t v;
		ssize_t r = read(f->kick_fd, &v, sizeof(v));
		(void)r;
	}
	if (fd >= 0)
		bt_live_notified(s->live); /* taken before the refresh reads what they announced */
	return 1;
}

static void *follower(void *arg)
{
	struct bt_server *s = arg;
	struct bt_follower *f = &s->follow;
	int failing = 0, announced = 0;
	pthread_setname_np(pthread_self(), "baton-follow"); /* as top and perf show it */
	pthread_mutex_lock(&f->w.mu);
	while (!f->w.stop) {
		if (announced && !f->kicked) {
			pthread_mutex_unlock(&f->w.mu);
			announced = wait_announced(s, f);
			pthread_mutex_lock(&f->w.mu);
		} else if (!f->kicked) {
			struct timespec t;
			clock_gettime(CLOCK_REALTIME, &t);
			t.tv_nsec += 20 * 1000000L;
			if (t.tv_nsec >= 1000000000L)
				t.tv_sec++, t.tv_nsec -= 1000000000L;
			pthread_cond_timedwait(&f->w.wake, &f->w.mu, &t);
		}
		f->kicked = 0;
		pthread_mutex_unlock(&f->w.mu);
		struct bt_err err = {0, ""};
		int rc = bt_live_refresh(s->live, &err);
		if (rc && !failing) /* said once, not at every look */
			bt_log("error", "the live state cannot follow the database: %s",
				err.msg[0] ? err.msg : bt_strerror(rc));
		failing = rc != 0;
		if (!announced && f->kick_fd >= 0)
			announced = bt_live_listen(s->live) >= 0;
		pthread_mutex_lock(&f->w.mu);
	}
	pthread_mutex_unlock(&f->w.mu);
	return NULL;
}

int bt_worker_start(struct bt_worker *w, void *(*run)(void *), void *arg)
{
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->wake, NULL);
	w->stop = 0;
	w->running = pthread_create(&w->thread, NULL, run, arg) == 0;
	if (w->running)
		return 0;
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->mu);
	return -1;
}

int bt_worker_stop(struct bt_worker *w)
{
	if (!w->running)
		return 0;
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->mu);
	w->running = 0;
	return 1;
}

int bt_follow_start(struct bt_server *s)
{
	const char *v = getenv("BATON_FOLLOW_FALLBACK_MS");
	char *end;
	s->follow.kicked = 0;
	s->follow.fallback_ms = FALLBACK_MS;
	if (v && *v) { /* tests lengthen it, to see that notifications wake it */
		errno = 0;
		long ms = strtol(v, &end, 10);
		if (*end || errno || ms < 1 || ms > 3600000)
			bt_log("warning", "BATON_FOLLOW_FALLBACK_MS is not milliseconds from 1 to "
					  "3600000: %d it is", FALLBACK_MS);
		else
			s->follow.fallback_ms = (int)ms;
	}
	/* a backend that announces commits is polled: kicks come through an
	 * eventfd too (SQLite: the condition variable and 20 ms looks, as ever) */
	s->follow.kick_fd = bt_live_listen(s->live) >= 0 ? eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC) : -1;
	return bt_worker_start(&s->follow.w, follower, s);
}

void bt_follow_stop(struct bt_server *s)
{
	struct bt_follower *f = &s->follow;
	if (f->kick_fd >= 0) { /* a poll of the follower returns */
		pthread_mutex_lock(&f->w.mu);
		f->w.stop = 1;
		pthread_mutex_unlock(&f->w.mu);
		follow_kick(f);
	}
	bt_worker_stop(&f->w);
	if (f->kick_fd >= 0)
		close(f->kick_fd);
	f->kick_fd = -1;
}

static unsigned count(const struct bt_commit_job *j)
{
	unsigned n = 0;
	for (; j; j = j->next)
		n++;
	return n;
}

static void *committer(void *arg)
{
	struct bt_server *s = arg;
	struct bt_commit_queue *q = &s->commit;
	pthread_setname_np(pthread_self(), "baton-commit");
	pthread_mutex_lock(&q->w.mu);
	for (;;) {
		while (!q->head && !q->w.stop)
			pthread_cond_wait(&q->w.wake, &q->w.mu);
		if (!q->head && q->w.stop)
			break;
		struct bt_commit_job *group = q->head;
		q->head = q->tail = NULL;
		pthread_mutex_unlock(&q->w.mu);

		struct bt_ingest *in = NULL;
		struct bt_err err = {0, ""};
		int rc;
		pthread_mutex_lock(&s->mu);
		rc = bt_ingest_begin(s->db, "api", &in, &err);
		for (struct bt_commit_job *j = group; j && !rc; j = j->next)
			rc = run_job(s, in, j);
		if (in) {
			if (rc)
				bt_ingest_abort(in);
			else
				rc = bt_ingest_end(in, NULL, &err); /* one commit for all */
		}
		int64_t seq = bt_db_last_seq(s->db);
		pthread_mutex_unlock(&s->mu);
		if (!rc)
			follow_kick(&s->follow);
		else /* the store's words: no record's content */
			bt_log("error", "%u ingest request%s failed: %s", count(group),
				count(group) == 1 ? "" : "s", err.msg[0] ? err.msg : bt_strerror(rc));

		uint64_t n = count(group);
		if (!rc) {
			__atomic_fetch_add(&s->commits, 1, __ATOMIC_RELAXED);
			__atomic_fetch_add(&s->committed_requests, n, __ATOMIC_RELAXED);
		}
		pthread_mutex_lock(&q->w.mu);
		for (struct bt_commit_job *j = group; j; j = j->next) {
			if (rc) { /* nothing of the group is stored: every request fails */
				j->rc = rc;
				snprintf(j->msg, sizeof(j->msg), "%s", err.msg);
				memset(&j->st, 0, sizeof(j->st));
			}
			j->seq = seq;
			j->done = 1;
		}
		pthread_cond_broadcast(&q->finished);
	}
	pthread_mutex_unlock(&q->w.mu);
	return NULL;
}

int bt_commit_start(struct bt_server *s)
{
	struct bt_commit_queue *q = &s->commit;
	q->head = q->tail = NULL;
	pthread_cond_init(&q->finished, NULL);
	if (bt_worker_start(&q->w, committer, s) == 0)
		return 0;
	pthread_cond_destroy(&q->finished);
	return -1;
}

void bt_commit_stop(struct bt_server *s)
{
	if (bt_worker_stop(&s->commit.w))
		pthread_cond_destroy(&s->commit.finished);
}

/* Queue a job and wait until it is durable (or failed). */
static int commit_submit(struct bt_server *s, struct bt_commit_job *job)
{
	struct bt_commit_queue *q = &s->commit;
	pthread_mutex_lock(&q->w.mu);
	job->next = NULL;
	job->done = 0;
	if (q->tail)
		q->tail->next = job;
	else
		q->head = job;
	q->tail = job;
	pthread_cond_signal(&q->w.wake);
	while (!job->done)
		pthread_cond_wait(&q->finished, &q->w.mu);
	pthread_mutex_unlock(&q->w.mu);
	/* durable; answer once the live state has it too (a later read sees
	 * it).  Should the follower be stuck, the events are safe anyway. */
	if (!job->rc && job->st.accepted)
		bt_live_wait(s->live, job->seq, 10000);
	return job->rc;
}

int bt_commit_ingest(struct bt_server *s, const struct bt_request *rq, struct bt_commit_job *job)
{
	job->dead_budget = bt_dead_budget(s, rq->who->id);
	__atomic_fetch_add(&s->in_flight, 1, __ATOMIC_RELAXED);
	int rc = commit_submit(s, job); /* returns once durable */
	__atomic_fetch_sub(&s->in_flight, 1, __ATOMIC_RELAXED);
	bt_dead_spend(s, rq->who->id, job->dead_kept);
	__atomic_fetch_add(&s->dead_refused, job->dead_refused, __ATOMIC_RELAXED);
	return rc;
}

/* The job API for handlers. */
struct bt_commit_job *bt_commit_job_new(const char *data, size_t len, enum bt_format fmt,
					 bt_commit_feed feed, void *arg)
{
	struct bt_commit_job *j = bt_calloc(1, sizeof(*j));
	if (j) {
		j->data = data, j->len = len, j->fmt = fmt, j->feed = feed, j->arg = arg;
		j->dead_budget = -1;
	}
	return j;
}

void bt_commit_job_free(struct bt_commit_job *j)
{
	if (j) {
		bt_buf_release(&j->errors);
		bt_free(j);
	}
}

const struct bt_ingest_stats *bt_commit_job_stats(const struct bt_commit_job *j) { return &j->st; }
const char *bt_commit_job_msg(const struct bt_commit_job *j) { return j->msg; }
void *bt_commit_job_arg(const struct bt_commit_job *j) { return j->arg; }

int bt_commit_answer(struct bt_server *s, struct bt_response *rs, const struct bt_commit_job *job,
		     const char *lead)
{
	const struct bt_ingest_stats *st = &job->st;
	__atomic_fetch_add(&s->ingested, st->accepted, __ATOMIC_RELAXED);
	__atomic_fetch_add(&s->rejected, st->rejected, __ATOMIC_RELAXED);
	__atomic_fetch_add(&s->duplicates, st->duplicates, __ATOMIC_RELAXED);
	return bt_ingest_answer_json(lead, st, job->dead_refused, job->errors.data, &rs->body);
}
