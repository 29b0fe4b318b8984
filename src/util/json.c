/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json.c - the strict JSON parser of json.h and its accessors.
 *
 * The parser is a loop over three states (a value is expected, a value has
 * just ended, an object key is expected) with an explicit stack of open
 * containers, so nesting never grows the C stack.  Each value appends one
 * node; a container's `len` is counted as its children complete and its
 * `end` is set when it closes.
 *
 * Speed comes from three things: no allocation per value (the doc's buffers
 * are reused), the string buffer reserved once per parse (so string
 * pointers can be stored directly, nothing moves), and the string scan,
 * which copies eight plain bytes at a time and drops to byte-by-byte work
 * only at a quote, a backslash, a control character or a non-ASCII byte.
 */
#include "util/json.h"

#include "util/alloc.h"

#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_DEPTH 100000u
#define FIRST_NODE_CAP 64u
#define FIRST_STACK_CAP 32u

struct parser {
	struct bt_json_doc *d;
	struct bt_err *err;
	const unsigned char *src;
	const unsigned char *end;
	char *out;          /* next free byte of d->str */
	uint32_t node_room; /* nodes we may add before growing or failing */
	uint32_t max_nodes;
	uint32_t max_depth;
	uint32_t depth;
	int rc; /* the error code once a helper has failed */
};

/*
 * 1 for the bytes a string copies as they are: printable ASCII except the
 * quote and the backslash.  Control characters, '"', '\\' and every byte
 * of a multi-byte UTF-8 sequence need a closer look.
 */
static const unsigned char plain[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x00 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x10 */
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x20 '"' */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x30 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x40 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, /* 0x50 '\\' */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x60 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x70 */
	/* 0x80 to 0xff: all 0 */
};

static int failf(struct parser *ps, int code, const unsigned char *at,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Record "invalid JSON at byte N: <what>" and return code. */
static int failf(struct parser *ps, int code, const unsigned char *at,
		 const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	ps->rc = code;
	ps->d->err_at = (size_t)(at - ps->src);
	return bt_err_set(ps->err, code, "invalid JSON at byte %zu: %s",
			  ps->d->err_at, what);
}

/*
 * Complain about the byte at `at` (or the end of input), adding `expected`
 * (" (expected ':')" or "") to say what would have been right.
 */
static int unexpected(struct parser *ps, const unsigned char *at,
		      const char *expected)
{
	if (at == ps->end)
		return failf(ps, BT_EINVAL, at, "unexpected end of input");
	if (*at > 0x20 && *at < 0x7f)
		return failf(ps, BT_EINVAL, at, "unexpected character '%c'%s",
			     *at, expected);
	return failf(ps, BT_EINVAL, at, "unexpected byte 0x%02x%s", *at,
		     expected);
}

static int nomem(struct parser *ps)
{
	ps->rc = BT_ENOMEM;
	return bt_err_set(ps->err, BT_ENOMEM, "out of memory parsing JSON");
}

static inline const unsigned char *skip_ws(const unsigned char *p,
					   const unsigned char *end)
{
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	return p;
}

static int grow_nodes(struct parser *ps, const unsigned char *at)
{
	struct bt_json_doc *d = ps->d;
	size_t cap;
	struct bt_json_node *n;

	if (d->count >= ps->max_nodes)
		return failf(ps, BT_ELIMIT, at, "more than %lu values",
			     (unsigned long)ps->max_nodes);
	cap = d->node_cap ? (size_t)d->node_cap * 2 : FIRST_NODE_CAP;
	if (cap > ps->max_nodes)
		cap = ps->max_nodes;
	n = bt__reallocarray(d->nodes, cap, sizeof(*n));
	if (!n)
		return nomem(ps);
	d->nodes = n;
	d->node_cap = (uint32_t)cap;
	ps->node_room = d->node_cap;
	return 0;
}

/* Append a node for the value at `at`; NULL with the error set on failure. */
static inline struct bt_json_node *add_node(struct parser *ps, uint8_t type,
					    const unsigned char *at)
{
	struct bt_json_doc *d = ps->d;
	struct bt_json_node *n;

	if (d->count == ps->node_room && grow_nodes(ps, at))
		return NULL;
	n = &d->nodes[d->count++];
	n->type = type;
	n->len = 0;
	n->end = d->count;
	n->off = (uint32_t)(at - ps->src);
	n->s = NULL;
	return n;
}

/* Open the container whose node is the last one added. */
static int push(struct parser *ps, const unsigned char *at)
{
	struct bt_json_doc *d = ps->d;

	if (ps->depth == ps->max_depth)
		return failf(ps, BT_ELIMIT, at, "nesting deeper than %lu",
			     (unsigned long)ps->max_depth);
	if (ps->depth == d->stack_cap) {
		size_t cap = d->stack_cap ? (size_t)d->stack_cap * 2
					  : FIRST_STACK_CAP;
		uint32_t *s;
		if (cap > ps->max_depth)
			cap = ps->max_depth;
		s = bt__reallocarray(d->stack, cap, sizeof(*s));
		if (!s)
			return nomem(ps);
		d->stack = s;
		d->stack_cap = (uint32_t)cap;
	}
	d->stack[ps->depth++] = d->count - 1;
	return 0;
}

/*
 * A word with a 0x80 bit set in each byte that is a quote, a backslash, a
 * control character or non-ASCII; zero when all eight bytes are plain.
 * Subtracting from a byte borrows into the next one only when the byte is
 * itself a hit, so the lowest flagged byte is always a true hit (bytes
 * above it may be flagged falsely; only the first one is used).
 */
static inline uint64_t special_bytes(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101u;
	const uint64_t high = 0x8080808080808080u;
	uint64_t quote = w ^ (ones * '"');
	uint64_t bslash = w ^ (ones * '\\');

	return ((quote - ones) | (bslash - ones) | (w - ones * 0x20) | w) &
	       high;
}

/* How many bytes precede the first hit of special_bytes(); 0 if unknown. */
static inline size_t plain_prefix(uint64_t hits)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) &&                          \
	__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (size_t)__builtin_ctzll(hits) / 8;
#else
	(void)hits;
	return 0; /* the byte loop that follows finds it */
#endif
}

/*
 * Length of the well-formed UTF-8 sequence at p (whose lead byte is
 * >= 0x80), or 0: overlong forms, UTF-16 surrogates, code points above
 * U+10FFFF and truncated sequences are all ill-formed (Unicode table 3-7).
 */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		if (p[0] == 0xe0)
			lo = 0xa0; /* overlong */
		else if (p[0] == 0xed)
			hi = 0x9f; /* surrogates */
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		if (p[0] == 0xf0)
			lo = 0x90; /* overlong */
		else if (p[0] == 0xf4)
			hi = 0x8f; /* above U+10FFFF */
	} else {
		return 0;
	}
	if ((size_t)(end - p) < len || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * The four hex digits after the "\u" at p, or -1 with the error set.
 * quote is the string's opening quote, for the "unterminated" message.
 */
static long hex4(struct parser *ps, const unsigned char *p,
		 const unsigned char *quote)
{
	long v = 0;
	int i, h;

	for (i = 2; i < 6; i++) {
		if (p + i == ps->end) {
			failf(ps, BT_EINVAL, quote, "unterminated string");
			return -1;
		}
		h = hexval(p[i]);
		if (h < 0) {
			failf(ps, BT_EINVAL, p, "invalid \\u escape");
			return -1;
		}
		v = v * 16 + h;
	}
	return v;
}

static char *put_utf8(char *o, unsigned long cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | cp >> 6);
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | cp >> 12);
		*o++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | cp >> 18);
		*o++ = (char)(0x80 | (cp >> 12 & 0x3f));
		*o++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

/*
 * Decode the \u escape at p (and the low surrogate escape that must follow
 * a high one) to *o.  Returns the byte after it, or NULL with the error set.
 */
static const unsigned char *unicode_escape(struct parser *ps,
					   const unsigned char *p,
					   const unsigned char *quote, char **o)
{
	long cp = hex4(ps, p, quote), lo;

	if (cp < 0)
		return NULL;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		goto unpaired;
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (ps->end - p < 8 || p[6] != '\\' || p[7] != 'u')
			goto unpaired;
		lo = hex4(ps, p + 6, quote);
		if (lo < 0)
			return NULL;
		if (lo < 0xdc00 || lo > 0xdfff)
			goto unpaired;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		p += 6;
	}
	*o = put_utf8(*o, (unsigned long)cp);
	return p + 6;
unpaired:
	failf(ps, BT_EINVAL, p, "unpaired surrogate \\u%04lx in string",
	      (unsigned long)cp);
	return NULL;
}

/* Decode the escape at p (a backslash) to *o; as unicode_escape. */
static const unsigned char *escape(struct parser *ps, const unsigned char *p,
				   const unsigned char *quote, char **o)
{
	char c;

	if (ps->end - p < 2) {
		failf(ps, BT_EINVAL, quote, "unterminated string");
		return NULL;
	}
	switch (p[1]) {
	case '"': c = '"'; break;
	case '\\': c = '\\'; break;
	case '/': c = '/'; break;
	case 'b': c = '\b'; break;
	case 'f': c = '\f'; break;
	case 'n': c = '\n'; break;
	case 'r': c = '\r'; break;
	case 't': c = '\t'; break;
	case 'u': return unicode_escape(ps, p, quote, o);
	default:
		if (p[1] > 0x20 && p[1] < 0x7f)
			failf(ps, BT_EINVAL, p, "invalid escape '\\%c'", p[1]);
		else
			failf(ps, BT_EINVAL, p, "invalid escape '\\' 0x%02x",
			      p[1]);
		return NULL;
	}
	*(*o)++ = c;
	return p + 2;
}

/*
 * Parse the string whose opening quote is at p into node n, decoding it
 * into the string buffer.  Returns the byte after the closing quote, or
 * NULL with the error set.
 *
 * The eight-byte copy needs no bounds check on the output: decoded strings
 * and their NULs never outgrow their source (a string of k source bytes
 * with its quotes decodes to at most k - 1 bytes with its NUL), so while
 * the input is at byte q the output is below byte q - 1 of a buffer of
 * len + 1 bytes, and the word is only copied when q + 8 <= len.
 */
static const unsigned char *string(struct parser *ps, const unsigned char *p,
				   struct bt_json_node *n)
{
	const unsigned char *quote = p, *end = ps->end;
	char *o = ps->out;
	size_t k;

	p++;
	for (;;) {
		while (end - p >= 8) {
			uint64_t w, hits;
			memcpy(&w, p, 8);
			memcpy(o, &w, 8);
			hits = special_bytes(w);
			if (hits) {
				k = plain_prefix(hits);
				p += k;
				o += k;
				break;
			}
			p += 8;
			o += 8;
		}
		while (p < end && plain[*p])
			*o++ = (char)*p++;
		if (p == end) {
			failf(ps, BT_EINVAL, quote, "unterminated string");
			return NULL;
		}
		if (*p == '"')
			break;
		if (*p == '\\') {
			p = escape(ps, p, quote, &o);
			if (!p)
				return NULL;
		} else if (*p < 0x20) {
			failf(ps, BT_EINVAL, p,
			      "unescaped control character 0x%02x in string",
			      *p);
			return NULL;
		} else if (*p >= 0x80) {
			k = utf8_len(p, end);
			if (!k) {
				failf(ps, BT_EINVAL, p, "invalid UTF-8");
				return NULL;
			}
			memcpy(o, p, k);
			o += k;
			p += k;
		}
	}
	*o = '\0';
	n->s = ps->out;
	n->len = (uint32_t)(o - ps->out);
	ps->out = o + 1;
	return p + 1;
}

static inline int is_digit(const unsigned char *p, const unsigned char *end)
{
	return p < end && *p >= '0' && *p <= '9';
}

/*
 * Scan the number at p into node n by the RFC grammar
 *   -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
 * Returns the byte after it, or NULL with the error set.  A number glued
 * to more number-like bytes ("01", "1.2.3", "0x1") is invalid as a whole.
 */
static const unsigned char *number(struct parser *ps, const unsigned char *p,
				   struct bt_json_node *n)
{
	const unsigned char *start = p, *end = ps->end;

	if (*p == '-')
		p++;
	if (!is_digit(p, end))
		goto bad;
	if (*p++ != '0')
		while (is_digit(p, end))
			p++;
	if (p < end && *p == '.') {
		if (!is_digit(++p, end))
			goto bad;
		while (is_digit(p, end))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (!is_digit(p, end))
			goto bad;
		while (is_digit(p, end))
			p++;
	}
	if (p < end && (*p == '.' || *p == '+' || *p == '-' || is_digit(p, end) ||
			((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z')))
		goto bad;
	n->s = (const char *)start;
	n->len = (uint32_t)(p - start);
	return p;
bad:
	failf(ps, BT_EINVAL, start, "invalid number");
	return NULL;
}

/* Check that the literal word (true, false, null) is at p. */
static const unsigned char *literal(struct parser *ps, const unsigned char *p,
				    const char *word, size_t len)
{
	if ((size_t)(ps->end - p) < len || memcmp(p, word, len) != 0) {
		failf(ps, BT_EINVAL, p, "invalid literal (expected '%s')",
		      word);
		return NULL;
	}
	return p + len;
}

/* Parse one scalar value at p; returns the byte after it or NULL. */
static const unsigned char *scalar(struct parser *ps, const unsigned char *p)
{
	struct bt_json_node *n;

	switch (*p) {
	case '"':
		n = add_node(ps, BT_JSON_STRING, p);
		return n ? string(ps, p, n) : NULL;
	case 't':
		n = add_node(ps, BT_JSON_TRUE, p);
		return n ? literal(ps, p, "true", 4) : NULL;
	case 'f':
		n = add_node(ps, BT_JSON_FALSE, p);
		return n ? literal(ps, p, "false", 5) : NULL;
	case 'n':
		n = add_node(ps, BT_JSON_NULL, p);
		return n ? literal(ps, p, "null", 4) : NULL;
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		n = add_node(ps, BT_JSON_NUMBER, p);
		return n ? number(ps, p, n) : NULL;
	default:
		unexpected(ps, p, "");
		return NULL;
	}
}

/* Make room for the decoded strings of a text of len bytes. */
static int reserve_strings(struct bt_json_doc *d, size_t len)
{
	size_t need = len + 1, cap;

	if (need <= d->str_cap)
		return 0;
	cap = d->str_cap * 2 > need ? d->str_cap * 2 : need;
	bt__free(d->str); /* the old contents are not needed */
	d->str_cap = 0;
	d->str = bt__malloc(cap);
	if (!d->str)
		return BT_ENOMEM;
	d->str_cap = cap;
	return 0;
}

/*
 * The state machine over the text after leading whitespace.  `value`
 * expects a value at p, `next` follows a complete value, `key` expects an
 * object key; each is entered with whitespace already skipped.
 */
static int parse_text(struct parser *ps, const unsigned char *p)
{
	struct bt_json_doc *d = ps->d;
	const unsigned char *end = ps->end;
	struct bt_json_node *top;
	int is_obj;

value:
	if (p == end)
		return unexpected(ps, p, "");
	if (*p == '[' || *p == '{') {
		is_obj = *p == '{';
		if (!add_node(ps, is_obj ? BT_JSON_OBJECT : BT_JSON_ARRAY, p) ||
		    push(ps, p))
			return ps->rc;
		p = skip_ws(p + 1, end);
		if (p < end && *p == (is_obj ? '}' : ']')) {
			ps->depth--; /* empty: its end is already right */
			p++;
			goto next;
		}
		if (is_obj)
			goto key;
		goto value;
	}
	p = scalar(ps, p);
	if (!p)
		return ps->rc;
next:
	if (ps->depth == 0)
		goto done;
	top = &d->nodes[d->stack[ps->depth - 1]];
	top->len++;
	is_obj = top->type == BT_JSON_OBJECT;
	p = skip_ws(p, end);
	if (p < end && *p == ',') {
		p = skip_ws(p + 1, end);
		if (is_obj)
			goto key;
		goto value;
	}
	if (p < end && *p == (is_obj ? '}' : ']')) {
		top->end = d->count;
		ps->depth--;
		p++;
		goto next;
	}
	return unexpected(ps, p, is_obj ? " (expected ',' or '}')"
					: " (expected ',' or ']')");
key:
	if (p == end || *p != '"')
		return unexpected(ps, p, " (expected a string key)");
	p = scalar(ps, p);
	if (!p)
		return ps->rc;
	p = skip_ws(p, end);
	if (p == end || *p != ':')
		return unexpected(ps, p, " (expected ':')");
	p = skip_ws(p + 1, end);
	goto value;
done:
	p = skip_ws(p, end);
	if (p != end)
		return unexpected(ps, p, " after the value");
	return 0;
}

void bt_json_doc_init(struct bt_json_doc *d) { memset(d, 0, sizeof(*d)); }

void bt_json_doc_release(struct bt_json_doc *d)
{
	bt__free(d->nodes);
	bt__free(d->stack);
	bt__free(d->str);
	bt_json_doc_init(d);
}

int bt_json_parse(struct bt_json_doc *d, const char *src, size_t len,
		  uint32_t max_depth, struct bt_err *err)
{
	struct parser ps;
	const unsigned char *p;
	int rc;

	d->count = 0;
	d->err_at = 0;
	if (len == 0)
		return bt_err_set(err, BT_EINVAL, "invalid JSON: empty input");
	if ((uint64_t)len > UINT32_MAX)
		return bt_err_set(err, BT_ELIMIT,
				  "invalid JSON: a text of %zu bytes is over "
				  "the limit of 4 GiB", len);
	if (reserve_strings(d, len))
		return bt_err_set(err, BT_ENOMEM, "out of memory parsing JSON");

	memset(&ps, 0, sizeof(ps));
	ps.d = d;
	ps.err = err;
	ps.src = (const unsigned char *)src;
	ps.end = ps.src + len;
	ps.out = d->str;
	ps.max_nodes = d->max_nodes ? d->max_nodes : UINT32_MAX;
	ps.node_room = d->node_cap < ps.max_nodes ? d->node_cap : ps.max_nodes;
	ps.max_depth = max_depth ? max_depth : DEFAULT_MAX_DEPTH;

	if (len >= 3 && memcmp(src, "\xef\xbb\xbf", 3) == 0)
		return failf(&ps, BT_EINVAL, ps.src,
			     "byte order mark is not allowed");
	p = skip_ws(ps.src, ps.end);
	if (p == ps.end)
		return bt_err_set(err, BT_EINVAL, "invalid JSON: empty input");
	rc = parse_text(&ps, p);
	if (rc)
		d->count = 0;
	return rc;
}

uint32_t bt_json_get(const struct bt_json_doc *d, uint32_t obj,
		     const char *key)
{
	const struct bt_json_node *n = d->nodes;
	size_t klen = strlen(key);
	uint32_t k;

	if (obj >= d->count || n[obj].type != BT_JSON_OBJECT)
		return 0;
	for (k = obj + 1; k < n[obj].end; k = n[k + 1].end)
		if (n[k].len == klen && memcmp(n[k].s, key, klen) == 0)
			return k + 1;
	return 0;
}

int bt_json_i64(const struct bt_json_node *n, int64_t *out)
{
	const char *s, *e;
	uint64_t v = 0, lim = INT64_MAX;
	int neg = 0;

	if (!n || n->type != BT_JSON_NUMBER || n->len == 0)
		return BT_EINVAL;
	s = n->s;
	e = s + n->len;
	if (*s == '-') {
		neg = 1;
		lim = (uint64_t)INT64_MAX + 1;
		if (++s == e)
			return BT_EINVAL;
	}
	for (; s < e; s++) {
		unsigned digit = (unsigned)(*s - '0');
		if (digit > 9 || v > (lim - digit) / 10)
			return BT_EINVAL; /* fraction, exponent or overflow */
		v = v * 10 + digit;
	}
	if (!neg)
		*out = (int64_t)v;
	else if (v == (uint64_t)INT64_MAX + 1)
		*out = INT64_MIN;
	else
		*out = -(int64_t)v;
	return 0;
}

int bt_json_double(const struct bt_json_node *n, double *out)
{
	char small[64], *buf = small, *o, *stop;
	const char *point;
	size_t plen, i;
	double v;
	int rc = 0;

	if (!n || n->type != BT_JSON_NUMBER || n->len == 0)
		return BT_EINVAL;
	/* strtod reads the locale's decimal point, so put that in. */
	point = localeconv()->decimal_point;
	plen = strlen(point);
	if ((size_t)n->len + plen + 1 > sizeof(small)) {
		buf = bt__malloc((size_t)n->len + plen + 1);
		if (!buf)
			return BT_ENOMEM;
	}
	for (o = buf, i = 0; i < n->len; i++) {
		if (n->s[i] == '.') {
			memcpy(o, point, plen);
			o += plen;
		} else {
			*o++ = n->s[i];
		}
	}
	*o = '\0';
	v = strtod(buf, &stop);
	if (stop != o || !isfinite(v))
		rc = BT_EINVAL;
	else
		*out = v;
	if (buf != small)
		bt__free(buf);
	return rc;
}

int bt_json_str_eq(const struct bt_json_node *n, const char *s)
{
	size_t len = strlen(s);

	return n && n->type == BT_JSON_STRING && n->len == len &&
	       memcmp(n->s, s, len) == 0;
}

static int write_scalar(struct bt_buf *b, const struct bt_json_node *n)
{
	switch (n->type) {
	case BT_JSON_NULL: return bt_buf_add(b, "null", 4);
	case BT_JSON_FALSE: return bt_buf_add(b, "false", 5);
	case BT_JSON_TRUE: return bt_buf_add(b, "true", 4);
	case BT_JSON_NUMBER: return bt_buf_add(b, n->s, n->len);
	case BT_JSON_STRING: return bt_buf_json_str(b, n->s, n->len);
	default: return BT_EINVAL;
	}
}

/* An open container while writing, and how many children it has had. */
struct wframe {
	uint32_t idx;
	uint32_t kids;
};

/* The open containers: on the C stack up to 32 levels, then on the heap. */
struct wstack {
	struct wframe local[32], *f;
	size_t depth, cap;
};

static int wpush(struct wstack *w, uint32_t idx)
{
	if (w->depth == w->cap) {
		struct wframe *f = bt__reallocarray(
			w->f == w->local ? NULL : w->f, w->cap * 2, sizeof(*f));
		if (!f)
			return BT_ENOMEM;
		if (w->f == w->local)
			memcpy(f, w->local, sizeof(w->local));
		w->f = f;
		w->cap *= 2;
	}
	w->f[w->depth].idx = idx;
	w->f[w->depth++].kids = 0;
	return 0;
}

/*
 * Walk the subtree in order (no recursion: the containers are on a stack
 * that moves to the heap past 32 levels), putting ',' before each child
 * but the first and ':' between a key and its value.
 */
int bt_json_write(struct bt_buf *b, const struct bt_json_doc *d, uint32_t i)
{
	struct wstack w;
	const struct bt_json_node *n = d->nodes;
	size_t start = b->len;
	uint32_t k = i;
	int rc = 0, is_obj;

	if (i >= d->count)
		return BT_EINVAL;
	w.f = w.local;
	w.depth = 0;
	w.cap = sizeof(w.local) / sizeof(w.local[0]);
	do {
		if (w.depth) {
			struct wframe *top = &w.f[w.depth - 1];
			is_obj = n[top->idx].type == BT_JSON_OBJECT;
			if (top->kids &&
			    (rc = bt_buf_addc(b, is_obj && top->kids % 2 ? ':'
									 : ',')))
				goto out;
			top->kids++;
		}
		if (n[k].type == BT_JSON_ARRAY || n[k].type == BT_JSON_OBJECT) {
			if (!(rc = wpush(&w, k)))
				rc = bt_buf_addc(
					b, n[k].type == BT_JSON_ARRAY ? '[' : '{');
		} else {
			rc = write_scalar(b, &n[k]);
		}
		if (rc)
			goto out;
		k++;
		while (w.depth && k == n[w.f[w.depth - 1].idx].end) {
			is_obj = n[w.f[--w.depth].idx].type == BT_JSON_OBJECT;
			if ((rc = bt_buf_addc(b, is_obj ? '}' : ']')))
				goto out;
		}
	} while (w.depth);
out:
	if (w.f != w.local)
		bt__free(w.f);
	if (rc && b->data) {
		b->len = start;
		b->data[start] = '\0';
	}
	return rc;
}
