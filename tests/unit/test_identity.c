/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_identity.c - identity resolution (docs/identity.md): normalisation, junk
 * values, every guard rail, stable ids, the strongest-identifier rule and
 * what the change log records.  Expected values are worked out by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "baton/config.h"
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

/* The reasons of docs/identity.md, as the resolver gives them. */
#define JUNK "a junk value, which identifies nobody"
#define NOT_EMAIL "not an e-mail address (a local part, @ and a domain with a dot, no spaces)"
#define FEW_DIGITS "a phone number needs at least 7 digits"
#define NOT_UTF8 "not valid UTF-8"

/* norm() with the reason of a refusal ("" when usable). */
static const char *norm_why(const char *type, const char *value, const char **why)
{
	int ok;
	const char *out;
	static struct bt_buf b = BT_BUF_INIT;
	struct bt__idrules r;
	bt__idrules_default(&r);
	*why = "";
	ok = bt__ident_normalise_why(&r, type, strlen(type), value, strlen(value), &b, why);
	out = b.data;
	assert_int_equal(ok, **why == '\0');
	return out;
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


/* Unicode NFKC, without zero-width characters and no-break spaces, before
 * anything is compared: what looks the same is the same identifier. */
static void test_nfkc(void **state)
{
	(void)state;
	const char *why;
	static const char *const cases[][3] = {
		/* type, value, normalised ("" reason: usable) */
		{"user_id", "\xef\xbd\x8e\xef\xbd\x95\xef\xbd\x8c\xef\xbd\x8c", "user_id:null"}, /* fullwidth */
		{"user_id", "\xef\xbc\xae\xef\xbc\xb5\xef\xbc\xac\xef\xbc\xac", "user_id:NULL"}, /* FULLWIDTH */
		{"email", "null\xc2\xa0", "email:null"},              /* no-break space */
		{"user_id", "nu\xe2\x80\x8bll", "user_id:null"},      /* zero-width space inside */
		{"user_id", "nu\xc2\xadll", "user_id:null"},          /* soft hyphen */
		{"customer_id", "\xe2\x80\xafnull", "customer_id:null"}, /* narrow no-break space */
		{"email", "\xef\xbb\xbfnull", "email:null"},          /* byte-order mark */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_string_equal(norm_why(cases[i][0], cases[i][1], &why), cases[i][2]);
		assert_string_equal(why, JUNK);
	}
	static const char *const usable[][3] = {
		{"customer_id", "\xef\xbc\xa3\xef\xbc\x8d\xef\xbc\x91\xef\xbc\x97", "customer_id:C-17"}, /* Ｃ－１７ */
		{"user_id", "\xc2\xa0" "C-17\xe2\x80\x87", "user_id:C-17"},   /* no-break spaces around */
		{"user_id", "\xe3\x80\x80" "C-17\xe3\x80\x80", "user_id:C-17"}, /* ideographic spaces, trimmed */
		{"user_id", "\xef\xbc\xa1" "bc", "user_id:Abc"},              /* case kept for ids */
		{"user_id", "\xef\xac\x81nn", "user_id:finn"},               /* the ligature fi */
		{"user_id", "jose\xcc\x81", "user_id:jos\xc3\xa9"},          /* e + combining acute: one é */
		{"email", "\xef\xbc\xa1NN@\xef\xbd\x85xample.com", "email:ann@example.com"},
		{"email", "\xc3\x84nn@X.com", "email:\xc3\xa4nn@x.com"},     /* ÄNN: case-folded */
		{"phone", "\xef\xbc\x8b\xef\xbc\x94\xef\xbc\x94 7700 900123", "phone:+447700900123"}, /* ＋４４ */
	};
	for (size_t i = 0; i < sizeof(usable) / sizeof(usable[0]); i++) {
		assert_string_equal(norm_why(usable[i][0], usable[i][1], &why), usable[i][2]);
		assert_string_equal(why, "");
	}
}

/* Bytes that are not UTF-8 are refused and never linked; nothing crashes. */
static void test_invalid_utf8(void **state)
{
	(void)state;
	const char *why;
	static const char *const bad[] = {
		"\xff\xfe", "nu\xc3", "\xed\xa0\x80", /* a UTF-16 surrogate */
		"\xc0\xaf",                           /* an overlong '/' */
		"\xf4\x90\x80\x80",                   /* above U+10FFFF */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_string_equal(norm_why("user_id", bad[i], &why), "user_id:");
		assert_string_equal(why, NOT_UTF8);
		assert_string_equal(norm_why("email", bad[i], &why), "email:");
		assert_string_equal(why, NOT_UTF8);
	}
	struct bt_buf b = BT_BUF_INIT;
	assert_int_equal(bt__ident_fold("\xff", 1, &b), BT_EINVAL);
	bt_buf_release(&b);
}

static void test_email_shape(void **state)
{
	(void)state;
	const char *why;
	static const char *const good[] = {
		"a@b.co", "first.last+tag@sub.example.co.uk", "\xc3\xa4nn@b\xc3\xbc" "cher.de",
		" Ann@Example.com\t",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		norm_why("email", good[i], &why);
		if (*why)
			fail_msg("'%s' is an address, refused: %s", good[i], why);
	}
	static const char *const bad[] = {
		"ann", "ann@", "@example.com", "ann@example", "ann@.com", "ann@example.",
		"ann@exa..mple.com", "ann lee@example.com", "ann@ex ample.com", "a@b@c.com",
		"ann@example\xe3\x80\x80.com", /* an ideographic space is a space after NFKC */
		"ann\x01@example.com",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		norm_why("email", bad[i], &why);
		if (strcmp(why, NOT_EMAIL) != 0)
			fail_msg("'%s' should be refused as no address, got '%s'", bad[i], why);
	}
	/* the shape rule is for e-mails only */
	assert_string_equal(norm_why("login", "ann", &why), "login:ann");
	assert_string_equal(why, "");
}

static void test_phone_digits(void **state)
{
	(void)state;
	const char *why;
	assert_string_equal(norm_why("phone", "555 01 23", &why), "phone:5550123"); /* 7 digits */
	assert_string_equal(why, "");
	assert_string_equal(norm_why("phone", "555 012", &why), "phone:555012"); /* 6 */
	assert_string_equal(why, FEW_DIGITS);
	assert_string_equal(norm_why("phone", "n/a +", &why), "phone:+");
	assert_string_equal(why, FEW_DIGITS);
	assert_string_equal(norm_why("phone", "12", &why), "phone:12");
	assert_string_equal(why, FEW_DIGITS);
	/* runs of digits counting up or down are junk, from 6 digits on */
	static const char *const runs[][2] = {
		{"phone", "0123456789"}, {"phone", "9876543210"}, {"phone", "+1 234 567 890"},
		{"phone", "789 0123"},   {"user_id", "123456"},   {"customer_id", "654321"},
	};
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		norm_why(runs[i][0], runs[i][1], &why);
		if (strcmp(why, JUNK) != 0)
			fail_msg("%s:%s should be junk, got '%s'", runs[i][0], runs[i][1], why);
	}
	assert_string_equal(norm_why("user_id", "12345", &why), "user_id:12345");
	assert_string_equal(why, "");
	assert_string_equal(norm_why("phone", "+44 7700 900123", &why), "phone:+447700900123");
	assert_string_equal(why, "");
}

/* The placeholders of issue 10, any case, any type they came as. */
static void test_wider_junk(void **state)
{
	(void)state;
	const char *why;
	static const char *const junk[][2] = {
		{"email", "noreply@example.com"}, {"email", "NoReply@Shop.Example.com"},
		{"email", "do-not-reply@x.org"},  {"email", "none@none.com"},
		{"email", "Test@Test.com"},       {"email", "(null)"}, {"email", "false"},
		{"email", "nil"},                 {"email", "n.a."},   {"email", "x"},
		{"email", "No Email"},            {"email", "noemail"},
		{"user_id", "(null)"},            {"user_id", "false"}, {"user_id", "True"},
		{"user_id", "-1"},                {"user_id", "TBD"},   {"user_id", "?"},
		{"customer_id", " tbd "},         {"customer_id", "NA"}, {"customer_id", "xxx"},
		{"customer_id", "#N/A"},
	};
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		norm_why(junk[i][0], junk[i][1], &why);
		if (strcmp(why, JUNK) != 0)
			fail_msg("%s:%s should be junk, got '%s'", junk[i][0], junk[i][1], why);
	}
	/* near misses are people */
	static const char *const people[][2] = {
		{"email", "noreply.fan@example.com"}, {"email", "x@example.com"},
		{"user_id", "xavier"},                {"customer_id", "-17"},
	};
	for (size_t i = 0; i < sizeof(people) / sizeof(people[0]); i++) {
		norm_why(people[i][0], people[i][1], &why);
		if (*why)
			fail_msg("%s:%s is usable, refused: %s", people[i][0], people[i][1], why);
	}
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
	struct bt__resolution r = resolve(f, event_of("email", "a@x.com", "phone", "+44 7700 900001", NULL));
	assert_int_equal(r.profile, 1);
	assert_int_equal(f->log.nprofiles, 1);
	assert_int_equal(f->log.nidents, 2);
	/* event 2: user_id alone → P2 */
	r = resolve(f, event_of("user_id", "u-9", NULL));
	assert_int_equal(r.profile, 2);
	/* event 3: user_id + phone links P2 and P1: the older id (1) survives */
	r = resolve(f, event_of("user_id", "u-9", "phone", "+447700900001", NULL));
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
	resolve(f, event_of("customer_id", "C-2", "phone", "+447700900012", NULL)); /* P2 */
	/* event 3 says a@x.com and the phone are the same person: refused */
	struct bt__resolution r =
		resolve(f, event_of("email", "a@x.com", "phone", "+447700900012", NULL));
	assert_int_equal(r.profile, 1); /* email is stronger than phone */
	assert_int_equal(profile_of(f, "phone:+447700900012"), 2);
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
		snprintf(v, sizeof(v), "+4477009010%d", i);
		resolve(f, event_of("user_id", "a", "phone", v, NULL));
		snprintf(v, sizeof(v), "+4477009020%d", i);
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
	resolve(f, event_of("phone", "+447700900099", NULL));                 /* P1 */
	resolve(f, event_of("customer_id", "C-5", NULL));                     /* P2 */
	resolve(f, event_of("customer_id", "C-6", "email", "z@x.com", NULL)); /* P3 */
	bt__idlog_reset(&f->log);
	/* phone(P1) with customer_id C-5 (P2) and another customer id C-6
	 * (P3): the anchor is customer_id C-5 (customer_id first, then by
	 * value); P1 merges into... P1 is older, so P1 survives, holding C-5 */
	struct bt__resolution r = resolve(
		f, event_of("phone", "+447700900099", "customer_id", "C-6", "customer_id", "C-5", NULL));
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
	/* the message names the types and why, never the values */
	assert_string_equal(err.msg, "field 'ids': no usable identifier: email (a junk value, which "
				     "identifies nobody), phone (a junk value, which identifies nobody)");
	assert_int_equal(f->log.nprofiles, 0);
}

static void test_suppressed(void **state)
{
	struct fixture *f = *state;
	struct bt__resolution r;
	struct bt_err err;
	bt_u64map_put(&f->id.suppressed, bt__identity_suppress_hash(&f->id, "email:gone@x.com", 16), 0);
	assert_int_equal(bt__identity_resolve(&f->id, event_of("email", "Gone@X.com", NULL), 1, &r, &err), 1);
	assert_int_equal(bt__identity_resolve(&f->id, event_of("email", "gone@x.com", "phone", "+447700900055", NULL), 2, &r, &err), 0);
	assert_int_equal(r.nsuppressed, 1);
	assert_int_equal(bt__identity_find(&f->id, "email:gone@x.com", 16), BT_ID_NONE);
}


/* Every poisoning value of issue 10: two strangers who both send it stay
 * two profiles, with nothing to review as a conflict (the value never got as
 * far as a link) and the value recorded as refused on each. */
static void test_poisoning_values_link_nobody(void **state)
{
	(void)state;
	static const char *const values[][2] = {
		{"email", "noreply@example.com"}, {"email", "none@none.com"}, {"email", "(null)"},
		{"email", "false"}, {"email", "nil"}, {"email", "n.a."}, {"email", "x"},
		{"email", "no email"},
		{"email", "null\xc2\xa0"}, {"email", "null\xe2\x80\x8b"},
		{"email", "\xef\xbd\x8e\xef\xbd\x95\xef\xbd\x8c\xef\xbd\x8c"},
		{"user_id", "null\xc2\xa0"}, {"user_id", "null\xe2\x80\x8b"},
		{"user_id", "\xef\xbd\x8e\xef\xbd\x95\xef\xbd\x8c\xef\xbd\x8c"},
		{"phone", "n/a +"}, {"phone", "12"}, {"phone", "0123456789"},
		{"user_id", "(null)"}, {"user_id", "false"}, {"user_id", "-1"}, {"user_id", "TBD"},
		{"user_id", "?"},
		{"customer_id", "(null)"}, {"customer_id", "false"}, {"customer_id", "-1"},
		{"customer_id", "TBD"}, {"customer_id", "?"},
	};
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		struct fixture *f;
		setup((void **)&f);
		/* strangers told apart by user_id, or by customer_id when the
		 * value is a user_id; each with an e-mail of their own */
		const char *who = strcmp(values[i][0], "user_id") ? "user_id" : "customer_id";
		struct bt__resolution a = resolve(
			f, event_of(who, "A-1", "email", "a@example.com", values[i][0], values[i][1], NULL));
		struct bt__resolution b = resolve(
			f, event_of(who, "B-2", "email", "b@example.com", values[i][0], values[i][1], NULL));
		if (a.profile == b.profile || f->log.nmerges || f->log.nconflicts ||
		    f->log.nrefusals != 2 || a.nrefused != 1 || b.nrefused != 1)
			fail_msg("%s '%s': profiles %u %u, %zu merges, %zu conflicts, %zu refusals",
				 values[i][0], values[i][1], a.profile, b.profile, f->log.nmerges,
				 f->log.nconflicts, f->log.nrefusals);
		teardown((void **)&f);
	}
}

/* Two strangers sending the same bytes that are not UTF-8 stay two, and
 * the refusal is recorded without the bytes. */
static void test_invalid_utf8_links_nobody(void **state)
{
	struct fixture *f = *state;
	struct bt__resolution a = resolve(f, event_of("user_id", "ua", "email", "\xff\xfe", NULL));
	struct bt__resolution b = resolve(f, event_of("user_id", "ub", "email", "\xff\xfe", NULL));
	assert_int_equal(a.profile, 1);
	assert_int_equal(b.profile, 2);
	assert_int_equal(f->log.nmerges, 0);
	assert_int_equal(f->log.nrefusals, 2);
	assert_string_equal(f->log.refused_text.data + f->log.refusals[1].off, "email:");
	assert_string_equal(f->log.refusals[1].reason, NOT_UTF8);
}

/* The refusals in the change log: event, profile, text, reason; an event
 * that is rejected leaves none behind. */
static void test_refusals_logged(void **state)
{
	struct fixture *f = *state;
	resolve(f, event_of("user_id", "u0", NULL)); /* P1 */
	struct bt__resolution r = resolve(
		f, event_of("user_id", "u1", "email", "NoReply@Shop.com", "phone", "12", NULL));
	assert_int_equal(r.profile, 2);
	assert_int_equal(r.nrefused, 2);
	assert_int_equal(f->log.nrefusals, 2);
	const struct bt__idlog_refusal *e = f->log.refusals;
	assert_int_equal(e[0].event, 2);
	assert_int_equal(e[0].profile, 2);
	assert_string_equal(f->log.refused_text.data + e[0].off, "email:noreply@shop.com");
	assert_int_equal(e[0].len, strlen("email:noreply@shop.com"));
	assert_string_equal(e[0].reason, JUNK);
	assert_string_equal(f->log.refused_text.data + e[1].off, "phone:12");
	assert_string_equal(e[1].reason, FEW_DIGITS);
	/* refused values are no identifiers */
	assert_int_equal(bt__identity_find(&f->id, "phone:12", 8), BT_ID_NONE);

	/* all refused: the event is rejected and its refusals are not kept */
	struct bt_err err;
	size_t text = f->log.refused_text.len;
	assert_int_equal(bt__identity_resolve(&f->id, event_of("email", "ann", "phone", "12", NULL), 3,
					      &r, &err),
			 BT_EINVAL);
	assert_string_equal(err.msg, "field 'ids': no usable identifier: email (" NOT_EMAIL
				     "), phone (" FEW_DIGITS ")");
	assert_int_equal(f->log.nrefusals, 2);
	assert_int_equal(f->log.refused_text.len, text);

	/* without a change log (kpis --input) they are counted all the same */
	f->id.log = NULL;
	r = resolve(f, event_of("user_id", "u1", "customer_id", "TBD", NULL));
	assert_int_equal(r.nrefused, 1);
	f->id.log = &f->log;
	bt__idlog_reset(&f->log);
	assert_int_equal(f->log.nrefusals, 0);
	assert_int_equal(f->log.refused_text.len, 0);
}

static struct bt_config *config_of(const char *yaml)
{
	struct bt_config *cfg = NULL;
	struct bt_err err;
	if (bt_config_parse("test.yaml", yaml, strlen(yaml), &cfg, NULL, NULL, &err))
		fail_msg("config: %s", err.msg);
	return cfg;
}

/* A touchpoint's may_link: the identifier types its events may link.  Any
 * other is recorded as refused, with the rule, and joins no profile. */
static void test_source_rule(void **state)
{
	struct fixture *f = *state;
	struct bt_config *cfg = config_of("touchpoints:\n"
					  "  - {id: web-form, may_link: [Email]}\n"
					  "  - {id: crm}\n");
	assert_int_equal(bt__identity_apply_config(&f->id, cfg), 0);
	struct bt__event *e;
	e = (struct bt__event *)event_of("email", "kim@example.com", "phone", "+44 7700 900777", NULL);
	e->source = (struct bt__str){"web-form", 8};
	struct bt__resolution k = resolve(f, e);
	e = (struct bt__event *)event_of("email", "lee@example.com", "phone", "+44 7700 900777", NULL);
	e->source = (struct bt__str){"web-form", 8};
	struct bt__resolution l = resolve(f, e);
	/* the shared phone linked nobody: two profiles, no identifier */
	assert_int_equal(k.profile, 1);
	assert_int_equal(l.profile, 2);
	assert_int_equal(l.nrefused, 1);
	assert_int_equal(bt__identity_find(&f->id, "phone:+447700900777", 19), BT_ID_NONE);
	assert_int_equal(f->log.nrefusals, 2);
	assert_int_equal(f->log.refusals[1].profile, 2);
	assert_string_equal(f->log.refusals[1].reason, "touchpoint 'web-form' may link only email");
	assert_string_equal(f->log.refused_text.data + f->log.refusals[1].off,
			    "phone:+447700900777");

	/* another source may link phones */
	e = (struct bt__event *)event_of("email", "kim@example.com", "phone", "+44 7700 900777", NULL);
	e->source = (struct bt__str){"crm", 3};
	k = resolve(f, e);
	assert_int_equal(k.nrefused, 0);
	assert_int_equal(profile_of(f, "phone:+447700900777"), 1);

	/* nothing the web form may link: the event cannot be placed */
	struct bt_err err;
	e = (struct bt__event *)event_of("user_id", "u-9", NULL);
	e->source = (struct bt__str){"web-form", 8};
	assert_int_equal(bt__identity_resolve(&f->id, e, 9, &k, &err), BT_EINVAL);
	assert_string_equal(err.msg, "field 'ids': no usable identifier: user_id (touchpoint "
				     "'web-form' may link only email)");
	bt__identity_release(&f->id); /* before the configuration it borrows from */
	bt__identity_init(&f->id);
	bt_config_free(cfg);
}

/* Configured junk values and patterns, matched after NFKC and case folding;
 * a pattern's '*' matches any run. */
static void test_configured_junk(void **state)
{
	struct fixture *f = *state;
	struct bt_config *cfg = config_of("identity:\n"
					  "  junk_values: [\"info@*\", \"Keine Angabe\", \"+440000000000\"]\n");
	const char *why = "";
	assert_int_equal(bt__identity_apply_config(&f->id, cfg), 0);
	struct bt_buf b = BT_BUF_INIT;
	static const char *const junk[][2] = {
		{"email", "INFO@shop.example.com"}, {"nickname", "keine angabe"},
		{"nickname", "\xef\xbc\xab" "EINE ANGABE"}, /* Ｋ */
		{"phone", "+44 0000 000000"},
	};
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		int ok = bt__ident_normalise_why(&f->id.rules, junk[i][0], strlen(junk[i][0]), junk[i][1],
						 strlen(junk[i][1]), &b, &why);
		if (ok != 0 || strcmp(why, JUNK) != 0)
			fail_msg("%s:%s should be configured junk", junk[i][0], junk[i][1]);
	}
	assert_int_equal(bt__ident_normalise(&f->id.rules, "email", 5, "ann@info.com", 12, &b), 1);
	/* the built-in values still hold */
	assert_int_equal(bt__ident_normalise(&f->id.rules, "email", 5, "none@none.com", 13, &b), 0);
	bt_buf_release(&b);
	bt__identity_release(&f->id);
	bt__identity_init(&f->id);
	bt_config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_junk),
		cmocka_unit_test(test_nfkc),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_email_shape),
		cmocka_unit_test(test_phone_digits),
		cmocka_unit_test(test_wider_junk),
		cmocka_unit_test(test_poisoning_values_link_nobody),
		cmocka_unit_test_setup_teardown(test_link_and_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_customer_ids_never_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_customer_id_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_email_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_phone_limit_on_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_size_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_strongest_identifier_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_only_junk_is_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_suppressed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_utf8_links_nobody, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals_logged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_source_rule, setup, teardown),
		cmocka_unit_test_setup_teardown(test_configured_junk, setup, teardown),
	};
	return cmocka_run_group_tests_name("identity", tests, NULL, NULL);
}
