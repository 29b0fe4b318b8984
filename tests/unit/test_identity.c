/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_identity.c - identity resolution (PRODUCT.md §5): normalisation, junk
 * values, every guard rail, stable ids, the strongest-identifier rule and
 * what the change log records.  Expected values are worked out by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "event.h"
#include "identity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct bt__event ev;

/* An event with the identifier pairs given as "type", "value", ..., NULL. */
static const struct bt__event *event_of(const char *first, ...)
{
	va_list ap;
	memset(&ev, 0, sizeof(ev));
	va_start(ap, first);
	for (const char *t = first; t; t = va_arg(ap, const char *)) {
		const char *v = va_arg(ap, const char *);
		ev.ids[ev.nids].type = (struct bt__str){t, (uint32_t)strlen(t)};
		ev.ids[ev.nids].value = (struct bt__str){v, (uint32_t)strlen(v)};
		ev.nids++;
	}
	va_end(ap);
	return &ev;
}

static const char *norm(const char *type, const char *value, int *usable)
{
	static struct bt_buf b = BT_BUF_INIT;
	struct bt__idrules r;
	bt__idrules_default(&r);
	*usable = bt__ident_normalise(&r, type, strlen(type), value, strlen(value), &b);
	return b.data;
}

static void test_normalise(void **state)
{
	(void)state;
	int ok;
	assert_string_equal(norm("email", "  Ann.Lee@Example.COM ", &ok), "email:ann.lee@example.com");
	assert_int_equal(ok, 1);
	assert_string_equal(norm("phone", "+44 (0)7700-900 123", &ok), "phone:+4407700900123");
	assert_string_equal(norm("phone", "07700 900123", &ok), "phone:07700900123");
	assert_string_equal(norm("Customer_ID", " C-17 ", &ok), "customer_id:C-17");
	assert_string_equal(norm("user_id", "AbC", &ok), "user_id:AbC");
	assert_int_equal(ok, 1);
}

static void test_junk(void **state)
{
	(void)state;
	static const char *const junk[][2] = {
		{"email", "null"},        {"email", " NULL "},   {"user_id", "undefined"},
		{"customer_id", "0"},     {"user_id", "anonymous"}, {"user_id", "Guest"},
		{"email", "test"},        {"user_id", "[object Object]"}, {"user_id", "NaN"},
		{"phone", "0000 000"},    {"phone", "+1111111111"}, {"customer_id", "7777"},
		{"email", "   "},         {"phone", "n/a"},
	};
	int ok;
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		norm(junk[i][0], junk[i][1], &ok);
		if (ok != 0)
			fail_msg("%s:%s should be junk", junk[i][0], junk[i][1]);
	}
	norm("phone", "+1211111111", &ok);
	assert_int_equal(ok, 1);
	norm("customer_id", "1001", &ok);
	assert_int_equal(ok, 1);
}

struct fixture {
	struct bt__identity id;
	struct bt__idlog log;
	int64_t seq;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	bt__identity_init(&f->id);
	f->id.log = &f->log;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	bt__identity_release(&f->id);
	bt__idlog_release(&f->log);
	free(f);
	return 0;
}

static struct bt__resolution resolve(struct fixture *f, const struct bt__event *e)
{
	struct bt__resolution r;
	struct bt_err err;
	int rc = bt__identity_resolve(&f->id, e, ++f->seq, &r, &err);
	if (rc != 0)
		fail_msg("resolve failed: %d %s", rc, err.msg);
	return r;
}

static uint32_t profile_of(struct fixture *f, const char *text)
{
	uint32_t k = bt__identity_find(&f->id, text, strlen(text));
	assert_int_not_equal(k, BT_ID_NONE);
	return bt__identity_root(&f->id, f->id.ident_profile[k]);
}

static void test_link_and_merge(void **state)
{
	struct fixture *f = *state;
	/* event 1: email + phone → one new profile P1 */
	struct bt__resolution r = resolve(f, event_of("email", "a@x.com", "phone", "+44 1", NULL));
	assert_int_equal(r.profile, 1);
	assert_int_equal(f->log.nprofiles, 1);
	assert_int_equal(f->log.nidents, 2);
	/* event 2: user_id alone → P2 */
	r = resolve(f, event_of("user_id", "u-9", NULL));
	assert_int_equal(r.profile, 2);
	/* event 3: user_id + phone links P2 and P1: the older id (1) survives */
	r = resolve(f, event_of("user_id", "u-9", "phone", "+441", NULL));
	assert_int_equal(r.profile, 1);
	assert_int_equal(profile_of(f, "user_id:u-9"), 1);
	assert_int_equal(f->log.nmerges, 1);
	assert_int_equal(f->log.merges[0].into, 1);
	assert_int_equal(f->log.merges[0].from, 2);
	assert_int_equal(f->log.merges[0].event, 3);
	assert_int_equal(f->log.nconflicts, 0);
	assert_int_equal(f->id.prof[1].size, 3);
}

static void test_two_customer_ids_never_merge(void **state)
{
	struct fixture *f = *state;
	resolve(f, event_of("customer_id", "C-1", "email", "a@x.com", NULL)); /* P1 */
	resolve(f, event_of("customer_id", "C-2", "phone", "+4412", NULL));   /* P2 */
	/* event 3 says a@x.com and +4412 are the same person: refused */
	struct bt__resolution r = resolve(f, event_of("email", "a@x.com", "phone", "+4412", NULL));
	assert_int_equal(r.profile, 1); /* email is stronger than phone */
	assert_int_equal(profile_of(f, "phone:+4412"), 2);
	assert_int_equal(f->log.nmerges, 0);
	assert_int_equal(f->log.nconflicts, 1);
	assert_int_equal(f->log.conflicts[0].profile, 1);
	assert_int_equal(f->log.conflicts[0].other, 2);
	assert_int_equal(f->log.conflicts[0].event, 3);
	assert_string_equal(f->log.conflicts[0].reason, "both profiles hold a different customer_id");
}

static void test_customer_id_limit(void **state)
{
	struct fixture *f = *state;
	resolve(f, event_of("customer_id", "C-1", "email", "a@x.com", NULL)); /* P1 */
	/* a second customer id on the same e-mail: refused, and since the
	 * customer id is the strongest identifier the event is on its profile */
	struct bt__resolution r = resolve(f, event_of("customer_id", "C-2", "email", "a@x.com", NULL));
	assert_int_equal(r.profile, 2);
	assert_int_equal(profile_of(f, "email:a@x.com"), 1);
	assert_int_equal(f->log.nconflicts, 1);
	assert_string_equal(f->log.conflicts[0].reason,
			    "the profile would hold more than 1 customer_id identifier");
}

static void test_email_limit(void **state)
{
	struct fixture *f = *state;
	char v[16];
	resolve(f, event_of("user_id", "u1", NULL));
	for (int i = 1; i <= 6; i++) {
		snprintf(v, sizeof(v), "m%d@x.com", i);
		resolve(f, event_of("user_id", "u1", "email", v, NULL));
	}
	/* five e-mails joined; the sixth got its own profile */
	assert_int_equal(profile_of(f, "email:m5@x.com"), 1);
	assert_int_equal(profile_of(f, "email:m6@x.com"), 2);
	assert_int_equal(f->log.nconflicts, 1);
	assert_int_equal(f->log.conflicts[0].event, 7);
	assert_string_equal(f->log.conflicts[0].reason,
			    "the profile would hold more than 5 email identifiers");
}

static void test_phone_limit_on_merge(void **state)
{
	struct fixture *f = *state;
	char v[16];
	/* P1 with 3 phones, P2 with 3 phones; merging would give 6 > 5 */
	for (int i = 0; i < 3; i++) {
		snprintf(v, sizeof(v), "+4410%d", i);
		resolve(f, event_of("user_id", "a", "phone", v, NULL));
		snprintf(v, sizeof(v), "+4420%d", i);
		resolve(f, event_of("user_id", "b", "phone", v, NULL));
	}
	bt__idlog_reset(&f->log);
	resolve(f, event_of("user_id", "a", "email", "shared@x.com", NULL));
	resolve(f, event_of("user_id", "b", "email", "shared@x.com", NULL));
	assert_int_equal(f->log.nmerges, 0);
	assert_int_equal(f->log.nconflicts, 1);
	assert_string_equal(f->log.conflicts[0].reason,
			    "the profile would hold more than 5 phone identifiers");
}

static void test_size_cap(void **state)
{
	struct fixture *f = *state;
	char v[24];
	f->id.rules.max_size = 4;
	for (int i = 0; i < 5; i++) {
		snprintf(v, sizeof(v), "dev-%d", i);
		resolve(f, event_of("user_id", "u", "device_id", v, NULL));
	}
	/* u + 3 devices = 4; the 4th and 5th devices are refused and each
	 * gets a profile of its own */
	assert_int_equal(f->id.prof[1].size, 4);
	assert_int_equal(profile_of(f, "device_id:dev-3"), 2);
	assert_int_equal(profile_of(f, "device_id:dev-4"), 3);
	assert_int_equal(f->log.nconflicts, 2);
	assert_string_equal(f->log.conflicts[0].reason, "the profile would exceed its size cap");
}

static void test_strongest_identifier_order(void **state)
{
	struct fixture *f = *state;
	resolve(f, event_of("phone", "+4499", NULL));                    /* P1 */
	resolve(f, event_of("customer_id", "C-5", NULL));                /* P2 */
	resolve(f, event_of("customer_id", "C-6", "email", "z@x", NULL)); /* P3 */
	bt__idlog_reset(&f->log);
	/* phone(P1) with customer_id C-5 (P2) and another customer id C-6
	 * (P3): the anchor is customer_id C-5 (customer_id first, then by
	 * value); P1 merges into... P1 is older, so P1 survives, holding C-5 */
	struct bt__resolution r = resolve(
		f, event_of("phone", "+4499", "customer_id", "C-6", "customer_id", "C-5", NULL));
	assert_int_equal(r.anchor, bt__identity_find(&f->id, "customer_id:C-5", 15));
	assert_int_equal(r.profile, 1);
	assert_int_equal(profile_of(f, "customer_id:C-5"), 1);
	assert_int_equal(profile_of(f, "customer_id:C-6"), 3);
	assert_int_equal(f->log.nmerges, 1);
	assert_int_equal(f->log.nconflicts, 1);
}

static void test_only_junk_is_rejected(void **state)
{
	struct fixture *f = *state;
	struct bt__resolution r;
	struct bt_err err;
	int rc = bt__identity_resolve(&f->id, event_of("email", "null", "phone", "000", NULL), 1, &r,
				      &err);
	assert_int_equal(rc, BT_EINVAL);
	assert_non_null(strstr(err.msg, "no usable identifier"));
	/* the message names the types, never the values */
	assert_string_equal(strrchr(err.msg, ':'), ": email, phone");
	assert_int_equal(f->log.nprofiles, 0);
}

static void test_suppressed(void **state)
{
	struct fixture *f = *state;
	struct bt__resolution r;
	struct bt_err err;
	bt_u64map_put(&f->id.suppressed, bt__identity_suppress_hash(&f->id, "email:gone@x.com", 16), 0);
	assert_int_equal(bt__identity_resolve(&f->id, event_of("email", "Gone@X.com", NULL), 1, &r, &err), 1);
	assert_int_equal(bt__identity_resolve(&f->id, event_of("email", "gone@x.com", "phone", "+4455", NULL), 2, &r, &err), 0);
	assert_int_equal(r.nsuppressed, 1);
	assert_int_equal(bt__identity_find(&f->id, "email:gone@x.com", 16), BT_ID_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_junk),
		cmocka_unit_test_setup_teardown(test_link_and_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_customer_ids_never_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_customer_id_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_email_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_phone_limit_on_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_size_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_strongest_identifier_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_only_junk_is_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_suppressed, setup, teardown),
	};
	return cmocka_run_group_tests_name("identity", tests, NULL, NULL);
}
