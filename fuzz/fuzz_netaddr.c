/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_netaddr.c - libFuzzer harness for the address checks of outbound
 * webhooks: what kind an address is (src/util/netaddr.c) and how a
 * webhook's URL is read into the addresses it may reach (bt_webhook_resolve
 * and bt_webhook_addr_refused, src/webhook.c).
 *
 * The input is used three ways: its first 4 bytes as an IPv4 address, its
 * first 16 as an IPv6 address, and, when it is a short text, as an
 * address written in any form getaddrinfo reads as a number (127.1,
 * 0x7f000001, ::ffff:7f00:1 ...), alone and as the host of an http URL.
 * Invariants (abort() when one fails): an address in 0/8, 127/8, 10/8,
 * 172.16/12, 192.168/16 or 169.254/16, ::1, fe80::/10, fc00::/7, or an
 * IPv6 address carrying one of those IPv4 addresses (::ffff:127.0.0.1),
 * is never classed public nor allowed without allow_private, and a URL
 * that names one is refused; a cloud metadata address is never allowed;
 * an IPv4 address judged inside IPv6 (v4-mapped, NAT64) is the same kind.
 * The oracle here is written out from those ranges, not from netaddr.c's
 * table.  Only numeric hosts reach bt_webhook_resolve, so nothing is
 * looked up in DNS.
 *
 * Build and run from the repository root (fuzz/run.sh says where the
 * corpus and the crashes go):
 *
 *   fuzz/run.sh netaddr 180
 */
#include "fuzz.h"

#include "baton/webhook.h"
#include "util/netaddr.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* IPv4 ranges a webhook may never reach unless private ones are allowed. */
static int na_private4(uint32_t a)
{
	return a >> 24 == 0 || a >> 24 == 127 || a >> 24 == 10 || a >> 20 == 0xac1 ||
	       a >> 16 == 0xc0a8 || a >> 16 == 0xa9fe;
}

static uint32_t na_v4_at(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int na_private6(const unsigned char a[16])
{
	static const unsigned char loop[16] = {[15] = 1};
	static const unsigned char mapped[12] = {[10] = 0xff, [11] = 0xff};
	return !memcmp(a, loop, 16) || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||
	       (a[0] & 0xfe) == 0xfc || (!memcmp(a, mapped, 12) && na_private4(na_v4_at(a + 12)));
}

static int na_metadata4(uint32_t a) { return a == 0xa9fea9fe; /* 169.254.169.254 */ }

static void na_check4(uint32_t a)
{
	enum bt__addr_kind k = bt__addr_kind4(a);
	unsigned char in6[16] = {[10] = 0xff, [11] = 0xff};
	unsigned char nat64[16] = {0x00, 0x64, 0xff, 0x9b};
	if (na_private4(a))
		CHECK(k != BT__ADDR_PUBLIC && !bt__addr_allowed(k, 0));
	if (na_metadata4(a))
		CHECK(!bt__addr_allowed(k, 1));
	for (int i = 0; i < 4; i++)
		in6[12 + i] = nat64[12 + i] = (unsigned char)(a >> (24 - 8 * i));
	CHECK(bt__addr_kind6(in6) == k && bt__addr_kind6(nat64) == k);
}

static void na_check6(const unsigned char a[16])
{
	enum bt__addr_kind k = bt__addr_kind6(a);
	if (na_private6(a))
		CHECK(k != BT__ADDR_PUBLIC && !bt__addr_allowed(k, 0));
}

/* Is sa in a range the oracle forbids? */
static int na_private_sa(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return na_private4(ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr));
	return na_private6(((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr);
}

/* text, a numeric host, as the webhook's own checks read it. */
static void na_check_text(const char *text)
{
	struct addrinfo hints, *res = NULL;
	struct bt_webhook_target t;
	struct bt_err err = {0, ""};
	char url[128];
	int refuse = 0;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST;
	if (getaddrinfo(text, NULL, &hints, &res) != 0)
		return;
	for (struct addrinfo *a = res; a; a = a->ai_next) {
		if (a->ai_family == AF_INET)
			na_check4(ntohl(((const struct sockaddr_in *)a->ai_addr)->sin_addr.s_addr));
		else
			na_check6(((const struct sockaddr_in6 *)a->ai_addr)->sin6_addr.s6_addr);
		if (na_private_sa(a->ai_addr)) {
			CHECK(bt_webhook_addr_refused(a->ai_addr, 0) != NULL);
			refuse = 1;
		}
	}
	freeaddrinfo(res);
	snprintf(url, sizeof(url), strchr(text, ':') ? "http://[%s]/hook" : "http://%s/hook", text);
	if (bt_webhook_resolve(url, 0, &t, &err) != 0) {
		CHECK(err.msg[0]);
		return;
	}
	CHECK(t.literal && !refuse);
	for (size_t i = 0; i < t.naddrs; i++)
		CHECK(!na_private_sa((const struct sockaddr *)&t.addrs[i]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size >= 4)
		na_check4(na_v4_at(data));
	if (size >= 16)
		na_check6(data);
	/* a host of digits, hex, dots and colons: never a name to look up */
	if (size == 0 || size > 64)
		return 0;
	for (size_t i = 0; i < size; i++)
		if (!strchr("0123456789abcdefABCDEFxX.:", data[i]) || data[i] == '\0')
			return 0;
	char *text = fuzz_text(data, size);
	if (text)
		na_check_text(text);
	free(text);
	return 0;
}
