/* SPDX-License-Identifier: Apache-2.0 */
/*
 * csv.h - CSV ingest: turn each row of an export into a native baton event.
 *
 * Many touchpoints (contact-center platforms, CRMs, billing systems) can
 * only export CSV.  A mapping file (YAML, documented with a full example in
 * docs/csv-mapping.md) says which column holds the event time and in which
 * layout, which columns feed which event fields, identifiers and props,
 * and which fields are the same for every row.  The reader streams the CSV
 * and writes one event per row as JSON text; the caller then validates that
 * event like any other (this module only shapes it: it does not check that
 * an outcome is one of the known words, nor normalise identifiers).
 *
 * CSV is read as RFC 4180 with the usual liberties: a configurable
 * one-byte delimiter, LF or CRLF line ends, quoted fields with doubled
 * quotes that may span lines, a UTF-8 byte order mark skipped at the start,
 * blank lines skipped, and a '"' inside an unquoted field kept as text.  The
 * first record is the header; columns are matched by name.
 *
 * Memory is bounded whatever the input: a record (its bytes as read,
 * without the line end) may be at most BT_CSV_MAX_RECORD bytes and have at
 * most BT_CSV_MAX_COLUMNS fields.  A longer record is reported as bad and
 * reading resumes at the next physical line (so an unclosed quote cannot
 * swallow the rest of the file; the price is that a legitimately huge
 * multi-line record is followed by a few bad ones).
 */
#ifndef BT_CSV_H
#define BT_CSV_H

#include <stddef.h>
#include <stdio.h>

struct bt_buf;
struct bt_err;

#define BT_CSV_MAX_RECORD ((size_t)1 << 20) /* 1 MiB */
#define BT_CSV_MAX_COLUMNS 1024

struct bt_csv_map;

/*
 * Load a mapping file.  Errors name the file and the line:
 * "calls.map.yaml:4: unknown key 'feilds' (...)".  Returns 0, BT_EINVAL,
 * BT_ENOTFOUND, BT_EIO, BT_ELIMIT or BT_ENOMEM.
 */
int bt_csv_map_load(struct bt_csv_map **out, const char *path, struct bt_err *err);
/* Same from text in memory; name stands for the file in error messages. */
int bt_csv_map_parse(struct bt_csv_map **out, const char *name, const char *text, size_t len,
		     struct bt_err *err);
void bt_csv_map_free(struct bt_csv_map *m);

struct bt_csv_reader;

/*
 * Read the header from f and check the mapping against it: every column
 * the mapping names must appear in the header exactly once, else the error
 * names the column and the mapping line.  m must outlive the reader; f is
 * not closed by bt_csv_close.  Returns 0, BT_EINVAL (no header, a bad
 * header, a column missing), BT_EIO or BT_ENOMEM.
 */
int bt_csv_open(struct bt_csv_reader **out, FILE *f, const struct bt_csv_map *m,
		struct bt_err *err);

/*
 * Read the next record and write its event to *event (reset first).
 * Returns
 *   1           one event written; *line is the line where the record started;
 *   0           end of input;
 *   BT_EINVAL   this record is bad: err says why, naming the column when
 *               there is one ("column 'Call Date': '31/02/2016 10:00' does
 *               not match %d/%m/%Y %H:%M"; the message does not repeat the
 *               line, *line has it).  Reading can go on with the next call;
 *   BT_EIO      the stream failed (and every later call fails the same way);
 *   BT_ENOMEM, or BT_ELIMIT if event has a max that the event would pass.
 * After 1 or BT_EINVAL, bt_csv_raw gives the record's raw text.
 */
int bt_csv_next(struct bt_csv_reader *r, struct bt_buf *event, long *line, struct bt_err *err);

/*
 * The last record as read, without its line end, so that a bad record can
 * be kept as a dead letter.  For a record over BT_CSV_MAX_RECORD it is the
 * first BT_CSV_MAX_RECORD bytes.  Valid until the next bt_csv_next.
 */
const char *bt_csv_raw(const struct bt_csv_reader *r, size_t *len);

void bt_csv_close(struct bt_csv_reader *r);

#endif
