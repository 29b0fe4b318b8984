/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_segment.c - libFuzzer harness for the Segment-spec mapping
 * (server/segment.c): a body of /v1/batch, /v1/track, /v1/identify ...
 * turned into native events, the part of those routes that needs no
 * running server.
 *
 * It #includes server/segment.c to reach translate(), the function that
 * maps one message, and links the rest of server/ without segment.o
 * (the Makefile's server_rest).  The input is a request body, parsed as
 * segment() parses it; each message of its "batch" array is mapped as
 * /v1/batch maps it, and the body itself as each of the single-message
 * routes does.  Invariants (abort() when one fails):
 *  - a message that cannot be mapped says why;
 *  - a mapped message is one JSON object that ingest can parse (nesting
 *    within BT_EVENT_MAX_DEPTH), with "source": "segment", a "type" of 1
 *    to 63 bytes (a track's event name, or the route's) and an "ids"
 *    object, and validating it (bt_event_check) accepts or rejects it
 *    with a message, never anything else.
 *
 * Build and run from the repository root (fuzz/run.sh says where the
 * corpus and the crashes go):
 *
 *   fuzz/run.sh segment 180
 */
#include "../server/segment.c"

#include "event.h" /* BT_EVENT_MAX_DEPTH, as ingest parses */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void seg_check_event(const struct bt_buf *out)
{
	struct bt_json_doc d;
	struct bt_err err = {0, ""};
	bt_json_doc_init(&d);
	CHECK(bt_json_parse(&d, out->data, out->len, BT_EVENT_MAX_DEPTH, NULL) == 0);
	CHECK(d.nodes[0].type == BT_JSON_OBJECT);
	uint32_t src = bt_json_get(&d, 0, "source"), type = bt_json_get(&d, 0, "type");
	uint32_t ids = bt_json_get(&d, 0, "ids");
	CHECK(src && bt_json_str_eq(&d.nodes[src], "segment"));
	CHECK(type && d.nodes[type].type == BT_JSON_STRING && d.nodes[type].len >= 1 &&
	      d.nodes[type].len < 64);
	CHECK(ids && d.nodes[ids].type == BT_JSON_OBJECT);
	int rc = bt_event_check(out->data, out->len, &err);
	CHECK(rc == 0 || (rc == BT_EINVAL && err.msg[0]));
	bt_json_doc_release(&d);
}

static void seg_map(const struct bt_json_doc *d, uint32_t m, const char *kind, struct bt_buf *out)
{
	const char *why = NULL;
	if (translate(d, m, kind, out, &why) == 0)
		seg_check_event(out);
	else
		CHECK(why && why[0]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const kinds[] = {"track",  "identify", "alias",
					    "page",   "screen",   "group"};
	struct bt_json_doc d;
	struct bt_buf out = BT_BUF_INIT;
	bt_json_doc_init(&d);
	if (bt_json_parse(&d, (const char *)data, size, 64, NULL) == 0 &&
	    d.nodes[0].type == BT_JSON_OBJECT) {
		uint32_t b = bt_json_get(&d, 0, "batch");
		if (b && d.nodes[b].type == BT_JSON_ARRAY)
			for (uint32_t m = b + 1; m < d.nodes[b].end; m = d.nodes[m].end)
				seg_map(&d, m, NULL, &out);
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			seg_map(&d, 0, kinds[k], &out);
	}
	bt_buf_release(&out);
	bt_json_doc_release(&d);
	return 0;
}
