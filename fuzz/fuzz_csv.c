/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_csv.c - libFuzzer harness for the CSV reader (src/csv.c), read as
 * `baton ingest --map MAP FILE.csv` reads a file.
 *
 * The input is a CSV file, read with the mapping of
 * examples/calls.map.yaml; an input with a line "%%" is a mapping (YAML)
 * before that line and the CSV after it, so that the mapping loader is
 * fuzzed too.  Every record is read, to the end of the input.  Invariants
 * (abort() when one fails):
 *  - a mapping or a header that is refused says why;
 *  - bt_csv_next gives an event, a bad record (saying why) or the end,
 *    never a stream error from memory, and the line where a record starts
 *    never goes back;
 *  - an event is one JSON object, and its "ts" an RFC 3339 time;
 *  - the raw text kept of a record is at most BT_CSV_MAX_RECORD bytes.
 *
 * Build and run from the repository root (fuzz/run.sh says where the
 * corpus and the crashes go):
 *
 *   fuzz/run.sh csv 180
 */
#include "fuzz.h"

#include "baton/error.h"
#include "csv.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/time.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* examples/calls.map.yaml, every kind of mapping in one file */
static const char csv_calls_map[] =
	"missing: [\"\", \"?\", \"N/A\"]\n"
	"ts:\n"
	"  column: \"Call Date\"\n"
	"  format: \"%d/%m/%Y %H:%M\"\n"
	"  utc_offset: \"+01:00\"\n"
	"constants: {source: contact-center, channel: voice, type: call.ended}\n"
	"fields:\n"
	"  \"Call Id\": id\n"
	"  \"Ticket\": case\n"
	"  \"Previous Tickets\": links\n"
	"  \"Journey\": journey\n"
	"  \"Agent Team\": team\n"
	"  \"Result\": outcome\n"
	"  \"Repeat?\": repeat\n"
	"identifiers: {\"E-mail\": email, \"Phone\": phone, \"Customer\": customer_id}\n"
	"props: {\"Duration (s)\": duration_s, \"Notes\": note}\n";

/* An event as bt_csv_next writes it: a JSON object with an RFC 3339 "ts". */
static void csv_check_event(const struct bt_buf *event)
{
	struct bt_json_doc d;
	int64_t ms;
	bt_json_doc_init(&d);
	CHECK(bt_json_parse(&d, event->data, event->len, 0, NULL) == 0);
	CHECK(d.nodes[0].type == BT_JSON_OBJECT);
	uint32_t ts = bt_json_get(&d, 0, "ts");
	CHECK(ts && d.nodes[ts].type == BT_JSON_STRING);
	CHECK(bt_time_parse_rfc3339(d.nodes[ts].s, d.nodes[ts].len, &ms) == 0);
	bt_json_doc_release(&d);
}

/* Read every record of csv[0..n) with mapping m. */
static void csv_read_all(const struct bt_csv_map *m, const uint8_t *csv, size_t n)
{
	struct bt_csv_reader *r = NULL;
	struct bt_buf event = BT_BUF_INIT;
	struct bt_err err = {0, ""};
	long line = 0, last = 0;
	size_t raw;
	int rc;
	FILE *f = fmemopen((void *)csv, n, "r");
	if (!f)
		return; /* n == 0 on an older C library */
	if ((rc = bt_csv_open(&r, f, m, &err)) != 0) {
		CHECK(rc == BT_EINVAL && err.msg[0] && !r);
		fclose(f);
		return;
	}
	/* every call reads at least one byte or ends */
	for (size_t calls = 0; (rc = bt_csv_next(r, &event, &line, &err)) != 0; calls++) {
		CHECK(calls <= n && (rc == 1 || rc == BT_EINVAL));
		CHECK(line >= last);
		last = line;
		bt_csv_raw(r, &raw);
		CHECK(raw <= BT_CSV_MAX_RECORD);
		if (rc == 1)
			csv_check_event(&event);
		else
			CHECK(err.msg[0] && event.len == 0);
	}
	bt_buf_release(&event);
	bt_csv_close(r);
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bt_csv_map *m = NULL;
	struct bt_err err = {0, ""};
	const char *map = csv_calls_map;
	size_t map_len = sizeof(csv_calls_map) - 1, head, tail = 0;
	if (fuzz_split(data, size, &head, &tail)) {
		map = (const char *)data;
		map_len = head;
	}
	if (bt_csv_map_parse(&m, "fuzz.map.yaml", map, map_len, &err) != 0) {
		CHECK(!m && err.msg[0]);
		return 0;
	}
	csv_read_all(m, data + tail, size - tail);
	bt_csv_map_free(m);
	return 0;
}
