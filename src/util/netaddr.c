/* SPDX-License-Identifier: Apache-2.0 */
/* netaddr.c - the kind of an IP address (netaddr.h): ranges as data. */
#include "util/netaddr.h"

#include <string.h>

/* Cloud metadata services, judged before the ranges they lie in (the
 * first two are link-local, 100.100.100.200 is in the CGNAT range, and
 * fd00:ec2::254 in fc00::/7, which allow_private would let through). */
static const uint32_t metadata4[] = {
	0xa9fea9fe, /* 169.254.169.254: AWS, GCP, Azure, OCI, DigitalOcean ... */
	0xa9feaa02, /* 169.254.170.2: AWS ECS task metadata */
	0x646464c8, /* 100.100.100.200: Alibaba Cloud */
	0xa83f8110, /* 168.63.129.16: Azure's wire server */
};

static const struct range4 {
	uint32_t net;
	unsigned bits;
	enum bt__addr_kind kind;
} ranges4[] = {
	{0x00000000, 8, BT__ADDR_UNSPECIFIED}, /* 0.0.0.0/8, "this network" */
	{0x0a000000, 8, BT__ADDR_PRIVATE},     /* 10/8 */
	{0x64400000, 10, BT__ADDR_CGNAT},      /* 100.64/10 */
	{0x7f000000, 8, BT__ADDR_LOOPBACK},    /* 127/8 */
	{0xa9fe0000, 16, BT__ADDR_LINK_LOCAL}, /* 169.254/16 */
	{0xac100000, 12, BT__ADDR_PRIVATE},    /* 172.16/12 */
	{0xc0a80000, 16, BT__ADDR_PRIVATE},    /* 192.168/16 */
	{0xe0000000, 4, BT__ADDR_MULTICAST},   /* 224/4 */
	{0xf0000000, 4, BT__ADDR_RESERVED},    /* 240/4, 255.255.255.255 */
};

static int in4(uint32_t a, uint32_t net, unsigned bits)
{
	uint32_t mask = bits ? ~(uint32_t)0 << (32 - bits) : 0;
	return (a & mask) == net;
}

enum bt__addr_kind bt__addr_kind4(uint32_t a)
{
	for (size_t i = 0; i < sizeof(metadata4) / sizeof(metadata4[0]); i++)
		if (a == metadata4[i])
			return BT__ADDR_METADATA;
	for (size_t i = 0; i < sizeof(ranges4) / sizeof(ranges4[0]); i++)
		if (in4(a, ranges4[i].net, ranges4[i].bits))
			return ranges4[i].kind;
	return BT__ADDR_PUBLIC;
}

static uint32_t v4_at(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Do the first `bits` bits of a equal those of prefix? */
static int in6(const unsigned char a[16], const unsigned char prefix[16], unsigned bits)
{
	unsigned whole = bits / 8, rest = bits % 8;
	if (memcmp(a, prefix, whole))
		return 0;
	return !rest || ((a[whole] ^ prefix[whole]) & (0xff << (8 - rest)) & 0xff) == 0;
}

enum bt__addr_kind bt__addr_kind6(const unsigned char a[16])
{
	static const unsigned char zero[16], loop[16] = {[15] = 1};
	static const unsigned char mapped[12] = {[10] = 0xff, [11] = 0xff};
	static const unsigned char nat64[16] = {0x00, 0x64, 0xff, 0x9b};
	static const unsigned char sixto4[16] = {0x20, 0x02};
	static const unsigned char ec2[16] = {0xfd, 0x00, 0x0e, 0xc2, [14] = 0x02, [15] = 0x54};
	static const struct {
		unsigned char prefix[16];
		unsigned bits;
		enum bt__addr_kind kind;
	} ranges6[] = {
		{{0xfc}, 7, BT__ADDR_PRIVATE},     /* unique local */
		{{0xfe, 0xc0}, 10, BT__ADDR_PRIVATE}, /* site-local (deprecated) */
		{{0xfe, 0x80}, 10, BT__ADDR_LINK_LOCAL},
		{{0xff}, 8, BT__ADDR_MULTICAST},
	};
	if (!memcmp(a, zero, 16))
		return BT__ADDR_UNSPECIFIED;
	if (!memcmp(a, loop, 16))
		return BT__ADDR_LOOPBACK;
	if (!memcmp(a, ec2, 16))
		return BT__ADDR_METADATA;
	/* an IPv4 address inside: v4-mapped, v4-compatible, NAT64, 6to4 */
	if (!memcmp(a, mapped, 12) || !memcmp(a, zero, 12) || in6(a, nat64, 96))
		return bt__addr_kind4(v4_at(a + 12));
	if (in6(a, sixto4, 16))
		return bt__addr_kind4(v4_at(a + 2));
	for (size_t i = 0; i < sizeof(ranges6) / sizeof(ranges6[0]); i++)
		if (in6(a, ranges6[i].prefix, ranges6[i].bits))
			return ranges6[i].kind;
	return BT__ADDR_PUBLIC;
}

const char *bt__addr_kind_text(enum bt__addr_kind k)
{
	switch (k) {
	case BT__ADDR_PUBLIC: return "a public address";
	case BT__ADDR_LOOPBACK: return "a loopback address";
	case BT__ADDR_PRIVATE: return "a private address (RFC 1918 or fc00::/7)";
	case BT__ADDR_CGNAT: return "a shared address (carrier-grade NAT, 100.64.0.0/10)";
	case BT__ADDR_LINK_LOCAL: return "a link-local address";
	case BT__ADDR_METADATA: return "a cloud metadata address";
	case BT__ADDR_UNSPECIFIED: return "an unspecified address";
	case BT__ADDR_MULTICAST: return "a multicast address";
	case BT__ADDR_RESERVED: return "a reserved or broadcast address";
	}
	return "an address of no known kind";
}

int bt__addr_allowed(enum bt__addr_kind k, int allow_private)
{
	if (k == BT__ADDR_PUBLIC)
		return 1;
	return allow_private &&
	       (k == BT__ADDR_LOOPBACK || k == BT__ADDR_PRIVATE || k == BT__ADDR_CGNAT);
}
