/* SPDX-License-Identifier: Apache-2.0 */
/* region.c - a growable array that never moves; see region.h. */
#define _GNU_SOURCE 1 /* MADV_POPULATE_WRITE */
#include "util/region.h"

#include "baton/error.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MIN_RESERVE ((size_t)1 << 20)
#define STEP ((size_t)2 << 20) /* made usable at least this much at a time */

int bt__region_init(struct bt__region *r, size_t max)
{
	memset(r, 0, sizeof(*r));
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	max = (max + page - 1) / page * page;
	if (max < MIN_RESERVE)
		max = MIN_RESERVE;
	for (; max >= MIN_RESERVE; max /= 2) {
		/* PROT_NONE: address space only, charged to nobody until used */
		void *p = mmap(NULL, max, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p != MAP_FAILED) {
			r->base = p;
			r->reserved = max;
			return 0;
		}
	}
	return BT_ENOMEM;
}

int bt__region_fit(struct bt__region *r, size_t need)
{
	if (need <= r->usable)
		return 0;
	if (need > r->reserved)
		return BT_ENOMEM;
	size_t grow = r->usable / 4 > STEP ? r->usable / 4 : STEP;
	size_t to = need > r->usable + grow ? need : r->usable + grow;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	to = (to + page - 1) / page * page;
	if (to > r->reserved)
		to = r->reserved;
	unsigned char *from = (unsigned char *)r->base + r->usable;
	if (mprotect(from, to - r->usable, PROT_READ | PROT_WRITE))
		return BT_ENOMEM;
#ifdef MADV_POPULATE_WRITE
	/* fault the pages in now, while nobody waits (a kernel without it
	 * faults them on first write instead) */
	(void)madvise(from, to - r->usable, MADV_POPULATE_WRITE);
#endif
	r->usable = to;
	return 0;
}

void bt__region_release(struct bt__region *r)
{
	if (r->base)
		munmap(r->base, r->reserved);
	memset(r, 0, sizeof(*r));
}
