/* SPDX-License-Identifier: Apache-2.0 */
/* buf.c - growable buffers; see buf.h. */
#include "util/buf.h"

#include "baton/error.h"
#include "util/alloc.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

void bt_buf_release(struct bt_buf *b)
{
	bt__free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}

void bt_buf_reset(struct bt_buf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->data)
		b->data[0] = '\0';
}

int bt_buf_status(const struct bt_buf *b) { return b->failed ? BT_ENOMEM : 0; }

int bt_buf_grow(struct bt_buf *b, size_t n)
{
	size_t need = b->len + n + 1;
	if (b->failed)
		return BT_ENOMEM;
	if (need < b->len)
		return b->failed = 1, BT_ENOMEM;
	if (b->max && b->len + n > b->max)
		return BT_ELIMIT;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap * 2 > cap ? cap * 2 : need;
	char *p = bt__realloc(b->data, cap);
	if (!p)
		return b->failed = 1, BT_ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int bt_buf_add(struct bt_buf *b, const void *p, size_t n)
{
	int rc = bt_buf_grow(b, n);
	if (rc)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int bt_buf_adds(struct bt_buf *b, const char *s) { return bt_buf_add(b, s, strlen(s)); }

int bt_buf_addc(struct bt_buf *b, char c) { return bt_buf_add(b, &c, 1); }

int bt_buf_vprintf(struct bt_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return BT_EINVAL;
	int rc = bt_buf_grow(b, (size_t)n);
	if (rc)
		return rc;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int bt_buf_printf(struct bt_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = bt_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

int bt_buf_add_i64(struct bt_buf *b, int64_t v)
{
	char tmp[24];
	char *p = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	return bt_buf_add(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

char *bt_buf_detach(struct bt_buf *b, size_t *len)
{
	char *d = b->data;
	if (!d)
		d = bt__strndup("", 0);
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
	return d;
}

/* The length of the valid UTF-8 sequence at s[0..n) (RFC 3629: no
 * overlong forms, no surrogates, nothing past U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp, min;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f, min = 0x80;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f, min = 0x800;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

int bt_buf_json_str(struct bt_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t start = b->len;
	int rc = bt_buf_grow(b, n + 2);
	if (rc)
		return rc;
	b->data[b->len++] = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[7];
		size_t elen = 0;
		switch (c) {
		case '"': esc[0] = '\\'; esc[1] = '"'; elen = 2; break;
		case '\\': esc[0] = '\\'; esc[1] = '\\'; elen = 2; break;
		case '\n': esc[0] = '\\'; esc[1] = 'n'; elen = 2; break;
		case '\r': esc[0] = '\\'; esc[1] = 'r'; elen = 2; break;
		case '\t': esc[0] = '\\'; esc[1] = 't'; elen = 2; break;
		default:
			if (c < 0x20 || c == 0x7f) {
				memcpy(esc, "\\u00", 4);
				esc[4] = hex[c >> 4];
				esc[5] = hex[c & 15];
				elen = 6;
			}
		}
		size_t u = elen ? 0 : utf8_len((const unsigned char *)s + i, n - i);
		if (elen)
			rc = bt_buf_add(b, esc, elen);
		else if (!u) /* not UTF-8: the replacement character, so the JSON stays valid */
			rc = bt_buf_add(b, "\\ufffd", 6);
		else {
			rc = bt_buf_add(b, &s[i], u);
			i += u - 1;
		}
		if (rc) {
			b->len = start;
			b->data[start] = '\0';
			return rc;
		}
	}
	rc = bt_buf_addc(b, '"');
	if (rc) {
		b->len = start;
		b->data[start] = '\0';
	}
	return rc;
}

int bt_buf_json_strz(struct bt_buf *b, const char *s)
{
	return s ? bt_buf_json_str(b, s, strlen(s)) : bt_buf_adds(b, "null");
}

int bt_buf_json_num(struct bt_buf *b, double v)
{
	if (!isfinite(v))
		return bt_buf_adds(b, "null");
	if (fabs(v) < 9e15 && v == (double)(int64_t)v)
		return bt_buf_add_i64(b, (int64_t)v);
	/* the shortest form that reads back as the same double: a TTR of
	 * 1234567.5 s must not become 1.23457e+06 */
	char t[32];
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(t, sizeof(t), "%.*g", prec, v);
		if (strtod(t, NULL) == v)
			break;
	}
	return bt_buf_adds(b, t);
}

int bt_buf_html_text(struct bt_buf *b, const char *s)
{
	int rc = 0;
	for (; s && *s && !rc; s++) {
		const char *e = *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;" : *s == '"' ? "&quot;" : NULL;
		rc = e ? bt_buf_adds(b, e) : bt_buf_addc(b, *s);
	}
	return rc;
}

int bt_buf_md_text(struct bt_buf *b, const char *s)
{
	int rc = 0;
	for (; s && *s && !rc; s++)
		rc = *s == '|' ? bt_buf_adds(b, "\\|") : bt_buf_addc(b, *s == '\n' ? ' ' : *s);
	return rc;
}
