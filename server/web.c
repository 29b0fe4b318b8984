/* SPDX-License-Identifier: Apache-2.0 */
/*
 * web.c - the dashboard's side of `baton serve` (docs/dashboard.md): its
 * files, and signing in to it.
 *
 * The files are those the build made of web/ (scripts/web.sh), compiled
 * into the binary by scripts/embed.c as gzip streams, or read from
 * --web-dir at start.  Either way they are held in memory, raw and gzipped,
 * each with an ETag of its content: a request is answered from memory, with
 * 304 when the client has it, gzip when the client takes it.  Files under
 * /assets/ are named by their content's hash when built, so they may be
 * cached for a year; the page itself is revalidated each time.  Any other
 * GET of a path outside the API, asked for as HTML (a bookmark, a reload),
 * is the page: its script reads the path and shows that view.
 *
 * Signing in turns a token into a session: POST /login with the form field
 * token seals the token's hash, a random id and the session's end into a cookie
 * (bt_session_seal: any node of the database opens it, and a restart ends
 * no session), set HttpOnly and SameSite=Strict.  Each request with the
 * cookie checks the token again, so a revoked token ends its sessions at
 * once; signing out records the session's id as ended in the database.  A
 * session lasts 12 hours.  A change (any method but GET
 * and HEAD) made with the cookie must come from the page's own origin.
 *
 * No event data passes through here: the page asks the API for everything
 * it shows.
 */
#include "server.h"

#include "baton/util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

/* What scripts/embed.c compiled in (an empty table when web/ was not
 * built): each file's path, its gzip stream and its size unpacked. */
struct bt_embedded {
	const char *path;
	const unsigned char *gz;
	size_t gz_len, len;
};
extern const struct bt_embedded bt_embedded[];
extern const size_t bt_nembedded;


#define SESSION_COOKIE "baton_session"
#define SESSION_S (12 * 3600)
#define WEB_FILES_MAX 512
#define WEB_BYTES_MAX (64u << 20)

/* The policy every answer carries: the page's script and styles come from
 * this server only, and nothing inline or evaluated runs. */
const char bt_csp[] = "default-src 'self'; script-src 'self'; style-src 'self'; "
		      "img-src 'self' data:; connect-src 'self'; font-src 'self'; "
		      "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
		      "form-action 'self'";


static int64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* ---- the files ---- */

static const char *type_of(const char *path)
{
	static const char *const types[][2] = {
		{".html", "text/html; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".mjs", "text/javascript; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},
		{".json", "application/json"},
		{".svg", "image/svg+xml"},
		{".png", "image/png"},
		{".ico", "image/x-icon"},
		{".woff2", "font/woff2"},
		{".txt", "text/plain; charset=utf-8"},
		{".map", "application/json"},
	};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(dot, types[i][0]))
			return types[i][1];
	return "application/octet-stream";
}

/* A file's ETag: its content's hash, quoted. */
static void etag_of(const unsigned char *data, size_t len, char out[24])
{
	unsigned char h[8];
	static const char hex[] = "0123456789abcdef";
	crypto_generichash(h, sizeof(h), data, len, NULL, 0);
	out[0] = '"';
	for (int i = 0; i < 8; i++) {
		out[1 + 2 * i] = hex[h[i] >> 4];
		out[2 + 2 * i] = hex[h[i] & 15];
	}
	out[17] = '"';
	out[18] = '\0';
}

static int gzip(const unsigned char *in, size_t len, unsigned char **out, size_t *out_len)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		return BT_ENOMEM;
	size_t cap = deflateBound(&z, len);
	unsigned char *buf = bt_malloc(cap ? cap : 1);
	if (!buf) {
		deflateEnd(&z);
		return BT_ENOMEM;
	}
	z.next_in = (unsigned char *)in, z.avail_in = (uInt)len;
	z.next_out = buf, z.avail_out = (uInt)cap;
	int zr = deflate(&z, Z_FINISH);
	*out_len = z.total_out;
	deflateEnd(&z);
	if (zr != Z_STREAM_END) {
		bt_free(buf);
		return BT_EINVAL;
	}
	*out = buf;
	return 0;
}

static int gunzip(const unsigned char *in, size_t len, size_t want, unsigned char **out)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	unsigned char *buf = bt_malloc(want ? want : 1);
	if (!buf || inflateInit2(&z, 15 + 16) != Z_OK) {
		bt_free(buf);
		return BT_ENOMEM;
	}
	z.next_in = (unsigned char *)in, z.avail_in = (uInt)len;
	z.next_out = buf, z.avail_out = (uInt)want;
	int zr = inflate(&z, Z_FINISH);
	size_t got = z.total_out;
	inflateEnd(&z);
	if (zr != Z_STREAM_END || got != want) {
		bt_free(buf);
		return BT_EINVAL;
	}
	*out = buf;
	return 0;
}

/* Add a file of path with its content raw (taken) and, when it is
 * smaller, gzipped (taken; NULL: made here). */
static int add_file(struct bt_web *w, const char *path, unsigned char *raw, size_t len,
		    unsigned char *gz, size_t gz_len, int immutable)
{
	if (w->n == WEB_FILES_MAX) {
		bt_free(raw), bt_free(gz);
		return BT_ELIMIT;
	}
	struct bt_web_file *v = bt_realloc(w->v, (w->n + 1) * sizeof(*v));
	char *p = bt_strdup(path);
	if (!v || !p || (!gz && gzip(raw, len, &gz, &gz_len) == BT_ENOMEM)) {
		if (v)
			w->v = v;
		bt_free(p), bt_free(raw), bt_free(gz);
		return BT_ENOMEM;
	}
	w->v = v;
	if (gz && gz_len >= len) { /* not worth it */
		bt_free(gz);
		gz = NULL;
	}
	struct bt_web_file *f = &w->v[w->n++];
	memset(f, 0, sizeof(*f));
	f->path = p, f->raw = raw, f->len = len, f->gz = gz, f->gz_len = gz_len;
	f->type = type_of(p);
	f->immutable = immutable && !strncmp(p, "/assets/", 8);
	etag_of(raw, len, f->etag);
	return 0;
}

/* The whole of regular file path (at most max bytes). */
static int read_whole(const char *path, size_t max, unsigned char **out, size_t *len,
		      struct bt_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st)) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return bt_err_set(err, BT_EIO, "--web-dir: %s: %s", path, strerror(e));
	}
	size_t n = (size_t)st.st_size, got = 0;
	unsigned char *b = n <= max ? bt_malloc(n ? n : 1) : NULL;
	if (!b) {
		close(fd);
		return n > max ? bt_err_set(err, BT_ELIMIT, "--web-dir: more than %zu MiB of files", max >> 20)
			       : bt_err_set(err, BT_ENOMEM, "out of memory");
	}
	while (got < n) {
		ssize_t r = read(fd, b + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int e = r ? errno : EIO;
			close(fd);
			bt_free(b);
			return bt_err_set(err, BT_EIO, "--web-dir: %s: %s", path,
					  r ? strerror(e) : "the file shrank while read");
		}
		got += (size_t)r;
	}
	close(fd);
	*out = b, *len = n;
	return 0;
}

/* Read the files under dir (path below the root: rel) into w. */
static int read_dir(struct bt_web *w, const char *dir, const char *rel, size_t *bytes,
		    struct bt_err *err)
{
	DIR *d = opendir(dir);
	if (!d)
		return bt_err_set(err, BT_EIO, "--web-dir %s: %s", dir, strerror(errno));
	int rc = 0;
	struct dirent *de;
	while (!rc && (de = readdir(d))) {
		char path[1024], sub[1024];
		struct stat st;
		if (de->d_name[0] == '.') /* ., .., and hidden files */
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= sizeof(path) ||
		    (size_t)snprintf(sub, sizeof(sub), "%s/%s", rel, de->d_name) >= sizeof(sub)) {
			rc = bt_err_set(err, BT_ELIMIT, "--web-dir: a path is too long: %s", path);
			break;
		}
		if (lstat(path, &st)) { /* a link is not followed: no loops */
			rc = bt_err_set(err, BT_EIO, "--web-dir: %s: %s", path, strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			rc = read_dir(w, path, sub, bytes, err);
		} else if (S_ISREG(st.st_mode)) {
			unsigned char *b = NULL;
			size_t len = 0;
			if (!(rc = read_whole(path, WEB_BYTES_MAX - *bytes, &b, &len, err))) {
				*bytes += len;
				rc = add_file(w, sub, b, len, NULL, 0, 0);
				if (rc == BT_ELIMIT)
					bt_err_set(err, rc, "--web-dir: more than %d files", WEB_FILES_MAX);
				else if (rc)
					bt_err_set(err, rc, "out of memory");
			}
		}
	}
	closedir(d);
	return rc;
}

int bt_web_load(struct bt_web *w, const char *dir, struct bt_err *err)
{
	int rc = 0;
	memset(w, 0, sizeof(*w));
	if (dir) {
		size_t bytes = 0;
		rc = read_dir(w, dir, "", &bytes, err);
	} else {
		for (size_t i = 0; !rc && i < bt_nembedded; i++) {
			const struct bt_embedded *e = &bt_embedded[i];
			unsigned char *raw = NULL, *gz = bt_malloc(e->gz_len ? e->gz_len : 1);
			if (!gz || (rc = gunzip(e->gz, e->gz_len, e->len, &raw))) {
				bt_free(gz);
				rc = rc ? bt_err_set(err, rc, "the built-in dashboard file %s is damaged",
						     e->path)
					: bt_err_set(err, BT_ENOMEM, "out of memory");
				break;
			}
			memcpy(gz, e->gz, e->gz_len);
			if ((rc = add_file(w, e->path, raw, e->len, gz, e->gz_len, 1)))
				bt_err_set(err, rc, "out of memory");
		}
	}
	for (size_t i = 0; !rc && i < w->n; i++)
		if (!strcmp(w->v[i].path, "/index.html"))
			w->index = &w->v[i];
	if (!rc && dir && !w->index)
		rc = bt_err_set(err, BT_EUSAGE, "--web-dir %s has no index.html", dir);
	if (rc)
		bt_web_release(w);
	return rc;
}

void bt_web_release(struct bt_web *w)
{
	for (size_t i = 0; i < w->n; i++) {
		bt_free(w->v[i].path);
		bt_free(w->v[i].raw);
		bt_free(w->v[i].gz);
	}
	bt_free(w->v);
	memset(w, 0, sizeof(*w));
}

/* Does the client take gzip?  Accept-Encoding names it (or *) without
 * q=0. */
static int takes_gzip(struct MHD_Connection *c)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
	for (const char *p = h; p && *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		const char *e = p + strcspn(p, ",");
		size_t n = strcspn(p, ";, ");
		int named = (n == 4 && !strncasecmp(p, "gzip", 4)) || (n == 1 && *p == '*');
		const char *q = memchr(p, ';', (size_t)(e - p));
		int zero = 0;
		if (q) {
			q++;
			while (*q == ' ')
				q++;
			if (!strncasecmp(q, "q=", 2)) {
				char num[16];
				size_t k = (size_t)(e - q - 2) < sizeof(num) - 1 ? (size_t)(e - q - 2)
										 : sizeof(num) - 1;
				memcpy(num, q + 2, k);
				num[k] = '\0';
				zero = strtod(num, NULL) == 0;
			}
		}
		if (named)
			return !zero;
		p = e;
	}
	return 0;
}

/* Does If-None-Match hold tag (or *)? */
static int has_tag(struct MHD_Connection *c, const char *tag)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
	if (!h)
		return 0;
	if (!strcmp(h, "*"))
		return 1;
	return strstr(h, tag) != NULL;
}

static void send_file(struct MHD_Connection *c, const struct bt_web_file *f, struct bt_response *rs)
{
	rs->content_type = f->type;
	rs->etag = f->etag;
	rs->cache = f->immutable ? "public, max-age=31536000, immutable" : "no-cache";
	rs->vary = 1;
	if (has_tag(c, f->etag)) {
		rs->status = 304;
		return;
	}
	if (f->gz && takes_gzip(c)) {
		rs->data = f->gz, rs->data_len = f->gz_len;
		rs->encoding = "gzip";
	} else {
		rs->data = f->raw, rs->data_len = f->len;
	}
}

/* Is the request asking for a page: Accept names text/html? */
static int wants_html(struct MHD_Connection *c)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	return h && strstr(h, "text/html");
}

/* ---- sessions ---- */

/* Is the request from a page of this server?  Its Origin is this server's
 * as the browser addressed it (Host, or X-Forwarded-Host behind a proxy). */
int bt_same_origin(struct MHD_Connection *c)
{
	const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
	const char *hosts[2] = {MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST),
				MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-Host")};
	if (!origin)
		return 0;
	const char *rest = !strncmp(origin, "http://", 7) ? origin + 7
			   : !strncmp(origin, "https://", 8) ? origin + 8 : NULL;
	for (int i = 0; rest && i < 2; i++)
		if (hosts[i] && *hosts[i] && !strcasecmp(rest, hosts[i]))
			return 1;
	return 0;
}

int bt_session_token(struct bt_server *s, struct MHD_Connection *c, unsigned char hash[32])
{
	const char *v = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, SESSION_COOKIE);
	unsigned char id[32];
	int64_t expires;
	struct bt_err err = {0, ""};
	if (!v)
		return 0;
	struct bt_db *rdb = bt_reader_get(s);
	int rc = bt_session_open(rdb, s->sessions.key, v, now_ms(), hash, id, &expires, &err);
	bt_reader_put(s, rdb);
	if (rc && rc != BT_EAUTH) /* the store failed: said, and taken as no session */
		bt_log("error", "a session could not be checked: %s", err.msg);
	return rc ? -1 : 1;
}

void bt_session_end(struct bt_server *s, struct MHD_Connection *c)
{
	const char *v = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, SESSION_COOKIE);
	unsigned char id[32], hash[32];
	int64_t expires;
	struct bt_err err = {0, ""};
	struct bt_db *rdb = bt_reader_get(s);
	int rc = bt_session_open(rdb, s->sessions.key, v, now_ms(), hash, id, &expires, &err);
	bt_reader_put(s, rdb);
	if (rc)
		return; /* none, or already over */
	pthread_mutex_lock(&s->mu);
	rc = bt_session_forget(s->db, id, expires, &err);
	pthread_mutex_unlock(&s->mu);
	if (rc)
		bt_log("error", "a session could not be ended: %s", err.msg);
}

void bt_sessions_release(struct bt_sessions *t)
{
	sodium_memzero(t->key, sizeof(t->key));
}

/* The value of field key in an application/x-www-form-urlencoded body,
 * decoded into out; 0 when it is there and fits. */
static int form_field(const char *body, size_t len, const char *key, char *out, size_t size)
{
	size_t klen = strlen(key);
	for (size_t i = 0; i < len;) {
		size_t e = i;
		while (e < len && body[e] != '&')
			e++;
		if (e - i > klen && !memcmp(body + i, key, klen) && body[i + klen] == '=') {
			size_t o = 0;
			for (size_t k = i + klen + 1; k < e; k++) {
				int ch = (unsigned char)body[k];
				if (ch == '+') {
					ch = ' ';
				} else if (ch == '%') {
					unsigned v;
					char hex[3] = {k + 1 < e ? body[k + 1] : 0, k + 2 < e ? body[k + 2] : 0, 0};
					char *end;
					v = (unsigned)strtoul(hex, &end, 16);
					/* two hex digits: strtoul also takes a sign or
					 * a space first ("%+F", "% F", "%-1") */
					if (end != hex + 2 || !isxdigit((unsigned char)hex[0]))
						return -1;
					ch = (int)v;
					k += 2;
				}
				if (o + 1 >= size || ch == 0)
					return -1;
				out[o++] = (char)ch;
			}
			out[o] = '\0';
			return 0;
		}
		i = e + 1;
	}
	return -1;
}

/* Where to go after signing in: a path of this server, never another
 * site's ("//host", "/\host") or a header's end. */
static const char *safe_next(const char *next)
{
	if (next[0] != '/' || next[1] == '/' || next[1] == '\\')
		return "/";
	for (const char *p = next; *p; p++)
		if ((unsigned char)*p < 0x21 || *p == 0x7f || *p == '\\')
			return "/";
	return next;
}

/* /login?failed=1, with next (when not home) to go on to after a retry. */
static void failed_to(const char *next, char *out, size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = (size_t)snprintf(out, size, "/login?failed=1");
	if (!strcmp(next, "/") || o + 6 >= size)
		return;
	memcpy(out + o, "&next=", 7);
	o += 6;
	for (const unsigned char *p = (const unsigned char *)next; *p && o + 4 < size; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("/-._~", *p)) {
			out[o++] = (char)*p;
		} else {
			out[o++] = '%';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 15];
		}
	}
	out[o] = '\0';
}

static int secure(struct MHD_Connection *c)
{
	const char *p = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-Proto");
	return p && !strcasecmp(p, "https");
}

static int see_other(struct bt_response *rs, const char *where)
{
	rs->status = 303;
	rs->content_type = "text/plain; charset=utf-8";
	snprintf(rs->location, sizeof(rs->location), "%s", where);
	return bt_buf_adds(&rs->body, "See Other\n");
}

/* POST /login: token=... (and next=PATH) as a form. */
static int login(struct bt_server *s, struct MHD_Connection *c, const char *body, size_t len,
		 struct bt_response *rs)
{
	const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
	char token[128], next[512], cookie[BT_SESSION_COOKIE_MAX], failed[512];
	struct bt_token who;
	struct bt_err err = {0, ""};
	if (!body)
		return bt_respond_err(rs, BT_ELIMIT, "the request body is larger than 512 KiB");
	if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33))
		return bt_respond_err(rs, BT_EUNSUPPORTED,
				      "sign in with a form: application/x-www-form-urlencoded, field token");
	if (origin && !bt_same_origin(c)) /* another site posting a token of its own */
		return bt_respond_err(rs, BT_EDENIED, "sign in from this server's own page");
	if (form_field(body, len, "next", next, sizeof(next)))
		snprintf(next, sizeof(next), "/");
	failed_to(safe_next(next), failed, sizeof(failed));
	if (form_field(body, len, "token", token, sizeof(token)))
		return see_other(rs, failed);
	memset(&who, 0, sizeof(who));
	struct bt_db *rdb = bt_reader_get(s);
	int rc = bt_token_check(rdb, token, &who, &err);
	bt_reader_put(s, rdb);
	bt_token_release(&who);
	if (rc == BT_EAUTH) {
		sodium_memzero(token, sizeof(token));
		return see_other(rs, failed);
	}
	if (!rc)
		rc = bt_session_seal(s->sessions.key, token, now_ms() + SESSION_S * INT64_C(1000),
				     cookie);
	sodium_memzero(token, sizeof(token));
	if (rc)
		return bt_respond_err(rs, BT_ESTORE, "the token could not be checked; retry");
	snprintf(rs->cookie, sizeof(rs->cookie),
		 SESSION_COOKIE "=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s", cookie,
		 SESSION_S, secure(c) ? "; Secure" : "");
	return see_other(rs, safe_next(next));
}

static int logout(struct bt_server *s, struct MHD_Connection *c, struct bt_response *rs)
{
	if (!bt_same_origin(c))
		return bt_respond_err(rs, BT_EDENIED, "sign out from this server's own page");
	bt_session_end(s, c);
	snprintf(rs->cookie, sizeof(rs->cookie),
		 SESSION_COOKIE "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s",
		 secure(c) ? "; Secure" : "");
	return see_other(rs, "/login");
}

/* ---- the dispatcher's part ---- */

static int is_api(const char *url)
{
	return !strncmp(url, "/v1/", 4) || !strcmp(url, "/v1") || !strcmp(url, "/healthz") ||
	       !strcmp(url, "/metrics");
}

const char *bt_web_handle(struct bt_server *s, struct MHD_Connection *c, const char *url,
			  const char *method, const char *body, size_t len, struct bt_response *rs)
{
	int get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
	if (is_api(url))
		return NULL;
	if (!strcmp(url, "/login") && !strcmp(method, "POST")) {
		if (login(s, c, body, len, rs))
			bt_respond_error(rs, 500, "internal", "the request could not be served");
		return "/login";
	}
	if (!strcmp(url, "/logout") && !strcmp(method, "POST")) {
		if (logout(s, c, rs))
			bt_respond_error(rs, 500, "internal", "the request could not be served");
		return "/logout";
	}
	const struct bt_web *w = &s->web;
	for (size_t i = 0; i < w->n; i++) /* a file by its name */
		if (!strcmp(w->v[i].path, url)) {
			if (!get)
				bt_respond_error(rs, 405, "method_not_allowed",
						 "this path does not take that method");
			else
				send_file(c, &w->v[i], rs);
			return "(file)";
		}
	if (!strncmp(url, "/assets/", 8)) {
		bt_respond_err(rs, BT_ENOTFOUND, "no such file");
		return "(file)";
	}
	if (strcmp(url, "/") && !wants_html(c))
		return NULL; /* not a page: the API's 404 */
	if (!get) {
		bt_respond_error(rs, 405, "method_not_allowed", "this path does not take that method");
		return "(page)";
	}
	if (!w->index) {
		bt_respond_err(rs, BT_ENOTFOUND,
			       "the dashboard is not in this build of baton (web/ was not built: "
			       "install Node.js and npm and run make, or serve a built one with "
			       "--web-dir DIR)");
		return "(page)";
	}
	send_file(c, w->index, rs);
	rs->page = 1;
	return "(page)";
}
