/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_http.c - libFuzzer harness for what the server reads of a request
 * with its own code, before a handler runs: the path matched against the
 * route table and its {id} captured (match), the query parameters checked
 * against the route's (arg_seen, bt_word_in), a gzip or deflate body
 * inflated (inflate_body), a Segment body's writeKey (body_key), the
 * sign-in form percent-decoded (form_field) and its next page checked and
 * sent back (safe_next, failed_to), and the library messages redacted
 * for the log (redact).  The query string's own percent-decoding and the
 * Authorization header are libmicrohttpd's.
 *
 * It #includes server/http.c and server/web.c for those file-local
 * functions, and links the rest of server/ without their objects (the
 * Makefile's server_rest).  The first byte of the input picks the reader,
 * the rest is its input.  Invariants (abort() when one fails):
 *  - a matched path is the pattern with its captures put back, each a
 *    non-empty segment without '/';
 *  - a query parameter passes only when the route takes it, once;
 *  - an inflated body is at most BT_BODY_MAX bytes, NUL-terminated;
 *  - a form field is decoded as the format says: '+' a space, '%' and
 *    exactly two hex digits one byte (written out again here), and refused
 *    when that fails, when it holds a NUL or does not fit;
 *  - the page to go on to is a path of this server ("/x", never "//x",
 *    "/\x" or one with a control character), and the page to retry from
 *    carries it percent-encoded, so that it decodes back to it;
 *  - a redacted message holds no dotted IPv4 address.
 *
 * Build and run from the repository root (fuzz/run.sh says where the
 * corpus and the crashes go):
 *
 *   fuzz/run.sh http 180
 */
#include "../server/http.c" /* first: it asks for _GNU_SOURCE */
#include "../server/web.c"

#include "fuzz.h"

#include <ctype.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* path against every route: a match puts the captures back into the pattern */
static void http_path(const char *path)
{
	char caps[3][512], again[4096];
	int ncaps;
	for (size_t i = 0; i < bt_nroutes; i++) {
		if (!match(bt_routes[i].pattern, path, caps, &ncaps))
			continue;
		size_t o = 0;
		int k = 0;
		for (const char *p = bt_routes[i].pattern; *p && o < sizeof(again) - 1; p++) {
			if (*p != '{') {
				again[o++] = *p;
				continue;
			}
			CHECK(k < ncaps && caps[k][0] && !strchr(caps[k], '/'));
			o += (size_t)snprintf(again + o, sizeof(again) - o, "%s", caps[k++]);
			p = strchr(p, '}');
		}
		again[o < sizeof(again) ? o : sizeof(again) - 1] = '\0';
		CHECK(k == ncaps && !strcmp(again, path));
	}
}

/* Is w one of the space-separated words? */
static int http_listed(const char *words, const char *w)
{
	size_t n = strlen(w);
	for (const char *p = words; *p; p += strcspn(p, " "), p += *p == ' ')
		if (strcspn(p, " ") == n && !strncmp(p, w, n))
			return 1;
	return 0;
}

/* "a&b=1&a": the keys of a query, in order, through the route's check */
static void http_query(char *q)
{
	static const char allowed[] = "journey from to cursor limit";
	struct argcheck a = {allowed, {NULL}, 0, ""};
	const char *seen[64];
	size_t nseen = 0;
	for (char *k = q; k && nseen < 64; ) {
		char *amp = strchr(k, '&');
		if (amp)
			*amp = '\0';
		k[strcspn(k, "=")] = '\0';
		int twice = 0;
		for (size_t i = 0; i < nseen; i++)
			twice |= !strcmp(seen[i], k);
		int ok = arg_seen(&a, MHD_GET_ARGUMENT_KIND, k, NULL) == MHD_YES;
		CHECK(ok == (http_listed(allowed, k) && !twice) && ok == !a.bad[0]);
		if (!ok)
			return;
		seen[nseen++] = k;
		k = amp ? amp + 1 : NULL;
	}
}

static void http_inflate(const uint8_t *data, size_t size, int gzip)
{
	struct bt_buf in = BT_BUF_INIT, out = BT_BUF_INIT;
	CHECK(bt_buf_add(&in, data, size) == 0);
	int status = inflate_body(&in, gzip, &out);
	CHECK(status == 0 || status == 400 || status == 413);
	if (!status)
		CHECK(out.len <= BT_BODY_MAX && out.data[out.len] == '\0');
	bt_buf_release(&in);
	bt_buf_release(&out);
}

/* The byte of the %XX at s[0..n) (two hex digits, either case), or -1. */
static int http_pct(const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const char *hi, *lo;
	if (n < 3 || !(hi = memchr(hex, tolower((unsigned char)s[1]), 16)) ||
	    !(lo = memchr(hex, tolower((unsigned char)s[2]), 16)))
		return -1;
	return (int)((hi - hex) * 16 + (lo - hex));
}

/* form_field by the letter of application/x-www-form-urlencoded */
static int http_form_ref(const char *body, size_t len, const char *key, char *out, size_t size)
{
	const char *p = body, *end = body + len;
	size_t klen = strlen(key);
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p)), *stop = amp ? amp : end;
		if ((size_t)(stop - p) <= klen || memcmp(p, key, klen) || p[klen] != '=') {
			p = stop + 1;
			continue;
		}
		size_t o = 0;
		for (const char *q = p + klen + 1; q < stop; q += *q == '%' ? 3 : 1) {
			int ch = *q == '+' ? ' ' : *q == '%' ? http_pct(q, (size_t)(stop - q))
							   : (unsigned char)*q;
			if (ch <= 0 || o + 1 >= size)
				return -1; /* a bad %XX, a NUL, or too long */
			out[o++] = (char)ch;
		}
		out[o] = '\0';
		return 0;
	}
	return -1;
}

/* the sign-in form: its fields, the next page, the page to retry from */
static void http_form(const char *body, size_t len)
{
	char next[512], ref[512], failed[512];
	int rc = form_field(body, len, "next", next, sizeof(next));
	CHECK(rc == http_form_ref(body, len, "next", ref, sizeof(ref)));
	if (rc)
		return;
	CHECK(!strcmp(next, ref));
	const char *safe = safe_next(next);
	CHECK(!strcmp(safe, "/") || safe == next);
	CHECK(safe[0] == '/' && safe[1] != '/' && safe[1] != '\\');
	for (const char *p = safe; *p; p++)
		CHECK((unsigned char)*p > 0x20 && *p != 0x7f && *p != '\\');
	failed_to(safe, failed, sizeof(failed));
	CHECK(!strncmp(failed, "/login?failed=1", 15));
	const char *n = strstr(failed, "&next=");
	if (!n)
		return;
	for (const char *p = n + 6; *p; p++)
		CHECK(isalnum((unsigned char)*p) || strchr("/-._~%", *p));
	/* cut short only where the buffer ends, never inside a %XX */
	CHECK(http_form_ref(failed + 1, strlen(failed + 1), "next", ref, sizeof(ref)) == 0);
	CHECK(!strncmp(ref, safe, strlen(ref)));
}

/* Does p start a dotted IPv4 address: four runs of digits between three dots? */
static int http_quad_at(const char *p)
{
	for (int part = 0; part < 4; part++) {
		if (!isdigit((unsigned char)*p))
			return 0;
		p += strspn(p, "0123456789");
		if (part < 3 && *p++ != '.')
			return 0;
	}
	return 1;
}

/* no dotted IPv4 address left in a redacted message */
static void http_redact(const char *msg)
{
	char clean[512];
	redact(msg, clean, sizeof(clean));
	CHECK(strlen(clean) < sizeof(clean));
	for (const char *p = clean; *p; p++)
		CHECK(!http_quad_at(p));
}

static void http_body_key(const uint8_t *data, size_t size)
{
	struct conn cs = {BT_BUF_INIT, 0, {0, 0}};
	char buf[256];
	CHECK(bt_buf_add(&cs.body, data, size) == 0);
	const char *key = body_key(&cs, buf, sizeof(buf));
	CHECK(!key || (key == buf && strlen(key) < sizeof(buf)));
	bt_buf_release(&cs.body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const uint8_t *in = data + 1;
	size_t n = size - 1;
	char *text = fuzz_text(in, n);
	switch (data[0] % 7) {
	case 0:
		if (text)
			http_path(text);
		break;
	case 1:
		if (text)
			http_query(text);
		break;
	case 2: http_inflate(in, n, 1); break;
	case 3: http_inflate(in, n, 0); break;
	case 4: http_body_key(in, n); break;
	case 5: http_form((const char *)in, n); break;
	case 6:
		if (text)
			http_redact(text);
		break;
	}
	free(text);
	return 0;
}
