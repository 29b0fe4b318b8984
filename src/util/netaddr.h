/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netaddr.h - what kind of address an IP address is, for the outbound
 * safety of webhooks (docs/webhooks.md): a delivery may go to a public
 * address only, unless the configuration allows private ones, and never to
 * a cloud metadata service.
 *
 * IPv6 addresses that carry an IPv4 address (v4-mapped ::ffff:a.b.c.d,
 * v4-compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged
 * by the IPv4 address they carry: ::ffff:127.0.0.1 is loopback.
 */
#ifndef BT_UTIL_NETADDR_H
#define BT_UTIL_NETADDR_H

#include <stdint.h>

enum bt__addr_kind {
	BT__ADDR_PUBLIC = 0,
	BT__ADDR_LOOPBACK,    /* 127.0.0.0/8, ::1 */
	BT__ADDR_PRIVATE,     /* 10/8, 172.16/12, 192.168/16, fc00::/7, fec0::/10 */
	BT__ADDR_CGNAT,       /* 100.64.0.0/10 (shared address space) */
	BT__ADDR_LINK_LOCAL,  /* 169.254/16, fe80::/10 */
	BT__ADDR_METADATA,    /* cloud metadata services: 169.254.169.254 & co. */
	BT__ADDR_UNSPECIFIED, /* 0.0.0.0/8, :: */
	BT__ADDR_MULTICAST,   /* 224/4, ff00::/8 */
	BT__ADDR_RESERVED,    /* 240/4 (with 255.255.255.255) */
};

/* The kind of an IPv4 address (in host order: 127.0.0.1 is 0x7f000001). */
enum bt__addr_kind bt__addr_kind4(uint32_t a);
/* The kind of an IPv6 address (16 bytes, network order). */
enum bt__addr_kind bt__addr_kind6(const unsigned char a[16]);
/* Words for a kind, to finish "the address 10.0.0.1 is ...": "a private
 * address (RFC 1918 or fc00::/7)". */
const char *bt__addr_kind_text(enum bt__addr_kind k);
/* May a delivery go there?  Public always; loopback, private and CGNAT
 * only when allow_private; the others never. */
int bt__addr_allowed(enum bt__addr_kind k, int allow_private);

#endif
