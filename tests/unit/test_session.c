/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_session.c - the dashboard's sealed session cookies (token.h): what
 * opens and what does not.  The token's hash is computed here with
 * libsodium, as token.c is meant to (BLAKE2b-256 of the token's text).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sodium.h>
#include <string.h>

#include "baton/token.h"
#include "tmpdb.h"

#define TOKEN "bt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define END INT64_C(1772323200000) /* 2026-03-01T00:00:00Z */

struct fixture {
	struct tmpdb t;
	struct bt_db *db;
	unsigned char key[32];
	char cookie[BT_SESSION_COOKIE_MAX];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct bt_err err = {0, ""};
	assert_non_null(f);
	tmpdb_make(&f->t, "session");
	assert_int_equal(bt_db_open(&f->db, f->t.path, 0, &err), 0);
	assert_int_equal(bt_session_key(f->db, f->key, &err), 0);
	assert_int_equal(bt_session_seal(f->key, TOKEN, END, f->cookie), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	bt_db_close(f->db);
	tmpdb_remove(&f->t);
	free(f);
	return 0;
}

static int open_at(struct fixture *f, const unsigned char key[32], const char *cookie, int64_t now,
		   unsigned char hash[32])
{
	unsigned char id[32];
	int64_t expires;
	struct bt_err err = {0, ""};
	return bt_session_open(f->db, key, cookie, now, hash, id, &expires, &err);
}

static void opens_until_its_end(void **state)
{
	struct fixture *f = *state;
	unsigned char hash[32], want[32];
	crypto_generichash(want, 32, (const unsigned char *)TOKEN, strlen(TOKEN), NULL, 0);
	/* 96 sealed bytes: 128 characters of base64url, without the token */
	assert_int_equal(strlen(f->cookie), 128);
	assert_null(strstr(f->cookie, "AAAAAAAAAAAA"));
	assert_int_equal(open_at(f, f->key, f->cookie, END - 1, hash), 0);
	assert_memory_equal(hash, want, 32);
	/* exactly at its end the session is over */
	assert_int_equal(open_at(f, f->key, f->cookie, END, hash), BT_EAUTH);
}

static void another_key_does_not_open_it(void **state)
{
	struct fixture *f = *state;
	unsigned char other[32], hash[32];
	memcpy(other, f->key, 32);
	other[31] ^= 1;
	assert_int_equal(open_at(f, other, f->cookie, END - 1, hash), BT_EAUTH);
}

static void each_database_has_its_key(void **state)
{
	struct fixture *f = *state;
	struct tmpdb t;
	struct bt_db *db = NULL;
	struct bt_err err = {0, ""};
	unsigned char key[32], again[32], hash[32];
	tmpdb_make(&t, "session2");
	assert_int_equal(bt_db_open(&db, t.path, 0, &err), 0);
	assert_int_equal(bt_session_key(db, key, &err), 0);
	assert_int_equal(bt_session_key(db, again, &err), 0);
	assert_memory_equal(key, again, 32); /* the same database: the same key */
	assert_memory_not_equal(key, f->key, 32);
	assert_int_equal(open_at(f, key, f->cookie, END - 1, hash), BT_EAUTH);
	bt_db_close(db);
	tmpdb_remove(&t);
}

static void every_changed_character_is_refused(void **state)
{
	struct fixture *f = *state;
	unsigned char hash[32];
	char c[BT_SESSION_COOKIE_MAX];
	for (size_t i = 0; i < strlen(f->cookie); i++) {
		memcpy(c, f->cookie, sizeof(c));
		c[i] = c[i] == 'A' ? 'B' : 'A';
		if (open_at(f, f->key, c, END - 1, hash) != BT_EAUTH)
			fail_msg("a cookie changed at character %zu was opened", i);
	}
	memcpy(c, f->cookie, sizeof(c));
	c[strlen(c) - 1] = '\0'; /* one short */
	assert_int_equal(open_at(f, f->key, c, END - 1, hash), BT_EAUTH);
	assert_int_equal(open_at(f, f->key, "", END - 1, hash), BT_EAUTH);
	assert_int_equal(open_at(f, f->key, NULL, END - 1, hash), BT_EAUTH);
}

static void signed_out_it_stays_out(void **state)
{
	struct fixture *f = *state;
	unsigned char hash[32], id[32];
	int64_t expires;
	struct bt_err err = {0, ""};
	assert_int_equal(bt_session_open(f->db, f->key, f->cookie, END - 1, hash, id, &expires, &err), 0);
	assert_true(expires == END);
	assert_int_equal(bt_session_forget(f->db, id, expires, &err), 0);
	assert_int_equal(bt_session_forget(f->db, id, expires, &err), 0); /* again: no error */
	assert_int_equal(open_at(f, f->key, f->cookie, END - 1, hash), BT_EAUTH);
	/* another session of the same token is not ended with it */
	char again[BT_SESSION_COOKIE_MAX];
	assert_int_equal(bt_session_seal(f->key, TOKEN, END, again), 0);
	assert_string_not_equal(again, f->cookie);
	assert_int_equal(open_at(f, f->key, again, END - 1, hash), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(opens_until_its_end, setup, teardown),
	    cmocka_unit_test_setup_teardown(another_key_does_not_open_it, setup, teardown),
	    cmocka_unit_test_setup_teardown(each_database_has_its_key, setup, teardown),
	    cmocka_unit_test_setup_teardown(every_changed_character_is_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(signed_out_it_stays_out, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
