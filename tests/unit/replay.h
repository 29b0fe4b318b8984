/* SPDX-License-Identifier: Apache-2.0 */
/*
 * replay.h - the corpus replay of test_fuzz_replay.c and test_fuzz_server.c
 * (STYLE.md: fuzz seeds replayed in `make test`): every file of
 * fuzz/corpus/NAME goes through the entry point of fuzz/fuzz_NAME.c, which
 * the test #includes with LLVMFuzzerTestOneInput renamed (fuzz/fuzz.h).  A
 * harness aborts on a broken invariant, and the sanitized run checks
 * memory, leaks and undefined behaviour.  Include it after cmocka.h.
 */
#ifndef BT_TEST_REPLAY_H
#define BT_TEST_REPLAY_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* One corpus: its name under fuzz/corpus/, its harness, the seeds it must have. */
struct corpus {
	const char *name;
	int (*one)(const uint8_t *data, size_t size);
	int min;
};

/* The test of corpus NAME, with at least min seeds, through fuzz_NAME_one. */
#define REPLAY(name, min)                                                                  \
	{                                                                                  \
		#name, replay_one, NULL, NULL, &(struct corpus){#name, fuzz_##name##_one, min} \
	}

static void replay_one(void **state)
{
	const struct corpus *c = *state;
	const char *root = getenv("BATON_ROOT");
	char dir[4096], path[8192];
	static unsigned char buf[1 << 20];
	int n = 0;
	snprintf(dir, sizeof(dir), "%s/fuzz/corpus/%s", root ? root : ".", c->name);
	DIR *d = opendir(dir);
	assert_non_null(d);
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "rb");
		assert_non_null(f);
		size_t len = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		assert_int_equal(c->one(buf, len), 0);
		n++;
	}
	closedir(d);
	print_message("%s: replayed %d corpus inputs\n", c->name, n);
	assert_true(n >= c->min);
}

#endif
