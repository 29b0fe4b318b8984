/* SPDX-License-Identifier: Apache-2.0 */
/*
 * buf.h - a growable byte buffer (git's strbuf habit), public so that the
 * CLI and the server build their output with it.
 *
 * A struct bt_buf starts zeroed (BT_BUF_INIT), grows on demand and is always
 * NUL-terminated once anything was added.  `max` bounds the length (0 = no
 * bound): a buffer fed from the network sets it, and an append past it fails
 * with BT_ELIMIT instead of growing.  Appends return 0 or a negative BT_E*
 * code; after a failure the buffer holds what it held before.
 */
#ifndef BATON_BUF_H
#define BATON_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct bt_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;
	int failed; /* an append ran out of memory: every later one fails too */
};

#define BT_BUF_INIT {NULL, 0, 0, 0, 0}

void bt_buf_release(struct bt_buf *b);
/* BT_ENOMEM when an append since the buffer was made or reset ran out of
 * memory, else 0: a writer that goes on past one failure checks once, at
 * the end, and never hands out half a document. */
int bt_buf_status(const struct bt_buf *b);
/* Make room for n more bytes. */
int bt_buf_grow(struct bt_buf *b, size_t n);
void bt_buf_reset(struct bt_buf *b);
int bt_buf_add(struct bt_buf *b, const void *p, size_t n);
int bt_buf_adds(struct bt_buf *b, const char *s);
int bt_buf_addc(struct bt_buf *b, char c);
int bt_buf_printf(struct bt_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int bt_buf_vprintf(struct bt_buf *b, const char *fmt, va_list ap);
int bt_buf_add_i64(struct bt_buf *b, int64_t v);
/* Give the data to the caller (who frees it with bt__free) and reset b. */
char *bt_buf_detach(struct bt_buf *b, size_t *len);

/*
 * Append s[0..n) as a quoted JSON string: ", \ and control characters are
 * escaped, valid UTF-8 is copied, and each byte that is not part of valid
 * UTF-8 becomes \ufffd, so the JSON is valid whatever s holds.
 */
int bt_buf_json_str(struct bt_buf *b, const char *s, size_t n);
/* Same for a NUL-terminated string; NULL appends `null`. */
int bt_buf_json_strz(struct bt_buf *b, const char *s);
/* Append NUL-terminated s as text of an HTML page (< > & " escaped), or
 * of a Markdown table cell (| escaped, a newline as a space). */
int bt_buf_html_text(struct bt_buf *b, const char *s);
int bt_buf_md_text(struct bt_buf *b, const char *s);
/* Append a double as JSON: an integer as an integer, else the shortest
 * decimal that reads back as the same double; null if not finite. */
int bt_buf_json_num(struct bt_buf *b, double v);

#endif
