/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_csv.c - CSV ingest with a mapping file: the CSV dialect (quoting,
 * line ends, BOM, blank lines), line numbers, every conversion, every bad
 * row and bad mapping with its message, the limits, and the shipped
 * example.  Expected events are written out by hand.
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

#include "baton/error.h"
#include "csv.h"
#include "util/alloc.h"
#include "util/buf.h"

/* The smallest complete mapping: a time, a source and type, an identifier. */
#define BASE                                                                       \
	"ts: {column: When}\n"                                                     \
	"constants: {source: web, type: page.viewed}\n"                            \
	"identifiers: {Email: email}\n"

/* The start of every event written with BASE at 2016-02-29T01:16:00Z. */
#define EV0 "{\"ts\":\"2016-02-29T01:16:00Z\",\"source\":\"web\",\"type\":\"page.viewed\""

static struct bt_csv_map *map_of(const char *yaml)
{
	struct bt_csv_map *m = NULL;
	struct bt_err err = {0};
	if (bt_csv_map_parse(&m, "t.map.yaml", yaml, strlen(yaml), &err))
		fail_msg("mapping refused: %s", err.msg);
	return m;
}

static void map_fails(const char *yaml, const char *want)
{
	struct bt_csv_map *m = (struct bt_csv_map *)1;
	struct bt_err err = {0};
	assert_int_equal(bt_csv_map_parse(&m, "t.map.yaml", yaml, strlen(yaml), &err), BT_EINVAL);
	assert_null(m);
	if (strcmp(err.msg, want) != 0)
		fail_msg("message\n  got  %s\n  want %s", err.msg, want);
}

static FILE *input(const char *csv, size_t n)
{
	FILE *f = fmemopen((void *)csv, n, "r");
	assert_non_null(f);
	return f;
}

/*
 * Read csv (n bytes) with mapping yaml and compare every result with want:
 * "LINE {json}" for an event, "LINE !message" for a bad record; NULL ends.
 */
static void expect_n(const char *yaml, const char *csv, size_t n, const char *const *want)
{
	struct bt_csv_map *m = map_of(yaml);
	struct bt_csv_reader *r;
	struct bt_err err = {0};
	struct bt_buf ev = BT_BUF_INIT;
	char got[4096];
	long line;
	FILE *f = input(csv, n);
	if (bt_csv_open(&r, f, m, &err))
		fail_msg("open failed: %s", err.msg);
	for (size_t i = 0;; i++) {
		line = -1;
		int rc = bt_csv_next(r, &ev, &line, &err);
		if (rc == 0) {
			if (want[i])
				fail_msg("input ended; still expected %s", want[i]);
			break;
		}
		if (rc == 1)
			snprintf(got, sizeof(got), "%ld %s", line, ev.data);
		else if (rc == BT_EINVAL)
			snprintf(got, sizeof(got), "%ld !%s", line, err.msg);
		else
			fail_msg("bt_csv_next returned %d: %s", rc, err.msg);
		if (!want[i])
			fail_msg("unexpected result %s", got);
		if (strcmp(got, want[i]) != 0)
			fail_msg("result %zu\n  got  %s\n  want %s", i, got, want[i]);
	}
	bt_buf_release(&ev);
	bt_csv_close(r);
	fclose(f);
	bt_csv_map_free(m);
}

static void expect(const char *yaml, const char *csv, const char *const *want)
{
	expect_n(yaml, csv, strlen(csv), want);
}

/* bt_csv_open must fail with code and message want. */
static void open_fails(const char *yaml, const char *csv, size_t n, int code, const char *want)
{
	struct bt_csv_map *m = map_of(yaml);
	struct bt_csv_reader *r = (struct bt_csv_reader *)1;
	struct bt_err err = {0};
	FILE *f = n ? input(csv, n) : fopen("/dev/null", "r");
	assert_int_equal(bt_csv_open(&r, f, m, &err), code);
	assert_null(r);
	if (strcmp(err.msg, want) != 0)
		fail_msg("message\n  got  %s\n  want %s", err.msg, want);
	fclose(f);
	bt_csv_map_free(m);
}

static void test_minimal(void **state)
{
	(void)state;
	expect(BASE, "When,Email\n2016-02-29T01:16:00Z,ann@example.com\n",
	       (const char *[]){"2 " EV0 ",\"ids\":{\"email\":\"ann@example.com\"}}", NULL});
	/* no final line end; columns in another order; an unmapped column */
	expect(BASE, "Agent,Email,When\nPriya,ann@example.com,2016-02-29T01:16:00Z",
	       (const char *[]){"2 " EV0 ",\"ids\":{\"email\":\"ann@example.com\"}}", NULL});
	/* a header and nothing else */
	expect(BASE, "When,Email\n", (const char *[]){NULL});
}

static void test_every_field(void **state)
{
	(void)state;
	const char *yaml = "ts: {column: When}\n"
			   "constants: {source: contact-center, type: call.ended, channel: voice, "
			   "direction: inbound}\n"
			   "fields: {Id: id, Team: team, Journey: journey, Ticket: case, Prev: links, "
			   "Result: outcome, Again: repeat, Keeps: fulfils}\n"
			   "identifiers: {Email: email, Phone: phone, Cust: customer_id}\n"
			   "props: {Secs: duration_s, Note: note}\n";
	const char *csv = "Id,When,Email,Phone,Cust,Team,Journey,Ticket,Prev,Result,Again,Keeps,Secs,Note\n"
			  "C-1,2016-02-29T01:16:00Z,ann@example.com,+44 7700 900123,C-17,billing,"
			  "billing-dispute,T-1,T-0;T-00,resolved,yes,P-1,312,called back\n";
	expect(yaml, csv,
	       (const char *[]){
		       "2 {\"id\":\"C-1\",\"ts\":\"2016-02-29T01:16:00Z\",\"source\":\"contact-center\","
		       "\"type\":\"call.ended\",\"channel\":\"voice\",\"ids\":{\"email\":\"ann@example.com\","
		       "\"phone\":\"+44 7700 900123\",\"customer_id\":\"C-17\"},\"team\":\"billing\","
		       "\"journey\":\"billing-dispute\",\"case\":\"T-1\",\"links\":[\"T-0\",\"T-00\"],"
		       "\"outcome\":\"resolved\",\"repeat\":true,\"direction\":\"inbound\","
		       "\"fulfils\":\"P-1\",\"props\":{\"duration_s\":312,\"note\":\"called back\"}}",
		       NULL});
}

static void test_quoting_and_line_numbers(void **state)
{
	(void)state;
	const char *yaml = BASE "props: {Note: note}\n";
	const char *csv = "When,Email,Note\n"
			  "2016-02-29T01:16:00Z,a@x.com,\"with, comma\"\n"            /* line 2 */
			  "2016-02-29T01:16:00Z,b@x.com,\"say \"\"hi\"\"\"\n"         /* line 3 */
			  "2016-02-29T01:16:00Z,c@x.com,\"two\nlines\"\n"             /* 4-5 */
			  "2016-02-29T01:16:00Z,d@x.com,\"three\n\nlines\"\n"         /* 6-8 */
			  "2016-02-29T01:16:00Z,e@x.com,\"\"\n"                       /* 9: empty quoted */
			  "\"2016-02-29T01:16:00Z\",\"f@x.com\",5\" screen\n";        /* 10 */
	expect(yaml, csv,
	       (const char *[]){
		       "2 " EV0 ",\"ids\":{\"email\":\"a@x.com\"},\"props\":{\"note\":\"with, comma\"}}",
		       "3 " EV0 ",\"ids\":{\"email\":\"b@x.com\"},\"props\":{\"note\":\"say \\\"hi\\\"\"}}",
		       "4 " EV0 ",\"ids\":{\"email\":\"c@x.com\"},\"props\":{\"note\":\"two\\nlines\"}}",
		       "6 " EV0 ",\"ids\":{\"email\":\"d@x.com\"},\"props\":{\"note\":\"three\\n\\nlines\"}}",
		       "9 " EV0 ",\"ids\":{\"email\":\"e@x.com\"}}",
		       "10 " EV0 ",\"ids\":{\"email\":\"f@x.com\"},\"props\":{\"note\":\"5\\\" screen\"}}",
		       NULL});
}

static void test_crlf_bom_blank_lines(void **state)
{
	(void)state;
	const char *yaml = BASE "props: {Note: note}\n";
	/* a BOM, CRLF line ends, a CRLF inside a quoted field (kept), blank lines */
	const char *csv = "\xef\xbb\xbfWhen,Email,Note\r\n"
			  "2016-02-29T01:16:00Z,a@x.com,one\r\n"
			  "\r\n"
			  "2016-02-29T01:16:00Z,b@x.com,\"x\r\ny\"\r\n"
			  "\n"
			  "2016-02-29T01:16:00Z,c@x.com,a\rb\r\n";
	expect(yaml, csv,
	       (const char *[]){
		       "2 " EV0 ",\"ids\":{\"email\":\"a@x.com\"},\"props\":{\"note\":\"one\"}}",
		       "4 " EV0 ",\"ids\":{\"email\":\"b@x.com\"},\"props\":{\"note\":\"x\\r\\ny\"}}",
		       "7 " EV0 ",\"ids\":{\"email\":\"c@x.com\"},\"props\":{\"note\":\"a\\rb\"}}", NULL});
}

static void test_delimiter(void **state)
{
	(void)state;
	expect("delimiter: \"\\t\"\n" BASE, "When\tEmail\n2016-02-29T01:16:00Z\t\"a,b@x.com\"\n",
	       (const char *[]){"2 " EV0 ",\"ids\":{\"email\":\"a,b@x.com\"}}", NULL});
	expect("delimiter: \";\"\n" BASE, "When;Email\n2016-02-29T01:16:00Z;a@x.com\n",
	       (const char *[]){"2 " EV0 ",\"ids\":{\"email\":\"a@x.com\"}}", NULL});
}

static void test_missing_values(void **state)
{
	(void)state;
	const char *map = "missing: [\"?\", \"N/A\"]\n"
			  "ts: {column: When}\n"
			  "constants: {source: web, type: page.viewed}\n"
			  "fields: {Ticket: case, Again: repeat, Prev: links}\n"
			  "identifiers: {Email: email, Phone: phone}\n"
			  "props: {Secs: secs}\n";
	const char *csv = "When,Email,Phone,Ticket,Again,Prev,Secs\n"
			  "2016-02-29T01:16:00Z,a@x.com,?,N/A,,\" ; , \",?\n"
			  "2016-02-29T01:16:00Z,  ,07700 900123,  ?  ,\" \",x,  12  \n"
			  "2016-02-29T01:16:00Z,n/a,?,T-1,?,?,N/A\n";
	expect(map, csv,
	       (const char *[]){"2 " EV0 ",\"ids\":{\"email\":\"a@x.com\"}}",
				"3 " EV0 ",\"ids\":{\"phone\":\"07700 900123\"},\"links\":[\"x\"],"
				"\"props\":{\"secs\":12}}",
				/* missing values are case-sensitive: n/a is an e-mail here */
				"4 " EV0 ",\"ids\":{\"email\":\"n/a\"},\"case\":\"T-1\"}", NULL});
	/* trim: false keeps spaces, and " " is then a value */
	expect("trim: false\n" BASE "props: {Note: note}\n",
	       "When,Email,Note\n2016-02-29T01:16:00Z,a@x.com , \n",
	       (const char *[]){"2 " EV0 ",\"ids\":{\"email\":\"a@x.com \"},\"props\":{\"note\":\" \"}}",
				NULL});
}

static void test_conversions(void **state)
{
	(void)state;
	const char *map = "ts: {column: When}\n"
			  "constants: {source: web, type: t}\n"
			  "fields: {R: repeat, L: links}\n"
			  "identifiers: {E1: email, P: phone, E2: email}\n"
			  "props: {N: n}\n";
	const char *ev = "{\"ts\":\"2016-02-29T01:16:00Z\",\"source\":\"web\",\"type\":\"t\"";
	char want[8][300];
	snprintf(want[0], 300, "2 %s,\"ids\":{\"email\":[\"a@x.com\",\"b@x.com\"],\"phone\":\"1\"},"
		 "\"links\":[\"a\",\"b\",\"b\"],\"repeat\":true,\"props\":{\"n\":-4.5}}", ev);
	snprintf(want[1], 300, "3 %s,\"ids\":{\"email\":\"b@x.com\",\"phone\":\"2\"},"
		 "\"repeat\":false,\"props\":{\"n\":1e3}}", ev);
	snprintf(want[2], 300, "4 %s,\"ids\":{\"email\":\"a@x.com\",\"phone\":\"3\"},"
		 "\"repeat\":true,\"props\":{\"n\":\"007\"}}", ev);
	snprintf(want[3], 300, "5 %s,\"ids\":{\"email\":\"a@x.com\",\"phone\":\"3\"},"
		 "\"repeat\":false,\"props\":{\"n\":\"12345678901234567\"}}", ev);
	snprintf(want[4], 300, "6 %s,\"ids\":{\"email\":\"a@x.com\",\"phone\":\"3\"},"
		 "\"repeat\":true,\"props\":{\"n\":123456789012345}}", ev);
	snprintf(want[5], 300, "7 %s,\"ids\":{\"email\":\"a@x.com\",\"phone\":\"3\"},"
		 "\"repeat\":false,\"props\":{\"n\":\"1.\"}}", ev);
	snprintf(want[6], 300, "8 !column 'R': 'maybe' is not yes or no (yes/no, true/false, y/n, 1/0)");
	snprintf(want[7], 300, "9 %s,\"ids\":{\"email\":\"a@x.com\",\"phone\":\"3\"},"
		 "\"repeat\":true,\"props\":{\"n\":-0.5e-3}}", ev);
	const char *csv = "When,E1,E2,P,R,L,N\n"
			  "2016-02-29T01:16:00Z,a@x.com,b@x.com,1,YES,\"a;b,b\",-4.5\n"
			  "2016-02-29T01:16:00Z,,b@x.com,2,n,,1e3\n"
			  "2016-02-29T01:16:00Z,a@x.com,,3,True,,007\n"
			  "2016-02-29T01:16:00Z,a@x.com,,3,0,,12345678901234567\n"
			  "2016-02-29T01:16:00Z,a@x.com,,3,Y,,123456789012345\n"
			  "2016-02-29T01:16:00Z,a@x.com,,3,false,,1.\n"
			  "2016-02-29T01:16:00Z,a@x.com,,3,maybe,,0\n"
			  "2016-02-29T01:16:00Z,a@x.com,,3,1,,-0.5e-3\n";
	expect(map, csv,
	       (const char *[]){want[0], want[1], want[2], want[3], want[4], want[5], want[6],
				want[7], NULL});
	/* constants are converted the same way */
	expect("ts: {column: When}\n"
	       "constants: {source: web, type: t, repeat: \"no\", links: \"A, B\"}\n"
	       "identifiers: {Email: email}\n",
	       "When,Email\n2016-02-29T01:16:00Z,a@x.com\n",
	       (const char *[]){"2 {\"ts\":\"2016-02-29T01:16:00Z\",\"source\":\"web\",\"type\":\"t\","
				"\"ids\":{\"email\":\"a@x.com\"},\"links\":[\"A\",\"B\"],\"repeat\":false}",
				NULL});
}

static void test_time_formats(void **state)
{
	(void)state;
	const char *tail = "constants: {source: web, type: page.viewed}\nidentifiers: {Email: email}\n";
	char map[400];
	snprintf(map, sizeof(map), "ts: {column: When, format: epoch}\n%s", tail);
	expect(map, "When,Email\n1456708560,a@x.com\n1456708560250,a@x.com\n-1,a@x.com\n1.5,a@x.com\n",
	       (const char *[]){"2 " EV0 ",\"ids\":{\"email\":\"a@x.com\"}}",
				"3 {\"ts\":\"2016-02-29T01:16:00.250Z\",\"source\":\"web\",\"type\":"
				"\"page.viewed\",\"ids\":{\"email\":\"a@x.com\"}}",
				"4 {\"ts\":\"1969-12-31T23:59:59Z\",\"source\":\"web\",\"type\":"
				"\"page.viewed\",\"ids\":{\"email\":\"a@x.com\"}}",
				"5 !column 'When': '1.5' is not an epoch time in seconds or milliseconds",
				NULL});
	snprintf(map, sizeof(map),
		 "ts: {column: When, format: \"%%d/%%m/%%Y %%H:%%M\", utc_offset: \"+01:00\"}\n%s", tail);
	expect(map, "When,Email\n29/2/2016 02:16,a@x.com\n",
	       (const char *[]){"2 " EV0 ",\"ids\":{\"email\":\"a@x.com\"}}", NULL});
	snprintf(map, sizeof(map), "ts: {column: When, format: \"%%Y%%m%%d %%H%%M%%S%%z\"}\n%s", tail);
	expect(map, "When,Email\n20160229 031600+0200,a@x.com\n",
	       (const char *[]){"2 " EV0 ",\"ids\":{\"email\":\"a@x.com\"}}", NULL});
	snprintf(map, sizeof(map), "ts: {column: When, format: rfc3339}\n%s", tail);
	expect(map, "When,Email\n2016-02-29 02:16:00+01:00,a@x.com\n29/2/2016,a@x.com\n?,a@x.com\n",
	       (const char *[]){"2 " EV0 ",\"ids\":{\"email\":\"a@x.com\"}}",
				"3 !column 'When': '29/2/2016' is not an RFC 3339 time (like "
				"2026-03-01T10:15:00Z)",
				/* without a missing list, ? is a value */
				"4 !column 'When': '?' is not an RFC 3339 time (like "
				"2026-03-01T10:15:00Z)",
				NULL});
}

static void test_bad_rows_keep_going(void **state)
{
	(void)state;
	const char *map = "missing: [\"?\"]\n"
			  "ts: {column: Call Date, format: \"%d/%m/%Y %H:%M\"}\n"
			  "constants: {source: cc, type: call.ended}\n"
			  "identifiers: {Email: email}\n";
	const char *csv = "Call Date,Email\n"
			  "29/2/2016 01:16,a@x.com\n"
			  "\"31/02/2016\n10:00\",b@x.com\n" /* line 3, spans two lines */
			  "31/02/2016 10:00,c@x.com\n"      /* line 5 */
			  "?,d@x.com\n"                     /* line 6 */
			  "1/3/2016 00:00,e@x.com,extra\n"  /* line 7 */
			  "1/3/2016 00:00\n"                /* line 8 */
			  "1/3/2016 00:00,f@x.com\n";       /* line 9 */
	const char *ev = ",\"source\":\"cc\",\"type\":\"call.ended\",\"ids\":{\"email\":";
	char want[7][200];
	snprintf(want[0], 200, "2 {\"ts\":\"2016-02-29T01:16:00Z\"%s\"a@x.com\"}}", ev);
	snprintf(want[1], 200, "3 !column 'Call Date': '31/02/2016\n10:00' does not match "
		 "%%d/%%m/%%Y %%H:%%M");
	snprintf(want[2], 200, "5 !column 'Call Date': '31/02/2016 10:00' does not match "
		 "%%d/%%m/%%Y %%H:%%M");
	snprintf(want[3], 200, "6 !column 'Call Date': the event time is missing");
	snprintf(want[4], 200, "7 !the record has 3 fields, the header has 2");
	snprintf(want[5], 200, "8 !the record has 1 field, the header has 2");
	snprintf(want[6], 200, "9 {\"ts\":\"2016-03-01T00:00:00Z\"%s\"f@x.com\"}}", ev);
	expect(map, csv,
	       (const char *[]){want[0], want[1], want[2], want[3], want[4], want[5], want[6], NULL});
}

/* The raw text of a bad record is available for a dead letter. */
static void test_raw_record(void **state)
{
	(void)state;
	struct bt_csv_map *m = map_of(BASE);
	struct bt_csv_reader *r;
	struct bt_err err = {0};
	struct bt_buf ev = BT_BUF_INIT;
	const char *csv = "When,Email\r\n\"not\r\na time\",\"a\"\"b\"\r\n2016-02-29T01:16:00Z,x\r\n";
	FILE *f = input(csv, strlen(csv));
	long line;
	size_t n;
	assert_int_equal(bt_csv_open(&r, f, m, &err), 0);
	assert_int_equal(bt_csv_next(r, &ev, &line, &err), BT_EINVAL);
	assert_int_equal(line, 2);
	assert_string_equal(err.msg, "column 'When': 'not\r\na time' is not an RFC 3339 time "
				     "(like 2026-03-01T10:15:00Z)");
	const char *raw = bt_csv_raw(r, &n);
	assert_int_equal(n, strlen("\"not\r\na time\",\"a\"\"b\""));
	assert_memory_equal(raw, "\"not\r\na time\",\"a\"\"b\"", n);
	assert_int_equal(ev.len, 0);
	assert_int_equal(bt_csv_next(r, &ev, &line, &err), 1);
	assert_int_equal(line, 4);
	raw = bt_csv_raw(r, &n);
	assert_memory_equal(raw, "2016-02-29T01:16:00Z,x", n);
	assert_int_equal(bt_csv_next(r, &ev, &line, &err), 0);
	bt_buf_release(&ev);
	bt_csv_close(r);
	fclose(f);
	bt_csv_map_free(m);
}

static void test_malformed_records(void **state)
{
	(void)state;
	const char *map = BASE "props: {Note: note}\n";
	expect(map,
	       "When,Email,Note\n"
	       "2016-02-29T01:16:00Z,a@x.com,\"closed\"late\n"
	       "2016-02-29T01:16:00Z,b@x.com,\"never closed\nso this is still the note\n",
	       (const char *[]){"2 !column 'Note': text after the closing quote",
				"3 !a quoted field opened at line 3 is not closed at the end of the "
				"input",
				NULL});
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	const char *map = BASE "props: {Note: note}\n";
	const char *csv = "When,Email,Note\n"
			  "2016-02-29T01:16:00Z,a@x.com,caf\xc3\xa9 \xf0\x9f\x98\x80\n" /* valid */
			  "2016-02-29T01:16:00Z,a@x.com,caf\xe9\n"         /* Latin-1 */
			  "2016-02-29T01:16:00Z,\xc0\xaf@x.com,x\n"         /* overlong '/' */
			  "2016-02-29T01:16:00Z,a@x.com,\xed\xa0\x80\n"     /* a surrogate */
			  "2016-02-29T01:16:00Z,a@x.com,\xf4\x90\x80\x80\n" /* beyond U+10FFFF */
			  "2016-02-29T01:16:00Z,a@x.com,\xe2\x82\n"         /* cut short */
			  "2016-02-29T01:16:00Z,b@x.com,ok\n";
	expect(map, csv,
	       (const char *[]){
		       "2 " EV0 ",\"ids\":{\"email\":\"a@x.com\"},\"props\":{\"note\":\"caf\xc3\xa9 "
		       "\xf0\x9f\x98\x80\"}}",
		       "3 !column 'Note': invalid UTF-8 (byte 0xe9 at offset 3)",
		       "4 !column 'Email': invalid UTF-8 (byte 0xc0 at offset 0)",
		       "5 !column 'Note': invalid UTF-8 (byte 0xed at offset 0)",
		       "6 !column 'Note': invalid UTF-8 (byte 0xf4 at offset 0)",
		       "7 !column 'Note': invalid UTF-8 (byte 0xe2 at offset 0)",
		       "8 " EV0 ",\"ids\":{\"email\":\"b@x.com\"},\"props\":{\"note\":\"ok\"}}", NULL});
}

/* A record over 1 MiB is reported and skipped; the next one is still read. */
static void test_overlong_record(void **state)
{
	(void)state;
	const char *map = BASE "props: {Note: note}\n";
	const char *head = "When,Email,Note\n";
	const char *row = "2016-02-29T01:16:00Z,a@x.com,";
	size_t fill = BT_CSV_MAX_RECORD - strlen(row); /* this row is exactly at the limit */
	struct bt_buf csv = BT_BUF_INIT;
	assert_int_equal(bt_buf_adds(&csv, head), 0);
	assert_int_equal(bt_buf_adds(&csv, row), 0);
	for (size_t i = 0; i < fill; i++)
		assert_int_equal(bt_buf_addc(&csv, 'x'), 0);
	assert_int_equal(bt_buf_adds(&csv, "\n"), 0); /* line 2: fits */
	assert_int_equal(bt_buf_adds(&csv, row), 0);
	for (size_t i = 0; i <= fill; i++)          /* line 3: one byte too long */
		assert_int_equal(bt_buf_addc(&csv, 'y'), 0);
	assert_int_equal(bt_buf_adds(&csv, "\n2016-02-29T01:16:00Z,b@x.com,short\n"), 0);
	/* line 5: an unclosed quote runs past the limit over many lines */
	assert_int_equal(bt_buf_adds(&csv, "2016-02-29T01:16:00Z,c@x.com,\"open"), 0);
	for (size_t i = 0; i < BT_CSV_MAX_RECORD / 8 + 1; i++)
		assert_int_equal(bt_buf_adds(&csv, "zzzzzzz\n"), 0);
	/*
	 * Line 5 is the row, "open" and the first "zzzzzzz\n"; every later line
	 * is 8 bytes.  The byte at offset BT_CSV_MAX_RECORD is on line `hit`;
	 * reading resumes on the line after it.  The z lines end at line
	 * 5 + MAX/8, and each left after the resume is a one-field record.
	 */
	size_t first = strlen(row) + strlen("\"open") + 8;
	size_t hit = 5 + (BT_CSV_MAX_RECORD - first) / 8 + 1, resume = hit + 1;
	size_t last_z = 5 + BT_CSV_MAX_RECORD / 8;
	char tail[200];
	snprintf(tail, sizeof(tail), "2016-02-29T01:16:00Z,d@x.com,after\n");
	assert_int_equal(bt_buf_adds(&csv, tail), 0);

	struct bt_csv_map *m = map_of(map);
	struct bt_csv_reader *r;
	struct bt_err err = {0};
	struct bt_buf ev = BT_BUF_INIT;
	FILE *f = input(csv.data, csv.len);
	long line;
	size_t n;
	assert_int_equal(bt_csv_open(&r, f, m, &err), 0);

	assert_int_equal(bt_csv_next(r, &ev, &line, &err), 1);
	assert_int_equal(line, 2);
	assert_int_equal(ev.len, strlen(EV0 ",\"ids\":{\"email\":\"a@x.com\"},\"props\":{\"note\":\"\"}}") + fill);

	assert_int_equal(bt_csv_next(r, &ev, &line, &err), BT_EINVAL);
	assert_int_equal(line, 3);
	assert_string_equal(err.msg, "the record is longer than 1048576 bytes; reading resumes at line 4");
	bt_csv_raw(r, &n);
	assert_int_equal(n, BT_CSV_MAX_RECORD); /* the first 1 MiB is kept */

	assert_int_equal(bt_csv_next(r, &ev, &line, &err), 1);
	assert_int_equal(line, 4);
	assert_string_equal(ev.data, EV0 ",\"ids\":{\"email\":\"b@x.com\"},\"props\":{\"note\":\"short\"}}");

	assert_int_equal(bt_csv_next(r, &ev, &line, &err), BT_EINVAL);
	assert_int_equal(line, 5);
	char want[200];
	snprintf(want, sizeof(want), "the record is longer than 1048576 bytes; reading resumes at line %zu",
		 resume);
	assert_string_equal(err.msg, want);
	/* the rest of the unclosed field is read as records of its own, then resync */
	int events = 0, bad = 0, rc;
	while ((rc = bt_csv_next(r, &ev, &line, &err)) != 0) {
		if (rc == 1) {
			events++;
			assert_string_equal(ev.data, EV0 ",\"ids\":{\"email\":\"d@x.com\"},\"props\":{\"note\":\"after\"}}");
			assert_int_equal(line, (long)last_z + 1);
		} else {
			assert_int_equal(rc, BT_EINVAL);
			bad++;
		}
	}
	assert_int_equal(events, 1);
	assert_int_equal(bad, (int)(last_z - resume + 1));
	bt_buf_release(&ev);
	bt_buf_release(&csv);
	bt_csv_close(r);
	fclose(f);
	bt_csv_map_free(m);
}

static void test_too_many_columns(void **state)
{
	(void)state;
	struct bt_buf csv = BT_BUF_INIT;
	assert_int_equal(bt_buf_adds(&csv, "When,Email"), 0);
	for (int i = 3; i <= BT_CSV_MAX_COLUMNS; i++)
		assert_int_equal(bt_buf_printf(&csv, ",c%d", i), 0);
	assert_int_equal(bt_buf_adds(&csv, "\n2016-02-29T01:16:00Z,a@x.com"), 0);
	for (int i = 2; i < BT_CSV_MAX_COLUMNS; i++)
		assert_int_equal(bt_buf_adds(&csv, ","), 0);
	assert_int_equal(bt_buf_adds(&csv, "\n2016-02-29T01:16:00Z,a@x.com"), 0);
	for (int i = 2; i <= BT_CSV_MAX_COLUMNS; i++)
		assert_int_equal(bt_buf_adds(&csv, ","), 0);
	assert_int_equal(bt_buf_adds(&csv, "\n"), 0);
	/* 1024 columns are fine; a row of 1025 fields is bad */
	expect_n(BASE, csv.data, csv.len,
		 (const char *[]){"2 " EV0 ",\"ids\":{\"email\":\"a@x.com\"}}",
				  "3 !the record has more than 1024 fields", NULL});
	/* a header of 1025 columns is refused */
	bt_buf_reset(&csv);
	assert_int_equal(bt_buf_adds(&csv, "When,Email"), 0);
	for (int i = 2; i <= BT_CSV_MAX_COLUMNS; i++)
		assert_int_equal(bt_buf_adds(&csv, ",x"), 0);
	assert_int_equal(bt_buf_adds(&csv, "\n"), 0);
	open_fails(BASE, csv.data, csv.len, BT_EINVAL, "header: the record has more than 1024 fields");
	bt_buf_release(&csv);
}

static void test_header_problems(void **state)
{
	(void)state;
	open_fails(BASE, "", 0, BT_EINVAL, "the input is empty: a header row is required");
	open_fails(BASE, "\n\n", 2, BT_EINVAL, "the input is empty: a header row is required");
	open_fails(BASE, "When,Mail\n", 10, BT_EINVAL,
		   "t.map.yaml:3: column 'Email' is not in the CSV header");
	open_fails("ts: {column: \"Call Date\"}\nconstants: {source: a, type: b}\nidentifiers: {E: email}\n",
		   "Call date,E\n", 12, BT_EINVAL,
		   "t.map.yaml:1: column 'Call Date' is not in the CSV header");
	open_fails(BASE, "When,Email,When\n", 16, BT_EINVAL,
		   "t.map.yaml:1: column 'When' appears more than once in the CSV header (columns 1 and 3)");
	open_fails(BASE, "When,\"Email\n", 12, BT_EINVAL,
		   "header: a quoted field opened at line 1 is not closed at the end of the input");
	open_fails(BASE, "When,E\xffmail\n", 12, BT_EINVAL, "header: column 2 is not valid UTF-8");
	/* a repeated header name the mapping does not use is harmless; header names are trimmed */
	expect(BASE, " When ,x,x,\"Email\"\n2016-02-29T01:16:00Z,1,2,a@x.com\n",
	       (const char *[]){"2 " EV0 ",\"ids\":{\"email\":\"a@x.com\"}}", NULL});
}

static void test_read_error(void **state)
{
	(void)state;
	struct bt_csv_map *m = map_of(BASE);
	struct bt_csv_reader *r = (struct bt_csv_reader *)1;
	struct bt_err err = {0};
	FILE *f = fopen("/dev/null", "w"); /* reading a write-only stream fails */
	assert_non_null(f);
	assert_int_equal(bt_csv_open(&r, f, m, &err), BT_EIO);
	assert_null(r);
	assert_string_equal(err.msg, "read error");
	fclose(f);
	bt_csv_map_free(m);
}

static void test_mapping_errors(void **state)
{
	(void)state;
	map_fails("ts: {column: When}\nconstants: {source: a, type: b}\nfeilds: {X: case}\n",
		  "t.map.yaml:3: unknown key 'feilds' (one of: delimiter, missing, trim, ts, constants, "
		  "fields, identifiers, props)");
	map_fails("- a\n- b\n", "t.map.yaml:1: a mapping file is a YAML mapping (key: value lines), not a sequence");
	map_fails("", "t.map.yaml:1: a mapping file is a YAML mapping (key: value lines), not a scalar");
	map_fails("constants: {source: a, type: b}\nidentifiers: {E: email}\n",
		  "t.map.yaml: missing key 'ts': say which column holds the event time");
	map_fails("ts: {format: epoch}\n", "t.map.yaml:1: ts needs a column: the CSV column that holds the event time");
	map_fails("ts: {column: When, colum: X}\n",
		  "t.map.yaml:1: unknown key 'colum' under ts (one of: column, format, utc_offset)");
	map_fails("ts: When\n", "t.map.yaml:1: ts must be a mapping (key: value lines), not a scalar");
	map_fails("ts: {column: [a]}\n", "t.map.yaml:1: ts column must be a single value, not a sequence");
	map_fails("ts: {column: When, format: \"%H:%M\"}\n",
		  "t.map.yaml:1: ts format '%H:%M': the format needs a year (%Y or %y), a month (%m) and "
		  "a day (%d) (or use rfc3339 or epoch)");
	map_fails("ts: {column: When, format: \"%d/%m/%Y %I\"}\n",
		  "t.map.yaml:1: ts format '%d/%m/%Y %I': the format has a directive other than %Y %y %m "
		  "%d %H %M %S %f %z %% (or use rfc3339 or epoch)");
	map_fails("ts:\n  column: When\n  utc_offset: \"+01:00\"\n",
		  "t.map.yaml:3: utc_offset only applies to a format such as \"%d/%m/%Y %H:%M\"; rfc3339 "
		  "and epoch times carry their own");
	map_fails("ts:\n  column: When\n  format: \"%Y-%m-%d\"\n  utc_offset: CET\n",
		  "t.map.yaml:4: utc_offset must be Z or like +01:00 or -05:00, not 'CET'");
	map_fails("ts: {column: When}\nidentifiers: {E: email}\nconstants: {source: a}\n",
		  "t.map.yaml: nothing gives the event field 'type': set it under constants or map a "
		  "column to it under fields");
	map_fails("ts: {column: When}\nconstants: {source: a, type: b}\n",
		  "t.map.yaml: no identifiers: map at least one column (e-mail, phone, customer id) under "
		  "identifiers");
	map_fails(BASE "fields:\n  Ticket: cas\n",
		  "t.map.yaml:5: unknown event field 'cas' under fields (one of: id, source, type, "
		  "channel, team, journey, case, links, outcome, repeat, direction, fulfils)");
	map_fails(BASE "fields:\n  A: case\n  B: case\n",
		  "t.map.yaml:6: event field 'case' is already set at line 5");
	map_fails(BASE "fields:\n  Src: source\n",
		  "t.map.yaml:5: event field 'source' is already set at line 2");
	map_fails(BASE "fields: {T: ts}\n", "t.map.yaml:4: the event time is set under ts, not under fields");
	map_fails(BASE "fields: {T: ids}\n",
		  "t.map.yaml:4: identifiers are mapped under identifiers, not under fields");
	map_fails(BASE "fields: {T: props}\n", "t.map.yaml:4: props are mapped under props, not under fields");
	map_fails(BASE "fields: {T: {x: 1}}\n",
		  "t.map.yaml:4: the event field of a column must be a single value, not a mapping");
	map_fails("ts: {column: When}\nconstants: {source: a, type: b, id: x}\nidentifiers: {E: email}\n",
		  "t.map.yaml:2: id cannot be a constant: every event would have the same id");
	map_fails("ts: {column: When}\nconstants: {source: a, type: b, team: }\nidentifiers: {E: email}\n",
		  "t.map.yaml:2: constant 'team' has no value");
	map_fails("ts: {column: When}\nconstants: {source: a, type: b, repeat: maybe}\n",
		  "t.map.yaml:2: constant 'repeat': 'maybe' is not yes or no");
	map_fails(BASE "identifiers2: {}\n",
		  "t.map.yaml:4: unknown key 'identifiers2' (one of: delimiter, missing, trim, ts, "
		  "constants, fields, identifiers, props)");
	map_fails("ts: {column: When}\nconstants: {source: a, type: b}\nidentifiers: {E: E-Mail}\n",
		  "t.map.yaml:3: identifier type 'E-Mail' must be lowercase letters, digits, '_' or '-' "
		  "(e.g. email, phone, customer_id)");
	map_fails(BASE "props: {A: x, B: x}\n", "t.map.yaml:4: props key 'x' is already used at line 4");
	map_fails(BASE "props: {A: \"\"}\n", "t.map.yaml:4: the props key of column 'A' is empty");
	map_fails("delimiter: \",,\"\n" BASE,
		  "t.map.yaml:1: delimiter must be one ASCII character other than a quote or a line end "
		  "(write a tab as \"\\t\"), not ',,'");
	map_fails("delimiter: '\"'\n" BASE,
		  "t.map.yaml:1: delimiter must be one ASCII character other than a quote or a line end "
		  "(write a tab as \"\\t\"), not '\"'");
	map_fails("missing: \"?\"\n" BASE,
		  "t.map.yaml:1: missing must be a list of values, e.g. [\"\", \"?\", \"N/A\"]");
	map_fails("missing: [[a]]\n" BASE, "t.map.yaml:1: each missing value must be a single value, not a sequence");
	map_fails("trim: maybe\n" BASE, "t.map.yaml:1: trim must be true or false");
	map_fails(BASE "props: {\"\": x}\n", "t.map.yaml:4: a column name is empty");
	/* errors from the YAML layer keep their own form */
	map_fails(BASE "fields: {A: case, A: team}\n",
		  "t.map.yaml:4:19: duplicate key 'A' (first at line 4)");
	map_fails(BASE "fields: &f {A: case}\n",
		  "t.map.yaml:4:9: anchor '&f' is not allowed: rules are plain data, write the value out");
}

/* Load from a file: errors name the file the user gave. */
static void test_mapping_file(void **state)
{
	(void)state;
	char path[] = "/tmp/calls.map.yaml.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs("ts: {column: When}\n"
	      "constants: {source: a, type: b}\n"
	      "identifiers: {E: email}\n"
	      "feilds: {X: case}\n", f);
	fclose(f);
	struct bt_csv_map *m;
	struct bt_err err = {0};
	assert_int_equal(bt_csv_map_load(&m, path, &err), BT_EINVAL);
	char want[300];
	snprintf(want, sizeof(want),
		 "%s:4: unknown key 'feilds' (one of: delimiter, missing, trim, ts, constants, fields, "
		 "identifiers, props)",
		 path);
	assert_string_equal(err.msg, want);
	unlink(path);
	assert_int_equal(bt_csv_map_load(&m, path, &err), BT_ENOTFOUND);
	assert_null(m);
}

/* The shipped example: 20 calls, one of them with an impossible date. */
static void test_example(void **state)
{
	(void)state;
	const char *root = getenv("BATON_ROOT");
	char mpath[1024], cpath[1024];
	snprintf(mpath, sizeof(mpath), "%s/examples/calls.map.yaml", root ? root : ".");
	snprintf(cpath, sizeof(cpath), "%s/examples/calls.csv", root ? root : ".");
	struct bt_csv_map *m;
	struct bt_csv_reader *r;
	struct bt_err err = {0};
	struct bt_buf ev = BT_BUF_INIT;
	if (bt_csv_map_load(&m, mpath, &err))
		fail_msg("%s", err.msg);
	FILE *f = fopen(cpath, "rb");
	assert_non_null(f);
	assert_int_equal(bt_csv_open(&r, f, m, &err), 0);
	long line;
	int rc, events = 0, bad = 0;
	while ((rc = bt_csv_next(r, &ev, &line, &err)) != 0) {
		if (rc == 1 && events++ == 0) {
			assert_int_equal(line, 2);
			assert_string_equal(ev.data,
					    "{\"id\":\"C-1001\",\"ts\":\"2016-02-29T00:16:00Z\","
					    "\"source\":\"contact-center\",\"type\":\"call.ended\","
					    "\"channel\":\"voice\",\"ids\":{\"email\":\"ann@example.com\","
					    "\"phone\":\"+44 7700 900123\",\"customer_id\":\"C-17\"},"
					    "\"team\":\"billing\",\"journey\":\"billing-dispute\","
					    "\"case\":\"T-1\",\"outcome\":\"unresolved\",\"repeat\":false,"
					    "\"props\":{\"duration_s\":312}}");
		} else if (rc != 1) {
			assert_int_equal(rc, BT_EINVAL);
			bad++;
			assert_int_equal(line, 9);
			assert_string_equal(err.msg, "column 'Call Date': '31/02/2016 10:00' does not "
						     "match %d/%m/%Y %H:%M");
		}
	}
	assert_int_equal(events, 19);
	assert_int_equal(bad, 1);
	bt_buf_release(&ev);
	bt_csv_close(r);
	fclose(f);
	bt_csv_map_free(m);
}

/* Every allocation failure ends in BT_ENOMEM, never a crash or a leak. */
static void test_out_of_memory(void **state)
{
	(void)state;
	const char *yaml = BASE "fields: {L: links}\nprops: {N: n}\n";
	const char *csv = "When,Email,L,N\n2016-02-29T01:16:00Z,a@x.com,\"a;b\",1\n";
	int failures = 0;
	for (long n = 0;; n++) {
		struct bt_csv_map *m = NULL;
		struct bt_csv_reader *r = NULL;
		struct bt_buf ev = BT_BUF_INIT;
		struct bt_err err = {0};
		FILE *f = input(csv, strlen(csv));
		long line;
		bt__alloc_fail_after(n);
		int rc = bt_csv_map_parse(&m, "t", yaml, strlen(yaml), &err);
		if (!rc)
			rc = bt_csv_open(&r, f, m, &err);
		if (!rc)
			rc = bt_csv_next(r, &ev, &line, &err);
		bt__alloc_fail_after(-1);
		bt_buf_release(&ev);
		bt_csv_close(r);
		bt_csv_map_free(m);
		fclose(f);
		if (rc == 1)
			break;
		assert_int_equal(rc, BT_ENOMEM);
		failures++;
	}
	assert_true(failures > 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_every_field),
		cmocka_unit_test(test_quoting_and_line_numbers),
		cmocka_unit_test(test_crlf_bom_blank_lines),
		cmocka_unit_test(test_delimiter),
		cmocka_unit_test(test_missing_values),
		cmocka_unit_test(test_conversions),
		cmocka_unit_test(test_time_formats),
		cmocka_unit_test(test_bad_rows_keep_going),
		cmocka_unit_test(test_raw_record),
		cmocka_unit_test(test_malformed_records),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_overlong_record),
		cmocka_unit_test(test_too_many_columns),
		cmocka_unit_test(test_header_problems),
		cmocka_unit_test(test_read_error),
		cmocka_unit_test(test_mapping_errors),
		cmocka_unit_test(test_mapping_file),
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_out_of_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
