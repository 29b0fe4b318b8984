/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_event.c - the event contract of docs/events.md: what is accepted, how
 * each field is read, and the exact message for each kind of bad record.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "event.h"

#include <stdio.h>
#include <string.h>

#define BASE "\"ts\":\"2026-03-01T10:15:00Z\",\"source\":\"ivr\",\"type\":\"call.ended\",\"ids\":{\"email\":\"a@x.com\"}"

static struct bt_json_doc doc;
static struct bt__event ev;

static int read_event(const char *json, struct bt_err *err)
{
	int rc = bt_json_parse(&doc, json, strlen(json), BT_EVENT_MAX_DEPTH, err);
	return rc ? rc : bt__event_read(&doc, 0, &ev, err);
}

static void test_full_event(void **state)
{
	(void)state;
	struct bt_err err;
	const char *json =
		"{\"id\":\"e-1\",\"ts\":\"2026-03-01T10:15:00Z\",\"source\":\"contact-center\","
		"\"type\":\"call.ended\",\"ids\":{\"email\":\"a@x.com\",\"phone\":[\"+441\",\"+442\"]},"
		"\"channel\":\"voice\",\"team\":\"service\",\"journey\":\"billing-dispute\","
		"\"case\":\"T-9\",\"links\":[\"T-1\",\"T-2\"],\"outcome\":\"transferred\","
		"\"repeat\":true,\"direction\":\"inbound\","
		"\"promise\":{\"id\":\"pr-1\",\"kind\":\"refund\",\"due\":\"48h\",\"team\":\"billing\"},"
		"\"feedback\":{\"csat\":2,\"nps\":3,\"ces\":6,\"comment\":\"slow\"},"
		"\"consent\":{\"marketing\":false,\"service\":true},\"props\":{\"amount\":12.5}}";
	assert_int_equal(read_event(json, &err), 0);
	assert_int_equal(ev.ts, 1772360100000LL); /* 2026-03-01T10:15:00Z */
	assert_int_equal(ev.nids, 3);
	assert_memory_equal(ev.ids[2].value.s, "+442", 4);
	assert_int_equal(ev.channel, BT_CH_VOICE);
	assert_int_equal(ev.outcome, BT_OUT_TRANSFERRED);
	assert_int_equal(ev.repeat, 1);
	assert_int_equal(ev.nlinks, 2);
	assert_int_equal(ev.promise.has, 1);
	assert_int_equal(ev.promise.due, 1772360100000LL + 48 * 3600 * 1000LL);
	assert_int_equal(ev.feedback.csat, 2);
	assert_int_equal(ev.feedback.nps, 3);
	assert_int_equal(ev.feedback.ces, 6);
	assert_int_equal(ev.nconsent, 2);
	assert_int_equal(ev.consent[0].granted, 0);
	assert_int_equal(ev.consent[1].granted, 1);
	assert_int_not_equal(ev.props, 0);
}

static void test_defaults_and_epochs(void **state)
{
	(void)state;
	struct bt_err err;
	assert_int_equal(read_event("{" BASE "}", &err), 0);
	assert_int_equal(ev.direction, BT_DIR_INBOUND);
	assert_int_equal(ev.repeat, -1);
	assert_int_equal(ev.outcome, BT_OUT_NONE);
	assert_int_equal(ev.feedback.has, 0);
	/* epoch seconds and epoch milliseconds give the same instant */
	assert_int_equal(read_event("{\"ts\":1772360100,\"source\":\"s\",\"type\":\"t\",\"ids\":{\"user_id\":\"u\"}}", &err), 0);
	assert_int_equal(ev.ts, 1772360100000LL);
	assert_int_equal(read_event("{\"ts\":1772360100000,\"source\":\"s\",\"type\":\"t\",\"ids\":{\"user_id\":\"u\"}}", &err), 0);
	assert_int_equal(ev.ts, 1772360100000LL);
	/* an absolute due date */
	assert_int_equal(read_event("{" BASE ",\"promise\":{\"id\":\"p\",\"due\":\"2026-03-02T00:00:00Z\"}}", &err), 0);
	assert_int_equal(ev.promise.due, 1772409600000LL);
}

static void test_rejections(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{"[1,2]", "expected an event object, got array"},
		{"{" BASE ",\"jounrey\":\"x\"}", "unknown field 'jounrey' (did you mean 'journey'?)"},
		{"{" BASE ",\"colour\":\"x\"}", "unknown field 'colour' (free-form data belongs in 'props')"},
		{"{" BASE ",\"ts\":\"2026-03-01T10:15:00Z\"}", "duplicate field 'ts'"},
		{"{" BASE ",\"promise\":{\"id\":\"p\",\"due\":\"1d\",\"due\":\"2d\"}}",
		 "field 'promise': duplicate key 'due'"},
		{"{" BASE ",\"feedback\":{\"csat\":1,\"nps\":3,\"csat\":5}}",
		 "field 'feedback': duplicate key 'csat'"},
		{"{" BASE ",\"consent\":{\"marketing\":false,\"service\":true,\"marketing\":true}}",
		 "field 'consent': duplicate key 'marketing'"},
		{"{\"source\":\"s\",\"type\":\"t\",\"ids\":{\"e\":\"x\"}}", "missing required field 'ts'"},
		{"{\"ts\":1,\"type\":\"t\",\"ids\":{\"e\":\"x\"}}", "missing required field 'source'"},
		{"{\"ts\":\"2026-13-01T00:00:00Z\",\"source\":\"s\",\"type\":\"t\",\"ids\":{\"e\":\"x\"}}",
		 "field 'ts': '2026-13-01T00:00:00Z' is not an RFC 3339 date-time (like 2026-03-01T10:15:00Z)"},
		{"{\"ts\":true,\"source\":\"s\",\"type\":\"t\",\"ids\":{\"e\":\"x\"}}",
		 "field 'ts': expected an RFC 3339 string or an epoch number, got true"},
		{"{\"ts\":1.5,\"source\":\"s\",\"type\":\"t\",\"ids\":{\"e\":\"x\"}}",
		 "field 'ts': 1.5 is not an integer epoch time in seconds or milliseconds"},
		{"{\"ts\":1,\"source\":7,\"type\":\"t\",\"ids\":{\"e\":\"x\"}}", "field 'source': expected a string, got number"},
		{"{\"ts\":1,\"source\":\"\",\"type\":\"t\",\"ids\":{\"e\":\"x\"}}", "field 'source': must not be empty"},
		{"{\"ts\":1,\"source\":\"s\",\"type\":\"t\",\"ids\":{}}", "field 'ids': needs at least one identifier"},
		{"{\"ts\":1,\"source\":\"s\",\"type\":\"t\",\"ids\":[\"x\"]}", "field 'ids': expected an object of identifier type to value, got array"},
		{"{\"ts\":1,\"source\":\"s\",\"type\":\"t\",\"ids\":{\"email\":5}}", "field 'ids.email': expected a string or an array of strings, got number"},
		{"{\"ts\":1,\"source\":\"s\",\"type\":\"t\",\"ids\":{\"e mail\":\"x\"}}", "field 'ids': identifier type 'e mail' may only hold letters, digits, '_', '-' and '.'"},
		{"{" BASE ",\"channel\":\"fax\"}", "field 'channel': 'fax' is not one of: web app chat voice email sms store social other"},
		{"{" BASE ",\"outcome\":\"done\"}", "field 'outcome': 'done' is not one of: resolved unresolved transferred contained abandoned"},
		{"{" BASE ",\"direction\":\"up\"}", "field 'direction': 'up' is not one of: inbound outbound internal"},
		{"{" BASE ",\"repeat\":\"yes\"}", "field 'repeat': expected true or false, got string"},
		{"{" BASE ",\"links\":\"T-1\"}", "field 'links': expected an array of case references, got string"},
		{"{" BASE ",\"promise\":{\"id\":\"p\"}}", "field 'promise': needs a 'due' time or duration"},
		{"{" BASE ",\"promise\":{\"due\":\"4h\"}}", "field 'promise': needs an 'id'"},
		{"{" BASE ",\"promise\":{\"id\":\"p\",\"due\":\"soon\"}}", "field 'promise.due': expected an RFC 3339 date-time or a duration like 48h"},
		{"{" BASE ",\"promise\":{\"id\":\"p\",\"due\":\"4h\",\"who\":1}}", "field 'promise': unknown key 'who' (expected id, kind, due, team)"},
		{"{" BASE ",\"feedback\":{\"csat\":6}}", "field 'feedback.csat': expected an integer from 1 to 5"},
		{"{" BASE ",\"feedback\":{\"nps\":-1}}", "field 'feedback.nps': expected an integer from 0 to 10"},
		{"{" BASE ",\"feedback\":{}}", "field 'feedback': needs at least one of csat, nps, ces, comment"},
		{"{" BASE ",\"consent\":{\"marketing\":\"no\"}}", "field 'consent.marketing': expected true or false, got string"},
		{"{" BASE ",\"props\":[1]}", "field 'props': expected an object, got array"},
		{"{" BASE ",\"team\":\"a\\u0000b\"}", "field 'team': contains a control character"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bt_err err = {0, ""};
		int rc = read_event(cases[i][0], &err);
		if (rc != BT_EINVAL || strcmp(err.msg, cases[i][1]) != 0)
			fail_msg("case %zu: %s\n  got rc %d: '%s'\n  want: '%s'", i, cases[i][0], rc,
				 err.msg, cases[i][1]);
	}
}

static void test_limits(void **state)
{
	(void)state;
	struct bt_err err;
	char big[400];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	char json[600];
	snprintf(json, sizeof(json), "{" BASE ",\"case\":\"%s\"}", big);
	assert_int_equal(read_event(json, &err), BT_EINVAL);
	assert_string_equal(err.msg, "field 'case': longer than 256 bytes");
	/* 33 identifiers */
	char many[2048] = "{\"ts\":1,\"source\":\"s\",\"type\":\"t\",\"ids\":{\"x\":[";
	for (int i = 0; i < 33; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "%s\"v%d\"", i ? "," : "", i);
	snprintf(many + strlen(many), sizeof(many) - strlen(many), "]}}");
	assert_int_equal(read_event(many, &err), BT_EINVAL);
	assert_string_equal(err.msg, "field 'ids': more than 32 identifiers");
}

/* A due time given as a duration ends by 9999-12-31T23:59:59.999Z, the last
 * time there is (BT_TIME_MAX = 253402300799999); past it, the sum was a
 * time no parser gives, and past INT64_MAX undefined behaviour (fuzz_event). */
#define PROMISE_DUE(d) "{" BASE ",\"promise\":{\"id\":\"p\",\"due\":\"" d "\"}}"
static void test_promise_due_range(void **state)
{
	(void)state;
	struct bt_err err = {0, ""};
	/* BASE's ts is 1772360100000: 253402300799999 - 1772360100000 = 251629940699999 */
	assert_int_equal(read_event(PROMISE_DUE("251629940699999ms"), &err), 0);
	assert_int_equal(ev.promise.due, 253402300799999LL);
	static const char *const past[] = {
		PROMISE_DUE("251629940700000ms"),
		PROMISE_DUE("9223372036854775807ms"),
		"{\"ts\":7,\"source\":\"m\",\"type\":\"a\",\"ids\":{\"e\":\"\"},"
		"\"promise\":{\"id\":\"a\",\"due\":\"99999994h\"}}",
	};
	for (size_t i = 0; i < sizeof(past) / sizeof(past[0]); i++) {
		assert_int_equal(read_event(past[i], &err), BT_EINVAL);
		assert_string_equal(err.msg,
				    "field 'promise.due': the duration ends after the year 9999");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_event),
		cmocka_unit_test(test_defaults_and_epochs),
		cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_promise_due_range),
	};
	bt_json_doc_init(&doc);
	int rc = cmocka_run_group_tests_name("event", tests, NULL, NULL);
	bt_json_doc_release(&doc);
	return rc;
}
