/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_fuzz_server.c - replays the fuzz corpora of what server/ reads of a
 * request in `make test` (tests/unit/replay.h): the Segment mapping
 * (fuzz/fuzz_segment.c) and the request readers of http.c and web.c
 * (fuzz/fuzz_http.c), and tests what their fuzzers found, with the values
 * expected.  Those harnesses #include the server files, which gives these
 * tests their file-local functions too; so this test links the rest of
 * server/ without them (the Makefile's server_rest).
 */
#define _GNU_SOURCE 1 /* as server/http.c asks, before any header */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "replay.h"

#define LLVMFuzzerTestOneInput fuzz_http_one
#include "../../fuzz/fuzz_http.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_segment_one
#include "../../fuzz/fuzz_segment.c"
#undef LLVMFuzzerTestOneInput

/* A track's event name is kept whole, a NUL in it too, so that validation
 * refuses it as it refuses any control character.  It was cut at the NUL:
 * "Order\u0000Completed" became an event of type "Order", and "\u0000" one
 * of type "" (fuzz_segment). */
static void segment_event_name_with_nul(void **state)
{
	(void)state;
	static const char body[] = "{\"event\":\"Order\\u0000Completed\",\"userId\":\"u1\","
				   "\"timestamp\":\"2026-03-01T10:15:00Z\"}";
	struct bt_json_doc d;
	struct bt_buf out = BT_BUF_INIT;
	struct bt_err err = {0, ""};
	const char *why = NULL;
	bt_json_doc_init(&d);
	assert_int_equal(bt_json_parse(&d, body, sizeof(body) - 1, 64, NULL), 0);
	assert_int_equal(translate(&d, 0, "track", &out, &why), 0);
	assert_string_equal(out.data, "{\"ts\":\"2026-03-01T10:15:00Z\",\"source\":\"segment\","
				      "\"type\":\"Order\\u0000Completed\",\"ids\":{\"user_id\":\"u1\"}}");
	assert_int_equal(bt_event_check(out.data, out.len, &err), BT_EINVAL);
	assert_string_equal(err.msg, "field 'type': contains a control character");
	bt_buf_release(&out);
	bt_json_doc_release(&d);
}

/* A form field's %XX is exactly two hex digits.  "%+F" read as 0x0f and
 * "%-1" as 0xff, since strtoul takes a sign or a space first (fuzz_http). */
static void form_percent_decoding(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{"token=t&next=%2Fa+b%3d%7e", "/a b=~"},
		{"next=%2f", "/"},
		{"next=%+F", NULL},
		{"next=% F", NULL},
		{"next=%-1", NULL},
		{"next=%2", NULL},
		{"next=%zz", NULL},
		{"next=%00", NULL},
	};
	char out[64];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = form_field(cases[i][0], strlen(cases[i][0]), "next", out, sizeof(out));
		if (!cases[i][1]) {
			if (rc != -1)
				fail_msg("'%s' is decoded, as '%s'", cases[i][0], out);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_string_equal(out, cases[i][1]);
	}
}

/* Addresses leave a library message whatever follows them: "10.0.0.1c"
 * was kept whole, as a run of hex digits and dots that is not all digits
 * (fuzz_http). */
static void redact_addresses(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{"bind to 10.0.0.1c failed", "bind to *c failed"},
		{"Error on 192.168.1.20:8080: 'GET /x?a=1'", "Error on * '...'"}, /* the run ends at ' ' */
		{"from [fe80::1] and ::ffff:10.0.0.1.", "from [*] and *"},
		{"version 0.9 of feed", "version * of feed"},
	};
	char out[512];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		redact(cases[i][0], out, sizeof(out));
		assert_string_equal(out, cases[i][1]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		REPLAY(segment, 5),
		REPLAY(http, 5),
		cmocka_unit_test(segment_event_name_with_nul),
		cmocka_unit_test(form_percent_decoding),
		cmocka_unit_test(redact_addresses),
	};
	return cmocka_run_group_tests_name("fuzz replay (server)", tests, NULL, NULL);
}
