/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_webhook.c - webhooks in the library: the address classifier at the
 * edges of every range (IPv4, IPv6, IPv6 carrying IPv4), the signature
 * against HMAC-SHA256 computed elsewhere (Python's hmac), and the queue in
 * a database: emit, claim (one holder at a time, across connections),
 * attempts with the backoff written out by hand, giving up, deletion, the
 * caller's transaction, and the secret sealed in the file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmocka.h>

#include "baton/baton.h"
#include "baton/config.h"
#include "baton/webhook.h"
#include "db.h"
#include "util/netaddr.h"

/* ---- the classifier ---- */

static enum bt__addr_kind kind(const char *text)
{
	unsigned char a[16];
	if (inet_pton(AF_INET, text, a) == 1)
		return bt__addr_kind4((uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
				      (uint32_t)a[2] << 8 | a[3]);
	assert_int_equal(inet_pton(AF_INET6, text, a), 1);
	return bt__addr_kind6(a);
}

#define KIND(text, k) assert_int_equal(kind(text), k)

static void test_ipv4_ranges(void **state)
{
	(void)state;
	KIND("0.0.0.0", BT__ADDR_UNSPECIFIED);
	KIND("0.255.255.255", BT__ADDR_UNSPECIFIED);
	KIND("1.0.0.0", BT__ADDR_PUBLIC);
	KIND("9.255.255.255", BT__ADDR_PUBLIC);
	KIND("10.0.0.0", BT__ADDR_PRIVATE);
	KIND("10.0.0.1", BT__ADDR_PRIVATE);
	KIND("10.255.255.255", BT__ADDR_PRIVATE);
	KIND("11.0.0.0", BT__ADDR_PUBLIC);
	KIND("100.63.255.255", BT__ADDR_PUBLIC);
	KIND("100.64.0.0", BT__ADDR_CGNAT);
	KIND("100.127.255.255", BT__ADDR_CGNAT);
	KIND("100.128.0.0", BT__ADDR_PUBLIC);
	KIND("126.255.255.255", BT__ADDR_PUBLIC);
	KIND("127.0.0.0", BT__ADDR_LOOPBACK);
	KIND("127.0.0.1", BT__ADDR_LOOPBACK);
	KIND("127.255.255.255", BT__ADDR_LOOPBACK);
	KIND("128.0.0.0", BT__ADDR_PUBLIC);
	KIND("169.253.255.255", BT__ADDR_PUBLIC);
	KIND("169.254.0.0", BT__ADDR_LINK_LOCAL);
	KIND("169.254.255.255", BT__ADDR_LINK_LOCAL);
	KIND("169.255.0.0", BT__ADDR_PUBLIC);
	KIND("172.15.255.255", BT__ADDR_PUBLIC);
	KIND("172.16.0.0", BT__ADDR_PRIVATE);
	KIND("172.31.255.255", BT__ADDR_PRIVATE);
	KIND("172.32.0.0", BT__ADDR_PUBLIC);
	KIND("192.167.255.255", BT__ADDR_PUBLIC);
	KIND("192.168.0.0", BT__ADDR_PRIVATE);
	KIND("192.168.255.255", BT__ADDR_PRIVATE);
	KIND("192.169.0.0", BT__ADDR_PUBLIC);
	KIND("223.255.255.255", BT__ADDR_PUBLIC);
	KIND("224.0.0.0", BT__ADDR_MULTICAST);
	KIND("239.255.255.255", BT__ADDR_MULTICAST);
	KIND("240.0.0.0", BT__ADDR_RESERVED);
	KIND("255.255.255.255", BT__ADDR_RESERVED);
	KIND("8.8.8.8", BT__ADDR_PUBLIC);
}

static void test_metadata(void **state)
{
	(void)state;
	KIND("169.254.169.254", BT__ADDR_METADATA);
	KIND("169.254.169.253", BT__ADDR_LINK_LOCAL);
	KIND("169.254.169.255", BT__ADDR_LINK_LOCAL);
	KIND("169.254.170.2", BT__ADDR_METADATA);
	KIND("100.100.100.200", BT__ADDR_METADATA);
	KIND("100.100.100.199", BT__ADDR_CGNAT);
	KIND("168.63.129.16", BT__ADDR_METADATA);
	KIND("168.63.129.17", BT__ADDR_PUBLIC);
	KIND("fd00:ec2::254", BT__ADDR_METADATA);
	KIND("fd00:ec2::253", BT__ADDR_PRIVATE);
	KIND("::ffff:169.254.169.254", BT__ADDR_METADATA);
	/* metadata is never allowed, not even with allow_private */
	assert_false(bt__addr_allowed(BT__ADDR_METADATA, 1));
	assert_false(bt__addr_allowed(BT__ADDR_LINK_LOCAL, 1));
}

static void test_ipv6_ranges(void **state)
{
	(void)state;
	KIND("::", BT__ADDR_UNSPECIFIED);
	KIND("::1", BT__ADDR_LOOPBACK);
	KIND("2001:db8::1", BT__ADDR_PUBLIC);
	KIND("2606:4700::1111", BT__ADDR_PUBLIC);
	KIND("fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", BT__ADDR_PUBLIC);
	KIND("fc00::", BT__ADDR_PRIVATE);
	KIND("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", BT__ADDR_PRIVATE);
	KIND("fe00::", BT__ADDR_PUBLIC);
	KIND("fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", BT__ADDR_PUBLIC);
	KIND("fe80::", BT__ADDR_LINK_LOCAL);
	KIND("fe80::1", BT__ADDR_LINK_LOCAL);
	KIND("febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", BT__ADDR_LINK_LOCAL);
	KIND("fec0::", BT__ADDR_PRIVATE);
	KIND("feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", BT__ADDR_PRIVATE);
	KIND("ff00::", BT__ADDR_MULTICAST);
	KIND("ff02::1", BT__ADDR_MULTICAST);
}

static void test_ipv6_with_ipv4(void **state)
{
	(void)state;
	KIND("::ffff:127.0.0.1", BT__ADDR_LOOPBACK);
	KIND("::ffff:10.0.0.1", BT__ADDR_PRIVATE);
	KIND("::ffff:8.8.8.8", BT__ADDR_PUBLIC);
	KIND("::ffff:0.0.0.0", BT__ADDR_UNSPECIFIED);
	KIND("::127.0.0.1", BT__ADDR_LOOPBACK);       /* v4-compatible */
	KIND("64:ff9b::10.0.0.1", BT__ADDR_PRIVATE);  /* NAT64 */
	KIND("64:ff9b::8.8.8.8", BT__ADDR_PUBLIC);
	KIND("64:ff9b:1::10.0.0.1", BT__ADDR_PUBLIC); /* not the well-known prefix */
	KIND("2002:7f00:1::", BT__ADDR_LOOPBACK);     /* 6to4 of 127.0.0.1 */
	KIND("2002:a9fe:a9fe::1", BT__ADDR_METADATA); /* 6to4 of 169.254.169.254 */
	KIND("2002:0808:0808::", BT__ADDR_PUBLIC);
}

static void test_allowed(void **state)
{
	(void)state;
	struct sockaddr_in in = {.sin_family = AF_INET};
	struct sockaddr_in6 in6 = {.sin6_family = AF_INET6};
	inet_pton(AF_INET, "127.0.0.1", &in.sin_addr);
	assert_string_equal(bt_webhook_addr_refused((struct sockaddr *)&in, 0), "a loopback address");
	assert_null(bt_webhook_addr_refused((struct sockaddr *)&in, 1));
	inet_pton(AF_INET, "100.64.0.1", &in.sin_addr);
	assert_null(bt_webhook_addr_refused((struct sockaddr *)&in, 1));
	inet_pton(AF_INET, "169.254.169.254", &in.sin_addr);
	assert_string_equal(bt_webhook_addr_refused((struct sockaddr *)&in, 1),
			    "a cloud metadata address");
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &in6.sin6_addr);
	assert_non_null(bt_webhook_addr_refused((struct sockaddr *)&in6, 0));
	inet_pton(AF_INET6, "2001:4860:4860::8888", &in6.sin6_addr);
	assert_null(bt_webhook_addr_refused((struct sockaddr *)&in6, 0));
}

/* URLs checked without a database: literal addresses resolve to themselves. */
static void test_resolve(void **state)
{
	(void)state;
	struct bt_webhook_target t;
	struct bt_err err = {0, ""};
	static const char *const refused[] = {
		"http://127.0.0.1:9/x",       "http://10.0.0.1/",  "http://169.254.169.254/latest",
		"http://[::1]:8080/",         "http://localhost/", "http://0.0.0.0/",
		"http://[::ffff:127.0.0.1]/", "http://2130706433/", "http://0x7f.1/",
		"ftp://8.8.8.8/",             "file:///etc/passwd", "http://user:pw@8.8.8.8/",
		"not a url",                  "gopher://8.8.8.8/",
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		int rc = bt_webhook_resolve(refused[i], 0, &t, &err);
		if (rc != BT_EINVAL)
			fail_msg("%s was not refused (%d)", refused[i], rc);
	}
	assert_int_equal(bt_webhook_resolve("http://10.0.0.1/", 0, &t, &err), BT_EINVAL);
	assert_string_equal(err.msg, "the address 10.0.0.1 is a private address (RFC 1918 or "
				     "fc00::/7): set webhooks.allow_private: true in the "
				     "configuration to allow it");
	assert_int_equal(bt_webhook_resolve("http://169.254.169.254/", 1, &t, &err), BT_EINVAL);
	assert_string_equal(err.msg, "the address 169.254.169.254 is a cloud metadata address, never "
				     "allowed");
	/* allowed, and pinned */
	assert_int_equal(bt_webhook_resolve("http://127.0.0.1:8080/hook?x=1", 1, &t, &err), 0);
	assert_string_equal(t.host, "127.0.0.1");
	assert_int_equal(t.port, 8080);
	assert_int_equal(t.naddrs, 1);
	assert_true(t.literal);
	assert_int_equal(bt_webhook_resolve("https://[2001:db8::1]/h", 0, &t, &err), 0);
	assert_string_equal(t.host, "2001:db8::1");
	assert_int_equal(t.port, 443);
	assert_string_equal(t.pin, "2001:db8::1:443:[2001:db8::1]");
	/* a name: localhost resolves to loopback only */
	assert_int_equal(bt_webhook_resolve("http://localhost:1/", 0, &t, &err), BT_EINVAL);
	assert_non_null(strstr(err.msg, "the host 'localhost' resolves to "));
	assert_int_equal(bt_webhook_resolve("http://localhost:1/", 1, &t, &err), 0);
	assert_false(t.literal);
	assert_int_equal(strncmp(t.pin, "localhost:1:", 12), 0);
}

/* ---- the signature: values from Python's hmac module ---- */

static void test_sign(void **state)
{
	(void)state;
	char sig[BT_WEBHOOK_SIG_LEN];
	const char *secret = "whsec_0123456789abcdef", *body = "{\"id\":\"x\",\"data\":{\"a\":1}}";
	bt_webhook_sign((const unsigned char *)secret, strlen(secret), 1767225600, body, strlen(body),
			sig);
	assert_string_equal(sig, "sha256=a1bf93c1cd0dc04c06c817f70286d56ade6317930e70da6536c09a6"
				 "bd4e91559");
	unsigned char k[256];
	memset(k, 'k', sizeof(k)); /* longer than a block: HMAC hashes the key */
	bt_webhook_sign(k, sizeof(k), 5, "", 0, sig);
	assert_string_equal(sig, "sha256=80745a07891b5cebe129be5acec05523b3ac13b0e3a063a810f216d07"
				 "5e7d7eb");
}

/* ---- the queue, in a database ---- */

struct fx {
	char dir[64], path[96];
	struct bt_db *db;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct bt_config *cfg = NULL;
	struct bt_err err = {0, ""};
	static const char yaml[] = "webhooks: {allow_private: true}\n";
	snprintf(f->dir, sizeof(f->dir), "/tmp/baton-test-webhook-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/w.db", f->dir);
	assert_int_equal(bt_db_open(&f->db, f->path, 0, &err), 0);
	assert_int_equal(bt_config_parse("w.yaml", yaml, sizeof(yaml) - 1, &cfg, NULL, NULL, &err), 0);
	assert_int_equal(bt_db_config_set(f->db, cfg, &err), 0);
	bt_config_free(cfg);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];
	bt_db_close(f->db);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static int64_t add(struct bt_db *db, const char *url, const char *events, const char *secret)
{
	const char *ev[8];
	char copy[128];
	size_t n = 0;
	int64_t id = 0;
	struct bt_err err = {0, ""};
	snprintf(copy, sizeof(copy), "%s", events);
	for (char *p = copy; *p && n < 8;) { /* space-separated */
		size_t k = strcspn(p, " ");
		ev[n++] = p;
		p += k + (p[k] == ' ');
		if (p[-1] == ' ')
			p[-1] = '\0';
	}
	char made[BT_WEBHOOK_SECRET_LEN + 1];
	int rc = bt_webhook_add(db, url, ev, n, secret, made, &id, &err);
	if (rc)
		fail_msg("adding %s: %s", url, err.msg);
	return id;
}

static void test_add_and_list(void **state)
{
	struct fx *f = *state;
	struct bt_err err = {0, ""};
	struct bt_webhook *w = NULL;
	size_t n = 0;
	int64_t total = 0, id;
	int more = 0;
	char made[BT_WEBHOOK_SECRET_LEN + 1];
	const char *bad[] = {"promise.broken", "escalation.open"};
	assert_int_equal(bt_webhook_add(f->db, "http://127.0.0.1:9/", bad, 2, NULL, made, &id, &err),
			 BT_EINVAL);
	assert_string_equal(err.msg, "unknown event 'escalation.open' (did you mean "
				     "'escalation.opened'?) (events: escalation.opened, "
				     "escalation.moved, escalation.resolved, promise.broken, "
				     "collision, change.upcoming, followup.opened, test)");
	const char *twice[] = {"test", "test"};
	assert_int_equal(bt_webhook_add(f->db, "http://127.0.0.1:9/", twice, 2, NULL, made, &id, &err),
			 BT_EINVAL);
	const char *one[] = {"test"};
	assert_int_equal(bt_webhook_add(f->db, "http://127.0.0.1:9/", one, 1, "short", made, &id, &err),
			 BT_EINVAL);
	assert_int_equal(bt_webhook_add(f->db, "http://127.0.0.1:9/", one, 1, NULL, made, &id, &err), 0);
	assert_int_equal(strlen(made), BT_WEBHOOK_SECRET_LEN);
	assert_int_equal(strncmp(made, "whsec_", 6), 0);
	int64_t second = add(f->db, "http://127.0.0.1:9/b", "collision promise.broken", "0123456789abcdef");
	assert_int_equal(second, id + 1);
	assert_int_equal(bt_webhook_page(f->db, 0, 1, &w, &n, &total, &more, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(total, 2);
	assert_true(more);
	assert_int_equal(w[0].id, second); /* newest first */
	assert_string_equal(w[0].events, "promise.broken collision"); /* the list's order */
	bt_webhooks_free(w, n);
	assert_int_equal(bt_webhook_page(f->db, second, 10, &w, &n, &total, &more, &err), 0);
	assert_int_equal(n, 1);
	assert_false(more);
	assert_int_equal(w[0].id, id);
	bt_webhooks_free(w, n);
	/* ids are never reused */
	assert_int_equal(bt_webhook_delete(f->db, second, &err), 0);
	assert_int_equal(bt_webhook_delete(f->db, second, &err), BT_ENOTFOUND);
	assert_int_equal(add(f->db, "http://127.0.0.1:9/c", "test", NULL), second + 1);
	/* the secret is sealed: the file never holds it */
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "grep -c 0123456789abcdef %s %s-wal >/dev/null", f->path, f->path);
	assert_int_not_equal(system(cmd), 0);
}

static void test_emit_claim_record(void **state)
{
	struct fx *f = *state;
	struct bt_err err = {0, ""};
	struct bt_webhook_job job;
	int64_t a = add(f->db, "http://127.0.0.1:9/a", "promise.broken", "0123456789abcdef");
	int64_t b = add(f->db, "http://127.0.0.1:9/b", "collision", "fedcba9876543210");
	const char *data = "{\"instance\":\"I7\"}";
	assert_int_equal(bt_webhook_emit(f->db, "promise.broken", data, strlen(data), &err), 0);
	assert_int_equal(bt_webhook_emit(f->db, "promise.kept", data, strlen(data), &err), BT_EINVAL);
	assert_int_equal(bt_webhook_emit(f->db, "collision", "[1]", 3, &err), BT_EINVAL);
	assert_int_equal(bt_webhook_emit(f->db, "collision", "{", 1, &err), BT_EINVAL);

	/* one delivery, to a only */
	int64_t now = 4102444800000LL; /* 2100: everything queued is due */
	assert_int_equal(bt_webhook_claim(f->db, now, 60000, &job, &err), 0);
	assert_int_equal(job.webhook, a);
	assert_int_equal(job.attempt, 1);
	assert_string_equal(job.event, "promise.broken");
	assert_string_equal(job.url, "http://127.0.0.1:9/a");
	assert_int_equal(job.secret_len, 16);
	assert_memory_equal(job.secret, "0123456789abcdef", 16);
	char want[160];
	assert_int_equal(strncmp(job.body, "{\"id\":\"", 7), 0);
	assert_int_equal(strlen(job.uid), 36);
	assert_int_equal(job.uid[14], '4'); /* a version 4 UUID */
	snprintf(want, sizeof(want), "{\"id\":\"%s\",\"event\":\"promise.broken\",\"created\":\"", job.uid);
	assert_int_equal(strncmp(job.body, want, strlen(want)), 0);
	assert_string_equal(job.body + job.body_len - 27, "\",\"data\":{\"instance\":\"I7\"}}");
	/* held: nothing else is due, for anyone */
	struct bt_webhook_job other;
	assert_int_equal(bt_webhook_claim(f->db, now, 60000, &other, &err), BT_ENOTFOUND);

	/* the backoff, by hand: base 1000 ms, doubling, at most 120 bases;
	 * the next attempt is due that long after the attempt ended */
	static const int64_t waits[] = {1000, 2000, 4000, 8000, 16000, 32000, 64000, 120000, 120000};
	int64_t at = now, next = 0;
	for (int i = 0; i < 9; i++) {
		assert_int_equal(job.attempt, i + 1);
		assert_int_equal(bt_webhook_record(f->db, &job, at, 503, "HTTP 503", 5, 1000, &next, &err), 0);
		assert_int_equal(next, at + 5 + waits[i]);
		bt_webhook_job_release(&job);
		assert_int_equal(bt_webhook_next_due(f->db, &at, &err), 0);
		assert_int_equal(at, next);
		assert_int_equal(bt_webhook_claim(f->db, next - 1, 60000, &job, &err), BT_ENOTFOUND);
		assert_int_equal(bt_webhook_claim(f->db, next, 60000, &job, &err), 0);
		at = next;
	}
	/* the tenth attempt fails too: given up */
	assert_int_equal(job.attempt, 10);
	assert_int_equal(bt_webhook_record(f->db, &job, at, 0, "connection refused", 1, 1000, &next, &err), 0);
	assert_int_equal(next, 0);
	bt_webhook_job_release(&job);
	assert_int_equal(bt_webhook_next_due(f->db, &at, &err), BT_ENOTFOUND);

	struct bt_webhook_delivery *d = NULL;
	size_t n = 0;
	int64_t total = 0;
	int more = 0;
	assert_int_equal(bt_webhook_deliveries(f->db, a, 0, 10, &d, &n, &total, &more, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(d[0].state, BT_DELIVERY_FAILED);
	assert_int_equal(d[0].nattempts, 10);
	assert_int_equal(d[0].attempts[0].status, 503);
	assert_string_equal(d[0].attempts[0].error, "HTTP 503");
	assert_int_equal(d[0].attempts[0].next, now + 5 + 1000);
	assert_int_equal(d[0].attempts[9].status, 0);
	assert_int_equal(d[0].attempts[9].next, 0);
	bt_webhook_deliveries_free(d, n);
	assert_int_equal(bt_webhook_deliveries(f->db, b, 0, 10, &d, &n, &total, &more, &err), 0);
	assert_int_equal(n, 0);
	bt_webhook_deliveries_free(d, n);

	/* a ping goes to b alone, though b does not take "test"; delivered */
	assert_int_equal(bt_webhook_ping(f->db, b, &err), 0);
	assert_int_equal(bt_webhook_ping(f->db, 999, &err), BT_ENOTFOUND);
	assert_int_equal(bt_webhook_claim(f->db, now, 60000, &job, &err), 0);
	assert_int_equal(job.webhook, b);
	assert_string_equal(job.event, "test");
	assert_int_equal(bt_webhook_record(f->db, &job, now, 204, NULL, 3, 1000, &next, &err), 0);
	assert_int_equal(next, 0);
	bt_webhook_job_release(&job);
	assert_int_equal(bt_webhook_deliveries(f->db, b, 0, 10, &d, &n, &total, &more, &err), 0);
	assert_int_equal(d[0].state, BT_DELIVERY_DELIVERED);
	assert_int_equal(d[0].attempts[0].status, 204);
	assert_null(d[0].attempts[0].error);
	bt_webhook_deliveries_free(d, n);
}

/* Two connections (two servers on one database): one holder at a time;
 * a lapsed claim is taken over and the first holder's record is refused. */
static void test_claim_across_connections(void **state)
{
	struct fx *f = *state;
	struct bt_err err = {0, ""};
	struct bt_db *other = NULL;
	struct bt_webhook_job j1, j2;
	int64_t now = 4102444800000LL;
	add(f->db, "http://127.0.0.1:9/", "test", NULL);
	assert_int_equal(bt_webhook_emit(f->db, "test", "{}", 2, &err), 0);
	assert_int_equal(bt_db_open(&other, f->path, 0, &err), 0);
	assert_int_equal(bt_webhook_claim(f->db, now, 60000, &j1, &err), 0);
	assert_int_equal(bt_webhook_claim(other, now + 59999, 60000, &j2, &err), BT_ENOTFOUND);
	assert_int_equal(bt_webhook_claim(other, now + 60000, 60000, &j2, &err), 0);
	assert_int_equal(j2.delivery, j1.delivery);
	assert_int_equal(j2.attempt, 1); /* the lapsed claim recorded nothing */
	assert_int_equal(bt_webhook_record(f->db, &j1, now, 200, NULL, 1, 1000, NULL, &err), BT_ENOTFOUND);
	assert_int_equal(bt_webhook_record(other, &j2, now, 200, NULL, 1, 1000, NULL, &err), 0);
	/* given back unsent: due again at once, no attempt counted */
	assert_int_equal(bt_webhook_emit(f->db, "test", "{}", 2, &err), 0);
	bt_webhook_job_release(&j1), bt_webhook_job_release(&j2);
	assert_int_equal(bt_webhook_claim(other, now, 60000, &j2, &err), 0);
	assert_int_equal(bt_webhook_unclaim(other, &j2, &err), 0);
	assert_int_equal(bt_webhook_claim(f->db, now, 60000, &j1, &err), 0);
	assert_int_equal(j1.attempt, 1);
	bt_webhook_job_release(&j1), bt_webhook_job_release(&j2);
	bt_db_close(other);
}

/* Inside the caller's write transaction the deliveries share its fate. */
static void test_emit_in_callers_transaction(void **state)
{
	struct fx *f = *state;
	struct bt_err err = {0, ""};
	const struct bt__store_ops *ops = f->db->store->ops;
	struct bt_webhook_delivery *d = NULL;
	size_t n = 0;
	int64_t total = 0;
	int more;
	int64_t id = add(f->db, "http://127.0.0.1:9/", "collision", NULL);
	assert_int_equal(ops->txn.begin(f->db->store, &err), 0);
	assert_int_equal(bt_webhook_emit(f->db, "collision", "{}", 2, &err), 0);
	ops->txn.rollback(f->db->store);
	assert_int_equal(bt_webhook_deliveries(f->db, id, 0, 10, &d, &n, &total, &more, &err), 0);
	assert_int_equal(total, 0);
	bt_webhook_deliveries_free(d, n);
	assert_int_equal(ops->txn.begin(f->db->store, &err), 0);
	assert_int_equal(bt_webhook_emit(f->db, "collision", "{}", 2, &err), 0);
	assert_int_equal(ops->txn.commit(f->db->store, &err), 0);
	assert_int_equal(bt_webhook_deliveries(f->db, id, 0, 10, &d, &n, &total, &more, &err), 0);
	assert_int_equal(total, 1);
	bt_webhook_deliveries_free(d, n);
	/* deleting the webhook drops its deliveries */
	assert_int_equal(bt_webhook_delete(f->db, id, &err), 0);
	assert_int_equal(bt_webhook_deliveries(f->db, 0, 0, 10, &d, &n, &total, &more, &err), 0);
	assert_int_equal(total, 0);
	bt_webhook_deliveries_free(d, n);
}

/* Without allow_private, a private URL is refused when it is added. */
static void test_add_refused_without_allow_private(void **state)
{
	struct fx *f = *state;
	struct bt_err err = {0, ""};
	struct bt_config *cfg = NULL;
	char made[BT_WEBHOOK_SECRET_LEN + 1];
	const char *ev[] = {"test"};
	int64_t id;
	assert_int_equal(bt_config_empty(&cfg), 0);
	assert_int_equal(bt_db_config_set(f->db, cfg, &err), 0);
	bt_config_free(cfg);
	assert_int_equal(bt_webhook_add(f->db, "http://127.0.0.1:9/", ev, 1, NULL, made, &id, &err),
			 BT_EINVAL);
	assert_string_equal(err.msg, "the address 127.0.0.1 is a loopback address: set "
				     "webhooks.allow_private: true in the configuration to allow it");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_ranges),
		cmocka_unit_test(test_metadata),
		cmocka_unit_test(test_ipv6_ranges),
		cmocka_unit_test(test_ipv6_with_ipv4),
		cmocka_unit_test(test_allowed),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_sign),
		cmocka_unit_test_setup_teardown(test_add_and_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_emit_claim_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_claim_across_connections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_emit_in_callers_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_refused_without_allow_private, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
