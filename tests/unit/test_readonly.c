/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_readonly.c - a database opened read-only (the server's readers, the
 * CLI's reads) refuses every write with an error and leaves nothing
 * allocated behind: under the sanitizer build, LeakSanitizer fails this
 * program when a refusal leaks (bt_ingest_begin allocated its ingest
 * before it looked at the flag, and lost it).  The database stays as it was.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "baton/baton.h"
#include "baton/config.h"
#include "baton/token.h"

struct fixture {
	char path[64];
	struct bt_db *ro;
};

/* A database with one event, opened again read-only. */
static int setup(void **state)
{
	static const char ev[] = "{\"id\":\"e1\",\"ts\":\"2026-03-01T10:00:00Z\",\"source\":\"web\","
				 "\"type\":\"page.viewed\",\"ids\":{\"user_id\":\"u1\"}}";
	struct fixture *f = bt_calloc(1, sizeof(*f));
	struct bt_db *db = NULL;
	struct bt_ingest *in = NULL;
	struct bt_err err = {0, ""};
	int fd;
	assert_non_null(f);
	snprintf(f->path, sizeof(f->path), "/tmp/bt-readonly-XXXXXX");
	assert_true((fd = mkstemp(f->path)) >= 0);
	close(fd);
	unlink(f->path);
	assert_int_equal(bt_db_open(&db, f->path, 0, &err), 0);
	assert_int_equal(bt_ingest_begin(db, "setup", &in, &err), 0);
	assert_int_equal(bt_ingest_json(in, ev, sizeof(ev) - 1, 1, &err), BT_INGEST_ACCEPTED);
	assert_int_equal(bt_ingest_end(in, NULL, &err), 0);
	bt_db_close(db);
	assert_int_equal(bt_db_open(&f->ro, f->path, BT_OPEN_READONLY, &err), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	static const char *const side[] = {"", "-wal", "-shm", ".key"};
	bt_db_close(f->ro);
	for (size_t i = 0; i < sizeof(side) / sizeof(side[0]); i++) {
		char p[80];
		snprintf(p, sizeof(p), "%s%s", f->path, side[i]);
		unlink(p);
	}
	bt_free(f);
	return 0;
}

static void ingest_is_refused(void **state)
{
	struct fixture *f = *state;
	struct bt_ingest *in = (struct bt_ingest *)f; /* must be cleared */
	struct bt_err err = {0, ""};
	assert_int_equal(bt_ingest_begin(f->ro, "api", &in, &err), BT_EUSAGE);
	assert_null(in);
	assert_string_equal(err.msg, "the database is open read-only");
}

static void other_writes_are_refused(void **state)
{
	struct fixture *f = *state;
	struct bt_err err = {0, ""};
	struct bt_config *cfg = NULL;
	struct bt_summary s;
	size_t retried = 7, fixed = 7;
	char tok[BT_TOKEN_LEN + 1];
	int64_t id;
	assert_int_equal(bt_config_empty(&cfg), 0);
	assert_int_not_equal(bt_db_config_set(f->ro, cfg, &err), 0);
	bt_config_free(cfg);
	assert_int_not_equal(bt_token_create(f->ro, BT_ROLE_ADMIN, NULL, NULL, "t", tok, &id, &err), 0);
	assert_int_not_equal(bt_dead_letters_retry(f->ro, &retried, &fixed, &err), 0);
	/* and nothing changed: the one event is there, alone */
	assert_int_equal(bt_summary_get(f->ro, &s, &err), 0);
	assert_int_equal(s.events, 1);
	assert_int_equal(s.profiles, 1);
	assert_int_equal(s.dead_letters, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(ingest_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(other_writes_are_refused, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
