/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_event.c - libFuzzer harness for the validation of one event
 * (bt__event_read, src/event.c): the path of every NDJSON line of
 * `baton ingest` and every record of POST /v1/events, once the record is
 * parsed JSON.
 *
 * The input is one record, parsed as ingest parses it (at most
 * BT_EVENT_MAX_BYTES, nesting at most BT_EVENT_MAX_DEPTH).  Invariants
 * (abort() when one fails):
 *  - a rejected event is BT_EINVAL with a message, and the verdict is the
 *    same without an error buffer (as identity review reads events) and
 *    from bt_event_check;
 *  - an accepted event keeps the contract of docs/events.md: a time and a
 *    promise's due time within BT_TIME_MIN..BT_TIME_MAX, a source and a
 *    type, one to BT_EVENT_MAX_IDS identifiers, every name-like field 1 to
 *    BT_EVENT_MAX_STR bytes without control characters, the enumerations
 *    and the feedback scores in their ranges, props an object.
 *
 * Build and run from the repository root (fuzz/run.sh says where the
 * corpus and the crashes go):
 *
 *   fuzz/run.sh event 180
 */
#include "fuzz.h"

#include "baton/baton.h"
#include "event.h"
#include "util/time.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A name-like field: absent, or 1 to BT_EVENT_MAX_STR bytes without control characters. */
static void ev_check_name(const struct bt__str *x)
{
	if (!x->s)
		return;
	CHECK(x->n >= 1 && x->n <= BT_EVENT_MAX_STR);
	for (uint32_t i = 0; i < x->n; i++)
		CHECK((unsigned char)x->s[i] >= 0x20 && x->s[i] != 0x7f);
}

static void ev_check_score(int8_t v, int lo, int hi) { CHECK(v == -1 || (v >= lo && v <= hi)); }

static void ev_check(const struct bt_json_doc *doc, const struct bt__event *ev)
{
	CHECK(ev->ts >= BT_TIME_MIN && ev->ts <= BT_TIME_MAX);
	CHECK(ev->source.s && ev->type.s);
	const struct bt__str *names[] = {&ev->id,      &ev->source,   &ev->type,   &ev->team,
					 &ev->journey, &ev->case_ref, &ev->fulfils};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ev_check_name(names[i]);
	CHECK(ev->nids >= 1 && ev->nids <= BT_EVENT_MAX_IDS);
	for (uint32_t i = 0; i < ev->nids; i++)
		CHECK(ev->ids[i].type.n >= 1 && ev->ids[i].type.n <= 32 &&
		      ev->ids[i].value.n <= BT_EVENT_MAX_STR &&
		      !memchr(ev->ids[i].value.s, '\0', ev->ids[i].value.n));
	CHECK(ev->nlinks <= BT_EVENT_MAX_LINKS);
	for (uint32_t i = 0; i < ev->nlinks; i++) {
		CHECK(ev->links[i].s);
		ev_check_name(&ev->links[i]);
	}
	CHECK(ev->channel < BT_CH__COUNT && ev->outcome < BT_OUT__COUNT &&
	      ev->direction < BT_DIR__COUNT && ev->repeat >= -1 && ev->repeat <= 1);
	if (ev->promise.has) {
		CHECK(ev->promise.id.s);
		CHECK(ev->promise.due >= BT_TIME_MIN && ev->promise.due <= BT_TIME_MAX);
		ev_check_name(&ev->promise.kind);
		ev_check_name(&ev->promise.team);
	}
	if (ev->feedback.has) {
		ev_check_score(ev->feedback.csat, 1, 5);
		ev_check_score(ev->feedback.nps, 0, 10);
		ev_check_score(ev->feedback.ces, 1, 7);
	}
	CHECK(ev->nconsent <= BT_EVENT_MAX_CONSENT);
	for (uint32_t i = 0; i < ev->nconsent; i++)
		CHECK(ev->consent[i].purpose.n >= 1 && ev->consent[i].purpose.n <= 64);
	CHECK(!ev->props ||
	      (ev->props < doc->count && doc->nodes[ev->props].type == BT_JSON_OBJECT));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bt_json_doc doc;
	struct bt__event ev;
	struct bt_err err = {0, ""};
	if (size > BT_EVENT_MAX_BYTES)
		return 0;
	bt_json_doc_init(&doc);
	if (bt_json_parse(&doc, (const char *)data, size, BT_EVENT_MAX_DEPTH, NULL) == 0) {
		int rc = bt__event_read(&doc, 0, &ev, &err);
		if (rc == 0)
			ev_check(&doc, &ev);
		else
			CHECK(rc == BT_EINVAL && err.code == BT_EINVAL && err.msg[0]);
		CHECK(bt__event_read(&doc, 0, &ev, NULL) == rc);
		CHECK(bt_event_check((const char *)data, size, NULL) == rc);
	}
	bt_json_doc_release(&doc);
	return 0;
}
